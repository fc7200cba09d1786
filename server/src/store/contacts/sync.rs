//! Partner sync (SPEC 2) as storage operations: each runs in the caller's transaction, loads
//! only the rows concerned, asks `entente_core::contacts` what happens to each, and writes the
//! row core returns.
//!
//! Users and members are matched by address (`contacts_account_email_key`): an address belongs
//! to one user of one account, so a contact row with a partner user's address is that user's
//! member, or a hand-added contact that core may upgrade.

use entente_core::contacts::{ContactChange, PartnerUser, SyncEvent, apply_change, on_sync_event};
use entente_core::{AccountId, Email, Timestamp, UserId};
use tracing::instrument;

use super::write::Writes;
use super::{StoredContact, StoredContactRow};
use crate::store::decode;
use crate::store::{Conflict, StoreError, Tx, TxInner};

/// A user of one account, with the facts sync copies to the accounts it partners with.
pub(super) struct SourceUser {
    pub(super) id: UserId,
    pub(super) account: AccountId,
    pub(super) email: Email,
    pub(super) facts: PartnerUser,
}

#[derive(sqlx::FromRow)]
struct SourceUserRow {
    id: String,
    account_id: String,
    email: String,
    name: String,
    active: bool,
}

impl TryFrom<SourceUserRow> for SourceUser {
    type Error = StoreError;

    fn try_from(row: SourceUserRow) -> Result<SourceUser, StoreError> {
        Ok(SourceUser {
            id: decode::id(&row.id, "users.id")?,
            account: decode::id(&row.account_id, "users.account_id")?,
            email: decode::email(&row.email, "users.email")?,
            facts: PartnerUser {
                name: decode::person_name(&row.name, "users.name")?,
                active: row.active,
            },
        })
    }
}

/// A user of one side joined with the contact row holding their address on the other side.
#[derive(sqlx::FromRow)]
struct UserWithContactRow {
    id: String,
    account_id: String,
    email: String,
    name: String,
    active: bool,
    contact_id: Option<String>,
    contact_kind: Option<String>,
    contact_name: Option<String>,
    contact_active: Option<bool>,
    contact_synced: Option<bool>,
}

impl UserWithContactRow {
    fn split(self) -> Result<(SourceUser, Option<StoredContact>), StoreError> {
        let contact = match (
            self.contact_id,
            self.contact_kind,
            self.contact_name,
            self.contact_active,
            self.contact_synced,
        ) {
            (Some(id), Some(kind), Some(name), Some(active), Some(synced)) => {
                Some(StoredContact::try_from(StoredContactRow {
                    id,
                    kind,
                    name,
                    active,
                    synced,
                })?)
            }
            _ => None,
        };
        let user = SourceUser::try_from(SourceUserRow {
            id: self.id,
            account_id: self.account_id,
            email: self.email,
            name: self.name,
            active: self.active,
        })?;
        Ok((user, contact))
    }
}

/// Syncs a partnership just formed (for the first time or again) in both directions.
///
/// The columns of a [`UserWithContactRow`]: a user (`u`) and the contact (`c`) that copies
/// them at the other side, if any. Both partnership syncs read this shape.
macro_rules! user_with_contact_columns {
    () => {
        "SELECT u.id, u.account_id, u.email, u.name, u.active, \
         c.id AS contact_id, c.kind AS contact_kind, c.name AS contact_name, \
         c.active AS contact_active, c.synced AS contact_synced "
    };
}

/// Every active user of each side becomes a synced member of the other side; a hand-added
/// contact with the same address is upgraded; members left from an earlier partnership catch
/// up (name, activity, synced again). Reads each side's users by `users_account_id_idx` and
/// the matching contact by `contacts_account_email_key`.
#[instrument(skip_all, fields(%a, %b))]
pub async fn sync_partnership_formed(
    tx: &mut Tx,
    a: AccountId,
    b: AccountId,
    now: Timestamp,
) -> Result<(), StoreError> {
    lock_accounts(tx, &[a, b]).await?;
    tx.publish(crate::store::live::Change::Contacts { accounts: [a, b] });
    for (from, to) in [(a, b), (b, a)] {
        let rows: Vec<UserWithContactRow> = on_tx!(tx, |conn| {
            sqlx::query_as(concat!(
                user_with_contact_columns!(),
                "FROM users u LEFT JOIN contacts c ON c.account_id = $2 AND c.email = u.email \
                     WHERE u.account_id = $1",
            ))
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(conn)
            .await
        })?;
        let mut writes = Writes::default();
        for row in rows {
            let (user, existing) = row.split()?;
            let event = SyncEvent::PartnershipFormed {
                user: user.facts.clone(),
            };
            decide(&mut writes, to, &user, existing, &event);
        }
        writes.write(tx, now).await?;
    }
    Ok(())
}

