//! The storage conformance suite: every scenario runs on SQLite and on PostgreSQL.

use chrono::{DateTime, Duration, Utc};
use huiyin_core::case::{CaseDraft, Flag, PetitionerDraft, Registration};
use huiyin_core::category::{self, Category};
use huiyin_core::event::{CaseState, EventData, Status};
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use huiyin_search::{Segmenter, document};
use huiyin_store::{
    AdminEventQuery, Blindness, CaseQuery, CaseSort, DutyDay, DutyOrigin, ExactKey, NewAdminEvent, NewCase, NewEvent,
    NewServiceRequest, NewUnit, NewUser, PasswordLink, PersonKeys, SearchDoc, SessionOwner, SessionRow, StaffCard,
    Store, StoreError, SubmissionClaim, TextSearch, UnitPublicInfo, User,
};
use huiyin_store_tests::conformance;

fn code(s: &str) -> UnitCode {
    UnitCode::parse("code", s).unwrap()
}

fn classes() -> Vec<Category> {
    category::parse_tsv(include_str!("../../../data/categories/content-categories.tsv"))
}

async fn unit(store: &dyn Store, c: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> i64 {
    store.add_unit(&NewUnit { code: code(c), name: name.into(), kind, parent: parent.map(code) }).await.unwrap().id
}

async fn user(store: &dyn Store, username: &str, unit: &str, role: Role) -> User {
    reachable_user(store, username, unit, role, None, None).await
}

/// A staff member with a telephone and an e-mail address, where given (the outbox's recipients).
async fn reachable_user(
    store: &dyn Store,
    username: &str,
    unit: &str,
    role: Role,
    phone: Option<&str>,
    email: Option<&str>,
) -> User {
    store
        .add_user(&NewUser {
            username: username.into(),
            display_name: format!("{username}同志"),
            unit: code(unit),
            role,
            password_hash: None,
            may_backdate: false,
            title: None,
            credential: None,
            rank: None,
            phone: phone.map(str::to_owned),
            email: email.map(str::to_owned),
        })
        .await
        .unwrap()
}

/// A small tree: county QX > town XZ > community XS, and the federation XS-CL under XS.
async fn tree(store: &dyn Store) -> (i64, i64, i64, i64) {
    let qx = unit(store, "QX", "清溪县", UnitKind::County, None).await;
    let xz = unit(store, "XZ", "西镇", UnitKind::Town, Some("QX")).await;
    let xs = unit(store, "XS", "西山社区", UnitKind::Community, Some("XZ")).await;
    let cl = unit(store, "XS-CL", "西山社区残联", UnitKind::Federation, Some("XS")).await;
    (qx, xz, xs, cl)
}

fn registration(unit: &str, content: &str, received_at: &str, name: &str) -> Registration {
    let now: DateTime<Utc> = "2026-11-26T02:00:00Z".parse().unwrap();
    CaseDraft {
        channel: Some("visit".into()),
        received_at: Some(received_at.into()),
        unit: Some(unit.into()),
        petitioner: Some(PetitionerDraft {
            name: Some(name.into()),
            id_number: Some("11010519491231002X".into()),
            phone: Some("13812345678".into()),
            address: Some("西山社区 3 栋 201".into()),
            ..Default::default()
        }),
        category: Some("拖欠农民工工资".into()),
        content: Some(content.into()),
        flags: vec!["major_urgent".into()],
        ..Default::default()
    }
    .parse(now, &classes())
    .unwrap()
}

fn calendar() -> huiyin_core::calendar::Calendar {
    let mut c = huiyin_core::calendar::Calendar::new();
    for (_, json) in huiyin_core::calendar::SHIPPED_YEARS {
        c.load(&huiyin_core::calendar::YearFile::parse(json).unwrap());
    }
    c
}

/// The segmenter every scenario indexes with, built once per test process.
fn segmenter() -> &'static Segmenter {
    static SEGMENTER: std::sync::OnceLock<Segmenter> = std::sync::OnceLock::new();
    SEGMENTER.get_or_init(|| Segmenter::new(["西山社区", "东镇"]))
}

fn search_doc(reg: &Registration) -> SearchDoc {
    SearchDoc {
        tokens: document::case_tokens(segmenter(), reg, &[]),
        bands: huiyin_search::minhash::bands(&reg.content),
    }
}

fn new_case(reg: Registration, actor: &User) -> NewCase {
    let rules = huiyin_core::limits::LimitRules::national();
    NewCase {
        deadlines: huiyin_core::limits::registration_deadlines(&reg, &rules, &calendar()),
        search: search_doc(&reg),
        registration: reg,
        query_code_hash: "hash".into(),
        actor_id: actor.id,
        recorded_at: "2026-11-26T02:00:00Z".parse().unwrap(),
        note: None,
    }
}

async fn units_form_a_tree(store: &dyn Store) {
    let (qx, xz, xs, cl) = tree(store).await;
    assert_eq!(store.unit_subtree(qx).await.unwrap(), vec![qx, xz, xs, cl]);
    assert_eq!(store.unit_subtree(xs).await.unwrap(), vec![xs, cl]);
    assert_eq!(store.unit_by_code("XS").await.unwrap().unwrap().parent_id, Some(xz));
    let dup = store
        .add_unit(&NewUnit { code: code("XS"), name: "重复".into(), kind: UnitKind::Community, parent: None })
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate("code"))), "{dup:?}");
    let orphan = store
        .add_unit(&NewUnit {
            code: code("NOPE"),
            name: "孤儿".into(),
            kind: UnitKind::Village,
            parent: Some(code("ZZ")),
        })
        .await;
    assert!(matches!(orphan, Err(StoreError::UnknownReference("parent"))), "{orphan:?}");
    assert_eq!(store.units().await.unwrap().len(), 4);
    // Renamed, a unit keeps its code and place, and its former name (曾用名); renamed back, the
    // name is its own again and no longer a former one.
    let was = store.unit_by_id(xs).await.unwrap().unwrap().name;
    let at = chrono::Utc::now();
    let renamed = store.rename_unit(xs, "西山社区居民委员会", at).await.unwrap();
    assert_eq!(
        (renamed.code.as_str(), renamed.name.as_str(), renamed.parent_id),
        ("XS", "西山社区居民委员会", Some(xz))
    );
    assert_eq!(store.unit_by_code("XS").await.unwrap().unwrap().name, "西山社区居民委员会");
    let former = store.unit_former_names().await.unwrap();
    assert_eq!(former.iter().map(|f| (f.unit_id, f.name.as_str())).collect::<Vec<_>>(), [(xs, was.as_str())]);
    assert_eq!(former[0].until.timestamp(), at.timestamp());
    store.rename_unit(xs, "西山社区居民委员会", at).await.unwrap();
    assert_eq!(store.unit_former_names().await.unwrap().len(), 1, "the same name is no rename");
    store.rename_unit(xs, &was, at).await.unwrap();
    let former = store.unit_former_names().await.unwrap();
    assert_eq!(former.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["西山社区居民委员会"]);
    assert!(matches!(store.rename_unit(i64::MAX, "x", at).await, Err(StoreError::NotFound)));
}
conformance!(twn_1_units_form_a_tree, units_form_a_tree);

async fn users_and_tokens(store: &dyn Store) {
    tree(store).await;
    let u = user(store, "wang", "XS", Role::Officer).await;
    assert_eq!(u.unit_code, "XS");
    assert_eq!(u.role, Role::Officer);
    assert!(u.password_hash.is_none());
    assert_eq!((u.title.as_deref(), u.credential.as_deref()), (None, None));
    // FED-4: the name, title and credential number as records print them.
    let card = StaffCard {
        display_name: "王秀英".into(),
        title: Some("接访员".into()),
        credential: Some("XS-001".into()),
        rank: Some("副科级".into()),
        phone: Some("0571-8888 1234".into()),
        email: None,
    };
    let carded = store.set_user_card(u.id, &card).await.unwrap();
    assert_eq!(
        (carded.display_name.as_str(), carded.title.as_deref(), carded.credential.as_deref()),
        ("王秀英", Some("接访员"), Some("XS-001"))
    );
    assert_eq!((carded.rank.as_deref(), carded.phone.as_deref()), (Some("副科级"), Some("0571-8888 1234")));
    assert_eq!(store.user_by_username("wang").await.unwrap().unwrap().credential.as_deref(), Some("XS-001"));
    assert!(matches!(store.set_user_card(i64::MAX, &card).await, Err(StoreError::NotFound)));
    // Saved list filters are the user's own; a name saved again replaces the filter.
    let at = Utc::now();
    let mine = store.save_filter(u.id, "我的超期", "owner=me&due=overdue", at).await.unwrap();
    store.save_filter(u.id, "待分办", "status=registered", at).await.unwrap();
    let again = store.save_filter(u.id, "我的超期", "owner=me&due=overdue&sort=due", at).await.unwrap();
    let saved = store.saved_filters(u.id).await.unwrap();
    assert_eq!(saved.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["待分办", "我的超期"]);
    assert_eq!(saved[1].query, "owner=me&due=overdue&sort=due");
    assert!(!store.delete_saved_filter(u.id, mine.id).await.unwrap(), "replaced, so gone");
    assert!(!store.delete_saved_filter(u.id + 1000, again.id).await.unwrap(), "not another user's");
    assert!(store.delete_saved_filter(u.id, again.id).await.unwrap());
    assert_eq!(store.saved_filters(u.id).await.unwrap().len(), 1);
    let dup = store
        .add_user(&NewUser {
            username: "wang".into(),
            display_name: "x".into(),
            unit: code("XS"),
            role: Role::Leader,
            password_hash: None,
            may_backdate: false,
            title: None,
            credential: None,
            rank: None,
            phone: None,
            email: None,
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate("username"))), "{dup:?}");
    let bad_unit = store
        .add_user(&NewUser {
            username: "li".into(),
            display_name: "x".into(),
            unit: code("ZZ"),
            role: Role::Leader,
            password_hash: None,
            may_backdate: false,
            title: None,
            credential: None,
            rank: None,
            phone: None,
            email: None,
        })
        .await;
    assert!(matches!(bad_unit, Err(StoreError::UnknownReference("unit"))), "{bad_unit:?}");
    store.set_password_hash(u.id, "$argon2id$fake").await.unwrap();
    assert_eq!(store.user_by_username("wang").await.unwrap().unwrap().password_hash.as_deref(), Some("$argon2id$fake"));
    store.add_api_token(u.id, "tokenhash", &huiyin_store::NewApiToken::default(), Utc::now()).await.unwrap();
    assert_eq!(store.user_by_api_token("tokenhash").await.unwrap().unwrap().id, u.id);
    assert!(store.user_by_api_token("other").await.unwrap().is_none());
    assert_eq!(store.users_with_role(Role::Officer).await.unwrap().len(), 1);
    assert!(store.users_with_role(Role::Admin).await.unwrap().is_empty());
}
conformance!(users_and_api_tokens, users_and_tokens);

/// Issue 18 (FED-2, GEN-7): an account is placed in another unit and role; a one-time link sets its
/// password once, before it expires, ends its sessions and leaves the link's issuer on the account;
/// a newer link supersedes an older one; a password the operator sets clears the issuer.
async fn fed_2_accounts_are_placed_and_set_by_one_time_links(store: &dyn Store) {
    let (_, _, _, cl) = tree(store).await;
    let admin = user(store, "admin", "XZ", Role::Admin).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let cl = store.unit_by_id(cl).await.unwrap().unwrap();
    let placed = store.set_user_placement(wang.id, cl.id, Role::Leader).await.unwrap();
    assert_eq!((placed.unit_code.as_str(), placed.role), ("XS-CL", Role::Leader));
    assert!(matches!(store.set_user_placement(i64::MAX, cl.id, Role::Leader).await, Err(StoreError::NotFound)));
    let bad_unit = store.set_user_placement(wang.id, i64::MAX, Role::Leader).await;
    assert!(matches!(bad_unit, Err(StoreError::UnknownReference("unit"))), "{bad_unit:?}");
    assert_eq!(store.user_by_id(wang.id).await.unwrap().unwrap().unit_code, "XS-CL", "a refused move changes nothing");

    // Whole seconds: PostgreSQL keeps microseconds.
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let link =
        |hours| PasswordLink { user_id: wang.id, issued_by: Some(admin.id), expires_at: now + Duration::hours(hours) };
    store.put_password_link("first", &link(72), now).await.unwrap();
    store.put_password_link("second", &link(72), now).await.unwrap();
    assert!(store.password_link("first", now).await.unwrap().is_none(), "superseded");
    assert_eq!(store.password_link("second", now).await.unwrap(), Some(link(72)));
    assert!(store.password_link("second", now + Duration::hours(73)).await.unwrap().is_none(), "expired");
    assert!(store.use_password_link("second", "$argon2id$x", now + Duration::hours(73)).await.unwrap().is_none());
    assert!(store.use_password_link("first", "$argon2id$x", now).await.unwrap().is_none());
    let before = store.user_by_id(wang.id).await.unwrap().unwrap();
    assert_eq!((before.password_hash.as_deref(), before.link_issuer_id), (None, None), "nothing set by dead links");
    let set = store.use_password_link("second", "$argon2id$x", now).await.unwrap().unwrap();
    assert_eq!((set.password_hash.as_deref(), set.link_issuer_id), (Some("$argon2id$x"), Some(admin.id)));
    assert_eq!(set.session_generation, before.session_generation + 1, "its sessions end");
    assert!(store.use_password_link("second", "$argon2id$y", now).await.unwrap().is_none(), "once only");
    store.put_password_link("third", &link(72), now).await.unwrap();
    assert_eq!(store.drop_password_links(wang.id).await.unwrap(), 1);
    assert!(store.password_link("third", now).await.unwrap().is_none(), "dropped when disabled");
    store.end_user_sessions(wang.id).await.unwrap();
    assert_eq!(store.user_by_id(wang.id).await.unwrap().unwrap().session_generation, set.session_generation + 1);
    // Their own new password keeps the issuer; the operator's clears it.
    store.set_password_hash(wang.id, "$argon2id$own").await.unwrap();
    assert_eq!(store.user_by_id(wang.id).await.unwrap().unwrap().link_issuer_id, Some(admin.id));
    store.reset_password_hash(wang.id, "$argon2id$op").await.unwrap();
    let reset = store.user_by_id(wang.id).await.unwrap().unwrap();
    assert_eq!((reset.password_hash.as_deref(), reset.link_issuer_id), (Some("$argon2id$op"), None));
    // The staff list's last sign-in: the latest success of each account.
    let signed_in = |minute: u32, action: &str| NewAdminEvent {
        at: format!("2026-12-06T08:{minute:02}:00Z").parse().unwrap(),
        actor_id: Some(wang.id),
        unit_id: Some(cl.id),
        action: action.into(),
        target: "wang".into(),
        before: None,
        after: None,
        address: Some("192.0.2.1".into()),
    };
    store.record_admin_event(&signed_in(1, "login.success")).await.unwrap();
    store.record_admin_event(&signed_in(5, "login.success")).await.unwrap();
    store.record_admin_event(&signed_in(9, "user.card")).await.unwrap();
    let last = store.last_sign_ins().await.unwrap();
    assert_eq!(last, [(wang.id, "2026-12-06T08:05:00Z".parse().unwrap())]);
}
conformance!(accounts_are_placed_and_set_by_one_time_links, fed_2_accounts_are_placed_and_set_by_one_time_links);

