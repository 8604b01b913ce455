//! Backups that restore and a database that moves between backends (issue 23; FED-13, GEN-11):
//! `huiyin backup`/`restore` and `export`/`import` through the real command line, proven by every
//! read of the API answering the same before and after.

use std::collections::BTreeMap;

use crate::common;

use common::{Backend, Db, Server, agent, get};
use serde_json::Value;
use sha2::Digest;

/// The readers: the county's administrator and supervisor, a community's officer.
const READERS: [&str; 3] = ["admin", "xfb", "xs.officer"];

/// A demo county, and tokens for [`READERS`].
fn world(db: &Db) -> Vec<String> {
    db.cli(&["demo", "--cases", "60"]);
    READERS.iter().map(|who| db.cli(&["token", "create", who]).trim().to_owned()).collect()
}

fn quiet(db: &Db) -> Server {
    Server::start_with_env(db, &[("HUIYIN_SUPERVISE_EVERY", "0")])
}

/// Instants to the microsecond (PostgreSQL keeps no finer; SQLite keeps what it is given).
fn to_microseconds(value: &mut Value) {
    match value {
        Value::String(s) => {
            let b = s.as_bytes();
            if b.len() > 27 && b.get(10) == Some(&b'T') && b.get(19) == Some(&b'.') {
                let digits = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > 6 {
                    *s = format!("{}{}", &s[..26], &s[20 + digits..]);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_microseconds),
        Value::Object(map) => map.values_mut().for_each(to_microseconds),
        _ => {}
    }
}

/// What of a response must be the same: JSON with its instants to the microsecond; the text of a
/// PDF or a spreadsheet made on request, without the clock time it says it was printed at; the bytes
/// of anything kept (`exact`: attachments, documents as issued) and of anything else.
fn comparable(content_type: &str, bytes: Vec<u8>, exact: bool) -> String {
    let text = if exact {
        None
    } else if content_type.contains("json") {
        let mut value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        to_microseconds(&mut value);
        return value.to_string();
    } else if content_type.contains("pdf") {
        Some(huiyin_pdf::extract_text(&bytes).unwrap())
    } else if content_type.contains("spreadsheet") {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let sheets = book.worksheets();
        Some(sheets.iter().map(|(name, range)| format!("{name}: {range:?}")).collect::<Vec<_>>().join("\n"))
    } else {
        None
    };
    match text {
        Some(text) => without_clock_times(&text),
        None => sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// The text with every clock time (`9:05`, `21:17:03`) left out.
fn without_clock_times(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if (1..=2).contains(&digits) && chars.get(i + digits) == Some(&':') {
            let mut j = i + digits;
            while chars.get(j) == Some(&':') && chars[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count() == 2 {
                j += 3;
            }
            if j > i + digits {
                out.push_str("#:#");
                i = j;
                continue;
            }
        }
        let end = i + digits.max(1);
        out.extend(&chars[i..end]);
        i = end;
    }
    out
}

/// Every read of the API by every reader: each `GET` operation of the OpenAPI document whose path
/// can be filled from the world (cases by id and number, units by code, accounts by name, the
/// attachment and documents by hash), answered as JSON, or as the SHA-256 of other bytes.
fn every_read(server: &Server, tokens: &[String], attached: (i64, &str)) -> BTreeMap<String, String> {
    let (_, doc) = get(server, &tokens[0], "/api/openapi.json");
    let (_, cases) = get(server, &tokens[0], "/api/v1/cases?per_page=100");
    let cases: Vec<(i64, String)> = cases["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["case_number"].as_str().unwrap().to_owned()))
        .collect();
    assert!(cases.len() >= 60, "{}", cases.len());
    // Every tenth case, and the one with the attachment.
    let sample: Vec<&(i64, String)> =
        cases.iter().enumerate().filter(|(i, (id, _))| i % 10 == 0 || *id == attached.0).map(|(_, c)| c).collect();
    let mut reads = BTreeMap::new();
    let mut add = |key: String, token: &str, url: &str, exact: bool| {
        let mut response = agent()
            .get(server.url(&format!("/api/v1{url}")))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let kind = response.headers().get("content-type").and_then(|t| t.to_str().ok()).unwrap_or("").to_owned();
        let bytes = response.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap();
        assert!(status < 500, "{url}: {status}");
        let body = comparable(&kind, bytes, exact);
        reads.insert(key, format!("{status} {body}"));
    };
    let mut filled = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let urls: Vec<String> = if path.starts_with("/cases/{id}") || path.contains("{case_number}") {
            sample
                .iter()
                .map(|(id, number)| {
                    path.replace("{id}", &id.to_string()).replace("{case_number}", number).replace("{kind}", "receipt")
                })
                .collect()
        } else {
            vec![path.replace("{code}", "XS").replace("{username}", "xs.officer").replace("{id}", "1")]
        };
        for url in urls {
            if url.contains('{') {
                continue;
            }
            filled += 1;
            for (who, token) in READERS.iter().zip(tokens) {
                add(format!("{url} as {who}"), token, &url, false);
            }
        }
    }
    assert!(filled > 80, "the reads cover the API: {filled}");
    // The attachment's and the documents' bytes, by the hashes the cases list.
    let (id, sha) = attached;
    add(format!("attachment {sha}"), &tokens[0], &format!("/cases/{id}/attachments/{sha}"), true);
    for (id, _) in &sample {
        let (_, docs) = get(server, &tokens[0], &format!("/api/v1/cases/{id}/documents"));
        for d in docs.as_array().into_iter().flatten() {
            if let (Some(kind), Some(by)) = (d["kind"].as_str(), d["issued_by"].as_i64()) {
                add(
                    format!("document {id} {kind} {by}"),
                    &tokens[0],
                    &format!("/cases/{id}/documents/{kind}/{by}"),
                    true,
                );
            }
        }
    }
    assert!(reads.keys().any(|k| k.starts_with("attachment ")), "the attachment is read");
    assert!(reads.keys().any(|k| k.starts_with("document ")), "documents as issued are read");
    let answered = reads.values().filter(|r| r.starts_with("200 ")).count();
    assert!(answered > 200, "most reads answer: {answered} of {}", reads.len());
    reads
}

fn same_reads(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>, what: &str) {
    assert_eq!(before.len(), after.len(), "{what}");
    for (key, read) in before {
        assert_eq!(Some(read), after.get(key), "{what}: {key}");
    }
}

fn other(backend: Backend) -> Backend {
    match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

/// FED-13, GEN-11: a backup taken while the server runs restores into an empty database of the
/// same backend, and an export imports into the other backend, each answering every read of the
/// API as the original did; the secret key goes with the backup when asked and is warned of when
/// not; a database that holds data, a damaged archive and a file that is no archive are refused
/// and write nothing.
fn fed_13_backups_restore_and_databases_move_between_backends(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let tokens = world(&db);
    let server = quiet(&db);
    // An attachment, kept by its bytes.
    let (_, mine) = get(&server, &tokens[2], "/api/v1/cases?per_page=1");
    let id = mine["items"][0]["id"].as_i64().unwrap();
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
    let added = agent()
        .post(server.url(&format!("/api/v1/cases/{id}/attachments?filename=photo.png")))
        .header("Authorization", &format!("Bearer {}", tokens[2]))
        .header("Content-Type", "application/octet-stream")
        .send(&png[..]);
    let (status, added) = common::json(added);
    assert_eq!(status, 201, "{added}");
    let attached = (id, added["sha256"].as_str().unwrap().to_owned());
    let attached = (attached.0, attached.1.as_str());
    // A first pass prints what a read prints once (documents kept as first issued); the second is
    // what every later read answers.
    every_read(&server, &tokens, attached);
    let before = every_read(&server, &tokens, attached);
    let backup = db.dir.0.join("backup.zip");
    let out = db.cli(&["backup", "--output", backup.to_str().unwrap(), "--with-secret"]);
    assert!(out.contains("已备份") && out.contains("含有密钥"), "{out}");
    let export = db.dir.0.join("export.zip");
    let out = db.cli(&["export", "--output", export.to_str().unwrap()]);
    assert!(out.contains("已导出") && out.contains("不含密钥文件") && out.contains("--with-secret"), "{out}");
    drop(server);

    // Restored on the same backend, with its secret key.
    let Some(restored) = Db::new(backend) else { return };
    let out = restored.cli(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("已写入") && out.contains("密钥文件已从归档写到"), "{out}");
    assert_eq!(
        std::fs::read(restored.dir.0.join("secret.key")).unwrap(),
        std::fs::read(db.dir.0.join("secret.key")).unwrap()
    );
    let server = quiet(&restored);
    same_reads(&before, &every_read(&server, &tokens, attached), "restored");
    drop(server);

    // Moved to the other backend, without the key: said so.
    let Some(moved) = Db::new(other(backend)) else { return };
    let out = moved.cli(&["import", export.to_str().unwrap()]);
    assert!(out.contains("已写入") && out.contains("不含密钥文件"), "{out}");
    let server = quiet(&moved);
    same_reads(&before, &every_read(&server, &tokens, attached), "moved to the other backend");
    drop(server);
    // FED-13: the tamper-evident record moves with the data: every chain still holds, and each
    // day's final hash, printed on the original, is the moved database's.
    let printed = db.dir.0.join("days.txt");
    std::fs::write(&printed, db.cli(&["audit", "days"])).unwrap();
    for copy in [&restored, &moved] {
        let out = copy.cli(&["audit", "verify", "--against", printed.to_str().unwrap()]);
        assert!(out.contains("链完整") && out.contains("与清单中"), "{out}");
    }

    // Into a database that holds data: refused.
    let (ok, _, err) = restored.try_cli(&["restore", backup.to_str().unwrap()], None);
    assert!(!ok && err.contains("空数据库"), "{err}");

    // A damaged archive (a unit renamed in its file) and a file that is no archive: refused, and the
    // database stays empty, its key file unwritten.
    let damaged = db.dir.0.join("damaged.zip");
    rewrite(&export, &damaged, |name, bytes| {
        if name.ends_with("-units.jsonl") {
            String::from_utf8(bytes).unwrap().replacen("西山社区", "东山社区", 1).into_bytes()
        } else {
            bytes
        }
    });
    let Some(empty) = Db::new(backend) else { return };
    let (ok, _, err) = empty.try_cli(&["import", damaged.to_str().unwrap()], None);
    assert!(!ok && err.contains("与清单不符") && err.contains("未写入"), "{err}");
    let (ok, _, err) = empty.try_cli(&["restore", db.dir.0.join("secret.key").to_str().unwrap()], None);
    assert!(!ok && err.contains("不是 huiyin 归档"), "{err}");
    // Another key where the backup's would go: refused before anything is written, the key kept.
    std::fs::write(empty.dir.0.join("secret.key"), [7u8; 32]).unwrap();
    let (ok, _, err) = empty.try_cli(&["restore", backup.to_str().unwrap()], None);
    assert!(!ok && err.contains("另一把密钥") && err.contains("未写入"), "{err}");
    assert_eq!(std::fs::read(empty.dir.0.join("secret.key")).unwrap(), [7u8; 32]);
    let held = empty.with_store(async |store| store.holds_data().await.unwrap());
    assert!(!held, "nothing was written");
    // An archive holds every petitioner's personal data: its owner alone reads it.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
    // A mistyped database is no backup: refused, and nothing is made.
    let missing = format!("sqlite://{}/nowhere/huiyin.db", db.dir.0.display());
    let (ok, _, err) = db.try_cli(&["--database-url", &missing, "backup", "--output", "x.zip"], None);
    assert!(!ok && err.contains("不存在"), "{err}");
}
both_backends!(fed_13_backups_restore_and_databases_move_between_backends);

/// FED-13: a backup taken while officers register cases holds each case whole or not at all: the
/// restored database answers every case it lists, with its log.
fn fed_13_a_backup_taken_while_cases_are_registered_is_whole(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = quiet(&db);
    let registered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (registered, stop, url) = (registered.clone(), stop.clone(), server.url("/api/v1/cases"));
        let wang = wang.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut body = crate::api::visit();
                let n = registered.load(std::sync::atomic::Ordering::Relaxed);
                body["content"] = Value::String(format!("第{n}件:在工地务工三个月,包工头拖欠工资一万二千元。"));
                let (status, _) = common::json(
                    agent()
                        .post(&url)
                        .header("Authorization", &format!("Bearer {wang}"))
                        .header("Content-Type", "application/json")
                        .send(body.to_string()),
                );
                assert_eq!(status, 201);
                registered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })
    };
    while registered.load(std::sync::atomic::Ordering::Relaxed) < 5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let backup = db.dir.0.join("during.zip");
    db.cli(&["backup", "--output", backup.to_str().unwrap(), "--with-secret"]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    drop(server);
    let all = registered.load(std::sync::atomic::Ordering::Relaxed);

    let Some(restored) = Db::new(backend) else { return };
    restored.cli(&["restore", backup.to_str().unwrap()]);
    let server = quiet(&restored);
    let (_, list) = get(&server, &wang, "/api/v1/cases?per_page=100");
    let total = list["total"].as_u64().unwrap() as usize;
    assert!((5..=all).contains(&total), "{total} of {all}");
    let mut pages = Vec::new();
    for page in 1..=total.div_ceil(100) {
        let (_, list) = get(&server, &wang, &format!("/api/v1/cases?per_page=100&page={page}"));
        pages.extend(list["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
    }
    assert_eq!(pages.len(), total);
    for id in pages {
        let (status, case) = get(&server, &wang, &format!("/api/v1/cases/{id}"));
        assert_eq!(status, 200, "{case}");
        assert!(!case["events"].as_array().unwrap().is_empty(), "{case}");
    }
}
both_backends!(fed_13_a_backup_taken_while_cases_are_registered_is_whole);

/// Copies a zip archive entry by entry, each entry's bytes passed through `change`.
fn rewrite(from: &std::path::Path, to: &std::path::Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(&name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&change(&name, bytes)).unwrap();
    }
    out.finish().unwrap();
}
