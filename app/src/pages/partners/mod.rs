//! The Partners tab of Account settings (`/settings/partners`, SPEC 4): the organization's
//! partner requests and partners, each row seen from this organization's side, with the
//! actions `entente-core` says the row offers.
//!
//! The page's state lives in its address, so everything works without JavaScript and a
//! filtered view can be shared: `?status=` and `?q=` filter and search (a GET form),
//! `?after=` pages (keyset: a plain link), `?invite` opens the "Send invitation" box,
//! `?confirm=<action>&request=<id>` asks for confirmation before a change the other side will
//! notice ([`confirmation`], phrased from core's preview), and `?done=` says what the last
//! change did. Changes are `ActionForm`s posting core's [`Action`] to one server function:
//! without JavaScript they post and the server answers with a redirect back here; with it they
//! run in place and the list refreshes.

mod confirmation;

use entente_core::partnership::{Action, RowLabel};
use entente_core::{AccountId, Profile};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use self::confirmation::{Confirmation, ConfirmationView, Confirming};
use crate::api::partners::{
    ActOnPartnerRequest, DONE_SENT, PartnerRow, PartnersList, SendPartnerRequest, StatusFilter,
    list_partners,
};
use crate::components::auth::use_auth;
use crate::components::error_view::ErrorList;
use crate::components::form::{FormError, FormField, check_email, last_error, server_field_error};
use crate::components::format::format_unix_utc;
use crate::components::gate::AccountSettingsGate;
use crate::components::pager::{Pager, page_href};
use crate::error::AppError;

/// The page's own address.
const PARTNERS_PATH: &str = "/settings/partners";

/// The Partners tab behind the Account settings gate.
///
/// The tab's state (address, actions, the list resource) is created here, once per render,
/// outside the gate's suspense: content built inside it may be built more than once, and a
/// resource created there would load the list each time.
#[component]
pub fn PartnersPage() -> impl IntoView {
    let tab = Tab::new();
    view! {
        <Title text="Partners" />
        <AccountSettingsGate title="Partners" path=PARTNERS_PATH>
            <PartnersTab tab />
        </AccountSettingsGate>
    }
}

/// The two changes the tab can post (an invitation, a row action), and the page of the list
/// being looked at, which a confirmation keeps.
#[derive(Clone, Copy)]
struct Changes {
    send: ServerAction<SendPartnerRequest>,
    act: ServerAction<ActOnPartnerRequest>,
    place: Place,
}

/// Which page of the tab is shown: its filter, search and cursor (all from the address).
#[derive(Clone, Copy)]
struct Place {
    status: Memo<StatusFilter>,
    search: Memo<String>,
    after: Memo<Option<String>>,
}

impl Place {
    /// This page's address.
    fn href(self) -> String {
        tab_href(
            self.status.get_untracked(),
            &self.search.get_untracked(),
            self.after.get_untracked().as_deref(),
        )
    }

    /// This page's parameters as hidden inputs, so a GET form (a confirmation) stays on it.
    fn hidden_inputs(self) -> impl IntoView {
        let status = self.status.get_untracked();
        let parameters = [
            (
                "status",
                (status != StatusFilter::All).then(|| status.as_str().to_owned()),
            ),
            (
                "q",
                Some(self.search.get_untracked()).filter(|q| !q.is_empty()),
            ),
            ("after", self.after.get_untracked()),
        ];
        parameters
            .into_iter()
            .filter_map(|(name, value)| {
                value.map(|value| view! { <input type="hidden" name=name value=value /> })
            })
            .collect_view()
    }
}

/// The sentence the tab shows after a change (`?done=sent` or `?done=<action>`).
fn done_sentence(done: &str) -> Option<&'static str> {
    if done == DONE_SENT {
        return Some("Invitation sent. It shows as “Sent - Awaiting Approval” until they answer.");
    }
    Some(match Action::parse(done)? {
        Action::Accept => {
            "Request accepted: your organizations are partners, and each now sees the other's \
             people as members in Contacts."
        }
        Action::RejectAndIgnore => "Request rejected. The sender sees it as “Rejected”.",
        Action::Delete => "Deleted from your Partners tab.",
    })
}

/// The address of a page of the tab, keeping the filter and the search.
fn tab_href(status: StatusFilter, search: &str, after: Option<&str>) -> String {
    let status = (status != StatusFilter::All).then(|| status.as_str());
    page_href(
        PARTNERS_PATH,
        &[("status", status), ("q", Some(search)), ("after", after)],
    )
}

/// The tab's state: what the address asks for, the two changes, and the list they refresh.
#[derive(Clone, Copy)]
struct Tab {
    inviting: Memo<bool>,
    confirming: Memo<Option<Confirming>>,
    done: Memo<Option<&'static str>>,
    changes: Changes,
    list: Resource<Result<PartnersList, AppError>>,
}

