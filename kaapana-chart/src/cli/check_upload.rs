//! `kaapana-chart check-upload FILE`: the upload safety check from the
//! command line. Reads the file, decides by its content what it is (a gzip
//! stream is a chart archive, anything else is checked as an image archive,
//! as Kaapana imports every `.tar` it gets), prints the report and exits 0
//! (accepted), 1 (rejected) or 2 (usage: bad flags, unreadable file or
//! globals). Nothing is written anywhere but stdout and stderr.

use std::io::Read;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kaapana_chart::upload::image::MAX_IMAGE_ARCHIVE_BYTES;
use kaapana_chart::upload::{
    check_upload, Finding, Policy, Report, Severity, UploadCheck, Verdict,
};
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
    let check = match check_file(&args.file, &policy) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("Error: {msg}");
            return ExitCode::from(2);
        }
    };
    let text = match args.output {
        ReportFormat::Text => check.to_text(),
        ReportFormat::Json => check.to_json(),
    };
    let code = super::write_stdout(&text);
    if code != ExitCode::SUCCESS {
        return code;
    }
    match check.report.verdict() {
        Verdict::Accepted => ExitCode::SUCCESS,
        Verdict::Rejected => ExitCode::from(1),
    }
}

/// Checks the file as what its content says it is ([`check_upload`]),
/// reading only what the check may look at: a gzip stream up to one byte
/// past the loader's compressed-size limit (so that the loader refuses
/// anything larger), anything else up to the image check's limit (a larger
/// file is rejected on its size, unread). `Err` only when the file cannot
/// be read.
fn check_file(path: &str, policy: &Policy) -> Result<UploadCheck, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let len = f.metadata().map_err(|e| format!("{path}: {e}"))?.len();
    let mut bytes = Vec::new();
    (&f).take(2)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{path}: {e}"))?;
    let limit = if bytes == [0x1f, 0x8b] {
        policy.load_options.max_compressed_size.saturating_add(1)
    } else if len > MAX_IMAGE_ARCHIVE_BYTES {
        // Not read at all: the image check's own rule, decided on the size.
        let mut report = Report::default();
        report.push(Finding::new(
            "image.archive-too-large",
            Severity::Error,
            format!("the archive is {len} bytes, more than {MAX_IMAGE_ARCHIVE_BYTES}"),
        ));
        return Ok(UploadCheck {
            report,
            images: Some(Vec::new()),
        });
    } else {
        MAX_IMAGE_ARCHIVE_BYTES.saturating_add(2)
    };
    (&f).take(limit.saturating_sub(2))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{path}: {e}"))?;
    Ok(check_upload(&bytes, Some(path), policy))
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
