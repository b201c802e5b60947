//! Benchmark inputs of kaapana-chart: loading a chart folder under
//! `benches/inputs/` into the template files and data that
//! [`Engine::render_templates`] takes.
//!
//! The data mirrors what Helm passes to its engine for `helm template` with
//! no user values, as far as the inputs use it: `.Values` (the chart's
//! `values.yaml`), `.Release` (name `release-name`, namespace `default`,
//! revision 1, install) and `.Chart` (the `Chart.yaml` fields under Helm's Go
//! field names). `.Capabilities` and `.Files` are left out, so the inputs do
//! not use them; `compare-helm` checks that the output is Helm's, byte for
//! byte.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use kaapana_chart::{values_from_yaml, Engine, TemplateFile, Value};

/// The inputs the benchmarks run over (folder names under `inputs/`).
pub const INPUTS: &[&str] = &["webapp", "platform-config"];

/// The folder holding the benchmark inputs.
pub fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

/// A chart folder, loaded.
#[derive(Debug, Clone)]
pub struct Input {
    /// The chart name (the folder name, which is also `name` in `Chart.yaml`).
    pub chart: String,
    /// The files under `templates/` (`*.tpl`, `*.yaml`), named
    /// `<chart>/templates/<file>` as Helm names them, sorted by name.
    pub files: Vec<TemplateFile>,
    /// The render data: `.Values`, `.Release`, `.Chart`.
    pub root: Value,
}

/// Why an input could not be loaded.
#[derive(Debug)]
pub struct LoadError(String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn read(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|e| LoadError(format!("{}: {e}", path.display())))
}

fn yaml(path: &Path) -> Result<Value, LoadError> {
    values_from_yaml(&read(path)?).map_err(|e| LoadError(format!("{}: {e}", path.display())))
}

impl Input {
    /// Loads the input `name` from [`inputs_dir`].
    pub fn named(name: &str) -> Result<Input, LoadError> {
        Input::load(&inputs_dir().join(name))
    }

    /// Loads a chart folder: `Chart.yaml`, `values.yaml` and
    /// `templates/*.{tpl,yaml}`.
    pub fn load(dir: &Path) -> Result<Input, LoadError> {
        let chart = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| LoadError(format!("{}: not a folder", dir.display())))?;
        let base_path = format!("{chart}/templates");

        let templates = dir.join("templates");
        let entries = fs::read_dir(&templates)
            .map_err(|e| LoadError(format!("{}: {e}", templates.display())))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| LoadError(format!("{}: {e}", templates.display())))?
                .path();
            let is_template = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("tpl" | "yaml")
            );
            if !is_template {
                continue;
            }
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(file_name) = file_name else { continue };
            files.push(TemplateFile::new(
                format!("{base_path}/{file_name}"),
                read(&path)?,
                base_path.clone(),
            ));
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));

        let values = yaml(&dir.join("values.yaml"))?;
        let meta = yaml(&dir.join("Chart.yaml"))?;
        let root = Value::from_iter([
            ("Values", values),
            ("Release", release()),
            ("Chart", chart_object(&meta)),
        ]);
        Ok(Input { chart, files, root })
    }

    /// Renders the input once with a default [`Engine`].
    pub fn render(
        &self,
        engine: &Engine,
    ) -> kaapana_chart::Result<std::collections::BTreeMap<String, String>> {
        engine.render_templates(&self.files, &self.root)
    }

    /// Total bytes of template source.
    pub fn source_bytes(&self) -> usize {
        self.files.iter().map(|f| f.source.len()).sum()
    }
}

/// `.Release` as `helm template` sets it with default options.
fn release() -> Value {
    Value::from_iter([
        ("Name", Value::from("release-name")),
        ("Namespace", Value::from("default")),
        // Go `int` in Helm's `chartutil.ReleaseOptions`.
        ("Revision", Value::from(1_i64)),
        ("IsInstall", Value::from(true)),
        ("IsUpgrade", Value::from(false)),
        ("Service", Value::from("Helm")),
    ])
}

/// `.Chart`: Helm exposes `*chart.Metadata`, whose Go field names differ
/// from the YAML keys. Only string fields are carried over.
fn chart_object(meta: &Value) -> Value {
    const FIELDS: &[(&str, &str)] = &[
        ("apiVersion", "APIVersion"),
        ("name", "Name"),
        ("version", "Version"),
        ("appVersion", "AppVersion"),
        ("description", "Description"),
        ("type", "Type"),
    ];
    Value::from_iter(FIELDS.iter().map(|&(key, field)| {
        let v = meta
            .get(key)
            .and_then(|v| v.as_str().map(Value::from))
            .unwrap_or_else(|| Value::from(""));
        (field, v)
    }))
}
