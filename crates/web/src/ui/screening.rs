//! 每月排查 (issue 21; TWN-13): a unit's screening of the month before — the units below it and
//! whether they have screened (上报), what huiyin proposes to look at, the form where staff choose
//! the matters (kind, subject, cases, the person responsible from a picker, the measures, the
//! deadline), the leader's sign-off (confirmed: it cannot be changed after), each signed matter
//! resolved, and the screening as PDF under the letterhead, XLSX and CSV.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;
use serde::Deserialize;

use super::duty::unit_choices;
use super::{Me, PageResult, Staff, check_csrf, render};
use crate::case_query;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::screenings::{self, ScreeningView};
use huiyin_core::duty::DutyMonth;
use huiyin_core::screening::{MatterDraft, MatterKind, ScreeningDraft, screened_month};

/// Empty rows offered under the matters and the proposals.
const EMPTY_ROWS: usize = 3;

/// A row of the matters form, as saved, proposed or typed.
pub(super) struct FormRow {
    /// Ticked: the row is one of the screening's matters.
    included: bool,
    kind: String,
    subject: String,
    cases: String,
    responsible: String,
    measures: String,
    due: String,
    /// Why huiyin proposes it (a proposal's row).
    hint: String,
    /// A proposal's list of cases.
    list: Option<String>,
}

/// A signed matter as the page lists it.
pub(super) struct MatterRow {
    number: usize,
    kind: &'static str,
    subject: String,
    cases: Vec<String>,
    responsible: String,
    measures: String,
    due: String,
    overdue: bool,
    resolved: String,
    may_resolve: bool,
}

/// A unit's standing for the month (上报).
pub(super) struct StandingRow {
    code: String,
    name: String,
    status: &'static str,
    late: bool,
    matters: usize,
    overdue: usize,
}

#[derive(Template)]
#[template(path = "staff/screening.html")]
pub(super) struct ScreeningPage {
    me: Option<Me>,
    csrf: String,
    unit_code: String,
    unit_name: String,
    month: String,
    month_label: String,
    latest: String,
    units: Vec<(String, String, bool)>,
    due: String,
    overdue: bool,
    /// 未开始, 草稿 or 已签发.
    status: &'static str,
    signed: bool,
    signed_line: String,
    drafted_line: String,
    version: i64,
    summary_text: String,
    matters: Vec<MatterRow>,
    standings: Vec<StandingRow>,
    rows: Vec<FormRow>,
    kinds: Vec<(&'static str, &'static str)>,
    /// (login, name and unit) for the responsible picker.
    staff_choices: Vec<(String, String)>,
    may_draft: bool,
    may_sign: bool,
    today: String,
    done: Option<&'static str>,
    refused: Vec<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ScreeningQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    done: String,
    /// `xlsx` or `csv`, for the export.
    #[serde(default)]
    format: String,
}

/// The month asked for when it has ended, else the month before this one (the one screened now).
fn month_or_last(month: &str) -> String {
    let latest = screened_month(huiyin_core::limits::china_day(Utc::now()));
    match DutyMonth::parse("month", month) {
        Ok(m) if m.first_day() <= latest.first_day() => m.to_string(),
        _ => latest.to_string(),
    }
}

