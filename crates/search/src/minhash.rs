//! Near-duplicate statements: character shingles, MinHash signatures and LSH bands.
//!
//! A statement becomes the set of its character bigrams (letters and digits only, lower-cased).
//! Its MinHash signature has [`ROWS`] × [`BANDS`] values; each band of [`ROWS`] values hashes to one
//! number, stored beside the case. Two statements that share a band are candidates; the candidates are
//! then compared exactly with [`similarity`]. With 3 rows in 32 bands, two statements whose Jaccard
//! index is 0.5 share a band with probability 0.99, at 0.3 with probability 0.58, at 0.1 with 0.03.
//!
//! The hashes are fixed here (FNV-1a and SplitMix64 with constant seeds), not taken from the
//! standard library, because bands are stored: they must not change between versions or machines.

use std::collections::HashSet;

/// Values per band.
pub const ROWS: usize = 3;
/// Bands per statement.
pub const BANDS: usize = 32;

/// A statement's shingles: the set of its character bigrams, hashed.
pub fn shingles(text: &str) -> HashSet<u64> {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    match chars.len() {
        0 => HashSet::new(),
        1 => HashSet::from([fnv(&chars)]),
        _ => chars.windows(2).map(fnv).collect(),
    }
}

/// The LSH bands of a statement: [`BANDS`] numbers; empty for a statement without letters or digits.
pub fn bands(text: &str) -> Vec<i64> {
    let set = shingles(text);
    if set.is_empty() {
        return Vec::new();
    }
    let mut signature = [u64::MAX; ROWS * BANDS];
    for shingle in set {
        for (i, slot) in signature.iter_mut().enumerate() {
            let value = mix(shingle ^ seed(i));
            if value < *slot {
                *slot = value;
            }
        }
    }
    signature
        .chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = mix(band as u64 + 1);
            for row in rows {
                h = mix(h ^ row);
            }
            // Stored as a signed 64-bit integer, which both databases have.
            h as i64
        })
        .collect()
}

/// How alike two statements are: the share of the shorter one's bigrams that the other has too
/// (the overlap coefficient), from 0 to 1. A restatement with words added before or after stays high.
pub fn similarity(a: &str, b: &str) -> f64 {
    overlap(&shingles(a), &shingles(b))
}

/// [`similarity`] over shingle sets already made.
pub fn overlap(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / smaller as f64
}

fn fnv(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        for byte in (*c as u32).to_le_bytes() {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn seed(i: usize) -> u64 {
    mix(0x5EED_0000 + i as u64)
}

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "在西山社区工地务工三个月,包工头拖欠工资共计一万二千元,多次讨要未果。";
    const RESTATED: &str =
        "我再次反映:在西山社区工地务工三个月,包工头至今拖欠工资共计一万二千元,多次讨要未果,请领导重视。";
    const OTHER: &str = "西山社区小区物业长期不维修电梯,老人上下楼困难。";

    fn shared_bands(a: &str, b: &str) -> usize {
        let (a, b) = (bands(a), bands(b));
        a.iter().zip(&b).filter(|(x, y)| x == y).count()
    }

    #[test]
    fn bands_are_stable_numbers() {
        assert_eq!(bands(ORIGINAL).len(), BANDS);
        assert_eq!(bands(ORIGINAL), bands(ORIGINAL));
        // Punctuation and case do not change a statement's bands.
        assert_eq!(bands("拖欠工资,WiFi"), bands("拖欠工资 wifi!"));
        assert!(bands(",。").is_empty());
    }

    #[test]
    fn a_restatement_shares_bands_and_a_different_matter_does_not() {
        assert!(shared_bands(ORIGINAL, RESTATED) >= 1);
        assert_eq!(shared_bands(ORIGINAL, OTHER), 0);
        assert!(similarity(ORIGINAL, RESTATED) > 0.9, "{}", similarity(ORIGINAL, RESTATED));
        assert!(similarity(ORIGINAL, OTHER) < 0.2, "{}", similarity(ORIGINAL, OTHER));
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        assert_eq!(similarity(ORIGINAL, RESTATED), similarity(RESTATED, ORIGINAL));
        assert_eq!(similarity(ORIGINAL, ORIGINAL), 1.0);
        assert_eq!(similarity("", ORIGINAL), 0.0);
    }
}
