//! The cross-site request guard. Leptos ships none, so every state-changing request passes here.
//!
//! Safe methods (GET, HEAD, OPTIONS) pass. For the others, a browser's `Sec-Fetch-Site` header
//! decides when present (`same-origin` and `none` pass); otherwise the `Origin` header, or failing
//! that the `Referer`, must name this service (the configured public URL or the `Host` the request
//! was sent to). Requests with none of these headers come from non-browser clients, which cannot
//! carry a victim's cookies across sites, and pass.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::startup::AppState;

/// Why a request was refused as cross-site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossSiteRefusal {
    /// The browser said the request came from another site.
    FetchSite(String),
    /// The `Origin` or `Referer` named another site.
    ForeignOrigin(String),
}

/// Decides whether a request may proceed; `public_origin` is like `https://entente.example`.
pub fn check(
    method: &Method,
    headers: &HeaderMap,
    public_origin: &str,
) -> Result<(), CrossSiteRefusal> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|value: &header::HeaderValue| value.to_str().ok())
    };
    if let Some(site) = header_text("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            other => Err(CrossSiteRefusal::FetchSite(other.to_string())),
        };
    }
    let claimed = header_text(header::ORIGIN.as_str())
        .filter(|origin| *origin != "null")
        .map(str::to_string)
        .or_else(|| header_text(header::REFERER.as_str()).and_then(origin_of));
    let Some(claimed) = claimed else {
        return if header_text(header::ORIGIN.as_str()) == Some("null") {
            Err(CrossSiteRefusal::ForeignOrigin("null".to_string()))
        } else {
            Ok(())
        };
    };
    let host_origins = header_text(header::HOST.as_str())
        .map(|host| [format!("http://{host}"), format!("https://{host}")])
        .unwrap_or_default();
    if claimed == public_origin || host_origins.contains(&claimed) {
        Ok(())
    } else {
        Err(CrossSiteRefusal::ForeignOrigin(claimed))
    }
}

/// The scheme, host and port of a URL, as browsers write them in `Origin`.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let origin = parsed.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The middleware: refuses cross-site state-changing requests with 403 before they reach a handler.
pub async fn guard(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    match check(request.method(), request.headers(), &state.public_origin) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(?refusal, path = %request.uri().path(), "refused a cross-site request");
            (
                StatusCode::FORBIDDEN,
                "This request came from another site and was refused. Please use Entente's own pages.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = "https://entente.example";

    /// One case: the method, the request headers, and whether the request may proceed.
    type Case<'a> = (Method, &'a [(&'a str, &'a str)], bool);

    fn check_with(method: Method, pairs: &[(&str, &str)]) -> Result<(), CrossSiteRefusal> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        check(&method, &headers, PUBLIC)
    }

    #[test]
    fn cross_site_requests_are_refused_and_same_site_ones_pass() {
        let cases: &[Case] = &[
            (Method::GET, &[("sec-fetch-site", "cross-site")], true),
            (Method::POST, &[("sec-fetch-site", "same-origin")], true),
            (Method::POST, &[("sec-fetch-site", "none")], true),
            (Method::POST, &[("sec-fetch-site", "cross-site")], false),
            (Method::POST, &[("sec-fetch-site", "same-site")], false),
            (Method::POST, &[("origin", PUBLIC)], true),
            (Method::POST, &[("origin", "https://evil.example")], false),
            (Method::POST, &[("origin", "null")], false),
            (
                Method::POST,
                &[
                    ("origin", "http://127.0.0.1:3000"),
                    ("host", "127.0.0.1:3000"),
                ],
                true,
            ),
            (
                Method::POST,
                &[
                    ("origin", "http://127.0.0.1:3001"),
                    ("host", "127.0.0.1:3000"),
                ],
                false,
            ),
            (
                Method::POST,
                &[("referer", "https://entente.example/partners?x=1")],
                true,
            ),
            (
                Method::POST,
                &[("referer", "https://evil.example/page")],
                false,
            ),
            (
                Method::DELETE,
                &[("origin", "https://entente.example.evil.example")],
                false,
            ),
            (Method::POST, &[], true),
        ];
        for (method, pairs, allowed) in cases {
            let result = check_with(method.clone(), pairs);
            assert_eq!(
                result.is_ok(),
                *allowed,
                "{method} {pairs:?} gave {result:?}"
            );
        }
    }
}
