//! 议题 (issue 20, DEM ¶4): the forms that take down a matter raised (on 民主管理) and refer a case
//! to a community's council or congress (on the case page).

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{PageResult, Staff, check_csrf};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::meeting::MatterDraft;

#[derive(Deserialize)]
pub(super) struct MatterForm {
    csrf: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    raised_by_name: String,
}

impl MatterForm {
    fn draft(&self) -> MatterDraft {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        MatterDraft {
            body: some(&self.body),
            subject: some(&self.subject),
            reason: some(&self.reason),
            source: some(&self.source),
            raised_by_name: some(&self.raised_by_name),
        }
    }
}

/// Takes down a matter raised by the committee, a representative or a resident.
pub(super) async fn raise(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<MatterForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match huiyin_app::matters::raise(&state, &staff.actor, &unit, &f.draft()).await {
        Ok(_) => Ok(Redirect::to(&format!("/democracy?unit={unit}&done=matter#matters")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok(super::refused_page(&staff, "未能登记议题", &errors, format!("/democracy?unit={unit}#matters")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Refers a case to the council or the congress from the case page.
pub(super) async fn refer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<MatterForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = MatterDraft { source: None, raised_by_name: None, ..f.draft() };
    match huiyin_app::matters::refer_case(&state, &staff.actor, id, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?done=referral#referrals")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok(super::refused_page(&staff, "未能提交议事", &errors, format!("/cases/{id}#referrals")))
        }
        Err(e) => Err(e.into()),
    }
}
