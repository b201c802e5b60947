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

use super::cast::parse_float;
use super::gotime::{duration_string, parse_duration};
use super::{str_arg, FuncError, Functions};
use crate::value::json::json_kind;
use crate::value::json::{from_json, to_json, to_json_shared, JsonStyle};
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
            ctx.include_shared(str_arg(a, 0), data).map(Value::String)
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
    // An error gives the empty string (Helm drops the error).
    Ok(match to_json_shared(&v, style) {
        Ok(s) => Value::String(s),
        Err(_) => Value::from(""),
    })
}

/// `map[string]interface{}{"Error": msg}`: how `fromYaml`/`fromJson` report
/// a parse error.
fn error_map(msg: &str) -> Value {
    let m = Map::new();
    m.insert("Error", Value::from(msg));
    Value::Map(m)
}

// ---------------------------------------------------------------------------
// Helm main's duration helpers (not in Helm 4.2.3).

/// `time.Duration` as a template value: prints with `String()` (`1m30s`),
/// encodes to JSON as its nanoseconds, has Go's numeric methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GoDuration(pub(crate) i64);

const SECOND: i64 = 1_000_000_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

impl GoDuration {
    /// Go's `Duration.Seconds`: whole and fractional parts apart, for
    /// precision.
    fn seconds(self) -> f64 {
        (self.0 / SECOND) as f64 + (self.0 % SECOND) as f64 / 1e9
    }
    fn minutes(self) -> f64 {
        (self.0 / MINUTE) as f64 + (self.0 % MINUTE) as f64 / (60.0 * 1e9)
    }
    fn hours(self) -> f64 {
        (self.0 / HOUR) as f64 + (self.0 % HOUR) as f64 / (60.0 * 60.0 * 1e9)
    }
    /// Go's `Duration.Round`, saturating where Go does.
    fn round(self, m: i64) -> i64 {
        let d = self.0;
        if m <= 0 {
            return d;
        }
        let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
        let r = d % m;
        if d < 0 {
            let r = r.wrapping_neg();
            if less_than_half(r) {
                return d + r;
            }
            match d.checked_sub(m).map(|v| v + r) {
                Some(d1) if d1 < d => d1,
                _ => i64::MIN,
            }
        } else {
            if less_than_half(r) {
                return d - r;
            }
            match d.checked_add(m - r) {
                Some(d1) if d1 > d => d1,
                _ => i64::MAX,
            }
        }
    }
    /// Go's `Duration.Truncate`.
    fn truncate(self, m: i64) -> i64 {
        if m <= 0 {
            self.0
        } else {
            self.0 - self.0 % m
        }
    }
}

