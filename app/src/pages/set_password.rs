//! The set-password page (`/set-password?token=…`), opened from an invitation or reset email.
//!
//! A working token sets the password once and sends the person to the sign-in page, where a
//! sentence says the password is set; a token that does not work changes nothing and says so.

use entente_core::NewPassword;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::users::SetPassword;
use crate::components::form::{FormError, FormField, server_field_error};

/// The browser-side check of the new password: the same rule the server applies.
fn check_new_password(text: &str) -> Option<String> {
    NewPassword::parse(text)
        .err()
        .map(|error| error.to_string())
}

/// Only presence is checked here: the server compares the two fields.
fn check_confirmation_present(text: &str) -> Option<String> {
    text.is_empty()
        .then(|| "Please type the password again.".to_string())
}

/// Sets a password with the link's token.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let set_password = ServerAction::<SetPassword>::new();
    let error = Signal::derive(move || {
        set_password.value().with(|answer| {
            answer
                .as_ref()
                .and_then(|answer| answer.as_ref().err().cloned())
        })
    });

    view! {
        <Title text="Set your password" />
        <section class="card narrow">
            <h1>"Set your password"</h1>
            <p class="muted">"Choose the password you will sign in with: at least 10 characters."</p>
            <ActionForm action=set_password attr:data-test="set-password-form">
                <input type="hidden" name="token" value=token />
                <FormField
                    id="set-password-password"
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="new-password"
                    check=check_new_password
                    server_error=server_field_error(error, "password")
                />
                <FormField
                    id="set-password-confirm"
                    name="confirm_password"
                    label="Confirm password"
                    input_type="password"
                    autocomplete="new-password"
                    check=check_confirmation_present
                    server_error=server_field_error(error, "confirm_password")
                />
                <FormError error />
                <button type="submit">"Set password"</button>
            </ActionForm>
            <p class="muted">
                "Already have a password? " <A href="/sign-in">"Sign in"</A>
            </p>
        </section>
    }
}
