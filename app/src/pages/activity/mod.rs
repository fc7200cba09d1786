//! The Activity page of Account settings (`/settings/activity`, SPEC 4.6 and 3.3): what
//! happened to the organization's partner requests, partnerships and documents, who did it and
//! when, newest first.
//!
//! Pages are links (`?after=`), so it works without JavaScript; with it they load in place.
//! Entries arrive as typed data and are phrased in one module, [`sentences`].

pub(crate) mod sentences;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use entente_core::Profile;

use crate::api::activity::{ActivityEntry, ActivityPage as EntriesPage, list_activity};
use crate::components::auth::use_auth;
use crate::components::error_view::ErrorList;
use crate::components::format::{encode_query_value, format_unix_utc};
use crate::components::gate::AccountSettingsGate;
use crate::error::AppError;

/// The page's own address.
const ACTIVITY_PATH: &str = "/settings/activity";

/// The Activity page behind the Account settings gate.
///
/// The page resource is created here, once per render, outside the gate's suspense (content
/// built inside it may be built more than once).
#[component]
pub fn ActivityPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after"));
    let page = Resource::new(
        move || after.get(),
        move |after| async move {
            auth.require(Profile::can_manage_users).await?;
            list_activity(after).await
        },
    );
    view! {
        <Title text="Activity" />
        <AccountSettingsGate title="Activity" path=ACTIVITY_PATH>
            <ActivityLog after page />
        </AccountSettingsGate>
    }
}

/// The log, one page at a time.
#[component]
fn ActivityLog(
    after: Memo<Option<String>>,
    page: Resource<Result<EntriesPage, AppError>>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="activity-heading" data-test="activity">
            <h1 id="activity-heading">"Activity"</h1>
            <p class="muted">
                "Account settings: every partner invitation, answer and deletion that concerns "
                "your organization, and every change to its documents, newest first."
            </p>
            <Transition fallback=|| view! { <p>"Loading activity…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        let newest = after.get_untracked().map(|_| ACTIVITY_PATH.to_owned());
                        let older = page
                            .next
                            .map(|token| format!("{ACTIVITY_PATH}?after={}", encode_query_value(&token)));
                        Ok::<_, AppError>(view! {
                            <ActivityTable entries=page.entries />
                            <nav class="pager" aria-label="Activity pages">
                                {newest.map(|href| view! { <A href=href>"Newest entries"</A> })}
                                {older.map(|href| view! { <A href=href>"Older entries"</A> })}
                            </nav>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The entries, or the empty state.
#[component]
fn ActivityTable(entries: Vec<ActivityEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! {
            <p class="empty-state" data-test="activity-empty">
                "Nothing yet. Partner invitations, answers and deletions, and changes to your "
                "documents, will be listed here."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="activity-table" data-test="activity-table">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <tr data-test="activity-row">
                                <td class="nowrap">{format_unix_utc(entry.at)}</td>
                                <td>{sentences::who(entry.who.as_ref())}</td>
                                <td>{sentences::what(&entry.what, entry.who.as_ref())}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
