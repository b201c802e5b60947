//! Sprig's reflection functions: Go type and kind names.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `typeOf` | `typeOf(src any) string` | `fmt.Sprintf("%T", src)`: `<nil>` for nil |
//! | `typeIs` | `typeIs(target string, src any) bool` | |
//! | `typeIsLike` | `typeIsLike(target string, src any) bool` | also matches `*target` |
//! | `kindOf` | `kindOf(src any) string` | `reflect.Kind`: `invalid` for nil |
//! | `kindIs` | `kindIs(target string, src any) bool` | |
//! | `deepEqual` | `deepEqual(x, y any) bool` | `reflect.DeepEqual` |
//!
//! The names are Go's: numbers from values files are `float64`, Sprig's
//! math returns `int64`, template literals and `len` are `int`, `list` is
//! `[]interface {}`, `dict` is `map[string]interface {}`, `.Values` is
//! `common.Values` (kind `map`).

use std::collections::HashSet;

use super::{str_arg, FuncError, Functions};
use crate::limits::MAX_VALUE_DEPTH;
use crate::value::{GoType, Signature, Value};

const ANY: GoType = GoType::Any;
const S: GoType = GoType::String;

/// Stack headroom for the recursive comparison (see `docs/architecture.md`).
const RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

pub(crate) fn register(f: &mut Functions) {
    f.register("typeOf", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::from(arg(a, 0).go_type().into_owned()))
    });
    f.register("typeIs", Signature::fixed(&[S, ANY]), |_, a| {
        Ok(Value::Bool(str_arg(a, 0) == arg(a, 1).go_type()))
    });
    f.register("typeIsLike", Signature::fixed(&[S, ANY]), |_, a| {
        let target = str_arg(a, 0);
        let t = arg(a, 1).go_type();
        Ok(Value::Bool(
            target == t || t.strip_prefix('*') == Some(target),
        ))
    });
    f.register("kindOf", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::from(arg(a, 0).go_kind()))
    });
    f.register("kindIs", Signature::fixed(&[S, ANY]), |_, a| {
        Ok(Value::Bool(str_arg(a, 0) == arg(a, 1).go_kind()))
    });
    f.register("deepEqual", Signature::fixed(&[ANY, ANY]), |_, a| {
        let mut seen = HashSet::new();
        deep_equal(arg(a, 0), arg(a, 1), 0, &mut seen).map(Value::Bool)
    });
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

/// `reflect.DeepEqual` on template data: same Go type and equal contents;
/// the same map or slice is equal to itself even when it holds a NaN, and a
/// pair of containers already being compared counts as equal (Go's cycle
/// rule), so self-referencing maps terminate. Nesting beyond
/// [`MAX_VALUE_DEPTH`] is a limit error instead of a deep recursion.
fn deep_equal(
    x: &Value,
    y: &Value,
    depth: usize,
    seen: &mut HashSet<(usize, usize)>,
) -> Result<bool, FuncError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(FuncError::limit(format!(
            "deepEqual: value nests deeper than {MAX_VALUE_DEPTH} levels"
        )));
    }
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || match (x, y) {
        (Value::List(a), Value::List(b)) => {
            if a.elem() != b.elem() || a.len() != b.len() {
                return Ok(false);
            }
            if a.ptr_eq(b) {
                return Ok(true);
            }
            let key = (a.items().as_ptr() as usize, b.items().as_ptr() as usize);
            if !seen.insert(key) {
                return Ok(true);
            }
            for (p, q) in a.items().iter().zip(b.items()) {
                if !deep_equal(p, q, depth + 1, seen)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::Map(a), Value::Map(b)) => {
            if a.go_type() != b.go_type() || a.len() != b.len() {
                return Ok(false);
            }
            if a.ptr_eq(b) {
                return Ok(true);
            }
            let (ea, eb) = (a.entries(), b.entries());
            if !seen.insert((a.identity(), b.identity())) {
                return Ok(true);
            }
            for ((ka, va), (kb, vb)) in ea.iter().zip(eb.iter()) {
                if ka != kb || !deep_equal(va, vb, depth + 1, seen)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(x == y),
    })
}
