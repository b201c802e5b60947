//! Resolving Kaapana's chart tree from a source tree, as Kaapana's build
//! does (reference: `kaapana.md` §1), without Python and without Helm.
//!
//! Kaapana's charts name their dependencies without a repository; the build
//! finds every `Chart.yaml` under the source roots, indexes the charts by
//! the `name` they declare, and nests a copy of each dependency under each
//! parent (`charts/<name>/`), rewriting `Chart.yaml`'s version to the build
//! version, dropping `repository:` lines from `requirements.yaml` and adding
//! the build's globals to the platform chart's `values.yaml`. Conditions stay
//! in the files: Helm evaluates them at render time.
//!
//! Where Kaapana's script is silent this module is strict: two charts with
//! the same name, a dependency that is missing, a declared version that the
//! chart found does not have, and cycles are errors naming what clashed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ignore::Pattern;
use crate::chart::dependencies::process_dependencies;
use crate::chart::loader::{self, LoadOptions};
use crate::chart::{Chart, File};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{values_from_yaml, Map, Value};

/// Folder levels the scan descends below a root.
pub const MAX_SCAN_DEPTH: usize = 32;
/// Folder entries the scan looks at, all roots together.
pub const MAX_SCAN_ENTRIES: usize = 200_000;
/// Bytes of one `Chart.yaml`, `requirements.yaml` or
/// `deployment_config.yaml` read by the scan.
pub const MAX_META_FILE_SIZE: u64 = 1024 * 1024;
/// Chart copies in one assembled tree (Kaapana's platform chart has 58; a
/// diamond-shaped source tree could otherwise multiply copies
/// exponentially).
pub const MAX_CHART_COPIES: usize = 2_000;
/// Nesting of the assembled tree: the loader's own subchart limit, so that
/// whatever is assembled can be loaded.
pub const MAX_TREE_DEPTH: usize = loader::MAX_SUBCHART_DEPTH;
/// The version a source chart or dependency declares to mean "the build
/// version" (an empty version means the same).
pub const BUILD_VERSION_PLACEHOLDER: &str = "0.0.0";
/// The file next to a platform chart that lists its collections and
/// preinstalled extensions.
pub const DEPLOYMENT_CONFIG: &str = "deployment_config.yaml";

/// How to scan source roots.
///
/// ```
/// use kaapana_chart::kaapana::ScanOptions;
///
/// let opts = ScanOptions { ignore: vec!["tests".into(), "*-wip".into()], ..ScanOptions::default() };
/// assert_eq!(opts.max_depth, kaapana_chart::kaapana::MAX_SCAN_DEPTH);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Ignore patterns: globs over whole path components of the path
    /// relative to a root (`tests`, `*-wip`, `services/flow`, `/anchored`),
    /// never substrings. A chart whose folder matches is not indexed.
    pub ignore: Vec<String>,
    /// Folder levels below a root ([`MAX_SCAN_DEPTH`]).
    pub max_depth: usize,
    /// Folder entries, all roots together ([`MAX_SCAN_ENTRIES`]).
    pub max_entries: usize,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            ignore: Vec::new(),
            max_depth: MAX_SCAN_DEPTH,
            max_entries: MAX_SCAN_ENTRIES,
        }
    }
}

/// What a build injects: the build version and the build metadata the
/// platform chart's `global` values receive.
///
/// ```
/// use kaapana_chart::kaapana::BuildOptions;
///
/// let opts = BuildOptions::new("0.6.0");
/// assert_eq!(opts.version, "0.6.0");
/// assert_eq!(opts.build_timestamp, "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The build version: every chart's `Chart.yaml` version, what `0.0.0`
    /// and empty versions mean, `global.kaapana_build_version`.
    pub version: String,
    /// `global.platform_build_branch`.
    pub branch: String,
    /// `global.platform_last_commit_timestamp`.
    pub last_commit_timestamp: String,
    /// `global.build_timestamp`. Not the clock: builds are reproducible.
    pub build_timestamp: String,
    /// Chart copies in one tree ([`MAX_CHART_COPIES`]).
    pub max_copies: usize,
    /// Limits for reading each chart folder.
    pub load: LoadOptions,
}

impl BuildOptions {
    /// Options for build version `version`, empty metadata.
    pub fn new(version: impl Into<String>) -> BuildOptions {
        BuildOptions {
            version: version.into(),
            branch: String::new(),
            last_commit_timestamp: String::new(),
            build_timestamp: String::new(),
            max_copies: MAX_CHART_COPIES,
            load: LoadOptions::default(),
        }
    }
}

