//! 每月排查 (issue 21; TWN-13): at the start of each month every unit screens the month before for
//! petition hotspots. huiyin proposes what to look at — classes and places whose cases rose against
//! the three months before, petitioners with three or more cases in 90 days, collective petitions,
//! skip-level visits, office deadlines missed, 不满意 ratings, the unit's key petitioners — and staff
//! choose the matters, each with the person responsible, the measures (化解措施) and a deadline. A
//! leader signs it off: it is then fixed, printed under the unit's letterhead (书面存档) and reported
//! to the unit above, whose staff see which of their units screened and what. Supervision follows
//! each matter's deadline, and tells a unit that has not screened by its day (`screening_by`).
//!
//! Who: everyone whose scope holds the unit reads its screenings; its staff (not handlers) and those
//! above draft them; a leader of it or above signs them off; the person responsible (staff of the
//! unit or above it), or a supervisor or leader whose scope holds the unit, records a matter
//! resolved. GEN-7: the proposals are counted without the cases that accuse the reader and name
//! petitioners masked; a screening never takes a case that accuses the screened unit, a unit above
//! it or one of their staff (the accused would read it), nor makes anyone within the accused's reach
//! responsible; a matter naming a case hidden from a reader all the same (回避) is, for them, not
//! there — not shown, not counted, not numbered — and kept as it is when they rewrite the draft.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use huiyin_core::calendar::Calendar;
use huiyin_core::duty::DutyMonth;
use huiyin_core::kpi::{MeasureCode, MeasurePart, MeasurePeriod};
use huiyin_core::limits::china_day;
use huiyin_core::screening::{
    FREQUENT_CASES, FREQUENT_DAYS, MatterKind, ScreenedMatter, ScreeningDraft, hotspots, screened_month, screening_due,
};
use huiyin_core::statistics::{Count, fold_classes};
use huiyin_core::user::{Role, is_system_account};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{Notice, ScreeningRecord, Store, StoreError, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::statistics::{CaseFilter, measure_cases};
use crate::units::unit_in_scope;

/// Something huiyin proposes to screen.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: MatterKind,
    /// The matter in a line, as it would be written down: `劳动和社会保障类信访上升`.
    pub subject: String,
    /// Why it is proposed: `本月 6 件,前三个月平均 1.0 件`.
    pub detail: String,
    /// The cases it names (a frequent petitioner's): id and number.
    pub cases: Vec<(i64, String)>,
    /// The case-list filters that list its cases, where a list can.
    pub list: Option<CaseFilter>,
}

/// A matter of a screening as a reader sees it.
#[derive(Debug, Clone)]
pub struct MatterLine {
    /// Its number as the reader sees it, from 1 (resolving names it).
    pub number: usize,
    /// Its place among all the screening's matters.
    pub index: usize,
    pub matter: ScreenedMatter,
    pub responsible: String,
    pub resolved_by: Option<String>,
    pub overdue: bool,
    /// Whether the reader may record it resolved.
    pub may_resolve: bool,
}

/// A unit's screening of a month as a reader sees it.
#[derive(Debug, Clone)]
pub struct ScreeningView {
    pub unit: Unit,
    pub month: DutyMonth,
    /// The day by which it is signed off (the unit's `screening_by`-th working day of the month after).
    pub due: NaiveDate,
    pub record: Option<ScreeningRecord>,
    /// The matters the reader may see.
    pub matters: Vec<MatterLine>,
    pub drafted_by: Option<String>,
    pub signed_by: Option<String>,
    pub may_draft: bool,
    pub may_sign: bool,
    /// The people who may be made responsible: active staff of the unit and the units above it.
    pub staff: Vec<User>,
}

impl ScreeningView {
    pub fn signed(&self) -> bool {
        self.record.as_ref().is_some_and(|r| r.signed_at.is_some())
    }
}

/// Whether the actor drafts `unit`'s screenings: staff who take petitions in, sort or lead, of the
/// unit or above.
fn may_draft(actor: &Actor, unit: &Unit) -> bool {
    actor.sees_unit(unit.id) && actor.user.role != Role::Handler
}

/// Whether the actor signs `unit`'s screenings off: a leader of the unit or above (TWN-13).
fn may_sign(actor: &Actor, unit: &Unit) -> bool {
    actor.sees_unit(unit.id) && actor.user.role == Role::Leader
}

/// Whether `matter` names a case hidden from `blind` (GEN-7).
fn hidden(matter: &ScreenedMatter, blind: &huiyin_store::Blindness) -> bool {
    matter.cases.iter().any(|(id, _)| blind.cases.contains(id))
        || matter.accused_units.iter().any(|u| blind.units.contains(u))
        || matter.accused_users.iter().any(|u| blind.users.contains(u))
}

/// How far back supervision follows signed screenings' matters: the month 24 months before today's.
fn followed_since(today: NaiveDate) -> String {
    DutyMonth::of(today.checked_sub_months(chrono::Months::new(24)).unwrap_or(today)).to_string()
}

