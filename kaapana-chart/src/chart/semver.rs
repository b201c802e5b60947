//! Semantic versions and version constraints, as Helm reads them.
//!
//! Helm (v4.2.3) uses [Masterminds/semver] v3.5.0 in three places, and this
//! module reproduces its behaviour for all of them:
//!
//! * the version ranges of Chart.yaml `dependencies` and the chart's
//!   `kubeVersion` ([`is_compatible_range`], which is Helm's
//!   `IsCompatibleRange`);
//! * Chart.yaml's `version`, which Helm validates with the *loose*
//!   `NewVersion` ([`Version::parse`]), not with `StrictNewVersion`;
//! * Sprig's `semverCompare` and `semver` template functions
//!   ([`semver_compare`], [`semver`]).
//!
//! Masterminds is not the Cargo or npm dialect of SemVer: a version may carry
//! a `v` prefix, leave out its minor and patch numbers (`1.2` is `1.2.0`) and
//! have leading zeros (`01.2.3`); a constraint may OR groups with `||`, AND
//! constraints with a comma or a space, use `x`, `X` or `*` wildcards, hyphen
//! ranges (`1.2 - 1.4.5`), `~`, `~>` and `^`; and a version with a
//! pre-release only satisfies an AND group that itself names a pre-release
//! (the `>=1.20.0-0` idiom that admits `v1.21.3-eks-1234`).
//!
//! Masterminds parses constraints with regular expressions; this module
//! parses them by hand, reproducing what those expressions accept, how they
//! split a constraint, and the quirks that follow (a `|` is a valid character
//! of a version number in a constraint; a hyphen range is rewritten *before*
//! the constraint is split on `||`). The work is bounded: constraints longer
//! than [`MAX_CONSTRAINT_LEN`] and versions longer than [`MAX_VERSION_LEN`]
//! are rejected up front, as Masterminds does, and no step backtracks.
//!
//! Error messages are Masterminds' own (`invalid semantic version`,
//! `improper constraint: "bad"`, `constraint parser error`, …); every error is
//! of kind [`ErrorKind::InvalidArgument`].
//!
//! ```
//! use kaapana_chart::chart::semver::{Constraints, Version};
//!
//! let eks = Version::parse("v1.21.3-eks-1234").unwrap();
//! assert!(!Constraints::parse(">=1.20.0").unwrap().check(&eks));
//! assert!(Constraints::parse(">=1.20.0-0").unwrap().check(&eks));
//! ```
//!
//! [Masterminds/semver]: https://github.com/Masterminds/semver

use crate::template::fmt::go_quote;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use crate::error::{Error, ErrorKind};

/// The longest version string [`Version::parse`] accepts, in bytes
/// (Masterminds' `MaxVersionLen`).
pub const MAX_VERSION_LEN: usize = 256;

/// The longest constraint string [`Constraints::parse`] accepts, in bytes
/// (Masterminds' `MaxConstraintLen`).
pub const MAX_CONSTRAINT_LEN: usize = 512;

/// The most `||` groups [`Constraints::parse`] accepts (Masterminds'
/// `MaxConstraintGroups`).
pub const MAX_CONSTRAINT_GROUPS: usize = 32;

const INVALID_SEMVER: &str = "invalid semantic version";
const SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";
const INVALID_PRERELEASE: &str = "invalid prerelease string";
const INVALID_METADATA: &str = "invalid metadata string";
const CONSTRAINT_PARSER_ERROR: &str = "constraint parser error";

fn error(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

// ---------------------------------------------------------------------------
// Character classes of Masterminds' regular expressions. Every class is ASCII,
// so scanning bytes never splits a UTF-8 sequence.

/// Go's `\s`: `[\t\n\f\r ]` (no vertical tab, nothing beyond ASCII).
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// A number of a version: `[0-9]`.
fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// A number of a version inside a constraint: `[0-9|x|X|\*]` (the `|` is in
/// the class, as the regular expression is written).
fn is_constraint_segment(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'|' | b'x' | b'X' | b'*')
}

/// A pre-release or metadata identifier character: `[0-9A-Za-z-]`.
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// Where each part of a version lies in the scanned text. The ranges exclude
/// the separators (`.`, `-`, `+`).
#[derive(Debug, Clone)]
struct Parts {
    major: Range<usize>,
    minor: Option<Range<usize>>,
    patch: Option<Range<usize>>,
    pre: Option<Range<usize>>,
    meta: Option<Range<usize>>,
    end: usize,
}

