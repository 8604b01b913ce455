//! The policies that must never be forgotten, proven on the application services themselves (the
//! layer every shell calls), on SQLite and on PostgreSQL: GEN-7 (the accused never reach an
//! accusation, and nothing offers to send it into their reach) and COM-4 (lists mask, a full view
//! is logged). The HTTP suite proves the same through every operation and page of the real server.

use std::collections::BTreeSet;
use std::sync::Arc;

use huiyin_app::actor::Actor;
use huiyin_app::cases::offers::{offered_actions, pickers};
use huiyin_app::cases::{self, CaseAction, CaseActionKind, ListParams};
use huiyin_app::context::{AppState, SecretKey};
use huiyin_app::error::AppError;
use huiyin_core::case::CaseDraft;
use huiyin_core::category;
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use huiyin_store::{NewUnit, NewUser, Store};
use huiyin_store_tests::{Scratch, TempDir};
use serde_json::json;

/// Runs a scenario on a fresh SQLite and a fresh PostgreSQL database.
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let scratch = huiyin_store_tests::Scratch::sqlite().await;
                super::$name(&scratch).await;
                scratch.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(scratch) = huiyin_store_tests::Scratch::postgres().await else { return };
                super::$name(&scratch).await;
                scratch.finish().await;
            }
        }
    };
}

const ROLES: [Role; 5] = [Role::Admin, Role::Officer, Role::Leader, Role::Handler, Role::Supervisor];

/// 清溪县 QX > 西镇 XZ > {西山社区 XS, 民政办 XZ-MZ (a department of the town)}; 东镇 DZ under the
/// county. Every role at every unit, named `<unit>_<role>` in lower case.
struct World {
    state: AppState,
    _key_dir: TempDir,
}

impl World {
    async fn new(scratch: &Scratch) -> World {
        let store: Arc<dyn Store> = scratch.store.clone();
        let units = [
            ("QX", "清溪县", UnitKind::County, None),
            ("XZ", "西镇", UnitKind::Town, Some("QX")),
            ("XS", "西山社区", UnitKind::Community, Some("XZ")),
            ("XZ-MZ", "西镇民政办", UnitKind::Department, Some("XZ")),
            ("DZ", "东镇", UnitKind::Town, Some("QX")),
        ];
        for (code, name, kind, parent) in units {
            let code = UnitCode::parse("code", code).unwrap();
            let parent = parent.map(|p| UnitCode::parse("parent", p).unwrap());
            store.add_unit(&NewUnit { code: code.clone(), name: name.into(), kind, parent }).await.unwrap();
            for role in ROLES {
                let username = format!("{}_{}", code.as_str().to_ascii_lowercase().replace('-', ""), role.code());
                let display_name = format!("{name}{}", role.label_zh());
                let user = NewUser {
                    username,
                    display_name,
                    unit: code.clone(),
                    role,
                    password_hash: None,
                    may_backdate: false,
                    title: None,
                    credential: None,
                    rank: None,
                    phone: None,
                    email: None,
                };
                store.add_user(&user).await.unwrap();
            }
        }
        let classes = category::parse_tsv(include_str!("../../../data/categories/content-categories.tsv"));
        store.seed_categories(&classes).await.unwrap();
        let key_dir = TempDir::new("huiyin-app-test");
        let key = SecretKey::load_or_create(&key_dir.0.join("secret.key")).unwrap();
        World { state: AppState::new(store, key).await.unwrap(), _key_dir: key_dir }
    }

    async fn actor(&self, username: &str) -> Actor {
        let user = self.state.store.user_by_username(username).await.unwrap().unwrap();
        Actor::load(&self.state, user).await.unwrap()
    }

