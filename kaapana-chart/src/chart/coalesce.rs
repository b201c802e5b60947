//! Values coalescing: how Helm combines a chart's `values.yaml` (and its
//! subcharts') with the values a user supplies (Go package
//! `pkg/chart/common/util`, files `coalesce.go` and `values.go`, and
//! `pkg/cli/values/options.go` for the user's `-f`/`--set` layers).
//!
//! ```
//! use kaapana_chart::chart::coalesce::coalesce_values;
//! use kaapana_chart::chart::{Chart, Metadata};
//! use kaapana_chart::Value;
//!
//! let chart = Chart {
//!     metadata: Metadata { name: "web".into(), ..Metadata::default() },
//!     values: Value::from_iter([
//!         ("replicas", Value::Float(1.0)),
//!         ("image", Value::from_iter([("tag", "1.0".into()), ("pull", "Always".into())])),
//!     ]),
//!     ..Chart::default()
//! };
//! let user = Value::from_iter([
//!     ("image", Value::from_iter([("tag", Value::from("2.0"))])),
//!     ("replicas", Value::Nil), // null deletes a default
//! ]);
//! let values = coalesce_values(&chart, &user).unwrap();
//! assert_eq!(values.get("replicas"), None);
//! let image = values.get("image").unwrap();
//! assert_eq!(image.get("tag"), Some(Value::from("2.0")));
//! assert_eq!(image.get("pull"), Some(Value::from("Always")));
//! ```
//!
//! # Rules (Helm v4.2.3)
//!
//! * User values win over chart defaults; maps merge key by key, everything
//!   else (lists included) is replaced whole.
//! * A user `null` deletes the key, when the chart has a default for it
//!   (a `null` for a key the chart does not have is kept as `null`).
//! * `null`s in chart defaults are dropped (Helm 4.2.0–4.2.3; Helm ≤ 4.1 and
//!   the unreleased fix for helm#32530 keep those of the top-level chart).
//! * A table over a scalar (or the reverse) keeps the user's value and logs
//!   a warning; the warnings are collected, with Helm's exact text.
//! * Each subchart's values live under its name and are coalesced with the
//!   subchart's defaults; the parent's `global` map is copied into every
//!   subchart's `global` first (parent wins).
//! * Neither the chart nor the user values are changed: both are copied
//!   first, as Helm copies them.
//!
//! Helm's Go maps are references, and Helm shares some of them while
//! coalescing (global tables are copied one level deep): a subchart's
//! default `global.a.b.c` then also shows up in the parent's
//! `global.a.b`. [`Value`] maps are shared the same way, so these effects
//! are reproduced exactly.

use crate::template::fmt::go_quote;
use std::sync::Arc;

use crate::chart::strvals;
use crate::chart::Chart;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_VALUE_DEPTH;
use crate::value::{ElemType, Entries, List, Map, Value};

/// The key of the values every chart and subchart shares (Helm's
/// `common.GlobalKey`).
pub const GLOBAL_KEY: &str = "global";

/// Coalesces a chart's default values (and its subcharts') with the user's
/// values (Helm's `CoalesceValues`): what templates see as `.Values`.
///
/// `user` is a map (or nil for none). Warnings are discarded; use
/// [`coalesce_values_with_warnings`] to get them.
///
/// # Errors
///
/// `type mismatch on <sub>: …` when the values for a subchart are not a map,
/// or a [`LimitExceeded`](ErrorKind::LimitExceeded) error for values nested
/// deeper than [`MAX_VALUE_DEPTH`].
pub fn coalesce_values(chart: &Chart, user: &Value) -> Result<Value> {
    coalesce_values_with_warnings(chart, user, &mut Vec::new())
}