/// Scans, from `start`, the longest text matching
///
/// ```text
/// v?(SEG+)(\.SEG+)?(\.SEG+)?(-(ID+(\.ID+)*))?(\+(ID+(\.ID+)*))?
/// ```
///
/// the way Go's leftmost-first engine does when nothing is required after it
/// (every quantifier greedy). `SEG` is `segment`. Because no part of the
/// pattern can start with a character that ends the previous part, this is
/// also the only way to match the whole text when the whole text matches:
/// `parts.end == text.len()` tells whether the anchored pattern matches.
fn scan_version(b: &[u8], start: usize, segment: fn(u8) -> bool) -> Option<Parts> {
    let n = b.len();
    let mut i = start;
    if i < n && b[i] == b'v' {
        i += 1;
    }
    let run = |from: usize, class: fn(u8) -> bool| {
        let mut j = from;
        while j < n && class(b[j]) {
            j += 1;
        }
        j
    };
    let major_end = run(i, segment);
    if major_end == i {
        return None;
    }
    let major = i..major_end;
    i = major_end;
    let mut numbers = [None, None];
    for slot in &mut numbers {
        if i + 1 < n && b[i] == b'.' && segment(b[i + 1]) {
            let end = run(i + 1, segment);
            *slot = Some(i + 1..end);
            i = end;
        }
    }
    let [minor, patch] = numbers;
    let idents = |lead: u8, i: &mut usize| {
        if *i + 1 < n && b[*i] == lead && is_ident(b[*i + 1]) {
            let from = *i + 1;
            let mut j = run(from, is_ident);
            while j + 1 < n && b[j] == b'.' && is_ident(b[j + 1]) {
                j = run(j + 1, is_ident);
            }
            *i = j;
            Some(from..j)
        } else {
            None
        }
    };
    let pre = idents(b'-', &mut i);
    let meta = idents(b'+', &mut i);
    Some(Parts {
        major,
        minor,
        patch,
        pre,
        meta,
        end: i,
    })
}

/// The anchored match of [`scan_version`] over all of `b`.
fn match_version(b: &[u8], segment: fn(u8) -> bool) -> Option<Parts> {
    scan_version(b, 0, segment).filter(|p| p.end == b.len())
}

/// Go's `strconv.ParseUint(s, 10, 64)`.
fn parse_uint(s: &str) -> Result<u64, String> {
    let fail = |why: &str| format!("strconv.ParseUint: parsing {}: {why}", go_quote(s));
    if s.is_empty() || !s.bytes().all(is_digit) {
        return Err(fail("invalid syntax"));
    }
    s.bytes()
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .ok_or_else(|| fail("value out of range"))
}

fn is_numeric(s: &str) -> bool {
    s.bytes().all(is_digit)
}

/// Masterminds' `validatePrerelease`.
fn validate_prerelease(pre: &str) -> Result<(), Error> {
    for part in pre.split('.') {
        if part.is_empty() {
            return Err(error(INVALID_PRERELEASE));
        } else if is_numeric(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(error(SEGMENT_STARTS_ZERO));
            }
        } else if !part.bytes().all(is_ident) {
            return Err(error(INVALID_PRERELEASE));
        }
    }
    Ok(())
}

/// Masterminds' `validateMetadata`.
fn validate_metadata(meta: &str) -> Result<(), Error> {
    if meta
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(is_ident))
    {
        Ok(())
    } else {
        Err(error(INVALID_METADATA))
    }
}

// ---------------------------------------------------------------------------
// Versions

/// A semantic version: Masterminds' `semver.Version`.
///
/// Versions are ordered by SemVer precedence as Masterminds computes it:
/// major, minor and patch numerically; a version with a pre-release before the
/// same version without one; pre-releases identifier by identifier (numeric
/// identifiers numerically and before alphanumeric ones, alphanumeric ones by
/// bytes, a shorter list first). Build metadata is ignored, so `1.2.3+a` and
/// `1.2.3+b` compare (and are) equal.
///
/// `Display` prints Masterminds' `String()`: the normalised version, without
/// a `v` prefix and with the missing numbers filled in; [`Version::original`]
/// keeps the text as given.
///
/// ```
/// use kaapana_chart::chart::semver::Version;
///
/// let v = Version::parse("v1.2-beta.1+build.5").unwrap();
/// assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 0));
/// assert_eq!(v.prerelease(), "beta.1");
/// assert_eq!(v.metadata(), "build.5");
/// assert_eq!(v.to_string(), "1.2.0-beta.1+build.5");
/// assert_eq!(v.original(), "v1.2-beta.1+build.5");
/// assert!(v < Version::parse("1.2.0").unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

