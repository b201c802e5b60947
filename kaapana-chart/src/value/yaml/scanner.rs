//! The tokenizer of go-yaml v2 (a Go port of libyaml), re-implemented.
//!
//! Helm reads YAML with go-yaml v2, whose scanner is libyaml's. Which
//! documents it accepts, which it rejects, and the exact error text and line
//! number all follow from libyaml's algorithm: its "simple key" bookkeeping,
//! its token look-ahead, and even its input buffering (a control character is
//! reported when the 512-byte chunk holding it is decoded, which may be before
//! or after a syntax error elsewhere). A YAML 1.2 parser disagrees with it on
//! many inputs (tabs after `:`, `'x'#c`, `&a.b`, `%YAML 1.2`…), so this module
//! follows libyaml step by step instead, keeping its structure (and its
//! function names in the comments) so that it can be checked against it.
//!
//! Positions (`Mark`) count characters, not bytes, as libyaml does.

use std::collections::VecDeque;

/// libyaml's `simple_keys_by_tok`: token number → slot in the simple-key
/// stack. Go keeps a map, from which entries are not always removed; the
/// stale ones matter (they decide how far the scanner looks ahead). Lookups
/// only ever ask for the next token to hand out, and token numbers only
/// grow, so a queue ordered by token number, purged from the front, holds
/// the same information without hashing.
#[derive(Default)]
struct KeyIndex {
    entries: VecDeque<(usize, usize)>,
}

impl KeyIndex {
    fn get(&mut self, tok: usize) -> Option<usize> {
        while self.entries.front().is_some_and(|&(t, _)| t < tok) {
            self.entries.pop_front();
        }
        match self.entries.front() {
            Some(&(t, idx)) if t == tok => Some(idx),
            _ => None,
        }
    }

    fn insert(&mut self, tok: usize, idx: usize) {
        match self.entries.binary_search_by_key(&tok, |&(t, _)| t) {
            Ok(i) => {
                if let Some(e) = self.entries.get_mut(i) {
                    e.1 = idx;
                }
            }
            Err(i) => self.entries.insert(i, (tok, idx)),
        }
    }

    fn remove(&mut self, tok: usize) {
        if let Ok(i) = self.entries.binary_search_by_key(&tok, |&(t, _)| t) {
            self.entries.remove(i);
        }
    }
}

/// A position in the input: character index, 0-based line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

/// Which stage found a problem; go-yaml reports scanner lines one-based and
/// parser lines zero-based (sic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Reader,
    Scanner,
    Parser,
}

/// A libyaml error: the problem text and the marks go-yaml turns into
/// `yaml: line N: <problem>`.
#[derive(Debug, Clone)]
pub(super) struct SyntaxError {
    pub stage: Stage,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
}

impl SyntaxError {
    /// go-yaml's `parser.fail()`: the message after `yaml: `.
    pub fn message(&self) -> String {
        let mut line = 0;
        if self.problem_mark.line != 0 {
            line = self.problem_mark.line;
            // "Scanner errors don't iterate line before returning error".
            if self.stage == Stage::Scanner {
                line += 1;
            }
        } else if self.context_mark.line != 0 {
            line = self.context_mark.line;
        }
        if line != 0 {
            format!("line {line}: {}", self.problem)
        } else {
            self.problem.clone()
        }
    }
}

pub(super) type SResult<T> = Result<T, SyntaxError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TokenKind {
    StreamStart,
    StreamEnd,
    VersionDirective(u8, u8),
    TagDirective(Vec<u8>, Vec<u8>),
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(Vec<u8>),
    Anchor(Vec<u8>),
    /// Handle and suffix.
    Tag(Vec<u8>, Vec<u8>),
    /// The text is `text[range]` of the scanner's arena.
    Scalar(TextRange, ScalarStyle),
}

/// A scalar's text in the scanner's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct TextRange {
    pub start: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    pub end: Mark,
}

#[derive(Debug, Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

/// libyaml's limits (go-yaml v2 `max_flow_level`, `max_indents`).
const MAX_FLOW_LEVEL: usize = 10_000;
const MAX_INDENTS: usize = 10_000;
/// libyaml reads its input in chunks of this many bytes
/// (`input_raw_buffer_size`); see the module comment.
const RAW_CHUNK: usize = 512;

pub(super) struct Scanner<'a> {
    src: &'a [u8],
    /// Byte offset of the current character (libyaml's `buffer_pos`).
    pos: usize,
    mark: Mark,

    // Reader emulation (readerc.go): how much of the input has been read
    // into the raw buffer and decoded (validated) into the character buffer.
    read_end: usize,
    decoded: usize,
    unread: isize,
    eof: bool,
    encoding_known: bool,

    stream_start_produced: bool,
    stream_end_fetched: bool,
    stream_end_produced: bool,
    flow_level: usize,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    token_available: bool,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: KeyIndex,
    failed: bool,
    /// Every scalar's text, end to end: tokens refer to it by range, so a
    /// scalar costs no allocation of its own.
    text: Vec<u8>,
    /// A reusable buffer for the scalar being scanned.
    scratch: Vec<u8>,
}

