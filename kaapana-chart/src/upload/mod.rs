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

use std::fmt;

pub mod chart;
pub mod image;
pub mod policy;
pub mod scope;

pub use chart::{check_chart, check_chart_archive};
pub use policy::Policy;

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

    /// The same finding about `object`.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, ObjectRef, Severity};
    /// let o = ObjectRef { kind: "Job".into(), name: "x".into(), ..ObjectRef::default() };
    /// let f = Finding::new("r", Severity::Error, "m").with_object(o);
    /// assert_eq!(f.object.unwrap().kind, "Job");
    /// ```
    pub fn with_object(mut self, object: ObjectRef) -> Finding {
        self.object = Some(object);
        self
    }

    /// The same finding about `file`.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Severity};
    /// let f = Finding::new("r", Severity::Error, "m").with_file("c/templates/x.yaml");
    /// assert_eq!(f.file.as_deref(), Some("c/templates/x.yaml"));
    /// ```
    pub fn with_file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    /// The same finding, produced by the parameter choice `variant`.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Severity};
    /// let f = Finding::new("r", Severity::Error, "m").with_variant("defaults");
    /// assert_eq!(f.variant.as_deref(), Some("defaults"));
    /// ```
    pub fn with_variant(mut self, variant: impl Into<String>) -> Finding {
        self.variant = Some(variant.into());
        self
    }
}

impl fmt::Display for ObjectRef {
    /// `Kind/name in namespace ns` (or `(cluster-scoped)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)?;
        match &self.namespace {
            Some(ns) => write!(f, " in namespace {ns:?}"),
            None => f.write_str(" (cluster-scoped)"),
        }
    }
}

impl fmt::Display for Finding {
    /// One line: `error namespace.admin: <message> [Job/x in namespace
    /// "admin"; file c/templates/x.yaml; variant defaults]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity, self.rule, self.message)?;
        let mut extra = Vec::new();
        if let Some(o) = &self.object {
            extra.push(o.to_string());
        }
        if let Some(file) = &self.file {
            extra.push(format!("file {file}"));
        }
        if let Some(v) = &self.variant {
            extra.push(format!("variant {v}"));
        }
        if !extra.is_empty() {
            write!(f, " [{}]", extra.join("; "))?;
        }
        Ok(())
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

    /// The distinct rule ids of the findings, sorted.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Report, Severity};
    /// let mut r = Report::default();
    /// r.push(Finding::new("b", Severity::Warning, ""));
    /// r.push(Finding::new("a", Severity::Error, ""));
    /// r.push(Finding::new("b", Severity::Error, ""));
    /// assert_eq!(r.rules(), ["a", "b"]);
    /// ```
    pub fn rules(&self) -> Vec<&str> {
        let set: std::collections::BTreeSet<&str> =
            self.findings.iter().map(|f| f.rule.as_str()).collect();
        set.into_iter().collect()
    }

    /// The report for humans: the verdict, then one line per finding,
    /// errors first.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Report, Severity};
    /// let mut r = Report::default();
    /// r.push(Finding::new("lookup", Severity::Error, "a template calls lookup").with_file("c/templates/x.yaml"));
    /// assert_eq!(
    ///     r.to_text(),
    ///     "rejected: 1 error, 0 warnings\n  error lookup: a template calls lookup [file c/templates/x.yaml]\n"
    /// );
    /// ```
    pub fn to_text(&self) -> String {
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let warnings = self.findings.len() - errors;
        let mut out = format!(
            "{}: {errors} error{}, {warnings} warning{}\n",
            self.verdict(),
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
        // Errors first; within a severity, the order the check made them.
        let mut ordered: Vec<&Finding> = self.findings.iter().collect();
        ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in ordered {
            // Findings may quote uploaded text: keep control characters out
            // of the terminal.
            let line = f.to_string();
            out.push_str("  ");
            out.extend(line.chars().map(|c| match c {
                '\n' | '\t' | '\r' => ' ',
                c if c.is_control() => '?',
                c => c,
            }));
            out.push('\n');
        }
        out
    }

    /// The report as one JSON object: `{"verdict": "rejected", "findings":
    /// [{"rule", "severity", "message", "object": {"apiVersion", "kind",
    /// "name", "namespace"} | null, "file", "variant"}]}` (absent parts are
    /// `null`), followed by a newline.
    ///
    /// ```
    /// use kaapana_chart::upload::{Finding, Report, Severity};
    /// let mut r = Report::default();
    /// r.push(Finding::new("x.y", Severity::Warning, "note"));
    /// let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    /// assert_eq!(v["verdict"], "accepted");
    /// assert_eq!(v["findings"][0]["rule"], "x.y");
    /// assert!(v["findings"][0]["object"].is_null());
    /// ```
    pub fn to_json(&self) -> String {
        use serde_json::{json, Value as J};
        let findings: Vec<J> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "rule": f.rule,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                    "object": f.object.as_ref().map(|o| json!({
                        "apiVersion": o.api_version,
                        "kind": o.kind,
                        "name": o.name,
                        "namespace": o.namespace,
                    })),
                    "file": f.file,
                    "variant": f.variant,
                })
            })
            .collect();
        let doc = json!({ "verdict": self.verdict().as_str(), "findings": findings });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| String::from("{}"));
        s.push('\n');
        s
    }
}

