//! The executor: walks a parsed [`Tree`] against data, as Go's
//! `text/template/exec.go` does, producing the same output and the same errors.
//!
//! Go's executor works on `reflect.Value`s, and templates can observe three
//! states that plain data cannot express: an *invalid* value (what a pipeline
//! yields for nil), a nil `interface{}` (a missing map key under
//! `missingkey=zero`), and a concrete value. Error messages differ between
//! them (`invalid value; expected string` vs `wrong type for value; expected
//! string; got interface {}`), so [`Val`] keeps the distinction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::error::{Error, ErrorKind, Result};
use crate::funcs::{FuncError, Function, Functions};
use crate::limits::{Limits, MAX_INCLUDE_DEPTH_PER_NAME, MAX_LIMIT_MESSAGE};
use crate::template::ast::*;
use crate::template::builtins::{self, Builtin};
use crate::template::errors::{elide_middle, quote, ExecError, ExecMsg, Frame};
use crate::template::fmt as gofmt;
use crate::template::parser::{parse_file, ParseConfig};
use crate::value::{ElemType, GoKind, GoType, Map, Signature, Value};

/// Stack space to keep free before recursing, and the size of each new
/// segment when `stacker` has to grow the stack. Deep (but allowed) template
/// recursion therefore never overflows a small thread stack.
const STACK_RED_ZONE: usize = 128 * 1024;
const STACK_GROW: usize = 2 * 1024 * 1024;

/// Options of a template set.
///
/// ```
/// use kaapana_chart::{Options, Limits};
///
/// let strict = Options { strict: true, ..Options::default() };
/// assert_eq!(strict.limits, Limits::default());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Go's `missingkey=error` (Helm's `--strict`): a missing map key is an
    /// error instead of a nil value.
    pub strict: bool,
    /// Resource limits.
    pub limits: Limits,
}

/// Most template text (in bytes) a [`ParseCache`] keeps parsed. When a new
/// entry would pass it, the cache starts over empty; a text larger than
/// this on its own is parsed every time. Large enough for a platform-sized
/// chart tree (about 2 MB of template text) plus its `tpl` strings.
pub(crate) const PARSE_CACHE_MAX_BYTES: usize = 16 * 1024 * 1024;

/// Parsed template text by its content, kept by an [`Engine`] across
/// renders: template files ([`TemplateSet::add_cached`], the file name the
/// trees were parsed under and the trees) and `tpl` strings (always parsed
/// as `gotpl`). Helm parses every file and every `tpl` string anew on each
/// render; a parse depends only on the text, the function names and the
/// nesting limit, so an engine (whose functions and limits are fixed; the
/// builder methods that change them start a new cache) can reuse it. Only
/// successful parses are kept, so parse errors are reported as before.
///
/// [`Engine`]: crate::Engine
#[derive(Default)]
pub(crate) struct ParseCache {
    files: NameMap<(Arc<str>, Vec<Tree>)>,
    tpl: NameMap<Vec<Tree>>,
    /// Bytes of text held as keys of both maps.
    bytes: usize,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseCache")
            .field("files", &self.files.len())
            .field("tpl", &self.tpl.len())
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl ParseCache {
    /// Makes room for `len` more bytes of text; false if the text is too
    /// large to keep at all.
    fn reserve(&mut self, len: usize) -> bool {
        if len > PARSE_CACHE_MAX_BYTES {
            return false;
        }
        if self.bytes + len > PARSE_CACHE_MAX_BYTES {
            self.files.clear();
            self.tpl.clear();
            self.bytes = 0;
        }
        self.bytes += len;
        true
    }

    fn tpl_trees(&self, source: &str) -> Option<Vec<Tree>> {
        self.tpl.get(source).cloned()
    }

    fn insert_tpl(&mut self, source: &str, trees: &[Tree]) {
        if self.reserve(source.len()) {
            self.tpl.insert(Arc::from(source), trees.to_vec());
        }
    }

    /// Bytes of text the cache holds.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

/// Locks a shared parse cache. A panic while it was held cannot leave it
/// inconsistent (entries are inserted whole), so a poisoned lock is used
/// as is.
pub(crate) fn lock_cache(cache: &Mutex<ParseCache>) -> MutexGuard<'_, ParseCache> {
    cache.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A set of parsed templates that can call each other, like Go's
/// `*template.Template` with its associated templates.
///
/// ```
/// use kaapana_chart::{TemplateSet, Value};
///
/// let mut set = TemplateSet::new(Default::default());
/// set.add("page", r#"{{ define "hi" }}Hello, {{ . }}!{{ end }}{{ template "hi" .name }}"#).unwrap();
/// let data = Value::from_iter([("name", Value::from("Kaapana"))]);
/// assert_eq!(set.execute("page", &data).unwrap(), "Hello, Kaapana!");
/// ```
#[derive(Debug, Clone)]
pub struct TemplateSet {
    options: Options,
    funcs: Arc<Functions>,
    templates: NameMap<Arc<Tree>>,
    /// Where `tpl` strings' parses are kept (the engine's cache), if any.
    cache: Option<Arc<Mutex<ParseCache>>>,
}

/// The value Go's executor passes around (a `reflect.Value`).
#[derive(Debug, Clone)]
pub(crate) enum Val {
    /// The zero `reflect.Value`: "no value".
    Invalid,
    /// A value whose static type is `interface {}` (a map element, a list
    /// element, a function result). May hold nil.
    Iface(Value),
    /// A value of its own concrete type.
    Concrete(Value),
}

impl Val {
    /// Go's `indirectInterface`: the concrete value, or `None` for nil/invalid.
    pub(crate) fn concrete(&self) -> Option<&Value> {
        match self {
            Val::Invalid | Val::Iface(Value::Nil) | Val::Concrete(Value::Nil) => None,
            Val::Iface(v) | Val::Concrete(v) => Some(v),
        }
    }

    /// The value as plain data (nil for invalid).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Val::Invalid => Value::Nil,
            Val::Iface(v) | Val::Concrete(v) => v,
        }
    }

    /// Go's lift in `evalPipeline`: an `interface{}` is replaced by what it
    /// holds, and a nil one becomes invalid.
    fn lift(self) -> Val {
        match self {
            Val::Iface(Value::Nil) => Val::Invalid,
            Val::Iface(v) => Val::Concrete(v),
            other => other,
        }
    }

    /// The static Go type, as error messages print it.
    pub(crate) fn static_type(&self) -> String {
        match self {
            Val::Invalid => "<nil>".to_owned(),
            Val::Iface(_) => "interface {}".to_owned(),
            Val::Concrete(v) => v.go_type().into_owned(),
        }
    }

    /// Go's `truth`: `isTrue(indirectInterface(v))`.
    pub(crate) fn truth(&self) -> bool {
        self.concrete().is_some_and(Value::is_true)
    }
}

/// The variables of a new execution: `$`, with room for a few more (one
/// allocation instead of a growing vector per `include`).
fn initial_vars<'a>(dot: Val) -> Vec<(&'a str, Val)> {
    let mut vars = Vec::with_capacity(8);
    vars.push(("$", dot));
    vars
}

/// The function a name calls under `funcs`: remembered in the node on the
/// first call (a call then skips hashing the name), looked up by name when
/// the node remembers another registry's.
fn resolve<'a>(funcs: &'a Functions, id: &'a IdentifierNode) -> Option<(Callee<'a>, Signature)> {
    let generation = funcs.generation();
    match id.resolved.get() {
        Some((g, Resolved::Func(f))) if *g == generation => Some((Callee::Func(f), f.signature())),
        Some((g, Resolved::Builtin(b))) if *g == generation => {
            Some((Callee::Builtin(*b), b.signature()))
        }
        remembered => {
            let (found, resolved) = if let Some(f) = funcs.get(&id.ident) {
                ((Callee::Func(f), f.signature()), Resolved::Func(f.clone()))
            } else {
                let b = builtins::lookup(&id.ident)?;
                ((Callee::Builtin(b), b.signature()), Resolved::Builtin(b))
            };
            if remembered.is_none() {
                let _ = id.resolved.set((generation, resolved));
            }
            Some(found)
        }
    }
}

