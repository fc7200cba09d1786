//! The partners service (SPEC 4): send, accept, reject and delete partner requests.
//!
//! Each change runs in one write transaction that re-reads the facts core decides on (the
//! actor's profile and activity, the request, the other requests between the two accounts,
//! the recipient's account), calls the pure transition of `entente_core::partnership`, and
//! writes everything the decision says: the request, the archived others, the emails
//! (outbox), contact sync and one audit entry per account concerned. The mail worker is
//! woken after the commit. The two accounts' rows are locked first (PostgreSQL; SQLite's
//! `BEGIN IMMEDIATE` serializes writers already), so two concurrent changes to one pair
//! decide one after the other. A retryable store error reruns the whole transaction after a
//! short backoff; so does a unique-index violation, whose rerun lets core decide from the
//! committed facts. Before a send, the organization's invitations of the last hour are counted
//! against `entente_core::partnership::check_invitation_rate` (a limit against unwanted email).

mod tab;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use entente_core::partnership::{
    self, ActionError, Actor, AuditKind, ContactSync, Decision, Effect, OutgoingEmail,
    PartnerRequest, RecipientLookup, SendError, Side, StoredPartnerRequest,
};
use entente_core::{AccountId, Email, PartnerRequestId, Profile, Timestamp, UserId};
use tokio::sync::Notify;

use crate::mail::templates;
use crate::store::audit::{self, NewEntry};
use crate::store::contacts::{self, sync::lock_accounts};
use crate::store::{Store, StoreError, Tx, accounts, outbox, partner_requests, users};

/// How many times a transaction is run before a retryable failure is given up on.
const ATTEMPTS: u32 = 5;

/// Why a partner change did not happen: core refused it, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum PartnersError<R> {
    /// The rules refuse the change; the message is for the person who tried.
    #[error(transparent)]
    Refused(R),
    /// The database failed (not retryable, or still failing after the retries).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A refusal core also gives when two accounts are partners already (what a unique-index
/// violation on the live partnership means once the retries are spent).
pub trait AlreadyPartners {
    /// The "already partners" refusal.
    fn already_partners() -> Self;
}

impl AlreadyPartners for SendError {
    fn already_partners() -> Self {
        SendError::AlreadyPartners
    }
}

impl AlreadyPartners for ActionError {
    fn already_partners() -> Self {
        ActionError::AlreadyPartners
    }
}

/// Which transition [`Partners::act`] performs on an existing request.
#[derive(Debug, Clone, Copy)]
enum Transition {
    Accept,
    Reject,
    Delete,
}

/// The partners service around the one store.
pub struct Partners {
    store: Store,
    /// Where people reach the service, for the links in emails.
    public_url: url::Url,
    /// Wakes the mail worker after a commit that enqueued an email.
    mail_wake: Arc<Notify>,
}

