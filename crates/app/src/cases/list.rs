//! Case lists: filters, sorts and pages within the reader's scope, without what they are blind to.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use huiyin_core::case::{CHINA_OFFSET, Channel, Flag, Purpose};
use huiyin_core::event::Status;
use huiyin_core::identity::{masked_id_number, masked_phone};
use huiyin_core::kpi::{MeasureCode, MeasurePart, MeasurePeriod};
use huiyin_core::limits;
use huiyin_core::statistics::Reached;
use huiyin_core::text;
use huiyin_core::unit::UnitCode;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{CaseQuery, CaseSort, CaseSummary, MeasureFilter, Page, SkipFilter, Waiting};
use serde::Deserialize;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::AppResult;

/// Filters of a case list as they arrive in a query string (API and UI alike).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `registered`, …, or `open`: every case not ended (closed, not accepted, registered only, final).
    pub status: Option<String>,
    /// `letter`, `visit`, `phone`, `online`, `email`, `fax`
    pub channel: Option<String>,
    /// A unit code: that unit and the units below it (within the caller's scope).
    pub unit: Option<String>,
    /// First day received (YYYY-MM-DD, China time), inclusive.
    pub from: Option<String>,
    /// Last day received (YYYY-MM-DD, China time), inclusive.
    pub to: Option<String>,
    /// Text in the statement, the petitioner's name or the case number.
    pub q: Option<String>,
    /// `-received_at` (default), `received_at`, `case_number`, `-case_number`, `due` (earliest open deadline first),
    /// `urgent` (急事急办 first, then as `due`)
    pub sort: Option<String>,
    /// `overdue`: an open deadline has passed; `soon`: one is due within 3 days (or has passed);
    /// `provisional`: one is provisional (a year's holiday schedule is not loaded, GEN-8).
    pub due: Option<String>,
    /// `me`: only the cases the caller holds; `online`: online petitions held by the caller's unit
    /// that nobody has taken yet (the unit's queue, FED-1: a staff member takes one with `take`).
    pub owner: Option<String>,
    /// `unit`: only the cases the caller's own unit holds now (not the units below it); a unit's
    /// code: only the cases that unit holds now.
    pub held: Option<String>,
    /// A content class's stable code (two digits a level, `01`, `0102`, `010203`): that class and
    /// the classes under it.
    pub category: Option<String>,
    /// A flag's code (`repeat`, `skip_level`, `collective`, `major_urgent`, …): only cases with it.
    pub flag: Option<String>,
    /// `redraft`: a draft opinion the leaders returned (退回修改) and nobody has drafted again;
    /// `return_visit`: a 不满意 rating whose return visit (回访) is not yet made.
    pub waiting: Option<String>,
    /// `exact` (default): `total` counts every case; `bounded`: a full-text search counts its
    /// matches only up to 1,000 past the page's first row, and says `total_exact: false` when there
    /// are more (fast at any size; the staff list asks for this).
    pub total: Option<String>,
    /// A reception session's id (接访活动, TWN-10): only the visits registered in it.
    pub session: Option<i64>,
    /// `accusation`, `suggestion`, `appeal`, `request` or `other` (诉求目的): only cases of it.
    pub purpose: Option<String>,
    /// A unit's code: only cases whose problem is in its place (问题属地).
    pub place: Option<String>,
    /// `any`: only skip-level visits (越级, TWN-14); `county`, `city`, `province` or `beijing`: only
    /// those that went this far and no farther.
    pub reached: Option<String>,
    /// A measure's code (`timely_acceptance`, `on_time_closure`, `participation`,
    /// `satisfaction_office`, `satisfaction`, `repeat_rate`): only the cases behind its numbers over
    /// `period`, in the units of `unit` (docs/MEASURES.md).
    pub measure: Option<String>,
    /// With `measure`: `all` (default: its denominator), `counted` (its numerator) or `missed`
    /// (the rest).
    pub part: Option<String>,
    /// With `measure`: `2026-11`, `2026-Q4`, `2026` or `2026-03-05..2026-03-14`; default the twelve
    /// months to today.
    pub period: Option<String>,
    /// From 1.
    pub page: Option<u32>,
    /// 1 to 200, default 20.
    pub per_page: Option<u32>,
}

/// The names of the list's filters in a query string: every field of [`ListParams`] but the page and
/// its size.
pub const FILTER_KEYS: [&str; 21] = [
    "q", "status", "channel", "unit", "from", "to", "sort", "due", "owner", "held", "category", "flag", "waiting",
    "total", "session", "purpose", "place", "reached", "measure", "part", "period",
];

/// How far past a page's first row a bounded total counts a full-text search's matches: a word
/// that tens of thousands of cases hold would otherwise cost a visit to each of them (issue 5).
pub const SEARCH_COUNT_UP_TO: u32 = 1_000;

