//! 人员管理 (issue 18): the staff an administrator administers, filtered by unit, role and state,
//! each disabled or enabled again from the list (with a confirmation); adding a person; a person's
//! page (their card, unit and role, a one-time password link, ending their sessions, revoking their
//! tokens, their recent sign-ins); and the page where the person opens their link and sets their
//! password. An administrator never chooses or sees a password.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Choice, FormErrors, Me, PageError, PageResult, Staff, check_csrf, choices, csrf_token, render};
use huiyin_app::accounts::{self, AccountListParams, IssuedLink};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::user::{AccountDraft, PlacementDraft, Role, StaffCardDraft};
use huiyin_core::{FieldError, Invalid, ValidationErrors};

/// One person as the list shows them.
pub(super) struct PersonRow {
    username: String,
    name: String,
    unit: String,
    role: String,
    credential: String,
    active: bool,
    /// “2026-12-06 08:30”, or 从未登录.
    last_sign_in: String,
    /// Not the reader themself: they do not disable their own account.
    other: bool,
}

#[derive(Template)]
#[template(path = "staff/admin_users.html")]
pub(super) struct UsersPage {
    me: Option<Me>,
    csrf: String,
    units: Vec<(String, String, bool)>,
    roles: Vec<Choice>,
    states: Vec<Choice>,
    rows: Vec<PersonRow>,
}

#[derive(Deserialize, Default)]
pub(super) struct UsersQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
    /// `active`, `disabled`, `never` (never signed in) or empty.
    #[serde(default)]
    state: String,
}

/// A time as the admin pages show it, in China's time: “2026-12-06 16:30”.
fn shown_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) async fn users_page(State(state): State<AppState>, staff: Staff, Query(q): Query<UsersQuery>) -> PageResult {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let params = AccountListParams {
        unit: some(&q.unit),
        role: some(&q.role),
        active: match q.state.as_str() {
            "active" => Some(true),
            "disabled" => Some(false),
            _ => None,
        },
        never_signed_in: (q.state == "never").then_some(true),
    };
    let listed = accounts::list_accounts(&state, &staff.actor, &params).await?;
    let units = super::list::units_in_scope(&state, &staff.actor).await?;
    let unit_name = |code: &str| units.iter().find(|(c, _)| c == code).map_or(code.to_owned(), |(_, n)| n.clone());
    // Each unit's names of its roles (its preset's), read once a unit.
    let mut terms = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(listed.len());
    for a in &listed {
        if let std::collections::hash_map::Entry::Vacant(slot) = terms.entry(a.user.unit_id) {
            slot.insert(huiyin_app::presets::terms_for(&state, a.user.unit_id).await?);
        }
        rows.push(PersonRow {
            username: a.user.username.clone(),
            name: accounts::name_and_title(&a.user),
            unit: unit_name(&a.user.unit_code),
            role: terms
                .get(&a.user.unit_id)
                .map_or_else(|| a.user.role.label_zh().to_owned(), |t| t.role_label(a.user.role)),
            credential: a.user.credential.clone().unwrap_or_default(),
            active: a.user.active,
            last_sign_in: a.last_sign_in.map_or_else(|| "从未登录".to_owned(), shown_time),
            other: a.user.id != staff.actor.user.id,
        });
    }
    let page = UsersPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        units: units.iter().map(|(c, n)| (c.clone(), n.clone(), *c == q.unit)).collect(),
        roles: role_choices(&q.role, true),
        states: choices([("", "全部"), ("active", "启用中"), ("disabled", "已停用"), ("never", "从未登录")], &q.state),
        rows,
    };
    Ok(render(&page))
}

/// The roles as a picker, with 全部 first when `any`.
fn role_choices(current: &str, any: bool) -> Vec<Choice> {
    let all = Role::ALL.iter().map(|r| (r.code(), r.label_zh()));
    if any { choices(std::iter::once(("", "全部")).chain(all), current) } else { choices(all, current) }
}

