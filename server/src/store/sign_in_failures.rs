//! SQL for failed sign-ins: recorded per normalized address so the throttle holds across instances.
//!
//! The rule deciding when an address is locked is `entente_core::sign_in`; this module only
//! keeps the facts it needs.

use tracing::instrument;

use super::{Store, StoreError};

/// Records one failed sign-in for `email` at `failed_at`, and forgets this address's
/// failures older than `forget_before` (they no longer count).
#[instrument(skip_all)]
pub async fn record_sign_in_failure(
    store: &Store,
    email: &str,
    failed_at: i64,
    forget_before: i64,
) -> Result<(), StoreError> {
    on_pool!(store, |pool| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1 AND failed_at <= $2")
            .bind(email)
            .bind(forget_before)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    on_pool!(store, |pool| {
        sqlx::query("INSERT INTO sign_in_failures (email, failed_at) VALUES ($1, $2)")
            .bind(email)
            .bind(failed_at)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Lists the times of this address's failed sign-ins after `since`, newest first.
#[instrument(skip_all)]
pub async fn recent_sign_in_failures(
    store: &Store,
    email: &str,
    since: i64,
) -> Result<Vec<i64>, StoreError> {
    let times = on_pool!(store, |pool| {
        sqlx::query_scalar(
            "SELECT failed_at FROM sign_in_failures WHERE email = $1 AND failed_at > $2 \
             ORDER BY failed_at DESC",
        )
        .bind(email)
        .bind(since)
        .fetch_all(pool)
        .await
    })?;
    Ok(times)
}

/// Forgets every failed sign-in of this address (after a successful sign-in).
#[instrument(skip_all)]
pub async fn clear_sign_in_failures(store: &Store, email: &str) -> Result<(), StoreError> {
    on_pool!(store, |pool| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1")
            .bind(email)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
