//! Upload safety checks on archive bytes: a JSON report and a verdict.

use std::ffi::c_char;

use kaapana_chart::upload::image::check_image_archive;
use kaapana_chart::upload::{Finding, Report, Verdict};
use kaapana_chart::{to_json, Error, JsonStyle, Value};

use crate::args::{bytes, Out};
use crate::error::{boundary, kc_result};
use crate::handles;

/// The verdict of an upload check.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)] // the C name
pub enum kc_verdict {
    /// No finding of severity `error`: the upload may be installed.
    KC_VERDICT_ACCEPTED = 0,
    /// At least one finding of severity `error`: refuse the upload.
    KC_VERDICT_REJECTED = 1,
}

fn finding_value(f: &Finding) -> Value {
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::from);
    let object = f.object.as_ref().map_or(Value::Nil, |o| {
        Value::from_iter([
            ("apiVersion", Value::from(o.api_version.as_str())),
            ("kind", Value::from(o.kind.as_str())),
            ("name", Value::from(o.name.as_str())),
            ("namespace", opt(&o.namespace)),
        ])
    });
    Value::from_iter([
        ("rule", Value::from(f.rule.as_str())),
        ("severity", Value::from(f.severity.as_str())),
        ("message", Value::from(f.message.as_str())),
        ("file", opt(&f.file)),
        ("variant", opt(&f.variant)),
        ("object", object),
    ])
}

/// `{"verdict": ..., "findings": [...], <extra>}` (compact, keys sorted).
pub(crate) fn report_json(report: &Report, extra: Vec<(&str, Value)>) -> Result<String, Error> {
    let findings = Value::list(report.findings.iter().map(finding_value).collect());
    let mut fields = vec![
        ("verdict", Value::from(report.verdict().as_str())),
        ("findings", findings),
    ];
    fields.extend(extra);
    to_json(&Value::from_iter(fields), JsonStyle::Raw)
}

fn verdict(v: Verdict) -> kc_verdict {
    match v {
        Verdict::Accepted => kc_verdict::KC_VERDICT_ACCEPTED,
        _ => kc_verdict::KC_VERDICT_REJECTED,
    }
}

/// Checks an uploaded container image archive (`docker save` / OCI layout
/// tar, `len` bytes at `data`) before it is imported, with the library's
/// default limits. A hostile archive is a normal input: the call succeeds
/// and reports it. `*verdict` (if not NULL) is the verdict; `*out` (if not
/// NULL) the report as compact JSON text, to be freed with
/// `kc_string_free`:
///
/// ```text
/// {"findings": [{"file": ... | null, "message": "...", "object": null,
///                "rule": "image.path-traversal", "severity": "error",
///                "variant": null}, ...],
///  "images": ["docker.io/library/busybox:latest", ...],
///  "verdict": "accepted" | "rejected"}
/// ```
///
/// # Safety
///
/// `data` is NULL (only with `len` 0) or points to `len` readable bytes;
/// `out`, `out_len` and `verdict_out` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn kc_upload_check_image(
    data: *const u8,
    len: usize,
    verdict_out: *mut kc_verdict,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises these are NULL or writable.
        let v = unsafe { Out::optional(verdict_out, kc_verdict::KC_VERDICT_REJECTED) };
        // SAFETY: as above.
        let out = unsafe { Out::optional(out, std::ptr::null_mut()) };
        // SAFETY: as above.
        let out_len = unsafe { Out::optional(out_len, 0) };
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let data = unsafe { bytes(data, len, "data") }?;
        let check = check_image_archive(data);
        if let Some(out) = out {
            let images = Value::list(
                check
                    .images
                    .iter()
                    .map(|i| Value::from(i.as_str()))
                    .collect(),
            );
            let (ptr, len) =
                handles::give_string(report_json(&check.report, vec![("images", images)])?);
            out.set(ptr);
            if let Some(l) = out_len {
                l.set(len);
            }
        }
        if let Some(v) = v {
            v.set(verdict(check.report.verdict()));
        }
        Ok(())
    })
}
