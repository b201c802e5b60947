//! Unit tests of the YAML module: `fromYaml` against Helm's goldens, and
//! every limit on both sides of its boundary, on small stacks and with a
//! time budget (hostile input must fail fast and cleanly).

use super::*;
use crate::limits::{MAX_VALUE_DEPTH, MAX_YAML_DEPTH, MAX_YAML_NODES};
use std::time::{Duration, Instant};

/// Runs `f` on a thread with a small stack, as a hostile-input check must.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

fn timed<T>(budget: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let r = f();
    let took = start.elapsed();
    assert!(took < budget, "took {took:?}, budget {budget:?}");
    r
}

fn kind(r: &Result<Value>) -> Option<ErrorKind> {
    r.as_ref().err().map(Error::kind)
}

// ---------------------------------------------------------------------------
// fromYaml (ReadValues) against the `read` half of the parse goldens.

/// Parses a golden file into a `serde_json::Value`, reading every number
/// with Rust's correctly rounded parser (serde_json's default float parser
/// may be an ulp off on long mantissas; the golden text is Go's exact
/// output).
fn golden_json(src: &str) -> serde_json::Value {
    fn ws(b: &[u8], i: &mut usize) {
        while b.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    }
    fn value(src: &str, i: &mut usize) -> serde_json::Value {
        let b = src.as_bytes();
        ws(b, i);
        match b[*i] {
            open @ (b'{' | b'[') => {
                *i += 1;
                let mut m = serde_json::Map::new();
                let mut a = Vec::new();
                loop {
                    ws(b, i);
                    if b[*i] == b'}' || b[*i] == b']' {
                        *i += 1;
                        break;
                    }
                    if open == b'{' {
                        let serde_json::Value::String(k) = value(src, i) else {
                            panic!("golden key");
                        };
                        ws(b, i);
                        *i += 1; // ':'
                        m.insert(k, value(src, i));
                    } else {
                        a.push(value(src, i));
                    }
                    ws(b, i);
                    if b[*i] == b',' {
                        *i += 1;
                    }
                }
                if open == b'{' {
                    serde_json::Value::Object(m)
                } else {
                    serde_json::Value::Array(a)
                }
            }
            b'"' => {
                let start = *i;
                *i += 1;
                while b[*i] != b'"' {
                    *i += if b[*i] == b'\\' { 2 } else { 1 };
                }
                *i += 1;
                serde_json::from_str(&src[start..*i]).expect("golden string")
            }
            b't' | b'f' | b'n' => {
                let word = [b"true".as_slice(), b"false", b"null"]
                    .into_iter()
                    .find(|w| b[*i..].starts_with(w))
                    .expect("golden literal");
                *i += word.len();
                serde_json::from_slice(word).expect("literal")
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
    value(src, &mut i)
}

fn same(v: &Value, g: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (v, g) {
        (Value::Nil, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Float(a), J::Number(n)) => Some(*a) == n.as_f64(),
        (Value::String(a), J::String(b)) => **a == **b,
        (Value::List(a), J::Array(b)) => {
            a.len() == b.len() && a.items().iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Map(a), J::Object(b)) => {
            a.len() == b.len()
                && b.iter()
                    .all(|(k, gv)| a.get(k).is_some_and(|v| same(&v, gv)))
        }
        _ => false,
    }
}

#[test]
fn from_yaml_matches_helm_read_values() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/yaml/parse");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no fixtures at {}", dir.display());
    };
    let mut failures = Vec::new();
    let mut n = 0;
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
            continue;
        }
        n += 1;
        let src = std::fs::read_to_string(&path).expect("fixture");
        let text = std::fs::read_to_string(path.with_extension("json")).expect("golden");
        let golden = golden_json(&text);
        let read = &golden["read"];
        let got = from_yaml_str(&src);
        let ok = match (&got, read.get("values"), read.get("error")) {
            (Ok(v), Some(g), _) => same(v, g),
            (Err(e), _, Some(g)) => {
                // ReadValues decodes into chartutil's named map type.
                let want = g
                    .as_str()
                    .unwrap_or_default()
                    .replace("common.Values", "map[string]interface {}");
                e.message() == want
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: got {got:?}, Helm {read}", path.display()));
        }
    }
    assert!(n >= 80);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn from_yaml_array() {
    // Expected values: Helm's fromYamlArray (via the oracle).
    let v = from_yaml_array_str("- 1\n- b\n").expect("list");
    assert_eq!(v, Value::list(vec![Value::Float(1.0), Value::from("b")]));
    let e = from_yaml_array_str("a: 1\n").expect_err("map");
    assert_eq!(
        e.message(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"
    );
    assert_eq!(
        from_yaml_array_str("")
            .expect("empty")
            .as_list()
            .map(List::len),
        Some(0)
    );
    assert_eq!(
        from_yaml_str("").expect("empty").as_map().map(Map::len),
        Some(0)
    );
}

// ---------------------------------------------------------------------------
// Depth.

fn nested_flow(depth: usize) -> String {
    format!("a: {}1{}\n", "[".repeat(depth - 1), "]".repeat(depth - 1))
}

fn nested_block(depth: usize) -> String {
    // A mapping whose value is `depth - 1` nested block sequences.
    let mut s = String::from("a:\n");
    for i in 0..depth - 1 {
        s.push_str(&" ".repeat(i * 2));
        s.push_str("-\n");
    }
    s.push_str(&" ".repeat((depth - 1) * 2));
    s.push_str("x\n");
    s
}

#[test]
fn depth_limit_flow() {
    let ok = on_small_stack(|| values_from_yaml(&nested_flow(MAX_YAML_DEPTH)));
    assert!(ok.is_ok(), "{ok:?}");
    let over = on_small_stack(|| values_from_yaml(&nested_flow(MAX_YAML_DEPTH + 1)));
    assert_eq!(kind(&over), Some(ErrorKind::LimitExceeded));
}

#[test]
fn depth_limit_block() {
    let ok = on_small_stack(|| values_from_yaml(&nested_block(MAX_YAML_DEPTH)));
    assert!(ok.is_ok(), "{ok:?}");
    let over = on_small_stack(|| values_from_yaml(&nested_block(MAX_YAML_DEPTH + 1)));
    assert_eq!(kind(&over), Some(ErrorKind::LimitExceeded));
}

#[test]
fn depth_limit_through_aliases() {
    // Each anchor wraps the previous one: 300 levels once expanded, although
    // no single node nests deeper than two.
    let mut src = String::from("a0: &a0 [x]\n");
    for i in 1..300 {
        src.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let r = on_small_stack(move || values_from_yaml(&src));
    assert_eq!(kind(&r), Some(ErrorKind::LimitExceeded));
}

#[test]
fn five_mib_of_brackets_fails_fast() {
    let src = "[".repeat(5 * 1024 * 1024);
    let r = timed(Duration::from_secs(2), || {
        on_small_stack(move || values_from_yaml(&src))
    });
    assert_eq!(kind(&r), Some(ErrorKind::LimitExceeded));
}

#[test]
fn thirty_thousand_block_entries_fail_fast() {
    let src = "- ".repeat(30_000);
    let r = timed(Duration::from_secs(2), || {
        on_small_stack(move || values_from_yaml(&src))
    });
    assert_eq!(kind(&r), Some(ErrorKind::LimitExceeded));
    // The same on separate, ever deeper lines.
    let mut src = String::new();
    for i in 0..30_000 {
        src.push_str(&" ".repeat(i % 64));
        src.push_str("- ");
    }
    let r = on_small_stack(move || values_from_yaml(&src));
    assert!(r.is_err());
}

// ---------------------------------------------------------------------------
// Nodes and aliases.

fn flat_list(n: usize) -> String {
    let mut s = String::with_capacity(n * 2 + 8);
    s.push_str("a: [");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('x');
    }
    s.push_str("]\n");
    s
}

#[test]
fn node_limit() {
    // go-yaml counts the document, the mapping, the key and the sequence:
    // four operations besides the items.
    let ok = values_from_yaml(&flat_list(MAX_YAML_NODES - 4));
    assert!(ok.is_ok(), "{:?}", kind(&ok));
    let over = values_from_yaml(&flat_list(MAX_YAML_NODES - 3));
    assert_eq!(kind(&over), Some(ErrorKind::LimitExceeded));
}

#[test]
fn node_limit_counts_expanded_aliases() {
    // 10,000 items aliased 85 times next to 200,000 plain items: about 1.06
    // million nodes once expanded, with 80% from aliases, which go-yaml's
    // alias-ratio guard still allows (83% at that size). Our node limit
    // stops it; 75 aliases (0.96 million) pass.
    let doc = |aliases: usize| {
        let mut src = flat_list(10_000).replacen("a: [", "a: &a [", 1);
        src.push_str("b: [");
        src.push_str(&"y,".repeat(200_000));
        src.push_str("y]\nc: [");
        src.push_str(&vec!["*a"; aliases].join(","));
        src.push_str("]\n");
        src
    };
    let r = timed(Duration::from_secs(30), || values_from_yaml(&doc(85)));
    assert_eq!(kind(&r), Some(ErrorKind::LimitExceeded));
    assert!(values_from_yaml(&doc(75)).is_ok());
}

#[test]
fn billion_laughs_fails_fast() {
    let mut src = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        src.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let r = timed(Duration::from_secs(2), || values_from_yaml(&src));
    // Helm's own message (fixtures/yaml/parse/excessive-aliasing).
    assert_eq!(
        r.expect_err("billion laughs").message(),
        "cannot unmarshal yaml document: error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
}

#[test]
fn wide_anchor_aliased_100k_times_fails_fast() {
    let mut src = String::from("a: &a [");
    src.push_str(&vec!["x"; 1000].join(","));
    src.push_str("]\nb: [");
    src.push_str(&vec!["*a"; 100_000].join(","));
    src.push_str("]\n");
    let r = timed(Duration::from_secs(3), || values_from_yaml(&src));
    assert!(r.is_err());
}

#[test]
fn moderate_aliasing_is_fine() {
    let src = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\nc: *a\n";
    let v = values_from_yaml(src).expect("aliases");
    assert_eq!(v.get("c").and_then(|c| c.as_list().map(List::len)), Some(3));
}

// ---------------------------------------------------------------------------
// Writing deep and cyclic values.

fn nested_value(depth: usize) -> Value {
    let mut v = Value::from("leaf");
    for i in 0..depth {
        v = if i % 2 == 0 {
            Value::list(vec![v])
        } else {
            Value::from_iter([("k", v)])
        };
    }
    v
}

#[test]
fn to_yaml_depth_limit() {
    let r = on_small_stack(|| to_yaml(&nested_value(MAX_VALUE_DEPTH)).map(|s| s.len()));
    assert!(r.is_ok(), "{r:?}");
    let r = on_small_stack(|| to_yaml(&nested_value(MAX_VALUE_DEPTH + 1)).map(|s| s.len()));
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::LimitExceeded));
}

