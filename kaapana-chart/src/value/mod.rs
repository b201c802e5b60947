//! The runtime value: what templates see, what values files become.
//!
//! Helm hands Go's `text/template` plain Go data — `map[string]interface{}`,
//! `[]interface{}`, `float64`, `string`… — and a few structs (`.Chart`,
//! `.Capabilities`, `.Files`). [`Value`] models exactly those Go kinds, because
//! templates can observe them: `printf "%T"`, `typeOf`, `eq 1 1.0` (an error in
//! Go), `{{ 1000000.0 }}` printing `1e+06`.
//!
//! Values are cheap to clone: strings, lists and maps are reference counted.
//! Maps are shared and mutable, as Go maps are: Sprig's `set`, `unset` and
//! `merge` change a map in place and every holder of it sees the change.
//! Lists are immutable (no Helm function changes a slice in place).

mod entries;
pub(crate) mod intern;
pub(crate) mod json;
pub(crate) mod strconv;
pub(crate) mod yaml;

pub use entries::{Entries, EntriesIter};
pub use json::{from_json, to_json, JsonStyle};
pub(crate) use strconv::format_float;
pub(crate) use yaml::underscore_ok;
pub use yaml::{to_yaml, values_from_yaml};

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A Go value as a Helm template sees it.
///
/// ```
/// use kaapana_chart::Value;
///
/// let v = Value::from_iter([("replicas", Value::Float(3.0)), ("name", "web".into())]);
/// assert_eq!(v.go_type(), "map[string]interface {}");
/// assert_eq!(v.get("name").unwrap().as_str(), Some("web"));
/// ```
#[derive(Clone, Default)]
pub enum Value {
    /// A nil `interface{}`: a missing key, `null` in YAML, `nil` in a template.
    #[default]
    Nil,
    /// A Go `bool`.
    Bool(bool),
    /// A Go `int` (template literals, `len`, `atoi`, `int`).
    Int(i64),
    /// A Go `int64` (`--set` numbers, Sprig math results).
    Int64(i64),
    /// A Go `float64` (every number read from a values file).
    Float(f64),
    /// A Go `uint8` (a byte: `index "abc" 0`, an element of a `[]byte`).
    Uint8(u8),
    /// A Go `complex128` (a template constant such as `1i`).
    Complex(f64, f64),
    /// A Go `string`.
    String(Arc<str>),
    /// A Go `[]byte` (`.Files.GetBytes`).
    Bytes(Arc<[u8]>),
    /// A Go slice.
    List(List),
    /// A Go `map[string]…`.
    Map(Map),
    /// A host object: a Go struct or pointer with fields and methods.
    Object(Arc<dyn Object>),
}

/// The Go element type of a slice or map, which `typeOf` and `%T` reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ElemType {
    /// `interface {}`: any value.
    #[default]
    Interface,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `bool`.
    Bool,
    /// `[]interface {}`: the chunks of Sprig's `chunk` (`[][]interface {}`).
    List,
}

impl ElemType {
    /// The Go spelling of the element type.
    pub fn go_name(self) -> &'static str {
        match self {
            ElemType::Interface => "interface {}",
            ElemType::String => "string",
            ElemType::Int => "int",
            ElemType::Int64 => "int64",
            ElemType::Float64 => "float64",
            ElemType::Bool => "bool",
            ElemType::List => "[]interface {}",
        }
    }
}

/// An immutable Go slice.
#[derive(Clone)]
pub struct List(Arc<ListData>);

struct ListData {
    elem: ElemType,
    /// A nil Go slice (`var s []T`): empty, but `null` in JSON and YAML and
    /// not deeply equal to an empty slice. Sprig's `rest`, `initial` and
    /// `concat` return one.
    nil: bool,
    items: Vec<Value>,
}

/// A shared, mutable Go map with string keys, iterated in sorted key order.
#[derive(Clone)]
pub struct Map(Arc<MapData>);

struct MapData {
    elem: ElemType,
    /// A named map type (`common.Values`), if not a plain map.
    name: Option<&'static str>,
    body: Body,
}

