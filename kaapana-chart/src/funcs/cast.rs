//! Sprig's conversion functions, with `spf13/cast` v1.7.0 semantics (the
//! version Helm 4.2.3 vendors), and the conversion helpers other families
//! use (`to_int64`, `to_float64`).
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `atoi` | `atoi(a string) int` | `strconv.Atoi`; errors give 0, overflow clamps |
//! | `int` | `int(v any) int` | `cast.ToInt` |
//! | `int64` | `int64(v any) int64` | `cast.ToInt64` |
//! | `float64` | `float64(v any) float64` | `cast.ToFloat64` |
//! | `toDecimal` | `toDecimal(v any) int64` | `fmt.Sprint(v)` read as octal; errors give 0 |
//! | `toStrings` | `toStrings(v any) []string` | Sprig's `strslice` |
//! | `seq` | `seq(params ...int) string` | like the Unix `seq` |
//! | `until` | `until(count int) []int` | |
//! | `untilStep` | `untilStep(start, stop, step int) []int` | |
//!
//! `cast` ignores what it cannot convert (Sprig drops the error), so every
//! failure is 0: a string converts only if it parses entirely (`" 3"` is 0),
//! integers take Go's base prefixes and digit underscores (`"0x1F"`,
//! `"1_000"`, `"017"` is octal, `"08"` is 0) and a zero fraction (`"12.00"`),
//! floats take Go's float syntax (`"1e3"`, `"inf"`, `"0x1p-2"`), booleans
//! are 1 and 0, nil is 0, and a float truncates toward zero (on amd64, where
//! Helm runs, NaN and out-of-range floats become the smallest `int64`).

use super::{str_arg, FuncError, Functions};
use crate::template::fmt as gofmt;
use crate::value::{ElemType, GoType, List, Signature, Value};

const ANY: GoType = GoType::Any;
const INT: GoType = GoType::Int;

/// Bytes a list item costs against the render's output budget: lists that
/// `until` and friends build are checked before they are allocated.
pub(crate) const ITEM_COST: usize = std::mem::size_of::<Value>();

pub(crate) fn register(f: &mut Functions) {
    f.register("atoi", Signature::fixed(&[GoType::String]), |_, a| {
        Ok(Value::Int(atoi(str_arg(a, 0))))
    });
    f.register("int", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Int(to_int64(arg(a, 0))))
    });
    f.register("int64", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Int64(to_int64(arg(a, 0))))
    });
    f.register("float64", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Float(to_float64(arg(a, 0))))
    });
    f.register("toDecimal", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Int64(to_decimal(arg(a, 0))))
    });
    f.register("toStrings", Signature::fixed(&[ANY]), |_, a| {
        Ok(to_strings(arg(a, 0)))
    });
    f.register("seq", Signature::variadic(&[], INT), |ctx, a| {
        let ints: Vec<i64> = a.iter().map(int_arg).collect();
        let Some(items) = seq_items(&ints) else {
            return Ok(Value::from(""));
        };
        // "-9223372036854775808 " is the widest item.
        ctx.charge_output(items.len().saturating_mul(21))?;
        let mut out = String::new();
        for i in items.iter() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&i.to_string());
        }
        Ok(Value::from(out))
    });
    f.register("until", Signature::fixed(&[INT]), |ctx, a| {
        let count = int_arg(a.first().unwrap_or(&Value::Nil));
        let step = if count < 0 { -1 } else { 1 };
        int_list(ctx, UntilStep::new(0, count, step))
    });
    f.register("untilStep", Signature::fixed(&[INT, INT, INT]), |ctx, a| {
        let v: Vec<i64> = a.iter().map(int_arg).collect();
        let (start, stop, step) = (
            v.first().copied().unwrap_or(0),
            v.get(1).copied().unwrap_or(0),
            v.get(2).copied().unwrap_or(0),
        );
        int_list(ctx, UntilStep::new(start, stop, step))
    });
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

/// An `int` parameter (arguments arrive converted to their signature).
fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn int_list(
    ctx: &mut super::CallContext<'_, '_, '_>,
    items: UntilStep,
) -> Result<Value, FuncError> {
    ctx.charge_output(items.len().saturating_mul(ITEM_COST))?;
    Ok(Value::List(List::typed(
        ElemType::Int,
        items.iter().map(Value::Int).collect(),
    )))
}

/// Sprig's `untilStep(start, stop, step)`: the ints from `start` toward
/// `stop` (exclusive) by `step`; empty when the step points away from `stop`
/// or is 0. Kept lazy so the length can be checked against the render's
/// budget before anything is allocated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UntilStep {
    start: i64,
    stop: i64,
    step: i64,
}

impl UntilStep {
    pub(crate) fn new(start: i64, stop: i64, step: i64) -> UntilStep {
        let empty = UntilStep {
            start: 0,
            stop: 0,
            step: 1,
        };
        if stop < start {
            if step >= 0 {
                return empty;
            }
        } else if step <= 0 {
            return empty;
        }
        UntilStep { start, stop, step }
    }

