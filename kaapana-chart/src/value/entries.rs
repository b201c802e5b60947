//! The entries of a Go map: string keys in sorted order.
//!
//! Almost every map a chart render makes is small: the `dict` of an
//! `include`'s arguments, a container's `resources`, the labels of an
//! object. A B-tree gives each of them a full node (room for eleven
//! entries) and walks it to drop it; a sorted vector gives them exactly
//! their size and a plain loop. So a map starts as a sorted vector and
//! becomes a B-tree when it grows past [`SMALL_MAP_MAX`] entries, where
//! inserting into the middle of a vector would start to cost (a template
//! can insert keys in any order, and must not make an insert cost as much
//! as the map is long).

use std::cmp::Ordering;
use std::collections::{btree_map, BTreeMap};
use std::fmt;
use std::iter::FusedIterator;
use std::sync::Arc;

use super::Value;

/// The most entries a map keeps in a sorted vector before it becomes a
/// B-tree. Inserting into a vector this long moves at most 2.5 KiB.
pub(crate) const SMALL_MAP_MAX: usize = 64;

/// Up to this many entries, [`Entries::get`] scans instead of bisecting.
const SCAN_MAX: usize = 8;

/// `a == b`, rejecting on the length and the first byte before comparing
/// the rest: keys of one map mostly differ there, and a string comparison
/// is a library call.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// `a.cmp(b)` (byte order), deciding on the first byte when it differs.
#[inline]
fn key_cmp(a: &str, b: &str) -> Ordering {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// The entries of a map, iterated in sorted key order (Go's order for
/// printing a map, and Helm's for everything it emits).
///
/// [`Map::read`](super::Map::read) and [`Map::write`](super::Map::write)
/// give access to them.
///
/// ```
/// use kaapana_chart::{Entries, Value};
///
/// let mut e = Entries::new();
/// e.insert("b".into(), Value::Int(2));
/// e.insert("a".into(), Value::Int(1));
/// let keys: Vec<&str> = e.keys().map(|k| &**k).collect();
/// assert_eq!(keys, ["a", "b"]);
/// assert_eq!(e.get("b"), Some(&Value::Int(2)));
/// ```
#[derive(Clone, Default)]
pub struct Entries(Repr);

#[derive(Clone)]
enum Repr {
    /// Sorted by key, no key twice.
    Small(Vec<(Arc<str>, Value)>),
    Large(BTreeMap<Arc<str>, Value>),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Small(Vec::new())
    }
}

impl Entries {
    /// No entries.
    pub fn new() -> Entries {
        Entries(Repr::Small(Vec::new()))
    }

    /// No entries, with room for `n` without growing (up to the most a
    /// small map holds).
    pub(crate) fn with_capacity(n: usize) -> Entries {
        Entries(Repr::Small(Vec::with_capacity(n.min(SMALL_MAP_MAX))))
    }

    /// Entries from pairs already sorted by key with no key twice (as a
    /// map's iteration gives them), without sorting again.
    pub(crate) fn from_sorted(pairs: Vec<(Arc<str>, Value)>) -> Entries {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        if pairs.len() > SMALL_MAP_MAX {
            // BTreeMap builds from a sorted sequence in linear time.
            Entries(Repr::Large(pairs.into_iter().collect()))
        } else {
            Entries(Repr::Small(pairs))
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Small(v) => v.len(),
            Repr::Large(m) => m.len(),
        }
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.0 {
            // In a few entries, a scan that mostly compares lengths beats
            // a binary search's string comparisons.
            Repr::Small(v) if v.len() <= SCAN_MAX => {
                v.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v)
            }
            Repr::Small(v) => v
                .binary_search_by(|(k, _)| key_cmp(k, key))
                .ok()
                .and_then(|i| v.get(i))
                .map(|(_, v)| v),
            Repr::Large(m) => m.get(key),
        }
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: Arc<str>, value: Value) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => match v.binary_search_by(|(k, _)| key_cmp(k, &key)) {
                Ok(i) => v
                    .get_mut(i)
                    .map(|slot| std::mem::replace(&mut slot.1, value)),
                Err(i) if v.len() < SMALL_MAP_MAX => {
                    v.insert(i, (key, value));
                    None
                }
                Err(_) => {
                    let mut m: BTreeMap<Arc<str>, Value> = std::mem::take(v).into_iter().collect();
                    m.insert(key, value);
                    self.0 = Repr::Large(m);
                    None
                }
            },
            Repr::Large(m) => m.insert(key, value),
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => match v.binary_search_by(|(k, _)| key_cmp(k, key)) {
                Ok(i) => Some(v.remove(i).1),
                Err(_) => None,
            },
            Repr::Large(m) => m.remove(key),
        }
    }

    /// The entries in key order.
    pub fn iter(&self) -> EntriesIter<'_> {
        EntriesIter(match &self.0 {
            Repr::Small(v) => IterRepr::Small(v.iter()),
            Repr::Large(m) => IterRepr::Large(m.iter()),
        })
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        let (small, large) = match &mut self.0 {
            Repr::Small(v) => (Some(v.iter_mut().map(|(_, v)| v)), None),
            Repr::Large(m) => (None, Some(m.values_mut())),
        };
        small
            .into_iter()
            .flatten()
            .chain(large.into_iter().flatten())
    }

    /// The values in key order, taken out.
    pub fn into_values(self) -> Vec<Value> {
        match self.0 {
            Repr::Small(v) => v.into_iter().map(|(_, v)| v).collect(),
            Repr::Large(m) => m.into_values().collect(),
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.0 = Repr::Small(Vec::new());
    }
}

