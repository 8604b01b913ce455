//! Registration at the counter: the form, the intake panel as the receiver types, the receipt code
//! kept for the receipt; the accused named with pickers (GEN-7).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;
use huiyin_core::case::{AccusedDraft, CaseDraft, Channel, Flag, PetitionerDraft, Purpose, Relation};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Choice, FormErrors, Me, PageResult, RECEIPT_KEY, Staff, check_csrf, choices, render};
use huiyin_app::cases;
use huiyin_app::context::{AppState, new_token};
use huiyin_app::error::AppError;
use huiyin_app::search::{self, IntakeDraft, IntakeReport};
use huiyin_app::views;

/// The registration form's fields as typed.
#[derive(Default, Deserialize, Clone)]
pub(super) struct CaseForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    received_at: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    headcount: String,
    #[serde(default)]
    representatives: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    purpose: String,
    /// How the petitioner stands to the unit (SCH-1), where the unit asks.
    #[serde(default)]
    relation: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    place_unit: String,
    #[serde(default)]
    accused_name: String,
    /// The accused unit's code, picked from every unit (GEN-7).
    #[serde(default)]
    accused_unit: String,
    /// The accused staff member's login name, picked from every active account (GEN-7).
    #[serde(default)]
    accused_user: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    forwarded_unit: String,
    #[serde(default)]
    forwarded_reference: String,
    /// The reception session (接访活动) the visit is received in, by id (TWN-10).
    #[serde(default)]
    session: String,
}

