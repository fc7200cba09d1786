//! What each side sees of a request in the Partners tab (section 4.2) and which actions it offers.

use serde::{Deserialize, Serialize};

use super::{PartnerRequest, RequestStatus, Side};
use crate::email::Email;
use crate::ids::{AccountId, Timestamp, UserId};

/// A button or menu entry on a row of the Partners tab.
///
/// Its stable text (`accept`, `reject_and_ignore`, `delete`) is what a page posts and what the
/// address says after the change (`?done=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

    /// The stable text a form posts and an address carries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::RejectAndIgnore => "reject_and_ignore",
            Self::Delete => "delete",
        }
    }

    /// Reads [`Action::as_str`]'s text; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == text)
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

/// Which rows of the Partners tab a listing keeps, by the status text the viewing side sees.
///
/// The server turns each filter into SQL (it uses the indexes) and a table-driven test on both
/// engines proves that SQL keeps exactly the rows [`StatusFilter::admits`] admits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusFilter {
    /// Every row.
    #[default]
    All,
    /// "Received - Awaiting Your Approval".
    AwaitingYourApproval,
    /// "Sent - Awaiting Approval".
    SentAwaitingApproval,
    /// "Partner".
    Partners,
    /// "Rejected".
    Rejected,
}

impl StatusFilter {
    /// Every filter, in the order the page offers them.
    pub const ALL: [Self; 5] = [
        Self::All,
        Self::AwaitingYourApproval,
        Self::SentAwaitingApproval,
        Self::Partners,
        Self::Rejected,
    ];

    /// The value in the page address (`?status=`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::AwaitingYourApproval => "awaiting",
            Self::SentAwaitingApproval => "sent",
            Self::Partners => "partners",
            Self::Rejected => "rejected",
        }
    }

    /// The option's text.
    pub const fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::AwaitingYourApproval => "Awaiting your approval",
            Self::SentAwaitingApproval => "Sent, awaiting approval",
            Self::Partners => "Partners",
            Self::Rejected => "Rejected",
        }
    }

    /// Reads `?status=`; anything unknown (or nothing) shows every row.
    pub fn from_query(text: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|filter| Some(filter.as_str()) == text)
            .unwrap_or_default()
    }

    /// Whether a row the viewer sees with `label` is kept by this filter.
    pub const fn admits(self, label: RowLabel) -> bool {
        matches!(
            (self, label),
            (Self::All, _)
                | (
                    Self::AwaitingYourApproval,
                    RowLabel::ReceivedAwaitingYourApproval
                )
                | (Self::SentAwaitingApproval, RowLabel::SentAwaitingApproval)
                | (Self::Partners, RowLabel::Partner)
                | (Self::Rejected, RowLabel::Rejected)
        )
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

    #[test]
    fn each_status_filter_keeps_the_rows_labelled_its_way() {
        use RowLabel::*;
        let labels = [
            SentAwaitingApproval,
            ReceivedAwaitingYourApproval,
            Partner,
            Rejected,
        ];
        let kept = |filter: StatusFilter| -> Vec<RowLabel> {
            labels
                .into_iter()
                .filter(|label| filter.admits(*label))
                .collect()
        };
        assert_eq!(kept(StatusFilter::All), labels);
        assert_eq!(
            kept(StatusFilter::AwaitingYourApproval),
            [ReceivedAwaitingYourApproval]
        );
        assert_eq!(
            kept(StatusFilter::SentAwaitingApproval),
            [SentAwaitingApproval]
        );
        assert_eq!(kept(StatusFilter::Partners), [Partner]);
        assert_eq!(kept(StatusFilter::Rejected), [Rejected]);
        for filter in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_query(Some(filter.as_str())), filter);
        }
        assert_eq!(StatusFilter::from_query(Some("bogus")), StatusFilter::All);
        assert_eq!(StatusFilter::from_query(None), StatusFilter::All);
    }

    #[test]
    fn actions_have_a_stable_text() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("Accept"), None);
        assert_eq!(Action::RejectAndIgnore.as_str(), "reject_and_ignore");
    }
}
