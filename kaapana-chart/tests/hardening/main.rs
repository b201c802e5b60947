//! The bad-input corpus of hardening.md parts A–E, one test per case
//! number (`a01_…` to `e61_…`). Part F lives with the upload checker.
//!
//! Every case runs here, in a child process under an address-space ceiling
//! (`ulimit -v`), on a 2 MiB stack thread and against a clock (see
//! `harness.rs`); each asserts the error kind or loader rule it must end
//! in. Several cases repeat, under these bounds, what a topical suite
//! (tests/loader, tests/limits, tests/strvals, tests/yaml, tests/schema)
//! checks in more detail against Helm's goldens; the doc comment names it.

#[path = "../common/tar.rs"]
mod build;
#[path = "../common/mod.rs"]
mod common;
mod harness;
mod memory;

use build::*;
use harness::*;
use kaapana_chart::chart::loader::{self, LoadOptions, Rule};
use kaapana_chart::chart::strvals::parse_set;
use kaapana_chart::{values_from_yaml, Engine, ErrorKind, TemplateFile, Value};

macro_rules! case {
    ($(#[$m:meta])* $name:ident, $body:block) => {
        $(#[$m])*
        #[test]
        fn $name() {
            harness::case(stringify!($name), || $body);
        }
    };
}

fn load_bytes(tgz: &[u8]) -> kaapana_chart::Result<kaapana_chart::chart::Chart> {
    loader::load_archive(tgz)
}

fn render(src: &str) -> kaapana_chart::Result<String> {
    render_with(src, Value::empty_map())
}

fn render_with(src: &str, values: Value) -> kaapana_chart::Result<String> {
    let files = [TemplateFile::new("c/templates/t.yaml", src, "c/templates")];
    let root = Value::from_iter([("Values".to_owned(), values)]);
    Engine::new()
        .render_templates(&files, &root)
        .map(|mut m| m.remove("c/templates/t.yaml").unwrap_or_default())
}

fn render_chart(files: &[(&str, &str)]) -> kaapana_chart::Result<String> {
    let chart = load_bytes(&chart(files))?;
    let out = Engine::new().render_chart(
        &chart,
        &Value::empty_map(),
        &kaapana_chart::Release::default(),
    )?;
    Ok(out.files.values().cloned().collect::<Vec<_>>().join("\n"))
}

fn set(expr: &str) -> kaapana_chart::Result<Value> {
    let v = Value::empty_map();
    parse_set(expr, &v).map(|()| v)
}

const LIMIT: &[ErrorKind] = &[ErrorKind::LimitExceeded];
const YAML: &[ErrorKind] = &[ErrorKind::Yaml, ErrorKind::LimitExceeded];

// ------------------------------------------------------------ A. archives

case!(a01_not_gzip, {
    for n in [
        "a01-not-gzip-plain-tar",
        "a01-not-gzip-text",
        "a01-not-gzip-yaml",
        "a01-not-gzip-zip",
    ] {
        archive_refused(n, Rule::NotGzip);
    }
    // An empty file: Helm's `EOF` from bytes, its content sniffing from a path.
    assert_eq!(rule_of(&load_bytes(b"").unwrap_err()), Rule::Truncated);
    let e = loader::load(&fixtures().join("loader/archives/a01-empty-file.tgz")).unwrap_err();
    assert_eq!(rule_of(&e), Rule::NotGzip);
    assert_eq!(
        rule_of(&load_bytes(b"apiVersion: v2\n").unwrap_err()),
        Rule::NotGzip
    );
});

case!(a02_empty_gzip_or_tar, {
    for n in ["a02-empty-gzip", "a02-empty-tar", "a02-only-dirs"] {
        let e = archive_refused(n, Rule::NoFiles);
        assert_eq!(e.to_string(), "no files in chart archive");
    }
});

case!(a03_truncated_gzip, {
    archive_refused("a03-truncated-gzip", Rule::Truncated);
    archive_refused("a01-short-file", Rule::Truncated);
    let full = chart(&[("values.yaml", "a: 1\n")]);
    for cut in [10, full.len() / 2, full.len() - 4] {
        assert!(load_bytes(&full[..cut]).is_err(), "cut at {cut}");
    }
});

case!(a04_corrupt_crc_isize, {
    archive_refused("a04-bad-crc", Rule::CorruptGzip);
    archive_refused("a04-bad-isize", Rule::CorruptGzip);
    archive_refused("a04-trailing-garbage", Rule::TrailingData);
});

case!(
    /// Also tests/loader `a05_gib_of_zeros_refused_at_the_header`.
    a05_gib_of_zeros, {
    archive_refused("a05-header-1gib", Rule::ChartSize);
    archive_refused("a05-file-5mib-plus-1", Rule::FileSize);
    // A 1 GiB file announced honestly, with (some of) its zeros behind.
    let mut tgz = gz(&[entry("c/Chart.yaml", &chart_yaml("c")), header("c/zeros", 1 << 30, b'0').to_vec()].concat());
    tgz.extend(zero_members(64));
    assert!(matches!(rule_of(&load_bytes(&tgz).unwrap_err()), Rule::ChartSize | Rule::FileSize));
    // A file that lies about nothing but is 6 MiB: stopped while streaming.
    let mut tgz = gz(&[entry("c/Chart.yaml", &chart_yaml("c")), header("c/six", 6 * MIB as u64, b'0').to_vec()].concat());
    tgz.extend(zero_members(6));
    assert_eq!(rule_of(&load_bytes(&tgz).unwrap_err()), Rule::FileSize);
});

case!(
    /// Also tests/loader `a06_25_files_of_5_mib` (full size).
    a06_aggregate_budget, {
    // The same rule with the budget scaled down 1:10 to keep debug builds fast.
    let opts = LoadOptions { max_decompressed_size: 10 * MIB as u64, max_file_size: MIB as u64 / 2, ..LoadOptions::default() };
    let mut tgz = gz(&entry("c/Chart.yaml", &chart_yaml("c")));
    for i in 0..25 {
        tgz.extend(gz(&header(&format!("c/f{i}"), MIB as u64 / 2, b'0')));
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut z, &vec![0u8; MIB / 2]).unwrap();
        tgz.extend(z.finish().unwrap());
    }
    tgz.extend(gz(&end()));
    let e = loader::load_archive_with(&tgz, &opts).unwrap_err();
    assert_eq!(rule_of(&e), Rule::ChartSize, "{e}");
});

case!(a07_truncated_last_entry, {
    archive_refused("a07-short-entry", Rule::Truncated);
});

case!(a08_base256_8_gib_header, {
    archive_refused("a08-base256-8gib", Rule::ChartSize);
    let tgz = gz(&[
        entry("c/Chart.yaml", &chart_yaml("c")),
        header("c/huge", 8 << 30, b'0').to_vec(),
        end(),
    ]
    .concat());
    assert_eq!(rule_of(&load_bytes(&tgz).unwrap_err()), Rule::ChartSize);
});

case!(a09_long_name_records, {
    for n in ["a09-longlink-1gib", "a09-pax-1gib", "a09-longlink-2mib"] {
        archive_refused(n, Rule::HeaderRecordSize);
    }
    loader::load(&fixtures().join("loader/archives/a09-longlink-ok.tgz")).unwrap();
});

case!(a10_million_zero_length_entries, {
    let block = gz(&header("c/same", 0, b'0').repeat(10_000));
    let mut tgz = gz(&entry("c/Chart.yaml", &chart_yaml("c")));
    for _ in 0..100 {
        tgz.extend_from_slice(&block);
    }
    tgz.extend(gz(&end()));
    assert_eq!(rule_of(&load_bytes(&tgz).unwrap_err()), Rule::DuplicatePath);
    let mut tar = entry("c/Chart.yaml", &chart_yaml("c"));
    for i in 0..20_000 {
        tar.extend_from_slice(&header(&format!("c/f{i}"), 0, b'0'));
    }
    tar.extend(end());
    assert_eq!(
        rule_of(&load_bytes(&gz(&tar)).unwrap_err()),
        Rule::EntryCount
    );
});

case!(a11_second_gzip_member_is_seen, {
    let c = loader::load(&fixtures().join("loader/archives/a11-two-members.tgz")).unwrap();
    assert!(c.templates.iter().any(|t| t.name == "templates/evil.yaml"));
    archive_refused("a11-member-after-end", Rule::TrailingData);
});

case!(a12_million_empty_gzip_members, {
    let mut tgz = gz(b"").repeat(1_000_000);
    tgz.extend(gz(
        &[entry("c/Chart.yaml", &chart_yaml("c")), end()].concat()
    ));
    assert_eq!(rule_of(&load_bytes(&tgz).unwrap_err()), Rule::GzipMembers);
});

case!(
    /// The x → L → file chain is `a13-pax-then-longname`; tests/loader
    /// `fixtures_match_helm` compares the rest of a13-* with Helm.
    a13_pax_desync, {
    for n in ["a13-pax-then-longname", "a13-longname-then-pax", "a13-two-pax", "a13-pax-at-end", "a13-pax-size-mismatch", "a13-gnu-bad-atime", "a13-dir-with-data"] {
        archive_refused(n, Rule::AmbiguousHeader);
    }
    archive_refused("a13-sparse", Rule::UnsupportedEntry);
    archive_refused("a13-bad-checksum", Rule::MalformedTar);
});

case!(a14_parent_directory, {
    for i in 0..5 {
        let e = archive_refused(&format!("a14-parent-{i}"), Rule::ParentDirectory);
        assert_eq!(e.to_string(), "chart illegally references parent directory");
    }
});

case!(a15_absolute_paths, {
    for i in 1..5 {
        archive_refused(&format!("a15-absolute-{i}"), Rule::AbsolutePath);
    }
});

case!(a16_drive_letters, {
    for i in 0..3 {
        archive_refused(&format!("a16-drive-{i}"), Rule::DriveLetter);
    }
});

case!(a17_outside_base, {
    for i in 0..5 {
        archive_refused(&format!("a17-outside-{i}"), Rule::OutsideBase);
    }
});

case!(
    /// A bare top-level `Chart.yaml` is a single component, which Helm
    /// refuses as outside the base (its golden); `x/y/Chart.yaml` as a
    /// directory is "chart yaml not in base directory".
    a18_chart_yaml_not_in_base, {
    archive_refused("a18-chart-yaml-dir", Rule::ChartYamlNotInBase);
    archive_refused("a18-top-chart-yaml", Rule::OutsideBase);
});

case!(a19_backslash_names, {
    let c = loader::load(&fixtures().join("loader/archives/a19-backslash.tgz")).unwrap();
    assert_eq!(
        c.templates
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["templates/x.yaml"]
    );
});

case!(a20_duplicate_paths, {
    for n in [
        "a20-dup-after-clean",
        "a20-dup-chart-yaml",
        "a20-dup-other-top",
    ] {
        archive_refused(n, Rule::DuplicatePath);
    }
});

case!(a21_links_and_devices, {
    for n in [
        "a21-symlink",
        "a21-hardlink",
        "a21-chardev",
        "a21-blockdev",
        "a21-fifo",
        "a21-symlink-with-data",
    ] {
        archive_refused(n, Rule::UnsupportedEntry);
    }
});

case!(a22_pax_global_header_ignored, {
    loader::load(&fixtures().join("loader/archives/a22-pax-global.tgz")).unwrap();
});

case!(a23_bom_stripped, {
    let c = loader::load(&fixtures().join("loader/archives/a23-bom.tgz")).unwrap();
    assert_eq!(c.metadata.name, "c");
    assert!(c.raw.iter().all(|f| !f.data.starts_with(b"\xEF\xBB\xBF")));
});

case!(a24_bad_entry_names, {
    for n in [
        "a24-invalid-utf8",
        "a24-longname-invalid-utf8",
        "a24-nul-in-name",
    ] {
        archive_refused(n, Rule::InvalidName);
    }
});

case!(a25_bad_subchart_archive, {
    for (n, rule) in [
        ("a25-garbage-subchart", Rule::NotGzip),
        ("a25-truncated-subchart", Rule::Truncated),
        ("a25-empty-subchart", Rule::Truncated),
    ] {
        let e = archive_refused(n, rule);
        assert!(e.to_string().contains("sub"), "{n}: {e}");
    }
});

case!(
    /// Also tests/loader `a26_nested_archives_share_the_budget` (full size).
    a26_nested_archives, {
    assert_eq!(rule_of(&load_bytes(&nested(20, 0)).unwrap_err()), Rule::SubchartDepth);
    // One budget for all levels, scaled down 1:10: three levels of 4 MiB.
    let opts = LoadOptions { max_decompressed_size: 10 * MIB as u64, ..LoadOptions::default() };
    let e = loader::load_archive_with(&nested(3, 4), &opts).unwrap_err();
    assert_eq!(rule_of(&e), Rule::ChartSize, "{e}");
});

case!(a27_ten_thousand_directory_levels, {
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
    assert_eq!(
        rule_of(&load_bytes(&gz(&tar)).unwrap_err()),
        Rule::SubchartDepth
    );
});

#[cfg(unix)]
case!(
    /// Also tests/loader `a28_*` (each shape separately, against Helm).
    a28_directory_upload, {
    use std::os::unix::fs::symlink;
    let base = std::env::temp_dir().join(format!("kc-hardening-a28-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let fresh = |tag: &str| {
        let c = base.join(tag).join("c");
        std::fs::create_dir_all(c.join("templates")).unwrap();
        std::fs::write(c.join("Chart.yaml"), chart_yaml("c")).unwrap();
        c
    };
    let c = fresh("out");
    std::fs::write(base.join("secret"), "s").unwrap();
    symlink("../../secret", c.join("secret")).unwrap();
    assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::SymlinkOutsideRoot);
    let c = fresh("dangling");
    symlink("../../../nowhere", c.join("nowhere")).unwrap();
    assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::BadSymlink);
    let c = fresh("passwd");
    symlink("/etc/passwd", c.join("passwd")).unwrap();
    assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::SymlinkOutsideRoot);
    let c = fresh("zero");
    symlink("/dev/zero", c.join("zero")).unwrap();
    assert!(matches!(rule_of(&loader::load(&c).unwrap_err()), Rule::SymlinkOutsideRoot | Rule::IrregularFile));
    let c = fresh("loop");
    symlink("b", c.join("a")).unwrap();
    symlink("a", c.join("b")).unwrap();
    assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::BadSymlink);
    let c = fresh("fifo");
    let ok = std::process::Command::new("mkfifo").arg(c.join("fifo")).status().map(|s| s.success()).unwrap_or(false);
    if ok {
        assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::IrregularFile);
    }
    let c = fresh("sparse");
    let f = std::fs::File::create(c.join("big")).unwrap();
    f.set_len(10 << 30).unwrap();
    assert_eq!(rule_of(&loader::load(&c).unwrap_err()), Rule::FileSize);
    let c = fresh("lock");
    symlink("/tmp/kc-hardening-never-written", c.join("Chart.lock")).unwrap();
    assert!(loader::load(&c).is_err());
    assert!(!Path::new("/tmp/kc-hardening-never-written").exists());
    let _ = std::fs::remove_dir_all(&base);
});

