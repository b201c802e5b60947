//! `.helmignore`: Helm's `pkg/ignore` rules, with Go's `filepath.Match`.
//!
//! A rule is a `filepath.Match` pattern. A leading `!` negates it, a
//! trailing `/` restricts it to folders, a leading `/` anchors it at the
//! chart root; a pattern with a `/` inside is matched against the whole
//! path, one without against the base name. `**` is refused. Rules are
//! tried in order and the first match decides, which makes a negated rule
//! odd: `!keep.txt` ignores *everything but* `keep.txt` (Chart.yaml too).

use std::cell::Cell;

/// Go's `filepath.ErrBadPattern` text.
const BAD_PATTERN: &str = "syntax error in pattern";

/// Go's `bufio.MaxScanTokenSize`: `.helmignore` lines must be shorter.
const MAX_LINE: usize = 64 * 1024;

/// A parsed `.helmignore`.
#[derive(Debug, Default)]
pub(super) struct Rules {
    patterns: Vec<Pattern>,
}

#[derive(Debug)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Leading `/`: matched against the path from the root.
    Rooted,
    /// A `/` inside: matched against the path.
    Path,
    /// Matched against the base name.
    Base,
}

/// Why a `.helmignore` could not be used: Helm's message, or our limit.
#[derive(Debug)]
pub(super) enum ParseError {
    /// Helm refuses the file, with this message.
    Helm(String),
    /// More rules than we allow.
    TooManyRules,
}

impl Rules {
    /// Helm's `ignore.Parse`: one rule per line.
    pub(super) fn parse(text: &[u8], max_rules: usize) -> Result<Rules, ParseError> {
        let mut rules = Rules::default();
        let mut rest = text;
        while !rest.is_empty() {
            let (line, next) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            if line.len() >= MAX_LINE {
                return Err(ParseError::Helm("bufio.Scanner: token too long".to_owned()));
            }
            rest = next;
            // bufio.ScanLines drops one trailing \r.
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = String::from_utf8_lossy(line);
            rules.parse_rule(&line)?;
            if rules.patterns.len() > max_rules {
                return Err(ParseError::TooManyRules);
            }
        }
        Ok(rules)
    }

    /// Helm's `AddDefaults`: dot files in `templates/` are ignored.
    pub(super) fn add_defaults(&mut self) {
        // The default rule is valid; parse_rule cannot fail on it.
        let _ = self.parse_rule("templates/.?*");
    }