    /// The number of items.
    pub(crate) fn len(&self) -> usize {
        let span = (i128::from(self.stop) - i128::from(self.start)).unsigned_abs();
        let step = i128::from(self.step).unsigned_abs();
        usize::try_from(span.div_ceil(step)).unwrap_or(usize::MAX)
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = i64> {
        let n = self.len();
        // Go's loop stops when `i` passes `stop`; `i += step` cannot wrap
        // before that because `n` counts exactly the items below `stop`.
        (0..n).map(move |k| self.start.wrapping_add((k as i64).wrapping_mul(self.step)))
    }
}

/// The list behind Sprig's `seq`, or `None` for the cases that print `""`.
fn seq_items(p: &[i64]) -> Option<UntilStep> {
    match *p {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            Some(UntilStep::new(1, end.wrapping_add(inc), inc))
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            Some(UntilStep::new(start, end.wrapping_add(step), step))
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return None;
                }
            }
            Some(UntilStep::new(start, end.wrapping_add(inc), step))
        }
        _ => None,
    }
}

/// `cast.ToInt64` (and `cast.ToInt`, the same on 64-bit), errors as 0.
///
/// ```ignore
/// assert_eq!(to_int64(&Value::from("0x1F")), 31);
/// assert_eq!(to_int64(&Value::Float(-3.9)), -3);
/// ```
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(u) => i64::from(*u),
        Value::Float(f) => float_to_int64(*f),
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)` as amd64 computes it (`CVTTSD2SQ`): truncation toward
/// zero, and the "integer indefinite" value (the smallest `int64`) for NaN
/// and anything out of range. Helm runs on amd64; the oracle confirms.
pub(crate) fn float_to_int64(f: f64) -> i64 {
    // 2^63 is exactly representable; anything at or beyond it overflows.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToFloat64`, errors as 0.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(u) => f64::from(*u),
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: `"12.000"` → `"12"`, `"12.50"` unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (0..b.len()).rev() {
        match b[i] {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b` prefixes, a
/// leading `0` for octal, `_` between digits. `None` on any error.
pub(crate) fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = split_sign(s);
    let (radix, digits) = match body.as_bytes() {
        [b'0', p, _, ..] if matches!(p.to_ascii_lowercase(), b'x' | b'o' | b'b') => {
            let r = match p.to_ascii_lowercase() {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (r, &body[2..])
        }
        [b'0', ..] => (8, &body[1..]),
        _ => (10, body),
    };
    if body.is_empty() {
        return None;
    }
    if digits.contains('_') && !crate::value::underscore_ok(body) {
        return None;
    }
    let mag = parse_digits(digits, radix, true)?;
    apply_sign(neg, mag)
}

/// Go's `strconv.ParseInt(s, radix, 64)` for an explicit radix: no
/// prefixes, no underscores. `Err(Some(clamped))` is a range error with the
/// value Go returns alongside it.
fn parse_int_radix(s: &str, radix: u32) -> Result<i64, Option<i64>> {
    let (neg, body) = split_sign(s);
    if body.is_empty() {
        return Err(None);
    }
    match parse_digits(body, radix, false) {
        Some(mag) => apply_sign(neg, mag).ok_or(Some(if neg { i64::MIN } else { i64::MAX })),
        None if body.bytes().all(|c| (c as char).is_digit(radix)) => {
            Err(Some(if neg { i64::MIN } else { i64::MAX }))
        }
        None => Err(None),
    }
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

fn apply_sign(neg: bool, mag: u64) -> Option<i64> {
    if neg {
        if mag <= 1 << 63 {
            Some((mag as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(mag).ok()
    }
}

/// The magnitude of `digits` in `radix`; `None` on a bad digit or overflow.
fn parse_digits(digits: &str, radix: u32, underscores: bool) -> Option<u64> {
    let mut n: u64 = 0;
    for c in digits.chars() {
        if c == '_' && underscores {
            continue;
        }
        let d = c.to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.Atoi` as Sprig uses it: a syntax error gives 0, a range
/// error the clamped value Go returns with it.
pub(crate) fn atoi(s: &str) -> i64 {
    match parse_int_radix(s, 10) {
        Ok(v) => v,
        Err(clamped) => clamped.unwrap_or(0),
    }
}

/// Sprig's `toDecimal`: `fmt.Sprint(v)` parsed as an octal number.
fn to_decimal(v: &Value) -> i64 {
    parse_int_radix(&gofmt::sprint(std::slice::from_ref(v)), 8).unwrap_or(0)
}

/// Go's `strconv.ParseFloat(s, 64)`, `None` on a syntax or range error
/// (cast turns both into 0). Decimal digits are rounded exactly like Go
/// (both languages round correctly); hexadecimal mantissas longer than 16
/// digits are truncated before rounding, which Go does not do (no chart
/// writes such numbers).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if let Some(f) = special_float(s) {
        return Some(f);
    }
    let (neg, body) = split_sign(s);
    let b = body.as_bytes();
    let hex = b.len() >= 2 && b[0] == b'0' && (b[1] | 0x20) == b'x';
    let mant_start = if hex { 2 } else { 0 };
    let mut i = mant_start;
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut underscores = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                return None;
            }
            saw_dot = true;
        } else if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw_digits = true;
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    let mant_end = i;
    let mut exp: i64 = 0;
    let mut saw_exp = false;
    if i < b.len() && (b[i] | 0x20) == if hex { b'p' } else { b'e' } {
        saw_exp = true;
        i += 1;
        let mut eneg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            eneg = b[i] == b'-';
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else if exp < 100_000 {
                exp = exp * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != b.len() || (hex && !saw_exp) {
        return None;
    }
    if underscores && !crate::value::underscore_ok(&body[..i]) {
        return None;
    }
    let f = if hex {
        hex_float(&body[mant_start..mant_end], exp)
    } else {
        let clean: String = body.chars().filter(|&c| c != '_').collect();
        clean.parse::<f64>().ok()?
    };
    if f.is_infinite() {
        return None;
    }
    Some(if neg { -f } else { f })
}

/// Go's `special`: `inf`, `infinity` (signed, any case) and `nan` (unsigned).
fn special_float(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    None
}

fn hex_float(mant: &str, exp: i64) -> f64 {
    if mant.bytes().all(|c| matches!(c, b'0' | b'.' | b'_')) {
        return 0.0;
    }
    let mut m: u64 = 0;
    let mut shift: i64 = 0;
    let mut after_dot = false;
    for c in mant.chars() {
        match c {
            '.' => after_dot = true,
            '_' => {}
            _ => {
                let d = u64::from(c.to_digit(16).unwrap_or(0));
                if m >> 60 == 0 {
                    m = m * 16 + d;
                    if after_dot {
                        shift -= 4;
                    }
                } else if !after_dot {
                    shift += 4;
                }
            }
        }
    }
    let e = (exp + shift).clamp(-2000, 2000) as i32;
    m as f64 * 2f64.powi(e.max(-1022)) * 2f64.powi((e + 1022).min(0))
}

/// Sprig's `strval`: a string as is, `[]byte` as text, an object through
/// its `String()` method, anything else as `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => gofmt::sprint(std::slice::from_ref(other)),
    }
}

