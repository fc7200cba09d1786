//! SQL for partner requests (SPEC 4.1): store and read the records core's transitions decide.
//!
//! Rows are written from core's [`StoredPartnerRequest`] and read back through
//! [`PartnerRequest::restore`], so nothing leaves this module that core would refuse. The
//! database itself refuses what must never happen: a second live partnership for a pair of
//! accounts in either direction ([`StoreError::AlreadyPartners`]) and a second open request
//! from one account to the same address ([`StoreError::DuplicateRequest`]).

use entente_core::partnership::{PartnerRequest, RequestStatus, StoredPartnerRequest};
use entente_core::{AccountId, Email, PartnerRequestId, Timestamp};
use tracing::instrument;

use super::error::{Constraint, ConstraintKind, map_violation};
use super::users::parse_id;
use super::{Store, StoreError, Tx};

/// Every named constraint of `partner_requests`, in both migrations (see `store::error`).
const PARTNER_REQUESTS_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "partner_requests_one_partnership_per_pair_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "index 'partner_requests_one_partnership_per_pair_key'",
        error: || StoreError::AlreadyPartners,
    },
    Constraint {
        name: "partner_requests_one_open_request_per_address_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "partner_requests.sender_account_id, partner_requests.recipient_email",
        error: || StoreError::DuplicateRequest,
    },
    Constraint {
        name: "partner_requests_sender_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        error: || StoreError::UnknownAccount,
    },
    Constraint {
        name: "partner_requests_sending_user_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        error: || StoreError::UnknownUser,
    },
    Constraint {
        name: "partner_requests_recipient_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        error: || StoreError::UnknownAccount,
    },
    Constraint {
        name: "partner_requests_recipient_email_lowercase_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_recipient_email_lowercase_check",
        error: || StoreError::EmailNotNormalized,
    },
    Constraint {
        name: "partner_requests_status_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_status_check",
        error: || StoreError::InvalidPartnerRequest,
    },
    Constraint {
        name: "partner_requests_two_accounts_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_two_accounts_check",
        error: || StoreError::InvalidPartnerRequest,
    },
    Constraint {
        name: "partner_requests_archived_when_both_deleted_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_archived_when_both_deleted_check",
        error: || StoreError::InvalidPartnerRequest,
    },
    Constraint {
        name: "partner_requests_open_not_deleted_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_open_not_deleted_check",
        error: || StoreError::InvalidPartnerRequest,
    },
    Constraint {
        name: "partner_requests_updated_after_created_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_updated_after_created_check",
        error: || StoreError::InvalidPartnerRequest,
    },
    Constraint {
        name: "partner_requests_flags_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "partner_requests_flags_check",
        error: || StoreError::InvalidPartnerRequest,
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
        let corrupt = |column| StoreError::Corrupt { column };
        let stored = StoredPartnerRequest {
            id: parse_id(&row.id, "partner_requests.id")?.into(),
            sender_account: parse_id(&row.sender_account_id, "partner_requests.sender_account_id")?
                .into(),
            sending_user: parse_id(&row.sending_user_id, "partner_requests.sending_user_id")?
                .into(),
            recipient_email: Email::parse(&row.recipient_email)
                .map_err(|_| corrupt("partner_requests.recipient_email"))?,
            recipient_account: parse_id(
                &row.recipient_account_id,
                "partner_requests.recipient_account_id",
            )?
            .into(),
            status: row
                .status
                .parse::<RequestStatus>()
                .map_err(|_| corrupt("partner_requests.status"))?,
            deleted_by_sender: row.deleted_by_sender,
            deleted_by_recipient: row.deleted_by_recipient,
            archived: row.archived,
            created_at: Timestamp(row.created_at),
            updated_at: Timestamp(row.updated_at),
        };
        PartnerRequest::restore(stored).map_err(|_| corrupt("partner_requests"))
    }
}

/// Stores a new request in the caller's transaction.
///
/// Refused by the database with [`StoreError::AlreadyPartners`], [`StoreError::DuplicateRequest`]
/// or [`StoreError::InvalidPartnerRequest`]; the caller then drops the transaction.
#[instrument(skip_all, fields(request_id = %request.id, status = %request.status))]
pub async fn insert(tx: &mut Tx, request: &StoredPartnerRequest) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO partner_requests ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    on_tx!(tx, |conn| {
        sqlx::query(&sql)
            .bind(request.id.to_string())
            .bind(request.sender_account.to_string())
            .bind(request.sending_user.to_string())
            .bind(request.recipient_email.as_str())
            .bind(request.recipient_account.to_string())
            .bind(request.status.as_str())
            .bind(request.deleted_by_sender)
            .bind(request.deleted_by_recipient)
            .bind(archived(request))
            .bind(request.created_at.0)
            .bind(request.updated_at.0)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(|error| map_violation(error, PARTNER_REQUESTS_CONSTRAINTS))
}

/// Writes the changeable facts of an existing request (status, deletions, archive, `updated_at`).
///
/// Returns [`StoreError::NotFound`] if no request has this id; the same refusals as [`insert`].
#[instrument(skip_all, fields(request_id = %request.id, status = %request.status))]
pub async fn update(tx: &mut Tx, request: &StoredPartnerRequest) -> Result<(), StoreError> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE partner_requests SET status = $1, deleted_by_sender = $2, \
             deleted_by_recipient = $3, archived = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(request.status.as_str())
        .bind(request.deleted_by_sender)
        .bind(request.deleted_by_recipient)
        .bind(archived(request))
        .bind(request.updated_at.0)
        .bind(request.id.to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })
    .map_err(|error| map_violation(error, PARTNER_REQUESTS_CONSTRAINTS))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Core counts a request both sides deleted as archived; the column says so too.
