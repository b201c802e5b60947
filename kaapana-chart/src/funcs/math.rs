//! Sprig's math functions.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `add1` | `add1(i any) int64` | |
//! | `add` | `add(i ...any) int64` | |
//! | `sub` | `sub(a, b any) int64` | |
//! | `div` | `div(a, b any) int64` | truncates; by zero: Go's runtime error |
//! | `mod` | `mod(a, b any) int64` | sign of `a`; by zero: Go's runtime error |
//! | `mul` | `mul(a any, v ...any) int64` | |
//! | `max`, `biggest` | `max(a any, i ...any) int64` | |
//! | `min` | `min(a any, i ...any) int64` | |
//! | `add1f` | `add1f(i any) float64` | decimal arithmetic |
//! | `addf` | `addf(i ...any) float64` | decimal arithmetic |
//! | `subf` | `subf(a any, v ...any) float64` | decimal arithmetic |
//! | `mulf` | `mulf(a any, v ...any) float64` | decimal arithmetic |
//! | `divf` | `divf(a any, v ...any) float64` | 16 decimal places, half away from zero |
//! | `maxf` | `maxf(a any, i ...any) float64` | `math.Max` (NaN wins) |
//! | `minf` | `minf(a any, i ...any) float64` | `math.Min` (NaN wins) |
//! | `ceil` | `ceil(a any) float64` | |
//! | `floor` | `floor(a any) float64` | |
//! | `round` | `round(a any, p int, rOpt ...float64) float64` | rounds up from `rOpt[0]` (default .5) |
//!
//! Arguments convert with `spf13/cast` (`to_int64`, `to_float64`), so
//! strings, booleans and nil are numbers too, and the integer functions
//! return `int64` (which `typeOf` and `eq` see). Integer arithmetic wraps
//! around like Go's. The `*f` functions go through `shopspring/decimal`:
//! each operand becomes the shortest decimal that reads back as the same
//! float64, the arithmetic is exact (division to 16 places), and the result
//! is rounded to the nearest float64 once, so `addf 0.1 0.2` is `0.3`. NaN and
//! infinities make decimal panic, which Go's template engine reports as the
//! call's error (`Cannot create a Decimal from +Inf`).

use num_bigint::{BigInt, Sign};

use super::cast::{to_float64, to_int64};
use super::{FuncError, Functions};
use crate::value::{GoType, Signature, Value};

const ANY: GoType = GoType::Any;

