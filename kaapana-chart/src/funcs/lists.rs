//! Sprig's list functions.
//!
//! Sprig reads its list arguments through Go's `reflect`, so every slice
//! kind is accepted (`[]interface {}` from values and `list`, `[]string`
//! from `splitList`, `[]byte`, slice-typed host objects), and the results
//! are always `[]interface {}`. A non-slice argument makes the `must*`
//! variants return an error and the plain ones panic with the same error;
//! Go's template engine turns the panic into the call's error, so both fail
//! with `error calling <fn>: Cannot … on type <kind>`. A nil argument is a
//! nil pointer dereference inside Sprig (`reflect.TypeOf(nil).Kind()`), which
//! Helm reports as `runtime error: invalid memory address or nil pointer
//! dereference`.
//!
//! | name | Go signature |
//! |---|---|
//! | `list`, `tuple` | `list(v ...any) []any` |
//! | `append`, `push`, `mustAppend`, `mustPush` | `(list any, v any) []any` (`must*`: `([]any, error)`) |
//! | `prepend`, `mustPrepend` | `(list any, v any) []any` |
//! | `first`, `mustFirst`, `last`, `mustLast` | `(list any) any` |
//! | `rest`, `mustRest`, `initial`, `mustInitial` | `(list any) []any` (nil for an empty list) |
//! | `reverse`, `mustReverse`, `uniq`, `mustUniq` | `(list any) []any` |
//! | `without`, `mustWithout` | `(list any, omit ...any) []any` |
//! | `has`, `mustHas` | `(needle any, haystack any) bool` (a nil haystack has nothing) |
//! | `slice`, `mustSlice` | `(list any, indices ...any) any` |
//! | `concat` | `(lists ...any) any` (nil when nothing is concatenated) |
//! | `chunk`, `mustChunk` | `(size int, list any) [][]any` |
//!
//! Equality (`uniq`, `without`, `has`) is Go's `reflect.DeepEqual`: `1`
//! (an `int` literal) is not `1.0` from a values file (a `float64`).
//!
//! Every result list is charged against the render's output limit
//! ([`CallContext::charge_output`](crate::funcs::CallContext::charge_output))
//! before it is built, so doubling a list in a loop stops with
//! `LimitExceeded` instead of exhausting memory.

use std::borrow::Cow;

use super::cast::{float_to_int64, to_int64};
use super::{CallContext, FuncError, Functions};
use crate::value::{ElemType, GoKind, GoType, List, Signature, Value};

const ANY: GoType = GoType::Any;

/// Go's message for the nil pointer dereference Sprig runs into when handed
/// a nil list.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

