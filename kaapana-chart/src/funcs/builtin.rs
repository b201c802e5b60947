//! Go's typed builtins: `print`, `printf`, `println`, `html`, `js`,
//! `urlquery`.
//!
//! | name | Go signature |
//! |---|---|
//! | `print` | `fmt.Sprint(a ...any) string` |
//! | `printf` | `fmt.Sprintf(format string, a ...any) string` |
//! | `println` | `fmt.Sprintln(a ...any) string` |
//! | `html` | `HTMLEscaper(args ...any) string` |
//! | `js` | `JSEscaper(args ...any) string` |
//! | `urlquery` | `URLQueryEscaper(args ...any) string` |

use super::{str_arg, FuncError, Functions};
use crate::template::{escape, fmt as gofmt};
use crate::value::{GoType, Signature, Value};

const ANY: GoType = GoType::Any;

pub(crate) fn register(f: &mut Functions) {
    // Printing is bounded by what the render may still produce, so a
    // self-referencing map or a huge width stops with LimitExceeded.
    f.register("print", Signature::variadic(&[], ANY), |ctx, a| {
        let budget = ctx.remaining_output();
        gofmt::try_sprint(a, budget).map(Value::from).map_err(limit)
    });
    f.register(
        "printf",
        Signature::variadic(&[GoType::String], ANY),
        |ctx, a| {
            let budget = ctx.remaining_output();
            gofmt::try_sprintf(str_arg(a, 0), a.get(1..).unwrap_or(&[]), budget)
                .map(Value::from)
                .map_err(limit)
        },
    );
    f.register("println", Signature::variadic(&[], ANY), |ctx, a| {
        let budget = ctx.remaining_output();
        gofmt::try_sprintln(a, budget)
            .map(Value::from)
            .map_err(limit)
    });
    f.register("html", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::from(escape::html_escape(&escape::eval_args_string(
            a,
        ))))
    });
    f.register("js", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::from(escape::js_escape(&escape::eval_args_string(a))))
    });
    f.register("urlquery", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::from(escape::url_query_escape(
            &escape::eval_args_string(a),
        )))
    });
}

fn limit(e: crate::Error) -> FuncError {
    FuncError::limit(e.message().to_owned())
}
