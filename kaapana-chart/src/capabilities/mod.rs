//! `.Capabilities`: what the (absent) cluster offers, as Helm 4.2's
//! client-only render reports it.
//!
//! The defaults were read from the oracle (real Helm v4.2.3, `helm template`
//! mode): Kubernetes `v1.36.0`, the 55 group/versions of
//! `api_versions.txt` (in Helm's order), and Helm's build info
//! `{v4.2   go1.26.6 v1.36}`. `--kube-version` replaces the version and
//! `--api-versions` appends to the list.
//!
//! In templates, `.Capabilities` is a `*common.Capabilities`;
//! `.Capabilities.KubeVersion` prints `v1.36.0` through its `String()`
//! method, while `printf "%v"` shows the struct, exactly as Go does.

use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::value::{GoKind, GoType, List, Object, Signature, Value};

/// Helm 4.2's default API versions (client-only render), one per line.
const DEFAULT_API_VERSIONS: &str = include_str!("api_versions.txt");

/// Helm 4.2's default Kubernetes version in client-only mode.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// `.Capabilities`.
///
/// ```
/// use kaapana_chart::capabilities::Capabilities;
///
/// let caps = Capabilities::default();
/// assert_eq!(caps.kube_version().version(), "v1.36.0");
/// assert!(caps.has_api_version("apps/v1"));
/// let older = Capabilities::default().with_kube_version("1.29.3").unwrap();
/// assert_eq!(older.kube_version().minor(), "29");
/// ```
#[derive(Debug, Clone)]
pub struct Capabilities {
    kube: KubeVersion,
    api_versions: Arc<Vec<String>>,
    helm: BuildInfo,
}

impl Default for Capabilities {
    fn default() -> Capabilities {
        Capabilities {
            kube: KubeVersion::parse(DEFAULT_KUBE_VERSION).unwrap_or(KubeVersion {
                version: DEFAULT_KUBE_VERSION.to_owned(),
                normalized: DEFAULT_KUBE_VERSION.to_owned(),
                major: "1".to_owned(),
                minor: "36".to_owned(),
            }),
            api_versions: Arc::new(DEFAULT_API_VERSIONS.lines().map(str::to_owned).collect()),
            helm: BuildInfo::default(),
        }
    }
}

impl Capabilities {
    /// Replaces the Kubernetes version (Helm's `--kube-version`, e.g.
    /// `1.29.3` or `v1.29.3`).
    pub fn with_kube_version(mut self, version: &str) -> Result<Capabilities> {
        self.kube = KubeVersion::parse(version)?;
        Ok(self)
    }

    /// Appends API versions (Helm's `--api-versions`).
    pub fn with_api_versions<I, S>(mut self, extra: I) -> Capabilities
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list = Arc::make_mut(&mut self.api_versions);
        list.extend(extra.into_iter().map(Into::into));
        self
    }

    /// The Kubernetes version.
    pub fn kube_version(&self) -> &KubeVersion {
        &self.kube
    }

    /// Whether the API version (`apps/v1`) or resource (`apps/v1/Deployment`)
    /// is available.
    pub fn has_api_version(&self, v: &str) -> bool {
        self.api_versions.iter().any(|a| a == v)
    }

    /// The available API versions.
    pub fn api_versions(&self) -> &[String] {
        &self.api_versions
    }

    /// The value templates see as `.Capabilities`.
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(self.clone()))
    }
}

