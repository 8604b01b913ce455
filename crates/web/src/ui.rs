//! The staff web UI: server-rendered pages in Chinese (login, first-run setup, registration form,
//! case list, case detail with its timeline, printable receipt). Works without JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::Utc;
use huiyin_core::case::{AccusedDraft, CaseDraft, Channel, Flag, PetitionerDraft, Purpose};
use huiyin_core::event::{ActionDraft, EventData, Status};
use huiyin_core::lifecycle::{self, ExtendDraft};
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::{Role, Username, check_new_password};
use huiyin_core::{FieldError, Invalid, Lang, ValidationErrors};
use huiyin_store::{NewUnit, NewUser, StoreError, User};
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::{self, AppError, CaseAction, ListParams};
use crate::auth::{Actor, hash_password, verify_password};
use crate::extract::ClientAddress;
use crate::guards;
use crate::search::{self, IntakeDraft, IntakeReport};
use crate::state::{AppState, new_token, token_hash};
use crate::views::{self, CaseView};

const USER_KEY: &str = "user_id";
/// The session's [`credential_stamp`].
const CREDENTIAL_KEY: &str = "credential";
const CSRF_KEY: &str = "csrf";
const RECEIPT_KEY: &str = "receipt_codes";

/// A failure while serving a page: shown as a plain page, logged when it is ours.
pub struct PageError(StatusCode, String);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = MessagePage {
            me: None,
            csrf: String::new(),
            title: "出错了".into(),
            text: self.1,
            link: Some("/cases".into()),
        };
        (self.0, render(&page)).into_response()
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e).into()
    }
}

impl From<tower_sessions::session::Error> for PageError {
    fn from(e: tower_sessions::session::Error) -> Self {
        tracing::error!(error = %e, "session failure");
        PageError(StatusCode::INTERNAL_SERVER_ERROR, "会话出错,请重新登录。".into())
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        let answer = crate::error::ApiError::logged(Lang::Zh, e);
        PageError(answer.status, answer.message)
    }
}

type PageResult<T = Response> = Result<T, PageError>;

pub(crate) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failure");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

/// One option of a select or radio group.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The options of a select, with the current value selected.
pub(crate) fn choices(items: impl IntoIterator<Item = (&'static str, &'static str)>, current: &str) -> Vec<Choice> {
    items.into_iter().map(|(value, label)| Choice { value, label, selected: value == current }).collect()
}

/// The signed-in user as the page header shows them, with any warning for them.
pub struct Me {
    pub display_name: String,
    pub role_label: &'static str,
    pub unit_code: String,
    pub warning: Option<String>,
    pub unread: i64,
}

/// How far ahead the calendar must reach before administrators are warned (GEN-8).
const CALENDAR_LOOKAHEAD_DAYS: i64 = 60;

/// The warning administrators see while a coming year's holiday schedule is not loaded.
async fn calendar_warning(state: &AppState, user: &User) -> Option<String> {
    if !user.role.can_administer() {
        return None;
    }
    let horizon = huiyin_core::limits::china_day(Utc::now()) + chrono::Duration::days(CALENDAR_LOOKAHEAD_DAYS);
    let calendar = state.calendar().await;
    (!calendar.covers(horizon)).then(|| {
        format!(
            "尚未导入 {} 年节假日安排:跨入该年的期限暂按周末计算,标为“暂定”。请在国务院通知发布后用 huiyin calendar import 导入。",
            chrono::Datelike::year(&horizon)
        )
    })
}

/// The per-session token every form posts back (with the SameSite cookie, it stops cross-site posts).
async fn csrf_token(session: &Session) -> PageResult<String> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await? {
        return Ok(t);
    }
    let t = new_token("").map_err(AppError::Random)?;
    session.insert(CSRF_KEY, &t).await?;
    Ok(t)
}

async fn check_csrf(session: &Session, posted: Option<&String>) -> PageResult<()> {
    let expected = session.get::<String>(CSRF_KEY).await?;
    match (expected, posted) {
        (Some(e), Some(p)) if &e == p => Ok(()),
        _ => Err(PageError(StatusCode::FORBIDDEN, "表单已过期,请返回刷新页面后重新提交。".into())),
    }
}

/// A signed-in staff member; pages that need one redirect to the login page otherwise.
pub struct Staff {
    pub actor: Actor,
    pub session: Session,
    pub csrf: String,
    warning: Option<String>,
    unread: i64,
}

impl Staff {
    fn me(&self) -> Option<Me> {
        let u = &self.actor.user;
        Some(Me {
            display_name: u.display_name.clone(),
            role_label: u.role.label_zh(),
            unit_code: u.unit_code.clone(),
            warning: self.warning.clone(),
            unread: self.unread,
        })
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let to_login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/cases");
            Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
        };
        let user_id = session.get::<i64>(USER_KEY).await.map_err(|e| PageError::from(e).into_response())?;
        let Some(user_id) = user_id else { return Err(to_login()) };
        let user = state.store.user_by_id(user_id).await.map_err(|e| PageError::from(e).into_response())?;
        let Some(user) = user.filter(|u| u.active) else { return Err(to_login()) };
        let stamp = session.get::<String>(CREDENTIAL_KEY).await.map_err(|e| PageError::from(e).into_response())?;
        if stamp.as_deref() != Some(credential_stamp(&user).as_str()) {
            return Err(to_login());
        }
        let warning = calendar_warning(state, &user).await;
        let actor = Actor::load(state, user).await.map_err(|e| PageError::from(e).into_response())?;
        let unread = app::unread_notifications(state, &actor).await.map_err(|e| PageError::from(e).into_response())?;
        let csrf = csrf_token(&session).await.map_err(IntoResponse::into_response)?;
        Ok(Staff { actor, session, csrf, warning, unread })
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after signing in: a path on this site only. `//host`, `/\\host` and anything with a
/// backslash or a control character could leave it (browsers read `\\` as `/`).
fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if local { next } else { "/cases" }
}

/// A fingerprint of the user's password hash kept in their session: a changed password (or a reset)
/// ends every session opened with the old one.
fn credential_stamp(user: &huiyin_store::User) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(user.password_hash.as_deref().unwrap_or_default().as_bytes());
    crate::state::hex(&digest[..8])
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    me: Option<Me>,
    csrf: String,
    title: String,
    text: String,
    link: Option<String>,
}

// ---------- login ----------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    me: Option<Me>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextParam {
    next: Option<String>,
}

