//! 考核指标 (issue 21, GEN-9, COM-3): the six measures of a unit over a period, on a small world
//! whose every case was built to land on one side of a definition (docs/MEASURES.md), against the
//! numbers worked by hand.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Db, Server, agent, get, json as json_of, post, put};

/// Five different people, each with a matter of their own (none a repeat of another's).
pub(crate) const FIVE_PEOPLE: [(&str, &str, &str); 5] = [
    ("王秀英", "13812345671", "工地拖欠工资三个月。"),
    ("李建国", "13812345672", "小区路灯损坏半年无人维修。"),
    ("赵桂兰", "13812345673", "低保申请三个月没有答复。"),
    ("孙立新", "13812345674", "楼上住户长期深夜噪音扰民。"),
    ("周玉兰", "13812345675", "老旧小区加装电梯费用分摊有争议。"),
];

/// A visit by one of five different people about a different matter each (so that none is taken for
/// a repeat of another), the repeat flagged by hand.
fn visit(who: usize, received: &str, flags: &[&str]) -> Value {
    let (name, phone, matter) = FIVE_PEOPLE[who];
    json!({
        "channel": "visit", "unit": "XS", "received_at": format!("{received}T09:30:00+08:00"),
        "petitioner": {"name": name, "phone": phone, "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": matter, "flags": flags
    })
}

fn opinion(at: &str) -> Value {
    json!({"outcome": "support", "facts": "经调查,拖欠属实。", "basis": "《保障农民工工资支付条例》第三条",
        "text": "责成施工单位十日内支付。", "at": at})
}

/// GEN-9, COM-3: in September 2026 five cases are registered at 西山社区, one of them a repeat.
/// A is accepted on its notice's due day (on time), B the day after (late), C and D the day after
/// registration, and E never (its notice came due untold). C is replied on 9-15 and never rated: its
/// thirty-day window closes on 10-15, which counts against October's 参评率. D is replied on 9-20 and
/// rated on 9-25, the petition office 满意 and the handling unit 不满意. Worked by hand for
/// September: 及时受理率 3/5, 按期办结率 2/2, 参评率 1/1, 满意率 office 1/1 and unit 0/1, 重复信访率 1/5;
/// October: 参评率 0/1. The town above counts the same; another town counts only its own case.
fn gen_9_the_six_measures_on_a_world_built_to_each_side_of_a_definition(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (_, chen, dong) = db.seed();
    let clerk = db.backdating_account("clerk", "XS", Role::Officer);
    let lead = db.backdating_account("lead", "XS", Role::Leader);
    let admin = db.account("boss", "QX", Role::Admin, None);
    let server = Server::start(&db);
    // One leader's approval is enough here (TWN-11 has two by default).
    let (_, limits) = get(&server, &admin, "/api/v1/units/XS/limits");
    let mut rules = limits["rules"].clone();
    rules["approvals_required"] = json!(1);
    assert_eq!(put(&server, &admin, "/api/v1/units/XS/limits", &json!({ "rules": rules })).0, 200);
    let register = |who: usize, received: &str, flags: &[&str]| -> (i64, String) {
        let (status, case) = post(&server, &clerk, "/api/v1/cases", &visit(who, received, flags));
        assert_eq!(status, 201, "{case}");
        let due = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "notice").unwrap()["due"]
            .as_str()
            .unwrap()
            .to_owned();
        (case["id"].as_i64().unwrap(), due)
    };
    let act = |who: &str, id: i64, action: &str, body: Value| {
        let (status, done) = post(&server, who, &format!("/api/v1/cases/{id}/{action}"), &body);
        assert_eq!(status, 200, "{action}: {done}");
    };
    let next_day = |day: &str| (day.parse::<chrono::NaiveDate>().unwrap() + chrono::Duration::days(1)).to_string();
    let (a, a_due) = register(0, "2026-09-01", &[]);
    act(&clerk, a, "accept", json!({"at": a_due}));
    let (b, b_due) = register(1, "2026-09-01", &[]);
    act(&clerk, b, "accept", json!({"at": next_day(&b_due)}));
    let (c, _) = register(2, "2026-09-01", &[]);
    act(&clerk, c, "accept", json!({"at": "2026-09-02"}));
    act(&clerk, c, "opinion", opinion("2026-09-10"));
    act(&lead, c, "approve", json!({"at": "2026-09-10"}));
    act(&clerk, c, "reply", json!({"at": "2026-09-15"}));
    let (d, _) = register(3, "2026-09-01", &[]);
    act(&clerk, d, "accept", json!({"at": "2026-09-02"}));
    act(&clerk, d, "opinion", opinion("2026-09-18"));
    act(&lead, d, "approve", json!({"at": "2026-09-18"}));
    act(&clerk, d, "reply", json!({"at": "2026-09-20"}));
    act(
        &clerk,
        d,
        "rate",
        json!({"office": "satisfied", "unit": "dissatisfied", "reason": "拖欠款尚未到账", "at": "2026-09-25"}),
    );
    register(4, "2026-09-03", &["repeat"]);
    // Another town's case, the same month.
    let mut elsewhere = visit(0, "2026-09-05", &[]);
    elsewhere["unit"] = json!("DZ");
    assert_eq!(post(&server, &dong, "/api/v1/cases", &elsewhere).0, 201);

    let measures = |token: &str, unit: &str, query: &str| -> Value {
        let (status, got) = get(&server, token, &format!("/api/v1/units/{unit}/measures?{query}"));
        assert_eq!(status, 200, "{got}");
        got
    };
    let counted = |report: &Value| -> Vec<(String, u64, u64)> {
        report["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["code"].as_str().unwrap().to_owned(),
                    m["numerator"].as_u64().unwrap(),
                    m["denominator"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let by_hand = |rows: &[(&str, u64, u64)]| -> Vec<(String, u64, u64)> {
        rows.iter().map(|(c, n, d)| ((*c).to_owned(), *n, *d)).collect()
    };
    let september = measures(&clerk, "XS", "period=2026-09");
    assert_eq!(september["period"], "2026年9月");
    assert_eq!(
        counted(&september),
        by_hand(&[
            ("timely_acceptance", 3, 5),
            ("on_time_closure", 2, 2),
            ("participation", 1, 1),
            ("satisfaction_office", 1, 1),
            ("satisfaction", 0, 1),
            ("repeat_rate", 1, 5),
        ]),
        "{september}"
    );
    assert_eq!(september["measures"][0]["shown"], "60.0%");
    let october = measures(&clerk, "XS", "from=2026-10-01&to=2026-10-31");
    let participation = &october["measures"][2];
    assert_eq!(
        (participation["numerator"].as_u64(), participation["denominator"].as_u64()),
        (Some(0), Some(1)),
        "{october}"
    );
    assert_eq!(october["previous"][2]["numerator"], 1, "the period before is September: {october}");
    // The town above counts its community's cases; another town counts nothing of them.
    assert_eq!(counted(&measures(&chen, "XZ", "period=2026-09")), counted(&september), "a unit sums into its parent");
    let quarter = measures(&chen, "XZ", "period=2026-Q3");
    assert_eq!(counted(&quarter)[5], ("repeat_rate".to_owned(), 1, 5));
    assert_eq!(get(&server, &dong, "/api/v1/units/XZ/measures?period=2026-09").0, 404, "out of scope");
    let (_, own) = get(&server, &dong, "/api/v1/units/DZ/measures?period=2026-09");
    assert_eq!(counted(&own)[5], ("repeat_rate".to_owned(), 0, 1), "its own case only: {own}");
    for (query, field) in
        [("period=2026-13", "period"), ("from=2026-10-01", "to"), ("period=2026&from=2026-01-01", "period")]
    {
        let (status, refused) = get(&server, &clerk, &format!("/api/v1/units/XS/measures?{query}"));
        assert_eq!((status, refused["error"]["field"].as_str()), (422, Some(field)), "{query}: {refused}");
    }
    // The public page shows the six for its twelve months.
    let (_, public) = json_of(agent().get(server.url("/api/v1/public/units/XS")).call());
    assert_eq!(public["measures"].as_array().map(Vec::len), Some(6), "{public}");
}
both_backends!(gen_9_the_six_measures_on_a_world_built_to_each_side_of_a_definition);
