//! Presets (issue 22): `huiyin init --preset …` and the setup page's choice set a unit up as its
//! seed document describes it; a database with units is refused unless merged, and a merge
//! overwrites nothing an administrator set.

use huiyin_core::limits::LimitRules;
use huiyin_core::preset::UnitTerms;
use huiyin_core::user::Role;
use huiyin_store::Store;
use serde_json::json;

use crate::common::{Backend, Browser, Db, Server, get, plain, post, put};

/// What the store holds of a unit and the units below it after a preset: the codes (sorted), its
/// terms, its public hours, its own limits.
fn kept(db: &Db, code: &str) -> (Vec<String>, Option<UnitTerms>, Option<String>, Option<LimitRules>) {
    db.with_store(async |store: &dyn Store| {
        let units = store.units().await.unwrap();
        let mut codes: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
        codes.sort();
        let Some(top) = units.iter().find(|u| u.code == code) else { return (codes, None, None, None) };
        let terms = store.unit_terms(top.id).await.unwrap();
        let hours = store.unit_public_info(top.id).await.unwrap().map(|i| i.office_hours);
        let limits = store.own_limit_rules(top.id).await.unwrap();
        (codes, terms, hours, limits)
    })
}

/// Each of the five presets sets its unit up from the command line, each on a new database: the
/// unit and its usual sub-units, what it calls its roles and letters, its reception hours (with the
/// hotline given), its limits where it changes them, and for the democratic community the rules of
/// its three bodies.
fn init_sets_up_each_preset(backend: Backend) {
    let expected: [(&str, &str, &str, &[&str], &str); 5] = [
        ("federation", "CL", "西山社区残疾人联合会", &["CL", "CL-WQB"], "1-5 08:30-11:30,14:00-17:30"),
        ("community-democratic", "SQ", "西山社区居民委员会", &["SQ"], "1-5 08:30-12:00,14:00-17:30"),
        ("community", "SQ", "西山社区居民委员会", &["SQ"], "1-7 08:30-12:00,14:00-17:30"),
        (
            "town",
            "XZ",
            "西山镇人民政府",
            &["XZ", "XZ-DZB", "XZ-SWB", "XZ-XFB", "XZ-ZZB"],
            "1-5 08:30-12:00,14:00-17:30",
        ),
        ("school", "XX", "西山中学", &["XX", "XX-DYC", "XX-JWC", "XX-XZB", "XX-ZWC"], "1-5 10:00-12:30,16:00-18:00"),
    ];
    for (id, code, name, codes, hours) in expected {
        let Some(db) = Db::new(backend) else { return };
        let out = db.cli(&["init", "--preset", id, "--code", code, "--name", name, "--hotline", "0432-62766233"]);
        assert!(out.contains("✓ 已添加单位") && out.contains("✓ 接待时间"), "{id}: {out}");
        let (units, terms, kept_hours, limits) = kept(&db, code);
        assert_eq!(units, codes, "{id}");
        let terms = terms.unwrap_or_else(|| panic!("{id}: terms kept"));
        assert_eq!(terms.preset.as_deref(), Some(id));
        assert_eq!(kept_hours.as_deref(), Some(hours), "{id}");
        // The presets' limits are what a unit inherits already (the national ones; TWN-11's two
        // approvals and TWN-9's first working day are the defaults): nothing is written.
        assert_eq!(limits, None, "{id}: nothing to change, nothing written");
        assert!(out.contains("办理期限:沿用上级单位或全国规定"), "{id}: {out}");
        let bodies = db.with_store(async |store: &dyn Store| {
            let top = store.unit_by_code(code).await.unwrap().unwrap();
            let mut own = 0;
            for kind in huiyin_core::community_body::BodyKind::ALL {
                own += usize::from(store.body_rules(top.id, kind).await.unwrap().is_some());
            }
            own
        });
        assert_eq!(bodies, if id == "community-democratic" { 3 } else { 0 }, "{id}: DEM-2 bodies");
    }
    // FED-16, FED-17: the federation's letters by their own titles; FED-2: its officers by theirs.
    let Some(db) = Db::new(backend) else { return };
    db.cli(&["init", "--preset", "federation", "--code", "dcl", "--name", "东城社区残疾人联合会"]);
    let (units, terms, hours, _) = kept(&db, "DCL");
    assert_eq!(units, ["DCL", "DCL-WQB"]);
    let terms = terms.unwrap();
    assert_eq!(terms.assignment_title.as_deref(), Some("残疾人来信来访来电交办函"));
    assert_eq!(terms.transfer_title.as_deref(), Some("群众来信来访来电转办函"));
    assert_eq!(terms.role_name(Role::Officer), "专职信访员");
    assert_eq!(hours, None, "without a hotline the public information is left to the unit");
}
both_backends!(init_sets_up_each_preset);

