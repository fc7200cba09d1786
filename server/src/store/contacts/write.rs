//! Writes one contact row exactly as core's `apply_change` returned it (insert or update).

use entente_core::contacts::{ContactRow, MemberSync};
use entente_core::{AccountId, ContactId, Timestamp};
use uuid::Uuid;

use super::CONTACTS_CONSTRAINTS;
use super::sync::SourceUser;
use crate::store::error::map_violation;
use crate::store::{StoreError, Tx};

/// The columns a [`ContactRow`] is stored as: kind, name, active, synced, and for members the
/// partner account and user they come from.
struct RowColumns<'a> {
    kind: &'static str,
    name: &'a str,
    active: bool,
    synced: bool,
    partner_account_id: Option<String>,
    partner_user_id: Option<String>,
}

fn columns<'a>(row: &'a ContactRow, user: &SourceUser) -> RowColumns<'a> {
    match row {
        ContactRow::HandAdded { name } => RowColumns {
            kind: "contact",
            name: name.as_str(),
            active: true,
            synced: false,
            partner_account_id: None,
            partner_user_id: None,
        },
        ContactRow::Member { name, active, sync } => RowColumns {
            kind: "member",
            name: name.as_str(),
            active: *active,
            synced: *sync == MemberSync::Synced,
            partner_account_id: Some(user.account.to_string()),
            partner_user_id: Some(user.id.to_string()),
        },
    }
}

/// Inserts `row` as a new contact of `owner` with `user`'s address.
pub(super) async fn insert_row(
    tx: &mut Tx,
    owner: AccountId,
    user: &SourceUser,
    row: &ContactRow,
    now: Timestamp,
) -> Result<(), StoreError> {
    let columns = columns(row, user);
    let contact_id = ContactId::from_uuid(Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO contacts (id, account_id, email, name, kind, partner_account_id, \
             partner_user_id, active, synced, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(contact_id.to_string())
        .bind(owner.to_string())
        .bind(user.email.as_str())
        .bind(columns.name)
        .bind(columns.kind)
        .bind(&columns.partner_account_id)
        .bind(&columns.partner_user_id)
        .bind(columns.active)
        .bind(columns.synced)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, CONTACTS_CONSTRAINTS))
}

/// Overwrites the contact `contact_id` with `row`.
pub(super) async fn update_row(
    tx: &mut Tx,
    contact_id: ContactId,
    user: &SourceUser,
    row: &ContactRow,
    now: Timestamp,
) -> Result<(), StoreError> {
    let columns = columns(row, user);
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE contacts SET kind = $1, name = $2, partner_account_id = $3, \
             partner_user_id = $4, active = $5, synced = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(columns.kind)
        .bind(columns.name)
        .bind(&columns.partner_account_id)
        .bind(&columns.partner_user_id)
        .bind(columns.active)
        .bind(columns.synced)
        .bind(now.0)
        .bind(contact_id.to_string())
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, CONTACTS_CONSTRAINTS))
}
