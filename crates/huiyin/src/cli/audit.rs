//! `huiyin audit`: the tamper-evident record (issue 23; FED-13, COM-4) — every chain walked and
//! checked (`verify`), and each day's final hash listed for a paper register or the level above
//! (`days`), which a later `verify --against` compares.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Cli, Failure, open_store};

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Walks every chain (each day's chain of case events, personal-data views and administration
    /// events; each case's chain of events) and names the first records edited, removed or
    /// reordered; exits with status 1 when anything does not hold.
    Verify {
        /// A list of days' final hashes printed earlier by `huiyin audit days` (a line a day: the
        /// day first, the hash last), to compare with the chains as they are now.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Lists each day's chain: the day, its records and its final hash (末哈希), to print and keep
    /// on paper or send to the level above.
    Days {
        /// The first day listed (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// The last day listed.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
    },
}

/// Runs a `huiyin audit` command.
pub(crate) async fn audit(cli: &Cli, command: &AuditCommand) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    match command {
        AuditCommand::Days { from, to } => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A reader that stops early (`| head`) ends the listing, not the program.
            let _ = writeln!(
                out,
                "# huiyin 防篡改记录:每日末哈希(日期 记录数 末哈希)。当天的链仍在增长:核验按所列条数比对。"
            );
            for head in store.day_heads().await? {
                if from.is_some_and(|f| head.day < f) || to.is_some_and(|t| head.day > t) {
                    continue;
                }
                if writeln!(out, "{} {:>8} {}", head.day, head.entries, head.last_hash).is_err() {
                    break;
                }
            }
            Ok(())
        }
        AuditCommand::Verify { against } => {
            let listed = match against {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| Failure(format!("无法读取清单 {}:{e}", path.display())))?;
                    huiyin_app::chain::parse_day_list(&text).map_err(|e| Failure(e.to_string()))?
                }
                None => Vec::new(),
            };
            let bar = indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("{spinner} 核验 {pos} 条记录 {elapsed}")
                    .map_err(|e| Failure(e.to_string()))?,
            );
            let report = huiyin_app::chain::verify(store.as_ref(), &listed, |n| bar.set_position(n))
                .await
                .map_err(|e| Failure(e.to_string()))?;
            bar.finish_and_clear();
            if report.holds() {
                println!(
                    "✓ 链完整:{} 天的链共 {} 条记录(信访件事件、个人信息查看、管理日志),各信访件的 {} 条事件逐件相连{}。",
                    report.days.len(),
                    report.records,
                    report.events,
                    if listed.is_empty() {
                        String::new()
                    } else {
                        format!(",与清单中 {} 天的末哈希相符", listed.len())
                    }
                );
                return Ok(());
            }
            for finding in &report.findings {
                println!("✗ {finding}");
            }
            if report.more > 0 {
                println!("…… 另有 {} 处不符", report.more);
            }
            Err(Failure(format!(
                "记录已被篡改或损坏:{} 处不符(上列为最先发现的)。请保全数据库文件与备份,并报告上级。",
                report.findings.len() as u64 + report.more
            )))
        }
    }
}
