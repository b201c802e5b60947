//! Every function a Helm 4.2.3 template can call must be callable here.
//!
//! `fixtures/functions/helm-4.2.txt` lists the names real Helm accepts; it is
//! written by `fixtures/tools/gen-function-list`, which probes Helm with a
//! template `{{ if false }}{{ NAME }}{{ end }}` per candidate name (Go's
//! parser rejects an unknown function at parse time). This test makes the
//! same probe against `Functions::helm()`, so Go's builtins that live in the
//! executor (`and`, `eq`, `len`, …) count too, and reports every name that is
//! missing, and every name we accept that Helm does not (a template using it
//! would render here but fail in Helm).
//!
//! `EXPECTED_MISSING` exists because the function families are being built
//! in parallel branches: it lists the names not implemented yet. The test
//! fails if a name is missing that is not in it, and also if a name in it has
//! meanwhile been implemented, so the list only shrinks. Once every family
//! is merged it must be empty; then delete it (and this paragraph).

use std::collections::BTreeSet;
use std::sync::Arc;

use kaapana_chart::{Functions, TemplateSet};

/// Names Helm 4.2.3 offers that are not implemented yet (see the module
/// doc). Remove a name when its function lands; the test says which.
const EXPECTED_MISSING: &[&str] = &[];

/// Names we register that Helm 4.2.3 does not have. Empty: an extra
/// function would make a chart render here that fails in Helm.
const ALLOWED_EXTRA: &[&str] = &[];

fn helm_names() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/functions/helm-4.2.txt"
    );
    let text = std::fs::read_to_string(path).expect("read the function list");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Whether `{{ if false }}{{ NAME }}{{ end }}` parses: the oracle's probe.
fn callable(funcs: &Arc<Functions>, name: &str) -> bool {
    let mut set = TemplateSet::with_functions(Default::default(), funcs.clone());
    set.add(
        "probe",
        &format!("{{{{ if false }}}}{{{{ {name} }}}}{{{{ end }}}}"),
    )
    .is_ok()
}

#[test]
fn the_list_is_sane() {
    let names = helm_names();
    let set: BTreeSet<&String> = names.iter().collect();
    assert_eq!(set.len(), names.len(), "duplicate names in the list");
    assert!(names.len() > 200, "only {} names", names.len());
    for must in [
        "default",
        "include",
        "tpl",
        "toYaml",
        "and",
        "slice",
        "mustToYaml",
    ] {
        assert!(
            set.contains(&must.to_owned()),
            "{must} missing from the list"
        );
    }
    for absent in ["env", "expandenv"] {
        assert!(
            !set.contains(&absent.to_owned()),
            "{absent} must not be listed"
        );
    }
}

#[test]
fn every_helm_function_is_callable() {
    let funcs = Arc::new(Functions::helm());
    let names = helm_names();
    let missing: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !callable(&funcs, n))
        .collect();
    let expected: BTreeSet<&str> = EXPECTED_MISSING.iter().copied().collect();
    let unexpected: Vec<&str> = missing
        .iter()
        .copied()
        .filter(|n| !expected.contains(n))
        .collect();
    let now_present: Vec<&str> = EXPECTED_MISSING
        .iter()
        .copied()
        .filter(|n| !missing.contains(n))
        .collect();
    let mut report = String::new();
    if !unexpected.is_empty() {
        report += &format!(
            "{} of {} Helm functions are missing: {}\n",
            unexpected.len(),
            names.len(),
            unexpected.join(" ")
        );
    }
    if !now_present.is_empty() {
        report += &format!(
            "implemented now, remove from EXPECTED_MISSING: {}\n",
            now_present.join(" ")
        );
    }
    assert!(report.is_empty(), "{report}");
    eprintln!(
        "{} Helm functions, {} callable, {} expected missing",
        names.len(),
        names.len() - missing.len(),
        missing.len()
    );
}

#[test]
fn no_function_beyond_helms() {
    let listed: BTreeSet<String> = helm_names().into_iter().collect();
    let allowed: BTreeSet<&str> = ALLOWED_EXTRA.iter().copied().collect();
    let funcs = Functions::helm();
    let extra: Vec<&str> = funcs
        .names()
        .into_iter()
        .filter(|n| !listed.contains(*n) && !allowed.contains(n))
        .collect();
    assert!(
        extra.is_empty(),
        "registered but not in Helm 4.2.3: {}",
        extra.join(" ")
    );
}
