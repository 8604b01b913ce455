//! Issue 5 through the real server, on SQLite and PostgreSQL: full-text search with highlights and
//! exact lookups, the intake check with the petitioner's history, repeats, 不再受理, collective
//! matters, 越级访, clearing a wrong flag, the dictionary and `huiyin reindex`.

use crate::common;

use common::{Backend, Db, Server, enc, get, post};
use serde_json::{Value, json};

/// A seeded database with a running server and tokens for: wang (officer, XS), clerk (officer, XS,
/// may record past actions), lead (leader, XS, likewise), qoff (officer, QX), boss (admin, QX),
/// dong (officer, DZ). XS needs one leader's approval.
struct World {
    server: Server,
    tokens: std::collections::HashMap<&'static str, String>,
    db: Db,
}

impl World {
    fn new(backend: Backend) -> Option<World> {
        let db = Db::new(backend)?;
        let (wang, _, dong) = db.seed();
        let mut tokens = std::collections::HashMap::from([("wang", wang), ("dong", dong)]);
        for (user, unit, role, backdate) in [
            ("clerk", "XS", "officer", true),
            ("lead", "XS", "leader", true),
            ("qoff", "QX", "officer", false),
            ("boss", "QX", "admin", false),
        ] {
            let mut args = vec!["user", "add", user, "--unit", unit, "--role", role];
            if backdate {
                args.push("--may-backdate");
            }
            db.cli(&args);
            tokens.insert(user, db.cli(&["token", "create", user]).trim().to_owned());
        }
        let server = Server::start(&db);
        let w = World { server, tokens, db };
        let (_, limits) = get(&w.server, &w.tokens["boss"], "/api/v1/units/XS/limits");
        let mut rules = limits["rules"].clone();
        rules["approvals_required"] = json!(1);
        assert_eq!(w.put("boss", "/api/v1/units/XS/limits", &json!({ "rules": rules })).0, 200);
        Some(w)
    }

    fn put(&self, who: &str, path: &str, body: &Value) -> (u16, Value) {
        common::put(&self.server, &self.tokens[who], path, body)
    }

    fn register_as(&self, who: &str, body: Value) -> Value {
        let (status, case) = post(&self.server, &self.tokens[who], "/api/v1/cases", &body);
        assert_eq!(status, 201, "{case}");
        let id = case["id"].as_i64().unwrap();
        self.case(who, id)
    }

    fn case(&self, who: &str, id: i64) -> Value {
        let (status, case) = get(&self.server, &self.tokens[who], &format!("/api/v1/cases/{id}"));
        assert_eq!(status, 200, "{case}");
        case
    }

    fn act(&self, who: &str, id: &Value, action: &str, body: Value) -> (u16, Value) {
        post(&self.server, &self.tokens[who], &format!("/api/v1/cases/{}/{action}", id["id"]), &body)
    }

    fn list(&self, who: &str, query: &str) -> Value {
        let (status, list) = get(&self.server, &self.tokens[who], &format!("/api/v1/cases?{query}"));
        assert_eq!(status, 200, "{query}: {list}");
        list
    }

    fn check(&self, who: &str, body: Value) -> Value {
        let (status, report) = post(&self.server, &self.tokens[who], "/api/v1/intake/check", &body);
        assert_eq!(status, 200, "{report}");
        report
    }
}

/// A visit by one person: (name, ID number, phone, address), blanks left out.
fn visit(content: &str, who: (&str, &str, &str, &str)) -> Value {
    let mut p = serde_json::Map::new();
    for (key, value) in [("name", who.0), ("id_number", who.1), ("phone", who.2), ("address", who.3)] {
        if !value.is_empty() {
            p.insert(key.into(), json!(value));
        }
    }
    json!({
        "channel": "visit", "unit": "XS", "petitioner": p,
        "category": "拖欠农民工工资", "purpose": "request", "content": content
    })
}

fn numbers(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["case_number"].as_str().unwrap().to_owned()).collect()
}

