//! 拒收礼品登记 (issue 19, SCH-8): the page where a staff member records a gift, banquet or favour
//! they were offered and refused, and where supervisors and leaders read their units' register for
//! a year, review each line and see the year's summary.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::gifts::{self, GiftLine, GiftSummary};
use huiyin_core::ValidationErrors;
use huiyin_core::gift::{GiftDraft, GiftKind};

/// What the record form held when it was refused, to show it again.
#[derive(Default, Deserialize)]
pub(super) struct GiftForm {
    csrf: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    offered_by: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    offered_on: String,
    #[serde(default)]
    value_yuan: String,
    #[serde(default)]
    handling: String,
    #[serde(default)]
    case_number: String,
}

#[derive(Template)]
#[template(path = "staff/gifts.html")]
pub(super) struct GiftsPage {
    me: Option<Me>,
    csrf: String,
    year: i32,
    unit_code: String,
    /// The units whose register the reader reads: (code, name, this one); empty for those who read
    /// only their own.
    units: Vec<(String, String, bool)>,
    lines: Vec<GiftLine>,
    summary: Option<GiftSummary>,
    kinds: Vec<(&'static str, &'static str)>,
    typed: GiftForm,
    today: String,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for GiftsPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct GiftsQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    done: String,
}

pub(super) async fn gifts_page(State(state): State<AppState>, staff: Staff, Query(q): Query<GiftsQuery>) -> PageResult {
    let done = match q.done.as_str() {
        "record" => Some("已登记,待领导审核。未能当场谢绝的礼品礼金,请按规定退还或上交。"),
        "review" => Some("已审核。"),
        _ => None,
    };
    let year = super::year_or_this(&q.year);
    let unit = Some(q.unit.trim()).filter(|u| !u.is_empty());
    view(&state, &staff, unit, year, done, GiftForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    unit: Option<&str>,
    year: i32,
    done: Option<&'static str>,
    typed: GiftForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let reads_units = matches!(
        staff.actor.user.role,
        huiyin_core::user::Role::Supervisor | huiyin_core::user::Role::Leader | huiyin_core::user::Role::Admin
    );
    let lines = gifts::register(state, &staff.actor, if reads_units { unit } else { None }, year).await?;
    let summary = if reads_units { Some(gifts::summary(state, &staff.actor, unit, year).await?) } else { None };
    let unit_code = summary.as_ref().map_or_else(|| staff.actor.user.unit_code.clone(), |s| s.unit.code.clone());
    let units = if reads_units {
        huiyin_app::units::units_in_scope(state, &staff.actor)
            .await?
            .into_iter()
            .map(|u| {
                let here = u.code == unit_code;
                (u.code, u.name, here)
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = GiftsPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        year,
        unit_code,
        units,
        lines,
        summary,
        kinds: GiftKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        typed,
        today: huiyin_core::limits::china_day(chrono::Utc::now()).to_string(),
        done,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Records a refused offer from the form.
pub(super) async fn record(State(state): State<AppState>, staff: Staff, Form(f): Form<GiftForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let value = match f.value_yuan.trim() {
        "" => Ok(None),
        v => v.parse::<i64>().map(Some),
    };
    let draft = GiftDraft {
        kind: some(&f.kind),
        offered_by: some(&f.offered_by),
        what: some(&f.what),
        offered_on: some(&f.offered_on),
        // A value that is no whole number of yuan is refused on its field.
        value_yuan: value.as_ref().map_or(Some(-1), |v| *v),
        handling: some(&f.handling),
        case_number: some(&f.case_number),
    };
    match gifts::record(&state, &staff.actor, &draft).await {
        Ok(_) => Ok(Redirect::to("/gifts?done=record").into_response()),
        Err(AppError::Invalid(errors)) => {
            view(&state, &staff, None, huiyin_app::views::this_year(), None, f, Some(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    csrf: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
}

/// Reviews one line of the register.
pub(super) async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    gifts::review(&state, &staff.actor, id, Some(f.note.as_str())).await?;
    // Back to the register as it was shown, with only what can be a unit code and a year.
    let unit = huiyin_core::unit::UnitCode::parse("unit", &f.unit).map(|u| u.as_str().to_owned()).unwrap_or_default();
    let year: i32 = super::year_or_this(&f.year);
    let to = format!("/gifts?unit={unit}&year={year}&done=review");
    Ok(Redirect::to(&to).into_response())
}
