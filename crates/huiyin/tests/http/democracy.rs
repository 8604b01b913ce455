//! 社区民主管理 (issue 20, DEM-1 … DEM-5): a community's charter and conventions, adopted and
//! amended as numbered versions with the meeting and decision that adopted each, compared version to
//! version, public on the portal; its three bodies with their cadence, rules and members.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, agent, get, json as json_of, post, put};
use crate::public::page;

const V1: &str = "第一条 本章程依据《城市居民委员会组织法》制定。\n第二条 社区居民代表大会每年召开一次。\n第三条 本章程由社区居民委员会负责解释。";
const V2: &str = "第一条 本章程依据《城市居民委员会组织法》制定。\n第二条 社区居民代表大会每年召开二次。\n第三条 本章程由社区居民委员会负责解释。\n第四条 本章程自通过之日起施行。";

/// DEM-1: a community's administrator adopts its charter with the decision that adopted it (an
/// officer may not, a town is not a community, a second charter is refused); it is amended only as
/// a new version naming its meeting and decision — the same text, a missing decision, or a version
/// made to an older one are refused — and the two versions compare line by line with the changed
/// character marked; another town reads nothing; the public reads the text in force, the amendments
/// and what changed, on the portal and the API, and the community's page lists it.
fn dem_1_a_charter_is_adopted_amended_and_compared(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2027"));
    let town = db.account("xzlead", "XZ", Role::Leader, None);
    let server = Server::start(&db);
    let charter = json!({"kind": "charter", "name": "西山社区居民自治章程", "text": V1,
        "adopted_on": "2026-01-10", "adopted_by": "2026年第一次居民代表大会第1号决定"});
    assert_eq!(post(&server, &wang, "/api/v1/units/XS/charters", &charter).0, 403, "an officer");
    let (status, refused) = post(&server, &town, "/api/v1/units/XZ/charters", &charter);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("unit")), "a town: {refused}");
    let (status, refused) = post(
        &server,
        &admin,
        "/api/v1/units/XS/charters",
        &json!({"kind": "law", "text": "\u{0}", "adopted_on": "2099-01-01"}),
    );
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("kind")), "the first mistake: {refused}");
    let (status, adopted) = post(&server, &admin, "/api/v1/units/XS/charters", &charter);
    assert_eq!((status, adopted["current_version"].as_i64()), (201, Some(1)), "{adopted}");
    let id = adopted["id"].as_i64().unwrap();
    let (status, again) = post(&server, &admin, "/api/v1/units/XS/charters", &charter);
    assert_eq!((status, again["error"]["field"].as_str()), (422, Some("kind")), "one charter: {again}");
    let convention = json!({"kind": "convention", "name": "西山社区文明养犬公约", "text": "第一条 文明养犬。",
        "adopted_on": "2026-02-01", "adopted_by": "2026年第一次居民代表议事协商会决定"});
    assert_eq!(post(&server, &admin, "/api/v1/units/XS/charters", &convention).0, 201);
    let (status, twice) = post(&server, &admin, "/api/v1/units/XS/charters", &convention);
    assert_eq!((status, twice["error"]["field"].as_str()), (422, Some("name")), "sent twice, adopted once: {twice}");

    // Amended only by procedure: a new text, the meeting and decision, made to the version in force.
    let amend = |body: Value| post(&server, &admin, &format!("/api/v1/charters/{id}/versions"), &body);
    let amendment = json!({"after_version": 1, "text": V2, "adopted_on": "2026-06-20",
        "adopted_by": "2026年第二次居民代表大会第3号决定", "note": "改为每年召开二次;增加施行日期"});
    let (status, refused) =
        amend(json!({"after_version": 1, "text": V1, "adopted_on": "2026-06-20", "adopted_by": "x"}));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("unchanged")), "{refused}");
    let (status, refused) = amend(json!({"text": V2, "adopted_on": "2026-06-20", "adopted_by": "x"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("after_version")), "{refused}");
    let (status, refused) = amend(json!({"after_version": 1, "text": V2, "adopted_on": "2026-06-20"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("adopted_by")), "{refused}");
    let (status, refused) =
        amend(json!({"after_version": 1, "text": V2, "adopted_on": "2025-12-31", "adopted_by": "x"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("adopted_on")), "before v1: {refused}");
    assert_eq!(post(&server, &wang, &format!("/api/v1/charters/{id}/versions"), &amendment).0, 403);
    let (status, amended) = amend(amendment.clone());
    assert_eq!((status, amended["current_version"].as_i64()), (201, Some(2)), "{amended}");
    assert_eq!(amend(amendment).0, 409, "made to a version no longer in force");
    let versions = amended["versions"].as_array().unwrap();
    assert_eq!(
        (versions[0]["text"].as_str(), versions[1]["adopted_by"].as_str()),
        (Some(V1), Some("2026年第二次居民代表大会第3号决定"))
    );

    // The difference: the second article changed in one character, the fourth added.
    let (status, diff) = get(&server, &wang, &format!("/api/v1/charters/{id}/diff?from=1&to=2"));
    assert_eq!(status, 200, "{diff}");
    let changes: Vec<&str> = diff["lines"].as_array().unwrap().iter().map(|l| l["change"].as_str().unwrap()).collect();
    assert_eq!(changes, ["same", "removed", "added", "same", "added"], "{diff}");
    let marked = |line: &Value| -> String {
        line["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["changed"] == true)
            .map(|p| p["text"].as_str().unwrap())
            .collect()
    };
    assert_eq!((marked(&diff["lines"][1]), marked(&diff["lines"][2])), ("一".to_owned(), "二".to_owned()));
    let (status, refused) = get(&server, &wang, &format!("/api/v1/charters/{id}/diff?from=1&to=9"));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("to")), "{refused}");
    assert_eq!(get(&server, &dong, &format!("/api/v1/charters/{id}")).0, 404, "another town");
    assert_eq!(get(&server, &dong, "/api/v1/units/XS/charters").0, 404);
    let (_, listed) = get(&server, &wang, "/api/v1/units/XS/charters");
    let titles: Vec<&str> = listed.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(titles, ["西山社区居民自治章程", "西山社区文明养犬公约"], "the charter first");

    // The public: the API without an account, the portal's page, the community's page.
    let (status, public) = json_of(agent().get(server.url(&format!("/api/v1/public/charters/{id}"))).call());
    assert_eq!((status, public["current_version"].as_i64()), (200, Some(2)), "{public}");
    let (status, shown) = page(agent().get(server.url(&format!("/public/charters/{id}"))).call());
    assert_eq!(status, 200, "{shown}");
    for text in
        ["第四条 本章程自通过之日起施行。", "2026年第二次居民代表大会第3号决定", "修改了什么", "(改动:</span>二<span"]
    {
        assert!(shown.contains(text), "{text}: {shown}");
    }
    let (_, unit) = page(agent().get(server.url("/public/units/XS")).call());
    assert!(unit.contains(&format!("/public/charters/{id}")) && unit.contains("西山社区文明养犬公约"), "{unit}");
    assert_eq!(page(agent().get(server.url("/public/charters/9999")).call()).0, 404);

    // The staff pages: the community's page lists it; the document's page compares and amends.
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2027");
    let (status, listed) = browser.page("/democracy");
    assert!(status == 200 && listed.contains("西山社区居民自治章程") && listed.contains("第 2 版"), "{listed}");
    let (status, doc) = browser.page(&format!("/charters/{id}?from=1&to=2"));
    assert!(status == 200 && doc.contains("diff-removed") && doc.contains("(改动:</span>一<span"), "{doc}");
    let v3 = format!("{V2}\n第五条 本章程的修改须经居民代表大会通过。");
    let (status, to, _) = browser.submit(
        &format!("/charters/{id}/versions"),
        &[
            ("after_version", "2"),
            ("text", &v3),
            ("adopted_on", "2026-11-30"),
            ("adopted_by", "2026年第三次居民代表大会决定"),
        ],
    );
    assert_eq!((status, to.as_str()), (303, format!("/charters/{id}?done=amend&to=3#compare").as_str()));
    let (_, doc) = browser.page(&format!("/charters/{id}?done=amend&to=3"));
    assert!(doc.contains("已登记修正后的新版本") && doc.contains("第五条"), "{doc}");
    let (status, _, refused) = browser.submit(
        &format!("/charters/{id}/versions"),
        &[("after_version", "3"), ("text", &v3), ("adopted_on", "2026-11-30"), ("adopted_by", "x")],
    );
    assert!(status == 422 && refused.contains("与现行版本相同"), "{refused}");
}
both_backends!(dem_1_a_charter_is_adopted_amended_and_compared);

/// DEM-2 … DEM-5: a community's three bodies meet on the seed's cadence and follow the defaults
/// (过半数 present, 过半数 of those present, the congress convened by a third of the
/// representatives) until the community sets its own, checked on each field; members are added
/// with their role and term — the congress's are representatives, a body has one chair sitting —
/// and leave with the day and the reason, once; an officer keeps none of it; a town has no bodies.
fn dem_2_a_communitys_three_bodies_with_their_rules_and_members(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2027"));
    let server = Server::start(&db);
    let (status, bodies) = get(&server, &wang, "/api/v1/units/XS/bodies");
    assert_eq!(status, 200, "{bodies}");
    let summary: Vec<(&str, &str, &str, bool)> = bodies
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["kind"].as_str().unwrap(),
                b["cadence_label"].as_str().unwrap(),
                b["rules"]["quorum"].as_str().unwrap(),
                b["rules"]["own"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("committee", "每月召开一次", "more_than_half", false),
            ("council", "每季度召开一次", "more_than_half", false),
            ("congress", "每年召开二次", "more_than_half", false)
        ]
    );
    assert_eq!(bodies[2]["rules"]["convene_share"], "one_third", "DEM-3");
    assert_eq!(get(&server, &dong, "/api/v1/units/XS/bodies").0, 404);

    let rules =
        |token: &str, body: &str, v: Value| put(&server, token, &format!("/api/v1/units/XS/bodies/{body}/rules"), &v);
    let (status, refused) =
        rules(&admin, "council", json!({"quorum": "most", "majority": "one_third", "notice_days": 99}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("quorum")), "the first mistake: {refused}");
    let (status, refused) =
        rules(&admin, "council", json!({"quorum": "two_thirds", "majority": "one_third", "notice_days": 5}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("majority")), "a minority never decides");
    let low = json!({"quorum": "one_fifth", "majority": "more_than_half", "notice_days": 5});
    let (status, refused) = rules(&admin, "council", low);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("quorum")), "never fewer than the law's half");
    let congress = json!({"quorum": "more_than_half", "majority": "more_than_half", "notice_days": 7, "convene_share": "three_quarters"});
    let (status, refused) = rules(&admin, "congress", congress);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("convene_share")), "the seed's third convenes");
    assert_eq!(
        rules(&wang, "council", json!({"quorum": "two_thirds", "majority": "more_than_half", "notice_days": 5})).0,
        403
    );
    assert_eq!(rules(&admin, "assembly", json!({})).0, 404, "no such body");
    let (status, council) =
        rules(&admin, "council", json!({"quorum": "two_thirds", "majority": "more_than_half", "notice_days": 5}));
    assert_eq!(
        (status, council["rules"]["quorum"].as_str(), council["rules"]["own"].as_bool()),
        (200, Some("two_thirds"), Some(true)),
        "{council}"
    );

    let add = |body: &str, v: Value| post(&server, &admin, &format!("/api/v1/units/XS/bodies/{body}/members"), &v);
    let member = |name: &str, role: &str| json!({"name": name, "role": role, "term_from": "2024-01-01", "term_to": "2028-12-31"});
    let (status, refused) = add("congress", member("刘主任", "chair"));
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("role")),
        "the congress is its representatives"
    );
    let mut representative = member("周代表", "representative");
    representative["represents"] = json!("3号楼1—3单元");
    let (status, rep) = add("congress", representative);
    assert_eq!((status, rep["represents"].as_str()), (201, Some("3号楼1—3单元")), "{rep}");
    let (status, chair) = add("council", member("刘主任", "chair"));
    assert_eq!(status, 201, "{chair}");
    let (status, refused) = add("council", member("赵某", "chair"));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("role")), "one chair sitting: {refused}");
    let (status, refused) =
        add("council", json!({"name": "钱某", "role": "member", "term_from": "2025-01-01", "term_to": "2024-01-01"}));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("not_after_start")), "{refused}");
    assert_eq!(post(&server, &wang, "/api/v1/units/XS/bodies/council/members", &member("孙某", "member")).0, 403);

    let leave = |v: Value| post(&server, &admin, &format!("/api/v1/body-members/{}/leave", chair["id"]), &v);
    assert_eq!(leave(json!({"left_on": "2026-06-30"})).1["error"]["field"], "reason");
    assert_eq!(
        leave(json!({"left_on": "2023-12-31", "reason": "x"})).1["error"]["field"],
        "left_on",
        "before the term"
    );
    let (status, left) = leave(json!({"left_on": "2026-06-30", "reason": "辞职"}));
    assert_eq!((status, left["left_reason"].as_str()), (200, Some("辞职")), "{left}");
    assert_eq!(leave(json!({"left_on": "2026-07-01", "reason": "again"})).0, 422, "once");
    assert_eq!(add("council", member("赵某", "chair")).0, 201, "a new chair once the old one left");
    let (_, bodies) = get(&server, &wang, "/api/v1/units/XS/bodies");
    let names: Vec<&str> =
        bodies[1]["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["赵某", "刘主任"], "sitting first");

    let town = db.account("xzlead", "XZ", Role::Leader, None);
    let (status, refused) = put(
        &server,
        &town,
        "/api/v1/units/XZ/bodies/council/rules",
        &json!({"quorum": "two_thirds", "majority": "more_than_half", "notice_days": 5}),
    );
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("unit")), "a town has no bodies: {refused}");

    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2027");
    let (status, shown) = browser.page("/democracy");
    assert_eq!(status, 200, "{shown}");
    for text in
        ["社区居民代表议事协商会", "每季度召开一次", "成员三分之二以上出席方可开会", "周代表", "3号楼1—3单元", "辞职"]
    {
        assert!(shown.contains(text), "{text}: {shown}");
    }
    let (status, to, _) = browser.submit(
        "/democracy/XS/bodies/committee/members",
        &[("name", "吴委员"), ("role", "member"), ("term_from", "2024-01-01")],
    );
    assert_eq!((status, to.as_str()), (303, "/democracy?unit=XS&done=member#body-committee"));
    assert!(browser.page("/democracy?unit=XS").1.contains("吴委员"));
}
both_backends!(dem_2_a_communitys_three_bodies_with_their_rules_and_members);

