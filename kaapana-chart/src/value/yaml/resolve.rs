//! Plain-scalar resolution as go-yaml v2 does it (YAML 1.1 flavoured), and
//! the pieces of Go's `strconv` and `time` it leans on.
//!
//! go-yaml v2 (`resolve.go`) decides the type of an untagged plain scalar by
//! its first character and then tries, in order: a fixed table (booleans
//! `y/yes/on/…`, nulls, `.inf`, `.nan`), a timestamp, `strconv.ParseInt`
//! (base prefixes `0x`, `0o`, `0b`, a leading `0` for octal, after removing
//! every `_`), `strconv.ParseUint`, a YAML-style float (via a regexp, then
//! `strconv.ParseFloat`), and `0b…` binary. Anything else is a string. Values
//! out of range stay strings (`1e400`, 400-digit integers).

pub(super) const STR_TAG: &[u8] = b"tag:yaml.org,2002:str";
pub(super) const BOOL_TAG: &[u8] = b"tag:yaml.org,2002:bool";
pub(super) const INT_TAG: &[u8] = b"tag:yaml.org,2002:int";
pub(super) const FLOAT_TAG: &[u8] = b"tag:yaml.org,2002:float";
pub(super) const NULL_TAG: &[u8] = b"tag:yaml.org,2002:null";
pub(super) const TIMESTAMP_TAG: &[u8] = b"tag:yaml.org,2002:timestamp";
pub(super) const BINARY_TAG: &[u8] = b"tag:yaml.org,2002:binary";
pub(super) const MERGE_TAG: &[u8] = b"tag:yaml.org,2002:merge";

/// A resolved scalar, in Go's terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    /// Go `int` (or `int64`; the same on 64-bit).
    Int(i64),
    /// Go `uint64`: integers above `i64::MAX`.
    Uint(u64),
    Float(f64),
    /// The input text itself (also timestamps, which go-yaml v2 keeps as
    /// strings when decoding into `interface{}`).
    Str,
    /// `!!binary`: the text is base64 to decode.
    Binary,
}

/// What a tag means to the resolver.
fn resolvable(tag: &[u8]) -> bool {
    tag.is_empty()
        || tag == STR_TAG
        || tag == BOOL_TAG
        || tag == INT_TAG
        || tag == FLOAT_TAG
        || tag == NULL_TAG
        || tag == TIMESTAMP_TAG
}

/// `shortTag`: `tag:yaml.org,2002:x` → `!!x`.
pub(super) fn short_tag(tag: &[u8]) -> String {
    let s = String::from_utf8_lossy(tag);
    match s.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => s.into_owned(),
    }
}

/// The resolved tag of a scalar, for error messages.
fn tag_of(v: &Scalar) -> &'static [u8] {
    match v {
        Scalar::Null => NULL_TAG,
        Scalar::Bool(_) => BOOL_TAG,
        Scalar::Int(_) | Scalar::Uint(_) => INT_TAG,
        Scalar::Float(_) => FLOAT_TAG,
        Scalar::Str | Scalar::Binary => STR_TAG,
    }
}

/// `resolve(tag, in)`. `Err` carries go-yaml's `failf` text (without the
/// `yaml: ` prefix).
pub(super) fn resolve(tag: &[u8], s: &str) -> Result<Scalar, String> {
    if !resolvable(tag) {
        return Ok(if tag == BINARY_TAG {
            Scalar::Binary
        } else {
            Scalar::Str
        });
    }
    let (rtag, out) = resolve_untagged(tag, s);
    if tag.is_empty() || tag == rtag || tag == STR_TAG {
        return Ok(out);
    }
    if tag == FLOAT_TAG {
        if let Scalar::Int(i) = out {
            return Ok(Scalar::Float(i as f64));
        }
    }
    Err(format!(
        "cannot decode {} `{}` as a {}",
        short_tag(rtag),
        s,
        short_tag(tag)
    ))
}

