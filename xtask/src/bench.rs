//! `cargo xtask bench`: a release build serving its two floors (`ENTENTE_BENCH_FLOORS`)
//! (`/bench/bare`, a plain axum handler, and `/bench/empty-leptos`, an empty Leptos 0.8 app,
//! both behind the same middleware) are built from the same crate versions into the same
//! binary, so every figure is also a ratio from one run:
//!
//! - what a browser downloads: the first visit of each page (the bundle is split by area of
//!   pages) and the bundle by kind (raw, gzip -9, brotli -q 11: the build's own compressed
//!   copies); and each page's time to hydrated in headless Chromium ([`hydration`]);
//! - resident memory idle, during 50 parallel sign-ups (each an Argon2 hash) and under load
//!   (`/proc/<pid>/status`);
//! - wrk throughput with p50 and p99 latency, the targets interleaved over three rounds (the
//!   median round is reported: absolute figures are noisy on shared 2-core machines);
//! - Callgrind instructions per request (repeatable whatever else the machine does): the
//!   server runs under `valgrind --tool=callgrind`, each target is warmed, the counters zeroed,
//!   a fixed number of requests made and the counters dumped;
//! - SQL statements per request, counted in the server's statement log;
//! - the big lists' cost against their size ([`scaling`]: 10², 10⁴, 10⁵ rows by default).
//!
//! It prints the report and writes it into `docs/benchmarks.md` between the markers
//! `<!-- cargo xtask bench: begin -->` and `<!-- cargo xtask bench: end -->`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::hydration::{self, Hydration};
use crate::measure::{Callgrind, DemoSite, first_load, get, served_bytes, sign_in, sign_up};
use crate::scaling;
use crate::site::{self, Profile};
use crate::tools;

const DEMO_ADMIN: &str = "admin@northwind.example";
const DEMO_PASSWORD: &str = "entente-demo";
const BEGIN: &str = "<!-- cargo xtask bench: begin -->";
const END: &str = "<!-- cargo xtask bench: end -->";
/// Requests per target under Callgrind, after the warm-up.
const CALLGRIND_REQUESTS: u64 = 30;
/// wrk rounds, each visiting every target once.
const ROUNDS: usize = 3;

/// One thing measured: a page or a floor, signed in or not.
struct Target {
    name: &'static str,
    path: &'static str,
    signed_in: bool,
}

const TARGETS: [Target; 8] = [
    Target {
        name: "floor: bare axum handler",
        path: "/bench/bare",
        signed_in: false,
    },
    Target {
        name: "floor: empty Leptos page",
        path: "/bench/empty-leptos",
        signed_in: false,
    },
    Target {
        name: "`/` signed out",
        path: "/",
        signed_in: false,
    },
    Target {
        name: "`/`",
        path: "/",
        signed_in: true,
    },
    Target {
        name: "Partners tab",
        path: "/settings/partners",
        signed_in: true,
    },
    Target {
        name: "Contacts",
        path: "/contacts",
        signed_in: true,
    },
    Target {
        name: "Documents",
        path: "/documents",
        signed_in: true,
    },
    Target {
        name: "Shared with us",
        path: "/shared-with-us",
        signed_in: true,
    },
];

/// The index of the empty Leptos page in [`TARGETS`]: the denominator of the ratios.
const EMPTY_LEPTOS: usize = 1;

/// The pages whose first visit is measured (bytes downloaded, the bundle being split by area of
/// pages, and time to hydrated): the sign-in page and the pages of [`TARGETS`].
const FIRST_LOADS: [(&str, &str, bool); 7] = [
    ("Sign in", "/sign-in", false),
    ("`/` signed out", "/", false),
    ("`/`, signed in", "/", true),
    ("Partners tab", "/settings/partners", true),
    ("Contacts", "/contacts", true),
    ("Documents", "/documents", true),
    ("Shared with us", "/shared-with-us", true),
];

/// What a first visit of one page downloads: files, gzip and brotli bytes as served.
struct FirstLoad {
    name: &'static str,
    path: &'static str,
    files: usize,
    gzip: u64,
    brotli: u64,
}