/// A preset is for a new database: one with units is refused, naming the way to merge, and
/// nothing changes; merged, the preset adds only what is missing and overwrites nothing an
/// administrator set (limits, public information, the unit's terms — a title they cleared stays
/// cleared). Bad input, a unit of another kind, another parent or a name taken change nothing.
fn a_preset_refuses_a_database_with_units_and_a_merge_overwrites_nothing(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    for (args, words) in [
        (vec!["init", "--preset", "castle", "--code", "XZ", "--name", "西镇"], "没有名为 castle 的预设"),
        (vec!["init", "--preset", "town"], "--code"),
        (vec!["init", "--preset", "town", "--code", "镇", "--name", "西镇"], "单位代码"),
        (vec!["init", "--preset", "town", "--code", "ABCDEFGHIJKLMN", "--name", "西镇"], "不能超过 12 个字符"),
        (vec!["init", "--preset", "town", "--code", "XZ", "--name", "西\u{202e}镇"], "控制字符"),
        (vec!["init", "--preset", "town", "--code", "XZ", "--name", "西镇", "--parent", "QX"], "上级单位"),
    ] {
        let (ok, _, err) = db.try_cli(&args, None);
        assert!(!ok && err.contains(words), "{args:?}: {err}");
    }
    assert!(kept(&db, "XZ").0.is_empty(), "a refused preset wrote nothing");
    let (ok, list, _) = db.try_cli(&["init", "--list"], None);
    assert!(ok && list.contains("community-democratic") && list.contains("学校"), "{list}");

    let dcl = ["init", "--preset", "federation", "--code", "DCL", "--name", "东城社区残疾人联合会"];
    let out = db.cli(&[&dcl[..], &["--hotline", "0432-62766233"]].concat());
    assert!(out.contains("设置链接"), "the next step is the first administrator: {out}");
    let refused = |args: &[&str], words: &[&str]| {
        let (ok, _, err) = db.try_cli(args, None);
        assert!(!ok && words.iter().all(|w| err.contains(w)), "{args:?}: {err}");
    };
    refused(&dcl, &["已有单位", "--merge"]);
    refused(&["init", "--preset", "town", "--code", "XZ", "--name", "西镇", "--merge"], &["上级单位", "--parent"]);
    refused(
        &["init", "--preset", "town", "--code", "XZ", "--name", "西镇", "--merge", "--parent", "NOPE"],
        &["上级单位"],
    );
    // Onto a unit of another kind, or under another parent than it has.
    refused(&["init", "--preset", "town", "--code", "DCL", "--merge"], &["单位代码已存在"]);
    refused(&["init", "--preset", "federation", "--code", "DCL", "--merge", "--parent", "DCL-WQB"], &["上级单位"]);
    // A name another unit has.
    let taken = ["init", "--preset", "community", "--code", "DSQ", "--name", "东城社区残疾人联合会维权办"];
    refused(&[&taken[..], &["--merge", "--parent", "DCL"]].concat(), &["已存在"]);
    assert_eq!(kept(&db, "DCL").0, ["DCL", "DCL-WQB"], "the refusals changed nothing");

    // The administrator changes what the preset set.
    db.cli(&["unit", "limits", "DCL", "--preset", "zhejiang"]);
    db.cli(&[
        "unit",
        "info",
        "DCL",
        "--hotline",
        "0432-1111111",
        "--address",
        "东城路 1 号",
        "--hours",
        "1-5 09:00-11:00",
        "--procedure",
        "来访请带残疾人证。",
    ]);
    db.with_store(async |store: &dyn Store| {
        let top = store.unit_by_code("DCL").await.unwrap().unwrap();
        let mut terms = store.unit_terms(top.id).await.unwrap().unwrap();
        terms.roles.insert("officer".into(), "信访专干".into());
        terms.transfer_title = None;
        store.set_unit_terms(top.id, &terms, chrono::Utc::now()).await.unwrap();
    });
    db.cli(&["user", "add", "admin", "--unit", "DCL", "--role", "admin", "--name", "管理员"]);
    let out = db.cli(&["init", "--preset", "federation", "--code", "DCL", "--hotline", "0432-62766233", "--merge"]);
    for kept_as_it_was in
        ["单位 DCL 已存在,保留原样", "公开信息已设置,保留原样", "称谓、文书名称和常用分类已设置,保留原样"]
    {
        assert!(out.contains(kept_as_it_was), "{kept_as_it_was}: {out}");
    }
    assert!(!out.contains('✓') && !out.contains("设置链接"), "nothing done, no setup link to promise: {out}");
    let (units, terms, hours, limits) = kept(&db, "DCL");
    assert_eq!(units, ["DCL", "DCL-WQB"]);
    assert_eq!(hours.as_deref(), Some("1-5 09:00-11:00"));
    assert_eq!(limits.unwrap().preset, "zhejiang");
    let terms = terms.unwrap();
    assert_eq!(terms.role_name(Role::Officer), "信访专干", "the administrator's name stays");
    assert_eq!(terms.transfer_title, None, "a title the administrator cleared stays cleared");
    // A second preset merged below the first adds its units there, and inherits the limits the
    // unit above set (a preset never loosens them).
    let dsq = ["init", "--preset", "community", "--code", "DSQ", "--name", "东城社区", "--merge", "--parent", "dcl"];
    let out = db.cli(&dsq);
    assert!(out.contains("✓ 已添加单位 东城社区(DSQ)") && out.contains("沿用上级单位"), "{out}");
    assert_eq!(kept(&db, "DSQ").3, None);
}
both_backends!(a_preset_refuses_a_database_with_units_and_a_merge_overwrites_nothing);

