//! Units (单位) and their tree: county > town > villages and communities, with departments,
//! federations, schools and agencies hanging where they belong (TWN-1).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid};

/// A unit's short code, also the prefix of its case numbers: `XS`, `XS-CL`, `QX01`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(field: &str, raw: &str) -> Result<UnitCode, FieldError> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = (2..=16).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !s.ends_with('-');
        if ok { Ok(UnitCode(s)) } else { Err(FieldError::new(field, Invalid::UnitCodeFormat)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    County,
    Town,
    Subdistrict,
    Village,
    Community,
    Department,
    Federation,
    School,
    Agency,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::County,
        UnitKind::Town,
        UnitKind::Subdistrict,
        UnitKind::Village,
        UnitKind::Community,
        UnitKind::Department,
        UnitKind::Federation,
        UnitKind::School,
        UnitKind::Agency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::County => "county",
            UnitKind::Town => "town",
            UnitKind::Subdistrict => "subdistrict",
            UnitKind::Village => "village",
            UnitKind::Community => "community",
            UnitKind::Department => "department",
            UnitKind::Federation => "federation",
            UnitKind::School => "school",
            UnitKind::Agency => "agency",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::County => "县(区)",
            UnitKind::Town => "乡镇",
            UnitKind::Subdistrict => "街道",
            UnitKind::Village => "村",
            UnitKind::Community => "社区",
            UnitKind::Department => "部门",
            UnitKind::Federation => "残联",
            UnitKind::School => "学校",
            UnitKind::Agency => "机关",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<UnitKind, FieldError> {
        let raw = raw.trim();
        UnitKind::ALL.into_iter().find(|k| k.code() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: UnitKind::ALL.map(UnitKind::code).join(", ") })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_are_upper_case_and_short() {
        assert_eq!(UnitCode::parse("c", " xs-cl ").map(|c| c.0), Ok("XS-CL".into()));
        for bad in ["X", "1X", "XS-", "西山", "ABCDEFGHIJKLMNOPQ", "A B"] {
            assert!(UnitCode::parse("c", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse("k", k.code()), Ok(k));
        }
        assert!(UnitKind::parse("k", "city").is_err());
    }
}