    /// A visit registered at `unit` by its officer, accusing `accused` (a unit code) if any.
    async fn register(&self, unit: &str, accused: Option<&str>) -> i64 {
        let mut body = json!({
            "channel": "visit",
            "received_at": "2026-11-20T09:30:00+08:00",
            "unit": unit,
            "petitioner": {"name": "保密癸", "id_number": "11010519491231002X", "phone": "138 1234 5678",
                           "address": "西山社区向阳街 12 号"},
            "category": "拖欠农民工工资",
            "content": "检举某干部截留低保金,请求查处。",
        });
        if let Some(accused) = accused {
            body["accused"] = json!({"unit": accused, "name": "某干部"});
            body["purpose"] = json!("accusation");
        }
        let draft: CaseDraft = serde_json::from_value(body).unwrap();
        let officer = self.actor(&format!("{}_officer", unit.to_ascii_lowercase().replace('-', ""))).await;
        cases::register_case(&self.state, &officer, &draft).await.unwrap().0
    }
}

fn names(kinds: &[CaseActionKind]) -> BTreeSet<&'static str> {
    kinds.iter().map(|k| k.segment()).collect()
}

/// GEN-7 on the services: for every role of the accused town and of its department, the accusation
/// does not exist — reading it, listing or searching for it, being offered its actions, and taking
/// every action of the catalogue (with an empty draft, the most a caller can send) all answer “not
/// found”, and nothing is written.
async fn gen_7_the_services_hide_an_accusation_from_every_role_of_the_accused(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let id = w.register("QX", Some("XZ")).await;
    let version = w.state.store.case_file(id).await.unwrap().unwrap().version;
    for unit in ["xz", "xzmz"] {
        for role in ROLES {
            let actor = w.actor(&format!("{unit}_{}", role.code())).await;
            let who = &actor.user.username;
            assert!(matches!(cases::case_file(&w.state, &actor, id).await, Err(AppError::NotFound)), "{who}");
            for q in [None, Some("保密癸"), Some("截留低保金"), Some("13812345678")] {
                let params = ListParams { q: q.map(str::to_owned), ..ListParams::default() };
                let listing = cases::list_cases(&w.state, &actor, &params).await.unwrap();
                assert!(listing.page.items.iter().all(|c| c.id != id), "{who} lists it with {q:?}");
            }
            for kind in CaseActionKind::ALL {
                let action = CaseAction::from_json(kind.segment(), json!({})).unwrap().unwrap();
                let outcome = cases::act(&w.state, &actor, id, action, None).await;
                assert!(matches!(outcome, Err(AppError::NotFound)), "{who} {}: {outcome:?}", kind.segment());
            }
        }
    }
    let after = w.state.store.case_file(id).await.unwrap().unwrap().version;
    assert_eq!(after, version, "nothing was written");
    // A staff member accused by name: the county's own leader, of a case the county holds.
    let draft: CaseDraft = serde_json::from_value(json!({
        "channel": "visit", "received_at": "2026-11-20T09:30:00+08:00", "unit": "QX",
        "petitioner": {"name": "保密子", "phone": "13912345678"}, "category": "拖欠农民工工资",
        "purpose": "accusation", "accused": {"user": "qx_leader", "name": "县里某领导"},
        "content": "检举县里某领导收受好处。",
    }))
    .unwrap();
    let officer = w.actor("qx_officer").await;
    let (person_case, _) = cases::register_case(&w.state, &officer, &draft).await.unwrap();
    let accused = w.actor("qx_leader").await;
    assert!(matches!(cases::case_file(&w.state, &accused, person_case).await, Err(AppError::NotFound)));
    let listing = cases::list_cases(&w.state, &accused, &ListParams::default()).await.unwrap();
    assert!(listing.page.items.iter().all(|c| c.id != person_case), "the accused leader lists it");
    assert!(cases::case_file(&w.state, &officer, person_case).await.is_ok(), "the officer still sees it");
}
both_backends!(gen_7_the_services_hide_an_accusation_from_every_role_of_the_accused);

