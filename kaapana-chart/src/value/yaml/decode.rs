//! From events to values: go-yaml v2's node composer and `interface{}`
//! decoder, fused with sigs.k8s.io/yaml's YAML → JSON → `encoding/json`
//! round trip.
//!
//! Helm never sees go-yaml's values directly. `sigs.k8s.io/yaml.Unmarshal`
//! decodes YAML into `interface{}`, turns map keys into strings
//! (`convertToJSONableObject`), marshals that with `encoding/json` and
//! unmarshals the JSON again. So every number ends up a `float64`, a
//! `!!binary` string with invalid UTF-8 gets U+FFFD, and NaN/±Inf make the
//! whole document fail. This module produces that final result in one pass,
//! but keeps the error precedence of the three Go stages: a YAML decoding
//! error anywhere wins over a key-conversion error, which wins over an
//! `encoding/json` error.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::gofmt::{format_float32_g, go_quote};
use super::parser::{EventKind, Parser};
use super::resolve::{decode_base64, go_lossy_utf8, resolve, Scalar, MERGE_TAG};
use super::scanner::SyntaxError;
use crate::error::{Error, ErrorKind};
use crate::limits::{MAX_YAML_DEPTH, MAX_YAML_NODES};
use crate::value::{format_float, ElemType, Entries, Map, Value};

/// An error of the YAML → value pipeline, before the caller adds its own
/// context.
#[derive(Debug)]
pub(super) enum DecodeError {
    /// go-yaml failed: the text after `yaml: `.
    Yaml(String),
    /// `convertToJSONableObject` failed (unsupported key type).
    Convert(String),
    /// `encoding/json` could not marshal (NaN, ±Inf).
    Marshal(String),
    /// One of our own limits.
    Limit(String),
}

impl DecodeError {
    /// sigs.k8s.io/yaml's wording: `error converting YAML to JSON: …`.
    pub fn into_error(self) -> Error {
        match self {
            DecodeError::Yaml(m) => Error::new(
                ErrorKind::Yaml,
                format!("error converting YAML to JSON: yaml: {m}"),
            ),
            DecodeError::Convert(m) | DecodeError::Marshal(m) => Error::new(
                ErrorKind::Yaml,
                format!("error converting YAML to JSON: {m}"),
            ),
            DecodeError::Limit(m) => Error::new(ErrorKind::LimitExceeded, m),
        }
    }
}

impl From<SyntaxError> for DecodeError {
    fn from(e: SyntaxError) -> DecodeError {
        DecodeError::Yaml(e.message())
    }
}

type DResult<T> = Result<T, DecodeError>;

/// Stack kept free before recursing, and the size of a new stack segment
/// when it is not.
const RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Sequence,
    Mapping,
    Alias,
}

/// A node of the composed document. Scalars point into `text`, collections
/// into `children`; an alias names its anchor in `text` and its target in
/// `target`.
#[derive(Debug, Clone, Copy)]
struct Node {
    kind: Kind,
    implicit: bool,
    /// 0: no tag; otherwise an index into `tags`.
    tag: u32,
    start: u32,
    len: u32,
    target: u32,
}

/// The first document of a stream, composed (go-yaml's `parser.parse()`).
pub(super) struct Document {
    nodes: Vec<Node>,
    /// Every scalar's text, end to end (the scanner's arena).
    text: String,
    /// Alias names (for "value contains itself").
    names: Vec<String>,
    children: Vec<u32>,
    tags: Vec<Vec<u8>>,
    root: u32,
}

fn limit_nodes() -> DecodeError {
    DecodeError::Limit(format!(
        "YAML document exceeds {MAX_YAML_NODES} nodes (aliases counted at their expanded size)"
    ))
}

fn limit_depth() -> DecodeError {
    DecodeError::Limit(format!(
        "YAML document nests deeper than {MAX_YAML_DEPTH} levels"
    ))
}

fn to_u32(n: usize) -> DResult<u32> {
    u32::try_from(n).map_err(|_| limit_nodes())
}

struct Open {
    node: u32,
    pending_start: usize,
}

