//! The per-request check: which active user, if any, the session belongs to.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use entente_core::UserId;
use tower_sessions::Session;
use uuid::Uuid;

use super::service::load_session_user;
use super::session_store::renewal_due;
use super::{PASSWORD_VERSION_KEY, RENEWED_AT_KEY, USER_ID_KEY};
use crate::store::{Store, StoreError, now_unix_seconds};

/// Resolves the session's user id to an active user and puts the
/// [`CurrentUser`](entente_app::api::session::CurrentUser) in the request's extensions for
/// pages and server functions. A session whose user is gone or deactivated, or whose password
/// was set again since this session signed in, is ended on the server (and its cookie
/// removed): deactivation and a password reset sign a user out at their next request.
///
/// Static files and the health check skip it (no session read, no database query), and a
/// signed-in session's expiry is renewed at most once per
/// [`EXPIRY_RENEWAL_INTERVAL`](super::session_store::EXPIRY_RENEWAL_INTERVAL): recording the
/// renewal time changes the session, so the store rewrites its expiry and the cookie's.
pub async fn resolve_current_user(
    State(store): State<Store>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if needs_no_user(request.uri().path()) {
        return next.run(request).await;
    }
    match session.get::<Uuid>(USER_ID_KEY).await {
        Ok(Some(user_id)) => match load_session_user(&store, UserId::from_uuid(user_id)).await {
            Err(StoreError::Unavailable(_)) => return unavailable(&request),
            Ok(Some(found)) if signed_in_with(&session, found.password_version).await => {
                renew_if_due(&session).await;
                request.extensions_mut().insert(found.user);
            }
            Ok(_) => {
                tracing::info!(%user_id, "ending the session of a missing or deactivated user, or of an old password");
                if let Err(error) = session.flush().await {
                    tracing::error!(%error, "could not end a session");
                }
            }
            Err(error) => tracing::error!(%error, "could not resolve the signed-in user"),
        },
        Ok(None) => {}
        // The session store could not be read: when the database is down, say so (503)
        // rather than sending a signed-in person to sign in again.
        Err(error) if !answers_quickly(&store).await => {
            tracing::warn!(%error, "could not read the session: the database is unavailable");
            return unavailable(&request);
        }
        Err(error) => tracing::warn!(%error, "could not read the session; treating as signed out"),
    }
    next.run(request).await
}

/// Whether the database answers a ping within half a second (the session read that just
/// failed has already waited for a connection as long as the pool allows).
async fn answers_quickly(store: &Store) -> bool {
    let ping = tokio::time::timeout(std::time::Duration::from_millis(500), store.ping());
    matches!(ping.await, Ok(Ok(())))
}

/// The answer while the database cannot be reached: 503, as JSON for a server function and as
/// one sentence otherwise, with a hint to try again soon.
fn unavailable(request: &Request) -> Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse as _;
    let error = entente_app::error::AppError::Unavailable;
    let retry = [(header::RETRY_AFTER, "5")];
    if request.uri().path().starts_with("/api/") {
        let body = serde_json::to_string(&error).unwrap_or_default();
        (
            StatusCode::SERVICE_UNAVAILABLE,
            retry,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, retry, error.to_string()).into_response()
    }
}

/// Whether the session signed in under the user's current password version (sessions from
/// before versions were recorded count as version 0, the version of a password never reset).
async fn signed_in_with(session: &Session, password_version: i64) -> bool {
    let recorded = session
        .get::<i64>(PASSWORD_VERSION_KEY)
        .await
        .ok()
        .flatten();
    recorded.unwrap_or(0) == password_version
}

/// Pushes the session's expiry back when the last renewal is a day old or unknown.
async fn renew_if_due(session: &Session) {
    let now = now_unix_seconds();
    let renewed_at = session.get::<i64>(RENEWED_AT_KEY).await.ok().flatten();
    if renewal_due(renewed_at, now)
        && let Err(error) = session.insert(RENEWED_AT_KEY, now).await
    {
        tracing::warn!(%error, "could not renew a session's expiry");
    }
}

/// Paths that never depend on who is signed in: the built site's files and the health check.
fn needs_no_user(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/healthz"
}

/// The user the stored session `id` still belongs to, checked as [`resolve_current_user`]
/// checks a request's: the session exists and has not expired, its user is active and its
/// password was not set again since; `None` once it ended (signed out, deactivated, a new
/// password, expired). The live stream asks this when told that a user's sessions changed.
pub async fn still_signed_in(
    store: &Store,
    id: tower_sessions::session::Id,
) -> Result<Option<entente_app::api::session::CurrentUser>, StoreError> {
    use tower_sessions::SessionStore as _;
    let record = super::session_store::DbSessionStore::new(store)
        .load(&id)
        .await
        .map_err(|error| {
            StoreError::Unavailable(entente_app::error::Unavailable::new(
                "the session store",
                error,
            ))
        })?;
    let Some(record) = record else {
        return Ok(None);
    };
    if record.expiry_date <= time::OffsetDateTime::now_utc() {
        return Ok(None);
    }
    let value = |key: &str| record.data.get(key).cloned();
    let Some(user_id) = value(USER_ID_KEY).and_then(|id| serde_json::from_value::<Uuid>(id).ok())
    else {
        return Ok(None);
    };
    let recorded = value(PASSWORD_VERSION_KEY)
        .and_then(|version| serde_json::from_value::<i64>(version).ok())
        .unwrap_or(0);
    Ok(load_session_user(store, UserId::from_uuid(user_id))
        .await?
        .filter(|found| found.password_version == recorded)
        .map(|found| found.user))
}

#[cfg(test)]
mod tests {
    use super::{needs_no_user, renewal_due};

    #[test]
    fn a_session_is_renewed_once_a_day_and_when_it_never_recorded_a_renewal() {
        let day = 24 * 60 * 60;
        for (renewed_at, now, due) in [
            (None, 1_000, true),
            (Some(1_000), 1_000, false),
            (Some(1_000), 1_000 + day - 1, false),
            (Some(1_000), 1_000 + day, true),
            (Some(1_000), 1_000 + 30 * day, true),
            // A clock that stepped back renews nothing until it passes the last renewal.
            (Some(1_000 + day), 1_000, false),
        ] {
            assert_eq!(renewal_due(renewed_at, now), due, "{renewed_at:?} at {now}");
        }
    }

    #[test]
    fn static_files_and_the_health_check_skip_the_user_lookup() {
        for (path, skips) in [
            ("/pkg/entente.wasm", true),
            ("/pkg/entente.css", true),
            ("/favicon.ico", true),
            ("/healthz", true),
            ("/", false),
            ("/api/sign_in", false),
            ("/mailbox", false),
            ("/pkgs", false),
        ] {
            assert_eq!(needs_no_user(path), skips, "{path}");
        }
    }
}
