//! 对接待人员的投诉 (FED-12, CDR-5): a complaint against a staff member (or against a unit's reception
//! when the person is not known, as for an absence on a duty day) as typed and checked — its kind,
//! how it came in, what happened and when, who complains — and its conclusion: 属实, 部分属实 or
//! 不属实, with the measure taken when it is founded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::identity::PhoneNumber;
use crate::{FieldError, Invalid, ValidationErrors, text};

/// What the complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ComplaintKind {
    /// 态度粗暴.
    Rudeness,
    /// 推诿扯皮.
    Shirking,
    /// 脱岗、缺勤 (FED-8): traced to the person on the rota that day.
    Absence,
    /// 拖延办理.
    Delay,
    /// 收受礼品、宴请或其他好处 (SCH-8).
    Gifts,
    Other,
}

impl ComplaintKind {
    pub const ALL: [ComplaintKind; 6] = [
        ComplaintKind::Rudeness,
        ComplaintKind::Shirking,
        ComplaintKind::Absence,
        ComplaintKind::Delay,
        ComplaintKind::Gifts,
        ComplaintKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintKind::Rudeness => "rudeness",
            ComplaintKind::Shirking => "shirking",
            ComplaintKind::Absence => "absence",
            ComplaintKind::Delay => "delay",
            ComplaintKind::Gifts => "gifts",
            ComplaintKind::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ComplaintKind::Rudeness => "态度粗暴",
            ComplaintKind::Shirking => "推诿扯皮",
            ComplaintKind::Absence => "脱岗缺勤",
            ComplaintKind::Delay => "拖延办理",
            ComplaintKind::Gifts => "收受礼品或好处",
            ComplaintKind::Other => "其他",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<ComplaintKind, FieldError> {
        let raw = raw.trim();
        ComplaintKind::ALL.into_iter().find(|k| k.code() == raw || k.label_zh() == raw).ok_or_else(|| {
            FieldError::new(
                field,
                Invalid::NotAChoice { allowed: "rudeness, shirking, absence, delay, gifts, other".into() },
            )
        })
    }
}

/// How a complaint came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ComplaintSource {
    /// 来电.
    Phone,
    /// 来信.
    Letter,
    /// 来访.
    Visit,
    /// 网上 (the portal).
    Online,
}

impl ComplaintSource {
    pub const ALL: [ComplaintSource; 4] =
        [ComplaintSource::Phone, ComplaintSource::Letter, ComplaintSource::Visit, ComplaintSource::Online];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintSource::Phone => "phone",
            ComplaintSource::Letter => "letter",
            ComplaintSource::Visit => "visit",
            ComplaintSource::Online => "online",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ComplaintSource::Phone => "来电",
            ComplaintSource::Letter => "来信",
            ComplaintSource::Visit => "来访",
            ComplaintSource::Online => "网上",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<ComplaintSource, FieldError> {
        let raw = raw.trim();
        ComplaintSource::ALL.into_iter().find(|k| k.code() == raw || k.label_zh() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: "phone, letter, visit, online".into() })
        })
    }
}

/// A complaint as staff record it from a call, a letter or a visit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintDraft {
    /// The staff member complained about, by login name; left out when the complainant cannot name
    /// them (then `unit` is required; for an absence the rota names them).
    pub staff: Option<String>,
    /// The unit whose reception is complained about (its code), when no staff member is named.
    pub unit: Option<String>,
    /// `rudeness`, `shirking`, `absence`, `delay`, `gifts` or `other`.
    pub kind: Option<String>,
    /// `phone`, `letter` or `visit`.
    pub source: Option<String>,
    /// What happened.
    pub account: Option<String>,
    /// The day it happened (YYYY-MM-DD).
    pub occurred_on: Option<String>,
    /// Who complains, and a phone to answer them on (both optional: a complaint may be anonymous).
    pub complainant: Option<String>,
    pub phone: Option<String>,
}

/// A complaint, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFields {
    pub staff: Option<String>,
    pub unit: Option<String>,
    pub kind: ComplaintKind,
    pub source: ComplaintSource,
    pub account: String,
    pub occurred_on: NaiveDate,
    pub complainant: Option<String>,
    pub phone: Option<String>,
}

