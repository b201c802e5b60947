//! Dependency processing: which subcharts take part in a render, under which
//! names, and which of their values a parent imports (Helm's
//! `ProcessDependencies`, `pkg/chart/v2/util/dependencies.go`).
//!
//! ```
//! use kaapana_chart::chart::dependencies::process_dependencies;
//! use kaapana_chart::chart::{Chart, Dependency, Metadata};
//! use kaapana_chart::{values_from_yaml, Value};
//!
//! let sub = Chart {
//!     metadata: Metadata { name: "db".into(), version: "1.2.0".into(), ..Metadata::default() },
//!     ..Chart::default()
//! };
//! let mut parent = Chart {
//!     metadata: Metadata {
//!         name: "app".into(),
//!         version: "0.1.0".into(),
//!         dependencies: vec![Dependency {
//!             name: "db".into(),
//!             version: "1.x".into(),
//!             condition: "db.enabled".into(),
//!             ..Dependency::default()
//!         }],
//!         ..Metadata::default()
//!     },
//!     dependencies: vec![sub],
//!     ..Chart::default()
//! };
//! let user = values_from_yaml("db: {enabled: false}").unwrap();
//! process_dependencies(&mut parent, &user, &mut Vec::new()).unwrap();
//! assert!(parent.dependencies.is_empty());
//! ```
//!
//! # Rules (Helm v4.2.3)
//!
//! * Every `dependencies` entry whose name and version range match a chart
//!   in `charts/` replaces that chart by a copy named after the entry's
//!   `alias` (so one chart can appear twice); charts in `charts/` that no
//!   entry matches stay as they are; entries without a chart are ignored
//!   here (`helm template` reports them first, see
//!   [`missing_dependencies`]).
//! * `tags`: a dependency is disabled if one of its tags is `false` in
//!   `.Values.tags` and none is `true`.
//! * `condition`: a comma list of value paths; the first that holds a bool
//!   decides (after tags, so it overrides them). A missing path keeps the
//!   chart enabled. Paths of a nested chart are read with the names of its
//!   ancestors as a prefix.
//! * `import-values`, bottom-up: `name` imports the child's
//!   `exports.<name>` table at the parent's root, `{child: a.b, parent: x}`
//!   imports the child's `a.b` table under `x`; the parent's own values win
//!   over imported ones.

use crate::chart::coalesce::{coalesce_values_shared, is_table, merge_tables, merge_values};
use crate::chart::semver::is_compatible_range;
use crate::chart::{Chart, Dependency};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_VALUE_DEPTH;
use crate::value::{ElemType, Entries, Map, Value};

/// Processes `chart`'s dependencies against the user's values (Helm's
/// `ProcessDependencies`): resolves aliases, drops the subcharts that tags
/// or conditions disable, and applies `import-values` (in merge mode, so
/// `null`s survive for the later coalescing). `chart` is changed in place,
/// as Helm changes its chart; warnings Helm logs are appended to `warnings`.
///
/// # Errors
///
/// The errors of values coalescing (`type mismatch on <sub>`), or a
/// [`LimitExceeded`](ErrorKind::LimitExceeded) error for a chart tree nested
/// deeper than [`MAX_VALUE_DEPTH`].
pub fn process_dependencies(
    chart: &mut Chart,
    values: &Value,
    warnings: &mut Vec<String>,
) -> Result<()> {
    process_enabled(chart, values, "", warnings, 0, false)?;
    process_import_values(chart, warnings, 0)
}

/// The names of `chart`'s `dependencies` entries that have no chart in
/// `charts/` (Helm's `action.CheckDependencies`, which `helm template` and
/// `helm install` run before rendering). Aliases are not considered: Helm
/// compares names only.
///
/// ```
/// use kaapana_chart::chart::dependencies::missing_dependencies;
/// use kaapana_chart::chart::{Chart, Dependency, Metadata};
///
/// let chart = Chart {
///     metadata: Metadata {
///         dependencies: vec![Dependency { name: "db".into(), ..Dependency::default() }],
///         ..Metadata::default()
///     },
///     ..Chart::default()
/// };
/// assert_eq!(missing_dependencies(&chart), ["db"]);
/// ```
pub fn missing_dependencies(chart: &Chart) -> Vec<String> {
    chart
        .metadata
        .dependencies
        .iter()
        .filter(|req| {
            !chart
                .dependencies
                .iter()
                .any(|d| d.metadata.name == req.name)
        })
        .map(|req| req.name.clone())
        .collect()
}

