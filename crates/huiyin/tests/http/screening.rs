//! 每月排查 (issue 21; TWN-13): the screening of a month proposes a planted hotspot and a planted
//! frequent petitioner; staff choose the matters with the person responsible, the measures and a
//! deadline; a leader signs it off, it is reported to the town, kept as a PDF under the letterhead
//! and read back from its XLSX; a matter is resolved; a unit that has not screened by its day is
//! told once and listed on the 督办 page.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::TimeZone;
use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post, put};

const PASSWORD: &str = "西山社区2026年11月排查";

/// A visit received on `day` at 西山社区 from `name`, about `matter`.
fn visit(day: &str, name: &str, phone: &str, matter: &str) -> Value {
    json!({
        "channel": "visit", "unit": "XS", "received_at": format!("{day}T09:30:00+08:00"),
        "petitioner": {"name": name, "phone": phone, "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": matter
    })
}

/// The day a matter is due: a month from today.
fn in_a_month() -> String {
    (huiyin_core::limits::china_day(chrono::Utc::now()) + chrono::Duration::days(30)).to_string()
}

/// TWN-13: 西山社区's cases of 劳动和社会保障 were one a month from August to October 2026 and
/// five in November — a hotspot; 王秀英 came four times from October to November — a frequent
/// petitioner, proposed masked; 李建国 came twice — not one. Her fourth accuses 西镇: 西镇's
/// supervisor is proposed the same without it (GEN-7), and it may not go into the screening the
/// town reads. The officer drafts it with both matters (a matter without measures, a stranger as
/// responsible, a case the drafter cannot read, the accusation and a deadline beyond a year are
/// refused on their fields, and nothing is written); the community's leader signs it off (an
/// officer may not), the town's supervisor is told and sees it reported; the PDF and the XLSX hold
/// its matters; the responsible person records one resolved, once.
fn twn_13_the_screening_proposes_the_hotspot_and_the_frequent_petitioner_and_is_signed_and_reported(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, chen, dong) = db.seed();
    let clerk = db.backdating_account("clerk", "XS", Role::Officer);
    let dclerk = db.backdating_account("dclerk", "DZ", Role::Officer);
    let lead = db.account("xslead", "XS", Role::Leader, Some(PASSWORD));
    let server = Server::start(&db);
    let register = |token: &str, body: Value| -> String {
        let (status, case) = post(&server, token, "/api/v1/cases", &body);
        assert_eq!(status, 201, "{case}");
        case["case_number"].as_str().unwrap().to_owned()
    };
    for (day, matter) in [("2026-08-12", "八月工地欠薪。"), ("2026-09-14", "九月欠薪。"), ("2026-10-13", "十月欠薪。")]
    {
        register(&clerk, visit(day, "孙立新", "13812345674", matter));
    }
    let mut wang = Vec::new();
    for (day, matter) in [
        ("2026-10-20", "工地拖欠工资三个月。"),
        ("2026-11-05", "欠薪仍未解决,老板失联。"),
        ("2026-11-19", "再次反映欠薪,要求劳动监察介入。"),
    ] {
        wang.push(register(&clerk, visit(day, "王秀英", "13812345671", matter)));
    }
    for (day, matter) in [("2026-11-10", "装修公司拖欠工钱。"), ("2026-11-24", "装修工钱仍未结清。")]
    {
        register(&clerk, visit(day, "李建国", "13812345672", matter));
    }
    // Her fourth, in November, accuses 西镇 (GEN-7: for 西镇's staff it does not exist).
    let mut accusing = visit("2026-11-26", "王秀英", "13812345671", "镇里有人包庇欠薪老板。");
    accusing["accused"] = json!({"unit": "XZ"});
    let accusation = register(&clerk, accusing);
    let elsewhere = register(
        &dclerk,
        json!({
            "channel": "visit", "unit": "DZ", "received_at": "2026-11-03T09:30:00+08:00",
            "petitioner": {"name": "周玉兰", "phone": "13812345675"}, "category": "拖欠农民工工资", "content": "东镇的事。"
        }),
    );

    // What huiyin proposes for November.
    let (status, proposals) = get(&server, &clerk, "/api/v1/units/XS/screenings/2026-11/proposals");
    assert_eq!(status, 200, "{proposals}");
    let found = |subject: &str| proposals.as_array().unwrap().iter().find(|p| p["subject"] == subject).cloned();
    let hotspot = found("劳动和社会保障类信访上升").unwrap_or_else(|| panic!("the hotspot: {proposals}"));
    assert_eq!(hotspot["kind"], "hotspot");
    assert_eq!(hotspot["detail"], "本月 5 件,前三个月平均 1.3 件", "{hotspot}");
    let frequent = found("王**多次信访").unwrap_or_else(|| panic!("the frequent petitioner, masked: {proposals}"));
    let numbers = |p: &Value| -> Vec<String> {
        let mut n: Vec<String> =
            p["cases"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    let mut all_four = wang.clone();
    all_four.push(accusation.clone());
    all_four.sort();
    assert_eq!(numbers(&frequent), all_four, "{frequent}");
    assert!(found("李**多次信访").is_none(), "two cases are not frequent: {proposals}");
    assert!(!proposals.to_string().contains("王秀英"), "no name in full: {proposals}");
    // GEN-7: 西镇's supervisor is proposed the same without the accusation, not even as a number.
    let (_, seen_by_town) = get(&server, &chen, "/api/v1/units/XS/screenings/2026-11/proposals");
    let town = |subject: &str| seen_by_town.as_array().unwrap().iter().find(|p| p["subject"] == subject).cloned();
    assert_eq!(town("劳动和社会保障类信访上升").unwrap()["detail"], "本月 4 件,前三个月平均 1.3 件");
    assert_eq!(numbers(&town("王**多次信访").unwrap()), wang, "{seen_by_town}");
    assert!(!seen_by_town.to_string().contains(&accusation), "{seen_by_town}");
    let (status, screening) = get(&server, &clerk, "/api/v1/units/XS/screenings/2026-11");
    assert_eq!((status, screening["status"].as_str()), (200, Some("none")), "{screening}");
    let (status, refused) = get(&server, &clerk, "/api/v1/units/XS/screenings/2099-01");
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("month")), "a month not ended: {refused}");

    // Drafted by the officer: every mistake on its row, nothing written.
    let due = in_a_month();
    let matter = |subject: &str, kind: &str, cases: &[String], responsible: &str, measures: Option<&str>| {
        json!({"kind": kind, "subject": subject, "cases": cases, "responsible": responsible,
               "measures": measures, "due": due})
    };
    for (bad, field) in [
        (matter("王秀英多次信访", "frequent", &wang, "xslead", None), "matters[0].measures"),
        (
            matter("劳动和社会保障类信访上升", "hotspot", &[], "nobody", Some("联合劳动监察排查辖区工地")),
            "matters[0].responsible",
        ),
        (matter("东镇的事", "other", std::slice::from_ref(&elsewhere), "xslead", Some("转东镇")), "matters[0].cases"),
        // The screening is read by 西镇 above: a case accusing it may not be put there.
        (
            matter("王秀英反映镇里", "frequent", std::slice::from_ref(&accusation), "xslead", Some("核查")),
            "matters[0].cases",
        ),
        (
            matter("欠薪", "other", &[], "xslead", Some("核查"))
                .as_object()
                .map(|m| {
                    let mut m = m.clone();
                    m.insert("due".into(), json!("2099-01-01"));
                    Value::Object(m)
                })
                .unwrap(),
            "matters[0].due",
        ),
    ] {
        let (status, refused) = put(&server, &clerk, "/api/v1/units/XS/screenings/2026-11", &json!({"matters": [bad]}));
        assert_eq!((status, refused["error"]["field"].as_str()), (422, Some(field)), "{refused}");
    }
    assert_eq!(get(&server, &clerk, "/api/v1/units/XS/screenings/2026-11").1["status"], "none");
    let good = json!({"summary": "本月排查信访件 6 件。", "matters": [
        matter("王秀英多次信访", "frequent", &wang, "xslead", Some("包案领导约谈,协调劳动监察追讨欠薪")),
        matter("劳动和社会保障类信访上升", "hotspot", &[], "clerk", Some("联合劳动监察排查辖区工地")),
    ]});
    let (status, drafted) = put(&server, &clerk, "/api/v1/units/XS/screenings/2026-11", &good);
    assert_eq!((status, drafted["status"].as_str()), (200, Some("draft")), "{drafted}");
    let version = drafted["version"].as_i64().unwrap();
    assert_eq!(put(&server, &clerk, "/api/v1/units/XS/screenings/2026-11", &good).0, 409, "names no version read");

    // Signed by the community's leader, not the officer; reported to the town.
    let sign = json!({"version": version});
    assert_eq!(post(&server, &clerk, "/api/v1/units/XS/screenings/2026-11/sign", &sign).0, 403);
    let (status, signed) = post(&server, &lead, "/api/v1/units/XS/screenings/2026-11/sign", &sign);
    assert_eq!((status, signed["status"].as_str()), (200, Some("signed")), "{signed}");
    assert_eq!(put(&server, &clerk, "/api/v1/units/XS/screenings/2026-11", &good).0, 422, "signed is fixed");
    let (_, told) = get(&server, &chen, "/api/v1/notifications");
    assert!(
        told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "screening_reported"
            && n["message"].as_str().unwrap().contains("西山社区已上报2026年11月信访隐患排查")),
        "{told}"
    );
    let (status, standings) = get(&server, &chen, "/api/v1/units/XZ/screenings?month=2026-11");
    assert_eq!(status, 200, "{standings}");
    let xs = standings.as_array().unwrap().iter().find(|s| s["unit"] == "XS").unwrap();
    assert_eq!((xs["status"].as_str(), xs["matters"].as_u64()), (Some("signed"), Some(2)), "{standings}");
    assert_eq!(get(&server, &dong, "/api/v1/units/XS/screenings/2026-11").0, 404, "another town's");

    // Kept in writing: the PDF under the letterhead, and the XLSX.
    let mut answer = crate::common::plain()
        .get(server.url("/api/v1/units/XS/screenings/2026-11/screening.pdf"))
        .header("Authorization", &format!("Bearer {chen}"))
        .call()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let pdf = answer.body_mut().read_to_vec().unwrap();
    let text: String = huiyin_pdf::extract_text(&pdf).unwrap().split_whitespace().collect();
    for expected in ["2026年11月信访隐患排查化解台账", "王秀英多次信访", "包案领导约谈", due.as_str(), "签发"]
    {
        assert!(text.contains(expected), "{expected} in the PDF: {text}");
    }
    let browser = Browser::sign_in(&server, "xslead", PASSWORD);
    let mut answer = crate::common::plain()
        .get(server.url("/screening/XS/2026-11/export?format=xlsx"))
        .header("Cookie", &browser.cookie)
        .call()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(answer.body_mut().read_to_vec().unwrap())).unwrap();
    let sheet = book.worksheet_range("2026年11月排查").unwrap();
    assert_eq!(sheet.get_value((1, 2)), Some(&Data::String("王秀英多次信访".into())));
    assert_eq!(sheet.get_value((2, 0)), Some(&Data::Float(2.0)), "numbered");
    let (status, page) = browser.page("/screening?unit=XS&month=2026-11");
    assert_eq!(status, 200);
    assert!(page.contains("已签发上报") && page.contains("联合劳动监察排查辖区工地"), "{page}");

    // Resolved by the person responsible.
    let body = json!({"resolution": "欠薪已足额追回,信访人表示满意。"});
    assert_eq!(post(&server, &dong, "/api/v1/units/XS/screenings/2026-11/matters/1/resolve", &body).0, 404);
    let (status, resolved) = post(&server, &lead, "/api/v1/units/XS/screenings/2026-11/matters/1/resolve", &body);
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["matters"][0]["resolution"], "欠薪已足额追回,信访人表示满意。");
    assert!(resolved["matters"][1]["resolved_on"].is_null());
    let (status, again) = post(&server, &lead, "/api/v1/units/XS/screenings/2026-11/matters/1/resolve", &body);
    assert_eq!((status, again["error"]["field"].as_str()), (422, Some("resolution")), "once: {again}");
}
both_backends!(twn_13_the_screening_proposes_the_hotspot_and_the_frequent_petitioner_and_is_signed_and_reported);

