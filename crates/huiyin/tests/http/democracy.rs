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

/// A PDF read back as text (pdftotext), whitespace dropped; with the status.
fn pdf_text(server: &Server, token: Option<&str>, path: &str) -> (u16, String) {
    let request = agent().get(server.url(path));
    let request = match token {
        Some(t) => request.header("Authorization", &format!("Bearer {t}")),
        None => request,
    };
    let mut resp = request.call().expect("request");
    let status = resp.status().as_u16();
    let bytes = resp.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap();
    if status != 200 {
        return (status, String::from_utf8_lossy(&bytes).into_owned());
    }
    let text = huiyin_pdf::extract_text(&bytes).expect("pdftotext (Debian poppler-utils) reads the PDF back");
    (status, text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Adds sitting members to a body of 西山社区 (from 2020, so that past periods count them).
fn members(server: &Server, admin: &str, body: &str, people: &[(&str, &str)]) -> Vec<i64> {
    people
        .iter()
        .map(|(name, role)| {
            let member = json!({"name": name, "role": role, "term_from": "2020-01-01"});
            let (status, added) = post(server, admin, &format!("/api/v1/units/XS/bodies/{body}/members"), &member);
            assert_eq!(status, 201, "{added}");
            added["id"].as_i64().unwrap()
        })
        .collect()
}

/// DEM ¶4: a supervisor refers a case held by a community to its council with a reason (an officer
/// may not; the committee is no such body; twice while waiting is refused; a case that accuses anyone
/// is never referred, nor one of another town); the council's next meeting takes it on its agenda;
/// its decision comes back to the case (the opinion's 依据 starts with it, the page says the deadline
/// keeps running) and to the petitioner's lookup. A resident's matter is taken down with their name,
/// which the published agenda never shows.
fn dem_4_a_case_referred_to_the_council_comes_back_with_its_decision(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2027"));
    let officer = db.account("xsoff", "XS", Role::Officer, Some("西山社区接待员口令2027"));
    let server = Server::start(&db);
    let council =
        members(&server, &admin, "council", &[("刘主任", "chair"), ("赵成员", "member"), ("钱成员", "member")]);
    members(&server, &admin, "congress", &[("代表甲", "representative")]);
    let (status, case) = post(&server, &officer, "/api/v1/cases", &crate::api::visit());
    assert_eq!(status, 201, "{case}");
    let (id, number, code) =
        (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap(), case["query_code"].as_str().unwrap());
    let refer =
        |token: &str, case: i64, body: Value| post(&server, token, &format!("/api/v1/cases/{case}/referrals"), &body);
    let referral =
        json!({"body": "council", "subject": "小区停车位分配办法", "reason": "涉及全体居民共同利益,需议事协商会议定"});
    assert_eq!(refer(&officer, id, referral.clone()).0, 403, "an officer does not refer");
    assert_eq!(refer(&dong, id, referral.clone()).0, 404, "another town does not see the case");
    let (status, refused) = refer(&chen, id, json!({"body": "committee", "subject": "x", "reason": "y"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("body")), "{refused}");
    let (status, referred) = refer(&chen, id, referral.clone());
    assert_eq!((status, referred["source"].as_str(), referred["case_id"].as_i64()), (201, Some("case"), Some(id)));
    let (status, twice) = refer(&chen, id, referral.clone());
    assert_eq!((status, twice["error"]["field"].as_str()), (422, Some("body")), "waiting once: {twice}");
    let mut accusing = crate::api::visit();
    accusing["purpose"] = json!("accusation");
    accusing["accused"] = json!({"name": "某物业公司经理"});
    let (_, accusation) = post(&server, &wang, "/api/v1/cases", &accusing);
    let (status, refused) = refer(&chen, accusation["id"].as_i64().unwrap(), referral.clone());
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("case")), "an accusation: {refused}");

    // A resident raises a matter directly, with their name; the committee's staff take it down.
    let raise = |body: Value| post(&server, &admin, "/api/v1/units/XS/matters", &body);
    let (status, refused) =
        raise(json!({"body": "council", "subject": "健身器材", "reason": "损坏", "source": "resident"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("raised_by_name")), "{refused}");
    let (status, raised) = raise(json!({"body": "council", "subject": "健身器材维修", "reason": "器材损坏多月",
        "source": "resident", "raised_by_name": "李四"}));
    assert_eq!((status, raised["raised_by_name"].as_str()), (201, Some("李四")), "{raised}");
    assert_eq!(post(&server, &wang, "/api/v1/units/XS/matters", &json!({})).0, 403);
    let (_, waiting) = get(&server, &admin, "/api/v1/units/XS/matters");
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");

    // Before a meeting takes it, the petitioner reads that it waits.
    let lookup =
        || json_of(agent().get(server.url(&format!("/api/v1/public/cases/{number}?query_code={code}"))).call());
    let (_, public) = lookup();
    assert_eq!(
        (public["referrals"][0]["body"].as_str(), public["referrals"][0]["decision"].as_str()),
        (Some("council"), None),
        "{public}"
    );

    // The council's meeting takes both after its own item; held with two of three, it decides.
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let matter_ids = [referred["id"].as_i64().unwrap(), raised["id"].as_i64().unwrap()];
    let (status, refused) = post(
        &server,
        &admin,
        "/api/v1/units/XS/meetings",
        &json!({"body": "congress",
        "convened_by": "committee", "day": today.to_string(), "place": "社区议事厅", "matters": matter_ids}),
    );
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("matters")), "the council's: {refused}");
    let (status, meeting) = post(
        &server,
        &admin,
        "/api/v1/units/XS/meetings",
        &json!({"body": "council",
        "convened_by": "chair", "day": today.to_string(), "place": "社区议事厅", "agenda": ["年度工作"], "matters": matter_ids}),
    );
    assert_eq!(status, 201, "{meeting}");
    assert_eq!(meeting["agenda"], json!(["年度工作", "小区停车位分配办法", "健身器材维修"]), "{meeting}");
    assert_eq!(
        (meeting["matters"][0]["item"].as_i64(), meeting["matters"][0]["case_id"].as_i64()),
        (Some(1), Some(id))
    );
    let meeting_id = meeting["id"].as_i64().unwrap();
    let (status, _) = post(
        &server,
        &admin,
        &format!("/api/v1/meetings/{meeting_id}/attendance"),
        &json!({"present": [council[0], council[1]]}),
    );
    assert_eq!(status, 200);
    let decision = json!({"item": 1, "text": "停车位按户抽签分配,每年调整一次", "votes_for": 2, "votes_against": 0, "abstentions": 0});
    assert_eq!(post(&server, &admin, &format!("/api/v1/meetings/{meeting_id}/decisions"), &decision).0, 201);

    // Back to the case, and to the petitioner.
    let (_, referrals) = get(&server, &wang, &format!("/api/v1/cases/{id}/referrals"));
    let cited = referrals[0]["decision"].as_str().unwrap_or_default().to_owned();
    assert!(
        cited.contains("社区居民代表议事协商会") && cited.contains("停车位按户抽签分配") && cited.contains("通过"),
        "{referrals}"
    );
    let (_, public) = lookup();
    let told = &public["referrals"][0];
    assert_eq!(
        (told["meeting_day"].as_str(), told["passed"].as_bool()),
        (Some(today.to_string().as_str()), Some(true))
    );
    assert!(told["decision"].as_str().unwrap_or_default().contains("停车位按户抽签分配"), "{public}");
    let (_, shown) =
        page(agent().post(server.url("/public/lookup")).send_form([("case_number", number), ("query_code", code)]));
    assert!(
        shown.contains("提交社区议事") && shown.contains("停车位按户抽签分配") && shown.contains("不影响办理期限"),
        "{shown}"
    );

    // The case page: the decision, the deadline that keeps running, the opinion citing it.
    assert_eq!(post(&server, &officer, &format!("/api/v1/cases/{id}/accept"), &json!({})).0, 200);
    let browser = Browser::sign_in(&server, "xsoff", "西山社区接待员口令2027");
    let (_, page) = browser.page(&format!("/cases/{id}"));
    assert!(
        page.contains("提交社区议事") && page.contains("办理期限仍于") && page.contains("停车位按户抽签分配"),
        "{page}"
    );
    let basis =
        page.split(r#"name="basis""#).nth(1).unwrap_or_default().split("</textarea>").next().unwrap_or_default();
    assert!(basis.contains("停车位按户抽签分配"), "the opinion's basis cites the decision: {basis}");
    // The published agenda names no one: not the resident, not the petitioner.
    let (_, portal) = json_of(agent().get(server.url("/api/v1/public/units/XS")).call());
    let published = portal["meetings"].to_string();
    assert!(
        published.contains("健身器材维修") && !published.contains("李四") && !published.contains("王秀英"),
        "{published}"
    );

    // A matter sent twice waits once; no meeting before it was raised answers it; a meeting without
    // a quorum decides nothing, and the matter waits again for the next.
    let lighting =
        json!({"body": "council", "subject": "楼道照明改造", "reason": "夜间照明不足", "source": "committee"});
    let (_, light) = raise(lighting.clone());
    let (status, twice) = raise(lighting);
    assert_eq!((status, twice["error"]["field"].as_str()), (422, Some("subject")), "sent again: {twice}");
    let light_id = light["id"].as_i64().unwrap();
    let call_with = |day: chrono::NaiveDate| {
        post(
            &server,
            &admin,
            "/api/v1/units/XS/meetings",
            &json!({"body": "council", "convened_by": "chair",
            "day": day.to_string(), "place": "社区议事厅", "matters": [light_id]}),
        )
    };
    let (status, refused) = call_with(today - chrono::Duration::days(1));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("not_before")), "{refused}");
    let (status, thin) = call_with(today);
    assert_eq!(status, 201, "{thin}");
    let thin_id = thin["id"].as_i64().unwrap();
    post(&server, &admin, &format!("/api/v1/meetings/{thin_id}/attendance"), &json!({"present": [council[2]]}));
    let (_, listed) = get(&server, &admin, "/api/v1/units/XS/matters");
    let again = listed.as_array().unwrap().iter().find(|m| m["id"] == light_id).cloned().unwrap_or_default();
    assert_eq!((again["waiting"].as_bool(), again.get("meeting_id")), (Some(true), None), "waits again: {again}");
    assert_eq!(call_with(today).0, 201, "the next meeting takes it");
}
both_backends!(dem_4_a_case_referred_to_the_council_comes_back_with_its_decision);

