//! Day counting as the regulation counts (GEN-8): the official calendar of statutory holidays and
//! make-up workdays (调休), and due dates in calendar days (日) or working days (工作日).
//!
//! A limit in 日 counts calendar days, the day of the event not counted; when the last day is a
//! holiday or a rest day, the limit ends on the next working day. A limit in 工作日 counts working
//! days. A working day is a listed make-up workday, or Monday to Friday and not a listed holiday.
//! A date in a year whose schedule is not loaded is judged on weekends alone, and a due date that
//! relied on such a date is marked provisional.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The official schedules shipped with huiyin: the holiday-cn dataset (MIT licence, see
/// `data/holiday-cn/SOURCE.md`), one file a year. Later years are loaded with `huiyin calendar import`.
pub const SHIPPED_YEARS: [(i32, &str); 20] = [
    (2007, include_str!("../../../data/holiday-cn/2007.json")),
    (2008, include_str!("../../../data/holiday-cn/2008.json")),
    (2009, include_str!("../../../data/holiday-cn/2009.json")),
    (2010, include_str!("../../../data/holiday-cn/2010.json")),
    (2011, include_str!("../../../data/holiday-cn/2011.json")),
    (2012, include_str!("../../../data/holiday-cn/2012.json")),
    (2013, include_str!("../../../data/holiday-cn/2013.json")),
    (2014, include_str!("../../../data/holiday-cn/2014.json")),
    (2015, include_str!("../../../data/holiday-cn/2015.json")),
    (2016, include_str!("../../../data/holiday-cn/2016.json")),
    (2017, include_str!("../../../data/holiday-cn/2017.json")),
    (2018, include_str!("../../../data/holiday-cn/2018.json")),
    (2019, include_str!("../../../data/holiday-cn/2019.json")),
    (2020, include_str!("../../../data/holiday-cn/2020.json")),
    (2021, include_str!("../../../data/holiday-cn/2021.json")),
    (2022, include_str!("../../../data/holiday-cn/2022.json")),
    (2023, include_str!("../../../data/holiday-cn/2023.json")),
    (2024, include_str!("../../../data/holiday-cn/2024.json")),
    (2025, include_str!("../../../data/holiday-cn/2025.json")),
    (2026, include_str!("../../../data/holiday-cn/2026.json")),
];

/// One year's file in the holiday-cn format: `{"year": 2026, "days": [{"name", "date", "isOffDay"}]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct YearFile {
    pub year: i32,
    pub days: Vec<ListedDay>,
}

/// A day the State Council's notice lists: a holiday (`isOffDay: true`) or a make-up workday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedDay {
    pub name: String,
    pub date: NaiveDate,
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// Why a year file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("不是有效的节假日文件(需要 holiday-cn 格式:year 与 days):{0}")]
    Format(String),
    #[error("文件中的日期 {date} 与年份 {year} 相差超过一年")]
    DateOutsideYear { year: i32, date: NaiveDate },
}

impl YearFile {
    /// Parses and checks one file: every listed date lies in the year or next to it (a December date
    /// may belong to the next year's notice).
    pub fn parse(json: &str) -> Result<YearFile, CalendarError> {
        let file: YearFile = serde_json::from_str(json).map_err(|e| CalendarError::Format(e.to_string()))?;
        if let Some(day) = file.days.iter().find(|d| (d.date.year() - file.year).abs() > 1) {
            return Err(CalendarError::DateOutsideYear { year: file.year, date: day.date });
        }
        Ok(file)
    }
}

/// The holiday schedule: which years are loaded and which days they list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeSet<i32>,
    listed: BTreeMap<NaiveDate, ListedDay>,
}

impl Calendar {
    pub fn new() -> Calendar {
        Calendar::default()
    }

    /// Adds (or replaces) a year: the days of an earlier file of the same year are dropped first,
    /// so a corrected or local file (minority-area holidays) overrides the shipped one.
    pub fn load(&mut self, file: &YearFile) {
        let year = file.year;
        if self.years.contains(&year) {
            let stale: Vec<NaiveDate> = self
                .listed
                .iter()
                .filter(|(_, d)| d.name.starts_with(&format!("{year}:")))
                .map(|(date, _)| *date)
                .collect();
            for date in stale {
                self.listed.remove(&date);
            }
        }
        self.years.insert(year);
        for day in &file.days {
            // Remember which file listed the day (prefix), to replace it with that file.
            let tagged = ListedDay { name: format!("{year}:{}", day.name), ..day.clone() };
            self.listed.insert(day.date, tagged);
        }
    }

