//! A port of the parts of Go's `time` package that templates can observe:
//! `time.Time` values with a location, `Time.Format` / `time.Parse` with
//! Go's reference-time layouts, `time.Duration`'s `String` and
//! `ParseDuration`, and `time.LoadLocation`.
//!
//! Civil-time arithmetic is done here on `i64` day counts (Go's range is far
//! wider than any calendar crate's); `jiff` only supplies the time zone
//! database (offsets and abbreviations at an instant).

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use jiff::tz::TimeZone;

use crate::value::{GoKind, Object, Signature, Value};

/// Nanoseconds per second.
const NS: i64 = 1_000_000_000;
/// The unix time of 1885-01-01, the start of the wall-clock range a Go time
/// with a monotonic reading can hold (33 bits of seconds).
const MONO_WALL_MIN: i64 = -2_682_288_000;
const MONO_WALL_MAX: i64 = MONO_WALL_MIN + (1 << 33) - 1;

/// A Go `*time.Location`.
#[derive(Clone)]
pub(crate) enum Loc {
    /// `time.UTC` (and the zero Time's nil location).
    Utc,
    /// `time.Local`.
    Local(TimeZone),
    /// A location from `time.LoadLocation`.
    Named(TimeZone),
    /// `time.FixedZone(name, offset)`, which `time.Parse` makes.
    Fixed(Arc<str>, i32),
}

impl std::fmt::Debug for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::Utc => f.write_str("UTC"),
            Loc::Local(_) => f.write_str("Local"),
            Loc::Named(tz) => write!(f, "{}", tz.iana_name().unwrap_or("?")),
            Loc::Fixed(n, o) => write!(f, "Fixed({n}, {o})"),
        }
    }
}

/// Go's `time.Local`: the `TZ` environment variable, else `/etc/localtime`
/// (jiff follows the same rules as Go's `initLocal`).
pub(crate) fn local() -> Loc {
    Loc::Local(TimeZone::system())
}

