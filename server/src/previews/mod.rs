//! Previews made in the background (SPEC 3.1): after an upload commits, its preview job waits
//! in the database ([`crate::store::previews`]); a worker in every server instance claims due
//! jobs one at a time with a lease, renders ([`render`]), stores the images in the blob store,
//! and marks the job ready, or retries it later and finally marks it failed (the file still
//! downloads; its page says the preview is unavailable). A job survives a restart: its lease
//! runs out and a worker takes it again.

pub mod render;
pub mod sample;

use std::sync::Arc;
use std::time::Duration;

use entente_core::Timestamp;
use entente_core::documents::PreviewKind;
use tokio::sync::Notify;

use crate::blobs::BlobStore;
use crate::store::previews::{self, Claimed, MAX_ATTEMPTS};
use crate::store::{Store, now};

use self::render::{MAX_IMAGE_BYTES, RenderError, Rendered, render_image, render_pdf};

/// How long the worker sleeps when no job is due and nobody wakes it.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Runs forever: takes due jobs, one at a time, waking early when `wake` is notified (an
/// upload just committed one).
pub async fn run_worker(store: Store, blobs: BlobStore, wake: Arc<Notify>) {
    loop {
        match step(&store, &blobs).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "previews: could not take a job"),
        }
        let _ = tokio::time::timeout(POLL_INTERVAL, wake.notified()).await;
    }
}

/// Takes and finishes one due job; `false` when none was due.
pub async fn step(store: &Store, blobs: &BlobStore) -> Result<bool, crate::store::StoreError> {
    let Some(job) = previews::claim(store, now()).await? else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let outcome = make(blobs, &job).await;
    let now = now();
    match outcome {
        Ok(pages) => {
            previews::mark_ready(store, job.version, pages, now).await?;
            tracing::info!(version = %job.version, pages, millis = started.elapsed().as_millis() as u64, "preview ready");
        }
        Err(error) => {
            // A file the renderer refuses will be refused again: give up at once. A failure
            // on our side (the store, the renderer missing) is tried again later.
            let give_up = matches!(
                error,
                RenderError::Unreadable(..) | RenderError::TooLarge(_) | RenderError::TimedOut
            ) || job.attempt >= MAX_ATTEMPTS;
            let retry_at = Timestamp(now.0 + 60 * i64::from(job.attempt));
            tracing::warn!(version = %job.version, %error, give_up, "preview not made");
            previews::mark_failed(
                store,
                job.version,
                &error.to_string(),
                give_up,
                retry_at,
                now,
            )
            .await?;
        }
    }
    Ok(true)
}

/// Renders the preview of `job` and stores its images; returns how many views it has.
async fn make(blobs: &BlobStore, job: &Claimed) -> Result<u32, RenderError> {
    let store_error = |error: crate::blobs::BlobError| RenderError::Renderer(error.to_string());
    let rendered: Rendered = match job.kind {
        PreviewKind::Image => {
            if job.size > MAX_IMAGE_BYTES {
                return Err(RenderError::TooLarge(format!("{} bytes", job.size)));
            }
            let bytes = blobs
                .read_whole(&job.sha256, MAX_IMAGE_BYTES)
                .await
                .map_err(store_error)?;
            tokio::task::spawn_blocking(move || render_image(&bytes))
                .await
                .map_err(|error| RenderError::Renderer(error.to_string()))??
        }
        PreviewKind::Pdf => {
            let work =
                tempfile::tempdir().map_err(|error| RenderError::Renderer(error.to_string()))?;
            let pdf = work.path().join("input.pdf");
            blobs
                .copy_to_file(&job.sha256, &pdf)
                .await
                .map_err(store_error)?;
            let pages = work.path().join("pages");
            std::fs::create_dir(&pages)
                .map_err(|error| RenderError::Renderer(error.to_string()))?;
            render_pdf(&pdf, &pages).await?
        }
    };
    blobs
        .put_preview(job.version, 0, rendered.thumbnail)
        .await
        .map_err(store_error)?;
    let count = rendered.views.len();
    for (index, view) in rendered.views.into_iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        blobs
            .put_preview(job.version, number, view)
            .await
            .map_err(store_error)?;
    }
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}
