//! HTTP tests of the JSON API against the real server, on SQLite and on PostgreSQL.

use crate::common;

use common::{Backend, Db, Server, agent, csrf_of, delete, get, json, post, put, sign_in};
use serde_json::{Value, json};

pub(crate) fn visit() -> Value {
    json!({
        "channel": "visit",
        "received_at": "2026-11-20T09:30:00+08:00",
        "unit": "XS",
        "petitioner": {"name": "王秀英", "id_number": "11010519491231002X", "phone": "138 1234 5678", "address": "西山社区向阳街 12 号 3 栋 201 室"},
        "category": "拖欠农民工工资",
        "purpose": "request",
        "content": "在工地务工三个月,包工头拖欠工资一万二千元。",
        "place": "西山社区",
        "flags": ["major_urgent"]
    })
}

fn total(server: &Server, token: &str) -> i64 {
    get(server, token, "/api/v1/cases").1["total"].as_i64().unwrap()
}

/// GEN-1, GEN-10, FED-1, FED-5, COM-4: a visit is registered with every field; the registering
/// officer is its first receiver; ID and phone come back masked unless revealed, and the full view
/// is logged.
fn gen_10_registration_round_trip(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["case_number"], "XS-2026-000001");
    let code = case["query_code"].as_str().unwrap();
    assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "query code {code}");
    assert_eq!(case["status"], "registered");
    assert_eq!(case["channel"], "visit");
    assert_eq!(case["received_at"], "2026-11-20T09:30:00+08:00");
    assert_eq!(case["unit"]["code"], "XS");
    assert_eq!(case["first_receiver"], "wang", "FED-1");
    assert_eq!(case["owner"], "wang");
    assert_eq!(case["petitioner"]["name"], "王秀英");
    assert_eq!(case["petitioner"]["id_number"], "1101**********002X", "COM-4");
    assert_eq!(case["petitioner"]["phone"], "138****5678", "COM-4");
    assert_eq!(case["petitioner"]["masked"], true);
    assert_eq!(case["category"]["path"], "劳动和社会保障 / 劳动关系 / 拖欠农民工工资");
    assert_eq!(case["flags"], json!(["major_urgent"]), "FED-5: major cases are marked");
    let kinds: Vec<(&str, &str)> = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["due"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("sorting", "2026-12-07"), ("notice", "2026-12-07")], "GEN-2/GEN-3: 15 日, off a Saturday");
    assert_eq!(case["events"][0]["kind"], "registered");
    assert_eq!(case["events"][0]["actor"], "wang");

    let id = case["id"].as_i64().unwrap();
    let (status, again) = get(&server, &wang, &format!("/api/v1/cases/{id}"));
    assert_eq!(status, 200);
    assert!(again.get("query_code").is_none(), "the query code is shown once only");
    assert_eq!(again["petitioner"]["phone"], "138****5678");
    let (_, full) = get(&server, &wang, &format!("/api/v1/cases/{id}?reveal=true"));
    assert_eq!(full["petitioner"]["id_number"], "11010519491231002X");
    assert_eq!(full["petitioner"]["phone"], "13812345678");
    assert_eq!(full["petitioner"]["masked"], false);

    let (_, list) = get(&server, &wang, "/api/v1/cases");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["petitioner_phone"], "138****5678", "COM-4: lists are masked");
    assert_eq!(list["items"][0]["petitioner_id_number"], "1101**********002X");
}
both_backends!(gen_10_registration_round_trip);

/// GEN-1: every channel is accepted; a second case of the unit gets the next number.
fn gen_1_every_channel(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    for (i, channel) in ["letter", "visit", "phone", "online", "email", "fax"].iter().enumerate() {
        let mut body = visit();
        body["channel"] = json!(channel);
        let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
        assert_eq!(status, 201, "{channel}: {case}");
        assert_eq!(case["channel"], *channel);
        assert_eq!(case["case_number"], format!("XS-2026-{:06}", i + 1));
    }
    let (_, letters) = get(&server, &wang, "/api/v1/cases?channel=letter");
    assert_eq!(letters["total"], 1);
}
both_backends!(gen_1_every_channel);

/// Bad input is refused with the error body on the right field, in Chinese or English, and
/// writes nothing.
fn invalid_input_is_refused_and_writes_nothing(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let mut body = visit();
    body["petitioner"]["id_number"] = json!("110105194912310021");
    let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "id_number_checksum");
    assert_eq!(err["error"]["field"], "petitioner.id_number");
    assert!(err["error"]["message"].as_str().unwrap().contains("身份证号码"), "{err}");
    let (status, err) = common::json(
        agent()
            .post(server.url("/api/v1/cases"))
            .header("Authorization", &format!("Bearer {wang}"))
            .header("Accept-Language", "en-GB,en;q=0.9")
            .header("Content-Type", "application/json")
            .send(body.to_string()),
    );
    assert_eq!(status, 422);
    assert!(err["error"]["message"].as_str().unwrap().contains("ID number"), "{err}");

    for (field, value, code) in [
        ("phone", json!("12345"), "phone_format"),
        ("headcount", json!(0), "out_of_range"),
        ("content", json!(""), "required"),
        ("category", json!("不存在的分类"), "unknown_category"),
        ("unit", json!("DZ"), "unknown_unit"),
        ("channel", json!("pigeon"), "not_a_choice"),
        ("received_at", json!("2099-01-01"), "in_future"),
    ] {
        let mut body = visit();
        match field {
            "phone" => body["petitioner"]["phone"] = value,
            _ => body[field] = value,
        }
        let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
        assert_eq!(status, 422, "{field}: {err}");
        assert_eq!(err["error"]["code"], code, "{field}: {err}");
    }
    assert_eq!(total(&server, &wang), 0, "nothing was written");
}
both_backends!(invalid_input_is_refused_and_writes_nothing);

/// GEN-6: a collective visit names one to five representatives.
fn gen_6_collective_visit_representatives(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let mut body = visit();
    body["headcount"] = json!(12);
    let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("representatives_required")), "{err}");
    body["representatives"] = json!(["甲", "乙", "丙", "丁", "戊", "己"]);
    let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("too_many_representatives")), "{err}");
    body["representatives"] = json!(["甲", "乙"]);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["headcount"], 12);
    assert_eq!(case["representatives"], json!(["甲", "乙"]));
    assert!(case["flags"].as_array().unwrap().contains(&json!("collective")));
}
both_backends!(gen_6_collective_visit_representatives);

/// FED-20: an unclear anonymous letter is registered without a petitioner.
fn fed_20_anonymous_letter(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let body = json!({"channel": "letter", "unit": "XS", "category": "其他", "content": "字迹不清,无署名,无地址。"});
    let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["petitioner"]["name"], Value::Null);
    assert!(case["flags"].as_array().unwrap().contains(&json!("anonymous")));
    let mut visit_without_name = body.clone();
    visit_without_name["channel"] = json!("visit");
    let (status, err) = post(&server, &wang, "/api/v1/cases", &visit_without_name);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("petitioner.name")));
}
both_backends!(fed_20_anonymous_letter);