/// Clamps a unix second into the range jiff can look up; zone rules beyond
/// it do not change any more.
fn jiff_ts(unix: i64) -> jiff::Timestamp {
    let min = jiff::Timestamp::MIN.as_second() + 86_400;
    let max = jiff::Timestamp::MAX.as_second() - 86_400;
    jiff::Timestamp::from_second(unix.clamp(min, max)).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

impl Loc {
    /// The zone abbreviation and offset (seconds east of UTC) in effect at
    /// `unix`: Go's `Location.lookup`.
    pub(crate) fn lookup(&self, unix: i64) -> (Cow<'_, str>, i32) {
        match self {
            Loc::Utc => (Cow::Borrowed("UTC"), 0),
            Loc::Local(tz) | Loc::Named(tz) => {
                let info = tz.to_offset_info(jiff_ts(unix));
                (
                    Cow::Owned(info.abbreviation().to_owned()),
                    info.offset().seconds(),
                )
            }
            Loc::Fixed(name, off) => (Cow::Borrowed(&**name), *off),
        }
    }

    /// Go's `Location.lookupName` (approximated: the abbreviation is
    /// accepted when it is in effect at the time, which is all a
    /// zone with a single meaning per name needs).
    fn lookup_name(&self, name: &str, unix: i64) -> Option<i32> {
        match self {
            Loc::Utc => None,
            Loc::Fixed(n, off) => (&**n == name).then_some(*off),
            Loc::Local(_) | Loc::Named(_) => {
                let (_, off0) = self.lookup(unix);
                for guess in [unix, unix - i64::from(off0)] {
                    let (n, off) = self.lookup(guess);
                    if n == name {
                        let (n2, off2) = self.lookup(unix - i64::from(off));
                        if n2 == name {
                            return Some(off2);
                        }
                        return Some(off);
                    }
                }
                None
            }
        }
    }
}

/// Go's `time.LoadLocation`; `None` is its error.
pub(crate) fn load_location(name: &str) -> Option<Loc> {
    match name {
        "" | "UTC" => return Some(Loc::Utc),
        "Local" => return Some(local()),
        _ => {}
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return None;
    }
    let tz = jiff::tz::db().get(name).ok()?;
    // jiff matches names case-insensitively; Go opens files on a
    // case-sensitive file system.
    if tz.iana_name() != Some(name) {
        return None;
    }
    Some(Loc::Named(tz))
}

/// A Go `time.Time`: an instant, a location and an optional monotonic clock
/// reading (nanoseconds since the process's clock origin).
#[derive(Debug, Clone)]
pub(crate) struct GoTime {
    /// Seconds since the unix epoch.
    pub(crate) unix: i64,
    /// Nanoseconds within the second, `0..1e9`.
    pub(crate) nsec: u32,
    pub(crate) loc: Loc,
    pub(crate) mono: Option<i64>,
}

/// The process's monotonic clock origin (Go's runtime start).
fn mono_origin() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

impl GoTime {
    /// Go's zero `time.Time{}`: 0001-01-01 00:00:00 UTC.
    pub(crate) fn zero() -> GoTime {
        GoTime {
            unix: days_from_civil(1, 1, 1) * 86_400,
            nsec: 0,
            loc: Loc::Utc,
            mono: None,
        }
    }

    /// `time.Now()` (in Local, with a monotonic reading).
    pub(crate) fn now() -> GoTime {
        let origin = mono_origin();
        let (unix, nsec) = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                split_nanos(-(d.as_nanos() as i128))
            }
        };
        let mono = i64::try_from(origin.elapsed().as_nanos()).unwrap_or(i64::MAX);
        GoTime {
            unix,
            nsec,
            loc: local(),
            mono: Some(mono),
        }
    }

    /// `time.Unix(sec, 0)` in Local.
    pub(crate) fn unix(sec: i64) -> GoTime {
        GoTime {
            unix: sec,
            nsec: 0,
            loc: local(),
            mono: None,
        }
    }

    /// `t.In(loc)`; Go drops the monotonic reading.
    pub(crate) fn in_loc(&self, loc: Loc) -> GoTime {
        GoTime {
            loc,
            mono: None,
            ..self.clone()
        }
    }

    /// Nanoseconds since the epoch, as i128 (no overflow).
    fn total_nanos(&self) -> i128 {
        i128::from(self.unix) * i128::from(NS) + i128::from(self.nsec)
    }

    /// `t.Add(d)`.
    pub(crate) fn add(&self, d: i64) -> GoTime {
        let (unix, nsec) = split_nanos(self.total_nanos() + i128::from(d));
        let mono = self.mono.and_then(|m| {
            if !(MONO_WALL_MIN..=MONO_WALL_MAX).contains(&unix) {
                return None;
            }
            m.checked_add(d)
        });
        GoTime {
            unix,
            nsec,
            loc: self.loc.clone(),
            mono,
        }
    }

    /// `t.Sub(u)`, saturating like Go's.
    pub(crate) fn sub(&self, u: &GoTime) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let d = self.total_nanos() - u.total_nanos();
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// Go's `Time.String()`.
    pub(crate) fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            s.push_str(" m=");
            s.push(if m < 0 { '-' } else { '+' });
            let m = m.unsigned_abs();
            let (m1, m2) = (m / 1_000_000_000, m % 1_000_000_000);
            s.push_str(&format!("{m1}.{m2:09}"));
        }
        s
    }

    /// `time.Time.MarshalJSON`'s text (RFC 3339 with nanoseconds).
    pub(crate) fn rfc3339_nano(&self) -> String {
        self.format("2006-01-02T15:04:05.999999999Z07:00")
    }

    /// Go's `Time.Format(layout)`.
    pub(crate) fn format(&self, layout: &str) -> String {
        let (name, offset) = self.loc.lookup(self.unix);
        let local = self.unix + i64::from(offset);
        let days = local.div_euclid(86_400);
        let secs_of_day = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let yday = days - days_from_civil(year, 1, 1) + 1;
        let weekday = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
        let (hour, min, sec) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
        let mut b = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, std, suffix) = next_std_chunk(rest);
            b.push_str(prefix);
            let Some(std) = std else { break };
            rest = suffix;
            match std {
                Std::Year => append_int(&mut b, year.abs() % 100, 2),
                Std::LongYear => append_int(&mut b, year, 4),
                Std::Month => b.push_str(&MONTHS[month as usize - 1][..3]),
                Std::LongMonth => b.push_str(MONTHS[month as usize - 1]),
                Std::NumMonth => append_int(&mut b, month, 0),
                Std::ZeroMonth => append_int(&mut b, month, 2),
                Std::WeekDay => b.push_str(&DAYS[weekday][..3]),
                Std::LongWeekDay => b.push_str(DAYS[weekday]),
                Std::Day => append_int(&mut b, day, 0),
                Std::UnderDay => {
                    if day < 10 {
                        b.push(' ');
                    }
                    append_int(&mut b, day, 0);
                }
                Std::ZeroDay => append_int(&mut b, day, 2),
                Std::UnderYearDay => {
                    if yday < 100 {
                        b.push(' ');
                        if yday < 10 {
                            b.push(' ');
                        }
                    }
                    append_int(&mut b, yday, 0);
                }
                Std::ZeroYearDay => append_int(&mut b, yday, 3),
                Std::Hour => append_int(&mut b, hour, 2),
                Std::Hour12 | Std::ZeroHour12 => {
                    let hr = if hour % 12 == 0 { 12 } else { hour % 12 };
                    append_int(&mut b, hr, if std == Std::Hour12 { 0 } else { 2 });
                }
                Std::Minute => append_int(&mut b, min, 0),
                Std::ZeroMinute => append_int(&mut b, min, 2),
                Std::Second => append_int(&mut b, sec, 0),
                Std::ZeroSecond => append_int(&mut b, sec, 2),
                Std::PM => b.push_str(if hour >= 12 { "PM" } else { "AM" }),
                Std::Pm => b.push_str(if hour >= 12 { "pm" } else { "am" }),
                Std::Tz(kind) => {
                    if kind.iso && offset == 0 {
                        b.push('Z');
                        continue;
                    }
                    let mut zone = offset / 60;
                    let mut abs = offset;
                    if zone < 0 {
                        b.push('-');
                        zone = -zone;
                        abs = -abs;
                    } else {
                        b.push('+');
                    }
                    append_int(&mut b, i64::from(zone / 60), 2);
                    if kind.colon {
                        b.push(':');
                    }
                    if !kind.short {
                        append_int(&mut b, i64::from(zone % 60), 2);
                    }
                    if kind.seconds {
                        if kind.colon {
                            b.push(':');
                        }
                        append_int(&mut b, i64::from(abs % 60), 2);
                    }
                }
                Std::TzName => {
                    if !name.is_empty() {
                        b.push_str(&name);
                        continue;
                    }
                    let mut zone = offset / 60;
                    if zone < 0 {
                        b.push('-');
                        zone = -zone;
                    } else {
                        b.push('+');
                    }
                    append_int(&mut b, i64::from(zone / 60), 2);
                    append_int(&mut b, i64::from(zone % 60), 2);
                }
                Std::Frac { digits, trim, sep } => {
                    if trim && (digits == 0 || self.nsec == 0) {
                        continue;
                    }
                    let start = b.len();
                    b.push(char::from(sep));
                    let n = format!("{:09}", self.nsec);
                    b.push_str(&n[..digits.min(9)]);
                    if trim {
                        while b.len() > start && b.ends_with('0') {
                            b.pop();
                        }
                        if b.len() == start + 1 {
                            b.pop();
                        }
                    }
                }
            }
        }
        b
    }

    /// Go's `time.Unix()` of this time.
    pub(crate) fn unix_seconds(&self) -> i64 {
        self.unix
    }

    /// Wraps the time as a template value.
    pub(crate) fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// The time inside a value, if it is a `time.Time`.
    pub(crate) fn from_value(v: &Value) -> Option<&GoTime> {
        match v {
            Value::Object(o) => o.as_any().downcast_ref::<GoTime>(),
            _ => None,
        }
    }
}

