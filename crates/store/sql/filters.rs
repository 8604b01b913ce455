//! A query limited to the reader's scope, the list filters and GEN-7 blindness.

use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::kpi::{MeasureCode, MeasurePart};
use huiyin_core::statistics::Reached;
use huiyin_store::{Blindness, CaseQuery, ExactKey, MeasureFilter, SkipFilter, StoreError, StoreResult, Waiting};

use super::push_ids;
use crate::{Db, dialect};

/// The two disjoint parts of a reader's scope: cases registered in it, and cases registered outside
/// it but held in it now. Each part is one index range, which an `OR` of the two would not be.
#[derive(Clone, Copy)]
pub(super) enum ScopePart {
    Registered,
    HeldOnly,
}

/// How a page of a scope part is best read.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Access {
    /// Through the scope's index range, then sorted: for parts that are a small share of all cases.
    ScopeIndex,
    /// Along the index of the sort order, skipping rows out of scope: for large shares, where the
    /// first page is found after a few rows. Written `unit_id + 0` so that no planner takes the
    /// scope index instead.
    SortOrder,
}

/// `WHERE` and the scope part, on a query whose table is aliased `c` (`cases` or `case_tally`).
pub(super) fn push_scope(b: &mut sqlx::QueryBuilder<Db>, part: ScopePart, scope: &[i64], access: Access) {
    match part {
        ScopePart::Registered if access == Access::SortOrder => {
            b.push(" WHERE c.unit_id + 0 IN ");
            push_ids(b, scope);
        }
        ScopePart::Registered => {
            b.push(" WHERE c.unit_id IN ");
            push_ids(b, scope);
        }
        ScopePart::HeldOnly => {
            b.push(" WHERE c.holding_unit_id IN ");
            push_ids(b, scope);
            // Repeats the partial index's predicate, so that planners take it.
            b.push(" AND c.holding_unit_id <> c.unit_id AND c.unit_id NOT IN ");
            push_ids(b, scope);
        }
    }
}

/// The list filters. Status and channel exist on `case_tally` too; the others only on `cases`.
pub(super) fn push_filters(b: &mut sqlx::QueryBuilder<Db>, query: &CaseQuery) {
    if let Some(status) = query.status {
        b.push(" AND c.status = ").push_bind(status.code());
    }
    if let Some(channel) = query.channel {
        b.push(" AND c.channel = ").push_bind(channel.code());
    }
    if let Some(from) = query.received_from {
        b.push(" AND c.received_at >= ").push_bind(from);
    }
    if let Some(before) = query.received_before {
        b.push(" AND c.received_at < ").push_bind(before);
    }
    if let Some(owner) = query.owner {
        b.push(" AND c.owner_id = ").push_bind(owner);
    }
    if let Some(due_by) = query.due_by {
        b.push(" AND c.next_due <= ").push_bind(due_by);
    }
    if query.due_provisional {
        b.push(
            " AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id \
             AND d.met_at IS NULL AND d.provisional AND d.kind NOT IN ('review_request', 're_review_request'))",
        );
    }
    if let Some(unit) = query.held_by {
        b.push(" AND c.holding_unit_id = ").push_bind(unit);
    }
    if let Some(session) = query.session {
        b.push(" AND c.session_id = ").push_bind(session);
    }
    if query.open_only {
        b.push(" AND c.status NOT IN ('closed', 'not_accepted', 'registered_only', 'final')");
    }
    if let Some(category) = &query.category {
        // A class and the classes under it share its code as their prefix; the code is digits only.
        b.push(" AND c.category_code LIKE ").push_bind(format!("{}%", category.replace(['%', '_'], "")));
    }
    if let Some(flag) = query.flag {
        push_flag(b, flag, true);
    }
    match query.waiting {
        // The last word on the draft is the leaders' return: no draft since, no review round begun.
        Some(Waiting::Redraft) => {
            b.push(
                " AND c.status = 'accepted' AND (SELECT e.kind FROM case_events e WHERE e.case_id = c.id \
                 AND e.kind IN ('opinion_drafted', 'opinion_returned', 'review_requested') \
                 ORDER BY e.seq DESC LIMIT 1) = 'opinion_returned'",
            );
        }
        Some(Waiting::ReturnVisit) => {
            b.push(
                " AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id \
                 AND d.kind = 'return_visit' AND d.met_at IS NULL)",
            );
        }
        None => {}
    }
    if let Some(purpose) = query.purpose {
        b.push(" AND c.purpose = ").push_bind(purpose.code());
    }
    if let Some(place) = query.place_unit {
        b.push(" AND c.place_unit_id = ").push_bind(place);
    }
    match query.skip_level {
        Some(SkipFilter::Reached(reached)) => push_reached(b, reached),
        Some(SkipFilter::Any) => {
            b.push(" AND (");
            for (i, reached) in Reached::ALL.into_iter().enumerate() {
                b.push(if i == 0 { "" } else { " OR " }).push("CAST(c.flags AS TEXT) LIKE ");
                b.push_bind(format!("%\"{}\"%", reached.flag().code()));
            }
            b.push(")");
        }
        None => {}
    }
    if let Some(measure) = &query.measure {
        push_measure(b, measure);
    }
    push_not_accusing(b, &query.hidden_accusers_of);
    match &query.exact {
        Some(ExactKey::CaseNumber(number)) => {
            b.push(" AND c.case_number = ").push_bind(number.clone());
        }
        Some(ExactKey::IdNumber(number)) => {
            b.push(" AND c.petitioner_id_number = ").push_bind(number.clone());
        }
        Some(ExactKey::Phone(phone)) => {
            b.push(" AND c.petitioner_phone = ").push_bind(phone.clone());
        }
        None => {}
    }
}

