//! 检索词典 (issue 18, FED-11): the words administrators added to the segmentation dictionary of
//! search (place names, local terms), more added from the page, and the rebuild of the search
//! index that follows in the background, with its progress on the page (read again by the page's
//! script from `/admin/dictionary/progress` while it runs).

use askama::Template;
use axum::Json;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::reindex::{self, ReindexProgress};
use huiyin_app::search;
use huiyin_core::ValidationErrors;

#[derive(Template)]
#[template(path = "staff/admin_dictionary.html")]
pub(super) struct DictionaryPage {
    me: Option<Me>,
    csrf: String,
    words: Vec<String>,
    progress: ReindexProgress,
    /// The progress in words: “已完成 120 / 500 件”.
    progress_text: String,
    typed: String,
    done: Option<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for DictionaryPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

/// The rebuild's progress as the page says it.
pub(super) fn progress_text(p: &ReindexProgress) -> String {
    let shown = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M").to_string()
    };
    match (p.running, p.started_at, p.finished_at, &p.error) {
        (true, _, _, _) => format!(
            "正在重建检索索引:已完成 {} / {} 件{}",
            p.done,
            p.total,
            if p.again { ",完成后将按新加的词再重建一次" } else { "" }
        ),
        (false, _, _, Some(error)) => format!("上次重建未完成:{error}"),
        (false, _, Some(finished), None) => format!("检索索引已于 {} 重建完成,共 {} 件。", shown(finished), p.done),
        _ => "服务器启动以来尚未重建检索索引。".to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DictionaryQuery {
    #[serde(default)]
    added: Option<usize>,
    #[serde(default)]
    removed: Option<usize>,
}

pub(super) async fn dictionary_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DictionaryQuery>,
) -> PageResult {
    let done = q.added.map(|n| match n {
        0 => "这些词都已在词典中,无需重建索引。".to_owned(),
        n => format!(
            "已加入 {n} 个新词,检索索引正在后台按新词典重建,重建期间可照常工作;重建完成前,按新词检索可能查不到较早登记的信访件。"
        ),
    });
    let done = done
        .or_else(|| q.removed.map(|_| "已从词典删除该词,检索索引正在后台按新词典重建,重建期间可照常工作。".to_owned()));
    dictionary_view(&state, &staff, String::new(), done, None).await
}

async fn dictionary_view(
    state: &AppState,
    staff: &Staff,
    typed: String,
    done: Option<String>,
    errors: Option<ValidationErrors>,
) -> PageResult {
    if !staff.actor.administers_installation() {
        return Err(AppError::Forbidden.into());
    }
    let words = state.store.search_words().await?;
    let progress = state.reindex_job().progress();
    let page = DictionaryPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        words,
        progress_text: progress_text(&progress),
        progress,
        typed,
        done,
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize)]
pub(super) struct WordsForm {
    csrf: Option<String>,
    /// Words separated by spaces, commas, 、 or new lines.
    #[serde(default)]
    words: String,
}

/// 加入词典, then the index rebuilt in the background.
pub(super) async fn add_words(State(state): State<AppState>, staff: Staff, Form(f): Form<WordsForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let words: Vec<String> = f
        .words
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '\u{ff0c}' | '\u{3001}' | ';' | '\u{ff1b}'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    match search::add_words(&state, &staff.actor, &words).await {
        Ok(added) => {
            // Nothing new, nothing to rebuild.
            if added > 0 {
                reindex::start(&state, &staff.actor).await?;
            }
            Ok(Redirect::to(&format!("/admin/dictionary?added={added}")).into_response())
        }
        Err(AppError::Invalid(errors)) => dictionary_view(&state, &staff, f.words, None, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    csrf: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    csrf: Option<String>,
    #[serde(default)]
    word: String,
}

/// 删除 a word added before, then the index rebuilt in the background.
pub(super) async fn remove_word(State(state): State<AppState>, staff: Staff, Form(f): Form<RemoveForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    search::remove_word(&state, &staff.actor, &f.word).await?;
    reindex::start(&state, &staff.actor).await?;
    Ok(Redirect::to("/admin/dictionary?removed=1").into_response())
}

/// 重建检索索引 without adding words (after upgrading, or after a rebuild that failed).
pub(super) async fn rebuild(State(state): State<AppState>, staff: Staff, Form(f): Form<CsrfForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    reindex::start(&state, &staff.actor).await?;
    Ok(Redirect::to("/admin/dictionary").into_response())
}

/// The rebuild's progress for the page's script: the numbers and the sentence the page shows.
pub(super) async fn progress(State(state): State<AppState>, staff: Staff) -> PageResult {
    if !staff.actor.administers_installation() {
        return Err(AppError::Forbidden.into());
    }
    let progress = state.reindex_job().progress();
    let text = progress_text(&progress);
    Ok(Json(
        serde_json::json!({"running": progress.running, "done": progress.done, "total": progress.total, "text": text}),
    )
    .into_response())
}