fn split_nanos(n: i128) -> (i64, u32) {
    let secs = n.div_euclid(i128::from(NS));
    let nsec = n.rem_euclid(i128::from(NS)) as u32;
    (
        secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        nsec,
    )
}

const I: crate::value::GoType = crate::value::GoType::Int;
const S: crate::value::GoType = crate::value::GoType::String;

impl Object for GoTime {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("time.Time")
    }

    fn go_kind(&self) -> GoKind {
        GoKind::Struct
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Format" => Some(Signature::fixed(&[S])),
            "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "UTC" | "Local" | "Year" | "Day"
            | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay" | "IsZero" | "String" => {
                Some(Signature::fixed(&[]))
            }
            "AddDate" => Some(Signature::fixed(&[I, I, I])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let (_, offset) = self.loc.lookup(self.unix);
        let local = self.unix + i64::from(offset);
        let days = local.div_euclid(86_400);
        let sod = local.rem_euclid(86_400);
        let (y, _, d) = civil_from_days(days);
        let nanos = self.total_nanos();
        Ok(match name {
            "Format" => {
                Value::from(self.format(args.first().and_then(Value::as_str).unwrap_or("")))
            }
            "Unix" => Value::Int64(self.unix),
            "UnixMilli" => Value::Int64(clamp_i64(nanos.div_euclid(1_000_000))),
            "UnixMicro" => Value::Int64(clamp_i64(nanos.div_euclid(1_000))),
            "UnixNano" => Value::Int64(nanos as i64),
            "UTC" => self.in_loc(Loc::Utc).into_value(),
            "Local" => self.in_loc(local_loc()).into_value(),
            "Year" => Value::Int(y),
            "Day" => Value::Int(d),
            "Hour" => Value::Int(sod / 3600),
            "Minute" => Value::Int(sod / 60 % 60),
            "Second" => Value::Int(sod % 60),
            "Nanosecond" => Value::Int(i64::from(self.nsec)),
            "YearDay" => Value::Int(days - days_from_civil(y, 1, 1) + 1),
            "IsZero" => Value::Bool(self.unix == GoTime::zero().unix && self.nsec == 0),
            "String" => Value::from(self.go_string()),
            "AddDate" => {
                let n = |i: usize| match args.get(i) {
                    Some(Value::Int(v)) => *v,
                    _ => 0,
                };
                self.add_date(n(0), n(1), n(2)).into_value()
            }
            _ => return Err(format!("{name} is not a method")),
        })
    }

    fn fmt_go(&self, _plus: bool) -> String {
        self.go_string()
    }

    fn to_data(&self) -> Value {
        Value::from(self.rfc3339_nano())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn local_loc() -> Loc {
    local()
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl GoTime {
    /// `t.AddDate(years, months, days)`: Go's `Date` normalisation of the
    /// shifted civil date, at the same clock time, in the same location.
    fn add_date(&self, years: i64, months: i64, days: i64) -> GoTime {
        let (_, offset) = self.loc.lookup(self.unix);
        let local = self.unix + i64::from(offset);
        let (y, m, d) = civil_from_days(local.div_euclid(86_400));
        let sod = local.rem_euclid(86_400);
        let t = date(
            y.saturating_add(years),
            m.saturating_add(months),
            d.saturating_add(days),
            sod / 3600,
            sod / 60 % 60,
            sod % 60,
            i64::from(self.nsec),
            &self.loc,
        );
        GoTime { mono: None, ..t }
    }
}

/// Go's `time.Date`: normalises out-of-range fields, then finds the instant
/// whose wall clock in `loc` shows that time.
#[allow(clippy::too_many_arguments)] // mirrors Go's signature on purpose
pub(crate) fn date(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: i64,
    loc: &Loc,
) -> GoTime {
    let m0 = month - 1;
    let year = year + m0.div_euclid(12);
    let month = m0.rem_euclid(12) + 1;
    let secs = nsec.div_euclid(NS);
    let nsec = nsec.rem_euclid(NS);
    let days = days_from_civil(year, month, 1) + day - 1;
    let local = days
        .saturating_mul(86_400)
        .saturating_add(hour.saturating_mul(3600))
        .saturating_add(min.saturating_mul(60))
        .saturating_add(sec)
        .saturating_add(secs);
    let (_, off) = loc.lookup(local);
    let mut unix = local;
    if off != 0 {
        let (_, off2) = loc.lookup(local - i64::from(off));
        unix -= i64::from(off2);
    }
    GoTime {
        unix,
        nsec: nsec as u32,
        loc: loc.clone(),
        mono: None,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm, valid for the whole i64 year range we use).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days before the first of `month` in a non-leap year.
fn days_before(month: i64) -> i64 {
    (1..month).map(|m| days_in(m, 1)).sum()
}

/// Go's `appendInt`: decimal, zero-padded to `width` digits after the sign.
fn append_int(b: &mut String, x: i64, width: usize) {
    if x < 0 {
        b.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        b.push('0');
    }
    b.push_str(&digits);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TzKind {
    /// `Z…` variants print `Z` for UTC.
    iso: bool,
    colon: bool,
    short: bool,
    seconds: bool,
}

/// A layout element (Go's `std*` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TzName,
    Tz(TzKind),
    Frac { digits: usize, trim: bool, sep: u8 },
}

const fn tz(iso: bool, colon: bool, short: bool, seconds: bool) -> Std {
    Std::Tz(TzKind {
        iso,
        colon,
        short,
        seconds,
    })
}

/// Go's `nextStdChunk`: the text before the first layout element, the
/// element, and the text after it.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let l = layout.as_bytes();
    let has = |i: usize, s: &str| l.len() >= i + s.len() && &l[i..i + s.len()] == s.as_bytes();
    let lower_at = |i: usize| l.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..l.len() {
        let found: Option<(usize, Std, usize)> = match l[i] {
            b'J' if has(i, "Jan") => {
                if has(i, "January") {
                    Some((i, Std::LongMonth, i + 7))
                } else if !lower_at(i + 3) {
                    Some((i, Std::Month, i + 3))
                } else {
                    None
                }
            }
            b'M' if l.len() >= i + 3 => {
                if has(i, "Mon") {
                    if has(i, "Monday") {
                        Some((i, Std::LongWeekDay, i + 6))
                    } else if !lower_at(i + 3) {
                        Some((i, Std::WeekDay, i + 3))
                    } else {
                        None
                    }
                } else if has(i, "MST") {
                    Some((i, Std::TzName, i + 3))
                } else {
                    None
                }
            }
            b'0' => {
                if l.len() >= i + 2 && (b'1'..=b'6').contains(&l[i + 1]) {
                    let std = [
                        Std::ZeroMonth,
                        Std::ZeroDay,
                        Std::ZeroHour12,
                        Std::ZeroMinute,
                        Std::ZeroSecond,
                        Std::Year,
                    ][usize::from(l[i + 1] - b'1')];
                    Some((i, std, i + 2))
                } else if has(i, "002") {
                    Some((i, Std::ZeroYearDay, i + 3))
                } else {
                    None
                }
            }
            b'1' => {
                if has(i, "15") {
                    Some((i, Std::Hour, i + 2))
                } else {
                    Some((i, Std::NumMonth, i + 1))
                }
            }
            b'2' => {
                if has(i, "2006") {
                    Some((i, Std::LongYear, i + 4))
                } else {
                    Some((i, Std::Day, i + 1))
                }
            }
            b'_' => {
                if has(i, "_2") {
                    if has(i + 1, "2006") {
                        // `_2006` is a literal `_` and a long year.
                        Some((i + 1, Std::LongYear, i + 5))
                    } else {
                        Some((i, Std::UnderDay, i + 2))
                    }
                } else if has(i, "__2") {
                    Some((i, Std::UnderYearDay, i + 3))
                } else {
                    None
                }
            }
            b'3' => Some((i, Std::Hour12, i + 1)),
            b'4' => Some((i, Std::Minute, i + 1)),
            b'5' => Some((i, Std::Second, i + 1)),
            b'P' if has(i, "PM") => Some((i, Std::PM, i + 2)),
            b'p' if has(i, "pm") => Some((i, Std::Pm, i + 2)),
            c @ (b'-' | b'Z') => {
                let iso = c == b'Z';
                let cands: [(&str, Std); 5] = [
                    ("070000", tz(iso, false, false, true)),
                    ("07:00:00", tz(iso, true, false, true)),
                    ("0700", tz(iso, false, false, false)),
                    ("07:00", tz(iso, true, false, false)),
                    ("07", tz(iso, false, true, false)),
                ];
                cands
                    .iter()
                    .find(|(s, _)| has(i + 1, s))
                    .map(|(s, std)| (i, *std, i + 1 + s.len()))
            }
            c @ (b'.' | b',') if i + 1 < l.len() && (l[i + 1] == b'0' || l[i + 1] == b'9') => {
                let ch = l[i + 1];
                let mut j = i + 1;
                while j < l.len() && l[j] == ch {
                    j += 1;
                }
                if l.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((
                        i,
                        Std::Frac {
                            digits: j - (i + 1),
                            trim: ch == b'9',
                            sep: c,
                        },
                        j,
                    ))
                }
            }
            _ => None,
        };
        if let Some((p, std, s)) = found {
            return (&layout[..p], Some(std), &layout[s..]);
        }
    }
    (layout, None, "")
}

/// Go's `time.quote` (used in parse and duration errors): ASCII kept,
/// other bytes as `\xNN`.
pub(crate) fn go_time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn parse_error(layout: &str, value: &str, elem: &str, value_elem: &str, msg: &str) -> String {
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_time_quote(value),
            go_time_quote(layout),
            go_time_quote(value_elem),
            go_time_quote(elem)
        )
    } else {
        format!("parsing time {}{msg}", go_time_quote(value))
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !is_digit(b, 0) {
        return None;
    }
    if !is_digit(b, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(b, i) {
        n = n * 10 + i64::from(b[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go's `skip`: removes `prefix` from `value`, runs of spaces matching runs
/// of spaces.
fn skip<'v>(mut value: &'v str, mut prefix: &str) -> Result<&'v str, &'v str> {
    while !prefix.is_empty() {
        if prefix.starts_with(' ') {
            if !value.is_empty() && !value.starts_with(' ') {
                return Err(value);
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        let (Some(v), Some(p)) = (value.as_bytes().first(), prefix.as_bytes().first()) else {
            return Err(value);
        };
        if v != p {
            return Err(value);
        }
        // Both start with the same byte; advance by one char of the prefix
        // (the byte is equal, and the prefix is valid UTF-8, so the whole
        // char matches only if all its bytes do).
        let clen = prefix.chars().next().map_or(1, char::len_utf8);
        if !value.is_char_boundary(clen) || value.as_bytes()[..clen] != prefix.as_bytes()[..clen] {
            return Err(value);
        }
        prefix = &prefix[clen..];
        value = &value[clen..];
    }
    Ok(value)
}

/// Go's `lookup` of a month/day name, case-insensitively.
fn lookup_name<'v>(tab: &[&str], val: &'v str, short: bool) -> Option<(i64, &'v str)> {
    for (i, name) in tab.iter().enumerate() {
        let name = if short { &name[..3] } else { name };
        if val.len() >= name.len()
            && val.is_char_boundary(name.len())
            && val[..name.len()].eq_ignore_ascii_case(name)
        {
            return Some((i as i64, &val[name.len()..]));
        }
    }
    None
}

/// Go's `leadingInt`: the leading digits as u64 (overflow past 2⁶³ fails).
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let b = s.as_bytes();
    let mut x: u64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + u64::from(b[i] - b'0');
        if x > 1 << 63 {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Go's `atoi` (optional sign, digits only).
fn atoi(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (q, rem) = leading_int(body)?;
    if !rem.is_empty() {
        return None;
    }
    let x = q as i64;
    Some(if neg { x.wrapping_neg() } else { x })
}

/// Go's `parseNanoseconds`: `value[0]` is the separator, `value[1..n]` the
/// digits. `Err(Some(msg))` is a range error, `Err(None)` a bad value.
fn parse_nanoseconds(value: &str, nbytes: usize) -> Result<i64, Option<&'static str>> {
    let b = value.as_bytes();
    if !matches!(b.first(), Some(b'.' | b',')) {
        return Err(None);
    }
    let nbytes = nbytes.min(10);
    let ns = atoi(value.get(1..nbytes).ok_or(None)?).ok_or(None)?;
    if ns < 0 {
        return Err(Some("fractional second"));
    }
    Ok(ns * 10_i64.pow((10 - nbytes) as u32))
}

fn parse_signed_offset(value: &str) -> usize {
    let Some(&sign) = value.as_bytes().first() else {
        return 0;
    };
    if sign != b'-' && sign != b'+' {
        return 0;
    }
    match leading_int(&value[1..]) {
        Some((x, rem)) if rem.len() != value.len() - 1 && x <= 23 => value.len() - rem.len(),
        _ => 0,
    }
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start.
fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        if rest.is_empty() {
            return Some(3);
        }
        return Some(3 + parse_signed_offset(rest));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// A numeric zone offset being parsed: sign, hours, minutes, seconds, and
/// the bytes it spans.
type OffsetParts<'a> = (u8, &'a [u8], &'a [u8], &'a [u8], usize);

/// Go's `time.ParseInLocation(layout, value, loc)` (Sprig's `toDate` passes
/// `time.Local`). The error is Go's `ParseError` text.
pub(crate) fn parse_in_location(layout: &str, value: &str, loc: &Loc) -> Result<GoTime, String> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let mut range_err: &str = "";
    let (mut am, mut pm) = (false, false);
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Loc> = None;
    let mut zone_offset: i64 = -1;
    let mut zone_name: &str = "";
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = skip(value, prefix).map_err(|v| parse_error(alayout, avalue, prefix, v, ""))?;
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", go_time_quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut bad = false;
        match std {
            Std::Year => match value
                .get(..2)
                .and_then(|p| atoi(p).map(|y| (y, &value[2..])))
            {
                Some((y, rest)) if value.len() >= 2 => {
                    year = if y >= 69 { y + 1900 } else { y + 2000 };
                    value = rest;
                }
                _ => bad = true,
            },
            Std::LongYear => {
                if value.len() < 4 || !is_digit(value.as_bytes(), 0) || !value.is_char_boundary(4) {
                    bad = true;
                } else {
                    match atoi(&value[..4]) {
                        Some(y) => {
                            year = y;
                            value = &value[4..];
                        }
                        None => bad = true,
                    }
                }
            }
            Std::Month | Std::LongMonth => match lookup_name(&MONTHS, value, std == Std::Month) {
                Some((m, rest)) => {
                    month = m + 1;
                    value = rest;
                }
                None => bad = true,
            },
            Std::NumMonth | Std::ZeroMonth => match getnum(value, std == Std::ZeroMonth) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                }
                None => bad = true,
            },
            Std::WeekDay | Std::LongWeekDay => {
                match lookup_name(&DAYS, value, std == Std::WeekDay) {
                    Some((_, rest)) => value = rest,
                    None => bad = true,
                }
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                match getnum(value, std == Std::ZeroDay) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                match getnum3(value, std == Std::ZeroYearDay) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Std::Hour => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if h >= 24 {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Std::Hour12 | Std::ZeroHour12 => match getnum(value, std == Std::ZeroHour12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if h > 12 {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Std::Minute | Std::ZeroMinute => match getnum(value, std == Std::ZeroMinute) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if m >= 60 {
                        range_err = "minute";
                    }
                }
                None => bad = true,
            },
            Std::Second | Std::ZeroSecond => match getnum(value, std == Std::ZeroSecond) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if s >= 60 {
                        range_err = "second";
                    } else {
                        let b = value.as_bytes();
                        if b.len() >= 2 && matches!(b[0], b'.' | b',') && is_digit(b, 1) {
                            let (_, next, _) = next_std_chunk(layout);
                            if !matches!(next, Some(Std::Frac { .. })) {
                                let mut n = 2;
                                while is_digit(b, n) {
                                    n += 1;
                                }
                                match parse_nanoseconds(value, n) {
                                    Ok(ns) => nsec = ns,
                                    Err(Some(r)) => range_err = r,
                                    Err(None) => bad = true,
                                }
                                value = &value[n..];
                            }
                        }
                    }
                }
                None => bad = true,
            },
            Std::PM | Std::Pm => {
                if value.len() < 2 || !value.is_char_boundary(2) {
                    bad = true;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    let (a, b) = if std == Std::PM {
                        ("AM", "PM")
                    } else {
                        ("am", "pm")
                    };
                    if p == b {
                        pm = true;
                    } else if p == a {
                        am = true;
                    } else {
                        bad = true;
                    }
                }
            }
            Std::Tz(kind) => {
                if kind.iso && value.starts_with('Z') {
                    value = &value[1..];
                    z = Some(Loc::Utc);
                } else {
                    let b = value.as_bytes();
                    // (sign, hh, mm, ss, consumed)
                    let parts: Option<OffsetParts<'_>> = if kind.colon && !kind.seconds {
                        (b.len() >= 6 && b[3] == b':')
                            .then(|| (b[0], &b[1..3], &b[4..6], &b"00"[..], 6))
                    } else if kind.short {
                        (b.len() >= 3).then(|| (b[0], &b[1..3], &b"00"[..], &b"00"[..], 3))
                    } else if kind.colon && kind.seconds {
                        (b.len() >= 9 && b[3] == b':' && b[6] == b':')
                            .then(|| (b[0], &b[1..3], &b[4..6], &b[7..9], 9))
                    } else if kind.seconds {
                        (b.len() >= 7).then(|| (b[0], &b[1..3], &b[3..5], &b[5..7], 7))
                    } else {
                        (b.len() >= 5).then(|| (b[0], &b[1..3], &b[3..5], &b"00"[..], 5))
                    };
                    match parts {
                        None => bad = true,
                        Some((sign, hh, mm, ss, n)) => {
                            let two = |x: &[u8]| {
                                (x.len() == 2 && x[0].is_ascii_digit() && x[1].is_ascii_digit())
                                    .then(|| i64::from(x[0] - b'0') * 10 + i64::from(x[1] - b'0'))
                            };
                            match (two(hh), two(mm), two(ss)) {
                                (Some(h), Some(m), Some(s)) if value.is_char_boundary(n) => {
                                    value = &value[n..];
                                    if h > 24 {
                                        range_err = "time zone offset hour";
                                    }
                                    if m > 60 {
                                        range_err = "time zone offset minute";
                                    }
                                    if s > 60 {
                                        range_err = "time zone offset second";
                                    }
                                    zone_offset = (h * 60 + m) * 60 + s;
                                    match sign {
                                        b'+' => {}
                                        b'-' => zone_offset = -zone_offset,
                                        _ => bad = true,
                                    }
                                }
                                _ => {
                                    if value.is_char_boundary(n) {
                                        value = &value[n..];
                                    }
                                    bad = true;
                                }
                            }
                        }
                    }
                }
            }
            Std::TzName => {
                if value.starts_with("UTC") {
                    z = Some(Loc::Utc);
                    value = &value[3..];
                } else {
                    match parse_time_zone(value) {
                        Some(n) if value.is_char_boundary(n) => {
                            zone_name = &value[..n];
                            value = &value[n..];
                        }
                        _ => bad = true,
                    }
                }
            }
            Std::Frac { digits, trim, .. } => {
                if !trim {
                    let n = 1 + digits;
                    if value.len() < n || !value.is_char_boundary(n) {
                        bad = true;
                    } else {
                        match parse_nanoseconds(value, n) {
                            Ok(ns) => nsec = ns,
                            Err(Some(r)) => range_err = r,
                            Err(None) => bad = true,
                        }
                        value = &value[n..];
                    }
                } else {
                    let b = value.as_bytes();
                    if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                        let mut i = 0;
                        while is_digit(b, i + 1) {
                            i += 1;
                        }
                        match parse_nanoseconds(value, 1 + i) {
                            Ok(ns) => nsec = ns,
                            Err(Some(r)) => range_err = r,
                            Err(None) => bad = true,
                        }
                        value = &value[1 + i..];
                    }
                }
            }
        }
        if !range_err.is_empty() {
            return Err(parse_error(
                alayout,
                avalue,
                stdstr,
                value,
                &format!(": {range_err} out of range"),
            ));
        }
        if bad {
            return Err(parse_error(alayout, avalue, stdstr, hold, ""));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (mut m, mut d) = (0, 0);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if days_before(m + 1) < yday {
                m += 1;
            }
            d = yday - days_before(m);
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match day",
            ));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            alayout,
            avalue,
            "",
            value,
            ": day out of range",
        ));
    }
    if let Some(z) = z {
        return Ok(date(year, month, day, hour, min, sec, nsec, &z));
    }
    if zone_offset != -1 {
        let mut t = date(year, month, day, hour, min, sec, nsec, &Loc::Utc);
        t.unix -= zone_offset;
        let (name, off) = loc.lookup(t.unix);
        if i64::from(off) == zone_offset && (zone_name.is_empty() || name == zone_name) {
            t.loc = loc.clone();
            return Ok(t);
        }
        t.loc = Loc::Fixed(Arc::from(zone_name), zone_offset as i32);
        return Ok(t);
    }
    if !zone_name.is_empty() {
        let mut t = date(year, month, day, hour, min, sec, nsec, &Loc::Utc);
        if let Some(off) = loc.lookup_name(zone_name, t.unix) {
            t.unix -= i64::from(off);
            t.loc = loc.clone();
            return Ok(t);
        }
        let mut off = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            off = atoi(&zone_name[3..]).unwrap_or(0) * 3600;
        }
        t.loc = Loc::Fixed(Arc::from(zone_name), off as i32);
        return Ok(t);
    }
    Ok(date(year, month, day, hour, min, sec, nsec, loc))
}

