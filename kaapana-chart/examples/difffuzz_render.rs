//! Renders the cases of `fixtures/tools/difffuzz` with our engine, in the
//! same JSON-lines protocol as `helm-oracle batch`: one case per line in
//! (`{"id", "chart", "values", "name", "namespace"}`), one answer per line
//! out (`{"id", "manifests"}` or `{"id", "error"}`).
//!
//! `cargo run --example difffuzz_render < cases.jsonl > ours.jsonl`

use std::io::{BufRead, Write};
use std::path::Path;

use kaapana_chart::chart::loader;
use kaapana_chart::{values_from_yaml, Engine, Release, Value};
use serde_json::{json, Value as Json};

fn answer(case: &Json) -> Json {
    let id = case.get("id").cloned().unwrap_or(Json::Null);
    let chart_path = case.get("chart").and_then(Json::as_str).unwrap_or("");
    let run = || -> kaapana_chart::Result<Json> {
        let chart = loader::load(Path::new(chart_path))?;
        // Values reach Helm as JSON, i.e. as a values file would: numbers
        // are float64. JSON is YAML, so read it the same way.
        let values = match case.get("values") {
            Some(v) => values_from_yaml(&v.to_string())?,
            None => Value::empty_map(),
        };
        let release = Release {
            name: case
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or("release-name")
                .to_owned(),
            namespace: case
                .get("namespace")
                .and_then(Json::as_str)
                .unwrap_or("default")
                .to_owned(),
            ..Release::default()
        };
        let out = Engine::new().render_chart(&chart, &values, &release)?;
        Ok(json!({ "manifests": out.files }))
    };
    let mut out = match run() {
        Ok(j) => j,
        Err(e) => json!({ "error": e.to_string() }),
    };
    out["id"] = id;
    out
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let case: Json = serde_json::from_str(&line).unwrap_or(Json::Null);
        let a = answer(&case);
        let _ = writeln!(stdout, "{a}");
    }
}
