//! 对接待人员的投诉 (FED-12, CDR-5): a complaint against a staff member (or against a unit's reception
//! when the person is not known, as for an absence on a duty day) as typed and checked — its kind,
//! how it came in, what happened and when, who complains — and its conclusion: 属实, 部分属实 or
//! 不属实, with the measure taken when it is founded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{CaseNumber, QueryCode};
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
        let facts = ComplaintFacts::parse(
            [&self.kind, &self.account, &self.occurred_on, &self.complainant, &self.phone],
            today,
            &mut errors,
        );
        let mut optional = |field: &str, value: Option<&str>, max: usize| {
            text::optional(field, value, max).map_err(|e| errors.push(e)).ok().flatten()
        };
        let staff = optional("staff", self.staff.as_deref(), 40);
        let unit = optional("unit", self.unit.as_deref(), 40);
        let source = match self.source.as_deref() {
            None => Err(FieldError::new("source", Invalid::Required)),
            Some(raw) => ComplaintSource::parse("source", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        // Not knowing the name, the complainant names the unit.
        if staff.is_none() && unit.is_none() {
            errors.push(FieldError::new("unit", Invalid::Required));
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (facts, source) {
            (Some(f), Some(source)) => Ok(ComplaintFields {
                staff,
                unit,
                kind: f.kind,
                source,
                account: f.account,
                occurred_on: f.occurred_on,
                complainant: f.complainant,
                phone: f.phone,
            }),
            _ => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

/// What every complaint says, however it came in: its kind, what happened and when, who complains.
struct ComplaintFacts {
    kind: ComplaintKind,
    account: String,
    occurred_on: NaiveDate,
    complainant: Option<String>,
    phone: Option<String>,
}

impl ComplaintFacts {
    /// `[kind, account, occurred_on, complainant, phone]` as typed; the mistakes go to `errors`.
    fn parse(
        [kind, account, occurred_on, complainant, phone]: [&Option<String>; 5],
        today: NaiveDate,
        errors: &mut Vec<FieldError>,
    ) -> Option<ComplaintFacts> {
        let account =
            text::required("account", account.as_deref(), text::limits::CONTENT).map_err(|e| errors.push(e)).ok();
        let complainant = text::optional("complainant", complainant.as_deref(), text::limits::NAME)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let phone = text::optional("phone", phone.as_deref(), 40).map_err(|e| errors.push(e)).ok().flatten();
        let kind = match kind.as_deref() {
            None => Err(FieldError::new("kind", Invalid::Required)),
            Some(raw) => ComplaintKind::parse("kind", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let occurred_on =
            crate::calendar::past_day("occurred_on", occurred_on.as_deref(), today).map_err(|e| errors.push(e)).ok();
        let phone = match phone.map(|p| PhoneNumber::parse("phone", &p)) {
            Some(Ok(p)) => Some(p.as_str().to_owned()),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        };
        Some(ComplaintFacts { kind: kind?, account: account?, occurred_on: occurred_on?, complainant, phone })
    }
}

/// A complaint filed by the public on the portal: the staff member named by the credential number
/// on their name plate or receipt (亮证, FED-4) or by the name the complainant knows them by, or
/// only the unit; optionally the complainant's own case, by its number and query code, which links
/// the complaint to it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicComplaintDraft {
    /// The unit whose reception is complained about (its code); may be left out when a case is named
    /// (its registering unit) or a credential number (the staff member's unit).
    pub unit: Option<String>,
    /// The staff member's credential number (工作证号), as printed on the name plate and the receipt.
    pub staff_credential: Option<String>,
    /// The staff member's name as the complainant knows it, when they do not have the number.
    pub staff_name: Option<String>,
    pub kind: Option<String>,
    pub account: Option<String>,
    pub occurred_on: Option<String>,
    pub complainant: Option<String>,
    pub phone: Option<String>,
    /// The complainant's own case, with its query code (both or neither).
    pub case_number: Option<String>,
    pub query_code: Option<String>,
}

/// A public complaint, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicComplaintFields {
    pub unit: Option<String>,
    pub staff_credential: Option<String>,
    pub staff_name: Option<String>,
    pub kind: ComplaintKind,
    pub account: String,
    pub occurred_on: NaiveDate,
    pub complainant: Option<String>,
    pub phone: Option<String>,
    pub case: Option<(CaseNumber, QueryCode)>,
}

impl PublicComplaintDraft {
    /// The fields, or every mistake on its field.
    pub fn parse(&self, today: NaiveDate) -> Result<PublicComplaintFields, ValidationErrors> {
        let mut errors = Vec::new();
        let facts = ComplaintFacts::parse(
            [&self.kind, &self.account, &self.occurred_on, &self.complainant, &self.phone],
            today,
            &mut errors,
        );
        let mut optional = |field: &str, value: Option<&str>, max: usize| {
            text::optional(field, value, max).map_err(|e| errors.push(e)).ok().flatten()
        };
        let unit = optional("unit", self.unit.as_deref(), 40);
        let staff_credential = optional("staff_credential", self.staff_credential.as_deref(), 40);
        let staff_name = optional("staff_name", self.staff_name.as_deref(), text::limits::NAME);
        let case_number = optional("case_number", self.case_number.as_deref(), 40);
        let query_code = optional("query_code", self.query_code.as_deref(), 20);
        let case = match (case_number, query_code) {
            (None, None) => None,
            (Some(_), None) => {
                errors.push(FieldError::new("query_code", Invalid::Required));
                None
            }
            (None, Some(_)) => {
                errors.push(FieldError::new("case_number", Invalid::Required));
                None
            }
            (Some(number), Some(code)) => match (CaseNumber::parse(&number), QueryCode::parse(&code)) {
                (Some(number), Some(code)) => Some((number, code)),
                // Said as a wrong pair is said: nothing tells which of the two is wrong.
                _ => {
                    errors.push(FieldError::new("case_number", Invalid::CaseNotMatched));
                    None
                }
            },
        };
        let typed = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let names_someone = [&self.unit, &self.staff_credential, &self.case_number].into_iter().any(typed);
        if !names_someone {
            errors.push(FieldError::new("unit", Invalid::Required));
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        let f = facts.ok_or_else(|| ValidationErrors::from(FieldError::new("kind", Invalid::Required)))?;
        Ok(PublicComplaintFields {
            unit,
            staff_credential,
            staff_name,
            kind: f.kind,
            account: f.account,
            occurred_on: f.occurred_on,
            complainant: f.complainant,
            phone: f.phone,
            case,
        })
    }
}

/// A complaint's number as its complainant is given it: `TS2026-000012`, the year it was received
/// and its record's number; looked up with the query code given with it. No case number has this
/// shape (a case's is `UNIT-YEAR-SEQ`, with two hyphens), so neither lookup takes the other's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintNumber {
    pub year: i32,
    pub id: i64,
}

impl ComplaintNumber {
    /// Accepts what a complainant types: any case, surrounding blanks.
    pub fn parse(raw: &str) -> Option<ComplaintNumber> {
        let s = raw.trim().to_ascii_uppercase();
        let rest = s.strip_prefix("TS")?;
        let (year, id) = rest.split_once('-')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || id.len() < 6 || id.len() > 12 || !digits(id) {
            return None;
        }
        Some(ComplaintNumber { year: year.parse().ok()?, id: id.parse().ok()? })
    }
}

impl std::fmt::Display for ComplaintNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TS{:04}-{:06}", self.year, self.id)
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

    #[test]
    fn fed_12_the_public_names_a_credential_a_unit_or_their_case_with_its_code() {
        let today: NaiveDate = "2026-12-06".parse().unwrap();
        let draft = PublicComplaintDraft {
            staff_credential: Some(" XS-007 ".into()),
            kind: Some("rudeness".into()),
            account: Some("接待时态度恶劣".into()),
            occurred_on: Some("2026-12-01".into()),
            ..Default::default()
        };
        let fields = draft.parse(today).unwrap();
        assert_eq!((fields.staff_credential.as_deref(), fields.unit, fields.case), (Some("XS-007"), None, None));
        let nothing = PublicComplaintDraft { staff_credential: None, ..draft.clone() };
        assert_eq!(nothing.parse(today).unwrap_err().first().field, "unit");
        let half = PublicComplaintDraft { case_number: Some("XS-2026-000001".into()), ..nothing.clone() };
        assert_eq!(half.parse(today).unwrap_err().first().field, "query_code");
        let case = PublicComplaintDraft { query_code: Some("1234-5678".into()), ..half.clone() };
        let (number, code) = case.parse(today).unwrap().case.unwrap();
        assert_eq!((number.as_str(), code.digits()), ("XS-2026-000001", "12345678"));
        let malformed = PublicComplaintDraft { query_code: Some("12".into()), ..half };
        let e = malformed.parse(today).unwrap_err();
        assert_eq!((e.first().field.as_str(), e.first().code()), ("case_number", "case_not_matched"));
        let nul = PublicComplaintDraft { account: Some("a\0b".into()), ..draft };
        assert_eq!(nul.parse(today).unwrap_err().first().field, "account");
    }

    #[test]
    fn fed_12_complaint_numbers_read_back() {
        let n = ComplaintNumber { year: 2026, id: 12 };
        assert_eq!(n.to_string(), "TS2026-000012");
        assert_eq!(ComplaintNumber::parse(" ts2026-000012 "), Some(n));
        assert_eq!(ComplaintNumber::parse("TS2026-0000012").map(|n| n.to_string()).as_deref(), Some("TS2026-000012"));
        for bad in
            ["TS2026-12", "TS-2026-000012", "XS2026-000012", "TS26-000012", "TS2026-00001a", "TS2026-0000000000001"]
        {
            assert_eq!(ComplaintNumber::parse(bad), None, "{bad}");
        }
        assert!(crate::case::CaseNumber::parse("TS2026-000012").is_none(), "never a case number");
    }
}
