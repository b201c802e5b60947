//! The function library templates can call, organised by family.
//!
//! Every function declares its Go signature ([`Signature`]), because Go's
//! template engine converts arguments to the declared parameter types and
//! fails with Go's exact messages when it cannot (`wrong type for value;
//! expected int; got float64`). A function is a closure that also receives a
//! [`CallContext`], through which Helm's `include` and `tpl` reach the
//! template set of the running render.
//!
//! Families: [`builtin`] (Go's typed builtins: `print`, `printf`, `println`,
//! `html`, `js`, `urlquery`), [`helm`] (Helm's own functions), [`lists`]
//! (Sprig's list functions), [`dicts`] (dictionaries, mergo's merge),
//! [`cast`] (conversions), [`math`] (integer and decimal arithmetic),
//! [`flow`] (defaults and flow), [`reflect`] (Go type and kind names),
//! [`strings`] (string and string-list functions), [`regex`] (regular
//! expressions, Go's RE2 syntax), [`encoding`] (base64/base32 and hashes),
//! [`dates`] (dates and durations), [`toml`] (Helm's TOML functions),
//! [`semver`] (`semver`, `semverCompare`), [`urls`] (`urlParse`,
//! `urlJoin`), [`paths`] (`base`, `dir`, …), [`random`] (random strings,
//! numbers and UUIDs) and, with the `crypto` feature, `crypto` (hashes for
//! passwords, AES, keys and certificates). Go's reflect-level builtins
//! (`and`, `or`, `not`,
//! `len`, `index`, `eq`, …) live in the executor because they see values
//! before Go's type conversion.

pub mod builtin;
pub mod cast;
#[cfg(feature = "crypto")]
pub mod crypto;
pub mod dates;
pub mod dicts;
pub mod encoding;
pub mod flow;
pub(crate) mod gotime;
pub mod helm;
pub mod lists;
pub mod math;
pub mod paths;
pub mod random;
pub mod reflect;
pub mod regex;
pub mod semver;
pub mod strings;
pub mod toml;
pub mod urls;

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::template::errors::ExecError;
pub use crate::template::CallContext;
use crate::value::intern::NameHasher;
use crate::value::{Signature, Value};

/// The implementation of a template function: it receives the arguments
/// already converted to its [`Signature`].
pub type FuncImpl =
    dyn Fn(&mut CallContext<'_, '_, '_>, &[Value]) -> Result<Value, FuncError> + Send + Sync;

/// A registered template function.
#[derive(Clone)]
pub struct Function {
    sig: Signature,
    imp: Arc<FuncImpl>,
}

impl Function {
    /// The Go signature.
    pub fn signature(&self) -> Signature {
        self.sig
    }

    pub(crate) fn call(
        &self,
        ctx: &mut CallContext<'_, '_, '_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        (self.imp)(ctx, args)
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Function").field("sig", &self.sig).finish()
    }
}

/// A function registry: name → typed function.
///
/// ```
/// use kaapana_chart::{Functions, Signature, GoType, Value, TemplateSet};
/// use std::sync::Arc;
///
/// let mut funcs = Functions::helm();
/// funcs.register("shout", Signature::fixed(&[GoType::String]), |_, args| {
///     Ok(Value::from(format!("{}!", args[0].as_str().unwrap_or(""))))
/// });
/// let mut set = TemplateSet::with_functions(Default::default(), Arc::new(funcs));
/// set.add("t", r#"{{ shout "hi" }}"#).unwrap();
/// assert_eq!(set.execute("t", &Value::Nil).unwrap(), "hi!");
/// ```
pub struct Functions {
    /// Hashed with FNV ([`NameHasher`]) rather than SipHash, which was a few
    /// percent of a function-heavy render: the keys are the registered
    /// names, fixed before any template runs, so a template cannot grow the
    /// table with colliding names (it can only look names up).
    map: HashMap<Arc<str>, Function, BuildHasherDefault<NameHasher>>,
    /// Names this registry's contents: a new one on creation, on every
    /// clone and on every change. Parsed templates remember which function
    /// a name resolved to under which registry (see
    /// [`Functions::generation`]).
    generation: u64,
}

/// The source of [`Functions::generation`]s.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

impl Default for Functions {
    fn default() -> Functions {
        Functions {
            map: HashMap::default(),
            generation: next_generation(),
        }
    }
}

impl Clone for Functions {
    fn clone(&self) -> Functions {
        // The clone may be changed independently: it is another registry.
        Functions {
            map: self.map.clone(),
            generation: next_generation(),
        }
    }
}

impl fmt::Debug for Functions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.map.keys().map(|k| &**k).collect();
        names.sort_unstable();
        f.debug_struct("Functions").field("names", &names).finish()
    }
}

