//! The transitions of section 4.3 as pure functions from facts to a decision or a refusal.

use super::{
    Action, ActionError, Actor, AuditKind, ContactSync, Decision, Effect, OutgoingEmail,
    PartnerRequest, RecipientLookup, RequestStatus, SendError, Side,
};
use crate::email::Email;
use crate::ids::{PartnerRequestId, Timestamp};

/// Sends a partner request from the actor's account to the user with address `email` (4.3.1).
///
/// `existing` holds the requests between the two accounts (either direction, any state; others
/// are ignored). `new_id` and `now` come from the caller, since core generates no ids and has no
/// clock.
pub fn send(
    actor: &Actor,
    email: &Email,
    recipient: RecipientLookup,
    existing: &[PartnerRequest],
    new_id: PartnerRequestId,
    now: Timestamp,
) -> Result<Decision, SendError> {
    if !actor.can_manage_partners() {
        return Err(SendError::NotAllowed);
    }
    // An organization that has not confirmed its address cannot be invited; it is answered
    // like an unknown address, as an inactive user is.
    let RecipientLookup::Found {
        account: recipient_account,
        active: true,
        verified: true,
    } = recipient
    else {
        return Err(SendError::RecipientNotFound);
    };
    let sender_account = actor.account;
    if recipient_account == sender_account {
        return Err(SendError::OwnAccount);
    }
    let open = || existing.iter().filter(|request| !request.is_archived());
    if open()
        .any(|request| request.is_partnership() && request.links(sender_account, recipient_account))
    {
        return Err(SendError::AlreadyPartners);
    }
    if let Some(incoming) = open().find(|request| {
        request.status == RequestStatus::Pending
            && request.sender_account == recipient_account
            && request.recipient_account == sender_account
    }) {
        return Err(SendError::IncomingRequestPending {
            request: incoming.id,
        });
    }
    if let Some(earlier) = open().find(|request| {
        request.sender_account == sender_account && request.recipient_email == *email
    }) {
        return Err(match earlier.status {
            RequestStatus::Pending => SendError::AlreadyInvited {
                request: earlier.id,
            },
            RequestStatus::Rejected => SendError::InvitationDeclined,
            // Unreachable through the rules: an open accepted request is a partnership.
            RequestStatus::Accepted => SendError::AlreadyPartners,
        });
    }
    let request = PartnerRequest {
        id: new_id,
        sender_account,
        sending_user: actor.user,
        recipient_email: email.clone(),
        recipient_account,
        status: RequestStatus::Pending,
        deleted_by_sender: false,
        deleted_by_recipient: false,
        archived: false,
        created_at: now,
        updated_at: now,
    };
    let effects = vec![
        Effect::Email(OutgoingEmail::Invitation { to: email.clone() }),
        Effect::Audit(AuditKind::RequestSent),
    ];
    Ok(Decision {
        request,
        archived_others: Vec::new(),
        effects,
    })
}

/// Checks the actor may act on `request` at all and returns their side.
///
/// Non-administrators and inactive users are refused first, whatever the request; then a request
/// the actor's account cannot see is reported exactly like an unknown id.
fn visible_side(actor: &Actor, request: &PartnerRequest) -> Result<Side, ActionError> {
    if !actor.can_manage_partners() {
        return Err(ActionError::NotAllowed);
    }
    match request.side_of(actor.account) {
        Some(side) if !request.is_archived() && !request.deleted_by(side) => Ok(side),
        _ => Err(ActionError::NotFound),
    }
}

/// Returns a copy of `request` stamped as changed at `now` (never before its last change).
fn changed(request: &PartnerRequest, now: Timestamp) -> PartnerRequest {
    let mut next = request.clone();
    next.updated_at = now.max(request.updated_at);
    next
}

