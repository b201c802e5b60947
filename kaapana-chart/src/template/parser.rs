//! The parser: tokens to [`Tree`]s, with Go's error messages.
//!
//! This follows Go's `text/template/parse/parse.go` function by function
//! (`parse`, `itemList`, `textOrAction`, `action`, `pipeline`, `command`,
//! `operand`, `term`, the `*Control` functions), including its three-token
//! lookahead buffer. Being that literal is deliberate: Go reports the line
//! of the most recently *lexed* token (`t.token[0].line`), remembers the line
//! where the current action started, and builds some nodes at positions that
//! only fall out of its exact call order (a `.A.B` field sits at the position
//! of `.B`). Copying the machinery reproduces all of that for free.
//!
//! Differences from Go, all about robustness:
//! * Control structures (`if`, `range`, `with`, `define`, `block`, each link
//!   of an `else if`/`else with` chain) may nest at most
//!   [`ParseConfig::max_nesting`] deep: deeper input fails with
//!   [`ErrorKind::LimitExceeded`] and the message
//!   `template: <file>:<line>: max nesting depth exceeded`.
//! * Parenthesised pipelines nest at most [`MAX_EXPR_DEPTH`] deep, which is
//!   Go's own limit and message (`max expression depth exceeded`); we report
//!   it as [`ErrorKind::LimitExceeded`] too.
//! * Recursion runs under [`stacker::maybe_grow`], so even the deepest
//!   accepted input is safe on a small thread stack.
//! * A string constant whose escapes produce bytes that are not UTF-8
//!   (`"\xff"`) holds U+FFFD instead (our strings are UTF-8).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_EXPR_DEPTH;
use crate::template::ast::{
    is_empty_tree, ActionNode, Arg, BoolNode, BranchNode, ChainNode, CommandNode, FieldNode,
    IdentifierNode, ListNode, LoopControlNode, Node, NumberNode, PipeNode, StringNode,
    TemplateNode, TextNode, Tree, VariableNode,
};
use crate::template::lexer::{self, Item, ItemType, Lexer};
// Names (fields, variables, functions) are shared through the table
// `fromJson` and `fromYaml` use: a template repeats a handful of names
// (`Values`, `Release`, `$root`) very often, and sharing saves an
// allocation each; the table is direct-mapped, so adversarial input cannot
// make a lookup slow.
use crate::value::intern::intern;

/// What the parser needs to know from its caller.
#[derive(Clone, Copy)]
pub struct ParseConfig<'a> {
    /// Whether a function of this name exists (Go checks at parse time:
    /// `function "x" not defined`).
    pub is_func: &'a dyn Fn(&str) -> bool,
    /// Deepest control-structure nesting allowed.
    pub max_nesting: usize,
}

impl std::fmt::Debug for ParseConfig<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseConfig")
            .field("max_nesting", &self.max_nesting)
            .finish()
    }
}

/// Builds a configuration from `(is_func, max_nesting)`: a shorthand for
/// tests and fuzz targets,
/// `parse_file(name, src, &(&f as &dyn Fn(&str) -> bool, 1000).into())`.
impl<'a> From<(&'a dyn Fn(&str) -> bool, usize)> for ParseConfig<'a> {
    fn from((is_func, max_nesting): (&'a dyn Fn(&str) -> bool, usize)) -> ParseConfig<'a> {
        ParseConfig {
            is_func,
            max_nesting,
        }
    }
}

/// Go's `maxPipelineCmds`: the most commands one pipeline may have.
const MAX_PIPELINE_CMDS: usize = 100_000;

/// Stack kept free before recursing further (see [`stacker::maybe_grow`]).
const STACK_RED_ZONE: usize = 64 * 1024;
/// Size of each extra stack segment when the red zone is reached.
const STACK_SEGMENT: usize = 1024 * 1024;

/// Parses one file. The first tree is the file's top level (named `name`),
/// followed by every `{{define}}`/`{{block}}` in order of appearance.
///
/// Within the file, Go's rules for repeated names apply (`Tree.add`): a
/// template whose body is only whitespace never replaces another, and two
/// non-empty definitions of one name fail with
/// `template: multiple definition of template "x"`. In the rare case that a
/// `{{define}}` takes the file's own name and the file's top level is empty,
/// the definition is what Go keeps under that name, and it comes first.
///
/// Errors have Go's message (`template: <name>:<line>: <what>`) and point at
/// the offending token.
pub fn parse_file(name: &str, source: &str, cfg: &ParseConfig<'_>) -> Result<Vec<Tree>> {
    // Positions are `u32` byte offsets.
    if u32::try_from(source.len()).is_err() {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("template: {name}: template source larger than 4 GiB"),
        )
        .with_name(name));
    }
    let name: Arc<str> = Arc::from(name);
    let src: Arc<str> = Arc::from(source);
    let mut p = Parser {
        lex: Lexer::new(source, !(cfg.is_func)("break"), !(cfg.is_func)("continue")),
        st: TreeState::new(),
        src: source,
        src_arc: src.clone(),
        name: name.clone(),
        cfg,
        nesting: 0,
        trees: Vec::new(),
        index: HashMap::new(),
    };
    let root = p.parse()?;
    let line = p.st.token[0].line;
    let span = p.span(p.st.token[0]);
    p.add_tree(name.clone(), root, line, span)?;
    let top = p.index.get(&name).copied().unwrap_or(0);
    let mut slots = p.trees;
    let mut out = Vec::with_capacity(slots.len());
    if let Some(Some(t)) = slots.get_mut(top).map(Option::take) {
        out.push(t);
    }
    out.extend(slots.into_iter().flatten());
    Ok(out)
}

/// What `textOrAction` returns: a node, or one of the `{{end}}`/`{{else}}`
/// markers that terminate an item list (Go's `endNode`/`elseNode`).
enum Parsed {
    Node(Node),
    End,
    Else { pos: u32 },
}

impl Parsed {
    /// Go's `String()` of the markers (nodes never reach an error message).
    fn describe(&self) -> &'static str {
        match self {
            Parsed::End => "{{end}}",
            Parsed::Else { .. } => "{{else}}",
            Parsed::Node(_) => "node",
        }
    }
}

/// The per-tree parsing state of Go's `Tree` (`token`, `peekCount`, `vars`,
/// `rangeDepth`, `stackDepth`, `actionLine`). A `{{define}}` or `{{block}}`
/// body is parsed as a new tree sharing the lexer, so it gets a fresh one.
struct TreeState<'s> {
    /// Three-token lookahead; `token[0]` is always the latest lexed token.
    token: [Item; 3],
    peek_count: usize,
    /// Variables in scope, `$` first.
    vars: Vars<'s>,
    range_depth: usize,
    stack_depth: usize,
    /// Line of the `{{` of the action being parsed, 0 outside actions.
    action_line: u32,
}

impl<'s> TreeState<'s> {
    fn new() -> TreeState<'s> {
        let eof = Item {
            typ: ItemType::Eof,
            pos: 0,
            end: 0,
            line: 0,
        };
        TreeState {
            token: [eof; 3],
            peek_count: 0,
            vars: Vars::new(),
            range_depth: 0,
            stack_depth: 0,
            action_line: 0,
        }
    }
}

/// The variables in scope (Go's `Tree.vars`): a stack, truncated at the
/// `{{end}}` of the control structure that declared them.
///
/// Lookups scan the stack, which is fast for the handful of variables real
/// templates have. Past [`Vars::SCAN_MAX`] variables a count per name takes
/// over, so that a template declaring thousands of variables cannot make
/// every lookup slow.
struct Vars<'s> {
    stack: Vec<&'s str>,
    counts: Option<HashMap<&'s str, u32>>,
}

impl<'s> Vars<'s> {
    const SCAN_MAX: usize = 32;