impl Object for Capabilities {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("*common.Capabilities")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Ptr
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Arc::new(self.kube.clone()))),
            "APIVersions" => Some(Value::Object(Arc::new(VersionSet(
                self.api_versions.clone(),
            )))),
            "HelmVersion" => Some(Value::Object(Arc::new(self.helm.clone()))),
            _ => None,
        }
    }
    fn fmt_go(&self, plus: bool) -> String {
        // Go prints a pointer to a struct inside another value as &{…} only
        // at the top level; `{{ .Capabilities }}` shows the struct.
        let sets = self.api_versions.join(" ");
        if plus {
            format!(
                "&{{KubeVersion:{} APIVersions:[{sets}] HelmVersion:{}}}",
                self.kube.fmt_go(true),
                self.helm.fmt_go(true)
            )
        } else {
            format!(
                "&{{{} [{sets}] {}}}",
                self.kube.fmt_go(false),
                self.helm.fmt_go(false)
            )
        }
    }
    fn template_print(&self) -> Option<String> {
        // text/template dereferences the pointer before printing.
        let s = self.fmt_go(false);
        Some(s.strip_prefix('&').map(str::to_owned).unwrap_or(s))
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("KubeVersion", Value::Object(Arc::new(self.kube.clone()))),
            (
                "APIVersions",
                Value::Object(Arc::new(VersionSet(self.api_versions.clone()))),
            ),
            ("HelmVersion", Value::Object(Arc::new(self.helm.clone()))),
        ])
    }
    fn to_data(&self) -> Value {
        Value::from_iter([
            ("KubeVersion", self.kube.to_data()),
            (
                "APIVersions",
                Value::list(
                    self.api_versions
                        .iter()
                        .map(|s| Value::from(s.as_str()))
                        .collect(),
                ),
            ),
            ("HelmVersion", self.helm.to_data()),
        ])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.KubeVersion`: Helm's `common.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// The text given, with a `v` in front (Helm's `Version`/`GitVersion`).
    version: String,
    /// `v` and the numeric components only (Helm's unexported
    /// `normalizedVersion`, what `String()` and constraint checks use).
    normalized: String,
    major: String,
    minor: String,
}

impl KubeVersion {
    /// Parses a Kubernetes version the way Helm 4's `ParseKubeVersion`
    /// does, with `k8s.io/apimachinery`'s `ParseGeneric`: optional leading
    /// blanks and `v`, at least two dot-separated numbers (the first without
    /// a leading zero), then anything (`-rc.1`, `+k3s1`, `-gke.100`). The
    /// text is kept as given (with a `v` added) for `Version`; `String()`
    /// and kubeVersion constraints see only the numbers.
    ///
    /// ```
    /// use kaapana_chart::capabilities::KubeVersion;
    ///
    /// let kv = KubeVersion::parse("1.27.2-gke.100").unwrap();
    /// assert_eq!(kv.version(), "v1.27.2-gke.100");
    /// assert_eq!(kv.normalized(), "v1.27.2");
    /// assert_eq!((kv.major(), kv.minor()), ("1", "27"));
    /// assert_eq!(KubeVersion::parse("1.30").unwrap().version(), "v1.30");
    /// assert!(KubeVersion::parse("1").is_err());
    /// assert!(KubeVersion::parse("01.2").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<KubeVersion> {
        let invalid = |why: String| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("invalid kube version {s:?}: {why}"),
            )
        };
        // ^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$ (RE2: \s is [\t\n\f\r ])
        let rest = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0C']);
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let mut end = 0;
        let b = rest.as_bytes();
        loop {
            let start = end;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                // A dot not followed by a digit ends the numbers before it.
                end = start.saturating_sub(1);
                break;
            }
            if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                end += 1;
            } else {
                break;
            }
        }
        let numbers = rest.get(..end).unwrap_or("");
        if numbers.is_empty() {
            return Err(invalid(format!("could not parse {s:?} as version")));
        }
        let comps: Vec<&str> = numbers.split('.').collect();
        if comps.len() < 2 {
            return Err(invalid(format!("illegal version string {s:?}")));
        }
        let mut values = Vec::with_capacity(comps.len());
        for (i, comp) in comps.iter().enumerate() {
            if i == 0 && comp.starts_with('0') && *comp != "0" {
                return Err(invalid(format!(
                    "illegal zero-prefixed version component {comp:?} in {s:?}"
                )));
            }
            let n: u64 = comp.parse().map_err(|_| {
                invalid(format!(
                    "illegal non-numeric version component {comp:?} in {s:?}"
                ))
            })?;
            values.push(n.to_string());
        }
        let version = if s.starts_with('v') {
            s.to_owned()
        } else {
            format!("v{s}")
        };
        Ok(KubeVersion {
            version,
            normalized: format!("v{}", values.join(".")),
            major: values.first().cloned().unwrap_or_default(),
            minor: values.get(1).cloned().unwrap_or_default(),
        })
    }

    /// `v1.36.0`: the version as given (Helm's `Version` and `GitVersion`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The numeric components only, e.g. `v1.27.2` for `v1.27.2-gke.100`
    /// (Helm's `String()`, used to check a chart's `kubeVersion`).
    ///
    /// ```
    /// use kaapana_chart::capabilities::KubeVersion;
    ///
    /// assert_eq!(KubeVersion::parse("1.03.004").unwrap().normalized(), "v1.3.4");
    /// ```
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// `1`.
    pub fn major(&self) -> &str {
        &self.major
    }

    /// `36`.
    pub fn minor(&self) -> &str {
        &self.minor
    }
}

