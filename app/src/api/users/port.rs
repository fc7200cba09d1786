//! The port the Users page, set-password links and password resets ask the server through.

use entente_core::users::LastAdministratorError;
use entente_core::{Email, NewPassword, PersonName, Profile, UserId};

use crate::api::services::{BackendResult, BoxFuture};
use crate::api::session::CurrentUser;
use crate::api::users::AccountUser;

/// A user to add to the caller's account, every part already checked by `entente-core`.
#[derive(Debug)]
pub struct NewUserForm {
    /// The new user's name.
    pub name: PersonName,
    /// The new user's email address.
    pub email: Email,
    /// The new user's profile.
    pub profile: Profile,
}

/// Why an administrator's change to the account's users did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    /// The caller's profile may not manage users.
    #[error("Your profile does not allow this action.")]
    Forbidden,
    /// No user with this id in the caller's account (another account's user included).
    #[error("We could not find that user.")]
    NotFound,
    /// Another user, in any account, already has this email address.
    #[error("This email address is already used by another user.")]
    EmailTaken,
    /// The change would leave the account without an active Administrator.
    #[error(transparent)]
    LastAdministrator(#[from] LastAdministratorError),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Why a set-password link did not set a password.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The token is unknown, expired or already used, or its user was deactivated.
    #[error(
        "This link to set a password does not work: it may have expired or been used already. \
         Ask an administrator for a new invitation, or use \"Forgot your password?\" on the \
         sign-in page."
    )]
    InvalidToken,
    /// The password is one an attacker would try first (common, or built on the person's
    /// name, address or organization).
    #[error(transparent)]
    Guessable(entente_core::NewPasswordError),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Users page of Account settings, set-password links and password resets.
///
/// Every administrative call takes the signed-in `actor` and checks again that their profile
/// may manage users; a target user is looked up only inside the actor's account.
pub trait UsersService: Send + Sync + 'static {
    /// The users of the actor's account, oldest first.
    fn list_users(&self, actor: CurrentUser)
    -> BoxFuture<'_, Result<Vec<AccountUser>, UsersError>>;

    /// Adds a user without a password to the actor's account and emails them a set-password
    /// link, in one transaction that also syncs them to current partners.
    fn add_user(
        &self,
        actor: CurrentUser,
        form: NewUserForm,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>>;

    /// Gives a user of the actor's account another profile.
    fn change_profile(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        profile: Profile,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>>;

    /// Renames a user of the actor's account, in one transaction that also renames them as a
    /// member at every current partner.
    fn rename(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        name: PersonName,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>>;

    /// Deactivates (`active == false`) or reactivates a user of the actor's account.
    fn set_active(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        active: bool,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>>;

    /// Uses a set-password token once: stores the new password and retires the token.
    fn set_password(
        &self,
        token: String,
        password: NewPassword,
    ) -> BoxFuture<'_, Result<(), SetPasswordError>>;

    /// Emails a password-reset link to the active user with this address, if there is one;
    /// answers the same either way.
    fn request_password_reset(&self, email: Email) -> BoxFuture<'_, BackendResult<()>>;
}
