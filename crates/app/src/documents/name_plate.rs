//! 桌牌 (亮证服务, 挂牌接待: FED-4, SCH-9): a desk name plate for a receiver — their unit, name,
//! title and credential number on both faces of a folded A4 sheet — for oneself, or for a person an
//! administrator administers. A plate without a credential number is refused: showing it is the
//! plate's purpose.

use chrono::Utc;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::User;

use crate::accounts::own_or_administered;
use crate::actor::Actor;
use crate::context::AppState;
use crate::documents::issue::typeset_off_thread;
use crate::error::AppResult;

/// The name plate of oneself (`None`) or of an account the actor administers, as a PDF.
pub async fn name_plate(state: &AppState, actor: &Actor, username: Option<&str>) -> AppResult<(User, Vec<u8>)> {
    let user = own_or_administered(state, actor, username).await?;
    let credential = user.credential.clone().filter(|c| !c.trim().is_empty());
    let Some(credential) = credential else {
        return Err(FieldError::new("credential", Invalid::Required).into());
    };
    let unit = state.store.unit_by_id(user.unit_id).await?.map(|u| u.name).unwrap_or_else(|| user.unit_code.clone());
    let plate = huiyin_pdf::NamePlate {
        unit,
        name: user.display_name.clone(),
        title: user.title.clone().unwrap_or_else(|| user.role.label_zh().to_owned()),
        credential,
        note: None,
    };
    let ident = format!("name-plate-{}", user.username);
    let now = Utc::now();
    let pdf = typeset_off_thread(state, move |t| t.name_plate(&plate, &ident, now)).await?;
    Ok((user, pdf))
}
