//! SQL for preview jobs (migration 0017): one per file version that can have a preview,
//! claimed with a lease (the email outbox's pattern), so several instances and a crash
//! mid-render never lose or double a job.

use entente_core::documents::PreviewKind;
use entente_core::{Timestamp, VersionId};
use tracing::instrument;

use super::{Db, StoreError, Tx, decode};

/// How long a claimed job is held before another worker may take it.
pub const LEASE_SECONDS: i64 = 300;
/// How many times a job is tried before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;

/// Where a version's preview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewState {
    /// Being made.
    Pending,
    /// Made: this many views (1 for an image, a page count for a PDF).
    Ready {
        /// How many views.
        pages: u32,
    },
    /// Could not be made.
    Failed,
}

fn kind_text(kind: PreviewKind) -> &'static str {
    match kind {
        PreviewKind::Image => "image",
        PreviewKind::Pdf => "pdf",
    }
}

/// Queues the preview of `version` in the caller's transaction (the upload's).
pub async fn enqueue(
    tx: &mut Tx,
    version: VersionId,
    kind: PreviewKind,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO preview_jobs (version_id, kind, state, available_at, created_at, \
             updated_at) VALUES ($1, $2, 'pending', $3, $3, $3)",
        )
        .bind(version.to_string())
        .bind(kind_text(kind))
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The version to preview.
    pub version: VersionId,
    /// What to make.
    pub kind: PreviewKind,
    /// Which attempt this is (1 for the first).
    pub attempt: i32,
    /// The blob of the version.
    pub sha256: String,
    /// The version's size.
    pub size: u64,
}

/// Takes the next due job for [`LEASE_SECONDS`], or `None` when none is due. A job another
/// worker took a moment before is never returned (the update re-checks the lease).
#[instrument(skip_all)]
pub async fn claim(store: &super::Store, now: Timestamp) -> Result<Option<Claimed>, StoreError> {
    let taken: Option<(String, String, i32)> = on_db!(store, |conn| {
        sqlx::query_as(
            "UPDATE preview_jobs SET lease_until = $2, attempts = attempts + 1, updated_at = $1 \
             WHERE version_id = ( \
               SELECT version_id FROM preview_jobs WHERE state = 'pending' \
               AND available_at <= $1 AND (lease_until IS NULL OR lease_until < $1) \
               ORDER BY available_at, version_id LIMIT 1) \
             AND state = 'pending' AND (lease_until IS NULL OR lease_until < $1) \
             RETURNING version_id, kind, attempts",
        )
        .bind(now.0)
        .bind(now.0 + LEASE_SECONDS)
        .fetch_optional(conn)
        .await
    })?;
    let Some((version, kind, attempt)) = taken else {
        return Ok(None);
    };
    let (sha256, size): (String, i64) = on_db!(store, |conn| {
        sqlx::query_as("SELECT blob_sha256, size FROM file_versions WHERE id = $1")
            .bind(&version)
            .fetch_one(conn)
            .await
    })?;
    Ok(Some(Claimed {
        version: decode::id(&version, "preview_jobs.version_id")?,
        kind: match kind.as_str() {
            "image" => PreviewKind::Image,
            "pdf" => PreviewKind::Pdf,
            _ => {
                return Err(StoreError::Corrupt {
                    column: "preview_jobs.kind",
                });
            }
        },
        attempt,
        sha256,
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt {
            column: "file_versions.size",
        })?,
    }))
}

/// Marks the job ready with `pages` views.
pub async fn mark_ready(
    db: impl Into<Db<'_>>,
    version: VersionId,
    pages: u32,
    now: Timestamp,
) -> Result<(), StoreError> {
    let pages = i32::try_from(pages).unwrap_or(i32::MAX);
    on_db!(db, |conn| {
        sqlx::query(
            "UPDATE preview_jobs SET state = 'ready', pages = $2, lease_until = NULL, \
             failure = NULL, updated_at = $3 WHERE version_id = $1",
        )
        .bind(version.to_string())
        .bind(pages)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Records a failed attempt: tried again after `retry_at`, or failed for good when
/// `give_up`.
pub async fn mark_failed(
    db: impl Into<Db<'_>>,
    version: VersionId,
    failure: &str,
    give_up: bool,
    retry_at: Timestamp,
    now: Timestamp,
) -> Result<(), StoreError> {
    let state = if give_up { "failed" } else { "pending" };
    on_db!(db, |conn| {
        sqlx::query(
            "UPDATE preview_jobs SET state = $2, failure = $3, available_at = $4, \
             lease_until = NULL, updated_at = $5 WHERE version_id = $1",
        )
        .bind(version.to_string())
        .bind(state)
        .bind(failure)
        .bind(retry_at.0)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// The preview state of `version`; `None` when it has no preview (a type without one).
pub async fn state_of(
    db: impl Into<Db<'_>>,
    version: VersionId,
) -> Result<Option<PreviewState>, StoreError> {
    let row: Option<(String, Option<i32>)> = on_db!(db, |conn| {
        sqlx::query_as("SELECT state, pages FROM preview_jobs WHERE version_id = $1")
            .bind(version.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(|(state, pages)| match (state.as_str(), pages) {
        ("pending", _) => Ok(PreviewState::Pending),
        ("failed", _) => Ok(PreviewState::Failed),
        ("ready", Some(pages)) => Ok(PreviewState::Ready {
            pages: u32::try_from(pages).unwrap_or(0),
        }),
        _ => Err(StoreError::Corrupt {
            column: "preview_jobs.state",
        }),
    })
    .transpose()
}
