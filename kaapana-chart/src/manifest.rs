//! Helm's rendered-manifest stream: splitting rendered files into documents,
//! sorting them into resources and hooks, and the text `helm template`
//! prints.
//!
//! This is the step after the engine: Helm's `pkg/action` `renderResources`,
//! `pkg/release/v1/util` (`SplitManifests`, `SortManifests`, the kind
//! sorter) and `pkg/cmd/template.go`, as of Helm v4.2.3.
//!
//! * [`split_manifests`] cuts a text at Helm's separator regex
//!   `(?:^|\s*\n)---\s*`.
//! * [`sort_manifests`] splits every rendered file, reads each document's
//!   head (`apiVersion`, `kind`, `metadata.name`, `metadata.annotations`)
//!   the way `sigs.k8s.io/yaml` decodes Helm's `SimpleHead` struct, tells
//!   hooks (`helm.sh/hook`) from resources and orders both by kind
//!   ([`INSTALL_ORDER`]).
//! * [`template_output`] assembles what `helm template` writes to stdout:
//!   CRDs (`--include-crds`), resources, hooks (`--no-hooks`,
//!   `--skip-tests`), filtered by `--show-only`.
//!
//! ```
//! use std::collections::BTreeMap;
//! use kaapana_chart::manifest::{template_output, TemplateOptions};
//!
//! let mut files = BTreeMap::new();
//! files.insert(
//!     "web/templates/app.yaml".to_owned(),
//!     "kind: Deployment\nmetadata:\n  name: web\n---\nkind: Service\nmetadata:\n  name: web\n"
//!         .to_owned(),
//! );
//! let out = template_output(&files, &[], &TemplateOptions::default()).unwrap();
//! // Services are installed before Deployments. The separator takes the
//! // line break before `---`; the last document keeps the file's final one.
//! assert_eq!(
//!     out,
//!     "---\n# Source: web/templates/app.yaml\nkind: Service\nmetadata:\n  name: web\n\n\
//!      ---\n# Source: web/templates/app.yaml\nkind: Deployment\nmetadata:\n  name: web\n"
//! );
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::chart::Chart;
use crate::error::{Error, ErrorKind, Result};
use crate::value::yaml::{check_json_marshal, decode_go_typed, format_float32};
use crate::value::Value;

/// Helm's `InstallOrder`: resources (and hooks) are sorted by the position
/// of their kind in this list; kinds not in it come after all of these,
/// ordered by name. The sort is stable, so documents of the same kind keep
/// their file order.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The annotation that makes a document a hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// The annotation holding a hook's weight.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The annotation holding a hook's delete policies.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
/// The annotation holding a hook's output-log policies.
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// The head of a manifest document: Helm's `SimpleHead`.
///
/// A field the document does not set is empty; `metadata` is `None` when
/// the document has no (or a `null`) `metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata`, if present.
    pub metadata: Option<HeadMetadata>,
}

/// `metadata` of a [`Head`]: its `name` and `annotations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadMetadata {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.annotations` (a `null` value reads as `""`, as in Go).
    pub annotations: BTreeMap<String, String>,
}

impl Head {
    /// Reads the head of one manifest document exactly as Helm does
    /// (`sigs.k8s.io/yaml.Unmarshal` into `SimpleHead`).
    ///
    /// Numbers and booleans where a string is expected are turned into
    /// strings (`kind: 1.5` is the kind `"1.5"`); keys match their field
    /// case-insensitively (`Kind:` sets `kind`); other keys are ignored.
    /// The error text is Go's, without Helm's `YAML parse error on <file>: `
    /// prefix.
    ///
    /// ```
    /// use kaapana_chart::manifest::Head;
    ///
    /// let head = Head::parse("apiVersion: v1\nKind: Pod\nmetadata:\n  name: 7\n").unwrap();
    /// assert_eq!(head.kind, "Pod");
    /// assert_eq!(head.metadata.unwrap().name, "7");
    ///
    /// let err = Head::parse("kind: [a]\n").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array \
    ///      into Go struct field SimpleHead.kind of type string"
    /// );
    /// ```
    pub fn parse(doc: &str) -> Result<Head> {
        let raw = decode_go_typed(doc)?;
        let coerced = coerce(&raw, Target::Head);
        check_json_marshal(&coerced)?;
        decode_head(&coerced)
    }

    /// The annotations, if any (Helm's `hasAnyAnnotation`).
    fn annotations(&self) -> Option<&BTreeMap<String, String>> {
        self.metadata
            .as_ref()
            .map(|m| &m.annotations)
            .filter(|a| !a.is_empty())
    }
}

