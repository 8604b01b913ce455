//! 督办 (FED-10): notifications, supervision items, reminders and escalation, and the outbox.

use chrono::{DateTime, Duration, Utc};
use huiyin_core::calendar::{Calendar, due_date};
use huiyin_core::limits::{self, DeadlineKind, LimitRules, Urgency};
use huiyin_core::user::Role;
use huiyin_store::{Notice, Store};

use crate::actor::Actor;
use crate::cases::notice;
use crate::cases::{Unreached, notices_outside_accused};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::tree::unit_tree_of;

/// The actor's notifications, newest first (at most `limit`), and how many are unread; none about a
/// case that accuses the actor's unit (GEN-7).
pub async fn notifications(
    state: &AppState,
    actor: &Actor,
    limit: i64,
) -> AppResult<(Vec<huiyin_store::Notification>, i64)> {
    let items = state.store.notifications(actor.user.id, &actor.blind, limit).await?;
    Ok((items, unread_notifications(state, actor).await?))
}

/// How many of the actor's notifications are unread (GEN-7 as [`notifications`]).
pub async fn unread_notifications(state: &AppState, actor: &Actor) -> AppResult<i64> {
    Ok(state.store.unread_notifications(actor.user.id, &actor.blind).await?)
}

/// Marks every notification of the actor read (“全部标为已读”); how many were unread. A
/// notification the actor cannot see (GEN-7) is marked too: it stays unseen either way.
pub async fn mark_all_notifications_read(state: &AppState, actor: &Actor) -> AppResult<u64> {
    Ok(state.store.mark_all_notifications_read(actor.user.id, Utc::now()).await?)
}

