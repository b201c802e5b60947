//! Upload safety checks: what a platform must verify before it installs a
//! chart archive or imports a container image that a user uploaded.
//!
//! Both checks answer with a [`Report`]: a [`Verdict`] and the
//! [`Finding`]s behind it, each with a stable rule id. A report is data,
//! not an error: a hostile upload is a normal input here, and the caller
//! decides what to show. Only a failure of the checker itself (which the
//! checks avoid by design) would be an [`Error`](crate::Error).
//!
//! ```
//! use kaapana_chart::upload::{Finding, Report, Severity, Verdict};
//!
//! let mut report = Report::default();
//! assert_eq!(report.verdict(), Verdict::Accepted);
//! report.push(Finding::new("archive.not-gzip", Severity::Error, "not a gzipped archive"));
//! assert_eq!(report.verdict(), Verdict::Rejected);
//! ```

pub mod image;

use std::fmt;

/// How much a finding weighs. Any [`Severity::Error`] rejects the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth showing; does not reject.
    Warning,
    /// Rejects the upload.
    Error,
}

impl Severity {
    /// The lower-case name used in JSON reports: `warning` or `error`.
    ///
    /// ```
    /// use kaapana_chart::upload::Severity;
    /// assert_eq!(Severity::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// No finding of severity [`Severity::Error`].
    Accepted,
    /// At least one finding of severity [`Severity::Error`].
    Rejected,
}

impl Verdict {
    /// The lower-case name used in JSON reports: `accepted` or `rejected`.
    ///
    /// ```
    /// use kaapana_chart::upload::Verdict;
    /// assert_eq!(Verdict::Rejected.as_str(), "rejected");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected => "rejected",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Kubernetes object a finding is about, as Helm would send it (after
/// namespace defaulting).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectRef {
    /// `apiVersion` of the object.
    pub api_version: String,
    /// `kind` of the object.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The namespace the object lands in; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable, dotted rule id such as `namespace.admin` or
    /// `archive.parent-directory`.
    pub rule: String,
    /// Whether it rejects the upload.
    pub severity: Severity,
    /// A sentence for humans.
    pub message: String,
    /// The object the finding is about, if any.
    pub object: Option<ObjectRef>,
    /// The file that produced it: a template path (`chart/templates/x.yaml`),
    /// a `crds/` file, or an entry of an archive.
    pub file: Option<String>,
    /// The parameter choice that produced it (`defaults`, `global.x=true`…),
    /// when the check rendered the chart more than once.
    pub variant: Option<String>,
}

impl Finding {
    /// A finding with only a rule, a severity and a message.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Severity};
    /// let f = Finding::new("namespace.admin", Severity::Error, "object in the admin namespace");
    /// assert_eq!(f.rule, "namespace.admin");
    /// ```
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            object: None,
            file: None,
            variant: None,
        }
    }
}

/// Findings and the verdict they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Every finding, in the order the check made them.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Adds a finding.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Report, Severity};
    /// let mut r = Report::default();
    /// r.push(Finding::new("x", Severity::Warning, "just so you know"));
    /// assert_eq!(r.findings.len(), 1);
    /// ```
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// [`Verdict::Rejected`] if any finding is an error.
    ///
    /// ```
    /// use kaapana_chart::upload::{Report, Verdict};
    /// assert_eq!(Report::default().verdict(), Verdict::Accepted);
    /// ```
    pub fn verdict(&self) -> Verdict {
        if self.findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        }
    }
}
