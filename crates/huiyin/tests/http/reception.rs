//! 领导接访安排 (issue 19; TWN-7, TWN-8, TWN-9): a town's month of leaders' reception days drafted,
//! published as a locked version, changed as a new version shown publicly as a change, printed as
//! a PDF notice; a month published late is marked so, and a month not published by its deadline
//! is told to the town's supervisors, once.

use chrono::{Datelike, TimeZone};
use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, delete, get, post, put};

/// Today in China.
fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn month_of(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// Adds a leader with their name, title and rank (职级) on their staff card, through the store; an
/// API token for them.
fn leader(db: &Db, username: &str, unit: &str, name: &str, title: &str, rank: &str) -> String {
    db.with_store(async |store| {
        let user = huiyin_store::NewUser {
            username: username.into(),
            display_name: name.into(),
            unit: huiyin_core::unit::UnitCode::parse("unit", unit).unwrap(),
            role: Role::Leader,
            password_hash: None,
            may_backdate: false,
            title: Some(title.into()),
            credential: Some(format!("{unit}-{username}")),
            rank: Some(rank.into()),
            phone: None,
            email: None,
        };
        let user = store.add_user(&user).await.unwrap();
        let token = huiyin_app::context::new_token("hy_").unwrap();
        let hash = huiyin_app::context::token_hash(&token);
        store.add_api_token(user.id, &hash, &huiyin_store::NewApiToken::default(), chrono::Utc::now()).await.unwrap();
        token
    })
}

fn day(d: chrono::NaiveDate, leaders: &[&str], place: &str) -> Value {
    json!({"day": d.to_string(), "leaders": leaders, "place": place})
}

/// The town's public page data, without an account.
fn public_unit(server: &Server) -> (u16, Value) {
    crate::common::json(crate::common::agent().get(server.url("/api/v1/public/units/XZ")).call())
}

/// The PDF's text without white space.
fn pdf_text(server: &Server, token: &str, path: &str) -> String {
    let mut answer = crate::common::agent()
        .get(server.url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    let pdf = answer.body_mut().read_to_vec().unwrap();
    huiyin_pdf::extract_text(&pdf).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

/// TWN-7, TWN-8, TWN-9: the town's month is drafted with leaders of 副科级 or above (a 科员 and a
/// sibling town's leader are refused on their field), a joint reception and fixed places; published
/// with its time (late when after the first working day), shown on the public unit page this week
/// and this month; changed after publication only as a new version with its reason, shown publicly
/// as a change while the first version stays as it was; the PDF notice reads back both versions.
fn twn_9_a_towns_month_is_published_changed_and_shown_as_a_change(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    db.account("qxadmin", "QX", Role::Admin, Some("清溪县管理员的口令2026"));
    let town_admin = db.account("xzadmin", "XZ", Role::Admin, None);
    leader(&db, "lizhen", "XZ", "李振", "副镇长", "副科级");
    leader(&db, "keyuan", "XZ", "柯远", "党政办干事", "科员");
    leader(&db, "xianzhang", "QX", "冼章", "副县长", "副县级");
    leader(&db, "dongzhen", "DZ", "董振", "镇长", "正科级");
    let server = Server::start(&db);

    let today = china_today();
    let month = month_of(today);
    let first = today.with_day(1).unwrap();
    let path = format!("/api/v1/units/XZ/reception-months/{month}");
    let (status, empty) = get(&server, &chen, &path);
    assert_eq!(status, 200, "{empty}");
    assert_eq!((empty["published"].as_array().unwrap().len(), empty["min_rank"].as_str()), (0, Some("副科级")));
    let pickable: Vec<&str> =
        empty["leaders"].as_array().unwrap().iter().map(|l| l["username"].as_str().unwrap()).collect();
    assert_eq!(pickable, ["lizhen", "xianzhang"], "the town's own first, then the county's; no 科员, no sibling town");

    // TWN-7: a 科员 and a sibling town's leader are refused on the day's leaders.
    for (leader, code) in [("keyuan", "rank_below"), ("dongzhen", "not_a_choice")] {
        let body = json!({"days": [day(first, &[leader], "镇信访接待室")]});
        let (status, err) = put(&server, &town_admin, &format!("{path}/draft"), &body);
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("days[0].leaders")), "{leader}: {err}");
        assert_eq!(err["error"]["code"], code, "{err}");
    }
    let bad = json!({"days": [{"day": "2001-01-01", "leaders": ["lizhen"], "place": "x\u{0}"}]});
    let (status, err) = put(&server, &town_admin, &format!("{path}/draft"), &bad);
    assert_eq!(status, 422, "a day outside the month and a NUL: {err}");
    assert_eq!(get(&server, &chen, &path).1["draft"], Value::Null, "nothing was written");
    // Only the unit's arrangers draft it; a sibling town does not see it.
    let plain = json!({"days": [day(today, &["lizhen"], "镇信访接待室")]});
    assert_eq!(put(&server, &chen, &format!("{path}/draft"), &plain).0, 403, "a supervisor reads, not arranges");
    assert_eq!(put(&server, &wang, "/api/v1/units/XS/reception-months/2026-12/draft", &plain).0, 403);
    assert_eq!(get(&server, &dong, &path).0, 404);
    let (status, err) = post(&server, &town_admin, &format!("{path}/publish"), &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("draft")), "nothing to publish: {err}");

    // TWN-8: fixed places and a joint reception; today is a reception day, so this week shows it.
    // Days of the month other than today (today is a reception day of its own below).
    let fifteenth = first.with_day(if today.day() == 15 { 16 } else { 15 }).unwrap();
    let twentieth = first.with_day(if today.day() == 20 { 21 } else { 20 }).unwrap();
    let body = json!({"days": [
        {"day": fifteenth.to_string(), "leaders": ["lizhen", "xianzhang"], "place": "镇信访接待室", "starts": "09:00", "ends": "12:00"},
        day(today, &["lizhen"], "镇信访接待室"),
    ]});
    let (status, drafted) = put(&server, &town_admin, &format!("{path}/draft"), &body);
    assert_eq!(status, 200, "{drafted}");
    assert_eq!(drafted["draft"]["version"], 1);
    let (_, public) = public_unit(&server);
    assert_eq!(public["reception_month"], Value::Null, "a draft is not public");
    let (status, published) = post(&server, &town_admin, &format!("{path}/publish"), &json!({}));
    assert_eq!(status, 200, "{published}");
    let v1 = published["published"][0].clone();
    let due = chrono::NaiveDate::parse_from_str(published["due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(v1["late"], json!(today > due), "late only after the first working day ({due})");
    assert_eq!(published["draft"], Value::Null);
    assert_eq!(v1["days"][0]["day"], today.min(fifteenth).to_string(), "in order of the day");

    let (_, public) = public_unit(&server);
    let shown = &public["reception_month"];
    assert_eq!((shown["month"].as_str(), shown["version"].as_i64()), (Some(month.as_str()), Some(1)), "{public}");
    let joint = shown["days"].as_array().unwrap().iter().find(|d| d["day"] == fifteenth.to_string()).unwrap();
    assert_eq!(joint["leaders"], "李振（副镇长）、冼章（副县长）");
    assert_eq!((joint["joint"].as_bool(), joint["hours"].as_str()), (Some(true), Some("09:00–12:00")));
    let week: Vec<&str> =
        public["reception_this_week"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert!(week.contains(&today.to_string().as_str()), "{week:?}");
    let (_, page) = crate::common::plain()
        .get(server.url("/public/units/XZ"))
        .call()
        .map(|mut r| (r.status().as_u16(), r.body_mut().read_to_string().unwrap()))
        .unwrap();
    assert!(
        page.contains("本月领导接访安排") && page.contains("李振（副镇长）") && page.contains("本周领导接访"),
        "{page}"
    );

    // A change after publication: a new version with its reason; the first stays as it was.
    let changed = json!({"days": [
        {"day": fifteenth.to_string(), "leaders": ["xianzhang"], "place": "镇信访接待室"},
        day(twentieth, &["lizhen"], "村委会议室"),
    ]});
    let (status, err) = put(&server, &town_admin, &format!("{path}/draft"), &changed);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("change_note")), "{err}");
    let mut noted = changed.clone();
    noted["change_note"] = json!("李振副镇长参加县里会议");
    assert_eq!(put(&server, &town_admin, &format!("{path}/draft"), &noted).0, 200);
    let (status, both) = post(&server, &town_admin, &format!("{path}/publish"), &json!({}));
    assert_eq!(status, 200, "{both}");
    assert_eq!(both["published"][0], v1, "the first version is locked");
    let v2 = &both["published"][1];
    assert_eq!(v2["version"], 2);
    let told: Vec<(String, String)> = v2["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["day"].as_str().unwrap().to_owned(), c["change"].as_str().unwrap().to_owned()))
        .collect();
    assert!(told.contains(&(fifteenth.to_string(), "changed".into())), "{told:?}");
    assert!(told.contains(&(twentieth.to_string(), "added".into())), "{told:?}");
    assert!(told.contains(&(today.to_string(), "removed".into())), "{told:?}");
    let (_, public) = public_unit(&server);
    let shown = &public["reception_month"];
    assert_eq!((shown["version"].as_i64(), shown["change_note"].as_str()), (Some(2), Some("李振副镇长参加县里会议")));
    let fifteen = shown["days"].as_array().unwrap().iter().find(|d| d["day"] == fifteenth.to_string()).unwrap();
    assert_eq!(fifteen["change"], "changed", "{shown}");

    // The PDF notice of each version under the town's letterhead.
    let text = pdf_text(&server, &chen, &format!("{path}/notice.pdf"));
    for expected in ["西镇", "领导干部接访安排", "第2版", "冼章（副县长）", "村委会议室", "李振副镇长参加县里会议"]
    {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let text = pdf_text(&server, &chen, &format!("{path}/notice.pdf?version=1"));
    // A table cell wraps, so its text is read in pieces.
    assert!(text.contains("李振（副镇长）、冼章（副县") && text.contains("（联合接访）"), "{text}");
    assert!(!text.contains("变更说明"), "the first version changed nothing: {text}");
    assert_eq!(get(&server, &chen, &format!("{path}/notice.pdf?version=9")).0, 404);

    // Next month's table, published now, is on time; last month's is no longer drafted.
    let next = month_of(first + chrono::Months::new(1));
    let next_first = first + chrono::Months::new(1);
    let body = json!({"days": [day(next_first.with_day(10).unwrap(), &["lizhen"], "镇信访接待室")]});
    assert_eq!(put(&server, &town_admin, &format!("/api/v1/units/XZ/reception-months/{next}/draft"), &body).0, 200);
    let (_, on_time) =
        post(&server, &town_admin, &format!("/api/v1/units/XZ/reception-months/{next}/publish"), &json!({}));
    assert_eq!(on_time["published"][0]["late"], false, "{on_time}");
    let last_first = first - chrono::Months::new(1);
    let body = json!({"days": [day(last_first.with_day(10).unwrap(), &["lizhen"], "镇信访接待室")]});
    let (status, err) =
        put(&server, &town_admin, &format!("/api/v1/units/XZ/reception-months/{}/draft", month_of(last_first)), &body);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("month")), "{err}");
    // The change of this month, published after the deadline or not, is not a late publication.
    assert_eq!(both["published"][1]["late"], false, "{both}");
    // A draft dropped leaves the published versions.
    assert_eq!(put(&server, &town_admin, &format!("{path}/draft"), &noted).0, 200);
    assert_eq!(delete(&server, &town_admin, &format!("{path}/draft")).0, 204);
    let (_, after) = get(&server, &chen, &path);
    assert_eq!((after["draft"].clone(), after["published"].as_array().unwrap().len()), (Value::Null, 2));

    // On the page: the county's administrator drafts with the pickers, a refused row says why on
    // that row, and publication is confirmed.
    let browser = Browser::sign_in(&server, "qxadmin", "清溪县管理员的口令2026");
    let (status, page) = browser.page(&format!("/reception?unit=XZ&month={next}"));
    assert_eq!(status, 200);
    assert!(
        page.contains("现行安排(第 1 版)") && page.contains("变更说明") && page.contains("李振（副镇长，副科级）"),
        "{page}"
    );
    let day_text = next_first.with_day(12).unwrap().to_string();
    let (status, _, refused) = browser.submit(
        &format!("/reception/XZ/{next}/draft"),
        &[
            ("day_0", ""),
            ("place_0", ""),
            ("day_1", day_text.as_str()),
            ("place_1", "镇信访接待室"),
            ("change_note", "增加一天"),
        ],
    );
    assert_eq!(status, 422);
    assert!(refused.contains("id=\"row1-err\"") && refused.contains("请填写接访领导"), "{refused}");
    let (status, location, _) = browser.submit(
        &format!("/reception/XZ/{next}/draft"),
        &[
            ("day_0", day_text.as_str()),
            ("leader_0_0", "lizhen"),
            ("place_0", "镇信访接待室"),
            ("change_note", "增加一天"),
        ],
    );
    assert_eq!((status, location), (303, format!("/reception?unit=XZ&month={next}&done=draft")));
    let (_, page) = browser.page(&format!("/reception?unit=XZ&month={next}"));
    assert!(page.contains("待公示的草稿(第 2 版)") && page.contains("data-confirm=\"公示后本版不能再修改"), "{page}");
    let (status, location, _) = browser.submit(&format!("/reception/XZ/{next}/publish"), &[]);
    assert_eq!((status, location), (303, format!("/reception?unit=XZ&month={next}&done=publish")));
}
both_backends!(twn_9_a_towns_month_is_published_changed_and_shown_as_a_change);

/// TWN-9: a town whose month is not published by its first working day is told to its supervisors
/// and leaders by the supervision run, once; a town that published is not; a unit of another kind
/// that never kept a monthly table is not; the day of the deadline itself is not late.
fn twn_9_an_unpublished_month_is_told_to_the_supervisors_once(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, chen, dong) = db.seed();
    let dz_admin = db.account("dzadmin", "DZ", Role::Admin, None);
    leader(&db, "dzlead", "DZ", "董镇长", "镇长", "正科级");
    let dz_lead = db.account("dzsup", "DZ", Role::Supervisor, None);
    let server = Server::start(&db);
    // DZ publishes March 2030 (late, but published); XZ does not.
    let body = json!({"days": [{"day": "2030-03-14", "leaders": ["dzlead"], "place": "东镇信访接待室"}]});
    assert_eq!(put(&server, &dz_admin, "/api/v1/units/DZ/reception-months/2030-03/draft", &body).0, 200);
    assert_eq!(post(&server, &dz_admin, "/api/v1/units/DZ/reception-months/2030-03/publish", &json!({})).0, 200);
    let calendar = huiyin_core::calendar::Calendar::new();
    // 2030-03-01 is a Friday, the month's first working day: not late yet.
    let run = |at: chrono::DateTime<chrono::Utc>| {
        db.with_store(async |store| huiyin_app::reception::tell_unpublished_months(store, &calendar, at).await.unwrap())
    };
    assert_eq!(run(chrono::Utc.with_ymd_and_hms(2030, 3, 1, 8, 0, 0).unwrap()), 0, "the deadline's own day");
    let late = chrono::Utc.with_ymd_and_hms(2030, 3, 4, 1, 0, 0).unwrap();
    assert_eq!(run(late), 1, "XZ only: DZ published, XS and XS-CL keep no monthly table");
    assert_eq!(run(late), 0, "once");
    let (_, mine) = get(&server, &chen, "/api/v1/notifications");
    let told: Vec<&Value> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["message"].as_str().unwrap().contains("2030年3月"))
        .collect();
    assert_eq!(told.len(), 1, "{mine}");
    assert_eq!(told[0]["kind"], "reception_unpublished");
    assert!(told[0]["message"].as_str().unwrap().contains("西镇2030年3月的领导干部接访安排"), "{mine}");
    for token in [&dong, &dz_lead] {
        let (_, theirs) = get(&server, token, "/api/v1/notifications");
        let about_march = |n: &Value| n["message"].as_str().unwrap().contains("2030年3月");
        assert!(!theirs["items"].as_array().unwrap().iter().any(about_march), "{theirs}");
    }
}
both_backends!(twn_9_an_unpublished_month_is_told_to_the_supervisors_once);

