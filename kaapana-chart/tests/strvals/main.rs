//! `--set` parsing against Helm: every case of `fixtures/strvals/cases.json`
//! (expectations produced by Helm v4.2.3 itself, see
//! `fixtures/tools/gen-strvals-goldens`), plus the limits we add where Helm
//! has none, each on a small stack.

#[path = "../common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kaapana_chart::chart::strvals::{
    self, parse_set, parse_set_file, parse_set_json, parse_set_literal, parse_set_string,
    MAX_SET_LIST_SLOTS, MAX_SET_NESTING,
};
use kaapana_chart::{Error, ErrorKind, Value};
use serde_json::Value as Json;

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/strvals/cases.json")
}

/// How numbers must come out: `--set` makes Go int64, `--set-json` float64.
#[derive(Clone, Copy, PartialEq)]
enum Numbers {
    Int64,
    Float64,
}

/// Compares our value with Helm's JSON, Go types included.
fn compare(v: &Value, j: &Json, numbers: Numbers, path: &str) -> Result<(), String> {
    let mismatch = || Err(format!("at {path}: got {v:?}, Helm has {j}"));
    match (j, v) {
        (Json::Null, Value::Nil) => Ok(()),
        (Json::Bool(a), Value::Bool(b)) if a == b => Ok(()),
        (Json::String(a), Value::String(b)) if a.as_str() == &**b => Ok(()),
        (Json::Number(n), Value::Int64(i)) if numbers == Numbers::Int64 => {
            if n.as_i64() == Some(*i) {
                Ok(())
            } else {
                mismatch()
            }
        }
        (Json::Number(n), Value::Float(f)) if numbers == Numbers::Float64 => {
            let want = n.as_f64().unwrap_or(f64::NAN);
            if want == *f && want.is_sign_negative() == f.is_sign_negative() {
                Ok(())
            } else {
                mismatch()
            }
        }
        (Json::Array(items), Value::List(l)) => {
            if l.elem().go_name() != "interface {}" || items.len() != l.len() {
                return mismatch();
            }
            for (n, (a, b)) in items.iter().zip(l.items()).enumerate() {
                compare(b, a, numbers, &format!("{path}[{n}]"))?;
            }
            Ok(())
        }
        (Json::Object(obj), Value::Map(m)) => {
            if v.go_type() != "map[string]interface {}" {
                return mismatch();
            }
            let ours = m.entries();
            let keys: Vec<&str> = ours.iter().map(|(k, _)| &**k).collect();
            let theirs: Vec<&str> = {
                let mut k: Vec<&str> = obj.keys().map(String::as_str).collect();
                k.sort_unstable();
                k
            };
            if keys != theirs {
                return Err(format!("at {path}: keys {keys:?}, Helm has {theirs:?}"));
            }
            for (k, item) in &ours {
                compare(item, &obj[&**k], numbers, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        _ => mismatch(),
    }
}

fn run_case(case: &Json) -> Result<(), String> {
    let function = case["function"].as_str().unwrap_or_default();
    let expr = case["expr"].as_str().unwrap_or_default();
    let files: BTreeMap<String, String> = case
        .get("files")
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    // Helm's CLI reads the file; a missing one fails with Go's os error.
    let read = |path: &str| -> kaapana_chart::Result<Value> {
        files
            .get(path)
            .map(|s| Value::from(s.as_str()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Io,
                    format!("open {path}: no such file or directory"),
                )
            })
    };
    let base = Value::empty_map();
    let result = match function {
        "set" => parse_set(expr, &base),
        "set_string" => parse_set_string(expr, &base),
        "set_json" => parse_set_json(expr, &base),
        "set_literal" => parse_set_literal(expr, &base),
        "set_file" => parse_set_file(expr, &base, &read),
        other => return Err(format!("unknown function {other}")),
    };
    let numbers = if function == "set_json" {
        Numbers::Float64
    } else {
        Numbers::Int64
    };
    match (result, case.get("error").and_then(Json::as_str)) {
        (Ok(()), None) => compare(&base, &case["expected"], numbers, "$"),
        (Ok(()), Some(want)) => Err(format!("parsed to {base:?}, Helm fails: {want}")),
        (Err(e), Some(want)) if e.to_string() == want => Ok(()),
        (Err(e), Some(want)) => Err(format!("error {e:?}\n   Helm says: {want}")),
        (Err(e), None) => Err(format!("error {e:?}, Helm parses to {}", case["expected"])),
    }
}

#[test]
fn helm_cases() {
    let text = std::fs::read_to_string(fixture_path()).expect("read cases.json");
    let cases: Vec<Json> = serde_json::from_str(&text).expect("cases.json is JSON");
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = run_case(case) {
            failures.push(format!(
                "{} {:?}: {why}",
                case["name"].as_str().unwrap_or("?"),
                case["expr"]
                    .as_str()
                    .unwrap_or("?")
                    .chars()
                    .take(80)
                    .collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Runs `f` on a 2 MiB stack, failing on panic, stack overflow or slowness.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    common::on_small_stack_within(Duration::from_secs(10), f)
}

fn set(expr: String) -> kaapana_chart::Result<Value> {
    let v = Value::empty_map();
    parse_set(&expr, &v).map(|()| v)
}

#[test]
fn hundred_thousand_nested_indexes() {
    let err = on_small_stack(|| set(format!("a{}=1", "[0]".repeat(100_000))).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn hundred_thousand_nested_names_after_indexes() {
    // Helm counts only dots that follow a name; `[0].` chains are ours to bound.
    let err = on_small_stack(|| set(format!("{}b=1", "a[0].".repeat(100_000))).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn nesting_limit_on_both_sides() {
    // Each `[0]` is one container level below the top-level map.
    let at = format!("a{}=1", "[0]".repeat(MAX_SET_NESTING - 1));
    let v = on_small_stack(move || set(at));
    assert!(v.is_ok(), "{v:?}");
    let over = format!("a{}=1", "[0]".repeat(MAX_SET_NESTING));
    let err = on_small_stack(move || set(over).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    assert_eq!(
        err.to_string(),
        format!("value nesting is deeper than the maximum supported depth of {MAX_SET_NESTING}")
    );
}

#[test]
fn huge_index_chains_do_not_allocate() {
    let err = on_small_stack(|| set(format!("a{}=1", "[65536]".repeat(1_000))).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    let err = on_small_stack(|| set(format!("a{}=1", "[65536]".repeat(20))).unwrap_err());
    assert_eq!(
        err.to_string(),
        format!("list indexes would create more than {MAX_SET_LIST_SLOTS} list elements")
    );
}

#[test]
fn list_slot_budget_on_both_sides() {
    // 15 lists of 65,537 elements stay under 1,000,000 slots; 16 do not.
    let exprs = |n: usize| -> String {
        (0..n)
            .map(|i| format!("k{i}[65536]=x"))
            .collect::<Vec<_>>()
            .join(",")
    };
    const _: () = assert!(15 * 65_537 <= MAX_SET_LIST_SLOTS && 16 * 65_537 > MAX_SET_LIST_SLOTS);
    let under = exprs(15);
    assert!(on_small_stack(move || set(under)).is_ok());
    let over = exprs(16);
    let err = on_small_stack(move || set(over).unwrap_err());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn helm_index_limit_on_both_sides() {
    let v = set(format!("a[{}]=x", strvals::MAX_INDEX)).unwrap();
    assert_eq!(
        v.get("a").unwrap().as_list().unwrap().len(),
        strvals::MAX_INDEX + 1
    );
    let err = set(format!("a[{}]=x", strvals::MAX_INDEX + 1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "index of 65537 is greater than maximum supported index of 65536"
    );
}

#[test]
fn long_expressions_are_linear() {
    let expr: String = (0..200_000)
        .map(|i| format!("k{i}.a[0]=v{i},k{i}.b=x"))
        .collect::<Vec<_>>()
        .join(",");
    let start = Instant::now();
    let v = set(expr).unwrap();
    assert_eq!(v.as_map().unwrap().len(), 200_000);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn parse_into_merges_with_a_base_from_values_files() {
    // The base as a values file gives it: floats, nested maps and lists.
    let base = Value::from_iter([
        (
            "image",
            Value::from_iter([("tag", Value::from("1.0")), ("pull", "Always".into())]),
        ),
        (
            "ports",
            Value::list(vec![Value::Float(80.0), Value::Float(443.0)]),
        ),
        ("replicas", Value::Float(1.0)),
    ]);
    parse_set("image.tag=2.0,ports[1]=8443,replicas=3", &base).unwrap();
    parse_set_string("extra=007", &base).unwrap();
    parse_set_literal("cmd=a,b", &base).unwrap();
    assert_eq!(
        base,
        Value::from_iter([
            (
                "image",
                Value::from_iter([("tag", Value::from("2.0")), ("pull", "Always".into())]),
            ),
            (
                "ports",
                Value::list(vec![Value::Float(80.0), Value::Int64(8443)]),
            ),
            ("replicas", Value::Int64(3)),
            ("extra", Value::from("007")),
            ("cmd", Value::from("a,b")),
        ])
    );
    // A scalar of the base cannot become a map.
    let err = parse_set("replicas.x=1", &base).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
    );
    let err = parse_set("image[0]=1", &base).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}"
    );
}

#[test]
fn set_json_reads_deep_documents_like_go() {
    // Go's decoder allows 10,000 levels and rejects the 10,001st.
    let ok = format!("a={}{}", "[".repeat(10_000), "]".repeat(10_000));
    let v = on_small_stack(move || {
        let v = Value::empty_map();
        parse_set_json(&ok, &v).map(|()| v.get("a").is_some())
    });
    assert_eq!(v.ok(), Some(true));
}