/// GEN-7 on what the case page offers: as every role of the county holding an accusation against
/// the town, no picker names a unit within the town's reach or anyone of it; and a community below
/// the accused town, holding an accusation against it, is offered no handling of its own (accept,
/// answer, reject, opinion …), only the routes out of the town's reach.
async fn gen_7_offers_and_pickers_never_lead_into_the_accused_reach(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let at_county = w.register("QX", Some("XZ")).await;
    let file = w.state.store.case_file(at_county).await.unwrap().unwrap();
    let within = ["XZ", "XS", "XZ-MZ"];
    let staff_within = |login: &str| ["xz_", "xs_", "xzmz_"].iter().any(|p| login.starts_with(p));
    for role in ROLES {
        let actor = w.actor(&format!("qx_{}", role.code())).await;
        let p = pickers(&w.state, &actor, &file).await.unwrap();
        for units in [&p.units_in_scope, &p.units_any, &p.units_above, &p.units_above_registering] {
            assert!(units.iter().all(|u| !within.contains(&u.value.as_str())), "{role:?}: {units:?}");
        }
        for people in [&p.staff_in_scope, &p.leaders] {
            assert!(people.iter().all(|u| !staff_within(&u.value)), "{role:?}: {people:?}");
        }
        assert!(p.units_any.iter().any(|u| u.value == "DZ"), "a unit outside the reach is offered");
        assert!(p.staff_in_scope.iter().any(|u| u.value == "dz_officer"), "{role:?}: {:?}", p.staff_in_scope);
        assert!(p.leaders.iter().any(|u| u.value == "qx_leader"), "{role:?}: {:?}", p.leaders);
        // Only the naming of the accused lists them (staff correct who is accused).
        assert!(p.accusable_units.iter().any(|u| u.value == "XZ"));
    }
    // A community below the accused town holds an accusation against it.
    let below = w.register("XS", Some("XZ")).await;
    let file = w.state.store.case_file(below).await.unwrap().unwrap();
    let officer = w.actor("xs_officer").await;
    let offered = names(&offered_actions(&w.state, &officer, &file).await.unwrap());
    for handling in ["accept", "answer", "reject", "register-only", "opinion", "reply", "close"] {
        assert!(!offered.contains(handling), "{handling} offered within the reach: {offered:?}");
    }
    assert!(offered.contains("escalate"), "{offered:?}");
    // Nor any route that could only lead into the reach, nor a change of who is accused from within it.
    for within in ["set-accused", "assign", "hand-off"] {
        assert!(!offered.contains(within), "{within} offered within the reach: {offered:?}");
    }
    let p = pickers(&w.state, &officer, &file).await.unwrap();
    assert_eq!(p.units_above.iter().map(|u| u.value.as_str()).collect::<Vec<_>>(), ["QX"], "escalation skips XZ");
}
both_backends!(gen_7_offers_and_pickers_never_lead_into_the_accused_reach);

/// GEN-7: an objection hands the case back to whoever sent it; when that person is accused, the
/// receiver is not offered the objection (it could only be refused), and taking it is refused.
async fn gen_7_an_objection_back_to_the_accused_is_not_offered(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let id = w.register("QX", None).await;
    let act = async |who: &str, segment: &str, body: serde_json::Value| {
        let actor = w.actor(who).await;
        let action = CaseAction::from_json(segment, body).unwrap().unwrap();
        cases::act(&w.state, &actor, id, action, None).await
    };
    act("qx_officer", "assign", json!({"unit": "DZ", "owner": "dz_officer"})).await.unwrap();
    let receiver = w.actor("dz_officer").await;
    let offered = async || {
        let file = w.state.store.case_file(id).await.unwrap().unwrap();
        names(&offered_actions(&w.state, &receiver, &file).await.unwrap())
    };
    assert!(offered().await.contains("object"), "the receiver may object");
    // The county's officer who sent it is accused by name (the county's leader corrects it).
    act("qx_leader", "set-accused", json!({"user": "qx_officer", "name": "县信访局某干部", "reason": "补充"}))
        .await
        .unwrap();
    assert!(!offered().await.contains("object"), "an objection would return it to the accused");
    let refused = act("dz_officer", "object", json!({"reason": "不属本镇职责"})).await;
    assert!(matches!(refused, Err(AppError::Refused(_))), "{refused:?}");
}
both_backends!(gen_7_an_objection_back_to_the_accused_is_not_offered);