/// Hostile input: malformed JSON is 400, unknown fields are refused, an oversized body is 413,
/// and markup or SQL in the statement is stored verbatim.
fn hostile_input(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let send = |body: String| {
        json(
            agent()
                .post(server.url("/api/v1/cases"))
                .header("Authorization", &format!("Bearer {wang}"))
                .header("Content-Type", "application/json")
                .send(body),
        )
    };
    let (status, err) = send("{\"channel\": ".into());
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("malformed_json")), "{err}");
    let mut unknown = visit();
    unknown["colour"] = json!("red");
    let (status, err) = send(unknown.to_string());
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("malformed_json")), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("colour"));
    let mut huge = visit();
    huge["content"] = json!("长".repeat(200_000));
    let (status, err) = send(huge.to_string());
    assert_eq!((status, err["error"]["code"].as_str()), (413, Some("payload_too_large")), "{err}");
    let mut long = visit();
    long["content"] = json!("长".repeat(20_001));
    let (status, err) = send(long.to_string());
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("too_long")), "{err}");
    let nasty = "<script>alert(1)</script>'); DROP TABLE cases; --";
    let mut body = visit();
    body["content"] = json!(nasty);
    let (status, case) = send(body.to_string());
    assert_eq!(status, 201);
    let (_, again) = get(&server, &wang, &format!("/api/v1/cases/{}", case["id"]));
    assert_eq!(again["content"], nasty);
    assert_eq!(total(&server, &wang), 1);
}
both_backends!(hostile_input);

/// Tokens and scope: no token is 401; a user sees their unit and the units below, not a sibling's.
fn tokens_and_scope(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let server = Server::start(&db);
    let (status, err) = json(agent().get(server.url("/api/v1/cases")).call());
    assert_eq!((status, err["error"]["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = get(&server, "hy_not_a_token", "/api/v1/cases");
    assert_eq!(status, 401);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    assert_eq!(get(&server, &chen, &format!("/api/v1/cases/{id}")).0, 200, "the town sees its community's case");
    assert_eq!(get(&server, &dong, &format!("/api/v1/cases/{id}")).0, 404, "another town does not");
    assert_eq!(total(&server, &dong), 0);
    assert_eq!(total(&server, &chen), 1);
    let (status, err) = get(&server, &chen, "/api/v1/cases?unit=DZ");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "a unit outside the scope is refused");
    let (_, in_xs) = get(&server, &chen, "/api/v1/cases?unit=XS&from=2026-11-20&to=2026-11-20&q=工资&sort=case_number");
    assert_eq!(in_xs["total"], 1, "{in_xs}");
    let (_, none) = get(&server, &chen, "/api/v1/cases?from=2026-11-21");
    assert_eq!(none["total"], 0);
    let (status, err) = get(&server, &chen, "/api/v1/cases?from=yesterday");
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("date_format")));
}
both_backends!(tokens_and_scope);

/// FED-1: a hand-off to the rights office is an event; the first receiver stays on record.
fn fed_1_hand_off_to_rights_office(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let (status, err) = post(&server, &wang, &format!("/api/v1/cases/{id}/hand-off"), &json!({"to_user": "zhao"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")), "{err}");
    let (status, err) =
        post(&server, &wang, &format!("/api/v1/cases/{id}/hand-off"), &json!({"to_user": "dong", "reason": "x"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("to_user")), "a person outside the scope: {err}");
    let (status, case) = post(
        &server,
        &wang,
        &format!("/api/v1/cases/{id}/hand-off"),
        &json!({"to_user": "zhao", "reason": "当场不能解决,交维权办", "note": "已电话告知"}),
    );
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["first_receiver"], "wang");
    assert_eq!(case["owner"], "zhao");
    assert_eq!(case["holding_unit"], "XS-CL");
    let last = &case["events"][1];
    assert_eq!(last["kind"], "handed_off");
    assert_eq!(last["details"]["reason"], "当场不能解决,交维权办");
    assert_eq!(last["note"], "已电话告知");
    assert_eq!(get(&server, &dong, &format!("/api/v1/cases/{id}")).0, 404);
}
both_backends!(fed_1_hand_off_to_rights_office);

/// The query code can be reissued; the response shows the new code once.
fn query_code_reissue(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let (status, again) = post(&server, &wang, &format!("/api/v1/cases/{id}/reissue-query-code"), &json!({}));
    assert_eq!(status, 200, "{again}");
    assert!(again["query_code"].as_str().is_some());
    assert_eq!(again["events"][1]["kind"], "query_code_reissued");
}
both_backends!(query_code_reissue);

/// `/healthz` answers and `/api/openapi.json` documents the case endpoints.
fn health_and_openapi(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let server = Server::start(&db);
    let resp = agent().get(server.url("/healthz")).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (status, doc) = json(agent().get(server.url("/api/openapi.json")).call());
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in
        ["/cases", "/cases/{id}", "/cases/{id}/hand-off", "/intake/check", "/cases/{id}/clear-flag", "/search/words"]
    {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from {}", doc["paths"]);
    }
    // GEN-11: the public lookup is documented and asks for no token.
    let public = &doc["paths"]["/public/cases/{case_number}"]["get"];
    assert_eq!(public["tags"][0], "public");
    assert!(public.get("security").is_none(), "{public}");
    assert!(doc["paths"]["/cases/{id}"]["get"].get("security").is_some());
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
}
both_backends!(health_and_openapi);

/// Durability: a case answered 201 is still there after `kill -9` and a restart.
fn acknowledged_case_survives_kill_9(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let mut numbers = Vec::new();
    for _ in 0..20 {
        let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
        assert_eq!(status, 201);
        numbers.push(case["case_number"].as_str().unwrap().to_owned());
    }
    server.kill_hard();
    let server = Server::start(&db);
    let (_, list) = get(&server, &wang, "/api/v1/cases?per_page=50&sort=case_number");
    assert_eq!(list["total"], 20);
    let got: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["case_number"].as_str().unwrap()).collect();
    assert_eq!(got, numbers);
}
both_backends!(acknowledged_case_survives_kill_9);

/// FED-5: a major case is marked at registration and reported to the level above; the report is an
/// event the level above sees.
fn fed_5_major_case_reported_up(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/report-up");
    let (status, err) = post(&server, &wang, &path, &json!({"summary": "x", "to_unit": "DZ"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("to_unit")), "DZ is not above XS: {err}");
    let (status, err) = post(&server, &wang, &path, &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("summary")));
    let (status, case) = post(&server, &wang, &path, &json!({"summary": "重大紧急:拖欠工资涉及 30 人"}));
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["events"][1]["kind"], "reported_up");
    assert_eq!(case["events"][1]["details"]["to_unit"], "XZ", "by default the parent unit");
    let (_, seen_above) = get(&server, &chen, &format!("/api/v1/cases/{id}"));
    assert_eq!(seen_above["events"][1]["kind"], "reported_up", "the town sees the report");
    let (status, _) = post(&server, &wang, &path, &json!({"summary": "续报", "to_unit": "QX"}));
    assert_eq!(status, 200, "any unit above may be named");
}
both_backends!(fed_5_major_case_reported_up);

/// GEN-10: administrators add, rename and retire content classes, seen at once by every server;
/// cases keep the class as it was when registered; officers may read the classification but not
/// edit it.
fn gen_10_categories_are_editable_data(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.cli(&["user", "add", "boss", "--unit", "QX", "--role", "admin"]);
    let boss = db.cli(&["token", "create", "boss"]).trim().to_owned();
    let server = Server::start(&db);
    let (status, classes) = get(&server, &wang, "/api/v1/categories");
    assert_eq!(status, 200);
    let tops = classes.as_array().unwrap().iter().filter(|c| c["level"] == 1).count();
    assert_eq!(tops, 19);
    let (_, before) = post(&server, &wang, "/api/v1/cases", &visit());

    let (status, err) = post(&server, &wang, "/api/v1/categories", &json!({"name": "新类"}));
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("forbidden")));
    let (status, added) = post(&server, &boss, "/api/v1/categories", &json!({"parent": "0408", "name": "欠薪线索"}));
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["level"], 3);
    let code = added["code"].as_str().unwrap().to_owned();
    let (status, err) = post(&server, &boss, "/api/v1/categories", &json!({"parent": "0408", "name": "欠薪线索"}));
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("already_exists")));

    // Another server on the same database knows the new class at once (issue 15: a version check,
    // not a cache that lags).
    let other = Server::start(&db);
    let mut body = visit();
    body["category"] = json!("欠薪线索");
    let (status, case) = post(&other, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["category"]["code"], code.as_str());

    let patch = |path: &str, body: Value| {
        json(
            agent()
                .patch(server.url(path))
                .header("Authorization", &format!("Bearer {boss}"))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    };
    let (status, changed) = patch("/api/v1/categories/0408", json!({"name": "劳动争议"}));
    assert_eq!(status, 200, "{changed}");
    assert!(changed.as_array().unwrap().len() > 1, "the classes below are renamed too");
    let (status, _) = patch(&format!("/api/v1/categories/{code}"), json!({"active": false}));
    assert_eq!(status, 200);
    let (status, err) = post(&other, &wang, "/api/v1/cases", &body);
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("unknown_category")), "a retired class is refused");
    let (status, _) = patch("/api/v1/categories/9999", json!({"active": false}));
    assert_eq!(status, 422);

    let (_, old) = get(&server, &wang, &format!("/api/v1/cases/{}", before["id"]));
    assert_eq!(
        old["category"]["path"], "劳动和社会保障 / 劳动关系 / 拖欠农民工工资",
        "registered cases keep their class"
    );
}
both_backends!(gen_10_categories_are_editable_data);