/// Go's type of `SimpleHead.Metadata`, as `encoding/json` names it.
const METADATA_TYPE: &str = "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }";

/// Where a value lands in `SimpleHead`, for sigs.k8s.io/yaml's coercion.
#[derive(Clone, Copy)]
enum Target {
    Head,
    Metadata,
    Annotations,
    Str,
    None,
}

const HEAD_FIELDS: &[&str] = &["apiVersion", "kind", "metadata"];
const METADATA_FIELDS: &[&str] = &["name", "annotations"];

/// `encoding/json`'s (and sigs.k8s.io/yaml's) field lookup: an exact match
/// wins, else the first field equal under Go's case folding. The field
/// names are ASCII; besides ASCII case, `bytes.EqualFold` folds `ſ`
/// (U+017F) with `s` and the Kelvin sign (U+212A) with `k`.
fn find_field(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    if let Some(f) = fields.iter().find(|f| **f == key) {
        return Some(f);
    }
    fields.iter().copied().find(|f| {
        let mut kc = key.chars();
        for fc in f.chars() {
            let Some(c) = kc.next() else { return false };
            let lower = fc.to_ascii_lowercase();
            let ok = c.to_ascii_lowercase() == lower && c.is_ascii()
                || (lower == 's' && c == '\u{17f}')
                || (lower == 'k' && c == '\u{212a}');
            if !ok {
                return false;
            }
        }
        kc.next().is_none()
    })
}

/// sigs.k8s.io/yaml's `convertToJSONableObject` with a `SimpleHead` target:
/// scalars whose target is a Go `string` become strings.
fn coerce(v: &Value, target: Target) -> Value {
    match (target, v) {
        (Target::Str, Value::Int64(i)) => Value::string(i.to_string()),
        (Target::Str, Value::Bytes(digits)) => {
            Value::string(String::from_utf8_lossy(digits).into_owned())
        }
        (Target::Str, Value::Float(f)) => Value::string(format_float32(*f)),
        (Target::Str, Value::Bool(b)) => Value::string(if *b { "true" } else { "false" }),
        (Target::Head | Target::Metadata | Target::Annotations, Value::Map(m)) => {
            let out = crate::value::Map::new();
            for (k, item) in m.read().iter() {
                let sub = match target {
                    Target::Head => match find_field(k, HEAD_FIELDS) {
                        Some("metadata") => Target::Metadata,
                        Some(_) => Target::Str,
                        None => Target::None,
                    },
                    Target::Metadata => match find_field(k, METADATA_FIELDS) {
                        Some("annotations") => Target::Annotations,
                        Some(_) => Target::Str,
                        None => Target::None,
                    },
                    _ => Target::Str,
                };
                out.insert(k.clone(), coerce(item, sub));
            }
            Value::Map(out)
        }
        _ => v.clone(),
    }
}

/// The JSON kind `encoding/json` names in a type error.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}

/// `encoding/json` decoding the (coerced) document into `SimpleHead`:
/// decoding goes on after a type error and the first error is reported.
fn decode_head(v: &Value) -> Result<Head> {
    let mut head = Head::default();
    let mut first: Option<String> = None;
    let mut fail = |value: &Value, field: &str, ty: &str| {
        if first.is_none() {
            first = Some(format!(
                "json: cannot unmarshal {} into Go struct field {field} of type {ty}",
                json_kind(value)
            ));
        }
    };
    match v {
        Value::Nil => {}
        Value::Map(m) => {
            for (k, item) in m.read().iter() {
                match find_field(k, HEAD_FIELDS) {
                    Some("apiVersion") => set_string(
                        &mut head.api_version,
                        item,
                        "SimpleHead.apiVersion",
                        &mut fail,
                    ),
                    Some("kind") => set_string(&mut head.kind, item, "SimpleHead.kind", &mut fail),
                    Some(_) => match item {
                        Value::Nil => head.metadata = None,
                        Value::Map(meta) => {
                            let md = head.metadata.get_or_insert_with(HeadMetadata::default);
                            decode_metadata(md, meta, &mut fail);
                        }
                        other => fail(other, "SimpleHead.metadata", METADATA_TYPE),
                    },
                    None => {}
                }
            }
        }
        other => {
            first = Some(format!(
                "json: cannot unmarshal {} into Go value of type util.SimpleHead",
                json_kind(other)
            ));
        }
    }
    match first {
        Some(msg) => Err(Error::new(
            ErrorKind::Yaml,
            format!("error unmarshaling JSON: while decoding JSON: {msg}"),
        )),
        None => Ok(head),
    }
}