/// Syncs a partnership that ended: the members each side has from the other stay, marked no
/// longer synced. Reads by `contacts_account_partner_account_idx`.
#[instrument(skip_all, fields(%a, %b))]
pub async fn sync_partnership_ended(
    tx: &mut Tx,
    a: AccountId,
    b: AccountId,
    now: Timestamp,
) -> Result<(), StoreError> {
    lock_accounts(tx, &[a, b]).await?;
    tx.publish(crate::store::live::Change::Contacts { accounts: [a, b] });
    for (from, to) in [(a, b), (b, a)] {
        let rows: Vec<UserWithContactRow> = on_tx!(tx, |conn| {
            sqlx::query_as(concat!(
                user_with_contact_columns!(),
                "FROM contacts c JOIN users u ON u.id = c.partner_user_id \
                     WHERE c.account_id = $1 AND c.partner_account_id = $2",
            ))
            .bind(to.to_string())
            .bind(from.to_string())
            .fetch_all(conn)
            .await
        })?;
        let mut writes = Writes::default();
        for row in rows {
            let (user, existing) = row.split()?;
            decide(
                &mut writes,
                to,
                &user,
                existing,
                &SyncEvent::PartnershipEnded,
            );
        }
        writes.write(tx, now).await?;
    }
    Ok(())
}

/// Syncs a user just added to their account: they appear as a member at every current partner.
#[instrument(skip_all, fields(%user_id))]
pub async fn sync_user_added(
    tx: &mut Tx,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sync_user_event(tx, user_id, now, |user| SyncEvent::UserAdded {
        user: user.facts.clone(),
        partners: true,
    })
    .await
}

/// Syncs a user reactivated in their account ([`SyncEvent::UserReactivated`]: core decides
/// what it means at each current partner).
#[instrument(skip_all, fields(%user_id))]
pub async fn sync_user_reactivated(
    tx: &mut Tx,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sync_user_event(tx, user_id, now, |user| SyncEvent::UserReactivated {
        user: user.facts.clone(),
        partners: true,
    })
    .await
}

/// Syncs a user's new name (already stored in `users`) to their member rows at current partners.
#[instrument(skip_all, fields(%user_id))]
pub async fn sync_user_renamed(
    tx: &mut Tx,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sync_user_event(tx, user_id, now, |user| SyncEvent::UserRenamed {
        name: user.facts.name.clone(),
        partners: true,
    })
    .await
}

/// Syncs a deactivation: the user's member rows at current partners are marked inactive (kept).
#[instrument(skip_all, fields(%user_id))]
pub async fn sync_user_deactivated(
    tx: &mut Tx,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sync_user_event(tx, user_id, now, |_| SyncEvent::UserDeactivated {
        partners: true,
    })
    .await
}

