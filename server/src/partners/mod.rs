//! The partners service (SPEC 4): send a partner request, and perform a row action (accept,
//! reject and ignore, delete) on one.
//!
//! Each change runs in one write transaction that re-reads the facts core decides on (the
//! actor's profile and activity, the request, the other requests between the two accounts,
//! the recipient's account), calls `entente_core::partnership` (`send`, or `perform` with the
//! row's [`Action`]: the one path every row action takes), and writes everything the decision
//! says ([`effects`]: the request, the archived others, the emails, contact sync and one audit
//! entry per account concerned). The mail worker is woken after the commit. The two accounts'
//! rows are locked first (PostgreSQL; SQLite's `BEGIN IMMEDIATE` serializes writers already),
//! so two concurrent changes to one pair decide one after the other. A retryable store error
//! reruns the whole transaction after a short backoff; so does a unique-index violation, whose
//! rerun lets core decide from the committed facts. Before a send, the organization's
//! invitations of the last hour are counted against
//! `entente_core::partnership::check_invitation_rate` (a limit against unwanted email).
//! [`tab`] implements the Partners tab's port over this service.

mod effects;
mod tab;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use entente_core::partnership::{
    self, Action, ActionError, Actor, PartnerRequest, RecipientLookup, SendError,
};
use entente_core::{AccountId, Email, PartnerRequestId, Profile, Timestamp, UserId};
use tokio::sync::Notify;

use crate::mail::links::Links;
use crate::store::contacts::sync::lock_accounts;
use crate::store::{
    Conflict, Db, Engine, Store, StoreError, Tx, accounts, partner_requests, users,
};

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

/// The partners service around the one store.
pub struct Partners {
    store: Store,
    /// Where the links in emails point.
    links: Links,
    /// Wakes the mail worker after a commit that enqueued an email.
    mail_wake: Arc<Notify>,
}

impl Partners {
    /// Wraps the store opened at start-up, the links for emails and the mail worker's bell.
    pub fn new(store: Store, links: Links, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            links,
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

    /// Performs the row action `action` on the request `request_id` for the actor's side:
    /// accept (the two accounts become partners), reject and ignore, or delete (ending a
    /// partnership if it is one).
    #[tracing::instrument(skip_all, fields(%actor, ?action, %request_id))]
    pub async fn act(
        &self,
        actor: UserId,
        action: Action,
        request_id: PartnerRequestId,
        now: Timestamp,
    ) -> Result<PartnerRequest, PartnersError<ActionError>> {
        retry(|| self.try_act(action, actor, request_id, now)).await
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
            // Sends from one organization count one after the other, so simultaneous ones
            // cannot all pass the hourly limit.
            tx.serialize_on(&format!("partner-invitations:{}", actor.account))
                .await?;
            let verified = verified(&mut tx, actor.account).await?;
            partnership::check_may_invite(verified).map_err(PartnersError::Refused)?;
            let since = Timestamp(now.0 - partnership::INVITATION_WINDOW_SECONDS);
            let recent = partner_requests::count_sent_since(&mut tx, actor.account, since).await?;
            partnership::check_invitation_rate(recent).map_err(PartnersError::Refused)?;
        }
        let recipient = match users::find_user_by_email(&mut tx, email).await? {
            None => RecipientLookup::NotFound,
            Some(user) => RecipientLookup::Found {
                account: user.account_id,
                active: user.active,
                verified: verified(&mut tx, user.account_id).await?,
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
        partner_requests::insert(&mut tx, &decision.request).await?;
        self.commit(tx, &actor, decision).await.map_err(Into::into)
    }

    /// One attempt at [`Partners::act`], in one transaction.
    async fn try_act(
        &self,
        action: Action,
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
        let first = partner_requests::get(&mut tx, request_id)
            .await?
            .filter(|request| request.side_of(actor.account).is_some())
            .ok_or_else(not_found)?;
        let (a, b) = (first.sender_account(), first.recipient_account());
        lock_accounts(&mut tx, &[a, b]).await?;
        // Read again now that no other change to this pair can be under way (on SQLite the
        // write lock taken at `BEGIN IMMEDIATE` made the first read final already).
        let request = match Db::from(&mut tx).engine() {
            Engine::Sqlite => first,
            Engine::Postgres => partner_requests::get(&mut tx, request_id)
                .await?
                .ok_or_else(not_found)?,
        };
        let others = if action == Action::Accept {
            partner_requests::between(&mut tx, a, b).await?
        } else {
            Vec::new()
        };
        let decision = partnership::perform(action, &actor, &request, &others, now)
            .map_err(PartnersError::Refused)?;
        partner_requests::update(&mut tx, &decision.request).await?;
        self.commit(tx, &actor, decision).await.map_err(Into::into)
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
            Err(PartnersError::Store(StoreError::Conflict(Conflict::AlreadyPartners))) => {
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
            error.conflict(),
            Some(Conflict::AlreadyPartners | Conflict::DuplicateRequest)
        )
}

/// Whether `account` has confirmed its email address.
async fn verified(tx: &mut Tx, account: AccountId) -> Result<bool, StoreError> {
    Ok(accounts::get_account(tx, account)
        .await?
        .is_some_and(|account| account.is_verified()))
}

/// Reads the actor as the database has them now; an unknown user may do nothing.
async fn load_actor(tx: &mut Tx, user_id: UserId) -> Result<Actor, StoreError> {
    Ok(match users::get_user(tx, user_id).await? {
        Some(user) => Actor {
            account: user.account_id,
            user: user_id,
            profile: user.profile,
            active: user.active,
        },
        None => Actor {
            account: AccountId::from_uuid(uuid::Uuid::nil()),
            user: user_id,
            profile: Profile::Standard,
            active: false,
        },
    })
}
