//! What an upload check enforces: the admin namespaces, the release
//! namespace objects default to, the cluster-scoped kinds a platform allows,
//! and the platform's global values.
//!
//! The defaults are strict: the admin namespaces are `admin` (Kaapana's
//! `global.admin_namespace`) and `kube-*` (the cluster's own: `kube-system`,
//! `kube-public`, `kube-node-lease`); the release namespace is the first
//! admin namespace, because Kaapana's kube-helm installs extensions with
//! `-n admin`; no cluster-scoped kind is allowed; unknown kinds are flagged.
//!
//! ```
//! use kaapana_chart::upload::Policy;
//!
//! let p = Policy::default();
//! assert!(p.is_admin("admin"));
//! assert!(p.is_admin("kube-system"));
//! assert!(!p.is_admin("project-admin"));
//! assert_eq!(p.release_namespace(), "admin");
//! ```

use std::time::Duration;

use crate::chart::loader::LoadOptions;
use crate::upload::scope::{scope_of, Scope};
use crate::{Limits, Value};

/// The most renders one chart check may cost: every parameter variant
/// ([`MAX_VARIANTS`](crate::kaapana::params::MAX_VARIANTS), which the
/// parameter model already refuses to exceed) plus `upgrade`,
/// `all-subcharts-enabled` and the probe. Each render is bounded by the
/// engine's own limits; this bounds how many there are. A check that would
/// need more rejects (`chart.too-many-renders`) rather than check in part.
pub const MAX_RENDERS: usize = crate::kaapana::params::MAX_VARIANTS + 3;

/// How long one chart check may render ([`Policy::max_check_time`]'s
/// default, 60 s). Each render is bounded by the engine's fuel, but a chart
/// with hundreds of parameter choices could multiply that; past this budget
/// the check stops and rejects (`limit.check-time`) instead of running on.
pub const MAX_CHECK_TIME: Duration = Duration::from_secs(60);

/// The admin namespaces of [`Policy::default`].
pub const DEFAULT_ADMIN_NAMESPACES: &[&str] = &["admin", "kube-*"];

/// The rules of an upload check. Build one with [`Policy::default`] and
/// change what differs.
///
/// ```
/// use kaapana_chart::upload::Policy;
///
/// let p = Policy {
///     admin_namespaces: vec!["platform".into(), "kube-*".into()],
///     allowed_cluster_kinds: vec!["PriorityClass.scheduling.k8s.io".into()],
///     ..Policy::default()
/// };
/// assert!(p.is_admin("platform"));
/// assert!(p.cluster_kind_allowed("scheduling.k8s.io", "PriorityClass"));
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    /// Namespaces no upload may touch. `*` matches any run of characters
    /// (`kube-*`), as in Gatekeeper's and Kyverno's namespace lists.
    pub admin_namespaces: Vec<String>,
    /// The namespace Helm installs the release into (and so the namespace
    /// of every namespaced object without `metadata.namespace`). `None`: the
    /// first admin namespace without `*` (Kaapana installs with `-n admin`).
    pub release_namespace: Option<String>,
    /// The release name; `None`: the chart's name, as Kaapana installs.
    pub release_name: Option<String>,
    /// Cluster-scoped kinds the platform allows, as `Kind.group`
    /// (`StorageClass.storage.k8s.io`) or `Kind` for the core group.
    pub allowed_cluster_kinds: Vec<String>,
    /// Kinds the built-in tables do not know that the platform declares
    /// namespaced (its own CRDs), written like `allowed_cluster_kinds`.
    pub namespaced_kinds: Vec<String>,
    /// The platform's global values (`global.*`): the map itself, or a map
    /// with a `global` map (a `--globals` file). Every render sees them
    /// under `.Values.global`, as Kaapana's kube-helm passes them.
    pub globals: Value,
    /// The loader's limits.
    pub load_options: LoadOptions,
    /// The template engine's limits for each render of the check (fuel,
    /// output size, call depth). A backend that checks many uploads at once
    /// can lower the fuel here; the fuzzers do.
    pub limits: Limits,
    /// Wall-clock budget for all renders of one check ([`MAX_CHECK_TIME`]).
    pub max_check_time: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            admin_namespaces: DEFAULT_ADMIN_NAMESPACES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            release_namespace: None,
            release_name: None,
            allowed_cluster_kinds: Vec::new(),
            namespaced_kinds: Vec::new(),
            globals: Value::Nil,
            load_options: LoadOptions::default(),
            limits: Limits::default(),
            max_check_time: MAX_CHECK_TIME,
        }
    }
}

impl Policy {
    /// Whether `ns` is an admin namespace (exact, case-sensitive, with `*`
    /// globs).
    ///
    /// ```
    /// use kaapana_chart::upload::Policy;
    /// assert!(!Policy::default().is_admin("Admin"));
    /// ```
    pub fn is_admin(&self, ns: &str) -> bool {
        self.admin_namespaces.iter().any(|p| glob_match(p, ns))
    }

