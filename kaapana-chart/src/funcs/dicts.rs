//! Sprig's dictionary functions.
//!
//! Dictionaries are Go `map[string]interface {}` values; a parameter of that
//! type also accepts `.Values` (`common.Values`) and a nil map. Maps are
//! shared and mutable ([`Map`]): `set`, `unset`, `merge` and
//! `mergeOverwrite` change their first argument in place, and every holder
//! of the map sees the change, as in Helm.
//!
//! | name | Go signature |
//! |---|---|
//! | `dict` | `dict(v ...any) map[string]any` (keys through Sprig's `strval`; a missing last value is `""`) |
//! | `get` | `get(d map[string]any, key string) any` (`""` when missing) |
//! | `set` | `set(d map[string]any, key string, value any) map[string]any` |
//! | `unset` | `unset(d map[string]any, key string) map[string]any` |
//! | `hasKey` | `hasKey(d map[string]any, key string) bool` |
//! | `pluck` | `pluck(key string, d ...map[string]any) []any` |
//! | `keys` | `keys(dicts ...map[string]any) []string` |
//! | `pick` | `pick(dict map[string]any, keys ...string) map[string]any` |
//! | `omit` | `omit(dict map[string]any, keys ...string) map[string]any` |
//! | `values` | `values(dict map[string]any) []any` |
//! | `dig` | `dig(ps ...any) (any, error)` |
//! | `merge`, `mergeOverwrite` | `(dst map[string]any, srcs ...map[string]any) any` |
//! | `mustMerge`, `mustMergeOverwrite` | `(dst map[string]any, srcs ...map[string]any) (any, error)` |
//!
//! Go iterates maps in random order, so Helm's `keys` and `values` come out
//! in a different order on every run; ours come out sorted by key (one of
//! Helm's possible answers, and a stable one).
//!
//! `merge` and `mergeOverwrite` follow `dario.cat/mergo` (`Merge` and
//! `MergeWithOverwrite`) on maps, see `merge_into`.

use super::lists::charge;
use super::{str_arg, CallContext, FuncError, Functions};
use crate::limits::MAX_VALUE_DEPTH;
use crate::template::fmt as gofmt;
use crate::value::{ElemType, Entries, GoKind, GoType, List, Map, Signature, Value};
use std::sync::Arc;

const ANY: GoType = GoType::Any;
const S: GoType = GoType::String;
const MAP: GoType = GoType::Map;

pub(crate) fn register(f: &mut Functions) {
    f.register("dict", Signature::variadic(&[], ANY), |ctx, a| {
        charge(ctx, a.len() / 2 + 1)?;
        let mut entries = Entries::with_capacity(a.len().div_ceil(2));
        for pair in a.chunks(2) {
            let key = strval(ctx, &pair[0])?;
            entries.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::from("")));
        }
        Ok(Value::Map(Map::typed(ElemType::Interface, entries)))
    });
    f.register("get", Signature::fixed(&[MAP, S]), |_, a| {
        Ok(map_arg(a, 0)
            .and_then(|m| m.get(str_arg(a, 1)))
            .unwrap_or_else(|| Value::from("")))
    });
    f.register("set", Signature::fixed(&[MAP, S, ANY]), |_, a| {
        let m = map_arg(a, 0).ok_or("assignment to entry in nil map")?;
        // The signature makes the key a string; sharing it saves a copy.
        let key: Arc<str> = match a.get(1) {
            Some(Value::String(s)) => s.clone(),
            _ => str_arg(a, 1).into(),
        };
        m.insert(key, a.get(2).cloned().unwrap_or(Value::Nil));
        Ok(Value::Map(m.clone()))
    });
    f.register("unset", Signature::fixed(&[MAP, S]), |_, a| {
        Ok(match map_arg(a, 0) {
            Some(m) => {
                m.remove(str_arg(a, 1));
                Value::Map(m.clone())
            }
            // delete on a nil map is a no-op; the nil map comes back.
            None => Value::Nil,
        })
    });
    f.register("hasKey", Signature::fixed(&[MAP, S]), |_, a| {
        Ok(Value::Bool(
            map_arg(a, 0).is_some_and(|m| m.contains_key(str_arg(a, 1))),
        ))
    });
    f.register("pluck", Signature::variadic(&[S], MAP), |ctx, a| {
        let key = str_arg(a, 0);
        let dicts = a.get(1..).unwrap_or(&[]);
        charge(ctx, dicts.len())?;
        let out = dicts
            .iter()
            .filter_map(|d| d.as_map().and_then(|m| m.get(key)))
            .collect();
        Ok(Value::list(out))
    });
    f.register("keys", Signature::variadic(&[], MAP), |ctx, a| {
        let mut out = Vec::new();
        for d in a {
            if let Some(m) = d.as_map() {
                let keys = m.keys();
                charge(ctx, out.len() + keys.len())?;
                out.extend(keys.into_iter().map(Value::String));
            }
        }
        Ok(Value::List(List::typed(ElemType::String, out)))
    });
    f.register("pick", Signature::variadic(&[MAP], S), |_, a| {
        let res = Map::new();
        if let Some(m) = map_arg(a, 0) {
            for k in a.get(1..).unwrap_or(&[]) {
                let k = k.as_str().unwrap_or("");
                if let Some(v) = m.get(k) {
                    res.insert(k, v);
                }
            }
        }
        Ok(Value::Map(res))
    });
    f.register("omit", Signature::variadic(&[MAP], S), |ctx, a| {
        let res = Map::new();
        if let Some(m) = map_arg(a, 0) {
            let omit = a.get(1..).unwrap_or(&[]);
            let entries = m.entries();
            charge(ctx, entries.len())?;
            for (k, v) in entries {
                if !omit.iter().any(|o| o.as_str() == Some(&*k)) {
                    res.insert(k, v);
                }
            }
        }
        Ok(Value::Map(res))
    });
    f.register("values", Signature::fixed(&[MAP]), |ctx, a| {
        let out: Vec<Value> = map_arg(a, 0)
            .map(|m| m.entries().into_iter().map(|(_, v)| v).collect())
            .unwrap_or_default();
        charge(ctx, out.len())?;
        Ok(Value::list(out))
    });
    f.register("dig", Signature::variadic(&[], ANY).with_error(), |_, a| {
        dig(a)
    });
    for (name, overwrite, must) in [
        ("merge", false, false),
        ("mustMerge", false, true),
        ("mergeOverwrite", true, false),
        ("mustMergeOverwrite", true, true),
    ] {
        let sig = Signature::variadic(&[MAP], MAP);
        let sig = if must { sig.with_error() } else { sig };
        f.register(name, sig, move |_, a| merge(a, overwrite));
    }
}

