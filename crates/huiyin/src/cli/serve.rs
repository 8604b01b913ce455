//! `huiyin serve`, `huiyin supervise` and `huiyin migrate`: the server with its supervision loop.

use std::net::SocketAddr;

use huiyin_app::AppState;
use huiyin_app::context::{new_token, token_hash};

use super::{Cli, Failure, app_state, load_secret, open_store};

/// Runs `huiyin supervise` once.
pub(crate) async fn supervise(cli: &Cli) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    let calendar = huiyin_app::context::load_calendar(store.as_ref()).await?;
    let run = huiyin_app::supervision::supervise(store.as_ref(), &calendar, chrono::Utc::now())
        .await
        .map_err(|e| Failure(e.to_string()))?;
    let sent = huiyin_app::supervision::deliver_outbox(store.as_ref()).await.map_err(|e| Failure(e.to_string()))?;
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
    Ok(())
}

/// Runs `huiyin migrate`.
pub(crate) async fn migrate(cli: &Cli) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    println!("数据库已是最新结构({})", store.backend());
    Ok(())
}

/// Runs supervision and the outbox every `every` seconds until the server stops.
/// How often a server looks whether a job every `every` is due: a quarter of it, between a second
/// and a minute, so that a job runs close to its time whichever server takes it.
fn tick_for(every: std::time::Duration) -> std::time::Duration {
    (every / 4).clamp(std::time::Duration::from_secs(1), std::time::Duration::from_secs(60))
}

/// Supervision and the outbox every `every` seconds, on one server of the installation at a time
/// (`huiyin_app::jobs`).
fn spawn_supervision(state: AppState, every: u64) {
    if every == 0 {
        return;
    }
    let every = std::time::Duration::from_secs(every);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(tick_for(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let turn = huiyin_app::jobs::take_turn(&state, "supervision", every, async {
                let calendar = state.calendar().await;
                let run = huiyin_app::supervision::supervise(state.store.as_ref(), &calendar, chrono::Utc::now()).await;
                // The outbox is delivered even when supervision failed.
                let sent = huiyin_app::supervision::deliver_outbox(state.store.as_ref()).await;
                Ok((run?, sent?))
            })
            .await;
            match turn {
                Ok(Some((run, sent))) => tracing::info!(?run, sent, "supervision run"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "supervision run failed"),
            }
        }
    });
}

pub(super) async fn serve(
    cli: &Cli,
    listen: &str,
    supervise_every: u64,
    trusted_proxies: &[std::net::IpAddr],
    (secure_cookies, metrics_token): (bool, Option<&str>),
    backups: &BackupSchedule,
) -> Result<(), Failure> {
    let every = backups.interval()?;
    let addr: SocketAddr =
        listen.parse().map_err(|_| Failure(format!("监听地址无效:{listen}(示例:127.0.0.1:8080)")))?;
    let store = open_store(&cli.database_url).await?;
    let secret = load_secret(cli)?;
    let state = app_state(cli, store.clone(), secret)
        .await?
        .with_trusted_proxies(trusted_proxies.to_vec())
        .with_secure_cookies(secure_cookies)
        .with_metrics_token(metrics_token.map(str::to_owned));
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
    spawn_supervision(state.clone(), supervise_every);
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
        let text = self.backup_every.trim();
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
            return Err(Failure(format!("--backup-every 无效:{text}(示例:1d、24h、30m)")));
        }
        Ok(Some(std::time::Duration::from_secs(seconds)))
    }
}

/// Makes a backup now and then at every interval, in the background, on one server of the
/// installation at a time (`huiyin_app::jobs`).
fn spawn_backups(
    state: huiyin_app::AppState,
    dir: std::path::PathBuf,
    every: std::time::Duration,
    keep: usize,
    secret: Option<Vec<u8>>,
) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(tick_for(every));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // The outcome is on the audit log and in /metrics; a failure is tried again next time.
            let _ = huiyin_app::jobs::take_turn(&state, "backup", every, async {
                huiyin_app::transfer::scheduled_backup(&state, &dir, keep, secret.clone()).await
            })
            .await;
        }
    });
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