#[test]
fn to_yaml_of_self_referencing_map_errors() {
    let m = Map::new();
    m.insert("self", Value::Map(m.clone()));
    let e = to_yaml(&Value::Map(m.clone())).expect_err("cycle");
    // Helm's mustToYaml message for the same map.
    assert_eq!(
        e.message(),
        "error marshaling into JSON: json: unsupported value: encountered a cycle via map[string]interface {}"
    );
    // Break the cycle so the map can be freed.
    m.remove("self");
}

#[test]
fn to_yaml_of_nan_errors() {
    let e = to_yaml(&Value::list(vec![Value::Float(f64::NAN)])).expect_err("NaN");
    assert_eq!(
        e.message(),
        "error marshaling into JSON: json: unsupported value: NaN"
    );
}

#[test]
fn to_yaml_of_go_scalars() {
    // `{{ toYaml (list 1 (int64 2) 1.5 nil true) }}` in Helm.
    let v = Value::list(vec![
        Value::Int(1),
        Value::Int64(2),
        Value::Float(1.5),
        Value::Nil,
        Value::Bool(true),
    ]);
    assert_eq!(
        to_yaml(&v).expect("yaml"),
        "- 1\n- 2\n- 1.5\n- null\n- true\n"
    );
    // `.Files.GetBytes` of "helloé world": base64, as encoding/json writes it.
    let b = Value::Bytes(std::sync::Arc::from(&b"hello\xc3\xa9 world"[..]));
    let m = Value::from_iter([("b", b)]);
    assert_eq!(to_yaml(&m).expect("yaml"), "b: aGVsbG/DqSB3b3JsZA==\n");
}

