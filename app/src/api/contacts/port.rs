//! The port the Contacts page asks the server through (SPEC 2).

use entente_core::{AccountId, ContactId, Email, PersonName};

use crate::api::contacts::{ContactsPage, ContactsQuery};
use crate::api::services::BoxFuture;

/// Why a Contacts operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// The address is already listed (a user of this account, a member or a contact).
    #[error("This person is already in your contacts.")]
    AlreadyListed,
    /// No hand-added contact of this account has that id (members and other accounts'
    /// contacts included, so nothing is revealed about them).
    #[error("We could not find that contact. It may have been removed.")]
    NotFound,
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Contacts page of one account, as the server implements it (SPEC 2).
pub trait ContactsService: Send + Sync + 'static {
    /// One page of the account's users, members and hand-added contacts, by name (keyset).
    fn list(
        &self,
        account_id: AccountId,
        query: ContactsQuery,
    ) -> BoxFuture<'_, Result<ContactsPage, ContactsError>>;

    /// Adds a hand-added contact; refused with [`ContactsError::AlreadyListed`] if listed already.
    fn add(
        &self,
        account_id: AccountId,
        name: PersonName,
        email: Email,
    ) -> BoxFuture<'_, Result<ContactId, ContactsError>>;

    /// Removes a hand-added contact of the account; anything else is [`ContactsError::NotFound`].
    fn remove(
        &self,
        account_id: AccountId,
        contact_id: ContactId,
    ) -> BoxFuture<'_, Result<(), ContactsError>>;
}
