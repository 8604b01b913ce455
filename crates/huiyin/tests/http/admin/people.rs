//! People (issue 18, FED-2, GEN-7): an administrator adds a person, who sets their own password by
//! a one-time link; places people in units and roles; ends their sessions. A link an administrator
//! issued leaves the account blind to what that administrator is blind to.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{self, Backend, Db, Server, agent, get, patch, plain, post, sign_in};

/// Opens a one-time link page: (status, the session cookie, the page).
fn open_link(server: &Server, path: &str) -> (u16, String, String) {
    let mut answer = plain().get(server.url(path)).call().unwrap();
    let cookie = answer
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .unwrap_or_default();
    (answer.status().as_u16(), cookie, answer.body_mut().read_to_string().unwrap())
}

/// Sets a password by a one-time link, as the person does in the browser: (status, Location, page).
fn use_link(server: &Server, path: &str, password: &str, again: &str) -> (u16, String, String) {
    let (status, cookie, page) = open_link(server, path);
    if status != 200 {
        return (status, String::new(), page);
    }
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let mut answer = plain()
        .post(server.url(path))
        .header("Cookie", &cookie)
        .send_form([("csrf", csrf.as_str()), ("password", password), ("password2", again)])
        .unwrap();
    let location = answer.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (answer.status().as_u16(), location, answer.body_mut().read_to_string().unwrap())
}

/// Whether the login form opens with this name and password.
fn signs_in(server: &Server, username: &str, password: &str) -> bool {
    let mut form = plain().get(server.url("/login")).call().unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let answer = plain()
        .post(server.url("/login"))
        .header("Cookie", &cookie)
        .send_form([("csrf", csrf.as_str()), ("username", username), ("password", password)])
        .unwrap();
    answer.status() == 303
}

/// The audit entries of `action` about `target`, read by `token`'s administrator.
fn logged(server: &Server, token: &str, action: &str, target: &str) -> Vec<Value> {
    let (status, page) = get(server, token, &format!("/api/v1/audit?action={action}&target={target}"));
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().filter(|e| e["action"] == action).cloned().collect()
}

