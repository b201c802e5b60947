//! Helm's TOML functions (`pkg/engine/funcs.go`, BurntSushi/toml v1.6).
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `toToml` | `(v any) string` | an encoding error becomes the result text |
//! | `mustToToml` | `(v any) (string, error)` | |
//! | `fromToml` | `(str string) map[string]any` | a parse error goes under `Error` |
//!
//! The encoder is our own port of BurntSushi's layout: plain keys first, then
//! tables, both sorted; `[table]` headers indented two spaces per level;
//! arrays whose items are all tables become `[[arrays of tables]]`; floats
//! in Go's shortest `%g` form with `.0` added when it has no `.` or exponent.
//! `fromToml` parses with the `toml` crate: its error messages differ from
//! BurntSushi's (documented in COMPATIBILITY.md).
//!
//! ```
//! use kaapana_chart::{Functions, TemplateSet, Value};
//! use std::sync::Arc;
//!
//! let mut set = TemplateSet::with_functions(Default::default(), Arc::new(Functions::helm()));
//! set.add("t", r#"{{ fromToml "a = 1" | toToml }}"#).unwrap();
//! assert_eq!(set.execute("t", &Value::Nil).unwrap(), "a = 1\n");
//! ```

use std::sync::Arc;

use super::gotime::{date, GoTime, Loc};
use super::{str_arg, FuncError, Functions};
use crate::value::{format_float, GoType, List, Map, Signature, Value};

const NIL_PANIC: &str = "reflect: call of reflect.Value.Type on zero Value";
const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";
const ERR_NIL_ELEM: &str = "toml: cannot encode array with nil element";

pub(crate) fn register(f: &mut Functions) {
    f.register("toToml", Signature::fixed(&[GoType::Any]), |_, a| {
        match to_toml(a.first().unwrap_or(&Value::Nil)) {
            Ok(s) => Ok(Value::from(s)),
            // A nil value panics inside the encoder; the template engine
            // reports the recovered panic as the call's error.
            Err(e) if e == NIL_PANIC => Err(FuncError::new(e)),
            Err(e) => Ok(Value::from(e)),
        }
    });
    f.register(
        "mustToToml",
        Signature::fixed(&[GoType::Any]).with_error(),
        |_, a| {
            to_toml(a.first().unwrap_or(&Value::Nil))
                .map(Value::from)
                .map_err(FuncError::new)
        },
    );
    f.register("fromToml", Signature::fixed(&[GoType::String]), |_, a| {
        Ok(from_toml(str_arg(a, 0)))
    });
}

/// BurntSushi's `Encoder.Encode` of a template value.
pub(crate) fn to_toml(v: &Value) -> Result<String, String> {
    if v.is_nil() {
        return Err(NIL_PANIC.to_owned());
    }
    let mut enc = Encoder {
        out: String::new(),
        written: false,
    };
    let mut key = Vec::new();
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || enc.encode(&mut key, v))?;
    Ok(enc.out)
}

