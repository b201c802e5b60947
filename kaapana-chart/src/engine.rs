//! Helm's render of a set of template files (`pkg/engine/engine.go`,
//! `renderWithReferences`): parse every file into one template set in Helm's
//! order, execute every non-partial file, strip `<no value>`, and report
//! errors in Helm's words.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::capabilities::Capabilities;
use crate::error::{Error, ErrorKind, Result};
use crate::funcs::Functions;
use crate::limits::Limits;
use crate::template::{lock_cache, Options, ParseCache, Shared, TemplateSet};
use crate::value::{ElemType, Entries, Map, Value};

/// Renders charts (and plain template files) the way Helm's engine does.
///
/// ```
/// use kaapana_chart::{Engine, TemplateFile, Value};
///
/// let files = [
///     TemplateFile::new("c/templates/_helpers.tpl", r#"{{ define "c.name" }}web{{ end }}"#, "c/templates"),
///     TemplateFile::new("c/templates/svc.yaml", r#"name: {{ include "c.name" . }}"#, "c/templates"),
/// ];
/// let out = Engine::new().render_templates(&files, &Value::empty_map()).unwrap();
/// assert_eq!(out["c/templates/svc.yaml"], "name: web");
/// assert!(!out.contains_key("c/templates/_helpers.tpl"));
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) options: Options,
    pub(crate) funcs: Arc<Functions>,
    pub(crate) capabilities: Capabilities,
    lint: bool,
    dns: bool,
    /// `Some((seed, now))`: the reproducible function registry of
    /// [`Functions::helm_deterministic`] instead of the system clock and OS
    /// randomness.
    deterministic: Option<(u64, SystemTime)>,
    pub(crate) skip_schema_validation: bool,
    /// Parsed template files and `tpl` strings by their text, reused by
    /// later renders (shared by clones; a builder method that changes the
    /// functions or limits starts a new one).
    parse_cache: Arc<Mutex<ParseCache>>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

/// One template file to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    /// The full name, e.g. `mychart/templates/deployment.yaml`.
    pub name: String,
    /// The template text.
    pub source: String,
    /// The chart's templates folder, e.g. `mychart/templates`
    /// (`.Template.BasePath`).
    pub base_path: String,
}

impl TemplateFile {
    /// A template file.
    pub fn new(
        name: impl Into<String>,
        source: impl Into<String>,
        base_path: impl Into<String>,
    ) -> TemplateFile {
        TemplateFile {
            name: name.into(),
            source: source.into(),
            base_path: base_path.into(),
        }
    }
}

impl Engine {
    /// An engine with Helm's defaults: `missingkey=zero`, default limits.
    pub fn new() -> Engine {
        Engine {
            options: Options::default(),
            funcs: Arc::new(Functions::helm()),
            capabilities: Capabilities::default(),
            lint: false,
            dns: false,
            deterministic: None,
            skip_schema_validation: false,
            parse_cache: Arc::default(),
        }
    }

    /// Whether [`Engine::render_chart`] checks the values against each
    /// chart's `values.schema.json` (the default, as Helm; `false` is
    /// Helm's `--skip-schema-validation`).
    pub fn with_schema_validation(mut self, validate: bool) -> Engine {
        self.skip_schema_validation = !validate;
        self
    }

    /// Replaces the cluster capabilities templates see as `.Capabilities`
    /// (Helm's `--kube-version` and `--api-versions`; the default is Helm
    /// 4.2's client-only set).
    pub fn with_capabilities(mut self, capabilities: Capabilities) -> Engine {
        self.capabilities = capabilities;
        self
    }

    /// Helm's lint mode: `required` and `fail` give `""` instead of failing.
    pub fn with_lint(mut self, lint: bool) -> Engine {
        self.lint = lint;
        self.funcs = Arc::new(self.functions());
        self.parse_cache = Arc::default();
        self
    }

    /// Helm's `--enable-dns`: `getHostByName` asks the system resolver
    /// instead of returning `""`.
    pub fn with_dns(mut self, dns: bool) -> Engine {
        self.dns = dns;
        self.funcs = Arc::new(self.functions());
        self.parse_cache = Arc::default();
        self
    }

