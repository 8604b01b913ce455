//! Group commit for registrations: concurrent registrations are written together in one
//! transaction, so that the cost of a commit (and its fsync) is shared. Each caller is answered only
//! after the transaction that holds its case has committed, so nothing acknowledged is lost.

use std::sync::Arc;

use huiyin_store::{NewCase, Store, StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// How many registrations one transaction takes at most.
const MAX_BATCH: usize = 64;

type Reply = oneshot::Sender<StoreResult<i64>>;

/// The handle callers use; the writing task runs as long as a handle exists.
#[derive(Clone)]
pub struct Registrar {
    queue: mpsc::Sender<(NewCase, Reply)>,
}

impl Registrar {
    /// Starts the writing task on the current runtime.
    pub fn start(store: Arc<dyn Store>) -> Registrar {
        let (queue, mut pending) = mpsc::channel::<(NewCase, Reply)>(MAX_BATCH * 4);
        tokio::spawn(async move {
            let mut batch: Vec<(NewCase, Reply)> = Vec::with_capacity(MAX_BATCH);
            while pending.recv_many(&mut batch, MAX_BATCH).await > 0 {
                write(store.as_ref(), std::mem::take(&mut batch)).await;
            }
        });
        Registrar { queue }
    }

    /// Registers one case; returns its id once it is committed.
    pub async fn register(&self, case: NewCase) -> StoreResult<i64> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::Corrupt("the registration writer has stopped".into());
        self.queue.send((case, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// Writes a batch in one transaction. If it fails, each case is written alone, so that one bad case
/// (a unit deleted meanwhile, say) refuses only its own caller.
async fn write(store: &dyn Store, batch: Vec<(NewCase, Reply)>) {
    let (cases, replies): (Vec<NewCase>, Vec<Reply>) = batch.into_iter().unzip();
    crate::metrics::metrics().registration_batch.observe(cases.len() as f64);
    match store.register_cases(&cases).await {
        Ok(ids) => {
            for (reply, id) in replies.into_iter().zip(ids) {
                let _ = reply.send(Ok(id));
            }
        }
        Err(_) if cases.len() > 1 => {
            for (case, reply) in cases.into_iter().zip(replies) {
                let result = store.register_cases(std::slice::from_ref(&case)).await;
                let _ = reply.send(result.and_then(|ids| ids.first().copied().ok_or(StoreError::NotFound)));
            }
        }
        Err(e) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(e));
            }
        }
    }
}