fn set_string(
    slot: &mut String,
    v: &Value,
    field: &str,
    fail: &mut impl FnMut(&Value, &str, &str),
) {
    match v {
        Value::String(s) => *slot = s.to_string(),
        Value::Nil => {}
        other => fail(other, field, "string"),
    }
}

fn decode_metadata(
    md: &mut HeadMetadata,
    meta: &crate::value::Map,
    fail: &mut impl FnMut(&Value, &str, &str),
) {
    for (k, item) in meta.read().iter() {
        match find_field(k, METADATA_FIELDS) {
            Some("name") => set_string(&mut md.name, item, ".metadata.name", fail),
            Some(_) => match item {
                // `null` makes Go's map nil.
                Value::Nil => md.annotations.clear(),
                Value::Map(ann) => {
                    for (ak, av) in ann.read().iter() {
                        let mut s = String::new();
                        set_string(&mut s, av, ".metadata.annotations", fail);
                        md.annotations.insert(ak.to_string(), s);
                    }
                }
                other => fail(other, ".metadata.annotations", "map[string]string"),
            },
            None => {}
        }
    }
}

/// Splits a stream of YAML documents the way Helm's `SplitManifests` does:
/// leading whitespace removed, then cut at every match of the regular
/// expression `(?:^|\s*\n)---\s*` (so a `---` line swallows the blank lines
/// around it and anything after `---` on its line starts the next
/// document), empty pieces dropped, each piece's leading whitespace
/// removed. Trailing whitespace stays.
///
/// ```
/// use kaapana_chart::manifest::split_manifests;
///
/// assert_eq!(
///     split_manifests("---\na: 1\n\n---  # two\nb: 2\n"),
///     ["a: 1", "# two\nb: 2\n"]
/// );
/// ```
pub fn split_manifests(text: &str) -> Vec<&str> {
    let s = text.trim_start();
    let mut docs = Vec::new();
    let mut beg = 0;
    let mut pos = 0;
    while let Some((start, end)) = next_separator(s, pos) {
        docs.push(&s[beg..start]);
        beg = end;
        pos = end;
    }
    docs.push(&s[beg..]);
    docs.into_iter()
        .filter(|d| !d.is_empty())
        .map(str::trim_start)
        .collect()
}

/// `\s` of Go's regexp syntax (ASCII only).
fn is_re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// The leftmost match of `(?:^|\s*\n)---\s*` at or after `pos`, as Go's
/// leftmost-first matcher finds it: `\s*` is greedy, so a match starts at
/// the first of a run of whitespace that ends with `\n` right before `---`.
fn next_separator(s: &str, pos: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let skip_space = |mut i: usize| {
        while i < b.len() && is_re_space(b[i]) {
            i += 1;
        }
        i
    };
    if pos == 0 && b.starts_with(b"---") {
        return Some((0, skip_space(3)));
    }
    let mut p = pos;
    while p < b.len() {
        if !is_re_space(b[p]) {
            p += 1;
            continue;
        }
        let run_end = skip_space(p);
        if b[run_end - 1] == b'\n' && b[run_end..].starts_with(b"---") {
            return Some((p, skip_space(run_end + 3)));
        }
        // Every start inside this run ends at the same place; the next
        // candidate is after the non-space byte that ended it.
        p = run_end + 1;
    }
    None
}

/// One resource: a manifest document that is not a hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`mychart/templates/deploy.yaml`).
    pub name: String,
    /// The document, as split (leading whitespace removed).
    pub content: String,
    /// Its head.
    pub head: Head,
}

/// A hook event (`helm.sh/hook` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookEvent {
    /// `pre-install`.
    PreInstall,
    /// `post-install`.
    PostInstall,
    /// `pre-delete`.
    PreDelete,
    /// `post-delete`.
    PostDelete,
    /// `pre-upgrade`.
    PreUpgrade,
    /// `post-upgrade`.
    PostUpgrade,
    /// `pre-rollback`.
    PreRollback,
    /// `post-rollback`.
    PostRollback,
    /// `test` (also written `test-success`, Helm 2's name).
    Test,
}

impl HookEvent {
    /// Helm's name of the event.
    ///
    /// ```
    /// use kaapana_chart::manifest::HookEvent;
    /// assert_eq!(HookEvent::PreInstall.as_str(), "pre-install");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }

