//! 政策法规库 (FED-9): laws, regulations and local policies as documents of numbered articles — read
//! from their text as published (`第十七条 …`, chapters `第三章 …` kept as headings), or as one
//! whole when they have no numbered articles — and the articles an opinion or an on-the-spot answer
//! cites, copied as they read when cited so that a document printed later prints what was cited.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{self, limits};
use crate::{FieldError, Invalid, ValidationErrors};

/// How long a policy's text may be, in characters, and how many articles it may have.
pub const MAX_TEXT: usize = 300_000;
pub const MAX_ARTICLES: usize = 3_000;
/// How many articles one opinion or answer may cite.
pub const MAX_CITED: usize = 30;

/// One article: its number (第三十二条 is 32), its label as printed, the chapter it stands in, and
/// its paragraphs joined by line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub number: u32,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    pub text: String,
}

/// A policy as typed or imported: its title, who issued it and when, where its text comes from,
/// and the text itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyDraft {
    /// The title without book-title marks: 信访工作条例.
    pub title: Option<String>,
    /// Who issued it: 中共中央、国务院; 县人民政府.
    pub issuer: Option<String>,
    /// The day it was issued, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// Where the text was taken from (a gazette, a website, a file number).
    pub source: Option<String>,
    /// The text: articles beginning `第一条`, chapters `第一章 …`; a text without numbered articles
    /// is kept whole.
    pub text: Option<String>,
}

/// A checked policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicy {
    pub title: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub source: Option<String>,
    pub articles: Vec<Article>,
}

impl PolicyDraft {
    pub fn parse(&self) -> Result<NewPolicy, ValidationErrors> {
        let mut errors = Vec::new();
        let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let title = take(text::required("title", self.title.as_deref(), limits::TITLE * 2).and_then(|t| {
            let bare = t.trim_start_matches('《').trim_end_matches('》').trim().to_owned();
            if bare.is_empty() { Err(FieldError::new("title", Invalid::Required)) } else { Ok(bare) }
        }));
        let issuer = take(text::required("issuer", self.issuer.as_deref(), limits::NAME * 2));
        let source = text::optional("source", self.source.as_deref(), limits::PLACE).map_err(|e| errors.push(e)).ok();
        let issued_on = match self.issued_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(day) => Some(day),
                Err(_) => {
                    errors.push(FieldError::new("issued_on", Invalid::DateFormat));
                    None
                }
            },
        };
        let articles = match text::required("text", self.text.as_deref(), MAX_TEXT) {
            Ok(body) => match articles_of(&body) {
                Ok(articles) => Some(articles),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            Err(e) => {
                errors.push(e);
                None
            }
        };
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (title, issuer, articles) {
            (Some(title), Some(issuer), Some(articles)) => {
                Ok(NewPolicy { title, issuer, issued_on, source: source.flatten(), articles })
            }
            _ => Err(FieldError::new("text", Invalid::Required).into()),
        }
    }
}

/// The articles of a text: each line that begins `第…条` (Chinese numerals or digits) followed by a
/// space starts one, the lines after it are its further paragraphs; a line `第…章 …` (or 节) is the
/// heading the articles after it stand under. A text with no numbered article is one article, 全文.
/// The same number twice is refused: an article is cited by its number.
pub fn articles_of(body: &str) -> Result<Vec<Article>, FieldError> {
    let mut articles: Vec<Article> = Vec::new();
    let mut chapter: Option<String> = None;
    // A byte-order mark, markdown headings' marks (`## 第三章`) and every kind of space around a
    // line are not the text's.
    let lines = body
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').trim_start_matches('#').trim());
    for line in lines.filter(|l| !l.is_empty()) {
        if let Some((_, heading)) = numbered(line, &['编', '章', '节'], true) {
            chapter = Some(heading.to_owned());
            continue;
        }
        match numbered(line, &['条'], false) {
            Some((number, rest)) => {
                if articles.iter().any(|a| a.number == number) {
                    let label = line[..line.len() - rest.len()].trim().to_owned();
                    return Err(FieldError::new("text", Invalid::RepeatedArticle { label }));
                }
                let label_end = line.len() - rest.len();
                articles.push(Article {
                    number,
                    label: line[..label_end].trim().trim_end_matches(['：', ':', '、', '.', '．']).to_owned(),
                    chapter: chapter.clone(),
                    text: rest.trim().to_owned(),
                });
            }
            // What stands before the first article (a preamble) is kept with the text as a whole
            // only if no article follows.
            None => {
                if let Some(article) = articles.last_mut() {
                    if !article.text.is_empty() {
                        article.text.push('\n');
                    }
                    article.text.push_str(line);
                }
            }
        }
        if articles.len() > MAX_ARTICLES {
            return Err(FieldError::new("text", Invalid::ItemCount { min: 1, max: MAX_ARTICLES }));
        }
    }
    if articles.is_empty() {
        let whole: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        return Ok(vec![Article { number: 0, label: "全文".into(), chapter: None, text: whole.join("\n") }]);
    }
    Ok(articles)
}