/// Sets whom each matter's cases accuse to what the cases say now (an accusation may be named
/// after the matter was written down, GEN-7), before anyone is judged blind to it.
async fn accused_now(store: &dyn Store, records: &mut [ScreeningRecord]) -> AppResult<()> {
    let mut ids: Vec<i64> =
        records.iter().flat_map(|r| r.matters.iter().flat_map(|m| m.cases.iter().map(|c| c.0))).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let accused: HashMap<i64, (Option<i64>, Option<i64>)> =
        store.accusations_of(&ids).await?.into_iter().map(|(id, unit, user)| (id, (unit, user))).collect();
    for matter in records.iter_mut().flat_map(|r| r.matters.iter_mut()) {
        matter.accused_units = matter.cases.iter().filter_map(|c| accused.get(&c.0).and_then(|a| a.0)).collect();
        matter.accused_users = matter.cases.iter().filter_map(|c| accused.get(&c.0).and_then(|a| a.1)).collect();
    }
    Ok(())
}

/// The month asked for: one that has ended (a month is screened after it).
fn ended_month(raw: &str) -> AppResult<DutyMonth> {
    let month = DutyMonth::parse("month", raw)?;
    let today = china_day(Utc::now());
    if month.next_first_day() > today {
        let allowed = format!("已结束的月份(如 {})", screened_month(today));
        return Err(FieldError::new("month", Invalid::NotAChoice { allowed }).into());
    }
    Ok(month)
}

/// The staff who may be made responsible for a matter of `unit`: active people of the unit and of
/// the units above it (whose scope holds it, so that they read and resolve it); the unit's own
/// first, then upwards.
async fn responsible_staff(state: &AppState, unit: &Unit, users: &HashMap<i64, User>) -> AppResult<Vec<User>> {
    let chain = crate::tree::unit_tree(state).await?.chain(unit.id);
    let mut staff: Vec<User> = users
        .values()
        .filter(|u| u.active && !is_system_account(&u.username) && chain.contains(&u.unit_id))
        .cloned()
        .collect();
    staff.sort_by_key(|u| (chain.iter().position(|id| *id == u.unit_id), u.username.clone()));
    Ok(staff)
}

/// The unit `code`'s screening of `month` (`YYYY-MM`, a month that has ended).
pub async fn screening(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<ScreeningView> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = ended_month(month)?;
    let rules = state.store.limit_rules_for(unit.id).await?.unwrap_or_default();
    let calendar = state.calendar().await;
    let mut record: Vec<ScreeningRecord> =
        state.store.screening(unit.id, &month.to_string()).await?.into_iter().collect();
    accused_now(state.store.as_ref(), &mut record).await?;
    let record = record.pop();
    let users: HashMap<i64, User> = state.store.users().await?.into_iter().map(|u| (u.id, u)).collect();
    let name = |id: i64| users.get(&id).map(crate::accounts::name_and_title).unwrap_or_default();
    let today = china_day(Utc::now());
    let signed = record.as_ref().is_some_and(|r| r.signed_at.is_some());
    let supervises = actor.sees_unit(unit.id) && matches!(actor.user.role, Role::Supervisor | Role::Leader);
    let mut matters = Vec::new();
    for (index, matter) in record.iter().flat_map(|r| r.matters.iter()).enumerate() {
        if hidden(matter, &actor.blind) {
            // For them it is not there (GEN-7).
            continue;
        }
        matters.push(MatterLine {
            number: matters.len() + 1,
            index,
            responsible: name(matter.responsible),
            resolved_by: matter.resolved_by.map(name),
            overdue: signed && matter.overdue(today),
            may_resolve: signed && matter.resolved_on.is_none() && (supervises || matter.responsible == actor.user.id),
            matter: matter.clone(),
        });
    }
    Ok(ScreeningView {
        due: screening_due(month, &calendar, rules.screening_by),
        drafted_by: record.as_ref().map(|r| name(r.drafted_by)),
        signed_by: record.as_ref().and_then(|r| r.signed_by).map(name),
        may_draft: may_draft(actor, &unit) && !signed,
        may_sign: may_sign(actor, &unit) && !signed && record.is_some(),
        staff: responsible_staff(state, &unit, &users).await?,
        record,
        matters,
        unit,
        month,
    })
}

/// The China instants a month begins and ends.
fn month_instants(month: DutyMonth) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let start = crate::cases::list::day_start("month", &month.first_day().to_string())?;
    let end = crate::cases::list::day_start("month", &month.next_first_day().to_string())?;
    Ok((start, end))
}

/// The most proposals of one kind listed.
const PROPOSALS_A_KIND: usize = 20;

