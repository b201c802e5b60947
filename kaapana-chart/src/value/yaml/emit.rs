//! `sigs.k8s.io/yaml.Marshal`: JSON, then go-yaml v2 reads the JSON back and
//! its encoder and emitter (libyaml's `emitterc.c`) write YAML. The same code,
//! switched by [`Dialect`], also writes what go-yaml v3's `Encoder` with
//! `SetIndent(2)` writes for the Go value directly (Helm's `toYamlPretty`).
//!
//! The JSON detour is visible: numbers print the way JSON wrote them and
//! go-yaml re-typed them (`1e20` → `1e+20`, `123456789.0` → `123456789`,
//! `1234567.5` → `1.2345675e+06`), and a few strings fail or change because
//! go-yaml reads raw characters JSON leaves unescaped (DEL and C1 controls
//! are rejected, NEL is a line break and folds). Events are generated with
//! an explicit stack and fed to a port of the emitter's state machine, so
//! nesting depth costs heap, not stack.

use crate::value::json::base64_std;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use super::gosort::go_sort;
use super::gounicode::{is_digit, is_letter};
use super::resolve::resolves_to_non_string;
use crate::error::{Error, ErrorKind, Result};
use crate::funcs::gotime::GoTime;
use crate::limits::{DEFAULT_MAX_OUTPUT, MAX_VALUE_DEPTH};
use crate::value::json::{json_check, json_float, JsonCheckError};
use crate::value::{format_float, List, Map, Value};

/// go-yaml's `max_flow_level` for the JSON it re-reads.
const MAX_FLOW_LEVEL: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

#[derive(Debug)]
enum Text {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Text {
    fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Shared(s) => s,
            Text::Owned(s) => s,
        }
    }
}

#[derive(Debug)]
enum Ev {
    StreamStart,
    DocumentStart,
    DocumentEnd,
    StreamEnd,
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
    Scalar(Text, Style),
}

fn marshal_error(msg: String) -> Error {
    Error::new(
        ErrorKind::Yaml,
        format!("error marshaling into JSON: {msg}"),
    )
}

fn convert_error(msg: &str) -> Error {
    Error::new(
        ErrorKind::Yaml,
        format!("error converting JSON to YAML: yaml: {msg}"),
    )
}

/// Which Go encoder is imitated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// `sigs.k8s.io/yaml.Marshal`: JSON first, then go-yaml v2.
    SigsV2,
    /// go-yaml v3's `Encoder` with `SetIndent(2)` on the value itself: no
    /// JSON detour (floats print with `%g`, NaN and infinities are allowed,
    /// `time.Time` is a plain timestamp), sequences indented inside
    /// mappings, no line folding, tabs allowed in literal blocks, and map
    /// keys sorted with v3's tweak of the natural order.
    V3,
}

pub(super) fn to_yaml(v: &Value) -> Result<String> {
    // Maps of simple words and numbers (most of what charts pass to
    // `toYaml`) are written directly; see `emit_fast.rs`.
    if let Some(out) = super::emit_fast::to_yaml(v) {
        return Ok(out);
    }
    to_yaml_full(v)
}

/// [`to_yaml`] through JSON, go-yaml's encoder and libyaml's emitter.
pub(super) fn to_yaml_full(v: &Value) -> Result<String> {
    to_yaml_dialect(v, Dialect::SigsV2)
}

pub(super) fn to_yaml_dialect(v: &Value, dialect: Dialect) -> Result<String> {
    let mut builder = Builder {
        stack: Vec::new(),
        pending: VecDeque::from([Ev::StreamStart, Ev::DocumentStart]),
        root: Some(v.clone()),
        done: false,
        lines: 0,
        dialect,
    };
    let mut em = Emitter::new(dialect);
    if dialect == Dialect::V3 {
        // No JSON pre-pass: depth is bounded while walking (`open`) and the
        // text by the emitter's output check.
        em.run(&mut builder)?;
        return Ok(em.out);
    }
    let size = json_check(v).map_err(|e| match e {
        JsonCheckError::Unsupported(msg) => marshal_error(msg),
        JsonCheckError::TooDeep => Error::new(
            ErrorKind::LimitExceeded,
            format!("value nests deeper than {MAX_VALUE_DEPTH} levels"),
        ),
        JsonCheckError::TooLarge => Error::new(
            ErrorKind::LimitExceeded,
            format!("YAML output exceeds {DEFAULT_MAX_OUTPUT} bytes"),
        ),
    })?;
    em.out.reserve(size);
    em.run(&mut builder)?;
    Ok(em.out)
}

// -------------------------------------------------------------------------
// Value → events, with the JSON round trip applied. Events are produced on
// demand, so memory stays proportional to the nesting depth.

/// A map entry waiting to be written, with its key's ASCII-ness noted once
/// for the sort.
struct Entry {
    key: Arc<str>,
    ascii: bool,
    value: Value,
}

enum Frame {
    Seq { list: List, next: usize },
    Map { entries: Vec<Entry>, next: usize },
}

