//! The article keys an indexing run has added, to know when an article replaces one of the
//! same run.

/// The article keys added by a run, as a Bloom filter of fixed size, so that memory does not
/// grow with the corpus. A key that seems added already makes the run delete the article's
/// earlier copy; when it was not (one key in 12,000 at a million articles, one in ten million
/// at 100,000), the delete finds nothing.
pub(super) struct AddedKeys(Vec<u64>);

impl AddedKeys {
    /// 2^26 bits: 8 MiB, taken from the system as they are first written.
    const BITS: u64 = 1 << 26;
    /// Odd multipliers giving the filter's three bit positions from a key (already a hash).
    const MIXERS: [u64; 3] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
    ];

    /// Adds `key`; true when it was (probably) added before.
    pub(super) fn insert(&mut self, key: u64) -> bool {
        let mut seen = true;
        for mixer in Self::MIXERS {
            let bit = key.wrapping_mul(mixer) >> (64 - Self::BITS.trailing_zeros());
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            seen &= self.0[word] & mask != 0;
            self.0[word] |= mask;
        }
        seen
    }
}

impl Default for AddedKeys {
    fn default() -> Self {
        AddedKeys(vec![0; (Self::BITS / 64) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_keys_remember_every_key() {
        let mut added = AddedKeys::default();
        let keys: Vec<u64> = (0..200_000u64)
            .map(|n| crate::index::schema::article_key(&format!("article-{n}")))
            .collect();
        let false_positives = keys.iter().filter(|&&key| added.insert(key)).count();
        assert!(false_positives <= 2, "{false_positives} false positives");
        assert!(keys.iter().all(|&key| added.insert(key)));
    }
}
