//! The actions of a case's life: every one checked by the core (state, role, unit) and by the one
//! GEN-7 guard, appended as an event with the case's new state and deadlines.

use chrono::{DateTime, Utc};
use huiyin_core::case::{CaseNumber, Flag};
use huiyin_core::event::{ActionDraft, EventData, HandOffDraft, ReportUpDraft};
use huiyin_core::informant::UnitTree;
use huiyin_core::lifecycle::{
    self, AnswerDraft, ClearFlagDraft, ExtendDraft, FlagDraft, HearingDraft, InstructDraft, LeaderDraft, LiaisonDraft,
    OpinionDraft, RateDraft, ReasonDraft, RecuseDraft, RejectDraft, ReturnOpinionDraft, ReturnVisitDraft, SendDraft,
    SetAccusedDraft,
};
use huiyin_core::limits::{self, DeadlineKind};
use huiyin_core::text;
use huiyin_core::unit::UnitCode;
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{CaseFile, Notice, StoreError};
use serde::Deserialize;

use crate::actor::Actor;
use crate::cases::log::{append, guard_informant, refuse_accused_holding, refuse_person_change_from_within};
use crate::cases::notice;
use crate::cases::read::case_file;
use crate::cases::register::staff_account;
use crate::cases::{Unreached, send_case_notices, unit_in_scope};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::tree::unit_tree;

/// Makes [`CaseAction`] from the catalogue: one variant per action, with its draft as typed.
macro_rules! case_action_enum {
    ($(($name:ident, $segment:literal, $path:literal, $draft:ident, $variant:ident, $doc:literal)),* $(,)?) => {
        /// One action of a case's life, with its draft as typed (`catalogue`: the one list of them).
        #[derive(Debug, Clone)]
        pub enum CaseAction {
            $(#[doc = $doc] $variant($draft),)*
        }

        /// Which action, without its draft: what the case page offers and what a form posts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CaseActionKind {
            $(#[doc = $doc] $variant,)*
        }

        impl CaseActionKind {
            /// Every action, in the catalogue's order.
            pub const ALL: &[CaseActionKind] = &[$(CaseActionKind::$variant,)*];

            /// The path segment of the action's API operation and of its staff form.
            pub fn segment(self) -> &'static str {
                match self {
                    $(CaseActionKind::$variant => $segment,)*
                }
            }
        }

        impl CaseAction {
            /// Which action this is.
            pub fn kind(&self) -> CaseActionKind {
                match self {
                    $(CaseAction::$variant(_) => CaseActionKind::$variant,)*
                }
            }

            /// The action whose path segment is `segment`, its draft read from JSON (an API body, or a
            /// staff form's fields under the API's names); `None` for no such action.
            pub fn from_json(segment: &str, draft: serde_json::Value) -> Option<Result<CaseAction, serde_json::Error>> {
                match segment {
                    $($segment => Some(serde_json::from_value(draft).map(CaseAction::$variant)),)*
                    _ => None,
                }
            }
        }
    };
}
crate::for_each_case_action!(case_action_enum);

/// 反馈 as typed (FED-18).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBackDraft {
    /// The result, reported truthfully.
    pub summary: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

pub(crate) fn meta(
    note: &Option<String>,
    at: &Option<String>,
) -> Result<(Option<String>, Option<DateTime<Utc>>), ValidationErrors> {
    ActionDraft { note: note.clone(), at: at.clone() }.parse()
}

/// A unit above `unit_id`: the named one (it must be above; the informant guard then judges it), or
/// the nearest outside the reach of the accused unit (GEN-7: escalation skips over the accused).
pub(crate) fn named_or_nearest_above(
    tree: &UnitTree,
    unit_id: i64,
    accused: Option<i64>,
    field: &str,
    named: Option<&str>,
) -> AppResult<Option<String>> {
    let code = |id: i64| tree.get(id).map(|u| u.code.clone());
    match named.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(tree.above_outside_reach(unit_id, accused).first().and_then(|id| code(*id))),
        Some(named) => tree
            .chain(unit_id)
            .into_iter()
            .skip(1)
            .find_map(|id| code(id).filter(|c| c.eq_ignore_ascii_case(named)))
            .map(Some)
            .ok_or_else(|| FieldError::new(field, Invalid::UnknownUnit).into()),
    }
}

