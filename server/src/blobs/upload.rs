//! Streaming an upload into a staging object: hashed, counted and cut off at the limit as the
//! bytes arrive, written in parts, and aborted (nothing left) on any failure.

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, WriteMultipart};
use sha2::{Digest as _, Sha256};

use super::{BlobError, Staged, error_text};

/// How many bytes of the start of an upload [`Staged::head`] keeps, for content sniffing.
pub const HEAD_LEN: usize = 8 * 1024;

/// How many parts may be on their way to the store at once (while the next one fills), so
/// an upload holds at most about `(1 + PARTS_IN_FLIGHT) × part size` in memory.
const PARTS_IN_FLIGHT: usize = 2;

/// Streams `body` into `key`, in parts of `part_size` bytes; see [`super::BlobStore::stage`].
pub(super) async fn stage<S, E>(
    store: &dyn ObjectStore,
    path: &Path,
    key: String,
    part_size: usize,
    mut body: S,
    limit: u64,
) -> Result<Staged, BlobError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let upload = store
        .put_multipart(path)
        .await
        .map_err(|error| BlobError::Store(error_text(&error)))?;
    let mut pending = PendingUpload(Some(WriteMultipart::new_with_chunk_size(upload, part_size)));
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(HEAD_LEN);
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                let text = error_text(error.into().as_ref());
                pending.abort().await;
                return Err(BlobError::Body(text));
            }
        };
        size = size.saturating_add(chunk.len() as u64);
        if size > limit {
            pending.abort().await;
            return Err(BlobError::TooLarge { limit });
        }
        hasher.update(&chunk);
        if head.len() < HEAD_LEN {
            let wanted = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        if let Err(error) = pending.put(chunk).await {
            pending.abort().await;
            return Err(BlobError::Store(error_text(&error)));
        }
    }
    // `finish` aborts the upload itself when completing it fails.
    pending
        .finish()
        .await
        .map_err(|error| BlobError::Store(error_text(&error)))?;
    Ok(Staged {
        key,
        sha256: hex::encode(hasher.finalize()),
        size,
        head,
    })
}

/// A multipart upload that is aborted unless it finishes: explicitly on a failure, and in a
/// spawned task when the future driving it is dropped (a client that went away mid-upload).
struct PendingUpload(Option<WriteMultipart>);

impl PendingUpload {
    /// Queues `chunk`, first waiting until few enough parts are in flight (back pressure).
    async fn put(&mut self, chunk: Bytes) -> Result<(), object_store::Error> {
        let writer = self.0.as_mut().expect("the upload is still open");
        writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        writer.put(chunk);
        Ok(())
    }

    /// Writes the last part and completes the upload.
    async fn finish(mut self) -> Result<(), object_store::Error> {
        let writer = self.0.as_mut().expect("the upload is still open");
        writer.wait_for_capacity(0).await?;
        let writer = self.0.take().expect("the upload is still open");
        writer.finish().await.map(drop)
    }

    /// Removes what was written; a failure is only logged (a bucket's lifecycle rule, or
    /// [`super::BlobStore::remove_stale_staging`] on a folder, cleans up what is left).
    async fn abort(mut self) {
        if let Some(writer) = self.0.take()
            && let Err(error) = writer.abort().await
        {
            tracing::warn!(error = %error_text(&error), "could not abort a blob upload");
        }
    }
}

impl Drop for PendingUpload {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(
                        error = %error_text(&error),
                        "could not abort an abandoned blob upload"
                    );
                }
            });
        }
    }
}
