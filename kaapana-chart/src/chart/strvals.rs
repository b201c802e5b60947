//! Helm's `--set` family of flags: `--set`, `--set-string`, `--set-json`,
//! `--set-literal` and `--set-file` (Go package `pkg/strvals`).
//!
//! Each function parses one flag argument and merges it into an existing
//! values map, the way `strvals.ParseInto` and friends do for
//! `helm template`/`install`:
//!
//! ```
//! use kaapana_chart::chart::strvals::parse_set;
//! use kaapana_chart::Value;
//!
//! let values = Value::empty_map();
//! parse_set("image.tag=1.2,replicas=3,ports={80,443},debug=true", &values).unwrap();
//! let image = values.get("image").unwrap();
//! assert_eq!(image.get("tag"), Some(Value::from("1.2")));
//! assert_eq!(values.get("replicas"), Some(Value::Int64(3)));
//! assert_eq!(
//!     values.get("ports"),
//!     Some(Value::list(vec![Value::Int64(80), Value::Int64(443)]))
//! );
//! assert_eq!(values.get("debug"), Some(Value::Bool(true)));
//! ```
//!
//! # Grammar
//!
//! ```text
//! expression := assignment ("," assignment)*
//! assignment := path "=" value
//! path       := name ("." name | "[" index "]")*
//! value      := "{" item ("," item)* "}" | text      (--set, --set-string, --set-file)
//!             | JSON document | ""                   (--set-json; empty is null)
//!             | everything up to the end             (--set-literal)
//! ```
//!
//! A backslash makes the next character literal (`a\.b=c\,d` sets the key
//! `a.b` to `c,d`), except in `--set-literal`. The many quirks of Helm's
//! hand-written parser are kept on purpose, because charts and pipelines
//! depend on them: `a={}` is a list holding one empty string, `a[0]` alone
//! creates an empty list, `a.` alone does nothing, `a=1b=2` under
//! `--set-json` sets two keys. Every error message is Helm's, to the byte.
//!
//! # Typing (`--set`)
//!
//! `true`/`false` (any case) become booleans, `null` (any case) nil, `0` and
//! decimal integers that fit in 64 bits and do not start with `0` become Go
//! `int64` ([`Value::Int64`]); everything else stays a string (`1.5`, `007`,
//! `0x10`, `1e3`). `--set-json` values follow `encoding/json`: numbers are
//! `float64`.
//!
//! # Limits
//!
//! Helm's own limits are kept with Helm's messages: list indexes up to
//! [`MAX_INDEX`], dotted names nested up to [`MAX_NESTED_NAME_LEVEL`] levels.
//! Helm does not bound the nesting of `[…]` indexes nor the memory that
//! indexes allocate (`a[65536][65536]…`); we stop at [`MAX_SET_NESTING`]
//! nested containers and [`MAX_SET_LIST_SLOTS`] list elements created by one
//! expression, and never recurse deeper than that.
//!
//! # Errors and the base map
//!
//! On error the base map is left exactly as it was (Helm leaves it partly
//! updated, but every Helm caller discards it on error).

use crate::template::fmt::go_quote;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::value::{ElemType, Entries, Map, Value};

/// The largest list index an expression may use (Helm's `strvals.MaxIndex`).
pub const MAX_INDEX: usize = 65_536;

/// The deepest nesting of dotted names (Helm's `strvals.MaxNestedNameLevel`):
/// `a.b.c` has two levels.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// The deepest nesting of maps and lists one assignment may reach, the
/// top-level map included: every `.name` and every `[index]` adds a level, so
/// `a[0]…[0]` may hold 255 indexes. Helm counts only the dots that follow a
/// name and has no bound on `[…]` chains (nor on `[0].a[0].a…`); ours keeps
/// the recursion bounded. Error: `value nesting is deeper than the maximum
/// supported depth of 256`.
pub const MAX_SET_NESTING: usize = 256;

/// The most list elements one expression may create through indexes
/// (`a[65536]=x` creates 65,537). Helm has no bound: one short expression
/// like `a[65536][65536]…[65536]=x` would make it allocate gigabytes.
/// Error: `list indexes would create more than 1000000 list elements`.
pub const MAX_SET_LIST_SLOTS: usize = 1_000_000;

/// Parses a `--set` expression into `base` (Helm's `strvals.ParseInto`).
///
/// `base` must be a map; it is updated in place. Values are typed as
/// described in the [module documentation](self).
///
/// ```
/// use kaapana_chart::chart::strvals::parse_set;
/// use kaapana_chart::Value;
///
/// let values = Value::empty_map();
/// parse_set("a[1]=x,a[0].b=null", &values).unwrap();
/// let a = values.get("a").unwrap();
/// assert_eq!(a.as_list().unwrap().items()[1], Value::from("x"));
///
/// let err = parse_set("a[65537]=x", &values).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "index of 65537 is greater than maximum supported index of 65536"
/// );
/// ```
pub fn parse_set(expr: &str, base: &Value) -> Result<()> {
    run(expr, base, Mode::Typed)
}

/// Parses a `--set-string` expression into `base` (Helm's
/// `strvals.ParseIntoString`): like [`parse_set`], but every value stays a
/// string.
///
/// ```
/// use kaapana_chart::chart::strvals::parse_set_string;
/// use kaapana_chart::Value;
///
/// let values = Value::empty_map();
/// parse_set_string("port=80,on=true,tags={1,2}", &values).unwrap();
/// assert_eq!(values.get("port"), Some(Value::from("80")));
/// assert_eq!(values.get("on"), Some(Value::from("true")));
/// ```
pub fn parse_set_string(expr: &str, base: &Value) -> Result<()> {
    run(expr, base, Mode::Strings)
}

