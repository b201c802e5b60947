//! The chart upload check: load a `.tgz` with the hardened loader, render it
//! the way the platform will install it (and with every parameter choice),
//! and look at every object Helm would send to the cluster.
//!
//! ```
//! use kaapana_chart::upload::{check_chart_archive, Policy, Verdict};
//!
//! let report = check_chart_archive(b"apiVersion: v2\n", &Policy::default());
//! assert_eq!(report.verdict(), Verdict::Rejected);
//! assert_eq!(report.rules(), ["archive.not-gzip"]);
//! ```
//!
//! # What is looked at
//!
//! Everything Helm installs: every rendered file except `NOTES.txt` and
//! `_*` partials (whatever its extension), hooks and test hooks included,
//! the `crds/` files of the chart and its enabled subcharts, each split on
//! Helm's separator ([`split_manifests`]) and read with the crate's YAML
//! reader (Helm's: duplicate keys, merge keys, anchors and tags resolved as
//! `sigs.k8s.io/yaml` resolves them), lists flattened (any object with
//! `items`, as Kubernetes' unstructured decoder reads it). A namespaced
//! object without `metadata.namespace` is given the release namespace, as
//! Helm's kube client does.
//!
//! # Renders
//!
//! * `defaults`: the platform globals ([`Policy::globals`]) and the
//!   defaults of the chart's `extension_params` over the chart's values,
//!   release named after the chart, in the release namespace — Kaapana's
//!   own dry run, but with the namespace it really installs into.
//! * one render per other parameter choice
//!   ([`ExtensionParams::variants`]: each `list_single` choice, each bool
//!   both ways, …), labelled like `global.mode=debug`.
//! * `upgrade`: the same as an upgrade (`.Release.IsUpgrade`, revision 2),
//!   so branches only upgrades take are seen.
//! * `all-subcharts-enabled`: every dependency `condition` and `tag` set to
//!   true, so subcharts disabled by default are seen.
//! * `probe`: a values probe (see below).
//!
//! The probe finds namespaces that install-time values decide: every string
//! of the chart's own values that equals a namespace an object landed in,
//! and every `string` extension parameter, is set to an admin namespace
//! ([`Policy::probe_namespace`]); an object that then lands in an admin
//! namespace is a `namespace.from-values` finding. Values the platform
//! itself sets ([`Policy::globals`]) are not probed: they are what the
//! `defaults` render already uses.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::chart::loader::{load_archive_with, Violation};
use crate::chart::Chart;
use crate::kaapana::params::ExtensionParams;
use crate::manifest::{sort_manifests, split_manifests};
use crate::upload::policy::{is_dns_label, Policy, MAX_RENDERS};
use crate::upload::scope::{api_group, Scope};
use crate::upload::{Finding, ObjectRef, Report, Severity};
use crate::value::yaml::from_yaml_str;
use crate::{Engine, Map, Release, Value};

/// How deep `items` lists may nest inside each other (`List` of `List`s).
/// Kubernetes' decoder flattens one level per `items`; deeper nesting is
/// refused rather than walked.
pub const MAX_LIST_DEPTH: usize = 8;

/// How many nodes of one object the reference walk visits; an object larger
/// than this is refused (`object.too-large`) instead of half-checked.
pub const MAX_OBJECT_NODES: usize = 200_000;

/// The label of the render with the platform's values and the chart's
/// defaults.
pub const DEFAULTS_VARIANT: &str = "defaults";

/// The label of the render as an upgrade (`.Release.IsUpgrade` true).
pub const UPGRADE_VARIANT: &str = "upgrade";

/// The label of the render with every subchart condition and tag true.
pub const SUBCHARTS_VARIANT: &str = "all-subcharts-enabled";

/// Checks an uploaded chart archive: the loader's rules first (each
/// violation is a finding whose rule id is the loader's, e.g.
/// `archive.parent-directory`), then [`check_chart`].
///
/// ```
/// use kaapana_chart::upload::{check_chart_archive, Policy};
///
/// let report = check_chart_archive(&[], &Policy::default());
/// assert_eq!(report.rules(), ["archive.truncated"]);
/// ```
pub fn check_chart_archive(bytes: &[u8], policy: &Policy) -> Report {
    match load_archive_with(bytes, &policy.load_options) {
        Ok(chart) => check_chart(&chart, policy),
        Err(err) => {
            let mut report = Report::default();
            let finding = match Violation::of(&err) {
                Some(v) => {
                    let f = Finding::new(
                        v.rule().id(),
                        Severity::Error,
                        format!("{}: {}", err.message(), v.detail()),
                    );
                    match v.entry() {
                        Some(e) => f.with_file(e),
                        None => f,
                    }
                }
                None => Finding::new("chart.load", Severity::Error, err.to_string()),
            };
            report.push(finding);
            report
        }
    }
}

