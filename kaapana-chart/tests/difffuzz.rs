//! Replays the differential-fuzzing corpus (fixtures/difffuzz/replay.jsonl,
//! written by fixtures/tools/difffuzz with Helm's answers) offline: every
//! case must render exactly as Helm did, output or error text.

use std::io::Write;
use std::path::Path;

use kaapana_chart::chart::loader;
use kaapana_chart::{values_from_yaml, Engine, Release};
use serde_json::{json, Value as Json};

const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
// Must equal HELPERS in fixtures/tools/difffuzz.
const HELPERS: &str = concat!(
    "{{- define \"c.name\" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}\n",
    "{{- define \"c.labels\" -}}app: {{ include \"c.name\" . }}\nns: {{ .Release.Namespace }}{{- end -}}\n",
    "{{- define \"c.echo\" -}}[{{ . }}]{{- end -}}\n",
);

fn archive(template: &str) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("c/Chart.yaml", CHART_YAML),
        ("c/templates/_helpers.tpl", HELPERS),
        ("c/templates/t.yaml", template),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, data.as_bytes()).unwrap();
    }
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn ours(case: &Json) -> Json {
    let template = case["template"].as_str().unwrap();
    let chart = loader::load_archive(&archive(template)).unwrap();
    let values = values_from_yaml(&case["values"].to_string()).unwrap();
    let release = Release {
        name: "rel".to_owned(),
        namespace: "ns".to_owned(),
        ..Release::default()
    };
    match Engine::new().render_chart(&chart, &values, &release) {
        Ok(r) => json!({ "manifests": r.files }),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

#[test]
fn replay_matches_helm() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/difffuzz/replay.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut cases = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Json = serde_json::from_str(line).unwrap();
        cases += 1;
        let got = ours(&case);
        if got != case["helm"] {
            failures.push(format!(
                "{}: {}\n  helm: {}\n  ours: {}",
                case["id"], case["template"], case["helm"], got
            ));
        }
    }
    assert!(cases >= 500, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
