//! The Kaapana layer: a chart's `extension_params`, checking what a user
//! submitted, and (in `render.rs`) rendering with the submitted params.

use std::ffi::c_char;
use std::sync::Arc;

use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
use kaapana_chart::kaapana::{BuildOptions, ScanOptions, SourceTree, BUILD_VERSION_PLACEHOLDER};
use kaapana_chart::{to_json, JsonStyle, Value};

use crate::args::{text, Out, OutText};
use crate::error::{boundary, kc_result};
use crate::handles::{self, Object};

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
        // SAFETY: the caller promises `out` and `out_len` are NULL or writable.
        let out = unsafe { OutText::new(out, out_len) }?;
        let chart = handles::chart(chart, "chart")?;
        let params = ExtensionParams::from_chart(&chart)?;
        out.set(params.to_json(&chart)?);
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
        // SAFETY: the caller promises `out` and `out_len` are NULL or writable.
        let out = unsafe { OutText::optional(out, out_len) };
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
        if out.wanted() {
            let doc = Value::from_iter(resolved.iter().map(|(k, v)| (k.as_str(), v.clone())));
            out.set(to_json(&doc, JsonStyle::Raw)?);
        }
        Ok(())
    })
}

/// A scanned Kaapana source tree: every chart under the source roots, by
/// the name in its `Chart.yaml`. Immutable; may be shared between threads.
#[allow(non_camel_case_types)] // the C name
#[derive(Debug)]
pub struct kc_source {
    _opaque: [u8; 0],
}

/// Scans Kaapana source roots for charts, as Kaapana's build does
/// (`kaapana-chart tree SRC...`): `roots` is an array of `n_roots`
/// NUL-terminated UTF-8 folder paths. Charts are found by the name in their
/// `Chart.yaml`; dependencies are resolved by name when a chart is loaded
/// from the tree. Scan limits (depth, entries, file sizes) apply.
///
/// On success `*out` is a new handle, to be freed with [`kc_source_free`];
/// on failure it is NULL (two charts of one name, an unreadable root, …).
///
/// # Safety
///
/// `roots` is NULL (only with `n_roots` 0) or points to `n_roots` pointers,
/// each NULL or a NUL-terminated string; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn kc_source_scan(
    roots: *const *const c_char,
    n_roots: usize,
    out: *mut *mut kc_source,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: the caller promises `n_roots` readable pointers at `roots`.
        let list = unsafe { crate::args::pointers(roots, n_roots, "roots") }?;
        let mut paths = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            // SAFETY: each pointer is NULL or NUL-terminated (the caller's
            // promise).
            let s = unsafe { crate::args::c_str(*p, &format!("roots[{i}]")) }?;
            paths.push(std::path::PathBuf::from(s));
        }
        let tree = SourceTree::scan(&paths, &ScanOptions::default())?;
        out.set(handles::register(Object::Source(Arc::new(tree)))?);
        Ok(())
    })
}

/// Frees a scanned source tree. NULL is a no-op; a handle that is not live
/// gives `KC_RESULT_INVALID_HANDLE`. Charts loaded from it stay valid.
#[no_mangle]
pub extern "C" fn kc_source_free(source: *mut kc_source) -> kc_result {
    boundary(|| handles::release(source, "kc_source"))
}

/// The build version for `version` (NULL: Kaapana's placeholder `0.0.0`).
///
/// # Safety
///
/// `version` is NULL or NUL-terminated.
unsafe fn build_options(version: *const c_char) -> Result<BuildOptions, crate::error::Failure> {
    // SAFETY: the caller's promise.
    let v = unsafe { crate::args::opt_c_str(version, "version") }?;
    Ok(BuildOptions::new(v.unwrap_or(BUILD_VERSION_PLACEHOLDER)))
}

/// Loads the chart named `name` (NUL-terminated UTF-8) from a scanned
/// source tree, its dependencies resolved by name and assembled in memory
/// as Kaapana's build would package them, with the build version `version`
/// (NUL-terminated; NULL: `0.0.0`): what `kaapana-chart template --source
/// SRC NAME --source-version VERSION` renders.
///
/// On success `*out` is a new chart handle (free it with `kc_chart_free`);
/// on failure NULL (an unknown name, a dependency that is not in the
/// tree, …).
///
/// # Safety
///
/// `name` and `version` are NULL or NUL-terminated; `out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn kc_source_load_chart(
    source: *const kc_source,
    name: *const c_char,
    version: *const c_char,
    out: *mut *mut crate::chart::kc_chart,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        let tree = handles::source(source, "source")?;
        // SAFETY: the caller promises `name` is NULL or NUL-terminated.
        let name = unsafe { crate::args::c_str(name, "name") }?;
        // SAFETY: as above, for `version`.
        let opts = unsafe { build_options(version) }?;
        let chart = tree.resolve(name, &opts)?;
        out.set(handles::register(Object::Chart(Arc::new(chart)))?);
        Ok(())
    })
}

/// The output forms of [`kc_source_tree`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)] // the C name
pub enum kc_tree_format {
    /// Box-drawing text, as Kaapana's documentation draws chart trees.
    KC_TREE_FORMAT_TEXT = 0,
    /// JSON (name, version, dir, condition, enabled, library, children).
    KC_TREE_FORMAT_JSON = 1,
}

/// Resolves the chart tree rooted at `root` (NUL-terminated; NULL:
/// `kaapana-admin-chart`) with build version `version` (NULL: `0.0.0`) and
/// prints it: byte for byte what `kaapana-chart tree SRC... --root ROOT
/// --version VERSION --output text|json` prints (`format` is a
/// `kc_tree_format`; an unknown value gives `KC_RESULT_INVALID_ARGUMENT`).
///
/// On success `*out` is a new NUL-terminated UTF-8 string (free it with
/// `kc_string_free`) and `*out_len` (if not NULL) its length.
///
/// # Safety
///
/// `root` and `version` are NULL or NUL-terminated; `out` and `out_len`
/// are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn kc_source_tree(
    source: *const kc_source,
    root: *const c_char,
    version: *const c_char,
    format: u32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` and `out_len` are NULL or writable.
        let out = unsafe { OutText::new(out, out_len) }?;
        let tree = handles::source(source, "source")?;
        // SAFETY: the caller promises `root` is NULL or NUL-terminated.
        let root = unsafe { crate::args::opt_c_str(root, "root") }?;
        // SAFETY: as above, for `version`.
        let opts = unsafe { build_options(version) }?;
        let node = tree.tree(root.unwrap_or("kaapana-admin-chart"), &opts)?;
        let text = match format {
            0 => node.to_text(),
            1 => format!("{}\n", node.to_json()),
            _ => {
                return Err(crate::error::Failure::invalid(format!(
                    "unknown kc_tree_format {format}"
                )))
            }
        };
        out.set(text);
        Ok(())
    })
}
