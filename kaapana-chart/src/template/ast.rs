//! The syntax tree of a Go template, shaped like Go's `text/template/parse`.
//!
//! The executor depends on these shapes (and on Go's `Node.String()` forms,
//! implemented in `node_fmt.rs`, which appear in error messages as
//! `at <.Values.a.b>`), so they mirror Go's node types one to one.
//! Positions are byte offsets into the source text of the file the node was
//! parsed from ([`Tree::source`]).

// Positions and lines are kept for every node, as Go records them, because
// tools built on `kaapana_chart::internals` (and error locations) use them;
// without that feature the executor reads only some of them.
#![cfg_attr(not(feature = "unstable_internals"), allow(dead_code))]

use std::sync::{Arc, OnceLock};

use crate::funcs::Function;
use crate::template::builtins::Builtin;

/// A byte offset into a template's source text.
pub type Pos = u32;

/// One parsed template: a file's top level, or a `{{define}}`/`{{block}}`.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The template's name (the file name, or the defined name).
    pub name: Arc<str>,
    /// The name of the file being parsed when this tree was made (Go's
    /// `ParseName`), used in error locations.
    pub parse_name: Arc<str>,
    /// The full source text of that file.
    pub source: Arc<str>,
    /// The body (shared: files with the same text share one parse).
    pub root: Arc<ListNode>,
}

/// A sequence of nodes.
#[derive(Debug, Clone, Default)]
pub struct ListNode {
    /// Where the list starts.
    pub pos: Pos,
    /// The nodes, in order.
    pub nodes: Vec<Node>,
}

/// A node of a list.
#[derive(Debug, Clone)]
pub enum Node {
    /// Plain text, already trimmed by `{{-`/`-}}` markers.
    Text(TextNode),
    /// `{{pipeline}}`: evaluate and print (unless it declares variables).
    Action(ActionNode),
    /// `{{if}}`.
    If(BranchNode),
    /// `{{range}}`.
    Range(BranchNode),
    /// `{{with}}`.
    With(BranchNode),
    /// `{{template "name" pipeline}}` (also the call half of `{{block}}`).
    Template(TemplateNode),
    /// `{{break}}`.
    Break(LoopControlNode),
    /// `{{continue}}`.
    Continue(LoopControlNode),
}

/// Plain text.
#[derive(Debug, Clone)]
pub struct TextNode {
    /// Where the text starts.
    pub pos: Pos,
    /// The text.
    pub text: Arc<str>,
}

/// `{{pipeline}}`.
#[derive(Debug, Clone)]
pub struct ActionNode {
    /// Position of the action's pipeline start (as Go records it).
    pub pos: Pos,
    /// The 1-based line of the action.
    pub line: u32,
    /// The pipeline.
    pub pipe: PipeNode,
}

/// `{{if}}`, `{{range}}` or `{{with}}` with its body and optional else.
///
/// `{{else if …}}` and `{{else with …}}` are parsed, as Go does, into an
/// `else_list` holding a single nested `If`/`With` node.
#[derive(Debug, Clone)]
pub struct BranchNode {
    /// Position of the controlling pipeline (where Go places the node).
    pub pos: Pos,
    /// The 1-based line of the keyword.
    pub line: u32,
    /// The controlling pipeline.
    pub pipe: PipeNode,
    /// The body.
    pub list: ListNode,
    /// The `{{else}}` body.
    pub else_list: Option<ListNode>,
}

/// `{{template "name" pipeline}}`.
#[derive(Debug, Clone)]
pub struct TemplateNode {
    /// Position of the name string (where Go places the node).
    pub pos: Pos,
    /// The 1-based line.
    pub line: u32,
    /// The called template's name (unquoted).
    pub name: Arc<str>,
    /// The argument pipeline; without one the called template's dot is nil.
    pub pipe: Option<PipeNode>,
}

/// `{{break}}` or `{{continue}}`.
#[derive(Debug, Clone, Copy)]
pub struct LoopControlNode {
    /// Position.
    pub pos: Pos,
    /// The 1-based line.
    pub line: u32,
}

/// A pipeline: optional variable declarations, then commands joined by `|`.
#[derive(Debug, Clone)]
pub struct PipeNode {
    /// Position.
    pub pos: Pos,
    /// The 1-based line.
    pub line: u32,
    /// `$x = …` (assignment) rather than `$x := …` (declaration).
    pub is_assign: bool,
    /// The variables declared or assigned (one, or two in `range $i, $v :=`).
    pub decl: Vec<VariableNode>,
    /// The commands; each one's result is passed as the last argument of the
    /// next.
    pub cmds: Vec<CommandNode>,
}

