//! The parser: tokens to [`Tree`]s, with Go's error messages. (Being written.)
use crate::error::{Error, ErrorKind, Result};
use crate::template::ast::Tree;

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
        f.debug_struct("ParseConfig").field("max_nesting", &self.max_nesting).finish()
    }
}

/// Parses one file. The first tree is the file's top level (named `name`),
/// followed by every `{{define}}`/`{{block}}` in order of appearance.
pub fn parse_file(name: &str, source: &str, cfg: &ParseConfig<'_>) -> Result<Vec<Tree>> {
    let _ = (name, source, cfg);
    Err(Error::new(ErrorKind::TemplateSyntax, "parser not built yet"))
}