/// GEN-7: leaves out the cases `c` that accuse one of the reader's units or the reader, and those
/// the reader stands aside from (回避): for them those cases do not exist.
pub(super) fn push_not_accusing(b: &mut sqlx::QueryBuilder<Db>, blind: &Blindness) {
    if !blind.cases.is_empty() {
        // A notification about no case is about none of them.
        b.push(" AND (c.id IS NULL OR c.id NOT IN ");
        push_ids(b, &blind.cases);
        b.push(")");
    }
    if !blind.units.is_empty() {
        b.push(" AND (c.accused_unit_id IS NULL OR c.accused_unit_id NOT IN ");
        push_ids(b, &blind.units);
        b.push(")");
    }
    if !blind.users.is_empty() {
        b.push(" AND (c.accused_user_id IS NULL OR c.accused_user_id NOT IN ");
        push_ids(b, &blind.users);
        b.push(")");
    }
}

/// Both parts of a scope at once: registered in it, or held by it.
pub(crate) fn push_whole_scope(b: &mut sqlx::QueryBuilder<Db>, scope: &[i64]) {
    b.push(" AND (c.unit_id IN ");
    push_ids(b, scope);
    b.push(" OR c.holding_unit_id IN ");
    push_ids(b, scope);
    b.push(")");
}

/// `AND` a flag of the case `c`.
fn push_flag(b: &mut sqlx::QueryBuilder<Db>, flag: huiyin_core::case::Flag, present: bool) {
    // The flags are a JSON array of codes; a code in quotes is matched whole.
    b.push(if present { " AND CAST(c.flags AS TEXT) LIKE " } else { " AND CAST(c.flags AS TEXT) NOT LIKE " });
    b.push_bind(format!("%\"{}\"%", flag.code()));
}

/// Skip-level visits that went as far as `reached` and no farther (TWN-14).
fn push_reached(b: &mut sqlx::QueryBuilder<Db>, reached: Reached) {
    push_flag(b, reached.flag(), true);
    for farther in Reached::ALL.into_iter().filter(|r| *r > reached) {
        push_flag(b, farther.flag(), false);
    }
}

/// Midnight at the start of `day`, China time.
pub(super) fn china_midnight(day: NaiveDate) -> StoreResult<DateTime<Utc>> {
    chrono::TimeZone::from_local_datetime(&huiyin_core::case::CHINA_OFFSET, &day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| StoreError::Corrupt(format!("no instant for {day}")))
}

/// The instants from the start of `from` to the end of `to`, China days.
pub(super) fn china_days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = china_midnight(from).unwrap_or_default();
    let end = to.succ_opt().and_then(|next| china_midnight(next).ok()).unwrap_or(start);
    (start, end)
}

