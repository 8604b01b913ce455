//! Which action may be taken on a case, by whom, in which state: the guards of the case's life.
//! An action that passes becomes the event to append; one that does not is refused with a reason
//! and changes nothing. (This module grows with the lifecycle: sorting, handling, review.)

use serde::Deserialize;

use crate::event::{CaseState, Event, EventData, Status};
use crate::limits::LimitRules;
use crate::text::{self, limits};
use crate::user::Role;
use crate::{FieldError, Invalid, Lang, ValidationErrors};

/// Why an action was refused though its fields were well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("wrong state")]
    WrongState { action: &'static str, status: Status },
    #[error("wrong role")]
    Role { action: &'static str, role: Role },
    #[error("already extended")]
    AlreadyExtended,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongState { .. } => "wrong_state",
            Refusal::Role { .. } => "forbidden",
            Refusal::AlreadyExtended => "already_extended",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::WrongState { action, status }, Lang::Zh) => {
                format!("信访件当前为“{}”,不能{}", status.label_zh(), action_label_zh(action))
            }
            (Refusal::WrongState { action, status }, Lang::En) => {
                format!("The case is {}; it cannot be {action}ed now", status.code())
            }
            (Refusal::Role { action, role }, Lang::Zh) => {
                format!("{}无权{}", role.label_zh(), action_label_zh(action))
            }
            (Refusal::Role { action, role }, Lang::En) => format!("A {} may not {action}", role.code()),
            (Refusal::AlreadyExtended, Lang::Zh) => "办理期限只能延长一次,本件已延期".into(),
            (Refusal::AlreadyExtended, Lang::En) => "The handling limit may be extended once only; it was".into(),
        }
    }
}

fn action_label_zh(action: &str) -> &'static str {
    match action {
        "accept" => "受理",
        "extend" => "延长办理期限",
        _ => "执行此操作",
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

/// 受理: a registered case is accepted by the unit (officers, leaders, supervisors, administrators).
pub fn accept(state: &CaseState, role: Role) -> Result<EventData, Refusal> {
    if !role.can_register() {
        return Err(Refusal::Role { action: "accept", role });
    }
    if state.status != Status::Registered {
        return Err(Refusal::WrongState { action: "accept", status: state.status });
    }
    Ok(EventData::Accepted {})
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

/// 延期 (GEN-4): once, by a leader (the unit's head), while the case is being handled.
pub fn extend(
    state: &CaseState,
    events: &[Event],
    role: Role,
    days: u32,
    reason: String,
) -> Result<EventData, Refusal> {
    if role != Role::Leader {
        return Err(Refusal::Role { action: "extend", role });
    }
    if state.status != Status::Accepted {
        return Err(Refusal::WrongState { action: "extend", status: state.status });
    }
    if events.iter().any(|e| matches!(e.data, EventData::Extended { .. })) {
        return Err(Refusal::AlreadyExtended);
    }
    Ok(EventData::Extended { days, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn state(status: Status) -> CaseState {
        CaseState {
            status,
            case_number: "XS-2026-000001".into(),
            first_receiver: "a".into(),
            owner: "a".into(),
            holding_unit: "XS".into(),
            flags: BTreeSet::new(),
            reported_to: Vec::new(),
        }
    }

    #[test]
    fn gen_3_accept_only_a_registered_case_and_not_as_handler() {
        assert_eq!(accept(&state(Status::Registered), Role::Officer), Ok(EventData::Accepted {}));
        assert_eq!(accept(&state(Status::Registered), Role::Handler).unwrap_err().code(), "forbidden");
        assert_eq!(accept(&state(Status::Accepted), Role::Officer).unwrap_err().code(), "wrong_state");
    }

    #[test]
    fn gen_4_extension_once_by_a_leader_within_the_maximum() {
        let rules = LimitRules::national();
        let draft =
            |days| ExtendDraft { days: Some(days), reason: Some("需要现场勘验".into()), ..Default::default() };
        assert_eq!(parse_extension(&draft(30), &rules).unwrap().0, 30);
        assert_eq!(parse_extension(&draft(31), &rules).unwrap_err().first().code(), "out_of_range");
        assert_eq!(parse_extension(&draft(0), &rules).unwrap_err().first().code(), "out_of_range");
        assert_eq!(parse_extension(&ExtendDraft::default(), &rules).unwrap_err().iter().count(), 2);
        let s = state(Status::Accepted);
        assert!(extend(&s, &[], Role::Leader, 30, "r".into()).is_ok());
        assert_eq!(extend(&s, &[], Role::Officer, 30, "r".into()).unwrap_err().code(), "forbidden");
        assert_eq!(
            extend(&state(Status::Registered), &[], Role::Leader, 30, "r".into()).unwrap_err().code(),
            "wrong_state"
        );
        let earlier = Event {
            seq: 3,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: "l".into(),
            note: None,
            data: EventData::Extended { days: 10, reason: "r".into() },
        };
        assert_eq!(extend(&s, &[earlier], Role::Leader, 5, "r".into()).unwrap_err(), Refusal::AlreadyExtended);
        assert!(Refusal::AlreadyExtended.message(Lang::Zh).contains("一次"));
    }
}
