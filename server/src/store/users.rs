//! SQL for users: create them inside a write transaction, find and list them.
//!
//! Rows come back as [`UserRecord`]s of `entente-core` types (decoded in `store::decode`);
//! addresses go in as core's [`Email`], already normalized by its constructor.

use entente_core::{AccountId, Email, PersonName, Profile, Timestamp, UserId};
use tracing::instrument;
use uuid::Uuid;

use super::decode;
use super::error::{Conflict, Constraint, ConstraintKind, map_violation};
use super::{Db, StoreError, Tx};

/// Every named constraint of `users`, in both migrations (see `store::error` for why all).
const USERS_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "users_email_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "users.email",
        conflict: Some(Conflict::EmailTaken),
    },
    Constraint {
        name: "users_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "users_profile_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "users_profile_check",
        conflict: None,
    },
    Constraint {
        name: "users_email_lowercase_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "users_email_lowercase_check",
        conflict: None,
    },
];

/// A user as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user's id.
    pub id: UserId,
    /// The account the user belongs to.
    pub account_id: AccountId,
    /// The normalized address, unique across the service.
    pub email: Email,
    /// The display name.
    pub name: PersonName,
    /// What the user may do.
    pub profile: Profile,
    /// False once an administrator has deactivated the user.
    pub active: bool,
    /// The Argon2 PHC string, or `None` until the user has set a password.
    pub password_hash: Option<String>,
    /// How many times a password was set with a link; sessions started under another count
    /// have ended.
    pub password_version: i64,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last changed.
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for UserRecord {
    /// Prints every field except the password hash, which never belongs in logs.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UserRecord")
            .field("id", &self.id)
            .field("account_id", &self.account_id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("profile", &self.profile)
            .field("active", &self.active)
            .field("has_password", &self.password_hash.is_some())
            .field("password_version", &self.password_version)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// The row as both engines return it; ids are text until parsed.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    account_id: String,
    email: String,
    name: String,
    profile: String,
    active: bool,
    password_hash: Option<String>,
    password_version: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            id: decode::id(&row.id, "users.id")?,
            account_id: decode::id(&row.account_id, "users.account_id")?,
            email: decode::email(&row.email, "users.email")?,
            name: decode::person_name(&row.name, "users.name")?,
            profile: decode::profile(&row.profile, "users.profile")?,
            active: row.active,
            password_hash: row.password_hash,
            password_version: row.password_version,
            created_at: Timestamp(row.created_at),
            updated_at: Timestamp(row.updated_at),
        })
    }
}

const USER_COLUMNS: &str = "id, account_id, email, name, profile, active, password_hash, \
     password_version, created_at, updated_at";

/// A user to add to an account, every part already checked by `entente-core`.
#[derive(Clone, Copy)]
pub struct NewUser<'a> {
    /// The account the user joins.
    pub account_id: AccountId,
    /// The display name.
    pub name: &'a PersonName,
    /// The address, unique across the service.
    pub email: &'a Email,
    /// What the user may do.
    pub profile: Profile,
    /// The Argon2 PHC string, or `None` to have them set a password with a link.
    pub password_hash: Option<&'a str>,
}

/// Adds an active user to an account and returns the new id.
///
/// The database alone refuses a taken address ([`Conflict::EmailTaken`]) and an unknown
/// account ([`StoreError::Violation`]). After such an error the transaction must be dropped
/// (PostgreSQL aborts it).
#[instrument(skip_all, fields(account_id = %user.account_id, profile = %user.profile))]
pub async fn create_user(
    tx: &mut Tx,
    user: NewUser<'_>,
    now: Timestamp,
) -> Result<UserId, StoreError> {
    let user_id = UserId::from_uuid(Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO users (id, account_id, email, name, profile, active, password_hash, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(user_id.to_string())
        .bind(user.account_id.to_string())
        .bind(user.email.as_str())
        .bind(user.name.as_str())
        .bind(user.profile.as_str())
        .bind(true)
        .bind(user.password_hash)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, USERS_CONSTRAINTS))?;
    tracing::debug!(%user_id, "user created");
    Ok(user_id)
}

/// Finds the user with this address, in any account.
#[instrument(skip_all)]
pub async fn find_user_by_email(
    db: impl Into<Db<'_>>,
    email: &Email,
) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row: Option<UserRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(email.as_str())
            .fetch_optional(conn)
            .await
    })?;
    row.map(UserRecord::try_from).transpose()
}

