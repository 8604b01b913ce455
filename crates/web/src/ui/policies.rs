//! 政策法规库 (FED-9): the page where staff search the laws, regulations and local policies they
//! answer by, read one article by article, and (administrators, leaders, supervisors) add one from
//! its text as published.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::policies::{self, Hit};
use huiyin_core::ValidationErrors;
use huiyin_core::policy::{Article, PolicyDraft};
use huiyin_store::PolicyRecord;

/// The add form as typed, to show it again when refused.
#[derive(Default, Deserialize)]
pub(super) struct PolicyForm {
    csrf: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "staff/policies.html")]
pub(super) struct PoliciesPage {
    me: Option<Me>,
    csrf: String,
    q: String,
    hits: Vec<HitLine>,
    searched: bool,
    policies: Vec<PolicyRecord>,
    may_add: bool,
    typed: PolicyForm,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

/// A search hit as the page shows it: the policy's id, 《title》第…条, and the text cut around the
/// match, (piece, matched).
pub(super) struct HitLine {
    policy: i64,
    number: u32,
    label: String,
    pieces: Vec<(String, bool)>,
}

impl HitLine {
    fn of(h: Hit) -> HitLine {
        HitLine {
            policy: h.policy_id,
            number: h.article.number,
            label: policies::cited_label(&h.title, &h.article),
            pieces: h.fragments.into_iter().map(|f| (f.text, f.hit)).collect(),
        }
    }
}

impl FormErrors for PoliciesPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct PoliciesQuery {
    #[serde(default)]
    q: String,
}

pub(super) async fn policies_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PoliciesQuery>,
) -> PageResult {
    view(&state, &staff, &q.q, PolicyForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    q: &str,
    typed: PolicyForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let searched = !q.trim().is_empty();
    let hits = if searched { policies::search(state, &staff.actor, q).await? } else { Vec::new() };
    let page = PoliciesPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        q: q.to_owned(),
        hits: hits.into_iter().map(HitLine::of).collect(),
        searched,
        policies: policies::list(state, &staff.actor).await?,
        may_add: policies::may_add_policies(&staff.actor),
        typed,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Adds a policy from the form; to its page when added.
pub(super) async fn add(State(state): State<AppState>, staff: Staff, Form(f): Form<PolicyForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = PolicyDraft {
        title: some(&f.title),
        issuer: some(&f.issuer),
        issued_on: some(&f.issued_on),
        source: some(&f.source),
        text: some(&f.text),
    };
    match policies::add(&state, &staff.actor, &draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/policies/{id}?added=1")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, "", f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/policy.html")]
pub(super) struct PolicyPage {
    me: Option<Me>,
    /// The sign-out form's token (the page header).
    csrf: String,
    policy: PolicyRecord,
    /// The articles, each with the chapter heading shown before it when it opens one.
    articles: Vec<(Option<String>, Article)>,
    added: bool,
    /// The reader may withdraw it (a form with its confirmation).
    may_withdraw: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct PolicyQuery {
    #[serde(default)]
    added: String,
}

/// One policy, article by article, each with its anchor (`#a32`) for links from a search.
pub(super) async fn policy_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<PolicyQuery>,
) -> PageResult {
    let (policy, articles) = policies::read(&state, &staff.actor, id).await?;
    let may_withdraw = policy.withdrawn_at.is_none() && policies::may_withdraw(&staff.actor, &policy);
    let mut last: Option<String> = None;
    let articles = articles
        .into_iter()
        .map(|a| {
            let opens = if a.chapter != last { a.chapter.clone() } else { None };
            last.clone_from(&a.chapter);
            (opens, a)
        })
        .collect();
    Ok(render(&PolicyPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        policy,
        articles,
        added: q.added == "1",
        may_withdraw,
    })
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct WithdrawForm {
    csrf: Option<String>,
}

/// Withdraws a policy from its page (asked to confirm first); back to the library.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    policies::withdraw(&state, &staff.actor, id).await?;
    Ok(Redirect::to("/policies").into_response())
}