/// DEM-3, DEM-4: the congress is called on the representatives' request only with a third of the
/// sitting representatives as signers (two of nine are refused, three stand; a signer who is not a
/// sitting representative is refused); the council is convened by its chair, not the committee; a
/// council meeting without a quorum decides nothing, one with a quorum decides each item once by
/// more than half of those present, never with more votes than members present; the attendance is
/// recorded once; an officer calls none, another town reads none.
fn dem_3_dem_4_meetings_are_called_held_and_decide_by_the_rules(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2027"));
    let server = Server::start(&db);
    let add = |body: &str, name: &str, role: &str| {
        let member = json!({"name": name, "role": role, "term_from": "2024-01-01"});
        let (status, added) = post(&server, &admin, &format!("/api/v1/units/XS/bodies/{body}/members"), &member);
        assert_eq!(status, 201, "{added}");
        added["id"].as_i64().unwrap()
    };
    let representatives: Vec<i64> = (1..=9).map(|n| add("congress", &format!("代表{n}"), "representative")).collect();
    let council =
        [add("council", "刘主任", "chair"), add("council", "赵成员", "member"), add("council", "钱成员", "member")];
    let call = |body: Value| post(&server, &admin, "/api/v1/units/XS/meetings", &body);
    // Held today: recorded as held on the day, listed in this year's meetings.
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let meeting = |body: &str, by: &str, signers: &[i64]| {
        json!({"body": body, "day": today.to_string(), "starts": "19:00", "place": "社区议事厅",
            "agenda": ["3号楼加装电梯方案", "停车收费标准"], "convened_by": by, "signers": signers})
    };

    // DEM-3: a third of the nine sitting representatives convene the congress; two do not.
    let (status, refused) = call(meeting("congress", "representatives", &representatives[..2]));
    assert_eq!(
        (status, refused["error"]["field"].as_str(), refused["error"]["code"].as_str()),
        (422, Some("signers"), Some("too_few")),
        "{refused}"
    );
    assert!(refused["error"]["message"].as_str().unwrap().contains("3 人"), "says how many: {refused}");
    let (status, refused) =
        call(meeting("congress", "representatives", &[representatives[0], representatives[1], council[1]]));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("signers")), "a council member is no signer");
    let (status, congress) = call(meeting("congress", "representatives", &representatives[..3]));
    assert_eq!((status, congress["signers"].as_array().unwrap().len()), (201, 3), "{congress}");
    assert_eq!(call(meeting("congress", "committee", &[])).0, 201, "the committee convenes it too");
    let (status, refused) = call(meeting("council", "committee", &[]));
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("convened_by")),
        "DEM-4: its chair convenes it"
    );
    assert_eq!(post(&server, &wang, "/api/v1/units/XS/meetings", &meeting("council", "chair", &[])).0, 403);

    // DEM-4: a council meeting with one of its three members decides nothing.
    let (status, thin) = call(meeting("council", "chair", &[]));
    assert_eq!(status, 201, "{thin}");
    let thin_id = thin["id"].as_i64().unwrap();
    let attend = |id: i64, present: &[i64]| {
        post(&server, &admin, &format!("/api/v1/meetings/{id}/attendance"), &json!({"present": present}))
    };
    let decide = |id: i64, body: Value| post(&server, &admin, &format!("/api/v1/meetings/{id}/decisions"), &body);
    let vote = |item: usize, yes: u32| json!({"item": item, "text": "同意3号楼加装电梯方案", "votes_for": yes, "votes_against": 0, "abstentions": 0});
    let (status, refused) = decide(thin_id, vote(0, 1));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("meeting")), "held first: {refused}");
    let (status, held) = attend(thin_id, &[council[0]]);
    assert_eq!(
        (status, held["attendance"]["quorate"].as_bool(), held["attendance"]["sitting"].as_u64()),
        (200, Some(false), Some(3)),
        "{held}"
    );
    let (status, refused) = decide(thin_id, vote(0, 1));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("no_quorum")), "{refused}");
    assert_eq!(attend(thin_id, &[council[0], council[1]]).0, 409, "attendance is recorded once");

    // Ticks without a request are refused, not dropped; an empty attendance is refused; a meeting
    // not yet held takes no attendance.
    let (status, refused) = call(meeting("congress", "committee", &representatives[..3]));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("signers")), "{refused}");
    let (_, later) = call(json!({"body": "council", "day": (today + chrono::Duration::days(30)).to_string(),
        "place": "社区议事厅", "agenda": ["年终总结"], "convened_by": "chair"}));
    let later_id = later["id"].as_i64().unwrap();
    let (status, refused) = attend(later_id, &[council[0], council[1]]);
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("not_before")), "not held yet: {refused}");
    let (status, refused) = post(&server, &admin, &format!("/api/v1/meetings/{later_id}/attendance"), &json!({}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("present")), "{refused}");

    // With two of three it decides, each item once, by more than half of those present.
    let (_, full) = call(meeting("council", "chair", &[]));
    let full_id = full["id"].as_i64().unwrap();
    let (status, refused) = attend(full_id, &[council[0], representatives[0]]);
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("present")), "only its own members");
    let (status, held) = attend(full_id, &[council[0], council[1]]);
    assert_eq!((status, held["attendance"]["quorate"].as_bool()), (200, Some(true)), "{held}");
    let (status, refused) = decide(full_id, vote(0, 3));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("votes_for")), "three votes of two present");
    let (status, decided) = decide(full_id, vote(0, 2));
    assert_eq!((status, decided["decisions"][0]["passed"].as_bool()), (201, Some(true)), "{decided}");
    assert_eq!(decide(full_id, vote(0, 2)).1["error"]["field"], "item", "each item once");
    let (_, decided) =
        decide(full_id, json!({"item": 1, "text": "停车收费标准暂缓", "votes_for": 1, "votes_against": 1}));
    assert_eq!(decided["decisions"][1]["passed"].as_bool(), Some(false), "one of two is not more than half");
    assert_eq!(decide(full_id, json!({"item": 2, "text": "x", "votes_for": 1})).1["error"]["field"], "item");

    use chrono::Datelike;
    let (_, listed) = get(&server, &wang, &format!("/api/v1/units/XS/meetings?year={}", today.year()));
    assert_eq!(get(&server, &wang, "/api/v1/units/XS/meetings?year=2147483647").0, 422, "no such year");
    let held_today = listed.as_array().unwrap().iter().filter(|m| m["day"] == json!(today.to_string())).count();
    assert_eq!(held_today, 4, "{listed}");
    assert_eq!(get(&server, &dong, &format!("/api/v1/meetings/{full_id}")).0, 404, "another town");

    // The pages: called from 民主管理 with its agenda a line an item, attended by ticking, decided.
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2027");
    let (_, listed) = browser.page("/democracy");
    assert!(listed.contains("今年的会议") && listed.contains("未达法定人数"), "{listed}");
    let (status, to, _) = browser.submit(
        "/democracy/XS/meetings",
        &[
            ("body", "council"),
            ("convened_by", "chair"),
            ("day", &today.to_string()),
            ("place", "社区议事厅"),
            ("agenda", "楼道堆物清理\n 健身器材维修"),
        ],
    );
    assert_eq!(status, 303, "{to}");
    let path = to.trim_end_matches("?done=call").to_owned();
    let (_, shown) = browser.page(&to);
    assert!(shown.contains("楼道堆物清理") && shown.contains("健身器材维修") && shown.contains("登记出席"), "{shown}");
    let (status, _, _) = browser.submit(
        &format!("{path}/attendance"),
        &[("present", &council[0].to_string()), ("present", &council[2].to_string())],
    );
    assert_eq!(status, 303);
    let (status, _, _) = browser.submit(
        &format!("{path}/decisions"),
        &[
            ("item", "1"),
            ("text", "委托物业本月内维修"),
            ("votes_for", "2"),
            ("votes_against", "0"),
            ("abstentions", "0"),
        ],
    );
    assert_eq!(status, 303);
    let (_, shown) = browser.page(&path);
    assert!(
        shown.contains("2 / 3 人,达到法定人数")
            && shown.contains("委托物业本月内维修")
            && shown.contains("<strong>通过</strong>"),
        "{shown}"
    );
    let (status, _, refused) =
        browser.submit(&format!("{path}/decisions"), &[("item", "0"), ("text", "x"), ("votes_for", "many")]);
    let alert = refused.split(r#"role="alert""#).nth(1).unwrap_or_default().split("</ul>").next().unwrap_or_default();
    assert!(status == 422 && alert.contains("赞成票"), "the refusal names the field: {refused}");
}
both_backends!(dem_3_dem_4_meetings_are_called_held_and_decide_by_the_rules);
