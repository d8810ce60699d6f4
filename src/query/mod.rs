//! Query syntax, as people type it.
//!
//! - terms separated by spaces must all match: `工会 志愿者`;
//! - `OR` between terms: `劳模 OR 劳动模范`; parentheses group: `(劳模 OR 工匠) 疫情`;
//! - `-term` excludes: `疫情 -核酸`;
//! - `"quoted text"` is an exact phrase;
//! - `title:…`, `source:…` and `author:…` restrict a term, a phrase or a group to that field.
//!
//! Input from a Chinese input method works as typed: the ideographic space, “” quotes,
//! full-width letters, digits, `：`, `（` and `）`. A term typed without spaces is cut into
//! words by jieba; each word must occur (as a string, wherever jieba cut the passage), and
//! passages where the whole term occurs as written rank first.

pub(crate) mod build;
pub(crate) mod phrase;
pub(crate) mod signals;
pub(crate) mod synonyms;

use crate::error::{Error, Result};

/// Which text a term is looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The passage text and its section heading.
    Default,
    /// The article's title.
    Title,
    /// The article's source.
    Source,
    /// The article's author.
    Author,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A term (cut into words) or, when `phrase`, an exact phrase.
    Term {
        /// Where it is looked for.
        scope: Scope,
        /// The term as typed.
        text: String,
        /// Quoted: found only as written, never cut or expanded.
        phrase: bool,
    },
    /// Every child matches (terms separated by spaces).
    And(Vec<Node>),
    /// Any child matches.
    Or(Vec<Node>),
    /// The child does not match.
    Not(Box<Node>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Phrase(String),
    Minus,
    Open,
    Close,
    Or,
    Field(Scope),
}

/// The syntax characters typed with a Chinese input method, mapped to ASCII.
fn syntax_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '“' | '”' | '„' | '‟' | '「' | '」' => '"',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn lex(query: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = query.chars().map(syntax_char).collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let close = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .ok_or_else(|| {
                    Error::Query("a quote is not closed: add the closing \"".to_string())
                })?;
            tokens.push(Token::Phrase(chars[i + 1..i + 1 + close].iter().collect()));
            i += close + 2;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if c == '-' {
            if chars.get(i + 1).is_none_or(|n| n.is_whitespace()) {
                return Err(Error::Query(
                    "a lone '-': write -term, with no space, to exclude a term".to_string(),
                ));
            }
            tokens.push(Token::Minus);
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !"()\"".contains(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            push_word(&mut tokens, word)?;
        }
    }
    Ok(tokens)
}

fn push_word(tokens: &mut Vec<Token>, word: String) -> Result<()> {
    if word == "OR" {
        tokens.push(Token::Or);
        return Ok(());
    }
    if let Some((prefix, rest)) = word.split_once(':')
        && !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
    {
        let scope = match prefix.to_ascii_lowercase().as_str() {
            "title" => Scope::Title,
            "source" => Scope::Source,
            "author" => Scope::Author,
            _ => {
                return Err(Error::Query(format!(
                    "unknown field '{prefix}:': the fields are title:, source: and author:"
                )));
            }
        };
        tokens.push(Token::Field(scope));
        if !rest.is_empty() {
            tokens.push(Token::Word(rest.to_string()));
        }
        return Ok(());
    }
    tokens.push(Token::Word(word));
    Ok(())
}