/// wrk's figures for one target in one round.
#[derive(Clone, Copy, Default)]
struct Load {
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Runs the benchmark, prints its report and writes it into `docs/benchmarks.md`.
pub fn bench(root: &Path, target_dir: &Path) -> Result<()> {
    let started = Instant::now();
    tools::ensure_build_tools(root, true)?;
    tools::ensure_bench_tools()?;
    // Chromium, for the time to hydrated.
    tools::ensure_test_tools(root)?;
    site::build_front(root, target_dir, Profile::Release)?;
    site::build_server(root, Profile::Release)?;
    let sizes = sizes(&site::bundle_dir(root)?)?;

    let site = DemoSite::seed(root, target_dir, Profile::Release, "benchmark")?;
    let outcome = measure(
        &site.server,
        &site.envs,
        &site.address,
        &site.data_dir,
        root,
    );
    drop(site);
    let (memory, loads, instructions, statements, (first_loads, hydrated)) = outcome?;
    let scaled = scaling::measure(root, target_dir, &scaling::sizes()?)?;
    let mut report = report(
        &sizes,
        &first_loads,
        &memory,
        &loads,
        &instructions,
        &statements,
        started.elapsed(),
    );
    report.push_str(&hydration::report(&hydrated));
    report.push('\n');
    report.push_str(&scaling::report(&scaled, group));
    println!("\n{report}");
    write_report(&root.join("docs/benchmarks.md"), &report)?;
    println!("Written into docs/benchmarks.md (between the `cargo xtask bench` markers).");
    Ok(())
}

/// `cargo xtask bench hydration`: only the time to hydrated of the pages, printed (not written
/// into `docs/benchmarks.md`, whose block holds one whole run).
pub fn hydration_only(root: &Path, target_dir: &Path) -> Result<()> {
    tools::ensure_build_tools(root, true)?;
    tools::ensure_test_tools(root)?;
    site::build_front(root, target_dir, Profile::Release)?;
    site::build_server(root, Profile::Release)?;
    let site = DemoSite::seed(root, target_dir, Profile::Release, "hydration")?;
    let mut child = spawn(Command::new(&site.server).arg("serve"), &site.envs)?;
    let timed = (|| {
        tools::wait_for_health(&site.address, Duration::from_secs(30))?;
        let cookie = sign_in(&site.address, DEMO_ADMIN, DEMO_PASSWORD)?;
        hydration::measure(root, &site.address, &cookie, &FIRST_LOADS)
    })();
    tools::terminate(&mut child);
    println!("{}", hydration::report(&timed?));
    Ok(())
}

/// `cargo xtask bench scaling`: only the cost-against-size table, printed (not written into
/// `docs/benchmarks.md`, whose block holds one whole run).
pub fn scaling_only(root: &Path, target_dir: &Path) -> Result<()> {
    tools::ensure_build_tools(root, true)?;
    tools::ensure_bench_tools()?;
    site::build_front(root, target_dir, Profile::Release)?;
    site::build_server(root, Profile::Release)?;
    let scaled = scaling::measure(root, target_dir, &scaling::sizes()?)?;
    println!("\n{}", scaling::report(&scaled, group));
    Ok(())
}

type Measured = (
    Vec<(&'static str, u64)>,
    Vec<Vec<Load>>,
    Vec<u64>,
    Vec<u64>,
    (Vec<FirstLoad>, Vec<Hydration>),
);

/// How long the server is left alone before idle memory is read: longer than it keeps the
/// password hashing memory (`server/src/auth/hashing.rs`).
const QUIET: Duration = Duration::from_secs(12);

/// Memory and wrk on the native server, then instructions under Callgrind.
fn measure(
    server: &Path,
    envs: &[(String, String)],
    address: &str,
    data_dir: &Path,
    root: &Path,
) -> Result<Measured> {
    let site_root = &site::site_root(root);
    let mut child = spawn(Command::new(server).arg("serve"), envs)?;
    let native = (|| {
        tools::wait_for_health(address, Duration::from_secs(30))?;
        let cookie = sign_in(address, DEMO_ADMIN, DEMO_PASSWORD)?;
        for target in &TARGETS {
            get(
                address,
                target.path,
                target.signed_in.then_some(cookie.as_str()),
            )?;
        }
        let mut first_loads = Vec::new();
        for (name, path, signed_in) in FIRST_LOADS {
            let cookie = signed_in.then_some(cookie.as_str());
            let files = first_load(address, path, cookie)?;
            let gzip = served_bytes(site_root, &files, "gz")?;
            let brotli = served_bytes(site_root, &files, "br")?;
            first_loads.push(FirstLoad {
                name,
                path,
                files: files.len(),
                gzip,
                brotli,
            });
        }
        // The server gives its password hashing memory back after ten quiet seconds.
        std::thread::sleep(QUIET);
        let mut memory = vec![(
            "idle, 12 s after one visit of each page",
            rss_kib(child.id())?.0,
        )];
        // After the idle reading: 49 page loads in Chromium are more than one visit a page.
        let hydrated = hydration::measure(root, address, &cookie, &FIRST_LOADS)?;
        // Fifty sign-ups at once: each hashes a password (Argon2, about 19 MiB each) on the
        // bounded pool. Sign-ins would not do: parallel attempts on one address count as
        // guesses and are slowed down by design.
        let sign_ups: Vec<_> = (0..50)
            .map(|n| {
                let address = address.to_owned();
                std::thread::spawn(move || {
                    sign_up(
                        &address,
                        &format!("Bench Org {n}"),
                        &format!("bench{n}@bench{n}.example"),
                        "quiet-harbor-lantern-7391",
                    )
                })
            })
            .collect();
        for sign_up in sign_ups {
            sign_up.join().expect("a sign-up thread")?;
        }
        memory.push(("peak during 50 parallel sign-ups", rss_kib(child.id())?.1));
        let mut loads = vec![Vec::new(); TARGETS.len()];
        for round in 1..=ROUNDS {
            for (index, target) in TARGETS.iter().enumerate() {
                println!("wrk round {round}/{ROUNDS}: {}", target.name);
                let cookie = target.signed_in.then_some(cookie.as_str());
                loads[index].push(wrk(address, target.path, cookie)?);
            }
        }
        let (now, peak) = rss_kib(child.id())?;
        memory.push(("peak under wrk load (all rounds)", peak));
        memory.push(("after the load", now));
        std::thread::sleep(QUIET);
        memory.push(("12 s after the load", rss_kib(child.id())?.0));
        Ok::<_, anyhow::Error>((memory, loads, cookie, (first_loads, hydrated)))
    })();
    tools::terminate(&mut child);
    let (memory, loads, cookie, pages) = native?;

    let mut callgrind = Callgrind::start(server, envs, address, &data_dir.join("callgrind"))?;
    let counted = TARGETS
        .iter()
        .map(|target| {
            println!("callgrind: {}", target.name);
            let cookie = target.signed_in.then_some(cookie.as_str());
            callgrind.per_request(target.path, cookie, 3, CALLGRIND_REQUESTS)
        })
        .collect::<Result<Vec<u64>>>();
    callgrind.stop();
    let statements = statements_per_request(server, envs, address, &cookie, data_dir)?;
    Ok((memory, loads, counted?, statements, pages))
}

/// SQL statements each target runs per request: the server again, logging every statement
/// (`sqlx::query` at debug, as JSON lines), each target requested alone on the quiet server;
/// the fewest lines of three requests after a warm-up (a background job could add some).
fn statements_per_request(
    server: &Path,
    envs: &[(String, String)],
    address: &str,
    cookie: &str,
    data_dir: &Path,
) -> Result<Vec<u64>> {
    let log_path = data_dir.join("statements.log");
    let log = std::fs::File::create(&log_path)?;
    let mut child = Command::new(server)
        .arg("serve")
        .envs(envs.iter().map(|(key, value)| (key, value)))
        .env("RUST_LOG", "warn,sqlx::query=debug")
        .env("ENTENTE_LOG_FORMAT", "json")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("could not start the server")?;
    let counted = (|| {
        tools::wait_for_health(address, Duration::from_secs(30))?;
        let logged = || -> Result<u64> {
            Ok(std::fs::read_to_string(&log_path)?
                .lines()
                .filter(|line| line.contains("\"db.statement\""))
                .count() as u64)
        };
        TARGETS
            .iter()
            .map(|target| {
                let cookie = target.signed_in.then_some(cookie);
                get(address, target.path, cookie)?;
                let mut fewest = u64::MAX;
                for _ in 0..3 {
                    std::thread::sleep(Duration::from_millis(300));
                    let before = logged()?;
                    get(address, target.path, cookie)?;
                    std::thread::sleep(Duration::from_millis(300));
                    fewest = fewest.min(logged()? - before);
                }
                Ok(fewest)
            })
            .collect::<Result<Vec<u64>>>()
    })();
    tools::terminate(&mut child);
    counted
}

fn spawn(command: &mut Command, envs: &[(String, String)]) -> Result<Child> {
    command
        .envs(envs.iter().map(|(key, value)| (key, value)))
        .stdout(Stdio::null())
        .spawn()
        .context("could not start the server")
}

/// The process's resident memory now and its peak, in KiB.
fn rss_kib(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// Loads `path` with wrk for five seconds (2 threads, 16 connections).
fn wrk(address: &str, path: &str, cookie: Option<&str>) -> Result<Load> {
    let mut command = Command::new("wrk");
    command.args(["--latency", "-t2", "-c16", "-d5s"]);
    if let Some(cookie) = cookie {
        command.args(["-H", &format!("Cookie: {cookie}")]);
    }
    let output = command
        .arg(format!("http://{address}{path}"))
        .output()
        .context("wrk is missing")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx or 3xx responses") {
        bail!("wrk got error answers from {path}:\n{text}");
    }
    let value = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
            .with_context(|| format!("no `{prefix}` in wrk's output:\n{text}"))
    };
    Ok(Load {
        requests_per_sec: value("Requests/sec:")?.parse()?,
        p50_ms: millis(value("50%")?)?,
        p99_ms: millis(value("99%")?)?,
    })
}

/// wrk's `1.23ms`, `456.00us` or `1.20s` in milliseconds.
fn millis(text: &str) -> Result<f64> {
    let (number, factor) = if let Some(us) = text.strip_suffix("us") {
        (us, 0.001)
    } else if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1.0)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1000.0)
    } else {
        bail!("a latency wrk did not write: {text}")
    };
    Ok(number.parse::<f64>()? * factor)
}

