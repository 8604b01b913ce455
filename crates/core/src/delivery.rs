//! 消息发送 (issue 23): what the outbox's senders decide without I/O — the mobile number an SMS goes
//! to, when a message that failed is tried again and when it is given up (a dead letter, shown to
//! administrators), and the SMS gateway's request template (docs/DEPLOY.md): read and checked once
//! when the server starts, filled in for each message.
//!
//! Provinces use different SMS providers, each with its own HTTP interface; the template describes
//! one such interface as data (URL, method, headers, a JSON or form body with placeholders, and what
//! the gateway answers on success), so that no provider's code is built into huiyin.

use std::collections::BTreeMap;

use serde::Deserialize;

/// How many times a message is tried before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// The longest wait between two attempts, in seconds (unless the first is longer).
const LONGEST_WAIT_SECONDS: i64 = 3600;

/// What a notice says when it leaves the building by SMS or e-mail: only that there is one, and of
/// what kind — never a case's number, a person or a place. A message passes the SMS provider and
/// mail servers, and lands on a telephone others may read; an address on a staff card may also
/// be wrong, or changed by someone blind to the case (GEN-7). The notice itself is read in huiyin.
pub fn outbound_text(kind: &str) -> String {
    let what = match kind {
        "assigned" => "有信访件交办给您",
        "transferred" => "有信访件转办到本单位",
        "sent_up" => "有信访件上报到本单位",
        "handed_off" => "有信访件移交给您",
        "awaiting_approval" => "有处理意见待您审批",
        "opinion_returned" => "您起草的处理意见被退回",
        "dissatisfied" => "有信访人对办理结果不满意",
        "review_requested" => "有信访人申请复查",
        "alert" => "有重大、紧急或集体信访",
        "overdue" | "escalated" => "有信访件逾期,已督办",
        "due_soon" | "reminder" => "有信访件即将到期",
        "online" | "submitted" => "有新的网上信访",
        "training_due" => "有人员超过培训间隔",
        "reception_unpublished" => "领导接访安排尚未公示",
        "meetings_missed" => "有社区组织未按期开会",
        "screening_missed" | "screening_reported" | "screening_matter" => "有每月排查事项",
        _ => "有新的工作通知",
    };
    format!("{what},请登录回音信访系统查看。")
}

/// Why one attempt to deliver a message failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFailure {
    /// Trying again would fail alike for this recipient (no address, a landline for an SMS, a
    /// mailbox the mail server says does not exist), so the message is given up at once. A
    /// refusal that may be the server's own (a wrong password, a rotated key, a gateway's error
    /// code) is not: it is tried again, so that a misconfiguration does not give up the outbox.
    pub permanent: bool,
    /// What the sender or the receiving server said, for the administrator.
    pub reason: String,
}

impl DeliveryFailure {
    pub fn transient(reason: impl Into<String>) -> DeliveryFailure {
        DeliveryFailure { permanent: false, reason: reason.into() }
    }

    pub fn permanent(reason: impl Into<String>) -> DeliveryFailure {
        DeliveryFailure { permanent: true, reason: reason.into() }
    }
}

/// What becomes of a message after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Tried again after this many seconds.
    RetryInSeconds(i64),
    /// Given up: a dead letter, until an administrator sends it again.
    GiveUp,
}

/// What follows a failed attempt, `attempts` counting this one: waits doubling from the first
/// (`first_wait` seconds; with a minute: 1, 2, 4, … minutes, up to an hour), and after
/// [`MAX_ATTEMPTS`] attempts, or a permanent refusal, the message is given up.
pub fn after_failure(attempts: i64, failure: &DeliveryFailure, first_wait: i64) -> AfterFailure {
    if failure.permanent || attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let first_wait = first_wait.max(1);
    let doubling = first_wait.saturating_mul(1_i64 << (attempts.clamp(1, 16) - 1));
    AfterFailure::RetryInSeconds(doubling.min(LONGEST_WAIT_SECONDS.max(first_wait)))
}