fn archived(request: &StoredPartnerRequest) -> bool {
    request.archived || (request.deleted_by_sender && request.deleted_by_recipient)
}

/// Reads one request, or `None` if no request has this id.
#[instrument(skip_all, fields(%request_id))]
pub async fn get(
    store: &Store,
    request_id: PartnerRequestId,
) -> Result<Option<PartnerRequest>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM partner_requests WHERE id = $1");
    let row: Option<PartnerRequestRow> = on_pool!(store, |pool| {
        sqlx::query_as(&sql)
            .bind(request_id.to_string())
            .fetch_optional(pool)
            .await
    })?;
    row.map(PartnerRequest::try_from).transpose()
}

/// Reads one request inside a write transaction (what a transition reads before it decides).
#[instrument(skip_all, fields(%request_id))]
pub async fn get_in(
    tx: &mut Tx,
    request_id: PartnerRequestId,
) -> Result<Option<PartnerRequest>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM partner_requests WHERE id = $1");
    let row: Option<PartnerRequestRow> = on_tx!(tx, |conn| {
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
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<Vec<AccountId>, StoreError> {
    let ids: Vec<String> = on_tx!(tx, |conn| {
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
        .map(|id| parse_id(id, "partner_requests.account_id").map(AccountId::from))
        .collect()
}

/// Every request between `a` and `b` in either direction, archived ones included, oldest first.
#[instrument(skip_all, fields(%a, %b))]
pub async fn between(
    tx: &mut Tx,
    a: AccountId,
    b: AccountId,
) -> Result<Vec<PartnerRequest>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM partner_requests \
         WHERE (sender_account_id = $1 AND recipient_account_id = $2) \
            OR (sender_account_id = $2 AND recipient_account_id = $1) \
         ORDER BY created_at, id"
    );
    let rows: Vec<PartnerRequestRow> = on_tx!(tx, |conn| {
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

/// Which rows of the Partners tab a listing keeps, by status as the viewing account sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TabFilter {
    /// Every row the account sees.
    #[default]
    All,
    /// Pending requests the account received ("Received - Awaiting Your Approval").
    AwaitingOurApproval,
    /// Pending requests the account sent ("Sent - Awaiting Approval").
    SentAwaitingApproval,
    /// Partnerships.
    Partners,
    /// Rejected requests.
    Rejected,
}

impl TabFilter {
    /// The SQL condition on `r` (the request) for this filter; `$1` is the viewing account.
    fn condition(self) -> &'static str {
        match self {
            Self::All => "",
            Self::AwaitingOurApproval => {
                " AND r.status = 'pending' AND r.recipient_account_id = $1"
            }
            Self::SentAwaitingApproval => " AND r.status = 'pending' AND r.sender_account_id = $1",
            Self::Partners => " AND r.status = 'accepted'",
            Self::Rejected => " AND r.status = 'rejected'",
        }
    }
}

/// A request as one account's Partners tab lists it, with the names it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabRow {
    /// The request.
    pub request: PartnerRequest,
    /// The name of the other organization (the recipient's for the sender, and the other way).
    pub other_account_name: String,
    /// The name of the user who sent the request.
    pub sending_user_name: String,
}

#[derive(sqlx::FromRow)]
struct TabRowRecord {
    #[sqlx(flatten)]
    request: PartnerRequestRow,
    other_account_name: String,
    sending_user_name: String,
}

/// The requests `account_id` sees in its Partners tab (not archived, not deleted by its side),
/// kept by `filter`, most recently changed first.
///
/// Every row concerns the account itself, so the cost follows that account's own requests
/// (served by `partner_requests_one_open_request_per_address_key` for the ones it sent and
/// `partner_requests_recipient_sender_idx` for the ones it received).
#[instrument(skip_all, fields(%account_id, ?filter))]
pub async fn list_for_tab(
    store: &Store,
    account_id: AccountId,
    filter: TabFilter,
) -> Result<Vec<TabRow>, StoreError> {
    let sql = format!(
        "SELECT r.id, r.sender_account_id, r.sending_user_id, r.recipient_email, \
                r.recipient_account_id, r.status, r.deleted_by_sender, r.deleted_by_recipient, \
                r.archived, r.created_at, r.updated_at, \
                CASE WHEN r.sender_account_id = $1 THEN ra.name ELSE sa.name END \
                    AS other_account_name, \
                u.name AS sending_user_name \
         FROM partner_requests r \
         JOIN accounts sa ON sa.id = r.sender_account_id \
         JOIN accounts ra ON ra.id = r.recipient_account_id \
         JOIN users u ON u.id = r.sending_user_id \
         WHERE r.archived = FALSE \
           AND ((r.sender_account_id = $1 AND r.deleted_by_sender = FALSE) \
             OR (r.recipient_account_id = $1 AND r.deleted_by_recipient = FALSE)){} \
         ORDER BY r.updated_at DESC, r.id",
        filter.condition()
    );
    let rows: Vec<TabRowRecord> = on_pool!(store, |pool| {
        sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .fetch_all(pool)
            .await
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(TabRow {
                request: PartnerRequest::try_from(row.request)?,
                other_account_name: row.other_account_name,
                sending_user_name: row.sending_user_name,
            })
        })
        .collect()
}

/// How many requests await `account_id`'s approval (the Partners tab's badge).
#[instrument(skip_all, fields(%account_id))]
pub async fn count_awaiting_approval(
    store: &Store,
    account_id: AccountId,
) -> Result<i64, StoreError> {
    on_pool!(store, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM partner_requests \
             WHERE recipient_account_id = $1 AND status = 'pending' AND archived = FALSE \
               AND deleted_by_recipient = FALSE",
        )
        .bind(account_id.to_string())
        .fetch_one(pool)
        .await
    })
    .map_err(Into::into)
}