/// Checks a chart that is already loaded (with the hardened loader): renders
/// it as described in the [module docs](self) and reports every object that
/// leaves the tenant's reach.
///
/// ```
/// use kaapana_chart::chart::{Chart, File, Metadata};
/// use kaapana_chart::upload::{check_chart, Policy, Verdict};
///
/// let chart = Chart {
///     metadata: Metadata { name: "x".into(), version: "1.0.0".into(), api_version: "v2".into(), ..Metadata::default() },
///     templates: vec![File {
///         name: "templates/cm.yaml".into(),
///         data: b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: tenant\n".to_vec().into(),
///     }],
///     ..Chart::default()
/// };
/// assert_eq!(check_chart(&chart, &Policy::default()).verdict(), Verdict::Accepted);
///
/// // Without a namespace it lands in the release namespace, `admin`.
/// let mut bad = chart.clone();
/// bad.templates[0].data = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".to_vec().into();
/// assert_eq!(check_chart(&bad, &Policy::default()).rules(), ["namespace.release-admin"]);
/// ```
pub fn check_chart(chart: &Chart, policy: &Policy) -> Report {
    let mut cx = Checker {
        policy,
        report: Report::default(),
        seen: BTreeSet::new(),
        engine: Engine::new().with_limits(policy.limits),
    };
    let mut source_findings = Report::default();
    scan_sources(chart, "", &chart.metadata.name, &mut source_findings);
    for f in source_findings.findings {
        cx.push(f);
    }

    let (variants, problems) = renders(chart, policy);
    for f in problems {
        cx.push(f);
    }
    let base = variants
        .first()
        .map(|r| r.values.clone())
        .unwrap_or_else(|| base_values(policy));

    let mut default_namespaces = BTreeSet::new();
    let mut admin_objects = BTreeSet::new();
    let started = Instant::now();
    let mut out_of_time = false;
    for (i, r) in variants.iter().enumerate() {
        let label = &r.label;
        if i > 0 && started.elapsed() > policy.max_check_time {
            cx.push(Finding::new(
                "limit.check-time",
                Severity::Error,
                format!(
                    "rendering every choice took longer than {} s; {} of {} renders are unchecked",
                    policy.max_check_time.as_secs_f64(),
                    variants.len() - i,
                    variants.len()
                ),
            ));
            out_of_time = true;
            break;
        }
        let Some(objects) = cx.render(chart, r, i == 0) else {
            if i == 0 {
                // Kaapana's own dry run fails: rejected already, and a
                // chart that fails (or exhausts its fuel) here gets no
                // second try at costing hundreds of renders.
                return cx.report;
            }
            continue;
        };
        for o in &objects {
            let found = cx.check_object(o, label);
            if i == 0 {
                if let Some(ns) = &found.namespace {
                    default_namespaces.insert(ns.clone());
                }
            }
            if found.admin {
                admin_objects.insert(found.key.clone());
            }
        }
    }

    // The probe: install-time values that decide a namespace.
    let mut probed = Vec::new();
    for (prefix, values) in chart_values_by_path(chart) {
        let mut path = prefix;
        collect_probe_paths(
            values,
            &mut path,
            &default_namespaces,
            &policy.globals,
            &mut probed,
        );
    }
    for key in string_params(chart) {
        let path = vec!["global".to_owned(), key];
        if !probed.contains(&path) {
            probed.push(path);
        }
    }
    if !probed.is_empty() && !out_of_time {
        let probe_ns = policy.probe_namespace().to_owned();
        let values = deep_copy(&base);
        for path in &probed {
            set_path(&values, path, Value::from(probe_ns.as_str()));
        }
        let shown: Vec<String> = probed.iter().map(|p| p.join(".")).collect();
        let label = format!("probe: {}={probe_ns}", shown.join(","));
        let probe = Render {
            label: label.clone(),
            values,
            upgrade: false,
        };
        if let Some(objects) = cx.render(chart, &probe, false) {
            for o in &objects {
                let Some(found) = cx.object_namespace(o) else {
                    continue;
                };
                if found.admin && !admin_objects.contains(&found.key) {
                    let f = Finding::new(
                        "namespace.from-values",
                        Severity::Error,
                        format!(
                            "an install-time value decides this object's namespace: with {} set to {probe_ns:?} it lands in an admin namespace",
                            shown.join(", ")
                        ),
                    )
                    .with_object(found.object.clone())
                    .with_file(o.file.clone())
                    .with_variant(label.clone());
                    cx.push(f);
                }
            }
        }
    }
    cx.report
}

/// One render of the chart: a label for findings, the user values, and
/// whether it is an upgrade (`.Release.IsUpgrade`, revision 2).
struct Render {
    label: String,
    values: Value,
    upgrade: bool,
}