/// TWN-13: in March 2030 no unit has screened February. On the fifth working day nobody is told;
/// the day after, each unit with staff is told once — 西镇's supervisor of 西镇, and of 西山社区,
/// which has no supervisor or leader of its own — and the 督办 API lists them to 西镇 and not to
/// 东镇.
fn twn_13_an_unscreened_month_opens_one_supervision_item(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, chen, dong) = db.seed();
    db.account("xzsup", "XZ", Role::Supervisor, Some(PASSWORD));
    let server = Server::start(&db);
    let calendar = huiyin_core::calendar::Calendar::new();
    let run = |at: chrono::DateTime<chrono::Utc>| {
        db.with_store(async |store| huiyin_app::screenings::tell_unscreened(store, &calendar, at).await.unwrap())
    };
    // March 2030: the 1st is a Friday; the fifth working day is Thursday the 7th.
    assert_eq!(run(chrono::Utc.with_ymd_and_hms(2030, 3, 7, 8, 0, 0).unwrap()), 0, "the day itself");
    let late = chrono::Utc.with_ymd_and_hms(2030, 3, 8, 1, 0, 0).unwrap();
    assert_eq!(
        run(late),
        2,
        "西山社区 (through 西镇, having no supervisor of its own) and 西镇; 东镇 has nobody to tell"
    );
    assert_eq!(run(late), 0, "once");
    let (_, mine) = get(&server, &chen, "/api/v1/notifications");
    let about: Vec<&Value> =
        mine["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "screening_missed").collect();
    let mut messages: Vec<&str> = about.iter().map(|n| n["message"].as_str().unwrap()).collect();
    messages.sort_unstable();
    assert_eq!(messages.len(), 2, "one each: {mine}");
    assert!(messages[0].contains("督办:西山社区2030年2月的信访隐患排查"), "{mine}");
    assert!(messages[1].contains("督办:西镇2030年2月的信访隐患排查"), "{mine}");
    let (status, listed) = get(&server, &chen, "/api/v1/supervision/screenings");
    assert_eq!(status, 200, "{listed}");
    let units: Vec<&str> = listed["missed"].as_array().unwrap().iter().map(|m| m["unit"].as_str().unwrap()).collect();
    assert!(units.contains(&"XZ") && units.contains(&"XS") && !units.contains(&"DZ"), "in 西镇's scope only: {listed}");
    let xz = listed["missed"].as_array().unwrap().iter().find(|m| m["unit"] == "XZ").unwrap();
    assert_eq!((xz["month"].as_str(), xz["signed_since"].as_bool()), (Some("2030-02"), Some(false)));
    let (status, page) = Browser::sign_in(&server, "xzsup", PASSWORD).page("/dashboard");
    assert_eq!(status, 200);
    let listed = page.split("id=\"screenings-missed\"").nth(1).unwrap_or_else(|| panic!("{page}"));
    assert!(listed.contains("西山社区") && listed.contains("2030年2月") && listed.contains("尚未签发"), "{page}");
    let (_, theirs) = get(&server, &dong, "/api/v1/supervision/screenings");
    assert!(!theirs["missed"].as_array().unwrap().iter().any(|m| m["unit"] == "XZ"), "{theirs}");
}
both_backends!(twn_13_an_unscreened_month_opens_one_supervision_item);
