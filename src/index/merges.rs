//! Which segments an indexing run merges: tantivy's log merge policy, bounded.

use std::collections::HashMap;

use tantivy::SegmentMeta;
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Most documents one merge takes in (about 180 MB of index). A merge reads its segments
/// through memory maps, whose pages count as the process's memory, and holds maps of their
/// documents and terms: bounding its input bounds the memory of a run whatever the corpus
/// size, at the price of one segment per this many documents in a large index.
const MERGE_MAX_DOCS: u32 = 300_000;

/// tantivy's log merge policy (merge eight segments of a size), with no merge taking in more
/// than [`MERGE_MAX_DOCS`] documents.
#[derive(Debug)]
pub(super) struct BoundedMerges(LogMergePolicy);

impl Default for BoundedMerges {
    fn default() -> Self {
        let mut policy = LogMergePolicy::default();
        // A segment of more than half the bound could only be merged with smaller ones.
        policy.set_max_docs_before_merge(MERGE_MAX_DOCS as usize / 2);
        BoundedMerges(policy)
    }
}

/// Splits the segments, in order, into runs of at most [`MERGE_MAX_DOCS`] documents; runs of
/// one segment are left out.
fn bounded_merges(segments: &[(SegmentId, u32)]) -> Vec<MergeCandidate> {
    let mut merges = Vec::new();
    let mut group = Vec::new();
    let mut docs = 0;
    for &(id, n) in segments {
        if docs + n > MERGE_MAX_DOCS {
            if group.len() > 1 {
                merges.push(MergeCandidate(std::mem::take(&mut group)));
            }
            group.clear();
            docs = 0;
        }
        group.push(id);
        docs += n;
    }
    if group.len() > 1 {
        merges.push(MergeCandidate(group));
    }
    merges
}

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        self.0
            .compute_merge_candidates(segments)
            .into_iter()
            .flat_map(|MergeCandidate(ids)| {
                let sized: Vec<(SegmentId, u32)> = ids
                    .into_iter()
                    .map(|id| (id, docs.get(&id).copied().unwrap_or(0)))
                    .collect();
                bounded_merges(&sized)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_are_cut_to_the_bound() {
        let ids: Vec<SegmentId> = (0..5).map(|_| SegmentId::generate_random()).collect();
        let half = MERGE_MAX_DOCS / 2;
        let sized = [
            (ids[0], half),
            (ids[1], half),
            (ids[2], half),
            (ids[3], 10),
            (ids[4], 10),
        ];
        let merges: Vec<Vec<SegmentId>> = bounded_merges(&sized)
            .into_iter()
            .map(|MergeCandidate(ids)| ids)
            .collect();
        assert_eq!(
            merges,
            vec![vec![ids[0], ids[1]], vec![ids[2], ids[3], ids[4]]]
        );
        // A segment alone is no merge.
        assert!(bounded_merges(&[(ids[0], MERGE_MAX_DOCS), (ids[1], 1)]).is_empty());
    }
}
