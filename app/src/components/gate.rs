//! The gate in front of every Account settings page: administrators pass, other signed-in
//! users get the refusal (status 403), visitors a link to sign in and come back (status 401).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::auth::use_auth;
use crate::error::AppError;

/// Shows `children` to a signed-in user whose profile may open Account settings
/// (Administrator, Billing Administrator). The server functions behind the pages check again.
#[component]
pub fn AccountSettingsGate(
    /// The page's heading, shown to a visitor who must sign in first.
    title: &'static str,
    /// The page's address, where signing in comes back to.
    path: &'static str,
    /// The page itself.
    children: ChildrenFn,
) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.signed_in().await {
                    Some(user) if user.profile.can_manage_users() => {
                        children.with_value(|children| children()).into_any()
                    }
                    Some(_) => view! { <Refused /> }.into_any(),
                    None => view! { <SignInFirst title path /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The answer to a signed-in user whose profile may not open Account settings (status 403).
#[component]
fn Refused() -> impl IntoView {
    #[cfg(feature = "ssr")]
    AppError::Forbidden.set_page_status();
    view! {
        <section class="card narrow" data-test="forbidden">
            <h1>"Not allowed"</h1>
            <p role="alert">{AppError::Forbidden.to_string()}</p>
            <p>
                <A href="/">"Go to the home page"</A>
            </p>
        </section>
    }
}

/// The answer to a visitor who is not signed in (status 401, as for a server function).
#[component]
fn SignInFirst(title: &'static str, path: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    AppError::Unauthenticated.set_page_status();
    view! {
        <section class="card narrow">
            <h1>{title}</h1>
            <p>
                {AppError::Unauthenticated.to_string()} " "
                <A href=format!("/sign-in?next={path}")>"Sign in"</A>
            </p>
        </section>
    }
}
