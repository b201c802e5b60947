//! Resolving Kaapana's chart tree from `fixtures/kaapana/src`
//! (`kaapana_chart::kaapana`): the tree against the documentation's (seed)
//! tree, disabled and shared subcharts, the in-memory chart against Helm's
//! goldens of the committed build, the archives against the golden that
//! `fixtures/tools/gen-kaapana-build-golden` wrote after checking them with
//! real Helm, and the resolver's errors.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use kaapana_chart::chart::coalesce::ValueOptions;
use kaapana_chart::chart::loader::{load_archive, read_dir_files, LoadOptions};
use kaapana_chart::chart::Chart;
use kaapana_chart::kaapana::{
    digest, package_chart, BuildOptions, ScanOptions, SourceTree, MAX_CHART_COPIES,
};
use kaapana_chart::{values_from_yaml, Engine, ErrorKind, Release, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn src() -> PathBuf {
    fixtures().join("kaapana/src")
}

/// The fixture build's options (those of assemble-kaapana and of the
/// golden's `build_args`).
fn fixture_build() -> BuildOptions {
    let mut o = BuildOptions::new("0.6.0");
    o.branch = "release/v0.6.0".into();
    o.last_commit_timestamp = "2025-01-01 00:00:00".into();
    o.build_timestamp = "2025-01-01T00:00:00Z".into();
    o
}

fn scan() -> SourceTree {
    SourceTree::scan(&[src()], &ScanOptions::default()).expect("the fixture scans")
}

fn admin() -> Chart {
    scan()
        .resolve("kaapana-admin-chart", &fixture_build())
        .expect("the admin chart resolves")
}

fn value_set(set: Option<&str>) -> Value {
    let mut user = ValueOptions::default();
    if let Some(set) = set {
        let path = src().join(format!("platforms/kaapana-admin-chart/values-{set}.yaml"));
        let text = fs::read_to_string(path).expect("value set");
        user.value_files
            .push(values_from_yaml(&text).expect("value set parses"));
    }
    user.merge(&|p| panic!("no file {p}")).expect("values")
}

fn render(chart: &Chart, values: &Value) -> Result<BTreeMap<String, String>, String> {
    Engine::new()
        .render_chart(chart, values, &Release::default())
        .map(|r| r.files)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- the tree

/// `(parent, child)` chart names.
type Relations = BTreeSet<(String, String)>;

/// The seed's relations (sub-charts collapsed) and the documented extras.
fn seed_relations() -> (Relations, Relations) {
    let text = fs::read_to_string(fixtures().join("kaapana/seed-tree.txt")).expect("seed tree");
    let mut seed = BTreeSet::new();
    let mut extra = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("extra: ") {
            let (p, c) = rest.split_once(' ').expect("extra: parent child");
            extra.insert((p.to_owned(), c.to_owned()));
            continue;
        }
        // Each level is 4 columns: "│   ", "    ", "├── " or "└── ".
        let chars: Vec<char> = line.chars().collect();
        let mut depth = 0;
        while chars.len() >= (depth + 1) * 4
            && matches!(chars[depth * 4], '│' | ' ' | '├' | '└')
            && !chars[depth * 4..(depth + 1) * 4]
                .iter()
                .any(|c| c.is_alphanumeric())
        {
            depth += 1;
        }
        let name: String = chars[depth * 4..].iter().collect();
        stack.truncate(depth);
        stack.push(name.clone());
        if depth == 0 || name == "sub-charts" {
            continue;
        }
        let parent = stack[..depth]
            .iter()
            .rev()
            .find(|n| *n != "sub-charts")
            .expect("a parent");
        seed.insert((parent.clone(), name));
    }
    (seed, extra)
}

#[test]
fn tree_has_the_seeds_parent_child_relations() {
    let (seed, extra) = seed_relations();
    assert!(seed.len() > 60, "seed parsed: {}", seed.len());
    let tree = scan()
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree");
    let ours: Relations = tree.relations().into_iter().collect();
    let missing: Vec<_> = seed.difference(&ours).collect();
    assert!(
        missing.is_empty(),
        "relations of the seed missing: {missing:?}"
    );
    let expected: BTreeSet<_> = seed.union(&extra).cloned().collect();
    let unexpected: Vec<_> = ours.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "relations not in the seed: {unexpected:?}"
    );
    assert_eq!(ours, expected);
}