pub(super) async fn screening_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ScreeningQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "draft" => Some("已保存排查草稿。请领导核对后签发;签发后即存档并报上级。"),
        "sign" => Some("已签发。排查台账已存档并报上级单位,可打印存档件(PDF)。"),
        "resolve" => Some("已记录化解情况。"),
        _ => None,
    };
    let unit = if q.unit.trim().is_empty() { staff.actor.user.unit_code.clone() } else { q.unit.clone() };
    let month = month_or_last(&q.month);
    let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
    view(&state, &staff, v, done, None, Vec::new()).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    v: ScreeningView,
    done: Option<&'static str>,
    typed: Option<(Vec<FormRow>, String)>,
    refused: Vec<String>,
) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let month = v.month.to_string();
    let login = |id: i64| v.staff.iter().find(|u| u.id == id).map(|u| u.username.clone()).unwrap_or_default();
    let record = v.record.as_ref();
    let (rows, summary_text) = match typed {
        Some(typed) => typed,
        None => {
            let mut rows: Vec<FormRow> = v
                .matters
                .iter()
                .map(|m| FormRow {
                    included: true,
                    kind: m.matter.kind.code().into(),
                    subject: m.matter.subject.clone(),
                    cases: m.matter.cases.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" "),
                    responsible: login(m.matter.responsible),
                    measures: m.matter.measures.clone(),
                    due: m.matter.due.to_string(),
                    hint: String::new(),
                    list: None,
                })
                .collect();
            if v.may_draft {
                let proposals = screenings::proposals(state, &staff.actor, &v.unit.code, &month).await?;
                for p in proposals {
                    if rows.iter().any(|r| r.subject == p.subject) {
                        continue;
                    }
                    rows.push(FormRow {
                        included: false,
                        kind: p.kind.code().into(),
                        subject: p.subject,
                        cases: p.cases.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" "),
                        responsible: String::new(),
                        measures: String::new(),
                        due: String::new(),
                        hint: p.detail,
                        list: p.list.as_ref().map(|f| format!("/cases?{}", case_query(f))),
                    });
                }
                for _ in 0..EMPTY_ROWS {
                    rows.push(FormRow {
                        included: false,
                        kind: "other".into(),
                        subject: String::new(),
                        cases: String::new(),
                        responsible: String::new(),
                        measures: String::new(),
                        due: String::new(),
                        hint: String::new(),
                        list: None,
                    });
                }
            }
            (rows, record.and_then(|r| r.summary.clone()).unwrap_or_default())
        }
    };
    let standings = screenings::standings(state, &staff.actor, &v.unit.code, &month)
        .await?
        .into_iter()
        .skip(1)
        .map(|s| StandingRow {
            status: match &s.record {
                None => "未排查",
                Some(r) if r.signed_at.is_some() => "已签发上报",
                Some(_) => "草稿",
            },
            late: s.record.as_ref().is_some_and(|r| r.late),
            code: s.unit.code,
            name: s.unit.name,
            matters: s.matters,
            overdue: s.overdue,
        })
        .collect();
    let signed = v.signed();
    let page = ScreeningPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        unit_code: v.unit.code.clone(),
        unit_name: v.unit.name.clone(),
        month_label: format!("{}年{}月", v.month.year, v.month.month),
        latest: screened_month(today).to_string(),
        month,
        units: unit_choices(state, staff, v.unit.id).await?,
        due: huiyin_app::views::date_zh(v.due),
        overdue: !signed && today > v.due,
        status: match record {
            None => "未开始",
            Some(_) if signed => "已签发上报",
            Some(_) => "草稿",
        },
        signed,
        signed_line: match record.and_then(|r| r.signed_at) {
            Some(at) => format!(
                "{} 于 {} 签发{}",
                v.signed_by.clone().unwrap_or_default(),
                huiyin_app::views::minute(at),
                if record.is_some_and(|r| r.late) { "(逾期签发)" } else { "" }
            ),
            None => String::new(),
        },
        drafted_line: match record {
            Some(r) => format!(
                "{} 于 {} 起草",
                v.drafted_by.clone().unwrap_or_default(),
                huiyin_app::views::minute(r.drafted_at)
            ),
            None => String::new(),
        },
        version: record.map_or(0, |r| r.version),
        summary_text,
        matters: v
            .matters
            .iter()
            .map(|m| MatterRow {
                number: m.number,
                kind: m.matter.kind.label_zh(),
                subject: m.matter.subject.clone(),
                cases: m.matter.cases.iter().map(|(_, n)| n.clone()).collect(),
                responsible: m.responsible.clone(),
                measures: m.matter.measures.clone(),
                due: m.matter.due.to_string(),
                overdue: m.overdue,
                resolved: match (&m.matter.resolution, m.matter.resolved_on) {
                    (Some(text), Some(on)) => {
                        format!("{on} {}:{text}", m.resolved_by.clone().unwrap_or_default())
                    }
                    _ => String::new(),
                },
                may_resolve: m.may_resolve,
            })
            .collect(),
        standings,
        rows,
        kinds: MatterKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        staff_choices: v
            .staff
            .iter()
            .map(|u| (u.username.clone(), format!("{}（{}）", huiyin_app::accounts::name_and_title(u), u.unit_code)))
            .collect(),
        may_draft: v.may_draft,
        may_sign: v.may_sign,
        today: today.to_string(),
        done,
        refused,
    };
    let status = if page.refused.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(&page)).into_response())
}

fn back(unit: &str, month: &str, done: &str) -> PageResult {
    let month = month_or_last(month);
    let unit = huiyin_core::unit::UnitCode::parse("unit", unit).map(|u| u.to_string()).unwrap_or_default();
    Ok(Redirect::to(&format!("/screening?unit={unit}&month={month}&done={done}")).into_response())
}

/// The most rows the form posts.
const MAX_ROWS: usize = huiyin_core::screening::MAX_MATTERS + 60;