/// A table keyed by template names (or template texts). Every `include`
/// looks its name up two or three times, and SipHash (the standard
/// hasher) was a few percent of an include-heavy render; aHash is faster
/// and still seeded at random per process, so names chosen by a chart
/// cannot be made to collide. (It is already in the build, through boon.)
type NameMap<V> = HashMap<Arc<str>, V, ahash::RandomState>;

/// The templates visible to an execution: the set, plus overlays added by
/// `tpl` (which parses into a clone of the set).
struct Lookup<'a> {
    templates: &'a NameMap<Arc<Tree>>,
    parent: Option<&'a Lookup<'a>>,
}

impl Lookup<'_> {
    fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        self.templates
            .get(name)
            .or_else(|| self.parent.and_then(|p| p.get(name)))
    }
}

/// State shared by every execution nested in one render (`include` and
/// `tpl` start nested executions).
#[derive(Debug)]
pub(crate) struct Shared {
    limits: Limits,
    fuel_used: u64,
    output: usize,
    depth: usize,
    include_counts: NameMap<usize>,
    buffers: ArgBuffers,
    slow_crypto: usize,
}

impl Shared {
    pub(crate) fn new(limits: Limits) -> Shared {
        Shared {
            limits,
            fuel_used: 0,
            output: 0,
            depth: 0,
            include_counts: NameMap::default(),
            buffers: ArgBuffers::default(),
            slow_crypto: 0,
        }
    }
}

/// Largest argument buffer kept for reuse (a call with more arguments gets
/// a buffer that is dropped afterwards).
const ARG_BUFFER_KEEP: usize = 16;

/// Argument vectors of finished calls, reused by later ones: a function
/// call needs two (the evaluated arguments, then the plain values the
/// function receives), and allocating them was a tenth of all allocations
/// of a function-heavy render. At most one buffer per active call is ever
/// out, so the pools stay as small as the deepest call nesting.
#[derive(Debug, Default)]
struct ArgBuffers {
    vals: Vec<Vec<Val>>,
    values: Vec<Vec<Value>>,
    /// Output buffers of finished `include`s (one out per active include).
    outs: Vec<String>,
}

/// Largest `include` output buffer kept for reuse (a larger one is dropped,
/// so that one huge include does not pin its memory).
const OUT_BUFFER_KEEP: usize = 64 * 1024;

impl ArgBuffers {
    fn vals(&mut self) -> Vec<Val> {
        self.vals.pop().unwrap_or_default()
    }

    fn values(&mut self) -> Vec<Value> {
        self.values.pop().unwrap_or_default()
    }

    fn give_vals(&mut self, mut v: Vec<Val>) {
        if v.capacity() <= ARG_BUFFER_KEEP {
            v.clear();
            self.vals.push(v);
        }
    }

    fn give_values(&mut self, mut v: Vec<Value>) {
        if v.capacity() <= ARG_BUFFER_KEEP {
            v.clear();
            self.values.push(v);
        }
    }

    fn out(&mut self) -> String {
        self.outs.pop().unwrap_or_default()
    }

    fn give_out(&mut self, mut s: String) {
        if s.capacity() <= OUT_BUFFER_KEEP {
            s.clear();
            self.outs.push(s);
        }
    }
}

/// Go's error for a call of a template that is not defined.
fn no_template(name: &str) -> FuncError {
    FuncError::new(format!(
        "template: no template {} associated with template \"gotpl\"",
        quote(name)
    ))
}

/// One running template (Go's `state`).
struct State<'a, 'o> {
    set: &'a SetView<'a>,
    lookup: &'a Lookup<'a>,
    shared: &'a mut Shared,
    tree: &'a Tree,
    out: &'o mut String,
    /// Variables in scope, innermost last; names borrow from the tree.
    vars: Vec<(&'a str, Val)>,
    /// The node errors point at (Go's `s.node`), as position and Go string.
    node: Option<(Pos, NodeText<'a>)>,
}

/// How to print the current node lazily: most executions never fail, so the
/// Go string of the node is only built for an error.
#[derive(Clone, Copy)]
enum NodeText<'a> {
    Arg(&'a Arg),
    Command(&'a CommandNode),
    Pipe(&'a PipeNode),
    Action(&'a ActionNode),
    Template(&'a TemplateNode),
    Node(&'a Node),
}

impl NodeText<'_> {
    fn render(&self) -> String {
        match self {
            NodeText::Arg(a) => a.to_string(),
            NodeText::Command(c) => c.to_string(),
            NodeText::Pipe(p) => p.to_string(),
            NodeText::Action(a) => a.to_string(),
            NodeText::Template(t) => t.to_string(),
            NodeText::Node(n) => n.to_string(),
        }
    }
}

/// The parts of a set an execution needs.
struct SetView<'a> {
    options: &'a Options,
    funcs: &'a Functions,
    cache: Option<&'a Mutex<ParseCache>>,
}

/// Control flow out of a walk: `{{break}}` and `{{continue}}` unwind to the
/// nearest `{{range}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

type ExecResult<T> = std::result::Result<T, ExecError>;

/// The function a command calls.
enum Callee<'f> {
    Builtin(Builtin),
    Func(&'f Function),
    /// A method of the receiver passed alongside.
    Method,
}

/// What a function sees of the running render: the template set (for
/// `include` and `tpl`), the options, and the shared limits.
pub struct CallContext<'s, 'a, 'o> {
    state: &'s mut State<'a, 'o>,
}

impl std::fmt::Debug for CallContext<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext").finish_non_exhaustive()
    }
}

impl CallContext<'_, '_, '_> {
    /// Whether the render runs with `missingkey=error`.
    pub fn strict(&self) -> bool {
        self.state.set.options.strict
    }

    /// Executes the template `name` with `data`, like Go's
    /// `t.ExecuteTemplate` on the set. This is Helm's `include` (without its
    /// per-name depth counter, see [`CallContext::include`]).
    pub fn execute_template(&mut self, name: &str, data: Value) -> Result<String, FuncError> {
        let Some(tree) = self.state.lookup.get(name).cloned() else {
            return Err(no_template(name));
        };
        let mut out = String::new();
        self.state
            .run_nested(&tree, data_val(data), &mut out, self.state.lookup)
            .map_err(FuncError::from_exec)?;
        Ok(out)
    }

    /// Helm's `include`: [`execute_template`](Self::execute_template) with
    /// Helm's limit of nested calls per template name.
    pub fn include(&mut self, name: &str, data: Value) -> Result<String, FuncError> {
        self.counted(name, |c| c.execute_template(name, data))
    }

    /// [`include`](Self::include) as a shared string (what the `include`
    /// function returns): written into a pooled buffer and copied once
    /// into an allocation of the exact size, instead of growing a fresh
    /// `String` and copying it again into the value.
    pub(crate) fn include_shared(
        &mut self,
        name: &str,
        data: Value,
    ) -> Result<Arc<str>, FuncError> {
        self.counted(name, |c| {
            let Some(tree) = c.state.lookup.get(name).cloned() else {
                return Err(no_template(name));
            };
            let mut out = c.state.shared.buffers.out();
            let r = c
                .state
                .run_nested(&tree, data_val(data), &mut out, c.state.lookup)
                .map_err(FuncError::from_exec)
                .map(|()| Arc::from(out.as_str()));
            c.state.shared.buffers.give_out(out);
            r
        })
    }

    /// Runs `f` under Helm's limit of nested `include`s per template name.
    fn counted<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T, FuncError>,
    ) -> Result<T, FuncError> {
        // Look up before inserting: `entry` would allocate the key on
        // every call, and almost every include finds its name there.
        let counts = &mut self.state.shared.include_counts;
        let count = match counts.get_mut(name) {
            Some(count) => count,
            None => counts.entry(Arc::from(name)).or_insert(0),
        };
        if *count > MAX_INCLUDE_DEPTH_PER_NAME {
            return Err(FuncError::new(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            )));
        }
        *count += 1;
        let result = f(self);
        if let Some(count) = self.state.shared.include_counts.get_mut(name) {
            *count = count.saturating_sub(1);
        }
        result
    }

    /// Parses `source` as a template named `gotpl` in a clone of the set and
    /// executes it with `data`: Helm's `tpl`. Defines in `source` are visible
    /// to `include` calls made from it.
    pub fn execute_source(&mut self, source: &str, data: Value) -> Result<String, FuncError> {
        let funcs = self.state.set.funcs;
        let cache = self.state.set.cache;
        let cached = cache.and_then(|c| lock_cache(c).tpl_trees(source));
        let trees = match cached {
            Some(trees) => trees,
            None => {
                let cfg = ParseConfig {
                    is_func: &|n: &str| is_callable(funcs, n),
                    max_nesting: self.state.shared.limits.max_nesting_depth,
                };
                let trees = parse_file("gotpl", source, &cfg).map_err(|e| {
                    FuncError::wrap(
                        format!("cannot parse template {}: ", quote(source)),
                        FuncError::new(e.message().to_owned()),
                    )
                })?;
                if let Some(c) = cache {
                    lock_cache(c).insert_tpl(source, &trees);
                }
                trees
            }
        };
        let mut overlay: NameMap<Arc<Tree>> = NameMap::default();
        add_trees(&mut overlay, trees, |name| {
            self.state.lookup.get(name).is_some()
        });
        let Some(tree) = overlay.get("gotpl").cloned() else {
            return Ok(String::new());
        };
        let lookup = Lookup {
            templates: &overlay,
            parent: Some(self.state.lookup),
        };
        let mut out = String::new();
        self.state
            .run_nested(&tree, data_val(data), &mut out, &lookup)
            .map_err(|e| {
                FuncError::wrap(
                    format!(
                        "error during tpl function execution for {}: ",
                        quote(source)
                    ),
                    FuncError::from_exec(e),
                )
            })?;
        Ok(out.replace("<no value>", ""))
    }

    /// How many more bytes the render may produce.
    pub fn remaining_output(&self) -> usize {
        self.state.remaining_output()
    }

    /// Charges `bytes` of produced data against the render's output limit.
    /// Functions that build large strings (`repeat`) call it before
    /// allocating.
    pub fn charge_output(&mut self, bytes: usize) -> Result<(), FuncError> {
        let max = self.state.shared.limits.max_output;
        if bytes > max.saturating_sub(self.state.shared.output) {
            return Err(FuncError::limit(format!(
                "output limit of {max} bytes exceeded"
            )));
        }
        Ok(())
    }

    /// Counts one slow crypto call (an RSA or DSA key, bcrypt, scrypt)
    /// against the render's [`Limits::max_slow_crypto`]; called before the
    /// work.
    pub fn charge_slow_crypto(&mut self) -> Result<(), FuncError> {
        let shared = &mut *self.state.shared;
        let max = shared.limits.max_slow_crypto;
        if shared.slow_crypto >= max {
            return Err(FuncError::limit(format!(
                "slow crypto limit exceeded: a render may generate at most {max} RSA or DSA keys or bcrypt or scrypt hashes"
            )));
        }
        shared.slow_crypto += 1;
        Ok(())
    }
}