    fn new() -> Vars<'s> {
        Vars {
            stack: vec!["$"],
            counts: None,
        }
    }

    fn len(&self) -> usize {
        self.stack.len()
    }

    fn push(&mut self, name: &'s str) {
        self.stack.push(name);
        if let Some(counts) = &mut self.counts {
            *counts.entry(name).or_default() += 1;
        } else if self.stack.len() > Self::SCAN_MAX {
            let mut counts: HashMap<&'s str, u32> = HashMap::new();
            for v in &self.stack {
                *counts.entry(v).or_default() += 1;
            }
            self.counts = Some(counts);
        }
    }

    fn truncate(&mut self, len: usize) {
        if let Some(counts) = &mut self.counts {
            for v in self.stack.get(len..).unwrap_or(&[]) {
                if let Some(c) = counts.get_mut(v) {
                    *c -= 1;
                    if *c == 0 {
                        counts.remove(v);
                    }
                }
            }
        }
        self.stack.truncate(len);
    }

    fn contains(&self, name: &str) -> bool {
        match &self.counts {
            Some(counts) => counts.contains_key(name),
            None => self.stack.contains(&name),
        }
    }
}

struct Parser<'s, 'c> {
    lex: Lexer<'s>,
    st: TreeState<'s>,
    src: &'s str,
    src_arc: Arc<str>,
    /// The file name (Go's `ParseName`).
    name: Arc<str>,
    cfg: &'c ParseConfig<'c>,
    /// Control structures currently open, across trees.
    nesting: usize,
    /// The trees made so far (Go's `treeSet`), in order of first appearance.
    /// A slot is emptied only when assembling the result.
    trees: Vec<Option<Tree>>,
    index: HashMap<Arc<str>, usize>,
}

