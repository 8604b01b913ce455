//! Benchmarks against a running `huiyin serve` (issue 23): the server killed with SIGKILL again and
//! again while clients register cases (every case it acknowledged must be there after), and many
//! clients at once with the mix of a working day (latency by operation, errors, and whether a
//! prolific petitioner's registrations slow down as their history grows).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{ms, percentile};

/// A `huiyin serve` on a random loopback port.
struct Served {
    child: Child,
    base: String,
}

impl Served {
    fn start(bin: &str, url: &str, secret: &str) -> Result<Served, String> {
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--supervise-every", "0", "--deliver-every", "0"])
            .env("HUIYIN_DATABASE_URL", url)
            .env("HUIYIN_SECRET_FILE", secret)
            .env("HUIYIN_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {bin}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().ok_or("the server printed nothing")?.map_err(|e| e.to_string())?;
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .ok_or_else(|| format!("no address in {first:?}"))?
            .to_owned();
        // The rest of its output is drained, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Ok(Served { child, base })
    }

    /// SIGKILL, as a power cut or the kernel's OOM killer would.
    fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent()
}

/// A command of the huiyin binary on the database; its standard output.
fn huiyin(bin: &str, url: &str, secret: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(args)
        .env("HUIYIN_DATABASE_URL", url)
        .env("HUIYIN_SECRET_FILE", secret)
        .env("HUIYIN_LOG", "error")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("huiyin {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A visit at the demo's community (XS), its petitioner given by `person`.
fn visit(person: u64, n: u64) -> Value {
    json!({
        "channel": "visit", "unit": "XS",
        "petitioner": {
            "name": format!("测试{person}"),
            "phone": format!("139{:08}", person % 100_000_000),
            "address": format!("西山社区向阳街 {} 号", person % 200 + 1)
        },
        "category": "拖欠农民工工资",
        "content": format!("第 {n} 次反映:工地拖欠工资三个月,请求协调包工头支付。编号 {person}-{n}。")
    })
}

/// A small deterministic random number generator (xorshift), so that a run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// `huiyin-bench crash BIN DATABASE_URL SECRET CYCLES CLIENTS`: registers cases from `clients`
/// threads while the server is killed with SIGKILL `cycles` times at a random moment, restarted
/// each time; then reads back every case the server answered 201 for, and verifies the
/// tamper-evident record. A case acknowledged and not found is a lost case.
pub fn crash(bin: &str, url: &str, secret: &str, cycles: u32, clients: u32) -> Result<(), String> {
    let token = huiyin(bin, url, secret, &["token", "create", "xs.officer", "--name", "crash", "--scope", "register"])?
        .trim()
        .to_owned();
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let refused = Arc::new(AtomicU64::new(0));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    for cycle in 0..cycles {
        let server = Served::start(bin, url, secret)?;
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..clients)
            .map(|client| {
                let (base, token, stop) = (server.base.clone(), token.clone(), stop.clone());
                let (acknowledged, refused) = (acknowledged.clone(), refused.clone());
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let person = u64::from(cycle) * 1000 + u64::from(client);
                        let answer = agent
                            .post(format!("{base}/api/v1/cases"))
                            .header("Authorization", &format!("Bearer {token}"))
                            .send_json(visit(person, n));
                        match answer {
                            Ok(mut r) if r.status() == 201 => {
                                let body: Value = r.body_mut().read_json().unwrap_or_default();
                                if let (Some(id), Some(number)) = (body["id"].as_i64(), body["case_number"].as_str()) {
                                    acknowledged.lock().map(|mut a| a.push((id, number.to_owned()))).ok();
                                }
                            }
                            Ok(_) => {
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                            // The server is gone: this request was never acknowledged.
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300 + rng.below(1500)));
        server.kill_hard();
        stop.store(true, Ordering::SeqCst);
        for t in threads {
            let _ = t.join();
        }
        eprint!("\rcycle {}/{cycles}", cycle + 1);
    }
    eprintln!();
    let elapsed = started.elapsed();
    let server = Served::start(bin, url, secret)?;
    let agent = agent();
    let acknowledged = acknowledged.lock().map_err(|e| e.to_string())?.clone();
    let mut lost = 0;
    for (id, number) in &acknowledged {
        let answer = agent
            .get(format!("{}/api/v1/cases/{id}", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|e| e.to_string())?;
        let status = answer.status().as_u16();
        let body: Value = answer.into_body().read_json().unwrap_or_default();
        if status != 200 || body["case_number"].as_str() != Some(number) {
            lost += 1;
            eprintln!("lost: case {id} {number} ({status})");
        }
    }
    drop(server);
    let verified = huiyin(bin, url, secret, &["audit", "verify"]).map(|_| "holds").unwrap_or("BROKEN");
    let backend = url.split(':').next().unwrap_or_default();
    println!(
        "| {backend} | {cycles} SIGKILLs under registration by {clients} clients | {} acknowledged, **{lost} lost**; {} answered other than 201; `audit verify`: {verified} | {:.0} s |",
        acknowledged.len(),
        refused.load(Ordering::Relaxed),
        elapsed.as_secs_f64()
    );
    if lost > 0 || verified != "holds" {
        return Err(format!("{lost} acknowledged cases lost; the record {verified}"));
    }
    Ok(())
}

/// The operations of the load's mix, with their shares of a hundred.
const MIX: [(&str, u64); 6] =
    [("register", 10), ("list", 30), ("view", 30), ("search", 10), ("notifications", 10), ("intake", 10)];

/// What each operation took, and how many failed.
#[derive(Default)]
struct Tally {
    took: Vec<Vec<Duration>>,
    errors: Vec<u64>,
    /// The prolific petitioner's registrations: when (seconds into the run) and how long.
    prolific: Vec<(f64, Duration)>,
}

/// `huiyin-bench load BIN DATABASE_URL SECRET SECONDS CLIENTS [THINK_MIN_MS THINK_MAX_MS]`:
/// `clients` staff working at once
/// for `seconds` through the HTTP API with the mix of a working day — registering visits (and one
/// client registering one petitioner again and again, their history growing), listing cases, reading
/// one, searching, reading their notifications and asking the intake check — each client waiting
/// `think.0` to `think.1` milliseconds between requests (as a person reads the answer). Prints a row per operation: count, errors, p50 and p99; and the prolific
/// petitioner's registration p99 in the run's first and last fifth.
pub fn load(bin: &str, url: &str, secret: &str, seconds: u64, clients: u32, think: (u64, u64)) -> Result<(), String> {
    if think.0 > think.1 {
        return Err("THINK_MIN_MS must not be above THINK_MAX_MS".into());
    }
    let token = huiyin(bin, url, secret, &["token", "create", "xs.officer", "--name", "load"])?.trim().to_owned();
    let server = Served::start(bin, url, secret)?;
    let (_, first) = call(&agent(), &server.base, &token, "list", 0)?;
    let case_ids: Vec<i64> =
        first["items"].as_array().map(|a| a.iter().filter_map(|c| c["id"].as_i64()).collect()).unwrap_or_default();
    if case_ids.is_empty() {
        return Err("the database has no case at XS: run huiyin demo first".into());
    }
    let tally = Arc::new(Mutex::new(Tally {
        took: vec![Vec::new(); MIX.len()],
        errors: vec![0; MIX.len()],
        prolific: Vec::new(),
    }));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            let (base, token, tally, ids) = (server.base.clone(), token.clone(), tally.clone(), case_ids.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (u64::from(client) + 1).wrapping_mul(0x9e37_79b9));
                let mut n = 0;
                while Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(think.0 + rng.below(think.1 - think.0 + 1)));
                    n += 1;
                    let mut pick = rng.below(100);
                    // Client 0 is the counter where the prolific petitioner comes again and again:
                    // it only registers, always the same person, their history growing.
                    let op = if client == 0 {
                        0
                    } else {
                        MIX.iter()
                            .position(|(_, share)| {
                                let here = pick < *share;
                                pick = pick.saturating_sub(*share);
                                here
                            })
                            .unwrap_or(0)
                    };
                    let arg = match (MIX[op].0, client) {
                        ("register", 0) => 0,
                        ("register", _) => u64::from(client) * 1_000_000 + n,
                        ("view", _) => ids[rng.below(ids.len() as u64) as usize] as u64,
                        _ => rng.below(1000),
                    };
                    let at = Instant::now();
                    let ok = call(&agent, &base, &token, MIX[op].0, arg).is_ok();
                    let took = at.elapsed();
                    if let Ok(mut t) = tally.lock() {
                        t.took[op].push(took);
                        if !ok {
                            t.errors[op] += 1;
                        }
                        if MIX[op].0 == "register" && client == 0 {
                            t.prolific.push((at.duration_since(started).as_secs_f64(), took));
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    drop(server);
    let tally = tally.lock().map_err(|e| e.to_string())?;
    let backend = url.split(':').next().unwrap_or_default();
    let mut total_errors = 0;
    for (i, (name, _)) in MIX.iter().enumerate() {
        let mut took = tally.took[i].clone();
        took.sort();
        total_errors += tally.errors[i];
        println!(
            "| {backend} | {name} | {} | {} | {} | {} |",
            took.len(),
            tally.errors[i],
            ms(percentile(&took, 50.0)),
            ms(percentile(&took, 99.0))
        );
    }
    let fifth = seconds as f64 / 5.0;
    let p99_of = |from: f64, to: f64| {
        let mut took: Vec<Duration> =
            tally.prolific.iter().filter(|(at, _)| *at >= from && *at < to).map(|(_, d)| *d).collect();
        took.sort();
        (took.len(), ms(percentile(&took, 99.0)))
    };
    let (early_n, early) = p99_of(0.0, fifth);
    let (late_n, late) = p99_of(4.0 * fifth, seconds as f64 + 60.0);
    println!(
        "| {backend} | register: the prolific petitioner's p99, first fifth → last fifth ({} registrations in all) | {early_n} → {late_n} | | | {early} → {late} |",
        tally.prolific.len()
    );
    if total_errors > 0 {
        return Err(format!("{total_errors} requests failed"));
    }
    Ok(())
}

/// One operation of the mix; an error unless it answered 2xx.
fn call(agent: &ureq::Agent, base: &str, token: &str, op: &str, arg: u64) -> Result<(u16, Value), String> {
    let bearer = format!("Bearer {token}");
    let answer = match op {
        "register" => agent
            .post(format!("{base}/api/v1/cases"))
            .header("Authorization", &bearer)
            .send_json(if arg == 0 { prolific(base) } else { visit(arg, 1) }),
        "intake" => {
            let v = visit(arg, 1);
            let draft =
                json!({"unit": "XS", "channel": "visit", "petitioner": v["petitioner"], "content": v["content"]});
            agent.post(format!("{base}/api/v1/intake/check")).header("Authorization", &bearer).send_json(draft)
        }
        "list" => agent
            .get(format!("{base}/api/v1/cases?unit=XS&page={}", arg % 20 + 1))
            .header("Authorization", &bearer)
            .call(),
        "view" => agent.get(format!("{base}/api/v1/cases/{arg}")).header("Authorization", &bearer).call(),
        "search" => {
            let words = ["拖欠工资", "低保", "路灯", "噪音", "物业"];
            let q = words[(arg % words.len() as u64) as usize];
            agent.get(format!("{base}/api/v1/cases")).query("q", q).header("Authorization", &bearer).call()
        }
        _ => agent.get(format!("{base}/api/v1/notifications")).header("Authorization", &bearer).call(),
    }
    .map_err(|e| e.to_string())?;
    let status = answer.status().as_u16();
    let body: Value = answer.into_body().read_json().unwrap_or_default();
    if (200..300).contains(&status) { Ok((status, body)) } else { Err(format!("{op}: {status} {body}")) }
}

/// The prolific petitioner's visit: the same person each time, by their ID number.
fn prolific(_base: &str) -> Value {
    let mut v = visit(7, 1);
    v["petitioner"]["name"] = json!("常来访");
    v["petitioner"]["id_number"] = json!("11010519491231002X");
    v
}
