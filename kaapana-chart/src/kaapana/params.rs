//! `extension_params`: the parameters a Kaapana extension asks for when it is
//! installed or launched, and the values they become.
//!
//! An extension chart declares them in its `values.yaml`:
//!
//! ```yaml
//! extension_params:
//!   task_ids:
//!     type: list_multi          # string | bool | boolean | list_single | list_multi | doc | group_name
//!     default: ["total"]
//!     value: ["total", "lungs"] # the choices of list_single / list_multi
//!     definition: Task ids      # the label the UI shows
//!     help: Which tasks to run  # the tooltip
//!     required: false
//! ```
//!
//! Kaapana's backend turns what the user submitted into `global.<key>`
//! values layered over the platform's own globals. [`ExtensionParams`] is the
//! typed model of the block, [`Submission`] what a user sent, and
//! [`ExtensionParams::values_for`] the user values to render the chart with.
//! What templates receive, per type:
//!
//! | type | `.Values.global.<key>` |
//! |---|---|
//! | `string` | a string |
//! | `bool` / `boolean` | a bool |
//! | `list_single` | the chosen string |
//! | `list_multi` | the chosen strings **joined by `,`** (`"total,lungs"`) |
//!
//! `list_multi` is accepted both as Kaapana's landing page sends it (one
//! comma-joined string) and as its project UI sends it (a list); templates
//! always receive the comma-joined string, the form Kaapana's own templates
//! are written for (`TASK_IDS: {{ .Values.global.task_ids }}`).
//!
//! See `docs/kaapana-extension-params.md` for the layering and the one
//! deliberate difference from Kaapana's backend (the user's choice wins over
//! the chart's own `global` default).
//!
//! ```
//! use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
//! use kaapana_chart::{values_from_yaml, Value};
//!
//! let values = values_from_yaml(
//!     "extension_params:\n  gpu:\n    type: bool\n    default: false\n",
//! ).unwrap();
//! let params = ExtensionParams::from_values(&values).unwrap();
//! let sub = Submission::from_params(["gpu=true"]).unwrap();
//! let globals = values_from_yaml("global:\n  admin_namespace: admin\n").unwrap();
//! let user = params.values_for(&sub, &globals).unwrap();
//! let global = user.get("global").unwrap();
//! assert_eq!(global.get("gpu"), Some(Value::Bool(true)));
//! assert_eq!(global.get("admin_namespace"), Some(Value::from("admin")));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::chart::Chart;
use crate::error::{Error, ErrorKind, Result};
use crate::kaapana::release::is_multi_installable;
use crate::value::{to_json, JsonStyle, Map, Value};

/// Most parameters one `extension_params` block may declare (UI-only
/// `doc`/`group_name` entries included). Real extensions declare a handful.
pub const MAX_EXTENSION_PARAMS: usize = 128;

/// Most choices (`value`) one `list_single`/`list_multi` parameter may
/// offer. Large model lists (hundreds of task ids) stay well below it.
pub const MAX_PARAM_CHOICES: usize = 1_024;

/// Longest parameter key, in bytes.
pub const MAX_PARAM_KEY_LEN: usize = 128;

/// Longest string a declaration or a submission may carry for one value
/// (a default, a choice, a submitted string), in bytes.
pub const MAX_PARAM_VALUE_LEN: usize = 4_096;

/// Most variants [`ExtensionParams::variants`] may produce. Every variant
/// is one render for the upload checker, so a declaration that would need
/// more is refused instead of silently checked in part.
pub const MAX_VARIANTS: usize = 512;

/// The string [`ExtensionParams::variants`] submits for a `string`
/// parameter without a default (a required one needs some value, and an
/// optional one is also tried non-empty so `if` branches on it are seen).
pub const PLACEHOLDER: &str = "placeholder";

/// The globals Kaapana's backend never passes on to an extension (they
/// describe the platform's own build).
const DROPPED_GLOBALS: [&str; 2] = ["preinstall_extensions", "kaapana_collections"];

/// One declared parameter.
///
/// ```
/// use kaapana_chart::kaapana::params::{ExtensionParams, ParamKind};
/// use kaapana_chart::values_from_yaml;
///
/// let v = values_from_yaml(
///     "extension_params:\n  mode:\n    type: list_single\n    value: [a, b]\n    default: b\n    definition: Mode\n",
/// ).unwrap();
/// let params = ExtensionParams::from_values(&v).unwrap();
/// let p = &params.params()[0];
/// assert_eq!(p.key, "mode");
/// assert_eq!(p.type_name, "list_single");
/// assert_eq!(p.definition.as_deref(), Some("Mode"));
/// assert_eq!(
///     p.kind,
///     ParamKind::ListSingle { choices: vec!["a".into(), "b".into()], default: Some("b".into()) }
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Param {
    /// The key under `extension_params`; the value lands in `global.<key>`.
    pub key: String,
    /// The type as declared (`bool` and `boolean` are the same kind).
    pub type_name: String,
    /// The type, with its default and choices.
    pub kind: ParamKind,
    /// `definition`: the label the UI shows.
    pub definition: Option<String>,
    /// `help`: the UI's tooltip.
    pub help: Option<String>,
    /// `required`: a value must be submitted or defaulted (and, for
    /// strings and `list_multi`, be non-empty).
    pub required: bool,
}