impl crate::value::Object for GoDuration {
    fn go_type(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed("time.Duration")
    }
    fn go_kind(&self) -> crate::value::GoKind {
        crate::value::GoKind::Int64
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "String" | "Seconds" | "Minutes" | "Hours" | "Milliseconds" | "Microseconds"
            | "Nanoseconds" | "Abs" => Some(Signature::fixed(&[])),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Ok(match name {
            "String" => Value::from(duration_string(self.0)),
            "Seconds" => Value::Float(self.seconds()),
            "Minutes" => Value::Float(self.minutes()),
            "Hours" => Value::Float(self.hours()),
            "Milliseconds" => Value::Int64(self.0 / 1_000_000),
            "Microseconds" => Value::Int64(self.0 / 1_000),
            "Nanoseconds" => Value::Int64(self.0),
            "Abs" => GoDuration(if self.0 == i64::MIN {
                i64::MAX
            } else {
                self.0.abs()
            })
            .into_value(),
            _ => return Err(format!("{name} is not a method")),
        })
    }
    fn fmt_go(&self, _plus: bool) -> String {
        duration_string(self.0)
    }
    fn to_data(&self) -> Value {
        Value::Int64(self.0)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl GoDuration {
    fn into_value(self) -> Value {
        Value::Object(std::sync::Arc::new(self))
    }
}

/// Go's `time.Duration(f)` for a float64: truncation toward zero; values
/// out of range (and NaN) give what amd64's conversion gives,
/// `math.MinInt64`.
fn float_to_duration(f: f64) -> i64 {
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        f as i64
    } else {
        i64::MIN
    }
}

/// Helm main's `asDuration`: a `time.Duration`, a duration string
/// (`1h2m3s`), a numeric string or any number as seconds.
fn as_duration(v: &Value) -> Result<i64, String> {
    match v {
        Value::Object(o) => match o.as_any().downcast_ref::<GoDuration>() {
            Some(d) => Ok(d.0),
            None => Err(format!("unsupported duration type {}", v.go_type())),
        },
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".to_owned());
            }
            if let Ok(d) = parse_duration(t) {
                return Ok(d);
            }
            match parse_float(t) {
                Some(f) => Ok(float_to_duration(f * SECOND as f64)),
                None => Err(format!("could not parse duration {}", go_quote(s))),
            }
        }
        Value::Nil => Err("invalid duration".to_owned()),
        // Go's int64 multiplication wraps.
        Value::Int(i) | Value::Int64(i) => Ok(i.wrapping_mul(SECOND)),
        Value::Uint8(u) => Ok(i64::from(*u) * SECOND),
        Value::Float(f) => Ok(float_to_duration(f * SECOND as f64)),
        other => Err(format!("unsupported duration type {}", other.go_type())),
    }
}

/// Go's `%q` of a string, for `could not parse duration "x"`.
fn go_quote(s: &str) -> String {
    crate::template::fmt::go_quote(s)
}

/// Registers Helm main's duration helpers (`mustToDuration`,
/// `durationSeconds` … `durationWeeks`, `durationRoundTo`,
/// `durationTruncateTo`). Helm 4.2.3 has none of them, so they are only
/// added on request ([`Functions::with_helm_main_durations`]).
///
/// | name | Go signature | notes |
/// |---|---|---|
/// | `mustToDuration` | `(v any) time.Duration` | panics (an error) on bad input |
/// | `durationSeconds`, `durationMinutes`, `durationHours`, `durationDays`, `durationWeeks` | `(v any) float64` | 0 on bad input |
/// | `durationMilliseconds`, `durationMicroseconds`, `durationNanoseconds` | `(v any) int64` | 0 on bad input |
/// | `durationRoundTo`, `durationTruncateTo` | `(v, m any) time.Duration` | 0 on bad `v`, `v` on bad `m` |
///
/// [`Functions::with_helm_main_durations`]: super::Functions::with_helm_main_durations
pub(crate) fn register_durations(f: &mut Functions) {
    let one = || Signature::fixed(&[ANY]);
    f.register("mustToDuration", one(), |_, a| {
        as_duration(a.first().unwrap_or(&Value::Nil))
            .map(|d| GoDuration(d).into_value())
            .map_err(FuncError::new)
    });
    type ToF = fn(GoDuration) -> f64;
    let floats: [(&str, ToF); 5] = [
        ("durationSeconds", GoDuration::seconds),
        ("durationMinutes", GoDuration::minutes),
        ("durationHours", GoDuration::hours),
        ("durationDays", |d| d.hours() / 24.0),
        ("durationWeeks", |d| d.hours() / 24.0 / 7.0),
    ];
    for (name, conv) in floats {
        f.register(name, one(), move |_, a| {
            let d = as_duration(a.first().unwrap_or(&Value::Nil)).ok();
            Ok(Value::Float(d.map_or(0.0, |d| conv(GoDuration(d)))))
        });
    }
    let ints: [(&str, i64); 3] = [
        ("durationMilliseconds", 1_000_000),
        ("durationMicroseconds", 1_000),
        ("durationNanoseconds", 1),
    ];
    for (name, unit) in ints {
        f.register(name, one(), move |_, a| {
            let d = as_duration(a.first().unwrap_or(&Value::Nil)).unwrap_or(0);
            Ok(Value::Int64(d / unit))
        });
    }
    type Op = fn(GoDuration, i64) -> i64;
    let ops: [(&str, Op); 2] = [
        ("durationRoundTo", GoDuration::round),
        ("durationTruncateTo", GoDuration::truncate),
    ];
    for (name, op) in ops {
        f.register(name, Signature::fixed(&[ANY, ANY]), move |_, a| {
            let Ok(d) = as_duration(a.first().unwrap_or(&Value::Nil)) else {
                return Ok(GoDuration(0).into_value());
            };
            Ok(
                GoDuration(match as_duration(a.get(1).unwrap_or(&Value::Nil)) {
                    Ok(m) => op(GoDuration(d), m),
                    Err(_) => d,
                })
                .into_value(),
            )
        });
    }
}

