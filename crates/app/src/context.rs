//! What every request handler shares: the store, the secret key, and the content classification.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hmac::{KeyInit, Mac};
use huiyin_core::calendar::{Calendar, YearFile};
use huiyin_core::case::QueryCode;
use huiyin_core::category::Category;
use huiyin_pdf::Typesetter;
use huiyin_search::Segmenter;
use huiyin_search::intake::DetectionRules;
use huiyin_store::{Store, StoreResult};

use crate::batcher::Registrar;
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;

/// The server's secret key. It keys the hashes of query codes, so that a copy of the database
/// alone does not let anyone look cases up. Kept in a file beside the data, never in the database.
#[derive(Clone)]
pub struct SecretKey(Arc<[u8; 32]>);

impl SecretKey {
    /// Reads the key file, creating it (mode 0600) with a new random key if it does not exist.
    pub fn load_or_create(path: &Path) -> std::io::Result<SecretKey> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{} must hold exactly 32 bytes", path.display()),
                    )
                })?;
                Ok(SecretKey(Arc::new(key)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let key = random_bytes::<32>()?;
                write_private(path, &key)?;
                Ok(SecretKey(Arc::new(key)))
            }
            Err(e) => Err(e),
        }
    }

    /// The keyed hash of a query code (hex). Lookups go by case number first, so equal codes of
    /// different cases need not hash apart.
    pub fn query_code_hash(&self, code: &QueryCode) -> String {
        hex(&self.mac("huiyin query code", code.digits().as_bytes()))
    }

    /// Seals a query code to be kept out of sight for a while (a submission record, a session): the
    /// digits plus a one-time pad derived from this key and `context`, which must be unique to this
    /// sealing. Without the key file the sealed digits say nothing of the code.
    pub fn seal_query_code(&self, context: &str, code: &QueryCode) -> String {
        let digits: u64 = code.digits().parse().unwrap_or_default();
        format!("{:08}", (digits + self.pad(context)) % 100_000_000)
    }

    /// Opens what [`seal_query_code`](Self::seal_query_code) sealed under the same `context`.
    pub fn unseal_query_code(&self, context: &str, sealed: &str) -> Option<QueryCode> {
        let sealed: u64 = sealed.parse().ok()?;
        QueryCode::parse(&format!("{:08}", (sealed + 100_000_000 - self.pad(context)) % 100_000_000))
    }

    fn pad(&self, context: &str) -> u64 {
        let mac = self.mac("receipt pad", context.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&mac[..8]);
        u64::from_le_bytes(first) % 100_000_000
    }

    /// HMAC-SHA256 of `data` under the key, for one `purpose` (each purpose its own domain).
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(buf)
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (hex) of a high-entropy secret such as an API token or a setup token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new random token for API access or first-run setup: 32 random bytes in hex, with a prefix
/// that says what it is.
pub fn new_token(prefix: &str) -> std::io::Result<String> {
    Ok(format!("{prefix}{}", hex(&random_bytes::<32>()?)))
}

/// A value read from the store and kept while its setting's version (`Store::setting_version`) stays
/// the same: an edit made on another app server is seen here at the next use.
pub struct Refreshed<T> {
    /// The setting's name in `setting_versions`.
    name: &'static str,
    kept: RwLock<(i64, Arc<T>)>,
}

impl<T> Refreshed<T> {
    fn new(name: &'static str, version: i64, value: T) -> Refreshed<T> {
        Refreshed { name, kept: RwLock::new((version, Arc::new(value))) }
    }

    /// The kept value while it is current, or a fresh one; on a storage error the last one.
    async fn get<F: Future<Output = StoreResult<T>>>(&self, store: &dyn Store, load: impl FnOnce() -> F) -> Arc<T> {
        let version = match store.setting_version(self.name).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, setting = self.name, "could not read a setting's version");
                return self.kept.read().await.1.clone();
            }
        };
        {
            let kept = self.kept.read().await;
            if kept.0 == version {
                return kept.1.clone();
            }
        }
        let mut kept = self.kept.write().await;
        if kept.0 == version {
            // Another request reloaded it while this one waited.
            return kept.1.clone();
        }
        // The version read before loading: a write during the load is seen at the next use.
        match load().await {
            Ok(fresh) => *kept = (version, Arc::new(fresh)),
            Err(e) => tracing::warn!(error = %e, setting = self.name, "could not reload a setting"),
        }
        kept.1.clone()
    }
}

