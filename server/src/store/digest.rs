//! SQL for the daily digest (migration 0019): each user's setting, the runs (one per day,
//! claimed by the primary key), the items created in a run's window one keyset page at a time,
//! and the facts a page of them needs, each read once for the whole page: who may hear (the
//! recipients' users who chose the digest) and who is a member in which owner's contacts (the
//! partnerships come from `partner_requests::accepted_involving`). Who hears of what is
//! entente_core's `documents::digest::in_digest`, never decided here.

use std::collections::HashSet;

use entente_core::documents::digest::{DigestRun, DigestSetting};
use entente_core::{AccountId, Email, ItemId, PersonName, Profile, Timestamp, UserId};
use tracing::instrument;

use super::documents::id_list;
use super::{Db, StoreError, Tx, decode};

/// A user's digest setting; `None` for a missing user.
#[instrument(skip_all, fields(%user))]
pub async fn setting(
    db: impl Into<Db<'_>>,
    user: UserId,
) -> Result<Option<DigestSetting>, StoreError> {
    let stored: Option<String> = on_db!(db, |conn| {
        sqlx::query_scalar("SELECT share_digest FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(conn)
            .await
    })?;
    stored
        .map(|text| decode::parsed(&text, "users.share_digest"))
        .transpose()
}

/// Sets a user's digest setting.
#[instrument(skip_all, fields(%user, setting = setting.as_str()))]
pub async fn set_setting(
    db: impl Into<Db<'_>>,
    user: UserId,
    setting: DigestSetting,
) -> Result<(), StoreError> {
    on_db!(db, |conn| {
        sqlx::query("UPDATE users SET share_digest = $2 WHERE id = $1")
            .bind(user.to_string())
            .bind(setting.as_str())
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Where the latest run's window ended, if any run was made.
#[instrument(skip_all)]
pub async fn last_until(db: impl Into<Db<'_>>) -> Result<Option<Timestamp>, StoreError> {
    let until: Option<i64> = on_db!(db, |conn| {
        sqlx::query_scalar("SELECT MAX(until) FROM digest_runs")
            .fetch_one(conn)
            .await
    })?;
    Ok(until.map(Timestamp))
}

/// Records `run` as made, with how many emails it enqueued, in the caller's transaction; `false`
/// when that day's run was already made (by another instance): the caller then rolls back.
#[instrument(skip_all, fields(day = run.day, emails))]
pub async fn claim(
    tx: &mut Tx,
    run: &DigestRun,
    emails: usize,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let emails = i64::try_from(emails).unwrap_or(i64::MAX);
    let inserted = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO digest_runs (day, since, until, emails, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO NOTHING",
        )
        .bind(run.day)
        .bind(run.since.0)
        .bind(run.until.0)
        .bind(emails)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(inserted == 1)
}

/// The keyset position of the items read so far.
pub type ItemCursor = (Timestamp, ItemId);

/// Up to `limit` items (files and folders, not the roots, not in the trash themselves) created
/// in `run`'s window after `after`, oldest first (`items_created_idx`).
#[instrument(skip_all, fields(day = run.day, limit))]
pub async fn new_items(
    db: impl Into<Db<'_>>,
    run: &DigestRun,
    after: Option<ItemCursor>,
    limit: i64,
) -> Result<Vec<ItemCursor>, StoreError> {
    let (after_at, after_id) = after.map_or((run.since.0, String::new()), |(at, id)| {
        (at.0, id.to_string())
    });
    let rows: Vec<(i64, String)> = on_db!(db, |conn| {
        sqlx::query_as(
            "SELECT created_at, id FROM items \
             WHERE created_at > $1 AND created_at <= $2 AND (created_at, id) > ($3, $4) \
             AND parent_id IS NOT NULL AND deleted_at IS NULL \
             ORDER BY created_at, id LIMIT $5",
        )
        .bind(run.since.0)
        .bind(run.until.0)
        .bind(after_at)
        .bind(after_id)
        .bind(limit)
        .fetch_all(conn)
        .await
    })?;
    rows.iter()
        .map(|(at, id)| Ok((Timestamp(*at), decode::id(id, "items.id")?)))
        .collect()
}

/// A user who chose the digest, as the digest needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The user.
    pub id: UserId,
    /// Their account.
    pub account_id: AccountId,
    /// Where the digest goes.
    pub email: Email,
    /// Whom it greets.
    pub name: PersonName,
    /// Their profile.
    pub profile: Profile,
}

/// The active users with the digest on among every user of `accounts` and the `users` named;
/// one query.
#[instrument(skip_all, fields(accounts = accounts.len(), users = users.len()))]
pub async fn recipients(
    db: impl Into<Db<'_>>,
    accounts: &[AccountId],
    users: &[UserId],
) -> Result<Vec<Recipient>, StoreError> {
    if accounts.is_empty() && users.is_empty() {
        return Ok(Vec::new());
    }
    // An empty `IN ()` is not SQL: an id that matches nothing stands in.
    let list = |ids: String| if ids.is_empty() { "''".to_owned() } else { ids };
    let sql = format!(
        "SELECT id, account_id, email, name, profile FROM users \
         WHERE (account_id IN ({}) OR id IN ({})) \
         AND active = TRUE AND share_digest = 'daily' ORDER BY id",
        list(id_list(accounts)),
        list(id_list(users)),
    );
    let rows: Vec<(String, String, String, String, String)> =
        on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    rows.iter()
        .map(|(id, account, email, name, profile)| {
            Ok(Recipient {
                id: decode::id(id, "users.id")?,
                account_id: decode::id(account, "users.account_id")?,
                email: decode::email(email, "users.email")?,
                name: decode::person_name(name, "users.name")?,
                profile: decode::profile(profile, "users.profile")?,
            })
        })
        .collect()
}

/// Which of `users` are members in which of `owners`' contacts, as `(owner, user)` pairs; one
/// query (the same condition as `shares::is_member`).
#[instrument(skip_all, fields(owners = owners.len(), users = users.len()))]
pub async fn memberships(
    db: impl Into<Db<'_>>,
    owners: &[AccountId],
    users: &[UserId],
) -> Result<HashSet<(AccountId, UserId)>, StoreError> {
    if owners.is_empty() || users.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT account_id, partner_user_id FROM contacts WHERE kind = 'member' \
         AND account_id IN ({}) AND partner_user_id IN ({})",
        id_list(owners),
        id_list(users),
    );
    let rows: Vec<(String, String)> =
        on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    rows.iter()
        .map(|(owner, user)| {
            Ok((
                decode::id(owner, "contacts.account_id")?,
                decode::id(user, "contacts.partner_user_id")?,
            ))
        })
        .collect()
}
