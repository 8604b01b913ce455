//! Who a petitioner is: identity documents and phone numbers, each a value that can only exist valid.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::mask::keep_ends;
use crate::text::limits;
use crate::{FieldError, Invalid};

/// The kind of identity document (证件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证, checked against GB 11643.
    #[default]
    Resident,
    /// 护照
    Passport,
    /// 港澳台居民居住证或通行证
    HkMacaoTaiwan,
    /// 其他证件
    Other,
}

impl IdKind {
    pub const ALL: [IdKind; 4] = [IdKind::Resident, IdKind::Passport, IdKind::HkMacaoTaiwan, IdKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            IdKind::Resident => "resident",
            IdKind::Passport => "passport",
            IdKind::HkMacaoTaiwan => "hk_macao_taiwan",
            IdKind::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IdKind::Resident => "居民身份证",
            IdKind::Passport => "护照",
            IdKind::HkMacaoTaiwan => "港澳台证件",
            IdKind::Other => "其他证件",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<IdKind, FieldError> {
        IdKind::ALL.into_iter().find(|k| k.code() == value.trim()).ok_or_else(|| {
            let allowed = IdKind::ALL.map(IdKind::code).join(", ");
            FieldError::new(field, Invalid::NotAChoice { allowed })
        })
    }
}

/// A document number valid for its kind: a resident ID passes the GB 11643 checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocument {
    pub kind: IdKind,
    pub number: String,
}

impl IdDocument {
    pub fn parse(field: &str, kind: IdKind, raw: &str) -> Result<IdDocument, FieldError> {
        let number = match kind {
            IdKind::Resident => ResidentId::parse(field, raw)?.0,
            _ => {
                let cleaned: String = raw.split_whitespace().collect::<String>().to_uppercase();
                if cleaned.is_empty() {
                    return Err(FieldError::new(field, Invalid::Required));
                }
                if cleaned.chars().count() > limits::ID_OTHER {
                    return Err(FieldError::new(field, Invalid::TooLong { max: limits::ID_OTHER }));
                }
                cleaned
            }
        };
        Ok(IdDocument { kind, number })
    }

    /// The number as shown to readers who need not see it whole: the first 4 and last 4 characters.
    pub fn masked(&self) -> String {
        keep_ends(&self.number, 4, 4)
    }
}

