//! Why a value is refused, on which field, and how to say so in the user's language.
//!
//! Every refusal at the edge is a [`FieldError`]: a field path such as `petitioner.id_number` and an
//! [`Invalid`] reason. Its machine-readable code goes into API error bodies; its message, composed
//! from the catalogue in `locales/`, goes to people.

use std::borrow::Cow;
use std::fmt;

use rust_i18n::t;

use crate::Lang;

/// The reason a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not one of the allowed values; `allowed` lists them for the message.
    NotAChoice {
        allowed: String,
    },
    IdNumberFormat,
    IdNumberChecksum,
    IdNumberBirthDate,
    PhoneFormat,
    /// Not an e-mail address (name@example.org).
    EmailFormat,
    UnitCodeFormat,
    UsernameFormat,
    DateFormat,
    InFuture,
    RepresentativesRequired,
    TooManyRepresentatives {
        max: usize,
    },
    AccusedEmpty,
    NameRequiredForVisit,
    UnknownUnit,
    /// No active staff member with that login name.
    UnknownUser,
    UnknownCategory,
    AmbiguousCategory,
    AlreadyExists,
    /// The person is already on the register (of key petitioners) this line was to be added to.
    AlreadyListed,
    /// The text is the same as the version in force: nothing was amended.
    Unchanged,
    /// An end that is not after its start (a term's last day before its first).
    NotAfterStart,
    /// A meeting without a quorum: it decides nothing.
    NoQuorum,
    /// Fewer than the rule asks; `what` says how many it asks.
    TooFew {
        what: String,
    },
    /// A day before the one it follows; `what` names that one for the message.
    NotBefore {
        what: String,
    },
    BeforeEarlierEvent,
    PasswordTooShort {
        min: usize,
    },
    /// A password too easily guessed (a common password, a keyboard run, a name and a year).
    PasswordGuessable,
    /// A dictionary word: 2 to 20 letters or digits, no spaces or punctuation.
    WordFormat,
    /// No case with that number in the reader's sight.
    UnknownCase,
    /// The answer to the public form's question is wrong, or the question expired or was used.
    ChallengeAnswer,
    /// A box that must be ticked (the privacy notice) was not.
    ConsentRequired,
    /// Reception hours not written as `1-5 10:00-12:30,16:00-18:00`.
    HoursFormat,
    /// A control character (NUL included) or a direction override, which no document can print and
    /// which can disguise a text (`text::optional`).
    ControlCharacter,
    /// A date further back than a record can be entered after the fact (`years` years).
    TooFarBack {
        years: i64,
    },
    /// A receiving leader below the unit's rank for reception days (TWN-7).
    RankBelow {
        required: String,
    },
    /// No active staff member holds this credential number (工作证号, FED-4).
    UnknownCredential,
    /// A case number and query code that do not belong together (or no such case): said alike.
    CaseNotMatched,
    /// A preset is for a new database: this one already has units (issue 22).
    NotEmpty,
    /// No unit was named and none has a territory holding the place given (TWN-2).
    NoUnitForPlace,
    /// The same article twice in a policy's text (an article is cited by its number).
    RepeatedArticle {
        label: String,
    },
    /// A list of fewer or more items than it may have (a boundary's points).
    ItemCount {
        min: usize,
        max: usize,
    },
}

