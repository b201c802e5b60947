//! YAML in and out, byte for byte the way Helm reads and writes it.
//!
//! Helm reads values with `sigs.k8s.io/yaml`, which parses YAML with go-yaml
//! v2 (YAML 1.1 rules: `yes`/`on`/`y` are booleans, `0777` is octal), turns
//! the result into JSON and decodes that JSON with `encoding/json`. Every
//! number therefore becomes a `float64`, non-string keys become strings, and
//! NaN or ±Inf make the file fail. It writes YAML the other way round: JSON
//! first, then go-yaml v2 re-reads the JSON and emits YAML. This module
//! reproduces both pipelines, including go-yaml's error messages and line
//! numbers, with a tokenizer and parser that follow libyaml's algorithm (a
//! YAML 1.2 parser accepts and rejects different documents).
//!
//! Everything is bounded: nesting depth by [`MAX_YAML_DEPTH`], the number of
//! nodes — aliases counted at their expanded size — by [`MAX_YAML_NODES`],
//! and the depth of values written out by [`MAX_VALUE_DEPTH`]. Parsing and
//! writing use explicit stacks or bounded recursion, never the depth of the
//! input.
//!
//! [`MAX_YAML_DEPTH`]: crate::limits::MAX_YAML_DEPTH
//! [`MAX_YAML_NODES`]: crate::limits::MAX_YAML_NODES
//! [`MAX_VALUE_DEPTH`]: crate::limits::MAX_VALUE_DEPTH

mod decode;
mod emit;
mod emit_fast;
mod gofmt;
mod gosort;
pub(crate) mod gounicode;
mod parser;
mod read_fast;
mod resolve;
pub(crate) use resolve::underscore_ok;
mod scanner;

#[cfg(test)]
mod tests;

use crate::value::json::json_kind;

use crate::error::{Error, ErrorKind, Result};
use crate::value::{ElemType, Entries, List, Map, Value};

/// The Go type `encoding/json` decodes into, for its error messages.
#[derive(Clone, Copy)]
enum Target {
    Map,
    List,
}

impl Target {
    fn go_name(self) -> &'static str {
        match self {
            Target::Map => "map[string]interface {}",
            Target::List => "[]interface {}",
        }
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(src, &target)` for one YAML document (the
/// first of `src`). `Ok(None)` stands for JSON `null`, which leaves Go's
/// target nil.
fn unmarshal(src: &str, target: Target) -> Result<Option<Value>> {
    let doc = decode::compose(src.as_bytes()).map_err(decode::DecodeError::into_error)?;
    let value = match &doc {
        None => Value::Nil,
        Some(doc) => decode::Decoder::new(doc)
            .decode_document()
            .map_err(decode::DecodeError::into_error)?,
    };
    let ok = matches!(
        (&value, target),
        (Value::Nil, _) | (Value::Map(_), Target::Map) | (Value::List(_), Target::List)
    );
    if !ok {
        return Err(Error::new(
            ErrorKind::Yaml,
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {}",
                json_kind(&value),
                target.go_name()
            ),
        ));
    }
    Ok(match value {
        Value::Nil => None,
        v => Some(v),
    })
}

/// Reads a values file the way Helm loads a chart's `values.yaml`
/// (`loader.LoadValues`).
///
/// * A leading UTF-8 byte order mark is dropped.
/// * The file is cut into documents at every line that starts with `---`
///   (Kubernetes' `YAMLReader`: only spaces or a `# comment` may follow on
///   that line, anything else is the error `error reading yaml document:
///   invalid Yaml document separator: …`). Lines are re-terminated with
///   `\n` on the way (CRLF becomes LF, a missing final newline is added).
/// * Each document is read like `sigs.k8s.io/yaml.Unmarshal` into
///   `map[string]interface{}` — YAML 1.1 scalars, all numbers `float64`,
///   keys stringified (`1.5:` → `"1.5"`, `true:` → `"true"`), a `null` or
///   empty document contributes nothing — and the documents are deep-merged,
///   later ones winning (Helm's `MergeMaps`: maps merge, anything else
///   replaces).
/// * Errors carry Helm's text, e.g. `cannot unmarshal yaml document: error
///   converting YAML to JSON: yaml: line 2: mapping values are not allowed
///   in this context`. (Helm's chart loader prefixes `cannot load
///   values.yaml: `.)
///
/// ```
/// use kaapana_chart::{values_from_yaml, Value};
///
/// let v = values_from_yaml("replicas: 3\nenabled: yes\n---\nname: web\n").unwrap();
/// assert_eq!(v.get("replicas"), Some(Value::Float(3.0)));
/// assert_eq!(v.get("enabled"), Some(Value::Bool(true)));
/// assert_eq!(v.get("name").unwrap().as_str(), Some("web"));
///
/// let err = values_from_yaml("a: b: c\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "cannot unmarshal yaml document: error converting YAML to JSON: \
///      yaml: mapping values are not allowed in this context"
/// );
/// ```
pub fn values_from_yaml(src: &str) -> Result<Value> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut values = Entries::new();
    let mut docs = DocumentReader::new(src);
    while let Some(doc) = docs.next_document()? {
        let parsed = unmarshal(&doc, Target::Map).map_err(|e| {
            let msg = format!("cannot unmarshal yaml document: {}", e.message());
            e.with_message(msg)
        })?;
        if let Some(Value::Map(m)) = parsed {
            if values.is_empty() {
                // The first document: nothing to merge into, and nobody
                // else holds the fresh map, so take its entries.
                values = std::mem::take(&mut *m.write());
            } else {
                merge_maps(&mut values, &m);
            }
        }
    }
    Ok(Value::Map(Map::typed(ElemType::Interface, values)))
}

