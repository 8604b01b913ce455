//! 消息发送 (issue 23): the outbox delivered — notices by e-mail ([`mail`], SMTP) and by SMS
//! ([`sms`], the province's HTTP gateway) — with retries and the dead letters administrators see.
//!
//! Each run claims a batch (`NoticeStore::outbox_claim`, so that servers delivering at once send each
//! message once) and tries each message once. A failure is recorded with its reason and tried again
//! after a wait that doubles (`huiyin_core::delivery::after_failure`); a permanent refusal or the
//! last attempt gives it up, a dead letter listed on 消息发送 until an administrator sends it again.
//! Once a channel's server has failed in a run, the rest of that channel's batch waits as long as
//! the failed message (`NoticeStore::outbox_postpone`, no attempt counted), so that a mail server
//! that is down costs one timeout a run, not one a message. A channel without a configured sender writes its messages to the
//! server's log, as before there were senders.

pub mod mail;
pub mod sms;

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use huiyin_core::delivery::{AfterFailure, DeliveryFailure, GatewayTemplate, after_failure, mobile_number};
use huiyin_store::{OutboxMessage, Store};
use serde::Serialize;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

pub use mail::MailSender;
pub use sms::SmsSender;

/// How long a sender's claim on outbox messages holds before another sender may take them.
const OUTBOX_LEASE_MINUTES: i64 = 10;

/// How many messages a run claims.
const BATCH: i64 = 100;

/// How the server reaches its mail server and SMS gateway, as `serve` is told.
#[derive(Debug, Clone, Default)]
pub struct DeliveryConfig {
    /// `smtps://user:password@host`, `smtp://host:587?tls=required`, `smtp://127.0.0.1:25`.
    pub smtp_url: Option<String>,
    /// The sender's address: `回音信访系统 <xinfang@example.gov.cn>`.
    pub mail_from: Option<String>,
    /// The SMS gateway's template (TOML, docs/DEPLOY.md).
    pub sms_gateway: Option<PathBuf>,
    /// Root certificates (PEM) trusted instead of the public ones, for servers under the
    /// government's own certificate authority.
    pub tls_ca: Option<PathBuf>,
    /// Seconds before a failed message is first tried again (the waits double from it).
    pub retry_wait: i64,
}

/// The senders a server has: none, one or both.
pub struct Senders {
    pub mail: Option<MailSender>,
    pub sms: Option<SmsSender>,
    /// Seconds before a failed message is first tried again.
    pub retry_wait: i64,
}

impl Default for Senders {
    /// No sender: every message is written to the log.
    fn default() -> Senders {
        Senders { mail: None, sms: None, retry_wait: 60 }
    }
}

impl Senders {
    /// The senders configured, each checked now (a template that cannot work, a mail URL that
    /// would send in clear text, a certificate file that does not read): a server does not start
    /// with a sender that would fail every message.
    pub fn from_config(config: &DeliveryConfig) -> Result<Senders, String> {
        let roots = match &config.tls_ca {
            Some(path) => Some(std::fs::read(path).map_err(|e| format!("--tls-ca {}: {e}", path.display()))?),
            None => None,
        };
        let mail = match (&config.smtp_url, &config.mail_from) {
            (Some(url), Some(from)) => Some(MailSender::new(url, from, roots.as_deref())?),
            (Some(_), None) => return Err("--smtp-url needs --mail-from (the address messages come from)".into()),
            (None, Some(_)) => return Err("--mail-from needs --smtp-url".into()),
            (None, None) => None,
        };
        let sms = match &config.sms_gateway {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| format!("--sms-gateway {}: {e}", path.display()))?;
                let template = GatewayTemplate::parse(&text, |name| std::env::var(name).ok())
                    .map_err(|e| format!("--sms-gateway {}: {e}", path.display()))?;
                Some(SmsSender::new(template, roots.as_deref())?)
            }
            None => None,
        };
        Ok(Senders { mail, sms, retry_wait: config.retry_wait })
    }
}

/// What a run of the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Delivered {
    /// Delivered (or written to the log, for a channel without a sender).
    pub sent: u64,
    /// Failed, to be tried again.
    pub failed: u64,
    /// Given up: dead letters.
    pub given_up: u64,
    /// Left, without an attempt counted, until their channel's failed message is tried again.
    pub held: u64,
}