impl Invalid {
    /// The machine-readable code of this reason (stable, part of the API).
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong { .. } => "too_long",
            Invalid::TooShort { .. } => "too_short",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::NotAChoice { .. } => "not_a_choice",
            Invalid::IdNumberFormat => "id_number_format",
            Invalid::IdNumberChecksum => "id_number_checksum",
            Invalid::IdNumberBirthDate => "id_number_birth_date",
            Invalid::PhoneFormat => "phone_format",
            Invalid::EmailFormat => "email_format",
            Invalid::UnitCodeFormat => "unit_code_format",
            Invalid::UsernameFormat => "username_format",
            Invalid::DateFormat => "date_format",
            Invalid::InFuture => "in_future",
            Invalid::RepresentativesRequired => "representatives_required",
            Invalid::TooManyRepresentatives { .. } => "too_many_representatives",
            Invalid::AccusedEmpty => "accused_empty",
            Invalid::NameRequiredForVisit => "name_required_for_visit",
            Invalid::UnknownUnit => "unknown_unit",
            Invalid::UnknownUser => "unknown_user",
            Invalid::UnknownCategory => "unknown_category",
            Invalid::AmbiguousCategory => "ambiguous_category",
            Invalid::AlreadyExists => "already_exists",
            Invalid::AlreadyListed => "already_listed",
            Invalid::Unchanged => "unchanged",
            Invalid::NotAfterStart => "not_after_start",
            Invalid::NotBefore { .. } => "not_before",
            Invalid::NoQuorum => "no_quorum",
            Invalid::TooFew { .. } => "too_few",
            Invalid::BeforeEarlierEvent => "before_earlier_event",
            Invalid::PasswordTooShort { .. } => "password_too_short",
            Invalid::PasswordGuessable => "password_guessable",
            Invalid::WordFormat => "word_format",
            Invalid::UnknownCase => "unknown_case",
            Invalid::ChallengeAnswer => "challenge_answer",
            Invalid::ConsentRequired => "consent_required",
            Invalid::HoursFormat => "hours_format",
            Invalid::ControlCharacter => "control_character",
            Invalid::TooFarBack { .. } => "too_far_back",
            Invalid::RankBelow { .. } => "rank_below",
            Invalid::UnknownCredential => "unknown_credential",
            Invalid::CaseNotMatched => "case_not_matched",
            Invalid::NotEmpty => "not_empty",
            Invalid::NoUnitForPlace => "no_unit_for_place",
            Invalid::ItemCount { .. } => "item_count",
            Invalid::RepeatedArticle { .. } => "repeated_article",
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path in the input, e.g. `petitioner.phone`.
    pub field: String,
    pub invalid: Invalid,
}

impl FieldError {
    pub fn new(field: impl Into<String>, invalid: Invalid) -> Self {
        FieldError { field: field.into(), invalid }
    }

    pub fn code(&self) -> &'static str {
        self.invalid.code()
    }

    /// The field's name as people call it, e.g. 身份证号码.
    pub fn label(&self, lang: Lang) -> Cow<'static, str> {
        // A field of a list's item (`days[2].leader`) is called as any item's (`days.leader`).
        let mut plain = String::with_capacity(self.field.len());
        let mut in_index = false;
        for c in self.field.chars() {
            match c {
                '[' => in_index = true,
                ']' => in_index = false,
                c if !in_index => plain.push(c),
                _ => {}
            }
        }
        let key = format!("field.{plain}");
        let label = t!(&key, locale = lang.tag());
        if label == key {
            // An unlisted field: fall back to its last path segment.
            Cow::Owned(self.field.rsplit('.').next().unwrap_or(&self.field).to_owned())
        } else {
            Cow::Owned(label.into_owned())
        }
    }

    /// A complete sentence for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.message_labelled(lang, &self.label(lang))
    }

    /// The sentence naming the field as a form labels it (`label`), where a form's own words differ
    /// from the field's usual name (the public petition form: 单位, 问题类别).
    pub fn message_labelled(&self, lang: Lang, field: &str) -> String {
        let key = format!("invalid.{}", self.code());
        let locale = lang.tag();
        let text = match &self.invalid {
            Invalid::TooLong { max } => t!(&key, locale = locale, field = field, max = max),
            Invalid::TooFarBack { years } => t!(&key, locale = locale, field = field, years = years),
            Invalid::RankBelow { required } => t!(&key, locale = locale, field = field, required = required),
            Invalid::TooShort { min } | Invalid::PasswordTooShort { min } => {
                t!(&key, locale = locale, field = field, min = min)
            }
            Invalid::OutOfRange { min, max } => {
                t!(&key, locale = locale, field = field, min = min, max = max)
            }
            Invalid::ItemCount { min, max } => t!(&key, locale = locale, field = field, min = min, max = max),
            Invalid::RepeatedArticle { label } => t!(&key, locale = locale, field = field, label = label),
            Invalid::NotAChoice { allowed } => {
                t!(&key, locale = locale, field = field, allowed = allowed)
            }
            Invalid::NotBefore { what } | Invalid::TooFew { what } => {
                t!(&key, locale = locale, field = field, what = what)
            }
            Invalid::TooManyRepresentatives { max } => {
                t!(&key, locale = locale, field = field, max = max)
            }
            _ => t!(&key, locale = locale, field = field),
        };
        text.into_owned()
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Zh))
    }
}