/// GEN-2, GEN-3, GEN-8: a case shows its sorting and notice limits, counted over the official
/// calendar; a unit's preset changes them; loading a year's schedule moves open deadlines at once.
fn gen_8_deadlines_follow_the_calendar_and_the_units_limits(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.cli(&["user", "add", "boss", "--unit", "QX", "--role", "admin"]);
    let boss = db.cli(&["token", "create", "boss"]).trim().to_owned();
    let server = Server::start(&db);
    let deadline = |case: &Value, kind: &str| -> Value {
        case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == kind).cloned().unwrap_or(Value::Null)
    };

    // 15 日 from 2025-09-20 ends in the National Day holiday: the next working day, 2025-10-09.
    let mut body = visit();
    body["channel"] = json!("letter");
    body["received_at"] = json!("2025-09-20");
    let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 201, "{case}");
    let sorting = deadline(&case, "sorting");
    assert_eq!(sorting["due"], "2025-10-09", "{case}");
    assert_eq!(sorting["met_at"], Value::Null);
    assert_eq!(sorting["provisional"], false);
    assert!(sorting["days_left"].as_i64().unwrap() < 0, "long overdue");
    assert_eq!(deadline(&case, "notice")["due"], "2025-10-09");

    // 浙江: 5 工作日 from 2025-09-26 counts the make-up Sunday and skips the holiday: 2025-10-10.
    let put = |path: &str, body: Value| {
        json(
            agent()
                .put(server.url(path))
                .header("Authorization", &format!("Bearer {boss}"))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    };
    let (status, err) = put("/api/v1/units/XS/limits", json!({"preset": "atlantis"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("preset")));
    let (status, limits) = put("/api/v1/units/QX/limits", json!({"preset": "zhejiang"}));
    assert_eq!(status, 200, "{limits}");
    let (_, inherited) = get(&server, &wang, "/api/v1/units/XS/limits");
    assert_eq!((inherited["own"].as_bool(), inherited["rules"]["preset"].as_str()), (Some(false), Some("zhejiang")));
    body["received_at"] = json!("2025-09-26");
    let (_, case) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(deadline(&case, "sorting")["due"], "2025-10-10", "{case}");
    let (status, _) = json(
        agent()
            .put(server.url("/api/v1/units/XS/limits"))
            .header("Authorization", &format!("Bearer {wang}"))
            .header("Content-Type", "application/json")
            .send(json!({"preset": "national"}).to_string()),
    );
    assert_eq!(status, 403, "only administrators set limits");

    // A local 2025 schedule that also closes 2025-10-10 moves that open deadline to 10-11 (a make-up Saturday).
    let shipped: Value = serde_json::from_str(include_str!("../../../../data/holiday-cn/2025.json")).unwrap();
    let mut local = shipped.clone();
    local["days"].as_array_mut().unwrap().push(json!({"name": "本地假日", "date": "2025-10-10", "isOffDay": true}));
    let import = |token: &str, body: String| {
        json(
            agent().post(server.url("/api/v1/calendar")).header("Authorization", &format!("Bearer {token}")).send(body),
        )
    };
    assert_eq!(import(&wang, local.to_string()).0, 403);
    let (status, err) = import(&boss, "{\"year\": 2025}".into());
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("calendar_file")), "{err}");
    let (status, years) = import(&boss, local.to_string());
    assert_eq!(status, 200, "{years}");
    // The open deadlines are recounted right after the answer.
    let mut due = Value::Null;
    for _ in 0..50 {
        let (_, again) = get(&server, &wang, &format!("/api/v1/cases/{}", case["id"]));
        due = deadline(&again, "sorting")["due"].clone();
        if due == "2025-10-11" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(due, "2025-10-11");
    assert!(years["years"].as_array().unwrap().contains(&json!(2026)));
}
both_backends!(gen_8_deadlines_follow_the_calendar_and_the_units_limits);

