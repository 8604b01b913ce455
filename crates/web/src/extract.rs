//! Extractors of the HTTP shell that read what the application services need from a request.

use std::net::IpAddr;

use huiyin_app::context::AppState;
use huiyin_app::public::client_address;

/// The caller's address as the public side counts it (see [`client_address`]).
pub struct ClientAddress(pub IpAddr);

impl axum::extract::FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let forwarded: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Ok(ClientAddress(client_address(peer, &forwarded, state.trusted_proxies())))
    }
}
