//! How errors caught by an `ErrorBoundary` are shown: as readable sentences, never as debug dumps.

use leptos::prelude::*;

/// Lists the errors an `ErrorBoundary` caught, each as the sentence its `Display` gives.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="alert error" role="alert">
            <p>"This part of the page could not be loaded:"</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
