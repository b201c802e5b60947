//! Sprig's date and duration functions (`date.go`), on a port of Go's
//! `time` package (reference-time layouts such as `2006-01-02T15:04:05Z07:00`).
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `now` | `() time.Time` | Local, with a monotonic reading |
//! | `date` | `(fmt string, date any) string` | Local; see below for `date` |
//! | `dateInZone`, `date_in_zone` | `(fmt string, date any, zone string) string` | unknown zone: UTC |
//! | `htmlDate` | `(date any) string` | `2006-01-02`, Local |
//! | `htmlDateInZone` | `(date any, zone string) string` | |
//! | `dateModify`, `date_modify` | `(fmt string, date time.Time) time.Time` | bad duration: unchanged |
//! | `mustDateModify`, `must_date_modify` | `(fmt string, date time.Time) (time.Time, error)` | |
//! | `toDate` | `(fmt, str string) time.Time` | `ParseInLocation(…, Local)`; error: zero time |
//! | `mustToDate` | `(fmt, str string) (time.Time, error)` | |
//! | `unixEpoch` | `(date time.Time) string` | |
//! | `ago` | `(date any) string` | `time.Since(t).Round(time.Second)` |
//! | `duration` | `(sec any) string` | string or int64 seconds, anything else 0 |
//! | `durationRound` | `(duration any) string` | `2y`, `3mo`, `4d`, … |
//!
//! `date` and friends take a `time.Time`, or an `int`/`int64` of unix
//! seconds; **anything else silently means now** (a float64 from a values
//! file included), as in Sprig.
//!
//! `now` prints like Go's `Time.String()`, including the monotonic clock
//! suffix `m=+0.001234567`: ours counts from the first clock reading of the
//! process (Go's from the process start), and is `m=+0.000000000` in
//! deterministic mode ([`super::Functions::helm_deterministic`]).
//!
//! The local time zone is Go's `time.Local`: the `TZ` environment variable,
//! else `/etc/localtime`. Helm 4.2.3 does not have Helm main's
//! `mustToDuration`, `durationSeconds`, … helpers; neither do we.
//!
//! ```
//! use kaapana_chart::{Functions, TemplateSet, Value};
//! use std::sync::Arc;
//!
//! let mut set = TemplateSet::with_functions(Default::default(), Arc::new(Functions::helm()));
//! set.add("t", r#"{{ dateInZone "2006-01-02 15:04 MST" 1700000000 "UTC" }}"#).unwrap();
//! assert_eq!(set.execute("t", &Value::Nil).unwrap(), "2023-11-14 22:13 UTC");
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use super::gotime::{
    duration_round, duration_string, load_location, local, parse_duration, parse_in_location,
    GoTime, Loc,
};
use super::{str_arg, FuncError, Functions};
use crate::value::{GoType, Signature, Value};

const S: GoType = GoType::String;
const ANY: GoType = GoType::Any;
const T: GoType = GoType::Object("time.Time");

/// Where `now` comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    /// The system clock, like Helm.
    System,
    /// A fixed instant (deterministic renders).
    Fixed(SystemTime),
}

impl Clock {
    pub(crate) fn now(&self) -> GoTime {
        match self {
            Clock::System => GoTime::now(),
            Clock::Fixed(at) => {
                let (unix, nsec) = match at.duration_since(UNIX_EPOCH) {
                    Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
                    Err(e) => {
                        let d = e.duration();
                        let n = -(d.as_nanos() as i128);
                        (
                            n.div_euclid(1_000_000_000) as i64,
                            n.rem_euclid(1_000_000_000) as u32,
                        )
                    }
                };
                GoTime {
                    unix,
                    nsec,
                    loc: local(),
                    mono: Some(0),
                }
            }
        }
    }
}