/// [`coalesce_values`], appending the warnings Helm logs (without Go's log
/// timestamp) to `warnings`.
///
/// ```
/// use kaapana_chart::chart::coalesce::coalesce_values_with_warnings;
/// use kaapana_chart::chart::{Chart, Metadata};
/// use kaapana_chart::Value;
///
/// let chart = Chart {
///     metadata: Metadata { name: "web".into(), ..Metadata::default() },
///     values: Value::from_iter([("port", Value::Float(80.0))]),
///     ..Chart::default()
/// };
/// let user = Value::from_iter([("port", Value::from_iter([("http", Value::Float(8080.0))]))]);
/// let mut warnings = Vec::new();
/// let values = coalesce_values_with_warnings(&chart, &user, &mut warnings).unwrap();
/// assert!(values.get("port").unwrap().as_map().is_some());
/// assert_eq!(warnings, ["warning: skipped value for web.port: Not a table."]);
/// ```
pub fn coalesce_values_with_warnings(
    chart: &Chart,
    user: &Value,
    warnings: &mut Vec<String>,
) -> Result<Value> {
    run(chart, user, false, warnings)
}

/// Merges a chart's default values with the user's values like
/// [`coalesce_values`], but keeps every `null` (Helm's `MergeValues`, used
/// before dependency processing so that a later coalesce still sees the
/// user's `null`s).
///
/// ```
/// use kaapana_chart::chart::coalesce::merge_values;
/// use kaapana_chart::chart::{Chart, Metadata};
/// use kaapana_chart::Value;
///
/// let chart = Chart {
///     metadata: Metadata { name: "web".into(), ..Metadata::default() },
///     values: Value::from_iter([("a", Value::Float(1.0))]),
///     ..Chart::default()
/// };
/// let merged = merge_values(&chart, &Value::from_iter([("a", Value::Nil)])).unwrap();
/// assert_eq!(merged.get("a"), Some(Value::Nil));
/// ```
pub fn merge_values(chart: &Chart, user: &Value) -> Result<Value> {
    merge_values_with_warnings(chart, user, &mut Vec::new())
}

/// [`merge_values`], appending Helm's warnings to `warnings`.
pub fn merge_values_with_warnings(
    chart: &Chart,
    user: &Value,
    warnings: &mut Vec<String>,
) -> Result<Value> {
    run(chart, user, true, warnings)
}

/// Merges `src` into `dst`, `dst` winning (Helm's `CoalesceTables`): maps
/// merge recursively, a `null` in `dst` deletes a non-null `src` default.
///
/// Like Go, this works in place on the given maps: `dst` receives the
/// result (and is returned) and `src` may be changed too. A nil `dst`
/// returns `src` and a nil `src` returns `dst`. Used by dependency
/// processing (`import-values`).
///
/// ```
/// use kaapana_chart::chart::coalesce::coalesce_tables;
/// use kaapana_chart::Value;
///
/// let dst = Value::from_iter([("a", Value::Nil), ("b", Value::from("mine"))]);
/// let src = Value::from_iter([("a", Value::from("x")), ("b", "y".into()), ("c", "z".into())]);
/// let out = coalesce_tables(&dst, &src, &mut Vec::new()).unwrap();
/// assert_eq!(out.get("a"), None);
/// assert_eq!(out.get("b"), Some(Value::from("mine")));
/// assert_eq!(out.get("c"), Some(Value::from("z")));
/// ```
pub fn coalesce_tables(dst: &Value, src: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    tables(dst, src, false, warnings)
}

/// [`coalesce_tables`] keeping `null`s (Helm's `MergeTables`).
pub fn merge_tables(dst: &Value, src: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    tables(dst, src, true, warnings)
}

/// Whether `v` is a table in Helm's sense (Go's `istable`): a
/// `map[string]interface {}` (named map types with interface values, such as
/// `common.Values`, included).
///
/// ```
/// use kaapana_chart::chart::coalesce::is_table;
/// use kaapana_chart::Value;
///
/// assert!(is_table(&Value::empty_map()));
/// assert!(!is_table(&Value::list(vec![])));
/// ```
pub fn is_table(v: &Value) -> bool {
    table(v).is_some()
}

