//! One named test per rule of sections 4.2, 4.3 and 4.4.

use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

use super::*;
use crate::ids::{AccountId, UserId};
use crate::partnership::{RecordError, RowLabel, StoredPartnerRequest, view};
use crate::profile::Profile;

const S: AccountId = AccountId::from_uuid(Uuid::from_u128(0x5));
const R: AccountId = AccountId::from_uuid(Uuid::from_u128(0x7));
const X: AccountId = AccountId::from_uuid(Uuid::from_u128(0x9));

fn admin(account: AccountId, n: u128) -> Actor {
    Actor {
        account,
        user: UserId::from_uuid(Uuid::from_u128(account.as_uuid().as_u128() * 100 + n)),
        profile: Profile::Administrator,
        active: true,
    }
}

fn email(text: &str) -> Email {
    Email::parse(text).expect("valid address")
}

fn found(account: AccountId) -> RecipientLookup {
    RecipientLookup::Found {
        account,
        active: true,
    }
}

/// Sends from an admin of `from` to `to_email` (a user of `to`), given the existing requests.
fn send_to(
    from: AccountId,
    to: AccountId,
    to_email: &str,
    existing: &[PartnerRequest],
) -> Result<Decision, SendError> {
    // Every request a test creates gets its own id.
    static NEXT_ID: AtomicU64 = AtomicU64::new(1000);
    let id = PartnerRequestId::from_uuid(Uuid::from_u128(
        NEXT_ID.fetch_add(1, Ordering::Relaxed).into(),
    ));
    send(
        &admin(from, 1),
        &email(to_email),
        found(to),
        existing,
        id,
        Timestamp(100),
    )
}

/// A fresh pending request from S to `bob@r.example` (a user of R).
fn pending() -> PartnerRequest {
    send_to(S, R, "bob@r.example", &[])
        .expect("send is allowed")
        .request
}

fn accepted() -> PartnerRequest {
    accept(&admin(R, 1), &pending(), &[], Timestamp(200))
        .expect("accept")
        .request
}

fn rejected() -> PartnerRequest {
    reject(&admin(R, 1), &pending(), Timestamp(200))
        .expect("reject")
        .request
}

fn delete_by(account: AccountId, request: &PartnerRequest) -> PartnerRequest {
    delete(&admin(account, 2), request, Timestamp(300))
        .expect("delete is allowed")
        .request
}

fn label_and_actions(
    request: &PartnerRequest,
    viewer: AccountId,
) -> Option<(RowLabel, Vec<Action>)> {
    view(request, viewer).map(|row| (row.label, row.actions))
}

// ---- 4.2 What each side sees ----

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
fn an_account_not_party_to_a_request_sees_nothing() {
    assert_eq!(view(&pending(), X), None);
}

// ---- 4.3.1 Send ----

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

// ---- 4.3.4 Delete by the sender side ----

#[test]
fn sender_delete_of_pending_archives_it_for_both() {
    let decision = delete(&admin(S, 2), &pending(), Timestamp(300)).expect("allowed");
    assert!(decision.request.is_archived());
    assert_eq!(
        (view(&decision.request, S), view(&decision.request, R)),
        (None, None)
    );
    assert_eq!(
        decision.effects,
        [Effect::Audit(AuditKind::RequestDeleted {
            by: Side::Sender,
            status_before: RequestStatus::Pending
        })]
    );
    assert!(send_to(S, R, "bob@r.example", &[decision.request]).is_ok());
}

#[test]
fn sender_delete_of_rejected_hides_it_for_the_sender_only() {
    let request = delete_by(S, &rejected());
    assert!(!request.is_archived());
    assert_eq!(view(&request, S), None);
    assert_eq!(
        view(&request, R).map(|row| row.label),
        Some(RowLabel::Rejected)
    );
}

#[test]
fn sender_delete_of_partner_ends_the_partnership_and_archives_it_for_both() {
    let decision = delete(&admin(S, 2), &accepted(), Timestamp(300)).expect("allowed");
    assert!(decision.request.is_archived() && !decision.request.is_partnership());
    assert_eq!(
        decision.effects[0],
        Effect::Sync(ContactSync::Stop { a: S, b: R })
    );
    assert!(
        send_to(
            R,
            S,
            "ann@s.example",
            std::slice::from_ref(&decision.request)
        )
        .is_ok()
    );
    assert!(send_to(S, R, "bob@r.example", &[decision.request]).is_ok());
}

// ---- 4.3.5 Delete by the recipient side ----

#[test]
fn recipient_delete_of_pending_shows_rejected_to_sender() {
    let decision = delete(&admin(R, 2), &pending(), Timestamp(300)).expect("allowed");
    assert_eq!(view(&decision.request, R), None);
    assert_eq!(
        view(&decision.request, S).map(|row| row.label),
        Some(RowLabel::Rejected)
    );
    assert!(
        !decision
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::Email(_))),
        "no email"
    );
}