/// A dependency as a source chart declares it (`Chart.yaml` or
/// `requirements.yaml`); its `repository` is ignored.
///
/// ```
/// use kaapana_chart::kaapana::SourceDependency;
///
/// let d = SourceDependency { name: "lib".into(), version: "0.0.0".into(), condition: None };
/// assert_eq!(d.name, "lib");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDependency {
    /// The chart name it asks for.
    pub name: String,
    /// The declared version (`0.0.0` or empty: the build version).
    pub version: String,
    /// The declared `condition`, if any (kept for render time).
    pub condition: Option<String>,
}

/// A chart found by the scan (see [`SourceTree::charts`] for an example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceChart {
    /// `name` from its `Chart.yaml`.
    pub name: String,
    /// `version` from its `Chart.yaml` as written (`0.0.0` or empty: the
    /// build version).
    pub version: String,
    /// Its folder.
    pub dir: PathBuf,
    /// Its dependencies: `Chart.yaml`'s, then `requirements.yaml`'s, each
    /// name once.
    pub dependencies: Vec<SourceDependency>,
    /// Kaapana's `kaapana_type`, if set.
    pub kaapana_type: Option<String>,
}

impl SourceChart {
    /// The version this chart has in a build of version `build`.
    ///
    /// ```
    /// # use kaapana_chart::kaapana::SourceChart;
    /// let c = SourceChart { name: "a".into(), version: "0.0.0".into(), dir: "a".into(),
    ///                       dependencies: vec![], kaapana_type: None };
    /// assert_eq!(c.resolved_version("0.6.0"), "0.6.0");
    /// ```
    pub fn resolved_version<'a>(&'a self, build: &'a str) -> &'a str {
        effective(&self.version, build)
    }
}

fn effective<'a>(declared: &'a str, build: &'a str) -> &'a str {
    if declared.is_empty() || declared == BUILD_VERSION_PLACEHOLDER {
        build
    } else {
        declared
    }
}

/// A platform's `deployment_config.yaml`: the collections built with it and
/// the extensions installed with it, by chart name (see
/// [`SourceTree::deployment_config`] for an example).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentConfig {
    /// `kaapana_collections[].name`.
    pub collections: Vec<String>,
    /// `preinstall_extensions[].name`.
    pub preinstall: Vec<String>,
}

/// One node of the resolved tree: what `kaapana-chart tree` prints (see
/// [`TreeNode::to_text`] for an example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The chart name.
    pub name: String,
    /// Its version in this build (every chart of a build has the build
    /// version, as Kaapana's build rewrites them).
    pub version: String,
    /// Its source folder.
    pub dir: PathBuf,
    /// The condition its parent declares for it.
    pub condition: Option<String>,
    /// Whether Helm renders it with the charts' own values (its condition,
    /// and every ancestor's, holds).
    pub enabled: bool,
    /// `type: library`.
    pub library: bool,
    /// Its dependencies, in declaration order.
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    /// The tree in the box-drawing style of Kaapana's documentation
    /// (`├──`, `└──`, `│   `). A subchart its condition turns off is
    /// marked `(disabled: <condition>)`; its own subtree is listed under it.
    ///
    /// ```
    /// use kaapana_chart::kaapana::TreeNode;
    ///
    /// let leaf = |n: &str| TreeNode { name: n.into(), version: "1".into(), dir: n.into(),
    ///     condition: None, enabled: true, library: false, children: vec![] };
    /// let mut root = leaf("root");
    /// root.children = vec![leaf("a"), leaf("b")];
    /// root.children[0].children = vec![leaf("c")];
    /// assert_eq!(root.to_text(), "root\n├── a\n│   └── c\n└── b\n");
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.name);
        out.push('\n');
        self.children_text(&mut out, "", true);
        out
    }

    fn children_text(&self, out: &mut String, prefix: &str, parent_enabled: bool) {
        let n = self.children.len();
        for (i, child) in self.children.iter().enumerate() {
            let last = i + 1 == n;
            let _ = write!(
                out,
                "{prefix}{}{}",
                if last { "└── " } else { "├── " },
                child.name
            );
            if parent_enabled && self.enabled && !child.enabled {
                let cond = child.condition.as_deref().unwrap_or("");
                let _ = write!(out, " (disabled: {cond})");
            }
            out.push('\n');
            let next = format!("{prefix}{}", if last { "    " } else { "│   " });
            child.children_text(out, &next, parent_enabled && self.enabled);
        }
    }

    /// The tree as JSON: `{"name", "version", "dir", "condition",
    /// "enabled", "library", "children": [...]}`.
    ///
    /// ```
    /// use kaapana_chart::kaapana::TreeNode;
    ///
    /// let root = TreeNode { name: "a".into(), version: "1".into(), dir: "src/a".into(),
    ///     condition: None, enabled: true, library: false, children: vec![] };
    /// assert!(root.to_json().contains("\"name\": \"a\""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.json_value()).unwrap_or_default()
    }

    fn json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "version": self.version,
            "dir": self.dir.to_string_lossy(),
            "condition": self.condition,
            "enabled": self.enabled,
            "library": self.library,
            "children": self.children.iter().map(TreeNode::json_value).collect::<Vec<_>>(),
        })
    }

    /// Every `(parent, child)` name pair of the tree, depth first.
    ///
    /// ```
    /// use kaapana_chart::kaapana::TreeNode;
    ///
    /// let leaf = |n: &str| TreeNode { name: n.into(), version: "1".into(), dir: n.into(),
    ///     condition: None, enabled: true, library: false, children: vec![] };
    /// let mut root = leaf("r");
    /// root.children.push(leaf("a"));
    /// assert_eq!(root.relations(), [("r".to_string(), "a".to_string())]);
    /// ```
    pub fn relations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            for child in &node.children {
                out.push((node.name.clone(), child.name.clone()));
            }
            stack.extend(node.children.iter().rev());
        }
        out
    }
}

