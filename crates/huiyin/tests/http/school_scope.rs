//! A school's scope (SCH-1, SCH-2), as its preset sets it: the petitioner states how they stand to
//! the school; anyone else is guided elsewhere in writing (引导告知) and never handled there; a
//! matter other than teaching and education is flagged with the path to take (an answer on the
//! spot for a question of law or policy, FED-15; a transfer otherwise).

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, flags_of as flags, get, post, put};

const PASSWORD: &str = "correct horse battery";

/// A school set up from its preset, a receiver on duty there, and the server.
fn school(backend: Backend) -> Option<(Db, Server, String)> {
    let db = Db::new(backend)?;
    db.cli(&["init", "--preset", "school", "--code", "XX", "--name", "西山中学"]);
    let zhou = db.account("zhou", "XX", Role::Officer, Some(PASSWORD));
    let server = Server::start(&db);
    Some((db, server, zhou))
}

fn visit(relation: Option<&str>, category: &str, content: &str) -> Value {
    let mut body = json!({"channel": "visit", "unit": "XX", "petitioner": {"name": "李华", "phone": "13912345678"},
        "category": category, "content": content});
    if let Some(relation) = relation {
        body["relation"] = json!(relation);
    }
    body
}

/// SCH-1: the school asks the relation and refuses a registration without one (or with one not
/// offered) on that field, writing nothing; staff, students and parents are received; anyone else
/// is flagged, and neither accepted, answered nor assigned until guided elsewhere with a written
/// 引导告知 (不予受理 naming where to turn) or the flag is cleared with the relation checked.
fn sch_1_the_school_receives_its_staff_students_and_parents_and_guides_others(backend: Backend) {
    let Some((db, server, zhou)) = school(backend) else { return };
    let content = "孩子在校被同学欺负,班主任未处理。";
    for (relation, field) in [(None, "relation"), (Some("neighbour"), "relation")] {
        let (status, refused) = post(&server, &zhou, "/api/v1/cases", &visit(relation, "民办学校", content));
        assert_eq!((status, refused["error"]["field"].as_str()), (422, Some(field)), "{refused}");
    }
    let (_, none) = get(&server, &zhou, "/api/v1/cases");
    assert_eq!(none["total"], 0, "a refused registration writes nothing: {none}");

    for relation in ["staff", "student", "parent"] {
        let (status, case) = post(&server, &zhou, "/api/v1/cases", &visit(Some(relation), "民办学校", content));
        assert_eq!(status, 201, "{case}");
        let id = case["id"].as_i64().unwrap();
        let (_, case) = get(&server, &zhou, &format!("/api/v1/cases/{id}"));
        assert_eq!(case["relation"], relation);
        assert!(!flags(&case).contains(&"outside_petitioners"), "{relation}: {case}");
    }

    // Anyone else: flagged with the way out, never handled here.
    let (status, other) = post(&server, &zhou, "/api/v1/cases", &visit(Some("other"), "民办学校", content));
    assert_eq!(status, 201, "{other}");
    let id = other["id"].as_i64().unwrap();
    let (_, case) = get(&server, &zhou, &format!("/api/v1/cases/{id}"));
    assert!(flags(&case).contains(&"outside_petitioners"), "{case}");
    let attempts =
        [("accept", json!({})), ("answer", json!({"answer": "已当场解答。"})), ("assign", json!({"unit": "XX-DYC"}))];
    for (action, body) in &attempts {
        let (status, refused) = post(&server, &zhou, &format!("/api/v1/cases/{id}/{action}"), body);
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (409, Some("outside_petitioners")),
            "{action}: {refused}"
        );
        assert!(refused["error"]["message"].as_str().unwrap().contains("引导"), "{refused}");
    }
    let (_, unchanged) = get(&server, &zhou, &format!("/api/v1/cases/{id}"));
    assert_eq!(unchanged["status"], "registered");
    let guide = json!({"reason": "来访人系学校周边居民,所反映问题不属本校受理范围",
        "channel": "向西山镇社会事务办公室反映"});
    let (status, rejected) = post(&server, &zhou, &format!("/api/v1/cases/{id}/reject"), &guide);
    assert_eq!(status, 200, "{rejected}");
    let (_, docs) = get(&server, &zhou, &format!("/api/v1/cases/{id}/documents"));
    let notice = docs.as_array().unwrap().iter().find(|d| d["kind"] == "rejection-notice").unwrap();
    assert_eq!(notice["title"], "信访事项引导告知书", "{docs}");
    let (status, printed) =
        Browser::sign_in(&server, "zhou", PASSWORD).page(&format!("/cases/{id}/documents/rejection-notice"));
    assert_eq!(status, 200);
    assert!(
        printed.contains("不属于本单位的信访受理对象") && printed.contains("向西山镇社会事务办公室反映"),
        "{printed}"
    );

    // Transferred away, the case is the receiving unit's to judge by its own scope; sent back by an
    // objection, the school's scope binds again.
    let (_, away) =
        post(&server, &zhou, "/api/v1/cases", &visit(Some("other"), "民办学校", "周边居民反映校门口摊贩。"));
    let away = away["id"].as_i64().unwrap();
    let transfer = json!({"unit": "XX-ZWC"});
    assert_eq!(post(&server, &zhou, &format!("/api/v1/cases/{away}/transfer"), &transfer).0, 200);
    let zwc = db.account("zwc", "XX-ZWC", Role::Officer, None);
    let objection = json!({"reason": "不属本处室职责"});
    assert_eq!(post(&server, &zwc, &format!("/api/v1/cases/{away}/object"), &objection).0, 200);
    let (status, refused) = post(&server, &zhou, &format!("/api/v1/cases/{away}/accept"), &json!({}));
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("outside_petitioners")), "{refused}");
    assert_eq!(post(&server, &zhou, &format!("/api/v1/cases/{away}/transfer"), &transfer).0, 200);
    let (status, accepted) = post(&server, &zwc, &format!("/api/v1/cases/{away}/accept"), &json!({}));
    assert_eq!(status, 200, "{accepted}");

    // A letter need not say how its writer stands to the school: it registers without, unflagged.
    let mut letter = visit(None, "民办学校", "来信反映食堂卫生。");
    letter["channel"] = json!("letter");
    let (status, letter) = post(&server, &zhou, "/api/v1/cases", &letter);
    assert_eq!(status, 201, "{letter}");
    let (_, letter) = get(&server, &zhou, &format!("/api/v1/cases/{}", letter["id"]));
    assert!(letter.get("relation").is_none() && flags(&letter).is_empty(), "{letter}");

    // A relation found wrong: the flag cleared with the reason, the case is the school's.
    let (_, mistaken) =
        post(&server, &zhou, "/api/v1/cases", &visit(Some("other"), "民办学校", "学生家长反映食堂收费。"));
    let id = mistaken["id"].as_i64().unwrap();
    let clear = json!({"flag": "outside_petitioners", "reason": "核实为在校学生的祖父,代为反映"});
    assert_eq!(post(&server, &zhou, &format!("/api/v1/cases/{id}/clear-flag"), &clear).0, 200);
    let (status, accepted) = post(&server, &zhou, &format!("/api/v1/cases/{id}/accept"), &json!({}));
    assert_eq!(status, 200, "{accepted}");
}
both_backends!(sch_1_the_school_receives_its_staff_students_and_parents_and_guides_others);