#[test]
fn recipient_delete_of_rejected_hides_it_for_the_recipient_only() {
    let request = delete_by(R, &rejected());
    assert!(!request.is_archived());
    assert_eq!(view(&request, R), None);
    assert_eq!(
        view(&request, S).map(|row| row.label),
        Some(RowLabel::Rejected)
    );
}

#[test]
fn recipient_delete_of_partner_ends_it_and_shows_rejected_to_sender_until_sender_deletes() {
    let decision = delete(&admin(R, 2), &accepted(), Timestamp(300)).expect("allowed");
    assert!(!decision.request.is_partnership());
    assert!(
        decision
            .effects
            .contains(&Effect::Sync(ContactSync::Stop { a: S, b: R }))
    );
    assert_eq!(view(&decision.request, R), None);
    assert_eq!(
        label_and_actions(&decision.request, S),
        Some((RowLabel::Rejected, vec![Action::Delete]))
    );
    let existing = std::slice::from_ref(&decision.request);
    assert_eq!(
        send_to(S, R, "bob@r.example", existing).map(|_| ()),
        Err(SendError::InvitationDeclined)
    );
    assert!(send_to(S, R, "bob@r.example", &[delete_by(S, &decision.request)]).is_ok());
}

// ---- 4.4 Reconciliation: a rejection blocks until both have deleted, in either order ----

#[test]
fn reconciliation_recipient_deletes_first_then_sender() {
    let after_recipient = delete_by(R, &pending());
    assert_eq!(
        send_to(
            S,
            R,
            "bob@r.example",
            std::slice::from_ref(&after_recipient)
        )
        .map(|_| ()),
        Err(SendError::InvitationDeclined)
    );
    let after_both = delete_by(S, &after_recipient);
    assert!(after_both.is_archived());
    assert!(send_to(S, R, "bob@r.example", &[after_both]).is_ok());
}

#[test]
fn reconciliation_sender_deletes_first_then_recipient() {
    let after_sender = delete_by(S, &rejected());
    assert_eq!(
        send_to(S, R, "bob@r.example", std::slice::from_ref(&after_sender)).map(|_| ()),
        Err(SendError::InvitationDeclined)
    );
    let after_both = delete_by(R, &after_sender);
    assert!(after_both.is_archived());
    assert!(send_to(S, R, "bob@r.example", &[after_both]).is_ok());
}

// ---- Who may act ----

#[test]
fn non_admins_and_inactive_users_may_do_nothing() {
    let request = pending();
    let mut refused = vec![Actor {
        active: false,
        ..admin(R, 1)
    }];
    refused.extend(
        [Profile::Manager, Profile::Standard, Profile::Reviewer].map(|profile| Actor {
            profile,
            ..admin(R, 1)
        }),
    );
    for actor in refused {
        for action in Action::ALL {
            assert_eq!(
                perform(action, &actor, &request, &[], Timestamp(1)).map(|_| ()),
                Err(ActionError::NotAllowed)
            );
        }
        let sent = send(
            &Actor {
                account: S,
                ..actor
            },
            &email("bob@r.example"),
            found(R),
            &[],
            request.id(),
            Timestamp(1),
        );
        assert_eq!(sent.map(|_| ()), Err(SendError::NotAllowed));
    }
}

#[test]
fn a_request_this_account_cannot_see_is_not_found() {
    let not_party = pending();
    let deleted_by_us = delete_by(S, &rejected());
    let archived = delete_by(S, &pending());
    let cases = [
        (X, &not_party),
        (S, &deleted_by_us),
        (S, &archived),
        (R, &archived),
    ];
    for (account, request) in cases {
        for action in Action::ALL {
            let answer = perform(action, &admin(account, 1), request, &[], Timestamp(1));
            assert_eq!(
                answer.map(|_| ()),
                Err(ActionError::NotFound),
                "{action:?} by {account}"
            );
        }
    }
}

// ---- The record ----

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

#[test]
fn every_refusal_reads_as_a_sentence() {
    let messages: Vec<String> = [
        ActionError::NotAllowed.to_string(),
        ActionError::NotFound.to_string(),
        SendError::InvitationDeclined.to_string(),
        SendError::IncomingRequestPending {
            request: pending().id(),
        }
        .to_string(),
    ]
    .into();
    assert!(
        messages
            .iter()
            .all(|message| message.ends_with('.') && message.starts_with(char::is_uppercase))
    );
    assert_eq!(
        SendError::InvitationDeclined.to_string(),
        "You have already invited this person; they declined. You can invite them again once both organizations have deleted that request."
    );
}