struct Builder {
    stack: Vec<Frame>,
    pending: VecDeque<Ev>,
    root: Option<Value>,
    done: bool,
    /// Line breaks (NEL) go-yaml has seen so far, for error line numbers.
    lines: usize,
    dialect: Dialect,
}

impl Builder {
    /// The next event of the document, `None` after STREAM-END.
    fn next(&mut self) -> Result<Option<Ev>> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(e));
            }
            if self.done {
                return Ok(None);
            }
            self.step()?;
        }
    }

    /// Advances the walk by one value, queueing its events.
    fn step(&mut self) -> Result<()> {
        if let Some(root) = self.root.take() {
            return self.push_value(root);
        }
        match self.stack.last_mut() {
            None => {
                self.pending.push_back(Ev::DocumentEnd);
                self.pending.push_back(Ev::StreamEnd);
                self.done = true;
            }
            Some(Frame::Seq { list, next }) => {
                if let Some(item) = list.items().get(*next).cloned() {
                    *next += 1;
                    self.push_value(item)?;
                } else {
                    self.stack.pop();
                    self.pending.push_back(Ev::SequenceEnd);
                }
            }
            Some(Frame::Map { entries, next }) => {
                if let Some(e) = entries.get(*next) {
                    let (k, item) = (e.key.clone(), e.value.clone());
                    *next += 1;
                    self.push_key(&k)?;
                    self.push_value(item)?;
                } else {
                    self.stack.pop();
                    self.pending.push_back(Ev::MappingEnd);
                }
            }
        }
        Ok(())
    }

    fn push_value(&mut self, v: Value) -> Result<()> {
        if self.dialect == Dialect::V3 {
            return self.push_value_v3(v);
        }
        match v {
            Value::Nil => self.scalar(Text::Static("null"), Style::Plain),
            // A nil slice goes through encoding/json as null.
            Value::List(l) if l.is_nil_slice() => self.scalar(Text::Static("null"), Style::Plain),
            Value::Bool(b) => {
                self.scalar(Text::Static(if b { "true" } else { "false" }), Style::Plain)
            }
            Value::Int(i) | Value::Int64(i) => {
                self.scalar(Text::Owned(i.to_string()), Style::Plain)
            }
            Value::Float(f) => self.scalar(Text::Owned(yaml_number(f)), Style::Plain),
            Value::Uint8(u) => self.scalar(Text::Owned(u.to_string()), Style::Plain),
            Value::Complex(..) => {
                // sigs.k8s.io/yaml marshals through encoding/json first.
                return Err(Error::new(
                    ErrorKind::Json,
                    "json: unsupported type: complex128",
                ));
            }
            Value::String(s) => {
                let t = self.json_string(&s)?;
                let text = match t {
                    Cow::Borrowed(_) => Text::Shared(s.clone()),
                    Cow::Owned(o) => Text::Owned(o),
                };
                let style = string_style(text.as_str());
                self.scalar(text, style);
            }
            Value::Bytes(bytes) => {
                let s = base64_std(&bytes);
                let style = string_style(&s);
                self.scalar(Text::Owned(s), style);
            }
            Value::List(l) => self.open_seq(l)?,
            Value::Map(m) => self.open_map(&m, |a, b| {
                if a.ascii && b.ascii {
                    natural_less_ascii(a.key.as_bytes(), b.key.as_bytes())
                } else {
                    natural_less(&a.key, &b.key)
                }
            })?,
            Value::Object(o) => {
                let data = o.to_data();
                if let Value::Object(_) = data {
                    // An object whose data is itself an object: JSON sees
                    // nothing it can encode beyond that.
                    self.scalar(Text::Static("null"), Style::Plain);
                } else {
                    return self.push_value(data);
                }
            }
        }
        Ok(())
    }

    /// go-yaml v3's `marshal` for the value as it is (no JSON round trip).
    fn push_value_v3(&mut self, v: Value) -> Result<()> {
        match v {
            Value::Nil => self.scalar(Text::Static("null"), Style::Plain),
            Value::Bool(b) => {
                self.scalar(Text::Static(if b { "true" } else { "false" }), Style::Plain)
            }
            Value::Int(i) | Value::Int64(i) => {
                self.scalar(Text::Owned(i.to_string()), Style::Plain)
            }
            Value::Uint8(u) => self.scalar(Text::Owned(u.to_string()), Style::Plain),
            Value::Float(f) => {
                let s = if f.is_nan() {
                    ".nan".to_owned()
                } else if f.is_infinite() {
                    if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
                } else {
                    format_float(f, b'g', -1)
                };
                self.scalar(Text::Owned(s), Style::Plain);
            }
            Value::Complex(..) => {
                // go-yaml v3 panics with this text; Helm's template engine
                // reports the recovered panic as the call's error.
                return Err(Error::new(
                    ErrorKind::Yaml,
                    "cannot marshal type: complex128",
                ));
            }
            Value::String(s) => {
                let style = string_style(&s);
                self.scalar(Text::Shared(s), style);
            }
            // A []byte is a slice of uint8 to v3: a sequence of numbers.
            Value::Bytes(bytes) => {
                let items = bytes.iter().map(|b| Value::Uint8(*b)).collect();
                return self.push_value_v3(Value::List(List::new(items)));
            }
            Value::List(l) => self.open_seq(l)?,
            Value::Map(m) => self.open_map(&m, |a, b| natural_less_v3(&a.key, &b.key))?,
            Value::Object(o) => {
                if let Some(t) = o.as_any().downcast_ref::<GoTime>() {
                    // v3's timev: RFC 3339 with nanoseconds, plain.
                    self.scalar(Text::Owned(t.rfc3339_nano()), Style::Plain);
                    return Ok(());
                }
                if let Some(fields) = o.json_fields() {
                    // v3's structv: fields in declaration order, named by
                    // their yaml tag or else the lower-cased Go name. Helm's
                    // host structs use exactly those names as yaml tags,
                    // which their JSON names give back without the `_`.
                    self.open()?;
                    self.pending.push_back(Ev::MappingStart);
                    let entries = fields
                        .into_iter()
                        .map(|(name, value)| {
                            let key: Arc<str> = name.to_lowercase().replace('_', "").into();
                            Entry {
                                ascii: key.is_ascii(),
                                key,
                                value,
                            }
                        })
                        .collect();
                    self.stack.push(Frame::Map { entries, next: 0 });
                    return Ok(());
                }
                let data = o.to_data();
                if let Value::Object(_) = data {
                    self.scalar(Text::Static("null"), Style::Plain);
                } else {
                    return self.push_value_v3(data);
                }
            }
        }
        Ok(())
    }

    /// Starts a sequence whose items are `list`'s.
    fn open_seq(&mut self, list: List) -> Result<()> {
        self.open()?;
        self.pending.push_back(Ev::SequenceStart);
        self.stack.push(Frame::Seq { list, next: 0 });
        Ok(())
    }

    /// Starts a mapping with `map`'s entries in the dialect's key order
    /// (`less`: go-yaml v2's or v3's `keyList.Less`).
    fn open_map(&mut self, map: &Map, less: impl Fn(&Entry, &Entry) -> bool) -> Result<()> {
        self.open()?;
        self.pending.push_back(Ev::MappingStart);
        let mut entries: Vec<Entry> = map
            .read()
            .iter()
            .map(|(k, v)| Entry {
                ascii: k.is_ascii(),
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        go_sort(&mut entries, &less);
        self.stack.push(Frame::Map { entries, next: 0 });
        Ok(())
    }

    fn open(&self) -> Result<()> {
        if self.stack.len() >= MAX_FLOW_LEVEL.min(MAX_VALUE_DEPTH) {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("value nests deeper than {MAX_VALUE_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn scalar(&mut self, t: Text, style: Style) {
        self.pending.push_back(Ev::Scalar(t, style));
    }

    fn line_error(&self, problem: &str) -> Error {
        if self.lines > 0 {
            convert_error(&format!("line {}: {problem}", self.lines))
        } else {
            convert_error(problem)
        }
    }

    fn push_key(&mut self, k: &Arc<str>) -> Result<()> {
        if self.dialect == Dialect::V3 {
            let style = string_style(k);
            self.scalar(Text::Shared(k.clone()), style);
            return Ok(());
        }
        // go-yaml reads the JSON key as a flow-mapping simple key: it must
        // fit in 1024 characters (quotes and JSON escapes included) and on
        // one line.
        let has_nel = k.contains('\u{85}');
        let t = self.json_string(k)?;
        if has_nel || json_quoted_chars(k) > 1024 {
            return Err(self.line_error("did not find expected ',' or '}'"));
        }
        let text = match t {
            Cow::Borrowed(_) => Text::Shared(k.clone()),
            Cow::Owned(o) => Text::Owned(o),
        };
        let style = string_style(text.as_str());
        self.scalar(text, style);
        Ok(())
    }

    /// A Go string after JSON encoding and go-yaml's double-quoted scanner:
    /// characters JSON leaves raw but YAML forbids are an error, NEL is a
    /// line break (folded like any YAML line break).
    fn json_string<'s>(&mut self, s: &'s str) -> Result<Cow<'s, str>> {
        let mut has_nel = false;
        for c in s.chars() {
            match u32::from(c) {
                0x7F | 0x80..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF => {
                    return Err(convert_error("control characters are not allowed"));
                }
                0x85 => has_nel = true,
                _ => {}
            }
        }
        if !has_nel {
            return Ok(Cow::Borrowed(s));
        }
        let mut out = String::with_capacity(s.len());
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != ' ' && c != '\u{85}' {
                out.push(c);
                i += 1;
                continue;
            }
            // A run of spaces and line breaks.
            let start = i;
            let mut breaks = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
                if chars[i] == '\u{85}' {
                    breaks += 1;
                }
                i += 1;
            }
            if breaks == 0 {
                out.extend(&chars[start..i]);
                continue;
            }
            self.lines += breaks;
            if breaks == 1 {
                out.push(' ');
            } else {
                for _ in 1..breaks {
                    out.push('\n');
                }
            }
            // After a break with no indentation, "---" or "..." followed by
            // a blank is a document marker inside a quoted scalar.
            if chars[i - 1] == '\u{85}' {
                let rest = &chars[i..];
                let marker = rest.len() >= 3
                    && (rest[..3] == ['-', '-', '-'] || rest[..3] == ['.', '.', '.']);
                if marker && matches!(rest.get(3), Some(' ' | '\u{85}')) {
                    return Err(self.line_error("found unexpected document indicator"));
                }
            }
        }
        Ok(Cow::Owned(out))
    }
}