    /// The years whose schedule is loaded.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `date`'s year has a schedule loaded.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    /// The listed holiday or make-up workday on `date`, with its name.
    pub fn listed(&self, date: NaiveDate) -> Option<(&str, bool)> {
        self.listed.get(&date).map(|d| (d.name.split_once(':').map_or(d.name.as_str(), |(_, n)| n), d.is_off_day))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.listed.get(&date) {
            Some(day) => !day.is_off_day,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }
}

/// A time limit: so many calendar days (日) or working days (工作日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum Limit {
    CalendarDays(u32),
    WorkingDays(u32),
}

/// A due date, and whether it relied on a year whose schedule is not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// The years a register is read for (a year's gifts, a year's training).
pub const REGISTER_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// The first day of `year` and of the year after, for a register's year; `year` out of
/// [`REGISTER_YEARS`] is refused on the field `year`.
pub fn year_span(year: i32) -> Result<(NaiveDate, NaiveDate), crate::FieldError> {
    let out_of_range = || crate::FieldError::new("year", crate::Invalid::OutOfRange { min: 2000, max: 2099 });
    if !REGISTER_YEARS.contains(&year) {
        return Err(out_of_range());
    }
    let first = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(out_of_range);
    Ok((first(year)?, first(year + 1)?))
}

/// How far back a day typed for a record may lie (a gift refused, a training held, a complaint's
/// occurrence): further is a typing mistake (“0202-11-20”).
pub const RECORD_YEARS_BACK: i64 = 10;

/// A day typed for a record (YYYY-MM-DD) in `field`: required, not after `today`, and not more than
/// [`RECORD_YEARS_BACK`] years before it.
pub fn past_day(field: &str, raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, crate::FieldError> {
    use crate::{FieldError, Invalid};
    match raw.map(str::trim) {
        None | Some("") => Err(FieldError::new(field, Invalid::Required)),
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) if day > today => Err(FieldError::new(field, Invalid::InFuture)),
            Ok(day) if day < today - Duration::days(366 * RECORD_YEARS_BACK) => {
                Err(FieldError::new(field, Invalid::TooFarBack { years: RECORD_YEARS_BACK }))
            }
            Ok(day) => Ok(day),
            Err(_) => Err(FieldError::new(field, Invalid::DateFormat)),
        },
    }
}

/// The last day of `limit` counted from the event on `start` (GEN-8).
pub fn due_date(calendar: &Calendar, start: NaiveDate, limit: Limit) -> Due {
    let mut provisional = false;
    let mut working = |d: NaiveDate| {
        provisional |= !calendar.covers(d);
        calendar.is_working_day(d)
    };
    let mut day = start;
    match limit {
        Limit::CalendarDays(n) => {
            day = start + Duration::days(i64::from(n));
            while !working(day) {
                day += Duration::days(1);
            }
        }
        Limit::WorkingDays(n) => {
            let mut counted = 0;
            while counted < n {
                day += Duration::days(1);
                if working(day) {
                    counted += 1;
                }
            }
        }
    }
    Due { date: day, provisional }
}