/// TWN-11, FED-16: a unit's letters print under the titles its preset names — the town's
/// 交办通知书 as its document words it — and its sub-units' letters under the unit's.
fn twn_11_a_presets_letters_print_under_its_own_titles(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.cli(&["init", "--preset", "town", "--code", "XZ", "--name", "西山镇人民政府"]);
    let wang = db.account("wang", "XZ", Role::Supervisor, None);
    let server = Server::start(&db);
    let visit = json!({"channel": "visit", "unit": "XZ", "petitioner": {"name": "王五"},
        "category": "拖欠农民工工资", "content": "来访反映工地拖欠工资三个月。"});
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    let (status, assigned) = post(&server, &wang, &format!("/api/v1/cases/{id}/assign"), &json!({"unit": "XZ-SWB"}));
    assert_eq!(status, 200, "{assigned}");
    let (_, docs) = get(&server, &wang, &format!("/api/v1/cases/{id}/documents"));
    let letter = docs.as_array().unwrap().iter().find(|d| d["kind"] == "assignment-letter").unwrap();
    assert_eq!(letter["title"], "来访事项交办通知书", "{docs}");

    // The terms as the API gives them: a department's are the town's, a village's are its own (none);
    // an administrator replaces the town's, nobody else, and bad input changes nothing.
    let admin = db.account("admin", "XZ", Role::Admin, None);
    let office_admin = db.account("swb", "XZ-SWB", Role::Admin, None);
    let village = json!({"code": "XZ-DC", "name": "东村", "kind": "village", "parent": "XZ"});
    assert_eq!(post(&server, &admin, "/api/v1/units", &village).0, 201);
    let (_, dc) = get(&server, &admin, "/api/v1/units/XZ-DC/terms");
    assert_eq!((&dc["own"], &dc["terms"]), (&json!(false), &json!({})), "a village is no department of the town");
    let (status, swb) = get(&server, &wang, "/api/v1/units/XZ-SWB/terms");
    assert_eq!(
        (status, &swb["own"], &swb["terms"]["assignment_title"]),
        (200, &json!(false), &json!("来访事项交办通知书"))
    );
    let terms = json!({"roles": {"officer": "信访专干"}, "assignment_title": "交办单", "first_classes": ["教育"]});
    assert_eq!(put(&server, &wang, "/api/v1/units/XZ/terms", &terms).0, 403);
    assert_eq!(put(&server, &office_admin, "/api/v1/units/XZ/terms", &terms).0, 404, "the unit above is out of scope");
    let bad = json!({"roles": {"boss": "老板"}, "first_classes": ["不存在的分类"]});
    let (status, refused) = put(&server, &admin, "/api/v1/units/XZ/terms", &bad);
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "roles.boss", "{refused}");
    let (_, unchanged) = get(&server, &admin, "/api/v1/units/XZ/terms");
    assert_eq!(unchanged["terms"]["assignment_title"], "来访事项交办通知书");
    let (status, set) = put(&server, &admin, "/api/v1/units/XZ/terms", &terms);
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        (&set["own"], &set["terms"]["preset"], &set["terms"]["roles"]["officer"]),
        (&json!(true), &json!("town"), &json!("信访专干"))
    );
}
both_backends!(twn_11_a_presets_letters_print_under_its_own_titles);

