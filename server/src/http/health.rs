//! `GET /healthz`: 200 only when the database answers, 503 otherwise.

use axum::extract::State;
use axum::http::StatusCode;

use crate::startup::AppState;

/// Answers 200 "ok" when the database answers a query, 503 with a short reason otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::warn!(%error, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
