//! The home page: what Entente is, and a live check that the service and its database answer.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::status::service_status;
use crate::components::auth::use_auth;
use crate::components::error_view::ErrorList;

/// Introduces Entente and shows the service status, rendered on the server and refreshable
/// in place once the page is interactive.
#[component]
pub fn HomePage() -> impl IntoView {
    let checks = RwSignal::new(1_u32);
    let status = Resource::new(move || checks.get(), |_| service_status());
    let auth = use_auth();

    view! {
        <Title text="" />
        <Transition>
            {move || Suspend::new(async move {
                auth.signed_in()
                    .await
                    .map(|user| {
                        view! {
                            <p class="alert success" data-test="greeting">
                                {format!("Signed in as {}, {}", user.name, user.account_name)}
                            </p>
                        }
                    })
            })}
        </Transition>
        <section class="hero">
            <h1>"Work with your partners as one team"</h1>
            <p class="lead">
                "Entente links your organization's account with the organizations you work with. "
                "Once two organizations are partners, each sees the other's people as members "
                "in its contacts, and both share proofs, files and folders without friction."
            </p>
        </section>
        <section class="card" aria-labelledby="status-heading" data-test="service-status">
            <h2 id="status-heading">"Service status"</h2>
            <Suspense fallback=|| view! { <p>"Checking the service…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        status
                            .await
                            .map(|status| {
                                view! {
                                    <p data-test="status-line">
                                        <span class="status-dot" aria-hidden="true"></span>
                                        "The service is running and its database answered in "
                                        {status.round_trip()}
                                        "."
                                    </p>
                                }
                            })
                    })}
                </ErrorBoundary>
            </Suspense>
            <p class="muted" data-test="check-count">
                {move || match checks.get() {
                    1 => "Checked once on this visit.".to_string(),
                    n => format!("Checked {n} times on this visit."),
                }}
            </p>
            <button type="button" class="button secondary" on:click=move |_| checks.update(|n| *n += 1)>
                "Check again"
            </button>
        </section>
    }
}
