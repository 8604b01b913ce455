//! The meetings of communities' bodies, their attendance and decisions.

use super::{DbRow, corrupt, on_violation};
use crate::Backend;
use chrono::{NaiveDate, NaiveTime};
use huiyin_core::community_body::{BodyKind, BodyRules};
use huiyin_core::meeting::{ConvenedBy, MatterSource};
use huiyin_store::prelude::*;
use huiyin_store::{
    Attendance, DecisionRecord, MatterRecord, MeetingRecord, NewDecision, NewMatter, NewMeeting, StoreError,
    StoreResult,
};
use sqlx::Row;

fn json_of<T: serde::de::DeserializeOwned>(raw: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(raw).map_err(|e| corrupt(format!("meeting {what}: {e}")))
}

fn meeting_from_row(row: &DbRow) -> StoreResult<MeetingRecord> {
    let body: String = row.try_get("body")?;
    let by: String = row.try_get("convened_by")?;
    let starts: Option<String> = row.try_get("starts")?;
    let (agenda, signers, rules): (String, String, String) =
        (row.try_get("agenda")?, row.try_get("signers")?, row.try_get("rules")?);
    let present: Option<String> = row.try_get("present")?;
    let attendance = match (present, row.try_get::<Option<i32>, _>("sitting")?) {
        (Some(present), Some(sitting)) => Some(Attendance {
            present: json_of(&present, "present")?,
            sitting: u32::try_from(sitting).map_err(|_| corrupt("meeting sitting"))?,
            quorate: row.try_get::<Option<bool>, _>("quorate")?.unwrap_or(false),
            recorded_by: row.try_get::<Option<i64>, _>("attendance_by")?.unwrap_or_default(),
            recorded_at: row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("attendance_at")?.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(MeetingRecord {
        id: row.try_get("id")?,
        meeting: NewMeeting {
            unit_id: row.try_get("unit_id")?,
            body: BodyKind::parse("body", &body).map_err(|_| corrupt(format!("meeting body {body}")))?,
            day: row.try_get("day")?,
            starts: starts
                .map(|s| NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| corrupt(format!("meeting time {s}"))))
                .transpose()?,
            place: row.try_get("place")?,
            agenda: json_of(&agenda, "agenda")?,
            convened_by: ConvenedBy::parse("convened_by", &by).map_err(|_| corrupt(format!("convened by {by}")))?,
            signers: json_of(&signers, "signers")?,
            rules: json_of::<BodyRules>(&rules, "rules")?,
            // Read from the matters themselves (`meeting_matters`).
            matters: Vec::new(),
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        },
        attendance,
    })
}

/// A `SELECT` of meetings followed by the given clause.
macro_rules! select_meetings {
    ($clause:literal) => {
        concat!(
            "SELECT id, unit_id, body, day, starts, place, agenda, convened_by, signers, rules, created_by, \
             created_at, present, sitting, quorate, attendance_by, attendance_at FROM meetings ",
            $clause
        )
    };
}

/// A `SELECT` of decisions followed by the given clause.
macro_rules! select_decisions {
    ($clause:literal) => {
        concat!(
            "SELECT id, meeting_id, item, text, votes_for, votes_against, abstentions, passed, recorded_by, \
             recorded_at FROM meeting_decisions ",
            $clause
        )
    };
}

fn decision_from_row(row: &DbRow) -> StoreResult<DecisionRecord> {
    Ok(DecisionRecord {
        id: row.try_get("id")?,
        decision: NewDecision {
            meeting_id: row.try_get("meeting_id")?,
            item: row.try_get("item")?,
            text: row.try_get("text")?,
            votes_for: row.try_get("votes_for")?,
            votes_against: row.try_get("votes_against")?,
            abstentions: row.try_get("abstentions")?,
            passed: row.try_get("passed")?,
            recorded_by: row.try_get("recorded_by")?,
            recorded_at: row.try_get("recorded_at")?,
        },
    })
}

/// A `SELECT` of matters followed by the given clause.
macro_rules! select_matters {
    ($clause:literal) => {
        concat!(
            "SELECT id, unit_id, body, subject, reason, source, raised_by_name, case_id, raised_by, raised_at, \
             meeting_id, item FROM meeting_matters ",
            $clause
        )
    };
}

fn matter_from_row(row: &DbRow) -> StoreResult<MatterRecord> {
    let body: String = row.try_get("body")?;
    let source: String = row.try_get("source")?;
    let placed = match (row.try_get::<Option<i64>, _>("meeting_id")?, row.try_get::<Option<i32>, _>("item")?) {
        (Some(meeting), Some(item)) => Some((meeting, item)),
        _ => None,
    };
    Ok(MatterRecord {
        id: row.try_get("id")?,
        matter: NewMatter {
            unit_id: row.try_get("unit_id")?,
            body: BodyKind::parse("body", &body).map_err(|_| corrupt(format!("matter body {body}")))?,
            subject: row.try_get("subject")?,
            reason: row.try_get("reason")?,
            source: MatterSource::from_code(&source).ok_or_else(|| corrupt(format!("matter source {source}")))?,
            raised_by_name: row.try_get("raised_by_name")?,
            case_id: row.try_get("case_id")?,
            raised_by: row.try_get("raised_by")?,
            raised_at: row.try_get("raised_at")?,
        },
        placed,
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| corrupt(format!("meeting field: {e}")))
}

#[async_trait::async_trait]
impl MeetingStore for Backend {
    async fn add_meeting(&self, m: &NewMeeting) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (unit_id, body, day, starts, place, agenda, convened_by, signers, rules, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(m.unit_id)
        .bind(m.body.code())
        .bind(m.day)
        .bind(m.starts.map(|t| t.format("%H:%M").to_string()))
        .bind(&m.place)
        .bind(to_json(&m.agenda)?)
        .bind(m.convened_by.code())
        .bind(to_json(&m.signers)?)
        .bind(to_json(&m.rules)?)
        .bind(m.created_by)
        .bind(m.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "id", "unit"))?;
        let first = m.agenda.len().saturating_sub(m.matters.len());
        for (i, matter) in m.matters.iter().enumerate() {
            let item = i32::try_from(first + i).map_err(|_| corrupt("agenda item out of range"))?;
            let placed = sqlx::query(
                "UPDATE meeting_matters SET meeting_id = $1, item = $2 \
                 WHERE id = $3 AND unit_id = $4 AND body = $5 \
                 AND (meeting_id IS NULL OR meeting_id IN (SELECT m.id FROM meetings m WHERE m.quorate = FALSE))",
            )
            .bind(id)
            .bind(item)
            .bind(matter)
            .bind(m.unit_id)
            .bind(m.body.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if placed != 1 {
                // Put on another meeting's agenda meanwhile (one held without a quorum lets it go),
                // or never this body's: nothing is written.
                return Err(StoreError::Conflict);
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn meeting(&self, id: i64) -> StoreResult<Option<MeetingRecord>> {
        let row = sqlx::query(select_meetings!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(meeting_from_row).transpose()
    }

    async fn meetings(&self, unit_id: i64, from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<MeetingRecord>> {
        let rows = sqlx::query(select_meetings!("WHERE unit_id = $1 AND day >= $2 AND day < $3 ORDER BY day, id"))
            .bind(unit_id)
            .bind(from)
            .bind(before)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(meeting_from_row).collect()
    }

    async fn record_attendance(&self, meeting_id: i64, a: &Attendance) -> StoreResult<bool> {
        let sitting = i32::try_from(a.sitting).map_err(|_| corrupt("sitting out of range"))?;
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE meetings SET present = $1, sitting = $2, quorate = $3, attendance_by = $4, \
                     attendance_at = $5 WHERE id = $6 AND present IS NULL",
                )
                .bind(to_json(&a.present)?)
                .bind(sitting)
                .bind(a.quorate)
                .bind(a.recorded_by)
                .bind(a.recorded_at)
                .bind(meeting_id),
            )
            .await?;
        Ok(done == 1)
    }

    async fn add_decision(&self, d: &NewDecision) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meeting_decisions (meeting_id, item, text, votes_for, votes_against, abstentions, passed, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(d.meeting_id)
        .bind(d.item)
        .bind(&d.text)
        .bind(d.votes_for)
        .bind(d.votes_against)
        .bind(d.abstentions)
        .bind(d.passed)
        .bind(d.recorded_by)
        .bind(d.recorded_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "item", "meeting"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn decisions(&self, meeting_id: i64) -> StoreResult<Vec<DecisionRecord>> {
        let rows = sqlx::query(select_decisions!("WHERE meeting_id = $1 ORDER BY item"))
            .bind(meeting_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(decision_from_row).collect()
    }

    async fn decision(&self, id: i64) -> StoreResult<Option<DecisionRecord>> {
        let row = sqlx::query(select_decisions!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(decision_from_row).transpose()
    }

    async fn add_matter(&self, m: &NewMatter) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meeting_matters (unit_id, body, subject, reason, source, raised_by_name, case_id, raised_by, \
             raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(m.unit_id)
        .bind(m.body.code())
        .bind(&m.subject)
        .bind(&m.reason)
        .bind(m.source.code())
        .bind(&m.raised_by_name)
        .bind(m.case_id)
        .bind(m.raised_by)
        .bind(m.raised_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "case", "unit"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn matter(&self, id: i64) -> StoreResult<Option<MatterRecord>> {
        let row = sqlx::query(select_matters!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(matter_from_row).transpose()
    }

    async fn matters(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<MatterRecord>> {
        let rows = sqlx::query(select_matters!(
            "WHERE unit_id = $1 ORDER BY (meeting_id IS NULL) DESC, raised_at DESC, id DESC LIMIT $2"
        ))
        .bind(unit_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(matter_from_row).collect()
    }

    async fn case_matters(&self, case_id: i64) -> StoreResult<Vec<MatterRecord>> {
        let rows = sqlx::query(select_matters!("WHERE case_id = $1 ORDER BY raised_at, id"))
            .bind(case_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(matter_from_row).collect()
    }

    async fn meeting_matters(&self, meeting_id: i64) -> StoreResult<Vec<MatterRecord>> {
        let rows = sqlx::query(select_matters!("WHERE meeting_id = $1 ORDER BY item"))
            .bind(meeting_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(matter_from_row).collect()
    }
}
