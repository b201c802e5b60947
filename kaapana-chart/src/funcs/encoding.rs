//! Sprig's encoding and hash functions (`crypto.go`, `strings.go`).
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `b64enc` | `(v string) string` | standard alphabet, padded |
//! | `b64dec` | `(v string) string` | a decode error becomes the *result*: `illegal base64 data at input byte N` |
//! | `b32enc` | `(v string) string` | standard alphabet, padded |
//! | `b32dec` | `(v string) string` | errors as the result, like `b64dec` |
//! | `sha1sum` | `(input string) string` | lower-case hex |
//! | `sha256sum` | `(input string) string` | lower-case hex |
//! | `sha512sum` | `(input string) string` | lower-case hex |
//! | `adler32sum` | `(input string) string` | the checksum in decimal |
//!
//! The decoders are ports of Go's `encoding/base64` and `encoding/base32`
//! `DecodeString`, because their error offsets are template output.
//!
//! ```
//! use kaapana_chart::{Functions, TemplateSet, Value};
//! use std::sync::Arc;
//!
//! let mut set = TemplateSet::with_functions(Default::default(), Arc::new(Functions::helm()));
//! set.add("t", r#"{{ b64enc "hi" }} {{ b64dec "a" }}"#).unwrap();
//! assert_eq!(set.execute("t", &Value::Nil).unwrap(), "aGk= illegal base64 data at input byte 0");
//! ```

use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{str_arg, Functions};
use crate::value::{GoType, Signature, Value};

const S: GoType = GoType::String;

pub(crate) fn register(f: &mut Functions) {
    let one = Signature::fixed(&[S]);
    // The encoders grow their input (4/3, 8/5): repeated encoding could
    // build huge strings, so the result is charged to the output limit.
    f.register("b64enc", one, |ctx, a| {
        let s = str_arg(a, 0);
        ctx.charge_output(s.len().div_ceil(3) * 4)?;
        Ok(Value::from(base64_encode(s.as_bytes())))
    });
    f.register("b64dec", one, |_, a| {
        Ok(Value::from(match base64_decode(str_arg(a, 0).as_bytes()) {
            Ok(b) => bytes_to_string(b),
            Err(at) => format!("illegal base64 data at input byte {at}"),
        }))
    });
    f.register("b32enc", one, |ctx, a| {
        let s = str_arg(a, 0);
        ctx.charge_output(s.len().div_ceil(5) * 8)?;
        Ok(Value::from(base32_encode(s.as_bytes())))
    });
    f.register("b32dec", one, |_, a| {
        Ok(Value::from(match base32_decode(str_arg(a, 0).as_bytes()) {
            Ok(b) => bytes_to_string(b),
            Err(at) => format!("illegal base32 data at input byte {at}"),
        }))
    });
    f.register("sha1sum", one, |_, a| {
        Ok(Value::from(hex(&Sha1::digest(str_arg(a, 0).as_bytes()))))
    });
    f.register("sha256sum", one, |_, a| {
        Ok(Value::from(hex(&Sha256::digest(str_arg(a, 0).as_bytes()))))
    });
    f.register("sha512sum", one, |_, a| {
        Ok(Value::from(hex(&Sha512::digest(str_arg(a, 0).as_bytes()))))
    });
    f.register("adler32sum", one, |_, a| {
        Ok(Value::from(adler32(str_arg(a, 0).as_bytes()).to_string()))
    });
}

/// Go's `string(bytes)`. Our strings are UTF-8, so invalid sequences become
/// U+FFFD (a documented deviation: Go keeps the raw bytes).
pub(crate) fn bytes_to_string(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Lower-case hex, Go's `hex.EncodeToString`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Adler-32 (RFC 1950), Go's `hash/adler32.Checksum`.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // 5552 is the largest n with 255·n·(n+1)/2 + (n+1)·(MOD−1) < 2³²: sums
    // of that many bytes cannot overflow before the modulo.
    const NMAX: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(NMAX) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[(v >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u8> {
    B64.iter().position(|&x| x == c).map(|p| p as u8)
}

/// `base64.StdEncoding.DecodeString`: the decoded bytes, or the input offset
/// of Go's `CorruptInputError`. `\r` and `\n` are skipped anywhere; trailing
/// bits need not be zero (Go's non-strict mode).
pub(crate) fn base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        // One quantum of up to four symbols (Go's decodeQuantum).
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // StdEncoding is padded: a short final quantum is an error.
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: the end of the data.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            end = true;
            break;
        }
        let v = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if end {
            return Ok(out);
        }
    }
}

/// `base32.StdEncoding.EncodeToString`.
pub(crate) fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let v = b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        // Symbols carrying data: ceil(bits / 5).
        let used = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < used {
                out.push(char::from(B32[(v >> (35 - 5 * i) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32.StdEncoding.DecodeString`: newlines are removed first, then the
/// offsets of errors count in the stripped input (as Go's do).
pub(crate) fn base32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = input
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let olen = src.len();
    let mut rest = &src[..];
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(olen - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(olen - rest.len() + k - 1);
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(olen - rest.len() - 1);
                }
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(olen - rest.len() - 1),
            }
            j += 1;
        }
        let v = dbuf.iter().fold(0u64, |acc, &x| acc << 5 | u64::from(x));
        let bytes = [
            (v >> 32) as u8,
            (v >> 24) as u8,
            (v >> 16) as u8,
            (v >> 8) as u8,
            v as u8,
        ];
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..n]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        for s in ["", "a", "ab", "abc", "abcd", "hello world"] {
            assert_eq!(
                base64_decode(base64_encode(s.as_bytes()).as_bytes()).unwrap(),
                s.as_bytes()
            );
            assert_eq!(
                base32_decode(base32_encode(s.as_bytes()).as_bytes()).unwrap(),
                s.as_bytes()
            );
        }
    }

    #[test]
    fn adler32_known_value() {
        // The Wikipedia example.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
