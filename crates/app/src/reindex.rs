//! The search index rebuilt in the background (issue 18): after administrators add dictionary
//! words, every case's search words are segmented again while the server keeps serving. One
//! rebuild runs at a time in a server; its progress (cases done of all) is read by the dictionary
//! page and `GET /api/v1/search/reindex`. It is held in memory: a server restarted mid-way starts
//! no rebuild by itself, and one started again rebuilds from the beginning (a rebuild may be
//! repeated without harm).

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// How far the rebuild has come.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ReindexProgress {
    /// A rebuild is under way.
    pub running: bool,
    /// Cases indexed so far.
    pub done: u64,
    /// Cases to index, counted when it started.
    pub total: u64,
    /// When the latest rebuild started; absent when none has run since the server started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended, done or failed.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Asked again while running (words were added meanwhile): it starts over when it ends, with
    /// the dictionary as it is then.
    pub again: bool,
}

/// The server's one rebuild and its progress.
#[derive(Default)]
pub struct ReindexJob(Mutex<ReindexProgress>);

impl ReindexJob {
    fn lock(&self) -> MutexGuard<'_, ReindexProgress> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The progress as it is now.
    pub fn progress(&self) -> ReindexProgress {
        self.lock().clone()
    }
}

/// Marks the rebuild ended when dropped while it still says it runs (a panic mid-way).
struct EndsRunning(Arc<ReindexJob>);

impl Drop for EndsRunning {
    fn drop(&mut self) {
        let mut progress = self.0.lock();
        if progress.running {
            progress.running = false;
            progress.again = false;
            progress.finished_at = Some(Utc::now());
            progress.error = Some("重建意外中断,请再次重建;如仍失败,请查看服务器日志。".into());
        }
    }
}

/// Starts rebuilding the search index in the background (administrators only), with the dictionary
/// as it is now. While one runs, another is not started beside it: the running one starts over once
/// it ends (`again`), so that words added meanwhile reach every case. The answer is the progress
/// just after asking.
pub async fn start(state: &AppState, actor: &Actor) -> AppResult<ReindexProgress> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let (_, cases) = state.store.search_coverage().await?;
    let job = state.reindex_job();
    {
        let mut progress = job.lock();
        if progress.running {
            progress.again = true;
            return Ok(progress.clone());
        }
        *progress = ReindexProgress {
            running: true,
            total: u64::try_from(cases).unwrap_or_default(),
            started_at: Some(Utc::now()),
            ..ReindexProgress::default()
        };
    }
    tracing::info!(cases, actor = %actor.user.username, "search index rebuild started");
    let after = Some(serde_json::json!({"reindex": "已开始"}));
    crate::audit::record(state, actor, "search.reindex", crate::audit::Target::installation("dictionary"), None, after)
        .await;
    let answer = job.progress();
    let state = state.clone();
    tokio::spawn(async move {
        // Should the rebuild panic, the guard still says it ended, so that the next may start.
        let _ended = EndsRunning(Arc::clone(&job));
        loop {
            let rebuilt = crate::search::reindex(state.store.as_ref(), state.segmenter().await, |n| {
                job.lock().done = n as u64;
            })
            .await;
            let analyzed = match rebuilt {
                Ok(done) => state.store.analyze().await.map(|()| done).map_err(AppError::from),
                Err(e) => Err(e),
            };
            let total = match state.store.search_coverage().await {
                Ok((_, cases)) => u64::try_from(cases).unwrap_or_default(),
                Err(_) => 0,
            };
            let mut progress = job.lock();
            match analyzed {
                Ok(done) if progress.again => {
                    tracing::info!(done, "search index rebuilt; starting over with the words added meanwhile");
                    *progress = ReindexProgress {
                        running: true,
                        total,
                        started_at: Some(Utc::now()),
                        ..ReindexProgress::default()
                    };
                    continue;
                }
                Ok(done) => {
                    progress.done = done as u64;
                    tracing::info!(done, "search index rebuilt");
                }
                Err(e) => {
                    tracing::error!(error = %e, "search index rebuild failed");
                    progress.error =
                        Some("重建中断,请稍后重试;如仍失败,请在服务器上运行 huiyin reindex 并查看日志。".into());
                }
            }
            progress.running = false;
            progress.again = false;
            progress.finished_at = Some(Utc::now());
            break;
        }
    });
    Ok(answer)
}
