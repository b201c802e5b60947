//! The event parser of go-yaml v2 (libyaml's `parserc.c`), re-implemented.
//!
//! It turns tokens into events following libyaml's LL(1) grammar:
//!
//! ```text
//! stream               ::= STREAM-START implicit_document? explicit_document* STREAM-END
//! implicit_document    ::= block_node DOCUMENT-END*
//! explicit_document    ::= DIRECTIVE* DOCUMENT-START block_node? DOCUMENT-END*
//! block_node           ::= ALIAS | properties block_content? | block_content
//! flow_node            ::= ALIAS | properties flow_content? | flow_content
//! properties           ::= TAG ANCHOR? | ANCHOR TAG?
//! block_sequence       ::= BLOCK-SEQUENCE-START (BLOCK-ENTRY block_node?)* BLOCK-END
//! indentless_sequence  ::= (BLOCK-ENTRY block_node?)+
//! block_mapping        ::= BLOCK-MAPPING_START ((KEY block_node_or_indentless_sequence?)?
//!                          (VALUE block_node_or_indentless_sequence?)?)* BLOCK-END
//! flow_sequence        ::= FLOW-SEQUENCE-START (flow_sequence_entry FLOW-ENTRY)*
//!                          flow_sequence_entry? FLOW-SEQUENCE-END
//! flow_sequence_entry  ::= flow_node | KEY flow_node? (VALUE flow_node?)?
//! flow_mapping         ::= FLOW-MAPPING-START (flow_mapping_entry FLOW-ENTRY)*
//!                          flow_mapping_entry? FLOW-MAPPING-END
//! flow_mapping_entry   ::= flow_node | KEY flow_node? (VALUE flow_node?)?
//! ```
//!
//! The state stack is explicit, so nesting depth costs heap, not stack.

use super::scanner::{
    Mark, SResult, ScalarStyle, Scanner, Stage, SyntaxError, TextRange, Token, TokenKind,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum EventKind {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: Vec<u8>,
    },
    Scalar {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
        /// The text, in the scanner's arena ([`Parser::take_text`]).
        value: TextRange,
        /// libyaml's `plain_implicit`: untagged plain scalar (or tag `!`).
        implicit: bool,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
    },
    MappingEnd,
}

#[derive(Debug, Clone)]
pub(super) struct Event {
    pub kind: EventKind,
}

/// A token's kind without its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tk {
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
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
    Alias,
    Anchor,
    Tag,
    Scalar,
}

impl Tk {
    fn of(k: &TokenKind) -> Tk {
        match k {
            TokenKind::StreamStart => Tk::StreamStart,
            TokenKind::StreamEnd => Tk::StreamEnd,
            TokenKind::VersionDirective(..) => Tk::VersionDirective,
            TokenKind::TagDirective(..) => Tk::TagDirective,
            TokenKind::DocumentStart => Tk::DocumentStart,
            TokenKind::DocumentEnd => Tk::DocumentEnd,
            TokenKind::BlockSequenceStart => Tk::BlockSequenceStart,
            TokenKind::BlockMappingStart => Tk::BlockMappingStart,
            TokenKind::BlockEnd => Tk::BlockEnd,
            TokenKind::FlowSequenceStart => Tk::FlowSequenceStart,
            TokenKind::FlowSequenceEnd => Tk::FlowSequenceEnd,
            TokenKind::FlowMappingStart => Tk::FlowMappingStart,
            TokenKind::FlowMappingEnd => Tk::FlowMappingEnd,
            TokenKind::BlockEntry => Tk::BlockEntry,
            TokenKind::FlowEntry => Tk::FlowEntry,
            TokenKind::Key => Tk::Key,
            TokenKind::Value => Tk::Value,
            TokenKind::Alias(_) => Tk::Alias,
            TokenKind::Anchor(_) => Tk::Anchor,
            TokenKind::Tag(..) => Tk::Tag,
            TokenKind::Scalar(..) => Tk::Scalar,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

pub(super) struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(Vec<u8>, Vec<u8>)>,
}

const DEFAULT_TAG_DIRECTIVES: [(&[u8], &[u8]); 2] = [(b"!", b"!"), (b"!!", b"tag:yaml.org,2002:")];

fn parser_error(problem: &str, problem_mark: Mark) -> SyntaxError {
    SyntaxError {
        stage: Stage::Parser,
        problem: problem.to_owned(),
        problem_mark,
        context_mark: Mark::default(),
    }
}

fn parser_error_context(context_mark: Mark, problem: &str, problem_mark: Mark) -> SyntaxError {
    SyntaxError {
        stage: Stage::Parser,
        problem: problem.to_owned(),
        problem_mark,
        context_mark,
    }
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a [u8]) -> Parser<'a> {
        Parser {
            scanner: Scanner::new(src),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
        }
    }

