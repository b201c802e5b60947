//! Rendering: the options of one render, and the two output forms (the
//! JSON map of `kaapana-chart render --output json`, and the stream of
//! `kaapana-chart template` / `helm template`).

use std::ffi::c_char;
use std::sync::{Arc, Mutex, PoisonError};

use kaapana_chart::chart::coalesce::{merge_user_values, ValueOptions};
use kaapana_chart::chart::Chart;
use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
use kaapana_chart::manifest::{manifests_json, TemplateOptions};
use kaapana_chart::{values_from_yaml, Error, ErrorKind, Release, Value};

use crate::args::{c_str, Out, OutText};
use crate::error::{boundary, kc_result, Failure};
use crate::handles::{self, Object};

/// The options of one render: values, `--set` expressions, the release and
/// the `helm template` output flags. A builder: renders copy what they
/// need, so one options handle may be used for many renders (also
/// concurrently, as long as no thread changes it meanwhile).
#[allow(non_camel_case_types)] // the C name
#[derive(Debug)]
pub struct kc_render_options {
    _opaque: [u8; 0],
}

/// The kinds of `--set`-style expressions of
/// [`kc_render_options_add_set`], with Helm's flag semantics.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)] // the C name
pub enum kc_set_kind {
    /// `--set a.b=1,c={x,y}`: typed values (ints, bools, null, lists).
    KC_SET_KIND_SET = 0,
    /// `--set-string a=1`: every value a string.
    KC_SET_KIND_SET_STRING = 1,
    /// `--set-json a={"b":1}`: JSON values (or a whole JSON object).
    KC_SET_KIND_SET_JSON = 2,
    /// `--set-literal a=x,y`: one literal string, commas and all.
    KC_SET_KIND_SET_LITERAL = 3,
    /// `--set-file a=path`: the file's text (read when rendering, relative
    /// to the process's working directory).
    KC_SET_KIND_SET_FILE = 4,
}

/// What a `kc_render_options` collects.
#[derive(Debug, Clone, Default)]
pub(crate) struct RenderOptions {
    values: Vec<String>,
    /// Extension params submitted for the chart (`None`: no params layer).
    params: Option<Submission>,
    /// The platform's globals for the params layer (YAML or JSON text).
    platform_globals: Option<String>,
    set: ValueOptions,
    release: Release,
    stream: TemplateOptions,
}

impl RenderOptions {
    /// The user's values, merged in Helm's order (values texts in order,
    /// then `--set-json`, `--set`, `--set-string`, `--set-file`,
    /// `--set-literal`), over the extension params layer if params were
    /// given.
    fn user_values(&self, chart: &Chart) -> Result<Value, Error> {
        let mut files = Vec::with_capacity(self.values.len());
        for (i, text) in self.values.iter().enumerate() {
            let v = values_from_yaml(text).map_err(|e| {
                Error::new(
                    ErrorKind::Yaml,
                    format!("failed to parse values text {}: {}", i + 1, e.message()),
                )
            })?;
            files.push(v);
        }
        let options = ValueOptions {
            value_files: files,
            ..self.set.clone()
        };
        let user = options.merge(&|path| {
            let bytes = std::fs::read(path).map_err(|e| {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                    _ => e.to_string(),
                };
                Error::new(ErrorKind::Io, format!("open {path}: {why}"))
            })?;
            Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
        })?;
        self.with_params(chart, user)
    }

    /// The Kaapana params layer under `user` (as `kaapana-chart --param
    /// --globals` layers it: the explicit values win), if params or
    /// platform globals were given.
    fn with_params(&self, chart: &Chart, user: Value) -> Result<Value, Error> {
        if self.params.is_none() && self.platform_globals.is_none() {
            return Ok(user);
        }
        let declared = ExtensionParams::from_chart(chart)?;
        let globals = match &self.platform_globals {
            Some(text) => values_from_yaml(text).map_err(|e| {
                Error::new(
                    ErrorKind::Yaml,
                    format!("failed to parse the platform globals: {}", e.message()),
                )
            })?,
            None => Value::Nil,
        };
        let submission = self.params.clone().unwrap_or_default();
        let kaapana = declared.values_for(&submission, &globals)?;
        merge_user_values(&[kaapana, user])
    }
}

fn with_options(
    opts: *mut kc_render_options,
    f: impl FnOnce(&mut RenderOptions) -> Result<(), Failure>,
) -> kc_result {
    boundary(|| {
        let o = handles::render_options(opts, "opts")?;
        let mut o = o.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut o)
    })
}