/// The type of a parameter, with what it needs.
///
/// ```
/// use kaapana_chart::kaapana::params::ParamKind;
/// assert!(ParamKind::Bool { default: None }.takes_value());
/// assert!(!ParamKind::Doc.takes_value());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ParamKind {
    /// `string`: free text.
    String {
        /// `default`, if declared.
        default: Option<String>,
    },
    /// `bool` or `boolean`.
    Bool {
        /// `default`, if declared.
        default: Option<bool>,
    },
    /// `list_single`: one of the choices.
    ListSingle {
        /// `value`: the choices, in order.
        choices: Vec<String>,
        /// `default`, if declared (one of the choices).
        default: Option<String>,
    },
    /// `list_multi`: any subset of the choices.
    ListMulti {
        /// `value`: the choices, in order.
        choices: Vec<String>,
        /// `default`, if declared (a subset of the choices).
        default: Option<Vec<String>>,
    },
    /// `doc`: text the UI shows; takes no value.
    Doc,
    /// `group_name`: a heading the UI shows; takes no value.
    GroupName,
}

impl ParamKind {
    /// Whether the parameter takes a value (everything but `doc` and
    /// `group_name`).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ParamKind;
    /// assert!(!ParamKind::GroupName.takes_value());
    /// ```
    pub fn takes_value(&self) -> bool {
        !matches!(self, ParamKind::Doc | ParamKind::GroupName)
    }
}

/// The `extension_params` block of an extension chart, parsed and checked.
///
/// ```
/// use kaapana_chart::kaapana::params::ExtensionParams;
/// use kaapana_chart::values_from_yaml;
///
/// let none = ExtensionParams::from_values(&values_from_yaml("a: 1\n").unwrap()).unwrap();
/// assert!(none.is_empty());
/// let err = ExtensionParams::from_values(
///     &values_from_yaml("extension_params:\n  x:\n    type: number\n").unwrap(),
/// ).unwrap_err();
/// assert!(err.to_string().contains("unknown type \"number\""));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtensionParams {
    params: Vec<Param>,
    /// The chart's own non-empty string and list globals, which Kaapana's
    /// backend passes again as `--set` (over the platform's globals).
    chart_globals: Vec<(String, Value)>,
    suffix_param_key: Option<String>,
}

impl ExtensionParams {
    /// Parses the `extension_params` block of a chart's values (the root
    /// map of its `values.yaml`). A missing or `null` block declares no
    /// parameters.
    ///
    /// A [`Value`] map has no order, so parameters come out sorted by key;
    /// [`ExtensionParams::from_chart`] keeps the order of the file.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    ///
    /// let v = values_from_yaml("extension_params:\n  b: {type: string}\n  a: {type: bool}\n").unwrap();
    /// let keys: Vec<_> = ExtensionParams::from_values(&v).unwrap().params().iter().map(|p| p.key.clone()).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] naming the parameter and the problem:
    /// an unknown type, list types without choices, a default that is not
    /// among the choices or has the wrong type, a key or value Kaapana could
    /// not pass on (`;`, `--set` syntax), a limit of this module exceeded.
    pub fn from_values(values: &Value) -> Result<ExtensionParams> {
        Self::parse(values, None)
    }