impl fmt::Debug for Entries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Entries {
    fn eq(&self, other: &Entries) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<(Arc<str>, Value)> for Entries {
    /// Collects pairs in any order; of a key given twice, the last wins (as
    /// repeated inserts would have it).
    fn from_iter<I: IntoIterator<Item = (Arc<str>, Value)>>(iter: I) -> Entries {
        Entries::from_pairs(iter.into_iter().collect())
    }
}

impl Entries {
    /// Entries from pairs in any order, the vector becoming the storage
    /// when it can; of a key given twice, the last wins.
    pub(crate) fn from_pairs(mut pairs: Vec<(Arc<str>, Value)>) -> Entries {
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            // A stable sort keeps repeated keys in their order; keep the last.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<(Arc<str>, Value)> = Vec::with_capacity(pairs.len());
            for pair in pairs {
                match out.last_mut() {
                    Some(last) if last.0 == pair.0 => *last = pair,
                    _ => out.push(pair),
                }
            }
            pairs = out;
        }
        Entries::from_sorted(pairs)
    }
}

impl From<BTreeMap<Arc<str>, Value>> for Entries {
    fn from(m: BTreeMap<Arc<str>, Value>) -> Entries {
        if m.len() > SMALL_MAP_MAX {
            Entries(Repr::Large(m))
        } else {
            Entries(Repr::Small(m.into_iter().collect()))
        }
    }
}

impl IntoIterator for Entries {
    type Item = (Arc<str>, Value);
    type IntoIter = std::vec::IntoIter<(Arc<str>, Value)>;

    /// The entries in key order, taken out.
    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::Small(v) => v.into_iter(),
            Repr::Large(m) => m.into_iter().collect::<Vec<_>>().into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a Entries {
    type Item = (&'a Arc<str>, &'a Value);
    type IntoIter = EntriesIter<'a>;

    fn into_iter(self) -> EntriesIter<'a> {
        self.iter()
    }
}

/// An iterator over a map's entries in key order ([`Entries::iter`]).
#[derive(Clone, Debug)]
pub struct EntriesIter<'a>(IterRepr<'a>);

#[derive(Clone, Debug)]
enum IterRepr<'a> {
    Small(std::slice::Iter<'a, (Arc<str>, Value)>),
    Large(btree_map::Iter<'a, Arc<str>, Value>),
}

impl<'a> Iterator for EntriesIter<'a> {
    type Item = (&'a Arc<str>, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Small(i) => i.next().map(|(k, v)| (k, v)),
            IterRepr::Large(i) => i.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterRepr::Small(i) => i.size_hint(),
            IterRepr::Large(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for EntriesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Small(i) => i.next_back().map(|(k, v)| (k, v)),
            IterRepr::Large(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for EntriesIter<'_> {}

impl FusedIterator for EntriesIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(e: &Entries) -> Vec<String> {
        e.keys().map(|k| k.to_string()).collect()
    }

    #[test]
    fn stays_small_up_to_the_limit_and_grows_past_it() {
        let mut e = Entries::new();
        // Inserted backwards: every insert goes to the front.
        for i in (0..SMALL_MAP_MAX).rev() {
            e.insert(format!("k{i:04}").into(), Value::Int(i as i64));
        }
        assert!(matches!(e.0, Repr::Small(_)));
        assert_eq!(e.len(), SMALL_MAP_MAX);
        e.insert("k9999".into(), Value::Nil);
        assert!(matches!(e.0, Repr::Large(_)));
        assert_eq!(e.len(), SMALL_MAP_MAX + 1);
        let mut sorted = keys(&e);
        sorted.sort();
        assert_eq!(keys(&e), sorted);
    }

    #[test]
    fn both_forms_agree() {
        // The same operations on a small map and on a large one (padded
        // with keys that sort after the ones the test uses).
        let mut small = Entries::new();
        let mut large: Entries = (0..=SMALL_MAP_MAX)
            .map(|i| (Arc::from(format!("z{i:04}")), Value::Nil))
            .collect();
        assert!(matches!(large.0, Repr::Large(_)));
        for e in [&mut small, &mut large] {
            assert_eq!(e.insert("b".into(), Value::Int(1)), None);
            assert_eq!(e.insert("a".into(), Value::Int(2)), None);
            assert_eq!(e.insert("b".into(), Value::Int(3)), Some(Value::Int(1)));
            assert_eq!(e.get("b"), Some(&Value::Int(3)));
            assert!(e.contains_key("a"));
            assert_eq!(e.remove("a"), Some(Value::Int(2)));
            assert_eq!(e.remove("a"), None);
            assert_eq!(e.get("a"), None);
            assert_eq!(e.iter().next().map(|(k, _)| &**k), Some("b"));
        }
    }

    #[test]
    fn collecting_keeps_the_last_of_a_repeated_key() {
        let e: Entries = [("b", 1), ("a", 2), ("b", 3)]
            .into_iter()
            .map(|(k, v)| (Arc::from(k), Value::Int(v)))
            .collect();
        assert_eq!(keys(&e), ["a", "b"]);
        assert_eq!(e.get("b"), Some(&Value::Int(3)));
        let back: Vec<_> = e.iter().rev().map(|(k, _)| k.to_string()).collect();
        assert_eq!(back, ["b", "a"]);
    }
}