/// The renders every chart gets: one per parameter variant of its
/// `extension_params` (`defaults` first; values built as Kaapana's backend
/// builds them, over the platform globals), then `upgrade` (install and
/// upgrade branches differ), then every subchart switched on if any is
/// switchable. With the probe at most [`MAX_RENDERS`]; a check that would
/// need more is refused rather than done in part.
fn renders(chart: &Chart, policy: &Policy) -> (Vec<Render>, Vec<Finding>) {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    match ExtensionParams::from_chart(chart) {
        Ok(params) => {
            for v in params.variants() {
                match params.values_for(&v.submission, &policy.globals) {
                    Ok(values) => out.push(Render {
                        label: v.label,
                        values,
                        upgrade: false,
                    }),
                    Err(e) => problems.push(
                        Finding::new(
                            "chart.render-variant",
                            Severity::Warning,
                            format!("the parameter choice cannot be turned into values: {e}"),
                        )
                        .with_variant(v.label),
                    ),
                }
            }
        }
        Err(e) => problems.push(Finding::new(
            "params.invalid",
            Severity::Error,
            format!(
                "extension_params cannot be read, so the choices a user can make are unknown: {e}"
            ),
        )),
    }
    if out.first().map(|r| r.label.as_str()) != Some(DEFAULTS_VARIANT) {
        out.insert(
            0,
            Render {
                label: DEFAULTS_VARIANT.to_owned(),
                values: base_values(policy),
                upgrade: false,
            },
        );
    }
    let base = out
        .first()
        .map(|r| deep_copy(&r.values))
        .unwrap_or_else(|| base_values(policy));
    out.push(Render {
        label: UPGRADE_VARIANT.to_owned(),
        values: deep_copy(&base),
        upgrade: true,
    });
    let enable = subchart_switches(chart);
    if !enable.is_empty() {
        let v = deep_copy(&base);
        for path in &enable {
            set_path(&v, path, Value::Bool(true));
        }
        out.push(Render {
            label: SUBCHARTS_VARIANT.to_owned(),
            values: v,
            upgrade: false,
        });
    }
    if out.len() >= MAX_RENDERS {
        problems.push(Finding::new(
            "chart.too-many-renders",
            Severity::Error,
            format!("checking every parameter choice would take more than {MAX_RENDERS} renders"),
        ));
        out.truncate(MAX_RENDERS.saturating_sub(1));
    }
    (out, problems)
}

/// One object as Helm would send it, with where it came from.
struct Object {
    value: Value,
    file: String,
}

/// What [`Checker::check_object`] learnt about an object's namespace.
struct Placement {
    object: ObjectRef,
    /// Its namespace, when namespaced and written out (not defaulted).
    namespace: Option<String>,
    /// Whether it lands in an admin namespace.
    admin: bool,
    /// Kind, name and file: the same object across renders.
    key: (String, String, String),
}

struct Checker<'a> {
    policy: &'a Policy,
    report: Report,
    /// Findings already reported (rule, object, file, message): one object
    /// flagged the same way by several renders is reported once, with the
    /// first render's label.
    seen: BTreeSet<(String, String, String, String)>,
    /// One engine for every render of the check, so that the variants
    /// share its function registry and its parsed templates (each variant
    /// renders the same files).
    engine: Engine,
}