/// The length in characters of `s` as `encoding/json` quotes it (HTML
/// escaping on), without building the text.
fn json_quoted_chars(s: &str) -> usize {
    // No character takes more than six: short keys need no counting.
    if s.len() * 6 + 2 <= 1024 {
        return s.len() + 2;
    }
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// How a float reads back after JSON: `encoding/json`'s text, re-typed by
/// go-yaml (integers stay integers, others print with `%g`).
pub(super) fn yaml_number(f: f64) -> String {
    let j = json_float(f);
    if !j.contains(['.', 'e', 'E']) {
        let digits = j.trim_start_matches('-');
        if j.parse::<i64>().is_ok() {
            // "-0" reads back as the int 0.
            return if digits.bytes().all(|b| b == b'0') {
                "0".to_owned()
            } else {
                j
            };
        }
        if !j.starts_with('-') && digits.parse::<u64>().is_ok() {
            return j;
        }
    }
    format_float(f, b'g', -1)
}

/// The encoder's choice for a string (go-yaml `stringv`).
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if !resolves_to_non_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 base 60
/// floats, quoted on output for other parsers' sake).
pub(super) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return false;
    };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if c == b'+' || c == b'-' {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let st = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - st < 2 {
            i += 1;
        }
        let g = &b[st..i];
        let ok = match g {
            [d] => d.is_ascii_digit(),
            [d0, _] => (b'0'..=b'5').contains(d0),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `keyList.Less` for two string keys: a "natural" order where
/// non-letters sort before letters and digit runs compare as numbers (then
/// by length). Walks both strings once, without allocating.
pub(super) fn natural_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return natural_less_ascii(a.as_bytes(), b.as_bytes());
    }
    natural_less_chars(a, b, false)
}

