//! JSON in and out, the way Go's `encoding/json` does it.
//!
//! Writing follows `json.Marshal`: map keys sorted bytewise, strings escaped
//! like Go (`<`, `>`, `&` as `\u003c`… unless HTML escaping is off, U+2028
//! and U+2029 always, other control characters as `\u00XX` except `\b \f \n
//! \r \t`), floats with the shortest digits and an exponent only below 1e-6
//! or from 1e21 on (`1e-7`, `1e+21`), `[]byte` as base64, NaN/±Inf and cyclic
//! maps as errors. Reading follows `json.Unmarshal` into `interface{}`:
//! every number a `float64`, Go's syntax-error texts, at most 10,000 levels.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::limits::{DEFAULT_MAX_OUTPUT, MAX_VALUE_DEPTH};
use crate::value::intern::intern;
use crate::value::{format_float, ElemType, Entries, List, Map, Value};

/// How to write JSON. All styles return the text without a trailing
/// newline, as Helm's template functions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonStyle {
    /// `toJson` (Helm): `json.Marshal` — compact, `<>&` escaped as
    /// `\u003c \u003e \u0026`.
    Compact,
    /// `toRawJson` (Sprig): a `json.Encoder` with `SetEscapeHTML(false)`,
    /// whose trailing newline Sprig trims — compact, `<>&` left as they are.
    Raw,
    /// `toPrettyJson` (Sprig): `json.MarshalIndent(v, "", "  ")`, then
    /// `strings.TrimSpace` — two-space indentation, `": "` after keys, empty
    /// objects and arrays kept as `{}` and `[]`, `<>&` escaped.
    Pretty,
}

/// Depth from which `encoding/json`-style cycle detection starts.
const CYCLE_CHECK_DEPTH: usize = 100;

/// Go's `maxNestingDepth` for decoding.
const MAX_JSON_DEPTH: usize = 10_000;

/// Writes a value as JSON, exactly as Go's `encoding/json` does for the
/// same Go data (see [`JsonStyle`] for the three flavours).
///
/// Errors use Go's text: `json: unsupported value: NaN`, `json: unsupported
/// value: encountered a cycle via map[string]interface {}`. Values nested
/// deeper than [`MAX_VALUE_DEPTH`](crate::limits::MAX_VALUE_DEPTH) are
/// refused (Go has no such limit).
pub fn to_json(v: &Value, style: JsonStyle) -> Result<String> {
    to_json_in(v, style, String::new())
}

/// Largest buffer [`to_json_shared`] keeps for the next call; a larger one
/// is shrunk to it, so that one huge value does not pin its memory.
const SHARED_BUFFER_MAX: usize = 64 * 1024;

