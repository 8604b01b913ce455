//! 批量交办、移交: one routing action on many cases of a list (issue 17). Each case is judged alone,
//! by the same service as one case ([`super::act`]): scope, state, role and GEN-7; one refused case
//! does not stop the others, and each outcome is reported.

use super::actions::{CaseAction, CaseActionKind, act};
use super::read::case_file;
use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// The most cases one bulk action takes.
pub const MAX_BULK: usize = 100;

/// What became of one case of a bulk action.
#[derive(Debug)]
pub struct BulkOutcome {
    pub id: i64,
    /// The case's number, when the actor may see the case.
    pub case_number: Option<String>,
    pub result: AppResult<()>,
}

/// Takes `action` (交办 or 移交) on each case of `ids`, in order, each judged alone.
pub async fn act_on_many(
    state: &AppState,
    actor: &Actor,
    ids: &[i64],
    action: &CaseAction,
) -> AppResult<Vec<BulkOutcome>> {
    if !matches!(action.kind(), CaseActionKind::Assign | CaseActionKind::HandOff) {
        return Err(AppError::Forbidden);
    }
    if ids.is_empty() || ids.len() > MAX_BULK {
        let limit = huiyin_core::Invalid::OutOfRange { min: 1, max: MAX_BULK as i64 };
        return Err(huiyin_core::FieldError::new("ids", limit).into());
    }
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let case_number = case_file(state, actor, id).await.ok().map(|f| f.state.case_number);
        let result = act(state, actor, id, action.clone(), None).await.map(|_| ());
        out.push(BulkOutcome { id, case_number, result });
    }
    Ok(out)
}
