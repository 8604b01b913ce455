//! 第四篇《xxx镇信访接待管理制度》, walked from the town's preset section by section through the
//! command line and the HTTP API (issue 22, part 7): each step is a sentence that asks something of
//! software, named by its rule ID, with what the software does asserted.
//!
//! Sentences with no software part of their own, and why:
//! - 一、指导思想 and 二、工作目标: aims and principles; what they ask is done by the sections after.
//! - 四、工作要求(二) “主要领导自费先带回上访人员,再追究相关责任”: conduct and discipline; the
//!   software's part is the skip-level visit recorded against the unit (TWN-14, below).
//! - 三、四 “包稳定、包劝返”: the owning leader's conduct; the software names the owning leader
//!   accountable for all six (TWN-5, below).

use chrono::Datelike;
use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{
    Backend, Db, Server, act_ok as act, agent, get, json as json_of, post, put, register_case as register,
};

fn seed_town_walks_the_towns_reception_system(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.cli(&["unit", "add", "QX", "--name", "西山县", "--kind", "county"]);
    let out = db.cli(&[
        "init",
        "--preset",
        "town",
        "--code",
        "XZ",
        "--name",
        "西山镇人民政府",
        "--hotline",
        "0432-6276003",
        "--merge",
        "--parent",
        "QX",
    ]);
    assert!(out.contains("✓ 已添加单位"), "{out}");
    db.cli(&["unit", "add", "XZ-DC", "--name", "东村", "--kind", "village", "--parent", "XZ"]);
    let xf = db.account("xf", "XZ-XFB", Role::Officer, None);
    let clerk = db.account("clerk", "XZ", Role::Officer, None);
    let li = db.account("li", "XZ", Role::Leader, None);
    db.cli(&["user", "card", "li", "--name", "李振", "--title", "副镇长", "--rank", "副科级"]);
    let zhang = db.account("zhang", "XZ", Role::Leader, None);
    db.cli(&["user", "card", "zhang", "--name", "张明", "--title", "镇长", "--rank", "正科级"]);
    db.account("ke", "XZ", Role::Leader, None);
    db.cli(&["user", "card", "ke", "--name", "柯远", "--title", "党政办干事", "--rank", "科员"]);
    let sup = db.account("sup", "XZ", Role::Supervisor, None);
    let admin = db.account("admin", "XZ", Role::Admin, None);
    let sw = db.account("sw", "XZ-SWB", Role::Officer, None);
    let dc = db.account("dc", "XZ-DC", Role::Officer, None);
    let county = db.account("county", "QX", Role::Officer, None);
    let server = Server::start(&db);
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let visit = |unit: &str, content: &str| {
        json!({"channel": "visit", "unit": unit, "category": "拖欠农民工工资", "content": content,
               "petitioner": {"name": "王五", "phone": "13812345678", "address": "西山镇东村三组"}})
    };

    // 三、一 属地管理,分级负责 (TWN-1): the town with its offices, the village below it.
    let (_, units) = get(&server, &admin, "/api/v1/units");
    let tree = units.to_string();
    for code in ["XZ-XFB", "XZ-DZB", "XZ-SWB", "XZ-ZZB", "XZ-DC"] {
        assert!(tree.contains(code), "TWN-1: {code} in {tree}");
    }
    // (TWN-2): a petition naming the village's place but no unit goes to the village.
    let territory = json!({"places": ["东村"], "address_prefixes": ["西山镇东村"]});
    assert_eq!(put(&server, &admin, "/api/v1/units/XZ-DC/territory", &territory).0, 200);
    let (_, services) = json_of(agent().get(server.url("/open311/v2/services.json")).call());
    let code =
        services.as_array().unwrap().iter().find(|s| s["service_name"] == "拖欠农民工工资").unwrap()["service_code"]
            .as_str()
            .unwrap()
            .to_owned();
    let form = [
        ("api_key", admin.as_str()),
        ("service_code", code.as_str()),
        ("address_string", "西山镇东村三组"),
        ("last_name", "王"),
        ("first_name", "五"),
        ("phone", "13812345678"),
        ("description", "东村工地拖欠工资。"),
    ];
    let mut answer = agent().post(server.url("/open311/v2/requests.json")).send_form(form).unwrap();
    assert_eq!(answer.status().as_u16(), 200, "TWN-2: {}", answer.body_mut().read_to_string().unwrap_or_default());
    let (_, online) = get(&server, &dc, "/api/v1/cases?channel=online");
    assert_eq!(online["items"][0]["unit"]["code"], "XZ-DC", "TWN-2: routed to the village: {online}");

    // 三、二 能够当场解决的力求当场解决……应当通过法律途径解决的要明确告之当事人 (TWN-3).
    let solved = register(&server, &xf, &visit("XZ-XFB", "询问工资拖欠投诉渠道。"));
    assert_eq!(
        act(&server, &xf, &solved, "answer", json!({"answer": "已告知向劳动保障监察大队投诉。"}))["status"],
        "closed"
    );
    let legal = register(&server, &xf, &visit("XZ-XFB", "要求撤销已生效的民事判决。"));
    let told = json!({"reason": "属于诉讼程序处理的事项", "channel": "依法向人民法院申请再审"});
    assert_eq!(act(&server, &xf, &legal, "reject", told)["status"], "not_accepted", "TWN-3: told in writing");

    // 三、三 镇级领导接待日……主要解决各村……没有解决或难予解决好的信访事项以及跨村……解决不了的问题
    // (TWN-4): the village sends up, as a recorded step, what it cannot solve (before accepting it).
    let village = register(&server, &dc, &visit("XZ-DC", "跨村灌溉水渠纠纷,村里无法调解。"));
    let up = act(&server, &dc, &village, "escalate", json!({"reason": "跨村纠纷,村里无法解决"}));
    assert_eq!(up["holding_unit"], "XZ", "TWN-4: {up}");

    // 三、四 接访领导……切实做到“六包” (TWN-5): the owning leader is named, accountable to the end.
    let led = act(&server, &sup, &village, "assign-leader", json!({"leader": "li"}));
    assert_eq!(led["owner_leader"], "li", "TWN-5");

    // 三、五 谁值班、谁接待,谁接待、谁负责 (TWN-6): the visit is received by whoever is on duty.
    let on_duty = json!({"person": "xf", "reason": "信访办日常值班"});
    assert_eq!(put(&server, &admin, &format!("/api/v1/units/XZ-XFB/duty/days/{today}"), &on_duty).0, 204);
    let received = register(&server, &xf, &visit("XZ-XFB", "反映路灯损坏。"));
    assert_eq!((received["on_duty"].as_str(), received["first_receiver"].as_str()), (Some("xf"), Some("xf")), "TWN-6");

    // 四、(二)1 每星期安排一个工作日,明确一名实岗副科级以上领导干部负责接待 (TWN-7), (三) 接访地点
    // (TWN-8), (四)1 在月初书面公示 (TWN-9): a 科员 is refused; the month is published with its place.
    let month = today.format("%Y-%m").to_string();
    let path = format!("/api/v1/units/XZ/reception-months/{month}");
    let days = |leader: &str| json!({"days": [{"day": today.to_string(), "leaders": [leader], "place": "党委、政府信访接待室"}]});
    let (status, refused) = put(&server, &admin, &format!("{path}/draft"), &days("ke"));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("rank_below")), "TWN-7: {refused}");
    assert_eq!(put(&server, &admin, &format!("{path}/draft"), &days("li")).0, 200);
    let (status, published) = post(&server, &admin, &format!("{path}/publish"), &json!({}));
    assert_eq!(status, 200, "TWN-9: {published}");
    let (_, public) = json_of(agent().get(server.url("/api/v1/public/units/XZ")).call());
    let shown = public["reception_month"].to_string();
    assert!(shown.contains("党委、政府信访接待室") && shown.contains("李振"), "TWN-8, TWN-9: {shown}");

    // 四、(四)3 领导干部接访时……认真填写《领导干部接待群众来访登记表》,逐件签署具体办理意见 (TWN-10).
    let session = json!({"kind": "leader_day", "day": today.to_string(), "leaders": ["li"], "venue": "党委、政府信访接待室",
                         "starts": "09:00", "ends": "11:30"});
    let (status, session) = post(&server, &clerk, "/api/v1/units/XZ/reception-sessions", &session);
    assert_eq!(status, 201, "TWN-10: {session}");
    let mut in_session = visit("XZ", "反映低保评定不公。");
    in_session["session"] = session["id"].clone();
    let in_session = register(&server, &clerk, &in_session);
    act(&server, &li, &in_session, "instruct", json!({"text": "请社会事务办五日内核实"}));
    let (_, docs) = get(&server, &clerk, &format!("/api/v1/cases/{}/documents", in_session["id"]));
    assert!(docs.to_string().contains("reception-register"), "TWN-10: the register: {docs}");

    // 四、(五) 登记表及其来访事项交办通知书分别送达有关部门和来访群众,承办单位应在60日内提出处理意见,
    // 根据接待领导和分管领导同意后及时答复来访人 (TWN-11).
    act(&server, &clerk, &in_session, "assign", json!({"unit": "XZ-SWB"}));
    let (_, docs) = get(&server, &clerk, &format!("/api/v1/cases/{}/documents", in_session["id"]));
    assert!(docs.to_string().contains("来访事项交办通知书"), "TWN-11: the town's assignment notice: {docs}");
    let accepted = act(&server, &sw, &in_session, "accept", json!({}));
    let handling = accepted["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "handling").cloned();
    let due: chrono::NaiveDate = handling.and_then(|d| d["due"].as_str().and_then(|d| d.parse().ok())).unwrap();
    assert!(due >= today + chrono::Days::new(60), "TWN-11: 60 days to the opinion: {due}");
    let opinion = json!({"outcome": "support", "facts": "评定程序有误。", "basis": "《最低生活保障审核确认办法》", "text": "重新评定。"});
    act(&server, &sw, &in_session, "opinion", opinion);
    let once = act(&server, &li, &in_session, "approve", json!({}));
    assert_eq!(once["status"], "awaiting_approval", "TWN-11: the receiving leader's approval is not enough");
    let both = act(&server, &zhang, &in_session, "approve", json!({}));
    assert_eq!(both["status"], "approved", "TWN-11: with the leader in charge's");
    assert_eq!(act(&server, &sw, &in_session, "reply", json!({}))["status"], "replied");

    // 四、(五) 对案件复杂、涉及面广,影响较大的信访件,召开信访听证会 (TWN-12).
    let complex = register(&server, &xf, &visit("XZ-XFB", "三十户反映征地补偿标准不一。"));
    act(&server, &xf, &complex, "accept", json!({}));
    let hearing = json!({"held_from": today.to_string(), "held_to": today.to_string(),
        "participants": ["信访人代表", "村委会", "人大代表"], "opinions": "补偿标准应统一。", "conclusion": "按统一标准补足。"});
    let heard = act(&server, &xf, &complex, "hearing", hearing);
    assert_eq!(heard["events"].as_array().unwrap().last().unwrap()["kind"], "hearing_held", "TWN-12");

    // 工作要求(三) 每月一次信访排查,并将排查的案件内容、责任人员、结案时限书面存档 (TWN-13).
    let last_month = (today.with_day(1).unwrap() - chrono::Days::new(1)).format("%Y-%m").to_string();
    let due = (today + chrono::Days::new(30)).to_string();
    let screening = json!({"summary": "本月排查隐患 1 件。", "matters": [{"kind": "hotspot", "subject": "征地补偿标准不一",
        "cases": [], "responsible": "li", "measures": "统一补偿标准", "due": due}]});
    let (status, drafted) = put(&server, &clerk, &format!("/api/v1/units/XZ/screenings/{last_month}"), &screening);
    assert_eq!(status, 200, "TWN-13: {drafted}");
    let sign = json!({"version": drafted["version"]});
    let (status, signed) = post(&server, &li, &format!("/api/v1/units/XZ/screenings/{last_month}/sign"), &sign);
    assert_eq!((status, signed["status"].as_str()), (200, Some("signed")), "TWN-13: {signed}");

    // 工作要求(二) 如因工作不力造成越级到县、市、省、京上访的……追究相关责任 (TWN-14): a visit to the
    // county about the village is recorded against the village.
    let mut skipped = visit("QX", "东村工地拖欠工资,到县里上访。");
    skipped["place_unit"] = json!("XZ-DC");
    let skipped = register(&server, &county, &skipped);
    let flags: Vec<&str> = skipped["flags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(flags.contains(&"skip_level"), "TWN-14: {skipped}");
    let against = skipped["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "flagged" && e["details"]["flag"] == "skip_level")
        .unwrap()["details"]["against_unit"]
        .clone();
    assert_eq!(against, "XZ-DC", "TWN-14: counted against the village");
}
both_backends!(seed_town_walks_the_towns_reception_system);
