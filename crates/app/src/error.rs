//! What an application service answers when it refuses or fails. The shells map it to their
//! answers through one table (huiyin-web's `error`).

use huiyin_core::calendar::CalendarError;
use huiyin_core::lifecycle::Refusal;
use huiyin_core::{FieldError, ValidationErrors};
use huiyin_store::StoreError;

/// Why a service refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no randomness: {0}")]
    Random(#[from] std::io::Error),
    #[error("{0}")]
    Calendar(#[from] CalendarError),
    /// The action is well formed but not allowed now (state, role, once-only).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Recording an earlier `at` is a permission this user lacks.
    #[error("may not backdate")]
    MayNotBackdate,
    /// A document could not be typeset (no fonts, a character no font has).
    #[error("{0}")]
    Typeset(String),
    /// The public side: this address sent too much too quickly; it may try again after this long.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    /// Online petitions cannot be taken yet: no unit has been set up.
    #[error("online petitions are not open")]
    NotOpen,
    /// A backup, restore, export or import that cannot be made (a file, an archive that does not
    /// fit this huiyin or is damaged, a database that is not empty), said in Chinese; nothing was
    /// written into the database.
    #[error("{0}")]
    Transfer(String),
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;
