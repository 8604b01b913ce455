//! 民主管理 (issue 20, DEM-1 … DEM-5): a community's page — its charter and conventions (each with
//! the version in force), and its three bodies with their cadence, rules and members — and a
//! document's page with its text, its versions, two versions compared and an amendment recorded.
//! The forms are for the community's administrators and leaders (and those above); everyone whose
//! scope holds it reads.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf};
use huiyin_app::charters::{self, CharterDetail};
use huiyin_app::community_bodies::{self, BodyView};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::ValidationErrors;
use huiyin_core::charter::{CharterDraft, CharterKind, CharterVersionDraft, DiffLine};
use huiyin_core::community_body::{BodyMemberDraft, BodyRulesDraft, MemberRole, Share};
use huiyin_core::meeting::MatterSource;
use huiyin_core::unit::UnitKind;

/// What a refused form held, to show it again.
#[derive(Default, Deserialize)]
pub(super) struct CharterForm {
    csrf: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    adopted_on: String,
    #[serde(default)]
    adopted_by: String,
    #[serde(default)]
    note: String,
    /// An amendment: the version it was made to.
    after_version: Option<i32>,
    /// An amendment: the recorded congress decision that adopted it (empty: none recorded here).
    #[serde(default)]
    decision_id: String,
}

impl CharterForm {
    /// The decision picked; what is no id is kept as one no decision has (a tampered form, refused).
    fn decision(&self) -> Option<i64> {
        let raw = self.decision_id.trim();
        (!raw.is_empty()).then(|| raw.parse().unwrap_or(-1))
    }

    fn version(&self) -> CharterVersionDraft {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        CharterVersionDraft {
            text: some(&self.text),
            adopted_on: some(&self.adopted_on),
            adopted_by: some(&self.adopted_by),
            note: some(&self.note),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/democracy.html")]
pub(super) struct DemocracyPage {
    me: Option<Me>,
    csrf: String,
    /// The communities of the reader's scope: (code, name, this one).
    communities: Vec<(String, String, bool)>,
    /// The community shown, if the reader's scope holds one.
    unit: Option<(String, String)>,
    charters: Vec<CharterDetail>,
    bodies: Vec<BodyView>,
    /// This year's meetings, by day.
    meetings: Vec<huiyin_app::meetings::MeetingView>,
    /// The matters raised for the council and the congress: those waiting first.
    matters: Vec<huiyin_app::matters::MatterLine>,
    sources: Vec<(&'static str, &'static str)>,
    keeps: bool,
    /// The community has its charter: a new document is a convention.
    has_charter: bool,
    kinds: Vec<(&'static str, &'static str)>,
    /// The shares a quorum or majority may be (过半数 at the least).
    half_or_more: Vec<(&'static str, &'static str)>,
    /// The shares of representatives who may convene the congress (a third at the most).
    third_or_less: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    typed: CharterForm,
    today: String,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl DemocracyPage {
    /// Whether a matter waits for a meeting (the call form offers it).
    fn has_waiting(&self) -> bool {
        self.matters.iter().any(huiyin_app::matters::MatterLine::waits)
    }

    /// The days of notice a body's rules ask for.
    fn notice_of(&self, body: &str) -> u32 {
        self.bodies.iter().find(|b| b.kind.code() == body).map_or(0, |b| b.rules.notice_days)
    }
}

impl FormErrors for DemocracyPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DemocracyQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    done: String,
}

pub(super) async fn democracy_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DemocracyQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "adopt" => Some("已登记该文件。"),
        "rules" => Some("已修改议事规则。"),
        "member" => Some("已增加成员。"),
        "leave" => Some("已登记离任。"),
        "matter" => Some("已登记议题,召集议事协商会或居民代表大会时可列入议程。"),
        _ => None,
    };
    view(&state, &staff, &q.unit, done, CharterForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    unit: &str,
    done: Option<&'static str>,
    typed: CharterForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let communities: Vec<huiyin_store::Unit> = huiyin_app::units::units_in_scope(state, &staff.actor)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Community && u.closed_at.is_none())
        .collect();
    let wanted = unit.trim();
    let shown = communities
        .iter()
        .find(|u| u.code.eq_ignore_ascii_case(wanted))
        .or_else(|| communities.iter().find(|u| u.id == staff.actor.user.unit_id))
        .or(communities.first())
        .cloned();
    let year = chrono::Datelike::year(&huiyin_core::limits::china_day(chrono::Utc::now()));
    let (charters, bodies, meetings, matters, keeps) = match &shown {
        Some(u) => (
            charters::charters(state, &staff.actor, &u.code).await?.1,
            community_bodies::bodies(state, &staff.actor, &u.code).await?.1,
            huiyin_app::meetings::meetings(state, &staff.actor, &u.code, year).await?.1,
            huiyin_app::matters::matters(state, &staff.actor, &u.code).await?.1,
            charters::keeps(&staff.actor, u),
        ),
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new(), false),
    };
    let code = shown.as_ref().map(|u| u.code.clone()).unwrap_or_default();
    let page = DemocracyPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        communities: communities.iter().map(|u| (u.code.clone(), u.name.clone(), u.code == code)).collect(),
        unit: shown.map(|u| (u.code, u.name)),
        has_charter: charters.iter().any(|d| d.record.charter.kind == CharterKind::Charter),
        charters,
        bodies,
        meetings,
        matters,
        sources: [MatterSource::Committee, MatterSource::Representative, MatterSource::Resident]
            .iter()
            .map(|s| (s.code(), s.label_zh()))
            .collect(),
        keeps,
        kinds: CharterKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        half_or_more: Share::ALL.iter().filter(|s| s.at_least_half()).map(|s| (s.code(), s.label_zh())).collect(),
        third_or_less: [Share::OneThird, Share::OneFifth].iter().map(|s| (s.code(), s.label_zh())).collect(),
        roles: MemberRole::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
        typed,
        today: huiyin_core::limits::china_day(chrono::Utc::now()).to_string(),
        done,
        problems: super::problems(errors.as_ref()),
        errors,
    };
    Ok(super::render_form(&page, page.errors.is_some()))
}