/// A map owns its entries, except a Go type conversion of another map
/// (`common.Values(m)` is the same map under another type), which refers
/// to the map that owns them. Keeping the entries inline saves every other
/// map a second allocation.
enum Body {
    Own(RwLock<Entries>),
    /// Always refers to a map that owns its entries (see [`Map::renamed`]).
    Alias(Arc<MapData>),
}

/// Go's reflect kinds, as Sprig's `kindOf` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GoKind {
    /// A struct value.
    Struct,
    /// A pointer (most Helm objects are pointers to structs).
    Ptr,
    /// A map type with methods (`.Files`).
    Map,
    /// A slice type with methods (`.Capabilities.APIVersions`).
    Slice,
    /// A string type with methods.
    String,
    /// An int64 type with methods (`time.Duration`).
    Int64,
}

impl GoKind {
    /// The name `kindOf` prints.
    pub fn name(self) -> &'static str {
        match self {
            GoKind::Struct => "struct",
            GoKind::Ptr => "ptr",
            GoKind::Map => "map",
            GoKind::Slice => "slice",
            GoKind::String => "string",
            GoKind::Int64 => "int64",
        }
    }
}

/// The Go type of a function or method parameter.
///
/// Go's `text/template` converts each argument to the declared parameter type
/// and fails with Go's exact messages when it cannot; functions therefore
/// declare their Go signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GoType {
    /// `interface{}`: anything, nil included.
    Any,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `bool`.
    Bool,
    /// `[]byte`.
    Bytes,
    /// `[]interface{}`.
    List,
    /// `[]string`.
    StringList,
    /// `map[string]interface{}`.
    Map,
    /// Go's `reflect.Value`: the raw argument, used by the builtins.
    Reflect,
    /// A host object type, by its Go name as [`Object::go_type`] spells it:
    /// only an object of that type is assignable, and nil too when it is a
    /// pointer type (`*semver.Version`); struct types (`time.Time`,
    /// `sprig.certificate`) take no nil.
    Object(&'static str),
    /// `uint32` (Sprig's `derivePassword` counter). No value has this
    /// type; only an unsigned integer constant converts to it.
    Uint32,
}

impl GoType {
    /// The Go spelling, as used in error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            GoType::Any => "interface {}",
            GoType::String => "string",
            GoType::Int => "int",
            GoType::Int64 => "int64",
            GoType::Float64 => "float64",
            GoType::Bool => "bool",
            GoType::Bytes => "[]uint8",
            GoType::List => "[]interface {}",
            GoType::StringList => "[]string",
            GoType::Map => "map[string]interface {}",
            GoType::Reflect => "reflect.Value",
            GoType::Object(name) => name,
            GoType::Uint32 => "uint32",
        }
    }
}

/// A Go function or method signature: parameter types, an optional variadic
/// tail, and whether a second `error` result exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// The fixed parameters.
    pub params: &'static [GoType],
    /// The element type of a trailing `...T` parameter.
    pub variadic: Option<GoType>,
    /// Whether the function returns `(T, error)`.
    pub returns_error: bool,
}

impl Signature {
    /// A signature with fixed parameters only.
    pub const fn fixed(params: &'static [GoType]) -> Signature {
        Signature {
            params,
            variadic: None,
            returns_error: false,
        }
    }

    /// A signature with fixed parameters and a variadic tail.
    pub const fn variadic(params: &'static [GoType], tail: GoType) -> Signature {
        Signature {
            params,
            variadic: Some(tail),
            returns_error: false,
        }
    }

    /// The same signature, returning `(T, error)`.
    pub const fn with_error(mut self) -> Signature {
        self.returns_error = true;
        self
    }
}

