//! Extension charts rendered with `extension_params`, against real Helm
//! rendering the same charts with the `--set`/`--set-string` flags Kaapana's
//! backend would pass (goldens from `fixtures/tools/gen-param-goldens`,
//! cases in `fixtures/params/cases.json`), through the library and through
//! the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kaapana_chart::chart::coalesce::ValueOptions;
use kaapana_chart::chart::loader;
use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
use kaapana_chart::kaapana::release::{release_name, seeded_rng};
use kaapana_chart::{values_from_yaml, Engine, Error, ErrorKind, Release};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

struct Case {
    id: String,
    chart: PathBuf,
    globals: PathBuf,
    params: serde_json::Value,
    name: String,
    namespace: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures().join("params/cases.json")).expect("cases");
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("cases JSON");
    list.into_iter()
        .map(|c| Case {
            id: c["id"].as_str().expect("id").to_owned(),
            chart: fixtures().join(c["chart"].as_str().expect("chart")),
            globals: fixtures().join(c["globals"].as_str().expect("globals")),
            params: c["params"].clone(),
            name: c["name"].as_str().expect("name").to_owned(),
            namespace: c["namespace"].as_str().expect("namespace").to_owned(),
        })
        .collect()
}

fn golden(id: &str) -> serde_json::Value {
    let path = fixtures().join("golden/params").join(format!("{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("golden")).expect("golden JSON")
}

fn manifests(golden: &serde_json::Value) -> BTreeMap<String, String> {
    golden["manifests"]
        .as_object()
        .expect("the golden rendered")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_owned()))
        .collect()
}

fn render(case: &Case) -> BTreeMap<String, String> {
    let chart = loader::load(&case.chart).expect("chart loads");
    let params = ExtensionParams::from_chart(&chart).expect("params parse");
    let submission = Submission::from_json(&case.params.to_string()).expect("submission");
    let globals =
        values_from_yaml(&std::fs::read_to_string(&case.globals).expect("globals")).expect("YAML");
    let user = params.values_for(&submission, &globals).expect("values");
    let release = Release {
        name: case.name.clone(),
        namespace: case.namespace.clone(),
        ..Release::default()
    };
    Engine::new()
        .render_chart(&chart, &user, &release)
        .expect("renders")
        .files
}

#[test]
fn every_case_renders_as_helm_does_with_kaapanas_flags() {
    let all = cases();
    assert!(all.len() >= 9);
    for case in &all {
        assert_eq!(render(case), manifests(&golden(&case.id)), "{}", case.id);
    }
}

#[test]
fn the_goldens_flags_through_our_own_set_parsing_render_the_same() {
    // The --set/--set-string/--set-json flags the generator derived, applied
    // by this crate's strvals (Helm's order: JSON, --set, --set-string):
    // what Kaapana's command line would give, without the oracle.
    for case in cases() {
        let g = golden(&case.id);
        let mut opts = ValueOptions::default();
        for pair in g["sets"].as_array().expect("sets") {
            let expr = pair[1].as_str().expect("expr").to_owned();
            match pair[0].as_str().expect("flag") {
                "--set" => opts.values.push(expr),
                "--set-string" => opts.string_values.push(expr),
                "--set-json" => opts.json_values.push(expr),
                other => panic!("unexpected flag {other}"),
            }
        }
        let user = opts
            .merge(&|p| Err(Error::new(ErrorKind::Io, format!("open {p}: not used"))))
            .expect("flags parse");
        let chart = loader::load(&case.chart).expect("chart loads");
        let release = Release {
            name: case.name.clone(),
            namespace: case.namespace.clone(),
            ..Release::default()
        };
        let files = Engine::new()
            .render_chart(&chart, &user, &release)
            .expect("renders")
            .files;
        assert_eq!(files, manifests(&g), "{}", case.id);
    }
}

#[test]
fn both_list_multi_forms_render_the_same() {
    assert_eq!(
        manifests(&golden("nnunet-tasks-list")),
        manifests(&golden("nnunet-tasks-string"))
    );
    let text = manifests(&golden("nnunet-tasks-list"))
        .into_values()
        .collect::<String>();
    assert!(text.contains("value: \"lungs,liver\""), "{text}");
}

#[test]
fn the_users_choice_beats_the_charts_own_global() {
    let files = manifests(&golden("quirk-choices"));
    let text: String = files.into_values().collect();
    assert!(text.contains("launch_mode: \"debug\""));
    // The chart's non-parameter string global still beats the platform's,
    // as in Kaapana; its bool global does not.
    assert!(text.contains("label: \"from-chart\""));
    assert!(text.contains("gpu_support: \"true\""));
    assert!(text.contains("preinstall: \"false\""));
    let defaults: String = manifests(&golden("quirk-defaults")).into_values().collect();
    assert!(defaults.contains("launch_mode: \"default\""), "{defaults}");
}

