//! Who wrote an article and on which page it was printed, as pages state them: an author line
//! under the title (`记者 张三`, `作者：张三`, `◎文/某某报记者张三 图/记者李四`) and a page label
//! on the metadata line (`第3版`).

/// Why an author line is not indexed with the body.
pub const AUTHOR_LINE: &str = "the author line, read as the article's author";

/// Longest line, in characters, read as an author line: longer ones are body text.
const AUTHOR_LINE_MAX_CHARS: usize = 40;

/// Labels that say the names after them wrote the article, longest first where one begins
/// another.
const WRITER_LABELS: &[&str] = &[
    "本报特约记者",
    "本报见习记者",
    "本报记者",
    "本报通讯员",
    "特约记者",
    "见习记者",
    "实习记者",
    "实习生",
    "通讯员",
    "记者",
    "作者",
    "撰文",
    "执笔",
    "文图",
    "图文",
    "文",
];

/// Labels of the others a byline names (photographs, editing): their names are not authors.
const OTHER_LABELS: &[&str] = &[
    "责任编辑",
    "责编",
    "编辑",
    "审核",
    "审校",
    "校对",
    "摄影",
    "图片",
    "图",
    "摄",
];

/// Words that may end a name inside a longer token (`某某报记者张三`).
const WRITER_WORDS: &[&str] = &["记者", "通讯员", "作者"];

/// Longest text before a writer word inside a token, such as a paper's name.
const TOKEN_PREFIX_MAX_CHARS: usize = 12;

/// The names of an author line (`, ` between them), or `None` when `line` is not one: a
/// short line of labels and names only, at least one name after a writer's label.
pub fn author_line(line: &str) -> Option<String> {
    let line = line
        .trim()
        .trim_start_matches([
            '◎', '●', '○', '■', '□', '▲', '△', '★', '☆', '◆', '◇', '※', '·',
        ])
        .trim_start_matches(['（', '(', '【', '[', '〔'])
        .trim_end_matches(['）', ')', '】', ']', '〕'])
        .trim();
    if line.is_empty()
        || line.chars().count() > AUTHOR_LINE_MAX_CHARS
        || line.contains(['。', '！', '？', '；', '，', '!', '?', ';'])
    {
        return None;
    }
    let spaced: String = line
        .chars()
        .map(|c| match c {
            ':' | '：' | '/' | '／' | '|' | '｜' | '、' | ',' => ' ',
            c => c,
        })
        .collect();
    let mut names: Vec<&str> = Vec::new();
    let mut writing = false;
    let mut labelled = false;
    let mut awaiting_name = false;
    for token in spaced.split_whitespace() {
        let (label, name) = split_label(token);
        if let Some(is_writer) = label {
            labelled = true;
            // Labels without a name between them are one role, named by the first:
            // `文/图 张三` wrote, `图/记者李四` photographed.
            if !awaiting_name {
                writing = is_writer;
            }
            awaiting_name = true;
        }
        if name.is_empty() {
            continue;
        }
        awaiting_name = false;
        // `张三摄`: a photographer named before the label.
        if let Some(photographer) = name.strip_suffix('摄')
            && is_name(photographer)
        {
            writing = false;
            continue;
        }
        if !is_name(name) {
            return None;
        }
        if writing && !names.contains(&name) {
            names.push(name);
        }
    }
    (labelled && !names.is_empty()).then(|| names.join(", "))
}

/// A token's label (`Some(true)` for a writer's, `Some(false)` for another's) and the name
/// after it, if any.
fn split_label(token: &str) -> (Option<bool>, &str) {
    let labels = WRITER_LABELS
        .iter()
        .map(|l| (l, true))
        .chain(OTHER_LABELS.iter().map(|l| (l, false)));
    for (label, is_writer) in labels {
        if let Some(rest) = token.strip_prefix(label) {
            // `文` begins words such as 文明: only a label when a name or nothing follows.
            if rest.is_empty() || is_name(rest) {
                return (Some(is_writer), rest);
            }
        }
    }
    for word in WRITER_WORDS {
        if let Some((before, after)) = token.rsplit_once(word)
            && before.chars().count() <= TOKEN_PREFIX_MAX_CHARS
            && (after.is_empty() || is_name(after))
        {
            return (Some(true), after);
        }
    }
    (None, token)
}

/// Two to four Han characters, or a transcribed name of several parts joined by `·`.
fn is_name(text: &str) -> bool {
    let han = |part: &str| part.chars().all(crate::analysis::grams::is_han);
    let chars = text.chars().count();
    if text.contains('·') {
        chars <= 12 && text.split('·').all(|part| !part.is_empty() && han(part))
    } else {
        (2..=4).contains(&chars) && han(text)
    }
}