/// SCH-2: a matter other than teaching and education is flagged with the path to take, and both
/// paths are open: a question of law or policy answered on the spot (FED-15), another matter
/// transferred. A unit without a scope (the town) asks nothing and flags nothing; an administrator
/// sets a scope through the unit's terms, a relation or class not offered refused on its field.
fn sch_2_a_matter_outside_teaching_is_offered_an_answer_or_a_transfer(backend: Backend) {
    let Some((db, server, zhou)) = school(backend) else { return };
    let (status, case) =
        post(&server, &zhou, "/api/v1/cases", &visit(Some("staff"), "拖欠农民工工资", "询问工资拖欠可向哪里投诉。"));
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    let (_, case) = get(&server, &zhou, &format!("/api/v1/cases/{id}"));
    assert!(flags(&case).contains(&"outside_matters"), "{case}");
    let reason = case["events"].as_array().unwrap().iter().map(Value::to_string).collect::<String>();
    assert!(reason.contains("当场解答") && reason.contains("转办"), "the flag names both paths: {reason}");
    let answer = json!({"answer": "可向县人力资源和社会保障局劳动保障监察大队投诉,依《保障农民工工资支付条例》处理。"});
    let (status, answered) = post(&server, &zhou, &format!("/api/v1/cases/{id}/answer"), &answer);
    assert_eq!(status, 200, "FED-15: answered on the spot: {answered}");

    let (_, other) =
        post(&server, &zhou, "/api/v1/cases", &visit(Some("parent"), "拖欠农民工工资", "学校工程队拖欠工资。"));
    let id = other["id"].as_i64().unwrap();
    let (status, moved) = post(&server, &zhou, &format!("/api/v1/cases/{id}/transfer"), &json!({"unit": "XX-ZWC"}));
    assert_eq!(status, 200, "{moved}");

    // A teaching matter is not flagged.
    let (_, teaching) = post(&server, &zhou, "/api/v1/cases", &visit(Some("parent"), "民办学校", "学校补课收费。"));
    let (_, teaching) = get(&server, &zhou, &format!("/api/v1/cases/{}", teaching["id"]));
    assert!(flags(&teaching).is_empty(), "{teaching}");

    // The scope is the unit's terms: an administrator reads and sets it; bad input changes nothing.
    let admin = db.account("admin", "XX", Role::Admin, None);
    let (_, terms) = get(&server, &admin, "/api/v1/units/XX/terms");
    assert_eq!(terms["terms"]["scope"], json!({"relations": ["staff", "student", "parent"], "classes": ["教育"]}));
    let bad = json!({"scope_relations": ["staff", "alien"], "scope_classes": ["教育"]});
    let (status, refused) = put(&server, &admin, "/api/v1/units/XX/terms", &bad);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("scope_relations[1]")), "{refused}");
    let wider = json!({"scope_relations": ["staff", "student", "parent"], "scope_classes": ["教育", "劳动和社会保障"]});
    let (status, set) = put(&server, &admin, "/api/v1/units/XX/terms", &wider);
    assert_eq!(status, 200, "{set}");
    let (_, now_in) =
        post(&server, &zhou, "/api/v1/cases", &visit(Some("staff"), "拖欠农民工工资", "食堂工人工资拖欠。"));
    let (_, now_in) = get(&server, &zhou, &format!("/api/v1/cases/{}", now_in["id"]));
    assert!(!flags(&now_in).contains(&"outside_matters"), "{now_in}");

    // The town receives everyone on every matter: no question, no flag.
    let Some(town) = Db::new(backend) else { return };
    town.cli(&["init", "--preset", "town", "--code", "XZ", "--name", "西山镇人民政府"]);
    let li = town.account("li", "XZ", Role::Officer, None);
    let server = Server::start(&town);
    let mut body = visit(None, "民办学校", "反映学校收费。");
    body["unit"] = json!("XZ");
    let (status, case) = post(&server, &li, "/api/v1/cases", &body);
    assert_eq!(status, 201, "{case}");
    let (_, case) = get(&server, &li, &format!("/api/v1/cases/{}", case["id"]));
    assert!(case.get("relation").is_none() && flags(&case).is_empty(), "{case}");
}
both_backends!(sch_2_a_matter_outside_teaching_is_offered_an_answer_or_a_transfer);