/// The mobile number an SMS can be sent to, from a staff member's telephone as written
/// (`138 0013 8000`, `+86 138-0013-8000`); `None` for a landline or an extension.
pub fn mobile_number(phone: &str) -> Option<String> {
    let number = crate::identity::PhoneNumber::parse("phone", phone).ok()?;
    let digits = number.as_str();
    (digits.len() == 11 && digits.starts_with('1')).then(|| digits.to_owned())
}

/// The SMS gateway's template as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    url: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    timeout_seconds: Option<u64>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<serde_json::Value>,
    #[serde(default)]
    success: Option<SuccessFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuccessFile {
    #[serde(default)]
    status: Option<Vec<u16>>,
    #[serde(default)]
    json_pointer: Option<String>,
    #[serde(default)]
    equals: Option<serde_json::Value>,
}

/// How the message travels to the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// A JSON body (`Content-Type: application/json`): the template's `body` table.
    Json,
    /// A form body (`application/x-www-form-urlencoded`): the `body` table's values, in the order
    /// of their names.
    Form,
    /// No body: the `body` table's values as the URL's query parameters (a GET gateway).
    Query,
}

/// A gateway's HTTP interface, checked: see [`GatewayTemplate::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayTemplate {
    pub url: String,
    /// `POST` or `GET`.
    pub method: String,
    pub format: BodyFormat,
    pub timeout_seconds: u64,
    pub headers: Vec<(String, String)>,
    body: serde_json::Value,
    /// The statuses that mean accepted; empty: any 2xx.
    success_status: Vec<u16>,
    /// A value in the JSON answer that must equal `success_equals` (`/code` = `"0"`): many gateways
    /// answer 200 to a message they refuse.
    success_pointer: Option<(String, serde_json::Value)>,
}

/// One message as the gateway is to receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// `(content type, bytes)`; none for a query gateway.
    pub body: Option<(&'static str, Vec<u8>)>,
}

/// A template that cannot be used, and why (for the administrator starting the server).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

