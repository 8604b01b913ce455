//! 接访活动 (TWN-6, TWN-8, TWN-9, TWN-10): one reception by leaders — a leader's reception day, a
//! joint reception by several leaders, an appointment visit (约访) with a key petitioner
//! (重点信访人, named with the reason they are one) or a home visit (下访) — with its leaders, place,
//! day and hours. A visit registered in a session carries its leaders, and only such a visit is
//! given the 领导干部接待群众来访登记表 (TWN-10).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{limits, optional, required};
use crate::{FieldError, Invalid, ValidationErrors};

/// What kind of reception a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionKind {
    /// 领导接访日: a leader receives at the fixed place on the day of the month's table.
    LeaderDay,
    /// 联合接访: several leaders (of the unit and of the departments) receive together.
    Joint,
    /// 约访: a leader receives a key petitioner by appointment.
    Appointment,
    /// 下访: a leader goes to the petitioner or the village.
    HomeVisit,
}

impl SessionKind {
    pub const ALL: [SessionKind; 4] =
        [SessionKind::LeaderDay, SessionKind::Joint, SessionKind::Appointment, SessionKind::HomeVisit];

    pub fn code(self) -> &'static str {
        match self {
            SessionKind::LeaderDay => "leader_day",
            SessionKind::Joint => "joint",
            SessionKind::Appointment => "appointment",
            SessionKind::HomeVisit => "home_visit",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SessionKind::LeaderDay => "领导接访日",
            SessionKind::Joint => "联合接访",
            SessionKind::Appointment => "约访",
            SessionKind::HomeVisit => "下访",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<SessionKind, FieldError> {
        SessionKind::ALL.into_iter().find(|k| k.code() == raw.trim()).ok_or_else(|| {
            let allowed = SessionKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ");
            FieldError::new(field, Invalid::NotAChoice { allowed })
        })
    }
}

/// A session as typed (API body or form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionSessionDraft {
    /// `leader_day`, `joint`, `appointment` or `home_visit`.
    pub kind: Option<String>,
    /// `YYYY-MM-DD`.
    pub day: Option<String>,
    /// The receiving leaders by login name: two or more for a joint reception.
    pub leaders: Option<Vec<String>>,
    /// Where (接访地点): the fixed reception place (TWN-8), or for a home visit the village or address.
    pub venue: Option<String>,
    /// `HH:MM`, optional.
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// 约访 (and optionally 下访): the key petitioner received (重点信访人), by name.
    pub key_petitioner: Option<String>,
    /// 约访 (and 下访 to a key petitioner): why they are one (e.g. 多次越级上访、长期未化解).
    pub key_reason: Option<String>,
    /// 约访 or 下访: the key petitioner by their line on a register of key petitioners, whose name and reason
    /// are then taken (for those who keep the registers: supervisors, leaders, administrators).
    pub key_petitioner_id: Option<i64>,
    pub note: Option<String>,
}

/// A session's fields as checked: the leaders still by login name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFields {
    pub kind: SessionKind,
    pub day: NaiveDate,
    pub leaders: Vec<String>,
    pub place: String,
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// 约访 (required) or 下访 (optional): the key petitioner and the reason they are one.
    pub key_petitioner: Option<(String, String)>,
    pub note: Option<String>,
}

