//! Sprig's list functions.
//!
//! | name | Go signature |
//! |---|---|
//! | `slice` | `slice(list any, indices ...any) any` |

use super::{FuncError, Functions};
use crate::value::{GoType, List, Signature, Value};

pub(crate) fn register(f: &mut Functions) {
    f.register(
        "slice",
        Signature::variadic(&[GoType::Any], GoType::Any),
        |_, a| slice(a.first().unwrap_or(&Value::Nil), a.get(1..).unwrap_or(&[])),
    );
}

/// Sprig's `slice`: `list[start:end]` with `spf13/cast` index conversion.
/// Sprig panics on bad input; Go's template engine turns the panic into the
/// call's error, which is what we return.
fn slice(list: &Value, indices: &[Value]) -> Result<Value, FuncError> {
    let l = match list {
        Value::List(l) => l,
        Value::Nil => {
            return Err(FuncError::new(
                "runtime error: invalid memory address or nil pointer dereference",
            ))
        }
        other => {
            return Err(FuncError::new(format!(
                "list should be type of slice or array but {}",
                other.go_kind()
            )))
        }
    };
    let len = l.len();
    if len == 0 {
        return Ok(Value::Nil);
    }
    let start = indices.first().map_or(0, to_int);
    let end = if indices.len() < 2 {
        len as i64
    } else {
        indices.get(1).map_or(0, to_int)
    };
    if start < 0 || end < start || end as u64 > len as u64 {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    Ok(Value::List(List::typed(
        l.elem(),
        l.items()[start as usize..end as usize].to_vec(),
    )))
}

/// `spf13/cast.ToInt`: numbers truncate, numeric strings parse (base
/// prefixes allowed), booleans are 0/1, anything else is 0.
pub(crate) fn to_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_go_int(s).unwrap_or(0),
        _ => 0,
    }
}

/// `strconv.ParseInt(s, 0, 0)` after cast's trimming of a zero decimal part.
fn parse_go_int(s: &str) -> Option<i64> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = digits.replace('_', "");
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r.to_owned())
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r.to_owned())
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r.to_owned())
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, digits[1..].to_owned())
    } else {
        (10, digits)
    };
    let n = i64::from_str_radix(&body, radix).ok()?;
    Some(if neg { -n } else { n })
}
