//! Go's builtin functions that work on raw `reflect.Value`s: `and`, `or`,
//! `not`, `len`, `index`, `slice`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`,
//! `call` (Go's `text/template/funcs.go`).
//!
//! They see the executor's [`Val`] (invalid vs nil vs concrete) because
//! their error messages depend on it. The other builtins (`print`, `printf`,
//! `println`, `html`, `js`, `urlquery`) take ordinary typed arguments and
//! live in the function registry.

use crate::funcs::FuncError;
use crate::template::exec::Val;
use crate::value::{ElemType, GoKind, GoType, Signature, Value};

/// A reflect-level builtin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
}

const R: GoType = GoType::Reflect;

/// The builtin of that name.
pub(crate) fn lookup(name: &str) -> Option<Builtin> {
    Some(match name {
        "and" => Builtin::And,
        "or" => Builtin::Or,
        "not" => Builtin::Not,
        "len" => Builtin::Len,
        "index" => Builtin::Index,
        "slice" => Builtin::Slice,
        "eq" => Builtin::Eq,
        "ne" => Builtin::Ne,
        "lt" => Builtin::Lt,
        "le" => Builtin::Le,
        "gt" => Builtin::Gt,
        "ge" => Builtin::Ge,
        "call" => Builtin::Call,
        _ => return None,
    })
}

impl Builtin {
    /// The Go signature.
    pub(crate) fn signature(self) -> Signature {
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Eq
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Call => Signature::variadic(&[R], R),
            Builtin::Not | Builtin::Len => Signature::fixed(&[R]),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
                Signature::fixed(&[R, R])
            }
        }
        .with_error()
    }
}

/// Applies a builtin (other than `and`/`or`, which the executor
/// short-circuits, and `call`).
pub(crate) fn apply(b: Builtin, args: &[Val]) -> Result<Val, FuncError> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Val::Invalid);
    match b {
        Builtin::And | Builtin::Or => Ok(args.last().cloned().unwrap_or(Val::Invalid)),
        Builtin::Not => Ok(Val::Concrete(Value::Bool(!arg(0).truth()))),
        Builtin::Len => length(&arg(0)).map(|n| Val::Concrete(Value::Int(n as i64))),
        Builtin::Index => index(&arg(0), args.get(1..).unwrap_or(&[])),
        Builtin::Slice => slice(&arg(0), args.get(1..).unwrap_or(&[])),
        Builtin::Eq => eq(&arg(0), args.get(1..).unwrap_or(&[])).map(bool_val),
        Builtin::Ne => eq(&arg(0), &[arg(1)]).map(|t| bool_val(!t)),
        Builtin::Lt => lt(&arg(0), &arg(1)).map(bool_val),
        Builtin::Le => le(&arg(0), &arg(1)).map(bool_val),
        Builtin::Gt => le(&arg(0), &arg(1)).map(|t| bool_val(!t)),
        Builtin::Ge => lt(&arg(0), &arg(1)).map(|t| bool_val(!t)),
        Builtin::Call => call("", args),
    }
}

fn bool_val(b: bool) -> Val {
    Val::Concrete(Value::Bool(b))
}

/// Go's `call`: there are no function values in Helm's data, so every call
/// fails the way Go's does for a non-function.
pub(crate) fn call(name: &str, args: &[Val]) -> Result<Val, FuncError> {
    match args.first().and_then(Val::concrete) {
        None => Err(FuncError::new("call of nil")),
        Some(v) => Err(FuncError::new(format!(
            "non-function {name} of type {}",
            v.go_type()
        ))),
    }
}

/// Go's `length`.
fn length(item: &Val) -> Result<usize, FuncError> {
    match item {
        Val::Iface(Value::Nil) => Err(FuncError::new("len of nil pointer")),
        Val::Invalid => Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        )),
        Val::Iface(v) | Val::Concrete(v) => match v {
            Value::String(s) => Ok(s.len()),
            Value::Bytes(b) => Ok(b.len()),
            Value::List(l) => Ok(l.len()),
            Value::Map(m) => Ok(m.len()),
            Value::Object(o) => match o.go_kind() {
                GoKind::Map => Ok(o.map_entries().map_or(0, |e| e.len())),
                GoKind::Slice => Ok(o.list_items().map_or(0, |e| e.len())),
                _ => Err(FuncError::new(format!("len of type {}", o.go_type()))),
            },
            Value::Nil => Err(FuncError::new("len of nil pointer")),
            other => Err(FuncError::new(format!("len of type {}", other.go_type()))),
        },
    }
}