/// Reads the calendar from the store; a year file that does not parse is skipped with a warning.
pub async fn load_calendar(store: &dyn Store) -> StoreResult<Calendar> {
    let mut calendar = Calendar::new();
    for (year, file) in store.holiday_years().await? {
        match YearFile::parse(&file) {
            Ok(parsed) => calendar.load(&parsed),
            Err(e) => tracing::warn!(year, error = %e, "a stored holiday year does not parse"),
        }
    }
    Ok(calendar)
}

/// Shared state of the web application.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub secret: SecretKey,
    /// Writes registrations in shared transactions (group commit).
    pub registrar: Registrar,
    classes: Arc<Refreshed<Vec<Category>>>,
    calendar: Arc<Refreshed<Calendar>>,
    typesetting: Arc<Typesetting>,
    search: Arc<SearchState>,
    public_guards: Arc<crate::public::memory::PublicGuards>,
    reindex: Arc<crate::reindex::ReindexJob>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Session cookies only over HTTPS (`huiyin serve --secure-cookies`).
    secure_cookies: bool,
    /// The bearer token `/metrics` asks for; none: `/metrics` is not served.
    metrics_token: Option<Arc<str>>,
    /// This server among the installation's (random at start): who holds a background job's turn.
    server_id: Arc<str>,
    /// The mail server and SMS gateway the outbox is delivered through (`serve --smtp-url …`).
    senders: Arc<crate::delivery::Senders>,
}

/// The word segmenter, rebuilt when its words change on any server (administrators' words, unit
/// and class names: the setting `dictionary`), and the detection thresholds.
pub struct SearchState {
    segmenter: Refreshed<Segmenter>,
    rules: DetectionRules,
}

/// A segmenter with the installation's words: unit names, content classes, administrators' words.
pub async fn load_segmenter(store: &dyn Store) -> StoreResult<Segmenter> {
    let mut words: Vec<String> = store.units().await?.into_iter().map(|u| u.name).collect();
    words.extend(store.categories().await?.into_iter().map(|c| c.name));
    words.extend(store.search_words().await?);
    // Loading the general dictionary takes a moment: off the async threads.
    tokio::task::spawn_blocking(move || Segmenter::new(words.iter().map(String::as_str)))
        .await
        .map_err(|e| huiyin_store::StoreError::Corrupt(format!("segmenter: {e}")))
}

/// The PDF typesetter, set up on first use: scanning the font folders takes a moment, and a server
/// that never prints should not pay for it (nor fail to start for want of fonts).
pub struct Typesetting {
    font_dirs: Vec<PathBuf>,
    typesetter: OnceLock<Result<Arc<Typesetter>, String>>,
}

impl Typesetting {
    /// The typesetter, or why there is none (no fonts in the configured folders). Blocks while the
    /// fonts are scanned the first time; call it off the async threads.
    pub fn get(&self) -> Result<Arc<Typesetter>, String> {
        self.typesetter
            .get_or_init(|| Typesetter::new(&self.font_dirs).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
    }
}

impl AppState {
    pub async fn new(store: Arc<dyn Store>, secret: SecretKey) -> StoreResult<AppState> {
        let (classes_version, calendar_version) =
            (store.setting_version("categories").await?, store.setting_version("calendar").await?);
        let classes = store.categories().await?;
        let calendar = load_calendar(store.as_ref()).await?;
        let dictionary_version = store.setting_version("dictionary").await?;
        let segmenter = load_segmenter(store.as_ref()).await?;
        // FED-9: the policies shipped with huiyin, added once.
        for (key, draft) in crate::policies::shipped() {
            match draft.parse() {
                Ok(policy) => {
                    store.add_policy(&policy, Some(key), None, None, chrono::Utc::now()).await?;
                }
                Err(e) => tracing::error!(policy = key, error = %e, "a shipped policy does not read"),
            }
        }
        Ok(AppState {
            registrar: Registrar::start(store.clone()),
            store,
            secret,
            classes: Arc::new(Refreshed::new("categories", classes_version, classes)),
            calendar: Arc::new(Refreshed::new("calendar", calendar_version, calendar)),
            typesetting: Arc::new(Typesetting {
                font_dirs: Typesetter::default_font_dirs(),
                typesetter: OnceLock::new(),
            }),
            search: Arc::new(SearchState {
                segmenter: Refreshed::new("dictionary", dictionary_version, segmenter),
                rules: DetectionRules::default(),
            }),
            public_guards: Arc::default(),
            reindex: Arc::default(),
            trusted_proxies: Arc::default(),
            secure_cookies: false,
            metrics_token: None,
            senders: Arc::default(),
            server_id: Arc::from(format!(
                "{}-{}",
                std::process::id(),
                hex(&random_bytes::<6>().map_err(|e| huiyin_store::StoreError::Corrupt(format!("randomness: {e}")))?)
            )),
        })
    }

