//! The command line: its arguments, one module per group of commands, and what they share (opening
//! the store, the secret key, the application state and the operator). Every command that changes
//! data goes through `huiyin-app` as the operator, with the same checks as the API.

mod accounts;
mod archive;
mod audit;
mod calendar;
mod duty;
mod init;
mod search;
mod serve;
mod transfer;
mod unit;

use accounts::{TokenCommand, UserCommand};
use archive::ArchiveCommand;
use calendar::{CalendarCommand, DeadlinesCommand};
use duty::DutyCommand;
use search::DictionaryCommand;
use std::path::PathBuf;
use std::sync::Arc;
use unit::UnitCommand;

use clap::{Parser, Subcommand};
use huiyin_app::actor::Actor;
use huiyin_app::{AppState, SecretKey};
use huiyin_core::calendar::SHIPPED_YEARS;
use huiyin_core::category;
use huiyin_store::Store;

/// The shipped content classification (see data/categories/SOURCE.md).
const CATEGORIES_TSV: &str = include_str!("../../../../data/categories/content-categories.tsv");

#[derive(Parser)]
#[command(name = "huiyin", version, about = "回音 huiyin: 信访接待与办理系统 (petition reception and case handling)")]
pub(crate) struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "HUIYIN_DATABASE_URL", default_value = "sqlite://./huiyin-data/huiyin.db")]
    database_url: String,
    /// The secret key file (keys query-code hashes). Default: secret.key beside a SQLite database,
    /// ./huiyin-data/secret.key for PostgreSQL. Servers sharing one PostgreSQL must share this file.
    #[arg(long, global = true, env = "HUIYIN_SECRET_FILE")]
    secret_file: Option<PathBuf>,
    /// A folder of fonts for PDF documents (repeatable). Default: HUIYIN_FONT_DIR (a list like PATH),
    /// or else /usr/share/fonts, /usr/local/share/fonts and ./fonts. Chinese needs a CJK font such as
    /// Debian's fonts-noto-cjk.
    #[arg(long = "font-dir", global = true)]
    font_dirs: Vec<PathBuf>,
    /// Repeat detection (FED-11): a statement at least this similar (0.05–1) to the same
    /// petitioner's earlier one is the same matter.
    #[arg(long, global = true, env = "HUIYIN_REPEAT_SIMILARITY", default_value_t = 0.5)]
    repeat_similarity: f64,
    /// … and a settled earlier case still makes a repeat for this many days.
    #[arg(long, global = true, env = "HUIYIN_REPEAT_RECENT_DAYS", default_value_t = 365)]
    repeat_recent_days: i64,
    /// Collective matters (FED-6): other people's statements at least this similar (0.05–1) …
    #[arg(long, global = true, env = "HUIYIN_COLLECTIVE_SIMILARITY", default_value_t = 0.6)]
    collective_similarity: f64,
    /// … received within this many days are offered for linking.
    #[arg(long, global = true, env = "HUIYIN_COLLECTIVE_WINDOW_DAYS", default_value_t = 30)]
    collective_window_days: i64,
    /// The log's format on standard error: `text` for people, `json` (one object a line) for a log
    /// collector.
    #[arg(long, global = true, env = "HUIYIN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

