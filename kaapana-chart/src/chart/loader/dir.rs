//! Reading a chart folder: Helm's `LoadDir` (`pkg/chart/v2/loader/
//! directory.go`) over `sympath.Walk` (`internal/sympath/walk.go`).
//!
//! Like Helm: files are visited depth first in byte order of their names,
//! `.helmignore` (at the chart root only) is applied with the default rule
//! `templates/.?*`, symbolic links are followed (and reported in the chart's
//! warnings), devices, FIFOs and sockets are errors, files over the size
//! limit are refused from their metadata without being read, and a UTF-8
//! byte order mark is dropped.
//!
//! Stricter than Helm: a link must resolve inside the chart folder (Helm
//! follows `templates/x -> /etc/shadow`), a folder link back to a folder
//! being walked is a cycle error (Helm recurses until the path is too long),
//! the walk is bounded in depth, in entries and in bytes read (Helm has no
//! aggregate limit for folders), and a file is read no further than the
//! limit even if it grows after its size was checked.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::ignore::{ParseError, Rules};
use super::{go_quote, violation, Budget, BufferedFile, Rule};
use crate::error::{Error, Result};

/// Helm's `ignore.HelmIgnore`.
const HELM_IGNORE: &str = ".helmignore";

/// Reads every file of the chart folder at `dir`.
/// Returns the files and Helm's log lines (followed links).
pub(super) fn read_dir_files(
    dir: &Path,
    budget: &Budget,
) -> Result<(Vec<BufferedFile>, Vec<String>)> {
    let top = go_abs(dir)?;
    let root = fs::canonicalize(&top).map_err(|e| io_error(&top, &e))?;

    let mut rules = Rules::default();
    let ifile = top.join(HELM_IGNORE);
    if fs::metadata(&ifile).is_ok() {
        // Helm reads the file through any link; the link must stay inside.
        let resolved = resolve_inside(&ifile, &root, HELM_IGNORE)?;
        let text = read_capped(&resolved, budget, HELM_IGNORE)?;
        rules = Rules::parse(&text, super::MAX_IGNORE_RULES).map_err(|e| match e {
            ParseError::Helm(msg) => violation(
                Rule::HelmIgnore,
                msg,
                Some(HELM_IGNORE),
                "Helm cannot parse this .helmignore",
            ),
            ParseError::TooManyRules => violation(
                Rule::HelmIgnoreLimit,
                format!(
                    ".helmignore has more than the maximum of {} rules",
                    super::MAX_IGNORE_RULES
                ),
                Some(HELM_IGNORE),
                "too many .helmignore rules",
            ),
        })?;
    }
    rules.add_defaults();

    let mut walker = Walker {
        root: &root,
        rules: &rules,
        budget,
        files: Vec::new(),
        stack: vec![root.clone()],
        warnings: Vec::new(),
    };
    walker.walk_dir(&top, "", 0)?;
    Ok((walker.files, walker.warnings))
}

struct Walker<'a> {
    /// The canonical path of the chart folder (for the containment check).
    root: &'a Path,
    rules: &'a Rules,
    budget: &'a Budget,
    files: Vec<BufferedFile>,
    /// Canonical paths of the folders being walked, to catch link cycles.
    stack: Vec<PathBuf>,
    warnings: Vec<String>,
}