pub(crate) fn register(f: &mut Functions, clock: Clock) {
    f.register("now", Signature::fixed(&[]), move |_, _| {
        Ok(clock.now().into_value())
    });
    f.register("date", Signature::fixed(&[S, ANY]), move |_, a| {
        Ok(Value::from(date_in_zone(
            clock,
            str_arg(a, 0),
            a.get(1),
            "Local",
        )))
    });
    for name in ["dateInZone", "date_in_zone"] {
        f.register(name, Signature::fixed(&[S, ANY, S]), move |_, a| {
            Ok(Value::from(date_in_zone(
                clock,
                str_arg(a, 0),
                a.get(1),
                str_arg(a, 2),
            )))
        });
    }
    f.register("htmlDate", Signature::fixed(&[ANY]), move |_, a| {
        Ok(Value::from(date_in_zone(
            clock,
            "2006-01-02",
            a.first(),
            "Local",
        )))
    });
    f.register(
        "htmlDateInZone",
        Signature::fixed(&[ANY, S]),
        move |_, a| {
            Ok(Value::from(date_in_zone(
                clock,
                "2006-01-02",
                a.first(),
                str_arg(a, 1),
            )))
        },
    );
    for name in ["dateModify", "date_modify"] {
        f.register(name, Signature::fixed(&[S, T]), |_, a| {
            let t = time_arg(a, 1);
            Ok(match parse_duration(str_arg(a, 0)) {
                Ok(d) => t.add(d).into_value(),
                Err(_) => t.into_value(),
            })
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        f.register(name, Signature::fixed(&[S, T]).with_error(), |_, a| {
            let t = time_arg(a, 1);
            parse_duration(str_arg(a, 0))
                .map(|d| t.add(d).into_value())
                .map_err(FuncError::new)
        });
    }
    f.register("toDate", Signature::fixed(&[S, S]), |_, a| {
        Ok(parse_in_location(str_arg(a, 0), str_arg(a, 1), &local())
            .unwrap_or_else(|_| GoTime::zero())
            .into_value())
    });
    f.register(
        "mustToDate",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| {
            parse_in_location(str_arg(a, 0), str_arg(a, 1), &local())
                .map(GoTime::into_value)
                .map_err(FuncError::new)
        },
    );
    f.register("unixEpoch", Signature::fixed(&[T]), |_, a| {
        Ok(Value::from(time_arg(a, 0).unix_seconds().to_string()))
    });
    f.register("ago", Signature::fixed(&[ANY]), move |_, a| {
        let now = clock.now();
        // Sprig's dateAgo knows time.Time, int64 and int (not *time.Time or
        // int32 like dateInZone).
        let t = match a.first() {
            Some(Value::Int(s) | Value::Int64(s)) => GoTime::unix(*s),
            Some(v) => GoTime::from_value(v)
                .cloned()
                .unwrap_or_else(|| now.clone()),
            None => now.clone(),
        };
        let d = duration_round(now.sub(&t), 1_000_000_000);
        Ok(Value::from(duration_string(d)))
    });
    f.register("duration", Signature::fixed(&[ANY]), |_, a| {
        let n = match a.first() {
            Some(Value::String(s)) => parse_int64_lenient(s),
            Some(Value::Int64(n)) => *n,
            _ => 0,
        };
        // Go's `time.Duration(n) * time.Second` wraps on overflow.
        Ok(Value::from(duration_string(n.wrapping_mul(1_000_000_000))))
    });
    f.register("durationRound", Signature::fixed(&[ANY]), move |_, a| {
        let d = match a.first() {
            Some(Value::String(s)) => parse_duration(s).unwrap_or(0),
            Some(Value::Int64(n)) => *n,
            Some(v) => match GoTime::from_value(v) {
                Some(t) => clock.now().sub(t),
                None => 0,
            },
            None => 0,
        };
        Ok(Value::from(duration_round_human(d)))
    });
}

/// The `time.Time` argument at `i` (the executor guarantees the type).
fn time_arg(a: &[Value], i: usize) -> GoTime {
    a.get(i)
        .and_then(GoTime::from_value)
        .cloned()
        .unwrap_or_else(GoTime::zero)
}

/// Sprig's `dateInZone`.
fn date_in_zone(clock: Clock, layout: &str, date: Option<&Value>, zone: &str) -> String {
    let t = match date {
        Some(Value::Int(s) | Value::Int64(s)) => GoTime::unix(*s),
        Some(v) => GoTime::from_value(v)
            .cloned()
            .unwrap_or_else(|| clock.now()),
        None => clock.now(),
    };
    let loc = load_location(zone).unwrap_or(Loc::Utc);
    t.in_loc(loc).format(layout)
}

/// `strconv.ParseInt(s, 10, 64)` with the error ignored: a syntax error
/// gives 0, a range error the saturated value (Go returns both).
fn parse_int64_lenient(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = (v * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX));
    }
    let v = if neg { -v } else { v };
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Sprig's `durationRound`: the largest whole unit, 30-day months and
/// 365-day years.
fn duration_round_human(d: i64) -> String {
    let u = d.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    for (unit, suffix) in [
        (YEAR, "y"),
        (MONTH, "mo"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".to_owned()
}