struct Encoder {
    out: String,
    written: bool,
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn maybe_quoted(k: &str) -> String {
    if is_bare(k) {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn key_string(key: &[Arc<str>]) -> String {
    key.iter()
        .map(|k| maybe_quoted(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether a list is an array of tables (every item a map); a nil item
/// anywhere is BurntSushi's error.
fn is_array_of_tables(l: &List) -> Result<bool, String> {
    if l.items().iter().any(Value::is_nil) {
        return Err(ERR_NIL_ELEM.to_owned());
    }
    Ok(!l.is_empty() && l.items().iter().all(|i| matches!(i, Value::Map(_))))
}

fn is_table(v: &Value) -> Result<bool, String> {
    match v {
        Value::Map(_) => Ok(true),
        Value::List(l) => is_array_of_tables(l),
        _ => Ok(false),
    }
}

impl Encoder {
    fn wf(&mut self, s: &str) {
        self.out.push_str(s);
        self.written = true;
    }

    fn newline(&mut self) {
        if self.written {
            self.out.push('\n');
        }
    }

    fn indent(key: &[Arc<str>]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &mut Vec<Arc<str>>, v: &Value) -> Result<(), String> {
        match v {
            Value::Nil => Ok(()),
            Value::Map(m) => self.table(key, m),
            Value::List(l) if is_array_of_tables(l)? => {
                if key.is_empty() {
                    return Err(ERR_NO_KEY.to_owned());
                }
                for item in l.items() {
                    if let Value::Map(m) = item {
                        self.newline();
                        let line = format!("{}[[{}]]", Self::indent(key), key_string(key));
                        self.wf(&line);
                        self.newline();
                        self.map(key, m, false)?;
                    }
                }
                Ok(())
            }
            _ => self.key_value(key, v, false),
        }
    }

    fn table(&mut self, key: &mut Vec<Arc<str>>, m: &Map) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let line = format!("{}[{}]", Self::indent(key), key_string(key));
            self.wf(&line);
            self.newline();
        }
        self.map(key, m, false)
    }

    fn map(&mut self, key: &mut Vec<Arc<str>>, m: &Map, inline: bool) -> Result<(), String> {
        let entries = m.entries();
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in entries {
            if is_table(&v)? {
                sub.push((k, v));
            } else {
                direct.push((k, v));
            }
        }
        if inline {
            self.wf("{");
        }
        let has_sub = !sub.is_empty();
        for (group, trail) in [(direct, has_sub), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                if inline {
                    self.key_value(&[k], &v, true)?;
                    if trail || i != n - 1 {
                        self.wf(", ");
                    }
                } else {
                    key.push(k);
                    let r = self.encode(key, &v);
                    key.pop();
                    r?;
                }
            }
        }
        if inline {
            self.wf("}");
        }
        Ok(())
    }

    fn key_value(&mut self, key: &[Arc<str>], v: &Value, inline: bool) -> Result<(), String> {
        if let Some(last) = key.last() {
            let head = format!("{}{} = ", Self::indent(key), maybe_quoted(last));
            self.wf(&head);
        }
        self.element(v)?;
        // A top-level scalar or array is written bare, without a newline.
        if !inline && !key.is_empty() {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Value) -> Result<(), String> {
        match v {
            Value::String(s) => {
                let q = quote(s);
                self.wf(&q);
            }
            Value::Bool(b) => self.wf(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.wf(&i.to_string()),
            Value::Uint8(u) => self.wf(&u.to_string()),
            Value::Float(f) => {
                let s = if f.is_nan() {
                    "nan".to_owned()
                } else if f.is_infinite() {
                    if *f > 0.0 { "+inf" } else { "-inf" }.to_owned()
                } else {
                    let s = format_float(*f, b'g', -1);
                    if s.contains('.') || s.contains('e') {
                        s
                    } else {
                        s + ".0"
                    }
                };
                self.wf(&s);
            }
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(u8::to_string).collect();
                let s = format!("[{}]", items.join(", "));
                self.wf(&s);
            }
            Value::List(l) => {
                self.wf("[");
                let n = l.len();
                for (i, item) in l.items().iter().enumerate() {
                    if item.is_nil() {
                        return Err(ERR_NIL_ELEM.to_owned());
                    }
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.element(item))?;
                    if i != n - 1 {
                        self.wf(", ");
                    }
                }
                self.wf("]");
            }
            Value::Map(m) => {
                let mut key = Vec::new();
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.map(&mut key, m, true))?;
            }
            Value::Object(o) => match GoTime::from_value(v) {
                Some(t) => {
                    let s = t.rfc3339_nano();
                    self.wf(&s);
                }
                None => {
                    let data = o.to_data();
                    if data.is_nil() {
                        return Err(format!("unsupported type: {}", o.go_kind().name()));
                    }
                    self.element(&data)?;
                }
            },
            Value::Nil => return Err(ERR_NIL_ELEM.to_owned()),
            Value::Complex(..) => return Err("unsupported type: complex128".to_owned()),
        }
        Ok(())
    }
}

/// Helm's `fromTOML`: a map, or `{"Error": msg}`.
pub(crate) fn from_toml(s: &str) -> Value {
    match s.parse::<toml::Table>() {
        Ok(t) => convert_table(&t),
        Err(e) => {
            let m = Map::new();
            m.insert("Error", Value::from(format!("toml: {}", e.message())));
            Value::Map(m)
        }
    }
}

fn convert_table(t: &toml::Table) -> Value {
    let m = Map::new();
    for (k, v) in t {
        m.insert(k.as_str(), convert(v));
    }
    Value::Map(m)
}

fn convert(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::Int64(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => convert_datetime(d),
        toml::Value::Array(a) => Value::list(
            a.iter()
                .map(|i| stacker::maybe_grow(64 * 1024, 1024 * 1024, || convert(i)))
                .collect(),
        ),
        toml::Value::Table(t) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || convert_table(t)),
    }
}

/// TOML date-times become Go `time.Time`s as BurntSushi makes them: local
/// forms in fixed zones named `datetime-local`, `date-local`, `time-local`.
fn convert_datetime(d: &toml::value::Datetime) -> Value {
    let (y, mo, da) = d.date.map_or((0, 1, 1), |x| {
        (i64::from(x.year), i64::from(x.month), i64::from(x.day))
    });
    let (h, mi, s, ns) = d.time.map_or((0, 0, 0, 0), |t| {
        (
            i64::from(t.hour),
            i64::from(t.minute),
            i64::from(t.second.unwrap_or(0)),
            i64::from(t.nanosecond.unwrap_or(0)),
        )
    });
    let loc = match (d.offset, d.date.is_some(), d.time.is_some()) {
        (Some(toml::value::Offset::Z), _, _) => Loc::Utc,
        (Some(toml::value::Offset::Custom { minutes }), _, _) => {
            Loc::Fixed(Arc::from(""), i32::from(minutes) * 60)
        }
        (None, true, true) => Loc::Fixed(Arc::from("datetime-local"), 0),
        (None, true, false) => Loc::Fixed(Arc::from("date-local"), 0),
        (None, _, _) => Loc::Fixed(Arc::from("time-local"), 0),
    };
    date(y, mo, da, h, mi, s, ns, &loc).into_value()
}
