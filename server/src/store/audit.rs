//! SQL for the audit log (SPEC 4.6): one typed entry per account concerned by a change, read
//! newest first.
//!
//! Entries are written inside the transaction of the change they record, so a change and its
//! entry commit or roll back together. What happened is an [`AuditEvent`], stored in typed
//! columns (migration 0009) and decoded back here, never written or read as prose: a new kind
//! of entry adds a variant, its columns and one arm in [`AuditEvent::columns`] and
//! [`AuditRow`]'s decoding. Document entries (migration 0016) and proof entries (migration 0020)
//! keep the names their item had, so they read the same after later renames and purges. [`list`] pages with a keyset cursor on
//! `(created_at DESC, id)`, served by `audit_log_account_created_idx`.

use entente_core::documents::audit::{DocumentAuditAction, DocumentAuditKind, ShareAuditParts};
use entente_core::documents::{ItemKind, ItemName, ShareRole};
use entente_core::partnership::{AuditKind, RequestStatus, Side};
use entente_core::proofs::Decision;
use entente_core::proofs::audit::{ProofAuditAction, ProofAuditKind};
use entente_core::{
    AccountId, AccountName, Email, ItemId, PartnerRequestId, PersonName, Timestamp, UserId,
};
use tracing::instrument;
use uuid::Uuid;

use super::cursor::TimeCursor;
use super::{Db, StoreError, Tx, decode, value_groups};

/// What an audit entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditEvent {
    /// A partner request was sent, answered or deleted (SPEC 4.6).
    Partner {
        /// The request.
        request: PartnerRequestId,
        /// What happened to it, as core's decision said.
        kind: AuditKind,
    },
    /// A folder or file of the account was uploaded, created, renamed, moved, deleted or
    /// restored (SPEC 3.3).
    Document {
        /// The item (it may be purged since: the entry keeps its names).
        item: ItemId,
        /// A folder or a file.
        item_kind: ItemKind,
        /// The item's name just after the change.
        name: ItemName,
        /// What happened, with the other name or number it happened under.
        kind: DocumentAuditKind,
    },
    /// A file's proof was sent, got a reviewer named or removed, a decision or a comment, or
    /// was locked or unlocked (SPEC 3.2, 3.3; issue 15). Stored with item kind `file`.
    Proof {
        /// The file (it may be purged since: the entry keeps its name).
        item: ItemId,
        /// The file's name when it happened.
        name: ItemName,
        /// What happened, with the version, decision or person it happened with.
        kind: ProofAuditKind,
    },
}

/// The typed columns an event is stored in.
#[derive(Default)]
struct EventColumns<'a> {
    action: &'static str,
    partner_request_id: Option<String>,
    side: Option<&'static str>,
    status_before: Option<&'static str>,
    item_id: Option<String>,
    item_kind: Option<&'static str>,
    item_name: Option<&'a str>,
    other_name: Option<&'a str>,
    version: Option<i32>,
    share_with: Option<String>,
    share_role: Option<&'static str>,
    share_downloads: Option<bool>,
    decision: Option<&'static str>,
    person: Option<&'a str>,
}

/// The stored text of a side.
const fn side_text(side: Side) -> &'static str {
    match side {
        Side::Sender => "sender",
        Side::Recipient => "recipient",
    }
}

impl AuditEvent {
    /// The columns this event is stored in.
    fn columns(&self) -> EventColumns<'_> {
        match self {
            &AuditEvent::Partner { request, kind } => {
                let (action, side, status_before) = match kind {
                    AuditKind::RequestSent => ("partner_request_sent", None, None),
                    AuditKind::RequestAccepted => ("partner_request_accepted", None, None),
                    AuditKind::RequestRejected => ("partner_request_rejected", None, None),
                    AuditKind::RequestDeleted { by, status_before } => (
                        "partner_request_deleted",
                        Some(side_text(by)),
                        Some(status_before.as_str()),
                    ),
                };
                EventColumns {
                    action,
                    partner_request_id: Some(request.to_string()),
                    side,
                    status_before,
                    ..EventColumns::default()
                }
            }
            AuditEvent::Document {
                item,
                item_kind,
                name,
                kind,
            } => EventColumns {
                action: kind.action().as_str(),
                item_id: Some(item.to_string()),
                item_kind: Some(item_kind.as_str()),
                item_name: Some(name.as_str()),
                other_name: kind.other_name().map(ItemName::as_str),
                version: kind
                    .version()
                    .map(|number| i32::try_from(number).unwrap_or(i32::MAX)),
                share_with: kind.share_parts().map(|parts| parts.with),
                share_role: kind
                    .share_parts()
                    .and_then(|parts| parts.grant)
                    .map(|(role, _)| role.as_str()),
                share_downloads: kind
                    .share_parts()
                    .and_then(|parts| parts.grant)
                    .map(|(_, downloads)| downloads),
                ..EventColumns::default()
            },
            AuditEvent::Proof { item, name, kind } => EventColumns {
                action: kind.action().as_str(),
                item_id: Some(item.to_string()),
                item_kind: Some(ItemKind::File.as_str()),
                item_name: Some(name.as_str()),
                version: kind
                    .version()
                    .map(|number| i32::try_from(number).unwrap_or(i32::MAX)),
                decision: kind.decision().map(Decision::as_str),
                person: kind.person(),
                ..EventColumns::default()
            },
        }
    }
}

