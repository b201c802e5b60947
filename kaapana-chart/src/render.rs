//! A whole chart's render, as `helm template` and `helm install` do it:
//! dependency processing, values, the objects templates see (`.Values`,
//! `.Chart`, `.Release`, `.Capabilities`, `.Files`, `.Subcharts`,
//! `.Template`), and one template set for the chart tree (Helm's
//! `action.Install` up to `renderResources`, and `pkg/engine`'s
//! `allTemplates`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::chart::coalesce::coalesce_values_with_warnings;
use crate::chart::dependencies::{missing_dependencies, process_dependencies, table_at};
use crate::chart::schema::validate_values;
use crate::chart::semver::is_compatible_range;
use crate::chart::{Chart, Dependency, Metadata};
use crate::engine::{Engine, Renderable};
use crate::error::{Error, ErrorKind, Result};
use crate::files::Files;
use crate::limits::MAX_VALUE_DEPTH;
use crate::manifest::{crd_objects, template_output, Crd, TemplateOptions};
use crate::value::{ElemType, Entries, List, Map, Value};

/// The release a chart is rendered for: Helm's `.Release`.
///
/// The default is what `helm template` uses: name `release-name`,
/// namespace `default`, revision 1, an install.
///
/// ```
/// use kaapana_chart::Release;
///
/// let r = Release { name: "kaapana".into(), namespace: "admin".into(), ..Release::default() };
/// assert_eq!((r.revision, r.is_install, r.service.as_str()), (1, true, "Helm"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// `.Release.Name`.
    pub name: String,
    /// `.Release.Namespace`.
    pub namespace: String,
    /// `.Release.Revision`.
    pub revision: i64,
    /// `.Release.IsInstall`.
    pub is_install: bool,
    /// `.Release.IsUpgrade`.
    pub is_upgrade: bool,
    /// `.Release.Service`.
    pub service: String,
}

impl Default for Release {
    fn default() -> Release {
        Release {
            name: "release-name".to_owned(),
            namespace: "default".to_owned(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            service: "Helm".to_owned(),
        }
    }
}

impl Release {
    /// Checks a release name as Helm's install does (`ValidateReleaseName`:
    /// DNS-1123 labels joined by dots, at most 53 characters), with Helm's
    /// message.
    ///
    /// ```
    /// use kaapana_chart::Release;
    ///
    /// assert!(Release::validate_name("kaapana-platform").is_ok());
    /// let err = Release::validate_name("Bad_Name").unwrap_err();
    /// assert!(err.to_string().starts_with("release name check failed: release name \"Bad_Name\""));
    /// ```
    pub fn validate_name(name: &str) -> Result<()> {
        if is_release_name(name) {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "release name check failed: release name {}: invalid release name, must match regex {} and the length must not be longer than {}",
                crate::template::fmt::go_quote(name),
                r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
                MAX_RELEASE_NAME_LEN
            ),
        ))
    }

    /// The value templates see as `.Release` (a `map[string]interface {}`;
    /// `Revision` is a Go `int`).
    pub fn to_value(&self) -> Value {
        Value::from_iter([
            ("IsInstall", Value::Bool(self.is_install)),
            ("IsUpgrade", Value::Bool(self.is_upgrade)),
            ("Name", Value::from(self.name.as_str())),
            ("Namespace", Value::from(self.namespace.as_str())),
            ("Revision", Value::Int(self.revision)),
            ("Service", Value::from(self.service.as_str())),
        ])
    }
}

