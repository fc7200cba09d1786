//! The two floors `cargo xtask bench` and the budget check of `cargo xtask test` measure the
//! pages against, served only when `ENTENTE_BENCH_FLOORS` is on, so every figure of a run is a
//! ratio to floors built from the same crate versions into the same binary, behind the same
//! middleware:
//!
//! - `/bench/bare`: a plain axum handler answering a small fixed page (the machine's and the
//!   middleware's ceiling);
//! - `/bench/empty-leptos`: an empty Leptos 0.8 app (a router with one route and a paragraph)
//!   rendered by leptos_axum the way the pages are (`SsrMode::Async`, a shell with the
//!   hydration scripts): the framework's floor.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::response::Html;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::hydration::HydrationScripts;
use leptos::prelude::*;
use leptos_router::components::{Route, Router as LeptosRouter, Routes};
use leptos_router::{SsrMode, StaticSegment};

use crate::startup::AppState;

/// The floors' routes.
pub fn routes(options: LeptosOptions) -> Router<AppState> {
    Router::new()
        .route("/bench/bare", get(bare))
        .route(
            "/bench/empty-leptos",
            get(move |request: Request<Body>| {
                let options = options.clone();
                async move { leptos_axum::render_app_async(move || shell(options.clone()))(request).await }
            }),
        )
}

async fn bare() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bare</title></head>\
         <body><p>Bare</p></body></html>",
    )
}

fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <HydrationScripts options />
            </head>
            <body>
                <EmptyApp />
            </body>
        </html>
    }
}

#[component]
fn EmptyApp() -> impl IntoView {
    view! {
        <LeptosRouter>
            <Routes fallback=|| "Not found.">
                <Route
                    path=(StaticSegment("bench"), StaticSegment("empty-leptos"))
                    view=|| view! { <p>"Empty"</p> }
                    ssr=SsrMode::Async
                />
            </Routes>
        </LeptosRouter>
    }
}
