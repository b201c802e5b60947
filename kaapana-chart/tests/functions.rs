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
#[rustfmt::skip]
const EXPECTED_MISSING: &[&str] = &[];

/// Sprig's crypto functions, registered only with the cargo feature
/// `crypto` (on by default).
const CRYPTO: &[&str] = &[
    "bcrypt",
    "buildCustomCert",
    "decryptAES",
    "derivePassword",
    "encryptAES",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "htpasswd",
];

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
    let mut expected: BTreeSet<&str> = EXPECTED_MISSING.iter().copied().collect();
    if !cfg!(feature = "crypto") {
        expected.extend(CRYPTO);
    }
    let unexpected: Vec<&str> = missing
        .iter()
        .copied()
        .filter(|n| !expected.contains(n))
        .collect();
    let now_present: Vec<&str> = expected
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

fn render_with_max_output(src: &str, max_output: usize) -> Result<String, kaapana_chart::Error> {
    let options = kaapana_chart::Options {
        limits: kaapana_chart::Limits {
            max_output,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut set = TemplateSet::with_functions(options, Arc::new(Functions::helm()));
    set.add("t", src)?;
    set.execute("t", &kaapana_chart::Value::Nil)
}

/// `until`, `untilStep` and `seq` check the size of what they build against
/// the render's output budget before allocating (a list item counts as the
/// size of a `Value`, a `seq` item as its widest text), so `until 1e12`
/// stops with a limit error instead of exhausting memory.
#[test]
fn generated_sequences_are_bounded_by_the_output_budget() {
    let item = std::mem::size_of::<kaapana_chart::Value>();
    let budget = 1000 * item;
    for (src, fits) in [
        ("{{ len (until 1000) }}", true),
        ("{{ len (until 1001) }}", false),
        ("{{ len (untilStep 0 1000 1) }}", true),
        ("{{ len (untilStep 0 2002 2) }}", false),
        ("{{ len (until -1000) }}", true),
    ] {
        let r = render_with_max_output(src, budget);
        assert_eq!(r.is_ok(), fits, "{src}: {r:?}");
        if let Err(e) = r {
            assert_eq!(e.kind(), kaapana_chart::ErrorKind::LimitExceeded, "{src}");
        }
    }
    let seq_budget = 21 * 100;
    assert!(render_with_max_output("{{ len (seq 100) }}", seq_budget).is_ok());
    let e = render_with_max_output("{{ len (seq 101) }}", seq_budget).unwrap_err();
    assert_eq!(e.kind(), kaapana_chart::ErrorKind::LimitExceeded);
    // Huge requests fail fast, without allocating.
    let e = render_with_max_output("{{ until 9223372036854775807 }}", budget).unwrap_err();
    assert_eq!(e.kind(), kaapana_chart::ErrorKind::LimitExceeded);
}

/// `deepCopy` and `deepEqual` recurse under `stacker` and stop at
/// `MAX_VALUE_DEPTH`, on both sides of it, on a small thread stack.
#[test]
fn deep_copy_and_equal_are_depth_bounded() {
    use kaapana_chart::limits::MAX_VALUE_DEPTH;
    use kaapana_chart::Value;
    fn nested(depth: usize) -> Value {
        let mut v = Value::from("leaf");
        for _ in 0..depth {
            v = Value::list(vec![v]);
        }
        v
    }
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let funcs = Arc::new(Functions::helm());
            for (depth, ok) in [(MAX_VALUE_DEPTH, true), (MAX_VALUE_DEPTH + 1, false)] {
                let data = Value::from_iter([("v", nested(depth)), ("w", nested(depth))]);
                for src in ["{{ deepEqual .v .w }}", "{{ len (deepCopy .v) }}"] {
                    let mut set = TemplateSet::with_functions(Default::default(), funcs.clone());
                    set.add("t", src).unwrap();
                    let r = set.execute("t", &data);
                    assert_eq!(r.is_ok(), ok, "{src} at depth {depth}: {r:?}");
                    if let Err(e) = r {
                        assert_eq!(e.kind(), kaapana_chart::ErrorKind::LimitExceeded);
                    }
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
