//! Uploads and downloads (SPEC 3.1): plain axum routes, streamed both ways.
//!
//! `POST /documents/upload` takes a multipart form: a `folder` field (files go there) or a
//! `replace` field (a new version of that file), then one or more `file` parts. Each part is
//! streamed into the blob store (hashed and counted as it arrives, refused past the size
//! limit), its type sniffed from its first bytes (never the browser's claim), and recorded in
//! one transaction; only then are its bytes put at their content address. A form posted
//! without JavaScript is answered with a redirect back to the folder or file; a script that
//! asks for JSON gets the new items.
//!
//! `GET /documents/download?file=…&version=…` streams a version with a safe
//! `Content-Disposition`, a strong `ETag` (the content's SHA-256), `304` on a matching
//! `If-None-Match`, and single byte ranges (`206`), so a large download resumes.

use axum::body::Body;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use entente_app::api::documents::{file_href, folder_href};
use entente_app::api::session::CurrentUser;
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::{
    AccessError, DocumentAction, DocumentViewer, ItemKind, ItemName, PreviewKind, UploadTooLarge,
    check_upload_size,
};
use entente_core::{ItemId, VersionId};
use futures_util::TryStreamExt as _;
use serde::{Deserialize, Serialize};

use super::{begin_tree_change, document_viewer, free_name_in, locate_for, record_change};
use crate::blobs::{BlobError, BlobStore, Staged};
use crate::mail::links::Links;
use crate::startup::AppState;
use crate::store::documents::{self, FileFacts, NewItem, NewVersion};
use crate::store::previews;
use crate::store::{Store, now};

/// The path uploads are posted to (the body limit is raised on it alone).
pub const UPLOAD_PATH: &str = "/documents/upload";

/// What a refused upload or download answers: a status and one sentence, as a small page for
/// a browser without JavaScript or as JSON for a script.
pub struct Refusal {
    status: StatusCode,
    message: String,
    back: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} ({})", self.message, self.status)
    }
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            back: None,
        }
    }

    fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, AccessError::NotFound.to_string())
    }

    fn internal(error: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(%error, %reference, "documents: internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "Something went wrong on our side (reference {}).",
                &reference[..8]
            ),
        )
    }

    fn from_access(error: entente_app::api::documents::port::DocumentsError) -> Self {
        use entente_app::api::documents::port::DocumentsError;
        match error {
            DocumentsError::Access(AccessError::NotFound) => Self::not_found(),
            DocumentsError::Access(
                refused @ (AccessError::NotAllowed | AccessError::NoDownloads),
            ) => Self::new(StatusCode::FORBIDDEN, refused.to_string()),
            DocumentsError::Access(refused) => Self::new(StatusCode::CONFLICT, refused.to_string()),
            DocumentsError::Internal(cause) => Self::internal(cause),
            other => Self::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
        }
    }

    fn from_proofs(error: entente_app::api::proofs::port::ProofsError) -> Self {
        use entente_app::api::proofs::port::ProofsError;
        use entente_core::proofs::ProofError;
        match error {
            ProofsError::Proof(ProofError::NotFound)
            | ProofsError::Access(AccessError::NotFound) => Self::not_found(),
            ProofsError::Proof(refused @ ProofError::Locked) => {
                Self::new(StatusCode::CONFLICT, refused.to_string())
            }
            ProofsError::Internal(cause) => Self::internal(cause),
            other => Self::new(StatusCode::FORBIDDEN, other.to_string()),
        }
    }

    fn into_response(self, wants_json: bool) -> Response {
        if wants_json {
            let body = serde_json::json!({ "error": self.message });
            return (self.status, axum::Json(body)).into_response();
        }
        let back = self
            .back
            .map(|href| format!(r#"<p><a href="{}">Back</a></p>"#, escape(&href)))
            .unwrap_or_else(|| r#"<p><a href="/documents">Back to Documents</a></p>"#.to_owned());
        let page = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Upload \
             refused · Entente</title></head><body><main><h1>That did not work</h1>\
             <p role=\"alert\">{}</p>{back}</main></body></html>",
            escape(&self.message)
        );
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Whether the client asked for JSON (a script) rather than a page (a plain form).
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// One uploaded file, as a script reads the answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Uploaded {
    /// The file.
    pub id: ItemId,
    /// Its name (a free variant when the name was taken).
    pub name: String,
    /// The version just made (1 for a new file).
    pub version: u32,
    /// Its size.
    pub size: u64,
    /// Its sniffed type.
    pub content_type: String,
}

/// Where the parts go.
#[derive(Debug, Clone, Copy)]
pub enum Destination {
    /// New files in this folder.
    Folder(ItemId),
    /// A new version of this file.
    NewVersionOf(ItemId),
}

/// The content type of a file from its first bytes: what `infer` recognizes, plain text for
/// UTF-8 without control characters, and `application/octet-stream` for anything else.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    let text_like = match std::str::from_utf8(head) {
        Ok(text) => !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        // A multi-byte character cut at the end of the head is still text.
        Err(error) => error.error_len().is_none() && error.valid_up_to() + 4 > head.len(),
    };
    if text_like && !head.is_empty() {
        "text/plain".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

/// `POST /documents/upload`.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Option<axum::Extension<CurrentUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let json = wants_json(&headers);
    let Some(axum::Extension(viewer)) = viewer else {
        return Refusal::new(StatusCode::UNAUTHORIZED, "Please sign in to continue.")
            .into_response(json);
    };
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            return Refusal::new(
                StatusCode::BAD_REQUEST,
                format!("This upload is not a form: {rejection}"),
            )
            .into_response(json);
        }
    };
    match receive(&state, &viewer, &mut multipart).await {
        Ok((_, uploaded, _)) if json => (StatusCode::CREATED, axum::Json(uploaded)).into_response(),
        // "Upload for review": one file, then its page's Send for review form.
        Ok((Destination::Folder(_), uploaded, true)) if uploaded.len() == 1 => Redirect::to(
            &format!("{}#send-review-heading", file_href(uploaded[0].id)),
        )
        .into_response(),
        Ok((Destination::Folder(folder), _, _)) => {
            Redirect::to(&folder_href(folder)).into_response()
        }
        Ok((Destination::NewVersionOf(file), _, _)) => {
            // A proof's reviewers are told of the new version.
            state.mail_wake.notify_one();
            Redirect::to(&file_href(file)).into_response()
        }
        Err(refusal) => refusal.into_response(json),
    }
}

