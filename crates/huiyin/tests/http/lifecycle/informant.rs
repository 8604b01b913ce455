//! GEN-7 informant protection (《信访工作条例》 Art 30 ¶3), each path a hostile tester found around
//! the guard (issue 15): for the accused unit and its departments an accusing case does not exist,
//! nothing routes it into the accused's reach, and the unit below the accused routes it out.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::common::{Backend, agent, get, json, post};
use super::{World, opinion, visit};

/// A department of the accused town (民政办 of 西镇) with an officer `mz`, made on the running world.
fn with_department(w: &mut World) {
    w.db.cli(&["unit", "add", "XZ-MZ", "--name", "西镇民政办", "--kind", "department", "--parent", "XZ"]);
    w.db.cli(&["user", "add", "mz", "--unit", "XZ-MZ", "--role", "officer", "--name", "闵正"]);
    w.tokens.insert("mz", w.db.cli(&["token", "create", "mz"]).trim().to_owned());
}

/// A visit to the community (XS) that accuses the town above it (XZ).
fn accusation() -> Value {
    let mut body = visit();
    body["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    body["purpose"] = json!("accusation");
    body["petitioner"]["name"] = json!("保密癸");
    body["petitioner"]["id_number"] = json!("11010519491231002X");
    body["content"] = json!("检举西镇某干部截留低保金,请求查处。");
    body
}

/// The bytes of the attachment the tests add: a PNG signature and nothing more.
const SECRET_PNG: [u8; 12] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

/// Adds an attachment named 保密癸身份证.png to case `id` as officer `wang`; returns the answer.
fn attach_secret_file(w: &World, id: i64) -> Value {
    let mut resp = agent()
        .post(w.server.url(&format!(
            "/api/v1/cases/{id}/attachments?filename=%E4%BF%9D%E5%AF%86%E7%99%B8%E8%BA%AB%E4%BB%BD%E8%AF%81.png"
        )))
        .header("Authorization", &format!("Bearer {}", w.tokens["wang"]))
        .header("Content-Type", "application/octet-stream")
        .send(&SECRET_PNG[..])
        .unwrap();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(resp.status(), 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Every response body the reader gets from the reads a staff member makes every day.
fn everything_read_by(w: &World, who: &str) -> String {
    let mut all = String::new();
    for path in [
        "/api/v1/cases",
        "/api/v1/cases?q=保密癸",
        "/api/v1/cases?q=低保金",
        "/api/v1/cases?q=13812345678",
        "/api/v1/cases?q=11010519491231002X",
        "/api/v1/cases?due=soon",
        "/api/v1/notifications",
        "/api/v1/supervision?open=false",
    ] {
        let (status, mut body) = get(&w.server, &w.tokens[who], path);
        assert_eq!(status, 200, "{who} {path}: {body}");
        // A search answers with the words the reader typed; those they knew already.
        body.as_object_mut().map(|o| o.remove("terms"));
        all.push_str(&body.to_string());
    }
    all
}

/// GEN-7: for the accused town, its department and their leaders an accusing case does not exist:
/// 404 on every read and action, absent from lists, search, notifications and supervision; the
/// community that registered it and the county above see it.
pub fn gen_7_for_the_accused_an_accusing_case_does_not_exist(backend: Backend) {
    let Some(mut w) = World::new(backend) else { return };
    with_department(&mut w);
    let mut body = accusation();
    body["flags"] = json!(["major_urgent"]);
    let id = w.register(body);
    let number = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}")).1["case_number"].clone();
    let number = number.as_str().unwrap().to_owned();
    attach_secret_file(&w, id);
    let (_, mine) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
    assert_eq!(mine["petitioner"]["name"], "保密癸", "the registering community sees the petitioner");
    let sha = mine["events"].as_array().unwrap().iter().find(|e| e["kind"] == "attachment_added").unwrap()["details"]
        ["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    for who in ["chen", "zlead", "mz"] {
        for path in [
            format!("/api/v1/cases/{id}"),
            format!("/api/v1/cases/{id}?reveal=true"),
            format!("/api/v1/cases/{id}/documents"),
            format!("/api/v1/cases/{id}/documents/receipt/1"),
            format!("/api/v1/cases/{id}/attachments/{sha}"),
        ] {
            let (status, _) = get(&w.server, &w.tokens[who], &path);
            assert_eq!(status, 404, "{who} {path}");
        }
        for (action, body) in [
            ("accept", json!({})),
            ("reissue-query-code", json!({})),
            ("escalate", json!({"reason": "r"})),
            ("flag", json!({"flag": "major_urgent", "reason": "r"})),
            ("instruct", json!({"text": "t"})),
            ("hand-off", json!({"reason": "r"})),
        ] {
            let (status, answer) = w.act(who, id, action, body);
            assert_eq!(status, 404, "{who} {action}: {answer}");
        }
        let seen = everything_read_by(&w, who);
        for secret in [number.as_str(), "保密癸", "低保金", "保密癸身份证", "13812345678", "002X"] {
            let at = seen.find(secret).map(|i| &seen[i.saturating_sub(300)..(i + 100).min(seen.len())]);
            assert!(at.is_none(), "{who} learned {secret:?}: …{}…", at.unwrap_or_default());
        }
    }
    let (status, county) = get(&w.server, &w.tokens["qlead"], &format!("/api/v1/cases/{id}"));
    assert_eq!((status, county["petitioner"]["name"].as_str()), (200, Some("保密癸")), "the county above sees it");
    let (_, alerts) = get(&w.server, &w.tokens["lead1"], "/api/v1/notifications");
    assert_eq!(alerts["items"].as_array().unwrap().len(), 1, "the community's leaders are alerted: {alerts}");
}

/// GEN-7: the community below the accused town keeps the case it registered but may not handle it
/// (its answer would be the town's); it routes it out, and escalation skips over the town.
pub fn gen_7_a_unit_below_the_accused_routes_it_out(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(accusation());
    for (action, body) in [
        ("accept", json!({})),
        ("reject", json!({"reason": "r", "channel": "c"})),
        ("answer", json!({"answer": "已答复"})),
    ] {
        w.refused("wang", id, action, body, 409, "accused_unit");
    }
    w.refused("wang", id, "transfer", json!({"unit": "XZ"}), 409, "accused_unit");
    w.refused("wang", id, "escalate", json!({"unit": "XZ", "reason": "检举镇政府"}), 409, "accused_unit");
    w.refused("wang", id, "report-up", json!({"to_unit": "XZ", "summary": "s"}), 409, "accused_unit");
    w.refused("lead1", id, "assign-leader", json!({"leader": "zlead"}), 409, "accused_unit");
    let up = w.ok("wang", id, "escalate", json!({"reason": "检举镇政府,报县处理"}));
    assert_eq!(up["holding_unit"], "QX", "escalation skips over the accused town: {up}");
    // Escalated, the case is the county's to sort (FED-7): the community no longer holds it.
    w.refused("wang", id, "reject", json!({"reason": "r", "channel": "c"}), 409, "not_holding_unit");
    let accepted = w.ok("qlead", id, "accept", json!({}));
    assert_eq!(accepted["owner"], "qlead", "who accepts above owns it; the community's officer no longer does");
    // Nor does anyone of the accused town register an accusation against it, even for the
    // community below it; the refusal names the county, which registers it instead.
    let (status, err) = super::common::post(&w.server, &w.tokens["chen"], "/api/v1/cases", &accusation());
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("accused_unit")), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("清溪县"), "{err}");
}

