//! SQL for single-use set-password tokens: store a token's hash, and use it at most once.
//!
//! Only the SHA-256 hash of a token reaches the database (see `crate::users::tokens`); the
//! token itself exists only in the emailed link and is never logged.

use tracing::instrument;

use super::decode;
use super::{Db, StoreError, Tx};
use entente_core::UserId;

/// Why a token was issued, as stored in `password_tokens.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// A new user's invitation: set a first password.
    Invitation,
    /// "Forgot your password?": choose a new password.
    Reset,
}

impl TokenPurpose {
    /// The stable text stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::Reset => "reset",
        }
    }
}

/// Stores the hash of a new token for `user_id`, valid from `now` until `expires_at`
/// (unix seconds), in the caller's transaction.
#[instrument(skip_all, fields(%user_id, purpose = purpose.as_str()))]
pub async fn insert_token(
    tx: &mut Tx,
    token_hash: &str,
    user_id: UserId,
    purpose: TokenPurpose,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO password_tokens (token_hash, user_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id.to_string())
        .bind(purpose.as_str())
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// How many tokens of `purpose` were issued to `user_id` after `since` (unix seconds).
#[instrument(skip_all, fields(%user_id, purpose = purpose.as_str()))]
pub async fn count_issued_since(
    tx: &mut Tx,
    user_id: UserId,
    purpose: TokenPurpose,
    since: i64,
) -> Result<usize, StoreError> {
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_tokens \
             WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
        )
        .bind(user_id.to_string())
        .bind(purpose.as_str())
        .bind(since)
        .fetch_one(conn)
        .await
    })?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Marks the token with this hash used, if it is unused and unexpired at `now`, and returns
/// whose it is; `None` when no such token works (unknown, expired or used).
///
/// One conditional `UPDATE … RETURNING`, so two concurrent uses cannot both succeed.
#[instrument(skip_all)]
pub async fn use_token(
    tx: &mut Tx,
    token_hash: &str,
    now: i64,
) -> Result<Option<UserId>, StoreError> {
    let user_id: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE password_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(conn)
        .await
    })?;
    user_id
        .map(|id| decode::id(&id, "password_tokens.user_id"))
        .transpose()
}

/// What the owner of a token that still works is known by (their email address, their name
/// and their organization's name), so a new password can be checked against it before the
/// token is used; `None` for a token that does not work (unknown, used, expired).
#[instrument(skip_all)]
pub async fn token_owner_words(
    db: impl Into<Db<'_>>,
    token_hash: &str,
    now: i64,
) -> Result<Option<[String; 3]>, StoreError> {
    let row: Option<(String, String, String)> = on_db!(db, |conn| {
        sqlx::query_as(
            "SELECT users.email, users.name, accounts.name FROM password_tokens \
             JOIN users ON users.id = password_tokens.user_id \
             JOIN accounts ON accounts.id = users.account_id \
             WHERE password_tokens.token_hash = $1 AND password_tokens.used_at IS NULL \
             AND password_tokens.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    Ok(row.map(|(email, name, account)| [email, name, account]))
}

/// Marks every other unused token of `user_id` used, once a password has been set with one.
#[instrument(skip_all, fields(%user_id))]
pub async fn retire_tokens_of_user(
    tx: &mut Tx,
    user_id: UserId,
    now: i64,
) -> Result<u64, StoreError> {
    let retired = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id.to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(retired)
}
