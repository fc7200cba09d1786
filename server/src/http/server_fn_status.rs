//! The HTTP status of a refused server function: the status its [`AppError`] names.
//!
//! Leptos answers every server-function error with 500 and the error, serialized, as the body
//! (and a `serverfnerror` header naming the function). This middleware reads that body back as
//! the [`AppError`] it is and sets the status [`AppError::status`] gives, so a wrong click
//! (401, 403, 404, 409, 422, 429) is never mistaken for an outage (500) by a client or by
//! monitoring. A plain form post is not touched: Leptos answers it with a redirect back to the
//! form, carrying the error in the address, which is how pages show it without JavaScript.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use entente_app::error::AppError;

/// The header Leptos puts on a server function's error answer.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// The largest error body read back; an `AppError` is a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Gives a server function's error answer the status of its [`AppError`].
pub async fn set_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
