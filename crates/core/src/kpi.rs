//! The measures a higher level judges a unit by (GEN-9), as the public sees them (COM-3) and the
//! county's reports show them: 及时受理率, 按期办结率, 参评率, 满意率 — for the petition office (信访
//! 工作机构) and for the handling unit (承办单位) — and 重复信访率, over a period. What counts in which
//! period is written in `docs/MEASURES.md`; the counting is the store's and the application's, the
//! rates and how they read are here.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::{FieldError, Invalid};

/// Deadlines of one kind that came due (or were met) in a period, and how many were met in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeadlineTally {
    pub on_time: u64,
    pub due: u64,
}

/// Ratings given in a period, of the petition office or of the handling unit (GEN-9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RatingTally {
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
}

impl RatingTally {
    pub fn all(&self) -> u64 {
        self.satisfied + self.basically_satisfied + self.dissatisfied
    }
}

/// Replies rated in a period, and replies whose rating window closed in it unrated (参评率).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ParticipationTally {
    pub rated: u64,
    pub lapsed: u64,
}

/// Cases registered in a period, and those of them that repeat a matter (重复信访率).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RepeatTally {
    pub repeats: u64,
    pub registered: u64,
}

/// What is counted for a unit's measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KpiTallies {
    pub acceptance: DeadlineTally,
    pub closure: DeadlineTally,
    pub participation: ParticipationTally,
    /// The petition office's ratings (登记、转送).
    pub ratings_office: RatingTally,
    /// The handling unit's ratings (办理、答复).
    pub ratings: RatingTally,
    pub repeats: RepeatTally,
}

impl KpiTallies {
    /// Adds another's counts to these (the counts of cases counted apart, summed).
    pub fn add(&mut self, other: &KpiTallies) {
        let deadline = |a: &mut DeadlineTally, b: &DeadlineTally| {
            a.on_time += b.on_time;
            a.due += b.due;
        };
        let rating = |a: &mut RatingTally, b: &RatingTally| {
            a.satisfied += b.satisfied;
            a.basically_satisfied += b.basically_satisfied;
            a.dissatisfied += b.dissatisfied;
        };
        deadline(&mut self.acceptance, &other.acceptance);
        deadline(&mut self.closure, &other.closure);
        self.participation.rated += other.participation.rated;
        self.participation.lapsed += other.participation.lapsed;
        rating(&mut self.ratings_office, &other.ratings_office);
        rating(&mut self.ratings, &other.ratings);
        self.repeats.repeats += other.repeats.repeats;
        self.repeats.registered += other.repeats.registered;
    }
}

/// One measure: its rate in per cent, or none when nothing was counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub code: &'static str,
    pub label: &'static str,
    /// Per cent, one decimal; `None` when the denominator is zero.
    pub percent: Option<f64>,
    pub numerator: u64,
    pub denominator: u64,
    /// A rate the unit wants high (all but 重复信访率).
    pub higher_is_better: bool,
}

impl Measure {
    fn of(code: &'static str, label: &'static str, numerator: u64, denominator: u64) -> Measure {
        let percent = (denominator > 0).then(|| (numerator as f64 * 1000.0 / denominator as f64).round() / 10.0);
        Measure { code, label, percent, numerator, denominator, higher_is_better: code != "repeat_rate" }
    }

    /// `93.5%`, or `暂无数据` when nothing was counted.
    pub fn shown(&self) -> String {
        match self.percent {
            Some(p) => format!("{p:.1}%"),
            None => "暂无数据".into(),
        }
    }

    /// The measure's name in English.
    pub fn label_en(&self) -> &'static str {
        match self.code {
            "timely_acceptance" => "Timely acceptance",
            "on_time_closure" => "On-time closure",
            "participation" => "Rating participation",
            "satisfaction_office" => "Satisfaction with the petition office",
            "satisfaction" => "Satisfaction with the handling office",
            "repeat_rate" => "Repeat petitions",
            _ => "",
        }
    }
}

/// The six measures of a unit, in the order the regulation lists them (GEN-9): 满意率 twice, for the
/// petition office and for the handling unit.
pub fn measures(t: &KpiTallies) -> Vec<Measure> {
    let pleased = |r: &RatingTally| r.satisfied + r.basically_satisfied;
    let p = t.participation;
    vec![
        Measure::of("timely_acceptance", "及时受理率", t.acceptance.on_time, t.acceptance.due),
        Measure::of("on_time_closure", "按期办结率", t.closure.on_time, t.closure.due),
        Measure::of("participation", "参评率", p.rated, p.rated + p.lapsed),
        Measure::of("satisfaction_office", "满意率(信访工作机构)", pleased(&t.ratings_office), t.ratings_office.all()),
        Measure::of("satisfaction", "满意率(承办单位)", pleased(&t.ratings), t.ratings.all()),
        Measure::of("repeat_rate", "重复信访率", t.repeats.repeats, t.repeats.registered),
    ]
}

