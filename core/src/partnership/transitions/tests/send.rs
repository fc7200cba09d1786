//! Section 4.3.1: sending a request, and the refusals that keep an address blocked.

use uuid::Uuid;

use crate::ids::{PartnerRequestId, Timestamp};
use crate::partnership::test_support::*;
use crate::partnership::*;

#[test]
fn send_creates_a_pending_request_and_emails_an_invitation() {
    let decision = send_to(S, R, " Bob@R.example ", &[]).expect("allowed");
    let request = &decision.request;
    assert_eq!(request.status(), RequestStatus::Pending);
    assert_eq!(
        (request.sender_account(), request.recipient_account()),
        (S, R)
    );
    assert_eq!(request.sending_user(), admin(S, 1).user);
    assert_eq!(request.recipient_email().as_str(), "bob@r.example");
    assert_eq!(
        (request.created_at(), request.updated_at()),
        (Timestamp(100), Timestamp(100))
    );
    assert!(
        !request.deleted_by_sender() && !request.deleted_by_recipient() && !request.is_archived()
    );
    assert_eq!(
        decision.effects,
        [
            Effect::Email(OutgoingEmail::Invitation {
                to: email("bob@r.example")
            }),
            Effect::Audit(AuditKind::RequestSent),
        ]
    );
}

#[test]
fn send_refuses_an_address_without_an_active_user() {
    let id = PartnerRequestId::from_uuid(Uuid::from_u128(1));
    let actor = admin(S, 1);
    let to = email("nobody@r.example");
    let unknown = send(
        &actor,
        &to,
        RecipientLookup::NotFound,
        &[],
        id,
        Timestamp(1),
    );
    assert_eq!(unknown.map(|_| ()), Err(SendError::RecipientNotFound));
    let inactive = RecipientLookup::Found {
        account: R,
        active: false,
        verified: true,
    };
    assert_eq!(
        send(&actor, &to, inactive, &[], id, Timestamp(1)).map(|_| ()),
        Err(SendError::RecipientNotFound)
    );
}

#[test]
fn send_refuses_a_user_of_the_own_account() {
    assert_eq!(
        send_to(S, S, "colleague@s.example", &[]).map(|_| ()),
        Err(SendError::OwnAccount)
    );
}

#[test]
fn send_refuses_accounts_that_are_already_partners_in_either_direction() {
    let partnership = [accepted()];
    assert_eq!(
        send_to(S, R, "carol@r.example", &partnership).map(|_| ()),
        Err(SendError::AlreadyPartners)
    );
    assert_eq!(
        send_to(R, S, "ann@s.example", &partnership).map(|_| ()),
        Err(SendError::AlreadyPartners)
    );
}

#[test]
fn send_refuses_when_the_other_side_has_a_pending_request_to_us_and_points_to_it() {
    let theirs = pending();
    let answer = send_to(R, S, "ann@s.example", std::slice::from_ref(&theirs));
    assert_eq!(
        answer.map(|_| ()),
        Err(SendError::IncomingRequestPending {
            request: theirs.id()
        })
    );
}

#[test]
fn send_refuses_a_second_pending_invitation_to_the_same_address() {
    let first = pending();
    let answer = send_to(S, R, "BOB@r.example", std::slice::from_ref(&first));
    assert_eq!(
        answer.map(|_| ()),
        Err(SendError::AlreadyInvited {
            request: first.id()
        })
    );
}

#[test]
fn send_allows_several_pending_requests_to_different_users_of_one_account() {
    let first = pending();
    let second = send_to(S, R, "carol@r.example", std::slice::from_ref(&first)).expect("allowed");
    assert_eq!(second.request.status(), RequestStatus::Pending);
}

#[test]
fn rejected_address_blocked_until_both_sides_delete() {
    let request = rejected();
    let blocked = Err(SendError::InvitationDeclined);
    assert_eq!(
        send_to(S, R, "bob@r.example", std::slice::from_ref(&request)).map(|_| ()),
        blocked
    );
    let hidden_for_sender = delete_by(S, &request);
    assert_eq!(
        send_to(
            S,
            R,
            "bob@r.example",
            std::slice::from_ref(&hidden_for_sender)
        )
        .map(|_| ()),
        blocked
    );
    let both_deleted = delete_by(R, &hidden_for_sender);
    assert!(both_deleted.is_archived());
    assert!(send_to(S, R, "bob@r.example", &[both_deleted]).is_ok());
}
