//! The search dictionary page (issue 18, FED-11): words added from the page reach the cases
//! already registered through a rebuild of the index that runs in the background, its progress on
//! the page and in the API; refused to every role but the administrator.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{self, Backend, Browser, Db, Server, get, post};

/// The rebuild's progress once it has ended (it runs in the background: read until it says so).
fn finished(server: &Server, token: &str) -> Value {
    for _ in 0..600 {
        let (status, progress) = get(server, token, "/api/v1/search/reindex");
        assert_eq!(status, 200, "{progress}");
        if progress["running"] == false {
            return progress;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the rebuild never ended");
}

/// FED-11, issue 18: words added through the API or on the page (a malformed one first, refused on
/// its field, as typed) rebuild the index of the cases already registered in the background, its
/// progress shown, and the case is found by the word whole; a rebuild is also started alone. Only
/// an administrator of the whole installation does this: a community's administrator and a
/// leader are refused the page, its progress and every form. A leader is refused the page, its progress and every form.
fn fed_11_words_added_on_the_page_reach_old_cases_through_a_background_rebuild(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let admin = db.account("boss", "QX", Role::Admin, Some("清溪县管理员口令2026"));
    db.account("xslead", "XS", Role::Leader, Some("西山社区领导口令2026"));
    let community = db.account("xsadmin", "XS", Role::Admin, Some("西山社区管理员口令2026"));
    let server = Server::start(&db);
    let visit = json!({
        "channel": "visit", "unit": "XS", "category": "拖欠农民工工资",
        "petitioner": {"name": "孙五"}, "content": "反映东坡村道路破损严重,雨天无法通行。"
    });
    let (status, case) = post(&server, &wang, "/api/v1/cases", &visit);
    assert_eq!(status, 201, "{case}");
    let found = |word: &str| {
        let query = format!("/api/v1/cases?q={}", common::enc(word));
        let (status, list) = get(&server, &wang, &query);
        assert_eq!(status, 200, "{list}");
        list["items"].as_array().unwrap().iter().any(|c| c["id"] == case["id"])
    };

    let county = Browser::sign_in(&server, "boss", "清溪县管理员口令2026");
    let (status, shown) = county.page("/admin/dictionary");
    assert!(status == 200 && shown.contains("尚未加入词语") && shown.contains("尚未重建"), "{shown}");

    // Added through the API: the index of the cases already registered is rebuilt in the
    // background, and the case is found by the word whole.
    let (status, added) = post(&server, &admin, "/api/v1/search/words", &json!({"words": ["东坡村"]}));
    assert_eq!((status, added["added"].as_u64()), (200, Some(1)), "{added}");
    let progress = finished(&server, &admin);
    assert_eq!((progress["done"].as_u64(), progress["total"].as_u64()), (Some(1), Some(1)), "{progress}");
    assert!(found("东坡村"));
    let (status, again) = post(&server, &admin, "/api/v1/search/words", &json!({"words": ["东坡村"]}));
    assert_eq!((status, again["added"].as_u64()), (200, Some(0)), "{again}");
    // On the page: a malformed word is refused on its field, as typed; words added rebuild the index.
    let (status, _, refused) = county.submit("/admin/dictionary", &[("words", "破损严重 东 坡")]);
    assert!(status == 422 && refused.contains(r#"id="words-err""#) && refused.contains("破损严重 东 坡"), "{refused}");
    let (status, location, _) = county.submit("/admin/dictionary", &[("words", "破损严重、雨天无法通行")]);
    assert_eq!((status, location.as_str()), (303, "/admin/dictionary?added=2"));
    let progress = finished(&server, &admin);
    assert_eq!((progress["done"].as_u64(), progress["error"].as_str()), (Some(1), None), "{progress}");
    assert!(found("雨天无法通行"), "the rebuilt index has the word whole");
    let (_, shown) = county.page("/admin/dictionary?added=2");
    assert!(shown.contains("已加入 2 个新词") && shown.contains("<li>东坡村 <form"), "{shown}");
    assert!(shown.contains("重建完成,共 1 件"), "{shown}");
    let (status, progress) = county.page("/admin/dictionary/progress");
    assert!(status == 200 && progress.contains("\"running\":false"), "{progress}");

    let (status, started) = post(&server, &admin, "/api/v1/search/reindex", &json!({}));
    assert_eq!(status, 202, "{started}");
    assert_eq!(finished(&server, &admin)["done"].as_u64(), Some(1));
    let (status, _, _) = county.submit("/admin/dictionary/reindex", &[]);
    assert_eq!(status, 303);
    finished(&server, &admin);
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=search.reindex");
    assert_eq!(log["items"].as_array().unwrap().len(), 4, "API words, page words, API, page: {log}");

    // A word added by mistake is removed, by the API or on the page, and the index rebuilt again.
    let words = |token: &str| get(&server, token, "/api/v1/search/words").1["words"].clone();
    let remove = |token: &str, word: &str| {
        common::delete(&server, token, &format!("/api/v1/search/words/{}", common::enc(word))).0
    };
    assert_eq!(remove(&community, "东坡村"), 403);
    assert_eq!(remove(&wang, "东坡村"), 403);
    assert_eq!(remove(&admin, "东坡村"), 204);
    finished(&server, &admin);
    assert_eq!(remove(&admin, "东坡村"), 404, "gone");
    assert_eq!(remove(&admin, "不在词典"), 404);
    assert_eq!(remove(&admin, "东坡\u{0}村"), 404, "a NUL is no word");
    let (status, location, _) = county.submit("/admin/dictionary/remove", &[("word", "破损严重")]);
    assert_eq!((status, location.as_str()), (303, "/admin/dictionary?removed=1"));
    finished(&server, &admin);
    assert_eq!(words(&admin), json!(["雨天无法通行"]));
    let (_, shown) = county.page("/admin/dictionary?removed=1");
    assert!(shown.contains("已从词典删除该词") && !shown.contains("<li>破损严重"), "{shown}");
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=search.word_remove");
    let removed: Vec<_> = log["items"].as_array().unwrap().iter().map(|e| e["before"]["word"].clone()).collect();
    assert_eq!(removed, [json!("破损严重"), json!("东坡村")], "{log}");

    for (username, password) in [("xslead", "西山社区领导口令2026"), ("xsadmin", "西山社区管理员口令2026")]
    {
        let other = Browser::sign_in(&server, username, password);
        for path in ["/admin/dictionary", "/admin/dictionary/progress"] {
            assert_eq!(other.page(path).0, 403, "{username} {path}");
        }
        assert_eq!(other.submit("/admin/dictionary", &[("words", "别人的词")]).0, 403, "{username}");
        assert_eq!(other.submit("/admin/dictionary/reindex", &[]).0, 403, "{username}");
        assert_eq!(other.submit("/admin/dictionary/remove", &[("word", "雨天无法通行")]).0, 403, "{username}");
    }
    let community_browser = Browser::sign_in(&server, "xsadmin", "西山社区管理员口令2026");
    let (status, nav) = community_browser.page("/admin/users");
    assert_eq!(status, 200);
    for shared in ["/admin/dictionary", "/admin/categories", "/admin/calendar"] {
        assert!(!nav.contains(&format!(r#"href="{shared}""#)), "not offered to a community: {shared}");
    }
    let (_, nav) = county.page("/admin/users");
    assert!(nav.contains(r#"href="/admin/dictionary""#), "offered to the county: {nav}");
    assert_eq!(post(&server, &community, "/api/v1/search/words", &json!({"words": ["社区词"]})).0, 403);
    assert_eq!(post(&server, &community, "/api/v1/search/reindex", &json!({})).0, 403);
    assert_eq!(post(&server, &wang, "/api/v1/search/reindex", &json!({})).0, 403);
    assert_eq!(get(&server, &wang, "/api/v1/search/reindex").0, 403);
}
both_backends!(fed_11_words_added_on_the_page_reach_old_cases_through_a_background_rebuild);
