//! The unit tree (TWN-1) read from the store, as the core's informant guard reads it (GEN-7): whose
//! scope holds which units, who is blind to which accusations, what lies within an accused's reach.

use huiyin_core::informant::{UnitNode, UnitTree};
use huiyin_store::{Store, StoreError};

use crate::context::AppState;

/// The unit tree as the informant guard reads it (GEN-7).
pub async fn unit_tree(state: &AppState) -> Result<UnitTree, StoreError> {
    unit_tree_of(&*state.store).await
}

pub(crate) async fn unit_tree_of(store: &dyn Store) -> Result<UnitTree, StoreError> {
    let units = store.units().await?;
    Ok(UnitTree::new(units.into_iter().map(|u| UnitNode {
        id: u.id,
        code: u.code,
        name: u.name,
        kind: u.kind,
        parent: u.parent_id,
    })))
}

/// Whom the supervision run tells about a unit's own duty left undone (a month not published, not
/// screened): its supervisors and leaders, or those of the unit above where it has none.
pub(crate) async fn overseers_of(
    store: &dyn Store,
    unit: &huiyin_store::Unit,
) -> Result<Vec<huiyin_store::User>, StoreError> {
    use huiyin_core::user::Role;
    let roles = [Role::Supervisor, Role::Leader];
    let recipients = store.unit_staff(unit.id, &roles).await?;
    match unit.parent_id {
        Some(parent) if recipients.is_empty() => store.unit_staff(parent, &roles).await,
        _ => Ok(recipients),
    }
}
