//! Sprig's regular-expression functions, with Go's RE2 syntax.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `regexMatch` | `(regex, s string) bool` | an invalid pattern is `false` |
//! | `mustRegexMatch` | `(regex, s string) (bool, error)` | |
//! | `regexFindAll` | `(regex, s string, n int) []string` | `n < 0`: all |
//! | `mustRegexFindAll` | `(regex, s string, n int) ([]string, error)` | |
//! | `regexFind` | `(regex, s string) string` | |
//! | `mustRegexFind` | `(regex, s string) (string, error)` | |
//! | `regexReplaceAll` | `(regex, s, repl string) string` | `$1`, `${name}` expanded |
//! | `mustRegexReplaceAll` | `(regex, s, repl string) (string, error)` | |
//! | `regexReplaceAllLiteral` | `(regex, s, repl string) string` | no expansion |
//! | `mustRegexReplaceAllLiteral` | `(regex, s, repl string) (string, error)` | |
//! | `regexSplit` | `(regex, s string, n int) []string` | `regexp.Split` |
//! | `mustRegexSplit` | `(regex, s string, n int) ([]string, error)` | |
//! | `regexQuoteMeta` | `(s string) string` | `regexp.QuoteMeta` |
//!
//! The non-`must` forms compile with Go's `regexp.MustCompile`, whose panic
//! Go's template engine reports as the call's error:
//! ``regexp: Compile(`(`): error parsing regexp: missing closing ): `(` ``.
//!
//! Go's pattern language (package `regexp/syntax`) differs from the `regex`
//! crate's: `\d`, `\w`, `\s` and `\b` are ASCII in Go and Unicode in Rust;
//! Go has `\Q…\E` and octal escapes, rejects repeat counts over 1000 and
//! nested repetition (`a**`), and treats `[` inside a class as a literal.
//! `compile` therefore parses the pattern with Go's rules — reporting Go's
//! error for each invalid pattern, with Go's codes and quoted fragments —
//! and translates it into an equivalent `regex` pattern in which every
//! construct is spelled out explicitly (ASCII classes as ranges, flags baked
//! into each atom, Go's capture groups as unnamed groups in the same order).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::strings::string_list;
use super::{str_arg, FuncError, Functions};
use crate::limits::{MAX_REGEX_CACHE, MAX_REGEX_SIZE};
use crate::template::fmt as gofmt;
use crate::value::{GoType, Signature, Value};

const S: GoType = GoType::String;
const I: GoType = GoType::Int;

/// Go's `maxSize` in `regexp/syntax`: the largest program, in instructions,
/// a pattern may compile to (128 MiB of 40-byte instructions).
const GO_MAX_SIZE: i64 = (128 << 20) / 40;
/// Go's `maxHeight`: the deepest parse tree.
const GO_MAX_HEIGHT: usize = 1000;
/// Go's limit on a single repeat count, and on nested repeat products.
const GO_MAX_REPEAT: i64 = 1000;

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

pub(crate) fn register(f: &mut Functions) {
    f.register("regexMatch", Signature::fixed(&[S, S]), |_, a| {
        Ok(Value::Bool(
            compile(str_arg(a, 0)).is_ok_and(|re| re.is_match(str_arg(a, 1))),
        ))
    });
    f.register(
        "mustRegexMatch",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| {
            let re = must(str_arg(a, 0))?;
            Ok(Value::Bool(re.is_match(str_arg(a, 1))))
        },
    );
    f.register("regexFindAll", Signature::fixed(&[S, S, I]), |_, a| {
        let re = panicking(str_arg(a, 0))?;
        Ok(find_all(&re, str_arg(a, 1), int_arg(a, 2)))
    });
    f.register(
        "mustRegexFindAll",
        Signature::fixed(&[S, S, I]).with_error(),
        |_, a| {
            let re = must(str_arg(a, 0))?;
            Ok(find_all(&re, str_arg(a, 1), int_arg(a, 2)))
        },
    );
    f.register("regexFind", Signature::fixed(&[S, S]), |_, a| {
        let re = panicking(str_arg(a, 0))?;
        Ok(Value::from(re.find(str_arg(a, 1))))
    });
    f.register(
        "mustRegexFind",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| {
            let re = must(str_arg(a, 0))?;
            Ok(Value::from(re.find(str_arg(a, 1))))
        },
    );
    f.register("regexReplaceAll", Signature::fixed(&[S, S, S]), |ctx, a| {
        let re = panicking(str_arg(a, 0))?;
        let budget = ctx.remaining_output();
        re.replace_all(str_arg(a, 1), str_arg(a, 2), true, budget)
            .map(Value::from)
    });
    f.register(
        "mustRegexReplaceAll",
        Signature::fixed(&[S, S, S]).with_error(),
        |ctx, a| {
            let re = must(str_arg(a, 0))?;
            let budget = ctx.remaining_output();
            re.replace_all(str_arg(a, 1), str_arg(a, 2), true, budget)
                .map(Value::from)
        },
    );
    f.register(
        "regexReplaceAllLiteral",
        Signature::fixed(&[S, S, S]),
        |ctx, a| {
            let re = panicking(str_arg(a, 0))?;
            let budget = ctx.remaining_output();
            re.replace_all(str_arg(a, 1), str_arg(a, 2), false, budget)
                .map(Value::from)
        },
    );
    f.register(
        "mustRegexReplaceAllLiteral",
        Signature::fixed(&[S, S, S]).with_error(),
        |ctx, a| {
            let re = must(str_arg(a, 0))?;
            let budget = ctx.remaining_output();
            re.replace_all(str_arg(a, 1), str_arg(a, 2), false, budget)
                .map(Value::from)
        },
    );
    f.register("regexSplit", Signature::fixed(&[S, S, I]), |_, a| {
        let re = panicking(str_arg(a, 0))?;
        Ok(string_list(re.split(str_arg(a, 1), int_arg(a, 2))))
    });
    f.register(
        "mustRegexSplit",
        Signature::fixed(&[S, S, I]).with_error(),
        |_, a| {
            let re = must(str_arg(a, 0))?;
            Ok(string_list(re.split(str_arg(a, 1), int_arg(a, 2))))
        },
    );
    f.register("regexQuoteMeta", Signature::fixed(&[S]), |_, a| {
        Ok(Value::from(quote_meta(str_arg(a, 0))))
    });
}