#[test]
fn values_from_yaml_is_fast_enough() {
    // A large, ordinary values file: 20,000 keys with nested maps.
    let mut src = String::new();
    for i in 0..20_000 {
        src.push_str(&format!(
            "key{i}:\n  image: repo/name:{i}\n  replicas: {i}\n  enabled: true\n"
        ));
    }
    let v = timed(Duration::from_secs(15), || {
        values_from_yaml(&src).expect("values")
    });
    assert_eq!(v.as_map().map(Map::len), Some(20_000));
    let out = timed(Duration::from_secs(15), || to_yaml(&v).expect("yaml"));
    assert!(out.len() > src.len() / 2);
}

#[test]
fn to_yaml_pretty_depth_limit() {
    let r = on_small_stack(|| to_yaml_pretty(&nested_value(MAX_VALUE_DEPTH)).map(|s| s.len()));
    assert!(r.is_ok(), "{r:?}");
    let r = on_small_stack(|| to_yaml_pretty(&nested_value(MAX_VALUE_DEPTH + 1)).map(|s| s.len()));
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::LimitExceeded));
}

#[test]
fn to_yaml_pretty_of_self_referencing_map_is_bounded() {
    // go-yaml v3 would recurse until Go's stack gives out; the depth bound
    // turns the cycle into an error instead.
    let m = Map::new();
    m.insert("self", Value::Map(m.clone()));
    let e = on_small_stack({
        let v = Value::Map(m.clone());
        move || to_yaml_pretty(&v).map(|s| s.len())
    })
    .expect_err("cycle");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    m.remove("self");
}

#[test]
fn to_yaml_pretty_differs_from_to_yaml_where_v3_does() {
    let v = values_from_yaml("a: [1, 1000000]\nt: \"x\\ty\\nz\"\n").expect("values");
    assert_eq!(
        to_yaml(&v).unwrap(),
        "a:\n- 1\n- 1000000\nt: \"x\\ty\\nz\"\n"
    );
    assert_eq!(
        to_yaml_pretty(&v).unwrap(),
        "a:\n  - 1\n  - 1e+06\nt: |-\n  x\ty\n  z\n"
    );
}
