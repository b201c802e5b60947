//! `values.schema.json` validation, as Helm v4.2.3 does it
//! (`pkg/chart/common/util/jsonschema.go`).
//!
//! Helm validates the coalesced values against the root chart's schema, then
//! each (enabled, aliased) subchart's schema against `values[<subchart
//! name>]`, recursively, and reports every failing chart at once:
//!
//! ```
//! use std::sync::Arc;
//! use kaapana_chart::chart::schema::validate_values;
//! use kaapana_chart::chart::{Chart, Metadata};
//! use kaapana_chart::{ErrorKind, Value};
//!
//! let schema = br#"{"properties": {"replicas": {"type": "integer", "minimum": 1}}}"#;
//! let chart = Chart {
//!     metadata: Metadata { name: "web".into(), ..Metadata::default() },
//!     schema: Some(Arc::from(&schema[..])),
//!     ..Chart::default()
//! };
//! let values = Value::from_iter([("replicas", Value::Float(0.5))]);
//! let err = validate_values(&chart, &values).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Schema);
//! assert_eq!(
//!     err.to_string(),
//!     "values don't meet the specifications of the schema(s) in the following chart(s):\n\
//!      web:\n- at '/replicas': got number, want integer\n"
//! );
//! ```
//!
//! # How it matches Helm
//!
//! Helm uses `github.com/santhosh-tekuri/jsonschema/v6` (v6.0.2); we use
//! `boon`, its Rust port by the same author, which walks schemas in the same
//! order and builds the same error tree. The messages are *not* boon's: this
//! module prints the tree the way the Go library does (`- at '<pointer>':
//! <message>`, two spaces of indent per level, a `$ref` with one cause
//! folded away), with the Go library's English texts, including its
//! `golang.org/x/text` number formatting (`99,999`, `1×10⁰⁶`).
//!
//! * Schemas without `$schema` are draft 2020-12; drafts 4, 6, 7, 2019-09
//!   and 2020-12 are recognised by their `$schema`. The schema is itself
//!   validated against its metaschema.
//! * Values reach the validator as JSON: every number from a values file is
//!   a float (`1.0` is an integer for `"type": "integer"`, `1.5` is not).
//! * A schema that is not JSON fails with Go's `encoding/json` decoder text
//!   (`invalid character … looking for beginning of value`, `unexpected
//!   EOF`).
//!
//! # Deviations
//!
//! (Also in `COMPATIBILITY.md`.)
//!
//! * **No `$ref` is ever fetched.** Helm loads `http(s)://` references from
//!   the network and `file://` references (and relative ones, resolved
//!   against `file:///values.schema.json`) from the local file system. A
//!   library that validates untrusted charts must do neither: such a
//!   reference fails with `failing loading "<url>": <url> is not loaded:
//!   kaapana-chart never fetches remote or file references`. `urn:`
//!   references that cannot be resolved become the permissive `true`
//!   schema, as in Helm.
//! * Go visits map entries in random order, so when several properties of
//!   one object fail, Helm lists them in a different order from run to run.
//!   We list them in key order (one of Helm's possible orders).
//! * `format` assertions (drafts 4–7) and their messages, and regular
//!   expression dialects, follow boon, which may differ from the Go
//!   library in corner cases.
//! * Numbers in `enum`/`const` messages are printed from the parsed number
//!   (`1e3` prints as `1000.0`); Go prints the schema's literal text.
//! * Values nested deeper than [`MAX_SCHEMA_VALUE_DEPTH`] and schemas nested
//!   deeper than 128 levels are refused (Go has no such limits).

use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;

use boon::{CompileError, Compiler, ErrorKind as BoonKind, Schemas, ValidationError};
use serde_json::Value as Json;

use crate::chart::Chart;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_SCHEMA_VALUE_DEPTH;
use crate::value::Value;

/// The URL Helm compiles every schema under; error messages show it.
const SCHEMA_URL: &str = "file:///values.schema.json";

/// What Helm strips from the front of the validator's message.
const HELM_PREFIX: &str = "jsonschema validation failed with 'file:///values.schema.json#'\n";

/// The stack the validator runs on. boon recurses once per level of the
/// values (and per `$ref`), so a fresh stack this large (reserved, touched
/// only as used) lets [`MAX_SCHEMA_VALUE_DEPTH`] levels validate anywhere.
const VALIDATOR_STACK: usize = 64 * 1024 * 1024;

