//! Benchmark inputs of kaapana-chart: chart folders (or `.tgz` archives)
//! loaded with the real loader and rendered with [`Engine::render_chart`],
//! the same unit of work as Helm's `chart.render` (`helm template` without
//! the output stream).
//!
//! Inputs live under `benches/inputs/`; [`Input::load`] takes any chart
//! path, so the Kaapana fixture tree and generated platform-sized charts are
//! measured the same way.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use kaapana_chart::chart::{loader, Chart};
use kaapana_chart::{Engine, Release, Value};

/// The inputs the benchmarks run over (folder names under `inputs/`).
pub const INPUTS: &[&str] = &["webapp", "platform-config"];

/// The folder holding the benchmark inputs.
pub fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

/// A loaded chart.
#[derive(Debug, Clone)]
pub struct Input {
    /// The chart name (`name` in `Chart.yaml`).
    pub name: String,
    /// The chart, as the loader gives it.
    pub chart: Chart,
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

impl Input {
    /// Loads the input `name` from [`inputs_dir`].
    pub fn named(name: &str) -> Result<Input, LoadError> {
        Input::load(&inputs_dir().join(name))
    }

    /// Loads a chart folder or archive with [`loader::load`].
    pub fn load(path: &Path) -> Result<Input, LoadError> {
        let chart =
            loader::load(path).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        Ok(Input {
            name: chart.metadata.name.clone(),
            chart,
        })
    }

    /// Renders the chart once with no user values and `helm template`'s
    /// default release.
    pub fn render(&self, engine: &Engine) -> kaapana_chart::Result<BTreeMap<String, String>> {
        engine
            .render_chart(&self.chart, &Value::Nil, &Release::default())
            .map(|r| r.files)
    }

    /// Every template file of the tree: `(name, source)`.
    pub fn template_sources(&self) -> Vec<(String, String)> {
        fn walk(c: &Chart, out: &mut Vec<(String, String)>) {
            for t in &c.templates {
                let src = String::from_utf8_lossy(&t.data).into_owned();
                out.push((format!("{}/{}", c.metadata.name, t.name), src));
            }
            for d in &c.dependencies {
                walk(d, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.chart, &mut out);
        out
    }

    /// Total bytes of template source.
    pub fn source_bytes(&self) -> usize {
        self.template_sources().iter().map(|(_, s)| s.len()).sum()
    }
}