/// One entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The account whose log receives the entry.
    pub account_id: AccountId,
    /// The user who acted, if a user did.
    pub actor_user_id: Option<UserId>,
    /// What happened.
    pub event: AuditEvent,
    /// When it happened.
    pub created_at: Timestamp,
}

/// Who acted, as a reader of the log sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    /// The user's name.
    pub name: PersonName,
    /// Their organization's name.
    pub organization: AccountName,
}

/// What an entry shows of the partner request it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestNames {
    /// The sender organization's name.
    pub sender_name: AccountName,
    /// The recipient organization's name.
    pub recipient_name: AccountName,
    /// The address the request was sent to.
    pub recipient_email: Email,
}

/// A stored entry, as [`list`] returns it, with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The entry's id.
    pub id: Uuid,
    /// The account whose log holds the entry.
    pub account_id: AccountId,
    /// What happened.
    pub event: AuditEvent,
    /// When it happened.
    pub created_at: Timestamp,
    /// The acting user, if the entry has one that still exists.
    pub actor: Option<AuditActor>,
    /// Their id.
    pub actor_user_id: Option<UserId>,
    /// For partner entries: the request's organizations and address.
    pub partner_request: Option<RequestNames>,
}

/// Where a page of [`list`] ends: the next page holds the entries older than this one.
pub type Cursor = TimeCursor<Uuid>;

impl AuditEntry {
    /// The cursor that continues a listing after this entry.
    pub fn cursor(&self) -> Cursor {
        TimeCursor {
            at: self.created_at,
            id: self.id,
        }
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    account_id: String,
    action: String,
    partner_request_id: Option<String>,
    side: Option<String>,
    status_before: Option<String>,
    item_id: Option<String>,
    item_kind: Option<String>,
    item_name: Option<String>,
    other_name: Option<String>,
    version: Option<i32>,
    share_with: Option<String>,
    share_role: Option<String>,
    share_downloads: Option<bool>,
    decision: Option<String>,
    person: Option<String>,
    created_at: i64,
    actor_user_id: Option<String>,
    actor_name: Option<String>,
    actor_account_name: Option<String>,
    request_sender_name: Option<String>,
    request_recipient_name: Option<String>,
    request_recipient_email: Option<String>,
}

impl AuditRow {
    /// The event its typed columns hold.
    fn event(&self) -> Result<AuditEvent, StoreError> {
        let corrupt = |column| StoreError::Corrupt { column };
        if let Ok(action) = self.action.parse::<DocumentAuditAction>() {
            return self.document_event(action);
        }
        if let Ok(action) = self.action.parse::<ProofAuditAction>() {
            return self.proof_event(action);
        }
        let kind = match self.action.as_str() {
            "partner_request_sent" => AuditKind::RequestSent,
            "partner_request_accepted" => AuditKind::RequestAccepted,
            "partner_request_rejected" => AuditKind::RequestRejected,
            "partner_request_deleted" => AuditKind::RequestDeleted {
                by: match self.side.as_deref() {
                    Some("sender") => Side::Sender,
                    Some("recipient") => Side::Recipient,
                    _ => return Err(corrupt("audit_log.side")),
                },
                status_before: decode::parsed::<RequestStatus>(
                    self.status_before.as_deref().unwrap_or_default(),
                    "audit_log.status_before",
                )?,
            },
            _ => return Err(corrupt("audit_log.action")),
        };
        let request = self
            .partner_request_id
            .as_deref()
            .ok_or(corrupt("audit_log.partner_request_id"))?;
        Ok(AuditEvent::Partner {
            request: decode::id(request, "audit_log.partner_request_id")?,
            kind,
        })
    }

