//! Signing in and out, and the first-run setup of the top unit and its administrator.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huiyin_core::preset::{self, Placement};
use huiyin_core::unit::{UnitDraft, UnitKind};
use huiyin_core::user::AccountDraft;
use huiyin_core::{FieldError, Invalid, Lang};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Choice, Me, PageError, PageResult, check_csrf, choices, csrf_token, render, safe_next};
use crate::extract::ClientAddress;
use crate::sessions::{sign_in, user_agent};
use huiyin_app::accounts;
use huiyin_app::context::{AppState, token_hash};
use huiyin_app::error::AppError;
use huiyin_app::guards;

#[derive(Template)]
#[template(path = "staff/login.html")]
pub(super) struct LoginPage {
    me: Option<Me>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    /// The password was just set by a one-time link.
    password_set: bool,
}

#[derive(Deserialize)]
pub(super) struct NextParam {
    next: Option<String>,
    /// The login name whose password a link just set: filled in, with a word that it worked.
    set: Option<String>,
}

pub(super) async fn login_form(session: Session, Query(q): Query<NextParam>) -> PageResult {
    let csrf = csrf_token(&session).await?;
    let next = safe_next(q.next.as_deref().unwrap_or("/home")).to_owned();
    let username = q.set.as_deref().map(str::trim).filter(|u| huiyin_core::user::Username::parse("set", u).is_ok());
    let page = LoginPage {
        me: None,
        csrf,
        next,
        password_set: username.is_some(),
        username: username.unwrap_or_default().to_owned(),
        error: None,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    csrf: Option<String>,
    username: String,
    password: String,
    next: Option<String>,
}

/// Signs in. Failures are counted per account and per address in the database (`guards`): past the
/// cap the form answers 429 until the window has passed. An unknown or password-less account is
/// checked against a stand-in hash, so it answers as slowly as a known one.
pub(super) async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    session: Session,
    Form(f): Form<LoginForm>,
) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    let username = f.username.trim().to_ascii_lowercase();
    let address = address.to_string();
    let capped = match guards::LOGIN_ADDRESS.attempt(&state, &address).await {
        Ok(_) => guards::LOGIN_ACCOUNT.attempt(&state, &username).await.err(),
        Err(e) => Some(e),
    };
    if let Some(AppError::TooManyRequests(wait)) = capped {
        let minutes = wait.as_secs().div_ceil(60);
        let error = format!("登录失败次数过多,请 {minutes} 分钟后再试;忘记密码请联系本单位管理员。");
        return Ok((StatusCode::TOO_MANY_REQUESTS, login_page(&session, &f, error).await?).into_response());
    }
    if let Some(e) = capped {
        return Err(e.into());
    }
    let user = accounts::authenticate(&state, &username, &f.password, &address).await?;
    match user {
        Some(user) => {
            guards::LOGIN_ACCOUNT.clear(&state, &username).await?;
            guards::LOGIN_ADDRESS.succeeded(&state, &address).await?;
            sign_in(&session, &user, &address, user_agent(&headers)).await?;
            tracing::info!(user = %user.username, "signed in");
            Ok(Redirect::to(safe_next(f.next.as_deref().unwrap_or("/home"))).into_response())
        }
        _ => {
            let page = login_page(&session, &f, "用户名或密码不正确。".into()).await?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

/// The login form again, with the name typed and an error.
pub(super) async fn login_page(session: &Session, f: &LoginForm, error: String) -> PageResult<Response> {
    let page = LoginPage {
        me: None,
        csrf: csrf_token(session).await?,
        next: safe_next(f.next.as_deref().unwrap_or("/home")).to_owned(),
        username: f.username.clone(),
        error: Some(error),
        password_set: false,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    pub(super) csrf: Option<String>,
}

pub(super) async fn logout(session: Session, Form(f): Form<CsrfForm>) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Default, Deserialize)]
pub(super) struct SetupForm {
    csrf: Option<String>,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    unit_name: String,
    #[serde(default)]
    unit_kind: String,
    /// The preset of the unit's own reception system (issue 22); empty for none.
    #[serde(default)]
    preset: String,
    /// The public hotline, with which a preset publishes its reception hours.
    #[serde(default)]
    hotline: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

#[derive(Default)]
pub(super) struct SetupErrors {
    general: Option<String>,
    unit_code: Option<String>,
    unit_name: Option<String>,
    preset: Option<String>,
    hotline: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// A preset as the setup page offers it.
pub(super) struct PresetChoice {
    id: String,
    title: String,
    document: String,
    summary: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
pub(super) struct SetupPage {
    me: Option<Me>,
    csrf: String,
    form: SetupForm,
    errors: SetupErrors,
    has_units: bool,
    unit_kinds: Vec<Choice>,
    presets: Vec<PresetChoice>,
}

pub(super) async fn setup_page(
    state: &AppState,
    session: &Session,
    form: SetupForm,
    errors: SetupErrors,
) -> PageResult {
    let csrf = csrf_token(session).await?;
    let has_units = !state.store.units().await?.is_empty();
    let unit_kinds = choices(UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())), &form.unit_kind);
    let presets = preset::all_shipped()
        .into_iter()
        .map(|p| PresetChoice {
            checked: p.id == form.preset,
            id: p.id,
            title: p.title,
            document: p.document,
            summary: p.summary,
        })
        .collect();
    Ok(render(&SetupPage { me: None, csrf, form, errors, has_units, unit_kinds, presets }))
}

pub(super) async fn setup_form(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    if !state.store.setup_token_exists(&token_hash(&token)).await? {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            "设置链接无效或已使用。如需新的链接,请重启服务查看控制台输出。".into(),
        ));
    }
    let form = SetupForm { unit_kind: "community".into(), ..Default::default() };
    setup_page(&state, &session, form, SetupErrors::default()).await
}