fn too_deep() -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!("charts are nested deeper than {MAX_VALUE_DEPTH} levels"),
    )
}

/// Go's `processDependencyEnabled`.
///
/// `quiet` says the caller proved (see [`values_unobservable`]) that no
/// chart below reads the coalesced values: they are then not computed.
fn process_enabled(
    chart: &mut Chart,
    values: &Value,
    path: &str,
    warnings: &mut Vec<String>,
    depth: usize,
    quiet: bool,
) -> Result<()> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    // Go checks `Metadata.Dependencies == nil`; an empty list in Chart.yaml
    // is indistinguishable here and behaves the same (nothing to process).
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut chart.dependencies);
    let matches = |c: &Chart, req: &Dependency| {
        c.metadata.name == req.name && is_compatible_range(&req.version, &c.metadata.version)
    };
    // Charts in charts/ that no entry claims are kept first, in their order;
    // then, per entry, a copy of the first chart it names, renamed to its
    // alias (Go's getAliasDependency). Charts are moved where one use is
    // all there is: copying whole subtrees at every level of a deep tree
    // was quadratic.
    let reqs = &chart.metadata.dependencies;
    let claimed: Vec<bool> = existing
        .iter()
        .map(|c| reqs.iter().any(|req| matches(c, req)))
        .collect();
    let picks: Vec<Option<usize>> = reqs
        .iter()
        .map(|req| existing.iter().position(|c| matches(c, req)))
        .collect();
    let mut uses = vec![0usize; existing.len()];
    for &i in picks.iter().flatten() {
        uses[i] += 1;
    }
    let mut slots: Vec<Option<Chart>> = existing.into_iter().map(Some).collect();
    let mut charts: Vec<Chart> = Vec::with_capacity(slots.len());
    for (slot, claimed) in slots.iter_mut().zip(&claimed) {
        if !claimed {
            charts.extend(slot.take());
        }
    }
    for (req, pick) in chart.metadata.dependencies.iter_mut().zip(picks) {
        if let Some(i) = pick {
            uses[i] -= 1;
            let copy = if uses[i] == 0 {
                slots[i].take()
            } else {
                slots[i].clone()
            };
            if let Some(mut c) = copy {
                if !req.alias.is_empty() {
                    c.metadata.name = req.alias.clone();
                }
                charts.push(c);
            }
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }

    for req in &mut chart.metadata.dependencies {
        req.enabled = true;
    }
    chart.dependencies = charts;
    let quiet = quiet || values_unobservable(chart, values);
    let cvals = if quiet {
        Value::Nil
    } else {
        let cvals = coalesce_values_shared(chart, values, warnings)?;
        process_tags(&mut chart.metadata.dependencies, &cvals, warnings);
        process_conditions(&mut chart.metadata.dependencies, &cvals, path, warnings);
        cvals
    };

    let disabled: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    chart
        .dependencies
        .retain(|c| !disabled.contains(&c.metadata.name));
    chart
        .metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));

    for sub in &mut chart.dependencies {
        let subpath = format!("{path}{}.", sub.metadata.name);
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            process_enabled(sub, &cvals, &subpath, warnings, depth + 1, quiet)
        })?;
    }
    Ok(())
}

/// Whether the values Go coalesces at `chart` (and, level by level, below
/// it) can be skipped without any observable difference: no dependency
/// entry in the subtree has a condition or tags (so nothing reads them),
/// and coalescing cannot fail (its only error, `type mismatch on <dep>`,
/// needs a non-table under a subchart's name, either in `values` or in a
/// chart's defaults). Go computes them anyway; on a deep tree that is most
/// of the work of dependency processing.
fn values_unobservable(chart: &Chart, values: &Value) -> bool {
    let mut charts = vec![chart];
    let mut names: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(&c) = charts.get(i) {
        i += 1;
        for req in &c.metadata.dependencies {
            if !req.condition.trim().is_empty() || !req.tags.is_empty() {
                return false;
            }
            names.push(&req.name);
            names.push(&req.alias);
        }
        for sub in &c.dependencies {
            names.push(&sub.metadata.name);
            charts.push(sub);
        }
    }
    names.iter().filter(|n| !n.is_empty()).all(|name| {
        values.get(name).is_none_or(|v| is_table(&v))
            && charts
                .iter()
                .all(|c| c.values.get(name).is_none_or(|v| is_table(&v)))
    })
}

