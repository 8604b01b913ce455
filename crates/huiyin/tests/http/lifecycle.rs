//! One HTTP test per path through a case's life (issue 4), on SQLite and PostgreSQL.

use crate::common;

use common::{Backend, Db, Server, get, post};
use serde_json::{Value, json};

/// A seeded database with a running server and tokens for: wang (officer, XS), chen (supervisor,
/// XZ), dong (officer, DZ), cl (officer, XS-CL), lead1 and lead2 (leaders, XS), zlead (leader, XZ),
/// qlead (leader, QX).
struct World {
    server: Server,
    tokens: std::collections::HashMap<&'static str, String>,
    db: Db,
}

impl World {
    fn new(backend: Backend) -> Option<World> {
        let db = Db::new(backend)?;
        let (wang, chen, dong) = db.seed();
        let mut tokens = std::collections::HashMap::from([("wang", wang), ("chen", chen), ("dong", dong)]);
        for (user, unit, role) in [
            ("cl", "XS-CL", "officer"),
            ("lead1", "XS", "leader"),
            ("lead2", "XS", "leader"),
            ("zlead", "XZ", "leader"),
            ("qlead", "QX", "leader"),
            ("boss", "QX", "admin"),
        ] {
            db.cli(&["user", "add", user, "--unit", unit, "--role", role]);
            tokens.insert(user, db.cli(&["token", "create", user]).trim().to_owned());
        }
        let server = Server::start(&db);
        Some(World { server, tokens, db })
    }

    fn register(&self, body: Value) -> i64 {
        let (status, case) = post(&self.server, &self.tokens["wang"], "/api/v1/cases", &body);
        assert_eq!(status, 201, "{case}");
        case["id"].as_i64().unwrap()
    }

    /// Takes an action as `who`; returns (status, body).
    fn act(&self, who: &str, id: i64, action: &str, body: Value) -> (u16, Value) {
        post(&self.server, &self.tokens[who], &format!("/api/v1/cases/{id}/{action}"), &body)
    }

    /// Takes an action that must succeed; returns the case.
    fn ok(&self, who: &str, id: i64, action: &str, body: Value) -> Value {
        let (status, case) = self.act(who, id, action, body);
        assert_eq!(status, 200, "{who} {action}: {case}");
        case
    }

    fn refused(&self, who: &str, id: i64, action: &str, body: Value, status: u16, code: &str) {
        let (got, err) = self.act(who, id, action, body);
        assert_eq!((got, err["error"]["code"].as_str()), (status, Some(code)), "{who} {action}: {err}");
    }
}

fn visit() -> Value {
    json!({
        "channel": "visit", "unit": "XS",
        "petitioner": {"name": "王秀英", "phone": "13812345678", "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": "工地拖欠工资三个月。"
    })
}

fn deadline(case: &Value, kind: &str) -> Value {
    case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == kind).cloned().unwrap_or(Value::Null)
}

fn opinion() -> Value {
    json!({"outcome": "support", "facts": "经调查,拖欠属实。", "basis": "《保障农民工工资支付条例》第三条", "text": "责成施工单位十日内支付。"})
}

/// FED-15, GEN-2, GEN-3: answered on the spot, the case closes with its limits met.
fn fed_15_answer_and_close(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "answer", json!({}), 422, "required");
    let case = w.ok("wang", id, "answer", json!({"answer": "依据《社会救助暂行办法》可申请临时救助,已告知办理地点。"}));
    assert_eq!(case["status"], "closed");
    assert!(deadline(&case, "sorting")["met_at"].is_string() && deadline(&case, "notice")["met_at"].is_string());
    w.refused("wang", id, "answer", json!({"answer": "x"}), 409, "wrong_state");
}
both_backends!(fed_15_answer_and_close);

/// GEN-4, TWN-11, GEN-9: accepted, handled, approved by two leaders, replied, rated, closed.
fn twn_11_opinion_needs_both_leaders_approval(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "opinion", opinion(), 409, "wrong_state");
    w.ok("wang", id, "accept", json!({}));
    w.refused("wang", id, "opinion", json!({"outcome": "support"}), 422, "required");
    // FED-13: the investigation notes go into the case file.
    w.refused("wang", id, "investigation", json!({}), 422, "required");
    let noted = w.ok("wang", id, "investigation", json!({"text": "11月22日到工地核实,包工头承认拖欠。"}));
    assert_eq!(noted["events"].as_array().unwrap().last().unwrap()["kind"], "investigation_noted");
    w.refused(
        "wang",
        id,
        "opinion",
        json!({"outcome": "maybe", "facts": "f", "basis": "b", "text": "t"}),
        422,
        "not_a_choice",
    );
    let drafted = w.ok("wang", id, "opinion", opinion());
    assert_eq!(drafted["status"], "awaiting_approval");
    w.refused("wang", id, "approve", json!({}), 403, "forbidden");
    w.refused("lead1", id, "reply", json!({}), 409, "wrong_state");
    let once = w.ok("lead1", id, "approve", json!({}));
    assert_eq!(once["status"], "awaiting_approval", "one of two approvals");
    w.refused("lead1", id, "approve", json!({}), 409, "already_approved");
    let both = w.ok("lead2", id, "approve", json!({}));
    assert_eq!(both["status"], "approved");
    let replied = w.ok("wang", id, "reply", json!({}));
    assert_eq!(replied["status"], "replied");
    assert!(deadline(&replied, "handling")["met_at"].is_string(), "GEN-4 met by the reply");
    assert!(deadline(&replied, "review_request")["met_at"].is_null(), "GEN-5: the time to ask runs");
    w.refused("wang", id, "rate", json!({"office": "satisfied", "unit": "great"}), 422, "not_a_choice");
    let rated = w.ok("wang", id, "rate", json!({"office": "satisfied", "unit": "basically_satisfied"}));
    assert_eq!(rated["events"].as_array().unwrap().last().unwrap()["kind"], "rated");
    let closed = w.ok("wang", id, "close", json!({}));
    assert_eq!(closed["status"], "closed");
}
both_backends!(twn_11_opinion_needs_both_leaders_approval);

