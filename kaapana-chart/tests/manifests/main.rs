//! The manifest stream (`kaapana_chart::manifest`) against real Helm.
//!
//! Every chart under `fixtures/manifests/<case>/` is loaded with our loader,
//! rendered with our engine (the templates are static text) and sorted; the
//! result is compared byte for byte with `fixtures/golden/manifests/<case>.json`,
//! which `fixtures/tools/gen-manifest-goldens` writes from Helm's own answer
//! (`helm install --dry-run=client`): the release manifest or Helm's error,
//! and the chart's `CRDObjects()`.
//!
//! What the oracle cannot show is tested against Helm's source instead, and
//! says so where it is: the SDK's install summary has no hooks and no CRDs,
//! and there is no `helm template` entry point, so the hook part of the
//! stream, `--include-crds`, `--skip-tests`, `--no-hooks` and `--show-only`
//! follow `pkg/cmd/template.go` and `pkg/action/action.go` (Helm v4.2.3)
//! as read, building on the oracle-checked manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kaapana_chart::chart::{loader, Chart};
use kaapana_chart::manifest::{
    crd_objects, sort_manifests, split_manifests, template_output, HookEvent, TemplateOptions,
};
use kaapana_chart::{Engine, TemplateFile, Value};
use serde_json::Value as Json;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The chart's templates (and its subcharts'), named as Helm's engine names
/// them: `<chart path>/templates/…` with `<chart path>` = `top/charts/sub…`.
fn template_files(chart: &Chart, full: &str, out: &mut Vec<TemplateFile>) {
    for t in &chart.templates {
        let src = String::from_utf8(t.data.to_vec()).expect("fixture templates are UTF-8");
        out.push(TemplateFile::new(
            format!("{full}/{}", t.name),
            src,
            format!("{full}/templates"),
        ));
    }
    for dep in &chart.dependencies {
        template_files(dep, &format!("{full}/charts/{}", dep.metadata.name), out);
    }
}

struct Case {
    name: String,
    chart: Chart,
    rendered: BTreeMap<String, String>,
    golden: Json,
}

fn load_case(name: &str) -> Case {
    let dir = fixtures().join("manifests").join(name);
    let chart = loader::load(&dir).unwrap_or_else(|e| panic!("{name}: load: {e}"));
    let mut files = Vec::new();
    template_files(&chart, &chart.metadata.name.clone(), &mut files);
    let root = Value::from_iter([("Values", Value::empty_map())]);
    let rendered = Engine::new()
        .render_templates(&files, &root)
        .unwrap_or_else(|e| panic!("{name}: render: {e}"));
    let golden_path = fixtures()
        .join("golden/manifests")
        .join(format!("{name}.json"));
    let golden: Json = serde_json::from_str(
        &std::fs::read_to_string(&golden_path)
            .unwrap_or_else(|e| panic!("{}: {e}", golden_path.display())),
    )
    .expect("golden is JSON");
    Case {
        name: name.to_owned(),
        chart,
        rendered,
        golden,
    }
}

fn all_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("manifests"))
        .expect("fixtures/manifests")
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn no_hooks() -> TemplateOptions {
    TemplateOptions {
        no_hooks: true,
        ..Default::default()
    }
}

/// `renderResources`' form of one document.
fn doc(name: &str, content: &str) -> String {
    format!("---\n# Source: {name}\n{content}\n")
}