async fn login_form(session: Session, Query(q): Query<NextParam>) -> PageResult {
    let csrf = csrf_token(&session).await?;
    let next = safe_next(q.next.as_deref().unwrap_or("/cases")).to_owned();
    Ok(render(&LoginPage { me: None, csrf, next, username: String::new(), error: None }))
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: Option<String>,
    username: String,
    password: String,
    next: Option<String>,
}

/// Signs in. Failures are counted per account and per address in the database (`guards`): past the
/// cap the form answers 429 until the window has passed. An unknown or password-less account is
/// checked against a stand-in hash, so it answers as slowly as a known one.
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
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
    let user = state.store.user_by_username(&username).await?;
    let hash = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
    let ok = match hash {
        Some(hash) => verify_password(f.password.clone(), hash).await,
        None => {
            verify_password(f.password.clone(), crate::auth::stand_in_hash().await).await;
            false
        }
    };
    match (ok, user) {
        (true, Some(user)) => {
            guards::LOGIN_ACCOUNT.clear(&state, &username).await?;
            guards::LOGIN_ADDRESS.succeeded(&state, &address).await?;
            session.cycle_id().await?;
            session.insert(USER_KEY, user.id).await?;
            session.insert(CREDENTIAL_KEY, credential_stamp(&user)).await?;
            tracing::info!(user = %user.username, "signed in");
            Ok(Redirect::to(safe_next(f.next.as_deref().unwrap_or("/cases"))).into_response())
        }
        _ => {
            let page = login_page(&session, &f, "用户名或密码不正确。".into()).await?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

/// The login form again, with the name typed and an error.
async fn login_page(session: &Session, f: &LoginForm, error: String) -> PageResult<Response> {
    let page = LoginPage {
        me: None,
        csrf: csrf_token(session).await?,
        next: safe_next(f.next.as_deref().unwrap_or("/cases")).to_owned(),
        username: f.username.clone(),
        error: Some(error),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

async fn logout(session: Session, Form(f): Form<CsrfForm>) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

// ---------- first-run setup ----------

#[derive(Default, Deserialize)]
struct SetupForm {
    csrf: Option<String>,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    unit_name: String,
    #[serde(default)]
    unit_kind: String,
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
struct SetupErrors {
    general: Option<String>,
    unit_code: Option<String>,
    unit_name: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    me: Option<Me>,
    csrf: String,
    form: SetupForm,
    errors: SetupErrors,
    has_units: bool,
    unit_kinds: Vec<Choice>,
}

async fn setup_page(state: &AppState, session: &Session, form: SetupForm, errors: SetupErrors) -> PageResult {
    let csrf = csrf_token(session).await?;
    let has_units = !state.store.units().await?.is_empty();
    let unit_kinds = choices(UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())), &form.unit_kind);
    Ok(render(&SetupPage { me: None, csrf, form, errors, has_units, unit_kinds }))
}

async fn setup_form(State(state): State<AppState>, session: Session, Path(token): Path<String>) -> PageResult {
    if !state.store.setup_token_exists(&token_hash(&token)).await? {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            "设置链接无效或已使用。如需新的链接,请重启服务查看控制台输出。".into(),
        ));
    }
    let form = SetupForm { unit_kind: "community".into(), ..Default::default() };
    setup_page(&state, &session, form, SetupErrors::default()).await
}

async fn setup(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    let hash = token_hash(&token);
    if !state.store.setup_token_exists(&hash).await? {
        return Err(PageError(StatusCode::NOT_FOUND, "设置链接无效或已使用。".into()));
    }
    let lang = Lang::Zh;
    let mut errors = SetupErrors::default();
    let unit_code = UnitCode::parse("code", &f.unit_code).map_err(|e| errors.unit_code = Some(e.message(lang))).ok();
    let username = Username::parse("username", &f.username).map_err(|e| errors.username = Some(e.message(lang))).ok();
    if let Err(e) = check_new_password("password", &f.password) {
        errors.password = Some(e.message(lang));
    } else if f.password != f.password2 {
        errors.password = Some("两次输入的密码不一致。".into());
    }
    let existing_unit = match &unit_code {
        Some(code) => state.store.unit_by_code(code.as_str()).await?,
        None => None,
    };
    let has_units = !state.store.units().await?.is_empty();
    if has_units && existing_unit.is_none() && unit_code.is_some() {
        errors.unit_code = Some(FieldError::new("code", Invalid::UnknownUnit).message(lang));
    }
    let new_unit = if existing_unit.is_none() && !has_units {
        let name = huiyin_core::text::required("name", Some(&f.unit_name), huiyin_core::text::limits::UNIT_NAME)
            .map_err(|e| errors.unit_name = Some(e.message(lang)))
            .ok();
        let kind = UnitKind::parse("kind", &f.unit_kind).map_err(|e| errors.general = Some(e.message(lang))).ok();
        name.zip(kind)
    } else {
        None
    };
    let (Some(unit_code), Some(username)) = (unit_code, username) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, setup_page(&state, &session, f, errors).await?).into_response());
    };
    if errors.unit_code.is_some() || errors.unit_name.is_some() || errors.password.is_some() || errors.general.is_some()
    {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, setup_page(&state, &session, f, errors).await?).into_response());
    }
    if let Err(e) = huiyin_core::text::check_chars("display_name", &f.display_name) {
        return Err(PageError(StatusCode::UNPROCESSABLE_ENTITY, e.message(Lang::Zh)));
    }
    // Use the link up first, so that two submissions cannot both create an administrator.
    if !state.store.take_setup_token(&hash).await? {
        return Err(PageError(StatusCode::NOT_FOUND, "设置链接无效或已使用。".into()));
    }
    if let Some((name, kind)) = new_unit {
        state.store.add_unit(&NewUnit { code: unit_code.clone(), name, kind, parent: None }).await?;
    }
    let password_hash = hash_password(f.password.clone())
        .await
        .map_err(|_| PageError(StatusCode::INTERNAL_SERVER_ERROR, "密码处理失败".into()))?;
    let display_name =
        if f.display_name.trim().is_empty() { username.as_str().to_owned() } else { f.display_name.trim().to_owned() };
    let user = state
        .store
        .add_user(&NewUser {
            username: username.as_str().to_owned(),
            display_name,
            unit: unit_code,
            role: Role::Admin,
            password_hash: Some(password_hash),
            may_backdate: false,
        })
        .await;
    let user = match user {
        Ok(u) => u,
        Err(StoreError::Duplicate(_)) => {
            return Err(PageError(
                StatusCode::CONFLICT,
                "该用户名已存在,请用 huiyin serve 重新生成设置链接后换一个用户名。".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    session.cycle_id().await?;
    session.insert(USER_KEY, user.id).await?;
    session.insert(CREDENTIAL_KEY, credential_stamp(&user)).await?;
    tracing::info!(user = %user.username, "first administrator created");
    Ok(Redirect::to("/cases").into_response())
}

// ---------- case list ----------

struct ListRow {
    id: i64,
    case_number: String,
    received: String,
    channel: &'static str,
    name: String,
    headcount: i64,
    phone: String,
    category: String,
    /// The statement's start, or around the first match when searching, with the matches marked.
    excerpt: Vec<huiyin_search::Fragment>,
    flags: Vec<&'static str>,
    status: &'static str,
    due: String,
    overdue: bool,
}

/// A due date with the days left, as lists show it: `12-07(剩 11 天)`, `超期 3 天`.
fn due_text(next_due: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> (String, bool) {
    match next_due {
        None => (String::new(), false),
        Some(d) => {
            let left = (d - today).num_days();
            let text = match left {
                0 => format!("{d}(今天到期)"),
                n if n > 0 => format!("{d}(剩 {n} 天)"),
                n => format!("{d}(超期 {} 天)", -n),
            };
            (text, left < 0)
        }
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    me: Option<Me>,
    csrf: String,
    p: ListForm,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    sorts: Vec<Choice>,
    dues: Vec<Choice>,
    units: Vec<(String, String)>,
    items: Vec<ListRow>,
    total: i64,
    /// False: a search matched more than `total`; `count_all` counts them.
    total_exact: bool,
    count_all: String,
    page: u32,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// The list filters as strings, for refilling the form.
#[derive(Default, Deserialize, Clone)]
struct ListForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    owner: String,
    /// `exact` counts every match of a search; by default the list counts up to a bound.
    #[serde(default)]
    total: String,
    page: Option<u32>,
}

impl ListForm {
    fn params(&self) -> ListParams {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
        ListParams {
            status: some(&self.status),
            channel: some(&self.channel),
            unit: some(&self.unit),
            from: some(&self.from),
            to: some(&self.to),
            q: some(&self.q),
            sort: some(&self.sort),
            due: some(&self.due),
            owner: some(&self.owner),
            total: Some(if self.total == "exact" { "exact" } else { "bounded" }.into()),
            page: self.page,
            per_page: Some(20),
        }
    }

    fn href(&self, page: u32) -> String {
        let pairs = [
            ("q", &self.q),
            ("status", &self.status),
            ("channel", &self.channel),
            ("unit", &self.unit),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("due", &self.due),
            ("owner", &self.owner),
            ("total", &self.total),
        ];
        let mut out = format!("/cases?page={page}");
        for (k, v) in pairs {
            if !v.is_empty() {
                out.push_str(&format!("&{k}={}", urlencode(v)));
            }
        }
        out
    }
}

async fn units_in_scope(state: &AppState, actor: &Actor) -> PageResult<Vec<(String, String)>> {
    Ok(state.store.units().await?.into_iter().filter(|u| actor.sees_unit(u.id)).map(|u| (u.code, u.name)).collect())
}

async fn cases(State(state): State<AppState>, staff: Staff, Query(f): Query<ListForm>) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let (page, terms, error) = match app::list_cases(&state, &staff.actor, &f.params()).await {
        Ok(listing) => (Some(listing.page), listing.terms, None),
        Err(AppError::Invalid(v)) => (None, Vec::new(), Some(v.to_string())),
        Err(e) => return Err(e.into()),
    };
    let total_exact = page.as_ref().is_none_or(|p| p.total_exact);
    let (items, total, current, per_page) = match &page {
        Some(p) => (
            p.items
                .iter()
                .map(|s| ListRow {
                    id: s.id,
                    case_number: s.case_number.clone(),
                    received: views::minute(s.received_at),
                    channel: s.channel.label_zh(),
                    name: s.petitioner_name.clone().unwrap_or_else(|| "(匿名)".into()),
                    headcount: s.headcount,
                    phone: s.petitioner_phone.as_deref().map(huiyin_core::identity::masked_phone).unwrap_or_default(),
                    category: s.category_path.rsplit(" / ").next().unwrap_or_default().to_owned(),
                    excerpt: huiyin_search::highlight(&s.content, &terms, 40),
                    flags: s.flags.iter().filter_map(|f| Flag::parse("flags", f).ok()).map(Flag::label_zh).collect(),
                    status: Status::parse("status", s.status.code()).map(Status::label_zh).unwrap_or(""),
                    due: due_text(s.next_due, today).0 + if s.due_provisional { " 暂定" } else { "" },
                    overdue: due_text(s.next_due, today).1,
                })
                .collect(),
            p.total,
            p.page,
            i64::from(p.per_page),
        ),
        None => (Vec::new(), 0, 1, 20),
    };
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = CasesPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        statuses: choices(Status::ALL.iter().map(|s| (s.code(), s.label_zh())), &f.status),
        channels: choices(Channel::ALL.iter().map(|c| (c.code(), c.label_zh())), &f.channel),
        sorts: choices(
            [
                ("", "默认(有关键字时按相关度)"),
                ("relevance", "相关度"),
                ("-received_at", "收到时间(新→旧)"),
                ("received_at", "收到时间(旧→新)"),
                ("case_number", "编号(小→大)"),
                ("-case_number", "编号(大→小)"),
                ("due", "期限(近→远)"),
            ],
            &f.sort,
        ),
        dues: choices([("", "全部"), ("soon", "三日内到期"), ("overdue", "已超期")], &f.due),
        units: units_in_scope(&state, &staff.actor).await?,
        prev: (current > 1).then(|| f.href(current - 1)),
        next: (!total_exact || i64::from(current) < pages).then(|| f.href(current + 1)),
        count_all: ListForm { total: "exact".into(), ..f.clone() }.href(current),
        p: f,
        items,
        total,
        total_exact,
        page: current,
        pages,
        error,
    };
    Ok(render(&page))
}

// ---------- registration ----------

/// The registration form's fields as typed.
#[derive(Default, Deserialize, Clone)]
struct CaseForm {
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
#[template(path = "new_case.html")]
struct NewCasePage {
    me: Option<Me>,
    me_name: String,
    csrf: String,
    channel_label: &'static str,
    f: CaseForm,
    channels: Vec<Choice>,
    purposes: Vec<Choice>,
    units: Vec<(String, String)>,
    /// Every unit, for naming the accused one (it may lie outside the registering unit's scope).
    all_units: Vec<(String, String)>,
    /// Every active staff member as (login, “name · unit”), for naming an accused person (GEN-7).
    all_staff: Vec<(String, String)>,
    category_paths: Vec<String>,
    flag_choices: Vec<(&'static str, &'static str, bool)>,
    errors: Option<ValidationErrors>,
    has_errors: bool,
}

impl NewCasePage {
    fn err(&self, field: &str) -> String {
        field_error(self.errors.as_ref(), field, Lang::Zh)
    }
}

/// A field's error under it in a form, in `lang`, referenced by the field's `aria-describedby`
/// (`{field}-err`); nothing when the field is fine.
pub(crate) fn field_error(errors: Option<&ValidationErrors>, field: &str, lang: Lang) -> String {
    match errors.and_then(|e| e.message_for(field, lang)) {
        Some(m) => format!("<p class=\"field-error\" id=\"{}-err\">{}</p>", escape(field), escape(&m)),
        None => String::new(),
    }
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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

/// A staff member as “name · unit”, active or not; the login name when the account is gone.
async fn person_label(state: &AppState, username: &str) -> Result<String, AppError> {
    let Some(user) = state.store.user_by_username(username).await? else { return Ok(username.to_owned()) };
    let unit = state.store.unit_by_code(&user.unit_code).await?.map(|u| u.name).unwrap_or(user.unit_code);
    Ok(format!("{} · {unit}{}", user.display_name, if user.active { "" } else { "(已停用)" }))
}

/// Every active staff member (not the online intake account), as (login, “name · unit”), by unit:
/// the picker for an accused person (GEN-7).
async fn staff_choices(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let units: HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let users = state.store.users().await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active && !u.username.starts_with('_'))
        .map(|u| {
            let unit = units.get(&u.unit_id).cloned().unwrap_or_default();
            (u.username, format!("{} · {unit}", u.display_name))
        })
        .collect())
}

/// The channels taken at the counter.
const COUNTER_CHANNELS: [Channel; 3] = [Channel::Visit, Channel::Letter, Channel::Phone];

async fn new_case_page(
    state: &AppState,
    staff: &Staff,
    f: CaseForm,
    flags: &[Flag],
    errors: Option<ValidationErrors>,
) -> PageResult<NewCasePage> {
    let channel = Channel::parse("channel", &f.channel).unwrap_or(Channel::Visit);
    let classes = state.classes().await;
    Ok(NewCasePage {
        me: staff.me(),
        me_name: staff.actor.user.display_name.clone(),
        csrf: staff.csrf.clone(),
        channel_label: channel.label_zh(),
        channels: choices(COUNTER_CHANNELS.iter().map(|c| (c.code(), c.label_zh())), &f.channel),
        purposes: choices(Purpose::ALL.iter().map(|p| (p.code(), p.label_zh())), &f.purpose),
        units: units_in_scope(state, &staff.actor).await?,
        all_units: state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect(),
        all_staff: staff_choices(state).await?,
        category_paths: classes.iter().filter(|c| c.active && c.level == 3).map(|c| c.path.clone()).collect(),
        flag_choices: Flag::ALL
            .iter()
            .filter(|f| f.is_chosen())
            .map(|fl| (fl.code(), fl.label_zh(), flags.contains(fl)))
            .collect(),
        has_errors: errors.is_some(),
        errors,
        f,
    })
}

#[derive(Deserialize)]
struct ChannelParam {
    channel: Option<String>,
}

/// The intake check as the receiver types (FED-11, GEN-5, FED-6, TWN-14): a fragment for the
/// registration form, refreshed by htmx. Nothing is written.
async fn intake(State(state): State<AppState>, staff: Staff, Form(raw): Form<HashMap<String, String>>) -> PageResult {
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

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePanel {
    /// Whether anything that identifies the petitioner or the matter was typed yet.
    typed: bool,
    r: IntakeReport,
}

async fn new_case(State(state): State<AppState>, staff: Staff, Query(q): Query<ChannelParam>) -> PageResult {
    let channel = q.channel.as_deref().and_then(|c| Channel::parse("channel", c).ok()).unwrap_or(Channel::Visit);
    let f = CaseForm {
        channel: channel.code().into(),
        unit: staff.actor.user.unit_code.clone(),
        received_at: views::day(Utc::now()),
        headcount: "1".into(),
        purpose: Purpose::Request.code().into(),
        ..Default::default()
    };
    let page = new_case_page(&state, &staff, f, &[], None).await?;
    Ok(render(&page))
}

fn draft_from_form(f: &CaseForm, flags: &[Flag]) -> Result<CaseDraft, ValidationErrors> {
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
        content: some(&f.content),
        accused: accused_draft(&f.accused_name, &f.accused_unit, &f.accused_user),
        place: some(&f.place),
        place_unit: some(&f.place_unit),
        flags: flags.iter().map(|f| f.code().to_owned()).collect(),
        forwarded_from: some(&f.forwarded_unit).map(|unit| huiyin_core::case::ForwardedDraft {
            unit: Some(unit),
            reference: some(&f.forwarded_reference),
        }),
    })
}

async fn create_case(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, raw.get("csrf")).await?;
    let f: CaseForm = serde_json::to_value(&raw).and_then(serde_json::from_value).unwrap_or_default();
    let flags: Vec<Flag> =
        Flag::ALL.into_iter().filter(|fl| raw.contains_key(&format!("flag_{}", fl.code()))).collect();
    let result = match draft_from_form(&f, &flags) {
        Ok(draft) => app::register_case(&state, &staff.actor, &draft).await,
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
async fn keep_receipt_code(
    state: &AppState,
    session: &Session,
    id: i64,
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

/// The query code kept for case `id`'s receipt, once: it is forgotten as it is taken.
async fn take_receipt_code(state: &AppState, session: &Session, id: i64) -> PageResult<Option<String>> {
    let mut codes: HashMap<String, (String, String)> =
        session.get(RECEIPT_KEY).await.ok().flatten().unwrap_or_default();
    let taken = codes.remove(&id.to_string());
    session.insert(RECEIPT_KEY, codes).await?;
    Ok(taken.and_then(|(nonce, sealed)| state.secret.unseal_query_code(&nonce, &sealed)).map(|c| c.to_string()))
}

// ---------- case detail ----------

struct EventRow {
    at: String,
    label: &'static str,
    actor: String,
    note: Option<String>,
    summary: String,
}

struct DeadlineRow {
    label: &'static str,
    due: String,
    state: String,
    overdue: bool,
    provisional: bool,
}

fn deadline_row(d: &huiyin_core::limits::Deadline, today: chrono::NaiveDate) -> DeadlineRow {
    let state = match (d.met_at, d.days_left(today)) {
        (Some(t), _) => format!("已于 {} 完成", views::day(t)),
        (None, Some(0)) => "今天到期".to_owned(),
        (None, Some(n)) if n > 0 => format!("剩余 {n} 天"),
        (None, Some(n)) => format!("超期 {} 天", -n),
        (None, None) => String::new(),
    };
    DeadlineRow {
        label: d.kind.label_zh(),
        due: d.due.date.to_string(),
        overdue: d.met_at.is_none() && d.days_left(today).is_some_and(|n| n < 0),
        provisional: d.due.provisional,
        state,
    }
}

struct CaseTemplateView {
    id: i64,
    case_number: String,
    status_label: String,
    received_at: String,
    unit: views::UnitRef,
    first_receiver: String,
    owner: String,
    owner_leader: Option<String>,
    holding_unit: String,
    forwarded: Option<String>,
    /// The case's version as the page shows it: the action forms send it back, and an action on a
    /// case someone changed since is refused (409) rather than taken blind.
    version: i64,
    petitioner: views::PetitionerView,
    headcount: u32,
    representatives: Vec<String>,
    category: views::CategoryView,
    place: Option<String>,
    accused: Option<views::AccusedView>,
    content: String,
    events: Vec<EventRow>,
    deadlines: Vec<DeadlineRow>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    me: Option<Me>,
    csrf: String,
    c: CaseTemplateView,
    channel_label: &'static str,
    purpose_label: &'static str,
    flag_labels: Vec<&'static str>,
    /// The case's flags as (code, label), each with a form to clear it.
    flag_codes: Vec<(&'static str, &'static str)>,
    /// The case repeats a final matter and waits for the receiver's decision (GEN-5).
    final_matter: bool,
    /// Flags staff may add.
    settable_flags: Vec<(&'static str, &'static str)>,
    /// Other people's similar recent cases not linked yet, offered as one collective matter (FED-6).
    offers: Vec<search::EarlierView>,
    /// GEN-7: the case accuses a unit above the holder, which must route it out: the accused unit's
    /// name and where the case may go.
    route_out: Option<(String, Vec<String>)>,
    /// Every unit, for setting or correcting the accused one (GEN-7).
    all_units: Vec<(String, String)>,
    /// Every active staff member, for setting or correcting an accused person (GEN-7).
    all_staff: Vec<(String, String)>,
    /// The staff member the case accuses, as “name · unit” (GEN-7).
    accused_person: Option<String>,
    action_error: Option<String>,
    documents: Vec<DocumentLink>,
    /// (sha256, name, kind label)
    attachments: Vec<(String, String, &'static str)>,
    can_accept: bool,
    can_extend: bool,
    /// The status code, for choosing which actions to offer (the server decides anyway).
    status: &'static str,
    is_leader: bool,
    extension_max: u32,
}

fn event_summary(data: &EventData) -> String {
    match data {
        EventData::Registered { .. }
        | EventData::QueryCodeReissued {}
        | EventData::Accepted {}
        | EventData::Replied {}
        | EventData::Closed {} => String::new(),
        EventData::Answered { answer } => format!("答复:{answer}"),
        EventData::Rejected { reason, channel } => format!("理由:{reason};告知途径:{channel}"),
        EventData::RegisteredOnly { reason } => reason.clone(),
        EventData::Assigned { unit, owner } => {
            format!("交办至 {unit}{}", owner.as_deref().map(|o| format!("({o})")).unwrap_or_default())
        }
        EventData::Transferred { unit } => format!("转办至 {unit}"),
        EventData::Objected { reason, back_to } => format!("退回 {back_to}:{reason}"),
        EventData::Escalated { unit, reason, .. } => format!("上交 {unit}:{reason}"),
        EventData::OpinionDrafted { outcome, text, .. } => {
            format!("{}:{}", outcome.label_zh(), views::excerpt(text, 60))
        }
        EventData::Approved { complete } => {
            if *complete {
                "审批完成".into()
            } else {
                "已审批,待另一位领导审批".into()
            }
        }
        EventData::Rated { .. } => "已记录评价".into(),
        EventData::ReviewRequested { reason, to_unit } => format!("由 {to_unit} 复查/复核:{reason}"),
        EventData::Instructed { text } => format!("批示:{text}"),
        EventData::InvestigationNoted { text } => format!("调查笔录:{}", views::excerpt(text, 80)),
        EventData::Flagged { flag, related, reason, .. } => {
            let related = if related.is_empty() { String::new() } else { format!("(关联 {})", related.join("、")) };
            format!("{}{related}:{reason}", flag.label_zh())
        }
        EventData::FlagCleared { flag, reason } => format!("撤销{}:{reason}", flag.label_zh()),
        EventData::AccusedSet { name, unit, user, reason } => format!(
            "被反映对象更正为 {}{}{}:{reason}",
            name.as_deref().unwrap_or("—"),
            unit.as_deref().map(|u| format!("({u})")).unwrap_or_default(),
            user.as_deref().map(|u| format!("(工作人员 {u})")).unwrap_or_default()
        ),
        EventData::ReturnVisited { method, outcome, reopened, .. } => format!(
            "{}回访:{outcome}{}",
            if method == "phone" { "电话" } else { "上门" },
            if *reopened { "(不满意,重新办理)" } else { "" }
        ),
        EventData::LeaderAssigned { leader } => format!("包案领导:{leader}"),
        EventData::ReportedBack { to_unit, summary } => format!("向 {to_unit} 反馈:{summary}"),
        EventData::AttachmentAdded { media_type, filename, size, .. } => {
            format!("{}:{filename}({} KB)", media_type.label_zh(), size.div_ceil(1024))
        }
        EventData::LiaisonRecorded { agency, summary } => {
            let name = lifecycle::AGENCIES.iter().find(|(c, _)| c == agency).map_or(agency.as_str(), |(_, n)| n);
            format!("与{name}联系:{summary}")
        }
        EventData::HearingHeld { from, to, participants, conclusion, .. } => {
            format!("{from} 至 {to},参加:{};结论:{conclusion}", participants.join("、"))
        }
        EventData::Extended { days, reason } => format!("办理期限延长 {days} 天:{reason}"),
        EventData::HandedOff { to_user, to_unit, reason } => {
            let to = [to_user.as_deref(), to_unit.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            format!("移交给 {to}:{reason}")
        }
        EventData::ReportedUp { to_unit, summary } => format!("上报 {to_unit}:{summary}"),
    }
}

#[derive(Deserialize)]
struct RevealParam {
    reveal: Option<String>,
}

async fn case_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    full: bool,
    action_error: Option<String>,
) -> PageResult<CasePage> {
    let file = app::case_file(state, &staff.actor, id).await?;
    let deadlines = app::case_deadlines(state, &file).await?;
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let view = app::view(state, &staff.actor, &file, full, None).await?;
    let reg = &file.registration;
    // Other people's similar cases, offered until linked (FED-6).
    let linked: Vec<&String> = file
        .events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Flagged { flag: Flag::Collective, related, .. } => Some(related),
            _ => None,
        })
        .flatten()
        .collect();
    let offers = if staff.actor.user.role.can_register() {
        let mut offers = search::judge_case(state, &staff.actor, &file, search::Judging::Now).await?.collective;
        offers.retain(|o| !linked.contains(&&o.case_number));
        offers
    } else {
        Vec::new()
    };
    let c = CaseTemplateView {
        id: view.id,
        case_number: view.case_number,
        status_label: view.status_label,
        received_at: views::minute(file.registration.received_at),
        unit: view.unit,
        first_receiver: view.first_receiver,
        owner: view.owner,
        owner_leader: view.owner_leader,
        holding_unit: view.holding_unit,
        version: file.version,
        forwarded: view.forwarded_from.as_ref().map(|f| {
            format!("{}{}", f.unit.as_str(), f.reference.as_deref().map(|r| format!("({r})")).unwrap_or_default())
        }),
        petitioner: view.petitioner,
        headcount: view.headcount,
        representatives: view.representatives,
        category: view.category,
        place: view.place,
        accused: view.accused,
        content: view.content,
        deadlines: deadlines.iter().map(|d| deadline_row(d, huiyin_core::limits::china_day(Utc::now()))).collect(),
        events: file
            .events
            .iter()
            .map(|e| EventRow {
                at: views::minute(e.occurred_at),
                label: e.data.label_zh(),
                actor: e.actor.clone(),
                note: e.note.clone(),
                summary: event_summary(&e.data),
            })
            .collect(),
    };
    let accused_person = match c.accused.as_ref().and_then(|a| a.user.as_deref()) {
        Some(username) => Some(person_label(state, username).await?),
        None => None,
    };
    Ok(CasePage {
        accused_person,
        me: staff.me(),
        csrf: staff.csrf.clone(),
        c,
        channel_label: reg.channel.label_zh(),
        purpose_label: reg.purpose.label_zh(),
        flag_labels: file.state.flags.iter().map(|f| f.label_zh()).collect(),
        flag_codes: file.state.flags.iter().map(|f| (f.code(), f.label_zh())).collect(),
        final_matter: file.state.flags.contains(&Flag::FinalMatter),
        settable_flags: [
            Flag::Repeat,
            Flag::Collective,
            Flag::Joint,
            Flag::SkipLevel,
            Flag::FinalMatter,
            Flag::MajorUrgent,
        ]
        .into_iter()
        .map(|f| (f.code(), f.label_zh()))
        .collect(),
        offers,
        route_out: app::route_out(state, &file).await?,
        all_units: state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect(),
        all_staff: staff_choices(state).await?,
        action_error,
        attachments: file
            .events
            .iter()
            .filter_map(|e| match &e.data {
                EventData::AttachmentAdded { sha256, filename, media_type, .. } => {
                    Some((sha256.clone(), filename.clone(), media_type.label_zh()))
                }
                _ => None,
            })
            .collect(),
        documents: app::compose_documents(state, &file).await?.iter().map(DocumentLink::of).collect(),
        status: file.state.status.code(),
        is_leader: staff.actor.user.role == huiyin_core::user::Role::Leader,
        can_accept: lifecycle::accept(&file.state, staff.actor.user.role, staff.actor.sees_unit(file.holding_unit_id))
            .is_ok(),
        can_extend: lifecycle::extend(&file.state, &file.events, staff.actor.user.role, 1, String::new()).is_ok(),
        extension_max: rules.extension_max_days(),
    })
}

async fn case_detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<RevealParam>,
) -> PageResult {
    let full = q.reveal.as_deref().is_some_and(|v| v == "1" || v == "true");
    Ok(render(&case_page(&state, &staff, id, full, None).await?))
}

async fn accept(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let outcome = app::accept(&state, &staff.actor, id, &ActionDraft::default()).await;
    after_action(&state, &staff, id, outcome).await
}

#[derive(Deserialize)]
struct ExtendForm {
    csrf: Option<String>,
    days: Option<String>,
    reason: Option<String>,
}

async fn extend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<ExtendForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let days = f.days.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(|d| d.parse::<i64>().unwrap_or(0));
    let draft = ExtendDraft { days, reason: f.reason, note: None, at: None };
    let outcome = app::extend(&state, &staff.actor, id, &draft).await;
    after_action(&state, &staff, id, outcome).await
}

/// Back to the case after an action, or the case again with the refusal shown at the actions.
async fn after_action(state: &AppState, staff: &Staff, id: i64, outcome: Result<(), AppError>) -> PageResult {
    let message = match outcome {
        Ok(()) if app::case_file(state, &staff.actor, id).await.is_ok() => {
            return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
        }
        // The action sent the case out of the actor's sight (an objection, say).
        Ok(()) => return Ok(Redirect::to("/cases").into_response()),
        // Refused for the fields, the state, the role or a change someone made first: the case
        // again, with the reason at the actions and the status the API answers.
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_) | AppError::Forbidden | AppError::MayNotBackdate))
        | Err(e @ AppError::Store(StoreError::Conflict)) => crate::error::ApiError::answer(Lang::Zh, &e),
        Err(e) => return Err(e.into()),
    };
    let page = case_page(state, staff, id, false, Some(message.message)).await?;
    Ok((message.status, render(&page)).into_response())
}

