//! The invariants checked after every step of the model test.

use std::collections::HashMap;

use entente_core::ids::{AccountId, Timestamp};
use entente_core::partnership::{
    self, Action, Actor, PartnerRequest, RecipientLookup, RequestStatus, RowLabel, SendError,
};

use crate::reference::{Model, Status};
use crate::{ACCOUNTS, account_id, admin, email_of, request_id, user_id};

pub(crate) fn matches_the_model(requests: &[PartnerRequest], model: &Model) {
    assert_eq!(requests.len(), model.requests.len());
    for (index, (actual, expected)) in requests.iter().zip(&model.requests).enumerate() {
        let status = match expected.status {
            Status::Pending => RequestStatus::Pending,
            Status::Accepted => RequestStatus::Accepted,
            Status::Rejected => RequestStatus::Rejected,
        };
        assert_eq!(actual.id(), request_id(index));
        assert_eq!(actual.status(), status, "request {index}");
        assert_eq!(actual.is_archived(), expected.gone(), "request {index}");
        assert_eq!(
            actual.deleted_by_sender(),
            expected.deleted_by_sender,
            "request {index}"
        );
        assert_eq!(
            actual.deleted_by_recipient(),
            expected.deleted_by_recipient,
            "request {index}"
        );
        assert_eq!(actual.sender_account(), account_id(expected.from));
        assert_eq!(actual.recipient_account(), account_id(expected.to));
        assert_eq!(
            actual.sending_user(),
            user_id(expected.from, expected.sending_user)
        );
        assert_eq!(
            actual.recipient_email(),
            &email_of(expected.to, expected.to_user)
        );
    }
}

pub(crate) fn at_most_one_partnership_per_pair(requests: &[PartnerRequest]) {
    let mut partnerships: HashMap<(AccountId, AccountId), usize> = HashMap::new();
    for request in requests.iter().filter(|r| r.is_partnership()) {
        let (a, b) = (request.sender_account(), request.recipient_account());
        *partnerships.entry((a.min(b), a.max(b))).or_default() += 1;
    }
    assert!(
        partnerships.values().all(|&count| count == 1),
        "two partnerships: {partnerships:?}"
    );
}

pub(crate) fn archived_requests_show_nowhere_and_block_nothing(requests: &[PartnerRequest]) {
    let archived: Vec<PartnerRequest> = requests
        .iter()
        .filter(|r| r.is_archived())
        .cloned()
        .collect();
    for request in &archived {
        assert!(
            (0..ACCOUNTS).all(|account| partnership::view(request, account_id(account)).is_none())
        );
        let lookup = RecipientLookup::Found {
            account: request.recipient_account(),
            active: true,
            verified: true,
        };
        let sender = Actor {
            account: request.sender_account(),
            ..admin(0)
        };
        let again = partnership::send(
            &sender,
            request.recipient_email(),
            lookup,
            &archived,
            request_id(999),
            Timestamp(0),
        );
        assert!(
            again.is_ok(),
            "archived requests blocked {request:?}: {again:?}"
        );
    }
}

pub(crate) fn rejected_addresses_stay_blocked_until_both_sides_delete(requests: &[PartnerRequest]) {
    for request in requests
        .iter()
        .filter(|r| r.status() == RequestStatus::Rejected && !r.is_archived())
    {
        let lookup = RecipientLookup::Found {
            account: request.recipient_account(),
            active: true,
            verified: true,
        };
        let sender = Actor {
            account: request.sender_account(),
            ..admin(0)
        };
        let again = partnership::send(
            &sender,
            request.recipient_email(),
            lookup,
            requests,
            request_id(999),
            Timestamp(0),
        );
        assert!(
            matches!(
                again,
                Err(SendError::InvitationDeclined | SendError::IncomingRequestPending { .. })
            ),
            "a rejected address was not blocked: {again:?}"
        );
    }
}

/// Pending: both sides see it. Accepted: both see Partner. Rejected: each side sees Rejected or
/// has deleted it, and not both (that is archived). Nobody else sees anything.
pub(crate) fn the_two_sides_never_contradict_each_other(requests: &[PartnerRequest]) {
    for request in requests {
        let sender = partnership::view(request, request.sender_account()).map(|row| row.label);
        let recipient =
            partnership::view(request, request.recipient_account()).map(|row| row.label);
        use RowLabel::*;
        let consistent = match (sender, recipient) {
            (None, None) => request.is_archived(),
            (Some(SentAwaitingApproval), Some(ReceivedAwaitingYourApproval)) => true,
            (Some(Partner), Some(Partner)) => request.is_partnership(),
            (Some(Rejected) | None, Some(Rejected) | None) => !request.is_archived(),
            _ => false,
        };
        assert!(
            consistent,
            "sender sees {sender:?}, recipient sees {recipient:?}: {request:?}"
        );
        for account in (0..ACCOUNTS).map(account_id) {
            if request.side_of(account).is_none() {
                assert_eq!(partnership::view(request, account), None);
            }
        }
    }
}

pub(crate) fn every_action_is_allowed_iff_offered(requests: &[PartnerRequest]) {
    for request in requests {
        for account in [request.sender_account(), request.recipient_account()] {
            let who = Actor {
                account,
                ..admin(0)
            };
            let row = partnership::view(request, account);
            for action in Action::ALL {
                let result = partnership::perform(action, &who, request, requests, Timestamp(0));
                let offered = row.as_ref().is_some_and(|row| row.offers(action));
                assert_eq!(
                    result.is_ok(),
                    offered,
                    "{action:?} by {account} on {request:?}"
                );
            }
        }
    }
}