    /// Parses the `extension_params` block of `chart`'s `values.yaml`,
    /// keeping the order in which the file declares the parameters.
    ///
    /// ```
    /// use kaapana_chart::chart::{Chart, File};
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    ///
    /// let text = "extension_params:\n  b:\n    type: string\n  a:\n    type: bool\n";
    /// let mut chart = Chart::default();
    /// chart.values = values_from_yaml(text).unwrap();
    /// chart.raw.push(File { name: "values.yaml".into(), data: text.as_bytes().into() });
    /// let params = ExtensionParams::from_chart(&chart).unwrap();
    /// assert_eq!(params.params()[0].key, "b");
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ExtensionParams::from_values`].
    pub fn from_chart(chart: &Chart) -> Result<ExtensionParams> {
        let order = chart
            .raw
            .iter()
            .find(|f| f.name == "values.yaml")
            .map(|f| declared_order(&String::from_utf8_lossy(&f.data)));
        Self::parse(&chart.values, order)
    }

    fn parse(values: &Value, order: Option<Vec<String>>) -> Result<ExtensionParams> {
        let mut out = ExtensionParams::default();
        if let Some(globals) = values.get("global").as_ref().and_then(Value::as_map) {
            for (k, v) in globals.entries() {
                let keep = match &v {
                    Value::String(s) => !s.is_empty(),
                    Value::List(l) => !l.is_empty(),
                    _ => false,
                };
                if keep {
                    out.chart_globals.push((k.to_string(), v.deep_copy()));
                }
            }
        }
        let block = match values.get("extension_params") {
            None | Some(Value::Nil) => Map::new(),
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(invalid(format!(
                    "extension_params must be a map of parameters, not {}",
                    other.go_type()
                )))
            }
        };
        if block.len() > MAX_EXTENSION_PARAMS {
            return Err(limit(format!(
                "extension_params declares {} parameters, more than the limit of {MAX_EXTENSION_PARAMS}",
                block.len()
            )));
        }
        let mut keys: Vec<String> = Vec::with_capacity(block.len());
        for k in order.unwrap_or_default() {
            if block.contains_key(&k) && !keys.contains(&k) {
                keys.push(k);
            }
        }
        for k in block.keys() {
            if !keys.iter().any(|x| **x == *k) {
                keys.push(k.to_string());
            }
        }
        for key in keys {
            let decl = block.get(&key).unwrap_or_default();
            out.params.push(parse_param(&key, &decl)?);
        }
        let variants = out.variant_bound();
        if variants > MAX_VARIANTS {
            return Err(limit(format!(
                "extension_params would need {variants} variants to check every choice, more than the limit of {MAX_VARIANTS}"
            )));
        }
        match values.get("suffix_param_key") {
            None | Some(Value::Nil) => {}
            Some(Value::String(k)) => {
                let ok = out.get(&k).is_some_and(|p| {
                    matches!(
                        p.kind,
                        ParamKind::String { .. } | ParamKind::ListSingle { .. }
                    )
                });
                if !ok {
                    return Err(invalid(format!(
                        "suffix_param_key {k:?} must name a declared string or list_single parameter"
                    )));
                }
                out.suffix_param_key = Some(k.to_string());
            }
            Some(other) => {
                return Err(invalid(format!(
                    "suffix_param_key must be a string, not {}",
                    other.go_type()
                )))
            }
        }
        Ok(out)
    }

    /// The declared parameters, UI-only entries included.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// assert!(ExtensionParams::default().params().is_empty());
    /// ```
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The parameter declared under `key`.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    /// let v = values_from_yaml("extension_params:\n  x: {type: string}\n").unwrap();
    /// assert!(ExtensionParams::from_values(&v).unwrap().get("x").is_some());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.key == key)
    }

    /// Whether no declared parameter takes a value (`doc` and `group_name`
    /// entries do not count): the chart renders the same whatever the user
    /// chooses.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    /// let v = values_from_yaml("extension_params:\n  d: {type: doc, definition: Read me}\n").unwrap();
    /// assert!(ExtensionParams::from_values(&v).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        !self.params.iter().any(|p| p.kind.takes_value())
    }

    /// The parameter whose value names a multi-installable release
    /// (`suffix_param_key` at the top of `values.yaml`), if any. See
    /// [`crate::kaapana::release`].
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    /// let v = values_from_yaml(
    ///     "suffix_param_key: display_name\nextension_params:\n  display_name: {type: string}\n",
    /// ).unwrap();
    /// assert_eq!(ExtensionParams::from_values(&v).unwrap().suffix_param_key(), Some("display_name"));
    /// ```
    pub fn suffix_param_key(&self) -> Option<&str> {
        self.suffix_param_key.as_deref()
    }

    /// Checks `submission` and returns the `global.<key>` values it
    /// becomes, defaults filled in, in the form templates receive (see the
    /// module documentation). Parameters neither submitted nor defaulted
    /// are left out, so the chart's own default shows through.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
    /// use kaapana_chart::{values_from_yaml, Value};
    ///
    /// let v = values_from_yaml(
    ///     "extension_params:\n  t:\n    type: list_multi\n    value: [a, b, c]\n    default: [a]\n",
    /// ).unwrap();
    /// let params = ExtensionParams::from_values(&v).unwrap();
    /// // The project UI's list and the landing page's string give the same.
    /// let as_list = Submission::new().with("t", Value::list(vec!["c".into(), "a".into()]));
    /// let as_string = Submission::new().with("t", "c,a");
    /// assert_eq!(params.resolve(&as_list).unwrap()["t"], Value::from("c,a"));
    /// assert_eq!(params.resolve(&as_string).unwrap()["t"], Value::from("c,a"));
    /// assert_eq!(params.resolve(&Submission::new()).unwrap()["t"], Value::from("a"));
    /// assert!(params.resolve(&Submission::new().with("t", "d")).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`]: an undeclared key, a value for a
    /// `doc`/`group_name` entry, a choice that is not offered, a bool that
    /// is not `true`/`false`, a missing required parameter, a value
    /// containing `;` (which Kaapana refuses), a value longer than
    /// [`MAX_PARAM_VALUE_LEN`].
    pub fn resolve(&self, submission: &Submission) -> Result<BTreeMap<String, Value>> {
        for key in submission.values.keys() {
            match self.get(key) {
                None => {
                    let declared: Vec<&str> = self
                        .params
                        .iter()
                        .filter(|p| p.kind.takes_value())
                        .map(|p| p.key.as_str())
                        .collect();
                    return Err(invalid(format!(
                        "parameter {key:?} is not declared by the chart (declared: {})",
                        if declared.is_empty() {
                            "none".to_owned()
                        } else {
                            declared.join(", ")
                        }
                    )));
                }
                Some(p) if !p.kind.takes_value() => {
                    return Err(invalid(format!(
                        "parameter {key:?} is a {} entry for the UI and takes no value",
                        p.type_name
                    )))
                }
                Some(_) => {}
            }
        }
        let mut out = BTreeMap::new();
        for p in &self.params {
            if let Some(v) = resolve_one(p, submission.values.get(&p.key))? {
                out.insert(p.key.clone(), v);
            }
        }
        Ok(out)
    }

    /// The full user-values tree to render the chart with for
    /// `submission`: `{global: …}` holding, later layers winning,
    ///
    /// 1. the platform's globals (`globals`: either a values map with a
    ///    `global:` key, such as `helm get values --all` of the
    ///    `kaapana-admin-chart` release prints, or the globals map itself;
    ///    `preinstall_extensions` and `kaapana_collections` dropped as
    ///    Kaapana drops them; nil for none),
    /// 2. the chart's own non-empty string and list globals, which Kaapana's
    ///    backend passes again with `--set`,
    /// 3. the parameters ([`ExtensionParams::resolve`]).
    ///
    /// Kaapana's backend applies 2 after 3, so a chart's own `global.<key>`
    /// silently beats the user's choice for the same key; here the user's
    /// choice wins (`docs/kaapana-extension-params.md`).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
    /// use kaapana_chart::{values_from_yaml, Value};
    ///
    /// let chart = values_from_yaml(
    ///     "global:\n  mode: chart-default\nextension_params:\n  mode:\n    type: list_single\n    value: [a, b]\n    default: a\n",
    /// ).unwrap();
    /// let params = ExtensionParams::from_values(&chart).unwrap();
    /// let user = params.values_for(&Submission::new().with("mode", "b"), &Value::Nil).unwrap();
    /// assert_eq!(user.get("global").unwrap().get("mode"), Some(Value::from("b")));
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ExtensionParams::resolve`]; also globals that are not a map.
    pub fn values_for(&self, submission: &Submission, globals: &Value) -> Result<Value> {
        let resolved = self.resolve(submission)?;
        let global = platform_globals(globals)?;
        for (k, v) in &self.chart_globals {
            global.insert(k.as_str(), v.deep_copy());
        }
        for (k, v) in resolved {
            global.insert(k, v);
        }
        Ok(Value::from_iter([("global", Value::Map(global))]))
    }

    /// The platform globals that [`ExtensionParams::values_for`] replaces
    /// for this chart, sorted: keys of `globals` that the chart's own
    /// non-empty string/list globals or a declared parameter also set (as
    /// in Kaapana, where both are passed after the platform's). A chart that
    /// shadows `admin_namespace` or `services_namespace` this way sees
    /// another namespace than the platform's, which an upload check should
    /// know about.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    ///
    /// let chart = values_from_yaml(
    ///     "global:\n  admin_namespace: mine\n  port: 1\nextension_params:\n  services_namespace: {type: string}\n",
    /// ).unwrap();
    /// let globals = values_from_yaml(
    ///     "global:\n  admin_namespace: admin\n  services_namespace: services\n  port: 2\n",
    /// ).unwrap();
    /// let params = ExtensionParams::from_values(&chart).unwrap();
    /// assert_eq!(params.shadowed_globals(&globals).unwrap(), ["admin_namespace", "services_namespace"]);
    /// ```
    ///
    /// # Errors
    ///
    /// Globals that are not a map (as [`ExtensionParams::values_for`]).
    pub fn shadowed_globals(&self, globals: &Value) -> Result<Vec<String>> {
        let platform = platform_globals(globals)?;
        let mut out: Vec<String> = self
            .chart_globals
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(
                self.params
                    .iter()
                    .filter(|p| p.kind.takes_value())
                    .map(|p| p.key.as_str()),
            )
            .filter(|k| platform.contains_key(k))
            .map(str::to_owned)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The submissions worth rendering to see every branch a parameter can
    /// open: the defaults first, then — one parameter changed at a time —
    /// each `list_single` choice, each bool both ways, each `list_multi`
    /// with all and with none of its choices, each `string` empty and
    /// non-empty ([`PLACEHOLDER`]). Variants that resolve to the same
    /// values as an earlier one are dropped. Parameters without a default
    /// get one for the purpose: the first choice, `false`, or
    /// [`PLACEHOLDER`] for a required string. At most [`MAX_VARIANTS`]
    /// (a declaration needing more is refused when parsed).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    ///
    /// let v = values_from_yaml(
    ///     "extension_params:\n  gpu: {type: bool, default: false}\n  mode: {type: list_single, value: [a, b], default: a}\n",
    /// ).unwrap();
    /// let labels: Vec<String> = ExtensionParams::from_values(&v).unwrap()
    ///     .variants().into_iter().map(|v| v.label).collect();
    /// assert_eq!(labels, ["defaults", "global.gpu=true", "global.mode=b"]);
    /// ```
    pub fn variants(&self) -> Vec<Variant> {
        let mut base = Submission::new();
        for p in &self.params {
            let v = match &p.kind {
                ParamKind::String { default } => match default {
                    Some(d) => Some(Value::from(d.as_str())),
                    None if p.required => Some(Value::from(PLACEHOLDER)),
                    None => None,
                },
                ParamKind::Bool { default } => Some(Value::Bool(default.unwrap_or(false))),
                ParamKind::ListSingle { choices, default } => default
                    .as_ref()
                    .or(choices.first())
                    .map(|c| Value::from(c.as_str())),
                ParamKind::ListMulti { choices, default } => match default {
                    Some(d) if !d.is_empty() || !p.required => Some(Value::from(d.join(","))),
                    _ => choices.first().map(|c| Value::from(c.as_str())),
                },
                ParamKind::Doc | ParamKind::GroupName => None,
            };
            if let Some(v) = v {
                base.values.insert(p.key.clone(), v);
            }
        }
        let mut candidates = vec![("defaults".to_owned(), base.clone())];
        let mut alt = |key: &str, shown: &str, v: Value| {
            let mut s = base.clone();
            s.values.insert(key.to_owned(), v);
            candidates.push((format!("global.{key}={shown}"), s));
        };
        for p in &self.params {
            match &p.kind {
                ParamKind::String { .. } => {
                    if !p.required {
                        alt(&p.key, "", Value::from(""));
                    }
                    alt(&p.key, PLACEHOLDER, Value::from(PLACEHOLDER));
                }
                ParamKind::Bool { .. } => {
                    alt(&p.key, "true", Value::Bool(true));
                    alt(&p.key, "false", Value::Bool(false));
                }
                ParamKind::ListSingle { choices, .. } => {
                    for c in choices {
                        alt(&p.key, c, Value::from(c.as_str()));
                    }
                }
                ParamKind::ListMulti { choices, .. } => {
                    let all = choices.join(",");
                    alt(&p.key, &all, Value::from(all.as_str()));
                    if !p.required {
                        alt(&p.key, "", Value::from(""));
                    }
                }
                ParamKind::Doc | ParamKind::GroupName => {}
            }
        }
        let mut seen: Vec<BTreeMap<String, Value>> = Vec::new();
        let mut out = Vec::new();
        for (label, submission) in candidates {
            // Every candidate is built from declared choices, so it
            // resolves; one that did not would be no variant at all.
            let Ok(resolved) = self.resolve(&submission) else {
                continue;
            };
            if seen.contains(&resolved) {
                continue;
            }
            seen.push(resolved);
            out.push(Variant { label, submission });
        }
        out
    }

    /// An upper bound of [`ExtensionParams::variants`]' length.
    fn variant_bound(&self) -> usize {
        1 + self
            .params
            .iter()
            .map(|p| match &p.kind {
                ParamKind::ListSingle { choices, .. } => choices.len(),
                ParamKind::String { .. } | ParamKind::Bool { .. } | ParamKind::ListMulti { .. } => {
                    2
                }
                ParamKind::Doc | ParamKind::GroupName => 0,
            })
            .sum::<usize>()
    }

    /// The listing `kaapana-chart params --output json` (and the C
    /// library's `kc_chart_extension_params`) print for `chart`, whose
    /// params these are: the chart's name, whether it may be installed more
    /// than once, the suffix param, the params in the order of
    /// `values.yaml` and the labels of the [`variants`](Self::variants) the
    /// upload check renders. Two-space indented JSON, keys sorted, a final
    /// newline (see `docs/kaapana-extension-params.md`).
    ///
    /// ```
    /// use kaapana_chart::chart::{Chart, Metadata};
    /// use kaapana_chart::kaapana::params::ExtensionParams;
    /// use kaapana_chart::values_from_yaml;
    ///
    /// let chart = Chart {
    ///     metadata: Metadata { name: "demo".into(), ..Metadata::default() },
    ///     values: values_from_yaml("extension_params:\n  gpu: {type: bool, default: false}\n").unwrap(),
    ///     ..Chart::default()
    /// };
    /// let params = ExtensionParams::from_chart(&chart).unwrap();
    /// let json = params.to_json(&chart).unwrap();
    /// assert!(json.starts_with("{\n  \"chart\": \"demo\",\n"));
    /// assert!(json.contains("\"key\": \"gpu\""));
    /// assert!(json.contains("\"variants\": [\n    \"defaults\",\n    \"global.gpu=true\"\n  ]"));
    /// assert!(json.ends_with("}\n"));
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`to_json`] (none for the values built
    /// here in practice).
    pub fn to_json(&self, chart: &Chart) -> Result<String> {
        let opt = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::from);
        let strings =
            |v: &[String]| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect());
        let list: Vec<Value> = self
            .params()
            .iter()
            .map(|p| {
                let (default, choices) = match &p.kind {
                    ParamKind::String { default } => (opt(default), Value::Nil),
                    ParamKind::Bool { default } => {
                        (default.map_or(Value::Nil, Value::Bool), Value::Nil)
                    }
                    ParamKind::ListSingle { choices, default } => (opt(default), strings(choices)),
                    ParamKind::ListMulti { choices, default } => (
                        default.as_deref().map_or(Value::Nil, strings),
                        strings(choices),
                    ),
                    _ => (Value::Nil, Value::Nil),
                };
                Value::from_iter([
                    ("key", Value::from(p.key.as_str())),
                    ("type", Value::from(p.type_name.as_str())),
                    ("takes_value", Value::Bool(p.kind.takes_value())),
                    ("default", default),
                    ("choices", choices),
                    ("required", Value::Bool(p.required)),
                    ("definition", opt(&p.definition)),
                    ("help", opt(&p.help)),
                ])
            })
            .collect();
        let variants: Vec<Value> = self
            .variants()
            .into_iter()
            .map(|v| Value::from(v.label))
            .collect();
        let doc = Value::from_iter([
            ("chart", Value::from(chart.metadata.name.as_str())),
            (
                "multi_installable",
                Value::Bool(is_multi_installable(chart)),
            ),
            (
                "suffix_param_key",
                self.suffix_param_key().map_or(Value::Nil, Value::from),
            ),
            ("params", Value::list(list)),
            ("variants", Value::list(variants)),
        ]);
        let mut text = to_json(&doc, JsonStyle::Pretty)?;
        text.push('\n');
        Ok(text)
    }
}

