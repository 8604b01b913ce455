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

/// A message waiting for delivery by SMS or e-mail, with its recipient's telephone and e-mail
/// address as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    /// `sms` or `email`.
    pub channel: String,
    pub user_id: i64,
    pub body: String,
    /// The attempts made before this one.
    pub attempts: i64,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Whether the recipient's account is active (one disabled since gets nothing more).
    pub active: bool,
    /// This sender's claim: what it writes of the message holds only while the claim is its own.
    pub claimed_at: DateTime<Utc>,
}

/// The outbox as an administrator's units see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    /// Messages waiting to be sent (dead letters not counted).
    pub waiting: i64,
    /// Of those, the messages waiting to be tried again after a failure.
    pub retrying: i64,
    /// The most recent failure's reason among them.
    pub retry_reason: Option<String>,
    /// Dead letters.
    pub dead: i64,
}

/// A message given up after its last attempt or a permanent refusal (a dead letter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: i64,
    pub channel: String,
    pub user_id: i64,
    /// The recipient's unit, for whose administrators see it.
    pub unit_id: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub dead_at: DateTime<Utc>,
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
    /// Claims up to `limit` unsent messages of `channels` (those this sender can send) for one
    /// sender, oldest first: messages due (never a dead letter, never one before its retry time)
    /// that no one claimed, or whose claim is older than `stale_before` (a sender that died).
    /// Several senders at once never claim the same message.
    async fn outbox_claim(
        &self,
        limit: i64,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
        channels: &[&str],
    ) -> StoreResult<Vec<OutboxMessage>>;
    /// Marks a claimed message sent; false if the claim was no longer this sender's.
    async fn outbox_mark_sent(&self, message: &OutboxMessage, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Records a failed attempt with its reason: the message is claimable again from `retry_at`,
    /// or, when `None`, given up (a dead letter); false if the claim was no longer this sender's.
    async fn outbox_mark_failed(
        &self,
        message: &OutboxMessage,
        at: DateTime<Utc>,
        reason: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<bool>;
    /// Gives a claimed message back untried, for the next run to claim (its channel's server
    /// failed for another message of this run).
    async fn outbox_release(&self, message: &OutboxMessage) -> StoreResult<()>;
    /// Removes the messages nobody ever tried created before `before` (a channel no server of
    /// the installation sends: without a mail server or gateway); how many.
    async fn outbox_prune(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// The counts and the latest retry's reason of the messages to staff of `units`.
    async fn outbox_summary(&self, units: &[i64]) -> StoreResult<OutboxSummary>;
    /// The dead letters to staff of `units`, the most recently given up first.
    async fn outbox_dead_letters(&self, units: &[i64], limit: i64) -> StoreResult<Vec<DeadLetter>>;
    /// One dead letter.
    async fn outbox_dead_letter(&self, id: i64) -> StoreResult<Option<DeadLetter>>;
    /// Sends a dead letter again from `at`, with its attempts counted afresh; false if it is not
    /// a dead letter (sent again already, or no such message).
    async fn outbox_send_again(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// How many messages wait to be sent (dead letters not counted).
    async fn outbox_waiting(&self) -> StoreResult<i64>;
    /// How many dead letters there are.
    async fn outbox_dead(&self) -> StoreResult<i64>;
}