/// Reads the form part by part, storing each file as it streams.
async fn receive(
    state: &AppState,
    viewer: &CurrentUser,
    multipart: &mut Multipart,
) -> Result<(Destination, Vec<Uploaded>, bool), Refusal> {
    let bad_form = |error: axum::extract::multipart::MultipartError| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("The upload did not arrive whole: {error}"),
        )
    };
    let mut destination = None;
    let mut uploaded = Vec::new();
    let mut then_review = false;
    while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("then") => then_review = field.text().await.map_err(bad_form)?.trim() == "review",
            Some(name @ ("folder" | "replace")) => {
                let is_folder = name == "folder";
                let text = field.text().await.map_err(bad_form)?;
                let id: ItemId = text.trim().parse().map_err(|_| Refusal::not_found())?;
                destination = Some(if is_folder {
                    Destination::Folder(id)
                } else {
                    Destination::NewVersionOf(id)
                });
            }
            Some("file") => {
                let Some(destination) = destination else {
                    return Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "Say where the file goes (a folder) before the file itself.",
                    ));
                };
                if matches!(destination, Destination::NewVersionOf(_)) && !uploaded.is_empty() {
                    return Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "A new version is one file.",
                    ));
                }
                let sent_name = field.file_name().unwrap_or_default().to_owned();
                let staged = state
                    .blobs
                    .stage(field.map_err(std::io::Error::other), state.max_upload_bytes)
                    .await
                    .map_err(|error| match error {
                        BlobError::TooLarge { limit } => Refusal::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            UploadTooLarge { limit }.to_string(),
                        ),
                        BlobError::Body(reason) => Refusal::new(
                            StatusCode::BAD_REQUEST,
                            format!("The upload did not arrive whole: {reason}"),
                        ),
                        other => Refusal::internal(other),
                    })?;
                // A file input left empty sends a part without a name or bytes: no file.
                if sent_name.is_empty() && staged.size == 0 {
                    state.blobs.discard(&staged).await;
                    continue;
                }
                let uploader = document_viewer(viewer);
                let recorded = record(
                    &state.store,
                    &state.blobs,
                    &state.links,
                    &uploader,
                    destination,
                    &sent_name,
                    &staged,
                )
                .await;
                match recorded {
                    Ok((file, preview_queued)) => {
                        if preview_queued {
                            state.preview_wake.notify_one();
                        }
                        uploaded.push(file);
                    }
                    Err(refusal) => {
                        state.blobs.discard(&staged).await;
                        return Err(refusal);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(destination) = destination else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "This upload names no folder.",
        ));
    };
    if uploaded.is_empty() {
        let mut refusal =
            Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "Choose a file to upload.");
        refusal.back = Some(match destination {
            Destination::Folder(folder) => folder_href(folder),
            Destination::NewVersionOf(file) => file_href(file),
        });
        return Err(refusal);
    }
    Ok((destination, uploaded, then_review))
}

