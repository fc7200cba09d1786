//! The router: health check, Leptos pages and server functions, static files, and the
//! middleware every request passes (request id, trace, compression, cross-site guard,
//! session cookie, current user, the status of a refused server function).

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use axum::routing::{get, post};
use entente_app::split::AreaModules;
use entente_app::{App, shell};
use leptos::prelude::provide_context;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate as _};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::auth::{middleware, session_store};
use crate::documents;
use crate::http::{client, csrf, health, limits, security, server_fn_status};
use crate::startup::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application's routes, listed once per process.
///
/// Listing runs the app once with resource loading suppressed, and Leptos keeps that
/// suppression in one process-wide flag: a page whose resource is first polled while any
/// router of the process is being listed waits forever (leptos-rs/leptos#4773). A server
/// builds one router, but tests build hundreds in one process, and a page render in one
/// test hung while another test started its server. Listing once, before the first router
/// exists, closes that window: no page can render before its router is built.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The paths of the application's pages, as the router serves them (for the authorization
/// matrix test, which fails when a page has no entry).
pub fn page_paths() -> Vec<String> {
    routes()
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// Builds the complete application router around `state`.
pub fn build(state: AppState) -> Router {
    let routes = routes();
    let context = {
        let services = state.services.clone();
        // Which WASM modules each area of pages needs, for the preloads pages name.
        let area_modules = AreaModules::read(&state.leptos_options);
        move || {
            provide_context(services.clone());
            if let Some(area_modules) = &area_modules {
                provide_context(area_modules.clone());
            }
        }
    };
    let page = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    // The built site's files are served here, never by leptos_axum's fallback: its static
    // branch made a reactive owner under whatever owner the thread last entered and moved that
    // request's response headers (a page's nonce, its status) onto the file.
    let site_root = std::path::PathBuf::from(&*state.leptos_options.site_root);
    let mut router = Router::new();
    if state.bench_floors {
        router = router.merge(crate::http::bench::routes(state.leptos_options.clone()));
    }
    router
        .route("/healthz", get(health::healthz))
        // Uploads are bounded by `ENTENTE_MAX_UPLOAD_BYTES` (`limits::bound_body` and the blob
        // store), not by axum's 2 MB default for multipart bodies.
        .route(
            documents::http::UPLOAD_PATH,
            post(documents::http::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/documents/download", get(documents::http::download))
        .route(entente_app::live::LIVE_PATH, get(crate::live::http::stream))
        .route("/documents/preview", get(documents::http::preview))
        .nest_service(
            "/pkg",
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(security::static_file_caching))
                .service(
                    ServeDir::new(site_root.join("pkg"))
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .route_service(
            "/favicon.ico",
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(security::static_file_caching))
                .service(ServeFile::new(site_root.join("favicon.ico"))),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), page)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    security::headers,
                ))
                .layer(TraceLayer::new_for_http().make_span_with(
                    |request: &axum::http::Request<_>| {
                        let request_id = request
                            .headers()
                            .get(&REQUEST_ID)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                            request_id = %request_id,
                        )
                    },
                ))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    security::check_host,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    client::identify,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    limits::bound_body,
                ))
                // Downloads are never compressed: a byte range and a strong ETag name the
                // stored bytes themselves.
                .layer(
                    CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                        |_: axum::http::StatusCode,
                         _: axum::http::Version,
                         headers: &axum::http::HeaderMap,
                         _: &axum::http::Extensions| {
                            !headers.contains_key(axum::http::header::ACCEPT_RANGES)
                        },
                    )),
                )
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    csrf::guard,
                ))
                .layer(session_store::session_layer(
                    &state.store,
                    state.public_origin.starts_with("https://"),
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.store.clone(),
                    middleware::resolve_current_user,
                ))
                .layer(axum::middleware::from_fn(server_fn_status::set_status)),
        )
        .with_state(state)
}
