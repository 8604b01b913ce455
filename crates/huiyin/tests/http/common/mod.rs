//! Test harness: runs the real `huiyin` binary on a random port with a fresh database (a SQLite
//! file in a temporary folder, or a new PostgreSQL database dropped afterwards).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use huiyin_app::context::{new_token, token_hash};
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use huiyin_store::{NewUnit, NewUser, Store};
use huiyin_store_tests::{TempDir, pg_base_url};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_huiyin");

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database and the folder its secret key lives in.
pub struct Db {
    pub url: String,
    pub dir: TempDir,
    pg: bool,
}

impl Db {
    /// `None` for PostgreSQL when it is unreachable outside CI (in CI that fails the test).
    pub fn new(backend: Backend) -> Option<Db> {
        let dir = TempDir::new("huiyin-http");
        match backend {
            Backend::Sqlite => Some(Db { url: format!("sqlite://{}/huiyin.db", dir.0.display()), dir, pg: false }),
            Backend::Postgres => {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                match rt.block_on(huiyin_store_postgres::create_scratch_database(&pg_base_url(), "huiyin_http")) {
                    Ok(url) => Some(Db { url, dir, pg: true }),
                    Err(e) if std::env::var_os("CI").is_some() => panic!("PostgreSQL is required in CI: {e}"),
                    Err(e) => {
                        eprintln!("skipping a PostgreSQL test: {e}");
                        None
                    }
                }
            }
        }
    }

    /// Runs a `huiyin` command against this database; returns stdout, panics with stderr on failure.
    pub fn cli(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.try_cli(args, None);
        assert!(ok, "huiyin {args:?} failed: {err}");
        out
    }

    /// Runs a command, optionally feeding stdin; returns (success, stdout, stderr).
    pub fn try_cli(&self, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
        let mut child = Command::new(BIN)
            .args(args)
            .env("HUIYIN_DATABASE_URL", &self.url)
            .env("HUIYIN_SECRET_FILE", self.dir.0.join("secret.key"))
            .env("HUIYIN_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn huiyin");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The database opened in this process, for seeding a world through the store.
    pub fn with_store<T>(&self, seed: impl AsyncFnOnce(&dyn Store) -> T) -> T {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            if self.pg {
                let store = huiyin_store_postgres::PostgresStore::open(&self.url).await.expect("open PostgreSQL");
                let out = seed(&store).await;
                store.close().await;
                out
            } else {
                let store = huiyin_store_sqlite::SqliteStore::open(&self.url).await.expect("open SQLite");
                seed(&store).await
            }
        })
    }

    /// A small tree (county QX > town XZ > community XS with its federation XS-CL; town DZ) with an
    /// officer in XS, a handler in XS-CL, a supervisor in XZ and an officer in DZ, seeded through the
    /// store, and API tokens for three of them: (wang of XS, chen of XZ, dong of DZ).
    pub fn seed(&self) -> (String, String, String) {
        self.with_store(async |store: &dyn Store| {
            let units = [
                ("QX", "清溪县", UnitKind::County, None),
                ("XZ", "西镇", UnitKind::Town, Some("QX")),
                ("XS", "西山社区", UnitKind::Community, Some("XZ")),
                ("XS-CL", "西山社区残联", UnitKind::Federation, Some("XS")),
                ("DZ", "东镇", UnitKind::Town, Some("QX")),
            ];
            for (code, name, kind, parent) in units {
                let code = UnitCode::parse("code", code).unwrap();
                let parent = parent.map(|p| UnitCode::parse("parent", p).unwrap());
                store.add_unit(&NewUnit { code, name: name.into(), kind, parent }).await.unwrap();
            }
            let people = [
                ("wang", "XS", Role::Officer, "王秀英"),
                ("zhao", "XS-CL", Role::Handler, "赵维权"),
                ("chen", "XZ", Role::Supervisor, "陈海燕"),
                ("dong", "DZ", Role::Officer, "董东"),
            ];
            let mut tokens = Vec::new();
            for (username, unit, role, name) in people {
                tokens.push(add_account(store, username, unit, role, name, None, false).await);
            }
            (tokens[0].clone(), tokens[2].clone(), tokens[3].clone())
        })
    }
}