/// DEM-6: a meeting is noticed the rules' days ahead (sooner is refused on the day), its notice is on
/// the portal at once as PDF; once held, its minutes are published with how many attended (no names)
/// and the decisions, residents' phone and ID numbers masked; the staff's minutes name those present
/// and keep the text whole.
fn dem_6_notices_and_minutes_are_published_without_personal_data(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _chen, _dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, None);
    let server = Server::start(&db);
    let council =
        members(&server, &admin, "council", &[("刘主任", "chair"), ("赵成员", "member"), ("钱成员", "member")]);
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let call = |day: chrono::NaiveDate, agenda: &str| {
        post(
            &server,
            &admin,
            "/api/v1/units/XS/meetings",
            &json!({"body": "council", "convened_by": "chair",
            "day": day.to_string(), "place": "社区议事厅", "agenda": [agenda]}),
        )
    };
    let (status, refused) = call(today + chrono::Duration::days(2), "楼道照明");
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("day")), "three days' notice: {refused}");
    assert!(refused["error"]["message"].as_str().unwrap_or_default().contains("3 天"), "{refused}");
    let (status, coming) = call(today + chrono::Duration::days(10), "楼道照明改造(联系人电话 13812345678)");
    assert_eq!((status, coming["recorded_afterwards"].as_bool()), (201, Some(false)), "{coming}");
    let coming_id = coming["id"].as_i64().unwrap();
    let (status, notice) = pdf_text(&server, None, &format!("/api/v1/public/meetings/{coming_id}/notice.pdf"));
    assert_eq!(status, 200, "{notice}");
    assert!(notice.contains("关于召开社区居民代表议事协商会会议的通知") && notice.contains("楼道照明改造"), "{notice}");
    assert!(!notice.contains("13812345678") && notice.contains("138******78"), "the phone masked: {notice}");
    assert_eq!(
        pdf_text(&server, None, &format!("/api/v1/public/meetings/{coming_id}/notice.pdf")).1,
        notice,
        "typeset once, the same again"
    );
    let (status, _) = pdf_text(&server, None, &format!("/api/v1/public/meetings/{coming_id}/minutes.pdf"));
    assert_eq!(status, 404, "no minutes before it is held");

    // Held (recorded the same day): attendance and a decision with a resident's numbers in it.
    let (_, held) = call(today, "加装电梯费用分摊");
    let held_id = held["id"].as_i64().unwrap();
    post(
        &server,
        &admin,
        &format!("/api/v1/meetings/{held_id}/attendance"),
        &json!({"present": [council[0], council[2]]}),
    );
    let decision = json!({"item": 0, "text": "同意按楼层分摊;联络人(身份证110101199003074512,电话13912345678)负责联络",
        "votes_for": 2, "votes_against": 0});
    assert_eq!(post(&server, &admin, &format!("/api/v1/meetings/{held_id}/decisions"), &decision).0, 201);
    let (status, minutes) = pdf_text(&server, None, &format!("/api/v1/public/meetings/{held_id}/minutes.pdf"));
    assert_eq!(status, 200, "{minutes}");
    assert!(
        minutes.contains("会议纪要") && minutes.contains("应到3人,实到2人") && minutes.contains("同意按楼层分摊"),
        "{minutes}"
    );
    for secret in ["110101199003074512", "13912345678", "刘主任", "钱成员"] {
        assert!(!minutes.contains(secret), "{secret} published: {minutes}");
    }
    let (status, staff) = pdf_text(&server, Some(&wang), &format!("/api/v1/meetings/{held_id}/minutes.pdf"));
    assert_eq!(status, 200, "{staff}");
    assert!(staff.contains("刘主任") && staff.contains("110101199003074512"), "the staff's minutes are whole: {staff}");

    // The community's page lists both, numbers masked, and links the papers.
    let (_, portal) = json_of(agent().get(server.url("/api/v1/public/units/XS")).call());
    let listed = portal["meetings"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{portal}");
    assert!(!portal.to_string().contains("13912345678") && !portal.to_string().contains("13812345678"), "{portal}");
    let (_, shown) = page(agent().get(server.url("/public/units/XS")).call());
    assert!(
        shown.contains("会议公告和决定") && shown.contains(&format!("/api/v1/public/meetings/{held_id}/minutes.pdf")),
        "{shown}"
    );
    assert!(!shown.contains("110101199003074512"), "{shown}");
}
both_backends!(dem_6_notices_and_minutes_are_published_without_personal_data);

