//! Contacts and partner sync on both engines: shared helpers, then one module per area.

mod list;
mod requests;
mod sync;

use entente_core::contacts::{ContactKind, MemberSync};
use entente_core::partnership::{PartnerRequest, RequestStatus, StoredPartnerRequest};
use entente_core::{
    AccountId, AccountName, ContactId, Email, PartnerRequestId, PersonName, Profile, Timestamp,
    UserId,
};
use entente_server::store::accounts::{self, NewAccount};
use entente_server::store::contacts::{self, ContactListRow, ListedId, Query};
use entente_server::store::users::{self, NewUser};
use entente_server::store::{Conflict, Store, StoreError, partner_requests};
use uuid::Uuid;

pub(crate) use crate::support::engines::{execute_raw, fetch_count};
use crate::support::fixtures::Organization;

pub(crate) const NOW: Timestamp = Timestamp(1_700_000_000);

pub(crate) fn name(text: &str) -> PersonName {
    PersonName::parse(text).expect("a valid name")
}

pub(crate) fn email(text: &str) -> Email {
    Email::parse(text).expect("a valid address")
}

/// An account named after `slug`, with its Administrator `admin@<slug>.example`.
pub(crate) struct Org {
    pub(crate) id: AccountId,
    pub(crate) admin: UserId,
}

impl Org {
    /// The account and first Administrator of an organization that signed up.
    pub(crate) fn of(organization: &Organization) -> Org {
        Org {
            id: organization.account_id,
            admin: organization.admin_id,
        }
    }
}

/// The account `"<slug> Ltd"` with its Administrator `"<slug> Admin"`,
/// `admin@<slug>.example`, who has no password yet.
pub(crate) fn new_account(slug: &str) -> NewAccount {
    NewAccount {
        account_name: AccountName::parse(&format!("{slug} Ltd")).expect("a valid name"),
        admin_name: name(&format!("{slug} Admin")),
        admin_email: email(&format!("admin@{slug}.example")),
        password_hash: None,
    }
}

/// Creates and commits [`new_account`]`(slug)`, its address confirmed (at `<slug>.example`),
/// so it may take part in partnerships.
pub(crate) async fn org(store: &Store, slug: &str) -> Org {
    let mut tx = store.begin_write().await.unwrap();
    let (id, admin) = accounts::create_account_with_admin(&mut tx, &new_account(slug), NOW)
        .await
        .unwrap();
    accounts::mark_verified(&mut tx, id, &format!("{slug}.example"), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Org { id, admin }
}

/// A user of `account_id` with `profile`, without a password.
pub(crate) fn new_user<'a>(
    account_id: AccountId,
    user_name: &'a PersonName,
    address: &'a Email,
    profile: Profile,
) -> NewUser<'a> {
    NewUser {
        account_id,
        name: user_name,
        email: address,
        profile,
        password_hash: None,
    }
}

/// Adds a Standard user to `org` and syncs the addition, in one transaction.
pub(crate) async fn add_user(store: &Store, org: &Org, user_name: &str, address: &str) -> UserId {
    let (user_name, address) = (name(user_name), email(address));
    let mut tx = store.begin_write().await.unwrap();
    let user_id = users::create_user(
        &mut tx,
        new_user(org.id, &user_name, &address, Profile::Standard),
        NOW,
    )
    .await
    .unwrap();
    contacts::sync_user_added(&mut tx, user_id, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    user_id
}

/// Changes a user's row directly (the users issue owns those writes); the caller syncs it.
pub(crate) async fn change_user(store: &Store, user_id: UserId, set: &str) {
    execute_raw(
        store,
        &format!("UPDATE users SET {set} WHERE id = '{user_id}'"),
    )
    .await
    .unwrap();
}

/// The stored facts of an accepted request from `from` (its Administrator) to `to_address` at `to`.
fn accepted(from: &Org, to: &Org, to_address: &str) -> StoredPartnerRequest {
    StoredPartnerRequest {
        id: PartnerRequestId::from_uuid(Uuid::new_v4()),
        sender_account: from.id,
        sending_user: from.admin,
        recipient_email: email(to_address),
        recipient_account: to.id,
        status: RequestStatus::Accepted,
        deleted_by_sender: false,
        deleted_by_recipient: false,
        archived: false,
        created_at: NOW,
        updated_at: NOW,
    }
}

/// The request core restores from these stored facts.
pub(crate) fn restored(stored: &StoredPartnerRequest) -> PartnerRequest {
    PartnerRequest::restore(stored.clone()).expect("facts core accepts")
}

/// Stores an accepted request from `from` to `to` and syncs the partnership, in one transaction.
pub(crate) async fn partner(
    store: &Store,
    from: &Org,
    to: &Org,
    to_address: &str,
) -> StoredPartnerRequest {
    let request = accepted(from, to, to_address);
    let mut tx = store.begin_write().await.unwrap();
    partner_requests::insert(&mut tx, &restored(&request))
        .await
        .unwrap();
    contacts::sync_partnership_formed(&mut tx, from.id, to.id, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    request
}

/// The sender deletes the partnership: archived, and sync stops, in one transaction.
pub(crate) async fn end(store: &Store, request: StoredPartnerRequest) {
    let ended = StoredPartnerRequest {
        deleted_by_sender: true,
        archived: true,
        updated_at: Timestamp(NOW.0 + 1),
        ..request
    };
    let mut tx = store.begin_write().await.unwrap();
    partner_requests::update(&mut tx, &restored(&ended))
        .await
        .unwrap();
    let partners = partner_requests::current_partners(&mut tx, ended.sender_account)
        .await
        .unwrap();
    assert!(
        !partners.contains(&ended.recipient_account),
        "an archived request links nobody"
    );
    contacts::sync_partnership_ended(&mut tx, ended.sender_account, ended.recipient_account, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Every row of `account`'s Contacts page, page by page.
async fn all_rows(store: &Store, account: AccountId, search: Option<&str>) -> Vec<ContactListRow> {
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let query = Query {
            search: search.map(str::to_owned),
            after,
            limit: 50,
        };
        let page = contacts::list(store, account, query).await.unwrap();
        rows.extend(page.rows);
        match page.next {
            Some(next) => after = Some(next),
            None => return rows,
        }
    }
}

/// The row with this address on `account`'s Contacts page, if listed.
async fn row(store: &Store, account: AccountId, address: &str) -> Option<ContactListRow> {
    let rows = all_rows(store, account, None).await;
    let mut matching = rows.into_iter().filter(|row| row.email.as_str() == address);
    let found = matching.next();
    assert!(matching.next().is_none(), "{address} is listed once");
    found
}

/// `(name, active, sync)` of the member with this address, panicking if it is not a member.
async fn member(store: &Store, account: AccountId, address: &str) -> (String, bool, MemberSync) {
    let row = row(store, account, address).await.expect("listed");
    assert_eq!(row.kind, ContactKind::Member, "{row:?}");
    let origin = row.member_of.expect("a member shows its origin");
    (row.name.to_string(), row.active, origin.sync)
}

/// Waits until `task` has finished or, on PostgreSQL, some transaction of this database waits
/// for a lock (SQLite's second writer waits inside `BEGIN IMMEDIATE`, so there is nothing to see).
async fn wait_until_finished_or_waiting_for_a_lock(
    store: &Store,
    task: &tokio::task::JoinHandle<()>,
) {
    if store.engine() != entente_server::store::Engine::Postgres {
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let waiting = "SELECT COUNT(*) FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    while !task.is_finished() && fetch_count(store, waiting).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "neither finished nor waiting"
        );
        tokio::task::yield_now().await;
    }
}