/// Marks one of the actor's own notifications read; another person's, or none, is
/// [`AppError::NotFound`].
pub async fn mark_notification_read(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    if state.store.mark_notification_read(actor.user.id, id, Utc::now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The notifications of one kind about one case, shown as one line: reminders and supervision
/// messages about the same case do not bury the rest (issue 17).
#[derive(Debug, Clone)]
pub struct NotificationGroup {
    /// The newest of the group.
    pub latest: huiyin_store::Notification,
    pub count: usize,
    pub unread: usize,
    /// Every notification of the group, newest first.
    pub ids: Vec<i64>,
}

/// Groups notifications (newest first) by case and kind, in the order of each group's newest; a
/// notification about no case stands alone.
pub fn group_notifications(items: Vec<huiyin_store::Notification>) -> Vec<NotificationGroup> {
    let mut groups: Vec<NotificationGroup> = Vec::new();
    for n in items {
        let same =
            |g: &NotificationGroup| n.case_id.is_some() && g.latest.case_id == n.case_id && g.latest.kind == n.kind;
        match groups.iter_mut().find(|g| same(g)) {
            Some(group) => {
                group.count += 1;
                group.unread += usize::from(n.read_at.is_none());
                group.ids.push(n.id);
            }
            None => groups.push(NotificationGroup {
                count: 1,
                unread: usize::from(n.read_at.is_none()),
                ids: vec![n.id],
                latest: n,
            }),
        }
    }
    groups
}

/// Marks read the actor's notification `id` and every other of its group (same case, same kind)
/// among the actor's recent ones; another person's, or none, is [`AppError::NotFound`].
pub async fn mark_group_read(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let recent = state.store.notifications(actor.user.id, &actor.blind, 1000).await?;
    let group = group_notifications(recent).into_iter().find(|g| g.ids.contains(&id));
    let Some(group) = group else { return mark_notification_read(state, actor, id).await };
    let now = Utc::now();
    for other in group.ids {
        state.store.mark_notification_read(actor.user.id, other, now).await?;
    }
    Ok(())
}

/// The supervision items of the cases in the actor's scope (GEN-7: none of a case that accuses the
/// actor's unit).
pub async fn supervision_items(
    state: &AppState,
    actor: &Actor,
    open_only: bool,
    limit: i64,
) -> AppResult<Vec<huiyin_store::SupervisionItem>> {
    Ok(state.store.supervision_items(&actor.scope, &actor.blind, open_only, limit).await?)
}

/// What one supervision run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SupervisionRun {
    pub reminded: u64,
    pub opened: u64,
    pub escalated: u64,
    pub closed: u64,
    /// Units whose month of leaders' reception days was not published in time, told now (TWN-9).
    pub reception_unpublished: u64,
    /// Complaints against staff past their due day, told to their investigators now (FED-12).
    pub complaints_overdue: u64,
    /// Staff whose training is past its interval, told to their supervisors now (FED-14).
    pub training_due: u64,
    /// Communities' bodies that met less often than their cadence last period, told to the
    /// community's leaders now (DEM-3 … DEM-5).
    pub meetings_missed: u64,
    /// Units that had not signed off their screening of the month before by their day, told now
    /// (TWN-13).
    pub screenings_missed: u64,
    /// Matters of signed screenings whose deadline is near, passed, or passed beyond the escalation
    /// limit, told now (TWN-13).
    pub screening_matters: u64,
}

/// How far ahead a supervision run looks for deadlines to remind of.
const REMIND_HORIZON_DAYS: i64 = 31;

/// 督办 (FED-10): reminds owners of deadlines due soon, opens a supervision item for each overdue
/// deadline (owner, supervisors and leaders of the holding unit are told), escalates items overdue
/// past the unit's limit to the unit above, closes items whose deadline was met, and tells the
/// supervisors of a unit whose month of leaders' reception days is not published in time (TWN-9),
/// the investigators of a complaint past its due day (FED-12) and the supervisors of a staff member
/// whose training is past its interval (FED-14) and the leaders of a community whose body missed its
/// cadence (DEM-3 … DEM-5), a unit that has not screened the month before by its day and a screened
/// matter whose deadline is near or past (TWN-13), each once. Idempotent:
/// several servers may run it at once, and a second run changes nothing.
pub async fn supervise(store: &dyn Store, calendar: &Calendar, now: DateTime<Utc>) -> AppResult<SupervisionRun> {
    let today = limits::china_day(now);
    let mut run = SupervisionRun::default();
    let mut rules_by_unit: std::collections::HashMap<i64, LimitRules> = std::collections::HashMap::new();
    let due = store.due_deadlines(today + Duration::days(REMIND_HORIZON_DAYS), 100_000).await?;
    let tree = unit_tree_of(store).await?;
    for item in &due {
        if let std::collections::hash_map::Entry::Vacant(slot) = rules_by_unit.entry(item.unit_id) {
            slot.insert(store.limit_rules_for(item.unit_id).await?.unwrap_or_default());
        }
        let rules = &rules_by_unit[&item.unit_id];
        let d = &item.deadline;
        if d.kind.owner() != limits::DeadlineOwner::Office {
            // The petitioner's own limits (to ask for review) are not chased.
            continue;
        }
        match d.urgency(today, calendar, rules.remind_before) {
            Urgency::DueSoon => {
                let message = format!(
                    "信访件 {} 的“{}”将于 {} 到期,请及时办理。",
                    item.case_number,
                    d.kind.label_zh(),
                    d.due.date
                );
                let notices = vec![notice(item.owner_id, item.case_id, "due_soon", &message)];
                let notices = notices_outside_accused(
                    store,
                    &tree,
                    unreached(item.accused_unit_id, item.accused_user_id),
                    notices,
                )
                .await?;
                run.reminded += u64::from(store.remind_once(item, now, &notices).await?);
            }
            Urgency::Overdue(days) => {
                let message = format!(
                    "督办:信访件 {} 的“{}”已于 {} 到期,超期 {days} 天,请立即办理。",
                    item.case_number,
                    d.kind.label_zh(),
                    d.due.date
                );
                let mut recipients = vec![item.owner_id];
                for u in store.unit_staff(item.unit_id, &[Role::Supervisor, Role::Leader]).await? {
                    if !recipients.contains(&u.id) {
                        recipients.push(u.id);
                    }
                }
                let notices: Vec<Notice> =
                    recipients.iter().map(|u| notice(*u, item.case_id, "overdue", &message)).collect();
                let notices = notices_outside_accused(
                    store,
                    &tree,
                    unreached(item.accused_unit_id, item.accused_user_id),
                    notices,
                )
                .await?;
                run.opened += u64::from(store.open_supervision_item(item, now, &notices).await?);
            }
            Urgency::Met | Urgency::OnTrack => {}
        }
    }
    for candidate in store.items_to_escalate(today).await? {
        let (unit_id, item) = (candidate.holding_unit_id, candidate.item);
        // GEN-7: escalation from below the accused skips over it.
        let above = tree.above_outside_reach(unit_id, candidate.accused_unit_id);
        let Some(&parent) = above.first() else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = rules_by_unit.entry(unit_id) {
            slot.insert(store.limit_rules_for(unit_id).await?.unwrap_or_default());
        }
        let limit = rules_by_unit[&unit_id].escalate_after;
        if due_date(calendar, item.due, limit).date >= today {
            continue;
        }
        let message = format!(
            "督办升级:{} 的信访件 {} 的“{}”自 {} 超期未办,已报上级督办。",
            item.unit_code,
            item.case_number,
            DeadlineKind::parse(&item.kind).map_or(item.kind.clone(), |k| k.label_zh().to_owned()),
            item.due
        );
        let notices: Vec<Notice> = store
            .unit_staff(parent, &[Role::Supervisor, Role::Leader])
            .await?
            .iter()
            .map(|u| notice(u.id, item.case_id, "escalated", &message))
            .collect();
        let notices = notices_outside_accused(
            store,
            &tree,
            unreached(candidate.accused_unit_id, candidate.accused_user_id),
            notices,
        )
        .await?;
        run.escalated += u64::from(store.escalate_item(item.id, parent, now, &notices).await?);
    }
    run.closed = store.close_settled_items(now).await?;
    run.reception_unpublished = crate::reception::tell_unpublished_months(store, calendar, now).await?;
    run.complaints_overdue = crate::complaints::tell_overdue(store, now).await?;
    run.training_due = crate::training::tell_due(store, calendar, now).await?;
    run.meetings_missed = crate::meetings::tell_missed(store, now).await?;
    run.screenings_missed = crate::screenings::tell_unscreened(store, calendar, now).await?;
    run.screening_matters = crate::screenings::follow_matters(store, calendar, now).await?;
    // The guessing counters (guards) keep a day at most; an expired session's record (with where it
    // was signed in from) is kept no longer.
    store.purge_failures(now - Duration::days(2)).await?;
    store.purge_sessions(now).await?;
    // An SMS or e-mail no server of the installation sends (it has no gateway or mail server) is
    // not kept beyond a week: the notice itself stays in the app.
    store.outbox_prune(now - Duration::days(7)).await?;
    let metrics = crate::metrics::metrics();
    metrics.supervision_runs.inc();
    metrics.supervision_items.inc_by(run.reminded + run.opened + run.escalated);
    Ok(run)
}

/// Who a supervision notice about a case must not reach: its accused, and (not knowing whether
/// anybody stands aside from the case) whoever does (回避).
fn unreached(accused: Option<i64>, accused_user: Option<i64>) -> Unreached {
    Unreached { accused, accused_user, anyone_recused: true }
}

#[cfg(test)]
mod grouping_tests {
    use super::*;
    use huiyin_store::Notification;

    fn n(id: i64, case_id: Option<i64>, kind: &str, read: bool) -> Notification {
        Notification {
            id,
            case_id,
            kind: kind.into(),
            message: format!("#{id}"),
            created_at: Utc::now(),
            read_at: read.then(Utc::now),
        }
    }

    #[test]
    fn fed_10_reminders_about_one_case_are_one_line() {
        let items = vec![
            n(6, Some(1), "reminder", false),
            n(5, Some(2), "assigned", false),
            n(4, Some(1), "reminder", true),
            n(3, None, "system", false),
            n(2, Some(1), "reminder", false),
            n(1, None, "system", true),
        ];
        let groups = group_notifications(items);
        let shape: Vec<(i64, usize, usize)> = groups.iter().map(|g| (g.latest.id, g.count, g.unread)).collect();
        assert_eq!(shape, [(6, 3, 2), (5, 1, 1), (3, 1, 1), (1, 1, 0)]);
        assert_eq!(groups[0].ids, [6, 4, 2]);
    }
}