/// Go's `indexArg`: an integer index within `0..=cap`.
fn index_arg(index: &Val, cap: usize) -> Result<usize, FuncError> {
    let x = match index.concrete() {
        Some(Value::Int(i)) | Some(Value::Int64(i)) => *i,
        Some(Value::Uint8(u)) => i64::from(*u),
        None => return Err(FuncError::new("cannot index slice/array with nil")),
        Some(other) => {
            return Err(FuncError::new(format!(
                "cannot index slice/array with type {}",
                other.go_type()
            )))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(FuncError::new(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

/// Go's `index`.
fn index(item: &Val, indexes: &[Val]) -> Result<Val, FuncError> {
    let mut item = match item.concrete() {
        Some(_) => item.clone(),
        None => return Err(FuncError::new("index of untyped nil")),
    };
    for idx in indexes {
        let v = match &item {
            Val::Iface(Value::Nil) | Val::Concrete(Value::Nil) => {
                return Err(FuncError::new("index of nil pointer"))
            }
            Val::Invalid => return Err(FuncError::new("index of untyped nil")),
            Val::Iface(v) | Val::Concrete(v) => v.clone(),
        };
        item = match &v {
            Value::List(l) => {
                let x = index_arg(idx, l.len())?;
                // Go 1.26's index lets x == len through to reflect, which panics.
                match l.items().get(x) {
                    Some(e) => wrap(l.elem(), e.clone()),
                    None => return Err(FuncError::new("reflect: slice index out of range")),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                match b.get(x) {
                    Some(e) => Val::Concrete(Value::Uint8(*e)),
                    None => return Err(FuncError::new("reflect: slice index out of range")),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(e) => Val::Concrete(Value::Uint8(*e)),
                    None => return Err(FuncError::new("reflect: string index out of range")),
                }
            }
            Value::Map(m) => {
                let key = map_key(idx, "string")?;
                match m.get(&key) {
                    Some(e) => wrap(m.elem(), e),
                    None => wrap(m.elem(), zero(m.elem())),
                }
            }
            Value::Object(o) if o.go_kind() == GoKind::Map => {
                let key = map_key(idx, "string")?;
                let found = o
                    .map_entries()
                    .and_then(|e| e.into_iter().find(|(k, _)| **k == *key).map(|(_, v)| v));
                Val::Concrete(found.unwrap_or_else(|| o.map_zero()))
            }
            Value::Object(o) if o.go_kind() == GoKind::Slice => {
                let items = o.list_items().unwrap_or_default();
                let x = index_arg(idx, items.len())?;
                match items.get(x) {
                    Some(e) => Val::Concrete(e.clone()),
                    None => return Err(FuncError::new(format!("index out of range: {x}"))),
                }
            }
            other => {
                return Err(FuncError::new(format!(
                    "can't index item of type {}",
                    other.go_type()
                )))
            }
        };
    }
    Ok(item)
}

/// Go's `prepareArg` for a map key of type `key_type`.
fn map_key(idx: &Val, key_type: &str) -> Result<String, FuncError> {
    match idx.concrete() {
        Some(Value::String(s)) => Ok(s.to_string()),
        None => Err(FuncError::new(format!(
            "value is nil; should be of type {key_type}"
        ))),
        Some(other) => Err(FuncError::new(format!(
            "value has type {}; should be {key_type}",
            other.go_type()
        ))),
    }
}

fn wrap(elem: ElemType, v: Value) -> Val {
    if elem == ElemType::Interface {
        Val::Iface(v)
    } else {
        Val::Concrete(v)
    }
}

fn zero(elem: ElemType) -> Value {
    match elem {
        ElemType::Interface => Value::Nil,
        ElemType::String => Value::from(""),
        ElemType::Int => Value::Int(0),
        ElemType::Int64 => Value::Int64(0),
        ElemType::Float64 => Value::Float(0.0),
        ElemType::Bool => Value::Bool(false),
        ElemType::List => Value::List(crate::value::List::nil_slice(ElemType::Interface)),
    }
}

/// Go's builtin `slice` (Helm's function map shadows it with Sprig's).
fn slice(item: &Val, indexes: &[Val]) -> Result<Val, FuncError> {
    let Some(v) = item.concrete() else {
        return Err(FuncError::new("slice of untyped nil"));
    };
    if indexes.len() > 3 {
        return Err(FuncError::new(format!(
            "too many slice indexes: {}",
            indexes.len()
        )));
    }
    let (len, cap) = match v {
        Value::String(s) => (s.len(), s.len()),
        Value::List(l) => (l.len(), l.len()),
        Value::Bytes(b) => (b.len(), b.len()),
        other => {
            return Err(FuncError::new(format!(
                "can't slice item of type {}",
                other.go_type()
            )))
        }
    };
    if matches!(v, Value::String(_)) && indexes.len() == 3 {
        return Err(FuncError::new("cannot 3-index slice a string"));
    }
    let mut idx = [0usize, len, cap];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(x, cap)?;
    }
    if idx[0] > idx[1] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[0], idx[1]
        )));
    }
    if indexes.len() < 3 {
        idx[2] = cap;
    } else if idx[1] > idx[2] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[1], idx[2]
        )));
    }
    Ok(Val::Concrete(match v {
        Value::String(s) => match s.get(idx[0]..idx[1]) {
            Some(sub) => Value::from(sub),
            None => {
                Value::from(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into_owned())
            }
        },
        Value::List(l) => Value::List(crate::value::List::typed(
            l.elem(),
            l.items()[idx[0]..idx[1]].to_vec(),
        )),
        Value::Bytes(b) => Value::Bytes(b[idx[0]..idx[1]].into()),
        _ => Value::Nil,
    }))
}