/// Merges the user's value layers, later ones winning and maps merging
/// deeply (Helm's `loader.MergeMaps`, as `helm template -f a.yaml -f b.yaml`
/// combines its files). Lists are replaced, `null`s are kept (coalescing
/// deals with them). Nil layers count as empty.
///
/// The result shares nothing with the layers.
///
/// ```
/// use kaapana_chart::chart::coalesce::merge_user_values;
/// use kaapana_chart::Value;
///
/// let a = Value::from_iter([("m", Value::from_iter([("x", Value::Float(1.0))])), ("k", "a".into())]);
/// let b = Value::from_iter([("m", Value::from_iter([("y", Value::Float(2.0))])), ("k", Value::Nil)]);
/// let merged = merge_user_values(&[a, b]).unwrap();
/// assert_eq!(merged.get("k"), Some(Value::Nil));
/// assert_eq!(merged.get("m").unwrap().as_map().unwrap().len(), 2);
/// ```
///
/// # Errors
///
/// A layer that is neither a map nor nil, or values nested deeper than
/// [`MAX_VALUE_DEPTH`].
pub fn merge_user_values(layers: &[Value]) -> Result<Value> {
    let mut base = Map::new();
    for layer in layers {
        match layer {
            Value::Nil => {}
            Value::Map(_) => {
                let Value::Map(copy) = copy_value(layer, 0)? else {
                    continue;
                };
                base = merge_maps(&base, &copy, 0)?;
            }
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("a values layer must be a map, not {}", other.go_type()),
                ))
            }
        }
    }
    Ok(Value::Map(base))
}

/// The user's values options of `helm template`/`install`/`upgrade`, in
/// Helm's order of precedence (Helm's `values.Options`): value files, then
/// `--set-json`, `--set`, `--set-string`, `--set-file` and `--set-literal`,
/// each flag in the order given.
///
/// ```
/// use kaapana_chart::chart::coalesce::ValueOptions;
/// use kaapana_chart::Value;
///
/// let opts = ValueOptions {
///     value_files: vec![Value::from_iter([("a", Value::Float(1.0))])],
///     values: vec!["a=2,b.c=x".into()],
///     literal_values: vec!["s=1,2".into()],
///     ..ValueOptions::default()
/// };
/// let values = opts.merge(&|path| Err(kaapana_chart::Error::new(
///     kaapana_chart::ErrorKind::Io, format!("open {path}: not allowed"))))
///     .unwrap();
/// assert_eq!(values.get("a"), Some(Value::Int64(2)));
/// assert_eq!(values.get("s"), Some(Value::from("1,2")));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ValueOptions {
    /// `-f`/`--values`: the files, already read as values files (in order).
    pub value_files: Vec<Value>,
    /// `--set-json` arguments.
    pub json_values: Vec<String>,
    /// `--set` arguments.
    pub values: Vec<String>,
    /// `--set-string` arguments.
    pub string_values: Vec<String>,
    /// `--set-file` arguments.
    pub file_values: Vec<String>,
    /// `--set-literal` arguments.
    pub literal_values: Vec<String>,
}

impl ValueOptions {
    /// Combines every option into one map of user values (Helm's
    /// `Options.MergeValues`), with Helm's error messages
    /// (`failed parsing --set data: …`). `read_file` reads a `--set-file`
    /// path and returns its contents (Helm stores the file's text).
    pub fn merge(&self, read_file: &dyn Fn(&str) -> Result<Value>) -> Result<Value> {
        let mut base = merge_user_values(&self.value_files)?;
        for value in &self.json_values {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                // A whole JSON object, merged like a values file; Helm drops
                // the parser's error and names the argument.
                let bad = || {
                    Error::new(
                        ErrorKind::InvalidArgument,
                        format!("failed parsing --set-json data JSON: {value}"),
                    )
                };
                let object = crate::value::from_json(trimmed).map_err(|_| bad())?;
                if !is_table(&object) {
                    return Err(bad());
                }
                base = merge_user_values(&[base, object])?;
            } else {
                strvals::parse_set_json(value, &base).map_err(|e| {
                    e.with_message(format!("failed parsing --set-json data {value}"))
                })?;
            }
        }
        for value in &self.values {
            strvals::parse_set(value, &base).map_err(|e| wrap(e, "failed parsing --set data"))?;
        }
        for value in &self.string_values {
            strvals::parse_set_string(value, &base)
                .map_err(|e| wrap(e, "failed parsing --set-string data"))?;
        }
        for value in &self.file_values {
            strvals::parse_set_file(value, &base, read_file)
                .map_err(|e| wrap(e, "failed parsing --set-file data"))?;
        }
        for value in &self.literal_values {
            strvals::parse_set_literal(value, &base)
                .map_err(|e| wrap(e, "failed parsing --set-literal data"))?;
        }
        Ok(base)
    }
}

