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

/// Room for an upload form's own fields and part headers beside the file's bytes.
const UPLOAD_FORM_ROOM: u64 = 64 * 1024;

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
    // Uploads stream into the blob store, which counts them against their own limit
    // (`ENTENTE_MAX_UPLOAD_BYTES`); only the stall timeout and a declared length over that
    // limit are checked here.
    let upload = request.uri().path() == crate::documents::http::UPLOAD_PATH;
    let limit = if upload {
        usize::try_from(state.max_upload_bytes.saturating_add(UPLOAD_FORM_ROOM))
            .unwrap_or(usize::MAX)
    } else {
        MAX_BODY_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        tracing::info!(length = declared, "request body over the limit refused");
        drain(request.into_body()).await;
        let sentence = if upload {
            entente_core::documents::UploadTooLarge {
                limit: state.max_upload_bytes,
            }
            .to_string()
        } else {
            TOO_LARGE.to_owned()
        };
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONNECTION, "close")],
            sentence,
        )
            .into_response();
    }
    let stall = Duration::from_secs(state.connections.body_timeout_secs);
    let request = request.map(|body| Body::new(Limited::new(TimeoutBody::new(stall, body), limit)));
    next.run(request).await
}