impl Tab {
    /// Reads the address and creates the actions and the list resource. The list loads only
    /// for someone who may see it: anyone else gets the gate's refusal and no query runs.
    fn new() -> Self {
        let auth = use_auth();
        let query = use_query_map();
        let status =
            Memo::new(move |_| StatusFilter::from_query(query.read().get("status").as_deref()));
        let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
        let after = Memo::new(move |_| query.read().get("after"));
        let changes = Changes {
            send: ServerAction::new(),
            act: ServerAction::new(),
            place: Place {
                status,
                search,
                after,
            },
        };
        let live = crate::live::use_live();
        let list = Resource::new(
            move || {
                // The live stream moves `live.partners()` when the other side acts.
                let versions = (
                    changes.send.version().get(),
                    changes.act.version().get(),
                    live.partners(),
                );
                (status.get(), search.get(), after.get(), versions)
            },
            move |(status, search, after, _)| async move {
                auth.require(Profile::can_manage_partners).await?;
                list_partners(Some(status.as_str().to_owned()), Some(search), after).await
            },
        );
        Self {
            inviting: Memo::new(move |_| query.read().get("invite").is_some()),
            confirming: Memo::new(move |_| {
                let query = query.read();
                Confirming::from_query(query.get("confirm"), query.get("request"))
            }),
            done: Memo::new(move |_| query.read().get("done").as_deref().and_then(done_sentence)),
            changes,
            list,
        }
    }
}

/// The list, the filters, the invitation box and the confirmations.
#[component]
fn PartnersTab(tab: Tab) -> impl IntoView {
    let Tab {
        inviting,
        confirming,
        done,
        changes,
        list,
    } = tab;
    let Place {
        status,
        search,
        after,
    } = changes.place;
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
                    .map(|sentence| {
                        view! {
                            <p class="alert success" role="status" data-test="partners-done">
                                {sentence}
                            </p>
                        }
                    })
            }}
            <Show when=move || show_invitation.get()>
                <InvitationBox send=changes.send />
            </Show>
            <FilterForm status search />
            <FormError error=last_error(changes.act) />
            <Transition fallback=|| view! { <p>"Loading partners…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let list = list.await?;
                        let confirm = confirming.get().and_then(|confirming| {
                            ConfirmationView::build(&list, &confirming)
                        });
                        let (status, search) = (status.get_untracked(), search.get_untracked());
                        let first_page = after
                            .get_untracked()
                            .map(|_| tab_href(status, &search, None));
                        let next_page = list
                            .next
                            .as_deref()
                            .map(|token| tab_href(status, &search, Some(token)));
                        Ok::<_, AppError>(view! {
                            {confirm
                                .map(|confirm| {
                                    view! {
                                        <Confirmation confirm act=changes.act back=changes.place.href() />
                                    }
                                })}
                            <PartnersTable
                                list
                                filtered=status != StatusFilter::All || !search.is_empty()
                                changes
                            />
                            <Pager label="Partners pages" first_page next_page />
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
    let shown = list.rows.len();
    let matched = if list.matched as usize == shown {
        None
    } else {
        Some(format!(
            "{} matching rows, most recently changed first.",
            list.matched_text()
        ))
    };
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
        {matched.map(|matched| view! { <p class="muted" data-test="partners-matched">{matched}</p> })}
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
    let look_alike = row.looks_like.is_some();
    let buttons = seen
        .actions
        .iter()
        .map(|action| action_button(*action, &id, &row.other_organization, look_alike, changes))
        .collect_view();
    let warning = row.looks_like.clone().map(|partner| {
        view! {
            <br />
            <span class="look-alike small" data-test="partner-look-alike" role="note">
                {format!("Looks like your partner {partner}: check who sent it before you accept.")}
            </span>
        }
    });
    view! {
        <tr
            data-test="partner-row"
            data-organization=row.other_organization.clone()
            data-email=email.clone()
        >
            <th scope="row">
                {row.other_organization.clone()}
                {row
                    .other_domain
                    .clone()
                    .map(|domain| {
                        view! {
                            <br />
                            <span
                                class="muted small"
                                data-test="partner-domain"
                                title="The organization confirmed an address at this domain"
                            >
                                {format!("✓ {domain}")}
                            </span>
                        }
                    })}
                {warning}
            </th>
            <td>{email.clone()}</td>
            <td>
                {row.sent_by.clone()}
                <br />
                <span class="muted small" data-test="partner-sent-by-email">
                    {row.sent_by_email.clone()}
                </span>
            </td>
            <td class="nowrap" title=sent_at.clone()>{sent_at.get(..10).unwrap_or_default().to_owned()}</td>
            <td>
                <span class=status_class(seen.label) data-test="partner-status">
                    {seen.label.text()}
                </span>
            </td>
            <td class="row-actions">
                <div class="row-actions-list" data-test="partner-actions">{buttons}</div>
            </td>
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

/// Accept posts at once, unless the organization looks like a partner's; "Reject and ignore"
/// and "Delete" always open their confirmation first.
fn action_button(
    action: Action,
    id: &str,
    organization: &str,
    look_alike: bool,
    changes: Changes,
) -> AnyView {
    let label = action.label();
    let described = format!("{label}: {organization}");
    let id = id.to_owned();
    if action == Action::Accept && !look_alike {
        return view! {
            <ActionForm action=changes.act attr:class="inline-form">
                <input type="hidden" name="action" value=action.as_str() />
                <input type="hidden" name="request_id" value=id />
                <button type="submit" aria-label=described>
                    {label}
                </button>
            </ActionForm>
        }
        .into_any();
    }
    view! {
        <Form method="get" action=PARTNERS_PATH attr:class="inline-form">
            {changes.place.hidden_inputs()}
            <input type="hidden" name="confirm" value=action.as_str() />
            <input type="hidden" name="request" value=id />
            <button
                type="submit"
                class=if action == Action::Accept { "" } else { "button secondary" }
                aria-label=described
            >
                {label}
            </button>
        </Form>
    }
    .into_any()
}
