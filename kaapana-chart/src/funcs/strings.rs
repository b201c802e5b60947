//! Sprig's string and string-list functions.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `abbrev` | `(width int, s string) string` | goutils `Abbreviate`, bytes |
//! | `abbrevboth` | `(left, right int, s string) string` | goutils `AbbreviateFull` |
//! | `trunc` | `(c int, s string) string` | bytes; `c < 0` keeps the tail |
//! | `trim` | `strings.TrimSpace(s string) string` | |
//! | `upper`, `lower` | `(s string) string` | Go's simple case mapping |
//! | `title` | `strings.Title(s string) string` | Go's deprecated word rules |
//! | `untitle` | `(s string) string` | goutils `Uncapitalize` |
//! | `substr` | `(start, end int, s string) string` | bytes; Go's slice panics |
//! | `repeat` | `(count int, str string) string` | |
//! | `trimAll`, `trimall` | `(cutset, s string) string` | `strings.Trim(s, cutset)` |
//! | `trimSuffix`, `trimPrefix` | `(fix, s string) string` | |
//! | `nospace` | `(s string) string` | goutils `DeleteWhiteSpace`, bytes as runes |
//! | `initials` | `(s string) string` | goutils `Initials`, bytes as runes |
//! | `swapcase` | `(s string) string` | goutils `SwapCase` |
//! | `snakecase`, `kebabcase` | `(s string) string` | xstrings v1.5 |
//! | `camelcase` | `(s string) string` | xstrings v1.5 `ToPascalCase` |
//! | `wrap` | `(l int, s string) string` | goutils `Wrap` |
//! | `wrapWith` | `(l int, sep, s string) string` | goutils `WrapCustom`, long words cut |
//! | `contains`, `hasPrefix`, `hasSuffix` | `(sub, s string) bool` | |
//! | `quote` | `(args ...any) string` | `%q` of each non-nil argument |
//! | `squote` | `(args ...any) string` | `'%v'` of each non-nil argument |
//! | `cat` | `(args ...any) string` | `%v` of non-nil arguments, space separated |
//! | `indent`, `nindent` | `(spaces int, s string) string` | |
//! | `replace` | `(old, new, src string) string` | |
//! | `plural` | `(one, many string, count int) string` | |
//! | `toString` | `(v any) string` | Sprig's `strval` |
//! | `split` | `(sep, s string) map[string]string` | keys `_0`, `_1`, … |
//! | `splitn` | `(sep string, n int, s string) map[string]string` | `strings.SplitN` |
//! | `splitList` | `(sep, s string) []string` | |
//! | `join` | `(sep string, list any) string` | nil elements skipped |
//! | `sortAlpha` | `(list any) []string` | |
//!
//! Go strings are byte strings and several of these functions cut them at
//! byte offsets (`trunc 1 "é"`). Our strings are UTF-8, so a cut inside a
//! character yields one U+FFFD per stray byte — what Helm's output shows for
//! the same render. Only a later function that measures the intermediate
//! string (`len`) can see the difference; see COMPATIBILITY.md.
//!
//! Character classes and case mappings follow Go's `unicode` package: the
//! simple (one-rune) case mappings (`upper "straße"` is `STRAßE`) and
//! general categories (`Lu`, `Ll`, `Lt`, `P`). They are derived from Rust's
//! tables with Go's differences corrected; a few exotic characters (Greek
//! letters with a subscript iota) keep Rust's answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{str_arg, FuncError, Functions};
use crate::template::fmt as gofmt;
use crate::value::yaml::gounicode;
use crate::value::{ElemType, GoType, List, Map, Signature, Value};

const S: GoType = GoType::String;
const I: GoType = GoType::Int;
const ANY: GoType = GoType::Any;

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

/// `result` as a value: the string argument `i` itself when `result` is all
/// of it. Strings are immutable, so sharing is safe, and a chart's
/// `trunc 63 | trimSuffix "-"` mostly changes nothing: no copy then.
fn share_or_copy(args: &[Value], i: usize, result: &str) -> Value {
    match args.get(i) {
        Some(v @ Value::String(s))
            if s.len() == result.len() && std::ptr::eq(s.as_ptr(), result.as_ptr()) =>
        {
            v.clone()
        }
        _ => Value::from(result),
    }
}

fn string_fn(f: &mut Functions, name: &str, imp: fn(&str) -> String) {
    f.register(name, Signature::fixed(&[S]), move |_, a| {
        Ok(Value::from(imp(str_arg(a, 0))))
    });
}