/// Sets one `helm template` output flag of `opts` (the bool setters).
fn set_stream_flag(
    opts: *mut kc_render_options,
    on: bool,
    flag: fn(&mut TemplateOptions) -> &mut bool,
) -> kc_result {
    with_options(opts, |o| {
        *flag(&mut o.stream) = on;
        Ok(())
    })
}

/// Sets one string option of `opts` from a NUL-terminated argument
/// (`what` names it in errors).
///
/// # Safety
///
/// `p` is NULL or a NUL-terminated string valid for the call.
unsafe fn set_string(
    opts: *mut kc_render_options,
    p: *const c_char,
    what: &str,
    set: fn(&mut RenderOptions, String),
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `p` is NULL or NUL-terminated.
        let v = unsafe { c_str(p, what) }?;
        set(o, v.to_owned());
        Ok(())
    })
}

/// Creates render options with `helm template`'s defaults: no values,
/// release `release-name` in namespace `default`, revision 1, an install,
/// no output flags.
///
/// On success `*out` is a new handle, to be freed with
/// [`kc_render_options_free`]; on failure it is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_new(out: *mut *mut kc_render_options) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        let o = Arc::new(Mutex::new(RenderOptions::default()));
        out.set(handles::register(Object::RenderOptions(o))?);
        Ok(())
    })
}

/// Frees render options. NULL is a no-op; a handle that is not live gives
/// `KC_RESULT_INVALID_HANDLE`.
#[no_mangle]
pub extern "C" fn kc_render_options_free(opts: *mut kc_render_options) -> kc_result {
    boundary(|| handles::release(opts, "kc_render_options"))
}

/// Adds a values document (Helm's `-f`): YAML or JSON text of `len` bytes
/// of UTF-8, not NUL-terminated (a terminator, if any, is not counted).
/// Later documents override earlier ones, and `--set` expressions override
/// them all. The text is checked when rendering (a syntax error then gives
/// `KC_RESULT_YAML`).
///
/// # Safety
///
/// `text` is NULL (only with `len` 0) or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_add_values(
    opts: *mut kc_render_options,
    text: *const c_char,
    len: usize,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `len` readable bytes at `text`.
        let t = unsafe { crate::args::text(text, len, "text") }.map(str::to_owned);
        o.values.push(t?);
        Ok(())
    })
}

/// Adds a `--set`-style expression (`kind` is a `kc_set_kind`), a
/// NUL-terminated UTF-8 string such as `"image.tag=1.2,replicas=3"`. The
/// expression is parsed when rendering, with Helm's error messages
/// (`failed parsing --set data: …`). An unknown `kind` gives
/// `KC_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `expr` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_add_set(
    opts: *mut kc_render_options,
    kind: u32,
    expr: *const c_char,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `expr` is NULL or NUL-terminated.
        let expr = unsafe { c_str(expr, "expr") }.map(str::to_owned);
        let expr = expr?;
        let list = match kind {
            0 => &mut o.set.values,
            1 => &mut o.set.string_values,
            2 => &mut o.set.json_values,
            3 => &mut o.set.literal_values,
            4 => &mut o.set.file_values,
            _ => return Err(Failure::invalid(format!("unknown kc_set_kind {kind}"))),
        };
        list.push(expr);
        Ok(())
    })
}

/// The release name (`.Release.Name`, default `release-name`), a
/// NUL-terminated UTF-8 string. `kc_render_template` checks it as Helm
/// does (at most 53 characters, lower-case DNS label).
///
/// # Safety
///
/// `name` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_set_release_name(
    opts: *mut kc_render_options,
    name: *const c_char,
) -> kc_result {
    // SAFETY: the caller promises `name` is NULL or NUL-terminated.
    unsafe { set_string(opts, name, "name", |o, v| o.release.name = v) }
}

/// The namespace (`.Release.Namespace`, default `default`), a
/// NUL-terminated UTF-8 string.
///
/// # Safety
///
/// `namespace` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_set_namespace(
    opts: *mut kc_render_options,
    namespace: *const c_char,
) -> kc_result {
    // SAFETY: the caller promises `namespace` is NULL or NUL-terminated.
    unsafe { set_string(opts, namespace, "namespace", |o, v| o.release.namespace = v) }
}

/// The release revision (`.Release.Revision`, default 1).
#[no_mangle]
pub extern "C" fn kc_render_options_set_revision(
    opts: *mut kc_render_options,
    revision: i64,
) -> kc_result {
    with_options(opts, |o| {
        o.release.revision = revision;
        Ok(())
    })
}

/// An upgrade instead of an install (`.Release.IsUpgrade` true,
/// `.Release.IsInstall` false). Default false.
#[no_mangle]
pub extern "C" fn kc_render_options_set_upgrade(
    opts: *mut kc_render_options,
    upgrade: bool,
) -> kc_result {
    with_options(opts, |o| {
        o.release.is_upgrade = upgrade;
        o.release.is_install = !upgrade;
        Ok(())
    })
}