/// FED-9 (四要: answer in line with policy): the policy library holds 《信访工作条例》 as shipped,
/// searched with the case search's words; supervisors, leaders and administrators add a local
/// policy from its text (an officer may not; a bad one is refused on its field and adds nothing);
/// an opinion cites articles by picking them, an article the library lacks refused on its field,
/// and the 处理意见书 prints the cited articles' words; an on-the-spot answer (FED-15) cites too.
fn fed_9_opinions_and_answers_cite_the_policy_library(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let (_, listed) = get(&w.server, &w.tokens["wang"], "/api/v1/policies");
    let regulation = listed.as_array().unwrap().iter().find(|p| p["title"] == "信访工作条例").cloned().unwrap();
    assert_eq!((&regulation["shipped"], &regulation["articles"]), (&json!(true), &json!(21)), "{listed}");
    let xf = regulation["id"].as_i64().unwrap();

    let (status, hits) = get(&w.server, &w.tokens["wang"], "/api/v1/policies/search?q=%E5%A4%8D%E6%9F%A5");
    assert_eq!(status, 200, "{hits}");
    let hits = hits.as_array().unwrap();
    assert!(hits.iter().all(|h| h["article"]["text"].as_str().unwrap().contains("复查")), "{hits:?}");
    assert!(
        hits.iter().any(|h| h["label"] == "《信访工作条例》第三十五条" && h["cite"] == format!("{xf}:35").as_str())
    );
    assert!(hits[0]["highlight"].as_array().unwrap().iter().any(|f| f["match"] == true));
    let (_, nothing) = get(&w.server, &w.tokens["wang"], "/api/v1/policies/search?q=");
    assert_eq!(nothing, json!([]));

    let local = json!({"title": "《西山社区困难群众临时救助办法》", "issuer": "西山社区居民委员会", "issued_on": "2025-03-01",
        "text": "第一章 总则\n第一条 为及时救助困难群众,制定本办法。\n第二条 因病、因灾致生活困难的居民,可申请临时救助。\n第三条 本办法自发布之日起施行。"});
    let (status, refused) = post(&w.server, &w.tokens["wang"], "/api/v1/policies", &local);
    assert_eq!(status, 403, "{refused}");
    let (status, refused) =
        post(&w.server, &w.tokens["lead1"], "/api/v1/policies", &json!({"title": "无正文", "issuer": "西山社区"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("text")), "{refused}");
    let (status, added) = post(&w.server, &w.tokens["lead1"], "/api/v1/policies", &local);
    assert_eq!(status, 201, "{added}");
    assert_eq!(
        (added["title"].as_str(), added["text"].as_array().unwrap().len()),
        (Some("西山社区困难群众临时救助办法"), 3)
    );
    let local_id = added["id"].as_i64().unwrap();
    let (_, read) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/policies/{local_id}"));
    assert_eq!(read["text"][1]["chapter"], "总则");

    // The opinion cites two articles; one the library lacks is refused on its field.
    let id = w.register(visit());
    w.ok("wang", id, "accept", json!({}));
    let mut cited = opinion();
    cited["articles"] = json!([format!("{xf}:32"), format!("{local_id}:2"), format!("{xf}:99")]);
    w.refused("wang", id, "opinion", cited.clone(), 422, "not_a_choice");
    cited["articles"] = json!([format!("{xf}:32"), format!("{local_id}:2")]);
    let drafted = w.ok("wang", id, "opinion", cited);
    let event = drafted["events"].as_array().unwrap().last().unwrap().clone();
    let labels: Vec<&str> =
        event["details"]["cited"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["《信访工作条例》第三十二条", "《西山社区困难群众临时救助办法》第二条"], "{event}");
    w.ok("lead1", id, "approve", json!({}));
    w.ok("lead2", id, "approve", json!({}));
    w.ok("wang", id, "reply", json!({}));
    w.db.account("reader", "XS", huiyin_core::user::Role::Leader, Some("correct horse battery"));
    let (status, printed) = common::Browser::sign_in(&w.server, "reader", "correct horse battery")
        .page(&format!("/cases/{id}/documents/opinion"));
    assert_eq!(status, 200);
    assert!(
        printed.contains("所依据的条文:《信访工作条例》第三十二条、《西山社区困难群众临时救助办法》第二条(原文附后)"),
        "{printed}"
    );
    assert!(printed.contains("附:所依据的法律法规条文"), "{printed}");
    assert!(
        printed.contains(
            "《信访工作条例》第三十二条 信访处理意见书应当载明信访人投诉请求、事实和理由、处理意见及其法律法规依据"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("《西山社区困难群众临时救助办法》第二条 因病、因灾致生活困难的居民,可申请临时救助。"),
        "{printed}"
    );

    // FED-15: an answer on the spot rests on an article too.
    let other = w.register(visit());
    let answered = w.ok(
        "wang",
        other,
        "answer",
        json!({"answer": "可申请临时救助,已告知办理地点。", "articles": [format!("{local_id}:2")]}),
    );
    let event = answered["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(event["details"]["cited"][0]["label"], "《西山社区困难群众临时救助办法》第二条", "{event}");

    // Withdrawn (废止), a policy is neither listed, searched nor cited; the opinion printed keeps it.
    let delete = |who: &str, id: i64| common::delete(&w.server, &w.tokens[who], &format!("/api/v1/policies/{id}")).0;
    assert_eq!(delete("wang", local_id), 403, "an officer withdraws nothing");
    assert_eq!(delete("lead1", xf), 403, "the shipped regulation is the installation's");
    assert_eq!(delete("lead1", local_id), 204);
    assert_eq!(delete("lead1", local_id), 409, "once");
    let (_, listed) = get(&w.server, &w.tokens["wang"], "/api/v1/policies");
    assert!(listed.as_array().unwrap().iter().all(|p| p["id"] != local_id), "{listed}");
    let late = w.register(visit());
    w.refused(
        "wang",
        late,
        "answer",
        json!({"answer": "x", "articles": [format!("{local_id}:2")]}),
        422,
        "not_a_choice",
    );
    let (_, still) = common::Browser::sign_in(&w.server, "reader", "correct horse battery")
        .page(&format!("/cases/{id}/documents/opinion"));
    assert!(still.contains("《西山社区困难群众临时救助办法》第二条 因病、因灾致生活困难的居民"), "{still}");
}
both_backends!(fed_9_opinions_and_answers_cite_the_policy_library);

/// FED-16, GEN-3 ¶3, GEN-7: an assignment the receiving unit objects to goes back to the sender;
/// a case that accuses a unit is never assigned to it.
fn fed_16_assign_with_objection(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "assign", json!({"unit": "DZ"}), 422, "unknown_unit");
    let assigned = w.ok("wang", id, "assign", json!({"unit": "XS-CL"}));
    assert_eq!((assigned["status"].as_str(), assigned["holding_unit"].as_str()), (Some("assigned"), Some("XS-CL")));
    assert!(deadline(&assigned, "objection")["due"].is_string(), "5 working days to object");
    w.refused("wang", id, "object", json!({"reason": "x"}), 409, "not_holding_unit");
    w.refused("cl", id, "object", json!({}), 422, "required");
    let back = w.ok("cl", id, "object", json!({"reason": "不属于残联职责"}));
    assert_eq!(
        (back["status"].as_str(), back["holding_unit"].as_str(), back["owner"].as_str()),
        (Some("registered"), Some("XS"), Some("wang"))
    );
    assert!(deadline(&back, "objection")["met_at"].is_string());
    // Assigned again, the receiving unit accepts: whoever accepts owns it there.
    w.ok("wang", id, "assign", json!({"unit": "XS-CL"}));
    let accepted = w.ok("cl", id, "accept", json!({}));
    assert_eq!((accepted["status"].as_str(), accepted["owner"].as_str()), (Some("accepted"), Some("cl")));

    let mut accusing = visit();
    accusing["accused"] = json!({"unit": "XS-CL", "name": "残联某工作人员"});
    accusing["purpose"] = json!("accusation");
    let accused = w.register(accusing);
    w.refused("wang", accused, "assign", json!({"unit": "XS-CL"}), 409, "accused_unit");
    w.refused("wang", accused, "transfer", json!({"unit": "XS-CL"}), 409, "accused_unit");
}
both_backends!(fed_16_assign_with_objection);

/// FED-17: a transfer to the competent unit by territory; that unit accepts and owns it.
fn fed_17_transfer_out(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    let moved = w.ok("wang", id, "transfer", json!({"unit": "DZ"}));
    assert_eq!((moved["status"].as_str(), moved["holding_unit"].as_str()), (Some("assigned"), Some("DZ")));
    assert!(deadline(&moved, "notice")["met_at"].is_string(), "the petitioner is told where it went");
    let (status, seen) = get(&w.server, &w.tokens["dong"], &format!("/api/v1/cases/{id}"));
    assert_eq!(status, 200, "the receiving unit sees the case: {seen}");
    let accepted = w.ok("dong", id, "accept", json!({}));
    assert_eq!(accepted["owner"], "dong");
    assert_eq!(get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}")).0, 200, "the sender keeps its record");
}
both_backends!(fed_17_transfer_out);

/// GEN-3, TWN-3, SCH-6: not accepted, with the reason and the proper channel.
fn twn_3_not_accepted_names_the_legal_channel(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "reject", json!({"reason": "已进入诉讼程序"}), 422, "required");
    let case =
        w.ok("wang", id, "reject", json!({"reason": "已进入诉讼程序", "channel": "请向清溪县人民法院咨询诉讼进展"}));
    assert_eq!(case["status"], "not_accepted");
    assert_eq!(case["events"][1]["details"]["channel"], "请向清溪县人民法院咨询诉讼进展");
    w.refused("wang", id, "accept", json!({}), 409, "wrong_state");
}
both_backends!(twn_3_not_accepted_names_the_legal_channel);

/// FED-20: only an unclear letter whose writer cannot be reached is registered only.
fn fed_20_register_only(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let reachable = w.register(visit());
    w.refused("wang", reachable, "register-only", json!({"reason": "内容不清"}), 409, "contact_known");
    let letter = w.register(json!({"channel": "letter", "unit": "XS", "category": "其他", "content": "字迹不清。"}));
    let case = w.ok("wang", letter, "register-only", json!({"reason": "内容不清,无法联系写信人"}));
    assert_eq!(case["status"], "registered_only");
}
both_backends!(fed_20_register_only);

/// FED-7, TWN-4: escalated to the town, which sorts it anew and accepts it.
fn twn_4_escalate_to_the_town(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "escalate", json!({"reason": "跨村"," unit": "X"}), 400, "malformed_json");
    w.refused("wang", id, "escalate", json!({"reason": "跨村", "unit": "DZ"}), 422, "unknown_unit");
    let up = w.ok("wang", id, "escalate", json!({"reason": "涉及多个村,提交镇领导接待日"}));
    assert_eq!((up["status"].as_str(), up["holding_unit"].as_str()), (Some("registered"), Some("XZ")));
    let higher = w.register(visit());
    let county = w.ok("wang", higher, "escalate", json!({"reason": "重大", "unit": "QX"}));
    assert_eq!(county["holding_unit"], "QX");
    let accepted = w.ok("chen", id, "accept", json!({}));
    assert_eq!(accepted["status"], "accepted");
}
both_backends!(twn_4_escalate_to_the_town);

