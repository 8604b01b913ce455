//! 拒收礼品登记 (SCH-8: no gifts, banquets or favours): what a staff member was offered and refused —
//! by whom, what, when, for which case — as typed and checked, and the kinds of offer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid, ValidationErrors, text};

/// What was offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GiftKind {
    /// 礼品、礼金、购物卡.
    Gift,
    /// 宴请.
    Banquet,
    /// 其他好处 (a favour, an invitation, a service).
    Favour,
}

impl GiftKind {
    pub const ALL: [GiftKind; 3] = [GiftKind::Gift, GiftKind::Banquet, GiftKind::Favour];

    pub fn code(self) -> &'static str {
        match self {
            GiftKind::Gift => "gift",
            GiftKind::Banquet => "banquet",
            GiftKind::Favour => "favour",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            GiftKind::Gift => "礼品礼金",
            GiftKind::Banquet => "宴请",
            GiftKind::Favour => "其他好处",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<GiftKind, FieldError> {
        let raw = raw.trim();
        GiftKind::ALL.into_iter().find(|k| k.code() == raw || k.label_zh() == raw).ok_or_else(|| {
            FieldError::new(
                field,
                Invalid::NotAChoice { allowed: "gift(礼品礼金)、banquet(宴请)、favour(其他好处)".into() },
            )
        })
    }
}

/// The most a value may be, in yuan: more is a typing mistake.
pub const MAX_VALUE_YUAN: i64 = 100_000_000;

/// A refused offer as typed (API body or form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GiftDraft {
    /// `gift` (礼品礼金), `banquet` (宴请) or `favour` (其他好处).
    pub kind: Option<String>,
    /// Who offered it (a petitioner, a relative, a company…), as the staff member can name them.
    pub offered_by: Option<String>,
    /// What was offered.
    pub what: Option<String>,
    /// The day it was offered (YYYY-MM-DD); not in the future.
    pub offered_on: Option<String>,
    /// Its value in yuan, when known (0 … 100000000).
    pub value_yuan: Option<i64>,
    /// How it was refused (当场拒收, 退还, 上交纪检…).
    pub handling: Option<String>,
    /// The case number it was offered over, if any.
    pub case_number: Option<String>,
}

/// A refused offer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftFields {
    pub kind: GiftKind,
    pub offered_by: String,
    pub what: String,
    pub offered_on: NaiveDate,
    pub value_yuan: Option<i64>,
    pub handling: String,
    pub case_number: Option<String>,
}

impl GiftDraft {
    /// The fields, or every mistake on its field. `today` is the last day an offer may be dated.
    pub fn parse(&self, today: NaiveDate) -> Result<GiftFields, ValidationErrors> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let offered_by = keep(text::required("offered_by", self.offered_by.as_deref(), text::limits::NAME * 2));
        let what = keep(text::required("what", self.what.as_deref(), text::limits::REASON));
        let handling = keep(text::required("handling", self.handling.as_deref(), text::limits::REASON));
        let kind = match self.kind.as_deref() {
            None => Err(FieldError::new("kind", Invalid::Required)),
            Some(raw) => GiftKind::parse("kind", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let offered_on =
            crate::calendar::past_day("offered_on", self.offered_on.as_deref(), today).map_err(|e| errors.push(e)).ok();
        let value_yuan = match self.value_yuan {
            Some(v) if !(0..=MAX_VALUE_YUAN).contains(&v) => {
                errors.push(FieldError::new("value_yuan", Invalid::OutOfRange { min: 0, max: MAX_VALUE_YUAN }));
                None
            }
            v => v,
        };
        let case_number =
            text::optional("case_number", self.case_number.as_deref(), 40).map_err(|e| errors.push(e)).ok().flatten();
        match (ValidationErrors::from_vec(errors), kind, offered_by, what, offered_on, handling) {
            (None, Some(kind), Some(offered_by), Some(what), Some(offered_on), Some(handling)) => {
                Ok(GiftFields { kind, offered_by, what, offered_on, value_yuan, handling, case_number })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("kind", Invalid::Required).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn sch_8_a_refused_offer_is_recorded_with_every_mistake_on_its_field() {
        let draft = GiftDraft {
            kind: Some("banquet".into()),
            offered_by: Some("信访人亲属".into()),
            what: Some("请吃饭".into()),
            offered_on: Some("2026-12-01".into()),
            value_yuan: Some(800),
            handling: Some("当场谢绝".into()),
            case_number: Some(" XS-2026-000001 ".into()),
        };
        let fields = draft.parse(day("2026-12-06")).unwrap();
        assert_eq!((fields.kind, fields.value_yuan), (GiftKind::Banquet, Some(800)));
        assert_eq!(fields.case_number.as_deref(), Some("XS-2026-000001"));
        assert_eq!(GiftKind::parse("kind", "宴请"), Ok(GiftKind::Banquet));

        let wrong = GiftDraft {
            kind: Some("bribe".into()),
            offered_on: Some("2026-12-07".into()),
            value_yuan: Some(-1),
            what: Some("\u{0}".into()),
            ..Default::default()
        };
        let errors = wrong.parse(day("2026-12-06")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["kind", "offered_by", "what", "offered_on", "value_yuan", "handling"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        assert_eq!(
            GiftDraft { offered_on: Some("12/01".into()), ..draft }.parse(day("2026-12-06")).unwrap_err().first().field,
            "offered_on"
        );
    }
}