/// The oracle-checked part: the release manifest (CRDs and hooks left out)
/// or Helm's error, for every case; and the CRDs in `CRDObjects` order.
#[test]
fn manifests_match_helm() {
    let names = all_cases();
    assert!(names.len() >= 25, "only {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let case = load_case(name);
        // `helm template` prints strings.TrimSpace(release manifest) + "\n"
        // (pkg/cmd/template.go); without hooks that is the whole output.
        let got = template_output(&case.rendered, &[], &no_hooks());
        match (&got, case.golden.get("manifest"), case.golden.get("error")) {
            (Ok(out), Some(Json::String(m)), None) => {
                let want = format!("{}\n", m.trim());
                if *out != want {
                    failures.push(format!("{name}: output\n  ours: {out:?}\n  helm: {want:?}"));
                }
            }
            (Err(e), None, Some(Json::String(msg))) => {
                if e.to_string() != *msg {
                    failures.push(format!("{name}: error\n  ours: {e}\n  helm: {msg}"));
                }
            }
            (got, m, e) => failures.push(format!(
                "{name}: ours {got:?}, helm manifest {m:?} error {e:?}"
            )),
        }
        // CRDObjects: file names and raw contents, in Helm's order.
        let ours: Vec<(String, String)> = crd_objects(&case.chart)
            .into_iter()
            .map(|c| (c.filename, String::from_utf8_lossy(&c.data).into_owned()))
            .collect();
        let helm: Vec<(String, String)> = case.golden["crds"]
            .as_array()
            .expect("crds")
            .iter()
            .map(|c| {
                (
                    c["filename"].as_str().unwrap_or_default().to_owned(),
                    c["data"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        if ours != helm {
            failures.push(format!("{name}: crds\n  ours: {ours:?}\n  helm: {helm:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Helm:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

/// `--include-crds` (per Helm's source: renderResources writes every CRD
/// raw before the resources, in the same `---\n# Source:` form). The CRDs
/// and the manifest are the oracle's.
#[test]
fn include_crds_prepends_raw_crds() {
    let case = load_case("crds");
    let crds = crd_objects(&case.chart);
    let opts = TemplateOptions {
        include_crds: true,
        no_hooks: true,
        ..Default::default()
    };
    let out = template_output(&case.rendered, &crds, &opts).expect("renders");
    let mut release = String::new();
    for c in case.golden["crds"].as_array().expect("crds") {
        release.push_str(&doc(
            c["filename"].as_str().expect("filename"),
            c["data"].as_str().expect("data"),
        ));
    }
    release.push_str(case.golden["manifest"].as_str().expect("manifest"));
    assert_eq!(out, format!("{}\n", release.trim()), "{}", case.name);
}

/// Hooks (per Helm's source): `SortManifests` sorts them by kind like
/// resources (stable, not by weight); `helm template` prints them after the
/// trimmed manifest, in that order, each as `---\n# Source: <path>\n<doc>\n`.
/// Which documents are hooks is oracle-checked: they are exactly the ones
/// missing from Helm's manifest.
#[test]
fn hooks_follow_the_manifest_sorted_by_kind() {
    let case = load_case("hooks");
    let (hooks, _) = sort_manifests(&case.rendered).expect("sorts");
    let summary: Vec<(&str, &str, i64)> = hooks
        .iter()
        .map(|h| (h.kind.as_str(), h.name.as_str(), h.weight))
        .collect();
    // ConfigMap < Pod < Job in InstallOrder; the two Jobs keep file order.
    // Weights: "5", "-3"; " 1 " and "x" are not Atoi integers, so 0.
    assert_eq!(
        summary,
        [
            ("ConfigMap", "cfg", 0),
            ("Pod", "after", -3),
            ("Job", "migrate", 5),
            ("Job", "cleanup", 0)
        ]
    );
    assert_eq!(
        hooks[2].events,
        [HookEvent::PreInstall, HookEvent::PreUpgrade]
    );
    // Entries are trimmed and lower-cased.
    assert_eq!(
        hooks[3].events,
        [HookEvent::PostDelete, HookEvent::PreRollback]
    );
    assert_eq!(
        hooks[3].delete_policies,
        ["before-hook-creation", "hook-succeeded"]
    );
    assert!(hooks.iter().all(|h| h.path == "hooks/templates/hooks.yaml"));

    let out = template_output(&case.rendered, &[], &TemplateOptions::default()).expect("renders");
    let mut want = format!(
        "{}\n",
        case.golden["manifest"].as_str().expect("manifest").trim()
    );
    for h in &hooks {
        want.push_str(&doc(&h.path, &h.manifest));
    }
    assert_eq!(out, want);
    // The hook documents are the file's documents, as split.
    let file = &case.rendered["hooks/templates/hooks.yaml"];
    let docs = split_manifests(file);
    assert_eq!(hooks[0].manifest, docs[3]);
    assert_eq!(hooks[3].manifest, docs[4]);
}

/// Per Helm's source: a chart with hooks only prints an empty manifest line
/// (`fmt.Fprintln` of an empty string) before the hooks.
#[test]
fn only_hooks_start_with_an_empty_line() {
    let case = load_case("only-hooks");
    assert_eq!(case.golden["manifest"], "");
    let out = template_output(&case.rendered, &[], &TemplateOptions::default()).expect("renders");
    let file = &case.rendered["only-hooks/templates/a.yaml"];
    assert_eq!(
        out,
        format!(
            "\n{}",
            doc("only-hooks/templates/a.yaml", file.trim_start())
        )
    );
}

/// `--skip-tests` drops hooks with the `test` event (`test-success` too);
/// `--no-hooks` drops them all (per Helm's source).
#[test]
fn skip_tests_and_no_hooks() {
    let case = load_case("hooks-test");
    let (hooks, _) = sort_manifests(&case.rendered).expect("sorts");
    assert_eq!(hooks.len(), 2);
    assert!(hooks.iter().all(|h| h.is_test()));
    let manifest = format!(
        "{}\n",
        case.golden["manifest"].as_str().expect("manifest").trim()
    );
    let skip = TemplateOptions {
        skip_tests: true,
        ..Default::default()
    };
    assert_eq!(
        template_output(&case.rendered, &[], &skip).expect("renders"),
        manifest
    );
    assert_eq!(
        template_output(&case.rendered, &[], &no_hooks()).expect("renders"),
        manifest
    );
    let all = template_output(&case.rendered, &[], &TemplateOptions::default()).expect("renders");
    assert!(all.starts_with(&manifest) && all.len() > manifest.len());
}

/// `--show-only` (per Helm's source): the printed text is split again; a
/// document is kept when the path after the top chart's name in its
/// `# Source:` line matches the pattern (Go's `filepath.Match`); patterns
/// are applied in order, each printing its matches as `---\n<doc>\n`; a
/// pattern without a match is an error.
#[test]
fn show_only_filters_by_source_path() {
    let case = load_case("subcharts");
    let full = template_output(&case.rendered, &[], &no_hooks()).expect("renders");
    let docs = split_manifests(&full);
    let pick = |patterns: &[&str]| {
        template_output(
            &case.rendered,
            &[],
            &TemplateOptions {
                show_only: patterns.iter().map(|p| p.to_string()).collect(),
                no_hooks: true,
                ..Default::default()
            },
        )
    };
    let shown = |want: &[&str]| -> String {
        want.iter()
            .map(|w| {
                let d = docs
                    .iter()
                    .find(|d| d.contains(&format!("# Source: subcharts/{w}\n")))
                    .expect("document present");
                format!("---\n{d}\n")
            })
            .collect()
    };
    assert_eq!(
        pick(&["templates/a.yaml"]).expect("shown"),
        shown(&["templates/a.yaml"])
    );
    // A glob, and a pattern repeated: each pattern prints its own matches.
    let sub = pick(&["charts/sub/templates/*", "templates/a.yaml"]).expect("shown");
    assert_eq!(sub.matches("# Source: subcharts/charts/sub/").count(), 2);
    assert!(sub.ends_with(&shown(&["templates/a.yaml"])));
    // `*` does not cross `/`.
    assert_eq!(
        pick(&["charts/*/templates/*.yaml"])
            .expect("shown")
            .matches("---\n")
            .count(),
        3
    );
    assert_eq!(
        pick(&["charts/*"]).unwrap_err().to_string(),
        "could not find template charts/* in chart"
    );
    assert_eq!(
        pick(&["templates/a.yaml", "nope.yaml"])
            .unwrap_err()
            .to_string(),
        "could not find template nope.yaml in chart"
    );
}

/// `--hide-secret` (per Helm's source) replaces `v1` Secrets only.
#[test]
fn hide_secret_replaces_v1_secrets() {
    let case = load_case("sep-trailing");
    let opts = TemplateOptions {
        hide_secret: true,
        no_hooks: true,
        ..Default::default()
    };
    let out = template_output(&case.rendered, &[], &opts).expect("renders");
    assert!(out.starts_with(
        "---\n# Source: sep-trailing/templates/c.yaml\n# HIDDEN: The Secret output has been suppressed\n"
    ));
    assert!(!out.contains("kind: Secret"));
}
