//! Loading charts from folders and `.tgz` archives, the way Helm v4.2.3
//! loads them (`pkg/chart/v2/loader`, `pkg/chart/loader/archive`), with the
//! stricter rules an upload service needs.
//!
//! ```
//! use kaapana_chart::chart::loader::load_archive;
//!
//! // Build a tiny chart archive in memory (one `Chart.yaml` under `demo/`).
//! let chart_yaml = b"apiVersion: v2\nname: demo\nversion: 0.1.0\n";
//! let mut header = [0u8; 512];
//! header[..15].copy_from_slice(b"demo/Chart.yaml");
//! header[100..108].copy_from_slice(b"0000644\0");
//! header[124..136].copy_from_slice(format!("{:011o}\0", chart_yaml.len()).as_bytes());
//! header[156] = b'0';
//! header[257..265].copy_from_slice(b"ustar\x0000");
//! header[148..156].copy_from_slice(b"        ");
//! let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
//! header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
//! let mut tar = header.to_vec();
//! tar.extend_from_slice(chart_yaml);
//! tar.resize(512 * 4, 0); // data padding and the end-of-archive blocks
//! let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
//! std::io::Write::write_all(&mut gz, &tar).unwrap();
//! let tgz = gz.finish().unwrap();
//!
//! let chart = load_archive(&tgz).unwrap();
//! assert_eq!(chart.metadata.name, "demo");
//! assert_eq!(chart.raw[0].name, "Chart.yaml");
//!
//! let err = load_archive(b"not a gzip stream").unwrap_err();
//! assert_eq!(err.to_string(), "gzip: invalid header");
//! ```
//!
//! # What Helm does, and what we add
//!
//! Every rule Helm applies is applied here with Helm's own error text, so a
//! chart Helm rejects is rejected with the same message (the goldens under
//! `fixtures/loader/golden` are Helm's answers). On top of that this loader
//! rejects, with an error that names the archive entry and the [`Rule`]:
//!
//! * symbolic links, hard links, devices, FIFOs, sparse files and unknown
//!   entry types in archives (Helm keeps them as empty files);
//! * two entries that clean to the same path (Helm keeps both; the last one
//!   wins, and two `Chart.yaml` are *merged*);
//! * extended-header tricks that make tar readers disagree: a PAX `size` that
//!   differs from the header, a directory entry with data, a regular file
//!   with directory mode bits, several extended headers for one entry, a
//!   GNU header whose atime/ctime trigger Go's pre-1.8 prefix fallback;
//! * entry names that are not UTF-8 or hide bytes after a NUL;
//! * anything after the tar end-of-archive marker that is not zero padding,
//!   and gzip trailers with a bad CRC or length (Go stops reading at the
//!   marker and never checks them);
//! * more than [`MAX_ENTRIES`] entries, more than [`MAX_GZIP_MEMBERS`] gzip
//!   members, more than [`MAX_DECOMPRESSED_SIZE`]
//!   decompressed bytes counted on the *stream* (headers included) and
//!   shared by every nested `charts/*.tgz` (Helm gives each nested archive a
//!   fresh budget), subcharts nested deeper than [`MAX_SUBCHART_DEPTH`],
//!   archives larger than [`MAX_COMPRESSED_SIZE`];
//! * in folders: symbolic links that resolve outside the chart root (Helm
//!   follows them anywhere), symlink cycles, and more than
//!   [`MAX_DIR_DEPTH`] nested folders.
//!
//! Subcharts are loaded in name order (Helm walks a Go map, so its order is
//! random).

mod archive;
mod dir;
mod ignore;
mod metadata;
mod sniff;

use crate::template::fmt::go_quote;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::chart::{Chart, File};
use crate::error::{Error, ErrorKind, Result};
use crate::value::values_from_yaml;

pub use metadata::sanitize_string;

/// Helm's `MaxDecompressedChartSize`: the most bytes a chart may decompress
/// to (100 MiB).
///
/// Helm counts file contents per archive; we also count every byte of the
/// decompressed tar stream (headers, padding, extended headers) against one
/// budget shared by the chart and all its nested `charts/*.tgz`, and, for
/// folders, every file read.
pub const MAX_DECOMPRESSED_SIZE: u64 = 100 * 1024 * 1024;

/// Helm's `MaxDecompressedFileSize`: the largest single file (5 MiB).
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// The largest compressed archive accepted (20 MiB). Helm has no such limit.
pub const MAX_COMPRESSED_SIZE: u64 = 20 * 1024 * 1024;