/// `huiyin calendar import` loads a coming year from a file and refuses a file that is not one.
fn gen_8_calendar_import_from_the_command_line(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let file = db.dir.0.join("2027.json");
    std::fs::write(&file, r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#)
        .unwrap();
    let out = db.cli(&["calendar", "import", file.to_str().unwrap()]);
    assert!(out.contains("2027"), "{out}");
    assert!(db.cli(&["calendar", "list"]).contains("2027"));
    std::fs::write(&file, "not json").unwrap();
    let (ok, _, err) = db.try_cli(&["calendar", "import", file.to_str().unwrap()], None);
    assert!(!ok && err.contains("节假日文件"), "{err}");
}
both_backends!(gen_8_calendar_import_from_the_command_line);

/// Registrations arriving together are committed together (group commit): every one is answered
/// 201 only once written, and the unit's numbers run 1..N without a gap or a repeat.
fn concurrent_registrations_are_numbered_once(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let numbers: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    (0..10)
                        .map(|_| {
                            let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
                            assert_eq!(status, 201, "{case}");
                            case["case_number"].as_str().unwrap().to_owned()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = numbers.clone();
    sorted.sort();
    let want: Vec<String> = (1..=80).map(|n| format!("XS-2026-{n:06}")).collect();
    assert_eq!(sorted, want);
    assert_eq!(total(&server, &wang), 80);
}
both_backends!(concurrent_registrations_are_numbered_once);

/// FED-10, GEN-2, GEN-3: supervision reminds of deadlines due soon, opens one supervision item per
/// overdue deadline, escalates it to the unit above after the unit's limit, and tells the people
/// answerable; running it again changes nothing. Lists filter and sort by due date.
fn fed_10_supervision_runs_once_and_escalates(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let server = Server::start(&db);
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).date_naive();
    let mut overdue = visit();
    overdue["channel"] = json!("letter");
    overdue["received_at"] = json!("2026-10-01");
    let (_, late) = post(&server, &wang, "/api/v1/cases", &overdue);
    let mut soon = overdue.clone();
    soon["received_at"] = json!((today - chrono::Duration::days(14)).to_string());
    let (_, close) = post(&server, &wang, "/api/v1/cases", &soon);
    let mut fresh = overdue.clone();
    fresh["received_at"] = json!(today.to_string());
    post(&server, &wang, "/api/v1/cases", &fresh);

    let (_, list) = get(&server, &wang, "/api/v1/cases?due=overdue");
    assert_eq!(list["total"], 1, "{list}");
    let (_, list) = get(&server, &wang, "/api/v1/cases?due=soon&sort=due");
    assert_eq!(list["total"], 2, "{list}");
    assert_eq!(list["items"][0]["id"], late["id"], "the most overdue first");
    assert_eq!(list["items"][1]["id"], close["id"]);
    let (status, err) = get(&server, &wang, "/api/v1/cases?due=someday");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("due")));

    let first = db.cli(&["supervise"]);
    assert!(first.contains("提醒 2 件") && first.contains("新开督办 2 件") && first.contains("升级 2 件"), "{first}");
    let second = db.cli(&["supervise"]);
    assert!(
        second.contains("提醒 0 件") && second.contains("新开督办 0 件") && second.contains("升级 0 件"),
        "{second}"
    );
    assert!(second.contains("发出消息 0 条"), "the outbox was delivered once: {second}");

    let (_, items) = get(&server, &wang, "/api/v1/supervision");
    let items = items.as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(|i| i["case_id"] == late["id"] && i["escalated_to"] == "XZ" && i["owner"] == "wang"));
    let (_, mine) = get(&server, &wang, "/api/v1/notifications");
    let kinds: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(mine["unread"], 4, "{mine}");
    assert_eq!(kinds.iter().filter(|k| **k == "overdue").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "due_soon").count(), 2);
    let (_, above) = get(&server, &chen, "/api/v1/notifications");
    assert_eq!(above["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "escalated").count(), 2, "{above}");
    let id = mine["items"][0]["id"].as_i64().unwrap();
    assert_eq!(post(&server, &wang, &format!("/api/v1/notifications/{id}/read"), &json!({})).0, 204);
    assert_eq!(post(&server, &chen, &format!("/api/v1/notifications/{id}/read"), &json!({})).0, 404, "not chen's");
    assert_eq!(get(&server, &wang, "/api/v1/notifications").1["unread"], 3);
    // 全部标为已读: the caller's own, all at once; another's stay as they were.
    let chen_unread = get(&server, &chen, "/api/v1/notifications").1["unread"].clone();
    let (status, marked) = post(&server, &wang, "/api/v1/notifications/read-all", &json!({}));
    assert_eq!((status, marked["marked"].as_i64()), (200, Some(3)), "{marked}");
    assert_eq!(get(&server, &wang, "/api/v1/notifications").1["unread"], 0);
    assert_eq!(get(&server, &chen, "/api/v1/notifications").1["unread"], chen_unread);
}
both_backends!(fed_10_supervision_runs_once_and_escalates);

/// Issue 17: the list narrows to a content class and to a flag, refuses a malformed one on its
/// field, and each person keeps saved filters of their own.
fn lists_filter_by_class_and_flag_and_filters_are_saved(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let server = Server::start(&db);
    assert_eq!(post(&server, &wang, "/api/v1/cases", &visit()).0, 201);
    let mut plain = visit();
    plain["flags"] = json!([]);
    plain["category"] = json!("村务公开");
    plain["petitioner"] = json!({"name": "李四", "phone": "13900001111"});
    plain["content"] = json!("村务公开栏半年没有更新。");
    assert_eq!(post(&server, &wang, "/api/v1/cases", &plain).0, 201);
    let count = |query: &str| get(&server, &wang, &format!("/api/v1/cases?{query}")).1["total"].as_i64();
    assert_eq!(count("flag=major_urgent"), Some(1));
    assert_eq!(count("flag=repeat"), Some(0));
    let (_, classes) = get(&server, &wang, "/api/v1/categories");
    let code_of = |name: &str| {
        classes.as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["code"].as_str().unwrap().to_owned()
    };
    let village = code_of("村务公开");
    assert_eq!(count(&format!("category={village}")), Some(1));
    assert_eq!(count(&format!("category={}", &village[..2])), Some(1), "a top class holds its classes");
    for bad in ["category=abc", "category=%25", "flag=nope"] {
        let (status, err) = get(&server, &wang, &format!("/api/v1/cases?{bad}"));
        let field = bad.split('=').next().unwrap();
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{bad}: {err}");
    }

    let save = |token: &str, body: Value| post(&server, token, "/api/v1/saved-filters", &body);
    let (status, saved) = save(&wang, json!({"name": "重大紧急", "query": "?flag=major_urgent&page=&due="}));
    assert_eq!(status, 422, "a page is no filter: {saved}");
    let (status, saved) = save(&wang, json!({"name": "重大紧急", "query": "flag=major_urgent&due="}));
    assert_eq!((status, saved["query"].as_str()), (201, Some("flag=major_urgent")), "{saved}");
    let (status, err) = save(&wang, json!({"name": "坏", "query": "status=\"><script>"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("query")), "{err}");
    let (status, err) = save(&wang, json!({"name": " ", "query": "owner=me"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("name")), "{err}");
    let (_, mine) = get(&server, &wang, "/api/v1/saved-filters");
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(get(&server, &chen, "/api/v1/saved-filters").1, json!([]), "one's own only");
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(delete(&server, &chen, &format!("/api/v1/saved-filters/{id}")).0, 404, "not chen's");
    assert_eq!(delete(&server, &wang, &format!("/api/v1/saved-filters/{id}")).0, 204);
    assert_eq!(get(&server, &wang, "/api/v1/saved-filters").1, json!([]));
}
both_backends!(lists_filter_by_class_and_flag_and_filters_are_saved);

/// GEN-3, GEN-4, SCH-7: acceptance meets the sorting and notice limits and starts the 60-day handling
/// limit; a leader extends it once by at most 30 days; an earlier `at` (补录) needs the permission
/// and moves the deadlines with it. GEN-8: a deadline reaching a year not loaded is provisional, and
/// such cases are listed and counted for the administrator.
fn gen_4_acceptance_starts_handling_and_a_leader_extends_once(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.cli(&["user", "add", "lead", "--unit", "XS", "--role", "leader"]);
    db.cli(&["user", "add", "clerk", "--unit", "XS", "--role", "officer", "--may-backdate"]);
    let lead = db.cli(&["token", "create", "lead"]).trim().to_owned();
    let clerk = db.cli(&["token", "create", "clerk"]).trim().to_owned();
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let path = |action: &str| format!("/api/v1/cases/{id}/{action}");
    let deadline = |case: &Value, kind: &str| -> Value {
        case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == kind).cloned().unwrap_or(Value::Null)
    };

    let (status, err) = post(&server, &lead, &path("extend"), &json!({"days": 10, "reason": "x"}));
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("wrong_state")), "not accepted yet: {err}");
    let (status, err) = post(&server, &wang, &path("accept"), &json!({"at": "2026-11-21"}));
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("may_not_backdate")), "{err}");
    let (status, err) = post(&server, &clerk, &path("accept"), &json!({"at": "2026-11-19"}));
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("before_earlier_event")), "{err}");
    let (status, err) = post(&server, &clerk, &path("accept"), &json!({"at": "2099-01-01"}));
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("in_future")), "{err}");

    let (status, accepted) =
        post(&server, &clerk, &path("accept"), &json!({"at": "2026-11-21", "note": "补录纸质登记簿"}));
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    let event = &accepted["events"][1];
    assert_eq!((event["kind"].as_str(), event["at"].as_str()), (Some("accepted"), Some("2026-11-21T00:00:00+08:00")));
    assert_ne!(event["recorded_at"], event["at"], "recorded when written down");
    assert!(deadline(&accepted, "sorting")["met_at"].is_string(), "GEN-2 met");
    assert!(deadline(&accepted, "notice")["met_at"].is_string(), "GEN-3 met");
    let handling = deadline(&accepted, "handling");
    assert_eq!(handling["due"], "2027-01-20", "60 日 from the day it happened: {accepted}");
    assert_eq!(handling["provisional"], true, "2027's schedule is not loaded");
    let (status, err) = post(&server, &wang, &path("accept"), &json!({}));
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("wrong_state")));

    let (status, err) = post(&server, &wang, &path("extend"), &json!({"days": 10, "reason": "x"}));
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("forbidden")), "only the unit's head: {err}");
    let (status, err) = post(&server, &lead, &path("extend"), &json!({"days": 31, "reason": "x"}));
    assert_eq!(
        (status, err["error"]["code"].as_str(), err["error"]["field"].as_str()),
        (422, Some("out_of_range"), Some("days"))
    );
    let (status, err) = post(&server, &lead, &path("extend"), &json!({"days": 30}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")));
    let (status, extended) = post(&server, &lead, &path("extend"), &json!({"days": 30, "reason": "需要现场勘验"}));
    assert_eq!(status, 200, "{extended}");
    assert_eq!(deadline(&extended, "handling")["due"], "2027-02-19", "{extended}");
    assert_eq!(extended["events"][2]["details"], json!({"days": 30, "reason": "需要现场勘验"}));
    let (status, err) = post(&server, &lead, &path("extend"), &json!({"days": 5, "reason": "再延"}));
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("already_extended")), "{err}");

    // GEN-8: the cases with a provisional deadline are a list of their own, counted on the
    // calendar page; a case whose deadlines all fall in a loaded year is not on it.
    assert_eq!(post(&server, &wang, "/api/v1/cases", &visit()).0, 201);
    let (status, listed) = get(&server, &wang, "/api/v1/cases?due=provisional");
    assert_eq!((status, listed["total"].as_i64()), (200, Some(1)), "{listed}");
    assert_eq!(listed["items"][0]["id"].as_i64(), Some(id));
    let (status, err) = get(&server, &wang, "/api/v1/cases?due=someday");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("due")), "{err}");
    db.account("qxadmin", "QX", huiyin_core::user::Role::Admin, Some("县管理员口令2026冬季"));
    let county = crate::common::Browser::sign_in(&server, "qxadmin", "县管理员口令2026冬季");
    let (status, page) = county.page("/admin/calendar");
    assert_eq!(status, 200);
    assert!(page.contains(r#"<a href="/cases?due=provisional"><strong>1</strong>"#), "{page}");
    let (_, list) = county.page("/cases?due=provisional");
    assert!(list.contains(&format!("/cases/{id}\"")) && list.contains("暂定"), "{list}");
}
both_backends!(gen_4_acceptance_starts_handling_and_a_leader_extends_once);

/// GEN-4 as data: a unit's whole set of limits can be given (a 45-day handling limit here), and a
/// limit of zero days is refused on its field.
fn gen_4_a_units_own_limits_apply_to_new_deadlines(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.cli(&["user", "add", "boss", "--unit", "QX", "--role", "admin"]);
    let boss = db.cli(&["token", "create", "boss"]).trim().to_owned();
    let server = Server::start(&db);
    let (_, current) = get(&server, &boss, "/api/v1/units/XS/limits");
    let mut rules = current["rules"].clone();
    rules["preset"] = json!("西山社区自定");
    rules["handling"] = json!({"unit": "calendar_days", "count": 45});
    let put = |body: Value| {
        json(
            agent()
                .put(server.url("/api/v1/units/XS/limits"))
                .header("Authorization", &format!("Bearer {boss}"))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    };
    let mut zero = rules.clone();
    zero["handling"]["count"] = json!(0);
    let (status, err) = put(json!({ "rules": zero }));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("rules.handling")), "{err}");
    let (status, set) = put(json!({ "rules": rules }));
    assert_eq!(status, 200, "{set}");
    let (_, own) = get(&server, &boss, "/api/v1/units/XS/limits");
    assert_eq!((own["own"].as_bool(), own["rules"]["handling"]["count"].as_i64()), (Some(true), Some(45)));
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let (_, accepted) = post(&server, &wang, &format!("/api/v1/cases/{}/accept", case["id"]), &json!({}));
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).date_naive();
    let handling = accepted["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "handling").unwrap().clone();
    let due: chrono::NaiveDate = handling["due"].as_str().unwrap().parse().unwrap();
    assert!(due >= today + chrono::Duration::days(45) && due <= today + chrono::Duration::days(55), "{handling}");
}
both_backends!(gen_4_a_units_own_limits_apply_to_new_deadlines);