/// Whether a template may call `name`: Go's `findFunction` looks in the
/// set's functions, then in the builtins. The parser asks this (Go checks
/// function names at parse time), for files and for `tpl` strings alike.
fn is_callable(funcs: &Functions, name: &str) -> bool {
    funcs.contains(name) || builtins::lookup(name).is_some()
}

/// The data of a nested execution: Go's `reflect.ValueOf(data)`, which is
/// the invalid value for a nil interface.
fn data_val(data: Value) -> Val {
    match data {
        Value::Nil => Val::Invalid,
        v => Val::Concrete(v),
    }
}

/// Adds parsed trees to a template map with Go's `AddParseTree` rule: an
/// empty tree does not replace an existing template of the same name.
fn add_trees(
    map: &mut NameMap<Arc<Tree>>,
    trees: Vec<Tree>,
    exists_elsewhere: impl Fn(&str) -> bool,
) {
    for tree in trees {
        let exists = map.contains_key(&*tree.name) || exists_elsewhere(&tree.name);
        if exists && is_empty_tree(&tree.root) {
            continue;
        }
        map.insert(tree.name.clone(), Arc::new(tree));
    }
}

impl TemplateSet {
    /// A set with Helm's function library (Go's builtins, Sprig as far as it
    /// is implemented, and Helm's own functions).
    pub fn new(options: Options) -> TemplateSet {
        TemplateSet::with_functions(options, Arc::new(Functions::helm()))
    }

    /// A set with the given function registry.
    pub fn with_functions(options: Options, funcs: Arc<Functions>) -> TemplateSet {
        TemplateSet {
            options,
            funcs,
            templates: NameMap::default(),
            cache: None,
        }
    }

    /// Keeps the parses of `tpl` strings in `cache` (an engine's).
    pub(crate) fn use_cache(&mut self, cache: Arc<Mutex<ParseCache>>) {
        self.cache = Some(cache);
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Parses `source` as the template `name` and adds it, with every
    /// `{{define}}` in it, to the set. As in Go, a later definition replaces
    /// an earlier one of the same name unless it is empty.
    pub fn add(&mut self, name: &str, source: &str) -> Result<()> {
        let funcs = &self.funcs;
        let cfg = ParseConfig {
            is_func: &|n: &str| is_callable(funcs, n),
            max_nesting: self.options.limits.max_nesting_depth,
        };
        let trees = parse_file(name, source, &cfg)?;
        add_trees(&mut self.templates, trees, |_| false);
        Ok(())
    }

    /// [`TemplateSet::add`], reusing the parse of an earlier file with the
    /// same text (an umbrella chart carries the same library subchart, and
    /// so the same `_helpers.tpl`, many times). The trees are the same but
    /// for the file's name, which only error messages see.
    pub(crate) fn add_cached(
        &mut self,
        name: &str,
        source: &str,
        cache: &mut ParseCache,
    ) -> Result<()> {
        let trees = match cache.files.get(source) {
            Some((first, trees)) => trees
                .iter()
                .map(|t| Tree {
                    name: if t.name == *first {
                        Arc::from(name)
                    } else {
                        t.name.clone()
                    },
                    parse_name: Arc::from(name),
                    source: t.source.clone(),
                    root: t.root.clone(),
                })
                .collect(),
            None => {
                let funcs = &self.funcs;
                let cfg = ParseConfig {
                    is_func: &|n: &str| is_callable(funcs, n),
                    max_nesting: self.options.limits.max_nesting_depth,
                };
                let trees = parse_file(name, source, &cfg)?;
                if cache.reserve(source.len()) {
                    // The trees hold the text already: share it as the key.
                    let key = trees
                        .first()
                        .map_or_else(|| Arc::from(source), |t| t.source.clone());
                    cache.files.insert(key, (Arc::from(name), trees.clone()));
                }
                trees
            }
        };
        add_trees(&mut self.templates, trees, |_| false);
        Ok(())
    }

    /// Whether a template of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// Executes the template `name` with `data` as dot and `$`, like Go's
    /// `ExecuteTemplate`. The error message is Go's.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String> {
        let mut shared = Shared::new(self.options.limits);
        self.execute_shared(name, data, &mut shared)
            .map_err(|e| e.into_error(false))
    }