pub(crate) fn register(f: &mut Functions) {
    f.register("abbrev", Signature::fixed(&[I, S]), |_, a| {
        Ok(Value::from(abbrev(int_arg(a, 0), str_arg(a, 1))))
    });
    f.register("abbrevboth", Signature::fixed(&[I, I, S]), |_, a| {
        Ok(Value::from(abbrevboth(
            int_arg(a, 0),
            int_arg(a, 1),
            str_arg(a, 2),
        )))
    });
    f.register("trunc", Signature::fixed(&[I, S]), |_, a| {
        let s = str_arg(a, 1);
        Ok(match trunc(int_arg(a, 0), s) {
            Some(cut) => Value::from(cut),
            None => share_or_copy(a, 1, s),
        })
    });
    f.register("trim", Signature::fixed(&[S]), |_, a| {
        Ok(share_or_copy(a, 0, str_arg(a, 0).trim_matches(go_is_space)))
    });
    string_fn(f, "upper", |s| s.chars().map(go_to_upper).collect());
    string_fn(f, "lower", |s| s.chars().map(go_to_lower).collect());
    string_fn(f, "title", title);
    string_fn(f, "untitle", untitle);
    f.register("substr", Signature::fixed(&[I, I, S]), |_, a| {
        substr(int_arg(a, 0), int_arg(a, 1), str_arg(a, 2)).map(Value::from)
    });
    f.register("repeat", Signature::fixed(&[I, S]), |ctx, a| {
        let (count, s) = (int_arg(a, 0), str_arg(a, 1));
        if count < 0 {
            return Err(FuncError::new("strings: negative Repeat count"));
        }
        let total = usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(s.len()))
            .unwrap_or(usize::MAX);
        ctx.charge_output(total)?;
        Ok(Value::from(
            s.repeat(total.checked_div(s.len()).unwrap_or(0)),
        ))
    });
    for name in ["trimAll", "trimall"] {
        f.register(name, Signature::fixed(&[S, S]), |_, a| {
            let cutset: Vec<char> = str_arg(a, 0).chars().collect();
            Ok(share_or_copy(a, 1, str_arg(a, 1).trim_matches(&cutset[..])))
        });
    }
    f.register("trimSuffix", Signature::fixed(&[S, S]), |_, a| {
        let s = str_arg(a, 1);
        Ok(share_or_copy(
            a,
            1,
            s.strip_suffix(str_arg(a, 0)).unwrap_or(s),
        ))
    });
    f.register("trimPrefix", Signature::fixed(&[S, S]), |_, a| {
        let s = str_arg(a, 1);
        Ok(share_or_copy(
            a,
            1,
            s.strip_prefix(str_arg(a, 0)).unwrap_or(s),
        ))
    });
    string_fn(f, "nospace", nospace);
    string_fn(f, "initials", initials);
    string_fn(f, "swapcase", swapcase);
    string_fn(f, "snakecase", |s| camel_to_lower(s, '_'));
    string_fn(f, "kebabcase", |s| camel_to_lower(s, '-'));
    string_fn(f, "camelcase", pascal_case);
    f.register("wrap", Signature::fixed(&[I, S]), |ctx, a| {
        let budget = ctx.remaining_output();
        wrap_custom(str_arg(a, 1), int_arg(a, 0), "", false, budget).map(Value::from)
    });
    f.register("wrapWith", Signature::fixed(&[I, S, S]), |ctx, a| {
        let budget = ctx.remaining_output();
        wrap_custom(str_arg(a, 2), int_arg(a, 0), str_arg(a, 1), true, budget).map(Value::from)
    });
    f.register("contains", Signature::fixed(&[S, S]), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).contains(str_arg(a, 0))))
    });
    f.register("hasPrefix", Signature::fixed(&[S, S]), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).starts_with(str_arg(a, 0))))
    });
    f.register("hasSuffix", Signature::fixed(&[S, S]), |_, a| {
        Ok(Value::Bool(str_arg(a, 1).ends_with(str_arg(a, 0))))
    });
    f.register("quote", Signature::variadic(&[], ANY), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| gofmt::go_quote(&strval(v)))
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
    f.register("squote", Signature::variadic(&[], ANY), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", percent_v(v)))
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
    f.register("cat", Signature::variadic(&[], ANY), |_, a| {
        let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(percent_v).collect();
        Ok(Value::from(parts.join(" ")))
    });
    f.register("indent", Signature::fixed(&[I, S]), |ctx, a| {
        indent(ctx, int_arg(a, 0), str_arg(a, 1), false)
    });
    f.register("nindent", Signature::fixed(&[I, S]), |ctx, a| {
        indent(ctx, int_arg(a, 0), str_arg(a, 1), true)
    });
    f.register("replace", Signature::fixed(&[S, S, S]), |ctx, a| {
        let (old, new, src) = (str_arg(a, 0), str_arg(a, 1), str_arg(a, 2));
        let hits = if old.is_empty() {
            src.chars().count() + 1
        } else {
            src.matches(old).count()
        };
        let total = hits
            .saturating_mul(new.len())
            .saturating_add(src.len().saturating_sub(hits.saturating_mul(old.len())));
        ctx.charge_output(total)?;
        if hits == 0 {
            return Ok(share_or_copy(a, 2, src));
        }
        Ok(Value::from(src.replace(old, new)))
    });
    f.register("plural", Signature::fixed(&[S, S, I]), |_, a| {
        let which = if int_arg(a, 2) == 1 { 0 } else { 1 };
        Ok(Value::from(str_arg(a, which)))
    });
    f.register("toString", Signature::fixed(&[ANY]), |_, a| {
        Ok(match a.first() {
            Some(v @ Value::String(_)) => v.clone(),
            v => Value::from(strval(v.unwrap_or(&Value::Nil))),
        })
    });
    f.register("split", Signature::fixed(&[S, S]), |_, a| {
        Ok(index_map(go_split(str_arg(a, 1), str_arg(a, 0), -1)))
    });
    f.register("splitn", Signature::fixed(&[S, I, S]), |_, a| {
        Ok(index_map(go_split(
            str_arg(a, 2),
            str_arg(a, 0),
            int_arg(a, 1),
        )))
    });
    f.register("splitList", Signature::fixed(&[S, S]), |_, a| {
        Ok(string_list(go_split(str_arg(a, 1), str_arg(a, 0), -1)))
    });
    f.register("join", Signature::fixed(&[S, ANY]), |ctx, a| {
        let sep = str_arg(a, 0);
        let parts = strslice(a.get(1).unwrap_or(&Value::Nil));
        let total = parts
            .iter()
            .fold(0usize, |n, p| n.saturating_add(p.len()))
            .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
        ctx.charge_output(total)?;
        Ok(Value::from(parts.join(sep)))
    });
    f.register("sortAlpha", Signature::fixed(&[ANY]), |_, a| {
        let v = a.first().unwrap_or(&Value::Nil);
        let mut items = if is_slice(v) {
            strslice(v)
        } else {
            vec![strval(v)]
        };
        items.sort_unstable();
        Ok(string_list(items))
    });
}

