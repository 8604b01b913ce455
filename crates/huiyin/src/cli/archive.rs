//! `huiyin archive`: the annual archive volume (FED-13).

use std::path::PathBuf;

use clap::Subcommand;

use super::{Cli, Failure, app_state, load_secret, open_store};

#[derive(Subcommand)]
pub(crate) enum ArchiveCommand {
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

/// Runs a `huiyin archive` command.
pub(crate) async fn archive(cli: &Cli, command: &ArchiveCommand) -> Result<(), Failure> {
    match command {
        ArchiveCommand::Build { unit, year, output } => {
            let store = open_store(&cli.database_url).await?;
            let state = app_state(cli, store, load_secret(cli)?).await?;
            let code = unit.trim().to_ascii_uppercase();
            let progress = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                    .map_err(|e| Failure(e.to_string()))?,
            );
            progress.set_message("整理案卷");
            let volume = huiyin_app::archive::build_archive(&state, &code, *year, |done, total| {
                progress.set_length(total as u64);
                progress.set_position(done as u64);
            })
            .await
            .map_err(|e| match e {
                huiyin_app::error::AppError::NotFound => Failure(format!("单位 {code} 不存在")),
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
    }
}