    /// Executes with render state shared across several files (the engine
    /// renders a whole chart tree with one fuel budget).
    pub(crate) fn execute_shared(
        &self,
        name: &str,
        data: &Value,
        shared: &mut Shared,
    ) -> std::result::Result<String, ExecFailure> {
        let Some(tree) = self.templates.get(name) else {
            return Err(ExecFailure::NoTemplate(format!(
                "template: no template {} associated with template \"gotpl\"",
                quote(name)
            )));
        };
        let view = SetView {
            options: &self.options,
            funcs: &self.funcs,
            cache: self.cache.as_deref(),
        };
        let lookup = Lookup {
            templates: &self.templates,
            parent: None,
        };
        let mut out = String::new();
        let mut state = State {
            set: &view,
            lookup: &lookup,
            shared,
            tree,
            out: &mut out,
            vars: initial_vars(Val::Concrete(data.clone())),
            node: None,
        };
        state
            .walk_list(&Val::Concrete(data.clone()), &tree.root)
            .map_err(ExecFailure::Exec)?;
        Ok(out)
    }
}

/// Why an execution failed.
#[derive(Debug)]
pub(crate) enum ExecFailure {
    /// Go's `no template %q associated with template %q` (not an ExecError).
    NoTemplate(String),
    /// A template execution error.
    Exec(ExecError),
}

impl ExecFailure {
    /// The crate error. With `helm` set, the message is Helm 4's rewrite of
    /// Go's message (see `errors.rs`); otherwise it is Go's.
    pub(crate) fn into_error(self, helm: bool) -> Error {
        match self {
            ExecFailure::NoTemplate(msg) => Error::new(ErrorKind::TemplateExec, msg),
            ExecFailure::Exec(e) => e.into_error(helm),
        }
    }
}

impl<'a, 'o> State<'a, 'o> {
    /// Marks the node errors point at (Go's `s.at`).
    fn at(&mut self, pos: Pos, text: NodeText<'a>) {
        self.node = Some((pos, text));
    }

    /// Builds an execution error at the current node (Go's `s.errorf`).
    fn error(&self, msg: ExecMsg) -> ExecError {
        let frame = self
            .node
            .map(|(pos, text)| Frame::new(self.tree, pos, text.render()));
        ExecError::new(self.current_name(), frame, msg)
    }

    fn errorf(&self, msg: impl Into<String>) -> ExecError {
        self.error(ExecMsg::Text(msg.into()))
    }

    fn current_name(&self) -> Arc<str> {
        self.tree.name.clone()
    }

    fn fuel(&mut self) -> ExecResult<()> {
        self.shared.fuel_used += 1;
        if let Some(max) = self.shared.limits.fuel {
            if self.shared.fuel_used > max {
                return Err(self
                    .errorf(format!(
                        "fuel exhausted: the render took more than {max} steps"
                    ))
                    .limit());
            }
        }
        Ok(())
    }

    fn remaining_output(&self) -> usize {
        self.shared
            .limits
            .max_output
            .saturating_sub(self.shared.output)
    }

    fn write(&mut self, s: &str) -> ExecResult<()> {
        let max = self.shared.limits.max_output;
        if s.len() > max.saturating_sub(self.shared.output) {
            return Err(self
                .errorf(format!("output limit of {max} bytes exceeded"))
                .limit());
        }
        self.shared.output += s.len();
        self.out.push_str(s);
        Ok(())
    }

