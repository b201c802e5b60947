//! The chart loader against Helm.
//!
//! * Every fixture under `fixtures/loader` (archives and chart folders built
//!   by `fixtures/tools/gen-loader-fixtures`) is loaded and compared with
//!   Helm's own answer in `fixtures/loader/golden` (`helm-oracle inspect`):
//!   the same error text, or the same metadata, templates, files, subcharts,
//!   values and schema. Cases where we are deliberately stricter than Helm
//!   are listed in [`EXPECTATIONS`] with the rule that must refuse them.
//! * The big shapes of hardening.md part A (a GiB of zeros, a million
//!   entries, a million gzip members, nested archives, deep paths) and the
//!   folder attacks (links out of the chart, FIFOs, sparse files, cycles)
//!   are built at run time, on a 2 MiB stack and against a clock.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kaapana_chart::chart::loader::{self, LoadOptions, Rule, Violation};
use kaapana_chart::chart::{Chart, Metadata};
use kaapana_chart::{ErrorKind, Value};
use serde_json::{json, Value as Json};

#[path = "../common/tar.rs"]
mod tar;
use tar::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/loader")
}

/// How our loader must answer a fixture.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exactly like Helm (the default for every fixture not listed).
    Helm,
    /// Refused by this rule, where Helm loads the chart or fails otherwise.
    Stricter(Rule),
    /// A known difference, with the reason.
    Divergence(&'static str),
}

/// The fixtures that are not [`Expect::Helm`].
const EXPECTATIONS: &[(&str, Expect)] = &[
    // Go stops at the tar end-of-archive marker and never reads the gzip
    // trailer or anything after it; we read the stream to its end.
    ("a04-bad-crc", Expect::Stricter(Rule::CorruptGzip)),
    ("a04-bad-isize", Expect::Stricter(Rule::CorruptGzip)),
    ("a04-trailing-garbage", Expect::Stricter(Rule::TrailingData)),
    ("a04-trailing-zeros", Expect::Stricter(Rule::TrailingData)),
    ("a11-member-after-end", Expect::Stricter(Rule::TrailingData)),
    // Header records are checked against their header before reading
    // (Helm: "unexpected EOF", as the claimed data is absent).
    (
        "a09-longlink-1gib",
        Expect::Stricter(Rule::HeaderRecordSize),
    ),
    ("a09-pax-1gib", Expect::Stricter(Rule::HeaderRecordSize)),
    // Headers that tar readers read differently.
    ("a13-dir-with-data", Expect::Stricter(Rule::AmbiguousHeader)),
    ("a13-gnu-bad-atime", Expect::Stricter(Rule::AmbiguousHeader)),
    (
        "a13-longname-then-pax",
        Expect::Stricter(Rule::AmbiguousHeader),
    ),
    (
        "a13-pax-then-longname",
        Expect::Stricter(Rule::AmbiguousHeader),
    ),
    ("a13-two-pax", Expect::Stricter(Rule::AmbiguousHeader)),
    ("a13-pax-at-end", Expect::Stricter(Rule::AmbiguousHeader)),
    (
        "a13-pax-size-mismatch",
        Expect::Stricter(Rule::AmbiguousHeader),
    ),
    (
        "a13-reg-with-dir-mode",
        Expect::Stricter(Rule::AmbiguousHeader),
    ),
    ("a13-sparse", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a13-star-trailer", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a13-unknown-type", Expect::Stricter(Rule::UnsupportedEntry)),
    // Duplicates (Helm: last wins, two Chart.yaml merge).
    ("a20-dup-after-clean", Expect::Stricter(Rule::DuplicatePath)),
    ("a20-dup-chart-yaml", Expect::Stricter(Rule::DuplicatePath)),
    ("a20-dup-other-top", Expect::Stricter(Rule::DuplicatePath)),
    // Links and special files (Helm: empty files).
    ("a21-symlink", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a21-hardlink", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a21-chardev", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a21-blockdev", Expect::Stricter(Rule::UnsupportedEntry)),
    ("a21-fifo", Expect::Stricter(Rule::UnsupportedEntry)),
    (
        "a21-symlink-with-data",
        Expect::Stricter(Rule::UnsupportedEntry),
    ),
    // Names (Helm: Go strings hold any bytes; a NUL ends the name).
    ("a24-invalid-utf8", Expect::Stricter(Rule::InvalidName)),
    (
        "a24-longname-invalid-utf8",
        Expect::Stricter(Rule::InvalidName),
    ),
    ("a24-nul-in-name", Expect::Stricter(Rule::InvalidName)),
    // Subcharts nested twelve deep (our limit is ten).
    ("a27-deep-dirs-12", Expect::Stricter(Rule::SubchartDepth)),
    // The YAML reader gives every number as a float64, so an integral float
    // in a string field prints as an integer and ±Inf/NaN cannot be read.
    (
        "x-float-exponent-in-string",
        Expect::Divergence("1e7 in a string field reads 10000000 (Helm: 1e+07)"),
    ),
    (
        "x-inf-in-string",
        Expect::Divergence(".inf in a string field is a YAML error (Helm: +Inf)"),
    ),
];

fn expectation(name: &str) -> Expect {
    EXPECTATIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Expect::Helm, |(_, e)| *e)
}

