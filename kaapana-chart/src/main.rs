//! The `kaapana-chart` command line: `helm template` without Helm.
//!
//! Exit codes: 0 success; 1 the chart could not be loaded or rendered (the
//! error is printed on stderr: Helm's message first, then the source line
//! with a caret), or `check-upload` rejected the upload; 2 the command line
//! was wrong; 3 an internal error (a bug: one `Error: internal error …`
//! line, never a Rust panic message or backtrace).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};

// A render allocates and frees many small maps and strings; mimalloc does
// that about 13% faster than glibc's malloc (benches/compare-helm measures
// both). Only the program chooses: the library leaves it to its embedder.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use kaapana_chart::capabilities::Capabilities;
use kaapana_chart::chart::coalesce::ValueOptions;
use kaapana_chart::chart::{loader, Chart};
use kaapana_chart::{values_from_yaml, Engine, Error, ErrorKind, Release, TemplateFile, Value};

#[path = "cli/build.rs"]
mod build;
#[path = "cli/check_upload.rs"]
mod check_upload;
#[path = "cli/params.rs"]
mod params;
#[path = "cli/tree.rs"]
mod tree;

#[derive(Parser)]
#[command(
    name = "kaapana-chart",
    version,
    about = "A pure-Rust Helm chart engine: renders charts byte for byte as Helm 4.2 does",
    after_help = "Exit codes: 0 success, 1 the chart could not be loaded or rendered (or an upload was rejected), 2 usage error, 3 internal error (a bug; please report it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a chart and print it as `helm template` does.
    ///
    /// `kaapana-chart template [NAME] CHART`: CHART is a chart folder or a
    /// `.tgz` archive; NAME defaults to `release-name`.
    Template {
        /// `[NAME] CHART`.
        #[arg(value_name = "[NAME] CHART", num_args = 1..=2, required = true)]
        args: Vec<String>,
        #[command(flatten)]
        opts: RenderArgs,
        #[command(flatten)]
        stream: StreamArgs,
        /// Generate the release name (and omit the NAME parameter).
        #[arg(short = 'g', long = "generate-name")]
        generate_name: bool,
        /// Specify template used to name the release.
        #[arg(long = "name-template", value_name = "TEMPLATE")]
        name_template: Option<String>,
    },
    /// Render a chart and print each template's output as JSON:
    /// `{"manifests": {"<path>": "<text>", ...}}`, the shape `helm-oracle
    /// render` prints; an error prints `{"error": "..."}` and exits 1.
    Render {
        /// A chart folder or `.tgz` archive.
        chart: String,
        #[command(flatten)]
        opts: RenderArgs,
        /// The release name.
        #[arg(long, default_value = "release-name")]
        name: String,
        /// The release revision.
        #[arg(long, default_value_t = 1)]
        revision: i64,
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = Output::Json)]
        output: Output,
    },
    /// List the `extension_params` a Kaapana extension chart declares.
    Params {
        /// A chart folder or `.tgz` archive.
        chart: String,
        /// Output format.
        #[arg(short, long, value_enum, default_value = "table")]
        output: params::ParamsOutput,
    },
    /// Render a template fixture (values, a line `---`, the template) as
    /// Helm would, and print the output.
    RenderFixture {
        /// The fixture file (see fixtures/README.md).
        case: String,
    },
    /// Check an uploaded chart archive as Kaapana should before installing
    /// it: exit 0 accepted, 1 rejected (with a report), 2 usage error, 3
    /// internal error.
    CheckUpload(check_upload::CheckUploadArgs),
    /// Print the chart tree Kaapana's build assembles from a source tree
    /// (charts found by the name in their Chart.yaml, dependencies resolved
    /// by name); subcharts their condition turns off are marked.
    Tree(tree::TreeArgs),
    /// Assemble a Kaapana source tree as Kaapana's build does: the root
    /// chart and its collections as folders and reproducible `.tgz`
    /// archives in --out; prints each archive's `sha256:<hex>`.
    Build(build::BuildCmdArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    /// `{"manifests": {...}}`, keys sorted.
    Json,
}

