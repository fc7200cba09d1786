//! The per-request check: which active user, if any, the session belongs to.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;
use uuid::Uuid;

use super::USER_ID_KEY;
use super::service::load_current_user;
use crate::store::Store;

/// Resolves the session's user id to an active user and puts the
/// [`CurrentUser`](entente_app::api::session::CurrentUser) in the request's extensions for
/// pages and server functions. A session whose user is gone or deactivated is ended on the
/// server (and its cookie removed), so deactivation signs a user out at their next request.
pub async fn resolve_current_user(
    State(store): State<Store>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    match session.get::<Uuid>(USER_ID_KEY).await {
        Ok(Some(user_id)) => match load_current_user(&store, user_id).await {
            Ok(Some(user)) => {
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
