//! 备份与迁移 (issue 23): the tables of a huiyin database as data, so that the whole of it can be
//! read in one consistent snapshot and written into another database of either backend. The
//! portable archive (`huiyin export`, `huiyin backup`; docs/ARCHIVE.md) is made of these rows; the
//! store only reads and writes them, the archive's files are `huiyin_app::transfer`'s.
//!
//! [`TABLES`] lists every table that holds data, parents before the tables that refer to them, each
//! column with its [`ColumnKind`]. It leaves out what is derived and rebuilt after an import (the
//! search index: `case_search`, `case_band_index`), the migrations' own bookkeeping, and the staff's
//! sign-in sessions (`sessions`): a session's id is its cookie, which an archive must not carry;
//! staff sign in again after a restore. A
//! conformance test compares it with both backends' schemas, so a migration that adds a table or a
//! column without adding it here fails.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::mpsc::{Receiver, Sender};

use crate::StoreResult;

/// What a column holds, as both backends store it and as the archive writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A 64-bit integer (ids, counts).
    Int,
    /// A 32-bit integer.
    Int32,
    Text,
    Bool,
    /// An instant (UTC).
    Instant,
    /// A calendar day.
    Day,
    /// A JSON document (event payloads, settings).
    Json,
    /// Bytes (attachments' and documents' contents).
    Bytes,
}

impl ColumnKind {
    /// The kind's name in the archive's manifest.
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Int => "int",
            ColumnKind::Int32 => "int32",
            ColumnKind::Text => "text",
            ColumnKind::Bool => "bool",
            ColumnKind::Instant => "instant",
            ColumnKind::Day => "day",
            ColumnKind::Json => "json",
            ColumnKind::Bytes => "bytes",
        }
    }
}

/// A table as the transfer reads and writes it.
#[derive(Debug, PartialEq, Eq)]
pub struct TableSpec {
    pub name: &'static str,
    /// The primary key's columns, comma-separated: the order rows are read in.
    pub key: &'static str,
    /// The column that refers to another row of the same table (a unit's parent), written after
    /// every row of the table is in, since a parent may come after its child in key order.
    pub parent: Option<&'static str>,
    pub columns: &'static [(&'static str, ColumnKind)],
}

