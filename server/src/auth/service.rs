//! The server's [`AuthService`]: sign-up, sign-in with its throttle, sign-out.

use std::sync::Arc;

use entente_app::api::auth::port::{
    AuthService, DEVICE_COOKIE, SECURE_DEVICE_COOKIE, SignInError, SignInFrom, SignUpError,
    SignUpForm, SignedIn, VerifyEmailError,
};
use entente_app::api::services::{BackendResult, BoxFuture};
use entente_app::api::session::CurrentUser;
use entente_core::sign_in::{
    PASSWORD_RESET_WINDOW_SECONDS, check_sign_in_attempt, client_key, failure_window_start,
    may_send_password_reset,
};
use entente_core::{Email, Profile, Timestamp, UserId};
use tokio::sync::Notify;
use tower_sessions::Session;

use super::hashing::{Cause, hash_password, verify_password};
use super::{PASSWORD_VERSION_KEY, RENEWED_AT_KEY, USER_ID_KEY};
use crate::mail::links::Links;
use crate::mail::templates;
use crate::store::accounts::{self, NewAccount};
use crate::store::sign_in_failures::Attempt;
use crate::store::{
    Conflict, Store, StoreError, Tx, email_verifications, known_devices, now, outbox,
    sign_in_failures, users,
};
use crate::users::tokens;

/// How long a link to confirm an address works.
pub const VERIFICATION_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;

/// The auth service around the one store.
pub struct StoreAuth {
    store: Store,
    /// Where the links in emails point.
    links: Links,
    /// Wakes the mail worker after a commit that enqueued an email.
    mail_wake: Arc<Notify>,
}

impl StoreAuth {
    /// Wraps the store opened at start-up, the links for emails and the mail worker's bell.
    pub fn new(store: Store, links: Links, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            links,
            mail_wake,
        }
    }

    /// Issues a link that confirms `user`'s address and queues the email carrying it, in `tx`.
    async fn send_verification(
        &self,
        tx: &mut Tx,
        user: UserId,
        to: &Email,
        name: &str,
        account_name: &str,
        now: Timestamp,
    ) -> Result<(), Cause> {
        let token = tokens::issue_token().map_err(|error| error.to_string())?;
        let expires = Timestamp(now.0 + VERIFICATION_LIFETIME_SECS);
        email_verifications::insert(tx, &token.hash, user, now, expires).await?;
        let link = self.links.verify_email(&token.secret);
        let message = templates::email_verification(to.as_str(), name, account_name, &link);
        outbox::enqueue(tx, &message, now.0).await?;
        Ok(())
    }
}

/// An active user as the per-request session check sees them.
pub struct SessionUser {
    /// Who is signed in.
    pub user: CurrentUser,
    /// The user's current `password_version`; a session started under another has ended.
    pub password_version: i64,
}

/// Loads an active user and their account for the session check; `None` if the user is
/// missing or deactivated.
pub async fn load_session_user(
    store: &Store,
    user_id: UserId,
) -> Result<Option<SessionUser>, StoreError> {
    match users::get_user(store, user_id).await? {
        Some(user) => session_user_of(store, user).await,
        None => Ok(None),
    }
}

/// The session's view of a stored user: `None` if deactivated or their account is gone.
async fn session_user_of(
    store: &Store,
    user: users::UserRecord,
) -> Result<Option<SessionUser>, StoreError> {
    if !user.active {
        return Ok(None);
    }
    let Some(account) = accounts::get_account(store, user.account_id).await? else {
        return Ok(None);
    };
    let current = CurrentUser {
        user_id: user.id,
        account_id: account.id,
        organization_verified: account.is_verified(),
        account_name: account.name,
        name: user.name,
        email: user.email,
        profile: user.profile,
    };
    Ok(Some(SessionUser {
        user: current,
        password_version: user.password_version,
    }))
}

/// Gives the session a new id (against session fixation) and binds it to `user_id`, whose
/// password has been set `password_version` times.
async fn start_session(
    session: &Session,
    user_id: UserId,
    password_version: i64,
    now: Timestamp,
) -> Result<(), Cause> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id.as_uuid()).await?;
    session
        .insert(PASSWORD_VERSION_KEY, password_version)
        .await?;
    session.insert(RENEWED_AT_KEY, now.0).await?;
    Ok(())
}