pub(crate) fn register(f: &mut Functions) {
    for name in ["list", "tuple"] {
        f.register(name, Signature::variadic(&[], ANY), |ctx, a| {
            charge(ctx, a.len())?;
            Ok(Value::list(a.to_vec()))
        });
    }
    for (name, must) in [
        ("append", false),
        ("push", false),
        ("mustAppend", true),
        ("mustPush", true),
    ] {
        f.register(name, sig(&[ANY, ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot push on type")?;
            charge(ctx, items.len() + 1)?;
            let mut out = items.into_owned();
            out.push(arg(a, 1).clone());
            Ok(Value::list(out))
        });
    }
    for (name, must) in [("prepend", false), ("mustPrepend", true)] {
        f.register(name, sig(&[ANY, ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot prepend on type")?;
            charge(ctx, items.len() + 1)?;
            let mut out = Vec::with_capacity(items.len() + 1);
            out.push(arg(a, 1).clone());
            out.extend(items.iter().cloned());
            Ok(Value::list(out))
        });
    }
    for (name, must) in [("first", false), ("mustFirst", true)] {
        f.register(name, sig(&[ANY], must), |_, a| {
            let items = items_of(arg(a, 0), "Cannot find first on type")?;
            Ok(items.first().cloned().unwrap_or(Value::Nil))
        });
    }
    for (name, must) in [("last", false), ("mustLast", true)] {
        f.register(name, sig(&[ANY], must), |_, a| {
            let items = items_of(arg(a, 0), "Cannot find last on type")?;
            Ok(items.last().cloned().unwrap_or(Value::Nil))
        });
    }
    for (name, must) in [("rest", false), ("mustRest", true)] {
        f.register(name, sig(&[ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot find rest on type")?;
            match items.get(1..) {
                Some(tail) => {
                    charge(ctx, tail.len())?;
                    Ok(Value::list(tail.to_vec()))
                }
                None => Ok(nil_list()),
            }
        });
    }
    for (name, must) in [("initial", false), ("mustInitial", true)] {
        f.register(name, sig(&[ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot find initial on type")?;
            match items.len().checked_sub(1) {
                Some(n) => {
                    charge(ctx, n)?;
                    Ok(Value::list(items[..n].to_vec()))
                }
                None => Ok(nil_list()),
            }
        });
    }
    for (name, must) in [("reverse", false), ("mustReverse", true)] {
        f.register(name, sig(&[ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot find reverse on type")?;
            charge(ctx, items.len())?;
            Ok(Value::list(items.iter().rev().cloned().collect()))
        });
    }
    for (name, must) in [("uniq", false), ("mustUniq", true)] {
        f.register(name, sig(&[ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot find uniq on type")?;
            charge(ctx, items.len())?;
            let mut out: Vec<Value> = Vec::new();
            for it in items.iter() {
                if !out.contains(it) {
                    out.push(it.clone());
                }
            }
            Ok(Value::list(out))
        });
    }
    for (name, must) in [("without", false), ("mustWithout", true)] {
        f.register(name, sig_variadic(&[ANY], must), |ctx, a| {
            let items = items_of(arg(a, 0), "Cannot find without on type")?;
            let omit = a.get(1..).unwrap_or(&[]);
            charge(ctx, items.len())?;
            Ok(Value::list(
                items
                    .iter()
                    .filter(|it| !omit.contains(it))
                    .cloned()
                    .collect(),
            ))
        });
    }
    for (name, must) in [("has", false), ("mustHas", true)] {
        f.register(name, sig(&[ANY, ANY], must), |_, a| {
            let haystack = arg(a, 1);
            if haystack.is_nil() {
                return Ok(Value::Bool(false));
            }
            let items = items_of(haystack, "Cannot find has on type")?;
            Ok(Value::Bool(items.contains(arg(a, 0))))
        });
    }
    for (name, must) in [("slice", false), ("mustSlice", true)] {
        f.register(name, sig_variadic(&[ANY], must), |_, a| {
            slice(arg(a, 0), a.get(1..).unwrap_or(&[]))
        });
    }
    f.register("concat", Signature::variadic(&[], ANY), |ctx, a| {
        let mut out: Vec<Value> = Vec::new();
        for list in a {
            let items = match items_of(list, "") {
                Ok(items) => items,
                Err(e) if list.is_nil() => return Err(e),
                Err(_) => {
                    return Err(FuncError::new(format!(
                        "Cannot concat type {} as list",
                        list.go_kind()
                    )))
                }
            };
            charge(ctx, out.len() + items.len())?;
            out.extend(items.iter().cloned());
        }
        // Sprig appends to a nil slice: nothing appended leaves it nil.
        Ok(if out.is_empty() {
            nil_list()
        } else {
            Value::list(out)
        })
    });
    for (name, must) in [("chunk", false), ("mustChunk", true)] {
        f.register(name, sig(&[GoType::Int, ANY], must), |ctx, a| {
            let size = match arg(a, 0) {
                Value::Int(i) => *i,
                _ => 0,
            };
            let items = items_of(arg(a, 1), "Cannot chunk type")?;
            chunk(ctx, size, &items)
        });
    }
}

/// A fixed signature; the `must*` variants return `(T, error)` (the plain
/// ones panic, which ends the same way in a template).
const fn sig(params: &'static [GoType], must: bool) -> Signature {
    let s = Signature::fixed(params);
    if must {
        s.with_error()
    } else {
        s
    }
}

const fn sig_variadic(params: &'static [GoType], must: bool) -> Signature {
    let s = Signature::variadic(params, ANY);
    if must {
        s.with_error()
    } else {
        s
    }
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

/// A nil `[]interface {}`.
fn nil_list() -> Value {
    Value::List(List::nil_slice(ElemType::Interface))
}

/// Charges a result list of `n` items against the output limit.
pub(crate) fn charge(ctx: &mut CallContext<'_, '_, '_>, n: usize) -> Result<(), FuncError> {
    ctx.charge_output(n.saturating_mul(std::mem::size_of::<Value>()))
}

/// The items of any Go slice, the way Sprig's `reflect.ValueOf(list).Index(i)`
/// sees them. `what` starts the error for a value of another kind
/// (`Cannot push on type` + ` map`).
pub(crate) fn items_of<'v>(v: &'v Value, what: &str) -> Result<Cow<'v, [Value]>, FuncError> {
    match v {
        Value::List(l) => Ok(Cow::Borrowed(l.items())),
        Value::Bytes(b) => Ok(Cow::Owned(b.iter().map(|&u| Value::Uint8(u)).collect())),
        Value::Object(o) if o.go_kind() == GoKind::Slice => {
            Ok(Cow::Owned(o.list_items().unwrap_or_default()))
        }
        Value::Nil => Err(FuncError::new(NIL_DEREF)),
        other => Err(FuncError::new(format!("{what} {}", other.go_kind()))),
    }
}

/// Sprig's `slice`: `list[start:end]` with `spf13/cast` index conversion.
/// Sprig panics on bad input; Go's template engine turns the panic into the
/// call's error, which is what we return.
fn slice(list: &Value, indices: &[Value]) -> Result<Value, FuncError> {
    let l = match list {
        Value::List(l) => l,
        Value::Nil => return Err(FuncError::new(NIL_DEREF)),
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
    let start = indices.first().map_or(0, to_int64);
    let end = if indices.len() < 2 {
        len as i64
    } else {
        indices.get(1).map_or(0, to_int64)
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

/// Sprig's `chunk`, with its float arithmetic: the number of chunks is
/// `floor((len-1)/size)+1` and the last chunk's length `mod(len, size)` (or
/// `size` when that is 0). A size that makes either negative is Go's
/// `makeslice: len out of range` panic; some negative sizes work (`chunk -2`
/// of a one-item list is `[[x]]`), as in Go.
fn chunk(
    ctx: &mut CallContext<'_, '_, '_>,
    size: i64,
    items: &[Value],
) -> Result<Value, FuncError> {
    const BAD_LEN: &str = "runtime error: makeslice: len out of range";
    let l = items.len() as f64;
    let chunks = float_to_int64(((l - 1.0) / size as f64).floor() + 1.0);
    if chunks < 0 {
        return Err(FuncError::new(BAD_LEN));
    }
    let chunks = chunks as u64;
    let mut out = Vec::new();
    for i in 0..chunks {
        let mut clen = size;
        if i == chunks - 1 {
            clen = float_to_int64((l % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(FuncError::new(BAD_LEN));
        }
        let start = i.saturating_mul(size as u64);
        let part = usize::try_from(start)
            .ok()
            .and_then(|s| items.get(s..s.checked_add(clen as usize)?))
            // Go's reflect panics on an index past the end.
            .ok_or_else(|| FuncError::new("reflect: slice index out of range"))?;
        charge(ctx, out.len() + part.len() + 1)?;
        out.push(Value::list(part.to_vec()));
    }
    Ok(Value::List(List::typed(ElemType::List, out)))
}

#[cfg(test)]
mod tests {
    use crate::template::Options;
    use crate::{Functions, Limits, TemplateSet, Value};
    use std::sync::Arc;

    fn render(src: &str, max_output: usize) -> Result<String, crate::Error> {
        let funcs = Arc::new(Functions::helm());
        let opts = Options {
            limits: Limits {
                max_output,
                ..Limits::default()
            },
            ..Options::default()
        };
        let mut set = TemplateSet::with_functions(opts, funcs);
        set.add("t", src)?;
        set.execute("t", &Value::Nil)
    }

    #[test]
    fn list_results_are_charged_against_the_output_limit() {
        // 8 items fit in 8 × 24 bytes; the concat to 16 does not.
        let src = r#"{{ $l := list 1 2 3 4 5 6 7 8 }}{{ len $l }} {{ len (concat $l $l) }}"#;
        let size = std::mem::size_of::<Value>();
        let err = render(src, 8 * size + 8).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::LimitExceeded, "{err}");
        assert_eq!(render(src, 16 * size + 8).unwrap(), "8 16");
    }
}