/// Issue 18: the audit log keeps each entry as written, newest first, read within the reader's
/// units (and the installation's own entries only when asked), filtered by action and target.
async fn the_audit_log_is_read_within_units(store: &dyn Store) {
    let (qx, _, xs, cl) = tree(store).await;
    let admin = user(store, "admin", "QX", Role::Admin).await;
    let at = |minute: u32| -> chrono::DateTime<Utc> { format!("2026-12-06T08:{minute:02}:00Z").parse().unwrap() };
    let entry = |minute, unit, action: &str, target: &str| NewAdminEvent {
        at: at(minute),
        actor_id: Some(admin.id),
        unit_id: unit,
        action: action.into(),
        target: target.into(),
        before: Some(r#"{"active":true}"#.into()),
        after: Some(r#"{"active":false}"#.into()),
        address: Some("192.0.2.7".into()),
    };
    store.record_admin_event(&entry(1, Some(xs), "user.disable", "wang")).await.unwrap();
    store.record_admin_event(&entry(2, Some(cl), "user.card", "zhao")).await.unwrap();
    store.record_admin_event(&entry(3, None, "calendar.import", "2027")).await.unwrap();
    let unknown =
        NewAdminEvent { actor_id: None, before: None, after: None, ..entry(4, Some(qx), "login.failure", "?") };
    store.record_admin_event(&unknown).await.unwrap();
    let read = |query: AdminEventQuery| async move {
        let page = store.admin_events(&AdminEventQuery { page: 1, per_page: 50, ..query }).await.unwrap();
        page.items.into_iter().map(|e| (e.action, e.target)).collect::<Vec<_>>()
    };
    let everything = AdminEventQuery { units: vec![qx, xs, cl], installation: true, ..Default::default() };
    assert_eq!(read(everything.clone()).await.len(), 4);
    assert_eq!(read(everything.clone()).await[0].0, "login.failure", "newest first");
    let community = AdminEventQuery { units: vec![xs, cl], ..Default::default() };
    assert_eq!(
        read(community.clone()).await,
        [("user.card".to_owned(), "zhao".to_owned()), ("user.disable".to_owned(), "wang".to_owned())],
        "the community's own, not the installation's"
    );
    let users = AdminEventQuery { action_prefix: Some("user.".into()), target: Some("wang".into()), ..everything };
    let page = store.admin_events(&AdminEventQuery { page: 1, per_page: 10, ..users }).await.unwrap();
    assert_eq!(page.total, 1);
    let kept = &page.items[0];
    assert_eq!(
        (kept.actor.as_deref(), kept.unit_id, kept.at, kept.address.as_deref()),
        (Some("admin"), Some(xs), at(1), Some("192.0.2.7"))
    );
    assert_eq!(
        (kept.before.as_deref(), kept.after.as_deref()),
        (Some(r#"{"active":true}"#), Some(r#"{"active":false}"#))
    );
    let nobody = store.admin_events(&AdminEventQuery { page: 1, per_page: 10, ..Default::default() }).await.unwrap();
    assert_eq!(nobody.total, 0, "no units, nothing");
    // A prefix is a prefix: its underscore matches itself, not any one character.
    store.record_admin_event(&entry(5, Some(xs), "token.revoke_all", "wang")).await.unwrap();
    store.record_admin_event(&entry(6, Some(xs), "token.revokeXall", "wang")).await.unwrap();
    let revoked = AdminEventQuery { action_prefix: Some("token.revoke_".into()), ..community.clone() };
    assert_eq!(read(revoked).await, [("token.revoke_all".to_owned(), "wang".to_owned())]);
    // And what a reader did themself, wherever it belongs.
    let mine = AdminEventQuery { units: vec![cl], by: Some(admin.id), ..Default::default() };
    assert_eq!(read(mine).await.len(), 5, "all of the administrator's own");
}
conformance!(the_audit_log_is_read_within_units, the_audit_log_is_read_within_units);

async fn setup_token_is_single_use(store: &dyn Store) {
    store.put_setup_token("a", Utc::now()).await.unwrap();
    store.put_setup_token("b", Utc::now()).await.unwrap();
    assert!(!store.setup_token_exists("a").await.unwrap(), "a newer link replaces the older");
    assert!(store.setup_token_exists("b").await.unwrap());
    assert!(store.take_setup_token("b").await.unwrap());
    assert!(!store.take_setup_token("b").await.unwrap());
}
conformance!(setup_token_single_use, setup_token_is_single_use);

async fn categories_seed_once(store: &dyn Store) {
    let cs = classes();
    assert_eq!(store.seed_categories(&cs).await.unwrap(), cs.len());
    assert_eq!(store.seed_categories(&cs).await.unwrap(), 0);
    let loaded = store.categories().await.unwrap();
    assert_eq!(loaded, cs);
    assert_eq!(loaded.iter().filter(|c| c.level == 1).count(), 19);
}
conformance!(gen_10_categories_seed_once, categories_seed_once);

async fn categories_are_edited(store: &dyn Store) {
    let cs = classes();
    store.seed_categories(&cs).await.unwrap();
    let new = category::add(&cs, Some("0101"), "村民小组议事").unwrap();
    store.save_categories(std::slice::from_ref(&new)).await.unwrap();
    let renamed = category::rename(&cs, "0101", "村务").unwrap();
    store.save_categories(&renamed).await.unwrap();
    let loaded = store.categories().await.unwrap();
    assert_eq!(loaded.len(), cs.len() + 1);
    assert_eq!(loaded.last().unwrap().code, new.code, "a new class sorts last");
    assert_eq!(loaded.iter().find(|c| c.code == "010101").unwrap().path, "农村农业 / 村务 / 集体资产管理");
    let orphan = Category { code: "9901".into(), parent: Some("99".into()), ..new };
    assert!(matches!(store.save_categories(&[orphan]).await, Err(StoreError::UnknownReference(_))));

    // Two classes change places in the listed order; their codes, and everything else, stay.
    let version = store.setting_version("categories").await.unwrap();
    store.swap_category_order("010101", "010102").await.unwrap();
    let swapped = store.categories().await.unwrap();
    let at = |code: &str| swapped.iter().position(|c| c.code == code).unwrap();
    assert!(at("010102") < at("010101"), "swapped");
    assert_eq!(swapped.len(), loaded.len());
    assert!(store.setting_version("categories").await.unwrap() > version, "the servers reload the classes");
    assert!(matches!(store.swap_category_order("010101", "999999").await, Err(StoreError::NotFound)));
    assert_eq!(store.categories().await.unwrap(), swapped, "a refused swap changes nothing");
}
conformance!(gen_10_categories_are_edited, categories_are_edited);

async fn registration_writes_case_and_first_event(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let ids = store
        .register_cases(&[
            new_case(registration("XS", "拖欠工资三个月", "2026-11-20T09:30:00+08:00", "王秀英"), &officer),
            new_case(registration("XS", "第二件", "2026-11-21", "李四"), &officer),
            new_case(registration("XS", "去年的信", "2025-12-30", "赵六"), &officer),
        ])
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let file = store.case_file(ids[0]).await.unwrap().unwrap();
    assert_eq!(file.state.case_number, "XS-2026-000001");
    assert_eq!(file.state.first_receiver, "wang", "FED-1: the registering user is the first receiver");
    assert_eq!(file.state.status, Status::Registered);
    assert!(file.state.flags.contains(&Flag::MajorUrgent), "FED-5: major cases are marked");
    assert_eq!(file.version, 1);
    assert_eq!(file.events.len(), 1);
    assert_eq!(file.events[0].data.kind(), "registered");
    assert_eq!(file.events[0].actor, "wang");
    assert_eq!(file.registration.content, "拖欠工资三个月");
    assert_eq!(file.registration.petitioner.phone.as_ref().unwrap().as_str(), "13812345678");
    assert_eq!(file.registration.received_at, "2026-11-20T01:30:00Z".parse::<DateTime<Utc>>().unwrap());
    assert_eq!(file.unit_code, "XS");
    let kinds: Vec<(&str, String)> = file.deadlines.iter().map(|d| (d.kind.code(), d.due.date.to_string())).collect();
    assert_eq!(kinds, [("sorting", "2026-12-07".to_string()), ("notice", "2026-12-07".to_string())], "GEN-2, GEN-3");
    let second = store.case_file(ids[1]).await.unwrap().unwrap();
    assert_eq!(second.state.case_number, "XS-2026-000002");
    let last_year = store.case_file(ids[2]).await.unwrap().unwrap();
    assert_eq!(last_year.state.case_number, "XS-2025-000001", "numbers restart each year");
    assert_eq!(store.case_id_by_number("XS-2026-000002").await.unwrap(), Some(ids[1]));
    assert_eq!(store.case_id_by_number("XS-2026-000009").await.unwrap(), None);
}
conformance!(gen_10_registration_writes_case_and_first_event, registration_writes_case_and_first_event);

async fn a_failed_batch_writes_nothing(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let good = new_case(registration("XS", "好的", "2026-11-20", "甲"), &officer);
    let bad = new_case(registration("ZZ", "单位不存在", "2026-11-20", "乙"), &officer);
    let r = store.register_cases(&[good.clone(), bad]).await;
    assert!(matches!(r, Err(StoreError::UnknownReference("unit"))), "{r:?}");
    let scope = store.unit_subtree(store.unit_by_code("QX").await.unwrap().unwrap().id).await.unwrap();
    let page = store.list_cases(&CaseQuery { scope, page: 1, per_page: 20, ..Default::default() }).await.unwrap();
    assert_eq!(page.total, 0, "no half-written batch");
    // The counter was rolled back too: the next case is still number 1.
    let id = store.register_cases(&[good]).await.unwrap()[0];
    assert_eq!(store.case_file(id).await.unwrap().unwrap().state.case_number, "XS-2026-000001");
}
conformance!(a_failed_batch_writes_nothing, a_failed_batch_writes_nothing);

/// Issue 17: a list narrows to a content class (and the classes under it) and to a flag; the total
/// is counted, never taken from the tally.
async fn lists_filter_by_class_and_flag(store: &dyn Store) {
    let (qx, ..) = tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let wages = registration("XS", "拖欠工资", "2026-11-20", "甲");
    let mut repeat = registration("XS", "又来反映拖欠工资", "2026-11-21", "乙");
    repeat.flags.insert(Flag::Repeat);
    let mut other = registration("XS", "路灯不亮", "2026-11-22", "丙");
    other.flags.clear();
    other.category = huiyin_core::case::CategoryRef { code: "990101".into(), path: "其他 / 其他 / 其他".into() };
    let batch: Vec<NewCase> = [wages.clone(), repeat, other].into_iter().map(|r| new_case(r, &officer)).collect();
    store.register_cases(&batch).await.unwrap();
    let scope = store.unit_subtree(qx).await.unwrap();
    let q = CaseQuery { scope, page: 1, per_page: 20, ..Default::default() };
    let total = |q: CaseQuery| async move { store.list_cases(&q).await.unwrap().total };
    assert_eq!(total(q.clone()).await, 3);
    let top = wages.category.code[..2].to_owned();
    assert_eq!(total(CaseQuery { category: Some(top), ..q.clone() }).await, 2, "the top class holds both");
    assert_eq!(total(CaseQuery { category: Some(wages.category.code.clone()), ..q.clone() }).await, 2);
    assert_eq!(total(CaseQuery { category: Some("98".into()), ..q.clone() }).await, 0);
    assert_eq!(total(CaseQuery { category: Some("%".into()), ..q.clone() }).await, 3, "no pattern of one's own");
    assert_eq!(total(CaseQuery { flag: Some(Flag::Repeat), ..q.clone() }).await, 1);
    assert_eq!(total(CaseQuery { flag: Some(Flag::MajorUrgent), ..q.clone() }).await, 2);
    assert_eq!(total(CaseQuery { flag: Some(Flag::Collective), ..q.clone() }).await, 0);
}
conformance!(lists_filter_by_class_and_flag, lists_filter_by_class_and_flag);

async fn events_append_with_optimistic_concurrency(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let rights = user(store, "zhao", "XS-CL", Role::Handler).await;
    let id = store
        .register_cases(&[new_case(registration("XS", "需要维权办", "2026-11-20", "甲"), &officer)])
        .await
        .unwrap()[0];
    let file = store.case_file(id).await.unwrap().unwrap();
    let data = EventData::HandedOff {
        to_user: Some("zhao".into()),
        to_unit: Some("XS-CL".into()),
        reason: "当场不能解决".into(),
    };
    let mut state: CaseState = file.state.clone();
    let at = Utc::now();
    let event = huiyin_core::event::Event {
        seq: 2,
        occurred_at: at,
        recorded_at: at,
        actor: "wang".into(),
        note: None,
        data: data.clone(),
    };
    state.apply(&event);
    let search = |scope: Vec<i64>| CaseQuery {
        scope,
        search: Some(words("维权")),
        sort: CaseSort::Relevance,
        page: 1,
        per_page: 20,
        ..Default::default()
    };
    assert_eq!(store.list_cases(&search(vec![rights.unit_id])).await.unwrap().total, 0);
    let new_event = NewEvent {
        occurred_at: at,
        recorded_at: at,
        actor_id: officer.id,
        note: Some("交维权办".into()),
        data,
        state,
        new_query_code_hash: None,
        blobs: Vec::new(),
        deadlines: file.deadlines.clone(),
        search_tokens: None,
    };
    store.append_event(id, 1, &new_event).await.unwrap();
    let again = store.append_event(id, 1, &new_event).await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let missing = store.append_event(id + 1000, 1, &new_event).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let file = store.case_file(id).await.unwrap().unwrap();
    assert_eq!(file.version, 2);
    assert_eq!(file.events.len(), 2);
    assert_eq!(file.state.owner, "zhao");
    assert_eq!(file.state.first_receiver, "wang");
    assert_eq!(file.holding_unit_id, rights.unit_id);
    assert_eq!(file.events[1].note.as_deref(), Some("交维权办"));
    // The federation now sees the case through its holding unit.
    let page = store
        .list_cases(&CaseQuery { scope: vec![rights.unit_id], page: 1, per_page: 20, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    // Search follows the case to the unit holding it, and the unit that registered it still finds it.
    let found = store.list_cases(&search(vec![rights.unit_id])).await.unwrap();
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    assert_eq!(store.list_cases(&search(vec![officer.unit_id])).await.unwrap().total, 1);
    // A subtree finds the cases of its units (the town's), another subtree does not.
    let other_town = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let town = store.unit_by_code("XZ").await.unwrap().unwrap().id;
    assert_eq!(store.list_cases(&search(store.unit_subtree(town).await.unwrap())).await.unwrap().total, 1);
    assert_eq!(store.list_cases(&search(store.unit_subtree(other_town).await.unwrap())).await.unwrap().total, 0);
    // Handed back, the case leaves the federation's search.
    let file = store.case_file(id).await.unwrap().unwrap();
    let back =
        EventData::HandedOff { to_user: Some("wang".into()), to_unit: Some("XS".into()), reason: "退回".into() };
    let mut state = file.state.clone();
    state.apply(&huiyin_core::event::Event { seq: 3, data: back.clone(), ..event });
    let back = NewEvent { data: back, state, note: None, ..new_event };
    store.append_event(id, 2, &back).await.unwrap();
    assert_eq!(store.case_file(id).await.unwrap().unwrap().holding_unit_id, officer.unit_id);
    assert_eq!(store.list_cases(&search(vec![rights.unit_id])).await.unwrap().total, 0);
    assert_eq!(store.list_cases(&search(store.unit_subtree(town).await.unwrap())).await.unwrap().total, 1);
}
conformance!(fed_1_hand_off_is_an_event, events_append_with_optimistic_concurrency);

async fn lists_filter_sort_and_page_within_scope(store: &dyn Store) {
    let (qx, xz, xs, _) = tree(store).await;
    let other_town = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let east = user(store, "dong", "DZ", Role::Officer).await;
    let mut batch = Vec::new();
    for day in 1..=25 {
        batch.push(new_case(
            registration("XS", &format!("第{day}件 路灯"), &format!("2026-10-{day:02}"), "王五"),
            &officer,
        ));
    }
    batch.push(new_case(registration("XS", "工资 100% 拖欠_真的", "2026-11-01", "赵六"), &officer));
    batch.push(new_case(registration("DZ", "东镇的事 路灯", "2026-11-02", "钱七"), &east));
    store.register_cases(&batch).await.unwrap();
    let q = |scope: Vec<i64>| CaseQuery { scope, page: 1, per_page: 10, ..Default::default() };

    let county = store.unit_subtree(qx).await.unwrap();
    let all = store.list_cases(&q(county.clone())).await.unwrap();
    assert_eq!((all.total, all.items.len()), (27, 10));
    assert_eq!(all.items[0].case_number, "DZ-2026-000001", "newest first by default");

    let town = store.unit_subtree(xz).await.unwrap();
    assert_eq!(store.list_cases(&q(town)).await.unwrap().total, 26, "the town sees its community, not the other town");
    assert_eq!(store.list_cases(&q(vec![other_town])).await.unwrap().total, 1);
    assert_eq!(store.list_cases(&q(vec![])).await.unwrap().total, 0, "an empty scope sees nothing");

    let mut page3 = q(vec![xs]);
    page3.page = 3;
    page3.sort = CaseSort::ReceivedAsc;
    let p = store.list_cases(&page3).await.unwrap();
    assert_eq!(p.items.len(), 6);
    assert_eq!(p.items[0].content, "第21件 路灯");

    let mut window = q(county.clone());
    window.received_from = Some("2026-10-09T16:00:00Z".parse().unwrap());
    window.received_before = Some("2026-10-19T16:00:00Z".parse().unwrap());
    assert_eq!(store.list_cases(&window).await.unwrap().total, 10, "10-10 to 10-19 China time");

    let mut exact = q(county.clone());
    exact.exact = Some(ExactKey::CaseNumber("DZ-2026-000001".into()));
    let found = store.list_cases(&exact).await.unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].petitioner_name.as_deref(), Some("钱七"));
    exact.exact = Some(ExactKey::Phone("13812345678".into()));
    assert_eq!(store.list_cases(&exact).await.unwrap().total, 27, "every test case has this phone");
    exact.exact = Some(ExactKey::IdNumber("110105194912310038".into()));
    assert_eq!(store.list_cases(&exact).await.unwrap().total, 0);

    let mut by_channel = q(county.clone());
    by_channel.channel = Some(huiyin_core::case::Channel::Letter);
    assert_eq!(store.list_cases(&by_channel).await.unwrap().total, 0);
    let mut by_status = q(county);
    by_status.status = Some(Status::Registered);
    by_status.sort = CaseSort::NumberAsc;
    let p = store.list_cases(&by_status).await.unwrap();
    assert_eq!(p.total, 27);
    assert_eq!(p.items[0].case_number, "DZ-2026-000001");
    assert_eq!(p.items[0].flags, vec!["major_urgent".to_string()]);
}
conformance!(case_lists_filter_sort_and_page_within_scope, lists_filter_sort_and_page_within_scope);

async fn hostile_text_is_stored_verbatim(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let nasty = "<script>alert('x')</script>'); DROP TABLE cases; -- 😀";
    let id =
        store.register_cases(&[new_case(registration("XS", nasty, "2026-11-20", "O'Brien"), &officer)]).await.unwrap()
            [0];
    let file = store.case_file(id).await.unwrap().unwrap();
    assert_eq!(file.registration.content, nasty);
    assert_eq!(file.registration.petitioner.name.as_deref(), Some("O'Brien"));
}
conformance!(hostile_text_is_stored_verbatim, hostile_text_is_stored_verbatim);

async fn personal_data_views_are_logged(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let id = store.register_cases(&[new_case(registration("XS", "x", "2026-11-20", "甲"), &officer)]).await.unwrap()[0];
    store.log_personal_data_view(officer.id, id, Utc::now(), "case_detail").await.unwrap();
    let views = store.personal_data_views(id).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!((views[0].0.as_str(), views[0].2.as_str()), ("wang", "case_detail"));
    // A full export logs every case it holds, at once; an unknown case writes none of them.
    let other =
        store.register_cases(&[new_case(registration("XS", "y", "2026-11-20", "乙"), &officer)]).await.unwrap()[0];
    let many: Vec<i64> = std::iter::repeat_n([id, other], 150).flatten().collect();
    store.log_personal_data_views(officer.id, &many, Utc::now(), "export").await.unwrap();
    assert_eq!(store.personal_data_views(id).await.unwrap().len(), 151);
    assert_eq!(store.personal_data_views(other).await.unwrap().len(), 150);
    assert!(store.log_personal_data_views(officer.id, &[other, i64::MAX], Utc::now(), "export").await.is_err());
    assert_eq!(store.personal_data_views(other).await.unwrap().len(), 150, "all or nothing");
}
conformance!(com_4_personal_data_views_are_logged, personal_data_views_are_logged);

async fn sessions_round_trip(store: &dyn Store) {
    tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let expires = Utc::now() + Duration::hours(8);
    let row = |data: &str, owner: Option<SessionOwner>| SessionRow { data: data.into(), expires_at: expires, owner };
    assert!(store.session_load("s1").await.unwrap().is_none());
    store.session_save("s1", &row("{\"a\":0}", None)).await.unwrap();
    assert!(store.session_load("s1").await.unwrap().is_none(), "saving makes no new session");
    assert!(store.session_insert_new("s1", &row("{\"a\":1}", None)).await.unwrap());
    store.session_save("s1", &row("{\"a\":2}", None)).await.unwrap();
    let loaded = store.session_load("s1").await.unwrap().unwrap();
    assert_eq!(loaded.data, "{\"a\":2}");
    assert_eq!(loaded.expires_at.timestamp(), expires.timestamp());
    assert!(!store.session_insert_new("s1", &row("{}", None)).await.unwrap());
    assert!(store.session_insert_new("s2", &row("{}", None)).await.unwrap());
    store.session_delete("s1").await.unwrap();
    assert!(store.session_load("s1").await.unwrap().is_none());
    // Signed in, a session is its owner's: listed (not its id) and ended by its handle.
    assert!(store.user_sessions(wang.id, Utc::now()).await.unwrap().is_empty(), "not signed in yet");
    let owner = |handle: &str| SessionOwner {
        user_id: wang.id,
        handle: handle.into(),
        credential: "stamp".into(),
        signed_in_at: Some(Utc::now()),
        address: Some("10.0.0.7".into()),
        agent: None,
    };
    store.session_save("s2", &row("{}", Some(owner("h2")))).await.unwrap();
    assert!(store.session_insert_new("s3", &row("{}", Some(owner("h3")))).await.unwrap());
    let mine = store.user_sessions(wang.id, Utc::now()).await.unwrap();
    assert_eq!(mine.iter().map(|s| s.owner.handle.as_str()).collect::<Vec<_>>(), ["h3", "h2"], "latest first");
    assert_eq!(mine[1].owner.address.as_deref(), Some("10.0.0.7"));
    assert!(store.user_sessions(wang.id, expires).await.unwrap().is_empty(), "expired ones are not listed");
    assert!(!store.delete_user_session(wang.id + 1, "h2").await.unwrap(), "another's");
    assert!(store.delete_user_session(wang.id, "h2").await.unwrap());
    assert!(store.session_load("s2").await.unwrap().is_none());
    assert!(store.session_load("s3").await.unwrap().is_some());
    // A request of the ended session still in flight saves it: it stays ended.
    store.session_save("s2", &row("{}", Some(owner("h2")))).await.unwrap();
    assert!(store.session_load("s2").await.unwrap().is_none(), "not brought back");
    // Expired sessions are forgotten, with where they were signed in from.
    assert_eq!(store.purge_sessions(expires + Duration::seconds(1)).await.unwrap(), 1);
    assert!(store.session_load("s3").await.unwrap().is_none());
}
conformance!(sessions_round_trip, sessions_round_trip);

/// Issue 19, CDR-1, SCH-5: a unit's duty pattern and its rota. A regenerated month replaces the
/// pattern's days and keeps those set by hand or swapped unless told to replace them all; a swap
/// exchanges two days in one transaction, with its approver, and does nothing unless both days have
/// someone; one day set or cleared answers what it was.
async fn cdr_1_a_rota_is_generated_edited_and_swapped(store: &dyn Store) {
    use huiyin_core::duty::DutyPattern;
    let (_, _, xs, _) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let liu = user(store, "liu", "XS", Role::Officer).await;
    let lead = user(store, "lead", "XS", Role::Leader).await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(store.duty_pattern(xs).await.unwrap(), None);
    let pattern = DutyPattern::Rotation { people: vec!["wang".into(), "liu".into()], every_day: false };
    store.set_duty_pattern(xs, &pattern, Some(lead.id), Utc::now()).await.unwrap();
    let every_day = DutyPattern::Rotation { people: vec!["liu".into()], every_day: true };
    store.set_duty_pattern(xs, &every_day, None, Utc::now()).await.unwrap();
    assert_eq!(store.duty_pattern(xs).await.unwrap(), Some(every_day), "the latest pattern");

    let (from, before) = (day("2026-10-01"), day("2026-11-01"));
    let month = [(day("2026-10-08"), wang.id), (day("2026-10-09"), liu.id), (day("2026-10-12"), wang.id)];
    assert_eq!(store.put_generated_duty(xs, from, before, &month, false).await.unwrap(), 0);
    let edit = DutyDay {
        day: day("2026-10-12"),
        user_id: Some(liu.id),
        origin: DutyOrigin::Edit,
        approved_by: Some(lead.id),
        reason: Some("王请假".into()),
    };
    let was = store.set_duty_day(xs, day("2026-10-12"), Some(&edit)).await.unwrap();
    assert_eq!(was.map(|d| (d.user_id, d.origin)), Some((Some(wang.id), DutyOrigin::Pattern)));
    // Generated again: the edited day is kept, the others replaced.
    assert_eq!(store.put_generated_duty(xs, from, before, &month, false).await.unwrap(), 1);
    let days = store.duty_days(xs, from, before).await.unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[2], edit);
    assert!(store.swap_duty_days(xs, day("2026-10-08"), day("2026-10-09"), lead.id, "家中有事").await.unwrap());
    let days = store.duty_days(xs, from, before).await.unwrap();
    assert_eq!((days[0].user_id, days[1].user_id), (Some(liu.id), Some(wang.id)));
    assert_eq!(
        (days[0].origin, days[0].approved_by, days[0].reason.as_deref()),
        (DutyOrigin::Swap, Some(lead.id), Some("家中有事"))
    );
    assert!(
        !store.swap_duty_days(xs, day("2026-10-08"), day("2026-10-10"), lead.id, "x").await.unwrap(),
        "nobody on 10-10"
    );
    assert_eq!(store.duty_days(xs, from, before).await.unwrap()[0].user_id, Some(liu.id), "nothing changed");
    assert!(!store.swap_duty_days(xs, day("2026-10-08"), day("2026-10-08"), lead.id, "x").await.unwrap(), "one person");
    // The turn stands at the last day that came from the pattern: swapped and edited days do not move it.
    assert_eq!(store.last_duty_before(xs, day("2026-10-13")).await.unwrap(), None, "all three set by hand or swapped");
    // Replacing all drops the edits and swaps too; clearing a day answers what it was.
    assert_eq!(store.put_generated_duty(xs, from, before, &month, true).await.unwrap(), 0);
    let days = store.duty_days(xs, from, before).await.unwrap();
    assert!(days.iter().all(|d| d.origin == DutyOrigin::Pattern) && days[2].user_id == Some(wang.id));
    assert_eq!(store.last_duty_before(xs, day("2026-10-12")).await.unwrap().map(|d| d.day), Some(day("2026-10-09")));
    // A day set to nobody by hand is kept as such when the month is generated again.
    let nobody = DutyDay { user_id: None, ..edit.clone() };
    store.set_duty_day(xs, day("2026-10-12"), Some(&nobody)).await.unwrap();
    assert_eq!(store.put_generated_duty(xs, from, before, &month, false).await.unwrap(), 1);
    assert_eq!(store.duty_days(xs, from, before).await.unwrap()[2].user_id, None, "still nobody");
    assert!(
        !store.swap_duty_days(xs, day("2026-10-09"), day("2026-10-12"), lead.id, "x").await.unwrap(),
        "nobody on 10-12 to swap with"
    );
    assert_eq!(store.set_duty_day(xs, day("2026-10-08"), None).await.unwrap().map(|d| d.user_id), Some(Some(wang.id)));
    assert_eq!(store.duty_days(xs, from, before).await.unwrap().len(), 2);
}
conformance!(cdr_1_a_rota_is_generated_edited_and_swapped, cdr_1_a_rota_is_generated_edited_and_swapped);

/// TWN-9: a unit's month of leaders' reception days: one draft at a time, replaced until it is
/// published; each change is the next version; published versions are never rewritten; the units
/// that published and that keep monthly tables; an unpublished month told once.
async fn twn_9_reception_months_are_versioned_and_told_once(store: &dyn Store) {
    use huiyin_core::reception::{ArrangedDay, ArrangedLeader};
    let (_, xz, xs, _) = tree(store).await;
    let lead = user(store, "lizhen", "XZ", Role::Leader).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let on = |d: &str, place: &str| ArrangedDay {
        day: d.parse().unwrap(),
        leaders: vec![ArrangedLeader {
            username: "lizhen".into(),
            name: "李振".into(),
            title: "副镇长".into(),
            rank: "副科级".into(),
        }],
        place: place.into(),
        starts: Some("09:00".into()),
        ends: None,
    };
    let at = Utc::now();
    assert_eq!(
        store.save_reception_draft(xz, "2026-12", &[on("2026-12-03", "接待室")], None, lead.id, at).await.unwrap(),
        1
    );
    assert_eq!(
        store.save_reception_draft(xz, "2026-12", &[on("2026-12-10", "接待室")], None, lead.id, at).await.unwrap(),
        1,
        "the draft is replaced"
    );
    assert!(store.units_published_reception_month("2026-12").await.unwrap().is_empty());
    assert_eq!(store.publish_reception_draft(xz, "2026-12", chen.id, at, true).await.unwrap(), Some(1));
    assert_eq!(store.publish_reception_draft(xz, "2026-12", chen.id, at, false).await.unwrap(), None, "no draft left");
    let note = Some("李振参加会议");
    assert_eq!(
        store.save_reception_draft(xz, "2026-12", &[on("2026-12-10", "村部")], note, lead.id, at).await.unwrap(),
        2
    );
    let versions = store.reception_months(xz, "2026-12").await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!((versions[0].version, versions[0].late, versions[0].published_by), (1, true, Some(chen.id)));
    assert_eq!((versions[0].days[0].place.as_str(), versions[0].days[0].starts.as_deref()), ("接待室", Some("09:00")));
    assert_eq!((versions[1].published_at, versions[1].change_note.as_deref()), (None, note));
    assert!(store.discard_reception_draft(xz, "2026-12").await.unwrap());
    assert!(!store.discard_reception_draft(xz, "2026-12").await.unwrap());
    assert_eq!(store.reception_months(xz, "2026-12").await.unwrap().len(), 1, "the published version stays");
    assert_eq!(store.units_published_reception_month("2026-12").await.unwrap(), vec![xz]);
    assert_eq!(store.units_keeping_reception_months("2027-01").await.unwrap(), vec![xz]);
    assert!(store.units_keeping_reception_months("2026-12").await.unwrap().is_empty(), "only months before");
    assert!(store.reception_months(xs, "2026-12").await.unwrap().is_empty());
    let notice = huiyin_store::Notice {
        user_id: chen.id,
        case_id: None,
        kind: "reception_unpublished".into(),
        message: "未公示".into(),
    };
    let subject = format!("{xz}:2027-01");
    assert!(store.tell_once("reception_unpublished", &subject, std::slice::from_ref(&notice), at).await.unwrap());
    assert!(!store.tell_once("reception_unpublished", &subject, &[notice], at).await.unwrap(), "once");
    let told = store.notifications(chen.id, &huiyin_store::Blindness::default(), 10).await.unwrap();
    assert_eq!(told.iter().filter(|n| n.kind == "reception_unpublished").count(), 1);
}
conformance!(twn_9_reception_months_are_versioned_and_told_once, twn_9_reception_months_are_versioned_and_told_once);

/// TWN-13: a screening is begun once, rewritten only naming the version read, signed once, then
/// fixed but for its matters' resolution; the units with staff before a day are known; a
/// petitioner with three cases in the window is frequent, one with two is not, and a case that
/// accuses the reader's unit is not counted for them (GEN-7).
async fn twn_13_screenings_are_written_by_version_and_frequent_petitioners_counted(store: &dyn Store) {
    use huiyin_core::screening::{MatterKind, ScreenedMatter};
    let (_, xz, xs, _) = tree(store).await;
    let clerk = user(store, "clerk", "XS", Role::Officer).await;
    let lead = user(store, "xslead", "XS", Role::Leader).await;
    let at = Utc::now();
    let matter = |subject: &str| ScreenedMatter {
        kind: MatterKind::Frequent,
        subject: subject.into(),
        cases: vec![(1, "XS-2026-000001".into())],
        accused_units: Vec::new(),
        accused_users: Vec::new(),
        responsible: lead.id,
        measures: "约谈".into(),
        due: "2026-12-31".parse().unwrap(),
        resolved_on: None,
        resolution: None,
        resolved_by: None,
    };
    let v1 = store.save_screening(xs, "2026-11", None, &[matter("甲")], None, clerk.id, at).await.unwrap();
    assert_eq!(v1, 1);
    let begun_twice = store.save_screening(xs, "2026-11", None, &[], None, clerk.id, at).await;
    assert!(matches!(begun_twice, Err(StoreError::Conflict)), "{begun_twice:?}");
    let v2 = store.save_screening(xs, "2026-11", Some("摘要"), &[matter("乙")], Some(v1), clerk.id, at).await.unwrap();
    assert_eq!(v2, 2);
    let stale = store.save_screening(xs, "2026-11", None, &[], Some(v1), clerk.id, at).await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "written since: {stale:?}");
    let record = store.screening(xs, "2026-11").await.unwrap().unwrap();
    assert_eq!((record.summary.as_deref(), record.matters[0].subject.as_str()), (Some("摘要"), "乙"));
    assert!(!store.sign_screening(record.id, v1, lead.id, at, false).await.unwrap(), "an old version");
    assert!(store.sign_screening(record.id, v2, lead.id, at, true).await.unwrap());
    assert!(!store.sign_screening(record.id, v2 + 1, lead.id, at, true).await.unwrap(), "once");
    let fixed = store.save_screening(xs, "2026-11", None, &[], Some(v2 + 1), clerk.id, at).await;
    assert!(matches!(fixed, Err(StoreError::Conflict)), "signed is fixed: {fixed:?}");
    let mut resolved = vec![matter("乙")];
    resolved[0].resolution = Some("已化解".into());
    assert!(store.resolve_screening_matters(record.id, v2 + 1, &resolved).await.unwrap());
    assert!(!store.resolve_screening_matters(record.id, v2 + 1, &resolved).await.unwrap(), "written since");
    let signed = store.signed_screenings_since("2026-10").await.unwrap();
    assert_eq!((signed.len(), signed[0].late, signed[0].matters[0].resolution.as_deref()), (1, true, Some("已化解")));
    assert_eq!(store.screenings_of_month(&[xz, xs], "2026-11").await.unwrap().len(), 1);
    assert!(store.signed_screenings_since("2026-12").await.unwrap().is_empty());
    let staffed = store.units_staffed_before(at + chrono::Duration::seconds(5)).await.unwrap();
    assert_eq!(staffed, vec![xs]);
    assert!(store.units_staffed_before(at - chrono::Duration::days(1)).await.unwrap().is_empty());

    // Three visits of one petitioner (one accusing 西镇) and two of another.
    let mut cases = Vec::new();
    for (day, name) in [("2026-10-20", "王秀英"), ("2026-11-05", "王秀英"), ("2026-11-19", "王秀英")] {
        let mut reg = registration("XS", "工地欠薪。", &format!("{day}T09:00:00+08:00"), name);
        reg.petitioner.id = None;
        cases.push(new_case(reg, &clerk));
    }
    for day in ["2026-11-10", "2026-11-24"] {
        cases.push(new_case(registration("XS", "装修欠薪。", &format!("{day}T09:00:00+08:00"), "李建国"), &clerk));
    }
    cases[2].registration.accused = Some(huiyin_core::case::Accused { name: None, unit: Some(code("XZ")), user: None });
    store.register_cases(&cases).await.unwrap();
    let (start, end): (DateTime<Utc>, DateTime<Utc>) =
        ("2026-09-01T16:00:00Z".parse().unwrap(), "2026-11-30T16:00:00Z".parse().unwrap());
    let frequent = store.frequent_petitioners(&[xs], &Blindness::default(), start, end, 3).await.unwrap();
    assert_eq!(frequent.len(), 1, "{frequent:?}");
    assert_eq!((frequent[0].name.as_deref(), frequent[0].cases.len()), (Some("王秀英"), 3));
    let blind = Blindness { units: vec![xz], users: Vec::new(), cases: Vec::new() };
    assert!(store.frequent_petitioners(&[xs], &blind, start, end, 3).await.unwrap().is_empty(), "GEN-7");
    assert!(store.frequent_petitioners(&[xz], &Blindness::default(), start, end, 3).await.unwrap().is_empty());
}
conformance!(
    twn_13_screenings_are_written_by_version_and_frequent_petitioners_counted,
    twn_13_screenings_are_written_by_version_and_frequent_petitioners_counted
);

/// TWN-10: a reception session is recorded with its leaders and read back by unit and month with
/// its visits counted; a visit registered in it is found by the session filter of the case list.
async fn twn_10_sessions_hold_their_visits(store: &dyn Store) {
    use huiyin_core::reception::ArrangedLeader;
    use huiyin_core::reception_session::{SessionKind, SessionRef};
    use huiyin_store::NewSession;
    let (_, xz, xs, _) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let session = NewSession {
        unit_id: xs,
        kind: SessionKind::Appointment,
        day: "2026-11-20".parse().unwrap(),
        starts: Some("09:00".into()),
        ends: None,
        place: "西山社区党群服务中心".into(),
        leaders: vec![ArrangedLeader {
            username: "lizhen".into(),
            name: "李振".into(),
            title: "副镇长".into(),
            rank: "副科级".into(),
        }],
        key_petitioner: Some("张某".into()),
        key_reason: Some("多次越级上访".into()),
        note: None,
        created_by: wang.id,
        // Whole seconds: PostgreSQL keeps microseconds.
        created_at: "2026-11-20T02:00:00Z".parse().unwrap(),
    };
    let id = store.add_reception_session(&session).await.unwrap();
    let mut reg = registration("XS", "拖欠工资", "2026-11-20", "王秀英");
    reg.session = Some(SessionRef { id, kind: SessionKind::Appointment, leaders: vec!["lizhen".into()] });
    let case = store.register_cases(&[new_case(reg, &wang)]).await.unwrap()[0];
    store.register_cases(&[new_case(registration("XS", "另一件", "2026-11-20", "李四"), &wang)]).await.unwrap();
    let got = store.reception_session(id).await.unwrap().unwrap();
    assert_eq!((got.session.clone(), got.visits), (session, 1));
    let month = |units: &[i64]| {
        let units = units.to_vec();
        async move {
            store
                .reception_sessions(&units, "2026-11-01".parse().unwrap(), "2026-12-01".parse().unwrap())
                .await
                .unwrap()
        }
    };
    assert_eq!(month(&[xs, xz]).await.len(), 1);
    assert!(month(&[xz]).await.is_empty());
    assert!(store.reception_session(id + 1).await.unwrap().is_none());
    let listed = store
        .list_cases(&CaseQuery { scope: vec![xs], session: Some(id), page: 1, per_page: 20, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(listed.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![case]);
    let file = store.case_file(case).await.unwrap().unwrap();
    assert_eq!(file.registration.session.map(|s| s.id), Some(id), "the registration keeps its session");
}
conformance!(twn_10_sessions_hold_their_visits, twn_10_sessions_hold_their_visits);

/// SCH-8: the register of refused offers: recorded, read by units, year and person, reviewed once.
async fn sch_8_refused_offers_are_registered_and_reviewed_once(store: &dyn Store) {
    use huiyin_core::gift::GiftKind;
    use huiyin_store::NewGift;
    let (_, xz, xs, _) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let gift = |who: &User, unit: i64, on: &str, kind: GiftKind| NewGift {
        unit_id: unit,
        user_id: who.id,
        kind,
        offered_by: "某公司".into(),
        what: "购物卡".into(),
        offered_on: day(on),
        value_yuan: Some(500),
        handling: "已退还".into(),
        case_id: None,
        recorded_at: Utc::now(),
    };
    let a = store.add_gift(&gift(&wang, xs, "2026-03-01", GiftKind::Gift)).await.unwrap();
    let b = store.add_gift(&gift(&chen, xz, "2026-11-01", GiftKind::Banquet)).await.unwrap();
    store.add_gift(&gift(&wang, xs, "2025-12-31", GiftKind::Favour)).await.unwrap();
    let year = (day("2026-01-01"), day("2027-01-01"));
    let ids = |g: Vec<huiyin_store::GiftRecord>| g.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(store.gifts(&[xs, xz], year.0, year.1, None).await.unwrap()), vec![b, a], "newest first");
    assert_eq!(ids(store.gifts(&[xs], year.0, year.1, None).await.unwrap()), vec![a]);
    assert_eq!(ids(store.gifts(&[xs, xz], year.0, year.1, Some(chen.id)).await.unwrap()), vec![b]);
    assert!(store.gifts(&[], year.0, year.1, None).await.unwrap().is_empty());
    let got = store.gift(a).await.unwrap().unwrap();
    assert_eq!(
        (got.gift.kind, got.gift.offered_on, got.gift.value_yuan),
        (GiftKind::Gift, day("2026-03-01"), Some(500))
    );
    assert!(store.review_gift(a, chen.id, Utc::now(), Some("已核实")).await.unwrap());
    assert!(!store.review_gift(a, chen.id, Utc::now(), None).await.unwrap(), "once");
    let got = store.gift(a).await.unwrap().unwrap();
    assert_eq!((got.reviewed_by, got.review_note.as_deref()), (Some(chen.id), Some("已核实")));
    assert!(store.gift(a + 1000).await.unwrap().is_none());
}
conformance!(
    sch_8_refused_offers_are_registered_and_reviewed_once,
    sch_8_refused_offers_are_registered_and_reviewed_once
);

/// FED-14: sessions with their attendees, by unit and year and by person; each one's standing.
async fn fed_14_training_sessions_and_standing(store: &dyn Store) {
    use huiyin_store::NewTraining;
    let (_, xz, xs, _) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let liu = user(store, "liu", "XS", Role::Officer).await;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let session = |unit: i64, on: &str| NewTraining {
        unit_id: unit,
        held_on: day(on),
        topic: "条例解读".into(),
        tenths: 25,
        trainer: "李科长".into(),
        material: None,
        recorded_by: chen.id,
        recorded_at: Utc::now(),
    };
    let a = store.add_training(&session(xz, "2026-03-01"), &[wang.id, chen.id]).await.unwrap();
    let b = store.add_training(&session(xs, "2026-09-01"), &[wang.id, wang.id]).await.unwrap();
    store.add_training(&session(xs, "2025-09-01"), &[chen.id]).await.unwrap();
    let year = (day("2026-01-01"), day("2027-01-01"));
    let held = store.trainings(&[xz, xs], year.0, year.1).await.unwrap();
    assert_eq!(held.iter().map(|t| t.id).collect::<Vec<_>>(), vec![b, a], "newest first");
    let mut both = vec![wang.id, chen.id];
    both.sort_unstable();
    assert_eq!(held[1].attendees, both);
    assert_eq!(held[0].attendees, vec![wang.id], "once each");
    assert_eq!((held[0].training.tenths, held[0].training.held_on), (25, day("2026-09-01")));
    assert!(store.trainings(&[xz], day("2027-01-01"), day("2028-01-01")).await.unwrap().is_empty());
    assert_eq!(store.trainings_of(wang.id).await.unwrap().iter().map(|t| t.id).collect::<Vec<_>>(), vec![b, a]);
    let standing = store.training_standing(&[liu.id, wang.id, chen.id]).await.unwrap();
    let last: Vec<(i64, Option<chrono::NaiveDate>)> = standing.iter().map(|s| (s.user_id, s.last)).collect();
    assert_eq!(last, vec![(liu.id, None), (wang.id, Some(day("2026-09-01"))), (chen.id, Some(day("2026-03-01")))]);
    assert!(store.training_standing(&[]).await.unwrap().is_empty());
}
conformance!(fed_14_training_sessions_and_standing, fed_14_training_sessions_and_standing);

/// FED-12, CDR-5: complaints by unit and by person, concluded once.
async fn fed_12_complaints_are_recorded_and_concluded_once(store: &dyn Store) {
    use huiyin_core::complaint::{ComplaintKind, ComplaintSource, Finding};
    use huiyin_store::NewComplaint;
    let (_, xz, xs, _) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let complaint = |unit: i64, staff: Option<i64>, kind: ComplaintKind| NewComplaint {
        unit_id: unit,
        staff_id: staff,
        kind,
        source: ComplaintSource::Phone,
        account: "态度不好".into(),
        occurred_on: day("2026-11-30"),
        complainant: Some("张三".into()),
        phone: None,
        received_by: chen.id,
        received_at: Utc::now(),
        due_on: day("2026-12-31"),
        rota_user_id: staff.filter(|_| kind == ComplaintKind::Absence),
        case_id: None,
        staff_named: None,
        query_code_hash: None,
    };
    let a = store.add_complaint(&complaint(xs, Some(wang.id), ComplaintKind::Absence)).await.unwrap();
    let b = store.add_complaint(&complaint(xz, None, ComplaintKind::Rudeness)).await.unwrap();
    let ids = |c: Vec<huiyin_store::ComplaintRecord>| c.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(store.complaints(&[xs, xz]).await.unwrap()), vec![b, a], "newest first");
    assert_eq!(ids(store.complaints(&[xs]).await.unwrap()), vec![a]);
    assert!(store.complaints(&[]).await.unwrap().is_empty());
    assert_eq!(ids(store.complaints_about(wang.id).await.unwrap()), vec![a]);
    let got = store.complaint(a).await.unwrap().unwrap();
    assert_eq!((got.complaint.rota_user_id, got.finding), (Some(wang.id), None));
    let conclusion = (Finding::PartlyFounded, "部分属实", Some("批评教育"));
    assert!(store.conclude_complaint(a, chen.id, Utc::now(), conclusion).await.unwrap());
    assert!(!store.conclude_complaint(a, chen.id, Utc::now(), (Finding::Unfounded, "x", None)).await.unwrap(), "once");
    let got = store.complaint(a).await.unwrap().unwrap();
    assert_eq!((got.finding, got.measure.as_deref()), (Some(Finding::PartlyFounded), Some("批评教育")));
    assert!(got.concluded_at.is_some());

    // A public form's key files one complaint, however often it is sent; its sealed code kept.
    let online = NewComplaint {
        source: ComplaintSource::Online,
        staff_named: Some("王某".into()),
        query_code_hash: Some("hash".into()),
        ..complaint(xs, None, ComplaintKind::Rudeness)
    };
    let c = store.add_submitted_complaint(&online, "key1", "sealed").await.unwrap().expect("filed");
    assert_eq!(store.add_submitted_complaint(&online, "key1", "other").await.unwrap(), None, "once per key");
    let (got, sealed) = store.submitted_complaint("key1").await.unwrap().unwrap();
    assert_eq!((got.id, sealed.as_str()), (c, "sealed"));
    assert_eq!(
        (got.complaint.staff_named.as_deref(), got.complaint.query_code_hash.as_deref()),
        (Some("王某"), Some("hash"))
    );
    assert!(store.submitted_complaint("key2").await.unwrap().is_none());
    assert_eq!(ids(store.complaints(&[xs]).await.unwrap()), vec![c, a], "staff complaints take no key");
}
conformance!(fed_12_complaints_are_recorded_and_concluded_once, fed_12_complaints_are_recorded_and_concluded_once);

/// FED-12, FED-14: what supervision tells once is written once per kind and subject.
async fn supervision_tells_once(store: &dyn Store) {
    tree(store).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let notice = |m: &str| huiyin_store::Notice {
        user_id: chen.id,
        case_id: None,
        kind: "complaint_overdue".into(),
        message: m.into(),
    };
    assert!(store.tell_once("complaint_overdue", "7", &[notice("first")], Utc::now()).await.unwrap());
    assert!(!store.tell_once("complaint_overdue", "7", &[notice("again")], Utc::now()).await.unwrap(), "once");
    assert!(store.tell_once("training_due", "7", &[notice("other kind")], Utc::now()).await.unwrap());
    let told = store.notifications(chen.id, &Blindness::default(), 10).await.unwrap();
    let messages: Vec<&str> = told.iter().map(|n| n.message.as_str()).collect();
    assert!(
        messages.contains(&"first") && !messages.contains(&"again") && messages.contains(&"other kind"),
        "{messages:?}"
    );
}
conformance!(supervision_tells_once, supervision_tells_once);

/// TWN-8: a unit's register of key petitioners, those on it first; taken off once, kept.
async fn twn_8_key_petitioners_are_registered_and_taken_off_once(store: &dyn Store) {
    use huiyin_store::NewKeyPetitioner;
    let (_, xz, xs, _) = tree(store).await;
    let chen = user(store, "chen", "XZ", Role::Supervisor).await;
    let person = |unit: i64, name: &str| NewKeyPetitioner {
        unit_id: unit,
        name: name.into(),
        id_number: Some("11010519491231002X".into()),
        phone: None,
        reason: "多次越级上访".into(),
        added_by: chen.id,
        added_at: Utc::now(),
    };
    let a = store.add_key_petitioner(&person(xz, "张某")).await.unwrap();
    let b = store.add_key_petitioner(&person(xs, "李某")).await.unwrap();
    let ids = |r: Vec<huiyin_store::KeyPetitionerRecord>| r.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(store.key_petitioners(&[xz, xs]).await.unwrap()), vec![b, a], "newest first");
    assert_eq!(ids(store.key_petitioners(&[xs]).await.unwrap()), vec![b]);
    assert!(store.key_petitioners(&[]).await.unwrap().is_empty());
    assert!(store.remove_key_petitioner(b, chen.id, Utc::now(), "问题已化解").await.unwrap());
    assert!(!store.remove_key_petitioner(b, chen.id, Utc::now(), "again").await.unwrap(), "once");
    assert_eq!(ids(store.key_petitioners(&[xz, xs]).await.unwrap()), vec![a, b], "those on the register first");
    let got = store.key_petitioner(b).await.unwrap().unwrap();
    assert_eq!((got.person.name.as_str(), got.removed_reason.as_deref()), ("李某", Some("问题已化解")));
    assert_eq!(got.person.id_number.as_deref(), Some("11010519491231002X"));
    assert!(store.key_petitioner(9999).await.unwrap().is_none());
}
conformance!(
    twn_8_key_petitioners_are_registered_and_taken_off_once,
    twn_8_key_petitioners_are_registered_and_taken_off_once
);

/// DEM-3 … DEM-5: a meeting keeps the rules it was called under; its attendance is recorded once;
/// one decision per agenda item; a community's meetings are read by date.
async fn dem_3_meetings_attendance_and_decisions_are_kept(store: &dyn Store) {
    use huiyin_core::community_body::{BodyKind, BodyRules, Share};
    use huiyin_core::meeting::ConvenedBy;
    use huiyin_store::{Attendance, NewDecision, NewMeeting, StoreError};
    let (_, _, xs, _) = tree(store).await;
    let admin = user(store, "xsadmin", "XS", Role::Admin).await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let rules = BodyRules { quorum: Share::TwoThirds, ..BodyKind::Council.default_rules() };
    let meeting = |on: &str| NewMeeting {
        unit_id: xs,
        body: BodyKind::Council,
        day: day(on),
        starts: chrono::NaiveTime::from_hms_opt(19, 0, 0),
        place: "议事厅".into(),
        agenda: vec!["加装电梯".into(), "停车".into()],
        convened_by: ConvenedBy::Chair,
        signers: vec![],
        rules,
        matters: vec![],
        created_by: admin.id,
        created_at: Utc::now(),
    };
    let later = store.add_meeting(&meeting("2026-12-20")).await.unwrap();
    let earlier = store.add_meeting(&meeting("2026-10-08")).await.unwrap();
    let got = store.meeting(later).await.unwrap().unwrap();
    assert_eq!((got.meeting.rules, got.meeting.agenda.len(), got.attendance), (rules, 2, None));
    let ids: Vec<i64> =
        store.meetings(xs, day("2026-01-01"), day("2027-01-01")).await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![earlier, later], "by day");
    assert!(store.meetings(xs, day("2026-11-01"), day("2026-12-01")).await.unwrap().is_empty());
    let attendance =
        Attendance { present: vec![1, 2], sitting: 3, quorate: true, recorded_by: admin.id, recorded_at: Utc::now() };
    assert!(store.record_attendance(later, &attendance).await.unwrap());
    assert!(!store.record_attendance(later, &attendance).await.unwrap(), "once");
    assert_eq!(
        store.meeting(later).await.unwrap().unwrap().attendance.map(|a| (a.present, a.quorate)),
        Some((vec![1, 2], true))
    );
    let decision = |item: i32| NewDecision {
        meeting_id: later,
        item,
        text: "同意".into(),
        votes_for: 2,
        votes_against: 0,
        abstentions: 0,
        passed: true,
        recorded_by: admin.id,
        recorded_at: Utc::now(),
    };
    store.add_decision(&decision(1)).await.unwrap();
    store.add_decision(&decision(0)).await.unwrap();
    assert!(matches!(store.add_decision(&decision(0)).await, Err(StoreError::Duplicate(_))), "one per item");
    let items: Vec<i32> = store.decisions(later).await.unwrap().iter().map(|d| d.decision.item).collect();
    assert_eq!(items, vec![0, 1]);
}
conformance!(dem_3_meetings_attendance_and_decisions_are_kept, dem_3_meetings_attendance_and_decisions_are_kept);

