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
fn spawn_supervision(state: AppState, every: u64) {
    if every == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
        loop {
            tick.tick().await;
            let calendar = state.calendar().await;
            match huiyin_app::supervision::supervise(state.store.as_ref(), &calendar, chrono::Utc::now()).await {
                Ok(run) => tracing::info!(?run, "supervision run"),
                Err(e) => tracing::error!(error = %e, "supervision run failed"),
            }
            if let Err(e) = huiyin_app::supervision::deliver_outbox(state.store.as_ref()).await {
                tracing::error!(error = %e, "outbox delivery failed");
            }
        }
    });
}

pub(super) async fn serve(
    cli: &Cli,
    listen: &str,
    supervise_every: u64,
    trusted_proxies: &[std::net::IpAddr],
    secure_cookies: bool,
) -> Result<(), Failure> {
    let addr: SocketAddr =
        listen.parse().map_err(|_| Failure(format!("监听地址无效:{listen}(示例:127.0.0.1:8080)")))?;
    let store = open_store(&cli.database_url).await?;
    let secret = load_secret(cli)?;
    let state = app_state(cli, store.clone(), secret)
        .await?
        .with_trusted_proxies(trusted_proxies.to_vec())
        .with_secure_cookies(secure_cookies);
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
    huiyin_web::serve(listener, state, shutdown_signal()).await?;
    println!("huiyin stopped");
    Ok(())
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
