//! Handles: what C holds instead of pointers to Rust objects.
//!
//! A handle is an opaque, never-reused number dressed as a pointer
//! (`kc_engine *`). The objects live in one registry, keyed by that number,
//! behind `Arc`s. So:
//!
//! - C never dereferences anything of ours, and we never dereference a
//!   pointer C gives us as a handle: a garbage, dangling or wrong-typed
//!   handle is looked up, not followed, and gives
//!   `KC_RESULT_INVALID_HANDLE`;
//! - a double free is detected (numbers are never reused), and so is
//!   every use after free;
//! - a call takes its own `Arc` of the object under a short read lock, so
//!   freeing a handle while another thread renders with it is safe: the
//!   object dies when the last render using it finishes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};

use kaapana_chart::chart::Chart;

use crate::error::{kc_result, Failure};

/// Handle numbers step by this, so that they look like aligned pointers to
/// tools that inspect them, and start at it, so that none is NULL.
const HANDLE_STEP: usize = 16;

/// What a handle stands for.
#[derive(Debug, Clone)]
pub(crate) enum Object {
    EngineOptions(Arc<Mutex<crate::engine::EngineOptions>>),
    Engine(Arc<crate::engine::EngineState>),
    Chart(Arc<Chart>),
    RenderOptions(Arc<Mutex<crate::render::RenderOptions>>),
    Source(Arc<kaapana_chart::kaapana::SourceTree>),
}

impl Object {
    fn type_name(&self) -> &'static str {
        match self {
            Object::EngineOptions(_) => "kc_engine_options",
            Object::Engine(_) => "kc_engine",
            Object::Chart(_) => "kc_chart",
            Object::RenderOptions(_) => "kc_render_options",
            Object::Source(_) => "kc_source",
        }
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(HANDLE_STEP);
static REGISTRY: LazyLock<RwLock<HashMap<usize, Object>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// Registers `object` and returns its handle (as a pointer of C's type).
pub(crate) fn register<T>(object: Object) -> Result<*mut T, Failure> {
    let id = NEXT.fetch_add(HANDLE_STEP, Ordering::Relaxed);
    // After 2^60 handles on 64-bit (2^28 on 32-bit) the counter would wrap
    // and numbers could repeat; refuse instead.
    if id == 0 || id > usize::MAX - HANDLE_STEP {
        return Err(Failure::new(
            kc_result::KC_RESULT_LIMIT_EXCEEDED,
            "no handle numbers left",
        ));
    }
    REGISTRY
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, object);
    Ok(std::ptr::without_provenance_mut(id))
}

/// The object behind `handle` (a clone of its `Arc`), if it is live.
pub(crate) fn lookup<T>(handle: *const T, what: &str) -> Result<Object, Failure> {
    if handle.is_null() {
        return Err(Failure::null(what));
    }
    REGISTRY
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&handle.addr())
        .cloned()
        .ok_or_else(|| dead(what))
}

/// Removes `handle` from the registry if it is a live handle of the type
/// `expected` (as `Object::type_name` spells it). NULL is a no-op.
pub(crate) fn release<T>(handle: *const T, expected: &str) -> Result<(), Failure> {
    if handle.is_null() {
        return Ok(());
    }
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    match registry.get(&handle.addr()) {
        Some(o) if o.type_name() == expected => {
            // Dropped after the lock is released below (an engine or a
            // chart can be big).
            let object = registry.remove(&handle.addr());
            drop(registry);
            drop(object);
            Ok(())
        }
        Some(o) => Err(wrong_type(expected, o.type_name())),
        None => Err(dead(expected)),
    }
}

fn dead(what: &str) -> Failure {
    Failure::new(
        kc_result::KC_RESULT_INVALID_HANDLE,
        format!("{what} is not a live handle (already freed, or never created by this library)"),
    )
}

pub(crate) fn wrong_type(expected: &str, found: &str) -> Failure {
    Failure::new(
        kc_result::KC_RESULT_INVALID_HANDLE,
        format!("expected a {expected} handle, got a {found} handle"),
    )
}

/// Typed lookups.
macro_rules! typed_lookup {
    ($fn:ident, $variant:ident, $ty:ty, $cty:ty, $name:literal) => {
        pub(crate) fn $fn(handle: *const $cty, what: &str) -> Result<$ty, Failure> {
            match lookup(handle, what)? {
                Object::$variant(o) => Ok(o),
                other => Err(wrong_type($name, other.type_name())),
            }
        }
    };
}

typed_lookup!(
    engine_options,
    EngineOptions,
    Arc<Mutex<crate::engine::EngineOptions>>,
    crate::engine::kc_engine_options,
    "kc_engine_options"
);
typed_lookup!(
    engine,
    Engine,
    Arc<crate::engine::EngineState>,
    crate::engine::kc_engine,
    "kc_engine"
);
typed_lookup!(chart, Chart, Arc<Chart>, crate::chart::kc_chart, "kc_chart");
typed_lookup!(
    source,
    Source,
    Arc<kaapana_chart::kaapana::SourceTree>,
    crate::kaapana::kc_source,
    "kc_source"
);
typed_lookup!(
    render_options,
    RenderOptions,
    Arc<Mutex<crate::render::RenderOptions>>,
    crate::render::kc_render_options,
    "kc_render_options"
);

/// Strings handed to C (`char **out`): address -> (length, capacity) of
/// the buffer, so that `kc_string_free` frees only what we allocated, and
/// only once. The buffers themselves belong to C until then (so a string C
/// forgets to free is a leak that valgrind reports as such).
static STRINGS: LazyLock<Mutex<HashMap<usize, (usize, usize)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Hands `text` to C as a NUL-terminated buffer (the text may itself
/// contain NULs: C gets the length too). Returns the pointer and the length
/// without the terminator.
pub(crate) fn give_string(text: String) -> (*mut std::ffi::c_char, usize) {
    let len = text.len();
    let mut bytes = text.into_bytes();
    bytes.push(0);
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    let ptr = bytes.as_mut_ptr();
    STRINGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(ptr.addr(), (bytes.len(), bytes.capacity()));
    (ptr.cast(), len)
}

/// Frees a string from [`give_string`]; NULL is a no-op.
pub(crate) fn free_string(ptr: *mut std::ffi::c_char) -> Result<(), Failure> {
    if ptr.is_null() {
        return Ok(());
    }
    let removed = STRINGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&ptr.addr());
    match removed {
        Some((len, cap)) => {
            // SAFETY: the registry held this address, so `ptr` is the
            // buffer of a Vec<u8> that give_string leaked with exactly this
            // length and capacity, and it was removed from the registry
            // under the lock, so it is rebuilt (and freed) exactly once.
            drop(unsafe { Vec::from_raw_parts(ptr.cast::<u8>(), len, cap) });
            Ok(())
        }
        None => Err(Failure::new(
            kc_result::KC_RESULT_INVALID_HANDLE,
            "not a string returned by this library, or already freed",
        )),
    }
}

/// How many handles and strings are live (created and not yet freed).
pub(crate) fn live() -> usize {
    let handles = REGISTRY
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .len();
    let strings = STRINGS.lock().unwrap_or_else(PoisonError::into_inner).len();
    handles + strings
}