impl Walker<'_> {
    /// Visits the entries of the folder `path` (relative name `rel`).
    fn walk_dir(&mut self, path: &Path, rel: &str, depth: usize) -> Result<()> {
        if depth > self.budget.opts.max_dir_depth {
            return Err(violation(
                Rule::DirDepth,
                format!(
                    "chart folders are nested deeper than the maximum of {}",
                    self.budget.opts.max_dir_depth
                ),
                Some(rel),
                "too many levels of folders",
            ));
        }
        let mut names = Vec::new();
        let entries = fs::read_dir(path).map_err(|e| io_error(path, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(path, &e))?;
            let name = entry.file_name();
            let label = join_rel(rel, &name.to_string_lossy());
            // Count while listing, so that a folder with a million entries
            // stops early.
            self.budget.take_entry(&label)?;
            names.push((name, entry));
        }
        // sympath.Walk sorts names with sort.Strings: byte order.
        names.sort_by(|(a, _), (b, _)| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
        for (name, entry) in names {
            let Some(name_str) = name.to_str() else {
                let label = join_rel(rel, &name.to_string_lossy());
                return Err(violation(
                    Rule::InvalidName,
                    format!(
                        "chart file {} has a name that is not UTF-8",
                        go_quote(&label)
                    ),
                    Some(&label),
                    "file names must be UTF-8",
                ));
            };
            let n = join_rel(rel, name_str);
            let full = path.join(&name);
            // The entry's own metadata (lstat relative to the open folder):
            // cheaper than a stat of the full path.
            let lmeta = entry.metadata().map_err(|e| io_error(&full, &e))?;
            self.visit(&full, &n, lmeta, depth)?;
        }
        Ok(())
    }

    /// One entry: `symwalk` + Helm's `walk` callback.
    fn visit(&mut self, full: &Path, n: &str, lmeta: fs::Metadata, depth: usize) -> Result<()> {
        let is_link = lmeta.file_type().is_symlink();
        let (meta, target) = if is_link {
            // sympath resolves every link before .helmignore is consulted (a
            // dangling link is an error even if ignored).
            let resolved = resolve(full, n)?;
            let meta = fs::symlink_metadata(&resolved).map_err(|e| io_error(&resolved, &e))?;
            (meta, resolved)
        } else {
            (lmeta, full.to_path_buf())
        };

        let work = &self.budget.ignore_work_left;
        let ignored = self
            .rules
            .ignore(n, meta.is_dir(), work)
            .map_err(|()| ignore_budget_error(n))?;
        if is_link && !ignored {
            // An ignored link is never read, wherever it points.
            check_inside(&target, self.root, n)?;
            self.warnings.push(format!(
                "found symbolic link in path. Contents of linked file included and used path={} resolved={}",
                full.display(),
                target.display()
            ));
        }
        if meta.is_dir() {
            if ignored {
                return Ok(());
            }
            // A folder reached without a link is its parent's canonical
            // path plus its name; only links need the (many-syscall)
            // canonicalize.
            let canonical = match (is_link, self.stack.last(), full.file_name()) {
                (false, Some(parent), Some(name)) => parent.join(name),
                _ => fs::canonicalize(&target).map_err(|e| io_error(&target, &e))?,
            };
            if self.stack.contains(&canonical) {
                return Err(violation(
                    Rule::BadSymlink,
                    format!(
                        "chart folder {} links back to a folder that contains it",
                        go_quote(n)
                    ),
                    Some(n),
                    "a folder link leads into a cycle",
                ));
            }
            self.stack.push(canonical);
            let result = self.walk_dir(full, n, depth + 1);
            self.stack.pop();
            return result;
        }
        if ignored {
            return Ok(());
        }
        if !meta.file_type().is_file() {
            return Err(violation(
                Rule::IrregularFile,
                format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    full.display()
                ),
                Some(n),
                "devices, FIFOs and sockets are not chart files",
            ));
        }
        let max = self.budget.opts.max_file_size;
        if meta.len() > max {
            // Helm names the file by its fi.Name(): the link target's.
            let base = target
                .file_name()
                .map_or_else(|| n.to_owned(), |b| b.to_string_lossy().into_owned());
            return Err(file_size_error(&base, max, n));
        }
        let data = read_capped(&target, self.budget, n)?;
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data);
        self.files.push(BufferedFile {
            name: n.to_owned(),
            data: Arc::from(data),
        });
        Ok(())
    }
}