/// What each role is offered on a newly registered case is what the guards let it do: the
/// registering officer may accept, answer, reject, route and flag it but not approve, reply or close
/// it; only a leader instructs; nobody may object to a case that was never assigned. Every action
/// offered is judged again when taken: a unit below no longer sorts an escalated case, and the unit
/// that assigned a case does not accept it for the receiver.
async fn offered_actions_are_what_the_guards_allow(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let id = w.register("XS", None).await;
    let file = w.state.store.case_file(id).await.unwrap().unwrap();
    for role in ROLES {
        let actor = w.actor(&format!("xs_{}", role.code())).await;
        let offered = names(&offered_actions(&w.state, &actor, &file).await.unwrap());
        for never in ["approve", "reply", "close", "object", "rate", "review-request", "report-back", "opinion"] {
            assert!(!offered.contains(never), "{role:?} offered {never}");
        }
        assert_eq!(offered.contains("instruct"), role == Role::Leader, "{role:?}: {offered:?}");
        assert_eq!(offered.contains("accept"), role.can_register(), "{role:?}: {offered:?}");
    }
    // The officer accepts, as offered; then the opinion is offered and acceptance is not.
    let officer = w.actor("xs_officer").await;
    let accept = CaseAction::from_json("accept", json!({})).unwrap().unwrap();
    cases::act(&w.state, &officer, id, accept, None).await.unwrap();
    let file = w.state.store.case_file(id).await.unwrap().unwrap();
    let offered = names(&offered_actions(&w.state, &officer, &file).await.unwrap());
    assert!(offered.contains("opinion") && !offered.contains("accept"), "{offered:?}");
    // FED-7: escalated, the case is sorted above; the community is offered none of the sorting.
    let second = w.register("XS", None).await;
    let escalate = CaseAction::from_json("escalate", json!({"reason": "涉及多个村"})).unwrap().unwrap();
    cases::act(&w.state, &officer, second, escalate, None).await.unwrap();
    let escalated = w.state.store.case_file(second).await.unwrap().unwrap();
    let below = names(&offered_actions(&w.state, &officer, &escalated).await.unwrap());
    for sorting in ["accept", "answer", "reject", "register-only", "assign", "transfer", "escalate"] {
        assert!(!below.contains(sorting), "{sorting} offered below: {below:?}");
    }
    let accept = CaseAction::from_json("accept", json!({})).unwrap().unwrap();
    let refused = cases::act(&w.state, &officer, second, accept, None).await;
    assert!(matches!(refused, Err(AppError::Refused(_))), "{refused:?}");
    let town = w.actor("xz_officer").await;
    assert!(names(&offered_actions(&w.state, &town, &escalated).await.unwrap()).contains("accept"));
    // GEN-3: an assigned case is accepted by the receiving unit, never by the one that sent it.
    let county = w.actor("qx_officer").await;
    let third = w.register("QX", None).await;
    let assign = CaseAction::from_json("assign", json!({"unit": "DZ"})).unwrap().unwrap();
    cases::act(&w.state, &county, third, assign, None).await.unwrap();
    let assigned = w.state.store.case_file(third).await.unwrap().unwrap();
    assert!(!names(&offered_actions(&w.state, &county, &assigned).await.unwrap()).contains("accept"));
    let accept = CaseAction::from_json("accept", json!({})).unwrap().unwrap();
    let refused = cases::act(&w.state, &county, third, accept, None).await;
    assert!(matches!(refused, Err(AppError::Refused(_))), "{refused:?}");
    let receiver = w.actor("dz_officer").await;
    let at_receiver = names(&offered_actions(&w.state, &receiver, &assigned).await.unwrap());
    assert!(at_receiver.contains("accept") && at_receiver.contains("object"), "{at_receiver:?}");
    let leader = w.actor("xs_leader").await;
    assert!(names(&offered_actions(&w.state, &leader, &file).await.unwrap()).contains("extend"));
    assert!(!offered.contains("extend"), "only a leader extends");
}
both_backends!(offered_actions_are_what_the_guards_allow);