/// The working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let mut count = 0;
    let mut day = from;
    while day < to {
        day += Duration::days(1);
        if calendar.is_working_day(day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shipped() -> Calendar {
        let mut c = Calendar::new();
        for json in [
            include_str!("../../../data/holiday-cn/2024.json"),
            include_str!("../../../data/holiday-cn/2025.json"),
            include_str!("../../../data/holiday-cn/2026.json"),
        ] {
            c.load(&YearFile::parse(json).unwrap());
        }
        c
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn gen_8_worked_examples_of_the_rules() {
        let c = shipped();
        let cases = [
            // 15 日 from 2025-09-20 ends in the National Day week: the next working day.
            ("2025-09-20", Limit::CalendarDays(15), "2025-10-09"),
            // 5 工作日 from 2025-09-26 counts the make-up Sunday 09-28 and skips 10-01..08.
            ("2025-09-26", Limit::WorkingDays(5), "2025-10-10"),
            // 15 日 from 2025-12-17 ends on New Year's Day; 2026-01-04 is a make-up Sunday.
            ("2025-12-17", Limit::CalendarDays(15), "2026-01-04"),
        ];
        for (start, limit, want) in cases {
            let due = due_date(&c, d(start), limit);
            assert_eq!(due, Due { date: d(want), provisional: false }, "{start} + {limit:?}");
        }
    }

    #[test]
    fn gen_8_table_of_holiday_weeks() {
        let c = shipped();
        let cases = [
            // 2026 Spring Festival: 02-15..02-23 off, make-up workdays 02-14 (Sat) and 02-28 (Sat).
            ("2026-02-13", Limit::WorkingDays(1), "2026-02-14"),
            ("2026-02-14", Limit::WorkingDays(1), "2026-02-24"),
            ("2026-02-10", Limit::CalendarDays(7), "2026-02-24"),
            ("2026-02-27", Limit::WorkingDays(1), "2026-02-28"),
            // A plain limit that ends on a Saturday moves to Monday.
            ("2026-03-06", Limit::CalendarDays(8), "2026-03-16"),
            // 2026 New Year: 01-01..01-03 off, 01-04 (Sunday) a workday.
            ("2025-12-31", Limit::WorkingDays(1), "2026-01-04"),
            ("2025-12-31", Limit::WorkingDays(2), "2026-01-05"),
            // 60 日 across a year boundary.
            ("2025-11-15", Limit::CalendarDays(60), "2026-01-14"),
            // 2025 National Day: 10-11 (Saturday) is a make-up workday.
            ("2025-10-10", Limit::WorkingDays(1), "2025-10-11"),
            // Zero days: the same day when it is a working day.
            ("2026-03-04", Limit::WorkingDays(0), "2026-03-04"),
        ];
        for (start, limit, want) in cases {
            assert_eq!(due_date(&c, d(start), limit).date, d(want), "{start} + {limit:?}");
        }
    }

    #[test]
    fn gen_8_a_year_without_schedule_is_provisional_on_weekends_alone() {
        let c = shipped();
        // 2027 is not loaded: 2026-12-20 + 15 日 = 2027-01-04, a Monday; provisional.
        let due = due_date(&c, d("2026-12-20"), Limit::CalendarDays(15));
        assert_eq!(due, Due { date: d("2027-01-04"), provisional: true });
        // 2027-01-02 is a Saturday: moves to Monday 01-04.
        assert_eq!(due_date(&c, d("2026-12-18"), Limit::CalendarDays(15)).date, d("2027-01-04"));
        assert!(!due_date(&c, d("2026-11-02"), Limit::CalendarDays(15)).provisional);
    }

    #[test]
    fn gen_8_loading_a_year_replaces_its_earlier_days() {
        let mut c = shipped();
        // A local file for 2026 that adds a minority-area holiday on 2026-03-03 (Tuesday).
        let local = r#"{"year": 2026, "days": [{"name": "三月三", "date": "2026-03-03", "isOffDay": true}]}"#;
        c.load(&YearFile::parse(local).unwrap());
        assert!(!c.is_working_day(d("2026-03-03")));
        assert_eq!(c.listed(d("2026-03-03")), Some(("三月三", true)));
        // The shipped 2026 days are gone with the file they came from.
        assert!(c.is_working_day(d("2026-10-05")), "a Monday, no longer listed");
        // 2025's file still lists its own days.
        assert!(!c.is_working_day(d("2025-10-03")));
    }

    #[test]
    fn year_files_are_checked() {
        assert!(matches!(YearFile::parse("{}"), Err(CalendarError::Format(_))));
        let far = r#"{"year": 2026, "days": [{"name": "x", "date": "2030-01-01", "isOffDay": true}]}"#;
        assert!(matches!(YearFile::parse(far), Err(CalendarError::DateOutsideYear { .. })));
        for year in 2007..=2026 {
            let path = format!("{}/../../data/holiday-cn/{year}.json", env!("CARGO_MANIFEST_DIR"));
            let json = std::fs::read_to_string(path).unwrap();
            assert_eq!(YearFile::parse(&json).unwrap().year, year);
        }
    }

    proptest! {
        #[test]
        fn gen_8_a_due_date_is_a_working_day_not_before_its_start(start in 0i64..1500, n in 0u32..90, working in any::<bool>()) {
            let c = shipped();
            let start = d("2024-01-01") + Duration::days(start);
            let limit = if working { Limit::WorkingDays(n) } else { Limit::CalendarDays(n) };
            let due = due_date(&c, start, limit).date;
            prop_assert!(due >= start);
            prop_assert!(c.is_working_day(due) || (working && n == 0));
        }

        #[test]
        fn gen_8_more_days_never_give_an_earlier_date(start in 0i64..1500, n in 0u32..90, working in any::<bool>()) {
            let c = shipped();
            let start = d("2024-01-01") + Duration::days(start);
            let (a, b) = if working {
                (Limit::WorkingDays(n), Limit::WorkingDays(n + 1))
            } else {
                (Limit::CalendarDays(n), Limit::CalendarDays(n + 1))
            };
            prop_assert!(due_date(&c, start, a).date <= due_date(&c, start, b).date);
        }
    }
}
