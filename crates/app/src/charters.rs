//! 社区自治章程和公约 (issue 20, DEM-1: “依法制定社区自治章程和公约,严格按照程序修改”): a community's
//! charter (one) and its conventions, each adopted with its first version and amended only as a new
//! numbered version that names the meeting and decision that adopted it; any two versions compared.
//!
//! Who: the community's administrators and leaders and those of the units above it keep them;
//! everyone whose scope holds the community reads them; the public reads them on the portal (the
//! text is the community's own published rule, DEM-6) — a document names no resident. Only a
//! community (社区) keeps them. Every adoption and amendment is on the audit log.

use chrono::{NaiveDate, Utc};
use huiyin_core::charter::{CharterDraft, CharterVersionDraft, DiffLine, diff};
use huiyin_core::community_body::BodyKind;
use huiyin_core::limits::china_day;
use huiyin_core::unit::UnitKind;
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{CharterRecord, CharterVersionRecord, NewCharter, NewCharterVersion, StoreError, Unit};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A document with all its versions, the first first (the last is in force).
#[derive(Debug, Clone)]
pub struct CharterDetail {
    pub record: CharterRecord,
    pub unit: Unit,
    pub versions: Vec<CharterVersionRecord>,
}

impl CharterDetail {
    /// The version in force.
    pub fn current(&self) -> Option<&CharterVersionRecord> {
        self.versions.last()
    }

    /// Version `n`, if the document has it.
    pub fn version(&self, n: i32) -> Option<&CharterVersionRecord> {
        self.versions.iter().find(|v| v.version == n)
    }
}

/// Keeps a community's documents (and its bodies, `community_bodies`): its administrators and
/// leaders, and those above.
pub fn keeps(actor: &Actor, unit: &Unit) -> bool {
    matches!(actor.user.role, Role::Admin | Role::Leader) && actor.sees_unit(unit.id)
}

/// Refuses a unit that is not an open community: only a community keeps a charter and the three
/// bodies (DEM-2).
pub fn refuse_not_community(unit: &Unit) -> AppResult<()> {
    crate::units::refuse_closed(unit)?;
    if unit.kind != UnitKind::Community {
        return Err(FieldError::new("unit", Invalid::NotAChoice { allowed: "社区(居民委员会)".into() }).into());
    }
    Ok(())
}

/// Adopts a document of the community `code` with its first version.
pub async fn adopt(state: &AppState, actor: &Actor, code: &str, draft: &CharterDraft) -> AppResult<CharterDetail> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !keeps(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&unit)?;
    let fields = draft.parse(china_day(Utc::now()))?;
    let existing = state.store.charters(unit.id).await?;
    if fields.kind == huiyin_core::charter::CharterKind::Charter
        && existing.iter().any(|c| c.charter.kind == fields.kind)
    {
        let allowed = "convention(居民公约):本社区已有自治章程,修改请在章程页面登记新版本".into();
        return Err(FieldError::new("kind", Invalid::NotAChoice { allowed }).into());
    }
    // One document of a name (a form sent twice adopts it once).
    if existing.iter().any(|c| c.charter.title == fields.title) {
        return Err(FieldError::new("name", Invalid::AlreadyExists).into());
    }
    let charter = NewCharter { unit_id: unit.id, kind: fields.kind, title: fields.title };
    let id = match state.store.add_charter(&charter, &new_version(actor, fields.version)).await {
        Err(StoreError::Duplicate("title")) => return Err(FieldError::new("name", Invalid::AlreadyExists).into()),
        other => other?,
    };
    let after = json!({ "charter": id, "version": 1 });
    audit::record(state, actor, "charter.adopt", Target::unit(&unit), None, Some(after)).await;
    detail(state, state.store.charter(id).await?.ok_or(AppError::NotFound)?).await
}

/// Amends a document: its next version, after the one the amender read (`after_version`, required:
/// a newer one since is refused, 409, so that no amendment silently undoes another), with a text
/// that differs from the one in force, adopted no earlier than it.
pub async fn amend(
    state: &AppState,
    actor: &Actor,
    id: i64,
    after_version: Option<i32>,
    decision_id: Option<i64>,
    draft: &CharterVersionDraft,
) -> AppResult<CharterDetail> {
    let before = charter(state, actor, id).await?;
    if !keeps(actor, &before.unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&before.unit)?;
    let mut draft = draft.clone();
    if let Some(decision_id) = decision_id {
        // The decision says when and by what the amendment was adopted: it is recorded as it says.
        let (day, adopted_by) = adopting_decision(state, &before.unit, decision_id).await?;
        draft.adopted_on = Some(day.to_string());
        draft.adopted_by = Some(adopted_by);
    }
    let mut fields = draft.parse(china_day(Utc::now()))?;
    fields.decision_id = decision_id;
    let current = before.current().ok_or(AppError::NotFound)?;
    let after = after_version.ok_or_else(|| AppError::from(FieldError::new("after_version", Invalid::Required)))?;
    // Made to a version no longer in force: someone amended it since the amender read it.
    if after != current.version {
        return Err(StoreError::Conflict.into());
    }
    if fields.text == current.text.text {
        return Err(FieldError::new("text", Invalid::Unchanged).into());
    }
    if fields.adopted_on < current.text.adopted_on {
        let what = format!("现行第 {} 版的通过日期({})", current.version, current.text.adopted_on);
        return Err(FieldError::new("adopted_on", Invalid::NotBefore { what }).into());
    }
    let version = state.store.amend_charter(id, after, &new_version(actor, fields)).await?;
    let logged = json!({ "charter": id, "version": version });
    audit::record(state, actor, "charter.amend", Target::unit(&before.unit), None, Some(logged)).await;
    charter(state, actor, id).await
}