    /// The server's rebuild of the search index ([`crate::reindex`]).
    pub fn reindex_job(&self) -> Arc<crate::reindex::ReindexJob> {
        Arc::clone(&self.reindex)
    }

    /// Believes `X-Forwarded-For` from these reverse proxies.
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    pub fn trusted_proxies(&self) -> &[std::net::IpAddr] {
        &self.trusted_proxies
    }

    /// Marks the session cookie `Secure`: browsers then send it over HTTPS only (behind a TLS proxy).
    pub fn with_secure_cookies(mut self, secure: bool) -> AppState {
        self.secure_cookies = secure;
        self
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// Serves `/metrics` to whoever presents this bearer token (`huiyin serve --metrics-token`).
    pub fn with_metrics_token(mut self, token: Option<String>) -> AppState {
        self.metrics_token = token.filter(|t| !t.is_empty()).map(Arc::from);
        self
    }

    pub fn metrics_token(&self) -> Option<&str> {
        self.metrics_token.as_deref()
    }

    /// Delivers the outbox through these senders.
    pub fn with_senders(mut self, senders: crate::delivery::Senders) -> AppState {
        self.senders = Arc::new(senders);
        self
    }

    pub fn senders(&self) -> &crate::delivery::Senders {
        &self.senders
    }

    /// This server among the installation's, for the background jobs' turns.
    pub fn server_id(&self) -> &str {
        &self.server_id
    }

    /// What the public side remembers of recent callers: failed lookups, submissions, used questions.
    pub fn public_guards(&self) -> &crate::public::memory::PublicGuards {
        &self.public_guards
    }

    /// Sets the thresholds of repeat and collective detection.
    pub fn with_detection_rules(mut self, rules: DetectionRules) -> AppState {
        match Arc::get_mut(&mut self.search) {
            Some(search) => search.rules = rules,
            None => tracing::error!("detection rules set after the state was shared; ignored"),
        }
        self
    }

    pub fn detection_rules(&self) -> DetectionRules {
        self.search.rules
    }

    /// The word segmenter with the words as they are now: rebuilt first when they changed, on this
    /// server or another (one primary-key read a use).
    pub async fn segmenter(&self) -> Arc<Segmenter> {
        self.search.segmenter.get(self.store.as_ref(), || load_segmenter(self.store.as_ref())).await
    }

    /// Typesets documents with the fonts under `dirs` instead of the default folders.
    pub fn with_font_dirs(mut self, dirs: Vec<PathBuf>) -> AppState {
        self.typesetting = Arc::new(Typesetting { font_dirs: dirs, typesetter: OnceLock::new() });
        self
    }

    pub fn typesetting(&self) -> Arc<Typesetting> {
        self.typesetting.clone()
    }

    /// The current content classification.
    pub async fn classes(&self) -> Arc<Vec<Category>> {
        self.classes.get(self.store.as_ref(), || self.store.categories()).await
    }

    /// The current holiday calendar.
    pub async fn calendar(&self) -> Arc<Calendar> {
        self.calendar.get(self.store.as_ref(), || load_calendar(self.store.as_ref())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_code_hash_depends_on_key_and_code() {
        let dir = std::env::temp_dir().join(format!("huiyin-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let k1 = SecretKey::load_or_create(&dir.join("a.key")).unwrap();
        let k1_again = SecretKey::load_or_create(&dir.join("a.key")).unwrap();
        let k2 = SecretKey::load_or_create(&dir.join("b.key")).unwrap();
        let code = QueryCode::parse("12345678").unwrap();
        let h = k1.query_code_hash(&code);
        assert_eq!(h, k1_again.query_code_hash(&code));
        assert_ne!(h, k2.query_code_hash(&code));
        assert_ne!(h, k1.query_code_hash(&QueryCode::parse("12345679").unwrap()));
        assert!(!h.contains("12345678"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
