//! Character normalisation: Traditional → Simplified, full-width → half-width, lower case.
//!
//! Every mapping is one character to one character, so the normalised text has exactly the
//! characters of the original at the same character offsets. That is what keeps highlight
//! offsets on the original text (the IK/Elasticsearch char-filter offset bugs come from
//! mappings that change the length).

use std::sync::OnceLock;

/// Bumped whenever a mapping changes: indexes made with another version must be rebuilt.
pub const NORMALIZATION_VERSION: u32 = 1;

const T2S_TABLE: &str = include_str!("t2s.tsv");

/// The CJK block range held in a dense table; the rest of the table is searched.
const DENSE_START: u32 = 0x3400;
const DENSE_END: u32 = 0xA000;

struct TraditionalToSimplified {
    dense: Vec<char>,
    sparse: Vec<(char, char)>,
}

fn t2s() -> &'static TraditionalToSimplified {
    static TABLE: OnceLock<TraditionalToSimplified> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut dense = vec!['\0'; (DENSE_END - DENSE_START) as usize];
        let mut sparse = Vec::new();
        for line in T2S_TABLE.lines().filter(|l| !l.starts_with('#')) {
            let mut chars = line.split('\t').filter_map(|s| s.chars().next());
            if let (Some(from), Some(to)) = (chars.next(), chars.next()) {
                let code = from as u32;
                if (DENSE_START..DENSE_END).contains(&code) {
                    dense[(code - DENSE_START) as usize] = to;
                } else {
                    sparse.push((from, to));
                }
            }
        }
        sparse.sort_unstable();
        TraditionalToSimplified { dense, sparse }
    })
}

/// Normalises one character. Characters without a mapping are returned unchanged.
#[inline]
pub fn normalize_char(c: char) -> char {
    let code = c as u32;
    if code < 0x80 {
        return c.to_ascii_lowercase();
    }
    match code {
        // Ideographic space, typed by Chinese input methods.
        0x3000 => ' ',
        // Full-width ASCII block: Ａ→a, １→1, ：→:, （→(.
        0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0)
            .unwrap_or(c)
            .to_ascii_lowercase(),
        DENSE_START..DENSE_END => {
            let mapped = t2s().dense[(code - DENSE_START) as usize];
            if mapped == '\0' { c } else { mapped }
        }
        _ if code >= 0x20000 || (0xF900..0xFB00).contains(&code) => {
            let table = &t2s().sparse;
            table
                .binary_search_by_key(&c, |&(from, _)| from)
                .map_or(c, |i| table[i].1)
        }
        _ => single_lowercase(c),
    }
}

/// Lower case only where it stays one character (İ lower-cases to two).
fn single_lowercase(c: char) -> char {
    if !c.is_uppercase() {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Normalises a text; the result has the same number of characters as the input.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    out.extend(text.chars().map(normalize_char));
    out
}

/// Curly quotes typed by Chinese input methods, mapped to the ASCII quote of the query syntax.
pub fn normalize_query_char(c: char) -> char {
    match c {
        '“' | '”' | '„' | '‟' | '＂' | '「' | '」' => '"',
        _ => normalize_char(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(normalize("誌願者"), "志愿者");
        assert_eq!(normalize("工會"), "工会");
        assert_eq!(normalize("勞動模範"), "劳动模范");
    }

    #[test]
    fn characters_that_are_also_simplified_are_kept() {
        assert_eq!(normalize("乾隆"), "乾隆");
        assert_eq!(normalize("著名"), "著名");
    }

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(normalize("ＣＯＶＩＤ－１９"), "covid-19");
        assert_eq!(normalize("工会\u{3000}ABC"), "工会 abc");
        assert_eq!(normalize("工会："), "工会:");
    }

    #[test]
    fn one_character_for_one_character() {
        let text = "İstanbul 工會ＡＢ 𠀀 \u{F900}";
        assert_eq!(normalize(text).chars().count(), text.chars().count());
    }
}