/// Records one staged file (a new file in a folder, or a new version), then puts its bytes at
/// their content address.
pub async fn record(
    store: &Store,
    blobs: &BlobStore,
    links: &Links,
    document_viewer: &DocumentViewer,
    destination: Destination,
    sent_name: &str,
    staged: &Staged,
) -> Result<(Uploaded, bool), Refusal> {
    let viewer = Uploader {
        account_id: document_viewer.account,
        user_id: document_viewer.user,
    };
    let content_type = sniff(&staged.head);
    let now = now();
    let mut tx = begin_tree_change(store, viewer.account_id)
        .await
        .map_err(Refusal::internal)?;
    let (file_id, name) = match destination {
        Destination::Folder(folder) => {
            let into = locate_for(
                &mut tx,
                document_viewer,
                folder,
                Some(ItemKind::Folder),
                DocumentAction::CreateIn,
            )
            .await
            .map_err(Refusal::from_access)?;
            let name = free_name_in(&mut tx, folder, &ItemName::from_upload(sent_name))
                .await
                .map_err(Refusal::internal)?;
            let id = ItemId::from_uuid(uuid::Uuid::new_v4());
            let facts = FileFacts {
                size: staged.size,
                content_type: content_type.clone(),
                version_count: 1,
            };
            documents::insert(
                &mut tx,
                &NewItem {
                    id,
                    account_id: viewer.account_id,
                    parent_id: folder,
                    name: &name,
                    created_by: viewer.user_id,
                    file: Some(&facts),
                },
                now,
            )
            .await
            .map_err(Refusal::internal)?;
            record_change(
                &mut tx,
                viewer.account_id,
                viewer.user_id,
                ((id, ItemKind::File), name.clone()),
                DocumentAuditKind::Uploaded {
                    folder: into.item.name,
                },
                now,
            )
            .await
            .map_err(Refusal::internal)?;
            (id, name)
        }
        Destination::NewVersionOf(file) => {
            let located = locate_for(
                &mut tx,
                document_viewer,
                file,
                Some(ItemKind::File),
                DocumentAction::UploadVersion,
            )
            .await
            .map_err(Refusal::from_access)?;
            (file, located.item.name)
        }
    };
    // After the purge of these same bytes, if one is under way (see `purge`).
    tx.serialize_on(&format!("blob:{}", staged.sha256))
        .await
        .map_err(Refusal::internal)?;
    documents::insert_blob(&mut tx, &staged.sha256, staged.size, now)
        .await
        .map_err(Refusal::internal)?;
    let version = NewVersion {
        id: VersionId::from_uuid(uuid::Uuid::new_v4()),
        file_id,
        sha256: &staged.sha256,
        size: staged.size,
        content_type: &content_type,
        uploaded_by: viewer.user_id,
    };
    let number = documents::insert_version(&mut tx, &version, now)
        .await
        .map_err(Refusal::internal)?;
    if let Destination::NewVersionOf(_) = destination {
        let file = documents::get(&mut tx, file_id)
            .await
            .map_err(Refusal::internal)?
            .ok_or_else(Refusal::not_found)?;
        crate::proofs::on_new_version(&mut tx, links, document_viewer, &file, number, now)
            .await
            .map_err(Refusal::from_proofs)?;
        record_change(
            &mut tx,
            viewer.account_id,
            viewer.user_id,
            ((file_id, ItemKind::File), name.clone()),
            DocumentAuditKind::VersionUploaded { number },
            now,
        )
        .await
        .map_err(Refusal::internal)?;
    }
    let preview = PreviewKind::for_content_type(&content_type);
    if let Some(kind) = preview {
        previews::enqueue(&mut tx, version.id, kind, now)
            .await
            .map_err(Refusal::internal)?;
    }
    // The bytes go to their address before the rows that point at them are visible (never a
    // row without bytes); should the commit fail after this, they are removed again unless
    // another upload recorded the same bytes meanwhile.
    blobs.commit(staged).await.map_err(Refusal::internal)?;
    if let Err(error) = tx.commit().await {
        if let Err(cleanup) = super::purge::forget_unrecorded(store, blobs, &staged.sha256).await {
            tracing::warn!(sha256 = %staged.sha256, %cleanup, "an unrecorded blob stays in the store");
        }
        return Err(Refusal::internal(error));
    }
    tracing::info!(file = %file_id, version = number, size = staged.size, "upload stored");
    let uploaded = Uploaded {
        id: file_id,
        name: name.to_string(),
        version: number,
        size: staged.size,
        content_type,
    };
    Ok((uploaded, preview.is_some()))
}