/// Validates the coalesced `values` against the schemas of `chart` and its
/// subcharts, the way Helm does before rendering
/// (`ValidateAgainstSchema`).
///
/// The root chart's schema (if any) checks `values`; each chart in
/// `chart.dependencies` is checked, recursively, against
/// `values[<its metadata.name>]` (skipped when that is missing or null).
/// Pass the dependency list as rendering sees it: disabled subcharts
/// removed, aliases applied to `metadata.name`.
///
/// ```
/// use std::sync::Arc;
/// use kaapana_chart::chart::schema::validate_values;
/// use kaapana_chart::chart::{Chart, Metadata};
/// use kaapana_chart::Value;
///
/// let sub = Chart {
///     metadata: Metadata { name: "db".into(), ..Metadata::default() },
///     schema: Some(Arc::from(&br#"{"required": ["port"]}"#[..])),
///     ..Chart::default()
/// };
/// let root = Chart {
///     metadata: Metadata { name: "app".into(), ..Metadata::default() },
///     dependencies: vec![sub],
///     ..Chart::default()
/// };
/// let values = Value::from_iter([("db", Value::from_iter([("host", Value::from("x"))]))]);
/// let err = validate_values(&root, &values).unwrap_err();
/// assert!(err.to_string().ends_with("db:\n- at '': missing property 'port'\n"));
/// ```
///
/// # Errors
///
/// An [`ErrorKind::Schema`] error with Helm's message (`values don't meet
/// the specifications of the schema(s) in the following chart(s):\n…`)
/// listing every failing chart; [`ErrorKind::LimitExceeded`] for values
/// nested deeper than [`MAX_SCHEMA_VALUE_DEPTH`].
pub fn validate_values(chart: &Chart, values: &Value) -> Result<()> {
    let mut out = String::new();
    collect(chart, values, &mut out)?;
    if out.is_empty() {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Schema,
        format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{out}"
        ),
    ))
}

/// Validates `values` against one schema (Helm's
/// `ValidateAgainstSingleSchema`).
///
/// ```
/// use kaapana_chart::chart::schema::validate_against_schema;
/// use kaapana_chart::Value;
///
/// let schema = br#"{"type": "object", "additionalProperties": false}"#;
/// let ok = Value::from_iter(Vec::<(&str, Value)>::new());
/// assert!(validate_against_schema(schema, &ok).is_ok());
/// let bad = Value::from_iter([("x", Value::Float(1.0))]);
/// let err = validate_against_schema(schema, &bad).unwrap_err();
/// assert_eq!(err.to_string(), "- at '': additional properties 'x' not allowed\n");
/// ```
///
/// # Errors
///
/// An [`ErrorKind::Schema`] error whose message is exactly Helm's for this
/// one schema: the list of failures (each line `- at '<pointer>': …`, with a
/// final newline), or why the schema could not be used (not JSON, not valid
/// against its metaschema, a `$ref` that is not resolved, …).
/// [`ErrorKind::LimitExceeded`] for values nested deeper than
/// [`MAX_SCHEMA_VALUE_DEPTH`].
pub fn validate_against_schema(schema: &[u8], values: &Value) -> Result<()> {
    match single(schema, values)? {
        None => Ok(()),
        Some(msg) => Err(Error::new(ErrorKind::Schema, msg)),
    }
}

/// Helm's `ValidateAgainstSchema` body: appends the report of `chart` and
/// its subcharts to `out`.
fn collect(chart: &Chart, values: &Value, out: &mut String) -> Result<()> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        if let Some(schema) = &chart.schema {
            if let Some(msg) = single(schema, values)? {
                out.push_str(&chart.metadata.name);
                out.push_str(":\n");
                out.push_str(&msg);
            }
        }
        for sub in &chart.dependencies {
            let name = &sub.metadata.name;
            let raw = values.get(name).unwrap_or(Value::Nil);
            match raw {
                Value::Nil => continue,
                Value::Map(_) => collect(sub, &raw, out)?,
                other => {
                    let _ = writeln!(
                        out,
                        "{name}:\ninvalid type for values: expected object (map), got {}",
                        other.go_type()
                    );
                }
            }
        }
        Ok(())
    })
}

