//! 政策法规库 (FED-9): policies and their articles.

use super::DbRow;
use crate::Backend;
use chrono::{DateTime, Utc};
use huiyin_core::policy::{Article, NewPolicy};
use huiyin_store::prelude::*;
use huiyin_store::{PolicyArticle, PolicyRecord, StoreResult};
use sqlx::Row;

/// A `SELECT` of policies with their article counts, followed by the given clauses.
macro_rules! select_policies {
    ($($clause:literal),*) => {
        concat!(
            "SELECT p.id, p.shipped, p.title, p.issuer, p.issued_on, p.source, p.unit_id, p.added_by, p.added_at, \
             p.withdrawn_at, \
             (SELECT COUNT(*) FROM policy_articles a WHERE a.policy_id = p.id) AS articles FROM policies p ",
            $($clause),*
        )
    };
}

fn policy_from_row(row: &DbRow) -> StoreResult<PolicyRecord> {
    Ok(PolicyRecord {
        id: row.try_get("id")?,
        shipped: row.try_get("shipped")?,
        title: row.try_get("title")?,
        issuer: row.try_get("issuer")?,
        issued_on: row.try_get("issued_on")?,
        source: row.try_get("source")?,
        unit_id: row.try_get("unit_id")?,
        added_by: row.try_get("added_by")?,
        added_at: row.try_get("added_at")?,
        withdrawn_at: row.try_get("withdrawn_at")?,
        articles: row.try_get("articles")?,
    })
}

fn article_from_row(row: &DbRow) -> StoreResult<Article> {
    let number: i64 = row.try_get("number")?;
    Ok(Article {
        number: u32::try_from(number).map_err(|_| super::corrupt(format!("article number {number}")))?,
        label: row.try_get("label")?,
        chapter: row.try_get("chapter")?,
        text: row.try_get("text")?,
    })
}

#[async_trait::async_trait]
impl PolicyStore for Backend {
    async fn add_policy(
        &self,
        policy: &NewPolicy,
        shipped: Option<&str>,
        unit_id: Option<i64>,
        added_by: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let kept = "SELECT id FROM policies WHERE shipped = $1";
        if let Some(key) = shipped
            && let Some(id) = sqlx::query_scalar(kept).bind(key).fetch_optional(self.reader()).await?
        {
            return Ok(id);
        }
        let mut tx = self.begin_write().await?;
        // Two servers starting at once: the second adds nothing and reads the first's.
        let added: Option<i64> = sqlx::query_scalar(
            "INSERT INTO policies (shipped, title, issuer, issued_on, source, unit_id, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (shipped) DO NOTHING RETURNING id",
        )
        .bind(shipped)
        .bind(&policy.title)
        .bind(&policy.issuer)
        .bind(policy.issued_on)
        .bind(&policy.source)
        .bind(unit_id)
        .bind(added_by)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| super::on_violation(e, "policy", "unit"))?;
        let Some(id) = added else {
            let id: i64 = sqlx::query_scalar(kept).bind(shipped).fetch_one(&mut *tx).await?;
            return Ok(id);
        };
        for article in &policy.articles {
            sqlx::query(
                "INSERT INTO policy_articles (policy_id, number, label, chapter, text) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i64::from(article.number))
            .bind(&article.label)
            .bind(&article.chapter)
            .bind(&article.text)
            .execute(&mut *tx)
            .await
            .map_err(|e| super::on_violation(e, "article", "policy"))?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn policies(&self) -> StoreResult<Vec<PolicyRecord>> {
        let rows = sqlx::query(select_policies!(
            "WHERE p.withdrawn_at IS NULL ORDER BY p.issued_on IS NULL, p.issued_on DESC, p.id DESC"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(policy_from_row).collect()
    }

    async fn policy(&self, id: i64) -> StoreResult<Option<(PolicyRecord, Vec<Article>)>> {
        let Some(row) = sqlx::query(select_policies!("WHERE p.id = $1")).bind(id).fetch_optional(self.reader()).await?
        else {
            return Ok(None);
        };
        let policy = policy_from_row(&row)?;
        let rows = sqlx::query(
            "SELECT number, label, chapter, text FROM policy_articles WHERE policy_id = $1 ORDER BY number",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await?;
        let articles = rows.iter().map(article_from_row).collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((policy, articles)))
    }

    async fn policy_articles(&self) -> StoreResult<Vec<PolicyArticle>> {
        let rows = sqlx::query(
            "SELECT a.policy_id, p.title, a.number, a.label, a.chapter, a.text FROM policy_articles a \
             JOIN policies p ON p.id = a.policy_id WHERE p.withdrawn_at IS NULL ORDER BY a.policy_id, a.number",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PolicyArticle {
                    policy_id: row.try_get("policy_id")?,
                    title: row.try_get("title")?,
                    article: article_from_row(row)?,
                })
            })
            .collect()
    }

    async fn withdraw_policy(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE policies SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }
}
