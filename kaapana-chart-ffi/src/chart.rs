//! Loading charts.

use std::ffi::c_char;
use std::path::Path;
use std::sync::Arc;

use kaapana_chart::chart::loader;

use crate::args::{bytes, c_str, Out};
use crate::error::{boundary, kc_result};
use crate::handles::{self, Object};

/// A loaded chart (with its subcharts). Immutable: it may be shared between
/// threads and rendered concurrently, by any number of engines.
#[allow(non_camel_case_types)] // the C name
#[derive(Debug)]
pub struct kc_chart {
    _opaque: [u8; 0],
}

/// Loads a chart from `path`, a NUL-terminated UTF-8 path to a chart folder
/// or a `.tgz` archive (Helm's `loader.Load`: `.helmignore` applied,
/// subcharts under `charts/` loaded, archive size limits enforced).
///
/// On success `*out` is a new handle, to be freed with [`kc_chart_free`];
/// on failure it is NULL and the last error says why (Helm's words).
///
/// # Safety
///
/// `path` is NULL or a NUL-terminated string valid for the call; `out` is
/// NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn kc_chart_load_path(
    path: *const c_char,
    out: *mut *mut kc_chart,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: the caller promises `path` is NULL or NUL-terminated.
        let path = unsafe { c_str(path, "path") }?;
        let chart = loader::load(Path::new(path))?;
        out.set(handles::register(Object::Chart(Arc::new(chart)))?);
        Ok(())
    })
}

/// Loads a chart from the bytes of a `.tgz` archive (`data`, `len` bytes;
/// NULL only if `len` is 0), as Helm's `loader.LoadArchive` does. The bytes
/// are copied as needed: the buffer may be freed when the call returns.
///
/// On success `*out` is a new handle, to be freed with [`kc_chart_free`];
/// on failure it is NULL (not gzip: `gzip: invalid header`; an empty
/// buffer: `EOF`; …).
///
/// # Safety
///
/// `data` is NULL or points to `len` readable bytes; `out` is NULL or valid
/// for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn kc_chart_load_archive(
    data: *const u8,
    len: usize,
    out: *mut *mut kc_chart,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let data = unsafe { bytes(data, len, "data") }?;
        let chart = loader::load_archive(data)?;
        out.set(handles::register(Object::Chart(Arc::new(chart)))?);
        Ok(())
    })
}

/// Frees a chart. NULL is a no-op; a handle that is not live gives
/// `KC_RESULT_INVALID_HANDLE`. Renders running on other threads with the
/// chart finish normally.
#[no_mangle]
pub extern "C" fn kc_chart_free(chart: *mut kc_chart) -> kc_result {
    boundary(|| handles::release(chart, "kc_chart"))
}