impl Object for KubeVersion {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("common.KubeVersion")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::from(self.version.as_str())),
            "Major" => Some(Value::from(self.major.as_str())),
            "Minor" => Some(Value::from(self.minor.as_str())),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "String" | "GitVersion").then_some(Signature::fixed(&[]))
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> std::result::Result<Value, String> {
        match name {
            "String" => Ok(Value::from(self.normalized.as_str())),
            "GitVersion" => Ok(Value::from(self.version.as_str())),
            other => Err(format!("{other} is not a method")),
        }
    }
    fn fmt_go(&self, plus: bool) -> String {
        // The struct has an unexported normalizedVersion field, which %v
        // prints too.
        if plus {
            format!(
                "{{Version:{} normalizedVersion:{} Major:{} Minor:{}}}",
                self.version, self.normalized, self.major, self.minor,
            )
        } else {
            format!(
                "{{{} {} {} {}}}",
                self.version, self.normalized, self.major, self.minor,
            )
        }
    }
    fn template_print(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("Version", Value::from(self.version.as_str())),
            ("Major", Value::from(self.major.as_str())),
            ("Minor", Value::from(self.minor.as_str())),
        ])
    }
    fn to_data(&self) -> Value {
        Value::from_iter([
            ("Version", Value::from(self.version.as_str())),
            ("Major", Value::from(self.major.as_str())),
            ("Minor", Value::from(self.minor.as_str())),
        ])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.APIVersions`: Helm's `common.VersionSet` (a `[]string`
/// with a `Has` method).
#[derive(Debug, Clone)]
struct VersionSet(Arc<Vec<String>>);

impl Object for VersionSet {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("common.VersionSet")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Slice
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then_some(Signature::fixed(&[GoType::String]))
    }
    fn call_method(&self, name: &str, args: &[Value]) -> std::result::Result<Value, String> {
        match name {
            "Has" => {
                let v = args.first().and_then(Value::as_str).unwrap_or("");
                Ok(Value::Bool(self.0.iter().any(|a| a == v)))
            }
            other => Err(format!("{other} is not a method")),
        }
    }
    fn fmt_go(&self, _plus: bool) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_data(&self) -> Value {
        Value::List(List::new(
            self.0.iter().map(|s| Value::from(s.as_str())).collect(),
        ))
    }
    fn list_items(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(|s| Value::from(s.as_str())).collect())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.HelmVersion`: Helm's `version.BuildInfo`.
#[derive(Debug, Clone)]
struct BuildInfo {
    version: &'static str,
    go_version: &'static str,
    kube_client_version: &'static str,
}

impl Default for BuildInfo {
    fn default() -> BuildInfo {
        BuildInfo {
            version: "v4.2",
            go_version: "go1.26.6",
            kube_client_version: "v1.36",
        }
    }
}

impl Object for BuildInfo {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("version.BuildInfo")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "Version" => self.version,
            "GitCommit" | "GitTreeState" => "",
            "GoVersion" => self.go_version,
            "KubeClientVersion" => self.kube_client_version,
            _ => return None,
        }))
    }
    fn fmt_go(&self, plus: bool) -> String {
        if plus {
            format!(
                "{{Version:{} GitCommit: GitTreeState: GoVersion:{} KubeClientVersion:{}}}",
                self.version, self.go_version, self.kube_client_version
            )
        } else {
            format!(
                "{{{}   {} {}}}",
                self.version, self.go_version, self.kube_client_version
            )
        }
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("version", Value::from(self.version)),
            ("go_version", Value::from(self.go_version)),
            ("kube_client_version", Value::from(self.kube_client_version)),
        ])
    }
    fn to_data(&self) -> Value {
        // encoding/json uses the struct's json tags, with omitempty on the
        // git fields.
        Value::from_iter([
            ("version", Value::from(self.version)),
            ("go_version", Value::from(self.go_version)),
            ("kube_client_version", Value::from(self.kube_client_version)),
        ])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