/// The most tar entries (headers of every kind, all nested archives
/// together) or folder entries a chart may have. Helm has no such limit, so
/// a million empty entries cost it memory for a million names.
pub const MAX_ENTRIES: usize = 10_000;

/// The largest GNU long-name or PAX extended-header record (1 MiB). This is
/// Go's own limit (`maxSpecialFileSize` in `archive/tar`); we check it
/// against the header before reading, so nothing is allocated for a record
/// that claims more.
pub const MAX_HEADER_RECORD_SIZE: u64 = 1024 * 1024;

/// The most gzip members one archive may have. Go reads any number; each
/// costs a fresh inflater, so a million empty members (20 MB) would take
/// seconds. `helm package` writes one.
pub const MAX_GZIP_MEMBERS: usize = 10_000;

/// The deepest nesting of subcharts (`charts/a/charts/b/…`, folders and
/// archives alike). Helm has no limit.
pub const MAX_SUBCHART_DEPTH: usize = 10;

/// The deepest folder nesting walked when loading a chart folder.
pub const MAX_DIR_DEPTH: usize = 64;

/// The most `.helmignore` rules. Helm has no limit; real files have tens.
pub const MAX_IGNORE_RULES: usize = 1_000;

/// The pattern-matching work `.helmignore` rules may cost in one load (steps
/// of Go's `filepath.Match`), so that hostile patterns cannot stall a load.
pub const MAX_IGNORE_WORK: u64 = 50_000_000;

/// The limits of one load. `LoadOptions::default()` holds the constants of
/// this module.
///
/// ```
/// use kaapana_chart::chart::loader::{LoadOptions, MAX_FILE_SIZE};
///
/// let small = LoadOptions { max_entries: 100, ..LoadOptions::default() };
/// assert_eq!(small.max_file_size, MAX_FILE_SIZE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Decompressed bytes, all archives and files of the chart together
    /// ([`MAX_DECOMPRESSED_SIZE`]).
    pub max_decompressed_size: u64,
    /// Bytes of one file ([`MAX_FILE_SIZE`]).
    pub max_file_size: u64,
    /// Bytes of one compressed archive ([`MAX_COMPRESSED_SIZE`]).
    pub max_compressed_size: u64,
    /// Entries, all archives and folders together ([`MAX_ENTRIES`]).
    pub max_entries: usize,
    /// Bytes of one GNU long name or PAX record ([`MAX_HEADER_RECORD_SIZE`]).
    pub max_header_record_size: u64,
    /// Gzip members of one archive ([`MAX_GZIP_MEMBERS`]).
    pub max_gzip_members: usize,
    /// Subchart nesting ([`MAX_SUBCHART_DEPTH`]).
    pub max_subchart_depth: usize,
    /// Folder nesting ([`MAX_DIR_DEPTH`]).
    pub max_dir_depth: usize,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_decompressed_size: MAX_DECOMPRESSED_SIZE,
            max_file_size: MAX_FILE_SIZE,
            max_compressed_size: MAX_COMPRESSED_SIZE,
            max_entries: MAX_ENTRIES,
            max_header_record_size: MAX_HEADER_RECORD_SIZE,
            max_gzip_members: MAX_GZIP_MEMBERS,
            max_subchart_depth: MAX_SUBCHART_DEPTH,
            max_dir_depth: MAX_DIR_DEPTH,
        }
    }
}

