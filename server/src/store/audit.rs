//! SQL for the audit log (SPEC 4.6): one entry per account concerned by a decision, read newest first.
//!
//! Entries are written inside the transaction of the change they record, so a change and its
//! entry commit or roll back together. [`list`] pages with a keyset cursor on
//! `(created_at DESC, id)`, served by `audit_log_account_created_idx`.

use entente_core::{AccountId, Timestamp, UserId};
use tracing::instrument;
use uuid::Uuid;

use super::users::parse_id;
use super::{Store, StoreError, Tx};

/// One entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The account whose log receives the entry.
    pub account_id: AccountId,
    /// The user who acted, if a user did.
    pub actor_user_id: Option<UserId>,
    /// What happened, a stable snake_case word (e.g. `partner_request_sent`).
    pub action: String,
    /// What was acted on (e.g. a partner request id).
    pub subject: String,
    /// More facts, free text for people reading the log.
    pub detail: String,
    /// When it happened.
    pub created_at: Timestamp,
}

/// A stored entry, as [`list`] returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The entry's id.
    pub id: Uuid,
    /// The account whose log holds the entry.
    pub account_id: AccountId,
    /// The user who acted, if a user did.
    pub actor_user_id: Option<UserId>,
    /// What happened.
    pub action: String,
    /// What was acted on.
    pub subject: String,
    /// More facts.
    pub detail: String,
    /// When it happened.
    pub created_at: Timestamp,
    /// The acting user's name and organization, if the entry has an actor that still exists.
    pub actor: Option<(String, String)>,
    /// The partner request the entry is about, with the names a reader needs.
    pub partner_request: Option<RequestNames>,
}

/// What an Activity line shows of the partner request an entry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestNames {
    /// The sender organization's name.
    pub sender_name: String,
    /// The recipient organization's name.
    pub recipient_name: String,
    /// The address the request was sent to.
    pub recipient_email: String,
}

impl AuditEntry {
    /// The cursor that continues a listing after this entry.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            created_at: self.created_at,
            id: self.id,
        }
    }
}

/// Where a page of [`list`] ends: the next page holds the entries older than this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last entry's time.
    pub created_at: Timestamp,
    /// The last entry's id, which orders entries of the same second.
    pub id: Uuid,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    account_id: String,
    actor_user_id: Option<String>,
    action: String,
    subject: String,
    detail: String,
    created_at: i64,
    actor_name: Option<String>,
    actor_account_name: Option<String>,
    request_sender_name: Option<String>,
    request_recipient_name: Option<String>,
    request_recipient_email: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            id: parse_id(&row.id, "audit_log.id")?,
            account_id: parse_id(&row.account_id, "audit_log.account_id")?.into(),
            actor_user_id: row
                .actor_user_id
                .map(|id| parse_id(&id, "audit_log.actor_user_id").map(UserId::from))
                .transpose()?,
            action: row.action,
            subject: row.subject,
            detail: row.detail,
            created_at: Timestamp(row.created_at),
            actor: row.actor_name.zip(row.actor_account_name),
            partner_request: match (
                row.request_sender_name,
                row.request_recipient_name,
                row.request_recipient_email,
            ) {
                (Some(sender_name), Some(recipient_name), Some(recipient_email)) => {
                    Some(RequestNames {
                        sender_name,
                        recipient_name,
                        recipient_email,
                    })
                }
                _ => None,
            },
        })
    }
}

/// Records `entry` in the caller's transaction and returns its new id.
#[instrument(skip_all, fields(account_id = %entry.account_id, action = %entry.action))]
pub async fn record(tx: &mut Tx, entry: &NewEntry) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_log \
             (id, account_id, actor_user_id, action, subject, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(entry.account_id.to_string())
        .bind(entry.actor_user_id.map(|user| user.to_string()))
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.detail)
        .bind(entry.created_at.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(id)
}

/// Lists up to `limit` entries of `account_id`, newest first, after `before` when given, with
/// the names a reader needs (the actor, and the partner request an entry is about).
#[instrument(skip_all, fields(%account_id, limit))]
pub async fn list(
    store: &Store,
    account_id: AccountId,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    const SELECT: &str = "SELECT l.id, l.account_id, l.actor_user_id, l.action, l.subject, \
            l.detail, l.created_at, u.name AS actor_name, ua.name AS actor_account_name, \
            sa.name AS request_sender_name, ra.name AS request_recipient_name, \
            r.recipient_email AS request_recipient_email \
         FROM audit_log l \
         LEFT JOIN users u ON u.id = l.actor_user_id \
         LEFT JOIN accounts ua ON ua.id = u.account_id \
         LEFT JOIN partner_requests r ON r.id = l.subject \
         LEFT JOIN accounts sa ON sa.id = r.sender_account_id \
         LEFT JOIN accounts ra ON ra.id = r.recipient_account_id \
         WHERE l.account_id = $1";
    let rows: Vec<AuditRow> = match before {
        None => {
            let sql = format!("{SELECT} ORDER BY l.created_at DESC, l.id LIMIT $2");
            on_pool!(store, |pool| {
                sqlx::query_as(&sql)
                    .bind(account_id.to_string())
                    .bind(limit)
                    .fetch_all(pool)
                    .await
            })?
        }
        Some(cursor) => {
            let sql = format!(
                "{SELECT} AND (l.created_at < $2 OR (l.created_at = $2 AND l.id > $3)) \
                 ORDER BY l.created_at DESC, l.id LIMIT $4"
            );
            on_pool!(store, |pool| {
                sqlx::query_as(&sql)
                    .bind(account_id.to_string())
                    .bind(cursor.created_at.0)
                    .bind(cursor.id.to_string())
                    .bind(limit)
                    .fetch_all(pool)
                    .await
            })?
        }
    };
    rows.into_iter().map(AuditEntry::try_from).collect()
}
