//! The actions' fields as typed (`…Draft`: unknown fields refused) and their checking into values,
//! with a message on the field for each fault.

use crate::limits::LimitRules;
use crate::text::{self, limits};
use crate::{FieldError, Invalid, ValidationErrors};
use serde::Deserialize;

/// The handling opinion (GEN-4) as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionDraft {
    /// `support` (支持), `explain` (解释说明) or `reject` (不予支持).
    pub outcome: Option<String>,
    /// The facts found and the reasons.
    pub facts: Option<String>,
    /// The legal or policy basis.
    pub basis: Option<String>,
    /// The opinion's text to the petitioner.
    pub text: Option<String>,
    /// Articles of the policy library cited as its legal basis, each `policy:number` (`1:32`);
    /// the 处理意见书 prints them (FED-9).
    #[serde(default)]
    pub articles: Vec<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

impl OpinionDraft {
    pub fn parse(&self) -> Result<(crate::event::Outcome, String, String, String), ValidationErrors> {
        use crate::event::Outcome;
        let mut errors = Vec::new();
        let outcome = match self.outcome.as_deref().map(str::trim) {
            Some("support") => Some(Outcome::Support),
            Some("explain") => Some(Outcome::Explain),
            Some("reject") => Some(Outcome::Reject),
            None | Some("") => {
                errors.push(FieldError::new("outcome", Invalid::Required));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(
                    "outcome",
                    Invalid::NotAChoice { allowed: "support, explain, reject".into() },
                ));
                None
            }
        };
        let mut take = |field: &str, v: &Option<String>| {
            text::required(field, v.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok()
        };
        let facts = take("facts", &self.facts);
        let basis = take("basis", &self.basis);
        let body = take("text", &self.text);
        match (ValidationErrors::from_vec(errors), outcome, facts, basis, body) {
            (None, Some(o), Some(f), Some(b), Some(t)) => Ok((o, f, b, t)),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("outcome", Invalid::Required).into()),
        }
    }
}

/// An extension as typed (GEN-4).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtendDraft {
    /// Calendar days added to the handling limit: 1 to the unit's maximum (national: 30).
    pub days: Option<i64>,
    /// Why the limit cannot be met; told to the petitioner in the extension notice.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For records entered after the fact: when it happened (instant or day).
    pub at: Option<String>,
}

