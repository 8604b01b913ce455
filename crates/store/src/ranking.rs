//! How a relevance sort bounds its work at any size of archive (issue 5): it ranks the newest
//! [`RANKED_MATCHES`] matches, found in rings of the newest cases.

/// How many of the newest matches a relevance sort ranks. A word that thousands of statements
/// hold would otherwise have every one of them scored on each query; beyond these, older
/// matches follow newest first.
pub const RANKED_MATCHES: i64 = 2_000;

/// The smallest blocks of case ids of which rings are made.
pub const RING_BLOCK: i64 = 4_096;

/// The blocks of each size are this many of the size below: 4,096, 65,536 and 1,048,576 ids.
/// PostgreSQL keeps each case's block of every size in its search entry (migration 0014).
pub const BLOCKS_PER_LEVEL: i64 = 16;

/// The sizes of blocks: 0, 1 and 2.
pub const BLOCK_LEVELS: u32 = 3;

/// The ids a block of this level holds.
pub fn block_size(level: u32) -> i64 {
    RING_BLOCK * BLOCKS_PER_LEVEL.pow(level)
}

/// The case ids `from..end`, both multiples of [`RING_BLOCK`]: a ring of the newest cases
/// that a search for the newest matches reads after the newer rings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdRange {
    pub from: i64,
    pub end: i64,
}

impl IdRange {
    /// The fewest whole blocks that make up the range, as (level, number), largest first
    /// where they fit: a GIN index takes longer the more blocks a query names.
    pub fn blocks(&self) -> Vec<(u32, i64)> {
        let mut out = Vec::new();
        let mut at = self.from;
        while at < self.end {
            let level = (0..BLOCK_LEVELS)
                .rev()
                .find(|&l| at % block_size(l) == 0 && at + block_size(l) <= self.end)
                .unwrap_or(0);
            out.push((level, at / block_size(level)));
            at += block_size(level);
        }
        out
    }
}

/// Where a ring ending at `end` that should reach down to `target` starts: `target` rounded
/// down to the largest block size of which the ring holds at least four, so that few blocks
/// name it.
pub fn ring_start(target: i64, end: i64) -> i64 {
    let target = target.max(0);
    let level = (0..BLOCK_LEVELS).rev().find(|&l| end - target >= 4 * block_size(l)).unwrap_or(0);
    target / block_size(level) * block_size(level)
}

/// The first id of the block of `id`.
pub fn block_start(id: i64) -> i64 {
    id.max(0) / RING_BLOCK * RING_BLOCK
}

/// The next span of newest cases to look in for the matches to rank, after the newest `span`
/// cases held `found` of them, `found_last` of those in the `last` ids of the last ring read:
/// wide enough for half as many again as are still wanted at the last ring's density (a burst of
/// new cases says little of the older ones), at least twice and at most 64 times as wide.
pub fn widened(span: i64, found: i64, last: i64, found_last: i64) -> i64 {
    let wanted = (RANKED_MATCHES - found).max(0) * 3 / 2;
    let more = wanted.saturating_mul(last).checked_div(found_last).unwrap_or(i64::MAX);
    span.saturating_add(more).clamp(span.saturating_mul(2), span.saturating_mul(64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fed_9_windows_widen_with_the_density_of_matches() {
        // 54 matches in the first 2,000 cases: 2,919 more wanted, 54 times wider and a little.
        assert_eq!(widened(2_000, 54, 2_000, 54), 110_111);
        // Nearly enough: still twice as wide.
        assert_eq!(widened(2_000, 1_999, 2_000, 1_999), 4_000);
        // None or very few: 64 times, not without bound.
        assert_eq!(widened(2_000, 0, 2_000, 0), 128_000);
        assert_eq!(widened(2_000, 1, 2_000, 1), 128_000);
        assert_eq!(widened(i64::MAX / 2, 10, 1_000, 10), i64::MAX / 2 * 2);
        assert_eq!(widened(i64::MAX / 2, 10, i64::MAX, 1), i64::MAX);
        // 800 matches in the newest 8,000 cases, then 20 in the next 16,000: the next ring is
        // sized by the sparse one, 1,770 wanted at 1 in 800.
        assert_eq!(widened(24_000, 820, 16_000, 20), 1_440_000);
        assert_eq!(widened(200_000, 820, 176_000, 20), 12_800_000);
    }

    #[test]
    fn fed_9_rings_are_named_with_the_fewest_blocks() {
        let ring = |from, end| IdRange { from, end }.blocks();
        assert_eq!(ring(995_328, 1_003_520), [(0, 243), (0, 244)]);
        // 851,968 to 1,048,576: three blocks of 65,536, not 48 of 4,096.
        assert_eq!(ring(851_968, 1_048_576), [(1, 13), (1, 14), (1, 15)]);
        assert_eq!(ring(847_872, 1_052_672), [(0, 207), (1, 13), (1, 14), (1, 15), (0, 256)]);
        assert_eq!(ring(0, 2_162_688), [(2, 0), (2, 1), (1, 32)]);
        assert_eq!(ring(4_096, 4_096), []);
        assert_eq!((block_start(7_100), block_start(4_096), block_start(-5)), (4_096, 4_096, 0));
        // Rings start at the largest blocks of which they hold four.
        assert_eq!(ring_start(890_000, 1_003_520), 888_832);
        assert_eq!(ring_start(600_000, 970_752), 589_824);
        assert_eq!(ring_start(-3, 8_192), 0);
    }
}