thread_local! {
    /// [`to_json_shared`]'s reused output buffer.
    static JSON_BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// [`to_json`] into a shared string (what `toJson` returns as a template
/// value): written into a buffer reused across calls, then copied once
/// into an allocation of the exact size, instead of growing a fresh
/// `String` by doubling and copying it again into the `Arc`.
pub(crate) fn to_json_shared(v: &Value, style: JsonStyle) -> Result<Arc<str>> {
    let mut buf = JSON_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buf.clear();
    let mut w = Writer {
        out: buf,
        escape_html: style != JsonStyle::Raw,
        pretty: style == JsonStyle::Pretty,
        sink: false,
        path: HashSet::new(),
        size: 0,
    };
    let r = w.value(v, 0);
    let out = Arc::from(w.out.as_str());
    let mut buf = w.out;
    buf.clear();
    buf.shrink_to(SHARED_BUFFER_MAX);
    JSON_BUFFER.with(|b| *b.borrow_mut() = buf);
    r.map_err(write_error)?;
    Ok(out)
}

fn to_json_in(v: &Value, style: JsonStyle, out: String) -> Result<String> {
    let mut w = Writer {
        out,
        escape_html: style != JsonStyle::Raw,
        pretty: style == JsonStyle::Pretty,
        sink: false,
        path: HashSet::new(),
        size: 0,
    };
    match w.value(v, 0) {
        Ok(()) => Ok(w.out),
        Err(e) => Err(write_error(e)),
    }
}

fn write_error(e: JsonCheckError) -> Error {
    match e {
        JsonCheckError::Unsupported(msg) => Error::new(ErrorKind::Json, msg),
        JsonCheckError::TooDeep => Error::new(
            ErrorKind::LimitExceeded,
            format!("value nests deeper than {MAX_VALUE_DEPTH} levels"),
        ),
        JsonCheckError::TooLarge => Error::new(
            ErrorKind::LimitExceeded,
            format!("JSON output exceeds {DEFAULT_MAX_OUTPUT} bytes"),
        ),
    }
}

/// Why a value cannot be written as JSON.
#[derive(Debug)]
pub(crate) enum JsonCheckError {
    /// Go's `UnsupportedValueError` text (`json: unsupported value: …`).
    Unsupported(String),
    /// Deeper than `MAX_VALUE_DEPTH`.
    TooDeep,
    /// The text would exceed `DEFAULT_MAX_OUTPUT`.
    TooLarge,
}

/// Whether `json.Marshal` would accept the value (no NaN, ±Inf or cycle),
/// without producing the text. `Ok` holds a rough size of the text, for
/// callers that want to reserve room for a rendering of the value.
pub(crate) fn json_check(v: &Value) -> std::result::Result<usize, JsonCheckError> {
    let mut w = Writer {
        out: String::new(),
        escape_html: true,
        pretty: false,
        sink: true,
        path: HashSet::new(),
        size: 0,
    };
    w.value(v, 0)?;
    Ok(w.size)
}

/// The text `encoding/json` writes for a float64 (finite).
pub(crate) fn json_float(f: f64) -> String {
    let abs = f.abs();
    // Integral values below 1e15 print as their integer digits (the
    // shortest round-trip digits are exactly those): skip the general path.
    if f.trunc() == f && abs < 1e15 && !(f == 0.0 && f.is_sign_negative()) {
        return (f as i64).to_string();
    }
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_float(f, b'e', -1);
        // Go cleans up e-09 to e-9.
        let n = s.len();
        if n >= 4
            && s.as_bytes()[n - 4] == b'e'
            && s.as_bytes()[n - 3] == b'-'
            && s.as_bytes()[n - 2] == b'0'
        {
            s.remove(n - 2);
        }
        s
    } else {
        format_float(f, b'f', -1)
    }
}

/// Appends `s` as a JSON string literal (Go's `appendString`).
pub(crate) fn write_json_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Fast path: printable ASCII that needs no escape (most keys and
    // values) is copied whole instead of char by char.
    let plain = |b: &u8| {
        (0x20..0x80).contains(b)
            && *b != b'"'
            && *b != b'\\'
            && !(escape_html && matches!(b, b'<' | b'>' | b'&'))
    };
    if s.as_bytes().iter().all(plain) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{2028}' => Some("\\u2028"),
            '\u{2029}' => Some("\\u2029"),
            _ => None,
        };
        let needs =
            esc.is_some() || (c as u32) < 0x20 || (escape_html && matches!(c, '<' | '>' | '&'));
        if !needs {
            continue;
        }
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                let b = c as u32;
                out.push_str("\\u00");
                out.push(char::from(HEX[((b >> 4) & 0xF) as usize]));
                out.push(char::from(HEX[(b & 0xF) as usize]));
            }
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

struct Writer {
    out: String,
    escape_html: bool,
    pretty: bool,
    /// Check only: write nothing.
    sink: bool,
    /// Maps and lists on the current path, for cycle detection.
    path: HashSet<usize>,
    /// In check mode: a rough size of the text.
    size: usize,
}

type WResult = std::result::Result<(), JsonCheckError>;

impl Writer {
    /// Notes a container on the path; `false` if it is already there (a
    /// cycle). Like Go, checking starts only past some depth: a cycle
    /// repeats forever, so it is still caught, and shallow values pay
    /// nothing for it.
    fn enter(&mut self, ptr: usize, depth: usize) -> bool {
        depth < CYCLE_CHECK_DEPTH || self.path.insert(ptr)
    }

    fn leave(&mut self, ptr: usize, depth: usize) {
        if depth >= CYCLE_CHECK_DEPTH {
            self.path.remove(&ptr);
        }
    }

