//! Developer commands for Entente: `cargo xtask run` and `cargo xtask test` (and `e2e`,
//! `bench`, `soak`).
//!
//! Both install what is missing first (the wasm32 target, wasm-bindgen-cli at the version
//! `Cargo.lock` pins, npm packages, Chromium for the browser tests), so a newcomer needs
//! nothing but Rust, Node/npm and root on a fresh machine.

mod bench;
mod budget;
mod hydration;
mod measure;
mod s3;
mod scaling;
mod site;
mod tools;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::site::Profile;
use crate::tools::{Step, run_step};

const USAGE: &str = "usage: cargo xtask <run|test|e2e|bench|budget|soak>

  run    install what is missing, build, migrate and seed ./data, serve http://127.0.0.1:3000
  test   install what tests need, then run every check: fmt, clippy (both feature sets),
         Rust tests (SQLite and PostgreSQL), wasm32 builds, the Playwright suite and the
         performance budget (docs/budget.txt)
  e2e    build the debug server and browser bundle, then run only the Playwright suite
         (arguments after `e2e` go to Playwright: a file, `--project js`, `-g <title>`)
  bench  release build with the benchmark floors: Callgrind instructions per request as
         ratios to an empty Leptos page, wrk throughput and latency, memory, each page's
         first visit (bytes, and time to hydrated in headless Chromium), bundle sizes;
         writes the report into docs/benchmarks.md; with the Partners tab and Contacts
         measured at 10², 10⁴ and 10⁵ rows (ENTENTE_BENCH_ROWS=100,10000,1000000 for others;
         `bench scaling` runs that table alone and prints it, `bench hydration` the times
         to hydrated)
  budget the performance budget alone (debug build): Callgrind instructions per request of
         the main pages as ratios to an empty Leptos page, and their first loads' bytes
  soak   the fault suite, not run by `test` or CI (about 2 minutes): kill -9 under load,
         the database cut off and restored, SMTP down then up under two instances";