    /// Runs `tree` in a fresh state sharing this render's limits (Go's
    /// `walkTemplate` and `ExecuteTemplate` both start a new state).
    fn run_nested(
        &mut self,
        tree: &Arc<Tree>,
        dot: Val,
        out: &mut String,
        lookup: &Lookup<'_>,
    ) -> ExecResult<()> {
        if self.shared.depth >= self.shared.limits.max_call_depth {
            return Err(self
                .errorf(format!(
                    "exceeded maximum template depth ({})",
                    self.shared.limits.max_call_depth
                ))
                .limit());
        }
        self.shared.depth += 1;
        let result = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
            let mut nested = State {
                set: self.set,
                lookup,
                shared: &mut *self.shared,
                tree,
                out,
                vars: initial_vars(dot.clone()),
                node: None,
            };
            nested.walk_list(&dot, &tree.root).map(|_| ())
        });
        self.shared.depth -= 1;
        result
    }

    fn walk_list(&mut self, dot: &Val, list: &'a ListNode) -> ExecResult<Flow> {
        for node in &list.nodes {
            let flow = self.walk(dot, node)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Val, node: &'a Node) -> ExecResult<Flow> {
        self.fuel()?;
        match node {
            Node::Text(t) => {
                self.write(&t.text)?;
                Ok(Flow::Normal)
            }
            Node::Action(a) => {
                self.at(a.pos, NodeText::Action(a));
                let val = self.eval_pipeline(dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.at(a.pos, NodeText::Action(a));
                    self.print_value(&val)?;
                }
                Ok(Flow::Normal)
            }
            Node::If(b) | Node::With(b) => {
                self.at(b.pos, NodeText::Node(node));
                let mark = self.vars.len();
                let result = self.walk_if_or_with(matches!(node, Node::With(_)), dot, b);
                self.vars.truncate(mark);
                result
            }
            Node::Range(b) => {
                self.at(b.pos, NodeText::Node(node));
                let mark = self.vars.len();
                let result =
                    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.walk_range(dot, b));
                self.vars.truncate(mark);
                result.map(|_| Flow::Normal)
            }
            Node::Template(t) => {
                self.walk_template(dot, t)?;
                Ok(Flow::Normal)
            }
            Node::Break(_) => Ok(Flow::Break),
            Node::Continue(_) => Ok(Flow::Continue),
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Val, b: &'a BranchNode) -> ExecResult<Flow> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
            if val.truth() {
                if with {
                    self.walk_list(&val, &b.list)
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(dot, else_list)
            } else {
                Ok(Flow::Normal)
            }
        })
    }

    fn walk_range(&mut self, dot: &Val, r: &'a BranchNode) -> ExecResult<()> {
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let mark = self.vars.len();
        // Collect the iterations first: a body may change the map it ranges
        // over (Go visits the keys sorted at the start).
        let items = match val.concrete() {
            None => Items::List(Vec::new()),
            Some(Value::List(l)) => {
                let wrap = elem_wrapper(l.elem());
                Items::List(
                    l.items()
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Val::Concrete(Value::Int(i as i64)), wrap(v.clone())))
                        .collect(),
                )
            }
            Some(Value::Bytes(b)) => Items::List(
                b.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        (
                            Val::Concrete(Value::Int(i as i64)),
                            Val::Concrete(Value::Uint8(*v)),
                        )
                    })
                    .collect(),
            ),
            Some(Value::Map(m)) => {
                let wrap = elem_wrapper(m.elem());
                Items::List(
                    m.entries()
                        .into_iter()
                        .map(|(k, v)| (Val::Concrete(Value::String(k)), wrap(v)))
                        .collect(),
                )
            }
            Some(Value::Int(n)) | Some(Value::Int64(n)) => {
                if r.pipe.decl.len() > 1 {
                    // Go reports this at the last node the pipeline evaluated.
                    let shown = gofmt::sprint(&[val.clone().into_value()]);
                    return Err(self.errorf(format!(
                        "can't use {shown} to iterate over more than one variable"
                    )));
                }
                // Counted lazily: `range 1000000000` must run out of fuel,
                // not allocate a billion items first.
                let is_int = matches!(val.concrete(), Some(Value::Int(_)));
                Items::Count(u64::try_from(*n).unwrap_or(0), is_int)
            }
            Some(Value::Object(o)) => match o.go_kind() {
                GoKind::Map => Items::List(
                    o.map_entries()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(k, v)| (Val::Concrete(Value::String(k)), Val::Concrete(v)))
                        .collect(),
                ),
                GoKind::Slice => Items::List(
                    o.list_items()
                        .unwrap_or_default()
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Val::Concrete(Value::Int(i as i64)), Val::Concrete(v)))
                        .collect(),
                ),
                _ => {
                    let shown = gofmt::sprint(&[val.clone().into_value()]);
                    return Err(self.errorf(format!("range can't iterate over {shown}")));
                }
            },
            Some(other) => {
                let shown = gofmt::sprint(std::slice::from_ref(other));
                return Err(self.errorf(format!("range can't iterate over {shown}")));
            }
        };
        if items.is_empty() {
            if let Some(else_list) = &r.else_list {
                self.walk_list(dot, else_list)?;
            }
            return Ok(());
        }
        for step in 0..items.len() {
            self.fuel()?;
            let (index, elem) = items.get(step);
            let decl = &r.pipe.decl;
            if !decl.is_empty() {
                if r.pipe.is_assign {
                    if decl.len() > 1 {
                        self.set_var(&decl[0].ident[0], index.clone())?;
                    } else {
                        self.set_var(&decl[0].ident[0], elem.clone())?;
                    }
                } else {
                    self.set_top_var(1, elem.clone());
                }
            }
            if decl.len() > 1 {
                if r.pipe.is_assign {
                    self.set_var(&decl[1].ident[0], elem.clone())?;
                } else {
                    self.set_top_var(2, index);
                }
            }
            let flow = self.walk_list(&elem, &r.list);
            self.vars.truncate(mark);
            if flow? == Flow::Break {
                break;
            }
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &Val, t: &'a TemplateNode) -> ExecResult<()> {
        self.at(t.pos, NodeText::Template(t));
        let Some(tree) = self.lookup.get(&t.name).cloned() else {
            return Err(self.errorf(format!("template {} not defined", quote(&t.name))));
        };
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Val::Invalid,
        };
        self.at(t.pos, NodeText::Template(t));
        // The called template writes straight into this one's output (the
        // nested state charges the output limit itself); Go does the same.
        let mut out = std::mem::take(&mut *self.out);
        let lookup = self.lookup;
        let result = self.run_nested(&tree, new_dot, &mut out, lookup);
        *self.out = out;
        result
    }

    fn set_var(&mut self, name: &str, value: Val) -> ExecResult<()> {
        for (n, v) in self.vars.iter_mut().rev() {
            if *n == name {
                *v = value;
                return Ok(());
            }
        }
        Err(self.undefined_variable(name))
    }

    fn set_top_var(&mut self, n: usize, value: Val) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    /// The innermost variable of that name.
    fn var_slot(&self, name: &str) -> Option<&Val> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// Go's error for a variable that no scope declares.
    fn undefined_variable(&self, name: &str) -> ExecError {
        self.errorf(format!("undefined variable: {name}"))
    }

    /// `receiver.idents…` read through plain maps by reference (no copy of
    /// each map on the way: reference-count updates are atomic, and a
    /// render has thousands of `.Values.x.y` and `$v.x` chains); `None`
    /// when the general path must answer (see [`field_chain_in_maps`]).
    fn fields_in_maps(
        &self,
        receiver: &Val,
        idents: &[Arc<str>],
        args: &[Arg],
        fin: &Option<Val>,
    ) -> Option<Val> {
        if args.len() > 1 || fin.is_some() || idents.len() > FAST_FIELD_CHAIN_MAX {
            return None;
        }
        match receiver {
            Val::Iface(Value::Map(m)) | Val::Concrete(Value::Map(m)) => {
                field_chain_in_maps(m, idents, self.set.options.strict)
            }
            _ => None,
        }
    }

    fn print_value(&mut self, val: &Val) -> ExecResult<()> {
        match val.concrete() {
            None => self.write("<no value>"),
            Some(Value::String(s)) => {
                let s = s.clone();
                self.write(&s)
            }
            Some(Value::Object(o)) if o.template_print().is_some() => {
                let s = o.template_print().unwrap_or_default();
                self.write(&s)
            }
            Some(v) => {
                let mut s = String::new();
                let budget = self.remaining_output();
                if let Err(e) = gofmt::try_print_value(&mut s, v, budget) {
                    return Err(self.errorf(e.message().to_owned()).limit());
                }
                self.write(&s)
            }
        }
    }

    fn eval_pipeline(&mut self, dot: &Val, pipe: &'a PipeNode) -> ExecResult<Val> {
        self.at(pipe.pos, NodeText::Pipe(pipe));
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.lift());
        }
        let value = value.unwrap_or(Val::Invalid);
        for var in &pipe.decl {
            let name: &'a str = var.ident.first().map_or("$", |n| &**n);
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name, value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&mut self, args: &'a [Arg], has_final: bool) -> ExecResult<()> {
        if args.len() > 1 || has_final {
            let first = args.first().map(|a| a.to_string()).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &Val,
        cmd: &'a CommandNode,
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        self.fuel()?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Arg::Field(f) => {
                self.at(f.pos, NodeText::Arg(first));
                if let Some(v) = self.fields_in_maps(dot, &f.ident, &cmd.args, &fin) {
                    return Ok(v);
                }
                return self.eval_field_hops(dot, dot.clone(), first, &f.ident, &cmd.args, fin);
            }
            Arg::Chain(c) => return self.eval_chain(dot, first, c, &cmd.args, fin),
            Arg::Identifier(id) => {
                return self.eval_function(dot, id, first, Some(cmd), &cmd.args, fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                return stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
                    self.eval_pipeline(dot, p)
                });
            }
            Arg::Variable(v) => return self.eval_variable(dot, first, v, &cmd.args, fin),
            _ => {}
        }
        self.at(first.pos(), NodeText::Arg(first));
        self.not_a_function(&cmd.args, fin.is_some())?;
        match first {
            Arg::Bool(b) => Ok(Val::Concrete(Value::Bool(b.value))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String(s) => Ok(Val::Concrete(Value::String(s.text.clone()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                quote(&first.to_string())
            ))),
        }
    }

    /// Go's `idealConstant`: a number literal with no type context.
    fn ideal_constant(&mut self, node: &'a Arg, n: &NumberNode) -> ExecResult<Val> {
        self.at(n.pos, NodeText::Arg(node));
        let text = &*n.text;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes().get(1), Some(b'x' | b'X'))
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if n.is_complex {
            return Ok(Val::Concrete(Value::Complex(
                n.complex128.0,
                n.complex128.1,
            )));
        }
        if n.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Val::Concrete(Value::Float(n.float64)));
        }
        if n.is_int {
            return Ok(Val::Concrete(Value::Int(n.int64)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{text} overflows int")));
        }
        Ok(Val::Invalid)
    }

    fn eval_chain(
        &mut self,
        dot: &Val,
        node: &'a Arg,
        chain: &'a ChainNode,
        args: &'a [Arg],
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        self.at(chain.pos, NodeText::Arg(node));
        if chain.field.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if matches!(*chain.node, Arg::Nil(_)) {
            return Err(self.errorf(format!("indirection through explicit nil in {node}")));
        }
        let pipe = self.eval_arg(dot, None, &chain.node)?;
        self.eval_field_chain(dot, pipe, node, &chain.field, args, fin)
    }

    fn eval_variable(
        &mut self,
        dot: &Val,
        node: &'a Arg,
        var: &'a VariableNode,
        args: &'a [Arg],
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        self.at(var.pos, NodeText::Arg(node));
        let name = var.ident.first().map_or("$", |s| &**s);
        let fields = var.ident.get(1..).unwrap_or_default();
        let Some(slot) = self.var_slot(name) else {
            return Err(self.undefined_variable(name));
        };
        if !fields.is_empty() {
            if let Some(v) = self.fields_in_maps(slot, fields, args, &fin) {
                return Ok(v);
            }
        }
        let value = slot.clone();
        if fields.is_empty() {
            self.not_a_function(args, fin.is_some())?;
            return Ok(value);
        }
        self.eval_field_hops(dot, value, node, fields, args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Val,
        receiver: Val,
        node: &'a Arg,
        idents: &'a [Arc<str>],
        args: &'a [Arg],
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        if let Some(v) = self.fields_in_maps(&receiver, idents, args, &fin) {
            return Ok(v);
        }
        self.eval_field_hops(dot, receiver, node, idents, args, fin)
    }

    /// [`State::eval_field_chain`] field by field, for callers that tried
    /// [`State::fields_in_maps`] already.
    fn eval_field_hops(
        &mut self,
        dot: &Val,
        mut receiver: Val,
        node: &'a Arg,
        idents: &'a [Arc<str>],
        args: &'a [Arg],
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        let Some((last, init)) = idents.split_last() else {
            return Ok(receiver);
        };
        for ident in init {
            receiver = self.eval_field(dot, ident, node, &[], None, receiver)?;
        }
        self.eval_field(dot, last, node, args, fin, receiver)
    }

    /// Go's `evalField`: `.Name` on a map (key), a struct (field) or any
    /// object (method).
    fn eval_field(
        &mut self,
        dot: &Val,
        name: &str,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<Val>,
        receiver: Val,
    ) -> ExecResult<Val> {
        let strict = self.set.options.strict;
        let value = match &receiver {
            Val::Invalid => {
                if strict {
                    return Err(self.errorf(format!("nil data; no entry for key {}", quote(name))));
                }
                return Ok(Val::Invalid);
            }
            Val::Iface(Value::Nil) => {
                let typ = receiver.static_type();
                return Err(self.errorf(format!("nil pointer evaluating {typ}.{name}")));
            }
            Val::Iface(v) | Val::Concrete(v) => v,
        };
        let has_args = args.len() > 1 || fin.is_some();
        match value {
            Value::Object(o) => {
                if let Some(sig) = o.method(name) {
                    let callee = Callee::Method;
                    let site = (node.pos(), NodeText::Arg(node));
                    return self.eval_call(dot, callee, sig, site, name, args, fin, o.as_ref());
                }
                if let Some(field) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Val::Concrete(field));
                }
                if o.go_kind() == GoKind::Map {
                    if has_args {
                        return Err(
                            self.errorf(format!("{name} is not a method but has arguments"))
                        );
                    }
                    let found = o
                        .map_entries()
                        .and_then(|e| e.into_iter().find(|(k, _)| &**k == name).map(|(_, v)| v));
                    return match found {
                        Some(v) => Ok(Val::Concrete(v)),
                        None if strict => {
                            Err(self.errorf(format!("map has no entry for key {}", quote(name))))
                        }
                        None => Ok(Val::Concrete(o.map_zero())),
                    };
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                return match m.get(name) {
                    Some(v) => Ok(wrap_elem(m.elem(), v)),
                    None if strict => {
                        Err(self.errorf(format!("map has no entry for key {}", quote(name))))
                    }
                    None => Ok(wrap_elem(m.elem(), zero_of(m.elem()))),
                };
            }
            _ => {}
        }
        // The static type is only needed for this message: building it
        // (a String) on every field access was a measurable cost.
        let typ = receiver.static_type();
        Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
    }

    fn eval_function(
        &mut self,
        dot: &Val,
        id: &'a IdentifierNode,
        node: &'a Arg,
        cmd: Option<&'a CommandNode>,
        args: &'a [Arg],
        fin: Option<Val>,
    ) -> ExecResult<Val> {
        self.at(id.pos, NodeText::Arg(node));
        let name = &*id.ident;
        let funcs = self.set.funcs;
        let Some((callee, sig)) = resolve(funcs, id) else {
            return Err(self.errorf(format!("{} is not a defined function", quote(name))));
        };
        // Go reports a failed call at the whole command when the function
        // heads one, and at the identifier when it is a bare argument.
        let site = match cmd {
            Some(c) => (c.pos, NodeText::Command(c)),
            None => (id.pos, NodeText::Arg(node)),
        };
        self.eval_call(dot, callee, sig, site, name, args, fin, &NoObject)
    }

    /// Go's `evalCall`: checks the argument count, converts each argument to
    /// its parameter type, calls, and wraps a returned error.
    #[allow(clippy::too_many_arguments)] // mirrors Go's evalCall one to one
    fn eval_call(
        &mut self,
        dot: &Val,
        callee: Callee<'_>,
        sig: crate::value::Signature,
        site: (Pos, NodeText<'a>),
        name: &str,
        args: &'a [Arg],
        fin: Option<Val>,
        receiver: &dyn crate::value::Object,
    ) -> ExecResult<Val> {
        // args[0] is the function (or method) itself.
        let args = args.get(1..).unwrap_or(&[]);
        let num_in = args.len() + usize::from(fin.is_some());
        let fixed = sig.params.len();
        if sig.variadic.is_some() {
            if num_in < fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        let param_type = |i: usize| -> GoType {
            sig.params
                .get(i)
                .copied()
                .or(sig.variadic)
                .unwrap_or(GoType::Any)
        };

        // Builtin and/or short-circuit: arguments are evaluated one by one.
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let is_or = b == Builtin::Or;
            let mut v = Val::Invalid;
            for arg in args {
                v = self.eval_arg(dot, Some(GoType::Reflect), arg)?;
                if v.truth() == is_or {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = self.validate_type(f, Some(GoType::Reflect))?;
            }
            return Ok(v);
        }

        // Registered functions and methods take plain values: evaluate the
        // arguments straight into them. Only builtins see the static types.
        let builtin = match callee {
            Callee::Builtin(b) => b,
            Callee::Func(_) | Callee::Method => {
                let mut values = self.shared.buffers.values();
                for (i, arg) in args.iter().enumerate() {
                    values.push(self.eval_arg(dot, Some(param_type(i)), arg)?.into_value());
                }
                if let Some(f) = fin {
                    let t = param_type(num_in - 1);
                    values.push(self.validate_type(f, Some(t))?.into_value());
                }
                let result = if let Callee::Func(func) = callee {
                    let mut ctx = CallContext { state: self };
                    func.call(&mut ctx, &values).map(Val::Iface)
                } else {
                    // A method returning a struct or pointer has that static
                    // type (`can't evaluate field X in type semver.Version`).
                    receiver
                        .call_method(name, &values)
                        .map(|v| match v {
                            Value::Object(_) => Val::Concrete(v),
                            other => Val::Iface(other),
                        })
                        .map_err(FuncError::new)
                };
                self.shared.buffers.give_values(values);
                return self.call_result(result, site, name);
            }
        };

        let mut argv = self.shared.buffers.vals();
        for (i, arg) in args.iter().enumerate() {
            argv.push(self.eval_arg(dot, Some(param_type(i)), arg)?);
        }
        if let Some(f) = fin {
            let t = param_type(num_in - 1);
            argv.push(self.validate_type(f, Some(t))?);
        }

        let result = match builtin {
            Builtin::Call => {
                // Go names the callee by its node, or, when it arrives through
                // the pipeline, by reflect.Value.String() of the value.
                let callee_name = match args.first() {
                    Some(a) => a.to_string(),
                    None => match argv.first().and_then(Val::concrete) {
                        Some(Value::String(s)) => s.to_string(),
                        Some(v) => format!("<{} Value>", v.go_type()),
                        None => "<invalid Value>".to_owned(),
                    },
                };
                builtins::call(&callee_name, &argv)
            }
            b => builtins::apply(b, &argv),
        };
        self.shared.buffers.give_vals(argv);
        self.call_result(result, site, name)
    }

    /// A call's result, its error located at `site` and wrapped as Go's
    /// `evalCall` wraps it.
    fn call_result(
        &mut self,
        result: Result<Val, FuncError>,
        site: (Pos, NodeText<'a>),
        name: &str,
    ) -> ExecResult<Val> {
        match result {
            Ok(v) => Ok(v),
            Err(err) => {
                self.at(site.0, site.1);
                if err.is_limit() {
                    let msg = elide_middle(err.message(), MAX_LIMIT_MESSAGE);
                    return Err(self.errorf(msg).limit());
                }
                Err(self.error(ExecMsg::Call {
                    func: name.to_owned(),
                    err,
                }))
            }
        }
    }

    /// Go's `validateType`: checks (and converts) a computed value for a
    /// parameter of type `typ` (`None`: no particular type).
    fn validate_type(&mut self, value: Val, typ: Option<GoType>) -> ExecResult<Val> {
        let Some(typ) = typ else {
            return Ok(value);
        };
        if typ == GoType::Reflect {
            return Ok(value);
        }
        let v = match value {
            Val::Invalid => {
                if can_be_nil(typ) {
                    return Ok(Val::Concrete(Value::Nil));
                }
                return Err(self.errorf(format!("invalid value; expected {}", typ.go_name())));
            }
            Val::Iface(Value::Nil) => {
                if typ == GoType::Any {
                    return Ok(Val::Iface(Value::Nil));
                }
                return Err(self.errorf(format!(
                    "wrong type for value; expected {}; got interface {{}}",
                    typ.go_name()
                )));
            }
            Val::Iface(v) | Val::Concrete(v) => v,
        };
        if assignable(&v, typ) {
            return Ok(Val::Concrete(v));
        }
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            typ.go_name(),
            v.go_type()
        )))
    }

    /// Go's `evalArg`: evaluates an argument node for a parameter of type
    /// `typ`. Constants adapt to the parameter type.
    fn eval_arg(&mut self, dot: &Val, typ: Option<GoType>, n: &'a Arg) -> ExecResult<Val> {
        self.at(n.pos(), NodeText::Arg(n));
        match n {
            Arg::Dot(_) => return self.validate_type(dot.clone(), typ),
            Arg::Nil(_) => {
                return match typ {
                    None => Ok(Val::Invalid),
                    Some(GoType::Reflect) => Ok(Val::Invalid),
                    Some(t) if can_be_nil(t) => Ok(Val::Concrete(Value::Nil)),
                    Some(t) => Err(self.errorf(format!("cannot assign nil to {}", t.go_name()))),
                };
            }
            Arg::Field(f) => {
                let v = match self.fields_in_maps(dot, &f.ident, &[], &None) {
                    Some(v) => v,
                    None => self.eval_field_hops(
                        dot,
                        dot.clone(),
                        n,
                        &f.ident,
                        std::slice::from_ref(n),
                        None,
                    )?,
                };
                return self.validate_type(v, typ);
            }
            Arg::Variable(v) => {
                let v = self.eval_variable(dot, n, v, &[], None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe(p) => {
                let v =
                    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.eval_pipeline(dot, p))?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier(id) => {
                let v = self.eval_function(dot, id, n, None, std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain(c) => {
                let v = self.eval_chain(dot, n, c, &[], None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let Some(typ) = typ else {
            return self.eval_empty_interface(dot, n);
        };
        match typ {
            GoType::Bool => match n {
                Arg::Bool(b) => Ok(Val::Concrete(Value::Bool(b.value))),
                _ => Err(self.errorf(format!("expected bool; found {n}"))),
            },
            GoType::String => match n {
                Arg::String(s) => Ok(Val::Concrete(Value::String(s.text.clone()))),
                _ => Err(self.errorf(format!("expected string; found {n}"))),
            },
            GoType::Int | GoType::Int64 => match n {
                Arg::Number(num) if num.is_int => Ok(Val::Concrete(if typ == GoType::Int {
                    Value::Int(num.int64)
                } else {
                    Value::Int64(num.int64)
                })),
                _ => Err(self.errorf(format!("expected integer; found {n}"))),
            },
            GoType::Float64 => match n {
                Arg::Number(num) if num.is_float => Ok(Val::Concrete(Value::Float(num.float64))),
                _ => Err(self.errorf(format!("expected float; found {n}"))),
            },
            // Go's evalUnsignedInteger: `SetUint` truncates to the width.
            GoType::Uint32 => match n {
                Arg::Number(num) if num.is_uint => {
                    Ok(Val::Concrete(Value::Int64(i64::from(num.uint64 as u32))))
                }
                _ => Err(self.errorf(format!("expected unsigned integer; found {n}"))),
            },
            GoType::Any | GoType::Reflect => self.eval_empty_interface(dot, n),
            other => Err(self.errorf(format!(
                "can't handle {n} for arg of type {}",
                other.go_name()
            ))),
        }
    }

    fn eval_empty_interface(&mut self, _dot: &Val, n: &'a Arg) -> ExecResult<Val> {
        self.at(n.pos(), NodeText::Arg(n));
        match n {
            Arg::Bool(b) => Ok(Val::Concrete(Value::Bool(b.value))),
            Arg::Number(num) => self.ideal_constant(n, num),
            Arg::String(s) => Ok(Val::Concrete(Value::String(s.text.clone()))),
            _ => Err(self.errorf(format!(
                "can't handle assignment of {n} to empty interface argument"
            ))),
        }
    }
}

/// The iterations of a `{{range}}`: collected items, or a count.
enum Items {
    List(Vec<(Val, Val)>),
    Count(u64, bool),
}

impl Items {
    fn len(&self) -> u64 {
        match self {
            Items::List(v) => v.len() as u64,
            Items::Count(n, _) => *n,
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Iteration `i` as (index, element); Go passes no index for integers.
    fn get(&self, i: u64) -> (Val, Val) {
        match self {
            Items::List(v) => v
                .get(i as usize)
                .cloned()
                .unwrap_or((Val::Invalid, Val::Invalid)),
            Items::Count(_, is_int) => {
                let n = i as i64;
                let v = if *is_int {
                    Value::Int(n)
                } else {
                    Value::Int64(n)
                };
                (Val::Invalid, Val::Concrete(v))
            }
        }
    }
}

/// A receiver placeholder for plain function calls.
#[derive(Debug)]
struct NoObject;

impl crate::value::Object for NoObject {
    fn go_type(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed("<nil>")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Whether Go's `canBeNil` holds for a parameter type.
fn can_be_nil(t: GoType) -> bool {
    matches!(
        t,
        GoType::Any
            | GoType::Bytes
            | GoType::List
            | GoType::StringList
            | GoType::Map
            | GoType::Reflect
    ) || matches!(t, GoType::Object(name) if name.starts_with('*'))
}

/// Whether a concrete value is assignable to a parameter type.
fn assignable(v: &Value, t: GoType) -> bool {
    match t {
        GoType::Any | GoType::Reflect => true,
        GoType::String => matches!(v, Value::String(_)),
        GoType::Int => matches!(v, Value::Int(_)),
        GoType::Int64 => matches!(v, Value::Int64(_)),
        GoType::Float64 => matches!(v, Value::Float(_)),
        GoType::Bool => matches!(v, Value::Bool(_)),
        GoType::Bytes => matches!(v, Value::Bytes(_)),
        GoType::List => matches!(v, Value::List(l) if l.elem() == ElemType::Interface),
        GoType::StringList => matches!(v, Value::List(l) if l.elem() == ElemType::String),
        GoType::Map => matches!(v, Value::Map(m) if m.elem() == ElemType::Interface),
        GoType::Object(name) => matches!(v, Value::Object(o) if o.go_type() == name),
        GoType::Uint32 => false,
    }
}

/// The longest field chain read by [`field_chain_in_maps`], which recurses
/// once per field; longer chains take the general loop.
const FAST_FIELD_CHAIN_MAX: usize = 16;

/// What `eval_field` hop by hop gives for `idents` on map `m` when every
/// hop but the last finds a map and nothing is an error; `None` otherwise
/// (the caller then takes the general path, which reports the error). Each
/// map is read under its lock while the next is looked up; a map that
/// contains itself is only read again, never written.
fn field_chain_in_maps(m: &Map, idents: &[Arc<str>], strict: bool) -> Option<Val> {
    let (first, rest) = idents.split_first()?;
    let entries = m.read();
    match (entries.get(first), rest.is_empty()) {
        (Some(v), true) => Some(wrap_elem(m.elem(), v.clone())),
        (None, true) if !strict => Some(wrap_elem(m.elem(), zero_of(m.elem()))),
        (Some(Value::Map(inner)), false) => field_chain_in_maps(inner, rest, strict),
        _ => None,
    }
}

/// The zero value of a map or slice element type (Go's `reflect.Zero`).
fn zero_of(elem: ElemType) -> Value {
    match elem {
        ElemType::Interface => Value::Nil,
        ElemType::String => Value::String(Arc::from("")),
        ElemType::Int => Value::Int(0),
        ElemType::Int64 => Value::Int64(0),
        ElemType::Float64 => Value::Float(0.0),
        ElemType::Bool => Value::Bool(false),
        ElemType::List => Value::List(crate::value::List::nil_slice(ElemType::Interface)),
    }
}

/// Wraps an element read out of a slice or map with its static type.
fn wrap_elem(elem: ElemType, v: Value) -> Val {
    if elem == ElemType::Interface {
        Val::Iface(v)
    } else {
        Val::Concrete(v)
    }
}

fn elem_wrapper(elem: ElemType) -> impl Fn(Value) -> Val {
    move |v| wrap_elem(elem, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, data: Value) -> std::result::Result<String, String> {
        let mut set = TemplateSet::new(Options::default());
        set.add("t", src).map_err(|e| e.to_string())?;
        set.execute("t", &data).map_err(|e| e.to_string())
    }

    #[test]
    fn a_tree_shared_by_two_registries_calls_each_ones_function() {
        // The node remembers the first registry's function; the second
        // registry, which names another function the same, must get its own.
        let sig = Signature::fixed(&[]);
        let mut a = Functions::empty();
        a.register("who", sig, |_, _| Ok(Value::from("a")));
        let mut b = a.clone();
        b.register("who", sig, |_, _| Ok(Value::from("b")));
        let mut first = TemplateSet::with_functions(Options::default(), Arc::new(a));
        first.add("t", "{{ who }} {{ len \"xy\" }}").unwrap();
        let mut second = TemplateSet::with_functions(Options::default(), Arc::new(b));
        second.templates = first.templates.clone();
        for _ in 0..2 {
            assert_eq!(first.execute("t", &Value::Nil).unwrap(), "a 2");
            assert_eq!(second.execute("t", &Value::Nil).unwrap(), "b 2");
        }
        // A registry changed after cloning is another registry too.
        let mut c = Functions::empty();
        c.register("who", sig, |_, _| Ok(Value::from("c")));
        let c2 = c.clone();
        assert_ne!(c.generation(), c2.generation());
    }

    #[test]
    fn field_chains_through_maps_agree_with_the_general_path() {
        // A map that contains itself: chains up to FAST_FIELD_CHAIN_MAX
        // fields take the by-reference path, longer ones the general loop;
        // both must read the same, and neither may lock up.
        let m = Map::new();
        m.insert("a", Value::Map(m.clone()));
        m.insert("b", Value::from("x"));
        let data = Value::Map(m.clone());
        for n in [1, FAST_FIELD_CHAIN_MAX - 1, FAST_FIELD_CHAIN_MAX + 3] {
            let chain = format!("{{{{ {}.b }}}}", ".a".repeat(n));
            assert_eq!(render(&chain, data.clone()).unwrap(), "x", "{n}");
            let missing = format!("{{{{ {}.zz }}}}", ".a".repeat(n));
            assert_eq!(
                render(&missing, data.clone()).unwrap(),
                render("{{ .zz }}", data.clone()).unwrap(),
                "{n}"
            );
        }
        // Break the cycle so the test does not leak the map.
        m.remove("a");
    }

    #[test]
    fn text_and_fields() {
        let data = Value::from_iter([("a", Value::from_iter([("b", Value::from("x"))]))]);
        assert_eq!(render("<{{ .a.b }}>", data).unwrap(), "<x>");
    }

    #[test]
    fn self_calling_template_stops_at_the_depth_limit() {
        let src = r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#;
        let mut set = TemplateSet::new(Options {
            limits: Limits {
                max_call_depth: 100,
                ..Limits::default()
            },
            ..Options::default()
        });
        set.add("t", src).unwrap();
        let err = set.execute("t", &Value::Nil).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        assert!(
            err.to_string()
                .contains("exceeded maximum template depth (100)"),
            "{err}"
        );
    }

    #[test]
    fn call_depth_just_under_the_limit_succeeds() {
        // 99 nested calls fit a limit of 100.
        let mut src = String::new();
        for i in 0..99 {
            src.push_str(&format!(
                "{{{{ define \"t{i}\" }}}}{{{{ template \"t{}\" }}}}{{{{ end }}}}",
                i + 1
            ));
        }
        src.push_str("{{ define \"t99\" }}ok{{ end }}{{ template \"t0\" }}");
        let mut set = TemplateSet::new(Options {
            limits: Limits {
                max_call_depth: 100,
                ..Limits::default()
            },
            ..Options::default()
        });
        set.add("t", &src).unwrap();
        assert_eq!(set.execute("t", &Value::Nil).unwrap(), "ok");
    }

    #[test]
    fn fuel_runs_out_on_both_sides_of_the_boundary() {
        let src = "{{ range 10 }}x{{ end }}";
        let run = |fuel| {
            let mut set = TemplateSet::new(Options {
                limits: Limits {
                    fuel: Some(fuel),
                    ..Limits::default()
                },
                ..Options::default()
            });
            set.add("t", src).unwrap();
            set.execute("t", &Value::Nil)
        };
        // Cost: 1 (range node) + 1 (command) + 10 × (1 iteration + 1 text).
        assert_eq!(run(22).unwrap(), "xxxxxxxxxx");
        assert_eq!(run(21).unwrap_err().kind(), ErrorKind::LimitExceeded);
    }

    #[test]
    fn output_limit_on_both_sides() {
        let src = "{{ range 10 }}xx{{ end }}";
        let run = |max_output| {
            let mut set = TemplateSet::new(Options {
                limits: Limits {
                    max_output,
                    ..Limits::default()
                },
                ..Options::default()
            });
            set.add("t", src).unwrap();
            set.execute("t", &Value::Nil)
        };
        assert_eq!(run(20).unwrap().len(), 20);
        assert_eq!(run(19).unwrap_err().kind(), ErrorKind::LimitExceeded);
    }

    #[test]
    fn parse_cache_keeps_text_up_to_its_limit_and_then_starts_over() {
        let trees = parse_file(
            "gotpl",
            "{{ . }}",
            &ParseConfig {
                is_func: &|_| false,
                max_nesting: 10,
            },
        )
        .unwrap();
        let mut cache = ParseCache::default();
        // Exactly at the limit: everything is kept.
        let big = "x".repeat(PARSE_CACHE_MAX_BYTES - 7);
        cache.insert_tpl(&big, &trees);
        cache.insert_tpl("{{ . }}", &trees);
        assert_eq!(cache.bytes(), PARSE_CACHE_MAX_BYTES);
        assert!(cache.tpl_trees(&big).is_some());
        assert!(cache.tpl_trees("{{ . }}").is_some());
        // One byte more: the cache starts over with the new text only.
        cache.insert_tpl("y", &trees);
        assert_eq!(cache.bytes(), 1);
        assert!(cache.tpl_trees(&big).is_none());
        assert!(cache.tpl_trees("y").is_some());
        // A text larger than the limit is never kept.
        let huge = "x".repeat(PARSE_CACHE_MAX_BYTES + 1);
        cache.insert_tpl(&huge, &trees);
        assert!(cache.tpl_trees(&huge).is_none());
        assert_eq!(cache.bytes(), 1);
    }

    #[test]
    fn deep_recursion_is_safe_on_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let src = r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#;
                let mut set = TemplateSet::new(Options::default());
                set.add("t", src).unwrap();
                set.execute("t", &Value::Nil).unwrap_err().kind()
            })
            .unwrap();
        assert_eq!(handle.join().unwrap(), ErrorKind::LimitExceeded);
    }

    /// Output buffers up to `OUT_BUFFER_KEEP` bytes of capacity go back to
    /// the pool; a larger one is dropped.
    #[test]
    fn include_buffers_kept_up_to_the_limit() {
        let mut b = ArgBuffers::default();
        b.give_out(String::with_capacity(OUT_BUFFER_KEEP));
        assert_eq!(b.outs.len(), 1);
        let s = b.out();
        assert!(s.is_empty() && s.capacity() >= OUT_BUFFER_KEEP);
        b.give_out(String::with_capacity(OUT_BUFFER_KEEP + 1));
        assert!(b.outs.is_empty());
    }
}
