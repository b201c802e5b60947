//! The cost of the C ABI: a small render through `kc_render_template` /
//! `kc_render_json` against the same render through the Rust API, in one
//! process, interleaved so that both see the same machine load.
//!
//!   cargo bench -p kaapana-chart-ffi --bench overhead [-- ROUNDS]
//!
//! Prints the median CPU time per render of each path (wall time where
//! the thread's CPU time cannot be read) and the overhead, and fails if
//! either overhead is 5% or more of the render.
#![allow(unsafe_code)] // calling the C ABI, as C would

use std::ffi::{c_char, CString};
use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

use kaapana_chart::chart::coalesce::ValueOptions;
use kaapana_chart::chart::loader;
use kaapana_chart::manifest::{manifests_json, TemplateOptions};
use kaapana_chart::{Engine, Release};
use kaapana_chart_ffi::*;

/// Renders per sample; a sample's time is divided by this.
const BATCH: u32 = 20;
/// The overhead the C ABI may add to a render.
const MAX_OVERHEAD: f64 = 0.05;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The time this thread has spent on a CPU (`CLOCK_THREAD_CPUTIME_ID`). On
/// a shared machine wall-clock time mostly measures the other processes;
/// CPU time does not. (Declared here rather than through the libc crate:
/// one call, 64-bit Linux only; elsewhere the wall clock is used.)
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_time() -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec (two 64-bit fields on
    // 64-bit Linux) and the clock id is Linux's.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_time() -> Option<Duration> {
    None
}

fn time(f: &mut dyn FnMut()) -> Duration {
    let (cpu, wall) = (cpu_time(), Instant::now());
    for _ in 0..BATCH {
        f();
    }
    match (cpu, cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a) / BATCH,
        _ => wall.elapsed() / BATCH,
    }
}

fn main() -> ExitCode {
    let rounds: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/charts/sprig-webapp"
    );

    // The Rust API.
    let chart = loader::load(Path::new(dir)).expect("the chart loads");
    let engine = Engine::new();
    let release = Release::default();
    // The user values as the CLI (and the C ABI) compute them from no flags:
    // an empty map, which renders a little differently from `Value::Nil`.
    let user_values = || {
        ValueOptions::default()
            .merge(&|_| unreachable!("no --set-file"))
            .unwrap()
    };
    // The same library calls the CLI makes (and the C ABI wraps).
    let mut rust_template = || {
        let text = engine
            .template_chart(
                &chart,
                &user_values(),
                &release,
                &TemplateOptions::default(),
            )
            .unwrap();
        black_box(text);
    };
    let mut rust_json = || {
        let out = engine
            .render_chart(&chart, &user_values(), &release)
            .unwrap();
        black_box(manifests_json(&out.files));
    };

    // The C ABI.
    let mut c_engine = null_mut();
    let mut c_chart = null_mut();
    let path = CString::new(dir).unwrap();
    // SAFETY: valid out-pointers and a NUL-terminated path.
    unsafe {
        assert_eq!(
            kc_engine_new(null(), &mut c_engine),
            kc_result::KC_RESULT_OK
        );
    }
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            kc_chart_load_path(path.as_ptr(), &mut c_chart),
            kc_result::KC_RESULT_OK
        );
    }
    let call = |f: unsafe extern "C" fn(
        *const kc_engine,
        *const kc_chart,
        *const kc_render_options,
        *mut *mut c_char,
        *mut usize,
    ) -> kc_result| {
        let mut out = null_mut();
        let mut len = 0;
        // SAFETY: live handles and valid out-pointers.
        let rc = unsafe { f(c_engine, c_chart, null(), &mut out, &mut len) };
        assert_eq!(rc, kc_result::KC_RESULT_OK);
        black_box(len);
        kc_string_free(out);
    };
    let mut c_template = || call(kc_render_template);
    let mut c_json = || call(kc_render_json);

    // For the record: a deterministic engine builds a fresh function
    // registry per render (so renders do not depend on each other).
    let mut det_opts = null_mut();
    let mut det_engine = null_mut();
    // SAFETY: a valid out-pointer.
    let rc = unsafe { kc_engine_options_new(&mut det_opts) };
    assert_eq!(rc, kc_result::KC_RESULT_OK);
    assert_eq!(
        kc_engine_options_set_deterministic(det_opts, 1, 1_700_000_000, 0),
        kc_result::KC_RESULT_OK
    );
    // SAFETY: a live options handle and a valid out-pointer.
    let rc = unsafe { kc_engine_new(det_opts, &mut det_engine) };
    assert_eq!(rc, kc_result::KC_RESULT_OK);
    let mut c_det = || {
        let mut out = null_mut();
        let mut len = 0;
        // SAFETY: live handles and valid out-pointers.
        let rc = unsafe { kc_render_template(det_engine, c_chart, null(), &mut out, &mut len) };
        assert_eq!(rc, kc_result::KC_RESULT_OK);
        kc_string_free(out);
    };

    // Warm up (caches, allocator, the first schema/tz loads).
    for _ in 0..3 {
        time(&mut rust_template);
        time(&mut c_template);
        time(&mut rust_json);
        time(&mut c_json);
    }
    let (mut rt, mut ct, mut rr, mut cj) = (vec![], vec![], vec![], vec![]);
    // Each pair (Rust, C) runs back to back, alternating which goes first,
    // so that both see the same preceding work (caches, allocator state).
    for round in 0..rounds {
        if round % 2 == 0 {
            rt.push(time(&mut rust_template));
            ct.push(time(&mut c_template));
            rr.push(time(&mut rust_json));
            cj.push(time(&mut c_json));
        } else {
            ct.push(time(&mut c_template));
            rt.push(time(&mut rust_template));
            cj.push(time(&mut c_json));
            rr.push(time(&mut rust_json));
        }
    }
    let cd: Vec<Duration> = (0..rounds / 4 + 1).map(|_| time(&mut c_det)).collect();
    let (rt, ct, rr, cj, cd) = (median(rt), median(ct), median(rr), median(cj), median(cd));
    let pct = |c: Duration, r: Duration| (c.as_secs_f64() / r.as_secs_f64() - 1.0) * 100.0;
    println!("sprig-webapp, {rounds} rounds x {BATCH} renders, median CPU time per render:");
    println!(
        "  template: Rust API {:>9.1} us   C ABI {:>9.1} us   overhead {:+.2}%",
        rt.as_secs_f64() * 1e6,
        ct.as_secs_f64() * 1e6,
        pct(ct, rt)
    );
    println!(
        "  json:     Rust API {:>9.1} us   C ABI {:>9.1} us   overhead {:+.2}%",
        rr.as_secs_f64() * 1e6,
        cj.as_secs_f64() * 1e6,
        pct(cj, rr)
    );
    println!(
        "  template, deterministic engine (C ABI): {:>9.1} us",
        cd.as_secs_f64() * 1e6
    );
    kc_engine_free(det_engine);
    kc_engine_options_free(det_opts);
    kc_chart_free(c_chart);
    kc_engine_free(c_engine);
    if pct(ct, rt) >= MAX_OVERHEAD * 100.0 || pct(cj, rr) >= MAX_OVERHEAD * 100.0 {
        eprintln!("the C ABI overhead is above {}%", MAX_OVERHEAD * 100.0);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