impl Version {
    /// Parses a version the loose way: Masterminds' `NewVersion` (with its
    /// default `CoerceNewVersion = true`), which Helm and Sprig use.
    ///
    /// The text must match, in full,
    ///
    /// ```text
    /// v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?
    /// ```
    ///
    /// so `1`, `1.2`, `v1.2.3` and `01.02.03` are accepted (missing numbers
    /// are 0, leading zeros are dropped), while `V1`, ` 1.2.3`, `1.2.3.4` and
    /// `1.2.3-` are not. The numbers must fit in a `u64`, and a numeric
    /// pre-release identifier must not have a leading zero.
    ///
    /// # Errors
    ///
    /// Masterminds' messages: `version string is too long (max 256 bytes)`,
    /// `invalid semantic version`, `error parsing version segment:
    /// strconv.ParseUint: parsing "…": value out of range` and `version
    /// segment starts with 0`.
    ///
    /// ```
    /// use kaapana_chart::chart::semver::Version;
    ///
    /// assert_eq!(Version::parse("01.2").unwrap().to_string(), "1.2.0");
    /// let err = Version::parse("1.2.3.4").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid semantic version");
    /// ```
    pub fn parse(text: &str) -> Result<Version, Error> {
        if text.len() > MAX_VERSION_LEN {
            return Err(too_long_version());
        }
        let parts =
            match_version(text.as_bytes(), is_digit).ok_or_else(|| error(INVALID_SEMVER))?;
        let number = |range: Option<Range<usize>>| match range {
            None => Ok(0),
            Some(r) => parse_uint(&text[r])
                .map_err(|e| error(format!("error parsing version segment: {e}"))),
        };
        let major = number(Some(parts.major.clone()))?;
        let minor = number(parts.minor.clone())?;
        let patch = number(parts.patch.clone())?;
        let pre = parts.pre.map_or("", |r| &text[r]);
        let metadata = parts.meta.map_or("", |r| &text[r]);
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: text.to_owned(),
        })
    }

    /// Parses a strict SemVer 2.0.0 version: Masterminds' `StrictNewVersion`.
    ///
    /// All three numbers are required, without leading zeros and without a
    /// `v` prefix. Helm itself does not use this (chart versions are checked
    /// with the loose [`Version::parse`]); it is here for tools that want to
    /// insist on SemVer 2.
    ///
    /// # Errors
    ///
    /// Masterminds' messages: `version string is too long (max 256 bytes)`,
    /// `version string empty`, `invalid semantic version`, `invalid metadata
    /// string`, `invalid prerelease string`, `version segment starts with 0`,
    /// `invalid characters in version` and Go's `strconv.ParseUint: parsing
    /// "…": value out of range`.
    ///
    /// ```
    /// use kaapana_chart::chart::semver::Version;
    ///
    /// assert!(Version::parse_strict("1.2.3-rc.1+b").is_ok());
    /// assert!(Version::parse_strict("v1.2.3").is_err());
    /// assert!(Version::parse_strict("1.2").is_err());
    /// ```
    pub fn parse_strict(text: &str) -> Result<Version, Error> {
        if text.len() > MAX_VERSION_LEN {
            return Err(too_long_version());
        }
        if text.is_empty() {
            return Err(error("version string empty"));
        }
        let mut parts = text.splitn(3, '.');
        let (Some(major), Some(minor), Some(mut rest)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(error(INVALID_SEMVER));
        };
        let mut metadata = "";
        if let Some((before, after)) = rest.split_once('+') {
            validate_metadata(after)?;
            metadata = after;
            rest = before;
        }
        let mut pre = "";
        if let Some((before, after)) = rest.split_once('-') {
            validate_prerelease(after)?;
            pre = after;
            rest = before;
        }
        for number in [major, minor, rest] {
            if !is_numeric(number) {
                return Err(error("invalid characters in version"));
            }
            if number.len() > 1 && number.starts_with('0') {
                return Err(error(SEGMENT_STARTS_ZERO));
            }
        }
        Ok(Version {
            major: parse_uint(major).map_err(error)?,
            minor: parse_uint(minor).map_err(error)?,
            patch: parse_uint(rest).map_err(error)?,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: text.to_owned(),
        })
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number (0 when the text left it out).
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number (0 when the text left it out).
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release, without its `-` (empty if none): Masterminds'
    /// `Prerelease()`.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+` (empty if none): Masterminds'
    /// `Metadata()`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from: Masterminds' `Original()`.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Masterminds' `Compare`, as an [`Ordering`] (the same as [`Ord::cmp`]).
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

fn too_long_version() -> Error {
    error(format!(
        "version string is too long (max {MAX_VERSION_LEN} bytes)"
    ))
}

/// Masterminds' `ComparePrerelease`: identifier by identifier, a missing
/// identifier counting as the empty string.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (l, r) => {
                let d = compare_prerelease_part(l.unwrap_or(""), r.unwrap_or(""));
                if d != Ordering::Equal {
                    return d;
                }
            }
        }
    }
}

/// Masterminds' `comparePrePart`.
fn compare_prerelease_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    // Numbers (as Go's ParseUint reads them: a number too large for a u64 is
    // an alphanumeric identifier) sort before alphanumeric identifiers.
    match (parse_uint(s), parse_uint(o)) {
        (Err(_), Err(_)) => s.as_bytes().cmp(o.as_bytes()),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        // Equal numbers with different texts (leading zeros) cannot come out
        // of a parsed version; Go would answer "less" both ways, we keep the
        // order total by falling back to the texts.
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| s.as_bytes().cmp(o.as_bytes())),
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.compare(other)
    }
}

impl Hash for Version {
    /// Hashes what precedence looks at (metadata is ignored, as by `==`).
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.major, self.minor, self.patch, &self.pre).hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Version {
    type Err = Error;

    /// [`Version::parse`].
    fn from_str(s: &str) -> Result<Version, Error> {
        Version::parse(s)
    }
}

// ---------------------------------------------------------------------------
// Constraints

/// What a constraint operator does; several spellings share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `` (none) and `=`: equal, or a tilde range when the version has a
    /// wildcard.
    TildeOrEqual,
    /// `!=`.
    NotEqual,
    /// `>`.
    Greater,
    /// `<`.
    Less,
    /// `>=` and `=>`.
    GreaterEqual,
    /// `<=` and `=<`.
    LessEqual,
    /// `~` and `~>`.
    Tilde,
    /// `^`.
    Caret,
}

