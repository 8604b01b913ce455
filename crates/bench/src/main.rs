//! `huiyin-bench`: measures huiyin on a database filled by `huiyin demo --cases N` and prints
//! Markdown table rows for docs/BENCHMARKS.md. Run through `scripts/bench`.
//!
//! - `list DATABASE_URL`: the first page of the case list with its total count, as the API asks the
//!   store for it, for several readers and filters: p50 and p95 over repeated samples.
//! - `register DATABASE_URL SECONDS CONCURRENCY`: serves the real application on a loopback port
//!   and posts registrations through the JSON API from concurrent clients: cases per second, p50, p95.
//! - `repeats DATABASE_URL LABELS`: repeat detection on the demo's planted petitioners (written by
//!   `huiyin demo --labels`): precision, recall, and the intake judgement's p50 and p95.
//! - `reports DATABASE_URL SAMPLES`: the county's monthly report (statistics and roll-up), the
//!   county's and a community's measures over a year, through the application as the API asks for
//!   them (issue 21): the first call on a fresh connection, then p50 and p95.
//! - `export DATABASE_URL`: serves the real application and exports the county's case list through
//!   the staff page's form as XLSX and CSV (the most rows an export holds): the time, the file's
//!   size, and this process's memory before and at its peak during each.
//! - `typeset SAMPLES`: typesets a one-page notice as PDF with the machine's fonts (the first call,
//!   which scans the fonts, timed apart), and an archive volume of 100 cases: p50 and p95.
//! - `crash HUIYIN_BIN DATABASE_URL SECRET_FILE CYCLES CLIENTS` and `load … SECONDS CLIENTS`:
//!   against the real `huiyin serve` as a process (issue 23, [`served`]): SIGKILLs under
//!   registration with every acknowledged case read back, and many staff at once.

mod served;

use std::sync::Arc;
use std::time::{Duration, Instant};

use huiyin_store::{CaseQuery, Store};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn open(url: &str) -> Result<Arc<dyn Store>, String> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(huiyin_store_sqlite::SqliteStore::open(url).await.map_err(|e| e.to_string())?))
    } else {
        Ok(Arc::new(huiyin_store_postgres::PostgresStore::open(url).await.map_err(|e| e.to_string())?))
    }
}

async fn list(url: &str, samples: usize) -> Result<(), String> {
    let store = open(url).await?;
    let unit = |code: &str| {
        let store = store.clone();
        let code = code.to_owned();
        async move {
            let u = store.unit_by_code(&code).await.map_err(|e| e.to_string())?.ok_or(format!("no unit {code}"))?;
            store.unit_subtree(u.id).await.map_err(|e| e.to_string())
        }
    };
    let county = unit("QX").await?;
    let community = unit("XS").await?;
    let school = unit("QX-SY").await?;
    let base = |scope: &Vec<i64>| CaseQuery { scope: scope.clone(), page: 1, per_page: 20, ..Default::default() };
    let mut scenarios: Vec<(String, CaseQuery)> = vec![
        ("county, all cases, newest first".into(), base(&county)),
        ("community and its federation".into(), base(&community)),
        ("one school".into(), base(&school)),
    ];
    let segmenter = huiyin_app::context::load_segmenter(store.as_ref()).await.map_err(|e| e.to_string())?;
    for (name, q) in [
        ("county, search one word \"低保\"", "低保"),
        ("county, search one word \"拆迁\"", "拆迁"),
        ("county, search two words \"拖欠 工资\"", "拖欠工资"),
        ("county, search two words \"电梯 维修\"", "电梯维修"),
        ("community, search one word \"低保\"", "低保"),
    ] {
        let scope = if name.starts_with("community") { &community } else { &county };
        let mut words = base(scope);
        words.search = Some(huiyin_store::TextSearch { terms: segmenter.query_terms(q), phrase: q.into() });
        words.sort = huiyin_store::CaseSort::Relevance;
        // As the staff list asks: the total counted up to a bound; then as the API does by default.
        let bounded = CaseQuery { count_up_to: Some(huiyin_app::cases::SEARCH_COUNT_UP_TO), ..words.clone() };
        scenarios.push((format!("{name}, total up to 1,000"), bounded));
        scenarios.push((format!("{name}, exact total"), words));
    }
    let mut visits = base(&county);
    visits.channel = Some(huiyin_core::case::Channel::Visit);
    scenarios.push(("county, visits only".into(), visits));
    let mut last_month = base(&county);
    last_month.received_from = Some(chrono::Utc::now() - chrono::Duration::days(30));
    scenarios.push(("county, last 30 days".into(), last_month));
    let mut page_100 = base(&county);
    page_100.page = 100;
    scenarios.push(("county, page 100".into(), page_100));
    for (name, query) in scenarios {
        let mut times = Vec::with_capacity(samples);
        let mut total = String::new();
        for _ in 0..samples {
            let started = Instant::now();
            let page = store.list_cases(&query).await.map_err(|e| e.to_string())?;
            times.push(started.elapsed());
            total = if page.total_exact { page.total.to_string() } else { format!("more than {}", page.total) };
        }
        times.sort();
        println!(
            "| {} | list: {name} | {total} | {} | {} |",
            store.backend(),
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0))
        );
    }
    Ok(())
}

