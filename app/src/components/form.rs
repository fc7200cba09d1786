//! One labelled form field with its error sentence, checked in the browser as the person types.

use leptos::prelude::*;

use entente_core::{Email, PersonName};

use crate::error::AppError;

/// A labelled `<input>` whose error shows beneath it: the browser's own check (the same
/// `entente-core` parser the server uses) once the field is left, else the server's answer.
///
/// With JavaScript the check also becomes the input's custom validity, so the browser will not
/// send a form whose field `entente-core` refuses; the server checks everything again.
#[component]
pub fn FormField(
    /// The `id` of the input, unique on the page.
    id: &'static str,
    /// The `name` the server function reads.
    name: &'static str,
    /// The visible label.
    label: &'static str,
    /// The input's `type` (`text`, `email`, `password`).
    input_type: &'static str,
    /// The `autocomplete` hint.
    autocomplete: &'static str,
    /// The browser-side check: the sentence to show for `text`, or `None` when it is acceptable.
    check: fn(&str) -> Option<String>,
    /// The server's sentence for this field from the last submission, if it refused it.
    #[prop(into)]
    server_error: Signal<Option<String>>,
) -> impl IntoView {
    let browser_error = RwSignal::new(None::<String>);
    let edited = RwSignal::new(false);
    let error = move || {
        browser_error
            .get()
            .or_else(|| (!edited.get()).then(|| server_error.get()).flatten())
    };
    // A new server answer is shown again even if the field was edited before.
    Effect::new(move |_| {
        server_error.track();
        edited.set(false);
    });
    let error_id = format!("{id}-error");
    let input = NodeRef::<leptos::html::Input>::new();
    let block_submission_if_refused = move |text: &str| {
        if let Some(input) = input.get_untracked() {
            input.set_custom_validity(&check(text).unwrap_or_default());
        }
    };
    let check_now = move |text: String| {
        block_submission_if_refused(&text);
        browser_error.set(check(&text));
    };

    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                required
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:blur=move |event| check_now(event_target_value(&event))
                on:input=move |event| {
                    edited.set(true);
                    let text = event_target_value(&event);
                    block_submission_if_refused(&text);
                    if browser_error.get_untracked().is_some() {
                        browser_error.set(check(&text));
                    }
                }
            />
            <p class="field-error" id=error_id data-test=format!("{name}-error") aria-live="polite">
                {error}
            </p>
        </div>
    }
}

/// The server's sentence for `field` in the last error of a form's action, if it refused that field.
pub fn server_field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|error| error.as_ref()?.message_for(field)))
}

/// The sentence of an action's last error that belongs to no field (for example an internal
/// failure with its reference), to show above the button.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || {
        error.with(|error| match error {
            Some(error) if error.fields().is_none() => Some(error.to_string()),
            _ => None,
        })
    };
    move || {
        message().map(|message| {
            view! {
                <p class="alert error" role="alert">
                    {message}
                </p>
            }
        })
    }
}

/// The error of an action's last answer, if it was one (for [`FormError`] and
/// [`server_field_error`]).
pub fn last_error<Action>(action: ServerAction<Action>) -> Signal<Option<AppError>>
where
    Action: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    Action::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|answer| answer.as_ref()?.as_ref().err().cloned())
    })
}

/// The browser-side check of an email field: `entente-core`'s sentence, or `None` if valid.
pub fn check_email(text: &str) -> Option<String> {
    Email::parse(text).err().map(|error| error.to_string())
}

/// The browser-side check of a person's name: `entente-core`'s sentence, or `None` if valid.
pub fn check_person_name(text: &str) -> Option<String> {
    PersonName::parse(text).err().map(|error| error.to_string())
}
