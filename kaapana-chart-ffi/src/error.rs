//! Result codes, the per-thread last error, and the panic boundary.
//!
//! Every export that can fail returns a [`kc_result`]; the details of the
//! most recent failure on the calling thread are kept in a thread-local and
//! read with the `kc_last_error_*` accessors (minijinja-cabi's `LAST_ERROR`).
//! Every export runs its body inside [`boundary`], so a panic becomes
//! [`kc_result::KC_RESULT_PANIC`] instead of unwinding into C (which would
//! abort the host).

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use kaapana_chart::{Error, ErrorKind};

/// The outcome of a call. The values are fixed: they are part of the ABI
/// and never change meaning (new codes may be added).
///
/// `KC_RESULT_OK` is 0; every other value is a failure whose details are in
/// the calling thread's last error (`kc_last_error_message` and friends).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)] // the C name
pub enum kc_result {
    /// Success.
    KC_RESULT_OK = 0,
    /// A required pointer argument was NULL.
    KC_RESULT_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    KC_RESULT_INVALID_UTF8 = 2,
    /// A handle was not a live handle of the expected type (already freed,
    /// never created by this library, or of another type).
    KC_RESULT_INVALID_HANDLE = 3,
    /// An argument had a value the call cannot use (an unknown enum value,
    /// a bad release name, an unparsable Kubernetes version, a chart that
    /// is not valid, …).
    KC_RESULT_INVALID_ARGUMENT = 4,
    /// The library panicked (a bug): the call was abandoned, the process
    /// and every other handle are intact.
    KC_RESULT_PANIC = 5,
    /// A template failed to parse.
    KC_RESULT_TEMPLATE_SYNTAX = 10,
    /// A template failed while executing.
    KC_RESULT_TEMPLATE_EXEC = 11,
    /// `fail` or `required` stopped the render.
    KC_RESULT_TEMPLATE_ABORTED = 12,
    /// A YAML document (values, a rendered manifest) could not be read.
    KC_RESULT_YAML = 13,
    /// A JSON document could not be read or written.
    KC_RESULT_JSON = 14,
    /// A resource limit was hit (fuel, output size, depth, archive size).
    KC_RESULT_LIMIT_EXCEEDED = 15,
    /// Reading a file failed.
    KC_RESULT_IO = 16,
    /// The values do not meet the chart's `values.schema.json`.
    KC_RESULT_SCHEMA = 17,
    /// An error of a kind this version of the C ABI does not name yet.
    KC_RESULT_OTHER = 99,
}

impl kc_result {
    /// The code of a library error. Exhaustive over today's kinds, with
    /// [`kc_result::KC_RESULT_OTHER`] for kinds added later.
    pub(crate) fn of_kind(kind: ErrorKind) -> kc_result {
        match kind {
            ErrorKind::TemplateSyntax => kc_result::KC_RESULT_TEMPLATE_SYNTAX,
            ErrorKind::TemplateExec => kc_result::KC_RESULT_TEMPLATE_EXEC,
            ErrorKind::TemplateAborted => kc_result::KC_RESULT_TEMPLATE_ABORTED,
            ErrorKind::Yaml => kc_result::KC_RESULT_YAML,
            ErrorKind::Json => kc_result::KC_RESULT_JSON,
            ErrorKind::LimitExceeded => kc_result::KC_RESULT_LIMIT_EXCEEDED,
            ErrorKind::InvalidArgument => kc_result::KC_RESULT_INVALID_ARGUMENT,
            ErrorKind::Io => kc_result::KC_RESULT_IO,
            ErrorKind::Schema => kc_result::KC_RESULT_SCHEMA,
            _ => kc_result::KC_RESULT_OTHER,
        }
    }

    /// A short, stable, lower-case name.
    pub(crate) fn name(self) -> &'static std::ffi::CStr {
        match self {
            kc_result::KC_RESULT_OK => c"ok",
            kc_result::KC_RESULT_NULL_ARGUMENT => c"null_argument",
            kc_result::KC_RESULT_INVALID_UTF8 => c"invalid_utf8",
            kc_result::KC_RESULT_INVALID_HANDLE => c"invalid_handle",
            kc_result::KC_RESULT_INVALID_ARGUMENT => c"invalid_argument",
            kc_result::KC_RESULT_PANIC => c"panic",
            kc_result::KC_RESULT_TEMPLATE_SYNTAX => c"template_syntax",
            kc_result::KC_RESULT_TEMPLATE_EXEC => c"template_exec",
            kc_result::KC_RESULT_TEMPLATE_ABORTED => c"template_aborted",
            kc_result::KC_RESULT_YAML => c"yaml",
            kc_result::KC_RESULT_JSON => c"json",
            kc_result::KC_RESULT_LIMIT_EXCEEDED => c"limit_exceeded",
            kc_result::KC_RESULT_IO => c"io",
            kc_result::KC_RESULT_SCHEMA => c"schema",
            kc_result::KC_RESULT_OTHER => c"other",
        }
    }
}