/// The operators, two-character spellings first. No version can start with
/// `=`, `>` or `<`, so the longest spelling that matches is the only one that
/// can lead to a valid constraint.
const OPERATORS: [(&str, Op); 11] = [
    ("!=", Op::NotEqual),
    (">=", Op::GreaterEqual),
    ("=>", Op::GreaterEqual),
    ("<=", Op::LessEqual),
    ("=<", Op::LessEqual),
    ("~>", Op::Tilde),
    ("=", Op::TildeOrEqual),
    (">", Op::Greater),
    ("<", Op::Less),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

/// Why a version fails one constraint (Masterminds' `errID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Prerelease,
    Equal,
    LessOrEqual,
    GreaterOrEqual,
    Less,
    Greater,
    SameMajor,
    SameMajorMinor,
    NotEqual,
    MinorMatch,
    Minor,
    ZeroZero,
}

type Outcome = Result<(), Failure>;

fn require(ok: bool, failure: Failure) -> Outcome {
    if ok {
        Ok(())
    } else {
        Err(failure)
    }
}

/// One constraint: an operator and a (possibly wildcarded) version.
#[derive(Debug, Clone)]
struct Constraint {
    /// The operator as written (`""`, `=`, `=>`, …).
    op_text: &'static str,
    op: Op,
    /// The version as written (`1.x`, `v2.0.0-rc.1`, …).
    orig: String,
    /// The version checked against, wildcards replaced by zeros.
    con: Version,
    /// A wildcard (or missing number) somewhere.
    dirty: bool,
    /// The minor number is a wildcard or missing.
    minor_dirty: bool,
    /// The patch number is a wildcard or missing.
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    /// Masterminds' `parseConstraint`, given the operator and the version
    /// text the group split produced.
    fn parse(op_text: &'static str, op: Op, text: &str) -> Result<Constraint, Error> {
        // The group split only hands over texts that match; keep the error
        // anyway rather than assume it.
        let parts = match_version(text.as_bytes(), is_constraint_segment)
            .ok_or_else(|| error(CONSTRAINT_PARSER_ERROR))?;
        let major = &text[parts.major.clone()];
        let minor = parts.minor.clone().map(|r| &text[r]);
        let patch = parts.patch.clone().map(|r| &text[r]);
        // With its dash, as the regular expression captures it.
        let pre = parts.pre.clone().map_or("", |r| &text[r.start - 1..r.end]);
        let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
        let checked: Cow<'_, str> = if is_x(major) {
            dirty = true;
            format!("0.0.0{pre}").into()
        } else if minor.is_none_or(is_x) {
            dirty = true;
            minor_dirty = true;
            format!("{major}.0.0{pre}").into()
        } else if patch.is_none_or(is_x) {
            dirty = true;
            patch_dirty = true;
            format!("{major}.{}.0{pre}", minor.unwrap_or_default()).into()
        } else {
            text.into()
        };
        let con = Version::parse(&checked).map_err(|_| error(CONSTRAINT_PARSER_ERROR))?;
        Ok(Constraint {
            op_text,
            op,
            orig: text.to_owned(),
            con,
            dirty,
            minor_dirty,
            patch_dirty,
        })
    }

    /// Checks `v`; `include_pre` says whether the AND group admits
    /// pre-releases.
    fn check(&self, v: &Version, include_pre: bool) -> Outcome {
        if !v.pre.is_empty() && !include_pre {
            return Err(Failure::Prerelease);
        }
        match self.op {
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => require(v.compare(&self.con).is_lt(), Failure::GreaterOrEqual),
            Op::GreaterEqual => require(v.compare(&self.con).is_ge(), Failure::Less),
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => require(v == &self.con, Failure::NotEqual),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> Outcome {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return Ok(());
            }
            if c.minor != v.minor && !self.minor_dirty {
                return Ok(());
            } else if self.minor_dirty {
                return Err(Failure::Equal);
            } else if c.patch != v.patch && !self.patch_dirty {
                return Ok(());
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return require(compare_prerelease(&v.pre, &c.pre).is_ne(), Failure::Equal);
                }
                return Err(Failure::Equal);
            }
        }
        require(v != c, Failure::Equal)
    }

    fn greater(&self, v: &Version) -> Outcome {
        let c = &self.con;
        if self.dirty {
            if v.major > c.major {
                return Ok(());
            } else if v.major < c.major || self.minor_dirty {
                // `>11` wants 12 or more: 11.1.0 is not greater.
                return Err(Failure::LessOrEqual);
            } else if self.patch_dirty {
                // `>11.1` wants 11.2 or more.
                return require(v.minor > c.minor, Failure::LessOrEqual);
            }
        }
        require(v.compare(c).is_gt(), Failure::LessOrEqual)
    }

    fn less_equal(&self, v: &Version) -> Outcome {
        let c = &self.con;
        if !self.dirty {
            return require(v.compare(c).is_le(), Failure::Greater);
        }
        if v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty) {
            return Err(Failure::Greater);
        }
        Ok(())
    }

    /// `~1.2.3` is `>=1.2.3 <1.3.0`, `~1` is `>=1.0.0 <2.0.0`, `~*` is any.
    fn tilde(&self, v: &Version) -> Outcome {
        let c = &self.con;
        if v < c {
            return Err(Failure::Less);
        }
        // ~0.0.0 accepts everything: it is >=0.0.0.
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return Ok(());
        }
        if v.major != c.major {
            return Err(Failure::SameMajor);
        }
        require(
            v.minor == c.minor || self.minor_dirty,
            Failure::SameMajorMinor,
        )
    }

    /// `^1.2.3` is `>=1.2.3 <2.0.0`, `^0.2.3` is `>=0.2.3 <0.3.0`, `^0.0.3` is
    /// `=0.0.3`, `^0.0` is `<0.1.0`, `^0` is `<1.0.0`.
    fn caret(&self, v: &Version) -> Outcome {
        let c = &self.con;
        if v < c {
            return Err(Failure::Less);
        }
        if c.major > 0 || self.minor_dirty {
            return require(v.major == c.major, Failure::SameMajor);
        }
        if v.major > 0 {
            return Err(Failure::SameMajor);
        }
        if c.minor > 0 || self.patch_dirty {
            return require(v.minor == c.minor, Failure::MinorMatch);
        }
        if v.minor > 0 {
            return Err(Failure::Minor);
        }
        require(c.patch == v.patch, Failure::ZeroZero)
    }

    /// Masterminds' message for a failed check (what `Validate` reports).
    fn message(&self, failure: Failure, v: &Version) -> String {
        let v = go_quote(&v.to_string());
        let c = go_quote(&self.orig);
        match failure {
            Failure::Prerelease => prerelease_message(&v),
            Failure::Equal => format!("{v} is equal to {c}"),
            Failure::LessOrEqual => format!("{v} is less than or equal to {c}"),
            Failure::GreaterOrEqual => format!("{v} is greater than or equal to {c}"),
            Failure::Less => format!("{v} is less than {c}"),
            Failure::Greater => format!("{v} is greater than {c}"),
            Failure::SameMajor => format!("{v} does not have same major version as {c}"),
            Failure::SameMajorMinor => {
                format!("{v} does not have same major and minor version as {c}")
            }
            Failure::NotEqual => format!("{v} is not equal to {c}"),
            Failure::MinorMatch => format!(
                "{v} does not have same minor version as {c}. Expected minor versions to match when constraint major version is 0"
            ),
            Failure::Minor => format!("{v} does not have same minor version as {c}"),
            Failure::ZeroZero => format!(
                "{v} does not equal {c}. Expect version and constraint to equal when major and minor versions are 0"
            ),
        }
    }
}

