//! The Partners tab of Account settings (`/settings/partners`, SPEC 4): the organization's
//! partner requests and partners, each row seen from this organization's side, with the
//! actions `entente-core` says the row offers.
//!
//! The page's state lives in its address, so everything works without JavaScript and a
//! filtered view can be shared: `?status=` and `?q=` filter and search (a GET form),
//! `?invite` opens the "Send invitation" box, `?confirm=reject|delete&request=<id>` asks for
//! confirmation before a change the other side will notice, and `?done=` says what the last
//! change did. Changes are `ActionForm`s: without JavaScript they post and the server answers
//! with a redirect back here; with it they run in place and the list refreshes.

use entente_core::AccountId;
use entente_core::partnership::{Action, RequestStatus, RowLabel, Side};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::partners::{
    AcceptPartnerRequest, DeletePartnerRequest, PartnerChange, PartnerRow, PartnersList,
    RejectPartnerRequest, SendPartnerRequest, StatusFilter, list_partners,
};
use crate::components::error_view::ErrorList;
use crate::components::form::{FormError, FormField, check_email, last_error, server_field_error};
use crate::components::format::format_unix_utc;
use crate::components::gate::AccountSettingsGate;
use crate::error::AppError;

/// The page's own address.
const PARTNERS_PATH: &str = "/settings/partners";

/// The Partners tab behind the Account settings gate.
#[component]
pub fn PartnersPage() -> impl IntoView {
    view! {
        <Title text="Partners" />
        <AccountSettingsGate title="Partners" path=PARTNERS_PATH>
            <PartnersTab />
        </AccountSettingsGate>
    }
}

/// The four changes a row or the invitation box can post.
#[derive(Clone, Copy)]
struct Changes {
    send: ServerAction<SendPartnerRequest>,
    accept: ServerAction<AcceptPartnerRequest>,
    reject: ServerAction<RejectPartnerRequest>,
    delete: ServerAction<DeletePartnerRequest>,
}

/// A change that needs confirming first: which one, on which request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Confirming {
    action: Action,
    request_id: String,
}

impl Confirming {
    /// Reads `?confirm=reject|delete&request=<id>`.
    fn from_query(confirm: Option<String>, request_id: Option<String>) -> Option<Self> {
        let action = match confirm.as_deref()? {
            "reject" => Action::RejectAndIgnore,
            "delete" => Action::Delete,
            _ => return None,
        };
        Some(Self {
            action,
            request_id: request_id?,
        })
    }
}

