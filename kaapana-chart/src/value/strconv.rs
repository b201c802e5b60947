//! Go's `strconv.FormatFloat(f, fmt, prec, 64)`, digit for digit.
//!
//! Go and Rust both produce correctly rounded decimal digits (shortest
//! round-trip digits, or exactly rounded to a precision, ties to even), so we
//! take the digits from Rust's formatter and lay them out the way Go's
//! `fmtE`/`fmtF`/`%g` do. The layout rules are from `strconv/ftoa.go`.

/// Formats `f` like Go's `strconv.FormatFloat(f, fmt, prec, 64)`.
///
/// `fmt` is one of `e E f F g G`; `prec < 0` asks for the shortest digits that
/// round-trip.
pub(crate) fn format_float(f: f64, fmt: u8, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let neg = f.is_sign_negative();
    let shortest = prec < 0;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let a = f.abs();
    // A float64 has at most 767 significant decimal digits and 1074
    // fractional ones; beyond that every digit is zero. Rust's formatter
    // refuses precisions above 65535 while Go accepts any, so format with a
    // bounded precision and pad the zeros.
    const MAX_EXACT: i32 = 1100;
    if !shortest && prec > MAX_EXACT {
        let mut s = format_float(f, fmt, MAX_EXACT);
        let pad = (prec - MAX_EXACT) as usize;
        match fmt {
            b'f' | b'F' => s.push_str(&"0".repeat(pad)),
            b'e' | b'E' => {
                if let Some(i) = s.rfind(['e', 'E']) {
                    s.insert_str(i, &"0".repeat(pad));
                }
            }
            _ => {}
        }
        return s;
    }
    match fmt {
        b'f' | b'F' if !shortest => {
            out.push_str(&format!("{:.*}", prec as usize, a));
            out
        }
        b'f' | b'F' => {
            let d = digits(a, None);
            let p = (d.nd() as i32 - d.dp).max(0);
            fmt_f(&mut out, &d, p);
            out
        }
        b'e' | b'E' => {
            let d = if shortest {
                digits(a, None)
            } else {
                digits(a, Some(prec as usize + 1))
            };
            let p = if shortest {
                (d.nd() as i32 - 1).max(0)
            } else {
                prec
            };
            fmt_e(&mut out, &d, p, fmt);
            out
        }
        b'g' | b'G' => {
            let mut p = prec;
            let d = if shortest {
                digits(a, None)
            } else {
                if p == 0 {
                    p = 1;
                }
                digits(a, Some(p as usize))
            };
            let nd = d.nd() as i32;
            if shortest {
                p = nd;
            }
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            // %e is used if the exponent from the conversion is less than -4 or
            // greater than or equal to the precision. If precision was the
            // shortest possible, use precision 6 for this decision.
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            let e_char = if fmt == b'g' { b'e' } else { b'E' };
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                fmt_e(&mut out, &d, p - 1, e_char);
            } else {
                if p > d.dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, (p - d.dp).max(0));
            }
            out
        }
        other => {
            out.clear();
            out.push('%');
            out.push(other as char);
            out
        }
    }
}

/// Decimal digits without trailing zeros, and the decimal point position:
/// the value is `0.d1d2d3… × 10^dp`. Zero has no digits and `dp == 0`.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

impl Digits {
    fn nd(&self) -> usize {
        self.d.len()
    }
}

/// The digits of `a` (non-negative, finite): shortest, or rounded to `sig`
/// significant digits.
fn digits(a: f64, sig: Option<usize>) -> Digits {
    if a == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    let s = match sig {
        None => format!("{a:e}"),
        Some(n) => format!("{:.*e}", n.saturating_sub(1), a),
    };
    // `s` is "d.ddde<exp>" or "de<exp>".
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

/// `%e`: `-d.ddddde±dd`.
fn fmt_e(out: &mut String, d: &Digits, prec: i32, fmt: u8) {
    out.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let mut i = 1;
        let m = d.nd().min(prec as usize + 1);
        if i < m {
            out.extend(d.d[i..m].iter().map(|&c| c as char));
            i = m;
        }
        while i <= prec as usize {
            out.push('0');
            i += 1;
        }
    }
    out.push(fmt as char);
    let mut exp = d.dp - 1;
    if d.nd() == 0 {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// `%f`: `-ddd.ddd`.
fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        let m = d.nd().min(d.dp as usize);
        out.extend(d.d[..m].iter().map(|&c| c as char));
        for _ in m..d.dp as usize {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            let ch = if j >= 0 && (j as usize) < d.nd() {
                d.d[j as usize] as char
            } else {
                '0'
            };
            out.push(ch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_float as ff;

    // Expected strings are Go's `strconv.FormatFloat` results, as Helm prints
    // them through `%v` (the template fixtures check them end to end).
    #[test]
    fn shortest_g() {
        assert_eq!(ff(1000000.0, b'g', -1), "1e+06");
        assert_eq!(ff(123456.0, b'g', -1), "123456");
        assert_eq!(ff(1234567.0, b'g', -1), "1.234567e+06");
        assert_eq!(ff(0.00001, b'g', -1), "1e-05");
        assert_eq!(ff(0.0001, b'g', -1), "0.0001");
        assert_eq!(ff(0.0, b'g', -1), "0");
        assert_eq!(ff(-0.0, b'g', -1), "-0");
        assert_eq!(ff(1.5, b'g', -1), "1.5");
        assert_eq!(ff(f64::INFINITY, b'g', -1), "+Inf");
    }

    #[test]
    fn fixed_precision() {
        assert_eq!(ff(1.23456, b'f', 2), "1.23");
        assert_eq!(ff(2.5, b'f', 0), "2");
        assert_eq!(ff(1234.5678, b'e', 3), "1.235e+03");
        assert_eq!(ff(0.0, b'e', 2), "0.00e+00");
        assert_eq!(ff(1.0, b'g', 3), "1");
        assert_eq!(ff(123456.0, b'g', 3), "1.23e+05");
        assert_eq!(ff(1e21, b'f', -1), "1000000000000000000000");
        assert_eq!(ff(1e-7, b'e', -1), "1e-07");
        assert_eq!(ff(1e100, b'e', -1), "1e+100");
    }

    #[test]
    fn huge_precision_does_not_panic() {
        let s = ff(0.5, b'f', 70_000);
        assert_eq!(s.len(), 70_002);
        assert!(s.starts_with("0.5000"));
        let e = ff(1.5, b'e', 70_000);
        assert!(e.starts_with("1.5000") && e.ends_with("e+00"));
        assert_eq!(ff(1.5, b'g', 70_000), "1.5");
    }
}