/// Helm's `fromYaml` core: the first YAML document of `src` read like
/// `sigs.k8s.io/yaml.Unmarshal` into `map[string]interface{}`.
///
/// `Err` holds the Go error text (`error converting YAML to JSON: yaml: …`,
/// or `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal
/// array into Go value of type map[string]interface {}`); Helm's `fromYaml`
/// puts it under the key `Error`. An empty or `null` document gives an empty
/// map (Go has a nil map there, which prints the same but is `null`, not
/// `{}`, to `toYaml`).
pub(crate) fn from_yaml_str(src: &str) -> Result<Value> {
    // Rendered label and annotation maps (`include … | fromYaml`) are read
    // directly; see `read_fast.rs`.
    if let Some(v) = read_fast::from_yaml(src) {
        return Ok(v);
    }
    from_yaml_full(src)
}

/// [`from_yaml_str`] without the direct reader (the reference its test
/// compares against).
fn from_yaml_full(src: &str) -> Result<Value> {
    Ok(unmarshal(src, Target::Map)?.unwrap_or_else(Value::empty_map))
}

/// Helm's `fromYamlArray` core: like [`from_yaml_str`], into
/// `[]interface{}`. An empty document gives an empty list.
pub(crate) fn from_yaml_array_str(src: &str) -> Result<Value> {
    Ok(unmarshal(src, Target::List)?.unwrap_or_else(|| Value::List(List::new(Vec::new()))))
}

/// Writes a value exactly as `sigs.k8s.io/yaml.Marshal` does: `encoding/json`
/// first (sorted keys, Go's float formatting, `[]byte` as base64, NaN/±Inf
/// and cycles are errors), then go-yaml v2 re-reads that JSON and emits
/// block YAML: two-space indentation, sequences under a key not indented,
/// keys in go-yaml's "natural" order (`a2` before `a10`), strings quoted when
/// they would read back as something else (`"true"`, `"1.5"`, `"2001-12-14"`),
/// multi-line strings as `|` blocks, long plain strings folded at 80 columns.
///
/// The result keeps Marshal's trailing newline; Helm's `toYaml` removes one.
/// Helm turns any error into an empty string.
///
/// ```
/// use kaapana_chart::{to_yaml, values_from_yaml};
///
/// // `on` is a YAML 1.1 boolean, so the key is "true"; the string "yes"
/// // must be quoted to stay a string. (Helm prints exactly this, less the
/// // final newline.)
/// let v = values_from_yaml("b: [1, two]\na: {on: 'yes', x: 1.5}\n").unwrap();
/// assert_eq!(to_yaml(&v).unwrap(), "a:\n  \"true\": \"yes\"\n  x: 1.5\nb:\n- 1\n- two\n");
/// ```
pub fn to_yaml(v: &Value) -> Result<String> {
    emit::to_yaml(v)
}

/// What go-yaml v3's `Encoder` with `SetIndent(2)` writes for a value
/// (Helm's `toYamlPretty`), with its final newline. Unlike [`to_yaml`] the
/// value is encoded as it is, without a JSON round trip: floats print with
/// `%g` (`1e+06`), sequences are indented under their key, long lines are
/// not folded, and a `time.Time` is a plain RFC 3339 timestamp.
pub(crate) fn to_yaml_pretty(v: &Value) -> Result<String> {
    emit::to_yaml_dialect(v, emit::Dialect::V3)
}