/// The charts of a Kaapana-style source tree, indexed by name.
///
/// ```
/// use kaapana_chart::kaapana::{BuildOptions, ScanOptions, SourceTree};
///
/// let src = std::env::temp_dir().join(format!("kc-doc-{}", std::process::id()));
/// let dir = |p: &str| { std::fs::create_dir_all(src.join(p)).unwrap(); src.join(p) };
/// std::fs::write(dir("app").join("Chart.yaml"),
///     "apiVersion: v1\nname: app\nversion: 0.0.0\n").unwrap();
/// std::fs::write(dir("app").join("requirements.yaml"),
///     "dependencies:\n- name: lib\n  version: 0.0.0\n  repository: file://../lib\n").unwrap();
/// std::fs::write(dir("lib/x").join("Chart.yaml"),
///     "apiVersion: v2\nname: lib\nversion: 0.0.0\ntype: library\n").unwrap();
///
/// let tree = SourceTree::scan(&[&src], &ScanOptions::default()).unwrap();
/// let chart = tree.resolve("app", &BuildOptions::new("1.2.3")).unwrap();
/// assert_eq!(chart.metadata.version, "1.2.3");
/// assert_eq!(chart.dependencies[0].metadata.name, "lib");
/// assert_eq!(tree.tree("app", &BuildOptions::new("1.2.3")).unwrap().to_text(), "app\n└── lib\n");
/// std::fs::remove_dir_all(&src).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SourceTree {
    charts: BTreeMap<String, SourceChart>,
}