fn prerelease_message(quoted_version: &str) -> String {
    format!(
        "{quoted_version} is a prerelease version and the constraint is only looking for release versions"
    )
}

/// An AND group: every constraint must hold.
#[derive(Debug, Clone)]
struct Group {
    constraints: Vec<Constraint>,
    /// Some constraint names a pre-release, so the group admits them.
    contains_pre: bool,
}

/// A parsed version constraint: Masterminds' `semver.Constraints`.
///
/// A version satisfies the constraints if it satisfies every constraint of
/// at least one `||` group. A version with a pre-release never satisfies a
/// group in which no constraint has a pre-release (so `*` does not admit
/// `1.0.0-beta`, but `>=1.0.0-0` admits `2.3.0-rc.1`).
///
/// `Display` prints Masterminds' `String()`: each constraint as written
/// (operator and version), ANDed with a space, groups joined by ` || `.
///
/// ```
/// use kaapana_chart::chart::semver::{Constraints, Version};
///
/// let c = Constraints::parse(">= 1.2, < 2.0.0 || ~3.1").unwrap();
/// assert!(c.check(&Version::parse("1.9.9").unwrap()));
/// assert!(c.check(&Version::parse("3.1.7").unwrap()));
/// assert!(!c.check(&Version::parse("3.2.0").unwrap()));
/// assert_eq!(c.to_string(), ">=1.2 <2.0.0 || ~3.1");
/// ```
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Group>,
}