/// DEM ¶4: matters raised for the council or the congress wait until a meeting puts them on its
/// agenda, in the same transaction as it is called (a matter taken meanwhile refuses the whole
/// meeting); a case waits for one body once at a time; a charter's version keeps its decision.
async fn dem_4_matters_wait_for_a_meeting_and_are_placed_once(store: &dyn Store) {
    use huiyin_core::community_body::BodyKind;
    use huiyin_core::meeting::{ConvenedBy, MatterSource};
    use huiyin_store::{NewMatter, NewMeeting, StoreError};
    let (_, _, xs, _) = tree(store).await;
    let admin = user(store, "xsadmin", "XS", Role::Admin).await;
    let case_id =
        store.register_cases(&[new_case(registration("XS", "3号楼电梯", "2026-11-20", "张三"), &admin)]).await.unwrap()
            [0];
    let matter = |source: MatterSource, case_id: Option<i64>, body: BodyKind| NewMatter {
        unit_id: xs,
        body,
        subject: "3号楼加装电梯".into(),
        reason: "需议事协商会议定".into(),
        source,
        raised_by_name: (source == MatterSource::Resident).then(|| "李四".into()),
        case_id,
        raised_by: admin.id,
        raised_at: Utc::now(),
    };
    let referred = store.add_matter(&matter(MatterSource::Case, Some(case_id), BodyKind::Council)).await.unwrap();
    let again = store.add_matter(&matter(MatterSource::Case, Some(case_id), BodyKind::Council)).await;
    assert!(matches!(again, Err(StoreError::Duplicate("case"))), "one referral waiting per body: {again:?}");
    let raised = store.add_matter(&matter(MatterSource::Resident, None, BodyKind::Council)).await.unwrap();
    let congress = store.add_matter(&matter(MatterSource::Committee, None, BodyKind::Congress)).await.unwrap();
    let meeting = |matters: Vec<i64>| NewMeeting {
        unit_id: xs,
        body: BodyKind::Council,
        day: chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        starts: None,
        place: "议事厅".into(),
        agenda: vec!["停车".into(), "3号楼加装电梯".into(), "3号楼加装电梯".into()],
        convened_by: ConvenedBy::Chair,
        signers: vec![],
        rules: BodyKind::Council.default_rules(),
        matters,
        created_by: admin.id,
        created_at: Utc::now(),
    };
    let wrong_body = store.add_meeting(&meeting(vec![referred, congress])).await;
    assert!(matches!(wrong_body, Err(StoreError::Conflict)), "{wrong_body:?}");
    assert!(store.matter(referred).await.unwrap().unwrap().placed.is_none(), "nothing written");
    let held = store.add_meeting(&meeting(vec![referred, raised])).await.unwrap();
    let placed: Vec<(i64, Option<(i64, i32)>)> =
        store.meeting_matters(held).await.unwrap().into_iter().map(|m| (m.id, m.placed)).collect();
    assert_eq!(placed, vec![(referred, Some((held, 1))), (raised, Some((held, 2)))], "after the typed item");
    let twice = store.add_meeting(&meeting(vec![raised])).await;
    assert!(matches!(twice, Err(StoreError::Conflict)), "placed once");
    let thin = huiyin_store::Attendance {
        present: vec![1],
        sitting: 3,
        quorate: false,
        recorded_by: admin.id,
        recorded_at: Utc::now(),
    };
    assert!(store.record_attendance(held, &thin).await.unwrap());
    let next = store.add_meeting(&meeting(vec![raised])).await.unwrap();
    assert_eq!(
        store.matter(raised).await.unwrap().unwrap().placed,
        Some((next, 2)),
        "held without a quorum: taken again"
    );
    let ours = store.case_matters(case_id).await.unwrap();
    assert_eq!((ours.len(), ours[0].matter.source, ours[0].matter.case_id), (1, MatterSource::Case, Some(case_id)));
    let waiting: Vec<i64> = store.matters(xs, 10).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(waiting[0], congress, "those waiting first: {waiting:?}");
    assert_eq!(store.matter(raised).await.unwrap().unwrap().matter.raised_by_name.as_deref(), Some("李四"));
    assert!(
        store.add_matter(&matter(MatterSource::Case, Some(case_id), BodyKind::Council)).await.is_ok(),
        "again once placed"
    );
}
conformance!(
    dem_4_matters_wait_for_a_meeting_and_are_placed_once,
    dem_4_matters_wait_for_a_meeting_and_are_placed_once
);

