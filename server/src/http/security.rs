//! Headers every response carries, and the `Host` check every request passes first.
//!
//! Pages get a Content Security Policy naming the nonce Leptos put on its inline scripts
//! (the app's shell hands it over in [`NONCE_HEADER`], which never leaves the server); every
//! other answer gets a policy that allows nothing. Signed-in pages and server-function answers
//! are never stored by a cache; the built site's files get theirs on their own routes
//! ([`static_file_caching`]).

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::startup::AppState;

/// The response header through which the app's shell hands the page's nonce to this layer.
pub const NONCE_HEADER: &str = entente_app::NONCE_HEADER;

/// The policy of a page rendered by Leptos: scripts only from this origin or inline with the
/// page's nonce, WebAssembly compiled from this origin (`'wasm-unsafe-eval'`), no plug-ins,
/// no `<base>`, forms only to this origin, never inside another site's frame.
fn page_policy(nonce: &str, inline_styles: bool) -> String {
    // The developers' Mailbox shows emails' own HTML (inline styles) in a sandboxed frame
    // that inherits this policy; no other page needs inline styles.
    let styles = if inline_styles {
        "'self' 'unsafe-inline'"
    } else {
        "'self'"
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src {styles}; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of every other answer (server functions, static files, refusals).
const STRICT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// What a page or server function's answer may leave in caches: nothing.
const NO_STORE: &str = "no-store";
/// Static files under a name that does not change with their content: kept, but checked
/// with the server (`Last-Modified`) before each use.
const REVALIDATE: &str = "no-cache";
/// Static files in the bundle's folder, named by its content's hash (`/pkg/<16 hex>/…`): a new
/// build is a new folder, so browsers keep them a year without asking.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether a static file's path names its content: it lies in a folder named by 16 hex digits
/// (`/pkg/3f2a…c9/entente.wasm`, also `.wasm.br`; `/pkg` is already stripped on the route).
fn content_named(path: &str) -> bool {
    let path = path.strip_prefix("/pkg").unwrap_or(path);
    let mut segments = path.trim_start_matches('/').split('/');
    is_bundle_hash(segments.next().unwrap_or_default())
        && segments.next().is_some_and(|file| !file.is_empty())
}

/// Whether `name` is what `cargo xtask` names the bundle's folder by: 16 hex digits of its
/// content's hash.
pub(crate) fn is_bundle_hash(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// The caching of the built site's files, on the routes that serve them: a year for a name
/// that carries its content's hash, a check with the server before each use otherwise. Only a
/// file actually sent gets it; anything else is left to [`headers`], which stores nothing.
pub async fn static_file_caching(request: Request, next: Next) -> Response {
    let cache = if content_named(request.uri().path()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = next.run(request).await;
    if response.status().is_success() {
        set(response.headers_mut(), header::CACHE_CONTROL, cache);
    }
    response
}

/// Sets the security headers on every response and keeps the nonce header from leaving.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mailbox = request.uri().path().starts_with("/mailbox");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = headers
        .remove(NONCE_HEADER)
        .and_then(|nonce| nonce.to_str().ok().map(|nonce| page_policy(nonce, mailbox)))
        .unwrap_or_else(|| STRICT_POLICY.to_owned());
    set(headers, header::CONTENT_SECURITY_POLICY, &policy);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    if state.public_origin.starts_with("https://") {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, NO_STORE);
    }
    response
}

/// Inserts a header whose value is known to be valid text.
fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Refuses a request whose `Host` names another site (DNS rebinding: a name the attacker
/// controls pointed at this server), with 421 before anything else runs.
///
/// Allowed: the public URL's host, `localhost`, and any IP address (a rebinding attack
/// needs a host *name*, so an address is safe and keeps `http://192.0.2.7:3000` working on a
/// server without a public URL).
pub async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.as_str().to_owned())
        });
    match host {
        Some(host) if host_allowed(&host, &state.public_origin) => next.run(request).await,
        Some(host) => {
            tracing::warn!(%host, "request for a foreign host refused");
            (
                StatusCode::MISDIRECTED_REQUEST,
                "This server does not answer for that host name.",
            )
                .into_response()
        }
        None => (StatusCode::BAD_REQUEST, "The request names no host.").into_response(),
    }
}

/// Whether `host` (a `Host` header: name or address, maybe with a port) may be served. Ports
/// are not compared: a proxy may forward with its own, and rebinding is about the name.
pub fn host_allowed(host: &str, public_origin: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let public_host = public_origin
        .split_once("://")
        .map_or(public_origin, |(_, rest)| rest)
        .to_ascii_lowercase();
    let name = host_name(&host);
    name == host_name(&public_host)
        || name == "localhost"
        || name.parse::<std::net::IpAddr>().is_ok()
}

/// The name or address of a `Host` value, without its port or IPv6 brackets.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(address, _)| address);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_named_by_their_content_are_kept_without_asking() {
        assert!(content_named("/pkg/0123456789abcdef/entente.wasm"));
        assert!(
            content_named("/0123456789abcdef/entente.js.br"),
            "as the route sees it"
        );
        assert!(content_named("/pkg/0123456789abcdef/__wasm_split.js"));
        assert!(!content_named("/pkg/entente.wasm"));
        assert!(!content_named("/pkg/entente.css.gz"));
        assert!(
            !content_named("/pkg/0123456789abcdef/"),
            "the folder itself"
        );
        assert!(!content_named("/pkg/0123456789abcdef"), "no file");
        assert!(
            !content_named("/pkg/0123456789abcdeg/entente.js"),
            "not hexadecimal"
        );
        assert!(
            !content_named("/pkg/0123456789abcde/entente.js"),
            "too short"
        );
        assert!(
            !content_named("/pkg/entente.0123456789abcdef.js"),
            "a hash in a file's name is not ours"
        );
        assert!(!content_named("/favicon.ico"));
    }

    #[test]
    fn host_table() {
        let cases = [
            ("entente.example", "https://entente.example", true),
            ("ENTENTE.example", "https://entente.example", true),
            ("entente.example:443", "https://entente.example", true),
            ("entente.example:8443", "https://entente.example:8443", true),
            ("entente.example:9999", "https://entente.example:8443", true),
            ("evil.example", "https://entente.example", false),
            (
                "entente.example.evil.example",
                "https://entente.example",
                false,
            ),
            ("127.0.0.1:3000", "https://entente.example", true),
            ("192.0.2.7:3000", "http://0.0.0.0:3000", true),
            ("[::1]:3000", "http://127.0.0.1:3000", true),
            ("localhost:3000", "http://127.0.0.1:3000", true),
            (
                "rebind.attacker.example:3000",
                "http://127.0.0.1:3000",
                false,
            ),
            ("", "http://127.0.0.1:3000", false),
        ];
        for (host, public_origin, allowed) in cases {
            assert_eq!(
                host_allowed(host, public_origin),
                allowed,
                "{host} for {public_origin}"
            );
        }
    }

    #[test]
    fn a_page_policy_names_its_nonce_and_what_the_wasm_needs() {
        let policy = page_policy("abc123", false);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(page_policy("abc123", true).contains("style-src 'self' 'unsafe-inline'"));
    }
}