/// TWN-10 (and TWN-9's appointment visits): a leader's reception session is recorded by the officer
/// at the counter; a visit registered in it carries its leader and is the only kind of visit given
/// the 领导干部接待群众来访登记表, with the leader named and the leader's 批示 on it; the session lists
/// its visits and prints its summary; a joint reception needs two leaders, an appointment its key
/// petitioner and why, whose name only supervisors and leaders read; a letter, another unit's
/// session or another day's is refused on `session`; a sibling town sees none of it.
fn twn_10_a_visit_in_a_leaders_session_gets_the_register_and_the_summary(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let lizhen = leader(&db, "lizhen", "XZ", "李振", "副镇长", "副科级");
    leader(&db, "xianzhang", "QX", "冼章", "副县长", "副县级");
    let server = Server::start(&db);
    let today = china_today();
    let session = |kind: &str, leaders: &[&str]| json!({"kind": kind, "day": today.to_string(), "leaders": leaders, "venue": "西山社区党群服务中心", "starts": "09:00", "ends": "11:30"});
    let (status, err) = post(&server, &wang, "/api/v1/units/XS/reception-sessions", &session("joint", &["lizhen"]));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("leaders")), "a joint reception has two: {err}");
    let (status, err) =
        post(&server, &wang, "/api/v1/units/XS/reception-sessions", &session("appointment", &["lizhen"]));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("key_petitioner")), "{err}");
    let mut appointment = session("appointment", &["lizhen"]);
    appointment["key_petitioner"] = json!("张某");
    appointment["key_reason"] = json!("多次越级上访,诉求长期未化解");
    let (status, booked) = post(&server, &wang, "/api/v1/units/XS/reception-sessions", &appointment);
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["key_petitioner"], Value::Null, "an officer records it but does not read whom");
    let (status, day) =
        post(&server, &wang, "/api/v1/units/XS/reception-sessions", &session("leader_day", &["lizhen", "xianzhang"]));
    assert_eq!(status, 201, "{day}");
    let id = day["id"].as_i64().unwrap();
    assert_eq!(post(&server, &dong, "/api/v1/units/XS/reception-sessions", &session("leader_day", &["lizhen"])).0, 404);

    // A visit in the session, a visit outside it, and refusals on `session`.
    let visit = |session: Option<i64>, channel: &str| {
        let mut v = json!({
            "channel": channel, "unit": "XS", "received_at": today.to_string(),
            "petitioner": {"name": "王秀英", "phone": "13812345678"},
            "category": "拖欠农民工工资", "purpose": "request", "content": "在工地务工三个月,包工头拖欠工资一万二千元。"
        });
        if let Some(s) = session {
            v["session"] = json!(s);
        }
        v
    };
    let (status, inside) = post(&server, &wang, "/api/v1/cases", &visit(Some(id), "visit"));
    assert_eq!(status, 201, "{inside}");
    let (_, outside) = post(&server, &wang, "/api/v1/cases", &visit(None, "visit"));
    for (body, why) in [(visit(Some(id), "letter"), "a letter"), (visit(Some(id + 100), "visit"), "no such session")] {
        let (status, err) = post(&server, &wang, "/api/v1/cases", &body);
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("session")), "{why}: {err}");
    }
    let mut yesterday = visit(Some(id), "visit");
    yesterday["received_at"] = json!(today.pred_opt().unwrap().to_string());
    assert_eq!(post(&server, &wang, "/api/v1/cases", &yesterday).1["error"]["field"], "session", "another day");

    // TWN-10: only the visit in the session has the register; the leader's 批示 is on it.
    let kinds = |case: &Value| -> Vec<String> {
        let (_, docs) = get(&server, &wang, &format!("/api/v1/cases/{}/documents", case["id"]));
        docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_owned()).collect()
    };
    assert!(kinds(&inside).contains(&"reception-register".to_owned()), "{:?}", kinds(&inside));
    assert!(!kinds(&outside).contains(&"reception-register".to_owned()), "{:?}", kinds(&outside));
    let (status, done) = post(
        &server,
        &lizhen,
        &format!("/api/v1/cases/{}/instruct", inside["id"]),
        &json!({"text": "请民政办三日内核实"}),
    );
    assert_eq!(status, 200, "{done}");
    let (_, docs) = get(&server, &wang, &format!("/api/v1/cases/{}/documents", inside["id"]));
    let register = docs.as_array().unwrap().iter().rev().find(|d| d["kind"] == "reception-register").unwrap();
    let register = pdf_text(&server, &wang, register["url"].as_str().unwrap());
    for expected in ["领导干部接待群众来访登记表", "接访领导", "李振", "冼章", "请民政办三日内核实"]
    {
        assert!(register.contains(expected), "{expected}: {register}");
    }

    // The session with its visits, and its summary.
    let (status, detail) = get(&server, &wang, &format!("/api/v1/reception-sessions/{id}"));
    assert_eq!(status, 200, "{detail}");
    let visits: Vec<&Value> = detail["visits"].as_array().unwrap().iter().collect();
    assert_eq!(visits.len(), 1, "{detail}");
    assert_eq!(visits[0]["id"], inside["id"]);
    assert_eq!(get(&server, &dong, &format!("/api/v1/reception-sessions/{id}")).0, 404, "a sibling town");
    let summary = pdf_text(&server, &chen, &format!("/api/v1/reception-sessions/{id}/summary.pdf"));
    // A table cell wraps: the instruction is read by its first words.
    for expected in ["领导接访日情况汇总", "李振", inside["case_number"].as_str().unwrap(), "请民政办三日内"]
    {
        assert!(summary.contains(expected), "{expected}: {summary}");
    }
    assert!(!summary.contains("13812345678"), "no telephone on the summary");
    let month = month_of(today);
    let (_, listed) = get(&server, &chen, &format!("/api/v1/units/XS/reception-sessions?month={month}"));
    let booked_line = listed.as_array().unwrap().iter().find(|s| s["kind"] == "appointment").unwrap();
    assert_eq!(booked_line["key_petitioner"], "张某", "a supervisor reads whom: {listed}");
    let (_, listed) = get(&server, &wang, &format!("/api/v1/units/XS/reception-sessions?month={month}"));
    assert!(listed.as_array().unwrap().iter().all(|s| s["key_petitioner"].is_null()), "{listed}");
    let day_line = listed.as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
    assert_eq!(day_line["visits"], 1);
    // Who came to an appointment is who the key petitioner is: not an officer's to read.
    let appointment_path = format!("/api/v1/reception-sessions/{}", booked["id"]);
    assert_eq!(get(&server, &wang, &appointment_path).0, 403);
    assert_eq!(get(&server, &chen, &appointment_path).0, 200);

    // GEN-7: a visit in the session that accuses the town is neither listed nor counted for the
    // town's supervisor, who reads the session; the officer who took it sees both visits.
    let mut accusation = visit(Some(id), "visit");
    accusation["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    accusation["purpose"] = json!("accusation");
    accusation["petitioner"]["name"] = json!("保密癸");
    assert_eq!(post(&server, &wang, "/api/v1/cases", &accusation).0, 201);
    let count = |token: &str| {
        let (_, listed) = get(&server, token, &format!("/api/v1/units/XS/reception-sessions?month={month}"));
        listed.as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()["visits"].as_i64()
    };
    assert_eq!((count(&wang), count(&chen)), (Some(2), Some(1)));
    let (_, detail) = get(&server, &chen, &format!("/api/v1/reception-sessions/{id}"));
    assert!(!detail.to_string().contains("保密癸"), "{detail}");
    let summary = pdf_text(&server, &chen, &format!("/api/v1/reception-sessions/{id}/summary.pdf"));
    assert!(!summary.contains("保密癸") && summary.contains("1批"), "{summary}");
}
both_backends!(twn_10_a_visit_in_a_leaders_session_gets_the_register_and_the_summary);