/// DEM-1, DEM-2: a community's charter is adopted with its first version and amended version by
/// version (an amendment made to a version no longer the latest is a conflict, a second charter a
/// duplicate); a body's own rules replace the defaults; one chair sits at a time, and a member
/// who leaves keeps their line.
async fn dem_1_dem_2_charters_and_bodies_are_kept(store: &dyn Store) {
    use huiyin_core::charter::CharterKind;
    use huiyin_core::community_body::{BodyKind, BodyRules, MemberRole, Share};
    use huiyin_store::{NewBodyMember, NewCharter, NewCharterVersion, StoreError};
    let (_, _, xs, _) = tree(store).await;
    let admin = user(store, "xsadmin", "XS", Role::Admin).await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let version = |text: &str, on: &str| NewCharterVersion {
        text: text.into(),
        adopted_on: day(on),
        adopted_by: "居民代表大会决定".into(),
        decision_id: None,
        note: None,
        recorded_by: admin.id,
        recorded_at: Utc::now(),
    };
    let charter =
        NewCharter { unit_id: xs, kind: CharterKind::Charter, title: "西山社区居民自治章程".into() };
    let id = store.add_charter(&charter, &version("第一条", "2026-01-05")).await.unwrap();
    assert!(matches!(
        store.add_charter(&charter, &version("又一部", "2026-01-05")).await,
        Err(StoreError::Duplicate(_))
    ));
    let convention = NewCharter { unit_id: xs, kind: CharterKind::Convention, title: "文明养犬公约".into() };
    let other = store.add_charter(&convention, &version("第一条", "2026-02-01")).await.unwrap();
    let again = store.add_charter(&convention, &version("第一条", "2026-02-01")).await;
    assert!(matches!(again, Err(StoreError::Duplicate("title"))), "one document of a name: {again:?}");
    assert_eq!(store.amend_charter(id, 1, &version("第一条\n第二条", "2026-06-01")).await.unwrap(), 2);
    assert!(matches!(
        store.amend_charter(id, 1, &version("迟到的修正", "2026-06-02")).await,
        Err(StoreError::Conflict)
    ));
    let listed: Vec<(i64, i32)> = store.charters(xs).await.unwrap().iter().map(|c| (c.id, c.latest)).collect();
    assert_eq!(listed, vec![(id, 2), (other, 1)], "the charter first");
    let versions = store.charter_versions(id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.text.text.as_str()).collect::<Vec<_>>(), ["第一条", "第一条\n第二条"]);
    assert_eq!(versions[1].text.adopted_on, day("2026-06-01"));
    assert!(store.charter(9999).await.unwrap().is_none());

    assert_eq!(store.body_rules(xs, BodyKind::Council).await.unwrap(), None);
    let rules =
        BodyRules { quorum: Share::TwoThirds, majority: Share::MoreThanHalf, notice_days: 5, convene_share: None };
    store.set_body_rules(xs, BodyKind::Council, &rules, Utc::now()).await.unwrap();
    let again = BodyRules { notice_days: 4, ..rules };
    store.set_body_rules(xs, BodyKind::Council, &again, Utc::now()).await.unwrap();
    assert_eq!(store.body_rules(xs, BodyKind::Council).await.unwrap(), Some(again));
    let member = |name: &str, role: MemberRole| NewBodyMember {
        unit_id: xs,
        body: BodyKind::Council,
        name: name.into(),
        role,
        represents: None,
        term_from: day("2024-01-01"),
        term_to: None,
        added_by: admin.id,
        added_at: Utc::now(),
    };
    let chair = store.add_body_member(&member("刘主任", MemberRole::Chair)).await.unwrap();
    assert!(matches!(
        store.add_body_member(&member("另一主任", MemberRole::Chair)).await,
        Err(StoreError::Duplicate(_))
    ));
    store.add_body_member(&member("周代表", MemberRole::Representative)).await.unwrap();
    assert!(store.end_body_member(chair, day("2026-06-30"), "任期届满").await.unwrap());
    assert!(!store.end_body_member(chair, day("2026-07-01"), "again").await.unwrap(), "once");
    let next = store.add_body_member(&member("新主任", MemberRole::Chair)).await.unwrap();
    let members = store.body_members(xs).await.unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.member.name.as_str()).collect();
    assert_eq!(names, ["新主任", "周代表", "刘主任"], "sitting first, the chair first");
    assert_eq!(store.body_member(chair).await.unwrap().unwrap().left_reason.as_deref(), Some("任期届满"));
    assert_eq!(store.body_member(next).await.unwrap().unwrap().member.role, MemberRole::Chair);
}
conformance!(dem_1_dem_2_charters_and_bodies_are_kept, dem_1_dem_2_charters_and_bodies_are_kept);

/// Issue 6: an online submission's key files one case, however often the form is sent; a claim
/// whose request died is taken over once stale, and a released claim can be made again.
async fn online_submission_keys_file_one_case(store: &dyn Store) {
    tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let now = Utc::now();
    let stale = now - Duration::minutes(5);
    assert_eq!(store.claim_submission("k1", now, stale).await.unwrap(), SubmissionClaim::Claimed);
    assert_eq!(store.claim_submission("k1", now, stale).await.unwrap(), SubmissionClaim::Pending);
    let id =
        store.register_cases(&[new_case(registration("XS", "路灯", "2026-10-01", "王五"), &officer)]).await.unwrap()[0];
    store.finish_submission("k1", id, "12345678").await.unwrap();
    match store.claim_submission("k1", now + Duration::minutes(30), now + Duration::minutes(25)).await.unwrap() {
        SubmissionClaim::Filed { case_id, sealed_code, claimed_at } => {
            assert_eq!(case_id, id);
            assert_eq!(sealed_code.as_deref(), Some("12345678"));
            assert_eq!(claimed_at.timestamp(), now.timestamp());
        }
        other => panic!("expected the filed case, got {other:?}"),
    }
    // A claim whose request died is taken over once stale; a released one may be claimed again.
    assert_eq!(
        store.claim_submission("k2", stale - Duration::minutes(1), stale).await.unwrap(),
        SubmissionClaim::Claimed
    );
    assert_eq!(store.claim_submission("k2", now, stale).await.unwrap(), SubmissionClaim::Claimed);
    store.release_submission("k2").await.unwrap();
    assert_eq!(store.claim_submission("k2", now, stale).await.unwrap(), SubmissionClaim::Claimed);
    // Releasing never forgets a filed case.
    store.release_submission("k1").await.unwrap();
    assert!(matches!(store.claim_submission("k1", now, stale).await.unwrap(), SubmissionClaim::Filed { .. }));
}
conformance!(online_submission_keys_file_one_case, online_submission_keys_file_one_case);

/// COM-3: what a unit tells the public is kept, and replaced as a whole.
async fn com_3_unit_public_information_is_kept(store: &dyn Store) {
    let (_, _, xs, cl) = tree(store).await;
    assert!(store.unit_public_info(xs).await.unwrap().is_none());
    let mut info = UnitPublicInfo {
        hotline: "0571-8888 1234".into(),
        address: "西山社区向阳街 1 号".into(),
        office_hours: "1-5 10:00-12:30,16:00-18:00".into(),
        procedure: "来访请带身份证。".into(),
    };
    store.set_unit_public_info(xs, &info, Utc::now()).await.unwrap();
    info.hotline = "0571-8888 4321".into();
    store.set_unit_public_info(xs, &info, Utc::now()).await.unwrap();
    assert_eq!(store.unit_public_info(xs).await.unwrap(), Some(info));
    assert!(store.unit_public_info(cl).await.unwrap().is_none());
}
conformance!(com_3_unit_public_information_is_kept, com_3_unit_public_information_is_kept);

/// Issue 22: what a unit calls things (its roles, its letters, the classes it offers first) is
/// kept per unit, replaced as a whole, and read back as written.
async fn unit_terms_are_kept_per_unit(store: &dyn Store) {
    let (_, _, xs, cl) = tree(store).await;
    assert!(store.unit_terms(xs).await.unwrap().is_none());
    let mut terms = huiyin_core::preset::shipped("federation").unwrap().terms();
    store.set_unit_terms(xs, &terms, Utc::now()).await.unwrap();
    terms.roles.insert("officer".into(), "信访专干 😀".into());
    terms.first_classes.clear();
    store.set_unit_terms(xs, &terms, Utc::now()).await.unwrap();
    assert_eq!(store.unit_terms(xs).await.unwrap(), Some(terms));
    assert!(store.unit_terms(cl).await.unwrap().is_none());
}
conformance!(unit_terms_are_kept_per_unit, unit_terms_are_kept_per_unit);

/// TWN-2: a unit's territory is kept per unit, replaced as a whole, and listed for routing.
async fn twn_2_unit_territories_are_kept_per_unit(store: &dyn Store) {
    let (_, xz, xs, _) = tree(store).await;
    assert!(store.unit_territory(xs).await.unwrap().is_none());
    let draft = huiyin_core::territory::TerritoryDraft {
        places: Some(vec!["西山社区".into(), "幸福小区 😀".into()]),
        address_prefixes: Some(vec!["西镇西山路".into()]),
        polygon: Some(vec![[43.0, 125.0], [43.0, 126.0], [44.0, 125.5]]),
    };
    let territory = draft.parse().unwrap();
    store.set_unit_territory(xs, &territory, Utc::now()).await.unwrap();
    let town = huiyin_core::territory::TerritoryDraft { places: Some(vec!["西镇".into()]), ..Default::default() };
    store.set_unit_territory(xz, &town.parse().unwrap(), Utc::now()).await.unwrap();
    let smaller =
        huiyin_core::territory::TerritoryDraft { places: Some(vec!["西山社区".into()]), ..Default::default() };
    let smaller = smaller.parse().unwrap();
    store.set_unit_territory(xs, &smaller, Utc::now()).await.unwrap();
    assert_eq!(store.unit_territory(xs).await.unwrap(), Some(smaller.clone()));
    let all = store.unit_territories().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.contains(&(xs, smaller)));
}
conformance!(twn_2_unit_territories_are_kept_per_unit, twn_2_unit_territories_are_kept_per_unit);

/// FED-9: a policy is kept with its numbered articles, read back in order, listed with its count;
/// a shipped one is added once.
async fn fed_9_policies_are_kept_with_their_articles(store: &dyn Store) {
    let (_, xz, _, _) = tree(store).await;
    let shipped = huiyin_core::policy::PolicyDraft {
        title: Some("信访工作条例".into()),
        issuer: Some("中共中央、国务院".into()),
        issued_on: Some("2022-02-25".into()),
        source: Some("新华社 😀".into()),
        text: Some(include_str!("../../../data/policies/xinfang-gongzuo-tiaoli.txt").into()),
    }
    .parse()
    .unwrap();
    let first = store.add_policy(&shipped, Some("xinfang"), None, None, Utc::now()).await.unwrap();
    let again = store.add_policy(&shipped, Some("xinfang"), None, None, Utc::now()).await.unwrap();
    assert_eq!(first, again, "a shipped policy is added once");
    let local = huiyin_core::policy::PolicyDraft {
        title: Some("西镇困难群众救助办法".into()),
        issuer: Some("西镇人民政府".into()),
        text: Some("第一条 救助对象。\n第二条 救助标准。".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let id = store.add_policy(&local, None, Some(xz), None, Utc::now()).await.unwrap();
    let all = store.policies().await.unwrap();
    assert_eq!(all.len(), 2);
    let kept = all.iter().find(|p| p.id == first).unwrap();
    assert_eq!(
        (kept.articles, kept.shipped.as_deref(), kept.source.as_deref()),
        (21, Some("xinfang"), Some("新华社 😀"))
    );
    let (record, articles) = store.policy(id).await.unwrap().unwrap();
    assert_eq!((record.unit_id, record.issued_on), (Some(xz), None));
    assert_eq!(articles, local.articles);
    assert!(store.policy(id + 100).await.unwrap().is_none());
    let every = store.policy_articles().await.unwrap();
    assert_eq!(every.len(), 23);
    let opinion = every.iter().find(|a| a.policy_id == first && a.article.number == 32).unwrap();
    assert_eq!((opinion.title.as_str(), opinion.article.label.as_str()), ("信访工作条例", "第三十二条"));
    assert!(store.withdraw_policy(id, Utc::now()).await.unwrap());
    assert!(!store.withdraw_policy(id, Utc::now()).await.unwrap(), "once");
    assert_eq!(store.policies().await.unwrap().len(), 1, "a withdrawn policy is not listed");
    assert_eq!(store.policy_articles().await.unwrap().len(), 21, "nor searched or cited");
    assert!(store.policy(id).await.unwrap().unwrap().0.withdrawn_at.is_some(), "but still read");
}
conformance!(fed_9_policies_are_kept_with_their_articles, fed_9_policies_are_kept_with_their_articles);

/// CDR-4: a service request is kept as taken — done on the spot at once, or guided to a cadre who
/// records it done once — and listed by unit and time, newest first.
async fn cdr_4_service_requests_are_kept_and_done_once(store: &dyn Store) {
    let (_, _, xs, cl) = tree(store).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    let zhang = user(store, "zhang", "XS", Role::Handler).await;
    let at = |h: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 30, h, 0, 0).unwrap();
    let spot = NewServiceRequest {
        unit_id: xs,
        resident: Some("李大爷 😀".into()),
        matter: "开具居住证明".into(),
        received_by: wang.id,
        received_at: at(1),
        guided_to: None,
        result: Some("当场开具".into()),
    };
    let done_id = store.add_service_request(&spot).await.unwrap();
    let guided = NewServiceRequest {
        resident: None,
        guided_to: Some(zhang.id),
        result: None,
        received_at: at(2),
        ..spot.clone()
    };
    let open_id = store.add_service_request(&guided).await.unwrap();
    let done = store.service_request(done_id).await.unwrap().unwrap();
    assert_eq!((done.done_by, done.done_at), (Some(wang.id), Some(at(1))), "done on the spot by its receiver");
    assert!(!store.complete_service_request(done_id, zhang.id, at(3), "x").await.unwrap(), "done once");
    assert!(store.complete_service_request(open_id, zhang.id, at(3), "已办理低保年审").await.unwrap());
    assert!(!store.complete_service_request(open_id, zhang.id, at(4), "again").await.unwrap());
    let listed = store.service_requests(&[xs], at(0), at(5)).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [open_id, done_id]);
    assert_eq!(listed[0].request.result.as_deref(), Some("已办理低保年审"));
    assert!(store.service_requests(&[cl], at(0), at(5)).await.unwrap().is_empty());
    assert!(store.service_requests(&[xs], at(2), at(5)).await.unwrap().len() == 1, "from is inclusive");
    let waiting = NewServiceRequest { received_at: at(0) - chrono::Duration::days(90), ..guided.clone() };
    let waiting_id = store.add_service_request(&waiting).await.unwrap();
    let recent: Vec<i64> = store.service_requests(&[xs], at(0), at(5)).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(recent, [open_id, done_id, waiting_id], "one still waiting is listed however old");
    assert!(store.service_requests(&[], at(0), at(5)).await.unwrap().is_empty());
}
conformance!(cdr_4_service_requests_are_kept_and_done_once, cdr_4_service_requests_are_kept_and_done_once);

