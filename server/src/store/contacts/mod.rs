//! SQL for an account's contacts (SPEC 2): hand-added contacts, members kept in sync with
//! partner accounts, and the Contacts page listing that combines them with the account's users.
//!
//! What happens to a row is always decided by `entente_core::contacts`; this module loads the
//! facts, asks core, and writes the row core returns. Every operation is filtered by indexed
//! columns, so its cost follows the rows it touches, never the number of accounts:
//!
//! | operation | reads through |
//! |---|---|
//! | [`sync::sync_partnership_formed`] | `users_account_id_idx`, then `contacts_account_email_key` per user |
//! | [`sync::sync_user_added`] and the other user events | `users` primary key, `partner_requests_partnership_*_idx`, `contacts_account_email_key` per partner |
//! | [`sync::sync_partnership_ended`] | `contacts_account_partner_account_idx` |
//! | [`list::list`] | `users_account_name_sort_idx`, `contacts_account_name_sort_idx` (keyset, never OFFSET) |
//! | [`add_contact`] / [`remove_contact`] | `users_email_key`, `contacts_account_email_key`, primary key |

pub mod list;
pub mod sync;
mod write;

use entente_core::contacts::{ContactRow, MemberSync};
use entente_core::{AccountId, ContactId, Email, PersonName, Timestamp};
use tracing::instrument;
use uuid::Uuid;

use super::decode;
use super::error::{Conflict, Constraint, ConstraintKind, map_violation};
use super::{StoreError, Tx};

pub use list::{ContactListRow, Cursor, ListedId, MemberOrigin, Page, Query, list};
pub use sync::{
    sync_partnership_ended, sync_partnership_formed, sync_user_added, sync_user_deactivated,
    sync_user_reactivated, sync_user_renamed,
};

/// Every named constraint of `contacts`, in both migrations (see `store::error`).
const CONTACTS_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "contacts_account_email_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "contacts.account_id, contacts.email",
        conflict: Some(Conflict::ContactExists),
    },
    Constraint {
        name: "contacts_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "contacts_partner_account_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "contacts_partner_user_id_fkey",
        kind: ConstraintKind::ForeignKey,
        sqlite_detail: "",
        conflict: None,
    },
    Constraint {
        name: "contacts_email_lowercase_check",
        kind: ConstraintKind::Check,
        sqlite_detail: "contacts_email_lowercase_check",
        conflict: None,
    },
];

/// A stored contact row as both engines return it (the columns core's [`ContactRow`] needs).
#[derive(sqlx::FromRow)]
struct StoredContactRow {
    id: String,
    kind: String,
    name: String,
    active: bool,
    synced: bool,
}

/// A contact row read back: its id and what core knows about it.
struct StoredContact {
    id: ContactId,
    row: ContactRow,
}

impl TryFrom<StoredContactRow> for StoredContact {
    type Error = StoreError;

    fn try_from(stored: StoredContactRow) -> Result<StoredContact, StoreError> {
        let name = decode::person_name(&stored.name, "contacts.name")?;
        let row = match stored.kind.as_str() {
            "contact" => ContactRow::HandAdded { name },
            "member" => ContactRow::Member {
                name,
                active: stored.active,
                sync: if stored.synced {
                    MemberSync::Synced
                } else {
                    MemberSync::NoLongerSynced
                },
            },
            _ => {
                return Err(StoreError::Corrupt {
                    column: "contacts.kind",
                });
            }
        };
        Ok(StoredContact {
            id: decode::id(&stored.id, "contacts.id")?,
            row,
        })
    }
}

/// Adds a hand-added contact to `account_id` and returns its id.
///
/// Refused with [`Conflict::ContactExists`] when the address is already a user of this
/// account, or a member or contact of it (the latter by `contacts_account_email_key`); the
/// caller then drops the transaction.
#[instrument(skip_all, fields(%account_id))]
pub async fn add_contact(
    tx: &mut Tx,
    account_id: AccountId,
    name: &PersonName,
    email: &Email,
    now: Timestamp,
) -> Result<ContactId, StoreError> {
    let is_user_here: Option<i32> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT 1 FROM users WHERE email = $1 AND account_id = $2")
            .bind(email.as_str())
            .bind(account_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    if is_user_here.is_some() {
        return Err(Conflict::ContactExists.into());
    }
    let contact_id = ContactId::from_uuid(Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO contacts (id, account_id, email, name, kind, active, synced, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, 'contact', TRUE, FALSE, $5, $5)",
        )
        .bind(contact_id.to_string())
        .bind(account_id.to_string())
        .bind(email.as_str())
        .bind(name.as_str())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, CONTACTS_CONSTRAINTS))?;
    tracing::debug!(%contact_id, "contact added");
    Ok(contact_id)
}

/// Removes a hand-added contact of `account_id`.
///
/// Members are kept by sync and cannot be removed here; a member's id, another account's
/// contact or an unknown id all give [`Conflict::NotFound`] and change nothing.
#[instrument(skip_all, fields(%account_id, %contact_id))]
pub async fn remove_contact(
    tx: &mut Tx,
    account_id: AccountId,
    contact_id: ContactId,
) -> Result<(), StoreError> {
    let removed = on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM contacts WHERE id = $1 AND account_id = $2 AND kind = 'contact'")
            .bind(contact_id.to_string())
            .bind(account_id.to_string())
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if removed == 0 {
        return Err(Conflict::NotFound.into());
    }
    Ok(())
}