    /// The document event its item columns hold.
    fn document_event(&self, action: DocumentAuditAction) -> Result<AuditEvent, StoreError> {
        let corrupt = |column| StoreError::Corrupt { column };
        let name = |text: &Option<String>, column| match text.as_deref() {
            Some(text) => ItemName::parse(text).map(Some).map_err(|_| corrupt(column)),
            None => Ok(None),
        };
        let version = self
            .version
            .map(|number| u32::try_from(number).map_err(|_| corrupt("audit_log.version")))
            .transpose()?;
        let grant = match (self.share_role.as_deref(), self.share_downloads) {
            (Some(role), Some(downloads)) => Some((
                decode::parsed::<ShareRole>(role, "audit_log.share_role")?,
                downloads,
            )),
            (None, None) => None,
            _ => return Err(corrupt("audit_log.share_role")),
        };
        let share = self
            .share_with
            .clone()
            .map(|with| ShareAuditParts { with, grant });
        let kind = DocumentAuditKind::from_parts(
            action,
            name(&self.other_name, "audit_log.other_name")?,
            version,
            share,
        )
        .map_err(|_| corrupt("audit_log.action"))?;
        Ok(AuditEvent::Document {
            item: decode::id(
                self.item_id.as_deref().unwrap_or_default(),
                "audit_log.item_id",
            )?,
            item_kind: decode::parsed(
                self.item_kind.as_deref().unwrap_or_default(),
                "audit_log.item_kind",
            )?,
            name: name(&self.item_name, "audit_log.item_name")?
                .ok_or(corrupt("audit_log.item_name"))?,
            kind,
        })
    }
}

impl AuditRow {
    /// The proof event its item, version, decision and person columns hold.
    fn proof_event(&self, action: ProofAuditAction) -> Result<AuditEvent, StoreError> {
        let corrupt = |column| StoreError::Corrupt { column };
        if self.item_kind.as_deref() != Some(ItemKind::File.as_str()) {
            return Err(corrupt("audit_log.item_kind"));
        }
        let version = self
            .version
            .map(|number| u32::try_from(number).map_err(|_| corrupt("audit_log.version")))
            .transpose()?;
        let decision = self
            .decision
            .as_deref()
            .map(|text| decode::parsed::<Decision>(text, "audit_log.decision"))
            .transpose()?;
        let kind = ProofAuditKind::from_parts(action, version, decision, self.person.clone())
            .map_err(|_| corrupt("audit_log.action"))?;
        Ok(AuditEvent::Proof {
            item: decode::id(
                self.item_id.as_deref().unwrap_or_default(),
                "audit_log.item_id",
            )?,
            name: ItemName::parse(self.item_name.as_deref().unwrap_or_default())
                .map_err(|_| corrupt("audit_log.item_name"))?,
            kind,
        })
    }
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<AuditEntry, StoreError> {
        let actor = match (&row.actor_name, &row.actor_account_name) {
            (Some(name), Some(organization)) => Some(AuditActor {
                name: decode::person_name(name, "users.name")?,
                organization: decode::account_name(organization, "accounts.name")?,
            }),
            _ => None,
        };
        let partner_request = match (
            &row.request_sender_name,
            &row.request_recipient_name,
            &row.request_recipient_email,
        ) {
            (Some(sender), Some(recipient), Some(email)) => Some(RequestNames {
                sender_name: decode::account_name(sender, "accounts.name")?,
                recipient_name: decode::account_name(recipient, "accounts.name")?,
                recipient_email: decode::email(email, "partner_requests.recipient_email")?,
            }),
            _ => None,
        };
        Ok(AuditEntry {
            event: row.event()?,
            id: decode::id(&row.id, "audit_log.id")?,
            account_id: decode::id(&row.account_id, "audit_log.account_id")?,
            created_at: Timestamp(row.created_at),
            actor_user_id: row
                .actor_user_id
                .as_deref()
                .map(|id| decode::id(id, "audit_log.actor_user_id"))
                .transpose()?,
            actor,
            partner_request,
        })
    }
}

/// Records `entry` in the caller's transaction and returns its new id; the entry is also
/// published to the open pages once the transaction commits (`store::live`).
#[instrument(skip_all, fields(account_id = %entry.account_id, event = ?entry.event))]
pub async fn record(tx: &mut Tx, entry: &NewEntry) -> Result<Uuid, StoreError> {
    let ids = record_all(tx, std::slice::from_ref(entry)).await?;
    Ok(ids[0])
}

/// The columns of an entry, in the order of [`record_all`]'s placeholders.
const COLUMNS: usize = 18;

/// Records `entries` in one statement of the caller's transaction and returns their new ids
/// in order; each is published to the open pages once the transaction commits.
#[instrument(skip_all, fields(entries = entries.len()))]
pub async fn record_all(tx: &mut Tx, entries: &[NewEntry]) -> Result<Vec<Uuid>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = entries.iter().map(|_| Uuid::new_v4()).collect();
    let sql = format!(
        "INSERT INTO audit_log (id, account_id, actor_user_id, action, partner_request_id, \
         side, status_before, created_at, item_id, item_kind, item_name, other_name, \
         version, share_with, share_role, share_downloads, decision, person) VALUES {}",
        value_groups(entries.len(), COLUMNS, 1)
    );
    on_tx!(tx, |conn| {
        let mut statement = sqlx::query(&sql);
        for (entry, id) in entries.iter().zip(&ids) {
            let columns = entry.event.columns();
            statement = statement
                .bind(id.to_string())
                .bind(entry.account_id.to_string())
                .bind(entry.actor_user_id.map(|user| user.to_string()))
                .bind(columns.action)
                .bind(columns.partner_request_id)
                .bind(columns.side)
                .bind(columns.status_before)
                .bind(entry.created_at.0)
                .bind(columns.item_id)
                .bind(columns.item_kind)
                .bind(columns.item_name)
                .bind(columns.other_name)
                .bind(columns.version)
                .bind(columns.share_with)
                .bind(columns.share_role)
                .bind(columns.share_downloads)
                .bind(columns.decision)
                .bind(columns.person);
        }
        statement.execute(conn).await.map(|_| ())
    })?;
    // Every audited change is also news for the open pages of those allowed to see it.
    for id in &ids {
        tx.publish(super::live::Change::Audit { entry: *id });
    }
    Ok(ids)
}