/// Go's `fmt.Errorf("<context>: %w", err)`.
fn wrap(e: Error, context: &str) -> Error {
    let msg = format!("{context}: {}", e.message());
    e.with_message(msg)
}

// --- the coalescing itself -------------------------------------------------

/// Where warnings go (Go passes `log.Printf`).
struct Log<'w> {
    warnings: &'w mut Vec<String>,
}

impl Log<'_> {
    fn warn(&mut self, msg: String) {
        self.warnings.push(msg);
    }
}

/// [`coalesce_values_with_warnings`] for a result that is only read: the
/// top-level entries of `user` that coalescing cannot write to (keys that
/// are neither a default of `chart`, nor a subchart's name, nor `global`)
/// are shared with `user` instead of copied.
///
/// Dependency processing coalesces the whole tree's values once per chart
/// that has dependencies, only to read conditions and tags from the
/// result; a full copy each time made large trees quadratic in their
/// values. The result must not be changed (nor handed to templates).
pub(crate) fn coalesce_values_shared(
    chart: &Chart,
    user: &Value,
    warnings: &mut Vec<String>,
) -> Result<Value> {
    let Value::Map(m) = user else {
        return run(chart, user, false, warnings);
    };
    let written = |k: &str| {
        k == GLOBAL_KEY
            || chart.values.get(k).is_some()
            || chart.dependencies.iter().any(|d| d.metadata.name == k)
    };
    let mut top = Entries::new();
    for (k, v) in m.entries() {
        let v = if written(&k) { copy_value(&v, 1)? } else { v };
        top.insert(k, v);
    }
    let dest = Map::typed(m.elem(), top);
    let mut log = Log { warnings };
    coalesce(&mut log, chart, &dest, "", false, 0)?;
    Ok(Value::Map(dest))
}

/// `CoalesceValues` / `MergeValues`: copy the user values, then `coalesce`.
fn run(chart: &Chart, user: &Value, merge: bool, warnings: &mut Vec<String>) -> Result<Value> {
    let dest = match user {
        Value::Nil => Map::new(),
        Value::Map(_) => match copy_value(user, 0)? {
            Value::Map(m) => m,
            _ => Map::new(),
        },
        other => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("user values must be a map, not {}", other.go_type()),
            ))
        }
    };
    let mut log = Log { warnings };
    coalesce(&mut log, chart, &dest, "", merge, 0)?;
    Ok(Value::Map(dest))
}

/// `CoalesceTables` / `MergeTables`.
fn tables(dst: &Value, src: &Value, merge: bool, warnings: &mut Vec<String>) -> Result<Value> {
    // Go: a nil src returns dst, a nil dst returns src (a non-map counts as
    // nil here; Go's types rule it out).
    let (Some(d), Some(s)) = (dst.as_map(), src.as_map()) else {
        return Ok(if src.as_map().is_none() {
            dst.clone()
        } else {
            src.clone()
        });
    };
    let mut log = Log { warnings };
    coalesce_tables_full_key(&mut log, d, s, "", merge, 0)?;
    Ok(dst.clone())
}