impl StoreAuth {
    #[tracing::instrument(skip_all, fields(account_name = %form.account_name))]
    async fn sign_up(
        &self,
        session: Session,
        form: SignUpForm,
    ) -> Result<CurrentUser, SignUpError> {
        let internal = |cause: Cause| SignUpError::Internal(cause);
        let password_hash = hash_password(form.password.expose().to_owned())
            .await
            .map_err(internal)?;
        let mut tx = self
            .store
            .begin_write()
            .await
            .map_err(|error| internal(error.into()))?;
        let new_account = NewAccount {
            account_name: form.account_name.clone(),
            admin_name: form.name.clone(),
            admin_email: form.email.clone(),
            password_hash: Some(password_hash),
        };
        let now = now();
        let (account_id, user_id) = accounts::create_account_with_admin(&mut tx, &new_account, now)
            .await
            .map_err(|error| match error.conflict() {
                Some(Conflict::EmailTaken) => SignUpError::EmailTaken,
                _ => internal(error.into()),
            })?;
        self.send_verification(
            &mut tx,
            user_id,
            &form.email,
            form.name.as_str(),
            form.account_name.as_str(),
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|error| internal(error.into()))?;
        self.mail_wake.notify_one();
        start_session(&session, user_id, 0, now)
            .await
            .map_err(internal)?;
        Ok(CurrentUser {
            user_id,
            account_id,
            account_name: form.account_name,
            name: form.name,
            email: form.email,
            profile: Profile::Administrator,
            organization_verified: false,
        })
    }

    /// Uses a confirmation link once; the user's organization is confirmed under the domain of
    /// their address if they are one of its administrators and it was not yet.
    #[tracing::instrument(skip_all)]
    async fn verify_email(&self, token: String) -> Result<(), VerifyEmailError> {
        let internal = |error: StoreError| VerifyEmailError::Internal(error.into());
        let now = now();
        let mut tx = self.store.begin_write().await.map_err(internal)?;
        let user = email_verifications::use_token(&mut tx, &tokens::hash_token(&token), now)
            .await
            .map_err(internal)?;
        let Some(user) = user else {
            tracing::info!("address confirmation link refused");
            return Err(VerifyEmailError::InvalidToken);
        };
        let Some(user) = users::get_user(&mut tx, user).await.map_err(internal)? else {
            return Err(VerifyEmailError::InvalidToken);
        };
        if !user.active {
            return Err(VerifyEmailError::InvalidToken);
        }
        if user.profile.can_manage_partners() {
            accounts::mark_verified(&mut tx, user.account_id, user.email.domain(), now)
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)?;
        tracing::info!(user_id = %user.id, account_id = %user.account_id, "address confirmed");
        Ok(())
    }