/// `regexp.Compile`: the Go error text on failure.
fn must(pattern: &str) -> Result<Arc<GoRegex>, FuncError> {
    compile(pattern).map_err(|e| match e {
        CompileError::Go(msg) => FuncError::new(msg),
        CompileError::Limit(msg) => FuncError::limit(msg),
    })
}

/// `regexp.MustCompile`: Go panics with the pattern quoted the way
/// `regexp`'s `quote` does (backquotes when possible).
fn panicking(pattern: &str) -> Result<Arc<GoRegex>, FuncError> {
    compile(pattern).map_err(|e| match e {
        CompileError::Go(msg) => {
            let quoted = if gofmt::can_backquote(pattern.as_bytes()) {
                format!("`{pattern}`")
            } else {
                gofmt::go_quote(pattern)
            };
            FuncError::new(format!("regexp: Compile({quoted}): {msg}"))
        }
        CompileError::Limit(msg) => FuncError::limit(msg),
    })
}

fn find_all(re: &GoRegex, s: &str, n: i64) -> Value {
    let matches = re.all_matches(s, n);
    string_list(
        matches
            .into_iter()
            .map(|(a, b)| s[a..b].to_owned())
            .collect(),
    )
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Why a pattern did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// Go rejects the pattern; the message is Go's `err.Error()`.
    Go(String),
    /// Go accepts the pattern but it exceeds [`MAX_REGEX_SIZE`].
    Limit(String),
}

/// A compiled Go regular expression.
#[derive(Debug)]
pub(crate) struct GoRegex {
    re: regex::Regex,
    /// The capture names by group index (index 0: the whole match).
    names: Vec<Option<String>>,
    /// Whether the source pattern was empty (`regexp.Split` asks).
    empty_expr: bool,
}

thread_local! {
    /// Recently compiled patterns: charts call `regexMatch` in loops.
    static CACHE: RefCell<HashMap<String, Result<Arc<GoRegex>, CompileError>>> =
        RefCell::new(HashMap::new());
}

/// Compiles a Go (RE2) pattern, with Go's errors.
pub(crate) fn compile(pattern: &str) -> Result<Arc<GoRegex>, CompileError> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let result = compile_uncached(pattern, MAX_REGEX_SIZE);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_REGEX_CACHE {
            c.clear();
        }
        c.insert(pattern.to_owned(), result.clone());
    });
    result
}

fn compile_uncached(pattern: &str, size_limit: usize) -> Result<Arc<GoRegex>, CompileError> {
    let parsed = Parser::parse(pattern).map_err(|e| CompileError::Go(e.to_string()))?;
    let mut rust = String::with_capacity(pattern.len() * 2);
    emit(&parsed.root, &mut rust);
    // The regex crate compiles recursively over the pattern's nesting.
    let re = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
        regex::RegexBuilder::new(&rust)
            .size_limit(size_limit)
            .nest_limit(u32::MAX)
            .build()
    })
    .map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => CompileError::Limit(format!(
            "regular expression exceeds the compiled size limit of {limit} bytes"
        )),
        // Our translation is meant to be always valid; a failure here is a
        // pattern we failed to translate, reported like a Go parse error.
        other => CompileError::Go(format!("error parsing regexp: {other}")),
    })?;
    let mut names = vec![None; parsed.num_cap + 1];
    for (i, n) in parsed.names {
        names[i] = Some(n);
    }
    Ok(Arc::new(GoRegex {
        re,
        names,
        empty_expr: pattern.is_empty(),
    }))
}

impl GoRegex {
    fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    fn find(&self, s: &str) -> String {
        self.re
            .find(s)
            .map_or_else(String::new, |m| m.as_str().to_owned())
    }