/// FED-3, FED-4: a unit's weekly reception schedule is kept Monday first and replaced as a whole.
async fn fed_3_the_reception_schedule_is_kept(store: &dyn Store) {
    use huiyin_core::unit::ReceptionDay;
    let (_, _, xs, cl) = tree(store).await;
    let day = |weekday: u8, leader: &str| ReceptionDay {
        weekday,
        leader: leader.into(),
        title: "社区党委书记".into(),
        credential: format!("XS-{weekday:03}"),
    };
    assert!(store.reception_schedule(xs).await.unwrap().is_empty());
    store.set_reception_schedule(xs, &[day(3, "李四"), day(1, "张三")], Utc::now()).await.unwrap();
    assert_eq!(store.reception_schedule(xs).await.unwrap(), [day(1, "张三"), day(3, "李四")]);
    store.set_reception_schedule(xs, &[day(5, "王五")], Utc::now()).await.unwrap();
    assert_eq!(store.reception_schedule(xs).await.unwrap(), [day(5, "王五")], "replaced as a whole");
    assert!(store.reception_schedule(cl).await.unwrap().is_empty());
}
conformance!(fed_3_the_reception_schedule_is_kept, fed_3_the_reception_schedule_is_kept);

/// GEN-9, COM-3: a unit's measures count the acceptance notices that came due, those given by their
/// due day in China time (a notice given at 01:00 the next morning is late, though still the due
/// day in UTC), and the ratings of the handling unit; cases outside the scope do not count.
async fn gen_9_unit_measures_count_notices_by_their_china_day_and_ratings(store: &dyn Store) {
    use huiyin_core::event::Rating;
    use huiyin_core::kpi::{DeadlineTally, RatingTally};
    use huiyin_core::limits::DeadlineKind;
    let (_, _, xs, _) = tree(store).await;
    let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let cases: Vec<NewCase> = ["甲", "乙", "丙"]
        .iter()
        .map(|n| new_case(registration("XS", "路灯不亮", "2026-10-01", n), &officer))
        .collect();
    let ids = store.register_cases(&cases).await.unwrap();
    let due = store
        .case_file(ids[0])
        .await
        .unwrap()
        .unwrap()
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::Notice)
        .unwrap()
        .due
        .date;
    let china = |day: chrono::NaiveDate, hour: u32| -> DateTime<Utc> {
        chrono::TimeZone::from_local_datetime(&huiyin_core::case::CHINA_OFFSET, &day.and_hms_opt(hour, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    // 甲: told at 23:00 on the due day, and satisfied; 乙: told at 01:00 the next day, dissatisfied;
    // 丙: not told yet.
    let steps = [
        (ids[0], china(due, 23), Rating::Satisfied),
        (ids[1], china(due.succ_opt().unwrap(), 1), Rating::Dissatisfied),
    ];
    for (id, at, rating) in steps {
        let file = store.case_file(id).await.unwrap().unwrap();
        let data = EventData::Rated { office: Rating::Satisfied, unit: rating, reason: None };
        let mut state: CaseState = file.state.clone();
        state.apply(&huiyin_core::event::Event {
            seq: 2,
            occurred_at: at,
            recorded_at: at,
            actor: "wang".into(),
            note: None,
            data: data.clone(),
        });
        let deadlines = file
            .deadlines
            .iter()
            .map(|d| {
                if d.kind == DeadlineKind::Notice {
                    huiyin_core::limits::Deadline { met_at: Some(at), ..*d }
                } else {
                    *d
                }
            })
            .collect();
        let event = NewEvent {
            occurred_at: at,
            recorded_at: at,
            actor_id: officer.id,
            note: None,
            data,
            state,
            new_query_code_hash: None,
            blobs: Vec::new(),
            deadlines,
            search_tokens: None,
        };
        store.append_event(id, 1, &event).await.unwrap();
    }
    let since = "2026-01-01".parse().unwrap();
    let later = due + Duration::days(10);
    let t = store.kpi_tallies(&[xs], &Blindness::default(), since, later, later).await.unwrap();
    assert_eq!(t.acceptance, DeadlineTally { on_time: 1, due: 3 }, "丙 came due untold");
    assert_eq!(t.closure, DeadlineTally::default());
    assert_eq!(t.ratings, RatingTally { satisfied: 1, basically_satisfied: 0, dissatisfied: 1 });
    assert_eq!(t.ratings_office, RatingTally { satisfied: 2, basically_satisfied: 0, dissatisfied: 0 }, "apart");
    assert_eq!((t.participation.rated, t.repeats.registered, t.repeats.repeats), (2, 3, 0));
    // The same counts apart by unit (the roll-up's): every step here was XS's.
    let units = store.kpi_tallies_by_unit(&[xs, dz], &Blindness::default(), since, later, later).await.unwrap();
    assert_eq!(units.iter().map(|u| u.unit_id).collect::<Vec<_>>(), vec![xs]);
    assert_eq!(units[0].tallies, t, "one unit holds them all");
    // Before the due day passes, an open notice is not yet counted.
    let t = store.kpi_tallies(&[xs], &Blindness::default(), since, later, due).await.unwrap();
    assert_eq!(t.acceptance, DeadlineTally { on_time: 1, due: 2 });
    // A notice counts in the period of the day it was settled: 乙's was given the day after.
    let t = store.kpi_tallies(&[xs], &Blindness::default(), since, due, later).await.unwrap();
    assert_eq!(t.acceptance, DeadlineTally { on_time: 1, due: 2 }, "甲 on the due day, 丙 untold");
    let t = store.kpi_tallies(&[xs], &Blindness::default(), due.succ_opt().unwrap(), later, later).await.unwrap();
    assert_eq!(t.acceptance, DeadlineTally { on_time: 0, due: 1 }, "乙, late");
    // Another unit's measures, and a period after, count none of these.
    assert_eq!(store.kpi_tallies(&[dz], &Blindness::default(), since, later, later).await.unwrap(), Default::default());
    let t = store.kpi_tallies(&[xs], &Blindness::default(), later, later, later).await.unwrap();
    assert_eq!((t.acceptance.due, t.ratings.satisfied, t.repeats.registered), (0, 0, 0));
    // No reply was sent: no rating window, no trail.
    assert!(store.reply_trail(&[xs], &Blindness::default(), since).await.unwrap().is_empty());
}
conformance!(
    gen_9_unit_measures_count_notices_by_their_china_day_and_ratings,
    gen_9_unit_measures_count_notices_by_their_china_day_and_ratings
);

/// The counts the measures' facts add to `scope`'s over `from..=to` as of `today`, worked from every
/// kept fact (the reference the kept tally is checked against).
async fn facts_counted(
    store: &dyn Store,
    scope: &[i64],
    blind: &[i64],
    (from, to, today): (chrono::NaiveDate, chrono::NaiveDate, chrono::NaiveDate),
) -> huiyin_core::kpi::KpiTallies {
    let mut t = huiyin_core::kpi::KpiTallies::default();
    for (case_id, fact, unit) in store.measure_facts().await.unwrap() {
        if fact.counts_in(from, to, today) && scope.contains(&unit) && !blind.contains(&case_id) {
            t.count(fact.kind, fact.outcome, 1);
        }
    }
    t
}

/// The kept tallies hold, by unit, month or day, kind and outcome, exactly the kept facts.
async fn assert_tally_matches_facts(store: &dyn Store) {
    for by_day in [false, true] {
        let mut expected: std::collections::BTreeMap<(i64, String, _, _), i64> = Default::default();
        for (_, fact, unit) in store.measure_facts().await.unwrap() {
            let period = if by_day { fact.day.to_string() } else { huiyin_core::measure_facts::month_of(fact.day) };
            *expected.entry((unit, period, fact.kind, fact.outcome)).or_default() += 1;
        }
        let kept: std::collections::BTreeMap<_, _> = store
            .measure_tally(by_day)
            .await
            .unwrap()
            .into_iter()
            .map(|r| ((r.unit_id, r.period, r.kind, r.outcome), r.n))
            .collect();
        assert_eq!(kept, expected, "by day: {by_day}");
    }
}

/// GEN-9 (docs/MEASURES.md, "Whose steps"): each step counts for the unit that took it — the notice
/// for the unit that gave it, the handling limit and the reply for the unit that replied, the
/// office's rating for the unit that registered the case, the handling unit's for the unit holding
/// it — and once for a unit above both. The kept tally, read by whole months and by days at a
/// period's ends, agrees with the facts for any period; a case the reader is blind to (GEN-7) is not
/// counted; a due day recounted moves its open deadline.
async fn gen_9_measures_count_each_step_for_the_unit_that_took_it(store: &dyn Store) {
    use huiyin_core::calendar::Limit;
    use huiyin_core::event::Rating;
    use huiyin_core::kpi::{DeadlineTally, RatingTally};
    use huiyin_core::limits::{Deadline, DeadlineKind};
    let (qx, _, xs, _) = tree(store).await;
    let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let wang = user(store, "wang", "XS", Role::Officer).await;
    user(store, "dong", "DZ", Role::Officer).await;
    let cases: Vec<NewCase> =
        ["甲", "乙"].iter().map(|n| new_case(registration("XS", "路灯不亮", "2026-10-01", n), &wang)).collect();
    let ids = store.register_cases(&cases).await.unwrap();
    let (a, b) = (ids[0], ids[1]);
    let china = |day: chrono::NaiveDate, hour: u32| -> DateTime<Utc> {
        chrono::TimeZone::from_local_datetime(&huiyin_core::case::CHINA_OFFSET, &day.and_hms_opt(hour, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let file = store.case_file(a).await.unwrap().unwrap();
    let notice_due = file.deadlines.iter().find(|d| d.kind == DeadlineKind::Notice).unwrap().due.date;
    let accepted_on = notice_due - Duration::days(2);
    let handling = Deadline::new(DeadlineKind::Handling, accepted_on, Limit::CalendarDays(60), &calendar());
    // 甲: accepted by XS (the notice on time), assigned to DZ, replied by DZ on time, rated.
    let met = |kind: DeadlineKind, at: DateTime<Utc>, deadlines: &[Deadline]| -> Vec<Deadline> {
        deadlines.iter().map(|d| if d.kind == kind { Deadline { met_at: Some(at), ..*d } } else { *d }).collect()
    };
    let accepted = china(accepted_on, 10);
    let mut deadlines = met(DeadlineKind::Notice, accepted, &file.deadlines);
    deadlines.push(handling);
    let replied = china(accepted_on + Duration::days(10), 10);
    let steps: Vec<(EventData, DateTime<Utc>, &str, Vec<Deadline>)> = vec![
        (EventData::Accepted {}, accepted, "XS", deadlines.clone()),
        (EventData::Assigned { unit: "DZ".into(), owner: Some("dong".into()) }, accepted, "DZ", deadlines.clone()),
        (EventData::Replied {}, replied, "DZ", met(DeadlineKind::Handling, replied, &deadlines)),
        (
            EventData::Rated { office: Rating::Satisfied, unit: Rating::Dissatisfied, reason: None },
            replied + Duration::days(2),
            "DZ",
            met(DeadlineKind::Handling, replied, &deadlines),
        ),
    ];
    let mut state = file.state.clone();
    for (version, (data, at, holder, deadlines)) in (1..).zip(steps) {
        state.holding_unit = holder.into();
        state.owner = if holder == "DZ" { "dong".into() } else { "wang".into() };
        let event = NewEvent {
            occurred_at: at,
            recorded_at: at,
            actor_id: wang.id,
            note: None,
            data,
            state: state.clone(),
            new_query_code_hash: None,
            blobs: Vec::new(),
            deadlines,
            search_tokens: None,
        };
        store.append_event(a, version, &event).await.unwrap();
        assert_tally_matches_facts(store).await;
    }
    // 乙 stays at XS, its notice never given.
    let (from, to, today) =
        ("2026-10-01".parse().unwrap(), "2026-12-31".parse().unwrap(), "2027-01-01".parse().unwrap());
    let by_unit =
        |units: Vec<huiyin_store::UnitTallies>| -> std::collections::BTreeMap<i64, huiyin_core::kpi::KpiTallies> {
            units.into_iter().map(|u| (u.unit_id, u.tallies)).collect()
        };
    let units =
        by_unit(store.kpi_tallies_by_unit(&[qx, xs, dz], &Blindness::default(), from, to, today).await.unwrap());
    let ours = units[&xs];
    assert_eq!(
        (ours.repeats.registered, ours.acceptance),
        (2, DeadlineTally { on_time: 1, due: 2 }),
        "XS's: 甲's notice, 乙's"
    );
    assert_eq!(ours.ratings_office, RatingTally { satisfied: 1, ..Default::default() }, "the office registered 甲");
    assert_eq!((ours.closure.due, ours.ratings.all(), ours.participation.rated), (0, 0, 0), "XS did not handle 甲");
    let theirs = units[&dz];
    assert_eq!(theirs.closure, DeadlineTally { on_time: 1, due: 1 }, "DZ replied in time");
    assert_eq!(theirs.ratings, RatingTally { dissatisfied: 1, ..Default::default() });
    assert_eq!((theirs.participation.rated, theirs.acceptance.due, theirs.repeats.registered), (1, 0, 0));
    assert!(!units.contains_key(&qx), "the county took no step");
    // Above both, each step once.
    let county = store.kpi_tallies(&[qx, xs, dz], &Blindness::default(), from, to, today).await.unwrap();
    assert_eq!((county.acceptance.due, county.closure.due, county.ratings.all()), (2, 1, 1));
    // The reply's trail is DZ's; XS replied to nothing.
    let trail = store.reply_trail(&[dz], &Blindness::default(), from).await.unwrap();
    assert_eq!(
        trail.iter().map(|s| (s.case_id, s.step_by, s.rated)).collect::<Vec<_>>(),
        [(a, dz, false), (a, dz, true)]
    );
    assert!(store.reply_trail(&[xs], &Blindness::default(), from).await.unwrap().is_empty());
    // Any period, whole months or not, as the facts say; the same less 甲 for a reader blind to it.
    let scope = [qx, xs, dz];
    let days: Vec<chrono::NaiveDate> =
        ["2026-09-30", "2026-10-01", "2026-10-05", "2026-10-31", "2026-11-01", "2026-11-17", "2026-12-31"]
            .iter()
            .map(|d| d.parse().unwrap())
            .chain([notice_due, notice_due + Duration::days(1), accepted_on])
            .collect();
    let blind_to_a = Blindness { cases: vec![a], ..Default::default() };
    for &first in &days {
        for &last in days.iter().filter(|d| **d >= first) {
            for today in [notice_due, last + Duration::days(1), today] {
                let period = (first, last, today);
                let kept = store.kpi_tallies(&scope, &Blindness::default(), first, last, today).await.unwrap();
                assert_eq!(kept, facts_counted(store, &scope, &[], period).await, "{period:?}");
                let blind = store.kpi_tallies(&scope, &blind_to_a, first, last, today).await.unwrap();
                assert_eq!(blind, facts_counted(store, &scope, &[a], period).await, "{period:?} blind to 甲");
            }
        }
    }
    let blind = store.kpi_tallies(&scope, &blind_to_a, from, to, today).await.unwrap();
    assert_eq!(
        (blind.acceptance, blind.closure.due, blind.ratings.all()),
        (DeadlineTally { on_time: 0, due: 1 }, 0, 0)
    );
    // 乙's due day recounted (a holiday schedule loaded) into November: its open notice moves.
    let mut moved = store.case_file(b).await.unwrap().unwrap().deadlines;
    let notice = moved.iter_mut().find(|d| d.kind == DeadlineKind::Notice).unwrap();
    notice.due.date = "2026-11-20".parse().unwrap();
    store.update_deadline_dues(&[(b, *notice)]).await.unwrap();
    assert_tally_matches_facts(store).await;
    let october =
        store.kpi_tallies(&[xs], &Blindness::default(), from, "2026-10-31".parse().unwrap(), today).await.unwrap();
    assert_eq!(october.acceptance, DeadlineTally { on_time: 1, due: 1 }, "乙's notice is November's now");
    let (first, last) = ("2026-11-01".parse().unwrap(), "2026-11-30".parse().unwrap());
    let november = store.kpi_tallies(&[xs], &Blindness::default(), first, last, today).await.unwrap();
    assert_eq!(november.acceptance, DeadlineTally { on_time: 0, due: 1 });
}
conformance!(
    gen_9_measures_count_each_step_for_the_unit_that_took_it,
    gen_9_measures_count_each_step_for_the_unit_that_took_it
);

/// An export reads a list's order once (`list_case_ids`) and its rows a page at a time
/// (`case_summaries`): the same cases in the same order as the list's pages, for every sort, both
/// parts of a scope (registered in it, held in it) merged; GEN-7 as the list.
async fn an_exports_ids_follow_the_lists_pages(store: &dyn Store) {
    let (qx, xz, _, _) = tree(store).await;
    let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let batch: Vec<NewCase> = (1..=23)
        .map(|day| {
            let unit = if day % 4 == 0 { "DZ" } else { "XS" };
            new_case(registration(unit, "路灯", &format!("2026-10-{:02}", 1 + day % 20), "王五"), &officer)
        })
        .collect();
    let ids = store.register_cases(&batch).await.unwrap();
    let mut scope = store.unit_subtree(xz).await.unwrap();
    scope.push(dz);
    // Every order but relevance, which needs words to rank by.
    for sort in CaseSort::ALL.into_iter().filter(|s| *s != CaseSort::Relevance) {
        let mut query = CaseQuery { scope: scope.clone(), sort, per_page: 5, ..Default::default() };
        let mut paged = Vec::new();
        for page in 1..=5 {
            query.page = page;
            paged.extend(store.list_cases(&query).await.unwrap().items.into_iter().map(|c| c.id));
        }
        assert_eq!(paged.len(), 23, "{sort:?}");
        assert_eq!(store.list_case_ids(&query, 100).await.unwrap(), paged, "{sort:?}");
        assert_eq!(store.list_case_ids(&query, 7).await.unwrap(), paged[..7], "{sort:?}: the first 7");
        let rows = store.case_summaries(&paged[3..9], &scope).await.unwrap();
        assert_eq!(rows.iter().map(|c| c.id).collect::<Vec<_>>(), paged[3..9], "{sort:?}: in the order asked");
        let outside = store.case_summaries(&paged, &[qx]).await.unwrap();
        assert!(outside.is_empty(), "none registered or held in the county itself");
    }
    let mut query = CaseQuery { scope: vec![qx], ..Default::default() };
    assert!(store.list_case_ids(&query, 100).await.unwrap().is_empty(), "the county registered none");
    query.scope = scope;
    query.hidden_accusers_of = Blindness { cases: vec![ids[0]], ..Default::default() };
    let listed = store.list_case_ids(&query, 100).await.unwrap();
    assert_eq!((listed.len(), listed.contains(&ids[0])), (22, false), "GEN-7 as the list");
}
conformance!(an_exports_ids_follow_the_lists_pages, an_exports_ids_follow_the_lists_pages);

/// The list total comes from the tally when only status and channel filter, and from counting rows
/// otherwise: both must agree, also after a case moves to a unit outside the registering scope.
async fn list_totals_agree_between_tally_and_count(store: &dyn Store) {
    let (qx, xz, _, _) = tree(store).await;
    let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    user(store, "dong", "DZ", Role::Officer).await;
    let mut batch = Vec::new();
    for day in 1..=9 {
        let mut reg = registration("XS", "路灯", &format!("2026-10-{day:02}"), "王五");
        if day % 3 == 0 {
            reg.channel = huiyin_core::case::Channel::Letter;
        }
        batch.push(new_case(reg, &officer));
    }
    let ids = store.register_cases(&batch).await.unwrap();
    // Hand one case to the other town: it leaves XZ's scope as holder but stays registered there.
    let file = store.case_file(ids[0]).await.unwrap().unwrap();
    let data =
        EventData::HandedOff { to_user: Some("dong".into()), to_unit: Some("DZ".into()), reason: "属地".into() };
    let at = Utc::now();
    let mut state = file.state.clone();
    state.apply(&huiyin_core::event::Event {
        seq: 2,
        occurred_at: at,
        recorded_at: at,
        actor: "wang".into(),
        note: None,
        data: data.clone(),
    });
    store
        .append_event(
            ids[0],
            1,
            &NewEvent {
                occurred_at: at,
                recorded_at: at,
                actor_id: officer.id,
                note: None,
                data,
                state,
                new_query_code_hash: None,
                blobs: Vec::new(),
                deadlines: file.deadlines.clone(),
                search_tokens: None,
            },
        )
        .await
        .unwrap();
    let everything_since = Some("2000-01-01T00:00:00Z".parse().unwrap());
    for (scope, want) in
        [(store.unit_subtree(xz).await.unwrap(), 9), (vec![dz], 1), (store.unit_subtree(qx).await.unwrap(), 9)]
    {
        for channel in [None, Some(huiyin_core::case::Channel::Letter)] {
            let q = CaseQuery { scope: scope.clone(), channel, page: 1, per_page: 5, ..Default::default() };
            let by_tally = store.list_cases(&q).await.unwrap();
            let by_count = store.list_cases(&CaseQuery { received_from: everything_since, ..q.clone() }).await.unwrap();
            assert_eq!(by_tally.total, by_count.total, "scope {scope:?} channel {channel:?}");
            if channel.is_none() {
                assert_eq!(by_tally.total, want, "scope {scope:?}");
            }
            let ids_tally: Vec<i64> = by_tally.items.iter().map(|c| c.id).collect();
            let ids_count: Vec<i64> = by_count.items.iter().map(|c| c.id).collect();
            assert_eq!(ids_tally, ids_count);
        }
    }
    let held =
        store.list_cases(&CaseQuery { scope: vec![dz], page: 1, per_page: 5, ..Default::default() }).await.unwrap();
    assert_eq!(held.items[0].id, ids[0], "the other town sees the case it holds");
    let mut two =
        CaseQuery { scope: store.unit_subtree(qx).await.unwrap(), page: 2, per_page: 4, ..Default::default() };
    two.sort = CaseSort::ReceivedAsc;
    let p2 = store.list_cases(&two).await.unwrap();
    assert_eq!(p2.items.len(), 4);
    // Page 2 of 4, oldest first: the 5th to the 8th of October (China time).
    assert_eq!(p2.items[0].received_at, "2026-10-04T16:00:00Z".parse::<DateTime<Utc>>().unwrap());
    store.analyze().await.unwrap();
}
conformance!(case_list_totals_agree_between_tally_and_count, list_totals_agree_between_tally_and_count);

async fn holiday_years_and_unit_limits(store: &dyn Store) {
    use huiyin_core::calendar::SHIPPED_YEARS;
    use huiyin_core::limits::LimitRules;
    let at = Utc::now();
    assert_eq!(store.seed_holiday_years(&SHIPPED_YEARS, at).await.unwrap(), 20);
    let local = r#"{"year": 2026, "days": []}"#;
    store.put_holiday_year(2026, local, "local.json", at).await.unwrap();
    assert_eq!(store.seed_holiday_years(&SHIPPED_YEARS, at).await.unwrap(), 0, "a local year is not overwritten");
    let years = store.holiday_years().await.unwrap();
    assert_eq!(years.len(), 20);
    assert_eq!(years.last().unwrap(), &(2026, local.to_string()));

    let (qx, xz, xs, _) = tree(store).await;
    assert_eq!(store.limit_rules_for(xs).await.unwrap(), None, "national defaults");
    store.set_unit_limits(qx, &LimitRules::zhejiang(), at).await.unwrap();
    assert_eq!(store.limit_rules_for(xs).await.unwrap().unwrap().preset, "zhejiang", "inherited from the county");
    store.set_unit_limits(xz, &LimitRules::national(), at).await.unwrap();
    assert_eq!(store.limit_rules_for(xs).await.unwrap().unwrap().preset, "national", "the nearest unit wins");
    assert_eq!(store.limit_rules_for(qx).await.unwrap().unwrap(), LimitRules::zhejiang());
    assert_eq!(store.own_limit_rules(xz).await.unwrap(), Some(LimitRules::national()), "the town's own");
    assert_eq!(store.own_limit_rules(xs).await.unwrap(), None, "the community only inherits");
    assert!(store.clear_unit_limits(xz).await.unwrap(), "the town inherits again");
    assert_eq!(store.limit_rules_for(xs).await.unwrap().unwrap().preset, "zhejiang");
    assert!(!store.clear_unit_limits(xz).await.unwrap(), "nothing left to drop");
}
conformance!(gen_8_holiday_years_and_unit_limits, holiday_years_and_unit_limits);

/// GEN-7 in the queries: a case that accuses a unit or a staff member is left out of the lists,
/// notifications and supervision items of those blind to it, and 更正被反映对象 moves the accused
/// with the case's row.
async fn gen_7_accusations_are_left_out_for_the_accused(store: &dyn Store) {
    use huiyin_store::Notice;
    let (_, xz, xs, _) = tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let zhang = user(store, "zhang", "XS", Role::Officer).await;
    let mut reg = registration("XS", "检举张某", "2026-10-01", "甲");
    reg.accused =
        Some(huiyin_core::case::Accused { name: Some("张某".into()), unit: None, user: Some("zhang".into()) });
    let id = store.register_cases(&[new_case(reg, &officer)]).await.unwrap()[0];
    let file = store.case_file(id).await.unwrap().unwrap();
    assert_eq!((file.accused_unit_id, file.accused_user_id), (None, Some(zhang.id)));
    let blind = |units: Vec<i64>, user: &User| Blindness { units, users: vec![user.id], cases: Vec::new() };
    let total = |b: Blindness| async move {
        let q = CaseQuery { scope: vec![xs], hidden_accusers_of: b, page: 1, per_page: 10, ..Default::default() };
        store.list_cases(&q).await.unwrap().total
    };
    assert_eq!(total(blind(vec![xs], &officer)).await, 1, "a colleague sees it");
    assert_eq!(total(blind(vec![xs], &zhang)).await, 0, "the accused person does not");
    let at = Utc::now();
    let notice = |u: &User| Notice { user_id: u.id, case_id: Some(id), kind: "alert".into(), message: "紧急".into() };
    store.send_notices(&[notice(&officer), notice(&zhang)], at).await.unwrap();
    assert_eq!(store.unread_notifications(officer.id, &blind(vec![xs], &officer)).await.unwrap(), 1);
    assert_eq!(store.unread_notifications(zhang.id, &blind(vec![xs], &zhang)).await.unwrap(), 0);
    assert!(store.notifications(zhang.id, &blind(vec![xs], &zhang), 10).await.unwrap().is_empty());
    let due = store.due_deadlines("2026-10-31".parse().unwrap(), 100).await.unwrap();
    assert_eq!(due[0].accused_user_id, Some(zhang.id));
    store.open_supervision_item(&due[0], at, &[]).await.unwrap();
    assert_eq!(store.supervision_items(&[xs], &blind(vec![xs], &officer), false, 10).await.unwrap().len(), 1);
    assert!(store.supervision_items(&[xs], &blind(vec![xs], &zhang), false, 10).await.unwrap().is_empty());

    // 更正被反映对象: the town now, nobody in person.
    let data =
        EventData::AccusedSet {
            name: Some("西镇".into()), unit: Some("XZ".into()), user: None, reason: "更正".into()
        };
    let event =
        huiyin_core::event::Event { seq: 2, occurred_at: at, recorded_at: at, actor: "wang".into(), note: None, data };
    let mut state = file.state.clone();
    state.apply(&event);
    let new_event = NewEvent {
        occurred_at: at,
        recorded_at: at,
        actor_id: officer.id,
        note: None,
        data: event.data.clone(),
        state,
        new_query_code_hash: None,
        blobs: Vec::new(),
        deadlines: file.deadlines.clone(),
        search_tokens: None,
    };
    store.append_event(id, file.version, &new_event).await.unwrap();
    let file = store.case_file(id).await.unwrap().unwrap();
    assert_eq!((file.accused_unit_id, file.accused_user_id), (Some(xz), None));
    assert_eq!(total(blind(vec![xs], &zhang)).await, 1, "no longer accused, zhang sees it");
    assert_eq!(total(blind(vec![xz], &officer)).await, 0, "the town's staff do not");

    // 回避: zhang stands aside; the store names the case for them, and a reader's blindness that
    // holds it leaves it out of every list.
    assert!(store.recused_cases(&[zhang.id]).await.unwrap().is_empty());
    let data = EventData::Recused { user: "zhang".into(), reason: "亲属".into(), ordered: false };
    let event =
        huiyin_core::event::Event { seq: 3, occurred_at: at, recorded_at: at, actor: "zhang".into(), note: None, data };
    let mut state = file.state.clone();
    state.apply(&event);
    let new_event = NewEvent {
        occurred_at: at,
        recorded_at: at,
        actor_id: zhang.id,
        note: None,
        data: event.data.clone(),
        state,
        new_query_code_hash: None,
        blobs: Vec::new(),
        deadlines: file.deadlines.clone(),
        search_tokens: None,
    };
    store.append_event(id, file.version, &new_event).await.unwrap();
    assert_eq!(store.recused_cases(&[zhang.id, officer.id]).await.unwrap(), vec![id]);
    assert!(store.recused_cases(&[officer.id]).await.unwrap().is_empty());
    assert!(store.recused_cases(&[]).await.unwrap().is_empty());
    let recused = Blindness { units: vec![xs], users: vec![zhang.id], cases: vec![id] };
    assert_eq!(total(recused.clone()).await, 0, "zhang no longer sees it");
    assert_eq!(store.unread_notifications(zhang.id, &recused).await.unwrap(), 0);
    assert!(store.supervision_items(&[xs], &recused, false, 10).await.unwrap().is_empty());
    assert_eq!(total(blind(vec![xs], &officer)).await, 1, "the colleague still does");
    assert_eq!(store.case_file(id).await.unwrap().unwrap().state.recused, vec!["zhang".to_owned()]);
}
conformance!(gen_7_accusations_are_left_out_for_the_accused, gen_7_accusations_are_left_out_for_the_accused);

/// 督办 storage: due deadlines are found, a supervision item and a reminder are written once with
/// their notices, escalation happens once, settled items close, notifications and the outbox work.
async fn supervision_is_written_once(store: &dyn Store) {
    use huiyin_store::Notice;
    let (_, xz, _, _) = tree(store).await;
    let officer = reachable_user(store, "wang", "XS", Role::Officer, Some("13800138000"), None).await;
    let chen = reachable_user(store, "chen", "XZ", Role::Supervisor, Some("13900139000"), None).await;
    let ids =
        store.register_cases(&[new_case(registration("XS", "路灯", "2026-10-01", "甲"), &officer)]).await.unwrap();
    let due = store.due_deadlines("2026-10-31".parse().unwrap(), 100).await.unwrap();
    assert_eq!(due.len(), 2, "sorting and notice are due by the end of October");
    assert_eq!((due[0].case_id, due[0].owner_id), (ids[0], officer.id));
    assert!(store.due_deadlines("2026-10-01".parse().unwrap(), 100).await.unwrap().is_empty());
    let at = Utc::now();
    let notice = |user_id| Notice { user_id, case_id: Some(ids[0]), kind: "overdue".into(), message: "督办".into() };
    assert!(store.open_supervision_item(&due[0], at, &[notice(officer.id)]).await.unwrap());
    assert!(!store.open_supervision_item(&due[0], at, &[notice(officer.id)]).await.unwrap(), "once only");
    assert!(store.remind_once(&due[1], at, &[notice(officer.id)]).await.unwrap());
    assert!(!store.remind_once(&due[1], at, &[notice(officer.id)]).await.unwrap());
    assert_eq!(store.unread_notifications(officer.id, &Blindness::default()).await.unwrap(), 2);
    let items = store.supervision_items(&[due[0].unit_id], &Blindness::default(), true, 10).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!((items[0].case_number.as_str(), items[0].kind.as_str()), ("XS-2026-000001", "sorting"));
    let to_escalate = store.items_to_escalate("2026-12-31".parse().unwrap()).await.unwrap();
    assert_eq!(to_escalate.len(), 1);
    assert_eq!(to_escalate[0].parent_id, xz, "the unit above the holding unit");
    assert!(store.escalate_item(items[0].id, xz, at, &[notice(chen.id)]).await.unwrap());
    assert!(!store.escalate_item(items[0].id, xz, at, &[notice(chen.id)]).await.unwrap());
    assert_eq!(
        store.supervision_items(&[xz], &Blindness::default(), true, 10).await.unwrap()[0].escalated_to.as_deref(),
        Some("XZ")
    );
    assert_eq!(store.close_settled_items(at).await.unwrap(), 0, "the deadline is still open");
    // Moving the due date (a recount over a new calendar) settles the item for the old date.
    let mut moved = due[0].deadline;
    moved.due.date = "2026-10-20".parse().unwrap();
    store.update_deadline_dues(&[(ids[0], moved)]).await.unwrap();
    assert_eq!(store.close_settled_items(at).await.unwrap(), 1);
    assert!(store.supervision_items(&[due[0].unit_id], &Blindness::default(), true, 10).await.unwrap().is_empty());
    let open = store.open_deadlines_after((0, ""), 10).await.unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(store.open_deadlines_after((ids[0], "sorting"), 10).await.unwrap().len(), 0);
    let notes = store.notifications(officer.id, &Blindness::default(), 10).await.unwrap();
    assert!(store.mark_notification_read(officer.id, notes[0].id, at).await.unwrap());
    assert!(!store.mark_notification_read(chen.id, notes[0].id, at).await.unwrap(), "not someone else's");
    assert_eq!(store.unread_notifications(officer.id, &Blindness::default()).await.unwrap(), 1);
    let chen_unread = store.unread_notifications(chen.id, &Blindness::default()).await.unwrap();
    assert_eq!(store.mark_all_notifications_read(officer.id, at).await.unwrap(), 1, "the one left unread");
    assert_eq!(store.mark_all_notifications_read(officer.id, at).await.unwrap(), 0, "none twice");
    assert_eq!(store.unread_notifications(officer.id, &Blindness::default()).await.unwrap(), 0);
    assert_eq!(store.unread_notifications(chen.id, &Blindness::default()).await.unwrap(), chen_unread, "only mine");
    let stale = at - chrono::Duration::minutes(10);
    let both = ["sms", "email"];
    let outbox = store.outbox_claim(10, at, stale, &both).await.unwrap();
    assert_eq!(outbox.len(), 3);
    assert!(
        store.outbox_claim(10, at, stale, &both).await.unwrap().is_empty(),
        "claimed messages are not claimed again"
    );
    assert!(store.outbox_mark_sent(&outbox[0], at).await.unwrap());
    let later = at + chrono::Duration::minutes(11);
    let retaken = store.outbox_claim(10, later, later - chrono::Duration::minutes(10), &both).await.unwrap();
    assert_eq!(retaken.len(), 2, "a claim older than its lease is taken again; a sent message is not");
    assert!(!store.outbox_mark_sent(&outbox[1], later).await.unwrap(), "a lapsed claim writes nothing");
    assert!(store.outbox_mark_sent(&retaken[0], later).await.unwrap(), "the claim that holds");
    assert_eq!(store.unit_staff(xz, &[Role::Supervisor]).await.unwrap()[0].username, "chen");
}
conformance!(fed_10_supervision_is_written_once, supervision_is_written_once);

/// FED-10, issue 15: four senders claiming the outbox at once deliver each of 500 messages once.
async fn outbox_is_delivered_once(store: &dyn Store) {
    use huiyin_store::Notice;
    tree(store).await;
    let officer = reachable_user(store, "wang", "XS", Role::Officer, Some("13800138000"), None).await;
    let notices: Vec<Notice> = (0..500)
        .map(|i| Notice { user_id: officer.id, case_id: None, kind: "overdue".into(), message: format!("督办 {i}") })
        .collect();
    store.send_notices(&notices, Utc::now()).await.unwrap();
    let (at, stale) = (Utc::now(), Utc::now() - chrono::Duration::minutes(10));
    let claim = || store.outbox_claim(200, at, stale, &["sms"]);
    let mut claimed = Vec::new();
    loop {
        let (a, b, c, d) = tokio::join!(claim(), claim(), claim(), claim());
        let round: Vec<_> = [a, b, c, d].into_iter().flat_map(Result::unwrap).collect();
        if round.is_empty() {
            break;
        }
        claimed.extend(round.into_iter().map(|m| m.id));
    }
    let mut unique = claimed.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((claimed.len(), unique.len()), (500, 500), "each message claimed once");
}
conformance!(fed_10_outbox_is_delivered_once, outbox_is_delivered_once);

/// FED-10, issue 23: a notice goes out by each way an active recipient can be reached (SMS to a
/// mobile number, e-mail to an address; none to a landline, none without either, none to a disabled
/// account), saying only what kind of notice waits; a sender claims only the ways it can send; a
/// failed message waits until its retry time and carries its recipient's numbers as they are now;
/// what a sender writes holds only while its claim does; a given-up message is a dead letter —
/// counted and listed for its recipient's units only, never claimed — until it is sent again, once;
/// a message no sender ever tried is pruned.
async fn outbox_retries_and_dead_letters(store: &dyn Store) {
    use huiyin_store::Notice;
    let (qx, xz, xs, _) = tree(store).await;
    let both =
        reachable_user(store, "wang", "XS", Role::Officer, Some("138 0013 8000"), Some("wang@example.org")).await;
    let none = user(store, "zhao", "XS", Role::Officer).await;
    let landline = reachable_user(store, "lu", "XZ", Role::Officer, Some("0571-8888 1234 转 801"), None).await;
    let gone = reachable_user(store, "qian", "XS", Role::Officer, Some("13700137000"), None).await;
    store.set_user_active(gone.id, false).await.unwrap();
    let notice = |user_id| Notice {
        user_id,
        case_id: None,
        kind: "assigned".into(),
        message: "西镇 交办信访件 XS-2026-000007".into(),
    };
    let at = Utc::now();
    store.send_notices(&[notice(both.id), notice(none.id), notice(landline.id), notice(gone.id)], at).await.unwrap();
    assert_eq!(store.outbox_waiting().await.unwrap(), 2, "an SMS and an e-mail for wang; nothing else");
    let stale = at - Duration::minutes(10);
    let sms_only = store.outbox_claim(10, at, stale, &["sms"]).await.unwrap();
    assert_eq!(sms_only.len(), 1, "a sender of SMS only claims the SMS");
    let sms = sms_only[0].clone();
    assert_eq!((sms.channel.as_str(), sms.user_id, sms.attempts, sms.active), ("sms", both.id, 0, true));
    assert_eq!(sms.phone.as_deref(), Some("138 0013 8000"));
    assert!(!sms.body.contains("XS-2026") && sms.body.contains("交办"), "the case stays inside: {}", sms.body);
    let email = store.outbox_claim(10, at, stale, &["sms", "email"]).await.unwrap().remove(0);
    assert_eq!((email.channel.as_str(), email.email.as_deref()), ("email", Some("wang@example.org")));
    // The SMS failed for a while; the e-mail was refused for good.
    assert!(store.outbox_mark_failed(&sms, at, "503 busy\0", Some(at + Duration::minutes(1))).await.unwrap());
    assert!(!store.outbox_mark_failed(&sms, at, "again", None).await.unwrap(), "its claim is spent");
    assert!(store.outbox_mark_failed(&email, at, "550 no such user", None).await.unwrap());
    assert_eq!((store.outbox_waiting().await.unwrap(), store.outbox_dead().await.unwrap()), (1, 1));
    let summary = store.outbox_summary(&[xs]).await.unwrap();
    assert_eq!((summary.waiting, summary.retrying, summary.dead), (1, 1, 1));
    assert_eq!(summary.retry_reason.as_deref(), Some("503 busy"), "the NUL left out");
    assert_eq!(store.outbox_summary(&[qx, xz]).await.unwrap(), huiyin_store::OutboxSummary::default(), "not theirs");
    let both_ways = ["sms", "email"];
    assert!(
        store.outbox_claim(10, at + Duration::seconds(30), stale, &both_ways).await.unwrap().is_empty(),
        "not before its time"
    );
    let card = StaffCard {
        display_name: both.display_name.clone(),
        title: None,
        credential: None,
        rank: None,
        phone: Some("13900139000".into()),
        email: Some("wang@example.org".into()),
    };
    store.set_user_card(both.id, &card).await.unwrap();
    let later = at + Duration::minutes(2);
    let retried = store.outbox_claim(10, later, later - Duration::minutes(10), &both_ways).await.unwrap();
    assert_eq!(retried.len(), 1, "the SMS again, never the dead letter");
    assert_eq!((retried[0].id, retried[0].attempts), (sms.id, 1));
    assert_eq!(retried[0].phone.as_deref(), Some("13900139000"), "the number as it is now");
    // Given back untried (its server failed for another message): the next run takes it.
    store.outbox_release(&retried[0]).await.unwrap();
    let back = store.outbox_claim(10, later, later - Duration::minutes(10), &both_ways).await.unwrap();
    assert_eq!(back.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(), [(sms.id, 1)]);
    let dead = store.outbox_dead_letters(&[xs], 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].id, dead[0].unit_id, dead[0].attempts), (email.id, xs, 1));
    assert_eq!(dead[0].last_error.as_deref(), Some("550 no such user"));
    assert!(store.outbox_dead_letters(&[qx, xz], 10).await.unwrap().is_empty(), "another unit's letters");
    assert_eq!(store.outbox_dead_letter(email.id).await.unwrap().map(|d| d.id), Some(email.id));
    assert_eq!(store.outbox_dead_letter(sms.id).await.unwrap(), None, "not a dead letter");
    assert!(store.outbox_send_again(email.id, later).await.unwrap());
    assert!(!store.outbox_send_again(email.id, later).await.unwrap(), "sent again once");
    assert!(!store.outbox_send_again(sms.id, later).await.unwrap(), "only a dead letter is sent again");
    assert_eq!(store.outbox_dead().await.unwrap(), 0);
    let again = store.outbox_claim(10, later, later - Duration::minutes(10), &["email"]).await.unwrap();
    assert_eq!((again.len(), again[0].id, again[0].attempts), (1, email.id, 0), "its attempts counted afresh");
    // A message nobody could send (no server sends its way) is pruned after its week; one tried
    // is kept.
    store.send_notices(&[notice(both.id)], at - Duration::days(8)).await.unwrap();
    assert_eq!(store.outbox_prune(at - Duration::days(7)).await.unwrap(), 2, "the old SMS and e-mail, untried");
    assert_eq!(store.outbox_waiting().await.unwrap(), 2, "the claimed ones stay");
}
conformance!(fed_10_outbox_retries_and_dead_letters, outbox_retries_and_dead_letters);

async fn issued_documents_are_kept_once(store: &dyn Store) {
    let (_, _, xs, _) = tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let ids = store
        .register_cases(&[
            new_case(registration("XS", "补贴停发", "2026-03-02", "王秀英"), &officer),
            new_case(registration("XS", "去年的信", "2025-12-30", "赵六"), &officer),
        ])
        .await
        .unwrap();
    let at: DateTime<Utc> = "2026-03-03T02:00:00Z".parse().unwrap();
    let doc = |bytes: &[u8], sha: &str| huiyin_store::NewIssuedDocument {
        kind: "acceptance-notice".into(),
        issued_by: 2,
        title: "信访事项受理告知书".into(),
        issued_at: at,
        pdf: huiyin_store::Blob { sha256: sha.into(), media_type: "application/pdf".into(), bytes: bytes.to_vec() },
    };
    let kept = store.keep_issued_document(ids[0], &doc(b"%PDF-first", "aa11")).await.unwrap();
    assert_eq!((kept.kind.as_str(), kept.issued_by, kept.size), ("acceptance-notice", 2, 10));
    // A second keeping of the same document (a reprint, or a race) leaves the original.
    let again = store.keep_issued_document(ids[0], &doc(b"%PDF-second!", "bb22")).await.unwrap();
    assert_eq!(again, kept);
    assert_eq!(store.blob("aa11").await.unwrap().unwrap().bytes, b"%PDF-first");
    assert_eq!(store.issued_documents(ids[0]).await.unwrap(), [kept]);
    assert!(store.issued_documents(ids[1]).await.unwrap().is_empty());
    let missing = store.keep_issued_document(9999, &doc(b"%PDF-x", "cc33")).await;
    assert!(matches!(missing, Err(StoreError::UnknownReference("case"))), "{missing:?}");

    // Letterhead and signature block.
    assert_eq!(store.document_style(xs).await.unwrap(), None);
    let style = huiyin_store::DocumentStyle {
        letterhead: "西山社区居民委员会".into(),
        signature: vec!["西山社区居民委员会".into(), "(盖章)".into()],
    };
    store.set_document_style(xs, &style, at).await.unwrap();
    assert_eq!(store.document_style(xs).await.unwrap(), Some(style));

    // FED-13: the settled cases received in a year.
    let year = |y: i32| -> (DateTime<Utc>, DateTime<Utc>) {
        (
            format!("{y}-01-01T00:00:00+08:00").parse().unwrap(),
            format!("{}-01-01T00:00:00+08:00", y + 1).parse().unwrap(),
        )
    };
    let (from, to) = year(2026);
    assert!(store.case_ids_received(xs, from, to, &Status::SETTLED).await.unwrap().is_empty(), "none settled yet");
    assert_eq!(store.case_ids_received(xs, from, to, &[Status::Registered]).await.unwrap(), [ids[0]]);
    let (from, to) = year(2025);
    assert_eq!(store.case_ids_received(xs, from, to, &[Status::Registered]).await.unwrap(), [ids[1]]);
}
conformance!(fed_13_issued_documents_are_kept_once, issued_documents_are_kept_once);

/// A registration of a person of one's own: `who` is (name, ID number, phone, address), any blank.
fn petition(unit: &str, content: &str, received_at: &str, who: (&str, &str, &str, &str)) -> Registration {
    let now: DateTime<Utc> = "2026-11-26T02:00:00Z".parse().unwrap();
    let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    CaseDraft {
        channel: Some("visit".into()),
        received_at: Some(received_at.into()),
        unit: Some(unit.into()),
        petitioner: Some(PetitionerDraft {
            name: some(who.0),
            id_number: some(who.1),
            phone: some(who.2),
            address: some(who.3),
            ..Default::default()
        }),
        category: Some("拖欠农民工工资".into()),
        content: Some(content.into()),
        ..Default::default()
    }
    .parse(now, &classes())
    .unwrap()
}

fn words(q: &str) -> TextSearch {
    TextSearch { terms: segmenter().query_terms(q), phrase: q.into() }
}

async fn full_text_search_finds_words_and_ranks_the_phrase_first(store: &dyn Store) {
    let (qx, _, xs, _) = tree(store).await;
    let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let east = user(store, "dong", "DZ", Role::Officer).await;
    let who = ("王五", "", "", "");
    let texts = [
        "拆迁后安置房迟迟不交付,补偿款也未到位",
        "反映拆迁补偿标准低于周边项目,要求说明依据",
        "申请低保被村委会以不符合条件为由拒绝",
        "在工地务工三个月,包工头拖欠工资一万二千元",
        "小区路灯长期不亮",
    ];
    let batch: Vec<NewCase> = texts.iter().map(|t| new_case(petition("XS", t, "2026-11-02", who), &officer)).collect();
    let ids = store.register_cases(&batch).await.unwrap();
    store.register_cases(&[new_case(petition("DZ", "东镇拆迁补偿问题", "2026-11-03", who), &east)]).await.unwrap();
    let county = store.unit_subtree(qx).await.unwrap();
    let community = store.unit_subtree(xs).await.unwrap();
    let search = |scope: &Vec<i64>, q: &str| CaseQuery {
        scope: scope.clone(),
        search: Some(words(q)),
        sort: CaseSort::Relevance,
        page: 1,
        per_page: 10,
        ..Default::default()
    };
    // Two-character words are found (GEN-10 statements, FED-9 searchable records). Every case here is
    // of the class 拖欠农民工工资, whose name is searchable too.
    for (q, want) in
        [("拆迁", 3), ("低保", 1), ("工资", 6), ("包工头", 1), ("补偿", 3), ("路灯", 1), ("不存在的词语", 0)]
    {
        assert_eq!(store.list_cases(&search(&county, q)).await.unwrap().total, want, "{q}");
    }
    // The phrase as typed ranks first; the words apart come after.
    let ranked = store.list_cases(&search(&community, "拆迁补偿")).await.unwrap();
    assert_eq!(ranked.total, 2);
    assert_eq!(ranked.items[0].id, ids[1], "the exact phrase first");
    assert_eq!(ranked.items[1].id, ids[0]);
    // Scope and filters narrow a search.
    assert_eq!(store.list_cases(&search(&vec![dz], "拆迁")).await.unwrap().total, 1);
    let mut letters = search(&county, "拆迁");
    letters.channel = Some(huiyin_core::case::Channel::Letter);
    assert_eq!(store.list_cases(&letters).await.unwrap().total, 0);
    let mut paged = search(&county, "拆迁");
    paged.per_page = 2;
    paged.page = 2;
    let second = store.list_cases(&paged).await.unwrap();
    assert_eq!((second.total, second.items.len()), (3, 1));
    // Words of a later event are searchable once the event brings them.
    let file = store.case_file(ids[2]).await.unwrap().unwrap();
    let at = Utc::now();
    let data = EventData::InvestigationNoted { text: "入户核实家庭收入".into() };
    let mut state = file.state.clone();
    let event = huiyin_core::event::Event {
        seq: 2,
        occurred_at: at,
        recorded_at: at,
        actor: "wang".into(),
        note: None,
        data: data.clone(),
    };
    state.apply(&event);
    let tokens = document::case_tokens(segmenter(), &file.registration, &[file.events[0].clone(), event]);
    let new_event = NewEvent {
        occurred_at: at,
        recorded_at: at,
        actor_id: officer.id,
        note: None,
        data,
        state,
        new_query_code_hash: None,
        blobs: Vec::new(),
        deadlines: file.deadlines.clone(),
        search_tokens: Some(tokens),
    };
    assert_eq!(store.list_cases(&search(&county, "家庭收入")).await.unwrap().total, 0);
    store.append_event(ids[2], 1, &new_event).await.unwrap();
    let found = store.list_cases(&search(&county, "家庭收入")).await.unwrap();
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), [ids[2]]);
    assert_eq!(store.list_cases(&search(&county, "低保")).await.unwrap().total, 1, "the statement's words stay");
}
conformance!(fed_9_full_text_search_finds_two_character_words, full_text_search_finds_words_and_ranks_the_phrase_first);

async fn relevance_ranks_the_newest_matches_and_pages_through_the_rest(store: &dyn Store) {
    let (qx, _, _, _) = tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    // 2,050 statements with the word 路灯.
    let batch: Vec<NewCase> = (0..2_050)
        .map(|i| {
            new_case(petition("XS", &format!("第{i}号楼前的路灯坏了"), "2026-11-02", ("王五", "", "", "")), &officer)
        })
        .collect();
    let ids = store.register_cases(&batch).await.unwrap();
    let county = store.unit_subtree(qx).await.unwrap();
    let page = |page: u32, per_page: u32| {
        let query = CaseQuery {
            scope: county.clone(),
            search: Some(words("路灯")),
            sort: CaseSort::Relevance,
            page,
            per_page,
            ..Default::default()
        };
        async move { store.list_cases(&query).await.unwrap() }
    };
    let mut seen = Vec::new();
    for p in 1..=21 {
        let found = page(p, 100).await;
        assert_eq!(found.total, 2_050);
        seen.extend(found.items.iter().map(|c| c.id));
    }
    // The newest 2,000 are ranked; older matches follow newest first, so every match is on exactly
    // one page.
    let mut ranked = seen[..2_000].to_vec();
    ranked.sort();
    assert_eq!(ranked, ids[50..]);
    assert_eq!(seen[2_000..], ids[..50].iter().rev().copied().collect::<Vec<_>>()[..]);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 2_050);
    // A page across the boundary is the same positions.
    let across = page(67, 30).await;
    assert_eq!(across.items.iter().map(|c| c.id).collect::<Vec<_>>(), seen[1_980..2_010]);
}
conformance!(
    fed_9_relevance_ranks_the_newest_matches_and_pages_the_rest,
    relevance_ranks_the_newest_matches_and_pages_through_the_rest
);