    /// The event a (lower-cased, trimmed) annotation entry names.
    fn from_name(name: &str) -> Option<HookEvent> {
        Some(match name {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }
}

/// A hook: a document annotated with `helm.sh/hook`. Helm's `release.Hook`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// `metadata.name`.
    pub name: String,
    /// `kind`.
    pub kind: String,
    /// The template it came from.
    pub path: String,
    /// The document.
    pub manifest: String,
    /// The events, in annotation order.
    pub events: Vec<HookEvent>,
    /// `helm.sh/hook-weight` (0 unless it is a Go `Atoi` integer).
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` entries, lower-cased and trimmed.
    pub delete_policies: Vec<String>,
    /// `helm.sh/hook-output-log-policy` entries, lower-cased and trimmed.
    pub output_log_policies: Vec<String>,
}

impl Hook {
    /// Whether it runs on `helm test` (`--skip-tests` drops it).
    pub fn is_test(&self) -> bool {
        self.events.contains(&HookEvent::Test)
    }
}

/// Go's `strings.ToLower` (per-rune simple mapping, no final-sigma rule).
fn go_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{130}' {
            // Go maps İ to plain i; Rust's full mapping adds a dot above.
            out.push('i');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `path` is a `NOTES.txt` file, which Helm takes out of the
/// rendered files before sorting (`strings.HasSuffix(k, "NOTES.txt")`).
fn is_notes(path: &str) -> bool {
    path.ends_with("NOTES.txt")
}

/// Splits and sorts rendered files into hooks and resources: Helm's
/// `renderResources` removal of `NOTES.txt` files followed by
/// `SortManifests(files, nil, InstallOrder)`.
///
/// Files are visited in path order; partials (`_*`) and files that are
/// only whitespace are skipped; each file is cut with [`split_manifests`]
/// and each document's [`Head`] read. A document with a `helm.sh/hook`
/// annotation is a hook (events from its comma list, lower-cased; a
/// document naming an unknown event is dropped altogether, as Helm does
/// after logging it); every other document is a resource. Both lists are
/// then stably sorted by kind ([`INSTALL_ORDER`]). Hooks are *not* sorted
/// by weight here: Helm orders them by weight only when it runs them.
///
/// A head that does not parse fails the whole sort with Helm's error,
/// `YAML parse error on <file>: <reason>`.
///
/// ```
/// use std::collections::BTreeMap;
/// use kaapana_chart::manifest::{sort_manifests, HookEvent};
///
/// let mut files = BTreeMap::new();
/// files.insert("c/templates/job.yaml".to_owned(), "kind: Job\nmetadata:\n  name: init\n  \
///     annotations:\n    helm.sh/hook: pre-install,post-upgrade\n    helm.sh/hook-weight: \"-5\"\n".to_owned());
/// files.insert("c/templates/cm.yaml".to_owned(), "kind: ConfigMap\n".to_owned());
/// let (hooks, manifests) = sort_manifests(&files).unwrap();
/// assert_eq!(manifests[0].head.kind, "ConfigMap");
/// assert_eq!(hooks[0].events, [HookEvent::PreInstall, HookEvent::PostUpgrade]);
/// assert_eq!(hooks[0].weight, -5);
///
/// files.insert("c/templates/bad.yaml".to_owned(), "a: b: c\n".to_owned());
/// assert_eq!(
///     sort_manifests(&files).unwrap_err().to_string(),
///     "YAML parse error on c/templates/bad.yaml: error converting YAML to JSON: \
///      yaml: mapping values are not allowed in this context"
/// );
/// ```
pub fn sort_manifests(files: &BTreeMap<String, String>) -> Result<(Vec<Hook>, Vec<Manifest>)> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    // BTreeMap iterates in byte order, which is Go's sort.Strings order.
    for (path, content) in files {
        if is_notes(path) {
            continue;
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = Head::parse(doc).map_err(|e| {
                let msg = format!("YAML parse error on {path}: {}", e.message());
                e.with_message(msg)
            })?;
            let Some(hook_types) = head.annotations().and_then(|a| a.get(HOOK_ANNOTATION)) else {
                generic.push(Manifest {
                    name: path.clone(),
                    content: doc.to_owned(),
                    head,
                });
                continue;
            };
            let mut events = Vec::new();
            let mut unknown = false;
            for t in hook_types.split(',') {
                match HookEvent::from_name(&go_lower(t.trim())) {
                    Some(e) => events.push(e),
                    None => {
                        unknown = true;
                        break;
                    }
                }
            }
            if unknown {
                continue;
            }
            let ann = head.annotations().cloned().unwrap_or_default();
            let policies = |key: &str| -> Vec<String> {
                ann.get(key)
                    .map(|v| v.split(',').map(|p| go_lower(p.trim())).collect())
                    .unwrap_or_default()
            };
            let weight = ann
                .get(HOOK_WEIGHT_ANNOTATION)
                .and_then(|w| w.parse::<i64>().ok())
                .unwrap_or(0);
            hooks.push(Hook {
                name: head
                    .metadata
                    .as_ref()
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                kind: head.kind.clone(),
                path: path.clone(),
                manifest: doc.to_owned(),
                events,
                weight,
                delete_policies: policies(HOOK_DELETE_ANNOTATION),
                output_log_policies: policies(HOOK_OUTPUT_LOG_ANNOTATION),
            });
        }
    }
    hooks.sort_by(|a, b| kind_rank(&a.kind).cmp(&kind_rank(&b.kind)));
    generic.sort_by(|a, b| kind_rank(&a.head.kind).cmp(&kind_rank(&b.head.kind)));
    Ok((hooks, generic))
}

/// The sort key of Helm's `lessByKind`: known kinds by their position,
/// then unknown kinds by name.
fn kind_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// A file of a chart's `crds/` folder: Helm's `chart.CRD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crd {
    /// The path in its chart (`crds/foo.yaml`).
    pub name: String,
    /// The path from the top chart (`mychart/charts/sub/crds/foo.yaml`).
    pub filename: String,
    /// The raw contents (CRDs are not templates).
    pub data: Arc<[u8]>,
}