/// What huiyin proposes to screen in the unit `code`'s subtree for `month` (TWN-13), counted as the
/// reader may see the cases (GEN-7).
pub async fn proposals(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<Vec<Proposal>> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = ended_month(month)?;
    let scope = state.store.unit_subtree(unit.id).await?;
    let (start, end) = month_instants(month)?;
    let counts = state.store.case_counts(&scope, &actor.blind, start, end).await?;
    let mut before = Vec::new();
    let mut earlier = month;
    for _ in 0..3 {
        earlier = earlier.previous();
        let (s, e) = month_instants(earlier)?;
        before.push(state.store.case_counts(&scope, &actor.blind, s, e).await?);
    }
    let period = MeasurePeriod { from: month.first_day(), to: month.next_first_day() - chrono::Days::new(1) };
    let received = vec![("unit", unit.code.clone()), ("from", period.from.to_string()), ("to", period.to.to_string())];
    let with = |key: &'static str, value: String| {
        let mut filter = received.clone();
        filter.push((key, value));
        filter
    };
    let mut out = Vec::new();
    let cases_of =
        |rows: &[(String, Count)]| -> Vec<(String, u64)> { rows.iter().map(|(k, c)| (k.clone(), c.cases)).collect() };
    // Hotspots by the top level of the content classes.
    let classes = state.classes().await;
    let class_name = |code: &str| classes.iter().find(|c| c.code == code).map_or(code.to_owned(), |c| c.name.clone());
    let now = cases_of(&fold_classes(&counts.by_class, 1));
    let earlier: Vec<Vec<(String, u64)>> = before.iter().map(|c| cases_of(&fold_classes(&c.by_class, 1))).collect();
    for rise in hotspots(&now, [&earlier[0], &earlier[1], &earlier[2]]).into_iter().take(PROPOSALS_A_KIND) {
        out.push(Proposal {
            kind: MatterKind::Hotspot,
            subject: format!("{}类信访上升", class_name(&rise.key)),
            detail: rise_detail(rise.now, rise.before_tenths),
            cases: Vec::new(),
            list: Some(with("category", rise.key.clone())),
        });
    }
    // Hotspots by the problem's place.
    let units: HashMap<i64, Unit> = state.store.units().await?.into_iter().map(|u| (u.id, u)).collect();
    let places = |c: &huiyin_store::CaseCounts| -> Vec<(String, u64)> {
        c.by_place.iter().filter_map(|(k, n)| k.map(|id| (id.to_string(), n.cases))).collect()
    };
    let now = places(&counts);
    let earlier: Vec<Vec<(String, u64)>> = before.iter().map(places).collect();
    for rise in hotspots(&now, [&earlier[0], &earlier[1], &earlier[2]]).into_iter().take(PROPOSALS_A_KIND) {
        let Some(place) = rise.key.parse::<i64>().ok().and_then(|id| units.get(&id)) else { continue };
        out.push(Proposal {
            kind: MatterKind::Hotspot,
            subject: format!("{}信访上升", place.name),
            detail: rise_detail(rise.now, rise.before_tenths),
            cases: Vec::new(),
            list: Some(with("place", place.code.clone())),
        });
    }
    // Petitioners with three or more cases in the 90 days to the month's end.
    let since = end - Duration::days(FREQUENT_DAYS);
    let frequent = state.store.frequent_petitioners(&scope, &actor.blind, since, end, FREQUENT_CASES as i64).await?;
    for p in frequent.into_iter().take(PROPOSALS_A_KIND) {
        out.push(Proposal {
            kind: MatterKind::Frequent,
            subject: format!("{}多次信访", masked_name(p.name.as_deref())),
            detail: format!("{FREQUENT_DAYS} 日内信访 {} 次", p.cases.len()),
            cases: p.cases,
            list: None,
        });
    }
    // Each collective petition and each skip-level visit of the month, as the case list shows them.
    let flagged = |flag: &str, reached: Option<&str>| crate::cases::list::ListParams {
        unit: Some(unit.code.clone()),
        from: Some(period.from.to_string()),
        to: Some(period.to.to_string()),
        flag: reached.is_none().then(|| flag.to_owned()),
        reached: reached.map(str::to_owned),
        sort: Some("received_at".into()),
        per_page: Some(PROPOSALS_A_KIND as u32),
        ..Default::default()
    };
    for (kind, params) in
        [(MatterKind::Collective, flagged("collective", None)), (MatterKind::SkipLevel, flagged("", Some("any")))]
    {
        for case in crate::cases::list::list_cases(state, actor, &params).await?.page.items {
            let class = case.category_path.rsplit(['/', '>', '›']).next().unwrap_or_default().trim().to_owned();
            let (subject, detail) = match kind {
                MatterKind::Collective => (format!("集体访:{class}"), format!("{} 人", case.headcount)),
                _ => (format!("越级访:{class}"), crate::views::day_zh(case.received_at)),
            };
            out.push(Proposal { kind, subject, detail, cases: vec![(case.id, case.case_number)], list: None });
        }
    }
    let tallies = crate::measures::tallies(state, &scope, &actor.blind, period).await?;
    let missed = |d: &huiyin_core::kpi::DeadlineTally| d.due.saturating_sub(d.on_time);
    let late = [
        (MeasureCode::TimelyAcceptance, missed(&tallies.acceptance), "未按期告知是否受理"),
        (MeasureCode::OnTimeClosure, missed(&tallies.closure), "未按期办结"),
    ];
    for (measure, n, what) in late {
        if n > 0 {
            out.push(Proposal {
                kind: MatterKind::Overdue,
                subject: format!("信访事项{what}"),
                detail: format!("本月 {n} 件"),
                cases: Vec::new(),
                list: Some(measure_cases(&unit.code, measure.code(), MeasurePart::Missed.code(), period)),
            });
        }
    }
    let displeased = [
        (MeasureCode::SatisfactionOffice, tallies.ratings_office.dissatisfied, "对信访部门不满意"),
        (MeasureCode::Satisfaction, tallies.ratings.dissatisfied, "对办理单位不满意"),
    ];
    for (measure, n, what) in displeased {
        if n > 0 {
            out.push(Proposal {
                kind: MatterKind::Dissatisfied,
                subject: format!("群众评价{what}"),
                detail: format!("本月 {n} 件"),
                cases: Vec::new(),
                list: Some(measure_cases(&unit.code, measure.code(), MeasurePart::Missed.code(), period)),
            });
        }
    }
    if crate::key_petitioners::keeps(actor) {
        let register = crate::key_petitioners::list(state, actor, Some(&unit.code)).await?;
        for person in register.into_iter().filter(|p| p.removed.is_none()).take(PROPOSALS_A_KIND) {
            out.push(Proposal {
                kind: MatterKind::KeyPetitioner,
                subject: format!("重点信访人{}", masked_name(Some(&person.name))),
                detail: person.reason.clone(),
                cases: Vec::new(),
                list: None,
            });
        }
    }
    Ok(out)
}

