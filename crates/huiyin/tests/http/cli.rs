//! The command line against a real database: the demo, and errors in plain words.

use crate::common;

use common::{Backend, Db, Server, get, post};

/// `huiyin demo` fills an empty database with a believable county: staff of every role, cases across
/// all 19 top-level classes in many states; it refuses a database that already has units.
fn demo_fills_an_empty_database(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let out = db.cli(&["demo", "--cases", "400"]);
    assert!(out.contains("400 件"), "{out}");
    for role in ["管理员", "接访员", "领导", "承办人", "信访办"] {
        assert!(out.contains(role), "an account of every role: {out}");
    }
    let token = db.cli(&["token", "create", "xfb"]).trim().to_owned();
    let server = Server::start(&db);
    let (_, all) = get(&server, &token, "/api/v1/cases?per_page=200");
    assert_eq!(all["total"], 400);
    let mut tops = std::collections::BTreeSet::new();
    let mut statuses = std::collections::BTreeSet::new();
    for page in 1..=2 {
        let (_, list) = get(&server, &token, &format!("/api/v1/cases?per_page=200&page={page}"));
        for c in list["items"].as_array().unwrap() {
            tops.insert(c["category"].as_str().unwrap().split(" / ").next().unwrap().to_owned());
            statuses.insert(c["status"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(tops.len(), 19, "{tops:?}");
    for status in ["registered", "accepted", "approved", "replied", "closed", "not_accepted"] {
        assert!(statuses.contains(status), "{status} missing from {statuses:?}");
    }
    let (ok, _, err) = db.try_cli(&["demo", "--cases", "10"], None);
    assert!(!ok && err.contains("已有单位"), "{err}");
}
both_backends!(demo_fills_an_empty_database);

/// Errors go to stderr in plain words with a non-zero status, and change nothing.
fn cli_errors_are_plain_words(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    for (args, words) in [
        (vec!["unit", "add", "西山", "--name", "x", "--kind", "community"], "单位代码"),
        (vec!["unit", "add", "XS", "--name", "x", "--kind", "city"], "可选"),
        (vec!["user", "add", "wang", "--unit", "NOPE", "--role", "officer"], "单位不存在"),
        (vec!["token", "create", "nobody"], "不存在"),
        (vec!["unit", "limits", "NOPE"], "不存在"),
    ] {
        let (ok, _, err) = db.try_cli(&args, None);
        assert!(!ok, "{args:?} should fail");
        assert!(err.starts_with("错误:") && err.contains(words), "{args:?}: {err}");
    }
    db.cli(&["unit", "add", "XS", "--name", "西山社区", "--kind", "community"]);
    let (ok, _, err) =
        db.try_cli(&["user", "add", "wang", "--unit", "XS", "--role", "officer", "--password-stdin"], Some("short\n"));
    assert!(!ok && err.contains("至少需要 10"), "{err}");
    let (ok, out, err) = db.try_cli(
        &["user", "add", "wang", "--unit", "XS", "--role", "officer", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("wang"));
}
both_backends!(cli_errors_are_plain_words);

/// A change made on the command line goes through the application's services as the operator: it
/// is checked as the API checks it, with the message on the field, and changes nothing when refused.
/// The system accounts (the operator, the online intake) are nobody's to administer or act as.
fn cli_changes_are_checked_as_the_apis_are(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let refused = |args: &[&str], stdin: Option<&str>, words: &str| {
        let (ok, _, err) = db.try_cli(args, stdin);
        assert!(!ok && err.starts_with("错误:") && err.contains(words), "{args:?}: {err}");
    };
    // The first unit is the top of the tree; every other names a unit above it that exists.
    db.cli(&["unit", "add", "QX", "--name", "清溪县", "--kind", "county"]);
    refused(&["unit", "add", "XZ", "--name", "西镇", "--kind", "town", "--parent", "NOPE"], None, "上级单位不存在");
    db.cli(&["unit", "add", "XZ", "--name", "西镇", "--kind", "town", "--parent", "qx"]);
    refused(&["unit", "add", "xz", "--name", "又一个", "--kind", "town", "--parent", "QX"], None, "单位代码已存在");
    refused(&["unit", "add", "DZ", "--name", "东\u{202e}镇", "--kind", "town", "--parent", "QX"], None, "控制字符");
    // The operator's account, made by the commands above, is no administrator of the installation:
    // the first-run setup link is still offered.
    let server = Server::start(&db);
    assert!(server.banner.iter().any(|l| l.contains("/setup/")), "{:?}", server.banner);
    drop(server);
    // Accounts: a login is taken once, a name holds no control character, a password is strong.
    db.cli(&["user", "add", "wang", "--unit", "xz", "--role", "officer", "--name", "王秀英"]);
    refused(&["user", "add", "WANG", "--unit", "XZ", "--role", "officer"], None, "用户名已存在");
    refused(&["user", "add", "li", "--unit", "XZ", "--role", "officer", "--name", "李\u{202e}"], None, "控制字符");
    refused(&["user", "add", "li", "--unit", "XZ", "--role", "boss"], None, "可选");
    refused(&["user", "passwd", "wang", "--password-stdin"], Some("1234567890\n"), "密码");
    db.cli(&["user", "add", "admin", "--unit", "QX", "--role", "admin", "--name", "管理员"]);
    let token = db.cli(&["token", "create", "admin"]).trim().to_owned();
    // The operator's account now exists (made on first use), and is out of everybody's reach.
    for args in [
        vec!["user", "disable", "_operator"],
        vec!["token", "create", "_operator"],
        vec!["token", "revoke", "--user", "_operator"],
    ] {
        refused(&args, None, "用户 _operator 不存在");
    }
    let server = Server::start(&db);
    let (status, _) = post(&server, &token, "/api/v1/users/_operator/disable", &serde_json::json!({}));
    assert_eq!(status, 404);
    // What the command line did is what the API sees.
    let (status, _) = post(&server, &token, "/api/v1/users/wang/disable", &serde_json::json!({}));
    assert_eq!(status, 200);
    let (ok, out, err) = db.try_cli(&["user", "enable", "wang"], None);
    assert!(ok && out.contains("王秀英"), "{err}");
}
both_backends!(cli_changes_are_checked_as_the_apis_are);