impl Db {
    /// Adds an account through the store, with `password` (hashed as the server hashes) if given,
    /// and returns an API token for it.
    pub fn account(&self, username: &str, unit: &str, role: Role, password: Option<&str>) -> String {
        self.with_store(async |store: &dyn Store| {
            let hash = match password {
                Some(p) => Some(huiyin_app::actor::hash_password(p.to_owned()).await.unwrap()),
                None => None,
            };
            add_account(store, username, unit, role, username, hash, false).await
        })
    }

    /// An account that may record what happened earlier (补录: `at` on an action), with an API token.
    pub fn backdating_account(&self, username: &str, unit: &str, role: Role) -> String {
        self.with_store(async |store: &dyn Store| add_account(store, username, unit, role, username, None, true).await)
    }
}

/// Adds an account named `name` through the store, with a password hash if given; an API token for it.
async fn add_account(
    store: &dyn Store,
    username: &str,
    unit: &str,
    role: Role,
    name: &str,
    password_hash: Option<String>,
    may_backdate: bool,
) -> String {
    let account = NewUser {
        username: username.into(),
        display_name: name.into(),
        unit: UnitCode::parse("unit", unit).unwrap(),
        role,
        password_hash,
        may_backdate,
        title: None,
        credential: None,
        rank: None,
        phone: None,
        email: None,
    };
    let user = store.add_user(&account).await.unwrap();
    let token = new_token("hy_").unwrap();
    store
        .add_api_token(user.id, &token_hash(&token), &huiyin_store::NewApiToken::default(), chrono::Utc::now())
        .await
        .unwrap();
    token
}

impl Drop for Db {
    fn drop(&mut self) {
        if self.pg {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let _ = rt.block_on(huiyin_store_postgres::drop_database(&self.url));
        }
    }
}

/// A running `huiyin serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// What the server printed on stdout before it started serving (the setup link, if any).
    pub banner: Vec<String>,
}

impl Server {
    pub fn start(db: &Db) -> Server {
        Server::start_with_env(db, &[])
    }

    /// Starts the server with more environment settings (e.g. `HUIYIN_TRUSTED_PROXIES`).
    pub fn start_with_env(db: &Db, env: &[(&str, &str)]) -> Server {
        Server::spawn(db, env, Stdio::inherit())
    }

    /// Starts the server logging at `filter` (`HUIYIN_LOG`) into `server.log` in the database's
    /// folder; returns the log's path.
    pub fn start_logging(db: &Db, filter: &str) -> (Server, std::path::PathBuf) {
        Server::start_logging_with_env(db, filter, &[])
    }

    /// [`Server::start_logging`] with more environment settings.
    pub fn start_logging_with_env(db: &Db, filter: &str, env: &[(&str, &str)]) -> (Server, std::path::PathBuf) {
        let path = db.dir.0.join("server.log");
        let file = std::fs::File::create(&path).expect("create the server log");
        let mut all = vec![("HUIYIN_LOG", filter)];
        all.extend_from_slice(env);
        (Server::spawn(db, &all, Stdio::from(file)), path)
    }

    fn spawn(db: &Db, env: &[(&str, &str)], stderr: Stdio) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("HUIYIN_LOG", "warn")
            .envs(env.iter().copied())
            .env("HUIYIN_DATABASE_URL", &db.url)
            .env("HUIYIN_SECRET_FILE", db.dir.0.join("secret.key"))
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn huiyin serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        let first = rx.recv_timeout(Duration::from_secs(60)).expect("server did not start");
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        banner.push(first);
        // The setup line, if any, follows at once.
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
            banner.push(line);
        }
        std::thread::spawn(move || while rx.recv().is_ok() {});
        Server { child, base, banner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that does not treat 4xx/5xx as errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// A response's status and JSON body.
pub fn json(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    let mut resp = resp.expect("request failed");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

pub fn get(server: &Server, token: &str, path: &str) -> (u16, Value) {
    json(agent().get(server.url(path)).header("Authorization", &format!("Bearer {token}")).call())
}

fn send_json(request: ureq::RequestBuilder<ureq::typestate::WithBody>, token: &str, body: &Value) -> (u16, Value) {
    json(
        request
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(body.to_string()),
    )
}

pub fn delete(server: &Server, token: &str, path: &str) -> (u16, Value) {
    json(agent().delete(server.url(path)).header("Authorization", &format!("Bearer {token}")).call())
}

pub fn put(server: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    send_json(agent().put(server.url(path)), token, body)
}

pub fn post(server: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    send_json(agent().post(server.url(path)), token, body)
}

/// `q` percent-encoded for a query string.
pub fn enc(q: &str) -> String {
    q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

pub fn patch(server: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    send_json(agent().patch(server.url(path)), token, body)
}

/// Defines `NAME::sqlite` and `NAME::postgres` tests from `fn NAME(backend: Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::common::Backend::Sqlite);
            }
            #[test]
            fn postgres() {
                super::$name($crate::common::Backend::Postgres);
            }
        }
    };
}

