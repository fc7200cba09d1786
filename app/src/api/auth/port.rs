//! The port sign-up, sign-in and sign-out ask the server through.

use entente_core::{AccountName, Email, NewPassword, PersonName, TooManyFailedSignIns};
use tower_sessions::Session;

use crate::api::services::{BackendResult, BoxFuture};
use crate::api::session::CurrentUser;

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

/// Where a sign-in comes from, besides its address and password.
#[derive(Debug, Clone, Default)]
pub struct SignInFrom {
    /// The request's IP address, when known (failures are also counted per client).
    pub client: Option<std::net::IpAddr>,
    /// The secret of the browser's known-device cookie, if it sent one.
    pub device: Option<String>,
}

/// The name of the cookie that makes a browser a known device of the addresses it signed in
/// to: `__Host-` prefixed over HTTPS (browsers then insist on Secure, `Path=/`, no `Domain`).
pub const DEVICE_COOKIE: &str = "entente_device";
/// [`DEVICE_COOKIE`] over HTTPS.
pub const SECURE_DEVICE_COOKIE: &str = "__Host-entente_device";

/// A sign-in that happened.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who is now signed in.
    pub user: CurrentUser,
    /// The `Set-Cookie` value that keeps (or makes) this browser a known device of the address.
    pub device_cookie: String,
}

/// Why sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// No active user has this email address and password (the two cases are not told apart).
    #[error("The email or password is not correct.")]
    WrongEmailOrPassword,
    /// Too many recent failures for this address, or from this client.
    #[error(transparent)]
    Throttled(#[from] TooManyFailedSignIns),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Why a link to confirm an address did not confirm it.
#[derive(Debug, thiserror::Error)]
pub enum VerifyEmailError {
    /// The link is unknown, expired or already used.
    #[error(
        "This link to confirm your address does not work: it may have expired or been used \
         already. Sign in and ask for a new one."
    )]
    InvalidToken,
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

    /// Checks the password (throttled per address and per client; from a known device only
    /// its own failures count against the address) and, if right, signs in under a new
    /// session id and remembers the browser as a known device.
    fn sign_in(
        &self,
        session: Session,
        email: Email,
        password: String,
        from: SignInFrom,
    ) -> BoxFuture<'_, Result<SignedIn, SignInError>>;

    /// Ends the session on the server and forgets its cookie.
    fn sign_out(&self, session: Session) -> BoxFuture<'_, BackendResult<()>>;

    /// Uses a link sent at sign-up once: the user's address is confirmed, and with it their
    /// organization's (it may now take part in partnerships, under that address's domain).
    fn verify_email(&self, token: String) -> BoxFuture<'_, Result<(), VerifyEmailError>>;

    /// Sends the signed-in user a new link to confirm their organization's address (at most
    /// three an hour, answered alike either way).
    fn resend_verification(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<()>>;
}
