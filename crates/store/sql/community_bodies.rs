//! The bodies of communities: their own rules and their members.

use super::{DbRow, corrupt, on_violation};
use crate::Backend;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::community_body::{BodyKind, BodyRules, MemberRole, Share};
use huiyin_store::prelude::*;
use huiyin_store::{BodyMemberRecord, NewBodyMember, StoreResult};
use sqlx::Row;

fn share(raw: &str) -> StoreResult<Share> {
    Share::parse("share", raw).map_err(|_| corrupt(format!("share {raw}")))
}

fn member_from_row(row: &DbRow) -> StoreResult<BodyMemberRecord> {
    let body: String = row.try_get("body")?;
    let role: String = row.try_get("role")?;
    Ok(BodyMemberRecord {
        id: row.try_get("id")?,
        member: NewBodyMember {
            unit_id: row.try_get("unit_id")?,
            body: BodyKind::parse("body", &body).map_err(|_| corrupt(format!("body {body}")))?,
            name: row.try_get("name")?,
            role: MemberRole::parse("role", &role).map_err(|_| corrupt(format!("member role {role}")))?,
            represents: row.try_get("represents")?,
            term_from: row.try_get("term_from")?,
            term_to: row.try_get("term_to")?,
            added_by: row.try_get("added_by")?,
            added_at: row.try_get("added_at")?,
        },
        left_on: row.try_get("left_on")?,
        left_reason: row.try_get("left_reason")?,
    })
}

/// A `SELECT` of members followed by the given clause.
macro_rules! select_members {
    ($clause:literal) => {
        concat!(
            "SELECT id, unit_id, body, name, role, represents, term_from, term_to, added_by, added_at, left_on, \
             left_reason FROM body_members ",
            $clause
        )
    };
}

#[async_trait::async_trait]
impl CommunityBodyStore for Backend {
    async fn body_rules(&self, unit_id: i64, body: BodyKind) -> StoreResult<Option<BodyRules>> {
        let row = sqlx::query(
            "SELECT quorum, majority, notice_days, convene_share FROM body_rules WHERE unit_id = $1 AND body = $2",
        )
        .bind(unit_id)
        .bind(body.code())
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (quorum, majority): (String, String) = (row.try_get("quorum")?, row.try_get("majority")?);
        let convene: Option<String> = row.try_get("convene_share")?;
        let notice_days: i32 = row.try_get("notice_days")?;
        Ok(Some(BodyRules {
            quorum: share(&quorum)?,
            majority: share(&majority)?,
            notice_days: u32::try_from(notice_days).map_err(|_| corrupt(format!("notice days {notice_days}")))?,
            convene_share: convene.as_deref().map(share).transpose()?,
        }))
    }

    async fn set_body_rules(
        &self,
        unit_id: i64,
        body: BodyKind,
        rules: &BodyRules,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let notice_days = i32::try_from(rules.notice_days).map_err(|_| corrupt("notice days out of range"))?;
        self.write_alone(
            sqlx::query(
                "INSERT INTO body_rules (unit_id, body, quorum, majority, notice_days, convene_share, set_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, body) DO UPDATE SET \
                 quorum = excluded.quorum, majority = excluded.majority, notice_days = excluded.notice_days, \
                 convene_share = excluded.convene_share, set_at = excluded.set_at",
            )
            .bind(unit_id)
            .bind(body.code())
            .bind(rules.quorum.code())
            .bind(rules.majority.code())
            .bind(notice_days)
            .bind(rules.convene_share.map(Share::code))
            .bind(at),
        )
        .await?;
        Ok(())
    }

    async fn add_body_member(&self, m: &NewBodyMember) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO body_members (unit_id, body, name, role, represents, term_from, term_to, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(m.unit_id)
        .bind(m.body.code())
        .bind(&m.name)
        .bind(m.role.code())
        .bind(&m.represents)
        .bind(m.term_from)
        .bind(m.term_to)
        .bind(m.added_by)
        .bind(m.added_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "role", "unit"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn body_member(&self, id: i64) -> StoreResult<Option<BodyMemberRecord>> {
        let row = sqlx::query(select_members!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(member_from_row).transpose()
    }

    async fn body_members(&self, unit_id: i64) -> StoreResult<Vec<BodyMemberRecord>> {
        let rows = sqlx::query(select_members!(
            "WHERE unit_id = $1 ORDER BY body, (left_on IS NULL) DESC, \
             CASE role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, name, id"
        ))
        .bind(unit_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn end_body_member(&self, id: i64, on: NaiveDate, reason: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query("UPDATE body_members SET left_on = $1, left_reason = $2 WHERE id = $3 AND left_on IS NULL")
                    .bind(on)
                    .bind(reason)
                    .bind(id),
            )
            .await?;
        Ok(done == 1)
    }
}