/// The reports of issue 21 as a county's petition office reads them: the first call timed apart.
async fn reports(url: &str, samples: usize) -> Result<(), String> {
    use huiyin_core::kpi::MeasurePeriod;
    let store = open(url).await?;
    let dir = std::env::temp_dir().join(format!("huiyin-bench-{}", std::process::id()));
    let secret = huiyin_app::SecretKey::load_or_create(&dir.join("secret.key")).map_err(|e| e.to_string())?;
    let state = huiyin_app::AppState::new(store.clone(), secret).await.map_err(|e| e.to_string())?;
    let user = store.user_by_username("xfb").await.map_err(|e| e.to_string())?.ok_or("run huiyin demo first")?;
    let actor = huiyin_app::actor::Actor::load(&state, user).await.map_err(|e| e.to_string())?;
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let last_month = today.checked_sub_months(chrono::Months::new(1)).unwrap_or(today);
    let month = MeasurePeriod::parse(Some(&last_month.format("%Y-%m").to_string()), None, None, today)
        .map_err(|e| format!("{e:?}"))?;
    let year = MeasurePeriod::year_to(today);
    let scenarios = [
        "county's monthly report: statistics and roll-up",
        "county's statistics, a month",
        "county's measures, twelve months",
        "one community's measures, twelve months",
    ];
    let run = async |i: usize| -> Result<u64, String> {
        use huiyin_app::{measures::unit_measures, statistics};
        let counted = match i {
            0 => {
                let s = statistics::unit_statistics(&state, &actor, "QX", month).await.map_err(|e| e.to_string())?;
                statistics::rollup(&state, &actor, "QX", month, "code").await.map_err(|e| e.to_string())?;
                s.all.count.cases
            }
            1 => {
                statistics::unit_statistics(&state, &actor, "QX", month)
                    .await
                    .map_err(|e| e.to_string())?
                    .all
                    .count
                    .cases
            }
            2 => unit_measures(&state, &actor, "QX", year).await.map_err(|e| e.to_string())?.tallies.repeats.registered,
            _ => unit_measures(&state, &actor, "XS", year).await.map_err(|e| e.to_string())?.tallies.repeats.registered,
        };
        Ok(counted)
    };
    for (i, name) in scenarios.iter().enumerate() {
        let started = Instant::now();
        let counted = run(i).await?;
        let first = started.elapsed();
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            let started = Instant::now();
            run(i).await?;
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "| {} | report: {name} (first call {}) | {counted} cases | {} | {} |",
            store.backend(),
            ms(first),
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0))
        );
    }
    Ok(())
}