/// Go's `concatPrefix`.
fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// Go's `v.(map[string]any)`: the map, if `v` is a `map[string]interface {}`
/// (not, say, a `map[string]string`). Named map types such as
/// `common.Values` count as tables too: Go would refuse them, but they never
/// occur inside values read from YAML, JSON or `--set`, and telling them
/// apart costs an allocation per value.
fn table(v: &Value) -> Option<&Map> {
    match v {
        Value::Map(m) if m.elem() == ElemType::Interface => Some(m),
        _ => None,
    }
}

fn too_deep() -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!("values are nested deeper than {MAX_VALUE_DEPTH} levels"),
    )
}

/// Runs `f` with enough stack for one more level of recursion; deep values
/// (up to [`MAX_VALUE_DEPTH`]) must not overflow small thread stacks.
fn grow<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, f)
}

/// Go's `coalesce`: this chart's values, then its dependencies'.
fn coalesce(
    log: &mut Log<'_>,
    chart: &Chart,
    dest: &Map,
    prefix: &str,
    merge: bool,
    depth: usize,
) -> Result<()> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    coalesce_chart_values(log, chart, dest, prefix, merge)?;
    coalesce_deps(log, chart, dest, prefix, merge, depth)
}

/// Go's `coalesceDeps`: each subchart's values under its name, with the
/// parent's globals pushed down first.
fn coalesce_deps(
    log: &mut Log<'_>,
    chart: &Chart,
    dest: &Map,
    prefix: &str,
    merge: bool,
    depth: usize,
) -> Result<()> {
    for sub in &chart.dependencies {
        let name = sub.metadata.name.as_str();
        match dest.get(name) {
            None => dest.insert(name, Value::empty_map()),
            Some(c) if !is_table(&c) => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    crate::template::fmt::sprintf(
                        "type mismatch on %s: %t",
                        &[Value::from(name), c],
                    ),
                ))
            }
            Some(_) => {}
        }
        let Some(Value::Map(dvmap)) = dest.get(name) else {
            continue;
        };
        let sub_prefix = concat_prefix(prefix, &chart.metadata.name);
        coalesce_globals(log, &dvmap, dest, &sub_prefix)?;
        grow(|| coalesce(log, sub, &dvmap, &sub_prefix, merge, depth + 1))?;
        dest.insert(name, Value::Map(dvmap));
    }
    Ok(())
}

