//! Free text at the edge: trimmed, length-limited, and kept verbatim otherwise.
//!
//! Text is stored exactly as given (HTML and SQL included); escaping is the job of whoever renders it.

use crate::{FieldError, Invalid};

/// Limits on the free-text fields, in characters (not bytes).
pub mod limits {
    pub const NAME: usize = 50;
    pub const ADDRESS: usize = 200;
    pub const CONTENT: usize = 20_000;
    pub const REASON: usize = 2_000;
    pub const NOTE: usize = 2_000;
    pub const PLACE: usize = 200;
    pub const UNIT_NAME: usize = 100;
    pub const ID_OTHER: usize = 40;
    pub const TITLE: usize = 50;
}

/// An optional text: blank becomes `None`; longer than `max` characters is refused, and so is a
/// control character or a direction override ([`is_refused_char`]).
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > max => Err(FieldError::new(field, Invalid::TooLong { max })),
        Some(v) => {
            check_chars(field, v)?;
            Ok(Some(v.to_owned()))
        }
    }
}

/// A character no text of huiyin may hold: the C0 and C1 controls except tab and line breaks (NUL
/// among them: PostgreSQL cannot store it, and no document can print any of them), and the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a file
/// name or a name read as something else.
pub fn is_refused_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses a text holding a character of [`is_refused_char`].
pub fn check_chars(field: &str, text: &str) -> Result<(), FieldError> {
    if text.chars().any(is_refused_char) { Err(FieldError::new(field, Invalid::ControlCharacter)) } else { Ok(()) }
}

/// A required text: blank is refused with [`Invalid::Required`].
pub fn required(field: &str, value: Option<&str>, max: usize) -> Result<String, FieldError> {
    optional(field, value, max)?.ok_or_else(|| FieldError::new(field, Invalid::Required))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_none_and_long_is_refused() {
        assert_eq!(optional("x", Some("  "), 3), Ok(None));
        assert_eq!(optional("x", Some(" 信访 "), 3), Ok(Some("信访".into())));
        assert_eq!(optional("x", Some("信访工作"), 3), Err(FieldError::new("x", Invalid::TooLong { max: 3 })));
        assert_eq!(required("x", None, 3), Err(FieldError::new("x", Invalid::Required)));
    }

    #[test]
    fn control_characters_and_direction_overrides_are_refused() {
        for raw in ["a\u{0}b", "a\u{7}b", "a\u{85}b", "保密\u{202E}gnp.exe", "\u{2066}x"] {
            assert_eq!(optional("x", Some(raw), 100), Err(FieldError::new("x", Invalid::ControlCharacter)), "{raw:?}");
        }
        assert_eq!(optional("x", Some("第一行\n第二行\t😀"), 100), Ok(Some("第一行\n第二行\t😀".into())));
    }

    #[test]
    fn markup_is_kept_verbatim() {
        let raw = "<script>alert(1)</script>'; DROP TABLE cases; --";
        assert_eq!(optional("x", Some(raw), 100), Ok(Some(raw.to_owned())));
    }
}
