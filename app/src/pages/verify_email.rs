//! The page a link sent at sign-up opens (`/verify-email?token=…`): one button confirms the
//! address. The link itself changes nothing (mail scanners open links); the button posts, works
//! without JavaScript, and comes back home saying the organization is confirmed.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::auth::use_auth;
use crate::components::form::{FormError, last_error};

/// Confirms the address the link was sent to.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    // The app-wide action: the signed-in user (and their organization's notice) reloads after it.
    let verify = use_auth().verify_email;
    let error = last_error(verify);
    view! {
        <Title text="Confirm your address" />
        <section class="card narrow" data-test="verify-email">
            <h1>"Confirm your address"</h1>
            <p>
                "Confirm that this address is yours and that you act for your organization. "
                "Partners then see its domain beside your organization's name, and your "
                "organization can send and receive partner invitations."
            </p>
            <ActionForm action=verify>
                <input type="hidden" name="token" value=token />
                <FormError error />
                <button type="submit">"Confirm my address"</button>
            </ActionForm>
        </section>
    }
}