    fn newline(&mut self, depth: usize) -> WResult {
        if self.pretty && !self.sink {
            // Pretty text grows with the square of the depth: bound it.
            if self.out.len() > DEFAULT_MAX_OUTPUT {
                return Err(JsonCheckError::TooLarge);
            }
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
        Ok(())
    }

    fn push(&mut self, s: &str) {
        if self.sink {
            self.size += s.len();
        } else {
            self.out.push_str(s);
        }
    }

    fn string(&mut self, s: &str) {
        if self.sink {
            self.size += s.len() + 2;
        } else {
            write_json_string(&mut self.out, s, self.escape_html);
        }
    }

    fn value(&mut self, v: &Value, depth: usize) -> WResult {
        // Recursion is bounded by MAX_VALUE_DEPTH; make room for it on
        // demand, checking every few levels (with a red zone that covers
        // them) rather than at every value.
        if depth % 16 == 0 {
            stacker::maybe_grow(256 * 1024, 2 * 1024 * 1024, || self.value_inner(v, depth))
        } else {
            self.value_inner(v, depth)
        }
    }

    /// A JSON object from `(key, value)` pairs in the order given (sorted
    /// for maps, declaration order for structs).
    fn object<'v>(
        &mut self,
        entries: impl Iterator<Item = (&'v str, &'v Value)>,
        depth: usize,
    ) -> WResult {
        self.push("{");
        let mut any = false;
        for (i, (k, val)) in entries.enumerate() {
            if i > 0 {
                self.push(",");
            }
            any = true;
            self.newline(depth + 1)?;
            self.string(k);
            self.push(if self.pretty { ": " } else { ":" });
            self.value(val, depth + 1)?;
        }
        if any {
            self.newline(depth)?;
        }
        self.push("}");
        Ok(())
    }

    fn value_inner(&mut self, v: &Value, depth: usize) -> WResult {
        match v {
            // encoding/json writes a nil slice as null.
            Value::Nil => self.push("null"),
            Value::List(l) if l.is_nil_slice() => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => {
                if self.sink {
                    self.size += 8;
                } else {
                    let _ = write!(self.out, "{i}");
                }
            }
            Value::Uint8(u) => {
                if self.sink {
                    self.size += 3;
                } else {
                    let _ = write!(self.out, "{u}");
                }
            }
            Value::Complex(..) => {
                return Err(JsonCheckError::Unsupported(
                    "json: unsupported type: complex128".to_owned(),
                ));
            }
            Value::Float(f) => {
                if !f.is_finite() {
                    return Err(JsonCheckError::Unsupported(format!(
                        "json: unsupported value: {}",
                        format_float(*f, b'g', -1)
                    )));
                }
                if self.sink {
                    self.size += 8;
                } else {
                    let s = json_float(*f);
                    self.out.push_str(&s);
                }
            }
            Value::String(s) => self.string(s),
            Value::Bytes(b) => {
                if self.sink {
                    self.size += b.len() * 4 / 3 + 4;
                } else {
                    let s = base64_std(b);
                    self.out.push('"');
                    self.out.push_str(&s);
                    self.out.push('"');
                }
            }
            Value::List(l) => {
                if depth >= MAX_VALUE_DEPTH {
                    return Err(JsonCheckError::TooDeep);
                }
                let ptr = Arc::as_ptr(&l.0) as *const u8 as usize;
                if !self.enter(ptr, depth) {
                    return Err(JsonCheckError::Unsupported(format!(
                        "json: unsupported value: encountered a cycle via []{}",
                        l.elem().go_name()
                    )));
                }
                self.push("[");
                let items = l.items();
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        self.push(",");
                    }
                    self.newline(depth + 1)?;
                    self.value(it, depth + 1)?;
                }
                if !items.is_empty() {
                    self.newline(depth)?;
                }
                self.push("]");
                self.leave(ptr, depth);
            }
            Value::Map(m) => {
                if depth >= MAX_VALUE_DEPTH {
                    return Err(JsonCheckError::TooDeep);
                }
                let ptr = Arc::as_ptr(&m.0) as *const u8 as usize;
                if !self.enter(ptr, depth) {
                    return Err(JsonCheckError::Unsupported(format!(
                        "json: unsupported value: encountered a cycle via map[string]{}",
                        m.elem().go_name()
                    )));
                }
                // Reading holds the map's read lock; writing values calls
                // nothing that could take its write lock, and a map met
                // again on the path is a cycle, reported before locking.
                let entries = m.read();
                self.object(entries.iter().map(|(k, v)| (&**k, v)), depth)?;
                drop(entries);
                self.leave(ptr, depth);
            }
            Value::Object(o) => {
                // A struct's fields come out in declaration order, unsorted.
                if let Some(fields) = o.json_fields() {
                    return self.object(fields.iter().map(|(k, v)| (*k, v)), depth);
                }
                let data = o.to_data();
                if let Value::Object(_) = data {
                    self.push("null");
                } else {
                    self.value(&data, depth)?;
                }
            }
        }
        Ok(())
    }
}

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_std(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        let sym = |shift: u32| char::from(T[((n >> shift) & 63) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(0) } else { '=' });
    }
    out
}

