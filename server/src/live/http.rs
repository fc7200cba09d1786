//! `GET /live`: a signed-in tab's stream of events (server-sent events).

use std::convert::Infallible;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use entente_app::api::session::CurrentUser;
use tower_sessions::Session;

use super::TooManyStreams;
use crate::startup::AppState;

/// A comment line every so often keeps proxies from closing a quiet stream; it costs no
/// database work.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

/// A stream ends at its session's expiry, and at least this often: the tab reconnects at once
/// (its session renewed or not) and refreshes what it shows.
const LONGEST_STREAM: Duration = Duration::from_secs(60 * 60);

/// Opens the signed-in person's stream: 401 for a visitor, 429 beyond the open streams a user
/// may hold (`ENTENTE_LIVE_STREAMS_PER_USER`).
pub async fn stream(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Session,
) -> Response {
    let (Some(Extension(user)), Some(session_id)) = (user, session.id()) else {
        return refusal(StatusCode::UNAUTHORIZED, "Sign in to receive live updates.");
    };
    let left = session.expiry_date() - time::OffsetDateTime::now_utc();
    let lasts = Duration::try_from(left)
        .unwrap_or(Duration::ZERO)
        .min(LONGEST_STREAM);
    let subscription = match state.live.open(user, session_id) {
        Ok(subscription) => subscription,
        Err(TooManyStreams) => {
            return refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many open pages receive live updates for you: close some tabs.",
            );
        }
    };
    let (events, registration) = subscription.into_parts();
    let ends = tokio::time::Instant::now() + lasts;
    let stream = futures_util::stream::unfold(
        (events, registration),
        move |(mut events, registration)| async move {
            let event = tokio::select! {
                event = events.recv() => event?,
                () = tokio::time::sleep_until(ends) => return None,
            };
            let sent = Event::default().data(event.to_data());
            Some((Ok::<_, Infallible>(sent), (events, registration)))
        },
    );
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)),
    )
        .into_response()
}

/// A refusal in one sentence.
fn refusal(status: StatusCode, sentence: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], sentence).into_response()
}
