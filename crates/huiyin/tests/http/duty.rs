//! 值班表 (issue 19): a unit's duty pattern, the month's rota generated over the holiday calendar and
//! edited day by day, swaps with their approving leader, who is on duty today; by the API and on
//! the page, refused to every role and unit that does not arrange it.

use chrono::Datelike;
use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post, put};

/// The rota of a unit for a month: each day's person (login name) or `None`.
fn people(server: &Server, token: &str, unit: &str, month: &str) -> Vec<(String, Option<String>)> {
    let (status, rota) = get(server, token, &format!("/api/v1/units/{unit}/duty/{month}"));
    assert_eq!(status, 200, "{rota}");
    rota["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["day"].as_str().unwrap().to_owned(), d["person"]["username"].as_str().map(str::to_owned)))
        .collect()
}

fn on(rota: &[(String, Option<String>)], day: &str) -> Option<String> {
    rota.iter().find(|(d, _)| d == day).and_then(|(_, p)| p.clone())
}

/// The day of one rota line, as the API answers it.
fn line(server: &Server, token: &str, unit: &str, day: &str) -> Value {
    let (_, rota) = get(server, token, &format!("/api/v1/units/{unit}/duty/{}", &day[..7]));
    rota["days"].as_array().unwrap().iter().find(|d| d["day"] == day).cloned().unwrap()
}

/// SCH-5, CDR-1, GEN-8: a school's 轮流值班 over October 2026 — no duty in the National Day week,
/// the make-up Saturday worked, the turn going on after the holiday and on into November. A day set
/// by hand is kept when the month is generated again (unless all are replaced); a swap (调班) needs
/// a leader's approval and records it. Everyone in scope reads the rota; only the unit's
/// administrators and leaders arrange it, with the unit's own staff; a sibling sees nothing.
fn sch_5_a_rotation_over_a_month_with_a_holiday_week(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let lead = db.account("xslead", "XS", Role::Leader, None);
    db.account("liu", "XS", Role::Officer, None);
    db.account("zhou", "XS", Role::Officer, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let server = Server::start(&db);
    let pattern = json!({"kind": "rotation", "people": ["wang", "liu", "zhou"]});

    for (token, body, status, field) in [
        (&wang, pattern.clone(), 403, None),
        (&sibling, pattern.clone(), 404, None),
        (&admin, json!({"kind": "rotation", "people": ["wang", "dong"]}), 422, Some("people[1]")),
        (&admin, json!({"kind": "rotation", "people": ["wang", "wang"]}), 422, Some("people[1]")),
        (&admin, json!({"kind": "rotation", "people": []}), 422, Some("people")),
        (&admin, json!({"kind": "daily"}), 422, Some("kind")),
        (&admin, json!({"kind": "rotation", "people": ["wang"], "colour": 1}), 400, None),
    ] {
        let (got, answer) = put(&server, token, "/api/v1/units/XS/duty/pattern", &body);
        assert_eq!((got, answer["error"]["field"].as_str()), (status, field), "{body}: {answer}");
    }
    let (status, err) = post(&server, &admin, "/api/v1/units/XS/duty/2026-10/generate", &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("pattern")), "no pattern yet: {err}");
    let (status, set) = put(&server, &lead, "/api/v1/units/XS/duty/pattern", &pattern);
    assert_eq!(status, 200, "a leader arranges it: {set}");
    assert_eq!(set["pattern"], json!({"kind": "rotation", "people": ["wang", "liu", "zhou"], "every_day": false}));

    for (token, status) in [(&wang, 403), (&sibling, 404)] {
        assert_eq!(post(&server, token, "/api/v1/units/XS/duty/2026-10/generate", &json!({})).0, status);
    }
    assert_eq!(post(&server, &admin, "/api/v1/units/XS/duty/2026-13/generate", &json!({})).0, 422);
    let (status, done) = post(&server, &admin, "/api/v1/units/XS/duty/2026-10/generate", &json!({}));
    assert_eq!((status, done), (200, json!({"days": 18, "kept": 0})));
    let october = people(&server, &chen, "XS", "2026-10");
    assert_eq!(october.len(), 31, "every day of the month is listed");
    for holiday in 1..=7 {
        assert_eq!(on(&october, &format!("2026-10-{holiday:02}")), None, "no duty in the holiday week");
    }
    assert_eq!(on(&october, "2026-10-08").as_deref(), Some("wang"));
    assert_eq!(on(&october, "2026-10-09").as_deref(), Some("liu"));
    assert_eq!(on(&october, "2026-10-10").as_deref(), Some("zhou"), "the make-up Saturday is worked");
    assert_eq!(on(&october, "2026-10-11"), None, "Sunday is not");
    assert_eq!(on(&october, "2026-10-12").as_deref(), Some("wang"), "the turn goes on");
    let saturday = line(&server, &chen, "XS", "2026-10-10");
    assert_eq!((saturday["working_day"].as_bool(), saturday["holiday"].as_str()), (Some(true), Some("国庆节")));
    assert_eq!(get(&server, &dong, "/api/v1/units/XS/duty/2026-10").0, 404, "another town's unit");
    // November takes up the turn after October's last (18 duty days: zhou last), from wang.
    assert_eq!(post(&server, &admin, "/api/v1/units/XS/duty/2026-11/generate", &json!({})).1["days"], 21);
    assert_eq!(on(&people(&server, &wang, "XS", "2026-11"), "2026-11-02").as_deref(), Some("wang"));

    // A day set by hand, kept when generated again; all replaced on request.
    let (status, err) =
        put(&server, &admin, "/api/v1/units/XS/duty/days/2026-10-12", &json!({"person": "dong", "reason": "x"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("person")), "{err}");
    assert_eq!(put(&server, &wang, "/api/v1/units/XS/duty/days/2026-10-12", &json!({"person": "liu"})).0, 403);
    let edit = json!({"person": "liu", "reason": "王秀英请假"});
    assert_eq!(put(&server, &admin, "/api/v1/units/XS/duty/days/2026-10-12", &edit).0, 204);
    let edited = line(&server, &wang, "XS", "2026-10-12");
    assert_eq!((edited["person"]["username"].as_str(), edited["origin"].as_str()), (Some("liu"), Some("edit")));
    assert_eq!(edited["reason"], "王秀英请假");
    assert_eq!(post(&server, &admin, "/api/v1/units/XS/duty/2026-10/generate", &json!({})).1["kept"], 1);
    assert_eq!(line(&server, &wang, "XS", "2026-10-12")["person"]["username"], "liu", "kept");
    let (_, replaced) = post(&server, &admin, "/api/v1/units/XS/duty/2026-10/generate", &json!({"replace_all": true}));
    assert_eq!(replaced, json!({"days": 18, "kept": 0}));
    assert_eq!(line(&server, &wang, "XS", "2026-10-12")["person"]["username"], "wang");
    // Nobody on a day, set by hand, stays nobody when the month is generated again.
    let nobody = json!({"person": null, "reason": "社区活动,暂停接待"});
    assert_eq!(put(&server, &admin, "/api/v1/units/XS/duty/days/2026-10-13", &nobody).0, 204);
    assert_eq!(post(&server, &admin, "/api/v1/units/XS/duty/2026-10/generate", &json!({})).1["kept"], 1);
    let cleared = line(&server, &wang, "XS", "2026-10-13");
    assert!(cleared.get("person").is_none() && cleared["origin"] == "edit", "{cleared}");
    for bad in ["+10000-01-01", "2026-13-05", "1999-12-31"] {
        let (status, err) = put(&server, &admin, &format!("/api/v1/units/XS/duty/days/{bad}"), &edit);
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("day")), "{bad}: {err}");
    }
    // A year whose holiday schedule is not loaded is not generated: its holidays would be duty days.
    let (status, err) = post(&server, &admin, "/api/v1/units/XS/duty/2027-01/generate", &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("month")), "{err}");

    // 调班: two days exchanged, approved by a leader of the unit or above, with a reason.
    let swap = |token: &str, body: Value| post(&server, token, "/api/v1/units/XS/duty/swap", &body);
    for (body, field) in [
        (json!({"a": "2026-10-08", "b": "2026-10-09", "approver": "liu", "reason": "家中有事"}), "approver"),
        (json!({"a": "2026-10-08", "b": "2026-10-09", "approver": "xslead", "reason": " "}), "reason"),
        (json!({"a": "2026-10-08", "b": "2026-10-08", "approver": "xslead", "reason": "x"}), "b"),
        (json!({"a": "2026-10-01", "b": "2026-10-09", "approver": "xslead", "reason": "x"}), "a"),
        (json!({"a": "10/08", "b": "2026-10-09", "approver": "xslead", "reason": "x"}), "a"),
        (json!({"a": "2026-10-08", "b": "2026-10-09", "reason": "x"}), "approver"),
        (json!({"a": "2026-10-08", "b": "2026-10-15", "approver": "xslead", "reason": "x"}), "b"),
    ] {
        let (status, err) = swap(&admin, body.clone());
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{body}: {err}");
    }
    let body = json!({"a": "2026-10-08", "b": "2026-10-09", "approver": "xslead", "reason": "家中有事"});
    assert_eq!(swap(&wang, body.clone()).0, 403);
    assert_eq!(swap(&admin, body).0, 204);
    let swapped = line(&server, &wang, "XS", "2026-10-08");
    assert_eq!(
        (
            swapped["person"]["username"].as_str(),
            swapped["origin"].as_str(),
            swapped["approved_by"]["username"].as_str()
        ),
        (Some("liu"), Some("swap"), Some("xslead"))
    );
    assert_eq!(line(&server, &wang, "XS", "2026-10-09")["person"]["username"], "wang");
    // A leader approves by default.
    let (status, _) = swap(&lead, json!({"a": "2026-10-08", "b": "2026-10-09", "reason": "换回"}));
    assert_eq!(status, 204);
    assert_eq!(line(&server, &wang, "XS", "2026-10-08")["person"]["username"], "wang");

    let (_, log) = get(&server, &admin, "/api/v1/audit?action=duty.");
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["duty.pattern", "duty.generate", "duty.day", "duty.swap"] {
        assert!(actions.contains(&action), "{action} on the audit log: {actions:?}");
    }
    let swap_entry = log["items"].as_array().unwrap().iter().find(|e| e["action"] == "duty.swap").unwrap().clone();
    assert_eq!(swap_entry["after"]["approved_by"], "xslead", "{swap_entry}");

    // TWN-6, FED-1: a visit received by someone else on liu's day is the receiver's, with liu
    // recorded as on duty; a day without a rota records nobody.
    let mut visit = crate::api::visit();
    visit["received_at"] = json!("2026-10-09T10:00:00+08:00");
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    assert_eq!((case["first_receiver"].as_str(), case["on_duty"].as_str()), (Some("wang"), Some("liu")), "{case}");
    visit["received_at"] = json!("2026-09-09T10:00:00+08:00");
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert!(case.get("on_duty").is_none(), "no rota in September: {case}");
}
both_backends!(sch_5_a_rotation_over_a_month_with_a_holiday_week);

