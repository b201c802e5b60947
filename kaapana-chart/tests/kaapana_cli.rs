//! `kaapana-chart tree`, `build` and `template --source` on
//! `fixtures/kaapana/src`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kaapana-chart"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn src() -> PathBuf {
    fixtures().join("kaapana/src")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// A scratch folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("kc-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fixture build's flags (the golden's `build_args`).
fn golden_build_args() -> Vec<String> {
    let path = fixtures().join("golden/kaapana/build.json");
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden")).expect("JSON");
    golden["build_args"]
        .as_array()
        .expect("build_args")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

#[test]
fn tree_prints_the_box_drawn_tree() {
    let text = stdout(&run(bin().arg("tree").arg(src())));
    assert!(text.starts_with("kaapana-admin-chart\n├── admin-namespace\n"));
    assert!(
        text.contains("│       │   └── services-namespace\n"),
        "{text}"
    );
    assert!(text.contains("├── migration-chart (disabled: migration-chart.enabled)\n"));
    assert!(text.ends_with("└── traefik-chart\n"));
}

#[test]
fn tree_json_has_the_same_tree() {
    let text = stdout(&run(bin().arg("tree").arg(src()).args([
        "--output",
        "json",
        "--version",
        "1.2.3",
    ])));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["name"], "kaapana-admin-chart");
    assert_eq!(json["version"], "1.2.3");
    let children = json["children"].as_array().expect("children");
    let migration = children
        .iter()
        .find(|c| c["name"] == "migration-chart")
        .expect("listed");
    assert_eq!(migration["enabled"], false);
    assert_eq!(migration["condition"], "migration-chart.enabled");
    let lib = children
        .iter()
        .find(|c| c["name"] == "kaapana-library-chart")
        .expect("library");
    assert_eq!(lib["library"], true);
}

#[test]
fn tree_of_an_unknown_root_fails() {
    let out = run(bin().arg("tree").arg(src()).args(["--root", "nope"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no chart named \"nope\""));
}

#[test]
fn build_prints_reproducible_digests_and_writes_folders() {
    let golden: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("golden/kaapana/build.json")).expect("golden"),
    )
    .expect("JSON");
    let scratch = Scratch::new("build");
    let mut printed = Vec::new();
    for run_no in 0..2 {
        let out_dir = scratch.0.join(format!("out{run_no}"));
        let text = stdout(&run(bin()
            .arg("build")
            .arg(src())
            .arg("--out")
            .arg(&out_dir)
            .args(golden_build_args())));
        printed.push(text.clone());
        for line in text.lines() {
            let (digest, archive) = line.split_once("  ").expect("digest  archive");
            assert_eq!(
                golden["archives"][archive]["digest"].as_str(),
                Some(digest),
                "{archive}"
            );
            assert!(out_dir.join(archive).is_file());
        }
        assert_eq!(text.lines().count(), 2);
        assert!(out_dir.join("kaapana-admin-chart/Chart.yaml").is_file());
        assert!(out_dir
            .join("kaapana-extension-collection/charts/kaapana-platform-chart/Chart.yaml")
            .is_file());
    }
    assert_eq!(printed[0], printed[1]);
    // Nothing is overwritten.
    let again = run(bin()
        .arg("build")
        .arg(src())
        .arg("--out")
        .arg(scratch.0.join("out0")));
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn template_from_source_equals_template_of_the_built_folder() {
    let scratch = Scratch::new("template");
    let out_dir = scratch.0.join("out");
    stdout(&run(bin()
        .arg("build")
        .arg(src())
        .arg("--out")
        .arg(&out_dir)
        .args(["--version", "0.6.0"])));
    let fake = src().join("platforms/kaapana-admin-chart/values-fake.yaml");
    let from_folder = stdout(&run(bin()
        .arg("template")
        .arg(out_dir.join("kaapana-admin-chart"))
        .arg("-f")
        .arg(&fake)));
    let from_source = stdout(&run(bin()
        .arg("template")
        .arg("--source")
        .arg(src())
        .args(["--source-version", "0.6.0", "kaapana-admin-chart", "-f"])
        .arg(&fake)));
    assert!(from_folder.contains("kind: "));
    assert_eq!(from_source, from_folder);
    assert!(!from_source.contains("kaapana-migration"));
}
