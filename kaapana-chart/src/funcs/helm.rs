//! Helm's own template functions (`pkg/engine/funcs.go`, `engine.go`).
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `include` | `(name string, data any) (string, error)` | depth ≤ 1000 per name |
//! | `tpl` | `(tpl string, vals any) (string, error)` | `<no value>` removed |
//! | `required` | `(warn string, val any) (any, error)` | fails on nil and `""` |
//! | `fail` | `(msg string) (string, error)` | |
//! | `toYaml` | `(v any) string` | errors become `""` |
//! | `fromYaml` | `(str string) map[string]any` | errors under `Error` |
//! | `fromYamlArray` | `(str string) []any` | errors as the only item |
//! | `toJson` | `(v any) string` | errors become `""` |
//! | `fromJson` | `(str string) map[string]any` | errors under `Error` |
//! | `fromJsonArray` | `(str string) []any` | errors as the only item |
//! | `toPrettyJson`, `toRawJson` | `(v any) string` | Sprig's |
//! | `mustToJson`, `mustToPrettyJson`, `mustToRawJson` | `(v any) (string, error)` | Sprig's |
//! | `mustToYaml` | `(v any) (string, error)` | |
//! | `toYamlPretty` | `(v any) string` | go-yaml v3, indent 2; errors become `""` |
//! | `mustFromJson` | `(v string) (any, error)` | Sprig's: any JSON value |
//! | `hello` | `() string` | Sprig's test helper: `Hello!` |
//! | `lookup` | `(apiVersion, kind, namespace, name string) (map[string]any, error)` | no cluster: empty map |
//! | `getHostByName` | `(name string) string` | DNS disabled: `""` |

use super::{str_arg, FuncError, Functions};
use crate::value::json::json_kind;
use crate::value::json::{from_json, to_json, JsonStyle};
use crate::value::yaml::{from_yaml_array_str, from_yaml_str, to_yaml, to_yaml_pretty};
use crate::value::{GoType, Map, Signature, Value};

const S: GoType = GoType::String;
const ANY: GoType = GoType::Any;

/// Helm's markers around a `fail`/`required` message, which its error
/// cleanup turns into `execution error at (<file:line:col>): <msg>`.
pub(crate) fn warn_wrap(msg: &str) -> String {
    format!("HELM_ERR_START{msg}HELM_ERR_END")
}

