//! 业务培训 (issue 19, FED-14): sessions recorded by a unit's supervisors, leaders and administrators
//! with the attendees of their scope; a person's record; where each staff member stands against the
//! unit's training interval (a limit of its rules), those past it warned on 工作台.

use huiyin_core::user::Role;
use serde_json::{Value, json};

use crate::common::{Backend, Browser, Db, Server, get, post, put};

fn session(held_on: &str, attendees: &[&str]) -> Value {
    json!({"held_on": held_on, "topic": "《信访工作条例》解读", "hours": 2.5, "trainer": "县信访局李科长", "attendees": attendees})
}

/// FED-14: a town's supervisor records a session for the staff of the town's units; an officer
/// records none, nobody lists staff outside their scope; each attendee's record shows it; someone
/// last trained more than the interval ago is overdue, warned on the supervisor's 工作台, and not
/// once the unit's interval (data) is longer; a new account is not yet due.
fn fed_14_training_every_half_year_is_recorded_and_followed(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, dong) = db.seed();
    db.account("xzsup", "XZ", Role::Supervisor, Some("西镇督查员口令2026"));
    let admin = db.account("qxadmin", "QX", Role::Admin, None);
    let server = Server::start(&db);

    for (token, body, status, field) in [
        (&wang, session("2026-06-15", &["wang"]), 403, None),
        (&chen, session("2026-06-15", &["dong"]), 422, Some("attendees[0]")),
        (&chen, session("2026-06-15", &[]), 422, Some("attendees")),
        (&chen, session("2099-06-15", &["wang"]), 422, Some("held_on")),
        (
            &chen,
            json!({"held_on": "2026-06-15", "topic": "x", "hours": 0, "trainer": "x", "attendees": ["wang"]}),
            422,
            Some("hours"),
        ),
        (
            &chen,
            json!({"unit": "DZ", "held_on": "2026-06-15", "topic": "x", "hours": 1, "trainer": "x", "attendees": ["wang"]}),
            404,
            None,
        ),
    ] {
        let (got, answer) = post(&server, token, "/api/v1/training", &body);
        assert_eq!((got, answer["error"]["field"].as_str()), (status, field), "{body}: {answer}");
    }
    let (status, line) = post(&server, &chen, "/api/v1/training", &session("2026-06-15", &["wang", "chen"]));
    assert_eq!(status, 201, "{line}");
    assert_eq!((line["unit"].as_str(), line["hours"].as_str()), (Some("XZ"), Some("2.5")));
    assert_eq!(line["attendees"].as_array().unwrap().len(), 2);
    let mut old = session("2025-01-10", &["zhao"]);
    old["unit"] = json!("XS-CL");
    assert_eq!(post(&server, &chen, "/api/v1/training", &old).0, 201);

    // Records: one's own, or of one's scope.
    let (_, mine) = get(&server, &wang, "/api/v1/users/wang/training");
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(get(&server, &dong, "/api/v1/users/wang/training").0, 404);
    let (_, town) = get(&server, &wang, "/api/v1/training?year=2026&unit=XS");
    assert_eq!(town, json!([]), "the community held none; the town's is the town's");
    let (_, town) = get(&server, &chen, "/api/v1/training?year=2026");
    assert_eq!(town.as_array().unwrap().len(), 1);
    assert_eq!(get(&server, &dong, "/api/v1/training?unit=XZ").0, 404);

    // Standing: zhao last trained in January 2025, overdue; wang trained in June, and the new
    // supervisor added today, not yet.
    assert_eq!(get(&server, &wang, "/api/v1/training/standing").0, 403);
    let (_, standing) = get(&server, &chen, "/api/v1/training/standing");
    let rows = standing.as_array().unwrap();
    let of = |who: &str| rows.iter().find(|r| r["person"]["username"] == who).cloned().unwrap_or(Value::Null);
    assert_eq!(rows[0]["person"]["username"], "zhao", "the overdue first: {standing}");
    assert_eq!((of("zhao")["overdue"].as_bool(), of("zhao")["last"].as_str()), (Some(true), Some("2025-01-10")));
    assert_eq!((of("wang")["overdue"].as_bool(), of("wang")["last"].as_str()), (Some(false), Some("2026-06-15")));
    assert_eq!(of("xzsup")["overdue"], false);
    assert!(of("xzsup").get("last").is_none());
    assert!(of("dong").is_null(), "another town's staff are not listed");

    // Warned on 工作台.
    let browser = Browser::sign_in(&server, "xzsup", "西镇督查员口令2026");
    let (_, home) = browser.page("/home");
    assert!(home.contains("超过培训间隔未参加培训的人员"), "{home}");

    // The interval is data: the federation's, longer, and zhao is no longer overdue.
    let (_, limits) = get(&server, &admin, "/api/v1/units/XS-CL/limits");
    let mut rules = limits["rules"].clone();
    rules["training_interval"] = json!({"unit": "calendar_days", "count": 800});
    let (status, answer) = put(&server, &admin, "/api/v1/units/XS-CL/limits", &json!({"rules": rules}));
    assert_eq!(status, 200, "{answer}");
    let (_, standing) = get(&server, &chen, "/api/v1/training/standing");
    let zhao = standing.as_array().unwrap().iter().find(|r| r["person"]["username"] == "zhao").unwrap().clone();
    assert_eq!(zhao["overdue"], false, "{zhao}");
    let (_, home) = browser.page("/home");
    assert!(!home.contains("超过培训间隔未参加培训的人员"), "nobody is overdue now");

    // The page: the attendees ticked from the unit's staff; refused on its field with what was
    // typed kept; recorded, listed.
    let (status, page) = browser.page("/training");
    assert_eq!(status, 200);
    assert!(page.contains("人员培训情况") && page.contains("name=\"attendees\" value=\"wang\""), "{page}");
    let (status, _, page) = browser.submit(
        "/training",
        &[
            ("unit", "XZ"),
            ("held_on", "2026-11-30"),
            ("topic", "接访礼仪"),
            ("hours", "两小时"),
            ("trainer", "王主任"),
            ("attendees", "wang"),
        ],
    );
    assert_eq!(status, 422);
    assert!(page.contains("接访礼仪") && page.contains("hours-err"), "{page}");
    let (status, to, _) = browser.submit(
        "/training",
        &[
            ("unit", "XZ"),
            ("held_on", "2026-11-30"),
            ("topic", "接访礼仪"),
            ("hours", "2"),
            ("trainer", "王主任"),
            ("attendees", "wang"),
            ("attendees", "xzsup"),
        ],
    );
    assert_eq!((status, to.as_str()), (303, "/training?unit=XZ&year=2026&done=record"));
    let (_, page) = browser.page(&to);
    assert!(page.contains("接访礼仪") && page.contains("已登记培训"), "{page}");
    let (_, mine) = get(&server, &wang, "/api/v1/users/wang/training");
    assert_eq!(mine[0]["topic"], "接访礼仪", "newest first: {mine}");
}
both_backends!(fed_14_training_every_half_year_is_recorded_and_followed);

