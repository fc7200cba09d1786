//! `cargo xtask bench`: builds the release site, prints the size of what a browser downloads
//! (raw, gzip, brotli), and loads a release server with wrk on loopback. Figures go to
//! `docs/benchmarks.md` by hand, with the date and machine.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::site::{self, Profile};
use crate::tools::{self, Step, run_step};

/// Runs the benchmark and prints its figures.
pub fn bench(root: &Path, target_dir: &Path) -> Result<()> {
    tools::ensure_build_tools(root, true)?;
    tools::ensure_bench_tools()?;
    site::build_front(root, target_dir, Profile::Release)?;
    site::build_server(root, Profile::Release)?;
    print_sizes(&site::site_root(root).join("pkg"))?;

    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let address = format!("127.0.0.1:{port}");
    let data_dir =
        std::env::temp_dir().join(format!("entente-bench-{}-{port}", std::process::id()));
    let server = site::server_binary(target_dir, Profile::Release);
    let envs = [
        ("ENTENTE_DATA_DIR", data_dir.display().to_string()),
        ("LEPTOS_SITE_ADDR", address.clone()),
        (
            "LEPTOS_SITE_ROOT",
            site::site_root(root).display().to_string(),
        ),
        ("RUST_LOG", "warn".to_string()),
    ];
    run_step(
        Step::new("Seeding the benchmark database", &server)
            .arg("seed-demo")
            .envs(envs.clone()),
    )?;
    let mut child = Command::new(&server)
        .arg("serve")
        .envs(envs)
        .stdout(Stdio::null())
        .spawn()?;
    let outcome = tools::wait_for_health(&address, Duration::from_secs(30)).and_then(|()| {
        for path in ["/healthz", "/", "/no-such-page"] {
            load(&address, path, None)?;
        }
        // The Partners tab as the demo's Northwind administrator sees it: the session check,
        // the badge count and the list, rendered on the server.
        let cookie = sign_in(&address, "admin@northwind.example", "entente-demo")?;
        load(&address, "/settings/partners", Some(&cookie))
    });
    tools::terminate(&mut child);
    let _ = std::fs::remove_dir_all(&data_dir);
    outcome
}

/// Loads `path` with wrk for ten seconds (2 threads, 32 connections), with `cookie` if given.
fn load(address: &str, path: &str, cookie: Option<&str>) -> Result<()> {
    let signed_in = if cookie.is_some() { ", signed in" } else { "" };
    let mut step = Step::new(
        &format!("wrk: GET {path}{signed_in} for 10 s, 2 threads, 32 connections"),
        "wrk",
    )
    .args(["--latency", "-t2", "-c32", "-d10s"]);
    if let Some(cookie) = cookie {
        step = step.args(["-H", &format!("Cookie: {cookie}")]);
    }
    run_step(step.arg(format!("http://{address}{path}")))
}

/// Signs in through the same form post a browser makes and returns the session cookie
/// (`name=value`), over a plain HTTP/1.1 exchange on loopback.
fn sign_in(address: &str, email: &str, password: &str) -> Result<String> {
    use std::io::{Read as _, Write as _};

    let body = format!("email={}&password={}", email.replace('@', "%40"), password);
    let request = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
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

/// Prints raw, gzip -9 and brotli -q 11 sizes of the files in `pkg`.
fn print_sizes(pkg: &Path) -> Result<()> {
    println!(
        "\n{:<24} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut entries: Vec<_> = std::fs::read_dir(pkg)
        .with_context(|| format!("no built site at {}", pkg.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css")
        })
        .collect();
    entries.sort();
    for path in entries {
        let raw = std::fs::metadata(&path)?.len();
        let gzip = compressed_size("gzip", &["-9", "-c"], &path);
        let brotli = compressed_size("brotli", &["-q", "11", "-c"], &path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("{name:<24} {raw:>10} {gzip:>10} {brotli:>10}");
    }
    Ok(())
}

/// The size of `path` compressed by `program`, or a note when the program is missing.
fn compressed_size(program: &str, args: &[&str], path: &Path) -> String {
    Command::new(program)
        .args(args)
        .arg(path)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| output.stdout.len().to_string())
        .unwrap_or_else(|| format!("(no {program})"))
}