    fn parse_rule(&mut self, rule: &str) -> Result<(), ParseError> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(ParseError::Helm(
                "double-star (**) syntax is not supported".to_owned(),
            ));
        }
        // Helm validates the raw rule (with its `!` and `/`) against a
        // non-empty name, which checks the whole pattern.
        let unlimited = Cell::new(u64::MAX);
        if go_match(rule, "abc", &unlimited).is_err() {
            return Err(ParseError::Helm(BAD_PATTERN.to_owned()));
        }
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (Kind::Rooted, r)
        } else if rule.contains('/') {
            (Kind::Path, rule)
        } else {
            (Kind::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.to_owned(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Helm's `Rules.Ignore`. `Err` means the matching work budget is spent.
    pub(super) fn ignore(&self, path: &str, is_dir: bool, work: &Cell<u64>) -> Result<bool, ()> {
        if path.is_empty() || path == "." || path == "./" {
            return Ok(false);
        }
        for p in &self.patterns {
            let matched = || -> Result<bool, ()> {
                let name = match p.kind {
                    Kind::Rooted | Kind::Path => path,
                    Kind::Base => go_base(path),
                };
                match go_match(&p.rule, name, work) {
                    Ok(m) => Ok(m),
                    Err(MatchError::Bad) => Ok(false),
                    Err(MatchError::Budget) => Err(()),
                }
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return Ok(true);
                }
                if !matched()? {
                    return Ok(true);
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched()? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Go's `filepath.Base` (Unix).
fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum MatchError {
    /// `filepath.ErrBadPattern`.
    Bad,
    /// Our work budget is spent.
    Budget,
}

fn spend(work: &Cell<u64>) -> Result<(), MatchError> {
    let left = work.get();
    if left == 0 {
        return Err(MatchError::Budget);
    }
    work.set(left - 1);
    Ok(())
}

/// Go's `path/filepath.Match` on Unix (`\` escapes), charging every step
/// to `work`.
fn go_match(pattern: &str, name: &str, work: &Cell<u64>) -> Result<bool, MatchError> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing * matches the rest unless it has a /.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name, work)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return Err(MatchError::Bad);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..], work)?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if err {
                    return Err(MatchError::Bad);
                }
                i += 1;
            }
        }
        // Before failing, check that the rest of the pattern is valid.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            let (_, _, err) = match_chunk(chunk, b"", work)?;
            if err {
                return Err(MatchError::Bad);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Go's `scanChunk`: leading stars, then up to the next star outside `[]`.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some(rest) = pattern.strip_prefix(b"*") {
        pattern = rest;
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // An escape: skip the escaped byte (a bad trailing `\` is
            // reported by match_chunk).
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Go's `matchChunk`: `(rest, ok, bad_pattern)`.
fn match_chunk<'a>(
    mut chunk: &[u8],
    mut s: &'a [u8],
    work: &Cell<u64>,
) -> Result<(&'a [u8], bool, bool), MatchError> {
    let mut failed = false;
    while !chunk.is_empty() {
        spend(work)?;
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r: u32 = 0;
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    spend(work)?;
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Some((lo, rest)) = get_esc(chunk) else {
                        return Ok((b"", false, true));
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let Some((h, rest)) = get_esc(&chunk[1..]) else {
                            return Ok((b"", false, true));
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let c = if c == b'\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&c) => c,
                        None => return Ok((b"", false, true)),
                    }
                } else {
                    c
                };
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((b"", false, false));
    }
    Ok((s, true, false))
}

/// Go's `getEsc`: one (possibly escaped) rune of a character class; `None`
/// is `ErrBadPattern`. The rest is never empty on success.
fn get_esc(chunk: &[u8]) -> Option<(u32, &[u8])> {
    let mut chunk = chunk;
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return None;
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return None;
        }
    }
    let (r, n) = decode_rune(chunk);
    if r == 0xFFFD && n == 1 {
        return None;
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return None;
    }
    Some((r, rest))
}

