//! Input files: finding them, decompressing and decoding them, and reading their articles.
//!
//! Pages (`.txt`) are decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK,
//! the encoding of many older Chinese archives. JSON Lines come plain, `.zst` or `.gz`, or on
//! standard input as `-`. Nothing here stops at bad input: what cannot be read is returned as
//! a [`Skipped`] with its place and reason, and everything else is read.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::articles::{Article, jsonl, page};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One article page as text.
    Page,
    /// JSON Lines, one article a line.
    JsonLines(Compression),
}

/// How a JSON Lines file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain text.
    None,
    /// `.zst`.
    Zstd,
    /// `.gz`.
    Gzip,
}

/// A file to read, with what identifies its version.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as given (`-` for standard input), without `./` parts.
    pub path: PathBuf,
    /// How the file is read.
    pub format: Format,
    /// Size in bytes (0 for standard input).
    pub size: u64,
    /// Modification time in nanoseconds since 1970 (0 when unknown).
    pub modified: i64,
}

impl InputFile {
    /// The path as recorded in the index and shown to the user.
    pub fn name(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    /// True for standard input.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// A hash of the file's content (128-bit xxh3, in hex), to tell a changed file from one
    /// only touched.
    pub fn content_hash(&self) -> std::io::Result<String> {
        let mut file = File::open(&self.path)?;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0; 1 << 20];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(format!("{:032x}", hasher.digest128()));
            }
            hasher.update(&buf[..n]);
        }
    }
}

/// A progress bar of the bytes read, on standard error when `shown`, it is a terminal and
/// there is enough to read to need one (more than 8 MiB); hidden otherwise.
pub(crate) fn progress_bar(total_bytes: u64, shown: bool) -> ProgressBar {
    if !shown || !std::io::stderr().is_terminal() || total_bytes <= (8 << 20) {
        return ProgressBar::hidden();
    }
    let template =
        "{spinner} indexing [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}";
    ProgressBar::new(total_bytes).with_style(
        ProgressStyle::with_template(template)
            .expect("the progress template is valid")
            .progress_chars("=> "),
    )
}

/// Something that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// `FILE` or `FILE:LINE`.
    pub place: String,
    /// Why, in words.
    pub reason: String,
}

impl Skipped {
    /// An article left out for having no paragraph after clean-up.
    pub(crate) fn without_paragraphs(article: &crate::Article) -> Skipped {
        Skipped {
            place: if article.path.is_empty() {
                article.id.clone()
            } else {
                article.path.clone()
            },
            reason: format!("\"{}\" has no paragraphs after clean-up", article.title),
        }
    }
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

fn format_of(name: &str) -> Option<Format> {
    let name = name.to_lowercase();
    if name.ends_with(".txt") {
        Some(Format::Page)
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Some(Format::JsonLines(Compression::None))
    } else if name.ends_with(".jsonl.zst") || name.ends_with(".jsonl.zstd") {
        Some(Format::JsonLines(Compression::Zstd))
    } else if name.ends_with(".jsonl.gz") {
        Some(Format::JsonLines(Compression::Gzip))
    } else {
        None
    }
}

/// The path without `.` components, so `./corpus/a.txt` and `corpus/a.txt` are one file.
pub fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn input_file(path: &Path, format: Format) -> Result<InputFile, Skipped> {
    let meta = std::fs::metadata(path).map_err(|e| Skipped {
        place: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    Ok(InputFile {
        path: clean(path),
        format,
        size: meta.len(),
        modified,
    })
}

/// Finds the files to read under the given paths: named files whatever their name (read as
/// pages unless they are JSON Lines), and in folders, recursively, the `.txt`, `.jsonl`,
/// `.jsonl.zst` and `.jsonl.gz` files that are not hidden, in name order.
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(InputFile {
                path: path.clone(),
                format: Format::JsonLines(Compression::None),
                size: 0,
                modified: 0,
            });
        } else if path.is_dir() {
            walk(path, &mut files, &mut skipped);
        } else {
            let format = format_of(&path.to_string_lossy()).unwrap_or(Format::Page);
            match input_file(path, format) {
                Ok(file) => files.push(file),
                Err(skip) => skipped.push(skip),
            }
        }
    }
    (files, skipped)
}

