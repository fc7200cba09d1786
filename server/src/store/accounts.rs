//! SQL for accounts (organizations): create one with its first Administrator, count, fetch.

use entente_core::names::skeleton;
use entente_core::{AccountId, AccountName, Email, PersonName, Profile, Timestamp, UserId};
use tracing::instrument;
use uuid::Uuid;

use super::users::{self, NewUser};
use super::{Db, Store, StoreError, Tx, TxInner, decode};

/// What sign-up (or the demo seed) needs to create an account and its first Administrator,
/// every part already checked by `entente-core`.
#[derive(Clone)]
pub struct NewAccount {
    /// The organization's name.
    pub account_name: AccountName,
    /// The first Administrator's display name.
    pub admin_name: PersonName,
    /// The first Administrator's address.
    pub admin_email: Email,
    /// The Administrator's Argon2 PHC string, or `None` to have them set a password later.
    pub password_hash: Option<String>,
}

impl std::fmt::Debug for NewAccount {
    /// Prints every field except the password hash.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NewAccount")
            .field("account_name", &self.account_name)
            .field("admin_name", &self.admin_name)
            .field("admin_email", &self.admin_email)
            .field("has_password", &self.password_hash.is_some())
            .finish()
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// The account's id.
    pub id: AccountId,
    /// The organization's name.
    pub name: AccountName,
    /// When the account was created.
    pub created_at: Timestamp,
    /// The domain of the address the organization confirmed, once it has
    /// (`entente_core::partnership::check_may_invite`).
    pub verified_domain: Option<String>,
}

impl AccountRecord {
    /// Whether the organization has confirmed its email address.
    pub fn is_verified(&self) -> bool {
        self.verified_domain.is_some()
    }
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    name: String,
    created_at: i64,
    verified_domain: Option<String>,
}

impl TryFrom<AccountRow> for AccountRecord {
    type Error = StoreError;

    fn try_from(row: AccountRow) -> Result<AccountRecord, StoreError> {
        Ok(AccountRecord {
            id: decode::id(&row.id, "accounts.id")?,
            name: decode::account_name(&row.name, "accounts.name")?,
            created_at: Timestamp(row.created_at),
            verified_domain: row.verified_domain,
        })
    }
}

/// Creates an account and its first Administrator in the caller's transaction.
///
/// Fails with [`super::Conflict::EmailTaken`] when the address belongs to any user already;
/// the caller then drops the transaction and nothing is written.
#[instrument(skip_all, fields(account_name = %new_account.account_name))]
pub async fn create_account_with_admin(
    tx: &mut Tx,
    new_account: &NewAccount,
    now: Timestamp,
) -> Result<(AccountId, UserId), StoreError> {
    let account_id = AccountId::from_uuid(Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO accounts (id, name, name_search, name_skeleton, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account_id.to_string())
        .bind(new_account.account_name.as_str())
        .bind(new_account.account_name.as_str().to_lowercase())
        .bind(skeleton(new_account.account_name.as_str()))
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let admin = NewUser {
        account_id,
        name: &new_account.admin_name,
        email: &new_account.admin_email,
        profile: Profile::Administrator,
        password_hash: new_account.password_hash.as_deref(),
    };
    let admin_id = users::create_user(tx, admin, now).await?;
    tracing::info!(%account_id, %admin_id, "account created");
    Ok((account_id, admin_id))
}

/// How many accounts [`fill_name_skeletons`] writes per transaction.
const SKELETON_BATCH: i64 = 2_000;

/// Writes the `name_skeleton` of every account that has none yet (those created before the
/// column existed, or in bulk by `seed-bench`), a batch per transaction so no write waits
/// long; returns how many it wrote. Run after the migrations: the rule is Rust's
/// (`entente_core::names::skeleton`), so SQL cannot fill the column itself.
#[instrument(skip_all)]
pub async fn fill_name_skeletons(store: &Store) -> Result<u64, StoreError> {
    let mut written = 0;
    loop {
        let rows: Vec<(String, String)> = on_pool!(store, |pool| {
            sqlx::query_as("SELECT id, name FROM accounts WHERE name_skeleton IS NULL LIMIT $1")
                .bind(SKELETON_BATCH)
                .fetch_all(pool)
                .await
        })?;
        if rows.is_empty() {
            return Ok(written);
        }
        let mut tx = store.begin_write().await?;
        for (id, name) in &rows {
            on_tx!(tx, |conn| {
                sqlx::query("UPDATE accounts SET name_skeleton = $1 WHERE id = $2")
                    .bind(skeleton(name))
                    .bind(id)
                    .execute(conn)
                    .await
                    .map(|_| ())
            })?;
        }
        tx.commit().await?;
        written += rows.len() as u64;
    }
}

/// Counts every account in the service.
#[instrument(skip_all)]
pub async fn count_accounts(store: &Store) -> Result<i64, StoreError> {
    let count = on_pool!(store, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(pool)
            .await
    })?;
    Ok(count)
}

/// Counts the accounts inside a write transaction while keeping other writers from adding one.
///
/// This is where the engines differ: SQLite's `BEGIN IMMEDIATE` already holds the only
/// write lock, while PostgreSQL needs the table locked against concurrent inserts (a
/// self-conflicting mode, so two callers queue instead of both seeing zero).
#[instrument(skip_all)]
pub async fn lock_and_count_accounts(tx: &mut Tx) -> Result<i64, StoreError> {
    if let TxInner::Postgres(transaction) = &mut tx.inner {
        sqlx::query("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **transaction)
            .await?;
    }
    let count = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(conn)
            .await
    })?;
    Ok(count)
}

/// Fetches one account, or `None` if no account has this id.
#[instrument(skip_all, fields(%account_id))]
pub async fn get_account(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
) -> Result<Option<AccountRecord>, StoreError> {
    let row: Option<AccountRow> = on_db!(db, |conn| {
        sqlx::query_as("SELECT id, name, created_at, verified_domain FROM accounts WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(AccountRecord::try_from).transpose()
}

/// Records that the organization confirmed its address at `domain`, if it had not yet; returns
/// whether this confirmed it.
#[instrument(skip_all, fields(%account_id))]
pub async fn mark_verified(
    tx: &mut Tx,
    account_id: AccountId,
    domain: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE accounts SET verified_at = $1, verified_domain = $2 \
             WHERE id = $3 AND verified_at IS NULL",
        )
        .bind(now.0)
        .bind(domain)
        .bind(account_id.to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}
