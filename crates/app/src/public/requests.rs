//! Online petitions as anyone may see them (Open311's public requests): the online channel only,
//! never a case that accuses a unit or a person (GEN-7: its accused could follow it), and nothing of
//! the statement or of anybody's personal data.

use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::Channel;
use huiyin_core::event::Status;
use huiyin_store::{CaseQuery, CaseSort};

use crate::context::AppState;
use crate::error::AppResult;
use crate::views::DeadlineView;

/// An online petition as the public sees it.
#[derive(Debug)]
pub struct PublicRequest {
    pub number: String,
    pub status: Status,
    /// The content class as a path of names (`一级 / 二级 / 三级`).
    pub category_path: String,
    /// The class's code, where the request was read whole (a list leaves it to the caller).
    pub category_code: Option<String>,
    /// The unit that holds it (a list names the unit that registered it).
    pub unit: String,
    pub received_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The earliest open due date.
    pub expected: Option<NaiveDate>,
    /// Its time limits, where the request was read whole.
    pub deadlines: Vec<DeadlineView>,
}

/// The online petition with this number, if the public may see it.
pub async fn public_request(state: &AppState, number: &str) -> AppResult<Option<PublicRequest>> {
    let Some(id) = state.store.case_id_by_number(number.trim()).await? else { return Ok(None) };
    let Some(file) = state.store.case_file(id).await? else { return Ok(None) };
    if file.registration.channel != Channel::Online || file.accused_unit_id.is_some() || file.accused_user_id.is_some()
    {
        return Ok(None);
    }
    let today = huiyin_core::limits::china_day(Utc::now());
    let holder = state.store.unit_by_id(file.holding_unit_id).await?;
    Ok(Some(PublicRequest {
        number: file.state.case_number.clone(),
        status: file.state.status,
        category_path: file.registration.category.path.clone(),
        category_code: Some(file.registration.category.code.clone()),
        unit: holder.map(|u| u.name).unwrap_or_else(|| file.unit_name.clone()),
        received_at: file.registration.received_at,
        updated_at: file.events.last().map(|e| e.occurred_at),
        expected: file.deadlines.iter().filter(|d| d.met_at.is_none()).map(|d| d.due.date).min(),
        deadlines: file.deadlines.iter().map(|d| DeadlineView::new(d, today)).collect(),
    }))
}

/// The online petitions received from `from` to before `before` that the public may see and `keep`
/// keeps, newest first, at most `max`.
pub async fn public_requests(
    state: &AppState,
    (from, before): (DateTime<Utc>, DateTime<Utc>),
    max: usize,
    keep: impl Fn(&PublicRequest) -> bool,
) -> AppResult<Vec<PublicRequest>> {
    let scope: Vec<i64> = state.store.units().await?.iter().map(|u| u.id).collect();
    let mut query = CaseQuery {
        scope,
        channel: Some(Channel::Online),
        received_from: Some(from),
        received_before: Some(before),
        sort: CaseSort::ReceivedDesc,
        page: 1,
        per_page: 200,
        ..Default::default()
    };
    let mut out = Vec::new();
    loop {
        let page = state.store.list_cases(&query).await?;
        for case in page.items.iter().filter(|c| c.accused_unit_id.is_none() && c.accused_user_id.is_none()) {
            let request = PublicRequest {
                number: case.case_number.clone(),
                status: case.status,
                category_path: case.category_path.clone(),
                category_code: None,
                unit: case.unit_name.clone(),
                received_at: case.received_at,
                updated_at: None,
                expected: case.next_due,
                deadlines: Vec::new(),
            };
            if out.len() < max && keep(&request) {
                out.push(request);
            }
        }
        let seen = i64::from(query.page) * i64::from(query.per_page);
        if out.len() >= max || seen >= page.total || page.items.is_empty() {
            break;
        }
        query.page += 1;
    }
    Ok(out)
}
