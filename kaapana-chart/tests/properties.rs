//! Property tests (proptest) of the value model, `--set`, manifests and the
//! archive loader. Case counts are kept small so that the file runs in
//! well under a minute in a debug build.

use std::collections::BTreeMap;
use std::io::Write;

use kaapana_chart::chart::coalesce::coalesce_tables;
use kaapana_chart::chart::loader;
use kaapana_chart::chart::strvals::parse_set_string;
use kaapana_chart::manifest::{sort_manifests, split_manifests};
use kaapana_chart::{to_json, to_yaml, values_from_yaml, Engine, JsonStyle, TemplateFile, Value};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Keys: short identifiers plus a few YAML-sensitive spellings.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_-]{0,6}",
        Just("yes".to_owned()),
        Just("on".to_owned()),
        Just("1".to_owned()),
        Just("a b".to_owned()),
        Just("x:y".to_owned()),
    ]
}

/// Strings that stress quoting: YAML keywords, numbers, indicators,
/// whitespace, newlines, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "[a-zA-Z0-9 ]{0,8}\n[a-z ]{0,8}",
        Just("yes".to_owned()),
        Just("~".to_owned()),
        Just("1e3".to_owned()),
        Just("0x1F".to_owned()),
        Just("- a".to_owned()),
        Just("#c".to_owned()),
        Just(" lead".to_owned()),
        Just("trail ".to_owned()),
        Just("ünï çødé".to_owned()),
        Just(String::new()),
    ]
}

/// Helm-representable values as values files give them: numbers are
/// float64 (integral ones kept small so they print as integers).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        (-100_000i32..100_000).prop_map(|n| Value::Float(f64::from(n))),
        (-1000i32..1000).prop_map(|n| Value::Float(f64::from(n) + 0.5)),
        text().prop_map(|s| Value::from(s.as_str())),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::list),
            prop::collection::btree_map(key(), inner, 0..5).prop_map(map_of),
        ]
    })
}

fn map_of(m: BTreeMap<String, Value>) -> Value {
    Value::from_iter(m)
}

fn top() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key(), value(), 0..6).prop_map(map_of)
}

fn js(v: &Value) -> String {
    to_json(v, JsonStyle::Compact).unwrap()
}