/// One schema against `values`: `None` when they pass, else Helm's message.
fn single(schema: &[u8], values: &Value) -> Result<Option<String>> {
    let doc = match parse_schema(schema) {
        Ok(doc) => doc,
        Err(msg) => return Ok(Some(msg)),
    };
    let instance = to_json(values, 0)?;
    // boon is not expected to panic, but a validator fed untrusted schemas
    // must not take the process down if it does; Helm recovers too.
    let run = AssertUnwindSafe(|| {
        stacker::grow(VALIDATOR_STACK, || compile_and_validate(doc, &instance))
    });
    match std::panic::catch_unwind(run) {
        Ok(answer) => Ok(answer),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Ok(Some(format!("unable to validate schema: {what}")))
        }
    }
}

fn compile_and_validate(doc: Json, instance: &Json) -> Option<String> {
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(NoFetch));
    if let Err(e) = compiler.add_resource(SCHEMA_URL, doc) {
        return Some(compile_error(&e));
    }
    let mut schemas = Schemas::new();
    let idx = match compiler.compile(SCHEMA_URL, &mut schemas) {
        Ok(idx) => idx,
        Err(e) => return Some(compile_error(&e)),
    };
    match schemas.validate(instance, idx) {
        Ok(()) => None,
        Err(e) => {
            let text = display(&e);
            let text = text.strip_prefix(HELM_PREFIX).unwrap_or(&text);
            Some(format!("{text}\n"))
        }
    }
}

/// The loader Helm's `$ref`s would go through: it fetches nothing.
struct NoFetch;

impl boon::UrlLoader for NoFetch {
    fn load(&self, url: &str) -> std::result::Result<Json, Box<dyn std::error::Error>> {
        if url.starts_with("urn:") {
            // Helm's urnLoader: an unresolved URN is the permissive schema.
            return Ok(Json::Bool(true));
        }
        Err(
            format!("{url} is not loaded: kaapana-chart never fetches remote or file references")
                .into(),
        )
    }
}

/// Reads the schema the way Helm's `jsonschema.UnmarshalJSON` does (Go's
/// `json.Decoder`); the error is Go's message.
fn parse_schema(schema: &[u8]) -> std::result::Result<Json, String> {
    // Go's decoder takes invalid UTF-8 inside strings as U+FFFD.
    let text = String::from_utf8_lossy(schema);
    if let Err(e) = crate::value::json::from_json(&text) {
        let msg = e.message();
        if msg == "unexpected end of JSON input" {
            // json.Decoder, unlike json.Unmarshal, says EOF.
            return Err(if text.trim_matches([' ', '\t', '\r', '\n']).is_empty() {
                "EOF".to_owned()
            } else {
                "unexpected EOF".to_owned()
            });
        }
        if msg.ends_with("after top-level value") {
            // The decoder reads one value; whatever follows it fails
            // UnmarshalJSON's own check, with this fixed text.
            return Err("invalid character after top-level value".to_owned());
        }
        if !msg.starts_with("json: cannot unmarshal number") {
            return Err(msg.to_owned());
        }
        // Numbers out of float64 range are fine for Go's UseNumber decoder.
    }
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON schema: {e}"))
}

/// Converts values to JSON as Go's validator sees them (`nil` is null,
/// every number a number).
fn to_json(v: &Value, depth: usize) -> Result<Json> {
    if depth > MAX_SCHEMA_VALUE_DEPTH {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("values nest deeper than {MAX_SCHEMA_VALUE_DEPTH} levels"),
        ));
    }
    Ok(match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::from(*i),
        Value::Uint8(u) => Json::from(*u),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => {
                return Err(Error::new(
                    ErrorKind::Schema,
                    format!("invalid jsonType: {} is not a JSON number", f),
                ))
            }
        },
        Value::String(s) => Json::String(s.to_string()),
        Value::List(l) => Json::Array(
            l.items()
                .iter()
                .map(|x| to_json(x, depth + 1))
                .collect::<Result<_>>()?,
        ),
        Value::Map(m) => {
            let mut obj = serde_json::Map::new();
            for (k, x) in m.entries() {
                obj.insert(k.to_string(), to_json(&x, depth + 1)?);
            }
            Json::Object(obj)
        }
        other => {
            return Err(Error::new(
                ErrorKind::Schema,
                format!("invalid jsonType {}", other.go_type()),
            ))
        }
    })
}