/// The CRDs of a chart and its subcharts, in Helm's `CRDObjects` order: the
/// chart's own `crds/*.yaml|yml|json` files (extension case-insensitive) in
/// file order, then each dependency's, depth first.
///
/// Helm calls this on the chart after dependency processing, so disabled
/// subcharts are already gone; pass the chart in that state.
///
/// ```
/// use std::sync::Arc;
/// use kaapana_chart::chart::{Chart, File};
/// use kaapana_chart::manifest::crd_objects;
///
/// let mut chart = Chart::default();
/// chart.metadata.name = "app".into();
/// chart.files.push(File { name: "crds/a.YAML".into(), data: Arc::from(&b"kind: X\n"[..]) });
/// chart.files.push(File { name: "crds/notes.txt".into(), data: Arc::from(&b""[..]) });
/// let crds = crd_objects(&chart);
/// assert_eq!(crds.len(), 1);
/// assert_eq!(crds[0].filename, "app/crds/a.YAML");
/// ```
pub fn crd_objects(chart: &Chart) -> Vec<Crd> {
    let mut out = Vec::new();
    // An explicit stack: charts can nest as deep as their input makes them.
    let mut stack: Vec<(&Chart, String)> = vec![(chart, chart.metadata.name.clone())];
    while let Some((ch, full)) = stack.pop() {
        for f in &ch.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push(Crd {
                    name: f.name.clone(),
                    filename: format!("{full}/{}", f.name),
                    data: f.data.clone(),
                });
            }
        }
        for dep in ch.dependencies.iter().rev() {
            stack.push((dep, format!("{full}/charts/{}", dep.metadata.name)));
        }
    }
    out
}

/// Helm's `hasManifestExtension`: `.yaml`, `.yml` or `.json`, compared with
/// Go's `strings.EqualFold`.
fn has_manifest_extension(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    let Some(dot) = base.rfind('.') else {
        return false;
    };
    let ext = &base[dot..];
    [".yaml", ".yml", ".json"].iter().any(|want| {
        let mut ec = ext.chars();
        want.chars().all(|w| match ec.next() {
            Some(c) => c.is_ascii() && c.to_ascii_lowercase() == w || (w == 's' && c == '\u{17f}'),
            None => false,
        }) && ec.next().is_none()
    })
}

/// Options of [`template_output`], named after `helm template`'s flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// `--include-crds`: print the CRD files first.
    pub include_crds: bool,
    /// `--skip-tests`: leave out `test` hooks.
    pub skip_tests: bool,
    /// `--no-hooks`: leave out every hook.
    pub no_hooks: bool,
    /// `--show-only` (repeatable): keep only documents whose template path,
    /// without the top chart's name, matches one of these Go
    /// `filepath.Match` patterns (`templates/*.yaml`,
    /// `charts/sub/templates/x.yaml`, `crds/a.yaml`).
    pub show_only: Vec<String>,
    /// `--hide-secret`: replace every `v1` `Secret` by a comment.
    pub hide_secret: bool,
}

