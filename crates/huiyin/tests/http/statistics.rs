//! 统计报表 (issue 21; COM-2, TWN-14, GEN-9): a unit's statistics by every dimension, skip-level
//! visits by the level reached, the county roll-up whose units sum into it, each number's list of
//! cases, and the report read back from its XLSX and CSV.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post};

const PASSWORD: &str = "西镇2026年冬季统计报表";

/// A case received on `day` at `unit`, about a matter of its own.
fn case(unit: &str, channel: &str, day: &str, who: usize, extra: Value) -> Value {
    let (name, phone, matter) = crate::measures::FIVE_PEOPLE[who];
    let mut body = json!({
        "channel": channel, "unit": unit, "received_at": format!("{day}T09:30:00+08:00"),
        "petitioner": {"name": name, "phone": phone, "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": matter
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// The cases `/api/v1/cases` lists for a report's query string, by id.
fn listed(server: &Server, token: &str, query: &str) -> Vec<i64> {
    let (status, page) = get(server, token, &format!("/api/v1/cases?{query}&per_page=200"));
    assert_eq!(status, 200, "{query}: {page}");
    let mut ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

fn line<'a>(table: &'a Value, label: &str) -> &'a Value {
    table["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["label"] == label)
        .unwrap_or_else(|| panic!("{label}: {table}"))
}

fn table<'a>(stats: &'a Value, code: &str) -> &'a Value {
    stats["tables"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()
}

/// TWN-14, COM-2: in October 2026 西山社区 receives three cases — a visit that went on to the city
/// (越级到市) about a problem in its own place, a letter, and a collective visit of six — and in
/// November one more; 东镇 receives one in October. Worked by hand for 西镇 in October: 3 cases of 8
/// people, 3 first petitions, 1 collective of 6, 2 visits and 1 letter, one skip-level visit reached
/// the city and counts against 西山社区 with no leader named yet; in the fourth quarter, October 3
/// and November 1. Every number's list holds exactly its cases.
fn twn_14_com_2_statistics_by_every_dimension_with_skip_level_by_the_level_reached(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, chen, dong) = db.seed();
    let clerk = db.backdating_account("clerk", "XS", Role::Officer);
    let dclerk = db.backdating_account("dclerk", "DZ", Role::Officer);
    let server = Server::start(&db);
    let register = |token: &str, body: Value| -> i64 {
        let (status, case) = post(&server, token, "/api/v1/cases", &body);
        assert_eq!(status, 201, "{case}");
        case["id"].as_i64().unwrap()
    };
    let skipped =
        register(&clerk, case("XS", "visit", "2026-10-09", 0, json!({"place_unit": "XS", "flags": ["skip_city"]})));
    let letter = register(&clerk, case("XS", "letter", "2026-10-12", 1, json!({})));
    let collective = register(
        &clerk,
        case("XS", "visit", "2026-10-20", 2, json!({"headcount": 6, "representatives": ["赵桂兰", "钱进"]})),
    );
    let november = register(&clerk, case("XS", "phone", "2026-11-03", 3, json!({})));
    register(&dclerk, case("DZ", "visit", "2026-10-15", 4, json!({})));

    let (status, stats) = get(&server, &chen, "/api/v1/units/XZ/statistics?period=2026-10");
    assert_eq!(status, 200, "{stats}");
    assert_eq!((stats["all"]["cases"].as_u64(), stats["all"]["people"].as_u64()), (Some(3), Some(8)), "{stats}");
    assert_eq!((stats["first"]["cases"].as_u64(), stats["repeats"]["cases"].as_u64()), (Some(3), Some(0)));
    assert_eq!((stats["collective"]["cases"].as_u64(), stats["collective"]["people"].as_u64()), (Some(1), Some(6)));
    let channels = table(&stats, "channel");
    assert_eq!(
        (line(channels, "来访")["cases"].as_u64(), line(channels, "来信")["cases"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(table(&stats, "class3")["lines"][0]["label"], "拖欠农民工工资");
    assert_eq!(table(&stats, "class1")["lines"][0]["cases"], 3, "the classes fold to their first level");
    let places = table(&stats, "place");
    assert_eq!(line(places, "西山社区")["cases"], 1);
    assert_eq!(line(places, "未填写")["list"], Value::Null, "a place not recorded lists nothing");
    let skip = &stats["skip_level"][0];
    assert_eq!((skip["unit"].as_str(), skip["cases"].as_u64()), (Some("XS"), Some(1)), "{stats}");
    let reached = |level: &str| skip["reached"].as_array().unwrap().iter().find(|r| r["level"] == level).unwrap();
    assert_eq!((reached("city")["cases"].as_u64(), reached("county")["cases"].as_u64()), (Some(1), Some(0)));
    assert_eq!(skip["leaders"], json!([{"name": "未确定", "cases": 1}]));

    // Every number lists its cases.
    let list = |l: &Value| listed(&server, &chen, l["list"].as_str().unwrap());
    let mut october = vec![skipped, letter, collective];
    october.sort_unstable();
    assert_eq!(list(&stats["all"]), october);
    assert_eq!(list(&stats["collective"]), vec![collective]);
    assert_eq!(list(&stats["first"]), october, "the first petitions of the period");
    assert_eq!(list(line(channels, "来信")), vec![letter]);
    assert_eq!(list(line(places, "西山社区")), vec![skipped]);
    assert_eq!(list(reached("city")), vec![skipped]);
    assert_eq!(list(reached("county")), Vec::<i64>::new(), "a visit that went on to the city is not one to the county");
    assert_eq!(list(skip), vec![skipped]);
    assert_eq!(list(line(table(&stats, "holder"), "西山社区")), october);

    let (_, quarter) = get(&server, &chen, "/api/v1/units/XZ/statistics?period=2026-Q4");
    let months = table(&quarter, "month");
    assert_eq!(line(months, "2026年10月")["cases"], 3, "{quarter}");
    assert_eq!(list(line(months, "2026年11月")), vec![november]);
    assert_eq!(get(&server, &dong, "/api/v1/units/XZ/statistics?period=2026-10").0, 404, "out of scope");
    let (status, refused) = get(&server, &chen, "/api/v1/units/XZ/statistics?period=2026-13");
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("period")), "{refused}");
}
both_backends!(twn_14_com_2_statistics_by_every_dimension_with_skip_level_by_the_level_reached);

/// GEN-9: the county's roll-up lists its two towns, each counting its own subtree; the towns'
/// registrations sum into the county's, the order follows the column asked for, and a town drills
/// down to its community. The report page links each number to its cases and draws its charts,
/// and its XLSX (read back with calamine), CSV and printed PDF (read back with pdftotext) hold the
/// same figures.
fn gen_9_a_units_numbers_sum_into_its_parents_and_the_report_exports(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let clerk = db.backdating_account("clerk", "XS", Role::Officer);
    let dclerk = db.backdating_account("dclerk", "DZ", Role::Officer);
    let county = db.account("county", "QX", Role::Supervisor, Some(PASSWORD));
    let server = Server::start(&db);
    for (token, unit, day, who) in
        [(&clerk, "XS", "2026-10-09", 0), (&clerk, "XS", "2026-10-10", 1), (&dclerk, "DZ", "2026-10-15", 2)]
    {
        let (status, case) = post(&server, token, "/api/v1/cases", &case(unit, "visit", day, who, json!({})));
        assert_eq!(status, 201, "{case}");
    }
    let rollup = |query: &str| -> Value {
        let (status, r) = get(&server, &county, &format!("/api/v1/units/QX/rollup?{query}"));
        assert_eq!(status, 200, "{r}");
        r
    };
    let r = rollup("period=2026-10&sort=registered");
    let units: Vec<(&str, u64)> = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["unit"].as_str().unwrap(), u["registered"].as_u64().unwrap()))
        .collect();
    assert_eq!(units, [("XZ", 2), ("DZ", 1)], "{r}");
    assert_eq!(r["total"]["registered"], 3, "the towns sum into the county");
    assert_eq!((r["period"].as_str(), r["previous_period"].as_str()), (Some("2026年10月"), Some("2026年9月")));
    let reversed = rollup("period=2026-10&sort=-registered");
    let worst_first: Vec<&str> =
        reversed["units"].as_array().unwrap().iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(worst_first, ["DZ", "XZ"]);
    let by_code = |sort: &str| -> Vec<String> {
        let r = rollup(&format!("period=2026-10&sort={sort}"));
        r["units"].as_array().unwrap().iter().map(|u| u["unit"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        (by_code("code"), by_code("-code")),
        (vec!["DZ".to_owned(), "XZ".into()], vec!["XZ".to_owned(), "DZ".into()])
    );
    let xz = &r["units"][0];
    assert_eq!(xz["has_units"], true);
    let repeat = &xz["measures"][5];
    assert_eq!((repeat["code"].as_str(), repeat["denominator"].as_u64()), (Some("repeat_rate"), Some(2)));
    assert_eq!(listed(&server, &county, repeat["list_all"].as_str().unwrap()).len(), 2, "{repeat}");
    let (_, down) = get(&server, &county, "/api/v1/units/XZ/rollup?period=2026-10");
    assert_eq!((down["units"][0]["unit"].as_str(), down["units"][0]["registered"].as_u64()), (Some("XS"), Some(2)));

    // The page, as a county supervisor reads it.
    let browser = Browser::sign_in(&server, "county", PASSWORD);
    let (status, page) = browser.page("/reports?unit=QX&period=2026-10");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("统计报表") && page.contains("2026年10月"), "{page}");
    assert!(page.contains("class=\"chart\" role=\"img\""), "charts are drawn: {page}");
    assert!(page.contains("href=\"/cases?unit=QX&amp;from=2026-10-01&amp;to=2026-10-31\">3</a>"), "{page}");
    let drill = page.split("<tr id=\"rollup-XZ\">").nth(1).unwrap_or_default();
    assert!(drill.contains("href=\"/reports?unit=XZ&#38;period=2026-10\">西镇</a>"), "drills down: {page}");
    let (status, listed_page) = browser.page("/cases?unit=QX&measure=repeat_rate&part=all&period=2026-10");
    assert_eq!(status, 200);
    assert!(listed_page.contains("id=\"report-filter\"") && listed_page.contains("重复信访率"), "{listed_page}");

    let export = |format: &str| -> Vec<u8> {
        let mut answer = crate::common::plain()
            .get(server.url(&format!("/reports/export?unit=QX&period=2026-10&format={format}")))
            .header("Cookie", &browser.cookie)
            .call()
            .unwrap();
        assert_eq!(answer.status(), 200);
        answer.body_mut().read_to_vec().unwrap()
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(export("xlsx"))).unwrap();
    let totals = book.worksheet_range("总量").unwrap();
    assert_eq!(totals.get_value((1, 0)), Some(&Data::String("信访总量".into())));
    assert_eq!(totals.get_value((1, 1)), Some(&Data::Float(3.0)), "counts are numbers");
    let rollup_sheet = book.worksheet_range("下级单位汇总").unwrap();
    let rows: Vec<(String, f64)> = rollup_sheet
        .rows()
        .skip(1)
        .map(|row| (row[1].to_string(), if let Data::Float(n) = row[2] { n } else { -1.0 }))
        .collect();
    assert_eq!(rows, [("QX".into(), 3.0), ("DZ".into(), 1.0), ("XZ".into(), 2.0)], "the county, then its towns");
    assert!(book.sheet_names().iter().any(|s| s == "越级访"), "{:?}", book.sheet_names());
    // The printed report (书面存档): under the letterhead, the same figures, charts drawn.
    let pdf = export("pdf");
    assert_eq!(&pdf[..5], b"%PDF-");
    let text: String = huiyin_pdf::extract_text(&pdf).unwrap().split_whitespace().collect();
    for expected in ["清溪县信访工作统计报表", "2026年10月", "考核指标", "下级单位汇总", "信访总量33", "越级访"]
    {
        assert!(text.contains(expected), "{expected} in the printed report: {text}");
    }
    // The same printed report through the API.
    let mut answer = crate::common::plain()
        .get(server.url("/api/v1/units/QX/report.pdf?period=2026-10&sort=registered"))
        .header("Authorization", &format!("Bearer {county}"))
        .call()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let api_pdf = answer.body_mut().read_to_vec().unwrap();
    let api_text: String = huiyin_pdf::extract_text(&api_pdf).unwrap().split_whitespace().collect();
    assert!(api_text.contains("信访总量33") && api_text.contains("下级单位汇总"), "{api_text}");
    let csv = String::from_utf8(export("csv")).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("信访总量,3,3"), "{csv}");
    // A period out of range is refused on the page, and nothing is exported.
    assert_eq!(browser.page("/reports?unit=QX&period=1989").0, 422);
}
both_backends!(gen_9_a_units_numbers_sum_into_its_parents_and_the_report_exports);
