//! Caps on guessing (issue 15, GEN-11): failed public lookups and failed logins are counted in the
//! database, so that a county's several servers behind one address count as one, and every counter
//! has a hard cap past which the answer is `429` until its window has passed. Keys are keyed hashes
//! of what they count (an address, a case number, a username): the table names nobody.
//!
//! - A public lookup is slowed after 5 failures from one address in 15 minutes (1, 2, 4, 8 s) and
//!   refused after 20; a case number is locked after 10 failed codes in a day (whoever typed them),
//!   until that day is over or the unit reissues the code; a complaint's number likewise.
//! - A login is refused after 5 failures for one account or 20 from one address in 15 minutes.
//!
//! An attempt is counted before it is made and forgiven when it succeeds, so that a burst of
//! attempts sent at once is capped too; supervision runs purge counters older than a day.

use std::time::Duration;

use chrono::Utc;

use crate::context::{AppState, hex};
use crate::error::{AppError, AppResult};

/// One counter: what it counts, over which window, and when it stops answering.
pub struct Guard {
    scope: &'static str,
    window: Duration,
    /// Failures within the window after which attempts are refused.
    cap: i64,
}

/// Failed public lookups from one address.
pub const LOOKUP_ADDRESS: Guard = Guard { scope: "lookup_address", window: Duration::from_secs(15 * 60), cap: 20 };
/// Failed public lookups of one case number, from anywhere.
pub const LOOKUP_CASE: Guard = Guard { scope: "lookup_case", window: Duration::from_secs(24 * 60 * 60), cap: 10 };
/// Failed public lookups of one complaint number (FED-12), from anywhere.
pub const LOOKUP_COMPLAINT: Guard =
    Guard { scope: "lookup_complaint", window: Duration::from_secs(24 * 60 * 60), cap: 10 };
/// Failed logins of one account.
pub const LOGIN_ACCOUNT: Guard = Guard { scope: "login_account", window: Duration::from_secs(15 * 60), cap: 5 };
/// Failed logins from one address.
pub const LOGIN_ADDRESS: Guard = Guard { scope: "login_address", window: Duration::from_secs(15 * 60), cap: 20 };

/// Failures from one address before its lookups are slowed (well before they are refused).
const FREE_LOOKUP_FAILURES: i64 = 5;
const _: () = assert!(LOOKUP_ADDRESS.cap > FREE_LOOKUP_FAILURES);
/// The longest a lookup is held back.
pub const MAX_DELAY: Duration = Duration::from_secs(8);

impl Guard {
    fn key(&self, state: &AppState, what: &str) -> String {
        hex(&state.secret.mac(self.scope, what.trim().to_lowercase().as_bytes()))
    }

    fn window_start(&self) -> chrono::DateTime<Utc> {
        Utc::now() - chrono::Duration::from_std(self.window).unwrap_or_else(|_| chrono::Duration::zero())
    }

    /// Counts an attempt for `what` before it is made, so that attempts sent at once cannot all pass
    /// a count taken before any of them failed: `429` once the attempts in the window exceed the
    /// cap. Returns the attempts counted before this one; a success is forgiven
    /// ([`succeeded`](Self::succeeded)).
    pub async fn attempt(&self, state: &AppState, what: &str) -> AppResult<i64> {
        let attempts =
            state.store.count_failure(self.scope, &self.key(state, what), Utc::now(), self.window_start()).await?;
        if attempts > self.cap {
            return Err(AppError::TooManyRequests(self.window));
        }
        Ok(attempts - 1)
    }

    /// Takes back the count of an attempt that succeeded.
    pub async fn succeeded(&self, state: &AppState, what: &str) -> AppResult<()> {
        Ok(state.store.forgive_failure(self.scope, &self.key(state, what)).await?)
    }

    /// Forgets the failures for `what` (a reissued query code, a successful login).
    pub async fn clear(&self, state: &AppState, what: &str) -> AppResult<()> {
        Ok(state.store.clear_failures(self.scope, &self.key(state, what)).await?)
    }
}

/// How long a lookup from an address with `failures` recent failures is held back: nothing for the
/// first few, then one second, doubling with each further failure, up to [`MAX_DELAY`].
pub fn lookup_delay(failures: i64) -> Duration {
    match u32::try_from(failures - FREE_LOOKUP_FAILURES) {
        Err(_) => Duration::ZERO,
        Ok(over) => Duration::from_secs(1u64 << over.min(3)).min(MAX_DELAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_11_repeated_failures_are_slowed() {
        for failures in 0..FREE_LOOKUP_FAILURES {
            assert_eq!(lookup_delay(failures), Duration::ZERO);
        }
        assert_eq!(lookup_delay(FREE_LOOKUP_FAILURES), Duration::from_secs(1));
        assert_eq!(lookup_delay(FREE_LOOKUP_FAILURES + 1), Duration::from_secs(2));
        assert_eq!(lookup_delay(FREE_LOOKUP_FAILURES + 10), MAX_DELAY);
    }
}