/// COM-4 on the services: the list masks the petitioner's phone and identity number for every role,
/// and a full view of the case is logged with who looked and why.
async fn com_4_lists_mask_and_a_full_view_is_logged(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let id = w.register("XS", None).await;
    for role in ROLES {
        let actor = w.actor(&format!("xs_{}", role.code())).await;
        let listing = cases::list_cases(&w.state, &actor, &ListParams::default()).await.unwrap();
        let row = listing.page.items.iter().find(|c| c.id == id).unwrap();
        assert_eq!(row.petitioner_phone.as_deref(), Some("138****5678"), "{role:?}");
        assert!(row.petitioner_id_number.as_deref().is_some_and(|n| n.contains('*')), "{role:?}");
    }
    let officer = w.actor("xs_officer").await;
    let file = cases::case_file(&w.state, &officer, id).await.unwrap();
    let masked = cases::view(&w.state, &officer, &file, false, None).await.unwrap();
    assert!(masked.petitioner.masked);
    assert!(w.state.store.personal_data_views(id).await.unwrap().is_empty(), "a masked view is not logged");
    let full = cases::view(&w.state, &officer, &file, true, None).await.unwrap();
    assert!(!full.petitioner.masked);
    let views = w.state.store.personal_data_views(id).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!((views[0].0.as_str(), views[0].2.as_str()), ("xs_officer", "case_detail"));
}
both_backends!(com_4_lists_mask_and_a_full_view_is_logged);

/// COM-4: “使用此信访人信息” gives the earlier case's petitioner in full only to staff who register
/// cases and may read the case, and logs it as a view of personal data; to the accused the case does
/// not exist (GEN-7).
async fn com_4_reusing_a_petitioners_details_is_a_logged_view(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let id = w.register("XS", Some("XZ")).await;
    let officer = w.actor("xs_officer").await;
    let p = cases::petitioner_of(&w.state, &officer, id).await.unwrap();
    assert!(!p.masked && p.phone.as_deref() == Some("13812345678"), "{p:?}");
    let views = w.state.store.personal_data_views(id).await.unwrap();
    assert_eq!((views.len(), views[0].2.as_str()), (1, "intake_reuse"));
    for role in ["xs_handler", "xs_admin"] {
        let actor = w.actor(role).await;
        assert!(matches!(cases::petitioner_of(&w.state, &actor, id).await, Err(AppError::Forbidden)), "{role}");
    }
    for accused in ["xz_officer", "xz_handler", "xzmz_officer"] {
        let actor = w.actor(accused).await;
        assert!(matches!(cases::petitioner_of(&w.state, &actor, id).await, Err(AppError::NotFound)), "{accused}");
    }
    let stranger = w.actor("dz_officer").await;
    assert!(matches!(cases::petitioner_of(&w.state, &stranger, id).await, Err(AppError::NotFound)));
    assert_eq!(w.state.store.personal_data_views(id).await.unwrap().len(), 1, "refusals log nothing");
}
both_backends!(com_4_reusing_a_petitioners_details_is_a_logged_view);

/// The home page's counts (工作台) are the actor's own lists (scope and GEN-7 as every list): the own
/// unit's cases to sort, not those of the units below, and no online queue for a handler.
async fn fed_1_the_home_page_counts_only_what_the_lists_show(scratch: &Scratch) {
    let w = World::new(scratch).await;
    w.register("XS", None).await;
    w.register("XS", Some("XZ")).await;
    let count =
        |work: &huiyin_app::work::Work, label: &str| work.counts.iter().find(|c| c.label == label).map(|c| c.count);
    let officer = w.actor("xs_officer").await;
    let work = huiyin_app::work::work(&w.state, &officer).await.unwrap();
    assert_eq!(count(&work, "待分办、受理"), Some(2));
    assert_eq!(count(&work, "网上信访待领取"), Some(0));
    assert_eq!(count(&work, "我承办未办结的"), Some(2));
    assert_eq!(count(&work, "处理意见待审批"), None, "only leaders approve");
    let above = w.actor("qx_officer").await;
    let work = huiyin_app::work::work(&w.state, &above).await.unwrap();
    assert_eq!(count(&work, "待分办、受理"), Some(0), "a unit above does not sort its units' cases");
    let handler = w.actor("xs_handler").await;
    let work = huiyin_app::work::work(&w.state, &handler).await.unwrap();
    assert_eq!(count(&work, "网上信访待领取"), None);
    let leader = w.actor("xs_leader").await;
    assert!(count(&huiyin_app::work::work(&w.state, &leader).await.unwrap(), "处理意见待审批").is_some());
}
both_backends!(fed_1_the_home_page_counts_only_what_the_lists_show);

