//! 每月排查 (TWN-13, issue 21): once a month each unit screens the month before for petition
//! hotspots and writes down, for each matter it chose, the person responsible, the measures to
//! resolve it (化解措施) and a deadline; a leader signs it off, it is kept in writing and reported to
//! the unit above. What huiyin proposes to look at, and how a screened matter is checked, are here;
//! the counting is the store's, the sign-off and supervision the application's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::duty::DutyMonth;
use crate::text::{limits, required};
use crate::{FieldError, Invalid, ValidationErrors};

/// A petitioner is proposed as frequent with this many cases …
pub const FREQUENT_CASES: usize = 3;
/// … received within this many days up to the month's end.
pub const FREQUENT_DAYS: i64 = 90;
/// A class or place is a hotspot when its month has at least this many cases and more than the
/// average of the three months before.
pub const HOTSPOT_MIN_CASES: u64 = 2;

/// What a screened matter is (the proposals' kinds, and one staff add themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatterKind {
    /// A content class or a place whose cases rose against the three months before.
    Hotspot,
    /// A petitioner with [`FREQUENT_CASES`] or more cases in [`FREQUENT_DAYS`] days.
    Frequent,
    /// A collective petition (集体访).
    Collective,
    /// A skip-level visit (越级访, TWN-14).
    SkipLevel,
    /// An office deadline passed unmet.
    Overdue,
    /// A 不满意 rating.
    Dissatisfied,
    /// A key petitioner on the unit's register (重点信访人).
    KeyPetitioner,
    /// Anything else staff know of.
    Other,
}

impl MatterKind {
    pub const ALL: [MatterKind; 8] = [
        MatterKind::Hotspot,
        MatterKind::Frequent,
        MatterKind::Collective,
        MatterKind::SkipLevel,
        MatterKind::Overdue,
        MatterKind::Dissatisfied,
        MatterKind::KeyPetitioner,
        MatterKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MatterKind::Hotspot => "hotspot",
            MatterKind::Frequent => "frequent",
            MatterKind::Collective => "collective",
            MatterKind::SkipLevel => "skip_level",
            MatterKind::Overdue => "overdue",
            MatterKind::Dissatisfied => "dissatisfied",
            MatterKind::KeyPetitioner => "key_petitioner",
            MatterKind::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MatterKind::Hotspot => "信访热点",
            MatterKind::Frequent => "多次信访",
            MatterKind::Collective => "集体访",
            MatterKind::SkipLevel => "越级访",
            MatterKind::Overdue => "超期未办",
            MatterKind::Dissatisfied => "不满意评价",
            MatterKind::KeyPetitioner => "重点信访人",
            MatterKind::Other => "其他",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<MatterKind, FieldError> {
        MatterKind::ALL.into_iter().find(|k| k.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: MatterKind::ALL.map(MatterKind::code).join(", ") })
        })
    }
}

/// A count that rose: its key (a class's code, a place's unit id), the month's count and the
/// average of the three months before, in tenths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rise {
    pub key: String,
    pub now: u64,
    pub before_tenths: u64,
}

/// The hotspots of a month: the keys with at least [`HOTSPOT_MIN_CASES`] cases whose count is
/// above the average of the three months before (a key absent from a month counts 0 there);
/// steepest rise first.
pub fn hotspots(now: &[(String, u64)], before: [&[(String, u64)]; 3]) -> Vec<Rise> {
    let earlier = |key: &str| -> u64 {
        before.iter().map(|month| month.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)).sum()
    };
    let mut rises: Vec<Rise> = now
        .iter()
        .filter(|(_, n)| *n >= HOTSPOT_MIN_CASES)
        .filter_map(|(key, n)| {
            let sum = earlier(key);
            // now > sum / 3, in whole numbers: 3 × now > sum.
            (3 * n > sum).then(|| Rise { key: key.clone(), now: *n, before_tenths: sum * 10 / 3 })
        })
        .collect();
    rises.sort_by(|a, b| {
        let rise = |r: &Rise| (r.now * 10).saturating_sub(r.before_tenths);
        rise(b).cmp(&rise(a)).then_with(|| a.key.cmp(&b.key))
    });
    rises
}

