//! `.Files`: the chart's non-template files, as Helm's `engine.files`
//! (`pkg/engine/files.go`): a `map[string][]byte` with the methods `Get`,
//! `GetBytes`, `Glob`, `Lines`, `AsConfig` and `AsSecrets`.
//!
//! `Glob` uses gobwas/glob semantics with `/` as the separator: `*` and `?`
//! stop at `/`, `**` crosses it, `[a-z]`/`[!a-z]` are classes, `{a,b}` are
//! alternatives, `\` escapes. An invalid pattern matches everything, as
//! Helm falls back to `**`.

use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::value::json::base64_std;
use crate::value::{ElemType, GoKind, GoType, List, Object, Signature, Value};

/// A chart's files as templates see them.
///
/// ```
/// use kaapana_chart::files::Files;
///
/// let files = Files::new([("files/a.txt", b"a\nb\n".to_vec()), ("files/x/c.yaml", b"k: v".to_vec())]);
/// assert_eq!(files.get("files/a.txt"), Some(&b"a\nb\n"[..]));
/// assert_eq!(files.glob("files/*").names(), vec!["files/a.txt"]);
/// assert_eq!(files.glob("files/**").names().len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Files {
    map: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    /// Files from `(path, bytes)` pairs.
    pub fn new<I, N, D>(files: I) -> Files
    where
        I: IntoIterator<Item = (N, D)>,
        N: Into<String>,
        D: Into<Arc<[u8]>>,
    {
        Files {
            map: Arc::new(
                files
                    .into_iter()
                    .map(|(n, d)| (n.into(), d.into()))
                    .collect(),
            ),
        }
    }

    /// The bytes of a file.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.map.get(name).map(|d| &**d)
    }

    /// The file names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.map.keys().map(String::as_str).collect()
    }

    /// The files whose path matches the gobwas glob `pattern`.
    pub fn glob(&self, pattern: &str) -> Files {
        let glob = Glob::compile(pattern).unwrap_or(Glob::everything());
        Files {
            map: Arc::new(
                self.map
                    .iter()
                    .filter(|(n, _)| glob.matches(n))
                    .map(|(n, d)| (n.clone(), d.clone()))
                    .collect(),
            ),
        }
    }

    /// The value templates see as `.Files`.
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(self.clone()))
    }

    /// `toYAML` of a map from each file's base name to `f(content)`.
    fn as_yaml_map(&self, f: impl Fn(&[u8]) -> String) -> Value {
        let m: Value = self
            .map
            .iter()
            .map(|(k, v)| (base_name(k).to_owned(), Value::from(f(v))))
            .collect();
        let yaml = crate::value::to_yaml(&m).unwrap_or_default();
        Value::from(yaml.strip_suffix('\n').unwrap_or(&yaml).to_owned())
    }
}

/// Go's `path.Base`.
fn base_name(p: &str) -> &str {
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

fn bytes_value(d: &[u8]) -> Value {
    Value::Bytes(Arc::from(d))
}

impl Object for Files {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("engine.files")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Map
    }
    fn method(&self, name: &str) -> Option<Signature> {
        const S: &[GoType] = &[GoType::String];
        Some(match name {
            "Get" | "GetBytes" | "Glob" => Signature::fixed(S),
            "Lines" => Signature::fixed(S),
            "AsConfig" | "AsSecrets" => Signature::fixed(&[]),
            _ => return None,
        })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(match name {
            "Get" => {
                Value::from(String::from_utf8_lossy(self.get(arg).unwrap_or(b"")).into_owned())
            }
            "GetBytes" => bytes_value(self.get(arg).unwrap_or(b"")),
            "Glob" => self.glob(arg).to_value(),
            "Lines" => {
                let text = String::from_utf8_lossy(self.get(arg).unwrap_or(b"")).into_owned();
                // Helm 4 drops one trailing newline before splitting, and a
                // missing file gives an empty list.
                let body = text.strip_suffix('\n').unwrap_or(&text);
                let lines = if self.get(arg).is_none() {
                    Vec::new()
                } else {
                    body.split('\n').map(Value::from).collect()
                };
                Value::List(List::typed(ElemType::String, lines))
            }
            "AsConfig" => self.as_yaml_map(|d| String::from_utf8_lossy(d).into_owned()),
            "AsSecrets" => self.as_yaml_map(base64_std),
            other => return Err(format!("{other} is not a method")),
        })
    }
    fn fmt_go(&self, _plus: bool) -> String {
        let mut out = String::from("map[");
        for (i, (k, v)) in self.map.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push_str(":[");
            let bytes: Vec<String> = v.iter().map(u8::to_string).collect();
            out.push_str(&bytes.join(" "));
            out.push(']');
        }
        out.push(']');
        out
    }
    fn to_data(&self) -> Value {
        self.map
            .iter()
            .map(|(k, v)| (k.clone(), bytes_value(v)))
            .collect()
    }
    fn map_entries(&self) -> Option<Vec<(Arc<str>, Value)>> {
        Some(
            self.map
                .iter()
                .map(|(k, v)| (Arc::from(k.as_str()), bytes_value(v)))
                .collect(),
        )
    }
    fn map_zero(&self) -> Value {
        Value::Bytes(Arc::from(&b""[..]))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A compiled gobwas/glob pattern with `/` as separator.
#[derive(Debug, Clone)]
struct Glob {
    seq: Vec<Token>,
}

#[derive(Debug, Clone)]
enum Token {
    Lit(char),
    /// `*`: any run of non-separators.
    Any,
    /// `**`: any run of characters.
    Super,
    /// `?`: one non-separator.
    Single,
    /// `[…]`: one character in (or, negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// `{a,b}`: one of the alternatives.
    Alt(Vec<Vec<Token>>),
}

/// The deepest `{}` nesting a pattern may have.
const MAX_GLOB_NESTING: usize = 32;

impl Glob {
    fn everything() -> Glob {
        Glob {
            seq: vec![Token::Super],
        }
    }

    fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let seq = parse_seq(&chars, &mut pos, 0, false)?;
        (pos == chars.len()).then_some(Glob { seq })
    }

    fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let mut failed = std::collections::HashSet::new();
        match_seq(&self.seq, 0, &text, 0, &[], &mut failed)
    }
}

