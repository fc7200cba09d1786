//! Argon2 password hashing on a bounded pool: each hash takes tens of milliseconds and about
//! 19 MiB, so at most as many run at once as the machine has cores, whatever the number of
//! sign-ins, sign-ups and password changes arriving together; the others wait their turn (and
//! memory stays flat instead of growing with the crowd).

use std::sync::LazyLock;

use tokio::sync::Semaphore;
use uuid::Uuid;

/// Why an internal step failed (boxed for the service's error types).
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync>;

/// How many hashes may run at once: the machine's cores (at least one).
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Semaphore::new(cores)
});

/// A hash of a password nobody knows, verified against when the address has no usable
/// hash, so an unknown address takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash(Uuid::new_v4().to_string()));

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Cause> {
    let _slot = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// Hashes a password with Argon2.
pub(crate) async fn hash_password(password: String) -> Result<String, Cause> {
    bounded(move || password_auth::generate_hash(password)).await
}

/// Verifies `password` against `hash`, or against a hash nobody knows when `None` (so the
/// answer takes as long): always false then.
pub(crate) async fn verify_password(password: String, hash: Option<String>) -> Result<bool, Cause> {
    bounded(move || match hash {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, &DUMMY_HASH);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_no_hash_verifies_nothing() {
        let hash = hash_password("correct horse battery".to_owned())
            .await
            .unwrap();
        assert!(
            verify_password("correct horse battery".to_owned(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong".to_owned(), Some(hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("correct horse battery".to_owned(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..cores * 3 + 2)
            .map(|_| {
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(bounded(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} at once on {cores} cores"
        );
    }
}
