//! Sprig's random-string, random-number and UUID functions (`strings.go`,
//! `crypto.go`, `functions.go`), all drawing from one generator owned by the
//! function registry.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `randAlphaNum` | `(count int) string` | `[0-9A-Za-z]` |
//! | `randAlpha` | `(count int) string` | `[A-Za-z]` |
//! | `randNumeric` | `(count int) string` | `[0-9]` |
//! | `randAscii` | `(count int) string` | printable ASCII, `' '` to `'~'` |
//! | `randInt` | `(min, max int) int` | in `[min, max)`; `max <= min` fails: `invalid argument to Intn` |
//! | `randBytes` | `(count int) (string, error)` | `count` random bytes, base64 (standard, padded) |
//! | `shuffle` | `(str string) string` | a random permutation of the characters (runes, not bytes) |
//! | `uuidv4` | `() string` | RFC 4122 version 4, lower-case `8-4-4-4-12` hex |
//!
//! The string functions come from `goutils.CryptoRandom*`, whose errors
//! Sprig drops: a negative `count` gives `""`. `randBytes` of a negative
//! count fails like Go's `make`: `runtime error: makeslice: len out of range`.
//! The strings are charged to the render's output limit before they are
//! built, so `randAlpha 1000000000` stops with a limit error.
//!
//! Helm draws from the OS (`crypto/rand`; `math/rand`'s global generator
//! for `randInt` and `shuffle`). [`super::Functions::helm`] does the same,
//! from the operating system's generator; [`super::Functions::helm_deterministic`]
//! uses one ChaCha20 generator seeded with its `seed`, shared by every random
//! function *and* by the crypto functions (keys, IVs, salts, serial
//! numbers), so a render with a fresh deterministic registry is reproducible.
//!
//! ```
//! use kaapana_chart::{Functions, TemplateSet, Value};
//! use std::sync::Arc;
//! use std::time::UNIX_EPOCH;
//!
//! let render = |seed| {
//!     let funcs = Arc::new(Functions::helm_deterministic(seed, UNIX_EPOCH));
//!     let mut set = TemplateSet::with_functions(Default::default(), funcs);
//!     set.add("t", r#"{{ randAlphaNum 12 }} {{ uuidv4 }}"#).unwrap();
//!     set.execute("t", &Value::Nil).unwrap()
//! };
//! assert_eq!(render(1), render(1));
//! assert_ne!(render(1), render(2));
//! assert_eq!(render(1).len(), 12 + 1 + 36);
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, OsRng, RngCore, SeedableRng};

use super::encoding::base64_encode;
use super::{str_arg, FuncError, Functions};
use crate::value::{GoType, Signature, Value};

const INT: GoType = GoType::Int;

/// The random source of one function registry: a cheap handle (clones share
/// the generator) that the RustCrypto key generators accept as a
/// cryptographic RNG.
#[derive(Clone)]
pub(crate) struct Entropy(Arc<Mutex<Source>>);

enum Source {
    /// The operating system's generator (Go's `crypto/rand`).
    Os,
    /// A seeded ChaCha20 stream (deterministic renders).
    Seeded(Box<ChaCha20Rng>),
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seeded = matches!(
            *self.0.lock().unwrap_or_else(PoisonError::into_inner),
            Source::Seeded(_)
        );
        f.debug_struct("Entropy").field("seeded", &seeded).finish()
    }
}

impl Entropy {
    /// The operating system's generator, like Helm.
    pub(crate) fn os() -> Entropy {
        Entropy(Arc::new(Mutex::new(Source::Os)))
    }

    /// ChaCha20 seeded from `seed`: the same seed gives the same stream.
    pub(crate) fn seeded(seed: u64) -> Entropy {
        Entropy(Arc::new(Mutex::new(Source::Seeded(Box::new(
            ChaCha20Rng::seed_from_u64(seed),
        )))))
    }

    /// A uniform integer in `[0, n)`; `n` must be positive.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Rejection sampling: drop draws from the incomplete last copy of
        // [0, n) so every residue is equally likely.
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }
}

impl RngCore for Entropy {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match &mut *self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Source::Os => OsRng.fill_bytes(dest),
            Source::Seeded(rng) => rng.fill_bytes(dest),
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        match &mut *self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Source::Os => OsRng.try_fill_bytes(dest),
            Source::Seeded(rng) => rng.try_fill_bytes(dest),
        }
    }
}

