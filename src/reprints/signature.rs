//! The MinHash signature of an article's body (see [`super`]).

use super::{
    BAND_BINS, BANDED_BINS, BINS, MIN_JACCARD, SHINGLE_CHARS, SHORT_SHINGLES, SHORT_THRESHOLD,
    THRESHOLD,
};

/// A bin that no shingle fell into (fingerprints are never 0).
const EMPTY: u16 = 0;
/// Fingerprints are 12 bits: two of another article agree by chance once in 4,096, which
/// raises a similarity estimate of 0.3 by 0.0002 (its standard error is about 0.04), and two
/// bins fit in three bytes. Band keys, two bins, still tell 16 million values apart.
const FINGERPRINT_BITS: u16 = 0xFFF;

/// The MinHash sketch of an article's body, with its number of shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    bins: [u16; BINS],
    /// Which bins a shingle fell into (the others are filled by densification).
    filled: u128,
    shingles: u32,
}

/// MurmurHash3's 64-bit finaliser.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Multiplier of the rolling polynomial hash of a shingle (odd, so nothing is lost mod 2^64).
const ROLL: u64 = 0x100_0000_01b3;

/// Letters and digits: what a shingle is made of. Common Han characters, most of the text,
/// skip the Unicode tables.
fn is_kept(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric()
}

/// The low bits of a hash as a fingerprint, never [`EMPTY`].
fn fingerprint_of(h: u64) -> u16 {
    (h as u16 & FINGERPRINT_BITS).max(1)
}

/// Puts a shingle's hash in its bin: the top bits choose the bin, the middle ones rank, the
/// low ones are the fingerprint kept.
fn add_shingle(smallest: &mut [(u64, u16); BINS], h: u64) {
    let bin = (h >> 57) as usize;
    let rank = (h >> 16) & ((1 << 41) - 1);
    if rank < smallest[bin].0 {
        smallest[bin] = (rank, fingerprint_of(h));
    }
}

/// Estimated share of the shorter body's shingles that are in the longer one's, from the
/// Jaccard similarity and the sizes: the shared shingles are `J (|A| + |B|) / (1 + J)`.
fn containment(jaccard: f64, a: u32, b: u32) -> f64 {
    let (a, b) = (f64::from(a), f64::from(b));
    let shared = jaccard * (a + b) / (1.0 + jaccard);
    (shared / a.min(b)).min(1.0)
}

impl Signature {
    /// Longest stored form ([`Signature::to_bytes`]).
    pub const BYTES: usize = Signature::BYTES_FILLED + 16;
    /// Length of the stored form of a signature whose bins are all filled.
    pub const BYTES_FILLED: usize = BINS / 2 * 3 + 4;

