//! Sharing with partners (SPEC 3.3): the sharing panel on an item's page (who has access and
//! why, the share form, revoke), "Shared with us" (`/shared-with-us?from=…`) and "Shared by
//! us" (`/shared-by-us?with=…`).
//!
//! Everything works without JavaScript: the share form and each revoke are plain form posts
//! that come back to the page, the organization filter and paging are links. With JavaScript
//! the panel and the lists refresh in place.

use entente_core::ItemId;
use entente_core::documents::ShareRole;
use entente_core::documents::digest::DigestSetting;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::sharing::{
    AccessEntry, RevokeShare, SHARE_FORM_PEOPLE, SetDailyEmail, ShareItem, SharedEntry, SharedPage,
    SharingPanel, daily_email, open_sharing_panel, shared_by_us, shared_by_us_href, shared_with_us,
    shared_with_us_href,
};
use crate::components::error_view::ErrorList;
use crate::components::form::{FormError, last_error};
use crate::components::format::format_unix_utc;
use crate::components::pager::{Pager, page_href};
use crate::error::AppError;

/// A role and the download switch in words: "Viewer", "Reviewer · no downloads".
fn grant_text(role: ShareRole, downloads: bool) -> String {
    if downloads {
        role.label().to_owned()
    } else {
        format!("{} · no downloads", role.label())
    }
}

/// The sharing panel of an item's page: shown to the item's owner side only.
#[component]
pub fn SharingSection(item: ItemId) -> impl IntoView {
    let share = ServerAction::<ShareItem>::new();
    let revoke = ServerAction::<RevokeShare>::new();
    let query = use_query_map();
    let people = Memo::new(move |_| query.read().get("people"));
    let panel = Resource::new(
        move || (share.version().get(), revoke.version().get(), people.get()),
        move |(_, _, people)| open_sharing_panel(item.to_string(), people),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let panel = panel.await?;
                Ok::<_, AppError>(
                    panel.map(|panel| view! { <SharingPanelView item panel share revoke /> }),
                )
            })}
        </Transition>
    }
}