impl CaseForm {
    /// The petitioner as typed; blank fields are absent.
    fn petitioner(&self) -> PetitionerDraft {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        PetitionerDraft {
            name: some(&self.name),
            id_type: None,
            id_number: some(&self.id_number),
            phone: some(&self.phone),
            address: some(&self.address),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/new_case.html")]
pub(super) struct NewCasePage {
    me: Option<Me>,
    me_name: String,
    /// Who is on duty today in the registrar's unit (TWN-6), by name and title.
    on_duty: Option<String>,
    /// Today's reception sessions of the registrar's unit (TWN-10): (id, “领导接访日 · 李振（副镇长） · 镇信访接待室”).
    sessions: Vec<(String, String)>,
    csrf: String,
    channel_label: &'static str,
    f: CaseForm,
    channels: Vec<Choice>,
    purposes: Vec<Choice>,
    /// How the petitioner stands to the unit (SCH-1): asked only where the receiver's unit
    /// receives some people (a school); empty otherwise.
    relations: Vec<Choice>,
    /// Whom the unit receives, as the question names them (教职工、学生、家长).
    received: String,
    units: Vec<(String, String)>,
    /// Every unit, for naming the accused one (it may lie outside the registering unit's scope).
    all_units: Vec<(String, String)>,
    /// Every active staff member as (login, “name · unit”), for naming an accused person (GEN-7).
    all_staff: Vec<(String, String)>,
    category_paths: Vec<String>,
    flag_choices: Vec<(&'static str, &'static str, bool)>,
    /// The receiver's unit's published reception hours (SCH-4, FED-3), beside the time received.
    office_hours: Option<String>,
    errors: Option<ValidationErrors>,
    has_errors: bool,
}

impl FormErrors for NewCasePage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

/// The accused as a form gives them: a name, a unit picked, a staff member picked (GEN-7), any of
/// them or none.
pub(crate) fn accused_draft(name: &str, unit: &str, user: &str) -> Option<AccusedDraft> {
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    (given(name).is_some() || given(unit).is_some() || given(user).is_some()).then(|| AccusedDraft {
        name: given(name),
        unit: given(unit),
        user: given(user),
    })
}

/// Every active staff member (not the online intake account), as (login, “name · unit”), by unit:
/// the picker for an accused person (GEN-7).
pub(super) async fn staff_choices(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let units: HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let users = state.store.users().await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active && !huiyin_core::user::is_system_account(&u.username))
        .map(|u| {
            let unit = units.get(&u.unit_id).cloned().unwrap_or_default();
            (u.username, format!("{} · {unit}", u.display_name))
        })
        .collect())
}

/// The channels taken at the counter.
pub(super) const COUNTER_CHANNELS: [Channel; 3] = [Channel::Visit, Channel::Letter, Channel::Phone];

pub(super) async fn new_case_page(
    state: &AppState,
    staff: &Staff,
    f: CaseForm,
    flags: &[Flag],
    errors: Option<ValidationErrors>,
) -> PageResult<NewCasePage> {
    let channel = Channel::parse("channel", &f.channel).unwrap_or(Channel::Visit);
    let classes = state.classes().await;
    // SCH-1: asked where the receiver's unit asks it, and wherever a registration was refused for
    // want of it (a county's staff registering for a school).
    let scope =
        huiyin_app::presets::terms_for(state, staff.actor.user.unit_id).await?.scope.filter(|s| s.asks_relation());
    let refused_for_it = errors.as_ref().is_some_and(|e| e.iter().any(|e| e.field == "relation"));
    Ok(NewCasePage {
        relations: if scope.is_some() || refused_for_it {
            choices(Relation::ALL.iter().map(|r| (r.code(), r.label_zh())), &f.relation)
        } else {
            Vec::new()
        },
        received: scope.map_or_else(|| "教职工、学生、家长".to_owned(), |s| s.relations_zh()),
        me: staff.me(),
        me_name: staff.actor.user.display_name.clone(),
        on_duty: huiyin_app::duty::on_duty_today(state, &staff.actor)
            .await?
            .as_ref()
            .map(huiyin_app::accounts::name_and_title),
        sessions: huiyin_app::reception_sessions::todays_sessions(state, &staff.actor)
            .await?
            .iter()
            .map(|r| {
                let leaders = huiyin_app::reception_sessions::leaders_text(r);
                (r.id.to_string(), format!("{} · {leaders} · {}", r.session.kind.label_zh(), r.session.place))
            })
            .collect(),
        csrf: staff.csrf.clone(),
        channel_label: channel.label_zh(),
        channels: choices(COUNTER_CHANNELS.iter().map(|c| (c.code(), c.label_zh())), &f.channel),
        purposes: choices(Purpose::ALL.iter().map(|p| (p.code(), p.label_zh())), &f.purpose),
        // A closed unit registers nothing.
        units: huiyin_app::units::units_in_scope(state, &staff.actor)
            .await?
            .into_iter()
            .filter(|u| u.closed_at.is_none())
            .map(|u| (u.code, u.name))
            .collect(),
        all_units: state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect(),
        all_staff: staff_choices(state).await?,
        category_paths: classes.iter().filter(|c| c.active && c.level == 3).map(|c| c.path.clone()).collect(),
        flag_choices: Flag::ALL
            .iter()
            .filter(|f| f.is_chosen())
            .map(|fl| (fl.code(), fl.label_zh(), flags.contains(fl)))
            .collect(),
        office_hours: huiyin_app::public::office_hours(state, staff.actor.user.unit_id).await?,
        has_errors: errors.is_some(),
        errors,
        f,
    })
}

#[derive(Deserialize)]
pub(super) struct ChannelParam {
    channel: Option<String>,
}

/// The intake check as the receiver types (FED-11, GEN-5, FED-6, TWN-14): a fragment for the
/// registration form, refreshed by htmx. Nothing is written.
pub(super) async fn intake(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, raw.get("csrf")).await?;
    let f: CaseForm = serde_json::to_value(&raw).and_then(serde_json::from_value).unwrap_or_default();
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = IntakeDraft {
        unit: some(&f.unit),
        channel: some(&f.channel),
        petitioner: Some(f.petitioner()),
        content: some(&f.content),
        place_unit: some(&f.place_unit),
    };
    let report = match search::intake_check(&state, &staff.actor, &draft).await {
        Ok(report) => report,
        // A half-typed unit code is not an error while typing.
        Err(AppError::Invalid(_)) => Default::default(),
        Err(e) => return Err(e.into()),
    };
    let typed = [&f.name, &f.id_number, &f.phone, &f.address, &f.content].iter().any(|v| !v.trim().is_empty());
    Ok(render(&IntakePanel { typed, r: report }))
}

/// “使用此信访人信息”: the petitioner of an earlier case in full, as JSON for the intake panel's
/// script to fill the form with. A POST with the page's CSRF token, since it is a logged
/// personal-data view (COM-4) that another site must not cause.
pub(super) async fn petitioner_details(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<super::login::CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let p = huiyin_app::cases::petitioner_of(&state, &staff.actor, id).await?;
    Ok(axum::Json(p).into_response())
}