/// Sends one user's event to every current partner of their account.
///
/// Only current partners are visited: for former partners core decides
/// [`ContactChange::Nothing`] (`partners: false`), so reading their rows would change nothing.
/// One query reads every current partner with its contact row for the user's address
/// (`partner_requests_partnership_*_idx`, then `contacts_account_email_key`); core decides each
/// row; the writes go out together ([`Writes`]), so the statements do not grow with the
/// number of partners.
async fn sync_user_event(
    tx: &mut Tx,
    user_id: UserId,
    now: Timestamp,
    event_for: impl Fn(&SourceUser) -> SyncEvent,
) -> Result<(), StoreError> {
    let account: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT account_id FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    let account = decode::id(&account.ok_or(Conflict::NotFound)?, "users.account_id")?;
    lock_accounts(tx, &[account]).await?;
    // Read under the lock: a concurrent partnership change is now committed or waits for us.
    let row: Option<SourceUserRow> = on_tx!(tx, |conn| {
        sqlx::query_as("SELECT id, account_id, email, name, active FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    let user = SourceUser::try_from(row.ok_or(Conflict::NotFound)?)?;
    let event = event_for(&user);
    let partners: Vec<PartnerContactRow> = on_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT p.account_id AS partner_account_id, c.id, c.kind, c.name, c.active, c.synced \
             FROM (SELECT recipient_account_id AS account_id FROM partner_requests \
                   WHERE sender_account_id = $1 AND status = 'accepted' AND archived = FALSE \
                   UNION \
                   SELECT sender_account_id FROM partner_requests \
                   WHERE recipient_account_id = $1 AND status = 'accepted' AND archived = FALSE) p \
             LEFT JOIN contacts c ON c.account_id = p.account_id AND c.email = $2",
        )
        .bind(user.account.to_string())
        .bind(user.email.as_str())
        .fetch_all(conn)
        .await
    })?;
    let mut writes = Writes::default();
    let any_partner = !partners.is_empty();
    for partner in partners {
        let (owner, existing) = partner.split()?;
        decide(&mut writes, owner, &user, existing, &event);
    }
    if any_partner {
        // The partners' open Contacts pages learn of it once this commits.
        tx.publish(crate::store::live::Change::People {
            account: user.account,
        });
    }
    writes.write(tx, now).await
}

/// A current partner of a user's account, with its contact row for the user's address.
#[derive(sqlx::FromRow)]
struct PartnerContactRow {
    partner_account_id: String,
    id: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    active: Option<bool>,
    synced: Option<bool>,
}

impl PartnerContactRow {
    fn split(self) -> Result<(AccountId, Option<StoredContact>), StoreError> {
        let owner = decode::id(&self.partner_account_id, "partner_requests.account_id")?;
        let contact = match (self.id, self.kind, self.name, self.active, self.synced) {
            (Some(id), Some(kind), Some(name), Some(active), Some(synced)) => {
                Some(StoredContact::try_from(StoredContactRow {
                    id,
                    kind,
                    name,
                    active,
                    synced,
                })?)
            }
            _ => None,
        };
        Ok((owner, contact))
    }
}

/// Serializes sync work per account, so a user change and a partnership formed or ended at
/// the same moment cannot miss each other.
///
/// On PostgreSQL (READ COMMITTED) each transaction could otherwise read the other's rows
/// before they commit: the new user's sync sees no partner yet, and the partnership's sync
/// does not see the new user yet. Locking the account rows (in id order, so two
/// transactions never wait on each other in a cycle) makes the later one read after the
/// earlier one commits. `FOR NO KEY UPDATE` conflicts with itself but not with the key-share
/// locks that foreign-key checks take, so inserting users or requests never deadlocks with it.
/// SQLite's `BEGIN IMMEDIATE` already holds the only write lock.
pub(crate) async fn lock_accounts(tx: &mut Tx, accounts: &[AccountId]) -> Result<(), StoreError> {
    let TxInner::Postgres(transaction) = &mut tx.inner else {
        return Ok(());
    };
    let mut ids: Vec<String> = accounts.iter().map(AccountId::to_string).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE")
            .bind(id)
            .fetch_optional(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// Asks core what `event` does to `owner`'s row for `user`, and collects the row core
/// returns in `writes`.
fn decide(
    writes: &mut Writes,
    owner: AccountId,
    user: &SourceUser,
    existing: Option<StoredContact>,
    event: &SyncEvent,
) {
    let (existing_id, existing_row) = match existing {
        Some(contact) => (Some(contact.id), Some(contact.row)),
        None => (None, None),
    };
    let change = on_sync_event(event, existing_row.as_ref());
    if change == ContactChange::Nothing {
        return;
    }
    tracing::debug!(%owner, user_id = %user.id, ?change, "contact sync");
    match (existing_id, apply_change(existing_row, change)) {
        (_, None) => {}
        (None, Some(row)) => writes.insert(owner, user, &row),
        (Some(id), Some(row)) => writes.update(id, owner, user, &row),
    }
}
