//! Collocations: the jieba words that occur near a query's matches more often than the
//! archive leads one to expect, ranked by log-likelihood.
//!
//! The words are those the passages were cut into when indexed (their word bounds), in the
//! normalised text, so 勞模 and 劳模 count as one. For each word `w` near a match (within
//! `window` characters of an occurrence, the occurrences themselves left out), passages are
//! counted into a 2×2 table: A, the matching passages with `w` near a match; B, the other
//! matching passages; C, the passages holding `w` (anywhere, as `gonghui search "w"` finds
//! it) that do not match; D, the rest of the archive. The score is Dunning's log-likelihood
//! ratio G² = 2 Σ O ln(O / E) over the four cells, E the count expected if `w` and the query
//! were independent; only words seen near the matches more often than expected are kept.
//! Unlike a raw count, it does not put the commonest words first: 工作 near every query has
//! a high count and a low score. The counting is by passage, so a word repeated within one
//! passage counts once.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use tantivy::DocAddress;

use crate::analysis::dictionary::{QueryDictionary, word_tags};
use crate::analysis::normalize;
use crate::analysis::words::is_bound;
use crate::dates::year_of;
use crate::error::{Error, Result};
use crate::highlight::occurrences;
use crate::index::schema::KIND_PASSAGE;
use crate::index::view::{IndexView, stored_text};
use crate::search::SearchOptions;
use crate::store::BulkStores;

/// The words seen most often near the matches that are scored (each costs a count over the
/// archive).
pub const MOST_SCORED: usize = 400;

/// How to find collocates.
#[derive(Debug, Clone)]
pub struct CollocateOptions {
    /// Characters on each side of a match within which a word counts as near it.
    pub window: usize,
    /// Only words whose part-of-speech tag in jieba's dictionary starts with this (`nr`:
    /// people's names, with `nrt` and `nrfg`; `ns` places; `nt` organisations).
    pub pos: Option<String>,
    /// One list per year rather than one for the whole archive.
    pub by_year: bool,
    /// Collocates to give per list.
    pub limit: usize,
    /// Shortest word kept, in characters (single characters are mostly function words).
    pub min_chars: usize,
    /// Fewest matching passages a word must be near a match in.
    pub min_passages: u64,
    /// The dates and synonyms of the search.
    pub search: SearchOptions,
}

impl Default for CollocateOptions {
    fn default() -> Self {
        CollocateOptions {
            window: 10,
            pos: None,
            by_year: false,
            limit: 20,
            min_chars: 2,
            min_passages: 2,
            search: SearchOptions::default(),
        }
    }
}

/// A word found near the matches.
#[derive(Debug, Clone, Serialize)]
pub struct Collocate {
    /// The word, normalised.
    pub word: String,
    /// Its part-of-speech tag in jieba's dictionary, or empty (a word jieba's dictionary lacks).
    pub tag: String,
    /// Log-likelihood (G²): how much more often than expected the word is near the matches.
    pub score: f64,
    /// Matching passages with the word near a match (A).
    pub passages: u64,
    /// Times the word is near a match, in all.
    pub near: u64,
    /// Passages of the archive holding the word (A's passages and C).
    pub frequency: u64,
}

/// The collocates of a query, in the whole archive or in one year.
#[derive(Debug, Clone, Serialize)]
pub struct Collocates {
    /// The year, with `by_year`; empty for the whole archive.
    pub period: String,
    /// Passages that match the query.
    pub matching: u64,
    /// Passages of the archive (within the dates).
    pub passages: u64,
    /// Best first.
    pub collocates: Vec<Collocate>,
}

/// Dunning's log-likelihood ratio of a 2×2 table `[[a, b], [c, d]]`, signed: negative when
/// `a` is below what independence expects.
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = (a + b + c + d) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let (rows, columns) = ([a + b, c + d], [a + c, b + d]);
    let cells = [[a, b], [c, d]];
    let mut sum = 0.0;
    for (i, row) in cells.iter().enumerate() {
        for (j, &observed) in row.iter().enumerate() {
            if observed > 0 {
                let expected = rows[i] as f64 * columns[j] as f64 / n;
                sum += observed as f64 * (observed as f64 / expected).ln();
            }
        }
    }
    let expected_a = rows[0] as f64 * columns[0] as f64 / n;
    let g2 = 2.0 * sum;
    if (a as f64) < expected_a { -g2 } else { g2 }
}

