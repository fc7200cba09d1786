//! SQL for known devices (migration 0014): browsers that signed in to an address before, by
//! the SHA-256 of their cookie's secret. Only `entente_core::sign_in` decides what being known
//! changes (its own failures count against the address, nobody else's).

use entente_core::{Email, Timestamp, UserId};
use tracing::instrument;

use super::{Db, StoreError};

/// Whether `token_hash` is a known device of the user with this address.
#[instrument(skip_all)]
pub async fn is_known_for(
    db: impl Into<Db<'_>>,
    token_hash: &str,
    email: &Email,
) -> Result<bool, StoreError> {
    let found: i64 = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM known_devices JOIN users ON users.id = known_devices.user_id \
             WHERE known_devices.token_hash = $1 AND users.email = $2",
        )
        .bind(token_hash)
        .bind(email.as_str())
        .fetch_one(conn)
        .await
    })?;
    Ok(found > 0)
}

/// Remembers `token_hash` as a known device of `user_id` at `now` (again: it was used now).
#[instrument(skip_all, fields(%user_id))]
pub async fn remember(
    db: impl Into<Db<'_>>,
    token_hash: &str,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_db!(db, |conn| {
        sqlx::query(
            "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) \
             VALUES ($1, $2, $3, $3) \
             ON CONFLICT (token_hash) DO UPDATE SET last_used_at = excluded.last_used_at",
        )
        .bind(token_hash)
        .bind(user_id.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}