#[inline]
fn width(b: u8) -> usize {
    if b & 0x80 == 0x00 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        0
    }
}

#[inline]
fn is_alpha_b(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[inline]
fn hex_val(b: u8) -> u32 {
    match b {
        b'A'..=b'F' => u32::from(b - b'A') + 10,
        b'a'..=b'f' => u32::from(b - b'a') + 10,
        _ => u32::from(b.wrapping_sub(b'0')),
    }
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a [u8]) -> Scanner<'a> {
        Scanner {
            src,
            pos: 0,
            mark: Mark::default(),
            read_end: 0,
            decoded: 0,
            unread: 0,
            eof: false,
            encoding_known: false,
            stream_start_produced: false,
            stream_end_fetched: false,
            stream_end_produced: false,
            flow_level: 0,
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: KeyIndex::default(),
            failed: false,
            text: Vec::with_capacity(src.len() / 2),
            scratch: Vec::new(),
        }
    }

    /// The text arena, once scanning is over.
    pub fn take_text(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.text)
    }

    /// A scratch buffer for a scalar's text.
    fn scalar_buffer(&mut self) -> Vec<u8> {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        s
    }

    /// Moves a scanned scalar into the arena and recycles the buffer.
    fn stash(&mut self, s: Vec<u8>) -> TextRange {
        let r = TextRange {
            start: self.text.len(),
            len: s.len(),
        };
        self.text.extend_from_slice(&s);
        self.scratch = s;
        r
    }

    // ---------------------------------------------------------------------
    // Character access. Beyond the input everything reads as NUL, which is
    // what libyaml's zero-padded buffer holds there.

    #[inline]
    fn at(&self, k: usize) -> u8 {
        self.src.get(self.pos + k).copied().unwrap_or(0)
    }

    #[inline]
    fn check(&self, c: u8) -> bool {
        self.at(0) == c
    }

    #[inline]
    fn is_z_at(&self, k: usize) -> bool {
        self.at(k) == 0
    }

    #[inline]
    fn is_blank_at(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }

    #[inline]
    fn is_break_at(&self, k: usize) -> bool {
        match self.at(k) {
            b'\r' | b'\n' => true,
            0xC2 => self.at(k + 1) == 0x85,
            0xE2 => self.at(k + 1) == 0x80 && matches!(self.at(k + 2), 0xA8 | 0xA9),
            _ => false,
        }
    }

    #[inline]
    fn is_breakz_at(&self, k: usize) -> bool {
        self.is_break_at(k) || self.is_z_at(k)
    }

    #[inline]
    fn is_blankz_at(&self, k: usize) -> bool {
        self.is_blank_at(k) || self.is_breakz_at(k)
    }

    #[inline]
    fn is_blankz(&self) -> bool {
        self.is_blankz_at(0)
    }

    #[inline]
    fn is_crlf(&self) -> bool {
        self.at(0) == b'\r' && self.at(1) == b'\n'
    }

    #[inline]
    fn is_bom(&self) -> bool {
        self.at(0) == 0xEF && self.at(1) == 0xBB && self.at(2) == 0xBF
    }

    // ---------------------------------------------------------------------
    // The reader (readerc.go), emulated over the in-memory input.

    #[inline]
    fn cache(&mut self, length: isize) -> SResult<()> {
        if self.unread >= length {
            Ok(())
        } else {
            self.update_buffer(length)
        }
    }

    fn reader_error(&mut self, problem: &str) -> SyntaxError {
        self.failed = true;
        SyntaxError {
            stage: Stage::Reader,
            problem: problem.to_owned(),
            problem_mark: Mark::default(),
            context_mark: Mark::default(),
        }
    }

    /// `yaml_parser_update_raw_buffer`: reads the next chunk of input.
    fn update_raw_buffer(&mut self) {
        if self.eof {
            return;
        }
        if self.read_end == self.src.len() {
            // The string read handler reports EOF on a read at the end.
            self.eof = true;
            return;
        }
        let kept = self.read_end - self.decoded;
        let room = RAW_CHUNK.saturating_sub(kept);
        self.read_end = (self.read_end + room).min(self.src.len());
    }

    fn determine_encoding(&mut self) {
        while !self.eof && self.read_end - self.decoded < 3 {
            self.update_raw_buffer();
        }
        if self.read_end - self.decoded >= 3 && self.src.get(..3) == Some(&[0xEF, 0xBB, 0xBF][..]) {
            self.decoded += 3;
            self.pos = 3;
        }
        self.encoding_known = true;
    }

    /// `yaml_parser_update_buffer`: makes at least `length` characters
    /// available, validating every character it decodes.
    fn update_buffer(&mut self, length: isize) -> SResult<()> {
        if self.unread >= length {
            return Ok(());
        }
        if !self.encoding_known {
            self.determine_encoding();
        }
        let mut first = true;
        while self.unread < length {
            if !first || self.decoded == self.read_end {
                self.update_raw_buffer();
            }
            first = false;
            while self.decoded < self.read_end {
                let b = self.src[self.decoded];
                if b.is_ascii() {
                    if !(b >= 0x20 && b != 0x7F || b == b'\t' || b == b'\n' || b == b'\r') {
                        return Err(self.reader_error("control characters are not allowed"));
                    }
                    self.decoded += 1;
                    self.unread += 1;
                    continue;
                }
                let w = width(b).max(1);
                if self.decoded + w > self.read_end {
                    // An incomplete character waits for the next chunk.
                    break;
                }
                // The input is valid UTF-8: assemble the code point.
                let ch = match w {
                    1 => u32::from(b),
                    _ => self.src[self.decoded + 1..self.decoded + w]
                        .iter()
                        .fold(u32::from(b) & (0x7F >> w), |acc, &c| {
                            (acc << 6) | u32::from(c & 0x3F)
                        }),
                };
                let allowed = matches!(ch, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85
                    | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
                if !allowed {
                    return Err(self.reader_error("control characters are not allowed"));
                }
                self.decoded += w;
                self.unread += 1;
            }
            if self.eof {
                self.unread += 1;
                break;
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------------
    // Moving through the input.

    #[inline]
    fn skip(&mut self) {
        self.mark.index += 1;
        self.mark.column += 1;
        self.unread -= 1;
        self.pos += width(self.at(0)).max(1);
    }

    fn skip_line(&mut self) {
        if self.is_crlf() {
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
            self.unread -= 2;
            self.pos += 2;
        } else if self.is_break_at(0) {
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
            self.unread -= 1;
            self.pos += width(self.at(0)).max(1);
        }
    }

    /// Copies the current character to `s` and advances.
    fn read(&mut self, s: &mut Vec<u8>) {
        let b = self.at(0);
        if b.is_ascii() && self.pos < self.src.len() {
            s.push(b);
            self.pos += 1;
            self.mark.index += 1;
            self.mark.column += 1;
            self.unread -= 1;
            return;
        }
        let w = width(b).max(1);
        let end = (self.pos + w).min(self.src.len());
        if self.pos < end {
            s.extend_from_slice(&self.src[self.pos..end]);
        } else {
            s.push(0);
        }
        self.pos += w;
        self.mark.index += 1;
        self.mark.column += 1;
        self.unread -= 1;
    }

    /// Copies a line break to `s` (as `\n`, or LS/PS as is) and advances.
    fn read_line(&mut self, s: &mut Vec<u8>) {
        let (b0, b1, b2) = (self.at(0), self.at(1), self.at(2));
        if b0 == b'\r' && b1 == b'\n' {
            s.push(b'\n');
            self.pos += 2;
            self.mark.index += 1;
            self.unread -= 1;
        } else if b0 == b'\r' || b0 == b'\n' {
            s.push(b'\n');
            self.pos += 1;
        } else if b0 == 0xC2 && b1 == 0x85 {
            s.push(b'\n');
            self.pos += 2;
        } else if b0 == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9) {
            s.extend_from_slice(&[b0, b1, b2]);
            self.pos += 3;
        } else {
            return;
        }
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
        self.unread -= 1;
    }

    // ---------------------------------------------------------------------
    // Token queue (what the parser sees).

    /// The next token, fetching as many as libyaml would.
    pub fn peek(&mut self) -> SResult<&Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        if self.tokens.is_empty() {
            return Err(self.internal_error());
        }
        self.tokens.front().ok_or_else(|| SyntaxError {
            stage: Stage::Parser,
            problem: "unknown problem parsing YAML content".to_owned(),
            problem_mark: Mark::default(),
            context_mark: Mark::default(),
        })
    }

    /// Removes the next token (after `peek`).
    pub fn skip_token(&mut self) -> Option<Token> {
        self.token_available = false;
        self.tokens_parsed += 1;
        let t = self.tokens.pop_front();
        if let Some(t) = &t {
            self.stream_end_produced = t.kind == TokenKind::StreamEnd;
        }
        t
    }

    pub fn stream_end_produced(&self) -> bool {
        self.stream_end_produced
    }

    fn internal_error(&mut self) -> SyntaxError {
        self.failed = true;
        SyntaxError {
            stage: Stage::Parser,
            problem: "unknown problem parsing YAML content".to_owned(),
            problem_mark: self.mark,
            context_mark: Mark::default(),
        }
    }

    fn scanner_error(&mut self, context_mark: Mark, problem: &str) -> SyntaxError {
        self.failed = true;
        SyntaxError {
            stage: Stage::Scanner,
            problem: problem.to_owned(),
            problem_mark: self.mark,
            context_mark,
        }
    }

    fn insert_token(&mut self, pos: Option<usize>, token: Token) {
        match pos {
            None => self.tokens.push_back(token),
            Some(p) => {
                let p = p.min(self.tokens.len());
                self.tokens.insert(p, token);
            }
        }
    }

    fn push_token(&mut self, kind: TokenKind, start: Mark, end: Mark) {
        self.tokens.push_back(Token { kind, start, end });
    }

    /// `yaml_parser_fetch_more_tokens`.
    fn fetch_more_tokens(&mut self) -> SResult<()> {
        if self.failed {
            return Err(self.internal_error());
        }
        loop {
            if !self.tokens.is_empty() {
                // Nothing follows STREAM-END (libyaml gets here only through
                // invalidated keys; this keeps that a certainty).
                if self.stream_end_fetched {
                    break;
                }
                let Some(idx) = self.simple_keys_by_tok.get(self.tokens_parsed) else {
                    break;
                };
                if !self.simple_key_is_valid(idx)? {
                    break;
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    /// `yaml_parser_fetch_next_token`: the dispatcher.
    fn fetch_next_token(&mut self) -> SResult<()> {
        self.cache(1)?;
        if !self.stream_start_produced {
            self.fetch_stream_start();
            return Ok(());
        }
        self.scan_to_next_token()?;
        self.unroll_indent(self.mark.column as isize);
        self.cache(4)?;

        if self.is_z_at(0) {
            return self.fetch_stream_end();
        }
        let c = self.at(0);
        let col0 = self.mark.column == 0;
        if col0 && c == b'%' {
            return self.fetch_directive();
        }
        if col0 && c == b'-' && self.at(1) == b'-' && self.at(2) == b'-' && self.is_blankz_at(3) {
            return self.fetch_document_indicator(TokenKind::DocumentStart);
        }
        if col0 && c == b'.' && self.at(1) == b'.' && self.at(2) == b'.' && self.is_blankz_at(3) {
            return self.fetch_document_indicator(TokenKind::DocumentEnd);
        }
        match c {
            b'[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            b'{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            b']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            b'}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            b',' => return self.fetch_flow_entry(),
            _ => {}
        }
        if c == b'-' && self.is_blankz_at(1) {
            return self.fetch_block_entry();
        }
        if c == b'?' && (self.flow_level > 0 || self.is_blankz_at(1)) {
            return self.fetch_key();
        }
        if c == b':' && (self.flow_level > 0 || self.is_blankz_at(1)) {
            return self.fetch_value();
        }
        match c {
            b'*' => return self.fetch_anchor(true),
            b'&' => return self.fetch_anchor(false),
            b'!' => return self.fetch_tag(),
            b'|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            b'>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            b'\'' => return self.fetch_flow_scalar(true),
            b'"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        // A plain scalar may start with any non-blank character except the
        // indicators; '-', '?' and ':' may start one when followed by a
        // non-space character (libyaml's rule, stricter than the spec).
        let indicator = matches!(
            c,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        );
        if !(self.is_blankz() || indicator)
            || (c == b'-' && !self.is_blank_at(1))
            || (self.flow_level == 0 && (c == b'?' || c == b':') && !self.is_blankz_at(1))
        {
            return self.fetch_plain_scalar();
        }
        let mark = self.mark;
        Err(self.scanner_error(mark, "found character that cannot start any token"))
    }

    /// `yaml_simple_key_is_valid`: whether the key at `idx` may still be a
    /// simple key; errors when a required one became impossible.
    fn simple_key_is_valid(&mut self, idx: usize) -> SResult<bool> {
        let Some(key) = self.simple_keys.get(idx).copied() else {
            return Ok(false);
        };
        if !key.possible {
            return Ok(false);
        }
        // A simple key is limited to one line and 1024 characters.
        if key.mark.line < self.mark.line || key.mark.index + 1024 < self.mark.index {
            if key.required {
                return Err(self.scanner_error(key.mark, "could not find expected ':'"));
            }
            if let Some(k) = self.simple_keys.get_mut(idx) {
                k.possible = false;
            }
            return Ok(false);
        }
        Ok(true)
    }

    fn save_simple_key(&mut self) -> SResult<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as isize;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len().saturating_sub(1);
            if let Some(slot) = self.simple_keys.get_mut(last) {
                *slot = key;
            }
            self.simple_keys_by_tok.insert(key.token_number, last);
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> SResult<()> {
        let last = self.simple_keys.len().saturating_sub(1);
        let Some(key) = self.simple_keys.get(last).copied() else {
            return Ok(());
        };
        if key.possible {
            if key.required {
                return Err(self.scanner_error(key.mark, "could not find expected ':'"));
            }
            if let Some(k) = self.simple_keys.get_mut(last) {
                k.possible = false;
            }
            self.simple_keys_by_tok.remove(key.token_number);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> SResult<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_FLOW_LEVEL {
            let mark = self.simple_keys.last().map(|k| k.mark).unwrap_or_default();
            return Err(
                self.scanner_error(mark, &format!("exceeded max depth of {MAX_FLOW_LEVEL}"))
            );
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(key) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(key.token_number);
            }
        }
    }

    /// `yaml_parser_roll_indent`. `number` is the absolute token number to
    /// insert before, or `None` to append.
    fn roll_indent(
        &mut self,
        column: usize,
        number: Option<usize>,
        kind: TokenKind,
        mark: Mark,
    ) -> SResult<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        let column = column as isize;
        if self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
            if self.indents.len() > MAX_INDENTS {
                let m = self.simple_keys.last().map(|k| k.mark).unwrap_or_default();
                return Err(self.scanner_error(m, &format!("exceeded max depth of {MAX_INDENTS}")));
            }
            let token = Token {
                kind,
                start: mark,
                end: mark,
            };
            let pos = number.map(|n| n.saturating_sub(self.tokens_parsed));
            self.insert_token(pos, token);
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let m = self.mark;
            self.push_token(TokenKind::BlockEnd, m, m);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_start(&mut self) {
        self.indent = -1;
        self.simple_keys.push(SimpleKey::default());
        self.simple_key_allowed = true;
        self.stream_start_produced = true;
        let m = self.mark;
        self.push_token(TokenKind::StreamStart, m, m);
    }

    fn fetch_stream_end(&mut self) -> SResult<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let m = self.mark;
        self.push_token(TokenKind::StreamEnd, m, m);
        self.stream_end_fetched = true;
        Ok(())
    }

    fn fetch_directive(&mut self) -> SResult<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> SResult<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        let end = self.mark;
        self.push_token(kind, start, end);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> SResult<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(kind, start, end);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> SResult<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(kind, start, end);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> SResult<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(TokenKind::FlowEntry, start, end);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> SResult<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return Err(
                    self.scanner_error(m, "block sequence entries are not allowed in this context")
                );
            }
            let (col, m) = (self.mark.column, self.mark);
            self.roll_indent(col, None, TokenKind::BlockSequenceStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(TokenKind::BlockEntry, start, end);
        Ok(())
    }

    fn fetch_key(&mut self) -> SResult<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return Err(self.scanner_error(m, "mapping keys are not allowed in this context"));
            }
            let (col, m) = (self.mark.column, self.mark);
            self.roll_indent(col, None, TokenKind::BlockMappingStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(TokenKind::Key, start, end);
        Ok(())
    }

    fn fetch_value(&mut self) -> SResult<()> {
        let idx = self.simple_keys.len().saturating_sub(1);
        if self.simple_key_is_valid(idx)? {
            let key = self.simple_keys.get(idx).copied().unwrap_or_default();
            // Insert the KEY token before the key's first token.
            let token = Token {
                kind: TokenKind::Key,
                start: key.mark,
                end: key.mark,
            };
            let pos = key.token_number.saturating_sub(self.tokens_parsed);
            self.insert_token(Some(pos), token);
            self.roll_indent(
                key.mark.column,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            )?;
            if let Some(k) = self.simple_keys.get_mut(idx) {
                k.possible = false;
            }
            self.simple_keys_by_tok.remove(key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    let m = self.mark;
                    return Err(
                        self.scanner_error(m, "mapping values are not allowed in this context")
                    );
                }
                let (col, m) = (self.mark.column, self.mark);
                self.roll_indent(col, None, TokenKind::BlockMappingStart, m)?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push_token(TokenKind::Value, start, end);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_anchor(alias)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_tag(&mut self) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_tag()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> SResult<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let token = self.scan_block_scalar(literal)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_flow_scalar(single)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_plain_scalar()?;
        self.tokens.push_back(token);
        Ok(())
    }

    /// `yaml_parser_scan_to_next_token`: skips whitespace and comments.
    fn scan_to_next_token(&mut self) -> SResult<()> {
        loop {
            self.cache(1)?;
            // libyaml tests for a BOM at the start of its buffer here; at a
            // line start that is the current character.
            if self.mark.column == 0 && self.is_bom() {
                self.skip();
            }
            self.cache(1)?;
            // Tabs are allowed in the flow context, and in the block
            // context except where a simple key may start (indentation).
            while self.check(b' ')
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.check(b'\t'))
            {
                self.skip();
                self.cache(1)?;
            }
            if self.check(b'#') {
                while !self.is_breakz_at(0) {
                    self.skip();
                    self.cache(1)?;
                }
            }
            if self.is_break_at(0) {
                self.cache(2)?;
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
        Ok(())
    }

    fn scan_directive(&mut self) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        let name = self.scan_directive_name(start)?;
        let kind = if name == b"YAML" {
            let (major, minor) = self.scan_version_directive_value(start)?;
            TokenKind::VersionDirective(major, minor)
        } else if name == b"TAG" {
            let (handle, prefix) = self.scan_tag_directive_value(start)?;
            TokenKind::TagDirective(handle, prefix)
        } else {
            return Err(self.scanner_error(start, "found unknown directive name"));
        };
        let end = self.mark;
        self.cache(1)?;
        while self.is_blank_at(0) {
            self.skip();
            self.cache(1)?;
        }
        if self.check(b'#') {
            while !self.is_breakz_at(0) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !self.is_breakz_at(0) {
            return Err(self.scanner_error(start, "did not find expected comment or line break"));
        }
        if self.is_break_at(0) {
            self.cache(2)?;
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_directive_name(&mut self, start: Mark) -> SResult<Vec<u8>> {
        self.cache(1)?;
        let mut s = Vec::new();
        while is_alpha_b(self.at(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if s.is_empty() {
            return Err(self.scanner_error(start, "could not find expected directive name"));
        }
        if !self.is_blankz() {
            return Err(self.scanner_error(start, "found unexpected non-alphabetical character"));
        }
        Ok(s)
    }

    fn scan_version_directive_value(&mut self, start: Mark) -> SResult<(u8, u8)> {
        self.cache(1)?;
        while self.is_blank_at(0) {
            self.skip();
            self.cache(1)?;
        }
        let major = self.scan_version_directive_number(start)?;
        if !self.check(b'.') {
            return Err(self.scanner_error(start, "did not find expected digit or '.' character"));
        }
        self.skip();
        let minor = self.scan_version_directive_number(start)?;
        Ok((major, minor))
    }

    fn scan_version_directive_number(&mut self, start: Mark) -> SResult<u8> {
        self.cache(1)?;
        let mut value: u8 = 0;
        let mut length = 0;
        while self.at(0).is_ascii_digit() {
            length += 1;
            if length > 2 {
                return Err(self.scanner_error(start, "found extremely long version number"));
            }
            value = value * 10 + (self.at(0) - b'0');
            self.skip();
            self.cache(1)?;
        }
        if length == 0 {
            return Err(self.scanner_error(start, "did not find expected version number"));
        }
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> SResult<(Vec<u8>, Vec<u8>)> {
        self.cache(1)?;
        while self.is_blank_at(0) {
            self.skip();
            self.cache(1)?;
        }
        let handle = self.scan_tag_handle(true, start)?;
        self.cache(1)?;
        if !self.is_blank_at(0) {
            return Err(self.scanner_error(start, "did not find expected whitespace"));
        }
        while self.is_blank_at(0) {
            self.skip();
            self.cache(1)?;
        }
        let prefix = self.scan_tag_uri(&[], start)?;
        self.cache(1)?;
        if !self.is_blankz() {
            return Err(self.scanner_error(start, "did not find expected whitespace or line break"));
        }
        Ok((handle, prefix))
    }

    fn scan_anchor(&mut self, alias: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut s = Vec::new();
        while is_alpha_b(self.at(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        let end = self.mark;
        let c = self.at(0);
        if s.is_empty()
            || !(self.is_blankz()
                || matches!(c, b'?' | b':' | b',' | b']' | b'}' | b'%' | b'@' | b'`'))
        {
            return Err(self.scanner_error(
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        let kind = if alias {
            TokenKind::Alias(s)
        } else {
            TokenKind::Anchor(s)
        };
        Ok(Token { kind, start, end })
    }

    fn scan_tag(&mut self) -> SResult<Token> {
        let start = self.mark;
        self.cache(2)?;
        let (handle, suffix);
        if self.at(1) == b'<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(&[], start)?;
            if !self.check(b'>') {
                return Err(self.scanner_error(start, "did not find the expected '>'"));
            }
            self.skip();
            handle = Vec::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h.len() > 1 && h.first() == Some(&b'!') && h.last() == Some(&b'!') {
                handle = h;
                suffix = self.scan_tag_uri(&[], start)?;
            } else {
                let s = self.scan_tag_uri(&h, start)?;
                if s.is_empty() {
                    // The '!' tag: handle '' and suffix '!'.
                    handle = Vec::new();
                    suffix = vec![b'!'];
                } else {
                    handle = vec![b'!'];
                    suffix = s;
                }
            }
        }
        self.cache(1)?;
        if !self.is_blankz() {
            return Err(self.scanner_error(start, "did not find expected whitespace or line break"));
        }
        let end = self.mark;
        Ok(Token {
            kind: TokenKind::Tag(handle, suffix),
            start,
            end,
        })
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> SResult<Vec<u8>> {
        self.cache(1)?;
        if !self.check(b'!') {
            return Err(self.tag_error(start, "did not find expected '!'"));
        }
        let mut s = Vec::new();
        self.read(&mut s);
        self.cache(1)?;
        while is_alpha_b(self.at(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if self.check(b'!') {
            self.read(&mut s);
        } else if directive && s != b"!" {
            return Err(self.tag_error(start, "did not find expected '!'"));
        }
        Ok(s)
    }

    /// libyaml's tag errors differ only in a context text go-yaml drops.
    fn tag_error(&mut self, start: Mark, problem: &str) -> SyntaxError {
        self.scanner_error(start, problem)
    }

    fn scan_tag_uri(&mut self, head: &[u8], start: Mark) -> SResult<Vec<u8>> {
        let mut s: Vec<u8> = Vec::new();
        let mut has_tag = !head.is_empty();
        if head.len() > 1 {
            s.extend_from_slice(&head[1..]);
        }
        self.cache(1)?;
        loop {
            let c = self.at(0);
            let uri_char = is_alpha_b(c)
                || matches!(
                    c,
                    b';' | b'/'
                        | b'?'
                        | b':'
                        | b'@'
                        | b'&'
                        | b'='
                        | b'+'
                        | b'$'
                        | b','
                        | b'.'
                        | b'!'
                        | b'~'
                        | b'*'
                        | b'\''
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'%'
                );
            if !uri_char {
                break;
            }
            if c == b'%' {
                self.scan_uri_escapes(start, &mut s)?;
            } else {
                self.read(&mut s);
            }
            self.cache(1)?;
            has_tag = true;
        }
        if !has_tag {
            return Err(self.tag_error(start, "did not find expected tag URI"));
        }
        Ok(s)
    }

    fn scan_uri_escapes(&mut self, start: Mark, s: &mut Vec<u8>) -> SResult<()> {
        let mut w: usize = 1024;
        while w > 0 {
            self.cache(3)?;
            if !(self.check(b'%')
                && self.at(1).is_ascii_hexdigit()
                && self.at(2).is_ascii_hexdigit())
            {
                return Err(self.tag_error(start, "did not find URI escaped octet"));
            }
            let octet = ((hex_val(self.at(1)) << 4) + hex_val(self.at(2))) as u8;
            if w == 1024 {
                w = width(octet);
                if w == 0 {
                    return Err(self.tag_error(start, "found an incorrect leading UTF-8 octet"));
                }
            } else if octet & 0xC0 != 0x80 {
                return Err(self.tag_error(start, "found an incorrect trailing UTF-8 octet"));
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    fn scan_block_scalar(&mut self, literal: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut chomping: i8 = 0;
        let mut increment: usize = 0;
        if self.check(b'+') || self.check(b'-') {
            chomping = if self.check(b'+') { 1 } else { -1 };
            self.skip();
            self.cache(1)?;
            if self.at(0).is_ascii_digit() {
                if self.check(b'0') {
                    return Err(
                        self.scanner_error(start, "found an indentation indicator equal to 0")
                    );
                }
                increment = usize::from(self.at(0) - b'0');
                self.skip();
            }
        } else if self.at(0).is_ascii_digit() {
            if self.check(b'0') {
                return Err(self.scanner_error(start, "found an indentation indicator equal to 0"));
            }
            increment = usize::from(self.at(0) - b'0');
            self.skip();
            self.cache(1)?;
            if self.check(b'+') || self.check(b'-') {
                chomping = if self.check(b'+') { 1 } else { -1 };
                self.skip();
            }
        }
        self.cache(1)?;
        while self.is_blank_at(0) {
            self.skip();
            self.cache(1)?;
        }
        if self.check(b'#') {
            while !self.is_breakz_at(0) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !self.is_breakz_at(0) {
            return Err(self.scanner_error(start, "did not find expected comment or line break"));
        }
        if self.is_break_at(0) {
            self.cache(2)?;
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent: usize = 0;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent as usize + increment
            } else {
                increment
            };
        }
        let mut s = self.scalar_buffer();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        self.cache(1)?;
        let mut leading_blank = false;
        while self.mark.column == indent && !self.is_z_at(0) {
            let trailing_blank = self.is_blank_at(0);
            if !literal
                && !leading_blank
                && !trailing_blank
                && leading_break.first() == Some(&b'\n')
            {
                if trailing_breaks.is_empty() {
                    s.push(b' ');
                }
            } else {
                s.extend_from_slice(&leading_break);
            }
            leading_break.clear();
            s.extend_from_slice(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = self.is_blank_at(0);
            while !self.is_breakz_at(0) {
                self.read(&mut s);
                self.cache(1)?;
            }
            self.cache(2)?;
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.extend_from_slice(&leading_break);
        }
        if chomping == 1 {
            s.extend_from_slice(&trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let range = self.stash(s);
        Ok(Token {
            kind: TokenKind::Scalar(range, style),
            start,
            end,
        })
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        breaks: &mut Vec<u8>,
        start: Mark,
        end: &mut Mark,
    ) -> SResult<()> {
        *end = self.mark;
        let mut max_indent = 0;
        loop {
            self.cache(1)?;
            while (*indent == 0 || self.mark.column < *indent) && self.check(b' ') {
                self.skip();
                self.cache(1)?;
            }
            if self.mark.column > max_indent {
                max_indent = self.mark.column;
            }
            if (*indent == 0 || self.mark.column < *indent) && self.check(b'\t') {
                return Err(self.scanner_error(
                    start,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !self.is_break_at(0) {
                break;
            }
            self.cache(2)?;
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            let min = (self.indent + 1).max(1) as usize;
            if *indent < min {
                *indent = min;
            }
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        let mut s = self.scalar_buffer();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        let mut whitespaces = Vec::new();
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz_at(3)
            {
                return Err(self.scanner_error(start, "found unexpected document indicator"));
            }
            if self.is_z_at(0) {
                return Err(self.scanner_error(start, "found unexpected end of stream"));
            }
            let mut leading_blanks = false;
            while !self.is_blankz() {
                let c = self.at(0);
                if single && c == b'\'' && self.at(1) == b'\'' {
                    s.push(b'\'');
                    self.skip();
                    self.skip();
                } else if (single && c == b'\'') || (!single && c == b'"') {
                    // The closing quote.
                    break;
                } else if !single && c == b'\\' && self.is_break_at(1) {
                    self.cache(3)?;
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == b'\\' {
                    let mut code_length = 0usize;
                    match self.at(1) {
                        b'0' => s.push(0),
                        b'a' => s.push(0x07),
                        b'b' => s.push(0x08),
                        b't' | b'\t' => s.push(0x09),
                        b'n' => s.push(0x0A),
                        b'v' => s.push(0x0B),
                        b'f' => s.push(0x0C),
                        b'r' => s.push(0x0D),
                        b'e' => s.push(0x1B),
                        b' ' => s.push(b' '),
                        b'"' => s.push(b'"'),
                        b'\'' => s.push(b'\''),
                        b'\\' => s.push(b'\\'),
                        b'N' => s.extend_from_slice(&[0xC2, 0x85]),
                        b'_' => s.extend_from_slice(&[0xC2, 0xA0]),
                        b'L' => s.extend_from_slice(&[0xE2, 0x80, 0xA8]),
                        b'P' => s.extend_from_slice(&[0xE2, 0x80, 0xA9]),
                        b'x' => code_length = 2,
                        b'u' => code_length = 4,
                        b'U' => code_length = 8,
                        _ => {
                            return Err(self.scanner_error(start, "found unknown escape character"));
                        }
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        self.cache(code_length as isize)?;
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            if !self.at(k).is_ascii_hexdigit() {
                                return Err(self.scanner_error(
                                    start,
                                    "did not find expected hexdecimal number",
                                ));
                            }
                            value = (value << 4) + hex_val(self.at(k));
                        }
                        match char::from_u32(value) {
                            Some(ch) => {
                                let mut buf = [0u8; 4];
                                s.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            None => {
                                return Err(self.scanner_error(
                                    start,
                                    "found invalid Unicode character escape code",
                                ));
                            }
                        }
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                }
                self.cache(2)?;
            }
            self.cache(1)?;
            if (single && self.check(b'\'')) || (!single && self.check(b'"')) {
                break;
            }
            while self.is_blank_at(0) || self.is_break_at(0) {
                if self.is_blank_at(0) {
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if leading_blanks {
                if leading_break.first() == Some(&b'\n') {
                    if trailing_breaks.is_empty() {
                        s.push(b' ');
                    } else {
                        s.extend_from_slice(&trailing_breaks);
                    }
                } else {
                    s.extend_from_slice(&leading_break);
                    s.extend_from_slice(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.extend_from_slice(&whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let end = self.mark;
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        let range = self.stash(s);
        Ok(Token {
            kind: TokenKind::Scalar(range, style),
            start,
            end,
        })
    }

    fn scan_plain_scalar(&mut self) -> SResult<Token> {
        let mut s = self.scalar_buffer();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        let mut whitespaces = Vec::new();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz_at(3)
            {
                break;
            }
            if self.check(b'#') {
                break;
            }
            while !self.is_blankz() {
                let c = self.at(0);
                if (c == b':' && self.is_blankz_at(1))
                    || (self.flow_level > 0 && matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.first() == Some(&b'\n') {
                            if trailing_breaks.is_empty() {
                                s.push(b' ');
                            } else {
                                s.extend_from_slice(&trailing_breaks);
                            }
                        } else {
                            s.extend_from_slice(&leading_break);
                            s.extend_from_slice(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.extend_from_slice(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                self.cache(2)?;
                // Fast path for the rest of a run of ordinary ASCII
                // characters: the same steps as the loop above, in bulk,
                // while enough input is decoded that `cache` has nothing
                // to do.
                while self.unread > 2 {
                    let c = self.at(0);
                    if !c.is_ascii_graphic()
                        || c == b':'
                        || (self.flow_level > 0
                            && matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                    {
                        break;
                    }
                    s.push(c);
                    self.pos += 1;
                    self.mark.index += 1;
                    self.mark.column += 1;
                    self.unread -= 1;
                }
                end = self.mark;
            }
            if !(self.is_blank_at(0) || self.is_break_at(0)) {
                break;
            }
            self.cache(1)?;
            while self.is_blank_at(0) || self.is_break_at(0) {
                if self.is_blank_at(0) {
                    if leading_blanks && (self.mark.column as isize) < indent && self.check(b'\t') {
                        return Err(self.scanner_error(
                            start,
                            "found a tab character that violates indentation",
                        ));
                    }
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if self.flow_level == 0 && (self.mark.column as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        let range = self.stash(s);
        Ok(Token {
            kind: TokenKind::Scalar(range, ScalarStyle::Plain),
            start,
            end,
        })
    }
}
