//! `kaapana-chart tree SRC...`: the chart tree Kaapana's build would
//! assemble from a source tree, in the box-drawing style of Kaapana's
//! documentation or as JSON. Also the source options `build` and
//! `template --source` share.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kaapana_chart::chart::Chart;
use kaapana_chart::kaapana::{BuildOptions, ScanOptions, SourceTree, BUILD_VERSION_PLACEHOLDER};
use kaapana_chart::Error;

/// Where the charts come from and what the build injects.
#[derive(Args)]
pub struct SourceArgs {
    /// Source roots (folders searched for Chart.yaml, by chart name).
    #[arg(value_name = "SRC", required = true, num_args = 1..)]
    pub sources: Vec<PathBuf>,
    /// The chart at the root of the tree.
    #[arg(long, default_value = "kaapana-admin-chart")]
    pub root: String,
    #[command(flatten)]
    pub build: BuildArgs,
}

/// The build's version and metadata, and the ignore patterns.
#[derive(Args)]
pub struct BuildArgs {
    /// The build version (what `0.0.0` and empty versions mean; every
    /// chart's version in the build).
    #[arg(long, default_value = BUILD_VERSION_PLACEHOLDER)]
    pub version: String,
    /// global.platform_build_branch.
    #[arg(long, default_value = "")]
    pub branch: String,
    /// global.platform_last_commit_timestamp.
    #[arg(long = "commit-timestamp", default_value = "")]
    pub commit_timestamp: String,
    /// global.build_timestamp (never the clock: builds are reproducible).
    #[arg(long = "build-timestamp", default_value = "")]
    pub build_timestamp: String,
    /// Skip chart folders matching this glob over whole path components
    /// (repeatable), e.g. `tests`, `*-wip`, `services/flow`.
    #[arg(long = "ignore", value_name = "PATTERN")]
    pub ignore: Vec<String>,
}

impl BuildArgs {
    /// Scans `sources` and returns the tree and the build options.
    pub fn scan(&self, sources: &[PathBuf]) -> Result<(SourceTree, BuildOptions), Error> {
        let scan = ScanOptions {
            ignore: self.ignore.clone(),
            ..ScanOptions::default()
        };
        let tree = SourceTree::scan(sources, &scan)?;
        let mut opts = BuildOptions::new(self.version.clone());
        opts.branch.clone_from(&self.branch);
        opts.last_commit_timestamp
            .clone_from(&self.commit_timestamp);
        opts.build_timestamp.clone_from(&self.build_timestamp);
        Ok((tree, opts))
    }
}

/// Output formats of `tree`.
#[derive(Clone, Copy, ValueEnum)]
pub enum TreeOutput {
    /// Box-drawing text.
    Text,
    /// JSON (name, version, dir, condition, enabled, library, children).
    Json,
}

/// `kaapana-chart tree`'s arguments.
#[derive(Args)]
pub struct TreeArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TreeOutput::Text)]
    pub output: TreeOutput,
}

/// Prints the tree.
pub fn run(args: &TreeArgs) -> Result<String, Error> {
    let (tree, opts) = args.source.build.scan(&args.source.sources)?;
    let node = tree.tree(&args.source.root, &opts)?;
    Ok(match args.output {
        TreeOutput::Text => node.to_text(),
        TreeOutput::Json => format!("{}\n", node.to_json()),
    })
}

/// `template --source SRC CHART`: CHART resolved by name from the source
/// roots, in memory.
pub fn resolve_source(sources: &[String], root: &str, version: &str) -> Result<Chart, Error> {
    let roots: Vec<PathBuf> = sources.iter().map(PathBuf::from).collect();
    let tree = SourceTree::scan(&roots, &ScanOptions::default())?;
    tree.resolve(root, &BuildOptions::new(version))
}