impl SourceTree {
    /// Finds every `Chart.yaml` under `roots` (folders walked in byte order,
    /// links not followed, folders matching an ignore pattern skipped) and
    /// indexes the charts by their declared name.
    ///
    /// # Errors
    ///
    /// An unreadable root or file, a `Chart.yaml` without a usable `name`,
    /// two charts with the same name (both paths named), a dependency
    /// declared twice with different versions, or a scan limit.
    pub fn scan<P: AsRef<Path>>(roots: &[P], opts: &ScanOptions) -> Result<SourceTree> {
        let patterns: Vec<Pattern> = opts
            .ignore
            .iter()
            .filter_map(|p| Pattern::parse(p))
            .collect();
        let mut found = Vec::new();
        let mut entries = 0usize;
        for root in roots {
            let root = root.as_ref();
            let meta = fs::metadata(root).map_err(|e| io_error(root, &e))?;
            if !meta.is_dir() {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("source root {} is not a folder", root.display()),
                ));
            }
            walk(
                root,
                &mut Vec::new(),
                &patterns,
                opts,
                &mut entries,
                &mut found,
            )?;
        }
        let mut charts: BTreeMap<String, SourceChart> = BTreeMap::new();
        // Roots may overlap (`src` and `src/services`): a folder found
        // twice is one chart, not a duplicate.
        let mut seen = std::collections::HashSet::new();
        for dir in found {
            let canonical = fs::canonicalize(&dir).map_err(|e| io_error(&dir, &e))?;
            if !seen.insert(canonical) {
                continue;
            }
            let chart = read_source_chart(&dir)?;
            if let Some(other) = charts.get(&chart.name) {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "two charts are named {:?}: {} and {}",
                        chart.name,
                        other.dir.display(),
                        chart.dir.display()
                    ),
                ));
            }
            charts.insert(chart.name.clone(), chart);
        }
        Ok(SourceTree { charts })
    }

    /// Every chart found, in name order.
    ///
    /// ```
    /// # use kaapana_chart::kaapana::{ScanOptions, SourceTree};
    /// # let src = std::env::temp_dir().join(format!("kc-doc-all-{}", std::process::id()));
    /// # for (d, n) in [("x", "b"), ("y", "a")] {
    /// #     std::fs::create_dir_all(src.join(d)).unwrap();
    /// #     std::fs::write(src.join(d).join("Chart.yaml"), format!("name: {n}\nversion: 1.0.0\n")).unwrap();
    /// # }
    /// let tree = SourceTree::scan(&[&src], &ScanOptions::default()).unwrap();
    /// let names: Vec<&str> = tree.charts().map(|c| c.name.as_str()).collect();
    /// assert_eq!(names, ["a", "b"]); // by declared name, not folder
    /// # std::fs::remove_dir_all(&src).unwrap();
    /// ```
    pub fn charts(&self) -> impl Iterator<Item = &SourceChart> {
        self.charts.values()
    }

    /// The chart named `name`.
    ///
    /// ```
    /// # use kaapana_chart::kaapana::{ScanOptions, SourceTree};
    /// # let src = std::env::temp_dir().join(format!("kc-doc-get-{}", std::process::id()));
    /// # std::fs::create_dir_all(&src).unwrap();
    /// # std::fs::write(src.join("Chart.yaml"), "name: a\nversion: 1.0.0\n").unwrap();
    /// let tree = SourceTree::scan(&[&src], &ScanOptions::default()).unwrap();
    /// assert_eq!(tree.chart("a").unwrap().version, "1.0.0");
    /// # std::fs::remove_dir_all(&src).unwrap();
    /// ```
    pub fn chart(&self, name: &str) -> Option<&SourceChart> {
        self.charts.get(name)
    }

    fn get(&self, name: &str) -> Result<&SourceChart> {
        self.charts.get(name).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("no chart named {name:?} in the source tree"),
            )
        })
    }

    /// The `deployment_config.yaml` next to chart `name`, if it has one.
    ///
    /// # Errors
    ///
    /// An unknown chart, an unreadable or malformed file.
    ///
    /// ```
    /// # use kaapana_chart::kaapana::{ScanOptions, SourceTree};
    /// # let src = std::env::temp_dir().join(format!("kc-doc-dc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&src).unwrap();
    /// # std::fs::write(src.join("Chart.yaml"), "name: p\nversion: 0.0.0\n").unwrap();
    /// # std::fs::create_dir_all(src.join("col")).unwrap();
    /// # std::fs::write(src.join("col/Chart.yaml"), "name: col\nversion: 0.0.0\n").unwrap();
    /// std::fs::write(src.join("deployment_config.yaml"),
    ///     "kaapana_collections:\n- name: col\npreinstall_extensions: []\n").unwrap();
    /// let tree = SourceTree::scan(&[&src], &ScanOptions::default()).unwrap();
    /// assert_eq!(tree.deployment_config("p").unwrap().unwrap().collections, ["col"]);
    /// # std::fs::remove_dir_all(&src).unwrap();
    /// ```
    pub fn deployment_config(&self, name: &str) -> Result<Option<DeploymentConfig>> {
        let chart = self.get(name)?;
        let path = chart.dir.join(DEPLOYMENT_CONFIG);
        if !path.is_file() {
            return Ok(None);
        }
        let text = read_meta(&path)?;
        let v = parse_yaml(&path, &text)?;
        let names = |key: &str| -> Result<Vec<String>> {
            let mut out = Vec::new();
            match v.get(key) {
                None | Some(Value::Nil) => {}
                Some(Value::List(l)) => {
                    for item in l.items() {
                        match item.get("name").as_ref().and_then(Value::as_str) {
                            Some(n) if !n.is_empty() => out.push(n.to_owned()),
                            _ => {
                                return Err(Error::new(
                                    ErrorKind::InvalidArgument,
                                    format!("{}: every {key} entry needs a name", path.display()),
                                ))
                            }
                        }
                    }
                }
                Some(_) => {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!("{}: {key} must be a list", path.display()),
                    ))
                }
            }
            Ok(out)
        };
        let config = DeploymentConfig {
            collections: names("kaapana_collections")?,
            preinstall: names("preinstall_extensions")?,
        };
        for n in config.collections.iter().chain(&config.preinstall) {
            self.get(n).map_err(|e| {
                e.with_message(format!(
                    "{}: no chart named {n:?} in the source tree",
                    path.display()
                ))
            })?;
        }
        Ok(Some(config))
    }

    /// The tree of chart `root` with every dependency resolved, as a list
    /// of files (paths relative to the root chart's folder): what the build
    /// writes to `<out>/<root>/`. Files are in a fixed order (each chart's
    /// own files in walk order, then its subcharts in declaration order).
    ///
    /// # Errors
    ///
    /// See [`SourceTree::resolve`].
    ///
    /// ```
    /// # use kaapana_chart::kaapana::{BuildOptions, ScanOptions, SourceTree};
    /// # let src = std::env::temp_dir().join(format!("kc-doc-asm-{}", std::process::id()));
    /// # std::fs::create_dir_all(&src).unwrap();
    /// std::fs::write(src.join("Chart.yaml"), "name: a\nversion: 0.0.0\n").unwrap();
    /// let tree = SourceTree::scan(&[&src], &ScanOptions::default()).unwrap();
    /// let files = tree.assemble("a", &BuildOptions::new("0.6.0")).unwrap();
    /// assert_eq!(&*files[0].data, b"name: a\nversion: \"0.6.0\"\n");
    /// # std::fs::remove_dir_all(&src).unwrap();
    /// ```
    pub fn assemble(&self, root: &str, opts: &BuildOptions) -> Result<Vec<File>> {
        let node = self.resolve_node(root, opts)?;
        let deployment = self.deployment_config(root)?;
        let mut cache = HashMap::new();
        let mut files = Vec::new();
        self.node_files(&node, "", opts, deployment.as_ref(), &mut cache, &mut files)?;
        Ok(files)
    }

    /// The chart `root` with its dependency tree, in memory, ready for
    /// [`crate::Engine::render_chart`]: the same chart Helm loads from the
    /// folder `kaapana-chart build` writes.
    ///
    /// # Errors
    ///
    /// An unknown root, a missing dependency, a declared version the chart
    /// found does not have (both named), a cycle, a tree over the copy or
    /// depth limits, an invalid build version, unreadable files, or a chart
    /// Helm's loader refuses.
    pub fn resolve(&self, root: &str, opts: &BuildOptions) -> Result<Chart> {
        loader::load_in_memory(self.assemble(root, opts)?, &opts.load)
    }

    /// The resolved tree of `root` with each subchart marked enabled or
    /// disabled by its condition under the charts' own values (Helm's
    /// dependency processing with no user values).
    ///
    /// # Errors
    ///
    /// Those of [`SourceTree::resolve`], and of Helm's dependency
    /// processing.
    pub fn tree(&self, root: &str, opts: &BuildOptions) -> Result<TreeNode> {
        let node = self.resolve_node(root, opts)?;
        let built = self.resolve(root, opts)?;
        let mut kept = built.clone();
        let mut warnings = Vec::new();
        process_dependencies(&mut kept, &Value::Map(Map::new()), &mut warnings)?;
        Ok(to_tree(&node, Some(&built), Some(&kept)))
    }

    /// Resolves the dependency graph below `root` into a tree of copies.
    fn resolve_node<'a>(&'a self, root: &str, opts: &BuildOptions) -> Result<Node<'a>> {
        check_version(&opts.version)?;
        let chart = self.get(root)?;
        let mut copies = 0usize;
        let mut stack = Vec::new();
        self.node(chart, None, opts, &mut stack, &mut copies)
    }

    fn node<'a>(
        &'a self,
        chart: &'a SourceChart,
        dep: Option<&'a SourceDependency>,
        opts: &BuildOptions,
        stack: &mut Vec<&'a str>,
        copies: &mut usize,
    ) -> Result<Node<'a>> {
        if stack.contains(&chart.name.as_str()) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("dependency cycle: {} -> {}", stack.join(" -> "), chart.name),
            ));
        }
        if stack.len() > MAX_TREE_DEPTH {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "chart tree nested deeper than the maximum of {MAX_TREE_DEPTH}: {} -> {}",
                    stack.join(" -> "),
                    chart.name
                ),
            ));
        }
        *copies += 1;
        if *copies > opts.max_copies {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "chart tree has more than the maximum of {} chart copies",
                    opts.max_copies
                ),
            ));
        }
        stack.push(&chart.name);
        let mut children = Vec::new();
        for d in &chart.dependencies {
            let Some(sub) = self.charts.get(&d.name) else {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "{} ({}) depends on {:?}, which is not in the source tree",
                        chart.name,
                        chart.dir.display(),
                        d.name
                    ),
                ));
            };
            let want = effective(&d.version, &opts.version);
            let have = sub.resolved_version(&opts.version);
            if want != have {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "{} ({}) requires {} version {want}, but {} ({}) has version {have}",
                        chart.name,
                        chart.dir.display(),
                        d.name,
                        sub.name,
                        sub.dir.display()
                    ),
                ));
            }
            children.push(self.node(sub, Some(d), opts, stack, copies)?);
        }
        stack.pop();
        Ok(Node {
            chart,
            dep,
            children,
        })
    }

    /// Appends the files of the copy `node` at `prefix`.
    fn node_files(
        &self,
        node: &Node<'_>,
        prefix: &str,
        opts: &BuildOptions,
        platform: Option<&DeploymentConfig>,
        cache: &mut HashMap<String, Arc<Vec<File>>>,
        out: &mut Vec<File>,
    ) -> Result<()> {
        let chart = node.chart;
        let own = match cache.get(&chart.name) {
            Some(files) => files.clone(),
            None => {
                let files = Arc::new(loader::read_dir_files(&chart.dir, &opts.load)?);
                cache.insert(chart.name.clone(), files.clone());
                files
            }
        };
        let mut has_values = false;
        let mut has_version = false;
        for f in own.iter() {
            // A subchart the folder already vendors under the name of a
            // resolved dependency would be overwritten: refuse instead.
            for child in &node.children {
                let dir = format!("charts/{}/", child.chart.name);
                if f.name.starts_with(&dir) {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!(
                            "{} ({}) already contains {} and also depends on {:?}",
                            chart.name,
                            chart.dir.display(),
                            dir.trim_end_matches('/'),
                            child.chart.name
                        ),
                    ));
                }
            }
            let data: Arc<[u8]> = match f.name.as_str() {
                "Chart.yaml" => {
                    let (text, found) = rewrite_version(&f.data, &opts.version);
                    has_version = found;
                    text.into()
                }
                "requirements.yaml" => drop_repositories(&f.data).into(),
                "values.yaml" if prefix.is_empty() => match platform {
                    Some(config) => {
                        has_values = true;
                        inject_globals(&f.data, opts, config)
                            .map_err(|msg| {
                                Error::new(
                                    ErrorKind::InvalidArgument,
                                    format!("{}: {msg}", chart.dir.join("values.yaml").display()),
                                )
                            })?
                            .into()
                    }
                    None => f.data.clone(),
                },
                _ => f.data.clone(),
            };
            let data = if f.name == "Chart.yaml" && !has_version {
                // Kaapana's rewrite only replaces an existing line; a chart
                // without one gets it, so that Helm accepts the copy.
                let mut d = data.to_vec();
                if !d.is_empty() && !d.ends_with(b"\n") {
                    d.push(b'\n');
                }
                d.extend_from_slice(format!("version: \"{}\"\n", opts.version).as_bytes());
                d.into()
            } else {
                data
            };
            out.push(File {
                name: format!("{prefix}{}", f.name),
                data,
            });
        }
        if let (Some(config), true, false) = (platform, prefix.is_empty(), has_values) {
            let data = inject_globals(b"", opts, config).map_err(|msg| {
                Error::new(ErrorKind::InvalidArgument, format!("values.yaml: {msg}"))
            })?;
            out.push(File {
                name: "values.yaml".to_owned(),
                data: data.into(),
            });
        }
        for child in &node.children {
            let p = format!("{prefix}charts/{}/", child.chart.name);
            self.node_files(child, &p, opts, None, cache, out)?;
        }
        Ok(())
    }
}

