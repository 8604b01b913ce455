//! Staff accounts, their API tokens and the setup token.

use super::{DbRow, corrupt, on_violation};
use crate::Backend;
use chrono::{DateTime, Utc};
use huiyin_core::user::{Role, TokenScope};
use huiyin_store::prelude::*;
use huiyin_store::{
    ApiToken, NewApiToken, NewUser, PasswordLink, SavedFilter, StaffCard, StoreError, StoreResult, TokenHolder, User,
};
use sqlx::Row;

/// A `SELECT` of users with their unit code (and the `columns:` given), followed by the given clauses.
macro_rules! select_users {
    (columns: $columns:literal, $($tail:literal),*) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.unit_id, n.code AS unit_code, u.role, u.password_hash, u.active, ",
            "u.may_backdate, u.title, u.credential, u.rank, u.phone, u.email, u.link_issuer_id, u.session_generation",
            $columns,
            " FROM users u JOIN units n ON n.id = u.unit_id ",
            $($tail),*
        )
    };
    ($($tail:literal),*) => {
        select_users!(columns: "", $($tail),*)
    };
}

fn user_from_row(row: &DbRow) -> StoreResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        unit_id: row.try_get("unit_id")?,
        unit_code: row.try_get("unit_code")?,
        role: Role::parse("role", &role).map_err(corrupt)?,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get("active")?,
        may_backdate: row.try_get("may_backdate")?,
        title: row.try_get("title")?,
        credential: row.try_get("credential")?,
        rank: row.try_get("rank")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        link_issuer_id: row.try_get("link_issuer_id")?,
        session_generation: row.try_get("session_generation")?,
    })
}

impl Backend {
    /// Runs one `UPDATE users … WHERE id = …` in a transaction of its own; [`StoreError::NotFound`]
    /// when no account has the id.
    async fn update_user(&self, update: super::DbQuery<'_>) -> StoreResult<()> {
        match self.write_alone(update).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }
}

fn saved_filter_from_row(row: &DbRow) -> StoreResult<SavedFilter> {
    Ok(SavedFilter {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        query: row.try_get("query")?,
        created_at: row.try_get("created_at")?,
    })
}

#[async_trait::async_trait]
impl AccountStore for Backend {
    async fn add_user(&self, user: &NewUser) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let unit_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
            .bind(user.unit.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::UnknownReference("unit"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, unit_id, role, password_hash, active, may_backdate, title, \
             credential, rank, phone, email, added_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $9, $10, $11, $12) \
             RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(unit_id)
        .bind(user.role.code())
        .bind(&user.password_hash)
        .bind(user.may_backdate)
        .bind(&user.title)
        .bind(&user.credential)
        .bind(&user.rank)
        .bind(&user.phone)
        .bind(&user.email)
        .bind(chrono::Utc::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "username", "unit"))?;
        tx.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        // No login name holds a NUL, which PostgreSQL's text cannot even be asked for.
        if username.contains('\0') {
            return Ok(None);
        }
        let row =
            sqlx::query(select_users!("WHERE u.username = $1")).bind(username).fetch_optional(self.reader()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query(select_users!("WHERE u.id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn set_user_card(&self, user_id: i64, card: &StaffCard) -> StoreResult<User> {
        self.update_user(
            sqlx::query(
                "UPDATE users SET display_name = $1, title = $2, credential = $3, rank = $4, phone = $5, email = $6 \
                 WHERE id = $7",
            )
            .bind(&card.display_name)
            .bind(&card.title)
            .bind(&card.credential)
            .bind(&card.rank)
            .bind(&card.phone)
            .bind(&card.email)
            .bind(user_id),
        )
        .await?;
        self.user_by_id(user_id).await?.ok_or(StoreError::NotFound)
    }

    async fn saved_filters(&self, user_id: i64) -> StoreResult<Vec<SavedFilter>> {
        let rows =
            sqlx::query("SELECT id, name, query, created_at FROM saved_filters WHERE user_id = $1 ORDER BY name")
                .bind(user_id)
                .fetch_all(self.reader())
                .await?;
        rows.iter().map(saved_filter_from_row).collect()
    }

    async fn save_filter(&self, user_id: i64, name: &str, query: &str, at: DateTime<Utc>) -> StoreResult<SavedFilter> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM saved_filters WHERE user_id = $1 AND name = $2")
            .bind(user_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "INSERT INTO saved_filters (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, name, query, created_at",
        )
        .bind(user_id)
        .bind(name)
        .bind(query)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "name", "user"))?;
        let saved = saved_filter_from_row(&row)?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn delete_saved_filter(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        let delete = sqlx::query("DELETE FROM saved_filters WHERE user_id = $1 AND id = $2").bind(user_id).bind(id);
        Ok(self.write_alone(delete).await? > 0)
    }

    async fn set_user_active(&self, user_id: i64, active: bool) -> StoreResult<()> {
        self.update_user(sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(user_id)).await
    }

