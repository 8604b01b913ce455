//! `huiyin unit`: units, their letterheads, public information, reception schedules and limits.

use clap::Subcommand;
use huiyin_core::unit::UnitDraft;

use super::{Cli, Failure, as_operator, operator};

#[derive(Subcommand)]
pub(crate) enum UnitCommand {
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
    /// Renames a unit; its code and case numbers stay, documents already issued keep their name.
    Rename {
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Moves a unit, with everything below it, under another unit: who sees its cases, and search,
    /// follow the tree at once.
    Move {
        code: String,
        /// The code of the unit it moves under.
        #[arg(long)]
        parent: String,
    },
    /// Changes what kind of body a unit is: how its documents read, and whether it is a department
    /// of the unit above (blind to accusations against it, GEN-7).
    Kind {
        code: String,
        /// county, town, subdistrict, village, community, department, federation, school, agency
        kind: String,
    },
    /// Closes a unit (撤销): refused, naming what is left, while it holds open cases, has active
    /// staff or open units below it. A closed unit takes no case and no new account.
    Close { code: String },
    /// Opens a closed unit again.
    Reopen { code: String },
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
    /// Shows a unit's time limits, or sets them from a preset (national, zhejiang, shandong), or
    /// drops its own so that it inherits those of the unit above.
    Limits {
        code: String,
        #[arg(long, conflicts_with = "inherit")]
        preset: Option<String>,
        /// Drops the unit's own limits: it takes those of the unit above, or the national ones.
        #[arg(long)]
        inherit: bool,
    },
}

/// Runs a `huiyin unit` command.
pub(crate) async fn unit(cli: &Cli, command: &UnitCommand) -> Result<(), Failure> {
    match command {
        UnitCommand::Add { code, name, kind, parent } => {
            let draft = UnitDraft {
                code: Some(code.clone()),
                name: Some(name.clone()),
                kind: Some(kind.clone()),
                parent: parent.clone(),
            };
            // The form is checked before the database is opened.
            draft.parse()?;
            let (state, operator) = operator(cli).await?;
            let unit = if state.store.units().await?.is_empty() {
                huiyin_app::units::add_top_unit(&state, &draft).await?
            } else {
                huiyin_app::units::add_unit(&state, &operator, &draft).await?
            };
            println!("已添加单位 {}({})", unit.name, unit.code);
            Ok(())
        }
        UnitCommand::Rename { code, name } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let renamed = huiyin_app::units::rename_unit(&state, &operator, &unit.code, name).await?;
            println!("已将 {}({})更名为 {}", unit.name, unit.code, renamed.name);
            Ok(())
        }
        UnitCommand::Kind { code, kind } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let changed = huiyin_app::units::set_unit_kind(&state, &operator, &unit.code, kind).await?;
            println!("{}({})的类别:{}", changed.name, changed.code, changed.kind.label_zh());
            Ok(())
        }
        UnitCommand::Move { code, parent } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let moved = huiyin_app::units::move_unit(&state, &operator, &unit.code, parent).await?;
            let above = match moved.parent_id {
                Some(id) => state.store.unit_by_id(id).await.map_err(huiyin_app::error::AppError::from)?,
                None => None,
            };
            println!(
                "已将 {}({})移至 {} 之下",
                moved.name,
                moved.code,
                above.map_or_else(|| parent.clone(), |p| p.name)
            );
            Ok(())
        }
        UnitCommand::Close { code } | UnitCommand::Reopen { code } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let close = matches!(command, UnitCommand::Close { .. });
            let done = if close {
                huiyin_app::units::close_unit(&state, &operator, &unit.code).await
            } else {
                huiyin_app::units::reopen_unit(&state, &operator, &unit.code).await
            };
            // A refusal says in words what is left to do.
            let done = done.map_err(|e| match e {
                huiyin_app::error::AppError::Refused(r) => Failure(r.message(huiyin_core::Lang::Zh)),
                other => Failure::from(other),
            })?;
            println!("已{} {}({})", if close { "撤销" } else { "恢复" }, done.name, done.code);
            Ok(())
        }
        UnitCommand::Letterhead { code, letterhead, signature } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            if letterhead.is_some() || !signature.is_empty() {
                huiyin_app::documents::issue::set_document_style(
                    &state,
                    &operator,
                    &unit.code,
                    letterhead.as_deref(),
                    signature,
                )
                .await?;
                println!("已设置 {}({})的红头和落款;此后出具的文书使用新格式", unit.name, unit.code);
            }
            let (style, _) = huiyin_app::documents::issue::document_style(&state, &operator, &unit.code).await?;
            println!("红头:{}\n落款:{}", style.letterhead, style.signature.join(" / "));
            Ok(())
        }
        UnitCommand::Info { code, hotline, address, hours, procedure } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
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
        UnitCommand::Schedule { code, day, clear } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            let store = state.store.clone();
            if *clear || !day.is_empty() {
                let mut days = Vec::new();
                for raw in day {
                    let parts: Vec<&str> = raw.split([',', '\u{ff0c}']).map(str::trim).collect();
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
        UnitCommand::Limits { code, preset, inherit } => {
            let (state, operator, unit) = as_operator(cli, code).await?;
            if let Some(preset) = preset {
                huiyin_app::deadlines::set_unit_limits(&state, &operator, &unit.code, Some(preset), None).await?;
                println!("已为 {}({})设置期限预设 {preset}", unit.name, unit.code);
            }
            if *inherit {
                huiyin_app::deadlines::inherit_unit_limits(&state, &operator, &unit.code).await?;
                println!("{}({})改为沿用上级单位的期限", unit.name, unit.code);
            }
            let limits = huiyin_app::deadlines::unit_limits(&state, &operator, &unit.code).await?;
            println!("{}", serde_json::to_string_pretty(&limits.rules)?);
            Ok(())
        }
    }
}