async fn ranking_windows_widen_and_bounded_totals_say_there_are_more(store: &dyn Store) {
    let (qx, _, _, _) = tree(store).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    // Two statements, each segmented once (the cases are copies): ranks tie, so the newest first.
    let lamp = new_case(petition("XS", "楼前的路灯坏了", "2026-11-02", ("王五", "", "", "")), &officer);
    let pipe = new_case(petition("XS", "楼里的水管漏水", "2026-11-02", ("王五", "", "", "")), &officer);
    // 7,000 older cases without the word, then 2,050 with it, each followed by one without, then
    // 1,000 without: the newest window (ids 8,192 to 12,100) holds about 1,450 matches, so the
    // search for the newest 2,000 widens once, to the window from id 4,096 that holds them all.
    store.register_cases(&vec![pipe.clone(); 7_000]).await.unwrap();
    let mixed: Vec<NewCase> = (0..4_100).map(|i| if i % 2 == 0 { lamp.clone() } else { pipe.clone() }).collect();
    let ids = store.register_cases(&mixed).await.unwrap();
    store.register_cases(&vec![pipe; 1_000]).await.unwrap();
    assert!(ids[0] > 7_000 && ids[4_099] < 11_200, "the ids the windows above are laid out for");
    let lamps: Vec<i64> = ids.iter().step_by(2).copied().collect();
    assert_eq!(lamps.len(), 2_050);
    let county = store.unit_subtree(qx).await.unwrap();
    let query = |page: u32, count_up_to: Option<u32>| CaseQuery {
        scope: county.clone(),
        search: Some(words("路灯")),
        sort: CaseSort::Relevance,
        count_up_to,
        page,
        per_page: 100,
        ..Default::default()
    };
    let mut seen = Vec::new();
    for p in 1..=21 {
        let found = store.list_cases(&query(p, None)).await.unwrap();
        assert_eq!((found.total, found.total_exact), (2_050, true));
        seen.extend(found.items.iter().map(|c| c.id));
    }
    let mut ranked = seen[..2_000].to_vec();
    ranked.sort();
    assert_eq!(ranked, lamps[50..], "the newest 2,000 matches are ranked");
    assert_eq!(seen[2_000..], lamps[..50].iter().rev().copied().collect::<Vec<_>>()[..]);

    // A bounded total counts 1,000 past the page's first row and says there are more; the page is
    // the same.
    let bounded = store.list_cases(&query(1, Some(1_000))).await.unwrap();
    assert_eq!((bounded.total, bounded.total_exact), (1_000, false));
    assert_eq!(bounded.items.iter().map(|c| c.id).collect::<Vec<_>>(), seen[..100]);
    let deeper = store.list_cases(&query(12, Some(1_000))).await.unwrap();
    assert_eq!((deeper.total, deeper.total_exact), (2_050, true), "1,100 + 1,000 reaches the end");
    assert_eq!(deeper.items.iter().map(|c| c.id).collect::<Vec<_>>(), seen[1_100..1_200]);
    let beyond = store.list_cases(&query(22, Some(1_000))).await.unwrap();
    assert_eq!((beyond.total, beyond.total_exact, beyond.items.len()), (2_050, true, 0));
}
conformance!(
    fed_9_ranking_windows_widen_and_bounded_totals_say_there_are_more,
    ranking_windows_widen_and_bounded_totals_say_there_are_more
);