#[derive(Deserialize)]
pub(super) struct ActiveForm {
    csrf: Option<String>,
    /// `true` enables, anything else disables.
    #[serde(default)]
    active: String,
    /// Where to go back to: `person` for the person's page, else the list.
    #[serde(default)]
    back: String,
}

/// 停用 or 启用 an account from the list or the person's page; back there.
pub(super) async fn set_user_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<ActiveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let user = accounts::set_active(&state, &staff.actor, &username, f.active == "true").await?;
    let back = if f.back == "person" { format!("/admin/users/{}", user.username) } else { "/admin/users".into() };
    Ok(Redirect::to(&back).into_response())
}

/// The fields of the new-person form, as typed.
#[derive(Deserialize, Default)]
pub(super) struct NewPersonForm {
    csrf: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    rank: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "staff/admin_user_new.html")]
pub(super) struct NewPersonPage {
    me: Option<Me>,
    csrf: String,
    f: NewPersonForm,
    units: Vec<(String, String)>,
    roles: Vec<Choice>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for NewPersonPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

/// 添加人员: the form, with the administrator's own unit and 接访员 chosen.
pub(super) async fn new_person_form(State(state): State<AppState>, staff: Staff) -> PageResult {
    if !staff.actor.user.role.can_administer() {
        return Err(AppError::Forbidden.into());
    }
    let f = NewPersonForm {
        unit: staff.actor.user.unit_code.clone(),
        role: Role::Officer.code().into(),
        ..Default::default()
    };
    new_person_page(&state, &staff, f, None).await
}

async fn new_person_page(
    state: &AppState,
    staff: &Staff,
    f: NewPersonForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let units = open_units(state, staff).await?;
    let roles = role_choices(&f.role, false);
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NewPersonPage { me: staff.me(), csrf: staff.csrf.clone(), f, units, roles, errors };
    Ok((status, render(&page)).into_response())
}

/// Adds the person and shows their one-time link; a refused form comes back as typed.
pub(super) async fn add_person(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(f): Form<NewPersonForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = AccountDraft {
        username: Some(f.username.clone()),
        unit: Some(f.unit.clone()),
        role: Some(f.role.clone()),
        display_name: Some(f.display_name.clone()),
        title: given(&f.title),
        credential: given(&f.credential),
        rank: given(&f.rank),
        phone: given(&f.phone),
        email: given(&f.email),
        may_backdate: false,
    };
    // A person is named: the login name is no name on a record. Said with every other mistake.
    if f.display_name.trim().is_empty() {
        let mut errors = vec![FieldError::new("display_name", Invalid::Required)];
        if let Err(e) = draft.parse() {
            errors.extend(e.iter().filter(|e| e.field != "display_name").cloned());
        }
        return new_person_page(&state, &staff, f, ValidationErrors::from_vec(errors)).await;
    }
    match accounts::add_account_with_link(&state, &staff.actor, &draft).await {
        Ok((_, link)) => Ok(link_page(&state, &staff, &headers, &link, true)),
        Err(AppError::Invalid(errors)) => new_person_page(&state, &staff, f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/admin_user_link.html")]
pub(super) struct LinkPage {
    me: Option<Me>,
    csrf: String,
    name: String,
    username: String,
    url: String,
    expires: String,
    /// The account was just added (else a password is being reset).
    new_account: bool,
}

/// The page that shows a one-time link, once.
fn link_page(
    state: &AppState,
    staff: &Staff,
    headers: &HeaderMap,
    link: &IssuedLink,
    new_account: bool,
) -> axum::response::Response {
    let page = LinkPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        name: accounts::name_and_title(&link.user),
        username: link.user.username.clone(),
        url: format!("{}{}", origin(state, headers), link.path()),
        expires: shown_time(link.expires_at),
        new_account,
    };
    render(&page)
}

/// This server's address as the administrator's browser reached it: for a link they pass on.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let https = state.secure_cookies()
        || headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).is_some_and(|p| p.trim() == "https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// One API token as the person's page lists it.
pub(super) struct TokenRow {
    id: i64,
    name: String,
    scope: &'static str,
    created: String,
    /// “长期有效”, “2027-12-06 16:30 到期” or “已过期”.
    expires: String,
}

/// One signed-in session as the person's page lists it.
pub(super) struct SessionLine {
    handle: String,
    signed_in: String,
    address: String,
    /// The browser and system, in a few words.
    browser: String,
    expires: String,
    /// The reader's own session, the one showing this page.
    current: bool,
}

/// A browser's description of itself in a few words a reader knows (“Edge · Windows”); the
/// header itself when it names nothing known, “未知” when absent.
fn browser_in_words(agent: Option<&str>) -> String {
    let Some(agent) = agent else { return "未知".into() };
    let browser = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        .into_iter()
        .find(|(mark, _)| agent.contains(mark))
        .map(|(_, name)| name);
    let system = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

/// The units of the reader's scope a person may be placed in: not closed.
async fn open_units(state: &AppState, staff: &Staff) -> PageResult<Vec<(String, String)>> {
    let units = huiyin_app::units::units_in_scope(state, &staff.actor).await?;
    Ok(units.into_iter().filter(|u| u.closed_at.is_none()).map(|u| (u.code, u.name)).collect())
}

/// One sign-in as the person's page lists it.
pub(super) struct SignIn {
    at: String,
    succeeded: bool,
    address: String,
}

#[derive(Template)]
#[template(path = "staff/admin_user.html")]
pub(super) struct PersonPage {
    me: Option<Me>,
    csrf: String,
    username: String,
    name: String,
    display_name: String,
    unit_name: String,
    role_label: String,
    active: bool,
    has_password: bool,
    /// Whose link set the password, when an administrator's: the account is blind to what they are.
    link_issuer: Option<String>,
    /// Not the reader themself.
    other: bool,
    card: StaffCardDraft,
    units: Vec<(String, String, bool)>,
    roles: Vec<Choice>,
    sign_ins: Vec<SignIn>,
    sessions: Vec<SessionLine>,
    tokens: Vec<TokenRow>,
    /// The concluded complaints about the person (FED-12): kind, day, finding, measure.
    complaints: Vec<huiyin_app::complaints::ConcludedComplaint>,
    errors: Option<ValidationErrors>,
    /// What was just done, for the notice at the top.
    done: Option<&'static str>,
}

impl FormErrors for PersonPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct PersonQuery {
    #[serde(default)]
    done: String,
}

/// A person's page: their card, unit and role, what may be done to their account, their recent
/// sign-ins.
pub(super) async fn person_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Query(q): Query<PersonQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "card" => Some("已保存。"),
        "placement" => Some("单位和角色已调整。"),
        "sessions" => Some("已结束其全部登录,本人需重新登录。"),
        "session" => Some("已结束该处登录。"),
        "tokens" => Some("已撤销其全部接口令牌。"),
        "token" => Some("已撤销该接口令牌。"),
        _ => None,
    };
    person(&state, &staff, &username, None, None, done).await
}

async fn person(
    state: &AppState,
    staff: &Staff,
    username: &str,
    card: Option<StaffCardDraft>,
    errors: Option<ValidationErrors>,
    done: Option<&'static str>,
) -> PageResult {
    let user = accounts::administered_account(state, &staff.actor, username).await?;
    let units = super::list::units_in_scope(state, &staff.actor).await?;
    let unit_name = units.iter().find(|(c, _)| *c == user.unit_code).map_or(user.unit_code.clone(), |(_, n)| n.clone());
    let sign_ins = accounts::recent_sign_ins(state, &staff.actor, &user).await?;
    let (_, tokens) = accounts::list_tokens(state, &staff.actor, Some(&user.username)).await?;
    let current = staff.session.id().map(|id| crate::sessions::handle_of(&id));
    let (_, sessions) = accounts::list_sessions(state, &staff.actor, Some(&user.username)).await?;
    let sessions = sessions
        .into_iter()
        .map(|s| SessionLine {
            current: current.as_deref() == Some(s.owner.handle.as_str()),
            signed_in: s.owner.signed_in_at.map_or_else(|| "未记录".into(), shown_time),
            address: s.owner.address.unwrap_or_else(|| "未记录".into()),
            browser: browser_in_words(s.owner.agent.as_deref()),
            expires: shown_time(s.expires_at),
            handle: s.owner.handle,
        })
        .collect();
    let now = chrono::Utc::now();
    let tokens = tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name.unwrap_or_else(|| "(未命名)".into()),
            scope: t.scope.label_zh(),
            created: shown_time(t.created_at),
            expires: match t.expires_at {
                None => "长期有效".into(),
                Some(at) if at <= now => "已过期".into(),
                Some(at) => format!("{} 到期", shown_time(at)),
            },
        })
        .collect();
    let card = card.unwrap_or_else(|| StaffCardDraft {
        display_name: Some(user.display_name.clone()),
        title: user.title.clone(),
        credential: user.credential.clone(),
        rank: user.rank.clone(),
        phone: user.phone.clone(),
        email: user.email.clone(),
    });
    let link_issuer = match user.link_issuer_id {
        Some(id) => state.store.user_by_id(id).await?.map(|i| accounts::name_and_title(&i)),
        None => None,
    };
    let complaints = huiyin_app::complaints::concluded_about(state, &staff.actor, &user.username).await?;
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PersonPage {
        complaints,
        link_issuer,
        me: staff.me(),
        csrf: staff.csrf.clone(),
        name: accounts::name_and_title(&user),
        display_name: user.display_name.clone(),
        unit_name,
        role_label: huiyin_app::presets::terms_for(state, user.unit_id).await?.role_label(user.role),
        active: user.active,
        has_password: user.password_hash.is_some(),
        other: user.id != staff.actor.user.id,
        card,
        units: open_units(state, staff)
            .await?
            .into_iter()
            .map(|(c, n)| {
                let here = c == user.unit_code;
                (c, n, here)
            })
            .collect(),
        roles: role_choices(user.role.code(), false),
        sign_ins: sign_ins
            .into_iter()
            .map(|e| SignIn {
                at: shown_time(e.at),
                succeeded: e.action == "login.success",
                address: e.address.unwrap_or_default(),
            })
            .collect(),
        sessions,
        tokens,
        errors,
        done,
        username: user.username,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize)]