/// Any action of the case's life from its form on the case page.
async fn act(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    // The version the page showed; a malformed one is no version.
    let shown = f.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    // The forms use the API's field names: each action's form becomes its draft the same way.
    let mut fields: serde_json::Map<String, serde_json::Value> = f
        .into_iter()
        .filter(|(k, v)| k != "csrf" && k != "version" && !v.trim().is_empty())
        .map(|(k, v)| (k, serde_json::Value::String(v.trim().to_owned())))
        .collect();
    // Where a form gives a list as one line, the draft takes a list: related case numbers (flag),
    // participants (hearing).
    if let Some(serde_json::Value::String(line)) = fields.remove("related") {
        let numbers: Vec<&str> =
            line.split([',', ',', '、', ' ', '\n']).map(str::trim).filter(|n| !n.is_empty()).collect();
        fields.insert("related".into(), serde_json::json!(numbers));
    }
    if let Some(serde_json::Value::String(line)) = fields.remove("participants") {
        fields.insert("participants".into(), serde_json::json!([line]));
    }
    // The catalogue of actions names every form the case page may post.
    let action = match CaseAction::from_json(&action, serde_json::Value::Object(fields)) {
        Some(Ok(action)) => action,
        Some(Err(e)) => {
            // A case the actor may not see is not found, whatever the form (GEN-7).
            app::case_file(&state, &staff.actor, id).await?;
            return Err(PageError(StatusCode::BAD_REQUEST, format!("表单内容不符:{e}")));
        }
        None => return Err(PageError(StatusCode::NOT_FOUND, "没有这个操作。".into())),
    };
    let outcome = match app::act(&state, &staff.actor, id, action, shown).await {
        Ok(file) => {
            app::issue_after_action(&state, &file).await;
            Ok(())
        }
        Err(e) => Err(e),
    };
    after_action(&state, &staff, id, outcome).await
}