/// A host object: a Go struct (or pointer, or named map/slice type) that
/// templates reach into with `.Field` and `.Method arg…`.
///
/// Helm's `.Chart`, `.Capabilities` and `.Files` are objects. Template field
/// names are Go names (`.Chart.AppVersion`), while `toJson`/`toYaml` see
/// [`Object::to_data`], which uses the JSON names (`appVersion`).
pub trait Object: fmt::Debug + Send + Sync + 'static {
    /// The Go type name as `%T` prints it, e.g. `*chart.Metadata`.
    fn go_type(&self) -> Cow<'_, str>;

    /// The reflect kind, for `kindOf`.
    fn go_kind(&self) -> GoKind {
        GoKind::Ptr
    }

    /// An exported field, by its Go name.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// The signature of a method, if the object has one of that name.
    fn method(&self, _name: &str) -> Option<Signature> {
        None
    }

    /// Calls a method with arguments already converted to its signature.
    /// An `Err` is the Go error the method returned.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("{name} is not a method"))
    }

    /// How Go's `fmt` prints the object with `%v` (and `{{ . }}`): a
    /// `String()` method's result, or the struct in braces.
    fn fmt_go(&self, plus: bool) -> String {
        let _ = plus;
        format!("{{{}}}", self.go_type())
    }

    /// What `{{ obj }}` prints when that differs from `%v`: Go's
    /// `printableValue` takes the address of a struct whose `String()` has a
    /// pointer receiver, so `{{ .Capabilities.KubeVersion }}` prints
    /// `v1.36.0` while `printf "%v"` prints the struct. `None` means "as `%v`".
    fn template_print(&self) -> Option<String> {
        None
    }

    /// The object as plain data, the way `encoding/json` sees it (JSON field
    /// names, omitempty applied). Used by `toJson`, `toYaml`, `deepCopy`.
    fn to_data(&self) -> Value {
        Value::Nil
    }

    /// For struct-kinded objects: the fields `encoding/json` writes, in the
    /// struct's declaration order (JSON objects from structs are not
    /// sorted). `None` means "use [`Object::to_data`]".
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        None
    }

    /// For map-kinded objects (`.Files`): the entries, for `range`, `index`
    /// and `len`.
    fn map_entries(&self) -> Option<Vec<(Arc<str>, Value)>> {
        None
    }

    /// For map-kinded objects: the value a missing key yields (the zero
    /// value of the map's element type; Go's `reflect.Zero`).
    fn map_zero(&self) -> Value {
        Value::Nil
    }

    /// For slice-kinded objects: the items, for `range`, `index` and `len`.
    fn list_items(&self) -> Option<Vec<Value>> {
        None
    }

    /// Downcasting support.
    fn as_any(&self) -> &dyn Any;
}

impl List {
    /// A `[]interface {}` of `items`.
    pub fn new(items: Vec<Value>) -> List {
        List::typed(ElemType::Interface, items)
    }

    /// A slice of Go element type `elem`.
    pub fn typed(elem: ElemType, items: Vec<Value>) -> List {
        List(Arc::new(ListData {
            elem,
            nil: false,
            items,
        }))
    }

    /// A nil slice of Go element type `elem`: it has no items, like an empty
    /// one, but encodes as `null` (Go's `json.Marshal` of a nil slice).
    ///
    /// ```
    /// use kaapana_chart::{ElemType, List};
    ///
    /// assert!(List::nil_slice(ElemType::Interface).is_nil_slice());
    /// assert!(!List::new(vec![]).is_nil_slice());
    /// ```
    pub fn nil_slice(elem: ElemType) -> List {
        List(Arc::new(ListData {
            elem,
            nil: true,
            items: Vec::new(),
        }))
    }

    /// Whether this is a nil slice (see [`List::nil_slice`]).
    pub fn is_nil_slice(&self) -> bool {
        self.0.nil
    }

    /// The Go element type.
    pub fn elem(&self) -> ElemType {
        self.0.elem
    }

    /// The items.
    pub fn items(&self) -> &[Value] {
        &self.0.items
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.0.items.len()
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.0.items.is_empty()
    }

