//! SQL for the single-use links that confirm a user's email address (migration 0012): only the
//! SHA-256 of a token reaches the database; the token itself exists only in the emailed link.

use entente_core::{Timestamp, UserId};
use tracing::instrument;

use super::{StoreError, Tx, decode};

/// Stores the hash of a new confirmation link for `user_id`, valid until `expires_at`.
#[instrument(skip_all, fields(%user_id))]
pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: UserId,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO email_verifications (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id.to_string())
        .bind(now.0)
        .bind(expires_at.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// How many links were issued to `user_id` after `since`.
#[instrument(skip_all, fields(%user_id))]
pub async fn count_issued_since(
    tx: &mut Tx,
    user_id: UserId,
    since: Timestamp,
) -> Result<usize, StoreError> {
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM email_verifications WHERE user_id = $1 AND created_at > $2",
        )
        .bind(user_id.to_string())
        .bind(since.0)
        .fetch_one(conn)
        .await
    })?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Marks the link with this hash used, if it is unused and unexpired at `now`, and returns
/// whose it is; `None` when no such link works. One conditional `UPDATE … RETURNING`, so two
/// uses at once cannot both succeed.
#[instrument(skip_all)]
pub async fn use_token(
    tx: &mut Tx,
    token_hash: &str,
    now: Timestamp,
) -> Result<Option<UserId>, StoreError> {
    let user_id: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE email_verifications SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now.0)
        .bind(token_hash)
        .fetch_optional(conn)
        .await
    })?;
    user_id
        .map(|id| decode::id(&id, "email_verifications.user_id"))
        .transpose()
}