/// Attachments: a scan or recording goes into the case file by its hash, judged by its bytes, at
/// most 10 MiB and 20 a case; the bytes come back as they went in.
fn attachments_are_checked_and_kept_by_hash(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let upload = |token: &str, name: &str, bytes: Vec<u8>| {
        json(
            agent()
                .post(server.url(&format!("/api/v1/cases/{id}/attachments?filename={name}")))
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/octet-stream")
                .send(&bytes[..]),
        )
    };
    let scan = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n".to_vec();
    let (status, added) = upload(&wang, "letter.pdf", scan.clone());
    assert_eq!(status, 201, "{added}");
    let sha = added["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);
    let last = added["case"]["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["details"]["media_type"].as_str()),
        (Some("attachment_added"), Some("application/pdf"))
    );
    let mut resp = agent()
        .get(server.url(&format!("/api/v1/cases/{id}/attachments/{sha}")))
        .header("Authorization", &format!("Bearer {wang}"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("content-type").unwrap(), "application/pdf");
    assert_eq!(resp.body_mut().read_to_vec().unwrap(), scan, "the same bytes");
    let (status, err) = upload(&wang, "virus.pdf", b"MZ\x90\x00 this is an executable".to_vec());
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("not_a_choice")),
        "judged by its bytes, not its name"
    );
    let (status, err) = upload(&wang, "empty.pdf", Vec::new());
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("required")));
    let mut big = b"%PDF-".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, _) = upload(&wang, "big.pdf", big);
    assert_eq!(status, 413);
    assert_eq!(upload(&dong, "x.pdf", scan.clone()).0, 404, "outside the scope");
    let (status, _) = json(
        agent()
            .get(server.url(&format!("/api/v1/cases/{id}/attachments/{}", "0".repeat(64))))
            .header("Authorization", &format!("Bearer {wang}"))
            .call(),
    );
    assert_eq!(status, 404);
    for i in 1..20 {
        assert_eq!(upload(&wang, &format!("p{i}.pdf"), scan.clone()).0, 201);
    }
    let (status, err) = upload(&wang, "21.pdf", scan);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("file")), "20 a case: {err}");
}
both_backends!(attachments_are_checked_and_kept_by_hash);