#[derive(Template)]
#[template(path = "staff/intake.html")]
pub(super) struct IntakePanel {
    /// Whether anything that identifies the petitioner or the matter was typed yet.
    typed: bool,
    r: IntakeReport,
}

pub(super) async fn new_case(State(state): State<AppState>, staff: Staff, Query(q): Query<ChannelParam>) -> PageResult {
    let channel = q.channel.as_deref().and_then(|c| Channel::parse("channel", c).ok()).unwrap_or(Channel::Visit);
    let f = CaseForm {
        channel: channel.code().into(),
        unit: staff.actor.user.unit_code.clone(),
        received_at: views::local_input(Utc::now()),
        headcount: "1".into(),
        purpose: Purpose::Request.code().into(),
        ..Default::default()
    };
    let page = new_case_page(&state, &staff, f, &[], None).await?;
    Ok(render(&page))
}

pub(super) fn draft_from_form(f: &CaseForm, flags: &[Flag]) -> Result<CaseDraft, ValidationErrors> {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let headcount = match f.headcount.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            FieldError::new(
                "headcount",
                Invalid::OutOfRange { min: 1, max: i64::from(huiyin_core::case::MAX_HEADCOUNT) },
            )
        })?),
    };
    Ok(CaseDraft {
        channel: some(&f.channel),
        received_at: some(&f.received_at),
        unit: some(&f.unit),
        petitioner: Some(f.petitioner()),
        headcount,
        representatives: f
            .representatives
            .split([',', ',', '、', ';', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        category: some(&f.category),
        purpose: some(&f.purpose),
        relation: some(&f.relation),
        content: some(&f.content),
        accused: accused_draft(&f.accused_name, &f.accused_unit, &f.accused_user),
        place: some(&f.place),
        place_unit: some(&f.place_unit),
        flags: flags.iter().map(|f| f.code().to_owned()).collect(),
        forwarded_from: some(&f.forwarded_unit).map(|unit| huiyin_core::case::ForwardedDraft {
            unit: Some(unit),
            reference: some(&f.forwarded_reference),
        }),
        // A value no picker offers is refused as no session of the unit.
        session: some(&f.session).map(|s| s.parse().unwrap_or(-1)),
    })
}

pub(super) async fn create_case(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, raw.get("csrf")).await?;
    let f: CaseForm = serde_json::to_value(&raw).and_then(serde_json::from_value).unwrap_or_default();
    let flags: Vec<Flag> =
        Flag::ALL.into_iter().filter(|fl| raw.contains_key(&format!("flag_{}", fl.code()))).collect();
    let result = match draft_from_form(&f, &flags) {
        Ok(draft) => cases::register_case(&state, &staff.actor, &draft).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok((id, code)) => {
            keep_receipt_code(&state, &staff.session, id, &code).await?;
            Ok(Redirect::to(&format!("/cases/{id}/receipt")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = new_case_page(&state, &staff, f, &flags, Some(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Keeps a new query code in the session until its receipt is first printed, sealed (issue 15: no
/// query code in clear in the database, where sessions live): a random nonce per code, and the
/// digits under a pad from the server's key and that nonce.
pub(super) async fn keep_receipt_code(
    state: &AppState,
    session: &Session,
    id: impl ToString,
    code: &huiyin_core::case::QueryCode,
) -> PageResult<()> {
    let nonce = new_token("").map_err(AppError::Random)?;
    let sealed = state.secret.seal_query_code(&nonce, code);
    // A session from before codes were sealed holds another shape: it is started afresh.
    let mut codes: HashMap<String, (String, String)> =
        session.get(RECEIPT_KEY).await.ok().flatten().unwrap_or_default();
    codes.insert(id.to_string(), (nonce, sealed));
    session.insert(RECEIPT_KEY, codes).await?;
    Ok(())
}

/// The query code kept for case `id`'s receipt (or a complaint's, `complaint-{id}`), once: it is
/// forgotten as it is taken.
pub(super) async fn take_receipt_code(
    state: &AppState,
    session: &Session,
    id: impl ToString,
) -> PageResult<Option<String>> {
    let mut codes: HashMap<String, (String, String)> =
        session.get(RECEIPT_KEY).await.ok().flatten().unwrap_or_default();
    let taken = codes.remove(&id.to_string());
    session.insert(RECEIPT_KEY, codes).await?;
    Ok(taken.and_then(|(nonce, sealed)| state.secret.unseal_query_code(&nonce, &sealed)).map(|c| c.to_string()))
}