async fn petitioner_history_and_similar_statements(store: &dyn Store) {
    let (qx, _, xs, _) = tree(store).await;
    unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
    let officer = user(store, "wang", "XS", Role::Officer).await;
    let east = user(store, "dong", "DZ", Role::Officer).await;
    let wages = "在西山社区工地务工三个月,包工头拖欠工资一万二千元,多次讨要未果";
    let p1 = ("王五", "11010519491231002X", "13812345678", "西山社区3栋201");
    let cases = [
        petition("XS", wages, "2026-10-01", p1),
        petition("XS", "小区电梯长期不维修,老人上下楼困难", "2026-10-05", ("王五", "", "13812345678", "")),
        petition("XS", wages, "2026-11-01", ("李四", "", "13900001111", "西山社区5栋")),
        petition("XS", "申请低保被拒绝", "2026-11-02", ("王五", "", "", "西山社区3栋201")),
    ];
    let batch: Vec<NewCase> = cases.into_iter().map(|r| new_case(r, &officer)).collect();
    let ids = store.register_cases(&batch).await.unwrap();
    let far = store.register_cases(&[new_case(petition("DZ", "东镇的事", "2026-11-03", p1), &east)]).await.unwrap();
    let county = store.unit_subtree(qx).await.unwrap();
    let community = store.unit_subtree(xs).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let history = |keys: PersonKeys, scope: Vec<i64>| async move {
        let found = store.petitioner_cases(&keys, &scope, today, 50).await.unwrap();
        found.iter().map(|c| c.id).collect::<Vec<_>>()
    };
    let by_id = PersonKeys { id_number: Some(p1.1.into()), ..Default::default() };
    assert_eq!(history(by_id.clone(), county.clone()).await, [far[0], ids[0]], "newest first, across the county");
    assert_eq!(history(by_id, community.clone()).await, [ids[0]], "only within the reader's scope");
    let by_phone = PersonKeys { phone: Some(p1.2.into()), ..Default::default() };
    assert_eq!(history(by_phone, community.clone()).await, [ids[1], ids[0]]);
    let by_name_address =
        PersonKeys { name_address: Some(("王五".into(), "西山社区3栋201".into())), ..Default::default() };
    assert_eq!(history(by_name_address, community.clone()).await, [ids[3], ids[0]]);
    let any = PersonKeys { id_number: Some(p1.1.into()), phone: Some(p1.2.into()), name_address: None };
    assert_eq!(history(any, community.clone()).await.len(), 2);
    assert!(history(PersonKeys::default(), community.clone()).await.is_empty(), "no keys, no history");
    let by_phone = PersonKeys { phone: Some(p1.2.into()), ..Default::default() };
    let found = store.petitioner_cases(&by_phone, &community, today, 1).await.unwrap();
    assert_eq!(found.len(), 1, "the limit holds");
    assert!(!found[0].request_lapsed);
    assert_eq!(found[0].petitioner_address, None);

    // Statements sharing an LSH band: the same words, not the other matter.
    let bands = huiyin_search::minhash::bands(wages);
    let since: DateTime<Utc> = "2026-09-01T00:00:00Z".parse().unwrap();
    let end: DateTime<Utc> = "2026-12-31T00:00:00Z".parse().unwrap();
    let similar = store.cases_sharing_bands(&bands, &community, since, end, today, 50).await.unwrap();
    let mut similar_ids: Vec<i64> = similar.iter().map(|c| c.id).collect();
    similar_ids.sort();
    assert_eq!(similar_ids, [ids[0], ids[2]]);
    let later: DateTime<Utc> = "2026-10-15T00:00:00Z".parse().unwrap();
    let recent = store.cases_sharing_bands(&bands, &community, later, end, today, 50).await.unwrap();
    assert_eq!(recent.iter().map(|c| c.id).collect::<Vec<_>>(), [ids[2]], "only those received since");
    let earlier = store.cases_sharing_bands(&bands, &community, since, later, today, 50).await.unwrap();
    assert_eq!(earlier.iter().map(|c| c.id).collect::<Vec<_>>(), [ids[0]], "only those received until");
    assert!(store.cases_sharing_bands(&[], &community, since, end, today, 50).await.unwrap().is_empty());
}
conformance!(fed_11_petitioner_history_and_similar_statements, petitioner_history_and_similar_statements);

async fn the_index_is_rebuilt_and_the_dictionary_kept(store: &dyn Store) {
    let (qx, _, _, _) = tree(store).await;
    let officer = user(store, "wang", "QX", Role::Officer).await;
    let mut skipped = petition("QX", "东坡村道路破损", "2026-11-02", ("王五", "", "", ""));
    skipped.place_unit = Some(code("XS"));
    skipped.flags.insert(Flag::SkipLevel);
    let mut blank = new_case(petition("QX", "东坡村道路破损严重", "2026-11-03", ("李四", "", "", "")), &officer);
    blank.search = SearchDoc::default();
    let ids = store.register_cases(&[new_case(skipped, &officer), blank]).await.unwrap();
    assert_eq!(store.search_coverage().await.unwrap(), (2, 2));
    let county = store.unit_subtree(qx).await.unwrap();
    let search =
        CaseQuery { scope: county.clone(), search: Some(words("破损")), page: 1, per_page: 10, ..Default::default() };
    assert_eq!(store.list_cases(&search).await.unwrap().total, 1, "the second case was indexed without words");

    // Rebuilding: every case with its log, in id order, in batches.
    let first = store.cases_for_index(0, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, ids[0]);
    assert_eq!(first[0].2.len(), 1, "the registration event");
    let rest = store.cases_for_index(ids[0], 10).await.unwrap();
    assert_eq!(rest.iter().map(|c| c.0).collect::<Vec<_>>(), [ids[1]]);
    assert!(store.cases_for_index(ids[1], 10).await.unwrap().is_empty());
    let docs: Vec<(i64, SearchDoc)> = first.iter().chain(&rest).map(|(id, reg, _)| (*id, search_doc(reg))).collect();
    store.put_search_docs(&docs).await.unwrap();
    store.put_search_docs(&docs).await.unwrap();
    assert_eq!(store.list_cases(&search).await.unwrap().total, 2, "rebuilt, and rebuilding twice changes nothing");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let since: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let end: DateTime<Utc> = "2026-11-30T00:00:00Z".parse().unwrap();
    // The bands of an indexed case come from its statement alone: a rebuild keeps them as they
    // were written (the second case was registered without any), and each is found once.
    let bands = huiyin_search::minhash::bands("东坡村道路破损");
    let similar = store.cases_sharing_bands(&bands, &county, since, end, today, 10).await.unwrap();
    assert_eq!(similar.iter().map(|c| c.id).collect::<Vec<_>>(), [ids[0]], "the kept bands are found, once");
    assert_eq!(store.search_coverage().await.unwrap(), (2, 2));

    // Administrators' words: kept once each.
    let at = Utc::now();
    assert!(store.search_words().await.unwrap().is_empty());
    let added = store.add_search_words(&["东坡村".into(), "讨薪".into()], Some(officer.id), at).await.unwrap();
    assert_eq!(added, 2);
    assert_eq!(store.add_search_words(&["东坡村".into()], None, at).await.unwrap(), 0);
    assert_eq!(store.search_words().await.unwrap(), ["东坡村", "讨薪"]);

    // TWN-14: 越级 counted against the unit of the problem's place.
    let counts = store.skip_level_counts(&county, &Blindness::default()).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].unit_code.as_str(), counts[0].cases), ("XS", 1));
    assert!(store.skip_level_counts(&[], &Blindness::default()).await.unwrap().is_empty());
}
conformance!(twn_14_the_index_is_rebuilt_and_skip_levels_counted, the_index_is_rebuilt_and_the_dictionary_kept);

