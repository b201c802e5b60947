//! YAML in and out, the way Helm reads and writes it. (Being written.)
use crate::error::{Error, ErrorKind, Result};
use crate::value::Value;

/// Reads a values file as Helm does.
pub fn values_from_yaml(_src: &str) -> Result<Value> {
    Err(Error::new(ErrorKind::Yaml, "YAML support is not built yet"))
}

/// Writes a value as Helm's `toYaml` does.
pub fn to_yaml(_v: &Value) -> Result<String> {
    Err(Error::new(ErrorKind::Yaml, "YAML support is not built yet"))
}