    /// Go's `allMatches`: successive non-overlapping matches, an empty match
    /// right after a previous match ignored, at most `n` (`n < 0`: all).
    fn all_matches(&self, s: &str, n: i64) -> Vec<(usize, usize)> {
        let limit = if n < 0 {
            usize::MAX
        } else {
            usize::try_from(n).unwrap_or(usize::MAX)
        };
        let mut out = Vec::new();
        let mut pos = 0usize;
        let mut prev_end: Option<usize> = None;
        while out.len() < limit && pos <= s.len() {
            let Some(m) = self.re.find_at(s, pos) else {
                break;
            };
            let mut accept = true;
            if m.end() == pos {
                if Some(m.start()) == prev_end {
                    accept = false;
                }
                pos += s[pos..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                out.push((m.start(), m.end()));
            }
        }
        out
    }

    /// Go's `Regexp.Split`.
    fn split(&self, s: &str, n: i64) -> Vec<String> {
        if n == 0 {
            return Vec::new();
        }
        if !self.empty_expr && s.is_empty() {
            return vec![String::new()];
        }
        let matches = self.all_matches(s, n);
        let mut out = Vec::with_capacity(matches.len() + 1);
        let (mut beg, mut end) = (0usize, 0usize);
        for (a, b) in matches {
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            end = a;
            if b != 0 {
                out.push(s[beg..end].to_owned());
            }
            beg = b;
        }
        if end != s.len() {
            out.push(s[beg..].to_owned());
        }
        out
    }

    /// Go's `replaceAll` with `ReplaceAllString`'s template expansion
    /// (`expand`) or `ReplaceAllLiteralString`'s plain text.
    fn replace_all(
        &self,
        src: &str,
        repl: &str,
        expand: bool,
        budget: usize,
    ) -> Result<String, FuncError> {
        let mut out = String::new();
        let mut last_end = 0usize;
        let mut search = 0usize;
        let mut locs = self.re.capture_locations();
        while search <= src.len() {
            let Some(m) = self.re.captures_read_at(&mut locs, src, search) else {
                break;
            };
            let (a0, a1) = (m.start(), m.end());
            out.push_str(&src[last_end..a0]);
            if a1 > last_end || a0 == 0 {
                if expand {
                    self.expand(&mut out, repl, src, &locs);
                } else {
                    out.push_str(repl);
                }
            }
            if out.len() > budget {
                return Err(FuncError::limit(format!(
                    "output limit of {budget} bytes exceeded"
                )));
            }
            last_end = a1;
            let width = src[search..].chars().next().map_or(0, char::len_utf8);
            if search + width > a1 {
                search += width;
            } else if search + 1 > a1 {
                search += 1;
            } else {
                search = a1;
            }
        }
        out.push_str(&src[last_end..]);
        Ok(out)
    }

    /// Go's `Regexp.expand`: `$$` is `$`; `$name` / `${name}` is a group by
    /// number or name (the longest run of letters, digits and `_`, so `$1x`
    /// names group `1x`); anything malformed is a literal `$`.
    fn expand(&self, out: &mut String, template: &str, src: &str, locs: &regex::CaptureLocations) {
        let group = |i: usize| locs.get(i).map(|(a, b)| &src[a..b]);
        let mut t = template;
        while let Some(at) = t.find('$') {
            out.push_str(&t[..at]);
            t = &t[at + 1..];
            if let Some(rest) = t.strip_prefix('$') {
                out.push('$');
                t = rest;
                continue;
            }
            let Some((name, rest)) = extract(t) else {
                out.push('$');
                continue;
            };
            t = rest;
            match group_number(name) {
                Some(num) => {
                    if let Some(g) = usize::try_from(num).ok().and_then(group) {
                        out.push_str(g);
                    }
                }
                None => {
                    for (i, n) in self.names.iter().enumerate() {
                        if n.as_deref() == Some(name) {
                            if let Some(g) = group(i) {
                                out.push_str(g);
                                break;
                            }
                        }
                    }
                }
            }
        }
        out.push_str(t);
    }
}

/// Go's `extract`: the name after a `$`, braced or not, and the rest.
fn extract(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| {
            c == '_'
                || c.is_ascii_alphanumeric()
                || (!c.is_ascii()
                    && (crate::value::yaml::gounicode::is_letter(c)
                        || crate::value::yaml::gounicode::is_digit(c)))
        })
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let rest = &body[len..];
    if braced {
        let rest = rest.strip_prefix('}')?;
        return Some((name, rest));
    }
    Some((name, rest))
}

/// The group number a `$name` means, if it is a number (no leading zero).
fn group_number(name: &str) -> Option<i64> {
    if name.len() > 1 && name.starts_with('0') {
        return None;
    }
    let mut num: i64 = 0;
    for b in name.bytes() {
        if !b.is_ascii_digit() || num >= 100_000_000 {
            return None;
        }
        num = num * 10 + i64::from(b - b'0');
    }
    Some(num)
}

// ---------------------------------------------------------------------
// Go's regexp/syntax parser (Perl flags), translating to `regex` syntax.

/// Go's `syntax.Error`: a code and the offending fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    code: &'static str,
    expr: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

const ERR_INVALID_CHAR_RANGE: &str = "invalid character class range";
const ERR_INVALID_ESCAPE: &str = "invalid escape sequence";
const ERR_INVALID_NAMED_CAPTURE: &str = "invalid named capture";
const ERR_INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
const ERR_INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
const ERR_INVALID_REPEAT_SIZE: &str = "invalid repeat count";
const ERR_MISSING_BRACKET: &str = "missing closing ]";
const ERR_MISSING_PAREN: &str = "missing closing )";
const ERR_MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
const ERR_TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const ERR_UNEXPECTED_PAREN: &str = "unexpected )";
const ERR_NESTING_DEPTH: &str = "expression nests too deeply";
const ERR_LARGE: &str = "expression too large";

fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Flags {
    fold: bool,
    /// Go's `OneLine` is the default; `(?m)` clears it.
    multi_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

#[derive(Debug)]
enum Op {
    /// Pre-translated text that matches one thing (a literal, a class, an
    /// assertion).
    Atom(String),
    Concat,
    Alternate,
    Capture,
    Star(bool),
    Plus(bool),
    Quest(bool),
    Repeat {
        min: i64,
        max: i64,
        greedy: bool,
    },
}

#[derive(Debug)]
struct Node {
    op: Op,
    subs: Vec<Node>,
    height: usize,
    size: i64,
}

impl Node {
    fn atom(text: String, size: i64) -> Node {
        Node {
            op: Op::Atom(text),
            subs: Vec::new(),
            height: 1,
            size,
        }
    }

    fn with(op: Op, subs: Vec<Node>) -> Node {
        let height = 1 + subs.iter().map(|s| s.height).max().unwrap_or(0);
        let sub_size = |i: usize| subs.get(i).map_or(0, |s: &Node| s.size);
        let size = match &op {
            Op::Atom(_) => 1,
            Op::Capture | Op::Star(_) => 2 + sub_size(0),
            Op::Plus(_) | Op::Quest(_) => 1 + sub_size(0),
            Op::Concat => subs.iter().fold(0i64, |a, s| a.saturating_add(s.size)),
            Op::Alternate => subs
                .iter()
                .fold(0i64, |a, s| a.saturating_add(s.size))
                .saturating_add(subs.len().saturating_sub(1) as i64),
            Op::Repeat { min, max, .. } => {
                let sub = sub_size(0);
                if *max == -1 {
                    if *min == 0 {
                        2 + sub
                    } else {
                        1i64.saturating_add(min.saturating_mul(sub))
                    }
                } else {
                    max.saturating_mul(sub).saturating_add(max - min)
                }
            }
        }
        .max(1);
        Node {
            op,
            subs,
            height,
            size,
        }
    }
}

/// One open group: its alternatives so far and the current concatenation.
struct Frame {
    /// `Some(index)` for a capture group; `None` for `(?:` and the top level.
    cap: Option<usize>,
    is_top: bool,
    /// The flags in effect before the group opened (restored at `)`).
    saved: Flags,
    alts: Vec<Node>,
    cur: Vec<Node>,
}

struct Parsed {
    root: Node,
    num_cap: usize,
    names: Vec<(usize, String)>,
}

struct Parser<'p> {
    whole: &'p str,
    flags: Flags,
    frames: Vec<Frame>,
    num_cap: usize,
    names: Vec<(usize, String)>,
}