/// Go's `utf8.DecodeRuneInString`: `(U+FFFD, 1)` for an invalid byte,
/// `(U+FFFD, 0)` for empty input.
fn decode_rune(s: &[u8]) -> (u32, usize) {
    if s.is_empty() {
        return (0xFFFD, 0);
    }
    let len = match s[0] {
        0x00..=0x7F => return (u32::from(s[0]), 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (0xFFFD, 1),
    };
    match s.get(..len).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(c) => (c.chars().next().map_or(0xFFFD, u32::from), len),
        None => (0xFFFD, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> Result<bool, MatchError> {
        go_match(p, n, &Cell::new(u64::MAX))
    }

    #[test]
    fn filepath_match_is_go() {
        // Cases from Go's path/filepath match_test.go.
        assert_eq!(m("abc", "abc"), Ok(true));
        assert_eq!(m("*", "abc"), Ok(true));
        assert_eq!(m("*c", "abc"), Ok(true));
        assert_eq!(m("a*", "a"), Ok(true));
        assert_eq!(m("a*", "abc"), Ok(true));
        assert_eq!(m("a*", "ab/c"), Ok(false));
        assert_eq!(m("a*/b", "abc/b"), Ok(true));
        assert_eq!(m("a*/b", "a/c/b"), Ok(false));
        assert_eq!(m("a*b*c*d*e*/f", "axbxcxdxe/f"), Ok(true));
        assert_eq!(m("a*b*c*d*e*/f", "axbxcxdxexxx/f"), Ok(true));
        assert_eq!(m("a*b*c*d*e*/f", "axbxcxdxe/xxx/f"), Ok(false));
        assert_eq!(m("a*b?c*x", "abxbbxdbxebxczzx"), Ok(true));
        assert_eq!(m("a*b?c*x", "abxbbxdbxebxczzy"), Ok(false));
        assert_eq!(m("ab[c]", "abc"), Ok(true));
        assert_eq!(m("ab[b-d]", "abc"), Ok(true));
        assert_eq!(m("ab[e-g]", "abc"), Ok(false));
        assert_eq!(m("ab[^c]", "abc"), Ok(false));
        assert_eq!(m("ab[^b-d]", "abc"), Ok(false));
        assert_eq!(m("ab[^e-g]", "abc"), Ok(true));
        assert_eq!(m("a\\*b", "a*b"), Ok(true));
        assert_eq!(m("a\\*b", "ab"), Ok(false));
        assert_eq!(m("a?b", "a☺b"), Ok(true));
        assert_eq!(m("a[^a]b", "a☺b"), Ok(true));
        assert_eq!(m("a???b", "a☺b"), Ok(false));
        assert_eq!(m("a[!a]b", "a☺b"), Ok(false));
        assert_eq!(m("*x", "xxx"), Ok(true));
        assert_eq!(m("[", "a"), Err(MatchError::Bad));
        assert_eq!(m("[^", "a"), Err(MatchError::Bad));
        assert_eq!(m("[^bc", "a"), Err(MatchError::Bad));
        assert_eq!(m("a[", "a"), Err(MatchError::Bad));
        assert_eq!(m("a[", "ab"), Err(MatchError::Bad));
        assert_eq!(m("a[", "x"), Err(MatchError::Bad));
        assert_eq!(m("a/b[", "x"), Err(MatchError::Bad));
        assert_eq!(m("*x", "xxx"), Ok(true));
        assert_eq!(m("[]a]", "]"), Err(MatchError::Bad));
        assert_eq!(m("[-]", "-"), Err(MatchError::Bad));
        assert_eq!(m("[x-]", "x"), Err(MatchError::Bad));
        assert_eq!(m("[x-]", "-"), Err(MatchError::Bad));
        assert_eq!(m("[x-]", "z"), Err(MatchError::Bad));
        assert_eq!(m("[-x]", "x"), Err(MatchError::Bad));
        assert_eq!(m("\\", "a"), Err(MatchError::Bad));
        assert_eq!(m("[a-b-c]", "a"), Err(MatchError::Bad));
        assert_eq!(m("[", "a"), Err(MatchError::Bad));
        assert_eq!(m("*x", "xxx"), Ok(true));
        assert_eq!(m("a[b-c]*", "ab"), Ok(true));
    }

    #[test]
    fn rules_follow_helm() {
        let rules = Rules::parse(
            b"secret*\n*.bak\n/top.txt\nsub/\n# c\n  spaced.txt  \r\n",
            100,
        )
        .unwrap();
        let w = Cell::new(u64::MAX);
        let ig = |p: &str, d: bool| rules.ignore(p, d, &w).unwrap();
        assert!(ig("secret.txt", false));
        assert!(ig("a/secret.txt", false));
        assert!(ig("x.bak", false));
        assert!(ig("top.txt", false));
        assert!(!ig("a/top.txt", false));
        assert!(ig("sub", true));
        assert!(ig("a/sub", true));
        assert!(!ig("sub", false));
        assert!(ig("spaced.txt", false));
        let neg = Rules::parse(b"!keep.txt\n", 100).unwrap();
        assert!(neg.ignore("Chart.yaml", false, &w).unwrap());
        assert!(!neg.ignore("keep.txt", false, &w).unwrap());
        assert!(matches!(
            Rules::parse(b"a/**\n", 100),
            Err(ParseError::Helm(_))
        ));
        assert!(matches!(
            Rules::parse(b"[\n", 100),
            Err(ParseError::Helm(_))
        ));
        assert!(matches!(
            Rules::parse(b"a\nb\nc\n", 2),
            Err(ParseError::TooManyRules)
        ));
    }

    #[test]
    fn work_is_bounded() {
        // Go's Match never backtracks across stars, but a long chunk after
        // a star is tried at every position of the name.
        let w = Cell::new(1000);
        let pattern = format!("*{}b", "a".repeat(100));
        let name = "a".repeat(200);
        assert_eq!(go_match(&pattern, &name, &w), Err(MatchError::Budget));
        let w = Cell::new(u64::MAX);
        assert_eq!(go_match(&pattern, &name, &w), Ok(false));
    }
}