/// An entry with the names a reader needs (the actor, the partner request it is about).
const SELECT: &str = "SELECT l.id, l.account_id, l.action, l.partner_request_id, l.side, \
            l.status_before, l.item_id, l.item_kind, l.item_name, l.other_name, l.version, \
            l.share_with, l.share_role, l.share_downloads, l.decision, l.person, \
            l.created_at, l.actor_user_id, u.name AS actor_name, \
            ua.name AS actor_account_name, sa.name AS request_sender_name, \
            ra.name AS request_recipient_name, r.recipient_email AS request_recipient_email \
         FROM audit_log l \
         LEFT JOIN users u ON u.id = l.actor_user_id \
         LEFT JOIN accounts ua ON ua.id = u.account_id \
         LEFT JOIN partner_requests r ON r.id = l.partner_request_id \
         LEFT JOIN accounts sa ON sa.id = r.sender_account_id \
         LEFT JOIN accounts ra ON ra.id = r.recipient_account_id ";

/// The entry `id` with the names a reader needs; `None` if there is no such entry.
#[instrument(skip_all, fields(%id))]
pub async fn get(db: impl Into<Db<'_>>, id: Uuid) -> Result<Option<AuditEntry>, StoreError> {
    let sql = format!("{SELECT}WHERE l.id = $1");
    let row: Option<AuditRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(AuditEntry::try_from).transpose()
}

/// Lists up to `limit` entries of `account_id`, newest first, after `before` when given, with
/// the names a reader needs (the actor, and the partner request an entry is about).
#[instrument(skip_all, fields(%account_id, limit))]
pub async fn list(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let page = match before {
        None => " ORDER BY l.created_at DESC, l.id LIMIT $2",
        Some(_) => {
            " AND (l.created_at < $3 OR (l.created_at = $3 AND l.id > $4)) \
             ORDER BY l.created_at DESC, l.id LIMIT $2"
        }
    };
    let sql = format!("{SELECT}WHERE l.account_id = $1{page}");
    let rows: Vec<AuditRow> = on_db!(db, |conn| {
        let mut statement = sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .bind(limit);
        if let Some(cursor) = before {
            statement = statement.bind(cursor.at.0).bind(cursor.id.to_string());
        }
        statement.fetch_all(conn).await
    })?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}