/// Adopts a document of the community from the page's form.
pub(super) async fn adopt(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<CharterForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let version = f.version();
    let draft = CharterDraft {
        kind: some(&f.kind),
        name: some(&f.name),
        text: version.text,
        adopted_on: version.adopted_on,
        adopted_by: version.adopted_by,
        note: version.note,
    };
    match charters::adopt(&state, &staff.actor, &unit, &draft).await {
        Ok(detail) => Ok(Redirect::to(&format!("/charters/{}?done=adopt", detail.record.id)).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, &unit, None, f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct RulesForm {
    csrf: Option<String>,
    #[serde(default)]
    quorum: String,
    #[serde(default)]
    majority: String,
    #[serde(default)]
    notice_days: String,
    #[serde(default)]
    convene_share: String,
}

/// Sets a body's rules from its form.
pub(super) async fn set_rules(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, body)): Path<(String, String)>,
    Form(f): Form<RulesForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let notice_days = match f.notice_days.trim().parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) if f.notice_days.trim().is_empty() => None,
        // Not a number of days: more than any rule allows, refused on the field.
        Err(_) => Some(u32::MAX),
    };
    let draft = BodyRulesDraft {
        quorum: some(&f.quorum),
        majority: some(&f.majority),
        notice_days,
        convene_share: some(&f.convene_share),
    };
    match community_bodies::set_rules(&state, &staff.actor, &unit, &body, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/democracy?unit={unit}&done=rules#body-{body}")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, &unit, None, CharterForm::default(), Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct MemberForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    represents: String,
    #[serde(default)]
    term_from: String,
    #[serde(default)]
    term_to: String,
}

/// Adds a member from a body's form.
pub(super) async fn add_member(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, body)): Path<(String, String)>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = BodyMemberDraft {
        name: some(&f.name),
        role: some(&f.role),
        represents: some(&f.represents),
        term_from: some(&f.term_from),
        term_to: some(&f.term_to),
    };
    match community_bodies::add_member(&state, &staff.actor, &unit, &body, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/democracy?unit={unit}&done=member#body-{body}")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, &unit, None, CharterForm::default(), Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct LeaveForm {
    csrf: Option<String>,
    #[serde(default)]
    left_on: String,
    #[serde(default)]
    reason: String,
}