pub(crate) fn register(f: &mut Functions) {
    f.register("add1", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    f.register("add", Signature::variadic(&[], ANY), |_, a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |acc, x| acc.wrapping_add(to_int64(x))),
        ))
    });
    f.register("sub", Signature::fixed(&[ANY, ANY]), |_, a| {
        Ok(Value::Int64(
            to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
        ))
    });
    f.register("div", Signature::fixed(&[ANY, ANY]), |_, a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(divide_by_zero());
        }
        // Go: MinInt64 / -1 wraps to MinInt64 instead of trapping.
        Ok(Value::Int64(x.wrapping_div(y)))
    });
    f.register("mod", Signature::fixed(&[ANY, ANY]), |_, a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(divide_by_zero());
        }
        Ok(Value::Int64(x.wrapping_rem(y)))
    });
    f.register("mul", Signature::variadic(&[ANY], ANY), |_, a| {
        let first = to_int64(arg(a, 0));
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .fold(first, |acc, x| acc.wrapping_mul(to_int64(x))),
        ))
    });
    for name in ["max", "biggest"] {
        f.register(name, Signature::variadic(&[ANY], ANY), |_, a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    f.register("min", Signature::variadic(&[ANY], ANY), |_, a| {
        Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    f.register("maxf", Signature::variadic(&[ANY], ANY), |_, a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_max),
        ))
    });
    f.register("minf", Signature::variadic(&[ANY], ANY), |_, a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_min),
        ))
    });
    f.register("add1f", Signature::fixed(&[ANY]), |_, a| {
        decimal_op(arg(a, 0), &[Value::Int(1)], Decimal::add)
    });
    f.register("addf", Signature::variadic(&[], ANY), |_, a| {
        decimal_op(&Value::Float(0.0), a, Decimal::add)
    });
    f.register("subf", Signature::variadic(&[ANY], ANY), |_, a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Decimal::sub)
    });
    f.register("mulf", Signature::variadic(&[ANY], ANY), |_, a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Decimal::mul)
    });
    f.register("divf", Signature::variadic(&[ANY], ANY), |_, a| {
        let mut acc = Decimal::from_float(to_float64(arg(a, 0)))?;
        for x in a.get(1..).unwrap_or(&[]) {
            let d = Decimal::from_float(to_float64(x))?;
            acc = acc
                .div_round(&d, DIVISION_PRECISION)
                .ok_or_else(|| FuncError::new("decimal division by 0"))?;
        }
        Ok(Value::Float(acc.to_f64()))
    });
    f.register("ceil", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    f.register("floor", Signature::fixed(&[ANY]), |_, a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    f.register(
        "round",
        Signature::variadic(&[ANY, GoType::Int], GoType::Float64),
        |_, a| {
            let places = match arg(a, 1) {
                Value::Int(i) | Value::Int64(i) => *i,
                _ => 0,
            };
            let round_on = match a.get(2) {
                Some(Value::Float(f)) => *f,
                _ => 0.5,
            };
            Ok(Value::Float(round(to_float64(arg(a, 0)), places, round_on)))
        },
    );
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

/// Go's run-time panic for an integer division by zero, which the template
/// engine reports as the call's error.
fn divide_by_zero() -> FuncError {
    FuncError::new("runtime error: integer divide by zero")
}

/// Go's `math.Max`: +Inf beats NaN, NaN beats numbers, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            y
        } else {
            x
        }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`: -Inf beats NaN, NaN beats numbers, -0 beats +0.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

/// Sprig's `round`: scale by `10^places` (Go's `math.Pow`), round up when
/// the fractional part is at least `round_on`, scale back.
fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = go_pow10(places as f64);
    let digit = pow * val;
    let frac = digit - digit.trunc();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

/// Go's `math.Pow(10, y)` for an integral `y`, step for step (repeated
/// squaring on the `Frexp` mantissa, then `Ldexp`), because its rounding for
/// large exponents differs from a correctly rounded power and `round`'s
/// result shows it.
fn go_pow10(y: f64) -> f64 {
    if y == 0.0 {
        return 1.0;
    }
    if y == 1.0 {
        return 10.0;
    }
    let yi = y.abs().trunc();
    if yi >= 9_223_372_036_854_775_808.0 {
        return if y > 0.0 { f64::INFINITY } else { 0.0 };
    }
    let mut a1 = 1.0f64;
    let mut ae: i64 = 0;
    let (mut x1, mut xe) = frexp(10.0);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

const SHIFT: u32 = 52;
const MASK: u64 = 0x7FF;
const BIAS: i64 = 1023;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

/// Go's `math.normalize`: subnormals scaled into the normal range.
fn normalize(x: f64) -> (f64, i64) {
    if x.abs() < SMALLEST_NORMAL {
        (x * (1u64 << 52) as f64, -52)
    } else {
        (x, 0)
    }
}

/// Go's `math.Frexp`.
fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let (f, e) = normalize(f);
    let mut x = f.to_bits();
    let exp = e + ((x >> SHIFT) & MASK) as i64 - BIAS + 1;
    x &= !(MASK << SHIFT);
    x |= ((BIAS - 1) as u64) << SHIFT;
    (f64::from_bits(x), exp)
}

/// Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (frac, e) = normalize(frac);
    let mut exp = exp.saturating_add(e);
    let mut x = frac.to_bits();
    exp = exp.saturating_add(((x >> SHIFT) & MASK) as i64 - BIAS);
    if exp < -1075 {
        return 0.0f64.copysign(frac);
    }
    if exp > 1023 {
        return if frac < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    x &= !(MASK << SHIFT);
    x |= ((exp + BIAS) as u64) << SHIFT;
    m * f64::from_bits(x)
}

/// shopspring/decimal's `DivisionPrecision`.
const DIVISION_PRECISION: i64 = 16;

/// Sprig's `execDecimalOp`: fold the operands with decimal arithmetic,
/// then convert to float64 once.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: fn(&Decimal, &Decimal) -> Decimal,
) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_float(to_float64(first))?;
    for x in rest {
        acc = op(&acc, &Decimal::from_float(to_float64(x))?);
    }
    Ok(Value::Float(acc.to_f64()))
}

/// An exact decimal `mant × 10^exp`, as `shopspring/decimal` keeps it.
#[derive(Debug, Clone)]
struct Decimal {
    mant: BigInt,
    exp: i64,
}

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`
    /// (Rust's shortest round-trip digits are the same digits); NaN and the
    /// infinities are decimal's panic.
    fn from_float(f: f64) -> Result<Decimal, FuncError> {
        if !f.is_finite() {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(FuncError::new(format!(
                "Cannot create a Decimal from {shown}"
            )));
        }
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i64 = e.parse().unwrap_or(0);
        let (int, frac) = m.split_once('.').unwrap_or((m, ""));
        let digits = format!("{int}{frac}");
        let mant = digits.parse::<BigInt>().unwrap_or_default();
        Ok(Decimal {
            mant,
            exp: e - frac.len() as i64,
        })
    }

    /// Both mantissas at the smaller exponent.
    fn aligned(&self, other: &Decimal) -> (BigInt, BigInt, i64) {
        let exp = self.exp.min(other.exp);
        (
            scale(&self.mant, self.exp - exp),
            scale(&other.mant, other.exp - exp),
            exp,
        )
    }

    fn add(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { mant: a + b, exp }
    }

    fn sub(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { mant: a - b, exp }
    }

    fn mul(&self, other: &Decimal) -> Decimal {
        Decimal {
            mant: &self.mant * &other.mant,
            exp: self.exp + other.exp,
        }
    }

    /// `DivRound(d2, precision)`: the quotient truncated to `precision`
    /// decimal places, then moved one unit away from zero if the remainder
    /// is at least half of the divisor. `None` for a zero divisor.
    fn div_round(&self, other: &Decimal, precision: i64) -> Option<Decimal> {
        if other.mant.sign() == Sign::NoSign {
            return None;
        }
        // self / other × 10^precision = (ma × 10^k) / mb with
        // k = ea - eb + precision (moved to the divisor when negative).
        let k = self.exp - other.exp + precision;
        let (num, den) = if k >= 0 {
            (scale(&self.mant, k), other.mant.clone())
        } else {
            (self.mant.clone(), scale(&other.mant, -k))
        };
        let mut q = &num / &den;
        let r = &num % &den;
        let twice = r.magnitude() * 2u32;
        if &twice >= den.magnitude() {
            if (num.sign() == Sign::Minus) != (den.sign() == Sign::Minus) {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Some(Decimal {
            mant: q,
            exp: -precision,
        })
    }

    /// `Float64()`: the nearest float64 (decimal goes through `big.Rat`,
    /// which rounds correctly, as Rust's parser does).
    fn to_f64(&self) -> f64 {
        if self.mant.sign() == Sign::NoSign {
            return 0.0;
        }
        format!("{}e{}", self.mant, self.exp).parse().unwrap_or(0.0)
    }
}

fn scale(m: &BigInt, by: i64) -> BigInt {
    if by <= 0 {
        return m.clone();
    }
    m * BigInt::from(10u32).pow(u32::try_from(by).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> Decimal {
        Decimal::from_float(x).unwrap()
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(f(0.1).add(&f(0.2)).to_f64(), 0.3);
        assert_eq!(f(0.3).sub(&f(0.1)).to_f64(), 0.2);
        assert_eq!(f(0.1).mul(&f(3.0)).to_f64(), 0.3);
        let third = f(1.0).div_round(&f(3.0), 16).unwrap();
        assert_eq!(third.to_f64(), 0.3333333333333333);
        let neg = f(-2.0).div_round(&f(3.0), 16).unwrap();
        assert_eq!(neg.to_f64(), -0.6666666666666667);
        assert!(f(1.0).div_round(&f(0.0), 16).is_none());
        assert_eq!(f(1e-20).div_round(&f(3.0), 16).unwrap().to_f64(), 0.0);
        assert_eq!(f(1e308).mul(&f(10.0)).to_f64(), f64::INFINITY);
    }

    #[test]
    fn pow_and_round_follow_go() {
        assert_eq!(go_pow10(2.0), 100.0);
        assert_eq!(go_pow10(-1.0), 0.1);
        assert_eq!(go_pow10(400.0), f64::INFINITY);
        assert_eq!(round(2.5, 0, 0.5), 3.0);
        assert_eq!(round(-2.5, 0, 0.5), -3.0);
        assert_eq!(round(1.005, 2, 0.5), 1.0);
        assert_eq!(round(123.456, -1, 0.5), 120.0);
        assert!(round(5e-324, 400, 0.5).is_nan());
    }

    #[test]
    fn go_min_max() {
        assert!(go_max(1.0, f64::NAN).is_nan());
        assert_eq!(go_max(f64::NAN, f64::INFINITY), f64::INFINITY);
        assert!(go_max(-0.0, 0.0).is_sign_positive());
        assert!(go_min(0.0, -0.0).is_sign_negative());
    }
}
