//! Why a partner transition was refused; each message is a sentence for the person who tried.

use serde::{Deserialize, Serialize};

use crate::ids::PartnerRequestId;

/// Why a partner request could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SendError {
    /// The user is not an active Administrator or Billing Administrator.
    #[error("Only an active Administrator or Billing Administrator can manage partners.")]
    NotAllowed,
    /// No active user has this address. An inactive user is reported the same way, so the form
    /// does not reveal who was deactivated in another organization.
    #[error(
        "No active Entente user has this email address. Both organizations need an Entente account: ask them for the address of one of their users."
    )]
    RecipientNotFound,
    /// The address belongs to a user of the sender's own account.
    #[error(
        "This address belongs to someone in your own organization. Invite a user of the other organization."
    )]
    OwnAccount,
    /// The two accounts are partners already.
    #[error("Your organizations are already partners.")]
    AlreadyPartners,
    /// The other account has already invited us; accepting that request is the way forward.
    #[error(
        "This organization has already sent you a partner request. Accept it in your Partners tab instead of sending a new one."
    )]
    IncomingRequestPending {
        /// The pending request from the other account.
        request: PartnerRequestId,
    },
    /// A pending invitation to this address from this account exists.
    #[error("You have already invited this person; the invitation is awaiting their approval.")]
    AlreadyInvited {
        /// The pending request.
        request: PartnerRequestId,
    },
    /// The organization sent [`super::MAX_INVITATIONS_PER_HOUR`] invitations within the last
    /// hour (a limit against unwanted email, checked by [`super::check_invitation_rate`]).
    #[error(
        "Your organization has sent {limit} partner invitations in the last hour. Please try again later."
    )]
    TooManyInvitations {
        /// The limit per hour.
        limit: usize,
    },
    /// The sender's organization has not confirmed its email address yet
    /// ([`super::check_may_invite`]).
    #[error(
        "Confirm your organization's email address first: we emailed you a link when you signed up. Until then your organization cannot send or receive partner invitations."
    )]
    NotVerified,
    /// An invitation to this address was declined and is not yet deleted by both sides.
    #[error(
        "You have already invited this person; they declined. You can invite them again once both organizations have deleted that request."
    )]
    InvitationDeclined,
}

/// Why accepting, rejecting or deleting a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ActionError {
    /// The user is not an active Administrator or Billing Administrator.
    #[error("Only an active Administrator or Billing Administrator can manage partners.")]
    NotAllowed,
    /// The request does not exist for this account: not party to it, deleted by this side, or
    /// archived. The server answers exactly as for an unknown id.
    #[error("This partner request no longer exists.")]
    NotFound,
    /// The sender side tried to accept or reject its own request.
    #[error("Only the organization that received this request can accept or reject it.")]
    OnlyRecipientCanAnswer,
    /// The request is already accepted.
    #[error("This request has already been accepted: your organizations are partners.")]
    AlreadyAccepted,
    /// The request is already rejected.
    #[error("This request has already been rejected.")]
    AlreadyRejected,
    /// Another request already makes the two accounts partners (stale data; no rule leads here).
    #[error("Your organizations are already partners through another request.")]
    AlreadyPartners,
}
