//! Installing missing tools and running steps with a clear heading and timing.

use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// One command run as a visible, timed step.
pub struct Step {
    title: String,
    command: Command,
}

impl Step {
    /// A step titled `title` running `program`.
    pub fn new(title: &str, program: impl AsRef<OsStr>) -> Self {
        Self {
            title: title.to_string(),
            command: Command::new(program),
        }
    }
    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }
    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Self {
        self.command.args(args);
        self
    }
    /// Sets one environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }
    /// Sets environment variables.
    pub fn envs<I: IntoIterator<Item = (K, V)>, K: AsRef<OsStr>, V: AsRef<OsStr>>(
        mut self,
        vars: I,
    ) -> Self {
        self.command.envs(vars);
        self
    }
    /// Runs in `dir`.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }
}

/// Runs a step, printing its title and how long it took; fails when the command fails.
pub fn run_step(mut step: Step) -> Result<()> {
    println!("\n==> {}", step.title);
    let started = Instant::now();
    let status = step
        .command
        .status()
        .with_context(|| format!("could not start: {}", step.title))?;
    if !status.success() {
        bail!("step failed ({status}): {}", step.title);
    }
    println!("    done in {:.1?}", started.elapsed());
    Ok(())
}

/// Runs a step like [`run_step`], echoing its output as it comes, and returns the part of each
/// output line from `marker` on (for figures a test prints, which would otherwise scroll away).
pub fn run_step_collecting(mut step: Step, marker: &str) -> Result<Vec<String>> {
    println!("\n==> {}", step.title);
    let started = Instant::now();
    let mut child = step
        .command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start: {}", step.title))?;
    let stdout = child.stdout.take().context("no piped output")?;
    let mut collected = Vec::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
        let line = line.context("could not read the step's output")?;
        println!("{line}");
        if let Some(start) = line.find(marker) {
            collected.push(line[start..].to_owned());
        }
    }
    let status = child.wait().context("could not wait for the step")?;
    if !status.success() {
        bail!("step failed ({status}): {}", step.title);
    }
    println!("    done in {:.1?}", started.elapsed());
    Ok(collected)
}

/// Output of a command if it ran and succeeded.
pub fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Makes sure the wasm32 target and wasm-bindgen-cli are installed, and the npm packages whose
/// tools the release build uses: wasm-opt (package `binaryen`) and esbuild, put on PATH.
pub fn ensure_build_tools(root: &Path, release: bool) -> Result<()> {
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        run_step(
            Step::new("Installing the wasm32-unknown-unknown target", "rustup").args([
                "target",
                "add",
                "wasm32-unknown-unknown",
            ]),
        )?;
    }

    let wanted = locked_version(root, "wasm-bindgen")?;
    let installed = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if installed.split_whitespace().nth(1) != Some(wanted.as_str()) {
        // `--locked` fails for this version (a locked dependency left the registry), so not locked.
        run_step(
            Step::new(
                &format!(
                    "Installing wasm-bindgen-cli {wanted} to match Cargo.lock (about 2 minutes)"
                ),
                "cargo",
            )
            .args(["install", "--force", &format!("wasm-bindgen-cli@{wanted}")]),
        )?;
    }

    ensure_npm_packages(root)?;
    let bin = root.join("end2end").join("node_modules").join(".bin");
    if release {
        for tool in ["wasm-opt", "esbuild"] {
            if !bin.join(tool).exists() {
                bail!("{tool} is missing from {} after npm ci", bin.display());
            }
        }
    }
    prepend_path(&bin);
    Ok(())
}

/// Installs from apt what the tests need and lacks: Chromium for the browser tests, and
/// Debian's `python3-aiosmtpd` for the SMTP server the mail delivery tests start.
pub fn ensure_test_tools(_root: &Path) -> Result<()> {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if output_of("/usr/bin/python3", &["-c", "import aiosmtpd"]).is_none() {
        missing.push("python3-aiosmtpd");
    }
    if !Path::new(PDFTOPPM).exists() {
        missing.push("poppler-utils");
    }
    // The budget check counts instructions under Callgrind.
    if !Path::new("/usr/bin/valgrind").exists() {
        missing.push("valgrind");
    }
    install_from_apt(&missing)
}

/// Where Debian's poppler-utils puts the PDF renderer previews use.
const PDFTOPPM: &str = "/usr/bin/pdftoppm";