impl<'p> Parser<'p> {
    fn parse(whole: &'p str) -> Result<Parsed, SyntaxError> {
        let mut p = Parser {
            whole,
            flags: Flags::default(),
            frames: vec![Frame {
                cap: None,
                is_top: true,
                saved: Flags::default(),
                alts: Vec::new(),
                cur: Vec::new(),
            }],
            num_cap: 0,
            names: Vec::new(),
        };
        let mut t: &str = whole;
        let mut last_repeat: &str = "";
        while !t.is_empty() {
            let mut repeat: &str = "";
            let b = t.as_bytes()[0];
            match b {
                b'(' => {
                    if t.len() >= 2 && t.as_bytes()[1] == b'?' {
                        t = p.parse_perl_flags(t)?;
                    } else {
                        p.num_cap += 1;
                        p.open(Some(p.num_cap));
                        t = &t[1..];
                    }
                }
                b'|' => {
                    p.vertical_bar();
                    t = &t[1..];
                }
                b')' => {
                    p.right_paren()?;
                    t = &t[1..];
                }
                b'^' => {
                    let text = if p.flags.multi_line { "(?m:^)" } else { r"\A" };
                    p.push(Node::atom(text.to_owned(), 1))?;
                    t = &t[1..];
                }
                b'$' => {
                    let text = if p.flags.multi_line { "(?m:$)" } else { r"\z" };
                    p.push(Node::atom(text.to_owned(), 1))?;
                    t = &t[1..];
                }
                b'.' => {
                    let text = if p.flags.dot_nl { "(?s:.)" } else { "(?-s:.)" };
                    p.push(Node::atom(text.to_owned(), 1))?;
                    t = &t[1..];
                }
                b'[' => {
                    t = p.parse_class(t)?;
                }
                b'*' | b'+' | b'?' => {
                    let before = t;
                    let after = &t[1..];
                    let after = p.repeat(b, 0, 0, before, after, last_repeat)?;
                    repeat = before;
                    t = after;
                }
                b'{' => {
                    let before = t;
                    match parse_repeat(t) {
                        None => {
                            p.literal('{')?;
                            t = &t[1..];
                        }
                        Some((min, max, after)) => {
                            if !(0..=GO_MAX_REPEAT).contains(&min)
                                || max > GO_MAX_REPEAT
                                || (max >= 0 && min > max)
                            {
                                return Err(err(
                                    ERR_INVALID_REPEAT_SIZE,
                                    &before[..before.len() - after.len()],
                                ));
                            }
                            let after = p.repeat_counted(min, max, before, after, last_repeat)?;
                            repeat = before;
                            t = after;
                        }
                    }
                }
                b'\\' => {
                    t = p.parse_backslash(t)?;
                }
                _ => {
                    let c = t.chars().next().unwrap_or('\0');
                    p.literal(c)?;
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        if p.frames.len() != 1 {
            return Err(err(ERR_MISSING_PAREN, whole));
        }
        let top = p
            .frames
            .pop()
            .ok_or_else(|| err(ERR_MISSING_PAREN, whole))?;
        let root = close_alternation(top.alts, top.cur);
        Ok(Parsed {
            root,
            num_cap: p.num_cap,
            names: p.names,
        })
    }

    fn frame(&mut self) -> &mut Frame {
        // The top-level frame is never popped while parsing.
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn check(&self, n: &Node) -> Result<(), SyntaxError> {
        if n.height > GO_MAX_HEIGHT {
            return Err(err(ERR_NESTING_DEPTH, self.whole));
        }
        if n.size > GO_MAX_SIZE {
            return Err(err(ERR_LARGE, self.whole));
        }
        Ok(())
    }

    fn push(&mut self, n: Node) -> Result<(), SyntaxError> {
        self.check(&n)?;
        self.frame().cur.push(n);
        Ok(())
    }

    fn literal(&mut self, c: char) -> Result<(), SyntaxError> {
        let mut text = String::new();
        push_char(&mut text, c);
        if self.flags.fold && c.to_lowercase().ne(c.to_uppercase()) {
            text = format!("(?i:{text})");
        }
        self.push(Node::atom(text, 1))
    }

    fn open(&mut self, cap: Option<usize>) {
        let saved = self.flags;
        self.frames.push(Frame {
            cap,
            is_top: false,
            saved,
            alts: Vec::new(),
            cur: Vec::new(),
        });
    }

    fn vertical_bar(&mut self) {
        let f = self.frame();
        let cur = std::mem::take(&mut f.cur);
        f.alts.push(concat(cur));
    }

    fn right_paren(&mut self) -> Result<(), SyntaxError> {
        if self.frames.len() < 2 {
            return Err(err(ERR_UNEXPECTED_PAREN, self.whole));
        }
        let f = self
            .frames
            .pop()
            .ok_or_else(|| err(ERR_UNEXPECTED_PAREN, self.whole))?;
        debug_assert!(!f.is_top);
        self.flags = f.saved;
        let body = close_alternation(f.alts, f.cur);
        let node = match f.cap {
            Some(_) => Node::with(Op::Capture, vec![body]),
            None => body,
        };
        self.push(node)
    }

    /// `*`, `+`, `?` (with Go's Perl checks).
    fn repeat<'t>(
        &mut self,
        op: u8,
        min: i64,
        max: i64,
        before: &'t str,
        after: &'t str,
        last_repeat: &'t str,
    ) -> Result<&'t str, SyntaxError> {
        let (greedy, after) = self.repeat_prefix(before, after, last_repeat)?;
        let _ = (min, max);
        let sub = self.take_operand(before, after)?;
        let op = match op {
            b'*' => Op::Star(greedy),
            b'+' => Op::Plus(greedy),
            _ => Op::Quest(greedy),
        };
        self.push(Node::with(op, vec![sub]))?;
        Ok(after)
    }

    /// `{n}`, `{n,}`, `{n,m}`.
    fn repeat_counted<'t>(
        &mut self,
        min: i64,
        max: i64,
        before: &'t str,
        after: &'t str,
        last_repeat: &'t str,
    ) -> Result<&'t str, SyntaxError> {
        let (greedy, after) = self.repeat_prefix(before, after, last_repeat)?;
        let sub = self.take_operand(before, after)?;
        let node = Node::with(Op::Repeat { min, max, greedy }, vec![sub]);
        if (min >= 2 || max >= 2) && !repeat_is_valid(&node, GO_MAX_REPEAT) {
            return Err(err(
                ERR_INVALID_REPEAT_SIZE,
                &before[..before.len() - after.len()],
            ));
        }
        self.push(node)?;
        Ok(after)
    }

