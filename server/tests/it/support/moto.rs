//! moto, the S3-protocol server `cargo xtask test` installs from PyPI, started on a free port
//! for a test that needs real S3 storage.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use entente_server::blobs::{BlobLocation, S3Credentials};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

/// The moto server this test starts, killed when dropped.
pub struct Moto {
    _child: Child,
    port: u16,
}

impl Moto {
    /// Starts `program` on a free loopback port and waits (at most 30 s) until it listens.
    pub async fn start(program: &Path) -> Moto {
        let port = free_port();
        let mut child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", program.display()));
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let listening = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("Running on") {
                    return true;
                }
                seen.push(line);
            }
            false
        })
        .await;
        assert!(
            matches!(listening, Ok(true)),
            "moto did not start on port {port}: {seen:?}"
        );
        // Werkzeug logs every request on stderr: keep reading it so the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Moto {
            _child: child,
            port,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    pub async fn get(&self, path: &str) -> String {
        let response = reqwest::get(self.url(path)).await.expect("ask moto");
        assert!(response.status().is_success(), "{response:?}");
        response.text().await.expect("moto's answer")
    }
}

/// `ENTENTE_TEST_MOTO`, else the venv `cargo xtask test` installs in the target folder.
pub fn moto_server() -> Option<PathBuf> {
    if let Some(program) = std::env::var_os("ENTENTE_TEST_MOTO") {
        return Some(PathBuf::from(program));
    }
    // This binary is `<target dir>/<profile>/deps/it-<hash>`.
    let exe = std::env::current_exe().ok()?;
    let program = exe.ancestors().nth(3)?.join("s3-venv/bin/moto_server");
    program.exists().then_some(program)
}

/// A loopback port nobody listens on (it was free a moment ago).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap().port()
}

impl Moto {
    /// Starts moto with the bucket `bucket` and returns where a blob store under `prefix` in it
    /// is; or says why not and returns `None` (a skip) unless `ENTENTE_REQUIRE_S3=1`.
    pub async fn with_bucket(
        test: &str,
        bucket: &str,
        prefix: &str,
    ) -> Option<(Moto, BlobLocation)> {
        let Some(program) = moto_server() else {
            let required = std::env::var("ENTENTE_REQUIRE_S3").is_ok_and(|value| value == "1");
            assert!(
                !required,
                "ENTENTE_REQUIRE_S3=1 but moto_server was not found: set ENTENTE_TEST_MOTO or \
                 run `cargo xtask test`, which installs it"
            );
            println!(
                "skipping the S3 variant of {test}: moto_server not found (set ENTENTE_TEST_MOTO)"
            );
            return None;
        };
        let moto = Moto::start(&program).await;
        let created = reqwest::Client::new()
            .put(moto.url(bucket))
            .send()
            .await
            .expect("create the bucket");
        assert!(created.status().is_success(), "{created:?}");
        let location = BlobLocation::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            endpoint: Some(moto.url("")),
            region: "us-east-1".to_owned(),
            allow_http: true,
            credentials: Some(S3Credentials {
                access_key_id: "testing".to_owned(),
                secret_access_key: "testing".to_owned(),
            }),
        };
        Some((moto, location))
    }
}