    /// Whether both are the same slice in memory.
    pub fn ptr_eq(&self, other: &List) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Map {
    /// A new, empty `map[string]interface {}`.
    pub fn new() -> Map {
        Map::with_entries(ElemType::Interface, None, Entries::new())
    }

    /// A map of Go element type `elem` holding `entries` (a
    /// `BTreeMap<Arc<str>, Value>`, or [`Entries`]).
    ///
    /// ```
    /// use kaapana_chart::{ElemType, Map, Value};
    /// use std::collections::BTreeMap;
    ///
    /// let m = Map::typed(ElemType::String, BTreeMap::from([("a".into(), "x".into())]));
    /// assert_eq!(Value::Map(m).go_type(), "map[string]string");
    /// ```
    pub fn typed(elem: ElemType, entries: impl Into<Entries>) -> Map {
        Map::with_entries(elem, None, entries.into())
    }

    /// A `map[string]interface {}` under a Go type name, such as Helm's
    /// `common.Values` (what `.Values` and `.` are in a chart template).
    pub fn named(name: &'static str, entries: impl Into<Entries>) -> Map {
        Map::with_entries(ElemType::Interface, Some(name), entries.into())
    }

    fn with_entries(elem: ElemType, name: Option<&'static str>, entries: Entries) -> Map {
        Map(Arc::new(MapData {
            elem,
            name,
            body: Body::Own(RwLock::new(entries)),
        }))
    }

    /// The same map (same entries: a change through one shows in the other)
    /// under the Go type name `name`, as Go's conversion `common.Values(m)`
    /// gives it. Only `map[string]interface {}` maps can be renamed; others
    /// are returned as they are.
    pub fn renamed(&self, name: &'static str) -> Map {
        if self.0.elem != ElemType::Interface || self.0.name == Some(name) {
            return self.clone();
        }
        Map(Arc::new(MapData {
            elem: ElemType::Interface,
            name: Some(name),
            body: Body::Alias(self.owner().clone()),
        }))
    }

    /// The map that owns the entries: this one, or the one it converts.
    fn owner(&self) -> &Arc<MapData> {
        match &self.0.body {
            Body::Own(_) => &self.0,
            Body::Alias(owner) => owner,
        }
    }

    fn lock(&self) -> &RwLock<Entries> {
        let mut data: &MapData = &self.0;
        // One step at most: an alias always refers to an owner.
        loop {
            match &data.body {
                Body::Own(lock) => return lock,
                Body::Alias(owner) => data = owner,
            }
        }
    }

    /// The Go type name, as `%T` prints it.
    pub fn go_type(&self) -> Cow<'static, str> {
        match self.0.name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("map[string]{}", self.0.elem.go_name())),
        }
    }

    /// The Go element type.
    pub fn elem(&self) -> ElemType {
        self.0.elem
    }

    /// A new map of the same Go type (element type and name) holding
    /// `entries`, for copies that must keep the type `typeOf` shows
    /// (`deepCopy`).
    pub(crate) fn like(&self, entries: Entries) -> Map {
        Map::with_entries(self.0.elem, self.0.name, entries)
    }

    /// Read access to the entries. Do not call back into templates while
    /// holding it: a template may change the map.
    pub fn read(&self) -> RwLockReadGuard<'_, Entries> {
        // A poisoned lock only means a panic happened elsewhere while writing;
        // the map itself is still a valid map.
        self.lock().read().unwrap_or_else(|e| e.into_inner())
    }

    /// Write access to the entries.
    pub fn write(&self) -> RwLockWriteGuard<'_, Entries> {
        self.lock().write().unwrap_or_else(|e| e.into_inner())
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Sets `key` to `value`, visible to every holder of the map.
    pub fn insert(&self, key: impl Into<Arc<str>>, value: Value) {
        self.write().insert(key.into(), value);
    }

    /// Removes `key`.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The keys, sorted (a snapshot).
    pub fn keys(&self) -> Vec<Arc<str>> {
        self.read().keys().cloned().collect()
    }

    /// The entries in key order (a snapshot).
    pub fn entries(&self) -> Vec<(Arc<str>, Value)> {
        self.read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Whether both are the same map in memory.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Arc::ptr_eq(self.owner(), other.owner())
    }

    /// The map's address, for cycle detection (`deepEqual`).
    pub(crate) fn identity(&self) -> usize {
        Arc::as_ptr(self.owner()) as usize
    }
}

impl Default for Map {
    fn default() -> Map {
        Map::new()
    }
}

