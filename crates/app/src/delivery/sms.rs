//! SMS through the province's HTTP gateway, described by its template
//! (`huiyin_core::delivery::GatewayTemplate`, docs/DEPLOY.md).

use std::time::Duration;

use huiyin_core::delivery::{DeliveryFailure, GatewayRequest, GatewayTemplate};

/// The most of a gateway's answer that is read.
const ANSWER_BYTES: u64 = 64 * 1024;

/// A gateway and the HTTP client that reaches it.
pub struct SmsSender {
    template: GatewayTemplate,
    agent: ureq::Agent,
    /// The gateway's host, for the administrators' page (never its key).
    pub gateway: String,
}

impl SmsSender {
    /// The sender for a template, with the given roots trusted instead of the public ones where
    /// `roots` is some PEM.
    pub fn new(template: GatewayTemplate, roots: Option<&[u8]>) -> Result<SmsSender, String> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = roots {
            let certificates = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("--tls-ca: {e}"))?;
            if certificates.is_empty() {
                return Err("--tls-ca: no certificate in the file".into());
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certificates));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(template.timeout_seconds)))
            .max_redirects(0)
            .tls_config(tls.build())
            .build()
            .new_agent();
        let gateway = url::Url::parse(&template.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| template.url.clone());
        Ok(SmsSender { template, agent, gateway })
    }

    /// Sends message `id` to a mobile number.
    pub async fn send(&self, id: i64, mobile: &str, text: &str) -> Result<(), DeliveryFailure> {
        let request = self.template.request(id, mobile, text);
        let agent = self.agent.clone();
        let answer = tokio::task::spawn_blocking(move || call(&agent, request))
            .await
            .map_err(|e| DeliveryFailure::transient(format!("短信发送中断: {e}")))?;
        let (status, body) = answer?;
        self.template.judge(status, &body)
    }
}

/// One HTTP exchange: the status and the answer's first bytes.
fn call(agent: &ureq::Agent, request: GatewayRequest) -> Result<(u16, Vec<u8>), DeliveryFailure> {
    let unreachable = |e: ureq::Error| DeliveryFailure::transient(format!("短信网关无法连接: {e}"));
    let mut response = match (request.method.as_str(), request.body) {
        ("GET", _) => {
            let mut call = agent.get(&request.url);
            for (name, value) in &request.headers {
                call = call.header(name, value);
            }
            call.call().map_err(unreachable)?
        }
        (_, None) => {
            let mut call = agent.post(&request.url);
            for (name, value) in &request.headers {
                call = call.header(name, value);
            }
            call.send_empty().map_err(unreachable)?
        }
        (_, Some((content_type, bytes))) => {
            let mut call = agent.post(&request.url).content_type(content_type);
            for (name, value) in &request.headers {
                call = call.header(name, value);
            }
            call.send(&bytes[..]).map_err(unreachable)?
        }
    };
    let status = response.status().as_u16();
    let body = response.body_mut().with_config().limit(ANSWER_BYTES).read_to_vec().unwrap_or_default();
    Ok((status, body))
}
