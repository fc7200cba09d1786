//! The notice a signed-in user of an organization that has not confirmed its address sees on
//! every page, with a button that sends the link again; and what the home page says after a
//! confirmation or a new link (`?verified=1`, `?verification_sent=1`).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::ResendVerification;
use crate::components::auth::use_auth;

/// "Confirm your organization's address", until it is confirmed.
#[component]
pub fn VerificationNotice() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let resend = ServerAction::<ResendVerification>::new();
    let outcome = move || {
        let query = query.read();
        if query.get("verified").is_some() {
            Some(
                "Your address is confirmed: your organization can now send and receive partner invitations.",
            )
        } else if query.get("verification_sent").is_some()
            || resend.value().with(|answer| matches!(answer, Some(Ok(()))))
        {
            Some("We sent you a new link to confirm your address. It works for seven days.")
        } else {
            None
        }
    };
    view! {
        {move || {
            outcome()
                .map(|sentence| {
                    view! {
                        <p class="alert success" role="status" data-test="verification-outcome">
                            {sentence}
                        </p>
                    }
                })
        }}
        <Transition>
            {move || Suspend::new(async move {
                auth.signed_in()
                    .await
                    .filter(|user| !user.organization_verified)
                    .map(|user| {
                        view! {
                            <section class="alert notice" data-test="verification-notice">
                                <p>
                                    <strong>"Confirm your organization's address. "</strong>
                                    {format!(
                                        "We sent a link to {} when {} signed up. Until an administrator \
                                         confirms it, {} cannot send or receive partner invitations.",
                                        user.email,
                                        user.account_name,
                                        user.account_name,
                                    )}
                                </p>
                                <ActionForm action=resend attr:class="inline-form">
                                    <button type="submit" class="button secondary">
                                        "Send the link again"
                                    </button>
                                </ActionForm>
                            </section>
                        }
                    })
            })}
        </Transition>
    }
}
