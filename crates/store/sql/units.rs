//! The units of the tree and what each keeps of itself.

use super::{DbRow, corrupt, on_violation};
use crate::{Backend, fulltext};
use chrono::{DateTime, Utc};
use huiyin_core::unit::UnitKind;
use huiyin_store::prelude::*;
use huiyin_store::{DocumentStyle, FormerName, HeldCase, NewUnit, StoreError, StoreResult, Unit, UnitPublicInfo};
use sqlx::Row;
use sqlx::types::Json;

fn unit_from_row(row: &DbRow) -> StoreResult<Unit> {
    let kind: String = row.try_get("kind")?;
    Ok(Unit {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: UnitKind::parse("kind", &kind).map_err(corrupt)?,
        parent_id: row.try_get("parent_id")?,
        closed_at: row.try_get("closed_at")?,
    })
}

impl Backend {
    /// Runs one `UPDATE units … RETURNING` the unit's columns in a transaction of its own;
    /// [`StoreError::NotFound`] when no unit has the id.
    async fn update_unit(&self, update: super::DbQuery<'_>) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        let row = update.fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        let unit = unit_from_row(&row)?;
        tx.commit().await?;
        Ok(unit)
    }
}

#[async_trait::async_trait]
impl UnitStore for Backend {
    async fn add_unit(&self, unit: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        let parent_id: Option<i64> = match &unit.parent {
            None => None,
            Some(code) => Some(
                sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                    .bind(code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::UnknownReference("parent"))?,
            ),
        };
        let row = sqlx::query(
            "INSERT INTO units (code, name, kind, parent_id) VALUES ($1, $2, $3, $4) \
             RETURNING id, code, name, kind, parent_id, closed_at",
        )
        .bind(unit.code.as_str())
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(parent_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "code", "parent"))?;
        let unit = unit_from_row(&row)?;
        // A unit's name is a word of search.
        super::settings::bump_setting_version(&mut tx, super::settings::DICTIONARY).await?;
        tx.commit().await?;
        Ok(unit)
    }

    async fn rename_unit(&self, unit_id: i64, name: &str, at: DateTime<Utc>) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        let was: String = sqlx::query_scalar("SELECT name FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if was != name {
            sqlx::query(
                "INSERT INTO unit_former_names (unit_id, name, until) VALUES ($1, $2, $3) \
                 ON CONFLICT (unit_id, name) DO UPDATE SET until = excluded.until",
            )
            .bind(unit_id)
            .bind(&was)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM unit_former_names WHERE unit_id = $1 AND name = $2")
                .bind(unit_id)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        let row = sqlx::query(
            "UPDATE units SET name = $1 WHERE id = $2 RETURNING id, code, name, kind, parent_id, closed_at",
        )
        .bind(name)
        .bind(unit_id)
        .fetch_one(&mut *tx)
        .await?;
        let unit = unit_from_row(&row)?;
        super::settings::bump_setting_version(&mut tx, super::settings::DICTIONARY).await?;
        tx.commit().await?;
        Ok(unit)
    }

    async fn unit_former_names(&self) -> StoreResult<Vec<FormerName>> {
        let rows = sqlx::query("SELECT unit_id, name, until FROM unit_former_names ORDER BY until DESC, unit_id, name")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FormerName { unit_id: r.try_get("unit_id")?, name: r.try_get("name")?, until: r.try_get("until")? })
            })
            .collect()
    }

    async fn set_unit_kind(&self, unit_id: i64, kind: huiyin_core::unit::UnitKind) -> StoreResult<Unit> {
        self.update_unit(
            sqlx::query(
                "UPDATE units SET kind = $1 WHERE id = $2 RETURNING id, code, name, kind, parent_id, closed_at",
            )
            .bind(kind.code())
            .bind(unit_id),
        )
        .await
    }

    async fn move_unit(&self, unit_id: i64, parent_id: i64) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        fulltext::lock_tree(&mut tx).await?;
        let subtree: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = $1 \
             UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub ORDER BY id",
        )
        .bind(unit_id)
        .fetch_all(&mut *tx)
        .await?;
        if subtree.is_empty() {
            return Err(StoreError::NotFound);
        }
        let parent_exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM units WHERE id = $1").bind(parent_id).fetch_optional(&mut *tx).await?;
        if parent_exists.is_none() || subtree.contains(&parent_id) {
            return Err(StoreError::UnknownReference("parent"));
        }
        fulltext::unit_moving(&mut tx, &subtree).await?;
        let row = sqlx::query(
            "UPDATE units SET parent_id = $1 WHERE id = $2 RETURNING id, code, name, kind, parent_id, closed_at",
        )
        .bind(parent_id)
        .bind(unit_id)
        .fetch_one(&mut *tx)
        .await?;
        fulltext::unit_moved(&mut tx, &subtree).await?;
        let unit = unit_from_row(&row)?;
        tx.commit().await?;
        Ok(unit)
    }

    async fn set_unit_closed(&self, unit_id: i64, closed_at: Option<DateTime<Utc>>) -> StoreResult<Unit> {
        self.update_unit(
            sqlx::query(
                "UPDATE units SET closed_at = $1 WHERE id = $2 RETURNING id, code, name, kind, parent_id, closed_at",
            )
            .bind(closed_at)
            .bind(unit_id),
        )
        .await
    }

    async fn open_cases_held(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HeldCase>> {
        Ok(sqlx::query_as(
            "SELECT id, case_number, accused_unit_id, accused_user_id FROM cases WHERE holding_unit_id = $1 \
             AND status NOT IN ('closed', 'not_accepted', 'registered_only', 'final') ORDER BY id LIMIT $2",
        )
        .bind(unit_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<Unit>> {
        let row = sqlx::query("SELECT id, code, name, kind, parent_id, closed_at FROM units WHERE code = $1")
            .bind(code)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    async fn unit_by_id(&self, id: i64) -> StoreResult<Option<Unit>> {
        let row = sqlx::query("SELECT id, code, name, kind, parent_id, closed_at FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    async fn units(&self) -> StoreResult<Vec<Unit>> {
        let rows = sqlx::query("SELECT id, code, name, kind, parent_id, closed_at FROM units ORDER BY code")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(unit_from_row).collect()
    }

    async fn unit_subtree(&self, unit_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = $1 \
             UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub ORDER BY id",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await?)
    }

    async fn limit_rules_for(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::limits::LimitRules>> {
        let rules: Option<Json<huiyin_core::limits::LimitRules>> = sqlx::query_scalar(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM units WHERE id = $1 \
               UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id) \
             SELECT l.rules FROM up JOIN unit_limits l ON l.unit_id = up.id ORDER BY up.depth LIMIT 1",
        )
        .bind(unit_id)
        .fetch_optional(self.reader())
        .await?;
        Ok(rules.map(|Json(r)| r))
    }

    async fn set_unit_limits(
        &self,
        unit_id: i64,
        rules: &huiyin_core::limits::LimitRules,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_limits (unit_id, rules, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (unit_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(Json(rules))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn own_limit_rules(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::limits::LimitRules>> {
        let rules: Option<Json<huiyin_core::limits::LimitRules>> =
            sqlx::query_scalar("SELECT rules FROM unit_limits WHERE unit_id = $1")
                .bind(unit_id)
                .fetch_optional(self.reader())
                .await?;
        Ok(rules.map(|Json(r)| r))
    }

    async fn clear_unit_limits(&self, unit_id: i64) -> StoreResult<bool> {
        Ok(self.write_alone(sqlx::query("DELETE FROM unit_limits WHERE unit_id = $1").bind(unit_id)).await? > 0)
    }

    async fn document_style(&self, unit_id: i64) -> StoreResult<Option<DocumentStyle>> {
        let row = sqlx::query("SELECT letterhead, signature FROM unit_document_styles WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| {
            let signature: String = r.try_get("signature")?;
            Ok(DocumentStyle {
                letterhead: r.try_get("letterhead")?,
                signature: signature.lines().map(str::to_owned).collect(),
            })
        })
        .transpose()
    }

    async fn set_document_style(
        &self,
        unit_id: i64,
        style: &DocumentStyle,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_document_styles (unit_id, letterhead, signature, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (unit_id) DO UPDATE SET letterhead = excluded.letterhead, signature = excluded.signature, \
             updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(&style.letterhead)
        .bind(style.signature.join("\n"))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_terms(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::preset::UnitTerms>> {
        let terms: Option<Json<huiyin_core::preset::UnitTerms>> =
            sqlx::query_scalar("SELECT terms FROM unit_terms WHERE unit_id = $1")
                .bind(unit_id)
                .fetch_optional(self.reader())
                .await?;
        Ok(terms.map(|Json(t)| t))
    }

    async fn set_unit_terms(
        &self,
        unit_id: i64,
        terms: &huiyin_core::preset::UnitTerms,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_terms (unit_id, terms, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (unit_id) DO UPDATE SET terms = excluded.terms, updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(Json(terms))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_territory(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::territory::Territory>> {
        let territory: Option<Json<huiyin_core::territory::Territory>> =
            sqlx::query_scalar("SELECT territory FROM unit_territories WHERE unit_id = $1")
                .bind(unit_id)
                .fetch_optional(self.reader())
                .await?;
        Ok(territory.map(|Json(t)| t))
    }

    async fn unit_territories(&self) -> StoreResult<Vec<(i64, huiyin_core::territory::Territory)>> {
        let rows: Vec<(i64, Json<huiyin_core::territory::Territory>)> =
            sqlx::query_as("SELECT unit_id, territory FROM unit_territories ORDER BY unit_id")
                .fetch_all(self.reader())
                .await?;
        Ok(rows.into_iter().map(|(id, Json(t))| (id, t)).collect())
    }

    async fn set_unit_territory(
        &self,
        unit_id: i64,
        territory: &huiyin_core::territory::Territory,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_territories (unit_id, territory, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (unit_id) DO UPDATE SET territory = excluded.territory, updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(Json(territory))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_public_info(&self, unit_id: i64) -> StoreResult<Option<UnitPublicInfo>> {
        let row =
            sqlx::query("SELECT hotline, address, office_hours, procedure FROM unit_public_info WHERE unit_id = $1")
                .bind(unit_id)
                .fetch_optional(self.reader())
                .await?;
        row.map(|r| {
            Ok(UnitPublicInfo {
                hotline: r.try_get("hotline")?,
                address: r.try_get("address")?,
                office_hours: r.try_get("office_hours")?,
                procedure: r.try_get("procedure")?,
            })
        })
        .transpose()
    }

    async fn set_unit_public_info(&self, unit_id: i64, info: &UnitPublicInfo, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_public_info (unit_id, hotline, address, office_hours, procedure, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id) DO UPDATE SET hotline = excluded.hotline, \
             address = excluded.address, office_hours = excluded.office_hours, procedure = excluded.procedure, \
             updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(&info.hotline)
        .bind(&info.address)
        .bind(&info.office_hours)
        .bind(&info.procedure)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn reception_schedule(&self, unit_id: i64) -> StoreResult<Vec<huiyin_core::unit::ReceptionDay>> {
        let rows = sqlx::query(
            "SELECT weekday, leader, title, credential FROM reception_schedule WHERE unit_id = $1 ORDER BY weekday",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(huiyin_core::unit::ReceptionDay {
                    weekday: u8::try_from(r.try_get::<i64, _>("weekday")?).map_err(corrupt)?,
                    leader: r.try_get("leader")?,
                    title: r.try_get("title")?,
                    credential: r.try_get("credential")?,
                })
            })
            .collect()
    }

    async fn set_reception_schedule(
        &self,
        unit_id: i64,
        days: &[huiyin_core::unit::ReceptionDay],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM reception_schedule WHERE unit_id = $1").bind(unit_id).execute(&mut *tx).await?;
        for day in days {
            sqlx::query(
                "INSERT INTO reception_schedule (unit_id, weekday, leader, title, credential, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(unit_id)
            .bind(i64::from(day.weekday))
            .bind(&day.leader)
            .bind(&day.title)
            .bind(&day.credential)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "unit", "unit"))?;
        }
        tx.commit().await?;
        Ok(())
    }
}
