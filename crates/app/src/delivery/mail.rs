//! E-mail by SMTP (lettre): TLS from the first byte (`smtps://`) or by STARTTLS required
//! (`smtp://…?tls=required`), the installation's own root certificates where it has them, and
//! plain SMTP only to a relay on this machine.

use std::time::Duration;

use huiyin_core::delivery::DeliveryFailure;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one exchange with the mail server may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A mail server and the address huiyin's messages come from.
pub struct MailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port`, for the administrators' page (never the password).
    pub server: String,
}

impl MailSender {
    /// The sender for a mail server's URL (`smtps://user:password@mail.example.gov.cn`,
    /// `smtp://mail.example.gov.cn:587?tls=required`, `smtp://127.0.0.1:25` for a local relay),
    /// with the given roots trusted instead of the system's where `roots` is some PEM.
    pub fn new(url: &str, from: &str, roots: Option<&[u8]>) -> Result<MailSender, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("--smtp-url: {e}"))?;
        let host = parsed.host_str().ok_or("--smtp-url: no host")?.to_owned();
        let tls_mode = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let local = bare == "localhost" || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        let plain = parsed.scheme() == "smtp" && tls_mode.is_none();
        if plain && !local {
            return Err(format!(
                "--smtp-url: {host} would be reached without TLS; use smtps:// or smtp://…?tls=required (plain SMTP only to a relay on this machine)"
            ));
        }
        if tls_mode.as_deref() == Some("opportunistic") {
            return Err("--smtp-url: tls=opportunistic may fall back to plain text; use tls=required".into());
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(TIMEOUT));
        if let Some(pem) = roots
            && !plain
        {
            if !String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err("--tls-ca: no certificate in the file".into());
            }
            let certificate = Certificate::from_pem(pem).map_err(|e| format!("--tls-ca: {e}"))?;
            let parameters = TlsParameters::builder(host.clone())
                .certificate_store(CertificateStore::None)
                .add_root_certificate(certificate)
                .build()
                .map_err(|e| format!("--tls-ca: {e}"))?;
            builder = builder.tls(if parsed.scheme() == "smtps" {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            });
        }
        let from: Mailbox = from.parse().map_err(|e| format!("--mail-from: {from}: {e}"))?;
        let port = parsed.port().map_or_else(String::new, |p| format!(":{p}"));
        Ok(MailSender { transport: builder.build(), from, server: format!("{host}{port}") })
    }

    /// Sends outbox message `id` to `address`: its first line (cut short) is the subject, and its
    /// Message-ID is the same on every attempt, so that a copy sent twice (a server stopped between
    /// sending and recording it) can be known for one.
    pub async fn send(&self, id: i64, address: &str, body: &str) -> Result<(), DeliveryFailure> {
        let to = match address.parse::<lettre::Address>() {
            Ok(address) => Mailbox::new(None, address),
            Err(e) => return Err(DeliveryFailure::permanent(format!("电子邮箱地址无效: {e}"))),
        };
        let first_line: String = body.lines().next().unwrap_or_default().chars().take(40).collect();
        let message = Message::builder()
            .message_id(Some(format!("<huiyin-outbox-{id}@{}>", self.from.email.domain())))
            .from(self.from.clone())
            .to(to)
            .subject(format!("【回音】{first_line}"))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| DeliveryFailure::permanent(format!("邮件无法组成: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            // The mailbox does not exist or may not be named so: this recipient's, for good. Any
            // other refusal (a password, a relay denied, a full mailbox) may be mended: tried again.
            Err(e) if e.status().is_some_and(|c| ["550", "551", "553"].contains(&c.to_string().as_str())) => {
                Err(DeliveryFailure::permanent(format!("邮件服务器拒收该地址: {e}")))
            }
            Err(e) => Err(DeliveryFailure::transient(format!("邮件未能送出: {e}"))),
        }
    }
}
