//! Named tests of who may act, and of the transitions of section 4.3 (split by transition).

mod answer;
mod delete;
mod send;

use super::*;
use crate::partnership::test_support::*;
use crate::profile::Profile;

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

#[test]
fn every_refusal_reads_as_a_sentence() {
    let request = pending().id();
    let send_errors = [
        SendError::NotAllowed,
        SendError::RecipientNotFound,
        SendError::OwnAccount,
        SendError::AlreadyPartners,
        SendError::IncomingRequestPending { request },
        SendError::AlreadyInvited { request },
        SendError::TooManyInvitations { limit: 30 },
        SendError::NotVerified,
        SendError::InvitationDeclined,
    ];
    let action_errors = [
        ActionError::NotAllowed,
        ActionError::NotFound,
        ActionError::OnlyRecipientCanAnswer,
        ActionError::AlreadyAccepted,
        ActionError::AlreadyRejected,
        ActionError::AlreadyPartners,
    ];
    let messages = send_errors
        .iter()
        .map(ToString::to_string)
        .chain(action_errors.iter().map(ToString::to_string));
    for message in messages {
        // A sentence for a person: capitalised, finished, no placeholder or type name left.
        assert!(message.starts_with(char::is_uppercase), "{message}");
        assert!(message.ends_with('.'), "{message}");
        assert!(
            !message.contains(['{', '}', '_']) && !message.contains("Error"),
            "{message}"
        );
    }
    assert_eq!(
        SendError::InvitationDeclined.to_string(),
        "You have already invited this person; they declined. You can invite them again once both organizations have deleted that request."
    );
    assert_eq!(
        SendError::TooManyInvitations { limit: 30 }.to_string(),
        "Your organization has sent 30 partner invitations in the last hour. Please try again later."
    );
}
