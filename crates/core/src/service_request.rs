//! 办事 (CDR-4, CDR-2, FED-1): a resident's request for a service rather than a petition — a
//! certificate, a form, a question of procedure. The first staff member asked takes it, as a
//! petition; what is theirs they do on the spot, what is not they guide to the cadre responsible,
//! who records it done. It is not a petition: it has no case number, no limits of the regulation
//! and no place in the petition measures (GEN-9). This module holds a request as typed and checked.

use serde::Deserialize;

use crate::text::{self, limits};
use crate::user::Username;
use crate::{FieldError, Invalid, ValidationErrors};

/// A service request as the first receiver types it: `result` when done on the spot, `cadre` (a
/// login name) when guided to the cadre responsible — one of the two.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRequestDraft {
    /// The resident, as they give their name (optional: a service needs none).
    pub resident: Option<String>,
    /// What they came to have done.
    pub matter: Option<String>,
    /// Done on the spot: what was done.
    pub result: Option<String>,
    /// Guided to the cadre responsible: their login name.
    pub cadre: Option<String>,
}

/// What became of a request when it was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposal {
    /// 当场办理: done by the first receiver, with what was done.
    Done { result: String },
    /// 引导到有关干部处办理: guided to the cadre responsible, who records it done.
    Guided { cadre: Username },
}

/// A service request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRequest {
    pub resident: Option<String>,
    pub matter: String,
    pub disposal: Disposal,
}

impl ServiceRequestDraft {
    /// The request, or every mistake on its field.
    pub fn parse(&self) -> Result<ServiceRequest, ValidationErrors> {
        let mut errors = Vec::new();
        let resident = text::optional("resident", self.resident.as_deref(), limits::NAME)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let matter = text::required("matter", self.matter.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let result = text::optional("result", self.result.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let cadre = match self.cadre.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => Username::parse("cadre", raw).map_err(|e| errors.push(e)).ok(),
        };
        let disposal = match (result.flatten(), cadre) {
            (Some(result), None) => Some(Disposal::Done { result }),
            (None, Some(cadre)) => Some(Disposal::Guided { cadre }),
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "cadre",
                    Invalid::NotAChoice { allowed: "当场办结或引导给干部,二者选一".into() },
                ));
                None
            }
            (None, None) if errors.iter().any(|e| e.field == "result" || e.field == "cadre") => None,
            (None, None) => {
                errors.push(FieldError::new("result", Invalid::Required));
                None
            }
        };
        match (ValidationErrors::from_vec(errors), matter, disposal) {
            (None, Some(matter), Some(disposal)) => Ok(ServiceRequest { resident, matter, disposal }),
            (Some(errors), _, _) => Err(errors),
            _ => Err(FieldError::new("matter", Invalid::Required).into()),
        }
    }
}

/// What the cadre did, as typed when they record a guided request done.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceDoneDraft {
    pub result: Option<String>,
}

impl ServiceDoneDraft {
    pub fn parse(&self) -> Result<String, FieldError> {
        text::required("result", self.result.as_deref(), limits::REASON)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(result: Option<&str>, cadre: Option<&str>) -> ServiceRequestDraft {
        ServiceRequestDraft {
            resident: Some("李大爷".into()),
            matter: Some("开具居住证明".into()),
            result: result.map(Into::into),
            cadre: cadre.map(Into::into),
        }
    }

    #[test]
    fn cdr_4_a_service_is_done_on_the_spot_or_guided_to_the_cadre() {
        let done = draft(Some("当场开具并盖章"), None).parse().unwrap();
        assert_eq!(done.disposal, Disposal::Done { result: "当场开具并盖章".into() });
        let guided = draft(None, Some(" Zhang ")).parse().unwrap();
        assert!(matches!(guided.disposal, Disposal::Guided { cadre } if cadre.as_str() == "zhang"));
        let field = |d: ServiceRequestDraft| d.parse().unwrap_err().first().field.clone();
        assert_eq!(field(draft(None, None)), "result", "neither: say what was done, or pick the cadre");
        assert_eq!(field(draft(Some("x"), Some("zhang"))), "cadre", "not both");
        assert_eq!(field(draft(None, Some("张"))), "cadre");
        assert_eq!(field(ServiceRequestDraft { matter: Some(" ".into()), ..draft(Some("x"), None) }), "matter");
        assert_eq!(
            field(ServiceRequestDraft { resident: Some("李\u{202e}".into()), ..draft(Some("x"), None) }),
            "resident"
        );
        assert_eq!(ServiceDoneDraft { result: Some(" ".into()) }.parse().unwrap_err().field, "result");
    }
}