/// What `helm template` prints on stdout for rendered `files` (path →
/// output, as [`Engine::render_templates`](crate::Engine::render_templates)
/// returns them) and the chart's `crds` (from [`crd_objects`]).
///
/// The release manifest is the CRDs (with `include_crds`, raw), then the
/// sorted resources, each as `---\n# Source: <path>\n<document>\n`; Helm
/// prints it with surrounding whitespace trimmed and one newline added,
/// then every hook in the same form (none with `no_hooks`, no test hooks
/// with `skip_tests`). With `show_only`, that text is split again and only
/// the documents whose `# Source:` path matches a pattern are printed, each
/// as `---\n<document>\n`, grouped by pattern in pattern order.
///
/// Errors are Helm's: a head that does not parse (see [`sort_manifests`]),
/// or `could not find template <pattern> in chart` when a `show_only`
/// pattern matches nothing. (`helm template` itself adds
/// `\n\nUse --debug flag to render out invalid YAML` to a sort error and
/// prints `Error: ` before any error; that is the caller's to add.)
///
/// A CRD file that is not UTF-8 is printed with U+FFFD for invalid bytes.
///
/// ```
/// use std::collections::BTreeMap;
/// use kaapana_chart::manifest::{template_output, TemplateOptions};
///
/// let mut files = BTreeMap::new();
/// files.insert("c/templates/a.yaml".to_owned(), "kind: Service\n".to_owned());
/// files.insert("c/templates/b.yaml".to_owned(), "kind: Pod\n".to_owned());
/// let opts = TemplateOptions { show_only: vec!["templates/b.yaml".into()], ..Default::default() };
/// assert_eq!(
///     template_output(&files, &[], &opts).unwrap(),
///     "---\n# Source: c/templates/b.yaml\nkind: Pod\n\n"
/// );
/// let opts = TemplateOptions { show_only: vec!["templates/x.yaml".into()], ..Default::default() };
/// assert_eq!(
///     template_output(&files, &[], &opts).unwrap_err().to_string(),
///     "could not find template templates/x.yaml in chart"
/// );
/// ```
pub fn template_output(
    files: &BTreeMap<String, String>,
    crds: &[Crd],
    opts: &TemplateOptions,
) -> Result<String> {
    let (hooks, manifests) = sort_manifests(files)?;
    // renderResources: the release manifest.
    let mut release = String::new();
    if opts.include_crds {
        for crd in crds {
            push_doc(
                &mut release,
                &crd.filename,
                &String::from_utf8_lossy(&crd.data),
            );
        }
    }
    for m in &manifests {
        if opts.hide_secret && m.head.kind == "Secret" && m.head.api_version == "v1" {
            release.push_str("---\n# Source: ");
            release.push_str(&m.name);
            release.push_str("\n# HIDDEN: The Secret output has been suppressed\n");
        } else {
            push_doc(&mut release, &m.name, &m.content);
        }
    }
    // template.go: the trimmed manifest, then the hooks.
    let mut out = String::with_capacity(release.len() + 1);
    out.push_str(release.trim());
    out.push('\n');
    if !opts.no_hooks {
        for h in &hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            push_doc(&mut out, &h.path, &h.manifest);
        }
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    let docs = split_manifests(&out);
    let mut shown = String::new();
    for pattern in &opts.show_only {
        let mut missing = true;
        for doc in &docs {
            let Some(name) = source_path(doc) else {
                continue;
            };
            if !go_path_match(pattern, name) {
                continue;
            }
            shown.push_str("---\n");
            shown.push_str(doc);
            shown.push('\n');
            missing = false;
        }
        if missing {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("could not find template {pattern} in chart"),
            ));
        }
    }
    Ok(shown)
}

/// `fmt.Fprintf(b, "---\n# Source: %s\n%s\n", name, content)`.
fn push_doc(out: &mut String, name: &str, content: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(name);
    out.push('\n');
    out.push_str(content);
    out.push('\n');
}

/// The first submatch of Go's `# Source: [^/]+/(.+)` in `doc`: the path
/// after the first `/` that follows a `# Source: ` (`[^/]` also crosses
/// line ends; `.` does not).
fn source_path(doc: &str) -> Option<&str> {
    const MARK: &str = "# Source: ";
    let mut from = 0;
    while let Some(i) = doc[from..].find(MARK) {
        let start = from + i + MARK.len();
        let rest = &doc[start..];
        if let Some(slash) = rest.find('/') {
            let after = &rest[slash + 1..];
            let end = after.find('\n').unwrap_or(after.len());
            if slash > 0 && end > 0 {
                return Some(&after[..end]);
            }
        }
        from += i + 1;
    }
    None
}

