//! The chart fixture corpus: every golden `fixtures/golden/charts/<chart>[@<set>].json`
//! (written by `fixtures/tools/gen-chart-goldens` from real Helm) is
//! re-rendered with the engine and compared byte for byte: the map of
//! rendered files (`"manifests"`), or the error text (`"error"`). Where the
//! golden also has Helm's install stream (`"template"`: the sorted release
//! manifest of `helm install --dry-run=client`, hooks and CRDs left out) or
//! the install's error (`"template_error"`), the `helm template` pipeline is
//! checked too: missing dependencies, `kubeVersion`, render, then
//! [`kaapana_chart::manifest::template_output`] without hooks.
//!
//! A golden id ending in `+kube-<version>` was rendered by Helm with that
//! `--kube-version` (the chart's `kube-versions` file lists them); the engine
//! gets the same version through [`Capabilities::with_kube_version`].
//!
//! A `harness = false` test binary. `FIXTURE_FILTER=<substring>` (or
//! positional arguments) selects goldens whose id (`<chart>@<set>`) contains
//! the substring. The last line printed is `N passed, M failed`; the exit
//! code is non-zero if any case failed or none was found.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kaapana_chart::capabilities::Capabilities;
use kaapana_chart::chart::coalesce::ValueOptions;
use kaapana_chart::{values_from_yaml, Engine, Error, ErrorKind, Release};

/// Lines of context shown around the first difference of a file.
const CONTEXT: usize = 3;

#[derive(Debug, PartialEq)]
enum Outcome {
    Files(BTreeMap<String, String>),
    Error(String),
}

/// The install stream of a golden: Helm's manifest (trimmed, as `helm
/// template` prints it) or the install's error.
fn read_stream(path: &Path) -> Option<Result<String, String>> {
    let text = fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    if let Some(serde_json::Value::String(m)) = json.get("template") {
        return Some(Ok(format!("{}\n", m.trim())));
    }
    if let Some(serde_json::Value::String(e)) = json.get("template_error") {
        return Some(Err(e.clone()));
    }
    None
}

/// The SDK's install words a missing dependency differently from `helm
/// template` (whose text the CLI prints); the list of charts is the same.
const SDK_MISSING_DEPS: &str =
    "chart dependencies are missing; run dependency update/build first: ";

/// `helm template`'s steps before and after the render, without hooks.
fn stream(dir: &Path, set: Option<&str>, kube: Option<&str>) -> Result<String, String> {
    let chart = kaapana_chart::chart::loader::load(dir).map_err(|e| e.to_string())?;
    let missing = kaapana_chart::chart::dependencies::missing_dependencies(&chart);
    if !missing.is_empty() {
        return Err(format!(
            "{SDK_MISSING_DEPS}found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ));
    }
    let engine = engine(kube).map_err(|e| e.to_string())?;
    engine
        .check_kube_version(&chart)
        .map_err(|e| e.to_string())?;
    let mut user = ValueOptions::default();
    if let Some(set) = set {
        let file = dir.join(format!("values-{set}.yaml"));
        let text = fs::read_to_string(&file).map_err(|e| e.to_string())?;
        user.value_files
            .push(values_from_yaml(&text).map_err(|e| e.to_string())?);
    }
    let values = user
        .merge(&|path| Err(Error::new(ErrorKind::Io, format!("open {path}: not used"))))
        .map_err(|e| e.to_string())?;
    let out = engine
        .render_chart(&chart, &values, &Release::default())
        .map_err(|e| e.to_string())?;
    let opts = kaapana_chart::manifest::TemplateOptions {
        no_hooks: true,
        ..Default::default()
    };
    kaapana_chart::manifest::template_output(&out.files, &out.crds, &opts)
        .map_err(|e| e.to_string())
}

/// The engine as Helm ran for a golden: default capabilities, or the
/// golden's `--kube-version`.
fn engine(kube: Option<&str>) -> Result<Engine, Error> {
    let mut caps = Capabilities::default();
    if let Some(v) = kube {
        caps = caps.with_kube_version(v)?;
    }
    Ok(Engine::new().with_capabilities(caps))
}

/// Where the chart of a golden lives: a fixture chart, or an assembled
/// Kaapana chart (same lookup order as the generator).
fn chart_dir(fixtures: &Path, chart: &str) -> Option<PathBuf> {
    [
        fixtures.join("charts"),
        fixtures.join("kaapana").join("build"),
    ]
    .into_iter()
    .map(|root| root.join(chart))
    .find(|p| p.is_dir())
}

fn read_golden(path: &Path) -> Result<Outcome, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read golden: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("bad golden: {e}"))?;
    if let Some(serde_json::Value::String(e)) = json.get("error") {
        return Ok(Outcome::Error(e.clone()));
    }
    let Some(serde_json::Value::Object(m)) = json.get("manifests") else {
        return Err("golden has neither \"manifests\" nor \"error\"".into());
    };
    let mut files = BTreeMap::new();
    for (k, v) in m {
        let text = v
            .as_str()
            .ok_or_else(|| format!("manifest {k} is not a string"))?;
        files.insert(k.clone(), text.to_string());
    }
    Ok(Outcome::Files(files))
}

