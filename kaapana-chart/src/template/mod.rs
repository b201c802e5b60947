//! Go's `text/template`: lexer → parser → AST → executor.
//!
//! The parser ([`parse_file`]) turns a file into [`ast::Tree`]s; the
//! executor ([`TemplateSet::execute`]) walks them against data, calling
//! Go's reflect-level builtins (`builtins`) and the typed function registry
//! ([`crate::Functions`]). `fmt` ports Go's printing, `escape` the `html`,
//! `js` and `urlquery` escapers, and `errors` Go's error chain with Helm's
//! rewrite of it.

pub mod ast;
pub(crate) mod builtins;
pub(crate) mod errors;
pub(crate) mod escape;
mod exec;
pub(crate) mod fmt;
mod lexer;
mod node_fmt;
mod parser;

pub(crate) use exec::{lock_cache, ParseCache, Shared};
pub use exec::{CallContext, Options, TemplateSet};
#[cfg(feature = "unstable_internals")]
pub use parser::{parse_file, ParseConfig};
