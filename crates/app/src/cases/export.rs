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
pub const MAX_EXPORT_ROWS: usize = 100_000;

/// How many cases are read from the store at a time: an export holds one such page in memory, never
/// the whole list.
const EXPORT_PAGE: usize = 1_000;

/// The column headings of a case export, the cells of [`export_cases`]' rows in order.
pub const EXPORT_HEADERS: [&str; 13] = [
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

/// A table to write out: the column headings and the rows, every cell as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTable {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// The list holds more than [`MAX_EXPORT_ROWS`]; only the first are in the table.
    pub truncated: bool,
}

/// The line under an export that stopped at [`MAX_EXPORT_ROWS`].
pub fn truncation_note(rows: usize) -> String {
    format!("(仅导出前 {rows} 件,请缩小筛选范围)")
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub rows: usize,
    /// The list holds more than [`MAX_EXPORT_ROWS`]; only the first were written.
    pub truncated: bool,
}

/// The cases of the list `params` describes, row by row into `write` (cells as
/// [`EXPORT_HEADERS`]), read a page at a time so that a large export never holds the list.
/// `full`: personal data in full, for staff who take petitions in, each page's cases logged as
/// viewed before their rows are written (COM-4); otherwise masked as on screen.
pub async fn export_cases<W>(
    state: &AppState,
    actor: &Actor,
    params: &ListParams,
    full: bool,
    mut write: W,
) -> AppResult<Exported>
where
    W: FnMut(Vec<String>) + Send,
{
    if full && !actor.user.role.takes_petitions_in() {
        return Err(AppError::Forbidden);
    }
    let query = list_query(state, actor, params).await?;
    // The list's order read once (ids only), one more than the cap to know whether it was reached.
    let mut ids = state.store.list_case_ids(&query, MAX_EXPORT_ROWS + 1).await?;
    let truncated = ids.len() > MAX_EXPORT_ROWS;
    ids.truncate(MAX_EXPORT_ROWS);
    let mut exported = Exported { rows: 0, truncated };
    for page in ids.chunks(EXPORT_PAGE) {
        let mut cases = state.store.case_summaries(page, &query.scope).await?;
        // An accusation named since the list was read hides the case as the list would (GEN-7).
        cases.retain(|c| !actor.blind.hides(c.id, c.accused_unit_id, c.accused_user_id));
        if full && !cases.is_empty() {
            let shown: Vec<i64> = cases.iter().map(|c| c.id).collect();
            state.store.log_personal_data_views(actor.user.id, &shown, Utc::now(), "export").await?;
        }
        for mut case in cases {
            if !full {
                mask(&mut case);
            }
            let flags: Vec<&str> =
                case.flags.iter().filter_map(|f| Flag::parse("flags", f).ok()).map(Flag::label_zh).collect();
            write(vec![
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
            exported.rows += 1;
        }
    }
    if full && exported.rows > 0 {
        tracing::info!(cases = exported.rows, actor = %actor.user.username, "personal data exported in full");
    }
    Ok(exported)
}