/// A period key: the year, or 0 for the whole archive (and undated passages).
type Year = i64;

/// What is counted of one word near the matches, per period.
#[derive(Default)]
struct Near {
    passages: BTreeMap<Year, u64>,
    times: BTreeMap<Year, u64>,
}

/// Whether `word` can be a collocate: long enough, with a letter (not digits or punctuation).
fn is_word(word: &str, min_chars: usize) -> bool {
    word.chars().count() >= min_chars
        && word.chars().all(char::is_alphanumeric)
        && word.chars().any(char::is_alphabetic)
}

/// The words of a passage, from its word bounds: `(start, end)` character offsets.
fn words(bounds: &[u64], len: usize) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = 0;
    for at in 1..=len {
        if at == len || is_bound(bounds, at as u64) {
            found.push((start, at));
            start = at;
        }
    }
    found
}

pub(crate) fn collocates(
    view: &IndexView,
    dictionary: &QueryDictionary,
    dir: &std::path::Path,
    query: &str,
    options: &CollocateOptions,
) -> Result<Vec<Collocates>> {
    let period = |date| match (options.by_year, date) {
        (true, Some(date)) => year_of(date),
        _ => 0,
    };
    let mut matches: Vec<(DocAddress, Year)> = Vec::new();
    let compiled =
        crate::search::for_each_match(view, dictionary, query, &options.search, |segment, doc| {
            matches.push((segment.address(doc), period(segment.date(doc))));
        })?;
    let needles = &compiled.highlights.text;
    let matching: FxHashSet<DocAddress> = matches.iter().map(|&(address, _)| address).collect();

    let mut near: FxHashMap<String, Near> = FxHashMap::default();
    let mut bulk = BulkStores::new(dir);
    let mut bounds = Vec::new();
    let window = options.window;
    for &(address, year) in &matches {
        let doc = bulk.doc(view.searcher(), address)?;
        let text = stored_text(&doc, view.fields().text.stored);
        let found = occurrences(&text, needles);
        if found.is_empty() {
            continue;
        }
        let chars: Vec<char> = normalize(&text).chars().collect();
        view.word_bounds(address, &mut bounds);
        let mut seen: FxHashMap<String, u64> = FxHashMap::default();
        for (start, end) in words(&bounds, chars.len()) {
            let overlaps = |&(s, e): &(usize, usize)| start < e && end > s;
            let is_near = |&(s, e): &(usize, usize)| start < e + window && end + window > s;
            if found.iter().any(overlaps) || !found.iter().any(is_near) {
                continue;
            }
            let word: String = chars[start..end].iter().collect();
            if is_word(&word, options.min_chars) {
                *seen.entry(word).or_default() += 1;
            }
        }
        for (word, times) in seen {
            let entry = near.entry(word).or_default();
            *entry.passages.entry(year).or_default() += 1;
            *entry.times.entry(year).or_default() += times;
        }
    }

    let tags = word_tags(|word| near.contains_key(word))?;
    let keeps_tag = |word: &str| match &options.pos {
        Some(pos) => tags
            .get(word)
            .is_some_and(|tag| tag.starts_with(pos.as_str())),
        None => true,
    };
    // The words near the most matching passages, then scored against the archive.
    let total_passages = |near: &Near| near.passages.values().sum::<u64>();
    let mut candidates: Vec<(String, Near)> = near
        .into_iter()
        .filter(|(word, near)| total_passages(near) >= options.min_passages && keeps_tag(word))
        .collect();
    candidates
        .sort_by(|(a, an), (b, bn)| total_passages(bn).cmp(&total_passages(an)).then(a.cmp(b)));
    candidates.truncate(MOST_SCORED);

    let mut archive: BTreeMap<Year, u64> = BTreeMap::new();
    let days = crate::search::days(&options.search)?;
    view.for_each_of_kind(KIND_PASSAGE, |segment, doc| {
        let date = segment.date(doc);
        if days.contain(date) {
            *archive.entry(period(date)).or_default() += 1;
        }
    })?;
    let mut matching_per: BTreeMap<Year, u64> = BTreeMap::new();
    for &(_, year) in &matches {
        *matching_per.entry(year).or_default() += 1;
    }
    let exact = SearchOptions {
        synonyms: None,
        ..options.search.clone()
    };
    let mut lists: BTreeMap<Year, Vec<Collocate>> = BTreeMap::new();
    // Passages holding each word that do not match (C), per period: a count over the archive
    // per word, the words shared among the cores.
    let elsewhere_of = |word: &str| -> Result<HashMap<Year, u64>> {
        let mut elsewhere: HashMap<Year, u64> = HashMap::new();
        let phrase = format!("\"{word}\"");
        crate::search::for_each_match(view, dictionary, &phrase, &exact, |segment, doc| {
            if !matching.contains(&segment.address(doc)) {
                *elsewhere.entry(period(segment.date(doc))).or_default() += 1;
            }
        })
        .map_err(|e| Error::Usage(format!("counting {word}: {e}")))?;
        Ok(elsewhere)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = candidates.len().div_ceil(threads).max(1);
    let counted: Vec<Result<Vec<HashMap<Year, u64>>>> = std::thread::scope(|scope| {
        let running: Vec<_> = candidates
            .chunks(share)
            .map(|words| scope.spawn(|| words.iter().map(|(w, _)| elsewhere_of(w)).collect()))
            .collect();
        let joined = running.into_iter().map(|thread| thread.join());
        joined
            .map(|counts| counts.expect("counting a word does not panic"))
            .collect()
    });
    let mut elsewheres = Vec::with_capacity(candidates.len());
    for counts in counted {
        elsewheres.extend(counts?);
    }
    for ((word, near), elsewhere) in candidates.into_iter().zip(elsewheres) {
        let tag = tags.get(&word).cloned().unwrap_or_default();
        for (&year, &a) in &near.passages {
            let n_q = matching_per.get(&year).copied().unwrap_or(0);
            let n = archive.get(&year).copied().unwrap_or(0);
            let c = elsewhere.get(&year).copied().unwrap_or(0);
            let (b, d) = (n_q.saturating_sub(a), n.saturating_sub(n_q + c));
            let score = log_likelihood(a, b, c, d);
            if score > 0.0 && a >= options.min_passages {
                lists.entry(year).or_default().push(Collocate {
                    word: word.clone(),
                    tag: tag.clone(),
                    score,
                    passages: a,
                    near: near.times.get(&year).copied().unwrap_or(0),
                    frequency: a + c,
                });
            }
        }
    }
    let mut result = Vec::new();
    for (year, mut list) in lists {
        list.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.word.cmp(&b.word))
        });
        list.truncate(options.limit);
        result.push(Collocates {
            period: if year == 0 {
                String::new()
            } else {
                format!("{year:04}")
            },
            matching: matching_per.get(&year).copied().unwrap_or(0),
            passages: archive.get(&year).copied().unwrap_or(0),
            collocates: list,
        });
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_likelihood_by_hand() {
        // A=10 B=90 C=40 D=9860, N=10,000: the expected counts are 100×50/N = 0.5,
        // 100×9950/N = 99.5, 9900×50/N = 49.5 and 9900×9950/N = 9850.5, so G² =
        // 2 (10 ln 20 + 90 ln(90/99.5) + 40 ln(40/49.5) + 9860 ln(9860/9850.5)) = 43.8137.
        let g2 = log_likelihood(10, 90, 40, 9860);
        assert!((g2 - 43.813_711_971_6).abs() < 1e-6, "{g2}");
        // An empty cell adds nothing: N = 1000, expected 0.03, 9.97, (2.97) and 987.03, so
        // G² = 2 (3 ln 100 + 7 ln(7/9.97) + 990 ln(990/987.03)) = 28.6286.
        assert!((log_likelihood(3, 7, 0, 990) - 28.628_562_887).abs() < 1e-6);
        // Independence scores about 0, and fewer than expected is negative.
        assert!(log_likelihood(1, 99, 100, 9800).abs() < 1e-3);
        assert!(log_likelihood(0, 100, 100, 9800) < 0.0);
    }

    #[test]
    fn words_from_bounds_tile_the_text() {
        // 劳模|精神|在|传承: bounds at 0, 2, 4, 5 and 7.
        let mut bits = 0u64;
        for at in [0, 2, 4, 5, 7] {
            bits |= 1 << at;
        }
        assert_eq!(words(&[bits], 7), [(0, 2), (2, 4), (4, 5), (5, 7)]);
        assert!(is_word("劳模", 2) && !is_word("在", 2) && !is_word("2021", 2));
        assert!(!is_word("，“", 1));
    }
}
