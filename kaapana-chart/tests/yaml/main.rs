//! YAML and JSON against Helm's own answers.
//!
//! The goldens under `fixtures/yaml/` come from real Helm through
//! `fixtures/tools/gen-yaml-goldens` (see that script for the layout):
//!
//! * `parse/<case>.yaml` + `<case>.json`: `values_from_yaml` must give what
//!   Helm's chart loader gives (`load`; the `read` half, `fromYaml`, is
//!   checked by the unit tests in `src/value/yaml`). Values are compared structurally;
//!   every number we produce must be a `float64` (`Value::Float`), whatever
//!   the golden's JSON spelling (`3` or `3.0`).
//! * `emit/<case>.yaml` + `<case>.<func>.out`: `fromYaml` of the case, then
//!   `toYaml` / `toJson` / `toPrettyJson` / `toRawJson`, byte for byte as
//!   Helm renders `{{ <func> (fromYaml …) }}`.
//!
//! All mismatches are collected and reported together.

use std::fs;
use std::path::{Path, PathBuf};

use kaapana_chart::{from_json, to_json, to_yaml, values_from_yaml, JsonStyle, Map, Value};

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
        .join("yaml")
        .join(sub)
}

fn cases(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((name, src));
    }
    out.sort();
    out
}

/// Structural equality with a golden JSON value; `Err` describes the first
/// difference.
fn same(v: &Value, g: &serde_json::Value, path: &str) -> Result<(), String> {
    use serde_json::Value as J;
    match (v, g) {
        (Value::Nil, J::Null) => Ok(()),
        (Value::Bool(a), J::Bool(b)) if a == b => Ok(()),
        (Value::Float(a), J::Number(n)) => {
            let b = n
                .as_f64()
                .ok_or_else(|| format!("{path}: golden number {n}"))?;
            if *a == b {
                Ok(())
            } else {
                Err(format!("{path}: got {a:?}, Helm has {n}"))
            }
        }
        (Value::String(a), J::String(b)) if **a == **b => Ok(()),
        (Value::List(a), J::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("{path}: {} items, Helm has {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.items().iter().zip(b).enumerate() {
                same(x, y, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Map(a), J::Object(b)) => {
            let keys: Vec<String> = a.keys().iter().map(|k| k.to_string()).collect();
            let gkeys: Vec<String> = b.keys().cloned().collect();
            let mut sorted_g = gkeys.clone();
            sorted_g.sort();
            if keys != sorted_g {
                return Err(format!("{path}: keys {keys:?}, Helm has {sorted_g:?}"));
            }
            for (k, gv) in b {
                let v = a.get(k).ok_or_else(|| format!("{path}.{k}: missing"))?;
                same(&v, gv, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        _ => Err(format!("{path}: got {v:?}, Helm has {g}")),
    }
}

/// Parses a golden file into a `serde_json::Value`, with every number read
/// by Rust's correctly rounded float parser. (serde_json's default float
/// parsing may be one ulp off for long mantissas, e.g.
/// `1.2345678901234568e+39`, and the golden text is Go's exact output.)
fn parse_golden(text: &str) -> serde_json::Value {
    fn ws(b: &[u8], i: &mut usize) {
        while b.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    }
    fn value(src: &str, i: &mut usize) -> serde_json::Value {
        let b = src.as_bytes();
        ws(b, i);
        match b[*i] {
            b'{' => {
                *i += 1;
                let mut m = serde_json::Map::new();
                loop {
                    ws(b, i);
                    if b[*i] == b'}' {
                        *i += 1;
                        break;
                    }
                    let serde_json::Value::String(k) = value(src, i) else {
                        panic!("golden: key")
                    };
                    ws(b, i);
                    assert_eq!(b[*i], b':');
                    *i += 1;
                    let v = value(src, i);
                    m.insert(k, v);
                    ws(b, i);
                    if b[*i] == b',' {
                        *i += 1;
                    }
                }
                serde_json::Value::Object(m)
            }
            b'[' => {
                *i += 1;
                let mut a = Vec::new();
                loop {
                    ws(b, i);
                    if b[*i] == b']' {
                        *i += 1;
                        break;
                    }
                    a.push(value(src, i));
                    ws(b, i);
                    if b[*i] == b',' {
                        *i += 1;
                    }
                }
                serde_json::Value::Array(a)
            }
            b'"' => {
                // Let serde_json unescape the string literal.
                let start = *i;
                *i += 1;
                while b[*i] != b'"' {
                    *i += if b[*i] == b'\\' { 2 } else { 1 };
                }
                *i += 1;
                serde_json::from_str(&src[start..*i]).expect("golden string")
            }
            b't' => {
                *i += 4;
                serde_json::Value::Bool(true)
            }
            b'f' => {
                *i += 5;
                serde_json::Value::Bool(false)
            }
            b'n' => {
                *i += 4;
                serde_json::Value::Null
            }
            _ => {
                let start = *i;
                while b.get(*i).is_some_and(|c| b"+-.eE0123456789".contains(c)) {
                    *i += 1;
                }
                let f: f64 = src[start..*i].parse().expect("golden number");
                serde_json::Value::Number(serde_json::Number::from_f64(f).expect("finite"))
            }
        }
    }
    let mut i = 0;
    value(text, &mut i)
}

fn check_parse(
    what: &str,
    got: Result<Value, kaapana_chart::Error>,
    golden: &serde_json::Value,
) -> Result<(), String> {
    match (got, golden.get("values"), golden.get("error")) {
        (Ok(v), Some(g), _) => same(&v, g, "$").map_err(|e| format!("{what}: {e}")),
        (Err(e), _, Some(g)) => {
            let want = g.as_str().unwrap_or_default();
            if e.message() == want {
                Ok(())
            } else {
                Err(format!(
                    "{what}: error\n    got:  {}\n    Helm: {want}",
                    e.message()
                ))
            }
        }
        (Ok(v), None, Some(g)) => Err(format!("{what}: got {v:?}, Helm fails with {g}")),
        (Err(e), Some(g), _) => Err(format!("{what}: failed with {e:?}, Helm has {g}")),
        (_, None, None) => Err(format!("{what}: malformed golden")),
    }
}

/// `fromYaml` through the public API. The emit fixtures are single
/// documents with `\n` line ends, for which Helm's `fromYaml` and its values
/// loader agree except for the loader's error prefix. (The `read` goldens,
/// `fromYaml` proper, are checked by the unit tests in `src/value/yaml`.)
fn from_yaml(src: &str) -> Result<Value, String> {
    values_from_yaml(src).map_err(|e| {
        let m = e.message();
        m.strip_prefix("cannot unmarshal yaml document: ")
            .unwrap_or(m)
            .to_owned()
    })
}

#[test]
fn parse_fixtures_match_helm() {
    let dir = fixtures("parse");
    let mut failures = Vec::new();
    let mut n = 0;
    for (name, src) in cases(&dir) {
        n += 1;
        let golden_path = dir.join(format!("{name}.json"));
        let golden: serde_json::Value = match fs::read_to_string(&golden_path) {
            Ok(t) => parse_golden(&t),
            Err(_) => {
                failures.push(format!(
                    "{name}: no golden (run fixtures/tools/gen-yaml-goldens)"
                ));
                continue;
            }
        };
        if let Err(e) = check_parse(&name, values_from_yaml(&src), &golden["load"]) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} parse fixtures differ from Helm:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 80, "only {n} parse fixtures");
}

const FUNCS: [&str; 4] = ["toYaml", "toJson", "toPrettyJson", "toRawJson"];

fn render(func: &str, v: &Value) -> String {
    match func {
        // Helm's toYaml trims one trailing newline and swallows errors.
        "toYaml" => match to_yaml(v) {
            Ok(s) => s.strip_suffix('\n').map(str::to_owned).unwrap_or(s),
            Err(_) => String::new(),
        },
        "toJson" => to_json(v, JsonStyle::Compact).unwrap_or_default(),
        "toPrettyJson" => to_json(v, JsonStyle::Pretty).unwrap_or_default(),
        _ => to_json(v, JsonStyle::Raw).unwrap_or_default(),
    }
}

#[test]
fn emit_fixtures_match_helm() {
    let dir = fixtures("emit");
    let mut failures = Vec::new();
    let mut n = 0;
    for (name, src) in cases(&dir) {
        n += 1;
        let v = match from_yaml(&src) {
            Ok(v) => v,
            Err(e) => {
                // Helm's fromYaml reports errors in the map.
                let m = Map::new();
                m.insert("Error", Value::from(e));
                Value::Map(m)
            }
        };
        for func in FUNCS {
            let path = dir.join(format!("{name}.{func}.out"));
            let Ok(want) = fs::read_to_string(&path) else {
                failures.push(format!("{name}: no {func} golden"));
                continue;
            };
            let got = render(func, &v);
            if got != want {
                failures.push(format!(
                    "{name} {func}:\n--- got\n{got}\n--- Helm\n{want}\n---"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} emit mismatches in {n} fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 80, "only {n} emit fixtures");
}

/// toJson output is valid JSON that reads back to the same value.
#[test]
fn json_round_trip_of_fixtures() {
    let dir = fixtures("emit");
    for (name, src) in cases(&dir) {
        let Ok(v) = from_yaml(&src) else { continue };
        let text = to_json(&v, JsonStyle::Compact).expect("toJson");
        let back = from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, v, "{name}");
    }
}