/// A `[]string` value.
pub(crate) fn string_list(items: Vec<String>) -> Value {
    Value::List(List::typed(
        ElemType::String,
        items.into_iter().map(Value::from).collect(),
    ))
}

/// `map[string]string{"_0": parts[0], …}`, as `split` and `splitn` build it.
fn index_map(parts: Vec<String>) -> Value {
    let entries: BTreeMap<Arc<str>, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (Arc::from(format!("_{i}")), Value::from(p)))
        .collect();
    Value::Map(Map::typed(ElemType::String, entries))
}

/// Sprig's `strval`: a string as is, a `[]byte` as text, anything else as
/// Go's `%v` prints it (a `Stringer` through its `String` method). Other
/// families (`toString`-like conversions) share it.
///
/// ```ignore
/// assert_eq!(strval(&Value::Float(1e6)), "1e+06");
/// ```
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => go_lossy(b),
        other => percent_v(other),
    }
}

/// Go's `fmt.Sprintf("%v", v)`.
fn percent_v(v: &Value) -> String {
    gofmt::sprint(std::slice::from_ref(v))
}

/// Whether Go's reflection sees a slice or array.
fn is_slice(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Bytes(_) => true,
        Value::Object(o) => o.list_items().is_some(),
        _ => false,
    }
}

/// Sprig's `strslice`: the elements of a slice as strings (nil elements
/// dropped), nil as no elements, anything else as a one-element list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::Nil => Vec::new(),
        Value::List(l) => l
            .items()
            .iter()
            .filter(|x| !x.is_nil())
            .map(strval)
            .collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Object(o) => match o.list_items() {
            Some(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
            None => vec![strval(v)],
        },
        other => vec![strval(other)],
    }
}

