//! Go's `Node.String()` forms of AST nodes (`writeTo` in `parse/node.go`).
//!
//! These strings show up in execution errors (`executing "x" at <.Values.a>`,
//! `at <include "y" .>`), so they follow Go character for character:
//! an action prints as `{{` + pipeline + `}}`, declarations as `$x := `,
//! commands are joined by ` | `, a parenthesised pipeline is wrapped in
//! parentheses only where a command or chain holds it, strings and numbers
//! print their original source text, and `{{template}}` names are re-quoted
//! with Go's `strconv.Quote`.
//!
//! Printing recurses through nested pipelines and control structures, so it
//! runs under [`stacker::maybe_grow`] like the parser: the deepest tree the
//! parser accepts prints on a small stack.

use std::fmt::{self, Display, Formatter, Write as _};

use crate::template::ast::{
    ActionNode, Arg, BoolNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode,
    ListNode, Node, NumberNode, PipeNode, StringNode, TemplateNode, TextNode, Tree, VariableNode,
};
use crate::template::lexer::quote;

const STACK_RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
}

impl Display for Tree {
    /// The body, as Go's `Tree.Root.String()`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

impl Display for ListNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.nodes.iter().try_for_each(|n| n.fmt(f))
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text(n) => n.fmt(f),
            Node::Action(n) => n.fmt(f),
            Node::If(n) => n.display_as("if").fmt(f),
            Node::Range(n) => n.display_as("range").fmt(f),
            Node::With(n) => n.display_as("with").fmt(f),
            Node::Template(n) => n.fmt(f),
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

impl Display for TextNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Display for ActionNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{}}}}}", self.pipe)
    }
}

/// A [`BranchNode`] printed as the `if`, `range` or `with` it came from
/// (the node itself does not know); see [`BranchNode::display_as`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct BranchDisplay<'a> {
    node: &'a BranchNode,
    keyword: &'a str,
}

impl BranchNode {
    /// Go's `String()` of this node as an `{{if}}`, `{{range}}` or
    /// `{{with}}` (`keyword` is `"if"`, `"range"` or `"with"`):
    /// `{{if pipe}}list{{else}}else_list{{end}}`.
    pub(crate) fn display_as<'a>(&'a self, keyword: &'a str) -> BranchDisplay<'a> {
        BranchDisplay {
            node: self,
            keyword,
        }
    }
}

impl Display for BranchDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        grow(|| {
            let b = self.node;
            write!(f, "{{{{{} {}}}}}{}", self.keyword, b.pipe, b.list)?;
            if let Some(else_list) = &b.else_list {
                write!(f, "{{{{else}}}}{else_list}")?;
            }
            f.write_str("{{end}}")
        })
    }
}

impl Display for TemplateNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{template {}", quote(&self.name))?;
        if let Some(pipe) = &self.pipe {
            write!(f, " {pipe}")?;
        }
        f.write_str("}}")
    }
}

impl Display for PipeNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                v.fmt(f)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for CommandNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            match arg {
                Arg::Pipe(p) => grow(|| write!(f, "({p})"))?,
                other => other.fmt(f)?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    /// A parenthesised pipeline prints without its parentheses here, as
    /// Go's `PipeNode.String()` does; commands and chains add them.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field(n) => n.fmt(f),
            Arg::Variable(n) => n.fmt(f),
            Arg::Chain(n) => n.fmt(f),
            Arg::Identifier(n) => n.fmt(f),
            Arg::Dot(_) => f.write_char('.'),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(n) => n.fmt(f),
            Arg::Number(n) => n.fmt(f),
            Arg::String(n) => n.fmt(f),
            Arg::Pipe(n) => grow(|| n.fmt(f)),
        }
    }
}

impl Display for FieldNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.ident.iter().try_for_each(|id| write!(f, ".{id}"))
    }
}

impl Display for VariableNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, id) in self.ident.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}

impl Display for ChainNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &*self.node {
            Arg::Pipe(p) => grow(|| write!(f, "({p})"))?,
            other => other.fmt(f)?,
        }
        self.field.iter().try_for_each(|id| write!(f, ".{id}"))
    }
}

impl Display for IdentifierNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident)
    }
}

impl Display for BoolNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.value { "true" } else { "false" })
    }
}

impl Display for NumberNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Display for StringNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.quoted)
    }
}
