//! 第一篇《西山社区残联信访接待制度》, walked from its preset section by section through the command
//! line and the HTTP API (issue 22, part 7): each step is a sentence of the document that asks
//! something of software, named by its rule ID, with what the software does asserted.
//!
//! Sentences about conduct alone, and the software's part of them:
//! - 三、1 “六个一”(一张笑脸相迎、一把椅子相让、一杯茶水相敬、一声问候相送、忙时闲时一个样、对人对己
//!   一个样): courtesy at the counter, no software part; 转变工作作风 likewise.
//! - 二、5 “化解矛盾,疏理情绪……防止事态恶化” and 四、7 “作好来访残疾人劝解息访工作”: conduct; the
//!   software's part is the leaders' alert at once (FED-21) and the collective flag (FED-6), below.
//! - 四、5 “研究决定处理意见”: the decision is people's; the software records the liaison (FED-19).

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{
    Backend, Db, Server, act_ok as act, agent, flags_of as flags, get, json as json_of, post, put,
    register_case as register,
};

fn alerts(server: &Server, token: &str) -> Vec<Value> {
    let (_, n) = get(server, token, "/api/v1/notifications");
    n["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "alert").cloned().collect()
}

fn document_titles(server: &Server, token: &str, case: &Value) -> String {
    get(server, token, &format!("/api/v1/cases/{}/documents", case["id"])).1.to_string()
}

fn seed_federation_walks_the_federations_reception_system(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    // The federation in its community, under the street office (报社区及街道), beside another
    // community a matter outside its mandate is transferred to (FED-17).
    db.cli(&["unit", "add", "JD", "--name", "西山街道", "--kind", "town"]);
    db.cli(&["unit", "add", "SQ", "--name", "西山社区", "--kind", "community", "--parent", "JD"]);
    db.cli(&["unit", "add", "DC", "--name", "东城社区", "--kind", "community", "--parent", "JD"]);
    let out = db.cli(&[
        "init",
        "--preset",
        "federation",
        "--code",
        "CL",
        "--name",
        "西山社区残联",
        "--hotline",
        "0432-62766233",
        "--merge",
        "--parent",
        "SQ",
    ]);
    assert!(out.contains("✓ 已添加单位"), "{out}");
    let li = db.account("li", "CL", Role::Officer, None);
    let wq = db.account("wq", "CL-WQB", Role::Officer, None);
    let lead = db.account("lead", "CL", Role::Leader, None);
    let admin = db.account("admin", "CL", Role::Admin, None);
    let sq = db.account("sq", "SQ", Role::Supervisor, None);
    let server = Server::start(&db);
    let person = json!({"name": "王残疾", "phone": "13912345678", "address": "西山社区向阳街 12 号"});
    let visit = |category: &str, content: &str| json!({"channel": "visit", "unit": "CL", "petitioner": person, "category": category, "content": content});

    // 一、信访工作采用首问责任制原则,配备专职信访员 (FED-1, FED-2): the officers are the unit's
    // 专职信访员; the first one asked is the first receiver, and hands what cannot be solved at once
    // to the 维权办 (当时不能解决的要及时交办残联维权办).
    let (_, terms) = get(&server, &admin, "/api/v1/units/CL/terms");
    assert_eq!(terms["terms"]["roles"]["officer"], "专职信访员", "FED-2: {terms}");
    let first = register(&server, &li, &visit("残疾人福利", "残疾人两项补贴停发三个月。"));
    assert_eq!(first["first_receiver"], "li", "FED-1");
    let handed = act(&server, &li, &first, "hand-off", json!({"to_user": "wq", "reason": "当时不能解决,交办维权办"}));
    assert_eq!((handed["first_receiver"].as_str(), handed["holding_unit"].as_str()), (Some("li"), Some("CL-WQB")));

    // 二、1 每周一至周五均为信访接待日,有专人负责接待来信来访及来电。信访接待热线 (FED-3).
    let (status, public) = json_of(agent().get(server.url("/api/v1/public/units/CL")).call());
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["hotline"], "0432-62766233", "FED-3: the hotline");
    assert!(public["office_hours"].as_str().unwrap().starts_with("周一至周五"), "FED-3: {public}");
    for channel in ["letter", "phone"] {
        let mut taken = visit("残疾人福利", "咨询残疾证办理。");
        taken["channel"] = json!(channel);
        assert_eq!(register(&server, &li, &taken)["channel"], channel, "FED-3: letters and calls too");
    }

    // 二、2 按照每周的接待日安排表,领导必须坚持在信访办公室 (FED-3), 二、3 接待领导必须持证上岗,
    // 实行亮证服务 (FED-4): each weekday's leader with title and credential, shown publicly.
    let week: Vec<Value> = (1..=5)
        .map(|d| json!({"weekday": d, "leader": format!("领导{d}"), "title": "残联理事长", "credential": format!("CL-00{d}")}))
        .collect();
    assert_eq!(put(&server, &admin, "/api/v1/units/CL/reception-schedule", &json!({"days": week})).0, 200);
    let (_, public) = json_of(agent().get(server.url("/api/v1/public/units/CL")).call());
    let shown = public["reception_schedule"].as_array().unwrap();
    assert_eq!(shown.len(), 5, "FED-3: Monday to Friday");
    assert_eq!((shown[0]["weekday_label"].as_str(), shown[0]["credential"].as_str()), (Some("周一"), Some("CL-001")));

    // 二、4 接待日必须有信访登记,对重大突出信访问题要记录在案,并及时向上级部门汇报情况 (FED-5).
    let major = register(&server, &li, &visit("残疾人福利", "二十余名残疾人反映托养机构停办。"));
    let reported = act(&server, &li, &major, "report-up", json!({"summary": "重大突出:托养机构停办涉及二十余人"}));
    assert_eq!(reported["events"].as_array().unwrap().last().unwrap()["details"]["to_unit"], "SQ", "FED-5");
    assert_eq!(get(&server, &sq, &format!("/api/v1/cases/{}", major["id"])).0, 200, "FED-5: the level above reads it");

    // 二、5 对集体信访事件 (FED-6, FED-21): a collective visit is flagged and the leaders told at once.
    let mut collective = visit("残疾人福利", "六名残疾人共同反映无障碍通道被占。");
    collective["headcount"] = json!(6);
    collective["representatives"] = json!(["王残疾", "李残疾"]);
    let collective = register(&server, &li, &collective);
    assert!(flags(&collective).contains(&"collective"), "FED-6: {collective}");
    assert!(alerts(&server, &lead).iter().any(|a| a["case_id"] == collective["id"]), "FED-21: the leader is told");

    // 二、6 对接待当天的一般信访事件,由接待人员包案处理,对重大突出信访案件,报社区及街道 (FED-7).
    let ordinary = register(&server, &li, &visit("残疾人福利", "反映助残服务站开放时间短。"));
    assert_eq!(ordinary["owner"], "li", "FED-7: the receiver owns the day's ordinary case");
    let escalated = act(&server, &li, &major, "escalate", json!({"reason": "重大突出,报社区处理"}));
    assert_eq!(escalated["holding_unit"], "SQ", "FED-7: escalated to the community");

    // 二、7 接待日的工作人员要保证在岗位……对因缺岗造成信访投诉的,要实行责任追究 (FED-8, FED-12):
    // an absence complained of is traced to the person on the rota, investigated and concluded above.
    let today = chrono::Utc::now().with_timezone(&huiyin_core::case::CHINA_OFFSET).date_naive();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let on_duty = json!({"person": "li", "reason": "接待日安排"});
    assert_eq!(put(&server, &admin, &format!("/api/v1/units/CL/duty/days/{yesterday}"), &on_duty).0, 204);
    let absence = json!({"unit": "CL", "kind": "absence", "source": "phone", "occurred_on": yesterday,
        "account": "昨天上午到残联接待室,无人值班。", "complainant": "赵投诉", "phone": "13900001111"});
    let (status, complaint) = post(&server, &lead, "/api/v1/complaints", &absence);
    assert_eq!(status, 201, "{complaint}");
    assert_eq!(complaint["staff"]["username"], "li", "FED-8: traced to the rota: {complaint}");
    let conclusion = json!({"finding": "founded", "summary": "当日擅离岗位属实", "measure": "批评教育,调整值班"});
    let (status, concluded) =
        post(&server, &sq, &format!("/api/v1/complaints/{}/conclude", complaint["id"]), &conclusion);
    assert_eq!(status, 200, "FED-12: concluded above: {concluded}");

    // 三、1 四要: 耐心听陈述、详细做纪录、符合政策的解答、宣传政策 (FED-9): the answer cites the
    // regulation's article from the policy library.
    let (_, library) = get(&server, &li, "/api/v1/policies");
    let regulation = library.as_array().unwrap().iter().find(|p| p["title"] == "信访工作条例").unwrap()["id"].clone();
    let asked = register(&server, &li, &visit("残疾人福利", "询问对处理意见不服怎么办。"));
    let answered = act(
        &server,
        &li,
        &asked,
        "answer",
        json!({"answer": "可自收到书面答复之日起30日内请求复查。", "articles": [format!("{regulation}:35")]}),
    );
    let last = answered["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["details"]["cited"][0]["label"], "《信访工作条例》第三十五条", "FED-9, FED-15: {last}");

    // 三、2 对信访事项不得推诿、敷衍、拖延 (FED-10): every step has its deadline.
    let kinds: Vec<&str> =
        ordinary["deadlines"].as_array().unwrap().iter().filter_map(|d| d["kind"].as_str()).collect();
    assert!(kinds.contains(&"sorting") && kinds.contains(&"notice"), "FED-10: {kinds:?}");

    // 三、3 件件有着落、事事有回音,防止初信初访转变为重复访、越级访 (FED-11): a repeat is known at intake.
    let again = register(&server, &li, &visit("残疾人福利", "残疾人两项补贴停发三个月。"));
    assert!(flags(&again).contains(&"repeat"), "FED-11: {again}");

    // 三、5 维权办要认真逐件将……内容、调查笔录及处理结果分类保存,装订成册,存档备查 (FED-13).
    act(&server, &wq, &first, "accept", json!({}));
    let noted = act(&server, &wq, &first, "investigation", json!({"text": "入户核实,补贴因年审漏报停发。"}));
    assert_eq!(noted["events"].as_array().unwrap().last().unwrap()["kind"], "investigation_noted", "FED-13");

    let volume = db.dir.0.join("volume.pdf");
    let year = today.format("%Y").to_string();
    let bound = db.cli(&["archive", "build", "--unit", "CL", "--year", &year, "--output", volume.to_str().unwrap()]);
    assert!(bound.contains("件") && volume.exists(), "FED-13: the year's settled cases bound: {bound}");

    // 三、6 每半年对信访员进行一次业务培训 (FED-14).
    let held_on = (today - chrono::Days::new(20)).to_string();
    let training = json!({"held_on": held_on, "topic": "《信访工作条例》解读", "hours": 2.5, "trainer": "县残联",
                          "attendees": ["li", "wq"]});
    assert_eq!(post(&server, &admin, "/api/v1/training", &training).0, 201, "FED-14");
    let (_, standing) = get(&server, &admin, "/api/v1/training/standing");
    assert!(standing.to_string().contains(&held_on), "FED-14: {standing}");

    // 四、2 属于残联职责范围内解决的……填写《残疾人来信来访来电交办函》后交办处理 (FED-16).
    let within = register(&server, &li, &visit("残疾人福利", "反映辅具适配申请无人受理。"));
    act(&server, &li, &within, "assign", json!({"unit": "CL-WQB"}));
    assert!(document_titles(&server, &li, &within).contains("残疾人来信来访来电交办函"), "FED-16");

    // 四、3 不属于残联辖及职责范围的……按属地管理的原则填写转办函后,转给相关单位处理 (FED-17).
    let outside = register(&server, &li, &visit("拖欠农民工工资", "东城社区工地拖欠工资。"));
    act(&server, &li, &outside, "transfer", json!({"unit": "DC"}));
    assert!(document_titles(&server, &li, &outside).contains("群众来信来访来电转办函"), "FED-17");

    // 四、4 对上级残联批转办理的信件……如实向上级残联反馈办理结果 (FED-18).
    let mut forwarded = visit("残疾人福利", "来信反映残疾人就业补贴未落实。");
    forwarded["channel"] = json!("letter");
    forwarded["forwarded_from"] = json!({"unit": "SQ", "reference": "西社信转〔2026〕8号"});
    let forwarded = register(&server, &li, &forwarded);
    act(&server, &li, &forwarded, "answer", json!({"answer": "已协调落实补贴。"}));
    let back = act(&server, &li, &forwarded, "report-back", json!({"summary": "已协调落实,信访人满意。"}));
    assert_eq!(back["events"].as_array().unwrap().last().unwrap()["details"]["to_unit"], "SQ", "FED-18");

    // 四、5 对要案、重特大案件,积极与公、检、法、司相关部门联系衔接 (FED-19).
    let liaison =
        act(&server, &li, &ordinary, "liaison", json!({"agency": "public_security", "summary": "已请派出所协助"}));
    assert_eq!(liaison["events"].as_array().unwrap().last().unwrap()["details"]["agency"], "public_security", "FED-19");

    // 四、6 来信表达不清、具体信访诉求不明确而又没法联系信访人的,作登记处理 (FED-20).
    let unclear = json!({"channel": "letter", "unit": "CL", "category": "其他", "content": "字迹不清,无署名,无地址。"});
    let unclear = register(&server, &li, &unclear);
    let kept = act(&server, &li, &unclear, "register-only", json!({"reason": "诉求不明,无法联系来信人"}));
    assert_eq!(kept["status"], "registered_only", "FED-20");

    // 四、7 对重大、紧急的信访或集体访、异常上访的……及时报告领导 (FED-21).
    let mut abnormal = visit("残疾人福利", "来访人情绪激动,扬言过激行为。");
    abnormal["flags"] = json!(["abnormal"]);
    let abnormal = register(&server, &li, &abnormal);
    assert!(alerts(&server, &lead).iter().any(|a| a["case_id"] == abnormal["id"]), "FED-21: abnormal alerts");
}
both_backends!(seed_federation_walks_the_federations_reception_system);
