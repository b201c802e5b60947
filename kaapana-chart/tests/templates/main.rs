//! The template fixture corpus: every case under `fixtures/templates` is
//! rendered with the engine and compared with the golden that real Helm
//! produced (`fixtures/golden/templates`, written by
//! `fixtures/tools/gen-template-goldens`; see `fixtures/README.md`).
//!
//! A `harness = false` test binary. `FIXTURE_FILTER=<substring>` (or
//! positional arguments) selects the cases whose path, e.g.
//! `templates/actions/range-map.tmpl`, contains the substring. The last line
//! printed is `N passed, M failed`; the exit code is non-zero if any case
//! failed or no case was found.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kaapana_chart::{values_from_yaml, Engine, Map, TemplateFile, Value};

/// The name Helm gives the case's template (chart `fixture`).
const TEMPLATE_NAME: &str = "fixture/templates/case.tpl";
const BASE_PATH: &str = "fixture/templates";
/// Longest text shown in full in a failure report.
const SHOW_LIMIT: usize = 4000;

/// One parsed case file.
#[derive(Debug)]
struct Case {
    strict: bool,
    description: Option<String>,
    values: String,
    template: String,
}

/// What Helm answered (golden) or what the engine did (actual).
#[derive(Debug, PartialEq)]
enum Outcome {
    Output(String),
    Error(String),
}

impl Outcome {
    fn kind(&self) -> &'static str {
        match self {
            Outcome::Output(_) => "output",
            Outcome::Error(_) => "error",
        }
    }

    fn text(&self) -> &str {
        match self {
            Outcome::Output(s) | Outcome::Error(s) => s,
        }
    }
}

/// Splits a case file: `#! ` header lines, the values, a line that is
/// exactly `---`, then the template (every byte after that line's `\n`).
/// Lines end at `\n` only, as in the generator.
fn parse_case(text: &str) -> Result<Case, String> {
    let mut case = Case {
        strict: false,
        description: None,
        values: String::new(),
        template: String::new(),
    };
    let mut pos = 0;
    while text[pos..].starts_with("#! ") {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let head = text[pos + 3..end].trim_end_matches('\n');
        if head == "strict" {
            case.strict = true;
        } else if let Some(d) = head.strip_prefix("description:") {
            case.description = Some(d.trim().to_string());
        } else {
            return Err(format!("unknown header line {:?}", &text[pos..end]));
        }
        pos = end;
    }
    let start = pos;
    let mut i = pos;
    loop {
        if i >= text.len() {
            return Err("no `---` line separating the values from the template".into());
        }
        let (line, next) = match text[i..].find('\n') {
            Some(n) => (&text[i..i + n], i + n + 1),
            None => (&text[i..], text.len()),
        };
        if line == "---" {
            case.values = text[start..i].to_string();
            case.template = text[next..].to_string();
            return Ok(case);
        }
        i = next;
    }
}

fn read_golden(path: &Path) -> Result<Outcome, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("cannot read golden {}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("bad golden {}: {e}", path.display()))?;
    let obj = json
        .as_object()
        .ok_or_else(|| format!("golden {} is not an object", path.display()))?;
    match (obj.get("output"), obj.get("error")) {
        (Some(serde_json::Value::String(s)), None) => Ok(Outcome::Output(s.clone())),
        (None, Some(serde_json::Value::String(s))) => Ok(Outcome::Error(s.clone())),
        _ => Err(format!(
            "golden {} needs exactly one string field, \"output\" or \"error\"",
            path.display()
        )),
    }
}

/// Renders a case with the engine. `Err` means the case could not even be
/// set up (bad values), which counts as a failure.
fn render(case: &Case) -> Result<Outcome, String> {
    let values: Value =
        values_from_yaml(&case.values).map_err(|e| format!("values.yaml does not parse: {e}"))?;
    // Helm coalesces the chart's values before rendering, which deletes
    // null map entries (not list items).
    // `.Values` is Helm 4's named map type `common.Values`.
    let values = match drop_null_entries(&values) {
        Value::Map(m) => Value::Map(Map::named("common.Values", m.read().clone())),
        other => other,
    };
    let root = Value::from_iter([("Values", values)]);
    let engine = Engine::new().with_strict(case.strict);
    let files = [TemplateFile::new(
        TEMPLATE_NAME,
        case.template.as_str(),
        BASE_PATH,
    )];
    let result: Result<BTreeMap<String, String>, kaapana_chart::Error> =
        engine.render_templates(&files, &root);
    match result {
        Ok(map) => match map.get(TEMPLATE_NAME) {
            Some(out) => Ok(Outcome::Output(out.clone())),
            None => Err(format!(
                "the result has no entry {TEMPLATE_NAME:?} (keys: {:?})",
                map.keys().collect::<Vec<_>>()
            )),
        },
        Err(err) => Ok(Outcome::Error(err.to_string())),
    }
}