use std::path::Path;

// --------------------------------------------------- B. chart metadata

case!(b29_invalid_names, {
    for n in [
        "b29-name-parent",
        "b29-name-inner-parent",
        "b29-name-dot",
        "b29-name-dotdot",
        "b29-name-trailing-slash",
        "b29-name-nul-dotdot",
        "b29-name-control-only",
    ] {
        chart_refused(n, Rule::Metadata);
    }
    // `a\b` is one path component on Unix: Helm loads it (golden), so do we.
    loader::load(&fixtures().join("loader/charts/b29-name-backslash")).unwrap();
});

case!(
    /// `import-values: [{child: 1, parent: [x]}]` loads in Helm (its
    /// golden); it must not panic here and loads the same.
    b30_null_and_mistyped_lists, {
    chart_refused("b30-maintainers-null", Rule::Metadata);
    chart_refused("b30-dependencies-null", Rule::Metadata);
    chart_refused("b30-import-values-string", Rule::ChartFile);
    chart_refused("b30-dependencies-map", Rule::ChartFile);
    loader::load(&fixtures().join("loader/charts/b30-import-values")).unwrap();
});

case!(b31_aliases, {
    for n in [
        "b31-alias-dot",
        "b31-alias-parent",
        "b31-dup-alias",
        "b31-dup-name",
        "b31-dup-after-sanitize",
    ] {
        chart_refused(n, Rule::Metadata);
    }
});

