//! The `kaapana-chart` command line: its output against Helm's goldens and
//! its exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kaapana-chart"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn golden(id: &str) -> serde_json::Value {
    let path = fixtures().join("golden/charts").join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).expect("golden reads");
    serde_json::from_str(&text).expect("golden is JSON")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

#[test]
fn render_json_is_the_oracles_shape_and_content() {
    for id in ["alias-twice", "kaapana-admin-chart"] {
        let dir = ["charts", "kaapana/build"]
            .iter()
            .map(|d| fixtures().join(d).join(id))
            .find(|p| p.is_dir())
            .expect("chart folder");
        let out = run(bin().arg("render").arg(&dir).args(["--output", "json"]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(ours["manifests"], golden(id)["manifests"], "{id}");
        // Python's json.dumps(sort_keys=True) layout: `{"manifests": {"k": …`.
        assert!(out.stdout.starts_with(b"{\"manifests\": {\""));
    }
}

#[test]
fn template_prints_helms_manifest_stream() {
    let dir = fixtures().join("charts/alias-twice");
    let out = run(bin().arg("template").arg(&dir).arg("--no-hooks"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = golden("alias-twice")["template"]
        .as_str()
        .expect("golden has the install stream")
        .trim()
        .to_owned()
        + "\n";
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn a_render_error_exits_1_with_helms_message_and_a_caret() {
    let dir = fixtures().join("charts/fail-in-subchart-error");
    let want = golden("fail-in-subchart-error")["error"]
        .as_str()
        .expect("golden error")
        .to_owned();
    let out = run(bin().arg("template").arg(&dir));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("Error: {want}\n\nUse --debug flag")),
        "{err}"
    );
    let out = run(bin().arg("render").arg(&dir));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["error"], want.as_str());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run(bin().arg("template")).status.code(), Some(2));
    assert_eq!(run(bin().arg("frobnicate")).status.code(), Some(2));
    let help = run(bin().args(["template", "--help"]));
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--values",
        "--set-json",
        "--show-only",
        "--include-crds",
        "--kube-version",
    ] {
        assert!(text.contains(flag), "help lacks {flag}");
    }
}

#[test]
fn missing_chart_is_an_error_not_a_panic() {
    let out = run(bin().args(["template", "/nonexistent/chart"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Error: "));
}

#[test]
fn release_name_from_argument_template_or_generated() {
    let dir = fixtures().join("charts/alias-twice");
    let out = run(bin().args(["template", "myrel"]).arg(&dir));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: myrel-cache-primary"));
    let out = run(bin()
        .arg("template")
        .arg(&dir)
        .args(["--name-template", "{{ \"tpl\" | upper | lower }}-x"]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: tpl-x-cache-primary"));
    let out = run(bin().args(["template", "-g"]).arg(&dir));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: alias-twice-"));
    // Helm refuses names that are not DNS-1123 (its message, from the oracle,
    // is pinned in the library's tests).
    let out = run(bin().args(["template", "Bad_Name"]).arg(&dir));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("Error: release name check failed: release name \"Bad_Name\""));
}

/// `--seed` (with `--now`) makes a render with random and clock functions
/// reproducible: the same flags give the same bytes, another seed other
/// bytes, and the clock reads `--now`.
#[test]
fn seed_and_now_make_renders_reproducible() {
    let dir = std::env::temp_dir().join(format!("kc-seed-{}", std::process::id()));
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("temp chart");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: seeded\nversion: 1.0.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(
        templates.join("cm.yaml"),
        "a: {{ randAlphaNum 16 }}\nb: {{ uuidv4 }}\nc: {{ now | date \"2006-01-02T15:04:05Z07:00\" }}\nd: {{ shuffle \"abcdefghij\" }}\n",
    )
    .expect("template");
    let render = |extra: &[&str]| {
        let out = run(bin().arg("template").arg(&dir).args(extra));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let flags = ["--seed", "42", "--now", "2024-05-06T07:08:09Z"];
    let first = render(&flags);
    assert_eq!(first, render(&flags));
    assert!(first.contains("c: 2024-05-06T07:08:09Z"), "{first}");
    assert_ne!(
        first,
        render(&["--seed", "43", "--now", "2024-05-06T07:08:09Z"])
    );
    // Without --seed, randomness is fresh as in Helm.
    assert_ne!(render(&[]), render(&[]));
    // --now alone is a usage error: the clock is fixed only with a seed.
    let out = run(bin()
        .arg("template")
        .arg(&dir)
        .args(["--now", "2024-05-06T07:08:09Z"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(bin()
        .arg("template")
        .arg(&dir)
        .args(["--seed", "1", "--now", "yesterday"]));
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a failing command must print: `Error: …` lines, never Rust's panic
/// text or a backtrace hint.
fn assert_clear_failure(what: &str, out: &Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: {err}"
    );
    if out.status.code() == Some(1) {
        assert!(
            err.starts_with("Error: ") || out.stdout.starts_with(b"rejected: "),
            "{what}: {err}"
        );
    }
}

#[test]
fn an_internal_error_is_one_line_and_exit_3() {
    let out = run(bin()
        .env("KAAPANA_CHART_CLI_PANIC_TEST", "1")
        .arg("template")
        .arg(fixtures().join("charts/alias-twice")));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("Error: internal error in kaapana-chart"),
        "{err}"
    );
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"));
    assert!(out.stdout.is_empty());
}

/// Every hostile archive of the loader and upload corpora, through the two
/// commands a platform runs on uploads: `template` exits 0 or 1 and
/// `check-upload` 0 (accepted) or 1 (rejected), each with a clear message.
#[test]
fn every_hostile_archive_ends_in_a_documented_exit_code() {
    let mut archives = Vec::new();
    for dir in ["loader/archives", "uploads/charts"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "tgz") {
                archives.push(path);
            }
        }
    }
    archives.sort();
    assert!(archives.len() > 150, "{}", archives.len());
    for path in &archives {
        for command in ["template", "check-upload"] {
            let what = format!("{command} {}", path.display());
            let out = run(bin().arg(command).arg(path));
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{what}: {:?}",
                out.status
            );
            assert_clear_failure(&what, &out);
        }
    }
}