/// Repeat detection (FED-11) on the demo's planted petitioners: each labelled case is judged as at its
/// registration, against the whole county; a case is predicted a repeat when the judgement names an
/// earlier case of the same matter (重复访 or 不再受理). Precision, recall, and the judgement's time.
async fn repeats(url: &str, labels: &str) -> Result<(), String> {
    let store = open(url).await?;
    let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
    let labels: Vec<(i64, i64)> = text
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("huiyin-bench-{}", std::process::id()));
    let secret = huiyin_app::SecretKey::load_or_create(&dir.join("secret.key")).map_err(|e| e.to_string())?;
    let state = huiyin_app::AppState::new(store.clone(), secret).await.map_err(|e| e.to_string())?;
    let admin = store.user_by_username("admin").await.map_err(|e| e.to_string())?.ok_or("run huiyin demo first")?;
    let actor = huiyin_app::actor::Actor::load(&state, admin).await.map_err(|e| e.to_string())?;
    let (mut tp, mut fp, mut fn_, mut tn) = (0u32, 0u32, 0u32, 0u32);
    let mut times = Vec::with_capacity(labels.len());
    for (id, repeats_of) in &labels {
        let file = store.case_file(*id).await.map_err(|e| e.to_string())?.ok_or(format!("no case {id}"))?;
        let expected = match *repeats_of {
            0 => None,
            of => Some(store.case_file(of).await.map_err(|e| e.to_string())?.ok_or("no case")?.state.case_number),
        };
        let started = Instant::now();
        let report = huiyin_app::search::judge_case(&state, &actor, &file, huiyin_app::search::Judging::AtRegistration)
            .await
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        let found: Vec<&str> =
            report.repeat_of.iter().chain(&report.final_matters).map(|c| c.case_number.as_str()).collect();
        match (&expected, found.is_empty()) {
            (Some(of), false) if found.contains(&of.as_str()) => tp += 1,
            (Some(_), false) => {
                // Flagged, but against the wrong case: wrong both ways.
                fp += 1;
                fn_ += 1;
            }
            (Some(_), true) => fn_ += 1,
            (None, false) => fp += 1,
            (None, true) => tn += 1,
        }
    }
    times.sort();
    let ratio = |a: u32, b: u32| if a + b == 0 { 0.0 } else { f64::from(a) / f64::from(a + b) };
    println!(
        "| {} | repeat detection on {} labelled visits ({} repeats): precision, recall | {:.3}, {:.3} (TP {tp}, FP {fp}, FN {fn_}, TN {tn}) | {} | {} |",
        store.backend(),
        labels.len(),
        labels.iter().filter(|l| l.1 != 0).count(),
        ratio(tp, fp),
        ratio(tp, fn_),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0))
    );
    // The case page and the intake panel judge as of now and also look up other people's similar
    // statements by LSH band (collective offers, FED-6).
    let mut times = Vec::new();
    let mut offered = 0;
    for (id, _) in labels.iter().take(500) {
        let file = store.case_file(*id).await.map_err(|e| e.to_string())?.ok_or(format!("no case {id}"))?;
        let started = Instant::now();
        let report = huiyin_app::search::judge_case(&state, &actor, &file, huiyin_app::search::Judging::Now)
            .await
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        offered += report.collective.len();
    }
    times.sort();
    println!(
        "| {} | judging as of now with collective offers (band look-up), {} cases | {offered} offers | {} | {} |",
        store.backend(),
        times.len(),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0))
    );
    Ok(())
}

/// The real application served on a loopback port of this process.
struct Served {
    addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    dir: std::path::PathBuf,
}

