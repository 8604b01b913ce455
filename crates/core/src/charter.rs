//! 社区自治章程和公约 (DEM-1: “依法制定社区自治章程和公约,严格按照程序修改”): a community's charter
//! and its conventions as documents with numbered versions — the text as adopted, and each
//! amendment with the meeting and decision that adopted it — and the readable difference between
//! any two versions, line by line with the changed characters marked.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, DiffTag, TextDiff};

use crate::{FieldError, Invalid, ValidationErrors, text};

/// The longest text of one version, in characters (a charter runs to a few thousand).
pub const MAX_TEXT: usize = 100_000;

/// The most time one comparison may take: past it, what is left is shown as removed and added
/// whole (the public may ask for any two versions of the longest texts).
const DIFF_TIME: std::time::Duration = std::time::Duration::from_millis(300);

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CharterKind {
    /// 社区自治章程: one per community.
    Charter,
    /// 居民公约 (and other conventions: 文明养犬公约, 物业管理公约 …): as many as the community keeps.
    Convention,
}

impl CharterKind {
    pub const ALL: [CharterKind; 2] = [CharterKind::Charter, CharterKind::Convention];

    pub fn code(self) -> &'static str {
        match self {
            CharterKind::Charter => "charter",
            CharterKind::Convention => "convention",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CharterKind::Charter => "自治章程",
            CharterKind::Convention => "居民公约",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<CharterKind, FieldError> {
        let raw = raw.trim();
        CharterKind::ALL.into_iter().find(|k| k.code() == raw || k.label_zh() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: "charter(自治章程)、convention(居民公约)".into() })
        })
    }
}

/// A version of a document as typed: the first adopts the document, each later one amends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CharterVersionDraft {
    /// The whole text as adopted (not only the changed articles).
    pub text: Option<String>,
    /// The day it was adopted (YYYY-MM-DD); not in the future.
    pub adopted_on: Option<String>,
    /// The meeting and decision that adopted it, e.g. 2026年第二次居民代表大会第3号决定.
    pub adopted_by: Option<String>,
    /// What the amendment changes and why, in a sentence.
    pub note: Option<String>,
}

/// A version, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterVersionFields {
    pub text: String,
    pub adopted_on: NaiveDate,
    pub adopted_by: String,
    pub note: Option<String>,
    /// The recorded decision that adopted it (set by the caller once it checked the decision).
    pub decision_id: Option<i64>,
}

impl CharterVersionDraft {
    /// The fields, or every mistake on its field. `today` is the last day it may be adopted on.
    pub fn parse(&self, today: NaiveDate) -> Result<CharterVersionFields, ValidationErrors> {
        let mut errors = Vec::new();
        let text = text::required("text", self.text.as_deref(), MAX_TEXT).map_err(|e| errors.push(e)).ok();
        let adopted_on = adoption_day(self.adopted_on.as_deref(), today).map_err(|e| errors.push(e)).ok();
        let adopted_by = text::required("adopted_by", self.adopted_by.as_deref(), text::limits::PLACE)
            .map_err(|e| errors.push(e))
            .ok();
        let note =
            text::optional("note", self.note.as_deref(), text::limits::NOTE).map_err(|e| errors.push(e)).ok().flatten();
        match (ValidationErrors::from_vec(errors), text, adopted_on, adopted_by) {
            (None, Some(text), Some(adopted_on), Some(adopted_by)) => {
                Ok(CharterVersionFields { text: normalized(&text), adopted_on, adopted_by, note, decision_id: None })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("text", Invalid::Required).into()),
        }
    }
}

/// The first day a community's rules could have been adopted: the 《城市居民委员会组织条例》 of
/// 1954-12-31; before it is a typing mistake.
const FIRST_ADOPTION: (i32, u32, u32) = (1954, 12, 31);

/// The day a version was adopted: required, a real day, not in the future, not before
/// [`FIRST_ADOPTION`] (a charter of decades ago is recorded with its own day).
fn adoption_day(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let field = "adopted_on";
    let raw = raw.map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| FieldError::new(field, Invalid::Required))?;
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))?;
    let (y, m, d) = FIRST_ADOPTION;
    if day > today {
        return Err(FieldError::new(field, Invalid::InFuture));
    }
    if NaiveDate::from_ymd_opt(y, m, d).is_some_and(|first| day < first) {
        return Err(FieldError::new(field, Invalid::NotBefore { what: "1954年12月31日".into() }));
    }
    Ok(day)
}