// ---------------------------------------------------------------------------
// Reading.

/// Reads JSON as Go's `json.Unmarshal` reads it into an `interface{}`:
/// objects become `map[string]interface {}`, arrays `[]interface {}`, every
/// number a `float64`.
///
/// Errors carry Go's text: syntax errors (`invalid character 'x' looking for
/// beginning of value`, `unexpected end of JSON input`, `invalid character
/// '[' exceeded max depth` past 10,000 levels) take precedence over a number
/// out of `float64` range (`json: cannot unmarshal number 1e999 into Go value
/// of type float64`).
pub fn from_json(src: &str) -> Result<Value> {
    let mut p = JsonParser {
        s: src,
        b: src.as_bytes(),
        i: 0,
        items: Vec::new(),
        pairs: Vec::new(),
        type_error: None,
    };
    let v = p.parse().map_err(|m| Error::new(ErrorKind::Json, m))?;
    if let Some(e) = p.type_error {
        return Err(Error::new(ErrorKind::Json, e));
    }
    Ok(v)
}

/// Go's `quoteChar`: how a byte appears in a syntax error.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            // strconv.Quote(string(rune(c))): Latin-1 as a character.
            let ch = char::from(c);
            let q = match ch {
                '\u{7}' => "\\a".to_owned(),
                '\u{8}' => "\\b".to_owned(),
                '\u{c}' => "\\f".to_owned(),
                '\n' => "\\n".to_owned(),
                '\r' => "\\r".to_owned(),
                '\t' => "\\t".to_owned(),
                '\u{b}' => "\\v".to_owned(),
                '\\' => "\\\\".to_owned(),
                c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\x{:02x}", c as u32),
                c if (0x80..=0xA0).contains(&(c as u32)) || c == '\u{ad}' => {
                    format!("\\u{:04x}", c as u32)
                }
                c => c.to_string(),
            };
            format!("'{q}'")
        }
    }
}

/// An open container: where its items (or entries) start on the parser's
/// shared stacks. Collecting every container's members on one stack and
/// moving them out at its end gives each container one allocation of its
/// exact size, instead of a vector that grows.
enum Frame {
    Array(usize),
    Object(usize, Option<Arc<str>>),
}

struct JsonParser<'a> {
    /// The input, for slicing out text between ASCII delimiters: a boundary
    /// check instead of validating UTF-8 again.
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Items of the open arrays, innermost last.
    items: Vec<Value>,
    /// Entries of the open objects, innermost last.
    pairs: Vec<(Arc<str>, Value)>,
    type_error: Option<String>,
}

