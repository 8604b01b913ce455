//! 领导接访安排 (TWN-7, TWN-8, TWN-9): a unit's month of leaders' reception days — the day, the
//! leader or leaders (a joint reception), the fixed place and the hours — drafted, then published
//! (公示) as a locked version; a change after publication is a new version, and what changed is
//! worked out here from the two versions.
//!
//! The rules are data ([`crate::limits::LimitRules`]): the lowest rank a receiving leader may hold
//! (a town's 副科级, TWN-7) and the working day of the month by which the month's table must be
//! published (the first, TWN-9). Ranks are read from the staff card's free text through the civil
//! service's ladder of levels ([`rank_level`]).

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::duty::DutyMonth;
use crate::text::{limits, optional, required};
use crate::{FieldError, Invalid, ValidationErrors};

/// The ladder of levels (职级) from the lowest, each with the words a staff card may use for it.
const RANKS: [(&str, &[&str]); 10] = [
    ("办事员", &["办事员", "办事员级"]),
    ("科员", &["科员", "科员级", "一级科员", "二级科员"]),
    ("副科级", &["副科", "副科级", "乡科级副职", "三级主任科员", "四级主任科员"]),
    ("正科级", &["正科", "正科级", "科级", "乡科级正职", "乡科级", "一级主任科员", "二级主任科员"]),
    ("副处级", &["副处", "副处级", "副县级", "县处级副职", "三级调研员", "四级调研员"]),
    ("正处级", &["正处", "正处级", "正县级", "县处级", "县处级正职", "一级调研员", "二级调研员"]),
    ("副厅级", &["副厅", "副厅级", "副局级", "厅局级副职", "二级巡视员"]),
    ("正厅级", &["正厅", "正厅级", "正局级", "厅局级", "厅局级正职", "一级巡视员"]),
    ("副部级", &["副部", "副部级", "省部级副职"]),
    ("正部级", &["正部", "正部级", "省部级", "省部级正职"]),
];

/// The names of the levels, lowest first, for pickers.
pub fn rank_names() -> impl Iterator<Item = &'static str> {
    RANKS.iter().map(|(name, _)| *name)
}

/// The place of a rank on the ladder (0 = 办事员), from a staff card's words (`副科级`, `副科`,
/// `正县级`); `None` for words that name no level.
pub fn rank_level(text: &str) -> Option<usize> {
    let words: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if words.is_empty() {
        return None;
    }
    // The higher level first: 副科级 is not read as 科级 because a phrase matches whole.
    RANKS.iter().position(|(_, aliases)| aliases.contains(&words.as_str()))
}

/// The day's clock time `HH:MM`.
pub(crate) fn clock(field: &str, raw: Option<&str>) -> Result<Option<NaiveTime>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            NaiveTime::parse_from_str(v, "%H:%M").map(Some).map_err(|_| FieldError::new(field, Invalid::HoursFormat))
        }
    }
}

/// The most days a month's table lists (every day of the month, a village's year-round duty).
pub const MAX_DAYS: usize = 31;
/// The most leaders at one joint reception.
pub const MAX_LEADERS: usize = 5;

/// One reception day as typed (API body or form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionDayDraft {
    /// `YYYY-MM-DD`, a day of the month.
    pub day: Option<String>,
    /// The receiving leaders by login name: one, or several for a joint reception (联合接访).
    pub leaders: Option<Vec<String>>,
    /// The fixed reception place (TWN-8), e.g. 镇信访接待室.
    pub place: Option<String>,
    /// `HH:MM`; blank for the whole working day.
    pub starts: Option<String>,
    pub ends: Option<String>,
}

/// A month's table as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionMonthDraft {
    pub days: Option<Vec<ReceptionDayDraft>>,
    /// 变更说明: why a published table is changed (required for every version after the first).
    pub change_note: Option<String>,
}

/// One reception day as checked: the leaders still by login name (the caller checks who they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDay {
    /// Its place in the list as typed, to name its fields in an error.
    pub index: usize,
    pub day: NaiveDate,
    pub leaders: Vec<String>,
    pub place: String,
    pub starts: Option<NaiveTime>,
    pub ends: Option<NaiveTime>,
}