/// FED-1, TWN-11, CDR-3: the home page counts work still to do, not notices: a returned draft until
/// it is drafted again and a 不满意 rating until its return visit is made, whether the notice was
/// read or not; each count is the list its link opens.
async fn fed_1_the_home_page_counts_returned_drafts_and_return_visits_until_done(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let act = async |who: &str, id: i64, segment: &str, body: serde_json::Value| {
        let actor = w.actor(who).await;
        let action = CaseAction::from_json(segment, body).unwrap().unwrap();
        cases::act(&w.state, &actor, id, action, None).await.unwrap();
    };
    let officer = w.actor("dz_officer").await;
    let counted = async |label: &str, waiting: &str| {
        let work = huiyin_app::work::work(&w.state, &officer).await.unwrap();
        let count = work.counts.iter().find(|c| c.label == label).map(|c| c.count).unwrap();
        let params =
            cases::ListParams { owner: Some("me".into()), waiting: Some(waiting.into()), ..Default::default() };
        let listed = cases::list_cases(&w.state, &officer, &params).await.unwrap();
        assert_eq!(listed.page.total, count, "{label}: the count is its list");
        count
    };
    let id = w.register("QX", None).await;
    w.register("QX", None).await;
    act("qx_officer", id, "assign", json!({"unit": "DZ", "owner": "dz_officer"})).await;
    act("dz_officer", id, "accept", json!({})).await;
    let opinion = json!({"outcome": "support", "facts": "属实", "basis": "条例", "text": "予以支持"});
    act("dz_officer", id, "opinion", opinion.clone()).await;
    assert_eq!(counted("退回修改的处理意见", "redraft").await, 0);
    act("dz_leader", id, "return-opinion", json!({"comment": "请写明依据条款"})).await;
    assert_eq!(counted("退回修改的处理意见", "redraft").await, 1);
    huiyin_app::supervision::mark_all_notifications_read(&w.state, &officer).await.unwrap();
    assert_eq!(counted("退回修改的处理意见", "redraft").await, 1, "reading the notice does not redraft");
    act("dz_officer", id, "opinion", opinion).await;
    assert_eq!(counted("退回修改的处理意见", "redraft").await, 0, "drafted again");
    act("dz_leader", id, "approve", json!({})).await;
    act("qx_leader", id, "approve", json!({})).await;
    act("dz_officer", id, "reply", json!({})).await;
    assert_eq!(counted("不满意待回访", "return_visit").await, 0);
    let rating = json!({"office": "satisfied", "unit": "dissatisfied", "reason": "钱只付了一半"});
    act("dz_leader", id, "rate", rating).await;
    assert_eq!(counted("不满意待回访", "return_visit").await, 1);
    let visit = json!({"method": "phone", "outcome": "已付清", "rating": "satisfied"});
    act("dz_officer", id, "return-visit", visit).await;
    assert_eq!(counted("不满意待回访", "return_visit").await, 0, "the visit was made");
}
both_backends!(fed_1_the_home_page_counts_returned_drafts_and_return_visits_until_done);

/// The kinds of notice `username` has about case `id`.
async fn told(w: &World, username: &str, id: i64) -> Vec<String> {
    let actor = w.actor(username).await;
    let (items, _) = huiyin_app::supervision::notifications(&w.state, &actor, 100).await.unwrap();
    items.into_iter().filter(|n| n.case_id == Some(id)).map(|n| n.kind).collect()
}

