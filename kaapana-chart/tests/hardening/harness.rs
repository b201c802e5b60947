//! The harness of the bad-input corpus.
//!
//! The workspace forbids `unsafe` code, so a counting global allocator
//! (`unsafe impl GlobalAlloc`) cannot live in a test binary. Instead every
//! case runs in a child process: the test binary re-runs itself for that
//! one test under `ulimit -v` (RLIMIT_AS), and in the child the case runs on
//! a 2 MiB stack thread against a clock. A case that allocates without
//! bound hits the address-space ceiling and aborts the child; a stack
//! overflow aborts it too; a hang is killed by the parent. Each of these
//! fails the test in the parent with the child's output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kaapana_chart::chart::loader::{Rule, Violation};
use kaapana_chart::{Error, ErrorKind};

/// Address space of a child (RLIMIT_AS, in KiB for `ulimit -v`). Covers
/// the binary, glibc's per-thread malloc arenas (64 MiB of reserved
/// address space each) and a case's working memory; a case that tries to
/// hold a GiB fails.
pub const ADDRESS_SPACE_KIB: u64 = 1024 * 1024;

/// Wall-clock bound of one case inside the child: a hang guard. Debug
/// builds on a loaded two-core machine run ten to thirty times slower than
/// release, so this is generous but finite; the one-second target is
/// [`CASE_CPU`]'s, in release builds.
pub const CASE_TIME: Duration = Duration::from_secs(60);

/// CPU time one case may take in a release build (`cargo test --release
/// --test hardening`, which `.ci/run` runs): the issue's "finishes in under
/// a second". CPU time rather than wall time, so that a busy machine does
/// not fail a case that is fast. Each child prints its case's times on
/// stderr (`-- --nocapture`).
pub const CASE_CPU: Duration = Duration::from_secs(1);

/// The parent's bound on a child (start-up plus [`CASE_TIME`]).
const CHILD_TIME: Duration = Duration::from_secs(120);

const CHILD_ENV: &str = "KAAPANA_HARDENING_CHILD";

/// Whether this process is a case's child.
pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// Runs `f` as the case `name` (the test function's own name): in the
/// parent, spawns the child and checks it; in the child, runs `f` on a
/// 2 MiB stack and checks the clock.
pub fn case(name: &str, f: impl FnOnce() + Send + 'static) {
    if is_child() {
        let start = Instant::now();
        let cpu_before = cpu_time();
        crate::common::on_small_stack_within(CASE_TIME, f);
        let cpu = cpu_time().saturating_sub(cpu_before);
        eprintln!("case {name}: {:?} wall, {cpu:?} cpu", start.elapsed());
        if !cfg!(debug_assertions) {
            assert!(cpu < CASE_CPU, "case {name} took {cpu:?} of CPU time");
        }
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > CHILD_TIME {
            let _ = child.kill();
            let _ = child.wait();
            panic!("case {name} did not finish within {CHILD_TIME:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    let mut err = String::new();
    let _ = child.stdout.take().map(|mut s| s.read_to_string(&mut out));
    let _ = child.stderr.take().map(|mut s| s.read_to_string(&mut err));
    assert!(
        status.success(),
        "case {name} failed in its child ({status}):\n{out}\n{err}"
    );
    for line in err
        .lines()
        .filter(|l| l.starts_with("case ") || l.starts_with("memory "))
    {
        eprintln!("{line}");
    }
    assert!(
        out.contains("1 passed"),
        "case {name} did not run in its child:\n{out}\n{err}"
    );
}

/// CPU time of this process so far (user plus system), from
/// `/proc/self/stat` in clock ticks of 10 ms (Linux's `USER_HZ` is 100);
/// zero where there is no such file.
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

pub fn archive(name: &str) -> Vec<u8> {
    let p = fixtures()
        .join("loader/archives")
        .join(format!("{name}.tgz"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn rule_of(err: &Error) -> Rule {
    Violation::of(err)
        .map(Violation::rule)
        .unwrap_or_else(|| panic!("no loader rule on {err:#}"))
}

/// Loads the fixture archive `name` and expects `rule`.
pub fn archive_refused(name: &str, rule: Rule) -> Error {
    let err = kaapana_chart::chart::loader::load_archive(&archive(name))
        .err()
        .unwrap_or_else(|| panic!("{name} loaded"));
    assert_eq!(rule_of(&err), rule, "{name}: {err:#}");
    err
}

/// Loads the fixture chart folder `name` and expects an error of `kind`.
pub fn chart_refused(name: &str, rule: Rule) -> Error {
    let p = fixtures().join("loader/charts").join(name);
    let err = kaapana_chart::chart::loader::load(&p)
        .err()
        .unwrap_or_else(|| panic!("{name} loaded"));
    assert_eq!(rule_of(&err), rule, "{name}: {err:#}");
    err
}

pub fn assert_kind(err: &Error, kinds: &[ErrorKind]) {
    assert!(kinds.contains(&err.kind()), "{:?}: {err:#}", err.kind());
}
