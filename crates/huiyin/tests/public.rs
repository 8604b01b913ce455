//! HTTP tests of the public side (no account) against the real server, on SQLite and on PostgreSQL.

mod common;

use common::{Backend, Db, Server, agent, json, post};
use serde_json::{Value, json};

fn visit() -> Value {
    json!({
        "channel": "visit",
        "received_at": "2026-11-20T09:30:00+08:00",
        "unit": "XS",
        "petitioner": {"name": "王秀英", "id_number": "11010519491231002X", "phone": "138 1234 5678", "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资",
        "content": "在工地务工三个月,包工头拖欠工资一万二千元。"
    })
}

/// A lookup without any account.
fn lookup(server: &Server, number: &str, code: &str) -> (u16, Value) {
    json(agent().get(server.url(&format!("/api/v1/public/cases/{number}?query_code={code}"))).call())
}

/// GEN-11: the petitioner follows the case by number and query code, sees where it stands and the
/// steps that answer them, and none of the office's internal work or personal data; a wrong number
/// and a wrong code answer alike.
fn gen_11_a_petitioner_looks_the_case_up_without_an_account(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
    assert_eq!(status, 201, "{case}");
    let (id, number, code) =
        (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());

    let (status, public) = lookup(&server, number, code);
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["case_number"], number);
    assert_eq!(public["status"], "registered");
    assert_eq!(public["status_label"], "已登记");
    assert_eq!(public["deadlines"][0]["kind"], "sorting");
    assert_eq!(public["timeline"][0]["kind"], "registered");

    let (status, _) = post(&server, &wang, &format!("/api/v1/cases/{id}/accept"), &json!({}));
    assert_eq!(status, 200);
    let note = "11月22日到工地核实,包工头承认拖欠。";
    let (status, _) = post(&server, &wang, &format!("/api/v1/cases/{id}/investigation"), &json!({"text": note}));
    assert_eq!(status, 200);
    let (_, public) = lookup(&server, number, code);
    assert_eq!(public["status"], "accepted");
    let kinds: Vec<&str> = public["timeline"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["registered", "accepted"], "the investigation record is internal");
    let text = public.to_string();
    for private in ["王秀英", "13812345678", "1101", "wang", "包工头承认"] {
        assert!(!text.contains(private), "{private} must not be public: {text}");
    }

    // Wrong code, wrong number, malformed code: the same answer.
    let wrong_code = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    let (status, by_code) = lookup(&server, number, wrong_code);
    assert_eq!(status, 404);
    let (status, by_number) = lookup(&server, "XS-2026-999999", code);
    assert_eq!(status, 404);
    assert_eq!(by_code, by_number);
    let (status, malformed) = lookup(&server, number, "abc");
    assert_eq!((status, &malformed), (404, &by_code));

    // The same on the public page, the code sent in a form.
    let (status, form) = page(agent().get(server.url("/public/lookup")).call());
    assert_eq!(status, 200);
    assert!(form.contains("查询码") && form.contains(r#"method="post""#), "{form}");
    let (status, found) =
        page(agent().post(server.url("/public/lookup")).send_form([("case_number", number), ("query_code", code)]));
    assert_eq!(status, 200, "{found}");
    assert!(found.contains("办理中") && found.contains("受理"), "{found}");
    for private in ["王秀英", "13812345678", "包工头承认"] {
        assert!(!found.contains(private), "{private} must not be public");
    }
    let (status, missing) = page(
        agent().post(server.url("/public/lookup")).send_form([("case_number", number), ("query_code", wrong_code)]),
    );
    assert_eq!(status, 404);
    assert!(missing.contains("没有找到该信访件"), "{missing}");
}

/// A response's status and text.
fn page(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String) {
    let mut resp = resp.expect("request failed");
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
}
both_backends!(gen_11_a_petitioner_looks_the_case_up_without_an_account);