/// Go's view of bytes as a string: one U+FFFD per byte that does not start
/// a valid sequence (what Go's decoders and Helm's output show).
pub(crate) fn go_lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => gofmt::lossy_per_byte(bytes),
    }
}

/// Go's `strings.Split`/`SplitN` (`n < 0`: all parts; `n == 0`: none; an
/// empty separator splits after each character).
fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if out.len() + 1 == limit {
                out.push(rest.to_owned());
                return out;
            }
            let w = rest.chars().next().map_or(1, char::len_utf8);
            out.push(rest[..w].to_owned());
            rest = &rest[w..];
        }
        return out;
    }
    s.splitn(limit, sep).map(str::to_owned).collect()
}

/// Sprig's `trunc`: the last `-c` bytes for negative `c`, the first `c`
/// otherwise; `None` when `s` is kept whole.
fn trunc(c: i64, s: &str) -> Option<String> {
    let len = s.len() as i64;
    let b = s.as_bytes();
    if c < 0 && len + c > 0 {
        return Some(go_lossy(&b[(len + c) as usize..]));
    }
    if c >= 0 && len > c {
        return Some(go_lossy(&b[..c as usize]));
    }
    None
}

/// Sprig's `substring`, with Go's runtime panics for bad bounds (Go's
/// template engine reports a panicking function's message as its error).
fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let len = s.len() as i64;
    let b = s.as_bytes();
    let oob = |m: String| {
        Err(FuncError::new(format!(
            "runtime error: slice bounds out of range {m}"
        )))
    };
    if start < 0 {
        if end < 0 {
            return oob(format!("[:{end}]"));
        }
        if end > len {
            return oob(format!("[:{end}] with length {len}"));
        }
        return Ok(go_lossy(&b[..end as usize]));
    }
    if end < 0 || end > len {
        if start > len {
            return oob(format!("[{start}:{len}]"));
        }
        return Ok(go_lossy(&b[start as usize..]));
    }
    if start > end {
        return oob(format!("[{start}:{end}]"));
    }
    Ok(go_lossy(&b[start as usize..end as usize]))
}

/// goutils `AbbreviateFull` (byte offsets), behind Sprig's guards.
fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> String {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if s.is_empty() || max_width < 4 {
        return String::new();
    }
    if len <= max_width {
        return s.to_owned();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return go_lossy(&b[..(max_width - 3) as usize]) + "...";
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        return format!(
            "...{}",
            abbreviate_full(&go_lossy(&b[offset as usize..]), 0, max_width - 3)
        );
    }
    format!("...{}", go_lossy(&b[(len - (max_width - 3)) as usize..]))
}

fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_owned();
    }
    abbreviate_full(s, 0, width)
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || left > 0 && right < 7 {
        return s.to_owned();
    }
    abbreviate_full(s, left, right)
}

/// goutils `WrapCustom`: byte-based word wrapping at spaces. `budget`
/// bounds the result (a long separator inserted many times).
fn wrap_custom(
    s: &str,
    wrap_length: i64,
    new_line: &str,
    wrap_long_words: bool,
    budget: usize,
) -> Result<String, FuncError> {
    if s.is_empty() {
        return Ok(String::new());
    }
    let new_line = if new_line.is_empty() { "\n" } else { new_line }.as_bytes();
    let wl = usize::try_from(wrap_length.max(1)).unwrap_or(usize::MAX);
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let push = |out: &mut Vec<u8>, part: &[u8]| -> Result<(), FuncError> {
        if out.len().saturating_add(part.len()) > budget {
            return Err(FuncError::limit(format!(
                "output limit of {budget} bytes exceeded"
            )));
        }
        out.extend_from_slice(part);
        Ok(())
    };
    while len - offset > wl {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wl + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(rel) = space {
            let at = offset + rel;
            push(&mut out, &b[offset..at])?;
            push(&mut out, new_line)?;
            offset = at + 1;
        } else if wrap_long_words {
            let end = wl + offset;
            push(&mut out, &b[offset..end])?;
            push(&mut out, new_line)?;
            offset += wl;
        } else {
            let end = wl + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                Some(rel) => {
                    let at = end + rel;
                    push(&mut out, &b[offset..at])?;
                    push(&mut out, new_line)?;
                    offset = at + 1;
                }
                None => {
                    push(&mut out, &b[offset..])?;
                    offset = len;
                }
            }
        }
    }
    push(&mut out, &b[offset..])?;
    Ok(go_lossy(&out))
}