/// Composes the first document of `src`; `None` if the stream holds none.
pub(super) fn compose(src: &[u8]) -> DResult<Option<Document>> {
    // go-yaml feeds an empty input as a single line break.
    let src: &[u8] = if src.is_empty() { b"\n" } else { src };
    let mut parser = Parser::new(src);
    let mut doc = Document {
        // Rough sizes for typical values files, to spare reallocations.
        nodes: Vec::with_capacity(src.len() / 12),
        text: String::new(),
        names: Vec::new(),
        children: Vec::with_capacity(src.len() / 12),
        tags: vec![Vec::new()],
        root: 0,
    };
    // STREAM-START, then DOCUMENT-START or STREAM-END.
    match parser.next()? {
        Some(e) if e.kind == EventKind::StreamStart => {}
        _ => {
            return Err(DecodeError::Yaml(
                "did not find expected <stream-start>".into(),
            ))
        }
    }
    match parser.next()? {
        Some(e) if e.kind == EventKind::DocumentStart => {}
        _ => return Ok(None),
    }
    let mut anchors: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut pending: Vec<u32> = Vec::new();
    let root = loop {
        let Some(ev) = parser.next()? else {
            return Err(DecodeError::Yaml(
                "attempted to go past the end of stream; corrupted value?".into(),
            ));
        };
        let is_seq = matches!(ev.kind, EventKind::SequenceStart { .. });
        let finished: Option<u32> = match ev.kind {
            EventKind::Scalar {
                anchor,
                tag,
                value,
                implicit,
                ..
            } => {
                let start = to_u32(value.start)?;
                let len = to_u32(value.len)?;
                let tag = doc.intern_tag(tag)?;
                let id = doc.push(Node {
                    kind: Kind::Scalar,
                    implicit,
                    tag,
                    start,
                    len,
                    target: 0,
                })?;
                if let Some(a) = anchor {
                    anchors.insert(a, id);
                }
                Some(id)
            }
            EventKind::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(DecodeError::Yaml(format!(
                        "unknown anchor '{}' referenced",
                        String::from_utf8_lossy(&anchor)
                    )));
                };
                // Alias names live apart from the scanner's text.
                let start = to_u32(doc.names.len())?;
                doc.names
                    .push(String::from_utf8_lossy(&anchor).into_owned());
                let id = doc.push(Node {
                    kind: Kind::Alias,
                    implicit: false,
                    tag: 0,
                    start,
                    len: 0,
                    target,
                })?;
                Some(id)
            }
            EventKind::SequenceStart { anchor, tag } | EventKind::MappingStart { anchor, tag } => {
                let kind = if is_seq {
                    Kind::Sequence
                } else {
                    Kind::Mapping
                };
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(limit_depth());
                }
                let tag = doc.intern_tag(tag)?;
                let id = doc.push(Node {
                    kind,
                    implicit: false,
                    tag,
                    start: 0,
                    len: 0,
                    target: 0,
                })?;
                // The anchor is known before the children are, so that an
                // alias inside can refer to its own ancestor (and fail later
                // with "value contains itself").
                if let Some(a) = anchor {
                    anchors.insert(a, id);
                }
                stack.push(Open {
                    node: id,
                    pending_start: pending.len(),
                });
                None
            }
            EventKind::SequenceEnd | EventKind::MappingEnd => {
                let Some(open) = stack.pop() else {
                    return Err(DecodeError::Yaml("unexpected collection end".into()));
                };
                let start = to_u32(doc.children.len())?;
                let kids = pending.len() - open.pending_start;
                doc.children.extend(pending.drain(open.pending_start..));
                if let Some(n) = doc.nodes.get_mut(open.node as usize) {
                    n.start = start;
                    n.len = to_u32(kids)?;
                }
                Some(open.node)
            }
            EventKind::StreamStart
            | EventKind::StreamEnd
            | EventKind::DocumentStart
            | EventKind::DocumentEnd => {
                return Err(DecodeError::Yaml(
                    "expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS event".into(),
                ));
            }
        };
        if let Some(id) = finished {
            if stack.is_empty() {
                break id;
            }
            pending.push(id);
        }
    };
    // go-yaml insists on the DOCUMENT-END event, which makes the parser look
    // at what follows the first document.
    match parser.next()? {
        Some(e) if e.kind == EventKind::DocumentEnd => {}
        _ => {
            return Err(DecodeError::Yaml(
                "did not find expected <document end>".into(),
            ))
        }
    }
    doc.root = root;
    // The scanner's output is UTF-8 (the input is, and escapes encode
    // valid characters); checked once here.
    doc.text = String::from_utf8(parser.take_text())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Some(doc))
}