/// The Go library's `CompileError` texts.
fn compile_error(e: &CompileError) -> String {
    match e {
        CompileError::ValidationError { url, src } => format!(
            "{} is not valid against metaschema: {}",
            go_quote(&with_hash(url)),
            display(src)
        ),
        CompileError::LoadUrlError { url, src } => {
            format!("failing loading {}: {src}", go_quote(url))
        }
        CompileError::UnsupportedUrlScheme { url } => {
            format!("no URLLoader registered for {}", go_quote(url))
        }
        CompileError::JsonPointerNotFound(loc) => {
            format!("json-pointer in {} not found", go_quote(loc))
        }
        CompileError::InvalidJsonPointer(loc) => {
            format!("invalid json-pointer {}", go_quote(loc))
        }
        CompileError::AnchorNotFound { url, reference } => {
            format!(
                "anchor in {} not found",
                go_quote(&format!("{url}{reference}"))
            )
        }
        other => format!("{other:#}"),
    }
}

/// A schema URL as the Go library names it (always with a fragment).
fn with_hash(url: &str) -> String {
    if url.contains('#') {
        url.to_owned()
    } else {
        format!("{url}#")
    }
}

/// The Go library's `ValidationError.Error()`: the tree, one `- at …` line
/// per error, two spaces of indent per level.
fn display(e: &ValidationError<'_, '_>) -> String {
    let mut out = String::new();
    display_into(e, None, &mut out, 0);
    out
}

/// Writes one line: `- at '<pointer>': <text>` at `indent`.
fn line(out: &mut String, indent: usize, location: &str, text: &str) {
    if indent > 0 {
        out.push('\n');
        for _ in 1..indent {
            out.push_str("  ");
        }
        out.push_str("- ");
    }
    out.push_str("at ");
    out.push_str(&quote(location));
    out.push_str(": ");
    out.push_str(text);
}

fn display_into(
    e: &ValidationError<'_, '_>,
    parent: Option<&ValidationError<'_, '_>>,
    out: &mut String,
    mut indent: usize,
) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        // boon drops the `allOf`/`anyOf`/`oneOf` node of a combinator with
        // a single failing branch; the Go library keeps it. Put it back.
        if let Some(text) = dropped_combinator(e, parent) {
            line(out, indent, &e.instance_location.to_string(), text);
            indent += 1;
        }
        // A `$ref` with a single cause is not shown; its cause is.
        let skip = e.causes.len() == 1 && matches!(e.kind, BoonKind::Reference { .. });
        if !skip {
            if let BoonKind::Schema { url } = &e.kind {
                if indent > 0 {
                    out.push('\n');
                    for _ in 1..indent {
                        out.push_str("  ");
                    }
                    out.push_str("- ");
                }
                out.push_str("jsonschema validation failed with ");
                out.push_str(&quote(&with_hash(url)));
            } else {
                line(
                    out,
                    indent,
                    &e.instance_location.to_string(),
                    &message(&e.kind),
                );
            }
            indent += 1;
        }
        for cause in &e.causes {
            display_into(cause, Some(e), out, indent);
        }
    })
}

/// The message of the combinator node boon left out above `e`, if any: `e`
/// comes straight from branch `N` of an `allOf`/`anyOf`/`oneOf` (its schema
/// is `<S>/allOf/N`) and its parent is not that combinator's node.
fn dropped_combinator(
    e: &ValidationError<'_, '_>,
    parent: Option<&ValidationError<'_, '_>>,
) -> Option<&'static str> {
    let url = e.schema_url;
    let (rest, index) = url.rsplit_once('/')?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (base, keyword) = rest.rsplit_once('/')?;
    let text = match keyword {
        "allOf" => "'allOf' failed",
        "anyOf" => "'anyOf' failed",
        "oneOf" => "'oneOf' failed, none matched",
        _ => return None,
    };
    match parent {
        Some(p) => {
            let wrapped = match (&p.kind, keyword) {
                (BoonKind::AllOf, "allOf")
                | (BoonKind::AnyOf, "anyOf")
                | (BoonKind::OneOf(None), "oneOf") => p.schema_url == base,
                // The target of a `$ref` may itself be a branch.
                (BoonKind::Reference { url: target, .. }, _) => *target == url,
                _ => false,
            };
            (!wrapped).then_some(text)
        }
        None => Some(text),
    }
}

