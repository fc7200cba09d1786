//! The soak suite: long-running fault scenarios against the real server (issue 12). Each test
//! names the rule it checks, injects one kind of fault (the process killed with SIGKILL under
//! load, the database cut off and restored, the SMTP server down then up under two instances)
//! and prints its figures on one line starting with `soak:`.
//!
//! None of this runs in CI or in `cargo xtask test`: every test is `#[ignore]`d, and
//! `cargo xtask soak` runs them (`cargo test -p entente-server --test soak -- --ignored
//! --test-threads=1 --nocapture`). They need PostgreSQL (`ENTENTE_TEST_POSTGRES_URL`, as the
//! regular tests) and Debian's `python3-aiosmtpd`, and fail when either is missing.

// The regular tests' shared helpers, compiled here as well. `allow` rather than `expect`:
// which of them go unused here changes with `tests/it`, which this target does not own.
#[path = "../it/support/mod.rs"]
#[allow(
    dead_code,
    unused_imports,
    unused_macros,
    reason = "the soak tests use a few of the regular tests' shared helpers, not all of them"
)]
mod support;

mod databases;
mod requests;
mod server_process;

mod database_down;
mod kill_under_load;
mod mail_and_two_instances;
mod proxy;
mod smtp_sink;