/// `第三十二条 text` → (32, "text"), when the line begins with 第, a number and one of `marks`,
/// then a space or a colon (`第一条：`, `第一条、`), or (for a heading, `heading`) anything. An
/// article's words may follow its number without a space (`第一条为了…`), but not words that
/// continue a reference to it (`第三十一条第六项规定的…`, `第十条之一`, `第五条规定`).
fn numbered<'a>(line: &'a str, marks: &[char], heading: bool) -> Option<(u32, &'a str)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find(|c: char| marks.contains(&c))?;
    let number = number_of(&rest[..end])?;
    let mark_len = rest[end..].chars().next()?.len_utf8();
    let after = &rest[end + mark_len..];
    let apart = |c: char| c.is_whitespace() || matches!(c, '：' | ':' | '、' | '.' | '．');
    let continues_reference = |c: char| "第之规的款项中所和或及至".contains(c);
    let starts = match after.chars().next() {
        None => true,
        Some(c) if apart(c) => true,
        Some(_) if heading => true,
        Some(c) => !continues_reference(c),
    };
    starts.then_some((number, after.trim_start_matches(apart)))
}

/// A number in Chinese numerals (一 … 九百九十九, with 零 or 〇) or in digits.
pub fn number_of(raw: &str) -> Option<u32> {
    if raw.is_empty() || raw.chars().count() > 8 {
        return None;
    }
    if raw.chars().all(|c| c.is_ascii_digit()) {
        return raw.parse().ok().filter(|n| *n > 0);
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).or((c == '〇').then_some(0));
    let (mut total, mut current) = (0u32, None::<u32>);
    for c in raw.chars() {
        match c {
            '千' => {
                total += current.unwrap_or(1) * 1000;
                current = None;
            }
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            c => current = Some(u32::try_from(digit(c)?).ok()?),
        }
    }
    Some(total + current.unwrap_or(0)).filter(|n| *n > 0)
}

/// An article as cited in an opinion or an answer: whose and which, and its words as they read
/// when cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citation {
    pub policy: i64,
    /// 《信访工作条例》第三十二条
    pub label: String,
    pub article: u32,
    pub text: String,
}

