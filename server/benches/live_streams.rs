//! Live streams at scale (issue 16): what 1,000 open `GET /live` streams cost one instance, and
//! how fast a change reaches all of them.
//!
//! `cargo bench -p entente-server --bench live_streams`. The benchmark runs the server in a
//! child process (this same executable, asked to serve), so the memory it reads from
//! `/proc/<pid>/status` is the server's alone: SQLite in a temporary folder with the demo
//! seeded, a multi-threaded runtime as `entente-server serve` uses. The parent signs in as the
//! demo's Harbor Press administrator, opens `STREAMS` streams (the per-user limit raised for the
//! measurement: the server's work per stream does not depend on whose it is, except that one
//! person's tabs share one access check per change), and reads every event as a browser does.
//! Then Northwind Studio's administrator renames the folder it shares with Harbor Press
//! `CHANGES` times, one at a time: each rename is an audit entry whose event must reach every
//! stream; the latency of a delivery is the time from sending the rename to the stream reading
//! its event (the rename's own request included). Last, a burst of `BURST` renames sent
//! back-to-back, timed until every stream has read every one. The figures are recorded in
//! docs/benchmarks.md.

use std::time::{Duration, Instant};

use entente_app::api::sharing::SharedPage;
use entente_app::live::LiveEvent;
use entente_core::documents::ItemKind;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::sync::mpsc;

const STREAMS: usize = 1_000;
const CHANGES: usize = 30;
const BURST: usize = 50;
const SERVE: &str = "ENTENTE_LIVE_BENCH_SERVE";

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match std::env::var_os(SERVE) {
        Some(folder) => runtime.block_on(serve(folder.into())),
        None => runtime.block_on(measure()),
    }
}

/// The child: the demo on SQLite, served on a free port (printed on the first line).
async fn serve(folder: std::path::PathBuf) -> anyhow::Result<()> {
    use entente_server::config::{DatabaseArgs, ServeArgs};
    let url = format!("sqlite://{}?mode=rwc", folder.join("live.db").display());
    let store = entente_server::startup::open_store(&url).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let public = url::Url::parse(&format!("http://{addr}"))?;
    let args = ServeArgs {
        database: DatabaseArgs {
            data_dir: folder.clone(),
            database_url: Some(url),
        },
        addr,
        site_root: folder.join("site"),
        public_url: Some(public.clone()),
        smtp_url: None,
        mail_from: entente_server::config::DEFAULT_MAIL_FROM.to_owned(),
        dev_mailbox: false,
        digest_hour: entente_server::config::DigestAt(None),
        bench_floors: false,
        live_streams_per_user: STREAMS + 1,
        connections: entente_server::config::ConnectionLimits::default(),
        blobs: entente_server::config::BlobArgs::default(),
    };
    entente_server::seed::seed_demo(&store, &public).await?;
    let blobs = entente_server::blobs::BlobStore::open(&args.blobs.location(&folder))?;
    entente_server::seed::seed_demo_documents(&store, &blobs, &public).await?;
    let state = entente_server::startup::AppState::new(&args, store)?;
    println!("{addr}");
    entente_server::startup::serve(listener, state, std::future::pending()).await
}

