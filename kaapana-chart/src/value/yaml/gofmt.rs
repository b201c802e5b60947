//! Small pieces of Go's `fmt`/`strconv` needed for exact messages and keys.

use std::fmt::Write as _;

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: the value rounded to a
/// `float32`, printed with the fewest digits that identify that `float32`.
pub(super) fn format_float32_g(f: f64) -> String {
    let x = f as f32;
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let neg = x.is_sign_negative();
    let a = x.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if a == 0.0 {
        out.push('0');
        return out;
    }
    // Rust prints the shortest round-trip digits of the f32.
    let e = format!("{a:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    let nd = digits.len() as i32;
    // %g with shortest digits switches to %e when the exponent is < -4 or
    // >= 6 (Go uses precision 6 for that decision when shortest).
    if !(-4..6).contains(&exp) {
        out.push(digits.first().map_or('0', |&d| char::from(d)));
        if nd > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&d| char::from(d)));
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else {
        let dp = exp + 1;
        if dp <= 0 {
            out.push_str("0.");
            for _ in 0..-dp {
                out.push('0');
            }
            out.extend(digits.iter().map(|&d| char::from(d)));
        } else {
            for i in 0..dp.max(nd) {
                if i == dp {
                    out.push('.');
                }
                out.push(digits.get(i as usize).map_or('0', |&d| char::from(d)));
            }
        }
    }
    out
}

/// Go's `strconv.Quote`.
pub(super) fn go_quote(s: &str) -> String {
    // Go's strconv.Quote, exactly (Go 1.26's Unicode 15 printability); the
    // crate keeps one implementation of it.
    crate::template::fmt::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // 3.14159265358979 is the fixture's key, not an attempt at π.
    #[allow(clippy::approx_constant)]
    fn float32_keys() {
        // Expected strings: sigs.k8s.io/yaml's key conversion, through Helm
        // (fixtures/yaml/parse/keys-nonstring, key-big-float).
        assert_eq!(format_float32_g(1.5), "1.5");
        assert_eq!(format_float32_g(3.14159265358979), "3.1415927");
        assert_eq!(format_float32_g(1e10), "1e+10");
        assert_eq!(format_float32_g(18446744073709551616.0), "1.8446744e+19");
        assert_eq!(format_float32_g(f64::INFINITY), "+Inf");
    }

    #[test]
    fn quote() {
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
        assert_eq!(go_quote("é"), "\"é\"");
    }
}