/// A mainland resident identity number (居民身份证号码): 18 characters with the GB 11643 check
/// character, or the old 15-digit form, with a real birth date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl ResidentId {
    pub fn parse(field: &str, raw: &str) -> Result<ResidentId, FieldError> {
        let s: String = raw.split_whitespace().collect::<String>().to_uppercase();
        let bad = |invalid| Err(FieldError::new(field, invalid));
        let digits_ok = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !s.is_ascii() {
            return bad(Invalid::IdNumberFormat);
        }
        match s.len() {
            18 => {
                let (body, check) = s.split_at(17);
                if !digits_ok(body) || !(digits_ok(check) || check == "X") || body.starts_with('0') {
                    return bad(Invalid::IdNumberFormat);
                }
                if !valid_birth_date(&body[6..14]) {
                    return bad(Invalid::IdNumberBirthDate);
                }
                if !check.starts_with(check_char(body)) {
                    return bad(Invalid::IdNumberChecksum);
                }
                Ok(ResidentId(s))
            }
            15 => {
                if !digits_ok(&s) || s.starts_with('0') {
                    return bad(Invalid::IdNumberFormat);
                }
                if !valid_birth_date(&format!("19{}", &s[6..12])) {
                    return bad(Invalid::IdNumberBirthDate);
                }
                Ok(ResidentId(s))
            }
            _ => bad(Invalid::IdNumberFormat),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The 18-character form of a resident identity number: an old 15-digit number (issued before 1999,
/// born in the 1900s) gains the century “19” after its six-digit region code and the GB 11643 check
/// character, so that one person's old and new cards compare equal. Any other text is returned as it is.
pub fn resident_id_eighteen(number: &str) -> std::borrow::Cow<'_, str> {
    if number.len() == 15 && number.bytes().all(|b| b.is_ascii_digit()) {
        let body = format!("{}19{}", &number[..6], &number[6..]);
        let check = check_char(&body);
        return std::borrow::Cow::Owned(format!("{body}{check}"));
    }
    std::borrow::Cow::Borrowed(number)
}

/// The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).
pub fn check_char(body17: &str) -> char {
    let sum: u32 = body17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn valid_birth_date(yyyymmdd: &str) -> bool {
    NaiveDate::parse_from_str(yyyymmdd, "%Y%m%d").is_ok_and(|d| d.year() >= 1900)
}

/// A mainland phone number: an 11-digit mobile number, or a landline with or without its area code
/// and with an optional extension. Kept in one normalised spelling so that lookups match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(field: &str, raw: &str) -> Result<PhoneNumber, FieldError> {
        let bad = || FieldError::new(field, Invalid::PhoneFormat);
        let mut s: String =
            raw.chars().filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '\u{ff08}' | '\u{ff09}')).collect();
        for prefix in ["+86-", "+86", "0086"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_owned();
                break;
            }
        }
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        // Mobile: 1[3-9] and nine more digits.
        let compact: String = s.chars().filter(|c| *c != '-').collect();
        if compact.len() == 11 && compact.starts_with('1') && all_digits(&compact) {
            return if matches!(compact.as_bytes()[1], b'3'..=b'9') { Ok(PhoneNumber(compact)) } else { Err(bad()) };
        }
        // Landline: [0AA(A)-]NNNNNNN(N)[-EXT]
        let parts: Vec<&str> = s.split('-').collect();
        if !parts.iter().all(|p| all_digits(p)) {
            return Err(bad());
        }
        let (area, local, ext) = match parts.as_slice() {
            [one] if one.starts_with('0') && (10..=12).contains(&one.len()) => {
                // Area code and number run together: 3- or 4-digit area codes; 010 and 02X are 3.
                let area_len = if one.starts_with("01") || one.starts_with("02") { 3 } else { 4 };
                (Some(&one[..area_len]), &one[area_len..], None)
            }
            [one] => (None, *one, None),
            [a, l] if a.starts_with('0') => (Some(*a), *l, None),
            [l, e] => (None, *l, Some(*e)),
            [a, l, e] => (Some(*a), *l, Some(*e)),
            _ => return Err(bad()),
        };
        if let Some(a) = area
            && (!(3..=4).contains(&a.len()) || !a.starts_with('0'))
        {
            return Err(bad());
        }
        if !(7..=8).contains(&local.len()) || local.starts_with('0') || ext.is_some_and(|e| e.len() > 6) {
            return Err(bad());
        }
        let mut out = area.map(|a| format!("{a}-")).unwrap_or_default();
        out.push_str(local);
        if let Some(e) = ext {
            out.push('-');
            out.push_str(e);
        }
        Ok(PhoneNumber(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as shown to readers who need not see it whole: `138****5678`, `0432-****6233`.
    pub fn masked(&self) -> String {
        masked_phone(&self.0)
    }
}

/// Masks a stored phone number (see [`PhoneNumber::masked`]).
pub fn masked_phone(phone: &str) -> String {
    match phone.split_once('-') {
        Some((area, rest)) if area.starts_with('0') => format!("{area}-{}", keep_ends(rest, 0, 4)),
        _ => keep_ends(phone, 3, 4),
    }
}

/// Masks a stored identity number (see [`IdDocument::masked`]).
pub fn masked_id_number(number: &str) -> String {
    keep_ends(number, 4, 4)
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(raw: &str) -> Result<String, Invalid> {
        ResidentId::parse("id", raw).map(|i| i.0).map_err(|e| e.invalid)
    }

    #[test]
    fn gen_10_resident_id_passes_the_gb11643_check() {
        // The standard's own example number.
        assert_eq!(id("11010519491231002X"), Ok("11010519491231002X".into()));
        assert_eq!(id("11010519491231002x"), Ok("11010519491231002X".into()));
        assert_eq!(id("110105194912310021"), Err(Invalid::IdNumberChecksum));
        assert_eq!(id("110105194902300021"), Err(Invalid::IdNumberBirthDate));
        assert_eq!(id("11010519491231002"), Err(Invalid::IdNumberFormat));
        assert_eq!(id("1101051949123100AX"), Err(Invalid::IdNumberFormat));
        assert_eq!(id("011010519491231002"), Err(Invalid::IdNumberFormat));
    }

    #[test]
    fn gen_10_old_fifteen_digit_form_is_accepted_with_a_real_date() {
        assert_eq!(id("110105491231002"), Ok("110105491231002".into()));
        assert_eq!(id("110105491331002"), Err(Invalid::IdNumberBirthDate));
    }

    #[test]
    fn phones_mobile_and_landline() {
        let p = |raw: &str| PhoneNumber::parse("p", raw).map(|p| p.0).map_err(|e| e.invalid);
        assert_eq!(p("138 1234 5678"), Ok("13812345678".into()));
        assert_eq!(p("+86 13812345678"), Ok("13812345678".into()));
        assert_eq!(p("12812345678"), Err(Invalid::PhoneFormat));
        assert_eq!(p("0432-62766233"), Ok("0432-62766233".into()));
        assert_eq!(p("(010)12345678"), Ok("010-12345678".into()));
        assert_eq!(p("043262766233"), Ok("0432-62766233".into()));
        assert_eq!(p("62766233"), Ok("62766233".into()));
        assert_eq!(p("0432-62766233-801"), Ok("0432-62766233-801".into()));
        // The seed's hotline has nine digits after the area code: not a real number.
        assert_eq!(p("0432-627662332"), Err(Invalid::PhoneFormat));
        assert_eq!(p("12345"), Err(Invalid::PhoneFormat));
        assert_eq!(p("电话"), Err(Invalid::PhoneFormat));
    }

    #[test]
    fn com_4_masked_forms() {
        assert_eq!(masked_phone("13812345678"), "138****5678");
        assert_eq!(masked_phone("0432-62766233"), "0432-****6233");
        assert_eq!(masked_id_number("11010519491231002X"), "1101**********002X");
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_char_is_accepted(region in 110000u32..660000, days in 0i64..40000, seq in 0u32..1000) {
            let birth = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
            let body = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let full = format!("{body}{}", check_char(&body));
            prop_assert_eq!(id(&full), Ok(full.clone()));
            // Any other check character is refused.
            for c in CHECK_CHARS.iter().filter(|c| **c != check_char(&body)) {
                prop_assert_eq!(id(&format!("{body}{c}")), Err(Invalid::IdNumberChecksum));
            }
        }

        #[test]
        fn phone_parsing_never_panics(s in ".{0,30}") {
            let _ = PhoneNumber::parse("p", &s);
            let _ = ResidentId::parse("id", &s);
        }
    }
}