/// Raw, gzip -9 and brotli -q 11 sizes of the bundle (the folder pages link), grouped: the
/// main WASM, the pages' and shared modules, the JS, the CSS. The compressed sizes are those of
/// the build's own copies, which the server sends.
fn sizes(bundle: &Path) -> Result<Vec<(String, u64, u64, u64)>> {
    let mut groups: Vec<(String, u64, u64, u64)> = Vec::new();
    let mut modules = 0;
    let mut entries: Vec<_> = std::fs::read_dir(bundle)
        .with_context(|| format!("no built site at {}", bundle.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css")
        })
        .collect();
    entries.sort();
    for path in &entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let kind = if name == "entente.wasm" {
            "main WASM".to_owned()
        } else if name.ends_with(".wasm") {
            modules += 1;
            "pages' and shared WASM modules".to_owned()
        } else if name.ends_with(".js") {
            "JS (bindings and module loader)".to_owned()
        } else {
            "CSS".to_owned()
        };
        let copy = |encoding: &str| -> Result<u64> {
            let copy = format!("{}.{encoding}", path.display());
            Ok(std::fs::metadata(&copy)
                .with_context(|| format!("no {copy}"))?
                .len())
        };
        let sizes = (std::fs::metadata(path)?.len(), copy("gz")?, copy("br")?);
        match groups.iter_mut().find(|group| group.0 == kind) {
            Some(group) => {
                group.1 += sizes.0;
                group.2 += sizes.1;
                group.3 += sizes.2;
            }
            None => groups.push((kind, sizes.0, sizes.1, sizes.2)),
        }
    }
    for group in &mut groups {
        if group.0.starts_with("pages'") {
            group.0 = format!("{} ({modules} files)", group.0);
        }
    }
    Ok(groups)
}

