//! What each step of a case counts for the measures (GEN-9, docs/MEASURES.md): a *fact* is one
//! thing a measure counts — a registration, an acceptance notice or a handling limit settled, a
//! reply, a rating of the office or of the handling unit — with the China day it counts on and how
//! it came out. The store keeps a case's facts beside it, each with the unit whose step it was, and
//! sums them by unit and month in the same transaction as the events (the kept tally), so that a
//! unit's measures over a year are read from a few rows. What a fact adds to a unit's counts is
//! [`KpiTallies::count`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::event::Rating;
use crate::kpi::{KpiTallies, RatingTally};
use crate::limits::{Deadline, DeadlineKind, china_day};

/// What a fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    /// A case received (重复信访率): on the day it was received, for the unit that registered it.
    Registered,
    /// The acceptance notice (书面告知, GEN-3): on the day it was given, else its due day; for the
    /// unit holding the case when it was given, else the unit holding it now.
    Notice,
    /// The handling limit (GEN-4), met by the reply: as the notice.
    Handling,
    /// A reply (答复): on its day, for the unit that replied (its rating window, 参评率).
    Replied,
    /// The rating of the petition office (登记、转送): for the unit that registered the case.
    RatedOffice,
    /// The rating of the handling unit (办理、答复): for the unit holding the case when rated.
    RatedUnit,
}

impl FactKind {
    pub const ALL: [FactKind; 6] = [
        FactKind::Registered,
        FactKind::Notice,
        FactKind::Handling,
        FactKind::Replied,
        FactKind::RatedOffice,
        FactKind::RatedUnit,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            FactKind::Registered => "registered",
            FactKind::Notice => "notice",
            FactKind::Handling => "handling",
            FactKind::Replied => "replied",
            FactKind::RatedOffice => "rated_office",
            FactKind::RatedUnit => "rated_unit",
        }
    }

    pub fn parse(code: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a case has one such fact at most (replies and ratings are one per event).
    pub fn once_per_case(self) -> bool {
        matches!(self, FactKind::Registered | FactKind::Notice | FactKind::Handling)
    }
}

/// How a fact came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// A first petition (初信初访).
    First,
    /// Flagged 重复信访.
    Repeat,
    /// A deadline met on or before its due day (China time).
    OnTime,
    /// A deadline met after its due day.
    Late,
    /// A deadline not yet met: it counts once its due day has passed.
    Open,
    /// A reply.
    Replied,
    /// A rating.
    Rated(Rating),
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::First,
        Outcome::Repeat,
        Outcome::OnTime,
        Outcome::Late,
        Outcome::Open,
        Outcome::Replied,
        Outcome::Rated(Rating::Satisfied),
        Outcome::Rated(Rating::BasicallySatisfied),
        Outcome::Rated(Rating::Dissatisfied),
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::First => "first",
            Outcome::Repeat => "repeat",
            Outcome::OnTime => "on_time",
            Outcome::Late => "late",
            Outcome::Open => "open",
            Outcome::Replied => "replied",
            Outcome::Rated(Rating::Satisfied) => "satisfied",
            Outcome::Rated(Rating::BasicallySatisfied) => "basically_satisfied",
            Outcome::Rated(Rating::Dissatisfied) => "dissatisfied",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// One fact of a case, without the unit whose step it was (the store knows the units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fact {
    pub kind: FactKind,
    /// The event a reply or a rating is (its sequence number in the case's log); 0 for the others.
    pub seq: i64,
    pub day: NaiveDate,
    pub outcome: Outcome,
}

impl Fact {
    /// Whether the fact counts in the China days `from` to `to`, as of `today`: on its day, but an
    /// open deadline only once its due day has passed (docs/MEASURES.md). The store's queries say
    /// the same in SQL.
    pub fn counts_in(&self, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> bool {
        self.day >= from && self.day <= to && (self.outcome != Outcome::Open || self.day < today)
    }
}

/// The month a day is summed in by the kept tally: `2026-11`.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// Whose a case's facts are: the unit that registered it, the unit whose step an event was (the
/// holder before it: a transfer's notice is the sender's), and the unit holding it after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    pub registered_by: i64,
    pub step_by: i64,
    pub holder: i64,
}