/// A reason and the common fields (reject-less actions: register only, object, review request).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReasonDraft {
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 退回修改 as typed: the leader's comment to the drafter.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnOpinionDraft {
    /// What is to be changed, for the drafter (required).
    pub comment: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 当场答复 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerDraft {
    /// The answer given, with the policy or law cited (FED-9).
    pub answer: Option<String>,
    /// Articles of the policy library the answer rests on, each `policy:number` (`1:32`).
    #[serde(default)]
    pub articles: Vec<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 不予受理 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectDraft {
    pub reason: Option<String>,
    /// Where to turn instead: the competent organ, or court / arbitration / administrative review.
    pub channel: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 交办 / 转办 / 上交 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendDraft {
    /// The receiving unit's code (for escalation: optional, default the unit above).
    pub unit: Option<String>,
    /// For an assignment: the person there who will own the case (包案人).
    pub owner: Option<String>,
    /// For an escalation: why.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 评价 as typed (GEN-9).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateDraft {
    /// The petition office: `satisfied`, `basically_satisfied` or `dissatisfied`.
    pub office: Option<String>,
    /// The handling unit, likewise.
    pub unit: Option<String>,
    /// Why: required when either rating is `dissatisfied`, so that the owner can follow it up.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

impl RateDraft {
    /// The two ratings and the reason, checked (GEN-9): a 不满意 says why.
    pub fn parse(&self) -> Result<(crate::event::Rating, crate::event::Rating, Option<String>), ValidationErrors> {
        use crate::event::Rating;
        let mut errors = Vec::new();
        let office = parse_rating("office", &self.office).map_err(|e| errors.extend(e.iter().cloned())).ok();
        let unit = parse_rating("unit", &self.unit).map_err(|e| errors.extend(e.iter().cloned())).ok();
        let reason = text::optional("reason", self.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let dissatisfied = [office, unit].contains(&Some(Rating::Dissatisfied));
        if dissatisfied && reason.as_ref().is_some_and(Option::is_none) {
            errors.push(FieldError::new("reason", Invalid::Required));
        }
        match (ValidationErrors::from_vec(errors), office, unit, reason) {
            (None, Some(office), Some(unit), Some(reason)) => Ok((office, unit, reason)),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("office", Invalid::Required).into()),
        }
    }
}

/// 听证 as typed (TWN-12).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HearingDraft {
    /// First day of the hearing (YYYY-MM-DD).
    pub held_from: Option<String>,
    /// Last day of the hearing (YYYY-MM-DD), the first day or later.
    pub held_to: Option<String>,
    /// Who took part: names, separated by commas, or a list.
    #[serde(default)]
    pub participants: Vec<String>,
    /// The opinions heard.
    pub opinions: Option<String>,
    /// The hearing's conclusion.
    pub conclusion: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A checked hearing: (from, to, participants, opinions, conclusion).
pub type Hearing = (chrono::NaiveDate, chrono::NaiveDate, Vec<String>, String, String);

impl HearingDraft {
    pub fn parse(&self) -> Result<Hearing, ValidationErrors> {
        let mut errors = Vec::new();
        let mut day = |field: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(FieldError::new(field, Invalid::Required));
                None
            }
            Some(raw) => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.push(FieldError::new(field, Invalid::DateFormat)))
                .ok(),
        };
        let from = day("held_from", &self.held_from);
        let to = day("held_to", &self.held_to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(FieldError::new("held_to", Invalid::BeforeEarlierEvent));
        }
        let participants: Vec<String> = self
            .participants
            .iter()
            .flat_map(|p| p.split([',', ',', '、']))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if participants.is_empty() {
            errors.push(FieldError::new("participants", Invalid::Required));
        } else if let Some(e) = participants.iter().find_map(|p| text::check_chars("participants", p).err()) {
            errors.push(e);
        } else if participants.len() > 50 || participants.iter().any(|p| p.chars().count() > limits::NAME) {
            errors.push(FieldError::new("participants", Invalid::TooLong { max: limits::NAME }));
        }
        let opinions =
            text::required("opinions", self.opinions.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok();
        let conclusion =
            text::required("conclusion", self.conclusion.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok();
        match (ValidationErrors::from_vec(errors), from, to, opinions, conclusion) {
            (None, Some(f), Some(t), Some(o), Some(c)) => Ok((f, t, participants, o, c)),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("held_from", Invalid::Required).into()),
        }
    }
}

/// 批示 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstructDraft {
    /// The leader's instruction.
    pub text: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 联系公检法司 as typed (FED-19).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LiaisonDraft {
    /// `public_security` (公安), `procuratorate` (检察院), `court` (法院) or `justice` (司法局).
    pub agency: Option<String>,
    /// What was agreed.
    pub summary: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// The agencies of FED-19, with their names.
pub const AGENCIES: [(&str, &str); 4] =
    [("public_security", "公安机关"), ("procuratorate", "检察院"), ("court", "法院"), ("justice", "司法局")];

/// The agency and summary of a liaison record, checked.
pub fn parse_liaison(draft: &LiaisonDraft) -> Result<(String, String), ValidationErrors> {
    let agency = match draft.agency.as_deref().map(str::trim) {
        Some(a) if AGENCIES.iter().any(|(code, _)| *code == a) => a.to_owned(),
        None | Some("") => return Err(FieldError::new("agency", Invalid::Required).into()),
        Some(_) => {
            let allowed = AGENCIES.map(|(c, _)| c).join(", ");
            return Err(FieldError::new("agency", Invalid::NotAChoice { allowed }).into());
        }
    };
    Ok((agency, required_text("summary", &draft.summary)?))
}

/// 回访 as typed (CDR-3).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnVisitDraft {
    /// `phone` or `in_person`.
    pub method: Option<String>,
    /// What the petitioner said; whether the matter is settled.
    pub outcome: Option<String>,
    /// `satisfied`, `basically_satisfied` or `dissatisfied` (GEN-9).
    pub rating: Option<String>,
    /// Reopen handling (only when dissatisfied).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub reopen: bool,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A boolean from JSON, or from a form's "on"/"true"/"1".
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    Ok(match B::deserialize(d)? {
        B::Bool(b) => b,
        B::Text(t) => matches!(t.as_str(), "on" | "true" | "1"),
    })
}

/// 回避 as typed: who stands aside (a login name; left out, the caller themselves) and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecuseDraft {
    /// The login name of who stands aside: the caller's own to declare their interest, another's
    /// (a leader, supervisor or administrator) to order it. Required.
    pub user: Option<String>,
    /// The direct interest (亲属关系, 利害关系, …): required.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 包案领导 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaderDraft {
    /// The leader's username.
    pub leader: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A return visit's fields, checked: (method, outcome, rating, reopen).
pub fn parse_return_visit(
    draft: &ReturnVisitDraft,
) -> Result<(String, String, crate::event::Rating, bool), ValidationErrors> {
    let method = match draft.method.as_deref().map(str::trim) {
        Some(m @ ("phone" | "in_person")) => m.to_owned(),
        None | Some("") => return Err(FieldError::new("method", Invalid::Required).into()),
        Some(_) => {
            return Err(FieldError::new("method", Invalid::NotAChoice { allowed: "phone, in_person".into() }).into());
        }
    };
    let outcome = required_text("outcome", &draft.outcome)?;
    let rating = parse_rating("rating", &draft.rating)?;
    if draft.reopen && rating != crate::event::Rating::Dissatisfied {
        return Err(FieldError::new("reopen", Invalid::NotAChoice { allowed: "dissatisfied".into() }).into());
    }
    Ok((method, outcome, rating, draft.reopen))
}

/// A required text of an action.
pub fn required_text(field: &str, value: &Option<String>) -> Result<String, ValidationErrors> {
    text::required(field, value.as_deref(), limits::REASON).map_err(Into::into)
}

/// A rating as typed.
pub fn parse_rating(field: &str, value: &Option<String>) -> Result<crate::event::Rating, ValidationErrors> {
    use crate::event::Rating;
    match value.as_deref().map(str::trim) {
        Some("satisfied") => Ok(Rating::Satisfied),
        Some("basically_satisfied") => Ok(Rating::BasicallySatisfied),
        Some("dissatisfied") => Ok(Rating::Dissatisfied),
        None | Some("") => Err(FieldError::new(field, Invalid::Required).into()),
        Some(_) => Err(FieldError::new(
            field,
            Invalid::NotAChoice { allowed: "satisfied, basically_satisfied, dissatisfied".into() },
        )
        .into()),
    }
}

/// 更正被反映对象 as typed (GEN-7): the person or unit accused, set or corrected after registration.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetAccusedDraft {
    /// The person or unit accused, as named.
    pub name: Option<String>,
    /// The accused unit's code; empty when no unit of ours is accused.
    pub unit: Option<String>,
    /// The login name of the staff member accused; empty when none of ours is.
    pub user: Option<String>,
    /// Why the accused is set or corrected.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

impl SetAccusedDraft {
    /// The fields checked.
    pub fn parse(&self) -> Result<(crate::case::Accused, String), ValidationErrors> {
        let mut errors = Vec::new();
        let user = match self.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => Some(None),
            Some(raw) => crate::user::Username::parse("user", raw)
                .map(|u| Some(u.as_str().to_owned()))
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let name = text::optional("name", self.name.as_deref(), limits::NAME * 2).map_err(|e| errors.push(e)).ok();
        let unit = match self.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => Some(None),
            Some(raw) => crate::unit::UnitCode::parse("unit", raw).map(Some).map_err(|e| errors.push(e)).ok(),
        };
        let reason = text::required("reason", self.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        match (name, unit, user, reason) {
            (Some(name), Some(unit), Some(user), Some(reason)) if errors.is_empty() => {
                Ok((crate::case::Accused { name, unit, user }, reason))
            }
            _ => Err(ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("reason", Invalid::Required).into())),
        }
    }
}