/// A petitioner as a proposal names them: the surname and stars (王**), the rest in the cases.
fn masked_name(name: Option<&str>) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => {
            let mut chars = name.chars();
            let first: String = chars.next().into_iter().collect();
            format!("{first}{}", "*".repeat(chars.count().max(1)))
        }
        None => "未留姓名的信访人".into(),
    }
}

/// `本月 6 件,前三个月平均 1.0 件`.
fn rise_detail(now: u64, before_tenths: u64) -> String {
    format!("本月 {now} 件,前三个月平均 {}.{} 件", before_tenths / 10, before_tenths % 10)
}

/// The most case numbers one draft looks up.
const CASES_A_DRAFT: usize = 1_000;

/// Saves the unit's draft screening of `month` (its drafters), as read at `draft.version` (none to
/// begin it): each matter checked on its field; its cases ones the drafter may read, registered or
/// held in the unit's subtree, and none accusing the unit, a unit above it or their staff (GEN-7:
/// the accused would read it); its responsible person one of [`responsible_staff`] outside the
/// reach of whom its cases accuse. The matters hidden from the drafter (回避) are kept as they are.
/// Its new version.
pub async fn save_draft(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month: &str,
    draft: &ScreeningDraft,
) -> AppResult<i64> {
    let current = screening(state, actor, code, month).await?;
    if !may_draft(actor, &current.unit) {
        return Err(AppError::Forbidden);
    }
    if current.signed() {
        return Err(FieldError::new("month", Invalid::NotAChoice { allowed: "尚未签发的排查".into() }).into());
    }
    let today = china_day(Utc::now());
    let (summary, parsed) = draft.parse(today)?;
    let tree = crate::tree::unit_tree(state).await?;
    let subtree = tree.subtree(current.unit.id);
    let mut errors = Vec::new();
    let mut matters = Vec::new();
    let mut looked_up = 0;
    for (i, matter) in parsed.into_iter().enumerate() {
        let field = format!("matters[{i}].cases");
        let mut cases: Vec<(i64, String)> = Vec::new();
        let (mut accused_units, mut accused_users, mut reach) = (Vec::new(), Vec::new(), Vec::new());
        for typed in &matter.cases {
            let not_a_case = |why: &str| {
                FieldError::new(field.clone(), Invalid::NotAChoice { allowed: format!("{why}({typed} 不是)") })
            };
            let Some(number) = huiyin_core::case::CaseNumber::parse(typed) else {
                errors.push(not_a_case("信访件编号,如 XS-2026-000001"));
                continue;
            };
            if cases.iter().any(|(_, n)| n == number.as_str()) {
                continue;
            }
            looked_up += 1;
            if looked_up > CASES_A_DRAFT {
                errors.push(FieldError::new(field.clone(), Invalid::OutOfRange { min: 0, max: CASES_A_DRAFT as i64 }));
                break;
            }
            let file = match state.store.case_id_by_number(number.as_str()).await? {
                Some(id) => crate::cases::case_file(state, actor, id).await.ok(),
                None => None,
            };
            let Some(file) = file.filter(|f| subtree.contains(&f.unit_id) || subtree.contains(&f.holding_unit_id))
            else {
                errors.push(not_a_case(&format!("{}及下级单位登记或办理、您可查阅的信访件", current.unit.name)));
                continue;
            };
            let accused = crate::key_petitioners::accused_reach(state, &file).await?;
            if accused.iter().any(|a| tree.within_reach(current.unit.id, *a)) {
                // The screening is read by the unit and those above: the accused among them.
                errors.push(not_a_case("不反映本单位、上级单位及其工作人员的信访件"));
                continue;
            }
            cases.push((file.id, number.as_str().to_owned()));
            accused_units.extend(file.accused_unit_id);
            accused_users.extend(file.accused_user_id);
            reach.extend(accused);
        }
        let field = format!("matters[{i}].responsible");
        let Some(person) = current.staff.iter().find(|u| u.username == matter.responsible.to_ascii_lowercase()) else {
            let allowed = format!("{}及上级单位的在职人员", current.unit.name);
            errors.push(FieldError::new(field, Invalid::NotAChoice { allowed }));
            continue;
        };
        let screened = ScreenedMatter {
            kind: matter.kind,
            subject: matter.subject,
            cases,
            accused_units,
            accused_users,
            responsible: person.id,
            measures: matter.measures,
            due: matter.due,
            resolved_on: None,
            resolution: None,
            resolved_by: None,
        };
        let blind = crate::actor::blindness_of(state.store.as_ref(), &tree, person).await?;
        if hidden(&screened, &blind) || reach.iter().any(|a| tree.within_reach(person.unit_id, *a)) {
            let allowed = "与所列信访件无利害关系的人员(被反映单位及其下级的人员不得负责)".to_owned();
            errors.push(FieldError::new(field, Invalid::NotAChoice { allowed }));
            continue;
        }
        matters.push(screened);
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    // What the drafter does not see stays as it is (GEN-7: they cannot know of it to keep it).
    if let Some(record) = &current.record {
        matters.extend(record.matters.iter().filter(|m| hidden(m, &actor.blind)).cloned());
    }
    let read = match (&current.record, draft.version) {
        (None, _) => None,
        (Some(r), Some(v)) if v == r.version => Some(v),
        // Written by someone else since the drafter read it.
        (Some(_), _) => return Err(StoreError::Conflict.into()),
    };
    let month_text = current.month.to_string();
    let version = state
        .store
        .save_screening(current.unit.id, &month_text, summary.as_deref(), &matters, read, actor.user.id, Utc::now())
        .await?;
    tracing::info!(unit = %current.unit.code, month = %month_text, version, "screening drafted");
    let after = json!({"month": month_text, "version": version});
    audit::record(state, actor, "screening.draft", Target::unit(&current.unit), None, Some(after)).await;
    Ok(version)
}

/// Signs the unit's screening of `month` off as read at `version` (a leader of it or above): fixed
/// from now, marked late after the unit's day, and reported to the unit above (its supervisors and
/// leaders are told).
pub async fn sign(state: &AppState, actor: &Actor, code: &str, month: &str, version: i64) -> AppResult<ScreeningView> {
    let current = screening(state, actor, code, month).await?;
    if !may_sign(actor, &current.unit) {
        return Err(AppError::Forbidden);
    }
    let Some(record) = current.record.as_ref().filter(|r| r.signed_at.is_none()) else {
        return Err(FieldError::new("month", Invalid::NotAChoice { allowed: "已起草、尚未签发的排查".into() }).into());
    };
    let now = Utc::now();
    let late = china_day(now) > current.due;
    if !state.store.sign_screening(record.id, version, actor.user.id, now, late).await? {
        return Err(StoreError::Conflict.into());
    }
    tracing::info!(unit = %current.unit.code, month = %current.month, late, "screening signed off");
    let after = json!({"month": current.month.to_string(), "late": late});
    audit::record(state, actor, "screening.sign", Target::unit(&current.unit), None, Some(after)).await;
    if let Some(parent) = current.unit.parent_id {
        let message = format!(
            "{}已上报{}年{}月信访隐患排查,请在“排查”中查阅。",
            current.unit.name, current.month.year, current.month.month
        );
        let notices: Vec<Notice> = state
            .store
            .unit_staff(parent, &[Role::Supervisor, Role::Leader])
            .await?
            .iter()
            .map(|u| Notice {
                user_id: u.id,
                case_id: None,
                kind: "screening_reported".into(),
                message: message.clone(),
            })
            .collect();
        let subject = format!("{}:{}", current.unit.id, current.month);
        state.store.tell_once("screening_reported", &subject, &notices, now).await?;
    }
    screening(state, actor, code, month).await
}

/// Records the matter numbered `number` (as the reader sees the list, from 1) of the unit's signed
/// screening of `month` resolved (化解), once: by its responsible person, or a supervisor or leader
/// whose scope holds the unit. Each resolution is written over the screening as it is then (two
/// people resolving two matters at once both land).
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month: &str,
    number: usize,
    resolution: Option<&str>,
) -> AppResult<ScreeningView> {
    for _ in 0..3 {
        let current = screening(state, actor, code, month).await?;
        let Some(line) = current.matters.iter().find(|m| m.number == number) else { return Err(AppError::NotFound) };
        if line.matter.resolved_on.is_some() {
            let allowed = "尚未化解的排查事项(本项已记录化解情况)".to_owned();
            return Err(FieldError::new("resolution", Invalid::NotAChoice { allowed }).into());
        }
        if !line.may_resolve {
            return Err(AppError::Forbidden);
        }
        let resolution = huiyin_core::text::required("resolution", resolution, huiyin_core::text::limits::NOTE)?;
        let Some(record) = current.record.as_ref() else { return Err(AppError::NotFound) };
        let mut matters = record.matters.clone();
        if let Some(m) = matters.get_mut(line.index) {
            m.resolved_on = Some(china_day(Utc::now()));
            m.resolution = Some(resolution);
            m.resolved_by = Some(actor.user.id);
        }
        if state.store.resolve_screening_matters(record.id, record.version, &matters).await? {
            let after = json!({"month": current.month.to_string()});
            audit::record(state, actor, "screening.resolve", Target::unit(&current.unit), None, Some(after)).await;
            return screening(state, actor, code, month).await;
        }
        // Someone else wrote the screening a moment before: read it again.
    }
    Err(StoreError::Conflict.into())
}

