//! Where the blob store keeps its objects, and opening the `object_store` client for it.

use std::path::PathBuf;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;

use super::{BlobError, error_text};

/// Where blobs live: a local folder, or a bucket (and a key prefix in it) on S3-compatible storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A folder on this machine, created when the store opens.
    Local(PathBuf),
    /// A bucket on S3 or an S3-compatible server.
    S3 {
        /// The bucket, which must exist.
        bucket: String,
        /// The key prefix every object gets (`a/b` puts blobs under `a/b/blobs/`); may be empty.
        prefix: String,
        /// The server's address, such as `http://127.0.0.1:9000`; `None` for AWS itself.
        endpoint: Option<String>,
        /// The region requests are signed for.
        region: String,
        /// Whether plain `http://` endpoints are allowed.
        allow_http: bool,
        /// The key to sign with; `None` takes the standard sources (`AWS_ACCESS_KEY_ID` and
        /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, web identity, container or instance
        /// credentials), as every AWS tool does.
        credentials: Option<S3Credentials>,
    },
}

/// An access key for S3; its `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<hidden>")
            .finish()
    }
}

/// The opened client and the key prefix inside it (empty, or ending without a slash).
pub(super) struct Opened {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: String,
    pub local_root: Option<PathBuf>,
}

/// Opens the client for `location`; a local folder is created if missing.
pub(super) fn open(location: &BlobLocation) -> Result<Opened, BlobError> {
    match location {
        BlobLocation::Local(folder) => {
            std::fs::create_dir_all(folder).map_err(|error| {
                BlobError::Store(format!(
                    "could not create the blob folder {}: {error}",
                    folder.display()
                ))
            })?;
            // Durable like the database row that names the blob: fsync files and folders.
            let store = LocalFileSystem::new_with_prefix(folder)
                .map_err(|error| BlobError::Store(error_text(&error)))?
                .with_fsync(true);
            Ok(Opened {
                store: Arc::new(store),
                prefix: String::new(),
                local_root: Some(folder.clone()),
            })
        }
        BlobLocation::S3 {
            bucket,
            prefix,
            endpoint,
            region,
            allow_http,
            credentials,
        } => {
            use_ring_for_tls();
            let builder = match credentials {
                Some(key) => AmazonS3Builder::new()
                    .with_access_key_id(&key.access_key_id)
                    .with_secret_access_key(&key.secret_access_key),
                None => AmazonS3Builder::from_env(),
            };
            let mut builder = builder
                .with_bucket_name(bucket)
                .with_region(region)
                .with_allow_http(*allow_http);
            if let Some(endpoint) = endpoint {
                builder = builder.with_endpoint(endpoint.trim_end_matches('/'));
            }
            let store = builder
                .build()
                .map_err(|error| BlobError::Store(error_text(&error)))?;
            let prefix = prefix.trim_matches('/');
            object_store::path::Path::parse(prefix).map_err(|error| {
                BlobError::Store(format!("the key prefix {prefix:?} is invalid: {error}"))
            })?;
            Ok(Opened {
                store: Arc::new(store),
                prefix: prefix.to_owned(),
                local_root: None,
            })
        }
    }
}

/// Makes ring the process's rustls provider unless one is installed already: object_store's
/// HTTP client (reqwest built with `rustls-no-provider`) takes the process default, and the
/// workspace has one crypto stack, ring (lettre's), never aws-lc.
fn use_ring_for_tls() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread installing a provider is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
