//! Administration (issue 18): the staff list and the audit log of every change, through the API and
//! the command line, each refused to every role but the administrator and read within the
//! administrator's own units.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{self, Backend, Db, Server, agent, get, patch, post, put, sign_in};

/// The audit entries an administrator reads, newest first, with the query given.
fn audit(server: &Server, token: &str, query: &str) -> Vec<Value> {
    let (status, page) = get(server, token, &format!("/api/v1/audit{query}"));
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// Tries to sign in at the staff login form; the answer's status.
fn attempt_sign_in(server: &Server, username: &str, password: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut form = agent.get(server.url("/login")).call().unwrap();
    let session = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let answer = agent
        .post(server.url("/login"))
        .header("Cookie", &session)
        .send_form([("csrf", csrf.as_str()), ("username", username), ("password", password)])
        .unwrap();
    answer.status().as_u16()
}

/// The one entry of `action` about `target`.
fn entry(entries: &[Value], action: &str, target: &str) -> Value {
    let found: Vec<&Value> = entries.iter().filter(|e| e["action"] == action && e["target"] == target).collect();
    assert_eq!(found.len(), 1, "{action} {target}: {entries:?}");
    found[0].clone()
}

/// Issue 18, TWN-1, COM-4: every change of administration leaves an entry with who, when, what and
/// the value before and after, never a secret; sign-ins are there with their address. The county's
/// administrator reads them all; the community's administrator only its own; a sibling town's
/// administrator none of the community's; every other role is refused (403).
fn twn_1_every_change_of_administration_is_on_the_audit_log(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let county = db.account("boss", "QX", Role::Admin, None);
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let leader = db.account("xslead", "XS", Role::Leader, None);
    let server = Server::start(&db);

    // Changes by the community's administrator, through the API.
    let card = json!({"display_name": "赵维权", "title": "维权干事", "credential": "CL-007"});
    assert_eq!(put(&server, &community, "/api/v1/users/zhao/card", &card).0, 200);
    assert_eq!(post(&server, &community, "/api/v1/users/zhao/disable", &json!({})).0, 200);
    assert_eq!(post(&server, &community, "/api/v1/users/zhao/enable", &json!({})).0, 200);
    let info = json!({"hotline": "0571-8888 1234", "address": "向阳街 1 号", "office_hours": "1-5 09:00-17:00",
                      "procedure": "当场登记。"});
    assert_eq!(put(&server, &community, "/api/v1/units/XS/public-info", &info).0, 200);
    let rules = json!({"preset": "zhejiang"});
    assert_eq!(put(&server, &community, "/api/v1/units/XS/limits", &rules).0, 403, "set from above");
    assert_eq!(put(&server, &county, "/api/v1/units/XS/limits", &rules).0, 200);
    let style = json!({"letterhead": "西山社区居民委员会", "signature": ["西山社区居民委员会"]});
    assert_eq!(put(&server, &community, "/api/v1/units/XS/letterhead", &style).0, 200);
    assert_eq!(common::delete(&server, &community, "/api/v1/users/wang/tokens").0, 200);
    let week = json!({"days": [{"weekday": 1, "leader": "张三", "title": "书记", "credential": "XS-001"}]});
    assert_eq!(put(&server, &community, "/api/v1/units/XS/reception-schedule", &week).0, 200);
    let new_password = json!({"password": "西山社区管理员新口令2027"});
    assert_eq!(put(&server, &community, "/api/v1/users/xsadmin/password", &new_password).0, 204);
    // By the county's: a class for the whole installation.
    let (status, class) = post(&server, &county, "/api/v1/categories", &json!({"name": "测试大类"}));
    assert_eq!(status, 201, "{class}");
    let code = class["code"].as_str().unwrap().to_owned();
    let renamed = json!({"name": "测试大类改名"});
    let (status, _) = common::json(
        agent()
            .patch(server.url(&format!("/api/v1/categories/{code}")))
            .header("Authorization", &format!("Bearer {county}"))
            .header("Content-Type", "application/json")
            .send(renamed.to_string()),
    );
    assert_eq!(status, 200);
    assert_eq!(post(&server, &county, "/api/v1/search/words", &json!({"words": ["两项补贴"]})).0, 200);
    let year = json!({"year": 2099, "days": [{"name": "元旦", "date": "2099-01-01", "isOffDay": true}]});
    let (status, _) = common::json(
        agent()
            .post(server.url("/api/v1/calendar"))
            .header("Authorization", &format!("Bearer {county}"))
            .header("Content-Type", "application/json")
            .send(year.to_string()),
    );
    assert_eq!(status, 200);
    // And the sibling town's administrator changes their own unit.
    assert_eq!(put(&server, &sibling, "/api/v1/units/DZ/public-info", &info).0, 200);
    // On the server's command line: a password reset, an account and a unit added, a token made
    // and revoked.
    let (ok, _, err) = db.try_cli(&["user", "passwd", "zhao", "--password-stdin"], Some("维权干事新口令2026\n"));
    assert!(ok, "{err}");
    db.cli(&["unit", "add", "XS-WG", "--name", "西山社区网格站", "--kind", "department", "--parent", "XS"]);
    db.cli(&["user", "add", "grid", "--unit", "XS-WG", "--role", "officer", "--name", "网格员"]);
    let made = db.cli(&["token", "create", "grid"]).trim().to_owned();
    let (ok, _, err) = db.try_cli(&["token", "revoke"], Some(&format!("{made}\n")));
    assert!(ok, "{err}");
    // Sign-ins at the staff login: one that fails, one that succeeds.
    let (cookie, _) = sign_in(&server, "xsadmin", "西山社区管理员新口令2027", "/home");
    assert!(!cookie.is_empty());
    assert_eq!(attempt_sign_in(&server, "xsadmin", "不是这个口令的口令"), 401);
    // A name no account has: refused alike, and not written.
    assert_eq!(attempt_sign_in(&server, "nobody-here", "随便什么口令都不对"), 401);

    let all = audit(&server, &county, "");
    let carded = entry(&all, "user.card", "zhao");
    assert_eq!(carded["actor"], "xsadmin", "{carded}");
    assert_eq!((carded["before"]["title"].clone(), carded["after"]["title"].clone()), (Value::Null, json!("维权干事")));
    assert_eq!(carded["after"]["credential"], "CL-007");
    assert!(carded["at"].as_str().is_some_and(|at| at.starts_with("20")), "{carded}");
    let disabled = entry(&all, "user.disable", "zhao");
    assert_eq!(
        (disabled["before"]["active"].clone(), disabled["after"]["active"].clone()),
        (json!(true), json!(false))
    );
    entry(&all, "user.enable", "zhao");
    assert_eq!(entry(&all, "unit.public_info", "XS")["after"]["hotline"], "0571-8888 1234");
    assert_eq!(entry(&all, "unit.limits", "XS")["after"]["rules"]["preset"], "zhejiang");
    assert_eq!(entry(&all, "unit.letterhead", "XS")["after"]["letterhead"], "西山社区居民委员会");
    assert_eq!(entry(&all, "token.revoke_all", "wang")["after"]["revoked"], 1);
    let class = all.iter().find(|e| e["action"] == "category.add").expect("the class added");
    assert_eq!((class["actor"].as_str(), class["after"]["name"].as_str()), (Some("boss"), Some("测试大类")));
    let reset = entry(&all, "user.password_reset", "zhao");
    assert_eq!((reset["actor"].as_str(), reset["after"]["password"].as_str()), (Some("_operator"), Some("已更改")));
    let signed = entry(&all, "login.success", "xsadmin");
    assert_eq!((signed["address"].as_str(), signed["actor"].as_str()), (Some("127.0.0.1"), Some("xsadmin")));
    let failed = entry(&all, "login.failure", "xsadmin");
    assert!(failed["actor"].is_null(), "a failed attempt is nobody's act: {failed}");
    assert!(all.iter().all(|e| e["target"] != "nobody-here"), "a name no account has is not written");
    assert_eq!(entry(&all, "user.password", "xsadmin")["after"]["password"], "已更改");
    assert_eq!(entry(&all, "unit.schedule", "XS")["after"][0]["leader"], "张三");
    assert_eq!(entry(&all, "unit.add", "XS-WG")["after"]["parent"], "XS");
    assert_eq!(entry(&all, "user.add", "grid")["after"]["unit"], "XS-WG");
    assert_eq!(entry(&all, "token.create", "grid")["after"]["token"], "已更改");
    assert_eq!(entry(&all, "token.revoke", "grid")["after"]["token"], "已撤销");
    assert_eq!(entry(&all, "category.edit", &code)["after"][0]["name"], "测试大类改名");
    assert_eq!(entry(&all, "search.words", "dictionary")["after"]["new"], 1);
    assert_eq!(entry(&all, "calendar.import", "2099")["after"]["days"], 1);
    let limits = entry(&all, "unit.limits", "XS");
    assert_eq!((limits["before"]["own"].as_bool(), limits["after"]["own"].as_bool()), (Some(false), Some(true)));
    let text = serde_json::to_string(&all).unwrap();
    for secret in ["西山社区管理员口令", "新口令2027", "维权干事新口令2026", "不是这个口令的口令", "$argon2", &made]
    {
        assert!(!text.contains(secret), "the log holds {secret}: {text}");
    }

    // The community's administrator reads the community's own, not the installation's.
    let own = audit(&server, &community, "");
    assert!(own.iter().any(|e| e["action"] == "user.card"));
    assert!(own.iter().all(|e| e["action"] != "category.add"), "{own:?}");
    let only = audit(&server, &community, "?action=login.&target=xsadmin");
    assert_eq!(only.len(), 2, "filtered by action and target: {only:?}");
    // A sibling town's administrator reads their own, nothing of the community, nor asks for it by name.
    let theirs = audit(&server, &sibling, "");
    entry(&theirs, "unit.public_info", "DZ");
    assert!(theirs.iter().all(|e| e["target"] != "zhao" && e["target"] != "XS"), "{theirs:?}");
    let (status, err) = get(&server, &sibling, "/api/v1/audit?unit=XS");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "{err}");
    // Every other role is refused.
    for token in [&chen, &leader] {
        let (status, _) = get(&server, token, "/api/v1/audit");
        assert_eq!(status, 403);
    }
    assert_eq!(get(&server, &wang, "/api/v1/audit").0, 401, "its tokens were revoked");
    // Bad filters are refused on their field, and change nothing.
    for (query, field) in [
        ("from=yesterday", "from"),
        ("target=a%00b", "target"),
        ("unit=X%00S", "unit"),
        ("action=User.", "action"),
        ("per_page=0", "per_page"),
    ] {
        let (status, err) = get(&server, &county, &format!("/api/v1/audit?{query}"));
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{query}: {err}");
    }
}
both_backends!(twn_1_every_change_of_administration_is_on_the_audit_log);

