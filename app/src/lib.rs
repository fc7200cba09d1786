//! Entente's user interface: the Leptos application, its routes and its server functions.
//!
//! The same crate is compiled twice: with the `ssr` feature into the server (which renders
//! every page to HTML and runs the server functions) and with the `hydrate` feature to
//! WebAssembly (which makes the server-rendered pages interactive in the browser).

pub mod api;
pub mod components;
pub mod error;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::components::layout::Layout;
use crate::pages::{home::HomePage, mailbox::MailboxPage, not_found::NotFoundPage};

/// The HTML document around the application, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.ico" sizes="any" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: stylesheet, page titles and the routes inside the shared layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/entente.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Entente".to_string() } else { format!("{page} · Entente") }
        } />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    // Async: the first HTML response is the whole page, the footer's Mailbox link
                    // included (no script needed), and /mailbox can answer 404 when it is off.
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("mailbox") view=MailboxPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The WebAssembly entry point: makes the server-rendered page interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