impl Partners {
    /// Wraps the store opened at start-up, the public URL for links and the mail worker's bell.
    pub fn new(store: Store, public_url: url::Url, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            public_url,
            mail_wake,
        }
    }

    /// Sends a partner request from `actor`'s account to the user with address `email`.
    #[tracing::instrument(skip_all, fields(%actor))]
    pub async fn send(
        &self,
        actor: UserId,
        email: &Email,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<SendError>> {
        retry(|| self.try_send(actor, email, now)).await
    }

    /// Accepts the request `request_id` for the recipient side; the two accounts become partners.
    #[tracing::instrument(skip_all, fields(%actor, %request_id))]
    pub async fn accept(
        &self,
        actor: UserId,
        request_id: PartnerRequestId,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<ActionError>> {
        retry(|| self.try_act(Transition::Accept, actor, request_id, now)).await
    }

    /// Rejects the request `request_id` for the recipient side ("Reject and ignore").
    #[tracing::instrument(skip_all, fields(%actor, %request_id))]
    pub async fn reject(
        &self,
        actor: UserId,
        request_id: PartnerRequestId,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<ActionError>> {
        retry(|| self.try_act(Transition::Reject, actor, request_id, now)).await
    }

    /// Deletes the request `request_id` for the actor's side (ending a partnership if it is one).
    #[tracing::instrument(skip_all, fields(%actor, %request_id))]
    pub async fn delete(
        &self,
        actor: UserId,
        request_id: PartnerRequestId,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<ActionError>> {
        retry(|| self.try_act(Transition::Delete, actor, request_id, now)).await
    }

    /// One attempt at [`Partners::send`], in one transaction.
    async fn try_send(
        &self,
        actor: UserId,
        email: &Email,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<SendError>> {
        let mut tx = self.store.begin_write().await?;
        let actor = load_actor(&mut tx, actor).await?;
        if actor.can_manage_partners() {
            let since = Timestamp(now.0 - partnership::INVITATION_WINDOW_SECONDS);
            let recent = partner_requests::count_sent_since(&mut tx, actor.account, since).await?;
            partnership::check_invitation_rate(recent).map_err(PartnersError::Refused)?;
        }
        let recipient = match users::find_user_by_email_in(&mut tx, email.as_str()).await? {
            None => RecipientLookup::NotFound,
            Some(user) => RecipientLookup::Found {
                account: user.account_id.into(),
                active: user.active,
            },
        };
        let existing = match recipient {
            RecipientLookup::Found { account, .. } if actor.can_manage_partners() => {
                lock_accounts(&mut tx, &[actor.account, account]).await?;
                partner_requests::between(&mut tx, actor.account, account).await?
            }
            _ => Vec::new(),
        };
        let new_id = PartnerRequestId::from_uuid(uuid::Uuid::new_v4());
        let decision = partnership::send(&actor, email, recipient, &existing, new_id, now)
            .map_err(PartnersError::Refused)?;
        partner_requests::insert(
            &mut tx,
            &StoredPartnerRequest::from(decision.request.clone()),
        )
        .await?;
        self.commit(tx, &actor, decision).await.map_err(Into::into)
    }

    /// One attempt at accepting, rejecting or deleting, in one transaction.
    async fn try_act(
        &self,
        transition: Transition,
        actor: UserId,
        request_id: PartnerRequestId,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<ActionError>> {
        let mut tx = self.store.begin_write().await?;
        let actor = load_actor(&mut tx, actor).await?;
        if !actor.can_manage_partners() {
            return Err(PartnersError::Refused(ActionError::NotAllowed));
        }
        // Another account's request answers exactly like an unknown id.
        let not_found = || PartnersError::Refused(ActionError::NotFound);
        let first = partner_requests::get_in(&mut tx, request_id)
            .await?
            .filter(|request| request.side_of(actor.account).is_some())
            .ok_or_else(not_found)?;
        let (a, b) = (first.sender_account(), first.recipient_account());
        lock_accounts(&mut tx, &[a, b]).await?;
        // Read again now that no other change to this pair can be under way.
        let request = partner_requests::get_in(&mut tx, request_id)
            .await?
            .ok_or_else(not_found)?;
        let decision = match transition {
            Transition::Accept => {
                let others = partner_requests::between(&mut tx, a, b).await?;
                partnership::accept(&actor, &request, &others, now)
            }
            Transition::Reject => partnership::reject(&actor, &request, now),
            Transition::Delete => partnership::delete(&actor, &request, now),
        }
        .map_err(PartnersError::Refused)?;
        partner_requests::update(
            &mut tx,
            &StoredPartnerRequest::from(decision.request.clone()),
        )
        .await?;
        self.commit(tx, &actor, decision).await.map_err(Into::into)
    }

    /// Writes the rest of `decision` (archived others, emails, sync, audit) and commits.
    async fn commit(
        &self,
        mut tx: Tx,
        actor: &Actor,
        decision: Decision,
    ) -> Result<PartnerRequest, StoreError> {
        let request = decision.request;
        for other in decision.archived_others {
            partner_requests::update(&mut tx, &StoredPartnerRequest::from(other)).await?;
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
    ) -> Result<crate::mail::OutgoingEmail, StoreError> {
        let link = self
            .public_url
            .join("/settings/partners")
            .map_err(|_| StoreError::Corrupt {
                column: "public_url",
            })?;
        let sender_account = account_name(tx, request.sender_account()).await?;
        let recipient_account = account_name(tx, request.recipient_account()).await?;
        Ok(match email {
            OutgoingEmail::Invitation { to } => {
                let sending_user = users::get_user_in(tx, request.sending_user().as_uuid())
                    .await?
                    .ok_or(StoreError::UnknownUser)?;
                templates::partner_invitation(
                    to.as_str(),
                    &sender_account,
                    &sending_user.name,
                    &link,
                )
            }
            OutgoingEmail::Rejection { to_user } => {
                let to = user_email(tx, *to_user).await?;
                templates::partner_rejected(&to, &recipient_account, &link)
            }
            OutgoingEmail::Acceptance { to_user } => {
                let to = user_email(tx, *to_user).await?;
                templates::partner_accepted(&to, &recipient_account, &link)
            }
        })
    }
}

/// Runs `attempt` until it succeeds, is refused, or fails in a way a rerun cannot fix.
///
/// Retryable store errors and unique-index violations are rerun with a short, growing
/// backoff; a violation still there after the last attempt becomes core's "already partners".
async fn retry<T, R, F, Fut>(mut attempt: F) -> Result<T, PartnersError<R>>
where
    R: AlreadyPartners,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PartnersError<R>>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(PartnersError::Store(error)) if tries < ATTEMPTS && reruns(&error) => {
                tracing::debug!(%error, tries, "partner change conflicted; running it again");
                tokio::time::sleep(Duration::from_millis(10 << tries)).await;
                tries += 1;
            }
            Err(PartnersError::Store(StoreError::AlreadyPartners)) => {
                return Err(PartnersError::Refused(R::already_partners()));
            }
            other => return other,
        }
    }
}

/// Whether a fresh run of the transaction may succeed or be decided by core.
fn reruns(error: &StoreError) -> bool {
    error.is_retryable()
        || matches!(
            error,
            StoreError::AlreadyPartners | StoreError::DuplicateRequest
        )
}

/// Reads the actor as the database has them now; an unknown user may do nothing.
async fn load_actor(tx: &mut Tx, user_id: UserId) -> Result<Actor, StoreError> {
    let Some(user) = users::get_user_in(tx, user_id.as_uuid()).await? else {
        return Ok(Actor {
            account: AccountId::from_uuid(uuid::Uuid::nil()),
            user: user_id,
            profile: Profile::Standard,
            active: false,
        });
    };
    let profile = user
        .profile
        .parse::<Profile>()
        .map_err(|_| StoreError::Corrupt {
            column: "users.profile",
        })?;
    Ok(Actor {
        account: user.account_id.into(),
        user: user_id,
        profile,
        active: user.active,
    })
}

/// The name of an account that a stored request refers to.
async fn account_name(tx: &mut Tx, account: AccountId) -> Result<String, StoreError> {
    accounts::name_in(tx, account.as_uuid())
        .await?
        .ok_or(StoreError::UnknownAccount)
}

/// The address of a user that a stored request refers to.
async fn user_email(tx: &mut Tx, user: UserId) -> Result<String, StoreError> {
    Ok(users::get_user_in(tx, user.as_uuid())
        .await?
        .ok_or(StoreError::UnknownUser)?
        .email)
}

/// Records `kind` in the audit log of both accounts of `request`.
async fn record_audit(
    tx: &mut Tx,
    actor: &Actor,
    request: &PartnerRequest,
    kind: AuditKind,
    now: Timestamp,
) -> Result<(), StoreError> {
    let (action, detail) = match kind {
        AuditKind::RequestSent => ("partner_request_sent", String::new()),
        AuditKind::RequestAccepted => ("partner_request_accepted", String::new()),
        AuditKind::RequestRejected => ("partner_request_rejected", String::new()),
        AuditKind::RequestDeleted { by, status_before } => {
            let by = match by {
                Side::Sender => "sender",
                Side::Recipient => "recipient",
            };
            (
                "partner_request_deleted",
                format!("by {by}; was {status_before}"),
            )
        }
    };
    let detail = format!(
        "from {} to {} ({}){}{detail}",
        request.sender_account(),
        request.recipient_account(),
        request.recipient_email().as_str(),
        if detail.is_empty() { "" } else { "; " },
    );
    for account_id in [request.sender_account(), request.recipient_account()] {
        let entry = NewEntry {
            account_id,
            actor_user_id: Some(actor.user),
            action: action.to_owned(),
            subject: request.id().to_string(),
            detail: detail.clone(),
            created_at: now,
        };
        audit::record(tx, &entry).await?;
    }
    Ok(())
}
