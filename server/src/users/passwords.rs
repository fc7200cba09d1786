//! Set-password links: using a token once to set a password, and "Forgot your password?".

use entente_app::api::services::BackendResult;
use entente_app::api::users::port::SetPasswordError;
use entente_core::sign_in::{PASSWORD_RESET_WINDOW_SECONDS, may_send_password_reset};
use entente_core::{Email, NewPassword};

use super::{StoreUsers, tokens};
use crate::auth::hashing::hash_password;
use crate::mail::templates;
use crate::store::password_tokens::{self, TokenPurpose};
use crate::store::{now, outbox, sign_in_failures, users};

/// Uses `secret` once: in one transaction the token is marked used, the password hash stored
/// and the user's other open tokens retired. A token that does not work changes nothing.
#[tracing::instrument(skip_all)]
pub(super) async fn set_password(
    service: &StoreUsers,
    secret: String,
    password: NewPassword,
) -> Result<(), SetPasswordError> {
    let internal =
        |cause: Box<dyn std::error::Error + Send + Sync>| SetPasswordError::Internal(cause);
    let token_hash = tokens::hash_token(&secret);
    let Some(words) = password_tokens::token_owner_words(&service.store, &token_hash, now().0)
        .await
        .map_err(|error| internal(error.into()))?
    else {
        tracing::info!("set-password token refused");
        return Err(SetPasswordError::InvalidToken);
    };
    password
        .check_guessable(&words.each_ref().map(String::as_str))
        .map_err(SetPasswordError::Guessable)?;
    // Hashed before the transaction, so the write lock is not held for Argon2's time.
    let password_hash = hash_password(password.expose().to_owned())
        .await
        .map_err(internal)?;
    let now = now();
    let mut tx = service
        .store
        .begin_write()
        .await
        .map_err(|error| internal(error.into()))?;
    let Some(user_id) = password_tokens::use_token(&mut tx, &token_hash, now.0)
        .await
        .map_err(|error| internal(error.into()))?
    else {
        tracing::info!("set-password token refused");
        return Err(SetPasswordError::InvalidToken);
    };
    let stored = users::set_password_hash(&mut tx, user_id, &password_hash, now)
        .await
        .map_err(|error| internal(error.into()))?;
    if !stored {
        tracing::info!(%user_id, "set-password token of a deactivated user refused");
        return Err(SetPasswordError::InvalidToken);
    }
    password_tokens::retire_tokens_of_user(&mut tx, user_id, now.0)
        .await
        .map_err(|error| internal(error.into()))?;
    tx.commit().await.map_err(|error| internal(error.into()))?;
    // Whoever used the emailed link owns the address: failed sign-ins by others no longer
    // keep its owner out.
    if let Ok(email) = Email::parse(&words[0]) {
        sign_in_failures::clear_sign_in_failures(&service.store, &email)
            .await
            .map_err(|error| internal(error.into()))?;
    }
    tracing::info!(%user_id, "password set");
    Ok(())
}

/// Emails a reset link (valid one hour) to the active user with this address, if any, and
/// if `entente_core::sign_in::may_send_password_reset` allows another one this hour.
#[tracing::instrument(skip_all)]
pub(super) async fn request_password_reset(
    service: &StoreUsers,
    email: Email,
) -> BackendResult<()> {
    let Some(user) = users::find_user_by_email(&service.store, &email).await? else {
        return Ok(());
    };
    if !user.active {
        return Ok(());
    }
    let now = now().0;
    let token = tokens::issue_token().map_err(|error| error.to_string())?;
    let link = service.links.set_password(&token.secret);
    let mut tx = service.store.begin_write().await?;
    // Requests for one user count one after the other, so simultaneous ones cannot all pass.
    tx.serialize_on(&format!("password-reset:{}", user.id))
        .await?;
    let since = now - PASSWORD_RESET_WINDOW_SECONDS;
    let recent =
        password_tokens::count_issued_since(&mut tx, user.id, TokenPurpose::Reset, since).await?;
    if !may_send_password_reset(recent) {
        tracing::warn!(user_id = %user.id, recent, "password reset throttled: no email sent");
        return Ok(());
    }
    password_tokens::insert_token(
        &mut tx,
        &token.hash,
        user.id,
        TokenPurpose::Reset,
        now,
        now + tokens::RESET_LIFETIME_SECS,
    )
    .await?;
    let message = templates::password_reset(user.email.as_str(), user.name.as_str(), &link);
    outbox::enqueue(&mut tx, &message, now).await?;
    tx.commit().await?;
    service.mail_wake.notify_one();
    tracing::info!(user_id = %user.id, "password reset link sent");
    Ok(())
}