/// DEM-3 … DEM-5: a body that met less often than its cadence in the last whole period is told to
/// the community's leaders by the supervision run, once; a body that met with a quorum is not; a body
/// entered only now is not judged for the periods before (a community setting up huiyin is not told
/// of its past years).
fn dem_3_dem_4_dem_5_a_missed_cadence_is_told_to_the_leaders_once(backend: Backend) {
    use huiyin_core::community_body::{BodyKind, MemberRole};
    let Some(db) = Db::new(backend) else { return };
    let (_, _, dong) = db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, None);
    let leader = db.account("xslead", "XS", Role::Leader, None);
    let server = Server::start(&db);
    let now = chrono::Utc::now();
    let today = huiyin_core::limits::china_day(now);
    let run =
        || db.with_store(async |store| huiyin_app::meetings::tell_missed(store, chrono::Utc::now()).await.unwrap());
    assert_eq!(run(), 0, "no body has members yet");
    // Entered today: the periods before are not judged.
    members(&server, &admin, "congress", &[("代表甲", "representative")]);
    assert_eq!(run(), 0, "a body entered today");
    // The committee and the council, entered two years ago; the committee met last month with a
    // quorum, the council in no quarter.
    let last_month = BodyKind::Committee.cadence().last_period(today);
    db.with_store(async |store| {
        let unit = store.unit_by_code("XS").await.unwrap().unwrap();
        let by = store.user_by_username("xsadmin").await.unwrap().unwrap().id;
        let long_ago = now - chrono::Duration::days(730);
        let mut ids = Vec::new();
        for (body, name) in [(BodyKind::Committee, "周主任"), (BodyKind::Council, "刘主任")] {
            let member = huiyin_store::NewBodyMember {
                unit_id: unit.id,
                body,
                name: name.into(),
                role: MemberRole::Chair,
                represents: None,
                term_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                term_to: None,
                added_by: by,
                added_at: long_ago,
            };
            ids.push(store.add_body_member(&member).await.unwrap());
        }
        let meeting = huiyin_store::NewMeeting {
            unit_id: unit.id,
            body: BodyKind::Committee,
            day: last_month.from,
            starts: None,
            place: "居委会".into(),
            agenda: vec!["月度例会".into()],
            convened_by: huiyin_core::meeting::ConvenedBy::Committee,
            signers: vec![],
            rules: BodyKind::Committee.default_rules(),
            matters: vec![],
            created_by: by,
            created_at: long_ago,
        };
        let id = store.add_meeting(&meeting).await.unwrap();
        let attendance = huiyin_store::Attendance {
            present: vec![ids[0]],
            sitting: 1,
            quorate: true,
            recorded_by: by,
            recorded_at: now,
        };
        assert!(store.record_attendance(id, &attendance).await.unwrap());
    });
    assert_eq!(run(), 1, "the council's quarter only");
    assert_eq!(run(), 0, "once");
    let quarter = BodyKind::Council.cadence().last_period(today);
    let (_, mine) = get(&server, &leader, "/api/v1/notifications");
    let told: Vec<String> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "meetings_missed")
        .map(|n| n["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(told.len(), 1, "{mine}");
    assert!(
        told[0].contains("社区居民代表议事协商会")
            && told[0].contains(&quarter.label_zh)
            && told[0].contains("每季度召开一次"),
        "{told:?}"
    );
    let supervise = db.cli(&["supervise"]);
    assert!(supervise.contains("未按期开会的社区组织 0 个"), "{supervise}");
    // The 督办 page and the API list it for those above, and for no other town.
    let (_, missed) = get(&server, &leader, "/api/v1/supervision/meetings-missed");
    assert_eq!(
        (missed[0]["unit"].as_str(), missed[0]["body"].as_str(), missed[0]["period"].as_str()),
        (Some("XS"), Some("council"), Some(quarter.label_zh.as_str())),
        "{missed}"
    );
    let (_, elsewhere) = get(&server, &dong, "/api/v1/supervision/meetings-missed");
    assert_eq!(elsewhere, json!([]), "another town");
    db.account("xzsup", "XZ", Role::Supervisor, Some("西山镇督查口令2027"));
    let browser = Browser::sign_in(&server, "xzsup", "西山镇督查口令2027");
    let (_, dashboard) = browser.page("/dashboard");
    assert!(dashboard.contains("社区组织未按期开会") && dashboard.contains(&quarter.label_zh), "{dashboard}");
}
both_backends!(dem_3_dem_4_dem_5_a_missed_cadence_is_told_to_the_leaders_once);

/// DEM-1: an amendment adopted by a recorded decision of the community's congress names it: the
/// version keeps the decision, its day and citation filled from it; a council's decision, or one
/// not passed, adopts nothing.
fn dem_1_an_amendment_adopted_by_a_congress_decision_cites_it(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2027"));
    let server = Server::start(&db);
    let charter = json!({"kind": "charter", "name": "西山社区居民自治章程", "text": V1,
        "adopted_on": "2020-01-10", "adopted_by": "2020年第一次居民代表大会第1号决定"});
    let (_, adopted) = post(&server, &admin, "/api/v1/units/XS/charters", &charter);
    let id = adopted["id"].as_i64().unwrap();
    let representatives = members(
        &server,
        &admin,
        "congress",
        &[("代表甲", "representative"), ("代表乙", "representative"), ("代表丙", "representative")],
    );
    let council = members(&server, &admin, "council", &[("刘主任", "chair")]);
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let held = |body: &str, by: &str, present: &[i64], yes: u32| -> i64 {
        let (_, m) = post(
            &server,
            &admin,
            "/api/v1/units/XS/meetings",
            &json!({"body": body, "convened_by": by,
            "day": today.to_string(), "place": "社区议事厅", "agenda": ["修改自治章程第二条"]}),
        );
        let mid = m["id"].as_i64().unwrap();
        post(&server, &admin, &format!("/api/v1/meetings/{mid}/attendance"), &json!({"present": present}));
        let (status, decided) = post(
            &server,
            &admin,
            &format!("/api/v1/meetings/{mid}/decisions"),
            &json!({"item": 0, "text": "同意修改", "votes_for": yes, "votes_against": 0}),
        );
        assert_eq!(status, 201, "{decided}");
        decided["decisions"][0]["id"].as_i64().unwrap()
    };
    let congress = held("congress", "committee", &representatives, 3);
    let failed = held("congress", "committee", &representatives, 1);
    let of_council = held("council", "chair", &council, 1);
    let amend = |decision: i64| {
        post(
            &server,
            &admin,
            &format!("/api/v1/charters/{id}/versions"),
            &json!({"after_version": 1, "text": V2, "decision_id": decision}),
        )
    };
    for wrong in [failed, of_council, 999_999] {
        let (status, refused) = amend(wrong);
        assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("decision_id")), "{wrong}: {refused}");
    }
    let (status, amended) = amend(congress);
    assert_eq!(status, 201, "{amended}");
    let v2 = &amended["versions"][1];
    assert_eq!(
        (v2["decision_id"].as_i64(), v2["adopted_on"].as_str()),
        (Some(congress), Some(today.to_string().as_str()))
    );
    assert!(v2["adopted_by"].as_str().unwrap_or_default().contains("社区居民代表大会第1项决定"), "{v2}");
    // The amendment form offers the decision by what it decided, not by a number to type.
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2027");
    let (_, page) = browser.page(&format!("/charters/{id}"));
    assert!(page.contains(r#"name="decision_id""#) && page.contains("同意修改"), "{page}");
}
both_backends!(dem_1_an_amendment_adopted_by_a_congress_decision_cites_it);
