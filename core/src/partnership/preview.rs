//! What a row action would do, told before it is done: the Partners tab's confirmation asks
//! this module and only phrases the answer, so the rules of SPEC 4.3 live in one place.
//!
//! A preview runs the very transition the button posts ([`super::perform`]) on the request as
//! it stands and reads the outcome: what each side's row shows afterwards, whether the
//! partnership ends, who is emailed, and whether the address stays blocked for a new
//! invitation. The tests below hold it against the transitions for every reachable state.

use serde::{Deserialize, Serialize};

use super::{
    Action, ActionError, Actor, Effect, OutgoingEmail, PartnerRequest, RowLabel, Side, perform,
    view,
};
use crate::ids::{AccountId, UserId};
use crate::profile::Profile;

/// What `action` on a request would change, for the side that acts and for the other side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The action previewed.
    pub action: Action,
    /// The side that acts.
    pub side: Side,
    /// What the acting side's row says now.
    pub ours_before: RowLabel,
    /// What the acting side's row says afterwards; `None`: it is gone from its Partners tab.
    pub ours_after: Option<RowLabel>,
    /// Whether the acting side can still accept the request afterwards.
    pub we_can_accept_after: bool,
    /// What the other side's row says now; `None`: that side has already deleted it.
    pub theirs_before: Option<RowLabel>,
    /// What the other side's row says afterwards; `None`: gone from (or never again in) its tab.
    pub theirs_after: Option<RowLabel>,
    /// Whether the two organizations stop being partners.
    pub partnership_ends: bool,
    /// Whether the user who sent the request gets an email about this change.
    pub sender_emailed: bool,
    /// Whether the sending organization still cannot invite the address again afterwards
    /// (the request stays open until both sides have deleted it).
    pub address_blocked: bool,
}

/// Previews `action` on `request` as an active administrator of `viewer` would do it.
///
/// Refused exactly as the action itself would be for that administrator: a row the viewer
/// does not see is [`ActionError::NotFound`], an action its row does not offer is the
/// transition's own refusal. The other requests between the pair are not known here, so a
/// previewed Accept archives none of them (Accept is not confirmed).
pub fn preview(
    action: Action,
    request: &PartnerRequest,
    viewer: AccountId,
) -> Result<Preview, ActionError> {
    let actor = Actor {
        account: viewer,
        user: UserId::from_uuid(uuid::Uuid::nil()),
        profile: Profile::Administrator,
        active: true,
    };
    let ours_before = view(request, viewer).ok_or(ActionError::NotFound)?;
    let side = ours_before.side;
    let other = request.account_on(side.other());
    let decision = perform(action, &actor, request, &[], request.updated_at())?;
    let after = &decision.request;
    let ours_after = view(after, viewer);
    Ok(Preview {
        action,
        side,
        ours_before: ours_before.label,
        we_can_accept_after: ours_after
            .as_ref()
            .is_some_and(|row| row.offers(Action::Accept)),
        ours_after: ours_after.map(|row| row.label),
        theirs_before: view(request, other).map(|row| row.label),
        theirs_after: view(after, other).map(|row| row.label),
        partnership_ends: request.is_partnership() && !after.is_partnership(),
        sender_emailed: decision.effects.iter().any(|effect| {
            matches!(
                effect,
                Effect::Email(OutgoingEmail::Rejection { .. } | OutgoingEmail::Acceptance { .. })
            )
        }),
        address_blocked: !after.is_archived(),
    })
}

#[cfg(test)]
mod tests {
    //! The preview against the transitions, for every state a request can reach, and one
    //! named case per confirmation of SPEC 4.3.

    use super::*;
    use crate::ids::Timestamp;
    use crate::partnership::test_support::*;
    use crate::partnership::{RequestStatus, SendError, StoredPartnerRequest};

    /// Every request a sequence of rules can produce between S and R (one of each stored shape).
    fn every_state() -> Vec<PartnerRequest> {
        let base = StoredPartnerRequest::from(pending());
        let mut states = Vec::new();
        for status in RequestStatus::ALL {
            for deleted_by_sender in [false, true] {
                for deleted_by_recipient in [false, true] {
                    for archived in [false, true] {
                        let stored = StoredPartnerRequest {
                            status,
                            deleted_by_sender,
                            deleted_by_recipient,
                            archived,
                            ..base.clone()
                        };
                        if let Ok(request) = PartnerRequest::restore(stored) {
                            states.push(request);
                        }
                    }
                }
            }
        }
        states
    }

    /// Whether S may invite the request's address again once `after` stands.
    fn sender_may_invite_again(after: &PartnerRequest) -> bool {
        match send_to(
            S,
            R,
            after.recipient_email().as_str(),
            std::slice::from_ref(after),
        ) {
            Ok(_) => true,
            Err(
                SendError::AlreadyInvited { .. }
                | SendError::InvitationDeclined
                | SendError::AlreadyPartners,
            ) => false,
            Err(other) => panic!("unexpected refusal {other:?}"),
        }
    }