/// A document as typed when it is first adopted: its kind and title with its first version.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CharterDraft {
    /// `charter` (自治章程) or `convention` (居民公约).
    pub kind: Option<String>,
    /// Its name, e.g. 西山社区居民自治章程, 西山社区文明养犬公约.
    pub name: Option<String>,
    /// The whole text as adopted.
    pub text: Option<String>,
    /// The day it was adopted (YYYY-MM-DD); not in the future.
    pub adopted_on: Option<String>,
    /// The meeting and decision that adopted it, e.g. 2026年第一次居民代表大会第1号决定.
    pub adopted_by: Option<String>,
    pub note: Option<String>,
}

/// A document, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterFields {
    pub kind: CharterKind,
    pub title: String,
    pub version: CharterVersionFields,
}

impl CharterDraft {
    pub fn parse(&self, today: NaiveDate) -> Result<CharterFields, ValidationErrors> {
        let mut errors = Vec::new();
        let kind = match self.kind.as_deref() {
            None => Err(FieldError::new("kind", Invalid::Required)),
            Some(raw) => CharterKind::parse("kind", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let title =
            text::required("name", self.name.as_deref(), text::limits::UNIT_NAME).map_err(|e| errors.push(e)).ok();
        let first = CharterVersionDraft {
            text: self.text.clone(),
            adopted_on: self.adopted_on.clone(),
            adopted_by: self.adopted_by.clone(),
            note: self.note.clone(),
        };
        let version = first.parse(today).map_err(|e| errors.extend(e.iter().cloned())).ok();
        match (ValidationErrors::from_vec(errors), kind, title, version) {
            (None, Some(kind), Some(title), Some(version)) => Ok(CharterFields { kind, title, version }),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

/// The text as kept: line breaks as `\n`, no trailing blanks on a line, no blank lines at the ends —
/// so that two versions differ only where their words do.
pub fn normalized(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// One line of the difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffLine {
    /// `same`, `removed` (only in the older version) or `added` (only in the newer).
    pub change: DiffChange,
    /// The line in pieces, each marked when it is the part that changed (for a line changed in
    /// place: the characters removed or added).
    pub parts: Vec<DiffPart>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DiffChange {
    Same,
    Removed,
    Added,
}

impl DiffChange {
    pub fn code(self) -> &'static str {
        match self {
            DiffChange::Same => "same",
            DiffChange::Removed => "removed",
            DiffChange::Added => "added",
        }
    }

    /// The sign before the line: “−” removed, “+” added.
    pub fn mark(self) -> &'static str {
        match self {
            DiffChange::Same => "",
            DiffChange::Removed => "−",
            DiffChange::Added => "+",
        }
    }

    /// What the line is, in words, for a screen reader.
    pub fn label_zh(self) -> &'static str {
        match self {
            DiffChange::Same => "",
            DiffChange::Removed => "删去:",
            DiffChange::Added => "新增:",
        }
    }
}

/// A piece of a line: its text, and whether it is what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffPart {
    pub text: String,
    pub changed: bool,
}

/// The difference from `older` to `newer`: every line, the same ones included, in order. A line
/// changed in place is shown removed then added, with the characters that changed marked (Chinese
/// has no spaces between words, so characters are the unit within a line); a line only removed or
/// only added is marked whole.
pub fn diff(older: &str, newer: &str) -> Vec<DiffLine> {
    // Every line ends in a line break, so that the last line compares like the others.
    let (older, newer) = (format!("{}\n", older.trim_end_matches('\n')), format!("{}\n", newer.trim_end_matches('\n')));
    let lines = TextDiff::configure().timeout(DIFF_TIME).diff_lines(&older, &newer);
    let mut out = Vec::new();
    let whole = |change: DiffChange, text: &str| DiffLine {
        change,
        parts: vec![DiffPart { text: text.to_owned(), changed: change != DiffChange::Same }],
    };
    for op in lines.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old: Vec<&str> = lines.old_slices()[old_range].iter().map(|l| l.trim_end_matches('\n')).collect();
        let new: Vec<&str> = lines.new_slices()[new_range].iter().map(|l| l.trim_end_matches('\n')).collect();
        match tag {
            DiffTag::Equal => out.extend(old.iter().map(|l| whole(DiffChange::Same, l))),
            DiffTag::Delete => out.extend(old.iter().map(|l| whole(DiffChange::Removed, l))),
            DiffTag::Insert => out.extend(new.iter().map(|l| whole(DiffChange::Added, l))),
            DiffTag::Replace => {
                for i in 0..old.len().max(new.len()) {
                    match (old.get(i), new.get(i)) {
                        (Some(a), Some(b)) => out.extend(changed_in_place(a, b)),
                        (Some(a), None) => out.push(whole(DiffChange::Removed, a)),
                        (None, Some(b)) => out.push(whole(DiffChange::Added, b)),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    out
}

/// A line changed in place: the older line with its removed characters marked, then the newer with
/// its added ones.
fn changed_in_place(older: &str, newer: &str) -> [DiffLine; 2] {
    let chars = TextDiff::configure().timeout(DIFF_TIME).diff_chars(older, newer);
    let (mut removed, mut added) = (Vec::<DiffPart>::new(), Vec::<DiffPart>::new());
    let push = |parts: &mut Vec<DiffPart>, text: &str, changed: bool| match parts.last_mut() {
        Some(last) if last.changed == changed => last.text.push_str(text),
        _ => parts.push(DiffPart { text: text.to_owned(), changed }),
    };
    for change in chars.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut removed, change.value(), false);
                push(&mut added, change.value(), false);
            }
            ChangeTag::Delete => push(&mut removed, change.value(), true),
            ChangeTag::Insert => push(&mut added, change.value(), true),
        }
    }
    [DiffLine { change: DiffChange::Removed, parts: removed }, DiffLine { change: DiffChange::Added, parts: added }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn draft_version() -> CharterVersionDraft {
        CharterVersionDraft {
            text: Some("第一条".into()),
            adopted_on: Some("2026-01-01".into()),
            adopted_by: Some("居民代表大会决定".into()),
            note: None,
        }
    }

    #[test]
    fn dem_1_a_charter_is_adopted_with_its_decision_and_every_mistake_on_its_field() {
        let draft = CharterDraft {
            kind: Some("charter".into()),
            name: Some("西山社区居民自治章程".into()),
            text: Some("第一条 为了……\r\n第二条 居民代表大会每年召开二次。  \r\n\r\n".into()),
            adopted_on: Some("2026-03-01".into()),
            adopted_by: Some("2026年第一次居民代表大会第1号决定".into()),
            note: None,
        };
        let fields = draft.parse(day("2026-12-07")).unwrap();
        assert_eq!(fields.kind, CharterKind::Charter);
        assert_eq!(fields.version.text, "第一条 为了……\n第二条 居民代表大会每年召开二次。", "kept normalized");
        let wrong = CharterDraft {
            kind: Some("law".into()),
            name: None,
            text: Some("\u{0}".into()),
            adopted_on: Some("2026-12-08".into()),
            adopted_by: None,
            note: None,
        };
        let errors = wrong.parse(day("2026-12-07")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "name", "text", "adopted_on", "adopted_by"]);
        let old = CharterVersionDraft { adopted_on: Some("1988-05-01".into()), ..draft_version() };
        assert!(old.parse(day("2026-12-07")).is_ok(), "a charter of decades ago keeps its day");
        let typo = CharterVersionDraft { adopted_on: Some("0988-05-01".into()), ..draft_version() };
        assert_eq!(typo.parse(day("2026-12-07")).unwrap_err().first().code(), "not_before");
        assert_eq!(CharterKind::parse("kind", "居民公约"), Ok(CharterKind::Convention));
    }

    #[test]
    fn dem_1_two_versions_differ_line_by_line_with_the_changed_characters_marked() {
        let v1 = "第一条 总则。\n第二条 居民代表大会每年召开一次。\n第三条 附则。";
        let v2 = "第一条 总则。\n第二条 居民代表大会每年召开二次。\n第三条 附则。\n第四条 本章程自通过之日起施行。";
        let lines = diff(v1, v2);
        let changes: Vec<DiffChange> = lines.iter().map(|l| l.change).collect();
        use DiffChange::*;
        assert_eq!(changes, [Same, Removed, Added, Same, Added]);
        let marked = |l: &DiffLine| l.parts.iter().filter(|p| p.changed).map(|p| p.text.clone()).collect::<String>();
        assert_eq!((marked(&lines[1]), marked(&lines[2])), ("一".to_owned(), "二".to_owned()), "{lines:?}");
        let whole = |l: &DiffLine| l.parts.iter().map(|p| p.text.clone()).collect::<String>();
        assert_eq!(whole(&lines[2]), "第二条 居民代表大会每年召开二次。");
        assert!(lines[0].parts.iter().all(|p| !p.changed), "an unchanged line marks nothing");
        assert!(diff(v1, v1).iter().all(|l| l.change == Same));
    }
}