/// Both sources are cryptographically secure (OS generator, ChaCha20).
impl CryptoRng for Entropy {}

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `goutils.CryptoRandom` restricted to an ASCII alphabet. goutils draws
/// from `' '..='z'` and rejects what is not a letter/digit, which is a
/// uniform choice among the accepted characters, as here.
fn random_string(
    ctx: &mut super::CallContext<'_, '_, '_>,
    rng: &mut Entropy,
    count: i64,
    alphabet: &[u8],
) -> Result<Value, FuncError> {
    // goutils returns an error for count < 0, which Sprig discards.
    let Ok(count) = usize::try_from(count) else {
        return Ok(Value::from(""));
    };
    ctx.charge_output(count)?;
    let len = alphabet.len() as u64;
    let s: String = (0..count)
        .map(|_| char::from(alphabet[rng.below(len) as usize]))
        .collect();
    Ok(Value::from(s))
}

fn ascii_printable() -> Vec<u8> {
    (b' '..=b'~').collect()
}

pub(crate) fn register(f: &mut Functions, entropy: &Entropy) {
    let one = Signature::fixed(&[INT]);
    let ascii: Arc<[u8]> = ascii_printable().into();
    for (name, alphabet) in [
        ("randAlphaNum", Arc::<[u8]>::from(ALNUM)),
        ("randAlpha", Arc::from(LETTERS)),
        ("randNumeric", Arc::from(DIGITS)),
        ("randAscii", ascii),
    ] {
        let rng = entropy.clone();
        f.register(name, one, move |ctx, a| {
            random_string(ctx, &mut rng.clone(), int_arg(a, 0), &alphabet)
        });
    }

    let rng = entropy.clone();
    f.register("randInt", Signature::fixed(&[INT, INT]), move |_, a| {
        let (min, max) = (int_arg(a, 0), int_arg(a, 1));
        // Go computes max-min in int arithmetic (wrapping) and
        // rand.Intn panics on a non-positive argument.
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError::new("invalid argument to Intn"));
        }
        let r = rng.clone().below(n as u64) as i64;
        Ok(Value::Int(r.wrapping_add(min)))
    });

    let rng = entropy.clone();
    f.register("randBytes", one.with_error(), move |ctx, a| {
        let Ok(count) = usize::try_from(int_arg(a, 0)) else {
            return Err(FuncError::new("runtime error: makeslice: len out of range"));
        };
        ctx.charge_output(count.div_ceil(3).saturating_mul(4))?;
        let mut buf = vec![0u8; count];
        rng.clone().fill_bytes(&mut buf);
        Ok(Value::from(base64_encode(&buf)))
    });

    let rng = entropy.clone();
    f.register(
        "shuffle",
        Signature::fixed(&[GoType::String]),
        move |_, a| {
            // xstrings.Shuffle: a Fisher–Yates shuffle of the runes.
            let mut chars: Vec<char> = str_arg(a, 0).chars().collect();
            let mut rng = rng.clone();
            for i in (1..chars.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                chars.swap(i, j);
            }
            Ok(Value::from(chars.into_iter().collect::<String>()))
        },
    );

    let rng = entropy.clone();
    f.register("uuidv4", Signature::fixed(&[]), move |_, _| {
        Ok(Value::from(uuid_v4(&mut rng.clone())))
    });
}

/// The `int` argument at `i`.
fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

/// A version 4 UUID as `github.com/google/uuid` prints it.
pub(crate) fn uuid_v4(rng: &mut Entropy) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = super::encoding::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_in_range_and_covers_it() {
        let mut rng = Entropy::seeded(3);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = rng.below(7);
            assert!(x < 7);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.below(1), 0);
        assert!(rng.below(u64::MAX) < u64::MAX);
    }

    #[test]
    fn seeded_streams_repeat_and_differ() {
        let (mut a, mut b, mut c) = (Entropy::seeded(9), Entropy::seeded(9), Entropy::seeded(10));
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
        // Clones share the stream.
        let mut d = a.clone();
        assert_ne!(a.next_u64(), d.next_u64());
    }

    #[test]
    fn uuid_shape() {
        let u = uuid_v4(&mut Entropy::os());
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(u
            .bytes()
            .all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