/// One command of a pipeline: an operand, or a function/method call.
#[derive(Debug, Clone)]
pub struct CommandNode {
    /// Position.
    pub pos: Pos,
    /// The words; the first is the function, field or value.
    pub args: Vec<Arg>,
}

/// An argument (word) of a command.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.A.B`: fields of dot.
    Field(FieldNode),
    /// `$x.A.B`: a variable and fields.
    Variable(VariableNode),
    /// `(pipeline).A.B`, or fields of another operand.
    Chain(ChainNode),
    /// A function name.
    Identifier(IdentifierNode),
    /// `.`
    Dot(Pos),
    /// `nil`
    Nil(Pos),
    /// `true` or `false`.
    Bool(BoolNode),
    /// A numeric or character constant.
    Number(NumberNode),
    /// A string constant.
    String(StringNode),
    /// A parenthesised pipeline.
    Pipe(Box<PipeNode>),
}

/// `.A.B.C`.
#[derive(Debug, Clone)]
pub struct FieldNode {
    /// Position.
    pub pos: Pos,
    /// The field names, without dots.
    pub ident: Vec<Arc<str>>,
}

/// `$x` or `$x.A.B`; `$` alone is the root data.
#[derive(Debug, Clone)]
pub struct VariableNode {
    /// Position.
    pub pos: Pos,
    /// The variable name (with `$`) followed by field names.
    pub ident: Vec<Arc<str>>,
}

/// An operand followed by field accesses.
#[derive(Debug, Clone)]
pub struct ChainNode {
    /// Position.
    pub pos: Pos,
    /// The operand.
    pub node: Box<Arg>,
    /// The field names, without dots.
    pub field: Vec<Arc<str>>,
}

/// A function name.
#[derive(Debug, Clone)]
pub struct IdentifierNode {
    /// Position.
    pub pos: Pos,
    /// The name.
    pub ident: Arc<str>,
    /// What the name resolved to when first called, and under which
    /// function registry ([`Functions::generation`]): a call then skips
    /// hashing the name. Set once; a tree executed under another registry
    /// resolves by name each time.
    ///
    /// [`Functions::generation`]: crate::funcs::Functions
    pub(crate) resolved: OnceLock<(u64, Resolved)>,
}

/// A function name, resolved.
#[derive(Debug, Clone)]
pub(crate) enum Resolved {
    /// A registered function.
    Func(Function),
    /// One of Go's builtins.
    Builtin(Builtin),
}

/// `true` or `false`.
#[derive(Debug, Clone, Copy)]
pub struct BoolNode {
    /// Position.
    pub pos: Pos,
    /// The value.
    pub value: bool,
}

/// A number constant, with every interpretation Go's parser found valid.
#[derive(Debug, Clone)]
pub struct NumberNode {
    /// Position.
    pub pos: Pos,
    /// Representable as an `int64`.
    pub is_int: bool,
    /// Representable as a `uint64`.
    pub is_uint: bool,
    /// Representable as a `float64`.
    pub is_float: bool,
    /// A complex constant (`1i`).
    pub is_complex: bool,
    /// The value as `int64`, if `is_int`.
    pub int64: i64,
    /// The value as `uint64`, if `is_uint`.
    pub uint64: u64,
    /// The value as `float64`, if `is_float`.
    pub float64: f64,
    /// The real and imaginary parts, if `is_complex`.
    pub complex128: (f64, f64),
    /// The original text.
    pub text: Arc<str>,
}

/// A string constant.
#[derive(Debug, Clone)]
pub struct StringNode {
    /// Position.
    pub pos: Pos,
    /// The original text, with quotes.
    pub quoted: Arc<str>,
    /// The unquoted value.
    pub text: Arc<str>,
}

impl Arg {
    /// The position of the argument.
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Field(n) => n.pos,
            Arg::Variable(n) => n.pos,
            Arg::Chain(n) => n.pos,
            Arg::Identifier(n) => n.pos,
            Arg::Dot(p) | Arg::Nil(p) => *p,
            Arg::Bool(n) => n.pos,
            Arg::Number(n) => n.pos,
            Arg::String(n) => n.pos,
            Arg::Pipe(n) => n.pos,
        }
    }
}

/// Whether a tree is "empty" in Go's sense (`parse.IsEmptyTree`): only
/// whitespace text. An empty `{{define}}` does not replace an existing
/// template of the same name.
pub fn is_empty_tree(list: &ListNode) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim_matches(is_go_space).is_empty(),
        _ => false,
    })
}

/// Go's `unicode.IsSpace` as `bytes.TrimSpace` uses it.
pub fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    ) || (c > '\u{FF}' && c.is_whitespace())
}
