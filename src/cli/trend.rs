//! `gonghui trend`: how often terms occur per year or month, normalised by what the archive
//! holds of each period.

use std::io::Write;

use super::table::Table;
use super::{IndexDir, Matching, Outcome, stdout_result};
use crate::error::Result;
use crate::export::Rows;
use crate::trend::{Period, Trend, Unit};

const ABOUT: &str = "\
For each query, the matching passages (or articles) per period, the archive's passages (or
articles) in that period, and the rate per 10,000: the rate, not the count, tells how much a
term was used, since the archive holds more of some years than of others. Each query is
searched as by `gonghui search` (its syntax, its synonyms); undated articles are in no period.

Examples:
  gonghui trend 农民工 新就业形态
  gonghui trend 劳模 --by month --from 2020-01-01 --csv > 劳模.csv

Exit status: 0 when some query matched, 1 when none did, 2 on an error.";

/// Count terms per year or month, against the archive's totals
#[derive(clap::Args)]
#[command(after_help = ABOUT)]
pub struct Args {
    /// The queries, one line each on the chart (quote a query with spaces)
    #[arg(value_name = "QUERY", required = true)]
    queries: Vec<String>,
    #[command(flatten)]
    index: IndexDir,
    /// Count by year or by month
    #[arg(long, value_name = "PERIOD", default_value = "year", value_parser = parse::<Period>)]
    by: Period,
    /// Count matching passages, or articles with a matching passage
    #[arg(long, value_name = "UNIT", default_value = "passages", value_parser = parse::<Unit>)]
    per: Unit,
    #[command(flatten)]
    matching: Matching,
    /// Write the counts as JSON
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Write CSV: one row per period and query (period, query, count, total, per_10000)
    #[arg(long)]
    csv: bool,
}

/// A value by its name, for clap.
pub(super) fn parse<T: std::str::FromStr<Err = String>>(name: &str) -> Result<T, String> {
    name.parse()
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = super::search::open_index(&args.index)?;
    let options = args.matching.options()?;
    let trend = index.trend(&args.queries, args.by, args.per, &options)?;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    stdout_result(if args.json {
        json(out, &trend)
    } else if args.csv {
        csv(out, &trend)
    } else {
        text(out, &trend)
    })?;
    let matched = trend.series.iter().any(|s| s.total + s.undated > 0);
    Ok(if matched {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}

fn json(mut out: impl Write, trend: &Trend) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, trend)?;
    writeln!(out)?;
    out.flush()
}

/// A rate as written in the table and the CSV: two decimals, empty where the archive has none.
fn rate(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.2}")).unwrap_or_default()
}

fn csv(out: impl Write, trend: &Trend) -> std::io::Result<()> {
    let head = [trend.by.name(), "query", "count", "total", "per_10000"];
    let mut rows = Rows::new(out, false, &head)?;
    for series in &trend.series {
        for (p, period) in trend.periods.iter().enumerate() {
            let (count, total) = (series.counts[p].to_string(), trend.totals[p].to_string());
            rows.row(&[
                period,
                &series.query,
                &count,
                &total,
                &rate(series.rates[p]),
            ])?;
        }
    }
    rows.flush()
}

fn text(mut out: impl Write, trend: &Trend) -> std::io::Result<()> {
    let mut table = Table::new(1);
    let mut names = vec![String::new(), String::new()];
    let mut heads = vec![trend.by.name().to_string(), trend.per.name().to_string()];
    for series in &trend.series {
        names.extend([series.query.clone(), String::new()]);
        heads.extend(["count".to_string(), "/10,000".to_string()]);
    }
    table.row(names);
    table.row(heads);
    for (p, period) in trend.periods.iter().enumerate() {
        let mut cells = vec![period.clone(), trend.totals[p].to_string()];
        for series in &trend.series {
            cells.extend([series.counts[p].to_string(), rate(series.rates[p])]);
        }
        table.row(cells);
    }
    let mut totals = vec![
        "all".to_string(),
        trend.totals.iter().sum::<u64>().to_string(),
    ];
    for series in &trend.series {
        totals.extend([series.total.to_string(), String::new()]);
    }
    table.row(totals);
    table.write(&mut out)?;
    for series in &trend.series {
        for (term, others) in &series.expanded {
            writeln!(out, "{term} also as {}", others.join(", "))?;
        }
    }
    if trend.undated > 0 {
        writeln!(
            out,
            "undated, in no period: {} {}",
            trend.undated,
            trend.per.name()
        )?;
    }
    out.flush()
}