/// Finds the user with this id, or `None` if there is none.
#[instrument(skip_all, fields(%user_id))]
pub async fn get_user(
    db: impl Into<Db<'_>>,
    user_id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(UserRecord::try_from).transpose()
}

/// Reads one user of `account_id`; `None` when no such user exists in that account (another
/// account's user is not found, exactly like an unknown id).
#[instrument(skip_all, fields(%account_id, %user_id))]
pub async fn get_user_in_account(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    user_id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND account_id = $2");
    let row: Option<UserRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(user_id.to_string())
            .bind(account_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(UserRecord::try_from).transpose()
}

/// Lists the users of one account, oldest first (then by email, so the order is stable).
#[instrument(skip_all, fields(%account_id))]
pub async fn list_users(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
) -> Result<Vec<UserRecord>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 ORDER BY created_at, email"
    );
    let rows: Vec<UserRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter().map(UserRecord::try_from).collect()
}

/// Activates or deactivates a user in the caller's transaction; returns false if no such user.
///
/// Deactivating also moves `password_version` on, so every session the user had ends for good
/// at its next request (see `auth::middleware`), even if they are reactivated a moment later.
#[instrument(skip_all, fields(%user_id, active))]
pub async fn set_active(
    tx: &mut Tx,
    user_id: UserId,
    active: bool,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE users SET active = $1, updated_at = $2, \
             password_version = password_version + CASE WHEN $1 THEN 0 ELSE 1 END \
             WHERE id = $3",
        )
        .bind(active)
        .bind(now.0)
        .bind(user_id.to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if changed == 1 {
        // Open streams of the user check their session and profile again once this commits.
        tx.publish(super::live::Change::Sessions { user: user_id });
    }
    Ok(changed == 1)
}

/// Gives a user another name in the caller's transaction; returns false if no such user.
/// Partner sync of the new name is the caller's next step, in the same transaction.
#[instrument(skip_all, fields(%user_id))]
pub async fn set_name(
    tx: &mut Tx,
    user_id: UserId,
    name: &PersonName,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query("UPDATE users SET name = $1, updated_at = $2 WHERE id = $3")
            .bind(name.as_str())
            .bind(now.0)
            .bind(user_id.to_string())
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}

/// Gives a user another profile in the caller's transaction; returns false if no such user.
#[instrument(skip_all, fields(%user_id, %profile))]
pub async fn set_profile(
    tx: &mut Tx,
    user_id: UserId,
    profile: Profile,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query("UPDATE users SET profile = $1, updated_at = $2 WHERE id = $3")
            .bind(profile.as_str())
            .bind(now.0)
            .bind(user_id.to_string())
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })
    .map_err(|error| map_violation(error, USERS_CONSTRAINTS))?;
    if changed == 1 {
        // Open streams of the user check their session and profile again once this commits.
        tx.publish(super::live::Change::Sessions { user: user_id });
    }
    Ok(changed == 1)
}

/// Counts the account's active Administrators inside a write transaction, while keeping other
/// transactions from changing that number until this one ends.
///
/// This is where the engines differ: SQLite's `BEGIN IMMEDIATE` already holds the only write
/// lock, while PostgreSQL locks the account's row (`FOR UPDATE`), so two administrators demoting
/// each other at once queue instead of both seeing two Administrators.
#[instrument(skip_all, fields(%account_id))]
pub async fn lock_and_count_active_administrators(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<u64, StoreError> {
    if let super::TxInner::Postgres(transaction) = &mut tx.inner {
        sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
            .bind(account_id.to_string())
            .fetch_optional(&mut **transaction)
            .await?;
    }
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE account_id = $1 AND profile = $2 AND active = $3",
        )
        .bind(account_id.to_string())
        .bind(Profile::Administrator.as_str())
        .bind(true)
        .fetch_one(conn)
        .await
    })?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Stores a new password hash for an active user in the caller's transaction and counts it in
/// `password_version`, which ends the user's other sessions; returns false if the user is
/// missing or deactivated (nothing is changed then).
#[instrument(skip_all, fields(%user_id))]
pub async fn set_password_hash(
    tx: &mut Tx,
    user_id: UserId,
    password_hash: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_version = password_version + 1, \
             updated_at = $2 WHERE id = $3 AND active = $4",
        )
        .bind(password_hash)
        .bind(now.0)
        .bind(user_id.to_string())
        .bind(true)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if changed == 1 {
        // Open streams of the user check their session and profile again once this commits.
        tx.publish(super::live::Change::Sessions { user: user_id });
    }
    Ok(changed == 1)
}