/// TWN-7, TWN-6, FED-3: a village's year-round duty takes rest days and holidays too, so there is
/// someone on duty today, shown to the unit's staff on the home of their day (`/duty/today`) and on
/// the rota page; a fixed weekday pattern set on the page (the federation's leader of the day) skips
/// the holiday. A page form refused comes back with the reason under its field.
fn twn_7_year_round_duty_and_fed_3_a_leader_each_weekday(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, _, _) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let zhao = db.account("zhaoduty", "XS-CL", Role::Handler, None);
    db.account("qian", "XS-CL", Role::Handler, None);
    db.account("cllead", "XS-CL", Role::Leader, None);
    let server = Server::start(&db);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let month = today.format("%Y-%m").to_string();
    // Set up on the server's command line.
    let printed = db.cli(&["duty", "pattern", "XS-CL", "--rotation", "zhaoduty,qian", "--every-day"]);
    assert!(printed.contains("zhaoduty（承办人）、qian（承办人）"), "by name: {printed}");
    let (_, set) = get(&server, &admin, "/api/v1/units/XS-CL/duty/pattern");
    assert_eq!(set["pattern"], json!({"kind": "rotation", "people": ["zhaoduty", "qian"], "every_day": true}));
    let pattern = set["pattern"].clone();
    let (status, done) = post(&server, &admin, &format!("/api/v1/units/XS-CL/duty/{month}/generate"), &json!({}));
    assert_eq!(status, 200, "{done}");
    let days_in_month = people(&server, &zhao, "XS-CL", &month).len();
    assert_eq!(done["days"].as_u64(), Some(days_in_month as u64), "every day, rest days included");
    let (status, on_today) = get(&server, &zhao, "/api/v1/duty/today");
    assert_eq!(status, 200);
    assert_eq!(on_today["day"], today.to_string());
    assert!(["zhaoduty", "qian"].contains(&on_today["person"]["username"].as_str().unwrap()), "{on_today}");

    // On the page: the federation's leader of each weekday.
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let (status, page) = browser.page("/duty?unit=XS-CL&month=2026-10");
    assert_eq!(status, 200);
    assert!(page.contains("今日值班") && page.contains("id=\"generate\""), "{page}");
    let weekdays: Vec<(String, String)> = (1..=5).map(|w| (format!("wd{w}"), "cllead".to_owned())).collect();
    let mut form: Vec<(&str, &str)> = vec![("kind", "weekdays"), ("month", "2026-10")];
    form.extend(weekdays.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (status, location, _) = browser.submit("/duty/XS-CL/pattern", &form);
    assert_eq!((status, location.as_str()), (303, "/duty?unit=XS-CL&month=2026-10&done=pattern"));
    let (status, location, _) = browser.submit("/duty/XS-CL/generate", &[("month", "2026-10"), ("replace_all", "1")]);
    assert_eq!((status, location.as_str()), (303, "/duty?unit=XS-CL&month=2026-10&done=generate-all"));
    let october = people(&server, &zhao, "XS-CL", "2026-10");
    assert_eq!(on(&october, "2026-10-05"), None, "the holiday");
    assert_eq!(on(&october, "2026-10-08").as_deref(), Some("cllead"), "Thursday's leader");
    assert_eq!(on(&october, "2026-10-10"), None, "no leader is listed for Saturday");
    let (_, page) = browser.page("/duty?unit=XS-CL&month=2026-10&done=generate");
    assert!(page.contains("已按值班方式生成") && page.contains("id=\"day-2026-10-08\""), "{page}");
    // A refused form: the reason under its field, nothing changed.
    let (status, _, refused) =
        browser.submit("/duty/XS-CL/day", &[("month", "2026-10"), ("day", "2026-10-08"), ("person", "wang")]);
    assert_eq!(status, 422);
    assert!(refused.contains("id=\"person-err\"") && refused.contains("在职人员"), "{refused}");
    assert_eq!(on(&people(&server, &zhao, "XS-CL", "2026-10"), "2026-10-08").as_deref(), Some("cllead"));
    // Handlers read it but arrange nothing.
    assert_eq!(put(&server, &zhao, "/api/v1/units/XS-CL/duty/pattern", &pattern).0, 403);
    let printed = db.cli(&["duty", "show", "XS-CL", "2026-10"]);
    assert!(printed.contains("2026-10-08 周四\tcllead") && printed.contains("2026-10-05 周一(休)\t—"), "{printed}");
}
both_backends!(twn_7_year_round_duty_and_fed_3_a_leader_each_weekday);