impl Cli {
    /// The detection thresholds as given, checked.
    fn detection_rules(&self) -> Result<huiyin_search::intake::DetectionRules, Failure> {
        huiyin_search::intake::DetectionRules {
            repeat_similarity: self.repeat_similarity,
            repeat_recent_days: self.repeat_recent_days,
            collective_similarity: self.collective_similarity,
            collective_window_days: self.collective_window_days,
        }
        .checked()
        .map_err(|name| Failure(format!("--{} 超出范围(相似度 0.05–1,天数 1–3650)", name.replace('_', "-"))))
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Runs the web server (staff UI, public portal, APIs); migrates the database first.
    Serve {
        #[arg(long, env = "HUIYIN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Seconds between supervision runs (0 turns the background run off).
        #[arg(long, env = "HUIYIN_SUPERVISE_EVERY", default_value_t = 600)]
        supervise_every: u64,
        /// Seconds between deliveries of the outbox (SMS and e-mail notices; 0 turns them off).
        #[arg(long, env = "HUIYIN_DELIVER_EVERY", default_value_t = 60)]
        deliver_every: u64,
        /// A reverse proxy in front of huiyin whose `X-Forwarded-For` is believed, so that the public
        /// side's limits count petitioners, not the proxy (repeatable; env: comma-separated).
        #[arg(long = "trusted-proxy", env = "HUIYIN_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Mark the session cookie `Secure` (sent over HTTPS only): set it when huiyin is reached
        /// through an HTTPS reverse proxy.
        #[arg(long, env = "HUIYIN_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Serves `/metrics` (Prometheus text format) to requests bearing this token
        /// (`Authorization: Bearer TOKEN`); without it there is no `/metrics`.
        #[arg(long, env = "HUIYIN_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        #[command(flatten)]
        backups: serve::BackupSchedule,
        #[command(flatten)]
        delivery: serve::DeliveryArgs,
    },
    /// Brings the database to the current schema and exits.
    Migrate,
    /// Sets up a new installation from the preset of one seed document: the unit and its usual
    /// sub-units, what it calls its roles and letters, its reception hours, duty kind, limits and
    /// bodies (`--list` shows the presets).
    Init(init::InitArgs),
    /// Manages units.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// A unit's duty pattern and month's rota (值班表).
    Duty {
        #[command(subcommand)]
        command: DutyCommand,
    },
    /// Manages staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manages API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The holiday calendar (GEN-8).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Runs supervision once (督办: reminders, supervision items, escalation) and delivers the
    /// outbox; `serve` does the same every few minutes.
    Supervise {
        #[command(flatten)]
        delivery: serve::DeliveryArgs,
    },
    /// Deadlines.
    Deadlines {
        #[command(subcommand)]
        command: DeadlinesCommand,
    },
    /// The tamper-evident record: verify every chain, list each day's final hash (FED-13, COM-4).
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Archive volumes (FED-13).
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
    },
    /// Backs the whole database up into one archive while the server runs (a consistent
    /// snapshot): cases, events, documents, attachments, accounts and settings (docs/ARCHIVE.md).
    Backup {
        /// The archive to write. Default: huiyin-backup-YYYYMMDD-HHMMSS.zip in the current folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Puts the secret key file inside: without it, another installation cannot check the
        /// query codes of the cases restored.
        #[arg(long)]
        with_secret: bool,
    },
    /// Restores a backup into an empty database (of either backend), then rebuilds the search index.
    Restore {
        /// The archive made by `huiyin backup` or `huiyin export`.
        file: PathBuf,
    },
    /// Exports the whole database into a portable archive, to import into another database (from
    /// SQLite to PostgreSQL or back).
    Export {
        /// The archive to write. Default: huiyin-export-YYYYMMDD-HHMMSS.zip in the current folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Puts the secret key file inside (see `backup`).
        #[arg(long)]
        with_secret: bool,
    },
    /// Imports an archive made by `huiyin export` or `huiyin backup` into an empty database.
    Import {
        /// The archive.
        file: PathBuf,
    },
    /// Rebuilds the search index of every case (after dictionary words were added, or after an
    /// upgrade from a version without search), with progress output.
    Reindex,
    /// The segmentation dictionary of search: words administrators add (place names, local terms).
    Dictionary {
        #[command(subcommand)]
        command: DictionaryCommand,
    },
    /// Fills an empty database with a realistic demo.
    Demo {
        /// How many cases to generate.
        #[arg(long, default_value_t = 600)]
        cases: usize,
        /// Seed of the generator: the same seed gives the same demo.
        #[arg(long, default_value_t = 20_261_126)]
        seed: u64,
        /// Writes the labels of the planted petitioners' visits here, one line each: the case id and
        /// the id of the case it repeats (0 for a first visit or another matter), for measuring
        /// repeat detection (`huiyin-bench repeats`).
        #[arg(long)]
        labels: Option<PathBuf>,
    },
}

