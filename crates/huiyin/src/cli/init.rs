//! `huiyin init`: a new installation set up from the preset of one seed document (issue 22), or
//! the presets listed. Applied as the operator through `huiyin_app::presets`.

use huiyin_core::preset::{self, Placement};

use super::{Cli, Failure, operator};

/// The arguments of `huiyin init`.
#[derive(clap::Args)]
pub(crate) struct InitArgs {
    /// The preset: federation, community-democratic, community, town, school.
    #[arg(long, required_unless_present = "list")]
    preset: Option<String>,
    /// Lists the presets and what each sets up.
    #[arg(long)]
    list: bool,
    /// The unit's code, the prefix of its case numbers for good (e.g. XX); its sub-units' codes
    /// follow it (XX-JWC).
    #[arg(long, required_unless_present = "list")]
    code: Option<String>,
    /// The unit's name (e.g. 西山中学); with --merge onto a unit already there, its own.
    #[arg(long, required_unless_present_any = ["list", "merge"])]
    name: Option<String>,
    /// The public hotline: with it, the preset's reception hours, address and procedure are
    /// published (COM-3).
    #[arg(long)]
    hotline: Option<String>,
    /// On a database that already has units: add what the preset has and the database lacks,
    /// overwriting nothing.
    #[arg(long)]
    merge: bool,
    /// With --merge: the unit the preset's unit goes under.
    #[arg(long)]
    parent: Option<String>,
}

/// Runs `huiyin init`.
pub(crate) async fn init(cli: &Cli, args: &InitArgs) -> Result<(), Failure> {
    if args.list {
        for preset in preset::all_shipped() {
            println!("{:<22}{}:{}", preset.id, preset.title, preset.document);
            println!("{:<22}{}", "", preset.summary);
        }
        return Ok(());
    }
    let id = args.preset.as_deref().unwrap_or_default();
    let preset =
        preset::shipped(id).ok_or_else(|| Failure(format!("没有名为 {id} 的预设;可选:{}", preset::shipped_ids())))?;
    let placement = Placement {
        code: args.code.clone(),
        name: args.name.clone(),
        parent: args.parent.clone(),
        hotline: args.hotline.clone(),
    };
    // The placement is checked before the database is opened.
    preset.plan(&placement)?;
    let (state, operator) = operator(cli).await?;
    let applied = huiyin_app::presets::apply(&state, &operator, &preset, &placement, args.merge)
        .await
        .map_err(|e| Failure(with_hint(e)))?;
    println!("预设 {}({}):", preset.title, preset.document);
    for step in &applied.steps {
        println!("  {} {}", if step.done { "✓" } else { "·" }, step.what);
    }
    if huiyin_app::accounts::needs_first_administrator(&state).await? {
        println!("下一步:运行 huiyin serve,用控制台给出的设置链接为 {} 创建第一个管理员。", applied.top);
    }
    Ok(())
}

/// A refusal in plain words, with the option that answers it.
fn with_hint(e: huiyin_app::error::AppError) -> String {
    let hint = match &e {
        huiyin_app::error::AppError::Invalid(refused) => match refused.first().field.as_str() {
            "unit_preset" => "(加 --merge 补充;新单位另加 --parent 上级单位代码)",
            "parent" => "(用 --parent 指定上级单位代码)",
            "code" => "(用 --code 另选一个代码;下属科室的代码为“代码-科室”)",
            _ => "",
        },
        _ => "",
    };
    format!("{e}{hint}")
}