impl Checker<'_> {
    fn push(&mut self, f: Finding) {
        let key = (
            f.rule.clone(),
            f.object.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            f.file.clone().unwrap_or_default(),
            f.message.clone(),
        );
        if self.seen.insert(key) {
            self.report.push(f);
        }
    }

    /// Renders one variant and collects its objects. A failure in the
    /// `defaults` render rejects (Kaapana's own dry run fails, and nothing
    /// can be seen); in other renders it is a warning (Helm would install
    /// nothing for that choice).
    fn render(&mut self, chart: &Chart, r: &Render, decisive: bool) -> Option<Vec<Object>> {
        let label = r.label.as_str();
        let (rule, severity) = if decisive {
            ("chart.render", Severity::Error)
        } else {
            ("chart.render-variant", Severity::Warning)
        };
        let release = Release {
            name: self
                .policy
                .release_name
                .clone()
                .unwrap_or_else(|| chart.metadata.name.clone()),
            namespace: self.policy.release_namespace().to_owned(),
            revision: if r.upgrade { 2 } else { 1 },
            is_install: !r.upgrade,
            is_upgrade: r.upgrade,
            ..Release::default()
        };
        let rendered = match self.engine.render_chart(chart, &r.values, &release) {
            Ok(r) => r,
            Err(e) => {
                self.push(
                    Finding::new(rule, severity, format!("the chart does not render: {e}"))
                        .with_variant(label),
                );
                return None;
            }
        };
        // Helm's own reading of the stream: if it fails, Helm installs
        // nothing.
        if let Err(e) = sort_manifests(&rendered.files) {
            self.push(Finding::new(rule, severity, e.to_string()).with_variant(label));
            return None;
        }
        let mut objects = Vec::new();
        for (path, text) in &rendered.files {
            let base = path.rsplit('/').next().unwrap_or(path);
            if path.ends_with("NOTES.txt") || base.starts_with('_') || text.trim().is_empty() {
                continue;
            }
            self.read_documents(text, path, label, &mut objects);
        }
        for crd in &rendered.crds {
            match std::str::from_utf8(&crd.data) {
                Ok(text) => self.read_documents(text, &crd.filename, label, &mut objects),
                Err(_) => self.push(
                    Finding::new(
                        "manifest.parse",
                        Severity::Error,
                        "a crds/ file is not UTF-8 text",
                    )
                    .with_file(crd.filename.clone())
                    .with_variant(label),
                ),
            }
        }
        Some(objects)
    }

    /// Splits `text` as Helm does and adds every object in it (lists
    /// flattened).
    fn read_documents(&mut self, text: &str, file: &str, label: &str, out: &mut Vec<Object>) {
        for doc in split_manifests(text) {
            if hides_after_document_end(doc) {
                self.push(
                    Finding::new(
                        "manifest.ambiguous",
                        Severity::Error,
                        "content after a YAML document end marker `...`: Helm and Kubernetes read only what is before it, other tools may read the rest",
                    )
                    .with_file(file)
                    .with_variant(label),
                );
            }
            match from_yaml_str(doc) {
                Ok(v) => {
                    if v.as_map().is_some_and(|m| !m.is_empty()) {
                        self.flatten(v, file, label, 0, out);
                    }
                }
                Err(e) => self.push(
                    Finding::new(
                        "manifest.parse",
                        Severity::Error,
                        format!("a document cannot be read: {e}"),
                    )
                    .with_file(file)
                    .with_variant(label),
                ),
            }
        }
    }

    /// Kubernetes' unstructured decoder reads any object with `items` as a
    /// list and creates the items; the wrapper is kept too unless its kind
    /// says it is a list, so nothing is missed either way.
    fn flatten(&mut self, v: Value, file: &str, label: &str, depth: usize, out: &mut Vec<Object>) {
        let items = v.get("items");
        let Some(items) = items.filter(|i| !i.is_nil()) else {
            out.push(Object {
                value: v,
                file: file.to_owned(),
            });
            return;
        };
        if depth >= MAX_LIST_DEPTH {
            self.push(
                Finding::new(
                    "object.invalid",
                    Severity::Error,
                    format!("lists nested deeper than {MAX_LIST_DEPTH}"),
                )
                .with_file(file)
                .with_variant(label),
            );
            return;
        }
        let is_list_kind = v
            .get("kind")
            .and_then(|k| k.as_str().map(|s| s.ends_with("List")));
        if is_list_kind != Some(true) {
            out.push(Object {
                value: v.clone(),
                file: file.to_owned(),
            });
        }
        match items.as_list() {
            Some(list) => {
                for item in list.items() {
                    if item.as_map().is_some() {
                        self.flatten(item.clone(), file, label, depth + 1, out);
                    } else {
                        self.push(
                            Finding::new(
                                "object.invalid",
                                Severity::Error,
                                "a list item is not an object",
                            )
                            .with_file(file)
                            .with_variant(label),
                        );
                    }
                }
            }
            None => self.push(
                Finding::new("object.invalid", Severity::Error, "`items` is not a list")
                    .with_file(file)
                    .with_variant(label),
            ),
        }
    }

    /// Where an object lands, or `None` when it is not a readable object.
    fn object_namespace(&self, o: &Object) -> Option<Placement> {
        let v = &o.value;
        let api_version = v.get("apiVersion")?.as_str()?.to_owned();
        let kind = v.get("kind")?.as_str()?.to_owned();
        let meta = v.get("metadata");
        let name = meta
            .as_ref()
            .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
            .and_then(|n| n.as_str().map(str::to_owned))
            .unwrap_or_default();
        let group = api_group(&api_version).to_owned();
        let scope = self.policy.scope_of(&group, &kind);
        let key = (kind.clone(), name.clone(), o.file.clone());
        let mut object = ObjectRef {
            api_version,
            kind: kind.clone(),
            name: name.clone(),
            namespace: None,
        };
        if scope == Some(Scope::Cluster) {
            let admin = group.is_empty() && kind == "Namespace" && self.names_admin(&name);
            return Some(Placement {
                object,
                namespace: None,
                admin,
                key,
            });
        }
        let written = meta
            .as_ref()
            .and_then(|m| m.get("namespace"))
            .and_then(|n| n.as_str().map(str::to_owned))
            .filter(|n| !n.is_empty());
        let effective = written
            .clone()
            .unwrap_or_else(|| self.policy.release_namespace().to_owned());
        object.namespace = Some(effective.clone());
        Some(Placement {
            object,
            admin: self.names_admin(&effective),
            namespace: written,
            key,
        })
    }

    /// Whether `ns` is an admin namespace, or would be read as one by a
    /// human (case, whitespace, look-alike characters).
    fn names_admin(&self, ns: &str) -> bool {
        self.policy.is_admin(ns) || self.policy.is_admin(&normalize(ns))
    }

    /// Checks one object; returns where it lands.
    fn check_object(&mut self, o: &Object, label: &str) -> Placement {
        let v = &o.value;
        let fail = |rule: &str, msg: String| {
            Finding::new(rule, Severity::Error, msg)
                .with_file(o.file.clone())
                .with_variant(label)
        };
        let Some(placement) = self.object_namespace(o) else {
            self.push(fail(
                "object.invalid",
                "a document without a string apiVersion and kind: the API server refuses it"
                    .to_owned(),
            ));
            return Placement {
                object: ObjectRef::default(),
                namespace: None,
                admin: false,
                key: Default::default(),
            };
        };
        let object = placement.object.clone();
        let fail = |rule: &str, msg: String| fail(rule, msg).with_object(object.clone());
        let group = api_group(&object.api_version).to_owned();
        let kind = object.kind.clone();
        let scope = self.policy.scope_of(&group, &kind);
        let meta = v.get("metadata");
        match scope {
            Some(Scope::Cluster) => {
                if !self.policy.cluster_kind_allowed(&group, &kind) {
                    self.push(fail(
                        "scope.cluster",
                        format!(
                            "{kind} ({}) is cluster-scoped: it reaches beyond any tenant namespace",
                            if group.is_empty() { "core" } else { &group }
                        ),
                    ));
                }
                if group.is_empty() && kind == "Namespace" {
                    self.check_namespace_name(&object.name, "the Namespace", &fail);
                }
            }
            None => self.push(fail(
                "kind.unknown",
                format!(
                    "unknown kind {kind} in API group {:?}: its scope cannot be decided (declare it in the policy)",
                    group
                ),
            )),
            Some(Scope::Namespaced) => {}
        }
        if scope != Some(Scope::Cluster) {
            let raw_ns = meta.as_ref().and_then(|m| m.get("namespace"));
            match &raw_ns {
                None | Some(Value::Nil) => {}
                Some(Value::String(s)) if s.is_empty() => {}
                Some(Value::String(s)) => {
                    let s = s.to_string();
                    self.check_namespace_name(&s, "metadata.namespace", &fail);
                }
                Some(other) => self.push(fail(
                    "namespace.invalid",
                    format!("metadata.namespace is a {}, not a string", other.go_type()),
                )),
            }
            let ns = object.namespace.clone().unwrap_or_default();
            if placement.namespace.is_none() && self.policy.is_admin(&ns) {
                self.push(fail(
                    "namespace.release-admin",
                    format!(
                        "no metadata.namespace: Helm puts it in the release namespace {ns:?}, an admin namespace"
                    ),
                ));
            }
        }
        self.check_references(v, &group, &kind, &fail);
        placement
    }

    /// A namespace name: not a DNS label → invalid (a look-alike of an
    /// admin namespace gets its own rule); an admin namespace → admin.
    fn check_namespace_name(
        &mut self,
        ns: &str,
        what: &str,
        fail: &dyn Fn(&str, String) -> Finding,
    ) {
        if !is_dns_label(ns) {
            if self.policy.is_admin(&normalize(ns)) {
                self.push(fail(
                    "namespace.lookalike",
                    format!("{what} {ns:?} is not a valid namespace name but reads as an admin namespace"),
                ));
            } else {
                self.push(fail(
                    "namespace.invalid",
                    format!("{what} {ns:?} is not a DNS-1123 label"),
                ));
            }
        } else if self.policy.is_admin(ns) {
            self.push(fail(
                "namespace.admin",
                format!("{what} {ns:?} is an admin namespace"),
            ));
        }
    }

    /// References into an admin namespace from inside the object: any
    /// `namespace` (or `…Namespace`) field outside `metadata` (RBAC
    /// subjects, PV `claimRef`, webhook and APIService services, Gateway
    /// API `parentRefs`/`backendRefs`, ReferenceGrant `from`…), and
    /// ExternalName services aimed at admin-namespace DNS names.
    fn check_references(
        &mut self,
        v: &Value,
        group: &str,
        kind: &str,
        fail: &dyn Fn(&str, String) -> Finding,
    ) {
        let Some(map) = v.as_map() else { return };
        let mut stack: Vec<(String, Value)> = map
            .entries()
            .into_iter()
            .filter(|(k, _)| &**k != "metadata")
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let mut visited = 0usize;
        while let Some((path, node)) = stack.pop() {
            visited += 1;
            if visited > MAX_OBJECT_NODES {
                self.push(fail(
                    "object.too-large",
                    format!("more than {MAX_OBJECT_NODES} nodes in one object"),
                ));
                return;
            }
            match &node {
                Value::Map(m) => {
                    for (k, child) in m.entries() {
                        stack.push((format!("{path}.{k}"), child));
                    }
                }
                Value::List(l) => {
                    for (i, child) in l.items().iter().enumerate() {
                        stack.push((format!("{path}[{i}]"), child.clone()));
                    }
                }
                Value::String(s) => {
                    let field = path.rsplit('.').next().unwrap_or(&path);
                    let field = field.split('[').next().unwrap_or(field);
                    if (field == "namespace" || field.ends_with("Namespace")) && self.names_admin(s)
                    {
                        let rule = if group == "rbac.authorization.k8s.io"
                            && path.starts_with("subjects")
                        {
                            "rbac.subject-admin"
                        } else {
                            "reference.admin-namespace"
                        };
                        self.push(fail(
                            rule,
                            format!("{path} points into the admin namespace {s:?}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        if group.is_empty() && kind == "Service" {
            let spec = v.get("spec");
            let is_external = spec
                .as_ref()
                .and_then(|s| s.get("type"))
                .is_some_and(|t| t.as_str() == Some("ExternalName"));
            let target = spec
                .as_ref()
                .and_then(|s| s.get("externalName"))
                .and_then(|n| n.as_str().map(str::to_owned));
            if let (true, Some(target)) = (is_external, target) {
                if self.dns_names_admin(&target) {
                    self.push(fail(
                        "reference.external-name",
                        format!(
                            "an ExternalName service aimed at {target:?}, in an admin namespace"
                        ),
                    ));
                }
            }
        }
    }

    /// Whether a cluster DNS name points into an admin namespace:
    /// `svc.<ns>…`, `<svc>.<ns>.svc…`, `<pod>.<ns>.pod…`.
    fn dns_names_admin(&self, name: &str) -> bool {
        let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = lower.split('.').collect();
        if labels.get(1).is_some_and(|ns| self.names_admin(ns)) {
            return true;
        }
        labels.windows(2).any(|w| match w {
            [ns, "svc" | "pod"] => self.names_admin(ns),
            _ => false,
        })
    }
}

/// Whether a document has a `...` end marker followed by more content:
/// what is after it is a second YAML document that Helm's split does not
/// see and `sigs.k8s.io/yaml` silently drops, so readers disagree about it.
fn hides_after_document_end(doc: &str) -> bool {
    let mut ended = false;
    for line in doc.lines() {
        let t = line.trim_end();
        if ended {
            let s = t.trim_start();
            if !s.is_empty() && !s.starts_with('#') {
                return true;
            }
        } else if t == "..."
            || t.starts_with("... ")
            || t.starts_with("...#")
            || t.starts_with("...\t")
        {
            ended = true;
        }
    }
    false
}

/// A namespace name as a human would read it: surrounding whitespace and
/// invisible characters dropped, lower case, common look-alike letters and
/// dashes mapped to ASCII.
fn normalize(ns: &str) -> String {
    ns.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
        })
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}' | '_' => '-',
            'а' | 'А' => 'a',
            'е' | 'Е' => 'e',
            'о' | 'О' => 'o',
            'р' | 'Р' => 'p',
            'с' | 'С' => 'c',
            'х' | 'Х' => 'x',
            'у' | 'У' => 'y',
            'і' | 'І' => 'i',
            'ѕ' | 'Ѕ' => 's',
            'к' | 'К' => 'k',
            'м' | 'М' => 'm',
            'т' | 'Т' => 't',
            'в' | 'В' => 'b',
            'ԁ' => 'd',
            'ո' => 'n',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The values every render starts from: the platform globals under
/// `global`.
fn base_values(policy: &Policy) -> Value {
    let root = Map::new();
    // Like `ExtensionParams::values_for`: a map with a `global` map, or the
    // globals themselves.
    let globals = match policy.globals.get("global") {
        Some(g @ Value::Map(_)) => g,
        _ => policy.globals.clone(),
    };
    if let Some(g) = globals.as_map() {
        root.insert("global", Value::Map(deep_copy_map(g)));
    }
    Value::Map(root)
}

/// A copy of a values tree whose maps can be changed independently.
fn deep_copy(v: &Value) -> Value {
    match v {
        Value::Map(m) => Value::Map(deep_copy_map(m)),
        other => other.clone(),
    }
}

/// A copy whose maps can be changed without touching the original.
fn deep_copy_map(m: &Map) -> Map {
    let out = Map::new();
    for (k, v) in m.entries() {
        let v = match &v {
            Value::Map(inner) => Value::Map(deep_copy_map(inner)),
            _ => v,
        };
        out.insert(k, v);
    }
    out
}

/// Sets `path` in `root` (a map), creating maps on the way and replacing
/// what is not one.
fn set_path(root: &Value, path: &[String], value: Value) {
    let Some(mut map) = root.as_map().cloned() else {
        return;
    };
    let Some((last, init)) = path.split_last() else {
        return;
    };
    for key in init {
        let next = match map.get(key) {
            Some(Value::Map(m)) => m,
            _ => {
                let m = Map::new();
                map.insert(key.as_str(), Value::Map(m.clone()));
                m
            }
        };
        map = next;
    }
    map.insert(last.as_str(), value);
}

/// The value paths that switch subcharts on: each dependency's
/// `condition` paths and `tags.<tag>`, for every level of the tree
/// (subchart paths under the subchart's name or alias).
fn subchart_switches(chart: &Chart) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Chart, Vec<String>)> = vec![(chart, Vec::new())];
    while let Some((c, prefix)) = stack.pop() {
        for dep in &c.metadata.dependencies {
            for cond in dep.condition.split(',') {
                let cond = cond.trim();
                if cond.is_empty() {
                    continue;
                }
                let mut p = prefix.clone();
                p.extend(cond.split('.').map(str::to_owned));
                out.push(p);
            }
            for tag in &dep.tags {
                let mut p = prefix.clone();
                p.push("tags".to_owned());
                p.push(tag.clone());
                out.push(p);
            }
        }
        if prefix.len() < crate::chart::loader::MAX_SUBCHART_DEPTH {
            for sub in &c.dependencies {
                let mut p = prefix.clone();
                p.push(subchart_key(c, sub));
                stack.push((sub, p));
            }
        }
    }
    out
}

/// The values.yaml of every chart in the tree with the path at which the
/// top chart's values override it (`[]`, `[sub]`, `[sub, subsub]`; a
/// subchart under its alias when it has one).
fn chart_values_by_path(chart: &Chart) -> Vec<(Vec<String>, &Value)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Chart, Vec<String>)> = vec![(chart, Vec::new())];
    while let Some((c, prefix)) = stack.pop() {
        out.push((prefix.clone(), &c.values));
        if prefix.len() >= crate::chart::loader::MAX_SUBCHART_DEPTH {
            continue;
        }
        for sub in &c.dependencies {
            let mut p = prefix.clone();
            p.push(subchart_key(c, sub));
            stack.push((sub, p));
        }
    }
    out
}

