//! The public side without an account (GEN-1, GEN-11):
//! - a petitioner looks their case up by its number and query code; a wrong number and a wrong code
//!   answer alike, and an address that keeps failing is slowed down, so that codes cannot be guessed;
//! - a petitioner files an online petition: checked like any registration and registered by the
//!   online intake account, guarded by a check question, a honeypot field and a per-address limit,
//!   and filed once however often the form is sent (its idempotency key);
//! - a member of the public complains about a staff member or a unit's reception (FED-12), and looks
//!   the outcome up by the complaint's number and query code.

mod complaints;
mod lookup;
pub(crate) mod memory;
mod requests;
mod submit;
mod units;

pub use complaints::*;
pub use lookup::*;
pub use memory::PublicGuards;
pub use requests::*;
pub use submit::*;
pub use units::*;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use huiyin_core::user::{ONLINE_INTAKE_DISPLAY_NAME, ONLINE_INTAKE_USERNAME, Role};
use std::net::IpAddr;

/// The address a request comes from: the peer, or, when the peer is a trusted reverse proxy, the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy (proxies append the
/// address they saw, so the entries further left are the client's to write and are not believed).
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).rev();
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => continue,
            Ok(address) => return address,
            Err(_) => return peer,
        }
    }
    peer
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The online intake account, made on first use at the top of the unit tree; it may register at
/// every unit, as a petitioner may write to any.
pub(super) async fn online_actor(state: &AppState) -> AppResult<Actor> {
    crate::actor::system_actor(state, ONLINE_INTAKE_USERNAME, ONLINE_INTAKE_DISPLAY_NAME, Role::Officer).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::SecretKey;
    use huiyin_core::case::QueryCode;

    #[test]
    fn gen_1_a_trusted_proxy_names_the_client_and_nobody_else_does() {
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let proxy = [ip("10.0.0.9")];
        assert_eq!(client_address(ip("203.0.113.7"), &["198.51.100.1"], &proxy), ip("203.0.113.7"), "not a proxy");
        assert_eq!(client_address(ip("10.0.0.9"), &["198.51.100.1"], &proxy), ip("198.51.100.1"));
        assert_eq!(
            client_address(ip("10.0.0.9"), &["1.2.3.4, 198.51.100.1"], &proxy),
            ip("198.51.100.1"),
            "what the client wrote itself is not believed"
        );
        assert_eq!(client_address(ip("10.0.0.9"), &["198.51.100.1", "10.0.0.9"], &proxy), ip("198.51.100.1"));
        assert_eq!(client_address(ip("10.0.0.9"), &[], &proxy), ip("10.0.0.9"), "no header: the proxy");
        assert_eq!(client_address(ip("10.0.0.9"), &["garbage"], &proxy), ip("10.0.0.9"));
    }

    #[test]
    fn sealed_query_codes_open_with_their_key_only() {
        let dir = std::env::temp_dir().join(format!("huiyin-seal-{}", std::process::id()));
        let secret = SecretKey::load_or_create(&dir.join("secret.key")).unwrap();
        for raw in ["00000000", "99999999", "12345678"] {
            let code = QueryCode::parse(raw).unwrap();
            let sealed = secret.seal_query_code("k1", &code);
            assert_eq!(secret.unseal_query_code("k1", &sealed), Some(code.clone()));
            assert_ne!(secret.unseal_query_code("k2", &sealed), Some(code));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn hashes_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