fn join_rel(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

fn file_size_error(base: &str, max: u64, n: &str) -> Error {
    violation(
        Rule::FileSize,
        format!(
            "chart file {} is larger than the maximum file size {max}",
            go_quote(base)
        ),
        Some(n),
        "the file is over the size limit",
    )
}

fn ignore_budget_error(n: &str) -> Error {
    violation(
        Rule::HelmIgnoreLimit,
        ".helmignore rules are too costly to evaluate",
        Some(n),
        format!(
            "matching .helmignore patterns took more than {} steps",
            super::MAX_IGNORE_WORK
        ),
    )
}

/// Resolves the link `full` (`filepath.EvalSymlinks`) and insists that the
/// result lies inside the chart folder.
fn resolve_inside(full: &Path, root: &Path, n: &str) -> Result<PathBuf> {
    let resolved = resolve(full, n)?;
    check_inside(&resolved, root, n)?;
    Ok(resolved)
}

/// `filepath.EvalSymlinks`, with Helm's message (`error evaluating symlink
/// <link>: lstat <target>: no such file or directory`, or `EvalSymlinks:
/// too many links` for a loop).
fn resolve(full: &Path, n: &str) -> Result<PathBuf> {
    fs::canonicalize(full).map_err(|e| {
        let cause = if e.raw_os_error() == Some(ELOOP) {
            "EvalSymlinks: too many links".to_owned()
        } else if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "lstat {}: no such file or directory",
                missing_target(full).display()
            )
        } else {
            e.to_string()
        };
        violation(
            Rule::BadSymlink,
            format!("error evaluating symlink {}: {cause}", full.display()),
            Some(n),
            "the link cannot be resolved (dangling, or a loop)",
        )
    })
}

/// `ELOOP`, which Rust has no stable `ErrorKind` for.
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const ELOOP: i32 = 62;
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
const ELOOP: i32 = 40;

/// The first missing path along a chain of links starting at `link`, as
/// Go's `EvalSymlinks` reports it (for chains of whole-path links; a
/// missing folder inside a target is reported as the target).
fn missing_target(link: &Path) -> PathBuf {
    let mut current = link.to_path_buf();
    for _ in 0..255 {
        let Ok(target) = fs::read_link(&current) else {
            break;
        };
        let parent = current.parent().map(Path::to_path_buf).unwrap_or_default();
        let next = lexical_clean(&parent.join(target));
        match fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => current = next,
            _ => return next,
        }
    }
    current
}

fn check_inside(resolved: &Path, root: &Path, n: &str) -> Result<()> {
    if !resolved.starts_with(root) {
        return Err(violation(
            Rule::SymlinkOutsideRoot,
            format!(
                "chart file {} is a symbolic link to {}, outside the chart",
                go_quote(n),
                resolved.display()
            ),
            Some(n),
            "symbolic links must stay inside the chart folder (Helm follows them anywhere)",
        ));
    }
    Ok(())
}

/// Reads a regular file, never more than the per-file limit (plus one byte
/// to notice a file that grew) and charged to the load's byte budget.
fn read_capped(path: &Path, budget: &Budget, n: &str) -> Result<Vec<u8>> {
    let max = budget.opts.max_file_size;
    let file = fs::File::open(path).map_err(|e| io_error(path, &e))?;
    // The file may have been swapped since its metadata was read.
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    if !meta.is_file() {
        return Err(violation(
            Rule::IrregularFile,
            format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            ),
            Some(n),
            "the file changed into a device or FIFO while loading",
        ));
    }
    // Reserve what the metadata promises (never more than the cap allows):
    // read_to_end into an empty Vec first probes with a small read, a
    // measurable share of loading a tree of small files.
    let hint = meta.len().min(max.saturating_add(1));
    let mut data = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
    file.take(max.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| io_error(path, &e))?;
    if data.len() as u64 > max {
        let base = path
            .file_name()
            .map_or_else(|| n.to_owned(), |b| b.to_string_lossy().into_owned());
        return Err(file_size_error(&base, max, n));
    }
    let left = budget.bytes_left.get();
    if data.len() as u64 > left {
        return Err(budget.size_error(Some(n)));
    }
    budget.bytes_left.set(left - data.len() as u64);
    Ok(data)
}

/// Go's `filepath.Abs`: joined with the working directory and cleaned
/// lexically (without resolving links).
fn go_abs(dir: &Path) -> Result<PathBuf> {
    let joined = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        let cwd = std::env::current_dir().map_err(|e| io_error(dir, &e))?;
        cwd.join(dir)
    };
    Ok(lexical_clean(&joined))
}

/// Go's `filepath.Clean` for an absolute path.
fn lexical_clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            // `..` at the root stays at the root.
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
                } else if out.as_os_str().is_empty() {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn io_error(path: &Path, err: &std::io::Error) -> Error {
    let name = path.display().to_string();
    violation(
        Rule::Io,
        format!("{name}: {err}"),
        Some(&name),
        err.to_string(),
    )
}
