//! The sign-in page: email and password, with the way to sign up.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::components::auth::{RedirectIfSignedIn, use_auth};
use crate::components::form::{FormError, FormField, check_email, server_field_error};

/// Only presence is checked here: a password is judged by the server alone.
fn check_password_present(text: &str) -> Option<String> {
    text.is_empty()
        .then(|| "Please enter your password.".to_string())
}

/// Signs in; goes home afterwards, or to the `next` query parameter if it is a path here.
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next");
    let password_set = move || query.read().get("password_set").is_some();
    let error = Signal::derive(move || {
        auth.sign_in.value().with(|answer| {
            answer
                .as_ref()
                .and_then(|answer| answer.as_ref().err().cloned())
        })
    });

    view! {
        <Title text="Sign in" />
        <RedirectIfSignedIn />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <Show when=password_set>
                <p class="alert success" role="status" data-test="password-set">
                    "Your password is set. Sign in with it."
                </p>
            </Show>
            <ActionForm action=auth.sign_in attr:data-test="sign-in-form">
                {move || next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <FormField
                    id="sign-in-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    autocomplete="email"
                    check=check_email
                    server_error=server_field_error(error, "email")
                />
                <FormField
                    id="sign-in-password"
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="current-password"
                    check=check_password_present
                    server_error=server_field_error(error, "password")
                />
                <FormError error />
                <button type="submit">"Sign in"</button>
            </ActionForm>
            <p>
                <A href="/forgot-password">"Forgot your password?"</A>
            </p>
            <p class="muted">
                "New to Entente? " <A href="/sign-up">"Sign up"</A>
                " to create your organization's account."
            </p>
        </section>
    }
}
