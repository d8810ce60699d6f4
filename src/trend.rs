//! Trends: how the passages (or articles) matching each of several queries spread over years or
//! months, beside the archive's own totals, as counts and as a rate per 10,000.
//!
//! Raw counts follow how much of each year the archive holds (the news corpus has ten times
//! more articles in some years than in others); the rate, a query's matches per 10,000 passages
//! (or articles) of the period, is what tells how much a term was used. Counting reads the date
//! column and the article keys only, never stored text.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use tantivy::DateTime;

use crate::analysis::dictionary::QueryDictionary;
use crate::dates::{month_of, year_of};
use crate::error::Result;
use crate::index::schema::{KIND_ARTICLE, KIND_PASSAGE};
use crate::index::view::IndexView;
use crate::search::SearchOptions;

/// The periods a trend is counted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar years (`2021`).
    #[default]
    Year,
    /// Calendar months (`2021-11`).
    Month,
}

/// What a trend counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Matching passages, against the archive's passages.
    #[default]
    Passages,
    /// Articles with a matching passage, against the archive's articles.
    Articles,
}

crate::named::named!(Period, Year = "year", Month = "month");
crate::named::named!(Unit, Passages = "passages", Articles = "articles");

/// One query's counts, period by period (the periods of [`Trend::periods`]).
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The query as given.
    pub query: String,
    /// Matching passages (or articles) per period.
    pub counts: Vec<u64>,
    /// Matches per 10,000 passages (or articles) of the period; `None` where the archive has
    /// none.
    pub rates: Vec<Option<f64>>,
    /// Matches in all periods.
    pub total: u64,
    /// Matches without a date (in no period; 0 with a date filter, which leaves them out).
    pub undated: u64,
    /// The query's terms expanded to their synonyms, with the synonyms.
    pub expanded: BTreeMap<String, Vec<String>>,
}

/// The counts of a trend: the archive's and each query's, over every period from the first to
/// the last that the archive (within the date filter) has anything in.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// What the periods are.
    pub by: Period,
    /// What is counted.
    pub per: Unit,
    /// The periods, oldest first, with none left out between the first and the last: `2021`
    /// by year, `2021-11` by month.
    pub periods: Vec<String>,
    /// The archive's passages (or articles) per period.
    pub totals: Vec<u64>,
    /// The archive's passages (or articles) without a date.
    pub undated: u64,
    /// One per query, in the order given.
    pub series: Vec<Series>,
}

/// A period as a number that counts up by one from one period to the next.
fn period_number(by: Period, date: DateTime) -> i64 {
    match by {
        Period::Year => year_of(date),
        Period::Month => {
            let (year, month) = month_of(date);
            year * 12 + month - 1
        }
    }
}

fn period_name(by: Period, number: i64) -> String {
    match by {
        Period::Year => format!("{number:04}"),
        Period::Month => format!(
            "{:04}-{:02}",
            number.div_euclid(12),
            number.rem_euclid(12) + 1
        ),
    }
}

/// Counts per period number, and of the undated.
#[derive(Default)]
struct Tally {
    dated: BTreeMap<i64, u64>,
    undated: u64,
}

impl Tally {
    fn add(&mut self, by: Period, date: Option<DateTime>) {
        match date {
            Some(date) => *self.dated.entry(period_number(by, date)).or_default() += 1,
            None => self.undated += 1,
        }
    }

    fn over(&self, periods: &[i64]) -> Vec<u64> {
        let count = |p| self.dated.get(p).copied().unwrap_or(0);
        periods.iter().map(count).collect()
    }
}

/// Counts every query of `queries` per period, beside the archive's totals.
pub(crate) fn trend(
    view: &IndexView,
    dictionary: &QueryDictionary,
    queries: &[String],
    by: Period,
    per: Unit,
    options: &SearchOptions,
) -> Result<Trend> {
    let days = crate::search::days(options)?;
    let kind = match per {
        Unit::Passages => KIND_PASSAGE,
        Unit::Articles => KIND_ARTICLE,
    };
    let mut archive = Tally::default();
    view.for_each_of_kind(kind, |segment, doc| {
        let date = segment.date(doc);
        if days.contain(date) {
            archive.add(by, date);
        }
    })?;
    let mut tallies = Vec::with_capacity(queries.len());
    for query in queries {
        let mut tally = Tally::default();
        // An article counts once, at its first matching passage (its passages share its date).
        let mut articles = HashSet::new();
        let compiled =
            crate::search::for_each_match(view, dictionary, query, options, |segment, doc| {
                let first = match per {
                    Unit::Passages => true,
                    Unit::Articles => segment
                        .article_key(doc)
                        .is_none_or(|key| articles.insert(key)),
                };
                if first {
                    tally.add(by, segment.date(doc));
                }
            })?;
        tallies.push((tally, compiled.expanded));
    }
    let numbers: Vec<i64> = match (archive.dated.keys().next(), archive.dated.keys().last()) {
        (Some(&first), Some(&last)) => (first..=last).collect(),
        _ => Vec::new(),
    };
    let totals = archive.over(&numbers);
    let series = queries
        .iter()
        .zip(tallies)
        .map(|(query, (tally, expanded))| {
            let counts = tally.over(&numbers);
            let rates = counts
                .iter()
                .zip(&totals)
                .map(|(&n, &total)| (total > 0).then(|| n as f64 * 10_000.0 / total as f64))
                .collect();
            Series {
                query: query.clone(),
                total: counts.iter().sum(),
                counts,
                rates,
                undated: tally.undated,
                expanded,
            }
        })
        .collect();
    Ok(Trend {
        by,
        per,
        periods: numbers.iter().map(|&n| period_name(by, n)).collect(),
        totals,
        undated: archive.undated,
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_up_across_years() {
        let date = |d| crate::dates::to_datetime(d).unwrap();
        let december = period_number(Period::Month, date("2020-12-31"));
        let january = period_number(Period::Month, date("2021-01-01"));
        assert_eq!(january, december + 1);
        assert_eq!(period_name(Period::Month, december), "2020-12");
        assert_eq!(period_name(Period::Month, january), "2021-01");
        assert_eq!(period_name(Period::Year, 2021), "2021");
    }

    #[test]
    fn names_parse_back() {
        assert_eq!("month".parse::<Period>(), Ok(Period::Month));
        assert_eq!("articles".parse::<Unit>(), Ok(Unit::Articles));
        assert_eq!("week".parse::<Period>(), Err("give year or month".into()));
    }
}