/// GEN-5: review and re-review by the levels above, each within its limit; after re-review the case
/// is final and a further request is refused (不再受理).
fn gen_5_review_and_re_review_to_final(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    // One approval is enough in this unit (TWN-11 lets a unit configure one approver).
    let (_, limits) = get(&w.server, &w.tokens["boss"], "/api/v1/units/XS/limits");
    let mut rules = limits["rules"].clone();
    rules["approvals_required"] = json!(1);
    let put = common::agent()
        .put(w.server.url("/api/v1/units/XS/limits"))
        .header("Authorization", &format!("Bearer {}", w.tokens["boss"]))
        .header("Content-Type", "application/json")
        .send(json!({ "rules": rules }).to_string());
    assert_eq!(common::json(put).0, 200);
    let id = w.register(visit());
    let handle = |leader: &str, who: &str| {
        w.ok(who, id, "opinion", opinion());
        w.ok(leader, id, "approve", json!({}));
        w.ok(who, id, "reply", json!({}))
    };
    w.refused("wang", id, "review-request", json!({"reason": "不服"}), 409, "wrong_state");
    w.ok("wang", id, "accept", json!({}));
    let replied = handle("lead1", "wang");
    assert_eq!(replied["status"], "replied");
    w.refused("wang", id, "review-request", json!({}), 422, "required");
    let review = w.ok("wang", id, "review-request", json!({"reason": "对处理意见不服,申请复查"}));
    assert_eq!((review["status"].as_str(), review["holding_unit"].as_str()), (Some("accepted"), Some("XZ")));
    assert!(deadline(&review, "review")["due"].is_string(), "30 日 to review");
    assert!(deadline(&review, "review_request")["met_at"].is_string());
    let reviewed = handle("zlead", "chen");
    assert_eq!(reviewed["status"], "replied");
    assert!(deadline(&reviewed, "review")["met_at"].is_string());
    assert!(deadline(&reviewed, "re_review_request")["met_at"].is_null());
    let re_review = w.ok("chen", id, "review-request", json!({"reason": "申请复核"}));
    assert_eq!(re_review["holding_unit"], "QX");
    // TWN-12: a hearing is recorded; its three days do not count against the re-review (GEN-5).
    let before: chrono::NaiveDate = deadline(&re_review, "re_review")["due"].as_str().unwrap().parse().unwrap();
    w.refused("boss", id, "hearing", json!({"held_from": "2026-11-20", "held_to": "2026-11-18", "participants": ["甲"], "opinions": "o", "conclusion": "c"}), 422, "before_earlier_event");
    w.refused(
        "boss",
        id,
        "hearing",
        json!({"held_from": "2026-11-20", "held_to": "2026-11-22", "opinions": "o", "conclusion": "c"}),
        422,
        "required",
    );
    let heard = w.ok(
        "boss",
        id,
        "hearing",
        json!({"held_from": "2026-11-20", "held_to": "2026-11-22", "participants": ["信访人王秀英", "施工单位代表", "人大代表李某"],
               "opinions": "信访人坚持原诉求;施工单位同意分期支付。", "conclusion": "建议维持复查意见,督促分期支付。"}),
    );
    let after: chrono::NaiveDate = deadline(&heard, "re_review")["due"].as_str().unwrap().parse().unwrap();
    assert!(
        after >= before + chrono::Duration::days(3) && after <= before + chrono::Duration::days(6),
        "{before} → {after}"
    );
    assert_eq!(
        heard["events"].as_array().unwrap().last().unwrap()["details"]["participants"].as_array().unwrap().len(),
        3
    );
    let fin = handle("qlead", "boss");
    assert_eq!(fin["status"], "final", "终结 after re-review");
    assert!(deadline(&fin, "re_review")["met_at"].is_string());
    w.refused("boss", id, "review-request", json!({"reason": "再次申请"}), 409, "request_lapsed");
}
both_backends!(gen_5_review_and_re_review_to_final);