#[test]
fn tree_text_is_box_drawn_and_marks_disabled_subcharts() {
    let text = scan()
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree")
        .to_text();
    assert!(text.starts_with("kaapana-admin-chart\n├── admin-namespace\n"));
    assert!(text.contains("│   └── kaapana-extension-collection\n"));
    assert!(text.contains("├── migration-chart (disabled: migration-chart.enabled)\n"));
    assert!(text.ends_with("└── traefik-chart\n"));
    // Release.IsInstall is a values path that never exists: Helm keeps
    // those charts, so they are not marked.
    assert!(text.contains("── minio-init-chart\n"), "{text}");
    assert_eq!(text.matches("disabled").count(), 1, "{text}");
}

#[test]
fn disabled_subchart_is_listed_but_not_rendered() {
    let tree = scan()
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree");
    let migration = tree
        .children
        .iter()
        .find(|c| c.name == "migration-chart")
        .expect("listed");
    assert!(!migration.enabled);
    // Listed with what the build gives it, as every other chart.
    assert_eq!(migration.version, "0.6.0");
    assert!(tree.children.iter().all(|c| c.version == "0.6.0"));
    assert_eq!(
        migration.condition.as_deref(),
        Some("migration-chart.enabled")
    );
    let chart = admin();
    assert!(chart
        .dependencies
        .iter()
        .any(|d| d.metadata.name == "migration-chart"));
    let files = render(&chart, &value_set(None)).expect("renders");
    assert!(!files.keys().any(|k| k.contains("migration-chart")));
    // The condition is kept for render time: turning it on renders it.
    let on = Value::from_iter([(
        "migration-chart",
        Value::from_iter([("enabled", Value::Bool(true))]),
    )]);
    let files = render(&chart, &on).expect("renders");
    assert!(files.contains_key("kaapana-admin-chart/charts/migration-chart/templates/job.yaml"));
}

/// Every copy of `name` in the chart tree, as the path of parents.
fn copies(chart: &Chart, name: &str, path: &mut Vec<String>, out: &mut Vec<String>) {
    for d in &chart.dependencies {
        path.push(d.metadata.name.clone());
        if d.metadata.name == name {
            out.push(path.join("/"));
        }
        copies(d, name, path, out);
        path.pop();
    }
}

#[test]
fn shared_library_chart_is_copied_under_each_parent() {
    let tree = scan();
    let parents: BTreeSet<&str> = tree
        .charts()
        .filter(|c| {
            c.dependencies
                .iter()
                .any(|d| d.name == "kaapana-library-chart")
        })
        .map(|c| c.name.as_str())
        .collect();
    assert!(parents.len() > 20, "{parents:?}");
    let chart = admin();
    let mut found = Vec::new();
    copies(
        &chart,
        "kaapana-library-chart",
        &mut vec!["kaapana-admin-chart".into()],
        &mut found,
    );
    let found_parents: BTreeSet<&str> = found.iter().filter_map(|p| p.rsplit('/').nth(1)).collect();
    assert_eq!(found_parents, parents);
    // One copy per parent copy: at least one under each parent.
    assert!(found.len() >= parents.len(), "{}", found.len());
    let tree_text = tree
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree")
        .to_text();
    assert_eq!(
        tree_text.matches("── kaapana-library-chart\n").count(),
        found.len()
    );
}

// ------------------------------------------------- against Helm's goldens

#[test]
fn in_memory_tree_renders_as_helm_renders_the_committed_build() {
    let chart = admin();
    let mut checked = 0;
    for set in [None, Some("fake"), Some("deploy"), Some("null-hostname")] {
        let id = match set {
            Some(s) => format!("kaapana-admin-chart@{s}"),
            None => "kaapana-admin-chart".into(),
        };
        let path = fixtures().join(format!("golden/charts/{id}.json"));
        let golden: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("golden")).expect("JSON");
        let ours = render(&chart, &value_set(set));
        match (golden.get("manifests"), golden.get("error")) {
            (Some(m), _) => {
                let expected: BTreeMap<String, String> =
                    serde_json::from_value(m.clone()).expect("manifests");
                assert_eq!(ours.as_ref(), Ok(&expected), "{id}");
            }
            (None, Some(e)) => assert_eq!(ours.err().as_deref(), e.as_str(), "{id}"),
            _ => panic!("{id}: golden has neither manifests nor error"),
        }
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn assembled_files_are_the_committed_build_byte_for_byte() {
    let files = scan()
        .assemble("kaapana-admin-chart", &fixture_build())
        .expect("assembles");
    let committed = read_dir_files(
        &fixtures().join("kaapana/build/kaapana-admin-chart"),
        &LoadOptions::default(),
    )
    .expect("committed build");
    let a: BTreeMap<&str, &[u8]> = files.iter().map(|f| (f.name.as_str(), &*f.data)).collect();
    let b: BTreeMap<&str, &[u8]> = committed
        .iter()
        .map(|f| (f.name.as_str(), &*f.data))
        .collect();
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b.get(k) == Some(v), "{k} differs");
    }
}

