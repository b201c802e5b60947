//! Go's `text/template`: lexer → parser → AST → executor.

pub mod ast;
mod escape;
mod exec;
mod fmt;
mod lexer;
mod node_fmt;
mod parser;

pub use exec::{Options, TemplateSet};
pub use exec::CallContext;
pub use parser::{parse_file, ParseConfig};