impl TableSpec {
    /// The table named `name`.
    pub fn named(name: &str) -> Option<&'static TableSpec> {
        TABLES.iter().find(|t| t.name == name)
    }

    /// Where the table stands in [`TABLES`].
    pub fn position(&self) -> usize {
        TABLES.iter().position(|t| t.name == self.name).unwrap_or(usize::MAX)
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Instant(DateTime<Utc>),
    Day(NaiveDate),
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

/// The tables [`TABLES`] leaves out: the search index (rebuilt after an import), the migrations'
/// bookkeeping and the sign-in sessions (a session's id is its cookie).
pub fn left_out(table: &str) -> bool {
    table.starts_with("case_search")
        || table.starts_with("case_band_index")
        || table.starts_with("_sqlx")
        || table.starts_with("sqlite_")
        || table == "sessions"
}

/// The most bytes (attachments, documents) one batch carries, so that a backup of large files
/// holds a few batches in memory, not thousands of files.
pub const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// Rows of one table, in key order; a table's batches come together, tables in [`TABLES`]'s order,
/// each table at least once (an empty batch for an empty table), then [`TransferItem::Complete`].
#[derive(Debug)]
pub struct TableBatch {
    pub table: &'static TableSpec,
    pub rows: Vec<Vec<Cell>>,
}

/// What goes from a database being read to one being written: rows, then `Complete` once every
/// table is sent. A writer commits only after `Complete`, so that rows cut short write nothing.
#[derive(Debug)]
pub enum TransferItem {
    Rows(TableBatch),
    Complete,
}

/// How many rows a read sends at a time.
pub const BATCH_ROWS: usize = 1000;

/// Reading a whole database and writing one.
#[async_trait]
pub trait TransferStore {
    /// Sends every row of every table of [`TABLES`], then `Complete`, read in one snapshot (a read transaction on
    /// SQLite, `REPEATABLE READ` on PostgreSQL) while the server goes on writing. Stops early,
    /// without error, when the receiver is dropped.
    async fn export_tables(&self, to: Sender<TransferItem>) -> StoreResult<()>;

    /// Whether the database holds a unit, an account or a case.
    async fn holds_data(&self) -> StoreResult<bool>;

    /// Writes the rows received into this database, in one transaction committed on `Complete`: a database that holds data
    /// is refused (`StoreError::Transfer`) and nothing is written, as when any row fails. What the
    /// migrations put in the tables is replaced by what is received. The rows written of each
    /// table, in [`TABLES`]'s order. The search index is not written: rebuild it after.
    async fn import_tables(&self, from: Receiver<TransferItem>) -> StoreResult<Vec<(&'static str, u64)>>;
}

use ColumnKind::*;

/// Every table that holds data, a table after those it refers to (generated from the PostgreSQL
/// schema; checked against both by `store-tests`).
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "units",
        key: "id",
        parent: Some("parent_id"),
        columns: &[
            ("id", Int),
            ("code", Text),
            ("name", Text),
            ("kind", Text),
            ("parent_id", Int),
            ("closed_at", Instant),
        ],
    },
    TableSpec {
        name: "users",
        key: "id",
        parent: Some("link_issuer_id"),
        columns: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("unit_id", Int),
            ("role", Text),
            ("password_hash", Text),
            ("active", Bool),
            ("may_backdate", Bool),
            ("title", Text),
            ("credential", Text),
            ("rank", Text),
            ("phone", Text),
            ("email", Text),
            ("link_issuer_id", Int),
            ("session_generation", Int),
            ("added_at", Instant),
        ],
    },
    TableSpec {
        name: "api_tokens",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("token_hash", Text),
            ("created_at", Instant),
            ("name", Text),
            ("scope", Text),
            ("expires_at", Instant),
        ],
    },
    TableSpec {
        name: "setup_tokens",
        key: "token_hash",
        parent: None,
        columns: &[("token_hash", Text), ("created_at", Instant)],
    },
    TableSpec {
        name: "categories",
        key: "code",
        parent: Some("parent_code"),
        columns: &[
            ("code", Text),
            ("name", Text),
            ("parent_code", Text),
            ("level", Int),
            ("path", Text),
            ("active", Bool),
            ("sort_order", Int),
        ],
    },
    TableSpec {
        name: "case_counters",
        key: "unit_id, year",
        parent: None,
        columns: &[("unit_id", Int), ("year", Int), ("last_seq", Int)],
    },
    TableSpec {
        name: "reception_sessions",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("kind", Text),
            ("day", Day),
            ("starts", Text),
            ("ends", Text),
            ("place", Text),
            ("leaders", Text),
            ("key_petitioner", Text),
            ("key_reason", Text),
            ("note", Text),
            ("created_by", Int),
            ("created_at", Instant),
        ],
    },
    TableSpec {
        name: "cases",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("case_number", Text),
            ("query_code_hash", Text),
            ("status", Text),
            ("channel", Text),
            ("received_at", Instant),
            ("registered_at", Instant),
            ("first_receiver_id", Int),
            ("owner_id", Int),
            ("holding_unit_id", Int),
            ("petitioner_name", Text),
            ("petitioner_id_number", Text),
            ("petitioner_phone", Text),
            ("petitioner_address", Text),
            ("headcount", Int),
            ("category_code", Text),
            ("category_path", Text),
            ("purpose", Text),
            ("content", Text),
            ("flags", Json),
            ("state", Json),
            ("version", Int),
            ("updated_at", Instant),
            ("next_due", Day),
            ("accused_unit_id", Int),
            ("place_unit_id", Int),
            ("accused_user_id", Int),
            ("session_id", Int),
        ],
    },
    TableSpec {
        name: "case_events",
        key: "case_id, seq",
        parent: None,
        columns: &[
            ("case_id", Int),
            ("seq", Int),
            ("kind", Text),
            ("occurred_at", Instant),
            ("recorded_at", Instant),
            ("actor_id", Int),
            ("note", Text),
            ("payload", Json),
            ("chain_hash", Text),
        ],
    },
    TableSpec {
        name: "personal_data_views",
        key: "id",
        parent: None,
        columns: &[("id", Int), ("user_id", Int), ("case_id", Int), ("viewed_at", Instant), ("purpose", Text)],
    },
    TableSpec {
        name: "case_tally",
        key: "unit_id, holding_unit_id, status, channel",
        parent: None,
        columns: &[("unit_id", Int), ("holding_unit_id", Int), ("status", Text), ("channel", Text), ("n", Int)],
    },
    TableSpec {
        name: "holiday_years",
        key: "year",
        parent: None,
        columns: &[("year", Int), ("file", Text), ("source", Text), ("loaded_at", Instant)],
    },
    TableSpec {
        name: "unit_limits",
        key: "unit_id",
        parent: None,
        columns: &[("unit_id", Int), ("rules", Json), ("updated_at", Instant)],
    },
    TableSpec {
        name: "case_deadlines",
        key: "case_id, kind",
        parent: None,
        columns: &[
            ("case_id", Int),
            ("kind", Text),
            ("start_day", Day),
            ("limit_rule", Json),
            ("extension_days", Int),
            ("due", Day),
            ("provisional", Bool),
            ("met_at", Instant),
        ],
    },
    TableSpec {
        name: "supervision_items",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("case_id", Int),
            ("kind", Text),
            ("due", Day),
            ("unit_id", Int),
            ("owner_id", Int),
            ("opened_at", Instant),
            ("escalated_to_unit_id", Int),
            ("escalated_at", Instant),
            ("closed_at", Instant),
        ],
    },
    TableSpec {
        name: "reminders",
        key: "case_id, kind, due",
        parent: None,
        columns: &[("case_id", Int), ("kind", Text), ("due", Day), ("sent_at", Instant)],
    },
    TableSpec {
        name: "notifications",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("case_id", Int),
            ("kind", Text),
            ("message", Text),
            ("created_at", Instant),
            ("read_at", Instant),
        ],
    },
    TableSpec {
        name: "outbox",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("channel", Text),
            ("user_id", Int),
            ("body", Text),
            ("created_at", Instant),
            ("sent_at", Instant),
            ("attempts", Int),
            ("claimed_at", Instant),
            ("next_attempt_at", Instant),
            ("last_error", Text),
            ("dead_at", Instant),
        ],
    },
    TableSpec {
        name: "blobs",
        key: "sha256",
        parent: None,
        columns: &[("sha256", Text), ("media_type", Text), ("size", Int), ("bytes", Bytes), ("created_at", Instant)],
    },
    TableSpec {
        name: "issued_documents",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("case_id", Int),
            ("kind", Text),
            ("issued_by", Int),
            ("title", Text),
            ("sha256", Text),
            ("issued_at", Instant),
        ],
    },
    TableSpec {
        name: "unit_document_styles",
        key: "unit_id",
        parent: None,
        columns: &[("unit_id", Int), ("letterhead", Text), ("signature", Text), ("updated_at", Instant)],
    },
    TableSpec {
        name: "search_words",
        key: "word",
        parent: None,
        columns: &[("word", Text), ("added_by", Int), ("added_at", Instant)],
    },
    TableSpec {
        name: "online_submissions",
        key: "key_hash",
        parent: None,
        columns: &[("key_hash", Text), ("case_id", Int), ("sealed_code", Text), ("claimed_at", Instant)],
    },
    TableSpec {
        name: "unit_public_info",
        key: "unit_id",
        parent: None,
        columns: &[
            ("unit_id", Int),
            ("hotline", Text),
            ("address", Text),
            ("office_hours", Text),
            ("procedure", Text),
            ("updated_at", Instant),
        ],
    },
    TableSpec {
        name: "reception_schedule",
        key: "unit_id, weekday",
        parent: None,
        columns: &[
            ("unit_id", Int),
            ("weekday", Int),
            ("leader", Text),
            ("title", Text),
            ("credential", Text),
            ("updated_at", Instant),
        ],
    },
    TableSpec {
        name: "guard_failures",
        key: "scope, key",
        parent: None,
        columns: &[("scope", Text), ("key", Text), ("since", Instant), ("failures", Int)],
    },
    TableSpec { name: "setting_versions", key: "name", parent: None, columns: &[("name", Text), ("version", Int)] },
    TableSpec {
        name: "saved_filters",
        key: "id",
        parent: None,
        columns: &[("id", Int), ("user_id", Int), ("name", Text), ("query", Text), ("created_at", Instant)],
    },
    TableSpec {
        name: "admin_events",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("at", Instant),
            ("actor_id", Int),
            ("unit_id", Int),
            ("action", Text),
            ("target", Text),
            ("before_value", Text),
            ("after_value", Text),
            ("address", Text),
        ],
    },
    TableSpec {
        name: "password_links",
        key: "token_hash",
        parent: None,
        columns: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("issued_by", Int),
            ("created_at", Instant),
            ("expires_at", Instant),
        ],
    },
    TableSpec {
        name: "unit_former_names",
        key: "unit_id, name",
        parent: None,
        columns: &[("unit_id", Int), ("name", Text), ("until", Instant)],
    },
    TableSpec {
        name: "duty_patterns",
        key: "unit_id",
        parent: None,
        columns: &[("unit_id", Int), ("pattern", Text), ("updated_at", Instant), ("updated_by", Int)],
    },
    TableSpec {
        name: "duty_days",
        key: "unit_id, day",
        parent: None,
        columns: &[
            ("unit_id", Int),
            ("day", Day),
            ("user_id", Int),
            ("origin", Text),
            ("approved_by", Int),
            ("reason", Text),
        ],
    },
    TableSpec {
        name: "duty_attendance",
        key: "unit_id, day",
        parent: None,
        columns: &[
            ("unit_id", Int),
            ("day", Day),
            ("user_id", Int),
            ("signed_in_at", Instant),
            ("signed_out_at", Instant),
            ("recorded_by", Int),
            ("note", Text),
        ],
    },
    TableSpec {
        name: "case_recusals",
        key: "case_id, user_id",
        parent: None,
        columns: &[("case_id", Int), ("user_id", Int), ("recused_at", Instant)],
    },
    TableSpec {
        name: "gifts",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("user_id", Int),
            ("kind", Text),
            ("offered_by", Text),
            ("what", Text),
            ("offered_on", Day),
            ("value_yuan", Int),
            ("handling", Text),
            ("case_id", Int),
            ("recorded_at", Instant),
            ("reviewed_by", Int),
            ("reviewed_at", Instant),
            ("review_note", Text),
        ],
    },
    TableSpec {
        name: "trainings",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("held_on", Day),
            ("topic", Text),
            ("tenths", Int),
            ("trainer", Text),
            ("material", Text),
            ("recorded_by", Int),
            ("recorded_at", Instant),
        ],
    },
    TableSpec {
        name: "training_attendees",
        key: "training_id, user_id",
        parent: None,
        columns: &[("training_id", Int), ("user_id", Int), ("held_on", Day)],
    },
    TableSpec {
        name: "staff_complaints",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("staff_id", Int),
            ("kind", Text),
            ("source", Text),
            ("account", Text),
            ("occurred_on", Day),
            ("complainant", Text),
            ("phone", Text),
            ("received_by", Int),
            ("received_at", Instant),
            ("due_on", Day),
            ("rota_user_id", Int),
            ("finding", Text),
            ("summary", Text),
            ("measure", Text),
            ("concluded_by", Int),
            ("concluded_at", Instant),
            ("case_id", Int),
            ("staff_named", Text),
            ("query_code_hash", Text),
            ("submission_key", Text),
            ("sealed_code", Text),
        ],
    },
    TableSpec {
        name: "reception_months",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("month", Text),
            ("version", Int),
            ("days", Text),
            ("change_note", Text),
            ("drafted_by", Int),
            ("drafted_at", Instant),
            ("published_by", Int),
            ("published_at", Instant),
            ("late", Bool),
        ],
    },
    TableSpec {
        name: "key_petitioners",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("name", Text),
            ("id_number", Text),
            ("phone", Text),
            ("reason", Text),
            ("added_by", Int),
            ("added_at", Instant),
            ("removed_by", Int),
            ("removed_at", Instant),
            ("removed_reason", Text),
        ],
    },
    TableSpec {
        name: "told_once",
        key: "kind, subject",
        parent: None,
        columns: &[("kind", Text), ("subject", Text), ("told_at", Instant)],
    },
    TableSpec {
        name: "charters",
        key: "id",
        parent: None,
        columns: &[("id", Int), ("unit_id", Int), ("kind", Text), ("title", Text)],
    },
    TableSpec {
        name: "meetings",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("body", Text),
            ("day", Day),
            ("starts", Text),
            ("place", Text),
            ("agenda", Text),
            ("convened_by", Text),
            ("signers", Text),
            ("rules", Text),
            ("created_by", Int),
            ("created_at", Instant),
            ("present", Text),
            ("sitting", Int32),
            ("quorate", Bool),
            ("attendance_by", Int),
            ("attendance_at", Instant),
        ],
    },
    TableSpec {
        name: "meeting_decisions",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("item", Int32),
            ("text", Text),
            ("votes_for", Int32),
            ("votes_against", Int32),
            ("abstentions", Int32),
            ("passed", Bool),
            ("recorded_by", Int),
            ("recorded_at", Instant),
        ],
    },
    TableSpec {
        name: "charter_versions",
        key: "charter_id, version",
        parent: None,
        columns: &[
            ("charter_id", Int),
            ("version", Int32),
            ("text", Text),
            ("adopted_on", Day),
            ("adopted_by", Text),
            ("note", Text),
            ("recorded_by", Int),
            ("recorded_at", Instant),
            ("decision_id", Int),
        ],
    },
    TableSpec {
        name: "body_rules",
        key: "unit_id, body",
        parent: None,
        columns: &[
            ("unit_id", Int),
            ("body", Text),
            ("quorum", Text),
            ("majority", Text),
            ("notice_days", Int32),
            ("convene_share", Text),
            ("set_at", Instant),
        ],
    },
    TableSpec {
        name: "body_members",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("body", Text),
            ("name", Text),
            ("role", Text),
            ("represents", Text),
            ("term_from", Day),
            ("term_to", Day),
            ("added_by", Int),
            ("added_at", Instant),
            ("left_on", Day),
            ("left_reason", Text),
        ],
    },
    TableSpec {
        name: "meeting_matters",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("body", Text),
            ("subject", Text),
            ("reason", Text),
            ("source", Text),
            ("raised_by_name", Text),
            ("case_id", Int),
            ("raised_by", Int),
            ("raised_at", Instant),
            ("meeting_id", Int),
            ("item", Int32),
        ],
    },
    TableSpec {
        name: "screenings",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("month", Text),
            ("summary", Text),
            ("matters", Text),
            ("version", Int),
            ("drafted_by", Int),
            ("drafted_at", Instant),
            ("signed_by", Int),
            ("signed_at", Instant),
            ("late", Bool),
        ],
    },
    TableSpec {
        name: "measure_facts",
        key: "case_id, kind, seq",
        parent: None,
        columns: &[("case_id", Int), ("kind", Text), ("seq", Int), ("unit_id", Int), ("day", Day), ("outcome", Text)],
    },
    TableSpec {
        name: "measure_tally",
        key: "unit_id, month, kind, outcome",
        parent: None,
        columns: &[("unit_id", Int), ("month", Text), ("kind", Text), ("outcome", Text), ("n", Int)],
    },
    TableSpec {
        name: "measure_tally_days",
        key: "unit_id, day, kind, outcome",
        parent: None,
        columns: &[("unit_id", Int), ("day", Day), ("kind", Text), ("outcome", Text), ("n", Int)],
    },
    TableSpec {
        name: "unit_terms",
        key: "unit_id",
        parent: None,
        columns: &[("unit_id", Int), ("terms", Json), ("updated_at", Instant)],
    },
    TableSpec {
        name: "service_requests",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("resident", Text),
            ("matter", Text),
            ("received_by", Int),
            ("received_at", Instant),
            ("guided_to", Int),
            ("done_by", Int),
            ("done_at", Instant),
            ("result", Text),
        ],
    },
    TableSpec {
        name: "unit_territories",
        key: "unit_id",
        parent: None,
        columns: &[("unit_id", Int), ("territory", Json), ("updated_at", Instant)],
    },
    TableSpec {
        name: "policies",
        key: "id",
        parent: None,
        columns: &[
            ("id", Int),
            ("shipped", Text),
            ("title", Text),
            ("issuer", Text),
            ("issued_on", Day),
            ("source", Text),
            ("unit_id", Int),
            ("added_by", Int),
            ("added_at", Instant),
            ("withdrawn_at", Instant),
        ],
    },
    TableSpec {
        name: "policy_articles",
        key: "policy_id, number",
        parent: None,
        columns: &[("policy_id", Int), ("number", Int), ("label", Text), ("chapter", Text), ("text", Text)],
    },
    TableSpec {
        name: "ledger_days",
        key: "day",
        parent: None,
        columns: &[("day", Day), ("entries", Int), ("last_hash", Text)],
    },
    TableSpec {
        name: "ledger",
        key: "day, seq",
        parent: None,
        columns: &[
            ("day", Day),
            ("seq", Int),
            ("kind", Text),
            ("case_id", Int),
            ("item", Int),
            ("record_hash", Text),
            ("link", Text),
        ],
    },
    TableSpec { name: "chain_backfill", key: "pending", parent: None, columns: &[("pending", Int)] },
    TableSpec {
        name: "job_runs",
        key: "job",
        parent: None,
        columns: &[
            ("job", Text),
            ("holder", Text),
            ("leased_until", Instant),
            ("next_due", Instant),
            ("last_started_at", Instant),
            ("last_finished_at", Instant),
            ("last_outcome", Text),
        ],
    },
];