/// The rule a loader error enforces. [`Violation::of`] finds it on an
/// [`Error`].
///
/// Rules whose [`Rule::is_helm`] is true are Helm's own (the error text is
/// Helm's); the others are this crate's stricter checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The input is not a gzip stream (Go's `gzip.ErrHeader`, or Helm's
    /// `EnsureArchive` content sniffing for files).
    NotGzip,
    /// Helm: the stream ends early (`unexpected EOF`, or `EOF` for an empty
    /// one).
    Truncated,
    /// The gzip stream is corrupt: bad deflate data, a CRC or length that
    /// does not match (Go never checks the last trailer), garbage after the
    /// last member.
    CorruptGzip,
    /// Data after the tar end-of-archive marker that is not zero padding,
    /// or bytes after the last gzip member.
    TrailingData,
    /// The tar stream is malformed (Go's `archive/tar` errors).
    MalformedTar,
    /// A link, device, FIFO, sparse file or unknown entry type.
    UnsupportedEntry,
    /// Headers that tar readers interpret differently.
    AmbiguousHeader,
    /// An entry name that is not UTF-8 or hides bytes after a NUL.
    InvalidName,
    /// Helm: `chart illegally contains absolute paths`.
    AbsolutePath,
    /// Helm: `chart illegally contains content outside the base directory`.
    OutsideBase,
    /// Helm: `chart illegally references parent directory`.
    ParentDirectory,
    /// Helm: `chart contains illegally named files` (a drive letter).
    DriveLetter,
    /// Helm: `chart yaml not in base directory`.
    ChartYamlNotInBase,
    /// Two entries with the same path after cleaning.
    DuplicatePath,
    /// Helm: `no files in chart archive`.
    NoFiles,
    /// The compressed archive is too large ([`LoadOptions::max_compressed_size`]).
    CompressedSize,
    /// Helm: the decompressed chart is too large.
    ChartSize,
    /// Helm: a file is too large.
    FileSize,
    /// A GNU long name or PAX record is too large (Go's limit, checked
    /// before reading).
    HeaderRecordSize,
    /// Too many entries ([`LoadOptions::max_entries`]).
    EntryCount,
    /// Too many gzip members ([`LoadOptions::max_gzip_members`]).
    GzipMembers,
    /// Subcharts nested too deeply ([`LoadOptions::max_subchart_depth`]).
    SubchartDepth,
    /// Helm: a `charts/*.tgz` that is not a single file.
    SubchartArchive,
    /// Folders nested too deeply ([`LoadOptions::max_dir_depth`]).
    DirDepth,
    /// A symbolic link that resolves outside the chart folder.
    SymlinkOutsideRoot,
    /// A symbolic link that cannot be resolved (dangling, a loop), or a
    /// folder link back into a folder being walked.
    BadSymlink,
    /// Helm: a device, FIFO or socket in a chart folder.
    IrregularFile,
    /// Helm: a `.helmignore` that cannot be parsed.
    HelmIgnore,
    /// A `.helmignore` with more than [`MAX_IGNORE_RULES`] rules, or whose
    /// rules cost more than [`MAX_IGNORE_WORK`] steps to evaluate.
    HelmIgnoreLimit,
    /// Reading the file system failed.
    Io,
    /// Helm: `Chart.yaml file is missing`.
    MissingChartYaml,
    /// Helm: `Chart.yaml`, `requirements.yaml`, `Chart.lock` or
    /// `requirements.lock` cannot be decoded.
    ChartFile,
    /// Helm: `values.yaml` cannot be decoded.
    Values,
    /// Helm: `Metadata.Validate` rejects the chart metadata.
    Metadata,
}

