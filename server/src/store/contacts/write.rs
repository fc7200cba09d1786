//! Writes contact rows exactly as core's `apply_change` returned them, a whole sync operation
//! at a time: the rows are collected first, then written in a few multi-row statements (one
//! `INSERT … SELECT` and one `UPDATE … FROM` over a `VALUES` list per chunk), so the statements
//! a change costs, and the time it holds the write lock, do not grow with the number of
//! partners or users it reaches.

use entente_core::contacts::{ContactRow, MemberSync};
use entente_core::{AccountId, ContactId, Timestamp};
use uuid::Uuid;

use super::CONTACTS_CONSTRAINTS;
use super::sync::SourceUser;
use crate::store::error::map_violation;
use crate::store::{StoreError, Tx, value_groups};

/// Rows per statement: far below both engines' limits on bound values (SQLite 32,766,
/// PostgreSQL 65,535) at nine or seven values a row.
const CHUNK: usize = 500;

/// A contact row as stored: which row, and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredColumns {
    id: ContactId,
    owner: AccountId,
    email: String,
    kind: &'static str,
    name: String,
    active: bool,
    synced: bool,
    partner_account_id: Option<String>,
    partner_user_id: Option<String>,
}

impl StoredColumns {
    /// How `row` is stored as the contact `id` of `owner` for `user`: kind, name, active,
    /// synced, and for members the partner account and user they come from.
    fn of(id: ContactId, owner: AccountId, row: &ContactRow, user: &SourceUser) -> Self {
        let (kind, name, active, synced, from) = match row {
            ContactRow::HandAdded { name } => ("contact", name, true, false, None),
            ContactRow::Member { name, active, sync } => (
                "member",
                name,
                *active,
                *sync == MemberSync::Synced,
                Some((user.account.to_string(), user.id.to_string())),
            ),
        };
        let (partner_account_id, partner_user_id) = from.unzip();
        StoredColumns {
            id,
            owner,
            email: user.email.as_str().to_owned(),
            kind,
            name: name.as_str().to_owned(),
            active,
            synced,
            partner_account_id,
            partner_user_id,
        }
    }
}

/// The rows one sync operation writes.
#[derive(Debug, Default)]
pub(super) struct Writes {
    inserts: Vec<StoredColumns>,
    updates: Vec<StoredColumns>,
}

impl Writes {
    /// Stores `row` as a new contact of `owner` with `user`'s address.
    pub(super) fn insert(&mut self, owner: AccountId, user: &SourceUser, row: &ContactRow) {
        let id = ContactId::from_uuid(Uuid::new_v4());
        self.inserts.push(StoredColumns::of(id, owner, row, user));
    }

    /// Overwrites the contact `id` of `owner` with `row`.
    pub(super) fn update(
        &mut self,
        id: ContactId,
        owner: AccountId,
        user: &SourceUser,
        row: &ContactRow,
    ) {
        self.updates.push(StoredColumns::of(id, owner, row, user));
    }

    /// Writes every collected row in the caller's transaction.
    pub(super) async fn write(self, tx: &mut Tx, now: Timestamp) -> Result<(), StoreError> {
        for chunk in self.inserts.chunks(CHUNK) {
            insert(tx, chunk, now).await?;
        }
        for chunk in self.updates.chunks(CHUNK) {
            update(tx, chunk, now).await?;
        }
        Ok(())
    }
}

/// Inserts `rows` in one statement; `$1` is `now`.
async fn insert(tx: &mut Tx, rows: &[StoredColumns], now: Timestamp) -> Result<(), StoreError> {
    let groups = value_groups(rows.len(), 9, 2);
    let sql = format!(
        "WITH v (id, account_id, email, name, kind, partner_account_id, partner_user_id, \
                 active, synced) AS (VALUES {groups}) \
         INSERT INTO contacts (id, account_id, email, name, kind, partner_account_id, \
             partner_user_id, active, synced, created_at, updated_at) \
         SELECT id, account_id, email, name, kind, partner_account_id, partner_user_id, \
                active, synced, $1, $1 FROM v"
    );
    on_tx!(tx, |conn| {
        let mut statement = sqlx::query(&sql).bind(now.0);
        for row in rows {
            statement = statement
                .bind(row.id.to_string())
                .bind(row.owner.to_string())
                .bind(&row.email)
                .bind(&row.name)
                .bind(row.kind)
                .bind(&row.partner_account_id)
                .bind(&row.partner_user_id)
                .bind(row.active)
                .bind(row.synced);
        }
        statement.execute(conn).await.map(|_| ())
    })
    .map_err(|error| map_violation(error, CONTACTS_CONSTRAINTS))
}

/// Overwrites `rows` (found by id, within their owner) in one statement; `$1` is `now`.
async fn update(tx: &mut Tx, rows: &[StoredColumns], now: Timestamp) -> Result<(), StoreError> {
    let groups = value_groups(rows.len(), 8, 2);
    let sql = format!(
        "WITH v (id, account_id, kind, name, partner_account_id, partner_user_id, active, \
                 synced) AS (VALUES {groups}) \
         UPDATE contacts SET kind = v.kind, name = v.name, \
             partner_account_id = v.partner_account_id, partner_user_id = v.partner_user_id, \
             active = v.active, synced = v.synced, updated_at = $1 \
         FROM v WHERE contacts.id = v.id AND contacts.account_id = v.account_id"
    );
    on_tx!(tx, |conn| {
        let mut statement = sqlx::query(&sql).bind(now.0);
        for row in rows {
            statement = statement
                .bind(row.id.to_string())
                .bind(row.owner.to_string())
                .bind(row.kind)
                .bind(&row.name)
                .bind(&row.partner_account_id)
                .bind(&row.partner_user_id)
                .bind(row.active)
                .bind(row.synced);
        }
        statement.execute(conn).await.map(|_| ())
    })
    .map_err(|error| map_violation(error, CONTACTS_CONSTRAINTS))
}
