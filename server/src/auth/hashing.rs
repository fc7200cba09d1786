//! Argon2 password hashing on a fixed set of threads, one per core: each hash takes tens of
//! milliseconds and about 19 MiB, so at most as many run at once as the machine has cores,
//! whatever the number of sign-ins, sign-ups and password changes arriving together; the others
//! wait their turn in a queue. Argon2 memory is allocated once per thread busy at the same time
//! and reused for every hash while work keeps coming: memory stays at cores × 19 MiB instead of
//! growing with the crowd (hashing on tokio's blocking threads allocated those 19 MiB anew each
//! time, and the allocator kept them: 96 MB grew to 661 MB over 50 parallel sign-ups, measured
//! on the debug build). After ten quiet seconds the memory is given back.
//!
//! Hashes are PHC strings, Argon2id with the crate's default parameters (m = 19456 KiB, t = 2,
//! p = 1), exactly as `password-auth` wrote them before, so every stored hash still verifies.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

/// Why an internal step failed (boxed for the service's error types).
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync>;

/// One piece of work for a hashing thread, given that thread's Argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The queue of the hashing threads, started on first use: one thread per core (at least one).
static HASHING: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let (sender, receiver) = channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..cores {
        let receiver = Arc::clone(&receiver);
        std::thread::Builder::new()
            .name(format!("password-hash-{n}"))
            .spawn(move || hashing_thread(&receiver))
            .expect("a password hashing thread");
    }
    Mutex::new(sender)
});

/// How long a hashing thread keeps its Argon2 memory without work: a burst of sign-ins reuses
/// it, and a quiet server gives the 19 MiB per thread back.
const KEEP_MEMORY_WHILE_IDLE: Duration = Duration::from_secs(10);

/// The Argon2 memory of the hashing threads that are not hashing right now, kept for the next
/// hash while work keeps coming. Shared, not per thread: whichever thread sees ten quiet
/// seconds empties it. (Per-thread memory was kept for ever by a thread that never got to
/// wait: the one that times out takes the queue's lock straight back, so the other never
/// timed out, and an idle server kept one 19 MiB block after a single sign-in.)
static SPARE_MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs jobs until the queue closes, each with spare memory from [`SPARE_MEMORY`] (or new),
/// given back there after the job; after ten quiet seconds the spare memory is freed.
fn hashing_thread(receiver: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting: the thread that times out lets the next one wait.
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv_timeout(KEEP_MEMORY_WHILE_IDLE),
            Err(_) => return,
        };
        match job {
            Ok(job) => {
                let mut memory = spare_memory()
                    .and_then(|mut spare| spare.pop())
                    .unwrap_or_default();
                job(&mut memory);
                if let Some(mut spare) = spare_memory() {
                    spare.push(memory);
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let freed = spare_memory().map(|mut spare| std::mem::take(&mut *spare));
                if freed.is_some_and(|freed| !freed.is_empty()) {
                    give_back_free_memory();
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// The spare memory, or `None` if a thread panicked holding it (then every hash allocates).
fn spare_memory() -> Option<std::sync::MutexGuard<'static, Vec<Vec<Block>>>> {
    SPARE_MEMORY.lock().ok()
}

/// Asks the allocator to return freed memory to the system now: glibc keeps a freed block of
/// this size in its arena (its threshold for mapping blocks apart rises after the first one is
/// freed), so without this the process would stay as large as its busiest minute.
fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory of glibc's own arenas; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Runs `work` on a hashing thread once one is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, Cause> {
    let (answer, answered) = oneshot::channel();
    let job: Job = Box::new(move |memory| {
        let _ = answer.send(work(memory));
    });
    HASHING
        .lock()
        .map_err(|_| "the password hashing queue is poisoned")?
        .send(job)
        .map_err(|_| "the password hashing threads stopped")?;
    Ok(answered.await?)
}

/// The hash of `password` with `salt` under `params` into `out`, in `memory` (grown once).
fn argon2id(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
        password,
        salt,
        out,
        &mut memory[..blocks],
    )
}

/// A new PHC hash of `password` with a random salt.
fn generate(password: &str, memory: &mut Vec<Block>) -> Result<String, Cause> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|error| error.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| error.to_string())?;
    let mut raw = [0_u8; 16];
    let salt_bytes = salt
        .decode_b64(&mut raw)
        .map_err(|error| error.to_string())?;
    let params = Params::default();
    let mut out = [0_u8; Params::DEFAULT_OUTPUT_LEN];
    argon2id(
        params.clone(),
        password.as_bytes(),
        salt_bytes,
        &mut out,
        memory,
    )
    .map_err(|error| error.to_string())?;
    let hash = Output::new(&out).map_err(|error| error.to_string())?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${hash}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str()
    ))
}

/// Whether `password` is the one `phc` was made from (an Argon2id PHC string); anything that
/// does not read as one verifies nothing.
fn verify(password: &str, phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    let mut salt_buffer = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buffer) else {
        return false;
    };
    let mut out = vec![0_u8; expected.len()];
    if argon2id(params, password.as_bytes(), salt, &mut out, memory).is_err() {
        return false;
    }
    // `Output`'s equality takes the same time wherever the bytes differ.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// A hash of a password nobody knows, verified against when the address has no usable
/// hash, so an unknown address takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    generate(&uuid::Uuid::new_v4().to_string(), &mut Vec::new()).expect("hashing a random password")
});

/// Hashes `password` (Argon2id, a PHC string with its own random salt).
pub(crate) async fn hash_password(password: String) -> Result<String, Cause> {
    bounded(move |memory| generate(&password, memory)).await?
}

/// Whether `password` matches `hash`; without a hash, a dummy one is checked all the same
/// (so the time taken does not tell whether the address exists) and nothing matches.
pub(crate) async fn verify_password(password: String, hash: Option<String>) -> Result<bool, Cause> {
    bounded(move |memory| match hash {
        Some(hash) => verify(&password, &hash, memory),
        None => {
            let _ = verify(&password, &DUMMY_HASH, memory);
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

    /// Hashes written before (by the `password-auth` crate) verify, and ours verify there.
    #[tokio::test]
    async fn hashes_are_the_standard_phc_strings_both_ways() {
        let theirs = password_auth::generate_hash("correct horse battery");
        assert!(
            verify_password("correct horse battery".to_owned(), Some(theirs.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong".to_owned(), Some(theirs))
                .await
                .unwrap()
        );
        let ours = hash_password("correct horse battery".to_owned())
            .await
            .unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        assert!(password_auth::verify_password("correct horse battery", &ours).is_ok());
        assert!(password_auth::verify_password("wrong", &ours).is_err());
        for broken in [
            "",
            "$argon2id$",
            "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
            "plain",
        ] {
            assert!(
                !verify_password("correct horse battery".to_owned(), Some(broken.to_owned()))
                    .await
                    .unwrap(),
                "{broken}"
            );
        }
    }

    #[tokio::test]
    async fn the_memory_of_a_hash_is_freed_after_a_quiet_spell() {
        hash_password("one sign-in".to_owned()).await.unwrap();
        let spare_blocks =
            || spare_memory().map_or(0, |spare| spare.iter().map(Vec::len).sum::<usize>());
        // Kept for the next hash, then freed by whichever thread waits out the quiet spell:
        // within a few spells, even if another test hashed meanwhile. (Another test may take
        // the memory for its own hash right now, so its presence is not asserted here.)
        let deadline = std::time::Instant::now() + KEEP_MEMORY_WHILE_IDLE * 4;
        while spare_blocks() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the spare memory was never freed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
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
                tokio::spawn(bounded(move |_memory| {
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
