//! The image archive check: is an uploaded `.tar` a well-formed container
//! image archive, and which image references would importing it create?
//!
//! Kaapana hands an uploaded `.tar` to `ctr image import --digests`
//! (containerd's `archive.ImportIndex`) without looking inside. This check
//! reads the archive into memory with the `tar` crate (never unpacking,
//! never executing anything) and answers with a [`Report`] and the list of
//! image references containerd would record, normalised the way containerd
//! normalises them (`busybox` → `docker.io/library/busybox:latest`).
//!
//! Two forms are understood, as containerd understands them:
//!
//! * `docker save`: a `manifest.json` array of `{Config, RepoTags, Layers}`
//!   whose paths name entries of the archive (legacy `<id>/layer.tar`
//!   directories, or `blobs/sha256/<hex>` since Docker 25), plus an
//!   optional legacy `repositories` file.
//! * OCI image layout: `oci-layout` (`{"imageLayoutVersion": "1.0.0"}`),
//!   `index.json` and `blobs/<alg>/<hex>`, with nested indexes. Names come
//!   from the top-level `index.json` annotations
//!   `io.containerd.image.name`, else `org.opencontainers.image.ref.name`.
//!   Docker 25 and later writes both forms at once; containerd then reads
//!   only the OCI form, so the two must name the same images.
//!
//! Decisions (see `docs/upload-check.md`, "Image archives"):
//!
//! * Compressed archives (gzip, zstd, bzip2, xz) are rejected: Kaapana
//!   takes `.tar` uploads, and `docker save` writes plain tar.
//! * Symbolic links are accepted only when relative and resolving to a
//!   regular file inside the archive (older `docker save` links duplicate
//!   layers that way, and containerd follows them); anything escaping or
//!   dangling is rejected. Hard links, devices and FIFOs are rejected.
//! * Every blob under `blobs/` must be named `blobs/<alg>/<hex>` and its
//!   content must hash to its name (sha256, sha384, sha512); every blob is
//!   checked, since the whole archive is already in memory within
//!   [`MAX_IMAGE_ARCHIVE_BYTES`].
//! * Where Go's `archive/tar` (which containerd uses) and the `tar` crate
//!   could frame the stream differently (a PAX `size` record, data on a
//!   link or directory header, GNU sparse files), the archive is rejected.
//!
//! ```
//! use kaapana_chart::upload::image::check_image_archive;
//! use kaapana_chart::upload::Verdict;
//!
//! let check = check_image_archive(b"not a tar archive at all");
//! assert_eq!(check.report.verdict(), Verdict::Rejected);
//! assert!(check.images.is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value as Json;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{Finding, Report, Severity};

/// Largest archive accepted, in bytes (the tar stream as uploaded). Also
/// the bound on everything read from it: entries are slices of the input.
pub const MAX_IMAGE_ARCHIVE_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// Largest single entry (one layer, usually), in bytes, as its header
/// claims it. Checked before anything is read.
pub const MAX_IMAGE_ENTRY_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Most tar headers in one archive (extended headers counted). A
/// `docker save` archive has a handful per layer.
pub const MAX_IMAGE_ENTRIES: usize = 10_000;

/// Largest JSON document read (`manifest.json`, `index.json`,
/// `oci-layout`, `repositories`, manifests, indexes, image configs).
pub const MAX_IMAGE_JSON_BYTES: u64 = 4 * 1024 * 1024;

/// Largest PAX or GNU long-name/long-link record. hardening.md part A: the
/// `tar` crate alone would allocate whatever such a header claims.
pub const MAX_IMAGE_HEADER_RECORD_BYTES: u64 = 1024 * 1024;

/// Deepest nesting of image indexes below `index.json` (an index whose
/// manifests are indexes…). Real archives use one or two levels.
pub const MAX_IMAGE_INDEX_DEPTH: usize = 8;

/// Longest repository name of an image reference (the part before `:tag`
/// or `@digest`), as in `distribution/reference` (`NameTotalLengthMax`).
pub const MAX_REFERENCE_NAME_LENGTH: usize = 255;

/// Longest tag of an image reference (`[\w][\w.-]{0,127}`).
pub const MAX_TAG_LENGTH: usize = 128;

/// The limits of one check. [`Default`] gives the named constants.
///
/// ```
/// use kaapana_chart::upload::image::{ImageLimits, MAX_IMAGE_ENTRIES};
/// assert_eq!(ImageLimits::default().max_entries, MAX_IMAGE_ENTRIES);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLimits {
    /// See [`MAX_IMAGE_ARCHIVE_BYTES`].
    pub max_archive_bytes: u64,
    /// See [`MAX_IMAGE_ENTRY_BYTES`].
    pub max_entry_bytes: u64,
    /// See [`MAX_IMAGE_ENTRIES`].
    pub max_entries: usize,
    /// See [`MAX_IMAGE_JSON_BYTES`].
    pub max_json_bytes: u64,
    /// See [`MAX_IMAGE_HEADER_RECORD_BYTES`].
    pub max_header_record_bytes: u64,
    /// See [`MAX_IMAGE_INDEX_DEPTH`].
    pub max_index_depth: usize,
}

impl Default for ImageLimits {
    fn default() -> ImageLimits {
        ImageLimits {
            max_archive_bytes: MAX_IMAGE_ARCHIVE_BYTES,
            max_entry_bytes: MAX_IMAGE_ENTRY_BYTES,
            max_entries: MAX_IMAGE_ENTRIES,
            max_json_bytes: MAX_IMAGE_JSON_BYTES,
            max_header_record_bytes: MAX_IMAGE_HEADER_RECORD_BYTES,
            max_index_depth: MAX_IMAGE_INDEX_DEPTH,
        }
    }
}

/// The result of checking an image archive.
///
/// ```
/// use kaapana_chart::upload::image::check_image_archive;
/// let check = check_image_archive(&[]);
/// assert_eq!(check.report.findings[0].rule, "image.empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageCheck {
    /// The findings and the verdict.
    pub report: Report,
    /// The image references an import would create, normalised
    /// (`docker.io/library/busybox:latest`), sorted, without duplicates.
    /// Filled even when the report rejects the archive, as far as the
    /// archive could be read.
    pub images: Vec<String>,
}

/// Checks an uploaded image archive with the default limits.
///
/// ```
/// use kaapana_chart::upload::image::check_image_archive;
/// use kaapana_chart::upload::Verdict;
///
/// // A gzip stream: `docker save` writes plain tar.
/// let check = check_image_archive(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0]);
/// assert_eq!(check.report.verdict(), Verdict::Rejected);
/// assert_eq!(check.report.findings[0].rule, "image.compressed");
/// ```
pub fn check_image_archive(bytes: &[u8]) -> ImageCheck {
    check_image_archive_with(bytes, &ImageLimits::default())
}

/// Checks an uploaded image archive with the given limits.
///
/// ```
/// use kaapana_chart::upload::image::{check_image_archive_with, ImageLimits};
///
/// let limits = ImageLimits { max_archive_bytes: 4, ..ImageLimits::default() };
/// let check = check_image_archive_with(&[0u8; 5], &limits);
/// assert_eq!(check.report.findings[0].rule, "image.archive-too-large");
/// ```
pub fn check_image_archive_with(bytes: &[u8], limits: &ImageLimits) -> ImageCheck {
    let mut checker = Checker {
        bytes,
        limits,
        report: Report::default(),
        files: BTreeMap::new(),
        dirs: BTreeSet::new(),
        links: BTreeMap::new(),
        hashed: BTreeMap::new(),
        visited: BTreeSet::new(),
    };
    let images = checker.run();
    let mut images: Vec<String> = images.into_iter().collect();
    images.sort();
    images.dedup();
    ImageCheck {
        report: checker.report,
        images,
    }
}