impl ReceptionMonthDraft {
    /// The days of `month`, in order, or every mistake on its field (`days[1].place`). A day
    /// listed twice, a day outside the month, no leader, a leader twice, an end before the start
    /// are refused.
    pub fn parse(&self, month: DutyMonth) -> Result<(Vec<PlannedDay>, Option<String>), ValidationErrors> {
        let mut errors = Vec::new();
        let days = self.days.clone().unwrap_or_default();
        if days.len() > MAX_DAYS {
            errors.push(FieldError::new("draft", Invalid::TooLong { max: MAX_DAYS }));
        }
        let mut out: Vec<PlannedDay> = Vec::new();
        for (i, d) in days.iter().enumerate().take(MAX_DAYS) {
            let field = |name: &str| format!("days[{i}].{name}");
            let day = match d.day.as_deref().map(str::trim) {
                None | Some("") => Err(FieldError::new(field("day"), Invalid::Required)),
                Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map_err(|_| FieldError::new(field("day"), Invalid::DateFormat))
                    .and_then(|day| {
                        if DutyMonth::of(day) != month {
                            let allowed = format!("{}年{}月的日期", month.year, month.month);
                            Err(FieldError::new(field("day"), Invalid::NotAChoice { allowed }))
                        } else if out.iter().any(|p| p.day == day) {
                            Err(FieldError::new(field("day"), Invalid::AlreadyExists))
                        } else {
                            Ok(day)
                        }
                    }),
            };
            let mut leaders: Vec<String> = Vec::new();
            let typed: Vec<&str> = d.leaders.iter().flatten().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
            if typed.is_empty() {
                errors.push(FieldError::new(field("leaders"), Invalid::Required));
            }
            if typed.len() > MAX_LEADERS {
                errors.push(FieldError::new(field("leaders"), Invalid::TooLong { max: MAX_LEADERS }));
            }
            for raw in typed.iter().take(MAX_LEADERS) {
                match crate::user::Username::parse(&field("leaders"), raw) {
                    Ok(u) if leaders.iter().any(|l| l == u.as_str()) => {
                        errors.push(FieldError::new(field("leaders"), Invalid::AlreadyExists));
                    }
                    Ok(u) => leaders.push(u.as_str().to_owned()),
                    Err(e) => errors.push(e),
                }
            }
            let place = required(&field("place"), d.place.as_deref(), limits::PLACE).and_then(|p| {
                if p.contains(['\n', '\r', '\t']) {
                    Err(FieldError::new(field("place"), Invalid::ControlCharacter))
                } else {
                    Ok(p)
                }
            });
            let starts = clock(&field("starts"), d.starts.as_deref());
            let ends = clock(&field("ends"), d.ends.as_deref());
            if let (Ok(Some(s)), Ok(Some(e))) = (&starts, &ends)
                && e <= s
            {
                errors.push(FieldError::new(field("ends"), Invalid::HoursFormat));
            }
            match (day, place, starts, ends) {
                (Ok(day), Ok(place), Ok(starts), Ok(ends)) => {
                    out.push(PlannedDay { index: i, day, leaders, place, starts, ends });
                }
                (day, place, starts, ends) => {
                    errors.extend(day.err());
                    errors.extend(place.err());
                    errors.extend(starts.err());
                    errors.extend(ends.err());
                }
            }
        }
        let note = optional("change_note", self.change_note.as_deref(), limits::REASON).map_err(|e| errors.push(e));
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        out.sort_by_key(|p| p.day);
        Ok((out, note.ok().flatten()))
    }
}

/// A receiving leader as the published table prints them, fixed at the time of the draft: a later
/// change of title does not rewrite what was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArrangedLeader {
    pub username: String,
    pub name: String,
    /// 职务, e.g. 副镇长.
    pub title: String,
    /// 职级, e.g. 副科级.
    pub rank: String,
}

/// Receiving leaders as printed: 张三（副镇长）、李四（党委委员）.
pub fn leaders_text(leaders: &[ArrangedLeader]) -> String {
    leaders
        .iter()
        .map(|l| if l.title.is_empty() { l.name.clone() } else { format!("{}（{}）", l.name, l.title) })
        .collect::<Vec<_>>()
        .join("、")
}