fn indent(
    ctx: &mut super::CallContext<'_, '_, '_>,
    spaces: i64,
    s: &str,
    newline: bool,
) -> Result<Value, FuncError> {
    if spaces < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let pad_len = usize::try_from(spaces).unwrap_or(usize::MAX);
    let lines = s.bytes().filter(|&c| c == b'\n').count() + 1;
    let total = pad_len
        .saturating_mul(lines)
        .saturating_add(s.len())
        .saturating_add(usize::from(newline));
    ctx.charge_output(total)?;
    // Go's pad + strings.Replace(s, "\n", "\n"+pad, -1): every line
    // padded, written in one pass.
    let mut out = String::with_capacity(total);
    if newline {
        out.push('\n');
    }
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', pad_len));
        out.push_str(line);
    }
    Ok(Value::from(out))
}

/// Go's deprecated `strings.Title`: upper-cases (title-cases) the first
/// letter of each word, words being separated by anything that is not an
/// ASCII letter, digit or `_`, or a non-ASCII letter, digit or non-space.
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_title_separator(prev) {
                go_to_title(c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect()
}

fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if gounicode::is_letter(c) || gounicode::is_digit(c) {
        return false;
    }
    go_is_space(c)
}

/// goutils `Uncapitalize`: lower-cases the first character of each
/// whitespace-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if go_is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                go_to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`: upper and title case become lower; lower case becomes
/// title case at the start of a word and upper case elsewhere.
fn swapcase(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if go_is_upper(c) || go_is_title(c) {
                whitespace = false;
                go_to_lower(c)
            } else if go_is_lower(c) {
                if whitespace {
                    whitespace = false;
                    go_to_title(c)
                } else {
                    go_to_upper(c)
                }
            } else {
                whitespace = go_is_space(c);
                c
            }
        })
        .collect()
}

/// goutils `DeleteWhiteSpace`. It looks at bytes as if each were a rune
/// (Latin-1), so a multi-byte character comes out re-encoded byte by byte,
/// and the bytes 0x85 and 0xA0 count as spaces. A string without any
/// "space" is returned unchanged.
fn nospace(s: &str) -> String {
    let b = s.as_bytes();
    let kept: Vec<char> = b
        .iter()
        .map(|&x| char::from(x))
        .filter(|&c| !go_is_space(c))
        .collect();
    if kept.len() == b.len() {
        return s.to_owned();
    }
    kept.into_iter().collect()
}

/// goutils `Initials`, byte by byte like `nospace`.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &x in s.as_bytes() {
        let c = char::from(x);
        if go_is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

// ---------------------------------------------------------------------
// huandu/xstrings v1.5: ToPascalCase, ToSnakeCase, ToKebabCase.

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || go_is_space(c)
}

/// xstrings `toCamelCase(s, true)`: connectors (`-`, `_`, spaces) removed
/// and the following character upper-cased; a run of upper case letters
/// that starts a word is lower-cased after its first letter; a run of
/// connectors keeps all but its last one.
fn pascal_case(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    let mut r0 = '\0';
    let mut first_upper = false;
    let mut got = false;
    for c in chars.by_ref() {
        got = true;
        if !is_connector(c) {
            first_upper = go_is_upper(c);
            r0 = go_to_upper(c);
            break;
        }
        out.push(c);
        r0 = c;
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        if got {
            out.push(r0);
        }
        return out;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = go_is_upper(r0);
            r0 = go_to_upper(r0);
        } else {
            if first_upper {
                if go_is_upper(r0) {
                    r0 = go_to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordType {
    Invalid,
    Number,
    UpperCase,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !gounicode::is_letter(c) {
        return false;
    }
    let u = u32::from(c);
    !((0x4E00..=0x9FCC).contains(&u)
        || (0x3400..=0x4D85).contains(&u)
        || (0x20000..=0x2B81D).contains(&u))
}

/// xstrings `nextWord` on valid UTF-8: the type of the next word, the word
/// and the rest.
fn next_word(s: &str) -> (WordType, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (WordType::Invalid, "", "");
    };
    let mut end = r.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*end..].chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut end, &is_connector);
        WordType::Connector
    } else if go_is_punct(r) {
        take_while(&mut end, &go_is_punct);
        WordType::Punct
    } else if go_is_upper(r) {
        if let Some(n) = s[end..].chars().next() {
            if go_is_upper(n) {
                // A run of capitals; "HTTPStatus" splits as "HTTP" + "Status".
                let mut prev = n.len_utf8();
                end += prev;
                let mut stop = None;
                for c in s[end..].chars() {
                    if !go_is_upper(c) {
                        stop = Some(c);
                        break;
                    }
                    prev = c.len_utf8();
                    end += prev;
                }
                if stop.is_some_and(is_alphabet) {
                    end -= prev;
                }
            } else if is_alphabet(n) {
                end += n.len_utf8();
                take_while(&mut end, &|c| is_alphabet(c) && !go_is_upper(c));
            }
        }
        WordType::UpperCase
    } else if is_alphabet(r) {
        take_while(&mut end, &|c| is_alphabet(c) && !go_is_upper(c));
        WordType::Alphabet
    } else if go_is_number(r) {
        take_while(&mut end, &go_is_number);
        WordType::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || go_is_number(c) || go_is_punct(c))
        });
        WordType::Other
    };
    (wt, &s[..end], &s[end..])
}