impl<'s> Parser<'s, '_> {
    // ----- tokens -----

    fn val(&self, item: Item) -> &'s str {
        if item.typ == ItemType::Error {
            return "";
        }
        self.src
            .get(item.pos as usize..item.end as usize)
            .unwrap_or("")
    }

    /// Go's `next`.
    fn next(&mut self) -> Item {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count]
    }

    /// Go's `backup`. (The grammar never backs up past the three buffered
    /// tokens; the cap only keeps a mistake from indexing out of bounds.)
    fn backup(&mut self) {
        self.st.peek_count = (self.st.peek_count + 1).min(self.st.token.len());
    }

    /// Go's `backup2`: `t1` goes back in front of the current token.
    fn backup2(&mut self, t1: Item) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    /// Go's `backup3` (arguments in reverse order: we are pushing back).
    fn backup3(&mut self, t2: Item, t1: Item) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    /// Go's `peek`.
    fn peek(&mut self) -> Item {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1];
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0]
    }

    /// Go's `nextNonSpace`.
    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    /// Go's `peekNonSpace`.
    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    /// Go's `newVariable` for a variable token (which has no dots).
    fn variable(&mut self, pos: u32, name: &str) -> VariableNode {
        VariableNode {
            pos,
            ident: vec![intern(name)],
        }
    }

    // ----- errors -----

    /// The source range of a token, for the caret of `{:#}`.
    fn span(&self, item: Item) -> Range<usize> {
        let start = item.pos as usize;
        start..(item.end as usize).max(start)
    }

    /// Go's `errorf`: `template: <file>:<line>: <msg>` with the line of the
    /// latest token, pointing at `at`.
    fn error_at(&self, at: Item, msg: impl std::fmt::Display) -> Error {
        self.error_kind(ErrorKind::TemplateSyntax, at, msg)
    }

    fn error_kind(&self, kind: ErrorKind, at: Item, msg: impl std::fmt::Display) -> Error {
        let text = format!("template: {}:{}: {}", self.name, self.st.token[0].line, msg);
        Error::new(kind, text)
            .with_name(&*self.name)
            .with_source(&self.src_arc, self.span(at))
    }

    /// Go's `unexpected`.
    fn unexpected(&self, item: Item, context: &str) -> Error {
        if item.typ == ItemType::Error {
            let msg = self.lex.value(item);
            let mut extra = String::new();
            let action_line = self.st.action_line;
            if action_line != 0 && action_line != item.line {
                if msg.ends_with(" action") {
                    // Avoid "action in action".
                    let _ = write!(extra, " started at {}:{}", self.name, action_line);
                } else {
                    let _ = write!(extra, " in action started at {}:{}", self.name, action_line);
                }
            }
            return self.error_at(item, format_args!("{msg}{extra}"));
        }
        self.error_at(
            item,
            format_args!("unexpected {} in {}", self.describe(item), context),
        )
    }

    /// Go's `item.String`.
    fn describe(&self, item: Item) -> String {
        match item.typ {
            ItemType::Eof => "EOF".to_owned(),
            ItemType::Error => self.lex.value(item).to_owned(),
            t if t.is_keyword() => format!("<{}>", self.val(item)),
            _ => {
                let v = self.val(item);
                if v.len() > 10 {
                    format!("{}...", lexer::quote_truncated(v, 10))
                } else {
                    lexer::quote(v)
                }
            }
        }
    }

    /// Go's `expect`.
    fn expect(&mut self, expected: ItemType, context: &str) -> Result<Item> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    /// Go's `expectOneOf`.
    fn expect_one_of(&mut self, e1: ItemType, e2: ItemType, context: &str) -> Result<Item> {
        let t = self.next_non_space();
        if t.typ != e1 && t.typ != e2 {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    /// Enters one level of control-structure nesting.
    fn enter(&mut self, at: Item) -> Result<()> {
        if self.nesting >= self.cfg.max_nesting {
            return Err(self.error_kind(
                ErrorKind::LimitExceeded,
                at,
                "max nesting depth exceeded",
            ));
        }
        self.nesting += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    // ----- trees -----

    /// Go's `Tree.add`: records a finished template under `name`.
    fn add_tree(
        &mut self,
        name: Arc<str>,
        root: ListNode,
        line: u32,
        span: Range<usize>,
    ) -> Result<()> {
        let tree = Tree {
            name: name.clone(),
            parse_name: self.name.clone(),
            source: self.src_arc.clone(),
            root: Arc::new(root),
        };
        match self.index.get(&name) {
            None => {
                self.index.insert(name, self.trees.len());
                self.trees.push(Some(tree));
            }
            Some(&i) => {
                let old_empty = self.trees[i]
                    .as_ref()
                    .is_none_or(|t| is_empty_tree(&t.root));
                if old_empty {
                    self.trees[i] = Some(tree);
                } else if !is_empty_tree(&tree.root) {
                    let text = format!(
                        "template: {}:{}: template: multiple definition of template {}",
                        self.name,
                        line,
                        lexer::quote(&name)
                    );
                    return Err(Error::new(ErrorKind::TemplateSyntax, text)
                        .with_name(&*self.name)
                        .with_source(&self.src_arc, span));
                }
            }
        }
        Ok(())
    }

    // ----- grammar -----

    /// Go's `parse`: the top level, like `itemList` but also accepting
    /// `{{define}}`, and running to EOF.
    fn parse(&mut self) -> Result<ListNode> {
        let mut root = ListNode {
            pos: self.peek().pos,
            nodes: Vec::new(),
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                let kw = self.next_non_space();
                if kw.typ == ItemType::Define {
                    self.definition(kw)?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.nodes.push(n),
                other => {
                    let at = self.st.token[0];
                    return Err(self.error_at(at, format_args!("unexpected {}", other.describe())));
                }
            }
        }
        Ok(root)
    }

    /// `{{define "name"}} itemList {{end}}` as a new tree (Go's
    /// `parseDefinition` on a fresh `Tree`). The keyword is past.
    fn definition(&mut self, kw: Item) -> Result<()> {
        self.enter(kw)?;
        let saved = std::mem::replace(&mut self.st, TreeState::new());
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.definition_body());
        self.st = saved;
        self.leave();
        r
    }

    fn definition_body(&mut self) -> Result<()> {
        const CONTEXT: &str = "define clause";
        let name_tok = self.expect_one_of(ItemType::String, ItemType::RawString, CONTEXT)?;
        let Some(name) = lexer::unquote(self.val(name_tok)) else {
            return Err(self.error_at(name_tok, "invalid syntax"));
        };
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        let last = self.st.token[0];
        if !matches!(end, Parsed::End) {
            return Err(self.error_at(
                last,
                format_args!("unexpected {} in {}", end.describe(), CONTEXT),
            ));
        }
        let span = self.span(last);
        self.add_tree(Arc::from(name), root, last.line, span)
    }

    /// `itemList: textOrAction*`, ended by `{{end}}` or `{{else}}` (returned
    /// separately).
    fn item_list(&mut self) -> Result<(ListNode, Parsed)> {
        let mut list = ListNode {
            pos: self.peek_non_space().pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                end => return Ok((list, end)),
            }
        }
        let at = self.st.token[0];
        Err(self.error_at(at, "unexpected EOF"))
    }

    /// `textOrAction: text | action`.
    fn text_or_action(&mut self) -> Result<Parsed> {
        let t = self.next_non_space();
        match t.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text(TextNode {
                pos: t.pos,
                text: Arc::from(self.val(t)),
            }))),
            ItemType::LeftDelim => {
                self.st.action_line = t.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => Err(self.unexpected(t, "input")),
        }
    }

    /// `action: control | command ("|" command)*`. The left delimiter is
    /// past; the first word may be a keyword.
    fn action(&mut self) -> Result<Parsed> {
        let t = self.next_non_space();
        let node = match t.typ {
            ItemType::Block => self.block_control()?,
            ItemType::Break | ItemType::Continue => self.loop_control(t)?,
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => {
                let b = self.parse_control(t, "if")?;
                Node::If(b)
            }
            ItemType::Range => Node::Range(self.parse_control(t, "range")?),
            ItemType::Template => self.template_control()?,
            ItemType::With => Node::With(self.parse_control(t, "with")?),
            _ => {
                self.backup();
                let first = self.peek();
                // Declared variables persist until the enclosing "end".
                let pipe = self.pipeline("command", ItemType::RightDelim)?;
                Node::Action(ActionNode {
                    pos: first.pos,
                    line: first.line,
                    pipe,
                })
            }
        };
        Ok(Parsed::Node(node))
    }

    /// `{{break}}` / `{{continue}}`: only inside `{{range}}`.
    fn loop_control(&mut self, kw: Item) -> Result<Node> {
        let (context, outside) = if kw.typ == ItemType::Break {
            ("{{break}}", "{{break}} outside {{range}}")
        } else {
            ("{{continue}}", "{{continue}} outside {{range}}")
        };
        let t = self.next_non_space();
        if t.typ != ItemType::RightDelim {
            return Err(self.unexpected(t, context));
        }
        if self.st.range_depth == 0 {
            return Err(self.error_at(kw, outside));
        }
        let n = LoopControlNode {
            pos: kw.pos,
            line: kw.line,
        };
        Ok(if kw.typ == ItemType::Break {
            Node::Break(n)
        } else {
            Node::Continue(n)
        })
    }

    /// `pipeline: declarations? command ('|' command)*`, up to `end` (a right
    /// delimiter or parenthesis).
    fn pipeline(&mut self, context: &str, end: ItemType) -> Result<PipeNode> {
        let first = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: first.pos,
            line: first.line,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations or assignments? Spaces are tokens, so "$x foo" needs
        // three tokens of lookahead to tell an argument from "$x := foo".
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            let name = self.val(v);
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(self.variable(v.pos, name));
                self.st.vars.push(name);
            } else if next.typ == ItemType::Char && self.val(next) == "," {
                self.next_non_space();
                pipe.decl.push(self.variable(v.pos, name));
                self.st.vars.push(name);
                if context == "range" && pipe.decl.len() < 2 {
                    let p = self.peek_non_space();
                    match p.typ {
                        // The second variable of "range $i, $v := …".
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue
                        }
                        _ => return Err(self.error_at(p, "range can only initialize variables")),
                    }
                }
                return Err(self.error_at(next, format_args!("too many declarations in {context}")));
            } else if after.typ == ItemType::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.typ == end {
                self.check_pipeline(&pipe, context, t)?;
                return Ok(pipe);
            }
            match t.typ {
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                    if pipe.cmds.len() > MAX_PIPELINE_CMDS {
                        return Err(self.error_at(t, "pipeline too long"));
                    }
                }
                _ => return Err(self.unexpected(t, context)),
            }
        }
    }

    /// Go's `checkPipeline`: no empty pipelines, and only the first command
    /// may start with a non-executable operand.
    fn check_pipeline(&self, pipe: &PipeNode, context: &str, at: Item) -> Result<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error_at(at, format_args!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(Arg::Bool(_) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String(_))
            ) {
                // With A|B|C, pipeline stage 2 is B.
                let stage = i + 1;
                return Err(self.error_at(
                    at,
                    format_args!("non executable command in pipeline stage {stage}"),
                ));
            }
        }
        Ok(())
    }

    /// `if`, `range` and `with` (Go's `parseControl`):
    ///
    /// ```text
    /// {{if pipeline}} itemList {{end}}
    /// {{if pipeline}} itemList {{else}} itemList {{end}}
    /// {{if pipeline}} itemList {{else if pipeline}} itemList {{end}}
    /// ```
    ///
    /// The keyword is past. Variables declared inside go out of scope at the
    /// end.
    fn parse_control(&mut self, kw: Item, context: &'static str) -> Result<BranchNode> {
        self.enter(kw)?;
        let vars = self.st.vars.len();
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.parse_control_body(context)
        });
        self.st.vars.truncate(vars);
        self.leave();
        r
    }

    fn parse_control_body(&mut self, context: &'static str) -> Result<BranchNode> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let is_range = context == "range";
        if is_range {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if is_range {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        if let Parsed::Else { pos } = next {
            // "{{else if …}}" and "{{else with …}}" left the keyword pending:
            // parse them as "{{else}}{{if …}}…{{end}}{{end}}", where the
            // nested structure's {{end}} closes both.
            let p = self.peek();
            if context == "if" && p.typ == ItemType::If {
                let kw = self.next();
                let nested = self.parse_control(kw, "if")?;
                else_list = Some(ListNode {
                    pos,
                    nodes: vec![Node::If(nested)],
                });
            } else if context == "with" && p.typ == ItemType::With {
                let kw = self.next();
                let nested = self.parse_control(kw, "with")?;
                else_list = Some(ListNode {
                    pos,
                    nodes: vec![Node::With(nested)],
                });
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Parsed::End) {
                    let at = self.st.token[0];
                    return Err(
                        self.error_at(at, format_args!("expected end; found {}", next.describe()))
                    );
                }
                else_list = Some(list);
            }
        }
        Ok(BranchNode {
            pos: pipe.pos,
            line: pipe.line,
            pipe,
            list,
            else_list,
        })
    }

    /// `{{else}}`, or the `{{else` of `{{else if …}}`/`{{else with …}}`,
    /// whose keyword stays pending. The keyword `else` is past.
    fn else_control(&mut self) -> Result<Parsed> {
        let p = self.peek_non_space();
        if p.typ == ItemType::If || p.typ == ItemType::With {
            return Ok(Parsed::Else { pos: p.pos });
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else { pos: t.pos })
    }

    /// `{{block "name" pipeline}} itemList {{end}}`: defines the template
    /// (as a new tree) and calls it. The keyword is past; the pipeline is
    /// mandatory.
    fn block_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(t, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        self.enter(t)?;
        let saved = std::mem::replace(&mut self.st, TreeState::new());
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.item_list());
        let block_last = self.st.token[0];
        self.st = saved;
        self.leave();
        let (root, end) = r?;
        if !matches!(end, Parsed::End) {
            // Go reports this one from the enclosing tree.
            let at = self.st.token[0];
            return Err(self.error_at(
                at,
                format_args!("unexpected {} in {}", end.describe(), CONTEXT),
            ));
        }
        let name: Arc<str> = Arc::from(name);
        let span = self.span(block_last);
        self.add_tree(name.clone(), root, block_last.line, span)?;
        Ok(Node::Template(TemplateNode {
            pos: t.pos,
            line: t.line,
            name,
            pipe: Some(pipe),
        }))
    }

    /// `{{template "name" pipeline?}}`. The keyword is past.
    fn template_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(t, CONTEXT)?;
        let pipe = if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            // Declared variables persist until the enclosing "end".
            Some(self.pipeline(CONTEXT, ItemType::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template(TemplateNode {
            pos: t.pos,
            line: t.line,
            name: Arc::from(name),
            pipe,
        }))
    }

    /// The quoted name of `{{template}}`/`{{block}}`.
    fn template_name(&self, t: Item, context: &str) -> Result<String> {
        match t.typ {
            ItemType::String | ItemType::RawString => {
                lexer::unquote(self.val(t)).ok_or_else(|| self.error_at(t, "invalid syntax"))
            }
            _ => Err(self.unexpected(t, context)),
        }
    }

    /// `command: operand (space operand)*`, up to a pipe (consumed) or a
    /// right delimiter/parenthesis (left for the pipeline).
    fn command(&mut self) -> Result<CommandNode> {
        let mut cmd = CommandNode {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space(); // Skip leading spaces.
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let t = self.next();
            match t.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(t, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            let at = self.st.token[0];
            return Err(self.error_at(at, "empty command"));
        }
        Ok(cmd)
    }

    /// `operand: term .Field*`. `None` when the next token is no term.
    ///
    /// Fields after a field or variable extend it (`.A.B` is one field node,
    /// `$x.A` one variable node), placed, as in Go, at the first appended
    /// field; after anything else they make a chain.
    fn operand(&mut self) -> Result<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        let p = self.peek();
        if p.typ != ItemType::Field {
            return Ok(Some(node));
        }
        let mut fields: Vec<Arc<str>> = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            let name = self.val(f).get(1..).unwrap_or("");
            fields.push(intern(name));
        }
        Ok(Some(match node {
            Arg::Field(mut f) => {
                f.ident.extend(fields);
                Arg::Field(FieldNode {
                    pos: p.pos,
                    ident: f.ident,
                })
            }
            Arg::Variable(mut v) => {
                v.ident.extend(fields);
                Arg::Variable(VariableNode {
                    pos: p.pos,
                    ident: v.ident,
                })
            }
            Arg::Bool(_) | Arg::String(_) | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                let shown = lexer::quote(&node.to_string());
                let at = self.st.token[0];
                return Err(self.error_at(at, format_args!("unexpected . after term {shown}")));
            }
            other => Arg::Chain(ChainNode {
                pos: p.pos,
                node: Box::new(other),
                field: fields,
            }),
        }))
    }

    /// `term`: a literal, function name, `.`, `.Field`, `$x` or
    /// `'(' pipeline ')'`. `None` when the next token is no term.
    fn term(&mut self) -> Result<Option<Arg>> {
        let t = self.next_non_space();
        let v = self.val(t);
        let arg = match t.typ {
            ItemType::Identifier => {
                if !(self.cfg.is_func)(v) {
                    let q = lexer::quote(v);
                    return Err(self.error_at(t, format_args!("function {q} not defined")));
                }
                Arg::Identifier(IdentifierNode {
                    pos: t.pos,
                    ident: intern(v),
                    resolved: Default::default(),
                })
            }
            ItemType::Dot => Arg::Dot(t.pos),
            ItemType::Nil => Arg::Nil(t.pos),
            ItemType::Variable => {
                if !self.st.vars.contains(v) {
                    let q = lexer::quote(v);
                    return Err(self.error_at(t, format_args!("undefined variable {q}")));
                }
                Arg::Variable(self.variable(t.pos, v))
            }
            ItemType::Field => Arg::Field(FieldNode {
                pos: t.pos,
                ident: vec![intern(v.get(1..).unwrap_or(""))],
            }),
            ItemType::Bool => Arg::Bool(BoolNode {
                pos: t.pos,
                value: v == "true",
            }),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                match new_number(t.pos, v, t.typ) {
                    Ok(n) => Arg::Number(n),
                    Err(msg) => return Err(self.error_at(t, msg)),
                }
            }
            ItemType::LeftParen => {
                if self.st.stack_depth >= MAX_EXPR_DEPTH {
                    return Err(self.error_kind(
                        ErrorKind::LimitExceeded,
                        t,
                        "max expression depth exceeded",
                    ));
                }
                self.st.stack_depth += 1;
                let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.pipeline("parenthesized pipeline", ItemType::RightParen)
                });
                self.st.stack_depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            ItemType::String | ItemType::RawString => {
                let Some(text) = lexer::unquote(v) else {
                    return Err(self.error_at(t, "invalid syntax"));
                };
                Arg::String(StringNode {
                    pos: t.pos,
                    quoted: Arc::from(v),
                    text: Arc::from(text),
                })
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}

