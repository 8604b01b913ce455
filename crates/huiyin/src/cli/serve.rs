//! `huiyin serve`, `huiyin supervise` and `huiyin migrate`: the server with its background jobs
//! (supervision, the outbox's delivery, scheduled backups).

use std::net::SocketAddr;

use huiyin_app::AppState;
use huiyin_app::context::{new_token, token_hash};

use super::{Cli, Failure, app_state, load_secret, open_store};

/// 消息发送 (issue 23): how the outbox reaches the mail server and the SMS gateway; `serve` and
/// `supervise` alike.
#[derive(clap::Args)]
pub(crate) struct DeliveryArgs {
    /// The mail server: `smtps://user:password@mail.example.gov.cn` (TLS), or
    /// `smtp://mail.example.gov.cn:587?tls=required` (STARTTLS); plain `smtp://` only to a relay on
    /// this machine. None: e-mail notices are written to the log.
    #[arg(long, env = "HUIYIN_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The address notices come from: `回音信访系统 <xinfang@example.gov.cn>`.
    #[arg(long, env = "HUIYIN_MAIL_FROM")]
    mail_from: Option<String>,
    /// The SMS gateway's request template (TOML; docs/DEPLOY.md). None: SMS notices are written
    /// to the log.
    #[arg(long, env = "HUIYIN_SMS_GATEWAY")]
    sms_gateway: Option<std::path::PathBuf>,
    /// Root certificates (PEM) trusted for the mail server and the gateway instead of the public
    /// ones (a government certificate authority).
    #[arg(long, env = "HUIYIN_TLS_CA")]
    tls_ca: Option<std::path::PathBuf>,
    /// The wait before a message that failed is tried again, doubling each time up to an hour
    /// (`30s`, `1m`, `5m`); a message is given up after its eighth attempt.
    #[arg(long, env = "HUIYIN_RETRY_WAIT", default_value = "1m")]
    retry_wait: String,
}

impl DeliveryArgs {
    /// The senders, each checked before the server starts.
    fn senders(&self) -> Result<huiyin_app::delivery::Senders, Failure> {
        let config = huiyin_app::delivery::DeliveryConfig {
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            sms_gateway: self.sms_gateway.clone(),
            tls_ca: self.tls_ca.clone(),
            retry_wait: match interval("--retry-wait", &self.retry_wait)?.as_secs() {
                seconds @ 1..=86_400 => i64::try_from(seconds).unwrap_or(86_400),
                _ => return Err(Failure(format!("--retry-wait 无效:{}(1s 到 1d 之间)", self.retry_wait))),
            },
        };
        huiyin_app::delivery::Senders::from_config(&config).map_err(|e| Failure(format!("消息发送设置无效:{e}")))
    }
}

/// An interval as written: a number with `d`, `h`, `m` or `s` (`1d`, `24h`, `30m`, `90s`).
fn interval(flag: &str, text: &str) -> Result<std::time::Duration, Failure> {
    let text = text.trim();
    let split = text.char_indices().last().map_or(0, |(at, _)| at);
    let (number, unit) = text.split_at(split);
    let seconds = match (number.parse::<u64>(), unit) {
        (Ok(n), "d") => n.saturating_mul(86_400),
        (Ok(n), "h") => n.saturating_mul(3600),
        (Ok(n), "m") => n.saturating_mul(60),
        (Ok(n), "s") => n,
        _ => 0,
    };
    if seconds == 0 {
        return Err(Failure(format!("{flag} 无效:{text}(示例:1d、24h、30m、90s)")));
    }
    Ok(std::time::Duration::from_secs(seconds))
}