/// Parses a `--set-json` expression into `base` (Helm's `strvals.ParseJSON`):
/// each value is a JSON document read like Go's `encoding/json` (numbers are
/// `float64`); an empty value is null.
///
/// Helm's CLI treats a whole argument that starts with `{` as one JSON
/// object instead; that form is handled by
/// [`ValueOptions`](crate::chart::coalesce::ValueOptions).
///
/// ```
/// use kaapana_chart::chart::strvals::parse_set_json;
/// use kaapana_chart::Value;
///
/// let values = Value::empty_map();
/// parse_set_json(r#"a.b={"x":[1,true]},c="s",d="#, &values).unwrap();
/// assert_eq!(values.get("d"), Some(Value::Nil));
/// let err = parse_set_json("a={", &values).unwrap_err();
/// assert_eq!(err.to_string(), "unexpected EOF");
/// ```
pub fn parse_set_json(expr: &str, base: &Value) -> Result<()> {
    run(expr, base, Mode::Json)
}

/// Parses a `--set-literal` expression into `base` (Helm's
/// `strvals.ParseLiteralInto`): the value is everything after the first `=`
/// that ends the name, commas and backslashes included.
///
/// ```
/// use kaapana_chart::chart::strvals::parse_set_literal;
/// use kaapana_chart::Value;
///
/// let values = Value::empty_map();
/// parse_set_literal(r"cmd=echo a,b\c", &values).unwrap();
/// assert_eq!(values.get("cmd"), Some(Value::from(r"echo a,b\c")));
/// ```
pub fn parse_set_literal(expr: &str, base: &Value) -> Result<()> {
    run(expr, base, Mode::Literal)
}

/// Parses a `--set-file` expression into `base` (Helm's
/// `strvals.ParseIntoFile`): each value (and each item of a `{a,b}` list) is
/// handed to `read`, whose result is stored. Helm's CLI reads the named file
/// and stores its text; the parser itself does no I/O.
///
/// An error from `read` is returned as is.
///
/// ```
/// use kaapana_chart::chart::strvals::parse_set_file;
/// use kaapana_chart::Value;
///
/// let values = Value::empty_map();
/// let read = |path: &str| Ok(Value::from(format!("<contents of {path}>")));
/// parse_set_file("tls.crt=certs/a.pem", &values, &read).unwrap();
/// let tls = values.get("tls").unwrap();
/// assert_eq!(tls.get("crt"), Some(Value::from("<contents of certs/a.pem>")));
/// ```
pub fn parse_set_file(
    expr: &str,
    base: &Value,
    read: &dyn Fn(&str) -> Result<Value>,
) -> Result<()> {
    run(expr, base, Mode::File(read))
}

/// How values are read; Helm has one parser type with a value-reader
/// callback (`newParser`, `newJSONParser`, `newFileParser`) and a separate
/// `literalParser`.
#[derive(Clone, Copy)]
enum Mode<'r> {
    /// `typedVal(rs, false)`.
    Typed,
    /// `typedVal(rs, true)`.
    Strings,
    /// `isjsonval`.
    Json,
    /// The `--set-file` reader.
    File(&'r dyn Fn(&str) -> Result<Value>),
    /// `literalParser`.
    Literal,
}

fn run(expr: &str, base: &Value, mode: Mode<'_>) -> Result<()> {
    let Value::Map(root) = base else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("values to parse into must be a map, not {}", base.go_type()),
        ));
    };
    let mut parser = Parser {
        src: expr,
        pos: 0,
        mode,
        slots: 0,
    };
    let mut data = MapNode::from_map(root);
    // Helm's `parser.parse`: one assignment per `key` call until the input
    // ends. An error that wraps io.EOF (`a[`, `a[0]`, `a.`) ends parsing
    // successfully, keeping what was set so far.
    loop {
        match parser.key(&mut data, 0, 1) {
            Ok(()) => {}
            Err(Stop::Eof) => break,
            Err(Stop::Fail(e)) => return Err(e),
        }
    }
    data.finish();
    Ok(())
}

/// Why a parsing step stopped: Helm's `io.EOF` (possibly wrapped, which
/// `errors.Is` still recognises) or a real error.
enum Stop {
    Eof,
    Fail(Error),
}

type Step<T> = std::result::Result<T, Stop>;

fn fail(msg: impl Into<String>) -> Stop {
    Stop::Fail(Error::new(ErrorKind::InvalidArgument, msg.into()))
}

fn limit(msg: impl Into<String>) -> Stop {
    Stop::Fail(Error::new(ErrorKind::LimitExceeded, msg.into()))
}

/// The message of the runtime panic Go recovers in `parser.key` when a type
/// assertion such as `data[k].([]interface{})` fails.
fn assertion_failure(actual: &str, wanted: &str) -> Stop {
    fail(format!(
        "unable to parse key: interface conversion: interface {{}} is {actual}, not {wanted}"
    ))
}

const GO_LIST: &str = "[]interface {}";
const GO_MAP: &str = "map[string]interface {}";

/// A value being built by one parse.
///
/// Go mutates maps in place and slices in place while they have room; the
/// parse works on this tree instead and writes it back at the end, so that a
/// failed parse leaves the base alone and a long run of `a[0]=…,a[1]=…`
/// costs linear time (our lists are immutable once built).
#[derive(Clone)]
enum Node {
    /// A value not touched by this parse (or a finished scalar).
    Leaf(Value),
    /// A map this parse descends into.
    Map(MapNode),
    /// A list this parse indexes into.
    List(Vec<Node>),
}

#[derive(Clone)]
struct MapNode {
    /// The map of the base this node stands for: written back in place, as
    /// Go would have changed it in place.
    origin: Option<Map>,
    entries: BTreeMap<Arc<str>, Node>,
}

impl MapNode {
    fn new() -> MapNode {
        MapNode {
            origin: None,
            entries: BTreeMap::new(),
        }
    }