pub(crate) fn day_start(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let day =
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))?;
    CHINA_OFFSET
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, Invalid::DateFormat))
}

/// Keeps a value, or records why it was refused.
pub(crate) fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A page of the cases the actor may see.
pub async fn list_cases(state: &AppState, actor: &Actor, p: &ListParams) -> AppResult<Listing> {
    let query = list_query(state, actor, p).await?;
    let terms = query.search.as_ref().map(|s| s.terms.clone()).unwrap_or_default();
    let mut page = state.store.list_cases(&query).await?;
    // A list shows personal data masked, whoever presents it: the whole record is a view of one
    // case, and logged (COM-4).
    for row in &mut page.items {
        mask(row);
    }
    Ok(Listing { page, terms })
}

/// Masks a list row's personal data (COM-4).
pub(crate) fn mask(row: &mut CaseSummary) {
    row.petitioner_phone = row.petitioner_phone.as_deref().map(masked_phone);
    row.petitioner_id_number = row.petitioner_id_number.as_deref().map(masked_id_number);
}

/// The store's query for a list as the actor asks for it: the filters checked, the actor's scope,
/// and the cases that accuse the actor left out (GEN-7).
pub(crate) async fn list_query(state: &AppState, actor: &Actor, p: &ListParams) -> AppResult<CaseQuery> {
    let mut errors = Vec::new();
    if let Some(q) = blank(&p.q)
        && let Err(e) = text::check_chars("q", q)
    {
        return Err(e.into());
    }
    let lookup = match blank(&p.q) {
        Some(q) => crate::search::read_query(&*state.segmenter().await, q),
        None => crate::search::Lookup::Nothing,
    };
    let (exact, search) = match lookup {
        crate::search::Lookup::Exact(key) => (Some(key), None),
        crate::search::Lookup::Words(words) => (None, Some(words)),
        crate::search::Lookup::Nothing => (None, None),
    };
    let open_only = blank(&p.status) == Some("open");
    let status = blank(&p.status).filter(|s| *s != "open").and_then(|s| keep(&mut errors, Status::parse("status", s)));
    let channel = blank(&p.channel).and_then(|s| keep(&mut errors, Channel::parse("channel", s)));
    let received_from = blank(&p.from).and_then(|s| keep(&mut errors, day_start("from", s)));
    let received_before =
        blank(&p.to).and_then(|s| keep(&mut errors, day_start("to", s).map(|t| t + Duration::days(1))));
    let sort = match blank(&p.sort) {
        // Words are ranked unless another order is asked for.
        None if search.is_some() => Some(CaseSort::Relevance),
        None => Some(CaseSort::default()),
        Some(s) => keep(
            &mut errors,
            CaseSort::parse(s).ok_or_else(|| {
                let allowed = CaseSort::ALL.map(CaseSort::code).join(", ");
                FieldError::new("sort", Invalid::NotAChoice { allowed })
            }),
        ),
    };
    let today = limits::china_day(Utc::now());
    let due_by = match blank(&p.due) {
        None | Some("provisional") => None,
        Some("overdue") => Some(today - Duration::days(1)),
        Some("soon") => Some(today + Duration::days(3)),
        Some(_) => {
            let allowed = "overdue, soon, provisional".into();
            errors.push(FieldError::new("due", Invalid::NotAChoice { allowed }));
            None
        }
    };
    let due_provisional = blank(&p.due) == Some("provisional");
    let owner = match blank(&p.owner) {
        None => None,
        Some("me") => Some(actor.user.id),
        Some("online") => {
            let intake = state.store.user_by_username(huiyin_core::user::ONLINE_INTAKE_USERNAME).await?;
            // Before the first online petition there is no intake account, and no case it holds.
            Some(intake.map_or(0, |u| u.id))
        }
        Some(_) => {
            errors.push(FieldError::new("owner", Invalid::NotAChoice { allowed: "me, online".into() }));
            None
        }
    };
    let mut held_by = match blank(&p.held) {
        None => None,
        Some("unit") => Some(actor.user.unit_id),
        Some(code) => unit_named(state, "held", code, &mut errors).await?,
    };
    if blank(&p.owner) == Some("online") {
        held_by = Some(actor.user.unit_id);
    }
    let category = blank(&p.category).and_then(|c| {
        let well_formed = !c.is_empty() && c.len() <= 6 && c.len() % 2 == 0 && c.bytes().all(|b| b.is_ascii_digit());
        if well_formed {
            Some(c.to_owned())
        } else {
            errors.push(FieldError::new("category", Invalid::NotAChoice { allowed: "01, 0102, 010203 …".into() }));
            None
        }
    });
    let flag = blank(&p.flag).and_then(|f| keep(&mut errors, Flag::parse("flag", f)));
    let waiting = match blank(&p.waiting) {
        None => None,
        Some("redraft") => Some(Waiting::Redraft),
        Some("return_visit") => Some(Waiting::ReturnVisit),
        Some(_) => {
            errors.push(FieldError::new("waiting", Invalid::NotAChoice { allowed: "redraft, return_visit".into() }));
            None
        }
    };
    let count_up_to = match blank(&p.total) {
        None | Some("exact") => None,
        Some("bounded") => Some(SEARCH_COUNT_UP_TO),
        Some(_) => {
            errors.push(FieldError::new("total", Invalid::NotAChoice { allowed: "exact, bounded".into() }));
            None
        }
    };
    let purpose = blank(&p.purpose).and_then(|s| keep(&mut errors, Purpose::parse("purpose", s)));
    let place_unit = match blank(&p.place) {
        Some(code) => unit_named(state, "place", code, &mut errors).await?,
        None => None,
    };
    let skip_level = match blank(&p.reached) {
        None => None,
        Some("any") => Some(SkipFilter::Any),
        Some(r) => {
            let allowed = || Invalid::NotAChoice { allowed: "any, county, city, province, beijing".into() };
            keep(
                &mut errors,
                Reached::parse(r).map(SkipFilter::Reached).ok_or_else(|| FieldError::new("reached", allowed())),
            )
        }
    };
    let per_page = p.per_page.unwrap_or(20);
    if !(1..=200).contains(&per_page) {
        errors.push(FieldError::new("per_page", Invalid::OutOfRange { min: 1, max: 200 }));
    }
    let scope = crate::units::units_within(state, actor, blank(&p.unit), &mut errors).await?;
    let measure = match blank(&p.measure) {
        Some(code) => measure_filter(state, actor, &scope, code, p, today, &mut errors).await?,
        None => None,
    };
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let query = CaseQuery {
        scope,
        status,
        channel,
        received_from,
        received_before,
        search,
        exact,
        // GEN-7: for the accused and its departments an accusing case does not exist.
        hidden_accusers_of: actor.blind.clone(),
        due_by,
        due_provisional,
        owner,
        held_by,
        session: p.session,
        open_only,
        category,
        flag,
        waiting,
        purpose,
        place_unit,
        skip_level,
        measure,
        count_up_to,
        sort: sort.unwrap_or_default(),
        page: p.page.unwrap_or(1).max(1),
        per_page,
    };
    Ok(query)
}

