//! The server's [`UsersService`]: the Users page of Account settings (list, add, rename,
//! change profile, deactivate, reactivate) and, in [`passwords`], set-password links and resets.
//!
//! Each change runs in one write transaction that also writes what it causes: the invitation
//! email (outbox), the set-password token's hash and partner sync. The mail worker is woken
//! after the commit. Whether a change may leave the account without an active Administrator
//! is decided by `entente_core::users`, with the count read under a lock in the same transaction.

mod passwords;
pub mod tokens;

use std::sync::Arc;

use entente_app::api::services::{BackendResult, BoxFuture};
use entente_app::api::session::CurrentUser;
use entente_app::api::users::AccountUser;
use entente_app::api::users::port::{NewUserForm, SetPasswordError, UsersError, UsersService};
use entente_core::users::{TargetUser, UserChange, check_keeps_an_administrator};
use entente_core::{Email, NewPassword, PersonName, Profile, UserAction, UserId};
use tokio::sync::Notify;

use crate::auth::hashing::Cause;
use crate::mail::links::Links;
use crate::mail::templates;
use crate::store::password_tokens::{self, TokenPurpose};
use crate::store::users::{self, NewUser, UserRecord};
use crate::store::{Conflict, Store, Tx, contacts, now, outbox};

/// The users service around the one store.
pub struct StoreUsers {
    store: Store,
    /// Where the links in emails point.
    links: Links,
    /// Wakes the mail worker after a commit that enqueued an email.
    mail_wake: Arc<Notify>,
}

impl StoreUsers {
    /// Wraps the store opened at start-up, the links for emails and the mail worker's bell.
    pub fn new(store: Store, links: Links, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            links,
            mail_wake,
        }
    }
}

/// Boxes an internal failure for [`UsersError::Internal`].
fn internal(cause: impl Into<Cause>) -> UsersError {
    UsersError::Internal(cause.into())
}

/// Refuses an actor whose profile may not manage users (the server function checked too).
fn require_administrator(actor: &CurrentUser) -> Result<(), UsersError> {
    if actor.profile.can_manage_users() {
        Ok(())
    } else {
        Err(UsersError::Forbidden)
    }
}

/// Refuses unless the actor, as stored now (in `tx`: a profile changed a moment ago counts), is
/// active and core's powers table lets their profile do `action`.
async fn require_power(
    tx: &mut Tx,
    actor: &CurrentUser,
    action: UserAction,
) -> Result<(), UsersError> {
    match users::get_user(tx, actor.user_id).await.map_err(internal)? {
        Some(me) if me.active && me.profile.may(action) => Ok(()),
        _ => Err(UsersError::Forbidden),
    }
}

/// A stored user as the Users page shows them.
fn account_user(record: UserRecord) -> AccountUser {
    AccountUser {
        user_id: record.id,
        name: record.name,
        email: record.email,
        profile: record.profile,
        active: record.active,
        has_password: record.password_hash.is_some(),
    }
}

/// The user `user_id` of the actor's account, read in `tx`; another account's user, like an
/// unknown one, is [`UsersError::NotFound`].
async fn user_in_account(
    tx: &mut Tx,
    actor: &CurrentUser,
    user_id: UserId,
) -> Result<AccountUser, UsersError> {
    let record = users::get_user_in_account(tx, actor.account_id, user_id)
        .await
        .map_err(internal)?
        .ok_or(UsersError::NotFound)?;
    Ok(account_user(record))
}

impl StoreUsers {
    #[tracing::instrument(skip_all, fields(account_id = %actor.account_id))]
    async fn list_users(&self, actor: CurrentUser) -> Result<Vec<AccountUser>, UsersError> {
        require_administrator(&actor)?;
        let records = users::list_users(&self.store, actor.account_id)
            .await
            .map_err(internal)?;
        Ok(records.into_iter().map(account_user).collect())
    }

    #[tracing::instrument(skip_all, fields(account_id = %actor.account_id, profile = %form.profile))]
    async fn add_user(
        &self,
        actor: CurrentUser,
        form: NewUserForm,
    ) -> Result<AccountUser, UsersError> {
        require_administrator(&actor)?;
        let now = now();
        let token = tokens::issue_token().map_err(|error| internal(error.to_string()))?;
        let link = self.links.set_password(&token.secret);
        let mut tx = self.store.begin_write().await.map_err(internal)?;
        require_power(&mut tx, &actor, UserAction::Add(form.profile)).await?;
        let new_user = NewUser {
            account_id: actor.account_id,
            name: &form.name,
            email: &form.email,
            profile: form.profile,
            password_hash: None,
        };
        let user_id =
            users::create_user(&mut tx, new_user, now)
                .await
                .map_err(|error| match error.conflict() {
                    Some(Conflict::EmailTaken) => UsersError::EmailTaken,
                    _ => internal(error),
                })?;
        password_tokens::insert_token(
            &mut tx,
            &token.hash,
            user_id,
            TokenPurpose::Invitation,
            now.0,
            now.0 + tokens::INVITATION_LIFETIME_SECS,
        )
        .await
        .map_err(internal)?;
        let email = templates::user_invitation(
            form.email.as_str(),
            form.name.as_str(),
            actor.account_name.as_str(),
            &link,
        );
        outbox::enqueue(&mut tx, &email, now.0)
            .await
            .map_err(internal)?;
        contacts::sync_user_added(&mut tx, user_id, now)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        self.mail_wake.notify_one();
        tracing::info!(%user_id, "user added and invited");
        Ok(AccountUser {
            user_id,
            name: form.name,
            email: form.email,
            profile: form.profile,
            active: true,
            has_password: false,
        })
    }

