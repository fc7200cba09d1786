//! The home page. Signed in, it is the work of the day: partner requests awaiting my
//! approval, my pending reviews with their deadlines, our proofs awaiting partners' decisions,
//! and what partners shared with us lately, each with a link and an empty state that says what
//! to do next. Signed out, it says what Entente is, with a live check that the service answers.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::partners::awaiting_count_text;
use crate::api::proofs::{ProofRow, SharedLately, Today, proof_href, todays_work};
use crate::api::status::service_status;
use crate::components::auth::use_auth;
use crate::components::error_view::ErrorList;
use crate::components::format::format_unix_utc;
use crate::error::AppError;

/// The home page: the work of the day when signed in, the introduction otherwise.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let live = crate::live::use_live();
    // Made here, once: the Suspend below runs again as what it awaits arrives, and a resource
    // made inside it would be fetched (and carried in the page) once per run.
    let today = Resource::new(
        move || live.anything(),
        move |_| async move {
            match auth.signed_in().await {
                Some(_) => todays_work().await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="" />
        <Transition>
            {move || Suspend::new(async move {
                match auth.signed_in().await {
                    Some(user) => {
                        let greeting = format!("Signed in as {}, {}", user.name, user.account_name);
                        view! { <WorkOfTheDay greeting today /> }.into_any()
                    }
                    None => view! { <Introduction /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the signed-in person has to do today.
#[component]
fn WorkOfTheDay(
    greeting: String,
    today: Resource<Result<Option<Today>, AppError>>,
) -> impl IntoView {
    view! {
        <p class="alert success" data-test="greeting">{greeting}</p>
        <h1>"Today"</h1>
        <Transition fallback=|| view! { <p>"Gathering your work of the day…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    let today = today.await?;
                    Ok::<_, AppError>(today.map(|today| view! { <TodayCards today /> }))
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn TodayCards(today: Today) -> impl IntoView {
    let requests = today.manages_partners.then(|| {
        let text = match today.partner_requests {
            0 => "No partner request awaits your approval.".to_owned(),
            1 => "1 partner request awaits your approval.".to_owned(),
            n => format!(
                "{} partner requests await your approval.",
                awaiting_count_text(n)
            ),
        };
        view! {
            <section class="card today" aria-labelledby="today-requests" data-test="today-requests">
                <h2 id="today-requests">"Partner requests"</h2>
                <p>{text}</p>
                <p><A href="/settings/partners">"Open the Partners tab"</A></p>
            </section>
        }
    });
    let ours = today.ours_pending.map(|rows| {
        view! {
            <section class="card today" aria-labelledby="today-ours" data-test="today-ours">
                <h2 id="today-ours">"Our proofs awaiting decisions"</h2>
                {if rows.is_empty() {
                    view! {
                        <p class="muted">
                            "Nothing awaits a decision. To ask partners for one, open a file in "
                            <A href="/documents">"Documents"</A>
                            " and choose “Send for review”."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ProofLines rows />
                        <p><A href="/proofs?status=pending">"All proofs awaiting decisions"</A></p>
                    }
                        .into_any()
                }}
            </section>
        }
    });
    view! {
        <div class="today-grid">
            {requests}
            <section class="card today" aria-labelledby="today-reviews" data-test="today-reviews">
                <h2 id="today-reviews">"My pending reviews"</h2>
                {if today.my_pending.is_empty() {
                    view! {
                        <p class="muted">
                            "No review awaits your decision. When someone names you as a reviewer, it appears here and under "
                            <A href="/reviews">"My reviews"</A>
                            "."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ProofLines rows=today.my_pending />
                        <p><A href="/reviews">"All my reviews"</A></p>
                    }
                        .into_any()
                }}
            </section>
            {ours}
            <section class="card today" aria-labelledby="today-shared" data-test="today-shared">
                <h2 id="today-shared">"Shared with us lately"</h2>
                {if today.shared_lately.is_empty() {
                    view! {
                        <p class="muted">
                            "Partners have shared nothing with you yet. Once you "
                            <A href="/contacts">"work with a partner"</A>
                            ", what they share appears here."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <SharedLines lines=today.shared_lately />
                        <p><A href="/shared-with-us">"Everything shared with us"</A></p>
                    }
                        .into_any()
                }}
            </section>
        </div>
    }
}

/// Proofs as short lines: name, from whom, deadline (overdue marked).
#[component]
fn ProofLines(rows: Vec<ProofRow>) -> impl IntoView {
    view! {
        <ul class="today-list">
            {rows
                .into_iter()
                .map(|row| {
                    let due = row
                        .deadline
                        .map(|deadline| format!(" · due {}", format_unix_utc(deadline.0)))
                        .unwrap_or_default();
                    view! {
                        <li class=if row.overdue { "overdue" } else { "" } data-test="today-proof">
                            <A href=proof_href(row.id, None)>{row.name}</A>
                            <span class="muted">{format!(" · {} · version {}{due}", row.owner, row.version)}</span>
                            {row.overdue.then(|| view! { <strong class="badge status-changes">"Overdue"</strong> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn SharedLines(lines: Vec<SharedLately>) -> impl IntoView {
    view! {
        <ul class="today-list">
            {lines
                .into_iter()
                .map(|line| {
                    view! {
                        <li data-test="today-shared-item">
                            <A href=line.href>{line.name}</A>
                            <span class="muted">
                                {format!(" · {} · {}", line.owner, format_unix_utc(line.since.0))}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Introduces Entente and shows the service status, rendered on the server and refreshable in
/// place once the page is interactive.
#[component]
fn Introduction() -> impl IntoView {
    let checks = RwSignal::new(1_u32);
    let status = Resource::new(move || checks.get(), |_| service_status());
    view! {
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