/// One day of a stored month's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArrangedDay {
    pub day: NaiveDate,
    pub leaders: Vec<ArrangedLeader>,
    pub place: String,
    /// `HH:MM`; absent for the whole working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<String>,
}

impl ArrangedDay {
    /// The leaders as printed: 张三（副镇长）、李四（党委委员）.
    pub fn leaders_text(&self) -> String {
        leaders_text(&self.leaders)
    }

    /// The hours as printed: 09:00–12:00, or 全天 for the whole working day.
    pub fn hours_text(&self) -> String {
        match (&self.starts, &self.ends) {
            (Some(s), Some(e)) => format!("{s}–{e}"),
            (Some(s), None) => format!("{s} 起"),
            (None, Some(e)) => format!("至 {e}"),
            (None, None) => "全天".into(),
        }
    }

    /// Whether several leaders receive together (联合接访).
    pub fn joint(&self) -> bool {
        self.leaders.len() > 1
    }
}

/// How one day differs from the version before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DayChange {
    Added,
    Changed,
    Removed,
}

impl DayChange {
    pub fn label_zh(self) -> &'static str {
        match self {
            DayChange::Added => "新增",
            DayChange::Changed => "变更",
            DayChange::Removed => "取消",
        }
    }
}

/// What changed from `before` to `after`, by day in order: days added, changed (another leader,
/// place or hours) and removed.
pub fn changes(before: &[ArrangedDay], after: &[ArrangedDay]) -> Vec<(NaiveDate, DayChange)> {
    // Who receives, where and when: a leader's title or rank edited on their card is no change.
    let arranged = |d: &ArrangedDay| {
        let who: Vec<String> = d.leaders.iter().map(|l| l.username.clone()).collect();
        (who, d.place.clone(), d.starts.clone(), d.ends.clone())
    };
    let mut out: Vec<(NaiveDate, DayChange)> = Vec::new();
    for a in after {
        match before.iter().find(|b| b.day == a.day) {
            None => out.push((a.day, DayChange::Added)),
            Some(b) if arranged(b) != arranged(a) => out.push((a.day, DayChange::Changed)),
            Some(_) => {}
        }
    }
    for b in before {
        if !after.iter().any(|a| a.day == b.day) {
            out.push((b.day, DayChange::Removed));
        }
    }
    out.sort_by_key(|(day, _)| *day);
    out
}

/// The day by which `month`'s table must be published: its `nth` working day (TWN-9: at the start
/// of the month, the first working day by default). Without the year's holiday schedule the
/// calendar counts Monday to Friday.
pub fn publication_due(month: DutyMonth, calendar: &Calendar, nth: u8) -> NaiveDate {
    let mut seen = 0u8;
    let mut last = month.first_day();
    for day in month.days() {
        if calendar.is_working_day(day) {
            seen += 1;
            last = day;
            if seen >= nth.max(1) {
                return day;
            }
        }
    }
    last
}