/// The day by which the screening of `screened` (the month before) is signed off: the `nth`
/// working day of the month after it (the unit's rules; 5 by default).
pub fn screening_due(screened: DutyMonth, calendar: &crate::calendar::Calendar, nth: u8) -> NaiveDate {
    crate::reception::publication_due(DutyMonth::of(screened.next_first_day()), calendar, nth)
}

/// The month a unit screens on `today`: the month before.
pub fn screened_month(today: NaiveDate) -> DutyMonth {
    DutyMonth::of(today).previous()
}

/// A screened matter as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MatterDraft {
    /// `hotspot`, `frequent`, `collective`, `skip_level`, `overdue`, `dissatisfied`,
    /// `key_petitioner` or `other`.
    pub kind: Option<String>,
    /// What the matter is, in a line: `劳动和社会保障类信访上升`, `王某多次反映拆迁补偿`.
    pub subject: Option<String>,
    /// The numbers of the cases it covers (none for a matter staff know of without a case).
    #[serde(default)]
    pub cases: Vec<String>,
    /// The login name of the person responsible (责任人), a staff member of the unit.
    pub responsible: Option<String>,
    /// 化解措施.
    pub measures: Option<String>,
    /// The deadline (结案时限), YYYY-MM-DD.
    pub due: Option<String>,
}

/// A screened matter, checked (the responsible person and the cases are the application's to
/// find).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matter {
    pub kind: MatterKind,
    pub subject: String,
    pub cases: Vec<String>,
    pub responsible: String,
    pub measures: String,
    pub due: NaiveDate,
}

/// A screening as typed: what was looked at, the matters chosen, and the version read (none to
/// begin it).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreeningDraft {
    /// 排查情况: what was looked at, in a paragraph (optional).
    pub summary: Option<String>,
    #[serde(default)]
    pub matters: Vec<MatterDraft>,
    /// The version read; none to begin the screening.
    pub version: Option<i64>,
}

impl ScreeningDraft {
    /// Checks every matter on its field (`matters[i].…`), on `today`.
    pub fn parse(&self, today: NaiveDate) -> Result<(Option<String>, Vec<Matter>), ValidationErrors> {
        let mut errors = Vec::new();
        let summary = crate::text::optional("summary", self.summary.as_deref(), limits::NOTE)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if self.matters.len() > MAX_MATTERS {
            errors.push(FieldError::new("matters", Invalid::OutOfRange { min: 0, max: MAX_MATTERS as i64 }));
        }
        let mut matters = Vec::new();
        for (i, draft) in self.matters.iter().take(MAX_MATTERS).enumerate() {
            match draft.parse(i, today) {
                Ok(m) => matters.push(m),
                Err(e) => errors.extend(e.iter().cloned()),
            }
        }
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok((summary, matters)),
        }
    }
}

/// A screened matter as a screening keeps it: the cases by id and number, the person responsible
/// by account id, and once resolved, how, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenedMatter {
    pub kind: MatterKind,
    pub subject: String,
    /// The cases it covers: (id, number).
    #[serde(default)]
    pub cases: Vec<(i64, String)>,
    /// The units and staff those cases accuse (GEN-7: the matter is withheld from them): read from
    /// the cases whenever the matter is read (an accusation may be named later), never stored.
    #[serde(skip)]
    pub accused_units: Vec<i64>,
    #[serde(skip)]
    pub accused_users: Vec<i64>,
    pub responsible: i64,
    pub measures: String,
    pub due: NaiveDate,
    #[serde(default)]
    pub resolved_on: Option<NaiveDate>,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub resolved_by: Option<i64>,
}

impl ScreenedMatter {
    /// Whether its deadline passed on `today` with the matter not resolved.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.resolved_on.is_none() && self.due < today
    }
}

/// A matter's deadline lies at most this many days ahead (supervision follows it).
pub const MAX_DUE_DAYS: u64 = 366;

/// How many matters a screening holds at most, and cases a matter.
pub const MAX_MATTERS: usize = 200;
pub const MAX_CASES_A_MATTER: usize = 200;

