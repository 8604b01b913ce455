//! 对接待人员的投诉 (issue 19, FED-12, CDR-5): a complaint recorded from a call, an absence traced to
//! the person on the rota that day (FED-8), investigated and concluded by a supervisor above; the
//! person complained about never sees who complained or what was said, only the conclusion once
//! concluded.

use huiyin_core::user::Role;
use serde_json::json;

use crate::common::{Backend, Db, Server, get, post, put};

/// FED-12, CDR-5, FED-8: an absence on a duty day, complained about by phone without a name, is
/// traced to the person on the rota (who had not signed in); that person never reads it (404, not
/// listed) while the receiver and the town's supervisor do; the supervisor concludes it 属实 with a
/// measure (required), once; then the person reads on their page the kind, the finding and the
/// measure, and nothing of the complainant. Bad input is refused on its field.
fn fed_12_cdr_5_a_complaint_is_traced_investigated_and_concluded_unseen_by_its_subject(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, None);
    let liu = db.account("liu", "XS", Role::Officer, None);
    let zlead = db.account("zlead", "XZ", Role::Leader, None);
    let peer = db.account("xzsup2", "XZ", Role::Supervisor, None);
    let county = db.account("qxsup", "QX", Role::Supervisor, None);
    db.account("xzsup9", "XZ", Role::Supervisor, Some("西镇督查员口令2026"));
    let server = Server::start(&db);
    let (status, answer) = put(
        &server,
        &admin,
        "/api/v1/units/XS/duty/pattern",
        &json!({"kind": "rotation", "people": ["wang"], "every_day": true}),
    );
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = post(&server, &admin, "/api/v1/units/XS/duty/2026-11/generate", &json!({}));
    assert_eq!(status, 200, "{answer}");

    let absence = json!({
        "unit": "XS", "kind": "absence", "source": "phone", "occurred_on": "2026-11-30",
        "account": "周一上午到社区接待室反映问题,接待室无人值班。", "complainant": "张投诉", "phone": "13900001111"
    });
    for (token, body, field) in [
        (&liu, json!({"kind": "rudeness", "source": "phone", "occurred_on": "2026-11-30", "account": "x"}), "unit"),
        (
            &liu,
            json!({"staff": "liu", "kind": "rudeness", "source": "phone", "occurred_on": "2026-11-30", "account": "x"}),
            "staff",
        ),
        (
            &liu,
            json!({"staff": "dong", "kind": "rudeness", "source": "phone", "occurred_on": "2026-11-30", "account": "x"}),
            "staff",
        ),
        (
            &liu,
            json!({"staff": "wang", "kind": "rudeness", "source": "online", "occurred_on": "2026-11-30", "account": "x"}),
            "source",
        ),
        (
            &liu,
            json!({"staff": "wang", "kind": "rudeness", "source": "phone", "occurred_on": "2026-11-30", "account": "x", "phone": "12"}),
            "phone",
        ),
        (
            &liu,
            json!({"unit": "DZ", "kind": "absence", "source": "phone", "occurred_on": "2026-11-30", "account": "x"}),
            "unit",
        ),
        (&wang, absence.clone(), "unit"),
    ] {
        let (status, answer) = post(&server, token, "/api/v1/complaints", &body);
        assert_eq!((status, answer["error"]["field"].as_str()), (422, Some(field)), "{body}: {answer}");
    }
    let (status, complaint) = post(&server, &liu, "/api/v1/complaints", &absence);
    assert_eq!(status, 201, "{complaint}");
    let id = complaint["id"].as_i64().unwrap();
    assert_eq!(complaint["staff"]["username"], "wang", "traced to the rota: {complaint}");
    assert_eq!(
        (complaint["rota"]["person"]["username"].as_str(), complaint["rota"]["signed_in"].as_bool()),
        (Some("wang"), Some(false))
    );
    assert_eq!(complaint["overdue"], false);
    let received: chrono::NaiveDate =
        chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).date_naive();
    let due: chrono::NaiveDate = complaint["due_on"].as_str().unwrap().parse().unwrap();
    assert!((due - received).num_days() >= 30, "30 日 by default: {due}");

    // The person complained about: it does not exist for them.
    assert_eq!(get(&server, &wang, &format!("/api/v1/complaints/{id}")).0, 404);
    let (_, listed) = get(&server, &wang, "/api/v1/complaints");
    assert_eq!(listed, json!([]));
    assert_eq!(
        post(
            &server,
            &wang,
            &format!("/api/v1/complaints/{id}/conclude"),
            &json!({"finding": "unfounded", "summary": "x"})
        )
        .0,
        404
    );
    let (_, mine) = get(&server, &wang, "/api/v1/users/wang/complaints");
    assert_eq!(mine, json!([]), "nothing concluded yet");
    // The receiver reads it; the town's supervisor reads and concludes it; the other town nothing.
    assert_eq!(get(&server, &liu, &format!("/api/v1/complaints/{id}")).0, 200);
    assert_eq!(
        post(
            &server,
            &liu,
            &format!("/api/v1/complaints/{id}/conclude"),
            &json!({"finding": "founded", "summary": "x", "measure": "y"})
        )
        .0,
        403
    );
    assert_eq!(get(&server, &dong, &format!("/api/v1/complaints/{id}")).0, 404);
    let (_, town) = get(&server, &chen, "/api/v1/complaints");
    let home = crate::common::Browser::sign_in(&server, "xzsup9", "西镇督查员口令2026").page("/home").1;
    assert!(home.contains("待调查办结的投诉"), "the investigators hear of it at once: {home}");
    assert_eq!(town[0]["complainant"], "张投诉", "{town}");
    assert_eq!(town[0]["may_conclude"], true);

    let conclude = |body: serde_json::Value| post(&server, &chen, &format!("/api/v1/complaints/{id}/conclude"), &body);
    let (status, answer) = conclude(json!({"finding": "founded", "summary": "经查当日值班人员外出未报备"}));
    assert_eq!((status, answer["error"]["field"].as_str()), (422, Some("measure")));
    let (status, done) = conclude(
        json!({"finding": "founded", "summary": "经查当日值班人员外出未报备", "measure": "批评教育,通报全镇"}),
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!((done["finding"].as_str(), done["concluded_by"]["username"].as_str()), (Some("founded"), Some("chen")));
    assert_eq!(conclude(json!({"finding": "unfounded", "summary": "再次"})).0, 409, "once");

    // Concluded: the person reads the kind, finding and measure, never who complained.
    let (status, mine) = get(&server, &wang, "/api/v1/users/wang/complaints");
    assert_eq!(status, 200);
    assert_eq!(
        (mine[0]["finding_label"].as_str(), mine[0]["measure"].as_str()),
        (Some("属实"), Some("批评教育,通报全镇"))
    );
    let text = mine.to_string();
    assert!(!text.contains("张投诉") && !text.contains("13900001111") && !text.contains("接待室无人"), "{text}");
    assert_eq!(get(&server, &wang, &format!("/api/v1/complaints/{id}")).0, 404, "still not the complaint itself");
    assert_eq!(get(&server, &dong, "/api/v1/users/wang/complaints").0, 404);
    assert_eq!(get(&server, &liu, "/api/v1/users/wang/complaints").0, 404, "a colleague officer does not read them");

    // A complaint about a supervisor is for the units above: the town's leader who took it reads
    // it but does not conclude it; the town's other supervisor does not read it; the county does.
    let (status, about_chen) = post(
        &server,
        &zlead,
        "/api/v1/complaints",
        &json!({"staff": "chen", "kind": "shirking", "source": "visit", "occurred_on": "2026-12-01", "account": "推诿不办"}),
    );
    assert_eq!(status, 201, "{about_chen}");
    let id = about_chen["id"].as_i64().unwrap();
    assert_eq!(about_chen["may_conclude"], false);
    let conclusion = json!({"finding": "unfounded", "summary": "经查不属实"});
    assert_eq!(post(&server, &zlead, &format!("/api/v1/complaints/{id}/conclude"), &conclusion).0, 403);
    assert_eq!(get(&server, &peer, &format!("/api/v1/complaints/{id}")).0, 404);
    assert_eq!(get(&server, &chen, &format!("/api/v1/complaints/{id}")).0, 404);
    let (status, done) = post(&server, &county, &format!("/api/v1/complaints/{id}/conclude"), &conclusion);
    assert_eq!((status, done["finding"].as_str()), (200, Some("unfounded")), "{done}");
}
both_backends!(fed_12_cdr_5_a_complaint_is_traced_investigated_and_concluded_unseen_by_its_subject);
