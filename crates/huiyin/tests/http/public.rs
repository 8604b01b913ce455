//! HTTP tests of the public side (no account) against the real server, on SQLite and on PostgreSQL.

use crate::common;

use common::{Backend, Db, Server, agent, get as get_status, json, post};
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
    assert_eq!(public["status_label"], "已登记,等待受理", "in the petitioner's words");
    assert_eq!(public["deadlines"][0]["kind"], "sorting");
    assert_eq!(public["timeline"][0]["kind"], "registered");

    let (status, _) = post(&server, &wang, &format!("/api/v1/cases/{id}/accept"), &json!({}));
    assert_eq!(status, 200);
    assert_eq!(lookup(&server, number, code).1["status_label"], "正在办理", "not the office's step");
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
    assert!(found.contains("正在办理") && found.contains("受理") && found.contains("年"), "{found}");
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
pub(crate) fn page(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String) {
    let mut resp = resp.expect("request failed");
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
}
both_backends!(gen_11_a_petitioner_looks_the_case_up_without_an_account);

/// The value of the first `name="…" value="…"` input on a page.
pub(crate) fn input_value(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The answer to the check question on a page (`三加七等于几?`).
pub(crate) fn answer(html: &str) -> String {
    const NUMERALS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let start = html.find(r#"<label for="answer">"#).unwrap() + r#"<label for="answer">"#.len();
    let question = &html[start..];
    let (a, rest) = question.split_once('加').unwrap();
    let b = rest.split('等').next().unwrap();
    let n = |s: &str| NUMERALS.iter().position(|x| *x == s).unwrap();
    (n(a) + n(b)).to_string()
}

/// The petition as typed on the form's first step.
fn petition(unit: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit", unit.into()),
        ("name", "李桂兰".into()),
        ("phone", "139 0000 1111".into()),
        ("id_number", "".into()),
        ("address", "西山社区幸福里 3 号".into()),
        ("headcount", "1".into()),
        ("category", "劳动和社会保障 / 劳动关系 / 拖欠农民工工资".into()),
        ("purpose", "request".into()),
        ("place", "西山社区工地".into()),
        ("place_unit", "".into()),
        ("accused_name", "".into()),
        ("content", "在西山社区工地干了四个月,老板拖欠工资八千元,至今未付。".into()),
    ]
}

/// A multipart body of text fields and files (name, filename, bytes).
fn multipart(fields: &[(String, String)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "huiyin-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, filename, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The first step sent: the check page (status, text).
fn check(server: &Server, fields: &[(&'static str, String)], key: &str) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("submission_key", key));
    page(agent().post(server.url("/public/submit")).send_form(form))
}

/// The second step sent from `review` (the check page), with the answer to its question.
fn send(server: &Server, review: &str, extra: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (u16, String) {
    send_via(server, review, extra, files, None)
}

/// [`send`] through a reverse proxy that says the petitioner's address in `X-Forwarded-For`.
fn send_via(
    server: &Server,
    review: &str,
    extra: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
    forwarded_for: Option<&str>,
) -> (u16, String) {
    let mut fields: Vec<(String, String)> = [
        "unit",
        "name",
        "id_number",
        "phone",
        "address",
        "headcount",
        "category",
        "purpose",
        "place",
        "place_unit",
        "accused_name",
        "accused_unit",
        "content",
        "submission_key",
        "question_token",
    ]
    .iter()
    .map(|n| (n.to_string(), input_value(review, n)))
    .collect();
    fields.push(("answer".into(), answer(review)));
    fields.push(("consent".into(), "1".into()));
    fields.push(("website".into(), String::new()));
    for (k, v) in extra {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    let (content_type, body) = multipart(&fields, files);
    let mut request = agent().post(server.url("/public/submit/send")).header("Content-Type", &content_type);
    if let Some(address) = forwarded_for {
        request = request.header("X-Forwarded-For", address);
    }
    page(request.send(&body[..]))
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// GEN-1, GEN-11: a petitioner files online without an account: the form is checked, the check
/// page shows what will be sent, the question, consent and honeypot guard the sending, the receipt
/// gives the number and the code, a second sending of the same form files nothing new, and staff
/// find the case in their list on the online channel with its file.
fn gen_1_an_online_petition_is_checked_sent_once_and_reaches_staff(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let (status, form) = page(agent().get(server.url("/public/submit")).call());
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("我要反映") && form.contains("拖欠农民工工资"), "{form}");
    let key = input_value(&form, "submission_key");
    assert_eq!(key.len(), 32);

    // Step one: mistakes come back with the form, nothing is written.
    let mut without_phone = petition("XS");
    without_phone.retain(|(k, _)| *k != "phone");
    let (status, again) = check(&server, &without_phone, &key);
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("请填写联系电话"), "{again}");
    // All the mistakes at once at the top, each a link to its field, taking the focus.
    assert!(again.contains(r##"autofocus id="error-summary""##) && again.contains(r##"<a href="#phone">"##), "{again}");
    // In the form's own words, every one at once: the unit and the phone together.
    let mut two_missing = without_phone.clone();
    two_missing.retain(|(k, _)| *k != "unit");
    let (status, both) = check(&server, &two_missing, &key);
    assert_eq!(status, 422, "{both}");
    // TWN-2: no unit chosen and none holds the place written: the unit is asked for as such.
    assert!(both.contains(r##"<a href="#unit">未能按问题发生地点确定负责的单位,请选择单位</a>"##), "{both}");
    assert!(both.contains(r##"<a href="#phone">请填写联系电话</a>"##) && !both.contains("登记单位"), "{both}");
    assert!(again.contains("在西山社区工地干了四个月"), "what was typed is kept");
    let (status, review) = check(&server, &petition("XS"), &key);
    assert_eq!(status, 200, "{review}");
    assert!(review.contains("核对并提交") && review.contains("西山社区") && review.contains("隐私说明"), "{review}");

    // Step two: a wrong answer, a filled honeypot, a missing consent or a file of another kind
    // send nothing.
    let staff_total = || get_status(&server, &wang, "/api/v1/cases").1["total"].as_i64().unwrap();
    let (status, wrong) = send(&server, &review, &[("answer", "99")], &[]);
    assert_eq!(status, 422, "{wrong}");
    assert!(wrong.contains("验证问题回答不正确"), "{wrong}");
    let (status, robot) = send(&server, &wrong, &[("website", "http://spam.example")], &[]);
    assert_eq!(status, 422, "{robot}");
    assert!(robot.contains("验证问题回答不正确"), "a robot learns nothing: {robot}");
    let (status, no_consent) = send(&server, &robot, &[("consent", "")], &[]);
    assert_eq!(status, 422, "{no_consent}");
    assert!(no_consent.contains("请阅读并勾选同意隐私说明"), "{no_consent}");
    let (status, not_a_photo) =
        send(&server, &no_consent, &[], &[("attachments", "photo.png", b"MZ\x90\0 not a picture")]);
    assert_eq!(status, 422, "{not_a_photo}");
    assert!(not_a_photo.contains("PDF, JPEG"), "{not_a_photo}");
    assert_eq!(staff_total(), 0, "nothing was filed");
    // A question is answered once: the page it was asked on cannot be sent twice.
    let (status, replayed) = send(&server, &review, &[], &[]);
    assert_eq!(status, 422, "{replayed}");

    // Sent: the receipt, once.
    let (status, receipt) = send(&server, &not_a_photo, &[], &[("attachments", "工地照片.png", PNG)]);
    assert_eq!(status, 200, "{receipt}");
    assert!(receipt.contains("网上信访提交回执") && receipt.contains("请记下或打印本页"), "{receipt}");
    let number = receipt.split("XS-").nth(1).map(|r| format!("XS-{}", &r[..11])).unwrap();
    let code = receipt.split("查询码</th><td class=\"big\">").nth(1).map(|r| r[..9].to_owned()).unwrap();
    assert!(code.chars().all(|c| c.is_ascii_digit() || c == '-'), "{code}");
    assert!(receipt.contains("最迟"), "the limits that now run: {receipt}");

    // The same form sent again (a double click, a resent page): the same case, no second one.
    let again = receipt_question(&server, &petition("XS"), &key);
    let (status, twice) = send(&server, &again, &[], &[]);
    assert_eq!(status, 200, "{twice}");
    assert!(twice.contains("此前已经提交") && twice.contains(&number), "{twice}");
    assert_eq!(staff_total(), 1);

    // Staff see it on the online channel, registered by the online intake, with its photo.
    let (status, listed) = get_status(&server, &wang, "/api/v1/cases?channel=online");
    assert_eq!(status, 200);
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["case_number"], number.as_str());
    let id = listed["items"][0]["id"].as_i64().unwrap();
    let (_, case) = get_status(&server, &wang, &format!("/api/v1/cases/{id}"));
    assert_eq!(case["channel"], "online", "{case}");
    assert!(case.to_string().contains("工地照片.png"), "{case}");
    // The unit's officer is told of the new online petition, once (FED-1, FED-10).
    let (_, told) = get_status(&server, &wang, "/api/v1/notifications");
    let about: Vec<&Value> = told["items"].as_array().unwrap().iter().filter(|n| n["case_id"] == id).collect();
    assert_eq!(about.len(), 1, "{told}");
    assert_eq!(about[0]["kind"], "online_petition", "{told}");
    // And the petitioner follows it with the receipt's number and code.
    let (status, public) = lookup(&server, &number, &code);
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["status"], "registered");

    // FED-1: it waits in the unit's queue until an officer takes it and becomes its first receiver.
    let queue = |token: &str| get_status(&server, token, "/api/v1/cases?owner=online").1["total"].as_i64().unwrap();
    assert_eq!(queue(&wang), 1);
    let dong = db.cli(&["token", "create", "dong"]).trim().to_owned();
    assert_eq!(queue(&dong), 0, "another unit's queue");
    let take = |token: &str| post(&server, token, &format!("/api/v1/cases/{id}/take"), &json!({}));
    assert_eq!(take(&dong).0, 404, "out of scope");
    let (status, taken) = take(&wang);
    assert_eq!(status, 200, "{taken}");
    assert_eq!((taken["first_receiver"].as_str(), taken["owner"].as_str()), (Some("wang"), Some("wang")), "{taken}");
    let (status, again) = take(&wang);
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_taken")), "{again}");
    assert_eq!(queue(&wang), 0, "taken off the queue");
    let (_, mine) = get_status(&server, &wang, "/api/v1/cases?owner=me");
    assert!(mine["items"].as_array().unwrap().iter().any(|c| c["id"] == id), "{mine}");
}
both_backends!(gen_1_an_online_petition_is_checked_sent_once_and_reaches_staff);

/// A fresh check page for the same form and key (its question unanswered).
fn receipt_question(server: &Server, fields: &[(&'static str, String)], key: &str) -> String {
    let (status, review) = check(server, fields, key);
    assert_eq!(status, 200, "{review}");
    review
}

/// GEN-1: one address sends at most five petitions an hour; the sixth is held back with 429.
fn gen_1_an_address_is_held_back_after_five_petitions(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let server = Server::start(&db);
    for n in 1..=6 {
        let key = format!("{n:032x}");
        let review = receipt_question(&server, &petition("XS"), &key);
        let (status, answer) = send(&server, &review, &[], &[]);
        if n <= 5 {
            assert_eq!(status, 200, "petition {n}: {answer}");
        } else {
            assert_eq!(status, 429, "{answer}");
            assert!(answer.contains("过于频繁"), "{answer}");
        }
    }
}
both_backends!(gen_1_an_address_is_held_back_after_five_petitions);

/// GEN-1: behind a trusted reverse proxy the limit counts each petitioner's own address, as the
/// proxy reports it; an address the client wrote itself is not believed.
fn gen_1_behind_a_trusted_proxy_each_petitioner_is_counted(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let server = Server::start_with_env(&db, &[("HUIYIN_TRUSTED_PROXIES", "127.0.0.1")]);
    for n in 1..=6 {
        let review = receipt_question(&server, &petition("XS"), &format!("{n:032x}"));
        let (status, answer) = send_via(&server, &review, &[], &[], Some(&format!("198.51.100.{n}")));
        assert_eq!(status, 200, "petitioner {n} has an address of their own: {answer}");
    }
    for n in 7..=12 {
        let review = receipt_question(&server, &petition("XS"), &format!("{n:032x}"));
        // A client that writes a new address before the proxy's entry is still counted as itself.
        let (status, answer) = send_via(&server, &review, &[], &[], Some(&format!("192.0.2.{n}, 203.0.113.1")));
        assert_eq!(status, if n <= 11 { 200 } else { 429 }, "petition {n}: {answer}");
    }
}
both_backends!(gen_1_behind_a_trusted_proxy_each_petitioner_is_counted);

/// COM-3, FED-3, SCH-4, GEN-9: an administrator publishes a unit's hotline, address, reception hours
/// and procedure (through the API, or the CLI); anyone reads them without an account, with the
/// unit's measures for the last twelve months; hours that do not read are refused.
fn com_3_a_unit_publishes_its_hours_procedure_and_measures(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.cli(&["user", "add", "admin", "--unit", "QX", "--role", "admin", "--name", "管理员"]);
    let admin = db.cli(&["token", "create", "admin"]).trim().to_owned();
    let server = Server::start(&db);
    // One case, received and accepted today: its acceptance notice was given in time (received on
    // a fixed day, it would turn late once the real date passed its notice limit).
    let mut today = visit();
    today.as_object_mut().unwrap().remove("received_at");
    let (status, case) = post(&server, &wang, "/api/v1/cases", &today);
    assert_eq!(status, 201, "{case}");
    let (status, _) = post(&server, &wang, &format!("/api/v1/cases/{}/accept", case["id"]), &json!({}));
    assert_eq!(status, 200);

    let info = json!({
        "hotline": "0571-8888 1234",
        "address": "西山社区向阳街 1 号一楼接待室",
        "office_hours": "1-5 10:00-12:30,16:00-18:00",
        "procedure": "来访请带身份证。当场登记,15 日内告知是否受理。"
    });
    let (status, refused) = put_json(&server, &wang, "/api/v1/units/XS/public-info", &info);
    assert_eq!(status, 403, "only administrators publish: {refused}");
    let mut bad = info.clone();
    bad["office_hours"] = json!("weekdays 10 to 12");
    let (status, refused) = put_json(&server, &admin, "/api/v1/units/XS/public-info", &bad);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("office_hours")), "{refused}");
    let (status, published) = put_json(&server, &admin, "/api/v1/units/XS/public-info", &info);
    assert_eq!(status, 200, "{published}");

    let (status, unit) = json(agent().get(server.url("/api/v1/public/units/XS")).call());
    assert_eq!(status, 200, "{unit}");
    assert_eq!(unit["hotline"], "0571-8888 1234");
    assert_eq!(unit["office_hours"], "周一至周五 10:00–12:30、16:00–18:00");
    let measures: Vec<(&str, &str)> = unit["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["label"].as_str().unwrap(), m["shown"].as_str().unwrap()))
        .collect();
    assert_eq!(
        measures,
        [
            ("及时受理率", "100.0%"),
            ("按期办结率", "暂无数据"),
            ("参评率", "暂无数据"),
            ("满意率(信访工作机构)", "暂无数据"),
            ("满意率(承办单位)", "暂无数据"),
            ("重复信访率", "0.0%")
        ]
    );
    let (status, page_text) = page(agent().get(server.url("/public/units/XS")).call());
    assert_eq!(status, 200);
    assert!(page_text.contains("周一至周五 10:00–12:30、16:00–18:00") && page_text.contains("100.0%"), "{page_text}");
    let (status, list) = json(agent().get(server.url("/api/v1/public/units")).call());
    assert_eq!(status, 200);
    assert!(list.as_array().unwrap().iter().any(|u| u["code"] == "XS-CL"), "{list}");

    // The CLI sets the same; an unknown unit is a 404.
    let out = db.cli(&[
        "unit",
        "info",
        "QX",
        "--hotline",
        "0571-12345",
        "--address",
        "县信访局",
        "--hours",
        "1-5 08:30-17:00",
        "--procedure",
        "县信访局受理全县信访事项。",
    ]);
    assert!(out.contains("已更新"), "{out}");
    let (_, county) = json(agent().get(server.url("/api/v1/public/units/QX")).call());
    assert_eq!(county["office_hours"], "周一至周五 08:30–17:00");
    let (status, _) = json(agent().get(server.url("/api/v1/public/units/NOPE")).call());
    assert_eq!(status, 404);
}
both_backends!(com_3_a_unit_publishes_its_hours_procedure_and_measures);

fn put_json(server: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    common::put(server, token, path, body)
}

/// GEN-3, GEN-11: the petitioner reads the notices addressed to them as PDF, with the number and
/// code; the office's records are not theirs, and a wrong code reads nothing.
fn gen_3_the_petitioner_reads_their_notices_as_pdf(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let server = Server::start(&db);
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit());
    assert_eq!(status, 201, "{case}");
    let (id, number, code) =
        (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let (status, _) = post(&server, &wang, &format!("/api/v1/cases/{id}/accept"), &json!({}));
    assert_eq!(status, 200);
    let (status, _) =
        post(&server, &wang, &format!("/api/v1/cases/{id}/investigation"), &json!({"text": "到工地核实。"}));
    assert_eq!(status, 200);

    let (_, public) = lookup(&server, number, code);
    let kinds: Vec<&str> =
        public["documents"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["receipt", "acceptance-notice"], "the notices, not the office's records: {public}");
    let notice = &public["documents"][1];
    let path = format!("/api/v1/public/cases/{number}/documents/acceptance-notice/{}", notice["issued_by"]);
    let mut resp = agent().get(server.url(&format!("{path}?query_code={code}"))).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("content-type").unwrap(), "application/pdf");
    let pdf = resp.body_mut().read_to_vec().unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let wrong = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    let (status, _) = json(agent().get(server.url(&format!("{path}?query_code={wrong}"))).call());
    assert_eq!(status, 404);
    let (status, _) = json(
        agent()
            .get(
                server
                    .url(&format!("/api/v1/public/cases/{number}/documents/investigation-record/3?query_code={code}")),
            )
            .call(),
    );
    assert_eq!(status, 404, "an investigation record is not the petitioner's");

    // The same from the lookup page, the code sent in a form.
    let issued_by = notice["issued_by"].to_string();
    let mut resp = agent()
        .post(server.url("/public/document"))
        .send_form([
            ("case_number", number),
            ("query_code", code),
            ("kind", "acceptance-notice"),
            ("issued_by", &issued_by),
        ])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.body_mut().read_to_vec().unwrap().starts_with(b"%PDF"));
}
both_backends!(gen_3_the_petitioner_reads_their_notices_as_pdf);

/// FED-3, FED-4, SCH-9: the weekly reception schedule names the leader who receives petitioners
/// each day, with title and credential number, on the unit's public page; one leader a day.
fn fed_3_fed_4_the_reception_schedule_names_each_days_leader(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    db.cli(&["user", "add", "admin", "--unit", "QX", "--role", "admin", "--name", "管理员"]);
    let admin = db.cli(&["token", "create", "admin"]).trim().to_owned();
    let server = Server::start(&db);
    let week = json!({"days": [
        {"weekday": 3, "leader": "李四", "title": "残联理事长", "credential": "CL-003"},
        {"weekday": 1, "leader": "张三", "title": "社区党委书记", "credential": "XS-001"}
    ]});
    let (status, refused) = put_json(
        &server,
        &admin,
        "/api/v1/units/XS-CL/reception-schedule",
        &json!({"days": [
            {"weekday": 1, "leader": "张三", "title": "书记", "credential": "1"},
            {"weekday": 1, "leader": "李四", "title": "主任", "credential": "2"}
        ]}),
    );
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("days[1].weekday")), "{refused}");
    let (status, unit) = put_json(&server, &admin, "/api/v1/units/XS-CL/reception-schedule", &week);
    assert_eq!(status, 200, "{unit}");
    let (_, unit) = json(agent().get(server.url("/api/v1/public/units/XS-CL")).call());
    let days: Vec<(&str, &str, &str)> = unit["reception_schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["weekday_label"].as_str().unwrap(), d["leader"].as_str().unwrap(), d["credential"].as_str().unwrap())
        })
        .collect();
    assert_eq!(days, [("周一", "张三", "XS-001"), ("周三", "李四", "CL-003")]);
    let (_, page_text) = page(agent().get(server.url("/public/units/XS-CL")).call());
    assert!(page_text.contains("接待日安排") && page_text.contains("残联理事长") && page_text.contains("CL-003"));
    let out = db.cli(&["unit", "schedule", "XS-CL", "--day", "5,王五,残联副理事长,CL-005"]);
    assert!(out.contains("周五 王五 残联副理事长 CL-005"), "{out}");
    let (_, unit) = json(agent().get(server.url("/api/v1/public/units/XS-CL")).call());
    assert_eq!(unit["reception_schedule"].as_array().unwrap().len(), 1, "replaced as a whole");

    // Issue 16: the command line goes through the same service as the API, as the operator: the
    // same refusal in the same words, and nothing changed by it.
    let twice = json!({"days": [
        {"weekday": 2, "leader": "赵六", "title": "主任", "credential": "1"},
        {"weekday": 2, "leader": "钱七", "title": "副主任", "credential": "2"}
    ]});
    let (status, refused) = put_json(&server, &admin, "/api/v1/units/XS-CL/reception-schedule", &twice);
    assert_eq!(status, 422, "{refused}");
    let (ok, _, err) =
        db.try_cli(&["unit", "schedule", "XS-CL", "--day", "2,赵六,主任,1", "--day", "2,钱七,副主任,2"], None);
    assert!(!ok && err.contains(refused["error"]["message"].as_str().unwrap()), "{err} / {refused}");
    let (_, unit) = json(agent().get(server.url("/api/v1/public/units/XS-CL")).call());
    assert_eq!(unit["reception_schedule"][0]["leader"], "王五", "the refused change wrote nothing");
    let (ok, _, err) = db.try_cli(&["unit", "limits", "XS-CL", "--preset", "nowhere"], None);
    let (_, api) = put_json(&server, &admin, "/api/v1/units/XS-CL/limits", &json!({"preset": "nowhere"}));
    assert!(!ok && err.contains(api["error"]["message"].as_str().unwrap()), "{err} / {api}");
}
both_backends!(fed_3_fed_4_the_reception_schedule_names_each_days_leader);

/// Issue 15: with debug logging the requests are logged by their path alone: no query code, search
/// words or other query string reaches the log, nor the bearer token.
fn gen_11_logs_hold_no_query_code(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let (server, log) = Server::start_logging(&db, "debug,sqlx=warn");
    let (_, case) = post(&server, &wang, "/api/v1/cases", &visit());
    let (number, code) = (case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let (status, _) = json(agent().get(server.url(&format!("/api/v1/public/cases/{number}?query_code={code}"))).call());
    assert_eq!(status, 200);
    get_status(&server, &wang, "/api/v1/cases?q=%E6%8B%96%E6%AC%A0");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("/api/v1/public/cases/"), "requests are logged at debug: {logged}");
    for secret in [code, &code.replace('-', ""), "query_code=", "?q=", wang.as_str()] {
        assert!(!logged.contains(secret), "the log holds {secret:?}");
    }
}
both_backends!(gen_11_logs_hold_no_query_code);

/// Issue 15, GEN-11: guessing is capped, not only slowed, and two servers on one database count as
/// one: a case number is locked after 10 wrong codes from anywhere (even the right code is then
/// refused) until the unit reissues the code; logins are refused after 5 failures for one account
/// or 20 from one address, even with the right password.
fn gen_11_guessing_is_capped_across_servers(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let (ok, _, err) = db.try_cli(&["user", "passwd", "wang", "--password-stdin"], Some("西山社区2026年春季\n"));
    assert!(ok, "{err}");
    let proxy = [("HUIYIN_TRUSTED_PROXIES", "127.0.0.1")];
    let servers = [Server::start_with_env(&db, &proxy), Server::start_with_env(&db, &proxy)];
    let (_, case) = post(&servers[0], &wang, "/api/v1/cases", &visit());
    let (id, number, code) =
        (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let wrong = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    let look = |n: usize, code: &str| {
        let url = servers[n % 2].url(&format!("/api/v1/public/cases/{number}?query_code={code}"));
        // Each guess from another address, so that only the case number's counter can stop them.
        json(agent().get(url).header("X-Forwarded-For", &format!("10.0.{}.{}", n / 200, n % 200 + 1)).call()).0
    };
    for n in 0..10 {
        assert_eq!(look(n, wrong), 404, "guess {n}");
    }
    assert_eq!(look(10, wrong), 429, "the eleventh guess is refused, on either server");
    assert_eq!(look(11, code), 429, "the case number is locked, the right code included");
    let (status, reissued) = post(&servers[1], &wang, &format!("/api/v1/cases/{id}/reissue-query-code"), &json!({}));
    assert_eq!(status, 200, "{reissued}");
    assert_eq!(look(12, reissued["query_code"].as_str().unwrap()), 200, "the reissue lifts the lock");

    let try_login = |n: usize, username: &str, password: &str, from: &str| -> u16 {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let server = &servers[n % 2];
        let mut form = agent.get(server.url("/login")).call().unwrap();
        let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let page = form.body_mut().read_to_string().unwrap();
        let csrf = input_value(&page, "csrf");
        let fields = [("csrf", csrf.as_str()), ("username", username), ("password", password), ("next", "/cases")];
        let done = agent.post(server.url("/login")).header("Cookie", &cookie).header("X-Forwarded-For", from);
        done.send_form(fields).unwrap().status().as_u16()
    };
    for n in 0..5 {
        assert_eq!(try_login(n, "wang", "wrong password 1", &format!("10.1.0.{n}")), 401);
    }
    assert_eq!(try_login(5, "wang", "西山社区2026年春季", "10.1.0.9"), 429, "the account is locked");
    for n in 0..20 {
        assert_eq!(try_login(n, &format!("nobody{}", n % 4), "wrong password 1", "10.2.0.1"), 401, "attempt {n}");
    }
    assert_eq!(try_login(20, "chen", "whatever it is", "10.2.0.1"), 429, "the address is refused");
}
both_backends!(gen_11_guessing_is_capped_across_servers);

/// GEN-7: a petitioner names the unit they accuse on the portal; the check page shows it, and the
/// accused town never sees the case, which staff of the community hold with its accused unit.
fn gen_7_the_accused_is_named_on_the_portal(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let server = Server::start(&db);
    let (_, form) = page(agent().get(server.url("/public/submit")).call());
    assert!(form.contains("name=\"accused_unit\""), "the form offers the units: {form}");
    let key = input_value(&form, "submission_key");
    let mut fields = petition("XS");
    fields.retain(|(k, _)| *k != "accused_name" && *k != "purpose");
    fields.extend([
        ("accused_name", "某干部".to_owned()),
        ("accused_unit", "DZ".to_owned()),
        ("purpose", "accusation".to_owned()),
    ]);
    let review = receipt_question(&server, &fields, &key);
    assert!(review.contains("某干部(东镇)"), "the check page names the unit: {review}");
    let (status, receipt) = send(&server, &review, &[], &[]);
    assert_eq!(status, 200, "{receipt}");
    let (_, listed) = get_status(&server, &wang, "/api/v1/cases?channel=online");
    assert_eq!(listed["total"], 1, "{listed}");
    let (_, case) = get_status(&server, &wang, &format!("/api/v1/cases/{}", listed["items"][0]["id"]));
    assert_eq!(case["accused"]["unit"], "DZ", "{case}");
    assert_eq!(get_status(&server, &dong, "/api/v1/cases").1["total"], 0, "the accused town sees nothing");
}
both_backends!(gen_7_the_accused_is_named_on_the_portal);

/// Issue 15: behind a trusted HTTPS proxy (`X-Forwarded-Proto: https`) every cookie is `Secure`; a
/// client that writes the header itself, not being the proxy, is not believed.
fn cookies_are_secure_behind_a_trusted_https_proxy(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let trusted = Server::start_with_env(&db, &[("HUIYIN_TRUSTED_PROXIES", "127.0.0.1")]);
    let direct = Server::start(&db);
    let cookie = |server: &Server, proto: &str| -> String {
        let resp = agent().get(server.url("/login")).header("X-Forwarded-Proto", proto).call().unwrap();
        resp.headers()["set-cookie"].to_str().unwrap().to_owned()
    };
    assert!(cookie(&trusted, "https").contains("; Secure"), "behind the HTTPS proxy");
    assert!(!cookie(&trusted, "http").contains("Secure"), "behind a plain proxy");
    assert!(!cookie(&direct, "https").contains("Secure"), "a client's own header is not believed");
}
both_backends!(cookies_are_secure_behind_a_trusted_https_proxy);

/// GEN-1: a petitioner who types the server's address lands on the public portal, not on the staff
/// sign-in; the portal links to the sign-in for staff.
fn gen_1_the_address_alone_opens_the_portal(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let server = Server::start(&db);
    let no_redirects: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let resp = no_redirects.get(server.url("/")).call().unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers().get("location").unwrap(), "/public");
    let (status, html) = page(agent().get(server.url("/public")).call());
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/login\""), "{html}");
}
both_backends!(gen_1_the_address_alone_opens_the_portal);

/// GEN-1: the class picker of a petition for a unit offers that unit's usual classes first, under
/// its name (a federation's are the disabled persons' matters); without a unit, the classes in
/// their order alone.
fn gen_1_the_class_picker_offers_the_units_own_classes_first(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let server = Server::start(&db);
    let (status, form) = page(agent().get(server.url("/public/submit?unit=XS-CL")).call());
    assert_eq!(status, 200);
    let usual =
        form.find(r#"<optgroup label="西山社区残联常见问题" data-for-unit="XS-CL">"#).expect("the unit's own group");
    let welfare = form.find("民政与应急 › 社会事务 › 残疾人福利").expect("the disabled persons' welfare");
    let first_other = form.find(r#"<optgroup label="农村农业">"#).expect("the other classes follow");
    assert!(usual < welfare && welfare < first_other, "the unit's own classes come first");
    let training = form.find("劳动和社会保障 › 就业培训").expect("employment training");
    assert!(welfare < training, "the most usual of them first");
    assert!(form.contains("本单位常见的问题列在最前"), "the hint says so");
    let (_, county) = page(agent().get(server.url("/public/submit?unit=QX")).call());
    assert!(!county.contains("常见问题"), "a county hears of everything alike");
    let (_, plain) = page(agent().get(server.url("/public/submit")).call());
    assert!(!plain.contains("常见问题") && plain.contains(r#"<optgroup label="农村农业">"#));
}
both_backends!(gen_1_the_class_picker_offers_the_units_own_classes_first);

/// TWN-2 (属地管理): units keep their territories (administrators, refused on the field when bad);
/// a petition on the portal that names no unit goes to the smallest unit whose territory holds the
/// place written — the check page says so — and reaches that unit's staff; a place nobody holds
/// asks for the unit; a transfer proposes the territorial unit first (FED-17).
fn twn_2_a_petition_naming_a_place_goes_to_the_unit_of_that_place(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let admin = db.account("admin", "QX", huiyin_core::user::Role::Admin, None);
    let server = Server::start(&db);
    let put = |token: &str, code: &str, body: Value| {
        common::put(&server, token, &format!("/api/v1/units/{code}/territory"), &body)
    };
    assert_eq!(put(&chen, "XZ", json!({"places": ["西镇"]})).0, 403, "administrators only");
    let (status, refused) = put(&admin, "XS", json!({"places": ["村"], "polygon": [[43.0, 125.0]]}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("places[0]")), "{refused}");
    for (code, places) in [("XZ", json!(["西镇"])), ("XS", json!(["西山社区", "西山路"])), ("DZ", json!(["东镇"]))]
    {
        let (status, set) = put(&admin, code, json!({"places": places, "address_prefixes": []}));
        assert_eq!(status, 200, "{set}");
    }
    let (_, xs) = get_status(&server, &wang, "/api/v1/units/XS/territory");
    assert_eq!(xs["territory"]["places"], json!(["西山社区", "西山路"]), "{xs}");

    // The portal: no unit chosen, a place in 西镇's 西山社区.
    let (_, form) = page(agent().get(server.url("/public/submit")).call());
    assert!(form.contains("不清楚:按问题发生地点确定"), "the unit may be left to the place");
    let key = input_value(&form, "submission_key");
    let mut unrouted = petition("");
    unrouted.retain(|(k, _)| *k != "place");
    unrouted.push(("place", "西镇西山路 12 号工地".into()));
    let (status, review) = check(&server, &unrouted, &key);
    assert_eq!(status, 200, "{review}");
    assert!(review.contains("<dd>西山社区<br><small>您未选择单位,已按问题发生地点确定由该单位办理"), "{review}");
    let (status, receipt) = send(&server, &review, &[], &[]);
    assert_eq!(status, 200, "{receipt}");
    let (_, listed) = get_status(&server, &wang, "/api/v1/cases?channel=online");
    assert_eq!(
        (listed["total"].as_i64(), listed["items"][0]["unit"]["code"].as_str()),
        (Some(1), Some("XS")),
        "{listed}"
    );
    let (_, none) = get_status(&server, &dong, "/api/v1/cases");
    assert_eq!(none["total"], 0, "东镇 has nothing of it");

    // GEN-7: a petition about the same place that accuses 西山社区 goes to the unit above it.
    let mut accusing = unrouted.clone();
    accusing.retain(|(k, _)| *k != "accused_unit");
    accusing.push(("accused_unit", "XS".into()));
    let (status, review) = check(&server, &accusing, &input_value(&form, "submission_key"));
    assert_eq!(status, 200, "{review}");
    assert!(review.contains("<dd>西镇<br><small>"), "the accused community never receives it: {review}");

    // A place nobody holds: the unit is asked for.
    let mut nowhere = petition("");
    nowhere.retain(|(k, _)| *k != "place");
    nowhere.push(("place", "北京市朝阳区".into()));
    let (status, again) = check(&server, &nowhere, &key);
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("未能按问题发生地点确定负责的单位"), "{again}");

    // FED-17: a case at 西镇 whose place is 东镇's: the transfer picker offers 东镇 first.
    let visit = json!({"channel": "visit", "unit": "XZ", "petitioner": {"name": "王五"}, "category": "拖欠农民工工资",
        "content": "东镇工地拖欠工资。", "place": "东镇新华路工地"});
    let (status, case) = post(&server, &chen, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    db.account("chen2", "XZ", huiyin_core::user::Role::Supervisor, Some("correct horse battery"));
    let browser = common::Browser::sign_in(&server, "chen2", "correct horse battery");
    let (status, html) = browser.page(&format!("/cases/{}", case["id"]));
    assert_eq!(status, 200);
    assert!(html.contains("东镇（DZ）（属地）"), "the territorial unit is marked first for a transfer");
}
both_backends!(twn_2_a_petition_naming_a_place_goes_to_the_unit_of_that_place);

/// GEN-1, issue 23: the public side's guards hold across the servers of an installation: a
/// question used on one server cannot be answered on the other, and an address's five petitions
/// an hour count on both.
#[test]
fn gen_1_the_public_guards_hold_across_two_servers() {
    let Some(db) = Db::new(Backend::Postgres) else { return };
    db.seed();
    let (a, b) = (Server::start(&db), Server::start(&db));
    let review = receipt_question(&a, &petition("XS"), &format!("{:032x}", 99));
    let (status, refused) = send(&a, &review, &[("consent", "")], &[]);
    assert_eq!(status, 422, "{refused}");
    let (status, replayed) = send(&b, &review, &[], &[]);
    assert_eq!(status, 422, "the question was used on the other server: {replayed}");
    for n in 1..=6 {
        let server = if n % 2 == 0 { &a } else { &b };
        let review = receipt_question(server, &petition("XS"), &format!("{n:032x}"));
        let (status, answer) = send(server, &review, &[], &[]);
        assert_eq!(status, if n <= 5 { 200 } else { 429 }, "petition {n}: {answer}");
    }
}