/// How the log is written.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// A failure to report to the user in plain words.
pub(crate) struct Failure(pub(crate) String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// The unit with this code (as typed, in any case), or the failure that says it does not exist.
pub(super) async fn unit_named(store: &dyn Store, code: &str) -> Result<huiyin_store::Unit, Failure> {
    store
        .unit_by_code(&code.trim().to_ascii_uppercase())
        .await?
        .ok_or_else(|| Failure(format!("单位不存在:{code}(请检查单位代码)")))
}

/// Opens the store named by the URL's scheme, migrates it, and loads the shipped classification
/// and holiday schedules into an empty database.
pub(super) async fn open_store(url: &str) -> Result<Arc<dyn Store>, Failure> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(
            huiyin_store_sqlite::SqliteStore::open(url)
                .await
                .map_err(|e| Failure(format!("无法打开 SQLite 数据库 {url}:{e}")))?,
        )
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(
            huiyin_store_postgres::PostgresStore::open(url)
                .await
                .map_err(|e| Failure(format!("无法连接 PostgreSQL 数据库:{e}")))?,
        )
    } else {
        return Err(Failure(format!("不支持的数据库地址 {url}:请使用 sqlite://… 或 postgres://…")));
    };
    let added = store.seed_categories(&category::parse_tsv(CATEGORIES_TSV)).await?;
    if added > 0 {
        tracing::info!(classes = added, "content classification loaded");
    }
    let years = store.seed_holiday_years(&SHIPPED_YEARS, chrono::Utc::now()).await?;
    if years > 0 {
        tracing::info!(years, "holiday schedules loaded");
    }
    Ok(store)
}

pub(super) fn secret_path(cli: &Cli) -> PathBuf {
    if let Some(p) = &cli.secret_file {
        return p.clone();
    }
    if let Some(path) = cli.database_url.strip_prefix("sqlite://").or_else(|| cli.database_url.strip_prefix("sqlite:"))
    {
        let file = PathBuf::from(path.split('?').next().unwrap_or(path));
        if let Some(dir) = file.parent() {
            return dir.join("secret.key");
        }
    }
    PathBuf::from("./huiyin-data/secret.key")
}

pub(super) fn load_secret(cli: &Cli) -> Result<SecretKey, Failure> {
    let path = secret_path(cli);
    SecretKey::load_or_create(&path).map_err(|e| Failure(format!("无法读取或创建密钥文件 {}:{e}", path.display())))
}

/// The application state and the command line's actor, the operator (an administrator of the whole
/// tree): every command that changes data goes through the same services as the API, with the same
/// checks.
pub(super) async fn operator(cli: &Cli) -> Result<(AppState, Actor), Failure> {
    operator_over(cli, open_store(&cli.database_url).await?).await
}

/// [`operator`], and the unit named, which must exist.
pub(super) async fn as_operator(cli: &Cli, code: &str) -> Result<(AppState, Actor, huiyin_store::Unit), Failure> {
    let store = open_store(&cli.database_url).await?;
    let unit = unit_named(store.as_ref(), code).await?;
    let (state, operator) = operator_over(cli, store).await?;
    Ok((state, operator, unit))
}

/// [`operator`], for a command on the account named, which must exist.
pub(super) async fn as_operator_on(cli: &Cli, username: &str) -> Result<(AppState, Actor), Failure> {
    let store = open_store(&cli.database_url).await?;
    existing_user(store.as_ref(), username).await?;
    operator_over(cli, store).await
}

async fn operator_over(cli: &Cli, store: Arc<dyn Store>) -> Result<(AppState, Actor), Failure> {
    let state = app_state(cli, store, load_secret(cli)?).await?;
    let operator = huiyin_app::actor::operator(&state).await?;
    Ok((state, operator))
}

/// The application state, typesetting with the fonts the command line names.
pub(super) async fn app_state(cli: &Cli, store: Arc<dyn Store>, secret: SecretKey) -> Result<AppState, Failure> {
    let state = AppState::new(store, secret).await?.with_detection_rules(cli.detection_rules()?);
    Ok(if cli.font_dirs.is_empty() { state } else { state.with_font_dirs(cli.font_dirs.clone()) })
}

