//! 备份、恢复与迁移 (issue 23; FED-13, GEN-11): the portable archive of a whole huiyin database.
//!
//! `huiyin export` and `huiyin backup` write one, `huiyin import` and `huiyin restore` read one, on
//! either backend: a unit that started on SQLite moves to the county's PostgreSQL, or back. The
//! archive is a zip file (docs/ARCHIVE.md):
//! - `manifest.json`: the format and its version, when and from which backend it was made, each
//!   table with its columns and their kinds, its row count and the SHA-256 of its file, the blobs'
//!   count and bytes, and whether the secret key is inside;
//! - `tables/NN-name.jsonl`: a table's rows in key order, one JSON array a line, a value per column
//!   (instants as RFC 3339 in UTC, days as `YYYY-MM-DD`, JSON as itself, bytes as `{"blob": sha256}`);
//! - `blobs/<sha256>`: each distinct content once, named by its hash;
//! - `secret.key`, only when asked for: without it the query codes of the archived cases cannot be
//!   checked by another installation.
//!
//! The rows are read by the store in one snapshot while the server goes on (`TransferStore`), and
//! written into an empty database in one transaction committed only once every table's hash and
//! every blob's has been checked, so that a damaged archive writes nothing. The search index is
//! not in the archive: it is rebuilt after an import (`rebuild_search`).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use huiyin_store::Store;
use huiyin_store::transfer::{Cell, ColumnKind, TABLES, TableBatch, TableSpec, TransferItem};

use crate::error::{AppError, AppResult};

/// The archive's format name, in its manifest.
pub const FORMAT: &str = "huiyin-archive";
/// The format's version: raised when the files' layout or the values' encoding changes.
pub const VERSION: u32 = 1;
/// The largest blob an archive may hold (a blob is read whole).
const LARGEST_BLOB: u64 = 256 * 1024 * 1024;
/// The longest line of a table's file: a row is read whole (a case's statement is at most a few
/// tens of thousands of characters; its state as JSON a little more).
const LONGEST_LINE: u64 = 16 * 1024 * 1024;

/// What an archive is for: both are the same format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// `huiyin export`: to move a database to another backend or installation.
    Export,
    /// `huiyin backup`.
    Backup,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The huiyin that wrote it.
    pub huiyin: String,
    pub purpose: Purpose,
    pub made_at: DateTime<Utc>,
    /// The backend it was read from: `sqlite` or `postgres`.
    pub backend: String,
    pub tables: Vec<TableEntry>,
    pub blobs: BlobCount,
    /// Whether `secret.key` is inside.
    pub secret_key: bool,
}

/// A table in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    /// `[name, kind]` per column, in the order of each row's values.
    pub columns: Vec<[String; 2]>,
    pub rows: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// The blobs in the archive.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BlobCount {
    pub count: u64,
    pub bytes: u64,
}

/// How far an export or import has come, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub table: &'a str,
    /// Rows done so far, of every table.
    pub rows: u64,
    /// Rows in all, when known (an import knows them from the manifest).
    pub total: Option<u64>,
}

fn failed(what: impl std::fmt::Display) -> AppError {
    AppError::Transfer(what.to_string())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| failed(format!("{}:{e}", path.display()))
}

fn file_name(table: &TableSpec) -> String {
    format!("tables/{:02}-{}.jsonl", table.position(), table.name)
}

fn columns_of(table: &TableSpec) -> Vec<[String; 2]> {
    table.columns.iter().map(|(name, kind)| [(*name).to_owned(), kind.name().to_owned()]).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cell_to_json(cell: Cell, blobs: &mut Vec<(String, Vec<u8>)>) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(n) => Value::from(n),
        Cell::Text(text) => Value::String(text),
        Cell::Bool(flag) => Value::Bool(flag),
        Cell::Instant(at) => Value::String(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        Cell::Day(day) => Value::String(day.format("%Y-%m-%d").to_string()),
        Cell::Json(value) => value,
        Cell::Bytes(bytes) => {
            let sha256 = hex(&Sha256::digest(&bytes));
            blobs.push((sha256.clone(), bytes));
            serde_json::json!({ "blob": sha256 })
        }
    }
}

/// The table being written: its rows' hash and count, and, for a table with bytes, the file its
/// lines wait in while its blobs go into the zip as entries of their own (a zip's entries are
/// written one after the other).
struct OpenTable {
    table: &'static TableSpec,
    hash: Sha256,
    rows: u64,
    spool: Option<(BufWriter<File>, PathBuf)>,
}

