//! The tantivy tokenizers of the character grams and of the pairs of common characters. They
//! receive text that is already normalised (see [`super::normalize`]), so index and query see
//! the same characters.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::grams::for_each_gram;
use super::pairs::for_each_pair;

/// Name under which [`GramTokenizer`] is registered.
pub const GRAMS: &str = "gonghui_grams";
/// Name under which [`PairTokenizer`] is registered.
pub const PAIRS: &str = "gonghui_pairs";

/// The tokenizer of gonghui's gram fields: every Han character on its own and whole
/// Latin/digit words, at their character positions, over text already normalised with
/// [`crate::normalize()`].
#[derive(Clone, Default)]
pub struct GramTokenizer {
    tokens: Vec<Token>,
}

/// A token stream over a buffer the tokenizer keeps, so no token is allocated per document.
pub struct BufferedTokens<'a> {
    tokens: &'a mut Vec<Token>,
    len: usize,
    next: usize,
}

impl TokenStream for BufferedTokens<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.len
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Writes a token into slot `len` of the buffer, reusing the slot's string.
fn push_token(tokens: &mut Vec<Token>, len: usize, text: &str, position: usize, from: usize) {
    if tokens.len() == len {
        tokens.push(Token::default());
    }
    let token = &mut tokens[len];
    token.text.clear();
    token.text.push_str(text);
    token.position = position;
    token.position_length = 1;
    token.offset_from = from;
    token.offset_to = from + text.len();
}

/// The tokens `for_each` emits over `text`, into the buffer.
fn buffered<'a>(
    tokens: &'a mut Vec<Token>,
    text: &str,
    for_each: impl FnOnce(&str, &mut dyn FnMut(usize, &str)),
) -> BufferedTokens<'a> {
    let mut len = 0;
    let base = text.as_ptr() as usize;
    for_each(text, &mut |position, gram| {
        push_token(tokens, len, gram, position, gram.as_ptr() as usize - base);
        len += 1;
    });
    BufferedTokens {
        tokens,
        len,
        next: 0,
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = BufferedTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokens<'a> {
        buffered(&mut self.tokens, text, |text, emit| {
            for_each_gram(text, emit)
        })
    }
}

/// The tokenizer of the pairs field: every two adjacent common characters as one token at the
/// position of the first (see [`super::pairs`]).
#[derive(Clone, Default)]
pub struct PairTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = BufferedTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokens<'a> {
        buffered(&mut self.tokens, text, |text, emit| {
            for_each_pair(text, emit)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(mut tokenizer: impl Tokenizer, text: &str) -> Vec<String> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn grams_at_character_positions_reuse_the_buffer() {
        let mut tokenizer = GramTokenizer::default();
        assert_eq!(texts(tokenizer.clone(), "志愿者"), vec!["志", "愿", "者"]);
        let mut stream = tokenizer.token_stream("工会 A股");
        let mut positions = Vec::new();
        while stream.advance() {
            positions.push((stream.token().text.clone(), stream.token().position));
        }
        assert_eq!(
            positions,
            vec![
                ("工".to_string(), 0),
                ("会".to_string(), 1),
                ("A".to_string(), 3),
                ("股".to_string(), 4)
            ]
        );
    }
}
