//! HTTP tests of Open311 GeoReport v2 (issue 6) against the real server, on SQLite and PostgreSQL:
//! discovery, services, a service definition, filing with and without a valid api_key, one request,
//! the list with its date window and filters, tokens; JSON and XML; errors in the specification's shape.

use crate::common;

use common::{Backend, Db, Server, agent, get, post};
use serde_json::{Value, json};

/// A GET without an account: (status, content type, body).
fn fetch(server: &Server, path: &str) -> (u16, String, String) {
    let mut resp = agent().get(server.url(path)).call().expect("request failed");
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (resp.status().as_u16(), content_type, resp.body_mut().read_to_string().unwrap_or_default())
}

fn fetch_json(server: &Server, path: &str) -> (u16, Value) {
    let (status, _, body) = fetch(server, path);
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

/// A POST of a form, as GeoReport clients send it: (status, body as JSON).
fn file(server: &Server, form: &[(&str, &str)]) -> (u16, Value) {
    let mut resp = agent().post(server.url("/open311/v2/requests.json")).send_form(form.iter().copied()).expect("post");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

/// GEN-1, GEN-11: a civic app that speaks GeoReport v2 discovers the services, reads a service's
/// definition, files a petition with its api_key, and follows it, in JSON and XML; without a valid
/// key nothing is filed; the list shows online cases only, in its window, without anyone's data.
fn gen_1_a_civic_app_files_and_follows_a_petition_through_open311(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);

    let (status, discovery) = fetch_json(&server, "/open311/v2/discovery.json");
    assert_eq!(status, 200);
    assert_eq!(discovery["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    let (status, content_type, xml) = fetch(&server, "/open311/v2/discovery.xml");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    assert!(xml.starts_with("<?xml") && xml.contains("<discovery><changeset>"), "{xml}");
    assert!(xml.contains("<formats><format>application/json</format><format>text/xml</format></formats>"), "{xml}");

    let (status, services) = fetch_json(&server, "/open311/v2/services.json");
    assert_eq!(status, 200);
    let wages = services.as_array().unwrap().iter().find(|s| s["service_name"] == "拖欠农民工工资").unwrap().clone();
    let code = wages["service_code"].as_str().unwrap().to_owned();
    assert_eq!((wages["group"].as_str(), wages["metadata"].as_bool()), (Some("劳动和社会保障"), Some(true)));
    let (_, _, xml) = fetch(&server, "/open311/v2/services.xml");
    assert!(xml.contains(&format!("<service_code>{code}</service_code><service_name>拖欠农民工工资</service_name>")));
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><services><service>"#));

    let (status, definition) = fetch_json(&server, &format!("/open311/v2/services/{code}.json"));
    assert_eq!(status, 200, "{definition}");
    let unit = definition["attributes"].as_array().unwrap().iter().find(|a| a["code"] == "unit").unwrap();
    assert_eq!(
        (unit["datatype"].as_str(), unit["required"].as_bool()),
        (Some("singlevaluelist"), Some(false)),
        "TWN-2: a location routes without one"
    );
    assert!(unit["values"].as_array().unwrap().iter().any(|v| v["key"] == "XS" && v["name"] == "西山社区"));
    let (_, _, xml) = fetch(&server, &format!("/open311/v2/services/{code}.xml"));
    assert!(xml.contains("<service_definition><attributes><attribute>"), "{xml}");
    assert!(xml.contains(&format!("<service_code>{code}</service_code></service_definition>")), "{xml}");
    let (status, missing) = fetch_json(&server, "/open311/v2/services/999999.json");
    assert_eq!((status, &missing), (404, &json!([{"code": 404, "description": "service_code not found"}])));

    // Filing: a key is required and must be valid; the fields are checked as any registration's.
    let request = |key: &str| -> Vec<(&'static str, String)> {
        vec![
            ("api_key", key.to_owned()),
            ("service_code", code.clone()),
            ("address_string", "西山社区工地".into()),
            ("last_name", "李".into()),
            ("first_name", "桂兰".into()),
            ("phone", "13900001111".into()),
            ("description", "在西山社区工地干了四个月,老板拖欠工资八千元。".into()),
            ("attribute[unit]", "XS".into()),
        ]
    };
    let as_form = |fields: &[(&'static str, String)]| -> Vec<(&'static str, String)> { fields.to_vec() };
    let send = |fields: Vec<(&'static str, String)>| {
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        file(&server, &form)
    };
    let mut no_key = as_form(&request(""));
    no_key.retain(|(k, _)| *k != "api_key");
    let (status, refused) = send(no_key);
    assert_eq!((status, refused[0]["code"].as_i64()), (403, Some(403)), "{refused}");
    let (status, refused) = send(request("hy_not_a_key"));
    assert_eq!(status, 403, "{refused}");
    let mut no_unit = request(&wang);
    no_unit.retain(|(k, _)| *k != "attribute[unit]");
    let (status, refused) = send(no_unit);
    assert_eq!(status, 400, "{refused}");
    assert!(refused[0]["description"].as_str().unwrap().starts_with("unit"), "{refused}");
    let (_, staff) = get(&server, &wang, "/api/v1/cases");
    assert_eq!(staff["total"], 0, "nothing filed");

    let (status, filed) = send(request(&wang));
    assert_eq!(status, 200, "{filed}");
    let number = filed[0]["service_request_id"].as_str().unwrap().to_owned();
    let notice = filed[0]["service_notice"].as_str().unwrap();
    let query_code = notice.split("查询码 ").nth(1).map(|r| r[..9].to_owned()).unwrap();
    let (status, public) =
        common::json(agent().get(server.url(&format!("/api/v1/public/cases/{number}?query_code={query_code}"))).call());
    assert_eq!((status, public["status"].as_str()), (200, Some("registered")), "the notice's code works: {public}");
    let (_, staff) = get(&server, &wang, "/api/v1/cases?channel=online");
    assert_eq!(staff["items"][0]["case_number"], number.as_str(), "{staff}");

    // Following it: one request, JSON and XML, with and without extensions; nobody's data.
    let (status, one) = fetch_json(&server, &format!("/open311/v2/requests/{number}.json"));
    assert_eq!(status, 200, "{one}");
    assert_eq!((one[0]["status"].as_str(), one[0]["status_notes"].as_str()), (Some("open"), Some("已登记")));
    assert_eq!(one[0]["agency_responsible"], "西山社区");
    assert_eq!(one[0]["service_code"], code.as_str());
    assert!(one[0].get("extended_attributes").is_none());
    let text = one.to_string();
    for private in ["李桂兰", "桂兰", "13900001111", "拖欠工资八千元", "西山社区工地"] {
        assert!(!text.contains(private), "{private} must not be public: {text}");
    }
    let (_, extended) = fetch_json(&server, &format!("/open311/v2/requests/{number}.json?extensions=true"));
    assert_eq!(extended[0]["extended_attributes"]["status"], "registered", "{extended}");
    assert_eq!(extended[0]["extended_attributes"]["deadlines"][0]["kind"], "sorting");
    let (_, _, xml) = fetch(&server, &format!("/open311/v2/requests/{number}.xml"));
    assert!(xml.contains("<service_requests><request>"), "{xml}");
    assert!(xml.contains(&format!("<service_request_id>{number}</service_request_id>")), "{xml}");
    let (_, token) = fetch_json(&server, &format!("/open311/v2/tokens/{number}.json"));
    assert_eq!(token, json!([{"service_request_id": number, "token": number}]));

    // The list: online cases of the last 90 days by default; a visit is not listed.
    let (status, visit) = post(
        &server,
        &wang,
        "/api/v1/cases",
        &json!({"channel": "visit", "unit": "XS", "petitioner": {"name": "王五"}, "category": "拖欠农民工工资", "content": "来访反映拖欠工资。"}),
    );
    assert_eq!(status, 201, "{visit}");
    let (_, list) = fetch_json(&server, "/open311/v2/requests.json");
    let numbers: Vec<&str> =
        list.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(numbers, [number.as_str()], "online cases only");
    let (status, _) =
        fetch_json(&server, &format!("/open311/v2/requests/{}.json", visit["case_number"].as_str().unwrap()));
    assert_eq!(status, 404, "a visit is not served here");
    let (_, closed) = fetch_json(&server, "/open311/v2/requests.json?status=closed");
    assert_eq!(closed, json!([]));
    let (_, by_code) =
        fetch_json(&server, &format!("/open311/v2/requests.json?status=open&service_code={code}&extensions=true"));
    assert_eq!(by_code[0]["extended_attributes"]["status_label"], "已登记", "{by_code}");
    let (_, old) = fetch_json(
        &server,
        "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00%2B08:00",
    );
    assert_eq!(old, json!([]), "another window");
    let (status, bad) = fetch_json(&server, "/open311/v2/requests.json?status=pending");
    assert_eq!((status, bad[0]["code"].as_i64()), (400, Some(400)), "{bad}");
    let (status, _, xml) = fetch(&server, "/open311/v2/requests.xml?start_date=yesterday");
    assert_eq!(status, 400);
    assert!(xml.contains("<errors><error><code>400</code><description>start_date"), "{xml}");
    let (_, by_id) =
        fetch_json(&server, &format!("/open311/v2/requests.json?service_request_id={number},XS-2026-999999"));
    assert_eq!(by_id.as_array().unwrap().len(), 1);
}
both_backends!(gen_1_a_civic_app_files_and_follows_a_petition_through_open311);

/// TWN-2: a GeoReport request that names no unit goes to the smallest unit whose territory holds
/// its address, or its point inside a unit's boundary; a point nobody holds is refused on the unit,
/// a point off the globe as a bad location, and nothing is filed.
fn twn_2_an_open311_request_without_a_unit_is_routed_by_its_location(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let civic = db.account("civic", "QX", huiyin_core::user::Role::Officer, None);
    let admin = db.account("admin", "QX", huiyin_core::user::Role::Admin, None);
    let server = Server::start(&db);
    let territories = [
        ("XZ", json!({"places": ["西镇"], "polygon": [[43.0, 125.0], [43.0, 126.0], [44.0, 126.0], [44.0, 125.0]]})),
        ("XS", json!({"address_prefixes": ["西镇西山路"]})),
        ("DZ", json!({"places": ["东镇"]})),
    ];
    for (code, body) in territories {
        let (status, set) = common::put(&server, &admin, &format!("/api/v1/units/{code}/territory"), &body);
        assert_eq!(status, 200, "{set}");
    }
    let (_, services) = fetch_json(&server, "/open311/v2/services.json");
    let code =
        services.as_array().unwrap().iter().find(|s| s["service_name"] == "拖欠农民工工资").unwrap()["service_code"]
            .as_str()
            .unwrap()
            .to_owned();
    let request = |location: &[(&'static str, &'static str)]| -> (u16, Value) {
        let mut form: Vec<(&str, &str)> = vec![
            ("api_key", civic.as_str()),
            ("service_code", code.as_str()),
            ("last_name", "李"),
            ("first_name", "桂兰"),
            ("phone", "13900001111"),
            ("description", "工地老板拖欠工资八千元。"),
        ];
        form.extend_from_slice(location);
        file(&server, &form)
    };
    let unit_of = |filed: &Value| {
        let number = filed[0]["service_request_id"].as_str().unwrap().to_owned();
        let (_, list) = get(&server, &admin, "/api/v1/cases?channel=online");
        let item = list["items"].as_array().unwrap().iter().find(|c| c["case_number"] == number.as_str()).cloned();
        item.map(|c| c["unit"]["code"].as_str().unwrap_or_default().to_owned()).unwrap_or_default()
    };
    let (status, filed) = request(&[("address_string", "西镇西山路 8 号")]);
    assert_eq!(status, 200, "{filed}");
    assert_eq!(unit_of(&filed), "XS", "the smaller unit holding the address");
    let (status, filed) = request(&[("lat", "43.5"), ("long", "125.5")]);
    assert_eq!(status, 200, "{filed}");
    assert_eq!(unit_of(&filed), "XZ", "the point inside 西镇's boundary");
    let (_, before) = get(&server, &admin, "/api/v1/cases");
    let (status, refused) = request(&[("lat", "10.0"), ("long", "10.0")]);
    assert_eq!(status, 400, "{refused}");
    assert!(refused[0]["description"].as_str().unwrap().starts_with("unit"), "{refused}");
    let (status, refused) = request(&[("lat", "91"), ("long", "10.0")]);
    assert_eq!(status, 400, "{refused}");
    let (_, after) = get(&server, &admin, "/api/v1/cases");
    assert_eq!(before["total"], after["total"], "nothing filed");
}
both_backends!(twn_2_an_open311_request_without_a_unit_is_routed_by_its_location);