    /// The signature of a body from its paragraphs normalised (as by
    /// [`crate::analysis::normalize()`], which indexing does anyway), or `None` when it has no
    /// letter or digit. A body shorter than a shingle is one shingle.
    pub fn of<'t>(normalized: impl IntoIterator<Item = &'t str>) -> Option<Signature> {
        // Per bin: the smallest rank seen, and the fingerprint of that shingle.
        let mut smallest = [(u64::MAX, EMPTY); BINS];
        // The last characters, and their polynomial hash: sum of c_i * ROLL^(age of c_i).
        let mut window = [0u64; SHINGLE_CHARS];
        let oldest_power = ROLL.wrapping_pow(SHINGLE_CHARS as u32 - 1);
        let mut rolling = 0u64;
        let mut seen = 0;
        let mut shingles = 0;
        let chars = normalized.into_iter().flat_map(str::chars);
        for c in chars.filter(|&c| is_kept(c)) {
            let slot = seen % SHINGLE_CHARS;
            let oldest = window[slot];
            window[slot] = u64::from(c);
            rolling = rolling
                .wrapping_sub(oldest.wrapping_mul(oldest_power))
                .wrapping_mul(ROLL)
                .wrapping_add(u64::from(c));
            seen += 1;
            if seen < SHINGLE_CHARS {
                continue;
            }
            shingles += 1;
            add_shingle(&mut smallest, mix(rolling));
        }
        if seen == 0 {
            return None;
        }
        if shingles == 0 {
            shingles = 1;
            add_shingle(&mut smallest, mix(rolling));
        }
        // Densification: an empty bin takes its fingerprint from the next bin that has one,
        // mixed with the distance, so that short bodies fill every bin alike.
        let filled = smallest.map(|(_, fingerprint)| fingerprint);
        let filled_bits = (0..BINS)
            .filter(|&i| filled[i] != EMPTY)
            .fold(0u128, |bits, i| bits | 1 << i);
        let mut bins = filled;
        for (i, bin) in bins.iter_mut().enumerate() {
            if *bin != EMPTY {
                continue;
            }
            let donor = (1..BINS)
                .map(|d| (d, filled[(i + d) % BINS]))
                .find(|&(_, f)| f != EMPTY);
            if let Some((distance, fingerprint)) = donor {
                *bin = fingerprint_of(mix(u64::from(fingerprint) << 16 | distance as u64));
            }
        }
        Some(Signature {
            bins,
            filled: filled_bits,
            shingles: u32::try_from(shingles).unwrap_or(u32::MAX),
        })
    }

    /// The signature as stored, little-endian: the bins, two in three bytes, the number of
    /// shingles as a `u32`, then the filled bins as a `u128` unless every bin is filled, as
    /// in most bodies.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.to_full_bytes();
        if self.filled == u128::MAX {
            bytes.truncate(Signature::BYTES_FILLED);
        }
        bytes
    }

    /// [`Signature::to_bytes`] with the filled bins always: [`Signature::BYTES`] long.
    pub fn to_full_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(Signature::BYTES);
        for pair in self.bins.chunks_exact(2) {
            let packed = u32::from(pair[0]) | u32::from(pair[1]) << 12;
            bytes.extend(&packed.to_le_bytes()[..3]);
        }
        bytes.extend(self.shingles.to_le_bytes());
        bytes.extend(self.filled.to_le_bytes());
        bytes
    }

    /// A stored signature; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != Signature::BYTES && bytes.len() != Signature::BYTES_FILLED {
            return None;
        }
        let (packed_bins, rest) = bytes.split_at(BINS / 2 * 3);
        let (count, filled) = rest.split_at(4);
        let mut bins = [EMPTY; BINS];
        for (pair, three) in bins.chunks_exact_mut(2).zip(packed_bins.chunks_exact(3)) {
            let packed = u32::from_le_bytes([three[0], three[1], three[2], 0]);
            pair[0] = (packed & 0xFFF) as u16;
            pair[1] = (packed >> 12) as u16;
        }
        Some(Signature {
            bins,
            filled: match filled {
                [] => u128::MAX,
                filled => u128::from_le_bytes(filled.try_into().ok()?),
            },
            shingles: u32::from_le_bytes(count.try_into().ok()?),
        })
    }

    /// The band keys, numbered so that equal bins in different bands do not meet.
    pub fn bands(&self) -> impl Iterator<Item = u64> + '_ {
        self.bins[..BANDED_BINS]
            .chunks_exact(BAND_BINS)
            .enumerate()
            .map(|(band, bins)| {
                let packed = bins
                    .iter()
                    .fold(band as u64, |acc, &b| acc << 16 | u64::from(b));
                mix(packed)
            })
    }

    /// Estimated Jaccard similarity: the share of agreeing bins among those a shingle of
    /// either fell into. Densified bins are left out: in a short body they repeat its few
    /// shingles, and counting them would make the estimate noisier than the shingles are.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let used = self.filled | other.filled;
        let same = (0..BINS)
            .filter(|&i| used >> i & 1 == 1 && self.bins[i] == other.bins[i])
            .count();
        same as f64 / f64::from(used.count_ones().max(1))
    }

    /// The estimated containment when the two are reprints of each other, else `None`: the
    /// containment is at least [`THRESHOLD`] ([`SHORT_THRESHOLD`] when the shorter body has
    /// fewer than [`SHORT_SHINGLES`] shingles) and the Jaccard similarity at least
    /// [`MIN_JACCARD`]. Dates are checked by the caller ([`MAX_DAYS`]).
    pub fn reprint_of(&self, other: &Signature) -> Option<f64> {
        let jaccard = self.jaccard(other);
        let containment = containment(jaccard, self.shingles, other.shingles);
        let threshold = if self.shingles.min(other.shingles) < SHORT_SHINGLES {
            SHORT_THRESHOLD
        } else {
            THRESHOLD
        };
        (jaccard >= MIN_JACCARD && containment >= threshold).then_some(containment)
    }
}