#[path = "lifecycle/informant.rs"]
mod informant;
use informant::{
    gen_7_a_recused_staff_member_no_longer_sees_or_acts_on_the_case, gen_7_a_unit_below_the_accused_routes_it_out,
    gen_7_an_accused_staff_member_never_sees_or_holds_the_accusation,
    gen_7_enumerated_the_accused_never_reaches_the_accusation, gen_7_for_the_accused_an_accusing_case_does_not_exist,
    gen_7_no_route_into_the_accused_reach, gen_7_only_the_registering_unit_reissues_the_query_code,
    gen_7_repeat_flags_never_link_to_an_accusation, gen_7_the_accused_is_named_from_the_staff_form_and_open311,
    gen_7_the_accused_is_set_later_and_every_guard_applies,
};
both_backends!(gen_7_a_recused_staff_member_no_longer_sees_or_acts_on_the_case);
both_backends!(gen_7_for_the_accused_an_accusing_case_does_not_exist);
both_backends!(gen_7_enumerated_the_accused_never_reaches_the_accusation);
both_backends!(gen_7_the_accused_is_set_later_and_every_guard_applies);
both_backends!(gen_7_the_accused_is_named_from_the_staff_form_and_open311);
both_backends!(gen_7_a_unit_below_the_accused_routes_it_out);
both_backends!(gen_7_no_route_into_the_accused_reach);
both_backends!(gen_7_only_the_registering_unit_reissues_the_query_code);
both_backends!(gen_7_repeat_flags_never_link_to_an_accusation);
both_backends!(gen_7_an_accused_staff_member_never_sees_or_holds_the_accusation);

/// FED-21: a major, urgent or collective visit alerts the leaders of the unit and of the unit above
/// at once; an ordinary one does not.
fn fed_21_major_or_collective_cases_alert_the_leaders(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let alerts = |who: &str| {
        let (_, n) = get(&w.server, &w.tokens[who], "/api/v1/notifications");
        n["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "alert").cloned().collect::<Vec<_>>()
    };
    w.register(visit());
    assert!(alerts("lead1").is_empty(), "an ordinary visit alerts nobody");
    let mut collective = visit();
    collective["headcount"] = json!(30);
    collective["representatives"] = json!(["甲", "乙", "丙"]);
    collective["flags"] = json!(["major_urgent"]);
    let id = w.register(collective);
    for who in ["lead1", "lead2", "chen", "zlead"] {
        let got = alerts(who);
        assert_eq!(got.len(), 1, "{who}: {got:?}");
        assert_eq!(got[0]["case_id"], id);
        assert!(got[0]["message"].as_str().unwrap().contains("30 人"), "{got:?}");
    }
    assert!(alerts("qlead").is_empty(), "two levels up is not alerted");
    assert!(alerts("wang").is_empty(), "officers are not alerted");
}
both_backends!(fed_21_major_or_collective_cases_alert_the_leaders);

/// COM-5, FED-21: 急事急办 — a case registered urgent is sorted and told within the urgent limits
/// (3 日, not 15) and alerts the leaders at once; an ordinary case marked abnormal (异常上访) on the
/// way alerts them as a collective one does, and marked urgent its open handling limit shortens.
fn com_5_urgent_matters_count_by_shorter_limits_and_alert_the_leaders(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let alerts = |who: &str| {
        let (_, n) = get(&w.server, &w.tokens[who], "/api/v1/notifications");
        n["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "alert").cloned().collect::<Vec<_>>()
    };
    let due = |id: i64, kind: &str| {
        let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
        deadline(&case, kind)["due"].as_str().unwrap().to_owned()
    };
    let ordinary = w.register(visit());
    let mut urgent = visit();
    urgent["flags"] = json!(["urgent"]);
    let id = w.register(urgent);
    assert!(due(id, "sorting") < due(ordinary, "sorting"), "3 日 against 15");
    let got = alerts("lead1");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0]["message"].as_str().unwrap().contains("急事急办"), "{got:?}");

    w.ok("wang", ordinary, "accept", json!({}));
    let sixty = due(ordinary, "handling");
    w.ok("wang", ordinary, "flag", json!({"flag": "abnormal", "reason": "来访人情绪激动,扬言过激行为"}));
    for who in ["lead1", "lead2", "zlead"] {
        let got = alerts(who);
        assert_eq!(got.len(), 2, "{who}: the holding unit and the unit above: {got:?}");
        assert!(
            got.iter().any(|a| a["case_id"] == ordinary && a["message"].as_str().unwrap().contains("标记为异常上访"))
        );
    }
    assert_eq!(due(ordinary, "handling"), sixty, "abnormal alone changes no limit");
    // Marked again, nobody is alerted again; a leader who marks it is not told of their own act.
    w.act("wang", ordinary, "flag", json!({"flag": "abnormal", "reason": "再次标记"}));
    assert_eq!(alerts("lead2").len(), 2, "once a flag");
    w.ok("lead1", ordinary, "flag", json!({"flag": "urgent", "reason": "断水断电,急事急办"}));
    assert!(due(ordinary, "handling") < sixty, "marked urgent, handling runs 15 日 from the day it is marked");
    assert_eq!((alerts("lead1").len(), alerts("lead2").len()), (2, 3), "the marker is not alerted, the others are");
    assert!(alerts("wang").is_empty() && alerts("cl").is_empty(), "officers are not alerted");
    // First in every queue (`sort=urgent`): an urgent case before one due sooner; the default order
    // by due date is the other way round.
    let mut late = visit();
    late["received_at"] = json!((chrono::Utc::now() - chrono::Duration::days(40)).format("%Y-%m-%d").to_string());
    let late = w.register(late);
    let order = |sort: &str| -> Vec<i64> {
        let (_, list) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases?status=open&sort={sort}"));
        list["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
    };
    let (by_due, urgent_first) = (order("due"), order("urgent"));
    let at = |ids: &[i64], id: i64| ids.iter().position(|x| *x == id).unwrap();
    assert!(at(&by_due, late) < at(&by_due, id), "by due date the late one leads: {by_due:?}");
    assert!(at(&urgent_first, id) < at(&urgent_first, late), "urgent first: {urgent_first:?}");
    assert_eq!(urgent_first.len(), by_due.len(), "the same cases");
    // The home page counts the open urgent cases before anything else.
    w.db.account("desk", "XS", huiyin_core::user::Role::Officer, Some("correct horse battery"));
    let (_, home) = common::Browser::sign_in(&w.server, "desk", "correct horse battery").page("/home");
    let first = home.find("急事急办在办").expect("the urgent count");
    assert!(home.find("网上信访待领取").is_some_and(|other| first < other), "counted first: {home}");
    assert!(home.contains("flag=urgent"), "its list is the open urgent cases: {home}");
}
both_backends!(com_5_urgent_matters_count_by_shorter_limits_and_alert_the_leaders);

/// SCH-7: a leader's instruction (批示); FED-19: liaison with 公检法司 is recorded.
fn sch_7_leader_instruction_and_fed_19_liaison(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "instruct", json!({"text": "请尽快办理"}), 403, "forbidden");
    w.refused("lead1", id, "instruct", json!({}), 422, "required");
    let case = w.ok("lead1", id, "instruct", json!({"text": "请维权办三日内核实并报告"}));
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["details"]["text"].as_str()),
        (Some("instructed"), Some("请维权办三日内核实并报告"))
    );
    w.refused("wang", id, "liaison", json!({"agency": "army", "summary": "x"}), 422, "not_a_choice");
    let case = w.ok("wang", id, "liaison", json!({"agency": "public_security", "summary": "已请派出所协助调查"}));
    assert_eq!(case["events"].as_array().unwrap().last().unwrap()["details"]["agency"], "public_security");
    w.ok("wang", id, "answer", json!({"answer": "已答复"}));
    w.refused("lead1", id, "instruct", json!({"text": "x"}), 409, "wrong_state");
}
both_backends!(sch_7_leader_instruction_and_fed_19_liaison);