/// The Go library's English message of one error kind.
fn message(kind: &BoonKind<'_, '_>) -> String {
    use BoonKind as K;
    match kind {
        K::Group | K::Reference { .. } => "validation failed".to_owned(),
        K::Schema { url } => format!("jsonschema validation failed with {}", quote(url)),
        K::ContentSchema => "'contentSchema' failed".to_owned(),
        K::PropertyName { prop } => format!("invalid propertyName {}", quote(prop)),
        K::RefCycle {
            url,
            kw_loc1,
            kw_loc2,
        } => format!(
            "both {kw_loc1} and {kw_loc2} resolve to {} causing reference cycle",
            go_quote(url)
        ),
        K::FalseSchema => "false schema".to_owned(),
        K::Type { got, want } => {
            // Go's typeOf never says "integer" of a value.
            let got = match got {
                boon::Type::Integer => boon::Type::Number,
                t => *t,
            };
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            format!("got {got}, want {}", want.join(" or "))
        }
        K::Enum { want } => {
            if want.iter().all(is_primitive) {
                if want.len() == 1 {
                    format!("value must be {}", display_value(&want[0]))
                } else {
                    let all: Vec<String> = want.iter().map(display_value).collect();
                    format!("value must be one of {}", all.join(", "))
                }
            } else {
                "'enum' failed".to_owned()
            }
        }
        K::Const { want } => {
            if is_primitive(want) {
                format!("value must be {}", display_value(want))
            } else {
                "'const' failed".to_owned()
            }
        }
        K::Format { got, want, err } => {
            format!("{} is not valid {want}: {err}", display_value(got))
        }
        K::MinProperties { got, want } => {
            format!("minProperties: got {}, want {}", int(*got), int(*want))
        }
        K::MaxProperties { got, want } => {
            format!("maxProperties: got {}, want {}", int(*got), int(*want))
        }
        K::AdditionalProperties { got } => {
            format!("additional properties {} not allowed", join_quoted(got))
        }
        K::Required { want } => {
            if want.len() == 1 {
                format!("missing property {}", quote(want[0]))
            } else {
                format!("missing properties {}", join_quoted(want))
            }
        }
        K::Dependency { prop, missing } | K::DependentRequired { prop, missing } => format!(
            "properties {} required, if {} exists",
            join_quoted(missing),
            quote(prop)
        ),
        K::MinItems { got, want } => format!("minItems: got {}, want {}", int(*got), int(*want)),
        K::MaxItems { got, want } => format!("maxItems: got {}, want {}", int(*got), int(*want)),
        K::Contains => "no items match contains schema".to_owned(),
        K::MinContains { got, want } => {
            if got.is_empty() {
                format!(
                    "min {} items required to match contains schema, but none matched",
                    int(*want)
                )
            } else {
                format!(
                    "min {} items required to match contains schema, but matched {} items at {}",
                    int(*want),
                    int(got.len()),
                    plain_list(got)
                )
            }
        }
        K::MaxContains { got, want } => format!(
            "max {} items required to match contains schema, but matched {} items at {}",
            int(*want),
            int(got.len()),
            plain_list(got)
        ),
        K::UniqueItems { got: [i, j] } => {
            format!("items at {} and {} are equal", int(*i), int(*j))
        }
        K::AdditionalItems { got } => {
            format!("last {} additionalItem(s) not allowed", int(*got))
        }
        K::MinLength { got, want } => format!("minLength: got {}, want {}", int(*got), int(*want)),
        K::MaxLength { got, want } => format!("maxLength: got {}, want {}", int(*got), int(*want)),
        K::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        K::ContentEncoding { want, err } => {
            format!("value is not {} encoded: {err}", quote(want))
        }
        K::ContentMediaType { want, err, .. } => {
            format!("value if not of mediatype {}: {err}", quote(want))
        }
        K::Minimum { got, want } => format!("minimum: got {}, want {}", num(got), num(want)),
        K::Maximum { got, want } => format!("maximum: got {}, want {}", num(got), num(want)),
        K::ExclusiveMinimum { got, want } => {
            format!("exclusiveMinimum: got {}, want {}", num(got), num(want))
        }
        K::ExclusiveMaximum { got, want } => {
            format!("exclusiveMaximum: got {}, want {}", num(got), num(want))
        }
        K::MultipleOf { got, want } => {
            format!("multipleOf: got {}, want {}", num(got), num(want))
        }
        K::Not => "'not' failed".to_owned(),
        K::AllOf => "'allOf' failed".to_owned(),
        K::AnyOf => "'anyOf' failed".to_owned(),
        K::OneOf(None) => "'oneOf' failed, none matched".to_owned(),
        K::OneOf(Some((i, j))) => {
            format!(
                "'oneOf' failed, subschemas {}, {} matched",
                int(*i),
                int(*j)
            )
        }
    }
}

