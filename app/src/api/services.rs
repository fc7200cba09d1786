//! The services the server injects through Leptos context (STYLE 5: inject, don't reach).
//!
//! `entente-app` cannot depend on `entente-server`, so it names what it needs as a trait;
//! the server implements it once at start-up around its single database pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use entente_core::partnership::{ActionError, SendError};
use entente_core::users::LastAdministratorError;
use entente_core::{
    AccountId, AccountName, ContactId, Email, NewPassword, PartnerRequestId, PersonName, Profile,
    TooManyFailedSignIns, UserId,
};
use leptos::prelude::use_context;
use tower_sessions::Session;

use crate::api::activity::ActivityPage;
use crate::api::contacts::{ContactsPage, ContactsQuery};
use crate::api::mailbox::{MailboxEmail, MailboxEntry};
use crate::api::partners::{PartnersList, StatusFilter};
use crate::api::session::CurrentUser;
use crate::api::status::StatusReport;
use crate::api::users::AccountUser;
use crate::error::AppError;

/// A boxed future, so the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure inside the backend, already logged or to be logged by the caller.
pub type BackendResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What the server functions may ask of the server.
pub trait Backend: Send + Sync + 'static {
    /// Checks the database and reports which engine answers and how many accounts it holds.
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>>;
}

/// What sign-up needs, every part already checked by `entente-core`.
#[derive(Debug)]
pub struct SignUpForm {
    /// The new organization's name.
    pub account_name: AccountName,
    /// The first Administrator's name.
    pub name: PersonName,
    /// The first Administrator's email address.
    pub email: Email,
    /// The first Administrator's password (never printed).
    pub password: NewPassword,
}

/// Why sign-up did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// Another user already has this email address.
    #[error("This email address is already used. Sign in instead, or use another address.")]
    EmailTaken,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Why sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// No active user has this email address and password (the two cases are not told apart).
    #[error("The email or password is not correct.")]
    WrongEmailOrPassword,
    /// Too many recent failures for this address.
    #[error(transparent)]
    Throttled(#[from] TooManyFailedSignIns),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Accounts, sign-in and sessions, as the server implements them.
///
/// The session handle is the request's own (tower-sessions); the service decides what goes
/// in it. Which user a request belongs to is resolved by the server before any server
/// function runs (see [`crate::api::session::signed_in_user`]).
pub trait AuthService: Send + Sync + 'static {
    /// Creates the account and its first Administrator in one transaction, then signs them in.
    fn sign_up(
        &self,
        session: Session,
        form: SignUpForm,
    ) -> BoxFuture<'_, Result<CurrentUser, SignUpError>>;

    /// Checks the password (throttled per address) and, if right, signs in under a new session id.
    fn sign_in(
        &self,
        session: Session,
        email: Email,
        password: String,
    ) -> BoxFuture<'_, Result<CurrentUser, SignInError>>;

    /// Ends the session on the server and forgets its cookie.
    fn sign_out(&self, session: Session) -> BoxFuture<'_, BackendResult<()>>;
}

/// What the developers' Mailbox page may ask of the server: the outbox, read-only.
pub trait MailboxService: Send + Sync + 'static {
    /// The most recently written emails, newest first.
    fn recent_emails(&self) -> BoxFuture<'_, BackendResult<Vec<MailboxEntry>>>;
    /// One email with its bodies, or `None` if no email has this id (malformed ids included).
    fn email(&self, id: String) -> BoxFuture<'_, BackendResult<Option<MailboxEmail>>>;
}

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

/// Why a Contacts operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// The address is already listed (a user of this account, a member or a contact).
    #[error("This person is already in your contacts.")]
    AlreadyListed,
    /// No hand-added contact of this account has that id (members and other accounts'
    /// contacts included, so nothing is revealed about them).
    #[error("We could not find that contact. It may have been removed.")]
    NotFound,
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
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

/// The Contacts page of one account, as the server implements it (SPEC 2).
pub trait ContactsService: Send + Sync + 'static {
    /// One page of the account's users, members and hand-added contacts, by name (keyset).
    fn list(
        &self,
        account_id: AccountId,
        query: ContactsQuery,
    ) -> BoxFuture<'_, Result<ContactsPage, ContactsError>>;

    /// Adds a hand-added contact; refused with [`ContactsError::AlreadyListed`] if listed already.
    fn add(
        &self,
        account_id: AccountId,
        name: PersonName,
        email: Email,
    ) -> BoxFuture<'_, Result<ContactId, ContactsError>>;

    /// Removes a hand-added contact of the account; anything else is [`ContactsError::NotFound`].
    fn remove(
        &self,
        account_id: AccountId,
        contact_id: ContactId,
    ) -> BoxFuture<'_, Result<(), ContactsError>>;
}

/// Why a change on the Partners tab did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PartnerChangeError<R> {
    /// The rules of `entente-core` refuse it; the sentence is for the person who tried.
    #[error(transparent)]
    Refused(R),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Partners tab (SPEC 4), as the server implements it.
///
/// Every call takes the signed-in `actor`; the service reads the actor again inside its
/// transaction and lets `entente-core` decide, so a profile changed a moment ago counts.
pub trait PartnersService: Send + Sync + 'static {
    /// The rows of the actor's Partners tab kept by `filter` whose other organization or
    /// address contains `search`.
    fn list(
        &self,
        actor: CurrentUser,
        filter: StatusFilter,
        search: String,
    ) -> BoxFuture<'_, BackendResult<PartnersList>>;

    /// How many requests await the approval of the actor's organization.
    fn awaiting_approval(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<u32>>;

    /// Sends a partner request to the user with address `email`.
    fn send(
        &self,
        actor: CurrentUser,
        email: Email,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<SendError>>>;

    /// Accepts a request the actor's organization received.
    fn accept(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>>;

    /// Rejects a pending request the actor's organization received.
    fn reject(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>>;

    /// Deletes a request or ends a partnership, for the actor's side.
    fn delete(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>>;
}

/// Why the Activity page could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the newest entries.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Activity page: the audit trail of the actor's account (SPEC 4.6).
pub trait ActivityService: Send + Sync + 'static {
    /// Up to `limit` entries of the actor's account, newest first, older than the entry the
    /// `after` token names.
    fn list(
        &self,
        actor: CurrentUser,
        after: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<ActivityPage, ActivityError>>;
}

/// Everything the server provides to server functions, built once at start-up.
#[derive(Clone)]
pub struct Services {
    /// The storage-backed services.
    pub backend: Arc<dyn Backend>,
    /// Accounts, sign-in and sessions.
    pub auth: Arc<dyn AuthService>,
    /// The Users page, set-password links and password resets.
    pub users: Arc<dyn UsersService>,
    /// The Contacts page: listing, adding and removing contacts.
    pub contacts: Arc<dyn ContactsService>,
    /// The Partners tab: listing, sending, accepting, rejecting and deleting requests.
    pub partners: Arc<dyn PartnersService>,
    /// The Activity page: the account's audit trail.
    pub activity: Arc<dyn ActivityService>,
    /// The outbox reader behind the Mailbox page; `None` unless `ENTENTE_DEV_MAILBOX` is on.
    pub mailbox: Option<Arc<dyn MailboxService>>,
}

/// Returns the injected services, or an internal error if the server forgot to provide them.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| AppError::internal("services missing from context"))
}
