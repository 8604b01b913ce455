//! 领导接访安排 (issue 19; TWN-7, TWN-8, TWN-9): a unit's month of leaders' reception days — each
//! day's leader or leaders (a joint reception), fixed place and hours — drafted, then published
//! (公示) as a locked version with its time and a PDF notice under the unit's letterhead for the
//! notice board; a change after publication is the next version, shown publicly as a change. The
//! public unit page shows this week and this month of the latest published version. A month not
//! published by the unit's deadline (its `reception_publish_by`-th working day) is told to the
//! unit's supervisors and leaders once, by the supervision run.
//!
//! Who: everyone whose scope holds the unit reads its months; its administrators and leaders (and
//! those of the units above) draft and publish them, as they arrange its duty rota. A receiving
//! leader is an active staff member of the unit or a unit above it whose rank (职级, on the staff
//! card) is the unit's `reception_min_rank` or above (TWN-7: 副科级 for a town).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use huiyin_core::calendar::Calendar;
use huiyin_core::duty::DutyMonth;
use huiyin_core::limits::china_day;
use huiyin_core::reception::{
    ArrangedDay, ArrangedLeader, DayChange, ReceptionMonthDraft, changes, publication_due, rank_level,
};
use huiyin_core::unit::{UnitKind, weekday_zh};
use huiyin_core::user::{Role, is_system_account};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{Notice, ReceptionMonthRecord, Store, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::documents::issue::typeset_off_thread;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A unit's month as staff read it.
#[derive(Debug, Clone)]
pub struct ReceptionMonth {
    pub unit: Unit,
    pub month: DutyMonth,
    /// The day by which the month must be published (TWN-9).
    pub due: NaiveDate,
    /// The published versions, oldest first.
    pub published: Vec<ReceptionMonthRecord>,
    /// The draft, when there is one.
    pub draft: Option<ReceptionMonthRecord>,
    /// Whether the reader may draft and publish it.
    pub may_arrange: bool,
    /// The leaders who may receive (for the pickers): of the unit first, then of the units above.
    pub leaders: Vec<User>,
    /// The unit's lowest rank for a receiving leader.
    pub min_rank: String,
    /// Login → name, for who drafted and published each version.
    pub people: Vec<User>,
}

impl ReceptionMonth {
    /// The version in force: the latest published.
    pub fn current(&self) -> Option<&ReceptionMonthRecord> {
        self.published.last()
    }

    /// What the version `version` changed against the one before it.
    pub fn changes_of(&self, version: i64) -> Vec<(NaiveDate, DayChange)> {
        let at = self.published.iter().position(|r| r.version == version);
        match at {
            Some(i) if i > 0 => changes(&self.published[i - 1].days, &self.published[i].days),
            _ => Vec::new(),
        }
    }

    /// The name of a staff member by id, for the versions' lines.
    pub fn name_of(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.people.iter().find(|u| u.id == id)).map(|u| u.display_name.clone()).unwrap_or_default()
    }
}

/// A receiving leader as a table or session keeps them: name, title and rank as they are now.
pub fn arranged_leader(u: &User) -> ArrangedLeader {
    ArrangedLeader {
        username: u.username.clone(),
        name: u.display_name.clone(),
        title: u.title.clone().unwrap_or_default(),
        rank: u.rank.clone().unwrap_or_default(),
    }
}

/// Whether the actor arranges `unit`'s reception: as for its duty rota, an administrator or a
/// leader whose scope holds it.
fn may_arrange(actor: &Actor, unit: &Unit) -> bool {
    (actor.user.role.can_administer() || actor.user.role == Role::Leader) && actor.sees_unit(unit.id)
}

/// The leaders who may receive at `unit`: active staff of it or of a unit above it, whose rank is
/// `min_rank` or above; the unit's own first.
async fn eligible_leaders(state: &AppState, unit: &Unit, min_rank: &str) -> AppResult<(Vec<User>, Vec<User>)> {
    let users = state.store.users().await?;
    let chain = crate::tree::unit_tree(state).await?.chain(unit.id);
    let floor = rank_level(min_rank).unwrap_or(0);
    let mut eligible: Vec<User> = users
        .iter()
        .filter(|u| u.active && !is_system_account(&u.username) && chain.contains(&u.unit_id))
        .filter(|u| u.rank.as_deref().and_then(rank_level).is_some_and(|r| r >= floor))
        .cloned()
        .collect();
    eligible.sort_by_key(|u| (chain.iter().position(|id| *id == u.unit_id), u.username.clone()));
    Ok((eligible, users))
}

