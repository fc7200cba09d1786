//! The blob tests' harness: a store on a temporary folder or on moto with a fresh bucket, what
//! it left behind read independently of the store, and request bodies that end, fail or stall.

use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use entente_server::blobs::{BlobError, BlobLocation, BlobStore, Staged};
use futures::{Stream, TryStreamExt as _};
use sha2::{Digest as _, Sha256};

use crate::support::moto::Moto;

const BUCKET: &str = "entente-test";
const PREFIX: &str = "tenants/one";

/// A blob store to test and a way to see what it left behind.
pub(super) struct Harness {
    pub(super) store: BlobStore,
    backend: Backend,
}

enum Backend {
    Local(tempfile::TempDir),
    S3(Moto),
}

impl Harness {
    pub(super) fn local() -> Harness {
        let folder = tempfile::tempdir().expect("a temporary folder");
        // A folder that does not exist yet: opening creates it.
        let location = BlobLocation::Local(folder.path().join("blobs"));
        Harness {
            store: BlobStore::open(&location).expect("open the local store"),
            backend: Backend::Local(folder),
        }
    }

    /// Starts moto with a fresh bucket, or says why not and returns `None` (a skip) unless
    /// `ENTENTE_REQUIRE_S3=1`.
    pub(super) async fn s3(test: &str) -> Option<Harness> {
        let (moto, location) = Moto::with_bucket(test, BUCKET, PREFIX).await?;
        Some(Harness {
            store: BlobStore::open(&location).expect("open the S3 store"),
            backend: Backend::S3(moto),
        })
    }

    /// Every object and half-written file, relative to the store (`blobs/…`, `staging/…`),
    /// sorted; on S3 also every object outside the prefix (there should be none).
    pub(super) async fn leftovers(&self) -> Vec<String> {
        let mut found = match &self.backend {
            Backend::Local(folder) => files_under(&folder.path().join("blobs")),
            Backend::S3(moto) => {
                let listing = moto.get(&format!("{BUCKET}?list-type=2")).await;
                let mut keys: Vec<String> = xml_values(&listing, "Key")
                    .into_iter()
                    .map(|key| {
                        key.strip_prefix(&format!("{PREFIX}/"))
                            .map_or_else(|| format!("outside the prefix: {key}"), str::to_owned)
                    })
                    .collect();
                let uploads = moto.get(&format!("{BUCKET}?uploads")).await;
                for key in xml_values(&uploads, "Key") {
                    keys.push(format!("unfinished upload: {key}"));
                }
                keys
            }
        };
        found.sort();
        found
    }

    pub(super) async fn stage_bytes(&self, data: &[u8], limit: u64) -> Result<Staged, BlobError> {
        self.store.stage(body_of(data, 64 * 1024), limit).await
    }

    pub(super) async fn read_all(
        &self,
        sha256: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Vec<u8> {
        let stream = self.store.read(sha256, range).await.expect("read the blob");
        let chunks: Vec<Bytes> = stream.try_collect().await.expect("read every chunk");
        chunks.concat()
    }
}

/// The files under `root`, as `/`-separated paths relative to it.
pub(super) fn files_under(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read a folder of the store") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files
}

/// The texts of every `<tag>…</tag>` in `xml`.
pub(super) fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(value, _)| value.to_owned()))
        .collect()
}

pub(super) fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    getrandom::fill(&mut bytes).expect("random bytes from the OS");
    bytes
}

pub(super) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub(super) fn blob_key(sha256: &str) -> String {
    format!("blobs/{}/{sha256}", &sha256[..2])
}

/// `data` as a request body arriving in chunks of `chunk` bytes.
pub(super) fn body_of(
    data: &[u8],
    chunk: usize,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin + Send + use<> {
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(chunk)
        .map(|part| Ok(Bytes::copy_from_slice(part)))
        .collect();
    futures::stream::iter(chunks)
}

/// A body that counts what was taken from it and, after `data`, fails or never ends.
pub(super) struct TestBody {
    chunks: std::vec::IntoIter<Bytes>,
    pub(super) taken: Arc<AtomicU64>,
    then: AfterData,
    pub(super) reached_end: Option<tokio::sync::oneshot::Sender<()>>,
}

pub(super) enum AfterData {
    End,
    Fail,
    Stall,
}

impl TestBody {
    pub(super) fn new(data: &[u8], then: AfterData) -> TestBody {
        let chunks: Vec<Bytes> = data
            .chunks(256 * 1024)
            .map(Bytes::copy_from_slice)
            .collect();
        TestBody {
            chunks: chunks.into_iter(),
            taken: Arc::default(),
            then,
            reached_end: None,
        }
    }
}

impl Stream for TestBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(chunk) = self.chunks.next() {
            self.taken.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            return Poll::Ready(Some(Ok(chunk)));
        }
        if let Some(reached) = self.reached_end.take() {
            let _ = reached.send(());
        }
        match self.then {
            AfterData::End => Poll::Ready(None),
            AfterData::Fail => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "the client went away",
            )))),
            // Never woken: the upload waits until its future is dropped.
            AfterData::Stall => Poll::Pending,
        }
    }
}