#[component]
fn SharingPanelView(
    item: ItemId,
    panel: SharingPanel,
    share: ServerAction<ShareItem>,
    revoke: ServerAction<RevokeShare>,
) -> impl IntoView {
    let share_error = last_error(share);
    let revoke_error = last_error(revoke);
    let may_share = panel.may_share;
    let entries = panel.entries;
    let form = match (may_share, panel.refusal) {
        (false, _) => None,
        (true, Some(refusal)) => {
            Some(view! { <p class="muted" data-test="share-refusal">{refusal}</p> }.into_any())
        }
        (true, None) => Some(
            view! {
                <PeopleSearch search=panel.people_search more=panel.more_people />
                <ShareForm item targets=panel.targets share error=share_error />
            }
            .into_any(),
        ),
    };
    view! {
        <section class="sharing" aria-labelledby="sharing-heading" data-test="sharing-panel">
            <h2 id="sharing-heading">"Sharing"</h2>
            {if entries.is_empty() {
                view! {
                    <p class="muted" data-test="no-shares">
                        "Only your organization has access."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <ul class="access-list" data-test="access-list">
                        {entries
                            .into_iter()
                            .map(|entry| view! { <AccessRow entry may_share revoke /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <FormError error=revoke_error />
            {form}
        </section>
    }
}

/// One "who has access" line: recipient, role, since when, directly or through which folder.
#[component]
fn AccessRow(
    entry: AccessEntry,
    may_share: bool,
    revoke: ServerAction<RevokeShare>,
) -> impl IntoView {
    let label = entry.recipient.label();
    let grant = grant_text(entry.role, entry.downloads);
    let how = match &entry.through {
        None => "shared directly".to_owned(),
        Some(folder) => format!("through the folder {}", folder.name),
    };
    let former = (!entry.partners_now).then(|| {
        view! {
            <span class="badge muted" title="The partnership ended: this stays shared with the people who were members then.">
                "former partner"
            </span>
        }
    });
    // A share through a folder is revoked on that folder's page.
    let revoke_form = (may_share && entry.through.is_none()).then(|| {
        let aria = format!("Revoke the share with {label}");
        view! {
            <ActionForm action=revoke attr:class="inline-form">
                <input type="hidden" name="share" value=entry.share.to_string() />
                <button type="submit" class="button secondary" aria-label=aria>
                    "Revoke"
                </button>
            </ActionForm>
        }
    });
    let through_link = entry.through.as_ref().map(|folder| {
        view! {
            <A href=crate::api::documents::folder_href(folder.id)>"Open the folder"</A>
        }
    });
    view! {
        <li data-test="access-row">
            <strong>{label.clone()}</strong>
            " · "
            {grant}
            " · "
            {how}
            " · since "
            {format_unix_utc(entry.since.0)}
            " "
            {former}
            " "
            {through_link}
            {revoke_form}
        </li>
    }
}

/// The share form: whom (an organization or one of its people), the role, downloads.
/// Narrows the people the share form offers, by name or address: shown when a partner has
/// more people than the form lists, or a search is on. A plain GET form on the item's own
/// page (its other parameters kept), so it works without JavaScript.
#[component]
fn PeopleSearch(search: Option<String>, more: bool) -> impl IntoView {
    if search.is_none() && !more {
        return None;
    }
    let kept: Vec<(String, String)> = use_query_map().with_untracked(|query| {
        query
            .into_iter()
            .filter(|(key, _)| key.as_ref() != "people")
            .map(|(key, value)| (key.to_string(), value.to_owned()))
            .collect()
    });
    let note = if more {
        format!(
            "The list shows the first {SHARE_FORM_PEOPLE} people{}: search by name or address to find others.",
            if search.is_some() { " found" } else { "" }
        )
    } else {
        "Showing the people found.".to_owned()
    };
    let clear = search.is_some().then(|| {
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        let parameters: Vec<(&str, Option<&str>)> = kept
            .iter()
            .map(|(key, value)| (key.as_str(), Some(value.as_str())))
            .collect();
        view! { <a href=page_href(&path, &parameters)>"Show everyone"</a> }
    });
    Some(view! {
        <form method="get" class="people-search" role="search" data-test="people-search">
            {kept
                .into_iter()
                .map(|(key, value)| view! { <input type="hidden" name=key value=value /> })
                .collect_view()}
            <label for="share-people">"Find a person"</label>
            <input
                id="share-people"
                type="search"
                name="people"
                value=search.unwrap_or_default()
                maxlength="100"
                autocomplete="off"
            />
            <button type="submit" class="button secondary">"Search"</button>
            " "
            {clear}
            <p class="muted">{note}</p>
        </form>
    })
}

#[component]
fn ShareForm(
    item: ItemId,
    targets: Vec<crate::api::sharing::ShareTarget>,
    share: ServerAction<ShareItem>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let options = targets
        .into_iter()
        .map(|target| view! { <option value=target.value>{target.label}</option> })
        .collect_view();
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|error| error.message_for(field))
                .map(|message| {
                    view! {
                        <p class="field-error" role="alert">
                            {message}
                        </p>
                    }
                })
        }
    };
    view! {
        <h3>"Share with a partner"</h3>
        <ActionForm action=share attr:class="share-form" attr:data-test="share-form">
            <input type="hidden" name="item" value=item.to_string() />
            <div class="field">
                <label for="share-recipient">"With"</label>
                <select id="share-recipient" name="recipient" required>
                    {options}
                </select>
                {field_error("recipient")}
            </div>
            <div class="field">
                <label for="share-role">"As"</label>
                <select id="share-role" name="role">
                    <option value="viewer">"Viewer — open and preview"</option>
                    <option value="reviewer">"Reviewer — also comment on proofs"</option>
                </select>
                {field_error("role")}
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="downloads" value="on" checked />
                    " Allow downloads"
                </label>
            </div>
            <button type="submit" class="button">
                "Share"
            </button>
        </ActionForm>
        <FormError error />
    }
}

/// The address of the page after `page` of the list at `path` (`filter`: the organization
/// parameter's name).
fn next_href(page: &SharedPage, path: &str, filter: &str) -> Option<String> {
    let organization = page.organization.map(|id| id.to_string());
    page.next.as_deref().map(|token| {
        page_href(
            path,
            &[(filter, organization.as_deref()), ("after", Some(token))],
        )
    })
}

/// Organization filter links above a list of shares.
#[component]
fn OrganizationLinks(
    page: SharedPage,
    href: fn(Option<entente_core::AccountId>) -> String,
    all: Option<&'static str>,
) -> impl IntoView {
    let chosen = page.organization;
    let all_link = all.map(|label| {
        let current = chosen.is_none();
        view! {
            <li>
                <A href=href(None) attr:aria-current=move || current.then_some("page")>
                    {label}
                </A>
            </li>
        }
    });
    view! {
        <nav class="organization-filter" aria-label="Organizations">
            <ul>
                {all_link}
                {page
                    .organizations
                    .into_iter()
                    .map(|organization| {
                        let current = chosen == Some(organization.id);
                        let former = (!organization.partners_now).then_some(" (former partner)");
                        view! {
                            <li>
                                <A
                                    href=href(Some(organization.id))
                                    attr:aria-current=move || current.then_some("page")
                                >
                                    {organization.name}
                                    {former}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// "Shared with us": what partner organizations shared with this account or with the viewer,
/// newest first, grouped by organization on each page.
#[component]
pub fn SharedWithUsPage() -> impl IntoView {
    let query = use_query_map();
    let from = Memo::new(move |_| query.read().get("from"));
    let after = Memo::new(move |_| query.read().get("after"));
    let live = crate::live::use_live();
    let page = Resource::new(
        move || (from.get(), after.get(), live.shared()),
        |(from, after, _)| shared_with_us(from, after),
    );
    view! {
        <Title text="Shared with us" />
        <section class="card" aria-labelledby="shared-with-us-heading">
            <h1 id="shared-with-us-heading">"Shared with us"</h1>
            <p class="muted">
                "Files, proofs and folders partner organizations share with your organization or with you."
            </p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <SharedWithUsView page /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
        <DailyEmailSetting />
    }
}

/// The viewer's choice of the daily email of what partners add to folders shared with them.
#[component]
fn DailyEmailSetting() -> impl IntoView {
    let save = ServerAction::<SetDailyEmail>::new();
    let setting = Resource::new(move || save.version().get(), |_| daily_email());
    let error = last_error(save);
    view! {
        <section
            id="daily-email"
            class="card"
            aria-labelledby="daily-email-heading"
            data-test="daily-email"
        >
            <h2 id="daily-email-heading">"Daily email"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let current = setting.await?;
                    Ok::<_, AppError>(view! {
                        <ActionForm action=save attr:class="daily-email-form">
                            <fieldset>
                                <legend>"When partners add files or folders to what they share with you"</legend>
                                {DigestSetting::ALL
                                    .into_iter()
                                    .map(|option| {
                                        let text = match option {
                                            DigestSetting::Off => "No email",
                                            DigestSetting::Daily => "One email a day listing what was added",
                                        };
                                        view! {
                                            <label class="radio">
                                                <input
                                                    type="radio"
                                                    name="setting"
                                                    value=option.as_str()
                                                    checked=option == current
                                                />
                                                " "
                                                {text}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                            <button type="submit" class="button secondary">"Save"</button>
                            <span class="muted" data-test="daily-email-current">
                                " Now: "
                                {current.label()}
                            </span>
                        </ActionForm>
                    })
                })}
            </Transition>
            <FormError error />
        </section>
    }
}

#[component]
fn SharedWithUsView(page: SharedPage) -> impl IntoView {
    let next_page = next_href(&page, "/shared-with-us", "from");
    let first_page = None::<String>;
    let entries = page.entries.clone();
    let empty = entries.is_empty();
    // Consecutive entries of one organization form a group (the page is newest first).
    let mut groups: Vec<(String, Vec<SharedEntry>)> = Vec::new();
    for entry in entries {
        match groups.last_mut() {
            Some((owner, list)) if *owner == entry.owner => list.push(entry),
            _ => groups.push((entry.owner.clone(), vec![entry])),
        }
    }
    view! {
        <OrganizationLinks page href=shared_with_us_href all=Some("All organizations") />
        {empty
            .then(|| {
                view! {
                    <p data-test="shared-with-us-empty">
                        "Nothing is shared with you yet. When a partner shares a file, a proof or a folder with your organization or with you, it appears here."
                    </p>
                }
            })}
        {groups
            .into_iter()
            .map(|(owner, entries)| {
                view! {
                    <section class="shared-group" data-test="shared-group">
                        <h2>{owner}</h2>
                        <SharedTable entries revoke=None />
                    </section>
                }
            })
            .collect_view()}
        <Pager label="Shared pages" first_page next_page />
    }
}

/// A table of shared items: name with its page, with whom, role, since when, revoke.
#[component]
fn SharedTable(
    entries: Vec<SharedEntry>,
    revoke: Option<ServerAction<RevokeShare>>,
) -> impl IntoView {
    view! {
        <table class="documents-table" data-test="shared-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"With"</th>
                    <th scope="col">"As"</th>
                    <th scope="col">"Since"</th>
                    {revoke.map(|_| view! { <th scope="col"><span class="visually-hidden">"Revoke"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let icon = match entry.item.kind {
                            entente_core::documents::ItemKind::Folder => "📁",
                            entente_core::documents::ItemKind::File => "📄",
                        };
                        let with = match &entry.recipient.person {
                            Some(person) => person.clone(),
                            None => entry.recipient.account_name.clone(),
                        };
                        let name = entry.item.name.to_string();
                        let revoke_cell = revoke.map(|revoke| {
                            let form = entry.revocable.then(|| {
                                let aria = format!("Revoke the share of {name} with {with}");
                                view! {
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="share" value=entry.share.to_string() />
                                        <button type="submit" class="button secondary" aria-label=aria>
                                            "Revoke"
                                        </button>
                                    </ActionForm>
                                }
                            });
                            view! { <td>{form}</td> }
                        });
                        view! {
                            <tr data-test="shared-row">
                                <td>
                                    <span class="item-icon" aria-hidden="true">{icon}</span>
                                    <A href=entry.item.href() attr:data-test="shared-link">{name.clone()}</A>
                                </td>
                                <td>{with.clone()}</td>
                                <td>{grant_text(entry.role, entry.downloads)}</td>
                                <td>{format_unix_utc(entry.since.0)}</td>
                                {revoke_cell}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "Shared by us": per partner (current or former), everything this account shares with it or
/// its people, with revoke.
#[component]
pub fn SharedByUsPage() -> impl IntoView {
    let query = use_query_map();
    let with = Memo::new(move |_| query.read().get("with"));
    let after = Memo::new(move |_| query.read().get("after"));
    let revoke = ServerAction::<RevokeShare>::new();
    let live = crate::live::use_live();
    let page = Resource::new(
        move || {
            (
                with.get(),
                after.get(),
                revoke.version().get(),
                live.shared(),
            )
        },
        |(with, after, _, _)| shared_by_us(with, after),
    );
    let revoke_error = last_error(revoke);
    view! {
        <Title text="Shared by us" />
        <section class="card" aria-labelledby="shared-by-us-heading">
            <h1 id="shared-by-us-heading">"Shared by us"</h1>
            <p class="muted">"What your organization shares with each partner, and revoke."</p>
            <FormError error=revoke_error />
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <SharedByUsView page revoke /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn SharedByUsView(page: SharedPage, revoke: ServerAction<RevokeShare>) -> impl IntoView {
    let next_page = next_href(&page, "/shared-by-us", "with");
    let first_page = None::<String>;
    let entries = page.entries.clone();
    let no_partner = page.organizations.is_empty();
    view! {
        {if no_partner {
            view! {
                <p data-test="shared-by-us-empty">
                    "You have no partners yet. Invite an organization on the Partners tab, then share files and folders from their pages."
                </p>
            }
                .into_any()
        } else {
            view! {
                <OrganizationLinks page href=shared_by_us_href all=None />
                {if entries.is_empty() {
                    view! {
                        <p data-test="shared-by-us-none">
                            "Nothing is shared with this organization. Open a file or a folder in Documents to share it."
                        </p>
                    }
                        .into_any()
                } else {
                    view! { <SharedTable entries revoke=Some(revoke) /> }.into_any()
                }}
                <Pager label="Shared pages" first_page next_page />
            }
                .into_any()
        }}
    }
}