/// The unit's month `month` (`YYYY-MM`): its versions, its draft and its deadline.
pub async fn month(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<ReceptionMonth> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = DutyMonth::parse("month", month)?;
    let rules = state.store.limit_rules_for(unit.id).await?.unwrap_or_default();
    let calendar = state.calendar().await;
    let mut versions = state.store.reception_months(unit.id, &month.to_string()).await?;
    let draft = versions.iter().position(|v| v.published_at.is_none()).map(|i| versions.remove(i));
    let (leaders, people) = eligible_leaders(state, &unit, &rules.reception_min_rank).await?;
    Ok(ReceptionMonth {
        may_arrange: may_arrange(actor, &unit),
        due: publication_due(month, &calendar, rules.reception_publish_by),
        unit,
        month,
        published: versions,
        draft,
        leaders,
        min_rank: rules.reception_min_rank,
        people,
    })
}

/// Saves the unit's draft of the month (its arrangers): every leader named may receive there
/// ([`eligible_leaders`]); a change of a published month says why (`change_note`). The leaders'
/// names, titles and ranks are fixed in the draft as they are now. Its version.
pub async fn save_draft(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month_text: &str,
    draft: &ReceptionMonthDraft,
) -> AppResult<i64> {
    let current = month(state, actor, code, month_text).await?;
    if !current.may_arrange {
        return Err(AppError::Forbidden);
    }
    let today = china_day(Utc::now());
    if current.month.next_first_day() <= today {
        let allowed = "本月或以后的月份(已过去的月份不再编排)".to_owned();
        return Err(FieldError::new("month", Invalid::NotAChoice { allowed }).into());
    }
    let (planned, note) = draft.parse(current.month)?;
    let mut errors = Vec::new();
    let mut days = Vec::new();
    for day in &planned {
        let mut leaders = Vec::new();
        for username in &day.leaders {
            match current.leaders.iter().find(|u| u.username == *username) {
                Some(u) => leaders.push(arranged_leader(u)),
                None => {
                    let field = format!("days[{}].leaders", day.index);
                    errors.push(leader_refusal(state, &current, &field, username).await?);
                }
            }
        }
        days.push(ArrangedDay {
            day: day.day,
            leaders,
            place: day.place.clone(),
            starts: day.starts.map(|t| t.format("%H:%M").to_string()),
            ends: day.ends.map(|t| t.format("%H:%M").to_string()),
        });
    }
    if !current.published.is_empty() && note.is_none() {
        errors.push(FieldError::new("change_note", Invalid::Required));
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let before = current.draft.as_ref().map(|d| json!({"version": d.version, "days": d.days.len()}));
    let version = state
        .store
        .save_reception_draft(
            current.unit.id,
            &current.month.to_string(),
            &days,
            note.as_deref(),
            actor.user.id,
            Utc::now(),
        )
        .await?;
    tracing::info!(unit = %current.unit.code, month = %current.month, version, "reception month drafted");
    let after = json!({"month": current.month.to_string(), "version": version, "days": days});
    audit::record(state, actor, "reception.draft", Target::unit(&current.unit), before, Some(after)).await;
    Ok(version)
}

/// Why `username` may not receive at the unit: no such active staff member of it or above, or a
/// rank below the unit's rule (TWN-7).
pub(crate) async fn leader_refusal(
    state: &AppState,
    current: &ReceptionMonth,
    field: &str,
    username: &str,
) -> AppResult<FieldError> {
    let user = state.store.user_by_username(username).await?;
    let chain = crate::tree::unit_tree(state).await?.chain(current.unit.id);
    Ok(match user.filter(|u| u.active && chain.contains(&u.unit_id) && !is_system_account(&u.username)) {
        Some(_) => FieldError::new(field, Invalid::RankBelow { required: current.min_rank.clone() }),
        None => FieldError::new(
            field,
            Invalid::NotAChoice { allowed: format!("{}或上级单位的在职领导", current.unit.name) },
        ),
    })
}

/// Publishes the draft of the month (its arrangers): locked from now on, with the time; marked
/// late when published after the month's deadline. The version published.
pub async fn publish(state: &AppState, actor: &Actor, code: &str, month_text: &str) -> AppResult<ReceptionMonthRecord> {
    let current = month(state, actor, code, month_text).await?;
    if !current.may_arrange {
        return Err(AppError::Forbidden);
    }
    if current.draft.as_ref().is_none_or(|d| d.days.is_empty()) {
        return Err(FieldError::new("draft", Invalid::Required).into());
    }
    let now = Utc::now();
    // Late is the month's first publication after its deadline; a later change is not late.
    let late = current.published.is_empty() && china_day(now) > current.due;
    let month = current.month.to_string();
    let Some(version) = state.store.publish_reception_draft(current.unit.id, &month, actor.user.id, now, late).await?
    else {
        // Someone published it a moment before.
        return Err(huiyin_store::StoreError::Conflict.into());
    };
    tracing::info!(unit = %current.unit.code, %month, version, late, "reception month published");
    let after = json!({"month": month, "version": version, "late": late});
    audit::record(state, actor, "reception.publish", Target::unit(&current.unit), None, Some(after)).await;
    let published = state.store.reception_months(current.unit.id, &month).await?;
    published.into_iter().find(|v| v.version == version).ok_or(AppError::NotFound)
}

/// Drops the draft of the month (its arrangers); the published versions stay.
pub async fn discard_draft(state: &AppState, actor: &Actor, code: &str, month_text: &str) -> AppResult<()> {
    let current = month(state, actor, code, month_text).await?;
    if !current.may_arrange {
        return Err(AppError::Forbidden);
    }
    if !state.store.discard_reception_draft(current.unit.id, &current.month.to_string()).await? {
        return Err(AppError::NotFound);
    }
    let before = json!({"month": current.month.to_string()});
    audit::record(state, actor, "reception.discard", Target::unit(&current.unit), Some(before), None).await;
    Ok(())
}

/// A day as the table prints it: `12月3日（周四）`.
pub fn day_label(day: NaiveDate) -> String {
    format!("{}月{}日（{}）", day.month(), day.day(), weekday_zh(day.weekday().number_from_monday() as u8))
}

/// The published notice (公示) of a version of the month, as PDF under the unit's letterhead:
/// the latest published when `version` is `None`. Readers as [`month`].
pub async fn notice_pdf(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month_text: &str,
    version: Option<i64>,
) -> AppResult<(String, Vec<u8>)> {
    let current = month(state, actor, code, month_text).await?;
    let record = match version {
        Some(v) => current.published.iter().find(|r| r.version == v),
        None => current.current(),
    }
    .ok_or(AppError::NotFound)?
    .clone();
    let issuer = crate::documents::issue::issuer_of(state, &current.unit).await?;
    let published_at = record.published_at.unwrap_or(record.drafted_at);
    let month_zh = format!("{}年{}月", current.month.year, current.month.month);
    let mut paragraphs = vec![format!(
        "根据《信访工作条例》和本单位信访工作制度,现将{month_zh}领导干部接访安排公示如下。接访当日,接访领导在接访地点面对面接待来访群众;\
         遇急事急访,由主要领导或分管领导随时接待。"
    )];
    if record.version > 1 {
        let changed: Vec<String> = current
            .changes_of(record.version)
            .into_iter()
            .map(|(day, change)| format!("{}{}", day_label(day), change.label_zh()))
            .collect();
        paragraphs.push(format!(
            "本安排为第 {} 版,于{}变更,原安排同时作废。变更说明:{}。变更的日期:{}。",
            record.version,
            crate::views::day_zh(published_at),
            record.change_note.clone().unwrap_or_default(),
            if changed.is_empty() { "无".into() } else { changed.join("、") }
        ));
    }
    if let Some(hotline) = crate::public::hotline(state, current.unit.id).await? {
        paragraphs.push(format!("信访接待电话:{hotline}。"));
    }
    let rows = record
        .days
        .iter()
        .map(|d| {
            let joint = if d.joint() { "（联合接访）" } else { "" };
            vec![day_label(d.day), format!("{}{joint}", d.leaders_text()), d.place.clone(), d.hours_text()]
        })
        .collect();
    let table = huiyin_pdf::LetterTable {
        columns: ["日期", "接访领导", "接访地点", "时间"].map(String::from).to_vec(),
        widths: vec![5, 7, 4, 4],
        rows,
    };
    let letter = huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("{month_zh}领导干部接访安排"),
        number: None,
        addressee: None,
        paragraphs,
        facts: Vec::new(),
        table: Some(table),
        signature: issuer.signature,
        issued_on: crate::views::day_zh(published_at),
    };
    let ident = format!("reception-{}-{}-v{}", current.unit.code, current.month, record.version);
    let pdf = typeset_off_thread(state, move |t| t.letter(&letter, &ident, published_at)).await?;
    Ok((format!("领导接访安排-{}-{}-第{}版.pdf", current.unit.code, current.month, record.version), pdf))
}