/// FED-10: work finds its owner, once. An assignment tells the person named, a transfer and an
/// escalation the receiving unit, an opinion awaiting approval the holding unit's leaders, a 不满意
/// rating the owner; nobody hears of their own action; and an accusation's notices never reach the
/// accused unit (GEN-7).
async fn fed_10_work_notifies_its_owner_once(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let act = async |who: &str, id: i64, segment: &str, body: serde_json::Value| {
        let actor = w.actor(who).await;
        let action = CaseAction::from_json(segment, body).unwrap().unwrap();
        cases::act(&w.state, &actor, id, action, None).await.unwrap();
    };
    // Assigned to a named person of 东镇: that person hears, once; the sender does not.
    let id = w.register("QX", None).await;
    act("qx_officer", id, "assign", json!({"unit": "DZ", "owner": "dz_officer"})).await;
    assert_eq!(told(&w, "dz_officer", id).await, ["assigned"]);
    assert!(told(&w, "dz_leader", id).await.is_empty(), "a named person is told, not the whole unit");
    assert!(told(&w, "qx_officer", id).await.is_empty(), "nobody hears of their own action");
    // Accepted and drafted there: the town's leader is asked to approve.
    act("dz_officer", id, "accept", json!({})).await;
    let opinion = json!({"outcome": "support", "facts": "属实", "basis": "条例", "text": "予以支持"});
    act("dz_officer", id, "opinion", opinion).await;
    assert_eq!(told(&w, "dz_leader", id).await, ["awaiting_approval"]);
    // Approved, replied and rated 不满意: the owner is told to follow it up.
    act("dz_leader", id, "approve", json!({})).await;
    act("qx_leader", id, "approve", json!({})).await;
    act("dz_officer", id, "reply", json!({})).await;
    let rating = json!({"office": "satisfied", "unit": "dissatisfied", "reason": "钱只付了一半"});
    act("dz_leader", id, "rate", rating).await;
    let mut kinds = told(&w, "dz_officer", id).await;
    kinds.sort();
    assert_eq!(kinds, ["assigned", "dissatisfied"], "once each");
    // A transfer tells the receiving unit's officers.
    let moved = w.register("XS", None).await;
    act("xs_officer", moved, "transfer", json!({"unit": "DZ"})).await;
    assert_eq!(told(&w, "dz_officer", moved).await, ["transferred"]);
    assert_eq!(told(&w, "dz_leader", moved).await, ["transferred"]);
    assert!(told(&w, "dz_handler", moved).await.is_empty(), "a handler is told of work given to them");
    // An escalation of an accusation against the town tells the county, never the town (GEN-7).
    let accusation = w.register("XS", Some("XZ")).await;
    act("xs_officer", accusation, "escalate", json!({"reason": "检举镇干部"})).await;
    assert_eq!(told(&w, "qx_officer", accusation).await, ["sent_up"]);
    for role in ROLES {
        assert!(told(&w, &format!("xz_{}", role.code()), accusation).await.is_empty(), "{role:?}");
    }
}
both_backends!(fed_10_work_notifies_its_owner_once);

/// Runs statements on the scratch database behind huiyin's back, as someone with the file would.
async fn tamper(scratch: &Scratch, statements: &str) {
    let statements = sqlx::AssertSqlSafe(statements.to_owned());
    if scratch.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&scratch.url).await.unwrap();
        sqlx::raw_sql(statements).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&scratch.url).await.unwrap();
        sqlx::raw_sql(statements).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// Where a record stands on its day's chain: (day, seq).
async fn place_of(w: &World, kind: &str, case_id: Option<i64>) -> (String, i64) {
    let rows = w.state.store.ledger_page(None, 1000).await.unwrap();
    let row = rows.iter().find(|r| r.kind.code() == kind && (case_id.is_none() || r.case_id == case_id)).unwrap();
    (row.day.to_string(), row.seq)
}