type PResult<T> = std::result::Result<T, String>;

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn err(c: u8, context: &str) -> String {
        format!("invalid character {} {context}", quote_char(c))
    }

    fn eof() -> String {
        "unexpected end of JSON input".to_owned()
    }

    /// The whole input: one value, then only whitespace.
    fn parse(&mut self) -> PResult<Value> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut value: Value;
        'outer: loop {
            // Expecting a value.
            self.skip_space();
            let Some(c) = self.peek() else {
                return Err(Self::eof());
            };
            match c {
                b'{' | b'[' => {
                    if stack.len() + 1 > MAX_JSON_DEPTH {
                        return Err(Self::err(c, "exceeded max depth"));
                    }
                    self.i += 1;
                    self.skip_space();
                    if c == b'[' {
                        if self.peek() == Some(b']') {
                            self.i += 1;
                            value = Value::List(List::new(Vec::new()));
                        } else {
                            stack.push(Frame::Array(self.items.len()));
                            continue 'outer;
                        }
                    } else {
                        match self.peek() {
                            Some(b'}') => {
                                self.i += 1;
                                value = Value::Map(Map::new());
                            }
                            Some(b'"') => {
                                let k = self.string()?;
                                self.expect_colon()?;
                                stack.push(Frame::Object(self.pairs.len(), Some(k)));
                                continue 'outer;
                            }
                            Some(c) => {
                                return Err(Self::err(
                                    c,
                                    "looking for beginning of object key string",
                                ))
                            }
                            None => return Err(Self::eof()),
                        }
                    }
                }
                b'"' => value = Value::String(self.string()?),
                b'-' | b'0'..=b'9' => value = self.number()?,
                b't' => value = self.literal(b"true", Value::Bool(true))?,
                b'f' => value = self.literal(b"false", Value::Bool(false))?,
                b'n' => value = self.literal(b"null", Value::Nil)?,
                c => return Err(Self::err(c, "looking for beginning of value")),
            }
            // A value is complete: attach it, close finished containers.
            loop {
                match stack.last_mut() {
                    None => {
                        self.skip_space();
                        if let Some(c) = self.peek() {
                            return Err(Self::err(c, "after top-level value"));
                        }
                        return Ok(value);
                    }
                    Some(Frame::Array(_)) => {
                        self.items.push(value);
                        self.skip_space();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                continue 'outer;
                            }
                            Some(b']') => {
                                self.i += 1;
                                let Some(Frame::Array(start)) = stack.pop() else {
                                    return Err(Self::eof());
                                };
                                let items = self.items.drain(start..).collect();
                                value = Value::List(List::new(items));
                            }
                            Some(c) => return Err(Self::err(c, "after array element")),
                            None => return Err(Self::eof()),
                        }
                    }
                    Some(Frame::Object(_, key)) => {
                        if let Some(k) = key.take() {
                            self.pairs.push((k, value));
                        }
                        self.skip_space();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                self.skip_space();
                                match self.peek() {
                                    Some(b'"') => {
                                        let k = self.string()?;
                                        self.expect_colon()?;
                                        if let Some(Frame::Object(_, key)) = stack.last_mut() {
                                            *key = Some(k);
                                        }
                                        continue 'outer;
                                    }
                                    Some(c) => {
                                        return Err(Self::err(
                                            c,
                                            "looking for beginning of object key string",
                                        ))
                                    }
                                    None => return Err(Self::eof()),
                                }
                            }
                            Some(b'}') => {
                                self.i += 1;
                                let Some(Frame::Object(start, _)) = stack.pop() else {
                                    return Err(Self::eof());
                                };
                                let pairs = self.pairs.drain(start..).collect();
                                let map = Entries::from_pairs(pairs);
                                value = Value::Map(Map::typed(ElemType::Interface, map));
                            }
                            Some(c) => return Err(Self::err(c, "after object key:value pair")),
                            None => return Err(Self::eof()),
                        }
                    }
                }
            }
        }
    }

    fn expect_colon(&mut self) -> PResult<()> {
        self.skip_space();
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(())
            }
            Some(c) => Err(Self::err(c, "after object key")),
            None => Err(Self::eof()),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> PResult<Value> {
        let name = std::str::from_utf8(word).unwrap_or_default();
        self.i += 1;
        for &expect in &word[1..] {
            match self.peek() {
                Some(c) if c == expect => self.i += 1,
                // At the end Go's scanner steps with a space.
                other => {
                    return Err(Self::err(
                        other.unwrap_or(b' '),
                        &format!("in literal {name} (expecting {})", quote_char(expect)),
                    ))
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.i;
        let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
        if self.peek() == Some(b'-') {
            self.i += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => return Err(Self::err(c.unwrap_or(b' '), "in numeric literal")),
            }
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            while digit(self.peek()) {
                self.i += 1;
            }
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => {
                    return Err(Self::err(
                        c.unwrap_or(b' '),
                        "after decimal point in numeric literal",
                    ))
                }
            }
            while digit(self.peek()) {
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => {
                    return Err(Self::err(
                        c.unwrap_or(b' '),
                        "in exponent of numeric literal",
                    ))
                }
            }
            while digit(self.peek()) {
                self.i += 1;
            }
        }
        let text = self.s.get(start..self.i).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_error.is_none() {
                    self.type_error = Some(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    ));
                }
                Ok(Value::Nil)
            }
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let mut v = 0;
        for _ in 0..4 {
            match self.peek() {
                Some(c) if c.is_ascii_hexdigit() => {
                    v = v * 16 + char::from(c).to_digit(16).unwrap_or(0);
                    self.i += 1;
                }
                c => {
                    return Err(Self::err(
                        c.unwrap_or(b' '),
                        "in \\u hexadecimal character escape",
                    ))
                }
            }
        }
        Ok(v)
    }

    /// A string literal (at `"`), unescaped like Go's `unquote`.
    fn string(&mut self) -> PResult<Arc<str>> {
        self.i += 1;
        // Most strings have no escapes: take them straight from the input
        // (one allocation instead of a String and its copy).
        let rest = self.b.get(self.i..).unwrap_or_default();
        if let Some(len) = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        {
            if rest.get(len) == Some(&b'"') {
                if let Some(s) = self.s.get(self.i..self.i + len) {
                    self.i += len + 1;
                    return Ok(intern(s));
                }
            }
        }
        self.string_escaped().map(Arc::from)
    }

    /// [`JsonParser::string`] past the opening quote, with escapes.
    fn string_escaped(&mut self) -> PResult<String> {
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str, so any run of bytes between ASCII
            // delimiters is valid UTF-8.
            out.push_str(self.s.get(start..self.i).unwrap_or("\u{FFFD}"));
            match self.peek() {
                None => return Err(Self::eof()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(Self::err(b' ', "in string escape code"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let r = self.hex4()?;
                            if (0xD800..0xE000).contains(&r) {
                                // A surrogate: pair it with a following
                                // \uXXXX low surrogate, or give U+FFFD.
                                let save = self.i;
                                let mut paired = None;
                                if (0xD800..0xDC00).contains(&r)
                                    && self.b.get(self.i) == Some(&b'\\')
                                    && self.b.get(self.i + 1) == Some(&b'u')
                                {
                                    self.i += 2;
                                    match self.hex4() {
                                        Ok(r2) if (0xDC00..0xE000).contains(&r2) => {
                                            paired = char::from_u32(
                                                0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00),
                                            );
                                        }
                                        Ok(_) => {}
                                        Err(e) => return Err(e),
                                    }
                                }
                                match paired {
                                    Some(c) => out.push(c),
                                    None => {
                                        self.i = save;
                                        out.push('\u{FFFD}');
                                    }
                                }
                            } else {
                                out.push(char::from_u32(r).unwrap_or('\u{FFFD}'));
                            }
                        }
                        c => return Err(Self::err(c, "in string escape code")),
                    }
                }
                Some(c) => return Err(Self::err(c, "in string literal")),
            }
        }
    }
}