/// Dropping a pipeline takes its nested pipelines apart one at a time.
///
/// The parser accepts parentheses nested [`MAX_EXPR_DEPTH`] deep, and the
/// compiler's drop glue would recurse once per level through
/// `Box<PipeNode>` → commands → arguments, overflowing a small thread stack
/// long before that depth. Detaching nested pipelines onto a heap stack
/// keeps every drop shallow. (Only field moves out of a `PipeNode` are ruled
/// out by this; nobody needs them.)
impl Drop for PipeNode {
    fn drop(&mut self) {
        let mut nested: Vec<PipeNode> = Vec::new();
        detach_nested(self, &mut nested);
        while let Some(mut p) = nested.pop() {
            detach_nested(&mut p, &mut nested);
            // `p` holds no nested pipeline any more: dropping it is shallow.
        }
    }
}

/// Moves the pipelines nested in `p`'s arguments (directly, or as the
/// operand of a chain) to `out`, leaving `nil` in their place.
fn detach_nested(p: &mut PipeNode, out: &mut Vec<PipeNode>) {
    for cmd in &mut p.cmds {
        for arg in &mut cmd.args {
            let mut slot = arg;
            loop {
                match slot {
                    Arg::Chain(c) => slot = &mut *c.node,
                    Arg::Pipe(_) => {
                        if let Arg::Pipe(b) = std::mem::replace(slot, Arg::Nil(0)) {
                            out.push(*b);
                        }
                        break;
                    }
                    _ => break,
                }
            }
        }
    }
}

// ----- numbers: Go's `newNumber` and the parts of `strconv` it uses -----