fn flags(case: &Value) -> Vec<String> {
    case["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect()
}

fn flag_events(case: &Value) -> Vec<Value> {
    case["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "flagged").cloned().collect()
}

const WANG: (&str, &str, &str, &str) = ("王秀英", "11010519491231002X", "13812345678", "西山社区向阳街12号");
const WAGES: &str = "在西山社区工地务工三个月,包工头拖欠工资共计一万二千元,多次讨要未果。";
const WAGES_AGAIN: &str =
    "再次反映:我在西山社区工地干了三个月,包工头至今拖欠工资一万二千元,多次讨要仍未果,请领导重视。";

/// FED-9: words are found and highlighted, the phrase ranks first, and numbers are looked up exactly.
fn fed_9_search_finds_words_highlights_and_looks_up_numbers(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let apart = w.register_as("wang", visit("拆迁后安置房迟迟不交付,补偿款也未到位", ("李四", "", "", "")));
    let phrase = w.register_as("wang", visit("反映拆迁补偿标准低于周边项目", ("赵六", "", "13900001111", "")));
    let poor = w.register_as("wang", visit("申请低保被村委会拒绝", WANG));

    let list = w.list("wang", &format!("q={}", enc("拆迁")));
    assert_eq!(list["total"], 2);
    assert_eq!(list["terms"], json!(["拆迁"]));
    assert_eq!(list["total_exact"], true, "the API counts every match unless asked otherwise");
    let bounded = w.list("wang", &format!("q={}&total=bounded", enc("拆迁")));
    assert_eq!((bounded["total"].as_i64(), bounded["total_exact"].as_bool()), (Some(2), Some(true)), "{bounded}");
    let (status, err) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases?q={}&total=roughly", enc("拆迁")));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("total")), "{err}");
    let marks: Vec<&Value> =
        list["items"][0]["highlight"].as_array().unwrap().iter().filter(|f| f["match"] == true).collect();
    assert_eq!(marks.len(), 1, "{}", list["items"][0]);
    assert_eq!(marks[0]["text"], "拆迁");

    let ranked = w.list("wang", &format!("q={}", enc("拆迁补偿")));
    assert_eq!(ranked["total"], 2);
    assert_eq!(ranked["items"][0]["id"], phrase["id"], "the phrase as typed ranks first");
    assert_eq!(ranked["items"][1]["id"], apart["id"]);
    let by_age = w.list("wang", &format!("q={}&sort=received_at", enc("拆迁补偿")));
    assert_eq!(by_age["items"][0]["id"], apart["id"], "another order when asked for");

    assert_eq!(w.list("wang", &format!("q={}", enc("低保")))["total"], 1);
    assert_eq!(w.list("wang", &format!("q={}&status=accepted", enc("低保")))["total"], 0, "with the list filters");
    assert_eq!(w.list("dong", &format!("q={}", enc("低保")))["total"], 0, "within the reader's scope");

    let number = poor["case_number"].as_str().unwrap();
    let exact = w.list("wang", &format!("q={}", number.to_lowercase()));
    assert_eq!((exact["total"].as_i64(), exact["items"][0]["id"].as_i64()), (Some(1), poor["id"].as_i64()));
    assert_eq!(w.list("wang", "q=13900001111")["items"][0]["id"], phrase["id"]);
    assert_eq!(w.list("wang", &format!("q={}", WANG.1))["items"][0]["id"], poor["id"]);
    assert_eq!(w.list("wang", "q=%20%2C%E3%80%82")["total"], 3, "punctuation alone searches nothing");

    // An investigation record's words become searchable.
    assert_eq!(w.list("wang", &format!("q={}", enc("家庭收入")))["total"], 0);
    assert_eq!(w.act("wang", &poor, "accept", json!({})).0, 200);
    assert_eq!(w.act("wang", &poor, "investigation", json!({"text": "入户核实家庭收入情况"})).0, 200);
    let found = w.list("wang", &format!("q={}", enc("家庭收入")));
    assert_eq!(found["items"][0]["id"], poor["id"]);
}
both_backends!(fed_9_search_finds_words_highlights_and_looks_up_numbers);

/// FED-11: the intake check shows the petitioner's history; a paraphrased repeat is flagged and
/// linked, a different matter of the same person is not, and a wrong flag is cleared with a reason.
fn fed_11_history_and_a_paraphrased_repeat(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let first = w.register_as("wang", visit(WAGES, WANG));
    let number = first["case_number"].as_str().unwrap().to_owned();
    assert!(flag_events(&first).is_empty(), "a first visit has nothing to flag");

    // As the receiver types: the phone alone finds the history; the statement decides the repeat.
    let by_phone = w.check("wang", json!({"petitioner": {"phone": "138 1234 5678"}}));
    assert_eq!(numbers(&by_phone["history"]), std::slice::from_ref(&number));
    assert!(by_phone["repeat_of"].as_array().unwrap().is_empty(), "no statement yet");
    assert!(by_phone["history"][0].get("petitioner_phone").is_none(), "no phone in the history rows");
    let by_name = w.check("wang", json!({"petitioner": {"name": WANG.0, "address": WANG.3}, "content": WAGES_AGAIN}));
    assert_eq!(numbers(&by_name["repeat_of"]), std::slice::from_ref(&number));
    assert!(by_name["repeat_of"][0]["similarity"].as_f64().unwrap() >= 0.5);
    let by_id = w.check("wang", json!({"petitioner": {"id_number": WANG.1.to_lowercase()}, "content": "小区电梯坏了"}));
    assert_eq!(numbers(&by_id["history"]), std::slice::from_ref(&number));
    assert!(by_id["repeat_of"].as_array().unwrap().is_empty(), "a different matter is no repeat");
    let stranger = w.check("wang", json!({"petitioner": {"phone": "13900001111"}, "content": "小区电梯坏了"}));
    assert!(stranger["history"].as_array().unwrap().is_empty());

    // Registering records what the check found.
    let again = w.register_as("wang", visit(WAGES_AGAIN, ("王秀英", "", "13812345678", "")));
    assert!(flags(&again).contains(&"repeat".to_owned()), "{}", again["flags"]);
    let flagged = flag_events(&again);
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["details"]["related"], json!([number]));
    let other = w.register_as("wang", visit("小区物业长期不维修电梯,老人上下楼困难。", WANG));
    assert!(!flags(&other).contains(&"repeat".to_owned()), "{}", other["flags"]);

    // A wrong flag is cleared with a reason, once.
    let (status, err) = w.act("wang", &again, "clear-flag", json!({"flag": "repeat"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")));
    let (status, cleared) =
        w.act("wang", &again, "clear-flag", json!({"flag": "repeat", "reason": "核实为他人代为反映的新情况"}));
    assert_eq!(status, 200, "{cleared}");
    assert!(!flags(&cleared).contains(&"repeat".to_owned()));
    let (status, err) = w.act("wang", &again, "clear-flag", json!({"flag": "repeat", "reason": "再撤销一次"}));
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("flag_not_set")));
    let (status, err) = w.act("wang", &again, "clear-flag", json!({"flag": "nonsense", "reason": "x"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("flag")));
}
both_backends!(fed_11_history_and_a_paraphrased_repeat);

/// GEN-5: the same matter after the time to ask for review lapsed is warned about at intake; the
/// case cannot be accepted until the receiver decides, and the decision is recorded.
fn gen_5_a_final_matter_is_warned_and_the_decision_recorded(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let mut old = visit(WAGES, WANG);
    old["received_at"] = json!("2026-06-01");
    let first = w.register_as("clerk", old);
    for (who, action, body) in [
        ("clerk", "accept", json!({"at": "2026-06-02"})),
        (
            "clerk",
            "opinion",
            json!({"outcome": "explain", "facts": "经核实,工程款已结清。", "basis": "《保障农民工工资支付条例》",
                   "text": "已向信访人解释说明。", "at": "2026-06-10"}),
        ),
        ("lead", "approve", json!({"at": "2026-06-11"})),
        ("clerk", "reply", json!({"at": "2026-06-12"})),
    ] {
        let (status, body) = w.act(who, &first, action, body);
        assert_eq!(status, 200, "{action}: {body}");
    }
    let number = first["case_number"].as_str().unwrap().to_owned();

    let report = w.check("wang", json!({"petitioner": {"phone": WANG.2}, "content": WAGES_AGAIN}));
    assert_eq!(numbers(&report["final_matters"]), std::slice::from_ref(&number), "{report}");
    assert!(report["repeat_of"].as_array().unwrap().is_empty());
    assert_eq!(report["history"][0]["is_final"], true);

    let again = w.register_as("wang", visit(WAGES_AGAIN, WANG));
    assert!(flags(&again).contains(&"final_matter".to_owned()), "{}", again["flags"]);
    let (status, err) = w.act("wang", &again, "accept", json!({}));
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("final_matter_undecided")), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("不再受理"));
    let decision = "信访人提供了 2026 年 10 月的新欠薪证据,属新的事实和理由";
    let (status, _) = w.act("wang", &again, "clear-flag", json!({"flag": "final_matter", "reason": decision}));
    assert_eq!(status, 200);
    let (status, accepted) = w.act("wang", &again, "accept", json!({}));
    assert_eq!((status, accepted["status"].as_str()), (200, Some("accepted")), "{accepted}");
    let recorded = accepted["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "flag_cleared" && e["details"]["reason"] == decision);
    assert!(recorded, "the decision is in the log");

    // The other decision: not accepted, which the flag does not block.
    let third = w.register_as("wang", visit(WAGES_AGAIN, WANG));
    assert!(flags(&third).contains(&"final_matter".to_owned()));
    let (status, _) = w.act(
        "wang",
        &third,
        "reject",
        json!({"reason": "同一事实和理由,已答复且复查期限已过", "channel": "不再受理"}),
    );
    assert_eq!(status, 200);
}
both_backends!(gen_5_a_final_matter_is_warned_and_the_decision_recorded);

/// GEN-6, TWN-14: a visit registered two levels above the place's unit is flagged and counted
/// against that unit; a visit one level up, or a letter, is not.
fn gen_6_skipping_levels_is_flagged_and_counted(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let at = |unit: &str, channel: &str| {
        let mut body = visit("东坡路段路灯损坏", ("孙五", "", "", ""));
        body["unit"] = json!(unit);
        body["channel"] = json!(channel);
        body["place_unit"] = json!("XS");
        body
    };
    let report = w.check("qoff", json!({"channel": "visit", "place_unit": "XS"}));
    assert_eq!(report["skip_level"]["code"], "XS");
    let skipped = w.register_as("qoff", at("QX", "visit"));
    assert!(flags(&skipped).contains(&"skip_level".to_owned()), "{}", skipped["flags"]);
    assert_eq!(flag_events(&skipped)[0]["details"]["against_unit"], "XS");
    let letter = w.register_as("qoff", at("QX", "letter"));
    assert!(!flags(&letter).contains(&"skip_level".to_owned()));
    let one_up = w.register_as("qoff", at("XZ", "visit"));
    assert!(!flags(&one_up).contains(&"skip_level".to_owned()), "one level up is the rule (GEN-6)");
    let (status, counts) = get(&w.server, &w.tokens["qoff"], "/api/v1/reports/skip-level");
    assert_eq!(status, 200);
    assert_eq!(counts, json!([{"unit": {"code": "XS", "name": "西山社区"}, "cases": 1}]));
    let (_, none) = get(&w.server, &w.tokens["dong"], "/api/v1/reports/skip-level");
    assert_eq!(none, json!([]), "another town sees none of it");
}
both_backends!(gen_6_skipping_levels_is_flagged_and_counted);

/// FED-6: neighbours' similar cases are offered at intake and linked as one collective matter.
fn fed_6_similar_cases_of_neighbours_are_offered_and_linked(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let noise = "西山社区向阳街夜间施工噪音扰民,多次反映无果,要求限制施工时间。";
    let a = w.register_as("wang", visit(noise, ("李四", "", "13900001111", "")));
    let b = w.register_as("wang", visit(noise, ("赵六", "", "13900002222", "")));
    let report = w.check("wang", json!({"petitioner": {"phone": "13900003333"}, "content": noise}));
    let mut offered = numbers(&report["collective"]);
    offered.sort();
    let mut both = vec![a["case_number"].as_str().unwrap().to_owned(), b["case_number"].as_str().unwrap().to_owned()];
    both.sort();
    assert_eq!(offered, both, "{report}");
    assert!(report["repeat_of"].as_array().unwrap().is_empty(), "other people's cases are no repeat");
    let c = w.register_as("wang", visit(noise, ("钱七", "", "13900003333", "")));
    assert!(!flags(&c).contains(&"collective".to_owned()), "only offered, not flagged by itself");
    let (status, linked) = w.act(
        "wang",
        &c,
        "flag",
        json!({"flag": "collective", "related": both, "reason": "同一施工噪音问题,合并为集体事项"}),
    );
    assert_eq!(status, 200, "{linked}");
    assert!(flags(&linked).contains(&"collective".to_owned()));
    let east = w.register_as(
        "dong",
        json!({
            "channel": "letter", "unit": "DZ", "petitioner": {"name": "董五"},
            "category": "拖欠农民工工资", "content": noise
        }),
    );
    let (status, err) =
        w.act("wang", &c, "flag", json!({"flag": "collective", "related": [east["case_number"]], "reason": "x"}));
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (422, Some("related")),
        "a case out of sight cannot be linked"
    );
    assert!(w.check("wang", json!({"content": noise}))["collective"].as_array().unwrap().len() >= 3);
}
both_backends!(fed_6_similar_cases_of_neighbours_are_offered_and_linked);

/// Administrators add dictionary words; `huiyin reindex` rebuilds the index with progress.
fn dictionary_words_and_reindex(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let case = w.register_as("wang", visit("反映东坡村道路破损严重", ("孙五", "", "", "")));
    let (status, err) = post(&w.server, &w.tokens["wang"], "/api/v1/search/words", &json!({"words": ["东坡村"]}));
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("forbidden")));
    let (status, err) = post(&w.server, &w.tokens["boss"], "/api/v1/search/words", &json!({"words": ["东 坡"]}));
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("word_format")));
    let (status, added) = post(&w.server, &w.tokens["boss"], "/api/v1/search/words", &json!({"words": ["东坡村"]}));
    assert_eq!((status, added["added"].as_i64()), (200, Some(1)));
    let (_, words) = get(&w.server, &w.tokens["wang"], "/api/v1/search/words");
    assert_eq!(words["words"], json!(["东坡村"]));
    let out = w.db.cli(&["dictionary", "add", "破损严重", "东坡村"]);
    assert!(out.contains("已加入词典 1 个词(1 个原已存在)"), "{out}");
    assert_eq!(w.db.cli(&["dictionary", "list"]), "东坡村\n破损严重\n");
    let (ok, _, err) = w.db.try_cli(&["dictionary", "add", "x"], None);
    assert!(!ok && err.contains("词语"), "{err}");
    let out = w.db.cli(&["reindex"]);
    assert!(out.contains("检索索引已重建:1 件"), "{out}");
    let found = w.list("wang", &format!("q={}", enc("东坡村")));
    assert_eq!(found["items"][0]["id"], case["id"]);
}
both_backends!(dictionary_words_and_reindex);

