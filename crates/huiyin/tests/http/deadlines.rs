//! Deadlines as their users read them (issue 17): the office's steps apart from the petitioner's
//! windows, the handling opinion reaching the petitioner, and the paper book entered with the
//! judgements made at registration.

use crate::common;

use chrono::{Duration, NaiveDate};
use common::{Backend, Db, Server, agent, get, json as read, post, put};
use serde_json::{Value, json};

/// A seeded world where XS needs one leader's approval, with a clerk and a leader of XS who may
/// record earlier actions (补录).
struct World {
    server: Server,
    wang: String,
    clerk: String,
    lead: String,
    _db: Db,
}

impl World {
    fn new(backend: Backend) -> Option<World> {
        let db = Db::new(backend)?;
        let (wang, _, _) = db.seed();
        db.cli(&["user", "add", "clerk", "--unit", "XS", "--role", "officer", "--may-backdate"]);
        db.cli(&["user", "add", "lead", "--unit", "XS", "--role", "leader", "--may-backdate"]);
        db.cli(&["user", "add", "boss", "--unit", "QX", "--role", "admin"]);
        let token = |u: &str| db.cli(&["token", "create", u]).trim().to_owned();
        let (clerk, lead, boss) = (token("clerk"), token("lead"), token("boss"));
        let server = Server::start(&db);
        let (_, limits) = get(&server, &boss, "/api/v1/units/XS/limits");
        let mut rules = limits["rules"].clone();
        rules["approvals_required"] = json!(1);
        assert_eq!(put(&server, &boss, "/api/v1/units/XS/limits", &json!({ "rules": rules })).0, 200);
        Some(World { server, wang, clerk, lead, _db: db })
    }

    /// Takes an action that must succeed; returns the case.
    fn ok(&self, token: &str, id: i64, action: &str, body: Value) -> Value {
        let (status, case) = post(&self.server, token, &format!("/api/v1/cases/{id}/{action}"), &body);
        assert_eq!(status, 200, "{action}: {case}");
        case
    }
}

fn visit(received_at: Option<NaiveDate>) -> Value {
    let mut body = json!({
        "channel": "visit", "unit": "XS",
        "petitioner": {"name": "王秀英", "phone": "13812345678", "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": "工地拖欠工资三个月,多次讨要无果,请求帮助追回工资。"
    });
    if let Some(day) = received_at {
        body["received_at"] = json!(day.to_string());
    }
    body
}

fn opinion() -> Value {
    json!({"outcome": "support", "facts": "经调查,拖欠属实。", "basis": "《保障农民工工资支付条例》第三条", "text": "责成施工单位十日内支付。"})
}

fn today() -> NaiveDate {
    huiyin_core::limits::china_day(chrono::Utc::now())
}

fn deadline<'a>(case: &'a Value, kind: &str) -> &'a Value {
    case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == kind).unwrap_or(&Value::Null)
}

/// `body` with `at` set to the day `n` days after `start`.
fn on(start: NaiveDate, n: i64, mut body: Value) -> Value {
    body["at"] = json!((start + Duration::days(n)).to_string());
    body
}