impl Functions {
    /// An empty registry (Go's builtins are always available on top).
    pub fn empty() -> Functions {
        Functions::default()
    }

    /// Go's typed builtins only.
    pub fn go() -> Functions {
        let mut f = Functions::empty();
        builtin::register(&mut f);
        f
    }

    /// Everything a Helm template can call (as far as implemented), with
    /// the system clock and OS randomness, like Helm.
    pub fn helm() -> Functions {
        Functions::helm_with(dates::Clock::System, random::Entropy::os())
    }

    /// Like [`Functions::helm`], but reproducible: `now` (and `date`, `ago`,
    /// … without a time argument, and the validity of generated
    /// certificates) read the fixed instant `now`, and every random function
    /// (`randAlphaNum`, `uuidv4`, `genPrivateKey`, `encryptAES`'s IV, …)
    /// draws from one ChaCha20 generator seeded with `seed`. Renders with a
    /// fresh registry are reproducible; clones of a registry share its
    /// generator, so a second render with the same registry continues the
    /// stream.
    ///
    /// ```
    /// use kaapana_chart::{Functions, TemplateSet, Value};
    /// use std::sync::Arc;
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let funcs = Functions::helm_deterministic(7, now);
    /// let mut set = TemplateSet::with_functions(Default::default(), Arc::new(funcs));
    /// set.add("t", r#"{{ dateInZone "2006-01-02" now "UTC" }}"#).unwrap();
    /// assert_eq!(set.execute("t", &Value::Nil).unwrap(), "2023-11-14");
    /// ```
    pub fn helm_deterministic(seed: u64, now: std::time::SystemTime) -> Functions {
        Functions::helm_with(dates::Clock::Fixed(now), random::Entropy::seeded(seed))
    }

    fn helm_with(clock: dates::Clock, entropy: random::Entropy) -> Functions {
        let mut f = Functions::go();
        lists::register(&mut f);
        cast::register(&mut f);
        math::register(&mut f);
        flow::register(&mut f);
        reflect::register(&mut f);
        strings::register(&mut f);
        regex::register(&mut f);
        encoding::register(&mut f);
        dates::register(&mut f, clock);
        toml::register(&mut f);
        dicts::register(&mut f);
        paths::register(&mut f);
        semver::register(&mut f);
        urls::register(&mut f);
        random::register(&mut f, &entropy);
        #[cfg(feature = "crypto")]
        crypto::register(&mut f, clock, &entropy);
        helm::register(&mut f);
        f
    }

    /// Adds the duration helpers of Helm's main branch, which Helm 4.2.3
    /// does not have (its templates fail with `function "durationSeconds"
    /// not defined`): `mustToDuration`, `durationSeconds`,
    /// `durationMilliseconds`, `durationMicroseconds`,
    /// `durationNanoseconds`, `durationMinutes`, `durationHours`,
    /// `durationDays`, `durationWeeks`, `durationRoundTo`,
    /// `durationTruncateTo`. Durations are `time.Duration` strings
    /// (`1h2m3s`), numeric strings or numbers (seconds). Off by default, so a
    /// registry behaves like Helm 4.2.3 unless asked.
    ///
    /// ```
    /// use kaapana_chart::{Functions, TemplateSet, Value};
    /// use std::sync::Arc;
    ///
    /// assert!(!Functions::helm().contains("durationSeconds"));
    /// let funcs = Functions::helm().with_helm_main_durations();
    /// let mut set = TemplateSet::with_functions(Default::default(), Arc::new(funcs));
    /// set.add("t", r#"{{ durationSeconds "1m30s" }} {{ mustToDuration 90 }} {{ durationRoundTo "1h29m" "1h" }}"#)
    ///     .unwrap();
    /// assert_eq!(set.execute("t", &Value::Nil).unwrap(), "90 1m30s 1h0m0s");
    /// ```
    pub fn with_helm_main_durations(mut self) -> Functions {
        helm::register_durations(&mut self);
        self
    }

