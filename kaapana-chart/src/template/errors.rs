//! Execution errors as Go builds them, and as Helm 4 rewrites them.
//!
//! Go's executor formats every error into a string at the point of failure
//! (`template: file:1:10: executing "name" at <.a.b>: msg`) and wraps the
//! error a function returned (`error calling include: %w`). Helm 4 walks that
//! chain afterwards: if every link is a template error, it prints one
//! three-line block per link; if any link is a plain Go error, it keeps Go's
//! one-line text; a `fail`/`required` message becomes `execution error at
//! (loc): msg`. We keep the chain structured so both forms come out exactly.

use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::funcs::FuncError;
use crate::template::ast::{Pos, Tree};
use crate::template::fmt as gofmt;

/// Go's `%q` of a string.
pub(crate) fn quote(s: &str) -> String {
    gofmt::go_quote(s)
}

/// Where an execution error happened (Go's `ErrorContext`).
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// `file:line:col`.
    location: String,
    /// Go's `String()` of the node.
    context: String,
    file: Arc<str>,
    source: Arc<str>,
    pos: usize,
}

impl Frame {
    pub(crate) fn new(tree: &Tree, pos: Pos, context: String) -> Frame {
        let pos = (pos as usize).min(tree.source.len());
        let before = &tree.source.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - nl - 1,
            None => pos,
        };
        Frame {
            location: format!("{}:{line}:{col}", tree.parse_name),
            context,
            file: tree.parse_name.clone(),
            source: tree.source.clone(),
            pos,
        }
    }
}

/// The message part of an execution error.
#[derive(Debug, Clone)]
pub(crate) enum ExecMsg {
    /// A message formatted in place (no wrapped error).
    Text(String),
    /// `error calling <func>: <err>`, wrapping the function's error.
    Call {
        /// The function name.
        func: String,
        /// What it returned.
        err: FuncError,
    },
}

/// Go's `template.ExecError`. Boxed, because execution results travel
/// through every level of the executor and must stay one word wide.
#[derive(Debug, Clone)]
pub(crate) struct ExecError(Box<ExecErrorRepr>);

#[derive(Debug, Clone)]
pub(crate) struct ExecErrorRepr {
    name: Arc<str>,
    frame: Option<Frame>,
    msg: ExecMsg,
    limit: bool,
}

impl std::ops::Deref for ExecError {
    type Target = ExecErrorRepr;
    fn deref(&self) -> &ExecErrorRepr {
        &self.0
    }
}

impl ExecError {
    pub(crate) fn new(name: Arc<str>, frame: Option<Frame>, msg: ExecMsg) -> ExecError {
        let limit = matches!(&msg, ExecMsg::Call { err, .. } if err.is_limit());
        ExecError(Box::new(ExecErrorRepr {
            name,
            frame,
            msg,
            limit,
        }))
    }

    /// Marks the error as a resource limit being hit.
    pub(crate) fn limit(mut self) -> ExecError {
        self.0.limit = true;
        self
    }

    pub(crate) fn is_limit(&self) -> bool {
        self.limit
    }

    /// Go's `err.Error()`.
    pub(crate) fn go_string(&self) -> String {
        let mut out = String::new();
        self.write_go(&mut out);
        out
    }

    pub(crate) fn write_go(&self, out: &mut String) {
        match &self.frame {
            None => {
                out.push_str("template: ");
                out.push_str(&self.name);
                out.push_str(": ");
            }
            Some(f) => {
                out.push_str("template: ");
                out.push_str(&f.location);
                out.push_str(": executing ");
                out.push_str(&quote(&self.name));
                out.push_str(" at <");
                out.push_str(&f.context);
                out.push_str(">: ");
            }
        }
        match &self.msg {
            ExecMsg::Text(t) => out.push_str(t),
            ExecMsg::Call { func, err } => {
                out.push_str("error calling ");
                out.push_str(func);
                out.push_str(": ");
                err.write_message(out);
            }
        }
    }

    /// The links of the chain if Helm 4 can parse every one as a template
    /// error (the condition for its multi-line form), plus the text of a
    /// trailing `template: no template …` error, which Helm keeps as a
    /// message-only entry. Any other plain error in the chain makes Helm
    /// keep Go's one-line text.
    fn exec_chain(&self) -> Option<(Vec<&ExecError>, Option<String>)> {
        let mut chain = vec![self];
        let mut cur = self;
        loop {
            cur.frame.as_ref()?;
            match &cur.msg {
                ExecMsg::Text(_) => return Some((chain, None)),
                ExecMsg::Call { err, .. } => match err.as_exec() {
                    Some(next) => {
                        chain.push(next);
                        cur = next;
                    }
                    None => {
                        let text = err.message();
                        if err.is_plain() && text.starts_with("template: no template ") {
                            return Some((chain, Some(text)));
                        }
                        return None;
                    }
                },
            }
        }
    }