/// `helm template --include-crds` (for [`kc_render_template`]).
#[no_mangle]
pub extern "C" fn kc_render_options_set_include_crds(
    opts: *mut kc_render_options,
    on: bool,
) -> kc_result {
    set_stream_flag(opts, on, |s| &mut s.include_crds)
}

/// `helm template --skip-tests` (for [`kc_render_template`]).
#[no_mangle]
pub extern "C" fn kc_render_options_set_skip_tests(
    opts: *mut kc_render_options,
    on: bool,
) -> kc_result {
    set_stream_flag(opts, on, |s| &mut s.skip_tests)
}

/// `helm template --no-hooks` (for [`kc_render_template`]).
#[no_mangle]
pub extern "C" fn kc_render_options_set_no_hooks(
    opts: *mut kc_render_options,
    on: bool,
) -> kc_result {
    set_stream_flag(opts, on, |s| &mut s.no_hooks)
}

/// `helm template --hide-secret` (for [`kc_render_template`]).
#[no_mangle]
pub extern "C" fn kc_render_options_set_hide_secret(
    opts: *mut kc_render_options,
    on: bool,
) -> kc_result {
    set_stream_flag(opts, on, |s| &mut s.hide_secret)
}

/// `helm template --show-only PATTERN` (repeatable; for
/// [`kc_render_template`]): a NUL-terminated UTF-8 pattern such as
/// `"templates/service.yaml"`.
///
/// # Safety
///
/// `pattern` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_add_show_only(
    opts: *mut kc_render_options,
    pattern: *const c_char,
) -> kc_result {
    // SAFETY: the caller promises `pattern` is NULL or NUL-terminated.
    unsafe { set_string(opts, pattern, "pattern", |o, v| o.stream.show_only.push(v)) }
}

/// Adds an extension param as Kaapana's `--param` does: `"key=value"`, a
/// NUL-terminated UTF-8 string (for a `list_multi`, the choices joined by
/// `,`; for a bool, `true` or `false`). A later value for the same key
/// wins. Once any param (here or with
/// [`kc_render_options_set_params_json`]) or platform globals are given,
/// renders add the Kaapana params layer, as `kaapana-chart --param
/// --globals` does: the chart's `extension_params` resolved against the
/// submission (defaults filled in, every value checked) under `global.`,
/// over the platform globals, and under everything else (values documents
/// and `--set` expressions win). An expression without `=` gives
/// `KC_RESULT_INVALID_ARGUMENT`; values are checked against the chart when
/// rendering.
///
/// # Safety
///
/// `expr` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_add_param(
    opts: *mut kc_render_options,
    expr: *const c_char,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `expr` is NULL or NUL-terminated.
        let expr = unsafe { c_str(expr, "expr") };
        let one = Submission::from_params([expr?])?;
        let sub = o.params.get_or_insert_with(Submission::new);
        for (k, v) in one.iter() {
            sub.insert(k, v.clone());
        }
        Ok(())
    })
}

/// Sets the whole extension params submission from JSON text (`len` bytes
/// of UTF-8, an object as Kaapana's UI posts it: `{"gpu": true,
/// "task_ids": ["a", "b"]}`), replacing earlier params. `{}` asks for the
/// params layer with every default. JSON that does not parse gives
/// `KC_RESULT_JSON`, a non-object `KC_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `json` is NULL (only with `len` 0) or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_set_params_json(
    opts: *mut kc_render_options,
    json: *const c_char,
    len: usize,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `len` readable bytes at `json`.
        let json = unsafe { crate::args::text(json, len, "json") };
        o.params = Some(Submission::from_json(json?)?);
        Ok(())
    })
}

/// The platform's globals under the params layer (YAML or JSON text of
/// `len` bytes of UTF-8): either values with a `global:` key, as `helm get
/// values --all` of Kaapana's admin chart prints them, or the globals map
/// itself (`kaapana-chart --globals`). Adds the params layer (see
/// [`kc_render_options_add_param`]); parsed when rendering.
///
/// # Safety
///
/// `text` is NULL (only with `len` 0) or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn kc_render_options_set_platform_globals(
    opts: *mut kc_render_options,
    text: *const c_char,
    len: usize,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `len` readable bytes at `text`.
        let t = unsafe { crate::args::text(text, len, "text") }.map(str::to_owned);
        o.platform_globals = Some(t?);
        Ok(())
    })
}

/// The handles of a render, resolved.
struct Job {
    engine: Arc<crate::engine::EngineState>,
    chart: Arc<Chart>,
    options: RenderOptions,
}

