//! 导出: what a case list shows, as a table for CSV or XLSX (issue 17). The rows are the list's own
//! (scope, filters and GEN-7 as [`super::list_cases`]), their personal data masked as on screen; a
//! full export, with ID numbers and phones in full, is for staff who take petitions in and is logged
//! as a view of each case's personal data (COM-4).

use chrono::Utc;
use huiyin_core::case::Flag;

use super::list::{ListParams, list_query, mask};
use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::views;

/// The most rows one export holds: a county's year fits; more is narrowed by the filters first.
pub const MAX_EXPORT_ROWS: usize = 5_000;

/// A table to write out: the column headings and the rows, every cell as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTable {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// The list holds more than [`MAX_EXPORT_ROWS`]; only the first are in the table.
    pub truncated: bool,
}

/// The cases of the list `params` describes, as a table. `full`: personal data in full, for staff
/// who take petitions in, logged for each case (COM-4); otherwise masked as on screen.
pub async fn export_cases(state: &AppState, actor: &Actor, params: &ListParams, full: bool) -> AppResult<ExportTable> {
    if full && !actor.user.role.takes_petitions_in() {
        return Err(AppError::Forbidden);
    }
    let mut query = list_query(state, actor, params).await?;
    query.per_page = 200;
    query.count_up_to = None;
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    let mut truncated = false;
    for page in 1.. {
        query.page = page;
        let listed = state.store.list_cases(&query).await?;
        let last = listed.items.len() < 200;
        for mut case in listed.items {
            if rows.len() == MAX_EXPORT_ROWS {
                truncated = true;
                break;
            }
            if !full {
                mask(&mut case);
            }
            ids.push(case.id);
            let flags: Vec<&str> =
                case.flags.iter().filter_map(|f| Flag::parse("flags", f).ok()).map(Flag::label_zh).collect();
            rows.push(vec![
                case.case_number,
                views::minute(case.received_at),
                case.channel.label_zh().to_owned(),
                case.unit_name,
                case.petitioner_name.unwrap_or_else(|| "(匿名)".into()),
                case.headcount.to_string(),
                case.petitioner_id_number.unwrap_or_default(),
                case.petitioner_phone.unwrap_or_default(),
                case.category_path,
                case.content,
                flags.join("、"),
                case.status.label_zh().to_owned(),
                case.next_due.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        if last || truncated {
            break;
        }
    }
    if full && !ids.is_empty() {
        state.store.log_personal_data_views(actor.user.id, &ids, Utc::now(), "export").await?;
        tracing::info!(cases = ids.len(), actor = %actor.user.username, "personal data exported in full");
    }
    let headers = vec![
        "信访件编号",
        "收到时间",
        "信访形式",
        "登记单位",
        "信访人",
        "人数",
        "身份证号码",
        "联系电话",
        "内容分类",
        "反映内容",
        "标记",
        "状态",
        "最近期限",
    ];
    Ok(ExportTable { headers, rows, truncated })
}