pub(super) struct CardForm {
    csrf: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    rank: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

/// Saves a person's title, rank, credential number, telephone and e-mail address (their name stays:
/// it is changed on the server).
pub(super) async fn set_card(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<CardForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let user = accounts::administered_account(&state, &staff.actor, &username).await?;
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = StaffCardDraft {
        display_name: Some(user.display_name.clone()),
        title: given(&f.title),
        rank: given(&f.rank),
        credential: given(&f.credential),
        phone: given(&f.phone),
        email: given(&f.email),
    };
    match accounts::set_card(&state, &staff.actor, &username, &draft).await {
        Ok(user) => Ok(Redirect::to(&format!("/admin/users/{}?done=card", user.username)).into_response()),
        Err(AppError::Invalid(errors)) => person(&state, &staff, &username, Some(draft), Some(errors), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct PlacementForm {
    csrf: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
}

/// Moves a person to another unit, or gives them another role.
pub(super) async fn set_placement(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<PlacementForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = PlacementDraft { unit: Some(f.unit), role: Some(f.role) };
    match accounts::set_placement(&state, &staff.actor, &username, &draft).await {
        Ok(user) => Ok(Redirect::to(&format!("/admin/users/{}?done=placement", user.username)).into_response()),
        Err(AppError::Invalid(errors)) => person(&state, &staff, &username, None, Some(errors), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    csrf: Option<String>,
}

/// Issues a one-time password link and shows it, once.
pub(super) async fn issue_link(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Path(username): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match accounts::issue_password_link(&state, &staff.actor, &username).await {
        Ok(link) => Ok(link_page(&state, &staff, &headers, &link, false)),
        Err(AppError::Invalid(errors)) => person(&state, &staff, &username, None, Some(errors), None).await,
        Err(e) => Err(e.into()),
    }
}

/// Ends every session of the person.
pub(super) async fn end_sessions(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let user = accounts::end_sessions(&state, &staff.actor, &username).await?;
    Ok(Redirect::to(&format!("/admin/users/{}?done=sessions", user.username)).into_response())
}

/// Ends one session of the person (a computer left signed in at a counter).
pub(super) async fn end_session(
    State(state): State<AppState>,
    staff: Staff,
    Path((username, handle)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let user = accounts::end_session(&state, &staff.actor, Some(&username), &handle).await?;
    Ok(Redirect::to(&format!("/admin/users/{}?done=session", user.username)).into_response())
}

/// The person's desk name plate (桌牌) as a PDF.
pub(super) async fn name_plate(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
) -> PageResult {
    let (user, pdf) = huiyin_app::documents::name_plate::name_plate(&state, &staff.actor, Some(&username)).await?;
    Ok(crate::made_pdf(&format!("name-plate-{}.pdf", user.username), pdf))
}

/// Revokes every API token of the person.
pub(super) async fn revoke_tokens(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match accounts::revoke_tokens(&state, &staff.actor, &username).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/users/{}?done=tokens", username.trim().to_ascii_lowercase()))
                .into_response())
        }
        Err(AppError::Invalid(errors)) => person(&state, &staff, &username, None, Some(errors), None).await,
        Err(e) => Err(e.into()),
    }
}

/// Revokes one API token of the person.
pub(super) async fn revoke_token(
    State(state): State<AppState>,
    staff: Staff,
    Path((username, id)): Path<(String, i64)>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let user = accounts::revoke_token_id(&state, &staff.actor, Some(&username), id).await?;
    Ok(Redirect::to(&format!("/admin/users/{}?done=token", user.username)).into_response())
}

#[derive(Template)]
#[template(path = "staff/password_link.html")]
pub(super) struct PasswordLinkPage {
    me: Option<Me>,
    csrf: String,
    name: String,
    username: String,
    errors: Option<ValidationErrors>,
}

impl FormErrors for PasswordLinkPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

/// What a link that does not work says: alike for unknown, used, superseded and expired links.
fn dead_link() -> PageError {
    PageError(StatusCode::NOT_FOUND, "链接无效、已使用或已过期。请向本单位或上级单位的系统管理员索取新的链接。".into())
}

async fn password_link_page(
    state: &AppState,
    session: &Session,
    token: &str,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let user = match accounts::password_link_account(state, token).await {
        Ok(user) => user,
        Err(AppError::NotFound) => return Err(dead_link()),
        Err(e) => return Err(e.into()),
    };
    let unit = state.store.unit_by_code(&user.unit_code).await?.map_or(user.unit_code.clone(), |u| u.name);
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PasswordLinkPage {
        me: None,
        csrf: csrf_token(session).await?,
        name: format!("{}（{unit}）", user.display_name),
        username: user.username,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `/password/{token}`: the person sets their password by the link an administrator gave them.
pub(super) async fn password_link_form(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    password_link_page(&state, &session, &token, None).await
}

#[derive(Deserialize)]
pub(super) struct SetPasswordForm {
    csrf: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

/// Sets the password and sends the person to sign in.
pub(super) async fn use_password_link(
    State(state): State<AppState>,
    session: Session,
    address: crate::extract::ClientAddress,
    Path(token): Path<String>,
    Form(f): Form<SetPasswordForm>,
) -> PageResult {
    check_csrf(&session, f.csrf.as_ref()).await?;
    if f.password != f.password2 {
        let mismatch = FieldError::new("password2", Invalid::NotAChoice { allowed: "与上一栏相同的密码".into() });
        return password_link_page(&state, &session, &token, Some(mismatch.into())).await;
    }
    match accounts::use_password_link(&state, &token, &f.password, &address.0.to_string()).await {
        Ok(user) => Ok(Redirect::to(&format!("/login?set={}", user.username)).into_response()),
        Err(AppError::Invalid(errors)) => password_link_page(&state, &session, &token, Some(errors)).await,
        Err(AppError::NotFound) => Err(dead_link()),
        Err(e) => Err(e.into()),
    }
}
