//! Who is signed in: the [`CurrentUser`] that crosses to the browser, and (on the server) how a
//! server function reads it and the session from the request.

use entente_core::{AccountId, AccountName, Email, PersonName, Profile, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in user and their organization, as the interface needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// The user's id.
    pub user_id: UserId,
    /// The id of the user's account (organization).
    pub account_id: AccountId,
    /// The organization's name.
    pub account_name: AccountName,
    /// The user's name.
    pub name: PersonName,
    /// The user's (normalized) email address.
    pub email: Email,
    /// What the user may do.
    pub profile: Profile,
    /// Whether the organization has confirmed its email address; until it has, it can neither
    /// send nor receive partner invitations.
    pub organization_verified: bool,
}

/// Where a request comes from, as the server's client layer found it (the connection's
/// address, or the trusted proxy's `X-Forwarded-For`).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress {
    /// The client's IP address, which per-client limits count under.
    pub ip: std::net::IpAddr,
    /// Whether the client is on this machine: a loopback address that no untrusted proxy
    /// forwarded.
    pub local: bool,
}

#[cfg(feature = "ssr")]
pub use server_side::{client_address, request_session, signed_in_user, signed_in_user_who};

#[cfg(feature = "ssr")]
mod server_side {
    use leptos::prelude::use_context;
    use tower_sessions::Session;

    use entente_core::Profile;

    use super::CurrentUser;
    use crate::error::AppError;

    /// The user the server's per-request check found signed in, if any.
    ///
    /// The server resolves the session to an active user before any page or server function
    /// runs, and puts the result in the request's extensions.
    pub fn signed_in_user() -> Option<CurrentUser> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
    }

    /// The signed-in user if `may` allows their profile (for example
    /// [`Profile::can_manage_users`]): [`AppError::Unauthenticated`] for a visitor,
    /// [`AppError::Forbidden`] for another profile.
    pub fn signed_in_user_who(may: fn(Profile) -> bool) -> Result<CurrentUser, AppError> {
        let user = signed_in_user().ok_or(AppError::Unauthenticated)?;
        if may(user.profile) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Where the current request comes from; `None` outside a request the server received.
    pub fn client_address() -> Option<super::ClientAddress> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<super::ClientAddress>().copied())
    }

    /// The session of the current request, to sign in or out.
    pub fn request_session() -> Result<Session, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Session>().cloned())
            .ok_or_else(|| AppError::internal("the session layer is missing"))
    }
}