/// The flags `helm template` shares with `helm install`.
#[derive(Args)]
struct RenderArgs {
    /// Specify values in a YAML file (can specify multiple).
    #[arg(
        short = 'f',
        long = "values",
        value_delimiter = ',',
        value_name = "FILE"
    )]
    values: Vec<String>,
    /// Set values on the command line (can specify multiple or separate
    /// values with commas: key1=val1,key2=val2).
    #[arg(long = "set", value_name = "EXPR")]
    set: Vec<String>,
    /// Set STRING values on the command line.
    #[arg(long = "set-string", value_name = "EXPR")]
    set_string: Vec<String>,
    /// Set JSON values on the command line.
    #[arg(long = "set-json", value_name = "EXPR")]
    set_json: Vec<String>,
    /// Set a literal STRING value on the command line.
    #[arg(long = "set-literal", value_name = "EXPR")]
    set_literal: Vec<String>,
    /// Set values from respective files (key1=path1,key2=path2).
    #[arg(long = "set-file", value_name = "EXPR")]
    set_file: Vec<String>,
    /// Namespace scope for this request.
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// Kubernetes version used for Capabilities.KubeVersion.
    #[arg(long = "kube-version", value_name = "VERSION")]
    kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions (can
    /// specify multiple, or separate with commas).
    #[arg(
        short = 'a',
        long = "api-versions",
        value_delimiter = ',',
        value_name = "VERSION"
    )]
    api_versions: Vec<String>,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall.
    #[arg(long = "is-upgrade")]
    is_upgrade: bool,
    /// Fail on a missing map key (Go's missingkey=error).
    #[arg(long)]
    strict: bool,
    /// Enable DNS lookups when rendering templates (getHostByName).
    #[arg(long = "enable-dns")]
    enable_dns: bool,
    /// Disable the values.schema.json validation.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Set a Kaapana extension parameter (`extension_params`) as the UI
    /// would: becomes `global.KEY` (can specify multiple).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    param: Vec<String>,
    /// The platform's globals (YAML or JSON: `helm get values --all` of the
    /// admin release, or the globals map), layered under the parameters.
    #[arg(long = "globals", value_name = "FILE")]
    globals: Option<String>,
    /// Print load and render times on stderr.
    #[arg(long)]
    timings: bool,
    /// Reproducible output (not in Helm): seed every random function
    /// (randAlphaNum, uuidv4, shuffle, genPrivateKey, …) with N and fix the
    /// clock of `now` and the date functions at --now.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// With --seed: the fixed time, RFC 3339 (default: the Unix epoch).
    #[arg(long, value_name = "TIME", requires = "seed", value_parser = parse_now)]
    now: Option<std::time::SystemTime>,
    /// Resolve CHART by name from this Kaapana source tree (repeatable), in
    /// memory, as `kaapana-chart build` assembles it.
    #[arg(long = "source", value_name = "SRC")]
    source: Vec<String>,
    /// The build version for --source.
    #[arg(
        long = "source-version",
        value_name = "VERSION",
        default_value = "0.0.0"
    )]
    source_version: String,
}

/// `helm template`'s output flags.
#[derive(Args)]
struct StreamArgs {
    /// Include CRDs in the templated output.
    #[arg(long = "include-crds")]
    include_crds: bool,
    /// Only show manifests rendered from the given templates (can specify
    /// multiple).
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    show_only: Vec<String>,
    /// Skip tests from templated output.
    #[arg(long = "skip-tests")]
    skip_tests: bool,
    /// Prevent hooks from running during install (no hooks in the output).
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Hide Kubernetes Secrets in the output.
    #[arg(long = "hide-secret")]
    hide_secret: bool,
}

/// Exit code of an internal error: a bug in kaapana-chart (a panic), never
/// a property of the input. 0 is success, 1 a chart or input that fails
/// (or an upload that is rejected), 2 a usage error.
const EXIT_INTERNAL: u8 = 3;

/// Set (to anything) to make the command panic on purpose: the tests use it
/// to check that a bug still ends with a one-line message and
/// [`EXIT_INTERNAL`], not Rust's panic text and a backtrace hint.
const PANIC_TEST_ENV: &str = "KAAPANA_CHART_CLI_PANIC_TEST";

fn main() -> ExitCode {
    // Users and backends read stderr: a bug must print one clear line, not
    // "thread 'main' panicked at …, run with RUST_BACKTRACE=1".
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "Error: internal error in kaapana-chart (a bug, please report it with the input): {what}{at}"
        );
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(EXIT_INTERNAL),
    }
}