/// Sprig's `strslice`: a `[]string` as is; the non-nil items of any other
/// slice through `strval`; nil as `[]`; anything else as a one-item list.
fn to_strings(v: &Value) -> Value {
    let items = match v {
        Value::List(l) if l.elem() == ElemType::String => return v.clone(),
        Value::List(l) => l
            .items()
            .iter()
            .filter(|x| !x.is_nil())
            .map(|x| Value::from(strval(x)))
            .collect(),
        Value::Bytes(b) => b.iter().map(|x| Value::from(x.to_string())).collect(),
        Value::Object(o) => match o.list_items() {
            Some(items) => items
                .iter()
                .filter(|x| !x.is_nil())
                .map(|x| Value::from(strval(x)))
                .collect(),
            None => vec![Value::from(strval(v))],
        },
        Value::Nil => Vec::new(),
        other => vec![Value::from(strval(other))],
    };
    Value::List(List::typed(ElemType::String, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_cast() {
        for (s, want) in [
            ("0x1F", 31),
            ("08", 0),
            (" 3", 0),
            ("1e3", 0),
            ("1_000", 1000),
            ("0_17", 15),
            ("1__0", 0),
            ("_10", 0),
            ("0x_1F", 31),
            ("12.000", 12),
            ("12.50", 0),
            (".0", 0),
            ("-9223372036854775808", i64::MIN),
            ("9223372036854775808", 0),
            ("-", 0),
            ("0", 0),
            ("0x", 0),
        ] {
            assert_eq!(to_int64(&Value::from(s)), want, "{s}");
        }
        assert_eq!(to_int64(&Value::Float(1e19)), i64::MIN);
        assert_eq!(to_int64(&Value::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
    }

    #[test]
    fn floats_follow_go() {
        for (s, want) in [
            ("1e3", Some(1000.0)),
            ("0x1p-2", Some(0.25)),
            ("0x1.8p1", Some(3.0)),
            ("0x10", None),
            ("1_000.5", Some(1000.5)),
            ("1e400", None),
            ("+nan", None),
            ("5.", Some(5.0)),
            ("+.5e-1", Some(0.05)),
            ("1e", None),
            ("infin", None),
        ] {
            assert_eq!(parse_float(s), want, "{s}");
        }
        assert!(parse_float("NaN").is_some_and(f64::is_nan));
    }

    #[test]
    fn atoi_clamps() {
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(atoi("-99999999999999999999"), i64::MIN);
        assert_eq!(atoi("1_0"), 0);
        assert_eq!(atoi("+12"), 12);
    }

    #[test]
    fn until_step_lengths() {
        assert_eq!(
            UntilStep::new(0, 10, 3).iter().collect::<Vec<_>>(),
            [0, 3, 6, 9]
        );
        assert_eq!(
            UntilStep::new(10, 0, -3).iter().collect::<Vec<_>>(),
            [10, 7, 4, 1]
        );
        assert_eq!(UntilStep::new(0, 10, 0).len(), 0);
        assert_eq!(UntilStep::new(i64::MIN, i64::MAX, i64::MAX).len(), 3);
    }
}
