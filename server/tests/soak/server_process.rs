//! The real `entente-server serve` binary as a child process, on a fixed loopback port, so it
//! can be killed with SIGKILL and started again on the same database and address.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::process::{Child, Command};

use crate::requests::wait_for_health;

/// How long a start may take until `/healthz` answers 200 (migrations included).
const START_LIMIT: Duration = Duration::from_secs(60);

/// A running `entente-server serve`.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    log: PathBuf,
}

/// What the child is started with, kept to start it again identically.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// The loopback port (`LEPTOS_SITE_ADDR`).
    pub port: u16,
    /// `ENTENTE_DATA_DIR` and `LEPTOS_SITE_ROOT` (no built site: pages link files that are
    /// not there, which no soak check reads), and where the log goes.
    pub folder: PathBuf,
}

impl ServerProcess {
    /// Starts the binary and waits until `/healthz` answers 200; returns it and how long the
    /// start took. Its output is appended to `server.log` in the folder.
    pub async fn start(options: &ServerOptions) -> (ServerProcess, Duration) {
        let started = Instant::now();
        let log = options.folder.join("server.log");
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open the server log");
        let site_root = options.folder.join("site");
        std::fs::create_dir_all(&site_root).expect("create the site folder");
        let address = format!("127.0.0.1:{}", options.port);
        let child = Command::new(env!("CARGO_BIN_EXE_entente-server"))
            .arg("serve")
            .env("DATABASE_URL", &options.database_url)
            .env("LEPTOS_SITE_ADDR", &address)
            .env("LEPTOS_SITE_ROOT", &site_root)
            .env("ENTENTE_DATA_DIR", &options.folder)
            .env("ENTENTE_LOG_FORMAT", "human")
            .env("RUST_LOG", "warn")
            .env_remove("SMTP_URL")
            .env_remove("ENTENTE_PUBLIC_URL")
            .env_remove("ENTENTE_DEV_MAILBOX")
            .stdout(output.try_clone().expect("clone the log handle"))
            .stderr(output)
            .kill_on_drop(true)
            .spawn()
            .expect("start entente-server");
        let server = ServerProcess {
            child,
            address: format!("http://{address}"),
            log,
        };
        if wait_for_health(&server.address, StatusCode::OK, START_LIMIT)
            .await
            .is_none()
        {
            panic!(
                "entente-server did not become healthy within {START_LIMIT:?}; log:\n{}",
                log_tail(&server.log)
            );
        }
        (server, started.elapsed())
    }

    /// Kills the process with SIGKILL (no graceful shutdown, no flush) and waits until it is gone.
    pub async fn kill_9(mut self) {
        self.child.kill().await.expect("SIGKILL the server");
    }
}

/// The last lines of a server log, to show beside a failure.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// A loopback port nobody listens on (it was free a moment ago).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("a local address").port()
}
