//! The whole application as one router: the API and its OpenAPI document, the staff pages (with
//! their sessions), the portal, Open311, static files, `/healthz`, `/readyz` and `/metrics`; and the
//! layers every response passes (privacy headers, `Secure` cookies behind HTTPS, request spans that
//! never log a query, the requests counted by route).

use std::future::Future;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rust_embed::RustEmbed;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use huiyin_app::context::AppState;

use crate::{api, open311, portal, sessions, ui};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

async fn static_file(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_owned()),
                (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
            ],
            file.data,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /healthz`: 200 once the database answers.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /readyz`: 200 when the database answers and its schema is this huiyin's (for a load
/// balancer: a server whose database is being migrated by a newer one takes no requests).
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.migrations_current().await {
        Ok(true) => (StatusCode::OK, "ready").into_response(),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "database schema is not this version's").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /metrics`: the metrics in the Prometheus (OpenMetrics) text format, to whoever presents the
/// token of `--metrics-token`; without one configured, there is no such page.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(token) = state.metrics_token() else { return StatusCode::NOT_FOUND.into_response() };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared in time that does not depend on where they differ.
    let same = given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0;
    if !same {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "metrics token required")
            .into_response();
    }
    match huiyin_app::metrics::render(state.store.as_ref()).await {
        Ok(text) => ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "metrics failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Counts each request by the route it matched (its pattern, never its ids or query) and times it.
async fn count_requests(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    huiyin_app::metrics::metrics().request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The pages' content security policy: scripts, styles and images from huiyin itself only (inline
/// style attributes allowed), no frames, forms posting to huiyin only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers for responses that may carry personal data: not kept by any cache (`no-store`, unless
/// the handler chose, as static files do), no referrer leaving the site (lookup pages hold case
/// numbers), and on HTML pages the content security policy.
async fn privacy_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if html {
        headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("no-referrer"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The span of one request: its method and path only. The query string may hold a query code
/// (`?query_code=`), search words or personal data, and is never logged; headers (tokens) are not
/// either.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let path = request.uri().path();
    // The first-run setup link and the one-time password links are themselves secrets.
    let path = if path.starts_with("/setup/") {
        "/setup/…"
    } else if path.starts_with("/password/") {
        "/password/…"
    } else {
        path
    };
    tracing::debug_span!("request", method = %request.method(), path = %path)
}

/// Marks every cookie `Secure` (the session's, the portal's display and language) with
/// `--secure-cookies`, or when the request came through a trusted reverse proxy that says the browser
/// used HTTPS (`X-Forwarded-Proto: https`): behind an HTTPS proxy no cookie travels in clear.
async fn secure_cookies_behind_https(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    // The proxy appends what it saw: the last value of the last header line.
    let proto = request.headers().get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).next_back();
    let https = state.secure_cookies()
        || (peer.is_some_and(|p| state.trusted_proxies().contains(&p))
            && proto
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")));
    let mut response = next.run(request).await;
    if https {
        let all: Vec<HeaderValue> = response.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
        response.headers_mut().remove(header::SET_COOKIE);
        for cookie in all {
            let secured = match cookie.to_str() {
                Ok(text) if !text.to_ascii_lowercase().contains("; secure") => {
                    HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
                }
                _ => cookie,
            };
            response.headers_mut().append(header::SET_COOKIE, secured);
        }
    }
    response
}

/// The whole application: API, OpenAPI document, staff UI, static files.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    let sessions = SessionManagerLayer::new(sessions::DbSessionStore(state.store.clone()))
        .with_name("huiyin_session")
        .with_same_site(SameSite::Strict)
        .with_http_only(true)
        .with_secure(state.secure_cookies())
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8)));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(move || async move { Json(openapi.as_ref().clone()) }))
        .route("/static/{*path}", get(static_file))
        .nest("/api/v1", api)
        .merge(ui::router().layer(sessions))
        .merge(portal::router())
        .merge(open311::router())
        .route_layer(axum::middleware::from_fn(count_requests))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(axum::middleware::map_response(privacy_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), secure_cookies_behind_https))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