/// A measure by its code (`docs/MEASURES.md`), for a list of the cases behind its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureCode {
    TimelyAcceptance,
    OnTimeClosure,
    Participation,
    SatisfactionOffice,
    Satisfaction,
    RepeatRate,
}

impl MeasureCode {
    pub const ALL: [MeasureCode; 6] = [
        MeasureCode::TimelyAcceptance,
        MeasureCode::OnTimeClosure,
        MeasureCode::Participation,
        MeasureCode::SatisfactionOffice,
        MeasureCode::Satisfaction,
        MeasureCode::RepeatRate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MeasureCode::TimelyAcceptance => "timely_acceptance",
            MeasureCode::OnTimeClosure => "on_time_closure",
            MeasureCode::Participation => "participation",
            MeasureCode::SatisfactionOffice => "satisfaction_office",
            MeasureCode::Satisfaction => "satisfaction",
            MeasureCode::RepeatRate => "repeat_rate",
        }
    }

    /// What the cases of a part of this measure are, as a list names them.
    pub fn part_label(self, part: MeasurePart) -> &'static str {
        use MeasureCode::*;
        match (self, part) {
            (TimelyAcceptance, MeasurePart::All) => "应书面告知是否受理的",
            (TimelyAcceptance, MeasurePart::Counted) => "按期告知受理的",
            (TimelyAcceptance, MeasurePart::Missed) => "未按期告知受理的",
            (OnTimeClosure, MeasurePart::All) => "应办结的",
            (OnTimeClosure, MeasurePart::Counted) => "按期办结的",
            (OnTimeClosure, MeasurePart::Missed) => "未按期办结的",
            (Participation, MeasurePart::All) => "应评价的",
            (Participation, MeasurePart::Counted) => "已评价的",
            (Participation, MeasurePart::Missed) => "评价期满未评价的",
            (SatisfactionOffice | Satisfaction, MeasurePart::All) => "已评价的",
            (SatisfactionOffice | Satisfaction, MeasurePart::Counted) => "满意或基本满意的",
            (SatisfactionOffice | Satisfaction, MeasurePart::Missed) => "不满意的",
            (RepeatRate, MeasurePart::All) => "收到的",
            (RepeatRate, MeasurePart::Counted) => "重复信访",
            (RepeatRate, MeasurePart::Missed) => "初信初访",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<MeasureCode, FieldError> {
        MeasureCode::ALL.into_iter().find(|m| m.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: MeasureCode::ALL.map(MeasureCode::code).join(", ") })
        })
    }
}

/// Which of a measure's cases: all it counts (its denominator), those counted for it (its
/// numerator: met in time, rated, pleased, a repeat) or those counted against it (the rest: late,
/// lapsed unrated, 不满意, a first petition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasurePart {
    All,
    Counted,
    Missed,
}

impl MeasurePart {
    pub const ALL: [MeasurePart; 3] = [MeasurePart::All, MeasurePart::Counted, MeasurePart::Missed];

    pub fn code(self) -> &'static str {
        match self {
            MeasurePart::All => "all",
            MeasurePart::Counted => "counted",
            MeasurePart::Missed => "missed",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<MeasurePart, FieldError> {
        MeasurePart::ALL
            .into_iter()
            .find(|m| m.code() == raw.trim())
            .ok_or_else(|| FieldError::new(field, Invalid::NotAChoice { allowed: "all, counted, missed".into() }))
    }
}

/// The period a report counts: from its first day to its last, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasurePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest period a report counts.
const MAX_PERIOD_YEARS: u32 = 5;

impl MeasurePeriod {
    /// The twelve months to `today` (the public page's period).
    pub fn year_to(today: NaiveDate) -> MeasurePeriod {
        let from = today.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(today);
        MeasurePeriod { from, to: today }
    }

