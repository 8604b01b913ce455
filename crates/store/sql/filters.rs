//! A query limited to the reader's scope, the list filters and GEN-7 blindness.

use huiyin_store::{Blindness, CaseQuery, ExactKey, Waiting};

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
        // The flags are a JSON array of codes; a code in quotes is matched whole.
        b.push(" AND CAST(c.flags AS TEXT) LIKE ").push_bind(format!("%\"{}\"%", flag.code()));
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
