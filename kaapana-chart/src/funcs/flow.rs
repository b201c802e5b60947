//! Sprig's defaults and flow functions.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `default` | `default(d any, given ...any) any` | `d` if `given` is missing or empty |
//! | `empty` | `empty(given any) bool` | nil, false, 0, "" and empty lists and maps; never a struct |
//! | `coalesce` | `coalesce(v ...any) any` | the first non-empty value, else nil |
//! | `all` | `all(v ...any) bool` | no value empty (true for none) |
//! | `any` | `any(v ...any) bool` | some value not empty |
//! | `compact` | `compact(list any) []any` | drops empty items |
//! | `mustCompact` | `mustCompact(list any) ([]any, error)` | |
//! | `ternary` | `ternary(vt, vf any, v bool) any` | `v` must be a Go `bool` |
//! | `deepCopy` | `deepCopy(i any) any` | maps and lists copied, Go types kept |
//! | `mustDeepCopy` | `mustDeepCopy(i any) (any, error)` | |
//!
//! `compact` and `deepCopy` panic in Sprig where their `must` forms return
//! an error; Go's template engine turns the panic into the call's error, so
//! both forms fail with the same message here.

use super::{FuncError, Functions};
use crate::limits::MAX_VALUE_DEPTH;
use crate::value::{Entries, GoKind, GoType, List, Signature, Value};

const ANY: GoType = GoType::Any;

/// Stack headroom for the recursive copy (see `docs/architecture.md`).
const RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

pub(crate) fn register(f: &mut Functions) {
    f.register("default", Signature::variadic(&[ANY], ANY), |_, a| {
        let d = a.first().cloned().unwrap_or(Value::Nil);
        Ok(match a.get(1) {
            Some(given) if !is_empty(given) => given.clone(),
            _ => d,
        })
    });
    f.register("empty", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Bool(a.first().is_none_or(is_empty)))
    });
    f.register("coalesce", Signature::variadic(&[], ANY), |_, a| {
        Ok(a.iter()
            .find(|v| !is_empty(v))
            .cloned()
            .unwrap_or(Value::Nil))
    });
    f.register("all", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
    });
    f.register("any", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
    });
    f.register("compact", Signature::fixed(&[ANY]), |_, a| {
        compact(a.first().unwrap_or(&Value::Nil))
    });
    f.register(
        "mustCompact",
        Signature::fixed(&[ANY]).with_error(),
        |_, a| compact(a.first().unwrap_or(&Value::Nil)),
    );
    f.register(
        "ternary",
        Signature::fixed(&[ANY, ANY, GoType::Bool]),
        |_, a| {
            let pick = if matches!(a.get(2), Some(Value::Bool(true))) {
                0
            } else {
                1
            };
            Ok(a.get(pick).cloned().unwrap_or(Value::Nil))
        },
    );
    // A nil argument panics inside copystructure, before Sprig could wrap
    // an error (its `deepCopy error: ` prefix only covers returned errors,
    // which our data never produces), so both forms fail alike.
    f.register("deepCopy", Signature::fixed(&[ANY]), |_, a| {
        deep_copy(a.first().unwrap_or(&Value::Nil))
    });
    f.register(
        "mustDeepCopy",
        Signature::fixed(&[ANY]).with_error(),
        |_, a| deep_copy(a.first().unwrap_or(&Value::Nil)),
    );
}

/// Sprig's `empty`: nil; a string, slice or map of length 0; `false`; a zero
/// number. Structs and non-nil pointers are never empty.
///
/// ```ignore
/// assert!(is_empty(&Value::Float(0.0)));
/// assert!(!is_empty(&Value::from(" ")));
/// ```
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::Uint8(u) => *u == 0,
        Value::Complex(re, im) => *re == 0.0 && *im == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.go_kind() {
            GoKind::Map => o.map_entries().is_none_or(|e| e.is_empty()),
            GoKind::Slice => o.list_items().is_none_or(|e| e.is_empty()),
            GoKind::String => o.fmt_go(false).is_empty(),
            GoKind::Int64 => matches!(o.to_data(), Value::Int64(0)),
            GoKind::Struct | GoKind::Ptr => false,
        },
    }
}

/// Sprig's `mustCompact`: the non-empty items of a slice as `[]interface {}`.
fn compact(list: &Value) -> Result<Value, FuncError> {
    let items: Vec<Value> = match list {
        // reflect.TypeOf(nil).Kind() dereferences a nil type.
        Value::Nil => {
            return Err(FuncError::new(
                "runtime error: invalid memory address or nil pointer dereference",
            ))
        }
        Value::List(l) => l.items().to_vec(),
        Value::Bytes(b) => b.iter().map(|&x| Value::Uint8(x)).collect(),
        Value::Object(o) if o.go_kind() == GoKind::Slice => o.list_items().unwrap_or_default(),
        other => {
            return Err(FuncError::new(format!(
                "Cannot compact on type {}",
                other.go_kind()
            )))
        }
    };
    Ok(Value::list(
        items.into_iter().filter(|v| !is_empty(v)).collect(),
    ))
}

/// `copystructure.Copy`: maps and lists are copied all the way down and keep
/// their Go types; everything else is a value (or an object we never
/// mutate). A nil argument is copystructure's reflect panic. Nesting beyond
/// [`MAX_VALUE_DEPTH`] (a map that contains itself, which overflows Go's
/// stack) is a limit error.
fn deep_copy(v: &Value) -> Result<Value, FuncError> {
    if v.is_nil() {
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    copy_at(v, 0)
}

fn copy_at(v: &Value, depth: usize) -> Result<Value, FuncError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(FuncError::limit(format!(
            "deepCopy: value nests deeper than {MAX_VALUE_DEPTH} levels"
        )));
    }
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || match v {
        Value::List(l) => {
            let items = l
                .items()
                .iter()
                .map(|x| copy_at(x, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(List::typed(l.elem(), items)))
        }
        Value::Map(m) => {
            // A snapshot (never hold a map's lock while recursing: the map
            // may contain itself), whose containers are then replaced by
            // copies; it is already sorted, and becomes the copy's entries.
            let mut pairs = m.entries();
            for (_, x) in &mut pairs {
                if matches!(x, Value::Map(_) | Value::List(_)) {
                    *x = copy_at(x, depth + 1)?;
                }
            }
            Ok(Value::Map(m.like(Entries::from_sorted(pairs))))
        }
        other => Ok(other.clone()),
    })
}
