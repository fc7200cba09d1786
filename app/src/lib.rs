//! Entente's user interface: the Leptos application, its routes and its server functions.
//!
//! The same crate is compiled twice: with the `ssr` feature into the server (which renders
//! every page to HTML and runs the server functions) and with the `hydrate` feature to
//! WebAssembly (which makes the server-rendered pages interactive in the browser).

pub mod api;
pub mod components;
mod csp;
pub mod error;
pub mod live;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

pub use crate::csp::NONCE_HEADER;

use crate::components::layout::Layout;
use crate::pages::{
    activity::ActivityPage,
    contacts::ContactsPage,
    documents::{DocumentsPage, FileDocumentPage, MoveDocumentPage, TrashPage},
    forgot_password::ForgotPasswordPage,
    home::HomePage,
    mailbox::MailboxPage,
    not_found::NotFoundPage,
    partners::PartnersPage,
    proof_compare::CompareVersionsPage,
    proofs::{MyReviewsPage, OurProofsListPage, ProofPageFrame},
    set_password::SetPasswordPage,
    sharing::{SharedByUsPage, SharedWithUsPage},
    sign_in::SignInPage,
    sign_up::SignUpPage,
    users::UsersPage,
    verify_email::VerifyEmailPage,
};

/// The HTML document around the application, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    csp::hand_nonce_to_server();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.ico" sizes="any" />
                <link rel="stylesheet" id="leptos" href=csp::stylesheet_href(&options) />
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

/// The application: page titles, the app-wide auth state and the routes inside
/// the shared layout.
///
/// Routes render with `SsrMode::Async`: the server waits for a page's data before it sends
/// the page, so the first HTML response is complete (and can still redirect a signed-in
/// visitor away from the sign-in page), and every page works without JavaScript
/// (out-of-order streaming would need a script to put the data in place).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Entente".to_string() } else { format!("{page} · Entente") }
        } />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-up") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("contacts") view=ContactsPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("documents") view=DocumentsPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("file"))
                        view=FileDocumentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("move"))
                        view=MoveDocumentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("trash"))
                        view=TrashPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("shared-with-us")
                        view=SharedWithUsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("shared-by-us") view=SharedByUsPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("reviews") view=MyReviewsPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("proofs") view=OurProofsListPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("proofs"), StaticSegment("proof"))
                        view=ProofPageFrame
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("proofs"), StaticSegment("compare"))
                        view=CompareVersionsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("mailbox") view=MailboxPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("activity"))
                        view=ActivityPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("partners"))
                        view=PartnersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("users"))
                        view=UsersPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("set-password") view=SetPasswordPage ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("verify-email")
                        view=VerifyEmailPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("forgot-password")
                        view=ForgotPasswordPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Marks `<body data-hydrated>` once the page is interactive. Effects run only in the browser,
/// so the attribute tells people's tools and our browser tests that clicks now do something.
fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
}

/// The WebAssembly entry point: makes the server-rendered page interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
