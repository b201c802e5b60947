//! Sharing short strings that parsers make over and over.
//!
//! `fromJson` and `fromYaml` turn the same keys (`name`, `enabled`,
//! `app.kubernetes.io/name`) and many of the same short values into new
//! strings on every call, and a function-heavy chart calls them thousands of
//! times per render: allocating and freeing those strings was the largest
//! allocation site left. A small per-thread table of recent short strings
//! hands out shared copies instead. Strings are immutable, so sharing one is
//! invisible to templates. The template parser shares field, variable and
//! function names through it too.
//!
//! The table is direct-mapped (one slot per hash bucket, replaced on a
//! miss), so its size is fixed: [`INTERN_SLOTS`] strings of at most
//! [`INTERN_MAX_LEN`] bytes per thread.

use std::cell::RefCell;
use std::hash::Hasher;
use std::sync::Arc;

/// The longest string the table keeps. Keys and short values are shorter;
/// longer strings rarely repeat and would make the table hold more memory.
pub(crate) const INTERN_MAX_LEN: usize = 32;

/// Slots in each thread's table (a power of two).
pub(crate) const INTERN_SLOTS: usize = 1024;

thread_local! {
    static TABLE: RefCell<Vec<Option<Arc<str>>>> = const { RefCell::new(Vec::new()) };
}

/// `s` as a shared string: from the table when it holds `s`, else new (and
/// then kept in the table, if short).
pub(crate) fn intern(s: &str) -> Arc<str> {
    if s.len() > INTERN_MAX_LEN {
        return Arc::from(s);
    }
    let slot = (hash(s.as_bytes()) as usize) & (INTERN_SLOTS - 1);
    TABLE
        .try_with(|t| {
            // Re-entry cannot happen (nothing here calls back), but a
            // failed borrow must not panic: fall back to a new string.
            let Ok(mut t) = t.try_borrow_mut() else {
                return Arc::from(s);
            };
            if t.is_empty() {
                t.resize(INTERN_SLOTS, None);
            }
            match t.get_mut(slot) {
                Some(Some(hit)) if **hit == *s => hit.clone(),
                Some(entry) => {
                    let new: Arc<str> = Arc::from(s);
                    *entry = Some(new.clone());
                    new
                }
                None => Arc::from(s),
            }
        })
        // The thread is exiting: no table.
        .unwrap_or_else(|_| Arc::from(s))
}

/// [`NameHasher`] with its high bits folded down for the slot: short
/// inputs, and the table's contents do not depend on it for correctness
/// (a collision only costs a miss).
fn hash(b: &[u8]) -> u64 {
    let mut h = NameHasher::default();
    h.write(b);
    let h = h.finish();
    h ^ (h >> 29)
}

/// FNV-1a, for short names: the function registry's hasher and the slot of
/// this table. Unkeyed: only for tables whose keys a chart cannot choose to
/// collide (the registry's names are fixed before any template runs) or
/// whose collisions cost only a miss (this table).
#[derive(Debug)]
pub(crate) struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> NameHasher {
        // FNV-1a's offset basis.
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_are_shared_long_ones_are_not() {
        let a = intern("enabled");
        let b = intern("enabled");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*a, "enabled");
        let at_limit = "x".repeat(INTERN_MAX_LEN);
        assert!(Arc::ptr_eq(&intern(&at_limit), &intern(&at_limit)));
        let past = "x".repeat(INTERN_MAX_LEN + 1);
        assert!(!Arc::ptr_eq(&intern(&past), &intern(&past)));
        assert_eq!(&*intern(""), "");
    }

    #[test]
    fn a_colliding_string_replaces_the_slot_and_stays_correct() {
        // Many distinct strings through a fixed table: every answer is the
        // string asked for, whatever was evicted.
        for i in 0..4 * INTERN_SLOTS {
            let s = format!("k{i}");
            assert_eq!(&*intern(&s), s);
        }
    }
}
