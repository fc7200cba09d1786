//! "Forgot your password?" (`/forgot-password`): asks for an address and emails it a link to
//! set a new password, answering the same sentence whether or not the address is a user's.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::users::{RESET_LINK_SENT, RequestPasswordReset};
use crate::components::form::{FormError, FormField, check_email, server_field_error};

/// The form, or (after it was sent: `?sent=1`) the one answer it always gives.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || {
        request.value().with(|answer| {
            answer
                .as_ref()
                .and_then(|answer| answer.as_ref().err().cloned())
        })
    });

    view! {
        <Title text="Forgot your password?" />
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p class="muted">"We will email you a link to set a new password."</p>
                        <ActionForm action=request attr:data-test="forgot-password-form">
                            <FormField
                                id="forgot-password-email"
                                name="email"
                                label="Email"
                                input_type="email"
                                autocomplete="email"
                                check=check_email
                                server_error=server_field_error(error, "email")
                            />
                            <FormError error />
                            <button type="submit">"Send reset link"</button>
                        </ActionForm>
                    }
                }
            >
                <p class="alert success" role="status" data-test="reset-sent">
                    {RESET_LINK_SENT}
                </p>
            </Show>
            <p class="muted">
                <A href="/sign-in">"Back to sign in"</A>
            </p>
        </section>
    }
}