/// A copy of a chart in the resolved tree.
struct Node<'a> {
    chart: &'a SourceChart,
    dep: Option<&'a SourceDependency>,
    children: Vec<Node<'a>>,
}

/// The tree of `node`: `built` is the same copy as assembled (its version
/// and type), `kept` the copy after Helm's dependency processing (`None`
/// once its condition or an ancestor's turned it off).
fn to_tree(node: &Node<'_>, built: Option<&Chart>, kept: Option<&Chart>) -> TreeNode {
    let children = node
        .children
        .iter()
        .map(|child| {
            let name = &child.chart.name;
            to_tree(child, subchart(built, name), subchart(kept, name))
        })
        .collect();
    TreeNode {
        name: node.chart.name.clone(),
        version: built
            .map(|c| c.metadata.version.clone())
            .unwrap_or_default(),
        dir: node.chart.dir.clone(),
        condition: node.dep.and_then(|d| d.condition.clone()),
        enabled: kept.is_some(),
        library: built.is_some_and(|c| c.metadata.chart_type == "library"),
        children,
    }
}

/// The subchart `name` of `parent`.
fn subchart<'a>(parent: Option<&'a Chart>, name: &str) -> Option<&'a Chart> {
    parent.and_then(|c| c.dependencies.iter().find(|d| d.metadata.name == name))
}

