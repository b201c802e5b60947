//! `kaapana-chart check-upload FILE`: the upload safety check from the
//! command line. Reads the file, decides by its content what it is (a gzip
//! stream is a chart archive, anything else is checked as an image archive,
//! as Kaapana imports every `.tar` it gets), prints the report and exits 0
//! (accepted), 1 (rejected) or 2 (usage: bad flags, unreadable file or
//! globals). Nothing is written anywhere but stdout and stderr.

use std::io::Read;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kaapana_chart::upload::image::{
    check_image_archive, check_upload_file_name, MAX_IMAGE_ARCHIVE_BYTES,
};
use kaapana_chart::upload::{check_chart_archive, Finding, Policy, Report, Severity, Verdict};
use kaapana_chart::{values_from_yaml, Value};

/// The largest `--globals` file (1 MiB).
pub const MAX_GLOBALS_FILE: u64 = 1024 * 1024;

/// `check-upload`'s flags.
#[derive(Args)]
pub struct CheckUploadArgs {
    /// The uploaded file: a chart `.tgz` or an image `.tar`.
    #[arg(value_name = "FILE")]
    file: String,
    /// An admin namespace (repeatable; `*` globs such as `kube-*`). The
    /// default list is `admin` and `kube-*`; given names replace `admin`,
    /// `kube-*` is always kept.
    #[arg(long = "admin-namespace", value_name = "NS")]
    admin_namespace: Vec<String>,
    /// The namespace the release is installed into (default: the first
    /// admin namespace, as Kaapana installs with `-n admin`).
    #[arg(long = "release-namespace", value_name = "NS")]
    release_namespace: Option<String>,
    /// The platform's global values: a YAML file with a `global:` map (or
    /// the map itself).
    #[arg(long = "globals", value_name = "FILE")]
    globals: Option<String>,
    /// A cluster-scoped kind to allow, `Kind.group` or `Kind` (repeatable).
    #[arg(long = "allow-cluster-kind", value_name = "KIND")]
    allow_cluster_kind: Vec<String>,
    /// A kind unknown to the built-in tables to treat as namespaced,
    /// `Kind.group` (repeatable).
    #[arg(long = "namespaced-kind", value_name = "KIND")]
    namespaced_kind: Vec<String>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Text)]
    output: ReportFormat,
}

/// How the report is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Lines for humans.
    Text,
    /// One JSON object.
    Json,
}

/// Runs the check.
pub fn run(args: &CheckUploadArgs) -> ExitCode {
    let policy = match policy(args) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("Error: {msg}");
            return ExitCode::from(2);
        }
    };
    let (report, images) = match check_file(&args.file, &policy) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("Error: {msg}");
            return ExitCode::from(2);
        }
    };
    let text = match (args.output, &images) {
        (ReportFormat::Text, None) => report.to_text(),
        (ReportFormat::Text, Some(images)) => {
            let mut t = report.to_text();
            t.push_str(&format!("images: {}\n", images.len()));
            for i in images {
                t.push_str("  ");
                t.extend(i.chars().filter(|c| !c.is_control()));
                t.push('\n');
            }
            t
        }
        (ReportFormat::Json, None) => report.to_json(),
        (ReportFormat::Json, Some(images)) => {
            // The report's JSON plus the image references, one object.
            let mut v: serde_json::Value =
                serde_json::from_str(&report.to_json()).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert("images".to_owned(), serde_json::json!(images));
            }
            let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
            t.push('\n');
            t
        }
    };
    let code = super::write_stdout(&text);
    if code != ExitCode::SUCCESS {
        return code;
    }
    match report.verdict() {
        Verdict::Accepted => ExitCode::SUCCESS,
        Verdict::Rejected => ExitCode::from(1),
    }
}

/// Checks the file as what its content says it is: gzip → a chart archive
/// (read up to one byte past the loader's compressed-size limit, so that
/// the loader refuses anything larger); otherwise an image archive (its
/// report, with the file-name check of its base name, and the image
/// references it would import). `Err` only when the file cannot be read.
fn check_file(path: &str, policy: &Policy) -> Result<(Report, Option<Vec<String>>), String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let len = f.metadata().map_err(|e| format!("{path}: {e}"))?.len();
    let mut head = Vec::new();
    (&f).take(2)
        .read_to_end(&mut head)
        .map_err(|e| format!("{path}: {e}"))?;
    if head == [0x1f, 0x8b] {
        let mut bytes = head;
        let limit = policy.load_options.max_compressed_size.saturating_add(1);
        (&f).take(limit.saturating_sub(2))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{path}: {e}"))?;
        return Ok((check_chart_archive(&bytes, policy), None));
    }
    if len > MAX_IMAGE_ARCHIVE_BYTES {
        // Not read at all: the image check's own rule, decided on the size.
        let mut report = Report::default();
        report.push(Finding::new(
            "image.archive-too-large",
            Severity::Error,
            format!("the archive is {len} bytes, more than {MAX_IMAGE_ARCHIVE_BYTES}"),
        ));
        return Ok((report, Some(Vec::new())));
    }
    let mut bytes = head;
    (&f).take(MAX_IMAGE_ARCHIVE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{path}: {e}"))?;
    let mut check = check_image_archive(&bytes);
    // Kaapana puts the uploaded name, unquoted, into `ctr image import`.
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    check
        .report
        .findings
        .extend(check_upload_file_name(&name).findings);
    Ok((check.report, Some(check.images)))
}

fn policy(args: &CheckUploadArgs) -> Result<Policy, String> {
    let mut p = Policy::default();
    if !args.admin_namespace.is_empty() {
        let mut list = args.admin_namespace.clone();
        if !list.iter().any(|n| n == "kube-*") {
            list.push("kube-*".to_owned());
        }
        p.admin_namespaces = list;
    }
    p.release_namespace = args.release_namespace.clone();
    p.allowed_cluster_kinds = args.allow_cluster_kind.clone();
    p.namespaced_kinds = args.namespaced_kind.clone();
    if let Some(path) = &args.globals {
        let bytes = read_limited(path, MAX_GLOBALS_FILE)?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8"))?;
        let v = values_from_yaml(&text).map_err(|e| format!("{path}: {e}"))?;
        p.globals = match v.get("global") {
            Some(g @ Value::Map(_)) => g,
            Some(_) => return Err(format!("{path}: `global` is not a map")),
            None => v,
        };
    }
    Ok(p)
}

/// Reads at most `limit` bytes of `path`; more is an error.
fn read_limited(path: &str, limit: u64) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut buf = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("{path}: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(format!("{path}: larger than {limit} bytes"));
    }
    Ok(buf)
}