fn walk(dir: &Path, files: &mut Vec<InputFile>, skipped: &mut Vec<Skipped>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            skipped.push(Skipped {
                place: dir.display().to_string(),
                reason: e.to_string(),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, skipped);
        } else if let Some(format) = format_of(&name) {
            match input_file(&path, format) {
                Ok(file) => files.push(file),
                Err(skip) => skipped.push(skip),
            }
        }
    }
}

/// Text of a page. Returns the text and, when only part of it could be decoded, why.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest);
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        return if had_errors {
            Err(format!("not valid {} text", encoding.name()))
        } else {
            Ok((text.into_owned(), None))
        };
    }
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err("a binary file (it holds NUL bytes), not text".to_string());
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Result<(String, Option<String>), String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        // Valid up to a character cut off at the very end: a truncated file.
        Err(e) if e.error_len().is_none() => Ok((
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
            Some(format!(
                "the file ends inside a character (truncated?); read its first {} bytes",
                e.valid_up_to()
            )),
        )),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| (text.into_owned(), None))
            .ok_or_else(|| "neither UTF-8 nor GB18030/GBK text (binary?)".to_string()),
    }
}

/// One thing read from a file: an article with the line it starts on, or what was skipped.
pub type Item = Result<(usize, Article), Skipped>;

/// Reads the articles of a file, skipping its first `skip_lines` lines (JSON Lines only; used
/// to resume an interrupted run), and hands each to `sink`. Stops early if `sink` says so.
pub fn read_articles(
    file: &InputFile,
    skip_lines: usize,
    progress: &ProgressBar,
    mut sink: impl FnMut(Item) -> bool,
) {
    let name = file.name();
    let skip = |reason: String| Skipped {
        place: name.clone(),
        reason,
    };
    match file.format {
        Format::Page => {
            progress.inc(file.size);
            let bytes = match std::fs::read(&file.path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    sink(Err(skip(e.to_string())));
                    return;
                }
            };
            match decode(&bytes) {
                Ok((text, problem)) => {
                    if sink(Ok((1, page::parse(&text, &name))))
                        && let Some(problem) = problem
                    {
                        sink(Err(skip(problem)));
                    }
                }
                Err(reason) => {
                    sink(Err(skip(reason)));
                }
            }
        }
        Format::JsonLines(compression) => match open(file, compression, progress) {
            Ok(reader) => read_lines(reader, &name, skip_lines, sink),
            Err(e) => {
                sink(Err(skip(e.to_string())));
            }
        },
    }
}

fn open(
    file: &InputFile,
    compression: Compression,
    progress: &ProgressBar,
) -> std::io::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if file.is_stdin() {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(progress.wrap_read(File::open(&file.path)?))
    };
    Ok(match compression {
        Compression::None => Box::new(BufReader::with_capacity(1 << 16, raw)),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::stream::read::Decoder::new(raw)?,
        )),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(raw),
        )),
    })
}

fn read_lines(
    mut reader: Box<dyn BufRead>,
    name: &str,
    skip_lines: usize,
    mut sink: impl FnMut(Item) -> bool,
) {
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                sink(Err(Skipped {
                    place: format!("{name}:{}", number + 1),
                    reason: format!(
                        "cannot read on from here ({e}); the file is damaged or cut short"
                    ),
                }));
                return;
            }
        }
        number += 1;
        if number <= skip_lines {
            continue;
        }
        let line = match std::str::from_utf8(&buf) {
            Ok(line) => line.trim(),
            Err(_) => {
                let skipped = Skipped {
                    place: format!("{name}:{number}"),
                    reason: "the line is not UTF-8".to_string(),
                };
                if !sink(Err(skipped)) {
                    return;
                }
                continue;
            }
        };
        if line.is_empty() {
            continue;
        }
        let item = jsonl::parse(line, name, number)
            .map(|article| (number, article))
            .map_err(|reason| Skipped {
                place: format!("{name}:{number}"),
                reason,
            });
        if !sink(item) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let text = "甘肃工人报 工会";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap().0, text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().0, text);
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
    }

    #[test]
    fn truncated_utf8_keeps_what_is_whole() {
        let bytes = "工会志愿者".as_bytes();
        let (text, problem) = decode(&bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(text, "工会志愿");
        assert!(problem.unwrap().contains("truncated"));
    }
}