/// Refuses a build version that cannot be written into YAML as is.
fn check_version(v: &str) -> Result<()> {
    let ok = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("build version {v:?} is not a version (letters, digits, '.', '-', '+')"),
        ))
    }
}

/// Kaapana's `^version:` rewrite: every line starting with `version:`
/// becomes `version: "<v>"` (the line ending kept). Returns the text and
/// whether a line was found.
fn rewrite_version(data: &[u8], version: &str) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(data.len() + 16);
    let mut found = false;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"version:") {
            found = true;
            out.extend_from_slice(format!("version: \"{version}\"").as_bytes());
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(line);
        }
    }
    (out, found)
}

/// Kaapana's build drops every `requirements.yaml` line containing
/// `repository:`.
fn drop_repositories(data: &[u8]) -> Vec<u8> {
    data.split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.windows(11).any(|w| w == b"repository:"))
        .flatten()
        .copied()
        .collect()
}

/// A YAML scalar for the injected block: plain for chart-name-like text,
/// double-quoted (JSON escaping, valid YAML) otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain = s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_owned()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The lines the build adds under the platform chart's `global:`.
fn build_globals(opts: &BuildOptions, config: &DeploymentConfig) -> String {
    let v = &opts.version;
    let mut s = String::new();
    let _ = writeln!(s, "  kaapana_build_version: {}", quoted(v));
    let _ = writeln!(s, "  platform_build_branch: {}", quoted(&opts.branch));
    let _ = writeln!(
        s,
        "  platform_last_commit_timestamp: {}",
        quoted(&opts.last_commit_timestamp)
    );
    let _ = writeln!(s, "  build_timestamp: {}", quoted(&opts.build_timestamp));
    for (key, names) in [
        ("kaapana_collections", &config.collections),
        ("preinstall_extensions", &config.preinstall),
    ] {
        if names.is_empty() {
            let _ = writeln!(s, "  {key}: []");
            continue;
        }
        let _ = writeln!(s, "  {key}:");
        for n in names {
            let _ = writeln!(s, "    - name: {}", yaml_scalar(n));
            let _ = writeln!(s, "      version: {}", quoted(v));
        }
    }
    s
}

