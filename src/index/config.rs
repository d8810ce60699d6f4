//! What an index records about itself in `gonghui.json`: its format version and analyzer
//! configuration, checked whenever it is opened.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::normalize::NORMALIZATION_VERSION;
use crate::analysis::{AnalyzerConfig, SEGMENTER};
use crate::error::{Error, Result};

/// Version of the index layout; an index with another version must be rebuilt.
pub(crate) const FORMAT_VERSION: u32 = 9;

const CONFIG_FILE: &str = "gonghui.json";
pub(crate) const DICTIONARY_FILE: &str = "dictionary.fst";

/// What `gonghui.json` records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexConfig {
    /// The index layout's version.
    pub format: u32,
    /// The gonghui version that created the index.
    pub created_by: String,
    /// How its text was analysed.
    pub analyzer: AnalyzerConfig,
    /// Size of `dictionary.fst`, to notice a damaged or replaced file.
    pub dictionary_bytes: u64,
}

/// True when `dir` holds an index (of any version).
pub(crate) fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

pub(crate) fn rebuild_hint(dir: &Path) -> String {
    format!(
        "rebuild it with `gonghui index --rebuild --index {} PATH...`",
        dir.display()
    )
}

pub(crate) fn read_config(dir: &Path) -> Result<IndexConfig> {
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        Error::Incompatible(format!(
            "{} is not a gonghui index (no {CONFIG_FILE}); {}",
            dir.display(),
            rebuild_hint(dir)
        ))
    })?;
    let config: IndexConfig = serde_json::from_str(&text).map_err(|e| {
        Error::Incompatible(format!("{}: {e}; {}", path.display(), rebuild_hint(dir)))
    })?;
    if config.format != FORMAT_VERSION
        || config.analyzer.normalization != NORMALIZATION_VERSION
        || config.analyzer.segmenter != SEGMENTER
    {
        return Err(Error::Incompatible(format!(
            "the index at {} was made by gonghui {} with another index format or analyzer \
             (format {}, normalisation {}, segmenter \"{}\"; this gonghui uses format \
             {FORMAT_VERSION}, normalisation {NORMALIZATION_VERSION}, segmenter \"{SEGMENTER}\"); {}",
            dir.display(),
            config.created_by,
            config.format,
            config.analyzer.normalization,
            config.analyzer.segmenter,
            rebuild_hint(dir)
        )));
    }
    Ok(config)
}

pub(crate) fn write_config(dir: &Path, config: &IndexConfig) -> Result<()> {
    let text = serde_json::to_string_pretty(config).expect("the configuration serialises");
    crate::disk::replace(&dir.join(CONFIG_FILE), |file| {
        file.write_all(text.as_bytes())
    })
}