/// Characters a POSIX shell gives a meaning to. Kaapana interpolates the
/// uploaded file's name, unquoted, into `ctr image import … <path>`.
const SHELL_META: &[char] = &[
    ';', '&', '|', '$', '`', '<', '>', '(', ')', '\'', '"', '\\', ' ', '*', '?', '!', '{', '}',
    '#', '~', '=', '%', '^', '[', ']',
];

/// Checks the name an image archive was uploaded under. The check itself
/// never uses a shell; this flags names that would be dangerous where the
/// name reaches one (Kaapana's `ctr image import` call): control
/// characters, shell metacharacters, a leading `-` (an option to `ctr`),
/// path separators and `..`. The rule is `image.dangerous-file-name`.
///
/// ```
/// use kaapana_chart::upload::image::check_upload_file_name;
/// use kaapana_chart::upload::Verdict;
///
/// assert_eq!(check_upload_file_name("busybox.tar").verdict(), Verdict::Accepted);
/// assert_eq!(check_upload_file_name("x.tar; rm -rf ~").verdict(), Verdict::Rejected);
/// ```
pub fn check_upload_file_name(name: &str) -> Report {
    let mut report = Report::default();
    let problem = if name.is_empty() {
        Some("the file name is empty".to_string())
    } else if name.chars().any(char::is_control) {
        Some("the file name contains control characters".to_string())
    } else if let Some(c) = name.chars().find(|c| SHELL_META.contains(c)) {
        Some(format!(
            "the file name contains the shell metacharacter {c:?}"
        ))
    } else if name.starts_with('-') {
        Some("the file name starts with '-' and would read as an option".to_string())
    } else if name.contains('/') || name == "." || name == ".." {
        Some("the file name is a path, not a name".to_string())
    } else if !name.is_ascii() {
        Some("the file name is not ASCII".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        let mut f = Finding::new(
            "image.dangerous-file-name",
            Severity::Error,
            format!("{problem}: {}", escape(name)),
        );
        f.file = Some(escape(name));
        report.push(f);
    }
    report
}

/// Normalises an image reference the way containerd does for `docker save`
/// archives (`reference/docker.ParseDockerRef`): Docker Hub names get
/// `docker.io/` and `library/`, a name without tag or digest gets
/// `:latest`, a reference with both a tag and a digest keeps the digest.
/// The error says why a reference is malformed.
///
/// ```
/// use kaapana_chart::upload::image::normalize_reference;
/// assert_eq!(normalize_reference("busybox").unwrap(), "docker.io/library/busybox:latest");
/// assert_eq!(
///     normalize_reference("registry.example.com:5000/team/app:1.2").unwrap(),
///     "registry.example.com:5000/team/app:1.2"
/// );
/// assert!(normalize_reference("Busybox").is_err());
/// ```
pub fn normalize_reference(reference: &str) -> Result<String, String> {
    if reference.is_empty() {
        return Err("repository name must have at least one component".into());
    }
    if reference.len() == 64
        && reference
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err("cannot specify 64-byte hexadecimal strings".into());
    }
    let (domain, remainder) = split_docker_domain(reference);
    let remote = remainder.split(':').next().unwrap_or("");
    if remote.to_lowercase() != remote {
        return Err(format!("repository name ({remote}) must be lowercase"));
    }
    let full = format!("{domain}/{remainder}");
    let caps = match reference_regex().captures(&full) {
        Some(caps) => caps,
        None => {
            if reference_regex().is_match(&full.to_lowercase()) {
                return Err("repository name must be lowercase".into());
            }
            return Err("invalid reference format".into());
        }
    };
    let name = caps.get(1).map_or("", |m| m.as_str());
    if name.len() > MAX_REFERENCE_NAME_LENGTH {
        return Err(format!(
            "repository name must not be more than {MAX_REFERENCE_NAME_LENGTH} characters"
        ));
    }
    let tag = caps.get(2).map(|m| m.as_str());
    if let Some(digest) = caps.get(3) {
        check_digest(digest.as_str())?;
        // ParseDockerRef: tagged and digested keeps only the digest.
        return Ok(format!("{name}@{}", digest.as_str()));
    }
    Ok(format!("{name}:{}", tag.unwrap_or("latest")))
}

/// `distribution/reference`'s `splitDockerDomain`.
fn split_docker_domain(name: &str) -> (&str, String) {
    let Some((maybe_domain, maybe_remote)) = name.split_once('/') else {
        return ("docker.io", format!("library/{name}"));
    };
    let (domain, remote) = if maybe_domain == "index.docker.io" {
        ("docker.io", maybe_remote.to_string())
    } else if maybe_domain == "localhost"
        || maybe_domain.contains(['.', ':'])
        || maybe_domain.to_lowercase() != maybe_domain
    {
        (maybe_domain, maybe_remote.to_string())
    } else {
        ("docker.io", name.to_string())
    };
    if domain == "docker.io" && !remote.contains('/') {
        return (domain, format!("library/{remote}"));
    }
    (domain, remote)
}

/// `distribution/reference`'s `ReferenceRegexp`, ASCII only as in Go.
fn reference_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alnum = "[a-z0-9]+";
        let separator = "(?:[._]|__|[-]+)";
        let path_component = format!("{alnum}(?:{separator}{alnum})*");
        let domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let host = format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[a-fA-F0-9:]+\])");
        let domain = format!("{host}(?::[0-9]+)?");
        let name = format!("(?:{domain}/)?{path_component}(?:/{path_component})*");
        let tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        let pattern = format!("^({name})(?::({tag}))?(?:@({digest}))?$");
        // A constant pattern (tested); no input reaches this call.
        #[allow(clippy::expect_used)]
        Regex::new(&pattern).expect("the reference pattern compiles")
    })
}

/// `go-digest`'s `Digest.Validate`: a known algorithm and lower-case hex of
/// its length. Returns the algorithm and the hex.
fn check_digest(digest: &str) -> Result<(&str, &str), String> {
    let Some((alg, hex)) = digest.split_once(':') else {
        return Err(format!("digest {} has no algorithm", escape(digest)));
    };
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err(format!("unsupported digest algorithm {}", escape(alg))),
    };
    if hex.len() != len || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!(
            "digest {} is not {len} lower-case hex digits",
            escape(digest)
        ));
    }
    Ok((alg, hex))
}

fn hex_digest(alg: &str, data: &[u8]) -> Option<String> {
    let bytes: Vec<u8> = match alg {
        "sha256" => Sha256::digest(data).to_vec(),
        "sha384" => Sha384::digest(data).to_vec(),
        "sha512" => Sha512::digest(data).to_vec(),
        _ => return None,
    };
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    Some(out)
}

/// A name safe to print: control characters escaped, long names cut.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= 300 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The OCI and Docker media types of indexes and manifests.
const INDEX_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
const MANIFEST_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
/// containerd's own name annotation, preferred over the OCI one.
const CONTAINERD_NAME: &str = "io.containerd.image.name";
const OCI_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// A regular file of the archive: where its data is in the input.
#[derive(Clone, Copy)]
struct Slot {
    offset: usize,
    len: usize,
}

/// Why reading stopped early (the stream cannot be trusted past it).
struct Stop;

struct Checker<'a> {
    bytes: &'a [u8],
    limits: &'a ImageLimits,
    report: Report,
    /// Regular files by cleaned name.
    files: BTreeMap<String, Slot>,
    dirs: BTreeSet<String>,
    /// Symbolic links by cleaned name: the raw target.
    links: BTreeMap<String, String>,
    /// Blobs whose digest was already checked: name → content matched.
    hashed: BTreeMap<String, bool>,
    /// JSON blobs (configs, manifests, indexes) already checked: many
    /// descriptors may name one blob, and each must cost its parse once,
    /// or a 4 MiB index naming one 4 MiB manifest 30,000 times would parse
    /// 120 GB.
    visited: BTreeSet<String>,
}

/// Extended headers waiting for the entry they describe.
#[derive(Default)]
struct Pending {
    first: Option<String>,
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
}