/// Go's `coalesceGlobals`: copies the parent's (`src`) globals into the
/// subchart's (`dest`). Parent scalars overwrite; parent tables are copied
/// one level deep and the subchart's table of the same name is merged under
/// them.
fn coalesce_globals(log: &mut Log<'_>, dest: &Map, src: &Map, prefix: &str) -> Result<()> {
    let dg = match dest.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(v) => match table(&v) {
            Some(m) => m.clone(),
            None => {
                log.warn(format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ));
                return Ok(());
            }
        },
    };
    let sg = match src.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(v) => match table(&v) {
            Some(m) => m.clone(),
            None => {
                log.warn(format!(
                    "warning: skipping globals because source {GLOBAL_KEY} is not a table."
                ));
                return Ok(());
            }
        },
    };
    for (key, val) in sg.entries() {
        if let Some(vm) = table(&val) {
            // Go's copyMap: a new map holding the same values.
            let vv = Map::typed(ElemType::Interface, vm.read().clone());
            match dg.get(&key) {
                None => dg.insert(key, Value::Map(vv)),
                Some(destv) => match table(&destv) {
                    None => log.warn(format!(
                        "Conflict: cannot merge map onto non-map for {}. Skipping.",
                        go_quote(&key)
                    )),
                    Some(destvmap) => {
                        // Merge is always on here: the result is coalesced
                        // again with the subchart, which removes nils.
                        let sub_prefix = concat_prefix(prefix, &key);
                        coalesce_tables_full_key(log, &vv, destvmap, &sub_prefix, true, 0)?;
                        dg.insert(key, Value::Map(vv));
                    }
                },
            }
        } else if dg.get(&key).is_some_and(|dv| is_table(&dv)) {
            log.warn(format!("key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL_KEY, Value::Map(dg));
    Ok(())
}

/// Go's `coalesceValues`: one chart's defaults (a fresh copy) under the
/// values in `v`.
fn coalesce_chart_values(
    log: &mut Log<'_>,
    chart: &Chart,
    v: &Map,
    prefix: &str,
    merge: bool,
) -> Result<()> {
    let sub_prefix = concat_prefix(prefix, &chart.metadata.name);
    // A copy, so that nothing below changes the chart's own defaults.
    let vc = match &chart.values {
        Value::Map(_) => match copy_value(&chart.values, 0)? {
            Value::Map(m) => m,
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    for (key, val) in vc.entries() {
        match v.get(&key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    // A user null removes the key (and the default).
                    v.remove(&key);
                } else if let Some(dest) = table(&value) {
                    match table(&val) {
                        None => {
                            // Nothing to merge into a user table; a nil
                            // default is not worth a warning.
                            if !val.is_nil() {
                                log.warn(format!(
                                    "warning: skipped value for {sub_prefix}.{key}: Not a table."
                                ));
                            }
                        }
                        Some(src) => {
                            // Values for a subchart are merged keeping nils:
                            // the subchart's own pass deletes what they null.
                            // (Helm 4.2.3 decides the nil cleaning below with
                            // this shadowed flag; helm#32097 proposes not to.)
                            let merge = child_chart_merge_true(chart, &key, merge);
                            if !merge {
                                clean_nil_values(src, 0)?;
                            }
                            coalesce_tables_full_key(
                                log,
                                dest,
                                src,
                                &concat_prefix(&sub_prefix, &key),
                                merge,
                                0,
                            )?;
                        }
                    }
                }
            }
            None => {
                // Chart-default nils are dropped (Helm 4.2.0-4.2.3 does so
                // for every chart, the top-level one included).
                if !merge {
                    if val.is_nil() {
                        continue;
                    }
                    if let Some(sub) = table(&val) {
                        clean_nil_values(sub, 0)?;
                    }
                }
                v.insert(key, val);
            }
        }
    }
    Ok(())
}

/// Go's `childChartMergeTrue`: `true` when `key` names a subchart.
fn child_chart_merge_true(chart: &Chart, key: &str, merge: bool) -> bool {
    chart.dependencies.iter().any(|d| d.metadata.name == key) || merge
}

/// Go's `coalesceTablesFullKey`: merges `src` into `dst`, `dst` winning.
fn coalesce_tables_full_key(
    log: &mut Log<'_>,
    dst: &Map,
    src: &Map,
    prefix: &str,
    merge: bool,
    depth: usize,
) -> Result<()> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    // Which src keys were non-nil before dst's nils are copied over: a user
    // null over a real default deletes the key, a null over a null (or over
    // nothing) stays. (A sorted snapshot: never hold a lock while recursing.)
    let original = src.entries();
    let src_non_nil = |key: &str| {
        original
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .is_ok_and(|i| !original[i].1.is_nil())
    };
    let dst_nils: Vec<Arc<str>> = dst
        .read()
        .iter()
        .filter(|(_, v)| v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    let refreshed;
    let entries: &[(Arc<str>, Value)] = if dst_nils.is_empty() {
        &original
    } else {
        for key in dst_nils {
            src.insert(key, Value::Nil);
        }
        refreshed = src.entries();
        &refreshed
    };
    for (key, val) in entries {
        let (key, val) = (key.clone(), val.clone());
        // Only recursion and warnings need the full key.
        let fullkey = || concat_prefix(prefix, &key);
        match dst.get(&key) {
            Some(Value::Nil) if !merge && src_non_nil(&key) => {
                dst.remove(&key);
            }
            None => dst.insert(key, val),
            Some(dv) => {
                if let Some(sv) = table(&val) {
                    match table(&dv) {
                        Some(dvm) => grow(|| {
                            coalesce_tables_full_key(log, dvm, sv, &fullkey(), merge, depth + 1)
                        })?,
                        None => log.warn(format!(
                            "warning: cannot overwrite table with non table for {} ({})",
                            fullkey(),
                            go_v(&val)
                        )),
                    }
                } else if is_table(&dv) && !val.is_nil() {
                    log.warn(format!(
                        "warning: destination for {} is a table. Ignoring non-table value ({})",
                        fullkey(),
                        go_v(&val)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Go's `cleanNilValues`: removes nil entries from `m` and the tables in it.
fn clean_nil_values(m: &Map, depth: usize) -> Result<()> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    for (key, val) in m.entries() {
        if val.is_nil() {
            m.remove(&key);
        } else if let Some(sub) = table(&val) {
            grow(|| clean_nil_values(sub, depth + 1))?;
        }
    }
    Ok(())
}

/// Go's `loader.MergeMaps`: a new map with `a`'s entries, then `b`'s; where
/// both hold a table they are merged the same way.
fn merge_maps(a: &Map, b: &Map, depth: usize) -> Result<Map> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    let out = Map::typed(ElemType::Interface, a.read().clone());
    for (k, v) in b.entries() {
        if let Some(vm) = table(&v) {
            if let Some(bv) = out.get(&k) {
                if let Some(bvm) = table(&bv) {
                    let merged = grow(|| merge_maps(bvm, vm, depth + 1))?;
                    out.insert(k, Value::Map(merged));
                    continue;
                }
            }
        }
        out.insert(k, v);
    }
    Ok(out)
}

/// A deep copy of maps and lists (Go's `copystructure.Copy`), bounded by
/// [`MAX_VALUE_DEPTH`] so that a map containing itself is an error, not a
/// hang.
fn copy_value(v: &Value, depth: usize) -> Result<Value> {
    match v {
        Value::Map(m) => {
            if depth > MAX_VALUE_DEPTH {
                return Err(too_deep());
            }
            // Clone the tree under the lock (cheap: node copies and
            // reference counts), then replace the containers outside it:
            // never hold a lock while recursing.
            let mut out = m.read().clone();
            for item in out.values_mut() {
                if matches!(item, Value::Map(_) | Value::List(_)) {
                    *item = grow(|| copy_value(item, depth + 1))?;
                }
            }
            Ok(Value::Map(Map::typed(m.elem(), out)))
        }
        Value::List(l) => {
            // Our lists are immutable: one holding no map or list can be
            // shared instead of copied.
            if !l
                .items()
                .iter()
                .any(|i| matches!(i, Value::Map(_) | Value::List(_)))
            {
                return Ok(v.clone());
            }
            if depth > MAX_VALUE_DEPTH {
                return Err(too_deep());
            }
            let mut items = Vec::with_capacity(l.len());
            for item in l.items() {
                items.push(if matches!(item, Value::Map(_) | Value::List(_)) {
                    grow(|| copy_value(item, depth + 1))?
                } else {
                    item.clone()
                });
            }
            Ok(Value::List(List::typed(l.elem(), items)))
        }
        other => Ok(other.clone()),
    }
}

/// Go's `%v` of a value, for warnings.
fn go_v(v: &Value) -> String {
    crate::template::fmt::sprintf("%v", std::slice::from_ref(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Metadata;

    fn chart(name: &str, values: Value, deps: Vec<Chart>) -> Chart {
        Chart {
            metadata: Metadata {
                name: name.to_owned(),
                ..Metadata::default()
            },
            values,
            dependencies: deps,
            ..Chart::default()
        }
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::from_iter(entries.iter().cloned())
    }

    #[test]
    fn chart_defaults_are_never_changed() {
        let defaults = map(&[("t", map(&[("a", Value::Float(1.0)), ("n", Value::Nil)]))]);
        let c = chart("c", defaults.clone(), vec![]);
        let before = defaults.deep_copy();
        let user = map(&[("t", map(&[("a", Value::Nil), ("b", "x".into())]))]);
        let out = coalesce_values(&c, &user).unwrap();
        assert_eq!(defaults, before);
        assert_eq!(out, map(&[("t", map(&[("b", "x".into())]))]));
        // The user's map is untouched too.
        assert_eq!(
            user,
            map(&[("t", map(&[("a", Value::Nil), ("b", "x".into())]))])
        );
    }

    #[test]
    fn type_mismatch_on_subchart() {
        let c = chart(
            "p",
            Value::empty_map(),
            vec![chart("sub", Value::empty_map(), vec![])],
        );
        let err = coalesce_values(&c, &map(&[("sub", "foo".into())])).unwrap_err();
        assert_eq!(err.to_string(), "type mismatch on sub: %!t(string=foo)");
        let err = coalesce_values(&c, &map(&[("sub", Value::Bool(true))])).unwrap_err();
        assert_eq!(err.to_string(), "type mismatch on sub: true");
    }

    #[test]
    fn self_referencing_values_are_an_error() {
        let m = Map::new();
        m.insert("self", Value::Map(m.clone()));
        let c = chart("c", Value::empty_map(), vec![]);
        let err = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || coalesce_values(&c, &Value::Map(m.clone())).map(|_| ()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    }

    #[test]
    fn merge_keeps_nils_coalesce_drops_them() {
        let c = chart(
            "c",
            map(&[("a", Value::Float(1.0)), ("n", Value::Nil)]),
            vec![],
        );
        let user = map(&[("a", Value::Nil), ("u", Value::Nil)]);
        let merged = merge_values(&c, &user).unwrap();
        assert_eq!(
            merged,
            map(&[("a", Value::Nil), ("n", Value::Nil), ("u", Value::Nil)])
        );
        let coalesced = coalesce_values(&c, &user).unwrap();
        assert_eq!(coalesced, map(&[("u", Value::Nil)]));
    }

    #[test]
    fn tables_nil_handling() {
        let d = map(&[("x", Value::Float(1.0))]);
        assert_eq!(coalesce_tables(&d, &Value::Nil, &mut vec![]).unwrap(), d);
        assert_eq!(coalesce_tables(&Value::Nil, &d, &mut vec![]).unwrap(), d);
    }

    #[test]
    fn user_values_must_be_a_map() {
        let c = chart("c", Value::empty_map(), vec![]);
        let err = coalesce_values(&c, &Value::from("x")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(coalesce_values(&c, &Value::Nil).is_ok());
    }

    #[test]
    fn value_options_errors_are_helms() {
        let read = |p: &str| Ok(Value::from(format!("<{p}>")));
        let opts = ValueOptions {
            values: vec!["a[x]=1".into()],
            ..ValueOptions::default()
        };
        assert_eq!(
            opts.merge(&read).unwrap_err().to_string(),
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax"#
        );
        let opts = ValueOptions {
            file_values: vec!["f=a.txt".into()],
            string_values: vec!["n=1".into()],
            ..ValueOptions::default()
        };
        let v = opts.merge(&read).unwrap();
        assert_eq!(v.get("f"), Some(Value::from("<a.txt>")));
        assert_eq!(v.get("n"), Some(Value::from("1")));
    }

    #[test]
    fn ten_thousand_keys_are_fast() {
        let entries: Vec<(String, Value)> = (0..10_000)
            .map(|i| {
                (
                    format!("k{i}"),
                    map(&[("a", Value::Float(i as f64)), ("b", "x".into())]),
                )
            })
            .collect();
        let defaults = Value::from_iter(entries.clone());
        let user = Value::from_iter(
            entries
                .iter()
                .map(|(k, _)| (k.clone(), map(&[("a", Value::Nil)]))),
        );
        let c = chart(
            "c",
            defaults,
            vec![chart("sub", Value::empty_map(), vec![])],
        );
        let start = std::time::Instant::now();
        let out = coalesce_values(&c, &user).unwrap();
        let took = start.elapsed();
        assert_eq!(out.as_map().map(Map::len), Some(10_001));
        // Generous for debug builds; release builds take a few milliseconds.
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }
}