/// Issue 17, COM-4: the list exports as CSV and XLSX what its filters show, masked as on screen; a
/// full export is for staff who take petitions in and logs a view of each case's personal data.
fn com_4_a_list_exports_masked_and_a_full_export_is_logged(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    for user in ["wang", "zhao"] {
        let (ok, _, err) = db.try_cli(&["user", "passwd", user, "--password-stdin"], Some("西山社区2026年春季\n"));
        assert!(ok, "{err}");
    }
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let mut other = visit();
    other["flags"] = json!([]);
    other["petitioner"] = json!({"name": "李四", "phone": "13900001111"});
    assert_eq!(post(&server, &wang, "/api/v1/cases", &other).0, 201);
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    let csrf = csrf_of(&server, &cookie, "/cases");
    let export = |cookie: &str, form: &[(&str, &str)]| {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut resp =
            agent.post(server.url("/cases/export")).header("Cookie", cookie).send_form(form.iter().copied()).unwrap();
        let kind = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (resp.status().as_u16(), kind, resp.body_mut().read_to_vec().unwrap())
    };
    let (status, kind, bytes) = export(&cookie, &[("csrf", &csrf), ("format", "csv"), ("flag", "major_urgent")]);
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 2, "the heading and the one case the filter shows: {text}");
    assert!(text.contains("138****5678") && !text.contains("13812345678"), "masked as on screen: {text}");
    assert!(
        db.with_store(async |s| s.personal_data_views(id).await.unwrap()).is_empty(),
        "a masked export logs nothing"
    );
    let (status, kind, bytes) = export(&cookie, &[("csrf", &csrf), ("format", "xlsx"), ("full", "1")]);
    assert_eq!((status, &bytes[..2]), (200, &b"PK"[..]), "{kind}");
    assert!(kind.contains("spreadsheetml"), "{kind}");
    // Read back: the headings frozen above both cases, the newest first, in full.
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("信访件").unwrap();
    assert_eq!(sheet.height(), 3, "the headings and two cases");
    assert_eq!(sheet.get_value((0, 0)), Some(&Data::String("信访件编号".into())));
    let phones: Vec<String> = sheet.rows().skip(1).map(|row| row[7].to_string()).collect();
    assert_eq!(phones, ["13900001111", "13812345678"], "in full, as the list orders them");
    let views = db.with_store(async |s| s.personal_data_views(id).await.unwrap());
    assert_eq!((views.len(), views[0].2.as_str()), (1, "export"), "a full export is a logged view");
    // Without the page's token, or in full by a handler (who takes no petitions in): nothing.
    assert_eq!(export(&cookie, &[("format", "csv")]).0, 403);
    let (zhao, _) = sign_in(&server, "zhao", "西山社区2026年春季", "/cases");
    let zhao_csrf = csrf_of(&server, &zhao, "/cases");
    assert_eq!(export(&zhao, &[("csrf", &zhao_csrf), ("format", "csv"), ("full", "1")]).0, 403);
    assert_eq!(db.with_store(async |s| s.personal_data_views(id).await.unwrap()).len(), 1);
}
both_backends!(com_4_a_list_exports_masked_and_a_full_export_is_logged);

/// Issue 17, FED-16: cases ticked in the list are assigned at once, each judged alone: one that
/// may not be assigned now is reported with the reason and the others go.
fn fed_16_cases_are_assigned_in_bulk_each_judged_alone(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    let server = Server::start(&db);
    let ids: Vec<i64> =
        (0..3).map(|_| post(&server, &wang, "/api/v1/cases", &visit()).1["id"].as_i64().unwrap()).collect();
    assert_eq!(post(&server, &wang, &format!("/api/v1/cases/{}/accept", ids[2]), &json!({})).0, 200);
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    let csrf = csrf_of(&server, &cookie, "/cases");
    let boxes: Vec<String> = ids.iter().map(|id| format!("case-{id}")).collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("action", "assign"), ("unit", "XS-CL"), ("user", "zhao")];
    form.extend(boxes.iter().map(|b| (b.as_str(), "1")));
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp =
        agent.post(server.url("/cases/bulk")).header("Cookie", &cookie).send_form(form.iter().copied()).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let page = resp.body_mut().read_to_string().unwrap();
    assert!(page.contains("已办理 2 件") && page.contains("1 件未能办理"), "{page}");
    for (id, status) in ids.iter().zip(["assigned", "assigned", "accepted"]) {
        let (_, case) = get(&server, &wang, &format!("/api/v1/cases/{id}"));
        assert_eq!(case["status"], status, "{case}");
    }
    // Only routing actions go in bulk, and never without the page's token.
    let bad = [("csrf", csrf.as_str()), ("action", "assign"), ("unit", "NOPE"), (boxes[0].as_str(), "1")];
    let mut resp = agent.post(server.url("/cases/bulk")).header("Cookie", &cookie).send_form(bad).unwrap();
    let page = resp.body_mut().read_to_string().unwrap();
    assert!(page.contains("未办理"), "an unknown unit is refused case by case: {page}");
    let forged = [("action", "assign"), ("unit", "XS-CL"), (boxes[0].as_str(), "1")];
    assert_eq!(
        agent.post(server.url("/cases/bulk")).header("Cookie", &cookie).send_form(forged).unwrap().status(),
        403
    );
}
both_backends!(fed_16_cases_are_assigned_in_bulk_each_judged_alone);

/// The status of a staff page with a session cookie, without following redirects.
fn page_status(server: &Server, cookie: &str, path: &str) -> (u16, ureq::http::HeaderMap) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let resp = agent.get(server.url(path)).header("Cookie", cookie).call().unwrap();
    (resp.status().as_u16(), resp.headers().clone())
}