/// CDR-3, GEN-9: a return visit after the reply records its outcome and rating; an unsatisfied
/// petitioner's case is reopened and its handling limit starts again. TWN-5: an owning leader.
fn cdr_3_return_visit_reopens_an_unsatisfied_case(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.refused("wang", id, "assign-leader", json!({"leader": "wang"}), 422, "unknown_unit");
    w.refused("wang", id, "assign-leader", json!({"leader": "lead1"}), 403, "forbidden");
    let led = w.ok("chen", id, "assign-leader", json!({"leader": "lead1"}));
    assert_eq!(
        (led["owner"].as_str(), led["owner_leader"].as_str()),
        (Some("wang"), Some("lead1")),
        "四包: owner and owning leader"
    );
    w.refused(
        "wang",
        id,
        "return-visit",
        json!({"method": "phone", "outcome": "o", "rating": "satisfied"}),
        409,
        "wrong_state",
    );
    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.ok("lead2", id, "approve", json!({}));
    w.ok("wang", id, "reply", json!({}));
    w.refused(
        "wang",
        id,
        "return-visit",
        json!({"method": "fax", "outcome": "o", "rating": "satisfied"}),
        422,
        "not_a_choice",
    );
    w.refused(
        "wang",
        id,
        "return-visit",
        json!({"method": "phone", "outcome": "o", "rating": "satisfied", "reopen": true}),
        422,
        "not_a_choice",
    );
    // A 不满意 rating opens the owner's return visit, the office's own step (CDR-3).
    let rated =
        w.ok("wang", id, "rate", json!({"office": "satisfied", "unit": "dissatisfied", "reason": "只付了一半"}));
    let task = deadline(&rated, "return_visit");
    assert!(task["met_at"].is_null() && task["due"].is_string(), "{task}");
    assert_eq!(task["owner"], "office", "{task}");
    let visited = w.ok(
        "wang",
        id,
        "return-visit",
        json!({"method": "phone", "outcome": "工资已付一半", "rating": "basically_satisfied"}),
    );
    assert_eq!(visited["status"], "replied");
    assert!(deadline(&visited, "return_visit")["met_at"].is_string(), "the visit meets it");
    let reopened = w.ok(
        "wang",
        id,
        "return-visit",
        json!({"method": "in_person", "outcome": "余款仍未支付", "rating": "dissatisfied", "reopen": true}),
    );
    assert_eq!(reopened["status"], "accepted", "不满意 reopens handling");
    let handling = deadline(&reopened, "handling");
    assert!(handling["met_at"].is_null() && handling["due"].is_string(), "{handling}");
    let last = reopened["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["details"]["rating"].as_str(), last["details"]["reopened"].as_bool()),
        (Some("dissatisfied"), Some(true))
    );
}
both_backends!(cdr_3_return_visit_reopens_an_unsatisfied_case);

/// FED-18, SCH-3: a case forwarded from above is registered with its source; once it has its
/// result, the result is reported back, and the unit above sees the report at once.
fn fed_18_forwarded_from_above_is_reported_back(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let mut forwarded = visit();
    forwarded["channel"] = json!("letter");
    forwarded["forwarded_from"] = json!({"unit": "DZ", "reference": "东信转〔2026〕3号"});
    let (status, err) = post(&w.server, &w.tokens["wang"], "/api/v1/cases", &forwarded);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("forwarded_from.unit")), "DZ is not above XS");
    forwarded["forwarded_from"] = json!({"unit": "XZ", "reference": "西信转〔2026〕12号"});
    let id = w.register(forwarded);
    let plain = w.register(visit());
    w.refused("wang", id, "report-back", json!({"summary": "已办结"}), 409, "wrong_state");
    w.ok("wang", id, "answer", json!({"answer": "已当场答复并协调解决"}));
    w.ok("wang", plain, "answer", json!({"answer": "已答复"}));
    w.refused("wang", plain, "report-back", json!({"summary": "x"}), 409, "not_forwarded");
    let case = w.ok("wang", id, "report-back", json!({"summary": "经协调,施工单位已支付全部欠薪,信访人满意。"}));
    assert_eq!(case["forwarded_from"]["reference"], "西信转〔2026〕12号");
    let (_, above) = get(&w.server, &w.tokens["chen"], &format!("/api/v1/cases/{id}"));
    let last = above["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["details"]["to_unit"].as_str()), (Some("reported_back"), Some("XZ")));
    let (_, told) = get(&w.server, &w.tokens["chen"], "/api/v1/notifications");
    assert!(
        told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "reported_back" && n["case_id"] == id),
        "{told}"
    );
}
both_backends!(fed_18_forwarded_from_above_is_reported_back);

fn put(w: &World, who: &str, path: &str, body: &Value) -> (u16, Value) {
    common::put(&w.server, &w.tokens[who], path, body)
}

/// The bytes at `path` (a PDF), with the content type.
fn fetch(w: &World, who: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut resp = common::agent()
        .get(w.server.url(path))
        .header("Authorization", &format!("Bearer {}", w.tokens[who]))
        .call()
        .expect("request");
    let status = resp.status().as_u16();
    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = resp.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap();
    (status, kind, bytes)
}

