//! Go's `fmt` package, as far as templates reach it: the `printf`, `print`
//! and `println` builtins and the way `{{ value }}` prints.
//!
//! This is a port of the printing rules of Go 1.26's `fmt/print.go` and
//! `fmt/format.go` (plus the parts of `strconv` they call: `Quote`,
//! `QuoteRune`, `CanBackquote`, `IsPrint`, the `%b` and `%x` float forms),
//! applied to [`Value`] instead of reflection. Helm output must be
//! byte-identical to Go's, so the quirks are ported too: `%!d(string=hi)`,
//! `%!(EXTRA int=1)`, `%x` of a list hex-encoding each string element, the
//! `0` flag padding strings with zeros, `%#x` of a float counting the `x` as
//! a digit, and so on. Every expectation in the tests comes from real Helm.
//!
//! What Go does that we cannot or will not do, each documented at the item
//! that deviates:
//!
//! * `%p` prints a heap address in Go. We print a fixed address,
//!   [`FAKE_ADDRESS`], so that renders stay reproducible.
//! * Host objects ([`Value::Object`]) print through [`Object::fmt_go`] as if
//!   they were Go `Stringer`s. Go prints a struct without a `String` method
//!   field by field, applying the verb to each field (`%d` of
//!   `.Capabilities.KubeVersion` is `{%!d(string=v1.36.0) …}`); the `Object`
//!   trait does not expose fields in order, so we cannot.
//! * A `[]byte` holding invalid UTF-8 printed as text (`%s`) gets one U+FFFD
//!   per invalid byte, because our output is a Rust `String`. (Helm's JSON
//!   view of its output shows the same.)
//! * Go recurses without limit (a map that contains itself overflows its
//!   stack) and pads as far as asked (a literal width may reach ten
//!   million). We stop at [`MAX_VALUE_DEPTH`] levels of nesting and at an
//!   output budget; the `try_` functions report either as an error.
//!
//! [`Object::fmt_go`]: crate::value::Object::fmt_go

use crate::error::{Error, ErrorKind};
use crate::limits::{DEFAULT_MAX_OUTPUT, MAX_VALUE_DEPTH};
use crate::value::{format_float, GoKind, List, Map, Object, Value};

/// Go's `fmt.Sprintf(format, args...)`.
///
/// Values nested deeper than [`MAX_VALUE_DEPTH`] or output beyond
/// [`DEFAULT_MAX_OUTPUT`] bytes are cut off; use [`try_sprintf`] to get an
/// error instead.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 16 * args.len());
    let mut p = Printer::new(&mut out, DEFAULT_MAX_OUTPUT);
    p.do_printf(format, args);
    out
}

/// Go's `fmt.Sprint(args...)`: operands in their `%v` form, with a space
/// between two operands when neither is a string.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut p = Printer::new(&mut out, DEFAULT_MAX_OUTPUT);
    p.do_print(args);
    out
}

/// Go's `fmt.Sprintln(args...)`: operands in their `%v` form, always
/// separated by a space, and a trailing newline. (The `println` builtin uses
/// the budgeted [`try_sprintln`].)
#[cfg(test)]
pub(crate) fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    let mut p = Printer::new(&mut out, DEFAULT_MAX_OUTPUT);
    p.do_println(args);
    out
}

/// What `{{ v }}` writes: text/template's `printValue`, which prints a
/// missing value as `<no value>` (Helm removes that text from its output
/// afterwards) and anything else with `fmt.Fprint`, i.e. as `%v`. (The
/// executor uses the budgeted [`try_print_value`].)
#[cfg(test)]
pub(crate) fn print_value(out: &mut String, v: &Value) {
    let mut p = Printer::new(out, DEFAULT_MAX_OUTPUT);
    p.print_template_value(v);
}

/// [`sprintf`], failing instead of cutting off when a value is nested deeper
/// than [`MAX_VALUE_DEPTH`] (a map that contains itself) or the result would
/// exceed `max_len` bytes (`printf "%999999d"` in a loop).
pub(crate) fn try_sprintf(format: &str, args: &[Value], max_len: usize) -> Result<String, Error> {
    let mut out = String::with_capacity(format.len().min(max_len));
    let mut p = Printer::new(&mut out, max_len);
    p.do_printf(format, args);
    p.result().map(|()| out)
}

/// [`sprint`] with the limits of [`try_sprintf`].
pub(crate) fn try_sprint(args: &[Value], max_len: usize) -> Result<String, Error> {
    let mut out = String::new();
    let mut p = Printer::new(&mut out, max_len);
    p.do_print(args);
    p.result().map(|()| out)
}

/// [`sprintln`] with the limits of [`try_sprintf`].
pub(crate) fn try_sprintln(args: &[Value], max_len: usize) -> Result<String, Error> {
    let mut out = String::new();
    let mut p = Printer::new(&mut out, max_len);
    p.do_println(args);
    p.result().map(|()| out)
}

/// [`print_value`] with the limits of [`try_sprintf`]; `max_len` bounds the
/// total length of `out`, including what it held before.
pub(crate) fn try_print_value(out: &mut String, v: &Value, max_len: usize) -> Result<(), Error> {
    let mut p = Printer::new(out, max_len);
    p.print_template_value(v);
    p.result()
}

/// Appends `s` quoted the way Go's `strconv.Quote` does (`%q` of a string):
/// double quotes, Go escapes for `"`, `\` and non-printable runes, printable
/// Unicode kept as is. Sprig's `quote` is `%q` and can use this directly.
#[allow(
    dead_code,
    reason = "API for the executor and Sprig's quote; not every caller is wired in yet"
)]
pub(crate) fn append_go_quoted(out: &mut String, s: &str) {
    append_quoted(out, s.as_bytes(), '"', false);
}

/// Go's `strconv.Quote(s)` (the `%q` of a string) as a new string. The one
/// implementation of Go quoting in the crate: error messages everywhere use
/// it.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_go_quoted(&mut out, s);
    out
}

/// Lower-case digits, with the `x` of the `0x` prefix at index 16 (Go's
/// `ldigits`).
const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
/// Upper-case digits, with `X` at index 16 (Go's `udigits`).
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Go's `tooLarge` bound: a width or precision beyond it is rejected.
const TOO_LARGE: i64 = 1_000_000;

/// The address `%p` prints for every non-nil map, slice or object.
///
/// Go prints the real heap address, which differs from run to run; a fixed
/// value that looks like a Go heap pointer keeps our renders reproducible.
const FAKE_ADDRESS: u64 = 0xc000010000;

/// What the flags of one verb ask for (Go's `fmtFlags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%+v`: set instead of `plus` for the `v` verb.
    plus_v: bool,
    /// `%#v`: set instead of `sharp` for the `v` verb.
    sharp_v: bool,
}

/// Why a printer stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// A value nests deeper than [`MAX_VALUE_DEPTH`].
    TooDeep,
    /// The output would exceed its budget.
    TooLong,
}

/// The argument a verb did not fit, for the `%!verb(type=value)` report.
#[derive(Clone, Copy)]
enum Bad<'a> {
    /// A nil interface: `%!d(<nil>)`.
    Nil,
    /// A value of our model.
    Val(&'a Value),
    /// One byte of a `[]byte` printed element by element (Go's `uint8`).
    U8(u8),
}

/// Go's `pp` and `fmt` in one: the buffer, the flags of the current verb,
/// and the bookkeeping of `doPrintf`.
struct Printer<'b> {
    buf: &'b mut String,
    f: Flags,
    /// Width; never negative (a negative `*` width sets `minus`).
    wid: usize,
    /// Precision.
    prec: usize,
    /// Containers entered so far.
    depth: usize,
    /// Output budget in bytes.
    max_len: usize,
    stop: Option<Stop>,
    /// Whether the format used an explicit argument index (no EXTRA report).
    reordered: bool,
    /// Whether the most recent argument index was valid.
    good_arg_num: bool,
}