// ---------------------------------------------------------------------------
// time.Duration

/// Go's `Duration.String()`: `72h3m0.5s`, `1.5ms`, `0s`.
pub(crate) fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out: Vec<u8> = Vec::with_capacity(32);
    // Built back to front, like Go's buffer.
    if u < 1_000_000_000 {
        if u == 0 {
            return "0s".to_owned();
        }
        out.push(b's');
        let prec = if u < 1_000 {
            out.push(b'n');
            0
        } else if u < 1_000_000 {
            // "µ" (U+00B5), reversed bytes.
            out.extend_from_slice(&[0xB5, 0xC2]);
            3
        } else {
            out.push(b'm');
            6
        };
        u = fmt_frac(&mut out, u, prec);
        fmt_int(&mut out, u);
    } else {
        out.push(b's');
        u = fmt_frac(&mut out, u, 9);
        fmt_int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            fmt_int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                fmt_int(&mut out, u);
            }
        }
    }
    if neg {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Appends (reversed) the fraction `v / 10^prec` without trailing zeros.
fn fmt_frac(out: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            out.push(b'0' + digit as u8);
        }
        v /= 10;
    }
    if print {
        out.push(b'.');
    }
    v
}

fn fmt_int(out: &mut Vec<u8>, mut v: u64) {
    if v == 0 {
        out.push(b'0');
        return;
    }
    while v > 0 {
        out.push(b'0' + (v % 10) as u8);
        v /= 10;
    }
}