/// Runs `huiyin supervise` once.
pub(crate) async fn supervise(cli: &Cli, delivery: &DeliveryArgs) -> Result<(), Failure> {
    let senders = delivery.senders()?;
    let store = open_store(&cli.database_url).await?;
    let calendar = huiyin_app::context::load_calendar(store.as_ref()).await?;
    let run = huiyin_app::supervision::supervise(store.as_ref(), &calendar, chrono::Utc::now())
        .await
        .map_err(|e| Failure(e.to_string()))?;
    let delivered =
        huiyin_app::delivery::deliver(store.as_ref(), &senders).await.map_err(|e| Failure(e.to_string()))?;
    let sent = delivered.sent;
    println!(
        "督办:提醒 {} 件,新开督办 {} 件,升级 {} 件,关闭 {} 件;未按时公示领导接访安排的单位 {} 个;超期未办结的投诉 {} 件;超过培训间隔的人员 {} 名;未按期开会的社区组织 {} 个;未按期排查上报的单位 {} 个;排查事项提醒和督办 {} 次;发出消息 {sent} 条。",
        run.reminded,
        run.opened,
        run.escalated,
        run.closed,
        run.reception_unpublished,
        run.complaints_overdue,
        run.training_due,
        run.meetings_missed,
        run.screenings_missed,
        run.screening_matters
    );
    if delivered.failed + delivered.given_up + delivered.held > 0 {
        println!(
            "消息:{} 条未能送出,稍后重试;{} 条已放弃(见 消息发送 页);{} 条留待下次。",
            delivered.failed, delivered.given_up, delivered.held
        );
    }
    Ok(())
}

/// Runs `huiyin migrate`.
pub(crate) async fn migrate(cli: &Cli) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    println!("数据库已是最新结构({})", store.backend());
    Ok(())
}

/// How often a server looks whether a job every `every` is due: a quarter of it, between a second
/// and a minute, so that a job runs close to its time whichever server takes it.
fn tick_for(every: std::time::Duration) -> std::time::Duration {
    (every / 4).clamp(std::time::Duration::from_secs(1), std::time::Duration::from_secs(60))
}

/// Runs a background job every `every` on one server of the installation at a time
/// (`huiyin_app::jobs`): `work` is one turn, `report` logs what a turn did; a failed turn is logged
/// and the job tried again at its next tick.
fn spawn_job<T: Send + 'static>(
    state: AppState,
    job: &'static str,
    every: std::time::Duration,
    work: impl Fn(AppState) -> Turn<T> + Send + 'static,
    report: fn(&T),
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(tick_for(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match huiyin_app::jobs::take_turn(&state, job, every, work(state.clone())).await {
                Ok(Some(done)) => report(&done),
                Ok(None) => {}
                Err(e) => tracing::error!(job, error = %e, "background job failed"),
            }
        }
    });
}

/// One turn of a background job.
type Turn<T> = std::pin::Pin<Box<dyn std::future::Future<Output = huiyin_app::error::AppResult<T>> + Send>>;

/// Supervision every `every` seconds, and the outbox delivered every `deliver_every` (0: not run).
fn spawn_supervision_and_delivery(state: &AppState, every: u64, deliver_every: u64) {
    if every > 0 {
        let supervise = |state: AppState| -> Turn<_> {
            Box::pin(async move {
                let calendar = state.calendar().await;
                huiyin_app::supervision::supervise(state.store.as_ref(), &calendar, chrono::Utc::now()).await
            })
        };
        let every = std::time::Duration::from_secs(every);
        spawn_job(state.clone(), "supervision", every, supervise, |run| tracing::info!(?run, "supervision run"));
    }
    if deliver_every > 0 {
        let deliver = |state: AppState| -> Turn<_> {
            Box::pin(async move { huiyin_app::delivery::deliver(state.store.as_ref(), state.senders()).await })
        };
        let every = std::time::Duration::from_secs(deliver_every);
        spawn_job(state.clone(), "outbox", every, deliver, |done| {
            if *done != huiyin_app::delivery::Delivered::default() {
                tracing::info!(?done, "outbox delivered");
            }
        });
    }
}