/// The key under which a parent's values reach a subchart: its alias, or
/// its name.
fn subchart_key(parent: &Chart, sub: &Chart) -> String {
    let name = &sub.metadata.name;
    parent
        .metadata
        .dependencies
        .iter()
        .find(|d| &d.name == name && !d.alias.is_empty())
        .map(|d| d.alias.clone())
        .unwrap_or_else(|| name.clone())
}

/// Paths of string leaves of the chart's values that equal a namespace an
/// object landed in, except values the platform sets itself.
fn collect_probe_paths(
    v: &Value,
    path: &mut Vec<String>,
    namespaces: &BTreeSet<String>,
    globals: &Value,
    out: &mut Vec<Vec<String>>,
) {
    if path.len() > 32 || out.len() >= 64 {
        return;
    }
    match v {
        Value::Map(m) => {
            for (k, child) in m.entries() {
                // Parameter declarations are not values templates read; the
                // parameters themselves are probed as `global.<key>`.
                if path.is_empty() && &*k == "extension_params" {
                    continue;
                }
                path.push(k.to_string());
                collect_probe_paths(&child, path, namespaces, globals, out);
                path.pop();
            }
        }
        Value::String(s) if namespaces.contains(&**s) => {
            let platform_set = match path.split_first() {
                Some((g, rest)) if g == "global" => {
                    let mut cur = Some(globals.clone());
                    for k in rest {
                        cur = cur.and_then(|c| c.get(k));
                    }
                    cur.is_some()
                }
                _ => false,
            };
            if !platform_set {
                out.push(path.clone());
            }
        }
        _ => {}
    }
}

