//! Engines and their options.

use std::ffi::c_char;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kaapana_chart::capabilities::{Capabilities, KubeVersion};
use kaapana_chart::{Engine, Limits};

use crate::args::{c_str, Out};
use crate::error::{boundary, kc_result, Failure};
use crate::handles::{self, Object};

/// An engine: the render settings (strictness, limits, capabilities,
/// deterministic clock and randomness). Immutable once created, and safe
/// to share between threads and to render with concurrently.
#[allow(non_camel_case_types)] // the C name
#[derive(Debug)]
pub struct kc_engine {
    _opaque: [u8; 0],
}

/// A builder for [`kc_engine_new`]. Not meant to be shared between threads
/// while it is being changed (the library does not crash if it is, but the
/// result is whatever order the calls happened in).
#[allow(non_camel_case_types)] // the C name
#[derive(Debug)]
pub struct kc_engine_options {
    _opaque: [u8; 0],
}

/// The settings a `kc_engine_options` collects.
#[derive(Debug, Clone, Default)]
pub(crate) struct EngineOptions {
    strict: bool,
    deterministic: Option<(u64, SystemTime)>,
    limits: Limits,
    kube_version: Option<String>,
    api_versions: Vec<String>,
    skip_schema_validation: bool,
    dns: bool,
}

/// What a `kc_engine` handle holds.
#[derive(Debug)]
pub(crate) struct EngineState {
    pub(crate) engine: Engine,
    /// Deterministic engines start each render's random stream afresh from
    /// the seed, so that a render's output does not depend on the renders
    /// before it (or on other threads).
    pub(crate) deterministic: Option<(u64, SystemTime)>,
}

impl EngineState {
    /// The engine for one render.
    pub(crate) fn for_render(&self) -> std::borrow::Cow<'_, Engine> {
        match self.deterministic {
            Some((seed, now)) => {
                std::borrow::Cow::Owned(self.engine.clone().with_deterministic(seed, now))
            }
            None => std::borrow::Cow::Borrowed(&self.engine),
        }
    }
}

impl EngineOptions {
    pub(crate) fn build(&self) -> Result<EngineState, Failure> {
        let mut caps = Capabilities::default();
        if let Some(v) = &self.kube_version {
            caps = caps.with_kube_version(v)?;
        }
        if !self.api_versions.is_empty() {
            caps = caps.with_api_versions(self.api_versions.iter().cloned());
        }
        let mut engine = Engine::new()
            .with_strict(self.strict)
            .with_dns(self.dns)
            .with_schema_validation(!self.skip_schema_validation)
            .with_limits(self.limits)
            .with_capabilities(caps);
        if let Some((seed, now)) = self.deterministic {
            engine = engine.with_deterministic(seed, now);
        }
        Ok(EngineState {
            engine,
            deterministic: self.deterministic,
        })
    }
}

/// Runs `f` on the options behind `opts`.
fn with_options(
    opts: *mut kc_engine_options,
    f: impl FnOnce(&mut EngineOptions) -> Result<(), Failure>,
) -> kc_result {
    boundary(|| {
        let o = handles::engine_options(opts, "opts")?;
        let mut o = o.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut o)
    })
}

/// Creates engine options with the defaults of `helm template`: not strict,
/// the system clock and OS randomness, the default limits, Helm 4.2's
/// default capabilities, schema validation on, DNS lookups off.
///
/// On success `*out` is a new handle, to be freed with
/// [`kc_engine_options_free`]; on failure it is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn kc_engine_options_new(out: *mut *mut kc_engine_options) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        let o = Arc::new(Mutex::new(EngineOptions::default()));
        out.set(handles::register(Object::EngineOptions(o))?);
        Ok(())
    })
}

/// Frees engine options. NULL is a no-op; a handle that is not live (freed
/// already) gives `KC_RESULT_INVALID_HANDLE` and changes nothing. Engines
/// created from the options are independent of them.
#[no_mangle]
pub extern "C" fn kc_engine_options_free(opts: *mut kc_engine_options) -> kc_result {
    boundary(|| handles::release(opts, "kc_engine_options"))
}

/// Helm's `--strict`: a missing map key fails the render (Go's
/// `missingkey=error`). Default false.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_strict(
    opts: *mut kc_engine_options,
    strict: bool,
) -> kc_result {
    with_options(opts, |o| {
        o.strict = strict;
        Ok(())
    })
}

/// Reproducible renders: `now` and the other date functions without a time
/// argument read the fixed instant `unix_seconds` + `nanoseconds` (since
/// 1970-01-01 UTC), and the random functions (`randAlphaNum`, `uuidv4`,
/// `genPrivateKey`, …) draw from a ChaCha20 generator seeded with `seed`.
/// Every render with such an engine starts the random stream afresh, so the
/// same inputs always give the same output, whatever else the engine (or
/// another thread) rendered before. `nanoseconds` must be below 10^9.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_deterministic(
    opts: *mut kc_engine_options,
    seed: u64,
    unix_seconds: i64,
    nanoseconds: u32,
) -> kc_result {
    with_options(opts, |o| {
        if nanoseconds >= 1_000_000_000 {
            return Err(Failure::invalid("nanoseconds must be below 1000000000"));
        }
        let offset = Duration::new(unix_seconds.unsigned_abs(), 0);
        let at = if unix_seconds >= 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        }
        .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(nanoseconds))))
        .ok_or_else(|| Failure::invalid("the instant is out of range"))?;
        o.deterministic = Some((seed, at));
        Ok(())
    })
}

