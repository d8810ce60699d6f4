//! Synonyms and abbreviations, expanded at query time: a term that belongs to a group finds
//! passages with any member of the group. Nothing of them is in the index, so changing them
//! never needs a re-index.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use crate::analysis::normalize;
use crate::disk::read_text;
use crate::error::{Error, Result};

/// The shipped groups (how to add one is said at the file's top).
pub const BUILTIN: &str = include_str!("synonyms.txt");

/// Groups of equivalent terms, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    group_of: HashMap<String, usize>,
}

static SHIPPED: LazyLock<Arc<Synonyms>> = LazyLock::new(|| {
    let mut synonyms = Synonyms::default();
    synonyms
        .add(BUILTIN, "the shipped synonyms")
        .expect("the shipped synonyms parse");
    Arc::new(synonyms)
});

impl Synonyms {
    /// The shipped groups.
    pub fn shipped() -> Arc<Synonyms> {
        SHIPPED.clone()
    }

    /// The shipped groups and those of a file in the same format.
    pub fn shipped_and(path: &Path) -> Result<Synonyms> {
        let text = read_text(path, "the synonyms file")?;
        let mut synonyms = Synonyms::clone(&SHIPPED);
        synonyms.add(&text, &path.display().to_string())?;
        Ok(synonyms)
    }

    /// Adds the groups of a text: one a line, members separated by white space, commas, 、 or
    /// semicolons; `#` starts a comment line. A member already in a group joins the groups.
    fn add(&mut self, text: &str, origin: &str) -> Result<()> {
        let separators = |c: char| c.is_whitespace() || ",，、;；".contains(c);
        for (number, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut members: Vec<String> = Vec::new();
            for member in line.split(separators).filter(|m| !m.is_empty()) {
                let member = normalize(member);
                if !members.contains(&member) {
                    members.push(member);
                }
            }
            if members.len() < 2 {
                return Err(Error::Usage(format!(
                    "{origin}:{}: a group needs two terms or more: {line}",
                    number + 1
                )));
            }
            self.join(members);
        }
        Ok(())
    }

    /// Adds a group, merging it with the groups its members are already in.
    fn join(&mut self, members: Vec<String>) {
        let mut merged: Vec<String> = Vec::new();
        let mut absorbed: Vec<usize> = members
            .iter()
            .filter_map(|m| self.group_of.get(m).copied())
            .collect();
        absorbed.sort_unstable();
        absorbed.dedup();
        for &group in &absorbed {
            merged.append(&mut self.groups[group]);
        }
        for member in members {
            if !merged.contains(&member) {
                merged.push(member);
            }
        }
        let index = absorbed.first().copied().unwrap_or(self.groups.len());
        for member in &merged {
            self.group_of.insert(member.clone(), index);
        }
        if index == self.groups.len() {
            self.groups.push(merged);
        } else {
            self.groups[index] = merged;
        }
    }

    /// The other members of the group of a normalised term, or nothing.
    pub fn others(&self, normalized: &str) -> Vec<&str> {
        self.group_of
            .get(normalized)
            .map(|&group| {
                self.groups[group]
                    .iter()
                    .map(String::as_str)
                    .filter(|m| *m != normalized)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every group, for tests and listings.
    pub fn groups(&self) -> impl Iterator<Item = &[String]> {
        self.groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_expand_both_ways_and_join() {
        let shipped = Synonyms::shipped();
        assert_eq!(shipped.others("全总"), ["全国总工会", "中华全国总工会"]);
        assert_eq!(shipped.others("中华全国总工会"), ["全总", "全国总工会"]);
        assert!(shipped.others("工人").is_empty());

        let mut synonyms = Synonyms::clone(&shipped);
        synonyms.add("劳模，劳动英雄\n\n# note\n", "mine").unwrap();
        assert_eq!(synonyms.others("劳动英雄"), ["劳模", "劳动模范"]);
        // Traditional and full-width forms are normalised as queries are.
        synonyms.add("勞模 勞模們", "mine").unwrap();
        assert!(synonyms.others("劳模们").contains(&"劳动模范"));
        let error = synonyms.add("a\n劳模\n", "mine.txt").unwrap_err();
        assert!(error.to_string().contains("mine.txt:1:"), "{error}");
    }
}