/// Go's basic kinds for comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Complex(..)) => Kind::Complex,
        Some(Value::Int(_) | Value::Int64(_)) => Kind::Int,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        Some(Value::Uint8(_)) => Kind::Uint,
        _ => Kind::Invalid,
    }
}

fn as_uint(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Uint8(u)) => u64::from(*u),
        _ => 0,
    }
}

fn as_complex(v: Option<&Value>) -> (f64, f64) {
    match v {
        Some(Value::Complex(re, im)) => (*re, *im),
        _ => (0.0, 0.0),
    }
}

fn as_int(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i) | Value::Int64(i)) => *i,
        _ => 0,
    }
}

fn as_float(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Float(f)) => *f,
        _ => 0.0,
    }
}

fn as_str(v: Option<&Value>) -> &str {
    match v {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// Go's `reflect.Value.Kind()` names, for "non-comparable" messages.
fn is_nil(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Nil))
}

/// Go's `eq`: `arg1 == arg2 || arg1 == arg3 …`.
fn eq(arg1: &Val, rest: &[Val]) -> Result<bool, FuncError> {
    let a = arg1.concrete();
    if rest.is_empty() {
        return Err(FuncError::new("missing argument for comparison"));
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b = arg.concrete();
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            // Integers compare across signedness.
            if k1 == Kind::Int && k2 == Kind::Uint {
                as_int(a) >= 0 && as_int(a) as u64 == as_uint(b)
            } else if k1 == Kind::Uint && k2 == Kind::Int {
                as_int(b) >= 0 && as_uint(a) == as_int(b) as u64
            } else if a.is_some() && b.is_some() {
                return Err(FuncError::new(format!(
                    "incompatible types for comparison: {} and {}",
                    type_of(a),
                    type_of(b)
                )));
            } else {
                false
            }
        } else {
            match k1 {
                Kind::Bool => {
                    matches!((a, b), (Some(Value::Bool(x)), Some(Value::Bool(y))) if x == y)
                }
                Kind::Complex => as_complex(a) == as_complex(b),
                Kind::Uint => as_uint(a) == as_uint(b),
                Kind::Float => as_float(a) == as_float(b),
                Kind::Int => as_int(a) == as_int(b),
                Kind::String => as_str(a) == as_str(b),
                Kind::Invalid => {
                    if !same_reflect_kind(a, b) && a.is_some() && b.is_some() {
                        return Err(FuncError::new(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprint_opt(a),
                            type_of(a),
                            type_of(b),
                            // Go formats this one with %v, the first with %s.
                            crate::template::fmt::sprintf(
                                "%v",
                                &[b.cloned().unwrap_or(Value::Nil)]
                            )
                        )));
                    }
                    if is_nil(a) || is_nil(b) {
                        is_nil(a) == is_nil(b)
                    } else {
                        let Some(bv) = b else { return Ok(false) };
                        if !comparable(bv) {
                            return Err(FuncError::new(format!(
                                "non-comparable type {}: {}",
                                sprint_opt(b),
                                type_of(b)
                            )));
                        }
                        match (a, b) {
                            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                                std::sync::Arc::ptr_eq(x, y)
                            }
                            _ => false,
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn same_reflect_kind(a: Option<&Value>, b: Option<&Value>) -> bool {
    let kind = |v: Option<&Value>| v.map(Value::go_kind);
    kind(a) == kind(b)
}

fn comparable(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Map(_) | Value::Bytes(_))
}

fn type_of(v: Option<&Value>) -> String {
    v.map_or_else(|| "<nil>".to_owned(), |v| v.go_type().into_owned())
}

/// Go's `%s` of a comparison operand, as the error messages print it.
fn sprint_opt(v: Option<&Value>) -> String {
    crate::template::fmt::sprintf("%s", &[v.cloned().unwrap_or(Value::Nil)])
}

/// Go's `lt`.
fn lt(arg1: &Val, arg2: &Val) -> Result<bool, FuncError> {
    let a = arg1.concrete();
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(FuncError::new("invalid type for comparison"));
    }
    let b = arg2.concrete();
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(FuncError::new("invalid type for comparison"));
    }
    if k1 != k2 {
        // Integers compare across signedness.
        if k1 == Kind::Int && k2 == Kind::Uint {
            return Ok(as_int(a) < 0 || (as_int(a) as u64) < as_uint(b));
        }
        if k1 == Kind::Uint && k2 == Kind::Int {
            return Ok(as_int(b) >= 0 && as_uint(a) < as_int(b) as u64);
        }
        return Err(FuncError::new(format!(
            "incompatible types for comparison: {} and {}",
            type_of(a),
            type_of(b)
        )));
    }
    Ok(match k1 {
        Kind::Uint => as_uint(a) < as_uint(b),
        Kind::Bool | Kind::Complex | Kind::Invalid => {
            return Err(FuncError::new("invalid type for comparison"))
        }
        Kind::Float => as_float(a) < as_float(b),
        Kind::Int => as_int(a) < as_int(b),
        Kind::String => as_str(a) < as_str(b),
    })
}

/// Go's `le`.
fn le(arg1: &Val, arg2: &Val) -> Result<bool, FuncError> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: Value) -> Val {
        Val::Concrete(v)
    }

    #[test]
    fn eq_rules() {
        assert!(eq(&c(Value::Int(1)), &[c(Value::Int64(1))]).unwrap());
        assert_eq!(
            eq(&c(Value::Int(1)), &[c(Value::Float(1.0))])
                .unwrap_err()
                .message(),
            "incompatible types for comparison: int and float64"
        );
        assert!(!eq(&Val::Invalid, &[c(Value::from("-"))]).unwrap());
        assert!(eq(
            &c(Value::from("a")),
            &[c(Value::from("b")), c(Value::from("a"))]
        )
        .unwrap());
    }

    #[test]
    fn index_rules() {
        let list = c(Value::list(vec![Value::from("a")]));
        assert_eq!(
            index(&list, &[c(Value::Int(5))]).unwrap_err().message(),
            "index out of range: 5"
        );
        assert_eq!(
            index(&list, &[c(Value::Int(1))]).unwrap_err().message(),
            "reflect: slice index out of range"
        );
    }
}