/// Issue 15: access can be revoked — a disabled account's session stops at once and its tokens are
/// revoked, a new password ends the sessions of the old one, tokens are revoked by the API and the
/// command line;
/// the login does not redirect off the site; pages and API answers carry the privacy headers.
fn access_is_revoked_at_once_and_pages_carry_privacy_headers(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    db.cli(&["user", "add", "boss", "--unit", "QX", "--role", "admin"]);
    let boss = db.cli(&["token", "create", "boss"]).trim().to_owned();
    let server = Server::start(&db);
    // The open redirect of the login is closed; a path on the site is kept.
    for evil in ["/\\evil.example/phish", "//evil.example", "https://evil.example", "/\\/evil.example"] {
        assert_eq!(sign_in(&server, "wang", "西山社区2026年春季", evil).1, "/home", "{evil}");
    }
    let (cookie, to) = sign_in(&server, "wang", "西山社区2026年春季", "/dashboard");
    assert_eq!(to, "/dashboard");
    let (status, headers) = page_status(&server, &cookie, "/cases");
    assert_eq!(status, 200);
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let api = agent().get(server.url("/api/v1/cases")).header("Authorization", &format!("Bearer {wang}")).call();
    assert_eq!(api.unwrap().headers()["cache-control"], "no-store", "API answers are not cached either");
    // Only an administrator over the account's unit disables it; then its session and token stop.
    assert_eq!(post(&server, &chen, "/api/v1/users/wang/disable", &json!({})).0, 403);
    let (status, disabled) = post(&server, &boss, "/api/v1/users/wang/disable", &json!({}));
    assert_eq!((status, disabled["active"].as_bool()), (200, Some(false)), "{disabled}");
    assert_eq!(get(&server, &wang, "/api/v1/cases").0, 401, "the token stops at once");
    assert_eq!(page_status(&server, &cookie, "/cases").0, 303, "the session stops at once");
    assert_eq!(post(&server, &boss, "/api/v1/users/boss/disable", &json!({})).0, 422, "not oneself");
    assert_eq!(post(&server, &boss, "/api/v1/users/nobody/disable", &json!({})).0, 404);
    assert_eq!(post(&server, &boss, "/api/v1/users/wang/enable", &json!({})).0, 200);
    assert_eq!(get(&server, &wang, "/api/v1/cases").0, 401, "enabling again does not bring back the old token");
    let wang = db.cli(&["token", "create", "wang"]).trim().to_owned();
    assert_eq!(get(&server, &wang, "/api/v1/cases").0, 200, "enabled again");
    // Everyone sets their own password, nobody another's (an administrator above could sign in as
    // the officer holding an accusation); a new password ends the sessions opened with the old one.
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    assert_eq!(page_status(&server, &cookie, "/cases").0, 200);
    let strong = json!({"password": "西山社区2026秋季"});
    assert_eq!(put(&server, &boss, "/api/v1/users/wang/password", &strong).0, 403, "not another's password");
    let (status, err) = put(&server, &wang, "/api/v1/users/wang/password", &json!({"password": "short"}));
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("password_too_short")));
    assert_eq!(put(&server, &wang, "/api/v1/users/wang/password", &strong).0, 204);
    assert_eq!(page_status(&server, &cookie, "/cases").0, 303, "the old password's session ended");
    sign_in(&server, "wang", "西山社区2026秋季", "/cases");
    // Tokens are revoked by the API and on the command line.
    let (status, revoked) = json(
        agent()
            .delete(server.url("/api/v1/users/wang/tokens"))
            .header("Authorization", &format!("Bearer {boss}"))
            .call(),
    );
    assert_eq!((status, revoked["revoked"].as_u64()), (200, Some(1)), "{revoked}");
    assert_eq!(get(&server, &wang, "/api/v1/cases").0, 401);
    let (ok, _, _) = db.try_cli(&["token", "revoke"], Some(&format!("{chen}\n")));
    assert!(ok);
    assert_eq!(get(&server, &chen, "/api/v1/cases").0, 401, "revoked from the command line");
    let (ok, _, err) = db.try_cli(&["token", "revoke"], Some(&format!("{chen}\n")));
    assert!(!ok && err.contains("没有这个令牌"), "{err}");
    db.cli(&["user", "disable", "boss"]);
    assert_eq!(get(&server, &boss, "/api/v1/cases").0, 401, "disabled from the command line");
}
both_backends!(access_is_revoked_at_once_and_pages_carry_privacy_headers);

/// Issue 15: a NUL or another control character, or a direction override, is refused on its field
/// with a clear message on both backends (PostgreSQL cannot store NUL; no document can print it),
/// and nothing is written; emoji are kept, and the receipt still prints.
fn control_characters_are_refused_on_their_field(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    for (field, value, path) in [
        ("content", json!("工地拖欠\u{0}工资"), "content"),
        ("petitioner", json!({"name": "王\u{202E}秀英", "phone": "13812345678"}), "petitioner.name"),
        ("petitioner", json!({"name": "王秀英", "address": "向阳街\u{7}12号"}), "petitioner.address"),
        ("place", json!("西山\u{0}"), "place"),
    ] {
        let mut body = visit();
        body[field] = value;
        let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
        let e = &err["error"];
        assert_eq!((status, e["code"].as_str(), e["field"].as_str()), (422, Some("control_character"), Some(path)));
        assert!(e["message"].as_str().unwrap().contains("控制字符"), "{err}");
    }
    let (status, err) = get(&server, &wang, "/api/v1/cases?q=%E5%B7%A5%00");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("q")), "{err}");
    assert_eq!(get(&server, &wang, "/api/v1/cases").1["total"], 0, "nothing was written");
    let mut body = visit();
    body["content"] = json!("工地拖欠工资三个月 😡");
    body["petitioner"]["name"] = json!("王秀英😀");
    let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
    assert_eq!(status, 201, "emoji are kept: {case}");
    // The receipt prints: a character no installed font has is set as 〓, with a note naming it.
    let mut pdf = agent()
        .get(server.url(&format!("/api/v1/cases/{}/documents/receipt/1", case["id"])))
        .header("Authorization", &format!("Bearer {wang}"))
        .call()
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.body_mut().read_to_vec().unwrap();
    let text: String = huiyin_pdf::extract_text(&bytes).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("王秀英〓") || text.contains("王秀英😀"), "{text}");
}
both_backends!(control_characters_are_refused_on_their_field);