impl GatewayTemplate {
    /// Reads a template. `{phone}`, `{text}` and `{id}` (the message's number, for a gateway that
    /// drops repeats) are filled in for each message, in the URL, the headers and the body's
    /// strings; `{env:NAME}` is replaced now by that environment variable, so that a key stays out
    /// of the file. The body's values are JSON or form fields as given, so that a message's text is
    /// never spliced into JSON or a URL unescaped.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<GatewayTemplate, TemplateError> {
        let file: TemplateFile = toml::from_str(text).map_err(|e| TemplateError(e.message().to_owned()))?;
        let url = fill_env(&file.url, &env)?;
        if let Some(rest) = url.strip_prefix("http://") {
            // Plain HTTP carries the key and the numbers in clear: only to an address of this
            // machine or of the private network, written as such.
            let host = rest.split(['/', '?']).next().unwrap_or_default();
            let host =
                host.rsplit_once(':').map_or(host, |(h, port)| if port.parse::<u16>().is_ok() { h } else { host });
            let private = match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private(),
                Ok(std::net::IpAddr::V6(ip)) => ip.is_loopback(),
                Err(_) => false,
            };
            if !private {
                return Err(TemplateError(format!(
                    "url must begin with https:// (http:// only to a loopback or private IP address): {url}"
                )));
            }
        } else if !url.starts_with("https://") {
            return Err(TemplateError(format!("url must begin with https://: {url}")));
        }
        let method = file.method.as_deref().unwrap_or("POST").to_ascii_uppercase();
        if !matches!(method.as_str(), "POST" | "GET") {
            return Err(TemplateError(format!("method must be POST or GET, not {method}")));
        }
        let format = match file.format.as_deref() {
            None if method == "GET" => BodyFormat::Query,
            None | Some("json") => BodyFormat::Json,
            Some("form") => BodyFormat::Form,
            Some("query") => BodyFormat::Query,
            Some(other) => return Err(TemplateError(format!("format must be json, form or query, not {other}"))),
        };
        if method == "GET" && format != BodyFormat::Query {
            return Err(TemplateError("a GET gateway takes its fields in the URL: format = \"query\"".into()));
        }
        let body = file.body.unwrap_or_else(|| serde_json::json!({}));
        if !body.is_object() {
            return Err(TemplateError("body must be a table".into()));
        }
        if format != BodyFormat::Json && !body.as_object().is_some_and(|o| o.values().all(serde_json::Value::is_string))
        {
            return Err(TemplateError("a form or query body holds only text values".into()));
        }
        let body = fill_env_in(&body, &env)?;
        let mentions = |p: &str| url.contains(p) || body.to_string().contains(p);
        if !mentions("{phone}") || !mentions("{text}") {
            return Err(TemplateError("the url or the body must hold {phone} and {text}".into()));
        }
        let mut headers = Vec::new();
        for (name, value) in &file.headers {
            let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !valid_name {
                return Err(TemplateError(format!("not a header name: {name}")));
            }
            let framing = ["host", "content-length", "transfer-encoding", "connection", "content-type"];
            if framing.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(TemplateError(format!("the header {name} is set by huiyin, not the template")));
            }
            if value.contains("{text}") {
                return Err(TemplateError(format!("the header {name} may not hold {{text}}: put it in the body")));
            }
            let value = fill_env(value, &env)?;
            if value.chars().any(char::is_control) {
                return Err(TemplateError(format!("the header {name} holds a control character")));
            }
            headers.push((name.clone(), value));
        }
        let success = file.success.unwrap_or(SuccessFile { status: None, json_pointer: None, equals: None });
        let success_pointer = match (success.json_pointer, success.equals) {
            (Some(pointer), Some(equals)) if pointer.starts_with('/') => Some((pointer, equals)),
            (None, None) => None,
            _ => {
                return Err(TemplateError(
                    "success.json_pointer (beginning with /) and success.equals go together".into(),
                ));
            }
        };
        let timeout_seconds = file.timeout_seconds.unwrap_or(10);
        if !(1..=120).contains(&timeout_seconds) {
            return Err(TemplateError("timeout_seconds must be from 1 to 120".into()));
        }
        Ok(GatewayTemplate {
            url,
            method,
            format,
            timeout_seconds,
            headers,
            body,
            success_status: success.status.unwrap_or_default(),
            success_pointer,
        })
    }

    /// The request for one message.
    pub fn request(&self, id: i64, phone: &str, text: &str) -> GatewayRequest {
        let id = id.to_string();
        let fill = |s: &str| s.replace("{phone}", phone).replace("{text}", text).replace("{id}", &id);
        let fill_url = |s: &str| {
            s.replace("{phone}", &percent_encode(phone)).replace("{text}", &percent_encode(text)).replace("{id}", &id)
        };
        let filled = fill_values(&self.body, &fill);
        let pairs = || -> Vec<(String, String)> {
            filled
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default()
        };
        let mut url = fill_url(&self.url);
        let body = match self.format {
            BodyFormat::Json => Some(("application/json", filled.to_string().into_bytes())),
            BodyFormat::Form => Some(("application/x-www-form-urlencoded", form_encode(&pairs()).into_bytes())),
            BodyFormat::Query => {
                let query = form_encode(&pairs());
                if !query.is_empty() {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str(&query);
                }
                None
            }
        };
        let headers = self.headers.iter().map(|(n, v)| (n.clone(), fill(v))).collect();
        GatewayRequest { method: self.method.clone(), url, headers, body }
    }

    /// Whether the gateway's answer means the message was accepted; otherwise why not.
    pub fn judge(&self, status: u16, body: &[u8]) -> Result<(), DeliveryFailure> {
        let said = || String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        let accepted = if self.success_status.is_empty() {
            (200..300).contains(&status)
        } else {
            self.success_status.contains(&status)
        };
        if !accepted {
            // Whether a refusal is the number's or the gateway's own (a key rotated, a balance
            // spent) cannot be told apart: it is tried again, and given up after the last attempt.
            return Err(DeliveryFailure::transient(format!("短信网关答复 HTTP {status}: {}", said())));
        }
        if let Some((pointer, equals)) = &self.success_pointer {
            let answer: Option<serde_json::Value> = serde_json::from_slice(body).ok();
            let found = answer.as_ref().and_then(|a| a.pointer(pointer));
            // `"0"` and `0` alike: providers differ in how they write their codes.
            let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let matches = found.is_some_and(|v| text(v) == text(equals));
            if !matches {
                return Err(DeliveryFailure::transient(format!("短信网关未接受: {}", said())));
            }
        }
        Ok(())
    }
}

