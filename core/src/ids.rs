//! Identifier newtypes, so an account id can never be passed where a user id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Why a string could not be read as an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum IdParseError {
    /// The text is not a UUID.
    #[error("This identifier is not valid.")]
    NotAUuid,
}

macro_rules! uuid_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID that the caller generated or read from storage.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Returns the wrapped UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, formatter)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text.trim()).map(Self).map_err(|_| IdParseError::NotAUuid)
            }
        }
    };
}

uuid_newtype!(
    /// Identifies an account, that is one organization.
    AccountId
);
uuid_newtype!(
    /// Identifies a user (a person who signs in) of one account.
    UserId
);
uuid_newtype!(
    /// Identifies a partner request (section 4.1 of the specification).
    PartnerRequestId
);
uuid_newtype!(
    /// Identifies a row of an account's contacts.
    ContactId
);
uuid_newtype!(
    /// Identifies a folder or a file of an account's documents (SPEC 3.1); a file keeps its id
    /// across all its versions.
    ItemId
);
uuid_newtype!(
    /// Identifies one version of a file (SPEC 3.1).
    VersionId
);
uuid_newtype!(
    /// Identifies one share of an item with a partner account or one of its people (SPEC 3.3).
    ShareId
);
uuid_newtype!(
    /// Identifies one comment (or reply) on a version of a proof (SPEC 3.2).
    CommentId
);

/// A moment in time as whole seconds since the Unix epoch, supplied by the caller (core has no clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_through_display_and_from_str() {
        let id = AccountId::from_uuid(Uuid::from_u128(0x1234));
        let text = id.to_string();
        assert_eq!(text, "00000000-0000-0000-0000-000000001234");
        assert_eq!(text.parse::<AccountId>(), Ok(id));
    }

    #[test]
    fn id_rejects_text_that_is_not_a_uuid() {
        assert_eq!("not-a-uuid".parse::<UserId>(), Err(IdParseError::NotAUuid));
        assert_eq!("".parse::<ContactId>(), Err(IdParseError::NotAUuid));
    }

    #[test]
    fn id_converts_to_and_from_uuid() {
        let id = PartnerRequestId::from_uuid(Uuid::from_u128(7));
        let uuid: Uuid = id.into();
        assert_eq!(uuid, Uuid::from_u128(7));
        assert_eq!(PartnerRequestId::from(uuid), id);
        assert_eq!(id.as_uuid(), uuid);
    }
}
