//! Masterminds/semver compatibility: every case of
//! `fixtures/semver/cases.json`, whose answers real Helm (v4.2.3, Sprig's
//! `semverCompare` and `semver`) gave to `fixtures/tools/gen-semver-goldens`.

use kaapana_chart::chart::semver::{semver, semver_compare, Version};
use kaapana_chart::ErrorKind;
use serde_json::Value as Json;

const CASES: &str = include_str!("../../../fixtures/semver/cases.json");

fn text<'a>(case: &'a Json, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case {}: no string {key:?}", case["id"]))
}

/// What our implementation answers, in the fixture's shape.
fn answer(case: &Json) -> Json {
    let version = text(case, "version");
    match text(case, "kind") {
        "compare" => match semver_compare(text(case, "constraint"), version) {
            Ok(result) => serde_json::json!({ "result": result }),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidArgument);
                serde_json::json!({ "error": e.to_string() })
            }
        },
        "semver" => match semver(version) {
            Ok(v) => describe(&v),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidArgument);
                serde_json::json!({ "error": e.to_string() })
            }
        },
        other => panic!("case {}: unknown kind {other:?}", case["id"]),
    }
}

fn describe(v: &Version) -> Json {
    serde_json::json!({
        "major": v.major(),
        "minor": v.minor(),
        "patch": v.patch(),
        "prerelease": v.prerelease(),
        "metadata": v.metadata(),
        "original": v.original(),
        "string": v.to_string(),
    })
}

#[test]
fn every_case_matches_helm() {
    let doc: Json = serde_json::from_str(CASES).expect("cases.json is JSON");
    let cases = doc["cases"].as_array().expect("a list of cases");
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let got = answer(case);
        if got != case["expect"] {
            failures.push(format!(
                "{}: {} {:?} {:?}\n    helm: {}\n    ours: {}",
                case["id"].as_str().unwrap_or("?"),
                text(case, "kind"),
                case["constraint"].as_str().unwrap_or(""),
                text(case, "version"),
                case["expect"],
                got,
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// What a version prints (`String()`) is a strict SemVer 2 version that
/// parses, loosely and strictly, back to the same version.
#[test]
fn string_form_reparses() {
    let doc: Json = serde_json::from_str(CASES).expect("cases.json is JSON");
    for case in doc["cases"].as_array().expect("a list of cases") {
        let Some(printed) = case["expect"]["string"].as_str() else {
            continue;
        };
        // Filling in `.0.0` can push a long version over the length limit.
        if printed.len() > kaapana_chart::chart::semver::MAX_VERSION_LEN {
            continue;
        }
        let loose = Version::parse(printed).expect("a printed version parses");
        let strict = Version::parse_strict(printed).expect("and is strict SemVer");
        assert_eq!(loose.to_string(), printed);
        assert_eq!(strict.to_string(), printed);
    }
}