impl MatterDraft {
    /// Checks a matter typed on `today`: every field on its own name under `matters[i]`, the
    /// deadline not before today.
    pub fn parse(&self, i: usize, today: NaiveDate) -> Result<Matter, ValidationErrors> {
        let field = |name: &str| format!("matters[{i}].{name}");
        let mut errors = Vec::new();
        let kind = match self.kind.as_deref() {
            Some(raw) => MatterKind::parse(&field("kind"), raw).map_err(|e| errors.push(e)).ok(),
            None => {
                errors.push(FieldError::new(field("kind"), Invalid::Required));
                None
            }
        };
        let subject =
            required(&field("subject"), self.subject.as_deref(), limits::PLACE).map_err(|e| errors.push(e)).ok();
        let responsible =
            required(&field("responsible"), self.responsible.as_deref(), limits::NAME).map_err(|e| errors.push(e)).ok();
        let measures =
            required(&field("measures"), self.measures.as_deref(), limits::NOTE).map_err(|e| errors.push(e)).ok();
        let due = match self.due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => {
                errors.push(FieldError::new(field("due"), Invalid::Required));
                None
            }
            Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.push(FieldError::new(field("due"), Invalid::NotBefore { what: format!("今天({today})") }));
                    None
                }
                Ok(day) if day > today + chrono::Days::new(MAX_DUE_DAYS) => {
                    let allowed = format!("一年之内的日期(不晚于 {})", today + chrono::Days::new(MAX_DUE_DAYS));
                    errors.push(FieldError::new(field("due"), Invalid::NotAChoice { allowed }));
                    None
                }
                Ok(day) => Some(day),
                Err(_) => {
                    errors.push(FieldError::new(field("due"), Invalid::DateFormat));
                    None
                }
            },
        };
        if self.cases.len() > MAX_CASES_A_MATTER {
            errors
                .push(FieldError::new(field("cases"), Invalid::OutOfRange { min: 0, max: MAX_CASES_A_MATTER as i64 }));
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (kind, subject, responsible, measures, due) {
            (Some(kind), Some(subject), Some(responsible), Some(measures), Some(due)) => Ok(Matter {
                kind,
                subject,
                cases: self.cases.iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
                responsible,
                measures,
                due,
            }),
            _ => Err(FieldError::new(field("kind"), Invalid::Required).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: &[(&str, u64)]) -> Vec<(String, u64)> {
        rows.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
    }

    #[test]
    fn twn_13_a_count_above_the_three_months_before_is_a_hotspot() {
        let now = counts(&[("01", 6), ("02", 3), ("03", 2), ("04", 1)]);
        let (a, b, c) = (counts(&[("01", 1), ("02", 3)]), counts(&[("01", 2), ("02", 3)]), counts(&[("02", 3)]));
        let rises = hotspots(&now, [&a, &b, &c]);
        let keys: Vec<&str> = rises.iter().map(|r| r.key.as_str()).collect();
        // 01: 6 against an average of 1; 03: new with 2; 02 held steady at 3; 04 is too few.
        assert_eq!(keys, ["01", "03"]);
        assert_eq!((rises[0].now, rises[0].before_tenths), (6, 10));
    }

    #[test]
    fn twn_13_december_screens_november_by_the_fifth_working_day() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let screened = screened_month(today);
        assert_eq!(screened.to_string(), "2026-11");
        let january: NaiveDate = "2027-01-04".parse().unwrap();
        assert_eq!(screened_month(january).to_string(), "2026-12");
    }

    #[test]
    fn twn_13_a_matter_needs_a_person_measures_and_a_deadline_to_come() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let draft = MatterDraft {
            kind: Some("frequent".into()),
            subject: Some("王某多次反映拆迁补偿".into()),
            cases: vec!["XS-2026-000001".into()],
            responsible: Some("xs.officer".into()),
            measures: Some("包案领导约谈,协调补偿标准".into()),
            due: Some("2026-12-31".into()),
        };
        let matter = draft.parse(0, today).unwrap();
        assert_eq!((matter.kind, matter.due.to_string()), (MatterKind::Frequent, "2026-12-31".to_owned()));
        let late = MatterDraft { due: Some("2026-12-01".into()), measures: None, ..draft };
        let refused = late.parse(3, today).unwrap_err();
        let fields: Vec<&str> = refused.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["matters[3].measures", "matters[3].due"]);
    }
}