impl Served {
    async fn start(store: Arc<dyn Store>) -> Result<Served, String> {
        let dir = std::env::temp_dir().join(format!("huiyin-bench-{}", std::process::id()));
        let secret = huiyin_app::SecretKey::load_or_create(&dir.join("secret.key")).map_err(|e| e.to_string())?;
        let state = huiyin_app::AppState::new(store, secret).await.map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(huiyin_web::serve(listener, state, async move {
            let _ = stop_rx.await;
        }));
        Ok(Served { addr, stop, server, dir })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A line of this process's `/proc/self/status` in MiB (`RssAnon`: its heap and other memory of
/// its own; `VmHWM`: the peak resident set since [`reset_peak_memory`], with mapped file pages).
fn memory_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| {
            line.strip_prefix(field)?.trim_start_matches(':').trim().strip_suffix(" kB")?.trim().parse::<f64>().ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Starts this process's peak memory (`VmHWM`) over from what it holds now.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Counts the lines written to it, keeping nothing.
#[derive(Default)]
struct LineCounter(u64);

impl std::io::Write for LineCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.iter().filter(|b| **b == b'\n').count() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The case list exported by the county's officer (`xfb`, the whole county) through the staff
/// page's form, as XLSX and as CSV, read by a client that keeps none of it: the time, the rows and
/// bytes, and the serving process's memory before and at its peak during each (issue 21: ≤ 300 MB):
/// its own (anonymous) memory sampled every 5 ms, and its resident set with the pages of SQLite's
/// memory-mapped file.
/// It sets `xfb`'s password: run it on a demo database only.
async fn export(url: &str) -> Result<(), String> {
    let store = open(url).await?;
    let user = store.user_by_username("xfb").await.map_err(|e| e.to_string())?.ok_or("run huiyin demo first")?;
    let password = "基准测试导出2026年冬季";
    let hash = huiyin_app::actor::hash_password(password.to_owned()).await.map_err(|e| e.to_string())?;
    store.set_password_hash(user.id, &hash).await.map_err(|e| e.to_string())?;
    let served = Served::start(store.clone()).await?;
    let base = format!("http://{}", served.addr);
    let lines = tokio::task::spawn_blocking(move || -> Result<Vec<String>, String> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let token_of = |page: &str| -> Result<String, String> {
            let token = page.split("name=\"csrf\" value=\"").nth(1).and_then(|t| t.split('"').next());
            token.map(str::to_owned).ok_or_else(|| "no CSRF token on the page".to_owned())
        };
        let mut login = agent.get(format!("{base}/login")).call().map_err(|e| e.to_string())?;
        let cookie_of = |r: &ureq::http::Response<ureq::Body>| {
            r.headers().get("set-cookie").and_then(|c| c.to_str().ok()).and_then(|c| c.split(';').next()).map(str::to_owned)
        };
        let mut cookie = cookie_of(&login).ok_or("no session cookie")?;
        let csrf = token_of(&login.body_mut().read_to_string().map_err(|e| e.to_string())?)?;
        let signed = agent
            .post(format!("{base}/login"))
            .header("Cookie", &cookie)
            .send_form([("csrf", csrf.as_str()), ("username", "xfb"), ("password", password), ("next", "/cases")])
            .map_err(|e| e.to_string())?;
        cookie = cookie_of(&signed).unwrap_or(cookie);
        let mut cases = agent.get(format!("{base}/cases")).header("Cookie", &cookie).call().map_err(|e| e.to_string())?;
        let csrf = token_of(&cases.body_mut().read_to_string().map_err(|e| e.to_string())?)?;
        let mut lines = Vec::new();
        for format in ["xlsx", "csv"] {
            let before = memory_mib("RssAnon");
            reset_peak_memory();
            // The heap's peak, sampled: the file-backed pages of SQLite's memory map count in the
            // resident set too, but they are the operating system's page cache, not the server's.
            let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
            let sampler = {
                let sampling = sampling.clone();
                std::thread::spawn(move || {
                    let mut peak = 0f64;
                    while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                        peak = peak.max(memory_mib("RssAnon"));
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    peak
                })
            };
            let started = Instant::now();
            let mut answer = agent
                .post(format!("{base}/cases/export"))
                .header("Cookie", &cookie)
                .send_form([("csrf", csrf.as_str()), ("format", format)])
                .map_err(|e| e.to_string())?;
            if answer.status() != 200 {
                return Err(format!("the export answered {}", answer.status()));
            }
            let mut read = LineCounter::default();
            let bytes = std::io::copy(&mut answer.body_mut().with_config().limit(u64::MAX).reader(), &mut read)
                .map_err(|e| e.to_string())?;
            let took = started.elapsed();
            sampling.store(false, std::sync::atomic::Ordering::Relaxed);
            let heap_peak = sampler.join().map_err(|_| "the sampler panicked")?;
            // A CSV's rows are its lines less the heading (and the note when it stopped at the most).
            let rows = if format == "csv" { format!("{} rows", read.0.saturating_sub(1)) } else { "rows".into() };
            lines.push(format!(
                "| export {format}, the county's list ({rows}; at most {}) | {:.1} s | {:.1} MB | {before:.0} MiB | {heap_peak:.0} MiB | {:.0} MiB |",
                huiyin_app::cases::export::MAX_EXPORT_ROWS,
                took.as_secs_f64(),
                bytes as f64 / 1_000_000.0,
                memory_mib("VmHWM"),
            ));
        }
        Ok(lines)
    })
    .await
    .map_err(|e| e.to_string())??;
    served.stop().await;
    println!("| what | time | file | heap before | heap peak | resident peak (with mapped pages) |");
    println!("|---|---|---|---|---|---|");
    for line in lines {
        println!("{line}");
    }
    println!("(backend: {})", store.backend());
    Ok(())
}

async fn register(url: &str, seconds: u64, concurrency: usize) -> Result<(), String> {
    let store = open(url).await?;
    let user = store.user_by_username("xs.officer").await.map_err(|e| e.to_string())?.ok_or("run huiyin demo first")?;
    let token = huiyin_app::context::new_token("hy_").map_err(|e| e.to_string())?;
    store
        .add_api_token(
            user.id,
            &huiyin_app::context::token_hash(&token),
            &huiyin_store::NewApiToken::default(),
            chrono::Utc::now(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let served = Served::start(store.clone()).await?;
    let addr = served.addr;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // Each request a new petitioner and one of a dozen kinds of statement with its own details, so
    // that every registration runs the whole intake check (history by phone, similar statements by
    // LSH band) as at a real counter.
    const KINDS: [&str; 12] = [
        "在工地务工三个月,包工头拖欠工资",
        "小区物业长期不维修电梯,老人上下楼困难,维修基金",
        "申请低保被村委会以不符合条件为由拒绝,家庭收入",
        "反映拆迁补偿标准低于周边项目,要求说明依据,补偿款",
        "邻居长期噪音扰民,多次协商无果,请求调解,噪音",
        "孩子在小学被要求购买指定教辅,家长有意见,费用",
        "养殖场粪污直排河道,气味刺鼻,要求整治,距离",
        "退役军人申请优待证至今未办理,请求协调,等待",
        "通村公路路面破损严重,雨天无法通行,路段长度",
        "残疾人两项补贴停发,请求核实恢复,补贴金额",
        "企业未为职工缴纳社会保险,要求补缴,欠缴金额",
        "超市买到过期食品,商家拒绝退换,货款",
    ];
    let body = |worker: usize, n: usize| {
        let kind = KINDS[(n * 5 + worker) % KINDS.len()];
        serde_json::json!({
            "channel": "visit", "unit": "XS",
            "petitioner": {"name": "王秀英", "phone": format!("177{worker:02}{n:06}"), "address": format!("西山社区向阳街 {n} 号")},
            "category": "拖欠农民工工资", "purpose": "request",
            "content": format!("{kind}{}元,已持续{}个月。", 1000 + n * 7 + worker, 1 + n % 30)
        })
        .to_string()
    };
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let token = token.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut times = Vec::new();
                let mut failures = 0usize;
                while Instant::now() < deadline {
                    let body = body(worker, times.len() + failures);
                    let started = Instant::now();
                    let resp = agent
                        .post(format!("http://{addr}/api/v1/cases"))
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Content-Type", "application/json")
                        .send(body.as_str());
                    match resp {
                        Ok(r) if r.status().as_u16() == 201 => times.push(started.elapsed()),
                        _ => failures += 1,
                    }
                }
                (times, failures)
            })
        })
        .collect();
    let started = Instant::now();
    let mut times = Vec::new();
    let mut failures = 0;
    for w in workers {
        let (t, f) = w.join().map_err(|_| "a client thread panicked")?;
        times.extend(t);
        failures += f;
    }
    let elapsed = started.elapsed();
    served.stop().await;
    times.sort();
    println!(
        "| {} | register via API, {concurrency} clients, {seconds} s | {:.0} cases/s ({} ok, {failures} failed) | {} | {} |",
        store.backend(),
        times.len() as f64 / elapsed.as_secs_f64(),
        times.len(),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0))
    );
    Ok(())
}