/// The keys of the chart's `string` extension parameters: free text a
/// user types at launch, which Kaapana passes as `global.<key>`.
fn string_params(chart: &Chart) -> Vec<String> {
    let Some(params) = chart.values.get("extension_params") else {
        return Vec::new();
    };
    let Some(map) = params.as_map() else {
        return Vec::new();
    };
    map.entries()
        .into_iter()
        .filter(|(_, p)| p.get("type").is_some_and(|t| t.as_str() == Some("string")))
        .map(|(k, _)| k.to_string())
        .collect()
}

/// Source-level checks on every file of the chart tree: templates (and
/// values or files, which `tpl` can run) that call `lookup`, and templates
/// whose `namespace:` is an expression rather than a literal or
/// `.Release.Namespace`.
fn scan_sources(chart: &Chart, prefix: &str, name: &str, report: &mut Report) {
    let mut stack: Vec<(&Chart, String)> = vec![(chart, format!("{prefix}{name}"))];
    while let Some((c, full)) = stack.pop() {
        for f in &c.raw {
            let Ok(text) = std::str::from_utf8(&f.data) else {
                continue;
            };
            let path = format!("{full}/{}", f.name);
            if calls_lookup(text) {
                report.push(
                    Finding::new(
                        "template.lookup",
                        Severity::Error,
                        "calls `lookup`: at install time it reads live cluster objects (admin-namespace Secrets included) with the installer's credentials",
                    )
                    .with_file(path.clone()),
                );
            }
            if f.name.starts_with("templates/") {
                if let Some(expr) = templated_namespace(text) {
                    report.push(
                        Finding::new(
                            "namespace.templated",
                            Severity::Warning,
                            format!("metadata.namespace comes from an expression ({expr}): values given at install time decide it"),
                        )
                        .with_file(path.clone()),
                    );
                }
            }
        }
        for sub in &c.dependencies {
            // Rendered paths name a subchart by its alias: so do these.
            stack.push((sub, format!("{full}/charts/{}", subchart_key(c, sub))));
        }
    }
}