/// Who uploads: their account and themselves.
struct Uploader {
    account_id: entente_core::AccountId,
    user_id: entente_core::UserId,
}

/// The query of a download.
#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    file: String,
    version: Option<String>,
}

/// `GET /documents/download`.
pub async fn download(
    State(state): State<AppState>,
    viewer: Option<axum::Extension<CurrentUser>>,
    Query(query): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(axum::Extension(viewer)) = viewer else {
        return Refusal::new(StatusCode::UNAUTHORIZED, "Please sign in to continue.")
            .into_response(false);
    };
    match serve_download(&state, &viewer, &query, &headers).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(false),
    }
}

async fn serve_download(
    state: &AppState,
    viewer: &CurrentUser,
    query: &DownloadQuery,
    headers: &HeaderMap,
) -> Result<Response, Refusal> {
    let file: ItemId = query
        .file
        .trim()
        .parse()
        .map_err(|_| Refusal::not_found())?;
    let number = match query.version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| Refusal::not_found())?),
    };
    let located = locate_readable(state, viewer, file, DocumentAction::Download).await?;
    let version = documents::version(&state.store, file, number)
        .await
        .map_err(Refusal::internal)?
        .ok_or_else(Refusal::not_found)?;
    let etag = format!("\"{}\"", version.sha256);
    let matches_etag = |value: &HeaderValue| {
        value.to_str().is_ok_and(|text| {
            text.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
    };
    if headers.get(header::IF_NONE_MATCH).is_some_and(matches_etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    // A range applies only while the bytes are the ones the client has (If-Range).
    let range_applies = headers
        .get(header::IF_RANGE)
        .is_none_or(|value| value.to_str().is_ok_and(|text| text.trim() == etag));
    let range = match headers.get(header::RANGE).filter(|_| range_applies) {
        Some(value) => match byte_range(value, version.size) {
            Some(range) => Some(range),
            None => {
                return Ok((
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    [(header::CONTENT_RANGE, format!("bytes */{}", version.size))],
                )
                    .into_response());
            }
        },
        None => None,
    };
    let filename = located.item.name.to_string();
    let stream = state
        .blobs
        .read(&version.sha256, range.clone())
        .await
        .map_err(Refusal::internal)?;
    let mut response = Response::new(Body::from_stream(stream));
    let response_headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&version.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response_headers.insert(header::CONTENT_TYPE, content_type);
    response_headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex in quotes"),
    );
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(&filename)).expect("an ASCII header"),
    );
    match range {
        Some(range) => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!(
                    "bytes {}-{}/{}",
                    range.start,
                    range.end - 1,
                    version.size
                ))
                .expect("digits"),
            );
            headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(range.end - range.start),
            );
        }
        None => {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(version.size));
        }
    }
    Ok(response)
}

/// The query of a preview image.
#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    file: String,
    version: String,
    n: String,
}

/// The file `file` for reading its bytes or previews (`action`): by the file's rules, or as a
/// user of its own account named as a reviewer of its proof (SPEC 3.2, core's `proof_role`).
async fn locate_readable(
    state: &AppState,
    viewer: &CurrentUser,
    file: ItemId,
    action: DocumentAction,
) -> Result<super::Located, Refusal> {
    let viewer = document_viewer(viewer);
    match locate_for(&state.store, &viewer, file, Some(ItemKind::File), action).await {
        Ok(located) => Ok(located),
        Err(refused) => crate::proofs::located_for_named_reviewer(&state.store, &viewer, file)
            .await
            .map_err(Refusal::from_proofs)?
            .ok_or_else(|| Refusal::from_access(refused)),
    }
}

