//! The frame around every page: header with navigation and who is signed in, the page itself, footer.

use entente_core::Profile;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::mailbox::mailbox_enabled;
use crate::api::partners::{awaiting_count_text, partner_requests_awaiting};
use crate::components::auth::{provide_auth, use_auth};
use crate::components::verification::VerificationNotice;
use crate::live::{LiveNotices, provide_live, use_live};

/// One link in the main navigation.
struct NavItem {
    path: &'static str,
    label: &'static str,
    /// Whom it is shown to, from the signed-in user's profile (`None`: a visitor); the page
    /// itself refuses everyone else on the server.
    shown_to: fn(Option<Profile>) -> bool,
}

/// The main navigation. Account settings is added by [`AccountSettingsNav`] for
/// administrators only.
const NAV_ITEMS: &[NavItem] = &[
    NavItem {
        path: "/",
        label: "Home",
        shown_to: |_| true,
    },
    NavItem {
        path: "/documents",
        label: "Documents",
        shown_to: |profile| profile.is_some_and(Profile::works_with_documents),
    },
    NavItem {
        path: "/shared-with-us",
        label: "Shared with us",
        shown_to: |profile| profile.is_some(),
    },
    NavItem {
        path: "/shared-by-us",
        label: "Shared by us",
        shown_to: |profile| profile.is_some_and(Profile::works_with_documents),
    },
    NavItem {
        path: "/reviews",
        label: "My reviews",
        shown_to: |profile| profile.is_some(),
    },
    NavItem {
        path: "/proofs",
        label: "Proofs",
        shown_to: |profile| profile.is_some_and(Profile::works_with_documents),
    },
    NavItem {
        path: "/contacts",
        label: "Contacts",
        shown_to: |profile| profile.is_some(),
    },
];

/// Wraps a page in the header, navigation and footer, and provides the app-wide auth state
/// (who is signed in, and the sign-in, sign-up and sign-out actions) to the header and pages.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    provide_auth();
    provide_live();
    let mailbox_on = Resource::new(|| (), |_| mailbox_enabled());
    view! {
        <a class="skip-link" href="#content">
            "Skip to content"
        </a>
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">
                    "⟷"
                </span>
                "Entente"
            </A>
            <MainNavigation />
            <AccountArea />
        </header>
        <main id="content" class="page">
            <VerificationNotice />
            <LiveNotices />
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Entente — partner accounts for organizations that review work together."</p>
            <Suspense>
                {move || Suspend::new(async move {
                    mailbox_on
                        .await
                        .unwrap_or(false)
                        .then(|| {
                            view! {
                                <p class="dev-links">
                                    <A href="/mailbox">"Mailbox (dev)"</A>
                                </p>
                            }
                        })
                })}
            </Suspense>
        </footer>
    }
}

/// "Account settings" with its pages (Users, Partners, Activity), shown only to a signed-in user whose
/// profile may open Account settings. The pages refuse everyone else on the server too.
///
/// Partners carries a badge with the number of requests awaiting the organization's
/// approval, read again on every navigation (each change on the Partners tab ends in one) and
/// whenever the live stream says a partner request changed.
#[component]
fn AccountSettingsNav() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let live = use_live();
    let awaiting = Resource::new(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                live.partners(),
            )
        },
        |_| partner_requests_awaiting(),
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let user = auth.signed_in().await;
                let count = awaiting.await.unwrap_or(0);
                user.filter(|user| user.profile.can_manage_users())
                    .map(|_| {
                        view! {
                            <li class="nav-group" data-test="account-settings-nav">
                                <span class="nav-group-label">"Account settings"</span>
                            </li>
                            <li>
                                <A href="/settings/users">"Users"</A>
                            </li>
                            <li>
                                <A href="/settings/partners">
                                    "Partners" <PartnersBadge count />
                                </A>
                            </li>
                            <li>
                                <A href="/settings/activity">"Activity"</A>
                            </li>
                        }
                    })
            })}
        </Transition>
    }
}

/// The number of partner requests awaiting approval, when there are any.
#[component]
fn PartnersBadge(count: u32) -> impl IntoView {
    (count > 0).then(|| {
        let shown = awaiting_count_text(count);
        let described = if count == 1 {
            "1 request awaiting your approval".to_owned()
        } else {
            format!("{shown} requests awaiting your approval")
        };
        view! {
            <span class="badge count" data-test="partners-badge" title=described.clone()>
                {shown}
                <span class="visually-hidden">{format!(" ({described})")}</span>
            </span>
        }
    })
}

/// The main navigation; links to signed-in pages appear once someone is signed in.
#[component]
fn MainNavigation() -> impl IntoView {
    let auth = use_auth();
    view! {
        <nav aria-label="Main">
            <ul class="nav-list">
                <Transition>
                    {move || Suspend::new(async move {
                        let profile = auth.signed_in().await.map(|user| user.profile);
                        NAV_ITEMS
                            .iter()
                            .filter(|item| (item.shown_to)(profile))
                            .map(|item| {
                                view! {
                                    <li>
                                        <A href=item.path exact=true>
                                            {item.label}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()
                    })}
                </Transition>
                <AccountSettingsNav />
            </ul>
        </nav>
    }
}

/// The right of the header: the user's name and organization with "Sign out" (a POST form,
/// so it works without WebAssembly), or the "Sign in" and "Sign up" links.
#[component]
fn AccountArea() -> impl IntoView {
    let auth = use_auth();
    view! {
        <div class="account-area" data-test="account-area">
            <Transition>
                {move || Suspend::new(async move {
                    match auth.signed_in().await {
                        Some(user) => {
                            view! {
                                <span class="signed-in-as" data-test="signed-in-as">
                                    <strong>{user.name.to_string()}</strong>
                                    <span class="muted">{user.account_name.to_string()}</span>
                                </span>
                                <ActionForm action=auth.sign_out attr:class="sign-out-form">
                                    <button type="submit" class="button secondary">
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <A href="/sign-in">"Sign in"</A>
                                <A href="/sign-up" attr:class="button">
                                    "Sign up"
                                </A>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}
