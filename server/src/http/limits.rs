//! Bounds on a request body: its size (issue 12: an over-limit body closed the connection
//! without an answer) and how long it may stall.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use tower_http::timeout::TimeoutBody;

use crate::startup::AppState;

/// The largest request body accepted: forms and server-function arguments are a few
/// kilobytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The sentence of a 413.
pub const TOO_LARGE: &str = "This request is too large (at most 256 KB).";

/// How much of a refused body is read and dropped before the 413, and for how long at most.
/// Closing a connection with unread data resets it, and the client may then never see the
/// answer; a body larger than this still gets the answer sent, as best it can.
const DRAIN_BYTES: usize = 4 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Reads and drops up to [`DRAIN_BYTES`] of `body` within [`DRAIN_TIME`].
async fn drain(body: Body) {
    let mut body = std::pin::pin!(body);
    let reading = async {
        let mut seen = 0_usize;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |data| data.len());
            if seen > DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, reading).await;
}

/// Answers 413 to a body whose declared length is over [`MAX_BODY_BYTES`] before any handler
/// reads it (after draining what it can); bounds any other body to that size (a chunked body
/// that goes over fails where it is read) and to `body_timeout_secs` between two pieces.
pub async fn bound_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        tracing::info!(length = declared, "request body over the limit refused");
        drain(request.into_body()).await;
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONNECTION, "close")],
            TOO_LARGE,
        )
            .into_response();
    }
    let stall = Duration::from_secs(state.connections.body_timeout_secs);
    let request =
        request.map(|body| Body::new(Limited::new(TimeoutBody::new(stall, body), MAX_BODY_BYTES)));
    next.run(request).await
}
