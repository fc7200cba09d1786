//! The blob store (SPEC 3.1): file bytes addressed by their SHA-256, one copy per content, in a
//! folder under the data directory or on S3-compatible storage (through `object_store`).
//!
//! An upload is streamed into a staging object ([`BlobStore::stage`]), hashed and counted as it
//! arrives and refused past its size limit; the caller records the file in the database, then
//! moves the staged bytes to their content address ([`BlobStore::commit`]) or drops them
//! ([`BlobStore::discard`]). Objects are `blobs/<first 2 hex>/<sha256>` and `staging/<uuid>`,
//! under the bucket's prefix on S3. Several server instances can share one bucket: a key is
//! either a fresh uuid or a content address, so they never write different bytes to one key.
//!
//! Memory: an upload holds at most about three parts (1 MiB each on a folder, 5 MiB on S3,
//! S3's smallest part). On S3 a commit is one server-side copy, which S3 allows up to 5 GiB,
//! so upload limits stay below that.

mod address;
mod location;
mod previews;
mod upload;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt as _, TryStreamExt as _};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _};

pub use address::is_sha256_hex;
pub use location::{BlobLocation, S3Credentials};
pub use upload::HEAD_LEN;

/// S3's smallest part (but the last): every part of an S3 upload has this size.
const S3_PART_SIZE: usize = 5 * 1024 * 1024;

/// The part size on a local folder, where parts only bound what one upload holds in memory.
const LOCAL_PART_SIZE: usize = 1024 * 1024;

/// The content-addressed blob store; cheap to clone (one client shared by every clone).
#[derive(Debug, Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The key prefix of every object: empty, or a path without leading or trailing slash.
    prefix: String,
    /// The folder of a local store, where [`BlobStore::remove_stale_staging`] also finds the
    /// half-written files of a crashed process.
    local_root: Option<PathBuf>,
    part_size: usize,
}

/// An upload written to its staging object, not yet at its content address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// The staging object's key, `staging/<uuid>`.
    pub key: String,
    /// The SHA-256 of the bytes, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// How many bytes there are.
    pub size: u64,
    /// The first bytes ([`HEAD_LEN`] at most), for sniffing the content type.
    pub head: Vec<u8>,
}

/// Why the blob store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The upload went past its size limit; nothing of it was kept.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// No blob has this address.
    #[error("there is no blob with this address")]
    NotFound,
    /// The address given is not a SHA-256 as 64 lowercase hexadecimal digits.
    #[error("a blob address is a SHA-256 as 64 lowercase hexadecimal digits")]
    InvalidSha256,
    /// The client's body stream failed (a dropped connection, a timeout); nothing was kept.
    #[error("the upload did not arrive whole: {0}")]
    Body(String),
    /// The storage failed.
    #[error("the blob store failed: {0}")]
    Store(String),
}

impl BlobStore {
    /// Opens the store at `location`, creating a local folder if it is missing. An S3 bucket
    /// must exist already; nothing is sent to it until the first operation.
    pub fn open(location: &BlobLocation) -> Result<Self, BlobError> {
        let opened = location::open(location)?;
        let part_size = match location {
            BlobLocation::Local(_) => LOCAL_PART_SIZE,
            BlobLocation::S3 { .. } => S3_PART_SIZE,
        };
        Ok(Self {
            store: opened.store,
            prefix: opened.prefix,
            local_root: opened.local_root,
            part_size,
        })
    }

