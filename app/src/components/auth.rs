//! Who is signed in, provided once app-wide: the sign-in, sign-up and sign-out actions and the
//! current-user resource that re-runs whenever one of them completes (STYLE 11).

use entente_core::Profile;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{SignIn, SignOut, SignUp, VerifyEmail, current_user};
use crate::api::session::CurrentUser;
use crate::error::AppError;

/// The app-wide auth state; copy it out of context with [`use_auth`].
#[derive(Clone, Copy)]
pub struct Auth {
    /// Signs in; its forms sit on the sign-in page.
    pub sign_in: ServerAction<SignIn>,
    /// Creates an organization and signs in; its form sits on the sign-up page.
    pub sign_up: ServerAction<SignUp>,
    /// Signs out; its form sits in the header.
    pub sign_out: ServerAction<SignOut>,
    /// Confirms an organization's address; its form sits on the page the emailed link opens.
    pub verify_email: ServerAction<VerifyEmail>,
    /// The signed-in user, refetched after each of the actions above.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Auth {
    /// The signed-in user once loaded; `None` when signed out or if the check failed.
    pub async fn signed_in(self) -> Option<CurrentUser> {
        self.user.await.ok().flatten()
    }

    /// The signed-in user if `may` allows their profile, else the refusal
    /// ([`AppError::Unauthenticated`] for a visitor, [`AppError::Forbidden`] otherwise): what a
    /// page's resource checks before it asks the server for data only some profiles may see.
    pub async fn require(self, may: fn(Profile) -> bool) -> Result<CurrentUser, AppError> {
        match self.signed_in().await {
            Some(user) if may(user.profile) => Ok(user),
            Some(_) => Err(AppError::Forbidden),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// Creates the auth state and provides it to everything below the caller (the layout, so the
/// header and every page). Must run inside the `Router`, so the actions also pick up errors
/// passed back in the URL after a form post without JavaScript.
pub fn provide_auth() -> Auth {
    provide_error_from_url();
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let verify_email = ServerAction::<VerifyEmail>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                verify_email.version().get(),
            )
        },
        |_| current_user(),
    );
    let auth = Auth {
        sign_in,
        sign_up,
        sign_out,
        verify_email,
        user,
    };
    provide_context(auth);
    auth
}

/// After a form post without JavaScript fails, the server redirects back with the error in
/// the query (`__path`, `__err`). `<Routes>` provides it only to actions created inside a
/// route; these app-wide actions are created above it, so they read it here the same way.
fn provide_error_from_url() {
    let query = use_query_map();
    let query = query.read_untracked();
    if let (Some(error), Some(path)) = (query.get("__err"), query.get("__path")) {
        provide_context(ServerActionError::new(&path, &error));
    }
}

/// The app-wide auth state provided by [`provide_auth`].
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Sends a signed-in visitor home (used by the sign-in and sign-up pages). On the server it
/// answers with a redirect, so those routes render in `SsrMode::Async`.
#[component]
pub fn RedirectIfSignedIn() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                auth.signed_in().await.map(|_| view! { <Redirect path="/" /> })
            })}
        </Suspense>
    }
}