case!(b32_control_characters, {
    chart_refused("b32-version-ansi", Rule::Metadata);
    let c = loader::load(&fixtures().join("loader/charts/b32-description-ansi")).unwrap();
    assert!(
        !c.metadata.description.contains('\x1b'),
        "{:?}",
        c.metadata.description
    );
});

case!(b33_chart_yaml_shapes, {
    for n in ["b33-sequence", "b33-scalar", "b33-number", "b33-bad-yaml"] {
        chart_refused(n, Rule::ChartFile);
    }
    for n in ["b33-null", "b33-empty", "b33-missing-version"] {
        chart_refused(n, Rule::Metadata);
    }
    chart_refused("b33-no-chart-yaml", Rule::MissingChartYaml);
});

case!(
    /// Helm: case-insensitive fields, duplicates in "undefined order"; we
    /// follow its goldens (tests/loader) and are deterministic.
    b34_field_case_and_duplicates, {
    for n in ["b34-name-twice", "b34-upper-and-lower"] {
        let p = fixtures().join("loader/charts").join(n);
        let a = loader::load(&p).unwrap();
        let b = loader::load(&p).unwrap();
        assert_eq!(a.metadata.name, b.metadata.name);
    }
});

case!(
    /// The library has no repository index reader (it never fetches
    /// charts), so index.yaml is only ever data: these shapes must read as
    /// values (or fail cleanly) without a panic.
    b35_index_yaml_shapes, {
    for doc in ["entries: {foo: [null]}\n", "entries: {foo: [{}]}\n", "entries: {foo: []}\nentries: {bar: [1]}\n", "apiVersion: v1\nentries: [[[[]]]]\n"] {
        let _ = values_from_yaml(doc);
        let _ = render_with("{{ fromYaml .Values.doc | toYaml }}", Value::from_iter([("doc".to_owned(), Value::from(doc))]));
    }
});