    /// Streams `body` into a new staging object, hashing (SHA-256) and counting as it goes,
    /// never holding the whole body in memory. Refuses with [`BlobError::TooLarge`] as soon as
    /// more than `limit` bytes arrived; on that, a body error or a storage failure, what was
    /// written is removed. Dropping the future mid-upload aborts the upload in the background.
    #[tracing::instrument(skip_all, fields(limit = limit))]
    pub async fn stage<S, E>(&self, body: S, limit: u64) -> Result<Staged, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let key = address::new_staging_key();
        let path = self.path(&key);
        upload::stage(self.store.as_ref(), &path, key, self.part_size, body, limit).await
    }

    /// Puts the staged bytes at their content address and removes the staging object; call it
    /// after the database commit that records them. If that blob exists already it is kept as
    /// it is (same address, same bytes): only the staging object goes.
    #[tracing::instrument(skip_all, fields(sha256 = ?staged.sha256))]
    pub async fn commit(&self, staged: &Staged) -> Result<(), BlobError> {
        address::check_staging_key(&staged.key)?;
        let from = self.path(&staged.key);
        let to = self.path(&address::blob_key(&staged.sha256)?);
        if self.local_root.is_none() && self.object_exists(&to).await? {
            // On S3 a rename is a copy: skip it. A local rename is atomic and costs nothing.
            return self.delete_if_present(&from).await;
        }
        self.store
            .rename(&from, &to)
            .await
            .map_err(|error| match error {
                object_store::Error::NotFound { .. } => {
                    BlobError::Store(format!("the staged upload {} is missing", staged.key))
                }
                error => BlobError::Store(error_text(&error)),
            })
    }

    /// Removes a staged upload that will not be committed; a failure is only logged, and
    /// [`BlobStore::remove_stale_staging`] removes what stays.
    #[tracing::instrument(skip_all)]
    pub async fn discard(&self, staged: &Staged) {
        let outcome = match address::check_staging_key(&staged.key) {
            Ok(()) => self.delete_if_present(&self.path(&staged.key)).await,
            Err(error) => Err(error),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, key = ?staged.key, "could not discard a staged upload");
        }
    }

    /// The bytes of the blob `sha256` as a stream, all of them or the byte `range` (which must
    /// lie within the blob; an empty range gives no bytes).
    #[tracing::instrument(skip_all, fields(sha256 = ?sha256))]
    pub async fn read(
        &self,
        sha256: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let path = self.path(&address::blob_key(sha256)?);
        if range.as_ref().is_some_and(|range| range.start >= range.end) {
            return if self.object_exists(&path).await? {
                Ok(stream::empty().boxed())
            } else {
                Err(BlobError::NotFound)
            };
        }
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .store
            .get_opts(&path, options)
            .await
            .map_err(map_error)?;
        Ok(result
            .into_stream()
            .map_err(|error| BlobError::Store(error_text(&error)))
            .boxed())
    }

    /// Whether the blob `sha256` exists.
    pub async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        let path = self.path(&address::blob_key(sha256)?);
        self.object_exists(&path).await
    }

    /// Deletes the blob `sha256`; a blob that is not there is fine.
    #[tracing::instrument(skip_all, fields(sha256 = ?sha256))]
    pub async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        let path = self.path(&address::blob_key(sha256)?);
        self.delete_if_present(&path).await
    }

    /// Removes staging objects last written more than `age` ago (the leftovers of a crashed
    /// upload or of a failed commit) and returns how many. On a local folder that includes the
    /// half-written files of a crashed process; on S3 a bucket lifecycle rule
    /// (`AbortIncompleteMultipartUpload`) cleans up unfinished uploads.
    #[tracing::instrument(skip_all)]
    pub async fn remove_stale_staging(&self, age: Duration) -> Result<usize, BlobError> {
        let cutoff = SystemTime::now()
            .checked_sub(age)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        if let Some(root) = &self.local_root {
            return remove_stale_local_files(&root.join(address::STAGING), cutoff).await;
        }
        let staging = self.path(address::STAGING);
        let stale: Vec<Path> = self
            .store
            .list(Some(&staging))
            .try_filter(|meta| std::future::ready(SystemTime::from(meta.last_modified) < cutoff))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(|error| BlobError::Store(error_text(&error)))?;
        for path in &stale {
            self.delete_if_present(path).await?;
        }
        Ok(stale.len())
    }

    /// The object path of `key` (already checked) under the prefix.
    fn path(&self, key: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }

    async fn object_exists(&self, path: &Path) -> Result<bool, BlobError> {
        match self.store.head(path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(BlobError::Store(error_text(&error))),
        }
    }

    async fn delete_if_present(&self, path: &Path) -> Result<(), BlobError> {
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(BlobError::Store(error_text(&error))),
        }
    }
}

/// Deletes the files in `folder` last modified before `cutoff`, whole or half-written alike.
async fn remove_stale_local_files(
    folder: &std::path::Path,
    cutoff: SystemTime,
) -> Result<usize, BlobError> {
    let failed = |error: std::io::Error| {
        BlobError::Store(format!(
            "could not clean the staging folder {}: {error}",
            folder.display()
        ))
    };
    let mut entries = match tokio::fs::read_dir(folder).await {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(failed(error)),
    };
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await.map_err(failed)? {
        let metadata = entry.metadata().await.map_err(failed)?;
        if !metadata.is_file() || metadata.modified().map_err(failed)? >= cutoff {
            continue;
        }
        match tokio::fs::remove_file(entry.path()).await {
            Ok(()) => removed += 1,
            // Committed or discarded meanwhile.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(failed(error)),
        }
    }
    Ok(removed)
}

/// An object-store failure as [`BlobError`]: a missing object is [`BlobError::NotFound`].
fn map_error(error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        error => BlobError::Store(error_text(&error)),
    }
}

/// An error and its causes as one line, skipping a cause whose text is already included.
fn error_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