// ------------------------------------------------------------------ goldens

/// Helm's inspect answer without the parts we do not model (`crds` is
/// derived from `files`), numbers made float64.
fn golden(name: &str) -> Json {
    let path = fixtures().join("golden").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut g: Json = serde_json::from_str(&text).expect("golden JSON");
    if let Some(obj) = g.as_object_mut() {
        obj.remove("crds");
        obj.remove("kind");
        if let Some(deps) = obj.get_mut("dependencies").and_then(Json::as_array_mut) {
            deps.sort_by_key(|d| d["name"].as_str().unwrap_or("").to_owned());
        }
    }
    floats(g)
}

fn floats(v: Json) -> Json {
    match v {
        Json::Number(n) => json!(n.as_f64().unwrap_or(f64::NAN)),
        Json::Array(a) => Json::Array(a.into_iter().map(floats).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        v => v,
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) | Value::Int64(i) => json!(*i as f64),
        Value::Float(f) => json!(f),
        Value::String(s) => json!(s.as_ref()),
        Value::Bytes(b) => json!(String::from_utf8_lossy(b)),
        Value::List(l) => Json::Array(l.items().iter().map(value_json).collect()),
        Value::Map(m) => Json::Object(
            m.entries()
                .into_iter()
                .map(|(k, v)| (k.to_string(), value_json(&v)))
                .collect(),
        ),
        _ => Json::Null,
    }
}

/// Helm's `chart.Metadata` as `encoding/json` writes it (omitempty).
fn metadata_json(md: &Metadata) -> Json {
    let mut m = serde_json::Map::new();
    let mut s = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.to_owned(), json!(v));
        }
    };
    s("name", &md.name);
    s("home", &md.home);
    s("version", &md.version);
    s("description", &md.description);
    s("icon", &md.icon);
    s("apiVersion", &md.api_version);
    s("condition", &md.condition);
    s("tags", &md.tags);
    s("appVersion", &md.app_version);
    s("kubeVersion", &md.kube_version);
    s("type", &md.chart_type);
    if !md.sources.is_empty() {
        m.insert("sources".into(), json!(md.sources));
    }
    if !md.keywords.is_empty() {
        m.insert("keywords".into(), json!(md.keywords));
    }
    if md.deprecated {
        m.insert("deprecated".into(), json!(true));
    }
    if !md.annotations.is_empty() {
        m.insert("annotations".into(), json!(md.annotations));
    }
    if !md.maintainers.is_empty() {
        let list: Vec<Json> = md
            .maintainers
            .iter()
            .map(|mt| {
                let mut o = serde_json::Map::new();
                for (k, v) in [("name", &mt.name), ("email", &mt.email), ("url", &mt.url)] {
                    if !v.is_empty() {
                        o.insert(k.into(), json!(v));
                    }
                }
                Json::Object(o)
            })
            .collect();
        m.insert("maintainers".into(), Json::Array(list));
    }
    if !md.dependencies.is_empty() {
        let list: Vec<Json> = md
            .dependencies
            .iter()
            .map(|d| {
                let mut o = serde_json::Map::new();
                o.insert("name".into(), json!(d.name));
                o.insert("repository".into(), json!(d.repository));
                for (k, v) in [
                    ("version", &d.version),
                    ("condition", &d.condition),
                    ("alias", &d.alias),
                ] {
                    if !v.is_empty() {
                        o.insert(k.into(), json!(v));
                    }
                }
                if !d.tags.is_empty() {
                    o.insert("tags".into(), json!(d.tags));
                }
                if d.enabled {
                    o.insert("enabled".into(), json!(true));
                }
                if !d.import_values.is_empty() {
                    o.insert(
                        "import-values".into(),
                        Json::Array(d.import_values.iter().map(value_json).collect()),
                    );
                }
                Json::Object(o)
            })
            .collect();
        m.insert("dependencies".into(), Json::Array(list));
    }
    Json::Object(m)
}

/// Our chart in the shape of the golden.
fn project(c: &Chart) -> Json {
    let mut templates: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    templates.sort_unstable();
    let mut files: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    files.sort_unstable();
    let mut deps: Vec<Json> = c
        .dependencies
        .iter()
        .map(|d| metadata_json(&d.metadata))
        .collect();
    deps.sort_by_key(|d| d["name"].as_str().unwrap_or("").to_owned());
    let schema = c.schema.as_ref().map_or(Json::Null, |s| {
        serde_json::from_slice(s).unwrap_or(Json::Null)
    });
    floats(json!({
        "dependencies": deps,
        "files": files,
        "metadata": metadata_json(&c.metadata),
        "schema": schema,
        "templates": templates,
        "values": value_json(&c.values),
    }))
}

