//! Hits as HTML for Jupyter: the passage's text escaped, its matches in `<mark>`.

use std::fmt::Write;

/// The text of each span of `text` (character offsets).
pub fn spans_text(text: &str, spans: &[(usize, usize)]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    spans
        .iter()
        .map(|&(start, end)| {
            let end = end.min(chars.len());
            chars[start.min(end)..end].iter().collect()
        })
        .collect()
}

fn escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `text` escaped, the characters of `spans` in `<mark>`.
fn marked(out: &mut String, text: &str, spans: &[(usize, usize)]) {
    let mut spans = spans.iter().peekable();
    let mut open = false;
    let mut buffer = [0u8; 4];
    for (position, c) in text.chars().enumerate() {
        while spans.peek().is_some_and(|&&(_, end)| end <= position) {
            spans.next();
        }
        let inside = spans
            .peek()
            .is_some_and(|&&(start, end)| start <= position && position < end);
        if inside != open {
            out.push_str(if inside { "<mark>" } else { "</mark>" });
            open = inside;
        }
        escaped(out, c.encode_utf8(&mut buffer));
    }
    if open {
        out.push_str("</mark>");
    }
}

fn hit_into(out: &mut String, hit: &gonghui::Hit) {
    let article = &hit.article;
    out.push_str("<div class=\"gonghui-hit\" style=\"margin:0 0 0.8em 0\"><div><b>");
    let _ = write!(out, "{}. ", hit.rank);
    marked(out, &article.title, &hit.title_highlights);
    out.push_str("</b> <span style=\"color:#666\">");
    let mut place = vec![
        article.source.clone(),
        article.date.clone(),
        gonghui::articles::byline::page_label(&article.page),
        article.author.clone(),
    ];
    place.push(match hit.passage.part {
        0 => format!("para {}", hit.passage.para),
        part => format!("para {} part {part}", hit.passage.para),
    });
    place.retain(|p| !p.is_empty());
    escaped(out, &place.join(" · "));
    if !article.reprints.is_empty() {
        let _ = write!(out, " · also in {} more", article.reprints.len());
    }
    out.push_str("</span></div>");
    if !hit.passage.section.is_empty() {
        out.push_str("<div style=\"color:#444\">");
        marked(out, &hit.passage.section, &hit.section_highlights);
        out.push_str("</div>");
    }
    out.push_str("<div>");
    marked(out, &hit.passage.text, &hit.highlights);
    out.push_str("</div></div>");
}

/// One hit: rank, title, where it comes from, section, the text with its matches marked.
pub fn hit(hit: &gonghui::Hit) -> String {
    let mut out = String::new();
    hit_into(&mut out, hit);
    out
}

/// A page of hits under a line with the query and its total.
pub fn results(query: &str, total: usize, hits: &[gonghui::Hit]) -> String {
    let mut out = String::from("<div class=\"gonghui-results\"><p><b>");
    escaped(&mut out, query);
    let _ = write!(
        out,
        "</b>: {total} matching passage{}, {} shown</p>",
        if total == 1 { "" } else { "s" },
        hits.len()
    );
    for hit in hits {
        hit_into(&mut out, hit);
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_by_characters_and_escapes() {
        let mut out = String::new();
        marked(&mut out, "招募<志愿者>137名", &[(3, 6)]);
        assert_eq!(out, "招募&lt;<mark>志愿者</mark>&gt;137名");
        assert_eq!(spans_text("招募志愿者", &[(2, 5)]), ["志愿者"]);
    }
}