/// Runs one command: each group of commands in its own module.
pub(crate) async fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Serve {
            listen,
            supervise_every,
            deliver_every,
            trusted_proxies,
            secure_cookies,
            metrics_token,
            backups,
            delivery,
        } => {
            let options = (*secure_cookies, metrics_token.as_deref());
            let every = (*supervise_every, *deliver_every);
            serve::serve(&cli, listen, every, trusted_proxies, options, (backups, delivery)).await
        }
        Command::Supervise { delivery } => serve::supervise(&cli, delivery).await,
        Command::Migrate => serve::migrate(&cli).await,
        Command::Init(args) => init::init(&cli, args).await,
        Command::Reindex => search::reindex(&cli).await,
        Command::Backup { output, with_secret } => {
            let output = output.clone().unwrap_or_else(|| transfer::default_name("huiyin-backup"));
            transfer::write(&cli, &output, *with_secret, huiyin_app::transfer::Purpose::Backup).await
        }
        Command::Export { output, with_secret } => {
            let output = output.clone().unwrap_or_else(|| transfer::default_name("huiyin-export"));
            transfer::write(&cli, &output, *with_secret, huiyin_app::transfer::Purpose::Export).await
        }
        Command::Restore { file } | Command::Import { file } => transfer::read(&cli, file).await,
        Command::Dictionary { command } => search::dictionary(&cli, command).await,
        Command::Deadlines { command } => calendar::deadlines(&cli, command).await,
        Command::Calendar { command } => calendar::calendar(&cli, command).await,
        Command::Unit { command } => unit::unit(&cli, command).await,
        Command::Duty { command } => duty::duty(&cli, command).await,
        Command::Archive { command } => archive::archive(&cli, command).await,
        Command::Audit { command } => audit::audit(&cli, command).await,
        Command::User { command } => accounts::user(&cli, command).await,
        Command::Token { command } => accounts::token(&cli, command).await,
        Command::Demo { cases, seed, labels } => demo(&cli, *cases, *seed, labels.as_ref()).await,
    }
}

/// Runs `huiyin demo`.
pub(super) async fn demo(cli: &Cli, cases: usize, seed: u64, labels: Option<&PathBuf>) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    let secret = load_secret(cli)?;
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let summary = crate::demo::run(store, &secret, cases, seed, progress).await.map_err(Failure)?;
    println!("演示数据已生成:{} 件信访件。", summary.cases);
    if let Some(path) = labels {
        let lines: String = summary.labels.iter().map(|(id, of)| format!("{id}\t{}\n", of.unwrap_or(0))).collect();
        std::fs::write(path, lines).map_err(|e| Failure(format!("无法写入 {}:{e}", path.display())))?;
        println!("已写出 {} 条重复访标注 → {}", summary.labels.len(), path.display());
    }
    println!("演示账号(密码只显示这一次):");
    for (username, role, password) in summary.accounts {
        println!("  {username:<14} {role:<6} {password}");
    }
    Ok(())
}

/// The account with this username, or a failure saying there is none.
pub(super) async fn existing_user(store: &dyn Store, username: &str) -> Result<huiyin_store::User, Failure> {
    store
        .user_by_username(&username.trim().to_ascii_lowercase())
        .await?
        .ok_or_else(|| Failure(format!("用户 {username} 不存在")))
}

/// Recounts open deadlines over the stored calendar, with a progress line on a terminal.
pub(super) async fn recount(store: &dyn Store) -> Result<(), Failure> {
    let calendar = huiyin_app::context::load_calendar(store).await?;
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let moved = huiyin_app::deadlines::recount_deadlines(store, &calendar, |read| {
        bar.set_message(format!("已读 {read} 个期限"))
    })
    .await
    .map_err(|e| Failure(e.to_string()))?;
    bar.finish_and_clear();
    println!("未结期限已重算:{moved} 个截止日期有变化。");
    Ok(())
}