impl ReceptionSessionDraft {
    /// The fields, or every mistake on its field: a joint reception names two leaders or more, an
    /// appointment names its key petitioner and the reason; a leader twice, a day not a day, an end
    /// before the start are refused.
    pub fn parse(&self) -> Result<SessionFields, ValidationErrors> {
        let mut errors = Vec::new();
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => Err(FieldError::new("kind", Invalid::Required)),
            Some(raw) => SessionKind::parse("kind", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let day = match self.day.as_deref().map(str::trim) {
            None | Some("") => Err(FieldError::new("day", Invalid::Required)),
            Some(raw) => {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new("day", Invalid::DateFormat))
            }
        }
        .map_err(|e| errors.push(e))
        .ok();
        let mut leaders: Vec<String> = Vec::new();
        let typed: Vec<&str> = self.leaders.iter().flatten().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
        if typed.is_empty() {
            errors.push(FieldError::new("leaders", Invalid::Required));
        }
        if typed.len() > crate::reception::MAX_LEADERS {
            errors.push(FieldError::new("leaders", Invalid::TooLong { max: crate::reception::MAX_LEADERS }));
        }
        for raw in typed.iter().take(crate::reception::MAX_LEADERS) {
            match crate::user::Username::parse("leaders", raw) {
                Ok(u) if leaders.iter().any(|l| l == u.as_str()) => {
                    errors.push(FieldError::new("leaders", Invalid::AlreadyExists));
                }
                Ok(u) => leaders.push(u.as_str().to_owned()),
                Err(e) => errors.push(e),
            }
        }
        if kind == Some(SessionKind::Joint) && typed.len() == 1 {
            let allowed = "两位及以上领导(联合接访)".to_owned();
            errors.push(FieldError::new("leaders", Invalid::NotAChoice { allowed }));
        }
        let place = required("venue", self.venue.as_deref(), limits::PLACE)
            .and_then(|p| {
                if p.contains(['\n', '\r', '\t']) {
                    Err(FieldError::new("venue", Invalid::ControlCharacter))
                } else {
                    Ok(p)
                }
            })
            .map_err(|e| errors.push(e))
            .ok();
        let clock = |field: &str, raw: Option<&str>| {
            crate::reception::clock(field, raw).map(|t| t.map(|t| t.format("%H:%M").to_string()))
        };
        let starts = clock("starts", self.starts.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        let ends = clock("ends", self.ends.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        if let (Some(s), Some(e)) = (&starts, &ends)
            && e <= s
        {
            errors.push(FieldError::new("ends", Invalid::HoursFormat));
        }
        let person =
            optional("key_petitioner", self.key_petitioner.as_deref(), limits::NAME).map_err(|e| errors.push(e));
        let reason = optional("key_reason", self.key_reason.as_deref(), limits::REASON).map_err(|e| errors.push(e));
        // TWN-8: an appointment is with a key petitioner; a home visit may be to one (or to a village
        // over a grave matter). Named, a key petitioner comes with the reason.
        let key_petitioner = match (kind, person, reason) {
            (Some(kind @ (SessionKind::Appointment | SessionKind::HomeVisit)), Ok(p), Ok(r)) => {
                let required = kind == SessionKind::Appointment || p.is_some() || r.is_some();
                if required && p.is_none() {
                    errors.push(FieldError::new("key_petitioner", Invalid::Required));
                }
                if required && r.is_none() {
                    errors.push(FieldError::new("key_reason", Invalid::Required));
                }
                p.zip(r)
            }
            _ => None,
        };
        let note = optional("note", self.note.as_deref(), limits::NOTE).map_err(|e| errors.push(e)).ok().flatten();
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (kind, day, place) {
            (Some(kind), Some(day), Some(place)) => {
                Ok(SessionFields { kind, day, leaders, place, starts, ends, key_petitioner, note })
            }
            _ => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

/// A session a visit was registered in, as the registration keeps it: which session, what kind,
/// and its leaders by login name (the TWN-10 register prints them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRef {
    pub id: i64,
    pub kind: SessionKind,
    pub leaders: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, leaders: &[&str]) -> ReceptionSessionDraft {
        ReceptionSessionDraft {
            kind: Some(kind.into()),
            day: Some("2026-12-10".into()),
            leaders: Some(leaders.iter().map(|l| (*l).to_owned()).collect()),
            venue: Some("镇信访接待室".into()),
            ..Default::default()
        }
    }

    #[test]
    fn twn_10_a_session_names_its_leaders_and_kind() {
        let fields = draft("leader_day", &["lizhen"]).parse().unwrap();
        assert_eq!((fields.kind, fields.leaders.as_slice()), (SessionKind::LeaderDay, &["lizhen".to_owned()][..]));
        let err = draft("joint", &["lizhen"]).parse().unwrap_err();
        assert_eq!(err.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["leaders"], "a joint reception has two");
        assert!(draft("joint", &["lizhen", "xianzhang"]).parse().is_ok());
        let err = draft("picnic", &["lizhen", "lizhen"]).parse().unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "leaders"]);
    }

    #[test]
    fn twn_9_an_appointment_names_the_key_petitioner_and_why() {
        let err = draft("appointment", &["lizhen"]).parse().unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["key_petitioner", "key_reason"]);
        let mut ok = draft("appointment", &["lizhen"]);
        ok.key_petitioner = Some("张某".into());
        ok.key_reason = Some("多次越级上访".into());
        assert_eq!(ok.parse().unwrap().key_petitioner, Some(("张某".into(), "多次越级上访".into())));
        // A leader's reception day keeps no key petitioner.
        let mut other = draft("leader_day", &["lizhen"]);
        other.key_petitioner = Some("张某".into());
        assert_eq!(other.parse().unwrap().key_petitioner, None);
    }

    #[test]
    fn twn_8_a_home_visit_may_be_to_a_key_petitioner_named_with_the_reason() {
        assert_eq!(draft("home_visit", &["lizhen"]).parse().unwrap().key_petitioner, None, "or to a village");
        let mut named = draft("home_visit", &["lizhen"]);
        named.key_petitioner = Some("张某".into());
        let err = named.parse().unwrap_err();
        assert_eq!(err.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["key_reason"]);
        named.key_reason = Some("诉求长期未化解".into());
        assert_eq!(named.parse().unwrap().key_petitioner, Some(("张某".into(), "诉求长期未化解".into())));
    }
}