/// One parameter choice worth rendering: a label and the complete
/// submission (every parameter that takes a value set explicitly).
///
/// ```
/// use kaapana_chart::kaapana::params::ExtensionParams;
/// let v = ExtensionParams::default().variants();
/// assert_eq!(v.len(), 1);
/// assert_eq!(v[0].label, "defaults");
/// assert!(v[0].submission.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// `defaults`, or `global.<key>=<value>` for the one parameter that
    /// differs from the defaults (`list_multi` values comma-joined).
    pub label: String,
    /// What to pass to [`ExtensionParams::values_for`].
    pub submission: Submission,
}

/// What a user submitted: parameter key → value, as the UI or the command
/// line sent it (strings, bools, lists of strings). Checked only against a
/// declaration, by [`ExtensionParams::resolve`].
///
/// ```
/// use kaapana_chart::kaapana::params::Submission;
/// use kaapana_chart::Value;
///
/// let s = Submission::from_params(["a=1", "b=x=y", "a=2"]).unwrap();
/// assert_eq!(s.get("a"), Some(&Value::from("2")));
/// assert_eq!(s.get("b"), Some(&Value::from("x=y")));
/// let j = Submission::from_json(r#"{"gpu": true, "tasks": ["a", "b"]}"#).unwrap();
/// assert_eq!(j.get("gpu"), Some(&Value::Bool(true)));
/// assert_eq!(j.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Submission {
    values: BTreeMap<String, Value>,
}