    fn from_map(m: &Map) -> MapNode {
        MapNode {
            origin: Some(m.clone()),
            entries: m
                .read()
                .iter()
                .map(|(k, v)| (k.clone(), Node::Leaf(v.clone())))
                .collect(),
        }
    }

    /// Writes the node back; returns the (origin or new) map. Nodes nest no
    /// deeper than [`MAX_SET_NESTING`], so the recursion is bounded.
    fn finish(self) -> Map {
        // The node's keys come out of a B-tree: already sorted.
        let entries = Entries::from_sorted(
            self.entries
                .into_iter()
                .map(|(k, n)| (k, n.finish()))
                .collect(),
        );
        match self.origin {
            Some(m) => {
                *m.write() = entries;
                m
            }
            None => Map::typed(ElemType::Interface, entries),
        }
    }

    /// Go's `set`: an empty key is never stored.
    fn set(&mut self, key: Arc<str>, node: Node) {
        if !key.is_empty() {
            self.entries.insert(key, node);
        }
    }
}

impl Node {
    fn finish(self) -> Value {
        match self {
            Node::Leaf(v) => v,
            Node::Map(m) => Value::Map(m.finish()),
            Node::List(items) => Value::list(items.into_iter().map(Node::finish).collect()),
        }
    }

    /// The Go type, as a failed type assertion names it.
    fn go_type(&self) -> String {
        match self {
            Node::Leaf(Value::Nil) => "nil".to_owned(),
            Node::Leaf(v) => v.go_type().into_owned(),
            Node::Map(_) => GO_MAP.to_owned(),
            Node::List(_) => GO_LIST.to_owned(),
        }
    }

    fn is_nil(&self) -> bool {
        matches!(self, Node::Leaf(Value::Nil))
    }

    /// `node.([]interface{})`.
    fn into_list(self) -> Step<Vec<Node>> {
        match self {
            Node::List(items) => Ok(items),
            Node::Leaf(Value::List(l)) if l.elem() == ElemType::Interface => {
                Ok(l.items().iter().cloned().map(Node::Leaf).collect())
            }
            other => Err(assertion_failure(&other.go_type(), GO_LIST)),
        }
    }

    /// `node.(map[string]interface{})` with the comma-ok form.
    fn into_map(self) -> std::result::Result<MapNode, Node> {
        match self {
            Node::Map(m) => Ok(m),
            Node::Leaf(Value::Map(m)) if is_plain_map(&m) => Ok(MapNode::from_map(&m)),
            other => Err(other),
        }
    }
}

/// Whether Go's `v.(map[string]interface{})` succeeds: not for
/// `map[string]string` nor for named map types.
fn is_plain_map(m: &Map) -> bool {
    m.elem() == ElemType::Interface && m.go_type() == GO_MAP
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    mode: Mode<'a>,
    /// List elements created so far (bounded by [`MAX_SET_LIST_SLOTS`]).
    slots: usize,
}

/// How `valList` ended when it did not return a list.
enum NoList {
    /// The input ended right after `=`.
    Eof,
    /// The value does not start with `{` (Go's `ErrNotList`).
    Scalar,
    Fail(Error),
}

