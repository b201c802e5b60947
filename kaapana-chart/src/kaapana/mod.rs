//! The Kaapana layer: what makes this engine Kaapana's and not just another
//! Helm.
//!
//! Kaapana (a medical-imaging platform on Kubernetes) ships every service,
//! workflow and app as a Helm chart rooted in `kaapana-admin-chart`. Its
//! charts name their dependencies without a repository; its build resolves
//! them by chart name over the whole source tree, and its backend turns the
//! `extension_params` a chart declares into `global.<key>` values.
//!
//! Resolving the tree: [`SourceTree::scan`] indexes a source tree by chart
//! name, [`SourceTree::resolve`] assembles a chart with its dependencies in
//! memory (what the engine renders), [`SourceTree::tree`] shows it, and
//! [`package_chart`] writes reproducible `helm package` archives.

pub mod params;
pub mod release;

mod ignore;
mod package;
mod source;

pub use package::{archive_name, digest, package_chart, ARCHIVE_MTIME};
pub use source::{
    BuildOptions, DeploymentConfig, ScanOptions, SourceChart, SourceDependency, SourceTree,
    TreeNode, BUILD_VERSION_PLACEHOLDER, DEPLOYMENT_CONFIG, MAX_CHART_COPIES, MAX_META_FILE_SIZE,
    MAX_SCAN_DEPTH, MAX_SCAN_ENTRIES, MAX_TREE_DEPTH,
};