/// go-yaml v3's `keyList.Less` for two string keys: v2's order, except that
/// where a letter meets a non-letter right after a run of equal digits, the
/// letter sorts first (`1e3` before `1.`).
fn natural_less_v3(a: &str, b: &str) -> bool {
    natural_less_chars(a, b, true)
}

/// The walk of [`natural_less`] (`v3` false) and [`natural_less_v3`] on
/// chars: the two differ only where a letter meets a non-letter.
fn natural_less_chars(a: &str, b: &str, v3: bool) -> bool {
    let mut ia = a.chars();
    let mut ib = b.chars();
    // Whether the last equal char was a digit (v3's rule), and whether the
    // digit run right before the current position (the same in both
    // strings) holds a digit other than '0'.
    let mut digits = false;
    let mut run_nonzero = false;
    loop {
        let (x, y) = match (ia.next(), ib.next()) {
            (Some(x), Some(y)) => (x, y),
            (None, rest) => return rest.is_some(),
            (Some(_), None) => return false,
        };
        if x == y {
            digits = is_digit(x);
            if digits {
                run_nonzero |= x != '0';
            } else {
                run_nonzero = false;
            }
            continue;
        }
        let (xl, yl) = (is_letter(x), is_letter(y));
        if xl && yl {
            return x < y;
        }
        if xl || yl {
            return if v3 && digits { xl } else { yl };
        }
        let start: i64 = if (x == '0' || y == '0') && run_nonzero {
            1
        } else {
            0
        };
        // Go: an = an*10 + int64(r-'0'), wrapping like Go's int64.
        let number = |first: char, rest: std::str::Chars<'_>| -> (i64, usize) {
            let mut n = start;
            let mut len = 0;
            for c in std::iter::once(first).chain(rest) {
                if !is_digit(c) {
                    break;
                }
                n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(u32::from(c)) - i64::from(u32::from('0')));
                len += 1;
            }
            (n, len)
        };
        let (an, alen) = number(x, ia);
        let (bn, blen) = number(y, ib);
        if an != bn {
            return an < bn;
        }
        if alen != blen {
            return alen < blen;
        }
        return x < y;
    }
}

/// [`natural_less`] for ASCII strings, on bytes.
pub(super) fn natural_less_ascii(a: &[u8], b: &[u8]) -> bool {
    let mut run_nonzero = false;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i < n {
        let (x, y) = (a[i], b[i]);
        if x == y {
            if x.is_ascii_digit() {
                run_nonzero |= x != b'0';
            } else {
                run_nonzero = false;
            }
            i += 1;
            continue;
        }
        let (xl, yl) = (x.is_ascii_alphabetic(), y.is_ascii_alphabetic());
        if xl && yl {
            return x < y;
        }
        if xl || yl {
            return yl;
        }
        let start: i64 = if (x == b'0' || y == b'0') && run_nonzero {
            1
        } else {
            0
        };
        let number = |s: &[u8]| -> (i64, usize) {
            let mut v = start;
            let mut len = 0;
            for &c in s.iter().take_while(|c| c.is_ascii_digit()) {
                v = v.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
                len += 1;
            }
            (v, len)
        };
        let (an, alen) = number(&a[i..]);
        let (bn, blen) = number(&b[i..]);
        if an != bn {
            return an < bn;
        }
        if alen != blen {
            return alen < blen;
        }
        return x < y;
    }
    a.len() < b.len()
}

