//! The one error type of the crate.
//!
//! Every failure — a template that does not parse, a template that fails while
//! executing, a YAML document Helm would reject, a limit that was hit — is an
//! [`Error`]. Its [`Display`](std::fmt::Display) form is the exact text Helm
//! prints, so that existing users recognise it; the alternate form (`{:#}`)
//! adds the offending source line with a caret under the failing spot.
//!
//! The error is one boxed struct (so `Result<T, Error>` stays one pointer wide)
//! with a `Copy` [`ErrorKind`] and optional location fields.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// What went wrong, coarsely. Use it to branch; use the message to show.
///
/// The enum is non-exhaustive: later versions add kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A template failed to parse (Go's `template: name:line: …`).
    #[error("template syntax error")]
    TemplateSyntax,
    /// A template failed while executing (Go's `ExecError`).
    #[error("template execution error")]
    TemplateExec,
    /// `fail` or `required` stopped the render (Helm's `execution error at`).
    #[error("template aborted")]
    TemplateAborted,
    /// A YAML document could not be read.
    #[error("invalid YAML")]
    Yaml,
    /// A JSON document could not be read or written.
    #[error("invalid JSON")]
    Json,
    /// A resource limit of the engine was hit (depth, fuel, output size…).
    #[error("limit exceeded")]
    LimitExceeded,
    /// A caller passed something the API cannot use.
    #[error("invalid argument")]
    InvalidArgument,
    /// Reading a file failed.
    #[error("I/O error")]
    Io,
    /// Values do not meet a chart's `values.schema.json`, or the schema
    /// cannot be used (Helm's `values don't meet the specifications…`).
    #[error("schema validation failed")]
    Schema,
}

/// An error of the Helm engine: a kind, Helm's message, and where it happened.
///
/// ```
/// use kaapana_chart::{ErrorKind, TemplateSet};
///
/// let mut set = TemplateSet::new(Default::default());
/// let err = set.add("demo.yaml", "a: {{ .x").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::TemplateSyntax);
/// assert_eq!(err.to_string(), "template: demo.yaml:1: unclosed action");
/// assert_eq!(err.line(), Some(1));
/// ```
pub struct Error {
    repr: Box<Repr>,
}

struct Repr {
    kind: ErrorKind,
    message: Cow<'static, str>,
    name: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<Range<usize>>,
    source_text: Option<Arc<str>>,
    cause: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` whose message is exactly `message`.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                message: message.into(),
                name: None,
                line: None,
                column: None,
                span: None,
                source_text: None,
                cause: None,
            }),
        }
    }

    /// The kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// The message, exactly as Helm prints it (the same as `to_string()`).
    pub fn message(&self) -> &str {
        &self.repr.message
    }

    /// The template (or file) the error points into, if known.
    pub fn name(&self) -> Option<&str> {
        self.repr.name.as_deref()
    }

    /// The 1-based line of the failing spot, if known.
    pub fn line(&self) -> Option<usize> {
        self.repr.line
    }

    /// The 0-based byte column of the failing spot (as Go counts it), if known.
    pub fn column(&self) -> Option<usize> {
        self.repr.column
    }

    /// The byte range of the failing construct in its source, if known.
    pub fn span(&self) -> Option<Range<usize>> {
        self.repr.span.clone()
    }

    pub(crate) fn with_name(mut self, name: impl Into<String>) -> Error {
        self.repr.name = Some(name.into());
        self
    }

    /// Points the error at `span` of `source`, deriving line and column.
    pub(crate) fn with_source(mut self, source: &Arc<str>, span: Range<usize>) -> Error {
        let start = span.start.min(source.len());
        let before = &source.as_bytes()[..start];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => start - nl - 1,
            None => start,
        };
        self.repr.line = Some(line);
        self.repr.column = Some(col);
        self.repr.span = Some(span);
        self.repr.source_text = Some(source.clone());
        self
    }

    /// The same error (kind, location, source) with another message, for
    /// callers that add context the way Helm's command line does.
    ///
    /// ```
    /// use kaapana_chart::{Error, ErrorKind};
    ///
    /// let e = Error::new(ErrorKind::TemplateExec, "boom");
    /// let e = e.with_message(format!("{}\n\nUse --debug flag to render out invalid YAML", "boom"));
    /// assert_eq!(e.kind(), ErrorKind::TemplateExec);
    /// assert!(e.to_string().starts_with("boom\n\n"));
    /// ```
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Error {
        self.repr.message = message.into();
        self
    }

    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.repr.kind = kind;
        self
    }

    /// Attaches an underlying error, shown as `caused by:` in the alternate form.
    pub(crate) fn with_cause<E>(mut self, cause: E) -> Error
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        self.repr.cause = Some(Arc::new(cause));
        self
    }

    /// Writes the source line of the failing spot with a caret under it.
    fn write_excerpt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (Some(src), Some(span)) = (&self.repr.source_text, &self.repr.span) else {
            return Ok(());
        };
        let start = span.start.min(src.len());
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let text = &src[line_start..line_end];
        let line_no = self.repr.line.unwrap_or(1);
        let gutter = line_no.to_string().len();
        // The caret sits under the first character of the span; count chars, not
        // bytes, so that it lines up in a terminal.
        let pad = src[line_start..start].chars().count();
        let width = src[start..span.end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        let name = self.repr.name.as_deref().unwrap_or("<template>");
        let col = self.repr.column.unwrap_or(0);
        write!(
            f,
            "\n{:gutter$}--> {name}:{line_no}:{col}\n{:gutter$} |\n{line_no} | {text}\n{:gutter$} | {:pad$}{}",
            "",
            "",
            "",
            "",
            "^".repeat(width),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr.message)?;
        if f.alternate() {
            self.write_excerpt(f)?;
            let mut cause = self
                .repr
                .cause
                .as_deref()
                .map(|c| c as &dyn std::error::Error);
            while let Some(c) = cause {
                write!(f, "\n\ncaused by: {c}")?;
                cause = c.source();
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.repr.kind);
        d.field("message", &self.repr.message);
        if let Some(name) = &self.repr.name {
            d.field("name", name);
        }
        if let Some(line) = self.repr.line {
            d.field("line", &line);
        }
        if let Some(col) = self.repr.column {
            d.field("column", &col);
        }
        if let Some(cause) = &self.repr.cause {
            d.field("cause", cause);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.repr
            .cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, err.to_string()).with_cause(err)
    }
}

/// The result type of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn schema_kind() {
        assert_eq!(ErrorKind::Schema.to_string(), "schema validation failed");
        let schema: &[u8] = br#"{"required": ["a"]}"#;
        let err = crate::chart::schema::validate_against_schema(schema, &crate::Value::empty_map())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Schema);
        assert_ne!(ErrorKind::Schema, ErrorKind::Json);
    }

    #[test]
    fn alternate_form_shows_caret() {
        let src: Arc<str> = Arc::from("line one\nsay {{ .x.y }} here\n");
        let err = Error::new(ErrorKind::TemplateExec, "boom")
            .with_name("t.yaml")
            .with_source(&src, 16..22);
        assert_eq!(err.line(), Some(2));
        assert_eq!(err.column(), Some(7));
        let rich = format!("{err:#}");
        assert_eq!(
            rich,
            "boom\n --> t.yaml:2:7\n  |\n2 | say {{ .x.y }} here\n  |        ^^^^^^"
        );
        assert_eq!(err.to_string(), "boom");
    }
}
