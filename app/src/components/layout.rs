//! The frame around every page: header with navigation, the page itself, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::mailbox::mailbox_enabled;

/// One link in the main navigation.
struct NavItem {
    path: &'static str,
    label: &'static str,
}

/// The main navigation. Only pages that exist are listed: Contacts, Documents, Shared with us
/// and Account settings join here in the change that builds them.
const NAV_ITEMS: &[NavItem] = &[NavItem {
    path: "/",
    label: "Home",
}];

/// Wraps a page in the header, navigation and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
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
            <nav aria-label="Main">
                <ul class="nav-list">
                    {NAV_ITEMS
                        .iter()
                        .map(|item| {
                            view! {
                                <li>
                                    <A href=item.path exact=true>
                                        {item.label}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <main id="content" class="page">
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
