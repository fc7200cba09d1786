//! SQL for partner requests (SPEC 4.1): store and read the records core's transitions decide;
//! [`tab`] holds the Partners tab's read model (its filters, search and keyset pages).
//!
//! Rows are written from core's [`StoredPartnerRequest`] and read back through
//! [`PartnerRequest::restore`], so nothing leaves this module that core would refuse. The
//! database itself refuses what must never happen: a second live partnership for a pair of
//! accounts in either direction ([`Conflict::AlreadyPartners`]) and a second open request
//! from one account to the same address ([`Conflict::DuplicateRequest`]).

pub mod tab;

use entente_core::partnership::{PartnerRequest, StoredPartnerRequest};
use entente_core::{AccountId, PartnerRequestId, Timestamp};
use tracing::instrument;

use super::decode;
use super::error::{Conflict, Constraint, ConstraintKind, map_violation};
use super::{Db, StoreError, Tx};

/// Every named constraint of `partner_requests`, in both migrations (see `store::error`).
const PARTNER_REQUESTS_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "partner_requests_one_partnership_per_pair_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "index 'partner_requests_one_partnership_per_pair_key'",
        conflict: Some(Conflict::AlreadyPartners),
    },
    Constraint {
        name: "partner_requests_one_open_request_per_address_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "partner_requests.sender_account_id, partner_requests.recipient_email",
        conflict: Some(Conflict::DuplicateRequest),
    },
    Constraint {
        name: "partner_requests_sender_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_sending_user_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_recipient_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_recipient_email_lowercase_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_recipient_email_lowercase_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_status_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_status_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_two_accounts_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_two_accounts_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_archived_when_both_deleted_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_archived_when_both_deleted_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_open_not_deleted_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_open_not_deleted_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_updated_after_created_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_updated_after_created_check",
        conflict: None,
    },
    Constraint {
        name: "partner_requests_flags_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_flags_check",
        conflict: None,
    },
];

const COLUMNS: &str = "id, sender_account_id, sending_user_id, recipient_email, \
     recipient_account_id, status, deleted_by_sender, deleted_by_recipient, archived, \
     created_at, updated_at";

/// The row as both engines return it.
#[derive(sqlx::FromRow)]
struct PartnerRequestRow {
    id: String,
    sender_account_id: String,
    sending_user_id: String,
    recipient_email: String,
    recipient_account_id: String,
    status: String,
    deleted_by_sender: bool,
    deleted_by_recipient: bool,
    archived: bool,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PartnerRequestRow> for PartnerRequest {
    type Error = StoreError;

    fn try_from(row: PartnerRequestRow) -> Result<PartnerRequest, StoreError> {
        let stored = StoredPartnerRequest {
            id: decode::id(&row.id, "partner_requests.id")?,
            sender_account: decode::id(
                &row.sender_account_id,
                "partner_requests.sender_account_id",
            )?,
            sending_user: decode::id(&row.sending_user_id, "partner_requests.sending_user_id")?,
            recipient_email: decode::email(
                &row.recipient_email,
                "partner_requests.recipient_email",
            )?,
            recipient_account: decode::id(
                &row.recipient_account_id,
                "partner_requests.recipient_account_id",
            )?,
            status: decode::parsed(&row.status, "partner_requests.status")?,
            deleted_by_sender: row.deleted_by_sender,
            deleted_by_recipient: row.deleted_by_recipient,
            archived: row.archived,
            created_at: Timestamp(row.created_at),
            updated_at: Timestamp(row.updated_at),
        };
        PartnerRequest::restore(stored).map_err(|_| StoreError::Corrupt {
            column: "partner_requests",
        })
    }
}

/// Stores a new request in the caller's transaction.
///
/// Refused by the database with [`Conflict::AlreadyPartners`], [`Conflict::DuplicateRequest`]
/// or a [`StoreError::Violation`]; the caller then drops the transaction.
#[instrument(skip_all, fields(request_id = %request.id(), status = %request.status()))]
pub async fn insert(tx: &mut Tx, request: &PartnerRequest) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO partner_requests ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    on_tx!(tx, |conn| {
        sqlx::query(&sql)
            .bind(request.id().to_string())
            .bind(request.sender_account().to_string())
            .bind(request.sending_user().to_string())
            .bind(request.recipient_email().as_str())
            .bind(request.recipient_account().to_string())
            .bind(request.status().as_str())
            .bind(request.deleted_by_sender())
            .bind(request.deleted_by_recipient())
            .bind(request.is_archived())
            .bind(request.created_at().0)
            .bind(request.updated_at().0)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(|error| map_violation(error, PARTNER_REQUESTS_CONSTRAINTS))
}

/// Writes the changeable facts of an existing request (status, deletions, archive, `updated_at`).
///
/// Returns [`Conflict::NotFound`] if no request has this id; the same refusals as [`insert`].
#[instrument(skip_all, fields(request_id = %request.id(), status = %request.status()))]
pub async fn update(tx: &mut Tx, request: &PartnerRequest) -> Result<(), StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE partner_requests SET status = $1, deleted_by_sender = $2, \
             deleted_by_recipient = $3, archived = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(request.status().as_str())
        .bind(request.deleted_by_sender())
        .bind(request.deleted_by_recipient())
        .bind(request.is_archived())
        .bind(request.updated_at().0)
        .bind(request.id().to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })
    .map_err(|error| map_violation(error, PARTNER_REQUESTS_CONSTRAINTS))?;
    if changed == 0 {
        return Err(Conflict::NotFound.into());
    }
    Ok(())
}

