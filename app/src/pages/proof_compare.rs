//! Two versions of a proof side by side (`/proofs/compare?proof=…&a=…&b=…`): each version's
//! pages, page by page, with its overall status and reason, and links to pick other versions.
//! Plain links and images: it works the same without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::documents::{Preview, preview_href};
use crate::api::proofs::{ComparePage, CompareSide, compare_href, compare_versions, proof_href};
use crate::components::error_view::ErrorList;
use crate::error::AppError;

/// The comparison page.
#[component]
pub fn CompareVersionsPage() -> impl IntoView {
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let query = query.read();
        (
            query.get("proof").unwrap_or_default(),
            query.get("a").unwrap_or_default(),
            query.get("b").unwrap_or_default(),
        )
    });
    let page = Resource::new(
        move || key.get(),
        |(proof, a, b)| compare_versions(proof, a, b),
    );
    view! {
        <Title text="Compare versions" />
        <section class="card" aria-labelledby="compare-heading">
            <Transition fallback=|| view! { <p>"Loading both versions…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <CompareView page /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn CompareView(page: ComparePage) -> impl IntoView {
    let proof = page.file.id;
    let name = page.file.name.to_string();
    let (left, right) = (page.left.version, page.right.version);
    let pickers = (1..=page.current_version)
        .filter(|version| *version != right)
        .map(|version| {
            let label = format!("Version {version}");
            if version == left {
                view! { <li aria-current="page"><strong>{label}</strong></li> }.into_any()
            } else {
                view! { <li><A href=compare_href(proof, version, right)>{label}</A></li> }
                    .into_any()
            }
        })
        .collect_view();
    let pages = |side: &CompareSide| match side.preview {
        Preview::Ready { views } => views,
        _ => 0,
    };
    let rows = pages(&page.left).max(pages(&page.right));
    view! {
        <p class="breadcrumbs">
            <A href=proof_href(proof, None)>{format!("Back to the proof of {name}")}</A>
        </p>
        <h1 id="compare-heading">{format!("{name}: version {left} and version {right}")}</h1>
        <nav aria-label="Compare with" class="version-picker">
            <span class="muted">{format!("Compare version {right} with:")}</span>
            <ul data-test="compare-picker">{pickers}</ul>
        </nav>
        <div class="compare-grid" data-test="compare">
            <SideHeading side=page.left.clone() />
            <SideHeading side=page.right.clone() />
            {(1..=rows)
                .map(|n| {
                    let cell = |side: &CompareSide| {
                        if n <= pages(side) {
                            let alt = format!("{name}, version {}, page {n}", side.version);
                            view! {
                                <figure class="preview-page">
                                    <img src=preview_href(proof, side.version, n) alt=alt loading="lazy" />
                                    <figcaption>{format!("Page {n}")}</figcaption>
                                </figure>
                            }
                                .into_any()
                        } else {
                            view! { <p class="muted">{format!("No page {n} in this version.")}</p> }.into_any()
                        }
                    };
                    view! { {cell(&page.left)} {cell(&page.right)} }
                })
                .collect_view()}
        </div>
        {(rows == 0).then(|| view! {
            <p class="muted" data-test="compare-no-preview">
                "These versions have no previews to compare: download them from the proof page."
            </p>
        })}
    }
}

#[component]
fn SideHeading(side: CompareSide) -> impl IntoView {
    view! {
        <div class="compare-side" data-test="compare-side">
            <h2>{format!("Version {}", side.version)}</h2>
            <p>
                <strong>{side.status.label()}</strong>
                " — "
                {side.reason}
            </p>
        </div>
    }
}