/// FED-4, SCH-9: 亮证服务 — a receiver prints their desk name plate (桌牌) for the counter: unit,
/// name, title and credential number on both faces, read back from the PDF. Without a credential
/// number it is refused on that field; an administrator prints one for their staff from the
/// person's page; a sibling's administrator and another role cannot.
fn fed_4_a_receiver_prints_a_name_plate_with_their_credential(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let server = Server::start(&db);
    let plate = |token: &str, username: &str| {
        let mut answer = crate::common::agent()
            .get(server.url(&format!("/api/v1/users/{username}/name-plate")))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        let kind = answer.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (answer.status().as_u16(), kind, answer.body_mut().read_to_vec().unwrap())
    };
    let card = json!({"display_name": "王秀英", "title": "专职信访员", "credential": ""});
    assert_eq!(put(&server, &admin, "/api/v1/users/wang/card", &card).0, 200);
    let (status, _, body) = plate(&wang, "wang");
    let err: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("credential")), "{err}");
    let card = json!({"display_name": "王秀英", "title": "专职信访员", "credential": "XS-001"});
    assert_eq!(put(&server, &admin, "/api/v1/users/wang/card", &card).0, 200);
    let (status, kind, pdf) = plate(&wang, "wang");
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let text: String = huiyin_pdf::extract_text(&pdf).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    for expected in ["西山社区", "王秀英", "专职信访员", "XS-001"] {
        assert_eq!(text.matches(expected).count(), 2, "{expected} on both faces: {text}");
    }
    assert_eq!(plate(&admin, "wang").0, 200, "the administrator prints it for their staff");
    assert_eq!(plate(&sibling, "wang").0, 404);
    assert_eq!(plate(&chen, "wang").0, 403, "another role");
    // On the pages: one's own from the rota page, a person's from their page.
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let (_, person) = browser.page("/admin/users/wang");
    assert!(person.contains("/admin/users/wang/name-plate.pdf"), "{person}");
    let answer = crate::common::plain()
        .get(server.url("/admin/users/wang/name-plate.pdf"))
        .header("Cookie", &browser.cookie)
        .call()
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    let (_, rota) = browser.page("/duty");
    assert!(rota.contains("href=\"/name-plate.pdf\""), "{rota}");
}
both_backends!(fed_4_a_receiver_prints_a_name_plate_with_their_credential);

