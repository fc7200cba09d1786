//! Sections 4.3.2 and 4.3.3: accepting and rejecting a request.

use uuid::Uuid;

use crate::ids::{PartnerRequestId, Timestamp};
use crate::partnership::test_support::*;
use crate::partnership::*;
use crate::profile::Profile;

// ---- 4.3.2 Accept ----

#[test]
fn accept_forms_a_partnership_starts_sync_and_emails_the_sending_user() {
    let request = pending();
    let decision = accept(&admin(R, 1), &request, &[], Timestamp(200)).expect("allowed");
    assert!(decision.request.is_partnership());
    assert_eq!(decision.request.updated_at(), Timestamp(200));
    assert_eq!(
        decision.effects,
        [
            Effect::Sync(ContactSync::Start { a: S, b: R }),
            Effect::Email(OutgoingEmail::Acceptance {
                to_user: request.sending_user()
            }),
            Effect::Audit(AuditKind::RequestAccepted),
        ]
    );
}

#[test]
fn any_active_admin_of_the_recipient_may_accept_not_only_the_addressed_user() {
    let billing = Actor {
        profile: Profile::BillingAdministrator,
        ..admin(R, 42)
    };
    assert!(accept(&billing, &pending(), &[], Timestamp(200)).is_ok());
}

#[test]
fn accepting_a_rejected_request_shows_it_to_both_sides_again_even_if_the_sender_deleted_it() {
    let hidden_for_sender = delete_by(S, &rejected());
    assert_eq!(view(&hidden_for_sender, S), None);
    let decision = accept(&admin(R, 1), &hidden_for_sender, &[], Timestamp(400)).expect("allowed");
    assert_eq!(
        label_and_actions(&decision.request, S).map(|row| row.0),
        Some(RowLabel::Partner)
    );
    assert_eq!(
        label_and_actions(&decision.request, R).map(|row| row.0),
        Some(RowLabel::Partner)
    );
}

#[test]
fn accept_archives_every_other_open_request_between_the_pair_in_both_directions() {
    let mine = pending();
    let other_user = send_to(S, R, "carol@r.example", std::slice::from_ref(&mine))
        .expect("ok")
        .request;
    let opposite = reject(
        &admin(S, 1),
        &send_to(R, S, "ann@s.example", &[]).expect("ok").request,
        Timestamp(150),
    )
    .expect("S rejects")
    .request;
    let unrelated = send_to(S, X, "dan@x.example", &[]).expect("ok").request;
    let others = [other_user.clone(), opposite.clone(), unrelated];
    let decision = accept(&admin(R, 1), &mine, &others, Timestamp(500)).expect("allowed");
    let archived: Vec<PartnerRequestId> = decision
        .archived_others
        .iter()
        .map(PartnerRequest::id)
        .collect();
    assert_eq!(archived, [other_user.id(), opposite.id()]);
    assert!(
        decision
            .archived_others
            .iter()
            .all(|other| other.is_archived() && view(other, S).is_none())
    );
    assert!(decision.effects.contains(&Effect::Archive {
        request: opposite.id()
    }));
}

#[test]
fn the_recipient_cannot_accept_or_reject_a_request_it_has_deleted() {
    // 4.3.2: accept needs a request "not deleted by R"; R no longer sees it, so it is unknown.
    let deleted_by_recipient = delete_by(R, &rejected());
    for action in [Action::Accept, Action::RejectAndIgnore] {
        let answer = perform(
            action,
            &admin(R, 1),
            &deleted_by_recipient,
            &[],
            Timestamp(400),
        );
        assert_eq!(answer.map(|_| ()), Err(ActionError::NotFound), "{action:?}");
    }
}

#[test]
fn only_the_recipient_side_may_accept_or_reject() {
    let request = pending();
    assert_eq!(
        accept(&admin(S, 1), &request, &[], Timestamp(1)).map(|_| ()),
        Err(ActionError::OnlyRecipientCanAnswer)
    );
    assert_eq!(
        reject(&admin(S, 1), &request, Timestamp(1)).map(|_| ()),
        Err(ActionError::OnlyRecipientCanAnswer)
    );
}

#[test]
fn an_accepted_request_cannot_be_accepted_or_rejected_again() {
    let request = accepted();
    assert_eq!(
        accept(&admin(R, 1), &request, &[], Timestamp(1)).map(|_| ()),
        Err(ActionError::AlreadyAccepted)
    );
    assert_eq!(
        reject(&admin(R, 1), &request, Timestamp(1)).map(|_| ()),
        Err(ActionError::AlreadyAccepted)
    );
}

#[test]
fn accept_refuses_a_second_partnership_between_the_same_accounts() {
    // No sequence of rules leads here; stale data must still not create two partnerships.
    let partnership = accepted();
    let stored = StoredPartnerRequest {
        id: PartnerRequestId::from_uuid(Uuid::from_u128(77)),
        ..StoredPartnerRequest::from(pending())
    };
    let second = PartnerRequest::restore(stored).expect("valid record");
    assert_eq!(
        accept(&admin(R, 1), &second, &[partnership], Timestamp(1)).map(|_| ()),
        Err(ActionError::AlreadyPartners)
    );
}

// ---- 4.3.3 Reject and ignore ----

#[test]
fn reject_and_ignore_shows_rejected_on_both_sides_and_emails_the_sending_user() {
    let request = pending();
    let decision = reject(&admin(R, 1), &request, Timestamp(200)).expect("allowed");
    assert_eq!(decision.request.status(), RequestStatus::Rejected);
    assert!(view(&decision.request, S).is_some() && view(&decision.request, R).is_some());
    assert_eq!(
        decision.effects,
        [
            Effect::Email(OutgoingEmail::Rejection {
                to_user: request.sending_user()
            }),
            Effect::Audit(AuditKind::RequestRejected),
        ]
    );
}

#[test]
fn reject_applies_only_to_pending_requests() {
    assert_eq!(
        reject(&admin(R, 1), &rejected(), Timestamp(1)).map(|_| ()),
        Err(ActionError::AlreadyRejected)
    );
}