/// `{env:NAME}` replaced by the variable; a variable not set is an error (a key forgotten).
fn fill_env(text: &str, env: &impl Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{env:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 5..];
        let end = after.find('}').ok_or_else(|| TemplateError(format!("unclosed {{env:…}} in {text}")))?;
        let name = &after[..end];
        let value = env(name).ok_or_else(|| TemplateError(format!("the environment variable {name} is not set")))?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn fill_env_in(
    value: &serde_json::Value,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<serde_json::Value, TemplateError> {
    Ok(match value {
        serde_json::Value::String(s) => serde_json::Value::String(fill_env(s, env)?),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(|v| fill_env_in(v, env)).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.iter().map(|(k, v)| Ok((k.clone(), fill_env_in(v, env)?))).collect::<Result<_, TemplateError>>()?,
        ),
        other => other.clone(),
    })
}

fn fill_values(value: &serde_json::Value, fill: &impl Fn(&str) -> String) -> serde_json::Value {
    match value {
        serde_json::Value::String(s) => serde_json::Value::String(fill(s)),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(|v| fill_values(v, fill)).collect()),
        serde_json::Value::Object(o) => {
            serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), fill_values(v, fill))).collect())
        }
        other => other.clone(),
    }
}

/// Percent-encoding of everything but the unreserved characters (RFC 3986), UTF-8 first.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form_encode(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_failed_message_waits_longer_each_time_and_is_given_up_after_the_last_attempt() {
        let busy = DeliveryFailure::transient("421 busy");
        let waits: Vec<AfterFailure> = (1..=MAX_ATTEMPTS).map(|n| after_failure(n, &busy, 60)).collect();
        assert_eq!(
            waits,
            [1, 2, 4, 8, 16, 32, 60]
                .into_iter()
                .map(|minutes| AfterFailure::RetryInSeconds(minutes * 60))
                .chain([AfterFailure::GiveUp])
                .collect::<Vec<_>>()
        );
        assert_eq!(after_failure(1, &DeliveryFailure::permanent("550 no such user"), 60), AfterFailure::GiveUp);
        assert_eq!(after_failure(1, &busy, 0), AfterFailure::RetryInSeconds(1));
        assert_eq!(after_failure(3, &busy, 7200), AfterFailure::RetryInSeconds(7200));
    }

    #[test]
    fn gen_7_a_notice_leaves_the_building_without_its_case() {
        let text = outbound_text("assigned");
        assert_eq!(text, "有信访件交办给您,请登录回音信访系统查看。");
        assert!(outbound_text("anything new").contains("工作通知"));
    }

    #[test]
    fn an_sms_goes_to_a_mobile_number_only() {
        assert_eq!(mobile_number("138 0013 8000").as_deref(), Some("13800138000"));
        assert_eq!(mobile_number("+86 138-0013-8000").as_deref(), Some("13800138000"));
        for landline in ["0571-8888 1234 转 801", "0432-62766233", "62766233", "12812345678"] {
            assert_eq!(mobile_number(landline), None, "{landline}");
        }
    }

    const JSON: &str = r#"
        url = "https://sms.example.org/send"
        [headers]
        Authorization = "Bearer {env:SMS_KEY}"
        [body]
        mobile = "{phone}"
        content = "【回音】{text}"
        serial = "{id}"
        [success]
        json_pointer = "/code"
        equals = "0"
    "#;

    #[test]
    fn a_json_gateway_gets_the_text_escaped_and_the_key_from_the_environment() {
        let env = |name: &str| (name == "SMS_KEY").then(|| "k-1".to_owned());
        let template = GatewayTemplate::parse(JSON, env).expect("template");
        let request = template.request(7, "13800138000", "案件\"XF\"\n已逾期");
        assert_eq!(request.method, "POST");
        assert_eq!(request.headers, [("Authorization".to_owned(), "Bearer k-1".to_owned())]);
        let (kind, bytes) = request.body.expect("body");
        assert_eq!(kind, "application/json");
        let sent: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(
            sent,
            serde_json::json!({"mobile": "13800138000", "content": "【回音】案件\"XF\"\n已逾期", "serial": "7"})
        );
        assert_eq!(template.judge(200, br#"{"code":"0"}"#), Ok(()));
        assert_eq!(template.judge(200, br#"{"code":0}"#), Ok(()));
        // A gateway's refusal is tried again: it may be its own (a key, a balance), not the number's.
        for (status, answer) in
            [(200, &br#"{"code":"E17","msg":"bad sign"}"#[..]), (503, b"busy"), (429, b"slow"), (401, b"key")]
        {
            assert!(template.judge(status, answer).is_err_and(|f| !f.permanent), "{status}");
        }
        assert!(GatewayTemplate::parse(JSON, no_env).is_err_and(|e| e.0.contains("SMS_KEY")));
    }

    #[test]
    fn a_get_gateway_gets_its_fields_in_the_url_encoded() {
        let template = GatewayTemplate::parse(
            "url = \"http://127.0.0.1:9/sms?user=x\"\nmethod = \"GET\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"\n",
            no_env,
        )
        .expect("template");
        let request = template.request(1, "13800138000", "a&b=c 逾期");
        // The fields in the order of their names.
        assert_eq!(request.url, "http://127.0.0.1:9/sms?user=x&msg=a%26b%3Dc%20%E9%80%BE%E6%9C%9F&to=13800138000");
        assert_eq!(request.body, None);
    }

    #[test]
    fn a_template_that_cannot_work_is_refused_with_its_reason() {
        let refused = |text: &str| GatewayTemplate::parse(text, no_env).expect_err(text).0;
        assert!(refused("url = \"ftp://x\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"").contains("https://"));
        assert!(
            refused("url = \"http://sms.example.org/s\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"")
                .contains("private")
        );
        let inside = "url = \"http://10.1.2.3:8080/s\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"";
        assert!(GatewayTemplate::parse(inside, no_env).is_ok(), "a gateway inside the network");
        assert!(
            refused("url = \"https://x\"\n[headers]\nX = \"{text}\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"")
                .contains("body")
        );
        assert!(
            refused("url = \"https://x\"\n[headers]\nHost = \"y\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"")
                .contains("Host")
        );
        assert!(refused("url = \"https://x\"\n[body]\nto = \"{phone}\"").contains("{text}"));
        assert!(
            refused("url = \"https://x\"\nmethod = \"PUT\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"")
                .contains("POST")
        );
        assert!(
            refused("url = \"https://x\"\nformat = \"form\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"\nn = 1")
                .contains("text values")
        );
        assert!(refused("url = \"https://x\"\nsender = 1").contains("sender"));
        assert!(
            refused("url = \"https://x\"\n[headers]\n\"a b\" = \"c\"\n[body]\nto = \"{phone}\"\nmsg = \"{text}\"")
                .contains("header")
        );
    }
}