fn all_fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for sub in ["archives", "charts"] {
        let dir = fixtures().join(sub);
        for entry in std::fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .trim_end_matches(".tgz")
                .to_owned();
            out.push((name, path));
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures_match_helm() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, path) in all_fixtures() {
        checked += 1;
        let want = golden(&name);
        let got = loader::load(&path);
        let path_str = path.display().to_string();
        match (expectation(&name), got) {
            (Expect::Helm, Ok(chart)) => {
                let ours = project(&chart);
                if want.get("error").is_some() || ours != want {
                    failures.push(format!("{name}: we load\n  {ours}\nHelm says\n  {want}"));
                }
            }
            (Expect::Helm, Err(err)) => {
                let ours = err.to_string().replace(&path_str, "<path>");
                if want.get("error").and_then(Json::as_str) != Some(ours.as_str()) {
                    failures.push(format!(
                        "{name}: we fail with\n  {ours}\nHelm says\n  {want}"
                    ));
                }
            }
            (Expect::Stricter(rule), Ok(_)) => {
                failures.push(format!("{name}: loaded, but rule {rule} must refuse it"));
            }
            (Expect::Stricter(rule), Err(err)) => {
                let got = Violation::of(&err).map(Violation::rule);
                if got != Some(rule) {
                    failures.push(format!("{name}: refused by {got:?} ({err}), want {rule}"));
                }
                if err.to_string().is_empty() {
                    failures.push(format!("{name}: empty message"));
                }
            }
            (Expect::Divergence(reason), got) => {
                // Recorded, not asserted: the note says what differs.
                eprintln!(
                    "{name}: known divergence ({reason}); we give {:?}",
                    got.map(|c| c.metadata.description)
                );
            }
        }
    }
    assert!(checked > 150, "only {checked} fixtures found");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every listed expectation names an existing fixture, and its golden shows
/// that Helm indeed differs.
#[test]
fn expectations_name_real_fixtures() {
    let names: Vec<String> = all_fixtures().into_iter().map(|(n, _)| n).collect();
    for (name, _) in EXPECTATIONS {
        assert!(names.iter().any(|n| n == name), "no fixture {name}");
    }
}

#[test]
fn errors_name_the_entry_and_rule() {
    let path = fixtures().join("archives/a14-parent-0.tgz");
    let err = loader::load(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chart illegally references parent directory"
    );
    assert_eq!(err.name(), Some("x/../../etc/cron.d/evil"));
    let v = Violation::of(&err).expect("violation");
    assert_eq!(v.rule(), Rule::ParentDirectory);
    assert!(v.rule().is_helm());
    let rich = format!("{err:#}");
    assert!(
        rich.contains("caused by: rule archive.parent-directory"),
        "{rich}"
    );

    let err = loader::load(&fixtures().join("archives/a21-symlink.tgz")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chart archive entry \"c/templates/a.yaml\" is a symbolic link"
    );
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!Violation::of(&err).unwrap().rule().is_helm());

    // A nested archive: the entry carries the path of the subchart.
    let err = loader::load(&fixtures().join("archives/a25-subchart-bad-path.tgz")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error unpacking subchart sub.tgz in c: chart illegally references parent directory"
    );
    assert_eq!(err.name(), Some("charts/sub.tgz//../../x"));
}

// ------------------------------------------------------- the in-memory API

#[test]
fn archive_bytes_errors_are_helms() {
    let err = loader::load_archive(b"").unwrap_err();
    assert_eq!(err.to_string(), "EOF");
    let err = loader::load_archive(b"apiVersion: v2\nname: x\n").unwrap_err();
    assert_eq!(err.to_string(), "gzip: invalid header");
    assert_eq!(Violation::of(&err).unwrap().rule(), Rule::NotGzip);
    let err = loader::load_archive(b"\x1f\x8b\x08\x00").unwrap_err();
    assert_eq!(err.to_string(), "unexpected EOF");
    let bytes = std::fs::read(fixtures().join("archives/a23-bom.tgz")).unwrap();
    let chart = loader::load_archive(&bytes).unwrap();
    assert_eq!(chart.metadata.name, "c");
    assert_eq!(&*chart.templates[0].data, b"t: 1\n");
    assert_eq!(chart.raw.len(), 3);
}