// -------------------------------------------------------------------------
// The emitter (libyaml's emitterc.c as go-yaml v2 has it), for block style
// with implicit tags: what go-yaml's encoder asks for.

const BEST_INDENT: i64 = 2;
/// go-yaml v2's line width: plain and quoted scalars fold past it.
pub(super) const BEST_WIDTH: i64 = 80;
/// go-yaml v3's width (`best_width: -1`, made `1<<31 - 1`): never folds.
const BEST_WIDTH_V3: i64 = (1 << 31) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    StreamStart,
    FirstDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowSequenceItem,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingSimpleValue,
    FlowMappingValue,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
    End,
}

#[derive(Default, Clone, Copy)]
pub(super) struct ScalarAnalysis {
    multiline: bool,
    flow_plain_allowed: bool,
    pub(super) block_plain_allowed: bool,
    pub(super) single_quoted_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    /// Whether the event after the current one ends a sequence / mapping
    /// (libyaml's one-event look-ahead for empty collections).
    next_ends_seq: bool,
    next_ends_map: bool,
    out: String,
    state: St,
    states: Vec<St>,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    root_context: bool,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    column: i64,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    scalar: ScalarAnalysis,
    scalar_style: Style,
    dialect: Dialect,
    best_width: i64,
}

#[inline]
fn utf8_width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        1
    }
}

fn byte_at(v: &[u8], i: usize) -> u8 {
    v.get(i).copied().unwrap_or(0)
}

fn is_break(v: &[u8], i: usize) -> bool {
    match byte_at(v, i) {
        b'\r' | b'\n' => true,
        0xC2 => byte_at(v, i + 1) == 0x85,
        0xE2 => byte_at(v, i + 1) == 0x80 && matches!(byte_at(v, i + 2), 0xA8 | 0xA9),
        _ => false,
    }
}