fn render(src: &str, values: Value) -> String {
    let files = [TemplateFile::new("c/templates/t", src, "c/templates")];
    let root = Value::from_iter([("Values".to_owned(), values)]);
    Engine::new()
        .render_templates(&files, &root)
        .unwrap()
        .remove("c/templates/t")
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(config(200))]

    /// emit → parse → emit is a fixed point, and the parse gives the value.
    #[test]
    fn yaml_emit_parse_emit_is_stable(v in top()) {
        let once = to_yaml(&v).unwrap();
        let back = values_from_yaml(&once).unwrap();
        prop_assert_eq!(&to_yaml(&back).unwrap(), &once);
        prop_assert_eq!(js(&back), js(&v));
    }

    /// `fromYaml (toYaml x)` equals `x` inside templates too, for values
    /// without a string that ends in a newline: Helm's `toYaml` trims the
    /// document's final newline, so the last such string loses it (the
    /// oracle agrees: `{a: "x\n"}` comes back as `{a: "x"}`).
    #[test]
    fn from_yaml_of_to_yaml_is_identity(v in top()) {
        prop_assume!(!has_trailing_newline(&v));
        let values = Value::from_iter([("x".to_owned(), v.clone())]);
        let out = render("{{ .Values.x | toYaml | fromYaml | toJson }}", values);
        prop_assert_eq!(out, js(&v));
    }

    /// JSON round trip: toJson then fromJson.
    #[test]
    fn from_json_of_to_json_is_identity(v in top()) {
        let values = Value::from_iter([("x".to_owned(), v.clone())]);
        let out = render("{{ .Values.x | toJson | fromJson | toJson }}", values);
        prop_assert_eq!(out, js(&v));
    }

    /// Coalescing with empty user values changes nothing (Helm drops `null`
    /// from chart defaults too, so compare with the defaults coalesced
    /// against themselves).
    #[test]
    fn coalesce_with_empty_user_values_is_identity(defaults in top()) {
        let mut w = Vec::new();
        let once = coalesce_tables(&Value::empty_map(), &defaults, &mut w).unwrap();
        let twice = coalesce_tables(&Value::empty_map(), &once, &mut w).unwrap();
        prop_assert_eq!(js(&once), js(&twice));
        for (k, v) in defaults.as_map().unwrap().read().iter() {
            if !matches!(v, Value::Nil) && !matches!(v, Value::Map(_)) {
                prop_assert_eq!(once.get(k).map(|x| js(&x)), Some(js(v)));
            }
        }
    }

    /// User scalars win over defaults; a user `null` deletes the key.
    #[test]
    fn user_values_win_and_null_deletes(defaults in top(), k in key(), s in text()) {
        let mut w = Vec::new();
        let user = Value::from_iter([(k.clone(), Value::from(s.as_str()))]);
        let out = coalesce_tables(&user, &defaults, &mut w).unwrap();
        prop_assert_eq!(out.get(&k), Some(Value::from(s.as_str())));
        // A user null deletes a key the defaults have (one they lack stays
        // null, as in Helm's coalesceValues).
        let defaults = match defaults.as_map() {
            Some(m) => {
                let mut m = m.read().clone();
                m.insert(k.as_str().into(), Value::from("default"));
                Value::from_iter(m.into_iter().map(|(k, v)| (k.to_string(), v)))
            }
            None => defaults,
        };
        let user = Value::from_iter([(k.clone(), Value::Nil)]);
        let out = coalesce_tables(&user, &defaults, &mut w).unwrap();
        prop_assert_eq!(out.get(&k), None);
    }

    /// `--set-string` parse(print(v)) = v for nested maps of plain strings
    /// and string lists, within the nesting limit.
    #[test]
    fn set_string_parse_of_print(v in set_value()) {
        let mut exprs = Vec::new();
        print_set("", &v, &mut exprs);
        let parsed = Value::empty_map();
        for e in &exprs {
            parse_set_string(e, &parsed).unwrap();
        }
        prop_assert_eq!(js(&parsed), js(&v));
        // All in one comma-separated expression, too.
        if !exprs.is_empty() {
            let joined = Value::empty_map();
            parse_set_string(&exprs.join(","), &joined).unwrap();
            prop_assert_eq!(js(&joined), js(&v));
        }
    }

    /// Splitting is idempotent, and sorting keeps every document exactly
    /// once.
    #[test]
    fn manifest_split_and_sort(docs in prop::collection::vec(doc(), 1..6)) {
        let stream = docs.iter().map(|d| format!("---\n{d}")).collect::<String>();
        let parts: Vec<&str> = split_manifests(&stream);
        prop_assert_eq!(parts.len(), docs.len());
        // A separator swallows the newline before it: put it back.
        let rejoined = parts.iter().map(|p| format!("---\n{p}\n")).collect::<String>();
        let trim = |v: Vec<&str>| v.into_iter().map(str::trim_end).map(str::to_owned).collect::<Vec<_>>();
        prop_assert_eq!(trim(split_manifests(&rejoined)), trim(parts.clone()));
        let files = BTreeMap::from([("c/templates/all.yaml".to_owned(), stream.clone())]);
        let (hooks, manifests) = sort_manifests(&files).unwrap();
        prop_assert_eq!(hooks.len(), 0);
        prop_assert_eq!(manifests.len(), docs.len());
        for d in &docs {
            let n = manifests.iter().filter(|m| m.content.trim() == d.trim()).count();
            prop_assert_eq!(n, 1, "{}", d);
        }
        // Sorting what sorting gave (one file per document) gives the same.
        let again: BTreeMap<String, String> = manifests
            .iter()
            .enumerate()
            .map(|(i, m)| (format!("c/templates/{i:03}.yaml"), m.content.clone()))
            .collect();
        let (_, sorted2) = sort_manifests(&again).unwrap();
        let a: Vec<&str> = manifests.iter().map(|m| m.content.as_str()).collect();
        let b: Vec<&str> = sorted2.iter().map(|m| m.content.as_str()).collect();
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Loading an archive never yields a path outside the chart, and a
    /// clean archive gives the same files as the folder it was packed from.
    #[test]
    fn archive_paths_stay_inside(names in prop::collection::vec(entry_name(), 1..8)) {
        let mut tar = Vec::new();
        let mut b = tar::Builder::new(&mut tar);
        add(&mut b, "c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
        for n in &names {
            add(&mut b, n, b"x: 1\n");
        }
        drop(b.into_inner());
        if let Ok(chart) = loader::load_archive(&gz(&tar)) {
            for f in &chart.raw {
                prop_assert!(!f.name.starts_with('/') && !f.name.split('/').any(|p| p == ".."), "{}", f.name);
            }
        }
    }

    #[test]
    fn archive_equals_its_folder(files in prop::collection::btree_map(clean_path(), "[ -~]{0,20}", 0..8)) {
        let mut tar = Vec::new();
        let mut b = tar::Builder::new(&mut tar);
        add(&mut b, "c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
        for (p, d) in &files {
            add(&mut b, &format!("c/{p}"), d.as_bytes());
        }
        drop(b.into_inner());
        let from_archive = loader::load_archive(&gz(&tar)).unwrap();
        let dir = tempdir();
        let root = dir.join("c");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
        for (p, d) in &files {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, d).unwrap();
        }
        let from_dir = loader::load_dir(&root).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let list = |c: &kaapana_chart::chart::Chart| {
            let mut v: Vec<(String, Vec<u8>)> = c.raw.iter().map(|f| (f.name.clone(), f.data.to_vec())).collect();
            v.sort();
            v
        };
        prop_assert_eq!(list(&from_archive), list(&from_dir));
    }
}

proptest! {
    #![proptest_config(config(150))]

    /// Sprig's `merge` and `mergeOverwrite` (mergo, without and with
    /// override) are associative where Helm's are: when every key holds the
    /// same kind of value in each map (a map in one and a scalar in another
    /// is where mergo's order shows, so that is not generated here).
    #[test]
    fn merge_is_associative_for_same_shaped_maps(a in shaped(), b in shaped(), c in shaped()) {
        let values = Value::from_iter([
            ("a".to_owned(), a),
            ("b".to_owned(), b),
            ("c".to_owned(), c),
        ]);
        for f in ["merge", "mergeOverwrite"] {
            let left = render(
                &format!("{{{{ {f} (deepCopy .Values.a) (deepCopy .Values.b) (deepCopy .Values.c) | toJson }}}}"),
                values.clone(),
            );
            let right = render(
                &format!("{{{{ {f} (deepCopy .Values.a) ({f} (deepCopy .Values.b) (deepCopy .Values.c)) | toJson }}}}"),
                values.clone(),
            );
            prop_assert_eq!(left, right, "{}", f);
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// An archive loads only within the loader's budgets: what loads has no
    /// file over the per-file limit and no more bytes than the total limit;
    /// an archive over them fails with a size rule (the total limit also
    /// bounds the decompressed tar stream, headers included); one within
    /// both loads.
    #[test]
    fn archive_loading_stays_within_budgets(sizes in prop::collection::vec(0usize..1200, 1..6)) {
        let opts = loader::LoadOptions {
            max_file_size: 1000,
            max_decompressed_size: 6000,
            ..loader::LoadOptions::default()
        };
        let mut tar = Vec::new();
        let mut b = tar::Builder::new(&mut tar);
        let chart_yaml = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";
        add(&mut b, "c/Chart.yaml", chart_yaml);
        for (i, n) in sizes.iter().enumerate() {
            add(&mut b, &format!("c/files/f{i}"), "x".repeat(*n).as_bytes());
        }
        drop(b.into_inner());
        let total = chart_yaml.len() + sizes.iter().sum::<usize>();
        let over_content = sizes.iter().any(|&n| n as u64 > opts.max_file_size)
            || total as u64 > opts.max_decompressed_size;
        let over_stream = tar.len() as u64 > opts.max_decompressed_size;
        match loader::load_archive_with(&gz(&tar), &opts) {
            Ok(chart) => {
                prop_assert!(!over_content, "{:?} loaded", sizes);
                let loaded: u64 = chart.raw.iter().map(|f| f.data.len() as u64).sum();
                prop_assert!(loaded <= opts.max_decompressed_size);
                prop_assert!(chart.raw.iter().all(|f| f.data.len() as u64 <= opts.max_file_size));
            }
            Err(e) => {
                let rule = loader::Violation::of(&e).map(loader::Violation::rule);
                prop_assert!(over_content || over_stream, "{:?}: {:#}", sizes, e);
                prop_assert!(
                    matches!(rule, Some(loader::Rule::FileSize | loader::Rule::ChartSize)),
                    "{:?}: {:#}", sizes, e
                );
            }
        }
    }
}

// ------------------------------------------------------------- helpers

/// Maps whose keys fix their value's kind: `m…` keys hold maps, `l…` keys
/// lists, the others scalars (empty ones included, which mergo treats as
/// missing).
fn shaped() -> impl Strategy<Value = Value> {
    let scalar = || {
        prop_oneof![
            Just(Value::Nil),
            any::<bool>().prop_map(Value::Bool),
            (-3i32..3).prop_map(|n| Value::Float(f64::from(n))),
            prop_oneof![Just(""), Just("x"), Just("y")].prop_map(Value::from),
        ]
    };
    let leafy = prop::collection::btree_map(
        prop_oneof![Just("s1"), Just("s2"), Just("s3")].prop_map(str::to_owned),
        scalar(),
        0..3,
    )
    .prop_map(map_of);
    let level = |inner: BoxedStrategy<Value>| {
        (
            prop::collection::btree_map(
                prop_oneof![Just("s1"), Just("s2")].prop_map(str::to_owned),
                scalar(),
                0..3,
            ),
            prop::collection::btree_map(
                prop_oneof![Just("m1"), Just("m2")].prop_map(str::to_owned),
                inner,
                0..3,
            ),
            prop::option::of(prop::collection::vec(scalar(), 0..3)),
        )
            .prop_map(|(mut s, m, l)| {
                s.extend(m);
                if let Some(l) = l {
                    s.insert("l1".to_owned(), Value::list(l));
                }
                map_of(s)
            })
            .boxed()
    };
    level(level(leafy.boxed()))
}

fn has_trailing_newline(v: &Value) -> bool {
    match v {
        Value::String(s) => s.ends_with('\n'),
        Value::List(l) => l.items().iter().any(has_trailing_newline),
        Value::Map(m) => m.read().values().any(has_trailing_newline),
        _ => false,
    }
}

fn set_key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,5}"
}

fn set_value() -> impl Strategy<Value = Value> {
    let leaf = "[a-zA-Z0-9_]{1,8}".prop_map(|s| Value::from(s.as_str()));
    let list = prop::collection::vec("[a-zA-Z0-9_]{1,8}", 1..4)
        .prop_map(|v| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect()));
    let node = prop_oneof![leaf, list].prop_recursive(3, 24, 4, |inner| {
        prop::collection::btree_map(set_key(), inner, 1..4).prop_map(map_of)
    });
    prop::collection::btree_map(set_key(), node, 0..5).prop_map(map_of)
}