/// Uploads an attachment from the case page (multipart: `csrf`, `file`).
async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> PageResult {
    let (mut csrf, mut file) = (None, None);
    while let Some(field) =
        form.next_field().await.map_err(|e| PageError(StatusCode::BAD_REQUEST, format!("上传失败:{e}")))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| PageError(StatusCode::PAYLOAD_TOO_LARGE, "附件过大:单个附件不超过 10 MB。".into()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&staff.session, csrf.as_ref()).await?;
    let (name, bytes) =
        file.ok_or_else(|| PageError(StatusCode::UNPROCESSABLE_ENTITY, "请选择要上传的文件。".into()))?;
    let outcome = app::attach(&state, &staff.actor, id, &name, bytes).await.map(|_| ());
    after_action(&state, &staff, id, outcome).await
}

async fn download(State(state): State<AppState>, staff: Staff, Path((id, sha256)): Path<(i64, String)>) -> PageResult {
    let (filename, blob) = app::attachment(&state, &staff.actor, id, &sha256).await?;
    Ok(crate::attachment_response(&filename, blob))
}

/// A link to one issued document from the case page: its print view and its PDF.
struct DocumentLink {
    code: &'static str,
    label: &'static str,
    issued_by: i64,
    issued_on: String,
}

impl DocumentLink {
    fn of(doc: &crate::documents::Issued) -> DocumentLink {
        DocumentLink {
            code: doc.kind.code(),
            label: doc.kind.label_zh(),
            issued_by: doc.issued_by,
            issued_on: views::day(doc.issued_at),
        }
    }
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    id: i64,
    code: &'static str,
    issued_by: i64,
    doc: huiyin_pdf::Letter,
}