type Zip = zip::ZipWriter<BufWriter<File>>;

/// A new file only its owner reads (mode 0600): an archive holds every petitioner's personal data.
fn private_file(path: &Path) -> AppResult<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io(path))
}

/// Where a table with bytes waits for its blobs to be written: beside the archive being written.
fn spool_path(archive: &Path, table: &TableSpec) -> PathBuf {
    PathBuf::from(format!("{}.{}", archive.display(), table.name))
}

fn has_bytes(table: &TableSpec) -> bool {
    table.columns.iter().any(|(_, kind)| *kind == ColumnKind::Bytes)
}

/// Ends the open table: its spooled lines copied into its entry, its entry in the manifest.
fn close_table(zip: &mut Zip, open: OpenTable, manifest: &mut Manifest) -> AppResult<()> {
    if let Some((spool, spool_path)) = open.spool {
        let file = spool.into_inner().map_err(|e| failed(e.error()))?;
        drop(file);
        zip.start_file(file_name(open.table), deflated()).map_err(failed)?;
        let mut lines = File::open(&spool_path).map_err(io(&spool_path))?;
        std::io::copy(&mut lines, zip).map_err(io(&spool_path))?;
        let _ = std::fs::remove_file(&spool_path);
    }
    manifest.tables.push(TableEntry {
        name: open.table.name.into(),
        file: file_name(open.table),
        columns: columns_of(open.table),
        rows: open.rows,
        sha256: hex(&open.hash.finalize()),
    });
    Ok(())
}

fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
        .unix_permissions(0o600)
}

/// Writes what the store sends into a zip file (on a blocking thread).
fn write_archive(
    path: &Path,
    mut from: mpsc::Receiver<TransferItem>,
    backend: &str,
    purpose: Purpose,
    secret: Option<&[u8]>,
    progress: &(dyn Fn(Progress<'_>) + Send + Sync),
) -> AppResult<Manifest> {
    let file = private_file(path)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true)
        .unix_permissions(0o600);
    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        huiyin: env!("CARGO_PKG_VERSION").into(),
        purpose,
        made_at: Utc::now(),
        backend: backend.into(),
        tables: Vec::with_capacity(TABLES.len()),
        blobs: BlobCount::default(),
        secret_key: secret.is_some(),
    };
    let mut written_blobs: HashSet<String> = HashSet::new();
    let mut rows_done = 0u64;
    let mut open: Option<OpenTable> = None;
    let mut complete = false;
    while let Some(item) = from.blocking_recv() {
        let TableBatch { table, rows } = match item {
            TransferItem::Rows(batch) => batch,
            TransferItem::Complete => {
                complete = true;
                break;
            }
        };
        if open.as_ref().is_none_or(|o| o.table.name != table.name) {
            if let Some(done) = open.take() {
                close_table(&mut zip, done, &mut manifest)?;
            }
            let spool = if has_bytes(table) {
                let spool_path = spool_path(path, table);
                let _ = std::fs::remove_file(&spool_path);
                let file = private_file(&spool_path)?;
                Some((BufWriter::new(file), spool_path))
            } else {
                zip.start_file(file_name(table), deflated()).map_err(failed)?;
                None
            };
            open = Some(OpenTable { table, hash: Sha256::new(), rows: 0, spool });
        }
        let Some(current) = open.as_mut() else { continue };
        let mut blobs = Vec::new();
        let mut lines = Vec::new();
        for row in rows {
            let values: Vec<Value> = row.into_iter().map(|cell| cell_to_json(cell, &mut blobs)).collect();
            serde_json::to_writer(&mut lines, &values).map_err(failed)?;
            lines.push(b'\n');
            current.rows += 1;
            rows_done += 1;
        }
        current.hash.update(&lines);
        match current.spool.as_mut() {
            Some((spool, spool_path)) => spool.write_all(&lines).map_err(io(spool_path))?,
            None => zip.write_all(&lines).map_err(io(path))?,
        }
        for (sha256, bytes) in blobs {
            if written_blobs.insert(sha256.clone()) {
                zip.start_file(format!("blobs/{sha256}"), stored).map_err(failed)?;
                zip.write_all(&bytes).map_err(io(path))?;
                manifest.blobs.count += 1;
                manifest.blobs.bytes += bytes.len() as u64;
            }
        }
        progress(Progress { table: table.name, rows: rows_done, total: None });
    }
    if let Some(done) = open.take() {
        close_table(&mut zip, done, &mut manifest)?;
    }
    if !complete {
        return Err(failed("数据库读取中断,归档未完成"));
    }
    if let Some(secret) = secret {
        zip.start_file("secret.key", deflated()).map_err(failed)?;
        zip.write_all(secret).map_err(io(path))?;
    }
    zip.start_file("manifest.json", deflated()).map_err(failed)?;
    serde_json::to_writer_pretty(&mut zip, &manifest).map_err(failed)?;
    let file = zip.finish().map_err(failed)?;
    let file = file.into_inner().map_err(|e| failed(format!("{}:{}", path.display(), e.error())))?;
    file.sync_all().map_err(io(path))?;
    Ok(manifest)
}

