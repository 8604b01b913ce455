//! Web sessions kept in huiyin's own database, so that several app servers share them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_store::{SessionRow, Store};
use std::sync::Arc;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// A [`SessionStore`] over the huiyin storage API.
#[derive(Clone)]
pub struct DbSessionStore(pub Arc<dyn Store>);

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// A session's record as the store keeps it.
fn row_of(record: &Record) -> session_store::Result<SessionRow> {
    let data = serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now);
    Ok(SessionRow { data, expires_at })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// A new session under an id no other session has: a collision (never seen in practice, the
    /// ids are 128 random bits) draws another id rather than taking over the other session.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let row = row_of(record)?;
            if self.0.session_insert_new(&record.id.to_string(), &row).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.session_save(&record.id.to_string(), &row_of(record)?).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = self.0.session_load(&id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        if row.expires_at <= Utc::now() {
            return Ok(None);
        }
        let record = serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.session_delete(&id.to_string()).await.map_err(backend)
    }
}