/// The JSON kind `encoding/json` names in "cannot unmarshal X into …"
/// errors for a decoded value (`[]byte` and numbers of every Go type
/// included).
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_)
        | Value::Int64(_)
        | Value::Float(_)
        | Value::Uint8(_)
        | Value::Complex(..) => "number",
        Value::String(_) | Value::Bytes(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) | Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected string below is what Helm v4.2.3 rendered for the
    // template in the comment (helm-oracle).

    fn err(src: &str) -> String {
        from_json(src).expect_err(src).message().to_owned()
    }

    #[test]
    fn marshal_scalars_and_floats() {
        // {{ toJson (list 1 (int64 2) 1.5 "a<b>&" nil true 1e21 1e-7
        //    0.000001 100000000000000000000.0 -0.0) }}
        let v = Value::list(vec![
            Value::Int(1),
            Value::Int64(2),
            Value::Float(1.5),
            Value::from("a<b>&"),
            Value::Nil,
            Value::Bool(true),
            Value::Float(1e21),
            Value::Float(1e-7),
            Value::Float(0.000001),
            Value::Float(1e20),
            Value::Float(-0.0),
        ]);
        assert_eq!(
            to_json(&v, JsonStyle::Compact).expect("json"),
            r#"[1,2,1.5,"a\u003cb\u003e\u0026",null,true,1e+21,1e-7,0.000001,100000000000000000000,-0]"#
        );
    }

    #[test]
    fn string_escapes() {
        // {{ toRawJson (list "a<b>&" "\b\f\u2028\u2029\x7f\x01\u00e9") }}
        let v = Value::list(vec![
            Value::from("a<b>&"),
            Value::from("\u{8}\u{c}\u{2028}\u{2029}\u{7f}\u{1}é"),
        ]);
        assert_eq!(
            to_json(&v, JsonStyle::Raw).expect("json"),
            "[\"a<b>&\",\"\\b\\f\\u2028\\u2029\u{7f}\\u0001é\"]"
        );
        // {{ toJson (list "\b\f\u2028\u2029\x7f\x01") }}
        let v = Value::list(vec![Value::from("\u{8}\u{c}\u{2028}\u{2029}\u{7f}\u{1}")]);
        assert_eq!(
            to_json(&v, JsonStyle::Compact).expect("json"),
            "[\"\\b\\f\\u2028\\u2029\u{7f}\\u0001\"]"
        );
    }

    #[test]
    fn bytes_are_base64() {
        // {{ toJson (.Files.GetBytes "data.yaml") }} of "helloé world"
        let v = Value::Bytes(Arc::from(&b"hello\xc3\xa9 world"[..]));
        assert_eq!(
            to_json(&v, JsonStyle::Compact).expect("json"),
            "\"aGVsbG/DqSB3b3JsZA==\""
        );
    }

    #[test]
    fn pretty() {
        // {{ toPrettyJson (dict "a" (list) "b" (dict) "c" (list 1 (dict "d" 2))) }}
        let v = Value::from_iter([
            ("a", Value::list(vec![])),
            ("b", Value::empty_map()),
            (
                "c",
                Value::list(vec![
                    Value::Int(1),
                    Value::from_iter([("d", Value::Int(2))]),
                ]),
            ),
        ]);
        assert_eq!(
            to_json(&v, JsonStyle::Pretty).expect("json"),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": 2\n    }\n  ]\n}"
        );
    }

    #[test]
    fn unsupported_values() {
        // {{ mustToJson $d }} with $d holding itself.
        let m = Map::new();
        m.insert("self", Value::Map(m.clone()));
        let e = to_json(&Value::Map(m.clone()), JsonStyle::Compact).expect_err("cycle");
        assert_eq!(
            e.message(),
            "json: unsupported value: encountered a cycle via map[string]interface {}"
        );
        m.remove("self");
        let e = to_json(&Value::Float(f64::NAN), JsonStyle::Compact).expect_err("NaN");
        assert_eq!(e.message(), "json: unsupported value: NaN");
    }

    #[test]
    fn depth_limit_when_writing() {
        let mut v = Value::Nil;
        for _ in 0..MAX_VALUE_DEPTH {
            v = Value::list(vec![v]);
        }
        let ok = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let r = to_json(&v, JsonStyle::Pretty).map(|s| s.len());
                let deeper = Value::list(vec![v]);
                (
                    r,
                    to_json(&deeper, JsonStyle::Compact).map_err(|e| e.kind()),
                )
            })
            .expect("spawn")
            .join()
            .expect("no overflow");
        assert!(ok.0.is_ok());
        assert_eq!(ok.1, Err(ErrorKind::LimitExceeded));
    }

    #[test]
    fn unmarshal_values() {
        let v = from_json(r#"{"a":1,"a":2,"b":[true,null,"x",-1.5e3]}"#).expect("json");
        assert_eq!(v.get("a"), Some(Value::Float(2.0)));
        assert_eq!(
            v.get("b"),
            Some(Value::list(vec![
                Value::Bool(true),
                Value::Nil,
                Value::from("x"),
                Value::Float(-1500.0),
            ]))
        );
        // {{ fromJsonArray "[\"\ud800\", \"\ud83d\ude00\", \"\ud800x\"]" | toJson }}
        let v = from_json(r#"["\ud800", "\ud83d\ude00", "\ud800x"]"#).expect("json");
        assert_eq!(
            v,
            Value::list(vec![
                Value::from("\u{FFFD}"),
                Value::from("😀"),
                Value::from("\u{FFFD}x"),
            ])
        );
    }

    #[test]
    fn unmarshal_errors() {
        // fromJson / fromJsonArray messages in Helm.
        assert_eq!(err("[1"), "unexpected end of JSON input");
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err(" "), "unexpected end of JSON input");
        assert_eq!(err("{"), "unexpected end of JSON input");
        assert_eq!(
            err(r#"{"a":1}x"#),
            "invalid character 'x' after top-level value"
        );
        assert_eq!(err("[]]"), "invalid character ']' after top-level value");
        assert_eq!(
            err("é"),
            "invalid character 'Ã' looking for beginning of value"
        );
        assert_eq!(err(r#"{"a" 1}"#), "invalid character '1' after object key");
        assert_eq!(err(r#"{"a"}"#), "invalid character '}' after object key");
        assert_eq!(
            err(r#""\x""#),
            "invalid character 'x' in string escape code"
        );
        assert_eq!(err("[01]"), "invalid character '1' after array element");
        assert_eq!(err("[-]"), "invalid character ']' in numeric literal");
        assert_eq!(
            err("[tru]"),
            "invalid character ']' in literal true (expecting 'e')"
        );
        assert_eq!(
            err("nul"),
            "invalid character ' ' in literal null (expecting 'l')"
        );
        assert_eq!(
            err(r#"["\u12"]"#),
            "invalid character '\"' in \\u hexadecimal character escape"
        );
        assert_eq!(
            err("[1,]"),
            "invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            err("[\"a\u{1}\"]"),
            "invalid character '\\x01' in string literal"
        );
        assert_eq!(
            err("[1.]"),
            "invalid character ']' after decimal point in numeric literal"
        );
        assert_eq!(
            err("[1e]"),
            "invalid character ']' in exponent of numeric literal"
        );
        assert_eq!(
            err("{1:2}"),
            "invalid character '1' looking for beginning of object key string"
        );
        assert_eq!(
            err("[1e999]"),
            "json: cannot unmarshal number 1e999 into Go value of type float64"
        );
    }

    #[test]
    fn unmarshal_depth_limit() {
        // Go's maxNestingDepth: 10,000 levels parse, the next one fails.
        let ok = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let over = "[".repeat(10_001);
        let (a, b) = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || (from_json(&ok).map(|_| ()), from_json(&over).map(|_| ())))
            .expect("spawn")
            .join()
            .expect("no overflow");
        assert!(a.is_ok());
        assert_eq!(
            b.expect_err("too deep").message(),
            "invalid character '[' exceeded max depth"
        );
    }

    /// The shared-buffer writer gives what the plain one gives, call after
    /// call (nothing left over from a longer earlier output), errors
    /// included; and it keeps its buffer up to `SHARED_BUFFER_MAX` only.
    #[test]
    fn shared_writer_matches_and_bounds_its_buffer() {
        let long = Value::from("x<".repeat(500).as_str());
        let values = [
            long.clone(),
            Value::from_iter([("a", Value::Int(1)), ("b<", Value::list(vec![Value::Nil]))]),
            Value::Float(f64::NAN),
            Value::from(""),
            Value::from_iter([("k", long)]),
        ];
        for style in [JsonStyle::Compact, JsonStyle::Pretty, JsonStyle::Raw] {
            for v in &values {
                let plain = to_json(v, style).map_err(|e| e.to_string());
                let shared = to_json_shared(v, style).map_err(|e| e.to_string());
                assert_eq!(plain.as_deref(), shared.as_deref(), "{v:?}");
            }
        }
        let kept = || JSON_BUFFER.with(|b| b.borrow().capacity());
        // Output of exactly the limit (two quotes around the text) stays
        // in the buffer…
        let at_limit = Value::from("a".repeat(SHARED_BUFFER_MAX - 2).as_str());
        to_json_shared(&at_limit, JsonStyle::Raw).unwrap();
        assert!(kept() >= SHARED_BUFFER_MAX);
        // …a buffer grown past it is shrunk back to it.
        let beyond = Value::from("a".repeat(SHARED_BUFFER_MAX * 4).as_str());
        to_json_shared(&beyond, JsonStyle::Raw).unwrap();
        assert!(kept() >= SHARED_BUFFER_MAX && kept() < SHARED_BUFFER_MAX * 2);
    }
}
