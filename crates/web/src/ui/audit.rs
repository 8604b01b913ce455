//! 操作记录 (issue 18): the audit log of administration for an administrator, filtered by unit,
//! kind of action, account or unit, and days, newest first, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::Value;

use super::{Choice, Me, PageResult, Staff, choices, render};
use huiyin_app::audit::{self, ACTION_GROUPS, AuditParams, action_label_zh, field_label_zh};
use huiyin_app::context::AppState;
use huiyin_app::views;

/// One entry as the page shows it.
pub(super) struct AuditRow {
    at: String,
    actor: String,
    action: &'static str,
    target: String,
    before: String,
    after: String,
    address: String,
}

#[derive(Template)]
#[template(path = "staff/admin_audit.html")]
pub(super) struct AuditPage {
    me: Option<Me>,
    csrf: String,
    units: Vec<(String, String, bool)>,
    groups: Vec<Choice>,
    q: AuditQuery,
    rows: Vec<AuditRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<u32>,
}

impl AuditQuery {
    fn href(&self, page: u32) -> String {
        let mut out = format!("/admin/audit?page={page}");
        for (k, v) in [
            ("unit", &self.unit),
            ("action", &self.action),
            ("target", &self.target),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                out.push_str(&format!("&{k}={}", super::urlencode(v)));
            }
        }
        out
    }
}

/// A logged value for people: its fields by their Chinese names, `是`/`否` for yes and no.
fn describe(json: Option<&str>) -> String {
    fn plain(v: &Value) -> String {
        match v {
            Value::Null => "(无)".into(),
            Value::Bool(true) => "是".into(),
            Value::Bool(false) => "否".into(),
            Value::String(s) => s.clone(),
            Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("、"),
            Value::Object(map) => {
                map.iter().map(|(k, v)| format!("{}:{}", field_label_zh(k), plain(v))).collect::<Vec<_>>().join(";")
            }
            other => other.to_string(),
        }
    }
    json.and_then(|t| serde_json::from_str::<Value>(t).ok()).map(|v| plain(&v)).unwrap_or_default()
}

pub(super) async fn audit_page(State(state): State<AppState>, staff: Staff, Query(q): Query<AuditQuery>) -> PageResult {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let params = AuditParams {
        unit: some(&q.unit),
        action: some(&q.action),
        target: some(&q.target),
        from: some(&q.from),
        to: some(&q.to),
        page: q.page,
        per_page: Some(50),
    };
    let page = audit::admin_events(&state, &staff.actor, &params).await?;
    let names = huiyin_app::accounts::staff_names(&state).await?;
    let units = super::list::units_in_scope(&state, &staff.actor).await?;
    let rows = page
        .items
        .iter()
        .map(|e| AuditRow {
            at: views::minute_zh(e.at),
            actor: e.actor.as_deref().map_or_else(|| "—".to_owned(), |a| names.of(a)),
            action: action_label_zh(&e.action),
            target: match units.iter().find(|(code, _)| *code == e.target) {
                Some((_, name)) => name.clone(),
                None if e.action.starts_with("user.")
                    || e.action.starts_with("token.")
                    || e.action.starts_with("login.") =>
                {
                    names.of(&e.target)
                }
                None => e.target.clone(),
            },
            before: describe(e.before.as_deref()),
            after: describe(e.after.as_deref()),
            address: e.address.clone().unwrap_or_default(),
        })
        .collect();
    let current = page.page;
    let pages = (page.total + i64::from(page.per_page) - 1) / i64::from(page.per_page);
    let view = AuditPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        units: units.iter().map(|(c, n)| (c.clone(), n.clone(), *c == q.unit)).collect(),
        groups: choices(ACTION_GROUPS.iter().map(|(code, label)| (*code, *label)), &q.action),
        rows,
        total: page.total,
        prev: (current > 1).then(|| q.href(current - 1)),
        next: (i64::from(current) < pages).then(|| q.href(current + 1)),
        q,
    };
    Ok(render(&view))
}
