//! Sign-up, sign-in, sign-out and "who am I": thin server functions over [`AuthService`](port::AuthService).
//!
//! Endpoints: `POST /api/sign_up`, `/api/sign_in`, `/api/sign_out`, `/api/current_user`,
//! `/api/verify_email` (a link sent at sign-up) and `/api/resend_verification`.
//! Posted as plain forms they answer with a redirect (home, or the safe `next` path), so the
//! pages work without WebAssembly.

#[cfg(feature = "ssr")]
pub mod port;

use leptos::prelude::*;

use crate::api::session::CurrentUser;
use crate::error::AppError;

/// Creates an organization and its first Administrator, then signs them in.
///
/// Field errors name `account_name`, `name`, `email` or `password`.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    account_name: String,
    name: String,
    email: String,
    password: String,
) -> Result<CurrentUser, AppError> {
    use entente_core::{AccountName, Email, NewPassword, PersonName};

    use self::port::{SignUpError, SignUpForm};
    use crate::api::services::services;

    let mut errors = crate::error::FieldErrors::default();
    let account_name = errors.check("account_name", AccountName::parse(&account_name));
    let name = errors.check("name", PersonName::parse(&name));
    let email = errors.check("email", Email::parse(&email));
    let password = errors.check("password", NewPassword::parse(&password));
    let (Some(account_name), Some(name), Some(email), Some(password)) =
        (account_name, name, email, password)
    else {
        return Err(AppError::InvalidFields(errors));
    };
    password
        .check_guessable(&[email.as_str(), name.as_str(), account_name.as_str()])
        .map_err(|problem| AppError::field("password", problem))?;
    let session = crate::api::session::request_session()?;
    let form = SignUpForm {
        account_name,
        name,
        email,
        password,
    };
    let user = services()?
        .auth
        .sign_up(session, form)
        .await
        .map_err(|error| match error {
            SignUpError::EmailTaken => AppError::field_conflict("email", SignUpError::EmailTaken),
            SignUpError::Internal(cause) => AppError::internal(cause),
        })?;
    leptos_axum::redirect("/");
    Ok(user)
}

/// Signs in with an email address and password; `next` is where to go afterwards (a path on
/// this site only, otherwise home).
///
/// A wrong password and an unknown address give the same `password` field error.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use entente_core::Email;
    use entente_core::sign_in::local_return_path;

    use self::port::{SignInError, SignInFrom};
    use crate::api::services::services;

    let email = Email::parse(&email).map_err(|error| AppError::field("email", error))?;
    let session = crate::api::session::request_session()?;
    let from = SignInFrom {
        client: crate::api::session::client_address().map(|client| client.ip),
        device: device_cookie(),
    };
    let signed_in = services()?
        .auth
        .sign_in(session, email, password, from)
        .await
        .map_err(|error| match error {
            SignInError::WrongEmailOrPassword => AppError::field("password", error),
            SignInError::Throttled(refusal) => AppError::TooManyRequests(refusal.to_string()),
            SignInError::Internal(cause) => AppError::internal(cause),
        })?;
    if let (Some(response), Ok(cookie)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&signed_in.device_cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, cookie);
    }
    let destination = next.as_deref().and_then(local_return_path).unwrap_or("/");
    leptos_axum::redirect(destination);
    Ok(signed_in.user)
}

/// The secret of the known-device cookie this request carries, if any.
#[cfg(feature = "ssr")]
fn device_cookie() -> Option<String> {
    use self::port::{DEVICE_COOKIE, SECURE_DEVICE_COOKIE};

    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == DEVICE_COOKIE || *name == SECURE_DEVICE_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Ends the session on the server, then goes home.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::services::services;

    let session = crate::api::session::request_session()?;
    services()?
        .auth
        .sign_out(session)
        .await
        .map_err(AppError::internal)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user, or `None` when nobody is.
#[server(name = FetchCurrentUser, endpoint = "current_user")]
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::api::session::signed_in_user())
}

/// Confirms the signed-in organization's address with the token of the link we emailed, then
/// goes home, which says so (`/?verified=1`).
#[server(endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use self::port::VerifyEmailError;
    use crate::api::services::services;

    services()?
        .auth
        .verify_email(token)
        .await
        .map_err(|error| match error {
            VerifyEmailError::InvalidToken => AppError::Invalid(error.to_string()),
            VerifyEmailError::Internal(cause) => AppError::internal(cause),
        })?;
    leptos_axum::redirect("/?verified=1");
    Ok(())
}

/// Emails the signed-in user a new link to confirm their organization's address, then comes
/// back home saying so (`/?verification_sent=1`).
#[server(endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::api::services::services;

    let user = crate::api::session::signed_in_user().ok_or(AppError::Unauthenticated)?;
    services()?
        .auth
        .resend_verification(user)
        .await
        .map_err(AppError::internal)?;
    leptos_axum::redirect("/?verification_sent=1");
    Ok(())
}
