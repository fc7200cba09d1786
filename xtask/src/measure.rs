//! Measuring a running server: plain HTTP/1.1 requests on loopback, the demo sign-in, and
//! Callgrind's instruction count per request (the server under `valgrind --tool=callgrind`:
//! each target warmed, the counters zeroed, a fixed number of requests made, the counters
//! dumped). Used by `cargo xtask bench` and by the budget check of `cargo xtask test`.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::site::{self, Profile};
use crate::tools::{self, Step, run_step};

/// The demo seeded into a database of its own, and how to serve it on a free port with the
/// benchmark floors on (the folder goes when this is dropped).
pub struct DemoSite {
    /// The server binary.
    pub server: PathBuf,
    /// `127.0.0.1:<port>`.
    pub address: String,
    /// The data folder (SQLite file, blobs, Callgrind dumps).
    pub data_dir: PathBuf,
    /// The server's environment.
    pub envs: Vec<(String, String)>,
}

impl DemoSite {
    /// Seeds the demo for the `profile` server built under `target_dir`.
    pub fn seed(root: &Path, target_dir: &Path, profile: Profile, label: &str) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let address = format!("127.0.0.1:{port}");
        let data_dir =
            std::env::temp_dir().join(format!("entente-{label}-{}-{port}", std::process::id()));
        let server = site::server_binary(target_dir, profile);
        let envs = vec![
            (
                "ENTENTE_DATA_DIR".to_owned(),
                data_dir.display().to_string(),
            ),
            ("LEPTOS_SITE_ADDR".to_owned(), address.clone()),
            (
                "LEPTOS_SITE_ROOT".to_owned(),
                site::site_root(root).display().to_string(),
            ),
            ("RUST_LOG".to_owned(), "warn".to_owned()),
            ("ENTENTE_DIGEST_HOUR".to_owned(), "off".to_owned()),
            ("ENTENTE_BENCH_FLOORS".to_owned(), "1".to_owned()),
            // The demo's SQLite file in the data folder, whatever the environment says.
            (
                "DATABASE_URL".to_owned(),
                format!("sqlite://{}/entente.db", data_dir.display()),
            ),
        ];
        std::fs::create_dir_all(&data_dir)?;
        let site = Self {
            server,
            address,
            data_dir,
            envs,
        };
        run_step(
            Step::new(&format!("Seeding the demo for the {label}"), &site.server)
                .arg("seed-demo")
                .envs(site.envs.clone()),
        )?;
        Ok(site)
    }
}

impl Drop for DemoSite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Fewer instructions than this in a second: the server is idle.
const QUIET: u64 = 10_000_000;

/// A server running under Callgrind.
pub struct Callgrind {
    child: Child,
    dumps: PathBuf,
    address: String,
}

impl Callgrind {
    /// Starts `server serve` under Callgrind with `envs`, its dumps in `dumps`, and waits until
    /// it answers at `address`.
    pub fn start(
        server: &Path,
        envs: &[(String, String)],
        address: &str,
        dumps: &Path,
    ) -> Result<Self> {
        std::fs::create_dir_all(dumps)?;
        let child = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}/out", dumps.display()))
            .arg(server)
            .arg("serve")
            .envs(envs.iter().map(|(key, value)| (key, value)))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start the server under valgrind (is valgrind installed?)")?;
        let mut callgrind = Self {
            child,
            dumps: dumps.to_path_buf(),
            address: address.to_owned(),
        };
        // Counting starts once the server is quiet: after start-up it may still be working in
        // the background (the demo's previews being made cost hundreds of millions of
        // instructions), which would be counted against whichever page came first. Quiet means
        // a second with almost nothing counted (the few `/healthz` requests that deliver the
        // commands cost about a million in a debug build).
        let quiet = tools::wait_for_health(address, Duration::from_secs(240))
            .and_then(|()| callgrind.wait_until_quiet(Duration::from_secs(300)));
        if let Err(error) = quiet {
            callgrind.stop();
            return Err(error);
        }
        Ok(callgrind)
    }

    /// The instructions one GET of `path` costs, averaged over `requests` after `warm_up`.
    pub fn per_request(
        &mut self,
        path: &str,
        cookie: Option<&str>,
        warm_up: u64,
        requests: u64,
    ) -> Result<u64> {
        for _ in 0..warm_up {
            get(&self.address, path, cookie)?;
        }
        self.control("-z")?;
        for _ in 0..requests {
            get(&self.address, path, cookie)?;
        }
        self.control("-d")?;
        Ok(newest_total(&self.dumps)? / requests.max(1))
    }

    /// Waits until a second passes with fewer than [`QUIET`] instructions counted.
    fn wait_until_quiet(&mut self, limit: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            self.control("-z")?;
            std::thread::sleep(Duration::from_secs(1));
            self.control("-d")?;
            let counted = newest_total(&self.dumps)?;
            if counted < QUIET {
                return Ok(());
            }
            if started.elapsed() > limit {
                bail!(
                    "the server kept working in the background ({counted} instructions a second)"
                );
            }
        }
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        tools::terminate(&mut self.child);
    }

    fn control(&mut self, option: &str) -> Result<()> {
        callgrind_control(self.child.id(), option, &self.address)
    }
}

