//! Partner requests and partnerships (section 4 of the specification): the record, the
//! transitions and what each side sees.
//!
//! Every function here is pure: the caller loads the facts, calls one function, and stores the
//! returned [`Decision`] together with its [`Effect`]s in one transaction.

mod errors;
mod preview;
mod rate;
mod record;
#[cfg(test)]
mod test_support;
mod transitions;
mod verified;
mod view;

use serde::{Deserialize, Serialize};

pub use errors::{ActionError, SendError};
pub use preview::{Preview, preview};
pub use rate::{INVITATION_WINDOW_SECONDS, MAX_INVITATIONS_PER_HOUR, check_invitation_rate};
pub use record::{
    PartnerRequest, RecordError, RequestStatus, RequestStatusParseError, Side, StoredPartnerRequest,
};
pub use transitions::{accept, delete, perform, reject, send};
pub use verified::check_may_invite;
pub use view::{Action, RowLabel, RowView, StatusFilter, view};

use crate::email::Email;
use crate::ids::{AccountId, PartnerRequestId, UserId};
use crate::profile::Profile;

/// The signed-in user who attempts an action, as the server knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The account the user belongs to; it decides which side of a request they act for.
    pub account: AccountId,
    /// The user.
    pub user: UserId,
    /// The user's profile; only administrators may act on partners.
    pub profile: Profile,
    /// Whether the user is active (deactivated users may do nothing).
    pub active: bool,
}

impl Actor {
    /// Whether this user may send, accept, reject or delete partner requests at all.
    pub fn can_manage_partners(&self) -> bool {
        self.active && self.profile.can_manage_partners()
    }
}

/// What the server found when it looked up the address a request is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipientLookup {
    /// No user has this address.
    NotFound,
    /// A user has this address.
    Found {
        /// The account the user belongs to.
        account: AccountId,
        /// Whether the user is active.
        active: bool,
        /// Whether that account has confirmed its email address ([`check_may_invite`]).
        verified: bool,
    },
}

/// An email to queue in the outbox (section 4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutgoingEmail {
    /// The invitation to the address a request was sent to, linking to the Partners tab.
    Invitation {
        /// The recipient's address.
        to: Email,
    },
    /// Tells the sending user their request was rejected.
    Rejection {
        /// The user who sent the request.
        to_user: UserId,
    },
    /// Tells the sending user their request was accepted.
    Acceptance {
        /// The user who sent the request.
        to_user: UserId,
    },
}

/// A change to contact sync between two accounts (section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactSync {
    /// A partnership was formed: each side's active users become members of the other.
    Start {
        /// The sender account.
        a: AccountId,
        /// The recipient account.
        b: AccountId,
    },
    /// A partnership ended: members stay, marked no longer synced; shares stay.
    Stop {
        /// The sender account.
        a: AccountId,
        /// The recipient account.
        b: AccountId,
    },
}

/// What kind of entry the audit log records for a decision (section 4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditKind {
    /// A request was sent.
    RequestSent,
    /// A request was accepted and a partnership formed.
    RequestAccepted,
    /// A request was rejected with "Reject and ignore".
    RequestRejected,
    /// A side deleted a request; `status_before` tells a withdrawn invitation, a declined
    /// one and an ended partnership apart.
    RequestDeleted {
        /// Which side deleted it.
        by: Side,
        /// The status it had before the delete.
        status_before: RequestStatus,
    },
}

/// A consequence of a decision that the caller must carry out in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Queue this email.
    Email(OutgoingEmail),
    /// Archive this other request (its new state is in [`Decision::archived_others`]).
    Archive {
        /// The request to archive.
        request: PartnerRequestId,
    },
    /// Start or stop contact sync.
    Sync(ContactSync),
    /// Record this in the audit log.
    Audit(AuditKind),
}

/// The outcome of an allowed transition: the new state of the request, of any other request it
/// archives, and the effects to carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The request after the transition (for `send`, the new request to insert).
    pub request: PartnerRequest,
    /// Other requests between the same two accounts, now archived (only `accept` fills this).
    pub archived_others: Vec<PartnerRequest>,
    /// The effects, in the order they happen.
    pub effects: Vec<Effect>,
}
