//! `huiyin calendar` and `huiyin deadlines`: the holiday calendar and recounting deadlines over it.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Cli, Failure, open_store, operator, recount};

#[derive(Subcommand)]
pub(crate) enum CalendarCommand {
    /// Loads one year's holiday schedule (holiday-cn JSON), replacing that year's earlier file;
    /// every open deadline follows at once.
    Import { file: PathBuf },
    /// Lists the loaded years.
    List,
}

#[derive(Subcommand)]
pub(crate) enum DeadlinesCommand {
    /// Recounts every open deadline over the loaded calendar.
    Recount,
}

/// Runs a `huiyin calendar` command.
pub(crate) async fn calendar(cli: &Cli, command: &CalendarCommand) -> Result<(), Failure> {
    match command {
        CalendarCommand::Import { file } => {
            let json =
                std::fs::read_to_string(file).map_err(|e| Failure(format!("无法读取 {}:{e}", file.display())))?;
            let (state, operator) = operator(cli).await?;
            let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (year, days) = huiyin_app::deadlines::import_holiday_year(&state, &operator, &json, &source).await?;
            println!("已导入 {year} 年节假日安排({days} 个调整日)。");
            recount(state.store.as_ref()).await
        }
        CalendarCommand::List => {
            let store = open_store(&cli.database_url).await?;
            let years: Vec<String> = store.holiday_years().await?.into_iter().map(|(y, _)| y.to_string()).collect();
            println!("已载入节假日安排的年份:{}", years.join(" "));
            Ok(())
        }
    }
}

/// Runs a `huiyin deadlines` command.
pub(crate) async fn deadlines(cli: &Cli, command: &DeadlinesCommand) -> Result<(), Failure> {
    match command {
        DeadlinesCommand::Recount => {
            let store = open_store(&cli.database_url).await?;
            recount(store.as_ref()).await
        }
    }
}