/// A failure on its way to the last-error slot.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: kc_result,
    message: String,
    display: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl Failure {
    /// A failure of the C ABI itself (no location).
    pub(crate) fn new(code: kc_result, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            display: None,
            file: None,
            line: None,
            column: None,
        }
    }

    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(
            kc_result::KC_RESULT_NULL_ARGUMENT,
            format!("{what} must not be NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(kc_result::KC_RESULT_INVALID_ARGUMENT, message)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            code: kc_result::of_kind(e.kind()),
            message: e.message().to_owned(),
            display: Some(format!("{e:#}")),
            file: e.name().map(str::to_owned),
            line: e.line(),
            column: e.column(),
        }
    }
}

/// The last error of a thread, as C sees it (NUL-terminated copies).
struct LastError {
    code: kc_result,
    message: CString,
    display: CString,
    file: Option<CString>,
    line: Option<usize>,
    column: Option<usize>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// A C string of `s`; an interior NUL (a template can print one) becomes
/// U+FFFD so the text is never cut short silently.
fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

fn set_last_error(f: Failure) {
    let display = f.display.as_deref().unwrap_or(&f.message);
    let last = LastError {
        code: f.code,
        message: c_string(&f.message),
        display: c_string(display),
        file: f.file.as_deref().map(c_string),
        line: f.line,
        column: f.column,
    };
    // try_with: during thread teardown the slot may be gone; the code
    // still reaches the caller.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(last);
        }
    });
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = None;
        }
    });
}

/// Reads the last error with `f`; `None` when the last call succeeded.
fn with_last_error<T>(f: impl FnOnce(&LastError) -> T) -> Option<T> {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().ok()?.as_ref().map(f))
        .ok()
        .flatten()
}

/// A position of the last error (`line` or `column`) as C gets it: -1 when
/// unknown, when the last call succeeded, or if it does not fit an `i64`.
fn last_error_position(pick: fn(&LastError) -> Option<usize>) -> i64 {
    boundary_value(-1, || {
        with_last_error(pick)
            .flatten()
            .and_then(|n| i64::try_from(n).ok())
            .unwrap_or(-1)
    })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("internal error (panic): {what}")
}

/// The panic boundary of every fallible export: clears the thread's last
/// error, runs `body`, and turns an error or a panic into a result code
/// (recording the details as the thread's last error).
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Failure>) -> kc_result {
    clear_last_error();
    // AssertUnwindSafe: a panic abandons the call; handles are only
    // shared immutably (or behind a Mutex, whose poisoning is handled), so
    // no broken invariant is observable afterwards.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => kc_result::KC_RESULT_OK,
        Ok(Err(f)) => {
            let code = f.code;
            set_last_error(f);
            code
        }
        Err(payload) => {
            set_last_error(Failure::new(
                kc_result::KC_RESULT_PANIC,
                panic_message(&*payload),
            ));
            kc_result::KC_RESULT_PANIC
        }
    }
}

/// The panic boundary of the infallible exports that return a value
/// (`fallback` if the body panics).
pub(crate) fn boundary_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The code of the calling thread's last failed call, or `KC_RESULT_OK` if
/// the last call succeeded.
///
/// Every fallible `kc_` function clears the last error when it starts and
/// sets it when it fails; the `kc_last_error_*` accessors themselves leave
/// it alone. The last error belongs to the thread: one thread never sees
/// another's.
#[no_mangle]
pub extern "C" fn kc_last_error_code() -> kc_result {
    boundary_value(kc_result::KC_RESULT_PANIC, || {
        with_last_error(|e| e.code).unwrap_or(kc_result::KC_RESULT_OK)
    })
}

/// The message of the calling thread's last error, NUL-terminated UTF-8,
/// exactly as Helm words it (`template: web/templates/x.yaml:3:12:
/// executing ...`); NULL if the last call succeeded.
///
/// The string is owned by the library: do not free it. It stays valid until
/// the next fallible `kc_` call on the same thread.
#[no_mangle]
pub extern "C" fn kc_last_error_message() -> *const c_char {
    boundary_value(std::ptr::null(), || {
        with_last_error(|e| e.message.as_ptr()).unwrap_or(std::ptr::null())
    })
}