/// Which document of a kind: `by` names the issuing event (or supervision item); the latest if absent.
#[derive(Debug, Deserialize)]
struct DocumentQuery {
    by: Option<i64>,
}

fn doc_kind(code: &str) -> PageResult<crate::documents::DocKind> {
    crate::documents::DocKind::parse(code).ok_or_else(|| PageError(StatusCode::NOT_FOUND, "没有这种文书。".into()))
}

/// A notice, letter or record of the case as a print view (受理告知书, 交办函, 信访处理意见书, 督办单, …).
async fn document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> PageResult {
    let kind = doc_kind(&kind)?;
    let all = app::case_documents(&state, &staff.actor, id).await?;
    let doc = crate::documents::find(all, kind, q.by)
        .ok_or_else(|| PageError(StatusCode::NOT_FOUND, "本件尚未出具该文书。".into()))?;
    Ok(render(&DocumentPage { id, code: kind.code(), issued_by: doc.issued_by, doc: doc.letter }))
}

/// The same document as the PDF kept when it was issued.
async fn document_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> PageResult {
    let kind = doc_kind(&kind)?;
    let (record, blob) = app::document_pdf(&state, &staff.actor, id, kind, q.by).await?;
    Ok(crate::pdf_response(&record, blob))
}

/// 延期告知书: the old address of the extension notice's print view.
async fn extension_notice(Path(id): Path<i64>) -> Response {
    Redirect::permanent(&format!("/cases/{id}/documents/extension-notice")).into_response()
}

