//! The content classification (GEN-10), edited by administrators.

use huiyin_core::category::{self, Category};
use huiyin_core::{FieldError, Invalid};

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Adds a class to the content classification (administrators only).
pub async fn add_category(state: &AppState, actor: &Actor, parent: Option<&str>, name: &str) -> AppResult<Category> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let classes = state.classes().await;
    let class = category::add(&classes, parent, name)?;
    state.store.save_categories(std::slice::from_ref(&class)).await?;
    tracing::info!(code = %class.code, path = %class.path, actor = %actor.user.username, "class added");
    let after = serde_json::to_value(&class).ok();
    audit::record(state, actor, "category.add", Target::installation(&class.code), None, after).await;
    Ok(class)
}

/// Renames, retires or restores a class with everything below it (administrators only); returns the
/// classes changed.
pub async fn edit_category(
    state: &AppState,
    actor: &Actor,
    code: &str,
    name: Option<&str>,
    active: Option<bool>,
) -> AppResult<Vec<Category>> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let mut classes: Vec<Category> = state.classes().await.as_ref().clone();
    let original = classes.clone();
    let mut changed: Vec<Category> = Vec::new();
    let mut apply = |edited: Vec<Category>, classes: &mut Vec<Category>| {
        for c in edited {
            if let Some(slot) = classes.iter_mut().find(|x| x.code == c.code) {
                *slot = c.clone();
            }
            match changed.iter_mut().find(|x| x.code == c.code) {
                Some(slot) => *slot = c,
                None => changed.push(c),
            }
        }
    };
    if let Some(name) = name {
        let edited = category::rename(&classes, code, name)?;
        apply(edited, &mut classes);
    }
    if let Some(active) = active {
        let edited = category::set_active(&classes, code, active)?;
        apply(edited, &mut classes);
    }
    if changed.is_empty() {
        // Nothing asked for: still say whether the class exists.
        classes.iter().find(|c| c.code == code).ok_or_else(|| FieldError::new("code", Invalid::UnknownCategory))?;
    }
    state.store.save_categories(&changed).await?;
    tracing::info!(code, actor = %actor.user.username, "class edited");
    if !changed.is_empty() {
        let before: Vec<&Category> = original.iter().filter(|c| changed.iter().any(|x| x.code == c.code)).collect();
        let (before, after) = (serde_json::to_value(before).ok(), serde_json::to_value(&changed).ok());
        audit::record(state, actor, "category.edit", Target::installation(code), before, after).await;
    }
    Ok(changed)
}

/// Moves a class one place up or down among its siblings (administrators only): the order in which
/// pickers list them; its code, and every case's class, stay. At the end it moves towards, nothing
/// changes.
pub async fn move_category(state: &AppState, actor: &Actor, code: &str, up: bool) -> AppResult<()> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let classes = state.classes().await;
    let Some(other) = category::neighbour(&classes, code, up)? else { return Ok(()) };
    let siblings = |classes: &[Category]| -> Vec<String> {
        let parent = classes.iter().find(|c| c.code == code).and_then(|c| c.parent.clone());
        classes.iter().filter(|c| c.parent == parent).map(|c| c.name.clone()).collect()
    };
    let before = siblings(&classes);
    state.store.swap_category_order(code, &other.code).await?;
    let after = siblings(&state.classes().await);
    tracing::info!(code, actor = %actor.user.username, up, "class moved");
    let (before, after) = (Some(serde_json::json!({"order": before})), Some(serde_json::json!({"order": after})));
    audit::record(state, actor, "category.move", Target::installation(code), before, after).await;
    Ok(())
}
