//! The Contacts page (`/contacts`): the account's users, members and hand-added contacts, with
//! search, keyset pages, and forms to add and remove hand-added contacts.
//!
//! Everything works without JavaScript: search is a GET form (`?q=`), pages are links
//! (`?after=`), and adding or removing posts a form that comes back here. With JavaScript the
//! list follows the search as you type and refreshes in place after each add or remove.

use entente_core::contacts::ContactKind;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::contacts::{AddContact, ContactEntry, RemoveContact, list_contacts};
use crate::components::auth::use_auth;
use crate::components::error_view::ErrorList;
use crate::components::form::{
    FormError, FormField, check_email, check_person_name, last_error, server_field_error,
};
use crate::components::pager::{Pager, page_href};
use crate::error::AppError;

/// Where a signed-out visitor is sent, coming back here after signing in.
const SIGN_IN_AND_RETURN: &str = "/sign-in?next=/contacts";

/// Lists the account's contacts; the list re-runs on the search, the page and every add or remove.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let after = Memo::new(move |_| query.read().get("after"));
    let add = ServerAction::<AddContact>::new();
    let remove = ServerAction::<RemoveContact>::new();
    let live = crate::live::use_live();
    let contacts = Resource::new(
        move || {
            let versions = (add.version().get(), remove.version().get(), live.contacts());
            (search.get(), after.get(), versions)
        },
        |(search, after, _)| list_contacts(Some(search), after),
    );
    let remove_error = last_error(remove);

    view! {
        <Title text="Contacts" />
        <Suspense>
            {move || Suspend::new(async move {
                auth.signed_in()
                    .await
                    .is_none()
                    .then(|| view! { <Redirect path=SIGN_IN_AND_RETURN /> })
            })}
        </Suspense>
        <section class="card" aria-labelledby="contacts-heading">
            <h1 id="contacts-heading">"Contacts"</h1>
            <p class="muted">
                "Your organization's users, the members of partner organizations, and the "
                "people you added yourself."
            </p>
            <SearchForm search />
            <FormError error=remove_error />
            <Transition fallback=|| view! { <p>"Loading contacts…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = contacts.await?;
                        let search = search.get_untracked();
                        let first_page = after.get_untracked().map(|_| contacts_href(&search, None));
                        let next_page = page.next.map(|token| contacts_href(&search, Some(&token)));
                        Ok::<_, AppError>(view! {
                            <ContactsTable rows=page.rows remove />
                            <Pager label="Contacts pages" first_page next_page />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
        <section class="card narrow" aria-labelledby="add-contact-heading">
            <h2 id="add-contact-heading">"Add a contact"</h2>
            <AddContactForm add />
        </section>
    }
}

/// A GET form with `q`, so a search works without JavaScript and its address can be shared;
/// with JavaScript the list follows each keystroke.
#[component]
fn SearchForm(search: Memo<String>) -> impl IntoView {
    let navigate = use_navigate();
    let follow_typing = move |event| {
        let text = event_target_value(&event);
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..NavigateOptions::default()
        };
        navigate(&contacts_href(text.trim(), None), options);
    };
    view! {
        <form method="get" action="/contacts" role="search" class="search-form">
            <label for="contacts-search">"Search"</label>
            <div class="search-row">
                <input
                    id="contacts-search"
                    type="search"
                    name="q"
                    placeholder="Name or email"
                    value=search.get_untracked()
                    on:input=follow_typing
                />
                <button type="submit" class="button secondary">
                    "Search"
                </button>
            </div>
        </form>
    }
}

/// The table of one page of contacts; hand-added contacts get a "Remove" form each.
#[component]
fn ContactsTable(rows: Vec<ContactEntry>, remove: ServerAction<RemoveContact>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-test="contacts-empty">"No one matches this search."</p> }
            .into_any();
    }
    view! {
        <table class="contacts-table" data-test="contacts-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Details"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| view! { <ContactRow row remove /> })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One person: name, address, kind badge, where a member comes from, and the remove form.
#[component]
fn ContactRow(row: ContactEntry, remove: ServerAction<RemoveContact>) -> impl IntoView {
    let kind = row.kind.label();
    let badge_class = match row.kind {
        ContactKind::User => "badge kind-user",
        ContactKind::Member => "badge kind-member",
        ContactKind::Contact => "badge kind-contact",
    };
    let name = row.name.to_string();
    let remove_label = format!("Remove {name}");
    view! {
        <tr data-test="contact-row" data-kind=kind class:inactive=!row.active>
            <td data-test="contact-name">{name}</td>
            <td data-test="contact-email">{row.email.to_string()}</td>
            <td>
                <span class=badge_class data-test="contact-kind">
                    {kind}
                </span>
            </td>
            <td class="details">
                {row
                    .member_of
                    .map(|origin| {
                        view! {
                            <span data-test="contact-partner">{origin.organization.to_string()}</span>
                            " "
                            <span class="badge sync" data-test="contact-sync">
                                {origin.sync.label()}
                            </span>
                        }
                    })}
                {(!row.active)
                    .then(|| {
                        view! {
                            " "
                            <span class="badge inactive" data-test="contact-inactive">
                                "Inactive"
                            </span>
                        }
                    })}
            </td>
            <td class="actions">
                {row
                    .removable_id
                    .map(|id| {
                        view! {
                            <ActionForm action=remove attr:class="remove-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button secondary" aria-label=remove_label>
                                    "Remove"
                                </button>
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}

/// The form that adds a person by hand, checked in the browser with the server's own parsers.
#[component]
fn AddContactForm(add: ServerAction<AddContact>) -> impl IntoView {
    let error = last_error(add);
    let form = NodeRef::<leptos::html::Form>::new();
    // With JavaScript the page stays; empty the form once the contact is in.
    Effect::new(move |_| {
        let added = add.value().with(|answer| matches!(answer, Some(Ok(()))));
        if let (true, Some(form)) = (added, form.get()) {
            form.reset();
        }
    });
    view! {
        <ActionForm action=add node_ref=form attr:data-test="add-contact-form">
            <FormField
                id="contact-name"
                name="name"
                label="Name"
                input_type="text"
                autocomplete="off"
                check=check_person_name
                server_error=server_field_error(error, "name")
            />
            <FormField
                id="contact-email"
                name="email"
                label="Email"
                input_type="email"
                autocomplete="off"
                check=check_email
                server_error=server_field_error(error, "email")
            />
            <FormError error />
            <button type="submit">"Add contact"</button>
        </ActionForm>
    }
}

/// The address of a Contacts page: `/contacts`, with `after` and `q` when given.
pub fn contacts_href(search: &str, after: Option<&str>) -> String {
    page_href("/contacts", &[("after", after), ("q", Some(search))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses_carry_the_cursor_and_the_search_encoded() {
        assert_eq!(contacts_href("", None), "/contacts");
        assert_eq!(contacts_href("ann lee", None), "/contacts?q=ann%20lee");
        assert_eq!(
            contacts_href("a&b=c", Some("id~name é")),
            "/contacts?after=id~name%20%C3%A9&q=a%26b%3Dc"
        );
    }
}