/// The outcome of [`check_upload`]: the report, and for an image archive
/// the image references an import would create.
///
/// ```
/// use kaapana_chart::upload::{Report, UploadCheck};
///
/// let check = UploadCheck { report: Report::default(), images: Some(vec!["docker.io/library/busybox:1".into()]) };
/// assert_eq!(
///     check.to_text(),
///     "accepted: 0 errors, 0 warnings\nimages: 1\n  docker.io/library/busybox:1\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadCheck {
    /// The findings and the verdict.
    pub report: Report,
    /// `Some` for an image archive (possibly empty): the references of
    /// [`image::ImageCheck::images`]; `None` for a chart archive.
    pub images: Option<Vec<String>>,
}

impl UploadCheck {
    /// The report as `kaapana-chart check-upload` prints it for humans:
    /// [`Report::to_text`], then for an image archive a line `images: N`
    /// and each reference indented (control characters dropped, so a
    /// hostile name cannot forge lines).
    ///
    /// ```
    /// use kaapana_chart::upload::{Report, UploadCheck};
    /// let chart = UploadCheck { report: Report::default(), images: None };
    /// assert_eq!(chart.to_text(), Report::default().to_text());
    /// ```
    pub fn to_text(&self) -> String {
        let mut t = self.report.to_text();
        if let Some(images) = &self.images {
            t.push_str(&format!("images: {}\n", images.len()));
            for i in images {
                t.push_str("  ");
                t.extend(i.chars().filter(|c| !c.is_control()));
                t.push('\n');
            }
        }
        t
    }

    /// The report as `kaapana-chart check-upload --output json` (and the C
    /// library's `kc_upload_check`) print it: [`Report::to_json`], with an
    /// `"images"` list added for an image archive, followed by a newline.
    ///
    /// ```
    /// use kaapana_chart::upload::{Report, UploadCheck};
    ///
    /// let check = UploadCheck { report: Report::default(), images: Some(vec!["docker.io/library/a:1".into()]) };
    /// let v: serde_json::Value = serde_json::from_str(&check.to_json()).unwrap();
    /// assert_eq!(v["verdict"], "accepted");
    /// assert_eq!(v["images"][0], "docker.io/library/a:1");
    /// let chart = UploadCheck { images: None, ..check };
    /// assert_eq!(chart.to_json(), Report::default().to_json());
    /// ```
    pub fn to_json(&self) -> String {
        let Some(images) = &self.images else {
            return self.report.to_json();
        };
        // The report's JSON plus the image references, one object.
        let mut v: serde_json::Value =
            serde_json::from_str(&self.report.to_json()).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("images".to_owned(), serde_json::json!(images));
        }
        let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
        t.push('\n');
        t
    }
}

/// Checks an uploaded file as what its content says it is, as Kaapana
/// would have to before using it: a gzip stream is a chart archive
/// ([`check_chart_archive`] with `policy`); anything else is checked as an
/// image archive ([`image::check_image_archive`]; Kaapana imports every
/// `.tar` it gets), plus, if the upload's `file_name` is given, the check
/// of its base name ([`image::check_upload_file_name`]: Kaapana puts it,
/// unquoted, into `ctr image import`). What `kaapana-chart check-upload`
/// and the C library's `kc_upload_check` run.
///
/// ```
/// use kaapana_chart::upload::{check_upload, Policy, Verdict};
///
/// // Not gzip, so an image archive: an empty one, and a name a shell
/// // would split.
/// let check = check_upload(b"", Some("/uploads/x.tar; reboot"), &Policy::default());
/// assert_eq!(check.report.verdict(), Verdict::Rejected);
/// assert_eq!(check.images, Some(vec![]));
/// assert!(check.report.rules().contains(&"image.empty"));
/// assert!(check.report.rules().len() > 1);
///
/// // A gzip stream is a chart archive (here a broken one).
/// let check = check_upload(&[0x1f, 0x8b, 0], None, &Policy::default());
/// assert_eq!(check.report.verdict(), Verdict::Rejected);
/// assert_eq!(check.images, None);
/// ```
pub fn check_upload(bytes: &[u8], file_name: Option<&str>, policy: &Policy) -> UploadCheck {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return UploadCheck {
            report: check_chart_archive(bytes, policy),
            images: None,
        };
    }
    let mut check = image::check_image_archive(bytes);
    if let Some(name) = file_name {
        let base = std::path::Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        check
            .report
            .findings
            .extend(image::check_upload_file_name(&base).findings);
    }
    UploadCheck {
        report: check.report,
        images: Some(check.images),
    }
}
