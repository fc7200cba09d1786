//! The blob store, the same cases on a local folder and on a real S3-protocol server.
//!
//! The S3 server is moto (`moto_server`, from PyPI) on loopback, started by each test on a
//! free port with a fresh bucket. The test finds it at `ENTENTE_TEST_MOTO`, else in the venv
//! `cargo xtask test` installs (`<target dir>/s3-venv/bin/moto_server`). Without it the S3
//! tests print one line and pass, unless `ENTENTE_REQUIRE_S3=1` (as `cargo xtask test` sets).
//! What an operation leaves behind is read independently of the store (`harness`): the
//! folder's files, or the bucket's objects and unfinished multipart uploads through moto.

mod harness;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use entente_server::blobs::{BlobError, HEAD_LEN, Staged};

use self::harness::{AfterData, Harness, TestBody, blob_key, body_of, random_bytes, sha256_hex};

const MIB: usize = 1024 * 1024;

/// How long one test may take before it fails instead of hanging the run.
const TEST_TIME_LIMIT: Duration = Duration::from_secs(180);

/// One test per case and store: `blobs::local::<case>` and `blobs::s3::<case>`.
macro_rules! both_stores {
    ($(async fn $name:ident($harness:ident: Harness) $body:block)*) => {
        mod local {
            use super::*;
            $(
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    let $harness = Harness::local();
                    run_timed("local folder", stringify!($name), async move $body).await;
                }
            )*
        }
        mod s3 {
            use super::*;
            $(
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    let Some($harness) = Harness::s3(stringify!($name)).await else { return };
                    run_timed("S3 (moto)", stringify!($name), async move $body).await;
                }
            )*
        }
    };
}

async fn run_timed(store: &str, name: &str, case: impl Future<Output = ()>) {
    let started = Instant::now();
    tokio::time::timeout(TEST_TIME_LIMIT, case)
        .await
        .expect("the test finished within its time limit");
    println!("{store}: {name} in {:.2?}", started.elapsed());
}