/// Accepts a pending or rejected request on behalf of the recipient side (4.3.2).
///
/// `others_between_pair` holds the other requests between the two accounts; the open ones are
/// archived (anything else in the slice is ignored).
pub fn accept(
    actor: &Actor,
    request: &PartnerRequest,
    others_between_pair: &[PartnerRequest],
    now: Timestamp,
) -> Result<Decision, ActionError> {
    if visible_side(actor, request)? == Side::Sender {
        return Err(ActionError::OnlyRecipientCanAnswer);
    }
    if request.status == RequestStatus::Accepted {
        return Err(ActionError::AlreadyAccepted);
    }
    let (sender, recipient) = (request.sender_account, request.recipient_account);
    let others: Vec<&PartnerRequest> = others_between_pair
        .iter()
        .filter(|other| {
            other.id != request.id && other.links(sender, recipient) && !other.is_archived()
        })
        .collect();
    if others.iter().any(|other| other.is_partnership()) {
        return Err(ActionError::AlreadyPartners);
    }
    let mut accepted = changed(request, now);
    accepted.status = RequestStatus::Accepted;
    // Shown on both sides again, also if the sender had deleted it after a rejection.
    accepted.deleted_by_sender = false;
    let archived_others: Vec<PartnerRequest> = others
        .into_iter()
        .map(|other| {
            let mut archived = changed(other, now);
            archived.archived = true;
            archived
        })
        .collect();
    let mut effects: Vec<Effect> = archived_others
        .iter()
        .map(|other| Effect::Archive { request: other.id })
        .collect();
    effects.extend([
        Effect::Sync(ContactSync::Start {
            a: sender,
            b: recipient,
        }),
        Effect::Email(OutgoingEmail::Acceptance {
            to_user: request.sending_user,
        }),
        Effect::Audit(AuditKind::RequestAccepted),
    ]);
    Ok(Decision {
        request: accepted,
        archived_others,
        effects,
    })
}

/// Rejects a pending request on behalf of the recipient side ("Reject and ignore", 4.3.3).
pub fn reject(
    actor: &Actor,
    request: &PartnerRequest,
    now: Timestamp,
) -> Result<Decision, ActionError> {
    if visible_side(actor, request)? == Side::Sender {
        return Err(ActionError::OnlyRecipientCanAnswer);
    }
    match request.status {
        RequestStatus::Accepted => return Err(ActionError::AlreadyAccepted),
        RequestStatus::Rejected => return Err(ActionError::AlreadyRejected),
        RequestStatus::Pending => {}
    }
    let mut rejected = changed(request, now);
    rejected.status = RequestStatus::Rejected;
    let effects = vec![
        Effect::Email(OutgoingEmail::Rejection {
            to_user: request.sending_user,
        }),
        Effect::Audit(AuditKind::RequestRejected),
    ];
    Ok(Decision {
        request: rejected,
        archived_others: Vec::new(),
        effects,
    })
}

/// Deletes a request for the actor's side (4.3.4 for the sender, 4.3.5 for the recipient).
pub fn delete(
    actor: &Actor,
    request: &PartnerRequest,
    now: Timestamp,
) -> Result<Decision, ActionError> {
    let side = visible_side(actor, request)?;
    let status_before = request.status;
    let mut next = changed(request, now);
    match side {
        Side::Sender => {
            next.deleted_by_sender = true;
            // Pending: withdrawn from both. Accepted: the partnership ends for both.
            // Rejected: only hidden for the sender until the recipient deletes it too.
            next.archived = status_before != RequestStatus::Rejected || next.deleted_by_recipient;
        }
        Side::Recipient => {
            next.deleted_by_recipient = true;
            // Pending and Accepted turn Rejected, so the sender sees a rejection (no email).
            next.status = RequestStatus::Rejected;
            next.archived = next.deleted_by_sender;
        }
    }
    let mut effects = Vec::new();
    if status_before == RequestStatus::Accepted {
        effects.push(Effect::Sync(ContactSync::Stop {
            a: request.sender_account,
            b: request.recipient_account,
        }));
    }
    effects.push(Effect::Audit(AuditKind::RequestDeleted {
        by: side,
        status_before,
    }));
    Ok(Decision {
        request: next,
        archived_others: Vec::new(),
        effects,
    })
}

/// Performs the row action `action` (the buttons [`super::view`] offers) on `request`.
///
/// `others_between_pair` is only used by [`Action::Accept`].
pub fn perform(
    action: Action,
    actor: &Actor,
    request: &PartnerRequest,
    others_between_pair: &[PartnerRequest],
    now: Timestamp,
) -> Result<Decision, ActionError> {
    match action {
        Action::Accept => accept(actor, request, others_between_pair, now),
        Action::RejectAndIgnore => reject(actor, request, now),
        Action::Delete => delete(actor, request, now),
    }
}

#[cfg(test)]
mod tests;