/// Whether the actor receives the case as assigned to them: staff of the holding unit who are not
/// also the sender's (who objects, GEN-3 ¶3).
pub(crate) async fn receives_assignment(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<bool> {
    let sender = match &file.state.sent_from {
        Some(code) => state.store.unit_by_code(code).await?.map(|u| u.id),
        None => None,
    };
    Ok(actor.sees_unit(file.holding_unit_id) && !sender.is_some_and(|s| actor.sees_unit(s)))
}

/// Whether the actor accepts the case as its holder: a registered case is accepted by its holding
/// unit or one above it; an assigned one only by the receiving side, never by the unit that sent it
/// (GEN-3: the receiver accepts or objects).
pub(crate) async fn accepts_as_holder(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<bool> {
    if file.state.status == huiyin_core::event::Status::Assigned {
        receives_assignment(state, actor, file).await
    } else {
        Ok(actor.sees_unit(file.holding_unit_id))
    }
}

/// Whether the petitioner may still ask for review or re-review on `today` (GEN-5).
pub(crate) fn review_request_open(file: &CaseFile, today: chrono::NaiveDate) -> bool {
    file.deadlines.iter().any(|dl| {
        matches!(dl.kind, DeadlineKind::ReviewRequest | DeadlineKind::ReReviewRequest)
            && dl.met_at.is_none()
            && dl.due.date >= today
    })
}

/// The unit that reviews the case's reply (GEN-5): the level the replying unit's rules name, by
/// default the unit above it, outside the accused's reach.
pub(crate) async fn reviewing_unit(state: &AppState, tree: &UnitTree, file: &CaseFile) -> AppResult<Option<String>> {
    let levels = state.store.limit_rules_for(file.holding_unit_id).await?.unwrap_or_default().review_levels_up;
    let above = tree.above_outside_reach(file.holding_unit_id, file.accused_unit_id);
    let above = above.iter().filter_map(|id| tree.get(*id).map(|u| u.code.clone())).collect();
    Ok(limits::reviewing_unit(above, levels))
}

/// Takes one action on a case: checks the fields, asks the core whether it is allowed (state, role,
/// unit, GEN-7), and appends the event. A refusal writes nothing. Returns the case as it is now, even
/// when the action moved it out of the actor's sight (an objection returns it to the sender).
///
/// `shown` is the case's version as a page showed it to the actor, if the action comes from one:
/// when it is no longer the case's, someone changed the case since, and the action is refused as a
/// stale write (409) rather than taken on what the actor did not see.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: CaseAction,
    shown: Option<i64>,
) -> AppResult<CaseFile> {
    let file = case_file(state, actor, id).await?;
    if shown.is_some_and(|v| v != file.version) {
        return Err(StoreError::Conflict.into());
    }
    let role = actor.user.role;
    let in_holding_unit = actor.sees_unit(file.holding_unit_id);
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let tree = unit_tree(state).await?;
    let accused = file.accused_unit_id;
    let (data, m) = match &action {
        CaseAction::Take(d) => {
            (lifecycle::take(&file.state, role, actor.user.unit_id == file.holding_unit_id)?, d.parse()?)
        }
        CaseAction::Accept(d) => {
            let accepting = accepts_as_holder(state, actor, &file).await?;
            (lifecycle::accept(&file.state, role, accepting)?, d.parse()?)
        }
        CaseAction::Extend(d) => {
            let (days, reason) = lifecycle::parse_extension(d, &rules)?;
            (lifecycle::extend(&file.state, &file.events, role, days, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Answer(d) => {
            let answer =
                text::required("answer", d.answer.as_deref(), text::limits::CONTENT).map_err(ValidationErrors::from)?;
            let mut data = lifecycle::answer(&file.state, role, in_holding_unit, answer)?;
            if let EventData::Answered { cited, .. } = &mut data {
                *cited = crate::policies::cite(state, &d.articles).await?;
            }
            (data, meta(&d.note, &d.at)?)
        }
        CaseAction::Reject(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let channel = lifecycle::required_text("channel", &d.channel)?;
            (lifecycle::reject(&file.state, role, in_holding_unit, reason, channel)?, meta(&d.note, &d.at)?)
        }
        CaseAction::RegisterOnly(d) => {
            let p = &file.registration.petitioner;
            let reachable = p.phone.is_some() || p.address.is_some();
            let reason = lifecycle::required_text("reason", &d.reason)?;
            (lifecycle::register_only(&file.state, role, in_holding_unit, reachable, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Assign(d) | CaseAction::Transfer(d) => {
            let transfer = matches!(action, CaseAction::Transfer(_));
            let code = UnitCode::parse("unit", d.unit.as_deref().unwrap_or_default())?;
            let target = state.store.unit_by_code(code.as_str()).await?;
            // 交办 stays under our authority (our scope); 转办 may go to any competent unit.
            let target = target
                .filter(|u| u.id != file.holding_unit_id && (transfer || actor.sees_unit(u.id)))
                .ok_or_else(|| FieldError::new("unit", Invalid::UnknownUnit))?;
            let owner = match d.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                None => None,
                Some(name) => {
                    let subtree = state.store.unit_subtree(target.id).await?;
                    let user = state.store.user_by_username(&name.to_ascii_lowercase()).await?;
                    let user = user
                        .filter(|u| u.active && subtree.contains(&u.unit_id))
                        .ok_or_else(|| FieldError::new("owner", Invalid::UnknownUnit))?;
                    Some(user.username)
                }
            };
            (lifecycle::send(&file.state, role, in_holding_unit, &target.code, transfer, owner)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Object(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let receiver = receives_assignment(state, actor, &file).await?;
            (lifecycle::object(&file.state, receiver, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Escalate(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            // Any unit above the holder may be named (the town's reception day, TWN-4).
            let above = named_or_nearest_above(&tree, file.holding_unit_id, accused, "unit", d.unit.as_deref())?;
            (lifecycle::escalate(&file.state, role, in_holding_unit, above, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Opinion(d) => {
            let mut data = lifecycle::opinion(&file.state, in_holding_unit, d.parse()?)?;
            if let EventData::OpinionDrafted { cited, .. } = &mut data {
                *cited = crate::policies::cite(state, &d.articles).await?;
            }
            (data, meta(&d.note, &d.at)?)
        }
        CaseAction::Approve(d) => {
            let approval =
                lifecycle::approve(&file.state, role, in_holding_unit, &actor.user.username, rules.approvals_required);
            (approval?, d.parse()?)
        }
        CaseAction::ReturnOpinion(d) => {
            let comment = lifecycle::required_text("comment", &d.comment)?;
            (lifecycle::return_opinion(&file.state, role, in_holding_unit, comment)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Reply(d) => (lifecycle::reply(&file.state, in_holding_unit)?, d.parse()?),
        CaseAction::Rate(d) => {
            let (office, unit, reason) = d.parse()?;
            let m = meta(&d.note, &d.at)?;
            // The window is judged on the day the rating was given.
            let today = limits::china_day(m.1.unwrap_or_else(Utc::now));
            let window = limits::rating_window(&file.events, &rules, &*state.calendar().await, today);
            (lifecycle::rate(&file.state, window, office, unit, reason)?, m)
        }
        CaseAction::ReviewRequest(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let m = meta(&d.note, &d.at)?;
            // The petitioner's limit is judged on the day the request was made.
            let today = limits::china_day(m.1.unwrap_or_else(Utc::now));
            let open = review_request_open(&file, today);
            let reviewer = reviewing_unit(state, &tree, &file).await?;
            (lifecycle::review_request(&file.state, open, reviewer, reason)?, m)
        }
        CaseAction::Close(d) => (lifecycle::close(&file.state, role, in_holding_unit)?, d.parse()?),
        CaseAction::Hearing(d) => {
            (lifecycle::hearing(&file.state, in_holding_unit, d.parse()?)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Instruct(d) => {
            let text = lifecycle::required_text("text", &d.text)?;
            (lifecycle::instruct(&file.state, role, text)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Liaison(d) => {
            let (agency, summary) = lifecycle::parse_liaison(d)?;
            (lifecycle::liaison(&file.state, role, agency, summary)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ReturnVisit(d) => {
            (lifecycle::return_visit(&file.state, role, lifecycle::parse_return_visit(d)?)?, meta(&d.note, &d.at)?)
        }
        CaseAction::HandOff(d) => {
            let h = d.parse()?;
            let mut to_unit = h.to_unit.clone();
            if let Some(code) = &h.to_unit {
                unit_in_scope(state, actor, "to_unit", code).await?;
            }
            if let Some(username) = &h.to_user {
                let user = state
                    .store
                    .user_by_username(username.as_str())
                    .await?
                    .filter(|u| u.active && actor.sees_unit(u.unit_id))
                    .ok_or_else(|| FieldError::new("to_user", Invalid::UnknownUnit))?;
                if to_unit.is_none() {
                    // A person takes the case to their own unit.
                    to_unit = UnitCode::parse("to_unit", &user.unit_code).ok();
                }
            }
            let to_user = h.to_user.map(|u| u.as_str().to_owned());
            let to_unit = to_unit.map(|u| u.as_str().to_owned());
            (lifecycle::hand_off(role, to_user, to_unit, h.reason)?, (h.note, h.at))
        }
        CaseAction::ReportUp(d) => {
            let r = d.parse()?;
            // FED-5: to a unit above the one that registered the case, by default its parent.
            let named = r.to_unit.as_ref().map(UnitCode::as_str);
            let target = named_or_nearest_above(&tree, file.unit_id, accused, "to_unit", named)?
                .ok_or_else(|| FieldError::new("to_unit", Invalid::UnknownUnit))?;
            (lifecycle::report_up(role, target, r.summary)?, (r.note, r.at))
        }
        CaseAction::Investigation(d) => {
            let text =
                text::required("text", d.text.as_deref(), text::limits::CONTENT).map_err(ValidationErrors::from)?;
            (lifecycle::investigation(&file.state, in_holding_unit, text)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ReportBack(d) => {
            let summary = lifecycle::required_text("summary", &d.summary)?;
            let source = file.registration.forwarded_from.as_ref().map(|f| f.unit.as_str());
            (lifecycle::report_back(&file.state, role, source, summary)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Flag(d) => {
            let flag = Flag::parse("flag", d.flag.as_deref().unwrap_or_default())?;
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let mut related = Vec::with_capacity(d.related.len());
            for raw in &d.related {
                // Each related case must exist and be in the actor's sight, and not be this case.
                let number = CaseNumber::parse(raw).ok_or_else(|| FieldError::new("related", Invalid::UnknownCase))?;
                // GEN-7: a case that accuses a unit is linked only from a case accusing the same one,
                // so a link never leads from a case its accused may read to one they may not.
                let other = match state.store.case_id_by_number(number.as_str()).await? {
                    Some(other) if other != file.id => case_file(state, actor, other).await.ok(),
                    _ => None,
                };
                match other {
                    Some(o)
                        if (o.accused_unit_id.is_none() || o.accused_unit_id == accused)
                            && (o.accused_user_id.is_none() || o.accused_user_id == file.accused_user_id) =>
                    {
                        related.push(number.as_str().to_owned());
                    }
                    _ => return Err(FieldError::new("related", Invalid::UnknownCase).into()),
                }
            }
            let against = match d.against_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(code) => {
                    let code = UnitCode::parse("against_unit", code)?;
                    let unit = state.store.unit_by_code(code.as_str()).await?;
                    Some(unit.ok_or_else(|| FieldError::new("against_unit", Invalid::UnknownUnit))?.code)
                }
                None => None,
            };
            (lifecycle::flag(role, flag, related, against, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::SetAccused(d) => {
            let (mut accused, reason) = d.parse()?;
            // GEN-7: a unit named by its name (current or former) is that unit, as at registration.
            crate::cases::register::unit_by_accused_name(state, &mut accused).await?;
            let new_accused = match &accused.unit {
                Some(code) => {
                    Some(tree.id_of(code.as_str()).ok_or_else(|| FieldError::new("unit", Invalid::UnknownUnit))?)
                }
                None => None,
            };
            let current = huiyin_core::event::current_accused(&file.registration, &file.events).and_then(|a| a.user);
            accused.user = match (&d.user, accused.user.take()) {
                // Absent: the accused person stays as they are (a client that knows only name and unit).
                (None, _) => current.clone(),
                (Some(_), Some(username)) => Some(staff_account(state, "user", &username).await?.username),
                // Given empty: nobody of ours in person.
                (Some(_), None) => None,
            };
            if current != accused.user
                && let Some(current) = &current
            {
                refuse_person_change_from_within(state, actor, &tree, current).await?;
            }
            refuse_accused_holding(state, actor, &tree, &file, new_accused, accused.user.as_deref()).await?;
            (lifecycle::set_accused(role, accused, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ClearFlag(d) => {
            let flag = Flag::parse("flag", d.flag.as_deref().unwrap_or_default())?;
            let reason = lifecycle::required_text("reason", &d.reason)?;
            (lifecycle::clear_flag(&file.state, role, flag, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Recuse(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            // Named always, oneself too: standing aside cannot be undone, so nobody does it unawares.
            let name = lifecycle::required_text("user", &d.user)?;
            let user = if name.eq_ignore_ascii_case(&actor.user.username) {
                actor.user.username.clone()
            } else {
                recusable_person(state, actor, &name).await?.username
            };
            let data = lifecycle::recuse(&file.state, role, &actor.user.username, user.clone(), reason)?;
            refuse_blinding_the_holders(state, &tree, &file, &user).await?;
            (data, meta(&d.note, &d.at)?)
        }
        CaseAction::AssignLeader(d) => {
            let name = lifecycle::required_text("leader", &d.leader)?.to_ascii_lowercase();
            let leader = state.store.user_by_username(&name).await?;
            let leader = leader
                .filter(|u| u.active && u.role == Role::Leader)
                .ok_or_else(|| FieldError::new("leader", Invalid::UnknownUnit))?;
            // The leader must be of the holding unit or above it, so that the case is in their sight.
            let sees = state.store.unit_subtree(leader.unit_id).await?.contains(&file.holding_unit_id);
            (lifecycle::assign_leader(&file.state, role, leader.username, sees)?, meta(&d.note, &d.at)?)
        }
    };
    guard_informant(state, actor, &tree, &file, &data).await?;
    let reported_to = match &data {
        EventData::ReportedBack { to_unit, summary } => Some((to_unit.clone(), summary.clone())),
        _ => None,
    };
    append(state, actor, &file, data, m, None, Vec::new()).await?;
    if let Some((to_unit, summary)) = reported_to
        && let Some(unit) = state.store.unit_by_code(&to_unit).await?
    {
        // The unit above hears of the result at once (FED-18).
        let message = format!("{} 反馈批转件 {} 的办理结果:{summary}", file.unit_name, file.state.case_number);
        let notices: Vec<Notice> = state
            .store
            .unit_staff(unit.id, &[Role::Supervisor, Role::Leader])
            .await?
            .iter()
            .map(|u| notice(u.id, id, "reported_back", &message))
            .collect();
        send_case_notices(state, &tree, Unreached::of(&file), notices).await?;
    }
    state.store.case_file(id).await?.ok_or(AppError::NotFound)
}

/// 受理 (GEN-3, GEN-4).
pub async fn accept(state: &AppState, actor: &Actor, id: i64, draft: &ActionDraft) -> AppResult<()> {
    act(state, actor, id, CaseAction::Accept(draft.clone()), None).await.map(|_| ())
}

/// 延期 (GEN-4, SCH-7).
pub async fn extend(state: &AppState, actor: &Actor, id: i64, draft: &ExtendDraft) -> AppResult<()> {
    act(state, actor, id, CaseAction::Extend(draft.clone()), None).await.map(|_| ())
}

/// 回避 ordered for another: an active staff member of the actor's units, named by login name.
async fn recusable_person(state: &AppState, actor: &Actor, name: &str) -> AppResult<huiyin_store::User> {
    let unknown = || FieldError::new("user", Invalid::UnknownUser);
    // What is no login name at all (a control character, say) names nobody.
    let name = huiyin_core::user::Username::parse("user", name).map_err(|_| unknown())?;
    state
        .store
        .user_by_username(name.as_str())
        .await?
        .filter(|u| u.active && !huiyin_core::user::is_system_account(&u.username) && actor.sees_unit(u.unit_id))
        .ok_or_else(|| unknown().into())
}

/// 回避 of `user` would leave the case in hands that cannot see it when its owner or owning leader
/// is blind to what `user` is (their password was set by `user`'s link, `actor::blindness_of`):
/// refused as for the holder themselves, the case is handed on first.
async fn refuse_blinding_the_holders(state: &AppState, tree: &UnitTree, file: &CaseFile, user: &str) -> AppResult<()> {
    let Some(recused) = state.store.user_by_username(user).await? else { return Ok(()) };
    let owner = Some(&file.state.owner).filter(|_| !file.state.owner_pending);
    for holder in [owner, file.state.owner_leader.as_ref()].into_iter().flatten() {
        if let Some(holder) = state.store.user_by_username(holder).await? {
            let blind = crate::actor::blindness_of(&*state.store, tree, &holder).await?;
            if blind.users.contains(&recused.id) {
                return Err(lifecycle::Refusal::RecusedHolds { own: false }.into());
            }
        }
    }
    Ok(())
}
