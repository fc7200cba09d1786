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
#[cfg(feature = "ssr")]
pub mod split;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode, StaticSegment,
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

/// Every page is a lazy route: the site build splits the WASM at each area's `#[lazy]`
/// function, so an area's pages are a module (with the chunks areas share) that the browser
/// loads on its first visit of one of them, not with the application. An area groups pages
/// people use together: a split point per page made 300 modules, and a first visit fetched up
/// to 180 of them. The server names the modules of the page it renders in the HTML
/// (`split::preload`), so they download beside the main bundle, and hydration waits for them
/// (`hydrate_lazy`). Without JavaScript nothing changes. Each area is written
/// `<function> / __preload_<function>`: `#[lazy]` makes the second, which loads the module.
macro_rules! lazy_areas {
    ($($area:ident / $preload:ident { $($route:ident => $page:ident),+ $(,)? })+) => {$(
        #[leptos::lazy]
        fn $area(page: &'static str) -> AnyView {
            $(if page == stringify!($route) {
                return view! { <$page /> }.into_any();
            })+
            unreachable!("{page} is not a page of {}", stringify!($area))
        }

        $(
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_route: Self) -> AnyView {
                    #[cfg(feature = "ssr")]
                    split::preload(stringify!($area));
                    $area(stringify!($route)).await
                }

                // The router awaits this before it hydrates the page (and on navigation before
                // it renders one): the area's module must be there, or the page would be built
                // anew beside the server's markup instead of taking it over.
                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )+
    )+};
}

lazy_areas! {
    home_area / __preload_home_area { HomePageRoute => HomePage }
    visitor_area / __preload_visitor_area {
        SignInPageRoute => SignInPage,
        SignUpPageRoute => SignUpPage,
        ForgotPasswordPageRoute => ForgotPasswordPage,
        SetPasswordPageRoute => SetPasswordPage,
        VerifyEmailPageRoute => VerifyEmailPage,
    }
    people_area / __preload_people_area { ContactsPageRoute => ContactsPage, MailboxPageRoute => MailboxPage }
    document_area / __preload_document_area {
        DocumentsPageRoute => DocumentsPage,
        FileDocumentPageRoute => FileDocumentPage,
        MoveDocumentPageRoute => MoveDocumentPage,
        TrashPageRoute => TrashPage,
        SharedWithUsPageRoute => SharedWithUsPage,
        SharedByUsPageRoute => SharedByUsPage,
    }
    proof_area / __preload_proof_area {
        MyReviewsPageRoute => MyReviewsPage,
        OurProofsListPageRoute => OurProofsListPage,
        ProofPageFrameRoute => ProofPageFrame,
        CompareVersionsPageRoute => CompareVersionsPage,
    }
    settings_area / __preload_settings_area {
        ActivityPageRoute => ActivityPage,
        PartnersPageRoute => PartnersPage,
        UsersPageRoute => UsersPage,
    }
}

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
                    <Route path=StaticSegment("") view={Lazy::<HomePageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-in") view={Lazy::<SignInPageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-up") view={Lazy::<SignUpPageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("contacts") view={Lazy::<ContactsPageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("documents") view={Lazy::<DocumentsPageRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("file"))
                        view={Lazy::<FileDocumentPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("move"))
                        view={Lazy::<MoveDocumentPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("documents"), StaticSegment("trash"))
                        view={Lazy::<TrashPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("shared-with-us")
                        view={Lazy::<SharedWithUsPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("shared-by-us") view={Lazy::<SharedByUsPageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("reviews") view={Lazy::<MyReviewsPageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("proofs") view={Lazy::<OurProofsListPageRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("proofs"), StaticSegment("proof"))
                        view={Lazy::<ProofPageFrameRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("proofs"), StaticSegment("compare"))
                        view={Lazy::<CompareVersionsPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("mailbox") view={Lazy::<MailboxPageRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("activity"))
                        view={Lazy::<ActivityPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("partners"))
                        view={Lazy::<PartnersPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("users"))
                        view={Lazy::<UsersPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("set-password") view={Lazy::<SetPasswordPageRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("verify-email")
                        view={Lazy::<VerifyEmailPageRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("forgot-password")
                        view={Lazy::<ForgotPasswordPageRoute>::new()}
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
    leptos::mount::hydrate_lazy(App);
}
