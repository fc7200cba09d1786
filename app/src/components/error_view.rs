//! How errors caught by an `ErrorBoundary` are shown: as readable sentences, never as debug
//! dumps, and (rendered on the server) with the HTTP status of what went wrong.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// Lists the errors an `ErrorBoundary` caught, each as the sentence its `Display` gives.
///
/// Rendered on the server, the page answers with the first error's status
/// ([`AppError::status`](crate::error::AppError::status)): a page whose content was refused is
/// a 403, an unknown id a 404, a failure on our side a 500, not a 200 with an alert.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status_of_first(&errors.read_untracked());
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

/// Sets the page's status from the first of `errors` ([`AppError::Internal`]'s 500 for one
/// that is not an [`AppError`]).
#[cfg(feature = "ssr")]
fn set_status_of_first(errors: &Errors) {
    if let Some((_, error)) = errors.iter().next() {
        match error.downcast_ref::<AppError>() {
            Some(error) => error.set_page_status(),
            None => AppError::Internal(String::new()).set_page_status(),
        }
    }
}