fn run() -> ExitCode {
    if std::env::var_os(PANIC_TEST_ENV).is_some() {
        #[allow(clippy::panic)]
        {
            panic!("{PANIC_TEST_ENV} is set");
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Template {
            args,
            opts,
            stream,
            generate_name,
            name_template,
        } => {
            let named = match release_name(&args, generate_name, name_template.as_deref()) {
                Ok(named) => named,
                Err(e) => {
                    eprintln!("Error: {e:#}");
                    return ExitCode::from(1);
                }
            };
            let (name, chart) = named;
            match template(&name, &chart, &opts, &stream) {
                Ok(text) => write_stdout(&text),
                Err(e) => {
                    eprintln!("Error: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Render {
            chart,
            opts,
            name,
            revision,
            output: Output::Json,
        } => match render(&name, revision, &chart, &opts) {
            Ok(files) => write_stdout(&kaapana_chart::manifest::manifests_json(&files)),
            Err(e) => {
                let _ = write_stdout(&kaapana_chart::manifest::error_json(&e.to_string()));
                eprintln!("Error: {e:#}");
                ExitCode::from(1)
            }
        },
        Command::RenderFixture { case } => render_fixture(&case),
        Command::CheckUpload(args) => check_upload::run(&args),
        Command::Params { chart, output } => print_or_fail(params::run(&chart, output)),
        Command::Tree(args) => print_or_fail(tree::run(&args)),
        Command::Build(args) => print_or_fail(build::run(&args)),
    }
}

/// Prints a command's output, or its error with exit code 1.
fn print_or_fail(result: Result<String, Error>) -> ExitCode {
    match result {
        Ok(text) => write_stdout(&text),
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Writes the result; a closed pipe (`| head`) ends the program quietly
/// instead of panicking as `print!` would.
fn write_stdout(text: &str) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: writing the output: {e}");
            ExitCode::from(1)
        }
    }
}

/// `helm template`'s `nameAndChart`: the release name and the chart from
/// the arguments, `--generate-name` or `--name-template`.
fn release_name(
    args: &[String],
    generate: bool,
    name_template: Option<&str>,
) -> Result<(String, String), Error> {
    let usage = |msg: &str| Error::new(ErrorKind::InvalidArgument, msg.to_owned());
    let chart_only = |args: &[String]| match args {
        [chart] => Ok(chart.clone()),
        _ => Err(usage("expected at most one argument, unexpected arguments")),
    };
    if let Some(t) = name_template {
        let chart = chart_only(args)?;
        // Helm executes it with Sprig's functions and no data.
        let mut set = kaapana_chart::TemplateSet::new(Default::default());
        set.add("name-template", t)?;
        return Ok((set.execute("name-template", &Value::Nil)?, chart));
    }
    if generate {
        let chart = chart_only(args)?;
        let base = Path::new(&chart)
            .file_name()
            .map(|b| b.to_string_lossy().into_owned())
            .filter(|b| !b.is_empty() && b != ".")
            .unwrap_or_else(|| "chart".to_owned());
        let base = base.split('.').next().unwrap_or("chart").to_owned();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Ok((format!("{base}-{now}"), chart));
    }
    match args {
        [chart] => Ok(("release-name".to_owned(), chart.clone())),
        [name, chart] => Ok((name.clone(), chart.clone())),
        _ => Err(usage("expected [NAME] CHART")),
    }
}

/// Times of the phases, for `--timings`.
struct Timings {
    start: Instant,
    marks: Vec<(&'static str, Duration)>,
    on: bool,
}

impl Timings {
    fn new(on: bool) -> Timings {
        Timings {
            start: Instant::now(),
            marks: Vec::new(),
            on,
        }
    }

    fn mark(&mut self, what: &'static str) {
        self.marks.push((what, self.start.elapsed()));
    }

    fn print(&self) {
        if !self.on {
            return;
        }
        let mut last = Duration::ZERO;
        for (what, at) in &self.marks {
            eprintln!(
                "timing: {what:<8} {:>10.3} ms",
                (*at - last).as_secs_f64() * 1e3
            );
            last = *at;
        }
        eprintln!(
            "timing: {:<8} {:>10.3} ms",
            "total",
            last.as_secs_f64() * 1e3
        );
    }
}

fn load_chart(path: &str, opts: &RenderArgs) -> Result<Chart, Error> {
    if !opts.source.is_empty() {
        return tree::resolve_source(&opts.source, path, &opts.source_version);
    }
    loader::load(Path::new(path))
}

/// The user's values from the flags, in Helm's order.
fn user_values(opts: &RenderArgs) -> Result<Value, Error> {
    let mut files = Vec::new();
    for path in &opts.values {
        let bytes = read_input(path)?;
        let text = String::from_utf8_lossy(&bytes);
        let v = values_from_yaml(&text).map_err(|e| {
            Error::new(
                ErrorKind::Yaml,
                format!("failed to parse {path}: {}", e.message()),
            )
        })?;
        files.push(v);
    }
    let options = ValueOptions {
        value_files: files,
        json_values: opts.set_json.clone(),
        values: opts.set.clone(),
        string_values: opts.set_string.clone(),
        file_values: opts.set_file.clone(),
        literal_values: opts.set_literal.clone(),
    };
    options.merge(&|path| {
        let bytes = read_input(path)?;
        Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
    })
}

/// Reads a values file the way Helm's `readFile` does: `-` is stdin; URLs
/// would need the network, which this tool never uses.
fn read_input(path: &str) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::new(ErrorKind::Io, format!("read -: {e}")))?;
        return Ok(buf);
    }
    if path.contains("://") {
        return Err(Error::new(
            ErrorKind::Io,
            format!("{path}: remote values files are not supported (no network access)"),
        ));
    }
    std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        };
        Error::new(ErrorKind::Io, format!("open {path}: {why}"))
    })
}