/// Exports the whole database into the archive `path`, read in one snapshot while the server goes
/// on. It is written as `path.partial` and renamed once complete and on disk, so that a file at
/// `path` is always a whole archive. `secret`: the secret key file's bytes, to put inside.
pub async fn export(
    store: &dyn Store,
    path: &Path,
    purpose: Purpose,
    secret: Option<Vec<u8>>,
    progress: std::sync::Arc<dyn Fn(Progress<'_>) + Send + Sync>,
) -> AppResult<Manifest> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    // A file left by a run that died is replaced, not appended to or followed.
    let _ = std::fs::remove_file(&partial);
    let (to, from) = mpsc::channel(2);
    let backend = store.backend();
    let writing = partial.clone();
    let writer = tokio::task::spawn_blocking(move || {
        write_archive(&writing, from, backend, purpose, secret.as_deref(), &*progress)
    });
    let read = store.export_tables(to).await;
    let written = writer.await.map_err(failed);
    let manifest = match (read, written) {
        (Err(e), _) => Err(AppError::from(e)),
        (Ok(()), Err(e) | Ok(Err(e))) => Err(e),
        (Ok(()), Ok(Ok(manifest))) => Ok(manifest),
    };
    let manifest = match manifest {
        Ok(manifest) => manifest,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            for table in TABLES.iter().filter(|t| has_bytes(t)) {
                let _ = std::fs::remove_file(spool_path(&partial, table));
            }
            return Err(e);
        }
    };
    std::fs::rename(&partial, path).map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself on disk.
        File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    }
    Ok(manifest)
}

/// An archive opened and its manifest checked against this huiyin's tables.
#[derive(Debug)]
pub struct Archive {
    path: PathBuf,
    pub manifest: Manifest,
}

fn zip_of(path: &Path) -> AppResult<zip::ZipArchive<BufReader<File>>> {
    let file = File::open(path).map_err(io(path))?;
    zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| failed(format!("{} 不是 huiyin 归档(无法按 zip 读取:{e})", path.display())))
}

impl Archive {
    /// Opens `path`: refused when it is not an archive of this format and version, or its tables
    /// are not this huiyin's (made by another version: import it with that version, upgrade, and
    /// export again).
    pub fn open(path: &Path) -> AppResult<Archive> {
        let mut zip = zip_of(path)?;
        let manifest: Manifest = {
            let entry = zip
                .by_name("manifest.json")
                .map_err(|_| failed(format!("{} 不是 huiyin 归档(缺少 manifest.json)", path.display())))?;
            serde_json::from_reader(entry.take(16 * 1024 * 1024))
                .map_err(|e| failed(format!("{} 的 manifest.json 无法读取:{e}", path.display())))?
        };
        if manifest.format != FORMAT || manifest.version != VERSION {
            return Err(failed(format!(
                "{} 是 {} 第 {} 版归档,本程序读取 {FORMAT} 第 {VERSION} 版",
                path.display(),
                manifest.format,
                manifest.version
            )));
        }
        for entry in &manifest.tables {
            if TableSpec::named(&entry.name).is_none() {
                return Err(failed(format!(
                    "归档中的表 {} 不是本程序的表:归档由 huiyin {} 写成,请用同一版本导入后升级",
                    entry.name, manifest.huiyin
                )));
            }
        }
        for table in TABLES {
            let entry = manifest.tables.iter().find(|e| e.name == table.name).ok_or_else(|| {
                failed(format!(
                    "归档缺少表 {}:归档由 huiyin {} 写成,请用同一版本导入后升级",
                    table.name, manifest.huiyin
                ))
            })?;
            if entry.columns != columns_of(table) {
                return Err(failed(format!(
                    "归档中表 {} 的列与本程序不同:归档由 huiyin {} 写成,请用同一版本导入后升级",
                    table.name, manifest.huiyin
                )));
            }
        }
        Ok(Archive { path: path.to_owned(), manifest })
    }

