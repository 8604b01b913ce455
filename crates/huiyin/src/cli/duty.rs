//! `huiyin duty`: a unit's duty pattern and its month's rota, for setting a unit up where a browser
//! is not at hand (the staff page 值班 does the same and more: a day by hand, swaps).

use clap::Subcommand;
use huiyin_core::duty::{DutyPatternDraft, WeekdayDutyDraft};

use super::{Cli, Failure, as_operator};

#[derive(Subcommand)]
pub(crate) enum DutyCommand {
    /// Sets a unit's duty pattern: one person a day in turn (--rotation wang,liu,zhou, on working
    /// days or --every-day), or a fixed person each weekday (--weekday 1=liu --weekday 2=zhao …).
    Pattern {
        code: String,
        /// Login names in turn, comma-separated.
        #[arg(long, value_delimiter = ',', conflicts_with = "weekday")]
        rotation: Vec<String>,
        /// The rotation takes every day, rest days and holidays included (year-round duty).
        #[arg(long, requires = "rotation")]
        every_day: bool,
        /// A weekday (1 = Monday … 7 = Sunday) and its person: 1=liu (repeatable).
        #[arg(long)]
        weekday: Vec<String>,
    },
    /// Generates a unit's rota for a month (YYYY-MM) from its pattern over the holiday calendar;
    /// days set by hand or swapped are kept unless --replace-all.
    Generate {
        code: String,
        month: String,
        #[arg(long)]
        replace_all: bool,
    },
    /// Prints a unit's rota for a month (YYYY-MM).
    Show { code: String, month: String },
}

/// Runs a `huiyin duty` command.
pub(crate) async fn duty(cli: &Cli, command: &DutyCommand) -> Result<(), Failure> {
    match command {
        DutyCommand::Pattern { code, rotation, every_day, weekday } => {
            let draft = if weekday.is_empty() {
                DutyPatternDraft {
                    kind: Some("rotation".into()),
                    people: Some(rotation.clone()),
                    every_day: Some(*every_day),
                    ..Default::default()
                }
            } else {
                let days = weekday
                    .iter()
                    .map(|w| {
                        let (day, person) = w.split_once('=').unwrap_or((w.as_str(), ""));
                        WeekdayDutyDraft { weekday: day.trim().parse().ok(), person: Some(person.trim().to_owned()) }
                    })
                    .collect();
                DutyPatternDraft { kind: Some("weekdays".into()), days: Some(days), ..Default::default() }
            };
            let (state, operator, unit) = as_operator(cli, code).await?;
            huiyin_app::duty::set_pattern(&state, &operator, &unit.code, &draft).await?;
            let (_, pattern) = huiyin_app::duty::pattern(&state, &operator, &unit.code).await?;
            let names = huiyin_app::accounts::staff_names(&state).await?;
            let people = pattern.map(|p| p.people().into_iter().map(|u| names.of(u)).collect::<Vec<_>>().join("、"));
            let people = people.unwrap_or_default();
            println!("已设置 {}({})的值班方式:{people}", unit.name, unit.code);
            Ok(())
        }
        DutyCommand::Generate { code, month, replace_all } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let done = huiyin_app::duty::generate_month(&state, &operator, &unit.code, month, *replace_all).await?;
            println!(
                "已生成 {}({}){month} 值班表:排班 {} 天,保留手工调整 {} 天",
                unit.name, unit.code, done.days, done.kept
            );
            Ok(())
        }
        DutyCommand::Show { code, month } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let rota = huiyin_app::duty::rota(&state, &operator, &unit.code, month).await?;
            println!("{}({}){} 值班表", rota.unit.name, rota.unit.code, rota.month);
            for day in &rota.days {
                let weekday =
                    huiyin_core::unit::weekday_zh(chrono::Datelike::weekday(&day.day).number_from_monday() as u8);
                let who = day.person.as_ref().map_or_else(|| "—".to_owned(), huiyin_app::accounts::name_and_title);
                let rest = if day.working_day { "" } else { "(休)" };
                println!("{} {weekday}{rest}\t{who}", day.day);
            }
            Ok(())
        }
    }
}
