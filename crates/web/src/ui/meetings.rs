//! 会议 (issue 20, DEM-3 … DEM-5): a community's meetings — the form that calls one (on 民主管理),
//! and a meeting's page with its agenda, the attendance ticked from the sitting members, the quorum,
//! and a decision form per agenda item with its votes.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};

use super::{FormErrors, Me, PageResult, Staff, check_csrf};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::meeting_papers::{self, Paper};
use huiyin_app::meetings::{self, MeetingView};
use huiyin_core::ValidationErrors;
use huiyin_core::meeting::{DecisionDraft, MeetingDraft};
use huiyin_store::BodyMemberRecord;

/// The fields of a form, repeated ones (ticked boxes) included.
type Fields = Vec<(String, String)>;

fn field(fields: &Fields, name: &str) -> Option<String> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Ids ticked in a repeated field; what is no id is left out (a tampered form).
fn ticked(fields: &Fields, name: &str) -> Vec<i64> {
    fields.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| v.trim().parse().ok()).collect()
}

/// Calls a meeting from 民主管理's form: the agenda one item a line, the signers ticked.
pub(super) async fn call(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(fields): Form<Fields>,
) -> PageResult {
    check_csrf(&staff.session, field(&fields, "csrf").as_ref()).await?;
    let draft = MeetingDraft {
        body: field(&fields, "body"),
        day: field(&fields, "day"),
        starts: field(&fields, "starts"),
        place: field(&fields, "place"),
        agenda: field(&fields, "agenda").map(|a| a.lines().map(str::to_owned).collect()),
        convened_by: field(&fields, "convened_by"),
        signers: Some(ticked(&fields, "signers")),
        matters: Some(ticked(&fields, "matters")),
    };
    match meetings::call(&state, &staff.actor, &unit, &draft).await {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}?done=call", m.record.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok(super::refused_page(&staff, "未能召集会议", &errors, format!("/democracy?unit={unit}#meetings")))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/meeting.html")]
pub(super) struct MeetingPage {
    me: Option<Me>,
    csrf: String,
    v: MeetingView,
    /// The body's members sitting now, for the attendance.
    sitting: Vec<BodyMemberRecord>,
    /// The members who attended, by name.
    present_names: Vec<String>,
    keeps: bool,
    /// The day it was called, from which its notice is on the portal.
    noticed_on: chrono::NaiveDate,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for MeetingPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

impl MeetingPage {
    /// The decision taken on agenda item `i`, if one was.
    fn decision(&self, i: &usize) -> Option<&huiyin_store::DecisionRecord> {
        self.v.decision_on(*i)
    }

    /// Where agenda item `i` came from, when it was raised as a matter: the source, and the case.
    fn raised(&self, i: &usize) -> Option<(&'static str, Option<i64>)> {
        self.v.matter_on(*i).map(|m| (m.matter.source.label_zh(), m.matter.case_id))
    }
}

/// A meeting's notice or minutes as PDF.
pub(super) async fn paper_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, paper)): Path<(i64, String)>,
) -> PageResult {
    let paper = paper.strip_suffix(".pdf").and_then(Paper::parse).ok_or(AppError::NotFound)?;
    let (name, pdf) = meeting_papers::staff_paper(&state, &staff.actor, id, paper).await?;
    Ok(crate::made_pdf(&name, pdf))
}

#[derive(serde::Deserialize, Default)]
pub(super) struct MeetingQuery {
    #[serde(default)]
    done: String,
}

pub(super) async fn meeting_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<MeetingQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "call" => Some("已召集会议。"),
        "attendance" => Some("已登记出席情况。"),
        "decision" => Some("已登记决定。"),
        _ => None,
    };
    view(&state, &staff, id, done, None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    id: i64,
    done: Option<&'static str>,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let v = meetings::meeting_view(state, &staff.actor, id).await?;
    let members = huiyin_app::community_bodies::bodies(state, &staff.actor, &v.unit.code).await?.1;
    let of_body: Vec<BodyMemberRecord> =
        members.into_iter().filter(|b| b.kind == v.record.meeting.body).flat_map(|b| b.members).collect();
    let present_names = match &v.record.attendance {
        Some(a) => of_body.iter().filter(|m| a.present.contains(&m.id)).map(|m| m.member.name.clone()).collect(),
        None => Vec::new(),
    };
    let page = MeetingPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        keeps: huiyin_app::charters::keeps(&staff.actor, &v.unit),
        noticed_on: huiyin_core::limits::china_day(v.record.meeting.created_at),
        sitting: of_body.into_iter().filter(|m| m.left_on.is_none()).collect(),
        present_names,
        v,
        done,
        problems: super::problems(errors.as_ref()),
        errors,
    };
    Ok(super::render_form(&page, page.errors.is_some()))
}

/// Records who attended, ticked from the sitting members.
pub(super) async fn attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    check_csrf(&staff.session, field(&fields, "csrf").as_ref()).await?;
    match meetings::attend(&state, &staff.actor, id, &ticked(&fields, "present")).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?done=attendance")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, id, None, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

/// Records the decision on an agenda item.
pub(super) async fn decision(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    check_csrf(&staff.session, field(&fields, "csrf").as_ref()).await?;
    // A count that is no number is more than anyone present: refused on its field.
    let count = |name: &str| field(&fields, name).map(|v| v.parse::<u32>().unwrap_or(u32::MAX));
    let draft = DecisionDraft {
        item: field(&fields, "item").and_then(|i| i.parse().ok()),
        text: field(&fields, "text"),
        votes_for: count("votes_for"),
        votes_against: count("votes_against"),
        abstentions: count("abstentions"),
    };
    match meetings::decide(&state, &staff.actor, id, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?done=decision")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, id, None, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}
