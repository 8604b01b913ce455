//! Reading a case: scope and GEN-7 on every read, the view with masking and the personal-data
//! view log (COM-4), where a case within the accused's reach must go, and the query code reissued.

use chrono::Utc;
use huiyin_core::case::QueryCode;
use huiyin_core::event::EventData;
use huiyin_core::limits::Deadline;
use huiyin_store::CaseFile;

use crate::actor::Actor;
use crate::cases::log::append;
use crate::cases::new_query_code;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::tree::unit_tree;
use crate::views::CaseView;

/// The case file, if the actor may see it: it was registered in or is held by a unit in scope, and
/// it does not accuse the actor's unit (GEN-7: for the accused and its departments an accusing case
/// does not exist). Every read and every action of a case starts here.
pub async fn case_file(state: &AppState, actor: &Actor, id: i64) -> AppResult<CaseFile> {
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let in_scope = actor.sees_unit(file.unit_id) || actor.sees_unit(file.holding_unit_id);
    if in_scope && !actor.is_blind_to(file.id, file.accused_unit_id, file.accused_user_id) {
        Ok(file)
    } else {
        Err(AppError::NotFound)
    }
}

/// Where a case held within the accused's reach must go (GEN-7): the accused unit's name and the
/// units above it outside that reach, nearest first; `None` when the holder may handle the case.
pub async fn route_out(state: &AppState, file: &CaseFile) -> AppResult<Option<(String, Vec<String>)>> {
    let Some(accused) = file.accused_unit_id else { return Ok(None) };
    let tree = unit_tree(state).await?;
    if !tree.within_reach(file.holding_unit_id, accused) {
        return Ok(None);
    }
    let name = |id: i64| tree.get(id).map(|u| u.name.clone());
    let above = tree.above_outside_reach(file.holding_unit_id, Some(accused)).into_iter().filter_map(name).collect();
    Ok(Some((name(accused).unwrap_or_default(), above)))
}

/// The time limits of a case (GEN-2 … GEN-5), as stored with it and recounted when the calendar changes.
pub async fn case_deadlines(_state: &AppState, file: &CaseFile) -> AppResult<Vec<Deadline>> {
    Ok(file.deadlines.clone())
}

/// The case as the actor may see it (read through [`case_file`]). A full view (COM-4) is logged.
pub async fn view(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    full: bool,
    code: Option<String>,
) -> AppResult<CaseView> {
    if full {
        log_full_view(state, actor, file.id, "case_detail").await?;
    }
    let mut view = CaseView::new(file, &file.deadlines, full, code);
    view.key_petitioner = crate::key_petitioners::flag_of(state, actor, file)
        .await?
        .map(|f| crate::views::KeyPetitionerView { id: f.id, reason: f.reason, unit: f.unit });
    Ok(view)
}

/// The petitioner of an earlier case in full, to register their new case without typing it again
/// (“使用此信访人信息” in the intake panel): for staff who take petitions in, of a case they may read
/// (scope, GEN-7); a personal-data view, logged (COM-4).
pub async fn petitioner_of(state: &AppState, actor: &Actor, id: i64) -> AppResult<crate::views::PetitionerView> {
    // The case first: for the accused it does not exist (404), whatever their role (GEN-7).
    let file = case_file(state, actor, id).await?;
    if !actor.user.role.takes_petitions_in() {
        return Err(AppError::Forbidden);
    }
    log_full_view(state, actor, file.id, "intake_reuse").await?;
    Ok(crate::views::PetitionerView::of(&file.registration.petitioner, true))
}

/// Records that the actor opened a case's personal data in full (COM-4).
pub async fn log_full_view(state: &AppState, actor: &Actor, case_id: i64, purpose: &str) -> AppResult<()> {
    state.store.log_personal_data_view(actor.user.id, case_id, Utc::now(), purpose).await?;
    tracing::info!(case_id, actor = %actor.user.username, purpose, "personal data viewed in full");
    Ok(())
}

/// Replaces a case's query code (the petitioner lost it); the old one stops working, and a lookup
/// locked by guessing opens again (`guards::LOOKUP_CASE`). Only the staff
/// of the unit that registered the case or of a unit above it may, never the accused (GEN-7): the
/// code opens the petitioner's receipt and speaks for them on the public side. Logged as a view of
/// personal data (COM-4).
pub async fn reissue_query_code(state: &AppState, actor: &Actor, id: i64) -> AppResult<QueryCode> {
    let file = case_file(state, actor, id).await?;
    if !actor.user.role.can_register() || !actor.sees_unit(file.unit_id) {
        return Err(AppError::Forbidden);
    }
    let code = new_query_code()?;
    let hash = state.secret.query_code_hash(&code);
    append(state, actor, &file, EventData::QueryCodeReissued {}, (None, None), Some(hash), Vec::new()).await?;
    // A lookup locked by guessing opens again with the new code.
    crate::guards::LOOKUP_CASE.clear(state, &file.state.case_number).await?;
    log_full_view(state, actor, file.id, "reissue_query_code").await?;
    Ok(code)
}