/// Go's `time.ParseDuration`; the error is Go's message.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.as_bytes().first() {
        if *c == b'-' || *c == b'+' {
            neg = *c == b'-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        if !(c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let pl = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = pl != s.len();
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let pl = rest.len();
            let (ff, sc, rest) = leading_fraction(rest);
            f = ff;
            scale = sc;
            s = rest;
            post = pl != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .bytes()
            .position(|c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                go_time_quote(orig)
            ));
        }
        let u = &s[..i];
        s = &s[i..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_time_quote(u),
                    go_time_quote(orig)
                ))
            }
        };
        if v > (1u64 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    while i < b.len() && b[i].is_ascii_digit() {
        if !overflow {
            if x > (i64::MAX as u64) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(b[i] - b'0');
                if y > 1 << 63 {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, &s[i..])
}

/// Go's `Duration.Round(m)`.
pub(crate) fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        if d1 < d {
            return d1;
        }
        return i64::MIN;
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d {
        return d1;
    }
    i64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-719_162, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn durations() {
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(1_500_000), "1.5ms");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(-90 * NS), "-1m30s");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400 * NS);
        assert_eq!(duration_string(i64::MAX), "2562047h47m16.854775807s");
    }

    #[test]
    fn format_reference() {
        let t = GoTime {
            unix: 1_136_239_445,
            nsec: 123_000_000,
            loc: Loc::Fixed(Arc::from("MST"), -7 * 3600),
            mono: None,
        };
        assert_eq!(
            t.format("Mon Jan _2 15:04:05.000 MST 2006 -07:00 Z0700 pm __2"),
            "Mon Jan  2 15:04:05.123 MST 2006 -07:00 -0700 pm   2"
        );
    }
}