/// Issue 18, FED-2: an administrator lists the staff of the units they administer, filtered by
/// unit, role and whether the account is enabled; never a system account or a password; refused to
/// every other role; the same list on the command line.
fn fed_2_an_administrator_lists_the_staff_they_administer(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, None);
    let county = db.account("boss", "QX", Role::Admin, None);
    let server = Server::start(&db);
    let names = |token: &str, query: &str| -> Vec<String> {
        let (status, list) = get(&server, token, &format!("/api/v1/users{query}"));
        assert_eq!(status, 200, "{list}");
        list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect()
    };
    let mut mine = names(&community, "");
    mine.sort();
    assert_eq!(mine, ["wang", "xsadmin", "zhao"], "the community and its federation");
    assert_eq!(names(&community, "?unit=XS-CL"), ["zhao"]);
    assert_eq!(names(&community, "?role=officer"), ["wang"]);
    assert_eq!(post(&server, &community, "/api/v1/users/zhao/disable", &json!({})).0, 200);
    assert_eq!(names(&community, "?active=false"), ["zhao"]);
    assert_eq!(names(&county, "").len(), 6, "the county sees the whole tree");
    let (_, listed) = get(&server, &county, "/api/v1/users?unit=XS");
    let text = listed.to_string();
    assert!(!text.contains("\"password") && !text.contains("$argon2") && !text.contains("_operator"), "{text}");
    for (query, field) in [("?unit=DZ", "unit"), ("?role=boss", "role"), ("?unit=%00", "unit")] {
        let (status, err) = get(&server, &community, &format!("/api/v1/users{query}"));
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{err}");
    }
    for token in [&wang, &dong] {
        assert_eq!(get(&server, token, "/api/v1/users").0, 403);
    }
    // What is no login name at all is no account, never a server error.
    for odd in ["a%00b", "%E2%80%AEzhao", "_operator"] {
        let (status, answer) = post(&server, &community, &format!("/api/v1/users/{odd}/disable"), &json!({}));
        assert_eq!(status, 404, "{odd}: {answer}");
    }
    let printed = db.cli(&["user", "list", "--unit", "XS", "--disabled"]);
    assert!(printed.contains("zhao") && printed.contains("已停用") && !printed.contains("wang"), "{printed}");
    assert!(printed.contains("共 1 人"), "{printed}");
}
both_backends!(fed_2_an_administrator_lists_the_staff_they_administer);