/// The first-run setup page offers the presets: a bad choice or a code the sub-units' codes do not
/// fit under is refused on its field and makes nothing; the school's preset sets the school up
/// with its offices and its two sittings (SCH-4), and the staff list names roles as it does.
fn the_setup_page_sets_a_unit_up_from_a_preset(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let server = Server::start(&db);
    let link = server.banner.iter().find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/"))).unwrap();
    let path = link.split_once("/setup/").map(|(_, t)| format!("/setup/{t}")).unwrap();
    let mut form = plain().get(server.url(&path)).call().unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.body_mut().read_to_string().unwrap();
    for title in ["社区残联", "社区(含民主管理)", "乡镇", "学校", "不使用预设"] {
        assert!(page.contains(title), "{title} offered");
    }
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let send = |preset: &str, code: &str| {
        let mut answer = plain()
            .post(server.url(&path))
            .header("Cookie", &cookie)
            .send_form([
                ("csrf", csrf.as_str()),
                ("unit_code", code),
                ("unit_name", "西山中学"),
                ("unit_kind", "community"),
                ("preset", preset),
                ("hotline", "0432-6276623"),
                ("username", "admin"),
                ("display_name", "李校长"),
                ("password", "Xishan-middle-school-2026"),
                ("password2", "Xishan-middle-school-2026"),
            ])
            .unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let (status, body) = send("castle", "XX");
    assert!(status == 422 && body.contains("可选"), "{status}: {body}");
    let (status, body) = send("school", "ABCDEFGHIJKLMN");
    assert!(status == 422 && body.contains("单位代码不能超过 12 个字符"), "{status}: {body}");
    assert!(kept(&db, "XX").0.is_empty(), "a refused setup made nothing");
    let (status, _) = send("school", "XX");
    assert_eq!(status, 303);
    let (units, terms, hours, _) = kept(&db, "XX");
    assert_eq!(units, ["XX", "XX-DYC", "XX-JWC", "XX-XZB", "XX-ZWC"]);
    assert_eq!(hours.as_deref(), Some("1-5 10:00-12:30,16:00-18:00"));
    assert_eq!(terms.unwrap().preset.as_deref(), Some("school"));
    let kind = db.with_store(async |store: &dyn Store| store.unit_by_code("XX").await.unwrap().unwrap().kind);
    assert_eq!(kind, huiyin_core::unit::UnitKind::School, "the preset's kind, not the select's");

    db.account("zhao", "XX", Role::Officer, None);
    let admin = Browser::sign_in(&server, "admin", "Xishan-middle-school-2026");
    let (_, people) = admin.page("/admin/users");
    assert!(people.contains("值班接待人员(接访员)"), "{people}");
    let (_, duty) = admin.page("/duty?unit=XX");
    assert!(duty.contains("周一至周五接待时间内轮流值班"), "{duty}");
}
both_backends!(the_setup_page_sets_a_unit_up_from_a_preset);
