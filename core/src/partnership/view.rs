//! What each side sees of a request in the Partners tab (section 4.2) and which actions it offers.

use serde::{Deserialize, Serialize};

use super::{PartnerRequest, RequestStatus, Side};
use crate::ids::AccountId;

/// A button or menu entry on a row of the Partners tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Accept the request.
    Accept,
    /// Reject the request and notify the sender.
    RejectAndIgnore,
    /// Delete the request or end the partnership, for this side.
    Delete,
}

impl Action {
    /// Every action, in display order.
    pub const ALL: [Self; 3] = [Self::Accept, Self::RejectAndIgnore, Self::Delete];

    /// The text on the button.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Accept => "Accept",
            Self::RejectAndIgnore => "Reject and ignore",
            Self::Delete => "Delete",
        }
    }
}

/// The status text a side sees on a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowLabel {
    /// The sender's view of a pending request.
    SentAwaitingApproval,
    /// The recipient's view of a pending request.
    ReceivedAwaitingYourApproval,
    /// Either side's view of an accepted request.
    Partner,
    /// Either side's view of a rejected request.
    Rejected,
}

impl RowLabel {
    /// The text shown, exactly as in section 4.2.
    pub const fn text(self) -> &'static str {
        match self {
            Self::SentAwaitingApproval => "Sent - Awaiting Approval",
            Self::ReceivedAwaitingYourApproval => "Received - Awaiting Your Approval",
            Self::Partner => "Partner",
            Self::Rejected => "Rejected",
        }
    }
}

/// One row of the Partners tab as a given account sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowView {
    /// The viewer's side of the request.
    pub side: Side,
    /// The status text.
    pub label: RowLabel,
    /// The actions offered, in display order; the transitions refuse every other action.
    pub actions: Vec<Action>,
}

impl RowView {
    /// Whether the row offers `action`.
    pub fn offers(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// Returns how `viewer`'s account sees `request`, or `None` if the row is hidden for it
/// (not party to it, deleted by its side, or archived).
pub fn view(request: &PartnerRequest, viewer: AccountId) -> Option<RowView> {
    let side = request.side_of(viewer)?;
    if request.is_archived() || request.deleted_by(side) {
        return None;
    }
    let (label, actions) = match (request.status(), side) {
        (RequestStatus::Pending, Side::Sender) => {
            (RowLabel::SentAwaitingApproval, vec![Action::Delete])
        }
        (RequestStatus::Pending, Side::Recipient) => (
            RowLabel::ReceivedAwaitingYourApproval,
            vec![Action::Accept, Action::RejectAndIgnore, Action::Delete],
        ),
        (RequestStatus::Accepted, _) => (RowLabel::Partner, vec![Action::Delete]),
        (RequestStatus::Rejected, Side::Sender) => (RowLabel::Rejected, vec![Action::Delete]),
        (RequestStatus::Rejected, Side::Recipient) => {
            (RowLabel::Rejected, vec![Action::Accept, Action::Delete])
        }
    };
    Some(RowView {
        side,
        label,
        actions,
    })
}
