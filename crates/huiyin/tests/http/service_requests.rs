//! 办事 (CDR-4, CDR-2, FED-1): a resident's service request is taken by the first staff member
//! asked, done on the spot or guided to the cadre responsible, who records it done once; it opens
//! no case and counts in no petition measure.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post};

/// CDR-4: the same first-receiver rule as a petition, its own short path, and no place in the
/// petition measures; out of scope it does not exist; bad input is refused on its field.
fn cdr_4_a_service_is_done_on_the_spot_or_guided_to_the_cadre_and_counts_in_no_measure(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let zhang = db.account("zhang", "XS", Role::Handler, Some("Zhang-cadre-2026!"));
    let lead = db.account("lead", "XS", Role::Leader, None);
    let server = Server::start(&db);
    let record = |token: &str, body: Value| post(&server, token, "/api/v1/service-requests", &body);

    // Done on the spot by the first receiver (FED-1).
    let (status, done) =
        record(&wang, json!({"resident": "李大爷", "matter": "开具居住证明", "result": "当场开具并盖章"}));
    assert_eq!(status, 201, "{done}");
    assert_eq!(
        (done["received_by"]["username"].as_str(), done["done_by"]["username"].as_str()),
        (Some("wang"), Some("wang"))
    );
    assert_eq!(done["may_complete"], false);
    // Guided to the cadre responsible (CDR-2), who has it to do.
    let (status, guided) = record(&wang, json!({"matter": "办理低保年审", "cadre": "zhang"}));
    assert_eq!(status, 201, "{guided}");
    assert_eq!(guided["guided_to"]["username"], "zhang");
    assert!(guided.get("done_by").is_none() && guided.get("resident").is_none(), "{guided}");
    let id = guided["id"].as_i64().unwrap();

    // Refused on the field, and nothing recorded.
    for (body, field) in [
        (json!({"matter": "x"}), "result"),
        (json!({"matter": "x", "result": "y", "cadre": "zhang"}), "cadre"),
        (json!({"matter": "x", "cadre": "dong"}), "cadre"),
        (json!({"matter": "x", "cadre": "zhao"}), "cadre"),
        (json!({"matter": "x", "cadre": "wang"}), "cadre"),
        (json!({"matter": "x", "cadre": "nobody"}), "cadre"),
        (json!({"matter": "\u{0}", "result": "y"}), "matter"),
        (json!({"matter": "x".repeat(2001), "result": "y"}), "matter"),
        (json!({"matter": "x", "result": "y", "extra": 1}), ""),
    ] {
        let (status, refused) = record(&wang, body.clone());
        assert!(status == 422 || (field.is_empty() && status == 400), "{body}: {status} {refused}");
        if !field.is_empty() {
            assert_eq!(refused["error"]["field"], field, "{body}: {refused}");
        }
    }
    let (_, list) = get(&server, &zhang, "/api/v1/service-requests");
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!((list[0]["id"].as_i64(), &list[0]["may_complete"]), (Some(id), &json!(true)), "waiting on zhang first");

    // Done by the cadre, once; the receiver does not do it for them; another unit never sees it.
    let done_path = format!("/api/v1/service-requests/{id}/done");
    assert_eq!(post(&server, &wang, &done_path, &json!({"result": "已办"})).0, 403);
    assert_eq!(post(&server, &dong, &done_path, &json!({"result": "已办"})).0, 404);
    assert_eq!(get(&server, &dong, "/api/v1/service-requests?unit=XS").0, 404);
    assert_eq!(post(&server, &zhang, &done_path, &json!({"result": " "})).0, 422);
    let (status, finished) = post(&server, &zhang, &done_path, &json!({"result": "已办理低保年审"}));
    assert_eq!(status, 200, "{finished}");
    assert_eq!(
        (finished["done_by"]["username"].as_str(), finished["result"].as_str()),
        (Some("zhang"), Some("已办理低保年审"))
    );
    assert_eq!(post(&server, &lead, &done_path, &json!({"result": "again"})).0, 409);
    assert_eq!(get(&server, &wang, "/api/v1/service-requests?days=0").0, 422);

    // Not a petition: no case, nothing in the measures.
    let (_, cases) = get(&server, &wang, "/api/v1/cases");
    assert_eq!(cases["total"], 0, "{cases}");
    let (_, measures) = get(&server, &lead, "/api/v1/units/XS/measures");
    for m in measures["measures"].as_array().unwrap() {
        assert_eq!(m["denominator"], 0, "{m}");
    }

    // The page: the cadre sees it done; a guided request without a cadre is refused on its field.
    let page = Browser::sign_in(&server, "zhang", "Zhang-cadre-2026!");
    let (status, html) = page.page("/service-requests");
    assert_eq!(status, 200);
    assert!(
        html.contains("办理低保年审") && html.contains("已办理低保年审") && html.contains("开具居住证明"),
        "{html}"
    );
    let (status, _, html) = page.submit("/service-requests", &[("matter", "咨询养老保险"), ("disposal", "guided")]);
    assert_eq!(status, 422);
    assert!(html.contains("id=\"cadre-err\""), "the cadre is what is missing: {html}");
    let (status, location, _) =
        page.submit("/service-requests", &[("matter", "咨询养老保险"), ("disposal", "done"), ("result", "当场解答")]);
    assert_eq!((status, location.as_str()), (303, "/service-requests?done=record"));
}
both_backends!(cdr_4_a_service_is_done_on_the_spot_or_guided_to_the_cadre_and_counts_in_no_measure);