impl std::error::Error for FieldError {}

/// One or more refused fields; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// Wraps the collected errors; `None` when there are none.
    pub fn from_vec(errors: Vec<FieldError>) -> Option<Self> {
        if errors.is_empty() { None } else { Some(ValidationErrors(errors)) }
    }

    pub fn first(&self) -> &FieldError {
        // The constructor guarantees at least one.
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// The message for `field`, if that field was refused.
    pub fn message_for(&self, field: &str, lang: Lang) -> Option<String> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message(lang))
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(e: FieldError) -> Self {
        ValidationErrors(vec![e])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.0.iter().map(|e| e.message(Lang::Zh)).collect();
        f.write_str(&messages.join(";"))
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = FieldError::new("petitioner.id_number", Invalid::IdNumberChecksum);
        assert!(e.message(Lang::Zh).contains("身份证号码"), "{}", e.message(Lang::Zh));
        assert!(e.message(Lang::En).contains("ID number"), "{}", e.message(Lang::En));
        let e = FieldError::new("content", Invalid::TooLong { max: 20000 });
        assert!(e.message(Lang::Zh).contains("20000"));
        // An item of a list is named as any item: the reception schedule's third day's leader.
        let e = FieldError::new("days[2].leader", Invalid::Required);
        assert!(e.message(Lang::Zh).contains("接待领导"), "{}", e.message(Lang::Zh));
        let e = FieldError::new("rules.notice", Invalid::OutOfRange { min: 1, max: 3650 });
        assert!(e.message(Lang::Zh).contains("书面告知的期限"), "{}", e.message(Lang::Zh));
    }

    #[test]
    fn every_reason_has_a_message_in_both_languages() {
        let all = [
            Invalid::Required,
            Invalid::TooLong { max: 1 },
            Invalid::TooShort { min: 1 },
            Invalid::OutOfRange { min: 1, max: 2 },
            Invalid::NotAChoice { allowed: "a".into() },
            Invalid::IdNumberFormat,
            Invalid::IdNumberChecksum,
            Invalid::IdNumberBirthDate,
            Invalid::PhoneFormat,
            Invalid::EmailFormat,
            Invalid::UnitCodeFormat,
            Invalid::UsernameFormat,
            Invalid::DateFormat,
            Invalid::InFuture,
            Invalid::RepresentativesRequired,
            Invalid::TooManyRepresentatives { max: 5 },
            Invalid::AccusedEmpty,
            Invalid::NameRequiredForVisit,
            Invalid::UnknownUnit,
            Invalid::UnknownUser,
            Invalid::UnknownCategory,
            Invalid::AmbiguousCategory,
            Invalid::AlreadyExists,
            Invalid::AlreadyListed,
            Invalid::Unchanged,
            Invalid::NotAfterStart,
            Invalid::NotBefore { what: "a".into() },
            Invalid::NoQuorum,
            Invalid::TooFew { what: "a".into() },
            Invalid::BeforeEarlierEvent,
            Invalid::PasswordTooShort { min: 10 },
            Invalid::WordFormat,
            Invalid::UnknownCase,
            Invalid::UnknownCredential,
            Invalid::CaseNotMatched,
            Invalid::NotEmpty,
            Invalid::NoUnitForPlace,
            Invalid::ItemCount { min: 3, max: 9 },
            Invalid::RepeatedArticle { label: "第一条".into() },
        ];
        for invalid in all {
            let e = FieldError::new("content", invalid);
            for lang in [Lang::Zh, Lang::En] {
                let m = e.message(lang);
                assert!(!m.contains("invalid."), "no message for {} in {:?}: {m}", e.code(), lang);
            }
        }
    }
}