#[test]
fn load_files_classification() {
    let chart = loader::load(&fixtures().join("charts/ok-subcharts")).unwrap();
    let names: Vec<&str> = chart
        .dependencies
        .iter()
        .map(|d| d.metadata.name.as_str())
        .collect();
    assert_eq!(names, ["child", "packed"]);
    let child = &chart.dependencies[0];
    assert_eq!(child.dependencies[0].metadata.name, "grandchild");
    assert_eq!(child.templates[0].name, "templates/c.yaml");
    let lock = chart.lock.as_ref().expect("Chart.lock");
    assert_eq!(lock.digest, "sha256:0000");
    assert_eq!(lock.generated, "2024-01-02T03:04:05.123456789Z");
    assert_eq!(lock.dependencies[0].name, "child");
    // Raw holds every file of the chart, subchart files included.
    assert!(chart
        .raw
        .iter()
        .any(|f| f.name == "charts/child/Chart.yaml"));

    let v2 = loader::load(&fixtures().join("charts/ok-v2-requirements")).unwrap();
    assert_eq!(v2.metadata.name, "hijacked");
    assert_eq!(v2.warnings.len(), 2, "{:?}", v2.warnings);
    assert!(v2.lock.is_some());

    let lenient = loader::load(&fixtures().join("charts/ok-leniency")).unwrap();
    assert_eq!(
        lenient
            .metadata
            .extra
            .get("kaapana_type")
            .and_then(Value::as_str),
        Some("platform")
    );
    let basic = loader::load(&fixtures().join("charts/ok-basic")).unwrap();
    assert!(basic.files.iter().any(|f| f.name == "crds/crd.yaml"));
    assert_eq!(
        basic.schema.as_deref(),
        Some(&b"{\"type\": \"object\"}\n"[..])
    );
}

/// Runs `f` on a thread with a 2 MiB stack, against a clock.
fn bounded<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let start = Instant::now();
    let out = std::thread::Builder::new()
        .stack_size(2 * MIB)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the case panicked or overflowed its stack");
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    out
}

fn rule_of(err: &kaapana_chart::Error) -> Rule {
    Violation::of(err)
        .map(Violation::rule)
        .unwrap_or_else(|| panic!("no rule on {err:?}"))
}

// ------------------------------------------------- hardening.md part A, big