/// The last error in its long form: the message, then (for template errors)
/// the failing source line with a caret under the failing spot and any
/// `caused by:` chain, as the `kaapana-chart` command line prints it after
/// `Error: `. NUL-terminated UTF-8 owned by the library, valid like
/// [`kc_last_error_message`]'s; NULL if the last call succeeded.
#[no_mangle]
pub extern "C" fn kc_last_error_display() -> *const c_char {
    boundary_value(std::ptr::null(), || {
        with_last_error(|e| e.display.as_ptr()).unwrap_or(std::ptr::null())
    })
}

/// The template (or file) the last error points into, e.g.
/// `web/templates/deployment.yaml`, NUL-terminated UTF-8 owned by the
/// library (valid like [`kc_last_error_message`]'s); NULL if unknown or
/// if the last call succeeded.
#[no_mangle]
pub extern "C" fn kc_last_error_file() -> *const c_char {
    boundary_value(std::ptr::null(), || {
        with_last_error(|e| e.file.as_ref().map(|f| f.as_ptr()))
            .flatten()
            .unwrap_or(std::ptr::null())
    })
}

/// The 1-based line of the last error in [`kc_last_error_file`], or -1 if
/// unknown (or if the last call succeeded).
#[no_mangle]
pub extern "C" fn kc_last_error_line() -> i64 {
    last_error_position(|e| e.line)
}

/// The 0-based byte column of the last error in its line (as Go counts
/// it), or -1 if unknown (or if the last call succeeded).
#[no_mangle]
pub extern "C" fn kc_last_error_column() -> i64 {
    last_error_position(|e| e.column)
}

/// A short, stable, lower-case name of a result code (`"ok"`,
/// `"template_exec"`, …; `"unknown"` for a value that is not a
/// `kc_result`). A static NUL-terminated string: do not free it.
#[no_mangle]
pub extern "C" fn kc_result_name(code: i32) -> *const c_char {
    boundary_value(std::ptr::null(), || {
        let all = [
            kc_result::KC_RESULT_OK,
            kc_result::KC_RESULT_NULL_ARGUMENT,
            kc_result::KC_RESULT_INVALID_UTF8,
            kc_result::KC_RESULT_INVALID_HANDLE,
            kc_result::KC_RESULT_INVALID_ARGUMENT,
            kc_result::KC_RESULT_PANIC,
            kc_result::KC_RESULT_TEMPLATE_SYNTAX,
            kc_result::KC_RESULT_TEMPLATE_EXEC,
            kc_result::KC_RESULT_TEMPLATE_ABORTED,
            kc_result::KC_RESULT_YAML,
            kc_result::KC_RESULT_JSON,
            kc_result::KC_RESULT_LIMIT_EXCEEDED,
            kc_result::KC_RESULT_IO,
            kc_result::KC_RESULT_SCHEMA,
            kc_result::KC_RESULT_OTHER,
        ];
        all.iter()
            .find(|r| **r as i32 == code)
            .map_or(c"unknown".as_ptr(), |r| r.name().as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_code() {
        let kinds = [
            (ErrorKind::TemplateSyntax, 10),
            (ErrorKind::TemplateExec, 11),
            (ErrorKind::TemplateAborted, 12),
            (ErrorKind::Yaml, 13),
            (ErrorKind::Json, 14),
            (ErrorKind::LimitExceeded, 15),
            (ErrorKind::InvalidArgument, 4),
            (ErrorKind::Io, 16),
            (ErrorKind::Schema, 17),
        ];
        for (kind, code) in kinds {
            assert_eq!(kc_result::of_kind(kind) as i32, code, "{kind:?}");
        }
    }

    #[test]
    fn panic_becomes_a_code() {
        let code = boundary(|| panic!("boom"));
        assert_eq!(code, kc_result::KC_RESULT_PANIC);
        assert_eq!(kc_last_error_code(), kc_result::KC_RESULT_PANIC);
        assert_eq!(kc_last_error_line(), -1);
        assert!(kc_last_error_file().is_null());
        let ok = boundary(|| Ok(()));
        assert_eq!(ok, kc_result::KC_RESULT_OK);
        assert!(kc_last_error_message().is_null());
    }
}
