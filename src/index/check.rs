//! `gonghui check`: whether an index is sound, before a reading room opens, and what to do
//! when it is not.
//!
//! Reads without writing (the index is opened as on read-only media): every file of every
//! segment against its checksum, `meta.json`, `gonghui.json`, the dictionary, and the link
//! of every passage to its article.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::index::SegmentComponent;

use super::config::{DICTIONARY_FILE, exists, read_config};
use super::read_only::ReadOnlyDirectory;
use super::schema::{self, Fields, KIND_ARTICLE, KIND_PASSAGE};
use super::view::{IndexView, StoredArticle};
use crate::error::{Error, Result};

/// What [`crate::Index::check`] found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The index checked.
    pub index: String,
    /// True when nothing is wrong.
    pub sound: bool,
    /// Segments listed in `meta.json`.
    pub segments: usize,
    /// Files of those segments, and their bytes.
    pub files: usize,
    /// Bytes of those files.
    pub bytes: u64,
    /// Live articles and passages (counted when the files are sound).
    pub articles: usize,
    /// Live passages.
    pub passages: usize,
    /// What is wrong, a line each.
    pub problems: Vec<Problem>,
    /// What to do about it (empty when sound).
    pub advice: String,
}

/// One thing wrong with an index.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The file it is about, inside the index (empty when about no one file).
    pub file: String,
    /// What is wrong, in words.
    pub problem: String,
}

impl Problem {
    fn new(file: &str, problem: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            problem: problem.into(),
        }
    }
}

pub(super) fn check(dir: &Path) -> Result<CheckReport> {
    run(dir, true)
}

/// What is wrong with the files of the index in `dir` (none when it has none), without the
/// pass over its documents: what a failed read needs to know, at the cost of reading each
/// file once.
pub(crate) fn file_problems(dir: &Path) -> Vec<Problem> {
    run(dir, false)
        .map(|report| report.problems)
        .unwrap_or_default()
}

/// The checks, with the links of passages to articles or without.
fn run(dir: &Path, with_links: bool) -> Result<CheckReport> {
    if !exists(dir) {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let mut report = CheckReport {
        index: dir.display().to_string(),
        sound: true,
        segments: 0,
        files: 0,
        bytes: 0,
        articles: 0,
        passages: 0,
        problems: Vec::new(),
        advice: String::new(),
    };
    check_config_and_dictionary(dir, &mut report.problems);
    if let Some(index) = check_files(dir, &mut report)
        && report.problems.is_empty()
        && with_links
    {
        check_links(&index, &mut report);
    }
    report.sound = report.problems.is_empty();
    if !report.sound {
        report.advice = advice(dir, &report.problems);
    }
    Ok(report)
}

/// `gonghui.json` and the dictionary, whose size it records and whose checksum the file
/// holds.
fn check_config_and_dictionary(dir: &Path, problems: &mut Vec<Problem>) {
    let config = match read_config(dir) {
        Ok(config) => Some(config),
        Err(error) => {
            problems.push(Problem::new("gonghui.json", error.to_string()));
            None
        }
    };
    let path = dir.join(DICTIONARY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            problems.push(Problem::new(
                DICTIONARY_FILE,
                format!("cannot be read: {error}"),
            ));
            return;
        }
    };
    if let Some(config) = config
        && bytes.len() as u64 != config.dictionary_bytes
    {
        problems.push(Problem::new(
            DICTIONARY_FILE,
            format!(
                "has {} bytes where gonghui.json records {}: cut short or replaced",
                bytes.len(),
                config.dictionary_bytes
            ),
        ));
        return;
    }
    let sound = fst::raw::Fst::new(bytes).map_err(|e| e.to_string());
    if let Err(error) = sound.and_then(|fst| fst.verify().map_err(|e| e.to_string())) {
        problems.push(Problem::new(
            DICTIONARY_FILE,
            format!("is corrupted ({error})"),
        ));
    }
}