/// GEN-7: the accused unit's staff cannot find who accused it by name, phone or ID number, neither in
/// the list nor at intake; the unit above still can.
fn gen_7_the_accused_unit_cannot_find_its_accuser(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let mut accusing = visit("举报西山社区工作人员办事索要好处费", ("周检举", "", "13700001111", "西山社区幸福里3号"));
    accusing["accused"] = json!({"unit": "XS"});
    accusing["purpose"] = json!("accusation");
    // One accusation told at the county, one at the federation below the community.
    accusing["unit"] = json!("QX");
    w.register_as("qoff", accusing.clone());
    accusing["unit"] = json!("XS-CL");
    let below = w.register_as("qoff", accusing.clone());
    let (status, _) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{}", below["id"]));
    assert_eq!(status, 404, "for the accused unit the accusation does not exist");
    // Registered at the accused community itself, it is refused and referred to the town above.
    accusing["unit"] = json!("XS");
    let (status, err) = post(&w.server, &w.tokens["wang"], "/api/v1/cases", &accusing);
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("accused_unit")), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("西镇"), "{err}");
    for q in [enc("周检举"), "13700001111".to_owned(), enc("幸福里")] {
        assert_eq!(w.list("wang", &format!("q={q}"))["total"], 0, "{q}: not found by the accuser's details");
        assert_eq!(w.list("qoff", &format!("q={q}"))["total"], 2, "{q}: the county finds both");
    }
    assert_eq!(w.list("wang", &format!("q={}", enc("好处费")))["total"], 0, "nor by its words");
    let report = w.check("wang", json!({"petitioner": {"phone": "13700001111"}}));
    assert!(report["history"].as_array().unwrap().is_empty(), "{report}");
    let report = w.check("qoff", json!({"petitioner": {"phone": "13700001111"}}));
    assert_eq!(report["history"].as_array().unwrap().len(), 2);
}
both_backends!(gen_7_the_accused_unit_cannot_find_its_accuser);