fn main() {
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "run" => run(),
        "test" => test(),
        "e2e" => e2e(),
        "soak" => soak(),
        "budget" => budget(),
        "bench" => {
            let root = workspace_root();
            match std::env::args().nth(2).as_deref() {
                Some("scaling") => bench::scaling_only(&root, &target_dir(&root)),
                Some("hydration") => bench::hydration_only(&root, &target_dir(&root)),
                _ => bench::bench(&root, &target_dir(&root)),
            }
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("\nxtask: {error:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the parent of this crate).
///
/// Read from `CARGO_MANIFEST_DIR` as `cargo run` sets it for this run, not as it was when the
/// binary was compiled: two clones sharing one `CARGO_TARGET_DIR` (as `.ci/run` does) share
/// this binary too, and the compiled-in path would send every step to the other clone.
fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set, `<root>/target` otherwise.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn run() -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    println!(
        "Entente: preparing to serve. A first run installs tools and compiles everything: expect about 10 minutes on 2 cores; later runs take seconds."
    );
    tools::ensure_build_tools(&root, true)?;
    tools::ensure_runtime_tools()?;
    let target = target_dir(&root);
    site::build_front(&root, &target, Profile::Release)?;
    site::build_server(&root, Profile::Release)?;

    let server = site::server_binary(&target, Profile::Release);
    let data_dir = std::env::var("ENTENTE_DATA_DIR")
        .unwrap_or_else(|_| root.join("data").display().to_string());
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("could not create the data folder {data_dir}"))?;
    let site_root = site::site_root(&root);
    let envs = [
        ("ENTENTE_DATA_DIR", data_dir.clone()),
        ("LEPTOS_SITE_ROOT", site_root.display().to_string()),
        (
            "ENTENTE_DEV_MAILBOX",
            std::env::var("ENTENTE_DEV_MAILBOX").unwrap_or_else(|_| "1".into()),
        ),
    ];
    run_step(
        Step::new(
            "Migrating the database and seeding the demo on first run",
            &server,
        )
        .arg("seed-demo")
        .envs(envs.clone())
        .dir(&root),
    )?;
    println!(
        "Ready after {:.0?}. Serving; press Ctrl-C to stop.",
        started.elapsed()
    );
    let mut serve = Command::new(&server);
    serve.arg("serve").current_dir(&root).envs(envs);
    tools::exec(serve)
}

fn test() -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    tools::ensure_build_tools(&root, false)?;
    tools::ensure_test_tools(&root)?;
    let moto = s3::ensure_moto(&target_dir(&root))?;

    run_step(
        Step::new("Checking formatting", "cargo")
            .args(["fmt", "--all", "--check"])
            .dir(&root),
    )?;
    run_step(
        Step::new("Clippy, server feature set (ssr)", "cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .dir(&root),
    )?;
    run_step(
        Step::new("Clippy, browser feature set (hydrate, wasm32)", "cargo")
            .args([
                "clippy",
                "-p",
                "entente-core",
                "-p",
                "entente-app",
                "--features",
                "entente-app/hydrate",
            ])
            .args(["--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])
            .dir(&root),
    )?;
    let postgres = tools::postgres_status();
    println!("PostgreSQL for database tests: {postgres}");
    run_step(
        Step::new(
            "Rust tests (core rules, model test, storage on SQLite and PostgreSQL, HTTP)",
            "cargo",
        )
        .args(["test", "--workspace"])
        // The blob store's S3 tests run against moto; here they may not skip.
        .env("ENTENTE_TEST_MOTO", &moto)
        .env("ENTENTE_REQUIRE_S3", "1")
        .dir(&root),
    )?;
    // `cargo test` built the server binary too (its integration tests need it), with the
    // server's feature set; the browser tests run that very binary.
    site::build_front(&root, &target_dir(&root), Profile::Debug)?;
    end_to_end(&root, &[])?;
    budget::check(&root, &target_dir(&root))?;
    println!("\nAll checks passed in {:.0?}.", started.elapsed());
    Ok(())
}

/// The fault suite in `server/tests/soak/`: every test there is `#[ignore]`d, so neither
/// `cargo xtask test` nor CI runs it. It needs PostgreSQL and `python3-aiosmtpd`; each test
/// prints its figures on a line starting with `soak:`, repeated at the end.
fn soak() -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    tools::ensure_soak_tools()?;
    println!(
        "PostgreSQL for the soak tests (required): {}",
        tools::postgres_status()
    );
    let figures = tools::run_step_collecting(
        Step::new(
            "Soak tests: kill -9 under load, database down, SMTP down with two instances",
            "cargo",
        )
        .args(["test", "-p", "entente-server", "--test", "soak", "--"])
        .args(["--ignored", "--test-threads=1", "--nocapture"])
        .dir(&root),
        "soak:",
    )?;
    // The concurrent partner history of the regular suite, at sixty rounds instead of eight.
    let history = tools::run_step_collecting(
        Step::new(
            "Soak: many administrators on both sides act on the same pairs, 60 rounds, both engines",
            "cargo",
        )
        .args(["test", "-p", "entente-server", "--test", "it", "partner_history", "--"])
        .args(["--test-threads=1", "--nocapture"])
        .env("ENTENTE_SOAK_ROUNDS", "60")
        .env("ENTENTE_REQUIRE_POSTGRES", "1")
        .dir(&root),
        "partner history:",
    )?;
    println!(
        "
Figures:"
    );
    for line in figures.into_iter().chain(history) {
        println!("  {line}");
    }
    println!(
        "
The soak suite passed in {:.0?}.",
        started.elapsed()
    );
    Ok(())
}

/// The budget check alone, on the debug server and bundle: `cargo xtask budget`.
fn budget() -> Result<()> {
    let root = workspace_root();
    tools::ensure_build_tools(&root, false)?;
    tools::ensure_test_tools(&root)?;
    site::build_server(&root, Profile::Debug)?;
    site::build_front(&root, &target_dir(&root), Profile::Debug)?;
    budget::check(&root, &target_dir(&root))
}

/// Starts a freshly built server on a free port with its own database, runs Playwright, stops it.
/// The browser tests alone, for working on a page: `cargo xtask e2e [playwright arguments]`.
fn e2e() -> Result<()> {
    let root = workspace_root();
    tools::ensure_build_tools(&root, false)?;
    tools::ensure_test_tools(&root)?;
    run_step(
        Step::new("Compiling the server (debug)", "cargo")
            .args(["build", "-p", "entente-server"])
            .dir(&root),
    )?;
    site::build_front(&root, &target_dir(&root), Profile::Debug)?;
    let extra: Vec<String> = std::env::args().skip(2).collect();
    end_to_end(&root, &extra)
}

fn end_to_end(root: &Path, extra: &[String]) -> Result<()> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let data_dir = std::env::temp_dir().join(format!("entente-e2e-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    let address = format!("127.0.0.1:{port}");
    let base_url = format!("http://{address}");
    let server_binary = site::server_binary(&target_dir(root), Profile::Debug);
    let log_path = data_dir.join("server.log");
    let log = std::fs::File::create(&log_path)?;
    println!(
        "\n==> Starting the server for the browser tests on {base_url} (log: {})",
        log_path.display()
    );
    let mut server = Command::new(&server_binary)
        .arg("serve")
        .current_dir(root)
        .env("LEPTOS_SITE_ADDR", &address)
        .env("LEPTOS_SITE_ROOT", site::site_root(root))
        .env("ENTENTE_DATA_DIR", &data_dir)
        .env("ENTENTE_DEV_MAILBOX", "1")
        .env_remove("DATABASE_URL")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("could not start {}", server_binary.display()))?;
    let outcome = tools::wait_for_health(&address, Duration::from_secs(60)).and_then(|()| {
        run_step(
            Step::new("Playwright, JavaScript off and on", "npx")
                .args(["playwright", "test"])
                .args(extra)
                .env("BASE_URL", &base_url)
                .dir(&root.join("end2end")),
        )
    });
    tools::terminate(&mut server);
    if outcome.is_err() {
        if let Ok(text) = std::fs::read_to_string(&log_path) {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("--- last server log lines ---");
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    } else {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    outcome.or_else(|error| bail!("{error:#}"))
}
