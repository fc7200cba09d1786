//! The Contacts page's server functions: thin wrappers over [`ContactsService`](port::ContactsService).
//!
//! Endpoints: `POST /api/contacts/list`, `/api/contacts/add`, `/api/contacts/remove`. Each one
//! requires a signed-in user and works on that user's account only. Posted as plain forms
//! (without WebAssembly), add and remove answer with a redirect back to the page they came from.

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::contacts::{ContactKind, MemberSync};
use entente_core::{AccountName, ContactId, Email, PersonName};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many rows one page of the Contacts list shows.
pub const CONTACTS_PAGE_SIZE: u32 = 50;

/// What one page of the Contacts list is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsQuery {
    /// Only people whose name or address contains this text; `None` for everyone.
    pub search: Option<String>,
    /// The cursor token of the previous page's [`ContactsPage::next`]; `None` for the first page.
    pub after: Option<String>,
    /// How many rows at most.
    pub limit: u32,
}

/// Where a member comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerOrigin {
    /// The partner organization's name.
    pub organization: AccountName,
    /// Whether the member still follows that organization.
    pub sync: MemberSync,
}

/// One row of the Contacts page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEntry {
    /// User, Member or Contact.
    pub kind: ContactKind,
    /// The id to remove a hand-added contact with; `None` for users and members, which
    /// cannot be removed here.
    pub removable_id: Option<ContactId>,
    /// The person's name.
    pub name: PersonName,
    /// The person's address.
    pub email: Email,
    /// False for a deactivated user, or a member whose user was deactivated.
    pub active: bool,
    /// For members: the partner organization and whether the row is still synced.
    pub member_of: Option<PartnerOrigin>,
}

/// One page of the Contacts list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsPage {
    /// The rows, ordered by name.
    pub rows: Vec<ContactEntry>,
    /// The cursor token of the next page (for `?after=`), or `None` on the last page.
    pub next: Option<String>,
}

/// Lists one page of the signed-in user's contacts; `q` searches names and addresses, `after`
/// is the token of the previous page's end. Empty strings mean "not given".
#[server(endpoint = "contacts/list")]
pub async fn list_contacts(
    q: Option<String>,
    after: Option<String>,
) -> Result<ContactsPage, AppError> {
    let user = crate::api::session::signed_in_user().ok_or(AppError::Unauthenticated)?;
    let search = entente_core::SearchText::parse(q.as_deref().unwrap_or_default())
        .map_err(|error| AppError::field("q", error))?;
    let query = ContactsQuery {
        search: (!search.is_empty()).then(|| search.as_str().to_owned()),
        after: after.filter(|token| !token.trim().is_empty()),
        limit: CONTACTS_PAGE_SIZE,
    };
    crate::api::services::services()?
        .contacts
        .list(user.account_id, query)
        .await
        .map_err(contacts_error)
}

/// Adds a person by hand to the signed-in user's contacts.
///
/// Field errors name `name` or `email`; a person already listed is refused beside `email`.
#[server(endpoint = "contacts/add")]
pub async fn add_contact(name: String, email: String) -> Result<(), AppError> {
    let user = crate::api::session::signed_in_user().ok_or(AppError::Unauthenticated)?;
    let mut errors = crate::error::FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&name));
    let email = errors.check("email", Email::parse(&email));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(AppError::InvalidFields(errors));
    };
    crate::api::services::services()?
        .contacts
        .add(user.account_id, name, email)
        .await
        .map(|_| ())
        .map_err(contacts_error)
}

/// Removes a hand-added contact of the signed-in user's account. Any other id (a member,
/// another account's contact, an unknown or malformed id) is not found and changes nothing.
#[server(endpoint = "contacts/remove")]
pub async fn remove_contact(id: String) -> Result<(), AppError> {
    let user = crate::api::session::signed_in_user().ok_or(AppError::Unauthenticated)?;
    let contact_id: ContactId = id.parse().map_err(|_| AppError::NotFound)?;
    crate::api::services::services()?
        .contacts
        .remove(user.account_id, contact_id)
        .await
        .map_err(contacts_error)
}

/// Maps a service refusal to what the page shows.
#[cfg(feature = "ssr")]
fn contacts_error(error: port::ContactsError) -> AppError {
    use self::port::ContactsError;
    match error {
        ContactsError::AlreadyListed => {
            AppError::field_conflict("email", ContactsError::AlreadyListed)
        }
        ContactsError::NotFound => AppError::NotFound,
        ContactsError::InvalidPageLink => AppError::Invalid(error.to_string()),
        ContactsError::Internal(cause) => AppError::internal(cause),
    }
}
