//! Running huiyin (issue 23): `/healthz` and `/readyz` for a load balancer, `/metrics` scraped and
//! parsed as Prometheus reads it, and the log as JSON for a collector.

use std::collections::BTreeMap;

use crate::common;

use common::{Backend, Db, Server, agent, get, register_case};

/// The samples of an OpenMetrics text: `name{labels}` → value; refused (a panic naming the line)
/// when a line is not a comment or a sample, or the text does not end with `# EOF`.
fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    assert_eq!(text.lines().last(), Some("# EOF"), "{text}");
    let mut samples = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(name.starts_with("huiyin_") && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{line}");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')), "{line}");
        }
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number: {line}"));
        samples.insert(series.to_owned(), value);
    }
    samples
}

/// Issue 23: the server answers a load balancer's health and readiness checks; `/metrics` is
/// served only with its token and reads as Prometheus's text format, counting requests by route
/// pattern (never an id), group commits, the pool and the search index; the log is JSON lines.
fn metrics_are_scraped_and_parsed_and_the_log_is_json(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    let token = "metrics-token-5c1f9e";
    let (server, log) =
        Server::start_logging_with_env(&db, "info", &[("HUIYIN_METRICS_TOKEN", token), ("HUIYIN_LOG_FORMAT", "json")]);
    for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let mut answer = agent().get(server.url(path)).call().unwrap();
        assert_eq!((answer.status().as_u16(), answer.body_mut().read_to_string().unwrap().as_str()), (200, body));
    }
    let case = register_case(&server, &wang, &crate::api::visit());
    let id = case["id"].as_i64().unwrap();
    assert_eq!(get(&server, &wang, &format!("/api/v1/cases/{id}")).0, 200);

    // A method a caller makes up is counted as `other`, never as a series of its own.
    {
        use std::io::{Read, Write};
        let address = server.base.trim_start_matches("http://");
        let mut raw = std::net::TcpStream::connect(address).unwrap();
        raw.write_all(b"FROBNICATE /healthz HTTP/1.1\r\nHost: huiyin\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        raw.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    }
    for authorization in [None, Some("Bearer wrong-token-000000"), Some(token)] {
        let mut request = agent().get(server.url("/metrics"));
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        assert_eq!(request.call().unwrap().status().as_u16(), 401, "{authorization:?}");
    }
    let mut scraped =
        agent().get(server.url("/metrics")).header("Authorization", &format!("Bearer {token}")).call().unwrap();
    assert_eq!(scraped.status().as_u16(), 200);
    let kind = scraped.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = scraped.body_mut().read_to_string().unwrap();
    let samples = parse_metrics(&text);
    let value = |series: &str| samples.get(series).copied().unwrap_or_else(|| panic!("{series} missing:\n{text}"));
    assert!(value(r#"huiyin_http_requests_total{method="POST",route="/api/v1/cases",status="201"}"#) >= 1.0);
    assert!(value(r#"huiyin_http_request_duration_seconds_count{method="GET",route="/api/v1/cases/{id}"}"#) >= 1.0);
    assert!(value("huiyin_registration_batch_size_count") >= 1.0);
    assert!(value("huiyin_db_pool_connections") >= 1.0);
    assert_eq!(value("huiyin_search_unindexed_cases"), 0.0);
    for series in
        ["huiyin_outbox_queued", "huiyin_supervision_runs_total", "huiyin_backup_last_success_timestamp_seconds"]
    {
        value(series);
    }
    assert!(!text.contains(&format!("/cases/{id}\"")), "a route is its pattern, never an id");
    assert!(!text.contains("FROBNICATE") && text.contains(r#"method="other""#), "{text}");
    drop(server);

    // Without a token configured there is no /metrics.
    let server = Server::start(&db);
    assert_eq!(agent().get(server.url("/metrics")).call().unwrap().status().as_u16(), 404);
    drop(server);

    let lines: Vec<String> = std::fs::read_to_string(log).unwrap().lines().map(str::to_owned).collect();
    assert!(!lines.is_empty(), "the server logged at info");
    for line in lines {
        let entry: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(entry["level"].is_string() && entry["timestamp"].is_string(), "{line}");
    }
}
both_backends!(metrics_are_scraped_and_parsed_and_the_log_is_json);

/// FED-13, issue 23: `serve --backup-dir` backs up at its interval, keeps the newest, counts each in
/// `/metrics` and shows the last on the administrator's 操作记录; a scheduled backup restores.
fn scheduled_backups_are_kept_counted_shown_and_restore(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    register_case(&Server::start(&db), &wang, &crate::api::visit());
    let password = "备份检查用的足够长的密码2026";
    db.account("boss", "QX", huiyin_core::user::Role::Admin, Some(password));
    let dir = db.dir.0.join("backups");
    let token = "metrics-token-5c1f9e";
    let server = Server::start_with_env(
        &db,
        &[
            ("HUIYIN_BACKUP_DIR", dir.to_str().unwrap()),
            ("HUIYIN_BACKUP_EVERY", "1s"),
            ("HUIYIN_BACKUP_KEEP", "2"),
            ("HUIYIN_METRICS_TOKEN", token),
        ],
    );
    let made = || {
        let mut scraped =
            agent().get(server.url("/metrics")).header("Authorization", &format!("Bearer {token}")).call().unwrap();
        let samples = parse_metrics(&scraped.body_mut().read_to_string().unwrap());
        (
            samples.get(r#"huiyin_backups_total{outcome="ok"}"#).copied().unwrap_or_default(),
            samples.get("huiyin_backup_last_success_timestamp_seconds").copied().unwrap_or_default(),
        )
    };
    let started = std::time::Instant::now();
    while made().0 < 3.0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "no backups made");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(made().1 > 1.7e9, "the last success's time");
    let kept: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    let archives: Vec<_> = kept.iter().filter(|p| p.extension().is_some_and(|e| e == "zip")).collect();
    assert_eq!(archives.len(), 2, "the newest two kept: {kept:?}");
    let page = common::Browser::sign_in(&server, "boss", password).page("/admin/audit").1;
    let line = page.split("id=\"last-backup\">").nth(1).unwrap_or_default();
    assert!(line.starts_with("最近一次自动备份:") && line.contains("huiyin-scheduled-"), "{line}");
    drop(server);

    let Some(restored) = Db::new(backend) else { return };
    let out = restored.cli(&["restore", archives[0].to_str().unwrap()]);
    assert!(out.contains("已写入"), "{out}");
    let server = Server::start(&restored);
    let (_, list) = get(&server, &wang, "/api/v1/cases");
    assert_eq!(list["total"], 1);
}
both_backends!(scheduled_backups_are_kept_counted_shown_and_restore);

/// GEN-11, issue 23: two servers over one PostgreSQL take turns: supervision and the scheduled
/// backup run once between them, not once each, while both ticked.
#[test]
fn two_servers_on_one_postgresql_run_each_job_once() {
    let Some(db) = Db::new(Backend::Postgres) else { return };
    db.seed();
    let token = "metrics-token-5c1f9e";
    let dirs = [db.dir.0.join("backups-a"), db.dir.0.join("backups-b")];
    // Both started at once, so that their first ticks race for the turns.
    let servers: Vec<Server> = std::thread::scope(|scope| {
        let starting: Vec<_> = dirs
            .iter()
            .map(|dir| {
                let db = &db;
                scope.spawn(move || {
                    Server::start_with_env(
                        db,
                        &[
                            ("HUIYIN_SUPERVISE_EVERY", "3600"),
                            ("HUIYIN_BACKUP_DIR", dir.to_str().unwrap()),
                            ("HUIYIN_BACKUP_EVERY", "1h"),
                            ("HUIYIN_METRICS_TOKEN", token),
                        ],
                    )
                })
            })
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let turns = |job: &str, turn: &str| -> f64 {
        servers
            .iter()
            .map(|server| {
                let mut scraped = agent()
                    .get(server.url("/metrics"))
                    .header("Authorization", &format!("Bearer {token}"))
                    .call()
                    .unwrap();
                let samples = parse_metrics(&scraped.body_mut().read_to_string().unwrap());
                samples
                    .get(&format!(r#"huiyin_job_turns_total{{job="{job}",turn="{turn}"}}"#))
                    .copied()
                    .unwrap_or_default()
            })
            .sum()
    };
    let started = std::time::Instant::now();
    while ["supervision", "backup"].iter().any(|job| turns(job, "taken") + turns(job, "skipped") < 2.0) {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "both servers tick");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    for job in ["supervision", "backup"] {
        assert_eq!((turns(job, "taken"), turns(job, "skipped")), (1.0, 1.0), "{job}: once between the two");
    }
    let archives = || -> Vec<std::path::PathBuf> {
        dirs.iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|d| d.map(|e| e.unwrap().path()))
            .filter(|p| p.extension().is_some_and(|e| e == "zip"))
            .collect()
    };
    while archives().is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the backup is made");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(archives().len(), 1, "one backup between the two servers: {:?}", archives());
}

/// Issue 23: what a server keeps in memory follows the other server's writes: a word added to the
/// search dictionary on one is how the other reads a search at once (as the content classes and the
/// holiday calendar already were).
#[test]
fn two_servers_on_one_postgresql_share_the_dictionary() {
    let Some(db) = Db::new(Backend::Postgres) else { return };
    let (wang, _, _) = db.seed();
    let boss = db.account("boss", "QX", huiyin_core::user::Role::Admin, None);
    let (a, b) = (Server::start(&db), Server::start(&db));
    let word = "向阳街道路";
    let terms =
        |server: &Server| get(server, &wang, &format!("/api/v1/cases?q={}", common::enc(word))).1["terms"].clone();
    assert_ne!(terms(&b), serde_json::json!([word]), "not a word yet");
    let (status, added) = common::post(&a, &boss, "/api/v1/search/words", &serde_json::json!({"words": [word]}));
    assert_eq!(status, 200, "{added}");
    assert_eq!(terms(&b), serde_json::json!([word]), "the other server reads the word at once");
    assert_eq!(terms(&a), serde_json::json!([word]));
}