impl<'b> Printer<'b> {
    /// A printer appending to `buf` until it holds `max_len` bytes.
    fn new(buf: &'b mut String, max_len: usize) -> Printer<'b> {
        Printer {
            buf,
            f: Flags::default(),
            wid: 0,
            prec: 0,
            depth: 0,
            max_len,
            stop: None,
            reordered: false,
            good_arg_num: true,
        }
    }

    /// Why printing stopped early, as the crate's error, if it did.
    fn result(&self) -> Result<(), Error> {
        match self.stop {
            None => Ok(()),
            Some(Stop::TooDeep) => Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("value nesting exceeds the limit of {MAX_VALUE_DEPTH} levels"),
            )),
            Some(Stop::TooLong) => Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "formatted output exceeds the limit of {} bytes",
                    self.max_len
                ),
            )),
        }
    }

    /// Resets flags, width and precision before the next verb (Go's
    /// `clearflags`).
    fn clear_flags(&mut self) {
        self.f = Flags::default();
        self.wid = 0;
        self.prec = 0;
    }

    /// Whether no flag, width or precision is set: the common case, which
    /// takes shortcuts.
    fn plain(&self) -> bool {
        self.f == Flags::default()
    }

    /// Checks that `n` more bytes fit the budget; records the stop if not.
    fn room(&mut self, n: usize) -> bool {
        if self.stop.is_some() {
            return false;
        }
        if self.buf.len().saturating_add(n) > self.max_len {
            self.stop = Some(Stop::TooLong);
            return false;
        }
        true
    }

    /// Appends `s` if it fits the budget.
    fn push_str(&mut self, s: &str) {
        if self.room(s.len()) {
            self.buf.push_str(s);
        }
    }

    /// Appends one character of punctuation. Not budget-checked: the
    /// characters are few and the large writers all check.
    fn push(&mut self, c: char) {
        self.buf.push(c);
    }

    // ---- fmt/format.go ------------------------------------------------

    /// `n` bytes of padding: zeros when the `0` flag is set and padding is
    /// on the left, spaces otherwise.
    fn write_padding(&mut self, n: usize) {
        if n == 0 || !self.room(n) {
            return;
        }
        let pad = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        push_repeated(self.buf, pad, n);
    }

    /// Writes `s`, padded to the width; `runes` is its length as Go counts
    /// it (runes, an invalid byte counting as one).
    fn pad_counted(&mut self, s: &str, runes: usize) {
        if !self.f.wid_present || self.wid == 0 {
            self.push_str(s);
            return;
        }
        let n = self.wid.saturating_sub(runes);
        if !self.f.minus {
            self.write_padding(n);
            self.push_str(s);
        } else {
            self.push_str(s);
            self.write_padding(n);
        }
    }

    /// Go's `padString`: `s` padded to the width, counted in runes.
    fn pad_str(&mut self, s: &str) {
        let runes = if self.f.wid_present && self.wid > 0 {
            rune_count(s)
        } else {
            0
        };
        self.pad_counted(s, runes);
    }

    /// `true` or `false`, padded.
    fn fmt_boolean(&mut self, v: bool) {
        self.pad_str(if v { "true" } else { "false" });
    }

    /// `%U`: `U+0078`, or with `#` `U+0078 'x'`.
    fn fmt_unicode(&mut self, u: u64) {
        let prec = if self.f.prec_present && self.prec > 4 {
            self.prec
        } else {
            4
        };
        let mut hex = [0u8; 16];
        let mut i = hex.len();
        let mut v = u;
        loop {
            i -= 1;
            hex[i] = UDIGITS[(v & 0xF) as usize];
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        let ndigits = hex.len() - i;
        let zeros = prec.saturating_sub(ndigits);
        if !self.room(zeros.saturating_add(32)) {
            return;
        }
        let mut s = String::with_capacity(zeros + ndigits + 10);
        s.push_str("U+");
        push_repeated(&mut s, b'0', zeros);
        s.push_str(ascii(&hex[i..]));
        if self.f.sharp {
            if let Some(c) = char_from_u64(u).filter(|&c| is_print(c)) {
                s.push_str(" '");
                s.push(c);
                s.push('\'');
            }
        }
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = old_zero;
    }

    /// Go's `fmtInteger`: `u` in `base`, honouring precision, the `0` flag,
    /// `#` prefixes, sign flags and width.
    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative { u.wrapping_neg() } else { u };

        // Two ways to ask for leading zeros: %.3d or %03d. With both, the
        // precision wins and the padding is spaces.
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.prec;
            if prec == 0 && u == 0 {
                // Precision 0 and value 0 print nothing but the padding.
                let old_zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.wid);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1); // room for the sign
            }
        }

        // Digits, right to left (64 binary digits at most).
        let mut buf = [0u8; 64];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = digits[(u % base) as usize];
            u /= base;
            if u == 0 {
                break;
            }
        }
        let body = &buf[i..];
        let zeros = prec.saturating_sub(body.len());

        let mut prefix = [0u8; 5];
        let mut np = 0;
        let mut push_prefix = |b: u8| {
            prefix[np] = b;
            np += 1;
        };
        if negative {
            push_prefix(b'-');
        } else if self.f.plus {
            push_prefix(b'+');
        } else if self.f.space {
            push_prefix(b' ');
        }
        if verb == 'O' {
            push_prefix(b'0');
            push_prefix(b'o');
        }
        if self.f.sharp {
            match base {
                2 => {
                    push_prefix(b'0');
                    push_prefix(b'b');
                }
                // A leading 0 unless the digits already start with one.
                8 if zeros == 0 && body[0] != b'0' => push_prefix(b'0'),
                16 => {
                    push_prefix(b'0');
                    push_prefix(digits[16]);
                }
                _ => {}
            }
        }
        let len = np + zeros + body.len();
        if !self.room(len.max(self.wid)) {
            return;
        }
        // Zero padding was turned into precision above; pad with spaces.
        let old_zero = self.f.zero;
        self.f.zero = false;
        let pad = if self.f.wid_present {
            self.wid.saturating_sub(len)
        } else {
            0
        };
        if !self.f.minus {
            self.write_padding(pad);
        }
        self.buf.push_str(ascii(&prefix[..np]));
        push_repeated(self.buf, b'0', zeros);
        self.buf.push_str(ascii(body));
        if self.f.minus {
            self.write_padding(pad);
        }
        self.f.zero = old_zero;
    }

    /// `s` cut to the precision, counted in runes.
    fn truncate_str<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            if let Some((i, _)) = s.char_indices().nth(self.prec) {
                return &s[..i];
            }
        }
        s
    }

    /// `b` cut to the precision, counted in runes the way Go decodes them
    /// (an invalid byte is one rune).
    fn truncate_bytes<'s>(&self, b: &'s [u8]) -> &'s [u8] {
        if self.f.prec_present {
            let mut n = self.prec;
            let mut i = 0;
            for (_, len) in go_runes(b) {
                if n == 0 {
                    return &b[..i];
                }
                n -= 1;
                i += len;
            }
        }
        b
    }

    /// `%s` of a string: cut to the precision, padded to the width.
    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate_str(s);
        self.pad_str(s);
    }

    /// `%s` of a `[]byte`.
    fn fmt_bs(&mut self, b: &[u8]) {
        let b = self.truncate_bytes(b);
        match std::str::from_utf8(b) {
            Ok(s) => self.pad_str(s),
            Err(_) => {
                let runes = go_runes(b).count();
                let s = lossy_per_byte(b);
                self.pad_counted(&s, runes);
            }
        }
    }

    /// `%x`/`%X` of a string or `[]byte`: two hex digits per byte, `#` adds
    /// `0x`, a space separates bytes (each with its own `0x` under `#`).
    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let mut length = b.len();
        if self.f.prec_present && self.prec < length {
            length = self.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        if !self.room(width.max(self.wid)) {
            return;
        }
        if self.f.wid_present && self.wid > width && !self.f.minus {
            self.write_padding(self.wid - width);
        }
        let buf = &mut *self.buf;
        if self.f.sharp {
            buf.push('0');
            buf.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                buf.push(' ');
                if self.f.sharp {
                    buf.push('0');
                    buf.push(digits[16] as char);
                }
            }
            buf.push(digits[(c >> 4) as usize] as char);
            buf.push(digits[(c & 0xF) as usize] as char);
        }
        if self.f.wid_present && self.wid > width && self.f.minus {
            self.write_padding(self.wid - width);
        }
    }

    /// `%q` of a string or `[]byte`: Go-quoted, or back-quoted under `#`
    /// when possible, ASCII-only under `+`.
    fn fmt_q(&mut self, b: &[u8]) {
        let b = self.truncate_bytes(b);
        let padded = self.f.wid_present && self.wid > 0;
        if self.f.sharp && can_backquote(b) {
            // can_backquote guarantees valid UTF-8.
            let s = std::str::from_utf8(b).unwrap_or_default();
            if !self.room(s.len() + 2) {
                return;
            }
            if padded {
                let q = format!("`{s}`");
                self.pad_str(&q);
            } else {
                self.push('`');
                self.buf.push_str(s);
                self.push('`');
            }
            return;
        }
        if !self.room(b.len().saturating_mul(10).saturating_add(2)) {
            return;
        }
        if padded {
            let mut q = String::with_capacity(b.len() + 2);
            append_quoted(&mut q, b, '"', self.f.plus);
            self.pad_str(&q);
        } else {
            append_quoted(self.buf, b, '"', self.f.plus);
        }
    }

    /// `%c`: the integer as a character (U+FFFD when it is none).
    fn fmt_c(&mut self, c: u64) {
        let ch = char_from_u64(c).unwrap_or('\u{FFFD}');
        let mut tmp = [0u8; 4];
        let s = ch.encode_utf8(&mut tmp);
        self.pad_str(s);
    }

    /// `%q` of an integer: a Go character literal.
    fn fmt_qc(&mut self, c: u64) {
        let ch = char_from_u64(c).unwrap_or('\u{FFFD}');
        let mut q = String::with_capacity(12);
        q.push('\'');
        append_escaped_rune(&mut q, ch, '\'', self.f.plus);
        q.push('\'');
        self.pad_str(&q);
    }

    /// Go's `fmtFloat`: `v` in strconv format `verb` with default precision
    /// `prec`, then sign, `#`, zero padding and width.
    fn fmt_float(&mut self, v: f64, verb: u8, prec: i64) {
        let prec = if self.f.prec_present {
            self.prec as i64
        } else {
            prec
        };
        if !self.room(
            (prec.max(0) as usize)
                .saturating_add(self.wid)
                .saturating_add(32),
        ) {
            return;
        }
        // num[0] is reserved for the sign.
        let mut num: Vec<u8> = Vec::with_capacity(32);
        num.push(b'+');
        append_float(&mut num, v, verb, prec);
        if num.len() < 2 {
            // strconv always produces something; keep the indexing below safe.
            num.push(b'0');
        }
        if num[1] == b'-' || num[1] == b'+' {
            num.remove(0);
        } else {
            num[0] = b'+';
        }
        // A space instead of a plus sign, unless + was asked for.
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        // Infinities and NaN are not numbers to zero-pad.
        if num[1] == b'I' || num[1] == b'N' {
            let old_zero = self.f.zero;
            self.f.zero = false;
            let start = usize::from(num[1] == b'N' && !self.f.space && !self.f.plus);
            self.pad_str(ascii(&num[start..]));
            self.f.zero = old_zero;
            return;
        }
        // `#` forces a decimal point and keeps trailing zeros of %g.
        if self.f.sharp && verb != b'b' {
            let mut digits: i64 = match verb {
                b'v' | b'g' | b'G' | b'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                    }
                    c => {
                        // Go counts every other byte, the `x` of `0x` too.
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                // A lone leading 0 counts as one digit.
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        if self.f.plus || num[0] != b'+' {
            // With zero padding the sign goes before the zeros.
            if self.f.zero && !self.f.minus && self.f.wid_present && self.wid > num.len() {
                self.push(num[0] as char);
                self.write_padding(self.wid - num.len());
                self.push_str(ascii(&num[1..]));
                return;
            }
            self.pad_str(ascii(&num));
            return;
        }
        self.pad_str(ascii(&num[1..]));
    }

    // ---- fmt/print.go -------------------------------------------------

    /// Go's `badVerb`: `%!verb(type=value)`, the value printed with `%v` and
    /// the current width and flags (Go keeps them).
    fn bad_verb(&mut self, verb: char, arg: Bad<'_>) {
        self.push_str("%!");
        self.push(verb);
        self.push('(');
        match arg {
            Bad::Nil => self.push_str("<nil>"),
            Bad::Val(v) => {
                let t = v.go_type();
                self.push_str(&t);
                self.push('=');
                self.print_arg(v, 'v');
            }
            Bad::U8(c) => {
                self.push_str("uint8=");
                self.fmt_integer(u64::from(c), 10, false, 'v', LDIGITS);
            }
        }
        self.push(')');
    }

    /// Go's `fmtBool`: `%t` and `%v` only.
    fn fmt_bool(&mut self, v: bool, verb: char, arg: Bad<'_>) {
        match verb {
            't' | 'v' => self.fmt_boolean(v),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// `0x`-prefixed (or not) hex, as `%#v` of bytes and `%p` print it.
    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(v, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    /// Go's `pp.fmtInteger`: the verbs an integer takes; `signed` is false
    /// only for the bytes of a `[]byte` (Go's `uint8`), which `%#v` prints
    /// in hex.
    fn fmt_int(&mut self, v: u64, signed: bool, verb: char, arg: Bad<'_>) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(v, true),
            'v' | 'd' => {
                if self.plain() && signed {
                    self.write_i64(v as i64);
                } else {
                    self.fmt_integer(v, 10, signed, verb, LDIGITS);
                }
            }
            'b' => self.fmt_integer(v, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(v, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(v, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(v, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(v),
            'q' => self.fmt_qc(v),
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// An integer with no flags: the hot path of `{{ 3 }}` and `%d`.
    fn write_i64(&mut self, v: i64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut u = v.unsigned_abs();
        loop {
            i -= 1;
            buf[i] = b'0' + (u % 10) as u8;
            u /= 10;
            if u == 0 {
                break;
            }
        }
        if v < 0 {
            self.push('-');
        }
        self.push_str(ascii(&buf[i..]));
    }

    /// Go's `pp.fmtComplex`: `(re+imi)`, each part formatted as a float
    /// with the verb, the imaginary part always signed.
    fn fmt_complex(&mut self, re: f64, im: f64, verb: char, arg: Bad<'_>) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.f.plus;
                self.push('(');
                self.fmt_float_verb(re, verb, arg);
                self.f.plus = true;
                self.fmt_float_verb(im, verb, arg);
                self.push_str("i)");
                self.f.plus = old_plus;
            }
            _ => self.bad_verb(verb, arg),
        }
    }

    /// Go's `pp.fmtFloat`: the verbs a float64 takes and their default
    /// precisions (`%v` is shortest `%g`).
    fn fmt_float_verb(&mut self, v: f64, verb: char, arg: Bad<'_>) {
        match verb {
            'v' => {
                if self.plain()
                    && v.fract() == 0.0
                    && v.abs() < 1e6
                    && !(v == 0.0 && v.is_sign_negative())
                {
                    // Shortest %g of an integral float below 1e6 is the
                    // integer itself; skip strconv.
                    self.write_i64(v as i64);
                } else {
                    self.fmt_float(v, b'g', -1);
                }
            }
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(v, verb as u8, 6),
            'F' => self.fmt_float(v, b'f', 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// Go's `pp.fmtString`: `%v` (quoted under `#`), `%s`, `%x`, `%X`, `%q`.
    fn fmt_string(&mut self, s: &str, verb: char, arg: Bad<'_>) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s.as_bytes()),
            'v' | 's' => {
                if self.plain() {
                    self.push_str(s);
                } else {
                    self.fmt_s(s);
                }
            }
            'x' => self.fmt_sbx(s.as_bytes(), LDIGITS),
            'X' => self.fmt_sbx(s.as_bytes(), UDIGITS),
            'q' => self.fmt_q(s.as_bytes()),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// A `[]byte`; `type_name` is `[]byte` at the top level and `[]uint8`
    /// inside a container, as Go's reflection names it there.
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.push_str(type_name);
                    self.push('{');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.push_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.push('}');
                } else {
                    self.push('[');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.push(' ');
                        }
                        self.fmt_integer(u64::from(c), 10, false, verb, LDIGITS);
                    }
                    self.push(']');
                }
            }
            's' => self.fmt_bs(b),
            'x' => self.fmt_sbx(b, LDIGITS),
            'X' => self.fmt_sbx(b, UDIGITS),
            'q' => self.fmt_q(b),
            _ => {
                // Go falls back to printing the slice element by element.
                self.push('[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.push(' ');
                    }
                    self.fmt_int(u64::from(c), false, verb, Bad::U8(c));
                }
                self.push(']');
            }
        }
    }

    /// `%p`: the address of a map, slice or object (see [`FAKE_ADDRESS`]).
    fn fmt_pointer(&mut self, arg: &Value, verb: char) {
        let is_pointer = match arg {
            Value::Map(_) | Value::List(_) | Value::Bytes(_) => true,
            Value::Object(o) => matches!(o.go_kind(), GoKind::Ptr | GoKind::Map | GoKind::Slice),
            _ => false,
        };
        if !is_pointer {
            self.bad_verb(verb, Bad::Val(arg));
            return;
        }
        let sharp = self.f.sharp;
        self.fmt_0x64(FAKE_ADDRESS, !sharp);
    }

    /// Go's `printArg`: one top-level operand.
    fn print_arg(&mut self, arg: &Value, verb: char) {
        if self.stop.is_some() {
            return;
        }
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, Bad::Nil),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.go_type();
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, verb);
                return;
            }
            // %w needs an error value (and Errorf); no template value is one.
            'w' => {
                self.bad_verb(verb, Bad::Val(arg));
                return;
            }
            _ => {}
        }
        self.print_value(arg, verb);
    }

    /// Go's `printValue` for a non-nil operand or element: dispatch on the
    /// kind. Nested nil interfaces print as `<nil>` whatever the verb.
    fn print_value(&mut self, v: &Value, verb: char) {
        let bad = Bad::Val(v);
        match v {
            Value::Nil => {
                if self.f.sharp_v {
                    self.push_str("interface {}(nil)");
                } else {
                    self.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, bad),
            Value::Int(i) | Value::Int64(i) => self.fmt_int(*i as u64, true, verb, bad),
            Value::Float(f) => self.fmt_float_verb(*f, verb, bad),
            Value::Uint8(u) => self.fmt_int(u64::from(*u), false, verb, bad),
            Value::Complex(re, im) => self.fmt_complex(*re, *im, verb, bad),
            Value::String(s) => self.fmt_string(s, verb, bad),
            Value::Bytes(b) => {
                let name = if self.depth == 0 { "[]byte" } else { "[]uint8" };
                self.fmt_bytes(b, verb, name);
            }
            Value::List(l) => self.nested(|p| p.print_list(v, l, verb)),
            Value::Map(m) => self.nested(|p| p.print_map(v, m, verb)),
            Value::Object(o) => self.print_object(v, o.as_ref(), verb),
        }
    }

    /// Runs `f` one container level deeper, on a grown stack if needed,
    /// stopping at [`MAX_VALUE_DEPTH`].
    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_VALUE_DEPTH {
            self.stop = Some(Stop::TooDeep);
            return;
        }
        self.depth += 1;
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        self.depth -= 1;
    }

    /// A slice: `[a b]`, or in Go syntax `[]T{a, b}`.
    fn print_list(&mut self, v: &Value, l: &List, verb: char) {
        if self.f.sharp_v {
            let t = v.go_type();
            self.push_str(&t);
            self.push('{');
            for (i, item) in l.items().iter().enumerate() {
                if i > 0 {
                    self.push_str(", ");
                }
                self.print_value(item, verb);
                if self.stop.is_some() {
                    return;
                }
            }
            self.push('}');
        } else {
            self.push('[');
            for (i, item) in l.items().iter().enumerate() {
                if i > 0 {
                    self.push(' ');
                }
                self.print_value(item, verb);
                if self.stop.is_some() {
                    return;
                }
            }
            self.push(']');
        }
    }

    /// A map in key order (Go's `fmtsort` orders string keys bytewise, as
    /// the `BTreeMap` does): `map[k:v]`, or `map[string]T{"k":v}`. Keys get
    /// the verb too, so `%d` of a map reports each key as a bad string.
    fn print_map(&mut self, v: &Value, m: &Map, verb: char) {
        // A snapshot, so that a map containing itself does not re-enter its
        // own lock while we recurse.
        let entries = m.entries();
        if self.f.sharp_v {
            let t = v.go_type();
            self.push_str(&t);
            self.push('{');
        } else {
            self.push_str("map[");
        }
        for (i, (k, val)) in entries.iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.push_str(", ");
                } else {
                    self.push(' ');
                }
            }
            let key = Value::String(k.clone());
            self.fmt_string(k, verb, Bad::Val(&key));
            self.push(':');
            self.print_value(val, verb);
            if self.stop.is_some() {
                return;
            }
        }
        self.push(if self.f.sharp_v { '}' } else { ']' });
    }

    /// A host object, treated as a Go `Stringer` whose `String()` is
    /// [`Object::fmt_go`] (`%+v` asks for the field-named form): the string
    /// verbs format that text, `%#v` prints `fmt_go(true)` as is, and other
    /// verbs report a bad verb. Go would print struct fields one by one for
    /// objects without a `String` method; we cannot see fields generically.
    fn print_object(&mut self, v: &Value, o: &dyn Object, verb: char) {
        match verb {
            'v' if self.f.sharp_v => {
                let s = o.fmt_go(true);
                self.fmt_s(&s);
            }
            'v' | 's' | 'x' | 'X' | 'q' => {
                let s = o.fmt_go(self.f.plus_v);
                self.fmt_string(&s, verb, Bad::Val(v));
            }
            _ => self.bad_verb(verb, Bad::Val(v)),
        }
    }

    /// What `{{ v }}` prints.
    fn print_template_value(&mut self, v: &Value) {
        match v {
            Value::Nil => self.push_str("<no value>"),
            Value::String(s) => self.push_str(s),
            _ => self.print_arg(v, 'v'),
        }
    }

    /// Go's `doPrintf`.
    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format: while i < end {
            if self.stop.is_some() {
                return;
            }
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                // `lasti` and `i` sit at a verb's end or at a '%': char boundaries.
                self.push_str(format.get(lasti..i).unwrap_or_default());
            }
            if i >= end {
                break;
            }
            i += 1; // the '%'

            self.clear_flags();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    c => {
                        // Fast path: flags and a lower-case verb, nothing else.
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' || c == b'w' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }

            // An explicit argument index?
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());

            // Width.
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    // A negative width pads on the right, never with zeros.
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.wid = w.unsigned_abs() as usize;
                after_index = false;
            } else {
                let (w, ok, next) = parse_num(fb, i, end);
                self.wid = w;
                self.f.wid_present = ok;
                i = next;
                if after_index && ok {
                    // "%[3]2d"
                    self.good_arg_num = false;
                }
            }

            // Precision.
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    // "%[3].2d"
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    // A negative precision makes no sense.
                    if p < 0 || !ok {
                        self.prec = 0;
                        self.f.prec_present = false;
                        self.push_str("%!(BADPREC)");
                    } else {
                        self.prec = p as usize;
                        self.f.prec_present = true;
                    }
                    after_index = false;
                } else {
                    let (p, ok, next) = parse_num(fb, i, end);
                    i = next;
                    // "%.d" means precision 0.
                    self.prec = if ok { p } else { 0 };
                    self.f.prec_present = true;
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fb, i, args.len());
            }

            if i >= end {
                self.push_str("%!(NOVERB)");
                break;
            }

            // `i` only ever moved over ASCII, so it is on a char boundary.
            let verb = format
                .get(i..)
                .and_then(|s| s.chars().next())
                .unwrap_or('\u{FFFD}');
            i += verb.len_utf8();

            if verb == '%' {
                // A literal percent takes no operand and ignores width.
                self.push('%');
            } else if !self.good_arg_num {
                self.push_str("%!");
                self.push(verb);
                self.push_str("(BADINDEX)");
            } else if arg_num >= args.len() {
                self.push_str("%!");
                self.push(verb);
                self.push_str("(MISSING)");
            } else {
                if verb == 'v' || verb == 'w' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }

        // Unused operands, unless the format reordered them.
        if !self.reordered && arg_num < args.len() {
            self.clear_flags();
            self.push_str("%!(EXTRA ");
            for (i, arg) in args[arg_num..].iter().enumerate() {
                if i > 0 {
                    self.push_str(", ");
                }
                if arg.is_nil() {
                    self.push_str("<nil>");
                } else {
                    let t = arg.go_type();
                    self.push_str(&t);
                    self.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.push(')');
        }
    }

    /// Go's `argNumber`: an explicit `[n]` index at `i`, if any.
    fn arg_number(
        &mut self,
        arg_num: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if i >= fb.len() || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&fb[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    /// Go's `doPrint`.
    fn do_print(&mut self, args: &[Value]) {
        let mut prev_string = false;
        for (n, arg) in args.iter().enumerate() {
            let is_string = is_string_kind(arg);
            if n > 0 && !is_string && !prev_string {
                self.push(' ');
            }
            self.print_arg(arg, 'v');
            prev_string = is_string;
        }
    }

    /// Go's `doPrintln`.
    fn do_println(&mut self, args: &[Value]) {
        for (n, arg) in args.iter().enumerate() {
            if n > 0 {
                self.push(' ');
            }
            self.print_arg(arg, 'v');
        }
        self.push('\n');
    }
}

/// Whether `fmt.Sprint` treats the operand as a string (its reflect kind).
fn is_string_kind(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Object(o) => o.go_kind() == GoKind::String,
        _ => false,
    }
}

/// Go's `parsenum`: a decimal number at `fb[start..end]`. A number that grows
/// past [`TOO_LARGE`] before its last digit is "crazy": Go then reports no
/// number and jumps to the end of the format, which prints `%!(NOVERB)`.
fn parse_num(fb: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut is_num = false;
    let mut i = start;
    while i < end && fb[i].is_ascii_digit() {
        if num > TOO_LARGE {
            return (0, false, end);
        }
        num = num * 10 + i64::from(fb[i] - b'0');
        is_num = true;
        i += 1;
    }
    (num as usize, is_num, i)
}

/// Go's `parseArgNumber`: `[n]` at the start of `fb`, as a 0-based index,
/// the bytes consumed, and whether it parsed.
fn parse_arg_number(fb: &[u8]) -> (i64, usize, bool) {
    if fb.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..fb.len() {
        if fb[i] == b']' {
            let (n, ok, next) = parse_num(fb, 1, i);
            if !ok || next != i {
                return (0, i + 1, false);
            }
            return (n as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// Go's `intFromArg`: the operand at `arg_num` as a `*` width or precision.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(arg) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (num, is_int) = match arg {
        Value::Int(n) | Value::Int64(n) => (*n, true),
        _ => (0, false),
    };
    if !(-TOO_LARGE..=TOO_LARGE).contains(&num) {
        return (0, false, arg_num + 1);
    }
    (num, is_int, arg_num + 1)
}

/// Appends `n` copies of `b`, which is `b' '` or `b'0'`, a chunk at a time
/// (widths reach ten million).
fn push_repeated(buf: &mut String, b: u8, n: usize) {
    const SPACES: &str = "                                                                ";
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    let chunk = if b == b'0' { ZEROS } else { SPACES };
    buf.reserve(n);
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len());
        buf.push_str(&chunk[..k]);
        left -= k;
    }
}

/// The text of ASCII bytes we produced ourselves.
fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// Runes in `s` (Go's `utf8.RuneCountInString`).
fn rune_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The integer as a Unicode scalar value, if it is one (Go maps anything
/// else to U+FFFD when printing it as a character).
fn char_from_u64(c: u64) -> Option<char> {
    u32::try_from(c).ok().and_then(char::from_u32)
}

/// The runes of `b` as Go's `utf8.DecodeRune` walks them: a character, or
/// `None` for an invalid byte (always one byte long); with byte lengths.
fn go_runes(b: &[u8]) -> impl Iterator<Item = (Option<char>, usize)> + '_ {
    b.utf8_chunks().flat_map(|chunk| {
        chunk
            .valid()
            .chars()
            .map(|c| (Some(c), c.len_utf8()))
            .chain(chunk.invalid().iter().map(|_| (None, 1)))
    })
}

/// `b` as text with one U+FFFD per invalid byte.
pub(crate) fn lossy_per_byte(b: &[u8]) -> String {
    go_runes(b).map(|(c, _)| c.unwrap_or('\u{FFFD}')).collect()
}

/// Go's `strconv.CanBackquote`: no control characters but tab, no backquote,
/// no DEL, no byte-order mark, valid UTF-8.
pub(crate) fn can_backquote(b: &[u8]) -> bool {
    go_runes(b).all(|(c, _)| match c {
        None | Some('\u{FEFF}') | Some('`') | Some('\u{7F}') => false,
        Some(c) => c >= ' ' || c == '\t',
    })
}

/// Go's `strconv.appendQuotedWith`: `b` between `quote`s, escaped; invalid
/// bytes as `\xHH`; `ascii_only` escapes everything outside printable ASCII.
fn append_quoted(out: &mut String, b: &[u8], quote: char, ascii_only: bool) {
    out.reserve(b.len() + 2);
    out.push(quote);
    // `quote` is `"` or `'`; anything else would only slow the fast path.
    let q = u8::try_from(quote).unwrap_or(b'"');
    for chunk in b.utf8_chunks() {
        let s = chunk.valid();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Copy a run of printable ASCII that needs no escape in one go.
            let start = i;
            while i < bytes.len()
                && (0x20..0x7F).contains(&bytes[i])
                && bytes[i] != q
                && bytes[i] != b'\\'
            {
                i += 1;
            }
            out.push_str(&s[start..i]);
            // `i` follows ASCII bytes, so it is on a char boundary.
            if let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) {
                append_escaped_rune(out, c, quote, ascii_only);
                i += c.len_utf8();
            }
        }
        for &byte in chunk.invalid() {
            out.push_str("\\x");
            out.push(LDIGITS[(byte >> 4) as usize] as char);
            out.push(LDIGITS[(byte & 0xF) as usize] as char);
        }
    }
    out.push(quote);
}

