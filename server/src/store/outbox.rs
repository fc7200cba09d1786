//! SQL for the email outbox: enqueue inside the caller's transaction, claim with a lease, mark sent or failed.
//!
//! # Exactly once in normal operation
//!
//! A worker claims due rows by writing its `lease_owner` and a `leased_until` time; rows
//! leased by someone else are not due until that lease runs out. Marking a row sent or
//! failed succeeds only while the row is still leased by the same owner and unsent, so a
//! worker that stalled past its lease (and whose rows were claimed again) cannot mark
//! them twice. A crash between the SMTP server's acceptance and `mark_sent` is the one
//! case that sends an email again, once the lease runs out: mail is never lost.
//!
//! # The claim on each engine
//!
//! * **PostgreSQL:** `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`:
//!   concurrent claimers skip each other's rows instead of waiting or sharing them.
//! * **SQLite:** the same `UPDATE … RETURNING` inside `BEGIN IMMEDIATE`, which holds the
//!   database's only write lock, so claims run one after the other.

use tracing::instrument;
use uuid::Uuid;

use super::decode;
use super::error::{Constraint, ConstraintKind, map_violation};
use super::{Pool, Store, StoreError, Tx};
use crate::mail::{EmailKind, OutgoingEmail};

/// Every named constraint of `email_outbox` (see `store::error` for why all).
const OUTBOX_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "email_outbox_kind_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "email_outbox_kind_check",
        conflict: None,
    },
    Constraint {
        name: "email_outbox_attempts_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "email_outbox_attempts_check",
        conflict: None,
    },
    Constraint {
        name: "email_outbox_lease_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "email_outbox_lease_check",
        conflict: None,
    },
];

/// An email a worker has claimed and now owns until its lease runs out.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimedEmail {
    /// The outbox row's id.
    pub id: Uuid,
    /// The recipient's address.
    pub recipient: String,
    /// Which email it is.
    pub kind: EmailKind,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text_body: String,
    /// The HTML body.
    pub html_body: String,
    /// Delivery attempts so far, this one included.
    pub attempts: i32,
}

impl std::fmt::Debug for ClaimedEmail {
    /// Prints everything except the bodies, which hold sign-in links.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ClaimedEmail")
            .field("id", &self.id)
            .field("recipient", &self.recipient)
            .field("kind", &self.kind)
            .field("subject", &self.subject)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// An outbox row as stored, for the developers' Mailbox page and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// The row's id.
    pub id: Uuid,
    /// The recipient's address.
    pub recipient: String,
    /// Which email it is.
    pub kind: EmailKind,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text_body: String,
    /// The HTML body.
    pub html_body: String,
    /// When it was written, in unix seconds.
    pub created_at: i64,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// The earliest time of the next attempt, in unix seconds.
    pub next_attempt_at: i64,
    /// Until when a worker holds it, if one does.
    pub leased_until: Option<i64>,
    /// Which worker holds it, if one does.
    pub lease_owner: Option<String>,
    /// When the SMTP server accepted it, or `None` while it waits.
    pub sent_at: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: String,
    recipient: String,
    kind: String,
    subject: String,
    text_body: String,
    html_body: String,
    attempts: i32,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    recipient: String,
    kind: String,
    subject: String,
    text_body: String,
    html_body: String,
    created_at: i64,
    attempts: i32,
    next_attempt_at: i64,
    leased_until: Option<i64>,
    lease_owner: Option<String>,
    sent_at: Option<i64>,
    last_error: Option<String>,
}

const OUTBOX_COLUMNS: &str = "id, recipient, kind, subject, text_body, html_body, created_at, \
     attempts, next_attempt_at, leased_until, lease_owner, sent_at, last_error";

fn parse_kind(stored: &str) -> Result<EmailKind, StoreError> {
    EmailKind::from_stored(stored).ok_or(StoreError::Corrupt {
        column: "email_outbox.kind",
    })
}

impl TryFrom<ClaimedRow> for ClaimedEmail {
    type Error = StoreError;

    fn try_from(row: ClaimedRow) -> Result<Self, StoreError> {
        Ok(ClaimedEmail {
            id: decode::id(&row.id, "email_outbox.id")?,
            recipient: row.recipient,
            kind: parse_kind(&row.kind)?,
            subject: row.subject,
            text_body: row.text_body,
            html_body: row.html_body,
            attempts: row.attempts,
        })
    }
}

impl TryFrom<OutboxRow> for OutboxRecord {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxRecord {
            id: decode::id(&row.id, "email_outbox.id")?,
            recipient: row.recipient,
            kind: parse_kind(&row.kind)?,
            subject: row.subject,
            text_body: row.text_body,
            html_body: row.html_body,
            created_at: row.created_at,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            leased_until: row.leased_until,
            lease_owner: row.lease_owner,
            sent_at: row.sent_at,
            last_error: row.last_error,
        })
    }
}

/// Writes `email` to the outbox inside the caller's transaction, due at once; returns its id.
///
/// The email exists only if the transaction commits. After the commit the caller may
/// wake the worker (`AppState::mail_wake`) so it does not wait for its next poll.
#[instrument(skip_all, fields(kind = %email.kind))]
pub async fn enqueue(tx: &mut Tx, email: &OutgoingEmail, now: i64) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO email_outbox \
             (id, recipient, subject, text_body, html_body, kind, created_at, attempts, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $7)",
        )
        .bind(id.to_string())
        .bind(&email.to)
        .bind(&email.subject)
        .bind(&email.text_body)
        .bind(&email.html_body)
        .bind(email.kind.as_str())
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, OUTBOX_CONSTRAINTS))?;
    tracing::debug!(email_id = %id, "email written to the outbox");
    Ok(id)
}