/// Kubernetes' `YAMLReader` over a `LineReader`, as Helm's `LoadValues`
/// uses it.
struct DocumentReader<'a> {
    rest: &'a str,
    done: bool,
}

impl<'a> DocumentReader<'a> {
    fn new(src: &'a str) -> DocumentReader<'a> {
        DocumentReader {
            rest: src,
            done: false,
        }
    }

    /// The next line, without its terminator (`\n`, or `\r\n`).
    fn next_line(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        match self.rest.find('\n') {
            Some(i) => {
                let line = &self.rest[..i];
                self.rest = &self.rest[i + 1..];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => {
                let line = self.rest;
                self.rest = "";
                Some(line)
            }
        }
    }

    fn next_document(&mut self) -> Result<Option<String>> {
        if self.done {
            return Ok(None);
        }
        let mut buffer = String::new();
        loop {
            let Some(line) = self.next_line() else {
                self.done = true;
                return Ok((!buffer.is_empty()).then_some(buffer));
            };
            if let Some(after) = line.strip_prefix("---") {
                let trimmed = after.trim();
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    return Err(Error::new(
                        ErrorKind::Yaml,
                        format!(
                            "error reading yaml document: invalid Yaml document separator: {trimmed}"
                        ),
                    ));
                }
                if !buffer.is_empty() {
                    return Ok(Some(buffer));
                }
                continue;
            }
            buffer.push_str(line);
            buffer.push('\n');
        }
    }
}

/// Helm's `MergeMaps`: `b` over `a`, maps merged recursively (into new maps),
/// everything else replaced.
fn merge_maps(a: &mut Entries, b: &Map) {
    for (k, v) in b.read().iter() {
        if let Value::Map(bm) = v {
            if let Some(Value::Map(am)) = a.get(k) {
                let mut merged = am.read().clone();
                merge_maps(&mut merged, bm);
                a.insert(
                    k.clone(),
                    Value::Map(Map::typed(ElemType::Interface, merged)),
                );
                continue;
            }
        }
        a.insert(k.clone(), v.clone());
    }
}

/// The first stage of `sigs.k8s.io/yaml.Unmarshal` into a *typed* Go
/// target: the first document of `src` as go-yaml decodes it into
/// `interface{}`, keys already stringified (`convertToJSONableObject`), but
/// before `encoding/json` runs. sigs.k8s.io/yaml coerces numbers and
/// booleans to strings where the target field is a `string`, so callers
/// that decode into a struct need go-yaml's own scalar types: integers are
/// `Value::Int64`, integers beyond `int64` are `Value::Bytes` of their
/// decimal digits, floats are `Value::Float` (NaN/±Inf not yet rejected:
/// call [`check_json_marshal`] after coercing). An empty document is `Nil`.
pub(crate) fn decode_go_typed(src: &str) -> Result<Value> {
    let doc = decode::compose(src.as_bytes()).map_err(decode::DecodeError::into_error)?;
    match &doc {
        None => Ok(Value::Nil),
        Some(doc) => decode::Decoder::new(doc)
            .with_go_numbers()
            .decode_document()
            .map_err(decode::DecodeError::into_error),
    }
}

/// sigs.k8s.io/yaml's `json.Marshal` step on a [`decode_go_typed`] value
/// (after the caller's coercion): NaN or ±Inf anywhere fails the document
/// with `error converting YAML to JSON: json: unsupported value: NaN`.
pub(crate) fn check_json_marshal(v: &Value) -> Result<()> {
    match decode::first_nonfinite(v) {
        Some(f) => Err(Error::new(
            ErrorKind::Yaml,
            format!(
                "error converting YAML to JSON: json: unsupported value: {}",
                crate::value::format_float(f, b'g', -1)
            ),
        )),
        None => Ok(()),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, the form sigs.k8s.io/yaml
/// gives a float it coerces to a string.
pub(crate) fn format_float32(f: f64) -> String {
    gofmt::format_float32_g(f)
}

/// The random inputs of the fast paths' equivalence tests.
#[cfg(test)]
pub(crate) mod test_gen {
    /// A small deterministic generator (xorshift), so that the tests need
    /// no dependency and fail the same way every time.
    pub(crate) struct Gen(pub(crate) u64);

    impl Gen {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }
}