fn job(
    engine: *const crate::engine::kc_engine,
    chart: *const crate::chart::kc_chart,
    opts: *const kc_render_options,
) -> Result<Job, Failure> {
    let engine = handles::engine(engine, "engine")?;
    let chart = handles::chart(chart, "chart")?;
    let options = if opts.is_null() {
        RenderOptions::default()
    } else {
        let o = handles::render_options(opts, "opts")?;
        let o = o.lock().unwrap_or_else(PoisonError::into_inner);
        o.clone()
    };
    Ok(Job {
        engine,
        chart,
        options,
    })
}

/// `kaapana-chart render --output json`: every template's output by path.
pub(crate) fn render_json_text(
    state: &crate::engine::EngineState,
    chart: &Chart,
    options: &RenderOptions,
) -> Result<String, Error> {
    let user = options.user_values(chart)?;
    let engine = state.for_render();
    let rendered = engine.render_chart(chart, &user, &options.release)?;
    Ok(manifests_json(&rendered.files))
}

/// `kaapana-chart template` (`helm template`): the checks `helm template`
/// makes before rendering, the render, and the sorted stream.
pub(crate) fn render_template_text(
    state: &crate::engine::EngineState,
    chart: &Chart,
    options: &RenderOptions,
) -> Result<String, Error> {
    let user = options.user_values(chart)?;
    state
        .for_render()
        .template_chart(chart, &user, &options.release, &options.stream)
}

/// Runs one render export: resolves the handles, renders with `f`, and
/// hands the text to C.
///
/// # Safety
///
/// `out` and `out_len` are NULL or writable.
unsafe fn render_export(
    engine: *const crate::engine::kc_engine,
    chart: *const crate::chart::kc_chart,
    opts: *const kc_render_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    f: fn(&crate::engine::EngineState, &Chart, &RenderOptions) -> Result<String, Error>,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` and `out_len` are NULL or writable.
        let out = unsafe { OutText::new(out, out_len) }?;
        let job = job(engine, chart, opts)?;
        let text = f(&job.engine, &job.chart, &job.options)?;
        out.set(text);
        Ok(())
    })
}

/// Renders `chart` with `engine` and `opts` (NULL: the defaults) and returns
/// every template's output as the JSON text `{"manifests": {"<path>":
/// "<text>", ...}}` plus a newline, keys sorted: byte for byte what
/// `kaapana-chart render --output json` prints. Partials (`_*.tpl`) are
/// left out; `NOTES.txt` is included. The `helm template` output flags of
/// `opts` do not apply.
///
/// On success `*out` is a new NUL-terminated UTF-8 string, to be freed with
/// [`kc_string_free`], and `*out_len` (if `out_len` is not NULL) its length
/// in bytes without the terminator. On failure `*out` is NULL and the last
/// error holds Helm's message, with the template file, line and column for
/// template errors.
///
/// Thread safety: any number of threads may render with the same engine,
/// chart and options at once.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer; `out_len` is NULL or
/// valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn kc_render_json(
    engine: *const crate::engine::kc_engine,
    chart: *const crate::chart::kc_chart,
    opts: *const kc_render_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    // SAFETY: the caller's contract is render_export's.
    unsafe { render_export(engine, chart, opts, out, out_len, render_json_text) }
}

/// Renders `chart` with `engine` and `opts` (NULL: the defaults) as `helm
/// template` prints it: the manifests sorted in install order, each as
/// `---\n# Source: <path>\n<document>`, then the hooks, with `opts`'s
/// output flags (`--include-crds`, `--show-only`, …). Byte for byte what
/// `kaapana-chart template` prints, including its checks first (missing
/// dependencies, the release name, the chart's `kubeVersion`) and its
/// errors (a template error ends with `\n\nUse --debug flag to render out
/// invalid YAML`, as Helm's does).
///
/// Output and errors as for [`kc_render_json`]; so is thread safety.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer; `out_len` is NULL or
/// valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn kc_render_template(
    engine: *const crate::engine::kc_engine,
    chart: *const crate::chart::kc_chart,
    opts: *const kc_render_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kc_result {
    // SAFETY: the caller's contract is render_export's.
    unsafe { render_export(engine, chart, opts, out, out_len, render_template_text) }
}

/// Frees a string this library returned (`char **out` of any `kc_`
/// function). NULL is a no-op; a pointer that is not such a string, or one
/// already freed, gives `KC_RESULT_INVALID_HANDLE` and is left alone.
#[no_mangle]
pub extern "C" fn kc_string_free(s: *mut c_char) -> kc_result {
    boundary(|| handles::free_string(s))
}
