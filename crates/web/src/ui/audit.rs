//! 操作记录 (issue 18): the audit log of administration for an administrator, filtered by unit,
//! kind of action, account or unit, and days, newest first, a page at a time; and the same entries
//! exported as CSV.

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
    /// The last scheduled backup, for administrators of the installation.
    last_backup: Option<String>,
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
        self.link(&format!("/admin/audit?page={page}"))
    }

    /// The export of the entries these filters select.
    fn export_href(&self) -> String {
        self.link("/admin/audit/export?page=1")
    }

    fn link(&self, start: &str) -> String {
        let mut out = start.to_owned();
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

impl AuditQuery {
    /// The service's filters, for `page` of `per_page` entries.
    fn params(&self, page: Option<u32>, per_page: u32) -> AuditParams {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AuditParams {
            unit: some(&self.unit),
            action: some(&self.action),
            target: some(&self.target),
            from: some(&self.from),
            to: some(&self.to),
            page,
            per_page: Some(per_page),
        }
    }
}

/// Entries as people read them: names instead of logins and codes, values in words.
fn rows_of(
    items: &[huiyin_store::AdminEvent],
    names: &huiyin_app::accounts::StaffNames,
    units: &[(String, String)],
) -> Vec<AuditRow> {
    items
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
        .collect()
}

pub(super) async fn audit_page(State(state): State<AppState>, staff: Staff, Query(q): Query<AuditQuery>) -> PageResult {
    let page = audit::admin_events(&state, &staff.actor, &q.params(q.page, 50)).await?;
    let names = huiyin_app::accounts::staff_names(&state).await?;
    let units = super::list::units_in_scope(&state, &staff.actor).await?;
    let rows = rows_of(&page.items, &names, &units);
    let current = page.page;
    let pages = (page.total + i64::from(page.per_page) - 1) / i64::from(page.per_page);
    let last_backup = if staff.actor.administers_installation() {
        Some(match huiyin_app::transfer::last_scheduled_backup(state.store.as_ref(), "backup.").await? {
            None => "没有自动备份记录(启动时用 --backup-dir 指定备份目录即可每日自动备份)".to_owned(),
            Some(e) => {
                let after: Value = e.after.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
                let file = after["file"].as_str().unwrap_or_default();
                if e.action == "backup.made" {
                    let mib = after["bytes"].as_f64().unwrap_or_default() / (1024.0 * 1024.0);
                    format!("最近一次自动备份:{},{file}({mib:.1} MiB)", views::minute_zh(e.at))
                } else {
                    let error = after["error"].as_str().unwrap_or_default();
                    let made = huiyin_app::transfer::last_scheduled_backup(state.store.as_ref(), "backup.made").await?;
                    let last_good =
                        made.map_or_else(|| "从未成功".to_owned(), |m| format!("上次成功:{}", views::minute_zh(m.at)));
                    format!("最近一次自动备份失败:{},{error}({last_good})", views::minute_zh(e.at))
                }
            }
        })
    } else {
        None
    };
    let view = AuditPage {
        last_backup,
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

/// The most entries one export holds.
const EXPORT_MAX: usize = 10_000;

/// 导出: the entries the filters select, every page of them up to [`EXPORT_MAX`], as CSV.
pub(super) async fn audit_export(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let names = huiyin_app::accounts::staff_names(&state).await?;
    let units = super::list::units_in_scope(&state, &staff.actor).await?;
    let mut rows = Vec::new();
    let mut truncated = false;
    for number in 1.. {
        let page = audit::admin_events(&state, &staff.actor, &q.params(Some(number), 500)).await?;
        rows.extend(rows_of(&page.items, &names, &units));
        if rows.len() >= EXPORT_MAX {
            truncated = i64::try_from(rows.len()).unwrap_or(i64::MAX) < page.total;
            rows.truncate(EXPORT_MAX);
            break;
        }
        if page.items.len() < 500 {
            break;
        }
    }
    let table = huiyin_app::cases::export::ExportTable {
        headers: vec!["时间", "操作人", "操作", "对象", "原值", "新值", "来源地址"],
        rows: rows
            .into_iter()
            .map(|r| vec![r.at, r.actor, r.action.to_owned(), r.target, r.before, r.after, r.address])
            .collect(),
        truncated,
    };
    let stamp = views::local_input(chrono::Utc::now()).replace([':', 'T'], "");
    let blob = huiyin_store::Blob {
        sha256: String::new(),
        media_type: "text/csv; charset=utf-8".into(),
        bytes: super::export::csv(&table).into_bytes(),
    };
    Ok(crate::attachment_response(&format!("操作记录-{stamp}.csv"), blob))
}