pub(super) async fn setup(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    session: Session,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    // A preset (issue 22) names the unit's kind and is checked, with the code and name it extends,
    // before the administrator is made.
    // A preset sets up a new tree: with units there already, it is not offered and not applied.
    let has_units = !state.store.units().await?.is_empty();
    let chosen = if has_units { None } else { preset::shipped(f.preset.trim()) };
    let placement = Placement {
        code: Some(f.unit_code.clone()),
        name: Some(f.unit_name.clone()),
        parent: None,
        hotline: Some(f.hotline.clone()),
    };
    let planned: Result<(), AppError> = match &chosen {
        None if !has_units && !f.preset.trim().is_empty() => {
            Err(FieldError::new("preset", Invalid::NotAChoice { allowed: preset::shipped_ids() }).into())
        }
        Some(p) if !f.unit_name.trim().is_empty() => p.plan(&placement).map(|_| ()).map_err(AppError::from),
        _ => Ok(()),
    };
    let kind = chosen.as_ref().map_or_else(|| f.unit_kind.clone(), |p| p.top.kind.clone());
    let unit =
        UnitDraft { code: Some(f.unit_code.clone()), name: Some(f.unit_name.clone()), kind: Some(kind), parent: None };
    let account = AccountDraft {
        username: Some(f.username.clone()),
        unit: Some(f.unit_code.clone()),
        display_name: Some(f.display_name.clone()),
        ..Default::default()
    };
    let outcome = if f.password != f.password2 {
        Err(FieldError::new("password2", Invalid::NotAChoice { allowed: "与上一栏相同的密码".into() }).into())
    } else if let Err(e) = planned {
        Err(e)
    } else {
        accounts::set_up_first_administrator(&state, &token, &unit, &account, &f.password).await
    };
    if let (Ok(user), Some(p)) = (&outcome, &chosen) {
        // The unit is new and the administrator its own: the preset fills it in. It was checked
        // above; should a step still fail, the administrator is made and signed in all the same
        // (the link is used), and sets the rest on 单位设置.
        let actor = huiyin_app::actor::Actor::load(&state, user.clone()).await.map_err(AppError::from)?;
        if let Err(e) = huiyin_app::presets::apply(&state, &actor, p, &placement, true).await {
            tracing::warn!(preset = %p.id, error = %e, "a preset was not wholly applied at setup");
        }
    }
    let user = match outcome {
        Ok(user) => user,
        Err(AppError::NotFound) => {
            return Err(PageError(StatusCode::NOT_FOUND, "设置链接无效或已使用。".into()));
        }
        Err(AppError::Invalid(refused)) => {
            let lang = Lang::Zh;
            let mut errors = SetupErrors::default();
            for e in refused.iter() {
                let slot = match e.field.as_str() {
                    "unit" | "code" => &mut errors.unit_code,
                    "name" => &mut errors.unit_name,
                    "preset" | "unit_preset" => &mut errors.preset,
                    "hotline" => &mut errors.hotline,
                    "username" => &mut errors.username,
                    "password" => &mut errors.password,
                    "password2" => {
                        errors.password.get_or_insert_with(|| "两次输入的密码不一致。".into());
                        continue;
                    }
                    _ => &mut errors.general,
                };
                slot.get_or_insert_with(|| e.message(lang));
            }
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, setup_page(&state, &session, f, errors).await?).into_response()
            );
        }
        Err(e) => return Err(e.into()),
    };
    sign_in(&session, &user, &address.to_string(), user_agent(&headers)).await?;
    Ok(Redirect::to("/home").into_response())
}