impl Checker<'_> {
    fn error(&mut self, rule: &str, file: Option<&str>, message: impl Into<String>) {
        let mut f = Finding::new(rule, Severity::Error, message);
        f.file = file.map(escape);
        self.report.push(f);
    }

    fn warn(&mut self, rule: &str, file: Option<&str>, message: impl Into<String>) {
        let mut f = Finding::new(rule, Severity::Warning, message);
        f.file = file.map(escape);
        self.report.push(f);
    }

    fn run(&mut self) -> BTreeSet<String> {
        let bytes = self.bytes;
        if bytes.is_empty() {
            self.error("image.empty", None, "the upload is empty");
            return BTreeSet::new();
        }
        if bytes.len() as u64 > self.limits.max_archive_bytes {
            self.error(
                "image.archive-too-large",
                None,
                format!(
                    "the archive has {} bytes, more than the limit of {}",
                    bytes.len(),
                    self.limits.max_archive_bytes
                ),
            );
            return BTreeSet::new();
        }
        let compressed = [
            (&[0x1f, 0x8b][..], "gzip"),
            (&[0x28, 0xb5, 0x2f, 0xfd][..], "zstd"),
            (&b"BZh"[..], "bzip2"),
            (&[0xfd, b'7', b'z', b'X', b'Z', 0][..], "xz"),
        ];
        if let Some((_, kind)) = compressed.iter().find(|(m, _)| bytes.starts_with(m)) {
            self.error(
                "image.compressed",
                None,
                format!(
                    "the upload is {kind}-compressed; upload the plain .tar that `docker save` writes"
                ),
            );
            return BTreeSet::new();
        }
        if self.read_tar().is_err() {
            return BTreeSet::new();
        }
        if self.files.is_empty() && self.dirs.is_empty() && self.links.is_empty() {
            if self.report.findings.is_empty() {
                self.error("image.empty", None, "the tar archive holds no entries");
            }
            return BTreeSet::new();
        }
        self.resolve_links();
        self.check_blob_names();
        self.read_image()
    }

    // ------------------------------------------------------------ tar stream

    fn read_tar(&mut self) -> Result<(), Stop> {
        let bytes = self.bytes;
        let mut archive = tar::Archive::new(bytes);
        let entries = match archive.entries() {
            Ok(entries) => entries.raw(true),
            Err(e) => {
                self.error("image.not-tar", None, format!("not a tar archive: {e}"));
                return Err(Stop);
            }
        };
        let mut count = 0usize;
        let mut end: u64 = 0;
        let mut pending = Pending::default();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let text = e.to_string();
                    if count == 0 {
                        self.error(
                            "image.not-tar",
                            None,
                            "the upload is not a tar archive (the first header is invalid)",
                        );
                    } else if text.contains("entire block") || text.contains("EOF") {
                        self.error("image.truncated", None, "the archive ends inside a header");
                    } else {
                        self.error(
                            "image.malformed-tar",
                            None,
                            format!("invalid tar header: {}", escape(&text)),
                        );
                    }
                    return Err(Stop);
                }
            };
            count += 1;
            let header = entry.header();
            let label = String::from_utf8_lossy(&header.path_bytes()).into_owned();
            if count > self.limits.max_entries {
                self.error(
                    "image.too-many-entries",
                    Some(&label),
                    format!(
                        "the archive has more than {} entries",
                        self.limits.max_entries
                    ),
                );
                return Err(Stop);
            }
            let size = match header.entry_size() {
                Ok(size) => size,
                Err(e) => {
                    self.error(
                        "image.malformed-tar",
                        Some(&label),
                        format!("invalid size field: {e}"),
                    );
                    return Err(Stop);
                }
            };
            let typeflag = header.as_bytes()[156];
            let file_pos = entry.raw_file_position();
            let is_record = matches!(typeflag, b'x' | b'g' | b'L' | b'K');
            let limit = if is_record {
                self.limits.max_header_record_bytes
            } else {
                self.limits.max_entry_bytes
            };
            if size > limit {
                let rule = if is_record {
                    "image.header-record-size"
                } else {
                    "image.entry-too-large"
                };
                self.error(
                    rule,
                    Some(&label),
                    format!("the header claims {size} bytes, more than the limit of {limit}"),
                );
                return Err(Stop);
            }
            let Some(data) = slice(bytes, file_pos, size) else {
                self.error(
                    "image.truncated",
                    Some(&label),
                    format!("the entry claims {size} bytes but the archive ends before"),
                );
                return Err(Stop);
            };
            end = file_pos.saturating_add(size.div_ceil(512) * 512);

            if is_record {
                self.extended_header(typeflag, data, &label, &mut pending)?;
                continue;
            }

            // The entry proper, with its extended headers applied as Go's
            // `archive/tar` applies them (PAX first, GNU long names win).
            let ext = std::mem::take(&mut pending);
            if let Some(pax_size) = ext.size {
                if pax_size != size {
                    self.error(
                        "image.ambiguous-header",
                        Some(&label),
                        "a PAX size record disagrees with the header (Go and the tar crate would read different entries)",
                    );
                    return Err(Stop);
                }
            }
            let name_bytes = ext.path.unwrap_or_else(|| header.path_bytes().into_owned());
            let link_bytes = ext
                .link
                .or_else(|| header.link_name_bytes().map(|b| b.into_owned()));
            // Go reads no data for these types whatever the size field says;
            // the tar crate frames by the size field.
            if matches!(typeflag, b'1'..=b'6') && size != 0 {
                self.error(
                    "image.ambiguous-header",
                    Some(&label),
                    "a link, device or directory header carries data",
                );
                return Err(Stop);
            }
            if typeflag == b'S' {
                self.error(
                    "image.unsupported-entry",
                    Some(&label),
                    "GNU sparse files are not supported",
                );
                return Err(Stop);
            }
            let Ok(name) = String::from_utf8(name_bytes) else {
                self.error(
                    "image.bad-entry-name",
                    Some(&label),
                    "an entry name is not UTF-8",
                );
                continue;
            };
            self.entry(typeflag, &name, link_bytes, file_pos, size);
        }
        if let Some(first) = pending.first {
            self.error(
                "image.ambiguous-header",
                Some(&first),
                "an extended header is not followed by an entry",
            );
            return Err(Stop);
        }
        // After the end-of-archive marker Go reads nothing; a second archive
        // hidden there would be seen by other readers only.
        let rest = usize::try_from(end)
            .ok()
            .and_then(|end| bytes.get(end..))
            .unwrap_or(&[]);
        if rest.iter().any(|&b| b != 0) {
            self.error(
                "image.trailing-data",
                None,
                "non-zero bytes follow the end of the tar archive",
            );
        }
        Ok(())
    }

    fn extended_header(
        &mut self,
        typeflag: u8,
        data: &[u8],
        label: &str,
        pending: &mut Pending,
    ) -> Result<(), Stop> {
        if typeflag != b'g' && pending.first.is_some() {
            self.error(
                "image.ambiguous-header",
                Some(label),
                "more than one extended header for one entry",
            );
            return Err(Stop);
        }
        match typeflag {
            b'x' | b'g' => {
                let Some(records) = parse_pax(data) else {
                    self.error(
                        "image.malformed-tar",
                        Some(label),
                        "a PAX header is malformed",
                    );
                    return Err(Stop);
                };
                if typeflag == b'g' {
                    // Describes the archive, not an entry; containerd skips it.
                    return Ok(());
                }
                pending.first = Some(label.to_string());
                for (key, value) in records {
                    match key.as_slice() {
                        b"path" => pending.path = Some(value),
                        b"linkpath" => pending.link = Some(value),
                        b"size" => {
                            let size = std::str::from_utf8(&value)
                                .ok()
                                .and_then(|s| s.parse::<u64>().ok());
                            let Some(size) = size else {
                                self.error(
                                    "image.malformed-tar",
                                    Some(label),
                                    "a PAX size record is not a number",
                                );
                                return Err(Stop);
                            };
                            pending.size = Some(size);
                        }
                        k if k.starts_with(b"GNU.sparse.") => {
                            self.error(
                                "image.unsupported-entry",
                                Some(label),
                                "GNU sparse files are not supported",
                            );
                            return Err(Stop);
                        }
                        _ => {}
                    }
                }
            }
            b'L' => {
                pending.first = Some(label.to_string());
                pending.path = Some(c_string(data));
            }
            _ => {
                pending.first = Some(label.to_string());
                pending.link = Some(c_string(data));
            }
        }
        Ok(())
    }

    /// One entry that is not an extended header.
    fn entry(&mut self, typeflag: u8, name: &str, link: Option<Vec<u8>>, file_pos: u64, size: u64) {
        // Go: a TypeRegA ('\0') entry whose name ends in '/' is a directory.
        let typeflag = match typeflag {
            0 if name.ends_with('/') => b'5',
            0 => b'0',
            t => t,
        };
        let Some(clean) = self.check_entry_name(name) else {
            return;
        };
        match typeflag {
            b'0' => {}
            b'5' => {
                if self.files.contains_key(&clean) || self.links.contains_key(&clean) {
                    self.duplicate(name);
                }
                self.dirs.insert(clean);
                return;
            }
            b'2' => {
                let target = link.map(|l| String::from_utf8_lossy(&l).into_owned());
                if self.taken(&clean) {
                    self.duplicate(name);
                    return;
                }
                self.links.insert(clean, target.unwrap_or_default());
                return;
            }
            b'1' => {
                let target = link
                    .map(|l| String::from_utf8_lossy(&l).into_owned())
                    .unwrap_or_default();
                self.error(
                    "image.hardlink",
                    Some(name),
                    format!("hard links are not allowed (link to {})", escape(&target)),
                );
                return;
            }
            b'3' | b'4' | b'6' => {
                let what = match typeflag {
                    b'3' => "a character device",
                    b'4' => "a block device",
                    _ => "a FIFO",
                };
                self.error(
                    "image.special-file",
                    Some(name),
                    format!("the entry is {what}"),
                );
                return;
            }
            t => {
                self.error(
                    "image.unsupported-entry",
                    Some(name),
                    format!("unsupported tar entry type {:?}", char::from(t)),
                );
                return;
            }
        }
        if self.taken(&clean) {
            self.duplicate(name);
            return;
        }
        // Bounds were checked by the caller.
        let (Ok(offset), Ok(len)) = (usize::try_from(file_pos), usize::try_from(size)) else {
            return;
        };
        self.files.insert(clean, Slot { offset, len });
    }

    fn taken(&self, clean: &str) -> bool {
        self.files.contains_key(clean)
            || self.links.contains_key(clean)
            || self.dirs.contains(clean)
    }

    fn duplicate(&mut self, name: &str) {
        self.error(
            "image.duplicate-entry",
            Some(name),
            format!(
                "the archive holds {} more than once (readers disagree on which copy wins)",
                escape(name)
            ),
        );
    }

    /// The path rules for an entry name; `None` (after a finding) when the
    /// entry must be left out.
    fn check_entry_name(&mut self, name: &str) -> Option<String> {
        match path_problem(name) {
            Some((rule, why)) => {
                self.error(rule, Some(name), format!("entry {}: {why}", escape(name)));
                None
            }
            None => {
                let clean = clean_path(name);
                if clean.is_empty() {
                    // `./` and the like: the archive root.
                    return None;
                }
                Some(clean)
            }
        }
    }

    /// Symbolic links must stay inside the archive and point at a regular
    /// file (containerd resolves `manifest.json` paths through them, one
    /// level deep).
    fn resolve_links(&mut self) {
        let links: Vec<(String, String)> = self
            .links
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, target) in links {
            match resolve_link(&name, &target) {
                None => self.error(
                    "image.link-escape",
                    Some(&name),
                    format!("symbolic link to {} leaves the archive", escape(&target)),
                ),
                Some(resolved) => {
                    if !self.files.contains_key(&resolved) {
                        self.error(
                            "image.link-dangling",
                            Some(&name),
                            format!(
                                "symbolic link to {} does not point at a file of the archive",
                                escape(&target)
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A file by path, through one symbolic link.
    fn lookup(&self, path: &str) -> Option<Slot> {
        if let Some(slot) = self.files.get(path) {
            return Some(*slot);
        }
        let target = self.links.get(path)?;
        self.files.get(&resolve_link(path, target)?).copied()
    }

    fn data(&self, slot: Slot) -> &[u8] {
        self.bytes
            .get(slot.offset..slot.offset.saturating_add(slot.len))
            .unwrap_or(&[])
    }

    // ------------------------------------------------------------- content

    /// Every file under `blobs/` is content-addressed: its name must be a
    /// digest and its content must hash to it.
    fn check_blob_names(&mut self) {
        let names: Vec<String> = self
            .files
            .keys()
            .chain(self.links.keys())
            .filter(|n| n.starts_with("blobs/"))
            .cloned()
            .collect();
        for name in names {
            let parts: Vec<&str> = name.split('/').collect();
            let digest = match parts.as_slice() {
                [_, alg, hex] => format!("{alg}:{hex}"),
                _ => {
                    self.error(
                        "image.bad-digest",
                        Some(&name),
                        "a file under blobs/ is not named blobs/<algorithm>/<hex>",
                    );
                    continue;
                }
            };
            if let Err(why) = check_digest(&digest) {
                self.error("image.bad-digest", Some(&name), why);
                continue;
            }
            self.verify_blob(&name);
        }
    }

    /// Hashes a `blobs/<alg>/<hex>` file once; false if it does not match.
    fn verify_blob(&mut self, name: &str) -> bool {
        if let Some(ok) = self.hashed.get(name) {
            return *ok;
        }
        let ok = match (
            name.split('/').nth(1),
            name.split('/').nth(2),
            self.lookup(name),
        ) {
            (Some(alg), Some(hex), Some(slot)) => {
                hex_digest(alg, self.data(slot)).is_some_and(|h| h == hex)
            }
            _ => false,
        };
        self.hashed.insert(name.to_string(), ok);
        if !ok && self.lookup(name).is_some() {
            self.error(
                "image.digest-mismatch",
                Some(name),
                "the blob's content does not hash to its name",
            );
        }
        ok
    }

    /// Reads and parses a JSON file of the archive within the JSON limit.
    fn json(&mut self, path: &str) -> Option<Json> {
        let slot = self.lookup(path)?;
        if slot.len as u64 > self.limits.max_json_bytes {
            self.error(
                "image.json-too-large",
                Some(path),
                format!(
                    "{} has {} bytes, more than the JSON limit of {}",
                    escape(path),
                    slot.len,
                    self.limits.max_json_bytes
                ),
            );
            return None;
        }
        match serde_json::from_slice::<Json>(self.data(slot)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    "image.bad-json",
                    Some(path),
                    format!("{} is not valid JSON: {e}", escape(path)),
                );
                None
            }
        }
    }

    fn read_image(&mut self) -> BTreeSet<String> {
        // containerd reads these only from regular files: a link named
        // manifest.json is a blob to it, and the checker must not read
        // through it what containerd would not.
        for meta in ["manifest.json", "oci-layout", "index.json", "repositories"] {
            if self.links.contains_key(meta) {
                self.error(
                    "image.metadata-link",
                    Some(meta),
                    format!("{meta} is a symbolic link; it must be a regular file"),
                );
                self.links.remove(meta);
            }
        }
        let has_layout = self.lookup("oci-layout").is_some();
        let has_manifest = self.lookup("manifest.json").is_some();
        if !has_layout && !has_manifest {
            let why = if self.lookup("index.json").is_some() {
                "index.json without oci-layout: containerd reads neither form"
            } else {
                "neither manifest.json (docker save) nor oci-layout and index.json (OCI layout)"
            };
            self.error(
                "image.no-manifest",
                None,
                format!("not an image archive: {why}"),
            );
            return BTreeSet::new();
        }
        if self.files.contains_key("repositories") || self.links.contains_key("repositories") {
            self.repositories();
        }
        let docker = has_manifest.then(|| self.docker_manifest());
        if !has_layout {
            return docker.unwrap_or_default();
        }
        let oci = self.oci_layout();
        if let (Some(docker), Some(oci)) = (&docker, &oci) {
            if docker != oci {
                self.error(
                    "image.forms-disagree",
                    Some("manifest.json"),
                    format!(
                        "manifest.json names {:?} but index.json (which containerd imports) names {:?}",
                        docker, oci
                    ),
                );
            }
        }
        oci.unwrap_or_default()
    }

    /// A path named in `manifest.json`; `None` after a finding.
    fn manifest_path(&mut self, path: &str, what: &str) -> Option<Slot> {
        if let Some((rule, why)) = path_problem(path) {
            self.error(
                rule,
                Some("manifest.json"),
                format!("{what} path {}: {why}", escape(path)),
            );
            return None;
        }
        let clean = clean_path(path);
        match self.lookup(&clean) {
            Some(slot) => Some(slot),
            None => {
                self.error(
                    "image.missing-blob",
                    Some("manifest.json"),
                    format!("{what} {} is not in the archive", escape(path)),
                );
                None
            }
        }
    }

    /// The `docker save` form; returns the normalised RepoTags.
    fn docker_manifest(&mut self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let Some(json) = self.json("manifest.json") else {
            return names;
        };
        let Some(items) = json.as_array() else {
            self.bad_manifest("manifest.json", "manifest.json is not a JSON array");
            return names;
        };
        if items.is_empty() {
            self.error(
                "image.no-images",
                Some("manifest.json"),
                "manifest.json lists no images",
            );
        }
        for (i, item) in items.iter().enumerate() {
            let Some(obj) = item.as_object() else {
                self.bad_manifest("manifest.json", format!("image {i} is not an object"));
                continue;
            };
            match obj.get("Config").and_then(Json::as_str) {
                Some(config) => {
                    let clean = clean_path(config);
                    let slot = self.manifest_path(config, "config");
                    if let Some(slot) = slot.filter(|_| self.visited.insert(clean.clone())) {
                        self.check_legacy_config(&clean, slot);
                        if self.json(&clean).is_some_and(|c| !c.is_object()) {
                            self.bad_manifest(&clean, "the image config is not a JSON object");
                        }
                    }
                }
                None => {
                    self.bad_manifest("manifest.json", format!("image {i} has no Config string"))
                }
            }
            match obj.get("Layers").and_then(Json::as_array) {
                Some(layers) => {
                    for layer in layers {
                        match layer.as_str() {
                            Some(path) => {
                                self.manifest_path(path, "layer");
                            }
                            None => self.bad_manifest(
                                "manifest.json",
                                format!("image {i} has a layer that is not a string"),
                            ),
                        }
                    }
                }
                None => {
                    self.bad_manifest("manifest.json", format!("image {i} has no Layers array"))
                }
            }
            let tags = match obj.get("RepoTags") {
                None | Some(Json::Null) => Vec::new(),
                Some(Json::Array(tags)) => tags.clone(),
                Some(_) => {
                    self.bad_manifest(
                        "manifest.json",
                        format!("image {i}: RepoTags is not an array"),
                    );
                    Vec::new()
                }
            };
            let mut tagged = false;
            for tag in &tags {
                match tag.as_str() {
                    Some(tag) => {
                        if let Some(name) = self.reference(tag, "manifest.json") {
                            names.insert(name);
                            tagged = true;
                        }
                    }
                    None => self.bad_manifest(
                        "manifest.json",
                        format!("image {i} has a RepoTag that is not a string"),
                    ),
                }
            }
            if !tagged && tags.is_empty() {
                self.warn(
                    "image.untagged",
                    Some("manifest.json"),
                    format!("image {i} has no RepoTags; it is imported under a digest name only"),
                );
            }
        }
        names
    }

    /// Pre-25 `docker save` names the config `<sha256 hex>.json`.
    fn check_legacy_config(&mut self, clean: &str, slot: Slot) {
        let Some(hex) = clean.strip_suffix(".json") else {
            return;
        };
        if check_digest(&format!("sha256:{hex}")).is_err() {
            return;
        }
        if hex_digest("sha256", self.data(slot)).as_deref() != Some(hex) {
            self.error(
                "image.digest-mismatch",
                Some(clean),
                "the image config does not hash to its name",
            );
        }
    }

    /// The legacy `repositories` file: `{"repo": {"tag": "<id>"}}`.
    fn repositories(&mut self) {
        let Some(json) = self.json("repositories") else {
            return;
        };
        let Some(repos) = json.as_object() else {
            self.bad_manifest("repositories", "repositories is not a JSON object");
            return;
        };
        for (repo, tags) in repos {
            let Some(tags) = tags.as_object() else {
                self.bad_manifest("repositories", format!("{} is not an object", escape(repo)));
                continue;
            };
            for (tag, id) in tags {
                if !id.is_string() {
                    self.bad_manifest("repositories", "an image id is not a string");
                }
                self.reference(&format!("{repo}:{tag}"), "repositories");
            }
        }
    }

    fn bad_manifest(&mut self, file: &str, message: impl Into<String>) {
        self.error("image.bad-manifest", Some(file), message);
    }

    /// Validates and normalises one reference; `None` after a finding.
    fn reference(&mut self, reference: &str, file: &str) -> Option<String> {
        if reference
            .chars()
            .any(|c| c.is_control() || (SHELL_META.contains(&c) && c != '[' && c != ']'))
        {
            self.error(
                "image.dangerous-reference",
                Some(file),
                format!(
                    "image reference {} contains control or shell characters",
                    escape(reference)
                ),
            );
            return None;
        }
        match normalize_reference(reference) {
            Ok(name) => Some(name),
            Err(why) => {
                self.error(
                    "image.bad-reference",
                    Some(file),
                    format!("image reference {}: {why}", escape(reference)),
                );
                None
            }
        }
    }

    /// The OCI layout form; returns the names containerd would record,
    /// or `None` when `index.json` could not be read.
    fn oci_layout(&mut self) -> Option<BTreeSet<String>> {
        match self.json("oci-layout") {
            Some(layout) => {
                let version = layout.get("imageLayoutVersion").and_then(Json::as_str);
                if version != Some("1.0.0") {
                    self.error(
                        "image.bad-oci-layout",
                        Some("oci-layout"),
                        "oci-layout must be {\"imageLayoutVersion\": \"1.0.0\"}",
                    );
                }
            }
            None => return None,
        }
        if self.lookup("index.json").is_none() {
            self.error(
                "image.no-manifest",
                Some("index.json"),
                "an OCI layout without index.json",
            );
            return None;
        }
        let index = self.json("index.json")?;
        let mut names = BTreeSet::new();
        let descriptors = self.index("index.json", &index, 0);
        if descriptors.is_empty() && !self.has_error_for("index.json") {
            self.error(
                "image.no-images",
                Some("index.json"),
                "index.json lists no manifests",
            );
        }
        for desc in descriptors {
            let annotations = desc.annotations;
            let containerd = annotations.get(CONTAINERD_NAME).cloned();
            let oci = annotations.get(OCI_REF_NAME).cloned();
            if let Some(oci) = &oci {
                if oci.contains(['/', ':', '@']) {
                    let name = self.reference(oci, "index.json");
                    if containerd.is_none() {
                        names.extend(name);
                    }
                } else if oci
                    .chars()
                    .any(|c| c.is_control() || SHELL_META.contains(&c))
                {
                    self.reference(oci, "index.json");
                } else if !is_tag(oci) {
                    self.error(
                        "image.bad-reference",
                        Some("index.json"),
                        format!(
                            "{OCI_REF_NAME} {} is neither a reference nor a tag",
                            escape(oci)
                        ),
                    );
                } else if containerd.is_none() {
                    self.warn(
                        "image.unnamed",
                        Some("index.json"),
                        format!(
                            "{OCI_REF_NAME} is the bare tag {}: ctr imports it under a generated name",
                            escape(oci)
                        ),
                    );
                }
            }
            match &containerd {
                Some(name) => names.extend(self.reference(name, "index.json")),
                None if oci.is_none() => self.warn(
                    "image.untagged",
                    Some("index.json"),
                    format!("manifest {} has no name annotation; it is imported under a digest name only", desc.digest),
                ),
                None => {}
            }
        }
        Some(names)
    }

    fn has_error_for(&self, file: &str) -> bool {
        self.report
            .findings
            .iter()
            .any(|f| f.file.as_deref() == Some(file) && f.severity == Severity::Error)
    }

    /// One index: checks its manifests (recursively) and returns its
    /// well-formed descriptors.
    fn index(&mut self, file: &str, json: &Json, depth: usize) -> Vec<Descriptor> {
        let mut out = Vec::new();
        let Some(obj) = json.as_object() else {
            self.bad_manifest(file, "the index is not a JSON object");
            return out;
        };
        if let Some(v) = obj.get("schemaVersion") {
            if v.as_u64() != Some(2) {
                self.bad_manifest(file, "schemaVersion must be 2");
            }
        }
        let Some(manifests) = obj.get("manifests").and_then(Json::as_array) else {
            self.bad_manifest(file, "the index has no manifests array");
            return out;
        };
        for item in manifests {
            let Some(desc) = self.descriptor(file, item) else {
                continue;
            };
            match self.blob(file, &desc, depth > 0) {
                None => {}
                Some(path) => {
                    let media = desc.media_type.as_deref().unwrap_or("");
                    if INDEX_TYPES.contains(&media) {
                        if depth + 1 > self.limits.max_index_depth {
                            self.error(
                                "image.index-too-deep",
                                Some(&path),
                                format!(
                                    "indexes nest deeper than {} levels",
                                    self.limits.max_index_depth
                                ),
                            );
                        } else if self.visited.insert(path.clone()) {
                            if let Some(child) = self.json(&path) {
                                self.index(&path, &child, depth + 1);
                            }
                        }
                    } else if MANIFEST_TYPES.contains(&media) {
                        if self.visited.insert(path.clone()) {
                            self.manifest(&path);
                        }
                    } else {
                        self.warn(
                            "image.unknown-media-type",
                            Some(&path),
                            format!(
                                "descriptor media type {} is neither an index nor a manifest; containerd skips it",
                                escape(media)
                            ),
                        );
                    }
                }
            }
            out.push(desc);
        }
        out
    }

    /// One image manifest: its config and layers must be present.
    fn manifest(&mut self, file: &str) {
        let Some(json) = self.json(file) else {
            return;
        };
        let Some(obj) = json.as_object() else {
            self.bad_manifest(file, "the manifest is not a JSON object");
            return;
        };
        match obj.get("config") {
            Some(config) => {
                if let Some(desc) = self.descriptor(file, config) {
                    let path = self.blob(file, &desc, false);
                    if let Some(path) = path.filter(|p| self.visited.insert(p.clone())) {
                        if self.json(&path).is_some_and(|c| !c.is_object()) {
                            self.bad_manifest(&path, "the image config is not a JSON object");
                        }
                    }
                }
            }
            None => self.bad_manifest(file, "the manifest has no config"),
        }
        match obj.get("layers").and_then(Json::as_array) {
            Some(layers) => {
                for layer in layers {
                    if let Some(desc) = self.descriptor(file, layer) {
                        self.blob(file, &desc, false);
                    }
                }
            }
            None => self.bad_manifest(file, "the manifest has no layers array"),
        }
    }

    /// Reads one descriptor; `None` after a finding.
    fn descriptor(&mut self, file: &str, json: &Json) -> Option<Descriptor> {
        let Some(obj) = json.as_object() else {
            self.bad_manifest(file, "a descriptor is not a JSON object");
            return None;
        };
        let Some(digest) = obj.get("digest").and_then(Json::as_str) else {
            self.error("image.bad-digest", Some(file), "a descriptor has no digest");
            return None;
        };
        if let Err(why) = check_digest(digest) {
            self.error("image.bad-digest", Some(file), why);
            return None;
        }
        let Some(size) = obj.get("size").and_then(Json::as_u64) else {
            self.bad_manifest(
                file,
                format!(
                    "descriptor {} has no non-negative integer size",
                    escape(digest)
                ),
            );
            return None;
        };
        let media_type = match obj.get("mediaType") {
            None => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => {
                self.bad_manifest(file, "a descriptor's mediaType is not a string");
                return None;
            }
        };
        let mut annotations = BTreeMap::new();
        match obj.get("annotations") {
            None | Some(Json::Null) => {}
            Some(Json::Object(map)) => {
                for (k, v) in map {
                    match v.as_str() {
                        Some(v) => {
                            annotations.insert(k.clone(), v.to_string());
                        }
                        None => {
                            self.bad_manifest(file, "an annotation value is not a string");
                        }
                    }
                }
            }
            Some(_) => self.bad_manifest(file, "annotations is not an object"),
        }
        Some(Descriptor {
            digest: digest.to_string(),
            size,
            media_type,
            annotations,
        })
    }

    /// The blob a descriptor names: present, of the declared size, hashing
    /// to its digest. Returns its path when all holds.
    fn blob(&mut self, file: &str, desc: &Descriptor, optional: bool) -> Option<String> {
        let path = format!("blobs/{}", desc.digest.replacen(':', "/", 1));
        // The OCI form resolves blobs by file name only; containerd follows
        // symbolic links for manifest.json paths alone.
        let Some(slot) = self.files.get(&path).copied() else {
            if optional {
                self.warn(
                    "image.missing-platform",
                    Some(file),
                    format!(
                        "manifest {} of a nested index is not in the archive (a platform that was not saved)",
                        desc.digest
                    ),
                );
            } else {
                self.error(
                    "image.missing-blob",
                    Some(file),
                    format!("blob {} is not in the archive", desc.digest),
                );
            }
            return None;
        };
        if slot.len as u64 != desc.size {
            self.error(
                "image.size-mismatch",
                Some(&path),
                format!(
                    "the descriptor says {} bytes, the blob has {}",
                    desc.size, slot.len
                ),
            );
            return None;
        }
        // Mismatches were reported by check_blob_names.
        self.verify_blob(&path).then_some(path)
    }
}

/// A content descriptor of an index or manifest.
struct Descriptor {
    digest: String,
    size: u64,
    media_type: Option<String>,
    annotations: BTreeMap<String, String>,
}

/// `data[pos..pos+size]`, or `None` if it runs past the end.
fn slice(data: &[u8], pos: u64, size: u64) -> Option<&[u8]> {
    let start = usize::try_from(pos).ok()?;
    let end = start.checked_add(usize::try_from(size).ok()?)?;
    data.get(start..end)
}

/// A GNU long name: the data up to the first NUL.
fn c_string(data: &[u8]) -> Vec<u8> {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    data.get(..end).unwrap_or(&[]).to_vec()
}

/// PAX records, `"<len> <key>=<value>\n"` each (Go's `parsePAXRecord`).
fn parse_pax(mut data: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut out = Vec::new();
    // Trailing NUL padding is tolerated, as Go does.
    while !data.is_empty() && data.iter().any(|&b| b != 0) {
        let sp = data.iter().position(|&b| b == b' ')?;
        let len: usize = std::str::from_utf8(data.get(..sp)?).ok()?.parse().ok()?;
        if len <= sp + 1 {
            return None;
        }
        let record = data.get(sp + 1..len)?;
        let record = record.strip_suffix(b"\n")?;
        let eq = record.iter().position(|&b| b == b'=')?;
        let key = record.get(..eq)?;
        if key.is_empty() {
            return None;
        }
        out.push((key.to_vec(), record.get(eq + 1..)?.to_vec()));
        data = data.get(len..)?;
    }
    Some(out)
}

/// Whether `s` is a tag (`[\w][\w.-]{0,127}`).
fn is_tag(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    first_ok
        && s.len() <= MAX_TAG_LENGTH
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The rule an archive path breaks, if any.
fn path_problem(name: &str) -> Option<(&'static str, &'static str)> {
    if name.is_empty() {
        return Some(("image.bad-entry-name", "the name is empty"));
    }
    if name.chars().any(char::is_control) {
        return Some((
            "image.bad-entry-name",
            "the name contains control characters",
        ));
    }
    if name.contains('\\') {
        return Some(("image.backslash", "the name contains a backslash"));
    }
    if name.starts_with('/') {
        return Some(("image.absolute-path", "the path is absolute"));
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some(("image.drive-letter", "the path starts with a drive letter"));
    }
    if name.split('/').any(|c| c == "..") {
        return Some(("image.path-traversal", "the path contains '..'"));
    }
    None
}

/// Drops `.` and empty components (the name passed `path_problem`).
fn clean_path(name: &str) -> String {
    name.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Where a symbolic link at `name` points, inside the archive; `None` if it
/// leaves it (absolute, backslashes, or `..` past the root).
fn resolve_link(name: &str, target: &str) -> Option<String> {
    if target.is_empty() || target.starts_with('/') || target.contains('\\') {
        return None;
    }
    let b = target.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return None;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::Verdict;

    /// One tar entry: name, typeflag, data, link target.
    type E<'a> = (&'a str, u8, &'a [u8], &'a str);

    /// A tar of the entries.
    fn tar_of(entries: &[E<'_>]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, flag, data, link) in entries {
            let mut h = tar::Header::new_ustar();
            h.set_entry_type(tar::EntryType::new(*flag));
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            if !link.is_empty() {
                let _ = h.set_link_name(link);
            }
            // set_path refuses `..`; write the raw name field instead.
            let raw = &mut h.as_old_mut().name;
            raw.fill(0);
            let n = name.len().min(100);
            raw[..n].copy_from_slice(&name.as_bytes()[..n]);
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn sha(data: &[u8]) -> String {
        hex_digest("sha256", data).unwrap()
    }

    /// A docker-save archive of one image with the given RepoTags.
    fn docker(tags: &str, extra: &[E<'_>]) -> Vec<u8> {
        let config = br#"{"architecture":"amd64","os":"linux"}"#;
        let config_name = format!("{}.json", sha(config));
        let manifest = format!(
            r#"[{{"Config":"{config_name}","RepoTags":{tags},"Layers":["abc/layer.tar"]}}]"#
        );
        let mut entries: Vec<E<'_>> = vec![
            ("manifest.json", b'0', manifest.as_bytes(), ""),
            (&config_name, b'0', config, ""),
            ("abc/", b'5', b"", ""),
            ("abc/layer.tar", b'0', b"layer", ""),
        ];
        entries.extend_from_slice(extra);
        tar_of(&entries)
    }

    fn rules(check: &ImageCheck) -> Vec<String> {
        check
            .report
            .findings
            .iter()
            .map(|f| f.rule.clone())
            .collect()
    }

    #[test]
    fn docker_save_is_accepted_and_names_normalised() {
        let check = check_image_archive(&docker(r#"["busybox","ghcr.io/a/b:1"]"#, &[]));
        assert_eq!(
            check.report.verdict(),
            Verdict::Accepted,
            "{:?}",
            rules(&check)
        );
        assert_eq!(
            check.images,
            ["docker.io/library/busybox:latest", "ghcr.io/a/b:1"]
        );
    }

    #[test]
    fn references_follow_distribution() {
        let ok = |s: &str| normalize_reference(s).unwrap();
        assert_eq!(ok("ubuntu:22.04"), "docker.io/library/ubuntu:22.04");
        assert_eq!(ok("docker.io/ubuntu"), "docker.io/library/ubuntu:latest");
        assert_eq!(ok("index.docker.io/a/b"), "docker.io/a/b:latest");
        assert_eq!(ok("localhost/x"), "localhost/x:latest");
        assert_eq!(ok("[::1]:5000/x:y"), "[::1]:5000/x:y");
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(ok(&format!("a:t@{d}")), format!("docker.io/library/a@{d}"));
        for bad in [
            "",
            "UPPER",
            "a/B",
            "a:",
            "a:-x",
            "a@sha256:abc",
            "a@md5:0123456789abcdef0123456789abcdef",
            "a b",
            "-a",
            "a//b",
        ] {
            assert!(normalize_reference(bad).is_err(), "{bad}");
        }
        assert!(normalize_reference(&"f".repeat(64)).is_err());
    }

    #[test]
    fn name_and_tag_length_limits() {
        // docker.io/library/ is 18 characters of the name.
        let at = "a".repeat(MAX_REFERENCE_NAME_LENGTH - 18);
        assert!(normalize_reference(&at).is_ok());
        assert!(normalize_reference(&format!("{at}a")).is_err());
        let tag = "t".repeat(MAX_TAG_LENGTH);
        assert!(normalize_reference(&format!("a:{tag}")).is_ok());
        assert!(normalize_reference(&format!("a:{tag}t")).is_err());
        assert!(is_tag(&tag));
        assert!(!is_tag(&format!("{tag}t")));
    }

    #[test]
    fn archive_size_limit() {
        let bytes = docker(r#"["a"]"#, &[]);
        let n = bytes.len() as u64;
        let at = ImageLimits {
            max_archive_bytes: n,
            ..ImageLimits::default()
        };
        assert_eq!(
            check_image_archive_with(&bytes, &at).report.verdict(),
            Verdict::Accepted
        );
        let below = ImageLimits {
            max_archive_bytes: n - 1,
            ..ImageLimits::default()
        };
        assert_eq!(
            rules(&check_image_archive_with(&bytes, &below)),
            ["image.archive-too-large"]
        );
    }

    #[test]
    fn entry_size_limit() {
        let bytes = docker(r#"["a"]"#, &[]);
        let at = ImageLimits {
            max_entry_bytes: 120,
            ..ImageLimits::default()
        };
        // manifest.json is the largest entry; find its size.
        let manifest_len = {
            let mut a = tar::Archive::new(&bytes[..]);
            let mut e = a.entries().unwrap();
            e.next().unwrap().unwrap().header().size().unwrap()
        };
        let at = ImageLimits {
            max_entry_bytes: manifest_len,
            ..at
        };
        assert_eq!(
            check_image_archive_with(&bytes, &at).report.verdict(),
            Verdict::Accepted
        );
        let below = ImageLimits {
            max_entry_bytes: manifest_len - 1,
            ..at
        };
        assert_eq!(
            rules(&check_image_archive_with(&bytes, &below)),
            ["image.entry-too-large"]
        );
    }

    /// A lone header claiming `size` bytes (base-256), with no data.
    fn claiming(size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_gnu();
        h.set_path("layer.tar").unwrap();
        h.set_entry_type(tar::EntryType::Regular);
        let field = &mut h.as_old_mut().size;
        field.fill(0);
        field[0] = 0x80;
        for (i, b) in size.to_be_bytes().iter().enumerate() {
            field[4 + i] = *b;
        }
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    #[test]
    fn default_entry_limit_on_each_side() {
        let over = check_image_archive(&claiming(MAX_IMAGE_ENTRY_BYTES + 1));
        assert_eq!(rules(&over), ["image.entry-too-large"]);
        let at = check_image_archive(&claiming(MAX_IMAGE_ENTRY_BYTES));
        assert_eq!(rules(&at), ["image.truncated"]);
    }

    #[test]
    fn entry_count_limit() {
        let names: Vec<String> = (0..MAX_IMAGE_ENTRIES - 4)
            .map(|i| format!("d{i}/"))
            .collect();
        let extra: Vec<E<'_>> = names
            .iter()
            .map(|n| (n.as_str(), b'5', &b""[..], ""))
            .collect();
        let at = docker(r#"["a"]"#, &extra);
        assert_eq!(check_image_archive(&at).report.verdict(), Verdict::Accepted);
        let mut extra = extra;
        extra.push(("one-more/", b'5', b"", ""));
        let over = docker(r#"["a"]"#, &extra);
        assert_eq!(
            rules(&check_image_archive(&over)),
            ["image.too-many-entries"]
        );
    }

    #[test]
    fn json_size_limit() {
        let pad = |n: usize| {
            let config = br#"{"os":"linux"}"#;
            let name = format!("{}.json", sha(config));
            let mut m = format!(r#"[{{"Config":"{name}","RepoTags":["a"],"Layers":["l.tar"]}}]"#);
            m.push_str(&" ".repeat(n - m.len()));
            (m, name)
        };
        let limit = MAX_IMAGE_JSON_BYTES as usize;
        for (len, want) in [(limit, Verdict::Accepted), (limit + 1, Verdict::Rejected)] {
            let (m, name) = pad(len);
            let bytes = tar_of(&[
                ("manifest.json", b'0', m.as_bytes(), ""),
                (&name, b'0', br#"{"os":"linux"}"#, ""),
                ("l.tar", b'0', b"x", ""),
            ]);
            let check = check_image_archive(&bytes);
            assert_eq!(check.report.verdict(), want, "{:?}", rules(&check));
            if want == Verdict::Rejected {
                assert_eq!(rules(&check), ["image.json-too-large"]);
            }
        }
    }

    #[test]
    fn header_record_limit() {
        let record = |total: usize| {
            // "<len> comment=<pad>\n" of exactly `total` bytes.
            let digits = total.to_string().len();
            let pad = total - digits - " comment=\n".len();
            format!("{total} comment={}\n", "x".repeat(pad)).into_bytes()
        };
        let limit = MAX_IMAGE_HEADER_RECORD_BYTES as usize;
        for (len, want) in [(limit, Verdict::Accepted), (limit + 1, Verdict::Rejected)] {
            let pax = record(len);
            assert_eq!(pax.len(), len);
            let bytes = docker(
                r#"["a"]"#,
                &[("PaxHeader", b'x', &pax, ""), ("extra", b'0', b"", "")],
            );
            let check = check_image_archive(&bytes);
            assert_eq!(check.report.verdict(), want, "{:?}", rules(&check));
            if want == Verdict::Rejected {
                assert_eq!(rules(&check), ["image.header-record-size"]);
            }
        }
    }

    /// An OCI layout whose index.json nests `depth` indexes above a manifest.
    fn nested(depth: usize) -> Vec<u8> {
        let mut blobs: Vec<(String, Vec<u8>)> = Vec::new();
        let mut add = |data: Vec<u8>| {
            let d = sha(&data);
            let len = data.len();
            blobs.push((format!("blobs/sha256/{d}"), data));
            (d, len)
        };
        let (cd, cl) = add(br#"{"os":"linux"}"#.to_vec());
        let (ld, ll) = add(b"layer".to_vec());
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{cd}","size":{cl}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:{ld}","size":{ll}}}]}}"#
        );
        let (mut d, mut l) = add(manifest.into_bytes());
        let mut media = "application/vnd.oci.image.manifest.v1+json";
        for _ in 0..depth {
            let index = format!(
                r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{media}","digest":"sha256:{d}","size":{l}}}]}}"#
            );
            (d, l) = add(index.into_bytes());
            media = "application/vnd.oci.image.index.v1+json";
        }
        let index = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{media}","digest":"sha256:{d}","size":{l},"annotations":{{"io.containerd.image.name":"docker.io/library/x:1"}}}}]}}"#
        );
        let mut entries: Vec<E<'_>> = vec![
            ("oci-layout", b'0', br#"{"imageLayoutVersion":"1.0.0"}"#, ""),
            ("index.json", b'0', index.as_bytes(), ""),
        ];
        for (name, data) in &blobs {
            entries.push((name, b'0', data, ""));
        }
        tar_of(&entries)
    }

    #[test]
    fn index_depth_limit() {
        let at = check_image_archive(&nested(MAX_IMAGE_INDEX_DEPTH));
        assert_eq!(at.report.verdict(), Verdict::Accepted, "{:?}", rules(&at));
        assert_eq!(at.images, ["docker.io/library/x:1"]);
        let over = check_image_archive(&nested(MAX_IMAGE_INDEX_DEPTH + 1));
        assert_eq!(rules(&over), ["image.index-too-deep"]);
    }

    #[test]
    fn hostile_entries() {
        let cases: &[(&[E<'_>], &str)] = &[
            (&[("../evil", b'0', b"x", "")], "image.path-traversal"),
            (&[("/etc/x", b'0', b"x", "")], "image.absolute-path"),
            (&[("a\\b", b'0', b"x", "")], "image.backslash"),
            (&[("c:x", b'0', b"x", "")], "image.drive-letter"),
            (&[("l", b'2', b"", "/etc/shadow")], "image.link-escape"),
            (&[("l", b'2', b"", "../../x")], "image.link-escape"),
            (&[("l", b'2', b"", "nothing")], "image.link-dangling"),
            (&[("h", b'1', b"", "manifest.json")], "image.hardlink"),
            (&[("f", b'6', b"", "")], "image.special-file"),
            (&[("c", b'3', b"", "")], "image.special-file"),
            (
                &[("manifest.json", b'0', b"[]", "")],
                "image.duplicate-entry",
            ),
            (&[("a\nb", b'0', b"", "")], "image.bad-entry-name"),
        ];
        for (extra, want) in cases {
            let check = check_image_archive(&docker(r#"["a"]"#, extra));
            assert_eq!(rules(&check), [*want], "{extra:?}");
        }
    }

    #[test]
    fn no_panics_on_prefixes_and_flips() {
        let bytes = nested(2);
        for cut in (0..bytes.len()).step_by(97) {
            let _ = check_image_archive(&bytes[..cut]);
        }
        for i in (0..bytes.len()).step_by(53) {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            let _ = check_image_archive(&b);
        }
    }

    #[test]
    fn file_names() {
        for bad in [
            "", "a;b.tar", "$(x).tar", "a b.tar", "-rf.tar", "../x.tar", "a\n.tar", "a`b`",
        ] {
            assert_eq!(
                check_upload_file_name(bad).verdict(),
                Verdict::Rejected,
                "{bad:?}"
            );
        }
        for good in ["busybox.tar", "my-image_1.2.tar"] {
            assert_eq!(check_upload_file_name(good).verdict(), Verdict::Accepted);
        }
    }
    #[test]
    fn shared_blobs_are_parsed_once() {
        // 15,000 descriptors naming one manifest: checked once, fast.
        let one = nested(0);
        let check = check_image_archive(&one);
        assert_eq!(check.report.verdict(), Verdict::Accepted);
        let mut a = tar::Archive::new(&one[..]);
        let mut index = String::new();
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            if e.path().unwrap().to_str() == Some("index.json") {
                std::io::Read::read_to_string(&mut e, &mut index).unwrap();
            }
        }
        let v: Json = serde_json::from_str(&index).unwrap();
        let desc = v["manifests"][0].clone();
        let many = serde_json::json!({"schemaVersion": 2, "manifests": vec![desc; 15_000]});
        let many = serde_json::to_vec(&many).unwrap();
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        let mut a = tar::Archive::new(&one[..]);
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).unwrap();
            entries.push((
                name.clone(),
                if name == "index.json" {
                    many.clone()
                } else {
                    data
                },
            ));
        }
        let list: Vec<E<'_>> = entries
            .iter()
            .map(|(n, d)| (n.as_str(), b'0', d.as_slice(), ""))
            .collect();
        let start = std::time::Instant::now();
        let check = check_image_archive(&tar_of(&list));
        assert_eq!(
            check.report.verdict(),
            Verdict::Accepted,
            "{:?}",
            rules(&check)
        );
        assert_eq!(check.images, ["docker.io/library/x:1"]);
        assert!(start.elapsed().as_secs() < 20);
    }
}