    #[tracing::instrument(skip_all, fields(account_id = %actor.account_id, %user_id))]
    async fn rename(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        name: PersonName,
    ) -> Result<AccountUser, UsersError> {
        require_administrator(&actor)?;
        let now = now();
        let mut tx = self.store.begin_write().await.map_err(internal)?;
        let mut user = user_in_account(&mut tx, &actor, user_id).await?;
        require_power(&mut tx, &actor, UserAction::Rename(user.profile)).await?;
        if user.name != name {
            users::set_name(&mut tx, user_id, &name, now)
                .await
                .map_err(internal)?;
            contacts::sync_user_renamed(&mut tx, user_id, now)
                .await
                .map_err(internal)?;
            user.name = name;
        }
        tx.commit().await.map_err(internal)?;
        tracing::info!("user renamed");
        Ok(user)
    }

    /// Applies `change` to a user of the actor's account, unless core refuses it.
    #[tracing::instrument(skip_all, fields(account_id = %actor.account_id, %user_id, ?change))]
    async fn change_user(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        change: UserChange,
    ) -> Result<AccountUser, UsersError> {
        require_administrator(&actor)?;
        let now = now();
        let mut tx = self.store.begin_write().await.map_err(internal)?;
        let administrators = users::lock_and_count_active_administrators(&mut tx, actor.account_id)
            .await
            .map_err(internal)?;
        let mut user = user_in_account(&mut tx, &actor, user_id).await?;
        require_power(&mut tx, &actor, change.action_on(user.profile)).await?;
        let target = TargetUser {
            profile: user.profile,
            active: user.active,
        };
        check_keeps_an_administrator(target, change, administrators)?;
        match change {
            UserChange::ChangeProfile(profile) => {
                users::set_profile(&mut tx, user_id, profile, now)
                    .await
                    .map_err(internal)?;
                user.profile = profile;
            }
            UserChange::Deactivate if user.active => {
                users::set_active(&mut tx, user_id, false, now)
                    .await
                    .map_err(internal)?;
                contacts::sync_user_deactivated(&mut tx, user_id, now)
                    .await
                    .map_err(internal)?;
                user.active = false;
            }
            UserChange::Reactivate if !user.active => {
                users::set_active(&mut tx, user_id, true, now)
                    .await
                    .map_err(internal)?;
                contacts::sync_user_reactivated(&mut tx, user_id, now)
                    .await
                    .map_err(internal)?;
                user.active = true;
            }
            UserChange::Deactivate | UserChange::Reactivate => {}
        }
        tx.commit().await.map_err(internal)?;
        tracing::info!("user changed");
        Ok(user)
    }
}

impl UsersService for StoreUsers {
    fn list_users(
        &self,
        actor: CurrentUser,
    ) -> BoxFuture<'_, Result<Vec<AccountUser>, UsersError>> {
        Box::pin(StoreUsers::list_users(self, actor))
    }

    fn add_user(
        &self,
        actor: CurrentUser,
        form: NewUserForm,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>> {
        Box::pin(StoreUsers::add_user(self, actor, form))
    }

    fn change_profile(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        profile: Profile,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>> {
        let change = UserChange::ChangeProfile(profile);
        Box::pin(self.change_user(actor, user_id, change))
    }

    fn rename(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        name: PersonName,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>> {
        Box::pin(StoreUsers::rename(self, actor, user_id, name))
    }

    fn set_active(
        &self,
        actor: CurrentUser,
        user_id: UserId,
        active: bool,
    ) -> BoxFuture<'_, Result<AccountUser, UsersError>> {
        let change = if active {
            UserChange::Reactivate
        } else {
            UserChange::Deactivate
        };
        Box::pin(self.change_user(actor, user_id, change))
    }

    fn set_password(
        &self,
        token: String,
        password: NewPassword,
    ) -> BoxFuture<'_, Result<(), SetPasswordError>> {
        Box::pin(passwords::set_password(self, token, password))
    }

    fn request_password_reset(&self, email: Email) -> BoxFuture<'_, BackendResult<()>> {
        Box::pin(passwords::request_password_reset(self, email))
    }
}