/// A unit's standing for a month, as the unit above sees it (上报).
#[derive(Debug, Clone)]
pub struct UnitStanding {
    pub unit: Unit,
    /// Not begun, drafted, or signed (with when and whether late).
    pub record: Option<ScreeningRecord>,
    /// Matters the reader may see, and of them those overdue.
    pub matters: usize,
    pub overdue: usize,
}

/// The unit `code` and the units directly below it, each with its screening of `month`: which
/// have screened and what (the unit above's view).
pub async fn standings(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<Vec<UnitStanding>> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = ended_month(month)?;
    let mut units: Vec<Unit> = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.parent_id == Some(unit.id) && u.closed_at.is_none() && actor.sees_unit(u.id))
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units.insert(0, unit);
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let mut records = state.store.screenings_of_month(&ids, &month.to_string()).await?;
    accused_now(state.store.as_ref(), &mut records).await?;
    let today = china_day(Utc::now());
    Ok(units
        .into_iter()
        .map(|unit| {
            let record = records.iter().find(|r| r.unit_id == unit.id).cloned();
            let seen: Vec<&ScreenedMatter> =
                record.iter().flat_map(|r| r.matters.iter()).filter(|m| !hidden(m, &actor.blind)).collect();
            let signed = record.as_ref().is_some_and(|r| r.signed_at.is_some());
            UnitStanding {
                matters: seen.len(),
                overdue: if signed { seen.iter().filter(|m| m.overdue(today)).count() } else { 0 },
                unit,
                record,
            }
        })
        .collect())
}