/// `AND` the deadline `d` was settled in the period (docs/MEASURES.md): met on one of its China
/// days, or unmet and due on one of them before `today`.
pub(super) fn push_settled(b: &mut sqlx::QueryBuilder<Db>, from: NaiveDate, to: NaiveDate, today: NaiveDate) {
    b.push(" AND ((d.met_at IS NOT NULL");
    push_met_in(b, from, to);
    b.push(") OR (d.met_at IS NULL");
    push_came_due_in(b, from, to, today);
    b.push("))");
}

/// `AND` the deadline `d` was met on a China day of the period: between the instants its first day
/// begins and the day after its last begins (so that an index on `met_at` orders it).
pub(super) fn push_met_in(b: &mut sqlx::QueryBuilder<Db>, from: NaiveDate, to: NaiveDate) {
    let (start, end) = china_days(from, to);
    b.push(" AND d.met_at >= ").push_bind(start).push(" AND d.met_at < ").push_bind(end);
}

/// `AND` the deadline `d` is due on a day of the period before `today` (unmet, it is settled then).
pub(super) fn push_came_due_in(b: &mut sqlx::QueryBuilder<Db>, from: NaiveDate, to: NaiveDate, today: NaiveDate) {
    b.push(" AND d.due >= ")
        .push_bind(from)
        .push(" AND d.due <= ")
        .push_bind(to)
        .push(" AND d.due < ")
        .push_bind(today);
}

/// The deadline `d` was met by its due day, China time.
pub(super) fn met_in_time() -> String {
    format!("(d.met_at IS NOT NULL AND {} <= d.due)", dialect::CHINA_DAY_OF_MET_AT)
}

/// The cases `c` behind one number of a measure (docs/MEASURES.md).
fn push_measure(b: &mut sqlx::QueryBuilder<Db>, m: &MeasureFilter) {
    let (start, end) = china_days(m.from, m.to);
    let rated_in = |b: &mut sqlx::QueryBuilder<Db>, judged: Option<(&str, bool)>| {
        b.push("EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'rated' AND e.occurred_at >= ");
        b.push_bind(start).push(" AND e.occurred_at < ").push_bind(end);
        if let Some((whose, pleased)) = judged {
            b.push(" AND ").push(whose).push(if pleased { " <> 'dissatisfied'" } else { " = 'dissatisfied'" });
        }
        b.push(")");
    };
    match m.measure {
        MeasureCode::TimelyAcceptance | MeasureCode::OnTimeClosure => {
            let kind = if m.measure == MeasureCode::TimelyAcceptance { "notice" } else { "handling" };
            b.push(" AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.kind = ").push_bind(kind);
            push_settled(b, m.from, m.to, m.today);
            match m.part {
                MeasurePart::All => {}
                MeasurePart::Counted => {
                    b.push(" AND ").push(met_in_time());
                }
                MeasurePart::Missed => {
                    b.push(" AND NOT ").push(met_in_time());
                }
            }
            b.push(")");
        }
        MeasureCode::Participation => {
            b.push(" AND (");
            if m.part != MeasurePart::Missed {
                rated_in(b, None);
            }
            if m.part == MeasurePart::All {
                b.push(" OR ");
            }
            if m.part != MeasurePart::Counted {
                if m.lapsed.is_empty() {
                    b.push("1 = 0");
                } else {
                    b.push("c.id IN ");
                    push_ids(b, &m.lapsed);
                }
            }
            b.push(")");
        }
        MeasureCode::SatisfactionOffice | MeasureCode::Satisfaction => {
            let whose = if m.measure == MeasureCode::Satisfaction {
                dialect::RATING_OF_UNIT
            } else {
                dialect::RATING_OF_OFFICE
            };
            b.push(" AND ");
            match m.part {
                MeasurePart::All => rated_in(b, None),
                MeasurePart::Counted => rated_in(b, Some((whose, true))),
                MeasurePart::Missed => rated_in(b, Some((whose, false))),
            }
        }
        MeasureCode::RepeatRate => {
            b.push(" AND c.received_at >= ").push_bind(start).push(" AND c.received_at < ").push_bind(end);
            match m.part {
                MeasurePart::All => {}
                MeasurePart::Counted => push_flag(b, huiyin_core::case::Flag::Repeat, true),
                MeasurePart::Missed => push_flag(b, huiyin_core::case::Flag::Repeat, false),
            }
        }
    }
}