fn text_of(pdf: &[u8]) -> String {
    let text = huiyin_pdf::extract_text(pdf).expect("pdftotext (Debian poppler-utils) reads the PDF back");
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// GEN-3, GEN-4, TWN-10, FED-13: each step's notice or record is issued as a PDF under the unit's
/// letterhead, kept with its hash and served unchanged on every reprint.
fn gen_3_documents_are_issued_as_pdf_and_reprints_are_identical(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let letterhead = json!({"letterhead": "西山社区居民委员会", "signature": ["西山社区居民委员会", "(盖章)"]});
    assert_eq!(put(&w, "wang", "/api/v1/units/XS/letterhead", &letterhead).0, 403, "administrators only");
    let (status, err) = put(&w, "boss", "/api/v1/units/XS/letterhead", &json!({"letterhead": "西山", "signature": []}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("signature")));
    let (status, set) = put(&w, "boss", "/api/v1/units/XS/letterhead", &letterhead);
    assert_eq!((status, set["own"].as_bool()), (200, Some(true)), "{set}");

    let id = w.register(visit());
    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "investigation", json!({"text": "11月22日到工地核实,包工头承认拖欠。"}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.ok("lead2", id, "approve", json!({}));
    let replied = w.ok("wang", id, "reply", json!({}));
    let number = replied["case_number"].as_str().unwrap().to_owned();

    let (status, docs) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}/documents"));
    assert_eq!(status, 200, "{docs}");
    let kinds: Vec<&str> = docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    // A visit outside a leader's reception session is given no TWN-10 register (see reception.rs).
    assert_eq!(kinds, ["receipt", "acceptance-notice", "investigation-record", "opinion"]);
    let doc = |kind: &str| docs.as_array().unwrap().iter().find(|d| d["kind"] == kind).unwrap().clone();

    let acceptance = doc("acceptance-notice");
    let (status, media, pdf) = fetch(&w, "wang", acceptance["url"].as_str().unwrap());
    assert_eq!((status, media.as_str()), (200, "application/pdf"));
    let text = text_of(&pdf);
    for expected in
        [number.as_str(), "信访事项受理告知书", "西山社区居民委员会", "(盖章)", "工地拖欠工资三个月", "依法受理"]
    {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    let opinion_text = text_of(&fetch(&w, "wang", doc("opinion")["url"].as_str().unwrap()).2);
    assert!(
        opinion_text.contains("信访事项处理意见书") && opinion_text.contains("责成施工单位十日内支付"),
        "{opinion_text}"
    );

    // A new letterhead prints on documents issued from now on; those issued stay as issued.
    let newer = json!({"letterhead": "西山社区党群服务中心", "signature": ["西山社区党群服务中心"]});
    assert_eq!(put(&w, "boss", "/api/v1/units/XS/letterhead", &newer).0, 200);
    let (_, again) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}/documents"));
    assert_eq!(again, docs, "the same documents, the same hashes");
    assert_eq!(
        fetch(&w, "wang", acceptance["url"].as_str().unwrap()).2,
        pdf,
        "a reprint is byte-for-byte the original"
    );
    let rated =
        w.ok("wang", id, "return-visit", json!({"method": "phone", "outcome": "已按期支付", "rating": "satisfied"}));
    assert_eq!(rated["status"], "replied");
    let (_, latest) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}/documents"));
    let visit = latest.as_array().unwrap().last().unwrap().clone();
    assert_eq!(visit["kind"], "return-visit-record");
    let visit_text = text_of(&fetch(&w, "wang", visit["url"].as_str().unwrap()).2);
    assert!(visit_text.contains("西山社区党群服务中心") && visit_text.contains("已按期支付"), "{visit_text}");

    // Out of scope, or an unknown kind: not found.
    assert_eq!(get(&w.server, &w.tokens["dong"], &format!("/api/v1/cases/{id}/documents")).0, 404);
    assert_eq!(fetch(&w, "wang", &format!("/api/v1/cases/{id}/documents/no-such-kind/1")).0, 404);
    assert_eq!(fetch(&w, "wang", &format!("/api/v1/cases/{id}/documents/opinion/999")).0, 404);
}
both_backends!(gen_3_documents_are_issued_as_pdf_and_reprints_are_identical);

/// FED-4, SCH-9 (亮证服务): a staff member's name, title and credential number, given with `huiyin
/// user add` or set by an administrator through the API, print on the registration records they
/// take; papers name units and people by their names, never codes and logins, and write dates the
/// Chinese way.
fn fed_4_sch_9_papers_carry_names_titles_and_credentials(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let card = json!({"display_name": "王秀英", "title": "接访员", "credential": "XS-001"});
    assert_eq!(put(&w, "wang", "/api/v1/users/wang/card", &card).0, 403, "an officer, not an administrator");
    let (status, bad) =
        put(&w, "boss", "/api/v1/users/wang/card", &json!({"display_name": "王秀英", "credential": "XS\n001"}));
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("credential")), "{bad}");
    let (status, bad) = put(&w, "boss", "/api/v1/users/wang/card", &json!({"title": "接访员"}));
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("display_name")), "{bad}");
    // An administrator sets the title and credential; a name is the operator's to change (GEN-7: an
    // online accusation finds the accused staff member by name).
    let renamed = json!({"display_name": "王秀云", "title": "接访员"});
    let (status, err) = put(&w, "boss", "/api/v1/users/wang/card", &renamed);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("display_name")), "{err}");
    let renamed = w.db.cli(&["user", "card", "wang", "--name", "王秀英", "--title", "接访员"]);
    assert!(renamed.contains("王秀英（接访员）"), "{renamed}");
    let (status, set) = put(&w, "boss", "/api/v1/users/wang/card", &card);
    assert_eq!((status, set["title"].as_str(), set["credential"].as_str()), (200, Some("接访员"), Some("XS-001")));
    assert_eq!(put(&w, "cl", "/api/v1/users/wang/card", &card).0, 403, "an officer administers nobody");
    assert_eq!(put(&w, "boss", "/api/v1/users/_online/card", &card).0, 404, "nor the system accounts");
    let added = w.db.cli(&[
        "user",
        "add",
        "liu",
        "--unit",
        "XS-CL",
        "--role",
        "handler",
        "--name",
        "刘承办",
        "--title",
        "维权干事",
        "--credential",
        "CL-007",
    ]);
    assert!(added.contains("刘承办（维权干事，工作证号 CL-007）"), "{added}");

    let id = w.register(visit());
    w.ok("wang", id, "assign", json!({"unit": "XS-CL", "owner": "liu"}));
    let (_, docs) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}/documents"));
    let text = |kind: &str| {
        let doc = docs.as_array().unwrap().iter().find(|d| d["kind"] == kind).unwrap().clone();
        text_of(&fetch(&w, "wang", doc["url"].as_str().unwrap()).2)
    };
    let year = chrono::Utc::now().format("%Y年").to_string();
    let receipt = text("receipt");
    assert!(receipt.contains("首问责任人王秀英（接访员，工作证号XS-001）"), "{receipt}");
    assert!(receipt.contains(&year) && !receipt.contains("wang"), "{receipt}");
    let letter = text("assignment-letter");
    assert!(letter.contains("西山社区残联：") || letter.contains("西山社区残联:"), "addressed by name: {letter}");
    assert!(letter.contains("包案人:刘承办（维权干事）"), "{letter}");
    assert!(!letter.contains("XS-CL:") && !letter.contains("liu"), "no code or login: {letter}");
}
both_backends!(fed_4_sch_9_papers_carry_names_titles_and_credentials);