/// `meta.json` and every file of its segments against its checksum; the index, opened
/// without writing, when `meta.json` can be read.
fn check_files(dir: &Path, report: &mut CheckReport) -> Option<tantivy::Index> {
    let opened = ReadOnlyDirectory::open(dir)
        .map_err(|e| e.to_string())
        .and_then(|directory| tantivy::Index::open(directory).map_err(|e| e.to_string()));
    let index = match opened {
        Ok(index) => index,
        Err(error) => {
            let problem = format!("the list of segments cannot be read ({error})");
            report.problems.push(Problem::new("meta.json", problem));
            return None;
        }
    };
    let metas = match index.load_metas() {
        Ok(metas) => metas,
        Err(error) => {
            let problem = format!("the list of segments cannot be read ({error})");
            report.problems.push(Problem::new("meta.json", problem));
            return None;
        }
    };
    report.segments = metas.segments.len();
    // tantivy lists a file of deletes for every segment; only those with deletes have one.
    let no_deletes: BTreeSet<PathBuf> = (metas.segments.iter())
        .filter(|segment| !segment.has_deletes())
        .map(|segment| segment.relative_path(SegmentComponent::Delete))
        .collect();
    let files: BTreeSet<PathBuf> = (metas.list_segment_files().into_iter())
        .filter(|file| !no_deletes.contains(file))
        .collect();
    for file in &files {
        let name = file.display().to_string();
        let Ok(metadata) = std::fs::metadata(dir.join(file)) else {
            report.problems.push(Problem::new(&name, "is missing"));
            continue;
        };
        report.files += 1;
        report.bytes += metadata.len();
        match index.directory().validate_checksum(file) {
            Ok(true) => {}
            Ok(false) => report.problems.push(Problem::new(
                &name,
                "is corrupted (its checksum does not match)",
            )),
            Err(error) => report.problems.push(Problem::new(
                &name,
                format!("is cut short or unreadable ({error})"),
            )),
        }
    }
    Some(index)
}

/// Every live passage belongs to a live article of its segment, and every article's stored id
/// is the one its key was made from.
fn check_links(index: &tantivy::Index, report: &mut CheckReport) {
    let (schema, fields) = Fields::schema();
    if index.schema() != schema {
        let problem = "has another schema than this gonghui's (an index of another version)";
        report.problems.push(Problem::new("meta.json", problem));
        return;
    }
    let searcher = match super::reader(index, 1) {
        Ok(reader) => reader.searcher(),
        Err(error) => {
            report.problems.push(Problem::new("", error.to_string()));
            return;
        }
    };
    let view = IndexView::new(searcher, fields);
    if let Err(error) = count_links(&view, report) {
        report.problems.push(Problem::new("", error.to_string()));
    }
}

fn count_links(view: &IndexView, report: &mut CheckReport) -> Result<()> {
    let segments = view.segments();
    let mut articles: Vec<Vec<bool>> = segments
        .iter()
        .map(|s| vec![false; s.reader().max_doc() as usize])
        .collect();
    let mut wrong_keys = vec![0usize; segments.len()];
    let mut read = Ok(());
    view.for_each_of_kind(KIND_ARTICLE, |segment, doc| {
        let ord = segment.address(doc).segment_ord as usize;
        articles[ord][doc as usize] = true;
        report.articles += 1;
        match view.doc(segment.address(doc)) {
            Ok(stored) => {
                let id = StoredArticle::of(&stored, view.fields()).id;
                if segment.article_key(doc) != Some(schema::article_key(&id)) {
                    wrong_keys[ord] += 1;
                }
            }
            Err(error) => read = Err(error),
        }
    })?;
    read?;
    let mut orphans = vec![0usize; segments.len()];
    view.for_each_of_kind(KIND_PASSAGE, |segment, doc| {
        let ord = segment.address(doc).segment_ord as usize;
        report.passages += 1;
        let article = segment.article_doc(doc);
        if article == doc || !articles[ord][article as usize] {
            orphans[ord] += 1;
        }
    })?;
    for (ord, segment) in segments.iter().enumerate() {
        let name = format!("{}.*", segment.reader().segment_id().uuid_string());
        if orphans[ord] > 0 {
            let problem = format!("{} passages are not linked to their article", orphans[ord]);
            report.problems.push(Problem::new(&name, problem));
        }
        if wrong_keys[ord] > 0 {
            let problem = format!(
                "{} articles have another key than their id's",
                wrong_keys[ord]
            );
            report.problems.push(Problem::new(&name, problem));
        }
    }
    Ok(())
}

/// What to do: restore what is damaged, or rebuild.
fn advice(dir: &Path, problems: &[Problem]) -> String {
    let files: BTreeSet<&str> = problems
        .iter()
        .map(|p| p.file.as_str())
        .filter(|f| !f.is_empty())
        .collect();
    let restore = match files.is_empty() {
        true => "restore the index from a backup".to_string(),
        false => format!(
            "restore {} from a backup of this index (a segment's files only with the \
             meta.json that lists them)",
            files.into_iter().collect::<Vec<_>>().join(", ")
        ),
    };
    format!(
        "{restore}, or rebuild it: `gonghui index --rebuild --index {} PATH...`",
        dir.display()
    )
}