/// FED-13, COM-4: every case event, personal-data view and administration event is on its chains
/// as written, and `verify` names an edited event, a removed one, an edited view and two records
/// swapped on their day's chain.
async fn fed_13_com_4_edited_removed_and_swapped_records_are_found(scratch: &Scratch) {
    let w = World::new(scratch).await;
    let (edited, removed, viewed) =
        (w.register("XS", None).await, w.register("XS", None).await, w.register("XS", None).await);
    let officer = w.actor("xs_officer").await;
    let file = cases::case_file(&w.state, &officer, viewed).await.unwrap();
    cases::view(&w.state, &officer, &file, true, None).await.unwrap();
    huiyin_app::audit::record_unattributed(&w.state, "test.chain", huiyin_app::audit::Target::installation("x"), None)
        .await;
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &[], |_| {}).await.unwrap();
    assert!(report.holds(), "{:?}", report.findings);
    assert!(report.records >= 5 && report.events >= 3, "{report:?}");

    let (view_day, view_seq) = place_of(&w, "view", Some(viewed)).await;
    let (_, admin_seq) = place_of(&w, "admin", None).await;
    tamper(
        scratch,
        &format!(
            "UPDATE case_events SET note = '改过' WHERE case_id = {edited} AND seq = 1; \
             DELETE FROM case_events WHERE case_id = {removed} AND seq = 1; \
             UPDATE personal_data_views SET purpose = 'nothing' WHERE case_id = {viewed}; \
             UPDATE ledger SET seq = -1 WHERE day = '{view_day}' AND seq = {view_seq}; \
             UPDATE ledger SET seq = {view_seq} WHERE day = '{view_day}' AND seq = {admin_seq}; \
             UPDATE ledger SET seq = {admin_seq} WHERE day = '{view_day}' AND seq = -1;"
        ),
    )
    .await;
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &[], |_| {}).await.unwrap();
    let said = report.findings.join("\n");
    assert!(!report.holds());
    assert!(said.contains(&format!("信访件 #{edited} 的第 1 条事件已被改动")), "{said}");
    assert!(said.contains(&format!("信访件 #{removed} 的第 1 条事件已被删除")), "{said}");
    assert!(said.contains("个人信息查看记录") && said.contains("已被改动"), "{said}");
    assert!(said.contains("调换了次序"), "{said}");
    // The first finding is the first record touched on the day's chain: the edited case's.
    assert!(report.findings[0].contains(&format!("#{edited}")), "{said}");
}
both_backends!(fed_13_com_4_edited_removed_and_swapped_records_are_found);

/// FED-13: a day's final hash printed with its count of records holds while the day goes on; a
/// day rewritten to its end — its last records removed with their links and the day's head set
/// back — holds as a chain, and is found by the printed list.
async fn fed_13_a_day_rewritten_to_its_end_is_found_by_the_printed_hash(scratch: &Scratch) {
    let w = World::new(scratch).await;
    w.register("XS", None).await;
    let last = w.register("XS", None).await;
    let printed: Vec<huiyin_app::chain::PrintedDay> = w
        .state
        .store
        .day_heads()
        .await
        .unwrap()
        .into_iter()
        .map(|h| huiyin_app::chain::PrintedDay { day: h.day, entries: Some(h.entries), hash: h.last_hash })
        .collect();
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &printed, |_| {}).await.unwrap();
    assert!(report.holds(), "{:?}", report.findings);
    // Records written after the list was printed change no printed place.
    let late = w.register("XS", None).await;
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &printed, |_| {}).await.unwrap();
    assert!(report.holds(), "{:?}", report.findings);
    // The last two cases' records are the tail of the day's chain.
    let (day, seq) = place_of(&w, "event", Some(last)).await;
    let before = w.state.store.ledger_page(None, 1000).await.unwrap();
    assert!(
        before
            .iter()
            .filter(|r| r.day.to_string() == day && r.seq >= seq)
            .all(|r| [Some(last), Some(late)].contains(&r.case_id))
    );
    let previous = before.iter().find(|r| r.day.to_string() == day && r.seq == seq - 1).unwrap().link.clone();
    tamper(
        scratch,
        &format!(
            "DELETE FROM ledger WHERE day = '{day}' AND seq >= {seq}; \
             DELETE FROM case_events WHERE case_id IN ({last}, {late}); \
             UPDATE ledger_days SET entries = {}, last_hash = '{previous}' WHERE day = '{day}';",
            seq - 1
        ),
    )
    .await;
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &[], |_| {}).await.unwrap();
    assert!(report.holds(), "rewritten to its end, the chain holds by itself: {:?}", report.findings);
    let report = huiyin_app::chain::verify(w.state.store.as_ref(), &printed, |_| {}).await.unwrap();
    let said = report.findings.join("\n");
    assert!(said.contains(&format!("清单中的 {day} 第")) && said.contains("被删除"), "{said}");
}
both_backends!(fed_13_a_day_rewritten_to_its_end_is_found_by_the_printed_hash);