/// Go's `processDependencyTags`.
fn process_tags(reqs: &mut [Dependency], cvals: &Value, warnings: &mut Vec<String>) {
    let Some(tags) = table_at(cvals, "tags") else {
        return;
    };
    for req in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &req.tags {
            match tags.get(tag) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => warnings.push(format!(
                    "returned non-bool value tag={tag} chart={}",
                    req.name
                )),
                None => {}
            }
        }
        if !has_true && has_false {
            req.enabled = false;
        } else if has_true || !has_false {
            req.enabled = true;
        }
    }
}

/// Go's `processDependencyConditions`. Go splits the trimmed condition on
/// commas without trimming the parts, so `a.x, b.y` looks up ` b.y`.
fn process_conditions(
    reqs: &mut [Dependency],
    cvals: &Value,
    path: &str,
    warnings: &mut Vec<String>,
) {
    for req in reqs {
        let condition = req.condition.trim().to_owned();
        for c in condition.split(',') {
            if c.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{path}{c}")) {
                Some(Value::Bool(b)) => {
                    req.enabled = b;
                    break;
                }
                Some(_) => warnings.push(format!(
                    "returned non-bool value path={c} chart={}",
                    req.name
                )),
                None => {}
            }
        }
    }
}

/// Go's `Values.PathValue`: the non-table value at a dotted path.
fn path_value(values: &Value, path: &str) -> Option<Value> {
    let (table_path, key) = match path.rsplit_once('.') {
        Some((t, k)) => (Some(t), k),
        None => (None, path),
    };
    let table = match table_path {
        None => values.as_map()?.clone(),
        Some(t) => table_at(values, t)?,
    };
    let v = table.get(key)?;
    (!is_table(&v)).then_some(v)
}

/// Go's `Values.Table`: the table at a dotted path (every step a table).
pub(crate) fn table_at(values: &Value, path: &str) -> Option<Map> {
    let mut cur = match values {
        Value::Map(m) if m.elem() == ElemType::Interface => m.clone(),
        _ => return None,
    };
    for part in path.split('.') {
        match cur.get(part) {
            Some(Value::Map(m)) if m.elem() == ElemType::Interface => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

/// Go's `pathToMap`: `data` nested under the dotted `path` (`.` is the root).
fn path_to_map(path: &str, data: Map) -> Value {
    if path == "." {
        return Value::Map(data);
    }
    let mut cur = Value::Map(data);
    for part in path.split('.').rev() {
        let m = Map::new();
        m.insert(part, cur);
        cur = Value::Map(m);
    }
    cur
}

/// Go's `processDependencyImportValues`: children first.
fn process_import_values(
    chart: &mut Chart,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep());
    }
    for sub in &mut chart.dependencies {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            process_import_values(sub, warnings, depth + 1)
        })?;
    }
    import_values(chart, warnings)
}

/// Go's `processImportValues` in merge mode (the only mode Helm 4's
/// `ProcessDependencies` uses).
fn import_values(chart: &mut Chart, warnings: &mut Vec<String>) -> Result<()> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(chart, &Value::Nil)?;
    let mut b = Value::Map(Map::new());
    for req in &mut chart.metadata.dependencies {
        let mut out = Vec::new();
        for iv in &req.import_values {
            let (child, parent) = match iv {
                Value::Map(m) if m.elem() == ElemType::Interface => {
                    // Go formats both with %v: a missing key prints <nil>.
                    let field = |k: &str| match m.get(k) {
                        Some(v) => crate::template::fmt::sprintf("%v", &[v]),
                        None => "<nil>".to_owned(),
                    };
                    (field("child"), field("parent"))
                }
                Value::String(s) => (format!("exports.{s}"), ".".to_owned()),
                _ => continue,
            };
            let entry = Map::typed(ElemType::String, Entries::new());
            entry.insert("child", Value::from(child.as_str()));
            entry.insert("parent", Value::from(parent.as_str()));
            out.push(Value::Map(entry));
            match table_at(&cvals, &format!("{}.{child}", req.name)) {
                Some(table) => {
                    let imported = if iv.as_str().is_some() {
                        Value::Map(table)
                    } else {
                        path_to_map(&parent, table)
                    };
                    b = merge_tables(&b, &imported, warnings)?;
                }
                None => warnings.push(format!(
                    "ImportValues missing table from chart {}: {child}",
                    req.name
                )),
            }
        }
        req.import_values = out;
    }
    // Go deep-copies cvals because imported tables in b may share maps
    // with it; with nothing imported there is nothing to share.
    let empty = b.as_map().is_some_and(|m| m.is_empty());
    chart.values = if empty {
        cvals
    } else {
        merge_tables(&cvals.deep_copy(), &b, warnings)?
    };
    Ok(())
}