/// GEN-7: no route into the accused's reach, from a unit that may route there: not the accused
/// town, not its department, not the community below it, not one of their staff as owner, holder
/// or owning leader.
pub fn gen_7_no_route_into_the_accused_reach(backend: Backend) {
    let Some(mut w) = World::new(backend) else { return };
    with_department(&mut w);
    let id = w.register(accusation());
    w.ok("wang", id, "escalate", json!({"reason": "报县处理"}));
    for (action, body) in [
        ("assign", json!({"unit": "XZ"})),
        ("assign", json!({"unit": "XZ-MZ"})),
        ("assign", json!({"unit": "XS"})),
        ("assign", json!({"unit": "XS-CL"})),
        ("transfer", json!({"unit": "XZ-MZ"})),
        ("hand-off", json!({"to_unit": "XZ", "reason": "r"})),
        ("hand-off", json!({"to_user": "zlead", "reason": "r"})),
        ("hand-off", json!({"to_user": "mz", "reason": "r"})),
    ] {
        w.refused("boss", id, action, body.clone(), 409, "accused_unit");
    }
    let sent = w.ok("boss", id, "assign", json!({"unit": "DZ"}));
    assert_eq!(sent["holding_unit"], "DZ");
    w.ok("dong", id, "accept", json!({}));
}

/// GEN-7: the query code is reissued only by the unit that registered the case or one above it: the
/// unit that holds it after a transfer may not (the code opens the receipt and speaks for the
/// petitioner).
pub fn gen_7_only_the_registering_unit_reissues_the_query_code(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.ok("wang", id, "transfer", json!({"unit": "DZ"}));
    w.refused("dong", id, "reissue-query-code", json!({}), 403, "forbidden");
    let (status, code) = w.act("wang", id, "reissue-query-code", json!({}));
    assert_eq!(status, 200, "{code}");
    let (status, _) = w.act("qlead", id, "reissue-query-code", json!({}));
    assert_eq!(status, 200, "the county above may");
}

/// GEN-7: a repeat flag never links a case the accused may read to the same person's accusation,
/// in either order.
pub fn gen_7_repeat_flags_never_link_to_an_accusation(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let accusing = w.register(accusation());
    let accusing_number = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{accusing}")).1["case_number"]
        .as_str()
        .unwrap()
        .to_owned();
    // The same person, the same matter, registered for the town by the county (which sees both).
    let mut plain = accusation();
    plain.as_object_mut().unwrap().remove("accused");
    plain["purpose"] = json!("request");
    plain["unit"] = json!("XZ");
    let (status, case) = super::common::post(&w.server, &w.tokens["boss"], "/api/v1/cases", &plain);
    assert_eq!(status, 201, "{case}");
    let plain_id = case["id"].as_i64().unwrap();
    for who in ["boss", "chen"] {
        let (_, seen) = get(&w.server, &w.tokens[who], &format!("/api/v1/cases/{plain_id}"));
        assert!(!seen.to_string().contains(&accusing_number), "{who}: {seen}");
    }
    w.refused(
        "boss",
        plain_id,
        "flag",
        json!({"flag": "repeat", "related": [accusing_number], "reason": "同一人"}),
        422,
        "unknown_case",
    );
}

/// Accounts made straight in the store (no process per account): `(username, unit, role)`, each
/// with the password [`PASSWORD`] and an API token, returned by username.
/// The world's store, opened beside its server.
async fn open_store(w: &World) -> Box<dyn huiyin_store::Store> {
    if w.db.url.starts_with("sqlite:") {
        Box::new(huiyin_store_sqlite::SqliteStore::open(&w.db.url).await.unwrap())
    } else {
        Box::new(huiyin_store_postgres::PostgresStore::open(&w.db.url).await.unwrap())
    }
}

fn seed_accounts(w: &World, accounts: &[(String, &str, huiyin_core::user::Role)]) -> HashMap<String, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = open_store(w).await;
        if store.unit_by_code("XZ-MZ").await.unwrap().is_none() {
            let code = |c: &str| huiyin_core::unit::UnitCode::parse("unit", c).unwrap();
            let unit = huiyin_store::NewUnit {
                code: code("XZ-MZ"),
                name: "西镇民政办".into(),
                kind: huiyin_core::unit::UnitKind::Department,
                parent: Some(code("XZ")),
            };
            store.add_unit(&unit).await.unwrap();
        }
        let hash = huiyin_app::actor::hash_password(PASSWORD.into()).await.unwrap();
        let mut tokens = HashMap::new();
        for (username, unit, role) in accounts {
            let user = store
                .add_user(&huiyin_store::NewUser {
                    username: username.clone(),
                    display_name: username.clone(),
                    unit: huiyin_core::unit::UnitCode::parse("unit", unit).unwrap(),
                    role: *role,
                    password_hash: Some(hash.clone()),
                    may_backdate: false,
                    title: None,
                    credential: None,
                    rank: None,
                    phone: None,
                    email: None,
                })
                .await
                .unwrap();
            let token = format!("hy_test_{username}");
            store
                .add_api_token(
                    user.id,
                    &huiyin_app::context::token_hash(&token),
                    &huiyin_store::NewApiToken::default(),
                    chrono::Utc::now(),
                )
                .await
                .unwrap();
            tokens.insert(username.clone(), token);
        }
        tokens
    })
}

/// Sets the passwords of `usernames` by one-time links `issuer` issued, as `POST
/// /users/{username}/password-link` and the link's page do: the accounts are then blind to what the
/// issuer is blind to.
fn set_by_links_of(w: &World, usernames: &[String], issuer: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = open_store(w).await;
        let issuer = store.user_by_username(issuer).await.unwrap().unwrap();
        let hash = huiyin_app::actor::hash_password(PASSWORD.into()).await.unwrap();
        let now = chrono::Utc::now();
        for username in usernames {
            let user = store.user_by_username(username).await.unwrap().unwrap();
            let expires_at = now + chrono::Duration::hours(1);
            let link = huiyin_store::PasswordLink { user_id: user.id, issued_by: Some(issuer.id), expires_at };
            let token = format!("pw_test_{username}");
            store.put_password_link(&huiyin_app::context::token_hash(&token), &link, now).await.unwrap();
            let set = store.use_password_link(&huiyin_app::context::token_hash(&token), &hash, now).await.unwrap();
            assert_eq!(set.unwrap().link_issuer_id, Some(issuer.id));
        }
    })
}

const PASSWORD: &str = "西山社区2026年春季";

