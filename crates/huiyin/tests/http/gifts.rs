//! 拒收礼品登记 (issue 19, SCH-8): a staff member records the gifts, banquets and favours they refused;
//! supervisors and leaders of their unit or above read the register, review each line once and see
//! the year's summary; nobody else reads it; an offer over an accusation does not exist for the
//! accused (GEN-7), as a case they stand aside from does not.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post};

fn visit(unit: &str) -> Value {
    json!({
        "channel": "visit", "unit": unit,
        "petitioner": {"name": "李大庆", "phone": "13912345678"},
        "category": "拖欠农民工工资", "content": "工地拖欠工资三个月。"
    })
}

fn banquet(case_number: Option<&str>) -> Value {
    json!({
        "kind": "banquet", "offered_by": "信访人李大庆的亲属", "what": "请到饭店吃饭", "offered_on": "2026-11-20",
        "value_yuan": 600, "handling": "当场谢绝", "case_number": case_number
    })
}

/// SCH-8: recorded by the one offered it with every mistake refused on its field; read by themselves
/// and by the supervisors and leaders above; reviewed once by a supervisor, never by themselves;
/// summed for the year; and GEN-7: for the town an accusation accuses, an offer over it is not
/// listed, counted or reviewed, and the audit log never holds who offered what.
fn sch_8_refused_gifts_are_registered_reviewed_and_summed(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let county = db.account("qxsup", "QX", Role::Supervisor, Some("清溪县督查口令2026"));
    let admin = db.account("qxadmin", "QX", Role::Admin, None);
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit("XS"));
    let number = case["case_number"].as_str().unwrap().to_owned();
    let (_, other) = post(&server, &dong, "/api/v1/cases", &visit("DZ"));
    let elsewhere = other["case_number"].as_str().unwrap().to_owned();

    // Refused on the field, nothing recorded.
    for (body, field) in [
        (json!({}), "offered_by"),
        (json!({"kind": "bribe", "offered_by": "x", "what": "x", "offered_on": "2026-11-20", "handling": "x"}), "kind"),
        (
            json!({"kind": "gift", "offered_by": "x", "what": "x", "offered_on": "2099-01-01", "handling": "x"}),
            "offered_on",
        ),
        (
            json!({"kind": "gift", "offered_by": "x", "what": "x", "offered_on": "0202-11-20", "handling": "x"}),
            "offered_on",
        ),
        (
            json!({"kind": "gift", "offered_by": "x", "what": "x", "offered_on": "2026-11-20", "handling": "x", "value_yuan": -5}),
            "value_yuan",
        ),
        (
            json!({"kind": "gift", "offered_by": "x\u{0}", "what": "x", "offered_on": "2026-11-20", "handling": "x"}),
            "offered_by",
        ),
        (banquet(Some("XS-2026-999999")), "case_number"),
        (banquet(Some(&elsewhere)), "case_number"),
    ] {
        let (status, answer) = post(&server, &wang, "/api/v1/gifts", &body);
        assert_eq!((status, answer["error"]["field"].as_str()), (422, Some(field)), "{body}: {answer}");
    }
    let (status, answer) = post(&server, &wang, "/api/v1/gifts", &json!({"kind": "gift", "colour": 1}));
    assert_eq!(status, 400, "{answer}");
    let (_, mine) = get(&server, &wang, "/api/v1/gifts?year=2026");
    assert_eq!(mine, json!([]), "nothing was recorded");

    let (status, line) = post(&server, &wang, "/api/v1/gifts", &banquet(Some(&number)));
    assert_eq!(status, 201, "{line}");
    assert_eq!(
        (line["case_number"].as_str(), line["person"]["username"].as_str()),
        (Some(number.as_str()), Some("wang"))
    );
    assert_eq!(line["may_review"], false);
    let id = line["id"].as_i64().unwrap();
    let gift = json!({"kind": "gift", "offered_by": "某建筑公司", "what": "购物卡一张", "offered_on": "2026-12-01", "value_yuan": 1000, "handling": "已退还"});
    assert_eq!(post(&server, &wang, "/api/v1/gifts", &gift).0, 201);

    // Who reads: wang their own; the town's supervisor and the county's the community's; the other
    // town nothing; an officer no other unit and no summary.
    let count = |token: &str, path: &str| get(&server, token, path).1.as_array().map_or(usize::MAX, Vec::len);
    assert_eq!(count(&wang, "/api/v1/gifts?year=2026"), 2);
    assert_eq!(count(&chen, "/api/v1/gifts?year=2026"), 2, "the town reads the community's");
    assert_eq!(count(&county, "/api/v1/gifts?year=2026&unit=XS"), 2);
    assert_eq!(count(&dong, "/api/v1/gifts?year=2026"), 0);
    assert_eq!(count(&chen, "/api/v1/gifts?year=2025"), 0);
    assert_eq!(get(&server, &wang, "/api/v1/gifts?unit=XZ").0, 403);
    assert_eq!(get(&server, &wang, "/api/v1/gifts/summary").0, 403);
    assert_eq!(get(&server, &chen, "/api/v1/gifts?unit=DZ").0, 404);
    assert_eq!(get(&server, &chen, "/api/v1/gifts?year=1999").0, 422);

    // Reviewed once, by a supervisor above, never by the one offered it nor by another town.
    let review = |token: &str, body: Value| post(&server, token, &format!("/api/v1/gifts/{id}/review"), &body);
    assert_eq!(review(&wang, json!({})).0, 403);
    assert_eq!(review(&dong, json!({})).0, 404);
    let (status, reviewed) = review(&chen, json!({"note": "处理得当"}));
    assert_eq!(status, 200, "{reviewed}");
    assert_eq!(
        (reviewed["reviewed_by"]["username"].as_str(), reviewed["review_note"].as_str()),
        (Some("chen"), Some("处理得当"))
    );
    assert_eq!(review(&county, json!({})).0, 409, "once");

    let (status, summary) = get(&server, &chen, "/api/v1/gifts/summary?year=2026");
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        (summary["unit"].as_str(), summary["total"].as_u64(), summary["value_yuan"].as_i64()),
        (Some("XZ"), Some(2), Some(1600))
    );
    assert_eq!(summary["reviewed"], 1);
    let kinds: Vec<(String, u64)> = summary["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["kind"].as_str().unwrap().to_owned(), k["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(kinds, [("gift".to_owned(), 1), ("banquet".into(), 1), ("favour".into(), 0)]);

    // GEN-7: over a case that accuses the town, the town reads that a gift was refused, not who
    // offered what nor the case; the county above reads it whole.
    let mut accusation = visit("XS");
    accusation["purpose"] = json!("accusation");
    accusation["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    let (status, accusing) = post(&server, &wang, "/api/v1/cases", &accusation);
    assert_eq!(status, 201, "{accusing}");
    let accusing = accusing["case_number"].as_str().unwrap().to_owned();
    let (status, hidden) = post(&server, &wang, "/api/v1/gifts", &banquet(Some(&accusing)));
    assert_eq!(status, 201);
    let hidden = hidden["id"].as_i64().unwrap();
    let (_, town) = get(&server, &chen, "/api/v1/gifts?year=2026");
    assert_eq!(town.as_array().unwrap().len(), 2, "the town reads only the two it may: {town}");
    assert!(!town.to_string().contains(&accusing), "{town}");
    let (_, summary) = get(&server, &chen, "/api/v1/gifts/summary?year=2026");
    assert_eq!(summary["total"], 2, "nor counts it: {summary}");
    assert_eq!(post(&server, &chen, &format!("/api/v1/gifts/{hidden}/review"), &json!({})).0, 404);
    let (_, above) = get(&server, &county, "/api/v1/gifts?year=2026&unit=XS");
    assert!(above.to_string().contains(&accusing), "{above}");
    let (_, summary) = get(&server, &county, "/api/v1/gifts/summary?year=2026&unit=XS");
    assert_eq!(summary["total"], 3, "{summary}");
    assert_eq!(post(&server, &county, &format!("/api/v1/gifts/{hidden}/review"), &json!({})).0, 200);
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=gift.record");
    assert!(log.to_string().contains("gift.record") && !log.to_string().contains("李大庆"), "{log}");

    // The page: the form refused on its field keeps what was typed; recorded, the line is listed.
    let browser = Browser::sign_in(&server, "qxsup", "清溪县督查口令2026");
    let (status, page) = browser.page("/gifts?unit=XS&year=2026");
    assert_eq!(status, 200);
    assert!(page.contains("某建筑公司") && page.contains("年度汇总"), "{page}");
    let (status, _, page) = browser.submit(
        "/gifts",
        &[
            ("kind", "favour"),
            ("offered_by", "某企业"),
            ("what", "代为装修"),
            ("offered_on", "2026-11-30"),
            ("value_yuan", "很多"),
            ("handling", "已谢绝"),
        ],
    );
    assert_eq!(status, 422);
    assert!(page.contains("代为装修") && page.contains("value_yuan-err"), "{page}");
    let (status, to, _) = browser.submit(
        "/gifts",
        &[
            ("kind", "favour"),
            ("offered_by", "某企业"),
            ("what", "代为装修"),
            ("offered_on", "2026-11-30"),
            ("value_yuan", ""),
            ("handling", "已谢绝"),
        ],
    );
    assert_eq!((status, to.as_str()), (303, "/gifts?done=record"));
    let (_, page) = browser.page("/gifts?done=record&unit=QX&year=2026");
    assert!(page.contains("代为装修") && page.contains("已登记"), "{page}");
}
both_backends!(sch_8_refused_gifts_are_registered_reviewed_and_summed);