// ------------------------------------------------------------- C. YAML

case!(c36_billion_laughs, {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = values_from_yaml(&doc).unwrap_err();
    assert_kind(&e, YAML);
    assert!(e.to_string().contains("excessive aliasing"), "{e}");
});

case!(c37_anchor_times_aliases, {
    let mut doc = format!("a: &a [{}]\nb: [", vec!["x"; 1000].join(", "));
    doc.push_str(&vec!["*a"; 100_000].join(","));
    doc.push_str("]\n");
    let e = values_from_yaml(&doc).unwrap_err();
    assert_kind(&e, YAML);
    assert!(e.to_string().contains("excessive aliasing"), "{e}");
});

case!(c38_deep_flow_nesting, {
    for doc in [
        "[".repeat(10_000),
        "[".repeat(5 * MIB),
        "{a: ".repeat(10_000),
        "- ".repeat(1_000_000),
    ] {
        assert_kind(&values_from_yaml(&doc).unwrap_err(), YAML);
    }
});

case!(
    /// `- ` ×30,000 on one line is 30,000 nested block sequences (the shape
    /// that overflows saphyr/yaml-rust2); one level per line and indent
    /// needs n²/2 bytes, so that form is 3,000 deep (4.5 MB).
    c39_deep_block_nesting, {
    let e = values_from_yaml(&format!("a:\n{}x\n", "- ".repeat(30_000))).unwrap_err();
    assert_kind(&e, YAML);
    let mut doc = String::from("a:\n");
    for i in 0..3_000 {
        doc.push_str(&" ".repeat(i));
        doc.push_str("-\n");
    }
    assert_kind(&values_from_yaml(&doc).unwrap_err(), YAML);
});

