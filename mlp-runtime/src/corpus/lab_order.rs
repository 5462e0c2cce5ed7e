//! The iteration order of a CPython 2.7 `dict`, which numbered the features
//! of the lab's corpus reader.
//!
//! CPython 2.7 (`Objects/dictobject.c`, `Objects/unicodeobject.c`, 64-bit
//! build with hash randomisation off, the default) stores keys in an
//! open-addressing table and iterates over it in slot order. That order
//! depends only on the keys' hashes and their insertion order, so it can be
//! replayed exactly.

/// Table size of a new CPython 2.7 dict (`PyDict_MINSIZE`).
const MIN_SIZE: usize = 8;

/// Bits dropped from `perturb` at each probe step (`PERTURB_SHIFT`).
const PERTURB_SHIFT: u32 = 5;

/// Number of used slots above which a resize only doubles the entry count
/// instead of quadrupling it.
const LARGE_DICT: usize = 50_000;

/// Hashes a string as CPython 2.7's `unicode.__hash__` does on a 64-bit
/// build: over Unicode code points, in a signed 64-bit `long` whose
/// arithmetic wraps.
///
/// NOTE: a 2.7 build with 16-bit `Py_UNICODE` hashes the two UTF-16 halves
/// of a code point above U+FFFF separately, so it gives other values for such
/// strings. This follows the 32-bit (UCS-4) builds that Linux distributions
/// ship.
pub(crate) fn python27_hash(text: &str) -> i64 {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return 0;
    };
    let mut length: i64 = 1;
    let mut hash = i64::from(u32::from(first)) << 7;
    hash = hash.wrapping_mul(1_000_003) ^ i64::from(u32::from(first));
    for c in chars {
        hash = hash.wrapping_mul(1_000_003) ^ i64::from(u32::from(c));
        length += 1;
    }
    hash ^= length;
    // CPython reserves -1 for "error", so a hash of -1 becomes -2.
    if hash == -1 { -2 } else { hash }
}

/// A CPython 2.7 dict table that records key ids and hashes only.
///
/// It supports inserting keys known to be new and no deletion. Inserting a
/// key that is already present changes neither the slots nor the fill count
/// in CPython, so inserting every distinct key once, in order of first
/// appearance, gives the same table as inserting every occurrence. Without
/// deletions the table has no dummy slots, so CPython's `ma_fill` equals
/// `ma_used`, which is `self.used`.
pub(crate) struct Python27Dict {
    /// The table: each slot is [`EMPTY`] or a key id. Keys index `hashes`,
    /// so a slot takes 4 bytes, which matters at the half a million slots
    /// of a corpus's vocabulary.
    slots: Vec<u32>,
    /// The hash of each key, by key id.
    hashes: Vec<i64>,
    used: usize,
}

/// The value of an empty slot.
const EMPTY: u32 = u32::MAX;

impl Python27Dict {
    /// Creates an empty dict of 8 slots.
    pub(crate) fn new() -> Self {
        Python27Dict {
            slots: vec![EMPTY; MIN_SIZE],
            hashes: Vec::new(),
            used: 0,
        }
    }

    /// Returns the number of slots of the table.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Inserts a key that the dict does not contain yet, then grows the
    /// table as `PyDict_SetItem` does.
    pub(crate) fn insert_new(&mut self, hash: i64) {
        let key = u32::try_from(self.hashes.len())
            .ok()
            .filter(|&key| key != EMPTY)
            .expect("fewer keys than u32::MAX, as the vocabulary ensures");
        self.hashes.push(hash);
        place(&mut self.slots, key, hash);
        self.used += 1;
        if self.used * 3 >= self.slots.len() * 2 {
            self.resize();
        }
    }

    /// Returns the key ids in slot order, which is the order in which
    /// CPython 2.7 iterates over the dict.
    pub(crate) fn key_order(&self) -> Vec<usize> {
        self.slots
            .iter()
            .filter(|&&key| key != EMPTY)
            .map(|&key| key as usize)
            .collect()
    }