/// TWN-11, FED-10: a leader who does not agree returns the draft with a comment instead of
/// approving it: the approvals given lapse, the drafter is told, and the new draft goes to the
/// leaders again.
fn twn_11_a_leader_returns_the_draft_with_a_comment(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let id = w.register(visit());
    w.ok("wang", id, "accept", json!({}));
    w.refused("lead1", id, "return-opinion", json!({"comment": "请补充依据"}), 409, "wrong_state");
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.refused("wang", id, "return-opinion", json!({"comment": "请补充依据"}), 403, "forbidden");
    let (status, err) = w.act("lead2", id, "return-opinion", json!({"comment": " "}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("comment")), "{err}");
    let returned = w.ok("lead2", id, "return-opinion", json!({"comment": "依据请写明具体条款"}));
    assert_eq!(returned["status"], "accepted", "back to drafting");
    let last = returned["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["details"]["comment"].as_str()),
        (Some("opinion_returned"), Some("依据请写明具体条款"))
    );
    w.refused("lead1", id, "approve", json!({}), 409, "wrong_state");
    let told = |who: &str| {
        let (_, n) = get(&w.server, &w.tokens[who], "/api/v1/notifications");
        n["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "opinion_returned").cloned().collect::<Vec<_>>()
    };
    let drafter = told("wang");
    assert_eq!(drafter.len(), 1, "{drafter:?}");
    let message = drafter[0]["message"].as_str().unwrap();
    assert!(
        message.contains("退回") && !message.contains("依据请写明具体条款"),
        "the comment stays on the case: {message}"
    );
    assert!(told("lead1").is_empty() && told("lead2").is_empty());
    // The new draft needs both approvals again: the first one lapsed with the returned draft.
    w.ok("wang", id, "opinion", opinion());
    assert_eq!(w.ok("lead1", id, "approve", json!({}))["status"], "awaiting_approval");
    assert_eq!(w.ok("lead2", id, "approve", json!({}))["status"], "approved");
}
both_backends!(twn_11_a_leader_returns_the_draft_with_a_comment);

/// FED-13: the settled cases of a year are bound into one volume with a cover, the contents and
/// every case's documents; open cases stay out; a year without settled cases binds nothing.
fn fed_13_archive_volume_binds_the_settled_cases(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let answered = w.register(visit());
    let closed = w.ok("wang", answered, "answer", json!({"answer": "已告知可向劳动保障监察大队投诉。"}));
    let mut other = visit();
    other["content"] = json!("残疾人两项补贴停发,请求恢复。");
    let rejected = w.register(other);
    let not_accepted =
        w.ok("wang", rejected, "reject", json!({"reason": "已进入诉讼程序", "channel": "通过诉讼程序解决"}));
    let open = w.register(visit());
    let open_number = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{open}")).1["case_number"].clone();
    let year =
        chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y").to_string();
    let out = w.db.dir.0.join("volume.pdf");
    let printed = w.db.cli(&["archive", "build", "--unit", "XS", "--year", &year, "--output", out.to_str().unwrap()]);
    assert!(printed.contains("2 件"), "{printed}");
    let text = text_of(&std::fs::read(&out).unwrap());
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} not in {text}"));
    assert!(at("信访档案") < at("卷内目录"), "the cover comes first");
    for case in [&closed, &not_accepted] {
        let number = case["case_number"].as_str().unwrap();
        assert!(text.matches(number).count() >= 3, "{number} in the contents and on its documents");
    }
    assert!(text.contains("信访事项不予受理告知书") && text.contains("通过诉讼程序解决"));
    assert!(!text.contains(open_number.as_str().unwrap()), "an open case is not archived");
    let (ok, _, err) = w.db.try_cli(&["archive", "build", "--unit", "XS", "--year", "2020"], None);
    assert!(!ok && err.contains("没有已办结的信访件"), "{err}");
}
both_backends!(fed_13_archive_volume_binds_the_settled_cases);

/// FED-10: an overdue step opens a supervision item, which issues a 督办单.
fn fed_10_an_overdue_case_issues_a_supervision_slip(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let mut late = visit();
    late["received_at"] = json!("2026-09-01");
    let id = w.register(late);
    w.db.cli(&["supervise"]);
    let (status, docs) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}/documents"));
    assert_eq!(status, 200, "{docs}");
    let slip = docs.as_array().unwrap().iter().find(|d| d["kind"] == "supervision-slip").cloned().expect("a 督办单");
    let text = text_of(&fetch(&w, "wang", slip["url"].as_str().unwrap()).2);
    assert!(text.contains("信访事项督办单") && text.contains("已于2026年"), "dates the Chinese way: {text}");
    assert!(text.contains("责任单位西山社区") && !text.contains("XS:"), "units by name: {text}");
}
both_backends!(fed_10_an_overdue_case_issues_a_supervision_slip);

/// GEN-5: a unit may route review requests higher than the unit above it.
fn gen_5_review_goes_to_the_configured_level(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let (_, limits) = get(&w.server, &w.tokens["boss"], "/api/v1/units/XS/limits");
    let mut rules = limits["rules"].clone();
    assert_eq!(rules["review_levels_up"], 1, "the unit above by default");
    rules["approvals_required"] = json!(1);
    rules["review_levels_up"] = json!(9);
    let (status, err) = put(&w, "boss", "/api/v1/units/XS/limits", &json!({ "rules": rules }));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("rules.review_levels_up")));
    rules["review_levels_up"] = json!(2);
    assert_eq!(put(&w, "boss", "/api/v1/units/XS/limits", &json!({ "rules": rules })).0, 200);
    let id = w.register(visit());
    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.ok("wang", id, "reply", json!({}));
    let review = w.ok("wang", id, "review-request", json!({"reason": "对处理意见不服,申请复查"}));
    assert_eq!(review["holding_unit"], "QX", "two levels up: the county, not the town");
}
both_backends!(gen_5_review_goes_to_the_configured_level);