/// One day of the public table.
#[derive(Debug, Clone)]
pub struct PublicReceptionDay {
    pub day: ArrangedDay,
    /// Changed, or added, by the latest version (shown as a change).
    pub change: Option<DayChange>,
    pub this_week: bool,
}

/// A unit's month as the public sees it: the latest published version.
#[derive(Debug, Clone)]
pub struct PublicReceptionMonth {
    pub month: DutyMonth,
    pub version: i64,
    pub published_at: DateTime<Utc>,
    pub change_note: Option<String>,
    pub days: Vec<PublicReceptionDay>,
    /// Days the latest version took off the table.
    pub removed: Vec<NaiveDate>,
}

/// The published month of `unit_id` holding `today`, and this week's days (from the month, and from
/// the next month's table where the week runs into it).
pub async fn public_month(
    store: &dyn Store,
    unit_id: i64,
    today: NaiveDate,
) -> AppResult<(Option<PublicReceptionMonth>, Vec<ArrangedDay>)> {
    let this = DutyMonth::of(today);
    let shown = published_month(store, unit_id, this, today).await?;
    let mut week: Vec<ArrangedDay> =
        shown.iter().flat_map(|m| m.days.iter().filter(|d| d.this_week).map(|d| d.day.clone())).collect();
    // The week may begin in the month before or end in the month after.
    let monday = today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
    for other in [DutyMonth::of(monday), DutyMonth::of(monday + chrono::Days::new(6))] {
        if other != this
            && let Some(m) = published_month(store, unit_id, other, today).await?
        {
            week.extend(m.days.into_iter().filter(|d| d.this_week).map(|d| d.day));
        }
    }
    week.sort_by_key(|d| d.day);
    Ok((shown, week))
}

