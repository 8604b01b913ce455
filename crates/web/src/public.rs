//! The public side without an account (GEN-11): a petitioner looks their case up by its number and
//! query code. A wrong number and a wrong code answer alike, and an address that keeps failing is
//! slowed down, so that codes cannot be guessed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use huiyin_core::case::{CaseNumber, QueryCode};
use huiyin_core::public::public_timeline;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{DeadlineView, instant};

/// Failures an address may have in a window before its lookups are slowed.
const FREE_FAILURES: u32 = 5;
/// How long an address's failures are remembered.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest a lookup is held back.
const MAX_DELAY: Duration = Duration::from_secs(8);

/// Failed lookups per client address.
#[derive(Default)]
pub struct FailedLookups {
    by_address: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl FailedLookups {
    /// How long a lookup from `address` is held back: nothing for the first failures in the window,
    /// then one second, doubling with each further failure, up to [`MAX_DELAY`].
    pub fn delay(&self, address: IpAddr, now: Instant) -> Duration {
        let failures = match self.by_address.lock() {
            Ok(map) => {
                map.get(&address).filter(|(_, since)| now.duration_since(*since) < FAILURE_WINDOW).map_or(0, |e| e.0)
            }
            Err(_) => 0,
        };
        match failures.checked_sub(FREE_FAILURES) {
            None => Duration::ZERO,
            Some(over) => Duration::from_secs(1u64 << over.min(3)).min(MAX_DELAY),
        }
    }

    /// Counts a failed lookup from `address`.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        if let Ok(mut map) = self.by_address.lock() {
            map.retain(|_, (_, since)| now.duration_since(*since) < FAILURE_WINDOW);
            let entry = map.entry(address).or_insert((0, now));
            entry.0 += 1;
        }
    }
}

/// A case as its petitioner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCase {
    pub case_number: String,
    /// `registered`, `accepted`, …
    pub status: String,
    /// Where the case stands, in Chinese.
    pub status_label: String,
    pub received_at: String,
    /// The unit that registered it.
    pub unit: String,
    /// The time limits, with their due days.
    pub deadlines: Vec<DeadlineView>,
    /// The steps that answer the petitioner, oldest first.
    pub timeline: Vec<PublicStepView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStepView {
    pub kind: String,
    pub label: String,
    pub at: String,
    /// What the petitioner is told at this step (the reply's text, a reason, where to turn).
    pub detail: Option<String>,
}

/// The case with `number` if `code` is its query code; [`AppError::NotFound`] alike for a wrong
/// number, a wrong code or a malformed one. Failures from `address` are counted and slow its next
/// lookups.
pub async fn lookup(state: &AppState, address: IpAddr, number: &str, code: &str) -> AppResult<PublicCase> {
    let delay = state.failed_lookups().delay(address, Instant::now());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let found = find(state, number, code).await?;
    if found.is_none() {
        state.failed_lookups().failed(address, Instant::now());
    }
    found.ok_or(AppError::NotFound)
}

async fn find(state: &AppState, number: &str, code: &str) -> AppResult<Option<PublicCase>> {
    let (Some(number), Some(code)) = (CaseNumber::parse(number), QueryCode::parse(code)) else { return Ok(None) };
    let Some(id) = state.store.case_id_by_number(number.as_str()).await? else { return Ok(None) };
    let Some(file) = state.store.case_file(id).await? else { return Ok(None) };
    let expected = state.secret.query_code_hash(&code);
    if !same(expected.as_bytes(), file.query_code_hash.as_bytes()) {
        return Ok(None);
    }
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    Ok(Some(PublicCase {
        case_number: file.state.case_number.clone(),
        status: file.state.status.code().to_owned(),
        status_label: file.state.status.label_zh().to_owned(),
        received_at: instant(file.registration.received_at),
        unit: file.unit_name.clone(),
        deadlines: file.deadlines.iter().map(|d| DeadlineView::new(d, today)).collect(),
        timeline: public_timeline(&file.events)
            .into_iter()
            .map(|s| PublicStepView { kind: s.kind.into(), label: s.label.into(), at: instant(s.at), detail: s.detail })
            .collect(),
    }))
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_11_repeated_failures_are_slowed() {
        let lookups = FailedLookups::default();
        let (here, there) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let now = Instant::now();
        for _ in 0..FREE_FAILURES {
            assert_eq!(lookups.delay(here, now), Duration::ZERO);
            lookups.failed(here, now);
        }
        assert_eq!(lookups.delay(here, now), Duration::from_secs(1));
        lookups.failed(here, now);
        assert_eq!(lookups.delay(here, now), Duration::from_secs(2));
        for _ in 0..10 {
            lookups.failed(here, now);
        }
        assert_eq!(lookups.delay(here, now), MAX_DELAY);
        assert_eq!(lookups.delay(there, now), Duration::ZERO, "another address is not slowed");
        assert_eq!(lookups.delay(here, now + FAILURE_WINDOW), Duration::ZERO, "failures are forgotten");
    }

    #[test]
    fn hashes_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
