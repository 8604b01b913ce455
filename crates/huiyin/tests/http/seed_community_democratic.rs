//! 第二篇《社区信访接待制度》and《社区民主管理制度》, walked from the democratic community's preset
//! sentence by sentence through the command line and the HTTP API (issue 22, part 7): each step is
//! a sentence that asks something of software, named by its rule ID, with the outcome asserted.
//!
//! Sentences with no software part of their own, and why:
//! - 接待制度 一、“严格遵守党和国家的各项政策、法律、法规……依法做好群众来信来访的接待工作” (COM-1):
//!   handling by the national regulation is every GEN rule, each walked in its own tests.
//! - 接待制度 二、“接待群众态度热情,举止文明,用语礼貌”: courtesy, conduct alone.
//! - 接待制度 五、“不徇私舞弊,不准假公济私,压制报复”: conduct; the software's part is the complaint
//!   against staff (FED-12) and informant protection (GEN-7), proven in their own tests.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Db, Server, agent, get, json as json_of, post};

fn seed_community_democratic_walks_its_reception_and_democratic_management(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.cli(&["unit", "add", "XZ", "--name", "西山镇人民政府", "--kind", "town"]);
    let out = db.cli(&[
        "init",
        "--preset",
        "community-democratic",
        "--code",
        "SQ",
        "--name",
        "西山社区居民委员会",
        "--hotline",
        "0432-6276002",
        "--merge",
        "--parent",
        "XZ",
    ]);
    assert!(out.contains("✓ 已添加单位") && out.contains("议事规则"), "{out}");
    let wang = db.account("wang", "SQ", Role::Officer, None);
    let lead = db.account("lead", "SQ", Role::Leader, None);
    let admin = db.account("admin", "SQ", Role::Admin, None);
    let town = db.account("town", "XZ", Role::Leader, None);
    let server = Server::start(&db);
    let visit = json!({"channel": "visit", "unit": "SQ", "category": "拖欠农民工工资", "content": "工地拖欠工资三个月。",
        "petitioner": {"name": "王五", "phone": "13812345678", "address": "西山社区向阳街 12 号"}});

    // 接待制度 三、认真做好群众来信来访接待记录,及时上报信息 (COM-2): recorded, and reported up.
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    let (status, _) =
        post(&server, &wang, &format!("/api/v1/cases/{id}/report-up"), &json!({"summary": "涉及多户,报镇"}));
    assert_eq!(status, 200, "COM-2");
    let (_, above) = get(&server, &town, &format!("/api/v1/cases/{id}"));
    let last = above["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["details"]["to_unit"].as_str()),
        (Some("reported_up"), Some("XZ")),
        "COM-2"
    );

    // 接待制度 四、公开办事制度,自觉接受群众监督 (COM-3): hours and procedure on the public page.
    let (status, public) = json_of(agent().get(server.url("/api/v1/public/units/SQ")).call());
    assert_eq!(status, 200, "{public}");
    assert!(public["procedure"].as_str().is_some_and(|p| !p.is_empty()), "COM-3: {public}");

    // 接待制度 五、不准泄露当事人的隐私 (COM-4): lists are masked; a full view is the receiver's, logged.
    let (_, list) = get(&server, &lead, "/api/v1/cases");
    assert_eq!(list["items"][0]["petitioner_phone"], "138****5678", "COM-4");
    let (_, full) = get(&server, &wang, &format!("/api/v1/cases/{id}?reveal=true"));
    assert_eq!(full["petitioner"]["phone"], "13812345678", "COM-4: shown to whom needs it");

    // 接待制度 六、做好急事急办,件件有回音,事事有着落 (COM-5): an urgent matter alerts the leaders.
    let mut urgent = visit.clone();
    urgent["content"] = json!("独居老人家中断水断电。");
    urgent["flags"] = json!(["urgent"]);
    let (status, urgent) = post(&server, &wang, "/api/v1/cases", &urgent);
    assert_eq!(status, 201);
    let (_, told) = get(&server, &lead, "/api/v1/notifications");
    assert!(
        told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "alert" && n["case_id"] == urgent["id"]),
        "COM-5"
    );

    // 民主管理 一、依法制定社区自治章程和公约,严格按照程序修改 (DEM-1): adopted, amended by a decision.
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let (adopted_on, amended_on) =
        ((today - chrono::Duration::days(200)).to_string(), (today - chrono::Duration::days(10)).to_string());
    let charter = json!({"kind": "charter", "name": "西山社区居民自治章程", "text": "第一条 居民代表大会每年召开一次。",
        "adopted_on": adopted_on, "adopted_by": "第一次居民代表大会第1号决定"});
    let (status, adopted) = post(&server, &admin, "/api/v1/units/SQ/charters", &charter);
    assert_eq!(status, 201, "DEM-1: {adopted}");
    let amendment = json!({"after_version": 1, "text": "第一条 居民代表大会每年召开二次。", "adopted_on": amended_on,
        "adopted_by": "第二次居民代表大会第3号决定"});
    let (status, amended) = post(&server, &admin, &format!("/api/v1/charters/{}/versions", adopted["id"]), &amendment);
    assert_eq!((status, amended["current_version"].as_i64()), (201, Some(2)), "DEM-1: {amended}");

    // 民主管理 二、居民委员会,居民代表议事协商会,居民代表大会……规范执行 (DEM-2): the three bodies with
    // the preset's rules; 三、四、五 their cadence (DEM-3, DEM-4, DEM-5).
    let (_, bodies) = get(&server, &lead, "/api/v1/units/SQ/bodies");
    let cadence: Vec<(&str, &str)> = bodies
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["kind"].as_str().unwrap(), b["cadence_label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cadence,
        [("committee", "每月召开一次"), ("council", "每季度召开一次"), ("congress", "每年召开二次")],
        "DEM-2 … DEM-5"
    );
    assert_eq!(bodies[2]["rules"]["convene_share"], "one_third", "DEM-3: {bodies}");
    let add = |body: &str, name: &str, role: &str| {
        let member = json!({"name": name, "role": role, "term_from": "2024-01-01"});
        let (status, added) = post(&server, &admin, &format!("/api/v1/units/SQ/bodies/{body}/members"), &member);
        assert_eq!(status, 201, "{added}");
        added["id"].as_i64().unwrap()
    };
    let representatives: Vec<i64> = (1..=6).map(|n| add("congress", &format!("代表{n}"), "representative")).collect();
    let council =
        [add("council", "刘主任", "chair"), add("council", "赵成员", "member"), add("council", "钱成员", "member")];
    add("committee", "孙主任", "chair");
    let meeting = |body: &str, by: &str, signers: &[i64], day: chrono::NaiveDate| {
        json!({"body": body, "day": day.to_string(), "starts": "19:00", "place": "社区议事厅",
            "agenda": ["3号楼加装电梯方案"], "convened_by": by, "signers": signers})
    };
    let call = |body: Value| post(&server, &admin, "/api/v1/units/SQ/meetings", &body);

    // 三、由社区居民委员会或三分之一以上居民代表提议召开 (DEM-3): one of six is too few, two stand;
    // noticed the rules' seven days ahead (DEM-6).
    let (status, refused) = call(meeting("congress", "representatives", &representatives[..1], today));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("signers")), "DEM-3: {refused}");
    let soon = today + chrono::Duration::days(2);
    let (status, refused) = call(meeting("congress", "committee", &[], soon));
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("day")),
        "DEM-6: seven days' notice: {refused}"
    );
    let later = today + chrono::Duration::days(10);
    let (status, congress) = call(meeting("congress", "representatives", &representatives[..2], later));
    assert_eq!(status, 201, "DEM-3: {congress}");

    // 四、议事协商会……由主任召集,按程序讨论决定 (DEM-4): held with a quorum, it decides by majority.
    let (status, held) = call(meeting("council", "chair", &[], today));
    assert_eq!(status, 201, "DEM-4: {held}");
    let held_id = held["id"].as_i64().unwrap();
    let present = json!({"present": [council[0], council[1]]});
    assert_eq!(post(&server, &admin, &format!("/api/v1/meetings/{held_id}/attendance"), &present).0, 200);
    let vote =
        json!({"item": 0, "text": "同意3号楼加装电梯方案", "votes_for": 2, "votes_against": 0, "abstentions": 0});
    let (status, decided) = post(&server, &admin, &format!("/api/v1/meetings/{held_id}/decisions"), &vote);
    assert_eq!(status, 201, "DEM-4: {decided}");

    // 五、社区居民委员会每月召开一次 (DEM-5): the committee's meeting is called by the committee.
    assert_eq!(call(meeting("committee", "committee", &[], today)).0, 201, "DEM-5");

    // 六、保障居民的参与权,知情权,决策权,监督权 (DEM-6): the notice is public, with no one's data.
    let (status, kind, _) = {
        let mut resp =
            agent().get(server.url(&format!("/api/v1/public/meetings/{}/notice.pdf", congress["id"]))).call().unwrap();
        let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (resp.status().as_u16(), kind, resp.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap())
    };
    assert_eq!((status, kind.as_str()), (200, "application/pdf"), "DEM-6: the notice published");
}
both_backends!(seed_community_democratic_walks_its_reception_and_democratic_management);