/// The map argument at `i`, or `None` for a nil map.
fn map_arg(a: &[Value], i: usize) -> Option<&Map> {
    a.get(i).and_then(Value::as_map)
}

/// Sprig's `strval`: strings as they are, `[]byte` as text, anything else
/// in its `fmt` `%v` form (a `String()` method included).
fn strval(ctx: &mut CallContext<'_, '_, '_>, v: &Value) -> Result<Arc<str>, FuncError> {
    match v {
        // The key shares the string: a dict's keys are mostly literals,
        // and copying them was two allocations per entry.
        Value::String(s) => Ok(s.clone()),
        Value::Bytes(b) => Ok(String::from_utf8_lossy(b).into()),
        other => gofmt::try_sprint(std::slice::from_ref(other), ctx.remaining_output())
            .map(Arc::from)
            .map_err(|e| FuncError::limit(e.message().to_owned())),
    }
}

/// Go's message for a failed type assertion `x.(T)` on an `interface {}`.
fn assertion(v: &Value, want: &str) -> FuncError {
    let got = match v {
        Value::Nil => "nil".into(),
        other => other.go_type(),
    };
    FuncError::new(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

/// Whether `v` is exactly a `map[string]interface {}` (a type assertion does
/// not accept named map types such as `common.Values`).
fn plain_map(v: &Value) -> Option<&Map> {
    v.as_map().filter(|m| m.go_type() == GoType::Map.go_name())
}

/// Sprig's `dig key… default dict`: follows the keys through nested
/// `map[string]interface {}` values; a missing key yields the default. The
/// arguments are type-asserted as Sprig does, so the wrong kind of value is
/// Go's `interface conversion` panic.
fn dig(a: &[Value]) -> Result<Value, FuncError> {
    if a.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let (keys, rest) = a.split_at(a.len() - 2);
    let (default, dict) = (&rest[0], &rest[1]);
    let want = GoType::Map.go_name();
    let mut cur = plain_map(dict)
        .ok_or_else(|| assertion(dict, want))?
        .clone();
    let mut names = Vec::with_capacity(keys.len());
    for k in keys {
        names.push(k.as_str().ok_or_else(|| assertion(k, "string"))?);
    }
    for (i, k) in names.iter().enumerate() {
        let Some(step) = cur.get(k) else {
            return Ok(default.clone());
        };
        if i + 1 == names.len() {
            return Ok(step);
        }
        cur = plain_map(&step)
            .ok_or_else(|| assertion(&step, want))?
            .clone();
    }
    Ok(default.clone())
}

/// Sprig's `merge`/`mergeOverwrite`: `mergo.Merge(&dst, src)` (or
/// `MergeWithOverwrite`) for each source in turn; the result is `dst`,
/// changed in place. A nil `dst` becomes a new map as soon as a source is
/// not nil. mergo cannot fail on two maps, so the `must*` variants never
/// return an error either.
fn merge(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let mut dst = map_arg(a, 0).cloned();
    for src in a.get(1..).unwrap_or(&[]) {
        let Some(src) = src.as_map() else { continue };
        let d = dst.get_or_insert_with(Map::new);
        merge_into(d, src, overwrite, 0)?;
    }
    Ok(dst.map_or(Value::Nil, Value::Map))
}

/// mergo's `deepMerge` of two `map[string]interface {}` values, key by key
/// (`s` the source value, `d` the destination's value before the step):
///
/// * `s` nil: with overwrite, the key becomes nil; otherwise nothing.
/// * `s` a map and `d` a map: `s` is merged into `d` recursively (in place).
/// * `s` a slice: with overwrite, or when the destination map is empty, the
///   key takes `s`; otherwise it keeps `d` (an empty slice if `d` is nil).
/// * then, unless `d` is non-empty and `s` is a slice (or both are maps), the
///   key takes `s` when overwriting, when `d` is missing, or when `d` is
///   empty (mergo's `isEmptyValue`: nil, `false`, 0, `""`, empty
///   collections).
///
/// So `merge` fills missing and empty values (recursively for maps) while
/// keeping everything set, and `mergeOverwrite` replaces scalars and lists
/// even with empty values, merging nested maps. A source value is shared,
/// not copied. Go overflows its stack on a map merged into itself when it
/// contains itself; we stop at [`MAX_VALUE_DEPTH`] with a limit error.
pub(crate) fn merge_into(
    dst: &Map,
    src: &Map,
    overwrite: bool,
    depth: usize,
) -> Result<(), FuncError> {
    if depth >= MAX_VALUE_DEPTH {
        return Err(FuncError::limit(format!(
            "merge: value nests deeper than {MAX_VALUE_DEPTH} levels"
        )));
    }
    for (k, s) in src.entries() {
        let old = dst.get(&k);
        if s.is_nil() {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        match &s {
            Value::Map(sm) => {
                if let Some(Value::Map(dm)) = &old {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                        merge_into(dm, sm, overwrite, depth + 1)
                    })?;
                }
            }
            Value::List(_) | Value::Bytes(_) => {
                let kept = match &old {
                    None | Some(Value::Nil) => empty_like(&s),
                    Some(v) => v.clone(),
                };
                let slice = if overwrite || dst.is_empty() {
                    s.clone()
                } else {
                    kept
                };
                dst.insert(k.clone(), slice);
            }
            _ => {}
        }
        if let Some(o) = &old {
            if !is_empty(o) {
                if matches!(s, Value::List(_) | Value::Bytes(_)) {
                    continue;
                }
                if matches!((&s, o), (Value::Map(_), Value::Map(_))) {
                    continue;
                }
            }
        }
        if overwrite || old.as_ref().is_none_or(is_empty) {
            dst.insert(k, s);
        }
    }
    Ok(())
}

/// An empty slice of the same type (`reflect.MakeSlice(src.Type(), 0, n)`).
fn empty_like(v: &Value) -> Value {
    match v {
        Value::List(l) => Value::List(List::typed(l.elem(), Vec::new())),
        Value::Bytes(_) => Value::Bytes(Vec::new().into()),
        other => other.clone(),
    }
}

/// mergo's `isEmptyValue` (dereferencing interfaces).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::Uint8(u) => *u == 0,
        Value::Complex(..) => false,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.go_kind() {
            GoKind::Map => o.map_entries().is_none_or(|e| e.is_empty()),
            GoKind::Slice => o.list_items().is_none_or(|e| e.is_empty()),
            GoKind::Int64 => matches!(o.to_data(), Value::Int64(0)),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::{Functions, TemplateSet, Value};
    use std::sync::Arc;

    fn render(src: &str) -> Result<String, crate::Error> {
        let mut set = TemplateSet::with_functions(Default::default(), Arc::new(Functions::helm()));
        set.add("t", src)?;
        set.execute("t", &Value::Nil)
    }

    #[test]
    fn merging_a_self_containing_map_into_itself_stops_at_the_depth_limit() {
        // Go overflows its stack here; we stop with a limit error.
        let err =
            render(r#"{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ merge $d $d }}"#).unwrap_err();
        assert!(err.message().contains("nests deeper than"), "{err}");
        assert_eq!(err.kind(), crate::ErrorKind::LimitExceeded);
    }

    #[test]
    fn merge_just_under_the_depth_limit_works() {
        let out = render(
            r#"{{ $a := dict }}{{ $b := dict }}{{ $_ := set $b "k" (dict "x" 1) }}{{ merge $a $b | toJson }}"#,
        )
        .unwrap();
        assert_eq!(out, r#"{"k":{"x":1}}"#);
    }
}
