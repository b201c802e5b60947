//! JSON in and out, the way Go's `encoding/json` does it. (Being written.)
use crate::error::{Error, ErrorKind, Result};
use crate::value::Value;

/// How to write JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonStyle {
    /// `toJson`: compact, `<>&` escaped.
    Compact,
    /// `toRawJson`: compact, no HTML escaping.
    Raw,
    /// `toPrettyJson`: two-space indent, `<>&` escaped.
    Pretty,
}

/// Writes a value as JSON.
pub fn to_json(_v: &Value, _style: JsonStyle) -> Result<String> {
    Err(Error::new(ErrorKind::Json, "JSON support is not built yet"))
}

/// Reads JSON as Go's `encoding/json` reads it into `interface{}`.
pub fn from_json(_src: &str) -> Result<Value> {
    Err(Error::new(ErrorKind::Json, "JSON support is not built yet"))
}