/// Adds the build's globals right under the top-level `global:` line of a
/// values file (or appends a `global:` block), keeping everything else as
/// written, as Kaapana's fixture assembler does.
fn inject_globals(
    data: &[u8],
    opts: &BuildOptions,
    config: &DeploymentConfig,
) -> std::result::Result<Vec<u8>, String> {
    let block = build_globals(opts, config);
    let mut out = Vec::with_capacity(data.len() + block.len() + 8);
    let mut done = false;
    for line in data.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(line);
        if done {
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"global:") {
            let rest = String::from_utf8_lossy(rest);
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                if !line.ends_with(b"\n") {
                    out.push(b'\n');
                }
                out.extend_from_slice(block.as_bytes());
                done = true;
            } else {
                return Err(format!(
                    "the build adds to `global:`, which must be a block mapping (found `global: {rest}`)"
                ));
            }
        }
    }
    if !done {
        if !out.is_empty() && !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.extend_from_slice(b"global:\n");
        out.extend_from_slice(block.as_bytes());
    }
    Ok(out)
}

/// Collects the folders holding a `Chart.yaml` below `dir`.
fn walk(
    dir: &Path,
    rel: &mut Vec<String>,
    patterns: &[Pattern],
    opts: &ScanOptions,
    entries: &mut usize,
    found: &mut Vec<PathBuf>,
) -> Result<()> {
    if rel.len() > opts.max_depth {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "{}: folders nested deeper than the maximum of {}",
                dir.display(),
                opts.max_depth
            ),
        ));
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        *entries += 1;
        if *entries > opts.max_entries {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "source tree has more than the maximum of {} entries",
                    opts.max_entries
                ),
            ));
        }
        let ft = entry.file_type().map_err(|e| io_error(&entry.path(), &e))?;
        // Links are not followed: a link to a parent would loop, and a
        // chart reachable twice would be a duplicate.
        if ft.is_symlink() {
            continue;
        }
        names.push((entry.file_name(), ft.is_dir()));
    }
    names.sort();
    if names.iter().any(|(n, d)| !d && n == "Chart.yaml") {
        found.push(dir.to_path_buf());
    }
    for (name, is_dir) in names {
        if !is_dir {
            continue;
        }
        let Some(name) = name.to_str() else { continue };
        rel.push(name.to_owned());
        let comps: Vec<&str> = rel.iter().map(String::as_str).collect();
        if !patterns.iter().any(|p| p.matches(&comps)) {
            walk(&dir.join(name), rel, patterns, opts, entries, found)?;
        }
        rel.pop();
    }
    Ok(())
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{}: {e}", path.display()))
}

