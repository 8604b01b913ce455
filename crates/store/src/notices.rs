//! Notices to staff: in-app notifications and the outbox of SMS and e-mail.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Blindness, StoreResult};

/// A message for one staff member: shown in the app, and queued for SMS or e-mail.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i64,
    pub case_id: Option<i64>,
    /// `overdue`, `due_soon`, `escalated`, …
    pub kind: String,
    pub message: String,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A message waiting for delivery by SMS or e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: String,
    pub user_id: i64,
    pub body: String,
}

/// Notifications and the outbox.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Writes notices now (and their outbox messages), in one transaction.
    async fn send_notices(&self, notices: &[Notice], at: DateTime<Utc>) -> StoreResult<()>;
    /// Writes notices about `subject` of `kind` (an overdue complaint, a training due) the first time
    /// only, in one transaction with the record that they were sent: true when this call sent them.
    async fn tell_once(&self, kind: &str, subject: &str, notices: &[Notice], at: DateTime<Utc>) -> StoreResult<bool>;
    /// Which of `subjects` of `kind` were told already (read only: a run that has nothing new to tell
    /// writes nothing).
    async fn told_already(&self, kind: &str, subjects: &[String]) -> StoreResult<std::collections::HashSet<String>>;
    /// The subjects of `kind` told since `since`, with when, the newest first.
    async fn told_since(&self, kind: &str, since: DateTime<Utc>) -> StoreResult<Vec<(String, DateTime<Utc>)>>;
    /// A user's notifications, newest first, without those about cases that accuse one of
    /// `blind` (GEN-7); the unread count likewise.
    async fn notifications(&self, user_id: i64, blind: &Blindness, limit: i64) -> StoreResult<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: i64, blind: &Blindness) -> StoreResult<i64>;
    /// Marks one of the user's notifications read; false if it is not theirs.
    async fn mark_notification_read(&self, user_id: i64, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Marks every unread notification of the user read; how many were.
    async fn mark_all_notifications_read(&self, user_id: i64, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Claims up to `limit` unsent messages for one sender, oldest first: messages no one claimed,
    /// or whose claim is older than `stale_before` (a sender that died). Several senders at once
    /// never claim the same message.
    async fn outbox_claim(
        &self,
        limit: i64,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<Vec<OutboxMessage>>;
    async fn outbox_mark_sent(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;
    /// How many messages wait to be sent.
    async fn outbox_waiting(&self) -> StoreResult<i64>;
}