// Dropping a deeply nested value recursively would overflow the stack (a
// 100,000-deep list from a hostile values file). Containers nested up to
// RECURSIVE_DROP_DEPTH are dropped the ordinary way (recursively: no work
// list to allocate, which mattered for the many value copies of a chart
// render); deeper ones hand their children to an explicit work list when
// they are the last owner.
const RECURSIVE_DROP_DEPTH: u32 = 32;

thread_local! {
    static DROP_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Drops `children` recursively while shallow, iteratively when deep.
fn drop_children<T>(children: T, into_vec: impl FnOnce(T) -> Vec<Value>) {
    let depth = DROP_DEPTH.with(|d| d.get());
    if depth < RECURSIVE_DROP_DEPTH {
        DROP_DEPTH.with(|d| d.set(depth + 1));
        drop(children);
        DROP_DEPTH.with(|d| d.set(depth));
    } else {
        drop_iteratively(into_vec(children));
    }
}

impl Drop for ListData {
    fn drop(&mut self) {
        if self.items.iter().any(is_container) {
            drop_children(std::mem::take(&mut self.items), |v| v);
        }
    }
}

impl Drop for MapData {
    fn drop(&mut self) {
        if let Body::Own(lock) = &mut self.body {
            let entries = lock.get_mut().unwrap_or_else(|e| e.into_inner());
            if entries.values().any(is_container) {
                drop_children(std::mem::take(entries), Entries::into_values);
            }
        }
    }
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_))
}

fn drop_iteratively(mut stack: Vec<Value>) {
    while let Some(v) = stack.pop() {
        match v {
            Value::List(List(arc)) => {
                if let Some(mut data) = Arc::into_inner(arc) {
                    stack.append(&mut data.items);
                }
            }
            Value::Map(Map(arc)) => {
                if let Some(mut data) = Arc::into_inner(arc) {
                    match &mut data.body {
                        Body::Own(lock) => {
                            let entries = lock.get_mut().unwrap_or_else(|e| e.into_inner());
                            stack.extend(std::mem::take(entries).into_values());
                        }
                        Body::Alias(owner) => stack.push(Value::Map(Map(owner.clone()))),
                    }
                }
            }
            _ => {}
        }
    }
}

impl Value {
    /// A `[]interface {}` value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }

    /// A new, empty `map[string]interface {}` value.
    pub fn empty_map() -> Value {
        Value::Map(Map::new())
    }

    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// Whether the value is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string, if the value is a Go string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if the value is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if the value is one.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The value under `key` if this is a map.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// The Go type name, as `printf "%T"` and Sprig's `typeOf` print it.
    pub fn go_type(&self) -> Cow<'_, str> {
        match self {
            Value::Nil => Cow::Borrowed("<nil>"),
            Value::Bool(_) => Cow::Borrowed("bool"),
            Value::Int(_) => Cow::Borrowed("int"),
            Value::Int64(_) => Cow::Borrowed("int64"),
            Value::Float(_) => Cow::Borrowed("float64"),
            Value::Uint8(_) => Cow::Borrowed("uint8"),
            Value::Complex(..) => Cow::Borrowed("complex128"),
            Value::String(_) => Cow::Borrowed("string"),
            Value::Bytes(_) => Cow::Borrowed("[]uint8"),
            Value::List(l) => Cow::Owned(format!("[]{}", l.elem().go_name())),
            Value::Map(m) => m.go_type(),
            Value::Object(o) => o.go_type(),
        }
    }

    /// The Go reflect kind name, as Sprig's `kindOf` prints it.
    pub fn go_kind(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::Uint8(_) => "uint8",
            Value::Complex(..) => "complex128",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.go_kind().name(),
        }
    }

    /// Go's truth, as `if`, `and`, `or` and `not` use it: false for nil,
    /// `false`, zero numbers and empty strings, slices and maps.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Uint8(u) => *u != 0,
            Value::Complex(re, im) => *re != 0.0 || *im != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => match o.go_kind() {
                GoKind::Map => o.map_entries().is_some_and(|e| !e.is_empty()),
                GoKind::Slice => o.list_items().is_some_and(|e| !e.is_empty()),
                GoKind::Int64 => !matches!(o.to_data(), Value::Int64(0)),
                _ => true,
            },
        }
    }

    /// A deep copy: maps and lists are copied, so that changing the copy
    /// (`set`, `merge`) leaves the original alone.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(l) if l.is_nil_slice() => Value::List(l.clone()),
            Value::List(l) => Value::List(List::typed(
                l.elem(),
                l.items().iter().map(Value::deep_copy).collect(),
            )),
            Value::Map(m) => {
                let entries = m
                    .read()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect();
                Value::Map(m.like(Entries::from_sorted(entries)))
            }
            other => other.clone(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Float(x) => write!(f, "float64({x:?})"),
            Value::Uint8(u) => write!(f, "uint8({u})"),
            Value::Complex(re, im) => write!(f, "complex128({re:?}, {im:?})"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items()).finish(),
            Value::Map(m) => f.debug_map().entries(m.read().iter()).finish(),
            Value::Object(o) => o.fmt(f),
        }
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items()).finish()
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.read().iter()).finish()
    }
}

