//! The image-upload corpus: every `fixtures/uploads/images/<case>.tar`
//! (written by `fixtures/tools/gen-image-uploads`) through
//! `upload::image::check_image_archive`, compared with the verdict, rule ids
//! and image references in `<case>.expect` next to it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use kaapana_chart::upload::image::check_image_archive;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/uploads/images")
}

struct Expect {
    verdict: String,
    rules: BTreeSet<String>,
    images: Vec<String>,
}

fn read_expect(path: &Path) -> Expect {
    let text = fs::read_to_string(path).unwrap();
    let mut verdict = None;
    let mut rules = None;
    let mut images = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (key, value) = line.split_once(':').unwrap();
        let words = value.split_whitespace().map(str::to_string);
        match key {
            "verdict" => verdict = Some(value.trim().to_string()),
            "rules" => rules = Some(words.collect()),
            "images" => images = Some(words.collect()),
            other => panic!("{}: unknown key {other}", path.display()),
        }
    }
    Expect {
        verdict: verdict.unwrap(),
        rules: rules.unwrap(),
        images: images.unwrap(),
    }
}

#[test]
fn image_upload_corpus() {
    let mut names: Vec<PathBuf> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tar"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "only {} cases", names.len());
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for tar in &names {
        let case = tar.file_stem().unwrap().to_string_lossy().into_owned();
        let want = read_expect(&tar.with_extension("expect"));
        let bytes = fs::read(tar).unwrap();
        let check = check_image_archive(&bytes);
        let verdict = check.report.verdict().as_str().to_string();
        let rules: BTreeSet<String> = check
            .report
            .findings
            .iter()
            .map(|f| f.rule.clone())
            .collect();
        // IMAGE_CORPUS_VERBOSE=1 prints every report (with --nocapture).
        if std::env::var_os("IMAGE_CORPUS_VERBOSE").is_some() {
            println!("{case}: {verdict} {:?}", check.images);
            for f in &check.report.findings {
                println!(
                    "  {} {} [{}] {}",
                    f.severity,
                    f.rule,
                    f.file.as_deref().unwrap_or("-"),
                    f.message
                );
            }
        }
        if verdict == "accepted" {
            accepted += 1;
        } else {
            rejected += 1;
        }
        if verdict != want.verdict || rules != want.rules || check.images != want.images {
            failures.push(format!(
                "{case}: got {verdict} {rules:?} {:?}, want {} {:?} {:?}\n  findings: {:#?}",
                check.images, want.verdict, want.rules, want.images, check.report.findings
            ));
        }
        // Every finding of an image check has an `image.` rule id and a
        // message; a rejected report has at least one error.
        for f in &check.report.findings {
            assert!(f.rule.starts_with("image."), "{case}: {}", f.rule);
            assert!(!f.message.is_empty(), "{case}: {}", f.rule);
        }
    }
    assert!(
        accepted >= 3 && rejected >= 9,
        "{accepted} accepted, {rejected} rejected"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule id the corpus expects is one the checker can produce, and the
/// corpus covers the rules the brief names.
#[test]
fn corpus_covers_the_named_rules() {
    let mut seen = BTreeSet::new();
    for e in fs::read_dir(corpus()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "expect") {
            seen.extend(read_expect(&p).rules);
        }
    }
    for rule in [
        "image.path-traversal",
        "image.absolute-path",
        "image.link-escape",
        "image.missing-blob",
        "image.digest-mismatch",
        "image.bad-reference",
        "image.dangerous-reference",
        "image.entry-too-large",
        "image.not-tar",
        "image.empty",
        "image.duplicate-entry",
        "image.no-manifest",
        "image.special-file",
        "image.hardlink",
        "image.compressed",
    ] {
        assert!(seen.contains(rule), "no case expects {rule}");
    }
}

/// No input panics: every case cut short at many points and with bytes
/// flipped still gives a report (rejected unless the change is harmless).
#[test]
fn mangled_cases_never_panic() {
    for e in fs::read_dir(corpus()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|e| e != "tar") {
            continue;
        }
        let bytes = fs::read(&p).unwrap();
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = check_image_archive(&bytes[..cut]);
        }
        for i in (0..bytes.len()).step_by(step) {
            let mut b = bytes.clone();
            b[i] ^= 0xA5;
            let _ = check_image_archive(&b);
        }
    }
}
