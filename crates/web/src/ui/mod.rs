//! The staff web UI: server-rendered pages in Chinese (login, first-run setup, registration form,
//! case list, case detail with its timeline, printable receipt), one file per page or group of
//! pages; here what they share (the signed-in staff member, CSRF, errors) and the table of pages.
//! Works without JavaScript.

mod admin;
mod admin_categories;
mod admin_dictionary;
mod admin_outbox;
mod admin_units;
mod admin_users;
mod audit;
mod bulk;
mod case;
mod case_forms;
mod complaints;
mod democracy;
mod duty;
mod export;
mod gifts;
mod home;
mod key_petitioners;
mod list;
mod login;
mod matters;
mod meetings;
mod policies;
mod receipt;
mod reception;
mod register;
mod reports;
mod screening;
mod service_requests;
mod supervision;
mod training;
mod unit_settings;

pub(crate) use register::accused_draft;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::Utc;
use huiyin_core::{Lang, ValidationErrors};
use huiyin_store::StoreError;
use tower_sessions::Session;

use crate::auth::Actor;
use admin::{admin_calendar, import_calendar};
use case::{act, case_detail, document, document_pdf, download, extension_notice, upload};
use home::home_page;
use huiyin_app::context::{AppState, new_token};
use huiyin_app::error::AppError;
use list::{cases, delete_filter, save_filter};
use login::{login, login_form, logout, setup, setup_form};
use receipt::{receipt, reissue};
use register::{create_case, intake, new_case, petitioner_details};
use supervision::{dashboard, notifications, read_all_notifications, read_notification};

use crate::sessions::{CREDENTIAL_KEY, USER_KEY};
use huiyin_app::accounts::credential_stamp;
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

/// The messages of a refused form, in Chinese, for the list above it.
pub(super) fn problems(errors: Option<&ValidationErrors>) -> Vec<String> {
    errors.iter().flat_map(|e| e.iter().map(|f| f.message(Lang::Zh))).collect()
}

/// A form sent from another page (the case page, 民主管理) and refused: its reasons in words on a
/// page of their own, with the way back, answered 422.
pub(super) fn refused_page(staff: &Staff, title: &str, errors: &ValidationErrors, back: String) -> Response {
    let page = MessagePage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        title: title.into(),
        text: problems(Some(errors)).join(";"),
        link: Some(back),
    };
    render_form(&page, true)
}

/// A page whose form may have come back refused: 422 when it did, so that scripts and tests see it.
pub(super) fn render_form<T: Template>(page: &T, refused: bool) -> Response {
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, render(page)).into_response()
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
    /// An administrator: the menu offers 管理.
    pub administers: bool,
    /// An administrator of the whole installation: 管理 offers the classes, the dictionary and the
    /// calendar.
    pub administers_installation: bool,
}

/// How far ahead the calendar must reach before administrators are warned (GEN-8).
const CALENDAR_LOOKAHEAD_DAYS: i64 = 60;