impl PartialEq for Value {
    /// Deep equality of the data (Go's `reflect.DeepEqual` on plain data).
    /// Objects are equal only to themselves.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Uint8(a), Value::Uint8(b)) => a == b,
            (Value::Complex(a, b), Value::Complex(c, d)) => a == c && b == d,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                a.ptr_eq(b)
                    || (a.elem() == b.elem()
                        && a.is_nil_slice() == b.is_nil_slice()
                        && a.items() == b.items())
            }
            (Value::Map(a), Value::Map(b)) => {
                a.ptr_eq(b) || (a.elem() == b.elem() && *a.read() == *b.read())
            }
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    /// An `int64`, as Helm's `--set` produces.
    fn from(i: i64) -> Value {
        Value::Int64(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Arc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Arc::from(s))
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Value {
        Value::String(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::list(items)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

impl<K: Into<Arc<str>>> FromIterator<(K, Value)> for Value {
    /// Builds a `map[string]interface {}`.
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Value {
        Value::Map(Map::typed(
            ElemType::Interface,
            iter.into_iter()
                .map(|(k, v)| (k.into(), v))
                .collect::<Entries>(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        // Regression guard: values are copied everywhere in the executor.
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn maps_are_shared_and_mutable() {
        let m = Map::new();
        let a = Value::Map(m.clone());
        m.insert("k", Value::Int(1));
        assert_eq!(a.get("k"), Some(Value::Int(1)));
        let copy = a.deep_copy();
        m.insert("k", Value::Int(2));
        assert_eq!(copy.get("k"), Some(Value::Int(1)));
    }

    #[test]
    fn a_renamed_map_shares_its_entries() {
        let m = Map::new();
        let r = m.renamed("common.Values");
        let rr = r.renamed("other.Name");
        assert!(m.ptr_eq(&r) && r.ptr_eq(&rr));
        assert_eq!(m.identity(), rr.identity());
        assert_eq!(Value::Map(rr.clone()).go_type(), "other.Name");
        rr.insert("k", Value::Int(1));
        // The owner may go first: the conversions keep the entries alive.
        drop(m);
        assert_eq!(r.get("k"), Some(Value::Int(1)));
        // A deep copy is a new map of the same type.
        let copy = Value::Map(r.clone()).deep_copy();
        assert_eq!(copy.go_type(), "common.Values");
        assert!(!copy.as_map().unwrap().ptr_eq(&r));
    }

    #[test]
    fn dropping_deep_nesting_does_not_overflow() {
        let mut v = Value::Nil;
        for i in 0..200_000 {
            v = if i % 2 == 0 {
                Value::list(vec![v])
            } else {
                Value::from_iter([("a", v)])
            };
        }
        // Run on a small stack to prove the drop is iterative.
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || drop(v))
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn go_type_names() {
        assert_eq!(Value::Nil.go_type(), "<nil>");
        assert_eq!(Value::Float(1.0).go_type(), "float64");
        assert_eq!(
            Value::List(List::typed(ElemType::String, vec![])).go_type(),
            "[]string"
        );
        assert_eq!(Value::empty_map().go_type(), "map[string]interface {}");
    }
}