    /// The period named by `period` — a month (`2026-11`), a quarter (`2026-Q4`) or a year (`2026`)
    /// — or by `from` and `to` (YYYY-MM-DD, both included); none given: the twelve months to
    /// `today`. Every mistake is refused on its field.
    pub fn parse(
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<MeasurePeriod, FieldError> {
        let (period, from, to) = (blank(period), blank(from), blank(to));
        let checked = |p: MeasurePeriod, field: &str| -> Result<MeasurePeriod, FieldError> {
            let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(p.from);
            if p.from < earliest || p.from > today {
                let allowed = format!("1990-01-01 至 {today} 之间的期间");
                return Err(FieldError::new(field, Invalid::NotAChoice { allowed }));
            }
            if p.to < p.from {
                return Err(FieldError::new("to", Invalid::NotBefore { what: format!("起始日期({})", p.from) }));
            }
            if p.from.checked_add_months(Months::new(12 * MAX_PERIOD_YEARS)).is_some_and(|limit| p.to >= limit) {
                let allowed = format!("不超过 {MAX_PERIOD_YEARS} 年的期间");
                return Err(FieldError::new(field, Invalid::NotAChoice { allowed }));
            }
            Ok(p)
        };
        match (period, from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                let allowed = "period(月、季度或年)或 from 与 to,二者选一".into();
                Err(FieldError::new("period", Invalid::NotAChoice { allowed }))
            }
            (Some(raw), None, None) => checked(named(raw).ok_or_else(wrong_period)?, "period"),
            (None, None, None) => Ok(MeasurePeriod::year_to(today)),
            (None, from, to) => {
                let day = |field: &str, raw: Option<&str>| -> Result<NaiveDate, FieldError> {
                    let raw = raw.ok_or_else(|| FieldError::new(field, Invalid::Required))?;
                    if raw.len() != 10 {
                        return Err(FieldError::new(field, Invalid::DateFormat));
                    }
                    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))
                };
                checked(MeasurePeriod { from: day("from", from)?, to: day("to", to)? }, "from")
            }
        }
    }

    /// The period just before, as long (the roll-up's comparison): the month, quarter or year
    /// before a whole one, else as many days before.
    pub fn previous(&self) -> MeasurePeriod {
        let months = whole_months(self);
        match months {
            Some(m) => {
                let from = self.from.checked_sub_months(Months::new(m)).unwrap_or(self.from);
                MeasurePeriod { from, to: self.from.pred_opt().unwrap_or(self.from) }
            }
            None => {
                let days = (self.to - self.from).num_days() + 1;
                let to = self.from.pred_opt().unwrap_or(self.from);
                MeasurePeriod { from: to - chrono::Duration::days(days - 1), to }
            }
        }
    }

    /// The period as `period` names it again: `2026-11`, `2026-Q4`, `2026`, or `2026-01-05..2026-03-31`.
    pub fn key(&self) -> String {
        match whole_months(self) {
            Some(1) => format!("{}-{:02}", self.from.year(), self.from.month()),
            Some(3) if self.from.month0().is_multiple_of(3) => {
                format!("{}-Q{}", self.from.year(), self.from.month0() / 3 + 1)
            }
            Some(12) if self.from.month() == 1 => format!("{}", self.from.year()),
            _ => format!("{}..{}", self.from, self.to),
        }
    }

    /// `2026年11月`, `2026年第四季度`, `2026年`, or `2026-01-05 至 2026-03-31`.
    pub fn label_zh(&self) -> String {
        match whole_months(self) {
            Some(1) => format!("{}年{}月", self.from.year(), self.from.month()),
            Some(3) if self.from.month0().is_multiple_of(3) => {
                format!("{}年第{}季度", self.from.year(), ["一", "二", "三", "四"][(self.from.month0() / 3) as usize])
            }
            Some(12) if self.from.month() == 1 => format!("{}年", self.from.year()),
            _ => format!("{} 至 {}", self.from, self.to),
        }
    }
}

/// A parameter typed, or none when left blank.
fn blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn wrong_period() -> FieldError {
    FieldError::new(
        "period",
        Invalid::NotAChoice {
            allowed: "2026-11(月)、2026-Q4(季度)、2026(年)或 2026-03-05..2026-03-14(日期)".into()
        },
    )
}

/// A month, quarter or year by name, or days as [`MeasurePeriod::key`] writes them.
fn named(raw: &str) -> Option<MeasurePeriod> {
    if let Some((from, to)) = raw.split_once("..") {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().filter(|_| d.len() == 10);
        return Some(MeasurePeriod { from: day(from)?, to: day(to)? });
    }
    // Digits only: `2026-+1` is no month.
    if !raw.chars().all(|c| c.is_ascii_digit() || c == '-' || c == 'Q' || c == 'q') {
        return None;
    }
    let year_of = |y: &str| y.parse::<i32>().ok().filter(|_| y.len() == 4);
    let (from, months) = if let Some((y, q)) = raw.split_once("-Q").or_else(|| raw.split_once("-q")) {
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        (NaiveDate::from_ymd_opt(year_of(y)?, (q - 1) * 3 + 1, 1)?, 3)
    } else if let Some((y, m)) = raw.split_once('-') {
        let m: u32 = m.parse().ok().filter(|_| m.len() == 2)?;
        (NaiveDate::from_ymd_opt(year_of(y)?, m, 1)?, 1)
    } else {
        (NaiveDate::from_ymd_opt(year_of(raw)?, 1, 1)?, 12)
    };
    let to = from.checked_add_months(Months::new(months))?.pred_opt()?;
    Some(MeasurePeriod { from, to })
}