/// CDR-2, TWN-5: 四包 — a case always has exactly one owning person and an owning leader, both
/// visible; a case outside the cadre's remit goes to the responsible cadre by a recorded hand-off.
fn cdr_2_one_owner_one_owning_leader_and_handover_is_an_event(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    w.db.cli(&["user", "add", "li", "--unit", "XS", "--role", "officer", "--name", "李网格"]);
    let id = w.register(visit());
    let (_, case) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
    assert_eq!((case["owner"].as_str(), case["owner_leader"].as_str()), (Some("wang"), None), "包接待: the receiver");
    w.ok("chen", id, "assign-leader", json!({"leader": "lead1"}));
    let handed = w.ok("wang", id, "hand-off", json!({"to_user": "li", "reason": "不属本人包片,交网格员李某"}));
    assert_eq!(
        (handed["owner"].as_str(), handed["owner_leader"].as_str(), handed["first_receiver"].as_str()),
        (Some("li"), Some("lead1"), Some("wang")),
        "one owner at a time, the owning leader stays, the first receiver is kept"
    );
    let last = handed["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["details"]["to_user"].as_str()), (Some("handed_off"), Some("li")));
}
both_backends!(cdr_2_one_owner_one_owning_leader_and_handover_is_an_event);

/// A request without an account.
fn public_post(w: &World, path: &str, body: Value) -> (u16, Value) {
    common::json(
        common::agent().post(w.server.url(path)).header("Content-Type", "application/json").send(body.to_string()),
    )
}

/// GEN-9, GEN-5, GEN-11: after the reply the petitioner, without an account, rates the petition
/// office and the handling unit once, and asks for review from the same lookup; a wrong code is
/// refused as the lookup refuses it, and a second rating (by anyone) is refused.
fn gen_9_gen_5_the_petitioner_rates_and_asks_for_review_without_an_account(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let (status, case) = post(&w.server, &w.tokens["wang"], "/api/v1/cases", &visit());
    assert_eq!(status, 201, "{case}");
    let (id, number, code) = (
        case["id"].as_i64().unwrap(),
        case["case_number"].as_str().unwrap().to_owned(),
        case["query_code"].as_str().unwrap().to_owned(),
    );
    let rating = |code: &str, body: Value| {
        let mut body = body;
        body["query_code"] = json!(code);
        public_post(&w, &format!("/api/v1/public/cases/{number}/rating"), body)
    };
    let lookup = || {
        common::json(
            common::agent().get(w.server.url(&format!("/api/v1/public/cases/{number}?query_code={code}"))).call(),
        )
        .1
    };
    assert_eq!(lookup()["rate_until"], Value::Null, "nothing to rate before the reply");
    let (status, early) = rating(&code, json!({"office": "satisfied", "unit": "satisfied"}));
    assert_eq!((status, early["error"]["code"].as_str()), (409, Some("wrong_state")), "{early}");

    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.ok("lead2", id, "approve", json!({}));
    w.ok("wang", id, "reply", json!({}));
    let before = lookup();
    assert!(before["rate_until"].is_string() && before["review_until"].is_string(), "{before}");

    let wrong = if code.starts_with('1') { "2222-2222" } else { "1111-1111" };
    let (status, _) = rating(wrong, json!({"office": "satisfied", "unit": "satisfied"}));
    assert_eq!(status, 404, "a wrong code is refused as the lookup refuses it");
    let (status, bad) = rating(&code, json!({"office": "satisfied", "unit": "great"}));
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("unit")), "{bad}");
    let (status, rated) =
        rating(&code, json!({"office": "satisfied", "unit": "dissatisfied", "reason": "钱只付了一半"}));
    assert_eq!(status, 200, "{rated}");
    assert_eq!(rated["rate_until"], Value::Null, "rated once");
    assert!(rated["timeline"].as_array().unwrap().iter().any(|s| s["kind"] == "rated"), "{rated}");
    let (status, again) = rating(&code, json!({"office": "satisfied", "unit": "satisfied"}));
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_rated")), "{again}");
    w.refused("wang", id, "rate", json!({"office": "satisfied", "unit": "satisfied"}), 409, "already_rated");

    // The review request from the lookup page: the reason is required.
    let (status, page) =
        page_post(&w, "/public/review", &[("case_number", &number), ("query_code", &code), ("reason", "")]);
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("请填写"), "{page}");
    let (status, page) = page_post(
        &w,
        "/public/review",
        &[("case_number", &number), ("query_code", &code), ("reason", "工资只付了一半,处理意见没有落实")],
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("复查申请已提交"), "{page}");
    let after = lookup();
    assert_eq!(after["review_until"], Value::Null, "{after}");
    assert!(after["timeline"].as_array().unwrap().iter().any(|s| s["kind"] == "review_requested"), "{after}");
    let (_, staff) = get(&w.server, &w.tokens["wang"], &format!("/api/v1/cases/{id}"));
    let actors: Vec<&str> = staff["events"].as_array().unwrap().iter().filter_map(|e| e["actor"].as_str()).collect();
    assert!(actors.contains(&"_online"), "the petitioner's steps are recorded by the online intake: {actors:?}");
}
both_backends!(gen_9_gen_5_the_petitioner_rates_and_asks_for_review_without_an_account);

/// A public page posted as a form: (status, text).
fn page_post(w: &World, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut resp = common::agent().post(w.server.url(path)).send_form(form.iter().copied()).expect("request failed");
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
}

/// GEN-9: a 不满意 rating says why, from staff and from the petitioner alike, and staff read the
/// ratings and the reason in the case's record.
fn gen_9_a_dissatisfied_rating_says_why(backend: Backend) {
    let Some(w) = World::new(backend) else { return };
    let (_, case) = post(&w.server, &w.tokens["wang"], "/api/v1/cases", &visit());
    let (id, number, code) = (
        case["id"].as_i64().unwrap(),
        case["case_number"].as_str().unwrap().to_owned(),
        case["query_code"].as_str().unwrap().to_owned(),
    );
    w.ok("wang", id, "accept", json!({}));
    w.ok("wang", id, "opinion", opinion());
    w.ok("lead1", id, "approve", json!({}));
    w.ok("lead2", id, "approve", json!({}));
    w.ok("wang", id, "reply", json!({}));
    let (status, err) = w.act("wang", id, "rate", json!({"office": "satisfied", "unit": "dissatisfied"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")), "{err}");
    let (status, err) =
        w.act("wang", id, "rate", json!({"office": "dissatisfied", "unit": "satisfied", "reason": " "}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")), "{err}");
    let (status, err) = public_post(
        &w,
        &format!("/api/v1/public/cases/{number}/rating"),
        json!({"query_code": code, "office": "satisfied", "unit": "dissatisfied"}),
    );
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("reason")), "{err}");
    let rated =
        w.ok("wang", id, "rate", json!({"office": "satisfied", "unit": "dissatisfied", "reason": "钱只付了一半"}));
    let event = rated["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(event["kind"], "rated");
    assert_eq!(event["details"], json!({"office": "satisfied", "unit": "dissatisfied", "reason": "钱只付了一半"}));
}
both_backends!(gen_9_a_dissatisfied_rating_says_why);