/// Go's `path/filepath.Match` on `/`-separated names (Unix rules: `\`
/// escapes). A malformed pattern matches nothing, which is all Helm looks
/// at.
fn go_path_match(pattern: &str, name: &str) -> bool {
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return !name.contains('/');
        }
        match match_chunk(chunk, name) {
            Ok(Some(t)) if t.is_empty() || !pattern.is_empty() => {
                name = t;
                continue;
            }
            Err(()) => return false,
            _ => {}
        }
        if star {
            let bytes = name.as_bytes();
            let mut i = 0;
            while i < bytes.len() && bytes[i] != b'/' {
                // Go skips bytes, not runes: a chunk cannot match from the
                // middle of a rune, so only rune starts can succeed.
                if name.is_char_boundary(i + 1) {
                    match match_chunk(chunk, &name[i + 1..]) {
                        Ok(Some(t)) => {
                            if pattern.is_empty() && !t.is_empty() {
                                i += 1;
                                continue;
                            }
                            name = t;
                            continue 'pattern;
                        }
                        Err(()) => return false,
                        Ok(None) => {}
                    }
                }
                i += 1;
            }
        }
        return false;
    }
    name.is_empty()
}

/// Go's `scanChunk`: leading stars, then the pattern up to the next star
/// outside a character class.
fn scan_chunk(pattern: &str) -> (bool, &str, &str) {
    let trimmed = pattern.trim_start_matches('*');
    let star = trimmed.len() != pattern.len();
    let b = trimmed.as_bytes();
    let mut in_range = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    // `i` can only stop at an ASCII byte or the end, so it is a char
    // boundary, except right after a `\` that skipped into a multi-byte
    // rune: move on to the boundary (the escaped rune is a literal).
    while !trimmed.is_char_boundary(i) {
        i += 1;
    }
    (star, &trimmed[..i], &trimmed[i..])
}

/// Go's `matchChunk`: `Ok(Some(rest))` on a match, `Ok(None)` on a
/// mismatch, `Err` for a malformed pattern.
fn match_chunk<'a>(chunk: &str, s: &'a str) -> std::result::Result<Option<&'a str>, ()> {
    let mut chunk = chunk;
    let mut s = s;
    while !chunk.is_empty() {
        let Some(sc) = s.chars().next() else {
            return Ok(None);
        };
        match chunk.as_bytes()[0] {
            b'[' => {
                s = &s[sc.len_utf8()..];
                chunk = &chunk[1..];
                if chunk.is_empty() {
                    return Err(());
                }
                let negated = chunk.starts_with('^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.starts_with(']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if let Some(rest) = chunk.strip_prefix('-') {
                        let (h, rest) = get_esc(rest)?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= sc && sc <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    return Ok(None);
                }
            }
            b'?' => {
                if sc == '/' {
                    return Ok(None);
                }
                s = &s[sc.len_utf8()..];
                chunk = &chunk[1..];
            }
            first => {
                if first == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(());
                    }
                }
                // Go compares single bytes here; comparing the whole rune
                // is the same for valid UTF-8 on both sides.
                let Some(pc) = chunk.chars().next() else {
                    return Err(());
                };
                if pc != sc {
                    return Ok(None);
                }
                s = &s[sc.len_utf8()..];
                chunk = &chunk[pc.len_utf8()..];
            }
        }
    }
    Ok(Some(s))
}

/// Go's `getEsc`: one possibly escaped rune of a character class; the
/// class must go on after it.
fn get_esc(chunk: &str) -> std::result::Result<(char, &str), ()> {
    let mut chunk = chunk;
    match chunk.as_bytes().first() {
        None | Some(b'-') | Some(b']') => return Err(()),
        Some(b'\\') => {
            chunk = &chunk[1..];
        }
        _ => {}
    }
    let c = chunk.chars().next().ok_or(())?;
    let rest = &chunk[c.len_utf8()..];
    if rest.is_empty() {
        return Err(());
    }
    Ok((c, rest))
}

