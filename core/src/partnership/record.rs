//! The partner request record of section 4.1, with the invariants a stored row must meet.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::{AccountId, PartnerRequestId, Timestamp, UserId};

/// The status of a partner request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Sent and not yet answered.
    Pending,
    /// Accepted: while the request is not archived the two accounts are partners.
    Accepted,
    /// Rejected by the recipient, or deleted by the recipient while pending or accepted.
    Rejected,
}

/// Why a stored text is not a request status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum RequestStatusParseError {
    /// The text is none of the stored status names.
    #[error("This request status does not exist.")]
    Unknown,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Pending, Self::Accepted, Self::Rejected];

    /// The stable text stored in the database: `pending`, `accepted` or `rejected`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

impl FromStr for RequestStatus {
    type Err = RequestStatusParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(RequestStatusParseError::Unknown)
    }
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Which end of a request an account is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// The account that sent the request.
    Sender,
    /// The account the request was sent to.
    Recipient,
}

impl Side {
    /// The side across the request from this one.
    pub const fn other(self) -> Self {
        match self {
            Self::Sender => Self::Recipient,
            Self::Recipient => Self::Sender,
        }
    }
}

/// Why stored facts do not make a valid partner request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum RecordError {
    /// Sender and recipient are the same account.
    #[error("A partner request must link two different organizations.")]
    SameAccount,
    /// The last change is dated before the creation.
    #[error("A partner request cannot change before it was created.")]
    UpdatedBeforeCreated,
    /// A live pending or accepted request is marked deleted by a side, which no rule allows.
    #[error("A pending or accepted request cannot be deleted by one side and still be open.")]
    DeletedButOpen,
}

/// The facts needed to restore a request read from storage; checked by [`PartnerRequest::restore`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPartnerRequest {
    /// The request's id.
    pub id: PartnerRequestId,
    /// The account that sent it.
    pub sender_account: AccountId,
    /// The administrator who sent it.
    pub sending_user: UserId,
    /// The address it was sent to.
    pub recipient_email: Email,
    /// The account of the user with that address.
    pub recipient_account: AccountId,
    /// Its status.
    pub status: RequestStatus,
    /// Whether the sender side has deleted it.
    pub deleted_by_sender: bool,
    /// Whether the recipient side has deleted it.
    pub deleted_by_recipient: bool,
    /// Whether a rule has removed it from both sides.
    pub archived: bool,
    /// When it was sent.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A partner request (section 4.1): only built by [`crate::partnership::send`] or by
/// [`PartnerRequest::restore`], and only changed by the transition functions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredPartnerRequest", into = "StoredPartnerRequest")]
pub struct PartnerRequest {
    pub(crate) id: PartnerRequestId,
    pub(crate) sender_account: AccountId,
    pub(crate) sending_user: UserId,
    pub(crate) recipient_email: Email,
    pub(crate) recipient_account: AccountId,
    pub(crate) status: RequestStatus,
    pub(crate) deleted_by_sender: bool,
    pub(crate) deleted_by_recipient: bool,
    pub(crate) archived: bool,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
}

impl PartnerRequest {
    /// Rebuilds a request from stored facts, refusing combinations no rule can produce.
    ///
    /// A request deleted by both sides is returned archived even if the flag was not set.
    pub fn restore(stored: StoredPartnerRequest) -> Result<Self, RecordError> {
        if stored.sender_account == stored.recipient_account {
            return Err(RecordError::SameAccount);
        }
        if stored.updated_at < stored.created_at {
            return Err(RecordError::UpdatedBeforeCreated);
        }
        let archived = archived(
            stored.archived,
            stored.deleted_by_sender,
            stored.deleted_by_recipient,
        );
        let one_side_deleted = stored.deleted_by_sender || stored.deleted_by_recipient;
        if !archived && stored.status != RequestStatus::Rejected && one_side_deleted {
            return Err(RecordError::DeletedButOpen);
        }
        Ok(Self {
            id: stored.id,
            sender_account: stored.sender_account,
            sending_user: stored.sending_user,
            recipient_email: stored.recipient_email,
            recipient_account: stored.recipient_account,
            status: stored.status,
            deleted_by_sender: stored.deleted_by_sender,
            deleted_by_recipient: stored.deleted_by_recipient,
            archived,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        })
    }

    /// The request's id.
    pub fn id(&self) -> PartnerRequestId {
        self.id
    }

    /// The account that sent the request.
    pub fn sender_account(&self) -> AccountId {
        self.sender_account
    }

    /// The administrator who sent the request; acceptance and rejection emails go to them.
    pub fn sending_user(&self) -> UserId {
        self.sending_user
    }

    /// The address the request was sent to.
    pub fn recipient_email(&self) -> &Email {
        &self.recipient_email
    }