/// Whether a day falls in the week of `today` (Monday to Sunday).
pub fn same_week(day: NaiveDate, today: NaiveDate) -> bool {
    day.iso_week() == today.iso_week()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn month(s: &str) -> DutyMonth {
        DutyMonth::parse("month", s).unwrap()
    }

    #[test]
    fn twn_7_ranks_are_read_from_the_staff_cards_words() {
        assert_eq!(rank_level("副科级"), rank_level("副科"));
        assert!(rank_level("正科级") > rank_level("副科级"));
        assert!(rank_level("科员") < rank_level("副科级"));
        assert!(rank_level("副县级") > rank_level("正科级"));
        assert_eq!(rank_level(" 副 科 级 "), rank_level("副科级"));
        assert_eq!(rank_level(""), None);
        assert_eq!(rank_level("镇长"), None, "a title is not a rank");
        assert_eq!(rank_level("副股级"), None, "股级 is below 科级 and not on the ladder");
        assert_eq!(rank_level("四级主任科员"), rank_level("副科级"), "the ranks since 2019");
        assert_eq!(rank_level("一级调研员"), rank_level("正处级"));
        assert_eq!(rank_names().count(), 10);
    }

    #[test]
    fn twn_8_a_month_is_checked_day_by_day_on_its_fields() {
        let draft = ReceptionMonthDraft {
            days: Some(vec![
                ReceptionDayDraft {
                    day: Some("2026-12-10".into()),
                    leaders: Some(vec!["li".into(), "zhang".into()]),
                    place: Some("镇信访接待室".into()),
                    starts: Some("09:00".into()),
                    ends: Some("12:00".into()),
                },
                ReceptionDayDraft {
                    day: Some("2026-12-03".into()),
                    leaders: Some(vec!["li".into()]),
                    place: Some("镇信访接待室".into()),
                    ..Default::default()
                },
            ]),
            change_note: None,
        };
        let (days, note) = draft.parse(month("2026-12")).unwrap();
        assert_eq!(days.iter().map(|d| d.day).collect::<Vec<_>>(), [day("2026-12-03"), day("2026-12-10")]);
        assert_eq!((days[1].leaders.len(), note), (2, None));

        let bad = ReceptionMonthDraft {
            days: Some(vec![
                ReceptionDayDraft {
                    day: Some("2027-01-04".into()),
                    leaders: Some(vec!["li".into(), "li".into()]),
                    place: Some(" ".into()),
                    starts: Some("14:00".into()),
                    ends: Some("09:00".into()),
                },
                ReceptionDayDraft {
                    day: Some("2026-12-03".into()),
                    leaders: None,
                    place: Some("x\0".into()),
                    ..Default::default()
                },
            ]),
            change_note: None,
        };
        let errors = bad.parse(month("2026-12")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["days[0].day", "days[0].leaders", "days[0].place", "days[0].ends", "days[1].leaders", "days[1].place"]
        {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    fn arranged(d: &str, leader: &str, place: &str) -> ArrangedDay {
        ArrangedDay {
            day: day(d),
            leaders: vec![ArrangedLeader {
                username: leader.into(),
                name: leader.into(),
                title: String::new(),
                rank: "副科级".into(),
            }],
            place: place.into(),
            starts: None,
            ends: None,
        }
    }

    #[test]
    fn twn_9_a_change_after_publication_is_told_day_by_day() {
        let before = [arranged("2026-12-03", "li", "接待室"), arranged("2026-12-10", "zhang", "接待室")];
        let after = [
            arranged("2026-12-03", "li", "接待室"),
            arranged("2026-12-10", "wang", "接待室"),
            arranged("2026-12-17", "li", "村部"),
        ];
        assert_eq!(
            changes(&before, &after),
            [(day("2026-12-10"), DayChange::Changed), (day("2026-12-17"), DayChange::Added)]
        );
        assert_eq!(changes(&after[..1], &before[..1]), []);
        assert_eq!(changes(&before, &before[..1]), [(day("2026-12-10"), DayChange::Removed)]);
    }

    #[test]
    fn twn_9_the_table_is_due_on_the_months_first_working_day() {
        let calendar = Calendar::new();
        // 2026-08-01 is a Saturday: the first working day is Monday the 3rd.
        assert_eq!(publication_due(month("2026-08"), &calendar, 1), day("2026-08-03"));
        assert_eq!(publication_due(month("2026-08"), &calendar, 3), day("2026-08-05"));
        // 2026-10: the National Day holiday (1–7 October) ends on the 7th.
        let mut listed = Calendar::new();
        listed.load(
            &crate::calendar::YearFile::parse(
                r#"{"year":2026,"days":[{"name":"国庆节","date":"2026-10-01","isOffDay":true},{"name":"国庆节","date":"2026-10-02","isOffDay":true},{"name":"国庆节","date":"2026-10-05","isOffDay":true},{"name":"国庆节","date":"2026-10-06","isOffDay":true},{"name":"国庆节","date":"2026-10-07","isOffDay":true}]}"#,
            )
            .unwrap(),
        );
        assert_eq!(publication_due(month("2026-10"), &listed, 1), day("2026-10-08"));
    }

    #[test]
    fn the_week_runs_monday_to_sunday() {
        assert!(same_week(day("2026-12-07"), day("2026-12-13")));
        assert!(!same_week(day("2026-12-06"), day("2026-12-07")));
        assert_eq!(day("2026-12-07").weekday().number_from_monday(), 1);
    }
}