fn engine(opts: &RenderArgs) -> Result<Engine, Error> {
    let mut caps = Capabilities::default();
    if let Some(v) = &opts.kube_version {
        caps = caps.with_kube_version(v)?;
    }
    if !opts.api_versions.is_empty() {
        caps = caps.with_api_versions(opts.api_versions.iter().cloned());
    }
    let engine = Engine::new()
        .with_strict(opts.strict)
        .with_dns(opts.enable_dns)
        .with_schema_validation(!opts.skip_schema_validation)
        .with_capabilities(caps);
    Ok(match opts.seed {
        Some(seed) => engine.with_deterministic(seed, opts.now.unwrap_or(std::time::UNIX_EPOCH)),
        None => engine,
    })
}

/// `--now`: an RFC 3339 instant such as `2024-05-06T07:08:09Z`.
fn parse_now(text: &str) -> Result<std::time::SystemTime, String> {
    let ts: jiff::Timestamp = text
        .parse()
        .map_err(|e| format!("not an RFC 3339 time ({e})"))?;
    Ok(ts.into())
}

fn release(name: &str, revision: i64, opts: &RenderArgs) -> Release {
    Release {
        name: name.to_owned(),
        namespace: opts.namespace.clone(),
        revision,
        is_install: !opts.is_upgrade,
        is_upgrade: opts.is_upgrade,
        ..Release::default()
    }
}

fn render(
    name: &str,
    revision: i64,
    chart: &str,
    opts: &RenderArgs,
) -> Result<BTreeMap<String, String>, Error> {
    let mut t = Timings::new(opts.timings);
    let engine = engine(opts)?;
    let user = user_values(opts)?;
    let chart = load_chart(chart, opts)?;
    let user = params::with_params(&chart, &opts.param, opts.globals.as_deref(), user)?;
    t.mark("load");
    let out = engine.render_chart(&chart, &user, &release(name, revision, opts))?;
    t.mark("render");
    t.print();
    Ok(out.files)
}

fn template(
    name: &str,
    chart: &str,
    opts: &RenderArgs,
    stream: &StreamArgs,
) -> Result<String, Error> {
    let mut t = Timings::new(opts.timings);
    let engine = engine(opts)?;
    let user = user_values(opts)?;
    let chart = load_chart(chart, opts)?;
    let user = params::with_params(&chart, &opts.param, opts.globals.as_deref(), user)?;
    t.mark("load");
    let text = engine.template_chart(
        &chart,
        &user,
        &release(name, 1, opts),
        &kaapana_chart::manifest::TemplateOptions {
            include_crds: stream.include_crds,
            skip_tests: stream.skip_tests,
            no_hooks: stream.no_hooks,
            show_only: stream.show_only.clone(),
            hide_secret: stream.hide_secret,
        },
    )?;
    t.mark("render");
    t.print();
    Ok(text)
}

/// A fixture file: `#! ` header lines, values YAML, a `---` line, the
/// template (see fixtures/README.md).
fn render_fixture(path: &str) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("Error: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut strict = false;
    let mut rest = text.as_str();
    while let Some(line) = rest.strip_prefix("#! ") {
        let (head, tail) = line.split_once('\n').unwrap_or((line, ""));
        if head.trim() == "strict" {
            strict = true;
        }
        rest = tail;
    }
    let (values_text, template) = if let Some(t) = rest.strip_prefix("---\n") {
        ("", t)
    } else {
        match rest.split_once("\n---\n") {
            Some((v, t)) => (v, t),
            None => {
                eprintln!("Error: {path}: no '---' line separates the values from the template");
                return ExitCode::from(2);
            }
        }
    };
    let values = match values_from_yaml(values_text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("Error: {path}: values: {e:#}");
            return ExitCode::from(1);
        }
    };
    let root = Value::from_iter([("Values", values)]);
    let files = [TemplateFile::new(
        "fixture/templates/case.tpl",
        template,
        "fixture/templates",
    )];
    match Engine::new()
        .with_strict(strict)
        .render_templates(&files, &root)
    {
        Ok(out) => write_stdout(
            out.get("fixture/templates/case.tpl")
                .map_or("", String::as_str),
        ),
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}