/// How long a run goes on sending before it gives the rest of its batch back: well within its
/// claim (`OUTBOX_LEASE_MINUTES`), so that no other sender takes a message this one still sends.
const RUN_MINUTES: i64 = 4;

/// Delivers a batch of the outbox: the channels this server has a sender for (a message of a
/// channel it cannot send waits for a server that can).
pub async fn deliver(store: &dyn Store, senders: &Senders) -> AppResult<Delivered> {
    let mut channels = Vec::new();
    if senders.mail.is_some() {
        channels.push("email");
    }
    if senders.sms.is_some() {
        channels.push("sms");
    }
    let mut done = Delivered::default();
    if channels.is_empty() {
        return Ok(done);
    }
    let now = Utc::now();
    let stop_at = now + Duration::minutes(RUN_MINUTES);
    // The channels whose server failed in this run: the rest of their messages wait for the next.
    let mut failing: Vec<String> = Vec::new();
    let metrics = crate::metrics::metrics();
    for message in store.outbox_claim(BATCH, now, now - Duration::minutes(OUTBOX_LEASE_MINUTES), &channels).await? {
        let outcome = match prepare(&message) {
            Err(failure) => Err(failure),
            Ok(prepared) => {
                if failing.contains(&message.channel) || Utc::now() > stop_at {
                    store.outbox_release(&message).await?;
                    done.held += 1;
                    continue;
                }
                dispatch(senders, &message, prepared).await
            }
        };
        match outcome {
            Ok(()) => {
                if store.outbox_mark_sent(&message, Utc::now()).await? {
                    metrics.outbox_sent.inc();
                    done.sent += 1;
                } else {
                    tracing::warn!(outbox_id = message.id, "outbox message sent after its claim lapsed");
                }
            }
            Err(failure) => {
                metrics.outbox_failures.inc();
                let attempts = message.attempts + 1;
                let at = Utc::now();
                let retry_at = match after_failure(attempts, &failure, senders.retry_wait) {
                    AfterFailure::RetryInSeconds(seconds) => Some(at + Duration::seconds(seconds)),
                    AfterFailure::GiveUp => None,
                };
                tracing::warn!(
                    outbox_id = message.id,
                    channel = %message.channel,
                    attempts,
                    given_up = retry_at.is_none(),
                    reason = %failure.reason,
                    "outbox message not delivered"
                );
                store.outbox_mark_failed(&message, at, &failure.reason, retry_at).await?;
                if retry_at.is_some() {
                    done.failed += 1;
                } else {
                    done.given_up += 1;
                }
                // A server that failed is asked nothing more this run; a recipient's own refusal
                // (no address, an unknown mailbox) says nothing of the server.
                if !failure.permanent {
                    failing.push(message.channel.clone());
                }
            }
        }
    }
    Ok(done)
}

/// How a message is to go, as decided before anything is sent.
enum Prepared {
    /// By e-mail, to this address.
    Mail(String),
    /// By SMS, to this mobile number.
    Sms(String),
}

/// Where a message goes: a recipient disabled since, or without the address its channel needs
/// (an e-mail address removed, a landline for an SMS), fails for good before any server is asked.
fn prepare(message: &OutboxMessage) -> Result<Prepared, DeliveryFailure> {
    if !message.active {
        return Err(DeliveryFailure::permanent("收件人的账号已停用"));
    }
    match message.channel.as_str() {
        "email" => message
            .email
            .clone()
            .map(Prepared::Mail)
            .ok_or_else(|| DeliveryFailure::permanent("收件人没有电子邮箱地址")),
        "sms" => {
            let phone = message.phone.as_deref().ok_or_else(|| DeliveryFailure::permanent("收件人没有联系电话"))?;
            mobile_number(phone)
                .map(Prepared::Sms)
                .ok_or_else(|| DeliveryFailure::permanent("收件人的联系电话不是手机号码,无法发送短信"))
        }
        other => Err(DeliveryFailure::permanent(format!("未知的发送方式: {other}"))),
    }
}

