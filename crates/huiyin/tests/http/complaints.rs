//! 对接待人员的投诉 (issue 19, FED-12, CDR-5): a complaint recorded from a call, an absence traced to
//! the person on the rota that day (FED-8), investigated and concluded by a supervisor above; the
//! person complained about never sees who complained or what was said, only the conclusion once
//! concluded.

use huiyin_core::user::Role;
use serde_json::json;

use crate::common::{Backend, Db, Server, agent, get, json as json_of, post, put};
use crate::public::{answer, input_value, page};

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

/// The portal's complaint form sent from `form` (a page holding it) with these fields, its question
/// answered and its privacy notice accepted.
fn send_complaint(server: &Server, form: &str, key: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let token = input_value(form, "question_token");
    let answer = answer(form);
    let mut all: Vec<(&str, &str)> = vec![
        ("submission_key", key),
        ("question_token", &token),
        ("answer", &answer),
        ("consent", "1"),
        ("website", ""),
    ];
    all.extend_from_slice(fields);
    page(agent().post(server.url("/public/complaints")).send_form(all))
}

/// The texts of a receipt's big cells: the complaint's number, then its query code.
fn receipt_cells(html: &str) -> Vec<String> {
    html.split(r#"<td class="big">"#).skip(1).map(|c| c.split('<').next().unwrap_or_default().to_owned()).collect()
}

/// FED-12, CDR-5, FED-4, GEN-11: a member of the public complains on the portal about the officer
/// whose credential number is on their receipt, linking their own case by its number and query code;
/// mistakes come back on their fields with nothing filed (a wrong code for the case said as a wrong
/// pair); the form sent twice files once; the town's supervisor reads it with the linked case and
/// concludes it, the officer never reads it; the complainant looks the outcome up by the complaint's
/// number and code (a wrong code as a wrong number), on the API and on the page. A complaint taken
/// down by staff is given a number and code as well.
fn fed_12_the_public_complains_on_the_portal_and_looks_the_outcome_up(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let liu = db.account("liu", "XS", Role::Officer, None);
    db.with_store(async |store| {
        let user = store.user_by_username("wang").await.unwrap().unwrap();
        let card = huiyin_store::StaffCard {
            display_name: "王小明".into(),
            title: Some("信访专干".into()),
            credential: Some("XS-007".into()),
            rank: None,
            phone: None,
            email: None,
        };
        store.set_user_card(user.id, &card).await.unwrap();
    });
    let server = Server::start(&db);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    assert_eq!(status, 201, "{case}");
    let (case_number, case_code) = (case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let wrong_case_code = if case_code.starts_with('1') { "2222-2222" } else { "1111-1111" };

    let (status, form) = page(agent().get(server.url("/public/complaints")).call());
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("投诉工作人员") && form.contains("工作证号") && form.contains("态度粗暴"), "{form}");
    let key = input_value(&form, "submission_key");
    let (status, home) = page(agent().get(server.url("/public")).call());
    assert!(status == 200 && home.contains(r#"href="/public/complaints""#), "linked from the portal's home");

    // Mistakes, all at once on their fields; nothing is filed. The case's code is checked (and
    // counted as a lookup's) once the rest is right, and said as a wrong pair.
    let (status, again) = send_complaint(
        &server,
        &form,
        &key,
        &[
            ("staff_credential", "XS-999"),
            ("case_number", case_number),
            ("query_code", wrong_case_code),
            ("occurred_on", "2026-12-01"),
            ("account", "接待时态度恶劣,把材料扔回给我。"),
        ],
    );
    assert_eq!(status, 422, "{again}");
    assert!(again.contains(r##"<a href="#kind">请填写问题类型</a>"##), "the kind is required: {again}");
    assert!(again.contains("工作证号没有对应的工作人员"), "{again}");
    assert!(again.contains("把材料扔回给我"), "what was typed is kept");
    let (status, again) = send_complaint(
        &server,
        &again,
        &key,
        &[
            ("staff_credential", "XS-007"),
            ("kind", "rudeness"),
            ("case_number", case_number),
            ("query_code", wrong_case_code),
            ("occurred_on", "2026-12-01"),
            ("account", "接待时态度恶劣,把材料扔回给我。"),
        ],
    );
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("信访件编号与查询码不符"), "{again}");
    assert_eq!(get(&server, &chen, "/api/v1/complaints").1, json!([]), "nothing filed");

    // Sent right: the receipt gives the number and the code.
    let good = [
        ("staff_credential", " xs-007 "),
        ("kind", "rudeness"),
        ("case_number", case_number),
        ("query_code", case_code),
        ("occurred_on", "2026-12-01"),
        ("account", "接待时态度恶劣,把材料扔回给我。"),
        ("complainant", "李投诉"),
        ("phone", "13900002222"),
    ];
    let (status, receipt) = send_complaint(&server, &again, &key, &good);
    assert_eq!(status, 200, "{receipt}");
    let cells = receipt_cells(&receipt);
    let (number, code) = (cells[0].clone(), cells[1].clone());
    assert!(number.starts_with("TS2026-") && code.len() == 9, "{cells:?}");
    // The same form sent again (a double click: its question already used; a reload later with a
    // new question): the first receipt, nothing new.
    let (status, double) = send_complaint(&server, &again, &key, &good);
    assert_eq!(status, 200, "{double}");
    assert!(double.contains("没有重复登记") && receipt_cells(&double) == cells, "{double}");
    let (_, fresh) = page(agent().get(server.url("/public/complaints")).call());
    let (status, repeat) = send_complaint(&server, &fresh, &key, &good);
    assert_eq!(status, 200, "{repeat}");
    assert!(repeat.contains("没有重复登记") && receipt_cells(&repeat) == cells, "{repeat}");

    // Staff: the town's supervisor reads it with the linked case; the officer never does.
    let (_, town) = get(&server, &chen, "/api/v1/complaints");
    assert_eq!(town.as_array().unwrap().len(), 1, "{town}");
    let c = &town[0];
    assert_eq!(
        (c["number"].as_str(), c["source"].as_str(), c["staff"]["username"].as_str(), c["case_number"].as_str()),
        (Some(number.as_str()), Some("online"), Some("wang"), Some(case_number)),
        "{c}"
    );
    assert_eq!((c["complainant"].as_str(), c.get("query_code")), (Some("李投诉"), None), "the code is not read back");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(get(&server, &wang, &format!("/api/v1/complaints/{id}")).0, 404);
    assert_eq!(get(&server, &wang, "/api/v1/complaints").1, json!([]));
    assert_eq!(get(&server, &dong, &format!("/api/v1/complaints/{id}")).0, 404);

    // The complainant looks it up: being investigated; nothing of the person or of who complained.
    let lookup = |number: &str, code: &str| {
        json_of(agent().get(server.url(&format!("/api/v1/public/complaints/{number}?query_code={code}"))).call())
    };
    let (status, open) = lookup(&number, &code);
    assert_eq!(
        (status, open["status"].as_str(), open["kind"].as_str()),
        (200, Some("open"), Some("rudeness")),
        "{open}"
    );
    for private in ["王小明", "李投诉", "13900002222", "wang"] {
        assert!(!open.to_string().contains(private), "{private}: {open}");
    }
    let padded = number.replace('-', "-0");
    assert_eq!(lookup(&padded, &code).1["number"].as_str(), Some(number.as_str()), "however the zeros are typed");
    let wrong = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    let (status, by_code) = lookup(&number, wrong);
    let (status2, by_number) = lookup("TS2026-999999", &code);
    assert_eq!((status, status2), (404, 404));
    assert_eq!(by_code, by_number, "a wrong code answers as a wrong number");

    let (status, done) = post(
        &server,
        &chen,
        &format!("/api/v1/complaints/{id}/conclude"),
        &json!({"finding": "partly_founded", "summary": "经查接待时语气生硬", "measure": "批评教育"}),
    );
    assert_eq!(status, 200, "{done}");
    let (_, concluded) = lookup(&number, &code);
    assert_eq!(
        (concluded["status"].as_str(), concluded["finding"].as_str(), concluded["measure"].as_str()),
        (Some("concluded"), Some("partly_founded"), Some("批评教育")),
        "{concluded}"
    );
    let (status, shown) = page(
        agent()
            .post(server.url("/public/complaints/lookup"))
            .send_form([("number", number.as_str()), ("query_code", code.as_str())]),
    );
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains("部分属实") && shown.contains("批评教育") && shown.contains("已办结"), "{shown}");
    let (status, missing) = page(
        agent()
            .post(server.url("/public/complaints/lookup"))
            .send_form([("number", number.as_str()), ("query_code", wrong)]),
    );
    assert!(status == 404 && missing.contains("没有找到该投诉"), "{missing}");

    // Taken down by staff from a call: a number and a code to tell the complainant, which look it up.
    let (status, taken) = post(
        &server,
        &liu,
        "/api/v1/complaints",
        &json!({"staff": "wang", "kind": "delay", "source": "phone", "occurred_on": "2026-12-02", "account": "拖延不办"}),
    );
    assert_eq!(status, 201, "{taken}");
    let (number, code) = (taken["number"].as_str().unwrap(), taken["query_code"].as_str().unwrap());
    let (status, found) = lookup(number, code);
    assert_eq!((status, found["kind"].as_str()), (200, Some("delay")), "{found}");
    assert_eq!(get(&server, &liu, &format!("/api/v1/complaints/{}", taken["id"])).1.get("query_code"), None);
}
both_backends!(fed_12_the_public_complains_on_the_portal_and_looks_the_outcome_up);

/// FED-12, CDR-5: a complaint past its due day is told by the supervision run to those who may
/// conclude it, once: not to the person it is about, not to the officer who took it down; the
/// message names the complaint, never who complained.
fn fed_12_an_overdue_complaint_is_told_to_its_investigators_once(backend: Backend) {
    use chrono::TimeZone;
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let liu = db.account("liu", "XS", Role::Officer, None);
    let server = Server::start(&db);
    let (status, taken) = post(
        &server,
        &liu,
        "/api/v1/complaints",
        &json!({"staff": "wang", "kind": "delay", "source": "phone", "occurred_on": "2026-12-01",
                "account": "拖延不办", "complainant": "周投诉"}),
    );
    assert_eq!(status, 201, "{taken}");
    let run = |at: chrono::DateTime<chrono::Utc>| {
        db.with_store(async |store| huiyin_app::complaints::tell_overdue(store, at).await.unwrap())
    };
    assert_eq!(run(chrono::Utc::now()), 0, "not due yet");
    let later = chrono::Utc.with_ymd_and_hms(2030, 1, 7, 1, 0, 0).unwrap();
    assert_eq!(run(later), 1);
    assert_eq!(run(later), 0, "once");
    let told = |token: &str| -> Vec<String> {
        let (_, mine) = get(&server, token, "/api/v1/notifications");
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "complaint_overdue")
            .map(|n| n["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let chen_told = told(&chen);
    assert_eq!(chen_told.len(), 1, "{chen_told:?}");
    let number = taken["number"].as_str().unwrap();
    assert!(chen_told[0].contains(number) && chen_told[0].contains("拖延办理"), "{chen_told:?}");
    assert!(!chen_told[0].contains("周投诉"), "never who complained");
    for token in [&wang, &liu, &dong] {
        assert!(told(token).is_empty(), "{token}");
    }
}
both_backends!(fed_12_an_overdue_complaint_is_told_to_its_investigators_once);

/// FED-12: a complaint taken at the counter prints a slip (投诉登记回执) with its number and, on the
/// first showing only, its query code; a lost code is reissued by whoever reads the complaint —
/// never by the person it is about, for whom it does not exist — after which the old code fails,
/// the new one opens the outcome, and a number locked by guessing opens again.
fn fed_12_a_lost_complaint_code_is_reissued_and_the_slip_printed(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _dong) = db.seed();
    let liu = db.account("liu", "XS", Role::Officer, Some("刘接访员的登录口令2026"));
    let server = Server::start_with_env(&db, &[("HUIYIN_TRUSTED_PROXIES", "127.0.0.1")]);
    let browser = crate::common::Browser::sign_in(&server, "liu", "刘接访员的登录口令2026");
    let fields = [
        ("staff", "wang"),
        ("kind", "rudeness"),
        ("source", "visit"),
        ("occurred_on", "2026-12-02"),
        ("account", "接待时态度生硬"),
        ("complainant", "赵投诉"),
    ];
    let (status, slip_at, _) = browser.submit("/complaints", &fields);
    assert_eq!(status, 303);
    let id: i64 = slip_at.trim_start_matches("/complaints/").trim_end_matches("/slip").parse().unwrap();
    let (status, slip) = browser.page(&slip_at);
    assert_eq!(status, 200, "{slip}");
    let number = slip.split("<td class=\"big\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let code = slip.split("id=\"slip-code\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(number.starts_with("TS") && code.len() == 9, "{number} {code}");
    for shown in ["投诉登记回执", "赵投诉", "态度粗暴", "西山社区", "/public/complaints/lookup", "办结期限"]
    {
        assert!(slip.contains(shown), "{shown}: {slip}");
    }
    assert!(!slip.contains("王秀英"), "the slip does not name the person complained about: {slip}");
    let (_, again) = browser.page(&slip_at);
    assert!(!again.contains(&code) && again.contains("遗失可重新发放"), "shown once: {again}");

    // Each lookup from another address, so that only the number's counter can stop them.
    let sent = std::cell::Cell::new(0);
    let lookup = |code: &str| {
        sent.set(sent.get() + 1);
        let url = server.url(&format!("/api/v1/public/complaints/{number}?query_code={code}"));
        json_of(agent().get(url).header("X-Forwarded-For", &format!("10.9.0.{}", sent.get())).call()).0
    };
    assert_eq!(lookup(&code), 200);
    // Someone guesses until the number is locked: even the right code is refused.
    let wrong = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    for n in 0..10 {
        assert_eq!(lookup(wrong), 404, "guess {n}");
    }
    assert_eq!((lookup(wrong), lookup(&code)), (429, 429), "locked");

    // The person it is about cannot reissue it (it does not exist for them); the receiver can.
    let path = format!("/api/v1/complaints/{id}/reissue-query-code");
    assert_eq!(post(&server, &wang, &path, &json!({})).0, 404);
    // Nor a colleague of theirs who investigates it; the town above may.
    let colleague = db.account("xssup", "XS", Role::Supervisor, None);
    assert_eq!(get(&server, &colleague, &format!("/api/v1/complaints/{id}")).0, 200, "reads it");
    assert_eq!(post(&server, &colleague, &path, &json!({})).0, 403);
    let (status, by_town) = post(&server, &chen, &path, &json!({}));
    assert_eq!(status, 200, "{by_town}");
    let (status, reissued) = post(&server, &liu, &path, &json!({}));
    assert_eq!(status, 200, "{reissued}");
    let new_code = reissued["query_code"].as_str().unwrap().to_owned();
    assert_ne!(new_code, code);
    assert_eq!((lookup(&code), lookup(&new_code)), (404, 200), "the old code fails, the new one opens it");
    assert_eq!(get(&server, &liu, &format!("/api/v1/complaints/{id}")).1.get("query_code"), None, "not read back");

    // By the page: the slip's button gives a new code, shown on the slip once.
    let (status, to, _) = browser.submit(&format!("/complaints/{id}/reissue"), &[]);
    assert_eq!((status, to.as_str()), (303, slip_at.as_str()));
    let (_, slip) = browser.page(&slip_at);
    let newest = slip.split("id=\"slip-code\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(newest.len() == 9 && newest != new_code, "{slip}");
    assert_eq!((lookup(&new_code), lookup(&newest)), (404, 200));
}
both_backends!(fed_12_a_lost_complaint_code_is_reissued_and_the_slip_printed);
