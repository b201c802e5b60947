//! Resource limits: every bound the engine puts on untrusted input.
//!
//! Helm has few limits of its own (an `include` depth of 1000 per template
//! name, Go's template call depth of 100,000) and relies on Go's growable
//! goroutine stacks. A library that renders charts uploaded by strangers must
//! never overflow its stack, hang, or allocate without bound, so every
//! dimension has a named constant here and a field in [`Limits`]. Each
//! constant is tested on both sides of its boundary.

/// Deepest nesting of control structures (`{{if}}`, `{{range}}`, `{{with}}`,
/// `{{define}}`, `{{block}}`) in one template file.
///
/// Go has no such limit; no real chart comes near it.
pub const MAX_NESTING_DEPTH: usize = 1_000;

/// Deepest nesting of parenthesised expressions in one action. This is Go's
/// own limit (`maxStackDepth` in `text/template/parse`), with Go's error
/// message `max expression depth exceeded`.
pub const MAX_EXPR_DEPTH: usize = 10_000;

/// Deepest chain of `{{template}}`/`include`/`tpl` calls in one render.
///
/// Go allows 100,000 (`exceeded maximum template depth (100000)`); Helm's
/// `include` stops a single name at 1000. We allow 10,000 in all, enough for
/// any chart that Helm renders (a recursion deeper than Helm's per-name limit
/// needs ten different names) while bounding the memory a render can take.
pub const MAX_CALL_DEPTH: usize = 10_000;

/// Helm's limit on nested `include` calls of the same template name
/// (`recursionMaxNums` in `pkg/engine/engine.go`).
pub const MAX_INCLUDE_DEPTH_PER_NAME: usize = 1_000;

/// Default step budget of one render: each action, command, function call,
/// loop iteration and template call costs one unit. A render that runs out
/// stops with an error instead of running forever.
///
/// Measured need (2026-11-21): the 618-template platform tree of `benches/`
/// renders in 22,249 steps, the Kaapana admin tree in 8,014, the
/// function-heavy bench chart in 15,185; so 10 million is over 400 times the
/// largest chart we know, while a runaway loop stops within about 0.3 s of
/// a release build (the bad-input corpus must finish within a second).
pub const DEFAULT_FUEL: u64 = 10_000_000;

/// Default cap on the bytes one render may produce (all files together,
/// and any single string a function builds).
pub const DEFAULT_MAX_OUTPUT: usize = 256 * 1024 * 1024;

/// Longest message of an error that a limit of ours caused (fuel, call
/// depth, output), in bytes; the middle of a longer one is elided.
///
/// Such an error is flattened into text at every template call it passes
/// on its way out, each level prefixing its own location. At the call-depth
/// limit that text would reach megabytes and, copied once per level, cost
/// seconds. Helm has none of these limits, so no Helm message is affected;
/// Helm's own errors (`include`'s nested-reference error included) keep
/// their full text.
pub const MAX_LIMIT_MESSAGE: usize = 8 * 1024;

/// Deepest nesting of YAML collections in a values file or `fromYaml` input.
pub const MAX_YAML_DEPTH: usize = 256;

/// Most YAML nodes a document may expand to, aliases counted at their
/// expanded size. Guards against "billion laughs".
pub const MAX_YAML_NODES: usize = 1_000_000;

/// Deepest nesting a value may have when printed, serialised or compared.
/// Self-referencing maps (`set $d "self" $d`) stop here with an error.
pub const MAX_VALUE_DEPTH: usize = 10_000;

/// Largest compiled form of one regular expression (`regexMatch` and
/// friends), in bytes of the `regex` crate's automaton.
///
/// Go bounds a pattern by its parse tree (`expression too large` beyond
/// about 3.3 million instructions; repeat counts at most 1000, also when
/// nested); every such pattern a chart plausibly uses compiles far below
/// this. A pattern beyond it stops the render with `LimitExceeded`.
pub const MAX_REGEX_SIZE: usize = 64 * 1024 * 1024;

/// Compiled regular expressions kept per thread, so that a `regexMatch`
/// in a loop compiles its pattern once. The cache is emptied when full.
pub const MAX_REGEX_CACHE: usize = 64;
/// Deepest nesting of the values checked against a `values.schema.json`.
/// The validator recurses once per level, so this bounds its stack.
///
/// Go has no such limit; values files cannot nest deeper than
/// [`MAX_YAML_DEPTH`] anyway.
pub const MAX_SCHEMA_VALUE_DEPTH: usize = 1_000;

/// Calls of Sprig's deliberately slow crypto one render may make: RSA and
/// DSA key generation (`genPrivateKey "rsa"` or `"dsa"`, and the RSA key
/// `genCA`, `genSelfSignedCert` and `genSignedCert` make for themselves),
/// bcrypt (`bcrypt`, `htpasswd`) and scrypt (`derivePassword`).
///
/// Fuel counts one step for such a call, but each costs 50 ms to 2 s of CPU
/// (bcrypt at cost 10 about 50 ms, scrypt with N=32768 about 100 ms and
/// 64 MiB, an RSA-4096 key about 2 s), so a loop over them would run for
/// hours within its fuel. Real charts make a handful of such calls (a CA
/// and a certificate per service, a few htpasswd users); ECDSA and Ed25519
/// keys take microseconds and are not counted. Helm has no such limit.
pub const MAX_SLOW_CRYPTO: usize = 32;

/// The limits of one engine. `Limits::default()` is strict enough for
/// untrusted charts and generous enough for every real one.
///
/// ```
/// use kaapana_chart::Limits;
///
/// let tight = Limits { fuel: Some(10_000), ..Limits::default() };
/// assert_eq!(tight.max_call_depth, kaapana_chart::limits::MAX_CALL_DEPTH);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Step budget of one render; `None` means unbounded.
    pub fuel: Option<u64>,
    /// Bytes one render may produce.
    pub max_output: usize,
    /// Deepest template call chain.
    pub max_call_depth: usize,
    /// Deepest control-structure nesting at parse time.
    pub max_nesting_depth: usize,
    /// Slow crypto calls (RSA/DSA keys, bcrypt, scrypt) one render may
    /// make ([`MAX_SLOW_CRYPTO`]).
    pub max_slow_crypto: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: Some(DEFAULT_FUEL),
            max_output: DEFAULT_MAX_OUTPUT,
            max_call_depth: MAX_CALL_DEPTH,
            max_nesting_depth: MAX_NESTING_DEPTH,
            max_slow_crypto: MAX_SLOW_CRYPTO,
        }
    }
}