    /// The account of the user the request was sent to.
    pub fn recipient_account(&self) -> AccountId {
        self.recipient_account
    }

    /// The request's status.
    pub fn status(&self) -> RequestStatus {
        self.status
    }

    /// Whether the sender side has deleted the request.
    pub fn deleted_by_sender(&self) -> bool {
        self.deleted_by_sender
    }

    /// Whether the recipient side has deleted the request.
    pub fn deleted_by_recipient(&self) -> bool {
        self.deleted_by_recipient
    }

    /// When the request was sent.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the request last changed.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }

    /// Whether the request is archived: shown nowhere and blocking nothing, kept for the audit log.
    pub fn is_archived(&self) -> bool {
        archived(
            self.archived,
            self.deleted_by_sender,
            self.deleted_by_recipient,
        )
    }

    /// Whether this request currently makes its two accounts partners.
    pub fn is_partnership(&self) -> bool {
        self.status == RequestStatus::Accepted && !self.is_archived()
    }

    /// Which side `account` is on, or `None` if the account is not party to the request.
    pub fn side_of(&self, account: AccountId) -> Option<Side> {
        if account == self.sender_account {
            Some(Side::Sender)
        } else if account == self.recipient_account {
            Some(Side::Recipient)
        } else {
            None
        }
    }

    /// Whether `side` has deleted the request.
    pub fn deleted_by(&self, side: Side) -> bool {
        match side {
            Side::Sender => self.deleted_by_sender,
            Side::Recipient => self.deleted_by_recipient,
        }
    }

    /// The account on the other side from `side`.
    pub fn account_on(&self, side: Side) -> AccountId {
        match side {
            Side::Sender => self.sender_account,
            Side::Recipient => self.recipient_account,
        }
    }

    /// Whether the request links accounts `a` and `b`, in either direction.
    pub fn links(&self, a: AccountId, b: AccountId) -> bool {
        (self.sender_account == a && self.recipient_account == b)
            || (self.sender_account == b && self.recipient_account == a)
    }
}

/// The one definition of "archived" (SPEC 4.1): a rule removed the request from both sides
/// (`flag`), or both sides deleted it.
const fn archived(flag: bool, deleted_by_sender: bool, deleted_by_recipient: bool) -> bool {
    flag || (deleted_by_sender && deleted_by_recipient)
}

impl TryFrom<StoredPartnerRequest> for PartnerRequest {
    type Error = RecordError;

    fn try_from(stored: StoredPartnerRequest) -> Result<Self, Self::Error> {
        Self::restore(stored)
    }
}

impl From<PartnerRequest> for StoredPartnerRequest {
    fn from(request: PartnerRequest) -> Self {
        Self {
            archived: request.is_archived(),
            id: request.id,
            sender_account: request.sender_account,
            sending_user: request.sending_user,
            recipient_email: request.recipient_email,
            recipient_account: request.recipient_account,
            status: request.status,
            deleted_by_sender: request.deleted_by_sender,
            deleted_by_recipient: request.deleted_by_recipient,
            created_at: request.created_at,
            updated_at: request.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::test_support::*;

    #[test]
    fn restore_refuses_records_no_rule_can_produce() {
        let base = StoredPartnerRequest::from(pending());
        let same = StoredPartnerRequest {
            recipient_account: S,
            ..base.clone()
        };
        assert_eq!(PartnerRequest::restore(same), Err(RecordError::SameAccount));
        let backwards = StoredPartnerRequest {
            updated_at: Timestamp(1),
            ..base.clone()
        };
        assert_eq!(
            PartnerRequest::restore(backwards),
            Err(RecordError::UpdatedBeforeCreated)
        );
        let open_but_deleted = StoredPartnerRequest {
            deleted_by_recipient: true,
            ..base.clone()
        };
        assert_eq!(
            PartnerRequest::restore(open_but_deleted),
            Err(RecordError::DeletedButOpen)
        );
        let both_deleted = StoredPartnerRequest {
            status: RequestStatus::Rejected,
            deleted_by_sender: true,
            deleted_by_recipient: true,
            ..base.clone()
        };
        let restored = PartnerRequest::restore(both_deleted).expect("valid record");
        assert!(restored.is_archived() && StoredPartnerRequest::from(restored).archived);
        assert_eq!(
            PartnerRequest::try_from(base.clone()).map(StoredPartnerRequest::from),
            Ok(base)
        );
    }

    #[test]
    fn request_status_storage_text_round_trips() {
        for status in RequestStatus::ALL {
            assert_eq!(status.as_str().parse::<RequestStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!(
            "Pending".parse::<RequestStatus>(),
            Err(crate::partnership::RequestStatusParseError::Unknown)
        );
    }
}