#[test]
fn the_suffix_case_is_named_as_release_name_names_it() {
    let case = cases()
        .into_iter()
        .find(|c| c.id == "quirk-choices")
        .expect("case");
    let chart = loader::load(&case.chart).expect("chart");
    let params = ExtensionParams::from_chart(&chart).expect("params");
    let submission = Submission::from_json(&case.params.to_string()).expect("submission");
    assert_eq!(
        release_name(&chart, &params, &submission, &mut seeded_rng(0)).expect("name"),
        case.name
    );
}

#[test]
fn every_variant_of_every_fixture_extension_renders() {
    let collection = fixtures().join(
        "kaapana/build/kaapana-admin-chart/charts/kaapana-admin-chart-collections/charts/kaapana-extension-collection/charts",
    );
    let globals = values_from_yaml(
        &std::fs::read_to_string(fixtures().join("params/globals.yaml")).expect("globals"),
    )
    .expect("YAML");
    let mut renders = 0;
    for entry in std::fs::read_dir(&collection).expect("collection") {
        let dir = entry.expect("entry").path();
        let chart = loader::load(&dir).expect("chart");
        let params = ExtensionParams::from_chart(&chart).expect("params");
        for variant in params.variants() {
            let user = params
                .values_for(&variant.submission, &globals)
                .expect("values");
            Engine::new()
                .render_chart(&chart, &user, &Release::default())
                .unwrap_or_else(|e| panic!("{} {}: {e}", dir.display(), variant.label));
            renders += 1;
        }
    }
    assert!(renders > 40, "{renders}");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kaapana-chart"))
}

#[test]
fn cli_render_with_param_and_globals_matches_the_golden() {
    for id in ["nnunet-tasks-string", "quirk-choices", "quirk-bare-globals"] {
        let case = cases().into_iter().find(|c| c.id == id).expect("case");
        let mut cmd = bin();
        cmd.arg("render")
            .arg(&case.chart)
            .args(["--name", &case.name, "-n", &case.namespace])
            .arg("--globals")
            .arg(&case.globals);
        for (k, v) in case.params.as_object().expect("map") {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().expect("string item"))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            cmd.arg("--param").arg(format!("{k}={v}"));
        }
        let out = cmd.output().expect("runs");
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(ours["manifests"], golden(id)["manifests"], "{id}");
    }
}

#[test]
fn cli_template_takes_params() {
    let chart = fixtures().join("params/charts/quirk-extension");
    let out = bin()
        .arg("template")
        .arg("launch-1")
        .arg(&chart)
        .args(["--param", "gpu=true", "--param", "task_ids=lungs"])
        .arg("--globals")
        .arg(fixtures().join("params/globals-bare.yaml"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  gpu_branch: \"on\"\n"), "{text}");
    assert!(text.contains("  task_ids: \"lungs\"\n"), "{text}");
    assert!(text.contains("  project: \"other\"\n"), "{text}");
    // Explicit --set still wins over a parameter.
    let out = bin()
        .arg("template")
        .arg(&chart)
        .args(["--param", "note=x", "--set", "global.note=y"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("  note: \"y\"\n"));
}

#[test]
fn cli_rejects_bad_params_with_exit_1() {
    let chart = fixtures().join("params/charts/quirk-extension");
    for (arg, want) in [
        (
            "launch_mode=nope",
            "\"nope\" is not among the choices (default, debug)",
        ),
        ("gpu=maybe", "expects true or false"),
        ("note=a;b", "contains ';'"),
        ("unknown=1", "is not declared by the chart"),
        ("docs=x", "takes no value"),
        ("novalue", "expected key=value"),
    ] {
        let out = bin()
            .arg("template")
            .arg(&chart)
            .args(["--param", arg])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{arg}: {err}");
    }
    let out = bin()
        .arg("render")
        .arg(&chart)
        .args(["--globals", "/nonexistent/globals.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cli_params_lists_table_and_json() {
    let chart = fixtures().join("params/charts/quirk-extension");
    let out = bin().arg("params").arg(&chart).output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].starts_with("KEY  "));
    // Declaration order of the file.
    let keys: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        [
            "launch_mode",
            "task_ids",
            "gpu",
            "note",
            "display_name",
            "docs"
        ]
    );
    let out = bin()
        .arg("params")
        .arg(&chart)
        .args(["--output", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["chart"], "quirk-extension");
    assert_eq!(json["multi_installable"], true);
    assert_eq!(json["suffix_param_key"], "display_name");
    assert_eq!(json["params"][1]["key"], "task_ids");
    assert_eq!(json["params"][1]["choices"][2], "liver");
    assert_eq!(json["params"][1]["default"][0], "total");
    assert_eq!(json["params"][5]["takes_value"], false);
    assert_eq!(json["variants"][0], "defaults");
    // A chart with a malformed block.
    let dir = std::env::temp_dir().join(format!("kc-params-bad-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("values.yaml"),
        "extension_params:\n  x:\n    type: list_single\n    value: [a]\n    default: b\n",
    )
    .expect("write");
    let out = bin().arg("params").arg(&dir).output().expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("extension_params.x: default \"b\" is not among the choices (a)"));
}
