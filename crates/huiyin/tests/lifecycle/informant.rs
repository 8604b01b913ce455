//! GEN-7 informant protection (《信访工作条例》 Art 30 ¶3), each path a hostile tester found around
//! the guard (issue 15): for the accused unit and its departments an accusing case does not exist,
//! nothing routes it into the accused's reach, and the unit below the accused routes it out.

use serde_json::{Value, json};

use super::common::{Backend, agent, get};
use super::{World, visit};

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
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let mut resp = agent()
        .post(w.server.url(&format!(
            "/api/v1/cases/{id}/attachments?filename=%E4%BF%9D%E5%AF%86%E7%99%B8%E8%BA%AB%E4%BB%BD%E8%AF%81.png"
        )))
        .header("Authorization", &format!("Bearer {}", w.tokens["wang"]))
        .header("Content-Type", "application/octet-stream")
        .send(&png[..])
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.body_mut().read_to_string().unwrap_or_default());
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
    w.refused("wang", id, "reject", json!({"reason": "r", "channel": "c"}), 409, "accused_unit");
    w.ok("qlead", id, "accept", json!({}));
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