    #[test]
    fn the_preview_says_what_the_transition_does_in_every_state() {
        let mut previewed = 0;
        for request in every_state() {
            for viewer in [S, R, X] {
                for action in Action::ALL {
                    let offered = view(&request, viewer).is_some_and(|row| row.offers(action));
                    let answer = preview(action, &request, viewer);
                    let Ok(seen) = answer else {
                        assert!(!offered, "{action:?} offered but refused: {request:?}");
                        continue;
                    };
                    assert!(offered, "{action:?} not offered but previewed: {request:?}");
                    previewed += 1;
                    let done = perform(action, &admin(viewer, 1), &request, &[], Timestamp(900))
                        .expect("an offered action is allowed");
                    let after = &done.request;
                    let other = request.account_on(seen.side.other());
                    let label = |account| view(after, account).map(|row| row.label);
                    assert_eq!(seen.ours_after, label(viewer), "{action:?} {request:?}");
                    assert_eq!(seen.theirs_after, label(other), "{action:?} {request:?}");
                    assert_eq!(
                        seen.we_can_accept_after,
                        view(after, viewer).is_some_and(|row| row.offers(Action::Accept))
                    );
                    assert_eq!(
                        seen.partnership_ends,
                        request.is_partnership() && !after.is_partnership()
                    );
                    assert_eq!(seen.address_blocked, !sender_may_invite_again(after));
                    let emailed = done
                        .effects
                        .iter()
                        .any(|effect| matches!(effect, Effect::Email(_)));
                    assert_eq!(seen.sender_emailed, emailed, "{action:?} {request:?}");
                }
            }
        }
        // Pending (1 + 3 actions), Accepted (1 + 1), Rejected seen by both (1 + 2), and the
        // rejected rows one side already deleted (2 for the recipient, 1 for the sender).
        assert_eq!(previewed, 12);
    }

    #[test]
    fn reject_and_ignore_previews_rejected_for_both_an_email_and_a_blocked_address() {
        let seen = preview(Action::RejectAndIgnore, &pending(), R).expect("offered");
        assert_eq!(seen.side, Side::Recipient);
        assert_eq!(seen.ours_after, Some(RowLabel::Rejected));
        assert!(seen.we_can_accept_after);
        assert_eq!(seen.theirs_after, Some(RowLabel::Rejected));
        assert!(seen.sender_emailed && seen.address_blocked && !seen.partnership_ends);
    }

    #[test]
    fn sender_delete_of_pending_previews_it_gone_for_both_and_the_address_free() {
        let seen = preview(Action::Delete, &pending(), S).expect("offered");
        assert_eq!((seen.ours_after, seen.theirs_after), (None, None));
        assert!(!seen.address_blocked && !seen.sender_emailed);
    }

    #[test]
    fn recipient_delete_of_pending_previews_rejected_for_the_sender_without_email() {
        let seen = preview(Action::Delete, &pending(), R).expect("offered");
        assert_eq!(seen.ours_after, None);
        assert_eq!(seen.theirs_after, Some(RowLabel::Rejected));
        assert!(!seen.sender_emailed && seen.address_blocked);
    }

    #[test]
    fn deleting_a_partner_previews_the_end_of_the_partnership_on_either_side() {
        let by_sender = preview(Action::Delete, &accepted(), S).expect("offered");
        assert!(by_sender.partnership_ends && !by_sender.address_blocked);
        assert_eq!((by_sender.ours_after, by_sender.theirs_after), (None, None));
        let by_recipient = preview(Action::Delete, &accepted(), R).expect("offered");
        assert!(by_recipient.partnership_ends && by_recipient.address_blocked);
        assert_eq!(by_recipient.theirs_after, Some(RowLabel::Rejected));
    }

    #[test]
    fn deleting_a_rejection_previews_the_address_blocked_until_both_sides_delete() {
        let first = preview(Action::Delete, &rejected(), S).expect("offered");
        assert!(first.address_blocked);
        assert_eq!(first.theirs_after, Some(RowLabel::Rejected));
        let second = preview(Action::Delete, &delete_by(R, &rejected()), S).expect("offered");
        assert_eq!(second.theirs_before, None);
        assert!(!second.address_blocked);
        let by_recipient = preview(Action::Delete, &rejected(), R).expect("offered");
        assert!(!by_recipient.we_can_accept_after && by_recipient.address_blocked);
    }

    #[test]
    fn a_row_the_viewer_does_not_see_or_an_action_it_does_not_offer_is_refused() {
        assert_eq!(
            preview(Action::Delete, &pending(), X),
            Err(ActionError::NotFound)
        );
        assert_eq!(
            preview(Action::Accept, &pending(), S),
            Err(ActionError::OnlyRecipientCanAnswer)
        );
        assert_eq!(
            preview(Action::Delete, &delete_by(S, &rejected()), S),
            Err(ActionError::NotFound)
        );
    }
}
