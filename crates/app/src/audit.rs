//! The audit log of administration (issue 18): each service that changes an account, a unit or a
//! setting records the change here, with who made it, the value before and after (never a secret:
//! a password or a token is written as “changed”), and each sign-in, with its address. Administrators
//! read the entries of the units in their scope; those of the whole installation (the holiday
//! calendar, the content classes) only an administrator of a top unit.
//!
//! An entry is written after the change it records, in a transaction of its own: were that write
//! to fail, the change stands (a token made is still shown, a setup link used is not lost) and the
//! server's log keeps the entry, as an error.

use chrono::{Duration, Utc};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{AdminEvent, AdminEventQuery, NewAdminEvent, Page, User};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::actor::Actor;
use crate::cases::list::{blank, day_start};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// What a change was made to: its unit (for whose administrators read it) and its name.
pub struct Target<'a> {
    pub unit_id: Option<i64>,
    pub name: &'a str,
}

impl<'a> Target<'a> {
    /// An account, under its unit.
    pub fn user(user: &'a User) -> Target<'a> {
        Target { unit_id: Some(user.unit_id), name: &user.username }
    }

    /// A unit, under itself.
    pub fn unit(unit: &'a huiyin_store::Unit) -> Target<'a> {
        Target { unit_id: Some(unit.id), name: &unit.code }
    }

    /// What belongs to the whole installation (the calendar, the classes).
    pub fn installation(name: &'a str) -> Target<'a> {
        Target { unit_id: None, name }
    }
}

/// Records a change `actor` made: `action` is its code (`user.disable`), `before` and `after` the
/// values (`None` where there was none or is none).
pub async fn record(
    state: &AppState,
    actor: &Actor,
    action: &str,
    target: Target<'_>,
    before: Option<Value>,
    after: Option<Value>,
) {
    append(state, Some(actor), action, target, before, after).await;
}

/// Records a change nobody signed in made: the top unit added before there is any account.
pub async fn record_unattributed(state: &AppState, action: &str, target: Target<'_>, after: Option<Value>) {
    append(state, None, action, target, None, after).await;
}

async fn append(
    state: &AppState,
    actor: Option<&Actor>,
    action: &str,
    target: Target<'_>,
    before: Option<Value>,
    after: Option<Value>,
) {
    let event = NewAdminEvent {
        at: Utc::now(),
        // The operator before the first unit is an account never stored (id 0): nobody's entry.
        actor_id: actor.map(|a| a.user.id).filter(|id| *id > 0),
        unit_id: target.unit_id,
        action: action.to_owned(),
        target: target.name.to_owned(),
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
        address: None,
    };
    keep(state, &event).await;
}

/// Writes an entry; a failure is the server log's to keep, not the caller's to answer.
async fn keep(state: &AppState, event: &NewAdminEvent) {
    if let Err(e) = state.store.record_admin_event(event).await {
        tracing::error!(error = %e, action = %event.action, target = %event.target, actor = ?event.actor_id,
            before = ?event.before, after = ?event.after, "audit entry not written");
    }
}

/// Records a sign-in at the staff login to the account `user` the name typed belongs to. A name no
/// account has is not written (it may be a password typed in the wrong box, and made-up names would
/// fill the log); the attempts on an account are capped by the login guards before they get here.
/// A failed attempt is nobody's act: the account is its target, not its actor.
pub async fn record_sign_in(state: &AppState, user: Option<&User>, succeeded: bool, address: &str) {
    let Some(user) = user else { return };
    let event = NewAdminEvent {
        at: Utc::now(),
        actor_id: succeeded.then_some(user.id),
        unit_id: Some(user.unit_id),
        action: if succeeded { "login.success" } else { "login.failure" }.to_owned(),
        target: user.username.clone(),
        before: None,
        after: None,
        address: Some(address.to_owned()),
    };
    keep(state, &event).await;
}

/// Records that a one-time link set `user`'s password, from `address`: the person is its actor,
/// the link's issuer is on the entry that issued it.
pub async fn record_password_link_used(state: &AppState, user: &User, address: &str) {
    let event = NewAdminEvent {
        at: Utc::now(),
        actor_id: Some(user.id),
        unit_id: Some(user.unit_id),
        action: "user.password_link_used".to_owned(),
        target: user.username.clone(),
        before: None,
        after: Some(json!({"password": secret_changed()}).to_string()),
        address: Some(address.to_owned()),
    };
    keep(state, &event).await;
}

/// An account as the audit log shows it: everything an administrator changes, no password hash.
pub fn account_snapshot(user: &User) -> Value {
    json!({
        "display_name": user.display_name,
        "unit": user.unit_code,
        "role": user.role.code(),
        "title": user.title,
        "credential": user.credential,
        "rank": user.rank,
        "phone": user.phone,
        "email": user.email,
        "active": user.active,
        "may_backdate": user.may_backdate,
    })
}

/// A secret that changed, as the audit log writes it: that it changed, never what it is.
pub fn secret_changed() -> Value {
    json!("已更改")
}

/// The filters of the audit log as they arrive in a query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// A unit code: only the entries of that unit and the units below it (within the caller's scope).
    pub unit: Option<String>,
    /// Only actions whose code starts with this: `user.`, `unit.`, `login.`, `token.` …
    pub action: Option<String>,
    /// Only the entries about this account or unit (a login name or a unit code).
    pub target: Option<String>,
    /// First day (YYYY-MM-DD, China time), inclusive.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, China time), inclusive.
    pub to: Option<String>,
    /// From 1.
    pub page: Option<u32>,
    /// 1 to 500, default 50.
    pub per_page: Option<u32>,
}

/// A page of the audit log for an administrator: the entries of the units in their scope, and those
/// of the whole installation for an administrator of a top unit. Refused to every other role.
pub async fn admin_events(state: &AppState, actor: &Actor, p: &AuditParams) -> AppResult<Page<AdminEvent>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let units = crate::units::units_within(state, actor, blank(&p.unit), &mut errors).await?;
    let top = state.store.unit_by_id(actor.user.unit_id).await?.is_some_and(|u| u.parent_id.is_none());
    let action = blank(&p.action).map(str::to_owned);
    if action.as_deref().is_some_and(|a| !a.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')) {
        errors.push(FieldError::new("action", Invalid::NotAChoice { allowed: "user., unit., login. …".into() }));
    }
    let target = blank(&p.target).and_then(|t| {
        let checked = huiyin_core::text::check_chars("target", t).and_then(|()| match t.chars().count() {
            0..=64 => Ok(t.to_owned()),
            _ => Err(FieldError::new("target", Invalid::TooLong { max: 64 })),
        });
        checked.map_err(|e| errors.push(e)).ok()
    });
    let from = blank(&p.from).and_then(|s| day_start("from", s).map_err(|e| errors.push(e)).ok());
    let before =
        blank(&p.to).and_then(|s| day_start("to", s).map(|t| t + Duration::days(1)).map_err(|e| errors.push(e)).ok());
    let per_page = p.per_page.unwrap_or(50);
    if !(1..=500).contains(&per_page) {
        errors.push(FieldError::new("per_page", Invalid::OutOfRange { min: 1, max: 500 }));
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let query = AdminEventQuery {
        units,
        // The installation's own entries belong to whoever administers a whole tree.
        installation: top && blank(&p.unit).is_none(),
        // And what the reader did themself, wherever it belongs.
        by: Some(actor.user.id),
        action_prefix: action,
        target,
        from,
        before,
        page: p.page.unwrap_or(1).max(1),
        per_page,
    };
    Ok(state.store.admin_events(&query).await?)
}

/// The kinds of action, by the prefix of their codes, as a filter offers them.
pub const ACTION_GROUPS: [(&str, &str); 9] = [
    ("user.", "人员"),
    ("token.", "令牌"),
    ("login.", "登录"),
    ("unit.", "单位"),
    ("calendar.", "节假日安排"),
    ("category.", "内容分类"),
    ("search.", "检索词典"),
    ("outbox.", "消息发送"),
    ("", "全部"),
];

/// What an action code means, in Chinese, for the log's readers.
pub fn action_label_zh(code: &str) -> &'static str {
    match code {
        "backup.made" => "自动备份",
        "backup.failed" => "自动备份失败",
        "outbox.send_again" => "重新发送通知",
        "user.add" => "添加人员",
        "user.setup_first_administrator" => "首次设置管理员",
        "user.card" => "修改姓名、职务、职级、工作证号、电话、邮箱",
        "user.placement" => "调整单位或角色",
        "user.password_link" => "签发设置密码链接",
        "user.password_link_used" => "用链接设置密码",
        "user.sessions_end" => "结束全部登录",
        "user.session_end" => "结束一处登录",
        "user.disable" => "停用账号",
        "user.enable" => "启用账号",
        "user.password" => "修改本人密码",
        "user.password_reset" => "重置密码",
        "token.create" => "生成接口令牌",
        "token.revoke" => "撤销一个接口令牌",
        "token.revoke_all" => "撤销全部接口令牌",
        "login.success" => "登录成功",
        "login.failure" => "登录失败",
        "unit.add" => "添加单位",
        "unit.rename" => "单位更名",
        "unit.move" => "调整上级单位",
        "unit.kind" => "修改单位类别",
        "unit.close" => "撤销单位",
        "unit.reopen" => "恢复单位",
        "unit.public_info" => "修改公开信息",
        "service.record" => "办事登记",
        "service.done" => "办事办结",
        "unit.terms" => "修改本单位称谓、文书名称和常用分类",
        "unit.schedule" => "修改领导接访安排",
        "unit.limits" => "修改办理期限",
        "unit.letterhead" => "修改文书红头与落款",
        "calendar.import" => "导入节假日安排",
        "category.add" => "添加内容分类",
        "category.edit" => "修改内容分类",
        "category.move" => "调整内容分类顺序",
        "search.words" => "添加检索词",
        "search.word_remove" => "删除检索词",
        "duty.pattern" => "设置值班方式",
        "duty.generate" => "生成月值班表",
        "duty.day" => "调整某日值班",
        "duty.swap" => "调班",
        "duty.attendance" => "补记值班签到",
        "gift.record" => "登记拒收礼品",
        "gift.review" => "审核拒收礼品登记",
        "training.record" => "登记业务培训",
        "complaint.record" => "登记对接待人员的投诉",
        "complaint.conclude" => "办结对接待人员的投诉",
        "search.reindex" => "重建检索索引",
        _ => "其他",
    }
}

/// What a field of a logged value is called, in Chinese.
pub fn field_label_zh(key: &str) -> &str {
    match key {
        "display_name" => "姓名",
        "title" => "职务",
        "credential" => "工作证号",
        "rank" => "职级",
        "phone" => "电话",
        "email" => "电子邮箱",
        "expires_at" => "有效期至",
        "sessions" => "登录",
        "unit" => "单位",
        "role" => "角色",
        "active" => "启用",
        "may_backdate" => "可补录",
        "password" => "密码",
        "token" => "令牌",
        "tokens_revoked" => "撤销令牌数",
        "revoked" => "撤销数",
        "name" => "名称",
        "kind" => "类别",
        "parent" => "上级",
        "closed" => "已撤销",
        "hotline" => "电话",
        "address" => "地址",
        "office_hours" => "接待时间",
        "procedure" => "办理流程",
        "letterhead" => "红头",
        "signature" => "落款",
        "own" => "本单位自定",
        "rules" => "规则",
        "year" => "年份",
        "days" => "天数",
        "source" => "来源",
        "words" => "词语",
        "reindex" => "检索索引",
        "order" => "顺序",
        "new" => "新增",
        "message" => "消息编号",
        "channel" => "发送方式",
        other => other,
    }
}