impl Document {
    fn push(&mut self, n: Node) -> DResult<u32> {
        if self.nodes.len() >= MAX_YAML_NODES {
            return Err(limit_nodes());
        }
        let id = to_u32(self.nodes.len())?;
        self.nodes.push(n);
        Ok(id)
    }

    fn intern_tag(&mut self, tag: Vec<u8>) -> DResult<u32> {
        if tag.is_empty() {
            return Ok(0);
        }
        if let Some(i) = self.tags.iter().position(|t| *t == tag) {
            return to_u32(i);
        }
        self.tags.push(tag);
        to_u32(self.tags.len() - 1)
    }

    fn node(&self, id: u32) -> Node {
        self.nodes.get(id as usize).copied().unwrap_or(Node {
            kind: Kind::Scalar,
            implicit: true,
            tag: 0,
            start: 0,
            len: 0,
            target: 0,
        })
    }

    fn text(&self, n: &Node) -> &str {
        let (s, l) = (n.start as usize, n.len as usize);
        self.text.get(s..s + l).unwrap_or("")
    }

    fn tag(&self, n: &Node) -> &[u8] {
        self.tags.get(n.tag as usize).map_or(&[], Vec::as_slice)
    }

    fn kids(&self, n: &Node) -> &[u32] {
        let (s, l) = (n.start as usize, n.len as usize);
        self.children.get(s..s + l).unwrap_or(&[])
    }

    /// go-yaml's `isMerge`.
    fn is_merge(&self, n: &Node) -> bool {
        n.kind == Kind::Scalar && self.text(n) == "<<" && (n.implicit || self.tag(n) == MERGE_TAG)
    }
}

/// A decoded value with Go's types kept, for error messages (`%#v`).
#[derive(Debug, Clone)]
enum GoVal {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<GoVal>),
    Map(Vec<(GoVal, GoVal)>),
}

/// A decoded scalar key, before it becomes a JSON object key.
enum Key {
    Str(Arc<str>),
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
    Nil,
}

/// The first key that `convertToJSONableObject` rejects, kept until the
/// whole document decoded without a YAML error.
struct KeyError {
    key: Key,
    value_node: u32,
}

/// go-yaml's alias-expansion guard (`allowedAliasRatio`).
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

pub(super) struct Decoder<'d> {
    doc: &'d Document,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active_aliases: Vec<u32>,
    depth: usize,
    key_error: Option<KeyError>,
    saw_nonfinite: bool,
    /// Keep go-yaml's scalar types (see [`Decoder::with_go_numbers`]).
    go_numbers: bool,
}

impl<'d> Decoder<'d> {
    pub fn new(doc: &'d Document) -> Decoder<'d> {
        Decoder {
            doc,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active_aliases: Vec::new(),
            depth: 0,
            key_error: None,
            saw_nonfinite: false,
            go_numbers: false,
        }
    }

    /// Stops before the JSON round trip, for callers that decode into a
    /// typed Go target (sigs.k8s.io/yaml coerces scalars to strings where
    /// the target field is a string, *before* `encoding/json` sees them).
    /// Integers stay `Value::Int64`, integers beyond `int64` (go-yaml's
    /// `uint64`) come back as `Value::Bytes` holding their decimal digits,
    /// and NaN/±Inf are not rejected: the caller coerces, then checks.
    pub fn with_go_numbers(mut self) -> Decoder<'d> {
        self.go_numbers = true;
        self
    }

    /// Decodes the document into the value `encoding/json` would hand back,
    /// or the first error in go-yaml/sigs.k8s.io/encoding/json order.
    pub fn decode_document(mut self) -> DResult<Value> {
        // go-yaml counts the document node itself.
        self.count()?;
        let v = self.value(self.doc.root)?;
        if let Some(ke) = self.key_error.take() {
            return Err(DecodeError::Convert(self.key_error_message(&ke)?));
        }
        if self.saw_nonfinite && !self.go_numbers {
            if let Some(f) = first_nonfinite(&v) {
                return Err(DecodeError::Marshal(format!(
                    "json: unsupported value: {}",
                    format_float(f, b'g', -1)
                )));
            }
        }
        Ok(v)
    }

