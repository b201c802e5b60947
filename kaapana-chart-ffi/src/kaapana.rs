//! The Kaapana layer: a chart's `extension_params`, checking what a user
//! submitted, and (in `render.rs`) rendering with the submitted params.

use std::ffi::c_char;

use kaapana_chart::kaapana::params::{ExtensionParams, Param, ParamKind, Submission};
use kaapana_chart::{to_json, Error, JsonStyle, Value};

use crate::args::{text, Out};
use crate::error::{boundary, kc_result};
use crate::handles;

/// A parameter as JSON (see [`kc_chart_extension_params`]).
fn param_value(p: &Param) -> Value {
    let strings = |v: &[String]| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect());
    let (default, choices) = match &p.kind {
        ParamKind::String { default } => (default.as_deref().map(Value::from), None),
        ParamKind::Bool { default } => (default.map(Value::Bool), None),
        ParamKind::ListSingle { choices, default } => {
            (default.as_deref().map(Value::from), Some(strings(choices)))
        }
        ParamKind::ListMulti { choices, default } => {
            (default.as_deref().map(strings), Some(strings(choices)))
        }
        _ => (None, None),
    };
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::from);
    Value::from_iter([
        ("key", Value::from(p.key.as_str())),
        ("type", Value::from(p.type_name.as_str())),
        ("takes_value", Value::Bool(p.kind.takes_value())),
        ("required", Value::Bool(p.required)),
        ("default", default.unwrap_or(Value::Nil)),
        ("choices", choices.unwrap_or(Value::Nil)),
        ("definition", opt(&p.definition)),
        ("help", opt(&p.help)),
    ])
}

/// `{"params": [...], "suffix_param_key": ...}` of a chart.
pub(crate) fn params_json(params: &ExtensionParams) -> Result<String, Error> {
    let list = Value::list(params.params().iter().map(param_value).collect());
    let suffix = params.suffix_param_key().map_or(Value::Nil, Value::from);
    let doc = Value::from_iter([("params", list), ("suffix_param_key", suffix)]);
    to_json(&doc, JsonStyle::Raw)
}

/// Lists the `extension_params` a Kaapana extension chart declares in its
/// `values.yaml`, in the order of the file, as JSON text:
///
/// ```text
/// {"params": [{"choices": ["a", "b"] | null, "default": ... | null,
///              "definition": "Label" | null, "help": "Tooltip" | null,
///              "key": "mode", "required": false, "takes_value": true,
///              "type": "list_single"}, ...],
///  "suffix_param_key": "..." | null}
/// ```
///
/// (compact, keys of each object sorted). A chart without the block gives
/// `{"params":[],"suffix_param_key":null}`. A block Kaapana could not use
/// (an unknown type, a default that is not a choice, …) gives
/// `KC_RESULT_INVALID_ARGUMENT` naming the parameter.
///
/// On success `*out` is a new NUL-terminated UTF-8 string, to be freed with
/// `kc_string_free`, and `*out_len` (if not NULL) its length.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer; `out_len` is NULL or valid
/// for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn kc_chart_extension_params(
    chart: *const crate::chart::kc_chart,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: the caller promises `out_len` is NULL or writable.
        let out_len = unsafe { Out::optional(out_len, 0) };
        let chart = handles::chart(chart, "chart")?;
        let params = ExtensionParams::from_chart(&chart)?;
        let (ptr, len) = handles::give_string(params_json(&params)?);
        out.set(ptr);
        if let Some(l) = out_len {
            l.set(len);
        }
        Ok(())
    })
}

/// Checks a submission of extension params against what `chart` declares,
/// as Kaapana's UI would post it: `submission` is a JSON object of `len`
/// bytes of UTF-8 (`{"task_ids": ["a","b"], "gpu": true}`; list_multi as a
/// list or a comma-joined string). Undeclared keys, choices not offered,
/// non-bools for bools, missing required params and values Kaapana refuses
/// give `KC_RESULT_INVALID_ARGUMENT` with a message naming the parameter;
/// JSON that does not parse gives `KC_RESULT_JSON`.
///
/// On success `*out` (if `out` is not NULL) is the resolved parameters as
/// a compact JSON object, defaults filled in and list_multi joined by `,`,
/// exactly what templates will see under `.Values.global` (free it with
/// `kc_string_free`); `*out_len` (if not NULL) its length.
///
/// # Safety
///
/// `submission` is NULL (only with `len` 0) or points to `len` readable
/// bytes; `out` and `out_len` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn kc_chart_validate_params(
    chart: *const crate::chart::kc_chart,
    submission: *const c_char,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::optional(out, std::ptr::null_mut()) };
        // SAFETY: the caller promises `out_len` is NULL or writable.
        let out_len = unsafe { Out::optional(out_len, 0) };
        // SAFETY: the caller promises `len` readable bytes at `submission`.
        let submission = unsafe { text(submission, len, "submission") }?;
        let chart = handles::chart(chart, "chart")?;
        let params = ExtensionParams::from_chart(&chart)?;
        let submission = if submission.trim().is_empty() {
            Submission::new()
        } else {
            Submission::from_json(submission)?
        };
        let resolved = params.resolve(&submission)?;
        if let Some(out) = out {
            let doc = Value::from_iter(resolved.iter().map(|(k, v)| (k.as_str(), v.clone())));
            let (ptr, len) = handles::give_string(to_json(&doc, JsonStyle::Raw)?);
            out.set(ptr);
            if let Some(l) = out_len {
                l.set(len);
            }
        }
        Ok(())
    })
}