    /// Rows in all.
    pub fn rows(&self) -> u64 {
        self.manifest.tables.iter().map(|t| t.rows).sum()
    }

    /// The secret key file inside, if it was put in.
    pub fn secret_key(&self) -> AppResult<Option<Vec<u8>>> {
        if !self.manifest.secret_key {
            return Ok(None);
        }
        let mut zip = zip_of(&self.path)?;
        let entry = zip.by_name("secret.key").map_err(|_| failed("归档清单说含有密钥,但缺少 secret.key"))?;
        let mut bytes = Vec::new();
        entry.take(1024 * 1024).read_to_end(&mut bytes).map_err(io(&self.path))?;
        Ok(Some(bytes))
    }
}

/// Where the archive's secret key went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretPlaced {
    /// Written to the key file, which did not exist.
    Written,
    /// The key file already holds the same key.
    Same,
    /// The archive holds no key: the archived query codes work only with the original key file.
    NotInArchive,
}

/// Whether the archive's secret key may go to `target`: refused when another key is there (the
/// query codes of one or the other installation would stop working). Asked before an import, so
/// that a refusal writes nothing.
pub fn check_secret(archive: &Archive, target: &Path) -> AppResult<Option<Vec<u8>>> {
    let Some(secret) = archive.secret_key()? else { return Ok(None) };
    if secret.len() != 32 {
        return Err(failed("归档中的 secret.key 不是 32 字节的密钥:归档已损坏,未写入任何数据"));
    }
    match std::fs::read(target) {
        Ok(existing) if existing == secret => Ok(Some(secret)),
        Ok(_) => Err(failed(format!(
            "{} 已有另一把密钥,与归档中的不同,未写入任何数据。若它是刚由 huiyin serve 新生成的(这个空数据库还没有用过),\
             删除它再恢复即可;否则请用 --secret-file 指定另一位置",
            target.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Some(secret)),
        Err(e) => Err(failed(format!("{}:{e}", target.display()))),
    }
}

/// Puts the archive's secret key (as [`check_secret`] answered) at `target` after the import.
pub fn place_secret(secret: Option<&[u8]>, target: &Path) -> AppResult<SecretPlaced> {
    let Some(secret) = secret else { return Ok(SecretPlaced::NotInArchive) };
    if std::fs::read(target).is_ok_and(|existing| existing == secret) {
        return Ok(SecretPlaced::Same);
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut file = private_file(target)?;
    file.write_all(secret).and_then(|()| file.sync_all()).map_err(io(target))?;
    Ok(SecretPlaced::Written)
}

fn json_to_cell(value: Value, kind: ColumnKind, blobs: &mut zip::ZipArchive<BufReader<File>>) -> Result<Cell, String> {
    if value.is_null() {
        return Ok(Cell::Null);
    }
    let wrong = || format!("不是 {} 类型的值", kind.name());
    Ok(match kind {
        ColumnKind::Int | ColumnKind::Int32 => Cell::Int(value.as_i64().ok_or_else(wrong)?),
        ColumnKind::Text => Cell::Text(value.as_str().ok_or_else(wrong)?.to_owned()),
        ColumnKind::Bool => Cell::Bool(value.as_bool().ok_or_else(wrong)?),
        ColumnKind::Instant => {
            let text = value.as_str().ok_or_else(wrong)?;
            Cell::Instant(DateTime::parse_from_rfc3339(text).map_err(|_| wrong())?.with_timezone(&Utc))
        }
        ColumnKind::Day => {
            let text = value.as_str().ok_or_else(wrong)?;
            Cell::Day(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| wrong())?)
        }
        ColumnKind::Json => Cell::Json(value),
        ColumnKind::Bytes => {
            let sha256 = value.get("blob").and_then(Value::as_str).ok_or_else(wrong)?;
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(wrong());
            }
            let entry = blobs.by_name(&format!("blobs/{sha256}")).map_err(|_| format!("缺少 blobs/{sha256}"))?;
            if entry.size() > LARGEST_BLOB {
                return Err(format!("blobs/{sha256} 超过 {} MiB", LARGEST_BLOB >> 20));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or_default());
            entry.take(LARGEST_BLOB).read_to_end(&mut bytes).map_err(|e| format!("blobs/{sha256}:{e}"))?;
            if hex(&Sha256::digest(&bytes)) != sha256 {
                return Err(format!("blobs/{sha256} 的内容与其散列不符(已损坏或被改动)"));
            }
            Cell::Bytes(bytes)
        }
    })
}

/// Reads the archive's rows and sends them, table by table, `Complete` only once every table's
/// file matched its hash and count (on a blocking thread).
fn read_archive(
    archive: &Archive,
    to: mpsc::Sender<TransferItem>,
    progress: &(dyn Fn(Progress<'_>) + Send + Sync),
) -> AppResult<()> {
    let mut zip = zip_of(&archive.path)?;
    let mut blobs = zip_of(&archive.path)?;
    let total = archive.rows();
    let mut done = 0u64;
    for table in TABLES {
        let Some(entry) = archive.manifest.tables.iter().find(|e| e.name == table.name) else {
            return Err(failed(format!("归档缺少表 {}", table.name)));
        };
        let file = zip.by_name(&entry.file).map_err(|_| failed(format!("归档缺少 {}", entry.file)))?;
        let mut hash = Sha256::new();
        let mut rows = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        let mut batch_bytes = 0usize;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        for n in 0.. {
            line.clear();
            let read = (&mut reader).take(LONGEST_LINE).read_until(b'\n', &mut line).map_err(io(&archive.path))?;
            if read == 0 {
                break;
            }
            let at = |problem: String| failed(format!("{} 第 {} 行:{problem},未写入任何数据", entry.file, n + 1));
            if line.pop() != Some(b'\n') {
                return Err(at("行过长或不完整(归档已损坏)".into()));
            }
            if rows == entry.rows {
                return Err(at(format!("清单只有 {} 行(归档已损坏或被改动)", entry.rows)));
            }
            hash.update(&line);
            hash.update(b"\n");
            let values: Vec<Value> = serde_json::from_slice(&line).map_err(|e| at(e.to_string()))?;
            if values.len() != table.columns.len() {
                return Err(at(format!("{} 个值,表有 {} 列", values.len(), table.columns.len())));
            }
            let mut cells = Vec::with_capacity(values.len());
            for (value, (column, kind)) in values.into_iter().zip(table.columns) {
                let cell =
                    json_to_cell(value, *kind, &mut blobs).map_err(|problem| at(format!("{column} {problem}")))?;
                if let Cell::Bytes(bytes) = &cell {
                    batch_bytes += bytes.len();
                }
                cells.push(cell);
            }
            batch.push(cells);
            rows += 1;
            if batch.len() == BATCH || batch_bytes >= huiyin_store::transfer::BATCH_BYTES {
                done += batch.len() as u64;
                let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                batch_bytes = 0;
                if to.blocking_send(TransferItem::Rows(TableBatch { table, rows })).is_err() {
                    // The database refused what it was given: its error is the answer.
                    return Ok(());
                }
                progress(Progress { table: table.name, rows: done, total: Some(total) });
            }
        }
        if rows != entry.rows || hex(&hash.finalize()) != entry.sha256 {
            return Err(failed(format!(
                "{} 与清单不符(清单 {} 行,文件 {rows} 行,或内容的散列不同):归档已损坏或被改动,未写入任何数据",
                entry.file, entry.rows
            )));
        }
        done += batch.len() as u64;
        if to.blocking_send(TransferItem::Rows(TableBatch { table, rows: batch })).is_err() {
            return Ok(());
        }
        progress(Progress { table: table.name, rows: done, total: Some(total) });
    }
    let _ = to.blocking_send(TransferItem::Complete);
    Ok(())
}

const BATCH: usize = huiyin_store::transfer::BATCH_ROWS;

/// Imports the archive into the store's database, which must be empty (no unit, account or case):
/// in one transaction, committed only once the whole archive has been read and checked. Rebuild
/// the search index after (`rebuild_search`). The rows written per table.
pub async fn import(
    store: &dyn Store,
    archive: Archive,
    progress: std::sync::Arc<dyn Fn(Progress<'_>) + Send + Sync>,
) -> AppResult<Vec<(&'static str, u64)>> {
    if store.holds_data().await? {
        return Err(failed("目标数据库已有单位、账号或信访件:恢复和导入只能写入空数据库(新建一个数据库再试)"));
    }
    let (to, from) = mpsc::channel(4);
    let reader = tokio::task::spawn_blocking(move || read_archive(&archive, to, &*progress));
    let written = store.import_tables(from).await;
    match reader.await.map_err(failed)? {
        Err(e) => Err(e),
        Ok(()) => match written {
            Ok(counts) => Ok(counts),
            Err(huiyin_store::StoreError::Transfer(message)) => Err(failed(format!("写入数据库失败:{message}"))),
            Err(e) => Err(e.into()),
        },
    }
}

/// Rebuilds the search index after an import, with the dictionary imported: `progress(cases)`.
pub async fn rebuild_search(state: &crate::AppState, progress: impl FnMut(usize)) -> AppResult<usize> {
    let done = crate::search::reindex(state.store.as_ref(), state.segmenter().await, progress).await?;
    state.store.analyze().await?;
    Ok(done)
}

/// How the files of scheduled backups begin (`huiyin backup` names its own otherwise, so that
/// pruning never takes an operator's).
const SCHEDULED: &str = "huiyin-scheduled-";

/// The files of scheduled backups in a folder, oldest first (their names sort by time).
fn scheduled_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(SCHEDULED) && n.ends_with(".zip"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A scheduled backup of `huiyin serve --backup-dir`: the archive written into `dir` as
/// `huiyin-scheduled-YYYYMMDD-HHMMSS.zip` (China time), the oldest beyond `keep` removed (and what a
/// backup cut short left: its `.partial` files), and the
/// outcome on the audit log (`backup.made`, `backup.failed`: the admin's 操作记录 shows the last)
/// and in `/metrics`.
pub async fn scheduled_backup(
    state: &crate::AppState,
    dir: &Path,
    keep: usize,
    secret: Option<Vec<u8>>,
) -> AppResult<PathBuf> {
    let now = Utc::now();
    let name =
        format!("{SCHEDULED}{}.zip", now.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y%m%d-%H%M%S"));
    let path = dir.join(&name);
    let made = async {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        // What a backup stopped mid-way (the server stopped) left behind.
        for entry in std::fs::read_dir(dir).map_err(io(dir))?.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(SCHEDULED) && !name.ends_with(".zip") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let manifest =
            export(state.store.as_ref(), &path, Purpose::Backup, secret, std::sync::Arc::new(|_| {})).await?;
        let files = scheduled_files(dir).map_err(io(dir))?;
        for old in files.iter().take(files.len().saturating_sub(keep.max(1))) {
            std::fs::remove_file(old).map_err(io(old))?;
        }
        Ok::<_, AppError>(manifest)
    }
    .await;
    let metrics = crate::metrics::metrics();
    let target = crate::audit::Target::installation("backup");
    match made {
        Ok(manifest) => {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
            let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
            let after =
                serde_json::json!({"file": name, "bytes": bytes, "rows": rows, "secret_key": manifest.secret_key});
            crate::audit::record_unattributed(state, "backup.made", target, Some(after)).await;
            metrics.backups.get_or_create(&crate::metrics::Outcome { outcome: "ok".into() }).inc();
            metrics.backup_last_success.set(now.timestamp());
            tracing::info!(file = %path.display(), bytes, rows, "scheduled backup made");
            Ok(path)
        }
        Err(e) => {
            let after = serde_json::json!({"file": name, "error": e.to_string()});
            crate::audit::record_unattributed(state, "backup.failed", target, Some(after)).await;
            metrics.backups.get_or_create(&crate::metrics::Outcome { outcome: "failed".into() }).inc();
            tracing::error!(error = %e, "scheduled backup failed");
            Err(e)
        }
    }
}

/// The last scheduled backup on the audit log whose action starts with `action` (`backup.` for
/// either outcome, `backup.made` for the last success).
pub async fn last_scheduled_backup(store: &dyn Store, action: &str) -> AppResult<Option<huiyin_store::AdminEvent>> {
    let query = huiyin_store::AdminEventQuery {
        units: Vec::new(),
        installation: true,
        by: None,
        action_prefix: Some(action.into()),
        target: None,
        from: None,
        before: None,
        page: 1,
        per_page: 1,
    };
    Ok(store.admin_events(&query).await?.items.into_iter().next())
}
