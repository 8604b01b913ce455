//! The content classification in the browser and the API (issue 18, GEN-10): classes added,
//! renamed, retired and restored, and moved up or down among their siblings, their codes never
//! changing; every change on the audit log; refused to every role but the administrator.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{self, Backend, Browser, Db, Server, get, patch};

/// The classification as the API lists it, in order.
fn classes(server: &Server, token: &str) -> Vec<Value> {
    let (status, all) = get(server, token, "/api/v1/categories");
    assert_eq!(status, 200);
    all.as_array().unwrap().clone()
}

/// The codes of the classes under `parent`, in order.
fn children(all: &[Value], parent: &str) -> Vec<String> {
    all.iter()
        .filter(|c| c["parent"].as_str().unwrap_or_default() == parent)
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

/// GEN-10, issue 18: an administrator moves a class up among its siblings (codes stay, the order
/// the API and the pickers list changes), adds one under a second-level class after a refused
/// name, renames it, retires and restores it, from the page; the API moves one too. A leader is
/// refused the page and every form.
fn gen_10_classes_are_ordered_renamed_and_retired_from_the_page(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    db.seed();
    let admin = db.account("boss", "QX", Role::Admin, Some("清溪县管理员口令2026"));
    db.account("xslead", "XS", Role::Leader, Some("西山社区领导口令2026"));
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let server = Server::start(&db);
    let county = Browser::sign_in(&server, "boss", "清溪县管理员口令2026");

    let all = classes(&server, &admin);
    let top = children(&all, "");
    let parent = all.iter().find(|c| c["level"] == 2).unwrap()["code"].as_str().unwrap().to_owned();
    let leaves = children(&all, &parent);
    assert!(leaves.len() >= 2, "a second-level class with two classes below it: {leaves:?}");
    let (status, listing) = county.page("/admin/categories");
    assert_eq!(status, 200);
    assert!(listing.contains(&format!(r#"href="/admin/categories?parent={}""#, top[0])), "{listing}");
    assert!(!listing.contains(&format!(r#"id="up-{}""#, top[0])), "the first has no 上移");

    // Moved up: the second leaf comes first; the codes stay.
    let (status, location, _) = county.submit(&format!("/admin/categories/{}/move", leaves[1]), &[("direction", "up")]);
    assert_eq!((status, location), (303, format!("/admin/categories?parent={parent}&done=move#class-{}", leaves[1])));
    let moved = children(&classes(&server, &admin), &parent);
    assert_eq!((&moved[0], &moved[1]), (&leaves[1], &leaves[0]), "{moved:?}");
    let (status, _, _) = county.submit(&format!("/admin/categories/{}/move", leaves[1]), &[("direction", "up")]);
    assert_eq!(status, 303, "the first moves no higher, and nothing is logged");

    // Added under the second-level class: a blank name, then a sibling's name, are refused.
    let (status, _, refused) = county.submit("/admin/categories", &[("parent", &parent), ("name", " ")]);
    assert!(status == 422 && refused.contains(r#"id="name-err""#), "{refused}");
    let taken = all.iter().find(|c| c["code"] == leaves[0].as_str()).unwrap()["name"].as_str().unwrap().to_owned();
    let (status, _, refused) = county.submit("/admin/categories", &[("parent", &parent), ("name", &taken)]);
    assert!(status == 422 && refused.contains(&format!(r#"value="{taken}""#)), "as typed: {refused}");
    let (status, _, _) = county.submit("/admin/categories", &[("parent", &parent), ("name", "电梯加装")]);
    assert_eq!(status, 303);
    let now = classes(&server, &admin);
    let added = now.iter().find(|c| c["name"] == "电梯加装").unwrap().clone();
    let code = added["code"].as_str().unwrap().to_owned();
    assert_eq!(children(&now, &parent).last(), Some(&code), "last of its level");
    assert!(code.starts_with(&parent) && code.len() == 6, "{added}");

    let (status, _, refused) = county.submit(&format!("/admin/categories/{code}/name"), &[("name", &taken)]);
    assert_eq!(status, 422, "a sibling's name");
    assert!(refused.contains(&format!(r#"id="name-{code}" name="name" value="{taken}""#)), "as typed: {refused}");
    assert!(refused.contains(r#"<details open>"#) && refused.contains(r#"id="name-err""#), "{refused}");
    let (status, _, _) = county.submit(&format!("/admin/categories/{code}/name"), &[("name", "既有住宅加装电梯")]);
    assert_eq!(status, 303);
    let (status, _, _) = county.submit(&format!("/admin/categories/{code}/active"), &[("active", "false")]);
    assert_eq!(status, 303);
    let class = classes(&server, &admin).into_iter().find(|c| c["code"] == code.as_str()).unwrap();
    assert_eq!((class["name"].as_str(), class["active"].as_bool()), (Some("既有住宅加装电梯"), Some(false)));
    let (_, level) = county.page(&format!("/admin/categories?parent={parent}"));
    assert!(level.contains("既有住宅加装电梯</td>") || level.contains("既有住宅加装电梯 <strong>(已停用)"), "{level}");
    assert!(level.contains("(已停用)"), "{level}");
    let (status, _, _) = county.submit(&format!("/admin/categories/{code}/active"), &[("active", "true")]);
    assert_eq!(status, 303);

    // The API: one place down, answered with the siblings in their new order; nothing else with it.
    let (status, siblings) =
        patch(&server, &admin, &format!("/api/v1/categories/{}", leaves[1]), &json!({"move": "down"}));
    assert_eq!(status, 200, "{siblings}");
    assert_eq!(siblings[0]["code"], leaves[0].as_str(), "{siblings}");
    for body in [json!({"move": "sideways"}), json!({"move": "up", "name": "x"})] {
        let (status, refused) = patch(&server, &admin, &format!("/api/v1/categories/{}", leaves[1]), &body);
        assert_eq!((status, refused["error"]["field"].as_str()), (422, Some("move")), "{body}: {refused}");
    }
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=category.move");
    let moves = log["items"].as_array().unwrap();
    assert_eq!(moves.len(), 2, "two moves, not the one that went nowhere: {log}");
    assert_ne!(moves[0]["before"]["order"], moves[0]["after"]["order"]);
    let (_, log) = get(&server, &admin, &format!("/api/v1/audit?target={code}"));
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["category.edit", "category.edit", "category.edit", "category.add"], "{log}");

    let leader = Browser::sign_in(&server, "xslead", "西山社区领导口令2026");
    assert_eq!(leader.page("/admin/categories").0, 403);
    for (path, fields) in [
        ("/admin/categories".to_owned(), vec![("name", "领导加的")]),
        (format!("/admin/categories/{code}/name"), vec![("name", "领导改的")]),
        (format!("/admin/categories/{code}/active"), vec![("active", "false")]),
        (format!("/admin/categories/{code}/move"), vec![("direction", "up")]),
    ] {
        assert_eq!(leader.submit(&path, &fields).0, 403, "{path}");
    }
    assert_eq!(county.page("/admin/categories?parent=999999").0, 404);

    // A community's administrator changes nothing every unit shares: classes, calendar.
    let own = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    for path in ["/admin/categories", "/admin/calendar"] {
        assert_eq!(own.page(path).0, 403, "{path}");
    }
    assert_eq!(own.submit(&format!("/admin/categories/{code}/active"), &[("active", "false")]).0, 403);
    assert_eq!(common::post(&server, &community, "/api/v1/categories", &json!({"name": "社区大类"})).0, 403);
    let path = format!("/api/v1/categories/{}", leaves[1]);
    assert_eq!(patch(&server, &community, &path, &json!({"move": "up"})).0, 403);
    let year = json!({"year": 2099, "days": []});
    let (status, _) = common::json(
        common::agent()
            .post(server.url("/api/v1/calendar"))
            .header("Authorization", &format!("Bearer {community}"))
            .header("Content-Type", "application/json")
            .send(year.to_string()),
    );
    assert_eq!(status, 403);
}
both_backends!(gen_10_classes_are_ordered_renamed_and_retired_from_the_page);