/// Installs from apt what the server itself runs and lacks: poppler-utils, whose `pdftoppm`
/// renders PDF previews (without it a PDF's preview says it is unavailable).
pub fn ensure_runtime_tools() -> Result<()> {
    if Path::new(PDFTOPPM).exists() {
        return Ok(());
    }
    install_from_apt(&["poppler-utils"])
}

/// Installs from apt what `cargo xtask soak` needs and lacks: Debian's `python3-aiosmtpd` for
/// the SMTP server its mail scenario starts.
pub fn ensure_soak_tools() -> Result<()> {
    let missing: &[&str] = if output_of("/usr/bin/python3", &["-c", "import aiosmtpd"]).is_none() {
        &["python3-aiosmtpd"]
    } else {
        &[]
    };
    install_from_apt(missing)
}

/// Installs from apt what `cargo xtask bench` uses and lacks: wrk and valgrind.
pub fn ensure_bench_tools() -> Result<()> {
    let missing: Vec<&str> = ["wrk", "valgrind"]
        .into_iter()
        .filter(|program| !Path::new("/usr/bin").join(program).exists())
        .collect();
    install_from_apt(&missing)
}

/// Installs Debian packages (through sudo unless we are root); nothing to do if none is missing.
pub fn install_from_apt(missing: &[&str]) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = if output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0") {
        None
    } else {
        Some("sudo")
    };
    let apt = |args: &[&str]| {
        let (program, rest): (&str, Vec<&str>) = match sudo {
            Some(sudo) => (sudo, [&["apt-get"], args].concat()),
            None => ("apt-get", args.to_vec()),
        };
        Step::new(&format!("apt-get {}", args.join(" ")), program)
            .args(rest)
            .env("DEBIAN_FRONTEND", "noninteractive")
    };
    run_step(apt(&["update"]))?;
    run_step(apt(&[&["install", "-y"][..], missing].concat()))?;
    Ok(())
}

/// Runs `npm ci` in `end2end/` when its packages are missing or older than the lock file.
fn ensure_npm_packages(root: &Path) -> Result<()> {
    let dir = root.join("end2end");
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let modified = |path: &PathBuf| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    let fresh = matches!((modified(&installed), modified(&lock)), (Some(installed), Some(lock)) if installed >= lock);
    if !fresh {
        run_step(
            Step::new(
                "Installing npm packages in end2end/ (Playwright, binaryen's wasm-opt)",
                "npm",
            )
            .args(["ci", "--no-audit", "--no-fund"])
            .dir(&dir),
        )?;
    }
    Ok(())
}

/// The version of `package` that `Cargo.lock` pins.
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context("could not read Cargo.lock")?;
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(version.trim_matches('"').to_string());
        }
    }
    bail!("Cargo.lock does not pin {package}")
}

/// Puts `dir` first on this process's PATH, so child processes find the tools in it.
fn prepend_path(dir: &Path) {
    let mut paths: Vec<PathBuf> = vec![dir.to_path_buf()];
    if let Some(existing) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        // SAFETY: xtask is single-threaded here; nothing else reads the environment concurrently.
        unsafe { std::env::set_var("PATH", joined) };
    }
}

/// Says whether the PostgreSQL tests will find a server (they skip or fail on their own).
pub fn postgres_status() -> String {
    let url = std::env::var("ENTENTE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432");
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(host_port)
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    let required = std::env::var("ENTENTE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    match (reachable, required) {
        (true, _) => format!("reachable at {host_port}; the storage tests run on it too"),
        (false, true) => format!(
            "NOT reachable at {host_port}, and ENTENTE_REQUIRE_POSTGRES=1: those tests will fail"
        ),
        (false, false) => format!("not reachable at {host_port}; those tests will say so and skip"),
    }
}

/// Polls `GET /healthz` until it answers 200 or `limit` passes.
pub fn wait_for_health(address: &str, limit: Duration) -> Result<()> {
    let started = Instant::now();
    loop {
        if health_ok(address) {
            return Ok(());
        }
        if started.elapsed() > limit {
            bail!("the server at {address} did not become healthy within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn health_ok(address: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// Asks a child server to stop with SIGTERM (graceful shutdown), then waits for it.
pub fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Replaces this process with `command` (so Ctrl-C reaches the server directly).
pub fn exec(mut command: Command) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let error = command.exec();
        Err(error).context("could not start the server")
    }
    #[cfg(not(unix))]
    {
        let status = command.status()?;
        if status.success() {
            Ok(())
        } else {
            bail!("the server exited with {status}")
        }
    }
}