/// A case's facts of which it has one at most (its registration, acceptance notice and handling
/// limit), each with its unit: a deadline settled as it was `kept` stays with the unit it was kept
/// for; one settled now is the step's; an open one is the holder's.
pub fn case_facts(
    received_at: DateTime<Utc>,
    repeat: bool,
    deadlines: &[Deadline],
    kept: &[(Fact, i64)],
    units: Units,
) -> Vec<(Fact, i64)> {
    let mut facts = vec![(registration(received_at, repeat), units.registered_by)];
    facts.extend(deadlines.iter().filter_map(deadline).map(|fact| {
        let settled_before = kept.iter().find(|(k, _)| *k == fact && k.outcome != Outcome::Open);
        let unit = match settled_before {
            Some((_, unit)) => *unit,
            None if fact.outcome == Outcome::Open => units.holder,
            None => units.step_by,
        };
        (fact, unit)
    }));
    facts
}

/// The registration's fact: received on `received_at`, a repeat or a first petition.
pub fn registration(received_at: DateTime<Utc>, repeat: bool) -> Fact {
    Fact {
        kind: FactKind::Registered,
        seq: 0,
        day: china_day(received_at),
        outcome: if repeat { Outcome::Repeat } else { Outcome::First },
    }
}

/// The fact of a deadline the measures count (the acceptance notice and the handling limit): met on
/// the China day it was met, on time when that is not after its (extended) due day; else open on
/// its due day. Other deadlines count for no measure.
pub fn deadline(d: &Deadline) -> Option<Fact> {
    let kind = match d.kind {
        DeadlineKind::Notice => FactKind::Notice,
        DeadlineKind::Handling => FactKind::Handling,
        _ => return None,
    };
    let (day, outcome) = match d.met_at {
        Some(met) => {
            let day = china_day(met);
            (day, if day <= d.due.date { Outcome::OnTime } else { Outcome::Late })
        }
        None => (d.due.date, Outcome::Open),
    };
    Some(Fact { kind, seq: 0, day, outcome })
}

/// A reply's fact, the event `seq` given at `at`.
pub fn reply(seq: i64, at: DateTime<Utc>) -> Fact {
    Fact { kind: FactKind::Replied, seq, day: china_day(at), outcome: Outcome::Replied }
}

/// A rating's two facts: the office's and the handling unit's, the event `seq` given at `at`.
pub fn rating(seq: i64, at: DateTime<Utc>, office: Rating, unit: Rating) -> [Fact; 2] {
    let day = china_day(at);
    [
        Fact { kind: FactKind::RatedOffice, seq, day, outcome: Outcome::Rated(office) },
        Fact { kind: FactKind::RatedUnit, seq, day, outcome: Outcome::Rated(unit) },
    ]
}