/// A body for an operation's request schema: every required property filled, and `fill` for the
/// properties it names.
fn body_for(doc: &Value, op: &Value, fill: &[(&str, &str)]) -> Value {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    };
    let mut body = serde_json::Map::new();
    for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        body.insert(name.to_owned(), json!("x"));
    }
    for (name, value) in fill {
        if schema["properties"].get(*name).is_some() {
            body.insert((*name).to_owned(), json!(value));
        }
    }
    Value::Object(body)
}

/// A path with its parameters filled for the case.
fn fill_path(path: &str, id: i64, number: &str, sha: &str) -> String {
    path.replace("{id}", &id.to_string())
        .replace("{case_number}", number)
        .replace("{sha256}", sha)
        .replace("{kind}", "receipt")
        .replace("{issued_by}", "1")
        .replace("{action}", "accept")
        .replace("{code}", "XS")
        .replace("{username}", "wang")
}

/// What a response says, without the words the reader typed into a search (`terms`).
fn said(status_and_body: (u16, Value)) -> (u16, String) {
    let (status, mut body) = status_and_body;
    body.as_object_mut().map(|o| o.remove("terms"));
    (status, body.to_string())
}

/// A page without the registers of key petitioners its reader keeps (the register page's table, the
/// session form's picker): the accused town typed the accuser onto its own register (a person it
/// knew), and its keepers and those above read that line as they did before any accusation (TWN-8);
/// huiyin itself never copies an accuser onto a register within the accused's reach
/// (`key_petitioners::add_from_case`). Nothing else on the page may name the accuser.
fn without_registers(page: &str) -> String {
    let mut page = page.to_owned();
    for (open, close) in
        [(r#"<table class="list" id="key-petitioners">"#, "</table>"), (r#"<select id="s-key-id""#, "</select>")]
    {
        if let Some(start) = page.find(open)
            && let Some(len) = page[start..].find(close)
        {
            page.replace_range(start..start + len + close.len(), "");
        }
    }
    page
}

/// GEN-7, generated: for every operation of the OpenAPI document and every staff page that takes a
/// case, as every role of the accused town and of its department, as the county leader accused
/// by name (an account of their own), and as two staff members of the registering community who
/// stand aside from the case (回避: one by declaration, one by a leader's order), every read answers 404, every
/// action is refused, and no response — lists and searches for the petitioner's details,
/// notifications, supervision, intake — holds the case's number, statement, petitioner or
/// attachment; and from every role of the county, no routing operation can move the case into the
/// accused town's reach (its units or their staff). Operations and pages added later are walked
/// without editing this test.
pub fn gen_7_enumerated_the_accused_never_reaches_the_accusation(backend: Backend) {
    use huiyin_core::user::Role;
    let Some(w) = World::new(backend) else { return };
    let roles = [Role::Admin, Role::Officer, Role::Leader, Role::Handler, Role::Supervisor];
    let mut accounts = Vec::new();
    for (unit, prefix) in [("XZ", "xz"), ("XZ-MZ", "mz"), ("QX", "qx")] {
        for role in roles {
            accounts.push((format!("{prefix}_{}", role.code()), unit, role));
        }
    }
    // The community where the accusation is registered, below the accused town: accounts whose
    // passwords were set by links the town's administrator issued (and so could have used).
    let by_link: Vec<String> = roles.iter().map(|r| format!("ln_{}", r.code())).collect();
    for (username, role) in by_link.iter().zip(roles) {
        accounts.push((username.clone(), "XS", role));
    }
    // And a person accused by name, a leader of the county (alerted of major cases like any other).
    accounts.push(("px_leader".into(), "QX", Role::Leader));
    // And two of the community that registers it who stand aside from it (回避): one declares a
    // direct interest, a leader orders the other to.
    accounts.push(("rc_self".into(), "XS", Role::Officer));
    accounts.push(("rc_ordered".into(), "XS", Role::Handler));
    let tokens = seed_accounts(&w, &accounts);
    set_by_links_of(&w, &by_link, "xz_admin");
    let accused: Vec<&String> = tokens.keys().filter(|u| !u.starts_with("qx_")).collect();

    // The community's reception session of today, in which the accusation is received (TWN-10).
    let session = w.db.with_store(async |store| {
        let xs = store.unit_by_code("XS").await.unwrap().unwrap();
        let wang = store.user_by_username("wang").await.unwrap().unwrap();
        let leader = huiyin_core::reception::ArrangedLeader {
            username: "lead1".into(),
            name: "李社区".into(),
            title: "社区书记".into(),
            rank: String::new(),
        };
        let session = huiyin_store::NewSession {
            unit_id: xs.id,
            kind: huiyin_core::reception_session::SessionKind::LeaderDay,
            day: huiyin_core::limits::china_day(chrono::Utc::now()),
            starts: None,
            ends: None,
            place: "西山社区接待室".into(),
            leaders: vec![leader],
            key_petitioner: None,
            key_reason: None,
            note: None,
            created_by: wang.id,
            created_at: chrono::Utc::now(),
        };
        store.add_reception_session(&session).await.unwrap()
    });
    let month = huiyin_core::duty::DutyMonth::of(huiyin_core::limits::china_day(chrono::Utc::now())).to_string();

    // The accusation, with an attachment, an alert to leaders and a flag.
    let mut body = accusation();
    body["session"] = json!(session);
    body["accused"]["user"] = json!("px_leader");
    body["flags"] = json!(["major_urgent"]);
    body["petitioner"]["address"] = json!("保密街七号");
    let id = w.register(body);
    let png = SECRET_PNG;
    let added = attach_secret_file(&w, id);
    let sha = added["sha256"].as_str().unwrap().to_owned();
    let number = added["case"]["case_number"].as_str().unwrap().to_owned();
    for who in ["rc_self", "rc_ordered"] {
        let (status, _) = get(&w.server, &tokens[who], &format!("/api/v1/cases/{id}"));
        assert_eq!(status, 200, "{who} sees the case before standing aside");
    }
    let (status, _) = post(
        &w.server,
        &tokens["rc_self"],
        &format!("/api/v1/cases/{id}/recuse"),
        &json!({"user": "rc_self", "reason": "信访人系本人近亲属"}),
    );
    assert_eq!(status, 200);
    w.ok("lead1", id, "recuse", json!({"user": "rc_ordered", "reason": "与被反映事项有利害关系"}));
    // The accuser complained about the community's officer, linking the accusation (FED-12), and
    // offered the officer a gift over it, refused and recorded (SCH-8): for the accused the
    // complaint does not exist and the gift's line names neither the case nor who offered it.
    let complaint = w.db.with_store(async |store| {
        let xs = store.unit_by_code("XS").await.unwrap().unwrap();
        let wang = store.user_by_username("wang").await.unwrap().unwrap();
        let complaint = huiyin_store::NewComplaint {
            unit_id: xs.id,
            staff_id: Some(wang.id),
            kind: huiyin_core::complaint::ComplaintKind::Rudeness,
            source: huiyin_core::complaint::ComplaintSource::Online,
            account: "登记时态度生硬".into(),
            occurred_on: "2026-11-20".parse().unwrap(),
            complainant: Some("保密癸".into()),
            phone: Some("13812345678".into()),
            received_by: wang.id,
            received_at: chrono::Utc::now(),
            due_on: "2026-12-31".parse().unwrap(),
            rota_user_id: None,
            case_id: Some(id),
            staff_named: None,
            query_code_hash: None,
        };
        store.add_complaint(&complaint).await.unwrap()
    });
    let gift = json!({"kind": "gift", "offered_by": "保密癸", "what": "购物卡", "offered_on": "2026-11-20",
        "handling": "当场拒收", "case_number": number});
    let (status, answer) = post(&w.server, &w.tokens["wang"], "/api/v1/gifts", &gift);
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = get(&w.server, &tokens["qx_supervisor"], &format!("/api/v1/complaints/{complaint}"));
    assert_eq!((status, answer["case_number"].as_str()), (200, Some(number.as_str())), "the county reads it");
    // The accused town keeps the accuser on its register of key petitioners (TWN-8), typed by its
    // supervisor (a person it knew): the county reading the accusation is not shown the town's label.
    let line = json!({"name": "保密癸", "id_number": "11010519491231002X", "reason": "西镇:多次上访"});
    let (status, added) = post(&w.server, &tokens["xz_supervisor"], "/api/v1/units/XZ/key-petitioners", &line);
    assert_eq!(status, 201, "{added}");
    let (_, read) = get(&w.server, &tokens["qx_supervisor"], &format!("/api/v1/cases/{id}"));
    assert_eq!(read.get("key_petitioner"), None, "the accused town's label on its accuser: {read}");
    assert_eq!(read["session"]["id"], json!(session), "received in the session: {read}");
    let (_, held) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/reception-sessions/{session}"));
    assert_eq!(held["session"]["visits"], json!(1), "the receiver counts it: {held}");
    let secrets = [number.as_str(), "保密癸", "低保金", "保密癸身份证", "13812345678", "****5678", "002X", "保密街"];
    let leaks = |who: &str, what: &str, text: &str| {
        for secret in secrets {
            assert!(!text.contains(secret), "{who} learned {secret:?} from {what}: {text}");
        }
    };

    let events_before =
        get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}")).1["events"].as_array().unwrap().len();
    let (_, doc) = get(&w.server, &w.tokens["wang"], "/api/openapi.json");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 40, "the document lists the operations");
    let takes_case = |path: &str| path.starts_with("/cases/{id}") || path.contains("{case_number}");
    let api = |token: &str, method: &str, url: &str, body: Option<Value>| -> (u16, Value) {
        let url = w.server.url(&format!("/api/v1{url}"));
        let auth = format!("Bearer {token}");
        match (method, body) {
            ("get", _) => json(agent().get(&url).header("Authorization", &auth).call()),
            ("delete", _) => json(agent().delete(&url).header("Authorization", &auth).call()),
            (_, None) => json(
                agent()
                    .post(&url)
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/octet-stream")
                    .send(&png[..]),
            ),
            (m, Some(b)) => {
                let request = match m {
                    "put" => agent().put(&url),
                    "patch" => agent().patch(&url),
                    _ => agent().post(&url),
                };
                json(
                    request
                        .header("Authorization", &auth)
                        .header("Content-Type", "application/json")
                        .send(b.to_string()),
                )
            }
        }
    };

    let (mut checked, mut exported, mut bulked, mut sessions_read) = (0, 0, 0, 0);
    for who in &accused {
        let token = &tokens[*who];
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                // The public operations ask for no account: the same for every reader, walked once.
                let public = op.get("security").is_none_or(|s| s.as_array().is_some_and(Vec::is_empty));
                if public && who != &accused[0] {
                    continue;
                }
                if takes_case(path) {
                    let mut url = fill_path(path, id, &number, &sha);
                    if op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "query_code") {
                        url.push_str("?query_code=0000-0000");
                    }
                    let json_body = op["requestBody"]["content"].get("application/json").is_some();
                    let body = json_body.then(|| body_for(&doc, op, &[]));
                    let (status, text) = said(api(token, method, &url, body));
                    assert_eq!(status, 404, "{who} {method} {path}: {text}");
                    leaks(who, path, &text);
                    checked += 1;
                } else if method == "get" && !path.contains('{') {
                    // Lists and reports, plain and searched for each of the petitioner's details.
                    let searchable = op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "q");
                    let queries: Vec<String> = if searchable {
                        let mut q = vec![String::new(), "?due=soon".into()];
                        q.extend(
                            ["保密癸", "低保金", "13812345678", "11010519491231002X", number.as_str()]
                                .map(|s| format!("?q={}", s.bytes().map(|b| format!("%{b:02X}")).collect::<String>())),
                        );
                        q
                    } else {
                        vec![String::new()]
                    };
                    for query in queries {
                        let (_, text) = said(api(token, "get", &format!("{path}{query}"), None));
                        leaks(who, &format!("{path}{query}"), &text);
                        checked += 1;
                    }
                } else if method == "post" && !path.contains('{') {
                    // Checks that read (the intake panel): the petitioner's details as typed.
                    let schema = &op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
                    if schema.as_str().is_some_and(|s| s.ends_with("/IntakeDraft")) {
                        let typed = json!({"petitioner": {"name": "保密癸", "phone": "13812345678", "id_number": "11010519491231002X"}, "content": "检举西镇某干部截留低保金"});
                        let (_, text) = said(api(token, "post", path, Some(typed)));
                        leaks(who, path, &text);
                        checked += 1;
                    }
                }
            }
        }

        // The complaint linked to the accusation, by its own address.
        let (status, text) = said(api(token, "get", &format!("/complaints/{complaint}"), None));
        assert_eq!(status, 404, "{who} reads the accuser's complaint: {text}");

        // The reception session that received the accusation: its visits, its count, its summary.
        let (status, read) = api(token, "get", &format!("/reception-sessions/{session}"), None);
        if status == 200 {
            sessions_read += 1;
            assert_eq!(read["session"]["visits"], json!(0), "{who} counts the accusation in the session: {read}");
            assert_eq!(read["visits"], json!([]), "{who} lists the accusation in the session: {read}");
            leaks(who, "the session", &read.to_string());
            let mut pdf = agent()
                .get(w.server.url(&format!("/api/v1/reception-sessions/{session}/summary.pdf")))
                .header("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap();
            let text = huiyin_pdf::extract_text(&pdf.body_mut().read_to_vec().unwrap()).unwrap();
            leaks(who, "the session's summary", &text.split_whitespace().collect::<String>());
        }
        let (_, listed) = api(token, "get", &format!("/units/XS/reception-sessions?month={month}"), None);
        for s in listed.as_array().into_iter().flatten() {
            assert_eq!(s["visits"], json!(0), "{who} counts the accusation in the month's sessions: {listed}");
        }

        // The reports of their own unit for the month (issue 21): the accusation is not even a
        // number. Each count equals that of the case list the reader is shown, which leaves it out.
        let unit = match who.split('_').next() {
            Some("xz") => "XZ",
            Some("mz") => "XZ-MZ",
            Some("px") => "QX",
            _ => "XS",
        };
        let today = huiyin_core::limits::china_day(chrono::Utc::now());
        let period = format!("{}", today.format("%Y-%m"));
        let first = format!("{period}-01");
        let (_, listed) = api(token, "get", &format!("/cases?unit={unit}&from={first}&to={today}"), None);
        let (status, stats) = api(token, "get", &format!("/units/{unit}/statistics?from={first}&to={today}"), None);
        assert_eq!(status, 200, "{who}: {stats}");
        assert_eq!(stats["all"]["cases"], listed["total"], "{who} counts the accusation: {stats}");
        leaks(who, "the statistics", &stats.to_string());
        let (_, measures) = api(token, "get", &format!("/units/{unit}/measures?period={period}"), None);
        assert_eq!(measures["measures"][5]["denominator"], listed["total"], "{who} counts it: {measures}");
        let (status, rollup) = api(token, "get", &format!("/units/{unit}/rollup?period={period}"), None);
        assert_eq!(status, 200, "{who}: {rollup}");
        assert_eq!(rollup["total"]["registered"], listed["total"], "{who} counts it in the roll-up: {rollup}");
        let (_, behind) = api(token, "get", &format!("/cases?unit={unit}&measure=repeat_rate&period={period}"), None);
        leaks(who, "a measure's cases", &behind.to_string());

        // The staff pages, by the login form, with a session.
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let mut form = agent.get(w.server.url("/login")).call().unwrap();
        let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let page = form.body_mut().read_to_string().unwrap();
        let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let signed = agent
            .post(w.server.url("/login"))
            .header("Cookie", &cookie)
            .send_form([
                ("csrf", csrf.as_str()),
                ("username", who.as_str()),
                ("password", PASSWORD),
                ("next", "/cases"),
            ])
            .unwrap();
        assert_eq!(signed.status(), 303, "{who} signs in");
        let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut page = agent.get(w.server.url("/cases")).header("Cookie", &cookie).call().unwrap();
        let listed = page.body_mut().read_to_string().unwrap();
        let csrf = listed.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        // A connection per request: a refused upload answers before reading its whole body.
        let fresh = || -> ureq::Agent {
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
        };
        for path in huiyin_web::ui::page_paths() {
            let url = w.server.url(&fill_path(path, id, &number, &sha));
            if path.contains("{id}") && path.starts_with("/cases/") {
                let mut got = fresh().get(&url).header("Cookie", &cookie).call().unwrap();
                if got.status().is_redirection() {
                    // An old address that moved (the same for every id): where it leads must be 404.
                    let to = w.server.url(got.headers()["location"].to_str().unwrap());
                    got = fresh().get(&to).header("Cookie", &cookie).call().unwrap();
                }
                let read = got.status().as_u16();
                leaks(who, path, &got.body_mut().read_to_string().unwrap_or_default());
                let mut posted = fresh()
                    .post(&url)
                    .header("Cookie", &cookie)
                    .send_form([("csrf", csrf.as_str()), ("reason", "x"), ("unit", "XZ")])
                    .unwrap();
                let mut acted = posted.status().as_u16();
                leaks(who, path, &posted.body_mut().read_to_string().unwrap_or_default());
                if acted == 400 || acted == 415 {
                    // A form that takes a file: the same fields as multipart, with a file.
                    let boundary = "huiyin-gen7-boundary";
                    let mut body = Vec::new();
                    for (name, value) in [("csrf", csrf.as_str()), ("reason", "x")] {
                        let part = format!(
                            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                        );
                        body.extend(part.into_bytes());
                    }
                    let file = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n"
                    );
                    body.extend(file.into_bytes());
                    body.extend(png);
                    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
                    let mut posted = fresh()
                        .post(&url)
                        .header("Cookie", &cookie)
                        .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
                        .send(&body[..])
                        .unwrap();
                    acted = posted.status().as_u16();
                    leaks(who, path, &posted.body_mut().read_to_string().unwrap_or_default());
                }
                let refused = |s: u16| s == 404 || s == 405;
                assert!(
                    refused(read) && refused(acted) && (read == 404 || acted == 404),
                    "{who} {path}: {read}, {acted}"
                );
                checked += 1;
            } else if !path.contains('{') && !["/login", "/logout", "/setup"].contains(&path) {
                let mut got = fresh().get(&url).header("Cookie", &cookie).call().unwrap();
                let text = got.body_mut().read_to_string().unwrap_or_default();
                leaks(who, path, &without_registers(&text));
                // Forms that read (the intake panel as the receiver types): the petitioner's details.
                let typed = [
                    ("csrf", csrf.as_str()),
                    ("name", "保密癸"),
                    ("phone", "13812345678"),
                    ("id_number", "11010519491231002X"),
                    ("content", "检举西镇某干部截留低保金"),
                ];
                if path == "/cases/intake" {
                    let mut posted = fresh().post(&url).header("Cookie", &cookie).send_form(typed).unwrap();
                    let (status, text) =
                        (posted.status().as_u16(), posted.body_mut().read_to_string().unwrap_or_default());
                    assert!(status < 500, "{who} {path}: {status}");
                    leaks(who, path, &text);
                }
                // The list exported whole and unmasked, plain and searched for the petitioner. As
                // CSV: the workbook is the same table (`export_cases`), compressed, so unreadable here.
                // The report of the reader's own unit for this month, on the page and exported
                // (issue 21): the accusation is not even a number.
                if path == "/reports" || path == "/reports/export" {
                    let unit = match who.split('_').next() {
                        Some("xz") => "XZ",
                        Some("mz") => "XZ-MZ",
                        Some("px") => "QX",
                        _ => "XS",
                    };
                    let url = w.server.url(&format!("{path}?unit={unit}&period={month}&format=csv"));
                    let mut got = fresh().get(&url).header("Cookie", &cookie).call().unwrap();
                    assert_eq!(got.status().as_u16(), 200, "{who} {path}");
                    let text = got.body_mut().read_to_string().unwrap_or_default();
                    leaks(who, path, &text);
                    let (_, listed) = get(
                        &w.server,
                        &tokens[*who],
                        &format!("/api/v1/cases?unit={unit}&period={month}&measure=repeat_rate"),
                    );
                    let total = listed["total"].as_i64().unwrap();
                    if path == "/reports/export" {
                        assert!(text.contains(&format!("信访总量,{total},")), "{who} counts the accusation: {text}");
                    }
                }
                if path == "/cases/export" {
                    for q in ["", "保密癸", "13812345678"] {
                        let form = [("csrf", csrf.as_str()), ("format", "csv"), ("full", "1"), ("q", q)];
                        let mut posted = fresh().post(&url).header("Cookie", &cookie).send_form(form).unwrap();
                        let status = posted.status().as_u16();
                        // A full export is for those who take petitions in; the others are refused.
                        assert!(status == 200 || status == 403, "{who} {path} q={q}: {status}");
                        leaks(who, path, &posted.body_mut().read_to_string().unwrap_or_default());
                        exported += usize::from(status == 200);
                    }
                }
                // The case ticked in a list, routed in bulk to where the accused holds it.
                if path == "/cases/bulk" {
                    let case = format!("case-{id}");
                    for (action, unit) in [("assign", "XZ-MZ"), ("hand-off", "XZ"), ("assign", "DZ")] {
                        let form = [
                            ("csrf", csrf.as_str()),
                            ("action", action),
                            ("unit", unit),
                            ("reason", "批量"),
                            (case.as_str(), "on"),
                        ];
                        let mut posted = fresh().post(&url).header("Cookie", &cookie).send_form(form).unwrap();
                        let status = posted.status().as_u16();
                        assert!(status < 500, "{who} {path} {action}: {status}");
                        leaks(who, path, &posted.body_mut().read_to_string().unwrap_or_default());
                        let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
                        assert_eq!(case["holding_unit"], "XS", "{who} {action} moved it: {case}");
                        assert_eq!(case["events"].as_array().unwrap().len(), events_before, "{who} {action}");
                        bulked += 1;
                    }
                }
                // A word of the statement that is not itself checked, so that the search box's echo
                // of what was typed is no leak.
                let searched = w.server.url("/cases?q=%E6%88%AA%E7%95%99");
                let mut got = fresh().get(&searched).header("Cookie", &cookie).call().unwrap();
                leaks(who, "/cases?q=", &got.body_mut().read_to_string().unwrap_or_default());
                checked += 2;
            }
        }
    }
    assert!(checked > 10 * 50, "{checked} checks");
    assert!(sessions_read > 3, "the accused town's staff read the session that holds the accusation: {sessions_read}");
    assert!(
        exported >= 3 && bulked >= 3 * accused.len(),
        "the list's export ({exported}) and bulk ({bulked}) were walked"
    );

    // From every role of the county, no routing operation moves the case into the accused's reach.
    w.ok("wang", id, "escalate", json!({"reason": "报县处理"}));
    // Sorted at the county: its leader holds it there (the officer below the accused who sent it
    // up owns it until someone above takes it).
    w.ok("boss", id, "hand-off", json!({"to_user": "qlead", "reason": "县领导阅处"}));
    let units_in_reach = ["XZ", "XZ-MZ", "XS", "XS-CL"];
    let users_in_reach =
        ["xz_leader", "xz_officer", "mz_officer", "mz_leader", "wang", "zlead", "chen", "cl", "px_leader"];
    let mut tried = 0;
    for role in roles {
        let token = &tokens[&format!("qx_{}", role.code())];
        for (path, item) in paths {
            let Some(op) = item.get("post").filter(|_| path.starts_with("/cases/{id}/")) else { continue };
            let props = |schema: &Value| -> Vec<String> {
                let schema = match schema["$ref"].as_str() {
                    Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
                    None => schema.clone(),
                };
                schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default()
            };
            let fields = props(&op["requestBody"]["content"]["application/json"]["schema"]);
            for field in &fields {
                let targets: &[&str] = match field.as_str() {
                    "unit" | "to_unit" => &units_in_reach,
                    "to_user" | "owner" | "leader" => &users_in_reach,
                    _ => continue,
                };
                for target in targets {
                    let mut fill = vec![(field.as_str(), *target), ("reason", "检举镇政府"), ("summary", "情况")];
                    if field == "owner" {
                        fill.push(("unit", "DZ"));
                    }
                    let body = body_for(&doc, op, &fill);
                    let (status, answer) = api(token, "post", &fill_path(path, id, &number, &sha), Some(body.clone()));
                    // Whatever the operation did, the case is not held, owned or led from within the
                    // reach of the unit it accuses.
                    let (_, case) = get(&w.server, &w.tokens["boss"], &format!("/api/v1/cases/{id}"));
                    let holder = case["holding_unit"].as_str().unwrap();
                    let people = [case["owner"].as_str(), case["owner_leader"].as_str()];
                    assert!(
                        !units_in_reach.contains(&holder)
                            && !people.iter().flatten().any(|p| users_in_reach.contains(p)),
                        "{role:?} {path} {body}: {status} {answer}"
                    );
                    // Refused, unless the operation named the accused itself (更正被反映对象).
                    let named_accused = case["events"].as_array().unwrap().last().unwrap()["kind"] == "accused_set";
                    assert!(status >= 400 || named_accused, "{role:?} {path} {body}: {status} {answer}");
                    if case["accused"]["unit"] != "XZ" || case["accused"]["user"] != "px_leader" {
                        // An operation that names the accused itself (更正被反映对象): named back.
                        let back = json!({"unit": "XZ", "user": "px_leader", "reason": "恢复"});
                        let (status, _) =
                            api(&tokens["qx_admin"], "post", &format!("/cases/{id}/set-accused"), Some(back));
                        assert_eq!(status, 200);
                    }
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 5 * 20, "{tried} routing attempts");
    let (_, case) = get(&w.server, &w.tokens["boss"], &format!("/api/v1/cases/{id}"));
    assert_eq!(case["holding_unit"], "QX", "the case stayed out of the accused's reach: {case}");
}

/// GEN-7: the accused can be named where staff and clients register — a unit picked on the staff
/// form, a name that is a unit's name typed there, Open311's `accused_unit` attribute (the portal:
/// `public::gen_7_the_accused_is_named_on_the_portal`) — and each time the accused town never sees
/// the case; an accusing online request is not served by Open311's public requests either.
pub fn gen_7_the_accused_is_named_from_the_staff_form_and_open311(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let dong = &w.tokens["dong"];
    let count_for = |token: &str| get(&w.server, token, "/api/v1/cases").1["total"].as_i64().unwrap();
    assert_eq!(count_for(dong), 0);
    // The staff form: a unit picked, and a name typed that is the town's name.
    let accounts = seed_accounts(&w, &[("formwang".into(), "XS", huiyin_core::user::Role::Officer)]);
    drop(accounts);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut form = agent.get(w.server.url("/login")).call().unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let signed = agent
        .post(w.server.url("/login"))
        .header("Cookie", &cookie)
        .send_form([("csrf", csrf.as_str()), ("username", "formwang"), ("password", PASSWORD), ("next", "/cases")])
        .unwrap();
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut new = agent.get(w.server.url("/cases/new?channel=visit")).header("Cookie", &cookie).call().unwrap();
    let page = new.body_mut().read_to_string().unwrap();
    assert!(page.contains("name=\"accused_unit\"") && page.contains("东镇(DZ)"), "the form offers every unit");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(page.contains("name=\"accused_user\"") && page.contains("value=\"lead1\""), "the form offers the staff");
    // A unit picked, a name typed that is the town's name, and a person picked (the community's
    // leader, who then does not see the case).
    for (name, unit, user) in [("某干部", "DZ", ""), ("东镇", "", ""), ("社区主任", "", "lead1")] {
        let posted = agent
            .post(w.server.url("/cases"))
            .header("Cookie", &cookie)
            .send_form([
                ("csrf", csrf.as_str()),
                ("channel", "visit"),
                ("unit", "XS"),
                ("name", "周检举"),
                ("phone", "13700001111"),
                ("category", "拖欠农民工工资"),
                ("purpose", "accusation"),
                ("accused_name", name),
                ("accused_unit", unit),
                ("accused_user", user),
                ("content", "检举东镇某干部办事索要好处费。"),
            ])
            .unwrap();
        assert_eq!(posted.status(), 303, "{name} {unit}");
    }
    assert_eq!(count_for(&w.tokens["wang"]), 3);
    let (_, listed) = get(&w.server, &w.tokens["wang"], "/api/v1/cases");
    for item in listed["items"].as_array().unwrap() {
        let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{}", item["id"]));
        assert!(case["accused"]["unit"] == "DZ" || case["accused"]["user"] == "lead1", "{case}");
    }
    assert_eq!(count_for(&w.tokens["lead2"]), 3);
    assert_eq!(count_for(&w.tokens["lead1"]), 2, "the person picked does not see it");
    // Open311, with the attribute.
    let definition = json(agent.get(w.server.url("/open311/v2/services.json")).call()).1;
    let service = definition[0]["service_code"].as_str().unwrap().to_owned();
    let (_, described) = json(agent.get(w.server.url(&format!("/open311/v2/services/{service}.json"))).call());
    assert!(described.to_string().contains("\"accused_unit\""), "{described}");
    file_on_open311(&w, "检举东镇某干部办事索要好处费。", ("attribute[accused_unit]", "DZ"));
    let (_, public) = json(agent.get(w.server.url("/open311/v2/requests.json")).call());
    assert_eq!(public, json!([]), "an accusing request is not listed publicly");
    assert_eq!(count_for(&w.tokens["wang"]), 4);
    assert_eq!(count_for(dong), 0, "the accused town sees none of them");
}

/// Files an online request on Open311 to the community (XS) by officer `wang`'s key, with the
/// statement and one more field (an accused attribute); returns the answer.
fn file_on_open311(w: &World, description: &str, accused: (&str, &str)) -> Value {
    let services = json(agent().get(w.server.url("/open311/v2/services.json")).call()).1;
    let service = services[0]["service_code"].as_str().unwrap().to_owned();
    let fields = [
        ("api_key", w.tokens["wang"].as_str()),
        ("service_code", service.as_str()),
        ("last_name", "周"),
        ("first_name", "检举"),
        ("phone", "13700001111"),
        ("address_string", "清溪县"),
        ("description", description),
        ("attribute[unit]", "XS"),
        accused,
    ];
    let (status, filed) = json(agent().post(w.server.url("/open311/v2/requests.json")).send_form(fields));
    assert_eq!(status, 200, "{filed}");
    filed
}

/// GEN-7: the accused is set or corrected after registration by an action that is recorded and
/// re-applies every guard: from then on the newly accused town does not see the case and the
/// community below it may not handle it; a case its accused holds is routed out first.
pub fn gen_7_the_accused_is_set_later_and_every_guard_applies(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    assert_eq!(get(&w.server, &w.tokens["chen"], &format!("/api/v1/cases/{id}")).0, 200, "the town sees it");
    w.refused("wang", id, "set-accused", json!({"unit": "XZ"}), 422, "required");
    w.refused("wang", id, "set-accused", json!({"unit": "NOPE", "reason": "r"}), 422, "unknown_unit");
    let set = w.ok(
        "wang",
        id,
        "set-accused",
        json!({"name": "西镇某干部", "unit": "XZ", "reason": "信访人补充:反映的是镇干部"}),
    );
    assert_eq!(set["accused"]["unit"], "XZ", "{set}");
    assert_eq!(set["events"].as_array().unwrap().last().unwrap()["kind"], "accused_set");
    assert_eq!(get(&w.server, &w.tokens["chen"], &format!("/api/v1/cases/{id}")).0, 404, "now it does not");
    assert_eq!(get(&w.server, &w.tokens["chen"], "/api/v1/cases").1["total"], 0);
    w.refused("wang", id, "accept", json!({}), 409, "accused_unit");
    // The community below the town may not clear or move the accusation (it would hand it over).
    w.refused("wang", id, "set-accused", json!({"unit": "", "reason": "r"}), 409, "accused_unit");
    w.refused("wang", id, "set-accused", json!({"unit": "DZ", "reason": "r"}), 409, "accused_unit");

    // A case held by the unit about to be named is routed out first.
    let held = w.register(visit());
    w.ok("wang", held, "transfer", json!({"unit": "DZ"}));
    w.refused("qlead", held, "set-accused", json!({"unit": "DZ", "reason": "r"}), 409, "accused_unit");
    // A correction by the level above: the town is no longer accused and sees the case again.
    w.ok("qlead", id, "set-accused", json!({"name": "", "unit": "", "reason": "核实后不涉及镇干部"}));
    assert_eq!(get(&w.server, &w.tokens["chen"], &format!("/api/v1/cases/{id}")).0, 200);
}

/// GEN-7 for an accused person who has an account (the community's leader `lead1`): for them the
/// case does not exist — 404, no list entry, no alert — and nothing routes it to them (hand-off,
/// owning leader, an owner on assignment); they may not register it themselves; a name typed that is
/// exactly one staff member's name is taken as them; and the accused person is set or corrected
/// later under the same guard. Their colleagues handle the case as usual.
pub fn gen_7_an_accused_staff_member_never_sees_or_holds_the_accusation(backend: Backend) {
    let Some(mut w) = World::new(backend) else { return };
    with_department(&mut w);
    let mut body = visit();
    body["purpose"] = json!("accusation");
    body["flags"] = json!(["major_urgent"]);
    body["content"] = json!("检举社区主任李某挪用慰问金。");
    body["accused"] = json!({"name": "社区主任李某", "user": "LEAD1"});
    let id = w.register(body.clone());
    let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
    assert_eq!(case["accused"]["user"], "lead1", "{case}");
    let number = case["case_number"].as_str().unwrap().to_owned();
    let alerts = |who: &str| get(&w.server, &w.tokens[who], "/api/v1/notifications").1.to_string();
    assert!(alerts("lead2").contains(&number), "the other leader is alerted");
    assert!(!alerts("lead1").contains(&number), "the accused leader is not");
    assert_eq!(get(&w.server, &w.tokens["lead1"], &format!("/api/v1/cases/{id}")).0, 404);
    for path in ["/api/v1/cases", "/api/v1/cases?q=%E6%8C%AA%E7%94%A8", "/api/v1/supervision?open=false"] {
        let (status, seen) = get(&w.server, &w.tokens["lead1"], path);
        assert_eq!(status, 200);
        assert!(!seen.to_string().contains(&number), "{path}: {seen}");
    }
    w.refused("lead1", id, "accept", json!({}), 404, "not_found");

    // Nothing routes it to them.
    w.refused("lead2", id, "assign-leader", json!({"leader": "lead1"}), 409, "accused_unit");
    w.refused("wang", id, "hand-off", json!({"to_user": "lead1", "reason": "r"}), 409, "accused_unit");
    w.ok("lead2", id, "assign-leader", json!({"leader": "lead2"}));
    let (status, err) = post(&w.server, &w.tokens["lead1"], "/api/v1/cases", &body);
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("accused_unit")), "{err}");
    body["accused"] = json!({"user": "nobody"});
    let (status, err) = post(&w.server, &w.tokens["wang"], "/api/v1/cases", &body);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("accused.user")), "{err}");

    // At the counter the receiver picks the person: a name typed is left as typed.
    body["accused"] = json!({"name": "闵正"});
    let typed = w.register(body.clone());
    let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{typed}"));
    assert_eq!(case["accused"]["user"], Value::Null, "{case}");
    // Online (Open311 here, the portal alike) there is no picker: a name that is exactly one staff
    // member's name (闵正 of the town's 民政办) is taken as them.
    let filed = file_on_open311(&w, "检举民政办闵正优亲厚友。", ("attribute[accused_name]", "闵正"));
    let online_number = filed[0]["service_request_id"].as_str().unwrap().to_owned();
    let (_, found) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases?q={online_number}"));
    let online = found["items"][0]["id"].as_i64().unwrap();
    let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{online}"));
    assert_eq!(case["accused"]["user"], "mz", "{case}");
    assert_eq!(get(&w.server, &w.tokens["mz"], &format!("/api/v1/cases/{online}")).0, 404);
    let (_, public) = json(agent().get(w.server.url("/open311/v2/requests.json")).call());
    assert!(!public.to_string().contains(&online_number), "not served publicly: {public}");

    // Set later: not onto the case's own owner (route it first), then onto someone else.
    let plain = w.register(visit());
    w.refused("boss", plain, "set-accused", json!({"user": "wang", "reason": "r"}), 409, "accused_unit");
    w.refused("boss", plain, "set-accused", json!({"user": "nobody", "reason": "r"}), 422, "unknown_user");
    let set = w.ok("boss", plain, "set-accused", json!({"name": "李某", "user": "lead2", "reason": "信访人补充"}));
    assert_eq!(set["accused"]["user"], "lead2", "{set}");
    assert_eq!(get(&w.server, &w.tokens["lead2"], &format!("/api/v1/cases/{plain}")).0, 404);
    assert_eq!(get(&w.server, &w.tokens["lead1"], &format!("/api/v1/cases/{plain}")).0, 200, "a colleague sees it");
    // A correction that names no person leaves the person as they are; their own unit may not
    // clear them.
    let kept = w.ok("boss", plain, "set-accused", json!({"name": "李某(社区)", "reason": "补充称谓"}));
    assert_eq!(kept["accused"]["user"], "lead2", "{kept}");
    w.refused("wang", plain, "set-accused", json!({"user": "", "reason": "r"}), 409, "accused_unit");
    w.ok("boss", plain, "set-accused", json!({"user": "", "reason": "核实后不涉及"}));
    assert_eq!(get(&w.server, &w.tokens["lead2"], &format!("/api/v1/cases/{plain}")).0, 200, "cleared");

    // An objection returns a case to whoever sent it: not when that is the accused person.
    let sent = w.register(visit());
    w.ok("wang", sent, "assign", json!({"unit": "XS-CL", "owner": "cl"}));
    w.ok("boss", sent, "set-accused", json!({"user": "wang", "reason": "信访人补充:反映的是接待员"}));
    w.refused("cl", sent, "object", json!({"reason": "不属本单位职责"}), 409, "accused_unit");
}