    /// The scanner's text arena, which scalar events point into.
    pub fn take_text(&mut self) -> Vec<u8> {
        self.scanner.take_text()
    }

    fn peek(&mut self) -> SResult<&Token> {
        self.scanner.peek()
    }

    /// The next token's kind and marks, without copying its text.
    fn peek_kind(&mut self) -> SResult<(Tk, Mark, Mark)> {
        let t = self.scanner.peek()?;
        Ok((Tk::of(&t.kind), t.start, t.end))
    }

    fn skip(&mut self) -> Option<Token> {
        self.scanner.skip_token()
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    /// The next event; `None` after the stream end.
    pub fn next(&mut self) -> SResult<Option<Event>> {
        if self.scanner.stream_end_produced() || self.state == State::End {
            return Ok(None);
        }
        self.state_machine().map(Some)
    }

    fn state_machine(&mut self) -> SResult<Event> {
        match self.state {
            State::StreamStart => self.parse_stream_start(),
            State::ImplicitDocumentStart => self.parse_document_start(true),
            State::DocumentStart => self.parse_document_start(false),
            State::DocumentContent => self.parse_document_content(),
            State::DocumentEnd => self.parse_document_end(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => self.parse_block_sequence_entry(true),
            State::BlockSequenceEntry => self.parse_block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.parse_block_mapping_key(true),
            State::BlockMappingKey => self.parse_block_mapping_key(false),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => self.parse_flow_sequence_entry(true),
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => self.parse_flow_sequence_entry_mapping_end(),
            State::FlowMappingFirstKey => self.parse_flow_mapping_key(true),
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.parse_flow_mapping_value(true),
            State::End => Err(parser_error(
                "unknown problem parsing YAML content",
                Mark::default(),
            )),
        }
    }

    fn event(kind: EventKind, start: Mark) -> Event {
        // go-yaml keeps event positions for its node lines, which only its
        // typed decoding errors use; `interface{}` decoding never does.
        let _ = start;
        Event { kind }
    }

    fn parse_stream_start(&mut self) -> SResult<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind != Tk::StreamStart {
            return Err(parser_error("did not find expected <stream-start>", start));
        }
        self.state = State::ImplicitDocumentStart;
        self.skip();
        Ok(Self::event(EventKind::StreamStart, start))
    }

    fn parse_document_start(&mut self, implicit: bool) -> SResult<Event> {
        let (mut kind, mut start, _) = self.peek_kind()?;
        if !implicit {
            while kind == Tk::DocumentEnd {
                self.skip();
                (kind, start, _) = self.peek_kind()?;
            }
        }
        let is_directive = matches!(kind, Tk::VersionDirective | Tk::TagDirective);
        if implicit && !is_directive && kind != Tk::DocumentStart && kind != Tk::StreamEnd {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            Ok(Self::event(EventKind::DocumentStart, start))
        } else if kind != Tk::StreamEnd {
            let doc_start = start;
            self.process_directives()?;
            let (kind, start, _) = self.peek_kind()?;
            if kind != Tk::DocumentStart {
                return Err(parser_error(
                    "did not find expected <document start>",
                    start,
                ));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip();
            Ok(Self::event(EventKind::DocumentStart, doc_start))
        } else {
            self.state = State::End;
            self.skip();
            Ok(Self::event(EventKind::StreamEnd, start))
        }
    }

    fn parse_document_content(&mut self) -> SResult<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if matches!(
            kind,
            Tk::VersionDirective
                | Tk::TagDirective
                | Tk::DocumentStart
                | Tk::DocumentEnd
                | Tk::StreamEnd
        ) {
            self.pop_state();
            return Ok(Self::empty_scalar(start));
        }
        self.parse_node(true, false)
    }

    fn parse_document_end(&mut self) -> SResult<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind == Tk::DocumentEnd {
            self.skip();
        }
        self.tag_directives.clear();
        self.state = State::DocumentStart;
        Ok(Self::event(EventKind::DocumentEnd, start))
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> SResult<Event> {
        let (kind, tok_start, _) = self.peek_kind()?;
        if kind == Tk::Alias {
            self.pop_state();
            let anchor = match self.skip() {
                Some(Token {
                    kind: TokenKind::Alias(a),
                    ..
                }) => a,
                _ => Vec::new(),
            };
            return Ok(Self::event(EventKind::Alias { anchor }, tok_start));
        }
        let mut start = tok_start;
        let mut anchor: Option<Vec<u8>> = None;
        let mut tag_parts: Option<(Vec<u8>, Vec<u8>)> = None;
        let mut tag_mark = Mark::default();
        let mut kind = kind;
        if kind == Tk::Anchor {
            anchor = self.take_anchor();
            let (k, s, _) = self.peek_kind()?;
            kind = k;
            if kind == Tk::Tag {
                tag_parts = self.take_tag();
                tag_mark = s;
                kind = self.peek_kind()?.0;
            }
        } else if kind == Tk::Tag {
            tag_parts = self.take_tag();
            start = tok_start;
            tag_mark = tok_start;
            kind = self.peek_kind()?.0;
            if kind == Tk::Anchor {
                anchor = self.take_anchor();
                kind = self.peek_kind()?.0;
            }
        }
        let mut tag: Vec<u8> = Vec::new();
        if let Some((handle, suffix)) = tag_parts {
            if handle.is_empty() {
                tag = suffix;
            } else {
                let prefix = self
                    .tag_directives
                    .iter()
                    .find(|(h, _)| *h == handle)
                    .map(|(_, p)| p.clone());
                match prefix {
                    Some(p) => {
                        tag = p;
                        tag.extend_from_slice(&suffix);
                    }
                    None => {
                        return Err(parser_error_context(
                            start,
                            "found undefined tag handle",
                            tag_mark,
                        ));
                    }
                }
                if tag.is_empty() {
                    return Err(parser_error_context(
                        start,
                        "found undefined tag handle",
                        tag_mark,
                    ));
                }
            }
        }
        let (_, tok_start, _) = self.peek_kind()?;
        if indentless_sequence && kind == Tk::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok(Self::event(EventKind::SequenceStart { anchor, tag }, start));
        }
        match kind {
            Tk::Scalar => {
                let (value, style) = match self.skip() {
                    Some(Token {
                        kind: TokenKind::Scalar(v, st),
                        ..
                    }) => (v, st),
                    _ => (TextRange::default(), ScalarStyle::Plain),
                };
                let implicit =
                    (tag.is_empty() && style == ScalarStyle::Plain) || tag.as_slice() == b"!";
                self.pop_state();
                Ok(Self::event(
                    EventKind::Scalar {
                        anchor,
                        tag,
                        value,
                        implicit,
                        style,
                    },
                    start,
                ))
            }
            Tk::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Ok(Self::event(EventKind::SequenceStart { anchor, tag }, start))
            }
            Tk::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Ok(Self::event(EventKind::MappingStart { anchor, tag }, start))
            }
            Tk::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Ok(Self::event(EventKind::SequenceStart { anchor, tag }, start))
            }
            Tk::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Ok(Self::event(EventKind::MappingStart { anchor, tag }, start))
            }
            _ if anchor.is_some() || !tag.is_empty() => {
                self.pop_state();
                let implicit = tag.is_empty();
                Ok(Self::event(
                    EventKind::Scalar {
                        anchor,
                        tag,
                        value: TextRange::default(),
                        implicit,
                        style: ScalarStyle::Plain,
                    },
                    start,
                ))
            }
            _ => Err(parser_error_context(
                start,
                "did not find expected node content",
                tok_start,
            )),
        }
    }

    fn empty_scalar(mark: Mark) -> Event {
        Self::event(
            EventKind::Scalar {
                anchor: None,
                tag: Vec::new(),
                value: TextRange::default(),
                implicit: true,
                style: ScalarStyle::Plain,
            },
            mark,
        )
    }

    fn push_first_mark(&mut self) -> SResult<()> {
        let start = self.peek()?.start;
        self.marks.push(start);
        self.skip();
        Ok(())
    }

    fn parse_block_sequence_entry(&mut self, first: bool) -> SResult<Event> {
        if first {
            self.push_first_mark()?;
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == Tk::BlockEntry {
            let mark = end;
            self.skip();
            let (kind, _, _) = self.peek_kind()?;
            if kind != Tk::BlockEntry && kind != Tk::BlockEnd {
                self.states.push(State::BlockSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(Self::empty_scalar(mark));
        }
        if kind == Tk::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok(Self::event(EventKind::SequenceEnd, start));
        }
        let context = self.marks.pop().unwrap_or_default();
        Err(parser_error_context(
            context,
            "did not find expected '-' indicator",
            start,
        ))
    }

    fn parse_indentless_sequence_entry(&mut self) -> SResult<Event> {
        let (kind, start, end) = self.peek_kind()?;
        if kind == Tk::BlockEntry {
            let mark = end;
            self.skip();
            let (kind, _, _) = self.peek_kind()?;
            if !matches!(kind, Tk::BlockEntry | Tk::Key | Tk::Value | Tk::BlockEnd) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(Self::empty_scalar(mark));
        }
        self.pop_state();
        Ok(Self::event(EventKind::SequenceEnd, start))
    }

    fn parse_block_mapping_key(&mut self, first: bool) -> SResult<Event> {
        if first {
            self.push_first_mark()?;
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == Tk::Key {
            let mark = end;
            self.skip();
            let (kind, _, _) = self.peek_kind()?;
            if !matches!(kind, Tk::Key | Tk::Value | Tk::BlockEnd) {
                self.states.push(State::BlockMappingValue);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(Self::empty_scalar(mark));
        }
        if kind == Tk::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok(Self::event(EventKind::MappingEnd, start));
        }
        let context = self.marks.pop().unwrap_or_default();
        Err(parser_error_context(
            context,
            "did not find expected key",
            start,
        ))
    }

    fn parse_block_mapping_value(&mut self) -> SResult<Event> {
        let (kind, start, end) = self.peek_kind()?;
        if kind == Tk::Value {
            let mark = end;
            self.skip();
            let (kind, _, _) = self.peek_kind()?;
            if !matches!(kind, Tk::Key | Tk::Value | Tk::BlockEnd) {
                self.states.push(State::BlockMappingKey);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(Self::empty_scalar(mark));
        }
        self.state = State::BlockMappingKey;
        Ok(Self::empty_scalar(start))
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> SResult<Event> {
        if first {
            self.push_first_mark()?;
        }
        let (mut kind, mut start, _) = self.peek_kind()?;
        if kind != Tk::FlowSequenceEnd {
            if !first {
                if kind == Tk::FlowEntry {
                    self.skip();
                    (kind, start, _) = self.peek_kind()?;
                } else {
                    let context = self.marks.pop().unwrap_or_default();
                    return Err(parser_error_context(
                        context,
                        "did not find expected ',' or ']'",
                        start,
                    ));
                }
            }
            if kind == Tk::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip();
                return Ok(Self::event(
                    EventKind::MappingStart {
                        anchor: None,
                        tag: Vec::new(),
                    },
                    start,
                ));
            } else if kind != Tk::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok(Self::event(EventKind::SequenceEnd, start))
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> SResult<Event> {
        let (kind, _, end) = self.peek_kind()?;
        if !matches!(kind, Tk::Value | Tk::FlowEntry | Tk::FlowSequenceEnd) {
            self.states.push(State::FlowSequenceEntryMappingValue);
            return self.parse_node(false, false);
        }
        let mark = end;
        self.skip();
        self.state = State::FlowSequenceEntryMappingValue;
        Ok(Self::empty_scalar(mark))
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> SResult<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind == Tk::Value {
            self.skip();
            let (kind, _, _) = self.peek_kind()?;
            if kind != Tk::FlowEntry && kind != Tk::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntryMappingEnd);
                return self.parse_node(false, false);
            }
        }
        // go-yaml marks the empty value at the token it peeked first (the
        // ':' when there was one; a Go variable-shadowing quirk).
        self.state = State::FlowSequenceEntryMappingEnd;
        Ok(Self::empty_scalar(start))
    }

    fn parse_flow_sequence_entry_mapping_end(&mut self) -> SResult<Event> {
        let (_, start, _) = self.peek_kind()?;
        self.state = State::FlowSequenceEntry;
        Ok(Self::event(EventKind::MappingEnd, start))
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> SResult<Event> {
        if first {
            self.push_first_mark()?;
        }
        let (mut kind, mut start, _) = self.peek_kind()?;
        if kind != Tk::FlowMappingEnd {
            if !first {
                if kind == Tk::FlowEntry {
                    self.skip();
                    (kind, start, _) = self.peek_kind()?;
                } else {
                    let context = self.marks.pop().unwrap_or_default();
                    return Err(parser_error_context(
                        context,
                        "did not find expected ',' or '}'",
                        start,
                    ));
                }
            }
            if kind == Tk::Key {
                self.skip();
                let (kind, start2, _) = self.peek_kind()?;
                if !matches!(kind, Tk::Value | Tk::FlowEntry | Tk::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.parse_node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(Self::empty_scalar(start2));
            } else if kind != Tk::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok(Self::event(EventKind::MappingEnd, start))
    }

    fn parse_flow_mapping_value(&mut self, empty: bool) -> SResult<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(Self::empty_scalar(start));
        }
        if kind == Tk::Value {
            self.skip();
            let (kind, start2, _) = self.peek_kind()?;
            if kind != Tk::FlowEntry && kind != Tk::FlowMappingEnd {
                self.states.push(State::FlowMappingKey);
                return self.parse_node(false, false);
            }
            self.state = State::FlowMappingKey;
            return Ok(Self::empty_scalar(start2));
        }
        self.state = State::FlowMappingKey;
        Ok(Self::empty_scalar(start))
    }

    /// `yaml_parser_process_directives`.
    fn process_directives(&mut self) -> SResult<()> {
        let mut version_seen = false;
        loop {
            let (kind, start, _) = self.peek_kind()?;
            match kind {
                Tk::VersionDirective => {
                    let Some(Token {
                        kind: TokenKind::VersionDirective(major, minor),
                        ..
                    }) = self.scanner.peek().ok().cloned()
                    else {
                        break;
                    };
                    if version_seen {
                        return Err(parser_error("found duplicate %YAML directive", start));
                    }
                    if major != 1 || minor != 1 {
                        return Err(parser_error("found incompatible YAML document", start));
                    }
                    version_seen = true;
                }
                Tk::TagDirective => {
                    let Some(Token {
                        kind: TokenKind::TagDirective(handle, prefix),
                        ..
                    }) = self.scanner.peek().ok().cloned()
                    else {
                        break;
                    };
                    if self.tag_directives.iter().any(|(h, _)| *h == handle) {
                        return Err(parser_error("found duplicate %TAG directive", start));
                    }
                    self.tag_directives.push((handle, prefix));
                }
                _ => break,
            }
            self.skip();
        }
        for (h, p) in DEFAULT_TAG_DIRECTIVES {
            if !self.tag_directives.iter().any(|(x, _)| x.as_slice() == h) {
                self.tag_directives.push((h.to_vec(), p.to_vec()));
            }
        }
        Ok(())
    }

    fn take_anchor(&mut self) -> Option<Vec<u8>> {
        match self.skip() {
            Some(Token {
                kind: TokenKind::Anchor(a),
                ..
            }) => Some(a),
            _ => None,
        }
    }

    fn take_tag(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        match self.skip() {
            Some(Token {
                kind: TokenKind::Tag(h, s),
                ..
            }) => Some((h, s)),
            _ => None,
        }
    }
}