    /// Registers (or replaces) a function.
    pub fn register<F>(&mut self, name: &str, sig: Signature, f: F)
    where
        F: Fn(&mut CallContext<'_, '_, '_>, &[Value]) -> Result<Value, FuncError>
            + Send
            + Sync
            + 'static,
    {
        self.generation = next_generation();
        self.map.insert(
            Arc::from(name),
            Function {
                sig,
                imp: Arc::new(f),
            },
        );
    }

    /// The function of that name.
    pub fn get(&self, name: &str) -> Option<&Function> {
        self.map.get(name)
    }

    /// A number no other registry state has had in this process: the same
    /// number means the same functions under the same names.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether a function of that name is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.map.keys().map(|k| &**k).collect();
        names.sort_unstable();
        names
    }
}

/// The error a template function returns (Go's `error` result).
///
/// Its message is Go's `err.Error()`. An error from a nested template
/// execution (`include`) keeps its structure, so that Helm's multi-line error
/// form can be rebuilt from the chain.
#[derive(Debug, Clone)]
pub struct FuncError {
    repr: FuncErrorRepr,
}

#[derive(Debug, Clone)]
enum FuncErrorRepr {
    Plain(String),
    Exec(Box<ExecError>),
    Wrapped(String, Box<FuncError>),
    Limit(String),
}

impl FuncError {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> FuncError {
        FuncError {
            repr: FuncErrorRepr::Plain(msg.into()),
        }
    }

    /// `fmt.Errorf("<prefix>%w", inner)`.
    pub fn wrap(prefix: impl Into<String>, inner: FuncError) -> FuncError {
        FuncError {
            repr: FuncErrorRepr::Wrapped(prefix.into(), Box::new(inner)),
        }
    }

    /// A resource limit was hit; the render stops with `LimitExceeded`.
    pub fn limit(msg: impl Into<String>) -> FuncError {
        FuncError {
            repr: FuncErrorRepr::Limit(msg.into()),
        }
    }

    pub(crate) fn from_exec(e: ExecError) -> FuncError {
        FuncError {
            repr: FuncErrorRepr::Exec(Box::new(e)),
        }
    }

    pub(crate) fn as_exec(&self) -> Option<&ExecError> {
        match &self.repr {
            FuncErrorRepr::Exec(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this is a plain Go error (not a wrapped or nested one).
    pub(crate) fn is_plain(&self) -> bool {
        matches!(self.repr, FuncErrorRepr::Plain(_))
    }

    /// Whether a resource limit caused the error.
    pub fn is_limit(&self) -> bool {
        match &self.repr {
            FuncErrorRepr::Limit(_) => true,
            FuncErrorRepr::Exec(e) => e.is_limit(),
            FuncErrorRepr::Wrapped(_, inner) => inner.is_limit(),
            FuncErrorRepr::Plain(_) => false,
        }
    }

    /// Go's `err.Error()`.
    pub fn message(&self) -> String {
        let mut out = String::new();
        self.write_message(&mut out);
        out
    }

    /// Appends Go's `err.Error()` to `out`. One buffer for the whole chain:
    /// building each link's text from its inner link's would copy a chain
    /// of `n` nested `tpl`/`include` errors `n` times (quadratic: seconds
    /// and gigabytes at the call-depth limit).
    pub(crate) fn write_message(&self, out: &mut String) {
        match &self.repr {
            FuncErrorRepr::Plain(s) | FuncErrorRepr::Limit(s) => out.push_str(s),
            FuncErrorRepr::Exec(e) => e.write_go(out),
            FuncErrorRepr::Wrapped(prefix, inner) => {
                out.push_str(prefix);
                inner.write_message(out);
            }
        }
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for FuncError {}

impl From<String> for FuncError {
    fn from(s: String) -> FuncError {
        FuncError::new(s)
    }
}

impl From<&str> for FuncError {
    fn from(s: &str) -> FuncError {
        FuncError::new(s)
    }
}

/// The string argument at `i` (arguments arrive converted to their declared
/// types, so a `string` parameter always holds a string).
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}
