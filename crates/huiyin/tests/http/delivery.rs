//! 消息发送 (issue 23): notices leave the building — by e-mail through an SMTP server and by SMS
//! through the province's HTTP gateway — and are tried again after a refusal, given up after a
//! permanent one, listed for administrators as dead letters (never their text) and sent again.
//! The mail server and the gateway are sinks these tests start on loopback.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huiyin_core::user::Role;
use huiyin_store::{StaffCard, Store};
use serde_json::{Value, json};

use crate::common;
use common::{Backend, Db, Server, agent, get, post, put, register_case};

/// A major collective visit at XS: the leaders of XS are alerted at once (FED-21), and so receive
/// a notice through the outbox.
fn major_visit() -> Value {
    json!({
        "channel": "visit", "unit": "XS", "headcount": 30, "representatives": ["甲", "乙", "丙"],
        "flags": ["major_urgent"],
        "petitioner": {"name": "王秀英", "phone": "13812345678", "address": "西山社区向阳街 12 号"},
        "category": "拖欠农民工工资", "content": "三十名工人到社区反映工地拖欠工资三个月。"
    })
}

/// Gives `username` a telephone and an e-mail address through the store (the world's seeding).
fn reach(db: &Db, username: &str, phone: Option<&str>, email: Option<&str>) {
    db.with_store(async |store: &dyn Store| {
        let user = store.user_by_username(username).await.unwrap().unwrap();
        let card = StaffCard {
            display_name: user.display_name.clone(),
            title: None,
            credential: None,
            rank: None,
            phone: phone.map(str::to_owned),
            email: email.map(str::to_owned),
        };
        store.set_user_card(user.id, &card).await.unwrap();
    });
}

/// Waits up to 30 seconds for `done`.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A mail server on loopback that turns its first connections away, one with each of `refusals`
/// (421: busy; 554: a refusal that may be its own configuration's), and then takes every message,
/// keeping what it was sent.
struct SmtpSink {
    port: u16,
    connections: Arc<AtomicUsize>,
    messages: Arc<Mutex<Vec<String>>>,
    /// The first bytes each connection sent, for a client that must not speak in clear.
    first_bytes: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl SmtpSink {
    /// A sink listening on a port of its own, and its listener.
    fn listening() -> (TcpListener, SmtpSink) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            connections: Arc::default(),
            messages: Arc::default(),
            first_bytes: Arc::default(),
        };
        (listener, sink)
    }

    fn start(refusals: &'static [&'static str]) -> SmtpSink {
        let (listener, sink) = SmtpSink::listening();
        let (connections, messages, first_bytes) =
            (sink.connections.clone(), sink.messages.clone(), sink.first_bytes.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let n = connections.fetch_add(1, Ordering::SeqCst);
                if let Some(refusal) = refusals.get(n) {
                    let _ = stream.write_all(format!("{refusal}\r\n").as_bytes());
                    continue;
                }
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let (messages, first_bytes) = (messages.clone(), first_bytes.clone());
                std::thread::spawn(move || smtp_session(stream, &messages, &first_bytes));
            }
        });
        sink
    }

    /// A mail server speaking TLS from the first byte (port 465's way) with `config`'s certificate.
    fn start_tls(config: Arc<rustls::ServerConfig>) -> SmtpSink {
        let (listener, sink) = SmtpSink::listening();
        let (connections, messages, first_bytes) =
            (sink.connections.clone(), sink.messages.clone(), sink.first_bytes.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let tls = rustls::StreamOwned::new(rustls::ServerConnection::new(config.clone()).unwrap(), stream);
                let (messages, first_bytes) = (messages.clone(), first_bytes.clone());
                std::thread::spawn(move || smtp_session(tls, &messages, &first_bytes));
            }
        });
        sink
    }

    fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

/// A line read a byte at a time (a TLS stream is read and written through one value); none at the
/// end of the stream.
fn read_line(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut byte = [0u8];
    loop {
        match stream.read(&mut byte) {
            Ok(1) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Some(line);
                }
            }
            _ => return (!line.is_empty()).then_some(line),
        }
    }
}