/// Issue 18: the administration pages. An administrator lists their staff and disables one from
/// the list (the token stops at once, the log says so); the audit page names people and units by
/// their names; both pages are refused to every other role.
fn fed_2_the_administration_pages_list_staff_and_the_log(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    db.account("xslead", "XS", Role::Leader, Some("西山社区领导口令2026"));
    let zhao = db.account("zhao2", "XS-CL", Role::Handler, None);
    let server = Server::start(&db);
    let (cookie, _) = sign_in(&server, "xsadmin", "西山社区管理员口令2026", "/home");
    let page = |cookie: &str, path: &str| {
        let mut answer = agent().get(server.url(path)).header("Cookie", cookie).call().unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let (status, people) = page(&cookie, "/admin/users?unit=XS-CL");
    assert_eq!(status, 200, "{people}");
    assert!(people.contains("赵维权") && people.contains("zhao2") && !people.contains("王秀英"), "{people}");
    assert!(people.contains(r#"href="/admin/users""#), "the menu offers 管理: {people}");
    let csrf = common::csrf_of(&server, &cookie, "/admin/users");
    let agent_no_redirect: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let answer = agent_no_redirect
        .post(server.url("/admin/users/zhao2/active"))
        .header("Cookie", &cookie)
        .send_form([("csrf", csrf.as_str()), ("active", "false")])
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(get(&server, &zhao, "/api/v1/cases").0, 401, "the disabled account's token stops at once");
    let (_, disabled) = page(&cookie, "/admin/users?state=disabled");
    assert!(disabled.contains("zhao2") && disabled.contains("已停用") && !disabled.contains("王秀英"), "{disabled}");
    let forged = agent_no_redirect
        .post(server.url("/admin/users/zhao2/active"))
        .header("Cookie", &cookie)
        .send_form([("active", "true")])
        .unwrap();
    assert_eq!(forged.status(), 403, "not without the page's token");
    let (status, log) = page(&cookie, "/admin/audit?action=user.");
    assert_eq!(status, 200, "{log}");
    assert!(log.contains("停用账号") && log.contains("启用:是") && log.contains("启用:否"), "{log}");
    let (_, logins) = page(&cookie, "/admin/audit?action=login.");
    assert!(logins.contains("登录成功") && logins.contains("127.0.0.1"), "{logins}");
    assert!(log.contains(r#"href="/admin/audit/export?page=1&#38;action=user.""#), "{log}");
    // Exported as CSV, the same entries, names for logins.
    let mut export =
        agent().get(server.url("/admin/audit/export?action=user.")).header("Cookie", &cookie).call().unwrap();
    assert!(export.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = export.body_mut().read_to_string().unwrap();
    assert!(csv.starts_with("\u{feff}时间,操作人,操作,对象,原值,新值,来源地址\r\n"), "{csv}");
    assert!(csv.contains("停用账号") && csv.contains("zhao2（承办人）") && !csv.contains("登录成功"), "{csv}");
    // Every other role: refused, and the menu does not offer it.
    let (other, _) = sign_in(&server, "xslead", "西山社区领导口令2026", "/home");
    for path in ["/admin/users", "/admin/audit", "/admin/audit/export"] {
        assert_eq!(page(&other, path).0, 403, "{path}");
    }
    assert!(!page(&other, "/home").1.contains(r#"href="/admin/users""#));
}
both_backends!(fed_2_the_administration_pages_list_staff_and_the_log);

/// Issue 18, TWN-1, GEN-7: an administrator lists the units of their scope and renames one below
/// their own; its code and case numbers stay; the rename is on the audit log. Their own unit (one
/// above renames it), another's name (petitioners accuse units by name), another unit's
/// administrator, a non-administrator and a bad name are refused, and nothing changes.
fn twn_1_a_unit_is_renamed_within_its_administrators_scope(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let county = db.account("boss", "QX", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    db.account("xslead", "XS", Role::Leader, Some("西山社区领导口令2026"));
    let server = Server::start(&db);
    let patch = |token: &str, code: &str, body: Value| {
        common::json(
            agent()
                .patch(server.url(&format!("/api/v1/units/{code}")))
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    };
    let (_, mine) = get(&server, &community, "/api/v1/units");
    assert_eq!(
        mine,
        json!([
            {"code": "XS", "name": "西山社区", "kind": "community", "parent": "XZ"},
            {"code": "XS-CL", "name": "西山社区残联", "kind": "federation", "parent": "XS"}
        ])
    );
    assert_eq!(get(&server, &county, "/api/v1/units").1.as_array().unwrap().len(), 5);
    assert_eq!(get(&server, &wang, "/api/v1/units").0, 403);
    for (token, code, body, status) in [
        (&sibling, "XS", json!({"name": "改名"}), 404),
        (&wang, "XS", json!({"name": "改名"}), 403),
        (&community, "XS", json!({"name": "改名"}), 403),
        (&community, "XS-CL", json!({"name": " "}), 422),
        (&community, "XS-CL", json!({"name": "西山\u{0}社区"}), 422),
        (&community, "XS-CL", json!({"name": "西 镇"}), 422),
        (&community, "XS-CL", json!({"name": "西山", "kind": "town"}), 422),
    ] {
        let (got, answer) = patch(token, code, body.clone());
        assert_eq!(got, status, "{code} {body}: {answer}");
    }
    assert_eq!(get(&server, &county, "/api/v1/units").1[3]["name"], "西山社区残联", "nothing changed");
    let (status, renamed) = patch(&county, "xs", json!({"name": "西山社区居民委员会"}));
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        renamed,
        json!({"code": "XS", "name": "西山社区居民委员会", "kind": "community", "parent": "XZ",
               "former_names": ["西山社区"]})
    );
    let (_, case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    assert!(case["case_number"].as_str().unwrap().starts_with("XS-"), "the code stays: {case}");
    let log = audit(&server, &county, "?action=unit.");
    let entry = entry(&log, "unit.rename", "XS");
    assert_eq!(
        (entry["before"]["name"].as_str(), entry["after"]["name"].as_str()),
        (Some("西山社区"), Some("西山社区居民委员会"))
    );
    assert_eq!(entry["actor"], "boss");
    let printed = db.cli(&["unit", "rename", "XS-CL", "--name", "西山社区残疾人联合会"]);
    assert!(printed.contains("西山社区残疾人联合会"), "{printed}");

    // 单位 in the browser: the tree of one's units, each renamed from it.
    let (cookie, _) = sign_in(&server, "xsadmin", "西山社区管理员口令2026", "/home");
    let no_redirect: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let page = |cookie: &str| {
        let mut answer = no_redirect.get(server.url("/admin/units")).header("Cookie", cookie).call().unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let (status, tree) = page(&cookie);
    assert_eq!(status, 200, "{tree}");
    let top = tree.find(r#"<span class="tree-depth-0">西山社区居民委员会"#).expect("the community at the top");
    let below = tree.find(r#"<span class="tree-depth-1">└ 西山社区残疾人联合会"#).expect("the federation below it");
    assert!(top < below && !tree.contains("东镇"), "{tree}");
    assert!(tree.contains("曾用名\u{ff1a}西山社区<") && tree.contains("曾用名\u{ff1a}西山社区残联<"), "{tree}");
    assert!(!tree.contains(r#"action="/admin/units/XS/name""#) && tree.contains("本单位由上级单位更名"), "{tree}");
    let csrf = common::csrf_of(&server, &cookie, "/admin/units");
    let rename = |name: &str| {
        let mut answer = no_redirect
            .post(server.url("/admin/units/XS-CL/name"))
            .header("Cookie", &cookie)
            .send_form([("csrf", csrf.as_str()), ("name", name)])
            .unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let (status, refused) = rename("   ");
    assert_eq!(status, 422);
    assert!(refused.contains("请填写单位名称"), "{refused}");
    assert_eq!(rename("西山社区残联").0, 303);
    assert!(page(&cookie).1.contains("└ 西山社区残联"));
    let (leader, _) = sign_in(&server, "xslead", "西山社区领导口令2026", "/home");
    assert_eq!(page(&leader).0, 403, "administrators only");
}
both_backends!(twn_1_a_unit_is_renamed_within_its_administrators_scope);

/// Issue 18, GEN-7: a petitioner names a unit as they know it, often by the name it had before a
/// rename. A case accusing “西山社区” after the community became “西山社区居民委员会” (spaces
/// typed or not) is taken as accusing it, and the community never sees it. So a name, current or
/// former, names one unit: another unit may not be added or renamed under it; renamed back, the
/// name is the unit's own again.
fn gen_7_a_unit_is_found_by_its_former_name(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let county = db.account("boss", "QX", Role::Admin, None);
    let town = db.account("xzoff", "XZ", Role::Officer, None);
    let server = Server::start(&db);
    assert_eq!(patch(&server, &county, "/api/v1/units/XS", &json!({"name": "西山社区居民委员会"})).0, 200);
    for typed in ["西山社区", " 西山 社区 "] {
        let mut accusing = crate::api::visit();
        accusing["unit"] = json!("XZ");
        accusing["purpose"] = json!("accusation");
        accusing["accused"] = json!({"name": typed});
        let (status, case) = post(&server, &town, "/api/v1/cases", &accusing);
        assert_eq!(status, 201, "{case}");
        assert_eq!(case["accused"]["unit"], "XS", "{typed}: {case}");
        assert_eq!(get(&server, &wang, &format!("/api/v1/cases/{}", case["id"])).0, 404, "the accused never sees it");
    }
    // Corrected later to accuse the unit by its former name: the same protection.
    let mut plain_visit = crate::api::visit();
    plain_visit["unit"] = json!("XZ");
    let (_, case) = post(&server, &town, "/api/v1/cases", &plain_visit);
    let corrected = json!({"name": "西山社区", "reason": "信访人补充反映对象"});
    let (status, set) = post(&server, &town, &format!("/api/v1/cases/{}/set-accused", case["id"]), &corrected);
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["accused"]["unit"], "XS", "{set}");
    let (status, err) = post(
        &server,
        &county,
        "/api/v1/units",
        &json!({"code": "XS2", "name": "西山社区", "kind": "community", "parent": "XZ"}),
    );
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("name")), "{err}");
    let (status, err) = patch(&server, &county, "/api/v1/units/DZ", &json!({"name": "西山 社区"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("name")), "{err}");
    let (status, err) = patch(&server, &county, "/api/v1/units/DZ", &json!({"name": "西镇"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("name")), "a current name: {err}");
    let (_, units) = get(&server, &county, "/api/v1/units");
    let dz = units.as_array().unwrap().iter().find(|u| u["code"] == "DZ").unwrap().clone();
    assert_eq!(dz["name"], "东镇", "nothing changed: {dz}");
    assert_eq!(patch(&server, &county, "/api/v1/units/XS", &json!({"name": "西山社区"})).0, 200, "its own again");
}
both_backends!(gen_7_a_unit_is_found_by_its_former_name);
mod people;

/// Issue 18, TWN-1, FED-9: an administrator adds a unit below theirs and moves a unit under another
/// of their scope; the moved unit's cases are then found by the new parent's search, list and case
/// page and no longer by the old parent's (on PostgreSQL search keeps the units above each case in
/// its entry). Refused, changing nothing: one's own unit, under itself or below it, a parent out of
/// scope, a sibling's administrator, every other role; each change is on the audit log.
fn twn_1_a_moved_units_cases_are_found_by_its_new_parent(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    let county = db.account("boss", "QX", Role::Admin, None);
    let town = db.account("xzadmin", "XZ", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let dz_super = db.account("dzsuper", "DZ", Role::Supervisor, None);
    let server = Server::start(&db);
    let patch = |token: &str, code: &str, body: Value| {
        common::json(
            agent()
                .patch(server.url(&format!("/api/v1/units/{code}")))
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    };
    // Added below one's own unit, not elsewhere.
    let grid = json!({"code": "XS-WG", "name": "西山社区网格站", "kind": "department", "parent": "XS"});
    assert_eq!(post(&server, &wang, "/api/v1/units", &grid).0, 403);
    let (status, err) = post(&server, &sibling, "/api/v1/units", &grid);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("parent")), "{err}");
    let (status, added) = post(&server, &town, "/api/v1/units", &grid);
    assert_eq!(status, 201, "{added}");
    assert_eq!(added, json!({"code": "XS-WG", "name": "西山社区网格站", "kind": "department", "parent": "XS"}));
    let (status, err) = post(&server, &town, "/api/v1/units", &grid);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("code")), "taken: {err}");

    let (_, case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    let id = case["id"].as_i64().unwrap();
    let found = |token: &str| -> bool {
        let (status, page) = get(&server, token, "/api/v1/cases?q=%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84");
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().iter().any(|c| c["id"] == id)
    };
    assert!(found(&chen) && !found(&dz_super), "under the west town");
    for (token, code, body, status, field) in [
        (&town, "XZ", json!({"parent": "DZ"}), 403, None),
        (&town, "XS", json!({"parent": "DZ"}), 422, Some("parent")),
        (&town, "XS", json!({"parent": "XS-CL"}), 422, Some("parent")),
        (&town, "XS", json!({"parent": "XS"}), 422, Some("parent")),
        (&town, "XS", json!({"parent": "?"}), 422, Some("parent")),
        (&town, "XS", json!({}), 422, Some("name")),
        (&sibling, "XS", json!({"parent": "DZ"}), 404, None),
        (&dong, "XS", json!({"parent": "DZ"}), 403, None),
    ] {
        let (got, answer) = patch(token, code, body.clone());
        assert_eq!((got, answer["error"]["field"].as_str()), (status, field), "{code} {body}: {answer}");
    }
    assert!(found(&chen) && !found(&dz_super), "nothing moved");
    let (status, moved) = patch(&county, "XS", json!({"parent": "DZ"}));
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["parent"], "DZ");
    assert!(found(&dz_super), "found by the new parent's search");
    assert!(!found(&chen), "no longer by the old parent's");
    assert_eq!(get(&server, &chen, &format!("/api/v1/cases/{id}")).0, 404);
    assert_eq!(get(&server, &dz_super, &format!("/api/v1/cases/{id}")).0, 200);
    assert!(found(&wang), "the community's own");
    // A case registered after the move is found alike; and back again on the command line.
    let (_, later) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    let printed = db.cli(&["unit", "move", "XS", "--parent", "XZ"]);
    assert!(printed.contains("西镇"), "{printed}");
    assert!(found(&chen) && !found(&dz_super));
    let (_, listed) = get(&server, &chen, "/api/v1/cases?q=%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84");
    assert!(listed["items"].as_array().unwrap().iter().any(|c| c["id"] == later["id"]), "{listed}");
    let (_, log) = get(&server, &county, "/api/v1/audit?action=unit.move&target=XS");
    let moves = log["items"].as_array().unwrap();
    assert_eq!(moves.len(), 2, "{log}");
    assert_eq!((moves[1]["before"]["parent"].as_str(), moves[1]["after"]["parent"].as_str()), (Some("XZ"), Some("DZ")));
    assert_eq!((moves[1]["actor"].as_str(), moves[0]["actor"].as_str()), (Some("boss"), Some("_operator")));
    let (_, added) = get(&server, &county, "/api/v1/audit?action=unit.add&target=XS-WG");
    assert_eq!(added["items"][0]["actor"], "xzadmin");
}
both_backends!(twn_1_a_moved_units_cases_are_found_by_its_new_parent);
mod categories;
mod dictionary;
mod settings;
mod tokens;

/// Issue 18, TWN-1: a unit is closed only when nothing works through it any more; the refusal names
/// what is left (its open cases, its staff, the units below it). A closed unit takes no case
/// registered or handed to it, no new account, no unit below it, and is offered to no petitioner;
/// it is reopened. Refused to every other role and to a sibling's administrator; both steps are on
/// the audit log.
fn twn_1_a_unit_is_closed_only_when_nothing_works_through_it(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, dong) = db.seed();
    let county = db.account("boss", "QX", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    let (id, number) = (case["id"].as_i64().unwrap(), case["case_number"].as_str().unwrap().to_owned());
    let close = |token: &str, code: &str| post(&server, token, &format!("/api/v1/units/{code}/close"), &json!({}));

    assert_eq!(close(&wang, "XS-CL").0, 403);
    assert_eq!(close(&dong, "XS-CL").0, 403);
    assert_eq!(close(&sibling, "XS-CL").0, 404);
    let group = json!({"code": "XS-CL-1", "name": "残联一组", "kind": "department", "parent": "XS-CL"});
    assert_eq!(post(&server, &county, "/api/v1/units", &group).0, 201);
    let (status, refused) = close(&county, "XS-CL");
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("unit_not_empty")), "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("赵维权") && message.contains("残联一组"), "its staff and units named: {refused}");
    assert_eq!(close(&county, "XS-CL-1").0, 200);
    assert_eq!(post(&server, &county, "/api/v1/users/zhao/disable", &json!({})).0, 200);
    let (status, closed) = close(&county, "XS-CL");
    assert_eq!(status, 200, "{closed}");
    assert!(closed["closed_at"].is_string(), "{closed}");

    // It takes nothing new.
    let mut there = crate::api::visit();
    there["unit"] = json!("XS-CL");
    let (status, refused) = post(&server, &wang, "/api/v1/cases", &there);
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("unit_closed")), "{refused}");
    let handed = json!({"to_unit": "XS-CL", "reason": "交残联"});
    let (status, refused) = post(&server, &wang, &format!("/api/v1/cases/{id}/hand-off"), &handed);
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("unit_closed")), "{refused}");
    let person = json!({"username": "newcl", "unit": "XS-CL", "role": "officer", "display_name": "新人"});
    assert_eq!(post(&server, &county, "/api/v1/users", &person).1["error"]["code"], "unit_closed");
    let below = json!({"code": "XS-CL-2", "name": "残联二组", "kind": "department", "parent": "XS-CL"});
    assert_eq!(post(&server, &county, "/api/v1/units", &below).1["error"]["code"], "unit_closed");
    let (_, services) = common::json(agent().get(server.url("/open311/v2/services.json")).call());
    let code = services[0]["service_code"].as_str().unwrap().to_owned();
    let (_, definition) = common::json(agent().get(server.url(&format!("/open311/v2/services/{code}.json"))).call());
    let offered = definition["attributes"].to_string();
    assert!(offered.contains("\"XS\"") && !offered.contains("XS-CL"), "no petitioner is offered it: {offered}");
    let portal = |path: &str| agent().get(server.url(path)).call().unwrap().body_mut().read_to_string().unwrap();
    let form = portal("/public/submit?unit=XS-CL");
    let to = form.split(r#"name="unit""#).nth(1).unwrap().split("</select>").next().unwrap();
    assert!(to.contains(r#"value="XS""#) && !to.contains(r#"value="XS-CL""#), "not offered to send to: {to}");
    let page = portal("/public/units/XS-CL");
    assert!(page.contains(r#"id="unit-closed""#) && !page.contains("/public/submit?unit=XS-CL"), "{page}");
    assert_eq!(get(&server, &wang, "/api/v1/public/units/XS-CL").1["closed"], true);
    assert_eq!(get(&server, &wang, &format!("/api/v1/cases/{id}")).1["holding_unit"], "XS", "nothing moved");
    let (status, refused) = post(&server, &county, "/api/v1/users/zhao/enable", &json!({}));
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("unit_closed")), "no active staff: {refused}");
    let (status, refused) = post(&server, &county, "/api/v1/units/XS-CL-1/reopen", &json!({}));
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("unit_closed")), "not under a closed unit");

    // The community: its open case and its officer named; the closed federation is no obstacle.
    let (status, refused) = close(&county, "XS");
    assert_eq!(status, 409, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains(&number) && message.contains("王秀英") && !message.contains("残联"), "{message}");

    // Reopened, it takes people again.
    assert_eq!(post(&server, &sibling, "/api/v1/units/XS-CL/reopen", &json!({})).0, 404);
    let (status, opened) = post(&server, &county, "/api/v1/units/XS-CL/reopen", &json!({}));
    assert_eq!((status, opened.get("closed_at")), (200, None), "{opened}");
    assert_eq!(post(&server, &county, "/api/v1/users", &person).0, 201);
    let (ok, _, err) = db.try_cli(&["unit", "close", "DZ"], None);
    assert!(!ok && err.contains("董东"), "the command line names what is left: {err}");
    let (_, log) = get(&server, &county, "/api/v1/audit?action=unit.&target=XS-CL");
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["unit.reopen", "unit.close"], "{log}");
}
both_backends!(twn_1_a_unit_is_closed_only_when_nothing_works_through_it);
