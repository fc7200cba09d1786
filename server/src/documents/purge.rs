//! The purge (SPEC 3.1): what has been in the trash 30 days goes for good, with its subtree,
//! its versions and their previews; then every blob no version uses any more is removed from
//! the database and the blob store, and staging leftovers of crashed uploads are cleared.
//!
//! A blob is removed under a per-blob serialization (`Tx::serialize_on("blob:<sha256>")`) that
//! uploads take too before they record a blob: an upload of the same bytes either commits
//! first (the blob is used again and stays) or waits and puts the bytes back after the purge.

use std::time::Duration;

use entente_core::documents::trash::purge_cutoff;
use entente_core::{AccountId, ItemId, Timestamp};

use crate::blobs::{BlobError, BlobStore};
use crate::store::documents;
use crate::store::{Store, StoreError, now};

/// Why a purge pass stopped (the next one tries again).
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blob store failed.
    #[error(transparent)]
    Blobs(#[from] BlobError),
}

/// How often the purge runs.
pub const PURGE_PERIOD: Duration = Duration::from_secs(60 * 60);
/// How old a staging object must be before it counts as a crashed upload's leftover.
pub const STALE_STAGING: Duration = Duration::from_secs(24 * 60 * 60);
/// How many trashed items or blobs one pass takes at most (the next pass takes the rest).
const BATCH: i64 = 200;

/// What one pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PurgeReport {
    /// Items (with everything inside them) deleted for good.
    pub items: usize,
    /// Blobs no version used any more, removed.
    pub blobs: usize,
    /// Staging leftovers removed.
    pub staging: usize,
}

/// Runs [`purge`] every [`PURGE_PERIOD`], forever.
pub async fn purge_periodically(store: Store, blobs: BlobStore) {
    let mut interval = tokio::time::interval(PURGE_PERIOD);
    loop {
        interval.tick().await;
        match purge(&store, &blobs, now()).await {
            Ok(report) if report != PurgeReport::default() => {
                tracing::info!(?report, "purged the trash and unused blobs");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the purge failed; it runs again later"),
        }
    }
}

/// One pass of the purge at `now`.
pub async fn purge(
    store: &Store,
    blobs: &BlobStore,
    now: Timestamp,
) -> Result<PurgeReport, PurgeError> {
    let mut report = PurgeReport::default();
    let cutoff = purge_cutoff(now);
    for (id, account) in documents::due_for_purge(store, cutoff, BATCH).await? {
        report.items += delete_subtree(store, blobs, account, id, cutoff).await?;
    }
    for sha256 in documents::unused_blobs(store, BATCH).await? {
        if remove_blob(store, blobs, &sha256).await? {
            report.blobs += 1;
        }
    }
    report.staging = blobs.remove_stale_staging(STALE_STAGING).await?;
    Ok(report)
}

/// Deletes `id` (still due at `cutoff`) and its whole subtree, with versions and previews, in
/// one transaction; returns how many items went (0 when it was restored meanwhile).
async fn delete_subtree(
    store: &Store,
    blobs: &BlobStore,
    account: AccountId,
    id: ItemId,
    cutoff: Timestamp,
) -> Result<usize, PurgeError> {
    let mut tx = super::begin_tree_change(store, account).await?;
    let subtree = documents::subtree_if_due(&mut tx, id, cutoff).await?;
    let versions = documents::delete_for_good(&mut tx, &subtree).await?;
    tx.commit().await?;
    for (version, views) in versions {
        if let Err(error) = blobs.delete_previews(version, views).await {
            tracing::warn!(%error, %version, "could not delete a purged version's previews");
        }
    }
    Ok(subtree.len())
}

/// Removes the blob `sha256` if no version uses it, row and bytes together; `true` if it went.
async fn remove_blob(store: &Store, blobs: &BlobStore, sha256: &str) -> Result<bool, PurgeError> {
    let mut tx = store.begin_write().await?;
    tx.serialize_on(&format!("blob:{sha256}")).await?;
    if !documents::delete_blob_if_unused(&mut tx, sha256).await? {
        return Ok(false);
    }
    // Under the blob's lock: an upload of these bytes waits, then puts them back.
    blobs.delete(sha256).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes the bytes of `sha256` from the blob store if no row records them: what an upload
/// whose database commit failed after its bytes were stored leaves behind. Under the blob's
/// lock, so an upload of the same bytes that commits meanwhile keeps them. `true` if they went.
pub async fn forget_unrecorded(
    store: &Store,
    blobs: &BlobStore,
    sha256: &str,
) -> Result<bool, PurgeError> {
    let mut tx = store.begin_write().await?;
    tx.serialize_on(&format!("blob:{sha256}")).await?;
    if documents::blob_recorded(&mut tx, sha256).await? {
        return Ok(false);
    }
    blobs.delete(sha256).await?;
    tx.commit().await?;
    Ok(true)
}