/// Go's `newNumber`: every interpretation of a number, character or complex
/// constant that is valid, or Go's error message.
fn new_number(pos: u32, text: &str, typ: ItemType) -> std::result::Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        uint64: 0,
        float64: 0.0,
        complex128: (0.0, 0.0),
        text: Arc::from(text),
    };
    match typ {
        ItemType::CharConstant => {
            let b = text.as_bytes();
            let (r, _, tail) = b
                .get(1..)
                .and_then(|rest| lexer::unquote_char(rest, b'\''))
                .ok_or_else(|| "invalid syntax".to_owned())?;
            if tail != b"'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = i64::from(r);
            n.is_int = true;
            n.uint64 = u64::from(r);
            n.is_uint = true;
            n.float64 = f64::from(r); // Odd, but those are the rules.
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            n.complex128 = scan_complex(text)?;
            n.is_complex = true;
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    // Imaginary constants can only be complex unless they are zero.
    if let Some(imag) = text.strip_suffix('i') {
        if let Some(f) = parse_float(imag) {
            n.is_complex = true;
            n.complex128 = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    // Integers first, so that 0x123 and friends work.
    let u = parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            // In case of -0.
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = parse_float(text) {
        // Parsed as a float but looks like an integer: a huge integer that
        // does not fit. Go rejects it.
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", lexer::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if let Some(i) = float_to_int(f) {
            n.is_int = true;
            n.int64 = i;
        }
        if let Some(u) = float_to_uint(f) {
            n.is_uint = true;
            n.uint64 = u;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", lexer::quote(text)));
    }
    Ok(n)
}

/// Go's `simplifyComplex`: the other kinds a complex with zero imaginary
/// part also is.
fn simplify_complex(n: &mut NumberNode) {
    let (re, im) = n.complex128;
    n.is_float = im == 0.0;
    if n.is_float {
        n.float64 = re;
        if let Some(i) = float_to_int(re) {
            n.is_int = true;
            n.int64 = i;
        }
        if let Some(u) = float_to_uint(re) {
            n.is_uint = true;
            n.uint64 = u;
        }
    }
}

/// Go's `float64(int64(f)) == f` on amd64: true exactly for integral values
/// in `[-2^63, 2^63)` (out-of-range conversions give `-2^63`, which only
/// round-trips for `-2^63` itself).
fn float_to_int(f: f64) -> Option<i64> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if (-TWO_63..TWO_63).contains(&f) && f.trunc() == f {
        Some(f as i64)
    } else {
        None
    }
}

/// Go's `float64(uint64(f)) == f` on amd64: integral values in `[0, 2^64)`
/// (`-0` included).
fn float_to_uint(f: f64) -> Option<u64> {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    if (0.0..TWO_64).contains(&f) && f.trunc() == f {
        Some(f as u64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: base from the prefix (`0x`, `0o`,
/// `0b`, leading `0` for octal), underscores allowed between digits.
fn parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits): (u64, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => c - b'0',
            _ if c.is_ascii_alphabetic() => c.to_ascii_lowercase() - b'a' + 10,
            _ => return None,
        };
        if u64::from(d) >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(b) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(body)?;
    const CUTOFF: u64 = 1 << 63;
    if !neg && un >= CUTOFF {
        return None;
    }
    if neg && un > CUTOFF {
        return None;
    }
    let n = un as i64;
    Some(if neg { n.wrapping_neg() } else { n })
}

/// Go's `underscoreOK`: underscores only between digits, or between a base
/// prefix and a digit.
fn underscore_ok(s: &[u8]) -> bool {
    // What we saw last: '^' start, '0' digit or prefix, '_' underscore,
    // '!' anything else.
    let mut saw = b'^';
    let mut s = s;
    if let Some(b'+' | b'-') = s.first() {
        s = &s[1..];
    }
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// The parts of Go's `readFloat` result we use.
struct FloatParts {
    mantissa: u64,
    exp: i64,
    neg: bool,
    trunc: bool,
    hex: bool,
    len: usize,
}

/// Go's `readFloat`: the syntax of a (decimal or hexadecimal) float, with
/// the first 19 decimal / 16 hex digits as a mantissa. Special values
/// (`inf`, `nan`) never reach us: the lexer cannot produce them.
fn read_float(s: &[u8]) -> Option<FloatParts> {
    let mut i = 0;
    let mut neg = false;
    match s.first() {
        Some(b'+') => i += 1,
        Some(b'-') => {
            neg = true;
            i += 1;
        }
        _ => {}
    }
    let mut base: u64 = 10;
    let mut max_mant_digits = 19;
    let mut exp_char = b'e';
    let mut hex = false;
    if i + 2 < s.len() && s[i] == b'0' && s[i + 1].eq_ignore_ascii_case(&b'x') {
        base = 16;
        max_mant_digits = 16;
        i += 2;
        exp_char = b'p';
        hex = true;
    }
    let mut underscores = false;
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut nd: i64 = 0;
    let mut nd_mant: i64 = 0;
    let mut dp: i64 = 0;
    let mut mantissa: u64 = 0;
    let mut trunc = false;
    while i < s.len() {
        let c = s[i];
        let digit = match c {
            b'_' => {
                underscores = true;
                i += 1;
                continue;
            }
            b'.' => {
                if saw_dot {
                    break;
                }
                saw_dot = true;
                dp = nd;
                i += 1;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            _ if base == 16 && c.is_ascii_hexdigit() => {
                u64::from(c.to_ascii_lowercase() - b'a' + 10)
            }
            _ => break,
        };
        i += 1;
        saw_digits = true;
        if digit == 0 && nd == 0 && c == b'0' {
            // Ignore leading zeros.
            dp -= 1;
            continue;
        }
        nd += 1;
        if nd_mant < max_mant_digits {
            mantissa = mantissa * base + digit;
            nd_mant += 1;
        } else if c != b'0' {
            trunc = true;
        }
    }
    if !saw_digits {
        return None;
    }
    if !saw_dot {
        dp = nd;
    }
    if base == 16 {
        dp *= 4;
        nd_mant *= 4;
    }
    if i < s.len() && s[i].to_ascii_lowercase() == exp_char {
        i += 1;
        let mut esign = 1;
        match s.get(i) {
            None => return None,
            Some(b'+') => i += 1,
            Some(b'-') => {
                i += 1;
                esign = -1;
            }
            _ => {}
        }
        if !matches!(s.get(i), Some(b'0'..=b'9')) {
            return None;
        }
        let mut e: i64 = 0;
        while i < s.len() && (s[i].is_ascii_digit() || s[i] == b'_') {
            if s[i] == b'_' {
                underscores = true;
            } else if e < 10_000 {
                e = e * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        dp += e * esign;
    } else if base == 16 {
        // Hexadecimal floats must have an exponent.
        return None;
    }
    let exp = if mantissa != 0 { dp - nd_mant } else { 0 };
    if underscores && !underscore_ok(&s[..i]) {
        return None;
    }
    Some(FloatParts {
        mantissa,
        exp,
        neg,
        trunc,
        hex,
        len: i,
    })
}

/// Go's `strconv.ParseFloat(s, 64)`, `None` for any error (syntax or
/// overflow; underflow gives 0, as in Go).
fn parse_float(s: &str) -> Option<f64> {
    let parts = read_float(s.as_bytes())?;
    if parts.len != s.len() {
        return None;
    }
    if parts.hex {
        return atof_hex(&parts);
    }
    // Decimal: Rust's parser is correctly rounded like Go's; it only needs
    // the underscores gone (their placement was checked above).
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let f: f64 = clean.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// Go's `atofHex` for float64: rounds a hexadecimal mantissa and binary
/// exponent to the nearest float, ties to even. `None` on overflow.
fn atof_hex(p: &FloatParts) -> Option<f64> {
    const MANT_BITS: u32 = 52;
    const EXP_BITS: u32 = 11;
    const BIAS: i64 = -1023;
    let max_exp: i64 = (1 << EXP_BITS) + BIAS - 2;
    let min_exp: i64 = BIAS + 1;
    let mut mantissa = p.mantissa;
    let mut exp = p.exp + i64::from(MANT_BITS);
    // Bring the mantissa to 1 leading bit + MANT_BITS + 2 rounding bits; the
    // lowest bit is sticky.
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if p.trunc {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    // Denormalize if the exponent is too small.
    while mantissa > 1 && exp < min_exp - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1; // Round half to even.
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            mantissa >>= 1;
            exp += 1;
        }
    }
    if mantissa >> MANT_BITS == 0 {
        // Denormal or zero.
        exp = BIAS;
    }
    if exp > max_exp {
        return None;
    }
    let mut bits = mantissa & ((1 << MANT_BITS) - 1);
    bits |= (((exp - BIAS) as u64) & ((1 << EXP_BITS) - 1)) << MANT_BITS;
    if p.neg {
        bits |= 1 << 63;
    }
    Some(f64::from_bits(bits))
}

/// `fmt.Sscan(text, &complex128)` as `newNumber` uses it for `1+2i`:
/// a float token, a sign, a float token, `i`. Errors carry `fmt`'s text.
fn scan_complex(text: &str) -> std::result::Result<(f64, f64), String> {
    const COMPLEX_ERROR: &str = "syntax error scanning complex number";
    let b = text.as_bytes();
    let mut i = 0;
    let parens = b.first() == Some(&b'(');
    if parens {
        i += 1;
    }
    let real = float_token(b, &mut i);
    let imag_start = i;
    if !matches!(b.get(i), Some(b'+' | b'-')) {
        return Err(COMPLEX_ERROR.to_owned());
    }
    i += 1;
    float_token(b, &mut i);
    let imag = imag_start..i;
    if b.get(i) != Some(&b'i') {
        return Err(COMPLEX_ERROR.to_owned());
    }
    i += 1;
    if parens && b.get(i) != Some(&b')') {
        return Err(COMPLEX_ERROR.to_owned());
    }
    let re = convert_float(text.get(real).unwrap_or(""))?;
    let im = convert_float(text.get(imag).unwrap_or(""))?;
    Ok((re, im))
}

/// `fmt`'s `floatToken`: the longest prefix that looks like a float.
fn float_token(b: &[u8], i: &mut usize) -> Range<usize> {
    let start = *i;
    let accept = |i: &mut usize, set: &[u8]| -> bool {
        match b.get(*i) {
            Some(c) if set.contains(c) => {
                *i += 1;
                true
            }
            _ => false,
        }
    };
    // NaN?
    if accept(i, b"nN") && accept(i, b"aA") && accept(i, b"nN") {
        return start..*i;
    }
    accept(i, b"+-");
    // Inf?
    if accept(i, b"iI") && accept(i, b"nN") && accept(i, b"fF") {
        return start..*i;
    }
    let mut digits: &[u8] = b"0123456789_";
    let mut exp: &[u8] = b"eEpP";
    if accept(i, b"0") && accept(i, b"xX") {
        digits = b"0123456789aAbBcCdDeEfF_";
        exp = b"pP";
    }
    while accept(i, digits) {}
    if accept(i, b".") {
        while accept(i, digits) {}
    }
    if accept(i, exp) {
        accept(i, b"+-");
        while accept(i, b"0123456789_") {}
    }
    start..*i
}

/// `fmt`'s `convertFloat` for the forms the lexer lets through.
fn convert_float(s: &str) -> std::result::Result<f64, String> {
    let q = lexer::quote(s);
    match read_float(s.as_bytes()) {
        Some(p) if p.len == s.len() => parse_float(s)
            .ok_or_else(|| format!("strconv.ParseFloat: parsing {q}: value out of range")),
        _ => Err(format!("strconv.ParseFloat: parsing {q}: invalid syntax")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::ast::{Arg, Node};

    fn funcs(name: &str) -> bool {
        matches!(
            name,
            "index" | "printf" | "list" | "len" | "include" | "quote"
        )
    }

    fn parse_n(src: &str, max_nesting: usize) -> Result<Vec<Tree>> {
        let f: &dyn Fn(&str) -> bool = &funcs;
        parse_file("t.yaml", src, &(f, max_nesting).into())
    }

    fn parse(src: &str) -> Result<Vec<Tree>> {
        parse_n(src, 1000)
    }

    fn err(src: &str) -> String {
        match parse(src) {
            Ok(t) => panic!("{src:?} parsed: {}", t[0]),
            Err(e) => e.to_string(),
        }
    }

    fn shown(src: &str) -> String {
        parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"))[0].to_string()
    }

    fn first_action(src: &str) -> ActionNode {
        let trees = parse(src).unwrap();
        trees[0]
            .root
            .nodes
            .iter()
            .find_map(|n| match n {
                Node::Action(a) => Some(a.clone()),
                _ => None,
            })
            .expect("an action")
    }

    fn number(text: &str) -> NumberNode {
        let a = first_action(&format!("{{{{ {text} }}}}"));
        match &a.pipe.cmds[0].args[0] {
            Arg::Number(n) => n.clone(),
            other => panic!("not a number: {other}"),
        }
    }

    // ----- lexer -----

    fn tokens(src: &str) -> Vec<(ItemType, String, u32)> {
        let mut lx = Lexer::new(src, true, true);
        let mut out = Vec::new();
        loop {
            let it = lx.next_item();
            out.push((it.typ, lx.value(it).to_owned(), it.line));
            if matches!(it.typ, ItemType::Eof | ItemType::Error) || out.len() > 100 {
                return out;
            }
        }
    }

    #[test]
    fn lexes_trim_markers_and_lines() {
        use ItemType::*;
        let t = tokens("a \n{{- .x -}}\n b");
        let kinds: Vec<_> = t.iter().map(|(k, v, l)| (*k, v.as_str(), *l)).collect();
        assert_eq!(
            kinds,
            [
                (Text, "a", 1),
                (LeftDelim, "{{", 2),
                (Field, ".x", 2),
                (RightDelim, "}}", 2),
                (Text, "b", 3),
                (Eof, "", 3)
            ]
        );
        // "{{-3}}" is a number, not a trim marker.
        let t = tokens("{{-3}}");
        assert_eq!(t[1].0, Number);
        assert_eq!(t[1].1, "-3");
    }

    #[test]
    fn lexes_comments_away() {
        let t = tokens("a{{/* x\ny */}}b{{- /* z */ -}} c");
        let texts: Vec<_> = t.iter().map(|(k, v, l)| (*k, v.clone(), *l)).collect();
        assert_eq!(
            texts,
            [
                (ItemType::Text, "a".to_owned(), 1),
                (ItemType::Text, "b".to_owned(), 2),
                (ItemType::Text, "c".to_owned(), 2),
                (ItemType::Eof, String::new(), 2)
            ]
        );
    }

    #[test]
    fn lexes_keywords_and_operands() {
        use ItemType::*;
        let t = tokens("{{range $i, $v := .A.B | f 'c' `r` \"s\" 1+2i nil true (.)}}");
        let kinds: Vec<ItemType> = t.iter().map(|x| x.0).filter(|k| *k != Space).collect();
        assert_eq!(
            kinds,
            [
                LeftDelim,
                Range,
                Variable,
                Char,
                Variable,
                Declare,
                Field,
                Field,
                Pipe,
                Identifier,
                CharConstant,
                RawString,
                String,
                Complex,
                Nil,
                Bool,
                LeftParen,
                Dot,
                RightParen,
                RightDelim,
                Eof
            ]
        );
        // break/continue are identifiers when a function has that name.
        let mut lx = Lexer::new("{{break}}", false, true);
        lx.next_item();
        assert_eq!(lx.next_item().typ, Identifier);
    }

    #[test]
    fn quote_matches_go() {
        assert_eq!(lexer::quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            lexer::quote("\u{7}\u{8}\u{c}\n\r\t\u{b}"),
            r#""\a\b\f\n\r\t\v""#
        );
        assert_eq!(lexer::quote("\u{1}\u{7f}\u{ad}"), r#""\x01\x7f\u00ad""#);
        assert_eq!(
            lexer::quote("é\u{200b}\u{10ffff}😀"),
            "\"é\\u200b\\U0010ffff😀\""
        );
        assert_eq!(
            lexer::quote_truncated("\"abcdefghijkl\"", 10),
            r#""\"abcdefghi""#
        );
        assert_eq!(lexer::format_sharp_u('€'), "U+20AC '€'");
        assert_eq!(lexer::format_sharp_u('\u{1}'), "U+0001");
    }

    #[test]
    fn unquote_matches_go() {
        assert_eq!(
            lexer::unquote(r#""a\tb\u00e9\x41\101\"""#).as_deref(),
            Some("a\tbéAA\"")
        );
        assert_eq!(lexer::unquote("`a\r\nb`").as_deref(), Some("a\nb"));
        assert_eq!(lexer::unquote(r#""\q""#), None);
        assert_eq!(lexer::unquote(r#""\'""#), None);
        assert_eq!(lexer::unquote(r#""\ud800""#), None);
        assert_eq!(lexer::unquote(r#""\400""#), None);
        // Bytes that are not UTF-8 become U+FFFD (Go keeps the raw byte).
        assert_eq!(lexer::unquote(r#""\xff""#).as_deref(), Some("\u{fffd}"));
        assert_eq!(lexer::unquote(r#""\xc3\xa9""#).as_deref(), Some("é"));
    }

    // ----- numbers -----

    #[test]
    fn number_kinds_follow_go() {
        let n = number("42");
        assert!(n.is_int && n.is_uint && n.is_float && !n.is_complex);
        assert_eq!((n.int64, n.uint64, n.float64), (42, 42, 42.0));
        let n = number("-7");
        assert!(n.is_int && !n.is_uint && n.is_float);
        let n = number("-0");
        assert!(n.is_int && n.is_uint && n.is_float);
        let n = number("1.5");
        assert!(!n.is_int && !n.is_uint && n.is_float);
        let n = number("1e3");
        assert!(n.is_int && n.is_uint && n.is_float);
        assert_eq!(n.int64, 1000);
        let n = number("1e19");
        assert!(!n.is_int && n.is_uint && n.is_float);
        let n = number("18446744073709551615");
        assert!(!n.is_int && n.is_uint && n.is_float);
        assert_eq!(n.uint64, u64::MAX);
        let n = number("9223372036854775808");
        assert!(!n.is_int && n.is_uint);
        let n = number("-9223372036854775808");
        assert!(n.is_int && !n.is_uint);
        assert_eq!(n.int64, i64::MIN);
        let n = number("0x1F");
        assert_eq!(n.int64, 31);
        let n = number("0o17");
        assert_eq!(n.int64, 15);
        let n = number("017");
        assert_eq!(n.int64, 15);
        let n = number("0b101");
        assert_eq!(n.int64, 5);
        let n = number("1_000");
        assert_eq!(n.int64, 1000);
        let n = number("0x1p-2");
        assert!(n.is_float && !n.is_int);
        assert_eq!(n.float64, 0.25);
        let n = number("0x1.8p1");
        assert!(n.is_float && n.is_int);
        assert_eq!(n.int64, 3);
        let n = number("'a'");
        assert!(n.is_int && n.is_uint && n.is_float);
        assert_eq!(n.int64, 97);
        let n = number("'\\u00e9'");
        assert_eq!(n.int64, 233);
        let n = number("1i");
        assert!(n.is_complex && !n.is_float && !n.is_int);
        assert_eq!(n.complex128, (0.0, 1.0));
        let n = number("0i");
        assert!(n.is_complex && n.is_float && n.is_int && n.is_uint);
        let n = number("1+2i");
        assert!(n.is_complex && !n.is_float);
        assert_eq!(n.complex128, (1.0, 2.0));
        let n = number("2-0i");
        assert!(n.is_complex && n.is_float && n.is_int);
        assert_eq!(n.int64, 2);
        let n = number("1e-400");
        assert!(n.is_float && n.is_int);
        assert_eq!(n.float64, 0.0);
        assert_eq!(&*n.text, "1e-400");
    }

    #[test]
    fn hex_floats_round_like_go() {
        assert_eq!(parse_float("0x1p0"), Some(1.0));
        assert_eq!(parse_float("0x1.fffffffffffff8p0"), Some(2.0));
        assert_eq!(
            parse_float("0x1.fffffffffffff7p0"),
            Some(f64::from_bits(0x3FFF_FFFF_FFFF_FFFF))
        );
        assert_eq!(parse_float("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(parse_float("0x1p-1075"), Some(0.0));
        assert_eq!(
            parse_float("0x1p1023"),
            Some(f64::from_bits(0x7FE0_0000_0000_0000))
        );
        assert_eq!(parse_float("0x1p1024"), None);
        assert_eq!(parse_float("-0x1p-2"), Some(-0.25));
        assert_eq!(parse_float("0x_1p4"), Some(16.0));
        assert_eq!(parse_float("0x1.8"), None);
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float("1__0"), None);
        assert_eq!(parse_float("1e400"), None);
    }

    #[test]
    fn number_errors() {
        assert_eq!(
            err("{{ 08 }}"),
            r#"template: t.yaml:1: integer overflow: "08""#
        );
        assert_eq!(
            err("{{ 1e400 }}"),
            r#"template: t.yaml:1: illegal number syntax: "1e400""#
        );
        assert_eq!(
            err("{{ 3x }}"),
            r#"template: t.yaml:1: bad number syntax: "3x""#
        );
        assert_eq!(
            err("{{ 'ab' }}"),
            "template: t.yaml:1: malformed character constant: 'ab'"
        );
        assert_eq!(err("{{ '' }}"), "template: t.yaml:1: invalid syntax");
        assert_eq!(
            err("{{ 1i+2i }}"),
            "template: t.yaml:1: syntax error scanning complex number"
        );
        assert_eq!(
            err("{{ 1e400+2i }}"),
            r#"template: t.yaml:1: strconv.ParseFloat: parsing "1e400": value out of range"#
        );
    }

    // ----- shapes, positions, printing -----

    #[test]
    fn positions_follow_go() {
        let a = first_action("ab\n  {{ index .Values.x.y $ (len .z).w }}");
        assert_eq!((a.pos, a.line), (8, 2));
        assert_eq!((a.pipe.pos, a.pipe.line), (8, 2));
        let cmd = &a.pipe.cmds[0];
        assert_eq!(cmd.pos, 8);
        let pos: Vec<u32> = cmd.args.iter().map(Arg::pos).collect();
        // `.Values.x.y` sits at `.x`; the chain sits at `.w`; the
        // parenthesised pipeline at its first token.
        assert_eq!(pos, [8, 21, 26, 36]);
        match &cmd.args[3] {
            Arg::Chain(c) => assert_eq!(c.node.pos(), 29),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn branch_and_list_positions() {
        let src = "{{if .a}}x{{else if .b}}y{{else}}z{{end}}";
        let trees = parse(src).unwrap();
        let Node::If(b) = &trees[0].root.nodes[0] else {
            panic!()
        };
        assert_eq!((b.pos, b.line), (5, 1)); // The pipeline's position.
        assert_eq!(b.list.pos, 9);
        let else_list = b.else_list.as_ref().unwrap();
        assert_eq!(else_list.pos, 17); // The "if" of "else if".
        let Node::If(inner) = &else_list.nodes[0] else {
            panic!()
        };
        assert_eq!(inner.pos, 20);
        // A plain else list starts at its first item.
        assert_eq!(inner.else_list.as_ref().unwrap().pos, 33);
        assert_eq!(trees[0].root.pos, 0);
    }

    #[test]
    fn template_and_loop_positions() {
        let src =
            "{{range .}}\n{{break}}{{continue}}{{end}}{{template \"x\" .}}{{define \"x\"}}{{end}}";
        let trees = parse(src).unwrap();
        let Node::Range(r) = &trees[0].root.nodes[0] else {
            panic!()
        };
        let Node::Break(b) = &r.list.nodes[1] else {
            panic!()
        };
        assert_eq!((b.pos, b.line), (14, 2));
        let Node::Template(t) = &trees[0].root.nodes[1] else {
            panic!()
        };
        assert_eq!((t.pos, t.line, &*t.name), (51, 2, "x")); // The name.
        assert_eq!(trees[1].name.as_ref(), "x");
    }

    #[test]
    fn prints_like_go() {
        assert_eq!(shown("a{{ .A.B }}b"), "a{{.A.B}}b");
        assert_eq!(shown("{{ $x := 1 }}{{ $x = 2 }}"), "{{$x := 1}}{{$x = 2}}");
        assert_eq!(
            shown("{{ range $i, $v := . }}{{ $i }}{{ else }}e{{ end }}"),
            "{{range $i, $v := .}}{{$i}}{{else}}e{{end}}"
        );
        assert_eq!(
            shown("{{ 1 | printf \"%d\" | quote }}"),
            "{{1 | printf \"%d\" | quote}}"
        );
        assert_eq!(
            shown("{{ (index . 1).x (len .) }}"),
            "{{(index . 1).x (len .)}}"
        );
        assert_eq!(shown("{{ $.a.b }}{{ len.x }}"), "{{$.a.b}}{{len.x}}");
        assert_eq!(
            shown("{{ 'a' 1.5e3 0x1F `r` nil true }}"),
            "{{'a' 1.5e3 0x1F `r` nil true}}"
        );
        assert_eq!(
            shown("{{ if 1 }}a{{ else if 2 }}b{{ end }}"),
            "{{if 1}}a{{else}}{{if 2}}b{{end}}{{end}}"
        );
        assert_eq!(
            shown("{{ with 1 }}a{{ else with 2 }}b{{ end }}"),
            "{{with 1}}a{{else}}{{with 2}}b{{end}}{{end}}"
        );
        assert_eq!(shown("{{ template \"a\\tb\" }}"), "{{template \"a\\tb\"}}");
        assert_eq!(shown("{{ template `x` . }}"), "{{template \"x\" .}}");
        assert_eq!(
            shown("{{ range . }}{{ break }}{{ continue }}{{ end }}"),
            "{{range .}}{{break}}{{continue}}{{end}}"
        );
        assert_eq!(
            shown("{{ block \"b\" . }}x{{ end }}"),
            "{{template \"b\" .}}"
        );
        // A parenthesised pipeline prints bare on its own.
        let a = first_action("{{ len (index . 1 | quote) }}");
        assert_eq!(a.pipe.cmds[0].args[1].to_string(), "index . 1 | quote");
        assert_eq!(a.to_string(), "{{len (index . 1 | quote)}}");
    }

    #[test]
    fn errors_follow_go() {
        assert_eq!(err("{{ .x"), "template: t.yaml:1: unclosed action");
        assert_eq!(
            err("{{ .x\n"),
            "template: t.yaml:2: unclosed action started at t.yaml:1"
        );
        assert_eq!(
            err("{{ if 1 }}\nx\n{{/* c"),
            "template: t.yaml:3: unclosed comment in action started at t.yaml:1"
        );
        assert_eq!(
            err("{{ foo }}"),
            r#"template: t.yaml:1: function "foo" not defined"#
        );
        assert_eq!(
            err("{{ $x }}"),
            r#"template: t.yaml:1: undefined variable "$x""#
        );
        assert_eq!(err("{{ if 1 }}\n\n"), "template: t.yaml:3: unexpected EOF");
        assert_eq!(err("{{ end }}"), "template: t.yaml:1: unexpected {{end}}");
        assert_eq!(
            err("{{ 1 | 2 }}"),
            "template: t.yaml:1: non executable command in pipeline stage 2"
        );
        assert_eq!(
            err("{{ break }}"),
            "template: t.yaml:1: {{break}} outside {{range}}"
        );
        assert_eq!(
            err("{{ \"a\".b }}"),
            r#"template: t.yaml:1: unexpected . after term "\"a\"""#
        );
        assert_eq!(
            err("{{ end \"abcdefghijklmnop\" }}"),
            r#"template: t.yaml:1: unexpected "\"abcdefghi"... in end"#
        );
        assert_eq!(
            err("{{define \"x\"}}\na{{end}}{{define \"x\"}}b\n{{end}}"),
            r#"template: t.yaml:3: template: multiple definition of template "x""#
        );
        assert_eq!(
            err("{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}"),
            "template: t.yaml:1: unexpected <define> in command"
        );
    }

    #[test]
    fn repeated_definitions() {
        // An empty redefinition never replaces; a non-empty one replaces an
        // empty one.
        let trees = parse("{{define \"x\"}}a{{end}}{{define \"x\"}} \n{{end}}").unwrap();
        assert_eq!(trees.len(), 2);
        assert_eq!(trees[1].to_string(), "a");
        let trees = parse("{{define \"x\"}} {{end}}{{define \"x\"}}b{{end}}").unwrap();
        assert_eq!(trees.len(), 2);
        assert_eq!(trees[1].to_string(), "b");
        // A definition named like the file wins over an empty top level.
        let trees = parse("{{define \"t.yaml\"}}x{{end}}\n").unwrap();
        assert_eq!(trees.len(), 1);
        assert_eq!(
            (&*trees[0].name, trees[0].to_string().as_str()),
            ("t.yaml", "x")
        );
    }

    #[test]
    fn variable_scopes() {
        parse("{{ $x := 1 }}{{ if $x }}{{ $y := $x }}{{ $y }}{{ end }}{{ $x }}").unwrap();
        parse("{{ if 1 }}{{ $y := 2 }}{{ else }}{{ $y }}{{ end }}").unwrap();
        parse("{{ range $i, $v := . }}{{ $i }}{{ $v }}{{ end }}").unwrap();
        assert!(err("{{ with $x := 1 }}{{ end }}{{ $x }}").ends_with("undefined variable \"$x\""));
        assert!(err("{{ $x := 1 }}{{ define \"d\" }}{{ $x }}{{ end }}")
            .ends_with("undefined variable \"$x\""));
    }

    #[test]
    fn many_variables_stay_fast_and_scoped() {
        // 40 variables inside an if (past the scan threshold), out of scope
        // after its end.
        let mut src = String::from("{{ if 1 }}");
        for i in 0..40 {
            src.push_str(&format!("{{{{ $v{i} := {i} }}}}{{{{ $v{i} }}}}"));
        }
        src.push_str("{{ $v39 }}{{ end }}");
        parse(&src).unwrap();
        assert!(err(&(src.clone() + "{{ $v39 }}")).ends_with("undefined variable \"$v39\""));
        assert!(err(&(src + "{{ $v0 }}")).ends_with("undefined variable \"$v0\""));
        // Many declarations, then many lookups of the oldest name.
        let n = 50_000;
        let src = "{{ $x := 1 }}".repeat(n) + &"{{ $ }}".repeat(n);
        let start = std::time::Instant::now();
        parse(&src).unwrap();
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn limits() {
        let nest = |n: usize| "{{if 1}}".repeat(n) + &"{{end}}".repeat(n);
        parse_n(&nest(3), 3).unwrap();
        let e = parse_n(&nest(4), 3).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        assert_eq!(
            e.to_string(),
            "template: t.yaml:1: max nesting depth exceeded"
        );
        // Define and block count as levels, and so does each "else if".
        parse_n("{{define \"a\"}}{{if 1}}{{end}}{{end}}", 2).unwrap();
        assert!(parse_n("{{define \"a\"}}{{if 1}}{{if 1}}{{end}}{{end}}{{end}}", 2).is_err());
        assert!(parse_n("{{if 1}}{{else if 2}}{{else if 3}}{{end}}", 2).is_err());
        let parens = |n: usize| format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
        parse(&parens(MAX_EXPR_DEPTH)).unwrap();
        let e = parse(&parens(MAX_EXPR_DEPTH + 1)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        assert_eq!(
            e.to_string(),
            "template: t.yaml:1: max expression depth exceeded"
        );
        let long = format!("{{{{ 1{} }}}}", " | len".repeat(MAX_PIPELINE_CMDS));
        assert_eq!(err(&long), "template: t.yaml:1: pipeline too long");
    }

    #[test]
    fn deep_input_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let e = parse(&"{{if 1}}".repeat(100_000)).unwrap_err();
                assert_eq!(e.kind(), ErrorKind::LimitExceeded);
                let parens = |n: usize| format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
                let e = parse(&parens(100_000)).unwrap_err();
                assert_eq!(e.kind(), ErrorKind::LimitExceeded);
                // The deepest accepted input parses, prints and drops.
                let src = parens(MAX_EXPR_DEPTH);
                let trees = parse(&src).unwrap();
                assert_eq!(trees[0].to_string(), src);
                drop(trees);
                let src = "{{if 1}}".repeat(1000) + &"{{end}}".repeat(1000);
                let trees = parse(&src).unwrap();
                assert_eq!(trees[0].to_string(), src);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn never_panics() {
        // Every prefix of some tricky sources, then pseudo-random soup from a
        // template-ish alphabet. Errors are fine; panics are not.
        let sources = [
            "{{- define \"a\" -}}{{ range $i, $v := .x }}{{ if and (eq $i 1) .y }}{{ break }}{{ else if 2 }}{{ end }}{{ end }}{{- end }}",
            "{{ block \"b\" . }}{{ template \"a\" (index . 'é' 1.5e3 0x1p-2 1+2i `r\n` \"s\\u00e9\") }}{{ end }}{{/* c */}}",
            "é{{ $x := 1 }}{{ $x = ($x | len).a.b }}{{ with $ }}{{ . }}{{ else with 2 }}{{ end }}\u{10ffff}",
        ];
        for src in sources {
            for (i, _) in src.char_indices() {
                let _ = parse(&src[..i]);
            }
        }
        const ALPHABET: &[&str] = &[
            "{{", "}}", "{{- ", " -}}", "/*", "*/", " ", "\n", "\t", "\r", "(", ")", "|", "$",
            "$x", ".", ".a", ":=", "=", ",", "'", "\"", "`", "\\", "1", "-", "+", "0x", "e", "i",
            "p", "_", "if", "else", "end", "range", "with", "define", "block", "template", "break",
            "continue", "nil", "true", "len", "foo", "é", "€", "\u{0}", "}", "{", "x",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut src = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                src.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            if let Ok(trees) = parse(&src) {
                for t in &trees {
                    let _ = t.to_string();
                }
            }
        }
    }
}