fn is_primitive(v: &Json) -> bool {
    !matches!(v, Json::Array(_) | Json::Object(_))
}

/// The Go library's `display`: `%v` of a primitive, strings quoted.
fn display_value(v: &Json) -> String {
    match v {
        Json::String(s) => quote(s),
        Json::Array(_) | Json::Object(_) => "value".to_owned(),
        Json::Null => "<nil>".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
    }
}

/// Go's `%v` of an `[]int` without its brackets.
fn plain_list(items: &[usize]) -> String {
    let all: Vec<String> = items.iter().map(|i| i.to_string()).collect();
    all.join(" ")
}

/// The Go library's `quote`: `%q`, then `"` unescaped and `'` escaped, in
/// single quotes.
fn quote(s: &str) -> String {
    let q = go_quote(s);
    let inner = &q[1..q.len() - 1];
    let inner = inner.replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{inner}'")
}

fn join_quoted<S: AsRef<str>>(items: &[S]) -> String {
    let all: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    all.join(", ")
}

fn go_quote(s: &str) -> String {
    crate::template::fmt::go_quote(s)
}

/// `%d` of an int through an English `golang.org/x/text` printer: digits
/// grouped by commas.
fn int(n: usize) -> String {
    group(&n.to_string())
}

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `%v` of a number (as a `float64`) through an English `golang.org/x/text`
/// printer: the shortest digits, grouped by commas, switching to
/// `d.ddd×10ⁿⁿ` when the exponent is below -4 or at least 6.
fn num(n: &serde_json::Number) -> String {
    let f = n.as_f64().unwrap_or(0.0);
    float(f)
}

fn float(f: f64) -> String {
    if !f.is_finite() {
        return crate::value::strconv::format_float(f, b'g', -1);
    }
    // "d.ddde±XX": the shortest digits and the exponent.
    let e = crate::value::strconv::format_float(f.abs(), b'e', -1);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if f.is_sign_negative() && f != 0.0 {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str("×10");
        if exp < 0 {
            out.push('⁻');
        }
        let e = format!("{:02}", exp.unsigned_abs());
        for c in e.chars() {
            out.push(superscript(c));
        }
        return out;
    }
    // Plain decimal: the integer part grouped, the fraction as is.
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = point as usize;
        let mut int_part = digits
            .get(..point.min(digits.len()))
            .unwrap_or("")
            .to_owned();
        while int_part.len() < point {
            int_part.push('0');
        }
        out.push_str(&group(&int_part));
        if digits.len() > point {
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

fn superscript(c: char) -> char {
    match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        _ => '⁹',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_x_text() {
        // Expected texts: Helm's own messages (fixtures/schema/numbers-*).
        assert_eq!(float(5.0), "5");
        assert_eq!(float(1e6), "1×10⁰⁶");
        assert_eq!(float(1e-9), "1×10⁻⁰⁹");
        assert_eq!(float(-1e-7), "-1×10⁻⁰⁷");
        assert_eq!(float(1e300), "1×10³⁰⁰");
        assert_eq!(float(99999.0), "99,999");
        assert_eq!(float(1000.5), "1,000.5");
        assert_eq!(float(-1234567.25), "-1.23456725×10⁰⁶");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(1e-5), "1×10⁻⁰⁵");
        assert_eq!(float(999999.5), "999,999.5");
        assert_eq!(float(0.0), "0");
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(12), "12");
    }

    #[test]
    fn quote_like_go() {
        assert_eq!(quote("a'b\"c\n"), "'a\\'b\"c\\n'");
    }
}
