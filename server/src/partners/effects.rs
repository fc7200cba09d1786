//! Writing what a partner decision says, in its transaction: the archived others, the emails
//! (rendered here and queued in the outbox), contact sync, and one typed audit entry per
//! account concerned; then the commit and the mail worker's wake-up.

use entente_core::partnership::{
    Actor, AuditKind, ContactSync, Decision, Effect, OutgoingEmail, PartnerRequest,
};
use entente_core::{AccountId, Timestamp, UserId};

use super::Partners;
use crate::mail::{self, templates};
use crate::store::audit::{self, AuditEvent, NewEntry};
use crate::store::{Conflict, StoreError, Tx, accounts, contacts, outbox, partner_requests, users};

impl Partners {
    /// Writes the rest of `decision` (archived others, emails, sync, audit) and commits.
    pub(super) async fn commit(
        &self,
        mut tx: Tx,
        actor: &Actor,
        decision: Decision,
    ) -> Result<PartnerRequest, StoreError> {
        let request = decision.request;
        for other in &decision.archived_others {
            partner_requests::update(&mut tx, other).await?;
        }
        let now = request.updated_at();
        let mut emails = 0;
        for effect in decision.effects {
            match effect {
                Effect::Email(email) => {
                    let message = self.email(&mut tx, &request, &email).await?;
                    outbox::enqueue(&mut tx, &message, now.0).await?;
                    emails += 1;
                }
                // Written above from `archived_others`.
                Effect::Archive { .. } => {}
                Effect::Sync(ContactSync::Start { a, b }) => {
                    contacts::sync_partnership_formed(&mut tx, a, b, now).await?;
                }
                Effect::Sync(ContactSync::Stop { a, b }) => {
                    contacts::sync_partnership_ended(&mut tx, a, b, now).await?;
                }
                Effect::Audit(kind) => record_audit(&mut tx, actor, &request, kind, now).await?,
            }
        }
        tx.commit().await?;
        if emails > 0 {
            self.mail_wake.notify_one();
        }
        Ok(request)
    }

    /// Renders one email of a decision, linking to the Partners tab.
    async fn email(
        &self,
        tx: &mut Tx,
        request: &PartnerRequest,
        email: &OutgoingEmail,
    ) -> Result<mail::OutgoingEmail, StoreError> {
        let link = self.links.partners_tab();
        Ok(match email {
            OutgoingEmail::Invitation { to } => {
                let sender_account = account_name(tx, request.sender_account()).await?;
                let sending_user = users::get_user(&mut *tx, request.sending_user())
                    .await?
                    .ok_or(Conflict::NotFound)?;
                templates::partner_invitation(
                    to.as_str(),
                    &sender_account,
                    sending_user.name.as_str(),
                    sending_user.email.as_str(),
                    link,
                )
            }
            OutgoingEmail::Rejection { to_user } => {
                let recipient_account = account_name(tx, request.recipient_account()).await?;
                let to = user_email(tx, *to_user).await?;
                templates::partner_rejected(&to, &recipient_account, link)
            }
            OutgoingEmail::Acceptance { to_user } => {
                let recipient_account = account_name(tx, request.recipient_account()).await?;
                let to = user_email(tx, *to_user).await?;
                templates::partner_accepted(&to, &recipient_account, link)
            }
        })
    }
}

/// The name of an account that a stored request refers to.
async fn account_name(tx: &mut Tx, account: AccountId) -> Result<String, StoreError> {
    Ok(accounts::get_account(tx, account)
        .await?
        .ok_or(Conflict::NotFound)?
        .name
        .as_str()
        .to_owned())
}

/// The address of a user that a stored request refers to.
async fn user_email(tx: &mut Tx, user: UserId) -> Result<String, StoreError> {
    Ok(users::get_user(tx, user)
        .await?
        .ok_or(Conflict::NotFound)?
        .email
        .as_str()
        .to_owned())
}

/// Records `kind` in the audit log of both accounts of `request`, as typed data, in one statement.
async fn record_audit(
    tx: &mut Tx,
    actor: &Actor,
    request: &PartnerRequest,
    kind: AuditKind,
    now: Timestamp,
) -> Result<(), StoreError> {
    let entries =
        [request.sender_account(), request.recipient_account()].map(|account_id| NewEntry {
            account_id,
            actor_user_id: Some(actor.user),
            event: AuditEvent::Partner {
                request: request.id(),
                kind,
            },
            created_at: now,
        });
    audit::record_all(tx, &entries).await?;
    Ok(())
}
