//! The Contacts page's port ([`ContactsService`]): list, add and remove over `store::contacts`.

use entente_app::api::contacts::port::{ContactsError, ContactsService};
use entente_app::api::contacts::{ContactEntry, ContactsPage, ContactsQuery, PartnerOrigin};
use entente_app::api::services::BoxFuture;
use entente_core::{AccountId, ContactId, Email, PersonName};

use crate::store::contacts::{self, ContactListRow, Cursor, ListedId, Query};
use crate::store::{Conflict, Store, StoreError, now};

/// The Contacts page's service: every call goes to the shared store.
pub struct StoreContacts {
    store: Store,
}

impl StoreContacts {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl ContactsService for StoreContacts {
    fn list(
        &self,
        account_id: AccountId,
        query: ContactsQuery,
    ) -> BoxFuture<'_, Result<ContactsPage, ContactsError>> {
        Box::pin(async move {
            let after = match query.after.as_deref() {
                Some(token) => {
                    Some(Cursor::from_token(token).ok_or(ContactsError::InvalidPageLink)?)
                }
                None => None,
            };
            let query = Query {
                search: query.search,
                after,
                limit: query.limit,
            };
            let page = contacts::list(&self.store, account_id, query)
                .await
                .map_err(internal)?;
            Ok(ContactsPage {
                rows: page.rows.into_iter().map(entry).collect(),
                next: page.next.map(|cursor| cursor.to_token()),
            })
        })
    }

    fn add(
        &self,
        account_id: AccountId,
        name: PersonName,
        email: Email,
    ) -> BoxFuture<'_, Result<ContactId, ContactsError>> {
        Box::pin(async move {
            let now = now();
            let mut tx = self.store.begin_write().await.map_err(internal)?;
            let contact_id = contacts::add_contact(&mut tx, account_id, &name, &email, now)
                .await
                .map_err(|error| match error.conflict() {
                    Some(Conflict::ContactExists) => ContactsError::AlreadyListed,
                    _ => internal(error),
                })?;
            tx.commit().await.map_err(internal)?;
            Ok(contact_id)
        })
    }

    fn remove(
        &self,
        account_id: AccountId,
        contact_id: ContactId,
    ) -> BoxFuture<'_, Result<(), ContactsError>> {
        Box::pin(async move {
            let mut tx = self.store.begin_write().await.map_err(internal)?;
            contacts::remove_contact(&mut tx, account_id, contact_id)
                .await
                .map_err(|error| match error.conflict() {
                    Some(Conflict::NotFound) => ContactsError::NotFound,
                    _ => internal(error),
                })?;
            tx.commit().await.map_err(internal)
        })
    }
}

/// A store failure the page cannot act on.
fn internal(error: StoreError) -> ContactsError {
    ContactsError::Internal(Box::new(error))
}

/// The page's view of one listed row; only hand-added contacts carry an id to remove them by.
fn entry(row: ContactListRow) -> ContactEntry {
    let removable_id = match (row.kind, row.id) {
        (entente_core::contacts::ContactKind::Contact, ListedId::Contact(id)) => Some(id),
        _ => None,
    };
    ContactEntry {
        kind: row.kind,
        removable_id,
        name: row.name,
        email: row.email,
        active: row.active,
        member_of: row.member_of.map(|origin| PartnerOrigin {
            organization: origin.account_name,
            sync: origin.sync,
        }),
    }
}