pub(crate) fn register(f: &mut Functions) {
    f.register(
        "include",
        Signature::fixed(&[S, ANY]).with_error(),
        |ctx, a| {
            let data = a.get(1).cloned().unwrap_or(Value::Nil);
            ctx.include(str_arg(a, 0), data).map(Value::from)
        },
    );
    f.register("tpl", Signature::fixed(&[S, ANY]).with_error(), |ctx, a| {
        let data = a.get(1).cloned().unwrap_or(Value::Nil);
        ctx.execute_source(str_arg(a, 0), data).map(Value::from)
    });
    register_required_fail(f, false);
    f.register("toYaml", Signature::fixed(&[ANY]), |_, a| {
        let v = a.first().cloned().unwrap_or(Value::Nil);
        Ok(Value::from(match to_yaml(&v) {
            Ok(s) => s.strip_suffix('\n').map(str::to_owned).unwrap_or(s),
            Err(_) => String::new(),
        }))
    });
    // go-yaml v3's encoder straight on the value (no JSON detour), which
    // is why its output differs from toYaml's; Helm swallows its errors.
    f.register("toYamlPretty", Signature::fixed(&[ANY]), |_, a| {
        let v = a.first().cloned().unwrap_or(Value::Nil);
        Ok(Value::from(match to_yaml_pretty(&v) {
            Ok(s) => s.strip_suffix('\n').map(str::to_owned).unwrap_or(s),
            Err(_) => String::new(),
        }))
    });
    f.register("fromYaml", Signature::fixed(&[S]), |_, a| {
        Ok(match from_yaml_str(str_arg(a, 0)) {
            Ok(v) => v,
            Err(e) => error_map(e.message()),
        })
    });
    f.register("fromYamlArray", Signature::fixed(&[S]), |_, a| {
        Ok(match from_yaml_array_str(str_arg(a, 0)) {
            Ok(v) => v,
            Err(e) => Value::list(vec![Value::from(e.message())]),
        })
    });
    f.register("toJson", Signature::fixed(&[ANY]), |_, a| {
        json_or_empty(a, JsonStyle::Compact)
    });
    f.register("toPrettyJson", Signature::fixed(&[ANY]), |_, a| {
        json_or_empty(a, JsonStyle::Pretty)
    });
    f.register("toRawJson", Signature::fixed(&[ANY]), |_, a| {
        let v = a.first().cloned().unwrap_or(Value::Nil);
        // Sprig panics on an encoding error; Go's template engine reports the
        // recovered panic as the call's error.
        to_json(&v, JsonStyle::Raw)
            .map(Value::from)
            .map_err(|e| FuncError::new(e.message().to_owned()))
    });
    // Sprig's must* forms return encoding errors instead of "".
    for (name, style) in [
        ("mustToJson", JsonStyle::Compact),
        ("mustToPrettyJson", JsonStyle::Pretty),
        ("mustToRawJson", JsonStyle::Raw),
    ] {
        f.register(name, Signature::fixed(&[ANY]).with_error(), move |_, a| {
            let v = a.first().cloned().unwrap_or(Value::Nil);
            to_json(&v, style)
                .map(Value::from)
                .map_err(|e| FuncError::new(e.message().to_owned()))
        });
    }
    f.register(
        "mustToYaml",
        Signature::fixed(&[ANY]).with_error(),
        |_, a| {
            let v = a.first().cloned().unwrap_or(Value::Nil);
            match to_yaml(&v) {
                Ok(s) => Ok(Value::from(
                    s.strip_suffix('\n').map(str::to_owned).unwrap_or(s),
                )),
                Err(e) => Err(FuncError::new(e.message().to_owned())),
            }
        },
    );
    // Sprig's own, which Helm keeps: any JSON value, errors returned.
    f.register(
        "mustFromJson",
        Signature::fixed(&[S]).with_error(),
        |_, a| from_json(str_arg(a, 0)).map_err(|e| FuncError::new(e.message().to_owned())),
    );
    // Sprig's test helper, still in its function map.
    f.register("hello", Signature::fixed(&[]), |_, _| {
        Ok(Value::from("Hello!"))
    });
    f.register("fromJson", Signature::fixed(&[S]), |_, a| {
        Ok(match from_json(str_arg(a, 0)) {
            Ok(Value::Map(m)) => Value::Map(m),
            // JSON null leaves Go's map nil: it prints as map[], like an
            // empty one.
            Ok(Value::Nil) => Value::empty_map(),
            Ok(other) => error_map(&format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            )),
            Err(e) => error_map(e.message()),
        })
    });
    f.register("fromJsonArray", Signature::fixed(&[S]), |_, a| {
        Ok(match from_json(str_arg(a, 0)) {
            Ok(Value::List(l)) => Value::List(l),
            Ok(other) => Value::list(vec![Value::from(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))]),
            Err(e) => Value::list(vec![Value::from(e.message())]),
        })
    });
    f.register(
        "lookup",
        Signature::fixed(&[S, S, S, S]).with_error(),
        |_, _| Ok(Value::empty_map()),
    );
    f.register("getHostByName", Signature::fixed(&[S]), |_, _| {
        Ok(Value::from(""))
    });
}

/// `required` and `fail`. In Helm's lint mode (`helm lint`) neither stops
/// the render: a missing required value and `fail` both give `""`.
pub(crate) fn register_required_fail(f: &mut Functions, lint: bool) {
    f.register(
        "required",
        Signature::fixed(&[S, ANY]).with_error(),
        move |_, a| {
            let val = a.get(1).cloned().unwrap_or(Value::Nil);
            let missing = match &val {
                Value::Nil => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            match (missing, lint) {
                (false, _) => Ok(val),
                (true, true) => Ok(Value::from("")),
                (true, false) => Err(FuncError::new(warn_wrap(str_arg(a, 0)))),
            }
        },
    );
    f.register("fail", Signature::fixed(&[S]).with_error(), move |_, a| {
        if lint {
            Ok(Value::from(""))
        } else {
            Err(FuncError::new(warn_wrap(str_arg(a, 0))))
        }
    });
}

/// `getHostByName` with DNS enabled (Helm's `--enable-dns`): the first
/// address the system resolver gives, or `""` (Go's `net.LookupHost` error
/// is dropped by Helm too).
pub(crate) fn register_dns(f: &mut Functions) {
    f.register("getHostByName", Signature::fixed(&[S]), |_, a| {
        use std::net::ToSocketAddrs;
        let first = (str_arg(a, 0), 0)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .map(|addr| addr.ip().to_string())
            .unwrap_or_default();
        Ok(Value::from(first))
    });
}

fn json_or_empty(a: &[Value], style: JsonStyle) -> Result<Value, FuncError> {
    let v = a.first().cloned().unwrap_or(Value::Nil);
    Ok(Value::from(to_json(&v, style).unwrap_or_default()))
}

/// `map[string]interface{}{"Error": msg}`: how `fromYaml`/`fromJson` report
/// a parse error.
fn error_map(msg: &str) -> Value {
    let m = Map::new();
    m.insert("Error", Value::from(msg));
    Value::Map(m)
}