impl Constraints {
    /// Parses a constraint: Masterminds' `NewConstraint`.
    ///
    /// * A hyphen range `A - B` (spaces around the hyphen required) becomes
    ///   `>= A, <= B`; this happens first, on the whole text.
    /// * `||` separates OR groups (at most [`MAX_CONSTRAINT_GROUPS`]).
    /// * In a group, constraints are separated by spaces or a comma; each is
    ///   an optional operator (`=`, `!=`, `>`, `<`, `>=`, `=>`, `<=`, `=<`,
    ///   `~`, `~>`, `^`), optional spaces, and a version that may have a `v`
    ///   prefix, leave out numbers, or use `x`, `X` or `*` as a number.
    ///
    /// # Errors
    ///
    /// Masterminds' messages: `constraint string is too long (max 512
    /// bytes)`, `too many constraint groups (max 32)`, `improper constraint:
    /// "…"` (with the offending group, after range rewriting, quoted as Go
    /// quotes strings) and `constraint parser error` (a version in it is out
    /// of range, has a leading-zero pre-release, or uses `|` or a letter
    /// where a number is needed, as in `1|2` or `x1`).
    ///
    /// ```
    /// use kaapana_chart::chart::semver::Constraints;
    ///
    /// let err = Constraints::parse("> = 1.2").unwrap_err();
    /// assert_eq!(err.to_string(), r#"improper constraint: "> = 1.2""#);
    /// ```
    pub fn parse(text: &str) -> Result<Constraints, Error> {
        if text.len() > MAX_CONSTRAINT_LEN {
            return Err(error(format!(
                "constraint string is too long (max {MAX_CONSTRAINT_LEN} bytes)"
            )));
        }
        let text = rewrite_ranges(text);
        if text.split("||").count() > MAX_CONSTRAINT_GROUPS {
            return Err(error(format!(
                "too many constraint groups (max {MAX_CONSTRAINT_GROUPS})"
            )));
        }
        let mut groups = Vec::new();
        for group in text.split("||") {
            let atoms = split_group(group)
                .ok_or_else(|| error(format!("improper constraint: {}", go_quote(group))))?;
            let mut constraints = Vec::with_capacity(atoms.len());
            for (op_text, op, version) in atoms {
                constraints.push(Constraint::parse(op_text, op, &group[version])?);
            }
            let contains_pre = constraints.iter().any(|c| !c.con.pre.is_empty());
            groups.push(Group {
                constraints,
                contains_pre,
            });
        }
        Ok(Constraints { groups })
    }

    /// Whether `version` satisfies the constraints: Masterminds' `Check`.
    pub fn check(&self, version: &Version) -> bool {
        self.groups.iter().any(|g| {
            g.constraints
                .iter()
                .all(|c| c.check(version, g.contains_pre).is_ok())
        })
    }

    /// Like [`check`](Constraints::check), with the reasons a version fails:
    /// Masterminds' `Validate`. On success the list is empty; on failure it
    /// holds one message per failed constraint of every group (the
    /// pre-release message at most once), in Masterminds' words:
    ///
    /// ```
    /// use kaapana_chart::chart::semver::{Constraints, Version};
    ///
    /// let c = Constraints::parse("^1.2").unwrap();
    /// let (ok, why) = c.validate(&Version::parse("2.0.0").unwrap());
    /// assert!(!ok);
    /// assert_eq!(why, [r#""2.0.0" does not have same major version as "1.2""#]);
    /// ```
    ///
    /// Helm never shows these reasons (its `kubeVersion` and dependency
    /// checks only use the yes/no answer).
    pub fn validate(&self, version: &Version) -> (bool, Vec<String>) {
        let mut reasons = Vec::new();
        let mut told_prerelease = false;
        for group in &self.groups {
            let mut ok = true;
            for c in &group.constraints {
                if !group.contains_pre && !version.pre.is_empty() {
                    if !told_prerelease {
                        reasons.push(prerelease_message(&go_quote(&version.to_string())));
                        told_prerelease = true;
                    }
                    ok = false;
                } else if let Err(failure) = c.check(version, group.contains_pre) {
                    reasons.push(c.message(failure, version));
                    ok = false;
                }
            }
            if ok {
                return (true, Vec::new());
            }
        }
        (false, reasons)
    }
}

impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            for (j, c) in group.constraints.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Constraints {
    type Err = Error;

    /// [`Constraints::parse`].
    fn from_str(s: &str) -> Result<Constraints, Error> {
        Constraints::parse(s)
    }
}

/// One hyphen range found in a constraint: the whole match and its two
/// versions.
struct RangeMatch {
    whole: Range<usize>,
    low: Range<usize>,
    high: Range<usize>,
}

/// Masterminds' `rewriteRange`: every match of
///
/// ```text
/// \s*(CV)\s+-\s+(CV)\s*
/// ```
///
/// (`CV` a constraint version) is found in the original text, leftmost
/// first, and then, in order, the *first occurrence* of the matched text in
/// the text rewritten so far is replaced by `>= LOW, <= HIGH ` (Go's
/// `strings.Replace(o, match, repl, 1)`; an earlier identical piece of text
/// can be the one replaced, as in Go).
fn rewrite_ranges(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(m) = find_range(b, pos) {
        pos = m.whole.end;
        found.push(m);
    }
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for m in found {
        let replacement = format!(">= {}, <= {} ", &text[m.low], &text[m.high]);
        out = out.replacen(&text[m.whole], &replacement, 1);
    }
    Cow::Owned(out)
}

/// The leftmost hyphen range at or after `pos`, as Go's regexp finds it.
///
/// The low version cannot contain white space and must be followed by some,
/// so it runs to the end of its word; it may start inside the word (`a1 - 2`
/// matches at `1`). A match that starts at the word's first character also
/// takes the white space before it.
fn find_range(b: &[u8], pos: usize) -> Option<RangeMatch> {
    let n = b.len();
    let mut i = pos;
    while i < n {
        let word = skip_ws(b, i);
        if word == n {
            return None;
        }
        let word_end = (word..n).find(|&j| is_ws(b[j])).unwrap_or(n);
        if let Some((high, end)) = range_tail(b, word_end) {
            let full = |from: usize| {
                scan_version(&b[..word_end], from, is_constraint_segment)
                    .is_some_and(|p| p.end == word_end)
            };
            if full(word) {
                return Some(RangeMatch {
                    whole: i..end,
                    low: word..word_end,
                    high,
                });
            }
            if let Some(from) = (word + 1..word_end).find(|&from| full(from)) {
                return Some(RangeMatch {
                    whole: from..end,
                    low: from..word_end,
                    high,
                });
            }
        }
        i = word_end;
    }
    None
}

