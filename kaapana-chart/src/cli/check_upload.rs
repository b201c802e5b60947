//! `kaapana-chart check-upload FILE`: the upload safety check from the
//! command line. Reads the file, decides by its content what it is (a gzip
//! stream is a chart archive; anything else is checked as one too and so
//! refused as `archive.not-gzip`), prints the report and exits 0 (accepted),
//! 1 (rejected) or 2 (usage: bad flags, unreadable file or globals).
//! Nothing is written anywhere but stdout and stderr.

use std::io::Read;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kaapana_chart::upload::{check_chart_archive, Policy, Verdict};
use kaapana_chart::{values_from_yaml, Value};

/// The largest upload read (1 GiB): the chart loader refuses archives over
/// 20 MiB itself; this bounds what is read into memory at all.
pub const MAX_UPLOAD_FILE: u64 = 1024 * 1024 * 1024;

/// The largest `--globals` file (1 MiB).
pub const MAX_GLOBALS_FILE: u64 = 1024 * 1024;

/// `check-upload`'s flags.
#[derive(Args)]
pub struct CheckUploadArgs {
    /// The uploaded file: a chart `.tgz`.
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
    let bytes = match read_limited(&args.file, MAX_UPLOAD_FILE) {
        Ok(b) => b,
        Err(msg) => {
            eprintln!("Error: {msg}");
            return ExitCode::from(2);
        }
    };
    let report = check_chart_archive(&bytes, &policy);
    let text = match args.output {
        ReportFormat::Text => report.to_text(),
        ReportFormat::Json => report.to_json(),
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
