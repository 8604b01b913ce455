//! 第三篇《社区信访接待制度》, walked from its preset sentence by sentence through the command line
//! and the HTTP API (issue 22, part 7): each step is a sentence that asks something of software,
//! named by its rule ID, with what the software does asserted.
//!
//! Sentences about conduct alone, and the software's part of them:
//! - 1、“接待群众态度热情,举止文明,用语礼貌,服务周到”: courtesy, no software part.
//! - 2、“严格执行廉洁规定”: conduct; the software's part is the gift-refusal register (SCH-8), and
//!   “公开办事制度,自觉接受群众监督” is the unit's public page (COM-3, below).

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{
    Backend, Db, Server, act_ok as act, agent, get, json as json_of, post, put, register_case as register,
};

fn seed_community_walks_the_communitys_reception_system(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.cli(&["unit", "add", "XZ", "--name", "西山镇人民政府", "--kind", "town"]);
    let out = db.cli(&[
        "init",
        "--preset",
        "community",
        "--code",
        "SQ",
        "--name",
        "西山社区居民委员会",
        "--hotline",
        "0432-6276001",
        "--merge",
        "--parent",
        "XZ",
    ]);
    assert!(out.contains("✓ 已添加单位"), "{out}");
    let wang = db.account("wang", "SQ", Role::Officer, None);
    let zhang = db.account("zhang", "SQ", Role::Officer, None);
    let lead1 = db.account("lead1", "SQ", Role::Leader, None);
    let lead2 = db.account("lead2", "SQ", Role::Leader, None);
    let admin = db.account("admin", "SQ", Role::Admin, None);
    let town = db.account("town", "XZ", Role::Supervisor, None);
    let server = Server::start(&db);
    let visit = |content: &str| {
        json!({"channel": "visit", "unit": "SQ", "category": "拖欠农民工工资", "content": content,
               "petitioner": {"name": "王五", "phone": "13812345678", "address": "西山社区向阳街 12 号"}})
    };

    // 2、公开办事制度,自觉接受群众监督 (COM-3): the community's hours and procedure are public.
    let (status, public) = json_of(agent().get(server.url("/api/v1/public/units/SQ")).call());
    assert_eq!((status, public["hotline"].as_str()), (200, Some("0432-6276001")), "COM-3: {public}");

    // 3、每天安排一名干部专门负责接待信访群众 (CDR-1): one cadre a day, every day of the month.
    let (_, terms) = get(&server, &admin, "/api/v1/units/SQ/terms");
    assert_eq!(
        (terms["terms"]["duty"]["kind"].as_str(), terms["terms"]["duty"]["every_day"].as_bool()),
        (Some("rotation"), Some(true))
    );
    let pattern = json!({"kind": "rotation", "people": ["wang", "zhang"], "every_day": true});
    assert_eq!(put(&server, &admin, "/api/v1/units/SQ/duty/pattern", &pattern).0, 200);
    let (status, made) = post(&server, &admin, "/api/v1/units/SQ/duty/2026-10/generate", &json!({}));
    assert_eq!((status, made["days"].as_i64()), (200, Some(31)), "CDR-1: every day, holidays too: {made}");

    // 3、对分管范围内的来访,接待干部要做到包接待、包调查、包督办、包结案 (CDR-2): the receiver owns it
    // from reception to its end; 对分管范围外的来访,应引导到有关干部处办理: handed to the cadre.
    let own = register(&server, &wang, &visit("工地拖欠工资三个月。"));
    assert_eq!(own["owner"], "wang", "CDR-2 包接待");
    act(&server, &wang, &own, "accept", json!({}));
    let noted = act(&server, &wang, &own, "investigation", json!({"text": "到工地核实,拖欠属实。"}));
    assert_eq!(noted["owner"], "wang", "CDR-2 包调查");
    let opinion = json!({"outcome": "support", "facts": "拖欠属实。", "basis": "《保障农民工工资支付条例》", "text": "责成十日内支付。"});
    act(&server, &wang, &own, "opinion", opinion);
    act(&server, &lead1, &own, "approve", json!({}));
    act(&server, &lead2, &own, "approve", json!({}));
    let replied = act(&server, &wang, &own, "reply", json!({}));
    assert_eq!(
        (replied["status"].as_str(), replied["owner"].as_str()),
        (Some("replied"), Some("wang")),
        "CDR-2 包结案"
    );
    let elsewhere = register(&server, &wang, &visit("反映楼道堆物,属物业分管。"));
    let handed = act(
        &server,
        &wang,
        &elsewhere,
        "hand-off",
        json!({"to_user": "zhang", "reason": "属张主任分管,引导到其处办理"}),
    );
    assert_eq!((handed["owner"].as_str(), handed["first_receiver"].as_str()), (Some("zhang"), Some("wang")), "CDR-2");

    // 3、所有信访事件,负责接待的两委干部须及时回访 (CDR-3): the return visit is recorded with its outcome.
    let visited = act(
        &server,
        &lead1,
        &own,
        "return-visit",
        json!({"method": "phone", "outcome": "工资已全部支付", "rating": "satisfied"}),
    );
    let last = visited["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["details"]["outcome"].as_str()),
        (Some("return_visited"), Some("工资已全部支付"))
    );

    // 4、如遇群众来访,第一个被询问的工作人员应当热情接待,问明事由……给予解释、答复 (FED-1, FED-15).
    let asked = register(&server, &zhang, &visit("询问欠薪可向哪里投诉。"));
    assert_eq!(asked["first_receiver"], "zhang", "FED-1: the first one asked");
    let answered = act(&server, &zhang, &asked, "answer", json!({"answer": "可向劳动保障监察大队投诉。"}));
    assert_eq!(answered["status"], "closed", "FED-15");

    // 5、当群众来办事时……属本人负责的事及时办理,如不属本人负责的事,应引导到有关干部处办理 (CDR-4).
    let (status, done) = post(
        &server,
        &wang,
        "/api/v1/service-requests",
        &json!({"resident": "李大爷", "matter": "开具居住证明", "result": "当场开具并盖章"}),
    );
    assert_eq!(status, 201, "CDR-4: done on the spot: {done}");
    let (status, guided) =
        post(&server, &wang, "/api/v1/service-requests", &json!({"matter": "办理低保年审", "cadre": "zhang"}));
    assert_eq!(status, 201, "CDR-4: guided to the cadre: {guided}");
    let done = json!({"result": "已受理年审材料"});
    assert_eq!(post(&server, &zhang, &format!("/api/v1/service-requests/{}/done", guided["id"]), &done).0, 200);
    let (_, cases) = get(&server, &admin, "/api/v1/cases");
    assert_eq!(cases["total"], 3, "CDR-4: a service request is no case");

    // 6、及时处理群众来信来访反映的问题,做到件件有回音,事事有着落 (COM-5, FED-10): every case has
    // its limits; an urgent one its shorter ones.
    let mut urgent = visit("独居老人家中断水断电。");
    urgent["flags"] = json!(["urgent"]);
    let urgent = register(&server, &wang, &urgent);
    let due = |case: &Value| {
        let d = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "sorting").unwrap().clone();
        d["due"].as_str().unwrap().to_owned()
    };
    assert!(due(&urgent) < due(&elsewhere), "COM-5: sorted within the urgent limit, sooner than 15 days");

    // 7、严禁对群众态度粗暴,训斥责骂,更不能推脱了事,如发生类似情况,将追究当事干部责任 (CDR-5).
    let today = chrono::Utc::now().with_timezone(&huiyin_core::case::CHINA_OFFSET).date_naive();
    let rude = json!({"staff": "zhang", "kind": "rudeness", "source": "visit", "occurred_on": today.to_string(),
        "account": "来访时被训斥。", "complainant": "赵投诉", "phone": "13900001111"});
    let (status, complaint) = post(&server, &wang, "/api/v1/complaints", &rude);
    assert_eq!(
        (status, complaint["staff"]["username"].as_str()),
        (201, Some("zhang")),
        "CDR-5: against the cadre: {complaint}"
    );
    let conclusion = json!({"finding": "founded", "summary": "态度生硬属实", "measure": "批评教育"});
    let (status, _) = post(&server, &town, &format!("/api/v1/complaints/{}/conclude", complaint["id"]), &conclusion);
    assert_eq!(status, 200, "CDR-5: followed up and concluded above");
}
both_backends!(seed_community_walks_the_communitys_reception_system);