/// The effect of Helm's `CoalesceValues(chart, {})` on a chart's own
/// values: map entries whose value is null are removed, at every depth.
fn drop_null_entries(v: &Value) -> Value {
    match v {
        Value::Map(m) => Value::from_iter(
            m.entries()
                .into_iter()
                .filter(|(_, v)| !v.is_nil())
                .map(|(k, v)| (k, drop_null_entries(&v))),
        ),
        Value::List(l) => Value::list(l.items().iter().map(drop_null_entries).collect()),
        other => other.clone(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// A line with every invisible character spelled out: `\n`, `\t`, `\r`,
/// `\\`, and `\u{..}` for other control characters and for whitespace
/// other than the plain space.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            ' ' => out.push(' '),
            c if c.is_control() || c.is_whitespace() || c == '\u{feff}' || c == '\u{fffd}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Lines, each keeping its `\n`, so that a missing final newline shows.
fn lines_of(s: &str) -> Vec<&str> {
    s.split_inclusive('\n').collect()
}

fn truncate(s: &str, limit: usize) -> (&str, bool) {
    if s.len() <= limit {
        return (s, false);
    }
    let mut end = limit;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], true)
}

/// Shows one text, escaped, line by line.
fn show_text(out: &mut String, label: &str, text: &str) {
    let (shown, cut) = truncate(text, SHOW_LIMIT);
    let _ = writeln!(out, "  {label} ({} bytes):", text.len());
    if text.is_empty() {
        let _ = writeln!(out, "    (empty)");
    }
    for line in lines_of(shown) {
        let _ = writeln!(out, "    |{}", escape(line));
    }
    if cut {
        let _ = writeln!(out, "    ... ({} more bytes)", text.len() - shown.len());
    }
}

/// A line diff (LCS) of two texts: ` ` common, `-` expected, `+` actual.
/// Long runs of common lines are elided. Falls back to the first
/// difference for very large inputs.
fn show_diff(out: &mut String, expected: &str, actual: &str) {
    let a = lines_of(expected);
    let b = lines_of(actual);
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let byte = expected
        .bytes()
        .zip(actual.bytes())
        .take_while(|(x, y)| x == y)
        .count();
    let _ = writeln!(
        out,
        "  first difference at line {}, byte offset {byte}",
        first + 1
    );
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        for (sign, lines) in [('-', &a), ('+', &b)] {
            if let Some(l) = lines.get(first) {
                let (l, _) = truncate(l, SHOW_LIMIT);
                let _ = writeln!(out, "  {sign}|{}", escape(l));
            }
        }
        return;
    }
    // lcs[i][j] = length of the LCS of a[i..] and b[j..].
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 2;
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(ops.len());
        ops[lo..hi].iter().any(|(s, _)| *s != ' ')
    };
    let mut skipped = 0;
    let mut shown = 0;
    for (k, (sign, line)) in ops.iter().enumerate() {
        if *sign == ' ' && !near_change(k) {
            skipped += 1;
            continue;
        }
        if skipped > 0 {
            let _ = writeln!(out, "   ... {skipped} unchanged line(s)");
            skipped = 0;
        }
        if shown >= 200 {
            let _ = writeln!(out, "   ... (diff cut at 200 lines)");
            return;
        }
        let (line, _) = truncate(line, SHOW_LIMIT);
        let _ = writeln!(out, "  {sign}|{}", escape(line));
        shown += 1;
    }
    if skipped > 0 {
        let _ = writeln!(out, "   ... {skipped} unchanged line(s)");
    }
}

fn report(rel: &str, case: Option<&Case>, expected: Option<&Outcome>, problem: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "FAIL {rel}");
    if let Some(d) = case.and_then(|c| c.description.as_deref()) {
        let _ = writeln!(out, "  description: {d}");
    }
    if case.is_some_and(|c| c.strict) {
        let _ = writeln!(out, "  (strict mode)");
    }
    let _ = writeln!(out, "  {problem}");
    if let Some(e) = expected {
        show_text(&mut out, &format!("expected {}", e.kind()), e.text());
    }
    out
}

fn mismatch(rel: &str, case: &Case, expected: &Outcome, actual: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "FAIL {rel}");
    if let Some(d) = &case.description {
        let _ = writeln!(out, "  description: {d}");
    }
    if case.strict {
        let _ = writeln!(out, "  (strict mode)");
    }
    if expected.kind() == actual.kind() {
        let _ = writeln!(
            out,
            "  {} differs (- expected from Helm, + actual)",
            expected.kind()
        );
        show_diff(&mut out, expected.text(), actual.text());
    } else {
        let _ = writeln!(out, "  expected {}, got {}", expected.kind(), actual.kind());
        show_text(
            &mut out,
            &format!("expected {}", expected.kind()),
            expected.text(),
        );
        show_text(
            &mut out,
            &format!("actual {}", actual.kind()),
            actual.text(),
        );
    }
    out
}