    /// The namespace objects without `metadata.namespace` land in.
    ///
    /// ```
    /// use kaapana_chart::upload::Policy;
    /// let p = Policy { release_namespace: Some("extensions".into()), ..Policy::default() };
    /// assert_eq!(p.release_namespace(), "extensions");
    /// ```
    pub fn release_namespace(&self) -> &str {
        match &self.release_namespace {
            Some(ns) => ns,
            None => self.probe_namespace(),
        }
    }

    /// An admin namespace to try where a check substitutes one (the first
    /// admin namespace without `*`, else `kube-system`).
    ///
    /// ```
    /// use kaapana_chart::upload::Policy;
    /// assert_eq!(Policy::default().probe_namespace(), "admin");
    /// ```
    pub fn probe_namespace(&self) -> &str {
        self.admin_namespaces
            .iter()
            .find(|p| !p.contains('*') && !p.is_empty())
            .map(String::as_str)
            .unwrap_or("kube-system")
    }

    /// The scope of (group, kind): the built-in tables, then the policy's
    /// own lists; `None` when unknown.
    ///
    /// ```
    /// use kaapana_chart::upload::{scope::Scope, Policy};
    /// let p = Policy { namespaced_kinds: vec!["Widget.example.com".into()], ..Policy::default() };
    /// assert_eq!(p.scope_of("example.com", "Widget"), Some(Scope::Namespaced));
    /// assert_eq!(p.scope_of("example.com", "Gadget"), None);
    /// ```
    pub fn scope_of(&self, group: &str, kind: &str) -> Option<Scope> {
        if let Some(s) = scope_of(group, kind) {
            return Some(s);
        }
        if self
            .namespaced_kinds
            .iter()
            .any(|k| kind_matches(k, group, kind))
        {
            return Some(Scope::Namespaced);
        }
        if self.cluster_kind_allowed(group, kind) {
            return Some(Scope::Cluster);
        }
        None
    }

    /// Whether the policy allows cluster-scoped (group, kind).
    ///
    /// ```
    /// use kaapana_chart::upload::Policy;
    /// assert!(!Policy::default().cluster_kind_allowed("", "Namespace"));
    /// ```
    pub fn cluster_kind_allowed(&self, group: &str, kind: &str) -> bool {
        self.allowed_cluster_kinds
            .iter()
            .any(|k| kind_matches(k, group, kind))
    }
}

/// Whether `spec` (`Kind.group` or `Kind`) names (group, kind).
fn kind_matches(spec: &str, group: &str, kind: &str) -> bool {
    match spec.split_once('.') {
        Some((k, g)) => k == kind && g == group,
        None => spec == kind && group.is_empty(),
    }
}

/// `*`-glob matching: `*` matches any run of characters (also none); every
/// other character matches itself.
///
/// ```
/// use kaapana_chart::upload::policy::glob_match;
/// assert!(glob_match("kube-*", "kube-system"));
/// assert!(glob_match("*-admin", "tenant-admin"));
/// assert!(!glob_match("kube-*", "kubesystem"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(x) => x,
        None => return text.is_empty(),
    };
    let Some(mut t) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return t.is_empty();
    };
    for part in middle {
        match t.find(part) {
            Some(i) => t = &t[i + part.len()..],
            None => return false,
        }
    }
    t.len() >= last.len() && t.ends_with(last)
}

/// Whether `s` is a DNS-1123 label (`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, at
/// most [`MAX_DNS_LABEL_LEN`] bytes): what the API server requires of a
/// namespace name.
///
/// ```
/// use kaapana_chart::upload::policy::is_dns_label;
/// assert!(is_dns_label("kube-system"));
/// assert!(!is_dns_label("Kube-System"));
/// assert!(!is_dns_label(" kube-system"));
/// ```
pub fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            b.len() <= MAX_DNS_LABEL_LEN
                && alnum(f)
                && alnum(l)
                && b.iter().all(|c| alnum(c) || *c == b'-')
        }
        _ => false,
    }
}

/// The longest DNS-1123 label (63 bytes).
pub const MAX_DNS_LABEL_LEN: usize = 63;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_label_length_limit_both_sides() {
        assert!(is_dns_label(&"a".repeat(MAX_DNS_LABEL_LEN)));
        assert!(!is_dns_label(&"a".repeat(MAX_DNS_LABEL_LEN + 1)));
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXbY"));
        assert!(glob_match("admin", "admin"));
        assert!(!glob_match("admin", "admin2"));
        assert!(!glob_match("ab*ba", "aba"));
    }

    #[test]
    fn kind_specs() {
        assert!(kind_matches("Namespace", "", "Namespace"));
        assert!(!kind_matches("Namespace", "x", "Namespace"));
        assert!(kind_matches(
            "ClusterRole.rbac.authorization.k8s.io",
            "rbac.authorization.k8s.io",
            "ClusterRole"
        ));
    }
}