impl KpiTallies {
    /// Adds `n` facts of `kind` that came out as `outcome` (negative `n` takes them away; a sum
    /// that would go below zero stays at zero). The day is the caller's to judge: an open deadline
    /// counts only once its due day has passed, every other fact on its day in the period.
    pub fn count(&mut self, kind: FactKind, outcome: Outcome, n: i64) {
        let add = |to: &mut u64| *to = to.saturating_add_signed(n);
        let rated = |tally: &mut RatingTally, rating: Rating| match rating {
            Rating::Satisfied => add(&mut tally.satisfied),
            Rating::BasicallySatisfied => add(&mut tally.basically_satisfied),
            Rating::Dissatisfied => add(&mut tally.dissatisfied),
        };
        match (kind, outcome) {
            (FactKind::Registered, outcome) => {
                add(&mut self.repeats.registered);
                if outcome == Outcome::Repeat {
                    add(&mut self.repeats.repeats);
                }
            }
            (FactKind::Notice | FactKind::Handling, outcome) => {
                let tally = if kind == FactKind::Notice { &mut self.acceptance } else { &mut self.closure };
                add(&mut tally.due);
                if outcome == Outcome::OnTime {
                    add(&mut tally.on_time);
                }
            }
            (FactKind::RatedOffice, Outcome::Rated(rating)) => rated(&mut self.ratings_office, rating),
            (FactKind::RatedUnit, Outcome::Rated(rating)) => {
                rated(&mut self.ratings, rating);
                add(&mut self.participation.rated);
            }
            // A reply counts only when its window lapses (the application's, with the calendar).
            (FactKind::Replied | FactKind::RatedOffice | FactKind::RatedUnit, _) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Due, Limit};
    use chrono::TimeZone;

    fn handling(due: NaiveDate, met_at: Option<DateTime<Utc>>) -> Deadline {
        Deadline {
            kind: DeadlineKind::Handling,
            start: due,
            limit: Limit::CalendarDays(60),
            extension_days: 0,
            due: Due { date: due, provisional: false },
            met_at,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    #[test]
    fn gen_9_a_deadline_is_on_time_by_its_china_day() {
        let due = day(2026, 3, 10);
        // 23:30 UTC on the 9th is 07:30 on the 10th in China: the due day, on time.
        let on_time = Utc.with_ymd_and_hms(2026, 3, 9, 23, 30, 0).single();
        // 17:00 UTC on the 10th is 01:00 on the 11th in China: a day late.
        let late = Utc.with_ymd_and_hms(2026, 3, 10, 17, 0, 0).single();
        let fact = |met| deadline(&handling(due, met)).map(|f| (f.day, f.outcome));
        assert_eq!(fact(on_time), Some((due, Outcome::OnTime)));
        assert_eq!(fact(late), Some((day(2026, 3, 11), Outcome::Late)));
        assert_eq!(fact(None), Some((due, Outcome::Open)));
        let mut sorting = handling(due, None);
        sorting.kind = DeadlineKind::Sorting;
        assert_eq!(deadline(&sorting), None, "sorting counts for no measure");
    }

    #[test]
    fn gen_9_facts_add_to_the_measures_they_count_for() {
        let mut t = KpiTallies::default();
        t.count(FactKind::Registered, Outcome::Repeat, 2);
        t.count(FactKind::Registered, Outcome::First, 3);
        t.count(FactKind::Notice, Outcome::OnTime, 4);
        t.count(FactKind::Notice, Outcome::Open, 1);
        t.count(FactKind::Handling, Outcome::Late, 1);
        t.count(FactKind::RatedOffice, Outcome::Rated(Rating::Dissatisfied), 1);
        t.count(FactKind::RatedUnit, Outcome::Rated(Rating::BasicallySatisfied), 2);
        t.count(FactKind::Replied, Outcome::Replied, 7);
        assert_eq!((t.repeats.repeats, t.repeats.registered), (2, 5));
        assert_eq!((t.acceptance.on_time, t.acceptance.due), (4, 5));
        assert_eq!((t.closure.on_time, t.closure.due), (0, 1));
        assert_eq!(t.ratings_office.dissatisfied, 1);
        assert_eq!((t.ratings.basically_satisfied, t.participation.rated), (2, 2));
        assert_eq!(t.participation.lapsed, 0, "a reply counts only when its window lapses");
        t.count(FactKind::Notice, Outcome::OnTime, -4);
        assert_eq!((t.acceptance.on_time, t.acceptance.due), (0, 1));
    }

    #[test]
    fn gen_9_a_step_counts_for_the_unit_that_took_it() {
        let received = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).single().expect("a time");
        let due = day(2026, 3, 20);
        let mut notice = handling(due, None);
        notice.kind = DeadlineKind::Notice;
        let open = [notice, handling(due, None)];
        // Registered by 1 and held there: both deadlines open, 1's.
        let units = Units { registered_by: 1, step_by: 1, holder: 1 };
        let kept = case_facts(received, false, &open, &[], units);
        assert_eq!(kept.iter().map(|(_, u)| *u).collect::<Vec<_>>(), [1, 1, 1]);
        // Transferred by 1 to 2, the notice given with it: the notice is 1's, the open limit 2's.
        let given = [Deadline { met_at: Some(received), ..notice }, handling(due, None)];
        let transferred = case_facts(received, false, &given, &kept, Units { step_by: 1, holder: 2, ..units });
        assert_eq!(
            transferred.iter().map(|(f, u)| (f.kind, *u)).collect::<Vec<_>>(),
            [(FactKind::Registered, 1), (FactKind::Notice, 1), (FactKind::Handling, 2)]
        );
        // Sent on by 2 to 3: the notice stays 1's.
        let sent_on = case_facts(received, true, &given, &transferred, Units { step_by: 2, holder: 3, ..units });
        assert_eq!(sent_on.iter().map(|(_, u)| *u).collect::<Vec<_>>(), [1, 1, 3]);
        assert_eq!(sent_on[0].0.outcome, Outcome::Repeat, "a repeat as the flags say now");
    }

    #[test]
    fn gen_9_a_fact_counts_on_its_day_and_an_open_one_once_due() {
        let open = deadline(&handling(day(2026, 3, 10), None)).expect("a fact");
        let (from, to) = (day(2026, 3, 1), day(2026, 3, 31));
        assert!(!open.counts_in(from, to, day(2026, 3, 10)), "due today: not yet");
        assert!(open.counts_in(from, to, day(2026, 3, 11)));
        assert!(!open.counts_in(day(2026, 3, 11), to, day(2026, 4, 1)), "outside the period");
        assert_eq!(month_of(day(2026, 3, 10)), "2026-03");
    }

    #[test]
    fn codes_read_back() {
        for kind in FactKind::ALL {
            assert_eq!(FactKind::parse(kind.code()), Some(kind));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.code()), Some(outcome));
        }
    }
}