/// Parses tokens up to the end, or (inside `{}`) up to `,` or `}`.
fn parse_seq(chars: &[char], pos: &mut usize, depth: usize, in_alt: bool) -> Option<Vec<Token>> {
    let mut seq = Vec::new();
    while let Some(&c) = chars.get(*pos) {
        match c {
            ',' | '}' if in_alt => return Some(seq),
            '*' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'*') {
                    *pos += 1;
                    seq.push(Token::Super);
                } else {
                    seq.push(Token::Any);
                }
            }
            '?' => {
                *pos += 1;
                seq.push(Token::Single);
            }
            '\\' => {
                *pos += 1;
                let &e = chars.get(*pos)?;
                *pos += 1;
                seq.push(Token::Lit(e));
            }
            '[' => {
                *pos += 1;
                let negated = chars.get(*pos) == Some(&'!');
                if negated {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let &lo = chars.get(*pos)?;
                    if lo == ']' {
                        *pos += 1;
                        break;
                    }
                    *pos += 1;
                    if chars.get(*pos) == Some(&'-')
                        && chars.get(*pos + 1).is_some_and(|&c| c != ']')
                    {
                        let hi = chars[*pos + 1];
                        *pos += 2;
                        if hi < lo {
                            return None;
                        }
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
                seq.push(Token::Class { negated, ranges });
            }
            '{' => {
                if depth >= MAX_GLOB_NESTING {
                    return None;
                }
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse_seq(chars, pos, depth + 1, true)?);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                seq.push(Token::Alt(alts));
            }
            other => {
                *pos += 1;
                seq.push(Token::Lit(other));
            }
        }
    }
    (!in_alt).then_some(seq)
}

/// Matches `seq[i..]` followed by the continuation `rest` (the tokens after
/// an enclosing alternative) against `text[t..]`. Failures are memoised per
/// (token list, index, text position), which keeps the search polynomial.
fn match_seq(
    seq: &[Token],
    i: usize,
    text: &[char],
    t: usize,
    rest: &[&[Token]],
    failed: &mut std::collections::HashSet<(usize, usize, usize, usize)>,
) -> bool {
    let key = (seq.as_ptr() as usize, i, t, rest.len());
    if failed.contains(&key) {
        return false;
    }
    let ok = match seq.get(i) {
        None => match rest.split_last() {
            None => t == text.len(),
            Some((next, outer)) => match_seq(next, 0, text, t, outer, failed),
        },
        Some(Token::Lit(c)) => {
            text.get(t) == Some(c) && match_seq(seq, i + 1, text, t + 1, rest, failed)
        }
        Some(Token::Single) => {
            text.get(t).is_some_and(|&c| c != '/')
                && match_seq(seq, i + 1, text, t + 1, rest, failed)
        }
        Some(Token::Class { negated, ranges }) => {
            text.get(t).is_some_and(|&c| {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *negated
            }) && match_seq(seq, i + 1, text, t + 1, rest, failed)
        }
        Some(Token::Any) => {
            let mut end = t;
            loop {
                if match_seq(seq, i + 1, text, end, rest, failed) {
                    break true;
                }
                if end >= text.len() || text[end] == '/' {
                    break false;
                }
                end += 1;
            }
        }
        Some(Token::Super) => {
            (t..=text.len()).any(|end| match_seq(seq, i + 1, text, end, rest, failed))
        }
        Some(Token::Alt(alts)) => {
            let after = &seq[i + 1..];
            let mut outer: Vec<&[Token]> = rest.to_vec();
            outer.push(after);
            alts.iter()
                .any(|alt| match_seq(alt, 0, text, t, &outer, failed))
        }
    };
    if !ok {
        failed.insert(key);
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::compile(p).unwrap_or(Glob::everything()).matches(t)
    }

    // Expectations from the oracle (.Files.Glob on a chart with files/a.txt,
    // files/c.bin, files/sub/b.yaml) and gobwas/glob's documented syntax.
    #[test]
    fn gobwas_semantics() {
        assert!(m("files/*", "files/a.txt"));
        assert!(!m("files/*", "files/sub/b.yaml"));
        assert!(m("files/**", "files/sub/b.yaml"));
        assert!(m("**.txt", "files/a.txt"));
        assert!(!m("*", "files/a.txt"));
        assert!(m("files/?.txt", "files/a.txt"));
        assert!(m("files/{a,c}.*", "files/c.bin"));
        assert!(!m("files/{a,c}.*", "files/sub/b.yaml"));
        assert!(m("files/[a-b].txt", "files/a.txt"));
        assert!(!m("files/[!a].txt", "files/a.txt"));
        // Invalid patterns match everything (Helm falls back to "**").
        assert!(m("[", "anything/at/all"));
        assert!(m("{a,b", "x"));
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let p = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        let t = "a".repeat(200);
        assert!(!m(p, &t));
        let nested = format!("{}x{}", "{a,".repeat(40), "}".repeat(40));
        assert!(m(&nested, "whatever"), "too deep nesting falls back to **");
    }
}