async fn published_month(
    store: &dyn Store,
    unit_id: i64,
    month: DutyMonth,
    today: NaiveDate,
) -> AppResult<Option<PublicReceptionMonth>> {
    let versions: Vec<ReceptionMonthRecord> = store
        .reception_months(unit_id, &month.to_string())
        .await?
        .into_iter()
        .filter(|v| v.published_at.is_some())
        .collect();
    let Some(latest) = versions.last() else { return Ok(None) };
    let told = match versions.len() {
        n if n > 1 => changes(&versions[n - 2].days, &latest.days),
        _ => Vec::new(),
    };
    Ok(Some(PublicReceptionMonth {
        month,
        version: latest.version,
        published_at: latest.published_at.unwrap_or(latest.drafted_at),
        change_note: latest.change_note.clone(),
        days: latest
            .days
            .iter()
            .map(|d| PublicReceptionDay {
                change: told.iter().find(|(day, _)| *day == d.day).map(|(_, c)| *c),
                this_week: huiyin_core::reception::same_week(d.day, today),
                day: d.clone(),
            })
            .collect(),
        removed: told.iter().filter(|(_, c)| *c == DayChange::Removed).map(|(d, _)| *d).collect(),
    }))
}

/// Whether a unit keeps a monthly table of leaders' reception days: a town or subdistrict (TWN-9),
/// or any unit that published one before.
fn keeps_monthly_table(unit: &Unit, keeping: &[i64]) -> bool {
    unit.closed_at.is_none()
        && (matches!(unit.kind, UnitKind::Town | UnitKind::Subdistrict) || keeping.contains(&unit.id))
}

/// TWN-9: tells the supervisors and leaders of each unit that keeps a monthly table, once, when
/// this month's table is not published by the unit's deadline (those of the unit above where the
/// unit has none). How many units were told now. Idempotent.
pub async fn tell_unpublished_months(store: &dyn Store, calendar: &Calendar, now: DateTime<Utc>) -> AppResult<u64> {
    let today = china_day(now);
    let month = DutyMonth::of(today);
    let month_text = month.to_string();
    let keeping = store.units_keeping_reception_months(&month_text).await?;
    let published = store.units_published_reception_month(&month_text).await?;
    let mut told = 0;
    for unit in store.units().await? {
        if !keeps_monthly_table(&unit, &keeping) || published.contains(&unit.id) {
            continue;
        }
        let rules = store.limit_rules_for(unit.id).await?.unwrap_or_default();
        let due = publication_due(month, calendar, rules.reception_publish_by);
        if today <= due {
            continue;
        }
        let recipients = crate::tree::overseers_of(store, &unit).await?;
        let message = format!(
            "督办:{}{}年{}月的领导干部接访安排最迟应于{}公示,至今尚未公示,请尽快安排并公示。",
            unit.name,
            month.year,
            month.month,
            crate::views::date_zh(due)
        );
        let notices: Vec<Notice> = recipients
            .iter()
            .map(|u| Notice {
                user_id: u.id,
                case_id: None,
                kind: "reception_unpublished".into(),
                message: message.clone(),
            })
            .collect();
        let subject = format!("{}:{month_text}", unit.id);
        if store.tell_once("reception_unpublished", &subject, &notices, now).await? {
            tracing::info!(unit = %unit.code, month = %month_text, "reception month not published: supervisors told");
            told += 1;
        }
    }
    Ok(told)
}