/// The screening as the tables of its XLSX and CSV, and of its printed form: the matters.
pub fn screening_table(view: &ScreeningView) -> crate::statistics::ReportTable {
    use crate::statistics::Cell;
    let headers = ["序号", "类别", "排查事项", "涉及信访件", "责任人", "化解措施", "化解时限", "化解情况"];
    crate::statistics::ReportTable {
        name: format!("{}年{}月排查", view.month.year, view.month.month),
        headers: headers.map(String::from).to_vec(),
        rows: view
            .matters
            .iter()
            .map(|m| {
                let state = match (&m.matter.resolution, m.matter.resolved_on) {
                    (Some(text), Some(on)) => format!("{on} 已化解:{text}"),
                    _ if m.overdue => "超期未化解".into(),
                    _ => "化解中".into(),
                };
                vec![
                    Cell::Count(m.number as u64),
                    Cell::Text(m.matter.kind.label_zh().into()),
                    Cell::Text(m.matter.subject.clone()),
                    Cell::Text(m.matter.cases.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、")),
                    Cell::Text(m.responsible.clone()),
                    Cell::Text(m.matter.measures.clone()),
                    Cell::Text(m.matter.due.to_string()),
                    Cell::Text(state),
                ]
            })
            .collect(),
    }
}

/// The signed screening as kept in writing (书面存档): a PDF under the unit's letterhead with its
/// matters, the leader who signed it and when. Readers as [`screening`]; a matter hidden from the
/// reader is not there (GEN-7).
pub async fn screening_pdf(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<(String, Vec<u8>)> {
    let view = screening(state, actor, code, month).await?;
    let Some(record) = view.record.as_ref().filter(|r| r.signed_at.is_some()) else { return Err(AppError::NotFound) };
    let signed_at = record.signed_at.unwrap_or(record.drafted_at);
    let issuer = crate::documents::issue::issuer_of(state, &view.unit).await?;
    let month_zh = format!("{}年{}月", view.month.year, view.month.month);
    let mut paragraphs = vec![format!(
        "根据信访工作制度,本单位对{month_zh}的信访情况和信访隐患进行了排查。排查事项 {} 项,逐项明确责任人、化解措施和化解时限,现存档备查并报上级。",
        view.matters.len()
    )];
    if let Some(summary) = &record.summary {
        paragraphs.push(format!("排查情况:{summary}"));
    }
    if view.matters.is_empty() {
        paragraphs.push("经排查,本月未发现需要专项化解的信访隐患。".into());
    }
    paragraphs.push(format!(
        "签发:{},{}。{}",
        view.signed_by.clone().unwrap_or_default(),
        crate::views::minute_zh(signed_at),
        if record.late { "(逾期签发)" } else { "" }
    ));
    let table = screening_table(&view);
    let rows = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .filter(|(i, _)| [0, 2, 4, 5, 6].contains(i))
                .map(|(_, c)| match c {
                    crate::statistics::Cell::Text(t) => t.clone(),
                    crate::statistics::Cell::Count(n) => n.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let letter = huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("{month_zh}信访隐患排查化解台账"),
        number: None,
        addressee: None,
        paragraphs,
        facts: Vec::new(),
        table: Some(huiyin_pdf::LetterTable {
            columns: ["序号", "排查事项", "责任人", "化解措施", "时限"].map(String::from).to_vec(),
            widths: vec![2, 6, 4, 7, 4],
            rows,
        }),
        signature: issuer.signature,
        issued_on: crate::views::day_zh(signed_at),
    };
    let ident = format!("screening-{}-{}", view.unit.code, view.month);
    let pdf = crate::documents::issue::typeset_off_thread(state, move |t| t.letter(&letter, &ident, signed_at)).await?;
    Ok((format!("信访隐患排查-{}-{}.pdf", view.unit.code, view.month), pdf))
}

/// TWN-13: tells each unit that has not signed off its screening of the month before by its day,
/// once: its supervisors and leaders (those of the unit above where it has none). A unit is judged
/// when it had active staff before that month began. How many units were told now.
pub async fn tell_unscreened(store: &dyn Store, calendar: &Calendar, now: DateTime<Utc>) -> AppResult<u64> {
    let today = china_day(now);
    let month = screened_month(today);
    let month_text = month.to_string();
    let (began, _) = month_instants(month)?;
    let staffed = store.units_staffed_before(began).await?;
    let units: Vec<Unit> =
        store.units().await?.into_iter().filter(|u| u.closed_at.is_none() && staffed.contains(&u.id)).collect();
    let subjects: Vec<String> = units.iter().map(|u| format!("{}:{month_text}", u.id)).collect();
    let already = store.told_already("screening_missed", &subjects).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let signed: Vec<i64> = store
        .screenings_of_month(&ids, &month_text)
        .await?
        .into_iter()
        .filter(|r| r.signed_at.is_some())
        .map(|r| r.unit_id)
        .collect();
    let mut told = 0;
    for unit in units {
        let subject = format!("{}:{month_text}", unit.id);
        if signed.contains(&unit.id) || already.contains(&subject) {
            continue;
        }
        let rules = store.limit_rules_for(unit.id).await?.unwrap_or_default();
        let due = screening_due(month, calendar, rules.screening_by);
        if today <= due {
            continue;
        }
        let recipients = crate::tree::overseers_of(store, &unit).await?;
        if recipients.is_empty() {
            continue;
        }
        let message = format!(
            "督办:{}{}年{}月的信访隐患排查最迟应于{}签发,至今尚未签发上报,请尽快排查并签发。",
            unit.name,
            month.year,
            month.month,
            crate::views::date_zh(due)
        );
        let notices: Vec<Notice> = recipients
            .iter()
            .map(|u| Notice { user_id: u.id, case_id: None, kind: "screening_missed".into(), message: message.clone() })
            .collect();
        if store.tell_once("screening_missed", &subject, &notices, now).await? {
            tracing::info!(unit = %unit.code, month = %month_text, "screening not signed off: supervisors told");
            told += 1;
        }
    }
    Ok(told)
}

/// TWN-13: supervision follows each matter of a signed screening like a case deadline, telling
/// each once: its person responsible when the deadline is near (the unit's `remind_before`); the
/// person and the unit's supervisors and leaders when it passed unresolved; the supervisors and
/// leaders of the unit above when it is overdue past the unit's `escalate_after`. Never someone from
/// whom a case of the matter is hidden, nor within the reach of whom it accuses (GEN-7). How many
/// were told now.
pub async fn follow_matters(store: &dyn Store, calendar: &Calendar, now: DateTime<Utc>) -> AppResult<u64> {
    let today = china_day(now);
    let since = followed_since(today);
    let mut rules: HashMap<i64, huiyin_core::limits::LimitRules> = HashMap::new();
    // (record, matter's index, what is told, subject)
    let mut due = Vec::new();
    let mut signed = store.signed_screenings_since(&since).await?;
    accused_now(store, &mut signed).await?;
    for record in signed {
        if let std::collections::hash_map::Entry::Vacant(slot) = rules.entry(record.unit_id) {
            slot.insert(store.limit_rules_for(record.unit_id).await?.unwrap_or_default());
        }
        let r = &rules[&record.unit_id];
        for (i, matter) in record.matters.iter().enumerate() {
            if matter.resolved_on.is_some() {
                continue;
            }
            let step = if huiyin_core::calendar::due_date(calendar, matter.due, r.escalate_after).date < today {
                Some(Step::Escalated)
            } else if matter.due < today {
                Some(Step::Overdue)
            } else if huiyin_core::calendar::due_date(calendar, today, r.remind_before).date >= matter.due {
                Some(Step::DueSoon)
            } else {
                None
            };
            if let Some(step) = step {
                let subject = format!("{}:{i}:{}", record.id, step.code());
                due.push((record.clone(), i, step, subject));
            }
        }
    }
    let subjects: Vec<String> = due.iter().map(|(.., s)| s.clone()).collect();
    let already = store.told_already("screening_matter", &subjects).await?;
    let tree = crate::tree::unit_tree_of(store).await?;
    let mut told = 0;
    for (record, i, step, subject) in due.into_iter().filter(|(.., s)| !already.contains(s)) {
        let matter = &record.matters[i];
        let Some(unit) = store.unit_by_id(record.unit_id).await? else { continue };
        let roles = [Role::Supervisor, Role::Leader];
        let mut recipients: Vec<User> = Vec::new();
        match step {
            Step::DueSoon => recipients.extend(store.user_by_id(matter.responsible).await?),
            Step::Overdue => {
                recipients.extend(store.user_by_id(matter.responsible).await?);
                recipients.extend(store.unit_staff(unit.id, &roles).await?);
            }
            Step::Escalated => {
                if let Some(parent) = unit.parent_id {
                    recipients.extend(store.unit_staff(parent, &roles).await?);
                }
            }
        }
        let month = DutyMonth::parse("month", &record.month)
            .map_or(record.month.clone(), |m| format!("{}年{}月", m.year, m.month));
        let message = match step {
            Step::DueSoon => format!(
                "{}{month}排查事项“{}”的化解时限为 {},请按时落实化解措施。",
                unit.name,
                matter.subject,
                crate::views::date_zh(matter.due)
            ),
            Step::Overdue => format!(
                "督办:{}{month}排查事项“{}”的化解时限 {} 已过,尚未化解,请抓紧落实化解措施。",
                unit.name,
                matter.subject,
                crate::views::date_zh(matter.due)
            ),
            Step::Escalated => format!(
                "督办升级:{}{month}排查事项“{}”自 {} 超期未化解,已报上级督办。",
                unit.name,
                matter.subject,
                crate::views::date_zh(matter.due)
            ),
        };
        let mut notices: Vec<Notice> = Vec::new();
        for person in recipients.into_iter().filter(|u| u.active) {
            if notices.iter().any(|n| n.user_id == person.id) {
                continue;
            }
            let blind = crate::actor::blindness_of(store, &tree, &person).await?;
            let reached = matter.accused_units.iter().any(|a| tree.within_reach(person.unit_id, *a));
            if !hidden(matter, &blind) && !reached {
                notices.push(Notice {
                    user_id: person.id,
                    case_id: None,
                    kind: format!("screening_{}", step.code()),
                    message: message.clone(),
                });
            }
        }
        told += u64::from(store.tell_once("screening_matter", &subject, &notices, now).await?);
    }
    Ok(told)
}

/// How far a screened matter's deadline has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    DueSoon,
    Overdue,
    Escalated,
}

impl Step {
    fn code(self) -> &'static str {
        match self {
            Step::DueSoon => "due_soon",
            Step::Overdue => "overdue",
            Step::Escalated => "escalated",
        }
    }
}

/// A unit that did not screen a month by its day, as the supervision run told it.
#[derive(Debug, Clone)]
pub struct MissedScreening {
    pub unit: Unit,
    pub month: DutyMonth,
    pub told_at: DateTime<Utc>,
    /// Signed since (late).
    pub signed_since: bool,
}

/// A matter past its deadline unresolved, for the 督办 page.
#[derive(Debug, Clone)]
pub struct OverdueMatter {
    pub unit: Unit,
    pub month: DutyMonth,
    pub index: usize,
    pub matter: ScreenedMatter,
    pub responsible: String,
}

/// The most lines of each list on the 督办 page.
const LISTED: usize = 500;

/// The 督办 page's screenings: the units of the actor's scope told in the last twelve months that
/// they had not screened (newest first), and the matters of their signed screenings overdue now
/// (those the actor may see, GEN-7).
pub async fn supervision(state: &AppState, actor: &Actor) -> AppResult<(Vec<MissedScreening>, Vec<OverdueMatter>)> {
    let units: HashMap<i64, Unit> = state.store.units().await?.into_iter().map(|u| (u.id, u)).collect();
    let mut missed = Vec::new();
    for (subject, told_at) in state.store.told_since("screening_missed", Utc::now() - Duration::days(366)).await? {
        if missed.len() >= LISTED {
            break;
        }
        let Some((unit_id, month)) = subject.split_once(':') else { continue };
        let (Ok(unit_id), Ok(month)) = (unit_id.parse::<i64>(), DutyMonth::parse("month", month)) else { continue };
        let Some(unit) = units.get(&unit_id).filter(|u| actor.sees_unit(u.id)).cloned() else { continue };
        let signed_since =
            state.store.screening(unit_id, &month.to_string()).await?.is_some_and(|r| r.signed_at.is_some());
        missed.push(MissedScreening { unit, month, told_at, signed_since });
    }
    let today = china_day(Utc::now());
    let since = followed_since(today);
    let users: HashMap<i64, User> = state.store.users().await?.into_iter().map(|u| (u.id, u)).collect();
    let mut overdue = Vec::new();
    let mut signed = state.store.signed_screenings_since(&since).await?;
    accused_now(state.store.as_ref(), &mut signed).await?;
    for record in signed {
        let Some(unit) = units.get(&record.unit_id).filter(|u| actor.sees_unit(u.id)) else { continue };
        let Ok(month) = DutyMonth::parse("month", &record.month) else { continue };
        for (index, matter) in record.matters.iter().enumerate() {
            if overdue.len() < LISTED && matter.overdue(today) && !hidden(matter, &actor.blind) {
                overdue.push(OverdueMatter {
                    unit: unit.clone(),
                    month,
                    index,
                    responsible: users
                        .get(&matter.responsible)
                        .map(crate::accounts::name_and_title)
                        .unwrap_or_default(),
                    matter: matter.clone(),
                });
            }
        }
    }
    overdue.sort_by_key(|m| m.matter.due);
    Ok((missed, overdue))
}