/// An article named as a form or the API names it: `policy:article` (`1:32`), or `policy:0` for a
/// policy kept whole.
pub fn article_ref(field: &str, raw: &str) -> Result<(i64, u32), FieldError> {
    let bad = || FieldError::new(field, Invalid::NotAChoice { allowed: "政策编号:条号,如 1:32".into() });
    let (policy, article) = raw.trim().split_once(':').ok_or_else(bad)?;
    let policy = policy.trim().parse::<i64>().map_err(|_| bad())?;
    let article = article.trim().parse::<u32>().map_err(|_| bad())?;
    Ok((policy, article))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_in_chinese_numerals_and_digits() {
        let cases =
            [("一", 1), ("十", 10), ("十七", 17), ("二十", 20), ("三十二", 32), ("一百", 100), ("一百零五", 105)];
        for (raw, n) in cases {
            assert_eq!(number_of(raw), Some(n), "{raw}");
        }
        assert_eq!(number_of("二百一十三"), Some(213));
        assert_eq!(number_of("一千二百六十"), Some(1260));
        assert_eq!(number_of("12"), Some(12));
        for bad in ["", "零", "0", "三x", "第", "九九九九九九九九九"] {
            assert_eq!(number_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn fed_9_the_shipped_regulation_reads_as_its_numbered_articles() {
        let text = include_str!("../../../data/policies/xinfang-gongzuo-tiaoli.txt");
        let articles = articles_of(text).unwrap();
        let numbers: Vec<u32> = articles.iter().map(|a| a.number).collect();
        assert_eq!(numbers, (17..=37).collect::<Vec<_>>());
        let opinion = articles.iter().find(|a| a.number == 32).unwrap();
        assert_eq!(opinion.label, "第三十二条");
        assert_eq!(opinion.chapter.as_deref(), Some("信访事项的办理"));
        assert!(opinion.text.starts_with("信访处理意见书应当载明"));
        assert_eq!(opinion.text.lines().count(), 5, "its paragraphs and items kept");
        let informant = articles.iter().find(|a| a.number == 30).unwrap();
        assert!(
            informant
                .text
                .ends_with("不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位。")
        );
        assert_eq!(articles[0].chapter.as_deref(), Some("信访事项的提出和受理"));
    }

    #[test]
    fn pasted_texts_read_as_their_articles() {
        let pasted = "\u{feff}## 第一章总则\n第一条：为了规范。\n第二条为了补充，\n参照第三十一条第六项规定的情形办理。\n第十条之一 另有规定。\n\
                      第三条\u{3000}附则。\n第五条规定的情形除外。\n第四章 附则\n第四条\n本办法自发布之日起施行。";
        let articles = articles_of(pasted).unwrap();
        let read: Vec<(u32, &str, Option<&str>, &str)> =
            articles.iter().map(|a| (a.number, a.label.as_str(), a.chapter.as_deref(), a.text.as_str())).collect();
        assert_eq!(
            read,
            [
                (1, "第一条", Some("总则"), "为了规范。"),
                (2, "第二条", Some("总则"), "为了补充，\n参照第三十一条第六项规定的情形办理。\n第十条之一 另有规定。"),
                (3, "第三条", Some("总则"), "附则。\n第五条规定的情形除外。"),
                (4, "第四条", Some("附则"), "本办法自发布之日起施行。"),
            ]
        );
    }

    #[test]
    fn a_policy_is_checked_on_its_fields() {
        let draft = PolicyDraft {
            title: Some("《西山县城乡低保实施办法》".into()),
            issuer: Some("西山县人民政府".into()),
            issued_on: Some("2024-03-01".into()),
            source: None,
            text: Some("第一条 为规范低保。\n第二条 低保标准每年公布。\n第3条 本办法自公布之日起施行。".into()),
        };
        let policy = draft.parse().unwrap();
        assert_eq!(policy.title, "西山县城乡低保实施办法", "the marks are the printer's");
        assert_eq!(policy.articles.iter().map(|a| a.number).collect::<Vec<_>>(), [1, 2, 3]);
        let whole = PolicyDraft {
            text: Some("关于做好冬季供暖的通知\n各社区：请于11月15日前开栓。".into()),
            ..draft.clone()
        };
        let kept = whole.parse().unwrap();
        assert_eq!((kept.articles.len(), kept.articles[0].number, kept.articles[0].label.as_str()), (1, 0, "全文"));
        let twice = PolicyDraft { text: Some("第一条 甲。\n第一条 乙。".into()), ..draft.clone() };
        let refused = twice.parse().unwrap_err();
        assert_eq!(refused.first().field, "text");
        assert!(refused.first().message(crate::Lang::Zh).contains("第一条"), "the repeated article is named");
        let marks_only = PolicyDraft { title: Some("《》".into()), ..draft.clone() };
        assert_eq!(marks_only.parse().unwrap_err().first().field, "title");
        let bad = PolicyDraft { title: None, issued_on: Some("2024-13-01".into()), text: Some("a\0b".into()), ..draft };
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["title", "issued_on", "text"]);
        assert_eq!(article_ref("articles[0]", " 1:32 ").unwrap(), (1, 32));
        assert!(article_ref("articles[0]", "第三十二条").is_err());
    }
}