/// Issue 18, FED-2: an administrator adds a person to a unit of theirs; the answer holds a one-time
/// link, never a password; the person opens it, sets their own password (a mismatch or a guessable
/// one is refused on its field and uses nothing up) and signs in; the link then works no more. A
/// newer link supersedes an older one, and an expired one is dead. Refused: other roles (403), a unit
/// outside the administrator's scope, a login name taken, one's own account, a disabled account.
/// Every step is on the audit log, no secret with it.
fn fed_2_a_person_added_sets_their_own_password_by_a_one_time_link(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let server = Server::start(&db);
    let person = json!({"username": "liuxm", "unit": "XS-CL", "role": "officer", "display_name": "刘晓梅",
                        "title": "接访员", "rank": "科员", "credential": "CL-002", "phone": "0571-8888 1235"});
    for token in [&wang, &chen] {
        assert_eq!(post(&server, token, "/api/v1/users", &person).0, 403);
    }
    let (status, err) = post(&server, &sibling, "/api/v1/users", &person);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "not the sibling's: {err}");
    let (status, added) = post(&server, &community, "/api/v1/users", &person);
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["account"]["unit"], "XS-CL");
    assert_eq!(
        (added["account"]["rank"].as_str(), added["account"]["has_password"].as_bool()),
        (Some("科员"), Some(false))
    );
    let first = added["password_link"]["path"].as_str().unwrap().to_owned();
    assert!(first.starts_with("/password/pw_") && added["password_link"]["expires_at"].is_string(), "{added}");
    assert!(!added.to_string().contains("password_hash"));
    let (status, err) = post(&server, &community, "/api/v1/users", &person);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("username")), "taken: {err}");
    let bad = json!({"username": "x\u{0}y", "unit": "XS", "role": "boss", "phone": "call me 😀"});
    let (status, err) = post(&server, &community, "/api/v1/users", &bad);
    assert_eq!(status, 422, "{err}");
    let (status, _) = post(&server, &community, "/api/v1/users", &json!({"username": "li", "password": "x"}));
    assert_eq!(status, 400, "a password is no field of a new account");

    // A newer link supersedes the first.
    let (status, second) = post(&server, &community, "/api/v1/users/liuxm/password-link", &json!({}));
    assert_eq!(status, 201, "{second}");
    let second = second["path"].as_str().unwrap().to_owned();
    assert_eq!(open_link(&server, &first).0, 404, "superseded");
    let (status, _, page) = open_link(&server, &second);
    assert_eq!(status, 200);
    assert!(page.contains("刘晓梅") && page.contains("西山社区残联") && page.contains("liuxm"), "{page}");
    // Refused on their fields, and nothing used up.
    let (status, _, page) = use_link(&server, &second, "刘晓梅的新口令2026春", "刘晓梅的新口令2026夏");
    assert!(status == 422 && page.contains("password2-err"), "{status}: {page}");
    let (status, _, page) = use_link(&server, &second, "1234567890", "1234567890");
    assert!(status == 422 && page.contains("password-err"), "{status}: {page}");
    let (status, location, _) = use_link(&server, &second, "刘晓梅的新口令2026春", "刘晓梅的新口令2026春");
    assert_eq!((status, location.as_str()), (303, "/login?set=liuxm"));
    assert!(signs_in(&server, "liuxm", "刘晓梅的新口令2026春"));
    assert_eq!(use_link(&server, &second, "另一个新口令2026冬天", "另一个新口令2026冬天").0, 404, "once only");
    assert!(signs_in(&server, "liuxm", "刘晓梅的新口令2026春"), "the dead link changed nothing");
    // An expired link is dead, alike.
    db.with_store(async |store: &dyn huiyin_store::Store| {
        let liu = store.user_by_username("liuxm").await.unwrap().unwrap();
        let past = chrono::Utc::now() - chrono::Duration::hours(1);
        let link = huiyin_store::PasswordLink { user_id: liu.id, issued_by: None, expires_at: past };
        store.put_password_link(&huiyin_app::context::token_hash("pw_expired"), &link, past).await.unwrap();
    });
    assert_eq!(use_link(&server, "/password/pw_expired", "过期链接的新口令2026", "过期链接的新口令2026").0, 404);
    assert_eq!(open_link(&server, "/password/%00").0, 404);
    // Not one's own account, nor a disabled one, nor another's out of scope.
    let (status, err) = post(&server, &community, "/api/v1/users/xsadmin/password-link", &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("username")), "{err}");
    let (_, pending) = post(&server, &community, "/api/v1/users/liuxm/password-link", &json!({}));
    let pending = pending["path"].as_str().unwrap().to_owned();
    assert_eq!(post(&server, &community, "/api/v1/users/liuxm/disable", &json!({})).0, 200);
    let (status, err) = post(&server, &community, "/api/v1/users/liuxm/password-link", &json!({}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("username")), "{err}");
    assert_eq!(post(&server, &community, "/api/v1/users/liuxm/enable", &json!({})).0, 200);
    assert_eq!(open_link(&server, &pending).0, 404, "disabling ended the link for good");
    assert_eq!(post(&server, &sibling, "/api/v1/users/wang/password-link", &json!({})).0, 404);
    assert_eq!(post(&server, &wang, "/api/v1/users/zhao/password-link", &json!({})).0, 403);

    let added = logged(&server, &community, "user.add", "liuxm");
    assert_eq!((added.len(), added[0]["after"]["rank"].as_str()), (1, Some("科员")));
    let issued = logged(&server, &community, "user.password_link", "liuxm");
    assert_eq!(issued.len(), 3, "{issued:?}");
    assert!(issued.iter().all(|e| e["actor"] == "xsadmin" && e["after"]["link"] == "已更改"), "{issued:?}");
    let used = logged(&server, &community, "user.password_link_used", "liuxm");
    assert_eq!(
        (used.len(), used[0]["actor"].as_str(), used[0]["address"].as_str()),
        (1, Some("liuxm"), Some("127.0.0.1"))
    );
    let (_, all) = get(&server, &community, "/api/v1/audit?target=liuxm");
    let text = all.to_string();
    for secret in [&first[10..], &second[10..], "刘晓梅的新口令", "$argon2"] {
        assert!(!text.contains(secret), "the log holds {secret}");
    }
}
both_backends!(fed_2_a_person_added_sets_their_own_password_by_a_one_time_link);