impl Submission {
    /// An empty submission (every parameter at its default).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert!(Submission::new().is_empty());
    /// ```
    pub fn new() -> Submission {
        Submission::default()
    }

    /// The submission with `key` set to `value` (replacing an earlier one).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// let s = Submission::new().with("gpu", true).with("mode", "debug");
    /// assert_eq!(s.len(), 2);
    /// ```
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Submission {
        self.insert(key, value);
        self
    }

    /// Sets `key` to `value`, replacing an earlier one.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// let mut s = Submission::new();
    /// s.insert("gpu", false);
    /// assert!(s.get("gpu").is_some());
    /// ```
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.values.insert(key.into(), value.into());
    }

    /// The value submitted for `key`.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert!(Submission::new().get("x").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// How many keys were submitted.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert_eq!(Submission::new().with("a", "b").len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing was submitted.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert!(Submission::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The submitted keys and values, sorted by key.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// let s = Submission::new().with("b", "2").with("a", "1");
    /// let keys: Vec<&str> = s.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Reads `key=value` arguments (the command line's `--param`): the key
    /// ends at the first `=`, the value is the rest, taken literally (no
    /// `--set` syntax; its meaning comes from the declaration: `true`/`false`
    /// for a bool, `a,b` for a `list_multi`). A later argument for the same
    /// key wins.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert!(Submission::from_params(["no-equals"]).is_err());
    /// assert!(Submission::from_params(["=x"]).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] for an argument without `=` or with
    /// an empty key.
    pub fn from_params<I, S>(args: I) -> Result<Submission>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = Submission::new();
        for arg in args {
            let arg = arg.as_ref();
            match arg.split_once('=') {
                Some((k, v)) if !k.is_empty() => out.insert(k, v),
                _ => return Err(invalid(format!("--param {arg:?}: expected key=value"))),
            }
        }
        Ok(out)
    }

    /// A submission from a map value (the JSON object a UI posts as
    /// `extension_params`). Nil is an empty submission.
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// use kaapana_chart::Value;
    /// let s = Submission::from_value(&Value::from_iter([("gpu", Value::Bool(true))])).unwrap();
    /// assert_eq!(s.len(), 1);
    /// assert!(Submission::from_value(&Value::from("x")).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] if `value` is neither a map nor nil.
    pub fn from_value(value: &Value) -> Result<Submission> {
        match value {
            Value::Nil => Ok(Submission::new()),
            Value::Map(m) => Ok(Submission {
                values: m
                    .entries()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.deep_copy()))
                    .collect(),
            }),
            other => Err(invalid(format!(
                "a submission must be a map of parameters, not {}",
                other.go_type()
            ))),
        }
    }

    /// A submission from JSON text (an object).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// assert_eq!(Submission::from_json("{\"a\": \"b\"}").unwrap().len(), 1);
    /// assert!(Submission::from_json("[1]").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// Invalid JSON ([`ErrorKind::Json`]) or not an object.
    pub fn from_json(text: &str) -> Result<Submission> {
        Submission::from_value(&crate::value::from_json(text)?)
    }

    /// The submission as a map value (the JSON object a UI would post).
    ///
    /// ```
    /// use kaapana_chart::kaapana::params::Submission;
    /// use kaapana_chart::Value;
    /// let v = Submission::new().with("a", "b").to_value();
    /// assert_eq!(v.get("a"), Some(Value::from("b")));
    /// ```
    pub fn to_value(&self) -> Value {
        Value::from_iter(self.values.iter().map(|(k, v)| (k.as_str(), v.deep_copy())))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Submission {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Submission {
        let mut out = Submission::new();
        for (k, v) in iter {
            out.insert(k, v);
        }
        out
    }
}

fn invalid(msg: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

fn limit(msg: String) -> Error {
    Error::new(ErrorKind::LimitExceeded, msg)
}

/// The platform globals from a `--globals` file: a map with a `global:`
/// map, or the globals themselves.
fn platform_globals(globals: &Value) -> Result<Map> {
    let source = match globals {
        Value::Nil => return Ok(Map::new()),
        Value::Map(m) => match m.get("global") {
            Some(Value::Map(g)) => g,
            Some(Value::Nil) => Map::new(),
            Some(other) => {
                return Err(invalid(format!(
                    "globals: `global` must be a map, not {}",
                    other.go_type()
                )))
            }
            None => m.clone(),
        },
        other => {
            return Err(invalid(format!(
                "globals must be a map, not {}",
                other.go_type()
            )))
        }
    };
    let Value::Map(copy) = Value::Map(source).deep_copy() else {
        return Ok(Map::new());
    };
    for k in DROPPED_GLOBALS {
        copy.remove(k);
    }
    Ok(copy)
}

/// A key Kaapana can pass as `--set global.<key>=…` without it meaning
/// something else: letters, digits, `_` and `-` (`.`, `[`, `,` and `=` are
/// `--set` syntax; `;` makes Kaapana drop the parameter).
fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_PARAM_KEY_LEN {
        return Err(invalid(format!(
            "extension_params: key {key:?} must be 1 to {MAX_PARAM_KEY_LEN} bytes long"
        )));
    }
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(invalid(format!(
            "extension_params: key {key:?} may only contain letters, digits, '_' and '-' (it becomes global.{key} in a --set)"
        )));
    }
    Ok(())
}

