//! The cost of the big lists against their size, for `cargo xtask bench`: for each size, a
//! fresh SQLite database filled by `entente-server seed-bench --rows N` (one organization with
//! N partner requests and N contacts), the release server under Callgrind, and the
//! instructions per request of the Partners tab and Contacts — the first page, a page from
//! the middle of the list (its keyset cursor) and a search that matches nothing (the case an
//! unindexed search pays most for). A list that stays flat costs the same at every size.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::measure::{Callgrind, sign_in};
use crate::site;

/// The sizes measured unless `ENTENTE_BENCH_ROWS` names others (`100,10000,1000000`).
const DEFAULT_ROWS: [u64; 3] = [100, 10_000, 100_000];
/// Requests per page under Callgrind, after [`WARM_UP`] others.
const REQUESTS: u64 = 10;
/// Requests before counting: enough for each pooled connection to have prepared the page's
/// statements (with one, the counts of small pages moved by a third from run to run).
const WARM_UP: u64 = 10;

/// The pages measured at each size; `{partners_deep}` and `{contacts_deep}` are the addresses
/// `seed-bench` prints.
const PAGES: [(&str, &str); 6] = [
    ("Partners tab, first page", "/settings/partners"),
    ("Partners tab, middle page", "{partners_deep}"),
    (
        "Partners tab, search matching nothing",
        "/settings/partners?q=zqxj",
    ),
    ("Contacts, first page", "/contacts"),
    ("Contacts, middle page", "{contacts_deep}"),
    ("Contacts, search matching nothing", "/contacts?q=zqxj"),
];

/// One size's figures: how long seeding took, and the instructions per page in [`PAGES`] order.
pub struct Measured {
    rows: u64,
    seed_seconds: f64,
    instructions: Vec<u64>,
}

/// The sizes to measure: `ENTENTE_BENCH_ROWS` (comma-separated) or [`DEFAULT_ROWS`].
pub fn sizes() -> Result<Vec<u64>> {
    match std::env::var("ENTENTE_BENCH_ROWS") {
        Ok(text) if !text.trim().is_empty() => text
            .split(',')
            .map(|size| {
                size.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|size| *size >= 4)
                    .with_context(|| {
                        format!("ENTENTE_BENCH_ROWS: `{size}` is not a size of 4 or more")
                    })
            })
            .collect(),
        _ => Ok(DEFAULT_ROWS.to_vec()),
    }
}

/// Seeds and measures each size in turn with the release server built under `target_dir`.
pub fn measure(root: &Path, target_dir: &Path, sizes: &[u64]) -> Result<Vec<Measured>> {
    sizes
        .iter()
        .map(|&rows| measure_one(root, target_dir, rows))
        .collect()
}

fn measure_one(root: &Path, target_dir: &Path, rows: u64) -> Result<Measured> {
    let server = site::server_binary(target_dir, site::Profile::Release);
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let address = format!("127.0.0.1:{port}");
    let data_dir = std::env::temp_dir().join(format!(
        "entente-scaling-{rows}-{}-{port}",
        std::process::id()
    ));
    std::fs::create_dir_all(&data_dir)?;
    let envs: Vec<(String, String)> = vec![
        ("ENTENTE_DATA_DIR".into(), data_dir.display().to_string()),
        ("LEPTOS_SITE_ADDR".into(), address.clone()),
        (
            "LEPTOS_SITE_ROOT".into(),
            site::site_root(root).display().to_string(),
        ),
        ("RUST_LOG".into(), "warn".into()),
        ("ENTENTE_DIGEST_HOUR".into(), "off".into()),
        (
            "DATABASE_URL".into(),
            format!("sqlite://{}/entente.db", data_dir.display()),
        ),
    ];
    let result = (|| {
        println!("seed-bench: {rows} rows");
        let started = std::time::Instant::now();
        let output = Command::new(&server)
            .args(["seed-bench", "--rows", &rows.to_string()])
            .envs(envs.iter().map(|(key, value)| (key, value)))
            .output()
            .context("could not run entente-server seed-bench")?;
        let seed_seconds = started.elapsed().as_secs_f64();
        let printed = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            bail!(
                "seed-bench --rows {rows} failed:\n{printed}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let value = |key: &str| {
            printed
                .lines()
                .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_owned)
                .with_context(|| format!("seed-bench printed no {key}:\n{printed}"))
        };
        let (email, password) = (value("email")?, value("password")?);
        let (partners_deep, contacts_deep) = (value("partners_deep")?, value("contacts_deep")?);
        let mut callgrind =
            Callgrind::start(&server, &envs, &address, &data_dir.join("callgrind"))?;
        let counted = (|| {
            let cookie = sign_in(&address, &email, &password)?;
            PAGES
                .iter()
                .map(|(name, path)| {
                    let path = path
                        .replace("{partners_deep}", &partners_deep)
                        .replace("{contacts_deep}", &contacts_deep);
                    println!("callgrind at {rows} rows: {name}");
                    callgrind.per_request(&path, Some(&cookie), WARM_UP, REQUESTS)
                })
                .collect::<Result<Vec<u64>>>()
        })();
        callgrind.stop();
        Ok(Measured {
            rows,
            seed_seconds,
            instructions: counted?,
        })
    })();
    let _ = std::fs::remove_dir_all(&data_dir);
    result
}

/// The report's section: instructions per request at each size, and each as a ratio to the
/// smallest size's.
pub fn report(measured: &[Measured], group: impl Fn(u64) -> String) -> String {
    let Some(smallest) = measured.first() else {
        return String::new();
    };
    let mut out = format!(
        "#### Cost against size (SQLite, `entente-server seed-bench`)\n\n\
         One organization with N partner requests (a quarter each: invitations sent, partners, \
         invitations received awaiting its decision, refusals; each with its own organization \
         and Administrator) and N contacts, in a fresh database per size. Callgrind \
         instructions per request, the mean of {REQUESTS} after {WARM_UP} others; in brackets, the \
         ratio to the same page at {} rows.\n\n| page |",
        group(smallest.rows)
    );
    for size in measured {
        out.push_str(&format!(" {} rows |", group(size.rows)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(measured.len()));
    out.push('\n');
    for (index, (name, _)) in PAGES.iter().enumerate() {
        out.push_str(&format!("| {name} |"));
        let base = smallest.instructions[index].max(1) as f64;
        for size in measured {
            let count = size.instructions[index];
            out.push_str(&format!(
                " {} ({:.2}×) |",
                group(count),
                count as f64 / base
            ));
        }
        out.push('\n');
    }
    out.push_str("| seeding the database, seconds |");
    for size in measured {
        out.push_str(&format!(" {:.1} |", size.seed_seconds));
    }
    out.push('\n');
    out
}