/// After a low version ending at `low_end`: `\s+-\s+(CV)\s*`. Returns the
/// high version and the end of the match.
fn range_tail(b: &[u8], low_end: usize) -> Option<(Range<usize>, usize)> {
    if low_end >= b.len() || !is_ws(b[low_end]) {
        return None;
    }
    let dash = skip_ws(b, low_end);
    if b.get(dash) != Some(&b'-') {
        return None;
    }
    let high = skip_ws(b, dash + 1);
    if high == dash + 1 {
        return None;
    }
    let parts = scan_version(b, high, is_constraint_segment)?;
    Some((high..parts.end, skip_ws(b, parts.end)))
}

/// Validates an AND group and splits it into constraints: what Masterminds'
/// `validConstraintRegex` accepts,
///
/// ```text
/// ^(\s*(OP)\s*(CV)\s*)((?:\s+|,\s*)(OP)\s*(CV)\s*)*$
/// ```
///
/// and the pieces `findConstraintRegex` then finds in it. A version can hold
/// neither white space nor a comma, and must be followed by one (or the
/// end), so each version is a whole run of other characters; the operator
/// before it is determined by its first characters.
fn split_group(group: &str) -> Option<Vec<(&'static str, Op, Range<usize>)>> {
    let b = group.as_bytes();
    let n = b.len();
    let mut atoms = Vec::new();
    let mut i = skip_ws(b, 0);
    loop {
        let rest = &group[i..];
        let (op_text, op) = OPERATORS
            .iter()
            .find(|(spelling, _)| rest.starts_with(spelling))
            .copied()
            .unwrap_or(("", Op::TildeOrEqual));
        let start = skip_ws(b, i + op_text.len());
        let end = (start..n)
            .find(|&j| is_ws(b[j]) || b[j] == b',')
            .unwrap_or(n);
        match_version(&b[start..end], is_constraint_segment)?;
        atoms.push((op_text, op, start..end));
        let next = skip_ws(b, end);
        if next == n {
            return Some(atoms);
        }
        // `end` is white space or a comma, so the constraints are separated.
        i = if b[next] == b',' {
            skip_ws(b, next + 1)
        } else {
            next
        };
    }
}

// ---------------------------------------------------------------------------
// Helm and Sprig

/// Sprig's `semverCompare constraint version`: parses the constraint, then
/// the version (so a bad constraint is reported first), and checks.
///
/// # Errors
///
/// The constraint's or the version's parse error, as Sprig returns it (Helm
/// prints it as `error calling semverCompare: <message>`).
///
/// ```
/// use kaapana_chart::chart::semver::semver_compare;
///
/// assert!(semver_compare("^1.2", "1.3.0").unwrap());
/// assert!(semver_compare(">=1.20.0-0", "v1.21.3-eks-1").unwrap());
/// assert!(!semver_compare(">=1.20.0", "v1.21.3-eks-1").unwrap());
/// assert_eq!(
///     semver_compare("bad", "1.0.0").unwrap_err().to_string(),
///     r#"improper constraint: "bad""#
/// );
/// ```
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, Error> {
    let constraints = Constraints::parse(constraint)?;
    let version = Version::parse(version)?;
    Ok(constraints.check(&version))
}

/// Sprig's `semver version`: the loose parse ([`Version::parse`]). The Go
/// object's `.Major`, `.Minor`, `.Patch`, `.Prerelease`, `.Metadata`,
/// `.Original` and `.String` are [`Version::major`] …
/// [`Version::original`] and `to_string()`.
///
/// # Errors
///
/// See [`Version::parse`] (Helm prints `error calling semver: <message>`).
pub fn semver(version: &str) -> Result<Version, Error> {
    Version::parse(version)
}

