//! The whole database read in one snapshot and written into an empty one (issue 23): the rows of
//! every table of `huiyin_store::transfer::TABLES`, column by column as its kind says, so that the
//! same rows go from SQLite to PostgreSQL and back. What differs between the backends (the
//! snapshot's transaction, giving identity columns their ids, the sequences after) is the backend's
//! `transfer_backend`.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::types::Json;
use tokio::sync::mpsc::{Receiver, Sender};

use huiyin_store::transfer::{BATCH_BYTES, BATCH_ROWS, Cell, ColumnKind, TABLES, TableBatch, TableSpec, TransferItem};

use super::*;
use crate::transfer_backend;

/// `"name"`: an identifier of `TABLES`, quoted (`day`, `version` are words of SQL).
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn column_list(table: &TableSpec) -> String {
    table.columns.iter().map(|(name, _)| quoted(name)).collect::<Vec<_>>().join(", ")
}

fn read_cell(row: &DbRow, i: usize, kind: ColumnKind) -> Result<Cell, sqlx::Error> {
    Ok(match kind {
        ColumnKind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Cell::Null, Cell::Int),
        ColumnKind::Int32 => row.try_get::<Option<i32>, _>(i)?.map_or(Cell::Null, |n| Cell::Int(i64::from(n))),
        ColumnKind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Cell::Null, Cell::Text),
        ColumnKind::Bool => row.try_get::<Option<bool>, _>(i)?.map_or(Cell::Null, Cell::Bool),
        ColumnKind::Instant => row.try_get::<Option<DateTime<Utc>>, _>(i)?.map_or(Cell::Null, Cell::Instant),
        ColumnKind::Day => row.try_get::<Option<NaiveDate>, _>(i)?.map_or(Cell::Null, Cell::Day),
        ColumnKind::Json => {
            row.try_get::<Option<Json<serde_json::Value>>, _>(i)?.map_or(Cell::Null, |Json(value)| Cell::Json(value))
        }
        ColumnKind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Cell::Null, Cell::Bytes),
    })
}