/// The database of one case, written before migration 0010, with its bands as that schema kept them:
/// the schema is taken back to 0009 (`downgrade`) and the band rows written again.
async fn a_case_with_bands_of_the_old_schema(
    store: &dyn Store,
    downgrade: &'static str,
    url: &str,
) -> (i64, Vec<i64>, Vec<i64>) {
    let (qx, _, _, _) = tree(store).await;
    let officer = user(store, "wang", "QX", Role::Officer).await;
    let text = "东坡村道路破损严重,雨天无法通行,请求尽快修复";
    let ids = store
        .register_cases(&[new_case(petition("QX", text, "2026-11-02", ("王五", "", "", "")), &officer)])
        .await
        .unwrap();
    let bands = huiyin_search::minhash::bands(text);
    let county = store.unit_subtree(qx).await.unwrap();
    let old = "INSERT INTO case_bands (band, received_at, case_id) SELECT $1, received_at, id FROM cases WHERE id = $2";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::raw_sql(downgrade).execute(&pool).await.unwrap();
        for band in &bands {
            sqlx::query(old).bind(band).bind(ids[0]).execute(&pool).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::raw_sql(downgrade).execute(&pool).await.unwrap();
        for band in &bands {
            sqlx::query(old).bind(band).bind(ids[0]).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
    (ids[0], bands, county)
}

/// After the upgrade, the carried-over bands find the case.
async fn the_bands_are_found(store: &dyn Store, id: i64, bands: &[i64], county: &[i64]) {
    let since: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let until: DateTime<Utc> = "2026-11-30T00:00:00Z".parse().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let similar = store.cases_sharing_bands(bands, county, since, until, today, 10).await.unwrap();
    assert_eq!(similar.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
}

mod fed_11_bands_of_the_earlier_schema_are_carried_over {
    use super::*;
    use huiyin_store_tests::Scratch;

    /// FED-13: the records written before the chains existed are chained when the upgraded store
    /// first opens: every event on its case's chain and its day's, each link matching.
    async fn the_records_are_chained(store: &dyn Store) {
        let ledger = store.ledger_page(None, 1000).await.unwrap();
        assert!(!ledger.is_empty(), "the earlier records are chained");
        assert!(ledger.iter().all(|row| row.current_hash.as_ref() == Some(&row.record_hash)), "{ledger:?}");
        let events = store.event_links((0, 0), 1000).await.unwrap();
        assert!(!events.is_empty() && events.iter().all(|e| e.chain_hash.is_some()), "{events:?}");
        let (unchained, _) = store.unchained(10).await.unwrap();
        assert_eq!(unchained, vec![], "every record is on a day's chain");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let scratch = Scratch::sqlite().await;
        let downgrade = "DROP TABLE reception_schedule; DROP TABLE online_submissions; DROP TABLE unit_public_info; \
            DROP TABLE case_band_index; DROP INDEX cases_search_filter; \
            CREATE TABLE case_bands (band INTEGER NOT NULL, received_at TEXT NOT NULL, \
            case_id INTEGER NOT NULL REFERENCES cases(id), PRIMARY KEY (band, received_at, case_id)) WITHOUT ROWID; \
            CREATE INDEX case_bands_case ON case_bands(case_id); ALTER TABLE outbox DROP COLUMN claimed_at; \
            DROP TABLE guard_failures; DROP TABLE setting_versions; \
            DROP INDEX cases_accused_unit; DROP INDEX cases_accused_user; ALTER TABLE cases DROP COLUMN accused_user_id; \
            ALTER TABLE users DROP COLUMN title; ALTER TABLE users DROP COLUMN credential; DROP TABLE saved_filters; DROP TABLE admin_events; \
            DROP TABLE password_links; ALTER TABLE users DROP COLUMN rank; ALTER TABLE users DROP COLUMN phone; \
            ALTER TABLE users DROP COLUMN link_issuer_id; ALTER TABLE users DROP COLUMN session_generation; \
            ALTER TABLE api_tokens DROP COLUMN name; ALTER TABLE api_tokens DROP COLUMN scope; \
            ALTER TABLE api_tokens DROP COLUMN expires_at; \
            ALTER TABLE units DROP COLUMN closed_at; \
            DROP INDEX sessions_user; ALTER TABLE sessions DROP COLUMN user_id; ALTER TABLE sessions DROP COLUMN handle; \
            ALTER TABLE sessions DROP COLUMN credential; ALTER TABLE sessions DROP COLUMN signed_in_at; \
            ALTER TABLE sessions DROP COLUMN address; ALTER TABLE sessions DROP COLUMN agent; \
            DROP TABLE unit_former_names; DROP TABLE duty_days; DROP TABLE duty_patterns; DROP TABLE duty_attendance; \
            DROP TABLE case_recusals; DROP TABLE gifts; \
            DROP TABLE training_attendees; DROP TABLE trainings; ALTER TABLE users DROP COLUMN added_at; DROP TABLE staff_complaints; \
            DROP TABLE reception_months; \
            DROP INDEX cases_by_session; ALTER TABLE cases DROP COLUMN session_id; DROP TABLE reception_sessions; DROP TABLE key_petitioners; DROP TABLE told_once; \
            DROP TABLE body_members; DROP TABLE body_rules; DROP TABLE charter_versions; DROP TABLE charters; \
            DROP TABLE meeting_matters; DROP TABLE meeting_decisions; DROP TABLE meetings; DROP TABLE screenings; DROP TABLE measure_tally_days; DROP TABLE measure_tally; DROP TABLE measure_facts; DROP TABLE unit_terms; DROP TABLE service_requests; DROP TABLE unit_territories; DROP TABLE policy_articles; DROP TABLE policies; \
            DROP TABLE ledger; DROP TABLE ledger_days; DROP TABLE chain_backfill; ALTER TABLE case_events DROP COLUMN chain_hash; DROP TABLE job_runs; \
            DROP INDEX outbox_dead; DROP INDEX outbox_unsent; ALTER TABLE outbox DROP COLUMN next_attempt_at; \
            ALTER TABLE outbox DROP COLUMN last_error; ALTER TABLE outbox DROP COLUMN dead_at; \
            CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL; ALTER TABLE users DROP COLUMN email; \
            DELETE FROM _sqlx_migrations WHERE version >= 10;";
        let (id, bands, county) = a_case_with_bands_of_the_old_schema(&*scratch.store, downgrade, &scratch.url).await;
        let upgraded = huiyin_store_sqlite::SqliteStore::open(&scratch.url).await.unwrap();
        the_bands_are_found(&upgraded, id, &bands, &county).await;
        the_records_are_chained(&upgraded).await;
        scratch.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(scratch) = Scratch::postgres().await else { return };
        let downgrade = "DROP TABLE reception_schedule; DROP TABLE online_submissions; DROP TABLE unit_public_info; \
            DROP TABLE case_band_index; DROP INDEX cases_search_filter; \
            CREATE TABLE case_bands (band BIGINT NOT NULL, received_at TIMESTAMPTZ NOT NULL, \
            case_id BIGINT NOT NULL REFERENCES cases(id), PRIMARY KEY (band, received_at, case_id)); \
            CREATE INDEX case_bands_case ON case_bands(case_id); DROP VIEW unit_reach; \
            ALTER TABLE outbox DROP COLUMN claimed_at; DROP TABLE guard_failures; DROP TABLE setting_versions; \
            DROP INDEX cases_accused_unit; DROP INDEX cases_accused_user; ALTER TABLE cases DROP COLUMN accused_user_id; \
            ALTER TABLE users DROP COLUMN title; ALTER TABLE users DROP COLUMN credential; DROP TABLE saved_filters; DROP TABLE admin_events; \
            DROP TABLE password_links; ALTER TABLE users DROP COLUMN rank; ALTER TABLE users DROP COLUMN phone; \
            ALTER TABLE users DROP COLUMN link_issuer_id; ALTER TABLE users DROP COLUMN session_generation; \
            ALTER TABLE api_tokens DROP COLUMN name; ALTER TABLE api_tokens DROP COLUMN scope; \
            ALTER TABLE api_tokens DROP COLUMN expires_at; \
            ALTER TABLE units DROP COLUMN closed_at; \
            DROP INDEX sessions_user; ALTER TABLE sessions DROP COLUMN user_id; ALTER TABLE sessions DROP COLUMN handle; \
            ALTER TABLE sessions DROP COLUMN credential; ALTER TABLE sessions DROP COLUMN signed_in_at; \
            ALTER TABLE sessions DROP COLUMN address; ALTER TABLE sessions DROP COLUMN agent; \
            DROP TABLE unit_former_names; DROP TABLE duty_days; DROP TABLE duty_patterns; DROP TABLE duty_attendance; \
            DROP TABLE case_recusals; DROP TABLE gifts; \
            DROP TABLE training_attendees; DROP TABLE trainings; ALTER TABLE users DROP COLUMN added_at; DROP TABLE staff_complaints; \
            DROP TABLE reception_months; \
            DROP INDEX cases_by_session; ALTER TABLE cases DROP COLUMN session_id; DROP TABLE reception_sessions; DROP TABLE key_petitioners; DROP TABLE told_once; \
            DROP TABLE body_members; DROP TABLE body_rules; DROP TABLE charter_versions; DROP TABLE charters; \
            DROP TABLE meeting_matters; DROP TABLE meeting_decisions; DROP TABLE meetings; DROP TABLE screenings; DROP TABLE measure_tally_days; DROP TABLE measure_tally; DROP TABLE measure_facts; DROP TABLE unit_terms; DROP TABLE service_requests; DROP TABLE unit_territories; DROP TABLE policy_articles; DROP TABLE policies; \
            DROP TABLE ledger; DROP TABLE ledger_days; DROP TABLE chain_backfill; ALTER TABLE case_events DROP COLUMN chain_hash; DROP TABLE job_runs; \
            DROP INDEX outbox_dead; DROP INDEX outbox_unsent; ALTER TABLE outbox DROP COLUMN next_attempt_at; \
            ALTER TABLE outbox DROP COLUMN last_error; ALTER TABLE outbox DROP COLUMN dead_at; \
            CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL; ALTER TABLE users DROP COLUMN email; \
            DELETE FROM _sqlx_migrations WHERE version >= 10;";
        let (id, bands, county) = a_case_with_bands_of_the_old_schema(&*scratch.store, downgrade, &scratch.url).await;
        let upgraded = huiyin_store_postgres::PostgresStore::open(&scratch.url).await.unwrap();
        the_bands_are_found(&upgraded, id, &bands, &county).await;
        the_records_are_chained(&upgraded).await;
        upgraded.close().await;
        scratch.finish().await;
    }
}

/// Issue 18, GEN-7: a unit renamed before former names were kept has its old name back from the
/// audit log's rename when the database is upgraded, so that an accusation by that name still
/// finds it; an old name that is now another unit's current name is not taken.
mod gen_7_renames_logged_before_the_upgrade_become_former_names {
    use super::*;
    use huiyin_store_tests::Scratch;

    /// Logs two renames as an earlier huiyin did (no former name kept), then takes the schema back
    /// to before the backfill (`version` is that migration's number on the backend).
    async fn renames_of_the_old_schema(store: &dyn Store, url: &str, version: i64) -> i64 {
        let (_, _, xs, _) = tree(store).await;
        for old in ["西山居委会", "西镇"] {
            let before = format!(r#"{{"code":"XS","name":"{old}"}}"#);
            let event = NewAdminEvent {
                at: Utc::now(),
                actor_id: None,
                unit_id: Some(xs),
                action: "unit.rename".into(),
                target: "XS".into(),
                before: Some(before),
                after: None,
                address: None,
            };
            store.record_admin_event(&event).await.unwrap();
        }
        let downgrade = format!("DELETE FROM _sqlx_migrations WHERE version = {version}");
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(downgrade)).execute(&pool).await.unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(downgrade)).execute(&pool).await.unwrap();
            pool.close().await;
        }
        xs
    }

    async fn the_old_name_is_a_former_name(store: &dyn Store, xs: i64) {
        let former = store.unit_former_names().await.unwrap();
        let names: Vec<(i64, &str)> = former.iter().map(|f| (f.unit_id, f.name.as_str())).collect();
        assert_eq!(names, [(xs, "西山居委会")], "西镇 is the town's name now");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let scratch = Scratch::sqlite().await;
        let xs = renames_of_the_old_schema(&*scratch.store, &scratch.url, 28).await;
        let upgraded = huiyin_store_sqlite::SqliteStore::open(&scratch.url).await.unwrap();
        the_old_name_is_a_former_name(&upgraded, xs).await;
        scratch.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(scratch) = Scratch::postgres().await else { return };
        let xs = renames_of_the_old_schema(&*scratch.store, &scratch.url, 30).await;
        let upgraded = huiyin_store_postgres::PostgresStore::open(&scratch.url).await.unwrap();
        the_old_name_is_a_former_name(&upgraded, xs).await;
        upgraded.close().await;
        scratch.finish().await;
    }
}

// ---------------------------------------------------------------------------------------------
// The whole database moved (issue 23, FED-13, GEN-11): `TransferStore`.

mod transfer {
    use super::*;
    use huiyin_store::transfer::{Cell, ColumnKind, TABLES, TransferItem};
    use huiyin_store::{Blob, NewIssuedDocument};
    use huiyin_store_tests::Scratch;

    /// Units (one moved under a unit made after it, so that its parent's id is larger than its
    /// own), accounts, a case with its events and deadlines, and a document with its bytes.
    async fn world(store: &dyn Store) -> i64 {
        let (_, _, xs, _) = tree(store).await;
        let dz = unit(store, "DZ", "东镇", UnitKind::Town, Some("QX")).await;
        store.move_unit(xs, dz).await.unwrap();
        let officer = user(store, "wang", "XS", Role::Officer).await;
        let reg = registration("XS", "拖欠工资三个月未发放", "2026-11-20T09:00:00Z", "张三");
        let case = store.register_cases(&[new_case(reg, &officer)]).await.unwrap()[0];
        let bytes = b"%PDF-1.7 receipt".to_vec();
        let pdf = Blob { sha256: "9f".repeat(32), media_type: "application/pdf".into(), bytes };
        let issued_at = "2026-11-20T09:05:00.123456789Z".parse().unwrap();
        let doc = NewIssuedDocument { kind: "receipt".into(), issued_by: 1, title: "回执".into(), issued_at, pdf };
        store.keep_issued_document(case, &doc).await.unwrap();
        dz
    }

    /// Every row of every table, instants to the microsecond (PostgreSQL keeps no finer).
    async fn rows(store: &dyn Store) -> Vec<(&'static str, Vec<Vec<Cell>>)> {
        let (to, mut from) = tokio::sync::mpsc::channel(4);
        let (read, rows) = tokio::join!(store.export_tables(to), async {
            let mut rows: Vec<(&'static str, Vec<Vec<Cell>>)> = TABLES.iter().map(|t| (t.name, vec![])).collect();
            let mut complete = false;
            while let Some(item) = from.recv().await {
                match item {
                    TransferItem::Rows(batch) => rows[batch.table.position()].1.extend(batch.rows),
                    TransferItem::Complete => complete = true,
                }
            }
            assert!(complete, "an export ends with Complete");
            rows
        });
        read.unwrap();
        rows.into_iter()
            .map(|(name, rows)| {
                let rows = rows
                    .into_iter()
                    .map(|row| {
                        row.into_iter()
                            .map(|cell| match cell {
                                Cell::Instant(at) => Cell::Instant(at.trunc_subsecs(6)),
                                other => other,
                            })
                            .collect()
                    })
                    .collect();
                (name, rows)
            })
            .collect()
    }

    async fn copy(from: &dyn Store, to: &dyn Store) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        let (read, written) = tokio::join!(from.export_tables(sender), to.import_tables(receiver));
        read.unwrap();
        written
    }

    use chrono::SubsecRound;

    /// FED-13, GEN-11: a unit's database goes from SQLite to PostgreSQL and back with every row of
    /// every table as it was; ids go on after the largest imported; a database that holds data is
    /// refused and keeps what it held; rows cut short write nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fed_13_a_database_moves_between_backends_whole() {
        let sqlite = Scratch::sqlite().await;
        let Some(postgres) = Scratch::postgres().await else { return };
        let back = Scratch::sqlite().await;
        world(&*sqlite.store).await;
        let before = rows(&*sqlite.store).await;
        let counted = |name: &str| before.iter().find(|(t, _)| *t == name).map_or(0, |(_, r)| r.len());
        assert!(counted("units") == 5 && counted("cases") == 1 && counted("blobs") == 1 && counted("case_events") >= 1);

        let written = copy(&*sqlite.store, &*postgres.store).await.unwrap();
        assert_eq!(written.iter().find(|(t, _)| *t == "units"), Some(&("units", 5)));
        assert_eq!(rows(&*postgres.store).await, before, "SQLite to PostgreSQL");
        copy(&*postgres.store, &*back.store).await.unwrap();
        assert_eq!(rows(&*back.store).await, before, "and back to SQLite");

        // The moved unit reads as it did; new rows take ids after the imported ones.
        for store in [&*postgres.store, &*back.store] {
            assert_eq!(
                store.unit_by_code("XS").await.unwrap().unwrap().parent_id,
                store.unit_by_code("DZ").await.unwrap().map(|u| u.id)
            );
            let next = unit(store, "NX", "新村", UnitKind::Village, Some("DZ")).await;
            assert!(next > 5, "{next}");
        }

        // Into a database that holds data: refused, and nothing of it changes.
        let held = rows(&*back.store).await;
        let refused = copy(&*sqlite.store, &*back.store).await;
        assert!(matches!(&refused, Err(StoreError::Transfer(m)) if m.contains("empty")), "{refused:?}");
        assert_eq!(rows(&*back.store).await, held);

        // Rows that stop before the end (the reader failed): nothing is written, though a unit came.
        let cut = Scratch::sqlite().await;
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        let (_, written) = tokio::join!(
            async move {
                let table = &TABLES[0];
                let unit = vec![
                    Cell::Int(1),
                    Cell::Text("QX".into()),
                    Cell::Text("清溪县".into()),
                    Cell::Text("county".into()),
                    Cell::Null,
                    Cell::Null,
                ];
                sender
                    .send(TransferItem::Rows(huiyin_store::transfer::TableBatch { table, rows: vec![unit] }))
                    .await
                    .unwrap();
            },
            cut.store.import_tables(receiver)
        );
        assert!(matches!(&written, Err(StoreError::Transfer(_))), "{written:?}");
        assert!(!cut.store.holds_data().await.unwrap());

        for scratch in [sqlite, postgres, back, cut] {
            scratch.finish().await;
        }
    }

    /// A row of the wrong kind is refused naming its column, and nothing is written.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_row_of_the_wrong_kind_is_refused_naming_its_column() {
        let scratch = Scratch::sqlite().await;
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        let units = huiyin_store::transfer::TableSpec::named("units").unwrap();
        let row = vec![
            Cell::Text("one".into()),
            Cell::Text("QX".into()),
            Cell::Text("县".into()),
            Cell::Text("county".into()),
            Cell::Null,
            Cell::Null,
        ];
        let (_, written) = tokio::join!(
            async move {
                sender
                    .send(TransferItem::Rows(huiyin_store::transfer::TableBatch { table: units, rows: vec![row] }))
                    .await
                    .unwrap();
                sender.send(TransferItem::Complete).await.unwrap();
            },
            scratch.store.import_tables(receiver)
        );
        assert!(matches!(&written, Err(StoreError::Transfer(m)) if m.contains("units.id")), "{written:?}");
        assert!(!scratch.store.holds_data().await.unwrap());
        scratch.finish().await;
    }

    /// The columns of `TABLES`, each with its kind as PostgreSQL names it (SQLite names none).
    fn spec(with_kinds: bool) -> std::collections::BTreeSet<(String, String, String)> {
        let pg_type = |kind| match kind {
            ColumnKind::Int => "bigint",
            ColumnKind::Int32 => "integer",
            ColumnKind::Text => "text",
            ColumnKind::Bool => "boolean",
            ColumnKind::Instant => "timestamp with time zone",
            ColumnKind::Day => "date",
            ColumnKind::Json => "jsonb",
            ColumnKind::Bytes => "bytea",
        };
        TABLES
            .iter()
            .flat_map(|t| {
                t.columns.iter().map(move |(c, k)| {
                    (t.name.to_owned(), (*c).to_owned(), if with_kinds { pg_type(*k) } else { "" }.to_owned())
                })
            })
            .collect()
    }

    fn kept(columns: Vec<(String, String, String)>) -> std::collections::BTreeSet<(String, String, String)> {
        columns.into_iter().filter(|(t, _, _)| !huiyin_store::transfer::left_out(t)).collect()
    }

    /// `TABLES` is every table of both schemas with every column (of the kind PostgreSQL has), but
    /// the search index (rebuilt after an import), the migrations' bookkeeping and the sign-in
    /// sessions: a migration that adds a table or a column without adding it to `TABLES` fails here.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_transfer_tables_are_the_whole_schema() {
        let sqlite = Scratch::sqlite().await;
        let pool = sqlx::SqlitePool::connect(&sqlite.url).await.unwrap();
        let columns = sqlx::query_as(
            "SELECT m.name, p.name, '' FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        assert_eq!(kept(columns), spec(false), "SQLite");
        sqlite.finish().await;
        let Some(postgres) = Scratch::postgres().await else { return };
        let pool = sqlx::PgPool::connect(&postgres.url).await.unwrap();
        let columns = sqlx::query_as(
            "SELECT c.table_name::TEXT, c.column_name::TEXT, c.data_type::TEXT FROM information_schema.columns c \
               JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema \
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        assert_eq!(kept(columns), spec(true), "PostgreSQL");
        postgres.finish().await;
    }
}
