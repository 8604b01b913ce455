//! `huiyin backup`, `restore`, `export`, `import` (issue 23; FED-13, GEN-11): the whole database
//! into a portable archive and back, on either backend (`huiyin_app::transfer`, docs/ARCHIVE.md).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use huiyin_app::transfer::{self, Archive, Progress, Purpose, SecretPlaced};

use super::{Cli, Failure, app_state, load_secret, open_store, secret_path};

fn bar(total: Option<u64>) -> Result<indicatif::ProgressBar, Failure> {
    let (bar, template) = match total {
        Some(total) => (indicatif::ProgressBar::new(total), "{msg:24} [{bar:30}] {pos}/{len} 行 {elapsed}"),
        None => (indicatif::ProgressBar::new_spinner(), "{spinner} {msg:24} {pos} 行 {elapsed}"),
    };
    Ok(bar.with_style(indicatif::ProgressStyle::with_template(template).map_err(|e| Failure(e.to_string()))?))
}

fn following(bar: &indicatif::ProgressBar) -> Arc<dyn Fn(Progress<'_>) + Send + Sync> {
    let bar = bar.clone();
    Arc::new(move |p: Progress<'_>| {
        bar.set_message(p.table.to_owned());
        bar.set_position(p.rows);
    })
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `huiyin backup` and `huiyin export`: the database, read in one snapshot while the server runs,
/// into the archive `output`; with the secret key file inside when asked.
pub(crate) async fn write(cli: &Cli, output: &Path, with_secret: bool, purpose: Purpose) -> Result<(), Failure> {
    let secret = if with_secret {
        let path = secret_path(cli);
        Some(std::fs::read(&path).map_err(|e| Failure(format!("无法读取密钥文件 {}:{e}", path.display())))?)
    } else {
        None
    };
    if let Some(file) = sqlite_file(&cli.database_url)
        && !file.exists()
    {
        return Err(Failure(format!("数据库文件 {} 不存在:请检查 --database-url", file.display())));
    }
    let store = open_store(&cli.database_url).await?;
    if !store.holds_data().await? {
        return Err(Failure(
            "数据库中没有单位、账号或信访件,没有可备份的内容:请检查 --database-url 是否指向正在使用的数据库".into(),
        ));
    }
    let progress = bar(None)?;
    let manifest = transfer::export(store.as_ref(), output, purpose, secret, following(&progress))
        .await
        .map_err(|e| Failure(e.to_string()))?;
    progress.finish_and_clear();
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    let what = match purpose {
        Purpose::Backup => "已备份",
        Purpose::Export => "已导出",
    };
    println!(
        "{what} {} 数据库:{} 张表 {rows} 行,文件 {} 个({})→ {}",
        manifest.backend,
        manifest.tables.len(),
        manifest.blobs.count,
        mebibytes(manifest.blobs.bytes),
        output.display()
    );
    if with_secret {
        println!("归档中含有密钥文件:请像保管密钥本身一样保管此文件。");
    } else {
        println!(
            "注意:归档中不含密钥文件 {}。恢复到另一处时,没有它就无法核对群众的查询码;\n\
             请另行妥善保管该文件,或加 --with-secret 把它一并放入归档。",
            shown(&secret_path(cli))
        );
    }
    Ok(())
}

/// The SQLite file a `sqlite:` URL names.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// A path as the operator should read it: absolute, since a relative key path depends on the
/// folder the server is started in.
fn shown(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned()).display().to_string()
}

/// `huiyin restore` and `huiyin import`: the archive into this (empty) database, its secret key put
/// in place first, then the search index rebuilt.
pub(crate) async fn read(cli: &Cli, file: &Path) -> Result<(), Failure> {
    let archive = Archive::open(file).map_err(|e| Failure(e.to_string()))?;
    let store = open_store(&cli.database_url).await?;
    if store.holds_data().await? {
        return Err(Failure(
            "目标数据库已有单位、账号或信访件:恢复和导入只能写入空数据库(新建一个数据库,用 --database-url 指定)".into(),
        ));
    }
    let key_path = secret_path(cli);
    let secret = transfer::check_secret(&archive, &key_path).map_err(|e| Failure(e.to_string()))?;
    let progress = bar(Some(archive.rows()))?;
    let (made_at, backend) = (archive.manifest.made_at, archive.manifest.backend.clone());
    let counts =
        transfer::import(store.as_ref(), archive, following(&progress)).await.map_err(|e| Failure(e.to_string()))?;
    progress.finish_and_clear();
    let placed = transfer::place_secret(secret.as_deref(), &key_path).map_err(|e| Failure(e.to_string()))?;
    let state = app_state(cli, Arc::clone(&store), load_secret(cli)?).await?;
    let indexing = bar(Some(store.search_coverage().await?.1.try_into().unwrap_or_default()))?;
    indexing.set_message("重建检索索引");
    let indexed = transfer::rebuild_search(&state, |n| indexing.set_position(n as u64))
        .await
        .map_err(|e| Failure(e.to_string()))?;
    indexing.finish_and_clear();
    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    println!(
        "已写入 {} 张表 {rows} 行(归档来自 {backend},{}),检索索引已为 {indexed} 件重建。",
        counts.len(),
        made_at.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M")
    );
    match placed {
        SecretPlaced::Written => println!("密钥文件已从归档写到 {}。", shown(&key_path)),
        SecretPlaced::Same => println!("密钥文件 {} 与归档中的相同。", shown(&key_path)),
        SecretPlaced::NotInArchive => println!(
            "注意:归档中不含密钥文件。请用原安装的 secret.key 替换 {},否则群众无法用原来的查询码查询。",
            shown(&key_path)
        ),
    }
    Ok(())
}

/// The default name of a backup made now: `huiyin-backup-YYYYMMDD-HHMMSS.zip` (China time).
pub(crate) fn default_name(prefix: &str) -> PathBuf {
    let now = chrono::Utc::now().with_timezone(&huiyin_core::case::CHINA_OFFSET);
    PathBuf::from(format!("{prefix}-{}.zip", now.format("%Y%m%d-%H%M%S")))
}