/// A notice of about a page, as the case documents are.
fn sample_letter(n: usize) -> huiyin_pdf::Letter {
    huiyin_pdf::Letter {
        letterhead: "西山社区居民委员会".into(),
        title: "信访事项处理意见书".into(),
        number: Some(format!("XS-2026-{n:06}")),
        addressee: Some("王秀英".into()),
        paragraphs: vec![
            "您于 2026-11-02 以来访形式反映的“残疾人两项补贴停发”一事,本机关经调查核实,现答复如下:".into(),
            "一、查明的事实和理由:经民政办核实,因年审材料未按期提交,补贴自九月起暂停发放。".repeat(3),
            "二、处理意见:对您的请求予以支持。已补交材料,自十二月起恢复发放并补发暂停期间的补贴。".into(),
            "三、依据:《残疾人保障法》第四十八条。".into(),
            "如对本处理意见不服,可自收到本意见书之日起三十日内,向本机关的上一级机关请求复查。".into(),
        ],
        facts: vec![("信访件编号".into(), format!("XS-2026-{n:06}"))],
        table: None,
        signature: vec!["西山社区居民委员会".into(), "(盖章)".into()],
        issued_on: "2026-11-26".into(),
    }
}

fn typeset(samples: usize) -> Result<(), String> {
    let at = chrono::Utc::now();
    let started = Instant::now();
    let typesetter =
        huiyin_pdf::Typesetter::new(&huiyin_pdf::Typesetter::default_font_dirs()).map_err(|e| e.to_string())?;
    typesetter.letter(&sample_letter(0), "warm-up", at).map_err(|e| e.to_string())?;
    let first = started.elapsed();
    println!("| — | typeset: font scan and first notice | 1 | {} | |", ms(first));
    let mut times = Vec::with_capacity(samples);
    let mut size = 0;
    for n in 1..=samples {
        let started = Instant::now();
        size = typesetter.letter(&sample_letter(n), &format!("bench-{n}"), at).map_err(|e| e.to_string())?.len();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "| — | typeset: one-page notice (PDF {} KB) | {samples} | {} | {} |",
        size / 1024,
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0))
    );
    let volume = huiyin_pdf::ArchiveVolume {
        title: "西山社区 2026 年度信访档案".into(),
        unit: "西山社区居民委员会".into(),
        year: 2026,
        cover: vec![("件数".into(), "100".into())],
        cases: (1..=100)
            .map(|n| huiyin_pdf::ArchivedCase {
                number: format!("XS-2026-{n:06}"),
                summary: "残疾人两项补贴停发".into(),
                documents: vec![sample_letter(n), sample_letter(n), sample_letter(n)],
            })
            .collect(),
    };
    let started = Instant::now();
    let pdf = typesetter.archive(&volume, "bench-archive", at).map_err(|e| e.to_string())?;
    println!(
        "| — | typeset: archive volume, 100 cases × 3 documents (PDF {} KB) | 1 | {} | |",
        pdf.len() / 1024,
        ms(started.elapsed())
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(async {
        match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["list", url] => list(url, 100).await,
            ["list", url, samples] => list(url, samples.parse().map_err(|_| "samples must be a number")?).await,
            ["typeset", samples] => typeset(samples.parse().map_err(|_| "samples must be a number")?),
            ["register", url, seconds, concurrency] => {
                register(
                    url,
                    seconds.parse().map_err(|_| "seconds must be a number")?,
                    concurrency.parse().map_err(|_| "concurrency must be a number")?,
                )
                .await
            }
            ["repeats", url, labels] => repeats(url, labels).await,
            ["reports", url, samples] => reports(url, samples.parse().map_err(|_| "samples must be a number")?).await,
            ["export", url] => export(url).await,
            ["crash", bin, url, secret, cycles, clients] => {
                let cycles = cycles.parse().map_err(|_| "cycles must be a number")?;
                let clients = clients.parse().map_err(|_| "clients must be a number")?;
                let (bin, url, secret) = (bin.to_string(), url.to_string(), secret.to_string());
                tokio::task::spawn_blocking(move || served::crash(&bin, &url, &secret, cycles, clients))
                    .await
                    .map_err(|e| e.to_string())?
            }
            ["load", bin, url, secret, seconds, clients, think @ ..] if think.is_empty() || think.len() == 2 => {
                let seconds = seconds.parse().map_err(|_| "seconds must be a number")?;
                let clients = clients.parse().map_err(|_| "clients must be a number")?;
                let think = match think {
                    [low, high] => (
                        low.parse().map_err(|_| "THINK_MIN_MS must be a number")?,
                        high.parse().map_err(|_| "THINK_MAX_MS must be a number")?,
                    ),
                    _ => (1000, 5000),
                };
                let (bin, url, secret) = (bin.to_string(), url.to_string(), secret.to_string());
                tokio::task::spawn_blocking(move || served::load(&bin, &url, &secret, seconds, clients, think))
                    .await
                    .map_err(|e| e.to_string())?
            }
            _ => Err("usage: huiyin-bench list DATABASE_URL [SAMPLES] | register DATABASE_URL SECONDS CONCURRENCY \
                          | typeset SAMPLES | repeats DATABASE_URL LABELS_FILE | reports DATABASE_URL SAMPLES \
                          | export DATABASE_URL | crash HUIYIN_BIN DATABASE_URL SECRET_FILE CYCLES CLIENTS \
                          | load HUIYIN_BIN DATABASE_URL SECRET_FILE SECONDS CLIENTS [THINK_MIN_MS THINK_MAX_MS]"
                .into()),
        }
    });
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
