//! The shape of a passage, measured once at indexing for ranking: how long it is and how much
//! of it is an enumeration. A list of attendees (全国总工会、共青团中央、全国妇联……) or of tasks
//! (一是……二是……) names many things and is about none of them; a very short line is a caption,
//! a heading or a speaker's name rather than a report.

/// Ordinal words that open the items of a Chinese enumeration: 一是, 二是, … 十是.
const ORDINALS: &str = "一二三四五六七八九十";

/// Length of a passage in characters.
pub fn chars(text: &str) -> u64 {
    text.chars().count() as u64
}

/// How much a passage enumerates: one mark per enumeration comma (、), two per ordinal item
/// opener (一是, 二是, …), since one opener stands for a whole clause of the list.
pub fn list_marks(text: &str) -> u64 {
    let mut marks = 0;
    let mut previous = None;
    for c in text.chars() {
        match c {
            '、' => marks += 1,
            '是' if previous.is_some_and(|p| ORDINALS.contains(p)) => marks += 2,
            _ => {}
        }
        previous = Some(c);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_counted() {
        assert_eq!(
            list_marks("全国总工会、共青团中央、全国妇联、中国科协致贺词。"),
            3
        );
        assert_eq!(list_marks("一是稳就业，二是保民生。"), 4);
        assert_eq!(list_marks("这是一个普通的句子，只是很长。"), 0);
        assert_eq!(chars("志愿者137名"), 7);
    }
}
