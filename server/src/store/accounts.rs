//! SQL for accounts (organizations): create one with its first Administrator, count, fetch.

use tracing::instrument;
use uuid::Uuid;

use super::users::{self, UserId, parse_id, profile};
use super::{Store, StoreError, Tx, TxInner, now_unix_seconds};

/// The id of an account (a UUID stored as hyphenated text).
pub type AccountId = Uuid;

/// What sign-up (or the demo seed) needs to create an account and its first Administrator.
#[derive(Clone)]
pub struct NewAccount {
    /// The organization's name.
    pub account_name: String,
    /// The first Administrator's display name.
    pub admin_name: String,
    /// The first Administrator's email address (normalized on insert).
    pub admin_email: String,
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
    pub name: String,
    /// When the account was created, in unix seconds.
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    name: String,
    created_at: i64,
}

/// Creates an account and its first Administrator in the caller's transaction.
///
/// Fails with [`StoreError::EmailTaken`] when the address belongs to any user already;
/// the caller then drops the transaction and nothing is written.
#[instrument(skip_all, fields(account_name = %new_account.account_name))]
pub async fn create_account_with_admin(
    tx: &mut Tx,
    new_account: NewAccount,
) -> Result<(AccountId, UserId), StoreError> {
    let account_id = Uuid::new_v4();
    let now = now_unix_seconds();
    on_tx!(tx, |conn| {
        sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(account_id.to_string())
            .bind(&new_account.account_name)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let admin_id = users::create_user(
        tx,
        account_id,
        &new_account.admin_name,
        &new_account.admin_email,
        profile::ADMINISTRATOR,
        new_account.password_hash,
    )
    .await?;
    tracing::info!(%account_id, %admin_id, "account created");
    Ok((account_id, admin_id))
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
    store: &Store,
    account_id: AccountId,
) -> Result<Option<AccountRecord>, StoreError> {
    let row: Option<AccountRow> = on_pool!(store, |pool| {
        sqlx::query_as("SELECT id, name, created_at FROM accounts WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(pool)
            .await
    })?;
    row.map(|row| {
        Ok(AccountRecord {
            id: parse_id(&row.id, "accounts.id")?,
            name: row.name,
            created_at: row.created_at,
        })
    })
    .transpose()
}

/// Reads an account's name inside a write transaction, or `None` if no account has this id.
#[instrument(skip_all, fields(%account_id))]
pub async fn name_in(tx: &mut Tx, account_id: AccountId) -> Result<Option<String>, StoreError> {
    let name: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    Ok(name)
}