/// A5: a GiB of zeros (about a MiB compressed) behind an honest header is
/// refused from the header, before any of it is inflated.
#[test]
fn a05_gib_of_zeros_refused_at_the_header() {
    let mut tgz = gz(&[
        entry("c/Chart.yaml", &chart_yaml("c")),
        header("c/zeros", 1 << 30, b'0').to_vec(),
    ]
    .concat());
    tgz.extend(zero_members(1024));
    assert!(tgz.len() < 2 * MIB);
    let err = bounded(Duration::from_secs(5), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(
        err.to_string(),
        "decompressed chart is larger than the maximum size 104857600"
    );
    assert_eq!(rule_of(&err), Rule::ChartSize);
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
}

/// A5: a 6 MiB file stops at the 5 MiB limit from its header.
#[test]
fn a05_file_over_5_mib() {
    let mut tgz = gz(&[
        entry("c/Chart.yaml", &chart_yaml("c")),
        header("c/zeros", 6 << 20, b'0').to_vec(),
    ]
    .concat());
    tgz.extend(zero_members(6));
    let err = loader::load_archive(&tgz).unwrap_err();
    assert_eq!(
        err.to_string(),
        "decompressed chart file \"c/zeros\" is larger than the maximum file size 5242880"
    );
    assert_eq!(rule_of(&err), Rule::FileSize);
}

/// A5/A6: a GiB of zeros as 4 MiB files, each within the file limit: the
/// stream budget stops it at 100 MiB while streaming.
#[test]
fn a06_many_files_stop_at_the_chart_budget() {
    let mut tgz = gz(&entry("c/Chart.yaml", &chart_yaml("c")));
    for i in 0..256 {
        tgz.extend(gz(&header(&format!("c/f{i}"), 4 << 20, b'0')));
        tgz.extend(zero_members(4));
    }
    tgz.extend(gz(&end()));
    let err = bounded(Duration::from_secs(60), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(
        err.to_string(),
        "decompressed chart is larger than the maximum size 104857600"
    );
    assert_eq!(rule_of(&err), Rule::ChartSize);
}

/// A6: 25 x 5 MiB.
#[test]
fn a06_25_files_of_5_mib() {
    let mut tgz = gz(&entry("c/Chart.yaml", &chart_yaml("c")));
    for i in 0..25 {
        tgz.extend(gz(&header(&format!("c/f{i:02}"), 5 << 20, b'0')));
        tgz.extend(zero_members(5));
    }
    tgz.extend(gz(&end()));
    let err = bounded(Duration::from_secs(60), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(
        err.to_string(),
        "decompressed chart is larger than the maximum size 104857600"
    );
}

/// A10: a million zero-length entries with one name: the second one is a
/// duplicate.
#[test]
fn a10_million_entries_one_name() {
    let block: Vec<u8> = header("c/same", 0, b'0').repeat(10_000);
    let block = gz(&block);
    let mut tgz = gz(&entry("c/Chart.yaml", &chart_yaml("c")));
    for _ in 0..100 {
        tgz.extend_from_slice(&block);
    }
    tgz.extend(gz(&end()));
    let err = bounded(Duration::from_secs(20), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::DuplicatePath);
    assert_eq!(
        err.to_string(),
        "chart archive contains \"same\" more than once"
    );
}

/// A10: distinct zero-length entries stop at the entry cap.
#[test]
fn a10_entry_cap() {
    let mut tar = entry("c/Chart.yaml", &chart_yaml("c"));
    for i in 0..20_000 {
        tar.extend_from_slice(&header(&format!("c/f{i}"), 0, b'0'));
    }
    tar.extend(end());
    let tgz = gz(&tar);
    let err = bounded(Duration::from_secs(20), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::EntryCount);
    assert_eq!(
        err.to_string(),
        "chart has more than the maximum of 10000 entries"
    );
    assert_eq!(err.name(), Some("c/f9999"));
}

/// A12: a million empty gzip members stop at the member cap, fast.
#[test]
fn a12_million_empty_members() {
    let mut tgz = gz(b"").repeat(1_000_000);
    tgz.extend(gz(
        &[entry("c/Chart.yaml", &chart_yaml("c")), end()].concat()
    ));
    let err = bounded(Duration::from_secs(5), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::GzipMembers);
    assert_eq!(
        err.to_string(),
        "chart archive has more than the maximum of 10000 gzip members"
    );
}

/// Gzip members up to the cap are all read (Go reads them all too).
#[test]
fn a12_many_members_up_to_the_cap() {
    let mut tgz = gz(b"").repeat(9_000);
    tgz.extend(gz(&entry("c/Chart.yaml", &chart_yaml("c"))));
    tgz.extend(gz(
        &[entry("c/templates/second.yaml", b"x: 1\n"), end()].concat()
    ));
    let chart = bounded(Duration::from_secs(10), move || {
        loader::load_archive(&tgz).unwrap()
    });
    assert_eq!(chart.templates[0].name, "templates/second.yaml");
    let tgz = [
        gz(b"").repeat(3),
        gz(&[entry("c/Chart.yaml", &chart_yaml("c")), end()].concat()),
    ]
    .concat();
    let two = LoadOptions {
        max_gzip_members: 3,
        ..LoadOptions::default()
    };
    assert_eq!(
        rule_of(&loader::load_archive_with(&tgz, &two).unwrap_err()),
        Rule::GzipMembers
    );
    let four = LoadOptions {
        max_gzip_members: 4,
        ..LoadOptions::default()
    };
    assert!(loader::load_archive_with(&tgz, &four).is_ok());
}

/// The compressed size limit, on both sides.
#[test]
fn compressed_size_limit() {
    let tgz = gz(&[entry("c/Chart.yaml", &chart_yaml("c")), end()].concat());
    let exact = LoadOptions {
        max_compressed_size: tgz.len() as u64,
        ..LoadOptions::default()
    };
    assert!(loader::load_archive_with(&tgz, &exact).is_ok());
    let less = LoadOptions {
        max_compressed_size: tgz.len() as u64 - 1,
        ..LoadOptions::default()
    };
    let err = loader::load_archive_with(&tgz, &less).unwrap_err();
    assert_eq!(rule_of(&err), Rule::CompressedSize);
}

/// The entry and file limits, on both sides.
#[test]
fn entry_and_file_limits() {
    let tgz = gz(&[
        entry("c/Chart.yaml", &chart_yaml("c")),
        entry("c/a", &[b'a'; 100]),
        entry("c/b", &[b'b'; 101]),
        end(),
    ]
    .concat());
    let opts = |entries, file| LoadOptions {
        max_entries: entries,
        max_file_size: file,
        ..LoadOptions::default()
    };
    assert_eq!(
        rule_of(&loader::load_archive_with(&tgz, &opts(2, 101)).unwrap_err()),
        Rule::EntryCount
    );
    assert!(loader::load_archive_with(&tgz, &opts(3, 101)).is_ok());
    let err = loader::load_archive_with(&tgz, &opts(3, 100)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "decompressed chart file \"c/b\" is larger than the maximum file size 100"
    );
}

/// Helm's per-archive budget: file contents reaching the limit exactly are
/// already too much (`remainingSize <= 0`).
#[test]
fn chart_budget_boundary() {
    let chart = chart_yaml("c");
    let tgz = gz(&[
        entry("c/Chart.yaml", &chart),
        entry("c/x", &[b'x'; 100]),
        end(),
    ]
    .concat());
    let total = (chart.len() + 100) as u64;
    // The stream budget counts headers too; give it room to isolate Helm's rule.
    let at = |max| LoadOptions {
        max_decompressed_size: max,
        ..LoadOptions::default()
    };
    let err = loader::load_archive_with(&tgz, &at(total)).unwrap_err();
    assert_eq!(rule_of(&err), Rule::ChartSize);
    assert_eq!(
        err.to_string(),
        format!("decompressed chart is larger than the maximum size {total}")
    );
    // One more byte of budget: Helm's rule passes; the stream (headers,
    // padding) is still over.
    assert!(loader::load_archive_with(&tgz, &at(total + 1)).is_err());
    assert!(loader::load_archive_with(&tgz, &at(4096)).is_ok());
}

/// A26: twenty nested archives stop at the depth limit.
#[test]
fn a26_nested_archives_depth() {
    let tgz = nested(20, 0);
    let err = bounded(Duration::from_secs(10), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::SubchartDepth);
    assert!(err.to_string().starts_with(
        "error unpacking subchart n2.tgz in n1: error unpacking subchart n3.tgz in n2: "
    ));
    assert!(err
        .to_string()
        .ends_with("subcharts are nested deeper than the maximum of 10"));
    // Ten levels below the root are fine.
    let ok = nested(11, 0);
    let chart = loader::load_archive(&ok).unwrap();
    let mut depth = 0;
    let mut c = &chart;
    while let Some(d) = c.dependencies.first() {
        depth += 1;
        c = d;
    }
    assert_eq!(depth, 10);
}

/// A26: nested archives that each hold 90 MiB (Helm gives each a fresh
/// 100 MiB budget) share one budget here.
#[test]
fn a26_nested_archives_share_the_budget() {
    let tgz = nested(3, 45);
    let err = bounded(Duration::from_secs(60), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::ChartSize);
    assert!(
        err.to_string()
            .starts_with("error unpacking subchart n2.tgz in n1: "),
        "{err}"
    );
}

/// A27: `charts/a/charts/a/…` ten thousand levels deep in one PAX path,
/// with a Chart.yaml on the first levels: the depth limit, no recursion
/// overflow.
#[test]
fn a27_deep_subchart_path() {
    let mut tar = entry("c/Chart.yaml", &chart_yaml("c"));
    for k in 1..=12 {
        tar.extend(pax_path(&format!("c/{}Chart.yaml", "charts/a/".repeat(k))));
        tar.extend(entry("x", &chart_yaml("a")));
    }
    tar.extend(pax_path(&format!(
        "c/{}deep.txt",
        "charts/a/".repeat(10_000)
    )));
    tar.extend(entry("x", b"deep"));
    tar.extend(end());
    let tgz = gz(&tar);
    let err = bounded(Duration::from_secs(20), move || {
        loader::load_archive(&tgz).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::SubchartDepth);
}

/// A9: a GNU long name over the record limit is refused from its header.
#[test]
fn a09_long_name_limit() {
    let mut h = header("././@LongLink", 1 << 30, b'L');
    h[257..265].copy_from_slice(b"ustar  \0");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let tgz = gz(&[entry("c/Chart.yaml", &chart_yaml("c")), h.to_vec()].concat());
    let err = loader::load_archive(&tgz).unwrap_err();
    assert_eq!(err.to_string(), "archive/tar: header field too long");
    assert_eq!(rule_of(&err), Rule::HeaderRecordSize);
}

// ------------------------------------------------ hardening.md A28: folders

/// The folder cases of `fixtures/loader/dir-cases.json` (links, FIFOs,
/// sparse files: nothing git can hold), built here as the generator built
/// them for the oracle, against Helm's goldens.
#[cfg(unix)]
#[test]
fn dir_cases_match_helm() {
    const STRICTER: &[(&str, Rule)] = &[
        ("d-symlink-outside", Rule::SymlinkOutsideRoot),
        ("d-symlink-absolute", Rule::SymlinkOutsideRoot),
        ("d-symlink-dev-null", Rule::SymlinkOutsideRoot),
        ("d-chart-lock-outside", Rule::SymlinkOutsideRoot),
        // Helm recurses until the kernel refuses the path.
        ("d-symlink-cycle", Rule::BadSymlink),
    ];
    let text = std::fs::read_to_string(fixtures().join("dir-cases.json")).unwrap();
    let cases: Json = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let t = TempDir::new(name);
        let chart = t.0.join("c");
        std::fs::create_dir_all(&chart).unwrap();
        let str_map = |key: &str| case[key].as_object().unwrap().clone();
        for (rel, text) in str_map("files") {
            let p = chart.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text.as_str().unwrap()).unwrap();
        }
        for (rel, text) in str_map("outside") {
            std::fs::write(t.0.join(rel), text.as_str().unwrap()).unwrap();
        }
        for (rel, target) in str_map("symlinks") {
            let p = chart.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            symlink(target.as_str().unwrap(), p);
        }
        for rel in case["fifos"].as_array().unwrap() {
            let status = std::process::Command::new("mkfifo")
                .arg(chart.join(rel.as_str().unwrap()))
                .status()
                .unwrap();
            assert!(status.success());
        }
        for (rel, size) in str_map("sparse") {
            let f = std::fs::File::create(chart.join(rel)).unwrap();
            f.set_len(size.as_u64().unwrap()).unwrap();
        }
        let want = golden(name);
        let c2 = chart.clone();
        let got = bounded(Duration::from_secs(10), move || loader::load_dir(&c2));
        let chart_str = chart.display().to_string();
        let root_str = t.0.display().to_string();
        let stricter = STRICTER.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
        match (stricter, got) {
            (None, Ok(c)) => {
                let ours = project(&c);
                if ours != want {
                    failures.push(format!("{name}: we load\n  {ours}\nHelm says\n  {want}"));
                }
            }
            (None, Err(e)) => {
                let ours = e
                    .to_string()
                    .replace(&chart_str, "<path>")
                    .replace(&root_str, "<path>/..");
                if want.get("error").and_then(Json::as_str) != Some(ours.as_str()) {
                    failures.push(format!(
                        "{name}: we fail with\n  {ours}\nHelm says\n  {want}"
                    ));
                }
            }
            (Some(rule), Ok(_)) => failures.push(format!("{name}: loaded, {rule} must refuse it")),
            (Some(rule), Err(e)) => {
                if Violation::of(&e).map(Violation::rule) != Some(rule) {
                    failures.push(format!("{name}: refused with {e}, want {rule}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "kaapana-loader-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A chart folder `c` inside the temp dir, with a Chart.yaml.
    fn chart(&self) -> PathBuf {
        let c = self.0.join("c");
        std::fs::create_dir_all(c.join("templates")).unwrap();
        std::fs::write(c.join("Chart.yaml"), chart_yaml("c")).unwrap();
        c
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn a28_links_out_of_the_chart() {
    let t = TempDir::new("out");
    let c = t.chart();
    std::fs::write(t.0.join("secret"), "s3cret").unwrap();
    for (link, target) in [
        ("templates/secret.yaml", PathBuf::from("../../secret")),
        ("passwd", PathBuf::from("/etc/passwd")),
        ("zero", PathBuf::from("/dev/zero")),
        ("Chart.lock", t.0.join("secret")),
    ] {
        symlink(&target, c.join(link));
        let err = loader::load_dir(&c).unwrap_err();
        assert_eq!(rule_of(&err), Rule::SymlinkOutsideRoot, "{link}: {err}");
        assert_eq!(err.name(), Some(link));
        std::fs::remove_file(c.join(link)).unwrap();
    }
    // An ignored link is never read, wherever it points.
    symlink("/etc/passwd", c.join("passwd"));
    std::fs::write(c.join(".helmignore"), "passwd\n").unwrap();
    let chart = loader::load_dir(&c).unwrap();
    assert!(chart.files.iter().all(|f| f.name != "passwd"));
}

#[cfg(unix)]
#[test]
fn a28_links_inside_the_chart_are_followed() {
    let t = TempDir::new("in");
    let c = t.chart();
    std::fs::write(c.join("real.txt"), "hi").unwrap();
    symlink("real.txt", c.join("link.txt"));
    std::fs::create_dir(c.join("real")).unwrap();
    std::fs::write(c.join("real/f.yaml"), "f: 1").unwrap();
    symlink("../real", c.join("templates/sub"));
    let chart = loader::load_dir(&c).unwrap();
    let mut files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
    files.sort_unstable();
    assert_eq!(files, ["link.txt", "real.txt", "real/f.yaml"]);
    assert_eq!(chart.templates[0].name, "templates/sub/f.yaml");
    assert_eq!(&*chart.files[0].data, b"hi");
    assert_eq!(chart.warnings.len(), 2, "{:?}", chart.warnings);
}

#[cfg(unix)]
#[test]
fn a28_symlink_loops_and_cycles() {
    let t = TempDir::new("loop");
    let c = t.chart();
    symlink("loopb", c.join("loopa"));
    symlink("loopa", c.join("loopb"));
    let err = loader::load_dir(&c).unwrap_err();
    assert_eq!(rule_of(&err), Rule::BadSymlink);
    assert!(
        err.to_string().starts_with("error evaluating symlink "),
        "{err}"
    );
    std::fs::remove_file(c.join("loopa")).unwrap();
    std::fs::remove_file(c.join("loopb")).unwrap();

    symlink("..", c.join("templates/up"));
    let err = bounded(Duration::from_secs(10), move || {
        loader::load_dir(&c).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::BadSymlink);
}

#[cfg(unix)]
#[test]
fn a28_fifo_is_refused_without_blocking() {
    let t = TempDir::new("fifo");
    let c = t.chart();
    let status = std::process::Command::new("mkfifo")
        .arg(c.join("pipe"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let c2 = c.clone();
    let err = bounded(Duration::from_secs(5), move || {
        loader::load_dir(&c2).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::IrregularFile);
    let abs = std::fs::canonicalize(&c).unwrap().join("pipe");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot load irregular file {} as it has file mode type bits set",
            abs.display()
        )
    );
}

#[test]
fn a28_sparse_10_gib_file_is_refused_unread() {
    let t = TempDir::new("sparse");
    let c = t.chart();
    let f = std::fs::File::create(c.join("big.bin")).unwrap();
    f.set_len(10 << 30).unwrap();
    drop(f);
    let err = bounded(Duration::from_secs(5), move || {
        loader::load_dir(&c).unwrap_err()
    });
    assert_eq!(
        err.to_string(),
        "chart file \"big.bin\" is larger than the maximum file size 5242880"
    );
    assert_eq!(rule_of(&err), Rule::FileSize);
}

#[test]
fn folder_depth_and_entry_limits() {
    let t = TempDir::new("deep");
    let c = t.chart();
    let mut p = c.clone();
    for _ in 0..70 {
        p = p.join("d");
    }
    std::fs::create_dir_all(&p).unwrap();
    let err = loader::load_dir(&c).unwrap_err();
    assert_eq!(rule_of(&err), Rule::DirDepth);

    let t = TempDir::new("wide");
    let c = t.chart();
    for i in 0..50 {
        std::fs::write(c.join(format!("f{i}")), "x").unwrap();
    }
    let small = LoadOptions {
        max_entries: 40,
        ..LoadOptions::default()
    };
    assert_eq!(
        rule_of(&loader::load_dir_with(&c, &small).unwrap_err()),
        Rule::EntryCount
    );
    assert!(loader::load_dir(&c).is_ok());
}

#[test]
fn folder_byte_budget_is_aggregate() {
    let t = TempDir::new("budget");
    let c = t.chart();
    for i in 0..4 {
        std::fs::write(c.join(format!("f{i}")), vec![b'x'; 1000]).unwrap();
    }
    let small = LoadOptions {
        max_decompressed_size: 3500,
        ..LoadOptions::default()
    };
    let err = loader::load_dir_with(&c, &small).unwrap_err();
    assert_eq!(rule_of(&err), Rule::ChartSize);
}

#[test]
fn hostile_helmignore_is_bounded() {
    // Go's Match does not backtrack across stars, but each rule still costs
    // name length x pattern length: 900 long rules against long names.
    let t = TempDir::new("ignore");
    let c = t.chart();
    let rule = format!("*{}b\n", "a".repeat(1000));
    std::fs::write(c.join(".helmignore"), rule.repeat(900)).unwrap();
    for i in 0..20 {
        std::fs::write(c.join(format!("{}{i:02}", "a".repeat(240))), "x").unwrap();
    }
    let err = bounded(Duration::from_secs(30), move || {
        loader::load_dir(&c).unwrap_err()
    });
    assert_eq!(rule_of(&err), Rule::HelmIgnoreLimit);
    assert_eq!(
        err.to_string(),
        ".helmignore rules are too costly to evaluate"
    );

    let t = TempDir::new("ignore-many");
    let c = t.chart();
    std::fs::write(c.join(".helmignore"), "x\n".repeat(2000)).unwrap();
    let err = loader::load_dir(&c).unwrap_err();
    assert_eq!(rule_of(&err), Rule::HelmIgnoreLimit);
    assert_eq!(
        err.to_string(),
        ".helmignore has more than the maximum of 1000 rules"
    );
}

#[test]
fn load_picks_folder_or_archive() {
    let chart = loader::load(&fixtures().join("archives/a22-pax-global.tgz")).unwrap();
    assert_eq!(chart.metadata.name, "c");
    let chart = loader::load(&fixtures().join("charts/ok-library")).unwrap();
    assert_eq!(chart.metadata.chart_type, "library");
    let err = loader::load(&fixtures().join("no-such-chart")).unwrap_err();
    assert_eq!(rule_of(&err), Rule::Io);
    let err = loader::load_archive_file(&fixtures().join("charts")).unwrap_err();
    assert_eq!(err.to_string(), "cannot load a directory");
}

/// Mutated archives (flipped bytes and truncations of every fixture, and of
/// its decompressed tar re-compressed) end in a result, never a panic.
#[test]
fn mutated_archives_never_panic() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut inputs = Vec::new();
    for (_, path) in all_fixtures() {
        if path.extension().is_some_and(|e| e == "tgz") {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.len() < 64 * 1024 {
                inputs.push(bytes);
            }
        }
    }
    let cases: Vec<Vec<u8>> = inputs
        .iter()
        .flat_map(|orig| {
            let mut out = Vec::new();
            let mut tar = Vec::new();
            let decoded = std::io::Read::read_to_end(
                &mut flate2::read::MultiGzDecoder::new(&orig[..]),
                &mut tar,
            );
            for round in 0..40 {
                let raw = round % 2 == 1 && decoded.is_ok();
                let mut b = if raw { tar.clone() } else { orig.clone() };
                if b.is_empty() {
                    continue;
                }
                for _ in 0..1 + (next() % 4) {
                    let i = (next() as usize) % b.len();
                    b[i] ^= 1 << (next() % 8);
                }
                if raw {
                    // Re-sign mutated headers so that they get past the
                    // checksum and into the interesting code.
                    for block in b.chunks_mut(512) {
                        if block.len() == 512 && &block[257..262] == b"ustar" {
                            block[148..156].copy_from_slice(b"        ");
                            let sum: u32 = block.iter().map(|&x| u32::from(x)).sum();
                            block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
                        }
                    }
                }
                if next() % 3 == 0 {
                    let cut = (next() as usize) % b.len();
                    b.truncate(cut);
                }
                out.push(if raw { gz(&b) } else { b });
            }
            out
        })
        .collect();
    let n = cases.len();
    bounded(Duration::from_secs(120), move || {
        for case in &cases {
            let _ = loader::load_archive(case);
        }
    });
    assert!(n > 2000, "{n} cases");
}
