//! Sections 4.3.4, 4.3.5 and 4.4: deleting by either side, and the order of deletes.

use crate::ids::Timestamp;
use crate::partnership::test_support::*;
use crate::partnership::*;

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
