//! The Users page of Account settings, set-password links and "Forgot your password?":
//! thin server functions over [`UsersService`](port::UsersService).
//!
//! Endpoints: `POST /api/list_users`, `/api/add_user`, `/api/rename_user`, `/api/change_user_profile`,
//! `/api/deactivate_user`, `/api/reactivate_user` (administrators only: everyone else gets
//! [`AppError::Forbidden`]), and `/api/set_password`, `/api/request_password_reset` (anyone).

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::{Email, PersonName, Profile, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One user of the caller's account, as the Users page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountUser {
    /// The user's id.
    pub user_id: UserId,
    /// The user's name.
    pub name: PersonName,
    /// The user's email address.
    pub email: Email,
    /// The user's profile.
    pub profile: Profile,
    /// False once deactivated.
    pub active: bool,
    /// False until the user has set a password with their invitation link.
    pub has_password: bool,
}

/// The sentence "Forgot your password?" always answers, whether or not the address is a user's.
pub const RESET_LINK_SENT: &str =
    "If an account uses this address, we have sent it a link to set a new password.";

#[cfg(feature = "ssr")]
mod server_side {
    use entente_core::{Profile, UserId};

    use super::port::UsersError;
    use crate::api::session::{CurrentUser, signed_in_user_who};
    use crate::error::AppError;

    /// The signed-in user, if their profile may manage users; the refusal otherwise.
    pub fn signed_in_administrator() -> Result<CurrentUser, AppError> {
        signed_in_user_who(Profile::can_manage_users)
    }

    /// A user id from a form; a malformed one is not found, like an unknown one.
    pub fn parse_user_id(text: &str) -> Result<UserId, AppError> {
        text.parse().map_err(|_| AppError::NotFound)
    }

    /// Maps the service's refusal to what the interface shows.
    pub fn users_error(error: UsersError) -> AppError {
        match error {
            UsersError::Forbidden => AppError::Forbidden,
            UsersError::NotFound => AppError::NotFound,
            UsersError::EmailTaken => AppError::field_conflict("email", UsersError::EmailTaken),
            UsersError::LastAdministrator(refusal) => AppError::Conflict(refusal.to_string()),
            UsersError::Internal(cause) => AppError::internal(cause),
        }
    }
}

/// The users of the caller's account, oldest first.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<AccountUser>, AppError> {
    use self::server_side::{signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    services()?
        .users
        .list_users(actor)
        .await
        .map_err(users_error)
}

/// Adds a user to the caller's account and emails them a link to set their password.
///
/// Field errors name `name`, `email` or `profile`.
#[server(endpoint = "add_user")]
pub async fn add_user(
    name: String,
    email: String,
    profile: String,
) -> Result<AccountUser, AppError> {
    use self::port::NewUserForm;
    use self::server_side::{signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    let mut errors = crate::error::FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&name));
    let email = errors.check("email", Email::parse(&email));
    let profile = errors.check("profile", profile.parse::<Profile>());
    let (Some(name), Some(email), Some(profile)) = (name, email, profile) else {
        return Err(AppError::InvalidFields(errors));
    };
    let form = NewUserForm {
        name,
        email,
        profile,
    };
    services()?
        .users
        .add_user(actor, form)
        .await
        .map_err(users_error)
}

/// Gives a user of the caller's account another profile.
#[server(endpoint = "change_user_profile")]
pub async fn change_user_profile(
    user_id: String,
    profile: String,
) -> Result<AccountUser, AppError> {
    use self::server_side::{parse_user_id, signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    let user_id = parse_user_id(&user_id)?;
    let profile = profile
        .parse::<Profile>()
        .map_err(|error| AppError::field("profile", error))?;
    services()?
        .users
        .change_profile(actor, user_id, profile)
        .await
        .map_err(users_error)
}

/// Renames a user of the caller's account (and, at every current partner, the member they are).
///
/// A refused name is [`AppError::Invalid`] with core's sentence: the page shows row actions'
/// refusals above the list.
#[server(endpoint = "rename_user")]
pub async fn rename_user(user_id: String, name: String) -> Result<AccountUser, AppError> {
    use self::server_side::{parse_user_id, signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    let user_id = parse_user_id(&user_id)?;
    let name = PersonName::parse(&name).map_err(|error| AppError::Invalid(error.to_string()))?;
    services()?
        .users
        .rename(actor, user_id, name)
        .await
        .map_err(users_error)
}

/// Deactivates a user of the caller's account; their sessions end at their next request.
#[server(endpoint = "deactivate_user")]
pub async fn deactivate_user(user_id: String) -> Result<AccountUser, AppError> {
    use self::server_side::{parse_user_id, signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    let user_id = parse_user_id(&user_id)?;
    services()?
        .users
        .set_active(actor, user_id, false)
        .await
        .map_err(users_error)
}

/// Reactivates a deactivated user of the caller's account.
#[server(endpoint = "reactivate_user")]
pub async fn reactivate_user(user_id: String) -> Result<AccountUser, AppError> {
    use self::server_side::{parse_user_id, signed_in_administrator, users_error};
    use crate::api::services::services;

    let actor = signed_in_administrator()?;
    let user_id = parse_user_id(&user_id)?;
    services()?
        .users
        .set_active(actor, user_id, true)
        .await
        .map_err(users_error)
}

/// Sets a password with the token of an invitation or reset link, then goes to the sign-in
/// page (`/sign-in?password_set=1`), where the person signs in with it.
///
/// Field errors name `password` or `confirm_password`; a token that does not work is one
/// [`AppError::Invalid`] sentence, and nothing changes.
#[server(endpoint = "set_password")]
pub async fn set_password(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use entente_core::NewPassword;

    use self::port::SetPasswordError;
    use crate::api::services::services;

    let password =
        NewPassword::parse(&password).map_err(|error| AppError::field("password", error))?;
    if password.expose() != confirm_password {
        return Err(AppError::field(
            "confirm_password",
            "The two passwords are not the same.",
        ));
    }
    services()?
        .users
        .set_password(token, password)
        .await
        .map_err(|error| match error {
            SetPasswordError::InvalidToken => AppError::Invalid(error.to_string()),
            SetPasswordError::Guessable(problem) => AppError::field("password", problem),
            SetPasswordError::Internal(cause) => AppError::internal(cause),
        })?;
    leptos_axum::redirect("/sign-in?password_set=1");
    Ok(())
}

/// Emails a link to set a new password if an active user has this address, then shows
/// [`RESET_LINK_SENT`] (`/forgot-password?sent=1`) whether or not one has.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::api::services::services;

    let email = Email::parse(&email).map_err(|error| AppError::field("email", error))?;
    services()?
        .users
        .request_password_reset(email)
        .await
        .map_err(AppError::internal)?;
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}