/// Parses a query into its syntax tree.
pub fn parse(query: &str) -> Result<Node> {
    let tokens = lex(query)?;
    if tokens.is_empty() {
        return Err(Error::Query("the query is empty".to_string()));
    }
    let mut parser = Parser { tokens, at: 0 };
    let node = parser.conjunction(Scope::Default)?;
    match parser.tokens.get(parser.at) {
        None => Ok(node),
        Some(Token::Close) => Err(Error::Query("a ')' has no '(' before it".to_string())),
        Some(token) => Err(Error::Query(format!("unexpected {token:?}"))),
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn conjunction(&mut self, scope: Scope) -> Result<Node> {
        let mut nodes = Vec::new();
        while let Some(token) = self.peek() {
            if *token == Token::Close {
                break;
            }
            nodes.push(self.disjunction(scope)?);
        }
        match nodes.len() {
            0 => Err(Error::Query("empty parentheses".to_string())),
            1 => Ok(nodes.pop().expect("one node")),
            _ => Ok(Node::And(nodes)),
        }
    }

    fn disjunction(&mut self, scope: Scope) -> Result<Node> {
        if self.peek() == Some(&Token::Or) {
            return Err(Error::Query("OR needs a term on each side".to_string()));
        }
        let mut nodes = vec![self.unary(scope)?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            match self.peek() {
                None | Some(Token::Close) | Some(Token::Or) => {
                    return Err(Error::Query("OR needs a term on each side".to_string()));
                }
                _ => nodes.push(self.unary(scope)?),
            }
        }
        Ok(if nodes.len() == 1 {
            nodes.pop().expect("one node")
        } else {
            Node::Or(nodes)
        })
    }

    fn unary(&mut self, scope: Scope) -> Result<Node> {
        if self.peek() == Some(&Token::Minus) {
            self.at += 1;
            return Ok(Node::Not(Box::new(self.primary(scope)?)));
        }
        self.primary(scope)
    }

    fn primary(&mut self, scope: Scope) -> Result<Node> {
        let token = self.peek().cloned();
        self.at += 1;
        match token {
            Some(Token::Word(text)) => Ok(Node::Term {
                scope,
                text,
                phrase: false,
            }),
            Some(Token::Phrase(text)) => Ok(Node::Term {
                scope,
                text,
                phrase: true,
            }),
            Some(Token::Field(inner)) => match self.peek() {
                None | Some(Token::Close) | Some(Token::Or) => Err(Error::Query(
                    "a field needs a term after it, as in title:工会".to_string(),
                )),
                _ => self.primary(inner),
            },
            Some(Token::Open) => {
                let node = self.conjunction(scope)?;
                if self.peek() != Some(&Token::Close) {
                    return Err(Error::Query(
                        "a '(' is not closed: add the closing ')'".to_string(),
                    ));
                }
                self.at += 1;
                Ok(node)
            }
            Some(Token::Minus) => Err(Error::Query("'--' is not a term".to_string())),
            Some(Token::Close) => Err(Error::Query("a ')' has no '(' before it".to_string())),
            Some(Token::Or) => Err(Error::Query("OR needs a term on each side".to_string())),
            None => Err(Error::Query("the query ends too early".to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> Node {
        Node::Term {
            scope: Scope::Default,
            text: text.into(),
            phrase: false,
        }
    }

    #[test]
    fn terms_or_not_phrase_field() {
        assert_eq!(
            parse("工会 志愿者").unwrap(),
            Node::And(vec![term("工会"), term("志愿者")])
        );
        assert_eq!(
            parse("劳模 OR 工匠").unwrap(),
            Node::Or(vec![term("劳模"), term("工匠")])
        );
        assert_eq!(
            parse("疫情 -核酸").unwrap(),
            Node::And(vec![term("疫情"), Node::Not(Box::new(term("核酸")))])
        );
        assert_eq!(
            parse("title:\"疫情防控\"").unwrap(),
            Node::Term {
                scope: Scope::Title,
                text: "疫情防控".into(),
                phrase: true
            }
        );
        assert_eq!(parse("covid-19").unwrap(), term("covid-19"));
    }

    #[test]
    fn input_method_characters() {
        assert_eq!(
            parse("“疫情防控”\u{3000}ｔｉｔｌｅ：工会").unwrap(),
            Node::And(vec![
                Node::Term {
                    scope: Scope::Default,
                    text: "疫情防控".into(),
                    phrase: true
                },
                Node::Term {
                    scope: Scope::Title,
                    text: "工会".into(),
                    phrase: false
                },
            ])
        );
        assert_eq!(
            parse("（劳模 OR 工匠）").unwrap(),
            Node::Or(vec![term("劳模"), term("工匠")])
        );
    }

    #[test]
    fn errors_say_what_to_do() {
        for bad in [
            "\"疫情",
            "-",
            "疫情 - 核酸",
            "foo:bar",
            "(工会",
            "工会)",
            "OR 工会",
            "工会 OR",
            "",
            "  ",
        ] {
            assert!(matches!(parse(bad), Err(Error::Query(_))), "{bad:?}");
        }
        assert_eq!(parse("12:30").unwrap(), term("12:30"));
    }
}
