//! 统计 (issue 21; COM-2, TWN-14): what a report counts the cases of a period by — content class at
//! each of its three levels, channel, purpose, the problem's place, the holding unit, month; first
//! petitions and repeats; collective petitions and their people; skip-level visits by the level
//! they reached. The counting is the store's; the levels and how counts fold are here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::case::Flag;

/// Cases, and the people who brought them (a collective visit is one case of many people).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub cases: u64,
    pub people: u64,
}

impl Count {
    pub fn add(&mut self, other: Count) {
        self.cases += other.cases;
        self.people += other.people;
    }
}

/// How far a skip-level visit went (越级到县、市、省、京, TWN-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reached {
    County,
    City,
    Province,
    Beijing,
}

impl Reached {
    pub const ALL: [Reached; 4] = [Reached::County, Reached::City, Reached::Province, Reached::Beijing];

    /// The farthest level a case's flags say its petitioner went to; none for a visit that kept to
    /// the levels (逐级). A visit flagged 越级 only reached the county: huiyin's own top.
    pub fn of<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> Option<Reached> {
        flags
            .into_iter()
            .filter_map(|f| match f {
                Flag::SkipLevel => Some(Reached::County),
                Flag::SkipCity => Some(Reached::City),
                Flag::SkipProvince => Some(Reached::Province),
                Flag::SkipBeijing => Some(Reached::Beijing),
                _ => None,
            })
            .max()
    }

    pub fn code(self) -> &'static str {
        match self {
            Reached::County => "county",
            Reached::City => "city",
            Reached::Province => "province",
            Reached::Beijing => "beijing",
        }
    }

    pub fn parse(raw: &str) -> Option<Reached> {
        Reached::ALL.into_iter().find(|r| r.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Reached::County => "到县",
            Reached::City => "到市",
            Reached::Province => "到省",
            Reached::Beijing => "进京",
        }
    }

    /// The flag that marks this level.
    pub fn flag(self) -> Flag {
        match self {
            Reached::County => Flag::SkipLevel,
            Reached::City => Flag::SkipCity,
            Reached::Province => Flag::SkipProvince,
            Reached::Beijing => Flag::SkipBeijing,
        }
    }
}

/// A content class's code at `level` (1 to 3): its first two digits a level. A code shorter than
/// that has no class at that level.
pub fn class_at_level(code: &str, level: usize) -> Option<&str> {
    code.get(..level * 2).filter(|c| c.len() == level * 2)
}

/// Counts by full class code folded to the classes of `level`, largest first, then by code.
pub fn fold_classes(by_code: &[(String, Count)], level: usize) -> Vec<(String, Count)> {
    let mut folded: BTreeMap<&str, Count> = BTreeMap::new();
    for (code, count) in by_code {
        if let Some(class) = class_at_level(code, level) {
            folded.entry(class).or_default().add(*count);
        }
    }
    let mut rows: Vec<(String, Count)> = folded.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
    rows.sort_by(|a, b| b.1.cases.cmp(&a.1.cases).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// The change from `before` to `now`, in percentage points of a rate or in cases of a count:
/// none when either side had nothing to count.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(((now? - before?) * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twn_14_the_farthest_level_reached_counts() {
        assert_eq!(Reached::of(&[Flag::Repeat]), None);
        assert_eq!(Reached::of(&[Flag::SkipLevel]), Some(Reached::County));
        assert_eq!(Reached::of(&[Flag::SkipLevel, Flag::SkipProvince, Flag::SkipCity]), Some(Reached::Province));
        assert_eq!(Reached::of(&[Flag::SkipBeijing]), Some(Reached::Beijing));
        for r in Reached::ALL {
            assert_eq!(Reached::parse(r.code()), Some(r));
            assert_eq!(Reached::of(&[r.flag()]), Some(r));
        }
    }

    #[test]
    fn classes_fold_to_each_level() {
        let n = |cases| Count { cases, people: cases };
        let by_code = vec![("010101".to_owned(), n(2)), ("010203".to_owned(), n(3)), ("02".to_owned(), n(7))];
        assert_eq!(fold_classes(&by_code, 1), vec![("02".to_owned(), n(7)), ("01".to_owned(), n(5))]);
        assert_eq!(fold_classes(&by_code, 2), vec![("0102".to_owned(), n(3)), ("0101".to_owned(), n(2))]);
        assert_eq!(fold_classes(&by_code, 3).len(), 2, "a class of the first level has none at the third");
        assert_eq!(change(Some(90.0), Some(87.5)), Some(2.5));
        assert_eq!(change(None, Some(87.5)), None);
    }
}
