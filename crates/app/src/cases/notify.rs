//! Work that finds its owner: who hears of an event on a case, once, when it is written (in the
//! app, and through the outbox by SMS or e-mail where they have it). An assignment, transfer,
//! escalation or hand-off tells the person or the unit that receives the case; an opinion waiting
//! for approval tells the leaders who approve it, and one returned tells its drafter; a 不满意 rating tells the owner, who follows it
//! up (CDR-3); a review request tells the reviewing unit; a case marked major, urgent, collective
//! or abnormal on the way alerts the leaders (FED-21, COM-5). Nobody hears of their own action, and
//! every notice passes `send_case_notices`, so none reaches the accused (GEN-7).

use huiyin_core::event::{EventData, Rating};
use huiyin_core::user::Role;
use huiyin_store::{CaseFile, Notice, User};

use crate::actor::Actor;
use crate::cases::{Unreached, notice, send_case_notices};
use crate::context::AppState;
use crate::error::AppResult;
use crate::tree::unit_tree;

/// The roles that take in a case arriving at a unit.
const RECEIVERS: [Role; 3] = [Role::Officer, Role::Leader, Role::Supervisor];

/// Tells whom it concerns of `data`, just written on the case as `file` was before it.
pub(crate) async fn tell_whom_it_concerns(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    data: &EventData,
) -> AppResult<()> {
    let number = &file.state.case_number;
    let (kind, message, people) = match data {
        EventData::Assigned { unit, owner } => {
            let message = format!("{} 交办信访件 {number},请及时受理", file.unit_name);
            let people = match owner {
                Some(owner) => person(state, owner).await?,
                None => unit_staff(state, unit, &RECEIVERS).await?,
            };
            ("assigned", message, people)
        }
        EventData::Transferred { unit } => {
            let message = format!("{} 转办信访件 {number},请及时受理", file.unit_name);
            ("transferred", message, unit_staff(state, unit, &RECEIVERS).await?)
        }
        EventData::Escalated { unit, .. } => {
            let message = format!("{} 上交信访件 {number},请重新分办", file.unit_name);
            ("sent_up", message, unit_staff(state, unit, &RECEIVERS).await?)
        }
        EventData::HandedOff { to_user, to_unit, .. } => {
            let message = format!("{} 将信访件 {number} 移交给您办理", actor.user.display_name);
            let people = match (to_user, to_unit) {
                (Some(user), _) => person(state, user).await?,
                (None, Some(unit)) => unit_staff(state, unit, &RECEIVERS).await?,
                (None, None) => Vec::new(),
            };
            ("handed_off", message, people)
        }
        EventData::OpinionDrafted { .. } => {
            let message = format!("信访件 {number} 的处理意见待您审批");
            let leaders = state.store.unit_staff(file.holding_unit_id, &[Role::Leader]).await?;
            ("awaiting_approval", message, leaders)
        }
        EventData::OpinionReturned { .. } => {
            // The comment stays on the case page: a notice may leave by SMS, and says no more than
            // the case number.
            let message = format!(
                "{} 退回了信访件 {number} 的处理意见,请在信访件页面查看修改意见,修改后重新提交",
                actor.user.display_name
            );
            let drafter = file.events.iter().rev().find(|e| matches!(e.data, EventData::OpinionDrafted { .. }));
            let people = match drafter {
                Some(e) => person(state, &e.actor).await?,
                None => Vec::new(),
            };
            ("opinion_returned", message, people)
        }
        EventData::Rated { office, unit, .. } if *office == Rating::Dissatisfied || *unit == Rating::Dissatisfied => {
            let message = format!("信访人对信访件 {number} 的办理不满意,请安排回访");
            ("dissatisfied", message, person(state, &file.state.owner).await?)
        }
        // Marked major, urgent, collective or abnormal on the way: the leaders of the unit holding
        // it are alerted as at registration (FED-21, COM-5); once a flag, not again for one it has.
        EventData::Flagged { flag, .. } if flag.alerts() && !file.state.flags.contains(flag) => {
            let marked = Some((actor, *flag));
            return crate::cases::register::alert_leaders(state, file.holding_unit_id, file.id, marked).await;
        }
        EventData::ReviewRequested { to_unit, .. } => {
            let message = format!("信访件 {number} 的信访人申请复查/复核,请受理");
            ("review_requested", message, unit_staff(state, to_unit, &RECEIVERS).await?)
        }
        _ => return Ok(()),
    };
    let notices: Vec<Notice> = people
        .iter()
        .filter(|u| u.active && u.id != actor.user.id)
        .map(|u| notice(u.id, file.id, kind, &message))
        .collect();
    if notices.is_empty() {
        return Ok(());
    }
    let tree = unit_tree(state).await?;
    send_case_notices(state, &tree, Unreached::of(file), notices).await
}

async fn person(state: &AppState, username: &str) -> AppResult<Vec<User>> {
    Ok(state.store.user_by_username(username).await?.into_iter().collect())
}

async fn unit_staff(state: &AppState, code: &str, roles: &[Role]) -> AppResult<Vec<User>> {
    match state.store.unit_by_code(code).await? {
        Some(unit) => Ok(state.store.unit_staff(unit.id, roles).await?),
        None => Ok(Vec::new()),
    }
}