    fn repeat_prefix<'t>(
        &self,
        _before: &'t str,
        after: &'t str,
        last_repeat: &'t str,
    ) -> Result<(bool, &'t str), SyntaxError> {
        let mut non_greedy = self.flags.non_greedy;
        let mut after = after;
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
            non_greedy = !non_greedy;
        }
        if !last_repeat.is_empty() {
            return Err(err(
                ERR_INVALID_REPEAT_OP,
                &last_repeat[..last_repeat.len() - after.len()],
            ));
        }
        Ok((!non_greedy, after))
    }

    fn take_operand(&mut self, before: &str, after: &str) -> Result<Node, SyntaxError> {
        self.frame().cur.pop().ok_or_else(|| {
            err(
                ERR_MISSING_REPEAT_ARGUMENT,
                &before[..before.len() - after.len()],
            )
        })
    }

    /// `(?…`: named captures, flag groups and flag changes.
    fn parse_perl_flags<'t>(&mut self, s: &'t str) -> Result<&'t str, SyntaxError> {
        let t = s;
        let b = t.as_bytes();
        let starts_with_p = t.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let starts_with_name = t.len() > 3 && b[2] == b'<';
        if starts_with_p || starts_with_name {
            let expr_start = if starts_with_p { 4 } else { 3 };
            let Some(end) = t.find('>') else {
                return Err(err(ERR_INVALID_NAMED_CAPTURE, s));
            };
            let capture = &t[..=end];
            let name = t.get(expr_start..end).unwrap_or("");
            if !is_valid_capture_name(name) {
                return Err(err(ERR_INVALID_NAMED_CAPTURE, capture));
            }
            self.num_cap += 1;
            self.names.push((self.num_cap, name.to_owned()));
            self.open(Some(self.num_cap));
            return Ok(&t[end + 1..]);
        }
        let mut t = &t[2..];
        let mut flags = self.flags;
        let mut negate = false;
        let mut saw_flag = false;
        while let Some(c) = t.chars().next() {
            t = &t[c.len_utf8()..];
            let set = !negate;
            match c {
                'i' => {
                    flags.fold = set;
                    saw_flag = true;
                }
                'm' => {
                    flags.multi_line = set;
                    saw_flag = true;
                }
                's' => {
                    flags.dot_nl = set;
                    saw_flag = true;
                }
                'U' => {
                    flags.non_greedy = set;
                    saw_flag = true;
                }
                '-' => {
                    if negate {
                        break;
                    }
                    negate = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negate && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        self.open(None);
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(err(ERR_INVALID_PERL_OP, &s[..s.len() - t.len()]))
    }

    /// Everything that starts with a backslash outside a class.
    fn parse_backslash<'t>(&mut self, t: &'t str) -> Result<&'t str, SyntaxError> {
        let b = t.as_bytes();
        if b.len() >= 2 {
            let simple = match b[1] {
                b'A' => Some(r"\A"),
                b'b' => Some(r"(?-u:\b)"),
                b'B' => Some(r"(?-u:\B)"),
                b'z' => Some(r"\z"),
                _ => None,
            };
            if let Some(text) = simple {
                self.push(Node::atom(text.to_owned(), 1))?;
                return Ok(&t[2..]);
            }
            if b[1] == b'C' {
                return Err(err(ERR_INVALID_ESCAPE, &t[..2]));
            }
            if b[1] == b'Q' {
                let body = &t[2..];
                let (lit, rest) = match body.find(r"\E") {
                    Some(i) => (&body[..i], &body[i + 2..]),
                    None => (body, ""),
                };
                for c in lit.chars() {
                    self.literal(c)?;
                }
                return Ok(rest);
            }
        }
        if let Some((class, rest)) = parse_unicode_class(t)? {
            let text = self.fold_wrap(format!("[{class}]"));
            self.push(Node::atom(text, 1))?;
            return Ok(rest);
        }
        if let Some((class, rest)) = parse_perl_class(t) {
            self.push(Node::atom(format!("[{class}]"), 1))?;
            return Ok(rest);
        }
        let (c, rest) = parse_escape(t)?;
        self.literal(c)?;
        Ok(rest)
    }

    fn fold_wrap(&self, text: String) -> String {
        if self.flags.fold {
            format!("(?i:{text})")
        } else {
            text
        }
    }

    /// `[…]`. Each item is written out explicitly, so that Rust's nested
    /// classes and set operators (`[[`, `&&`, `--`, `~~`) never apply.
    fn parse_class<'t>(&mut self, s: &'t str) -> Result<&'t str, SyntaxError> {
        let mut t = &s[1..];
        let mut out = String::from("[");
        if let Some(rest) = t.strip_prefix('^') {
            out.push('^');
            t = rest;
        }
        let mut items = 0usize;
        let mut first = true;
        while t.is_empty() || !t.starts_with(']') || first {
            first = false;
            if t.len() > 2 && t.starts_with("[:") {
                if let Some(end) = t[2..].find(":]") {
                    let name = &t[..end + 4];
                    if !is_posix_class(name) {
                        return Err(err(ERR_INVALID_CHAR_RANGE, name));
                    }
                    out.push('[');
                    out.push_str(name);
                    out.push(']');
                    items += 1;
                    t = &t[end + 4..];
                    continue;
                }
            }
            if let Some((class, rest)) = parse_unicode_class(t)? {
                out.push('[');
                out.push_str(&class);
                out.push(']');
                items += 1;
                t = rest;
                continue;
            }
            if let Some((class, rest)) = parse_perl_class(t) {
                out.push('[');
                out.push_str(&class);
                out.push(']');
                items += 1;
                t = rest;
                continue;
            }
            let rng = t;
            let (lo, rest) = parse_class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                let (h, rest) = parse_class_char(&t[1..], s)?;
                t = rest;
                hi = h;
                if hi < lo {
                    return Err(err(ERR_INVALID_CHAR_RANGE, &rng[..rng.len() - t.len()]));
                }
            }
            let _ = write!(out, "\\x{{{:X}}}", u32::from(lo));
            if hi != lo {
                let _ = write!(out, "-\\x{{{:X}}}", u32::from(hi));
            }
            items += 1;
        }
        t = &t[1..];
        out.push(']');
        let _ = items;
        let text = self.fold_wrap(out);
        self.push(Node::atom(text, 1))?;
        Ok(t)
    }
}

/// Closes a group's alternation.
fn close_alternation(mut alts: Vec<Node>, cur: Vec<Node>) -> Node {
    let last = concat(cur);
    if alts.is_empty() {
        return last;
    }
    alts.push(last);
    Node::with(Op::Alternate, alts)
}

fn concat(mut items: Vec<Node>) -> Node {
    if items.len() == 1 {
        if let Some(n) = items.pop() {
            return n;
        }
    }
    Node::with(Op::Concat, items)
}

/// Go's `repeatIsValid`: nested repeat counts may not multiply past `n`.
fn repeat_is_valid(re: &Node, mut n: i64) -> bool {
    if let Op::Repeat { min, max, .. } = re.op {
        let mut m = max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    re.subs.iter().all(|s| repeat_is_valid(s, n))
}

/// Go's `parseRepeat`: `{min}`, `{min,}` (`max == -1`), `{min,max}`; a
/// number too large becomes -1 (rejected by the caller). `None`: `{` is a
/// literal.
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (mut min, s) = parse_int(s)?;
    let mut max;
    let mut s = s;
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix(',') {
        s = rest;
        if s.is_empty() {
            return None;
        }
        if s.starts_with('}') {
            max = -1;
        } else {
            let (m, rest) = parse_int(s)?;
            max = m;
            s = rest;
            if max < 0 {
                min = -1;
            }
        }
    } else {
        max = min;
    }
    let rest = s.strip_prefix('}')?;
    if max < -1 {
        max = -1;
    }
    Some((min, max, rest))
}

