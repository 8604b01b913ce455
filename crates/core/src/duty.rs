//! 值班 (CDR-1, SCH-5, TWN-6, TWN-7, FED-3): who is on duty on which day in a unit.
//!
//! A unit's duty pattern is data: one person a day in turn over a list (轮流值班, the school's SCH-5 and
//! the community's one cadre a day, CDR-1), on working days or on every day (a village's year-round
//! duty, rest days included, TWN-7); or a fixed person for each weekday (the federation's leader of
//! the day, FED-3). A month's rota is generated from it over the holiday calendar (GEN-8: no duty on
//! a holiday unless the duty is year-round; a make-up working day is a working day), the turn
//! carrying on from the month before, and is then edited day by day.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::user::Username;
use crate::{FieldError, Invalid, ValidationErrors};

/// The most people a pattern names.
pub const MAX_PEOPLE: usize = 60;

/// A unit's duty pattern, as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DutyPattern {
    /// One person a day in turn over `people`, in their order: on working days only, or on every day
    /// of the year (`every_day`, year-round duty).
    Rotation { people: Vec<String>, every_day: bool },
    /// A fixed person for each weekday listed; nobody on a day not listed, nor on a holiday.
    Weekdays { days: Vec<WeekdayDuty> },
}

/// The person on duty on one weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekdayDuty {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub person: String,
}

impl DutyPattern {
    /// Everybody the pattern names, each once, in order.
    pub fn people(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let named: Vec<&str> = match self {
            DutyPattern::Rotation { people, .. } => people.iter().map(String::as_str).collect(),
            DutyPattern::Weekdays { days } => days.iter().map(|d| d.person.as_str()).collect(),
        };
        for person in named {
            if !out.contains(&person) {
                out.push(person);
            }
        }
        out
    }
}

/// A duty pattern as typed (API body or form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyPatternDraft {
    /// `rotation` (one person a day in turn) or `weekdays` (a fixed person each weekday).
    pub kind: Option<String>,
    /// The rotation's people by login name, in turn.
    pub people: Option<Vec<String>>,
    /// Rotation on every day, rest days and holidays included (year-round duty); else working days.
    pub every_day: Option<bool>,
    /// The weekdays' people.
    pub days: Option<Vec<WeekdayDutyDraft>>,
}

/// One weekday's person as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekdayDutyDraft {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: Option<u8>,
    pub person: Option<String>,
}