/// FED-8: the person on duty signs in and out from the home page (or the API), once a day and only
/// on their own duty day; a past duty day without a sign-in is an absence on the rota, traced to the
/// person on it; an officer records a sign-in for them after the fact, marked as theirs (补记); the
/// month's attendance sheet downloads as XLSX and prints as PDF.
fn fed_8_the_person_on_duty_signs_in_and_an_absence_is_traced(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let duty = db.account("zhaoduty", "XS-CL", Role::Handler, Some("赵值班的登录口令2026"));
    let other = db.account("qian", "XS-CL", Role::Handler, None);
    let officer = db.account("cloff", "XS-CL", Role::Officer, None);
    db.account("clsup", "XS-CL", Role::Supervisor, Some("残联督查员的口令2026"));
    let server = Server::start(&db);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let this_month = today.format("%Y-%m").to_string();
    let first = today.with_day(1).unwrap();
    let last_month = (first - chrono::Duration::days(1)).format("%Y-%m").to_string();
    let pattern = json!({"kind": "rotation", "people": ["zhaoduty"], "every_day": true});
    assert_eq!(put(&server, &admin, "/api/v1/units/XS-CL/duty/pattern", &pattern).0, 200);
    for month in [&last_month, &this_month] {
        assert_eq!(post(&server, &admin, &format!("/api/v1/units/XS-CL/duty/{month}/generate"), &json!({})).0, 200);
    }

    // Signing in: the person on duty, once; nobody else.
    let (status, err) = post(&server, &other, "/api/v1/duty/sign-in", &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("day")), "not their duty: {err}");
    let browser = Browser::sign_in(&server, "zhaoduty", "赵值班的登录口令2026");
    let (_, home) = browser.page("/home");
    assert!(home.contains("今日由您值班") && home.contains("id=\"duty-sign-in\""), "{home}");
    let (status, location, _) = browser.submit("/duty/sign-in", &[]);
    assert_eq!((status, location.as_str()), (303, "/home?done=signed-in"));
    let (_, home) = browser.page("/home?done=signed-in");
    assert!(home.contains("已签到") && home.contains("id=\"duty-sign-out\""), "{home}");
    assert_eq!(post(&server, &duty, "/api/v1/duty/sign-in", &json!({})).0, 422, "once a day");
    assert_eq!(post(&server, &duty, "/api/v1/duty/sign-out", &json!({})).0, 204);
    assert_eq!(post(&server, &duty, "/api/v1/duty/sign-out", &json!({})).0, 422, "once");
    let signed = line(&server, &duty, "XS-CL", &today.to_string());
    assert_eq!(signed["attendance"], "present", "{signed}");
    assert!(signed["signed_in_at"].is_string() && signed["signed_out_at"].is_string(), "{signed}");

    // Last month nobody signed in: every day an absence, traced to the person on the rota, and
    // counted on the unit's supervisor's 工作台.
    let (_, home) = Browser::sign_in(&server, "clsup", "残联督查员的口令2026").page("/home");
    assert!(home.contains("近30日值班缺勤"), "{home}");
    let day = format!("{last_month}-01");
    let absent = line(&server, &admin, "XS-CL", &day);
    assert_eq!(
        (absent["attendance"].as_str(), absent["person"]["username"].as_str()),
        (Some("absent"), Some("zhaoduty"))
    );
    // 补记: an officer records the sign-in, marked as theirs.
    let path = format!("/api/v1/units/XS-CL/duty/days/{day}/attendance");
    let body = json!({"time": "09:05", "note": "系统故障,到岗后未能签到"});
    assert_eq!(post(&server, &duty, &path, &body).0, 403, "a handler does not record for others");
    for (bad, field) in [(json!({"time": "9点", "note": "x"}), "time"), (json!({"time": "09:05", "note": " "}), "note")]
    {
        let (status, err) = post(&server, &officer, &path, &bad);
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{bad}: {err}");
    }
    let (status, recorded) = post(&server, &officer, &path, &body);
    assert_eq!(status, 201, "{recorded}");
    assert_eq!(post(&server, &officer, &path, &body).0, 422, "recorded once");
    let present = line(&server, &admin, "XS-CL", &day);
    assert_eq!(
        (present["attendance"].as_str(), present["recorded_by"]["username"].as_str()),
        (Some("present"), Some("cloff"))
    );
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=duty.attendance");
    assert_eq!(log["items"][0]["after"]["person"], "zhaoduty", "{log}");

    // The rota page marks the absences; the month's sheet downloads.
    let arranger = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let (_, page) = arranger.page(&format!("/duty?unit=XS-CL&month={last_month}"));
    assert!(page.contains("缺勤") && page.contains("cloff补记"), "{page}");
    let answer = crate::common::plain()
        .get(server.url(&format!("/duty/XS-CL/sheet.xlsx?month={last_month}")))
        .header("Cookie", &arranger.cookie)
        .call()
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // The same month printed under the unit's letterhead: the absence traced to its person, the
    // sign-in recorded for someone with who recorded it.
    let mut answer = crate::common::plain()
        .get(server.url(&format!("/duty/XS-CL/sheet.pdf?month={last_month}")))
        .header("Cookie", &arranger.cookie)
        .call()
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    let pdf = answer.body_mut().read_to_vec().unwrap();
    let text: String = huiyin_pdf::extract_text(&pdf).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    for expected in ["西山社区残联", "值班考勤表", "缺勤", "到岗", "cloff"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}
both_backends!(fed_8_the_person_on_duty_signs_in_and_an_absence_is_traced);