/// The step budget of one render (each action, function call, loop
/// iteration and template call costs one); `UINT64_MAX` means unbounded.
/// Default 50,000,000. A render that runs out fails with
/// `KC_RESULT_LIMIT_EXCEEDED`.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_fuel(opts: *mut kc_engine_options, fuel: u64) -> kc_result {
    with_options(opts, |o| {
        o.limits.fuel = (fuel != u64::MAX).then_some(fuel);
        Ok(())
    })
}

/// The most bytes one render may produce (all files together). Default
/// 256 MiB.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_max_output(
    opts: *mut kc_engine_options,
    bytes: usize,
) -> kc_result {
    with_options(opts, |o| {
        o.limits.max_output = bytes;
        Ok(())
    })
}

/// The deepest chain of `template`/`include`/`tpl` calls. Default 10,000.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_max_call_depth(
    opts: *mut kc_engine_options,
    depth: usize,
) -> kc_result {
    with_options(opts, |o| {
        o.limits.max_call_depth = depth;
        Ok(())
    })
}

/// The deepest nesting of `if`/`range`/`with`/`define` in one template.
/// Default 1,000.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_max_nesting_depth(
    opts: *mut kc_engine_options,
    depth: usize,
) -> kc_result {
    with_options(opts, |o| {
        o.limits.max_nesting_depth = depth;
        Ok(())
    })
}

/// Helm's `--kube-version`: the Kubernetes version templates see as
/// `.Capabilities.KubeVersion` (e.g. `"v1.31.2"` or `"1.31"`), a
/// NUL-terminated UTF-8 string; NULL restores the default. An unparsable
/// version gives `KC_RESULT_INVALID_ARGUMENT` and changes nothing.
///
/// # Safety
///
/// `version` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_engine_options_set_kube_version(
    opts: *mut kc_engine_options,
    version: *const c_char,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `version` is NULL or NUL-terminated.
        let version = unsafe { crate::args::opt_c_str(version, "version") };
        let version = version?;
        if let Some(v) = version {
            KubeVersion::parse(v)?;
        }
        o.kube_version = version.map(str::to_owned);
        Ok(())
    })
}

/// Helm's `--api-versions`: adds an API version (`"example.com/v1"` or
/// `"apps/v1/Deployment"`) to `.Capabilities.APIVersions`, a
/// NUL-terminated UTF-8 string.
///
/// # Safety
///
/// `version` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn kc_engine_options_add_api_version(
    opts: *mut kc_engine_options,
    version: *const c_char,
) -> kc_result {
    with_options(opts, |o| {
        // SAFETY: the caller promises `version` is NULL or NUL-terminated.
        let version = unsafe { c_str(version, "version") };
        o.api_versions.push(version?.to_owned());
        Ok(())
    })
}

/// Whether renders check the values against each chart's
/// `values.schema.json` (default true; false is Helm's
/// `--skip-schema-validation`).
#[no_mangle]
pub extern "C" fn kc_engine_options_set_schema_validation(
    opts: *mut kc_engine_options,
    validate: bool,
) -> kc_result {
    with_options(opts, |o| {
        o.skip_schema_validation = !validate;
        Ok(())
    })
}

/// Helm's `--enable-dns`: `getHostByName` asks the system resolver instead
/// of returning `""`. Default false; leave it off for untrusted charts.
#[no_mangle]
pub extern "C" fn kc_engine_options_set_dns(opts: *mut kc_engine_options, dns: bool) -> kc_result {
    with_options(opts, |o| {
        o.dns = dns;
        Ok(())
    })
}

/// Creates an engine from `opts` (NULL: the defaults of
/// [`kc_engine_options_new`]). The engine copies the options: they may be
/// changed or freed afterwards.
///
/// On success `*out` is a new handle, to be freed with [`kc_engine_free`];
/// on failure it is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn kc_engine_new(
    opts: *const kc_engine_options,
    out: *mut *mut kc_engine,
) -> kc_result {
    boundary(|| {
        // SAFETY: the caller promises `out` is NULL or writable.
        let out = unsafe { Out::new(out, std::ptr::null_mut(), "out") }?;
        let options = if opts.is_null() {
            EngineOptions::default()
        } else {
            let o = handles::engine_options(opts.cast_mut(), "opts")?;
            let o = o.lock().unwrap_or_else(PoisonError::into_inner);
            o.clone()
        };
        let state = Arc::new(options.build()?);
        out.set(handles::register(Object::Engine(state))?);
        Ok(())
    })
}

/// Frees an engine. NULL is a no-op; a handle that is not live gives
/// `KC_RESULT_INVALID_HANDLE`. Renders running on other threads with the
/// engine finish normally (they hold their own reference).
#[no_mangle]
pub extern "C" fn kc_engine_free(engine: *mut kc_engine) -> kc_result {
    boundary(|| handles::release(engine, "kc_engine"))
}