/// 保存: the ticked rows as the screening's matters; a refusal names each reason by its row.
pub(super) async fn save_draft(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let get = |k: String| f.get(&k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let count = f.keys().filter(|k| k.starts_with("subject_")).count().min(MAX_ROWS);
    let rows: Vec<FormRow> = (0..count)
        .map(|i| FormRow {
            included: f.contains_key(&format!("inc_{i}")),
            kind: get(format!("kind_{i}")),
            subject: get(format!("subject_{i}")),
            cases: get(format!("cases_{i}")),
            responsible: get(format!("responsible_{i}")),
            measures: get(format!("measures_{i}")),
            due: get(format!("due_{i}")),
            hint: get(format!("hint_{i}")),
            list: None,
        })
        .collect();
    // A row is sent when ticked, or when anything was typed into it beyond what huiyin proposed:
    // refused if incomplete rather than lost.
    let typed = |r: &FormRow| {
        !r.responsible.is_empty()
            || !r.measures.is_empty()
            || !r.due.is_empty()
            || (r.hint.is_empty() && (!r.subject.is_empty() || !r.cases.is_empty()))
    };
    let rows: Vec<FormRow> = rows.into_iter().map(|r| FormRow { included: r.included || typed(&r), ..r }).collect();
    let included: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].included).collect();
    let summary = get("summary".into());
    let draft = ScreeningDraft {
        summary: Some(summary.clone()),
        matters: included
            .iter()
            .map(|&i| MatterDraft {
                kind: Some(rows[i].kind.clone()),
                subject: Some(rows[i].subject.clone()),
                cases: rows[i]
                    .cases
                    .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                responsible: Some(rows[i].responsible.clone()),
                measures: Some(rows[i].measures.clone()),
                due: Some(rows[i].due.clone()),
            })
            .collect(),
        version: get("version".into()).parse::<i64>().ok().filter(|v| *v > 0),
    };
    match screenings::save_draft(&state, &staff.actor, &unit, &month, &draft).await {
        Ok(_) => back(&unit, &month, "draft"),
        Err(AppError::Invalid(errors)) => {
            let refused = errors
                .iter()
                .map(|e| {
                    // `matters[k].x` names the k-th ticked row: say which row of the form it is.
                    let row = e
                        .field
                        .strip_prefix("matters[")
                        .and_then(|rest| rest.split(']').next())
                        .and_then(|k| k.parse::<usize>().ok())
                        .and_then(|k| included.get(k));
                    match row {
                        Some(i) => format!("第 {} 行:{}", i + 1, e.message(huiyin_core::Lang::Zh)),
                        None => e.message(huiyin_core::Lang::Zh),
                    }
                })
                .collect();
            let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, v, None, Some((rows, summary)), refused).await
        }
        Err(AppError::Store(huiyin_store::StoreError::Conflict)) => {
            // Written by someone else meanwhile: what was typed stays on the form, to save over it.
            let refused = vec!["本排查刚被他人修改或签发。您填写的内容保留在下方,请核对后再保存。".to_owned()];
            let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, v, None, Some((rows, summary)), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 签发: the leader signs the screening off, confirmed on the form (it is fixed after).
pub(super) async fn sign(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    if !f.contains_key("confirm") {
        let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
        let refused = vec!["请先勾选“已核对,签发后不再修改”再签发。".to_owned()];
        return view(&state, &staff, v, None, None, refused).await;
    }
    let version = f.get("version").and_then(|v| v.parse::<i64>().ok()).unwrap_or_default();
    screenings::sign(&state, &staff.actor, &unit, &month, version).await?;
    back(&unit, &month, "sign")
}

/// 记录化解情况: a signed matter resolved.
pub(super) async fn resolve(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month, number)): Path<(String, String, usize)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    match screenings::resolve(&state, &staff.actor, &unit, &month, number, f.get("resolution").map(String::as_str))
        .await
    {
        Ok(_) => back(&unit, &month, "resolve"),
        Err(AppError::Invalid(errors)) => {
            let refused =
                errors.iter().map(|e| format!("第 {number} 项:{}", e.message(huiyin_core::Lang::Zh))).collect();
            let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, v, None, None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The signed screening as PDF under the letterhead (书面存档).
pub(super) async fn pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
) -> PageResult {
    let (name, pdf) = screenings::screening_pdf(&state, &staff.actor, &unit, &month).await?;
    Ok(crate::made_pdf(&name, pdf))
}

/// The screening's matters as XLSX or CSV.
pub(super) async fn export(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Query(q): Query<ScreeningQuery>,
) -> PageResult {
    let v = screenings::screening(&state, &staff.actor, &unit, &month).await?;
    let mut table = screenings::screening_table(&v);
    let draft = if v.signed() { "" } else { "(草稿)" };
    table.name.push_str(draft);
    let name = format!("信访隐患排查-{}-{}{draft}", v.unit.code, v.month);
    let (media_type, extension, bytes) = match q.format.as_str() {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            super::export::xlsx_book(std::slice::from_ref(&table))?,
        ),
        _ => (
            "text/csv; charset=utf-8",
            "csv",
            super::export::csv_book(
                &format!("{} {}年{}月信访隐患排查", v.unit.name, v.month.year, v.month.month),
                &[table],
            )
            .into_bytes(),
        ),
    };
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: media_type.into(), bytes };
    Ok(crate::attachment_response(&format!("{name}.{extension}"), blob))
}