/// One attempt at one message, through its channel's server.
async fn dispatch(senders: &Senders, message: &OutboxMessage, prepared: Prepared) -> Result<(), DeliveryFailure> {
    match (prepared, &senders.mail, &senders.sms) {
        (Prepared::Mail(address), Some(mail), _) => mail.send(message.id, &address, &message.body).await,
        (Prepared::Sms(mobile), _, Some(sms)) => sms.send(message.id, &mobile, &message.body).await,
        // Only the channels with a sender are claimed.
        _ => Err(DeliveryFailure::transient("本服务器未设置该发送方式")),
    }
}

/// The senders as the administrators' page shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Channels {
    /// The mail server (`host:port`), or none: e-mail is written to the server's log.
    pub mail_server: Option<String>,
    /// The SMS gateway's host, or none: SMS is written to the server's log.
    pub sms_gateway: Option<String>,
    /// Messages to the staff of the caller's units waiting to be sent (by a server with a sender
    /// for their way; a way no server sends is dropped after a week).
    pub waiting: i64,
    /// Of those, the messages waiting to be tried again after a failure.
    pub retrying: i64,
    /// Why the most recent of those failed (a server's answer).
    pub retry_reason: Option<String>,
    /// Messages to the staff of the caller's units given up.
    pub dead: i64,
}

/// A dead letter as an administrator sees it: to whom, how, why, and when — never its text, which
/// may speak of a case the administrator may not read (GEN-7).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadLetterView {
    pub id: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The recipient as named on records: 王秀英（接访员，工作证号 XS-001）.
    pub recipient: String,
    /// The recipient's unit.
    pub unit: String,
    pub attempts: i64,
    /// Why it was given up: what the last attempt was told.
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub given_up_at: DateTime<Utc>,
}

/// The senders and the outbox's counts, for an administrator.
pub async fn channels(state: &AppState, actor: &Actor) -> AppResult<Channels> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let senders = state.senders();
    let summary = state.store.outbox_summary(&actor.scope).await?;
    Ok(Channels {
        mail_server: senders.mail.as_ref().map(|m| m.server.clone()),
        sms_gateway: senders.sms.as_ref().map(|s| s.gateway.clone()),
        waiting: summary.waiting,
        retrying: summary.retrying,
        retry_reason: summary.retry_reason,
        dead: summary.dead,
    })
}

/// The most dead letters listed at once.
const DEAD_LETTERS_SHOWN: i64 = 500;

/// The dead letters to the staff of the administrator's scope, the most recently given up first.
pub async fn dead_letters(state: &AppState, actor: &Actor) -> AppResult<Vec<DeadLetterView>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let units: std::collections::HashMap<i64, String> =
        state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut shown = Vec::new();
    for letter in state.store.outbox_dead_letters(&actor.scope, DEAD_LETTERS_SHOWN).await? {
        let Some(user) = state.store.user_by_id(letter.user_id).await? else { continue };
        let unit = units.get(&user.unit_id).cloned().unwrap_or_else(|| user.unit_code.clone());
        shown.push(DeadLetterView {
            id: letter.id,
            channel: letter.channel,
            recipient: crate::accounts::name_title_credential(&user),
            unit,
            attempts: letter.attempts,
            reason: letter.last_error,
            created_at: letter.created_at,
            given_up_at: letter.dead_at,
        });
    }
    Ok(shown)
}

/// Sends a dead letter again (after its recipient's telephone or address was corrected, or the
/// mail server mended), with its attempts counted afresh; on the audit log. A letter outside the
/// administrator's scope is not found, as one that does not exist.
pub async fn send_again(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let letter =
        state.store.outbox_dead_letter(id).await?.filter(|l| actor.sees_unit(l.unit_id)).ok_or(AppError::NotFound)?;
    if !state.store.outbox_send_again(letter.id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    let user = state.store.user_by_id(letter.user_id).await?.ok_or(AppError::NotFound)?;
    crate::audit::record(
        state,
        actor,
        "outbox.send_again",
        crate::audit::Target::user(&user),
        None,
        Some(serde_json::json!({ "message": letter.id, "channel": letter.channel })),
    )
    .await;
    Ok(())
}
