//! 业务培训 (FED-14: petition staff trained every half year): a training session as typed and checked
//! (day, topic, hours, trainer, who attended, the material), and when a staff member's training is
//! due again by the unit's interval (a limit of the unit's rules, `training_interval`, 183 日 by
//! default).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::calendar::{Calendar, Limit, due_date};
use crate::user::Username;
use crate::{FieldError, Invalid, ValidationErrors, text};

/// The most people one session lists.
pub const MAX_ATTENDEES: usize = 500;

/// A training session as typed (API body or form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingDraft {
    /// The unit that held it (its code); default the caller's own.
    pub unit: Option<String>,
    /// The day it was held (YYYY-MM-DD); not in the future.
    pub held_on: Option<String>,
    pub topic: Option<String>,
    /// Its length in hours, to a tenth (0.5 … 200).
    pub hours: Option<f64>,
    /// Who gave it.
    pub trainer: Option<String>,
    /// Who attended, by login name.
    pub attendees: Option<Vec<String>>,
    /// The material: its title, or where it is kept.
    pub material: Option<String>,
}

/// A training session, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingFields {
    pub held_on: NaiveDate,
    pub topic: String,
    /// Tenths of an hour.
    pub tenths: u32,
    pub trainer: String,
    pub attendees: Vec<Username>,
    pub material: Option<String>,
}

impl TrainingDraft {
    /// The fields, or every mistake on its field (`attendees[2]`). `today` is the last day a session
    /// may be dated.
    pub fn parse(&self, today: NaiveDate) -> Result<TrainingFields, ValidationErrors> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let topic = keep(text::required("topic", self.topic.as_deref(), text::limits::REASON));
        let trainer = keep(text::required("trainer", self.trainer.as_deref(), text::limits::NAME * 2));
        let held_on =
            crate::calendar::past_day("held_on", self.held_on.as_deref(), today).map_err(|e| errors.push(e)).ok();
        let tenths = match self.hours {
            None => {
                errors.push(FieldError::new("hours", Invalid::Required));
                None
            }
            Some(h) if h.is_finite() && (0.5..=200.0).contains(&h) => Some((h * 10.0).round() as u32),
            Some(_) => {
                errors.push(FieldError::new("hours", Invalid::OutOfRange { min: 1, max: 200 }));
                None
            }
        };
        let material = text::optional("material", self.material.as_deref(), text::limits::REASON)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let raw = self.attendees.clone().unwrap_or_default();
        if raw.is_empty() {
            errors.push(FieldError::new("attendees", Invalid::Required));
        }
        if raw.len() > MAX_ATTENDEES {
            errors.push(FieldError::new("attendees", Invalid::TooLong { max: MAX_ATTENDEES }));
        }
        let mut attendees: Vec<Username> = Vec::new();
        for (i, name) in raw.iter().enumerate().take(MAX_ATTENDEES) {
            match Username::parse(&format!("attendees[{i}]"), name) {
                Ok(u) if attendees.contains(&u) => {
                    errors.push(FieldError::new(format!("attendees[{i}]"), Invalid::AlreadyExists));
                }
                Ok(u) => attendees.push(u),
                Err(e) => errors.push(e),
            }
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (held_on, topic, tenths, trainer) {
            (Some(held_on), Some(topic), Some(tenths), Some(trainer)) => {
                Ok(TrainingFields { held_on, topic, tenths, trainer, attendees, material })
            }
            _ => Err(FieldError::new("topic", Invalid::Required).into()),
        }
    }
}

/// The day a staff member's training is due again: the interval counted from their last session,
/// or, never trained, from the day they were added (a new officer is trained within the interval
/// too). Due once that day has passed.
pub fn training_due_on(calendar: &Calendar, last: Option<NaiveDate>, since: NaiveDate, interval: Limit) -> NaiveDate {
    due_date(calendar, last.unwrap_or(since), interval).date
}

/// Hours from tenths, as people write them: `2`, `2.5`.
pub fn hours_text(tenths: u32) -> String {
    if tenths.is_multiple_of(10) { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn fed_14_a_session_is_checked_field_by_field() {
        let draft = TrainingDraft {
            unit: None,
            held_on: Some("2026-06-15".into()),
            topic: Some("《信访工作条例》解读".into()),
            hours: Some(2.5),
            trainer: Some("县信访局 李科长".into()),
            attendees: Some(vec!["wang".into(), "Liu".into()]),
            material: None,
        };
        let fields = draft.parse(day("2026-12-06")).unwrap();
        assert_eq!((fields.tenths, hours_text(fields.tenths)), (25, "2.5".to_owned()));
        assert_eq!(fields.attendees.iter().map(Username::as_str).collect::<Vec<_>>(), ["wang", "liu"]);
        let wrong = TrainingDraft {
            held_on: Some("2027-01-01".into()),
            hours: Some(f64::NAN),
            attendees: Some(vec!["wang".into(), "WANG".into(), "\u{0}".into()]),
            ..Default::default()
        };
        let errors = wrong.parse(day("2026-12-06")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["topic", "trainer", "held_on", "hours", "attendees[1]", "attendees[2]"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        let none = TrainingDraft { attendees: Some(Vec::new()), ..draft };
        assert_eq!(none.parse(day("2026-12-06")).unwrap_err().first().field, "attendees");
    }

    #[test]
    fn fed_14_training_is_due_again_after_the_interval() {
        let calendar = Calendar::new();
        let half_year = Limit::CalendarDays(183);
        // 2026-06-15 + 183 days = 2026-12-15, a Tuesday.
        assert_eq!(
            training_due_on(&calendar, Some(day("2026-06-15")), day("2020-01-01"), half_year),
            day("2026-12-15")
        );
        // Never trained: counted from the day the account was added.
        assert_eq!(training_due_on(&calendar, None, day("2026-06-15"), half_year), day("2026-12-15"));
    }
}
