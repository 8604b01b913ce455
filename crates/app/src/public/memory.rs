//! What the public side remembers of recent callers. In the database, so that every server of an
//! installation counts the same (issue 23): online petitions and complaints per address, questions
//! answered (`SessionStore::count_failure` under the scopes `submission` and `question`). In the
//! server's memory, as caches: units' public measures for an hour, meetings' public
//! papers by what they hold.

use chrono::{DateTime, Utc};
use huiyin_core::kpi::KpiTallies;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Online petitions one address may send within [`SUBMISSION_WINDOW`].
const SUBMISSIONS_PER_ADDRESS: usize = 5;

const SUBMISSION_WINDOW: Duration = Duration::from_secs(60 * 60);

/// What the public side remembers of recent callers.
#[derive(Default)]
pub struct PublicGuards {
    /// Units' measures as last counted: counting a county's year takes a moment, and public pages
    /// are read far more often than the measures change.
    pub(super) measures: Mutex<HashMap<i64, (Instant, KpiTallies)>>,
    /// Meetings' public papers as last typeset, by meeting, paper and what they hold (DEM-6): a PDF
    /// read by anyone is typeset once, not on every request.
    pub(crate) meeting_papers: Mutex<HashMap<String, std::sync::Arc<Vec<u8>>>>,
}

/// The most meeting papers kept typeset; past it the memory starts again.
pub(crate) const MEETING_PAPERS_KEPT: usize = 64;

/// Counts an online petition or complaint from `address`, on every server alike, or says how long
/// to wait when the address has sent [`SUBMISSIONS_PER_ADDRESS`] within [`SUBMISSION_WINDOW`] (the
/// window starts at the first of them).
pub(super) async fn submission(state: &AppState, address: IpAddr, now: DateTime<Utc>) -> AppResult<()> {
    let window = chrono::Duration::from_std(SUBMISSION_WINDOW).unwrap_or(chrono::Duration::hours(1));
    let sent = state.store.count_failure("submission", &address.to_string(), now, now - window).await?;
    if sent > SUBMISSIONS_PER_ADDRESS as i64 {
        return Err(AppError::TooManyRequests(SUBMISSION_WINDOW));
    }
    Ok(())
}

/// Marks a question answered, on every server alike; false if it was answered before (within
/// `lifetime`, after which it is refused as expired anyway).
pub(super) async fn answer_once(state: &AppState, nonce: &str, now: DateTime<Utc>, lifetime: i64) -> AppResult<bool> {
    let since = now - chrono::Duration::seconds(lifetime * 2);
    Ok(state.store.count_failure("question", nonce, now, since).await? == 1)
}