/// Load, merge the value set (as `-f`), render: what the engine answers.
fn render(dir: &Path, set: Option<&str>, kube: Option<&str>) -> Result<Outcome, String> {
    let strict = dir.join("strict").is_file();
    let mut user = ValueOptions::default();
    if let Some(set) = set {
        let file = dir.join(format!("values-{set}.yaml"));
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let values = values_from_yaml(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        user.value_files.push(values);
    }
    let no_files = |path: &str| Err(Error::new(ErrorKind::Io, format!("open {path}: not used")));
    let result = kaapana_chart::chart::loader::load(dir).and_then(|chart| {
        let values = user.merge(&no_files)?;
        engine(kube)?
            .with_strict(strict)
            .render_chart(&chart, &values, &Release::default())
    });
    Ok(match result {
        Ok(rendered) => Outcome::Files(rendered.files),
        // Helm names the chart's absolute path in some loader errors; the
        // generator writes `<path>` instead.
        Err(e) => Outcome::Error(e.to_string().replace(&*dir.to_string_lossy(), "<path>")),
    })
}

/// The first differing line of two texts, with a few lines around it.
fn show_diff(out: &mut String, expected: &str, actual: &str) {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let from = first.saturating_sub(CONTEXT);
    let _ = writeln!(out, "    first difference at line {}", first + 1);
    for (sign, lines) in [('-', &a), ('+', &b)] {
        for line in lines.iter().skip(from).take(first - from + CONTEXT + 1) {
            let _ = writeln!(out, "    {sign}|{}", line.escape_debug());
        }
    }
}

fn compare(id: &str, expected: &Outcome, actual: &Outcome) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut out = format!("FAIL {id}\n");
    match (expected, actual) {
        (Outcome::Files(e), Outcome::Files(a)) => {
            for k in e.keys().filter(|k| !a.contains_key(*k)) {
                let _ = writeln!(out, "  missing file {k}");
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                let _ = writeln!(out, "  unexpected file {k}");
            }
            for (k, ev) in e {
                if let Some(av) = a.get(k).filter(|av| *av != ev) {
                    let _ = writeln!(out, "  {k} differs (- Helm, + ours)");
                    show_diff(&mut out, ev, av);
                }
            }
        }
        (Outcome::Error(e), Outcome::Error(a)) => {
            let _ = writeln!(out, "  error differs\n    - {e:?}\n    + {a:?}");
        }
        (Outcome::Error(e), Outcome::Files(a)) => {
            let _ = writeln!(out, "  Helm fails: {e:?}\n  ours renders {} files", a.len());
        }
        (Outcome::Files(e), Outcome::Error(a)) => {
            let _ = writeln!(out, "  Helm renders {} files\n  ours fails: {a:?}", e.len());
        }
    }
    Some(out)
}

fn run() -> ExitCode {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let golden_dir = fixtures.join("golden").join("charts");
    let mut filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.extend(
        std::env::var("FIXTURE_FILTER")
            .ok()
            .filter(|f| !f.is_empty()),
    );

    let mut ids: Vec<String> = fs::read_dir(&golden_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()?
                        .strip_suffix(".json")
                        .map(String::from)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.retain(|id| filters.iter().all(|f| id.contains(f.as_str())));
    ids.sort();

    panic::set_hook(Box::new(|_| {}));
    let (mut passed, mut failed) = (0usize, 0usize);
    for id in &ids {
        let (case, kube) = match id.split_once("+kube-") {
            Some((c, k)) => (c, Some(k)),
            None => (id.as_str(), None),
        };
        let (chart, set) = match case.split_once('@') {
            Some((c, s)) => (c, Some(s)),
            None => (case, None),
        };
        let outcome = (|| {
            let expected = read_golden(&golden_dir.join(format!("{id}.json")))?;
            let dir = chart_dir(&fixtures, chart).ok_or("no chart folder for this golden")?;
            let dir = dir.canonicalize().map_err(|e| e.to_string())?;
            let actual = panic::catch_unwind(AssertUnwindSafe(|| render(&dir, set, kube)))
                .map_err(|_| "the engine panicked".to_string())??;
            let mut report = compare(id, &expected, &actual);
            if report.is_none() {
                if let Some(want) = read_stream(&golden_dir.join(format!("{id}.json"))) {
                    let got = panic::catch_unwind(AssertUnwindSafe(|| stream(&dir, set, kube)))
                        .map_err(|_| "the engine panicked".to_string())?;
                    if got != want {
                        let mut out = format!("FAIL {id} (template stream)\n");
                        match (&want, &got) {
                            (Ok(w), Ok(g)) => show_diff(&mut out, w, g),
                            _ => {
                                let _ = writeln!(out, "    - {want:?}\n    + {got:?}");
                            }
                        }
                        report = Some(out);
                    }
                }
            }
            Ok::<_, String>(report)
        })();
        match outcome {
            Ok(None) => passed += 1,
            Ok(Some(report)) => {
                failed += 1;
                println!("{report}");
            }
            Err(problem) => {
                failed += 1;
                println!("FAIL {id}\n  {problem}\n");
            }
        }
    }
    if ids.is_empty() {
        println!(
            "no chart goldens found in {} (filters: {filters:?})",
            golden_dir.display()
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 || ids.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    // Deep include recursion may need more stack than the main thread has.
    std::thread::Builder::new()
        .name("chart-fixtures".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(run)
        .map(|h| h.join().unwrap_or(ExitCode::FAILURE))
        .unwrap_or(ExitCode::FAILURE)
}
