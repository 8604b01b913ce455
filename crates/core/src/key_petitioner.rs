//! 重点信访人 (TWN-8: “对重点信访人和重大信访问题也可约访或下访”): a person a unit keeps in view for
//! appointment and home visits — named, with the reason they are one, and known by their resident
//! ID number or their phone — and whether a registration's petitioner is that person.

use serde::Deserialize;

use crate::case::Petitioner;
use crate::identity::{IdKind, PhoneNumber, ResidentId, resident_id_eighteen};
use crate::text::{limits, optional, required};
use crate::{FieldError, Invalid, ValidationErrors};

/// A key petitioner as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyPetitionerDraft {
    pub name: Option<String>,
    /// The resident ID number (居民身份证号码): a registration with the same number is this person.
    pub id_number: Option<String>,
    /// A phone number: without ID numbers to compare, the same name and phone are this person.
    pub phone: Option<String>,
    /// Why they are a key petitioner (多次越级上访、长期未化解 …).
    pub reason: Option<String>,
}

/// A key petitioner, checked: the ID number and the phone in their canonical forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPetitionerFields {
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub reason: String,
}

impl KeyPetitionerDraft {
    /// The fields, or every mistake on its field. A person is known by the ID number or the phone
    /// (one of them at least), or no registration could be matched to them.
    pub fn parse(&self) -> Result<KeyPetitionerFields, ValidationErrors> {
        let mut errors = Vec::new();
        let name = required("name", self.name.as_deref(), limits::NAME).map_err(|e| errors.push(e)).ok();
        let reason = required("reason", self.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let id_number = optional("id_number", self.id_number.as_deref(), 40)
            .and_then(|raw| {
                raw.map(|r| ResidentId::parse("id_number", &r).map(|id| id.as_str().to_owned())).transpose()
            })
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let phone = optional("phone", self.phone.as_deref(), 40)
            .and_then(|raw| raw.map(|r| PhoneNumber::parse("phone", &r).map(|p| p.as_str().to_owned())).transpose())
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let typed = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !typed(&self.id_number) && !typed(&self.phone) {
            errors.push(FieldError::new("id_number", Invalid::Required));
        }
        if let Some(errors) = ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        match (name, reason) {
            (Some(name), Some(reason)) => Ok(KeyPetitionerFields { name, id_number, phone, reason }),
            _ => Err(FieldError::new("name", Invalid::Required).into()),
        }
    }
}

impl KeyPetitionerFields {
    /// The person as a registration would hold them, to compare with the lines already on a register.
    pub fn as_petitioner(&self) -> Petitioner {
        Petitioner {
            name: Some(self.name.clone()),
            id: self.id_number.clone().map(|number| crate::identity::IdDocument { kind: IdKind::Resident, number }),
            phone: self.phone.as_deref().and_then(|p| PhoneNumber::parse("phone", p).ok()),
            address: None,
        }
    }

    /// The field by which a person already on a register is known again: the ID number if typed.
    pub fn known_by(&self) -> &'static str {
        if self.id_number.is_some() { "id_number" } else { "phone" }
    }
}

/// Whether `petitioner` is the person known by this name, resident ID number and phone: where both
/// have a resident ID number, the numbers decide (an old 15-digit card and the 18-character one are
/// the same number); otherwise the same name and the same phone do.
pub fn same_person(name: &str, id_number: Option<&str>, phone: Option<&str>, petitioner: &Petitioner) -> bool {
    let resident = petitioner.id.as_ref().filter(|d| d.kind == IdKind::Resident);
    if let (Some(id), Some(doc)) = (id_number, resident) {
        return resident_id_eighteen(id).eq_ignore_ascii_case(&resident_id_eighteen(&doc.number));
    }
    let same_name = petitioner.name.as_deref().is_some_and(|n| n.trim() == name.trim());
    let same_phone = phone.is_some_and(|p| petitioner.phone.as_ref().is_some_and(|q| q.as_str() == p));
    same_name && same_phone
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdDocument;

    #[test]
    fn twn_8_a_key_petitioner_is_named_with_the_reason_and_known_by_id_or_phone() {
        let draft = KeyPetitionerDraft {
            name: Some("张某某".into()),
            id_number: Some("11010519491231002x".into()),
            phone: None,
            reason: Some("多次越级上访,长期未化解".into()),
        };
        let fields = draft.parse().unwrap();
        assert_eq!(fields.id_number.as_deref(), Some("11010519491231002X"), "canonical");
        let unknown = KeyPetitionerDraft { id_number: None, ..draft.clone() };
        assert_eq!(unknown.parse().unwrap_err().first().field, "id_number", "an ID number or a phone");
        let by_phone = KeyPetitionerDraft { phone: Some("139 0000 1111".into()), ..unknown };
        assert_eq!(by_phone.parse().unwrap().phone.as_deref(), Some("13900001111"));
        let wrong = KeyPetitionerDraft {
            name: None,
            id_number: Some("110105194912310021".into()),
            reason: Some("原因\0".into()),
            ..draft
        };
        let fields: Vec<String> = wrong.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["name", "reason", "id_number"]);
    }

    #[test]
    fn twn_8_a_registration_is_the_key_petitioner_by_id_or_by_name_and_phone() {
        let id = |n: &str| Some(IdDocument { kind: IdKind::Resident, number: n.into() });
        let phone = |p: &str| Some(PhoneNumber::parse("phone", p).unwrap());
        let p = |name: &str, doc, tel| Petitioner { name: Some(name.into()), id: doc, phone: tel, address: None };
        let key = ("张某某", Some("11010519491231002X"), Some("13900001111"));
        let is = |petitioner: &Petitioner| same_person(key.0, key.1, key.2, petitioner);
        assert!(is(&p("张某", id("11010519491231002X"), None)), "the ID number decides, whatever the name");
        assert!(!is(&p("张某某", id("110105194912310021"), phone("13900001111"))), "another ID: another person");
        assert!(is(&p("张某某", None, phone("139 0000 1111"))), "no ID to compare: name and phone");
        assert!(!is(&p("张某某", None, phone("13900002222"))));
        assert!(!is(&p("李某", None, phone("13900001111"))));
        assert!(!same_person("张某某", None, None, &p("张某某", None, None)), "a name alone is nobody");
        // One person's old 15-digit card and the 18-character card that replaced it.
        let old = ("张某某", Some("110105491231002"), None);
        assert!(same_person(old.0, old.1, old.2, &p("张某某", id("11010519491231002X"), None)), "15 → 18 digits");
        assert!(is(&p("张某某", id("110105491231002"), None)), "18 → 15 digits");
        assert!(!is(&p("张某某", id("110105491231003"), None)), "another old card");
    }
}