/// A string a declaration or a submission carries: bounded, and without
/// `;` (Kaapana refuses any `;` in a value it passes to `helm`).
fn check_text(what: &str, s: &str) -> Result<()> {
    if s.len() > MAX_PARAM_VALUE_LEN {
        return Err(limit(format!(
            "{what}: {} bytes, longer than the limit of {MAX_PARAM_VALUE_LEN}",
            s.len()
        )));
    }
    if s.contains(';') {
        return Err(invalid(format!(
            "{what}: {s:?} contains ';', which Kaapana refuses in parameter values"
        )));
    }
    Ok(())
}

fn parse_param(key: &str, decl: &Value) -> Result<Param> {
    check_key(key)?;
    let at = format!("extension_params.{key}");
    let Value::Map(m) = decl else {
        return Err(invalid(format!(
            "{at}: a parameter must be a map with a `type`, not {}",
            decl.go_type()
        )));
    };
    let text_field = |field: &str| -> Result<Option<String>> {
        match m.get(field) {
            None | Some(Value::Nil) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.to_string())),
            Some(other) => Err(invalid(format!(
                "{at}: `{field}` must be a string, not {}",
                other.go_type()
            ))),
        }
    };
    let type_name = match text_field("type")? {
        Some(t) => t,
        None => return Err(invalid(format!("{at}: has no `type`"))),
    };
    let definition = text_field("definition")?;
    let help = text_field("help")?;
    let required = match m.get("required") {
        None | Some(Value::Nil) => false,
        Some(Value::Bool(b)) => b,
        Some(other) => {
            return Err(invalid(format!(
                "{at}: `required` must be true or false, not {}",
                other.go_type()
            )))
        }
    };
    let default = m.get("default").unwrap_or_default();
    let kind = match type_name.as_str() {
        "string" => ParamKind::String {
            default: match default {
                Value::Nil => None,
                Value::String(s) => {
                    check_text(&format!("{at}: default"), &s)?;
                    Some(s.to_string())
                }
                other => {
                    return Err(invalid(format!(
                        "{at}: the default of a string parameter must be a string, not {}",
                        other.go_type()
                    )))
                }
            },
        },
        "bool" | "boolean" => ParamKind::Bool {
            default: match default {
                Value::Nil => None,
                Value::Bool(b) => Some(b),
                other => {
                    return Err(invalid(format!(
                        "{at}: the default of a bool parameter must be true or false, not {}",
                        other.go_type()
                    )))
                }
            },
        },
        "list_single" | "list_multi" => {
            let choices = parse_choices(&at, m.get("value"), type_name == "list_multi")?;
            if type_name == "list_single" {
                let default = match default {
                    Value::Nil => None,
                    Value::String(s) => Some(s.to_string()),
                    other => {
                        return Err(invalid(format!(
                            "{at}: the default of a list_single parameter must be one of its choices, not {}",
                            other.go_type()
                        )))
                    }
                };
                if let Some(d) = &default {
                    if !choices.contains(d) {
                        return Err(invalid(format!(
                            "{at}: default {d:?} is not among the choices ({})",
                            choices.join(", ")
                        )));
                    }
                }
                ParamKind::ListSingle { choices, default }
            } else {
                let default = match &default {
                    Value::Nil => None,
                    v => Some(
                        multi_selection(v, &choices)
                            .map_err(|e| invalid(format!("{at}: default: {e}")))?,
                    ),
                };
                ParamKind::ListMulti { choices, default }
            }
        }
        "doc" => ParamKind::Doc,
        "group_name" => ParamKind::GroupName,
        other => {
            return Err(invalid(format!(
                "{at}: unknown type {other:?} (expected string, bool, boolean, list_single, list_multi, doc or group_name)"
            )))
        }
    };
    if required && !kind.takes_value() {
        return Err(invalid(format!(
            "{at}: a {type_name} entry takes no value and cannot be required"
        )));
    }
    Ok(Param {
        key: key.to_owned(),
        type_name,
        kind,
        definition,
        help,
        required,
    })
}