    /// Reproducible renders: `now` (and every date function without a time
    /// argument) reads the fixed instant `now`, and the random functions
    /// draw from a generator seeded with `seed` (see
    /// [`Functions::helm_deterministic`]). The generator is shared by the
    /// engine's clones and advances with each render; call this again on a
    /// clone for a render that starts the stream afresh.
    ///
    /// ```
    /// use kaapana_chart::{Engine, TemplateFile, Value};
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let files = [TemplateFile::new("c/templates/t", r#"{{ now | date "2006" }} {{ randAlphaNum 8 }}"#, "c/templates")];
    /// let a = Engine::new().with_deterministic(7, now).render_templates(&files, &Value::empty_map()).unwrap();
    /// let b = Engine::new().with_deterministic(7, now).render_templates(&files, &Value::empty_map()).unwrap();
    /// assert_eq!(a, b);
    /// assert!(a["c/templates/t"].starts_with("2023 "));
    /// ```
    pub fn with_deterministic(mut self, seed: u64, now: SystemTime) -> Engine {
        self.deterministic = Some((seed, now));
        self.funcs = Arc::new(self.functions());
        self
    }

    fn functions(&self) -> Functions {
        let mut f = match self.deterministic {
            Some((seed, now)) => Functions::helm_deterministic(seed, now),
            None => Functions::helm(),
        };
        if self.lint {
            crate::funcs::helm::register_required_fail(&mut f, true);
        }
        if self.dns {
            crate::funcs::helm::register_dns(&mut f);
        }
        f
    }

    /// Helm's `--strict`: a missing map key is an error.
    pub fn with_strict(mut self, strict: bool) -> Engine {
        self.options.strict = strict;
        self
    }

    /// Replaces the resource limits.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.options.limits = limits;
        self.parse_cache = Arc::default();
        self
    }

    /// Renders `files` with `root` as the data (`.`), returning each
    /// non-partial file's output by name.
    ///
    /// Like Helm, every file is parsed into one set first (deepest paths
    /// first, so that a parent chart's `define` overrides a subchart's), the
    /// first failure stops the render, and `<no value>` is removed from each
    /// file's output. `.Template.Name` and `.Template.BasePath` are set to
    /// the file being rendered.
    pub fn render_templates(
        &self,
        files: &[TemplateFile],
        root: &Value,
    ) -> Result<BTreeMap<String, String>> {
        // Helm executes with the chart's scope map, whose Go type is
        // `common.Values`, and writes `.Template` into it before each file.
        let scope = match root {
            Value::Map(m) => Map::typed(ElemType::Interface, m.read().clone()),
            _ => Map::new(),
        };
        let items: Vec<Renderable<'_>> = files
            .iter()
            .map(|f| Renderable {
                name: f.name.clone(),
                source: Cow::Borrowed(&f.source),
                base_path: f.base_path.clone(),
                scope: scope.clone(),
            })
            .collect();
        self.render_renderables(&items)
    }

    /// Helm's `render`: every file parsed into one set (deepest paths
    /// first), then every non-partial file executed with its own scope.
    pub(crate) fn render_renderables(
        &self,
        items: &[Renderable<'_>],
    ) -> Result<BTreeMap<String, String>> {
        let mut order: Vec<&Renderable<'_>> = items.iter().collect();
        order.sort_by(|a, b| helm_template_order(&a.name, &b.name));

        let mut set = TemplateSet::with_functions(self.options.clone(), self.funcs.clone());
        {
            // Held for the parse phase only, never while executing.
            let mut cache = lock_cache(&self.parse_cache);
            for file in &order {
                set.add_cached(&file.name, &file.source, &mut cache)
                    .map_err(|e| cleanup_parse_error(&file.name, e))?;
            }
        }
        set.use_cache(self.parse_cache.clone());

        let mut shared = Shared::new(self.options.limits);
        let mut rendered = BTreeMap::new();
        for file in &order {
            let base = file.name.rsplit('/').next().unwrap_or(&file.name);
            if base.starts_with('_') {
                continue;
            }
            let template = Map::named("common.Values", Entries::new());
            template.insert("Name", Value::from(file.name.as_str()));
            template.insert("BasePath", Value::from(file.base_path.as_str()));
            file.scope.insert("Template", Value::Map(template));
            let data = Value::Map(file.scope.renamed("common.Values"));
            let out = set
                .execute_shared(&file.name, &data, &mut shared)
                .map_err(|e| e.into_error(true))?;
            let out = if out.contains("<no value>") {
                out.replace("<no value>", "")
            } else {
                out
            };
            rendered.insert(file.name.clone(), out);
        }
        Ok(rendered)
    }
}

/// A template file with the scope (`.`) it executes with: Helm's
/// `renderable`.
pub(crate) struct Renderable<'a> {
    pub(crate) name: String,
    /// Borrowed from the caller or the chart, unless it had to be repaired
    /// (a chart file that is not UTF-8).
    pub(crate) source: Cow<'a, str>,
    pub(crate) base_path: String,
    /// A `map[string]interface {}`, passed as `common.Values`; shared by all
    /// templates of one chart, as in Helm.
    pub(crate) scope: Map,
}

/// Helm's `sortTemplates`: more path separators first; equal depth in
/// descending lexical order.
fn helm_template_order(a: &str, b: &str) -> std::cmp::Ordering {
    let depth = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    depth(b).cmp(&depth(a)).then_with(|| b.cmp(a))
}

/// Helm's `cleanupParseError`: `parse error at (<file:line>): <last part>`.
fn cleanup_parse_error(filename: &str, err: Error) -> Error {
    let msg = err.message().to_owned();
    let tokens: Vec<&str> = msg.split(": ").collect();
    let text = if tokens.len() == 1 {
        format!("parse error in ({filename}): {msg}")
    } else {
        let location = tokens[1];
        let last = tokens[tokens.len() - 1];
        format!("parse error at ({location}): {last}")
    };
    let kind = if err.kind() == ErrorKind::LimitExceeded {
        ErrorKind::LimitExceeded
    } else {
        ErrorKind::TemplateSyntax
    };
    err.with_message(text).with_kind(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn rich_error_form_points_at_the_failing_field() {
        let files = [TemplateFile::new(
            "c/templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  x: {{ .Values.missing.key }}\n",
            "c/templates",
        )];
        let root = Value::from_iter([("Values", Value::empty_map())]);
        let err = Engine::new().render_templates(&files, &root).unwrap_err();
        // Helm's message first: the oracle's exact text for this template
        // (helm-oracle render on a chart `c` holding this one file)…
        assert_eq!(
            err.to_string(),
            "c/templates/cm.yaml:3:15\n  executing \"c/templates/cm.yaml\" at <.Values.missing.key>:\n    nil pointer evaluating interface {}.key"
        );
        assert_eq!(
            (err.name(), err.line(), err.column()),
            (Some("c/templates/cm.yaml"), Some(3), Some(15))
        );
        // …then, in the alternate form, the source line with a caret.
        let rich = format!("{err:#}");
        assert!(
            rich.contains("3 |   x: {{ .Values.missing.key }}"),
            "{rich}"
        );
        assert!(rich.contains("^^^^"), "{rich}");
    }

    /// Helm's engine.go in lint mode: `required` of a missing value and
    /// `fail` give "" instead of an error (their outputs are not
    /// observable through the oracle, whose lint prints findings only).
    #[test]
    fn lint_mode_lets_required_and_fail_through() {
        let files = [TemplateFile::new(
            "c/templates/x.yaml",
            r#"a: {{ required "need a" .Values.a }}|{{ fail "stop" }}|{{ required "b" .Values.b }}"#,
            "c/templates",
        )];
        let root = Value::from_iter([("Values", Value::from_iter([("b", Value::from("ok"))]))]);
        let out = Engine::new()
            .with_lint(true)
            .render_templates(&files, &root)
            .unwrap();
        assert_eq!(out["c/templates/x.yaml"], "a: ||ok");
        let err = Engine::new().render_templates(&files, &root).unwrap_err();
        assert!(err.to_string().contains("need a"), "{err}");
    }

    /// Files with the same text share one parse; errors must still name
    /// the file that failed (here the second one parsed, which reuses the
    /// first one's trees).
    #[test]
    fn shared_parse_keeps_each_files_name() {
        let src = r#"{{ define "lib.x" }}x{{ end }}{{ if eq .Template.Name "c/templates/a.yaml" }}{{ .Values.missing.key }}{{ end }}ok"#;
        let files = [
            TemplateFile::new("c/templates/a.yaml", src, "c/templates"),
            TemplateFile::new("c/templates/b.yaml", src, "c/templates"),
        ];
        let root = Value::from_iter([("Values", Value::empty_map())]);
        let err = Engine::new().render_templates(&files, &root).unwrap_err();
        assert_eq!(err.name(), Some("c/templates/a.yaml"));
        assert!(
            err.to_string().starts_with("c/templates/a.yaml:1:"),
            "{err}"
        );
        let files = [
            TemplateFile::new(
                "c/templates/a.yaml",
                r#"{{ include "lib.x" . }}"#,
                "c/templates",
            ),
            TemplateFile::new(
                "c/templates/b.yaml",
                src.replace("a.yaml", "none"),
                "c/templates",
            ),
            TemplateFile::new(
                "c/templates/c.yaml",
                src.replace("a.yaml", "none"),
                "c/templates",
            ),
        ];
        let out = Engine::new().render_templates(&files, &root).unwrap();
        assert_eq!(out["c/templates/a.yaml"], "x");
        assert_eq!(out["c/templates/b.yaml"], "ok");
        assert_eq!(out["c/templates/c.yaml"], "ok");
    }

    /// The engine keeps parses across renders; the results must be what a
    /// fresh engine gives, `tpl` strings included, and an engine whose
    /// limits change must parse again (a cached parse made under looser
    /// limits must not let a file through).
    #[test]
    fn parse_cache_gives_the_same_results_and_follows_the_limits() {
        let files = [
            TemplateFile::new(
                "c/templates/_h.tpl",
                r#"{{ define "c.x" }}{{ if . }}{{ if . }}x{{ end }}{{ end }}{{ end }}"#,
                "c/templates",
            ),
            TemplateFile::new(
                "c/templates/a.yaml",
                r#"{{ include "c.x" true }}|{{ tpl "{{ .Values.v }}" . }}|{{ tpl `{{ define "t" }}{{ end }}{{ .Values.v | upper }}` . }}"#,
                "c/templates",
            ),
        ];
        let root = Value::from_iter([("Values", Value::from_iter([("v", Value::from("hi"))]))]);
        let engine = Engine::new();
        let first = engine.render_templates(&files, &root).unwrap();
        assert_eq!(first["c/templates/a.yaml"], "x|hi|HI");
        for _ in 0..3 {
            assert_eq!(engine.render_templates(&files, &root).unwrap(), first);
            assert_eq!(
                engine.clone().render_templates(&files, &root).unwrap(),
                first
            );
        }
        // A tpl parse error is reported every time, cached successes or not.
        let bad = [TemplateFile::new(
            "c/templates/b.yaml",
            r#"{{ tpl "{{ .Values.v }}" . }}{{ tpl "{{ nope }}" . }}"#,
            "c/templates",
        )];
        for _ in 0..2 {
            let err = engine.render_templates(&bad, &root).unwrap_err();
            assert!(
                err.to_string().contains(r#"function "nope" not defined"#),
                "{err}"
            );
        }
        let strict = engine.clone().with_limits(Limits {
            max_nesting_depth: 2,
            ..Limits::default()
        });
        let err = strict.render_templates(&files, &root).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
        // The original engine still has its (looser) cache.
        assert_eq!(engine.render_templates(&files, &root).unwrap(), first);
    }

    #[test]
    fn deepest_paths_first_then_descending() {
        let mut v = vec!["a/templates/x", "a/charts/b/templates/y", "a/templates/z"];
        v.sort_by(|a, b| helm_template_order(a, b));
        assert_eq!(
            v,
            ["a/charts/b/templates/y", "a/templates/z", "a/templates/x"]
        );
    }
}
