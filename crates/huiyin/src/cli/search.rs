//! `huiyin dictionary` and `huiyin reindex`: the search dictionary and rebuilding the index.

use clap::Subcommand;

use super::{Cli, Failure, open_store, operator};

#[derive(Subcommand)]
pub(crate) enum DictionaryCommand {
    /// Adds words (2 to 20 letters or digits each); run `huiyin reindex` afterwards.
    Add {
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Lists the words administrators added.
    List,
}

/// Runs a `huiyin dictionary` command.
pub(crate) async fn dictionary(cli: &Cli, command: &DictionaryCommand) -> Result<(), Failure> {
    match command {
        DictionaryCommand::Add { words } => {
            let checked = huiyin_app::search::checked_words(words)?;
            let (state, operator) = operator(cli).await?;
            let added = huiyin_app::search::add_words(&state, &operator, words).await?;
            println!(
                "已加入词典 {added} 个词({} 个原已存在)。请运行 huiyin reindex 使已登记的信访件按新词检索。",
                checked.len() - added
            );
            Ok(())
        }
        DictionaryCommand::List => {
            let store = open_store(&cli.database_url).await?;
            for word in store.search_words().await? {
                println!("{word}");
            }
            Ok(())
        }
    }
}

/// Runs `huiyin reindex`.
pub(crate) async fn reindex(cli: &Cli) -> Result<(), Failure> {
    let store = open_store(&cli.database_url).await?;
    let (_, cases) = store.search_coverage().await?;
    let segmenter = std::sync::Arc::new(huiyin_app::context::load_segmenter(store.as_ref()).await?);
    let started = std::time::Instant::now();
    let progress = indicatif::ProgressBar::new(cases.max(0) as u64).with_style(
        indicatif::ProgressStyle::with_template("重建检索索引 [{bar:30}] {pos}/{len} 件 {per_sec} 剩余 {eta}")
            .map_err(|e| Failure(e.to_string()))?,
    );
    let done = huiyin_app::search::reindex(store.as_ref(), segmenter.clone(), |n| progress.set_position(n as u64))
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