/// Refuses a cell that is not of its column's kind, naming the column.
fn check_cell(table: &TableSpec, column: usize, cell: &Cell) -> StoreResult<()> {
    let (name, kind) = table.columns[column];
    let fits = match (kind, cell) {
        (_, Cell::Null) => true,
        (ColumnKind::Int, Cell::Int(_)) => true,
        (ColumnKind::Int32, Cell::Int(n)) => i32::try_from(*n).is_ok(),
        (ColumnKind::Text, Cell::Text(_)) => true,
        (ColumnKind::Bool, Cell::Bool(_)) => true,
        (ColumnKind::Instant, Cell::Instant(_)) => true,
        (ColumnKind::Day, Cell::Day(_)) => true,
        (ColumnKind::Json, Cell::Json(_)) => true,
        (ColumnKind::Bytes, Cell::Bytes(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(StoreError::Transfer(format!("{}.{name}: not a value of kind {}", table.name, kind.name())))
    }
}

fn bind_cell(b: &mut sqlx::query_builder::Separated<'_, Db, &'static str>, kind: ColumnKind, cell: Cell) {
    match (kind, cell) {
        (ColumnKind::Int32, Cell::Int(n)) => b.push_bind(i32::try_from(n).ok()),
        (ColumnKind::Int32, _) => b.push_bind(None::<i32>),
        (_, Cell::Int(n)) => b.push_bind(n),
        (_, Cell::Text(text)) => b.push_bind(text),
        (_, Cell::Bool(flag)) => b.push_bind(flag),
        (_, Cell::Instant(at)) => b.push_bind(at),
        (_, Cell::Day(day)) => b.push_bind(day),
        (_, Cell::Json(value)) => b.push_bind(Json(value)),
        (_, Cell::Bytes(bytes)) => b.push_bind(bytes),
        (ColumnKind::Int, Cell::Null) => b.push_bind(None::<i64>),
        (ColumnKind::Text, Cell::Null) => b.push_bind(None::<String>),
        (ColumnKind::Bool, Cell::Null) => b.push_bind(None::<bool>),
        (ColumnKind::Instant, Cell::Null) => b.push_bind(None::<DateTime<Utc>>),
        (ColumnKind::Day, Cell::Null) => b.push_bind(None::<NaiveDate>),
        (ColumnKind::Json, Cell::Null) => b.push_bind(None::<Json<serde_json::Value>>),
        (ColumnKind::Bytes, Cell::Null) => b.push_bind(None::<Vec<u8>>),
    };
}

async fn holds_data(conn: &mut <Db as sqlx::Database>::Connection) -> StoreResult<bool> {
    for statement in ["SELECT COUNT(*) FROM units", "SELECT COUNT(*) FROM users", "SELECT COUNT(*) FROM cases"] {
        let n: i64 = sqlx::query_scalar(statement).fetch_one(&mut *conn).await?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The (key, parent) pairs of a table's rows, set once all its rows are in.
type Parents = Vec<(Cell, Cell)>;

async fn insert_rows(
    conn: &mut <Db as sqlx::Database>::Connection,
    table: &'static TableSpec,
    rows: Vec<Vec<Cell>>,
    parents: &mut Parents,
) -> StoreResult<u64> {
    let parent = table.parent.and_then(|p| table.columns.iter().position(|(name, _)| *name == p));
    let key = table.columns.iter().position(|(name, _)| *name == table.key);
    let mut checked = Vec::with_capacity(rows.len());
    for mut row in rows {
        if row.len() != table.columns.len() {
            return Err(StoreError::Transfer(format!(
                "{}: a row of {} values for {} columns",
                table.name,
                row.len(),
                table.columns.len()
            )));
        }
        for (i, cell) in row.iter().enumerate() {
            check_cell(table, i, cell)?;
        }
        if let (Some(p), Some(k)) = (parent, key)
            && row[p] != Cell::Null
        {
            parents.push((row[k].clone(), std::mem::replace(&mut row[p], Cell::Null)));
        }
        checked.push(row);
    }
    let written = checked.len() as u64;
    let per_statement = (16_000 / table.columns.len()).max(1);
    let mut rows = checked.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Cell>> = rows.by_ref().take(per_statement).collect();
        let mut insert = sqlx::QueryBuilder::<Db>::new(format!(
            "INSERT INTO {} ({}){} ",
            quoted(table.name),
            column_list(table),
            transfer_backend::KEEP_IDS
        ));
        insert.push_values(chunk, |mut values, row| {
            for (cell, (_, kind)) in row.into_iter().zip(table.columns) {
                bind_cell(&mut values, *kind, cell);
            }
        });
        insert.build().execute(&mut *conn).await.map_err(|e| match e {
            sqlx::Error::Database(db) => StoreError::Transfer(format!("{}: {}", table.name, db.message())),
            other => StoreError::Database(other),
        })?;
    }
    Ok(written)
}

/// Sets the parents of a table's rows, now that every row they name is in.
async fn set_parents(
    conn: &mut <Db as sqlx::Database>::Connection,
    table: &'static TableSpec,
    parents: &mut Parents,
) -> StoreResult<()> {
    let (Some(parent), Some(key_kind)) =
        (table.parent, table.columns.iter().find(|(name, _)| *name == table.key).map(|(_, kind)| *kind))
    else {
        return Ok(());
    };
    let parent_kind = table.columns.iter().find(|(name, _)| *name == parent).map_or(ColumnKind::Int, |(_, k)| *k);
    for (key, value) in parents.drain(..) {
        let mut update =
            sqlx::QueryBuilder::<Db>::new(format!("UPDATE {} SET {} = ", quoted(table.name), quoted(parent)));
        {
            let mut values = update.separated("");
            bind_cell(&mut values, parent_kind, value);
        }
        update.push(format!(" WHERE {} = ", quoted(table.key)));
        {
            let mut values = update.separated("");
            bind_cell(&mut values, key_kind, key);
        }
        update.build().execute(&mut *conn).await.map_err(|e| match e {
            sqlx::Error::Database(db) => StoreError::Transfer(format!("{}.{parent}: {}", table.name, db.message())),
            other => StoreError::Database(other),
        })?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl TransferStore for Backend {
    async fn export_tables(&self, to: Sender<TransferItem>) -> StoreResult<()> {
        let mut tx = transfer_backend::begin_snapshot(self).await?;
        for table in TABLES {
            let mut select = sqlx::QueryBuilder::<Db>::new(format!(
                "SELECT {} FROM {} ORDER BY {}",
                column_list(table),
                quoted(table.name),
                table.key.split(", ").map(quoted).collect::<Vec<_>>().join(", ")
            ));
            let mut stream = select.build().fetch(&mut *tx);
            let mut rows = Vec::with_capacity(BATCH_ROWS);
            let mut bytes = 0;
            let mut sent = false;
            while let Some(row) = stream.try_next().await? {
                let cells = (0..table.columns.len())
                    .map(|i| read_cell(&row, i, table.columns[i].1))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| corrupt(format!("{}: {e}", table.name)))?;
                bytes += cells.iter().map(|c| if let Cell::Bytes(b) = c { b.len() } else { 0 }).sum::<usize>();
                rows.push(cells);
                if rows.len() == BATCH_ROWS || bytes >= BATCH_BYTES {
                    bytes = 0;
                    let batch =
                        TableBatch { table, rows: std::mem::replace(&mut rows, Vec::with_capacity(BATCH_ROWS)) };
                    if to.send(TransferItem::Rows(batch)).await.is_err() {
                        return Ok(());
                    }
                    sent = true;
                }
            }
            if (!rows.is_empty() || !sent) && to.send(TransferItem::Rows(TableBatch { table, rows })).await.is_err() {
                return Ok(());
            }
        }
        tx.rollback().await?;
        // The receiver may be gone by now; it has every row either way.
        let _ = to.send(TransferItem::Complete).await;
        Ok(())
    }

    async fn holds_data(&self) -> StoreResult<bool> {
        let mut conn = self.reader().acquire().await?;
        holds_data(&mut conn).await
    }

    async fn import_tables(&self, mut from: Receiver<TransferItem>) -> StoreResult<Vec<(&'static str, u64)>> {
        let mut tx = self.begin_write().await?;
        if holds_data(&mut tx).await? {
            return Err(StoreError::Transfer(
                "the database already holds units, accounts or cases: restore and import only into an empty one".into(),
            ));
        }
        for table in TABLES.iter().rev() {
            sqlx::QueryBuilder::<Db>::new(format!("DELETE FROM {}", quoted(table.name)))
                .build()
                .execute(&mut *tx)
                .await?;
        }
        let mut counts: Vec<(&'static str, u64)> = TABLES.iter().map(|t| (t.name, 0)).collect();
        let mut at = 0;
        let mut parents = Parents::new();
        loop {
            match from.recv().await {
                Some(TransferItem::Rows(batch)) => {
                    let position = batch.table.position();
                    if position < at || position >= TABLES.len() {
                        return Err(StoreError::Transfer(format!(
                            "{}: its rows came after those of {}",
                            batch.table.name, TABLES[at].name
                        )));
                    }
                    if position > at {
                        set_parents(&mut tx, &TABLES[at], &mut parents).await?;
                        at = position;
                    }
                    counts[position].1 += insert_rows(&mut tx, batch.table, batch.rows, &mut parents).await?;
                }
                Some(TransferItem::Complete) => break,
                None => {
                    return Err(StoreError::Transfer("the rows stopped before the end; nothing was written".into()));
                }
            }
        }
        set_parents(&mut tx, &TABLES[at], &mut parents).await?;
        transfer_backend::after_import(&mut tx).await?;
        tx.commit().await?;
        Ok(counts)
    }
}