/// Helm's longest release name (`releaseNameMaxLen`).
const MAX_RELEASE_NAME_LEN: usize = 53;

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`,
/// at most [`MAX_RELEASE_NAME_LEN`] bytes, without a regex engine.
fn is_release_name(name: &str) -> bool {
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(f), Some(z)) => alnum(f) && alnum(z) && b.iter().all(|c| alnum(c) || *c == b'-'),
            _ => false,
        }
    };
    !name.is_empty() && name.len() <= MAX_RELEASE_NAME_LEN && name.split('.').all(label_ok)
}

/// The result of [`Engine::render_chart`].
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Every non-partial template's output by its full name
    /// (`mychart/charts/sub/templates/x.yaml`), `NOTES.txt` files included:
    /// exactly the map Helm's engine returns.
    pub files: BTreeMap<String, String>,
    /// The CRD files (`crds/*.yaml|yml|json`) of the chart and its enabled
    /// subcharts, in Helm's order (a chart's own, then its subcharts'). They
    /// are not templates: `helm template --include-crds` prints them as
    /// they are ([`manifest::template_output`](crate::manifest::template_output)).
    pub crds: Vec<Crd>,
    /// The values templates saw as the root chart's `.Values`.
    pub values: Value,
    /// The warnings Helm would log (coalescing, dependencies).
    pub warnings: Vec<String>,
}

impl Engine {
    /// Renders a chart and its subcharts with the user's values, as `helm
    /// template` does before it splits and sorts the output.
    ///
    /// `user_values` are the user's values (merged `-f`/`--set` layers; see
    /// [`ValueOptions`](crate::chart::coalesce::ValueOptions)), or
    /// [`Value::Nil`] for none.
    ///
    /// ```
    /// use kaapana_chart::chart::loader::load_archive;
    /// use kaapana_chart::chart::{Chart, File, Metadata};
    /// use kaapana_chart::{values_from_yaml, Engine, Release};
    ///
    /// let chart = Chart {
    ///     metadata: Metadata { name: "web".into(), version: "1.0.0".into(), api_version: "v2".into(), ..Metadata::default() },
    ///     values: values_from_yaml("replicas: 2").unwrap(),
    ///     templates: vec![File {
    ///         name: "templates/d.yaml".into(),
    ///         data: b"replicas: {{ .Values.replicas }} # {{ .Release.Name }}/{{ .Chart.Name }}".to_vec().into(),
    ///     }],
    ///     ..Chart::default()
    /// };
    /// let user = values_from_yaml("replicas: 3").unwrap();
    /// let out = Engine::new().render_chart(&chart, &user, &Release::default()).unwrap();
    /// assert_eq!(out.files["web/templates/d.yaml"], "replicas: 3 # release-name/web");
    /// ```
    ///
    /// Like Helm's engine (and `helm-oracle render`), this does not check
    /// the chart's `kubeVersion`; `helm template` and `helm install` do,
    /// first: see [`Engine::check_kube_version`].
    ///
    /// # Errors
    ///
    /// Helm's errors, with Helm's text: values coalescing, `values.schema.json`
    /// failures (unless [`Engine::with_schema_validation`] turned them off),
    /// template parse and execution errors.
    pub fn render_chart(
        &self,
        chart: &Chart,
        user_values: &Value,
        release: &Release,
    ) -> Result<Rendered> {
        let mut warnings = Vec::new();
        let mut chart = chart.clone();
        process_dependencies(&mut chart, user_values, &mut warnings)?;

        let values = coalesce_values_with_warnings(&chart, user_values, &mut warnings)?;
        if !self.skip_schema_validation {
            validate_values(&chart, &values)?;
        }

        let top = Top {
            release: release.to_value(),
            capabilities: self.capabilities.to_value(),
        };
        let mut items = Vec::new();
        let values_root = match &values {
            Value::Map(m) => m.renamed("common.Values"),
            _ => Map::named("common.Values", Entries::new()),
        };
        collect(&chart, None, &values_root, &top, &mut items, 0)?;
        let files = self.render_renderables(&items)?;

        let crds = crd_objects(&chart);
        Ok(Rendered {
            files,
            crds,
            values,
            warnings,
        })
    }
}

impl Engine {
    /// Checks the chart's `kubeVersion` constraint against the engine's
    /// capabilities, as `helm template` and `helm install` do before
    /// rendering.
    ///
    /// ```
    /// use kaapana_chart::chart::{Chart, Metadata};
    /// use kaapana_chart::Engine;
    ///
    /// let chart = Chart {
    ///     metadata: Metadata { kube_version: ">=9.0.0".into(), ..Metadata::default() },
    ///     ..Chart::default()
    /// };
    /// let err = Engine::new().check_kube_version(&chart).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "chart requires kubeVersion: >=9.0.0 which is incompatible with Kubernetes v1.36.0"
    /// );
    /// ```
    pub fn check_kube_version(&self, chart: &Chart) -> Result<()> {
        // Helm checks the numbers only (`v1.27.2` for `v1.27.2-gke.100`,
        // which a `>=1.20.0` range would reject as a pre-release) but names
        // the version as given.
        let kv = self.capabilities.kube_version();
        let kube = kv.version();
        let wanted = &chart.metadata.kube_version;
        if !wanted.is_empty() && !is_compatible_range(wanted, kv.normalized()) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "chart requires kubeVersion: {wanted} which is incompatible with Kubernetes {kube}"
                ),
            ));
        }
        Ok(())
    }

    /// `helm template`'s output for `chart`: the checks `helm template`
    /// makes first (dependencies missing from `charts/`, the release name,
    /// the chart's `kubeVersion`), the render with [`Engine::render_chart`],
    /// and the sorted stream of [`template_output`] with `options` (the
    /// `--include-crds`, `--show-only`, … flags). Byte for byte what
    /// `kaapana-chart template` prints, and the one place its steps live
    /// (the C library's `kc_render_template` calls it too).
    ///
    /// ```
    /// use kaapana_chart::chart::{Chart, File, Metadata};
    /// use kaapana_chart::manifest::TemplateOptions;
    /// use kaapana_chart::{Engine, Release, Value};
    ///
    /// let chart = Chart {
    ///     metadata: Metadata { name: "web".into(), version: "1.0.0".into(), api_version: "v2".into(), ..Metadata::default() },
    ///     templates: vec![File {
    ///         name: "templates/cm.yaml".into(),
    ///         data: b"kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n".to_vec().into(),
    ///     }],
    ///     ..Chart::default()
    /// };
    /// let engine = Engine::new();
    /// let out = engine
    ///     .template_chart(&chart, &Value::Nil, &Release::default(), &TemplateOptions::default())
    ///     .unwrap();
    /// assert_eq!(
    ///     out,
    ///     "---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: release-name\n"
    /// );
    ///
    /// // Errors of the render itself carry `helm template`'s hint.
    /// let broken = Chart {
    ///     templates: vec![File { name: "templates/x.yaml".into(), data: b"{{ .Values.a.b }}".to_vec().into() }],
    ///     ..chart.clone()
    /// };
    /// let err = engine
    ///     .template_chart(&broken, &Value::Nil, &Release::default(), &TemplateOptions::default())
    ///     .unwrap_err();
    /// assert!(err.message().ends_with("\n\nUse --debug flag to render out invalid YAML"));
    ///
    /// // A release name Helm refuses is refused before the render.
    /// let bad = Release { name: "Not_A_DNS_Name".into(), ..Release::default() };
    /// assert!(engine.template_chart(&chart, &Value::Nil, &bad, &TemplateOptions::default()).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// Helm's, with Helm's text: `helm template`'s message for missing
    /// dependencies, [`Release::validate_name`]'s and
    /// [`Engine::check_kube_version`]'s, then [`Engine::render_chart`]'s and
    /// [`template_output`]'s, the errors of the render itself followed by
    /// `\n\nUse --debug flag to render out invalid YAML`.
    pub fn template_chart(
        &self,
        chart: &Chart,
        user_values: &Value,
        release: &Release,
        options: &TemplateOptions,
    ) -> Result<String> {
        let missing = missing_dependencies(chart);
        if !missing.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
                    missing.join(", ")
                ),
            ));
        }
        Release::validate_name(&release.name)?;
        self.check_kube_version(chart)?;
        let out = self
            .render_chart(chart, user_values, release)
            .map_err(debug_hint)?;
        template_output(&out.files, &out.crds, options).map_err(debug_hint)
    }
}

/// `helm template` adds a hint to the errors of the render itself (Helm's
/// install returns a partial release with them): template errors and
/// manifests that do not parse. Errors before the render (values, schema)
/// come without it.
fn debug_hint(e: Error) -> Error {
    match e.kind() {
        ErrorKind::TemplateSyntax
        | ErrorKind::TemplateExec
        | ErrorKind::TemplateAborted
        | ErrorKind::LimitExceeded
        | ErrorKind::Yaml => {
            let msg = format!(
                "{}\n\nUse --debug flag to render out invalid YAML",
                e.message()
            );
            e.with_message(msg)
        }
        _ => e,
    }
}

/// What every chart's scope shares.
struct Top {
    release: Value,
    capabilities: Value,
}

/// Go's `recAllTpls`: this chart's scope, its subcharts' scopes (as
/// `.Subcharts`), and its templates. `parent` is the parent's `.Values`
/// (`None` for the root, whose `.Values` is `values`).
fn collect<'c>(
    chart: &'c Chart,
    parent: Option<(&str, &Map)>,
    values: &Map,
    top: &Top,
    items: &mut Vec<Renderable<'c>>,
    depth: usize,
) -> Result<Map> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("charts are nested deeper than {MAX_VALUE_DEPTH} levels"),
        ));
    }
    let full_path = match parent {
        None => chart.metadata.name.clone(),
        Some((parent_path, _)) => format!("{parent_path}/charts/{}", chart.metadata.name),
    };
    // A subchart sees the parent's `.Values.<name>` when it is a table, or
    // an empty map.
    let own_values = match parent {
        None => values.clone(),
        Some((_, parent_values)) => {
            match table_at(&Value::Map(parent_values.clone()), &chart.metadata.name) {
                Some(m) => m.renamed("common.Values"),
                None => Map::named("common.Values", Entries::new()),
            }
        }
    };
    let subcharts = Map::new();
    let scope = Map::new();
    scope.insert("Chart", chart_value(&chart.metadata, parent.is_none()));
    scope.insert(
        "Files",
        Files::new(chart.files.iter().map(|f| (f.name.clone(), f.data.clone()))).to_value(),
    );
    scope.insert("Release", top.release.clone());
    scope.insert("Capabilities", top.capabilities.clone());
    scope.insert("Values", Value::Map(own_values.clone()));
    scope.insert("Subcharts", Value::Map(subcharts.clone()));

    for sub in &chart.dependencies {
        let sub_scope = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            collect(
                sub,
                Some((&full_path, &own_values)),
                values,
                top,
                items,
                depth + 1,
            )
        })?;
        subcharts.insert(sub.metadata.name.as_str(), Value::Map(sub_scope));
    }

    let library = chart.metadata.chart_type.eq_ignore_ascii_case("library");
    let base_path = format!("{full_path}/templates");
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        items.push(Renderable {
            name: join_path(&full_path, &t.name),
            source: String::from_utf8_lossy(&t.data),
            base_path: base_path.clone(),
            scope: scope.clone(),
        });
    }
    Ok(scope)
}

/// Go's `path.Join` for a chart path and a clean relative file name.
fn join_path(dir: &str, name: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(name.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn strings(items: &[String]) -> Value {
    Value::List(List::new(
        items.iter().map(|s| Value::from(s.as_str())).collect(),
    ))
}

/// `.Chart`: in Helm 4 a `map[string]interface {}` keyed by the Go field
/// names of `chart.Metadata`, plus `IsRoot`; lists are `[]interface {}`
/// (empty, not nil, when absent) and `Annotations` a `map[string]string`
/// (nil when absent).
fn chart_value(m: &Metadata, is_root: bool) -> Value {
    let annotations = if m.annotations.is_empty() {
        Value::Nil
    } else {
        Value::Map(Map::typed(
            ElemType::String,
            m.annotations
                .iter()
                .map(|(k, v)| (Arc::from(k.as_str()), Value::from(v.as_str())))
                .collect::<Entries>(),
        ))
    };
    let maintainers = m
        .maintainers
        .iter()
        .map(|x| {
            Value::from_iter([
                ("Email", Value::from(x.email.as_str())),
                ("Name", Value::from(x.name.as_str())),
                ("URL", Value::from(x.url.as_str())),
            ])
        })
        .collect();
    Value::from_iter([
        ("APIVersion", Value::from(m.api_version.as_str())),
        ("Annotations", annotations),
        ("AppVersion", Value::from(m.app_version.as_str())),
        ("Condition", Value::from(m.condition.as_str())),
        (
            "Dependencies",
            Value::List(List::new(
                m.dependencies.iter().map(dependency_value).collect(),
            )),
        ),
        ("Deprecated", Value::Bool(m.deprecated)),
        ("Description", Value::from(m.description.as_str())),
        ("Home", Value::from(m.home.as_str())),
        ("Icon", Value::from(m.icon.as_str())),
        ("IsRoot", Value::Bool(is_root)),
        ("Keywords", strings(&m.keywords)),
        ("KubeVersion", Value::from(m.kube_version.as_str())),
        ("Maintainers", Value::List(List::new(maintainers))),
        ("Name", Value::from(m.name.as_str())),
        ("Sources", strings(&m.sources)),
        ("Tags", Value::from(m.tags.as_str())),
        ("Type", Value::from(m.chart_type.as_str())),
        ("Version", Value::from(m.version.as_str())),
    ])
}

fn dependency_value(d: &Dependency) -> Value {
    Value::from_iter([
        ("Alias", Value::from(d.alias.as_str())),
        ("Condition", Value::from(d.condition.as_str())),
        ("Enabled", Value::Bool(d.enabled)),
        (
            "ImportValues",
            Value::List(List::new(d.import_values.clone())),
        ),
        ("Name", Value::from(d.name.as_str())),
        ("Repository", Value::from(d.repository.as_str())),
        ("Tags", strings(&d.tags)),
        ("Version", Value::from(d.version.as_str())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_as_helm_checks_them() {
        for ok in ["a", "release-name", "a.b-c.d9", &"a".repeat(53)] {
            assert!(is_release_name(ok), "{ok}");
        }
        for bad in [
            "",
            "Bad_Name",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a.",
            &"a".repeat(54),
            "ä",
        ] {
            assert!(!is_release_name(bad), "{bad}");
        }
        // helm-oracle (the SDK's dry-run install of "Bad_Name") printed:
        assert_eq!(
            Release::validate_name("Bad_Name").unwrap_err().to_string(),
            r#"release name check failed: release name "Bad_Name": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"#
        );
    }

    #[test]
    fn join_path_cleans_like_go() {
        assert_eq!(join_path("a", "templates/x.yaml"), "a/templates/x.yaml");
        assert_eq!(
            join_path("a/charts/b", "./templates/../t/x"),
            "a/charts/b/t/x"
        );
    }
}