fn read_meta(path: &Path) -> Result<String> {
    use std::io::Read;
    let file = fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_META_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_META_FILE_SIZE {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "{}: larger than the maximum of {MAX_META_FILE_SIZE} bytes",
                path.display()
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorKind::Yaml, format!("{}: not UTF-8", path.display())))
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value> {
    values_from_yaml(text).map_err(|e| {
        Error::new(
            ErrorKind::Yaml,
            format!("{}: {}", path.display(), e.message()),
        )
    })
}

/// A scalar as text (`version: 1.0` reads as a number).
fn scalar_text(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Nil) => String::new(),
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Some(Value::Float(f)) => f.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => format!("{other:?}"),
    }
}

/// Reads `Chart.yaml` and `requirements.yaml` of the chart folder `dir`.
fn read_source_chart(dir: &Path) -> Result<SourceChart> {
    let path = dir.join("Chart.yaml");
    let meta = parse_yaml(&path, &read_meta(&path)?)?;
    let name = scalar_text(meta.get("name"));
    if name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control)
    {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{}: chart name {name:?} is not usable (empty, a path, or control characters)",
                path.display()
            ),
        ));
    }
    let mut deps: Vec<SourceDependency> = Vec::new();
    let mut add = |from: &Path, doc: &Value| -> Result<()> {
        let list = match doc.get("dependencies") {
            None | Some(Value::Nil) => return Ok(()),
            Some(Value::List(l)) => l,
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("{}: dependencies must be a list", from.display()),
                ))
            }
        };
        for item in list.items() {
            let dname = scalar_text(item.get("name"));
            if dname.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("{}: a dependency has no name", from.display()),
                ));
            }
            let version = scalar_text(item.get("version"));
            let condition = Some(scalar_text(item.get("condition"))).filter(|c| !c.is_empty());
            if let Some(prev) = deps.iter().find(|d| d.name == dname) {
                if effective(&prev.version, "") != effective(&version, "") {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!(
                            "{}: dependency {dname:?} is declared twice, with versions {:?} and {version:?}",
                            dir.display(),
                            prev.version
                        ),
                    ));
                }
                continue;
            }
            deps.push(SourceDependency {
                name: dname,
                version,
                condition,
            });
        }
        Ok(())
    };
    add(&path, &meta)?;
    let req = dir.join("requirements.yaml");
    if req.is_file() {
        let doc = parse_yaml(&req, &read_meta(&req)?)?;
        add(&req, &doc)?;
    }
    Ok(SourceChart {
        version: scalar_text(meta.get("version")),
        kaapana_type: Some(scalar_text(meta.get("kaapana_type"))).filter(|t| !t.is_empty()),
        name,
        dir: dir.to_path_buf(),
        dependencies: deps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_rewrite_keeps_other_lines() {
        let (out, found) = rewrite_version(b"name: a\nversion: 0.0.0\nappVersion: x\n", "1.0.0");
        assert!(found);
        assert_eq!(out, b"name: a\nversion: \"1.0.0\"\nappVersion: x\n");
        let (_, found) = rewrite_version(b"name: a\n  version: 1\n", "1.0.0");
        assert!(!found);
    }

    #[test]
    fn repositories_dropped() {
        let out =
            drop_repositories(b"dependencies:\n- name: a\n  repository: file://x\n  version: 1\n");
        assert_eq!(out, b"dependencies:\n- name: a\n  version: 1\n");
    }

    #[test]
    fn globals_injected_under_global() {
        let opts = BuildOptions::new("0.6.0");
        let cfg = DeploymentConfig {
            collections: vec!["c".into()],
            preinstall: vec![],
        };
        let out = inject_globals(b"a: 1\nglobal:\n  x: 1\n", &opts, &cfg).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("a: 1\nglobal:\n  kaapana_build_version: \"0.6.0\"\n"));
        assert!(text.contains("  kaapana_collections:\n    - name: c\n      version: \"0.6.0\"\n"));
        assert!(text.contains("  preinstall_extensions: []\n"));
        assert!(text.ends_with("  x: 1\n"));
        let appended = String::from_utf8(inject_globals(b"a: 1", &opts, &cfg).unwrap()).unwrap();
        assert!(appended.starts_with("a: 1\nglobal:\n  kaapana_build_version"));
        assert!(inject_globals(b"global: {}\n", &opts, &cfg).is_err());
        // The result is YAML that still reads.
        assert!(values_from_yaml(&text).is_ok());
    }

    #[test]
    fn scalars_quoted_when_needed() {
        assert_eq!(yaml_scalar("code-server-chart"), "code-server-chart");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("1.0"), "\"1.0\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    }

    #[test]
    fn build_version_checked() {
        assert!(check_version("0.6.0-rc.1+build").is_ok());
        assert!(check_version("").is_err());
        assert!(check_version("1\"\n").is_err());
    }
}