/// Sends a Callgrind command (`-z` zero, `-d` dump) to the server and makes requests to
/// `/healthz` until it is done: an idle process would only read the command when it next runs.
fn callgrind_control(pid: u32, option: &str, address: &str) -> Result<()> {
    let mut control = Command::new("callgrind_control")
        .args([option, &pid.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .context("callgrind_control (valgrind) is missing")?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = control.try_wait()? {
            if !status.success() {
                bail!("callgrind_control {option} {pid} failed");
            }
            return Ok(());
        }
        if Instant::now() > deadline {
            let _ = control.kill();
            bail!("callgrind_control {option} {pid} did not finish");
        }
        let _ = get(address, "/healthz", None);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The total instructions (`Ir`) of the newest Callgrind dump in `dumps`.
fn newest_total(dumps: &Path) -> Result<u64> {
    let newest: PathBuf = std::fs::read_dir(dumps)?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("out"))
        .max_by_key(|entry| entry.metadata().and_then(|meta| meta.modified()).ok())
        .map(|entry| entry.path())
        .context("Callgrind wrote no dump")?;
    let text = std::fs::read_to_string(&newest)?;
    let total = text
        .lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|value| value.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .with_context(|| format!("no total in {}", newest.display()))?;
    std::fs::remove_file(&newest)?;
    Ok(total)
}

/// A plain HTTP/1.1 GET; fails unless the answer is 200.
pub fn get(address: &str, path: &str, cookie: Option<&str>) -> Result<()> {
    exchange(address, path, cookie, "HTTP/1.1", "Connection: close\r\n").map(drop)
}

/// Sends one GET of `path` in `version` with `headers` (each ending in CRLF) and returns the
/// whole answer, status line included; fails unless the answer is 200.
fn exchange(
    address: &str,
    path: &str,
    cookie: Option<&str>,
    version: &str,
    headers: &str,
) -> Result<Vec<u8>> {
    let cookie = cookie.map_or(String::new(), |cookie| format!("Cookie: {cookie}\r\n"));
    let request = format!("GET {path} {version}\r\nHost: {address}\r\n{cookie}{headers}\r\n");
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    // A server may answer an HTTP/1.0 request in either version.
    let ok = head.starts_with("HTTP/1.1 200")
        || (version == "HTTP/1.0" && head.starts_with("HTTP/1.0 200"));
    if !ok {
        bail!(
            "GET {path} answered {}",
            head.lines().next().unwrap_or_default()
        );
    }
    Ok(response)
}

/// The bundle files a first visit of `path` downloads: every `/pkg/…` address the page's HTML
/// names, which is the stylesheet, the main JS and WASM, and the modules of the page's area
/// with the JS that loads them (the server names those for the page it renders).
pub fn first_load(address: &str, path: &str, cookie: Option<&str>) -> Result<Vec<String>> {
    // HTTP/1.0: the answer comes whole, never in chunks an address could straddle.
    let page = exchange(address, path, cookie, "HTTP/1.0", "")?;
    let page = String::from_utf8_lossy(&page);
    let mut files: Vec<String> = page
        .split("\"/pkg/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|file| format!("pkg/{file}"))
        .collect();
    files.sort();
    files.dedup();
    if !files.iter().any(|file| file.ends_with(".wasm")) {
        bail!("GET {path} names no WASM to load: {files:?}");
    }
    Ok(files)
}

/// The bytes of `files` (from [`first_load`]) as served in `encoding` (`gz` or `br`: the
/// build's precompressed copies under `site_root`).
pub fn served_bytes(site_root: &Path, files: &[String], encoding: &str) -> Result<u64> {
    files
        .iter()
        .map(|file| {
            let served = site_root.join(format!("{file}.{encoding}"));
            Ok(std::fs::metadata(&served)
                .with_context(|| {
                    format!(
                        "the page names {file}, but there is no {}",
                        served.display()
                    )
                })?
                .len())
        })
        .sum()
}

/// Signs up a new organization through the form post a browser makes (one Argon2 hash on the
/// server); fails unless it is accepted.
pub fn sign_up(address: &str, organization: &str, email: &str, password: &str) -> Result<()> {
    let body = format!(
        "account_name={}&name=Bench+Admin&email={}&password={password}",
        organization.replace(' ', "+"),
        email.replace('@', "%40")
    );
    let answer = post_form(address, "/api/sign_up", &body)?;
    if !answer.starts_with("HTTP/1.1 200") {
        bail!(
            "signing up {email} was refused: {}",
            answer.lines().last().unwrap_or_default()
        );
    }
    Ok(())
}

/// Posts a form as a browser of the site would, and returns the whole answer.
fn post_form(address: &str, path: &str, body: &str) -> Result<String> {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(address)?;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// Signs in through the same form post a browser makes and returns the session cookie
/// (`name=value`), over a plain HTTP/1.1 exchange on loopback.
pub fn sign_in(address: &str, email: &str, password: &str) -> Result<String> {
    let body = format!("email={}&password={}", email.replace('@', "%40"), password);
    let response = post_form(address, "/api/sign_in", &body)?;
    response
        .lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| line.to_ascii_lowercase().starts_with("set-cookie: "))
        .map(|line| line["set-cookie: ".len()..].trim())
        .find(|cookie| cookie.starts_with("entente_session="))
        .and_then(|cookie| cookie.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("signing in as {email} gave no session cookie: {response}"))
}