case!(c40_recursive_and_unknown_aliases, {
    assert_kind(&values_from_yaml("a: &x [*x]\n").unwrap_err(), YAML);
    assert_kind(&values_from_yaml("a: *undefined\n").unwrap_err(), YAML);
});

case!(
    /// Helm (and tests/yaml `dup-keys`): the last key wins, also for maps.
    c41_duplicate_keys, {
    let v = values_from_yaml("a: 1\nb: 2\na: 3\nm: {x: 1, y: 2}\nm: {z: 3}\n").unwrap();
    assert_eq!(js(&v), r#"{"a":3,"b":2,"m":{"z":3}}"#);
});

case!(c42_merge_keys, {
    let v = values_from_yaml("base: &b {p: 1, q: 1}\nv:\n  <<: *b\n  q: 2\n").unwrap();
    assert_eq!(js(&v.get("v").unwrap()), r#"{"p":1,"q":2}"#);
});

case!(c43_bad_characters, {
    for doc in [
        "a:\n\t- b\n",
        "a: \"x\0y\"\n",
        "a: \"\\uD800\"\n",
        "a: b\0\n",
    ] {
        assert_kind(&values_from_yaml(doc).unwrap_err(), YAML);
    }
    // Invalid UTF-8 only reaches the reader as a file in a chart.
    let e = load_bytes(&gz(&[
        entry("c/Chart.yaml", &chart_yaml("c")),
        entry("c/values.yaml", b"a: \xff\xfe\n"),
        end(),
    ]
    .concat()))
    .unwrap_err();
    assert!(matches!(rule_of(&e), Rule::Values | Rule::ChartFile), "{e}");
});

case!(
    /// Helm reads every number as a float64; tests/yaml `int-huge-400-digits`,
    /// `float-range` compare the exact text with Helm.
    c44_huge_numbers, {
    let v = values_from_yaml("a: 18446744073709551616\nb: 1234567890123456789012345678901234567890\nc: 1e400\nd: .nan\n");
    if let Ok(v) = v {
        let _ = kaapana_chart::to_yaml(&v);
        let _ = kaapana_chart::to_json(&v, kaapana_chart::JsonStyle::Compact);
    }
});

case!(
    /// YAML 1.1 like Helm (tests/yaml `bool-yaml11`, `int-bases`).
    c45_yaml_1_1_scalars, {
    let v = values_from_yaml("a: yes\nb: on\nc: y\nd: 017\ne: 1_000\nf: 0o17\n").unwrap();
    assert_eq!(js(&v.get("a").unwrap()), "true");
    assert_eq!(js(&v.get("b").unwrap()), "true");
    assert_eq!(js(&v.get("d").unwrap()), "15");
    assert_eq!(js(&v.get("e").unwrap()), "1000");
});

case!(c46_multi_document_values, {
    let c = loader::load(&fixtures().join("loader/charts/ok-values-multidoc")).unwrap();
    assert_eq!(js(&c.values), r#"{"a":1,"b":{"c":1,"d":2}}"#);
});

case!(
    /// tests/schema `no_reference_is_fetched` and the remote-ref-* fixtures
    /// check the messages against Helm's.
    c47_hostile_schemas, {
    use kaapana_chart::chart::schema::validate_against_schema;
    let values = values_from_yaml("a: 1\n").unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let schemas = [
        "   1E1111111   ".to_owned(),
        deep,
        r##"{"$ref": "#"}"##.to_owned(),
        r##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##.to_owned(),
        r#"{"$ref": "file:///dev/zero"}"#.to_owned(),
        r#"{"$ref": "http://169.254.169.254/"}"#.to_owned(),
        r#"{"$ref": "urn:x:y"}"#.to_owned(),
    ];
    for s in schemas {
        let _ = validate_against_schema(s.as_bytes(), &values);
    }
    assert!(validate_against_schema(br#"{"$ref": "http://169.254.169.254/"}"#, &values).is_err());
    assert!(validate_against_schema(br#"{"$ref": "file:///dev/zero"}"#, &values).is_err());
});

// ---------------------------------------------------------- D. --set

case!(d48_index_bounds, {
    assert_kind(
        &set("a[65537]=x").unwrap_err(),
        &[ErrorKind::LimitExceeded, ErrorKind::InvalidArgument],
    );
    assert!(set("a[-1]=x").is_err());
    assert!(set("a[65536]=x").is_ok());
});

case!(d49_dotted_nesting, {
    let over = format!("{}=1", vec!["a"; 32].join("."));
    let e = set(&over).unwrap_err();
    assert_eq!(
        e.to_string(),
        "value name nested level is greater than maximum supported nested level of 30"
    );
    let at = format!("{}=1", vec!["a"; 30].join("."));
    assert!(set(&at).is_ok());
});

case!(
    /// Also tests/strvals `hundred_thousand_nested_indexes`,
    /// `huge_index_chains_do_not_allocate`.
    d50_index_chains, {
    assert_kind(&set(&format!("a{}=1", "[0]".repeat(100_000))).unwrap_err(), LIMIT);
    assert_kind(&set(&format!("a{}=1", "[65536]".repeat(1_000))).unwrap_err(), LIMIT);
});

case!(d51_malformed_expressions, {
    // Helm's answers (helm-oracle parse-set; tests/strvals `helm_cases`).
    for e in ["a[0].b=1,a[0][0]=2", "a.=1", "a[x]=1"] {
        assert!(set(e).is_err(), "{e}");
    }
    for (e, want) in [("=b", "{}"), ("a[", "{}"), ("a=", r#"{"a":""}"#)] {
        assert_eq!(js(&set(e).unwrap()), want, "{e}");
    }
});

// ------------------------------------------------------- E. templates

case!(e52_recursive_include, {
    let e =
        render(r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#).unwrap_err();
    assert!(e.to_string().contains("nested reference name"), "{e}");
    for n in [2usize, 10, 50] {
        let mut src = String::new();
        for i in 0..n {
            src.push_str(&format!(
                r#"{{{{ define "t{i}" }}}}{{{{ include "t{}" . }}}}{{{{ end }}}}"#,
                (i + 1) % n
            ));
        }
        src.push_str(r#"{{ include "t0" . }}"#);
        let e = render(&src).unwrap_err();
        assert_kind(&e, &[ErrorKind::LimitExceeded, ErrorKind::TemplateExec]);
    }
});

case!(e53_recursive_template, {
    let e =
        render(r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#).unwrap_err();
    assert_kind(&e, LIMIT);
});

case!(e54_recursive_tpl, {
    let values = Value::from_iter([("x".to_owned(), Value::from("{{ tpl .Values.x . }}"))]);
    let e = render_with("{{ tpl .Values.x . }}", values).unwrap_err();
    assert_kind(&e, &[ErrorKind::LimitExceeded, ErrorKind::TemplateExec]);
});

case!(e55_deep_parse_nesting, {
    let n = 100_000;
    let e = render(&format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n))).unwrap_err();
    assert_kind(&e, &[ErrorKind::TemplateSyntax, ErrorKind::LimitExceeded]);
    for open in ["{{if 1}}", "{{with 1}}", "{{range until 1}}"] {
        let e = render(&format!("{}x{}", open.repeat(n), "{{end}}".repeat(n))).unwrap_err();
        assert_kind(&e, LIMIT);
    }
});

case!(e56_runaway_output_and_loops, {
    assert_kind(
        &render(r#"{{ repeat 2000000000 "x" }}"#).unwrap_err(),
        LIMIT,
    );
    assert_kind(&render("{{ until 1000000000 | len }}").unwrap_err(), LIMIT);
    assert_kind(
        &render("{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}").unwrap_err(),
        LIMIT,
    );
});

case!(e57_deep_values, {
    let build = r#"{{ $d := dict }}{{ range until 100000 }}{{ $d = dict "a" $d }}{{ end }}"#;
    // Helm's toYaml/toJson swallow errors and print ""; ours stop at the
    // value-depth limit either way, without overflowing the stack.
    for f in ["toYaml", "toJson", "toPrettyJson", "toString"] {
        match render(&format!("{build}{{{{ {f} $d | len }}}}")) {
            Ok(n) if f == "toString" => assert!(n.parse::<usize>().unwrap() < 1_000_000),
            Ok(n) => assert_eq!(n, "0", "{f}"),
            Err(e) => assert_kind(&e, &[ErrorKind::LimitExceeded, ErrorKind::TemplateExec]),
        }
    }
    // Built and dropped unprinted: the drop must not overflow the stack.
    let _ = render(&format!("{build}ok"));
    let r = render(r#"{{ fromYaml (repeat 100000 "[") | toJson }}"#).unwrap();
    assert!(r.contains("Error"), "{r}");
});

case!(e58_host_functions_disabled, {
    assert_eq!(render(r#"{{ getHostByName "x.evil" }}"#).unwrap(), "");
    assert!(render(r#"{{ env "HOME" }}"#).is_err());
    assert!(render(r#"{{ expandenv "$HOME" }}"#).is_err());
    assert_eq!(
        render(r#"{{ lookup "v1" "Secret" "kube-system" "" | toJson }}"#).unwrap(),
        "{}"
    );
});

case!(e59_files_stay_in_the_chart, {
    let out = render_chart(&[
        (
            "templates/t.yaml",
            r#"p: {{ .Files.Get "../../etc/passwd" | quote }}
g: {{ range $p, $_ := .Files.Glob "**" }}{{ $p }} {{ end }}"#,
        ),
        ("data.txt", "hi"),
    ])
    .unwrap();
    assert!(out.contains("p: \"\""), "{out}");
    assert!(!out.contains("root:"), "{out}");
    assert!(out.contains("data.txt"), "{out}");
});

case!(e60_control_characters_in_messages, {
    let e = render("{{ fail \"\\x1b[2Jboom\" }}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TemplateAborted);
    let e = render("{{ \"\\x1b[2J\" | required \"\\x1b[31mneeded\" }}");
    let _ = e;
    let e = render("{{ \x1b[2J }}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TemplateSyntax);
});

case!(e61_parse_and_exec_errors_with_position, {
    let e = render("a\n{{ .Values").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TemplateSyntax);
    assert!(e.to_string().contains("t.yaml:2"), "{e}");
    let e = render("{{ nosuchfunction 1 }}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TemplateSyntax);
    assert!(e.to_string().contains("t.yaml:1"), "{e}");
    let e = render("\n\n{{ template \"missing\" }}").unwrap_err();
    assert_kind(&e, &[ErrorKind::TemplateExec, ErrorKind::TemplateSyntax]);
    assert!(e.to_string().contains("t.yaml:3"), "{e}");
});

fn js(v: &Value) -> String {
    kaapana_chart::to_json(v, kaapana_chart::JsonStyle::Compact).unwrap()
}

/// Peak memory: one child per chart (`memory.rs`), so that each high-water
/// mark is its own render's. The parent writes the chart first.
macro_rules! memory_case {
    ($name:ident, $chart:literal, $write:path) => {
        #[test]
        fn $name() {
            if !harness::is_child() {
                $write();
            }
            harness::case(stringify!($name), || memory::check($chart));
        }
    };
}

memory_case!(
    m01_memory_values_heavy,
    "values-heavy",
    memory::write_values_heavy
);
memory_case!(
    m02_memory_template_heavy,
    "template-heavy",
    memory::write_template_heavy
);
memory_case!(
    m03_memory_output_heavy,
    "output-heavy",
    memory::write_output_heavy
);