/// Every `*.tmpl` below `dir`, as paths relative to `root`, sorted.
fn find_cases(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_cases(root, &path, found)?;
        } else if path.extension().is_some_and(|e| e == "tmpl") {
            found.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// Runs one case; `None` if it passed, else the failure report.
/// "templates/<category>/<case>.tmpl" -> "<category>/<case>".
fn case_id(rel_tmpl: &Path) -> String {
    let rel = rel_tmpl.to_string_lossy().replace('\\', "/");
    rel.strip_prefix("templates/")
        .unwrap_or(&rel)
        .trim_end_matches(".tmpl")
        .to_string()
}

/// The documented deviations: case id -> reason.
fn read_deviations(fixtures: &Path) -> BTreeMap<String, String> {
    let text =
        fs::read_to_string(fixtures.join("templates").join("DEVIATIONS")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(id, why)| (id.to_owned(), why.to_owned()))
        .collect()
}

fn run_case(fixtures: &Path, rel_tmpl: &Path) -> Option<String> {
    // "templates/<category>/<case>.tmpl" -> "<category>/<case>"
    let rel = rel_tmpl.to_string_lossy().replace('\\', "/");
    let id = rel
        .strip_prefix("templates/")
        .unwrap_or(&rel)
        .trim_end_matches(".tmpl")
        .to_string();
    let text = match fs::read(fixtures.join(rel_tmpl)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return Some(report(&id, None, None, "the case file is not UTF-8")),
        },
        Err(e) => {
            return Some(report(
                &id,
                None,
                None,
                &format!("cannot read the case: {e}"),
            ))
        }
    };
    let case = match parse_case(&text) {
        Ok(c) => c,
        Err(e) => return Some(report(&id, None, None, &format!("bad case file: {e}"))),
    };
    let golden_path = fixtures
        .join("golden")
        .join("templates")
        .join(format!("{id}.json"));
    let expected = match read_golden(&golden_path) {
        Ok(g) => g,
        Err(e) => return Some(report(&id, Some(&case), None, &e)),
    };
    let actual = match panic::catch_unwind(AssertUnwindSafe(|| render(&case))) {
        Ok(Ok(a)) => a,
        Ok(Err(setup)) => return Some(report(&id, Some(&case), Some(&expected), &setup)),
        Err(payload) => {
            let msg = format!("the engine panicked: {}", panic_message(&*payload));
            return Some(report(&id, Some(&case), Some(&expected), &msg));
        }
    };
    if actual == expected {
        None
    } else {
        Some(mismatch(&id, &case, &expected, &actual))
    }
}

fn run() -> ExitCode {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Ok(f) = std::env::var("FIXTURE_FILTER") {
        if !f.is_empty() {
            filters.push(f);
        }
    }

    let mut cases = Vec::new();
    if let Err(e) = find_cases(&fixtures, &fixtures.join("templates"), &mut cases) {
        println!("cannot list {}: {e}", fixtures.join("templates").display());
    }
    cases.retain(|p| {
        let s = p.to_string_lossy().replace('\\', "/");
        filters.iter().all(|f| s.contains(f.as_str()))
    });

    // Panics are reported per case; keep the default hook's noise out.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));

    let deviations = read_deviations(&fixtures);
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut deviated = 0usize;
    let mut per_category: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for rel in &cases {
        let category = rel
            .iter()
            .nth(1)
            .map(|c| c.to_string_lossy().into_owned())
            .unwrap_or_default();
        let entry = per_category.entry(category).or_default();
        let id = case_id(rel);
        let listed = deviations.contains_key(&id);
        match (run_case(&fixtures, rel), listed) {
            (None, false) => {
                passed += 1;
                entry.0 += 1;
            }
            (Some(_), true) => {
                // A documented, deliberate deviation: neither a pass nor a failure.
                deviated += 1;
            }
            (None, true) => {
                failed += 1;
                entry.1 += 1;
                println!(
                    "FAIL {id}\n  listed in fixtures/templates/DEVIATIONS but now matches Helm: remove the entry\n"
                );
            }
            (Some(text), false) => {
                failed += 1;
                entry.1 += 1;
                println!("{text}");
            }
        }
    }
    panic::set_hook(default_hook);

    if failed > 0 {
        println!("by category (passed/failed):");
        for (cat, (p, f)) in &per_category {
            if *f > 0 {
                println!("  {cat}: {p}/{f}");
            }
        }
    }
    if cases.is_empty() {
        println!(
            "no template fixture cases found under {} (filters: {filters:?})",
            fixtures.join("templates").display()
        );
    }
    if deviated > 0 {
        println!(
            "{deviated} documented deviations from Helm skipped (fixtures/templates/DEVIATIONS)"
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 || cases.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    // Date functions format in Go's `time.Local`; the goldens were rendered
    // with TZ=UTC (gen-template-goldens pins it), so pin it here too, before
    // any thread exists.
    std::env::set_var("TZ", "UTC");
    // Deeply nested templates (include recursion to Helm's 1000 levels) may
    // need a larger stack than the main thread's.
    std::thread::Builder::new()
        .name("template-fixtures".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(run)
        .expect("spawn the fixture runner thread")
        .join()
        .unwrap_or(ExitCode::FAILURE)
}
