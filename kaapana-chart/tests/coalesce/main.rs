//! Values coalescing against Helm: every case under `fixtures/coalesce/`
//! (goldens produced by Helm v4.2.3, see `fixtures/tools/gen-coalesce-goldens`),
//! plus depth and size limits on a small stack.
//!
//! The goldens hold the chart tree and the user files as Helm read them, so
//! this test exercises coalescing alone, independent of the YAML reader and
//! the chart loader.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kaapana_chart::chart::coalesce::{
    coalesce_values, coalesce_values_with_warnings, merge_user_values, merge_values,
};
use kaapana_chart::chart::strvals::parse_set;
use kaapana_chart::chart::{Chart, Metadata};
use kaapana_chart::limits::MAX_VALUE_DEPTH;
use kaapana_chart::{values_from_yaml, ErrorKind, Value};
use serde_json::Value as Json;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/coalesce")
}

/// JSON as Helm's values: every number a float64.
fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::list(items.iter().map(to_value).collect()),
        Json::Object(o) => Value::from_iter(o.iter().map(|(k, v)| (k.as_str(), to_value(v)))),
    }
}

fn to_chart(j: &Json) -> Chart {
    Chart {
        metadata: Metadata {
            name: j["name"].as_str().unwrap_or_default().to_owned(),
            api_version: "v2".to_owned(),
            ..Metadata::default()
        },
        values: to_value(&j["values"]),
        dependencies: j["dependencies"]
            .as_array()
            .map(|deps| deps.iter().map(to_chart).collect())
            .unwrap_or_default(),
        ..Chart::default()
    }
}