fn print_set(prefix: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Map(m) => {
            for (k, x) in m.read().iter() {
                let p = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                print_set(&p, x, out);
            }
        }
        Value::List(l) => {
            for (i, x) in l.items().iter().enumerate() {
                print_set(&format!("{prefix}[{i}]"), x, out);
            }
        }
        other => out.push(format!("{prefix}={}", other.as_str().unwrap_or_default())),
    }
}

fn doc() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("ConfigMap"),
            Just("Service"),
            Just("Deployment"),
            Just("Secret"),
            Just("Namespace")
        ],
        "[a-z]{1,8}",
        "[a-z]{0,8}",
    )
        .prop_map(|(kind, name, data)| {
            format!(
                "apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\ndata:\n  k: \"{data}\"\n"
            )
        })
}

fn entry_name() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just(String::new()),
        Just("templates".to_owned()),
        Just("c:".to_owned()),
        "[a-z]{1,4}",
    ];
    (
        prop_oneof![Just("c/"), Just("/"), Just("./"), Just("c\\"), Just("")],
        prop::collection::vec(part, 1..5),
    )
        .prop_map(|(lead, parts)| format!("{lead}{}", parts.join("/")))
        .prop_filter("tar names are at most 100 bytes", |n| {
            !n.is_empty() && n.len() < 100
        })
}

fn clean_path() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("templates/"), Just("files/"), Just("")],
        "[a-z]{1,6}\\.(yaml|txt)",
    )
        .prop_map(|(d, f)| format!("{d}{f}"))
        .prop_filter("not Chart.yaml or values", |p| p != "values.yaml")
}

fn add(b: &mut tar::Builder<&mut Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    {
        let bytes = h.as_old_mut();
        let n = name.as_bytes();
        bytes.name = [0; 100];
        bytes.name[..n.len()].copy_from_slice(n);
    }
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "kc-props-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}