/// xstrings `toLower`: upper-case and connector words are lower-cased, their
/// connectors replaced; other words are copied.
fn to_lower_word(out: &mut String, wt: WordType, word: &str, connector: char) {
    if wt != WordType::UpperCase && wt != WordType::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if go_is_upper(c) {
            out.push(go_to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (snakecase, kebabcase).
fn camel_to_lower(s: &str, connector: char) -> String {
    use WordType::*;
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Connector {
            to_lower_word(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Number => {
                while wt == Alphabet || wt == Number {
                    to_lower_word(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                // A connector word after a number writes its own
                // connector (xstrings v1.5): "29 name" is "29_name".
                if wt != Invalid && wt != Punct && wt != Connector {
                    out.push(connector);
                }
            }
            Connector => to_lower_word(&mut out, prev, last, connector),
            Punct => {}
            _ => {
                if wt != Number {
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, rest) = next_word(rest);
                if wt != Alphabet {
                    to_lower_word(&mut out, Number, last, connector);
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                to_lower_word(&mut out, Number, last, connector);
                while wt == Alphabet || wt == Number {
                    to_lower_word(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Invalid && wt != Connector && wt != Punct {
                    out.push(connector);
                }
            }
        }
    }
    to_lower_word(&mut out, wt, word, connector);
    out
}

// ---------------------------------------------------------------------
// Go's `unicode` predicates and simple case mappings.

/// Go's `unicode.IsSpace` (the White_Space property, as Rust's).
pub(crate) fn go_is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsUpper` (category Lu): Rust's `Uppercase` minus
/// `Other_Uppercase`.
fn go_is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    let u = u32::from(c);
    c.is_uppercase()
        && !matches!(u, 0x2160..=0x216F | 0x24B6..=0x24CF | 0x1F130..=0x1F149 | 0x1F150..=0x1F169 | 0x1F170..=0x1F189)
}

/// Go's `unicode.IsLower` (category Ll): Rust's `Lowercase` minus
/// `Other_Lowercase`.
fn go_is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    let u = u32::from(c);
    c.is_lowercase()
        && !matches!(
            u,
            0xAA | 0xBA
                | 0x2B0..=0x2B8
                | 0x2C0..=0x2C1
                | 0x2E0..=0x2E4
                | 0x345
                | 0x37A
                | 0x10FC
                | 0x1D2C..=0x1D6A
                | 0x1D78
                | 0x1D9B..=0x1DBF
                | 0x2071
                | 0x207F
                | 0x2090..=0x209C
                | 0x2170..=0x217F
                | 0x24D0..=0x24E9
                | 0x2C7C..=0x2C7D
                | 0xA69C..=0xA69D
                | 0xA770
                | 0xA7F2..=0xA7F4
                | 0xA7F8..=0xA7F9
                | 0xAB5C..=0xAB5F
                | 0xAB69
                | 0x10780
                | 0x10783..=0x10785
                | 0x10787..=0x107B0
                | 0x107B2..=0x107BA
                | 0x1E030..=0x1E06D
        )
}

/// Go's `unicode.IsTitle` (category Lt).
fn go_is_title(c: char) -> bool {
    matches!(u32::from(c), 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Go's `unicode.IsNumber` (categories Nd, Nl, No — Rust's `is_numeric`).
fn go_is_number(c: char) -> bool {
    c.is_numeric()
}

/// Go's `unicode.IsPunct` (category P).
fn go_is_punct(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    let u = u32::from(c);
    PUNCT
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.ToUpper`: the simple (one-rune) mapping, so `ß` stays.
fn go_to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    match u32::from(c) {
        // Greek with a subscript iota: the full mapping has two letters, the
        // simple one (Go's) is the title-case letter.
        u @ (0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7) => {
            char::from_u32(u + 8).unwrap_or(c)
        }
        0x1FB3 => '\u{1FBC}',
        0x1FC3 => '\u{1FCC}',
        0x1FF3 => '\u{1FFC}',
        _ => single(c.to_uppercase()).unwrap_or(c),
    }
}

/// Go's `unicode.ToLower` (simple mapping).
fn go_to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// Go's `unicode.ToTitle`: upper case, except for the Latin digraphs, which
/// have a title-case form of their own.
fn go_to_title(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => go_to_upper(c),
    }
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    match it.next() {
        None => Some(first),
        Some(_) => None,
    }
}

/// Non-ASCII code point ranges of Unicode category P (generated from the
/// Unicode database; data, not logic).
#[rustfmt::skip]
const PUNCT: &[(u32, u32)] = &[
    (0x00A1, 0x00A1), (0x00A7, 0x00A7), (0x00AB, 0x00AB), (0x00B6, 0x00B7), (0x00BB, 0x00BB), (0x00BF, 0x00BF),
    (0x037E, 0x037E), (0x0387, 0x0387), (0x055A, 0x055F), (0x0589, 0x058A), (0x05BE, 0x05BE), (0x05C0, 0x05C0),
    (0x05C3, 0x05C3), (0x05C6, 0x05C6), (0x05F3, 0x05F4), (0x0609, 0x060A), (0x060C, 0x060D), (0x061B, 0x061B),
    (0x061D, 0x061F), (0x066A, 0x066D), (0x06D4, 0x06D4), (0x0700, 0x070D), (0x07F7, 0x07F9), (0x0830, 0x083E),
    (0x085E, 0x085E), (0x0964, 0x0965), (0x0970, 0x0970), (0x09FD, 0x09FD), (0x0A76, 0x0A76), (0x0AF0, 0x0AF0),
    (0x0C77, 0x0C77), (0x0C84, 0x0C84), (0x0DF4, 0x0DF4), (0x0E4F, 0x0E4F), (0x0E5A, 0x0E5B), (0x0F04, 0x0F12),
    (0x0F14, 0x0F14), (0x0F3A, 0x0F3D), (0x0F85, 0x0F85), (0x0FD0, 0x0FD4), (0x0FD9, 0x0FDA), (0x104A, 0x104F),
    (0x10FB, 0x10FB), (0x1360, 0x1368), (0x1400, 0x1400), (0x166E, 0x166E), (0x169B, 0x169C), (0x16EB, 0x16ED),
    (0x1735, 0x1736), (0x17D4, 0x17D6), (0x17D8, 0x17DA), (0x1800, 0x180A), (0x1944, 0x1945), (0x1A1E, 0x1A1F),
    (0x1AA0, 0x1AA6), (0x1AA8, 0x1AAD), (0x1B5A, 0x1B60), (0x1B7D, 0x1B7E), (0x1BFC, 0x1BFF), (0x1C3B, 0x1C3F),
    (0x1C7E, 0x1C7F), (0x1CC0, 0x1CC7), (0x1CD3, 0x1CD3), (0x2010, 0x2027), (0x2030, 0x2043), (0x2045, 0x2051),
    (0x2053, 0x205E), (0x207D, 0x207E), (0x208D, 0x208E), (0x2308, 0x230B), (0x2329, 0x232A), (0x2768, 0x2775),
    (0x27C5, 0x27C6), (0x27E6, 0x27EF), (0x2983, 0x2998), (0x29D8, 0x29DB), (0x29FC, 0x29FD), (0x2CF9, 0x2CFC),
    (0x2CFE, 0x2CFF), (0x2D70, 0x2D70), (0x2E00, 0x2E2E), (0x2E30, 0x2E4F), (0x2E52, 0x2E5D), (0x3001, 0x3003),
    (0x3008, 0x3011), (0x3014, 0x301F), (0x3030, 0x3030), (0x303D, 0x303D), (0x30A0, 0x30A0), (0x30FB, 0x30FB),
    (0xA4FE, 0xA4FF), (0xA60D, 0xA60F), (0xA673, 0xA673), (0xA67E, 0xA67E), (0xA6F2, 0xA6F7), (0xA874, 0xA877),
    (0xA8CE, 0xA8CF), (0xA8F8, 0xA8FA), (0xA8FC, 0xA8FC), (0xA92E, 0xA92F), (0xA95F, 0xA95F), (0xA9C1, 0xA9CD),
    (0xA9DE, 0xA9DF), (0xAA5C, 0xAA5F), (0xAADE, 0xAADF), (0xAAF0, 0xAAF1), (0xABEB, 0xABEB), (0xFD3E, 0xFD3F),
    (0xFE10, 0xFE19), (0xFE30, 0xFE52), (0xFE54, 0xFE61), (0xFE63, 0xFE63), (0xFE68, 0xFE68), (0xFE6A, 0xFE6B),
    (0xFF01, 0xFF03), (0xFF05, 0xFF0A), (0xFF0C, 0xFF0F), (0xFF1A, 0xFF1B), (0xFF1F, 0xFF20), (0xFF3B, 0xFF3D),
    (0xFF3F, 0xFF3F), (0xFF5B, 0xFF5B), (0xFF5D, 0xFF5D), (0xFF5F, 0xFF65), (0x10100, 0x10102), (0x1039F, 0x1039F),
    (0x103D0, 0x103D0), (0x1056F, 0x1056F), (0x10857, 0x10857), (0x1091F, 0x1091F), (0x1093F, 0x1093F), (0x10A50, 0x10A58),
    (0x10A7F, 0x10A7F), (0x10AF0, 0x10AF6), (0x10B39, 0x10B3F), (0x10B99, 0x10B9C), (0x10EAD, 0x10EAD), (0x10F55, 0x10F59),
    (0x10F86, 0x10F89), (0x11047, 0x1104D), (0x110BB, 0x110BC), (0x110BE, 0x110C1), (0x11140, 0x11143), (0x11174, 0x11175),
    (0x111C5, 0x111C8), (0x111CD, 0x111CD), (0x111DB, 0x111DB), (0x111DD, 0x111DF), (0x11238, 0x1123D), (0x112A9, 0x112A9),
    (0x1144B, 0x1144F), (0x1145A, 0x1145B), (0x1145D, 0x1145D), (0x114C6, 0x114C6), (0x115C1, 0x115D7), (0x11641, 0x11643),
    (0x11660, 0x1166C), (0x116B9, 0x116B9), (0x1173C, 0x1173E), (0x1183B, 0x1183B), (0x11944, 0x11946), (0x119E2, 0x119E2),
    (0x11A3F, 0x11A46), (0x11A9A, 0x11A9C), (0x11A9E, 0x11AA2), (0x11C41, 0x11C45), (0x11C70, 0x11C71), (0x11EF7, 0x11EF8),
    (0x11FFF, 0x11FFF), (0x12470, 0x12474), (0x12FF1, 0x12FF2), (0x16A6E, 0x16A6F), (0x16AF5, 0x16AF5), (0x16B37, 0x16B3B),
    (0x16B44, 0x16B44), (0x16E97, 0x16E9A), (0x16FE2, 0x16FE2), (0x1BC9F, 0x1BC9F), (0x1DA87, 0x1DA8B), (0x1E95E, 0x1E95F),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_lossy_replaces_each_stray_byte() {
        assert_eq!(go_lossy(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(go_lossy("é".as_bytes()), "é");
    }

    #[test]
    fn case_mappings_are_simple() {
        assert_eq!(go_to_upper('ß'), 'ß');
        assert_eq!(go_to_title('ǆ'), 'ǅ');
        assert!(!go_is_upper('Ⓐ'));
        assert!(!go_is_lower('ª'));
        assert!(go_is_punct('«'));
        assert!(!go_is_punct('$'));
    }

    #[test]
    fn xstrings_samples() {
        for (input, snake) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ] {
            assert_eq!(camel_to_lower(input, '_'), snake, "{input}");
        }
        assert_eq!(pascal_case("_complex__case_"), "_Complex_Case_");
        assert_eq!(pascal_case("__"), "___");
    }
}