fn resolve_untagged(tag: &[u8], s: &str) -> (&'static [u8], Scalar) {
    let first = s.as_bytes().first().copied();
    let hint = match first {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || tag == STR_TAG {
        return (STR_TAG, Scalar::Str);
    }
    if let Some(v) = lookup_table(s) {
        return (tag_of(&v), v);
    }
    match hint {
        b'.' => {
            if let Some(f) = parse_float(s) {
                return (FLOAT_TAG, Scalar::Float(f));
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(s) {
                return (TIMESTAMP_TAG, Scalar::Str);
            }
            let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
                s.chars().filter(|&c| c != '_').collect::<String>().into()
            } else {
                s.into()
            };
            if let Some(i) = parse_int(&plain) {
                return (INT_TAG, Scalar::Int(i));
            }
            if let Ok(u) = parse_uint(&plain, 0) {
                return (INT_TAG, Scalar::Uint(u));
            }
            if yaml_style_float(&plain) {
                if let Some(f) = parse_float(&plain) {
                    return (FLOAT_TAG, Scalar::Float(f));
                }
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if let Some(i) = parse_int_radix(rest, 2) {
                    return (INT_TAG, Scalar::Int(i));
                }
                if let Ok(u) = parse_uint(rest, 2) {
                    return (INT_TAG, Scalar::Uint(u));
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if let Some(i) = parse_int_radix(&format!("-{rest}"), 2) {
                    return (INT_TAG, Scalar::Int(i));
                }
            }
        }
        _ => {}
    }
    (STR_TAG, Scalar::Str)
}

fn lookup_table(s: &str) -> Option<Scalar> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Whether `resolve("", s)` would give anything but a string (used by the
/// emitter to decide on quoting). Timestamps count as non-strings.
pub(super) fn resolves_to_non_string(s: &str) -> bool {
    let (tag, _) = resolve_untagged(b"", s);
    tag != STR_TAG
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `underscoreOK`: underscores only between digits (or after a base
/// prefix).
pub(crate) fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if matches!(b.first(), Some(b'+' | b'-')) {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input; `None` on a syntax
/// or range error. (Hexadecimal floats and `inf`/`nan` words never reach it
/// from the resolver.)
pub(super) fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut underscores = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let st = i;
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
        if i == st {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    // Rust's float parser is correctly rounded, like Go's.
    let f: f64 = clean.parse().ok()?;
    if f.is_infinite() {
        // Go reports ErrRange (and the resolver then keeps the string).
        return None;
    }
    Some(f)
}

/// Go's `strconv.ParseUint(s, base, 64)` (base 0 detects prefixes). The
/// error tells a syntax error (`false`) from a range error (`true`).
fn parse_uint(s: &str, base: u32) -> Result<u64, bool> {
    if s.is_empty() {
        return Err(false);
    }
    let b = s.as_bytes();
    let base0 = base == 0;
    let (mut base, mut digits) = (base, b);
    if base0 {
        base = 10;
        if b[0] == b'0' {
            let second = b.get(1).map(u8::to_ascii_lowercase);
            if b.len() >= 3 && second == Some(b'b') {
                base = 2;
                digits = &b[2..];
            } else if b.len() >= 3 && second == Some(b'o') {
                base = 8;
                digits = &b[2..];
            } else if b.len() >= 3 && second == Some(b'x') {
                base = 16;
                digits = &b[2..];
            } else {
                base = 8;
                digits = &b[1..];
            }
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    let mut range = false;
    for &c in digits {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' | b'A'..=b'Z' => u32::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(false),
        };
        if d >= base {
            return Err(false);
        }
        if range {
            continue;
        }
        match n
            .checked_mul(u64::from(base))
            .and_then(|m| m.checked_add(u64::from(d)))
        {
            Some(v) => n = v,
            None => range = true,
        }
    }
    if range {
        return Err(true);
    }
    if underscores && !underscore_ok(s) {
        return Err(false);
    }
    Ok(n)
}

fn parse_int_with(s: &str, base: u32) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let (neg, rest) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest, base).ok()?;
    let cutoff = 1u64 << 63;
    if !neg && un >= cutoff {
        return None;
    }
    if neg && un > cutoff {
        return None;
    }
    Some(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int(s: &str) -> Option<i64> {
    parse_int_with(s, 0)
}

fn parse_int_radix(s: &str, base: u32) -> Option<i64> {
    parse_int_with(s, base)
}

// -------------------------------------------------------------------------
// Timestamps: go-yaml v2 accepts what `time.Parse` accepts for one of
//   2006-1-2T15:4:5.999999999Z07:00, 2006-1-2t15:4:5.999999999Z07:00,
//   2006-1-2 15:4:5.999999999, 2006-1-2
// after a quick check that the text starts with four digits and '-'.

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    parse_time(b, Some(b'T'), true)
        || parse_time(b, Some(b't'), true)
        || parse_time(b, Some(b' '), false)
        || parse_time(b, None, false)
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i)?;
    if !d0.is_ascii_digit() {
        return None;
    }
    *i += 1;
    match b.get(*i) {
        Some(d1) if d1.is_ascii_digit() => {
            *i += 1;
            Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
        }
        _ => Some(u32::from(d0 - b'0')),
    }
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One of the four layouts: `sep` is the date/time separator (`None`: date
/// only) and `zone` says whether the `Z07:00` part follows.
fn parse_time(b: &[u8], sep: Option<u8>, zone: bool) -> bool {
    let year: i64 = match std::str::from_utf8(&b[..4])
        .ok()
        .and_then(|y| y.parse().ok())
    {
        Some(y) => y,
        None => return false,
    };
    let mut i = 4;
    let lit = |i: &mut usize, c: u8| -> bool {
        if b.get(*i) == Some(&c) {
            *i += 1;
            true
        } else {
            false
        }
    };
    if !lit(&mut i, b'-') {
        return false;
    }
    let Some(month) = getnum(b, &mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) || !lit(&mut i, b'-') {
        return false;
    }
    let Some(day) = getnum(b, &mut i) else {
        return false;
    };
    if let Some(sep) = sep {
        if !lit(&mut i, sep) {
            return false;
        }
        let Some(hour) = getnum(b, &mut i) else {
            return false;
        };
        if hour >= 24 || !lit(&mut i, b':') {
            return false;
        }
        let Some(min) = getnum(b, &mut i) else {
            return false;
        };
        if min >= 60 || !lit(&mut i, b':') {
            return false;
        }
        let Some(sec) = getnum(b, &mut i) else {
            return false;
        };
        if sec >= 60 {
            return false;
        }
        // Optional fraction: '.' or ',' then digits.
        if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if zone {
            if b.get(i) == Some(&b'Z') {
                i += 1;
            } else {
                let z = match b.get(i..i + 6) {
                    Some(z) => z,
                    None => return false,
                };
                if !matches!(z[0], b'+' | b'-')
                    || z[3] != b':'
                    || !z[1].is_ascii_digit()
                    || !z[2].is_ascii_digit()
                    || !z[4].is_ascii_digit()
                    || !z[5].is_ascii_digit()
                {
                    return false;
                }
                let hh = u32::from(z[1] - b'0') * 10 + u32::from(z[2] - b'0');
                let mm = u32::from(z[4] - b'0') * 10 + u32::from(z[5] - b'0');
                if hh > 24 || mm > 60 {
                    return false;
                }
                i += 6;
            }
        }
    }
    if i != b.len() {
        return false;
    }
    day >= 1 && day <= days_in(month, year)
}

// -------------------------------------------------------------------------

/// Go's `base64.StdEncoding.DecodeString` (which skips `\r` and `\n`).
pub(super) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    }
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let quads = clean.len() / 4;
    for (qi, q) in clean.chunks(4).enumerate() {
        let last = qi + 1 == quads;
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &q[..4 - pad] {
            n = (n << 6) | val(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// A Go string holding arbitrary bytes, as `encoding/json` writes it: each
/// byte that does not start a valid UTF-8 sequence becomes U+FFFD.
pub(super) fn go_lossy_utf8(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let mut out = String::with_capacity(b.len() + 8);
            let mut i = 0;
            while i < b.len() {
                let w = match b[i] {
                    0x00..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF7 => 4,
                    _ => 0,
                };
                let ch = (w > 0)
                    .then(|| b.get(i..i + w))
                    .flatten()
                    .and_then(|seq| std::str::from_utf8(seq).ok())
                    .and_then(|s| s.chars().next());
                match ch {
                    Some(c) => {
                        out.push(c);
                        i += w;
                    }
                    None => {
                        out.push('\u{FFFD}');
                        i += 1;
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_go() {
        assert_eq!(resolve(b"", "0x1F"), Ok(Scalar::Int(31)));
        assert_eq!(resolve(b"", "0777"), Ok(Scalar::Int(511)));
        assert_eq!(resolve(b"", "08"), Ok(Scalar::Float(8.0)));
        assert_eq!(resolve(b"", "-0b101"), Ok(Scalar::Int(-5)));
        assert_eq!(resolve(b"", "1_000"), Ok(Scalar::Int(1000)));
        assert_eq!(
            resolve(b"", "18446744073709551615"),
            Ok(Scalar::Uint(u64::MAX))
        );
        assert_eq!(resolve(b"", "1e400"), Ok(Scalar::Str));
        assert_eq!(resolve(b"", ".5_0"), Ok(Scalar::Float(0.5)));
        assert_eq!(resolve(b"", "0x"), Ok(Scalar::Str));
    }

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2001-12-14"));
        assert!(is_timestamp("2001-12-14t21:59:43.10-05:00"));
        assert!(is_timestamp("2001-12-14 21:59:43.10"));
        assert!(!is_timestamp("2001-13-14"));
        assert!(!is_timestamp("2001-02-30"));
        assert!(is_timestamp("2000-02-29"));
    }

    #[test]
    fn base64_and_lossy() {
        assert_eq!(decode_base64("aGVs\nbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("not*base64"), None);
        assert_eq!(go_lossy_utf8(&[0xE2, 0x82, b'A']), "\u{FFFD}\u{FFFD}A");
    }
}