    /// Rebuilds the table as `dictresize` does: the new size is the smallest
    /// power of two from 8 up that exceeds 4 times the used slots (2 times
    /// past 50,000), and the entries are re-inserted in old slot order.
    fn resize(&mut self) {
        let factor = if self.used > LARGE_DICT { 2 } else { 4 };
        let min_used = self.used.saturating_mul(factor);
        let mut size = MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        for key in old.into_iter().filter(|&key| key != EMPTY) {
            place(&mut self.slots, key, self.hashes[key as usize]);
        }
    }
}

/// Stores `key`, whose hash is `hash`, in the first empty slot of its probe
/// sequence. The table must have an empty slot.
fn place(slots: &mut [u32], key: u32, hash: i64) {
    let mask = slots.len() - 1;
    // CPython keeps the index and `perturb` in an unsigned `size_t`: the
    // index is masked only when a slot is read, never between steps.
    let mut perturb = hash as u64;
    let mut index = (hash as u64) & mask as u64;
    while slots[(index & mask as u64) as usize] != EMPTY {
        index = index.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb);
        perturb >>= PERTURB_SHIFT;
    }
    slots[(index & mask as u64) as usize] = key;
}

/// Returns the indices of `names` in the iteration order of a CPython 2.7
/// dict that `names` were inserted into in the given order. The names must
/// be distinct.
pub(crate) fn python27_dict_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
    let mut dict = Python27Dict::new();
    for name in names {
        dict.insert_new(python27_hash(name));
    }
    dict.key_order()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected values come from a separate Python 3 transcription of
    // the CPython 2.7 C code. The books test checks the whole algorithm
    // against the feature order of the lab's own run.
    #[test]
    fn hash_known_values() {
        assert_eq!(python27_hash(""), 0);
        assert_eq!(python27_hash("a"), 12_416_037_344);
        assert_eq!(python27_hash("book"), 1_318_950_168_401_674_163);
        assert_eq!(python27_hash("later_i"), 3_903_160_691_202_719_761);
        assert_eq!(python27_hash("#label#:positive"), 8_609_703_287_826_481_949);
    }

    #[test]
    fn hash_uses_code_points() {
        assert_eq!(python27_hash("\u{e9}t\u{e9}"), -4_116_773_383_342_158_585);
        assert_eq!(
            python27_hash("clich\u{fffd}d_characters"),
            -9_038_143_721_007_817_143
        );
        assert_eq!(python27_hash("\u{1f600}"), 16_449_585_346_049);
    }

    #[test]
    fn order_without_resize() {
        let names = ["apple", "banana", "cherry", "date", "elderberry"];
        let order: Vec<&str> = python27_dict_order(names)
            .into_iter()
            .map(|i| names[i])
            .collect();
        assert_eq!(order, ["date", "cherry", "apple", "elderberry", "banana"]);
    }

    #[test]
    fn order_after_resizes() {
        let names: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        let order: Vec<&str> = python27_dict_order(names.iter().map(String::as_str))
            .into_iter()
            .map(|i| names[i].as_str())
            .collect();
        let expected = [
            "k13", "k12", "k11", "k10", "k17", "k16", "k15", "k14", "k19", "k18", "k3", "k2", "k1",
            "k0", "k7", "k6", "k5", "k4", "k9", "k8",
        ];
        assert_eq!(order, expected);
    }

    #[test]
    fn growth_factor() {
        fn insert_up_to(dict: &mut Python27Dict, count: usize) {
            while dict.used < count {
                let name = format!("f{}", dict.used);
                dict.insert_new(python27_hash(&name));
            }
        }
        let mut dict = Python27Dict::new();
        insert_up_to(&mut dict, 5);
        assert_eq!(dict.capacity(), 8);
        insert_up_to(&mut dict, 6);
        assert_eq!(dict.capacity(), 32);
        insert_up_to(&mut dict, 87_381);
        assert_eq!(dict.capacity(), 131_072);
        // The resize at 87,382 used slots is past 50,000, so the table grows
        // to the power of two above 2 * 87,382, not above 4 * 87,382.
        insert_up_to(&mut dict, 87_382);
        assert_eq!(dict.capacity(), 262_144);
        let first: Vec<usize> = dict.key_order().into_iter().take(2).collect();
        assert_eq!(first, [57_097, 57_096]);
    }
}
