//! Accounts, sign-in and sessions: the session store and cookie, the per-request current-user
//! check, and the [`AuthService`](entente_app::api::services::AuthService) implementation.
//!
//! * Sessions live in the database (`sessions`, migration 0003) through tower-sessions and
//!   tower-sessions-sqlx-store, whichever engine the [`Store`](crate::store::Store) uses.
//! * The session holds the user id under [`USER_ID_KEY`] and when its expiry was last renewed
//!   under [`RENEWED_AT_KEY`]; every request resolves the id to an active user whose password
//!   has not been set again since sign-in ([`PASSWORD_VERSION_KEY`];
//!   [`middleware::resolve_current_user`]) or ends the session.
//! * Passwords are Argon2id PHC strings, hashed and verified on one thread per core (`hashing`), at
//!   most one per core at a time ([`hashing`]).

pub(crate) mod hashing;
pub mod middleware;
pub mod service;
pub mod session_store;

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

/// The session key holding when (Unix seconds) the session's expiry was last pushed back; see
/// [`session_store::renewal_due`].
pub const RENEWED_AT_KEY: &str = "renewed_at";

/// The session key holding the user's `password_version` at sign-in. The count moves on when a
/// new password is set with a link and when the user is deactivated; the per-request check then
/// ends the session, for good.
pub const PASSWORD_VERSION_KEY: &str = "password_version";