    /// Sends a new confirmation link to `actor`, if their organization still needs one and
    /// fewer than three went out this hour.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    async fn resend_verification(&self, actor: CurrentUser) -> Result<(), Cause> {
        let now = now();
        let mut tx = self.store.begin_write().await?;
        tx.serialize_on(&format!("verification:{}", actor.user_id))
            .await?;
        let account = accounts::get_account(&mut tx, actor.account_id).await?;
        if account.is_none_or(|account| account.is_verified()) {
            return Ok(());
        }
        let since = Timestamp(now.0 - PASSWORD_RESET_WINDOW_SECONDS);
        let recent = email_verifications::count_issued_since(&mut tx, actor.user_id, since).await?;
        if !may_send_password_reset(recent) {
            tracing::warn!(recent, "address confirmation throttled: no email sent");
            return Ok(());
        }
        self.send_verification(
            &mut tx,
            actor.user_id,
            &actor.email,
            actor.name.as_str(),
            actor.account_name.as_str(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.mail_wake.notify_one();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn sign_in(
        &self,
        session: Session,
        email: Email,
        password: String,
        from: SignInFrom,
    ) -> Result<SignedIn, SignInError> {
        let internal = |cause: Cause| SignInError::Internal(cause);
        let client = from.client.map(client_key);
        let store_error = |error: StoreError| SignInError::Internal(error.into());
        let now = now();
        let window_start = failure_window_start(now);
        // A device cookie counts only if it belongs to this address's user.
        let offered = from.device.as_deref().map(tokens::hash_token);
        let known_device = match &offered {
            Some(hash) => known_devices::is_known_for(&self.store, hash, &email)
                .await
                .map_err(store_error)?
                .then_some(hash.as_str()),
            None => None,
        };
        // Counted before the password is checked, so parallel guesses cannot slip past.
        sign_in_failures::take_sign_in_attempt(
            &self.store,
            &email,
            Attempt {
                client: client.as_deref(),
                device: known_device,
            },
            now,
            window_start,
            |failures, client_failures| {
                check_sign_in_attempt(failures, known_device.is_some(), client_failures, now)
            },
        )
        .await
        .map_err(store_error)??;

        let user = users::find_user_by_email(&self.store, &email)
            .await
            .map_err(store_error)?;
        let usable_hash = user
            .as_ref()
            .filter(|user| user.active)
            .and_then(|user| user.password_hash.clone());
        let password_is_right = verify_password(password, usable_hash)
            .await
            .map_err(internal)?;
        // The session keeps the password version of the hash just verified: should a new
        // password be set meanwhile, the next request ends it.
        let signed_in = match (password_is_right, user) {
            (true, Some(user)) => session_user_of(&self.store, user)
                .await
                .map_err(store_error)?,
            _ => None,
        };
        let Some(SessionUser {
            user: current_user,
            password_version,
        }) = signed_in
        else {
            // The attempt taken above stays as this failure.
            tracing::info!("sign-in refused");
            return Err(SignInError::WrongEmailOrPassword);
        };
        sign_in_failures::clear_sign_in_failures(&self.store, &email)
            .await
            .map_err(store_error)?;
        start_session(&session, current_user.user_id, password_version, now)
            .await
            .map_err(internal)?;
        // The browser becomes (or stays) a known device of this address: the secret it
        // offered if that was already one, a new one otherwise.
        let secret = match (known_device, from.device) {
            (Some(_), Some(secret)) => secret,
            _ => {
                tokens::issue_token()
                    .map_err(|error| internal(error.to_string().into()))?
                    .secret
            }
        };
        known_devices::remember(
            &self.store,
            &tokens::hash_token(&secret),
            current_user.user_id,
            now,
        )
        .await
        .map_err(store_error)?;
        tracing::info!(user_id = %current_user.user_id, known_device = known_device.is_some(), "signed in");
        Ok(SignedIn {
            user: current_user,
            device_cookie: self.device_cookie(&secret),
        })
    }

    /// The `Set-Cookie` value of a known-device cookie carrying `secret`, for a year.
    fn device_cookie(&self, secret: &str) -> String {
        if self.links.partners_tab().scheme() == "https" {
            format!(
                "{SECURE_DEVICE_COOKIE}={secret}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax; Secure"
            )
        } else {
            format!("{DEVICE_COOKIE}={secret}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax")
        }
    }
}

impl AuthService for StoreAuth {
    fn sign_up(
        &self,
        session: Session,
        form: SignUpForm,
    ) -> BoxFuture<'_, Result<CurrentUser, SignUpError>> {
        Box::pin(StoreAuth::sign_up(self, session, form))
    }

    fn sign_in(
        &self,
        session: Session,
        email: Email,
        password: String,
        from: SignInFrom,
    ) -> BoxFuture<'_, Result<SignedIn, SignInError>> {
        Box::pin(StoreAuth::sign_in(self, session, email, password, from))
    }

    fn sign_out(&self, session: Session) -> BoxFuture<'_, BackendResult<()>> {
        Box::pin(async move {
            let user = session.get::<uuid::Uuid>(USER_ID_KEY).await?;
            session.flush().await?;
            if let Some(user) = user {
                // The session's open streams end on every instance. The session itself has
                // ended already: a failure here leaves a stream open until its next change.
                let ended = crate::store::live::Change::Sessions {
                    user: UserId::from_uuid(user),
                };
                if let Err(error) = self.store.publish(ended).await {
                    tracing::warn!(%error, "could not tell the live streams of a sign-out");
                }
            }
            Ok(())
        })
    }

    fn verify_email(&self, token: String) -> BoxFuture<'_, Result<(), VerifyEmailError>> {
        Box::pin(StoreAuth::verify_email(self, token))
    }

    fn resend_verification(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<()>> {
        Box::pin(StoreAuth::resend_verification(self, actor))
    }
}
