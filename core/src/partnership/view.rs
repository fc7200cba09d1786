//! What each side sees of a request in the Partners tab (section 4.2) and which actions it offers.

use serde::{Deserialize, Serialize};

use super::{PartnerRequest, RequestStatus, Side};
use crate::email::Email;
use crate::ids::{AccountId, Timestamp, UserId};

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
    /// The other organization, whose name the row shows (both sides see the other's name).
    pub other_account: AccountId,
    /// The address the invitation was sent to, shown to both sides.
    pub recipient_email: Email,
    /// Who sent it, shown to both sides.
    pub sent_by: UserId,
    /// When it was sent, shown to both sides.
    pub sent_at: Timestamp,
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
        other_account: request.account_on(side.other()),
        recipient_email: request.recipient_email().clone(),
        sent_by: request.sending_user(),
        sent_at: request.created_at(),
    })
}

#[cfg(test)]
mod tests {
    //! Section 4.2: one test per row of the table.

    use super::*;
    use crate::partnership::test_support::*;

    #[test]
    fn pending_shows_sent_awaiting_approval_to_sender_with_delete() {
        let row = view(&pending(), S).expect("sender sees it");
        assert_eq!(row.side, Side::Sender);
        assert_eq!(row.label.text(), "Sent - Awaiting Approval");
        assert_eq!(row.actions, [Action::Delete]);
    }

    #[test]
    fn pending_shows_received_awaiting_your_approval_to_recipient_with_accept_reject_delete() {
        let row = view(&pending(), R).expect("recipient sees it");
        assert_eq!(row.side, Side::Recipient);
        assert_eq!(row.label.text(), "Received - Awaiting Your Approval");
        assert_eq!(
            row.actions,
            [Action::Accept, Action::RejectAndIgnore, Action::Delete]
        );
        let labels: Vec<&str> = row.actions.iter().map(|action| action.label()).collect();
        assert_eq!(labels, ["Accept", "Reject and ignore", "Delete"]);
    }

    #[test]
    fn accepted_shows_partner_to_both_sides_with_delete() {
        let request = accepted();
        for viewer in [S, R] {
            assert_eq!(
                label_and_actions(&request, viewer),
                Some((RowLabel::Partner, vec![Action::Delete]))
            );
        }
        assert_eq!(RowLabel::Partner.text(), "Partner");
    }

    #[test]
    fn rejected_shows_rejected_to_sender_with_delete_and_to_recipient_with_accept_and_delete() {
        let request = rejected();
        assert_eq!(
            label_and_actions(&request, S),
            Some((RowLabel::Rejected, vec![Action::Delete]))
        );
        let recipient = view(&request, R).expect("recipient sees it");
        assert_eq!(recipient.label.text(), "Rejected");
        assert!(recipient.offers(Action::Accept) && recipient.offers(Action::Delete));
        assert!(!recipient.offers(Action::RejectAndIgnore));
    }

    #[test]
    fn a_side_that_deleted_a_request_does_not_see_it() {
        let request = delete_by(S, &rejected());
        assert_eq!(view(&request, S), None);
        assert!(view(&request, R).is_some());
    }

    #[test]
    fn both_sides_see_the_other_organization_the_address_who_sent_it_and_when() {
        for request in [pending(), accepted(), rejected()] {
            let sender = view(&request, S).expect("sender sees it");
            let recipient = view(&request, R).expect("recipient sees it");
            assert_eq!((sender.other_account, recipient.other_account), (R, S));
            for row in [&sender, &recipient] {
                assert_eq!(row.recipient_email.as_str(), "bob@r.example");
                assert_eq!(row.sent_by, admin(S, 1).user);
                assert_eq!(row.sent_at, Timestamp(100));
            }
        }
    }

    #[test]
    fn an_account_not_party_to_a_request_sees_nothing() {
        assert_eq!(view(&pending(), X), None);
    }
}