both_stores! {
    async fn a_large_upload_round_trips_in_several_parts_with_its_sha256_and_size(harness: Harness) {
        let data = random_bytes(12 * MIB + 12_345);
        let staged = harness.stage_bytes(&data, 64 * MIB as u64).await.unwrap();
        assert_eq!(staged.sha256, sha256_hex(&data));
        assert_eq!(staged.size, data.len() as u64);
        assert_eq!(staged.head, data[..HEAD_LEN]);
        assert!(staged.key.starts_with("staging/"), "{}", staged.key);
        assert_eq!(harness.leftovers().await, vec![staged.key.clone()]);
        assert!(!harness.store.exists(&staged.sha256).await.unwrap());

        harness.store.commit(&staged).await.unwrap();
        assert_eq!(harness.leftovers().await, vec![blob_key(&staged.sha256)]);
        assert!(harness.store.exists(&staged.sha256).await.unwrap());
        assert!(harness.read_all(&staged.sha256, None).await == data, "the bytes read back differ");
    }

    async fn a_small_upload_keeps_all_of_itself_as_its_head(harness: Harness) {
        let data = b"%PDF-1.7\nhello".to_vec();
        let staged = harness.stage_bytes(&data, 1024).await.unwrap();
        assert_eq!((staged.size, staged.head.clone()), (data.len() as u64, data.clone()));
        harness.store.commit(&staged).await.unwrap();
        assert_eq!(harness.read_all(&staged.sha256, None).await, data);

        let empty = harness.stage_bytes(&[], 1024).await.unwrap();
        assert_eq!((empty.size, empty.sha256.as_str()), (0, sha256_hex(&[]).as_str()));
        harness.store.commit(&empty).await.unwrap();
        assert_eq!(harness.read_all(&empty.sha256, None).await, Vec::<u8>::new());
    }

    async fn the_same_content_uploaded_twice_is_stored_once(harness: Harness) {
        let data = random_bytes(3 * MIB);
        let first = harness.stage_bytes(&data, u64::MAX).await.unwrap();
        let second = harness.stage_bytes(&data, u64::MAX).await.unwrap();
        assert_ne!(first.key, second.key);
        assert_eq!(first.sha256, second.sha256);
        harness.store.commit(&first).await.unwrap();
        harness.store.commit(&second).await.unwrap();
        assert_eq!(harness.leftovers().await, vec![blob_key(&first.sha256)]);
        assert!(harness.read_all(&first.sha256, None).await == data);
    }

    async fn a_range_reads_exactly_those_bytes(harness: Harness) {
        let data = random_bytes(6 * MIB);
        let staged = harness.stage_bytes(&data, u64::MAX).await.unwrap();
        harness.store.commit(&staged).await.unwrap();
        let len = data.len() as u64;
        for range in [0..1, 10..20_000, 5 * MIB as u64 - 100..5 * MIB as u64 + 100, len - 10..len] {
            let read = harness.read_all(&staged.sha256, Some(range.clone())).await;
            let expected = &data[range.start as usize..range.end as usize];
            assert!(read == expected, "range {range:?}: {} bytes read", read.len());
        }
        assert!(harness.read_all(&staged.sha256, Some(7..7)).await.is_empty());

        let missing = sha256_hex(b"never stored");
        assert!(matches!(harness.store.read(&missing, None).await, Err(BlobError::NotFound)));
        assert!(matches!(harness.store.read(&missing, Some(0..10)).await, Err(BlobError::NotFound)));
        assert!(matches!(harness.store.read(&missing, Some(3..3)).await, Err(BlobError::NotFound)));
    }

    async fn an_upload_past_the_limit_is_refused_at_once_and_leaves_nothing(harness: Harness) {
        let limit = 7 * MIB as u64;
        // Past one S3 part before the limit, so a part was already uploaded when it is refused.
        let body = TestBody::new(&random_bytes(20 * MIB), AfterData::End);
        let taken = Arc::clone(&body.taken);
        let refused = harness.store.stage(body, limit).await;
        assert!(matches!(refused, Err(BlobError::TooLarge { limit: 7_340_032 })), "{refused:?}");
        let taken = taken.load(Ordering::SeqCst);
        assert!(taken <= limit + 256 * 1024, "read {taken} bytes of the body");
        assert_eq!(harness.leftovers().await, Vec::<String>::new());

        // Exactly the limit is allowed.
        let data = random_bytes(MIB);
        let staged = harness.stage_bytes(&data, MIB as u64).await.unwrap();
        assert_eq!(staged.size, MIB as u64);
        harness.store.discard(&staged).await;
        assert_eq!(harness.leftovers().await, Vec::<String>::new());
    }

    async fn a_body_that_fails_midway_leaves_nothing(harness: Harness) {
        let body = TestBody::new(&random_bytes(11 * MIB), AfterData::Fail);
        let failed = harness.store.stage(body, u64::MAX).await;
        match failed {
            Err(BlobError::Body(text)) => assert!(text.contains("went away"), "{text}"),
            other => panic!("expected a body error, got {other:?}"),
        }
        assert_eq!(harness.leftovers().await, Vec::<String>::new());
    }

    async fn an_upload_dropped_midway_leaves_nothing(harness: Harness) {
        let mut body = TestBody::new(&random_bytes(11 * MIB), AfterData::Stall);
        let (reached_end, stalled) = tokio::sync::oneshot::channel();
        body.reached_end = Some(reached_end);
        tokio::select! {
            outcome = harness.store.stage(body, u64::MAX) => panic!("a stalled body finished: {outcome:?}"),
            _ = stalled => {}
        }
        // The request's future is gone (a client that disconnected): the abort runs in the
        // background, so wait for it to show, at most 10 s.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = harness.leftovers().await;
            if left.is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "still there: {left:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn an_address_that_is_not_a_sha256_is_refused(harness: Harness) {
        let valid = sha256_hex(b"x");
        for address in [
            "../../etc/passwd".to_owned(),
            valid.to_uppercase(),
            valid[..63].to_owned(),
            format!("{valid}0"),
            format!("{}/{}", &valid[..2], &valid[3..]),
            String::new(),
        ] {
            assert!(matches!(harness.store.read(&address, None).await, Err(BlobError::InvalidSha256)), "{address}");
            assert!(matches!(harness.store.exists(&address).await, Err(BlobError::InvalidSha256)), "{address}");
            assert!(matches!(harness.store.delete(&address).await, Err(BlobError::InvalidSha256)), "{address}");
        }

        let staged = harness.stage_bytes(b"content", 100).await.unwrap();
        let wrong_sha = Staged { sha256: "../staging".to_owned(), ..staged.clone() };
        assert!(matches!(harness.store.commit(&wrong_sha).await, Err(BlobError::InvalidSha256)));
        let wrong_key = Staged { key: format!("blobs/{}", &valid[..2]), ..staged.clone() };
        assert!(matches!(harness.store.commit(&wrong_key).await, Err(BlobError::Store(_))));
        harness.store.discard(&wrong_key).await;
        assert_eq!(harness.leftovers().await, vec![staged.key.clone()]);
        harness.store.discard(&staged).await;
        assert_eq!(harness.leftovers().await, Vec::<String>::new());
    }

    async fn a_deleted_blob_is_gone_and_deleting_it_again_is_fine(harness: Harness) {
        let staged = harness.stage_bytes(&random_bytes(100_000), u64::MAX).await.unwrap();
        harness.store.commit(&staged).await.unwrap();
        harness.store.delete(&staged.sha256).await.unwrap();
        assert!(!harness.store.exists(&staged.sha256).await.unwrap());
        assert!(matches!(harness.store.read(&staged.sha256, None).await, Err(BlobError::NotFound)));
        assert_eq!(harness.leftovers().await, Vec::<String>::new());
        harness.store.delete(&staged.sha256).await.unwrap();
        harness.store.delete(&sha256_hex(b"never stored")).await.unwrap();
    }

    async fn stale_staging_objects_are_removed_and_blobs_kept(harness: Harness) {
        let kept = harness.stage_bytes(b"committed", 100).await.unwrap();
        harness.store.commit(&kept).await.unwrap();
        let first = harness.stage_bytes(b"abandoned one", 100).await.unwrap();
        let second = harness.stage_bytes(&random_bytes(2 * MIB), u64::MAX).await.unwrap();

        let removed = harness.store.remove_stale_staging(Duration::from_secs(3_600)).await.unwrap();
        assert_eq!(removed, 0, "nothing is an hour old");
        let mut expected = vec![blob_key(&kept.sha256), first.key.clone(), second.key.clone()];
        expected.sort();
        assert_eq!(harness.leftovers().await, expected);

        let removed = harness.store.remove_stale_staging(Duration::ZERO).await.unwrap();
        assert_eq!(removed, 2);
        assert_eq!(harness.leftovers().await, vec![blob_key(&kept.sha256)]);
        assert_eq!(harness.read_all(&kept.sha256, None).await, b"committed");
        assert!(matches!(harness.store.commit(&first).await, Err(BlobError::Store(_))));
    }

    async fn concurrent_uploads_of_the_same_content_make_one_blob(harness: Harness) {
        let data = random_bytes(6 * MIB);
        let uploads = (0..4).map(|_| harness.store.stage(body_of(&data, 100_000), u64::MAX));
        let staged: Vec<Staged> = futures::future::try_join_all(uploads).await.unwrap();
        assert!(staged.iter().all(|one| one.sha256 == sha256_hex(&data) && one.size == data.len() as u64));
        let commits = staged.iter().map(|one| harness.store.commit(one));
        futures::future::try_join_all(commits).await.unwrap();
        assert_eq!(harness.leftovers().await, vec![blob_key(&staged[0].sha256)]);
        assert!(harness.read_all(&staged[0].sha256, None).await == data);
    }
}