/// Records that a member left, from their line's form.
pub(super) async fn leave(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<LeaveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let (left_on, reason) = (f.left_on.trim(), f.reason.trim());
    let some = |s| Some(s).filter(|s: &&str| !s.is_empty());
    match community_bodies::end_member(&state, &staff.actor, id, some(left_on), some(reason)).await {
        Ok(m) => {
            let unit = state.store.unit_by_id(m.member.unit_id).await.map_err(AppError::from)?;
            let code = unit.map(|u| u.code).unwrap_or_default();
            Ok(Redirect::to(&format!("/democracy?unit={code}&done=leave#body-{}", m.member.body.code()))
                .into_response())
        }
        Err(AppError::Invalid(errors)) => view(&state, &staff, "", None, CharterForm::default(), Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/charter.html")]
pub(super) struct CharterPage {
    me: Option<Me>,
    csrf: String,
    d: CharterDetail,
    keeps: bool,
    /// The two versions compared and what changed.
    compared: Option<(i32, i32, Vec<DiffLine>)>,
    typed: CharterForm,
    /// The congress decisions an amendment may cite: (id, as cited).
    decisions: Vec<(i64, String)>,
    today: String,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for CharterPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CharterQuery {
    from: Option<i32>,
    to: Option<i32>,
    #[serde(default)]
    done: String,
}

pub(super) async fn charter_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<CharterQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "adopt" => Some("已登记该文件。"),
        "amend" => Some("已登记修正后的新版本。"),
        _ => None,
    };
    charter_view(&state, &staff, id, (q.from, q.to), done, None, None).await
}

async fn charter_view(
    state: &AppState,
    staff: &Staff,
    id: i64,
    (from, to): (Option<i32>, Option<i32>),
    done: Option<&'static str>,
    typed: Option<CharterForm>,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let d = charters::charter(state, &staff.actor, id).await?;
    let compared = match charters::compare(&d, from, to) {
        Ok(c) if d.versions.len() > 1 || from.is_some() => Some(c),
        Ok(_) => None,
        Err(AppError::Invalid(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let current = d.current().map(|v| (v.version, v.text.text.clone()));
    let mut typed = typed.unwrap_or_else(|| CharterForm {
        text: current.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
        ..CharterForm::default()
    });
    // A refused form is sent again as made to the version it was read at; a stale one to the one
    // now in force.
    typed.after_version = typed.after_version.or(current.as_ref().map(|c| c.0));
    let page = CharterPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        keeps: charters::keeps(&staff.actor, &d.unit),
        decisions: charters::adopting_decisions(state, &d.unit).await?,
        d,
        compared,
        typed,
        today: huiyin_core::limits::china_day(chrono::Utc::now()).to_string(),
        done,
        problems: super::problems(errors.as_ref()),
        errors,
    };
    Ok(super::render_form(&page, page.errors.is_some()))
}

/// Records an amendment from the document's form.
pub(super) async fn amend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CharterForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match charters::amend(&state, &staff.actor, id, f.after_version, f.decision(), &f.version()).await {
        Ok(d) => {
            let to = d.current().map_or(1, |v| v.version);
            Ok(Redirect::to(&format!("/charters/{id}?done=amend&to={to}#compare")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            charter_view(&state, &staff, id, (None, None), None, Some(f), Some(errors)).await
        }
        // Amended by someone else since: what was typed stays, made to the version now in force, and
        // the comparison shows what that version changed.
        Err(AppError::Store(huiyin_store::StoreError::Conflict)) => {
            let allowed = "现行版本(他人刚登记了新版本,请先看上面的比较,再确认修正后的全文)".into();
            let stale = huiyin_core::FieldError::new("after_version", huiyin_core::Invalid::NotAChoice { allowed });
            let typed = CharterForm { after_version: None, ..f };
            charter_view(&state, &staff, id, (None, None), None, Some(typed), Some(stale.into())).await
        }
        Err(e) => Err(e.into()),
    }
}
