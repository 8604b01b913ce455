//! Word segmentation: jieba with the general dictionary, huiyin's petition terms and the words an
//! installation adds (place names of its units, content classes, words administrators add).
//!
//! Documents are cut in search mode, so that a long word is also found by the shorter words inside
//! it (`补偿款` by `补偿`); queries are cut in the ordinary mode. Every token is lower-cased and split
//! at anything that is not a letter or digit, so that the databases' own tokenizers, which split at
//! the same places, keep our tokens whole.

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// The petition terms shipped with huiyin (`data/search/words.txt`).
const SHIPPED_WORDS: &str = include_str!("../../../data/search/words.txt");

/// The general dictionary with the shipped terms, built once per process.
fn base() -> &'static Jieba {
    static BASE: OnceLock<Jieba> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut jieba = Jieba::new();
        for (word, freq) in shipped_words() {
            jieba.add_word(word, freq, None);
        }
        jieba
    })
}

/// The shipped terms as (word, frequency).
fn shipped_words() -> impl Iterator<Item = (&'static str, Option<usize>)> {
    SHIPPED_WORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).filter_map(|line| {
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        Some((word, parts.next().and_then(|f| f.parse().ok())))
    })
}

/// A segmenter with an installation's own words. Cheap to share; build a new one when words change.
#[derive(Clone)]
pub struct Segmenter {
    jieba: Jieba,
    words: usize,
}

impl Segmenter {
    /// The shipped dictionary plus `extra` words (place names, classes, administrators' words).
    pub fn new<'a>(extra: impl IntoIterator<Item = &'a str>) -> Segmenter {
        let mut jieba = base().clone();
        let mut words = 0;
        for word in extra {
            let word = word.trim();
            // A word of one character adds nothing; a phrase with spaces cannot be one token.
            if word.chars().count() >= 2 && !word.chars().any(char::is_whitespace) {
                if !jieba.has_word(word) {
                    jieba.add_word(word, None, None);
                }
                words += 1;
            }
        }
        Segmenter { jieba, words }
    }

    /// How many installation words were added.
    pub fn extra_words(&self) -> usize {
        self.words
    }

    /// Whether the dictionary holds `word`.
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// The tokens to index for a text, in order, repeated as often as they occur.
    pub fn index_tokens(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for token in self.jieba.cut_for_search(text, true) {
            push_normalized(&mut out, token.word);
        }
        out
    }

    /// The words of a query, each once, in the order typed.
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for token in self.jieba.cut(query, true) {
            let mut parts = Vec::new();
            push_normalized(&mut parts, token.word);
            for part in parts {
                if !out.contains(&part) {
                    out.push(part);
                }
            }
        }
        out
    }
}

/// Lower-cases a token and splits it at every character that is not a letter or digit.
fn push_normalized(out: &mut Vec<String>, word: &str) {
    for part in word.split(|c: char| !c.is_alphanumeric()) {
        if !part.is_empty() {
            out.push(part.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_character_petition_words_are_tokens_of_their_own() {
        let s = Segmenter::new([]);
        for (text, word) in [
            ("反映西山社区拆迁补偿标准低于周边项目", "拆迁"),
            ("包工头拖欠工资共计一万二千元", "工资"),
            ("申请低保被村委会拒绝", "低保"),
        ] {
            assert!(s.index_tokens(text).contains(&word.to_owned()), "{word} in {:?}", s.index_tokens(text));
            assert_eq!(s.query_terms(word), vec![word.to_owned()]);
        }
    }

    #[test]
    fn search_mode_finds_the_short_word_inside_a_long_one() {
        let s = Segmenter::new([]);
        let tokens = s.index_tokens("要求落实拆迁补偿款");
        assert!(tokens.contains(&"补偿款".to_owned()), "{tokens:?}");
        assert!(tokens.contains(&"补偿".to_owned()), "{tokens:?}");
    }

    #[test]
    fn punctuation_is_dropped_and_latin_is_lower_cased() {
        let s = Segmenter::new([]);
        let tokens = s.index_tokens("WiFi信号差,影响上网课!");
        assert!(tokens.contains(&"wifi".to_owned()), "{tokens:?}");
        assert!(tokens.iter().all(|t| t.chars().all(char::is_alphanumeric)), "{tokens:?}");
        assert_eq!(s.query_terms("  ,。 "), Vec::<String>::new());
    }

    #[test]
    fn an_installation_word_is_kept_whole() {
        let plain = Segmenter::new([]);
        let with_place = Segmenter::new(["清溪县", "东坡村"]);
        assert_eq!(with_place.extra_words(), 2);
        assert!(with_place.index_tokens("清溪县东坡村道路破损").contains(&"东坡村".to_owned()));
        assert!(with_place.knows("东坡村"));
        // The plain dictionary does not know the village: the word came from the installation.
        assert!(!plain.knows("东坡村"));
    }
}
