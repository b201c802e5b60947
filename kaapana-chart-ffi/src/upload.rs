//! Upload safety checks on archive bytes: a JSON report and a verdict.

use std::ffi::c_char;

use kaapana_chart::upload::image::check_image_archive;
use kaapana_chart::upload::{check_upload, Policy, UploadCheck, Verdict};
use kaapana_chart::{from_json, Value};

use crate::args::{bytes, opt_c_str, text, Out, OutText};
use crate::error::{boundary, kc_result, Failure};

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

/// Runs one upload-check export: empties the out-parameters, reads the
/// `len` bytes at `data`, runs `check` on them and hands the verdict and
/// the JSON report to C, each if wanted.
///
/// # Safety
///
/// `data` is NULL (only with `len` 0) or points to `len` readable bytes;
/// `verdict_out`, `out` and `out_len` are NULL or writable.
unsafe fn check_export(
    data: *const u8,
    len: usize,
    verdict_out: *mut kc_verdict,
    out: *mut *mut c_char,
    out_len: *mut usize,
    check: impl FnOnce(&[u8]) -> Result<UploadCheck, Failure>,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises these are NULL or writable.
        let v = unsafe { Out::optional(verdict_out, kc_verdict::KC_VERDICT_REJECTED) };
        // SAFETY: as above.
        let out = unsafe { OutText::optional(out, out_len) };
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let data = unsafe { bytes(data, len, "data") }?;
        let check = check(data)?;
        if out.wanted() {
            out.set(check.to_json());
        }
        if let Some(v) = v {
            v.set(match check.report.verdict() {
                Verdict::Accepted => kc_verdict::KC_VERDICT_ACCEPTED,
                _ => kc_verdict::KC_VERDICT_REJECTED,
            });
        }
        Ok(())
    })
}

/// Checks an uploaded container image archive (`docker save` / OCI layout
/// tar, `len` bytes at `data`) before it is imported, with the library's
/// default limits. A hostile archive is a normal input: the call succeeds
/// and reports it. `*verdict` (if not NULL) is the verdict; `*out` (if not
/// NULL) the report as compact JSON text, to be freed with
/// `kc_string_free`: the JSON of `kaapana-chart check-upload --output
/// json` (the findings, the verdict and the image references) without the
/// check of the file's name, which [`kc_upload_check`] adds.
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
    // SAFETY: the caller's contract is check_export's.
    unsafe {
        check_export(data, len, verdict_out, out, out_len, |data| {
            let check = check_image_archive(data);
            Ok(UploadCheck {
                report: check.report,
                images: Some(check.images),
            })
        })
    }
}

/// A `Policy` from its JSON form (see [`kc_upload_check`]).
fn policy(json: Option<&str>) -> Result<Policy, Failure> {
    let mut p = Policy::default();
    let Some(json) = json.filter(|j| !j.trim().is_empty()) else {
        return Ok(p);
    };
    let v = from_json(json)?;
    let Value::Map(m) = &v else {
        return Err(Failure::invalid("the policy must be a JSON object"));
    };
    let strings = |key: &str| -> Result<Option<Vec<String>>, Failure> {
        match m.get(key) {
            None | Some(Value::Nil) => Ok(None),
            Some(Value::List(l)) => l
                .items()
                .iter()
                .map(|i| {
                    i.as_str().map(str::to_owned).ok_or_else(|| {
                        Failure::invalid(format!("policy: {key} must be a list of strings"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(Failure::invalid(format!(
                "policy: {key} must be a list of strings"
            ))),
        }
    };
    for key in m.keys() {
        if ![
            "admin_namespaces",
            "release_namespace",
            "globals",
            "allow_cluster_kinds",
            "namespaced_kinds",
        ]
        .contains(&&*key)
        {
            return Err(Failure::invalid(format!("policy: unknown key {key:?}")));
        }
    }
    if let Some(mut list) = strings("admin_namespaces")? {
        // As check-upload's --admin-namespace: kube-* is always kept.
        if !list.iter().any(|n| n == "kube-*") {
            list.push("kube-*".to_owned());
        }
        p.admin_namespaces = list;
    }
    match m.get("release_namespace") {
        None | Some(Value::Nil) => {}
        Some(v) => {
            p.release_namespace = Some(
                v.as_str()
                    .ok_or_else(|| Failure::invalid("policy: release_namespace must be a string"))?
                    .to_owned(),
            )
        }
    }
    if let Some(list) = strings("allow_cluster_kinds")? {
        p.allowed_cluster_kinds = list;
    }
    if let Some(list) = strings("namespaced_kinds")? {
        p.namespaced_kinds = list;
    }
    match m.get("globals") {
        None | Some(Value::Nil) => {}
        Some(g) => {
            p.globals = match g.get("global") {
                Some(inner @ Value::Map(_)) => inner,
                Some(_) => return Err(Failure::invalid("policy: globals.global is not a map")),
                None => g,
            }
        }
    }
    Ok(p)
}

/// The upload check of `kaapana-chart check-upload FILE --output json`:
/// `data` (`len` bytes) is checked as what its content says it is — a gzip
/// stream as a chart archive (loaded with the upload limits, rendered with
/// every extension-param variant, each manifest checked against the
/// policy), anything else as an image archive (plus the check of its file
/// name `file_name`, NUL-terminated, if not NULL). A hostile upload is a
/// normal input: the call succeeds and reports it.
///
/// `policy` (JSON text of `policy_len` bytes; NULL or empty: the defaults)
/// is what check-upload's flags set:
///
/// ```text
/// {"admin_namespaces": ["admin", "kube-*"],  // kube-* is always added
///  "release_namespace": "admin",
///  "globals": {"global": {...}},             // or the globals map itself
///  "allow_cluster_kinds": ["Kind.group"], "namespaced_kinds": ["Kind.group"]}
/// ```
///
/// `*verdict` (if not NULL) is the verdict (rejected if the call fails);
/// `*out` (if not NULL) the report, byte for byte check-upload's JSON, to
/// be freed with `kc_string_free`; `*out_len` (if not NULL) its length. A
/// policy that does not parse gives `KC_RESULT_JSON` or
/// `KC_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `data` and `policy` are NULL (only with length 0) or point to that many
/// readable bytes; `file_name` is NULL or NUL-terminated; `verdict_out`,
/// `out` and `out_len` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn kc_upload_check(
    data: *const u8,
    len: usize,
    file_name: *const c_char,
    policy_json: *const c_char,
    policy_len: usize,
    verdict_out: *mut kc_verdict,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    let check = |data: &[u8]| {
        // SAFETY: the caller promises `file_name` is NULL or NUL-terminated.
        let file_name = unsafe { opt_c_str(file_name, "file_name") }?;
        // SAFETY: the caller promises `policy_len` readable bytes.
        let policy_text = unsafe { text(policy_json, policy_len, "policy") }?;
        let policy = policy(Some(policy_text))?;
        Ok(check_upload(data, file_name, &policy))
    };
    // SAFETY: the caller's contract is check_export's.
    unsafe { check_export(data, len, verdict_out, out, out_len, check) }
}
