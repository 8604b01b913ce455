//! Web sessions kept in huiyin's own database, so that several app servers share them, and what a
//! signed-in session holds: whose it is, the credential stamp that ends it when the password
//! changes, and when and from where it was signed in (kept beside the record too, so that a
//! person's sessions can be listed and ended one by one).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_store::{SessionOwner, SessionRow, Store, User};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_sessions::Session;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The signed-in user's id.
pub(crate) const USER_KEY: &str = "user_id";
/// The session's [`huiyin_app::accounts::credential_stamp`].
pub(crate) const CREDENTIAL_KEY: &str = "credential";
/// When and from where the session was signed in ([`SignedIn`]).
const SIGNED_IN_KEY: &str = "signed_in";

/// When and from where a session was signed in.
#[derive(Serialize, Deserialize)]
struct SignedIn {
    at: DateTime<Utc>,
    address: String,
    agent: Option<String>,
}

/// The longest browser description kept (the header is the client's to fill).
const AGENT_CHARS: usize = 200;

/// Signs `user` in on this session: a new session id (no fixation), their id and credential stamp,
/// and when and from where (the address, the browser's description cut to a readable length).
pub(crate) async fn sign_in(
    session: &Session,
    user: &User,
    address: &str,
    agent: Option<&str>,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user.id).await?;
    session.insert(CREDENTIAL_KEY, huiyin_app::accounts::credential_stamp(user)).await?;
    let agent = agent
        .map(|a| a.chars().filter(|c| !c.is_control()).take(AGENT_CHARS).collect::<String>())
        .filter(|a| !a.trim().is_empty());
    session.insert(SIGNED_IN_KEY, SignedIn { at: Utc::now(), address: address.to_owned(), agent }).await
}

/// The browser's description of itself (`User-Agent`), if readable.
pub(crate) fn user_agent(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::USER_AGENT).and_then(|a| a.to_str().ok())
}

/// A session's handle: names it on a list without giving its id, which is the cookie's secret.
pub(crate) fn handle_of(id: &Id) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.to_string().as_bytes());
    huiyin_app::context::hex(&digest[..8])
}

/// Whose a session is, read from its record: none before signing in.
fn owner_of(record: &Record) -> Option<SessionOwner> {
    let user_id = record.data.get(USER_KEY)?.as_i64()?;
    let credential = record.data.get(CREDENTIAL_KEY)?.as_str()?.to_owned();
    let signed_in = record.data.get(SIGNED_IN_KEY).and_then(|v| serde_json::from_value::<SignedIn>(v.clone()).ok());
    Some(SessionOwner {
        user_id,
        handle: handle_of(&record.id),
        credential,
        signed_in_at: signed_in.as_ref().map(|s| s.at),
        address: signed_in.as_ref().map(|s| s.address.clone()),
        agent: signed_in.and_then(|s| s.agent),
    })
}

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
    Ok(SessionRow { data, expires_at, owner: owner_of(record) })
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