/// The parent: opens the streams, makes the changes, prints the figures.
async fn measure() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .env(SERVE, folder.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().expect("the server's pid");
    let mut lines = BufReader::new(child.stdout.take().expect("its output")).lines();
    let addr = lines.next_line().await?.expect("the server's address");
    let base = format!("http://{addr}");
    let northwind = signed_in(&base, entente_server::seed::DEMO_PARTNERS.0).await?;
    let harbor = signed_in(&base, entente_server::seed::DEMO_PARTNERS.1).await?;
    let shared: SharedPage = call(&harbor, &base, "/api/sharing/with_us", &[])
        .await?
        .json()
        .await?;
    let folder_id = shared
        .entries
        .iter()
        .find(|entry| entry.item.kind == ItemKind::Folder)
        .unwrap_or_else(|| panic!("the demo shares a folder with Harbor Press: {shared:?}"))
        .item
        .id
        .to_string();
    // The demo's previews are made in the background: let them finish before measuring.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = rss_kib(pid)?;

    let (heard, mut deliveries) = mpsc::unbounded_channel::<(usize, Instant)>();
    let opening = Instant::now();
    for index in 0..STREAMS {
        let response = harbor.get(format!("{base}/live")).send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "stream {index}: {}",
            response.status()
        );
        let heard = heard.clone();
        let (opened, is_open) = tokio::sync::oneshot::channel();
        tokio::spawn(read(response, index, heard, opened));
        is_open.await?;
    }
    let opened_in = opening.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let open_rss = rss_kib(pid)?;

    let mut latencies = Vec::with_capacity(STREAMS * CHANGES);
    for round in 0..CHANGES {
        let sent = Instant::now();
        rename(&northwind, &base, &folder_id, round).await?;
        for _ in 0..STREAMS {
            let (_, at) = tokio::time::timeout(Duration::from_secs(30), deliveries.recv())
                .await?
                .expect("the readers run");
            latencies.push(at - sent);
        }
    }
    let burst = Instant::now();
    for round in 0..BURST {
        rename(&northwind, &base, &folder_id, CHANGES + round).await?;
    }
    for _ in 0..STREAMS * BURST {
        tokio::time::timeout(Duration::from_secs(60), deliveries.recv())
            .await?
            .expect("the readers run");
    }
    let burst_took = burst.elapsed();
    let after = rss_kib(pid)?;
    latencies.sort();
    let at = |share: f64| {
        latencies[((latencies.len() as f64 * share) as usize).min(latencies.len() - 1)]
    };
    let per_stream = (open_rss.saturating_sub(before)) as f64 * 1024.0 / STREAMS as f64;
    println!("| measure | value |");
    println!("|---|---:|");
    println!("| server resident memory, signed in, no stream | {before} KiB |");
    println!("| with {STREAMS} open streams | {open_rss} KiB |");
    println!(
        "| memory per open stream | {:.1} KiB |",
        per_stream / 1024.0
    );
    println!(
        "| time to open {STREAMS} streams one after another | {:.2} s |",
        opened_in.as_secs_f64()
    );
    println!(
        "| delivery latency, one change to {STREAMS} streams ({CHANGES} changes): p50 | {:.1} ms |",
        at(0.5).as_secs_f64() * 1e3
    );
    println!("| p99 | {:.1} ms |", at(0.99).as_secs_f64() * 1e3);
    println!(
        "| slowest | {:.1} ms |",
        latencies.last().expect("some").as_secs_f64() * 1e3
    );
    println!(
        "| a burst of {BURST} changes, until all {} deliveries were read | {:.2} s ({:.0} deliveries/s) |",
        STREAMS * BURST,
        burst_took.as_secs_f64(),
        (STREAMS * BURST) as f64 / burst_took.as_secs_f64()
    );
    println!("| resident memory after the burst | {after} KiB |");
    child.kill().await?;
    Ok(())
}

/// Reads one stream's events like a browser, reporting each notice of a change.
async fn read(
    mut response: reqwest::Response,
    index: usize,
    heard: mpsc::UnboundedSender<(usize, Instant)>,
    opened: tokio::sync::oneshot::Sender<()>,
) {
    let mut opened = Some(opened);
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let data: String = block
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            match serde_json::from_str::<LiveEvent>(&data) {
                Ok(LiveEvent::Connected) => {
                    if let Some(opened) = opened.take() {
                        let _ = opened.send(());
                    }
                }
                Ok(LiveEvent::Shared { notice: Some(_) }) => {
                    let _ = heard.send((index, Instant::now()));
                }
                _ => {}
            }
        }
    }
}

/// A client signed in as the demo user `email`.
async fn signed_in(base: &str, email: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(STREAMS + 8)
        .build()?;
    call(
        &client,
        base,
        "/api/sign_in",
        &[
            ("email", email),
            ("password", entente_server::seed::DEMO_PASSWORD),
        ],
    )
    .await?;
    Ok(client)
}

/// Posts a server function's form, as a page would.
async fn call(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    form: &[(&str, &str)],
) -> anyhow::Result<reqwest::Response> {
    let response = client
        .post(format!("{base}{path}"))
        .header("origin", base)
        .form(form)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    Ok(response)
}

/// Renames the shared folder (a new name each time).
async fn rename(
    client: &reqwest::Client,
    base: &str,
    folder: &str,
    round: usize,
) -> anyhow::Result<()> {
    let name = format!("Spring campaign {round}");
    call(
        client,
        base,
        "/api/documents/rename",
        &[("item", folder), ("name", &name)],
    )
    .await?;
    Ok(())
}

/// The process's resident memory, in KiB.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS for {pid}"))
}
