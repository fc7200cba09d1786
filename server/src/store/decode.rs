//! Reading stored text back as `entente-core`'s types: every aggregate decodes its columns
//! through these functions, so a value that no longer parses is always
//! [`StoreError::Corrupt`] naming its `table.column`, and nothing leaves the store untyped.

use std::str::FromStr;

use entente_core::{AccountName, Email, PersonName, Profile};
use uuid::Uuid;

use super::StoreError;

/// A TEXT id column as any of core's id newtypes (or a plain [`Uuid`]).
pub(crate) fn id<T: From<Uuid>>(text: &str, column: &'static str) -> Result<T, StoreError> {
    Uuid::parse_str(text)
        .map(T::from)
        .map_err(|_| StoreError::Corrupt { column })
}

/// A stored address, normalized when it was written.
pub(crate) fn email(text: &str, column: &'static str) -> Result<Email, StoreError> {
    Email::parse(text).map_err(|_| StoreError::Corrupt { column })
}

/// A person's stored name.
pub(crate) fn person_name(text: &str, column: &'static str) -> Result<PersonName, StoreError> {
    PersonName::parse(text).map_err(|_| StoreError::Corrupt { column })
}

/// An organization's stored name.
pub(crate) fn account_name(text: &str, column: &'static str) -> Result<AccountName, StoreError> {
    AccountName::parse(text).map_err(|_| StoreError::Corrupt { column })
}

/// A stored profile (`Profile::as_str`).
pub(crate) fn profile(text: &str, column: &'static str) -> Result<Profile, StoreError> {
    parsed(text, column)
}

/// Any stored text with a `FromStr` that core defines (statuses, sides, kinds).
pub(crate) fn parsed<T: FromStr>(text: &str, column: &'static str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt { column })
}

#[cfg(test)]
mod tests {
    use entente_core::UserId;

    use super::*;

    #[test]
    fn a_value_that_does_not_decode_names_its_column() {
        let id: Result<UserId, _> = id("not-a-uuid", "users.id");
        assert!(matches!(
            id,
            Err(StoreError::Corrupt { column: "users.id" })
        ));
        assert!(matches!(
            email("no at sign", "users.email"),
            Err(StoreError::Corrupt {
                column: "users.email"
            })
        ));
        assert!(matches!(
            profile("Administrator", "users.profile"),
            Err(StoreError::Corrupt { .. })
        ));
        assert_eq!(
            profile("billing_administrator", "users.profile").ok(),
            Some(Profile::BillingAdministrator)
        );
    }
}