    /// `d.unmarshal`'s bookkeeping: one decode operation.
    fn count(&mut self) -> DResult<()> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(DecodeError::Yaml(
                "document contains excessive aliasing".into(),
            ));
        }
        if self.decode_count > MAX_YAML_NODES {
            return Err(limit_nodes());
        }
        Ok(())
    }

    fn enter(&mut self) -> DResult<()> {
        self.depth += 1;
        if self.depth > MAX_YAML_DEPTH {
            return Err(limit_depth());
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Runs `f` for alias node `id`, with go-yaml's self-reference check.
    fn through_alias<T>(
        &mut self,
        id: u32,
        f: impl FnOnce(&mut Self, u32) -> DResult<T>,
    ) -> DResult<T> {
        let n = self.doc.node(id);
        if self.active_aliases.contains(&id) {
            let name = self
                .doc
                .names
                .get(n.start as usize)
                .map_or("", String::as_str);
            return Err(DecodeError::Yaml(format!(
                "anchor '{name}' value contains itself"
            )));
        }
        self.active_aliases.push(id);
        self.alias_depth += 1;
        let r = f(self, n.target);
        self.alias_depth -= 1;
        self.active_aliases.pop();
        r
    }

    /// `d.unmarshal(n, interface{})`, converted to the JSON round trip's
    /// result.
    fn value(&mut self, id: u32) -> DResult<Value> {
        // Nesting is bounded (MAX_YAML_DEPTH), but frames are large in
        // debug builds and callers may run on small stacks. Checking the
        // stack every few levels is enough with a generous red zone.
        if self.depth % 16 == 0 {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.value_inner(id))
        } else {
            self.value_inner(id)
        }
    }

    fn value_inner(&mut self, id: u32) -> DResult<Value> {
        self.count()?;
        let n = self.doc.node(id);
        match n.kind {
            Kind::Alias => self.through_alias(id, |d, t| d.value(t)),
            Kind::Scalar => self.scalar_value(&n),
            Kind::Sequence => {
                self.enter()?;
                let kids = self.doc.kids(&n);
                let mut items = Vec::with_capacity(kids.len());
                for &k in kids {
                    items.push(self.value(k)?);
                }
                self.leave();
                Ok(Value::list(items))
            }
            Kind::Mapping => {
                self.enter()?;
                let mut map = Entries::new();
                self.mapping_into(&n, &mut map)?;
                self.leave();
                Ok(Value::Map(Map::typed(ElemType::Interface, map)))
            }
        }
    }

    fn scalar_value(&mut self, n: &Node) -> DResult<Value> {
        let text = self.doc.text(n);
        let tag = self.doc.tag(n);
        if tag.is_empty() && !n.implicit {
            return Ok(Value::string(text));
        }
        let r = resolve(tag, text).map_err(DecodeError::Yaml)?;
        Ok(match r {
            Scalar::Null => Value::Nil,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) if self.go_numbers => Value::Int64(i),
            Scalar::Uint(u) if self.go_numbers => Value::Bytes(Arc::from(u.to_string().as_bytes())),
            Scalar::Int(i) => Value::Float(i as f64),
            Scalar::Uint(u) => Value::Float(u as f64),
            Scalar::Float(f) => {
                if !f.is_finite() {
                    self.saw_nonfinite = true;
                }
                Value::Float(f)
            }
            Scalar::Str => Value::string(text),
            Scalar::Binary => Value::from(go_lossy_utf8(&self.binary(text)?)),
        })
    }

    fn binary(&self, text: &str) -> DResult<Vec<u8>> {
        decode_base64(text)
            .ok_or_else(|| DecodeError::Yaml("!!binary value contains invalid base64 data".into()))
    }

    /// `d.mapping` into an existing map (also used for merges).
    fn mapping_into(&mut self, n: &Node, map: &mut Entries) -> DResult<()> {
        let kids = self.doc.kids(n);
        for pair in kids.chunks(2) {
            let (k, v) = match *pair {
                [k, v] => (k, v),
                _ => break,
            };
            let kn = self.doc.node(k);
            if self.doc.is_merge(&kn) {
                self.merge(v, map)?;
                continue;
            }
            let key = self.key(k)?;
            let value = self.value(v)?;
            let name: Arc<str> = match key {
                Key::Str(s) => s,
                Key::Int(i) => Arc::from(i.to_string()),
                Key::Float(f) => Arc::from(float_key(f)),
                Key::Bool(b) => Arc::from(if b { "true" } else { "false" }),
                other @ (Key::Nil | Key::Uint(_)) => {
                    if self.key_error.is_none() {
                        self.key_error = Some(KeyError {
                            key: other,
                            value_node: v,
                        });
                    }
                    continue;
                }
            };
            map.insert(name, value);
        }
        Ok(())
    }

    /// `d.merge`: `<<: *a`, `<<: {…}`, `<<: [*a, *b]` (earlier maps win).
    fn merge(&mut self, id: u32, map: &mut Entries) -> DResult<()> {
        let want_map =
            || DecodeError::Yaml("map merge requires map or sequence of maps as the value".into());
        let n = self.doc.node(id);
        match n.kind {
            Kind::Mapping => self.merge_one(id, map),
            Kind::Alias => {
                if self.doc.node(n.target).kind != Kind::Mapping {
                    return Err(want_map());
                }
                self.merge_one(id, map)
            }
            Kind::Sequence => {
                let kids = self.doc.kids(&n);
                for &k in kids.iter().rev() {
                    let kn = self.doc.node(k);
                    let ok = match kn.kind {
                        Kind::Alias => self.doc.node(kn.target).kind == Kind::Mapping,
                        Kind::Mapping => true,
                        _ => false,
                    };
                    if !ok {
                        return Err(want_map());
                    }
                    self.merge_one(k, map)?;
                }
                Ok(())
            }
            Kind::Scalar => Err(want_map()),
        }
    }

    /// `d.unmarshal(n, out)` where `out` is the map being filled.
    fn merge_one(&mut self, id: u32, map: &mut Entries) -> DResult<()> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.merge_one_inner(id, map))
    }

    fn merge_one_inner(&mut self, id: u32, map: &mut Entries) -> DResult<()> {
        self.count()?;
        let n = self.doc.node(id);
        match n.kind {
            Kind::Alias => self.through_alias(id, |d, t| d.merge_one(t, map)),
            Kind::Mapping => {
                self.enter()?;
                self.mapping_into(&n, map)?;
                self.leave();
                Ok(())
            }
            // Only reached through an alias to a mapping; kept total.
            _ => Ok(()),
        }
    }

    /// Decodes a mapping key. Collections are invalid keys (go-yaml:
    /// `invalid map key: %#v`).
    fn key(&mut self, id: u32) -> DResult<Key> {
        let n = self.doc.node(id);
        if n.kind == Kind::Scalar {
            // The common case, without the Go-typed detour.
            self.count()?;
            let text = self.doc.text(&n);
            let tag = self.doc.tag(&n);
            if tag.is_empty() && !n.implicit {
                return Ok(Key::Str(Arc::from(text)));
            }
            return Ok(match resolve(tag, text).map_err(DecodeError::Yaml)? {
                Scalar::Null => Key::Nil,
                Scalar::Bool(b) => Key::Bool(b),
                Scalar::Int(i) => Key::Int(i),
                Scalar::Uint(u) => Key::Uint(u),
                Scalar::Float(f) => Key::Float(f),
                Scalar::Str => Key::Str(Arc::from(text)),
                Scalar::Binary => Key::Str(Arc::from(go_lossy_utf8(&self.binary(text)?))),
            });
        }
        let v = self.go_value(id)?;
        Ok(match v {
            GoVal::Nil => Key::Nil,
            GoVal::Bool(b) => Key::Bool(b),
            GoVal::Int(i) => Key::Int(i),
            GoVal::Uint(u) => Key::Uint(u),
            GoVal::Float(f) => Key::Float(f),
            GoVal::Str(s) => Key::Str(Arc::from(s)),
            v @ (GoVal::Seq(_) | GoVal::Map(_)) => {
                return Err(DecodeError::Yaml(format!(
                    "invalid map key: {}",
                    go_sharp(&v, true)
                )));
            }
        })
    }

    /// `d.unmarshal(n, interface{})` keeping Go's types (keys and error
    /// messages only).
    fn go_value(&mut self, id: u32) -> DResult<GoVal> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.go_value_inner(id))
    }

    fn go_value_inner(&mut self, id: u32) -> DResult<GoVal> {
        self.count()?;
        let n = self.doc.node(id);
        match n.kind {
            Kind::Alias => self.through_alias(id, |d, t| d.go_value(t)),
            Kind::Scalar => {
                let text = self.doc.text(&n);
                let tag = self.doc.tag(&n);
                if tag.is_empty() && !n.implicit {
                    return Ok(GoVal::Str(text.to_owned()));
                }
                Ok(match resolve(tag, text).map_err(DecodeError::Yaml)? {
                    Scalar::Null => GoVal::Nil,
                    Scalar::Bool(b) => GoVal::Bool(b),
                    Scalar::Int(i) => GoVal::Int(i),
                    Scalar::Uint(u) => GoVal::Uint(u),
                    Scalar::Float(f) => GoVal::Float(f),
                    Scalar::Str => GoVal::Str(text.to_owned()),
                    Scalar::Binary => {
                        // A Go string of raw bytes; shown lossily.
                        GoVal::Str(go_lossy_utf8(&self.binary(text)?))
                    }
                })
            }
            Kind::Sequence => {
                self.enter()?;
                let mut items = Vec::new();
                for &k in self.doc.kids(&n) {
                    items.push(self.go_value(k)?);
                }
                self.leave();
                Ok(GoVal::Seq(items))
            }
            Kind::Mapping => {
                self.enter()?;
                let mut entries: Vec<(GoVal, GoVal)> = Vec::new();
                self.go_mapping_into(&n, &mut entries)?;
                self.leave();
                Ok(GoVal::Map(entries))
            }
        }
    }

    fn go_mapping_into(&mut self, n: &Node, out: &mut Vec<(GoVal, GoVal)>) -> DResult<()> {
        for pair in self.doc.kids(n).chunks(2) {
            let (k, v) = match *pair {
                [k, v] => (k, v),
                _ => break,
            };
            let kn = self.doc.node(k);
            if self.doc.is_merge(&kn) {
                self.go_merge(v, out)?;
                continue;
            }
            let key = self.go_value(k)?;
            if matches!(key, GoVal::Seq(_) | GoVal::Map(_)) {
                return Err(DecodeError::Yaml(format!(
                    "invalid map key: {}",
                    go_sharp(&key, true)
                )));
            }
            let value = self.go_value(v)?;
            go_map_set(out, key, value);
        }
        Ok(())
    }

    fn go_merge(&mut self, id: u32, out: &mut Vec<(GoVal, GoVal)>) -> DResult<()> {
        let want_map =
            || DecodeError::Yaml("map merge requires map or sequence of maps as the value".into());
        let n = self.doc.node(id);
        let targets: Vec<u32> = match n.kind {
            Kind::Mapping => vec![id],
            Kind::Alias if self.doc.node(n.target).kind == Kind::Mapping => vec![id],
            Kind::Sequence => {
                let kids: Vec<u32> = self.doc.kids(&n).iter().rev().copied().collect();
                for &k in &kids {
                    let kn = self.doc.node(k);
                    let ok = match kn.kind {
                        Kind::Alias => self.doc.node(kn.target).kind == Kind::Mapping,
                        Kind::Mapping => true,
                        _ => false,
                    };
                    if !ok {
                        return Err(want_map());
                    }
                }
                kids
            }
            _ => return Err(want_map()),
        };
        for t in targets {
            self.go_merge_one(t, out)?;
        }
        Ok(())
    }

    fn go_merge_one(&mut self, id: u32, out: &mut Vec<(GoVal, GoVal)>) -> DResult<()> {
        self.count()?;
        let n = self.doc.node(id);
        match n.kind {
            Kind::Alias => self.through_alias(id, |d, t| d.go_merge_one(t, out)),
            Kind::Mapping => {
                self.enter()?;
                self.go_mapping_into(&n, out)?;
                self.leave();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// sigs.k8s.io/yaml's message for a key it cannot turn into a string.
    fn key_error_message(&mut self, ke: &KeyError) -> DResult<String> {
        // Decode the value again, Go-typed, for its `%+#v`.
        self.decode_count = 0;
        self.alias_count = 0;
        let value = self.go_value(ke.value_node)?;
        let value = go_sharp(&value, true);
        Ok(match ke.key {
            Key::Uint(u) => format!(
                "unsupported map key of type: uint64, key: {:#x}, value: {value}",
                u
            ),
            _ => format!("unsupported map key of type: %!s(<nil>), key: <nil>, value: {value}"),
        })
    }
}

fn go_map_set(out: &mut Vec<(GoVal, GoVal)>, key: GoVal, value: GoVal) {
    if let Some(slot) = out.iter_mut().find(|(k, _)| go_key_eq(k, &key)) {
        slot.1 = value;
    } else {
        out.push((key, value));
    }
}

fn go_key_eq(a: &GoVal, b: &GoVal) -> bool {
    match (a, b) {
        (GoVal::Nil, GoVal::Nil) => true,
        (GoVal::Bool(x), GoVal::Bool(y)) => x == y,
        (GoVal::Int(x), GoVal::Int(y)) => x == y,
        (GoVal::Uint(x), GoVal::Uint(y)) => x == y,
        (GoVal::Float(x), GoVal::Float(y)) => x == y,
        (GoVal::Str(x), GoVal::Str(y)) => x == y,
        _ => false,
    }
}

/// A float map key as sigs.k8s.io/yaml writes it: 32-bit `%g`.
fn float_key(f: f64) -> String {
    let s = format_float32_g(f);
    match s.as_str() {
        "+Inf" => ".inf".to_owned(),
        "-Inf" => "-.inf".to_owned(),
        "NaN" => ".nan".to_owned(),
        _ => s,
    }
}

/// The first NaN/±Inf in `encoding/json`'s marshalling order (sorted keys).
pub(super) fn first_nonfinite(v: &Value) -> Option<f64> {
    let mut stack: Vec<Value> = vec![v.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Float(f) if !f.is_finite() => return Some(f),
            Value::List(l) => stack.extend(l.items().iter().rev().cloned()),
            Value::Map(m) => stack.extend(m.read().values().rev().cloned()),
            _ => {}
        }
    }
    None
}

/// Go's `%#v` of a decoded YAML value (`top`: not inside a container, where
/// nil prints as `<nil>` rather than `interface {}(nil)`).
fn go_sharp(v: &GoVal, top: bool) -> String {
    let mut out = String::new();
    write_go_sharp(&mut out, v, top);
    out
}

fn write_go_sharp(out: &mut String, v: &GoVal, top: bool) {
    match v {
        GoVal::Nil if top => out.push_str("<nil>"),
        GoVal::Nil => out.push_str("interface {}(nil)"),
        GoVal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        GoVal::Int(i) => {
            let _ = write!(out, "{i}");
        }
        GoVal::Uint(u) => {
            let _ = write!(out, "{u:#x}");
        }
        GoVal::Float(f) => out.push_str(&format_float(*f, b'g', -1)),
        GoVal::Str(s) => out.push_str(&go_quote(s)),
        GoVal::Seq(items) => {
            out.push_str("[]interface {}{");
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_go_sharp(out, it, false);
            }
            out.push('}');
        }
        GoVal::Map(entries) => {
            out.push_str("map[interface {}]interface {}{");
            let mut sorted: Vec<&(GoVal, GoVal)> = entries.iter().collect();
            sorted.sort_by(|a, b| go_fmt_key_cmp(&a.0, &b.0));
            for (i, (k, val)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_go_sharp(out, k, false);
                out.push(':');
                write_go_sharp(out, val, false);
            }
            out.push('}');
        }
    }
}

/// Go's `fmt` sorts map keys (internal/fmtsort). Mixed key types are
/// ordered by Go's type descriptors, which we approximate by a fixed order.
fn go_fmt_key_cmp(a: &GoVal, b: &GoVal) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn rank(v: &GoVal) -> u8 {
        match v {
            GoVal::Nil => 0,
            GoVal::Bool(_) => 1,
            GoVal::Int(_) => 2,
            GoVal::Uint(_) => 3,
            GoVal::Float(_) => 4,
            GoVal::Str(_) => 5,
            GoVal::Seq(_) => 6,
            GoVal::Map(_) => 7,
        }
    }
    match (a, b) {
        (GoVal::Bool(x), GoVal::Bool(y)) => x.cmp(y),
        (GoVal::Int(x), GoVal::Int(y)) => x.cmp(y),
        (GoVal::Uint(x), GoVal::Uint(y)) => x.cmp(y),
        (GoVal::Float(x), GoVal::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (GoVal::Str(x), GoVal::Str(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}