/// Claims up to `limit` due emails for `owner` until `now + lease_secs`, counting one attempt each.
///
/// Due means unsent, `next_attempt_at <= now`, and not leased or leased until `now` at
/// the latest. Two claimers, on one engine or across processes, never receive the same
/// row while its lease lasts (see the module documentation for how).
#[instrument(skip_all, fields(%owner, now = now, limit = limit))]
pub async fn claim_batch(
    store: &Store,
    owner: &str,
    now: i64,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<ClaimedEmail>, StoreError> {
    const CLAIM_SQLITE: &str = "UPDATE email_outbox \
         SET leased_until = $1, lease_owner = $2, attempts = attempts + 1 \
         WHERE id IN ( \
             SELECT id FROM email_outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $3 \
               AND (leased_until IS NULL OR leased_until <= $3) \
             ORDER BY next_attempt_at, created_at \
             LIMIT $4) \
         RETURNING id, recipient, kind, subject, text_body, html_body, attempts";
    const CLAIM_POSTGRES: &str = "UPDATE email_outbox \
         SET leased_until = $1, lease_owner = $2, attempts = attempts + 1 \
         WHERE id IN ( \
             SELECT id FROM email_outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $3 \
               AND (leased_until IS NULL OR leased_until <= $3) \
             ORDER BY next_attempt_at, created_at \
             LIMIT $4 \
             FOR UPDATE SKIP LOCKED) \
         RETURNING id, recipient, kind, subject, text_body, html_body, attempts";
    let leased_until = now.saturating_add(lease_secs);
    let rows: Vec<ClaimedRow> = match store.pool() {
        Pool::Sqlite(_) => {
            // BEGIN IMMEDIATE: the claim holds SQLite's write lock from its first read.
            let mut tx = store.begin_write().await?;
            let rows = on_tx!(tx, |conn| {
                sqlx::query_as(CLAIM_SQLITE)
                    .bind(leased_until)
                    .bind(owner)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(conn)
                    .await
            })?;
            tx.commit().await?;
            rows
        }
        Pool::Postgres(pool) => {
            sqlx::query_as(CLAIM_POSTGRES)
                .bind(leased_until)
                .bind(owner)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }
    };
    rows.into_iter().map(ClaimedEmail::try_from).collect()
}

/// Marks the email sent, only if `owner` still holds its lease and it is not sent yet.
///
/// Returns `false` when it changed nothing: another worker took the row over after this
/// owner's lease ran out, or it was already marked sent.
#[instrument(skip_all, fields(email_id = %id, %owner))]
pub async fn mark_sent(store: &Store, id: Uuid, owner: &str, now: i64) -> Result<bool, StoreError> {
    let changed = on_pool!(store, |pool| {
        sqlx::query(
            "UPDATE email_outbox \
             SET sent_at = $1, leased_until = NULL, lease_owner = NULL, last_error = NULL \
             WHERE id = $2 AND lease_owner = $3 AND sent_at IS NULL",
        )
        .bind(now)
        .bind(id.to_string())
        .bind(owner)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}

/// Records a failed attempt and frees the row for another attempt at `next_attempt_at`.
///
/// Like [`mark_sent`], it changes the row only while `owner` holds its lease; returns
/// whether it did. The `error` text is kept for the Mailbox page and must hold no secret.
#[instrument(skip_all, fields(email_id = %id, %owner, next_attempt_at = next_attempt_at))]
pub async fn mark_failed(
    store: &Store,
    id: Uuid,
    owner: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<bool, StoreError> {
    let changed = on_pool!(store, |pool| {
        sqlx::query(
            "UPDATE email_outbox \
             SET last_error = $1, next_attempt_at = $2, leased_until = NULL, lease_owner = NULL \
             WHERE id = $3 AND lease_owner = $4 AND sent_at IS NULL",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id.to_string())
        .bind(owner)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}

/// Lists the `limit` most recently written emails, newest first.
#[instrument(skip_all, fields(limit = limit))]
pub async fn list_recent(store: &Store, limit: i64) -> Result<Vec<OutboxRecord>, StoreError> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM email_outbox ORDER BY created_at DESC, id DESC LIMIT $1"
    );
    let rows: Vec<OutboxRow> = on_pool!(store, |pool| {
        sqlx::query_as(&sql).bind(limit).fetch_all(pool).await
    })?;
    rows.into_iter().map(OutboxRecord::try_from).collect()
}

/// Fetches one email, or `None` if no outbox row has this id.
#[instrument(skip_all, fields(email_id = %id))]
pub async fn get(store: &Store, id: Uuid) -> Result<Option<OutboxRecord>, StoreError> {
    let sql = format!("SELECT {OUTBOX_COLUMNS} FROM email_outbox WHERE id = $1");
    let row: Option<OutboxRow> = on_pool!(store, |pool| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
    })?;
    row.map(OutboxRecord::try_from).transpose()
}