fn build_golden() -> serde_json::Value {
    let path = fixtures().join("golden/kaapana/build.json");
    serde_json::from_str(&fs::read_to_string(path).expect("build golden")).expect("JSON")
}

/// The golden's hash of a render answer: sha256 of the compact JSON with
/// sorted keys (Python's `json.dumps(..., sort_keys=True,
/// ensure_ascii=False, separators=(",", ":"))`).
fn canonical(files: &BTreeMap<String, String>) -> String {
    digest(serde_json::to_string(files).expect("JSON").as_bytes())
}

#[test]
fn archives_are_reproducible_and_match_what_helm_checked() {
    let golden = build_golden();
    let archives = golden["archives"].as_object().expect("archives");
    assert_eq!(archives.len(), 2);
    let tree = scan();
    for root in ["kaapana-admin-chart", "kaapana-extension-collection"] {
        let chart = tree.resolve(root, &fixture_build()).expect("resolves");
        let tgz = package_chart(&chart).expect("packages");
        assert_eq!(tgz, package_chart(&chart).expect("packages again"));
        let name = kaapana_chart::kaapana::archive_name(&chart);
        let g = &archives[&name];
        assert_eq!(
            digest(&tgz),
            g["digest"].as_str().expect("digest"),
            "{name}"
        );
        // What Helm rendered from this very archive, we render from it too.
        let loaded = load_archive(&tgz).expect("our archive loads");
        for (set, want) in g["renders"].as_object().expect("renders") {
            let values = value_set((set != "default").then_some(set.as_str()));
            match render(&loaded, &values) {
                Ok(files) => assert_eq!(
                    Some(canonical(&files).as_str()),
                    want["manifests"].as_str(),
                    "{name}@{set}"
                ),
                Err(e) => assert_eq!(Some(e.as_str()), want["error"].as_str(), "{name}@{set}"),
            }
        }
    }
}

#[test]
fn deployment_config_lists_collections_and_preinstalled_extensions() {
    let config = scan()
        .deployment_config("kaapana-admin-chart")
        .expect("reads")
        .expect("present");
    assert_eq!(config.collections, ["kaapana-extension-collection"]);
    assert_eq!(
        config.preinstall,
        ["kaapana-platform-chart", "code-server-chart"]
    );
    let values = admin().values;
    let global = values.get("global").expect("global");
    let cols = global.get("kaapana_collections").expect("collections");
    let first = cols.as_list().and_then(|l| l.items().first().cloned());
    assert_eq!(
        first
            .and_then(|c| c.get("version"))
            .and_then(|v| v.as_str().map(str::to_owned)),
        Some("0.6.0".to_owned())
    );
    assert!(scan()
        .deployment_config("kaapana-platform-chart")
        .expect("reads")
        .is_none());
}

// ------------------------------------------------------------------ errors