/// Whether a template action (`{{ … }}`) in `text` names the function
/// `lookup`.
fn calls_lookup(text: &str) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").unwrap_or(after.len());
        let action = &after[..end];
        let b = action.as_bytes();
        let mut from = 0;
        while let Some(i) = action[from..].find("lookup") {
            let at = from + i;
            let before_ok = match at.checked_sub(1).and_then(|i| b.get(i)) {
                None => true,
                Some(c) => !is_ident(*c) && *c != b'.' && *c != b'$',
            };
            let after_ok = b.get(at + 6).is_none_or(|c| !is_ident(*c));
            if before_ok && after_ok {
                return true;
            }
            from = at + 6;
        }
        rest = &after[end..];
    }
    false
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The first `namespace:` line of a template whose value is an action
/// other than `.Release.Namespace`, shortened for the message.
fn templated_namespace(text: &str) -> Option<String> {
    for line in text.lines() {
        let t = line.trim_start();
        let Some(value) = t.strip_prefix("namespace:") else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if !value.contains("{{") {
            continue;
        }
        let inner: String = value
            .trim_start_matches("{{")
            .trim_end_matches("}}")
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
            .to_owned();
        if inner == ".Release.Namespace" || inner == "$.Release.Namespace" {
            continue;
        }
        let shown: String = value.chars().take(80).collect();
        return Some(shown);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_calls() {
        assert!(calls_lookup(
            "{{ lookup \"v1\" \"Secret\" \"admin\" \"x\" }}"
        ));
        assert!(calls_lookup(
            "{{ (lookup \"v1\" \"Secret\" \"\" \"\").items }}"
        ));
        assert!(!calls_lookup("lookup outside an action"));
        assert!(!calls_lookup("{{ .Values.lookup }}"));
        assert!(!calls_lookup("{{ $lookup }}"));
        assert!(!calls_lookup("{{ lookups }}"));
    }

    #[test]
    fn templated_namespaces() {
        assert_eq!(
            templated_namespace("  namespace: {{ .Release.Namespace }}\n"),
            None
        );
        assert_eq!(
            templated_namespace("  namespace: \"{{- .Release.Namespace -}}\"\n"),
            None
        );
        assert_eq!(templated_namespace("  namespace: tenant\n"), None);
        assert!(templated_namespace("  namespace: {{ .Values.ns }}\n").is_some());
    }

    #[test]
    fn document_end_markers() {
        assert!(hides_after_document_end("a: 1\n...\nb: 2\n"));
        assert!(!hides_after_document_end("a: 1\n...\n# only a comment\n\n"));
        assert!(!hides_after_document_end("a: |\n  ...\n"));
    }

    #[test]
    fn policy_limits_bound_each_render() {
        use crate::chart::{File, Metadata};
        // 2,000 loop steps: within a budget of 100,000, over one of 1,000.
        let chart = Chart {
            metadata: Metadata {
                name: "x".into(),
                version: "1.0.0".into(),
                api_version: "v2".into(),
                ..Metadata::default()
            },
            templates: vec![File {
                name: "templates/cm.yaml".into(),
                data: b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: t\n{{- range 2000 }}{{ end }}\n"
                    .to_vec()
                    .into(),
            }],
            ..Chart::default()
        };
        let with_fuel = |fuel| Policy {
            limits: crate::Limits {
                fuel: Some(fuel),
                ..crate::Limits::default()
            },
            ..Policy::default()
        };
        use crate::upload::Verdict;
        assert_eq!(
            check_chart(&chart, &with_fuel(100_000)).verdict(),
            Verdict::Accepted
        );
        let starved = check_chart(&chart, &with_fuel(1_000));
        assert_eq!(starved.verdict(), Verdict::Rejected);
        assert!(starved.to_text().contains("fuel"), "{}", starved.to_text());
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize(" Kube-System\t"), "kube-system");
        assert_eq!(normalize("kube\u{2010}system"), "kube-system");
        assert_eq!(normalize("аdmin"), "admin");
    }

    #[test]
    fn list_depth_limit_both_sides() {
        let policy = Policy::default();
        let mut cx = Checker {
            policy: &policy,
            report: Report::default(),
            seen: BTreeSet::new(),
            engine: Engine::new(),
        };
        let mut doc =
            String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: t}\n");
        for _ in 0..MAX_LIST_DEPTH {
            doc = format!(
                "kind: List\nitems:\n- {}\n",
                doc.replace('\n', "\n  ").trim_end()
            );
        }
        let mut out = Vec::new();
        cx.read_documents(&doc, "f", "v", &mut out);
        assert_eq!(out.len(), 1);
        assert!(cx.report.findings.is_empty());
        let deeper = format!(
            "kind: List\nitems:\n- {}\n",
            doc.replace('\n', "\n  ").trim_end()
        );
        let mut out = Vec::new();
        cx.read_documents(&deeper, "f", "v", &mut out);
        assert!(out.is_empty());
        assert_eq!(cx.report.rules(), ["object.invalid"]);
    }
}