/// The list, the filters, the invitation box and the confirmations.
#[component]
fn PartnersTab() -> impl IntoView {
    let query = use_query_map();
    let status =
        Memo::new(move |_| StatusFilter::from_query(query.read().get("status").as_deref()));
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let inviting = Memo::new(move |_| query.read().get("invite").is_some());
    let confirming = Memo::new(move |_| {
        let query = query.read();
        Confirming::from_query(query.get("confirm"), query.get("request"))
    });
    let done = Memo::new(move |_| PartnerChange::from_query(query.read().get("done").as_deref()));
    let changes = Changes {
        send: ServerAction::new(),
        accept: ServerAction::new(),
        reject: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let list = Resource::new(
        move || {
            let versions = (
                changes.send.version().get(),
                changes.accept.version().get(),
                changes.reject.version().get(),
                changes.delete.version().get(),
            );
            (status.get(), search.get(), versions)
        },
        |(status, search, _)| list_partners(Some(status.as_str().to_owned()), Some(search)),
    );
    let send_error = last_error(changes.send);
    let show_invitation = Signal::derive(move || inviting.get() || send_error.get().is_some());

    view! {
        <section class="card" aria-labelledby="partners-heading" data-test="partners">
            <div class="card-heading">
                <h1 id="partners-heading">"Partners"</h1>
                <Form method="get" action=PARTNERS_PATH attr:class="inline-form">
                    <input type="hidden" name="invite" value="1" />
                    <button type="submit">"Send new partner invitation"</button>
                </Form>
            </div>
            <p class="muted">
                "Account settings: organizations you work with. Partners see each other's people "
                "as members in Contacts and can share proofs, files and folders."
            </p>
            {move || {
                done.get()
                    .map(|change| {
                        view! {
                            <p class="alert success" role="status" data-test="partners-done">
                                {change.sentence()}
                            </p>
                        }
                    })
            }}
            <Show when=move || show_invitation.get()>
                <InvitationBox send=changes.send />
            </Show>
            <FilterForm status search />
            <FormError error=last_error(changes.accept) />
            <FormError error=last_error(changes.reject) />
            <FormError error=last_error(changes.delete) />
            <Transition fallback=|| view! { <p>"Loading partners…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let list = list.await?;
                        let confirm = confirming.get().and_then(|confirming| {
                            ConfirmationView::build(&list, &confirming)
                        });
                        Ok::<_, AppError>(view! {
                            {confirm.map(|confirm| view! { <Confirmation confirm changes /> })}
                            <PartnersTable
                                list
                                filtered=status.get_untracked() != StatusFilter::All
                                    || !search.get_untracked().is_empty()
                                changes
                            />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// "Send invitation": the address of a user of the other organization, checked in the
/// browser by `entente-core` and again on the server.
#[component]
fn InvitationBox(send: ServerAction<SendPartnerRequest>) -> impl IntoView {
    let error = last_error(send);
    view! {
        <section class="invitation-box" aria-labelledby="invitation-heading" data-test="invitation-box">
            <h2 id="invitation-heading">"Send invitation"</h2>
            <p class="muted">
                "Type the email address of a user in your partner organization. Any of their "
                "administrators can then accept or reject it in their Partners tab."
            </p>
            <ActionForm action=send attr:data-test="invitation-form">
                <FormField
                    id="invitation-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    autocomplete="off"
                    check=check_email
                    server_error=server_field_error(error, "email")
                />
                <FormError error />
                <div class="form-actions">
                    <button type="submit">"Send"</button>
                    <A href=PARTNERS_PATH attr:class="button secondary">
                        "Cancel"
                    </A>
                </div>
            </ActionForm>
        </section>
    }
}

/// Filter by status and search by organization: a GET form, so it works without JavaScript
/// and its address can be shared.
#[component]
fn FilterForm(status: Memo<StatusFilter>, search: Memo<String>) -> impl IntoView {
    view! {
        <Form method="get" action=PARTNERS_PATH attr:class="search-form" attr:role="search">
            <div class="search-row">
                <label for="partners-status">"Status"</label>
                <select id="partners-status" name="status">
                    {StatusFilter::ALL
                        .into_iter()
                        .map(|filter| {
                            view! {
                                <option value=filter.as_str() selected=move || status.get() == filter>
                                    {filter.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="partners-search">"Search"</label>
                <input
                    id="partners-search"
                    type="search"
                    name="q"
                    placeholder="Organization or email"
                    value=move || search.get()
                />
                <button type="submit" class="button secondary">
                    "Filter"
                </button>
            </div>
        </Form>
    }
}

/// The table, or the empty state (`filtered`: a status filter or a search is applied).
#[component]
fn PartnersTable(list: PartnersList, filtered: bool, changes: Changes) -> impl IntoView {
    let viewer = list.viewer;
    if list.rows.is_empty() {
        let message = if !filtered {
            "No partners yet. Send a partner invitation to an organization you work with: once \
             one of its administrators accepts, you see each other's people in Contacts."
        } else {
            "No partner requests match this filter."
        };
        return view! {
            <p class="empty-state" data-test="partners-empty">
                {message}
            </p>
        }
        .into_any();
    }
    let more = (list.matched > list.rows.len()).then(|| {
        format!(
            "Showing the {} most recently changed of {} matching rows: search to narrow the list.",
            list.rows.len(),
            list.matched
        )
    });
    view! {
        <div class="table-scroll">
        <table class="partners-table" data-test="partners-table">
            <thead>
                <tr>
                    <th scope="col">"Organization"</th>
                    <th scope="col">"Invited address"</th>
                    <th scope="col">"Sent by"</th>
                    <th scope="col">"Sent"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {list
                    .rows
                    .into_iter()
                    .map(|row| view! { <PartnerRowView row viewer changes /> })
                    .collect_view()}
            </tbody>
        </table>
        </div>
        {more.map(|more| view! { <p class="muted">{more}</p> })}
    }
    .into_any()
}

/// One row: what this side sees and the buttons `entente-core` offers for it.
#[component]
fn PartnerRowView(row: PartnerRow, viewer: AccountId, changes: Changes) -> impl IntoView {
    let Some(seen) = row.view_for(viewer) else {
        return ().into_any();
    };
    let id = row.request.id().to_string();
    // The address and the date are what core says both sides see (SPEC 4.2).
    let email = seen.recipient_email.to_string();
    let sent_at = format_unix_utc(seen.sent_at.0);
    let buttons = seen
        .actions
        .iter()
        .map(|action| action_button(*action, &id, &row.other_organization, changes))
        .collect_view();
    view! {
        <tr
            data-test="partner-row"
            data-organization=row.other_organization.clone()
            data-email=email.clone()
        >
            <th scope="row">{row.other_organization.clone()}</th>
            <td>{email.clone()}</td>
            <td>{row.sent_by.clone()}</td>
            <td class="nowrap" title=sent_at.clone()>{sent_at.get(..10).unwrap_or_default().to_owned()}</td>
            <td>
                <span class=status_class(seen.label) data-test="partner-status">
                    {seen.label.text()}
                </span>
            </td>
            <td class="row-actions">{buttons}</td>
        </tr>
    }
    .into_any()
}

/// The badge style of a status.
fn status_class(label: RowLabel) -> &'static str {
    match label {
        RowLabel::Partner => "badge partner",
        RowLabel::Rejected => "badge rejected",
        RowLabel::SentAwaitingApproval | RowLabel::ReceivedAwaitingYourApproval => "badge pending",
    }
}

/// Accept posts at once; "Reject and ignore" and "Delete" first open their confirmation.
fn action_button(action: Action, id: &str, organization: &str, changes: Changes) -> AnyView {
    let label = action.label();
    let described = format!("{label}: {organization}");
    let id = id.to_owned();
    match action {
        Action::Accept => view! {
            <ActionForm action=changes.accept attr:class="inline-form">
                <input type="hidden" name="request_id" value=id />
                <button type="submit" aria-label=described>
                    {label}
                </button>
            </ActionForm>
        }
        .into_any(),
        Action::RejectAndIgnore | Action::Delete => {
            let confirm = if action == Action::Delete {
                "delete"
            } else {
                "reject"
            };
            view! {
                <Form method="get" action=PARTNERS_PATH attr:class="inline-form">
                    <input type="hidden" name="confirm" value=confirm />
                    <input type="hidden" name="request" value=id />
                    <button type="submit" class="button secondary" aria-label=described>
                        {label}
                    </button>
                </Form>
            }
            .into_any()
        }
    }
}

/// What a confirmation says: the change, and what it means for each organization.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ConfirmationView {
    action: Action,
    request_id: String,
    heading: String,
    for_us: String,
    for_them: String,
}

impl ConfirmationView {
    /// The confirmation of `confirming`, if its request is listed and still offers the action
    /// (after the change, or if another administrator acted first, there is nothing to confirm).
    fn build(list: &PartnersList, confirming: &Confirming) -> Option<Self> {
        let row = list
            .rows
            .iter()
            .find(|row| row.request.id().to_string() == confirming.request_id)?;
        let seen = row.view_for(list.viewer)?;
        if !seen.offers(confirming.action) {
            return None;
        }
        let (heading, for_us, for_them) = consequences(confirming.action, seen.side, row)?;
        Some(Self {
            action: confirming.action,
            request_id: confirming.request_id.clone(),
            heading,
            for_us,
            for_them,
        })
    }
}

/// What a change does for each organization, in the words of SPEC 4.3: a heading, then what
/// it means for us and for them. Accepting is not confirmed, so it has none.
fn consequences(action: Action, side: Side, row: &PartnerRow) -> Option<(String, String, String)> {
    let org = &row.other_organization;
    let email = row.request.recipient_email().as_str();
    let other_side_deleted = match side {
        Side::Sender => row.request.deleted_by_recipient(),
        Side::Recipient => row.request.deleted_by_sender(),
    };
    let ended = "Their people stay in your Contacts as members, no longer synced, and people they \
                 add later will not appear. Items already shared stay shared.";
    Some(match (action, side, row.request.status()) {
        (Action::Accept, _, _) => return None,
        (Action::RejectAndIgnore, _, _) => (
            format!("Reject and ignore the request from {org}?"),
            "It shows as Rejected in your Partners tab. You can still accept it later.".to_owned(),
            format!(
                "{org} sees it as Rejected and {} gets an email saying so. They cannot invite \
                 {email} again until both organizations have deleted the request.",
                row.sent_by
            ),
        ),
        (_, Side::Sender, RequestStatus::Pending) => (
            format!("Withdraw your invitation to {email}?"),
            format!("It disappears from your Partners tab, and you can invite {email} again."),
            format!("It disappears from {org}'s Partners tab too."),
        ),
        (_, Side::Recipient, RequestStatus::Pending) => (
            format!("Delete the request from {org} without answering it?"),
            "It disappears from your Partners tab.".to_owned(),
            format!("{org} sees it as Rejected, without an email."),
        ),
        (_, Side::Sender, RequestStatus::Accepted) => (
            format!("Delete your partner {org}?"),
            format!("The partnership ends and disappears from your Partners tab. {ended}"),
            format!(
                "It disappears from {org}'s Partners tab too. Either organization can invite the \
                 other again."
            ),
        ),
        (_, Side::Recipient, RequestStatus::Accepted) => (
            format!("Delete your partner {org}?"),
            format!("The partnership ends and disappears from your Partners tab. {ended}"),
            format!(
                "{org} sees it as Rejected until they delete it too; only then can they invite \
                 {email} again."
            ),
        ),
        (_, Side::Sender, RequestStatus::Rejected) => (
            format!("Delete the rejected invitation to {email}?"),
            if other_side_deleted {
                format!("It disappears from your Partners tab, and you can invite {email} again.")
            } else {
                format!(
                    "It disappears from your Partners tab. You can invite {email} again once \
                     {org} has deleted it too."
                )
            },
            if other_side_deleted {
                format!("{org} has already deleted it.")
            } else {
                format!("{org} still sees it as Rejected until they delete it.")
            },
        ),
        (_, Side::Recipient, RequestStatus::Rejected) => (
            format!("Delete the rejected request from {org}?"),
            "It disappears from your Partners tab; you can no longer accept it.".to_owned(),
            if other_side_deleted {
                format!("{org} has already deleted it, so they can invite {email} again.")
            } else {
                format!(
                    "{org} still sees it as Rejected; once they delete it too, they can invite \
                     {email} again."
                )
            },
        ),
    })
}

/// The confirmation panel with the final button, and Cancel back to the list.
#[component]
fn Confirmation(confirm: ConfirmationView, changes: Changes) -> impl IntoView {
    let label = confirm.action.label();
    let form = match confirm.action {
        Action::RejectAndIgnore => view! {
            <ActionForm action=changes.reject attr:class="inline-form">
                <input type="hidden" name="request_id" value=confirm.request_id.clone() />
                <button type="submit" class="button danger">
                    {label}
                </button>
            </ActionForm>
        }
        .into_any(),
        _ => view! {
            <ActionForm action=changes.delete attr:class="inline-form">
                <input type="hidden" name="request_id" value=confirm.request_id.clone() />
                <button type="submit" class="button danger">
                    {label}
                </button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section
            class="confirmation"
            role="region"
            aria-labelledby="confirmation-heading"
            data-test="confirmation"
        >
            <h2 id="confirmation-heading">{confirm.heading}</h2>
            <p>
                <strong>"For your organization: "</strong>
                {confirm.for_us}
            </p>
            <p>
                <strong>"For them: "</strong>
                {confirm.for_them}
            </p>
            <div class="form-actions">
                {form}
                <A href=PARTNERS_PATH attr:class="button secondary">
                    "Cancel"
                </A>
            </div>
        </section>
    }
}