impl DutyPatternDraft {
    /// The pattern, or every mistake on its field (`people[2]`, `days[0].weekday`).
    pub fn parse(&self) -> Result<DutyPattern, ValidationErrors> {
        let mut errors = Vec::new();
        let person = |field: String, raw: &str, errors: &mut Vec<FieldError>| -> Option<String> {
            match Username::parse(&field, raw) {
                Ok(u) => Some(u.as_str().to_owned()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        let pattern = match self.kind.as_deref().map(str::trim) {
            Some("rotation") => {
                let people = self.people.clone().unwrap_or_default();
                if people.is_empty() {
                    errors.push(FieldError::new("people", Invalid::Required));
                }
                if people.len() > MAX_PEOPLE {
                    errors.push(FieldError::new("people", Invalid::TooLong { max: MAX_PEOPLE }));
                }
                let mut checked: Vec<String> = Vec::new();
                for (i, raw) in people.iter().enumerate().take(MAX_PEOPLE) {
                    if let Some(p) = person(format!("people[{i}]"), raw, &mut errors) {
                        if checked.contains(&p) {
                            errors.push(FieldError::new(format!("people[{i}]"), Invalid::AlreadyExists));
                        }
                        checked.push(p);
                    }
                }
                Some(DutyPattern::Rotation { people: checked, every_day: self.every_day.unwrap_or(false) })
            }
            Some("weekdays") => {
                let days = self.days.clone().unwrap_or_default();
                if days.is_empty() {
                    errors.push(FieldError::new("days", Invalid::Required));
                }
                let mut checked: Vec<WeekdayDuty> = Vec::new();
                for (i, day) in days.iter().enumerate().take(7 * 2) {
                    let weekday = match day.weekday {
                        Some(w @ 1..=7) => Some(w),
                        _ => {
                            errors.push(FieldError::new(
                                format!("days[{i}].weekday"),
                                Invalid::OutOfRange { min: 1, max: 7 },
                            ));
                            None
                        }
                    };
                    if weekday.is_some_and(|w| checked.iter().any(|c| c.weekday == w)) {
                        errors.push(FieldError::new(format!("days[{i}].weekday"), Invalid::AlreadyExists));
                    }
                    let who = match day.person.as_deref() {
                        Some(raw) => person(format!("days[{i}].person"), raw, &mut errors),
                        None => {
                            errors.push(FieldError::new(format!("days[{i}].person"), Invalid::Required));
                            None
                        }
                    };
                    if let (Some(weekday), Some(person)) = (weekday, who) {
                        checked.push(WeekdayDuty { weekday, person });
                    }
                }
                if days.len() > 7 {
                    errors.push(FieldError::new("days", Invalid::TooLong { max: 7 }));
                }
                checked.sort_by_key(|d| d.weekday);
                Some(DutyPattern::Weekdays { days: checked })
            }
            Some(_) => {
                errors.push(FieldError::new("kind", Invalid::NotAChoice { allowed: "rotation, weekdays".into() }));
                None
            }
            None => {
                errors.push(FieldError::new("kind", Invalid::Required));
                None
            }
        };
        match (ValidationErrors::from_vec(errors), pattern) {
            (None, Some(pattern)) => Ok(pattern),
            (Some(errors), _) => Err(errors),
            (None, None) => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

/// A month of a rota: `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyMonth {
    pub year: i32,
    pub month: u32,
}

impl DutyMonth {
    /// `2026-12` (years 2000–2099).
    pub fn parse(field: &str, raw: &str) -> Result<DutyMonth, FieldError> {
        let bad = || FieldError::new(field, Invalid::DateFormat);
        let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
        if y.len() != 4 || m.len() != 2 || !(2000..=2099).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(DutyMonth { year, month })
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> DutyMonth {
        DutyMonth { year: day.year(), month: day.month() }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month before.
    pub fn previous(&self) -> DutyMonth {
        let (year, month) = if self.month == 1 { (self.year - 1, 12) } else { (self.year, self.month - 1) };
        DutyMonth { year, month }
    }

    /// The first day of the month after.
    pub fn next_first_day(&self) -> NaiveDate {
        let (year, month) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
    }

    /// Every day of the month, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let end = self.next_first_day();
        self.first_day().iter_days().take_while(move |d| *d < end)
    }
}

impl std::fmt::Display for DutyMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Where a rotation takes up its turn in a month: after the person on the last duty day before it,
/// when they are still in the list; else from the first.
pub fn next_in_turn(pattern: &DutyPattern, last_before: Option<&str>) -> usize {
    match (pattern, last_before) {
        (DutyPattern::Rotation { people, .. }, Some(last)) => {
            people.iter().position(|p| p == last).map_or(0, |i| (i + 1) % people.len().max(1))
        }
        _ => 0,
    }
}

/// The month's rota from the pattern: each day with its person, days without duty left out. A
/// rotation starts at `next` (see [`next_in_turn`]) and moves on one person each duty day only, so
/// a holiday week does not skip anybody's turn.
pub fn month_rota(
    pattern: &DutyPattern,
    month: DutyMonth,
    calendar: &Calendar,
    next: usize,
) -> Vec<(NaiveDate, String)> {
    let mut out = Vec::new();
    match pattern {
        DutyPattern::Rotation { people, every_day } => {
            if people.is_empty() {
                return out;
            }
            let mut turn = next % people.len();
            for day in month.days() {
                if *every_day || calendar.is_working_day(day) {
                    out.push((day, people[turn].clone()));
                    turn = (turn + 1) % people.len();
                }
            }
        }
        DutyPattern::Weekdays { days } => {
            for day in month.days() {
                let weekday = day.weekday().number_from_monday() as u8;
                if let Some(duty) = days.iter().find(|d| d.weekday == weekday)
                    && calendar.is_working_day(day)
                {
                    out.push((day, duty.person.clone()));
                }
            }
        }
    }
    out
}

/// When reception ends on a duty day whose unit sets no hours for it (a village's Sunday).
pub const DEFAULT_CLOSE: (u32, u32) = (18, 0);

/// Whether the person on duty was at their post on a day (FED-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// Nobody was on the rota.
    NoDuty,
    /// Signed in.
    Present,
    /// Reception has not ended yet, and nobody has signed in.
    Pending,
    /// Reception ended without a sign-in: an absence, traced to the person on the rota.
    Absent,
}

impl Attendance {
    pub fn label_zh(self) -> &'static str {
        match self {
            Attendance::NoDuty => "",
            Attendance::Present => "到岗",
            Attendance::Pending => "待签到",
            Attendance::Absent => "缺勤",
        }
    }
}

/// A day's attendance at `now` (China's local time): present once signed in; absent once the day's
/// reception has ended (`closes`, or [`DEFAULT_CLOSE`] when the unit sets no hours that day)
/// without a sign-in; pending before.
pub fn attendance(
    day: NaiveDate,
    on_duty: bool,
    signed_in: bool,
    now: chrono::NaiveDateTime,
    closes: Option<chrono::NaiveTime>,
) -> Attendance {
    if !on_duty {
        return Attendance::NoDuty;
    }
    if signed_in {
        return Attendance::Present;
    }
    let (h, m) = DEFAULT_CLOSE;
    let close = closes.or_else(|| chrono::NaiveTime::from_hms_opt(h, m, 0)).unwrap_or(chrono::NaiveTime::MIN);
    if now >= day.and_time(close) { Attendance::Absent } else { Attendance::Pending }
}

/// The day after `day` (for ranges that end the day before).
pub fn day_after(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::YearFile;

    fn calendar_2026() -> Calendar {
        // 国庆节 2026: 10-01 … 10-07 off, Sunday 09-20 and Saturday 10-10 worked (as the State Council set it).
        let file = YearFile::parse(
            r#"{"year":2026,"days":[
              {"name":"国庆节","date":"2026-09-20","isOffDay":false},
              {"name":"国庆节","date":"2026-10-01","isOffDay":true},{"name":"国庆节","date":"2026-10-02","isOffDay":true},
              {"name":"国庆节","date":"2026-10-03","isOffDay":true},{"name":"国庆节","date":"2026-10-04","isOffDay":true},
              {"name":"国庆节","date":"2026-10-05","isOffDay":true},{"name":"国庆节","date":"2026-10-06","isOffDay":true},
              {"name":"国庆节","date":"2026-10-07","isOffDay":true},{"name":"国庆节","date":"2026-10-10","isOffDay":false}]}"#,
        )
        .unwrap();
        let mut calendar = Calendar::new();
        calendar.load(&file);
        calendar
    }

    fn rotation(people: &[&str], every_day: bool) -> DutyPattern {
        DutyPattern::Rotation { people: people.iter().map(|p| (*p).to_owned()).collect(), every_day }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn sch_5_a_rotation_skips_the_holiday_week_and_carries_on_after_it() {
        let calendar = calendar_2026();
        let october = DutyMonth::parse("month", "2026-10").unwrap();
        let rota = month_rota(&rotation(&["a", "b", "c"], false), october, &calendar, 0);
        assert!(
            rota.iter().all(|(d, _)| !(day("2026-10-01")..=day("2026-10-07")).contains(d)),
            "no duty on the holiday"
        );
        // 10-08 (Thursday) is the first working day; Saturday 10-10 is a make-up working day.
        assert_eq!(rota[0], (day("2026-10-08"), "a".to_owned()));
        assert_eq!(rota[1], (day("2026-10-09"), "b".to_owned()));
        assert_eq!(rota[2], (day("2026-10-10"), "c".to_owned()), "the make-up Saturday is a duty day");
        assert_eq!(rota[3], (day("2026-10-12"), "a".to_owned()), "Sunday 10-11 is not, and the turn goes on");
        assert_eq!(rota.len(), 18, "the working days of October 2026");
        // The turn carries on into November from the last person of October.
        let last = rota.last().map(|(_, p)| p.as_str());
        let november = DutyMonth::parse("month", "2026-11").unwrap();
        let next = next_in_turn(&rotation(&["a", "b", "c"], false), last);
        let after = month_rota(&rotation(&["a", "b", "c"], false), november, &calendar, next);
        let expected = ["a", "b", "c"][(18) % 3];
        assert_eq!(after[0].1, expected, "the 19th duty day is the next in turn");
    }

    #[test]
    fn cdr_1_one_cadre_each_day_and_twn_7_year_round_duty_takes_rest_days_too() {
        let calendar = calendar_2026();
        let october = DutyMonth::parse("month", "2026-10").unwrap();
        let rota = month_rota(&rotation(&["a", "b"], true), october, &calendar, 1);
        assert_eq!(rota.len(), 31, "every day, the holiday and Sundays included");
        assert_eq!((rota[0].1.as_str(), rota[1].1.as_str(), rota[30].1.as_str()), ("b", "a", "b"));
        let mut days: Vec<NaiveDate> = rota.iter().map(|(d, _)| *d).collect();
        days.dedup();
        assert_eq!(days.len(), 31, "one person a day");
    }

    #[test]
    fn fed_3_a_fixed_person_each_weekday_but_none_on_a_holiday() {
        let calendar = calendar_2026();
        let draft = DutyPatternDraft {
            kind: Some("weekdays".into()),
            days: Some(
                (1..=5).map(|w| WeekdayDutyDraft { weekday: Some(w), person: Some(format!("leader{w}")) }).collect(),
            ),
            ..Default::default()
        };
        let pattern = draft.parse().unwrap();
        let rota = month_rota(&pattern, DutyMonth::parse("m", "2026-10").unwrap(), &calendar, 0);
        assert_eq!(rota[0], (day("2026-10-08"), "leader4".to_owned()), "Thursday's leader, after the holiday");
        assert!(!rota.iter().any(|(d, _)| *d == day("2026-10-10")), "nobody is listed for Saturday");
        assert!(rota.iter().all(|(d, p)| *p == format!("leader{}", d.weekday().number_from_monday())));
    }

    #[test]
    fn fed_8_a_duty_day_without_a_sign_in_is_an_absence_once_reception_has_ended() {
        let monday = day("2026-12-07");
        let at =
            |d: &str, t: &str| chrono::NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M").unwrap();
        let closes = chrono::NaiveTime::from_hms_opt(17, 0, 0);
        assert_eq!(attendance(monday, false, false, at("2026-12-08", "09:00"), closes), Attendance::NoDuty);
        assert_eq!(attendance(monday, true, true, at("2026-12-08", "09:00"), closes), Attendance::Present);
        assert_eq!(attendance(monday, true, false, at("2026-12-07", "16:59"), closes), Attendance::Pending);
        assert_eq!(attendance(monday, true, false, at("2026-12-07", "17:00"), closes), Attendance::Absent);
        assert_eq!(attendance(monday, true, false, at("2026-12-07", "17:59"), None), Attendance::Pending, "18:00");
        assert_eq!(attendance(monday, true, false, at("2026-12-09", "08:00"), None), Attendance::Absent);
    }

    #[test]
    fn a_pattern_is_checked_field_by_field() {
        let refused = |draft: DutyPatternDraft| -> Vec<String> {
            draft.parse().unwrap_err().iter().map(|e| e.field.clone()).collect()
        };
        assert_eq!(refused(DutyPatternDraft::default()), ["kind"]);
        assert_eq!(refused(DutyPatternDraft { kind: Some("monthly".into()), ..Default::default() }), ["kind"]);
        assert_eq!(refused(DutyPatternDraft { kind: Some("rotation".into()), ..Default::default() }), ["people"]);
        let people = Some(vec!["wang".to_owned(), "bad name".to_owned(), "wang".to_owned()]);
        assert_eq!(
            refused(DutyPatternDraft { kind: Some("rotation".into()), people, ..Default::default() }),
            ["people[1]", "people[2]"]
        );
        let days = Some(vec![
            WeekdayDutyDraft { weekday: Some(8), person: Some("liu".into()) },
            WeekdayDutyDraft { weekday: Some(1), person: None },
            WeekdayDutyDraft { weekday: Some(2), person: Some("zhao".into()) },
            WeekdayDutyDraft { weekday: Some(2), person: Some("sun".into()) },
        ]);
        assert_eq!(
            refused(DutyPatternDraft { kind: Some("weekdays".into()), days, ..Default::default() }),
            ["days[0].weekday", "days[1].person", "days[3].weekday"]
        );
        assert!(DutyMonth::parse("month", "2026-13").is_err() && DutyMonth::parse("month", "26-01").is_err());
        assert!(DutyMonth::parse("month", "2026-1\u{0}").is_err());
    }
}
