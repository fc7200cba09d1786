//! Preview images beside the blobs: `previews/<version id>/<n>.png`, where `0` is the
//! thumbnail and `1…` the views (an image's larger view, a PDF's pages). The key is built from
//! a version id and a number only, never from client text.

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::{ObjectStoreExt as _, PutPayload};

use super::{BlobError, BlobStore, address, error_text, map_error};
use entente_core::VersionId;

/// The folder (key prefix) of preview images.
const PREVIEWS: &str = "previews";

fn preview_key(version: VersionId, number: u32) -> String {
    format!("{PREVIEWS}/{version}/{number}.png")
}

impl BlobStore {
    /// Stores preview image `number` of `version` (0: the thumbnail).
    pub async fn put_preview(
        &self,
        version: VersionId,
        number: u32,
        png: Vec<u8>,
    ) -> Result<(), BlobError> {
        let path = self.path(&preview_key(version, number));
        self.store
            .put(&path, PutPayload::from(png))
            .await
            .map(|_| ())
            .map_err(|error| BlobError::Store(error_text(&error)))
    }

    /// The bytes of preview image `number` of `version`.
    pub async fn read_preview(
        &self,
        version: VersionId,
        number: u32,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let path = self.path(&preview_key(version, number));
        let result = self.store.get(&path).await.map_err(map_error)?;
        Ok(result
            .into_stream()
            .map_err(|error| BlobError::Store(error_text(&error)))
            .boxed())
    }

    /// Deletes the thumbnail and the `views` views of `version` (a purged version's).
    pub async fn delete_previews(&self, version: VersionId, views: u32) -> Result<(), BlobError> {
        for number in 0..=views {
            self.delete_if_present(&self.path(&preview_key(version, number)))
                .await?;
        }
        Ok(())
    }

    /// The whole blob `sha256` in memory, refused past `limit` bytes (for an image to decode).
    pub async fn read_whole(&self, sha256: &str, limit: u64) -> Result<Vec<u8>, BlobError> {
        let path = self.path(&address::blob_key(sha256)?);
        let result = self.store.get(&path).await.map_err(map_error)?;
        if result.meta.size > limit {
            return Err(BlobError::TooLarge { limit });
        }
        let bytes = result
            .bytes()
            .await
            .map_err(|error| BlobError::Store(error_text(&error)))?;
        Ok(bytes.to_vec())
    }

    /// Writes the blob `sha256` to the local file `to`, streamed (for a renderer that reads a
    /// file).
    pub async fn copy_to_file(&self, sha256: &str, to: &std::path::Path) -> Result<(), BlobError> {
        use tokio::io::AsyncWriteExt as _;
        let mut stream = self.read(sha256, None).await?;
        let mut file = tokio::fs::File::create(to)
            .await
            .map_err(|error| BlobError::Store(error.to_string()))?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?)
                .await
                .map_err(|error| BlobError::Store(error.to_string()))?;
        }
        file.flush()
            .await
            .map_err(|error| BlobError::Store(error.to_string()))
    }
}
