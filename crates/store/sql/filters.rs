//! A query limited to the reader's scope, the list filters and GEN-7 blindness.

use huiyin_core::kpi::{MeasureCode, MeasurePart};
use huiyin_core::measure_facts::FactKind;
use huiyin_core::statistics::Reached;
use huiyin_store::{Blindness, CaseQuery, ExactKey, MeasureFilter, SkipFilter, Waiting};

use super::push_ids;
use crate::Db;

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

/// GEN-7: only the cases `c` that [`push_not_accusing`] leaves out (`blind` is not empty).
pub(super) fn push_accusing(b: &mut sqlx::QueryBuilder<Db>, blind: &Blindness) {
    b.push(" AND (");
    let mut any = false;
    for (column, ids) in
        [("c.id", &blind.cases), ("c.accused_unit_id", &blind.units), ("c.accused_user_id", &blind.users)]
    {
        if !ids.is_empty() {
            b.push(if any { " OR " } else { "" }).push(column).push(" IN ");
            push_ids(b, ids);
            any = true;
        }
    }
    b.push(if any { ")" } else { "1 = 0)" });
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

/// `EXISTS` a fact of `kind` of the case `c`, by one of the filter's units, counted in its period
/// (docs/MEASURES.md: every fact on its day, an open deadline once its due day has passed), whose
/// outcome is as `outcome` says (a condition on `f.outcome`, or nothing).
fn push_fact(b: &mut sqlx::QueryBuilder<Db>, m: &MeasureFilter, kind: FactKind, outcome: &'static str) {
    if m.units.is_empty() {
        b.push("1 = 0");
        return;
    }
    b.push("EXISTS (SELECT 1 FROM measure_facts f WHERE f.case_id = c.id AND f.kind = ").push_bind(kind.code());
    b.push(" AND f.unit_id IN ");
    push_ids(b, &m.units);
    push_counted_in(b, m.from, m.to, m.today);
    b.push(outcome).push(")");
}

/// `AND` the fact `f` counts in the China days `from` to `to` as of `today`: on its day, an open
/// deadline once its due day has passed (`huiyin_core::measure_facts::Fact::counts_in`).
pub(super) fn push_counted_in(
    b: &mut sqlx::QueryBuilder<Db>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    today: chrono::NaiveDate,
) {
    b.push(" AND f.day >= ").push_bind(from).push(" AND f.day <= ").push_bind(to);
    b.push(" AND (f.outcome <> 'open' OR f.day < ").push_bind(today).push(")");
}

/// The cases `c` behind one number of a measure (docs/MEASURES.md).
fn push_measure(b: &mut sqlx::QueryBuilder<Db>, m: &MeasureFilter) {
    let part = |counted: &'static str, missed: &'static str| match m.part {
        MeasurePart::All => "",
        MeasurePart::Counted => counted,
        MeasurePart::Missed => missed,
    };
    b.push(" AND ");
    match m.measure {
        MeasureCode::TimelyAcceptance | MeasureCode::OnTimeClosure => {
            let kind = if m.measure == MeasureCode::TimelyAcceptance { FactKind::Notice } else { FactKind::Handling };
            push_fact(b, m, kind, part(" AND f.outcome = 'on_time'", " AND f.outcome <> 'on_time'"));
        }
        MeasureCode::Participation => {
            b.push("(");
            if m.part != MeasurePart::Missed {
                push_fact(b, m, FactKind::RatedUnit, "");
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
            let kind = if m.measure == MeasureCode::Satisfaction { FactKind::RatedUnit } else { FactKind::RatedOffice };
            push_fact(b, m, kind, part(" AND f.outcome <> 'dissatisfied'", " AND f.outcome = 'dissatisfied'"));
        }
        MeasureCode::RepeatRate => {
            push_fact(b, m, FactKind::Registered, part(" AND f.outcome = 'repeat'", " AND f.outcome = 'first'"));
        }
    }
}
