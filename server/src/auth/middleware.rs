//! The per-request check: which active user, if any, the session belongs to.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::{Expiry, Session};
use uuid::Uuid;

use super::USER_ID_KEY;
use super::service::load_current_user;
use super::session_store::{EXPIRY_RENEWAL_INTERVAL, INACTIVITY_EXPIRY};
use crate::store::Store;

/// Resolves the session's user id to an active user and puts the
/// [`CurrentUser`](entente_app::api::session::CurrentUser) in the request's extensions for
/// pages and server functions. A session whose user is gone or deactivated is ended on the
/// server (and its cookie removed), so deactivation signs a user out at their next request.
///
/// Static files and the health check skip it (no session read, no database query), and a
/// signed-in session's expiry is renewed at most once per [`EXPIRY_RENEWAL_INTERVAL`].
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
        Ok(Some(user_id)) => match load_current_user(&store, user_id).await {
            Ok(Some(user)) => {
                if session.expiry_age() < INACTIVITY_EXPIRY - EXPIRY_RENEWAL_INTERVAL {
                    session.set_expiry(Some(Expiry::OnInactivity(INACTIVITY_EXPIRY)));
                }
                request.extensions_mut().insert(user);
            }
            Ok(None) => {
                tracing::info!(%user_id, "ending the session of a missing or deactivated user");
                if let Err(error) = session.flush().await {
                    tracing::error!(%error, "could not end a session");
                }
            }
            Err(error) => tracing::error!(%error, "could not resolve the signed-in user"),
        },
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the session; treating as signed out"),
    }
    next.run(request).await
}

/// Paths that never depend on who is signed in: the built site's files and the health check.
fn needs_no_user(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/healthz"
}

#[cfg(test)]
mod tests {
    use super::needs_no_user;

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
