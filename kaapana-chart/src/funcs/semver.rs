//! Sprig's semantic-version functions, on Masterminds/semver v3
//! ([`crate::chart::semver`], shared with Chart.yaml's version ranges).
//!
//! | name | Go signature |
//! |---|---|
//! | `semver` | `semver(version string) (*semver.Version, error)` |
//! | `semverCompare` | `semverCompare(constraint, version string) (bool, error)` |
//!
//! `semver` returns a host object of Go type `*semver.Version` whose methods
//! templates call:
//!
//! | method | Go signature | receiver |
//! |---|---|---|
//! | `Major`, `Minor`, `Patch` | `() uint64` | value |
//! | `Prerelease`, `Metadata`, `String` | `() string` | value |
//! | `IncMajor`, `IncMinor`, `IncPatch` | `() Version` | value |
//! | `SetPrerelease`, `SetMetadata` | `(string) (Version, error)` | value |
//! | `Original` | `() string` | pointer |
//! | `LessThan`, `LessThanEqual`, `GreaterThan`, `GreaterThanEqual`, `Equal` | `(*Version) bool` | pointer |
//! | `Compare` | `(*Version) int` | pointer |
//!
//! The `Inc*`/`Set*` results are `semver.Version` values, which only have
//! the value-receiver methods (Go: `can't evaluate field Original in type
//! semver.Version`). Objects print, and encode to JSON/YAML, as `String()`.
//!
//! Deviations: `Major`, `Minor` and `Patch` are Go `uint64`s; we return
//! `int64` (same printing and comparisons; `%T`/`typeOf` say `int64`). The
//! encoding methods (`MarshalJSON`, `MarshalText`, `Value`, `Scan`,
//! `Unmarshal*`) are not offered.

use std::any::Any;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use super::lists::NIL_DEREF;
use super::{str_arg, FuncError, Functions};
use crate::chart::semver::{semver_compare, Version};
use crate::value::{GoKind, GoType, Object, Signature, Value};

const S: GoType = GoType::String;
/// The Go type of `semver`'s result.
const PTR_TYPE: &str = "*semver.Version";
const PTR: GoType = GoType::Object(PTR_TYPE);

pub(crate) fn register(f: &mut Functions) {
    f.register("semver", Signature::fixed(&[S]).with_error(), |_, a| {
        Version::parse(str_arg(a, 0))
            .map(|v| SemverObject::pointer(v).into_value())
            .map_err(|e| FuncError::new(e.message().to_owned()))
    });
    f.register(
        "semverCompare",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| {
            semver_compare(str_arg(a, 0), str_arg(a, 1))
                .map(Value::Bool)
                .map_err(|e| FuncError::new(e.message().to_owned()))
        },
    );
}

/// A Masterminds `*semver.Version` (or, from `IncPatch` and friends, a
/// `semver.Version` value) as a template object.
#[derive(Debug, Clone)]
pub struct SemverObject {
    version: Version,
    /// Whether this is the pointer (full method set) or the value type.
    pointer: bool,
}

impl SemverObject {
    fn pointer(version: Version) -> SemverObject {
        SemverObject {
            version,
            pointer: true,
        }
    }

    fn value(version: Version) -> SemverObject {
        SemverObject {
            version,
            pointer: false,
        }
    }

    fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// The version.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// A version built from its parts, through the parser (the parts come
    /// from a parsed version or are validated first, so it parses).
    fn build(
        &self,
        major: u64,
        minor: u64,
        patch: u64,
        pre: &str,
        meta: &str,
    ) -> Result<Version, String> {
        let mut text = format!("{major}.{minor}.{patch}");
        if !pre.is_empty() {
            text.push('-');
            text.push_str(pre);
        }
        if !meta.is_empty() {
            text.push('+');
            text.push_str(meta);
        }
        Version::parse(&text).map_err(|e| e.message().to_owned())
    }
}