    /// The innermost link: where the failure really is.
    fn innermost(&self) -> &ExecError {
        let mut cur = self;
        while let ExecMsg::Call { err, .. } = &cur.msg {
            match err.as_exec() {
                Some(next) => cur = next,
                None => break,
            }
        }
        cur
    }

    /// Helm 4's message for an error out of a rendered file
    /// (`pkg/engine/engine.go`: the `HELM_ERR` rewrite, then the traceable
    /// multi-line form when the whole chain is template errors).
    pub(crate) fn helm_message(&self) -> (ErrorKind, String) {
        let go = self.go_string();
        let mut tokens = go.splitn(3, ": ");
        let (_, location, rest) = (tokens.next(), tokens.next(), tokens.next());
        if let (Some(location), Some(rest)) = (location, rest) {
            if let Some(msg) = helm_err_payload(rest) {
                return (
                    ErrorKind::TemplateAborted,
                    format!("execution error at ({location}): {msg}"),
                );
            }
        }
        let Some((chain, tail)) = self.exec_chain() else {
            return (ErrorKind::TemplateExec, go);
        };
        let mut out = String::new();
        let last = chain.len() - 1;
        for (i, e) in chain.iter().enumerate() {
            let Some(f) = &e.frame else { continue };
            let message = match (&e.msg, i == last) {
                (ExecMsg::Text(t), _) => t.clone(),
                (ExecMsg::Call { func, .. }, _) => format!("error calling {func}:"),
            };
            out.push_str(&f.location);
            out.push_str("\n  executing ");
            out.push_str(&quote(&e.name));
            out.push_str(" at <");
            out.push_str(&f.context);
            out.push_str(">:\n    ");
            out.push_str(&message);
            out.push('\n');
        }
        if let Some(tail) = tail {
            out.push_str(&tail);
        }
        (ErrorKind::TemplateExec, out.trim().to_owned())
    }

    /// The crate error, with Helm's message (`helm`) or Go's.
    pub(crate) fn into_error(self, helm: bool) -> Error {
        let (kind, message) = if helm {
            self.helm_message()
        } else {
            (ErrorKind::TemplateExec, self.go_string())
        };
        let kind = if self.limit {
            ErrorKind::LimitExceeded
        } else {
            kind
        };
        let inner = self.innermost();
        let mut err = Error::new(kind, message);
        if let Some(f) = &inner.frame {
            let end = (f.pos + f.context.len()).min(f.source.len());
            err = err.with_name(&*f.file).with_source(&f.source, f.pos..end);
        }
        err
    }
}

/// The text between Helm's `HELM_ERR_START` and `HELM_ERR_END` markers, as
/// Helm's regex `HELM_ERR_START(.*)HELM_ERR_END` finds it (`.` does not match
/// a newline, and `.*` is greedy).
pub(crate) fn helm_err_payload(s: &str) -> Option<&str> {
    const START: &str = "HELM_ERR_START";
    const END: &str = "HELM_ERR_END";
    // The oracle shows a multi-line `fail` message kept whole, so the match
    // spans newlines; `.*` is greedy, so it runs to the last end marker.
    let begin = s.find(START)? + START.len();
    let end = s[begin..].rfind(END)?;
    Some(&s[begin..begin + end])
}

/// `text` if it is at most `max` bytes long; otherwise its first and last
/// `max / 2` bytes (at character boundaries) around a note of how much was
/// left out.
pub(crate) fn elide_middle(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut head = max / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - max / 2;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{} … [{} bytes elided] … {}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn elide_middle_on_both_sides_of_the_limit() {
        use super::elide_middle;
        let at = "é".repeat(8);
        assert_eq!(elide_middle(at.clone(), 16), at);
        let over = format!("{at}x");
        let short = elide_middle(over, 16);
        assert_eq!(short, "éééé … [2 bytes elided] … éééx");
        // Odd cuts move to character boundaries, never into one.
        assert_eq!(elide_middle("aéééé".into(), 4), "a … [6 bytes elided] … é");
    }

    use super::helm_err_payload;

    #[test]
    fn payload_is_greedy_and_spans_lines() {
        assert_eq!(
            helm_err_payload("xHELM_ERR_STARTboomHELM_ERR_END"),
            Some("boom")
        );
        assert_eq!(
            helm_err_payload("HELM_ERR_STARTaHELM_ERR_END bHELM_ERR_END"),
            Some("aHELM_ERR_END b")
        );
        assert_eq!(
            helm_err_payload("HELM_ERR_STARTa\nbHELM_ERR_END"),
            Some("a\nb")
        );
    }
}