/// The decisions that may adopt an amendment of a document of `unit` (the picker of the amendment
/// form): every decision passed by its congress, the newest meeting first, as each is cited.
pub async fn adopting_decisions(state: &AppState, unit: &Unit) -> AppResult<Vec<(i64, String)>> {
    let today = china_day(Utc::now());
    let from = NaiveDate::from_ymd_opt(FIRST_MEETINGS, 1, 1).unwrap_or(today);
    let mut out = Vec::new();
    for meeting in state.store.meetings(unit.id, from, today + chrono::Duration::days(1)).await?.into_iter().rev() {
        let m = &meeting.meeting;
        if m.body != BodyKind::Congress {
            continue;
        }
        for d in state.store.decisions(meeting.id).await?.into_iter().filter(|d| d.decision.passed) {
            let cited = format!(
                "{}{}第{}项决定:{}",
                crate::views::date_zh(m.day),
                m.body.label_zh(),
                d.decision.item + 1,
                crate::views::excerpt(&d.decision.text, 40)
            );
            out.push((d.id, cited));
        }
    }
    Ok(out)
}

/// The first year meetings are looked for (the organisation law's year).
const FIRST_MEETINGS: i32 = 1989;

/// The decision that adopts an amendment (DEM-1: amended only by procedure): a decision passed by
/// a congress of the same community, recorded here; its meeting's day and how it is cited.
async fn adopting_decision(state: &AppState, unit: &Unit, decision_id: i64) -> AppResult<(NaiveDate, String)> {
    let refused = || {
        let allowed = "本社区居民代表大会已表决通过的决定".into();
        AppError::from(FieldError::new("decision_id", Invalid::NotAChoice { allowed }))
    };
    let decision = state.store.decision(decision_id).await?.ok_or_else(refused)?;
    let meeting = state.store.meeting(decision.decision.meeting_id).await?.ok_or_else(refused)?;
    let m = &meeting.meeting;
    if m.unit_id != unit.id || m.body != BodyKind::Congress || !decision.decision.passed {
        return Err(refused());
    }
    Ok((m.day, format!("{}{}第{}项决定", crate::views::date_zh(m.day), m.body.label_zh(), decision.decision.item + 1)))
}

fn new_version(actor: &Actor, fields: huiyin_core::charter::CharterVersionFields) -> NewCharterVersion {
    NewCharterVersion {
        text: fields.text,
        adopted_on: fields.adopted_on,
        adopted_by: fields.adopted_by,
        decision_id: fields.decision_id,
        note: fields.note,
        recorded_by: actor.user.id,
        recorded_at: Utc::now(),
    }
}

/// The documents of the community `code` (of the actor's scope), with their versions.
pub async fn charters(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Vec<CharterDetail>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    let mut out = Vec::new();
    for record in state.store.charters(unit.id).await? {
        out.push(detail(state, record).await?);
    }
    Ok((unit, out))
}

/// One document of a community of the actor's scope (else 404).
pub async fn charter(state: &AppState, actor: &Actor, id: i64) -> AppResult<CharterDetail> {
    let record = state.store.charter(id).await?.ok_or(AppError::NotFound)?;
    if !actor.sees_unit(record.charter.unit_id) {
        return Err(AppError::NotFound);
    }
    detail(state, record).await
}

/// The difference between two versions of a document, line by line (DEM-1); by default the one
/// before the version in force and that version.
pub fn compare(detail: &CharterDetail, from: Option<i32>, to: Option<i32>) -> AppResult<(i32, i32, Vec<DiffLine>)> {
    let latest = detail.current().map_or(1, |v| v.version);
    let to = to.unwrap_or(latest);
    let from = from.unwrap_or(to.saturating_sub(1).max(1));
    let pick = |field: &str, n: i32| {
        detail.version(n).ok_or_else(|| {
            let allowed = format!("1 至 {latest}");
            AppError::from(FieldError::new(field, Invalid::NotAChoice { allowed }))
        })
    };
    let (older, newer) = (pick("from", from)?, pick("to", to)?);
    Ok((from, to, diff(&older.text.text, &newer.text.text)))
}

/// The documents of a unit as the public reads them (DEM-6): an open community's, with their
/// versions; a closed unit, or one of another kind, shows none.
pub async fn public_charters(state: &AppState, unit: &Unit) -> AppResult<Vec<CharterDetail>> {
    if unit.closed_at.is_some() || unit.kind != UnitKind::Community {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for record in state.store.charters(unit.id).await? {
        out.push(detail(state, record).await?);
    }
    Ok(out)
}

/// One document as the public reads it: of an open unit.
pub async fn public_charter(state: &AppState, id: i64) -> AppResult<CharterDetail> {
    let record = state.store.charter(id).await?.ok_or(AppError::NotFound)?;
    let unit = state.store.unit_by_id(record.charter.unit_id).await?.ok_or(AppError::NotFound)?;
    if unit.closed_at.is_some() {
        return Err(AppError::NotFound);
    }
    detail(state, record).await
}

async fn detail(state: &AppState, record: CharterRecord) -> AppResult<CharterDetail> {
    let unit = state.store.unit_by_id(record.charter.unit_id).await?.ok_or(AppError::NotFound)?;
    let versions = state.store.charter_versions(record.id).await?;
    if versions.is_empty() {
        return Err(StoreError::Corrupt(format!("charter {} has no version", record.id)).into());
    }
    Ok(CharterDetail { record, unit, versions })
}
