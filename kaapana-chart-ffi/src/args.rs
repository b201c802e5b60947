//! Reading arguments from C and writing results back, each in one place
//! with its safety contract.

use std::ffi::{c_char, CStr};

use crate::error::{kc_result, Failure};

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
///
/// `p` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
pub(crate) unsafe fn c_str<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-null, and the caller promises a NUL-terminated string
    // valid for 'a.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|e| invalid_utf8(what, e.valid_up_to()))
}

/// Like [`c_str`], but NULL is `None`.
///
/// # Safety
///
/// As [`c_str`].
pub(crate) unsafe fn opt_c_str<'a>(
    p: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract is c_str's.
    unsafe { c_str(p, what) }.map(Some)
}

/// A byte buffer argument of `len` bytes; NULL is allowed when `len` is 0.
///
/// # Safety
///
/// `p` is NULL or points to `len` readable bytes that stay valid and
/// unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{what}: length too large")));
    }
    // SAFETY: non-null, len <= isize::MAX, and the caller promises len
    // readable bytes valid for 'a.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// An array argument of `len` pointers; NULL is allowed when `len` is 0.
///
/// # Safety
///
/// `p` is NULL or points to `len` readable pointers that stay valid and
/// unchanged for `'a`.
pub(crate) unsafe fn pointers<'a, T>(
    p: *const *const T,
    len: usize,
    what: &str,
) -> Result<&'a [*const T], Failure> {
    if p.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    if len > isize::MAX as usize / std::mem::size_of::<*const T>() {
        return Err(Failure::invalid(format!("{what}: length too large")));
    }
    // SAFETY: non-null, the size fits isize, and the caller promises `len`
    // readable, aligned pointers valid for 'a.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// A UTF-8 text argument of `len` bytes (not NUL-terminated; may contain
/// NULs); NULL is allowed when `len` is 0.
///
/// # Safety
///
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    p: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: the caller's contract is bytes'.
    let b = unsafe { bytes(p.cast::<u8>(), len, what) }?;
    std::str::from_utf8(b).map_err(|e| invalid_utf8(what, e.valid_up_to()))
}

fn invalid_utf8(what: &str, at: usize) -> Failure {
    Failure::new(
        kc_result::KC_RESULT_INVALID_UTF8,
        format!("{what} is not valid UTF-8 (invalid byte at offset {at})"),
    )
}

/// An out-parameter `T *out`, checked and set to its empty value at the
/// start of the call, so that C never reads a stale value after a failure.
#[derive(Debug)]
pub(crate) struct Out<T: Copy> {
    ptr: *mut T,
}

impl<T: Copy> Out<T> {
    /// Checks `ptr` and writes `empty` through it.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL or valid for writes of a `T` (aligned) until the call
    /// returns.
    pub(crate) unsafe fn new(ptr: *mut T, empty: T, what: &str) -> Result<Out<T>, Failure> {
        if ptr.is_null() {
            return Err(Failure::null(what));
        }
        // SAFETY: non-null and writable, as the caller promised.
        unsafe { ptr.write(empty) };
        Ok(Out { ptr })
    }

    /// Like [`Out::new`], but NULL means the caller does not want the value.
    ///
    /// # Safety
    ///
    /// As [`Out::new`].
    pub(crate) unsafe fn optional(ptr: *mut T, empty: T) -> Option<Out<T>> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: the caller's contract is Out::new's.
        unsafe { Out::new(ptr, empty, "") }.ok()
    }

    /// Writes the result.
    pub(crate) fn set(&self, value: T) {
        // SAFETY: `new` checked the pointer, and its caller promised it is
        // writable for the whole call, which is `self`'s lifetime (an Out
        // never leaves the export that made it).
        unsafe { self.ptr.write(value) }
    }
}

/// A text result: `char **out` and its `size_t *out_len` (NULL: the caller
/// does not want the length), both emptied at the start of the call. The
/// one place a string is handed to C with its length.
#[derive(Debug)]
pub(crate) struct OutText {
    out: Option<Out<*mut c_char>>,
    len: Option<Out<usize>>,
}

impl OutText {
    /// A required `out` (NULL is `KC_RESULT_NULL_ARGUMENT`).
    ///
    /// # Safety
    ///
    /// `out` and `out_len` are NULL or valid for writes until the call
    /// returns.
    pub(crate) unsafe fn new(
        out: *mut *mut c_char,
        out_len: *mut usize,
    ) -> Result<OutText, Failure> {
        // SAFETY: the caller's contract is Out::new's.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: as above.
        let len = unsafe { Out::optional(out_len, 0) };
        Ok(OutText {
            out: Some(out),
            len,
        })
    }

    /// An optional `out` (NULL: the caller does not want the text).
    ///
    /// # Safety
    ///
    /// As [`OutText::new`].
    pub(crate) unsafe fn optional(out: *mut *mut c_char, out_len: *mut usize) -> OutText {
        // SAFETY: the caller's contract is Out::new's.
        let out = unsafe { Out::optional(out, std::ptr::null_mut()) };
        // SAFETY: as above.
        let len = unsafe { Out::optional(out_len, 0) };
        OutText { out, len }
    }

    /// Whether the caller wants the text (so that it is made only then).
    pub(crate) fn wanted(&self) -> bool {
        self.out.is_some()
    }

    /// Hands `text` to C (to be freed with `kc_string_free`), if wanted.
    pub(crate) fn set(self, text: String) {
        let Some(out) = self.out else {
            return;
        };
        let (ptr, len) = crate::handles::give_string(text);
        out.set(ptr);
        if let Some(l) = self.len {
            l.set(len);
        }
    }
}