/// Go's `strconv.appendEscapedRune`.
fn append_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    let u = r as u32;
    let (prefix, ndigits) = match r {
        '\x07' => return out.push_str("\\a"),
        '\x08' => return out.push_str("\\b"),
        '\x0c' => return out.push_str("\\f"),
        '\n' => return out.push_str("\\n"),
        '\r' => return out.push_str("\\r"),
        '\t' => return out.push_str("\\t"),
        '\x0b' => return out.push_str("\\v"),
        _ if u < 0x20 || u == 0x7F => ("\\x", 2),
        _ if u < 0x10000 => ("\\u", 4),
        _ => ("\\U", 8),
    };
    out.push_str(prefix);
    for k in (0..ndigits).rev() {
        out.push(LDIGITS[((u >> (4 * k)) & 0xF) as usize] as char);
    }
}

/// Code points that the Rust standard library (Unicode 17) treats as
/// printable but Go 1.26 (Unicode 15.0) does not, because they were assigned
/// in Unicode 16 or 17. Inclusive ranges, sorted.
///
/// Derived from the oracle, not from a Unicode table: every code point was
/// run through Helm's `printf "%q"` and compared with Rust's
/// `str::escape_debug`; these 90 ranges are the whole difference (no code
/// point is printable in Go but not in Rust). The test
/// `unicode_version_tripwire` fails when a new toolchain moves to a Unicode
/// version this table does not account for.
const NEWER_THAN_GO: &[(u32, u32)] = &[
    (0x88f, 0x88f),
    (0x897, 0x897),
    (0xc5c, 0xc5c),
    (0xcdc, 0xcdc),
    (0x1acf, 0x1add),
    (0x1ae0, 0x1aeb),
    (0x1b4e, 0x1b4f),
    (0x1b7f, 0x1b7f),
    (0x1c89, 0x1c8a),
    (0x20c1, 0x20c1),
    (0x2427, 0x2429),
    (0x2b96, 0x2b96),
    (0x2ffc, 0x2fff),
    (0x31e4, 0x31e5),
    (0x31ef, 0x31ef),
    (0xa7cb, 0xa7cf),
    (0xa7d2, 0xa7d2),
    (0xa7d4, 0xa7d4),
    (0xa7da, 0xa7dc),
    (0xa7f1, 0xa7f1),
    (0xfbc3, 0xfbd2),
    (0xfd90, 0xfd91),
    (0xfdc8, 0xfdce),
    (0x105c0, 0x105f3),
    (0x10940, 0x10959),
    (0x10d40, 0x10d65),
    (0x10d69, 0x10d85),
    (0x10d8e, 0x10d8f),
    (0x10ec2, 0x10ec7),
    (0x10ed0, 0x10ed8),
    (0x10efa, 0x10efc),
    (0x11380, 0x11389),
    (0x1138b, 0x1138b),
    (0x1138e, 0x1138e),
    (0x11390, 0x113b5),
    (0x113b7, 0x113c0),
    (0x113c2, 0x113c2),
    (0x113c5, 0x113c5),
    (0x113c7, 0x113ca),
    (0x113cc, 0x113d5),
    (0x113d7, 0x113d8),
    (0x113e1, 0x113e2),
    (0x116d0, 0x116e3),
    (0x11b60, 0x11b67),
    (0x11bc0, 0x11be1),
    (0x11bf0, 0x11bf9),
    (0x11db0, 0x11ddb),
    (0x11de0, 0x11de9),
    (0x11f5a, 0x11f5a),
    (0x13460, 0x143fa),
    (0x16100, 0x16139),
    (0x16d40, 0x16d79),
    (0x16ea0, 0x16eb8),
    (0x16ebb, 0x16ed3),
    (0x16ff2, 0x16ff6),
    (0x187f8, 0x187ff),
    (0x18cff, 0x18cff),
    (0x18d09, 0x18d1e),
    (0x18d80, 0x18df2),
    (0x1cc00, 0x1ccfc),
    (0x1cd00, 0x1ceb3),
    (0x1ceba, 0x1ced0),
    (0x1cee0, 0x1cef0),
    (0x1e5d0, 0x1e5fa),
    (0x1e5ff, 0x1e5ff),
    (0x1e6c0, 0x1e6de),
    (0x1e6e0, 0x1e6f5),
    (0x1e6fe, 0x1e6ff),
    (0x1f6d8, 0x1f6d8),
    (0x1f777, 0x1f77a),
    (0x1f8b2, 0x1f8bb),
    (0x1f8c0, 0x1f8c1),
    (0x1f8d0, 0x1f8d8),
    (0x1fa54, 0x1fa57),
    (0x1fa89, 0x1fa8a),
    (0x1fa8e, 0x1fa8f),
    (0x1fabe, 0x1fabe),
    (0x1fac6, 0x1fac6),
    (0x1fac8, 0x1fac8),
    (0x1facd, 0x1facd),
    (0x1fadc, 0x1fadc),
    (0x1fadf, 0x1fadf),
    (0x1fae9, 0x1faea),
    (0x1faef, 0x1faef),
    (0x1fbcb, 0x1fbef),
    (0x1fbfa, 0x1fbfa),
    (0x2b73a, 0x2b73f),
    (0x2cea2, 0x2cead),
    (0x2ebf0, 0x2ee5d),
    (0x323b0, 0x33479),
];

/// Go's `strconv.IsPrint` (and `unicode.IsPrint`): letters, marks, numbers,
/// punctuation, symbols and the ASCII space, as of Unicode 15.0.
///
/// Rust's `escape_debug` escapes exactly the non-printable characters by the
/// same definition (categories Cc Cf Cs Co Cn Zl Zp Zs but the space); after
/// the first character it leaves grapheme extenders alone, hence the `a`
/// in front. Characters newer than Go's tables are removed by
/// [`NEWER_THAN_GO`].
pub(crate) fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7F).contains(&u);
    }
    if NEWER_THAN_GO
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
    {
        return false;
    }
    let mut buf = [0u8; 5];
    buf[0] = b'a';
    let n = c.encode_utf8(&mut buf[1..]).len();
    let Ok(s) = std::str::from_utf8(&buf[..=n]) else {
        return false;
    };
    let mut esc = s.escape_debug();
    esc.next(); // the 'a'
    esc.next() == Some(c)
}

/// `strconv.AppendFloat(dst, v, fmt, prec, 64)`; the decimal formats come
/// from [`format_float`], the binary ones (`b`, `x`, `X`) are done here.
fn append_float(dst: &mut Vec<u8>, v: f64, fmt: u8, prec: i64) {
    match fmt {
        b'b' | b'x' | b'X' if !v.is_finite() => {
            dst.extend_from_slice(format_float(v, b'g', -1).as_bytes());
        }
        b'b' => append_float_b(dst, v),
        b'x' | b'X' => append_float_x(dst, v, fmt, prec),
        _ => append_decimal_float(dst, v, fmt, prec),
    }
}

/// The decimal formats (`e E f F g G`) through [`format_float`], with huge
/// precisions made cheap and safe.
///
/// `format_float` builds on Rust's formatter, which rejects precisions above
/// 65535 (a panic), while Go accepts up to about ten million (`%.9999999f`).
/// The exact decimal expansion of a float64 ends within 767 significant
/// digits and 1074 fractional digits, and its exponent within ±324, so
/// beyond the caps below every further digit is a zero: we format at the cap
/// and append the zeros. `%g` trims trailing zeros, so for it the cap alone
/// gives Go's answer.
fn append_decimal_float(dst: &mut Vec<u8>, v: f64, fmt: u8, prec: i64) {
    const CAP_E: i64 = 1000;
    const CAP_F: i64 = 1100;
    const CAP_G: i64 = 800;
    let cap = match fmt {
        b'e' | b'E' => CAP_E,
        b'f' | b'F' => CAP_F,
        _ => CAP_G,
    };
    if prec <= cap || !v.is_finite() {
        let prec = i32::try_from(prec.min(cap)).unwrap_or(-1);
        dst.extend_from_slice(format_float(v, fmt, prec).as_bytes());
        return;
    }
    let s = format_float(v, fmt, cap as i32);
    let zeros = (prec - cap) as usize;
    match fmt {
        b'e' | b'E' => {
            // Zeros go between the digits and the exponent.
            let at = s.rfind(['e', 'E']).unwrap_or(s.len());
            dst.extend_from_slice(&s.as_bytes()[..at]);
            dst.extend(std::iter::repeat_n(b'0', zeros));
            dst.extend_from_slice(&s.as_bytes()[at..]);
        }
        b'f' | b'F' => {
            dst.extend_from_slice(s.as_bytes());
            dst.extend(std::iter::repeat_n(b'0', zeros));
        }
        _ => dst.extend_from_slice(s.as_bytes()),
    }
}

/// The sign, mantissa (with the implicit bit) and unbiased exponent of a
/// finite float, as strconv's `genericFtoa` splits it.
fn float_parts(v: f64) -> (bool, u64, i64) {
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1; // denormal
    } else {
        mant |= 1u64 << 52;
    }
    (neg, mant, exp - 1023)
}

/// strconv's `%b`: `-ddddp±ddd`, the mantissa times a power of two.
fn append_float_b(dst: &mut Vec<u8>, v: f64) {
    let (neg, mant, exp) = float_parts(v);
    if neg {
        dst.push(b'-');
    }
    dst.extend_from_slice(mant.to_string().as_bytes());
    dst.push(b'p');
    let exp = exp - 52;
    if exp >= 0 {
        dst.push(b'+');
    }
    dst.extend_from_slice(exp.to_string().as_bytes());
}

