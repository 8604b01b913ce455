//! What the public side remembers of recent callers, in the server's memory (with several servers,
//! each counts its own): online petitions per address, questions answered, units' measures, meetings'
//! public papers.

use huiyin_core::kpi::KpiTallies;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Online petitions one address may send within [`SUBMISSION_WINDOW`].
const SUBMISSIONS_PER_ADDRESS: usize = 5;

const SUBMISSION_WINDOW: Duration = Duration::from_secs(60 * 60);

/// What the public side remembers of recent callers.
#[derive(Default)]
pub struct PublicGuards {
    submissions: Mutex<HashMap<IpAddr, Vec<Instant>>>,
    /// Answered questions (their nonces) until they expire: each question is answered once.
    used_questions: Mutex<HashMap<String, i64>>,
    /// Units' measures as last counted: counting a county's year takes a moment, and public pages
    /// are read far more often than the measures change.
    pub(super) measures: Mutex<HashMap<i64, (Instant, KpiTallies)>>,
    /// Meetings' public papers as last typeset, by meeting, paper and what they hold (DEM-6): a PDF
    /// read by anyone is typeset once, not on every request.
    pub(crate) meeting_papers: Mutex<HashMap<String, std::sync::Arc<Vec<u8>>>>,
}

/// The most meeting papers kept typeset; past it the memory starts again.
pub(crate) const MEETING_PAPERS_KEPT: usize = 64;

impl PublicGuards {
    /// Counts an online petition from `address`, or says how long to wait when the address has
    /// sent [`SUBMISSIONS_PER_ADDRESS`] within [`SUBMISSION_WINDOW`].
    pub fn submission(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let Ok(mut map) = self.submissions.lock() else { return Ok(()) };
        map.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < SUBMISSION_WINDOW);
            !times.is_empty()
        });
        let times = map.entry(address).or_default();
        if times.len() >= SUBMISSIONS_PER_ADDRESS {
            let oldest = times.iter().min().copied().unwrap_or(now);
            return Err(SUBMISSION_WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        times.push(now);
        Ok(())
    }

    /// Marks a question answered; false if it was answered before.
    pub(super) fn answer_once(&self, nonce: &str, expires: i64, now: i64) -> bool {
        let Ok(mut used) = self.used_questions.lock() else { return false };
        used.retain(|_, until| *until >= now);
        used.insert(nonce.to_owned(), expires).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_1_an_address_sends_a_few_petitions_an_hour() {
        let guards = PublicGuards::default();
        let (here, there) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let now = Instant::now();
        for _ in 0..SUBMISSIONS_PER_ADDRESS {
            assert_eq!(guards.submission(here, now), Ok(()));
        }
        let wait = guards.submission(here, now + Duration::from_secs(60)).unwrap_err();
        assert_eq!(wait, SUBMISSION_WINDOW - Duration::from_secs(60));
        assert_eq!(guards.submission(there, now), Ok(()), "another address is not held back");
        assert_eq!(guards.submission(here, now + SUBMISSION_WINDOW), Ok(()), "the window moves on");
    }

    #[test]
    fn gen_1_a_question_is_answered_once() {
        let guards = PublicGuards::default();
        assert!(guards.answer_once("n1", 100, 50));
        assert!(!guards.answer_once("n1", 100, 60));
        assert!(guards.answer_once("n2", 100, 60));
    }
}
