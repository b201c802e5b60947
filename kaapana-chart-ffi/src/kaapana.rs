//! The Kaapana layer: a chart's `extension_params`, checking what a user
//! submitted, and (in `render.rs`) rendering with the submitted params.

use std::ffi::c_char;

use kaapana_chart::chart::Chart;
use kaapana_chart::kaapana::params::{ExtensionParams, ParamKind, Submission};
use kaapana_chart::kaapana::release::is_multi_installable;
use kaapana_chart::{to_json, Error, JsonStyle, Value};

use crate::args::{text, Out};
use crate::error::{boundary, kc_result};
use crate::handles;

/// The listing `kaapana-chart params --output json` prints: the chart,
/// whether it may be installed more than once, the params in the order of
/// `values.yaml`, and the labels of the variants the upload check renders.
pub(crate) fn params_json(chart: &Chart, params: &ExtensionParams) -> Result<String, Error> {
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::from);
    let strings = |v: &[String]| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect());
    let list: Vec<Value> = params
        .params()
        .iter()
        .map(|p| {
            let (default, choices) = match &p.kind {
                ParamKind::String { default } => (opt(default), Value::Nil),
                ParamKind::Bool { default } => {
                    (default.map_or(Value::Nil, Value::Bool), Value::Nil)
                }
                ParamKind::ListSingle { choices, default } => (opt(default), strings(choices)),
                ParamKind::ListMulti { choices, default } => (
                    default.as_deref().map_or(Value::Nil, strings),
                    strings(choices),
                ),
                _ => (Value::Nil, Value::Nil),
            };
            Value::from_iter([
                ("key", Value::from(p.key.as_str())),
                ("type", Value::from(p.type_name.as_str())),
                ("takes_value", Value::Bool(p.kind.takes_value())),
                ("default", default),
                ("choices", choices),
                ("required", Value::Bool(p.required)),
                ("definition", opt(&p.definition)),
                ("help", opt(&p.help)),
            ])
        })
        .collect();
    let variants: Vec<Value> = params
        .variants()
        .into_iter()
        .map(|v| Value::from(v.label))
        .collect();
    let doc = Value::from_iter([
        ("chart", Value::from(chart.metadata.name.as_str())),
        (
            "multi_installable",
            Value::Bool(is_multi_installable(chart)),
        ),
        (
            "suffix_param_key",
            params.suffix_param_key().map_or(Value::Nil, Value::from),
        ),
        ("params", Value::list(list)),
        ("variants", Value::list(variants)),
    ]);
    let mut text = to_json(&doc, JsonStyle::Pretty)?;
    text.push('\n');
    Ok(text)
}

/// Lists the `extension_params` a Kaapana extension chart declares in its
/// `values.yaml`, as JSON text, byte for byte what `kaapana-chart params
/// --output json` prints (two-space indented, keys sorted, a final
/// newline):
///
/// ```text
/// {"chart": "nnunet-workflow", "multi_installable": false,
///  "params": [{"choices": ["a", "b"] | null, "default": ... | null,
///              "definition": "Label" | null, "help": "Tooltip" | null,
///              "key": "mode", "required": false, "takes_value": true,
///              "type": "list_single"}, ...],   (in the order of the file)
///  "suffix_param_key": "..." | null,
///  "variants": ["defaults", "global.mode=b", ...]}
/// ```
///
/// A chart without the block lists no params. A block Kaapana could not use
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
        let (ptr, len) = handles::give_string(params_json(&chart, &params)?);
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