/// FED-14: the supervision run tells a staff member's supervisors (the unit above's, where their own
/// unit has none) that their training is past the interval, once for each day it fell due; the
/// person is not told about themselves.
fn fed_14_a_training_past_its_interval_is_told_to_the_supervisors_once(backend: Backend) {
    use chrono::TimeZone;
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    let server = Server::start(&db);
    let calendar = huiyin_core::calendar::Calendar::new();
    let run = |at: chrono::DateTime<chrono::Utc>| {
        db.with_store(async |store| huiyin_app::training::tell_due(store, &calendar, at).await.unwrap())
    };
    let now = chrono::Utc::now();
    assert_eq!(run(now), 0, "new accounts are not due yet");
    let later = chrono::Utc.with_ymd_and_hms(2031, 1, 6, 1, 0, 0).unwrap();
    assert!(run(later) >= 3, "every trained account is past its interval by 2031");
    assert_eq!(run(later), 0, "once");
    let told = |token: &str| -> Vec<String> {
        let (_, mine) = get(&server, token, "/api/v1/notifications");
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "training_due")
            .map(|n| n["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let chen_told = told(&chen);
    assert!(chen_told.iter().any(|m| m.contains("西山社区") && m.contains("培训间隔")), "{chen_told:?}");
    assert!(told(&wang).is_empty(), "the person is not told about themselves here");
}
both_backends!(fed_14_a_training_past_its_interval_is_told_to_the_supervisors_once);