impl ComplaintDraft {
    /// The fields, or every mistake on its field.
    pub fn parse(&self, today: NaiveDate) -> Result<ComplaintFields, ValidationErrors> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let account = keep(text::required("account", self.account.as_deref(), text::limits::CONTENT));
        let mut optional = |field: &str, value: Option<&str>, max: usize| {
            text::optional(field, value, max).map_err(|e| errors.push(e)).ok().flatten()
        };
        let staff = optional("staff", self.staff.as_deref(), 40);
        let unit = optional("unit", self.unit.as_deref(), 40);
        let complainant = optional("complainant", self.complainant.as_deref(), text::limits::NAME);
        let phone = optional("phone", self.phone.as_deref(), 40);
        let kind = match self.kind.as_deref() {
            None => Err(FieldError::new("kind", Invalid::Required)),
            Some(raw) => ComplaintKind::parse("kind", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let source = match self.source.as_deref() {
            None => Err(FieldError::new("source", Invalid::Required)),
            Some(raw) => ComplaintSource::parse("source", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let occurred_on = crate::calendar::past_day("occurred_on", self.occurred_on.as_deref(), today)
            .map_err(|e| errors.push(e))
            .ok();
        let phone = match phone.map(|p| PhoneNumber::parse("phone", &p)) {
            Some(Ok(p)) => Some(p.as_str().to_owned()),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        };
        // Not knowing the name, the complainant names the unit.
        if staff.is_none() && unit.is_none() {
            errors.push(FieldError::new("unit", Invalid::Required));
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (kind, source, account, occurred_on) {
            (Some(kind), Some(source), Some(account), Some(occurred_on)) => {
                Ok(ComplaintFields { staff, unit, kind, source, account, occurred_on, complainant, phone })
            }
            _ => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

/// What the investigation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Finding {
    /// 属实.
    Founded,
    /// 部分属实.
    PartlyFounded,
    /// 不属实.
    Unfounded,
}

impl Finding {
    pub const ALL: [Finding; 3] = [Finding::Founded, Finding::PartlyFounded, Finding::Unfounded];

    pub fn code(self) -> &'static str {
        match self {
            Finding::Founded => "founded",
            Finding::PartlyFounded => "partly_founded",
            Finding::Unfounded => "unfounded",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Finding::Founded => "属实",
            Finding::PartlyFounded => "部分属实",
            Finding::Unfounded => "不属实",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Finding, FieldError> {
        let raw = raw.trim();
        Finding::ALL.into_iter().find(|f| f.code() == raw || f.label_zh() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: "founded, partly_founded, unfounded".into() })
        })
    }
}

/// The conclusion as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConclusionDraft {
    /// `founded` (属实), `partly_founded` (部分属实) or `unfounded` (不属实).
    pub finding: Option<String>,
    /// What the investigation found out.
    pub summary: Option<String>,
    /// The measure taken (批评教育, 通报, 调离岗位 …): required unless unfounded.
    pub measure: Option<String>,
}

/// A conclusion, checked: (finding, summary, measure).
pub fn parse_conclusion(draft: &ConclusionDraft) -> Result<(Finding, String, Option<String>), ValidationErrors> {
    let mut errors = Vec::new();
    let finding = match draft.finding.as_deref() {
        None => Err(FieldError::new("finding", Invalid::Required)),
        Some(raw) => Finding::parse("finding", raw),
    }
    .map_err(|e| errors.push(e))
    .ok();
    let summary =
        text::required("summary", draft.summary.as_deref(), text::limits::CONTENT).map_err(|e| errors.push(e)).ok();
    let measure = text::optional("measure", draft.measure.as_deref(), text::limits::REASON)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if finding.is_some_and(|f| f != Finding::Unfounded) && measure.is_none() {
        errors.push(FieldError::new("measure", Invalid::Required));
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors);
    }
    match (finding, summary) {
        (Some(finding), Some(summary)) => Ok((finding, summary, measure)),
        _ => Err(FieldError::new("finding", Invalid::Required).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fed_12_a_complaint_names_a_person_or_a_unit_and_a_founded_one_its_measure() {
        let today: NaiveDate = "2026-12-06".parse().unwrap();
        let draft = ComplaintDraft {
            unit: Some("XS".into()),
            kind: Some("absence".into()),
            source: Some("phone".into()),
            account: Some("周一上午接待室无人".into()),
            occurred_on: Some("2026-11-30".into()),
            ..Default::default()
        };
        let fields = draft.parse(today).unwrap();
        assert_eq!((fields.kind, fields.staff, fields.complainant), (ComplaintKind::Absence, None, None));
        let nobody = ComplaintDraft { unit: None, ..draft.clone() };
        assert_eq!(nobody.parse(today).unwrap_err().first().field, "unit");
        let wrong = ComplaintDraft {
            kind: Some("x".into()),
            phone: Some("12".into()),
            occurred_on: Some("2027-01-01".into()),
            ..draft
        };
        let fields: Vec<String> = wrong.parse(today).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["kind", "occurred_on", "phone"]);

        let founded =
            ConclusionDraft { finding: Some("founded".into()), summary: Some("经查属实".into()), measure: None };
        assert_eq!(parse_conclusion(&founded).unwrap_err().first().field, "measure");
        let unfounded = ConclusionDraft { finding: Some("不属实".into()), ..founded };
        assert_eq!(parse_conclusion(&unfounded).unwrap().0, Finding::Unfounded);
    }
}