pub(super) async fn serve(
    cli: &Cli,
    listen: &str,
    (supervise_every, deliver_every): (u64, u64),
    trusted_proxies: &[std::net::IpAddr],
    (secure_cookies, metrics_token): (bool, Option<&str>),
    (backups, delivery): (&BackupSchedule, &DeliveryArgs),
) -> Result<(), Failure> {
    let every = backups.interval()?;
    let senders = delivery.senders()?;
    let addr: SocketAddr =
        listen.parse().map_err(|_| Failure(format!("监听地址无效:{listen}(示例:127.0.0.1:8080)")))?;
    let store = open_store(&cli.database_url).await?;
    let secret = load_secret(cli)?;
    let state = app_state(cli, store.clone(), secret)
        .await?
        .with_trusted_proxies(trusted_proxies.to_vec())
        .with_secure_cookies(secure_cookies)
        .with_metrics_token(metrics_token.map(str::to_owned))
        .with_senders(senders);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| Failure(format!("无法监听 {addr}:{e}")))?;
    let local = listener.local_addr()?;
    println!("huiyin listening on http://{local} ({})", store.backend());
    let (indexed, cases) = store.search_coverage().await?;
    if indexed < cases {
        println!("注意:{} 件信访件尚未建立检索索引,请运行 huiyin reindex", cases - indexed);
    }
    if huiyin_app::accounts::needs_first_administrator(&state).await? {
        let token = new_token("")?;
        store.put_setup_token(&token_hash(&token), chrono::Utc::now()).await?;
        println!("首次设置:请在浏览器打开 http://{local}/setup/{token} 创建管理员(链接只能使用一次)");
    }
    spawn_supervision_and_delivery(&state, supervise_every, deliver_every);
    let senders = state.senders();
    if let Some(mail) = &senders.mail {
        println!("邮件通知:经 {} 发送", mail.server);
    }
    if let Some(sms) = &senders.sms {
        println!("短信通知:经 {} 发送", sms.gateway);
    }
    if let (Some(dir), Some(every)) = (&backups.backup_dir, every) {
        let secret = if backups.backup_with_secret { Some(std::fs::read(super::secret_path(cli))?) } else { None };
        spawn_backups(state.clone(), dir.clone(), every, backups.backup_keep, secret);
        println!("自动备份:每 {} 写入 {},保留最近 {} 份", backups.backup_every, dir.display(), backups.backup_keep);
    }
    huiyin_web::serve(listener, state, shutdown_signal()).await?;
    println!("huiyin stopped");
    Ok(())
}

/// 自动备份 (issue 23): `serve` backs the database up into a folder at an interval, keeping the
/// newest few.
#[derive(clap::Args)]
pub(crate) struct BackupSchedule {
    /// The folder scheduled backups go into (none: no scheduled backup).
    #[arg(long, env = "HUIYIN_BACKUP_DIR")]
    backup_dir: Option<std::path::PathBuf>,
    /// How often: a number with `d`, `h`, `m` or `s` (`1d`, `24h`, `30m`); the first when none is
    /// due later (at the installation's first start).
    #[arg(long, env = "HUIYIN_BACKUP_EVERY", default_value = "24h")]
    backup_every: String,
    /// How many backups to keep in the folder (the oldest beyond are removed).
    #[arg(long, env = "HUIYIN_BACKUP_KEEP", default_value_t = 7)]
    backup_keep: usize,
    /// Puts the secret key file in each backup (keep the folder as you keep the key).
    #[arg(long, env = "HUIYIN_BACKUP_WITH_SECRET")]
    backup_with_secret: bool,
}

impl BackupSchedule {
    /// The interval, when backups are asked for.
    fn interval(&self) -> Result<Option<std::time::Duration>, Failure> {
        if self.backup_dir.is_none() {
            return Ok(None);
        }
        interval("--backup-every", &self.backup_every).map(Some)
    }
}

/// Makes a backup now and then at every interval, in the background, on one server of the
/// installation at a time (`huiyin_app::jobs`); the outcome is on the audit log and in `/metrics`.
fn spawn_backups(
    state: huiyin_app::AppState,
    dir: std::path::PathBuf,
    every: std::time::Duration,
    keep: usize,
    secret: Option<Vec<u8>>,
) {
    let backup = move |state: AppState| -> Turn<_> {
        let (dir, secret) = (dir.clone(), secret.clone());
        Box::pin(async move { huiyin_app::transfer::scheduled_backup(&state, &dir, keep, secret).await })
    };
    spawn_job(state, "backup", every, backup, |_| {});
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