/// Whether a word of a metadata line is a page label: `第3版`, `第十二版`, `A3版`.
pub fn is_page_label(word: &str) -> bool {
    let inner = word.strip_prefix('第').unwrap_or(word);
    let Some(number) = inner.strip_suffix('版') else {
        return false;
    };
    let number = number.trim_start_matches(|c: char| c.is_ascii_uppercase());
    !number.is_empty()
        && (number.chars().all(|c| c.is_ascii_digit())
            || number
                .chars()
                .all(|c| chinese_digit(c).is_some() || c == '十'))
}

/// The page as a citation gives it (`2000-11-20(15)`): the number of `第15版` or `第十五版`,
/// `A3` of `A3版`, anything else as written.
pub fn page_number(page: &str) -> String {
    let page = page.trim();
    let inner = page.strip_prefix('第').unwrap_or(page);
    let Some(number) = inner.strip_suffix('版') else {
        return page.to_string();
    };
    if number
        .chars()
        .all(|c| chinese_digit(c).is_some() || c == '十')
        && let Some(n) = chinese_number(number)
    {
        return n.to_string();
    }
    let digits = number.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let letters = &number[..number.len() - digits.len()];
    match digits.parse::<u32>() {
        Ok(n) if !digits.is_empty() => format!("{letters}{n}"),
        _ => page.to_string(),
    }
}

fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|n| n as u32)
}

/// 一 to 九十九, written as papers number their pages.
fn chinese_number(text: &str) -> Option<u32> {
    let (tens, ones) = match text.split_once('十') {
        Some(("", ones)) => (1, ones),
        Some((tens, ones)) => (single(tens)?, ones),
        None => return single(text),
    };
    let ones = if ones.is_empty() { 0 } else { single(ones)? };
    Some(tens * 10 + ones)
}

fn single(text: &str) -> Option<u32> {
    let mut chars = text.chars();
    let digit = chinese_digit(chars.next()?)?;
    chars.next().is_none().then_some(digit)
}

/// The page as a reader is shown it: `第3版` for `3`, a label as written.
pub fn page_label(page: &str) -> String {
    let page = page.trim();
    if !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()) {
        format!("第{page}版")
    } else {
        page.to_string()
    }
}

/// The names of an `author` (as stored: separated by commas, `、` or `;`).
pub fn authors(author: &str) -> Vec<&str> {
    author
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_lines_as_papers_print_them() {
        for (line, names) in [
            ("记者 张三", "张三"),
            ("作者：张三", "张三"),
            ("本报记者 张三 通讯员 李四", "张三, 李四"),
            ("本报记者 张三 李四", "张三, 李四"),
            ("文/张三", "张三"),
            ("◎文/新法制报记者廖世杰 图/记者徐国亮", "廖世杰"),
            ("（记者 杨毅）", "杨毅"),
            ("本报记者王璐 文/图", "王璐"),
            ("文/图 张三", "张三"),
            ("记者 阿不都·热合曼", "阿不都·热合曼"),
            ("文｜张三 编辑｜李四", "张三"),
        ] {
            assert_eq!(author_line(line).as_deref(), Some(names), "{line}");
        }
    }

    #[test]
    fn body_lines_are_not_author_lines() {
        for line in [
            "记者从市人社局获悉，今年以来全市新增就业1.2万人。",
            "记者了解到，该项目已经启动",
            "文明城市创建工作推进会召开",
            "张三",
            "图/李四",
            "近期，甘肃省特别是兰州市张掖市等重点地区新冠肺炎疫情防控形势严峻复杂",
        ] {
            assert_eq!(author_line(line), None, "{line}");
        }
    }

    #[test]
    fn page_labels_and_their_numbers() {
        for (label, number) in [
            ("第3版", "3"),
            ("第03版", "3"),
            ("第十二版", "12"),
            ("第二十版", "20"),
            ("A3版", "A3"),
            ("第A03版", "A3"),
        ] {
            assert!(is_page_label(label), "{label}");
            assert_eq!(page_number(label), number, "{label}");
        }
        assert_eq!(page_number("7"), "7");
        assert_eq!(page_label("7"), "第7版");
        assert_eq!(page_label("A3版"), "A3版");
        assert_eq!(page_number("要闻"), "要闻");
        assert!(!is_page_label("大字"));
        assert!(!is_page_label("版"));
        assert!(!is_page_label("第版"));
    }

    #[test]
    fn authors_of_a_stored_author() {
        assert_eq!(authors("张三, 李四、王五"), ["张三", "李四", "王五"]);
        assert!(authors(" ").is_empty());
    }
}
