//! The page for addresses that match no route; answers with HTTP status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Tells the person the page does not exist and offers the way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }

    view! {
        <Title text="Page not found" />
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <A href="/">"Go to the home page"</A>
            </p>
        </section>
    }
}