/// Masterminds' `validatePrerelease` / `validateMetadata`: identifiers of
/// `[0-9A-Za-z-]`; numeric pre-release identifiers without leading zeros.
fn validate_idents(s: &str, prerelease: bool) -> Result<(), String> {
    for part in s.split('.') {
        let numeric = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if prerelease && numeric && part.len() > 1 && part.starts_with('0') {
            return Err("version segment starts with 0".to_owned());
        }
        if !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(if prerelease {
                "invalid prerelease string".to_owned()
            } else {
                "invalid metadata string".to_owned()
            });
        }
    }
    Ok(())
}

fn other_version(args: &[Value]) -> Result<&Version, String> {
    match args.first() {
        Some(Value::Object(o)) => o
            .as_any()
            .downcast_ref::<SemverObject>()
            .map(|s| &s.version)
            .ok_or_else(|| NIL_DEREF.to_owned()),
        _ => Err(NIL_DEREF.to_owned()),
    }
}

impl Object for SemverObject {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed(if self.pointer {
            PTR_TYPE
        } else {
            "semver.Version"
        })
    }

    fn go_kind(&self) -> GoKind {
        if self.pointer {
            GoKind::Ptr
        } else {
            GoKind::Struct
        }
    }

    fn method(&self, name: &str) -> Option<Signature> {
        const NONE: Signature = Signature::fixed(&[]);
        let sig = match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "String" | "IncMajor"
            | "IncMinor" | "IncPatch" => NONE,
            "SetPrerelease" | "SetMetadata" => Signature::fixed(&[S]).with_error(),
            _ if !self.pointer => return None,
            "Original" => NONE,
            "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal"
            | "Compare" => Signature::fixed(&[PTR]),
            _ => return None,
        };
        Some(sig)
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let v = &self.version;
        let (major, minor, patch) = (v.major(), v.minor(), v.patch());
        let as_int = |n: u64| Value::Int64(n as i64);
        let cmp = |args: &[Value]| other_version(args).map(|o| v.compare(o));
        Ok(match name {
            "Major" => as_int(major),
            "Minor" => as_int(minor),
            "Patch" => as_int(patch),
            "Prerelease" => Value::from(v.prerelease()),
            "Metadata" => Value::from(v.metadata()),
            "String" => Value::from(v.to_string()),
            "Original" => Value::from(v.original()),
            // Masterminds drops a pre-release or metadata instead of
            // counting the patch up (1.2.3-rc.1 → 1.2.3).
            "IncPatch" => {
                let p = if v.prerelease().is_empty() && v.metadata().is_empty() {
                    patch.wrapping_add(1)
                } else {
                    patch
                };
                SemverObject::value(self.build(major, minor, p, "", "")?).into_value()
            }
            "IncMinor" => {
                SemverObject::value(self.build(major, minor.wrapping_add(1), 0, "", "")?)
                    .into_value()
            }
            "IncMajor" => {
                SemverObject::value(self.build(major.wrapping_add(1), 0, 0, "", "")?).into_value()
            }
            "SetPrerelease" => {
                let pre = args.first().and_then(Value::as_str).unwrap_or("");
                if !pre.is_empty() {
                    validate_idents(pre, true)?;
                }
                SemverObject::value(self.build(major, minor, patch, pre, v.metadata())?)
                    .into_value()
            }
            "SetMetadata" => {
                let meta = args.first().and_then(Value::as_str).unwrap_or("");
                if !meta.is_empty() {
                    validate_idents(meta, false)?;
                }
                SemverObject::value(self.build(major, minor, patch, v.prerelease(), meta)?)
                    .into_value()
            }
            "LessThan" => Value::Bool(cmp(args)? == Ordering::Less),
            "LessThanEqual" => Value::Bool(cmp(args)? != Ordering::Greater),
            "GreaterThan" => Value::Bool(cmp(args)? == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(cmp(args)? != Ordering::Less),
            "Equal" => Value::Bool(cmp(args)? == Ordering::Equal),
            "Compare" => Value::Int(match cmp(args)? {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            other => return Err(format!("{other} is not a method")),
        })
    }

    fn fmt_go(&self, _plus: bool) -> String {
        self.version.to_string()
    }

    fn to_data(&self) -> Value {
        Value::from(self.version.to_string())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
