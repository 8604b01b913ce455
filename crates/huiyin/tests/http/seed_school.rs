//! 第五篇《信访接待制度》(学校), walked from its preset section by section through the command
//! line and the HTTP API (issue 22, part 7): each step is a sentence of the document that asks
//! something of software, named by its rule ID, with what the software does asserted.
//!
//! Sentences about conduct alone, and the software's part of them:
//! - 四、1 “接待人员应态度和蔼,文明礼貌,认真耐心地听取来访人员的意见” — courtesy is conduct; the
//!   software's part is the detailed record of what was said (the statement field, FED-9) and the
//!   explanation recorded with what cannot be granted (SCH-6, below).
//! - 四、3 “亦不得要求来信来访人员为自己办私事” — conduct alone: no software part beyond the
//!   complaint against a staff member (FED-12), which any unit's petitioner may file.
//! - The preamble (“为进一步提高校园安全管理水平……”) states aims: no software part.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Db, Server, agent, flags_of as flags, get, json as json_of, post, put, register_case};

fn act(server: &Server, token: &str, id: &Value, action: &str, body: Value) -> (u16, Value) {
    post(server, token, &format!("/api/v1/cases/{id}/{action}"), &body)
}

fn seed_school_walks_the_school_reception_system(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    // The school under the county's education bureau, which assigns it cases (SCH-3).
    db.cli(&["unit", "add", "JYJ", "--name", "西山县教育局", "--kind", "agency"]);
    let out = db.cli(&[
        "init",
        "--preset",
        "school",
        "--code",
        "XX",
        "--name",
        "西山中学",
        "--hotline",
        "0432-6276623",
        "--merge",
        "--parent",
        "JYJ",
    ]);
    assert!(out.contains("✓ 已添加单位"), "{out}");
    let zhou = db.account("zhou", "XX", Role::Officer, None);
    db.account("chen", "XX", Role::Officer, None);
    let head = db.account("head", "XX", Role::Leader, None);
    let admin = db.account("admin", "XX", Role::Admin, None);
    let jw = db.account("jw", "XX-JWC", Role::Officer, None);
    let bureau = db.account("bureau", "JYJ", Role::Officer, None);
    let server = Server::start(&db);
    let visit = |relation: &str, category: &str, content: &str| {
        json!({"channel": "visit", "unit": "XX", "relation": relation, "category": category, "content": content,
               "petitioner": {"name": "李华", "phone": "13912345678", "address": "西山镇幸福里 3 号"}})
    };

    // 一、信访范围: 学校员工及其学生; 学生家长 (SCH-1). Staff, students and parents are received;
    // anyone else is guided elsewhere in writing.
    for relation in ["staff", "student", "parent"] {
        let received = register_case(&server, &zhou, &visit(relation, "民办学校", "反映课后服务收费。"));
        assert!(!flags(&received).contains(&"outside_petitioners"), "SCH-1 {relation}: {received}");
    }
    let outsider = register_case(&server, &zhou, &visit("other", "民办学校", "周边居民反映放学时段校门口拥堵。"));
    assert!(flags(&outsider).contains(&"outside_petitioners"), "SCH-1: {outsider}");
    let (status, refused) = act(&server, &zhou, &outsider["id"], "accept", json!({}));
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("outside_petitioners")), "SCH-1");
    let guide = json!({"reason": "来访人不是本校师生或家长", "channel": "向西山镇综治中心反映"});
    assert_eq!(act(&server, &zhou, &outsider["id"], "reject", guide).0, 200, "SCH-1: guided elsewhere");
    let (_, docs) = get(&server, &zhou, &format!("/api/v1/cases/{}/documents", outsider["id"]));
    assert!(docs.to_string().contains("信访事项引导告知书"), "SCH-1: the written 引导告知: {docs}");

    // 二、1 内容: 教育教学工作方面的问题,宣传解答有关法律法规及政策咨询 (SCH-2). A matter outside
    // teaching is flagged with its paths; a law or policy question is answered on the spot.
    let question =
        register_case(&server, &zhou, &visit("parent", "拖欠农民工工资", "询问家长被拖欠工资可向哪里投诉。"));
    assert!(flags(&question).contains(&"outside_matters"), "SCH-2: {question}");
    let answer = json!({"answer": "可向县人力资源和社会保障局劳动保障监察大队投诉。"});
    let (status, answered) = act(&server, &zhou, &question["id"], "answer", answer);
    assert_eq!((status, answered["status"].as_str()), (200, Some("closed")), "SCH-2, FED-15");

    // 二、2 职责: 受理来信,接待来访,接听电话 (SCH-3): letters, visits and calls are taken; 承办有关
    // 机构交办的信访事项,并上报处理结果: a case the bureau forwards is handled and its result reported.
    for channel in ["letter", "phone"] {
        let mut taken = visit("parent", "民办学校", "反映食堂饭菜质量。");
        taken["channel"] = json!(channel);
        assert_eq!(register_case(&server, &zhou, &taken)["channel"], channel, "SCH-3");
    }
    let mut forwarded = visit("parent", "民办学校", "家长反映补课收费。");
    forwarded["channel"] = json!("letter");
    forwarded["forwarded_from"] = json!({"unit": "JYJ", "reference": "西教信转〔2026〕5号"});
    let forwarded = register_case(&server, &zhou, &forwarded);
    let answer = json!({"answer": "经核实已停止收费并退还,已向家长说明。"});
    assert_eq!(act(&server, &zhou, &forwarded["id"], "answer", answer).0, 200);
    let report = json!({"summary": "已停止收费并退还,家长满意。"});
    assert_eq!(act(&server, &zhou, &forwarded["id"], "report-back", report).0, 200, "SCH-3: reported");
    let (_, above) = get(&server, &bureau, &format!("/api/v1/cases/{}", forwarded["id"]));
    let last = above["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["details"]["to_unit"], "JYJ", "SCH-3: the bureau reads the result: {last}");

    // 三、1 时间: 每周一至周五 上午10:00—12:30 下午16:00—18:00 (SCH-4), shown publicly.
    let (status, public) = json_of(agent().get(server.url("/api/v1/public/units/XX")).call());
    assert_eq!((status, public["office_hours"].as_str()), (200, Some("周一至周五 10:00–12:30、16:00–18:00")));

    // 三、2 方式: 信访接待实行轮流值班制度 (SCH-5): the preset's kind of duty is a rotation, and the
    // month's rota is generated from it on working days.
    let (_, terms) = get(&server, &admin, "/api/v1/units/XX/terms");
    assert_eq!(terms["terms"]["duty"]["kind"], "rotation", "SCH-5: {terms}");
    let pattern = json!({"kind": "rotation", "people": ["zhou", "chen"]});
    assert_eq!(put(&server, &admin, "/api/v1/units/XX/duty/pattern", &pattern).0, 200);
    let (status, made) = post(&server, &admin, "/api/v1/units/XX/duty/2026-10/generate", &json!({}));
    assert_eq!((status, made["days"].as_i64()), (200, Some(18)), "SCH-5: October's working days: {made}");

    // 四、1 对不符合相关法律、法规及政策的要求或因现实条件所限无法解答的问题,要耐心向来访人员说明
    // 情况 (SCH-6): what cannot be granted is explained, with the reason recorded.
    let denied = register_case(&server, &zhou, &visit("parent", "民办学校", "要求学校为孩子单独开设小班。"));
    // Explained on the spot (a written opinion of 解释说明 is the other way): the answer is kept with
    // the case and shown to the petitioner's lookup.
    let explain = json!({"answer": "学校现有师资和教室条件所限,无法单独开设小班,已向家长说明情况。"});
    let (status, explained) = act(&server, &zhou, &denied["id"], "answer", explain);
    assert_eq!((status, explained["status"].as_str()), (200, Some("closed")), "SCH-6: {explained}");
    let (_, denied) = get(&server, &zhou, &format!("/api/v1/cases/{}", denied["id"]));
    let last = denied["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "answered", "SCH-6");
    assert!(last["details"]["answer"].as_str().unwrap().contains("条件所限"), "SCH-6: the reason is recorded");

    // 四、2 处理来信,要认真登记并呈送局领导批示后,按分级负责,归口办理的原则,承办单位按限及时办理,
    // 及时上报。因特殊原因不能按期办理完毕的,应当及时向有关方面说明情况 (SCH-7).
    let mut letter = visit("parent", "民办学校", "来信反映教师体罚学生。");
    letter["channel"] = json!("letter");
    let letter = register_case(&server, &zhou, &letter);
    let (status, _) = act(&server, &head, &letter["id"], "instruct", json!({"text": "请教务处五日内核实处理"}));
    assert_eq!(status, 200, "SCH-7: the leader's instruction");
    let (status, assigned) = act(&server, &zhou, &letter["id"], "assign", json!({"unit": "XX-JWC"}));
    assert_eq!(status, 200, "SCH-7: 归口办理 by the office responsible: {assigned}");
    assert_eq!(act(&server, &jw, &letter["id"], "accept", json!({})).0, 200);
    let extension = json!({"days": 15, "reason": "需调取监控并约谈多名学生"});
    assert_eq!(
        act(&server, &jw, &letter["id"], "extend", extension.clone()).0,
        403,
        "the head extends, not the office"
    );
    let (status, extended) = act(&server, &head, &letter["id"], "extend", extension);
    assert_eq!(status, 200, "SCH-7, GEN-4: the reason given: {extended}");
    let (_, docs) = get(&server, &zhou, &format!("/api/v1/cases/{}/documents", letter["id"]));
    assert!(docs.to_string().contains("extension-notice"), "SCH-7: the petitioner is told why: {docs}");

    // 四、3 接待人员不得接受来访者的馈赠和宴请 (SCH-8): a refused offer is registered.
    let today = chrono::Utc::now().with_timezone(&huiyin_core::case::CHINA_OFFSET).date_naive();
    let gift = json!({"kind": "gift", "offered_by": "学生家长", "what": "购物卡一张", "offered_on": today.to_string(),
                      "handling": "当场谢绝退回"});
    let (status, recorded) = post(&server, &zhou, "/api/v1/gifts", &gift);
    assert_eq!(status, 201, "SCH-8: {recorded}");

    // 四、4 接待人员实行挂牌接待,公开接受监督 (SCH-9): the receiver's name plate shows who they are.
    let named =
        db.cli(&["user", "card", "zhou", "--name", "周老师", "--title", "值班接待人员", "--credential", "XX-007"]);
    assert!(named.contains("周老师"), "{named}");
    let mut plate = agent()
        .get(server.url("/api/v1/users/zhou/name-plate"))
        .header("Authorization", &format!("Bearer {zhou}"))
        .call()
        .unwrap();
    assert_eq!(plate.status().as_u16(), 200, "SCH-9");
    let pdf = plate.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap();
    let text: String = huiyin_pdf::extract_text(&pdf).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("周老师") && text.contains("XX-007"), "SCH-9: {text}");
}
both_backends!(seed_school_walks_the_school_reception_system);