fn parse_choices(at: &str, value: Option<Value>, multi: bool) -> Result<Vec<String>> {
    let list = match value {
        Some(Value::List(l)) if !l.is_empty() => l,
        Some(Value::List(_)) | None | Some(Value::Nil) => {
            return Err(invalid(format!(
                "{at}: a list parameter needs its choices as a non-empty list in `value`"
            )))
        }
        Some(other) => {
            return Err(invalid(format!(
                "{at}: `value` (the choices) must be a list, not {}",
                other.go_type()
            )))
        }
    };
    if list.len() > MAX_PARAM_CHOICES {
        return Err(limit(format!(
            "{at}: {} choices, more than the limit of {MAX_PARAM_CHOICES}",
            list.len()
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list.items() {
        let Value::String(s) = item else {
            return Err(invalid(format!(
                "{at}: every choice must be a string, not {}",
                item.go_type()
            )));
        };
        check_text(&format!("{at}: choice"), s)?;
        if multi && s.contains(',') {
            return Err(invalid(format!(
                "{at}: choice {s:?} contains ',', which cannot survive the comma-joined form of a list_multi"
            )));
        }
        if out.iter().any(|c| **c == **s) {
            return Err(invalid(format!("{at}: choice {s:?} is listed twice")));
        }
        out.push(s.to_string());
    }
    Ok(out)
}

/// A `list_multi` selection (a list of strings, or one comma-joined string
/// whose items are trimmed, empty ones dropped), checked against the
/// choices. Errors are bare reasons; callers add where.
fn multi_selection(v: &Value, choices: &[String]) -> std::result::Result<Vec<String>, String> {
    let items: Vec<String> = match v {
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::List(l) => {
            let mut out = Vec::with_capacity(l.len());
            for item in l.items() {
                match item {
                    Value::String(s) => out.push(s.to_string()),
                    other => {
                        return Err(format!(
                            "every selected item must be a string, not {}",
                            other.go_type()
                        ))
                    }
                }
            }
            out
        }
        other => {
            return Err(format!(
                "expected a list of choices or one comma-separated string, not {}",
                other.go_type()
            ))
        }
    };
    let mut seen: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !choices.contains(&item) {
            return Err(format!(
                "{item:?} is not among the choices ({})",
                choices.join(", ")
            ));
        }
        if seen.contains(&item) {
            return Err(format!("{item:?} is selected twice"));
        }
        seen.push(item);
    }
    Ok(seen)
}

/// One parameter's value from the submission (or its default), in the form
/// templates receive; `None` when neither gives one.
fn resolve_one(p: &Param, submitted: Option<&Value>) -> Result<Option<Value>> {
    let at = format!("parameter {:?}", p.key);
    let missing = || {
        invalid(format!(
            "{at} is required{}",
            p.definition
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        ))
    };
    if let Some(Value::String(s)) = submitted {
        check_text(&at, s)?;
    }
    let out = match &p.kind {
        ParamKind::String { default } => {
            let v = match submitted {
                Some(Value::String(s)) => Some(s.to_string()),
                Some(other) => {
                    return Err(invalid(format!(
                        "{at} expects a string, not {}",
                        other.go_type()
                    )))
                }
                None => default.clone(),
            };
            if p.required && v.as_deref().is_none_or(str::is_empty) {
                return Err(missing());
            }
            v.map(Value::from)
        }
        ParamKind::Bool { default } => {
            let v = match submitted {
                Some(Value::Bool(b)) => Some(*b),
                // The command line (and a --set 'True') spell bools as text.
                Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
                Some(other) => {
                    return Err(invalid(format!(
                        "{at} expects true or false, not {}",
                        show(other)
                    )))
                }
                None => *default,
            };
            if p.required && v.is_none() {
                return Err(missing());
            }
            v.map(Value::Bool)
        }
        ParamKind::ListSingle { choices, default } => {
            let v = match submitted {
                Some(Value::String(s)) => {
                    if !choices.iter().any(|c| **c == **s) {
                        return Err(invalid(format!(
                            "{at}: {s:?} is not among the choices ({})",
                            choices.join(", ")
                        )));
                    }
                    Some(s.to_string())
                }
                Some(other) => {
                    return Err(invalid(format!(
                        "{at} expects one of its choices as a string, not {}",
                        other.go_type()
                    )))
                }
                None => default.clone(),
            };
            if p.required && v.is_none() {
                return Err(missing());
            }
            v.map(Value::from)
        }
        ParamKind::ListMulti { choices, default } => {
            let v = match submitted {
                Some(v) => {
                    if let Value::List(l) = v {
                        for item in l.items() {
                            if let Value::String(s) = item {
                                check_text(&at, s)?;
                            }
                        }
                    }
                    Some(multi_selection(v, choices).map_err(|e| invalid(format!("{at}: {e}")))?)
                }
                None => default.clone(),
            };
            if p.required && v.as_ref().is_none_or(Vec::is_empty) {
                return Err(missing());
            }
            v.map(|items| Value::from(items.join(",")))
        }
        ParamKind::Doc | ParamKind::GroupName => None,
    };
    Ok(out)
}

/// A short rendering of a submitted value for messages.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.go_type().into_owned(),
    }
}

/// The keys of the top-level `extension_params:` block in the order the
/// file declares them (a light scan of block-style YAML; flow style or
/// anything unusual yields fewer keys, and the rest then come sorted).
fn declared_order(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    let start = lines.by_ref().find(|l| {
        l.strip_prefix("extension_params:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    });
    if start.is_none() {
        return out;
    }
    let mut child_indent = None;
    for line in lines {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 {
            break;
        }
        let want = *child_indent.get_or_insert(indent);
        if indent != want {
            continue;
        }
        if let Some((k, _)) = trimmed.split_once(':') {
            let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
            out.push(k.to_owned());
        }
    }
    out
}

/// `extension_params` as a table: key, type, default, choices, required,
/// definition (the `kaapana-chart params` listing).
///
/// ```
/// use kaapana_chart::kaapana::params::{table, ExtensionParams};
/// use kaapana_chart::values_from_yaml;
/// let v = values_from_yaml("extension_params:\n  gpu: {type: bool, default: true, definition: GPU}\n").unwrap();
/// let t = table(&ExtensionParams::from_values(&v).unwrap());
/// assert!(t.starts_with("KEY"));
/// assert!(t.contains("gpu"));
/// ```
pub fn table(params: &ExtensionParams) -> String {
    let mut rows = vec![[
        "KEY".to_owned(),
        "TYPE".to_owned(),
        "DEFAULT".to_owned(),
        "CHOICES".to_owned(),
        "REQUIRED".to_owned(),
        "DEFINITION".to_owned(),
    ]];
    for p in params.params() {
        let (default, choices) = match &p.kind {
            ParamKind::String { default } => (default.clone().map(|d| format!("{d:?}")), None),
            ParamKind::Bool { default } => (default.map(|b| b.to_string()), None),
            ParamKind::ListSingle { choices, default } => {
                (default.clone(), Some(choices.join(",")))
            }
            ParamKind::ListMulti { choices, default } => (
                default.as_ref().map(|d| d.join(",")),
                Some(choices.join(",")),
            ),
            ParamKind::Doc | ParamKind::GroupName => (None, None),
        };
        rows.push([
            p.key.clone(),
            p.type_name.clone(),
            default.unwrap_or_else(|| "-".to_owned()),
            choices.unwrap_or_else(|| "-".to_owned()),
            if p.required { "yes" } else { "no" }.to_owned(),
            p.definition.clone().unwrap_or_default(),
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