    async fn revoke_api_token(&self, token_hash: &str) -> StoreResult<bool> {
        Ok(self.write_alone(sqlx::query("DELETE FROM api_tokens WHERE token_hash = $1").bind(token_hash)).await? > 0)
    }

    async fn revoke_user_tokens(&self, user_id: i64) -> StoreResult<u64> {
        self.write_alone(sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user_id)).await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("ORDER BY u.unit_id, u.username")).fetch_all(self.reader()).await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn users_with_role(&self, role: Role) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("WHERE u.role = $1 ORDER BY u.username"))
            .bind(role.code())
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        self.update_user(sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user_id))
            .await
    }

    async fn reset_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        self.update_user(
            sqlx::query(
                "UPDATE users SET password_hash = $1, link_issuer_id = NULL, \
                 session_generation = session_generation + 1 WHERE id = $2",
            )
            .bind(hash)
            .bind(user_id),
        )
        .await
    }

    async fn set_user_placement(&self, user_id: i64, unit_id: i64, role: Role) -> StoreResult<User> {
        self.update_user(
            sqlx::query("UPDATE users SET unit_id = $1, role = $2 WHERE id = $3")
                .bind(unit_id)
                .bind(role.code())
                .bind(user_id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Database(e) => on_violation(e, "user", "unit"),
            other => other,
        })?;
        self.user_by_id(user_id).await?.ok_or(StoreError::NotFound)
    }

    async fn end_user_sessions(&self, user_id: i64) -> StoreResult<()> {
        self.update_user(
            sqlx::query("UPDATE users SET session_generation = session_generation + 1 WHERE id = $1").bind(user_id),
        )
        .await
    }

    async fn put_password_link(&self, token_hash: &str, link: &PasswordLink, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM password_links WHERE user_id = $1").bind(link.user_id).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO password_links (token_hash, user_id, issued_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(link.user_id)
        .bind(link.issued_by)
        .bind(at)
        .bind(link.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "token", "user"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn drop_password_links(&self, user_id: i64) -> StoreResult<u64> {
        self.write_alone(sqlx::query("DELETE FROM password_links WHERE user_id = $1").bind(user_id)).await
    }

    async fn password_link(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<PasswordLink>> {
        let row = sqlx::query(
            "SELECT user_id, issued_by, expires_at FROM password_links WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.reader())
        .await?;
        row.map(|r| {
            Ok(PasswordLink {
                user_id: r.try_get("user_id")?,
                issued_by: r.try_get("issued_by")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn use_password_link(&self, token_hash: &str, hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "DELETE FROM password_links WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id, issued_by",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (user_id, issued_by): (i64, Option<i64>) = (row.try_get("user_id")?, row.try_get("issued_by")?);
        sqlx::query(
            "UPDATE users SET password_hash = $1, link_issuer_id = $2, \
             session_generation = session_generation + 1 WHERE id = $3",
        )
        .bind(hash)
        .bind(issued_by)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.user_by_id(user_id).await
    }

    async fn add_api_token(
        &self,
        user_id: i64,
        token_hash: &str,
        token: &NewApiToken,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (user_id, token_hash, created_at, name, scope, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(at)
        .bind(&token.name)
        .bind(token.scope.code())
        .bind(token.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "token", "user"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_by_api_token(&self, token_hash: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(select_users!("JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn api_token_holder(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<TokenHolder>> {
        let row = sqlx::query(select_users!(
            columns: ", t.scope AS token_scope, t.expires_at AS token_expires_at",
            "JOIN api_tokens t ON t.user_id = u.id ",
            "WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let scope: String = row.try_get("token_scope")?;
        Ok(Some(TokenHolder {
            user: user_from_row(&row)?,
            scope: TokenScope::parse("scope", &scope).map_err(corrupt)?,
            expires_at: row.try_get("token_expires_at")?,
        }))
    }

    async fn api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, name, scope, created_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let scope: String = r.try_get("scope")?;
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    scope: TokenScope::parse("scope", &scope).map_err(corrupt)?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    async fn revoke_api_token_id(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        let delete = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id = $2").bind(user_id).bind(id);
        Ok(self.write_alone(delete).await? > 0)
    }

    async fn put_setup_token(&self, token_hash: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_setup_token(&self, token_hash: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn setup_token_exists(&self, token_hash: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(self.reader())
            .await?;
        Ok(n > 0)
    }

    async fn unit_staff(&self, unit_id: i64, roles: &[Role]) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("WHERE u.unit_id = $1 AND u.active ORDER BY u.username"))
            .bind(unit_id)
            .fetch_all(self.reader())
            .await?;
        let users = rows.iter().map(user_from_row).collect::<StoreResult<Vec<_>>>()?;
        Ok(users.into_iter().filter(|u| roles.contains(&u.role)).collect())
    }
}
