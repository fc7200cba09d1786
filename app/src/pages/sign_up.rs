//! The sign-up page: creates an organization's account with its first Administrator.

use entente_core::{AccountName, Email, NewPassword, PersonName};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::auth::{RedirectIfSignedIn, use_auth};
use crate::components::form::{FormError, FormField, server_field_error};

/// Runs one `entente-core` parser and keeps only its sentence, for instant feedback.
fn sentence<T, E: std::fmt::Display>(result: Result<T, E>) -> Option<String> {
    result.err().map(|error| error.to_string())
}

/// Creates the account, signs its Administrator in and goes home.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let error = Signal::derive(move || {
        auth.sign_up.value().with(|answer| {
            answer
                .as_ref()
                .and_then(|answer| answer.as_ref().err().cloned())
        })
    });

    view! {
        <Title text="Sign up" />
        <RedirectIfSignedIn />
        <section class="card narrow">
            <h1>"Sign up"</h1>
            <p class="muted">"Create your organization's account. You will be its first Administrator."</p>
            <ActionForm action=auth.sign_up attr:data-test="sign-up-form">
                <FormField
                    id="sign-up-account-name"
                    name="account_name"
                    label="Organization name"
                    input_type="text"
                    autocomplete="organization"
                    check=|text| sentence(AccountName::parse(text))
                    server_error=server_field_error(error, "account_name")
                />
                <FormField
                    id="sign-up-name"
                    name="name"
                    label="Your name"
                    input_type="text"
                    autocomplete="name"
                    check=|text| sentence(PersonName::parse(text))
                    server_error=server_field_error(error, "name")
                />
                <FormField
                    id="sign-up-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    autocomplete="email"
                    check=|text| sentence(Email::parse(text))
                    server_error=server_field_error(error, "email")
                />
                <FormField
                    id="sign-up-password"
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="new-password"
                    check=|text| sentence(NewPassword::parse(text))
                    server_error=server_field_error(error, "password")
                />
                <FormError error />
                <button type="submit">"Sign up"</button>
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}