/// Whether `s` holds a YAML line break (LF, CR, NEL, LS, PS).
fn has_break(s: &str) -> bool {
    s.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

fn is_space(v: &[u8], i: usize) -> bool {
    byte_at(v, i) == b' '
}

fn is_blank(v: &[u8], i: usize) -> bool {
    matches!(byte_at(v, i), b' ' | b'\t')
}

fn is_blankz(v: &[u8], i: usize) -> bool {
    is_blank(v, i) || is_break(v, i) || i >= v.len()
}

/// libyaml's `is_printable` (four-byte characters are not).
fn is_printable(v: &[u8], i: usize) -> bool {
    let b = byte_at(v, i);
    let b1 = byte_at(v, i + 1);
    let b2 = byte_at(v, i + 2);
    b == 0x0A
        || (0x20..=0x7E).contains(&b)
        || (b == 0xC2 && b1 >= 0xA0)
        || (b > 0xC2 && b < 0xED)
        || (b == 0xED && b1 < 0xA0)
        || b == 0xEE
        || (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
}

/// libyaml's `yaml_emitter_analyze_scalar`. `tabs_apart`: go-yaml v3 counts
/// a tab not as a special character but on its own, which still rules out
/// plain and single-quoted style but leaves literal blocks allowed.
pub(super) fn analyze_scalar(value: &[u8], tabs_apart: bool) -> ScalarAnalysis {
    if value.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;
    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < value.len() {
        let w = utf8_width(value[i]);
        let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
        let c = value[i];
        if i == 0 {
            match c {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if tabs_apart && c == b'\t' {
            tab_characters = true;
        } else if !is_printable(value, i) {
            special_characters = true;
        }
        if is_space(value, i) {
            if i == 0 {
                leading_space = true;
            }
            if i + w == value.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(value, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == value.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(value, i);
        i += w;
    }
    let mut a = ScalarAnalysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

fn emitter_error(problem: &str) -> Error {
    Error::new(ErrorKind::Yaml, problem.to_owned())
}

impl Emitter {
    fn new(dialect: Dialect) -> Emitter {
        Emitter {
            dialect,
            best_width: match dialect {
                Dialect::SigsV2 => BEST_WIDTH,
                Dialect::V3 => BEST_WIDTH_V3,
            },
            next_ends_seq: false,
            next_ends_map: false,
            out: String::new(),
            state: St::StreamStart,
            states: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            root_context: false,
            sequence_context: false,
            mapping_context: false,
            simple_key_context: false,
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            scalar: ScalarAnalysis::default(),
            scalar_style: Style::Plain,
        }
    }

    fn run(&mut self, source: &mut Builder) -> Result<()> {
        let mut next = source.next()?;
        while let Some(ev) = next.take() {
            // Indentation grows with depth, so a deep value's YAML grows with
            // the square of it; bound the text like any output.
            if self.out.len() > DEFAULT_MAX_OUTPUT {
                return Err(Error::new(
                    ErrorKind::LimitExceeded,
                    format!("YAML output exceeds {DEFAULT_MAX_OUTPUT} bytes"),
                ));
            }
            next = source.next()?;
            self.next_ends_seq = matches!(next, Some(Ev::SequenceEnd));
            self.next_ends_map = matches!(next, Some(Ev::MappingEnd));
            if let Ev::Scalar(t, _) = &ev {
                self.scalar = analyze_scalar(t.as_str().as_bytes(), self.dialect == Dialect::V3);
            }
            self.state_machine(&ev)?;
        }
        Ok(())
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(St::End);
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn state_machine(&mut self, ev: &Ev) -> Result<()> {
        match self.state {
            St::StreamStart => {
                self.indent = -1;
                self.column = 0;
                self.whitespace = true;
                self.indention = true;
                self.state = St::FirstDocumentStart;
                Ok(())
            }
            St::FirstDocumentStart | St::DocumentStart => {
                match ev {
                    Ev::DocumentStart => self.state = St::DocumentContent,
                    Ev::StreamEnd => {
                        if self.open_ended {
                            self.write_indicator("...", true, false, false);
                            self.write_indent();
                        }
                        self.state = St::End;
                    }
                    _ => return Err(emitter_error("expected DOCUMENT-START or STREAM-END")),
                }
                Ok(())
            }
            St::DocumentContent => {
                self.states.push(St::DocumentEnd);
                self.emit_node(ev, true, false, false, false)
            }
            St::DocumentEnd => {
                if !matches!(ev, Ev::DocumentEnd) {
                    return Err(emitter_error("expected DOCUMENT-END"));
                }
                self.write_indent();
                // The encoder ends the document with open_ended cleared.
                self.open_ended = false;
                self.state = St::DocumentStart;
                Ok(())
            }
            St::FlowSequenceFirstItem => self.emit_flow_sequence_item(ev, true),
            St::FlowSequenceItem => self.emit_flow_sequence_item(ev, false),
            St::FlowMappingFirstKey => self.emit_flow_mapping_key(ev, true),
            St::FlowMappingKey => self.emit_flow_mapping_key(ev, false),
            St::FlowMappingSimpleValue => self.emit_flow_mapping_value(ev, true),
            St::FlowMappingValue => self.emit_flow_mapping_value(ev, false),
            St::BlockSequenceFirstItem => self.emit_block_sequence_item(ev, true),
            St::BlockSequenceItem => self.emit_block_sequence_item(ev, false),
            St::BlockMappingFirstKey => self.emit_block_mapping_key(ev, true),
            St::BlockMappingKey => self.emit_block_mapping_key(ev, false),
            St::BlockMappingSimpleValue => self.emit_block_mapping_value(ev, true),
            St::BlockMappingValue => self.emit_block_mapping_value(ev, false),
            St::End => Err(emitter_error("expected nothing after STREAM-END")),
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn emit_flow_sequence_item(&mut self, ev: &Ev, first: bool) -> Result<()> {
        if first {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(ev, Ev::SequenceEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("]", false, false, false);
            self.pop_state();
            return Ok(());
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        self.states.push(St::FlowSequenceItem);
        self.emit_node(ev, false, true, false, false)
    }

    fn emit_flow_mapping_key(&mut self, ev: &Ev, first: bool) -> Result<()> {
        if first {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(ev, Ev::MappingEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("}", false, false, false);
            self.pop_state();
            return Ok(());
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        if self.check_simple_key(ev) {
            self.states.push(St::FlowMappingSimpleValue);
            return self.emit_node(ev, false, false, true, true);
        }
        self.write_indicator("?", true, false, false);
        self.states.push(St::FlowMappingValue);
        self.emit_node(ev, false, false, true, false)
    }

    fn emit_flow_mapping_value(&mut self, ev: &Ev, simple: bool) -> Result<()> {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            if self.column > self.best_width {
                self.write_indent();
            }
            self.write_indicator(":", true, false, false);
        }
        self.states.push(St::FlowMappingKey);
        self.emit_node(ev, false, false, true, false)
    }

    fn emit_block_sequence_item(&mut self, ev: &Ev, first: bool) -> Result<()> {
        if first {
            // v2 writes a sequence that is a mapping value at the key's
            // indentation; v3 (without CompactSeqIndent) indents it.
            let indentless =
                self.dialect == Dialect::SigsV2 && self.mapping_context && !self.indention;
            self.increase_indent(false, indentless);
        }
        if matches!(ev, Ev::SequenceEnd) {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(St::BlockSequenceItem);
        self.emit_node(ev, false, true, false, false)
    }

    fn emit_block_mapping_key(&mut self, ev: &Ev, first: bool) -> Result<()> {
        if first {
            self.increase_indent(false, false);
        }
        if matches!(ev, Ev::MappingEnd) {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        if self.check_simple_key(ev) {
            self.states.push(St::BlockMappingSimpleValue);
            return self.emit_node(ev, false, false, true, true);
        }
        self.write_indicator("?", true, false, true);
        self.states.push(St::BlockMappingValue);
        self.emit_node(ev, false, false, true, false)
    }

    fn emit_block_mapping_value(&mut self, ev: &Ev, simple: bool) -> Result<()> {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.states.push(St::BlockMappingKey);
        self.emit_node(ev, false, false, true, false)
    }

    fn emit_node(
        &mut self,
        ev: &Ev,
        root: bool,
        sequence: bool,
        mapping: bool,
        simple_key: bool,
    ) -> Result<()> {
        self.root_context = root;
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match ev {
            Ev::Scalar(t, style) => self.emit_scalar(t.as_str(), *style),
            Ev::SequenceStart => {
                self.state = if self.flow_level > 0 || self.check_empty(true) {
                    St::FlowSequenceFirstItem
                } else {
                    St::BlockSequenceFirstItem
                };
                Ok(())
            }
            Ev::MappingStart => {
                self.state = if self.flow_level > 0 || self.check_empty(false) {
                    St::FlowMappingFirstKey
                } else {
                    St::BlockMappingFirstKey
                };
                Ok(())
            }
            _ => Err(emitter_error(
                "expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS",
            )),
        }
    }

    fn check_empty(&self, sequence: bool) -> bool {
        if sequence {
            self.next_ends_seq
        } else {
            self.next_ends_map
        }
    }

    fn check_simple_key(&self, ev: &Ev) -> bool {
        match ev {
            Ev::Scalar(t, _) => !self.scalar.multiline && t.as_str().len() <= 128,
            Ev::SequenceStart => self.check_empty(true),
            Ev::MappingStart => self.check_empty(false),
            _ => false,
        }
    }

    fn emit_scalar(&mut self, value: &str, requested: Style) -> Result<()> {
        self.select_scalar_style(value, requested);
        self.increase_indent(true, false);
        let v = value;
        match self.scalar_style {
            Style::Plain => self.write_plain_scalar(v, !self.simple_key_context),
            Style::SingleQuoted => self.write_single_quoted_scalar(v, !self.simple_key_context),
            Style::DoubleQuoted => self.write_double_quoted_scalar(v, !self.simple_key_context),
            Style::Literal => self.write_literal_scalar(v),
        }
        self.pop_indent();
        self.pop_state();
        Ok(())
    }

    fn select_scalar_style(&mut self, value: &str, requested: Style) {
        let a = self.scalar;
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::DoubleQuoted;
        }
        self.scalar_style = style;
    }

    // ---- output primitives -------------------------------------------

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Copies one character of `v` at byte `*i` (a character boundary).
    fn write(&mut self, v: &str, i: &mut usize) {
        let w = utf8_width(byte_at(v.as_bytes(), *i));
        let end = (*i + w).min(v.len());
        if let Some(s) = v.get(*i..end) {
            self.out.push_str(s);
        }
        self.column += 1;
        *i = end.max(*i + 1);
    }

    /// Copies a run that needs no folding or escaping in one go.
    fn write_run(&mut self, v: &str, chars: usize) {
        self.out.push_str(v);
        self.column += chars as i64;
    }

    fn write_all(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += s.chars().count() as i64;
    }

    fn write_break(&mut self, v: &str, i: &mut usize) {
        if byte_at(v.as_bytes(), *i) == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(v, i);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.write_all(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn write_plain_scalar(&mut self, s: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // A line is folded only at a space past column 80, and plain
        // scalars hold no line breaks: short ones go out in one piece.
        let chars = s.chars().count();
        if !has_break(s) && (!allow_breaks || self.column + chars as i64 <= self.best_width + 1) {
            self.write_run(s, chars);
            self.whitespace = false;
            self.indention = false;
            if self.root_context {
                self.open_ended = true;
            }
            return;
        }
        let v = s.as_bytes();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < v.len() {
            if is_space(v, i) {
                if allow_breaks && !spaces && self.column > self.best_width && !is_space(v, i + 1) {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(s, &mut i);
                }
                spaces = true;
            } else if is_break(v, i) {
                if !breaks && v[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(s, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(s, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
        if self.root_context {
            self.open_ended = true;
        }
    }

    fn write_single_quoted_scalar(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars = s.chars().count();
        if !has_break(s)
            && !s.contains('\'')
            && (!allow_breaks || self.column + chars as i64 <= self.best_width + 1)
        {
            self.write_run(s, chars);
            self.write_indicator("'", false, false, false);
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let v = s.as_bytes();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < v.len() {
            if is_space(v, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < v.len() - 1
                    && !is_space(v, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(s, &mut i);
                }
                spaces = true;
            } else if is_break(v, i) {
                if !breaks && v[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(s, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if v[i] == b'\'' {
                    self.put('\'');
                }
                self.write(s, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted_scalar(&mut self, s: &str, allow_breaks: bool) {
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let v = s.as_bytes();
        let chars = s.chars().count();
        let plain_run = !v.starts_with(&[0xEF, 0xBB, 0xBF])
            && (0..v.len()).all(|i| {
                // Lead bytes only; continuation bytes belong to their char.
                v[i] & 0xC0 == 0x80
                    || (is_printable(v, i) && !is_break(v, i) && v[i] != b'"' && v[i] != b'\\')
            });
        if plain_run && (!allow_breaks || self.column + chars as i64 <= self.best_width + 1) {
            self.write_run(s, chars);
            self.write_indicator("\"", false, false, false);
            self.whitespace = false;
            self.indention = false;
            return;
        }
        // libyaml tests for a BOM at the start of the value, not at `i`: a
        // value that starts with U+FEFF has every character escaped.
        let starts_with_bom = v.starts_with(&[0xEF, 0xBB, 0xBF]);
        let mut i = 0;
        while i < v.len() {
            let c = v[i];
            if !is_printable(v, i) || starts_with_bom || is_break(v, i) || c == b'"' || c == b'\\' {
                let w = utf8_width(c);
                let ch = v
                    .get(i..(i + w).min(v.len()))
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .and_then(|s| s.chars().next())
                    .map_or(u32::from(c), u32::from);
                i += w;
                self.put('\\');
                match ch {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0A => self.put('n'),
                    0x0B => self.put('v'),
                    0x0C => self.put('f'),
                    0x0D => self.put('r'),
                    0x1B => self.put('e'),
                    0x22 => self.put('"'),
                    0x5C => self.put('\\'),
                    0x85 => self.put('N'),
                    0xA0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    _ => {
                        let (letter, digits) = if ch <= 0xFF {
                            ('x', 2)
                        } else if ch <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (ch >> (k * 4)) & 0xF;
                            let hex =
                                char::from_digit(d, 16).map_or('0', |h| h.to_ascii_uppercase());
                            self.put(hex);
                        }
                    }
                }
                spaces = false;
            } else if is_space(v, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < v.len() - 1
                {
                    self.write_indent();
                    if is_space(v, i + 1) {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    self.write(s, &mut i);
                }
                spaces = true;
            } else {
                self.write(s, &mut i);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, v: &[u8]) {
        if is_space(v, 0) || is_break(v, 0) {
            let hint = char::from_digit(BEST_INDENT as u32, 10).unwrap_or('2');
            let mut buf = [0u8; 4];
            self.write_indicator(hint.encode_utf8(&mut buf), false, false, false);
        }
        self.open_ended = false;
        let mut chomp: Option<&str> = None;
        if v.is_empty() {
            chomp = Some("-");
        } else {
            let mut i = v.len() - 1;
            while i > 0 && v[i] & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(v, i) {
                chomp = Some("-");
            } else if i == 0 {
                chomp = Some("+");
                self.open_ended = true;
            } else {
                i -= 1;
                while i > 0 && v[i] & 0xC0 == 0x80 {
                    i -= 1;
                }
                if is_break(v, i) {
                    chomp = Some("+");
                    self.open_ended = true;
                }
            }
        }
        if let Some(c) = chomp {
            self.write_indicator(c, false, false, false);
        }
    }

    fn write_literal_scalar(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let v = s.as_bytes();
        self.write_block_scalar_hints(v);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < v.len() {
            if is_break(v, i) {
                self.write_break(s, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(s, &mut i);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_key_order() {
        let mut keys = vec![
            "a10", "a2", "a1", "B", "b", "_x", "10", "2", "a01", "01", "1",
        ];
        go_sort(&mut keys, &|a: &&str, b: &&str| natural_less(a, b));
        // The order Helm's toYaml gives these keys
        // (fixtures/yaml/emit/keys-natural-order): non-letters first, digit
        // runs by value, then by length.
        assert_eq!(
            keys,
            ["_x", "1", "01", "2", "10", "B", "a1", "a01", "a2", "a10", "b"]
        );
    }

    #[test]
    fn natural_key_order_v3() {
        // v3 puts a letter before a non-letter right after equal digits.
        let mut keys = vec!["1.", "1e3", "1:2", "9", "10", "x1.", "x1y", "a", "_"];
        go_sort(&mut keys, &|a: &&str, b: &&str| natural_less_v3(a, b));
        assert_eq!(
            keys,
            ["_", "1e3", "1.", "1:2", "9", "10", "a", "x1y", "x1."]
        );
        let mut v2 = vec!["1.", "1e3"];
        go_sort(&mut v2, &|a: &&str, b: &&str| natural_less(a, b));
        assert_eq!(v2, ["1.", "1e3"]);
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:1"));
    }

    #[test]
    fn numbers_after_json() {
        assert_eq!(yaml_number(1e20), "1e+20");
        assert_eq!(yaml_number(123456789.0), "123456789");
        assert_eq!(yaml_number(-0.0), "0");
        assert_eq!(yaml_number(0.000001), "1e-06");
        assert_eq!(
            yaml_number(18446744073709551615.0),
            "1.8446744073709552e+19"
        );
        assert_eq!(yaml_number(9223372036854775807.0), "9223372036854776000");
    }
}