// ---------- receipt ----------

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    csrf: String,
    c: CaseView,
    query_code: Option<String>,
    channel_label: &'static str,
    excerpt: String,
    receiver: String,
    printed_on: String,
}

async fn receipt(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> PageResult {
    let file = app::case_file(&state, &staff.actor, id).await?;
    // The query code is shown on the first print only; afterwards only a reissue shows a code.
    let query_code = take_receipt_code(&state, &staff.session, id).await?;
    let receiver = match state.store.user_by_username(&file.state.first_receiver).await? {
        Some(u) => u.display_name,
        None => file.state.first_receiver.clone(),
    };
    let view = app::view(&state, &staff.actor, &file, false, None).await?;
    let page = ReceiptPage {
        csrf: staff.csrf.clone(),
        channel_label: file.registration.channel.label_zh(),
        excerpt: views::excerpt(&file.registration.content, 120),
        receiver,
        printed_on: views::day(Utc::now()),
        query_code,
        c: view,
    };
    Ok(render(&page))
}

async fn reissue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let code = app::reissue_query_code(&state, &staff.actor, id).await?;
    keep_receipt_code(&state, &staff.session, id, &code).await?;
    Ok(Redirect::to(&format!("/cases/{id}/receipt")).into_response())
}

// ---------- supervision ----------

