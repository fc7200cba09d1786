//! Shared fixtures for the partnership tests: three accounts and requests in each state.

use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

use super::{
    Action, Actor, Decision, PartnerRequest, RecipientLookup, RowLabel, SendError, accept, delete,
    reject, send, view,
};
use crate::email::Email;
use crate::ids::{AccountId, PartnerRequestId, Timestamp, UserId};
use crate::profile::Profile;

pub(crate) const S: AccountId = AccountId::from_uuid(Uuid::from_u128(0x5));
pub(crate) const R: AccountId = AccountId::from_uuid(Uuid::from_u128(0x7));
pub(crate) const X: AccountId = AccountId::from_uuid(Uuid::from_u128(0x9));

pub(crate) fn admin(account: AccountId, n: u128) -> Actor {
    Actor {
        account,
        user: UserId::from_uuid(Uuid::from_u128(account.as_uuid().as_u128() * 100 + n)),
        profile: Profile::Administrator,
        active: true,
    }
}

pub(crate) fn email(text: &str) -> Email {
    Email::parse(text).expect("valid address")
}

pub(crate) fn found(account: AccountId) -> RecipientLookup {
    RecipientLookup::Found {
        account,
        active: true,
        verified: true,
    }
}

/// Sends from an admin of `from` to `to_email` (a user of `to`), given the existing requests.
pub(crate) fn send_to(
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
pub(crate) fn pending() -> PartnerRequest {
    send_to(S, R, "bob@r.example", &[])
        .expect("send is allowed")
        .request
}

pub(crate) fn accepted() -> PartnerRequest {
    accept(&admin(R, 1), &pending(), &[], Timestamp(200))
        .expect("accept")
        .request
}

pub(crate) fn rejected() -> PartnerRequest {
    reject(&admin(R, 1), &pending(), Timestamp(200))
        .expect("reject")
        .request
}

pub(crate) fn delete_by(account: AccountId, request: &PartnerRequest) -> PartnerRequest {
    delete(&admin(account, 2), request, Timestamp(300))
        .expect("delete is allowed")
        .request
}

pub(crate) fn label_and_actions(
    request: &PartnerRequest,
    viewer: AccountId,
) -> Option<(RowLabel, Vec<Action>)> {
    view(request, viewer).map(|row| (row.label, row.actions))
}