/// Issue 15: the query code a new registration shows once is kept in the staff session only sealed
/// under the server's key, never in clear in the database where sessions live.
fn query_codes_are_not_kept_in_clear_in_sessions(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    let server = Server::start(&db);
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let form = agent.get(server.url("/cases/new?channel=visit")).header("Cookie", &cookie).call();
    let page = form.unwrap().body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let posted = agent
        .post(server.url("/cases"))
        .header("Cookie", &cookie)
        .send_form([
            ("csrf", csrf.as_str()),
            ("channel", "visit"),
            ("unit", "XS"),
            ("name", "王秀英"),
            ("phone", "13812345678"),
            ("category", "拖欠农民工工资"),
            ("purpose", "request"),
            ("content", "工地拖欠工资三个月。"),
        ])
        .unwrap();
    assert_eq!(posted.status(), 303);
    let receipt_path = posted.headers()["location"].to_str().unwrap().to_owned();
    // What the database holds of the session between registering and printing the receipt.
    let session_id = cookie.split_once('=').unwrap().1.to_owned();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let kept = rt.block_on(async {
        let store: Box<dyn huiyin_store::Store> = match backend {
            Backend::Sqlite => Box::new(huiyin_store_sqlite::SqliteStore::open(&db.url).await.unwrap()),
            Backend::Postgres => Box::new(huiyin_store_postgres::PostgresStore::open(&db.url).await.unwrap()),
        };
        store.session_load(&session_id).await.unwrap().unwrap().data
    });
    let receipt = agent.get(server.url(&receipt_path)).header("Cookie", &cookie).call();
    let receipt = receipt.unwrap().body_mut().read_to_string().unwrap();
    let code = receipt.split("查询码</th><td class=\"big\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "the receipt shows the code once: {code}");
    assert!(kept.contains("receipt_codes"), "the session held the receipt's code: {kept}");
    for form in [code.clone(), code.replace('-', "")] {
        assert!(!kept.contains(&form), "the session kept {form} in clear: {kept}");
    }
}
both_backends!(query_codes_are_not_kept_in_clear_in_sessions);

/// Issue 16: one table answers every shell. An action taken on the staff page of a case someone
/// changed since the page was shown is refused as a stale write (409, “刷新后重试”) and changes
/// nothing; a role's refusal is 403 on the staff page and in the API alike; an unknown unit on the
/// portal is a 404 page, not “online petitions not open”.
fn one_error_table_answers_the_api_the_staff_pages_and_the_portal(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    db.cli(&["user", "add", "lead1", "--unit", "XS", "--role", "leader"]);
    let server = Server::start(&db);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut shown = agent.get(server.url(&format!("/cases/{id}"))).header("Cookie", &cookie).call().unwrap();
    let page = shown.body_mut().read_to_string().unwrap();
    // The page offers the officer what the guards allow now, and nothing else.
    let offered = |action: &str| page.contains(&format!("action=\"/cases/{id}/act/{action}\""));
    for action in ["accept", "answer", "reject", "assign", "transfer", "escalate", "flag", "hand-off"] {
        assert!(offered(action), "{action} is offered");
    }
    for action in ["approve", "reply", "close", "instruct", "assign-leader", "extend", "object", "opinion"] {
        assert!(!offered(action), "{action} is not offered to an officer on a registered case");
    }
    let field = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        page.split(marker.as_str()).nth(1).unwrap().split('"').next().unwrap().to_owned()
    };
    let (csrf, version) = (field("csrf"), field("version"));
    let events = |s: &Server| get(s, &wang, &format!("/api/v1/cases/{id}")).1["events"].as_array().unwrap().len();
    let before = events(&server);
    let act = |action: &str, form: &[(&str, &str)]| {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        let url = server.url(&format!("/cases/{id}/act/{action}"));
        let mut answer = agent.post(&url).header("Cookie", &cookie).send_form(fields).unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    // As shown, a flag is taken.
    let flagged = act("flag", &[("version", &version), ("flag", "law_litigation"), ("reason", "涉法涉诉")]);
    assert_eq!(flagged.0, 303, "{}", flagged.1);
    assert_eq!(events(&server), before + 1);
    // The same page again, now stale: refused, nothing written, the reason on the page.
    let (status, text) = act("flag", &[("version", &version), ("flag", "joint"), ("reason", "联名")]);
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("刷新后重试"), "{text}");
    assert_eq!(events(&server), before + 1, "a stale write changes nothing");
    // A role's refusal: 403 on the page and in the API.
    let current = (before + 1).to_string();
    let (status, text) = act("assign-leader", &[("version", &current), ("leader", "lead1")]);
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("无权"), "{text}");
    let (status, err) = post(&server, &wang, &format!("/api/v1/cases/{id}/assign-leader"), &json!({"leader": "lead1"}));
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("forbidden")), "{err}");
    // The portal: an unknown unit is not found, and the portal is open.
    for path in ["/public/units/NOPE", "/public/submit?unit=NOPE"] {
        let mut answer = agent.get(server.url(path)).call().unwrap();
        let text = answer.body_mut().read_to_string().unwrap();
        assert!(!text.contains("尚未开通"), "{path}: {text}");
        if path.starts_with("/public/units") {
            assert_eq!(answer.status().as_u16(), 404, "{path}");
        }
    }
}
both_backends!(one_error_table_answers_the_api_the_staff_pages_and_the_portal);

/// Issue 17, FED-1: a form refused on the case page comes back open, with everything typed in it
/// and the reason under the field it concerns (tied to it for screen readers); and the 交办 form's
/// people are tagged with their units, so that the page narrows them to the unit chosen.
fn fed_1_a_refused_form_comes_back_as_typed(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let id = case["id"].as_i64().unwrap();
    let (cookie, _) = sign_in(&server, "wang", "西山社区2026年春季", "/cases");
    let csrf = csrf_of(&server, &cookie, &format!("/cases/{id}"));
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let events = || get(&server, &wang, &format!("/api/v1/cases/{id}")).1["events"].as_array().unwrap().len();
    let before = events();
    // Neither a person nor a unit to hand it to: refused on 移交给, the reason typed kept.
    let form = [("csrf", csrf.as_str()), ("to_user", ""), ("to_unit", ""), ("reason", "当场不能解决<需要上门核实>")];
    let mut answer =
        agent.post(server.url(&format!("/cases/{id}/act/hand-off"))).header("Cookie", &cookie).send_form(form).unwrap();
    let status = answer.status().as_u16();
    let page = answer.body_mut().read_to_string().unwrap();
    assert_eq!(status, 422, "{page}");
    assert_eq!(events(), before, "nothing written");
    assert!(page.contains(r#"<details open><summary id="hand-off-summary">"#), "the form is open: {page}");
    assert!(page.contains(r#"name="reason" type="text" value="当场不能解决&#60;需要上门核实&#62;""#), "{page}");
    assert!(
        page.contains(r#"aria-invalid="true" aria-describedby="act-hand-off-to_user-err""#)
            && page.contains(r#"<p class="field-error" id="act-hand-off-to_user-err">"#),
        "the reason sits under its field: {page}"
    );
    // The 交办 form's people carry their units and the units above them.
    assert!(page.contains(r#"data-narrowed-by="unit""#), "{page}");
    assert!(page.contains(r#"value="zhao" data-within="XS-CL XS XZ QX""#), "{page}");
}
both_backends!(fed_1_a_refused_form_comes_back_as_typed);

/// The published contract (INTERFACE.md: extend it, never break it): the OpenAPI document as a
/// snapshot, so that no path, operation, field or status code changes without the change being
/// seen and the snapshot updated in the same commit (`INSTA_UPDATE=always`, then review the diff).
#[test]
fn the_published_openapi_document_is_kept() {
    let (_, document) = huiyin_web::api::router();
    insta::assert_json_snapshot!("openapi", document);
}