/// TWN-8 (重点信访人, for 约访 and 下访): a town's supervisor puts a person on the register with the
/// reason, known by the resident ID number (or the name and phone); the officer neither reads the
/// register nor sees the mark on the case they register, while the supervisor and the leader read
/// it on that case; a leader's appointment session names them from the register; taken off with a
/// reason, once, the mark is gone; bad input is refused on its field; a sibling town sees nothing.
fn twn_8_key_petitioners_are_kept_on_a_register_and_known_at_intake(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let dong = db.account("dzsup", "DZ", Role::Supervisor, None);
    let lizhen = leader(&db, "lizhen", "XZ", "李振", "副镇长", "副科级");
    let server = Server::start(&db);
    let add = |token: &str, unit: &str, body: Value| {
        post(&server, token, &format!("/api/v1/units/{unit}/key-petitioners"), &body)
    };
    let person = json!({"name": "张重点", "id_number": "11010519491231002x", "reason": "多次越级上访,诉求长期未化解"});
    for (body, field) in [
        (json!({"name": "张重点", "reason": "多次越级上访"}), "id_number"),
        (json!({"name": "张重点", "id_number": "110105194912310021", "reason": "x"}), "id_number"),
        (json!({"name": "张重点", "phone": "12", "reason": "x"}), "phone"),
        (json!({"id_number": "11010519491231002X", "reason": "x"}), "name"),
        (json!({"name": "张重点", "id_number": "11010519491231002X", "reason": "原因\u{0}"}), "reason"),
    ] {
        let (status, answer) = add(&chen, "XZ", body.clone());
        assert_eq!((status, answer["error"]["field"].as_str()), (422, Some(field)), "{body}: {answer}");
    }
    assert_eq!(add(&wang, "XS", person.clone()).0, 403, "an officer keeps no register");
    assert_eq!(add(&dong, "XZ", person.clone()).0, 404, "another town's register");
    let (status, line) = add(&chen, "XZ", person.clone());
    assert_eq!(status, 201, "{line}");
    assert_eq!(line["id_number"], "1101**********002X", "masked: {line}");
    let key_id = line["id"].as_i64().unwrap();
    assert_eq!(get(&server, &wang, "/api/v1/units/XS/key-petitioners").0, 403);
    let (_, below) = get(&server, &chen, "/api/v1/units/XS/key-petitioners");
    assert_eq!(below, json!([]), "the community's register holds nobody; the town's is above it");
    let (_, town) = get(&server, &chen, "/api/v1/units/XZ/key-petitioners");
    assert_eq!(town.as_array().unwrap().len(), 1);
    assert!(!town.to_string().contains("11010519491231002X"), "never in full: {town}");
    assert_eq!(get(&server, &dong, "/api/v1/units/XZ/key-petitioners").0, 404);

    // The person comes to the community: the officer is not told; the town's supervisor and leader are.
    let visit = json!({
        "channel": "visit", "unit": "XS", "received_at": china_today().to_string(),
        "petitioner": {"name": "张某", "id_number": "11010519491231002X", "phone": "13812345678"},
        "category": "拖欠农民工工资", "content": "再次反映工资被拖欠。"
    });
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    assert_eq!(case.get("key_petitioner"), None, "{case}");
    let path = format!("/api/v1/cases/{}", case["id"]);
    assert_eq!(get(&server, &wang, &path).1.get("key_petitioner"), None);
    let (_, read) = get(&server, &chen, &path);
    assert_eq!(read["key_petitioner"]["reason"], "多次越级上访,诉求长期未化解", "{read}");
    assert_eq!(get(&server, &lizhen, &path).1["key_petitioner"]["unit"], "西镇");
    db.account("xzsup8", "XZ", Role::Supervisor, Some("西镇督查员口令2027"));
    let case_page = crate::common::Browser::sign_in(&server, "xzsup8", "西镇督查员口令2027")
        .page(&format!("/cases/{}", case["id"]))
        .1;
    assert!(case_page.contains(r#"id="key-petitioner""#) && case_page.contains("多次越级上访"), "{case_page}");
    // GEN-7: the person accuses the town: the county reads the accusation without the town's label
    // on its accuser, and the town does not read it at all.
    let county = db.account("qxsup", "QX", Role::Supervisor, None);
    let mut accusation = visit.clone();
    accusation["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    accusation["purpose"] = json!("accusation");
    let (status, accusing) = post(&server, &wang, "/api/v1/cases", &accusation);
    assert_eq!(status, 201, "{accusing}");
    let accusing_path = format!("/api/v1/cases/{}", accusing["id"]);
    let (status, read) = get(&server, &county, &accusing_path);
    assert_eq!((status, read.get("key_petitioner")), (200, None), "{read}");
    assert_eq!(get(&server, &chen, &accusing_path).0, 404);
    // The county reads the town's label on the ordinary case; the other town keeps no such line.
    assert_eq!(get(&server, &county, &path).1["key_petitioner"]["unit"], "西镇");
    // Another person of the same name with no ID number, or another ID: not the key petitioner.
    let mut other = visit.clone();
    other["petitioner"] = json!({"name": "张重点", "phone": "13900009999"});
    let (_, other) = post(&server, &wang, "/api/v1/cases", &other);
    assert_eq!(get(&server, &chen, &format!("/api/v1/cases/{}", other["id"])).1.get("key_petitioner"), None);

    // An appointment from the register: its name and reason; an officer may not pick from it.
    let appointment = json!({"kind": "appointment", "day": china_today().to_string(), "leaders": ["lizhen"],
        "venue": "镇信访接待室", "key_petitioner_id": key_id});
    let (status, refused) = post(&server, &wang, "/api/v1/units/XS/reception-sessions", &appointment);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("key_petitioner_id")), "{refused}");
    let (status, booked) = post(&server, &lizhen, "/api/v1/units/XZ/reception-sessions", &appointment);
    assert_eq!(status, 201, "{booked}");
    assert_eq!(
        (booked["key_petitioner"].as_str(), booked["key_reason"].as_str()),
        (Some("张重点"), Some("多次越级上访,诉求长期未化解")),
        "{booked}"
    );

    // Taken off, with a reason, once: the mark is gone, the line kept.
    let remove = |body: Value| post(&server, &chen, &format!("/api/v1/key-petitioners/{key_id}/remove"), &body);
    assert_eq!(remove(json!({})).1["error"]["field"], "reason");
    assert_eq!(
        post(&server, &wang, &format!("/api/v1/key-petitioners/{key_id}/remove"), &json!({"reason": "x"})).0,
        404
    );
    let (status, removed) = remove(json!({"reason": "问题已化解,息诉罢访"}));
    assert_eq!((status, removed["removed_reason"].as_str()), (200, Some("问题已化解,息诉罢访")), "{removed}");
    assert_eq!(remove(json!({"reason": "again"})).0, 422, "once");
    assert_eq!(get(&server, &chen, &path).1.get("key_petitioner"), None);
    assert_eq!(get(&server, &chen, "/api/v1/units/XZ/key-petitioners").1[0]["removed_reason"], "问题已化解,息诉罢访");

    // The pages: the register for the supervisor, refused to the officer.
    db.account("xzsup9", "XZ", Role::Supervisor, Some("西镇督查员口令2026"));
    db.account("xsoff9", "XS", Role::Officer, Some("西山接访员口令2026"));
    let supervisor = crate::common::Browser::sign_in(&server, "xzsup9", "西镇督查员口令2026");
    let page = supervisor.page("/key-petitioners").1;
    assert!(page.contains("重点信访人名册") && page.contains("张重点") && page.contains("已移出"), "{page}");
    assert!(!page.contains("11010519491231002X"), "{page}");
    let officer = crate::common::Browser::sign_in(&server, "xsoff9", "西山接访员口令2026");
    assert_eq!(officer.page("/key-petitioners").0, 403);
}
both_backends!(twn_8_key_petitioners_are_kept_on_a_register_and_known_at_intake);

/// TWN-8: a supervisor puts a case's petitioner on the register from the case (their name, ID
/// number and phone taken from it), once — the same person again is refused on the field that
/// knew them, whether typed or from a case, and an old 15-digit card is the same person as the
/// 18-character one; an officer may not, an anonymous petitioner cannot be, and an accuser is never
/// put on the accused town's register (GEN-7). A home visit (下访) may be to a key petitioner from
/// the register, or to a village with nobody named.
fn twn_8_a_petitioner_is_put_on_the_register_from_their_case_once(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let county = db.account("qxsup", "QX", Role::Supervisor, None);
    let lizhen = leader(&db, "lizhen", "XZ", "李振", "副镇长", "副科级");
    db.account("xzsup7", "XZ", Role::Supervisor, Some("西镇督查员口令2028"));
    let server = Server::start(&db);
    let register = |petitioner: Value, accused: Option<Value>| {
        // A visit names its petitioner; one who gives no name calls instead.
        let channel = if petitioner.get("name").is_some() { "visit" } else { "phone" };
        let mut body = json!({
            "channel": channel, "unit": "XS", "received_at": china_today().to_string(),
            "petitioner": petitioner, "category": "拖欠农民工工资", "content": "反映工资被拖欠。"
        });
        if let Some(a) = accused {
            body["accused"] = a;
            body["purpose"] = json!("accusation");
        }
        let (status, case) = post(&server, &wang, "/api/v1/cases", &body);
        assert_eq!(status, 201, "{case}");
        case["id"].as_i64().unwrap()
    };
    let from_case =
        |token: &str, id: i64, body: Value| post(&server, token, &format!("/api/v1/cases/{id}/key-petitioner"), &body);
    let reason = json!({"unit": "XZ", "reason": "多次越级上访"});

    // An old 15-digit card on the case; the register's line has the 18-character number.
    let old_card = register(json!({"name": "孙老证", "id_number": "110105491231002"}), None);
    let (status, line) = post(
        &server,
        &chen,
        "/api/v1/units/XZ/key-petitioners",
        &json!({"name": "孙老证", "id_number": "11010519491231002X", "reason": "长期未化解"}),
    );
    assert_eq!(status, 201, "{line}");
    let flag = get(&server, &chen, &format!("/api/v1/cases/{old_card}")).1["key_petitioner"].clone();
    assert_eq!(flag["reason"], "长期未化解", "15 and 18 digits are one person: {flag}");
    let (status, again) = post(
        &server,
        &chen,
        "/api/v1/units/XZ/key-petitioners",
        &json!({"name": "孙老证", "id_number": "110105491231002", "reason": "再次列入"}),
    );
    assert_eq!(
        (status, again["error"]["field"].as_str(), again["error"]["code"].as_str()),
        (422, Some("id_number"), Some("already_listed")),
        "{again}"
    );
    assert!(again["error"]["message"].as_str().unwrap().contains("已在该单位的名册中"), "{again}");

    // From a case known by name and phone: by the supervisor, once; never by the officer.
    let by_phone = register(json!({"name": "钱电话", "phone": "13900001234"}), None);
    assert_eq!(from_case(&wang, by_phone, reason.clone()).0, 403, "an officer keeps no register");
    let (status, refused) = from_case(&chen, by_phone, json!({"unit": "XZ"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("reason")), "{refused}");
    let (status, line) = from_case(&chen, by_phone, reason.clone());
    assert_eq!(
        (status, line["name"].as_str(), line["phone"].as_str()),
        (201, Some("钱电话"), Some("139****1234")),
        "{line}"
    );
    let (status, again) = from_case(&chen, by_phone, reason.clone());
    assert_eq!((status, again["error"]["field"].as_str()), (422, Some("petitioner.phone")), "{again}");
    assert_eq!(get(&server, &chen, &format!("/api/v1/cases/{by_phone}")).1["key_petitioner"]["reason"], "多次越级上访");
    // The community's register: a line of its own for the same person is another register's.
    assert_eq!(from_case(&chen, by_phone, json!({"unit": "XS", "reason": "社区关注"})).0, 201);
    let anonymous = register(json!({"phone": "13900005678"}), None);
    let (status, refused) = from_case(&chen, anonymous, reason.clone());
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("petitioner.name")), "{refused}");
    let no_contact = register(json!({"name": "周无号"}), None);
    let (status, refused) = from_case(&chen, no_contact, reason.clone());
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("petitioner.id_number")), "{refused}");

    // GEN-7: the accuser of the town is not the town's to list; the county may list them on its own.
    let accusing = register(
        json!({"name": "吴检举", "id_number": "110105195001010012"}),
        Some(json!({"unit": "XZ", "name": "西镇某干部"})),
    );
    assert_eq!(from_case(&chen, accusing, reason.clone()).0, 404, "the town does not read it");
    let (status, refused) = from_case(&county, accusing, reason.clone());
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("unit")), "{refused}");
    assert_eq!(from_case(&county, accusing, json!({"unit": "QX", "reason": "多次越级上访"})).0, 201);
    let (_, town) = get(&server, &chen, "/api/v1/units/XZ/key-petitioners");
    assert!(!town.to_string().contains("吴检举"), "{town}");

    // The case page offers the button while the petitioner is on no register the reader keeps.
    let page = crate::common::Browser::sign_in(&server, "xzsup7", "西镇督查员口令2028");
    let fresh = register(json!({"name": "郑新人", "id_number": "110105196002020014"}), None);
    let (_, shown) = page.page(&format!("/cases/{fresh}"));
    assert!(shown.contains(r#"id="list-key-petitioner""#), "{shown}");
    let (status, to, _) =
        page.submit(&format!("/cases/{fresh}/key-petitioner"), &[("unit", "XZ"), ("reason", "诉求长期未化解")]);
    assert_eq!((status, to), (303, format!("/cases/{fresh}#key-petitioner")));
    let (_, shown) = page.page(&format!("/cases/{fresh}"));
    assert!(shown.contains(r#"id="key-petitioner""#) && !shown.contains(r#"id="list-key-petitioner""#), "{shown}");
    let (status, _, refused) =
        page.submit(&format!("/cases/{no_contact}/key-petitioner"), &[("unit", "XZ"), ("reason", "x")]);
    assert!(status == 422 && refused.contains("身份证号码"), "{refused}");

    // A home visit to the key petitioner from the register; one to a village names nobody.
    let key_id = line["id"].as_i64().unwrap();
    let home = json!({"kind": "home_visit", "day": china_today().to_string(), "leaders": ["lizhen"],
        "venue": "西山村", "key_petitioner_id": key_id});
    let (status, visit) = post(&server, &lizhen, "/api/v1/units/XZ/reception-sessions", &home);
    assert_eq!((status, visit["key_petitioner"].as_str()), (201, Some("钱电话")), "{visit}");
    // Whom a home visit went to is not the officer's business: the session is theirs to list, not to open.
    let officer = db.account("xzoff", "XZ", Role::Officer, None);
    let month = china_today().format("%Y-%m").to_string();
    let (_, listed) = get(&server, &officer, &format!("/api/v1/units/XZ/reception-sessions?month={month}"));
    assert!(!listed.to_string().contains("钱电话") && !listed.to_string().contains("多次越级上访"), "{listed}");
    assert_eq!(get(&server, &officer, &format!("/api/v1/reception-sessions/{}", visit["id"])).0, 403);
    // A line of the county's register is not the town's to carry into its session.
    let (_, county_line) = from_case(&county, fresh, json!({"unit": "QX", "reason": "县级关注"}));
    let mut carried = home.clone();
    carried["key_petitioner_id"] = county_line["id"].clone();
    let (status, refused) = post(&server, &county, "/api/v1/units/XZ/reception-sessions", &carried);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("key_petitioner_id")), "{refused}");
    let mut village = home.clone();
    village.as_object_mut().unwrap().remove("key_petitioner_id");
    let (status, visit) = post(&server, &lizhen, "/api/v1/units/XZ/reception-sessions", &village);
    assert_eq!((status, visit.get("key_petitioner")), (201, None), "{visit}");
    village["key_petitioner"] = json!("冯某");
    let (status, refused) = post(&server, &lizhen, "/api/v1/units/XZ/reception-sessions", &village);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("key_reason")), "{refused}");
}
both_backends!(twn_8_a_petitioner_is_put_on_the_register_from_their_case_once);
