//! A staff member's saved case-list filters (issue 17): their own, under names of their own, each the
//! list's query string. Nobody reads or deletes another person's; a saved filter is only a link to
//! the list, which applies scope and GEN-7 when it is opened.

use chrono::Utc;
use huiyin_core::{FieldError, Invalid, ValidationErrors, text};
use huiyin_store::SavedFilter;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// How many filters one person keeps.
pub const MAX_SAVED_FILTERS: usize = 30;
/// The longest name of a saved filter.
const NAME_CHARS: usize = 30;
/// The longest query string kept.
const QUERY_CHARS: usize = 1_000;
/// The list's filters a saved query may hold (never a page number).
const KEYS: [&str; 21] = crate::cases::list::FILTER_KEYS;

/// A filter to save, as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedFilterDraft {
    /// The name the person gives it: “我的超期件”.
    pub name: Option<String>,
    /// The case list's query string, e.g. `status=registered&owner=me` (`GET /cases`' parameters).
    pub query: Option<String>,
}

/// The checked query string: the list's own parameters, percent-encoded as a link carries them.
fn check_query(raw: &str) -> Result<String, FieldError> {
    let query = raw.trim().trim_start_matches('?');
    if query.chars().count() > QUERY_CHARS {
        return Err(FieldError::new("query", Invalid::TooLong { max: QUERY_CHARS }));
    }
    let allowed = || Invalid::NotAChoice { allowed: KEYS.join(", ") };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>' && b != b'"');
        if !KEYS.contains(&key) || !plain(value) {
            return Err(FieldError::new("query", allowed()));
        }
        if !value.is_empty() {
            kept.push(format!("{key}={value}"));
        }
    }
    if kept.is_empty() {
        return Err(FieldError::new("query", Invalid::Required));
    }
    Ok(kept.join("&"))
}

/// The actor's saved filters, by name.
pub async fn saved_filters(state: &AppState, actor: &Actor) -> AppResult<Vec<SavedFilter>> {
    Ok(state.store.saved_filters(actor.user.id).await?)
}

/// Saves the list's current filter under a name; the same name again replaces it.
pub async fn save_filter(state: &AppState, actor: &Actor, draft: &SavedFilterDraft) -> AppResult<SavedFilter> {
    let mut errors = Vec::new();
    let name = text::required("name", draft.name.as_deref(), NAME_CHARS)
        .and_then(|n| {
            if n.contains(['\n', '\r', '\t']) { Err(FieldError::new("name", Invalid::ControlCharacter)) } else { Ok(n) }
        })
        .map_err(|e| errors.push(e))
        .ok();
    let query = check_query(draft.query.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
    let (Some(name), Some(query)) = (name, query) else {
        let errors =
            ValidationErrors::from_vec(errors).unwrap_or_else(|| FieldError::new("name", Invalid::Required).into());
        return Err(errors.into());
    };
    let existing = state.store.saved_filters(actor.user.id).await?;
    if existing.len() >= MAX_SAVED_FILTERS && !existing.iter().any(|f| f.name == name) {
        return Err(FieldError::new("name", Invalid::OutOfRange { min: 1, max: MAX_SAVED_FILTERS as i64 }).into());
    }
    Ok(state.store.save_filter(actor.user.id, &name, &query, Utc::now()).await?)
}

/// Deletes one of the actor's saved filters; another person's, or none, is [`AppError::NotFound`].
pub async fn delete_saved_filter(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    if state.store.delete_saved_filter(actor.user.id, id).await? { Ok(()) } else { Err(AppError::NotFound) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_query_holds_only_the_lists_filters() {
        assert_eq!(check_query("?status=registered&owner=me&page=&due=").map_err(|e| e.field), Err("query".into()));
        assert_eq!(check_query("?status=registered&owner=me&due="), Ok("status=registered&owner=me".into()));
        assert_eq!(check_query("q=%E6%88%AA%E7%95%99"), Ok("q=%E6%88%AA%E7%95%99".into()));
        assert_eq!(check_query("held=unit&waiting=redraft"), Ok("held=unit&waiting=redraft".into()));
        assert!(check_query("status=x\"><script>").is_err());
        assert!(check_query("evil=1").is_err());
        assert!(check_query("").is_err());
        assert!(check_query(&"q=a&".repeat(400)).is_err());
    }
}
