//! Charts: the model, loading (folders and `.tgz` archives), values
//! coalescing, `--set` parsing, dependency processing and version
//! constraints — Helm's `pkg/chart`, `pkg/chart/loader`, `pkg/strvals` and
//! `pkg/chart/common/util` semantics.
//!
//! (Being built: issue "Charts end to end".)

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::value::Value;

pub mod coalesce;
pub mod dependencies;
pub mod loader;
pub mod schema;
pub mod semver;
pub mod strvals;

/// A file of a chart: its path relative to the chart root (`/`-separated,
/// e.g. `templates/deployment.yaml`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the chart root.
    pub name: String,
    /// Contents (a UTF-8 BOM already stripped, as Helm's loader does).
    pub data: Arc<[u8]>,
}

/// A loaded chart: Helm's `chart.Chart`.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `Chart.lock` (or `requirements.lock` for apiVersion v1), if present.
    pub lock: Option<Lock>,
    /// Every file under `templates/`.
    pub templates: Vec<File>,
    /// `values.yaml`, read as Helm reads values (numbers are float64).
    pub values: Value,
    /// `values.schema.json`, raw.
    pub schema: Option<Arc<[u8]>>,
    /// Every other file (`.Files`; `crds/*` included).
    pub files: Vec<File>,
    /// Every file as loaded, in load order (Helm's `Raw`).
    pub raw: Vec<File>,
    /// Subcharts from `charts/` (folders and `.tgz` archives).
    pub dependencies: Vec<Chart>,
    /// Warnings the loader produced (Helm logs them).
    pub warnings: Vec<String>,
}

/// `Chart.yaml`: Helm's `chart.Metadata`. Unknown keys are ignored (kept in
/// `extra` for tools), as Helm does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version` (SemVer 2).
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`.
    pub maintainers: Vec<Maintainer>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion` (`v1` or `v2`).
    pub api_version: String,
    /// `condition`.
    pub condition: String,
    /// `tags`.
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `kubeVersion` (a SemVer constraint).
    pub kube_version: String,
    /// `dependencies` (for v1 charts, from `requirements.yaml`).
    pub dependencies: Vec<Dependency>,
    /// `type` (`application` or `library`).
    pub chart_type: String,
    /// Keys Helm does not know (Kaapana's `kaapana_type`…), as read.
    pub extra: BTreeMap<String, Value>,
}

/// A maintainer entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// A dependency entry: Helm's `chart.Dependency`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name`.
    pub name: String,
    /// `version` (a SemVer range).
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition` (comma-separated value paths).
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (set while processing conditions and tags).
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps, as read.
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
}

/// `Chart.lock` / `requirements.lock`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// `generated` (kept as text).
    pub generated: String,
    /// `digest`.
    pub digest: String,
    /// `dependencies`.
    pub dependencies: Vec<Dependency>,
}