/// The unit `code` names; else the refusal on `field`. Any unit may be named (a case of the
/// reader's scope may be held by, or be about the place of, a unit outside it): the list stays
/// within the reader's scope.
async fn unit_named(state: &AppState, field: &str, code: &str, errors: &mut Vec<FieldError>) -> AppResult<Option<i64>> {
    let unit = match UnitCode::parse(field, code) {
        Ok(code) => state.store.unit_by_code(code.as_str()).await?,
        Err(e) => {
            errors.push(e);
            return Ok(None);
        }
    };
    match unit {
        Some(unit) => Ok(Some(unit.id)),
        None => {
            errors.push(FieldError::new(field, Invalid::UnknownUnit));
            Ok(None)
        }
    }
}

/// How many cases of lapsed rating windows a list holds at most (SQLite binds 32,766 values).
const MAX_LAPSED_LISTED: usize = 20_000;

/// The cases behind a measure's number (`measure`, `part`, `period`) in `scope`.
async fn measure_filter(
    state: &AppState,
    actor: &Actor,
    scope: &[i64],
    code: &str,
    p: &ListParams,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<MeasureFilter>> {
    let measure = keep(errors, MeasureCode::parse("measure", code));
    let part = match blank(&p.part) {
        Some(part) => keep(errors, MeasurePart::parse("part", part)),
        None => Some(MeasurePart::All),
    };
    let period = keep(errors, MeasurePeriod::parse(blank(&p.period), None, None, today));
    let (Some(measure), Some(part), Some(period)) = (measure, part, period) else { return Ok(None) };
    let lapsed = if measure == MeasureCode::Participation && part != MeasurePart::Counted {
        let mut ids = crate::measures::lapsed_cases(state, scope, &actor.blind, period, today).await?;
        ids.sort_unstable();
        ids.dedup();
        // Each id is a bound parameter; a list pages through the first of them at most.
        ids.truncate(MAX_LAPSED_LISTED);
        ids
    } else {
        Vec::new()
    };
    Ok(Some(MeasureFilter { measure, part, from: period.from, to: period.to, today, units: scope.to_vec(), lapsed }))
}

/// A page of a case list, its personal data masked, with the words searched for (to highlight them).
pub struct Listing {
    pub page: Page<CaseSummary>,
    pub terms: Vec<String>,
}
