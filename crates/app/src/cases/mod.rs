//! Cases: registration, reading, lists, actions and attachments. Each service checks the actor's
//! role and scope, lets the core decide, and has the store write the result; the helpers here are
//! what they share (a unit in scope, notices that never reach the accused).

pub mod actions;
pub mod attachments;
pub mod bulk;
pub mod catalogue;
pub mod export;
pub mod list;
pub mod log;
pub(crate) mod notify;
pub mod offers;
pub mod read;
pub mod register;

pub use actions::*;
pub use attachments::*;
pub use list::*;
pub use read::*;
pub use register::*;

use chrono::Utc;
use huiyin_core::case::QueryCode;
use huiyin_core::informant::UnitTree;
use huiyin_core::unit::UnitCode;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{Notice, Store};

use crate::actor::Actor;
use crate::context::{AppState, random_bytes};
use crate::error::AppResult;

/// A new query code from the operating system's random source.
pub(crate) fn new_query_code() -> std::io::Result<QueryCode> {
    Ok(QueryCode::from_random(random_bytes::<8>()?))
}

/// Checks that a unit code names a unit the actor may act for, and that it is not closed (a closed
/// unit takes no case, TWN-1).
pub(crate) async fn unit_in_scope(state: &AppState, actor: &Actor, field: &str, code: &UnitCode) -> AppResult<i64> {
    match state.store.unit_by_code(code.as_str()).await? {
        Some(unit) if actor.sees_unit(unit.id) => {
            crate::units::refuse_closed(&unit)?;
            Ok(unit.id)
        }
        _ => Err(FieldError::new(field, Invalid::UnknownUnit).into()),
    }
}

/// Who a case must not reach (GEN-7): the unit and the staff member it accuses (either may be none),
/// and whether anybody stands aside from it (回避), whose notices are then left out too.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unreached {
    pub accused: Option<i64>,
    pub accused_user: Option<i64>,
    pub anyone_recused: bool,
}

impl Unreached {
    /// As the case file has it now.
    pub(crate) fn of(file: &huiyin_store::CaseFile) -> Unreached {
        Unreached {
            accused: file.accused_unit_id,
            accused_user: file.accused_user_id,
            anyone_recused: !file.state.recused.is_empty(),
        }
    }
}

/// GEN-7 on the write path of notices: neither the staff member a case accuses nor anybody of the
/// unit it accuses (or of its departments) hears of it, in the app or by SMS and e-mail, nor anybody
/// who stands aside from it (回避). Every notice about a case passes through here.
pub(crate) async fn notices_outside_accused(
    store: &dyn Store,
    tree: &UnitTree,
    unreached: Unreached,
    notices: Vec<Notice>,
) -> AppResult<Vec<Notice>> {
    let Unreached { accused, accused_user, anyone_recused } = unreached;
    if accused.is_none() && accused_user.is_none() && !anyone_recused {
        return Ok(notices);
    }
    let mut kept = Vec::with_capacity(notices.len());
    for n in notices {
        let Some(user) = store.user_by_id(n.user_id).await? else { continue };
        let blind = crate::actor::blindness_of(store, tree, &user).await?;
        let hidden = match n.case_id {
            Some(case) => blind.hides(case, accused, accused_user),
            None => blind.hides_person(accused_user) || accused.is_some_and(|a| blind.units.contains(&a)),
        };
        if !hidden {
            kept.push(n);
        }
    }
    Ok(kept)
}

/// Sends notices about a case to nobody blind to it (GEN-7, 回避).
pub(crate) async fn send_case_notices(
    state: &AppState,
    tree: &UnitTree,
    unreached: Unreached,
    notices: Vec<Notice>,
) -> AppResult<()> {
    let notices = notices_outside_accused(&*state.store, tree, unreached, notices).await?;
    state.store.send_notices(&notices, Utc::now()).await?;
    Ok(())
}

pub(crate) fn notice(user_id: i64, case_id: i64, kind: &str, message: &str) -> Notice {
    Notice { user_id, case_id: Some(case_id), kind: kind.to_owned(), message: message.to_owned() }
}