/// GEN-7 (回避, 《信访工作条例》 Art 28 ¶3): a staff member with a direct interest in a case stands
/// aside, by their own declaration or by a leader's order; from then on the case does not exist for
/// them (404, not listed, not found by search), it is never handed or led back to them, their
/// approval of the draft no longer counts, and the timeline records it. The one who owns the case
/// hands it on first; an officer orders nobody; nobody stands aside twice.
pub fn gen_7_a_recused_staff_member_no_longer_sees_or_acts_on_the_case(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    let number =
        get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}")).1["case_number"].as_str().unwrap().to_owned();
    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead2", id, "approve", json!({}));

    // Refused, changing nothing: no reason; the owner (hand it on first); an officer ordering
    // another; somebody outside the orderer's units; somebody unknown.
    w.refused("lead1", id, "recuse", json!({"user": "lead2"}), 422, "required");
    w.refused("wang", id, "recuse", json!({"reason": "系信访人亲属"}), 422, "required");
    w.refused("wang", id, "recuse", json!({"user": "wang", "reason": "系信访人亲属"}), 409, "recused_holds");
    w.refused("wang", id, "recuse", json!({"user": "lead2", "reason": "利害关系"}), 403, "forbidden");
    w.refused("lead1", id, "recuse", json!({"user": "dong", "reason": "利害关系"}), 422, "unknown_user");
    w.refused("lead1", id, "recuse", json!({"user": "无此人\u{0}", "reason": "利害关系"}), 422, "control_character");
    let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
    assert_eq!(case["recused"], json!([]), "{case}");

    // Ordered by a leader of the unit: lead2's approval no longer counts.
    let case = w.ok("lead1", id, "recuse", json!({"user": "lead2", "reason": "与被反映人系近亲属"}));
    assert_eq!(case["recused"], json!(["lead2"]));
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "recused");
    assert_eq!(last["details"], json!({"user": "lead2", "reason": "与被反映人系近亲属", "ordered": true}));
    w.refused("lead1", id, "recuse", json!({"user": "lead2", "reason": "再次"}), 409, "already_recused");
    let case = w.ok("lead1", id, "approve", json!({}));
    assert_eq!(case["status"], "awaiting_approval", "one approval of two left: {case}");

    // For lead2 the case does not exist.
    let (status, _) = get(&w.server, &w.tokens["lead2"], &format!("/api/v1/cases/{id}"));
    assert_eq!(status, 404);
    w.refused("lead2", id, "approve", json!({}), 404, "not_found");
    for path in ["/api/v1/cases".to_owned(), format!("/api/v1/cases?q={number}"), "/api/v1/notifications".into()] {
        let (status, body) = get(&w.server, &w.tokens["lead2"], &path);
        assert_eq!(status, 200, "{path}");
        assert!(!body.to_string().contains(&number), "lead2 reads {number} in {path}: {body}");
    }
    // Nor is it handed or led back to them.
    w.refused("wang", id, "hand-off", json!({"to_user": "lead2", "reason": "请其阅处"}), 409, "recused");
    w.refused("lead1", id, "assign-leader", json!({"leader": "lead2"}), 409, "recused");

    // Declared by oneself: the town's leader above.
    let (status, _) = get(&w.server, &w.tokens["zlead"], &format!("/api/v1/cases/{id}"));
    assert_eq!(status, 200, "zlead sees the community's case before");
    let case = w.ok("zlead", id, "recuse", json!({"user": "zlead", "reason": "本人曾参与该工程验收"}));
    assert_eq!(case["recused"], json!(["lead2", "zlead"]));
    assert_eq!(case["events"].as_array().unwrap().last().unwrap()["details"]["ordered"], false);
    let (status, _) = get(&w.server, &w.tokens["zlead"], &format!("/api/v1/cases/{id}"));
    assert_eq!(status, 404);
    // The case goes on for everyone else.
    let (status, case) = get(&w.server, &w.tokens["chen"], &format!("/api/v1/cases/{id}"));
    assert_eq!((status, case["status"].as_str()), (200, Some("awaiting_approval")));
}