impl Parser<'_> {
    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn read_rune(&mut self) -> Option<char> {
        let c = self.src[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn unread_rune(&mut self, c: char) {
        self.pos -= c.len_utf8();
    }

    /// Go's `runesUntil` (with backslash escapes) or `runesUntilLiteral`
    /// (without, in literal mode): the text up to a stop character, and that
    /// character (`None` at the end of the input).
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let escapes = !self.literal();
        let mut v = String::new();
        loop {
            match self.read_rune() {
                None => return (v, None),
                Some(r) if stop.contains(&r) => return (v, Some(r)),
                Some('\\') if escapes => match self.read_rune() {
                    None => return (v, None),
                    Some(next) => v.push(next),
                },
                Some(r) => v.push(r),
            }
        }
    }

    fn check_depth(depth: usize) -> Step<()> {
        if depth > MAX_SET_NESTING {
            return Err(limit(format!(
                "value nesting is deeper than the maximum supported depth of {MAX_SET_NESTING}"
            )));
        }
        Ok(())
    }

    /// Go's `parser.key` / `literalParser.key`: reads one name and what
    /// follows it into `data`. `level` counts dotted names (Helm's
    /// `nestedNameLevel`); `depth` counts every nested container (ours).
    fn key(&mut self, data: &mut MapNode, level: usize, depth: usize) -> Step<()> {
        Self::check_depth(depth)?;
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        match last {
            None if k.is_empty() => Err(Stop::Eof),
            None => Err(fail(format!("key {} has no value", go_quote(&k)))),
            Some('[') => {
                let i = self.key_index()?;
                let key: Arc<str> = Arc::from(k);
                let existing = data.entries.remove(&key);
                let existed = existing.is_some();
                let list = match existing {
                    Some(node) => node.into_list()?,
                    None => Vec::new(),
                };
                // An empty key is never set, but Go changed an existing
                // slice stored under it in place unless it had to grow.
                let before = (key.is_empty() && existed).then(|| list.clone());
                let (list, res) = self.list_item(list, i, level, depth + 1);
                match before {
                    Some(old) if old.len() != list.len() => {
                        data.entries.insert(key, Node::List(old));
                    }
                    Some(_) => {
                        data.entries.insert(key, Node::List(list));
                    }
                    None => data.set(key, Node::List(list)),
                }
                res
            }
            Some('=') => self.assign(data, Arc::from(k)),
            Some(',') => {
                data.set(Arc::from(k.as_str()), Node::Leaf(Value::from("")));
                Err(fail(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(fail(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let key: Arc<str> = Arc::from(k.as_str());
                let existed = data.entries.contains_key(&key);
                let mut inner = match data.entries.remove(&key) {
                    None => MapNode::new(),
                    Some(node) => node
                        .into_map()
                        .map_err(|other| assertion_failure(&other.go_type(), GO_MAP))?,
                };
                let res = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.key(&mut inner, level, depth + 1)
                });
                let empty = inner.entries.is_empty();
                // An existing map stays where it is (Go changed it in place);
                // a new one is stored only when something went into it.
                if existed || (!empty && !key.is_empty()) {
                    data.entries.insert(key, Node::Map(inner));
                }
                if res.is_ok() && empty {
                    return Err(fail(format!("key map {} has no value", go_quote(&k))));
                }
                res
            }
            Some(other) => Err(fail(format!(
                "parse error: unexpected token {}",
                other as u32
            ))),
        }
    }

    /// The `last == '='` branch of `parser.key`: the value of `data[k]`.
    fn assign(&mut self, data: &mut MapNode, k: Arc<str>) -> Step<()> {
        match self.mode {
            Mode::Literal => {
                let value = self.rest();
                data.set(k, Node::Leaf(Value::from(value)));
                Ok(())
            }
            Mode::Json => {
                if self.empty_val() {
                    data.set(k, Node::Leaf(Value::Nil));
                    return Ok(());
                }
                let v = self.json_value()?;
                data.set(k, Node::Leaf(v));
                // Skip blanks and one comma after the document.
                self.empty_val();
                Ok(())
            }
            Mode::Typed | Mode::Strings | Mode::File(_) => match self.val_list() {
                Ok(list) => {
                    data.set(k, Node::Leaf(list));
                    Ok(())
                }
                Err(NoList::Eof) => {
                    data.set(k, Node::Leaf(Value::from("")));
                    Err(Stop::Eof)
                }
                Err(NoList::Scalar) => {
                    let rs = self.val();
                    let v = self.read_value(&rs)?;
                    data.set(k, Node::Leaf(v));
                    Ok(())
                }
                Err(NoList::Fail(e)) => Err(Stop::Fail(e)),
            },
        }
    }

    /// Go's `keyIndex`: the text up to `]`, as Go's `strconv.Atoi` reads it.
    fn key_index(&mut self) -> Step<i64> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            // "error parsing index: EOF" wraps io.EOF: parsing just stops.
            return Err(Stop::Eof);
        }
        atoi(&v).map_err(|e| fail(format!("error parsing index: {e}")))
    }

    /// Go's `listItem`: what follows `[i]`, applied to `list`. Like Go, it
    /// hands back the list (changed in place where Go changes it in place)
    /// together with the outcome, and the caller stores the list either way.
    fn list_item(
        &mut self,
        mut list: Vec<Node>,
        i: i64,
        level: usize,
        depth: usize,
    ) -> (Vec<Node>, Step<()>) {
        if i < 0 {
            return (list, Err(fail(format!("negative {i} index not allowed"))));
        }
        if let Err(e) = Self::check_depth(depth) {
            return (list, Err(e));
        }
        // In range of the current list (i is non-negative here).
        let slot = usize::try_from(i).ok().filter(|&idx| idx < list.len());
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(fail(format!(
                    "unexpected data at end of array index: {}",
                    go_quote_runes(&k)
                ))),
            );
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => match self.mode {
                Mode::Literal => {
                    let value = self.rest();
                    self.set_index(list, i, Node::Leaf(Value::from(value)))
                }
                Mode::Json => {
                    if self.empty_val() {
                        return self.set_index(list, i, Node::Leaf(Value::Nil));
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    let (list, res) = self.set_index(list, i, Node::Leaf(v));
                    if res.is_ok() {
                        self.empty_val();
                    }
                    (list, res)
                }
                Mode::Typed | Mode::Strings | Mode::File(_) => match self.val_list() {
                    Ok(vl) => self.set_index(list, i, Node::Leaf(vl)),
                    Err(NoList::Eof) => self.set_index(list, i, Node::Leaf(Value::from(""))),
                    Err(NoList::Scalar) => {
                        let rs = self.val();
                        match self.read_value(&rs) {
                            Ok(v) => self.set_index(list, i, Node::Leaf(v)),
                            Err(e) => (list, Err(e)),
                        }
                    }
                    Err(NoList::Fail(e)) => (list, Err(Stop::Fail(e))),
                },
            },
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                // The nested list: the element if it is there and not nil.
                let mut taken = None;
                if let Some(idx) = slot {
                    if !list[idx].is_nil() {
                        let node = std::mem::replace(&mut list[idx], Node::Leaf(Value::Nil));
                        match node.into_list() {
                            Ok(items) => taken = Some((idx, items)),
                            Err(e) => return (list, Err(e)),
                        }
                    }
                }
                let (idx_taken, crt) = match taken {
                    Some((idx, items)) => (Some(idx), items),
                    None => (None, Vec::new()),
                };
                let (inner, res) = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.list_item(crt, next, level, depth + 1)
                });
                match res {
                    Err(e) => {
                        // Go returns the outer list; changes made in place to
                        // the nested one are visible through it.
                        if let Some(idx) = idx_taken {
                            list[idx] = Node::List(inner);
                        }
                        (list, Err(e))
                    }
                    Ok(()) => self.set_index(list, i, Node::List(inner)),
                }
            }
            Some('.') => {
                // The element must be a map; anything else is replaced by an
                // empty map in place (Go: "indices out of order").
                let mut inner = match slot {
                    Some(idx) => {
                        match std::mem::replace(&mut list[idx], Node::Leaf(Value::Nil)).into_map() {
                            Ok(m) => m,
                            Err(_) => MapNode::new(),
                        }
                    }
                    None => MapNode::new(),
                };
                let res = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.key(&mut inner, level, depth + 1)
                });
                match slot {
                    Some(idx) => {
                        list[idx] = Node::Map(inner);
                        (list, res)
                    }
                    None => match res {
                        Err(e) => (list, Err(e)),
                        Ok(()) => self.set_index(list, i, Node::Map(inner)),
                    },
                }
            }
            Some(other) => (
                list,
                Err(fail(format!(
                    "parse error: unexpected token {}",
                    other as u32
                ))),
            ),
        }
    }

    /// Go's `setIndex`, plus our budget of list elements.
    fn set_index(&mut self, mut list: Vec<Node>, i: i64, val: Node) -> (Vec<Node>, Step<()>) {
        if i < 0 {
            return (list, Err(fail(format!("negative {i} index not allowed"))));
        }
        let idx = match usize::try_from(i) {
            Ok(idx) if idx <= MAX_INDEX => idx,
            _ => {
                return (
                    list,
                    Err(fail(format!(
                        "index of {i} is greater than maximum supported index of {MAX_INDEX}"
                    ))),
                )
            }
        };
        if list.len() <= idx {
            let grow = idx + 1 - list.len();
            if self.slots + grow > MAX_SET_LIST_SLOTS {
                return (
                    list,
                    Err(limit(format!(
                        "list indexes would create more than {MAX_SET_LIST_SLOTS} list elements"
                    ))),
                );
            }
            self.slots += grow;
            list.resize(idx + 1, Node::Leaf(Value::Nil));
        }
        list[idx] = val;
        (list, Ok(()))
    }

    /// Go's `val`: the text up to the next comma.
    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    /// `literalParser.val`: everything that is left.
    fn rest(&mut self) -> String {
        let s = self.src[self.pos..].to_owned();
        self.pos = self.src.len();
        s
    }

    /// Go's `valList`: a `{a,b,c}` list, if the value starts with `{`.
    fn val_list(&mut self) -> std::result::Result<Value, NoList> {
        let Some(r) = self.read_rune() else {
            return Err(NoList::Eof);
        };
        if r != '{' {
            self.unread_rune(r);
            return Err(NoList::Scalar);
        }
        let mut items = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => {
                    return Err(NoList::Fail(Error::new(
                        ErrorKind::InvalidArgument,
                        "list must terminate with '}'",
                    )))
                }
                Some('}') => {
                    // A comma right after the list is consumed.
                    if let Some(r) = self.read_rune() {
                        if r != ',' {
                            self.unread_rune(r);
                        }
                    }
                    return match self.read_value(&rs) {
                        Ok(v) => {
                            items.push(v);
                            Ok(Value::list(items))
                        }
                        Err(Stop::Fail(e)) => Err(NoList::Fail(e)),
                        Err(Stop::Eof) => Err(NoList::Eof),
                    };
                }
                _ => match self.read_value(&rs) {
                    Ok(v) => items.push(v),
                    Err(Stop::Fail(e)) => return Err(NoList::Fail(e)),
                    Err(Stop::Eof) => return Err(NoList::Eof),
                },
            }
        }
    }

    /// The parser's value reader: `typedVal` or the `--set-file` callback.
    fn read_value(&self, rs: &str) -> Step<Value> {
        match self.mode {
            Mode::Typed => Ok(typed_val(rs)),
            Mode::File(read) => read(rs).map_err(Stop::Fail),
            Mode::Strings | Mode::Json | Mode::Literal => Ok(Value::from(rs)),
        }
    }

    /// Go's `emptyVal`: skips white space up to a comma (consumed) or the end
    /// (both mean "empty"); stops before anything else.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read_rune() {
                None | Some(',') => return true,
                Some(r) if r.is_whitespace() => {}
                Some(r) => {
                    self.unread_rune(r);
                    return false;
                }
            }
        }
    }

    /// One JSON document, as `json.NewDecoder(rest).Decode(&v)` reads it
    /// followed by discarding `dec.InputOffset()` bytes.
    fn json_value(&mut self) -> Step<Value> {
        let rest = &self.src[self.pos..];
        let n = json_value_len(rest).map_err(fail)?;
        let v = crate::value::from_json(&rest[..n]).map_err(Stop::Fail)?;
        self.pos += n;
        Ok(v)
    }
}