/// An agent that shows redirects and error statuses instead of following or failing on them.
pub fn plain() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

/// A signed-in staff member's browser: pages read and forms sent with the session's CSRF token,
/// redirects and refusals shown as they come.
pub struct Browser<'a> {
    pub server: &'a Server,
    pub cookie: String,
}

impl<'a> Browser<'a> {
    /// Signs `username` in by the login form.
    pub fn sign_in(server: &'a Server, username: &str, password: &str) -> Browser<'a> {
        Browser { server, cookie: sign_in(server, username, password, "/home").0 }
    }

    /// A page: (status, body).
    pub fn page(&self, path: &str) -> (u16, String) {
        let mut answer = plain().get(self.server.url(path)).header("Cookie", &self.cookie).call().unwrap();
        (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
    }

    /// Sends a form: (status, where it redirects to, content type, body bytes).
    pub fn submit_bytes(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String, Vec<u8>) {
        let csrf = csrf_of(self.server, &self.cookie, "/home");
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let mut answer = plain().post(self.server.url(path)).header("Cookie", &self.cookie).send_form(form).unwrap();
        let header =
            |name: &str| answer.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let (location, media) = (header("location"), header("content-type"));
        (answer.status().as_u16(), location, media, answer.body_mut().read_to_vec().unwrap())
    }

    /// Sends a form: (status, where it redirects to, the page).
    pub fn submit(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let (status, location, _, body) = self.submit_bytes(path, fields);
        (status, location, String::from_utf8(body).unwrap())
    }
}

/// A staff session by the login form: (cookie, where the login redirected to).
pub fn sign_in(server: &Server, username: &str, password: &str, next: &str) -> (String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut form = agent.get(server.url("/login")).call().unwrap();
    let cookie = form.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let done = agent
        .post(server.url("/login"))
        .header("Cookie", &cookie)
        .send_form([("csrf", csrf.as_str()), ("username", username), ("password", password), ("next", next)])
        .unwrap();
    assert_eq!(done.status(), 303, "{username} signs in");
    let cookie =
        done.headers().get("set-cookie").map_or(cookie, |c| c.to_str().unwrap().split(';').next().unwrap().to_owned());
    (cookie, done.headers()["location"].to_str().unwrap().to_owned())
}

/// The page's CSRF token, read from a staff page.
pub fn csrf_of(server: &Server, cookie: &str, path: &str) -> String {
    let mut page = agent().get(server.url(path)).header("Cookie", cookie).call().unwrap();
    let text = page.body_mut().read_to_string().unwrap();
    text.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// Registers a case as `token` (201 asserted) and reads it back whole, as the walks of a case use it.
pub fn register_case(server: &Server, token: &str, body: &Value) -> Value {
    let (status, case) = post(server, token, "/api/v1/cases", body);
    assert_eq!(status, 201, "{body}: {case}");
    let (_, case) = get(server, token, &format!("/api/v1/cases/{}", case["id"]));
    case
}

/// Takes an action on `case` as `token` that must succeed (200 asserted); the case after it.
pub fn act_ok(server: &Server, token: &str, case: &Value, action: &str, body: Value) -> Value {
    let (status, after) = post(server, token, &format!("/api/v1/cases/{}/{action}", case["id"]), &body);
    assert_eq!(status, 200, "{action}: {after}");
    after
}

/// A case's flags, by code.
pub fn flags_of(case: &Value) -> Vec<&str> {
    case["flags"].as_array().unwrap().iter().filter_map(Value::as_str).collect()
}