/// Helm main's duration helpers. These cannot be checked against the oracle
/// (Helm 4.2.3 lacks them): the expectations come from the helpers' doc
/// comments and tests in Helm's main branch and from Go's `time.Duration`
/// semantics (`Round` halves away from zero, `Truncate` toward zero).
#[cfg(test)]
mod duration_tests {
    use super::GoDuration;
    use crate::{Functions, TemplateSet, Value};
    use std::sync::Arc;

    fn render(src: &str) -> Result<String, String> {
        let funcs = Functions::helm().with_helm_main_durations();
        let mut set = TemplateSet::with_functions(Default::default(), Arc::new(funcs));
        set.add("t", src).map_err(|e| e.to_string())?;
        set.execute("t", &Value::Nil).map_err(|e| e.to_string())
    }

    #[test]
    fn off_by_default_like_helm_4_2_3() {
        let names = [
            "mustToDuration",
            "durationSeconds",
            "durationMilliseconds",
            "durationMicroseconds",
            "durationNanoseconds",
            "durationMinutes",
            "durationHours",
            "durationDays",
            "durationWeeks",
            "durationRoundTo",
            "durationTruncateTo",
        ];
        let plain = Functions::helm();
        let with = Functions::helm().with_helm_main_durations();
        for n in names {
            assert!(!plain.contains(n), "{n} registered by default");
            assert!(with.contains(n), "{n} missing from the opt-in");
        }
    }