/// The warning administrators see while a coming year's holiday schedule is not loaded.
async fn calendar_warning(state: &AppState, actor: &Actor) -> Option<String> {
    if !actor.administers_installation() {
        return None;
    }
    let horizon = huiyin_core::limits::china_day(Utc::now()) + chrono::Duration::days(CALENDAR_LOOKAHEAD_DAYS);
    let calendar = state.calendar().await;
    (!calendar.covers(horizon)).then(|| {
        format!(
            "尚未导入 {} 年节假日安排:跨入该年的期限暂按周末计算,标为“暂定”。请在国务院通知发布后导入。",
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
            administers: u.role.can_administer(),
            administers_installation: self.actor.administers_installation(),
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
        let actor = Actor::load(state, user).await.map_err(|e| PageError::from(e).into_response())?;
        let warning = calendar_warning(state, &actor).await;
        let unread = huiyin_app::supervision::unread_notifications(state, &actor)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let csrf = csrf_token(&session).await.map_err(IntoResponse::into_response)?;
        Ok(Staff { actor, session, csrf, warning, unread })
    }
}

pub(crate) fn urlencode(s: &str) -> String {
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
    if local { next } else { "/home" }
}

#[derive(Template)]
#[template(path = "staff/message.html")]
pub(super) struct MessagePage {
    me: Option<Me>,
    csrf: String,
    title: String,
    text: String,
    link: Option<String>,
}

/// A page whose form may come back refused: each field's error under it ([`field_error`]) and the
/// attributes that tie the field to it ([`invalid_attrs`]), as its template asks with
/// `self.err("field")` and `self.invalid("field")`.
/// A register's year as typed in a page's query or form: this year when it is none of
/// [`huiyin_core::calendar::REGISTER_YEARS`].
pub(crate) fn year_or_this(raw: &str) -> i32 {
    raw.trim()
        .parse()
        .ok()
        .filter(|y| huiyin_core::calendar::REGISTER_YEARS.contains(y))
        .unwrap_or_else(huiyin_app::views::this_year)
}

pub(crate) trait FormErrors {
    fn form_errors(&self) -> Option<&ValidationErrors>;

    fn err(&self, field: &str) -> String {
        field_error(self.form_errors(), field, Lang::Zh)
    }

    fn invalid(&self, field: &str) -> String {
        invalid_attrs(self.form_errors(), field)
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

/// ` aria-invalid="true" aria-describedby="{field}-err"` on a field with an error ([`field_error`]).
pub(crate) fn invalid_attrs(errors: Option<&ValidationErrors>, field: &str) -> String {
    match errors.and_then(|e| e.message_for(field, Lang::Zh)) {
        Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"{}-err\"", escape(field)),
        None => String::new(),
    }
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `/`: staff signed in go to their work (工作台); anybody else (a petitioner who typed the address) to the
/// public portal, whose pages link to the staff sign-in.
async fn home(session: Session) -> Redirect {
    match session.get::<i64>(USER_KEY).await {
        Ok(Some(_)) => Redirect::to("/home"),
        _ => Redirect::to("/public"),
    }
}

/// The staff UI routes.
/// The staff pages: each path with its handlers. The router is built from this table, and the GEN-7
/// test walks it, so a page added here is checked for the accused without editing the test.
pub fn pages() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(home)),
        ("/home", get(home_page)),
        ("/login", get(login_form).post(login)),
        ("/logout", post(logout)),
        ("/setup/{token}", get(setup_form).post(setup)),
        ("/cases", get(cases).post(create_case)),
        ("/cases/new", get(new_case)),
        ("/cases/intake", post(intake)),
        ("/cases/{id}", get(case_detail)),
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
        ("/cases/{id}/petitioner", post(petitioner_details)),
        ("/cases/{id}/reissue", post(reissue)),
        ("/cases/export", post(export::export)),
        ("/cases/bulk", post(bulk::bulk)),
        ("/saved-filters", post(save_filter)),
        ("/saved-filters/{id}/delete", post(delete_filter)),
        ("/policies", get(policies::policies_page).post(policies::add)),
        ("/policies/{id}", get(policies::policy_page)),
        ("/policies/{id}/withdraw", post(policies::withdraw)),
        ("/dashboard", get(dashboard)),
        ("/reports", get(reports::reports_page)),
        ("/reports/export", get(reports::export)),
        ("/screening", get(screening::screening_page)),
        ("/screening/{unit}/{month}/draft", post(screening::save_draft)),
        ("/screening/{unit}/{month}/sign", post(screening::sign)),
        ("/screening/{unit}/{month}/matters/{number}/resolve", post(screening::resolve)),
        ("/screening/{unit}/{month}/screening.pdf", get(screening::pdf)),
        ("/screening/{unit}/{month}/export", get(screening::export)),
        ("/admin/calendar", get(admin_calendar).post(import_calendar)),
        ("/admin/users", get(admin_users::users_page)),
        ("/admin/users/new", get(admin_users::new_person_form).post(admin_users::add_person)),
        ("/admin/users/{username}", get(admin_users::person_page)),
        ("/admin/users/{username}/active", post(admin_users::set_user_active)),
        ("/admin/users/{username}/card", post(admin_users::set_card)),
        ("/admin/users/{username}/placement", post(admin_users::set_placement)),
        ("/admin/users/{username}/password-link", post(admin_users::issue_link)),
        ("/admin/users/{username}/sessions/end", post(admin_users::end_sessions)),
        ("/admin/users/{username}/name-plate.pdf", get(admin_users::name_plate)),
        ("/admin/users/{username}/sessions/{handle}/end", post(admin_users::end_session)),
        ("/admin/users/{username}/tokens/revoke", post(admin_users::revoke_tokens)),
        ("/admin/users/{username}/tokens/{id}/revoke", post(admin_users::revoke_token)),
        ("/password/{token}", get(admin_users::password_link_form).post(admin_users::use_password_link)),
        ("/admin/units", get(admin_units::units_page).post(admin_units::add_unit)),
        ("/admin/units/{code}/name", post(admin_units::rename_unit)),
        ("/admin/units/{code}/parent", post(admin_units::move_unit)),
        ("/admin/units/{code}/{step}", post(admin_units::close_or_reopen)),
        ("/admin/units/{code}/settings", get(unit_settings::settings_page)),
        ("/admin/units/{code}/settings/kind", post(unit_settings::set_kind)),
        ("/admin/units/{code}/settings/limits", post(unit_settings::set_limits)),
        ("/admin/units/{code}/settings/letterhead", post(unit_settings::set_letterhead)),
        ("/admin/units/{code}/settings/letterhead/preview", post(unit_settings::preview_letterhead)),
        ("/admin/units/{code}/settings/public-info", post(unit_settings::set_public_info)),
        ("/admin/units/{code}/settings/territory", post(unit_settings::set_territory)),
        ("/admin/units/{code}/settings/schedule", post(unit_settings::set_schedule)),
        ("/admin/categories", get(admin_categories::categories_page).post(admin_categories::add_class)),
        ("/admin/categories/{code}/{step}", post(admin_categories::change_class)),
        ("/admin/dictionary", get(admin_dictionary::dictionary_page).post(admin_dictionary::add_words)),
        ("/admin/dictionary/reindex", post(admin_dictionary::rebuild)),
        ("/admin/dictionary/remove", post(admin_dictionary::remove_word)),
        ("/duty", get(duty::duty_page)),
        ("/duty/sign-in", post(home::sign_in)),
        ("/duty/sign-out", post(home::sign_out)),
        ("/name-plate.pdf", get(duty::own_name_plate)),
        ("/duty/{unit}/day", post(duty::set_day)),
        ("/duty/{unit}/attendance", post(duty::record_sign_in)),
        ("/duty/{unit}/sheet.xlsx", get(duty::attendance_sheet)),
        ("/duty/{unit}/sheet.pdf", get(duty::attendance_pdf)),
        ("/duty/{unit}/swap", post(duty::swap)),
        ("/duty/{unit}/generate", post(duty::generate)),
        ("/duty/{unit}/pattern", post(duty::set_pattern)),
        ("/reception", get(reception::reception_page)),
        ("/reception/{unit}/{month}/draft", post(reception::save_draft)),
        ("/reception/{unit}/{month}/publish", post(reception::publish)),
        ("/reception/{unit}/{month}/discard", post(reception::discard)),
        ("/reception/{unit}/{month}/notice.pdf", get(reception::notice_pdf)),
        ("/reception/{unit}/sessions", post(reception::record_session)),
        ("/reception/sessions/{id}/summary.pdf", get(reception::session_summary_pdf)),
        ("/service-requests", get(service_requests::service_page).post(service_requests::record)),
        ("/service-requests/{id}/done", post(service_requests::complete)),
        ("/gifts", get(gifts::gifts_page).post(gifts::record)),
        ("/gifts/{id}/review", post(gifts::review)),
        ("/key-petitioners", get(key_petitioners::key_petitioners_page).post(key_petitioners::add)),
        ("/key-petitioners/{id}/remove", post(key_petitioners::remove)),
        ("/cases/{id}/key-petitioner", post(key_petitioners::from_case)),
        ("/cases/{id}/referrals", post(matters::refer)),
        ("/democracy/{unit}/matters", post(matters::raise)),
        ("/training", get(training::training_page).post(training::record)),
        ("/complaints", get(complaints::complaints_page).post(complaints::record)),
        ("/complaints/{id}/conclude", post(complaints::conclude)),
        ("/complaints/{id}/slip", get(complaints::slip)),
        ("/complaints/{id}/reissue", post(complaints::reissue)),
        ("/democracy", get(democracy::democracy_page)),
        ("/democracy/{unit}/charters", post(democracy::adopt)),
        ("/democracy/{unit}/bodies/{body}/rules", post(democracy::set_rules)),
        ("/democracy/{unit}/bodies/{body}/members", post(democracy::add_member)),
        ("/democracy/members/{id}/leave", post(democracy::leave)),
        ("/charters/{id}", get(democracy::charter_page)),
        ("/charters/{id}/versions", post(democracy::amend)),
        ("/democracy/{unit}/meetings", post(meetings::call)),
        ("/meetings/{id}", get(meetings::meeting_page)),
        ("/meetings/{id}/attendance", post(meetings::attendance)),
        ("/meetings/{id}/decisions", post(meetings::decision)),
        ("/meetings/{id}/{paper}", get(meetings::paper_pdf)),
        ("/admin/dictionary/progress", get(admin_dictionary::progress)),
        ("/admin/audit", get(audit::audit_page)),
        ("/admin/audit/export", get(audit::audit_export)),
        ("/admin/outbox", get(admin_outbox::outbox_page)),
        ("/admin/outbox/{id}/send-again", post(admin_outbox::send_again)),
        ("/notifications", get(notifications)),
        ("/notifications/read-all", post(read_all_notifications)),
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