/// Reads one request, or `None` if no request has this id.
#[instrument(skip_all, fields(%request_id))]
pub async fn get(
    db: impl Into<Db<'_>>,
    request_id: PartnerRequestId,
) -> Result<Option<PartnerRequest>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM partner_requests WHERE id = $1");
    let row: Option<PartnerRequestRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(request_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(PartnerRequest::try_from).transpose()
}

/// The accounts `account_id` is partners with now: an accepted, not archived request, either way.
///
/// Served by the partial indexes `partner_requests_partnership_{sender,recipient}_idx`.
#[instrument(skip_all, fields(%account_id))]
pub async fn current_partners(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
) -> Result<Vec<AccountId>, StoreError> {
    let ids: Vec<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT recipient_account_id FROM partner_requests \
             WHERE sender_account_id = $1 AND status = 'accepted' AND archived = FALSE \
             UNION \
             SELECT sender_account_id FROM partner_requests \
             WHERE recipient_account_id = $1 AND status = 'accepted' AND archived = FALSE",
        )
        .bind(account_id.to_string())
        .fetch_all(conn)
        .await
    })?;
    ids.iter()
        .map(|id| decode::id(id, "partner_requests.account_id"))
        .collect()
}

/// The accepted requests (archived ones included) that involve any of `accounts`, in one
/// query; which of them make a partnership now is core's `PartnerRequest::is_partnership`.
#[instrument(skip_all, fields(accounts = accounts.len()))]
pub async fn accepted_involving(
    db: impl Into<Db<'_>>,
    accounts: &[AccountId],
) -> Result<Vec<PartnerRequest>, StoreError> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let list = super::documents::id_list(accounts);
    let sql = format!(
        "SELECT {COLUMNS} FROM partner_requests WHERE status = 'accepted' \
         AND (sender_account_id IN ({list}) OR recipient_account_id IN ({list}))"
    );
    let rows: Vec<PartnerRequestRow> =
        on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    rows.into_iter().map(PartnerRequest::try_from).collect()
}

/// Every request between `a` and `b` in either direction, archived ones included, oldest first.
#[instrument(skip_all, fields(%a, %b))]
pub async fn between(
    db: impl Into<Db<'_>>,
    a: AccountId,
    b: AccountId,
) -> Result<Vec<PartnerRequest>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM partner_requests \
         WHERE (sender_account_id = $1 AND recipient_account_id = $2) \
            OR (sender_account_id = $2 AND recipient_account_id = $1) \
         ORDER BY created_at, id"
    );
    let rows: Vec<PartnerRequestRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(a.to_string())
            .bind(b.to_string())
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter().map(PartnerRequest::try_from).collect()
}

/// How many requests `sender` created after `since` (archived ones included), inside the
/// sending transaction. Served by `partner_requests_sender_created_idx`.
#[instrument(skip_all, fields(%sender))]
pub async fn count_sent_since(
    tx: &mut Tx,
    sender: AccountId,
    since: Timestamp,
) -> Result<usize, StoreError> {
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM partner_requests \
             WHERE sender_account_id = $1 AND created_at > $2",
        )
        .bind(sender.to_string())
        .bind(since.0)
        .fetch_one(conn)
        .await
    })?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}