/// Compares our values with Helm's JSON; numbers by value (user values are
/// float64, `--set` numbers int64, both print the same in Helm's JSON).
fn compare(v: &Value, j: &Json, path: &str) -> Result<(), String> {
    let mismatch = || Err(format!("at {path}: got {v:?}, Helm has {j}"));
    match (j, v) {
        (Json::Null, Value::Nil) => Ok(()),
        (Json::Bool(a), Value::Bool(b)) if a == b => Ok(()),
        (Json::String(a), Value::String(b)) if a.as_str() == &**b => Ok(()),
        (Json::Number(n), Value::Float(f)) if n.as_f64() == Some(*f) => Ok(()),
        (Json::Number(n), Value::Int64(i)) if n.as_f64() == Some(*i as f64) => Ok(()),
        (Json::Array(items), Value::List(l)) if items.len() == l.len() => {
            for (n, (a, b)) in items.iter().zip(l.items()).enumerate() {
                compare(b, a, &format!("{path}[{n}]"))?;
            }
            Ok(())
        }
        (Json::Object(obj), Value::Map(m)) => {
            let ours = m.entries();
            let keys: Vec<&str> = ours.iter().map(|(k, _)| &**k).collect();
            let mut theirs: Vec<&str> = obj.keys().map(String::as_str).collect();
            theirs.sort_unstable();
            if keys != theirs {
                return Err(format!("at {path}: keys {keys:?}, Helm has {theirs:?}"));
            }
            for (k, item) in &ours {
                compare(item, &obj[&**k], &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        _ => mismatch(),
    }
}

fn chart_values(c: &Chart, out: &mut Vec<Value>) {
    out.push(c.values.deep_copy());
    for d in &c.dependencies {
        chart_values(d, out);
    }
}

fn run_case(dir: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(dir.join("expected.json")).map_err(|e| e.to_string())?;
    let golden: Json = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let chart = to_chart(&golden["chart"]);
    let layers: Vec<Value> = golden["user"]
        .as_array()
        .map(|l| l.iter().map(to_value).collect())
        .unwrap_or_default();
    let mut user = merge_user_values(&layers).map_err(|e| e.to_string())?;
    // The oracle parses each --set on its own and merges it on top.
    for set in golden["set"].as_array().into_iter().flatten() {
        let m = Value::empty_map();
        parse_set(set.as_str().unwrap_or_default(), &m).map_err(|e| e.to_string())?;
        user = merge_user_values(&[user, m]).map_err(|e| e.to_string())?;
    }
    let mut before = Vec::new();
    chart_values(&chart, &mut before);
    let user_before = user.deep_copy();

    let mut warnings = Vec::new();
    let result = coalesce_values_with_warnings(&chart, &user, &mut warnings);

    let mut after = Vec::new();
    chart_values(&chart, &mut after);
    if before != after {
        return Err("the chart's default values were changed".to_owned());
    }
    if user != user_before {
        return Err("the user values were changed".to_owned());
    }
    match (result, golden.get("error").and_then(Json::as_str)) {
        (Ok(v), None) => compare(&v, &golden["values"], "$")?,
        (Ok(v), Some(want)) => return Err(format!("coalesced to {v:?}, Helm fails: {want}")),
        (Err(e), Some(want)) if e.to_string() == want => {}
        (Err(e), Some(want)) => return Err(format!("error {e:?}\n   Helm says: {want}")),
        (Err(e), None) => return Err(format!("error {e:?}")),
    }
    warnings.sort();
    let want: Vec<&str> = golden["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    if warnings != want {
        return Err(format!("warnings {warnings:#?}\n   Helm logs {want:#?}"));
    }
    Ok(())
}

#[test]
fn helm_cases() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("fixtures/coalesce")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 40, "only {} cases", dirs.len());
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            run_case(d).err().map(|why| {
                format!(
                    "{}: {why}",
                    d.file_name().unwrap_or_default().to_string_lossy()
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Helm:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

/// The fixtures' YAML files, read by this crate, give what Helm read: the
/// coalesce fixtures can then also serve end-to-end tests from the YAML
/// sources (this checks the crate's values reader, not coalescing).
#[test]
fn fixture_yaml_reads_as_helm_reads_it() {
    fn check_chart(dir: &Path, golden: &Json, failures: &mut Vec<String>) {
        let path = dir.join("values.yaml");
        if let Ok(src) = std::fs::read_to_string(&path) {
            match values_from_yaml(&src) {
                Ok(v) => {
                    if let Err(why) = compare(&v, &golden["values"], "$") {
                        failures.push(format!("{}: {why}", path.display()));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
        for dep in golden["dependencies"].as_array().into_iter().flatten() {
            let name = dep["name"].as_str().unwrap_or_default();
            check_chart(&dir.join("charts").join(name), dep, failures);
        }
    }
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(cases_dir())
        .expect("fixtures/coalesce")
        .flatten()
    {
        let dir = entry.path();
        let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
            continue;
        };
        let golden: Json = serde_json::from_str(&text).expect("expected.json is JSON");
        check_chart(&dir.join("chart"), &golden["chart"], &mut failures);
        for (n, user) in golden["user"].as_array().into_iter().flatten().enumerate() {
            let path = dir.join(format!("values-{}.yaml", n + 1));
            let src = std::fs::read_to_string(&path).unwrap_or_default();
            match values_from_yaml(&src) {
                Ok(v) => {
                    if let Err(why) = compare(&v, user, "$") {
                        failures.push(format!("{}: {why}", path.display()));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "values_from_yaml differs from Helm's reading:\n{}",
        failures.join("\n")
    );
}

/// Runs `f` on a 2 MiB stack, failing on panic, stack overflow or slowness.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    common::on_small_stack_within(Duration::from_secs(20), f)
}

/// `{"a": {"a": … {"leaf": leaf}}}`, `depth` maps deep.
fn nested(depth: usize, leaf: Value) -> Value {
    let mut v = Value::from_iter([("leaf", leaf)]);
    for _ in 1..depth {
        v = Value::from_iter([("a", v)]);
    }
    v
}

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

#[test]
fn deep_values_coalesce_on_a_small_stack() {
    let depth = MAX_VALUE_DEPTH - 10;
    let out = on_small_stack(move || {
        let c = chart("c", nested(depth, Value::Float(1.0)), vec![]);
        let user = nested(depth, Value::Nil);
        coalesce_values(&c, &user).map(|v| v.get("a").is_some())
    });
    assert_eq!(out.ok(), Some(true));
}

#[test]
fn values_deeper_than_the_limit_are_an_error() {
    let err = on_small_stack(|| {
        let c = chart("c", Value::empty_map(), vec![]);
        coalesce_values(&c, &nested(MAX_VALUE_DEPTH + 10, Value::Nil)).map(|_| ())
    })
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    let err = on_small_stack(|| {
        merge_user_values(&[nested(MAX_VALUE_DEPTH + 10, Value::Nil)]).map(|_| ())
    })
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn deep_subchart_trees_on_a_small_stack() {
    let out = on_small_stack(|| {
        let mut c = chart("leaf", Value::from_iter([("x", Value::Float(1.0))]), vec![]);
        for i in 0..2_000 {
            c = chart(&format!("c{i}"), Value::empty_map(), vec![c]);
        }
        let global = Value::from_iter([("g", Value::from("v"))]);
        coalesce_values(&c, &Value::from_iter([("global", global)]))
            .map(|v| v.get("c1998").is_some())
    });
    assert_eq!(out.ok(), Some(true));
}

#[test]
fn ten_thousand_keys_coalesce_in_milliseconds() {
    let entries: Vec<(String, Value)> = (0..10_000)
        .map(|i| {
            (
                format!("key{i}"),
                Value::from_iter([
                    ("a", Value::Float(i as f64)),
                    ("list", Value::list(vec![Value::from("x"); 3])),
                ]),
            )
        })
        .collect();
    let sub = chart(
        "sub",
        Value::from_iter(entries.iter().take(1_000).cloned()),
        vec![],
    );
    let c = chart("big", Value::from_iter(entries.clone()), vec![sub]);
    let user = Value::from_iter(entries.iter().step_by(2).map(|(k, _)| {
        (
            k.clone(),
            Value::from_iter([("a", Value::Nil), ("b", Value::Bool(true))]),
        )
    }));
    // Warm up, then time the best of a few runs.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let v = coalesce_values(&c, &user).unwrap();
        best = best.min(start.elapsed());
        assert_eq!(v.as_map().map(|m| m.len()), Some(10_001));
    }
    // Release builds take a few milliseconds; debug builds are ~20x slower.
    let budget = if cfg!(debug_assertions) {
        Duration::from_millis(2_000)
    } else {
        Duration::from_millis(100)
    };
    assert!(best < budget, "{best:?}");
}

#[test]
fn merge_values_keeps_nulls_through_subcharts() {
    let sub = chart(
        "sub",
        Value::from_iter([("x", Value::Float(1.0)), ("n", Value::Nil)]),
        vec![],
    );
    let c = chart(
        "p",
        Value::from_iter([("k", Value::Float(1.0)), ("n", Value::Nil)]),
        vec![sub],
    );
    let user = Value::from_iter([
        ("k", Value::Nil),
        ("sub", Value::from_iter([("x", Value::Nil)])),
    ]);
    let merged = merge_values(&c, &user).unwrap();
    assert_eq!(merged.get("k"), Some(Value::Nil));
    assert_eq!(merged.get("n"), Some(Value::Nil));
    let sub = merged.get("sub").unwrap();
    assert_eq!(sub.get("x"), Some(Value::Nil));
    assert_eq!(sub.get("n"), Some(Value::Nil));
    // Coalescing the same input drops them.
    let coalesced = coalesce_values(&c, &user).unwrap();
    assert_eq!(coalesced.get("k"), None);
    assert_eq!(coalesced.get("sub").unwrap().get("x"), None);
}