struct DueRow {
    id: i64,
    case_number: String,
    excerpt: String,
    due: String,
    overdue: bool,
}

struct ItemRow {
    case_id: i64,
    case_number: String,
    kind: &'static str,
    due: String,
    unit: String,
    owner: String,
    opened: String,
    escalated_to: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    me: Option<Me>,
    csrf: String,
    mine: Vec<DueRow>,
    items: Vec<ItemRow>,
    soon_total: i64,
}

async fn dashboard(State(state): State<AppState>, staff: Staff) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let soon = |owner: Option<&str>| ListParams {
        due: Some("soon".into()),
        sort: Some("due".into()),
        owner: owner.map(str::to_owned),
        per_page: Some(20),
        ..Default::default()
    };
    let mine = app::list_cases(&state, &staff.actor, &soon(Some("me"))).await?.page;
    let all = app::list_cases(&state, &staff.actor, &soon(None)).await?.page;
    let items = app::supervision_items(&state, &staff.actor, true, 200).await?;
    let page = DashboardPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        mine: mine
            .items
            .iter()
            .map(|c| {
                let (due, overdue) = due_text(c.next_due, today);
                DueRow {
                    id: c.id,
                    case_number: c.case_number.clone(),
                    excerpt: views::excerpt(&c.content, 40),
                    due,
                    overdue,
                }
            })
            .collect(),
        items: items
            .into_iter()
            .map(|i| ItemRow {
                case_id: i.case_id,
                case_number: i.case_number,
                kind: huiyin_core::limits::DeadlineKind::parse(&i.kind).map_or("", |k| k.label_zh()),
                due: due_text(Some(i.due), today).0,
                unit: i.unit_code,
                owner: i.owner,
                opened: views::day(i.opened_at),
                escalated_to: i.escalated_to.unwrap_or_default(),
            })
            .collect(),
        soon_total: all.total,
    };
    Ok(render(&page))
}