impl Rule {
    /// A stable identifier, e.g. `archive.parent-directory`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::NotGzip => "archive.not-gzip",
            Rule::Truncated => "archive.truncated",
            Rule::CorruptGzip => "archive.corrupt-gzip",
            Rule::TrailingData => "archive.trailing-data",
            Rule::MalformedTar => "archive.malformed-tar",
            Rule::UnsupportedEntry => "archive.unsupported-entry",
            Rule::AmbiguousHeader => "archive.ambiguous-header",
            Rule::InvalidName => "archive.invalid-name",
            Rule::AbsolutePath => "archive.absolute-path",
            Rule::OutsideBase => "archive.outside-base",
            Rule::ParentDirectory => "archive.parent-directory",
            Rule::DriveLetter => "archive.drive-letter",
            Rule::ChartYamlNotInBase => "archive.chart-yaml-not-in-base",
            Rule::DuplicatePath => "archive.duplicate-path",
            Rule::NoFiles => "archive.no-files",
            Rule::CompressedSize => "limit.compressed-size",
            Rule::ChartSize => "limit.chart-size",
            Rule::FileSize => "limit.file-size",
            Rule::HeaderRecordSize => "limit.header-record-size",
            Rule::EntryCount => "limit.entry-count",
            Rule::GzipMembers => "limit.gzip-members",
            Rule::SubchartDepth => "limit.subchart-depth",
            Rule::SubchartArchive => "chart.subchart-archive",
            Rule::DirDepth => "limit.dir-depth",
            Rule::SymlinkOutsideRoot => "dir.symlink-outside-root",
            Rule::BadSymlink => "dir.bad-symlink",
            Rule::IrregularFile => "dir.irregular-file",
            Rule::HelmIgnore => "dir.helmignore",
            Rule::HelmIgnoreLimit => "limit.helmignore",
            Rule::Io => "dir.io",
            Rule::MissingChartYaml => "chart.missing-chart-yaml",
            Rule::ChartFile => "chart.chart-file",
            Rule::Values => "chart.values",
            Rule::Metadata => "chart.metadata",
        }
    }

    /// Whether Helm itself enforces the rule (with the same message).
    pub fn is_helm(self) -> bool {
        matches!(
            self,
            Rule::NotGzip
                | Rule::Truncated
                | Rule::MalformedTar
                | Rule::AbsolutePath
                | Rule::OutsideBase
                | Rule::ParentDirectory
                | Rule::DriveLetter
                | Rule::ChartYamlNotInBase
                | Rule::NoFiles
                | Rule::ChartSize
                | Rule::FileSize
                | Rule::SubchartArchive
                | Rule::IrregularFile
                | Rule::HelmIgnore
                | Rule::MissingChartYaml
                | Rule::ChartFile
                | Rule::Values
                | Rule::Metadata
        )
    }

    /// The error kind of the rule. (One place to change should the crate
    /// grow a dedicated "invalid chart" kind.)
    fn kind(self) -> ErrorKind {
        match self {
            Rule::CompressedSize
            | Rule::ChartSize
            | Rule::FileSize
            | Rule::HeaderRecordSize
            | Rule::EntryCount
            | Rule::GzipMembers
            | Rule::SubchartDepth
            | Rule::DirDepth
            | Rule::HelmIgnoreLimit => ErrorKind::LimitExceeded,
            Rule::Io => ErrorKind::Io,
            Rule::ChartFile | Rule::Values => ErrorKind::Yaml,
            _ => ErrorKind::InvalidArgument,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Why the loader refused a chart: the rule, the archive entry or file it
/// concerns, and a sentence for humans. Attached to the [`Error`] as its
/// source (`{err:#}` prints it after `caused by:`).
///
/// ```
/// use kaapana_chart::chart::loader::{load_archive, Rule, Violation};
///
/// let err = load_archive(b"").unwrap_err();
/// assert_eq!(Violation::of(&err).unwrap().rule(), Rule::Truncated);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    rule: Rule,
    entry: Option<String>,
    detail: String,
}

impl Violation {
    /// The rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The archive entry (as named in the archive, with the path of nested
    /// archives in front) or file, if the violation concerns one.
    pub fn entry(&self) -> Option<&str> {
        self.entry.as_deref()
    }

    /// What was wrong, in words.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The violation behind a loader error, if it is one.
    pub fn of(err: &Error) -> Option<&Violation> {
        std::error::Error::source(err)?.downcast_ref::<Violation>()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.rule.id(), self.detail)?;
        if let Some(entry) = &self.entry {
            write!(f, " (entry {entry:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}

/// An error of `rule` whose message is `message` (Helm's text where Helm has
/// the rule), about `entry`, explained by `detail`.
fn violation(
    rule: Rule,
    message: impl Into<String>,
    entry: Option<&str>,
    detail: impl Into<String>,
) -> Error {
    let v = Violation {
        rule,
        entry: entry.map(str::to_owned),
        detail: detail.into(),
    };
    let mut err = Error::new(rule.kind(), message.into());
    if let Some(entry) = entry {
        err = err.with_name(entry);
    }
    err.with_cause(v)
}

/// Rewrites the message of a loader error (keeping kind, entry and rule),
/// prefixing nested entry names with `prefix`.
fn rewrap(err: Error, message: String, prefix: Option<&str>) -> Error {
    let mut v = Violation::of(&err).cloned();
    let kind = err.kind();
    let mut out = Error::new(kind, message);
    if let Some(v) = v.as_mut() {
        if let (Some(p), Some(e)) = (prefix, v.entry.as_mut()) {
            *e = format!("{p}/{e}");
        }
        if let Some(e) = &v.entry {
            out = out.with_name(e.clone());
        }
    } else if let Some(name) = err.name() {
        out = out.with_name(name.to_owned());
    }
    match v {
        Some(v) => out.with_cause(v),
        None => out.with_cause(err),
    }
}

/// The budgets one load shares between all its archives and folders.
struct Budget {
    opts: LoadOptions,
    /// Decompressed (or read) bytes still allowed.
    bytes_left: Cell<u64>,
    /// Set once a read went over `bytes_left`.
    bytes_exhausted: Cell<bool>,
    /// Set once an archive had too many gzip members.
    members_exhausted: Cell<bool>,
    /// Set once an archive had bytes after its last gzip member.
    trailing_garbage: Cell<bool>,
    /// Entries still allowed.
    entries_left: Cell<usize>,
    /// `.helmignore` matching steps still allowed.
    ignore_work_left: Cell<u64>,
}

impl Budget {
    fn new(opts: &LoadOptions) -> Budget {
        Budget {
            opts: *opts,
            bytes_left: Cell::new(opts.max_decompressed_size),
            bytes_exhausted: Cell::new(false),
            members_exhausted: Cell::new(false),
            trailing_garbage: Cell::new(false),
            entries_left: Cell::new(opts.max_entries),
            ignore_work_left: Cell::new(MAX_IGNORE_WORK),
        }
    }

    /// Counts one entry; an error once there are too many.
    fn take_entry(&self, entry: &str) -> Result<()> {
        let left = self.entries_left.get();
        if left == 0 {
            return Err(violation(
                Rule::EntryCount,
                format!(
                    "chart has more than the maximum of {} entries",
                    self.opts.max_entries
                ),
                Some(entry),
                "too many entries (archives and folders of the chart together)",
            ));
        }
        self.entries_left.set(left - 1);
        Ok(())
    }

    /// The error once the byte budget is spent. The message is Helm's for
    /// its (per-archive) size limit, as this is the same limit.
    fn size_error(&self, entry: Option<&str>) -> Error {
        violation(
            Rule::ChartSize,
            chart_size_message(self.opts.max_decompressed_size),
            entry,
            "the decompressed stream (headers included, nested archives included) exceeds the size budget",
        )
    }
}

/// Helm's message for `MaxDecompressedChartSize`.
fn chart_size_message(max: u64) -> String {
    format!("decompressed chart is larger than the maximum size {max}")
}

/// A file as read from an archive or folder: its path relative to the chart
/// root and its bytes (BOM already stripped). Helm's `BufferedFile`.
struct BufferedFile {
    name: String,
    data: Arc<[u8]>,
}

/// Loads a chart folder or archive, whichever `path` is (Helm's
/// `loader.Load`).
///
/// ```no_run
/// let chart = kaapana_chart::chart::loader::load(std::path::Path::new("charts/web")).unwrap();
/// println!("{} {}", chart.metadata.name, chart.metadata.version);
/// ```
pub fn load(path: &Path) -> Result<Chart> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit limits.
pub fn load_with(path: &Path, opts: &LoadOptions) -> Result<Chart> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        load_dir_with(path, opts)
    } else {
        load_archive_file_with(path, opts)
    }
}

/// Loads a chart folder (Helm's `LoadDir`): `.helmignore` applied, symbolic
/// links inside the folder followed, links that leave it rejected.
pub fn load_dir(path: &Path) -> Result<Chart> {
    load_dir_with(path, &LoadOptions::default())
}

/// [`load_dir`] with explicit limits.
pub fn load_dir_with(path: &Path, opts: &LoadOptions) -> Result<Chart> {
    let budget = Budget::new(opts);
    let (files, warnings) = dir::read_dir_files(path, &budget)?;
    let mut chart = load_files(files, &budget, 0)?;
    chart.warnings.splice(0..0, warnings);
    Ok(chart)
}

/// Reads the files of a chart folder the way [`load_dir`] reads them
/// (`.helmignore` applied, links checked, limits enforced, UTF-8 byte order
/// marks dropped) without decoding them into a [`Chart`]: for tools that
/// assemble charts from folders (Kaapana's build, [`crate::kaapana`]).
/// Files come in Helm's walk order (byte order of the paths).
///
/// ```no_run
/// use kaapana_chart::chart::loader::{read_dir_files, LoadOptions};
///
/// let files = read_dir_files(std::path::Path::new("charts/web"), &LoadOptions::default()).unwrap();
/// assert!(files.iter().any(|f| f.name == "Chart.yaml"));
/// ```
pub fn read_dir_files(path: &Path, opts: &LoadOptions) -> Result<Vec<File>> {
    let budget = Budget::new(opts);
    let (files, _warnings) = dir::read_dir_files(path, &budget)?;
    Ok(files.iter().map(file).collect())
}

/// Loads a chart from files already in memory (Helm's `LoadFiles`): paths
/// relative to the chart root, subcharts under `charts/<name>/`, as a folder
/// or archive would hold them. No `.helmignore` is applied.
///
/// ```
/// use kaapana_chart::chart::loader::{load_in_memory, LoadOptions};
/// use kaapana_chart::chart::File;
///
/// let files = vec![File {
///     name: "Chart.yaml".into(),
///     data: b"apiVersion: v2\nname: web\nversion: 1.0.0\n".to_vec().into(),
/// }];
/// let chart = load_in_memory(files, &LoadOptions::default()).unwrap();
/// assert_eq!(chart.metadata.name, "web");
/// ```
pub fn load_in_memory(files: Vec<File>, opts: &LoadOptions) -> Result<Chart> {
    let budget = Budget::new(opts);
    let mut buffered = Vec::with_capacity(files.len());
    for f in files {
        budget.take_entry(&f.name)?;
        buffered.push(BufferedFile {
            name: f.name,
            data: f.data,
        });
    }
    load_files(buffered, &budget, 0)
}

/// Loads a chart archive (`.tgz`) from memory (Helm's `LoadArchive`).
///
/// Errors carry Helm's text: a stream that is not gzip gives `gzip: invalid
/// header`, an empty one `EOF`.
pub fn load_archive(bytes: &[u8]) -> Result<Chart> {
    load_archive_with(bytes, &LoadOptions::default())
}

/// [`load_archive`] with explicit limits.
pub fn load_archive_with(bytes: &[u8], opts: &LoadOptions) -> Result<Chart> {
    let budget = Budget::new(opts);
    let files = archive::read_archive(bytes, &budget)?;
    load_files(files, &budget, 0)
}

/// Loads a chart archive file (Helm's `LoadFile`): like [`load_archive`],
/// but first sniffs the file the way Helm does, so that a YAML file or a zip
/// given by mistake gets Helm's message (`file 'x' does not appear to be a
/// gzipped archive; got 'application/zip'`).
pub fn load_archive_file(path: &Path) -> Result<Chart> {
    load_archive_file_with(path, &LoadOptions::default())
}

/// [`load_archive_file`] with explicit limits.
pub fn load_archive_file_with(path: &Path, opts: &LoadOptions) -> Result<Chart> {
    use std::io::Read;

    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(violation(
            Rule::Io,
            "cannot load a directory",
            Some(&name),
            "load_archive_file was given a folder",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    // Read at most one byte more than allowed: a larger file is refused
    // without being read whole.
    let mut bytes = Vec::new();
    file.take(opts.max_compressed_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > opts.max_compressed_size {
        return Err(compressed_size_error(opts, &name));
    }
    sniff::ensure_archive(&name, &bytes)?;
    let budget = Budget::new(opts);
    let result =
        archive::read_archive(&bytes, &budget).and_then(|files| load_files(files, &budget, 0));
    // Helm's LoadFile rewrites any error that wraps gzip.ErrHeader, however
    // deep (a broken nested charts/*.tgz included).
    result.map_err(|err| match Violation::of(&err).map(Violation::rule) {
        Some(Rule::NotGzip) => {
            let msg = format!(
                "file '{name}' does not appear to be a valid chart file (details: {})",
                err.message()
            );
            rewrap(err, msg, None)
        }
        _ => err,
    })
}

fn compressed_size_error(opts: &LoadOptions, name: &str) -> Error {
    violation(
        Rule::CompressedSize,
        format!(
            "chart archive is larger than the maximum compressed size {}",
            opts.max_compressed_size
        ),
        Some(name),
        "the compressed archive is too large",
    )
}

fn io_error(path: &Path, err: std::io::Error) -> Error {
    let name = path.display().to_string();
    let msg = match err.kind() {
        std::io::ErrorKind::NotFound => format!("stat {name}: no such file or directory"),
        _ => format!("{name}: {err}"),
    };
    violation(Rule::Io, msg, Some(&name), err.to_string())
}

/// The Helm warnings `LoadFiles` logs for deprecated files on v2 charts.
const WARN_REQUIREMENTS_YAML: &str = "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.";
const WARN_REQUIREMENTS_LOCK: &str = "Warning: Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.";

/// Turns the files of one chart into a [`Chart`]: Helm's `LoadFiles`
/// (`pkg/chart/v2/loader/load.go`), with subcharts loaded recursively up to
/// [`LoadOptions::max_subchart_depth`].
fn load_files(files: Vec<BufferedFile>, budget: &Budget, depth: usize) -> Result<Chart> {
    let mut c = Chart::default();
    let mut md: Option<metadata::Draft> = None;

    // First pass, as Helm: every file into Raw, Chart.yaml decoded first so
    // that the order of the files does not matter.
    for f in &files {
        c.raw.push(file(f));
        if f.name == "Chart.yaml" {
            let m = md.get_or_insert_with(metadata::Draft::default);
            m.decode(&f.data, "Chart.yaml")
                .map_err(|e| chart_file_error("Chart.yaml", e))?;
            // Helm 2 charts had no apiVersion; Helm reads them as v1.
            if m.md.api_version.is_empty() {
                m.md.api_version = "v1".to_owned();
            }
        }
    }

    let mut subcharts: BTreeMap<String, Vec<BufferedFile>> = BTreeMap::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" => {
                c.lock = metadata::decode_lock(&f.data, &mut c.warnings)
                    .map_err(|e| chart_file_error("Chart.lock", e))?;
            }
            "values.yaml" => {
                c.values = load_values(&f.data)?;
            }
            "values.schema.json" => c.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                let m = md.get_or_insert_with(metadata::Draft::default);
                if m.md.api_version != "v1" {
                    c.warnings.push(WARN_REQUIREMENTS_YAML.to_owned());
                }
                // Helm decodes requirements.yaml into the chart metadata
                // itself, so any Metadata key in it (even `name`) overrides
                // Chart.yaml.
                m.decode(&f.data, "requirements.yaml")
                    .map_err(|e| chart_file_error("requirements.yaml", e))?;
                if m.md.api_version == "v1" {
                    c.files.push(file(&f));
                }
            }
            "requirements.lock" => {
                c.lock = metadata::decode_lock(&f.data, &mut c.warnings)
                    .map_err(|e| chart_file_error("requirements.lock", e))?;
                let m = md.get_or_insert_with(metadata::Draft::default);
                if m.md.api_version != "v1" {
                    c.warnings.push(WARN_REQUIREMENTS_LOCK.to_owned());
                }
                if m.md.api_version == "v1" {
                    c.files.push(file(&f));
                }
            }
            name if name.starts_with("templates/") => c.templates.push(file(&f)),
            name if name.starts_with("charts/") => {
                if go_ext(name) == ".prov" {
                    c.files.push(file(&f));
                    continue;
                }
                let rest = &name["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or(rest).to_owned();
                let sub = BufferedFile {
                    name: rest.to_owned(),
                    data: f.data,
                };
                subcharts.entry(cname).or_default().push(sub);
            }
            _ => c.files.push(file(&f)),
        }
    }

    let Some(md) = md else {
        return Err(violation(
            Rule::MissingChartYaml,
            "Chart.yaml file is missing",
            None,
            "the chart has no Chart.yaml",
        ));
    };
    c.metadata = md.validate().map_err(|msg| {
        violation(
            Rule::Metadata,
            msg,
            Some("Chart.yaml"),
            "Chart.yaml fails Helm's Metadata.Validate",
        )
    })?;

    for (n, files) in subcharts {
        // Helm skips names starting with `_` or `.` (strings.IndexAny == 0).
        if n.starts_with(['_', '.']) {
            continue;
        }
        let parent = c.metadata.name.clone();
        let wrap = |err: Error| {
            let msg = format!(
                "error unpacking subchart {n} in {parent}: {}",
                err.message()
            );
            rewrap(err, msg, Some(&format!("charts/{n}")))
        };
        if depth + 1 > budget.opts.max_subchart_depth {
            return Err(wrap(violation(
                Rule::SubchartDepth,
                format!(
                    "subcharts are nested deeper than the maximum of {}",
                    budget.opts.max_subchart_depth
                ),
                None,
                "too many levels of charts/ inside charts/",
            )));
        }
        let sc = if go_ext(&n) == ".tgz" {
            // Helm loads the first file under the name and ignores any
            // others; a folder named *.tgz is an error. We refuse the
            // ambiguous case of several files too.
            let mut files = files.into_iter();
            let first = files.next();
            match first {
                Some(f) if f.name == n && files.next().is_none() => {
                    archive::read_archive(&f.data, budget)
                        .and_then(|sub| load_files(sub, budget, depth + 1))
                        .map_err(wrap)?
                }
                Some(f) if f.name == n => {
                    return Err(violation(
                        Rule::DuplicatePath,
                        format!("error unpacking subchart tar in {parent}: {n} is both a file and a folder"),
                        Some(&format!("charts/{n}")),
                        "a subchart archive name is also used as a folder",
                    ));
                }
                Some(f) => {
                    return Err(violation(
                        Rule::SubchartArchive,
                        format!(
                            "error unpacking subchart tar in {parent}: expected {n}, got {}",
                            f.name
                        ),
                        Some(&format!("charts/{}", f.name)),
                        "a folder under charts/ is named like an archive",
                    ));
                }
                None => continue,
            }
        } else {
            // Helm drops the subchart folder prefix and ignores files that
            // sit directly in charts/ (a charts/README.md becomes an empty
            // subchart, which then lacks its Chart.yaml).
            let buff: Vec<BufferedFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(BufferedFile {
                        name: rest.to_owned(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(buff, budget, depth + 1).map_err(wrap)?
        };
        c.dependencies.push(sc);
    }
    Ok(c)
}

fn file(f: &BufferedFile) -> File {
    File {
        name: f.name.clone(),
        data: f.data.clone(),
    }
}

fn chart_file_error(file: &str, e: metadata::DecodeError) -> Error {
    let err = violation(
        Rule::ChartFile,
        format!("cannot load {file}: {}", e.message),
        Some(file),
        "the file cannot be decoded the way Helm decodes it",
    );
    if e.limit {
        err.with_kind(ErrorKind::LimitExceeded)
    } else {
        err
    }
}

/// `values.yaml`: every document, merged (Helm's `LoadValues`).
fn load_values(data: &[u8]) -> Result<crate::value::Value> {
    let text = metadata::yaml_text(data)
        .map_err(|e| values_error(format!("cannot unmarshal yaml document: {e}")))?;
    values_from_yaml(text).map_err(|e| {
        let kind = e.kind();
        let msg = format!("cannot load values.yaml: {}", e.message());
        let detail = e.message().to_owned();
        match kind {
            // Our YAML limits (alias expansion, depth) stay limit errors.
            ErrorKind::LimitExceeded => {
                Error::new(kind, msg)
                    .with_name("values.yaml")
                    .with_cause(Violation {
                        rule: Rule::Values,
                        entry: Some("values.yaml".to_owned()),
                        detail,
                    })
            }
            _ => violation(Rule::Values, msg, Some("values.yaml"), detail),
        }
    })
}

fn values_error(inner: String) -> Error {
    violation(
        Rule::Values,
        format!("cannot load values.yaml: {inner}"),
        Some("values.yaml"),
        inner,
    )
}

/// Go's `filepath.Ext`: the suffix from the last `.` of the last path
/// element, or "".
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

/// Go's `path.Clean` (slash-separated, lexical).
fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn clean_is_go_path_clean() {
        for (i, o) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("./.", "."),
            ("../../x", "../../x"),
            ("/../x", "/x"),
            ("a//b/", "a/b"),
            ("c:/foo", "c:/foo"),
            ("./c://foo", "c:/foo"),
            ("a/..", "."),
            ("/", "/"),
        ] {
            assert_eq!(go_clean(i), o, "{i}");
        }
    }

    #[test]
    fn ext_is_go_filepath_ext() {
        assert_eq!(go_ext("charts/a.tgz"), ".tgz");
        assert_eq!(go_ext("charts/a.tgz.prov"), ".prov");
        assert_eq!(go_ext("a.b/c"), "");
        assert_eq!(go_ext(".tgz"), ".tgz");
    }

    #[test]
    fn rule_ids_are_unique() {
        let all = [
            Rule::NotGzip,
            Rule::Truncated,
            Rule::CorruptGzip,
            Rule::TrailingData,
            Rule::MalformedTar,
            Rule::UnsupportedEntry,
            Rule::AmbiguousHeader,
            Rule::InvalidName,
            Rule::AbsolutePath,
            Rule::OutsideBase,
            Rule::ParentDirectory,
            Rule::DriveLetter,
            Rule::ChartYamlNotInBase,
            Rule::DuplicatePath,
            Rule::NoFiles,
            Rule::CompressedSize,
            Rule::ChartSize,
            Rule::FileSize,
            Rule::HeaderRecordSize,
            Rule::EntryCount,
            Rule::GzipMembers,
            Rule::SubchartDepth,
            Rule::SubchartArchive,
            Rule::DirDepth,
            Rule::SymlinkOutsideRoot,
            Rule::BadSymlink,
            Rule::IrregularFile,
            Rule::HelmIgnore,
            Rule::HelmIgnoreLimit,
            Rule::Io,
            Rule::MissingChartYaml,
            Rule::ChartFile,
            Rule::Values,
            Rule::Metadata,
        ];
        let ids: HashSet<_> = all.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), all.len());
    }
}