/// GEN-5, FED-10: after the reply the petitioner's window to ask for review is theirs, not the
/// office's lateness: a replied case whose window lapsed long ago has nothing overdue, sorts and
/// filters as nothing due, and its deadlines say whose each one is.
fn gen_5_the_petitioners_window_is_never_the_offices_lateness(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    // A visit from the paper book, received four months ago and worked through at the time.
    let start = today() - Duration::days(120);
    let (status, case) = post(&w.server, &w.clerk, "/api/v1/cases", &visit(Some(start)));
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    w.ok(&w.clerk, id, "accept", on(start, 1, json!({})));
    w.ok(&w.clerk, id, "opinion", on(start, 2, opinion()));
    w.ok(&w.lead, id, "approve", on(start, 3, json!({})));
    let replied = w.ok(&w.clerk, id, "reply", on(start, 4, json!({})));

    let window = deadline(&replied, "review_request");
    assert_eq!(window["owner"], "petitioner", "{replied}");
    assert!(window["met_at"].is_null() && window["days_left"].as_i64().unwrap() < 0, "lapsed: {window}");
    for d in replied["deadlines"].as_array().unwrap().iter().filter(|d| d["owner"] == "office") {
        assert!(d["met_at"].is_string(), "the office's steps are all done: {d}");
    }
    let (_, overdue) = get(&w.server, &w.wang, "/api/v1/cases?due=overdue");
    assert_eq!(overdue["total"], 0, "nothing of the office's is overdue: {overdue}");
    let (_, all) = get(&w.server, &w.wang, "/api/v1/cases");
    let row = all["items"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
    assert_eq!(row["next_due"], Value::Null, "a settled case has nothing due: {row}");

    // An open case is due by its office's steps.
    let (_, fresh) = post(&w.server, &w.wang, "/api/v1/cases", &visit(None));
    assert_eq!(deadline(&fresh, "sorting")["owner"], "office", "{fresh}");
    let (_, all) = get(&w.server, &w.wang, "/api/v1/cases");
    let row = all["items"].as_array().unwrap().iter().find(|c| c["id"] == fresh["id"]).unwrap();
    assert_eq!(row["next_due"], deadline(&fresh, "sorting")["due"], "{row}");
}
both_backends!(gen_5_the_petitioners_window_is_never_the_offices_lateness);

/// GEN-4, GEN-11: the handling opinion is the petitioner's once it is sent: the lookup lists it
/// after the reply (not before) and gives its PDF.
fn gen_11_the_petitioner_receives_the_handling_opinion(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let (_, case) = post(&w.server, &w.wang, "/api/v1/cases", &visit(None));
    let (id, number, code) =
        (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let kinds = || -> Vec<String> {
        let url = w.server.url(&format!("/api/v1/public/cases/{number}?query_code={code}"));
        let (_, public) = read(agent().get(url).call());
        public["documents"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_owned()).collect()
    };
    w.ok(&w.wang, id, "accept", json!({}));
    w.ok(&w.wang, id, "opinion", opinion());
    w.ok(&w.lead, id, "approve", json!({}));
    assert!(!kinds().contains(&"opinion".to_owned()), "an approved draft is not sent yet: {:?}", kinds());
    let replied = w.ok(&w.wang, id, "reply", json!({}));
    assert!(kinds().contains(&"opinion".to_owned()), "the opinion reaches the petitioner: {:?}", kinds());
    let seq = replied["events"].as_array().unwrap().iter().find(|e| e["kind"] == "replied").unwrap()["seq"].clone();
    let url = w.server.url(&format!("/api/v1/public/cases/{number}/documents/opinion/{seq}?query_code={code}"));
    let mut resp = agent().get(url).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.body_mut().read_to_vec().unwrap().starts_with(b"%PDF"));
}
both_backends!(gen_11_the_petitioner_receives_the_handling_opinion);

/// FED-11: entering the paper book, a judgement the system makes at registration (here: a repeat
/// of the same person's earlier visit) takes the registration's time, so the actions that followed
/// can still be recorded on their real days.
fn fed_11_a_judgement_at_registration_takes_the_registrations_time(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let start = today() - Duration::days(10);
    let (status, first) = post(&w.server, &w.clerk, "/api/v1/cases", &visit(Some(start)));
    assert_eq!(status, 201, "{first}");
    let (status, again) = post(&w.server, &w.clerk, "/api/v1/cases", &visit(Some(start + Duration::days(3))));
    assert_eq!(status, 201, "{again}");
    let id = again["id"].as_i64().unwrap();
    let (_, again) = get(&w.server, &w.clerk, &format!("/api/v1/cases/{id}"));
    let events = again["events"].as_array().unwrap();
    let flagged = events.iter().find(|e| e["kind"] == "flagged").unwrap_or_else(|| panic!("a repeat: {again}"));
    assert_eq!(flagged["at"], events[0]["at"], "judged at registration: {again}");
    let accepted = w.ok(&w.clerk, id, "accept", on(start, 4, json!({"note": "补录"})));
    assert_eq!(accepted["status"], "accepted");
}
both_backends!(fed_11_a_judgement_at_registration_takes_the_registrations_time);