/// Go's `parseInt` for repeat counts: no leading zeros; -1 when too big.
fn parse_int(s: &str) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
        return None;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n: i64 = 0;
    for &c in &b[..digits] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some((n, &s[digits..]))
}

/// Go's `isValidCaptureName`: letters, digits and `_`, not empty.
fn is_valid_capture_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
            c == '_'
                || crate::value::yaml::gounicode::is_letter(c)
                || crate::value::yaml::gounicode::is_digit(c)
        })
}

fn is_posix_class(name: &str) -> bool {
    let inner = name
        .strip_prefix("[:")
        .and_then(|n| n.strip_suffix(":]"))
        .unwrap_or("");
    let inner = inner.strip_prefix('^').unwrap_or(inner);
    matches!(
        inner,
        "alnum"
            | "alpha"
            | "ascii"
            | "blank"
            | "cntrl"
            | "digit"
            | "graph"
            | "lower"
            | "print"
            | "punct"
            | "space"
            | "upper"
            | "word"
            | "xdigit"
    )
}

/// `\d \D \s \S \w \W` with Go's ASCII meaning, as the inside of a class.
fn parse_perl_class(t: &str) -> Option<(String, &str)> {
    let b = t.as_bytes();
    if b.len() < 2 || b[0] != b'\\' {
        return None;
    }
    let class = match b[1] {
        b'd' => "0-9",
        b'D' => "^0-9",
        b's' => r"\t\n\x0C\r ",
        b'S' => r"^\t\n\x0C\r ",
        b'w' => "0-9A-Za-z_",
        b'W' => "^0-9A-Za-z_",
        _ => return None,
    };
    Some((class.to_owned(), &t[2..]))
}

/// `\pN`, `\p{Name}`, `\PN`, `\P{^Name}` as the inside of a class; the
/// name is checked by the `regex` crate's Unicode tables.
fn parse_unicode_class(s: &str) -> Result<Option<(String, &str)>, SyntaxError> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
        return Ok(None);
    }
    let mut negate = b[1] == b'P';
    let t = &s[2..];
    let Some(c) = t.chars().next() else {
        return Err(err(ERR_INVALID_CHAR_RANGE, s));
    };
    let (seq, name, rest) = if c != '{' {
        let seq = &s[..2 + c.len_utf8()];
        (seq, &seq[2..], &t[c.len_utf8()..])
    } else {
        let Some(end) = s.find('}') else {
            return Err(err(ERR_INVALID_CHAR_RANGE, s));
        };
        (&s[..=end], &s[3..end], &s[end + 1..])
    };
    let name = match name.strip_prefix('^') {
        Some(n) => {
            negate = !negate;
            n
        }
        None => name,
    };
    if !is_unicode_class_name(name) {
        return Err(err(ERR_INVALID_CHAR_RANGE, seq));
    }
    let class = format!("{}\\p{{{name}}}", if negate { "^" } else { "" });
    Ok(Some((class, rest)))
}

/// Whether Go knows the Unicode class: `Any`, a general category or a
/// script. Since Go 1.25 names are matched loosely (case, spaces, `_` and
/// `-` ignored; long category names allowed), as the `regex` crate's are,
/// so its tables decide.
fn is_unicode_class_name(name: &str) -> bool {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-'))
    {
        return false;
    }
    regex_syntax_accepts(&format!("\\p{{{name}}}"))
}

fn regex_syntax_accepts(pattern: &str) -> bool {
    regex::Regex::new(pattern).is_ok()
}

/// Go's `parseClassChar`.
fn parse_class_char<'t>(s: &'t str, whole_class: &str) -> Result<(char, &'t str), SyntaxError> {
    let Some(c) = s.chars().next() else {
        return Err(err(ERR_MISSING_BRACKET, whole_class));
    };
    if c == '\\' {
        return parse_escape(s);
    }
    Ok((c, &s[c.len_utf8()..]))
}

