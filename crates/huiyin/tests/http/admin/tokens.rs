//! API tokens (issue 18): a name, a scope (read, register, full) and an expiry; listed without
//! their secret; revoked one by one; Open311 keys are such tokens.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{self, Backend, Db, Server, agent, get, post};

/// Files an Open311 request with `key`; the status.
fn open311(server: &Server, key: &str) -> u16 {
    let (_, services) = common::json(agent().get(server.url("/open311/v2/services.json")).call());
    let code = services[0]["service_code"].as_str().unwrap().to_owned();
    let form = [
        ("api_key", key),
        ("service_code", code.as_str()),
        ("address_string", "西山社区工地"),
        ("last_name", "李"),
        ("first_name", "桂兰"),
        ("phone", "13900001111"),
        ("description", "在西山社区工地干了四个月,老板拖欠工资八千元。"),
        ("attribute[unit]", "XS"),
    ];
    let answer = agent().post(server.url("/open311/v2/requests.json")).send_form(form);
    common::json(answer).0
}

/// Issue 18: the operator makes a named `read` token with an expiry and a `register` key; a read
/// token only reads (a write is refused 403 before anything happens), a register token also
/// registers (in the API and as an Open311 key) and nothing else; a full token makes a narrower one
/// for its holder, never a wider one. Tokens are listed without their secret, by their holder and by
/// the holder's administrator (not a sibling's), and revoked one by one; an expired token is dead.
/// Each step is on the audit log.
fn an_api_token_has_a_name_a_scope_and_an_expiry(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let server = Server::start(&db);
    let read = db.cli(&["token", "create", "wang", "--name", "统计报表", "--scope", "read", "--expires-days", "30"]);
    let read = read.trim().to_owned();
    let key = db.cli(&["token", "create", "wang", "--name", "12345 热线对接", "--scope", "register"]).trim().to_owned();
    let (ok, _, err) = db.try_cli(&["token", "create", "wang", "--scope", "root"], None);
    assert!(!ok && err.contains("read, register, full"), "{err}");

    // Read: reads, and is refused every write.
    assert_eq!(get(&server, &read, "/api/v1/cases").0, 200);
    let (status, refused) = post(&server, &read, "/api/v1/cases", &crate::api::visit());
    assert_eq!((status, refused["error"]["code"].as_str()), (403, Some("token_scope")), "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("只读"), "{refused}");
    assert_eq!(post(&server, &read, "/api/v1/tokens", &json!({"name": "x", "scope": "read"})).0, 403);
    assert_eq!(open311(&server, &read), 403, "a read token is no Open311 key");
    // The intake check asks a question and writes nothing: a read, for both narrower scopes.
    let question = json!({"petitioner": {"name": "王秀英", "phone": "13812345678"}, "content": "工地拖欠工资"});
    for token in [&read, &key] {
        let (status, report) = post(&server, token, "/api/v1/intake/check", &question);
        assert_eq!(status, 200, "{report}");
    }
    assert_eq!(get(&server, &wang, "/api/v1/cases").1["total"], 0, "nothing was written");
    // Register: registers, in the API and on Open311, and nothing else.
    let (status, case) = post(&server, &key, "/api/v1/cases", &crate::api::visit());
    assert_eq!(status, 201, "{case}");
    assert_eq!(open311(&server, &key), 200);
    let id = case["id"].as_i64().unwrap();
    let (status, _) = post(&server, &key, &format!("/api/v1/cases/{id}/accept"), &json!({}));
    assert_eq!(status, 403, "a register key does not handle cases");
    // Full: makes a narrower token for its holder, never a wider one than its own.
    let asked = json!({"name": "周报", "scope": "read", "expires_in_days": 7});
    let (status, made) = post(&server, &wang, "/api/v1/tokens", &asked);
    assert_eq!(status, 201, "{made}");
    let weekly = made["token"].as_str().unwrap().to_owned();
    assert_eq!((made["name"].as_str(), made["scope"].as_str()), (Some("周报"), Some("read")));
    assert!(made["expires_at"].is_string());
    assert_eq!(get(&server, &weekly, "/api/v1/cases").0, 200);
    // A token cannot outlive itself through another: one made by an expiring token expires with it.
    let day = db.cli(&["token", "create", "wang", "--name", "一天", "--expires-days", "1"]).trim().to_owned();
    let (status, child) = post(&server, &day, "/api/v1/tokens", &json!({"name": "子令牌", "scope": "full"}));
    assert_eq!(status, 201, "{child}");
    let parent_end = chrono::Utc::now() + chrono::Duration::days(1);
    let child_end: chrono::DateTime<chrono::Utc> = child["expires_at"].as_str().expect("an expiry").parse().unwrap();
    assert!(child_end <= parent_end, "{child}");
    for name in ["一天", "子令牌"] {
        let (_, listed) = get(&server, &wang, "/api/v1/tokens");
        let id = listed.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].as_i64().unwrap();
        assert_eq!(common::delete(&server, &wang, &format!("/api/v1/tokens/{id}")).0, 204);
    }
    for (body, field) in [
        (json!({"name": "", "scope": "read"}), "name"),
        (json!({"name": "x", "scope": "root"}), "scope"),
        (json!({"name": "x", "scope": "read", "expires_in_days": 0}), "expires_in_days"),
        (json!({"name": "x\u{0}", "scope": "read"}), "name"),
    ] {
        let (status, err) = post(&server, &wang, "/api/v1/tokens", &body);
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{body}: {err}");
    }

    // Listed without their secret: by the holder, by the community's administrator, not by a
    // sibling's or a colleague.
    let (status, mine) = get(&server, &wang, "/api/v1/tokens");
    assert_eq!(status, 200, "{mine}");
    let names: Vec<&str> = mine.as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["周报", "12345 热线对接", "统计报表"], "newest first");
    let text = mine.to_string();
    for secret in [&read, &key, &weekly, &wang] {
        assert!(!text.contains(secret.as_str()), "a secret listed");
    }
    assert_eq!(get(&server, &community, "/api/v1/tokens?user=wang").1.as_array().unwrap().len(), 4);
    assert_eq!(get(&server, &sibling, "/api/v1/tokens?user=wang").0, 404);
    assert_eq!(get(&server, &dong, "/api/v1/tokens?user=wang").0, 403);
    // Revoked one by one: by the administrator, by the holder; another's id is not found.
    let id_of = |name: &str| -> i64 {
        let (_, listed) = get(&server, &wang, "/api/v1/tokens");
        listed.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].as_i64().unwrap()
    };
    let report = id_of("统计报表");
    assert_eq!(common::delete(&server, &sibling, &format!("/api/v1/tokens/{report}?user=wang")).0, 404);
    assert_eq!(common::delete(&server, &dong, &format!("/api/v1/tokens/{report}")).0, 404, "not dong's");
    assert_eq!(get(&server, &read, "/api/v1/cases").0, 200, "refused revocations end nothing");
    assert_eq!(common::delete(&server, &community, &format!("/api/v1/tokens/{report}?user=wang")).0, 204);
    assert_eq!(get(&server, &read, "/api/v1/cases").0, 401, "revoked: it stops at once");
    let weekly_id = id_of("周报");
    assert_eq!(common::delete(&server, &wang, &format!("/api/v1/tokens/{weekly_id}")).0, 204);
    assert_eq!(get(&server, &weekly, "/api/v1/cases").0, 401);
    assert_eq!(get(&server, &key, "/api/v1/cases").0, 200, "the others still work");
    // An expired token is dead.
    db.with_store(async |store: &dyn huiyin_store::Store| {
        let wang = store.user_by_username("wang").await.unwrap().unwrap();
        let past = chrono::Utc::now() - chrono::Duration::minutes(1);
        let token =
            huiyin_store::NewApiToken { name: Some("过期".into()), expires_at: Some(past), ..Default::default() };
        store.add_api_token(wang.id, &huiyin_app::context::token_hash("hy_expired"), &token, past).await.unwrap();
    });
    assert_eq!(get(&server, "hy_expired", "/api/v1/cases").0, 401);
    let printed = db.cli(&["token", "list", "wang"]);
    assert!(printed.contains("12345 热线对接") && printed.contains("登记") && !printed.contains(&key), "{printed}");

    let (_, log) = get(&server, &community, "/api/v1/audit?action=token.&target=wang");
    let entries: Vec<Value> = log["items"].as_array().unwrap().clone();
    let made: Vec<&Value> = entries.iter().filter(|e| e["action"] == "token.create").collect();
    assert_eq!(made.len(), 5, "{entries:?}");
    assert!(made.iter().any(|e| e["after"]["scope"] == "register" && e["after"]["name"] == "12345 热线对接"));
    assert_eq!(entries.iter().filter(|e| e["action"] == "token.revoke").count(), 4);
    let text = log.to_string();
    assert!(!text.contains(&key) && !text.contains(&weekly), "no secret on the log");
}
both_backends!(an_api_token_has_a_name_a_scope_and_an_expiry);
