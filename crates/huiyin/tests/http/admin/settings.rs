//! A unit's settings page (issue 18): its time limits beside those inherited (GEN-2 … GEN-5), its
//! letterhead with a PDF sample, its public information (COM-3), its reception days (FED-3, FED-4)
//! and its kind (TWN-1, GEN-7), each set from the page, refused with the reason on the field and
//! nothing changed, refused to every other role and outside the administrator's units.

use huiyin_core::calendar::Limit;
use huiyin_core::limits::LimitRules;
use huiyin_core::user::Role;
use serde_json::json;

use crate::common::{self, Backend, Browser, Db, Server, get, patch};

/// The limits form's fields for `rules`, as the page sends them.
fn limit_fields(rules: &LimitRules) -> Vec<(String, String)> {
    let mut fields = vec![("step".to_owned(), "save".to_owned())];
    for (field, limit) in rules.named_limits() {
        let (count, unit) = match limit {
            Limit::CalendarDays(n) => (n, "days"),
            Limit::WorkingDays(n) => (n, "working_days"),
        };
        fields.push((format!("{field}_count"), count.to_string()));
        fields.push((format!("{field}_unit"), unit.to_owned()));
    }
    fields.push(("approvals_required".into(), rules.approvals_required.to_string()));
    fields.push(("review_levels_up".into(), rules.review_levels_up.to_string()));
    fields
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Issue 18, GEN-2 … GEN-5: a town's administrator reads a community's limits beside those it
/// inherits, takes a province's preset for it, changes one limit, and drops its own again; a count
/// that is no number comes back on its field, as typed, and changes nothing. The community's own
/// administrator only reads them: a unit's limits are set from above.
fn gen_2_a_units_limits_are_set_beside_those_it_inherits(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let admin = db.account("xzadmin", "XZ", Role::Admin, Some("西镇管理员口令2026"));
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let server = Server::start(&db);
    let browser = Browser::sign_in(&server, "xzadmin", "西镇管理员口令2026");
    let limits = || {
        let (status, view) = get(&server, &admin, "/api/v1/units/XS/limits");
        assert_eq!(status, 200, "{view}");
        view
    };

    let (status, page) = browser.page("/admin/units/XS/settings");
    assert_eq!(status, 200);
    assert!(page.contains("本单位沿用上级单位的期限") && page.contains(r#"name="handling_count" value="60""#));
    assert!(page.contains(r#"id="save-limits""#), "{page}");

    // The community's administrator: read only, and refused.
    let own = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let (status, own_page) = own.page("/admin/units/XS/settings");
    assert_eq!(status, 200);
    assert!(own_page.contains("由上级单位设置") && !own_page.contains(r#"id="save-limits""#), "{own_page}");
    assert!(!own_page.contains("/settings/kind"), "one's own unit's kind is changed from above");
    let preset = [("step", "preset"), ("preset", "zhejiang")];
    assert_eq!(own.submit("/admin/units/XS/settings/limits", &preset).0, 403);
    assert_eq!(common::put(&server, &community, "/api/v1/units/XS/limits", &json!({"preset": "zhejiang"})).0, 403);
    assert_eq!(common::delete(&server, &community, "/api/v1/units/XS/limits").0, 403);

    let (status, location, _) = browser.submit("/admin/units/XS/settings/limits", &preset);
    assert_eq!((status, location.as_str()), (303, "/admin/units/XS/settings?done=limits#limits-h"));
    let view = limits();
    assert_eq!((view["own"].as_bool(), view["rules"]["preset"].as_str()), (Some(true), Some("zhejiang")));
    assert_eq!(view["inherited"]["handling"], json!({"unit": "calendar_days", "count": 60}), "{view}");
    let (_, page) = browser.page("/admin/units/XS/settings");
    assert!(page.contains("本单位自定了期限") && page.contains("与沿用值不同") && page.contains("60 日"), "{page}");

    let mut rules = LimitRules::zhejiang();
    rules.handling = Limit::CalendarDays(45);
    let mut fields = limit_fields(&rules);
    let (status, _, _) = browser.submit("/admin/units/XS/settings/limits", &borrowed(&fields));
    assert_eq!(status, 303);
    assert_eq!(limits()["rules"]["handling"], json!({"unit": "calendar_days", "count": 45}));

    for (field, value) in &mut fields {
        if field == "notice_count" {
            *value = "十五".into();
        }
    }
    let (status, _, refused) = browser.submit("/admin/units/XS/settings/limits", &borrowed(&fields));
    assert_eq!(status, 422);
    assert!(refused.contains(r#"id="rules.notice-err""#) && refused.contains(r#"value="十五""#), "{refused}");
    assert_eq!(limits()["rules"]["notice"], json!({"unit": "working_days", "count": 5}), "nothing changed");

    let (status, _, _) = browser.submit("/admin/units/XS/settings/limits", &[("step", "inherit")]);
    assert_eq!(status, 303);
    let view = limits();
    assert_eq!((view["own"].as_bool(), view["rules"]["preset"].as_str()), (Some(false), Some("national")));
    let (status, again) = common::delete(&server, &admin, "/api/v1/units/XS/limits");
    assert_eq!((status, again["own"].as_bool()), (200, Some(false)), "dropping nothing is no error");
    // Saving the limits it inherits unchanged still makes them its own, and says so.
    let (status, _, _) =
        browser.submit("/admin/units/XS/settings/limits", &borrowed(&limit_fields(&LimitRules::national())));
    assert_eq!(status, 303);
    assert_eq!(limits()["own"], true, "its own, equal to those above");
    assert_eq!(common::delete(&server, &admin, "/api/v1/units/XS/limits").1["own"], false);
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=unit.limits&target=XS");
    assert_eq!(log["items"].as_array().unwrap().len(), 5, "preset, change, inherit, save, inherit: {log}");
}
both_backends!(gen_2_a_units_limits_are_set_beside_those_it_inherits);

/// Issue 18, COM-3, FED-3, FED-4: the letterhead is previewed as a PDF sample without being saved,
/// then saved; the public information and the reception days are set and show on the public page;
/// a wrong field comes back under it, as typed, with nothing saved.
fn com_3_a_unit_sets_its_letterhead_public_information_and_reception_days(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let admin = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let server = Server::start(&db);
    let browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let letterhead = || get(&server, &admin, "/api/v1/units/XS/letterhead").1;

    let sample = [("letterhead", "西山社区居民委员会文件"), ("signature", "西山社区居民委员会\n(盖章)")];
    let (status, _, media, pdf) = browser.submit_bytes("/admin/units/XS/settings/letterhead/preview", &sample);
    assert_eq!((status, media.as_str()), (200, "application/pdf"));
    let text = huiyin_pdf::extract_text(&pdf).unwrap();
    assert!(text.contains("西山社区居民委员会文件") && text.contains("样例"), "{text}");
    assert_eq!(letterhead()["own"], false, "a preview saves nothing");
    let (status, _, refused) = browser.submit("/admin/units/XS/settings/letterhead", &[("letterhead", " ")]);
    assert!(status == 422 && refused.contains(r#"id="letterhead-err""#), "{refused}");
    let (status, location, _) = browser.submit("/admin/units/XS/settings/letterhead", &sample);
    assert_eq!((status, location.as_str()), (303, "/admin/units/XS/settings?done=letterhead#letterhead-h"));
    let saved = letterhead();
    assert_eq!(saved["letterhead"], "西山社区居民委员会文件");
    assert_eq!(saved["signature"], json!(["西山社区居民委员会", "(盖章)"]));

    let info = [
        ("hotline", "0571-8888 1234"),
        ("address", "向阳街 1 号"),
        ("office_hours", "周一到周五"),
        ("procedure", "当场登记,十五日内告知是否受理。"),
    ];
    let (status, _, refused) = browser.submit("/admin/units/XS/settings/public-info", &info);
    assert!(status == 422 && refused.contains(r#"id="office_hours-err""#), "{refused}");
    assert!(refused.contains(r#"value="向阳街 1 号""#), "as typed: {refused}");
    let mut info = info.to_vec();
    info[2] = ("office_hours", "1-5 10:00-12:30,16:00-18:00");
    let (status, _, _) = browser.submit("/admin/units/XS/settings/public-info", &info);
    assert_eq!(status, 303);

    let (status, _, refused) =
        browser.submit("/admin/units/XS/settings/schedule", &[("leader1", "张三"), ("credential1", "XS-001")]);
    assert!(status == 422 && refused.contains(r#"id="days[0].title-err""#), "{refused}");
    let week = [("leader1", "张三"), ("title1", "社区党委书记"), ("credential1", "XS-001"), ("leader3", "李四")];
    let (status, _, refused) = browser.submit("/admin/units/XS/settings/schedule", &week);
    assert!(status == 422 && refused.contains(r#"id="days[1].title-err""#), "the second day sent: {refused}");
    let week = [("leader1", "张三"), ("title1", "社区党委书记"), ("credential1", "XS-001")];
    let (status, _, _) = browser.submit("/admin/units/XS/settings/schedule", &week);
    assert_eq!(status, 303);

    let mut public = common::plain().get(server.url("/public/units/XS")).call().unwrap();
    let public = public.body_mut().read_to_string().unwrap();
    assert!(public.contains("0571-8888 1234") && public.contains("张三") && public.contains("XS-001"), "{public}");
    let (_, page) = browser.page("/admin/units/XS/settings");
    assert!(page.contains(r#"value="社区党委书记""#) && page.contains("西山社区居民委员会文件"), "as stored");
    let (_, log) = get(&server, &admin, "/api/v1/audit?target=XS");
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unit.schedule", "unit.public_info", "unit.letterhead"], "{log}");
}
both_backends!(com_3_a_unit_sets_its_letterhead_public_information_and_reception_days);

/// Issue 18, TWN-1, GEN-7: a town's administrator makes a community below it a department of the
/// town (blind to accusations against the town) but cannot make it a community again, which would
/// let it read them; the county's administrator can. Through the page and `PATCH /units/{code}`,
/// one change at a time, on the audit log. The settings pages are refused to every other role and
/// outside the administrator's units.
fn gen_7_a_units_kind_changes_only_where_it_opens_no_accusation(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let county = db.account("boss", "QX", Role::Admin, None);
    let town = db.account("xzadmin", "XZ", Role::Admin, Some("西镇管理员口令2026"));
    db.account("dzadmin", "DZ", Role::Admin, Some("东镇管理员口令2026"));
    db.account("xzlead", "XZ", Role::Leader, Some("西镇领导口令2026"));
    let server = Server::start(&db);
    let browser = Browser::sign_in(&server, "xzadmin", "西镇管理员口令2026");

    let (status, page) = browser.page("/admin/units/XS/settings");
    assert!(status == 200 && page.contains("/admin/units/XS/settings/kind"), "{page}");
    let (status, location, _) = browser.submit("/admin/units/XS/settings/kind", &[("kind", "department")]);
    assert_eq!((status, location.as_str()), (303, "/admin/units/XS/settings?done=kind#kind-h"));
    let (status, refused) = patch(&server, &town, "/api/v1/units/XS", &json!({"kind": "community"}));
    assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("kind")), "{refused}");
    let (status, _, refused) = browser.submit("/admin/units/XS/settings/kind", &[("kind", "community")]);
    assert!(status == 422 && refused.contains(r#"id="kind-err""#), "{refused}");
    let (status, both) = patch(&server, &county, "/api/v1/units/XS", &json!({"kind": "community", "name": "x"}));
    assert_eq!(status, 422, "one change at a time: {both}");
    let (status, changed) = patch(&server, &county, "/api/v1/units/XS", &json!({"kind": "community"}));
    assert_eq!((status, changed["kind"].as_str()), (200, Some("community")), "{changed}");
    let (status, _) = patch(&server, &county, "/api/v1/units/XS", &json!({"kind": "castle"}));
    assert_eq!(status, 422);
    let (_, log) = get(&server, &county, "/api/v1/audit?action=unit.kind&target=XS");
    let kinds: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["before"]["kind"].as_str().unwrap(), e["after"]["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("department", "community"), ("community", "department")], "{log}");

    // Nobody else: another town's administrator does not find the unit; a leader is refused.
    let sibling = Browser::sign_in(&server, "dzadmin", "东镇管理员口令2026");
    assert_eq!(sibling.page("/admin/units/XS/settings").0, 404);
    let leader = Browser::sign_in(&server, "xzlead", "西镇领导口令2026");
    assert_eq!(leader.page("/admin/units/XZ/settings").0, 403);
    for (path, fields) in [
        ("/admin/units/XZ/settings/limits", vec![("step", "preset"), ("preset", "zhejiang")]),
        ("/admin/units/XZ/settings/letterhead", vec![("letterhead", "西镇"), ("signature", "西镇")]),
        ("/admin/units/XZ/settings/letterhead/preview", vec![("letterhead", "西镇"), ("signature", "西镇")]),
        ("/admin/units/XZ/settings/public-info", vec![("hotline", "1"), ("address", "a")]),
        ("/admin/units/XZ/settings/schedule", vec![]),
        ("/admin/units/XZ/settings/kind", vec![("kind", "town")]),
    ] {
        assert_eq!(leader.submit_bytes(path, &fields).0, 403, "{path}");
        assert_eq!(sibling.submit_bytes(path, &fields).0, 404, "{path}");
    }
    let (status, _) = get(&server, &county, "/api/v1/units/XZ/limits");
    assert_eq!(status, 200);
    let (_, log) = get(&server, &county, "/api/v1/audit?target=XZ");
    assert!(log["items"].as_array().unwrap().is_empty(), "nothing changed: {log}");
}
both_backends!(gen_7_a_units_kind_changes_only_where_it_opens_no_accusation);