/// GEN-7: a town's administrator who adds a community officer held the officer's link and could
/// have used it, so that account never sees an accusation against the town, though a colleague of
/// the same community whose password the operator set does; nor does it register one (the refusal
/// sends it above the town). A link from the operator lifts that blindness.
fn gen_7_an_account_set_by_an_administrators_link_is_blind_to_their_accusations(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let town = db.account("xzadmin", "XZ", Role::Admin, None);
    let server = Server::start(&db);
    let mut accusing = crate::api::visit();
    accusing["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    let (status, case) = post(&server, &wang, "/api/v1/cases", &accusing);
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_i64().unwrap();
    let (status, plain_case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    assert_eq!(status, 201, "{plain_case}");

    let person = json!({"username": "xs2", "unit": "XS", "role": "officer", "display_name": "孙二"});
    let (status, added) = post(&server, &town, "/api/v1/users", &person);
    assert_eq!(status, 201, "{added}");
    let path = added["password_link"]["path"].as_str().unwrap().to_owned();
    assert_eq!(use_link(&server, &path, "孙二的登录口令2026年", "孙二的登录口令2026年").0, 303);
    let (cookie, _) = sign_in(&server, "xs2", "孙二的登录口令2026年", "/cases");
    let page = |path: &str| {
        let mut answer = plain().get(server.url(path)).header("Cookie", &cookie).call().unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let number = case["case_number"].as_str().unwrap();
    let (status, list) = page("/cases");
    assert_eq!(status, 200);
    assert!(!list.contains(number) && list.contains(plain_case["case_number"].as_str().unwrap()), "{list}");
    assert_eq!(page(&format!("/cases/{id}")).0, 404, "for them the case does not exist");
    assert!(get(&server, &wang, &format!("/api/v1/cases/{id}")).0 == 200, "the operator's officer sees it");
    // Nor do they register an accusation against the town.
    let csrf = common::csrf_of(&server, &cookie, "/cases/new");
    let form = [
        ("csrf", csrf.as_str()),
        ("channel", "visit"),
        ("unit", "XS"),
        ("name", "李四"),
        ("category", "拖欠农民工工资"),
        ("purpose", "request"),
        ("content", "反映西镇干部的问题。"),
        ("accused_unit", "XZ"),
    ];
    let mut refused = plain().post(server.url("/cases")).header("Cookie", &cookie).send_form(form).unwrap();
    let text = refused.body_mut().read_to_string().unwrap();
    assert!(refused.status() == 409 && text.contains("清溪县"), "{}: {text}", refused.status());

    // Nor is a case that accuses the administrator in person registered by them, or put in their
    // hands: it would sit with someone who cannot see it.
    let xs2_token = token_for(&db, "xs2");
    let mut personal = crate::api::visit();
    personal["accused"] = json!({"name": "xzadmin", "user": "xzadmin"});
    let (status, refused) = post(&server, &xs2_token, "/api/v1/cases", &personal);
    assert_eq!(status, 409, "{refused}");
    let (status, held) = post(&server, &wang, "/api/v1/cases", &personal);
    assert_eq!(status, 201, "{held}");
    let county = db.account("boss", "QX", Role::Admin, None);
    let leader = json!({"username": "xsld2", "unit": "XS", "role": "leader", "display_name": "孙领导"});
    added_by_link(&server, &db, &town, leader);
    let to_leader = format!("/api/v1/cases/{}/assign-leader", held["id"]);
    let (status, refused) = post(&server, &county, &to_leader, &json!({"leader": "xsld2"}));
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("accused_unit")), "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("该工作人员"), "{refused}");
    assert_eq!(get(&server, &county, &format!("/api/v1/cases/{}", held["id"])).1["owner_leader"], Value::Null);

    // A link from the operator lifts it.
    let printed = db.cli(&["user", "link", "xs2"]);
    let operator_link = printed.lines().find(|l| l.starts_with("/password/")).expect("a link").to_owned();
    assert_eq!(use_link(&server, &operator_link, "孙二的第二个口令2026", "孙二的第二个口令2026").0, 303);
    let (cookie, _) = sign_in(&server, "xs2", "孙二的第二个口令2026", "/cases");
    let mut answer = plain().get(server.url(&format!("/cases/{id}"))).header("Cookie", &cookie).call().unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.body_mut().read_to_string().unwrap());
}
both_backends!(gen_7_an_account_set_by_an_administrators_link_is_blind_to_their_accusations);

/// Issue 18, FED-2, COM-4: an administrator moves a person to another unit of theirs and gives them
/// another role (what the person sees follows at once), sets their rank and telephone, and ends
/// their sessions; disabling ends a live session at once. Refused: one's own placement, a unit out
/// of scope, a bad role, a sibling's administrator, every other role; nothing changes.
fn fed_2_an_administrator_places_people_and_ends_their_sessions(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, None);
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let town = db.account("xzadmin", "XZ", Role::Admin, None);
    db.account("sun", "XS", Role::Officer, Some("孙的登录口令2026年冬"));
    let server = Server::start(&db);
    let (_, case) = post(&server, &wang, "/api/v1/cases", &crate::api::visit());
    let id = case["id"].as_i64().unwrap();
    for (token, user, body, status, field) in [
        (&community, "xsadmin", json!({"role": "officer"}), 422, Some("role")),
        (&community, "sun", json!({"unit": "DZ"}), 422, Some("unit")),
        (&community, "sun", json!({"role": "boss"}), 422, Some("role")),
        (&community, "sun", json!({}), 422, Some("role")),
        (&community, "sun", json!({"unit": "XS", "grade": 1}), 400, None),
        (&sibling, "sun", json!({"role": "leader"}), 404, None),
        (&chen, "sun", json!({"role": "leader"}), 403, None),
        (&wang, "sun", json!({"role": "leader"}), 403, None),
    ] {
        let (got, answer) = patch(&server, token, &format!("/api/v1/users/{user}"), &body);
        assert_eq!((got, answer["error"]["field"].as_str()), (status, field), "{user} {body}: {answer}");
    }
    let (cookie, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    let case_page = |cookie: &str| {
        plain().get(server.url(&format!("/cases/{id}"))).header("Cookie", cookie).call().unwrap().status().as_u16()
    };
    assert_eq!(case_page(&cookie), 200, "the community's case");
    // Into the federation below, where accusations against the community may be held: not by the
    // community's own administrator (GEN-7), by the town's.
    let (status, err) = patch(&server, &community, "/api/v1/users/sun", &json!({"unit": "xs-cl"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "{err}");
    assert_eq!(patch(&server, &community, "/api/v1/users/sun", &json!({"role": "handler"})).0, 200);
    let (status, placed) = patch(&server, &town, "/api/v1/users/sun", &json!({"unit": "xs-cl", "role": "handler"}));
    assert_eq!(status, 200, "{placed}");
    assert_eq!((placed["unit"].as_str(), placed["role"].as_str()), (Some("XS-CL"), Some("handler")));
    assert_eq!(case_page(&cookie), 404, "from the federation the community's case is out of sight");
    let card = json!({"display_name": "sun", "rank": "科员", "phone": "138 0013 8000"});
    let (status, carded) = common::put(&server, &community, "/api/v1/users/sun/card", &card);
    assert_eq!((status, carded["phone"].as_str()), (200, Some("138 0013 8000")), "{carded}");
    let moved = logged(&server, &community, "user.placement", "sun");
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert_eq!((moved[0]["before"]["unit"].as_str(), moved[0]["after"]["unit"].as_str()), (Some("XS"), Some("XS-CL")));
    assert_eq!(moved[0]["actor"], "xzadmin");
    assert_eq!(
        (moved[1]["before"]["role"].as_str(), moved[1]["after"]["role"].as_str()),
        (Some("officer"), Some("handler"))
    );

    // Ending the sessions sends the person back to the login.
    let home =
        |cookie: &str| plain().get(server.url("/home")).header("Cookie", cookie).call().unwrap().status().as_u16();
    assert_eq!(home(&cookie), 200);
    assert_eq!(common::delete(&server, &sibling, "/api/v1/users/sun/sessions").0, 404);
    assert_eq!(common::delete(&server, &wang, "/api/v1/users/sun/sessions").0, 403);
    assert_eq!(home(&cookie), 200, "refused calls end nothing");
    assert_eq!(common::delete(&server, &community, "/api/v1/users/sun/sessions").0, 204);
    assert_eq!(home(&cookie), 303, "the session ended");
    assert_eq!(logged(&server, &community, "user.sessions_end", "sun").len(), 1);
    // Disabling ends a live session at once.
    let (again, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    assert_eq!(home(&again), 200);
    assert_eq!(post(&server, &community, "/api/v1/users/sun/disable", &json!({})).0, 200);
    assert_eq!(home(&again), 303);
}
both_backends!(fed_2_an_administrator_places_people_and_ends_their_sessions);

/// Issue 18: an administrator sees a person's sessions one by one — when and from where each was
/// signed in, never its id — and ends one while the other goes on; by the API and on the person's
/// page, each ending on the audit log. A session already ended ("end all") is not listed. The
/// person sees their own; a sibling's administrator (404) and another role (403) see nothing.
fn fed_2_a_persons_sessions_are_listed_and_ended_one_by_one(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let sibling = db.account("dzadmin", "DZ", Role::Admin, None);
    let own = db.account("sun", "XS", Role::Officer, Some("孙的登录口令2026年冬"));
    let server = Server::start(&db);
    let home =
        |cookie: &str| plain().get(server.url("/home")).header("Cookie", cookie).call().unwrap().status().as_u16();
    let (first, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    let (second, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    let listed = |token: &str| get(&server, token, "/api/v1/users/sun/sessions");
    let (status, sessions) = listed(&community);
    assert_eq!(status, 200, "{sessions}");
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    for s in &sessions {
        assert_eq!(s["address"], "127.0.0.1", "{s}");
        assert!(s["signed_in_at"].is_string() && s["expires_at"].is_string() && s["handle"].is_string(), "{s}");
    }
    let text = serde_json::to_string(&sessions).unwrap();
    for cookie in [&first, &second] {
        let id = cookie.split('=').nth(1).unwrap();
        assert!(!text.contains(id), "a session's id is its secret: {text}");
    }
    assert_eq!(listed(&own).1.as_array().map(Vec::len), Some(2), "one's own");
    assert_eq!(listed(&sibling).0, 404);
    assert_eq!(listed(&wang).0, 403);
    let handle = sessions[0]["handle"].as_str().unwrap().to_owned();
    for (token, status) in [(&sibling, 404), (&wang, 403)] {
        assert_eq!(common::delete(&server, token, &format!("/api/v1/users/sun/sessions/{handle}")).0, status);
    }
    assert_eq!(common::delete(&server, &community, "/api/v1/users/sun/sessions/0000000000000000").0, 404);
    assert_eq!((home(&first), home(&second)), (200, 200), "refused calls end nothing");
    assert_eq!(common::delete(&server, &community, &format!("/api/v1/users/sun/sessions/{handle}")).0, 204);
    let mut homes = [home(&first), home(&second)];
    homes.sort_unstable();
    assert_eq!(homes, [200, 303], "one session ended, the other goes on");
    let (_, left) = listed(&community);
    let left = left.as_array().unwrap().clone();
    assert_eq!(left.len(), 1);
    assert_ne!(left[0]["handle"].as_str(), Some(handle.as_str()));

    // The person's page lists the other, with a button that ends it.
    let admin = common::Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let other = left[0]["handle"].as_str().unwrap();
    let (status, page) = admin.page("/admin/users/sun");
    assert_eq!(status, 200);
    assert!(
        page.contains("已登录的浏览器") && page.contains(&format!("/admin/users/sun/sessions/{other}/end")),
        "{page}"
    );
    let (status, location, _) = admin.submit(&format!("/admin/users/sun/sessions/{other}/end"), &[]);
    assert_eq!((status, location.as_str()), (303, "/admin/users/sun?done=session"));
    assert_eq!((home(&first), home(&second)), (303, 303));
    let (_, page) = admin.page("/admin/users/sun?done=session");
    assert!(page.contains("已结束该处登录") && page.contains("当前没有登录"), "{page}");
    let (_, mine) = admin.page("/admin/users/xsadmin");
    assert!(mine.contains("本机当前登录"), "one's own session is marked: {mine}");
    let ended = logged(&server, &community, "user.session_end", "sun");
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert_eq!(ended[0]["before"]["address"], "127.0.0.1");

    // A session already ended by "end all" is not listed.
    let (third, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    assert_eq!(listed(&community).1.as_array().map(Vec::len), Some(1));
    assert_eq!(common::delete(&server, &community, "/api/v1/users/sun/sessions").0, 204);
    assert_eq!(home(&third), 303);
    assert_eq!(listed(&community).1.as_array().map(Vec::len), Some(0));
    // Disabled and enabled again, the person signs in afresh: no session comes back.
    let (fourth, _) = sign_in(&server, "sun", "孙的登录口令2026年冬", "/home");
    assert_eq!(post(&server, &community, "/api/v1/users/sun/disable", &json!({})).0, 200);
    assert_eq!(post(&server, &community, "/api/v1/users/sun/enable", &json!({})).0, 200);
    assert_eq!(home(&fourth), 303);
    assert_eq!(listed(&community).1.as_array().map(Vec::len), Some(0));
}
both_backends!(fed_2_a_persons_sessions_are_listed_and_ended_one_by_one);

/// Issue 18: the people pages. An administrator adds a person in the browser (a refused form comes
/// back as typed, the error on its field), is shown the one-time link once, opens the person's page,
/// changes their title and role, and issues a new link; the person's page lists their sign-ins.
/// Every other role is refused.
fn fed_2_the_people_pages_add_and_administer_a_person(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    db.account("xslead", "XS", Role::Leader, Some("西山社区领导口令2026"));
    let server = Server::start(&db);
    let (cookie, _) = sign_in(&server, "xsadmin", "西山社区管理员口令2026", "/home");
    let page = |cookie: &str, path: &str| {
        let mut answer = plain().get(server.url(path)).header("Cookie", cookie).call().unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    };
    let submit = |path: &str, fields: &[(&str, &str)]| {
        let csrf = common::csrf_of(&server, &cookie, "/admin/users/new");
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let mut answer = plain().post(server.url(path)).header("Cookie", &cookie).send_form(form).unwrap();
        let location = answer.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
        (answer.status().as_u16(), location, answer.body_mut().read_to_string().unwrap())
    };
    let (status, form) = page(&cookie, "/admin/users/new");
    assert_eq!(status, 200);
    assert!(form.contains(r#"<option value="XS-CL""#) && !form.contains("东镇"), "the units of one's scope: {form}");
    let person =
        [("unit", "XS"), ("role", "officer"), ("display_name", "周敏"), ("username", "zhou min"), ("phone", "12")];
    let (status, _, refused) = submit("/admin/users/new", &person);
    assert_eq!(status, 422);
    assert!(refused.contains(r#"id="username-err""#) && refused.contains(r#"id="phone-err""#), "{refused}");
    assert!(refused.contains(r#"value="周敏""#), "as typed: {refused}");
    let person =
        [("unit", "XS"), ("role", "officer"), ("display_name", "周敏"), ("username", "zhoumin"), ("title", "接访员")];
    let (status, _, shown) = submit("/admin/users/new", &person);
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains("已添加 周敏") && shown.contains("/password/pw_"), "{shown}");
    let link = shown.split("/password/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (status, person_page) = page(&cookie, "/admin/users/zhoumin");
    assert_eq!(status, 200);
    assert!(person_page.contains("周敏") && person_page.contains("尚未设置密码") && person_page.contains("从未登录"));
    assert!(!person_page.contains(&link), "the link is shown once");
    let (status, location, _) =
        submit("/admin/users/zhoumin/card", &[("title", "信访专干"), ("rank", "科员"), ("phone", "")]);
    assert_eq!((status, location.as_str()), (303, "/admin/users/zhoumin?done=card"));
    let (status, location, _) = submit("/admin/users/zhoumin/placement", &[("unit", "XS"), ("role", "leader")]);
    assert_eq!((status, location.as_str()), (303, "/admin/users/zhoumin?done=placement"));
    let (_, person_page) = page(&cookie, "/admin/users/zhoumin?done=placement");
    assert!(
        person_page.contains("信访专干") && person_page.contains("领导") && person_page.contains("单位和角色已调整")
    );
    let (status, _, refused) = submit("/admin/users/zhoumin/card", &[("title", "a\tb")]);
    assert!(status == 422 && refused.contains(r#"id="title-err""#), "{refused}");
    let (status, _, again) = submit("/admin/users/zhoumin/password-link", &[]);
    assert!(status == 200 && again.contains("设置密码的链接") && again.contains("原密码仍然有效"), "{again}");
    assert_eq!(open_link(&server, &format!("/password/{link}")).0, 404, "the first link is superseded");
    // The list links each person and says who never signed in.
    let (_, never) = page(&cookie, "/admin/users?state=never");
    assert!(never.contains(r#"href="/admin/users/zhoumin""#) && !never.contains(">xsadmin<"), "{never}");
    let (_, mine) = page(&cookie, "/admin/users/xsadmin");
    assert!(mine.contains("127.0.0.1") && !mine.contains("/placement"), "one's own: sign-ins, no placement");
    let (leader, _) = sign_in(&server, "xslead", "西山社区领导口令2026", "/home");
    for path in ["/admin/users/new", "/admin/users/zhoumin"] {
        assert_eq!(page(&leader, path).0, 403, "{path}");
    }
    assert_eq!(page(&cookie, "/admin/users/dong").0, 404, "out of scope");
}
both_backends!(fed_2_the_people_pages_add_and_administer_a_person);

/// An API token for an account, as `huiyin token create` makes one.
fn token_for(db: &Db, username: &str) -> String {
    let token = format!("hy_test_{username}");
    db.with_store(async |store: &dyn huiyin_store::Store| {
        let user = store.user_by_username(username).await.unwrap().unwrap();
        let hash = huiyin_app::context::token_hash(&token);
        store.add_api_token(user.id, &hash, &huiyin_store::NewApiToken::default(), chrono::Utc::now()).await.unwrap();
    });
    token
}

/// Adds an account as `admin_token`'s administrator and sets its password by the link; the
/// account's API token.
fn added_by_link(server: &Server, db: &Db, admin_token: &str, person: Value) -> String {
    let (status, added) = post(server, admin_token, "/api/v1/users", &person);
    assert_eq!(status, 201, "{added}");
    let path = added["password_link"]["path"].as_str().unwrap().to_owned();
    assert_eq!(use_link(server, &path, "一个足够长的新口令2026", "一个足够长的新口令2026").0, 303);
    token_for(db, person["username"].as_str().unwrap())
}

/// GEN-7: an administrator opens no way round their own blindness. They do not move a person, nor
/// themselves through a second administrator, into a unit that sees accusations against their unit;
/// nor move a department of theirs out from under it; blindness passes down a chain of links; they
/// add no account under an accused person's name, nor one that may backdate. The county's
/// administrator, not accused, may make such moves; each refusal changes nothing.
fn gen_7_an_administrator_opens_no_way_round_their_own_blindness(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let town = db.account("xzadmin", "XZ", Role::Admin, None);
    let county = db.account("boss", "QX", Role::Admin, None);
    let server = Server::start(&db);
    let mut accusing = crate::api::visit();
    accusing["accused"] = json!({"unit": "XZ", "name": "西镇某干部"});
    let (_, case) = post(&server, &wang, "/api/v1/cases", &accusing);
    let id = case["id"].as_i64().unwrap();
    let sees = |token: &str| get(&server, token, &format!("/api/v1/cases/{id}")).0 == 200;
    assert!(sees(&wang) && !sees(&chen) && !sees(&town));

    // A person moved below the town would see it.
    let (status, err) = patch(&server, &town, "/api/v1/users/chen", &json!({"unit": "XS"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "{err}");
    assert!(!sees(&chen), "nothing moved");
    // Nor the administrator themself, through a second administrator they set up by a link.
    let second = added_by_link(
        &server,
        &db,
        &town,
        json!({"username": "xz2", "unit": "XZ", "role": "admin", "display_name": "第二管理员"}),
    );
    let (status, err) = patch(&server, &second, "/api/v1/users/xzadmin", &json!({"unit": "XS"}));
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("unit")), "{err}");
    // Blindness passes down a chain of links: the town sets up the community's administrator, who
    // sets up an officer; neither sees the accusation against the town.
    let community = added_by_link(
        &server,
        &db,
        &town,
        json!({"username": "xsadm", "unit": "XS", "role": "admin", "display_name": "社区管理员"}),
    );
    let officer = added_by_link(
        &server,
        &db,
        &community,
        json!({"username": "xs3", "unit": "XS", "role": "officer", "display_name": "社区接访员"}),
    );
    assert!(!sees(&community) && !sees(&officer), "blind through the chain");
    // A department of the town moved from under it would no longer be blind to it.
    let department = json!({"code": "XZ-MZ", "name": "西镇民政办", "kind": "department", "parent": "XZ"});
    assert_eq!(post(&server, &town, "/api/v1/units", &department).0, 201);
    let move_under = |token: &str, parent: &str| {
        common::json(
            agent()
                .patch(server.url("/api/v1/units/XZ-MZ"))
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(json!({"parent": parent}).to_string()),
        )
    };
    let (status, err) = move_under(&town, "XS");
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("parent")), "{err}");
    // No account under an accused person's name (an online accusation finds them by it), none
    // that may backdate.
    let namesake = json!({"username": "chen2", "unit": "XS", "role": "officer", "display_name": "陈 海燕"});
    let (status, err) = post(&server, &town, "/api/v1/users", &namesake);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("display_name")), "{err}");
    let backdating =
        json!({"username": "bu", "unit": "XS", "role": "officer", "display_name": "补录员", "may_backdate": true});
    let (status, err) = post(&server, &town, "/api/v1/users", &backdating);
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("may_backdate")), "{err}");
    // One change of a unit at a time; a non-administrator is refused before anything is read.
    let both = json!({"name": "西镇民政所", "parent": "XZ"});
    let (status, err) = common::json(
        agent()
            .patch(server.url("/api/v1/units/XZ-MZ"))
            .header("Authorization", &format!("Bearer {town}"))
            .header("Content-Type", "application/json")
            .send(both.to_string()),
    );
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("parent")), "{err}");
    let (status, _) = common::json(
        agent()
            .patch(server.url("/api/v1/units/XS"))
            .header("Authorization", &format!("Bearer {wang}"))
            .header("Content-Type", "application/json")
            .send("{}".to_owned()),
    );
    assert_eq!(status, 403);
    // The county's administrator, not accused, may.
    assert_eq!(move_under(&county, "XS").0, 200);
    assert_eq!(patch(&server, &county, "/api/v1/users/chen", &json!({"unit": "XS"})).0, 200);
    assert!(sees(&chen), "moved below the town, by the county");
}
both_backends!(gen_7_an_administrator_opens_no_way_round_their_own_blindness);