/// strconv's `%x`: `-0x1.yyyyp±dd`, a hex fraction and a binary exponent,
/// rounded (ties to even) when a precision below 15 digits is asked for.
fn append_float_x(dst: &mut Vec<u8>, v: f64, fmt: u8, prec: i64) {
    let (neg, mut mant, mut exp) = float_parts(v);
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = mant.wrapping_shl(shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            // Rounding carried into a new leading digit.
            mant >>= 1;
            exp += 1;
        }
    }
    let hex = if fmt == b'X' { UDIGITS } else { LDIGITS };
    if neg {
        dst.push(b'-');
    }
    dst.push(b'0');
    dst.push(fmt);
    dst.push(b'0' + ((mant >> 60) & 1) as u8);
    mant <<= 4; // drop the leading digit
    if prec < 0 && mant != 0 {
        dst.push(b'.');
        while mant != 0 {
            dst.push(hex[((mant >> 60) & 15) as usize]);
            mant <<= 4;
        }
    } else if prec > 0 {
        dst.push(b'.');
        for _ in 0..prec {
            dst.push(hex[((mant >> 60) & 15) as usize]);
            mant <<= 4;
        }
    }
    dst.push(if fmt == b'X' { b'P' } else { b'p' });
    if exp < 0 {
        dst.push(b'-');
        exp = -exp;
    } else {
        dst.push(b'+');
    }
    if exp < 10 {
        dst.push(b'0');
    }
    dst.extend_from_slice(exp.to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    //! Every expected string below is what Helm v4.2.3 printed for the
    //! template in the comment above it (rendered with the helm-oracle
    //! tool). `(.Files.GetBytes "files/bN.bin")` stands for a `[]byte` whose
    //! content is the byte string of the Rust side. The limit tests at the
    //! end are the exception: Go has no such limits, so they say what we do.

    use super::*;
    use crate::value::{ElemType, List};
    use std::sync::Arc;

    /// What `{{ v }}` writes.
    fn pv(v: &Value) -> String {
        let mut s = String::new();
        print_value(&mut s, v);
        s
    }

    #[test]
    fn verbs_basic() {
        // {{ printf "%v|%d|%s" 42 -7 "hi" }}
        assert_eq!(
            sprintf(
                "%v|%d|%s",
                &[Value::Int(42), Value::Int(-7), Value::from("hi")]
            ),
            "42|-7|hi"
        );
        // {{ printf "%5.2f|%-8q|%x" 3.24159 "hi" "hi" }}
        assert_eq!(
            sprintf(
                "%5.2f|%-8q|%x",
                &[Value::Float(3.24159), Value::from("hi"), Value::from("hi")]
            ),
            " 3.24|\"hi\"    |6869"
        );
        // {{ printf "%t %v" true false }}
        assert_eq!(
            sprintf("%t %v", &[Value::Bool(true), Value::Bool(false)]),
            "true false"
        );
        // {{ printf "%v" nil }}
        assert_eq!(sprintf("%v", &[Value::Nil]), "<nil>");
        // {{ printf "%s" nil }}
        assert_eq!(sprintf("%s", &[Value::Nil]), "%!s(<nil>)");
        // {{ printf "%d" nil }}
        assert_eq!(sprintf("%d", &[Value::Nil]), "%!d(<nil>)");
        // {{ printf "%T" nil }}
        assert_eq!(sprintf("%T", &[Value::Nil]), "<nil>");
        // {{ printf "%T|%T|%T|%T|%T" 1 (int64 1) 1.5 "a" true }}
        assert_eq!(
            sprintf(
                "%T|%T|%T|%T|%T",
                &[
                    Value::Int(1),
                    Value::Int64(1),
                    Value::Float(1.5),
                    Value::from("a"),
                    Value::Bool(true)
                ]
            ),
            "int|int64|float64|string|bool"
        );
        // {{ printf "%T|%T|%T|%T" (list 1) (toStrings (list "a")) (until 2) (dict "a" 1) }}
        assert_eq!(
            sprintf(
                "%T|%T|%T|%T",
                &[
                    Value::list(vec![Value::Int(1)]),
                    Value::List(List::typed(ElemType::String, vec![Value::from("a")])),
                    Value::List(List::typed(
                        ElemType::Int,
                        vec![Value::Int(0), Value::Int(1)]
                    )),
                    Value::from_iter([("a", Value::Int(1))])
                ]
            ),
            "[]interface {}|[]string|[]int|map[string]interface {}"
        );
        // {{ printf "%T" (.Files.GetBytes "files/b1.bin") }}
        assert_eq!(
            sprintf("%T", &[Value::Bytes(Arc::from(&b"hi"[..]))]),
            "[]uint8"
        );
        // {{ printf "%%|%5%|%-%"  }}
        assert_eq!(sprintf("%%|%5%|%-%", &[]), "%|%|%");
        // {{ printf "%v %v" (int64 -9223372036854775808) 9223372036854775807 }}
        assert_eq!(
            sprintf(
                "%v %v",
                &[
                    Value::Int64(-9223372036854775808),
                    Value::Int(9223372036854775807)
                ]
            ),
            "-9223372036854775808 9223372036854775807"
        );
        // {{ printf "%x %X %o %O %b" 255 255 8 8 5 }}
        assert_eq!(
            sprintf(
                "%x %X %o %O %b",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(8),
                    Value::Int(5)
                ]
            ),
            "ff FF 10 0o10 101"
        );
        // {{ printf "%x|%X|%o|%b" -255 -255 -8 -5 }}
        assert_eq!(
            sprintf(
                "%x|%X|%o|%b",
                &[
                    Value::Int(-255),
                    Value::Int(-255),
                    Value::Int(-8),
                    Value::Int(-5)
                ]
            ),
            "-ff|-FF|-10|-101"
        );
        // {{ printf "%#x|%#X|%#o|%#O|%#b" 255 255 8 8 5 }}
        assert_eq!(
            sprintf(
                "%#x|%#X|%#o|%#O|%#b",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(8),
                    Value::Int(5)
                ]
            ),
            "0xff|0XFF|010|0o010|0b101"
        );
        // {{ printf "%#o|%#.3o|%#o" 0 8 -8 }}
        assert_eq!(
            sprintf(
                "%#o|%#.3o|%#o",
                &[Value::Int(0), Value::Int(8), Value::Int(-8)]
            ),
            "0|010|-010"
        );
        // {{ printf "%x" (int64 -9223372036854775808) }}
        assert_eq!(
            sprintf("%x", &[Value::Int64(-9223372036854775808)]),
            "-8000000000000000"
        );
        // {{ printf "%d|%+d|% d|%+d|% d" 5 5 5 -5 -5 }}
        assert_eq!(
            sprintf(
                "%d|%+d|% d|%+d|% d",
                &[
                    Value::Int(5),
                    Value::Int(5),
                    Value::Int(5),
                    Value::Int(-5),
                    Value::Int(-5)
                ]
            ),
            "5|+5| 5|-5|-5"
        );
        // {{ printf "%+v|%#v" 5 -5 }}
        assert_eq!(sprintf("%+v|%#v", &[Value::Int(5), Value::Int(-5)]), "5|-5");
    }

    #[test]
    fn width_precision() {
        // {{ printf "[%5d][%-5d][%05d][%-05d]" 42 42 42 42 }}
        assert_eq!(
            sprintf(
                "[%5d][%-5d][%05d][%-05d]",
                &[
                    Value::Int(42),
                    Value::Int(42),
                    Value::Int(42),
                    Value::Int(42)
                ]
            ),
            "[   42][42   ][00042][42   ]"
        );
        // {{ printf "[%05d][%+05d][% 05d]" -42 42 42 }}
        assert_eq!(
            sprintf(
                "[%05d][%+05d][% 05d]",
                &[Value::Int(-42), Value::Int(42), Value::Int(42)]
            ),
            "[-0042][+0042][ 0042]"
        );
        // {{ printf "[%.3d][%8.3d][%08.3d][%-8.3d]" 7 7 7 7 }}
        assert_eq!(
            sprintf(
                "[%.3d][%8.3d][%08.3d][%-8.3d]",
                &[Value::Int(7), Value::Int(7), Value::Int(7), Value::Int(7)]
            ),
            "[007][     007][     007][007     ]"
        );
        // {{ printf "[%.0d][%5.0d][%.0d]" 0 0 1 }}
        assert_eq!(
            sprintf(
                "[%.0d][%5.0d][%.0d]",
                &[Value::Int(0), Value::Int(0), Value::Int(1)]
            ),
            "[][     ][1]"
        );
        // {{ printf "[%#08x][%#-8x][%08b]" 255 255 5 }}
        assert_eq!(
            sprintf(
                "[%#08x][%#-8x][%08b]",
                &[Value::Int(255), Value::Int(255), Value::Int(5)]
            ),
            "[0x000000ff][0xff    ][00000101]"
        );
        // {{ printf "[%6s][%-6s][%06s][%-06s]" "ab" "ab" "ab" "ab" }}
        assert_eq!(
            sprintf(
                "[%6s][%-6s][%06s][%-06s]",
                &[
                    Value::from("ab"),
                    Value::from("ab"),
                    Value::from("ab"),
                    Value::from("ab")
                ]
            ),
            "[    ab][ab    ][0000ab][ab    ]"
        );
        // {{ printf "[%.2s][%5.1s][%.0s]" "héllo" "héllo" "abc" }}
        assert_eq!(
            sprintf(
                "[%.2s][%5.1s][%.0s]",
                &[
                    Value::from("h\u{e9}llo"),
                    Value::from("h\u{e9}llo"),
                    Value::from("abc")
                ]
            ),
            "[h\u{e9}][    h][]"
        );
        // {{ printf "[%5s][%-5s|]" "日本" "日本" }}
        assert_eq!(
            sprintf(
                "[%5s][%-5s|]",
                &[
                    Value::from("\u{65e5}\u{672c}"),
                    Value::from("\u{65e5}\u{672c}")
                ]
            ),
            "[   \u{65e5}\u{672c}][\u{65e5}\u{672c}   |]"
        );
        // {{ printf "[%*d][%-*d][%*d]" 5 1 5 1 -5 1 }}
        assert_eq!(
            sprintf(
                "[%*d][%-*d][%*d]",
                &[
                    Value::Int(5),
                    Value::Int(1),
                    Value::Int(5),
                    Value::Int(1),
                    Value::Int(-5),
                    Value::Int(1)
                ]
            ),
            "[    1][1    ][1    ]"
        );
        // {{ printf "[%.*f][%*.*f]" 2 3.24159 8 3 2.5 }}
        assert_eq!(
            sprintf(
                "[%.*f][%*.*f]",
                &[
                    Value::Int(2),
                    Value::Float(3.24159),
                    Value::Int(8),
                    Value::Int(3),
                    Value::Float(2.5)
                ]
            ),
            "[3.24][   2.500]"
        );
        // {{ printf "[%*d]" "x" 1 }}
        assert_eq!(
            sprintf("[%*d]", &[Value::from("x"), Value::Int(1)]),
            "[%!(BADWIDTH)1]"
        );
        // {{ printf "[%.*d]" "x" 1 }}
        assert_eq!(
            sprintf("[%.*d]", &[Value::from("x"), Value::Int(1)]),
            "[%!(BADPREC)1]"
        );
        // {{ printf "[%.*d]" -1 1 }}
        assert_eq!(
            sprintf("[%.*d]", &[Value::Int(-1), Value::Int(1)]),
            "[%!(BADPREC)1]"
        );
        // {{ printf "[%*d]" (int64 3) 1 }}
        assert_eq!(sprintf("[%*d]", &[Value::Int64(3), Value::Int(1)]), "[  1]");
        // {{ printf "[%*d]" 1000001 1 }}
        assert_eq!(
            sprintf("[%*d]", &[Value::Int(1000001), Value::Int(1)]),
            "[%!(BADWIDTH)1]"
        );
        // {{ printf "[%.*d]" 1000001 1 }}
        assert_eq!(
            sprintf("[%.*d]", &[Value::Int(1000001), Value::Int(1)]),
            "[%!(BADPREC)1]"
        );
        // {{ printf "[%*d]" -1000001 1 }}
        assert_eq!(
            sprintf("[%*d]", &[Value::Int(-1000001), Value::Int(1)]),
            "[%!(BADWIDTH)1]"
        );
        // {{ printf "[%*d]" 3.0 1 }}
        assert_eq!(
            sprintf("[%*d]", &[Value::Float(3.0), Value::Int(1)]),
            "[%!(BADWIDTH)1]"
        );
        // {{ printf "[%99999999d]|tail" 1 }}
        assert_eq!(
            sprintf("[%99999999d]|tail", &[Value::Int(1)]),
            "[%!(NOVERB)%!(EXTRA int=1)"
        );
        // {{ printf "[%.99999999d]|tail" 1 }}
        assert_eq!(
            sprintf("[%.99999999d]|tail", &[Value::Int(1)]),
            "[%!(NOVERB)%!(EXTRA int=1)"
        );
        // {{ printf "[%.d][%.f][%.s]" 7 2.5 "ab" }}
        assert_eq!(
            sprintf(
                "[%.d][%.f][%.s]",
                &[Value::Int(7), Value::Float(2.5), Value::from("ab")]
            ),
            "[7][2][]"
        );
        // {{ printf "[%.]" 1 }}
        assert_eq!(sprintf("[%.]", &[Value::Int(1)]), "[%!](int=1)");
        // {{ printf "[%-05s][%05q]" "ab" "ab" }}
        assert_eq!(
            sprintf("[%-05s][%05q]", &[Value::from("ab"), Value::from("ab")]),
            "[ab   ][0\"ab\"]"
        );
        // {{ printf "[%08.3f][%-8.3f][%+08.3f][% 8.3f]" 3.24159 3.24159 3.24159 3.24159 }}
        assert_eq!(
            sprintf(
                "[%08.3f][%-8.3f][%+08.3f][% 8.3f]",
                &[
                    Value::Float(3.24159),
                    Value::Float(3.24159),
                    Value::Float(3.24159),
                    Value::Float(3.24159)
                ]
            ),
            "[0003.242][3.242   ][+003.242][   3.242]"
        );
        // {{ printf "[%08.3f][%+.3e][%-+10.2e]" -3.24159 12345.678 12345.678 }}
        assert_eq!(
            sprintf(
                "[%08.3f][%+.3e][%-+10.2e]",
                &[
                    Value::Float(-3.24159),
                    Value::Float(12345.678),
                    Value::Float(12345.678)
                ]
            ),
            "[-003.242][+1.235e+04][+1.23e+04 ]"
        );
        // {{ printf "[%10v][%-10v]" 1000000.0 1000000.0 }}
        assert_eq!(
            sprintf(
                "[%10v][%-10v]",
                &[Value::Float(1000000.0), Value::Float(1000000.0)]
            ),
            "[     1e+06][1e+06     ]"
        );
        // {{ printf "[%6.2v][%.3v][%10.4v]" 3.24159 1234.5678 1.2345e-05 }}
        assert_eq!(
            sprintf(
                "[%6.2v][%.3v][%10.4v]",
                &[
                    Value::Float(3.24159),
                    Value::Float(1234.5678),
                    Value::Float(1.2345e-05)
                ]
            ),
            "[   3.2][1.23e+03][ 1.234e-05]"
        );
        // {{ printf "[%5t][%-6t][%05t]" true false true }}
        assert_eq!(
            sprintf(
                "[%5t][%-6t][%05t]",
                &[Value::Bool(true), Value::Bool(false), Value::Bool(true)]
            ),
            "[ true][false ][0true]"
        );
        // {{ printf "[%5v][%-5v]" nil nil }}
        assert_eq!(
            sprintf("[%5v][%-5v]", &[Value::Nil, Value::Nil]),
            "[<nil>][<nil>]"
        );
        // {{ printf "[%8T][%-8T|][%.2T]" 1 "a" (list ) }}
        assert_eq!(
            sprintf(
                "[%8T][%-8T|][%.2T]",
                &[Value::Int(1), Value::from("a"), Value::list(vec![])]
            ),
            "[     int][string  |][[]]"
        );
    }

    #[test]
    fn floats() {
        // {{ printf "%v %v %v %v %v" 1000000.0 123456.0 1234567.0 1e-05 0.0001 }}
        assert_eq!(
            sprintf(
                "%v %v %v %v %v",
                &[
                    Value::Float(1000000.0),
                    Value::Float(123456.0),
                    Value::Float(1234567.0),
                    Value::Float(1e-05),
                    Value::Float(0.0001)
                ]
            ),
            "1e+06 123456 1.234567e+06 1e-05 0.0001"
        );
        // {{ printf "%v %v %v %v" 1e+21 1e+20 -0.0 0.1 }}
        assert_eq!(
            sprintf(
                "%v %v %v %v",
                &[
                    Value::Float(1e+21),
                    Value::Float(1e+20),
                    Value::Float(-0.0),
                    Value::Float(0.1)
                ]
            ),
            "1e+21 1e+20 -0 0.1"
        );
        // {{ printf "%v %v %v" (float64 "NaN") (float64 "+Inf") (float64 "-Inf") }}
        assert_eq!(
            sprintf(
                "%v %v %v",
                &[
                    Value::Float(f64::NAN),
                    Value::Float(f64::INFINITY),
                    Value::Float(f64::NEG_INFINITY)
                ]
            ),
            "NaN +Inf -Inf"
        );
        // {{ printf "%f %F %e %E" 3.5 3.5 3.5 3.5 }}
        assert_eq!(
            sprintf(
                "%f %F %e %E",
                &[
                    Value::Float(3.5),
                    Value::Float(3.5),
                    Value::Float(3.5),
                    Value::Float(3.5)
                ]
            ),
            "3.500000 3.500000 3.500000e+00 3.500000E+00"
        );
        // {{ printf "%g %G %g %G" 1e-07 1e-07 123456789.0 123456789.0 }}
        assert_eq!(
            sprintf(
                "%g %G %g %G",
                &[
                    Value::Float(1e-07),
                    Value::Float(1e-07),
                    Value::Float(123456789.0),
                    Value::Float(123456789.0)
                ]
            ),
            "1e-07 1E-07 1.23456789e+08 1.23456789E+08"
        );
        // {{ printf "%.3g|%.10g|%.0g|%.1g" 3.24159 3.24159 3.24159 0.0 }}
        assert_eq!(
            sprintf(
                "%.3g|%.10g|%.0g|%.1g",
                &[
                    Value::Float(3.24159),
                    Value::Float(3.24159),
                    Value::Float(3.24159),
                    Value::Float(0.0)
                ]
            ),
            "3.24|3.24159|3|0"
        );
        // {{ printf "%e|%.0e|%.2e|%E" 0.0 1.5 -0.000123 1e+100 }}
        assert_eq!(
            sprintf(
                "%e|%.0e|%.2e|%E",
                &[
                    Value::Float(0.0),
                    Value::Float(1.5),
                    Value::Float(-0.000123),
                    Value::Float(1e+100)
                ]
            ),
            "0.000000e+00|2e+00|-1.23e-04|1.000000E+100"
        );
        // {{ printf "%.0f|%.0f|%.0f|%.1f" 0.5 1.5 2.5 0.25 }}
        assert_eq!(
            sprintf(
                "%.0f|%.0f|%.0f|%.1f",
                &[
                    Value::Float(0.5),
                    Value::Float(1.5),
                    Value::Float(2.5),
                    Value::Float(0.25)
                ]
            ),
            "0|2|2|0.2"
        );
        // {{ printf "%f|%.2f|%.10f" 1e-07 1000000000000000.0 0.3333333333333333 }}
        assert_eq!(
            sprintf(
                "%f|%.2f|%.10f",
                &[
                    Value::Float(1e-07),
                    Value::Float(1000000000000000.0),
                    Value::Float(0.3333333333333333)
                ]
            ),
            "0.000000|1000000000000000.00|0.3333333333"
        );
        // {{ printf "%x|%X|%x|%x" 1.0 1.0 -2.5 0.1 }}
        assert_eq!(
            sprintf(
                "%x|%X|%x|%x",
                &[
                    Value::Float(1.0),
                    Value::Float(1.0),
                    Value::Float(-2.5),
                    Value::Float(0.1)
                ]
            ),
            "0x1p+00|0X1P+00|-0x1.4p+01|0x1.999999999999ap-04"
        );
        // {{ printf "%.2x|%.0x|%.20x|%x" 1.0 1.5 0.1 0.0 }}
        assert_eq!(
            sprintf(
                "%.2x|%.0x|%.20x|%x",
                &[
                    Value::Float(1.0),
                    Value::Float(1.5),
                    Value::Float(0.1),
                    Value::Float(0.0)
                ]
            ),
            "0x1.00p+00|0x1p+01|0x1.999999999999a0000000p-04|0x0p+00"
        );
        // {{ printf "%x|%x" 5e-324 1.7976931348623157e+308 }}
        assert_eq!(
            sprintf(
                "%x|%x",
                &[Value::Float(5e-324), Value::Float(1.7976931348623157e+308)]
            ),
            "0x1p-1074|0x1.fffffffffffffp+1023"
        );
        // {{ printf "%b|%b|%b" 1.0 0.0 -0.1 }}
        assert_eq!(
            sprintf(
                "%b|%b|%b",
                &[Value::Float(1.0), Value::Float(0.0), Value::Float(-0.1)]
            ),
            "4503599627370496p-52|0p-1074|-7205759403792794p-56"
        );
        // {{ printf "%#v|%#v|%#v|%#v" 3.0 1000000.0 0.5 1e-07 }}
        assert_eq!(
            sprintf(
                "%#v|%#v|%#v|%#v",
                &[
                    Value::Float(3.0),
                    Value::Float(1000000.0),
                    Value::Float(0.5),
                    Value::Float(1e-07)
                ]
            ),
            "3|1e+06|0.5|1e-07"
        );
        // {{ printf "%#g|%#g|%#.3g|%#e|%#.0f|%#.0e" 1.0 0.0 100.0 2.0 3.0 3.0 }}
        assert_eq!(
            sprintf(
                "%#g|%#g|%#.3g|%#e|%#.0f|%#.0e",
                &[
                    Value::Float(1.0),
                    Value::Float(0.0),
                    Value::Float(100.0),
                    Value::Float(2.0),
                    Value::Float(3.0),
                    Value::Float(3.0)
                ]
            ),
            "1.00000|0.00000|100.|2.000000e+00|3.|3.e+00"
        );
        // {{ printf "%#x|%#.2x|%#X|%#b" 1.0 1.0 3.0 1.0 }}
        assert_eq!(
            sprintf(
                "%#x|%#.2x|%#X|%#b",
                &[
                    Value::Float(1.0),
                    Value::Float(1.0),
                    Value::Float(3.0),
                    Value::Float(1.0)
                ]
            ),
            "0x1.0000p+00|0x1.00p+00|0X1.8P+01|4503599627370496p-52"
        );
        // {{ printf "%+v|% v|%+f|% f" 1.5 1.5 1.5 -1.5 }}
        assert_eq!(
            sprintf(
                "%+v|% v|%+f|% f",
                &[
                    Value::Float(1.5),
                    Value::Float(1.5),
                    Value::Float(1.5),
                    Value::Float(-1.5)
                ]
            ),
            "1.5| 1.5|+1.500000|-1.500000"
        );
        // {{ printf "[%08v][%-08v][%08f][%+08e]" -1.5 1.5 (float64 "+Inf") (float64 "NaN") }}
        assert_eq!(
            sprintf(
                "[%08v][%-08v][%08f][%+08e]",
                &[
                    Value::Float(-1.5),
                    Value::Float(1.5),
                    Value::Float(f64::INFINITY),
                    Value::Float(f64::NAN)
                ]
            ),
            "[-00001.5][1.5     ][    +Inf][    +NaN]"
        );
        // {{ printf "[%+f][% f][%f][%08f][%-8f]" (float64 "NaN") (float64 "NaN") (float64 "-Inf") (float64 "NaN") (float64 "+Inf") }}
        assert_eq!(
            sprintf(
                "[%+f][% f][%f][%08f][%-8f]",
                &[
                    Value::Float(f64::NAN),
                    Value::Float(f64::NAN),
                    Value::Float(f64::NEG_INFINITY),
                    Value::Float(f64::NAN),
                    Value::Float(f64::INFINITY)
                ]
            ),
            "[+NaN][ NaN][-Inf][     NaN][+Inf    ]"
        );
        // {{ printf "%g|%g|%g" 100000.0 1000000.0 0.0001 }}
        assert_eq!(
            sprintf(
                "%g|%g|%g",
                &[
                    Value::Float(100000.0),
                    Value::Float(1000000.0),
                    Value::Float(0.0001)
                ]
            ),
            "100000|1e+06|0.0001"
        );
        // {{ printf "%v|%v|%v" 123456789012.0 2.5e-08 9007199254740992.0 }}
        assert_eq!(
            sprintf(
                "%v|%v|%v",
                &[
                    Value::Float(123456789012.0),
                    Value::Float(2.5e-08),
                    Value::Float(9007199254740992.0)
                ]
            ),
            "1.23456789012e+11|2.5e-08|9.007199254740992e+15"
        );
        // {{ printf "%d|%s|%c|%q|%t|%U" 8080.0 1.5 65.0 1000000.0 1.0 1.0 }}
        assert_eq!(sprintf("%d|%s|%c|%q|%t|%U", &[Value::Float(8080.0), Value::Float(1.5), Value::Float(65.0), Value::Float(1000000.0), Value::Float(1.0), Value::Float(1.0)]), "%!d(float64=8080)|%!s(float64=1.5)|%!c(float64=65)|%!q(float64=1e+06)|%!t(float64=1)|%!U(float64=1)");
        // {{ printf "%v %v" 999999.0 -999999.0 }}
        assert_eq!(
            sprintf("%v %v", &[Value::Float(999999.0), Value::Float(-999999.0)]),
            "999999 -999999"
        );
        // {{ printf "%.3f|%.3e|%.3g" 2.0005 2.0005 2.0005 }}
        assert_eq!(
            sprintf(
                "%.3f|%.3e|%.3g",
                &[
                    Value::Float(2.0005),
                    Value::Float(2.0005),
                    Value::Float(2.0005)
                ]
            ),
            "2.001|2.001e+00|2"
        );
        // {{ printf "%6.2f|%6.2f" 99.995 -0.001 }}
        assert_eq!(
            sprintf("%6.2f|%6.2f", &[Value::Float(99.995), Value::Float(-0.001)]),
            "100.00| -0.00"
        );
    }

    #[test]
    fn strings_quote() {
        // {{ printf "%q|%+q|%#q" "héllo\n" "héllo\n" "héllo" }}
        assert_eq!(
            sprintf(
                "%q|%+q|%#q",
                &[
                    Value::from("h\u{e9}llo\n"),
                    Value::from("h\u{e9}llo\n"),
                    Value::from("h\u{e9}llo")
                ]
            ),
            "\"h\u{e9}llo\\n\"|\"h\\u00e9llo\\n\"|`h\u{e9}llo`"
        );
        // {{ printf "%#q|%#q|%#q" "a`b" "tab\there" "nl\n" }}
        assert_eq!(
            sprintf(
                "%#q|%#q|%#q",
                &[
                    Value::from("a`b"),
                    Value::from("tab\there"),
                    Value::from("nl\n")
                ]
            ),
            "\"a`b\"|`tab\there`|\"nl\\n\""
        );
        // {{ printf "%q" "\u0000\u0007\b\f\u000b\u001b\"\\'" }}
        assert_eq!(
            sprintf(
                "%q",
                &[Value::from("\u{0}\u{7}\u{8}\u{c}\u{b}\u{7f}\u{1b}\"\\'")]
            ),
            "\"\\x00\\a\\b\\f\\v\\x7f\\x1b\\\"\\\\'\""
        );
        // {{ printf "%q|%+q" "日本語" "日本語" }}
        assert_eq!(
            sprintf(
                "%q|%+q",
                &[
                    Value::from("\u{65e5}\u{672c}\u{8a9e}"),
                    Value::from("\u{65e5}\u{672c}\u{8a9e}")
                ]
            ),
            "\"\u{65e5}\u{672c}\u{8a9e}\"|\"\\u65e5\\u672c\\u8a9e\""
        );
        // {{ printf "%q|%+q" "­ ﻿​" "😀󠀁" }}
        assert_eq!(
            sprintf(
                "%q|%+q",
                &[
                    Value::from("\u{ad}\u{2028}\u{feff}\u{200b}"),
                    Value::from("\u{1f600}\u{e0001}")
                ]
            ),
            "\"\\u00ad\\u2028\\ufeff\\u200b\"|\"\\U0001f600\\U000e0001\""
        );
        // {{ printf "%x|%X|% x|%#x|%# x|%# X" "hi" "hi" "hi" "hi" "hi" "hi" }}
        assert_eq!(
            sprintf(
                "%x|%X|% x|%#x|%# x|%# X",
                &[
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi")
                ]
            ),
            "6869|6869|68 69|0x6869|0x68 0x69|0X68 0X69"
        );
        // {{ printf "[%x][%8x][%-8x|][%08x][%.1x][%5x]" "" "hi" "hi" "hi" "hi" "" }}
        assert_eq!(
            sprintf(
                "[%x][%8x][%-8x|][%08x][%.1x][%5x]",
                &[
                    Value::from(""),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("hi"),
                    Value::from("")
                ]
            ),
            "[][    6869][6869    |][00006869][68][     ]"
        );
        // {{ printf "%x" "日" }}
        assert_eq!(sprintf("%x", &[Value::from("\u{65e5}")]), "e697a5");
        // {{ printf "[%10q][%-10q|][%.2q]" "a" "a" "abc" }}
        assert_eq!(
            sprintf(
                "[%10q][%-10q|][%.2q]",
                &[Value::from("a"), Value::from("a"), Value::from("abc")]
            ),
            "[       \"a\"][\"a\"       |][\"ab\"]"
        );
        // {{ printf "%s|%v|%#v" "a\"b" "a\"b" "a\"b" }}
        assert_eq!(
            sprintf(
                "%s|%v|%#v",
                &[
                    Value::from("a\"b"),
                    Value::from("a\"b"),
                    Value::from("a\"b")
                ]
            ),
            "a\"b|a\"b|\"a\\\"b\""
        );
        // {{ printf "%#v|%#v" "a`b" "" }}
        assert_eq!(
            sprintf("%#v|%#v", &[Value::from("a`b"), Value::from("")]),
            "\"a`b\"|\"\""
        );
        // {{ printf "%d|%t|%c|%e|%U|%b" "hi" "hi" "hi" "hi" "hi" "hi" }}
        assert_eq!(sprintf("%d|%t|%c|%e|%U|%b", &[Value::from("hi"), Value::from("hi"), Value::from("hi"), Value::from("hi"), Value::from("hi"), Value::from("hi")]), "%!d(string=hi)|%!t(string=hi)|%!c(string=hi)|%!e(string=hi)|%!U(string=hi)|%!b(string=hi)");
        // {{ printf "[%5d][%-5t]" "hi" "hi" }}
        assert_eq!(
            sprintf("[%5d][%-5t]", &[Value::from("hi"), Value::from("hi")]),
            "[%!d(string=   hi)][%!t(string=hi   )]"
        );
        // {{ printf "%q|%q" "🫩" "͸" }}
        assert_eq!(
            sprintf("%q|%q", &[Value::from("\u{1fae9}"), Value::from("\u{378}")]),
            "\"\\U0001fae9\"|\"\\u0378\""
        );
        // {{ printf "%+q" "é😀" }}
        assert_eq!(
            sprintf("%+q", &[Value::from("\u{e9}\u{1f600}")]),
            "\"\\u00e9\\U0001f600\""
        );
        // {{ printf "%#+q|%#q" "é" "﻿" }}
        assert_eq!(
            sprintf(
                "%#+q|%#q",
                &[Value::from("\u{e9}"), Value::from("\u{feff}")]
            ),
            "`\u{e9}`|\"\\ufeff\""
        );
    }

    #[test]
    fn chars_ints() {
        // {{ printf "%c|%c|%c|%c" 65 26085 128512 -1 }}
        assert_eq!(
            sprintf(
                "%c|%c|%c|%c",
                &[
                    Value::Int(65),
                    Value::Int(26085),
                    Value::Int(128512),
                    Value::Int(-1)
                ]
            ),
            "A|\u{65e5}|\u{1f600}|\u{fffd}"
        );
        // {{ printf "%c|%c|%c" 55296 1114112 0 }}
        assert_eq!(
            sprintf(
                "%c|%c|%c",
                &[Value::Int(55296), Value::Int(1114112), Value::Int(0)]
            ),
            "\u{fffd}|\u{fffd}|\u{0}"
        );
        // {{ printf "%q|%q|%q|%q|%q" 65 39 34 10 127 }}
        assert_eq!(
            sprintf(
                "%q|%q|%q|%q|%q",
                &[
                    Value::Int(65),
                    Value::Int(39),
                    Value::Int(34),
                    Value::Int(10),
                    Value::Int(127)
                ]
            ),
            "'A'|'\\''|'\"'|'\\n'|'\\x7f'"
        );
        // {{ printf "%q|%+q|%q|%q" 26085 26085 128512 -1 }}
        assert_eq!(
            sprintf(
                "%q|%+q|%q|%q",
                &[
                    Value::Int(26085),
                    Value::Int(26085),
                    Value::Int(128512),
                    Value::Int(-1)
                ]
            ),
            "'\u{65e5}'|'\\u65e5'|'\u{1f600}'|'\u{fffd}'"
        );
        // {{ printf "%q|%q|%+q" 55296 160 128512 }}
        assert_eq!(
            sprintf(
                "%q|%q|%+q",
                &[Value::Int(55296), Value::Int(160), Value::Int(128512)]
            ),
            "'\u{fffd}'|'\\u00a0'|'\\U0001f600'"
        );
        // {{ printf "%U|%#U|%#U|%U|%#U" 65 65 128512 -1 10 }}
        assert_eq!(
            sprintf(
                "%U|%#U|%#U|%U|%#U",
                &[
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(128512),
                    Value::Int(-1),
                    Value::Int(10)
                ]
            ),
            "U+0041|U+0041 'A'|U+1F600 '\u{1f600}'|U+FFFFFFFFFFFFFFFF|U+000A"
        );
        // {{ printf "[%.8U][%10U][%-10U|][%#.6U][%010U]" 65 65 65 65 65 }}
        assert_eq!(
            sprintf(
                "[%.8U][%10U][%-10U|][%#.6U][%010U]",
                &[
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(65)
                ]
            ),
            "[U+00000041][    U+0041][U+0041    |][U+000041 'A'][    U+0041]"
        );
        // {{ printf "[%5c][%-5c|][%05c][%5q]" 65 65 65 65 }}
        assert_eq!(
            sprintf(
                "[%5c][%-5c|][%05c][%5q]",
                &[
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(65),
                    Value::Int(65)
                ]
            ),
            "[    A][A    |][0000A][  'A']"
        );
        // {{ printf "%e|%f|%s|%t|%g" 1 1 1 1 1 }}
        assert_eq!(
            sprintf(
                "%e|%f|%s|%t|%g",
                &[
                    Value::Int(1),
                    Value::Int(1),
                    Value::Int(1),
                    Value::Int(1),
                    Value::Int(1)
                ]
            ),
            "%!e(int=1)|%!f(int=1)|%!s(int=1)|%!t(int=1)|%!g(int=1)"
        );
        // {{ printf "%s|%v" (int64 5) (int64 -5) }}
        assert_eq!(
            sprintf("%s|%v", &[Value::Int64(5), Value::Int64(-5)]),
            "%!s(int64=5)|-5"
        );
        // {{ printf "%#v|%#v|%#x" (int64 5) 5 -1 }}
        assert_eq!(
            sprintf(
                "%#v|%#v|%#x",
                &[Value::Int64(5), Value::Int(5), Value::Int(-1)]
            ),
            "5|5|-0x1"
        );
        // {{ printf "%O|%#O|%O" 8 8 -8 }}
        assert_eq!(
            sprintf("%O|%#O|%O", &[Value::Int(8), Value::Int(8), Value::Int(-8)]),
            "0o10|0o010|-0o10"
        );
        // {{ printf "%+x|% x|%+#x|% #o" 255 255 255 8 }}
        assert_eq!(
            sprintf(
                "%+x|% x|%+#x|% #o",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8)
                ]
            ),
            "+ff| ff|+0xff| 010"
        );
        // {{ printf "%d" (int64 9223372036854775807) }}
        assert_eq!(
            sprintf("%d", &[Value::Int64(9223372036854775807)]),
            "9223372036854775807"
        );
        // {{ printf "%b|%o|%X" (int64 -9223372036854775808) (int64 -9223372036854775808) (int64 -9223372036854775808) }}
        assert_eq!(sprintf("%b|%o|%X", &[Value::Int64(-9223372036854775808), Value::Int64(-9223372036854775808), Value::Int64(-9223372036854775808)]), "-1000000000000000000000000000000000000000000000000000000000000000|-1000000000000000000000|-8000000000000000");
    }

    #[test]
    fn errors_args() {
        // {{ printf "%d" "hi" }}
        assert_eq!(sprintf("%d", &[Value::from("hi")]), "%!d(string=hi)");
        // {{ printf "%d" 8080.0 }}
        assert_eq!(sprintf("%d", &[Value::Float(8080.0)]), "%!d(float64=8080)");
        // {{ printf "%d" 1000000.0 }}
        assert_eq!(
            sprintf("%d", &[Value::Float(1000000.0)]),
            "%!d(float64=1e+06)"
        );
        // {{ printf "%d %d" 1 }}
        assert_eq!(sprintf("%d %d", &[Value::Int(1)]), "1 %!d(MISSING)");
        // {{ printf "%d" 1 2 }}
        assert_eq!(
            sprintf("%d", &[Value::Int(1), Value::Int(2)]),
            "1%!(EXTRA int=2)"
        );
        // {{ printf "%d" 1 "x" nil 1.5 }}
        assert_eq!(
            sprintf(
                "%d",
                &[
                    Value::Int(1),
                    Value::from("x"),
                    Value::Nil,
                    Value::Float(1.5)
                ]
            ),
            "1%!(EXTRA string=x, <nil>, float64=1.5)"
        );
        // {{ printf "hi" 1 }}
        assert_eq!(sprintf("hi", &[Value::Int(1)]), "hi%!(EXTRA int=1)");
        // {{ printf "%d %s" 1 (list 1) (dict "a" 1) }}
        assert_eq!(
            sprintf(
                "%d %s",
                &[
                    Value::Int(1),
                    Value::list(vec![Value::Int(1)]),
                    Value::from_iter([("a", Value::Int(1))])
                ]
            ),
            "1 [%!s(int=1)]%!(EXTRA map[string]interface {}=map[a:1])"
        );
        // {{ printf "%!" 1 }}
        assert_eq!(sprintf("%!", &[Value::Int(1)]), "%!!(int=1)");
        // {{ printf "abc%" 1 }}
        assert_eq!(
            sprintf("abc%", &[Value::Int(1)]),
            "abc%!(NOVERB)%!(EXTRA int=1)"
        );
        // {{ printf "abc%"  }}
        assert_eq!(sprintf("abc%", &[]), "abc%!(NOVERB)");
        // {{ printf "%-" 1 }}
        assert_eq!(sprintf("%-", &[Value::Int(1)]), "%!(NOVERB)%!(EXTRA int=1)");
        // {{ printf "%z|%ä" 1 1 }}
        assert_eq!(
            sprintf("%z|%\u{e4}", &[Value::Int(1), Value::Int(1)]),
            "%!z(int=1)|%!\u{e4}(int=1)"
        );
        // {{ printf "%[2]d %[1]d" 1 2 }}
        assert_eq!(
            sprintf("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)]),
            "2 1"
        );
        // {{ printf "%[2]d %d" 1 2 3 }}
        assert_eq!(
            sprintf("%[2]d %d", &[Value::Int(1), Value::Int(2), Value::Int(3)]),
            "2 3"
        );
        // {{ printf "%[3]d" 1 2 }}
        assert_eq!(
            sprintf("%[3]d", &[Value::Int(1), Value::Int(2)]),
            "%!d(BADINDEX)"
        );
        // {{ printf "%[0]d" 1 }}
        assert_eq!(sprintf("%[0]d", &[Value::Int(1)]), "%!d(BADINDEX)");
        // {{ printf "%[x]d|%[1]d" 1 }}
        assert_eq!(sprintf("%[x]d|%[1]d", &[Value::Int(1)]), "%!d(BADINDEX)|1");
        // {{ printf "%[1]*d|%[1]*d" 3 4 }}
        assert_eq!(
            sprintf("%[1]*d|%[1]*d", &[Value::Int(3), Value::Int(4)]),
            "  4|  4"
        );
        // {{ printf "%[2]*[1]d" 12 5 }}
        assert_eq!(
            sprintf("%[2]*[1]d", &[Value::Int(12), Value::Int(5)]),
            "   12"
        );
        // {{ printf "%[3]*.[2]*[1]f" 12.0 2 6 }}
        assert_eq!(
            sprintf(
                "%[3]*.[2]*[1]f",
                &[Value::Float(12.0), Value::Int(2), Value::Int(6)]
            ),
            " 12.00"
        );
        // {{ printf "%.[2]d" 1 2 }}
        assert_eq!(sprintf("%.[2]d", &[Value::Int(1), Value::Int(2)]), "2");
        // {{ printf "%[1]2d" 1 }}
        assert_eq!(sprintf("%[1]2d", &[Value::Int(1)]), "%!d(BADINDEX)");
        // {{ printf "%[1].2d" 1 }}
        assert_eq!(sprintf("%[1].2d", &[Value::Int(1)]), "%!d(BADINDEX)");
        // {{ printf "%[5]d|%d" 1 }}
        assert_eq!(sprintf("%[5]d|%d", &[Value::Int(1)]), "%!d(BADINDEX)|1");
        // {{ printf "%[1]d %[1]d" 7 }}
        assert_eq!(sprintf("%[1]d %[1]d", &[Value::Int(7)]), "7 7");
        // {{ printf "%[2]d%!(" 1 }}
        assert_eq!(
            sprintf("%[2]d%!(", &[Value::Int(1)]),
            "%!d(BADINDEX)%!!(int=1)("
        );
        // {{ printf "%[" 1 }}
        assert_eq!(sprintf("%[", &[Value::Int(1)]), "%!(NOVERB)");
        // {{ printf "%[1" 1 }}
        assert_eq!(sprintf("%[1", &[Value::Int(1)]), "%!(NOVERB)");
        // {{ printf "%d%[1]" 1 }}
        assert_eq!(sprintf("%d%[1]", &[Value::Int(1)]), "1%!(NOVERB)");
        // {{ printf "%w" 1 }}
        assert_eq!(sprintf("%w", &[Value::Int(1)]), "%!w(int=1)");
        // {{ printf "%w" nil }}
        assert_eq!(sprintf("%w", &[Value::Nil]), "%!w(<nil>)");
        // {{ printf "%#w" "s" }}
        assert_eq!(sprintf("%#w", &[Value::from("s")]), "%!w(string=\"s\")");
        // {{ printf "%!d(%d)" 1 2 }}
        assert_eq!(
            sprintf("%!d(%d)", &[Value::Int(1), Value::Int(2)]),
            "%!!(int=1)d(2)"
        );
        // {{ printf "%v %v" nil nil }}
        assert_eq!(sprintf("%v %v", &[Value::Nil, Value::Nil]), "<nil> <nil>");
        // {{ printf "%s %d" nil 1 nil }}
        assert_eq!(
            sprintf("%s %d", &[Value::Nil, Value::Int(1), Value::Nil]),
            "%!s(<nil>) 1%!(EXTRA <nil>)"
        );
    }

    #[test]
    fn composites() {
        // {{ printf "%v|%d|%s" (list 1 2) (list 1 2) (list 1 2) }}
        assert_eq!(
            sprintf(
                "%v|%d|%s",
                &[
                    Value::list(vec![Value::Int(1), Value::Int(2)]),
                    Value::list(vec![Value::Int(1), Value::Int(2)]),
                    Value::list(vec![Value::Int(1), Value::Int(2)])
                ]
            ),
            "[1 2]|[1 2]|[%!s(int=1) %!s(int=2)]"
        );
        // {{ printf "%q|%v|%s" (list "a" "b") (list "a" "b") (toStrings (list "a" "b")) }}
        assert_eq!(
            sprintf(
                "%q|%v|%s",
                &[
                    Value::list(vec![Value::from("a"), Value::from("b")]),
                    Value::list(vec![Value::from("a"), Value::from("b")]),
                    Value::List(List::typed(
                        ElemType::String,
                        vec![Value::from("a"), Value::from("b")]
                    ))
                ]
            ),
            "[\"a\" \"b\"]|[a b]|[a b]"
        );
        // {{ printf "%x|%X|% x" (list "hi" "jk") (toStrings (list "hi")) (list 255 "ab") }}
        assert_eq!(
            sprintf(
                "%x|%X|% x",
                &[
                    Value::list(vec![Value::from("hi"), Value::from("jk")]),
                    Value::List(List::typed(ElemType::String, vec![Value::from("hi")])),
                    Value::list(vec![Value::Int(255), Value::from("ab")])
                ]
            ),
            "[6869 6a6b]|[6869]|[ ff 61 62]"
        );
        // {{ printf "%v|%d" (dict "b" 2 "a" 1) (dict "a" 1) }}
        assert_eq!(
            sprintf(
                "%v|%d",
                &[
                    Value::from_iter([("b", Value::Int(2)), ("a", Value::Int(1))]),
                    Value::from_iter([("a", Value::Int(1))])
                ]
            ),
            "map[a:1 b:2]|map[%!d(string=a):1]"
        );
        // {{ printf "%s|%q" (dict "a" "x") (dict "a" "x") }}
        assert_eq!(
            sprintf(
                "%s|%q",
                &[
                    Value::from_iter([("a", Value::from("x"))]),
                    Value::from_iter([("a", Value::from("x"))])
                ]
            ),
            "map[a:x]|map[\"a\":\"x\"]"
        );
        // {{ printf "%+v|%#v" (dict "a" 1 "b" "x") (dict "a" 1 "b" "x") }}
        assert_eq!(
            sprintf(
                "%+v|%#v",
                &[
                    Value::from_iter([("a", Value::Int(1)), ("b", Value::from("x"))]),
                    Value::from_iter([("a", Value::Int(1)), ("b", Value::from("x"))])
                ]
            ),
            "map[a:1 b:x]|map[string]interface {}{\"a\":1, \"b\":\"x\"}"
        );
        // {{ printf "%#v|%#v|%#v" (list "a" 1) (toStrings (list "a" "b")) (until 3) }}
        assert_eq!(
            sprintf(
                "%#v|%#v|%#v",
                &[
                    Value::list(vec![Value::from("a"), Value::Int(1)]),
                    Value::List(List::typed(
                        ElemType::String,
                        vec![Value::from("a"), Value::from("b")]
                    )),
                    Value::List(List::typed(
                        ElemType::Int,
                        vec![Value::Int(0), Value::Int(1), Value::Int(2)]
                    ))
                ]
            ),
            "[]interface {}{\"a\", 1}|[]string{\"a\", \"b\"}|[]int{0, 1, 2}"
        );
        // {{ printf "%#v|%#v" (list ) (dict ) }}
        assert_eq!(
            sprintf("%#v|%#v", &[Value::list(vec![]), Value::empty_map()]),
            "[]interface {}{}|map[string]interface {}{}"
        );
        // {{ printf "%v|%#v|%d|%s" (list nil 1) (list nil 1) (list nil) (dict "a" nil) }}
        assert_eq!(
            sprintf(
                "%v|%#v|%d|%s",
                &[
                    Value::list(vec![Value::Nil, Value::Int(1)]),
                    Value::list(vec![Value::Nil, Value::Int(1)]),
                    Value::list(vec![Value::Nil]),
                    Value::from_iter([("a", Value::Nil)])
                ]
            ),
            "[<nil> 1]|[]interface {}{interface {}(nil), 1}|[<nil>]|map[a:<nil>]"
        );
        // {{ printf "%#v" (dict "a" nil) }}
        assert_eq!(
            sprintf("%#v", &[Value::from_iter([("a", Value::Nil)])]),
            "map[string]interface {}{\"a\":interface {}(nil)}"
        );
        // {{ printf "%v" (list (list 1 2) (dict "k" (list "v"))) }}
        assert_eq!(
            sprintf(
                "%v",
                &[Value::list(vec![
                    Value::list(vec![Value::Int(1), Value::Int(2)]),
                    Value::from_iter([("k", Value::list(vec![Value::from("v")]))])
                ])]
            ),
            "[[1 2] map[k:[v]]]"
        );
        // {{ printf "%#v" (list (list 1) (dict "k" (toStrings (list "v")))) }}
        assert_eq!(
            sprintf(
                "%#v",
                &[Value::list(vec![
                    Value::list(vec![Value::Int(1)]),
                    Value::from_iter([(
                        "k",
                        Value::List(List::typed(ElemType::String, vec![Value::from("v")]))
                    )])
                ])]
            ),
            "[]interface {}{[]interface {}{1}, map[string]interface {}{\"k\":[]string{\"v\"}}}"
        );
        // {{ printf "[%5v][%-4v][%05d]" (list 1 2) (list "a") (list 1 -2) }}
        assert_eq!(
            sprintf(
                "[%5v][%-4v][%05d]",
                &[
                    Value::list(vec![Value::Int(1), Value::Int(2)]),
                    Value::list(vec![Value::from("a")]),
                    Value::list(vec![Value::Int(1), Value::Int(-2)])
                ]
            ),
            "[[    1     2]][[a   ]][[00001 -0002]]"
        );
        // {{ printf "%6.2f|%.1f" (list 1.5 2.0) (dict "a" 1.25) }}
        assert_eq!(
            sprintf(
                "%6.2f|%.1f",
                &[
                    Value::list(vec![Value::Float(1.5), Value::Float(2.0)]),
                    Value::from_iter([("a", Value::Float(1.25))])
                ]
            ),
            "[  1.50   2.00]|map[%!f(string=a):1.2]"
        );
        // {{ printf "%v|%v" (list 1000000.0 0.5 true) (dict "x" 1e+21) }}
        assert_eq!(
            sprintf(
                "%v|%v",
                &[
                    Value::list(vec![
                        Value::Float(1000000.0),
                        Value::Float(0.5),
                        Value::Bool(true)
                    ]),
                    Value::from_iter([("x", Value::Float(1e+21))])
                ]
            ),
            "[1e+06 0.5 true]|map[x:1e+21]"
        );
        // {{ printf "%t|%c|%U" (list true 1) (list 65 66) (until 2) }}
        assert_eq!(
            sprintf(
                "%t|%c|%U",
                &[
                    Value::list(vec![Value::Bool(true), Value::Int(1)]),
                    Value::list(vec![Value::Int(65), Value::Int(66)]),
                    Value::List(List::typed(
                        ElemType::Int,
                        vec![Value::Int(0), Value::Int(1)]
                    ))
                ]
            ),
            "[true %!t(int=1)]|[A B]|[U+0000 U+0001]"
        );
        // {{ printf "%v|%s|%x" (list (.Files.GetBytes "files/b2.bin")) (list (.Files.GetBytes "files/b3.bin")) (list (.Files.GetBytes "files/b4.bin")) }}
        assert_eq!(
            sprintf(
                "%v|%s|%x",
                &[
                    Value::list(vec![Value::Bytes(Arc::from(&b"hi"[..]))]),
                    Value::list(vec![Value::Bytes(Arc::from(&b"hi"[..]))]),
                    Value::list(vec![Value::Bytes(Arc::from(&b"hi"[..]))])
                ]
            ),
            "[[104 105]]|[hi]|[6869]"
        );
        // {{ printf "%q|%d" (list (.Files.GetBytes "files/b5.bin") "x") (dict "b" (.Files.GetBytes "files/b6.bin")) }}
        assert_eq!(
            sprintf(
                "%q|%d",
                &[
                    Value::list(vec![Value::Bytes(Arc::from(&b"hi"[..])), Value::from("x")]),
                    Value::from_iter([("b", Value::Bytes(Arc::from(&b"A"[..])))])
                ]
            ),
            "[\"hi\" \"x\"]|map[%!d(string=b):[65]]"
        );
        // {{ printf "%v|%+v" (dict "a" (dict "b" (dict "c" 1))) (list (dict )) }}
        assert_eq!(
            sprintf(
                "%v|%+v",
                &[
                    Value::from_iter([(
                        "a",
                        Value::from_iter([("b", Value::from_iter([("c", Value::Int(1))]))])
                    )]),
                    Value::list(vec![Value::empty_map()])
                ]
            ),
            "map[a:map[b:map[c:1]]]|[map[]]"
        );
        // {{ printf "%v %v" (dict "z" 1 "A" 2 "_" 3 "a" 4 "Z" 5 "1" 6 "10" 7 "9" 8) }}
        assert_eq!(
            sprintf(
                "%v %v",
                &[Value::from_iter([
                    ("z", Value::Int(1)),
                    ("A", Value::Int(2)),
                    ("_", Value::Int(3)),
                    ("a", Value::Int(4)),
                    ("Z", Value::Int(5)),
                    ("1", Value::Int(6)),
                    ("10", Value::Int(7)),
                    ("9", Value::Int(8))
                ])]
            ),
            "map[1:6 10:7 9:8 A:2 Z:5 _:3 a:4 z:1] %!v(MISSING)"
        );
        // {{ printf "%s" (dict "é" 1 "e" 2 "f" 3) }}
        assert_eq!(
            sprintf(
                "%s",
                &[Value::from_iter([
                    ("\u{e9}", Value::Int(1)),
                    ("e", Value::Int(2)),
                    ("f", Value::Int(3))
                ])]
            ),
            "map[e:%!s(int=2) f:%!s(int=3) \u{e9}:%!s(int=1)]"
        );
        // {{ printf "%e|%g" (list 1.0 2) (list "a") }}
        assert_eq!(
            sprintf(
                "%e|%g",
                &[
                    Value::list(vec![Value::Float(1.0), Value::Int(2)]),
                    Value::list(vec![Value::from("a")])
                ]
            ),
            "[1.000000e+00 %!e(int=2)]|[%!g(string=a)]"
        );
        // {{ printf "%.1s|%5.1q" (list "abc" "de") (toStrings (list "abc")) }}
        assert_eq!(
            sprintf(
                "%.1s|%5.1q",
                &[
                    Value::list(vec![Value::from("abc"), Value::from("de")]),
                    Value::List(List::typed(ElemType::String, vec![Value::from("abc")]))
                ]
            ),
            "[a d]|[  \"a\"]"
        );
        // {{ printf "%T|%T" (list (list )) (dict "a" (dict )) }}
        assert_eq!(
            sprintf(
                "%T|%T",
                &[
                    Value::list(vec![Value::list(vec![])]),
                    Value::from_iter([("a", Value::empty_map())])
                ]
            ),
            "[]interface {}|map[string]interface {}"
        );
    }

    #[test]
    fn bytes() {
        // {{ printf "%v|%s|%q|%x|%X" (.Files.GetBytes "files/b7.bin") (.Files.GetBytes "files/b8.bin") (.Files.GetBytes "files/b9.bin") (.Files.GetBytes "files/b10.bin") (.Files.GetBytes "files/b11.bin") }}
        assert_eq!(
            sprintf(
                "%v|%s|%q|%x|%X",
                &[
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..]))
                ]
            ),
            "[104 105]|hi|\"hi\"|6869|6869"
        );
        // {{ printf "%#v|%d|%#d" (.Files.GetBytes "files/b12.bin") (.Files.GetBytes "files/b13.bin") (.Files.GetBytes "files/b14.bin") }}
        assert_eq!(
            sprintf(
                "%#v|%d|%#d",
                &[
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..]))
                ]
            ),
            "[]byte{0x68, 0x69}|[104 105]|[104 105]"
        );
        // {{ printf "%o|%c|%U|%t|%e" (.Files.GetBytes "files/b15.bin") (.Files.GetBytes "files/b16.bin") (.Files.GetBytes "files/b17.bin") (.Files.GetBytes "files/b18.bin") (.Files.GetBytes "files/b19.bin") }}
        assert_eq!(sprintf("%o|%c|%U|%t|%e", &[Value::Bytes(Arc::from(&b"hi"[..])), Value::Bytes(Arc::from(&b"hi"[..])), Value::Bytes(Arc::from(&b"hi"[..])), Value::Bytes(Arc::from(&b"hi"[..])), Value::Bytes(Arc::from(&b"hi"[..]))]), "[150 151]|[h i]|[U+0068 U+0069]|[%!t(uint8=104) %!t(uint8=105)]|[%!e(uint8=104) %!e(uint8=105)]");
        // {{ printf "[%5v][%-3d][%05v]" (.Files.GetBytes "files/b20.bin") (.Files.GetBytes "files/b21.bin") (.Files.GetBytes "files/b22.bin") }}
        assert_eq!(
            sprintf(
                "[%5v][%-3d][%05v]",
                &[
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..]))
                ]
            ),
            "[[  104   105]][[104 105]][[00104 00105]]"
        );
        // {{ printf "[%5s][%.1s][%8q][% x][%#x]" (.Files.GetBytes "files/b23.bin") (.Files.GetBytes "files/b24.bin") (.Files.GetBytes "files/b25.bin") (.Files.GetBytes "files/b26.bin") (.Files.GetBytes "files/b27.bin") }}
        assert_eq!(
            sprintf(
                "[%5s][%.1s][%8q][% x][%#x]",
                &[
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..])),
                    Value::Bytes(Arc::from(&b"hi"[..]))
                ]
            ),
            "[   hi][h][    \"hi\"][68 69][0x6869]"
        );
        // {{ printf "%q|%+q|%#q|%x" (.Files.GetBytes "files/b28.bin") (.Files.GetBytes "files/b29.bin") (.Files.GetBytes "files/b30.bin") (.Files.GetBytes "files/b31.bin") }}
        assert_eq!(
            sprintf(
                "%q|%+q|%#q|%x",
                &[
                    Value::Bytes(Arc::from(&b"a\xffb"[..])),
                    Value::Bytes(Arc::from(&b"\xe2\x82"[..])),
                    Value::Bytes(Arc::from(&b"a\xff"[..])),
                    Value::Bytes(Arc::from(&b"\xff"[..]))
                ]
            ),
            "\"a\\xffb\"|\"\\xe2\\x82\"|\"a\\xff\"|ff"
        );
        // {{ printf "%v|%s|%#v" (.Files.GetBytes "files/b32.bin") (.Files.GetBytes "files/b33.bin") (.Files.GetBytes "files/b34.bin") }}
        assert_eq!(
            sprintf(
                "%v|%s|%#v",
                &[
                    Value::Bytes(Arc::from(&b""[..])),
                    Value::Bytes(Arc::from(&b""[..])),
                    Value::Bytes(Arc::from(&b""[..]))
                ]
            ),
            "[]||[]byte{}"
        );
        // {{ printf "%q|%#q" (.Files.GetBytes "files/b35.bin") (.Files.GetBytes "files/b36.bin") }}
        assert_eq!(
            sprintf(
                "%q|%#q",
                &[
                    Value::Bytes(Arc::from(&b"\xe6\x97\xa5\xe6\x9c\xac"[..])),
                    Value::Bytes(Arc::from(&b"`x`"[..]))
                ]
            ),
            "\"\u{65e5}\u{672c}\"|\"`x`\""
        );
        // {{ printf "[%.2q][%.1x]" (.Files.GetBytes "files/b37.bin") (.Files.GetBytes "files/b38.bin") }}
        assert_eq!(
            sprintf(
                "[%.2q][%.1x]",
                &[
                    Value::Bytes(Arc::from(&b"h\xc3\xa9llo"[..])),
                    Value::Bytes(Arc::from(&b"h\xc3\xa9llo"[..]))
                ]
            ),
            "[\"h\u{e9}\"][68]"
        );
    }

    #[test]
    fn print_println() {
        // {{ print 1 2 }}
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2)]), "1 2");
        // {{ print "a" "b" }}
        assert_eq!(sprint(&[Value::from("a"), Value::from("b")]), "ab");
        // {{ print "a" 1 "b" }}
        assert_eq!(
            sprint(&[Value::from("a"), Value::Int(1), Value::from("b")]),
            "a1b"
        );
        // {{ print 1 "a" 2 }}
        assert_eq!(
            sprint(&[Value::Int(1), Value::from("a"), Value::Int(2)]),
            "1a2"
        );
        // {{ print 1 2 "x" 1.5 2.5 }}
        assert_eq!(
            sprint(&[
                Value::Int(1),
                Value::Int(2),
                Value::from("x"),
                Value::Float(1.5),
                Value::Float(2.5)
            ]),
            "1 2x1.5 2.5"
        );
        // {{ print nil nil }}
        assert_eq!(sprint(&[Value::Nil, Value::Nil]), "<nil> <nil>");
        // {{ print nil "a" nil }}
        assert_eq!(
            sprint(&[Value::Nil, Value::from("a"), Value::Nil]),
            "<nil>a<nil>"
        );
        // {{ print  }}
        assert_eq!(sprint(&[]), "");
        // {{ print (list 1) (dict "a" 1) }}
        assert_eq!(
            sprint(&[
                Value::list(vec![Value::Int(1)]),
                Value::from_iter([("a", Value::Int(1))])
            ]),
            "[1] map[a:1]"
        );
        // {{ print true false }}
        assert_eq!(
            sprint(&[Value::Bool(true), Value::Bool(false)]),
            "true false"
        );
        // {{ print 1000000.0 (int64 3) }}
        assert_eq!(
            sprint(&[Value::Float(1000000.0), Value::Int64(3)]),
            "1e+06 3"
        );
        // {{ print (.Files.GetBytes "files/b39.bin") (.Files.GetBytes "files/b40.bin") }}
        assert_eq!(
            sprint(&[
                Value::Bytes(Arc::from(&b"hi"[..])),
                Value::Bytes(Arc::from(&b"hi"[..]))
            ]),
            "[104 105] [104 105]"
        );
        // {{ print "" "" }}
        assert_eq!(sprint(&[Value::from(""), Value::from("")]), "");
        // {{ print "" 1 "" 2 }}
        assert_eq!(
            sprint(&[
                Value::from(""),
                Value::Int(1),
                Value::from(""),
                Value::Int(2)
            ]),
            "12"
        );
        // {{ println 1 2 }}
        assert_eq!(sprintln(&[Value::Int(1), Value::Int(2)]), "1 2\n");
        // {{ println "a" "b" }}
        assert_eq!(sprintln(&[Value::from("a"), Value::from("b")]), "a b\n");
        // {{ println  }}
        assert_eq!(sprintln(&[]), "\n");
        // {{ println nil }}
        assert_eq!(sprintln(&[Value::Nil]), "<nil>\n");
        // {{ println "a" 1 }}
        assert_eq!(sprintln(&[Value::from("a"), Value::Int(1)]), "a 1\n");
        // {{ println (list "x" nil) }}
        assert_eq!(
            sprintln(&[Value::list(vec![Value::from("x"), Value::Nil])]),
            "[x <nil>]\n"
        );
    }

    #[test]
    fn template_value_printing() {
        // {{ 42 }}
        assert_eq!(pv(&Value::Int(42)), "42");
        // {{ 1000000.0 }}
        assert_eq!(pv(&Value::Float(1000000.0)), "1e+06");
        // {{ 3.0 }}
        assert_eq!(pv(&Value::Float(3.0)), "3");
        // {{ 123456.0 }}
        assert_eq!(pv(&Value::Float(123456.0)), "123456");
        // {{ 1e-05 }}
        assert_eq!(pv(&Value::Float(1e-05)), "1e-05");
        // {{ -2.5 }}
        assert_eq!(pv(&Value::Float(-2.5)), "-2.5");
        // {{ 1e+21 }}
        assert_eq!(pv(&Value::Float(1e+21)), "1e+21");
        // {{ "plain" }}
        assert_eq!(pv(&Value::from("plain")), "plain");
        // {{ true }}
        assert_eq!(pv(&Value::Bool(true)), "true");
        // {{ (list 1 "a" nil) }}
        assert_eq!(
            pv(&Value::list(vec![
                Value::Int(1),
                Value::from("a"),
                Value::Nil
            ])),
            "[1 a <nil>]"
        );
        // {{ (dict "b" 1000000.0 "a" (list )) }}
        assert_eq!(
            pv(&Value::from_iter([
                ("b", Value::Float(1000000.0)),
                ("a", Value::list(vec![]))
            ])),
            "map[a:[] b:1e+06]"
        );
        // {{ (.Files.GetBytes "files/b41.bin") }}
        assert_eq!(pv(&Value::Bytes(Arc::from(&b"hi"[..]))), "[104 105]");
        // {{ (int64 -7) }}
        assert_eq!(pv(&Value::Int64(-7)), "-7");
        // {{ (toStrings (list "a" "b")) }}
        assert_eq!(
            pv(&Value::List(List::typed(
                ElemType::String,
                vec![Value::from("a"), Value::from("b")]
            ))),
            "[a b]"
        );
        // {{ (until 3) }}
        assert_eq!(
            pv(&Value::List(List::typed(
                ElemType::Int,
                vec![Value::Int(0), Value::Int(1), Value::Int(2)]
            ))),
            "[0 1 2]"
        );
        // {{ (float64 "NaN") }}
        assert_eq!(pv(&Value::Float(f64::NAN)), "NaN");
        // {{ (float64 "-Inf") }}
        assert_eq!(pv(&Value::Float(f64::NEG_INFINITY)), "-Inf");
        // {{ -0.0 }}
        assert_eq!(pv(&Value::Float(-0.0)), "-0");
        // {{ 1e-300 }}
        assert_eq!(pv(&Value::Float(1e-300)), "1e-300");
        // {{ 5e-324 }}
        assert_eq!(pv(&Value::Float(5e-324)), "5e-324");
        // {{ 9007199254740992.0 }}
        assert_eq!(
            pv(&Value::Float(9007199254740992.0)),
            "9.007199254740992e+15"
        );
        // {{ 1.7976931348623157e+308 }}
        assert_eq!(
            pv(&Value::Float(1.7976931348623157e+308)),
            "1.7976931348623157e+308"
        );
        // {{ 999999.0 }}
        assert_eq!(pv(&Value::Float(999999.0)), "999999");
        // {{ 999999.5 }}
        assert_eq!(pv(&Value::Float(999999.5)), "999999.5");
        // {{ -999999.0 }}
        assert_eq!(pv(&Value::Float(-999999.0)), "-999999");
        // {{ 1000000.5 }}
        assert_eq!(pv(&Value::Float(1000000.5)), "1.0000005e+06");
        // {{ (list (list ) (dict )) }}
        assert_eq!(
            pv(&Value::list(vec![Value::list(vec![]), Value::empty_map()])),
            "[[] map[]]"
        );
        // {{ (dict "k" (dict "n" nil)) }}
        assert_eq!(
            pv(&Value::from_iter([(
                "k",
                Value::from_iter([("n", Value::Nil)])
            )])),
            "map[k:map[n:<nil>]]"
        );
    }

    #[test]
    fn edge_more() {
        // {{ printf "%#v|%x|%+v" (dict "b" (.Files.GetBytes "files/b42.bin")) (until 3) (dict "a" (list 1 (dict "b" nil))) }}
        assert_eq!(
            sprintf(
                "%#v|%x|%+v",
                &[
                    Value::from_iter([("b", Value::Bytes(Arc::from(&b"A"[..])))]),
                    Value::List(List::typed(
                        ElemType::Int,
                        vec![Value::Int(0), Value::Int(1), Value::Int(2)]
                    )),
                    Value::from_iter([(
                        "a",
                        Value::list(vec![Value::Int(1), Value::from_iter([("b", Value::Nil)])])
                    )])
                ]
            ),
            "map[string]interface {}{\"b\":[]uint8{0x41}}|[0 1 2]|map[a:[1 map[b:<nil>]]]"
        );
        // {{ printf "% d|%+q|%+d" (list 1 -1) (list "é") (until 2) }}
        assert_eq!(
            sprintf(
                "% d|%+q|%+d",
                &[
                    Value::list(vec![Value::Int(1), Value::Int(-1)]),
                    Value::list(vec![Value::from("\u{e9}")]),
                    Value::List(List::typed(
                        ElemType::Int,
                        vec![Value::Int(0), Value::Int(1)]
                    ))
                ]
            ),
            "[ 1 -1]|[\"\\u00e9\"]|[+0 +1]"
        );
        // {{ printf "%08.3v|%5v|%-5v|" (list 1.5) (dict "a" 1) (list nil "x") }}
        assert_eq!(
            sprintf(
                "%08.3v|%5v|%-5v|",
                &[
                    Value::list(vec![Value::Float(1.5)]),
                    Value::from_iter([("a", Value::Int(1))]),
                    Value::list(vec![Value::Nil, Value::from("x")])
                ]
            ),
            "[000001.5]|map[    a:    1]|[<nil> x    ]|"
        );
        // {{ printf "%v|%v|%v|%v" 1e+300 123456.7 1.234e-06 1e-320 }}
        assert_eq!(
            sprintf(
                "%v|%v|%v|%v",
                &[
                    Value::Float(1e+300),
                    Value::Float(123456.7),
                    Value::Float(1.234e-06),
                    Value::Float(1e-320)
                ]
            ),
            "1e+300|123456.7|1.234e-06|1e-320"
        );
        // {{ printf "%.20f|%.30g|%.17g|%e" 0.1 0.1 0.1 5e-324 }}
        assert_eq!(sprintf("%.20f|%.30g|%.17g|%e", &[Value::Float(0.1), Value::Float(0.1), Value::Float(0.1), Value::Float(5e-324)]), "0.10000000000000000555|0.100000000000000005551115123126|0.10000000000000001|4.940656e-324");
        // {{ printf "%.3e|%.2g|%.1f|%g" 9.9995 9.9999e-05 0.05 1e-320 }}
        assert_eq!(
            sprintf(
                "%.3e|%.2g|%.1f|%g",
                &[
                    Value::Float(9.9995),
                    Value::Float(9.9999e-05),
                    Value::Float(0.05),
                    Value::Float(1e-320)
                ]
            ),
            "9.999e+00|0.0001|0.1|1e-320"
        );
        // {{ printf "[%12.1x][% x][%+x][%-12X|][%012x]" 1.5 1.5 1.5 -1.5 -1.5 }}
        assert_eq!(
            sprintf(
                "[%12.1x][% x][%+x][%-12X|][%012x]",
                &[
                    Value::Float(1.5),
                    Value::Float(1.5),
                    Value::Float(1.5),
                    Value::Float(-1.5),
                    Value::Float(-1.5)
                ]
            ),
            "[   0x1.8p+00][ 0x1.8p+00][+0x1.8p+00][-0X1.8P+00  |][-000x1.8p+00]"
        );
        // {{ printf "%c|%q|%U" (int64 9786) (int64 1114111) (int64 128512) }}
        assert_eq!(
            sprintf(
                "%c|%q|%U",
                &[
                    Value::Int64(9786),
                    Value::Int64(1114111),
                    Value::Int64(128512)
                ]
            ),
            "\u{263a}|'\\U0010ffff'|U+1F600"
        );
        // {{ printf "%.1q|%.3q|%.2q" "\n\nabc" "a\tb\u0000" "日本語" }}
        assert_eq!(
            sprintf(
                "%.1q|%.3q|%.2q",
                &[
                    Value::from("\n\nabc"),
                    Value::from("a\tb\u{0}"),
                    Value::from("\u{65e5}\u{672c}\u{8a9e}")
                ]
            ),
            "\"\\n\"|\"a\\tb\"|\"\u{65e5}\u{672c}\""
        );
        // {{ printf "%.10U|%#U|%#U|%#U" 65 8232 55296 1114112 }}
        assert_eq!(
            sprintf(
                "%.10U|%#U|%#U|%#U",
                &[
                    Value::Int(65),
                    Value::Int(8232),
                    Value::Int(55296),
                    Value::Int(1114112)
                ]
            ),
            "U+0000000041|U+2028|U+D800|U+110000"
        );
        // {{ printf "%%%d%%|%[1]%|%-5%|" 3 4 }}
        assert_eq!(
            sprintf("%%%d%%|%[1]%|%-5%|", &[Value::Int(3), Value::Int(4)]),
            "%3%|%|%|"
        );
        // {{ printf "[%-+ #0d][%+ d][% +d]" 5 5 5 }}
        assert_eq!(
            sprintf(
                "[%-+ #0d][%+ d][% +d]",
                &[Value::Int(5), Value::Int(5), Value::Int(5)]
            ),
            "[+5][+5][+5]"
        );
        // {{ printf "[%6.3t][%#-08x][%#x][%#X][%08s][%.3x]" true 255 -255 -255 "longstring" "abcdef" }}
        assert_eq!(
            sprintf(
                "[%6.3t][%#-08x][%#x][%#X][%08s][%.3x]",
                &[
                    Value::Bool(true),
                    Value::Int(255),
                    Value::Int(-255),
                    Value::Int(-255),
                    Value::from("longstring"),
                    Value::from("abcdef")
                ]
            ),
            "[  true][0xff    ][-0xff][-0XFF][longstring][616263]"
        );
        // {{ printf "%v|%d|%s" 0 0 "" }}
        assert_eq!(
            sprintf("%v|%d|%s", &[Value::Int(0), Value::Int(0), Value::from("")]),
            "0|0|"
        );
        // {{ printf "[%3c][%-4q|][%x][%X]" 26085 26085 -1 (int64 255) }}
        assert_eq!(
            sprintf(
                "[%3c][%-4q|][%x][%X]",
                &[
                    Value::Int(26085),
                    Value::Int(26085),
                    Value::Int(-1),
                    Value::Int64(255)
                ]
            ),
            "[  \u{65e5}]['\u{65e5}' |][-1][FF]"
        );
        // {{ printf "%x|%X" (float64 "NaN") (float64 "-Inf") }}
        assert_eq!(
            sprintf(
                "%x|%X",
                &[Value::Float(f64::NAN), Value::Float(f64::NEG_INFINITY)]
            ),
            "NaN|-Inf"
        );
        // {{ printf "%b|%b" (float64 "+Inf") 5e-324 }}
        assert_eq!(
            sprintf(
                "%b|%b",
                &[Value::Float(f64::INFINITY), Value::Float(5e-324)]
            ),
            "+Inf|1p-1074"
        );
        // {{ printf "%T|%T|%T" 0.0 (.Files.GetBytes "files/b43.bin") (list (.Files.GetBytes "files/b44.bin")) }}
        assert_eq!(
            sprintf(
                "%T|%T|%T",
                &[
                    Value::Float(0.0),
                    Value::Bytes(Arc::from(&b""[..])),
                    Value::list(vec![Value::Bytes(Arc::from(&b""[..]))])
                ]
            ),
            "float64|[]uint8|[]interface {}"
        );
        // {{ printf "%v|%+v|%#v" (list "a b" "") (list "a b") (list "a\nb") }}
        assert_eq!(
            sprintf(
                "%v|%+v|%#v",
                &[
                    Value::list(vec![Value::from("a b"), Value::from("")]),
                    Value::list(vec![Value::from("a b")]),
                    Value::list(vec![Value::from("a\nb")])
                ]
            ),
            "[a b ]|[a b]|[]interface {}{\"a\\nb\"}"
        );
        // {{ printf "%s" (list "a" (list "b" (list "c"))) }}
        assert_eq!(
            sprintf(
                "%s",
                &[Value::list(vec![
                    Value::from("a"),
                    Value::list(vec![Value::from("b"), Value::list(vec![Value::from("c")])])
                ])]
            ),
            "[a [b [c]]]"
        );
        // {{ printf "%5.2s|%-6.1v|" (list "héllo") (toStrings (list "xyz" "w")) }}
        assert_eq!(
            sprintf(
                "%5.2s|%-6.1v|",
                &[
                    Value::list(vec![Value::from("h\u{e9}llo")]),
                    Value::List(List::typed(
                        ElemType::String,
                        vec![Value::from("xyz"), Value::from("w")]
                    ))
                ]
            ),
            "[   h\u{e9}]|[x      w     ]|"
        );
        // {{ printf "%v|%v" 1e+20 1e+20 }}
        assert_eq!(
            sprintf("%v|%v", &[Value::Float(1e+20), Value::Float(1e+20)]),
            "1e+20|1e+20"
        );
        // {{ printf "%g|%G|%e|%E|%f" 1e+21 1e-21 1e+21 1e-21 1e+21 }}
        assert_eq!(
            sprintf(
                "%g|%G|%e|%E|%f",
                &[
                    Value::Float(1e+21),
                    Value::Float(1e-21),
                    Value::Float(1e+21),
                    Value::Float(1e-21),
                    Value::Float(1e+21)
                ]
            ),
            "1e+21|1E-21|1.000000e+21|1.000000E-21|1000000000000000000000.000000"
        );
        // {{ printf "%.0g|%.0e|%#.0g|%#.0x" 12345.0 12345.0 12345.0 12345.0 }}
        assert_eq!(
            sprintf(
                "%.0g|%.0e|%#.0g|%#.0x",
                &[
                    Value::Float(12345.0),
                    Value::Float(12345.0),
                    Value::Float(12345.0),
                    Value::Float(12345.0)
                ]
            ),
            "1e+04|1e+04|1.e+04|0x1.p+14"
        );
        // {{ printf "%#.3x|%#.3e|%#.3f|%#.3g|%#v" 0.0 0.0 0.0 0.0 0.0 }}
        assert_eq!(
            sprintf(
                "%#.3x|%#.3e|%#.3f|%#.3g|%#v",
                &[
                    Value::Float(0.0),
                    Value::Float(0.0),
                    Value::Float(0.0),
                    Value::Float(0.0),
                    Value::Float(0.0)
                ]
            ),
            "0x0.000p+00|0.000e+00|0.000|0.00|0"
        );
        // {{ printf "%#g|%#g|%#g|%#G" 123456789.0 1.234e-05 1e-07 100000.0 }}
        assert_eq!(
            sprintf(
                "%#g|%#g|%#g|%#G",
                &[
                    Value::Float(123456789.0),
                    Value::Float(1.234e-05),
                    Value::Float(1e-07),
                    Value::Float(100000.0)
                ]
            ),
            "1.23456789e+08|1.23400e-05|1.00000e-07|100000."
        );
        // {{ printf "%#.4g|%#.4g|%#.10g" 1.5 12345.0 3.0 }}
        assert_eq!(
            sprintf(
                "%#.4g|%#.4g|%#.10g",
                &[Value::Float(1.5), Value::Float(12345.0), Value::Float(3.0)]
            ),
            "1.500|1.234e+04|3.000000000"
        );
    }

    #[test]
    fn unicode_newer_than_go() {
        // {{ printf "%q|%q|%q" "\u1c89" "\U00011f00" "\u2ffc" }}
        // (U+1C89 and U+2FFC are Unicode 16, U+11F00 is Unicode 15.)
        assert_eq!(
            sprintf(
                "%q|%q|%q",
                &[
                    Value::from("\u{1c89}"),
                    Value::from("\u{11f00}"),
                    Value::from("\u{2ffc}")
                ]
            ),
            "\"\\u1c89\"|\"\u{11f00}\"|\"\\u2ffc\""
        );
        assert!(!is_print('\u{1c89}'));
        assert!(is_print('\u{11f00}'));
        assert!(!is_print('\u{ad}'));
        assert!(is_print('\u{e9}'));
    }

    #[test]
    fn unicode_version_tripwire() {
        // NEWER_THAN_GO covers Rust's Unicode up to 17.0 against Go's 15.0.
        // A toolchain with newer Unicode tables makes more characters
        // printable in Rust than in Go: re-derive the table from the oracle
        // (every code point through `printf "%q"`) before raising this.
        assert!(char::UNICODE_VERSION <= (17, 0, 0));
    }

    #[test]
    fn huge_widths_and_precisions() {
        // {{ printf "%1000000d|" 1 }} is 999999 spaces, then "1|".
        let s = sprintf("%1000000d|", &[Value::Int(1)]);
        assert_eq!(s.len(), 1_000_001);
        assert!(s.ends_with(" 1|") && s.trim_start() == "1|");
        // {{ printf "%.1500e" -2.5 }} is 1507 bytes: "-2.5", 1499 zeros, "e+00".
        let s = sprintf("%.1500e", &[Value::Float(-2.5)]);
        assert_eq!(s.len(), 1507);
        assert_eq!(s, format!("-2.5{}e+00", "0".repeat(1499)));
        // {{ printf "%.128512g|" -2.5 }}
        assert_eq!(sprintf("%.128512g|", &[Value::Float(-2.5)]), "-2.5|");
        // {{ printf "%-.*O%5.3s|%0 -t" 128512 -2.5 }}
        assert_eq!(
            sprintf(
                "%-.*O%5.3s|%0 -t",
                &[Value::Int(128512), Value::Float(-2.5)]
            ),
            "%!O(float64=-2.5)%!s(MISSING)|%!t(MISSING)"
        );
        // {{ printf "%.99999v|%.70000v" 0.3 1e22 }}
        assert_eq!(
            sprintf(
                "%.99999v|%.70000v",
                &[Value::Float(0.3), Value::Float(1e22)]
            ),
            "0.299999999999999988897769753748434595763683319091796875|10000000000000000000000"
        );
        // {{ printf "%.70000f" 0.1 }} is 70002 bytes starting
        // "0.1000000000000000055511151231257827021181583404541015625" and
        // continuing with zeros.
        let s = sprintf("%.70000f", &[Value::Float(0.1)]);
        assert_eq!(s.len(), 70002);
        assert_eq!(
            s.trim_end_matches('0'),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        // {{ printf "%.900g" 5e-324 }} is all 751 significant digits.
        let s = sprintf("%.900g", &[Value::Float(5e-324)]);
        assert_eq!(s.len(), 757);
        assert!(s.starts_with("4.9406564584124654417656879286822137236505980261432476442558"));
        assert!(s.ends_with("2506419718265533447265625e-324"));
        // {{ printf "%.99999x" 0.3 }} is 100007 bytes: "0x1.3333333333333",
        // zeros, "p-02".
        let s = sprintf("%.99999x", &[Value::Float(0.3)]);
        assert_eq!(s.len(), 100_007);
        assert_eq!(
            s,
            format!("0x1.3333333333333{}p-02", "0".repeat(99999 - 13))
        );
    }

    #[test]
    fn missing_value_prints_no_value() {
        // text/template prints a missing value as "<no value>" (Helm then
        // removes the text from the manifest). The html builtin shows it:
        // {{ html .Values.missing }} renders "&lt;no value&gt;".
        assert_eq!(pv(&Value::Nil), "<no value>");
        // {{ print (list (dict "a" nil)) }}
        assert_eq!(
            pv(&Value::list(vec![Value::from_iter([("a", Value::Nil)])])),
            "[map[a:<nil>]]"
        );
    }

    #[test]
    fn pointers() {
        // {{ printf "%p|%p|%p|%p" 1 "s" 1.5 nil }}
        assert_eq!(
            sprintf(
                "%p|%p|%p|%p",
                &[
                    Value::Int(1),
                    Value::from("s"),
                    Value::Float(1.5),
                    Value::Nil
                ]
            ),
            "%!p(int=1)|%!p(string=s)|%!p(float64=1.5)|%!p(<nil>)"
        );
        // Go prints a heap address (`{{ printf "%#p|%8p" (list 1) (dict "a" 1) }}`
        // gave "2f5aa14467a0|0x2f5aa14efec0" once); we print a fixed one in
        // the same shape: hex, `0x` unless `#`, padded like any operand.
        assert_eq!(
            sprintf(
                "%#p|%8p|%-14p|",
                &[
                    Value::list(vec![Value::Int(1)]),
                    Value::empty_map(),
                    Value::Bytes(Arc::from(&b"x"[..]))
                ]
            ),
            "c000010000|0xc000010000|0xc000010000  |"
        );
    }

    /// A stand-in for Helm's `common.KubeVersion`, whose `String()` is
    /// what `{{ .Capabilities.KubeVersion }}` prints.
    #[derive(Debug)]
    struct KubeVersion;

    impl Object for KubeVersion {
        fn go_type(&self) -> std::borrow::Cow<'_, str> {
            "common.KubeVersion".into()
        }
        fn go_kind(&self) -> GoKind {
            GoKind::Struct
        }
        fn fmt_go(&self, _plus: bool) -> String {
            "v1.36.0".to_owned()
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[test]
    fn objects() {
        let kv = Value::Object(Arc::new(KubeVersion));
        // {{ .Capabilities.KubeVersion }}
        assert_eq!(pv(&kv), "v1.36.0");
        // {{ printf "%T" .Capabilities.KubeVersion }}
        assert_eq!(
            sprintf("%T", std::slice::from_ref(&kv)),
            "common.KubeVersion"
        );
    }

    // ---- limits: Go has none of these; they are ours. ----

    fn self_referencing_map() -> Value {
        // `set $d "self" $d`
        let m = Map::new();
        let v = Value::Map(m.clone());
        m.insert("self", v.clone());
        v
    }

    #[test]
    fn self_referencing_map_stops_at_depth_limit() {
        let v = self_referencing_map();
        let err = try_sprintf("%v", std::slice::from_ref(&v), usize::MAX).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        // The unchecked form cuts off instead of overflowing the stack.
        let s = sprintf("%v", std::slice::from_ref(&v));
        assert!(s.starts_with("map[self:map[self:"));
        let mut out = String::new();
        assert!(try_print_value(&mut out, &v, usize::MAX).is_err());
        assert!(try_sprint(std::slice::from_ref(&v), usize::MAX).is_err());
        assert!(try_sprintln(std::slice::from_ref(&v), usize::MAX).is_err());
        // Break the cycle so the map can be freed.
        if let Value::Map(m) = &v {
            m.remove("self");
        }
    }

    #[test]
    fn nesting_just_below_the_limit_prints() {
        let mut v = Value::Int(1);
        for _ in 0..MAX_VALUE_DEPTH {
            v = Value::list(vec![v]);
        }
        let s = try_sprintf("%v", std::slice::from_ref(&v), usize::MAX).unwrap();
        assert_eq!(s.len(), 2 * MAX_VALUE_DEPTH + 1);
        let deeper = Value::list(vec![v]);
        assert!(try_sprintf("%v", &[deeper], usize::MAX).is_err());
    }

    #[test]
    fn output_budget() {
        assert_eq!(
            try_sprintf("%10d", &[Value::Int(1)], 10).unwrap(),
            "         1"
        );
        let err = try_sprintf("%11d", &[Value::Int(1)], 10).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        // Ten million spaces per verb is Go's maximum; a format repeating it
        // is stopped by the budget instead of allocating gigabytes.
        let format = "%9999999d".repeat(1000);
        let args = vec![Value::Int(1); 1000];
        assert!(try_sprintf(&format, &args, 20_000_000).is_err());
        assert!(try_sprintf("%.9999999f", &[Value::Float(1.0)], 1_000_000).is_err());
        assert!(try_sprintf("%s", &[Value::from("abc")], 2).is_err());
    }
}