/// The median of three or more values (the middle round).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(
    sizes: &[(String, u64, u64, u64)],
    first_loads: &[FirstLoad],
    memory: &[(&'static str, u64)],
    loads: &[Vec<Load>],
    instructions: &[u64],
    statements: &[u64],
    took: Duration,
) -> String {
    let mut out = String::new();
    let today = tools::output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    out.push_str(&format!(
        "### Last `cargo xtask bench` run: {} ({cores} cores, {:.0} s)\n\n",
        today.trim(),
        took.as_secs_f64()
    ));
    out.push_str(&format!(
        "Release build with the floors on, the demo's data (SQLite), loopback. \
         Instructions are Callgrind's count per request, averaged over \
         {CALLGRIND_REQUESTS} requests after 3 warm-up ones (the few `/healthz` requests that \
         deliver the zero and dump commands included); the ratio is to the empty Leptos page of \
         the same binary. Throughput and latency are wrk's (2 threads, 16 connections, 5 s), the \
         median of {ROUNDS} interleaved rounds. SQL statements are those one request runs \
         (the session's included), counted in the server's statement log.\n\n",
    ));
    out.push_str(
        "| target | instructions / request | × empty Leptos | SQL statements | requests/s | p50 ms | p99 ms |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let floor = instructions[EMPTY_LEPTOS].max(1) as f64;
    for (index, target) in TARGETS.iter().enumerate() {
        let rounds = &loads[index];
        let rps = median(rounds.iter().map(|load| load.requests_per_sec).collect());
        let p50 = median(rounds.iter().map(|load| load.p50_ms).collect());
        let p99 = median(rounds.iter().map(|load| load.p99_ms).collect());
        let signed = if target.signed_in { ", signed in" } else { "" };
        out.push_str(&format!(
            "| {}{signed} (`{}`) | {} | {:.2} | {} | {rps:.0} | {p50:.2} | {p99:.2} |\n",
            target.name,
            target.path,
            group(instructions[index]),
            instructions[index] as f64 / floor,
            statements[index],
        ));
    }
    out.push_str("\n| memory (resident) | KiB |\n|---|---:|\n");
    for (what, kib) in memory {
        out.push_str(&format!("| {what} | {} |\n", group(*kib)));
    }
    out.push_str(
        "\nThe bundle is split by area of pages: a first visit downloads the main WASM and JS, \
         the CSS, and the modules of the page's area, which the server names in the page \
         (`<link rel=\"preload\">`).\n\n\
         | first visit of | files | gzip -9 B | brotli -q 11 B |\n|---|---:|---:|---:|\n",
    );
    for load in first_loads {
        out.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} |\n",
            load.name,
            load.path,
            load.files,
            group(load.gzip),
            group(load.brotli)
        ));
    }
    out.push_str("\n| bundle file | raw B | gzip -9 B | brotli -q 11 B |\n|---|---:|---:|---:|\n");
    for (kind, raw, gzip, brotli) in sizes {
        out.push_str(&format!(
            "| {kind} | {} | {} | {} |\n",
            group(*raw),
            group(*gzip),
            group(*brotli)
        ));
    }
    out
}

/// `1234567` as `1,234,567`.
fn group(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Replaces the text between the markers in `path` with `report` (adds the block after the
/// first heading when the markers are missing).
fn write_report(path: &Path, report: &str) -> Result<()> {
    let text = std::fs::read_to_string(path)?;
    let block = format!("{BEGIN}\n{report}{END}");
    let updated = match (text.find(BEGIN), text.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{block}{}", &text[..start], &text[end + END.len()..])
        }
        _ => {
            let after_heading = text.find('\n').map_or(text.len(), |line| line + 1);
            format!(
                "{}\n{block}\n{}",
                &text[..after_heading],
                &text[after_heading..]
            )
        }
    };
    std::fs::write(path, updated)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_read_in_every_unit_wrk_writes() {
        assert_eq!(millis("456.00us").unwrap(), 0.456);
        assert_eq!(millis("1.50ms").unwrap(), 1.5);
        assert_eq!(millis("1.20s").unwrap(), 1200.0);
        assert!(millis("12").is_err());
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(7), "7");
        assert_eq!(group(1234), "1,234");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
