//! The C ABI called from Rust: the properties the C tests cannot see
//! directly (renders do not leak state into a shared chart).
#![allow(unsafe_code)]

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

use kaapana_chart_ffi::*;

fn render_json(engine: *const kc_engine, chart: *const kc_chart) -> String {
    let mut out: *mut c_char = null_mut();
    let mut len = 0usize;
    // SAFETY: out-pointers are valid locals.
    let r = unsafe { kc_render_json(engine, chart, null(), &mut out, &mut len) };
    assert_eq!(r, kc_result::KC_RESULT_OK, "{}", last_message());
    // SAFETY: on success `out` is a NUL-terminated string of `len` bytes.
    let s = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    assert_eq!(s.len(), len);
    assert_eq!(kc_string_free(out), kc_result::KC_RESULT_OK);
    s
}

fn last_message() -> String {
    let p = kc_last_error_message();
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the library's string, valid until the next call.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn load(path: &str) -> *mut kc_chart {
    let mut chart = null_mut();
    let p = CString::new(path).unwrap();
    // SAFETY: valid C string and out-pointer.
    let r = unsafe { kc_chart_load_path(p.as_ptr(), &mut chart) };
    assert_eq!(r, kc_result::KC_RESULT_OK, "{}", last_message());
    chart
}

fn engine() -> *mut kc_engine {
    let mut engine = null_mut();
    // SAFETY: valid out-pointer.
    let r = unsafe { kc_engine_new(null(), &mut engine) };
    assert_eq!(r, kc_result::KC_RESULT_OK);
    engine
}

#[test]
fn a_template_that_mutates_values_does_not_change_the_chart() {
    let chart = load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/charts/mutates-values"
    ));
    let engine = engine();
    let first = render_json(engine, chart);
    let second = render_json(engine, chart);
    assert_eq!(first, second);
    assert!(first.contains("n: 1 [1 2]"), "{first}");
    kc_chart_free(chart);
    kc_engine_free(engine);
}
