//! `huiyin`: the one binary. Parses the command line, opens the database named by its URL, and
//! hands over to the web shell or to the administrative commands.

mod demo;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use huiyin_app::context::{new_token, token_hash};
use huiyin_app::{AppState, SecretKey};
use huiyin_core::calendar::SHIPPED_YEARS;
use huiyin_core::category;
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::{Role, Username, check_new_password};
use huiyin_store::{NewUnit, NewUser, Store, StoreError};

/// The shipped content classification (see data/categories/SOURCE.md).
const CATEGORIES_TSV: &str = include_str!("../../../data/categories/content-categories.tsv");

#[derive(Parser)]
#[command(name = "huiyin", version, about = "回音 huiyin: 信访接待与办理系统 (petition reception and case handling)")]
struct Cli {
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
enum Command {
    /// Runs the web server (staff UI, public portal, APIs); migrates the database first.
    Serve {
        #[arg(long, env = "HUIYIN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Seconds between supervision runs (0 turns the background run off).
        #[arg(long, env = "HUIYIN_SUPERVISE_EVERY", default_value_t = 600)]
        supervise_every: u64,
        /// A reverse proxy in front of huiyin whose `X-Forwarded-For` is believed, so that the public
        /// side's limits count petitioners, not the proxy (repeatable; env: comma-separated).
        #[arg(long = "trusted-proxy", env = "HUIYIN_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Mark the session cookie `Secure` (sent over HTTPS only): set it when huiyin is reached
        /// through an HTTPS reverse proxy.
        #[arg(long, env = "HUIYIN_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Brings the database to the current schema and exits.
    Migrate,
    /// Manages units.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
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
    Supervise,
    /// Deadlines.
    Deadlines {
        #[command(subcommand)]
        command: DeadlinesCommand,
    },
    /// Archive volumes (FED-13).
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
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

#[derive(Subcommand)]
enum DictionaryCommand {
    /// Adds words (2 to 20 letters or digits each); run `huiyin reindex` afterwards.
    Add {
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Lists the words administrators added.
    List,
}

#[derive(Subcommand)]
enum UnitCommand {
    /// Adds a unit.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// county, town, subdistrict, village, community, department, federation, school, agency
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent: Option<String>,
    },
    /// Shows a unit's letterhead and signature block, or sets them; documents issued afterwards
    /// print them.
    Letterhead {
        code: String,
        /// 红头, e.g. "西山社区居民委员会".
        #[arg(long)]
        letterhead: Option<String>,
        /// One line of the signature block (落款), repeatable: --signature 西山社区居民委员会 --signature (盖章)
        #[arg(long)]
        signature: Vec<String>,
    },
    /// Shows what a unit tells the public (COM-3), or sets it: all four parts together.
    Info {
        code: String,
        /// The public hotline.
        #[arg(long)]
        hotline: Option<String>,
        /// Where the reception room is.
        #[arg(long)]
        address: Option<String>,
        /// Reception hours, e.g. "1-5 10:00-12:30,16:00-18:00" (Monday to Friday, two sittings).
        #[arg(long)]
        hours: Option<String>,
        /// The procedure in plain words.
        #[arg(long)]
        procedure: Option<String>,
    },
    /// Shows a unit's weekly reception schedule (FED-3), or replaces it with the days given.
    Schedule {
        code: String,
        /// One day: "WEEKDAY,LEADER,TITLE,CREDENTIAL", e.g. "1,张三,社区党委书记,XS-001" (1 = Monday);
        /// repeatable, at most one a weekday.
        #[arg(long)]
        day: Vec<String>,
        /// Clears the schedule.
        #[arg(long)]
        clear: bool,
    },
    /// Shows a unit's time limits, or sets them from a preset (national, zhejiang, shandong).
    Limits {
        code: String,
        #[arg(long)]
        preset: Option<String>,
    },
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Binds the settled cases a unit received in a year into one PDF volume: a cover, the table of
    /// contents and every case's documents in order (装订成册, FED-13).
    Build {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// Where to write the volume. Default: archive-UNIT-YEAR.pdf in the current folder.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DeadlinesCommand {
    /// Recounts every open deadline over the loaded calendar.
    Recount,
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Loads one year's holiday schedule (holiday-cn JSON), replacing that year's earlier file;
    /// every open deadline follows at once.
    Import { file: PathBuf },
    /// Lists the loaded years.
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a staff account.
    Add {
        username: String,
        #[arg(long)]
        unit: String,
        /// admin, officer, leader, handler, supervisor
        #[arg(long)]
        role: String,
        /// The person's name as shown on records (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (first line). Without it the account can use API
        /// tokens only.
        #[arg(long)]
        password_stdin: bool,
        /// Allow this person to record actions that happened earlier (补录 from the paper book,
        /// with an `at`).
        #[arg(long)]
        may_backdate: bool,
    },
    /// Disables an account: its sessions and API tokens stop at once; its past work keeps its name.
    Disable { username: String },
    /// Enables a disabled account again.
    Enable { username: String },
    /// Sets a new password, read from standard input (first line); every session opened with the
    /// old one ends.
    Passwd {
        username: String,
        /// Read the password from standard input (required: a password never goes on the command line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Prints a new API token for the user on stdout, alone on the line.
    Create { username: String },
    /// Revokes one API token (given on standard input, so that it stays out of the shell's history),
    /// or with `--user` every token of that user.
    Revoke {
        /// Revoke every token of this user instead of the one read from standard input.
        #[arg(long)]
        user: Option<String>,
    },
}

/// A failure to report to the user in plain words.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HUIYIN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal: not in a file, a pipe or the journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误:无法启动运行时:{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("错误:{message}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the store named by the URL's scheme, migrates it, and loads the shipped classification
/// into an empty categories table.
/// The unit with this code (as typed, in any case), or the failure that says it does not exist.
async fn unit_named(store: &dyn Store, code: &str) -> Result<huiyin_store::Unit, Failure> {
    store.unit_by_code(&code.trim().to_ascii_uppercase()).await?.ok_or_else(|| Failure(format!("单位 {code} 不存在")))
}

async fn open_store(url: &str) -> Result<Arc<dyn Store>, Failure> {
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

fn secret_path(cli: &Cli) -> PathBuf {
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

fn load_secret(cli: &Cli) -> Result<SecretKey, Failure> {
    let path = secret_path(cli);
    SecretKey::load_or_create(&path).map_err(|e| Failure(format!("无法读取或创建密钥文件 {}:{e}", path.display())))
}

/// The application state, the command line's actor (an administrator of the whole tree) and the
/// unit named: every command that changes data goes through the same services as the API, with the
/// same checks.
async fn as_operator(
    cli: &Cli,
    code: &str,
) -> Result<(AppState, huiyin_app::actor::Actor, huiyin_store::Unit), Failure> {
    let store = open_store(&cli.database_url).await?;
    let unit = unit_named(store.as_ref(), code).await?;
    let state = app_state(cli, store, load_secret(cli)?).await?;
    let operator = huiyin_app::actor::operator(&state).await?;
    Ok((state, operator, unit))
}

/// The application state, typesetting with the fonts the command line names.
async fn app_state(cli: &Cli, store: Arc<dyn Store>, secret: SecretKey) -> Result<AppState, Failure> {
    let state = AppState::new(store, secret).await?.with_detection_rules(cli.detection_rules()?);
    Ok(if cli.font_dirs.is_empty() { state } else { state.with_font_dirs(cli.font_dirs.clone()) })
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Serve { listen, supervise_every, trusted_proxies, secure_cookies } => {
            serve(&cli, listen, *supervise_every, trusted_proxies, *secure_cookies).await
        }
        Command::Supervise => {
            let store = open_store(&cli.database_url).await?;
            let calendar = huiyin_app::context::load_calendar(store.as_ref()).await?;
            let run = huiyin_app::cases::supervise(store.as_ref(), &calendar, chrono::Utc::now())
                .await
                .map_err(|e| Failure(e.to_string()))?;
            let sent = huiyin_app::cases::deliver_outbox(store.as_ref()).await.map_err(|e| Failure(e.to_string()))?;
            println!(
                "督办:提醒 {} 件,新开督办 {} 件,升级 {} 件,关闭 {} 件;发出消息 {sent} 条。",
                run.reminded, run.opened, run.escalated, run.closed
            );
            Ok(())
        }
        Command::Reindex => {
            let store = open_store(&cli.database_url).await?;
            let (_, cases) = store.search_coverage().await?;
            let segmenter = std::sync::Arc::new(huiyin_app::context::load_segmenter(store.as_ref()).await?);
            let started = std::time::Instant::now();
            let progress = indicatif::ProgressBar::new(cases.max(0) as u64).with_style(
                indicatif::ProgressStyle::with_template("重建检索索引 [{bar:30}] {pos}/{len} 件 {per_sec} 剩余 {eta}")
                    .map_err(|e| Failure(e.to_string()))?,
            );
            let done =
                huiyin_app::search::reindex(store.as_ref(), segmenter.clone(), |n| progress.set_position(n as u64))
                    .await
                    .map_err(|e| Failure(e.to_string()))?;
            progress.finish_and_clear();
            store.analyze().await?;
            println!(
                "检索索引已重建:{done} 件,用时 {:.1} 秒(词典含本单位词语 {} 个)",
                started.elapsed().as_secs_f64(),
                segmenter.extra_words()
            );
            Ok(())
        }
        Command::Dictionary { command: DictionaryCommand::Add { words } } => {
            let words = huiyin_app::search::checked_words(words)?;
            let store = open_store(&cli.database_url).await?;
            let added = store.add_search_words(&words, None, chrono::Utc::now()).await?;
            println!(
                "已加入词典 {added} 个词({} 个原已存在)。请运行 huiyin reindex 使已登记的信访件按新词检索。",
                words.len() - added
            );
            Ok(())
        }
        Command::Dictionary { command: DictionaryCommand::List } => {
            let store = open_store(&cli.database_url).await?;
            for word in store.search_words().await? {
                println!("{word}");
            }
            Ok(())
        }
        Command::Deadlines { command: DeadlinesCommand::Recount } => {
            let store = open_store(&cli.database_url).await?;
            recount(store.as_ref()).await
        }
        Command::Migrate => {
            let store = open_store(&cli.database_url).await?;
            println!("数据库已是最新结构({})", store.backend());
            Ok(())
        }
        Command::Unit { command: UnitCommand::Add { code, name, kind, parent } } => {
            let code = UnitCode::parse("code", code)?;
            let kind = UnitKind::parse("kind", kind)?;
            let name = huiyin_core::text::required("name", Some(name), huiyin_core::text::limits::UNIT_NAME)?;
            let parent = parent.as_deref().map(|p| UnitCode::parse("parent", p)).transpose()?;
            let store = open_store(&cli.database_url).await?;
            let unit = store.add_unit(&NewUnit { code, name, kind, parent }).await.map_err(|e| match e {
                StoreError::Duplicate(_) => Failure("单位代码已存在".into()),
                StoreError::UnknownReference(_) => Failure("上级单位不存在".into()),
                other => Failure(other.to_string()),
            })?;
            println!("已添加单位 {}({})", unit.name, unit.code);
            Ok(())
        }
        Command::Unit { command: UnitCommand::Letterhead { code, letterhead, signature } } => {
            let (state, operator, unit) = as_operator(&cli, code).await?;
            if letterhead.is_some() || !signature.is_empty() {
                huiyin_app::cases::set_document_style(&state, &operator, &unit.code, letterhead.as_deref(), signature)
                    .await?;
                println!("已设置 {}({})的红头和落款;此后出具的文书使用新格式", unit.name, unit.code);
            }
            let (style, _) = huiyin_app::cases::document_style(&state, &operator, &unit.code).await?;
            println!("红头:{}\n落款:{}", style.letterhead, style.signature.join(" / "));
            Ok(())
        }
        Command::Archive { command: ArchiveCommand::Build { unit, year, output } } => {
            let store = open_store(&cli.database_url).await?;
            let state = app_state(&cli, store, load_secret(&cli)?).await?;
            let code = unit.trim().to_ascii_uppercase();
            let progress = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                    .map_err(|e| Failure(e.to_string()))?,
            );
            progress.set_message("整理案卷");
            let volume = huiyin_app::cases::build_archive(&state, &code, *year, |done, total| {
                progress.set_length(total as u64);
                progress.set_position(done as u64);
            })
            .await
            .map_err(|e| match e {
                huiyin_app::cases::AppError::NotFound => Failure(format!("单位 {code} 不存在")),
                other => Failure(other.to_string()),
            })?
            .ok_or_else(|| Failure(format!("{code} 在 {year} 年度没有已办结的信访件,未生成档案")))?;
            progress.finish_and_clear();
            let path = output.clone().unwrap_or_else(|| PathBuf::from(format!("archive-{code}-{year}.pdf")));
            std::fs::write(&path, &volume.pdf).map_err(|e| Failure(format!("无法写入 {}:{e}", path.display())))?;
            println!(
                "已装订 {} {year} 年度信访档案:{} 件,文书 {} 份 → {}(SHA-256 {})",
                volume.unit_name,
                volume.cases,
                volume.documents,
                path.display(),
                volume.sha256
            );
            Ok(())
        }
        Command::Unit { command: UnitCommand::Info { code, hotline, address, hours, procedure } } => {
            let (state, operator, unit) = as_operator(&cli, code).await?;
            let store = state.store.clone();
            if hotline.is_some() || address.is_some() || hours.is_some() || procedure.is_some() {
                let draft = huiyin_core::unit::PublicInfoDraft {
                    hotline: hotline.clone(),
                    address: address.clone(),
                    office_hours: hours.clone(),
                    procedure: procedure.clone(),
                };
                huiyin_app::units::set_unit_public_info(&state, &operator, &unit.code, &draft).await?;
                println!("已更新 {}({})的公开信息", unit.name, unit.code);
            }
            match store.unit_public_info(unit.id).await? {
                Some(info) => {
                    println!("信访电话:{}", info.hotline);
                    println!("接待地址:{}", info.address);
                    println!("接待时间:{}", info.office_hours);
                    println!("办理流程:{}", info.procedure);
                }
                None => println!("{}({})尚未公布信访电话、地址和接待时间", unit.name, unit.code),
            }
            Ok(())
        }
        Command::Unit { command: UnitCommand::Schedule { code, day, clear } } => {
            let (state, operator, unit) = as_operator(&cli, code).await?;
            let store = state.store.clone();
            if *clear || !day.is_empty() {
                let mut days = Vec::new();
                for raw in day {
                    let parts: Vec<&str> = raw.split([',', ',']).map(str::trim).collect();
                    let [weekday, leader, title, credential] = parts[..] else {
                        return Err(Failure(format!(
                            "--day {raw}:应为“星期,姓名,职务,证件号”,如 1,张三,社区党委书记,XS-001"
                        )));
                    };
                    let weekday = weekday.parse::<u8>().map_err(|_| Failure(format!("--day {raw}:星期应为 1 至 7")))?;
                    days.push(huiyin_core::unit::ReceptionDay {
                        weekday,
                        leader: leader.into(),
                        title: title.into(),
                        credential: credential.into(),
                    });
                }
                huiyin_app::units::set_reception_schedule(&state, &operator, &unit.code, &days).await?;
                println!("已更新 {}({})的接待日安排", unit.name, unit.code);
            }
            let week = store.reception_schedule(unit.id).await?;
            if week.is_empty() {
                println!("{}({})尚未安排接待日", unit.name, unit.code);
            }
            for d in week {
                println!("{} {} {} {}", d.weekday_zh(), d.leader, d.title, d.credential);
            }
            Ok(())
        }
        Command::Unit { command: UnitCommand::Limits { code, preset } } => {
            let (state, operator, unit) = as_operator(&cli, code).await?;
            let store = state.store.clone();
            if let Some(preset) = preset {
                huiyin_app::deadlines::set_unit_limits(&state, &operator, &unit.code, Some(preset), None).await?;
                println!("已为 {}({})设置期限预设 {preset}", unit.name, unit.code);
            }
            let rules = store.limit_rules_for(unit.id).await?.unwrap_or_default();
            println!("{}", serde_json::to_string_pretty(&rules)?);
            Ok(())
        }
        Command::Calendar { command: CalendarCommand::Import { file } } => {
            let json =
                std::fs::read_to_string(file).map_err(|e| Failure(format!("无法读取 {}:{e}", file.display())))?;
            let store = open_store(&cli.database_url).await?;
            let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (year, days) = huiyin_app::cases::import_holiday_year(store.as_ref(), &json, &source)
                .await
                .map_err(|e| Failure(e.to_string()))?;
            println!("已导入 {year} 年节假日安排({days} 个调整日);未结期限按新安排重新计算。");
            Ok(())
        }
        Command::Calendar { command: CalendarCommand::List } => {
            let store = open_store(&cli.database_url).await?;
            let years: Vec<String> = store.holiday_years().await?.into_iter().map(|(y, _)| y.to_string()).collect();
            println!("已载入节假日安排的年份:{}", years.join(" "));
            Ok(())
        }
        Command::User { command: UserCommand::Add { username, unit, role, name, password_stdin, may_backdate } } => {
            let username = Username::parse("username", username)?;
            let unit = UnitCode::parse("unit", unit)?;
            let role = Role::parse("role", role)?;
            let password_hash = if *password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                let password = line.trim_end_matches(['\r', '\n']).to_owned();
                check_new_password("password", &password)?;
                Some(huiyin_app::actor::hash_password(password).await?)
            } else {
                None
            };
            let store = open_store(&cli.database_url).await?;
            let display_name = name.clone().unwrap_or_else(|| username.as_str().to_owned());
            let user = store
                .add_user(&NewUser {
                    username: username.as_str().to_owned(),
                    display_name,
                    unit,
                    role,
                    password_hash,
                    may_backdate: *may_backdate,
                })
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => Failure("用户名已存在".into()),
                    StoreError::UnknownReference(_) => Failure("单位不存在".into()),
                    other => Failure(other.to_string()),
                })?;
            println!("已添加用户 {}({},{})", user.username, user.role.label_zh(), user.unit_code);
            Ok(())
        }
        Command::User { command: UserCommand::Disable { username } | UserCommand::Enable { username } } => {
            let active = matches!(&cli.command, Command::User { command: UserCommand::Enable { .. } });
            let store = open_store(&cli.database_url).await?;
            let user = existing_user(&*store, username).await?;
            store.set_user_active(user.id, active).await?;
            println!(
                "{} {}({})",
                if active { "已启用用户" } else { "已停用用户,其会话和令牌即时失效:" },
                user.username,
                user.display_name
            );
            Ok(())
        }
        Command::User { command: UserCommand::Passwd { username, password_stdin } } => {
            if !*password_stdin {
                return Err(Failure("请用 --password-stdin 从标准输入提供新密码".into()));
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            check_new_password("password", &password)?;
            let store = open_store(&cli.database_url).await?;
            let user = existing_user(&*store, username).await?;
            store.set_password_hash(user.id, &huiyin_app::actor::hash_password(password).await?).await?;
            println!("已为 {}({})设置新密码,旧密码登录的会话已失效", user.username, user.display_name);
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { user } } => {
            let store = open_store(&cli.database_url).await?;
            match user {
                Some(username) => {
                    let user = existing_user(&*store, username).await?;
                    let n = store.revoke_user_tokens(user.id).await?;
                    println!("已撤销 {} 的 {n} 个令牌", user.username);
                }
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    if !store.revoke_api_token(&token_hash(line.trim())).await? {
                        return Err(Failure("没有这个令牌(可能已撤销)".into()));
                    }
                    println!("已撤销该令牌");
                }
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Create { username } } => {
            let store = open_store(&cli.database_url).await?;
            let user = store
                .user_by_username(&username.trim().to_ascii_lowercase())
                .await?
                .ok_or_else(|| Failure(format!("用户 {username} 不存在")))?;
            let token = new_token("hy_")?;
            store.add_api_token(user.id, &token_hash(&token), chrono::Utc::now()).await?;
            println!("{token}");
            Ok(())
        }
        Command::Demo { cases, seed, labels } => {
            let store = open_store(&cli.database_url).await?;
            let secret = load_secret(&cli)?;
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let summary = demo::run(store, &secret, *cases, *seed, progress).await.map_err(Failure)?;
            println!("演示数据已生成:{} 件信访件。", summary.cases);
            if let Some(path) = labels {
                let lines: String =
                    summary.labels.iter().map(|(id, of)| format!("{id}\t{}\n", of.unwrap_or(0))).collect();
                std::fs::write(path, lines).map_err(|e| Failure(format!("无法写入 {}:{e}", path.display())))?;
                println!("已写出 {} 条重复访标注 → {}", summary.labels.len(), path.display());
            }
            println!("演示账号(密码只显示这一次):");
            for (username, role, password) in summary.accounts {
                println!("  {username:<14} {role:<6} {password}");
            }
            Ok(())
        }
    }
}

/// The account with this username, or a failure saying there is none.
async fn existing_user(store: &dyn Store, username: &str) -> Result<huiyin_store::User, Failure> {
    store
        .user_by_username(&username.trim().to_ascii_lowercase())
        .await?
        .ok_or_else(|| Failure(format!("用户 {username} 不存在")))
}

/// Recounts open deadlines over the stored calendar, with a progress line on a terminal.
async fn recount(store: &dyn Store) -> Result<(), Failure> {
    let calendar = huiyin_app::context::load_calendar(store).await?;
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let moved =
        huiyin_app::cases::recount_deadlines(store, &calendar, |read| bar.set_message(format!("已读 {read} 个期限")))
            .await
            .map_err(|e| Failure(e.to_string()))?;
    bar.finish_and_clear();
    println!("未结期限已重算:{moved} 个截止日期有变化。");
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
            match huiyin_app::cases::supervise(state.store.as_ref(), &calendar, chrono::Utc::now()).await {
                Ok(run) => tracing::info!(?run, "supervision run"),
                Err(e) => tracing::error!(error = %e, "supervision run failed"),
            }
            if let Err(e) = huiyin_app::cases::deliver_outbox(state.store.as_ref()).await {
                tracing::error!(error = %e, "outbox delivery failed");
            }
        }
    });
}

async fn serve(
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
    if store.users_with_role(Role::Admin).await?.is_empty() {
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
