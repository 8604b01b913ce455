//! What can go wrong in storage.

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A value that must be unique already exists; the field names it (`code`, `username`).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// A referenced row does not exist; the field names the reference (`unit`, `parent`).
    #[error("unknown {0}")]
    UnknownReference(&'static str),
    /// Someone else changed the case first; reload and try again.
    #[error("the case was changed by someone else")]
    Conflict,
    /// Stored data that does not decode (a bug or a hand-edited database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// An import that cannot be made (a database that holds data, rows out of order or of the wrong
    /// kind); nothing was written.
    #[error("{0}")]
    Transfer(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;