/// `{"manifests": {"<path>": "<text>", ...}}` and a newline, keys sorted:
/// what `kaapana-chart render --output json` (and the C library's
/// `kc_render_json`) print for the [`Rendered`](crate::Rendered) files of a
/// render, in the format of `helm-oracle render` (Python's `json.dumps(...,
/// ensure_ascii=False)`: `", "` and `": "` separators, non-ASCII text as it
/// is, control characters escaped).
///
/// ```
/// use std::collections::BTreeMap;
/// use kaapana_chart::manifest::manifests_json;
///
/// let mut files = BTreeMap::new();
/// files.insert("web/templates/b.yaml".to_owned(), "b: \"é\"\n".to_owned());
/// files.insert("web/templates/a.yaml".to_owned(), "a: 1\n".to_owned());
/// assert_eq!(
///     manifests_json(&files),
///     "{\"manifests\": {\"web/templates/a.yaml\": \"a: 1\\n\", \"web/templates/b.yaml\": \"b: \\\"é\\\"\\n\"}}\n"
/// );
/// ```
pub fn manifests_json(files: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(files.values().map(|v| v.len() + 64).sum::<usize>() + 32);
    out.push_str("{\"manifests\": {");
    for (i, (k, v)) in files.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json_string(&mut out, k);
        out.push_str(": ");
        json_string(&mut out, v);
    }
    out.push_str("}}\n");
    out
}

/// `{"error": "<message>"}` and a newline: what `kaapana-chart render
/// --output json` prints instead of [`manifests_json`] when the render
/// fails (the shape of `helm-oracle render`'s errors), escaped the same
/// way.
///
/// ```
/// use kaapana_chart::manifest::error_json;
///
/// assert_eq!(error_json("bad \"x\"\tline"), "{\"error\": \"bad \\\"x\\\"\\tline\"}\n");
/// ```
pub fn error_json(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    out.push_str("{\"error\": ");
    json_string(&mut out, message);
    out.push_str("}\n");
    out
}

/// A JSON string as Python's `json.dumps(..., ensure_ascii=False)` writes
/// it (the oracle's output format).
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    // Copy runs of characters that need no escape in one go: manifests are
    // mostly such runs, and per-char pushes made this a tenth of a render.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on char boundaries.
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_escapes_like_python() {
        let mut out = String::new();
        super::json_string(&mut out, "a\"b\\c\nd\u{1}é\r\t\u{8}\u{c}\u{1f}x");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é\r\t\b\f\u001fx""#);
    }

    use super::*;

    #[test]
    fn path_match_follows_go() {
        let cases: &[(&str, &str, bool)] = &[
            ("templates/*.yaml", "templates/a.yaml", true),
            ("templates/*", "templates/sub/a.yaml", false),
            ("*", "a/b", false),
            ("templates/?.yaml", "templates/a.yaml", true),
            ("templates/[a-c].yaml", "templates/b.yaml", true),
            ("templates/[^a-c].yaml", "templates/b.yaml", false),
            ("templates/\\*.yaml", "templates/*.yaml", true),
            ("templates/[", "templates/a", false),
            ("templates/a\\", "templates/a", false),
            (
                "charts/*/templates/*.yaml",
                "charts/sub/templates/x.yaml",
                true,
            ),
            ("*.yaml", "x.yaml", true),
            ("a*b*c", "abxbc", true),
            ("a*", "a", true),
            ("ä?", "äb", true),
            ("[]a]", "]", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(go_path_match(p, n), *want, "{p} vs {n}");
        }
    }

    #[test]
    fn source_path_is_go_regex_submatch() {
        assert_eq!(
            source_path("# Source: c/templates/a.yaml\nx"),
            Some("templates/a.yaml")
        );
        assert_eq!(source_path("# Source: c/\n# Source: d/e"), Some("e"));
        assert_eq!(source_path("# Source: /x"), None);
        assert_eq!(source_path("# Source: ab\ncd/ef\n"), Some("ef"));
    }

    #[test]
    fn split_edges() {
        assert_eq!(split_manifests(""), Vec::<&str>::new());
        assert_eq!(split_manifests("---"), Vec::<&str>::new());
        assert_eq!(split_manifests("a\n---\n---\nb"), ["a", "---\nb"]);
        assert_eq!(split_manifests("a\n----b"), ["a", "-b"]);
        assert_eq!(split_manifests("a: '\n---'\n"), ["a: '", "'\n"]);
        assert_eq!(split_manifests("a \t\n\n---x"), ["a", "x"]);
    }

    #[test]
    fn extension_fold() {
        assert!(has_manifest_extension("crds/a.JSON"));
        assert!(has_manifest_extension("crds/a.j\u{17f}on"));
        assert!(!has_manifest_extension("crds/a.yaml.txt"));
        assert!(!has_manifest_extension("crds/yaml"));
    }
}
