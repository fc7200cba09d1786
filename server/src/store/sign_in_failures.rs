//! SQL for failed sign-ins: recorded per normalized address so the throttle holds across instances.
//!
//! The rule deciding when an address is locked is `entente_core::sign_in`; this module only
//! keeps the facts it needs.

use entente_core::sign_in::AddressFailure;
use entente_core::{Email, Timestamp};
use tracing::instrument;

use super::{Store, StoreError};

/// Where a sign-in attempt comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attempt<'a> {
    /// `entente_core::sign_in::client_key` of the client, when known.
    pub client: Option<&'a str>,
    /// The token hash of the known device of this address trying, if it is one.
    pub device: Option<&'a str>,
}

/// Takes one sign-in attempt for `email` from `attempt`'s client and device at `now`, or lets
/// `allow` refuse it, atomically.
///
/// In one write transaction (on PostgreSQL also holding locks on this address and this client,
/// always in that order) it forgets the address's failures from before `window_start`, hands
/// `allow` the address's remaining failures (each saying whether it came from this device) and
/// the client's failure times since `window_start` (on any address), and, if `allow` agrees,
/// records this attempt as a failure in advance. A sign-in that then succeeds clears the
/// address's failures ([`clear_sign_in_failures`]); one that fails leaves the row as its
/// failure. So guesses sent in parallel cannot all pass the check before any of them is
/// counted: every attempt is counted before its password is checked.
#[instrument(skip_all)]
pub async fn take_sign_in_attempt<E>(
    store: &Store,
    email: &Email,
    attempt: Attempt<'_>,
    now: Timestamp,
    window_start: Timestamp,
    allow: impl FnOnce(&[AddressFailure], &[Timestamp]) -> Result<(), E>,
) -> Result<Result<(), E>, StoreError> {
    let Attempt { client, device } = attempt;
    let mut tx = store.begin_write().await?;
    // Attempts on the same address, and from the same client, queue behind each other.
    tx.serialize_on(&format!("sign-in:{}", email.as_str()))
        .await?;
    if let Some(client) = client {
        tx.serialize_on(&format!("sign-in-client:{client}")).await?;
    }
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1 AND failed_at <= $2")
            .bind(email.as_str())
            .bind(window_start.0)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let failures: Vec<(i64, Option<String>)> = on_tx!(tx, |conn| {
        sqlx::query_as("SELECT failed_at, device FROM sign_in_failures WHERE email = $1")
            .bind(email.as_str())
            .fetch_all(conn)
            .await
    })?;
    let failures: Vec<AddressFailure> = failures
        .into_iter()
        .map(|(at, from)| AddressFailure {
            at: Timestamp(at),
            from_this_device: from.is_some() && from.as_deref() == device,
        })
        .collect();
    let client_failures: Vec<i64> = match client {
        Some(client) => on_tx!(tx, |conn| {
            sqlx::query_scalar(
                "SELECT failed_at FROM sign_in_failures WHERE client = $1 AND failed_at > $2",
            )
            .bind(client)
            .bind(window_start.0)
            .fetch_all(conn)
            .await
        })?,
        None => Vec::new(),
    };
    let client_failures: Vec<Timestamp> = client_failures.into_iter().map(Timestamp).collect();
    if let Err(refusal) = allow(&failures, &client_failures) {
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO sign_in_failures (email, failed_at, client, device) VALUES ($1, $2, $3, $4)",
        )
            .bind(email.as_str())
            .bind(now.0)
            .bind(client)
            .bind(device)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Forgets every address's failed sign-ins from before `before`: they no longer count, and
/// addresses tried once and never again would otherwise stay forever.
#[instrument(skip_all)]
pub async fn forget_sign_in_failures_before(store: &Store, before: i64) -> Result<u64, StoreError> {
    let deleted = on_pool!(store, |pool| {
        sqlx::query("DELETE FROM sign_in_failures WHERE failed_at <= $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted)
}

/// Forgets every failed sign-in of this address, from any client (after a successful sign-in,
/// or a password set through an emailed link: the lock must not outlast proof of ownership).
#[instrument(skip_all)]
pub async fn clear_sign_in_failures(store: &Store, email: &Email) -> Result<(), StoreError> {
    on_pool!(store, |pool| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1")
            .bind(email.as_str())
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