/// Go's `parseEscape`: one escaped character.
fn parse_escape(s: &str) -> Result<(char, &str), SyntaxError> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(err(ERR_TRAILING_BACKSLASH, ""));
    };
    let mut t = &t[c.len_utf8()..];
    let invalid = |t: &str| err(ERR_INVALID_ESCAPE, &s[..s.len() - t.len()]);
    match c {
        '1'..='7'
            if !t
                .as_bytes()
                .first()
                .is_some_and(|b| (b'0'..=b'7').contains(b)) => {}
        '0'..='7' => {
            let mut r = u32::from(c) - u32::from('0');
            for _ in 1..3 {
                match t.as_bytes().first() {
                    Some(b @ b'0'..=b'7') => {
                        r = r * 8 + u32::from(b - b'0');
                        t = &t[1..];
                    }
                    _ => break,
                }
            }
            return Ok((char::from_u32(r).unwrap_or('\0'), t));
        }
        'x' => {
            let Some(c1) = t.chars().next() else {
                return Err(invalid(t));
            };
            t = &t[c1.len_utf8()..];
            if c1 == '{' {
                let mut nhex = 0;
                let mut r: u32 = 0;
                loop {
                    let Some(d) = t.chars().next() else {
                        return Err(invalid(t));
                    };
                    t = &t[d.len_utf8()..];
                    if d == '}' {
                        break;
                    }
                    let Some(v) = d.to_digit(16) else {
                        return Err(invalid(t));
                    };
                    r = r * 16 + v;
                    if r > 0x10FFFF {
                        return Err(invalid(t));
                    }
                    nhex += 1;
                }
                if nhex == 0 {
                    return Err(invalid(t));
                }
                // Go accepts surrogate code points; they can never match
                // UTF-8 text, which U+FFFD-free Rust strings are.
                return Ok((char::from_u32(r).unwrap_or('\u{FFFF}'), t));
            }
            let x = c1.to_digit(16);
            let c2 = t.chars().next();
            if let Some(c2) = c2 {
                t = &t[c2.len_utf8()..];
            }
            match (x, c2.and_then(|c| c.to_digit(16))) {
                (Some(x), Some(y)) => return Ok((char::from_u32(x * 16 + y).unwrap_or('\0'), t)),
                _ => return Err(invalid(t)),
            }
        }
        'a' => return Ok(('\u{7}', t)),
        'f' => return Ok(('\u{C}', t)),
        'n' => return Ok(('\n', t)),
        'r' => return Ok(('\r', t)),
        't' => return Ok(('\t', t)),
        'v' => return Ok(('\u{B}', t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => return Ok((c, t)),
        _ => {}
    }
    Err(invalid(t))
}

fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

/// Writes the `regex` crate's spelling of a node.
fn emit(n: &Node, out: &mut String) {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, || match &n.op {
        Op::Atom(text) => out.push_str(text),
        Op::Concat => {
            for s in &n.subs {
                if matches!(s.op, Op::Alternate) {
                    out.push_str("(?:");
                    emit(s, out);
                    out.push(')');
                } else {
                    emit(s, out);
                }
            }
        }
        Op::Alternate => {
            for (i, s) in n.subs.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(s, out);
            }
        }
        Op::Capture => {
            out.push('(');
            if let Some(s) = n.subs.first() {
                emit(s, out);
            }
            out.push(')');
        }
        Op::Star(g) | Op::Plus(g) | Op::Quest(g) | Op::Repeat { greedy: g, .. } => {
            out.push_str("(?:");
            if let Some(s) = n.subs.first() {
                emit(s, out);
            }
            out.push(')');
            match n.op {
                Op::Star(_) => out.push('*'),
                Op::Plus(_) => out.push('+'),
                Op::Quest(_) => out.push('?'),
                Op::Repeat { min, max, .. } => {
                    if max == -1 {
                        let _ = write!(out, "{{{min},}}");
                    } else if min == max {
                        let _ = write!(out, "{{{min}}}");
                    } else {
                        let _ = write!(out, "{{{min},{max}}}");
                    }
                }
                _ => {}
            }
            if !g {
                out.push('?');
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go_err(p: &str) -> String {
        match compile(p) {
            Err(CompileError::Go(m)) => m,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn go_errors() {
        assert_eq!(go_err("("), "error parsing regexp: missing closing ): `(`");
        assert_eq!(
            go_err("a{1001}"),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
        assert_eq!(
            go_err("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            go_err("[a"),
            "error parsing regexp: missing closing ]: `[a`"
        );
        assert_eq!(
            go_err("\\q"),
            "error parsing regexp: invalid escape sequence: `\\q`"
        );
        assert_eq!(
            go_err("*"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            go_err("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert_eq!(go_err(")"), "error parsing regexp: unexpected ): `)`");
        assert_eq!(
            go_err("(?P<>a)"),
            "error parsing regexp: invalid named capture: `(?P<>`"
        );
        assert_eq!(
            go_err("(?=a)"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        );
        assert_eq!(
            go_err("a\\"),
            "error parsing regexp: trailing backslash at end of expression: ``"
        );
    }

    #[test]
    fn compiled_size_limit_both_sides() {
        // The same pattern under a limit it fits and one it does not.
        let pattern = "[a-z]{500}";
        assert!(compile_uncached(pattern, MAX_REGEX_SIZE).is_ok());
        assert!(matches!(
            compile_uncached(pattern, 1000),
            Err(CompileError::Limit(_))
        ));
        // Through the template function, the limit stops the render.
        assert!(must(pattern).is_ok());
    }

    #[test]
    fn cache_is_bounded_both_sides() {
        CACHE.with(|c| c.borrow_mut().clear());
        for i in 0..MAX_REGEX_CACHE {
            compile(&format!("cache-{i}")).unwrap();
        }
        assert_eq!(CACHE.with(|c| c.borrow().len()), MAX_REGEX_CACHE);
        compile("one-more").unwrap();
        assert_eq!(CACHE.with(|c| c.borrow().len()), 1);
    }

    #[test]
    fn ascii_classes_and_quoting() {
        let re = compile(r"\d+").unwrap();
        assert_eq!(re.all_matches("12 ٣٤ 5", -1).len(), 2);
        let re = compile(r"\Qa.b\E+").unwrap();
        assert_eq!(re.find("a.bbb"), "a.bbb");
        let re = compile(r"[[]").unwrap();
        assert!(re.is_match("["));
    }
}