    #[test]
    fn conversions_accept_strings_numbers_and_durations() {
        let cases = [
            (r#"{{ durationSeconds "1m30s" }}"#, "90"),
            (r#"{{ durationSeconds " 2.5 " }}"#, "2.5"),
            (r#"{{ durationSeconds (int 3) }}"#, "3"),
            (r#"{{ durationSeconds 1.5 }}"#, "1.5"),
            (r#"{{ durationSeconds (mustToDuration "90s") }}"#, "90"),
            (r#"{{ durationMilliseconds "1.5s" }}"#, "1500"),
            (r#"{{ durationMicroseconds "1ms" }}"#, "1000"),
            (r#"{{ durationNanoseconds "1µs" }}"#, "1000"),
            (r#"{{ durationMinutes "90s" }}"#, "1.5"),
            (r#"{{ durationHours "90m" }}"#, "1.5"),
            (r#"{{ durationDays "36h" }}"#, "1.5"),
            (r#"{{ durationWeeks "84h" }}"#, "0.5"),
            (r#"{{ durationSeconds "-1.5h" }}"#, "-5400"),
        ];
        for (src, want) in cases {
            assert_eq!(render(src).as_deref(), Ok(want), "{src}");
        }
    }

    #[test]
    fn conversions_give_zero_on_bad_input() {
        for src in [
            r#"{{ durationSeconds "" }}"#,
            r#"{{ durationSeconds "soon" }}"#,
            r#"{{ durationSeconds nil }}"#,
            r#"{{ durationSeconds true }}"#,
            r#"{{ durationHours (dict) }}"#,
            r#"{{ durationMilliseconds "x" }}"#,
        ] {
            assert_eq!(render(src).as_deref(), Ok("0"), "{src}");
        }
    }

    #[test]
    fn must_to_duration_returns_a_time_duration_or_fails() {
        assert_eq!(
            render(r#"{{ mustToDuration "1h2m3s" }}"#).as_deref(),
            Ok("1h2m3s")
        );
        assert_eq!(render(r#"{{ mustToDuration 90 }}"#).as_deref(), Ok("1m30s"));
        assert_eq!(
            render(r#"{{ mustToDuration "0.25" }}"#).as_deref(),
            Ok("250ms")
        );
        assert_eq!(
            render(r#"{{ typeOf (mustToDuration "1s") }} {{ toJson (mustToDuration "1s") }}"#)
                .as_deref(),
            Ok("time.Duration 1000000000")
        );
        assert_eq!(
            render(r#"{{ if mustToDuration "0s" }}yes{{ else }}no{{ end }}"#).as_deref(),
            Ok("no")
        );
        for (src, msg) in [
            (r#"{{ mustToDuration "" }}"#, "empty duration"),
            (
                r#"{{ mustToDuration "soon" }}"#,
                r#"could not parse duration "soon""#,
            ),
            (r#"{{ mustToDuration nil }}"#, "invalid duration"),
            (
                r#"{{ mustToDuration (dict) }}"#,
                "unsupported duration type map[string]interface {}",
            ),
        ] {
            let err = render(src).expect_err(src);
            assert!(
                err.contains(&format!("error calling mustToDuration: {msg}")),
                "{src}: {err}"
            );
        }
    }

    #[test]
    fn round_and_truncate() {
        let cases = [
            (r#"{{ durationRoundTo "1h29m" "1h" }}"#, "1h0m0s"),
            (r#"{{ durationRoundTo "1h30m" "1h" }}"#, "2h0m0s"),
            (r#"{{ durationRoundTo "-1h30m" "1h" }}"#, "-2h0m0s"),
            (r#"{{ durationRoundTo "2h13m" "30m" }}"#, "2h0m0s"),
            (r#"{{ durationRoundTo 95 60 }}"#, "2m0s"),
            (r#"{{ durationRoundTo "90s" "0s" }}"#, "1m30s"),
            (r#"{{ durationRoundTo "90s" "bad" }}"#, "1m30s"),
            (r#"{{ durationRoundTo "bad" "1h" }}"#, "0s"),
            (r#"{{ durationTruncateTo "1h59m" "1h" }}"#, "1h0m0s"),
            (r#"{{ durationTruncateTo "-1h59m" "1h" }}"#, "-1h0m0s"),
            (r#"{{ durationTruncateTo "2h13m" "30m" }}"#, "2h0m0s"),
            (r#"{{ durationTruncateTo "90s" "-1s" }}"#, "1m30s"),
            (r#"{{ durationTruncateTo "" "1s" }}"#, "0s"),
        ];
        for (src, want) in cases {
            assert_eq!(render(src).as_deref(), Ok(want), "{src}");
        }
    }

    #[test]
    fn round_saturates_like_go() {
        assert_eq!(GoDuration(i64::MAX).round(2), i64::MAX);
        assert_eq!(GoDuration(i64::MIN).round(3), i64::MIN);
        assert_eq!(GoDuration(i64::MIN).truncate(1), i64::MIN);
        assert_eq!(GoDuration(7).round(2), 8);
        assert_eq!(GoDuration(-7).round(2), -8);
    }

    #[test]
    fn huge_numbers_overflow_like_go() {
        // time.Duration(1e300 * 1e9) is out of range: amd64 gives MinInt64.
        assert_eq!(
            render(r#"{{ durationNanoseconds 1e300 }}"#).as_deref(),
            Ok("-9223372036854775808")
        );
        // int64 seconds times time.Second wraps.
        assert_eq!(
            render(r#"{{ durationNanoseconds (int64 "9223372036854775807") }}"#).as_deref(),
            Ok("-1000000000")
        );
    }
}