/// How many whole calendar months the period spans, when it starts on a first and ends on a last day.
fn whole_months(p: &MeasurePeriod) -> Option<u32> {
    if p.from.day() != 1 || p.to.succ_opt().is_none_or(|next| next.day() != 1) {
        return None;
    }
    let next = p.to.succ_opt()?;
    let months = (next.year() - p.from.year()) * 12 + next.month() as i32 - p.from.month() as i32;
    u32::try_from(months).ok().filter(|m| *m > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn gen_9_rates_count_basic_satisfaction_and_say_when_there_is_nothing() {
        let t = KpiTallies {
            acceptance: DeadlineTally { on_time: 187, due: 200 },
            closure: DeadlineTally { on_time: 0, due: 0 },
            participation: ParticipationTally { rated: 10, lapsed: 30 },
            ratings_office: RatingTally { satisfied: 9, basically_satisfied: 0, dissatisfied: 1 },
            ratings: RatingTally { satisfied: 6, basically_satisfied: 2, dissatisfied: 2 },
            repeats: RepeatTally { repeats: 3, registered: 40 },
        };
        let m = measures(&t);
        let codes: Vec<&str> = m.iter().map(|m| m.code).collect();
        assert_eq!(
            codes,
            [
                "timely_acceptance",
                "on_time_closure",
                "participation",
                "satisfaction_office",
                "satisfaction",
                "repeat_rate"
            ]
        );
        assert_eq!((m[0].label, m[0].percent, m[0].shown()), ("及时受理率", Some(93.5), "93.5%".to_owned()));
        assert_eq!((m[1].percent, m[1].shown()), (None, "暂无数据".to_owned()));
        assert_eq!((m[2].percent, m[2].numerator, m[2].denominator), (Some(25.0), 10, 40), "rated ÷ (rated + lapsed)");
        assert_eq!((m[3].percent, m[4].percent), (Some(90.0), Some(80.0)), "the office and the unit apart");
        assert_eq!((m[5].percent, m[5].higher_is_better), (Some(7.5), false));
    }

    #[test]
    fn gen_9_a_report_counts_a_month_a_quarter_a_year_or_days() {
        let today = day("2026-12-07");
        let p =
            |period: Option<&str>, from: Option<&str>, to: Option<&str>| MeasurePeriod::parse(period, from, to, today);
        let month = p(Some("2026-11"), None, None).unwrap();
        assert_eq!(
            (month.from, month.to, month.label_zh()),
            (day("2026-11-01"), day("2026-11-30"), "2026年11月".into())
        );
        let quarter = p(Some("2026-Q4"), None, None).unwrap();
        assert_eq!(
            (quarter.from, quarter.to, quarter.label_zh()),
            (day("2026-10-01"), day("2026-12-31"), "2026年第四季度".into())
        );
        assert_eq!(quarter.previous(), MeasurePeriod { from: day("2026-07-01"), to: day("2026-09-30") });
        for key in ["2026-11", "2026-Q4", "2025", "2026-03-05..2026-03-14"] {
            assert_eq!(p(Some(key), None, None).unwrap().key(), key, "a period's key names it again");
        }
        assert!(p(Some("2026-03-05..2026-0314"), None, None).is_err());
        let year = p(Some("2025"), None, None).unwrap();
        assert_eq!(
            (year.to, year.label_zh(), year.previous().label_zh()),
            (day("2025-12-31"), "2025年".into(), "2024年".into())
        );
        let days = p(None, Some("2026-03-05"), Some("2026-03-14")).unwrap();
        assert_eq!(days.previous(), MeasurePeriod { from: day("2026-02-23"), to: day("2026-03-04") }, "as many days");
        assert_eq!(p(None, None, None).unwrap(), MeasurePeriod::year_to(today));
        assert_eq!(MeasurePeriod::year_to(today).from, day("2025-12-08"));
        for (period, from, to, field) in [
            (Some("2026-13"), None, None, "period"),
            (Some("2026-Q5"), None, None, "period"),
            (Some("26"), None, None, "period"),
            (Some("2026-+1"), None, None, "period"),
            (Some("2026-Q+4"), None, None, "period"),
            (Some("2027"), None, None, "period"),
            (Some("2026"), Some("2026-01-01"), None, "period"),
            (None, Some("2026-01-01"), None, "to"),
            (None, Some("2026-02-01"), Some("2026-01-01"), "to"),
            (None, Some("1980-01-01"), Some("2026-01-01"), "from"),
            (None, Some("2026-1-1"), Some("2026-02-01"), "from"),
        ] {
            assert_eq!(p(period, from, to).unwrap_err().field, field, "{period:?} {from:?} {to:?}");
        }
    }
}