/// A flag as typed by staff.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlagDraft {
    /// `repeat`, `skip_level`, `final_matter`, `collective`, `joint`, `major_urgent`, `law_litigation`
    pub flag: Option<String>,
    /// Case numbers of the related cases (for `collective`: the cases linked as one matter).
    #[serde(default)]
    pub related: Vec<String>,
    /// For `skip_level`: the unit responsible for the problem's place.
    pub against_unit: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// Taking a flag off, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClearFlagDraft {
    pub flag: Option<String>,
    /// Why the flag is wrong, or (for `final_matter`) the new facts and reasons.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// The fields of an extension, checked against the unit's maximum.
pub fn parse_extension(draft: &ExtendDraft, rules: &LimitRules) -> Result<(u32, String), ValidationErrors> {
    let max = rules.extension_max_days();
    let mut errors = Vec::new();
    let days = match draft.days {
        None => {
            errors.push(FieldError::new("days", Invalid::Required));
            None
        }
        Some(d) if d >= 1 && d <= i64::from(max) => u32::try_from(d).ok(),
        Some(_) => {
            errors.push(FieldError::new("days", Invalid::OutOfRange { min: 1, max: i64::from(max) }));
            None
        }
    };
    let reason = text::required("reason", draft.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
    match (ValidationErrors::from_vec(errors), days, reason) {
        (None, Some(days), Some(reason)) => Ok((days, reason)),
        (Some(errors), _, _) => Err(errors),
        _ => Err(FieldError::new("days", Invalid::Required).into()),
    }
}