struct NotificationRow {
    id: i64,
    case_id: Option<i64>,
    at: String,
    message: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    me: Option<Me>,
    csrf: String,
    items: Vec<NotificationRow>,
}

async fn notifications(State(state): State<AppState>, staff: Staff) -> PageResult {
    let (items, _) = app::notifications(&state, &staff.actor, 100).await?;
    let page = NotificationsPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        items: items
            .into_iter()
            .map(|n| NotificationRow {
                id: n.id,
                case_id: n.case_id,
                at: views::minute(n.created_at),
                message: n.message,
                unread: n.read_at.is_none(),
            })
            .collect(),
    };
    Ok(render(&page))
}

async fn read_notification(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    state.store.mark_notification_read(staff.actor.user.id, id, Utc::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

// ---------- administration ----------

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    me: Option<Me>,
    csrf: String,
    years: String,
    message: Option<String>,
    error: Option<String>,
}

async fn calendar_page(state: &AppState, staff: &Staff, message: Option<String>, error: Option<String>) -> PageResult {
    if !staff.actor.user.role.can_administer() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理节假日安排。".into()));
    }
    let years: Vec<String> = state.calendar().await.years().map(|y| y.to_string()).collect();
    let page = CalendarPage { me: staff.me(), csrf: staff.csrf.clone(), years: years.join("、"), message, error };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

async fn admin_calendar(State(state): State<AppState>, staff: Staff) -> PageResult {
    calendar_page(&state, &staff, None, None).await
}

#[derive(Deserialize)]
struct CalendarForm {
    csrf: Option<String>,
    file: String,
}

/// Loads a year's schedule from the admin page and recounts the open deadlines before answering.
async fn import_calendar(State(state): State<AppState>, staff: Staff, Form(f): Form<CalendarForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    if !staff.actor.user.role.can_administer() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理节假日安排。".into()));
    }
    match app::import_holiday_year(state.store.as_ref(), &f.file, "admin page").await {
        Ok((year, days)) => {
            let calendar = state.calendar().await;
            let moved = app::recount_deadlines(state.store.as_ref(), &calendar, |_| {}).await?;
            tracing::info!(year, actor = %staff.actor.user.username, "holiday schedule imported");
            let message = format!("已导入 {year} 年安排({days} 个调整日),{moved} 个未结期限的截止日期随之调整。");
            calendar_page(&state, &staff, Some(message), None).await
        }
        Err(AppError::Calendar(e)) => calendar_page(&state, &staff, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

async fn home() -> Redirect {
    Redirect::to("/cases")
}

/// The staff UI routes.
/// The staff pages: each path with its handlers. The router is built from this table, and the GEN-7
/// test walks it, so a page added here is checked for the accused without editing the test.
pub fn pages() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(home)),
        ("/login", get(login_form).post(login)),
        ("/logout", post(logout)),
        ("/setup/{token}", get(setup_form).post(setup)),
        ("/cases", get(cases).post(create_case)),
        ("/cases/new", get(new_case)),
        ("/cases/intake", post(intake)),
        ("/cases/{id}", get(case_detail)),
        ("/cases/{id}/accept", post(accept)),
        ("/cases/{id}/extend", post(extend)),
        ("/cases/{id}/extension-notice", get(extension_notice)),
        ("/cases/{id}/act/{action}", post(act)),
        ("/cases/{id}/documents/{kind}", get(document)),
        ("/cases/{id}/documents/{kind}/pdf", get(document_pdf)),
        (
            "/cases/{id}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(huiyin_core::attachment::MAX_BYTES + 64 * 1024)),
        ),
        ("/cases/{id}/attachments/{sha256}", get(download)),
        ("/cases/{id}/receipt", get(receipt)),
        ("/cases/{id}/reissue", post(reissue)),
        ("/dashboard", get(dashboard)),
        ("/admin/calendar", get(admin_calendar).post(import_calendar)),
        ("/notifications", get(notifications)),
        ("/notifications/{id}/read", post(read_notification)),
    ]
}

/// The paths of the staff pages ([`pages`]).
pub fn page_paths() -> Vec<&'static str> {
    pages().into_iter().map(|(path, _)| path).collect()
}

pub fn router() -> Router<AppState> {
    pages().into_iter().fold(Router::new(), |router, (path, handlers)| router.route(path, handlers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases_page(total: i64, total_exact: bool, form: ListForm) -> String {
        CasesPage {
            me: None,
            csrf: String::new(),
            statuses: Vec::new(),
            channels: Vec::new(),
            sorts: Vec::new(),
            dues: Vec::new(),
            units: Vec::new(),
            items: Vec::new(),
            prev: None,
            next: Some(form.href(2)),
            count_all: ListForm { total: "exact".into(), ..form.clone() }.href(1),
            p: form,
            total,
            total_exact,
            page: 1,
            pages: 50,
            error: None,
        }
        .render()
        .unwrap()
    }

    #[test]
    fn fed_9_a_bounded_count_says_there_are_more_and_offers_the_exact_one() {
        let form = ListForm { q: "低保".into(), ..Default::default() };
        let html = cases_page(1_000, false, form.clone());
        assert!(html.contains(r#"<strong id="total">1000</strong> 件以上"#), "{html}");
        assert!(
            html.contains(r#"<a href="/cases?page=1&#38;q=%E4%BD%8E%E4%BF%9D&#38;total=exact">精确计数</a>"#),
            "{html}"
        );
        let exact = cases_page(1_000, true, form);
        assert!(exact.contains(r#"共 <strong id="total">1000</strong> 件,第 1 / 50 页"#), "{exact}");
        assert!(!exact.contains("精确计数"));
        // The staff list asks for a bounded count unless the exact one was asked for.
        assert_eq!(ListForm::default().params().total.as_deref(), Some("bounded"));
        let asked = ListForm { total: "exact".into(), ..Default::default() };
        assert_eq!(asked.params().total.as_deref(), Some("exact"));
    }
}