/// Helm's `IsCompatibleRange(constraint, version)`: whether `version`
/// satisfies `constraint`, `false` if either does not parse. Helm uses it
/// for the chart's `kubeVersion` and for matching dependency versions.
///
/// ```
/// use kaapana_chart::chart::semver::is_compatible_range;
///
/// assert!(is_compatible_range(">=1.20.0-0", "v1.36.0"));
/// assert!(!is_compatible_range("~1.2", "not a version"));
/// ```
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(version) = Version::parse(version) else {
        return false;
    };
    Constraints::parse(constraint).is_ok_and(|c| c.check(&version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_versions() {
        let v = Version::parse("v01.2").unwrap();
        assert_eq!(v.to_string(), "1.2.0");
        assert_eq!(v.original(), "v01.2");
        assert!(Version::parse("").is_err());
        assert!(Version::parse("1.2.3.4").is_err());
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err().to_string(),
            SEGMENT_STARTS_ZERO
        );
        assert_eq!(
            Version::parse("18446744073709551616").unwrap_err().to_string(),
            "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"
        );
        assert_eq!(
            Version::parse("18446744073709551615").unwrap().major(),
            u64::MAX
        );
    }

    #[test]
    fn strict_versions() {
        assert_eq!(
            Version::parse_strict("").unwrap_err().to_string(),
            "version string empty"
        );
        assert_eq!(
            Version::parse_strict("1.2").unwrap_err().to_string(),
            INVALID_SEMVER
        );
        assert_eq!(
            Version::parse_strict("01.2.3").unwrap_err().to_string(),
            SEGMENT_STARTS_ZERO
        );
        assert_eq!(
            Version::parse_strict("1.2.3-a..b").unwrap_err().to_string(),
            INVALID_PRERELEASE
        );
        assert_eq!(
            Version::parse_strict("1.2.3+").unwrap_err().to_string(),
            INVALID_METADATA
        );
        assert_eq!(
            Version::parse_strict("1.2.x").unwrap_err().to_string(),
            "invalid characters in version"
        );
        let v = Version::parse_strict("1.2.3-rc.1+b.7").unwrap();
        assert_eq!(v.to_string(), "1.2.3-rc.1+b.7");
    }

    #[test]
    fn precedence_is_a_total_order() {
        let texts = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0+build",
            "1.0.0-18446744073709551616",
            "1.0.0-9",
            "1.0.0-a-b",
            "2.0.0",
        ];
        let versions: Vec<Version> = texts.iter().map(|t| Version::parse(t).unwrap()).collect();
        for a in &versions {
            for b in &versions {
                assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a} vs {b}");
                for c in &versions {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a} <= {b} <= {c}");
                    }
                }
            }
        }
        assert_eq!(
            Version::parse("1.0.0+a").unwrap(),
            Version::parse("1.0.0+b").unwrap()
        );
    }

    #[test]
    fn range_rewriting_follows_go() {
        assert_eq!(rewrite_ranges("1 - 2"), ">= 1, <= 2 ");
        assert_eq!(rewrite_ranges(" a1 - 2 x"), " a>= 1, <= 2 x");
        assert_eq!(rewrite_ranges("1.2.3.4 - 5"), "1.>= 2.3.4, <= 5 ");
        // Go replaces the first occurrence of the matched text, which here
        // starts inside the first replacement.
        assert_eq!(rewrite_ranges("1 - 2 - 2 - 2"), ">= 1, <=>= 2, <= 2  - 2");
        assert_eq!(rewrite_ranges("1.0 -2.0"), "1.0 -2.0");
    }

    #[test]
    fn display_round_trips() {
        for text in ["1.2.3", ">=1.0 <2 || ~3.x || !=4.0.0-rc.1", "^0.0 , =< 2"] {
            let c = Constraints::parse(text).unwrap();
            let again = Constraints::parse(&c.to_string()).unwrap();
            assert_eq!(c.to_string(), again.to_string());
        }
    }

    /// A small deterministic generator, so that the test needs no crate.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn never_panics() {
        const ALPHABET: &[&str] = &[
            "0",
            "1",
            "9",
            ".",
            "-",
            "+",
            " ",
            ",",
            "|",
            "||",
            "x",
            "X",
            "*",
            "v",
            "V",
            "=",
            "!",
            ">",
            "<",
            "~",
            "^",
            "a",
            "é",
            "\t",
            "\u{b}",
            " - ",
            "18446744073709551616",
        ];
        let mut state = 42;
        for _ in 0..20_000 {
            let len = lcg(&mut state) % 24;
            let text: String = (0..len)
                .map(|_| ALPHABET[(lcg(&mut state) as usize) % ALPHABET.len()])
                .collect();
            let _ = Version::parse(&text);
            let _ = Version::parse_strict(&text);
            if let Ok(c) = Constraints::parse(&text) {
                let _ = Constraints::parse(&c.to_string());
                for v in ["1.2.3", "0.0.0", "1.0.0-beta.1", "v2"] {
                    let v = Version::parse(v).unwrap();
                    let (ok, why) = c.validate(&v);
                    assert_eq!(ok, c.check(&v), "{text:?} {v}");
                    assert_eq!(ok, why.is_empty());
                }
            }
        }
    }

    #[test]
    fn long_inputs_are_cheap() {
        // The worst cases of the hand-written matchers: a hyphen range whose
        // low side is a long word no version fills (every start position is
        // tried), many ranges, many constraints. Inputs are capped at
        // MAX_CONSTRAINT_LEN bytes, so even the quadratic range search is
        // bounded; longer inputs are refused before any scanning.
        let cases = [
            "1".repeat(MAX_CONSTRAINT_LEN - 6) + ". - 2",
            "1 - 1 ".repeat(MAX_CONSTRAINT_LEN / 6),
            ">=1.2.3-a.b.c ".repeat(MAX_CONSTRAINT_LEN / 14),
            "1||".repeat(MAX_CONSTRAINT_GROUPS - 1) + "1",
        ];
        let huge = "x".repeat(1 << 24);
        let start = std::time::Instant::now();
        for _ in 0..100 {
            for case in &cases {
                assert!(case.len() <= MAX_CONSTRAINT_LEN);
                let _ = Constraints::parse(case);
            }
            assert!(Constraints::parse(&huge).is_err());
            assert!(Version::parse(&huge).is_err());
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