/// `GET /documents/preview?file=…&version=…&n=…`: preview image `n` (0 the thumbnail) of a
/// version, to whoever may open the file. A version's images never change, so the browser
/// keeps them (privately) for a day.
pub async fn preview(
    State(state): State<AppState>,
    viewer: Option<axum::Extension<CurrentUser>>,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let Some(axum::Extension(viewer)) = viewer else {
        return Refusal::new(StatusCode::UNAUTHORIZED, "Please sign in to continue.")
            .into_response(false);
    };
    let found = async {
        let file: ItemId = query
            .file
            .trim()
            .parse()
            .map_err(|_| Refusal::not_found())?;
        let number: u32 = query
            .version
            .trim()
            .parse()
            .map_err(|_| Refusal::not_found())?;
        let n: u32 = query.n.trim().parse().map_err(|_| Refusal::not_found())?;
        locate_readable(&state, &viewer, file, DocumentAction::Open).await?;
        let version = documents::version(&state.store, file, Some(number))
            .await
            .map_err(Refusal::internal)?
            .ok_or_else(Refusal::not_found)?;
        let ready = previews::state_of(&state.store, version.id)
            .await
            .map_err(Refusal::internal)?;
        match ready {
            Some(previews::PreviewState::Ready { pages }) if n <= pages => {}
            _ => return Err(Refusal::not_found()),
        }
        let stream = state
            .blobs
            .read_preview(version.id, n)
            .await
            .map_err(Refusal::internal)?;
        Ok::<_, Refusal>(stream)
    };
    match found.await {
        Ok(stream) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "private, max-age=86400"),
            ],
            Body::from_stream(stream),
        )
            .into_response(),
        Err(refusal) => refusal.into_response(false),
    }
}

/// The one byte range of a `Range: bytes=…` header within `size` bytes, as `start..end`;
/// `None` when it cannot be satisfied. Several ranges are answered with the first only.
pub fn byte_range(value: &HeaderValue, size: u64) -> Option<std::ops::Range<u64>> {
    let spec = value.to_str().ok()?.trim().strip_prefix("bytes=")?;
    let first = spec.split(',').next()?.trim();
    let (start, end) = first.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let length: u64 = suffix.parse().ok()?;
            if length == 0 {
                return None;
            }
            (size.saturating_sub(length), size)
        }
        (start, "") => (start.parse().ok()?, size),
        (start, end) => {
            let end: u64 = end.parse().ok()?;
            (start.parse().ok()?, end.saturating_add(1).min(size))
        }
    };
    (start < end && start < size).then_some(start..end)
}

/// `attachment` with the name as plain ASCII (anything else becomes `_`) and as UTF-8
/// (RFC 5987), so every browser saves it under its own name and no header can be forged.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Refuses a declared upload length over the limit before reading it (the limit plus room for
/// the form's own fields).
pub fn check_declared_upload(length: u64, limit: u64) -> Result<(), UploadTooLarge> {
    check_upload_size(length.saturating_sub(64 * 1024), limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_table() {
        let range = |text: &str| byte_range(&HeaderValue::from_str(text).unwrap(), 1000);
        assert_eq!(range("bytes=0-99"), Some(0..100));
        assert_eq!(range("bytes=500-"), Some(500..1000));
        assert_eq!(range("bytes=-100"), Some(900..1000));
        assert_eq!(range("bytes=990-2000"), Some(990..1000));
        assert_eq!(range("bytes=0-0"), Some(0..1));
        assert_eq!(range("bytes=0-99, 200-299"), Some(0..100));
        assert_eq!(range("bytes=1000-"), None);
        assert_eq!(range("bytes=-0"), None);
        assert_eq!(range("bytes=50-10"), None);
        assert_eq!(range("items=0-5"), None);
        assert_eq!(range("bytes=a-b"), None);
    }

    #[test]
    fn a_download_name_cannot_break_its_header() {
        assert_eq!(
            content_disposition("Brochure v2.pdf"),
            "attachment; filename=\"Brochure v2.pdf\"; filename*=UTF-8''Brochure%20v2.pdf"
        );
        let hostile = content_disposition("a\"b\r\nSet-Cookie: x.pdf");
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert!(
            hostile.starts_with("attachment; filename=\"a_b__Set-Cookie: x.pdf\""),
            "{hostile}"
        );
        assert!(
            content_disposition("日本.pdf").contains("filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf")
        );
    }

    #[test]
    fn types_are_sniffed_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"plain words\nand lines"), "text/plain");
        assert_eq!(sniff(b"\0\x01\x02binary"), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
        assert_eq!(sniff("caf\u{e9}".as_bytes()), "text/plain");
    }
}