/// One SMTP conversation, as little of the protocol as a client sending mail needs.
fn smtp_session(mut stream: impl Read + Write, messages: &Mutex<Vec<String>>, first_bytes: &Mutex<Vec<Vec<u8>>>) {
    if stream.write_all(b"220 sink.test ESMTP\r\n").and_then(|()| stream.flush()).is_err() {
        return;
    }
    let mut first = true;
    loop {
        let Some(line) = read_line(&mut stream) else { return };
        if first {
            first_bytes.lock().unwrap().push(line.clone());
            first = false;
        }
        let command = String::from_utf8_lossy(&line).to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("HELO") || command.starts_with("MAIL") || command.starts_with("RCPT") {
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            let _ = stream.write_all(b"354 go ahead\r\n").and_then(|()| stream.flush());
            let mut data = String::new();
            while let Some(l) = read_line(&mut stream) {
                if l == b".\r\n" {
                    break;
                }
                data.push_str(&String::from_utf8_lossy(&l));
            }
            messages.lock().unwrap().push(data);
            b"250 queued\r\n"
        } else if command.starts_with("QUIT") {
            let _ = stream.write_all(b"221 bye\r\n").and_then(|()| stream.flush());
            return;
        } else if command.starts_with("RSET") || command.starts_with("NOOP") {
            b"250 OK\r\n"
        } else {
            b"502 not here\r\n"
        };
        if stream.write_all(answer).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}

/// The text of a mail's body, decoded from base64 or quoted-printable as its header says.
fn mail_text(message: &str) -> String {
    let (head, body) = message.split_once("\r\n\r\n").expect("a header and a body");
    let head = head.to_ascii_lowercase();
    let bytes: Vec<u8> = if head.contains("content-transfer-encoding: base64") {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in body.bytes().filter(|c| alphabet.contains(c)) {
            bits = (bits << 6) | alphabet.iter().position(|a| *a == c).unwrap() as u32;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        out
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let raw = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'=' && i + 2 < raw.len() {
                out.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                out.push(raw[i]);
                i += 1;
            }
        }
        out
    } else {
        body.as_bytes().to_vec()
    };
    String::from_utf8(bytes).expect("UTF-8 text")
}

/// An SMS gateway on loopback: answers each request with the next of `answers` (then 200 with
/// `{"code":"0"}`), keeping every request (its request line, headers and body).
struct GatewaySink {
    port: u16,
    requests: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl GatewaySink {
    fn start(answers: Vec<(u16, &'static str)>) -> GatewaySink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = GatewaySink { port: listener.local_addr().unwrap().port(), requests: Arc::default() };
        let requests = sink.requests.clone();
        let answers = Mutex::new(VecDeque::from(answers));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                    continue;
                }
                let mut headers = String::new();
                let mut length = 0;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    headers.push_str(&h);
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                requests.lock().unwrap().push((
                    request_line.trim().to_owned(),
                    headers,
                    String::from_utf8_lossy(&body).into_owned(),
                ));
                let (status, answer) = answers.lock().unwrap().pop_front().unwrap_or((200, r#"{"code":"0"}"#));
                let _ = write!(
                    writer,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        sink
    }

    fn requests(&self) -> Vec<(String, String, String)> {
        self.requests.lock().unwrap().clone()
    }
}

/// The samples of `/metrics` named `name`.
fn metric(server: &Server, token: &str, name: &str) -> f64 {
    let mut answer =
        agent().get(server.url("/metrics")).header("Authorization", &format!("Bearer {token}")).call().unwrap();
    let text = answer.body_mut().read_to_string().unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        .parse()
        .unwrap()
}

/// FED-10, GEN-7, issue 23: two leaders' notices go out by e-mail through the mail server, which
/// first answers 421 (busy) and then 554 (a refusal that may be its own configuration's): each
/// message is tried again after its wait, none is given up, and each is delivered once, from the
/// configured address to the leader's, saying what kind of notice waits — never the case's number;
/// the administrators' view of the outbox names the mail server and shows nothing waiting or given up.
fn fed_10_a_notice_is_mailed_after_the_mail_server_first_refused(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.account("li", "XS", Role::Leader, None);
    db.account("lu", "XS", Role::Leader, None);
    let admin = db.account("admin1", "QX", Role::Admin, None);
    reach(&db, "li", None, Some("li.leader@xishan.example.org"));
    reach(&db, "lu", None, Some("lu.leader@xishan.example.org"));
    let sink = SmtpSink::start(&["421 4.3.2 Service busy, try again later", "554 5.7.1 Relaying denied"]);
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let server = Server::start_with_env(
        &db,
        &[
            ("HUIYIN_SMTP_URL", smtp.as_str()),
            ("HUIYIN_MAIL_FROM", "回音信访系统 <xinfang@xishan.example.org>"),
            ("HUIYIN_DELIVER_EVERY", "1"),
            ("HUIYIN_RETRY_WAIT", "1s"),
            ("HUIYIN_METRICS_TOKEN", "metrics-b7d2"),
        ],
    );
    assert!(server.banner.iter().any(|l| l.contains("邮件通知") && l.contains("127.0.0.1")), "{:?}", server.banner);
    let case = register_case(&server, &wang, &major_visit());
    let number = case["case_number"].as_str().unwrap().to_owned();
    wait_for("both mails", || sink.messages().len() >= 2);
    assert_eq!(sink.connections.load(Ordering::SeqCst), 4, "turned away twice, then each taken");
    let mut to: Vec<&str> = Vec::new();
    for mail in &sink.messages() {
        assert!(mail.contains("xinfang@xishan.example.org") && mail.contains("Subject: "), "{mail}");
        assert!(mail.contains("Message-ID: <huiyin-outbox-"), "{mail}");
        to.extend(
            ["li.leader@xishan.example.org", "lu.leader@xishan.example.org"].into_iter().filter(|a| mail.contains(a)),
        );
        let text = mail_text(mail);
        assert!(text.contains("重大") && text.contains("请登录"), "{text}");
        assert!(!text.contains(&number) && !text.contains("30 人"), "the case stays inside huiyin: {text}");
    }
    to.sort_unstable();
    assert_eq!(to, ["li.leader@xishan.example.org", "lu.leader@xishan.example.org"]);
    assert_eq!(metric(&server, "metrics-b7d2", "huiyin_outbox_failures_total"), 2.0);
    assert_eq!(metric(&server, "metrics-b7d2", "huiyin_outbox_dead"), 0.0);
    // Delivered once: later runs send nothing more.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(sink.messages().len(), 2, "each message once");
    let (status, outbox) = get(&server, &admin, "/api/v1/outbox");
    assert_eq!(status, 200, "{outbox}");
    assert_eq!(outbox["mail_server"], format!("127.0.0.1:{}", sink.port));
    assert_eq!(
        (outbox["sms_gateway"].clone(), outbox["waiting"].clone(), outbox["dead"].clone()),
        (Value::Null, json!(0), json!(0))
    );
    assert_eq!(outbox["dead_letters"], json!([]));
}
both_backends!(fed_10_a_notice_is_mailed_after_the_mail_server_first_refused);

/// FED-10, issue 23: SMS through the gateway's template — the key from the environment, the text in
/// a JSON body, saying only what kind of notice waits — tried again after a 503; a leader whose
/// mobile number was changed to a landline before the SMS left gets a dead letter, which
/// administrators of the leader's units see (recipient, reason; never the text) and, once the
/// number is corrected, send again, on the audit log; other staff and other units' admins neither
/// see nor send it, nor count it.
fn fed_10_sms_through_the_gateway_and_a_dead_letter_sent_again(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, chen, _) = db.seed();
    db.account("li", "XS", Role::Leader, None);
    db.account("lu", "XS", Role::Leader, None);
    let admin = db.account("admin1", "XZ", Role::Admin, None);
    let other_admin = db.account("admin2", "DZ", Role::Admin, None);
    reach(&db, "li", Some("138 0013 8000"), None);
    reach(&db, "lu", Some("137 0013 7000"), None);
    // The notices queued by a server that sends nothing; lu's number then changed to a landline.
    let quiet = Server::start_with_env(&db, &[("HUIYIN_DELIVER_EVERY", "0")]);
    let case = register_case(&quiet, &wang, &major_visit());
    let number = case["case_number"].as_str().unwrap().to_owned();
    let (status, card) =
        put(&quiet, &admin, "/api/v1/users/lu/card", &json!({"display_name": "lu", "phone": "0571-8888 1234 转 801"}));
    assert_eq!(status, 200, "{card}");
    drop(quiet);
    let sink = GatewaySink::start(vec![(503, "busy")]);
    let template = db.dir.0.join("sms.toml");
    std::fs::write(
        &template,
        format!(
            "url = \"http://127.0.0.1:{}/sms/send\"\n[headers]\nAuthorization = \"Bearer {{env:TEST_SMS_KEY}}\"\n\
             [body]\nmobile = \"{{phone}}\"\ncontent = \"【回音】{{text}}\"\nserial = \"{{id}}\"\n\
             [success]\njson_pointer = \"/code\"\nequals = \"0\"\n",
            sink.port
        ),
    )
    .unwrap();
    let server = Server::start_with_env(
        &db,
        &[
            ("HUIYIN_SMS_GATEWAY", template.to_str().unwrap()),
            ("TEST_SMS_KEY", "k-5a1f"),
            ("HUIYIN_DELIVER_EVERY", "1"),
            ("HUIYIN_RETRY_WAIT", "1s"),
        ],
    );
    wait_for("the SMS tried again", || sink.requests().len() >= 2);
    wait_for("lu's dead letter", || get(&server, &admin, "/api/v1/outbox").1["dead"] == 1);
    let requests = sink.requests();
    assert_eq!(requests.len(), 2, "li's SMS twice (503, then accepted); none to a landline: {requests:?}");
    for (line, headers, body) in &requests {
        assert_eq!(line, "POST /sms/send HTTP/1.1");
        assert!(
            headers.contains("Bearer k-5a1f") && headers.to_ascii_lowercase().contains("application/json"),
            "{headers}"
        );
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent["mobile"], "13800138000");
        let content = sent["content"].as_str().unwrap();
        assert!(content.starts_with("【回音】有重大") && !content.contains(&number), "{content}");
    }
    assert_eq!(requests[0].2, requests[1].2, "the same message, the same serial");

    // The dead letter, as the administrator of XZ (above XS) sees it.
    let (_, outbox) = get(&server, &admin, "/api/v1/outbox");
    assert_eq!((outbox["waiting"].clone(), outbox["sms_gateway"].clone()), (json!(0), json!("127.0.0.1")));
    let dead = outbox["dead_letters"].as_array().unwrap();
    assert_eq!(dead.len(), 1, "{outbox}");
    assert_eq!(dead[0]["channel"], "sms");
    assert!(dead[0]["recipient"].as_str().unwrap().starts_with("lu"), "{}", dead[0]);
    assert_eq!(dead[0]["unit"], "西山社区");
    assert!(dead[0]["reason"].as_str().unwrap().contains("不是手机号码"), "{}", dead[0]);
    assert!(!outbox.to_string().contains(&number), "a dead letter's text is not shown: {outbox}");
    let id = dead[0]["id"].as_i64().unwrap();
    let again = format!("/api/v1/outbox/dead-letters/{id}/send-again");

    // Nobody else sees or sends it.
    assert_eq!(get(&server, &wang, "/api/v1/outbox").0, 403);
    assert_eq!(get(&server, &chen, "/api/v1/outbox").0, 403);
    assert_eq!(post(&server, &wang, &again, &json!({})).0, 403);
    let (_, theirs) = get(&server, &other_admin, "/api/v1/outbox");
    assert_eq!((theirs["dead_letters"].clone(), theirs["dead"].clone()), (json!([]), json!(0)), "{theirs}");
    assert_eq!(post(&server, &other_admin, &again, &json!({})).0, 404, "outside DZ's units: as if there were none");

    // The number corrected and the letter sent again: it goes out, once.
    let (status, card) =
        put(&server, &admin, "/api/v1/users/lu/card", &json!({"display_name": "lu", "phone": "139 0000 0000"}));
    assert_eq!(status, 200, "{card}");
    assert_eq!(post(&server, &admin, &again, &json!({})).0, 204);
    assert_eq!(post(&server, &admin, &again, &json!({})).0, 404, "sent again once");
    wait_for("lu's SMS", || sink.requests().len() == 3);
    let sent: Value = serde_json::from_str(&sink.requests()[2].2).unwrap();
    assert_eq!(sent["mobile"], "13900000000");
    let (_, outbox) = get(&server, &admin, "/api/v1/outbox");
    assert_eq!((outbox["dead"].clone(), outbox["waiting"].clone()), (json!(0), json!(0)), "{outbox}");
    assert_eq!((outbox["retrying"].clone(), outbox["retry_reason"].clone()), (json!(0), Value::Null));
    let (_, log) = get(&server, &admin, "/api/v1/audit?action=outbox.");
    assert_eq!(log["items"][0]["action"], "outbox.send_again", "{log}");
    assert_eq!(log["items"][0]["target"], "lu");
}
both_backends!(fed_10_sms_through_the_gateway_and_a_dead_letter_sent_again);

/// Issue 23: a sender that would put notices on the network in clear, or cannot work, is refused
/// before anything runs, with the reason; a TLS mail server (`smtps://`) is spoken to in TLS from
/// the first byte — a server that answers in clear never receives a command, and the message waits
/// to be tried again.
fn notices_never_leave_in_clear_and_broken_senders_are_refused(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.account("li", "XS", Role::Leader, None);
    reach(&db, "li", None, Some("li.leader@xishan.example.org"));
    let from = "xinfang@xishan.example.org";
    let refused = |args: &[&str], says: &str| {
        let (ok, out, err) = db.try_cli(args, None);
        assert!(!ok && err.contains(says), "{args:?}: {out} {err}");
    };
    refused(&["supervise", "--smtp-url", "smtp://mail.example.org", "--mail-from", from], "TLS");
    refused(
        &["supervise", "--smtp-url", "smtp://mail.example.org?tls=opportunistic", "--mail-from", from],
        "tls=required",
    );
    refused(&["supervise", "--smtp-url", "smtps://mail.example.org"], "--mail-from");
    refused(&["supervise", "--smtp-url", "smtps://mail.example.org", "--mail-from", "nobody"], "--mail-from");
    refused(&["supervise", "--retry-wait", "soon"], "--retry-wait");
    let template = db.dir.0.join("sms.toml");
    std::fs::write(&template, "url = \"https://sms.example.org/send\"\n[body]\nmobile = \"{phone}\"\n").unwrap();
    refused(&["supervise", "--sms-gateway", template.to_str().unwrap()], "{text}");
    std::fs::write(
        &template,
        "url = \"https://sms.example.org/send\"\n[headers]\nKey = \"{env:NO_SUCH_KEY}\"\n[body]\nm = \"{phone}\"\nt = \"{text}\"\n",
    )
    .unwrap();
    refused(&["supervise", "--sms-gateway", template.to_str().unwrap()], "NO_SUCH_KEY");

    // A notice waiting, and a mail server that answers in clear on its TLS port.
    let server = Server::start_with_env(&db, &[("HUIYIN_DELIVER_EVERY", "0")]);
    register_case(&server, &wang, &major_visit());
    drop(server);
    let sink = SmtpSink::start(&[]);
    let smtps = format!("smtps://127.0.0.1:{}", sink.port);
    let (ok, out, err) = db.try_cli(&["supervise", "--smtp-url", &smtps, "--mail-from", from], None);
    assert!(ok, "{out} {err}");
    assert!(out.contains("1 条未能送出"), "{out}");
    wait_for("the connection", || !sink.first_bytes.lock().unwrap().is_empty());
    let first = sink.first_bytes.lock().unwrap()[0].clone();
    assert_eq!(first.first(), Some(&0x16), "a TLS handshake first, never EHLO: {first:?}");
    assert!(sink.messages().is_empty());
}
both_backends!(notices_never_leave_in_clear_and_broken_senders_are_refused);

/// Issue 23: a mail server under the installation's own certificate authority is reached over TLS
/// and its certificate checked — against the system's roots it is not trusted and nothing is sent;
/// with the authority's certificate (`--tls-ca`) the notice is delivered.
fn mail_over_tls_is_checked_against_the_installations_authority(backend: Backend) {
    let Some(db) = Db::new(backend) else { return };
    let (wang, _, _) = db.seed();
    db.account("li", "XS", Role::Leader, None);
    reach(&db, "li", None, Some("li.leader@xishan.example.org"));
    let server = Server::start_with_env(&db, &[("HUIYIN_DELIVER_EVERY", "0")]);
    register_case(&server, &wang, &major_visit());
    drop(server);

    let authority = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let ca = db.dir.0.join("ca.pem");
    std::fs::write(&ca, authority.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from(authority.signing_key.serialize_der());
    // ring, as huiyin's sender uses (rustls now prefers aws-lc-rs for its post-quantum key exchange,
    // which a test server does not need).
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![authority.cert.der().clone()], key.into())
        .unwrap();
    let sink = SmtpSink::start_tls(Arc::new(config));
    let smtps = format!("smtps://127.0.0.1:{}", sink.port);
    let supervise = |extra: &[&str]| {
        let mut args = vec!["supervise", "--smtp-url", &smtps, "--mail-from", "xinfang@xishan.example.org"];
        args.extend_from_slice(&["--retry-wait", "1s"]);
        args.extend_from_slice(extra);
        let (ok, out, err) = db.try_cli(&args, None);
        assert!(ok, "{out} {err}");
        out
    };
    let untrusted = supervise(&[]);
    assert!(untrusted.contains("1 条未能送出"), "{untrusted}");
    assert!(sink.messages().is_empty(), "nothing to an untrusted server");
    std::thread::sleep(Duration::from_millis(1100));
    let trusted = supervise(&["--tls-ca", ca.to_str().unwrap()]);
    assert!(!trusted.contains("未能送出"), "{trusted}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{trusted}");
    assert!(messages[0].contains("li.leader@xishan.example.org"), "{}", messages[0]);
}
both_backends!(mail_over_tls_is_checked_against_the_installations_authority);
