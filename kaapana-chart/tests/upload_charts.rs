//! The chart-upload corpus (fixtures/uploads/charts, built by
//! fixtures/tools/gen-uploads): every case through
//! `upload::check_chart_archive` with the Kaapana globals and the default
//! (strict) policy, against its `.expect` file; and the CLI on a few.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use kaapana_chart::upload::{check_chart_archive, Policy, Verdict};
use kaapana_chart::{values_from_yaml, Value};

fn uploads() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/uploads")
}

fn kaapana_policy() -> Policy {
    let text = std::fs::read_to_string(uploads().join("kaapana-globals.yaml")).expect("globals");
    let v = values_from_yaml(&text).expect("globals parse");
    Policy {
        globals: v.get("global").expect("a global map"),
        ..Policy::default()
    }
}

struct Expect {
    verdict: Verdict,
    rules: BTreeSet<String>,
}

fn expect(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).expect("expect file");
    let mut verdict = None;
    let mut rules = BTreeSet::new();
    for line in text.lines() {
        match line.split_once(" = ") {
            Some(("verdict", "accepted")) => verdict = Some(Verdict::Accepted),
            Some(("verdict", "rejected")) => verdict = Some(Verdict::Rejected),
            Some(("rules", list)) => {
                rules = list
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            _ if line.trim() == "rules =" => {}
            _ => panic!("{}: bad line {line:?}", path.display()),
        }
    }
    Expect {
        verdict: verdict.expect("a verdict line"),
        rules,
    }
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(uploads().join("charts"))
        .expect("charts folder")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let name = p.file_name()?.to_str()?.strip_suffix(".tgz")?.to_owned();
            Some((name, p))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_case_gets_its_expected_verdict_and_rules() {
    let policy = kaapana_policy();
    let cases = cases();
    assert!(cases.len() >= 32, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, path) in &cases {
        let bytes = std::fs::read(path).expect("case reads");
        let want = expect(&path.with_extension("expect"));
        let report = check_chart_archive(&bytes, &policy);
        let got: BTreeSet<String> = report.rules().into_iter().map(str::to_owned).collect();
        if report.verdict() != want.verdict || got != want.rules {
            failures.push(format!(
                "{name}: want {} {:?}, got {} {:?}\n{}",
                want.verdict,
                want.rules,
                report.verdict(),
                got,
                report.to_text()
            ));
        }
        // Every finding names its rule; object findings name their file.
        for f in &report.findings {
            assert!(!f.rule.is_empty() && !f.message.is_empty(), "{name}");
            if f.object.is_some() {
                assert!(f.file.is_some() && f.variant.is_some(), "{name}: {f}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_covers_both_verdicts_and_the_kaapana_shapes() {
    let cases = cases();
    let accepted = cases
        .iter()
        .filter(|(_, p)| expect(&p.with_extension("expect")).verdict == Verdict::Accepted)
        .count();
    assert!(accepted >= 8, "{accepted} accepted cases");
    assert!(cases.len() - accepted >= 24);
    for needed in [
        "k-tensorboard",
        "k-jupyterlab",
        "k-platform-like",
        "f62-no-namespace",
    ] {
        assert!(cases.iter().any(|(n, _)| n == needed), "{needed} missing");
    }
}

#[test]
fn platform_like_chart_is_rejected_for_its_admin_job() {
    let bytes = std::fs::read(uploads().join("charts/k-platform-like.tgz")).expect("case");
    let report = check_chart_archive(&bytes, &kaapana_policy());
    let job = report
        .findings
        .iter()
        .find(|f| f.rule == "namespace.admin")
        .expect("a namespace.admin finding");
    let o = job.object.as_ref().expect("about an object");
    assert_eq!(
        (o.kind.as_str(), o.name.as_str()),
        ("Job", "cert-copy-chart")
    );
    assert_eq!(o.namespace.as_deref(), Some("admin"));
    assert_eq!(
        job.file.as_deref(),
        Some("kaapana-platform-chart/charts/cert-copy-chart/templates/job.yaml")
    );
    assert_eq!(job.variant.as_deref(), Some("defaults"));
}

#[test]
fn findings_name_the_parameter_choice_that_produced_them() {
    let policy = kaapana_policy();
    for (case, rule, variant) in [
        (
            "f79-list-choice-branch",
            "namespace.admin",
            "global.mode=maintenance",
        ),
        (
            "f80-bool-param-branch",
            "scope.cluster",
            "global.debug=true",
        ),
        (
            "f81-list-multi-branch",
            "namespace.admin",
            "global.features=viewer,tools",
        ),
        ("f75-upgrade-only", "namespace.admin", "upgrade"),
        (
            "f70-disabled-subchart",
            "namespace.admin",
            "all-subcharts-enabled",
        ),
        (
            "f76-string-param-namespace",
            "namespace.from-values",
            "probe: global.target=admin",
        ),
    ] {
        let bytes = std::fs::read(uploads().join(format!("charts/{case}.tgz"))).expect("case");
        let report = check_chart_archive(&bytes, &policy);
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{case}: no {rule}\n{}", report.to_text()));
        assert_eq!(f.variant.as_deref(), Some(variant), "{case}");
    }
}

#[test]
fn extensions_installed_elsewhere_change_the_verdict_only_where_they_should() {
    // The release namespace decides where objects without a namespace go:
    // with a tenant release namespace the no-namespace case passes.
    let bytes = std::fs::read(uploads().join("charts/f62-no-namespace.tgz")).expect("case");
    let tenant = Policy {
        release_namespace: Some("extensions".into()),
        ..kaapana_policy()
    };
    assert_eq!(
        check_chart_archive(&bytes, &tenant).verdict(),
        Verdict::Accepted
    );
    // An admin namespace list without `admin` lets the admin-ns Job through
    // but still refuses the cluster-scoped Namespaces of the platform chart.
    let bytes = std::fs::read(uploads().join("charts/k-platform-like.tgz")).expect("case");
    let other = Policy {
        admin_namespaces: vec!["platform".into()],
        release_namespace: Some("extensions".into()),
        ..kaapana_policy()
    };
    assert_eq!(
        check_chart_archive(&bytes, &other).rules(),
        ["namespace.templated", "scope.cluster"]
    );
    // Allowing the kind lifts the finding.
    let allowed = Policy {
        allowed_cluster_kinds: vec!["Namespace".into()],
        ..other
    };
    assert_eq!(
        check_chart_archive(&bytes, &allowed).verdict(),
        Verdict::Accepted
    );
}

#[test]
fn without_the_globals_kaapana_extensions_do_not_render() {
    // Kaapana's templates require platform globals: the check must be given
    // them, and says so (chart.render) when it is not.
    let bytes = std::fs::read(uploads().join("charts/k-platform-like.tgz")).expect("case");
    let report = check_chart_archive(
        &bytes,
        &Policy {
            globals: Value::Nil,
            ..Policy::default()
        },
    );
    assert!(
        report.rules().contains(&"chart.render"),
        "{}",
        report.to_text()
    );
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kaapana-chart"))
}

#[test]
fn cli_exit_codes_and_reports() {
    let globals = uploads().join("kaapana-globals.yaml");
    let run = |case: &str, extra: &[&str]| {
        cli()
            .arg("check-upload")
            .arg(uploads().join("charts").join(format!("{case}.tgz")))
            .args(["--admin-namespace", "admin", "--globals"])
            .arg(&globals)
            .args(extra)
            .output()
            .expect("the binary runs")
    };
    let ok = run("k-tensorboard", &[]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("accepted: 0 errors"));

    let bad = run("k-platform-like", &["--output", "json"]);
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("JSON report");
    assert_eq!(v["verdict"], "rejected");
    let admin = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "namespace.admin")
        .expect("namespace.admin");
    assert_eq!(admin["object"]["kind"], "Job");
    assert_eq!(admin["object"]["namespace"], "admin");
    assert_eq!(admin["severity"], "error");

    let hostile = run("a14-parent-directory", &[]);
    assert_eq!(hostile.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&hostile.stdout).contains("archive.parent-directory"));

    // The release namespace flag: the no-namespace case passes in a tenant
    // namespace.
    let tenant = run("f62-no-namespace", &["--release-namespace", "extensions"]);
    assert_eq!(tenant.status.code(), Some(0));
}

#[test]
fn cli_usage_errors_exit_2() {
    let missing = cli()
        .args(["check-upload", "/nonexistent/upload.tgz"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let no_file = cli().arg("check-upload").output().expect("runs");
    assert_eq!(no_file.status.code(), Some(2));
    let bad_output = cli()
        .args(["check-upload", "x.tgz", "--output", "xml"])
        .output()
        .expect("runs");
    assert_eq!(bad_output.status.code(), Some(2));
    let bad_globals = cli()
        .arg("check-upload")
        .arg(uploads().join("charts/f74-benign-tenant.tgz"))
        .arg("--globals")
        .arg(uploads().join("charts/f74-benign-tenant.tgz"))
        .output()
        .expect("runs");
    assert_eq!(bad_globals.status.code(), Some(2));
}

#[test]
fn cli_dispatches_non_gzip_uploads_to_the_image_check() {
    let image = |case: &str| {
        cli()
            .arg("check-upload")
            .arg(uploads().join("images").join(format!("{case}.tar")))
            .args(["--output", "json"])
            .output()
            .expect("the binary runs")
    };
    let ok = image("docker-save-25");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("JSON");
    assert_eq!(v["verdict"], "accepted");
    assert_eq!(
        v["images"][0],
        "registry.example.com/kaapana/totalsegmentator:2.4"
    );

    let bad = image("not-a-tar");
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("JSON");
    assert_eq!(v["findings"][0]["rule"], "image.not-tar");
}

#[test]
fn check_time_budget_both_sides() {
    // f79 renders several parameter choices: with no time at all only the
    // first render runs and the check refuses; with the default budget it
    // finishes.
    let bytes = std::fs::read(uploads().join("charts/k-tensorboard.tgz")).expect("case");
    let none = Policy {
        max_check_time: std::time::Duration::ZERO,
        ..kaapana_policy()
    };
    let report = check_chart_archive(&bytes, &none);
    assert!(
        report.rules().contains(&"limit.check-time"),
        "{}",
        report.to_text()
    );
    assert_eq!(report.verdict(), Verdict::Rejected);
    let report = check_chart_archive(&bytes, &kaapana_policy());
    assert_eq!(report.verdict(), Verdict::Accepted, "{}", report.to_text());
}

#[test]
fn a_chart_that_does_not_render_costs_one_render() {
    // Without globals the platform-shaped chart's defaults render fails;
    // nothing else is rendered.
    let bytes = std::fs::read(uploads().join("charts/k-platform-like.tgz")).expect("case");
    let report = check_chart_archive(&bytes, &Policy::default());
    assert!(
        report.rules().contains(&"chart.render"),
        "{}",
        report.to_text()
    );
    for f in &report.findings {
        assert!(f.variant.as_deref().is_none_or(|v| v == "defaults"), "{f}");
    }
}

#[test]
fn cli_checks_an_image_uploads_file_name() {
    // Kaapana puts the name unquoted into a shell command.
    let dir = std::env::temp_dir().join(format!("kc-upload-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("x.tar;reboot");
    std::fs::copy(uploads().join("images/docker-save-25.tar"), &bad).expect("copy");
    let out = cli().arg("check-upload").arg(&bad).output().expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("image.dangerous-file-name"));
}