/// A scratch source tree, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("kc-tree-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch");
        Scratch(dir)
    }

    /// A chart folder `rel` named `name` with `deps` (name, version).
    fn chart(&self, rel: &str, name: &str, version: &str, deps: &[(&str, &str)]) -> &Scratch {
        let dir = self.0.join(rel);
        fs::create_dir_all(dir.join("templates")).expect("dir");
        fs::write(
            dir.join("Chart.yaml"),
            format!("apiVersion: v1\nname: {name}\nversion: {version}\n"),
        )
        .expect("Chart.yaml");
        if !deps.is_empty() {
            let mut req = String::from("dependencies:\n");
            for (n, v) in deps {
                req.push_str(&format!(
                    "  - name: {n}\n    version: {v}\n    repository: file://../{n}\n"
                ));
            }
            fs::write(dir.join("requirements.yaml"), req).expect("requirements");
        }
        fs::write(
            dir.join("templates/cm.yaml"),
            format!("kind: ConfigMap\nmetadata:\n  name: {name}\n"),
        )
        .expect("template");
        self
    }

    fn scan(&self, ignore: &[&str]) -> kaapana_chart::Result<SourceTree> {
        let opts = ScanOptions {
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            ..ScanOptions::default()
        };
        SourceTree::scan(&[&self.0], &opts)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn duplicate_names_are_an_error_naming_both_paths() {
    let s = Scratch::new("dup");
    s.chart("a/web", "web", "0.0.0", &[])
        .chart("b/web-copy", "web", "0.0.0", &[]);
    let err = s.scan(&[]).expect_err("duplicate");
    let msg = err.to_string();
    assert!(msg.contains("two charts are named \"web\""), "{msg}");
    assert!(msg.contains("a/web") && msg.contains("b/web-copy"), "{msg}");
    // Ignoring one of them resolves it.
    assert!(s.scan(&["b"]).is_ok());
}

#[test]
fn several_roots_and_overlapping_roots() {
    let parts = [
        src().join("platforms"),
        src().join("services"),
        src().join("data-processing"),
        src().join("extension-collection"),
        src().join("applications"),
        src().join("services/apps"),
    ];
    let tree = SourceTree::scan(&parts, &ScanOptions::default()).expect("scans");
    assert_eq!(tree.charts().count(), scan().charts().count());
    let a = tree
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree");
    let b = scan()
        .tree("kaapana-admin-chart", &fixture_build())
        .expect("tree");
    assert_eq!(a.to_text(), b.to_text());
}

#[test]
fn charts_are_found_by_declared_name_not_folder() {
    let s = Scratch::new("name");
    s.chart("app", "app", "0.0.0", &[("the-lib", "0.0.0")])
        .chart("folder-name-differs", "the-lib", "0.0.0", &[]);
    let tree = s.scan(&[]).expect("scans");
    let chart = tree
        .resolve("app", &BuildOptions::new("2.0.0"))
        .expect("resolves");
    assert_eq!(chart.dependencies[0].metadata.name, "the-lib");
    assert_eq!(chart.dependencies[0].metadata.version, "2.0.0");
    // requirements.yaml keeps everything but its repository lines.
    let req = chart
        .files
        .iter()
        .find(|f| f.name == "requirements.yaml")
        .expect("requirements");
    let text = String::from_utf8_lossy(&req.data);
    assert!(
        !text.contains("repository") && text.contains("name: the-lib"),
        "{text}"
    );
    // Not a platform (no deployment_config.yaml): no globals injected.
    assert!(chart.values.get("global").is_none());
}

#[test]
fn version_mismatch_is_an_error_naming_both() {
    let s = Scratch::new("ver");
    s.chart("app", "app", "0.0.0", &[("lib", "1.2.0")])
        .chart("lib", "lib", "1.3.0", &[]);
    let tree = s.scan(&[]).expect("scans");
    let err = tree
        .resolve("app", &BuildOptions::new("0.6.0"))
        .expect_err("mismatch");
    let msg = err.to_string();
    assert!(msg.contains("requires lib version 1.2.0"), "{msg}");
    assert!(msg.contains("has version 1.3.0"), "{msg}");
    // 0.0.0 means the build version: a chart pinned to another is a mismatch.
    let s2 = Scratch::new("ver2");
    s2.chart("app", "app", "0.0.0", &[("lib", "0.0.0")])
        .chart("lib", "lib", "1.3.0", &[]);
    let err = s2
        .scan(&[])
        .expect("scans")
        .resolve("app", &BuildOptions::new("0.6.0"))
        .expect_err("mismatch");
    assert!(
        err.to_string().contains("requires lib version 0.6.0"),
        "{err}"
    );
    // A matching explicit version resolves.
    let s3 = Scratch::new("ver3");
    s3.chart("app", "app", "0.0.0", &[("lib", "1.3.0")])
        .chart("lib", "lib", "1.3.0", &[]);
    assert!(s3
        .scan(&[])
        .expect("scans")
        .resolve("app", &BuildOptions::new("0.6.0"))
        .is_ok());
}

#[test]
fn missing_dependency_and_cycles_are_errors() {
    let s = Scratch::new("missing");
    s.chart("app", "app", "0.0.0", &[("nowhere", "0.0.0")]);
    let err = s
        .scan(&[])
        .expect("scans")
        .tree("app", &BuildOptions::new("0.6.0"))
        .expect_err("missing");
    assert!(
        err.to_string()
            .contains("depends on \"nowhere\", which is not in the source tree"),
        "{err}"
    );
    let s = Scratch::new("cycle");
    s.chart("a", "a", "0.0.0", &[("b", "0.0.0")])
        .chart("b", "b", "0.0.0", &[("a", "0.0.0")]);
    let err = s
        .scan(&[])
        .expect("scans")
        .resolve("a", &BuildOptions::new("0.6.0"))
        .expect_err("cycle");
    assert!(
        err.to_string().contains("dependency cycle: a -> b -> a"),
        "{err}"
    );
    let err = s
        .scan(&[])
        .expect("scans")
        .resolve("zzz", &BuildOptions::new("0.6.0"))
        .expect_err("unknown root");
    assert!(err.to_string().contains("no chart named \"zzz\""), "{err}");
}

#[test]
fn ignore_patterns_match_components_never_substrings() {
    let s = Scratch::new("ignore");
    s.chart("tests/t", "t", "0.0.0", &[])
        .chart("latest/l", "l", "0.0.0", &[])
        .chart("work/wip-x", "x", "0.0.0", &[])
        .chart("deep/services/flow/f", "f", "0.0.0", &[]);
    let names = |ignore: &[&str]| -> Vec<String> {
        s.scan(ignore)
            .expect("scans")
            .charts()
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(names(&[]), ["f", "l", "t", "x"]);
    // "test" is no component: Kaapana's substring match would drop
    // tests/ and latest/; ours keeps both.
    assert_eq!(names(&["test"]), ["f", "l", "t", "x"]);
    assert_eq!(names(&["tests"]), ["f", "l", "x"]);
    assert_eq!(names(&["wip-*"]), ["f", "l", "t"]);
    assert_eq!(names(&["services/flow"]), ["l", "t", "x"]);
    assert_eq!(names(&["/services"]), ["f", "l", "t", "x"]);
    // A root's own location never matters: the scratch folder's name
    // contains "kc-tree" but the patterns see only paths below the root.
    assert_eq!(names(&["kc-tree-*"]), ["f", "l", "t", "x"]);
}

#[test]
fn copy_limit_on_each_side() {
    // app -> a, b; a -> lib; b -> lib: 5 copies.
    let s = Scratch::new("copies");
    s.chart("app", "app", "0.0.0", &[("a", "0.0.0"), ("b", "0.0.0")])
        .chart("a", "a", "0.0.0", &[("lib", "0.0.0")])
        .chart("b", "b", "0.0.0", &[("lib", "0.0.0")])
        .chart("lib", "lib", "0.0.0", &[]);
    let tree = s.scan(&[]).expect("scans");
    let mut opts = BuildOptions::new("1.0.0");
    assert_eq!(opts.max_copies, MAX_CHART_COPIES);
    opts.max_copies = 5;
    assert!(tree.resolve("app", &opts).is_ok());
    opts.max_copies = 4;
    let err = tree.resolve("app", &opts).expect_err("over the limit");
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
}

#[test]
fn scan_limits_on_each_side() {
    let s = Scratch::new("scanlimits");
    s.chart("a/b/c", "c", "0.0.0", &[]);
    let with = |depth: usize, entries: usize| {
        let opts = ScanOptions {
            max_depth: depth,
            max_entries: entries,
            ..ScanOptions::default()
        };
        SourceTree::scan(&[&s.0], &opts)
    };
    // a/b/c/templates: 4 levels below the root; 6 entries (a, b, c,
    // Chart.yaml, templates, cm.yaml).
    assert!(with(4, 6).is_ok());
    assert_eq!(
        with(3, 6).expect_err("too deep").kind(),
        ErrorKind::LimitExceeded
    );
    assert_eq!(
        with(4, 5).expect_err("too many").kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn bad_build_version_and_bad_chart_name_are_refused() {
    let s = Scratch::new("bad");
    s.chart("app", "app", "0.0.0", &[]);
    let tree = s.scan(&[]).expect("scans");
    assert!(tree
        .resolve("app", &BuildOptions::new("1.0\"\nx: y"))
        .is_err());
    let s = Scratch::new("badname");
    s.chart("evil", "../evil", "0.0.0", &[]);
    let err = s.scan(&[]).expect_err("a path as name");
    assert!(err.to_string().contains("not usable"), "{err}");
}

#[test]
fn depth_limit_on_each_side() {
    use kaapana_chart::kaapana::MAX_TREE_DEPTH;
    // A chain c0 -> c1 -> ... -> c<n>: c<n> is nested n levels deep.
    let chain = |tag: &str, n: usize| {
        let s = Scratch::new(tag);
        for i in 0..=n {
            let next = format!("c{}", i + 1);
            let deps: Vec<(&str, &str)> = if i < n {
                vec![(next.as_str(), "0.0.0")]
            } else {
                vec![]
            };
            s.chart(&format!("c{i}"), &format!("c{i}"), "0.0.0", &deps);
        }
        let result = s
            .scan(&[])
            .expect("scans")
            .resolve("c0", &BuildOptions::new("1.0.0"));
        result.map(|_| ())
    };
    assert!(chain("depth-ok", MAX_TREE_DEPTH).is_ok());
    let err = chain("depth-over", MAX_TREE_DEPTH + 1).expect_err("too deep");
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}