/// Go's `typedVal(v, false)`.
fn typed_val(val: &str) -> Value {
    if go_equal_fold(val, "true") {
        return Value::Bool(true);
    }
    if go_equal_fold(val, "false") {
        return Value::Bool(false);
    }
    if go_equal_fold(val, "null") {
        return Value::Nil;
    }
    if val == "0" {
        return Value::Int64(0);
    }
    // Only values that do not start with 0 are tried as integers: 007 and
    // 0x10 stay strings.
    if !val.is_empty() && !val.starts_with('0') {
        if let Ok(i) = parse_int(val) {
            return Value::Int64(i);
        }
    }
    Value::from(val)
}

/// Go's `strings.EqualFold` against an ASCII word: Unicode simple case
/// folding, under which the only non-ASCII match of these words is the long
/// s (`ſ`, folding to `s`) and the Kelvin sign (`K`, folding to `k`).
fn go_equal_fold(s: &str, word: &str) -> bool {
    let mut a = s.chars();
    let mut b = word.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) => {
                let same = x.eq_ignore_ascii_case(&y)
                    || (x == '\u{17F}' && y.eq_ignore_ascii_case(&'s'))
                    || (x == '\u{212A}' && y.eq_ignore_ascii_case(&'k'));
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Why Go's integer parsing failed.
enum NumError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseInt(s, 10, 64)`.
fn parse_int(s: &str) -> std::result::Result<i64, NumError> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(digits)?;
    const CUTOFF: u64 = 1 << 63;
    if !neg && un >= CUTOFF {
        return Err(NumError::Range);
    }
    if neg && un > CUTOFF {
        return Err(NumError::Range);
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// Go's `strconv.ParseUint(s, 10, 64)`: the first overflow is a range error
/// even if an invalid character follows.
fn parse_uint(s: &str) -> std::result::Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return Err(NumError::Syntax);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(NumError::Range)?;
    }
    Ok(n)
}

/// Go's `strconv.Atoi` on 64-bit platforms, with Go's error text.
fn atoi(s: &str) -> std::result::Result<i64, String> {
    let syntax = || format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(s));
    if !s.is_empty() && s.len() < 19 {
        // Go's fast path: an optional sign and plain digits.
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(syntax());
        }
        let n: i64 = digits.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0'));
        return Ok(if s.starts_with('-') { -n } else { n });
    }
    parse_int(s).map_err(|e| match e {
        NumError::Syntax => syntax(),
        NumError::Range => format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)),
    })
}

// --- Go quoting -----------------------------------------------------------
//
// Helm's messages use `%q`. Go's quoting lives with the template formatter;
// these wrappers keep the dependency in one place.

/// Go's `%q` of a `[]rune`: each rune as a quoted character literal,
/// space-separated in brackets (`['x' 'y']`).
fn go_quote_runes(s: &str) -> String {
    let mut out = String::from("[");
    for (n, c) in s.chars().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(&go_quote_rune(c));
    }
    out.push(']');
    out
}

/// Go's `strconv.QuoteRune`.
fn go_quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_escaped_rune(&mut out, c, '\'');
    out.push('\'');
    out
}

/// Go's `appendEscapedRune` (not ASCII-only).
fn push_escaped_rune(out: &mut String, c: char, quote: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if crate::template::fmt::is_print(c) {
        out.push(c);
        return;
    }
    let u = c as u32;
    let (prefix, width) = match c {
        '\u{7}' => return out.push_str("\\a"),
        '\u{8}' => return out.push_str("\\b"),
        '\u{c}' => return out.push_str("\\f"),
        '\n' => return out.push_str("\\n"),
        '\r' => return out.push_str("\\r"),
        '\t' => return out.push_str("\\t"),
        '\u{b}' => return out.push_str("\\v"),
        _ if u < 0x20 || u == 0x7F => ("\\x", 2),
        _ if u < 0x1_0000 => ("\\u", 4),
        _ => ("\\U", 8),
    };
    out.push_str(prefix);
    for k in (0..width).rev() {
        out.push(HEX[((u >> (4 * k)) & 0xF) as usize] as char);
    }
}

// --- JSON value extent ------------------------------------------------------

/// Go's `encoding/json` nesting limit (`maxNestingDepth`).
const JSON_MAX_DEPTH: usize = 10_000;

/// The state of Go's JSON scanner (`encoding/json/scanner.go`), one per
/// `step` function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Js {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`, `false` or `null`: the rest of the word.
    Literal(&'static [u8], u8),
    EndValue,
    EndTop,
}

/// What a scanner step reports.
#[derive(PartialEq, Eq)]
enum Ev {
    Continue,
    /// A closing `}` or `]`.
    Close,
    /// The value ended before this byte (Go's delayed `scanEnd`).
    End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Go's `isSpace` for JSON.
fn json_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `quoteChar` for scanner errors: the byte as a (Latin-1) character
/// in single quotes.
fn json_quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let q = go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

struct JsonScanner {
    state: Js,
    stack: Vec<Frame>,
}

impl JsonScanner {
    fn err(c: u8, context: &str) -> String {
        format!("invalid character {} {context}", json_quote_char(c))
    }

    fn push(&mut self, c: u8, f: Frame) -> std::result::Result<Ev, String> {
        self.stack.push(f);
        if self.stack.len() > JSON_MAX_DEPTH {
            return Err(Self::err(c, "exceeded max depth"));
        }
        Ok(Ev::Continue)
    }

    /// One byte through the scanner; mirrors Go's state functions.
    fn step(&mut self, c: u8) -> std::result::Result<Ev, String> {
        match self.state {
            Js::BeginValueOrEmpty => {
                if json_space(c) {
                    return Ok(Ev::Continue);
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            Js::BeginValue => self.begin_value(c),
            Js::BeginStringOrEmpty => {
                if json_space(c) {
                    return Ok(Ev::Continue);
                }
                if c == b'}' {
                    if let Some(top) = self.stack.last_mut() {
                        *top = Frame::ObjectValue;
                    }
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            Js::BeginString => self.begin_string(c),
            Js::InString => {
                match c {
                    b'"' => self.state = Js::EndValue,
                    b'\\' => self.state = Js::InStringEsc,
                    _ if c < 0x20 => return Err(Self::err(c, "in string literal")),
                    _ => {}
                }
                Ok(Ev::Continue)
            }
            Js::InStringEsc => {
                match c {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                        self.state = Js::InString
                    }
                    b'u' => self.state = Js::InStringEscU(0),
                    _ => return Err(Self::err(c, "in string escape code")),
                }
                Ok(Ev::Continue)
            }
            Js::InStringEscU(n) => {
                if !c.is_ascii_hexdigit() {
                    return Err(Self::err(c, "in \\u hexadecimal character escape"));
                }
                self.state = if n == 3 {
                    Js::InString
                } else {
                    Js::InStringEscU(n + 1)
                };
                Ok(Ev::Continue)
            }
            Js::Neg => match c {
                b'0' => {
                    self.state = Js::Zero;
                    Ok(Ev::Continue)
                }
                b'1'..=b'9' => {
                    self.state = Js::One;
                    Ok(Ev::Continue)
                }
                _ => Err(Self::err(c, "in numeric literal")),
            },
            Js::One => {
                if c.is_ascii_digit() {
                    return Ok(Ev::Continue);
                }
                self.zero(c)
            }
            Js::Zero => self.zero(c),
            Js::Dot => {
                if c.is_ascii_digit() {
                    self.state = Js::Dot0;
                    return Ok(Ev::Continue);
                }
                Err(Self::err(c, "after decimal point in numeric literal"))
            }
            Js::Dot0 => {
                if c.is_ascii_digit() {
                    return Ok(Ev::Continue);
                }
                if c == b'e' || c == b'E' {
                    self.state = Js::E;
                    return Ok(Ev::Continue);
                }
                self.end_value(c)
            }
            Js::E => {
                if c == b'+' || c == b'-' {
                    self.state = Js::ESign;
                    return Ok(Ev::Continue);
                }
                self.e_sign(c)
            }
            Js::ESign => self.e_sign(c),
            Js::E0 => {
                if c.is_ascii_digit() {
                    return Ok(Ev::Continue);
                }
                self.end_value(c)
            }
            Js::Literal(word, at) => {
                let want = word[usize::from(at)];
                if c != want {
                    let name = match word[0] {
                        b't' => "true",
                        b'f' => "false",
                        _ => "null",
                    };
                    return Err(Self::err(
                        c,
                        &format!("in literal {name} (expecting {})", json_quote_char(want)),
                    ));
                }
                self.state = if usize::from(at) + 1 == word.len() {
                    Js::EndValue
                } else {
                    Js::Literal(word, at + 1)
                };
                Ok(Ev::Continue)
            }
            Js::EndValue => self.end_value(c),
            Js::EndTop => Ok(Ev::End),
        }
    }

    fn begin_value(&mut self, c: u8) -> std::result::Result<Ev, String> {
        if json_space(c) {
            return Ok(Ev::Continue);
        }
        match c {
            b'{' => {
                self.state = Js::BeginStringOrEmpty;
                self.push(c, Frame::ObjectKey)
            }
            b'[' => {
                self.state = Js::BeginValueOrEmpty;
                self.push(c, Frame::ArrayValue)
            }
            b'"' => {
                self.state = Js::InString;
                Ok(Ev::Continue)
            }
            b'-' => {
                self.state = Js::Neg;
                Ok(Ev::Continue)
            }
            b'0' => {
                self.state = Js::Zero;
                Ok(Ev::Continue)
            }
            b'1'..=b'9' => {
                self.state = Js::One;
                Ok(Ev::Continue)
            }
            b't' => {
                self.state = Js::Literal(b"true", 1);
                Ok(Ev::Continue)
            }
            b'f' => {
                self.state = Js::Literal(b"false", 1);
                Ok(Ev::Continue)
            }
            b'n' => {
                self.state = Js::Literal(b"null", 1);
                Ok(Ev::Continue)
            }
            _ => Err(Self::err(c, "looking for beginning of value")),
        }
    }

    fn begin_string(&mut self, c: u8) -> std::result::Result<Ev, String> {
        if json_space(c) {
            return Ok(Ev::Continue);
        }
        if c == b'"' {
            self.state = Js::InString;
            return Ok(Ev::Continue);
        }
        Err(Self::err(c, "looking for beginning of object key string"))
    }

    fn zero(&mut self, c: u8) -> std::result::Result<Ev, String> {
        match c {
            b'.' => {
                self.state = Js::Dot;
                Ok(Ev::Continue)
            }
            b'e' | b'E' => {
                self.state = Js::E;
                Ok(Ev::Continue)
            }
            _ => self.end_value(c),
        }
    }

    fn e_sign(&mut self, c: u8) -> std::result::Result<Ev, String> {
        if c.is_ascii_digit() {
            self.state = Js::E0;
            return Ok(Ev::Continue);
        }
        Err(Self::err(c, "in exponent of numeric literal"))
    }

    fn end_value(&mut self, c: u8) -> std::result::Result<Ev, String> {
        let Some(&top) = self.stack.last() else {
            // A complete top-level value: whatever follows is not ours.
            self.state = Js::EndTop;
            return Ok(Ev::End);
        };
        if json_space(c) {
            self.state = Js::EndValue;
            return Ok(Ev::Continue);
        }
        match (top, c) {
            (Frame::ObjectKey, b':') => {
                if let Some(t) = self.stack.last_mut() {
                    *t = Frame::ObjectValue;
                }
                self.state = Js::BeginValue;
                Ok(Ev::Continue)
            }
            (Frame::ObjectKey, _) => Err(Self::err(c, "after object key")),
            (Frame::ObjectValue, b',') => {
                if let Some(t) = self.stack.last_mut() {
                    *t = Frame::ObjectKey;
                }
                self.state = Js::BeginString;
                Ok(Ev::Continue)
            }
            (Frame::ObjectValue, b'}') => {
                self.pop();
                Ok(Ev::Close)
            }
            (Frame::ObjectValue, _) => Err(Self::err(c, "after object key:value pair")),
            (Frame::ArrayValue, b',') => {
                self.state = Js::BeginValue;
                Ok(Ev::Continue)
            }
            (Frame::ArrayValue, b']') => {
                self.pop();
                Ok(Ev::Close)
            }
            (Frame::ArrayValue, _) => Err(Self::err(c, "after array element")),
        }
    }

    fn pop(&mut self) {
        self.stack.pop();
        self.state = if self.stack.is_empty() {
            Js::EndTop
        } else {
            Js::EndValue
        };
    }
}

/// The length in bytes of the JSON document at the start of `s`, as Go's
/// `json.Decoder` reads one value from a stream (`Decoder.readValue`): a
/// number ends at the first byte that cannot continue it, anything may
/// follow the document, and input that ends inside it is
/// `unexpected EOF`. `s` starts with a non-space character.
fn json_value_len(s: &str) -> std::result::Result<usize, String> {
    let mut sc = JsonScanner {
        state: Js::BeginValue,
        stack: Vec::new(),
    };
    for (i, &c) in s.as_bytes().iter().enumerate() {
        match sc.step(c)? {
            Ev::End => return Ok(i),
            Ev::Close if sc.stack.is_empty() => return Ok(i + 1),
            Ev::Close | Ev::Continue => {}
        }
    }
    // At the end of the input Go feeds one more space: a finished value
    // (a number, a literal) ends there; anything else is cut short.
    match sc.step(b' ') {
        Ok(Ev::End) => Ok(s.len()),
        _ => Err("unexpected EOF".to_owned()),
    }
}

/// Red zone and segment size for `stacker` on the nested paths (kept
/// small: the nesting is bounded by [`MAX_SET_NESTING`]).
const STACK_RED_ZONE: usize = 32 * 1024;
const STACK_SEGMENT: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::List;

    fn set(expr: &str) -> Result<Value> {
        let v = Value::empty_map();
        parse_set(expr, &v).map(|()| v)
    }

    #[test]
    fn atoi_matches_go() {
        assert_eq!(atoi("+5").ok(), Some(5));
        assert_eq!(atoi("-0").ok(), Some(0));
        assert_eq!(atoi("007").ok(), Some(7));
        assert_eq!(
            atoi("").unwrap_err(),
            r#"strconv.Atoi: parsing "": invalid syntax"#
        );
        assert_eq!(
            atoi("-").unwrap_err(),
            r#"strconv.Atoi: parsing "-": invalid syntax"#
        );
        assert_eq!(atoi("9223372036854775807").ok(), Some(i64::MAX));
        assert_eq!(atoi("-9223372036854775808").ok(), Some(i64::MIN));
        assert_eq!(
            atoi("9223372036854775808").unwrap_err(),
            r#"strconv.Atoi: parsing "9223372036854775808": value out of range"#
        );
        // Overflow is reported before a later bad character.
        assert_eq!(
            atoi("99999999999999999999x").unwrap_err(),
            r#"strconv.Atoi: parsing "99999999999999999999x": value out of range"#
        );
        assert_eq!(
            atoi("1234567890123456789x").unwrap_err(),
            r#"strconv.Atoi: parsing "1234567890123456789x": invalid syntax"#
        );
    }

    #[test]
    fn typed_values() {
        assert_eq!(typed_val("TRUE"), Value::Bool(true));
        assert_eq!(typed_val("falſe"), Value::Bool(false));
        assert_eq!(typed_val("Null"), Value::Nil);
        assert_eq!(typed_val("0"), Value::Int64(0));
        assert_eq!(typed_val("-0"), Value::Int64(0));
        assert_eq!(typed_val("+5"), Value::Int64(5));
        assert_eq!(typed_val("-012"), Value::Int64(-12));
        assert_eq!(typed_val("007"), Value::from("007"));
        assert_eq!(typed_val("1.5"), Value::from("1.5"));
        assert_eq!(
            typed_val("9223372036854775808"),
            Value::from("9223372036854775808")
        );
        assert_eq!(typed_val(""), Value::from(""));
    }

    #[test]
    fn json_extent() {
        assert_eq!(json_value_len("1,b=2").ok(), Some(1));
        assert_eq!(json_value_len("1b").ok(), Some(1));
        assert_eq!(json_value_len(r#"{"a":[1,2]}x"#).ok(), Some(11));
        assert_eq!(json_value_len(r#""x"y"#).ok(), Some(3));
        assert_eq!(json_value_len("truex").ok(), Some(4));
        assert_eq!(json_value_len("1.").unwrap_err(), "unexpected EOF");
        assert_eq!(
            json_value_len("tru,").unwrap_err(),
            "invalid character ',' in literal true (expecting 'e')"
        );
        assert_eq!(
            json_value_len("é").unwrap_err(),
            "invalid character 'Ã' looking for beginning of value"
        );
        assert_eq!(
            json_value_len("'x'").unwrap_err(),
            r"invalid character '\'' looking for beginning of value"
        );
        let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            json_value_len(&deep).unwrap_err(),
            "invalid character '[' exceeded max depth"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote_runes("x,é\n'"), r"['x' ',' 'é' '\n' '\'']");
        assert_eq!(go_quote("a\"b"), r#""a\"b""#);
    }

    #[test]
    fn base_maps_change_in_place_and_not_on_error() {
        let inner = Value::from_iter([("keep", Value::Float(1.0))]);
        let base = Value::from_iter([("m", inner.clone())]);
        parse_set("m.x=1", &base).unwrap();
        // The inner map object was changed in place, as Go does.
        assert_eq!(inner.get("x"), Some(Value::Int64(1)));
        assert_eq!(inner.get("keep"), Some(Value::Float(1.0)));
        let err = parse_set("m.y=2,m[0]=1", &base).unwrap_err();
        assert!(err.to_string().starts_with("unable to parse key"), "{err}");
        assert_eq!(inner.get("y"), None);
    }

    #[test]
    fn existing_lists_are_updated() {
        let base =
            Value::from_iter([("a", Value::list(vec![Value::Float(1.0), Value::Float(2.0)]))]);
        parse_set("a[1]=x,a[3]=y", &base).unwrap();
        assert_eq!(
            base.get("a"),
            Some(Value::list(vec![
                Value::Float(1.0),
                Value::from("x"),
                Value::Nil,
                Value::from("y"),
            ]))
        );
    }

    #[test]
    fn typed_lists_and_maps_are_not_go_interfaces() {
        let base = Value::from_iter([(
            "a",
            Value::List(List::typed(ElemType::String, vec![Value::from("x")])),
        )]);
        let err = parse_set("a[0]=1", &base).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unable to parse key: interface conversion: interface {} is []string, not []interface {}"
        );
    }

    #[test]
    fn base_must_be_a_map() {
        let err = parse_set("a=1", &Value::Nil).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn many_sequential_indexes_are_linear() {
        let expr: String = (0..65_536)
            .map(|i| format!("a[{i}]={i}"))
            .collect::<Vec<_>>()
            .join(",");
        let v = set(&expr).unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(a.as_list().map(List::len), Some(65_536));
    }
}
