//! A real SMTP server on loopback: the regular tests' `tests/it/smtp_sink.py` (aiosmtpd,
//! Debian's `python3-aiosmtpd`), which writes each message it accepts to a folder as JSON
//! before answering 250.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

/// One message as the SMTP server received it.
#[derive(Debug, serde::Deserialize)]
pub struct ReceivedMessage {
    /// The envelope's recipients.
    pub rcpt_tos: Vec<String>,
    /// The `Subject` header.
    pub subject: String,
}

/// A running aiosmtpd server writing what it receives to a temporary folder.
pub struct SmtpSink {
    child: Child,
    folder: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts the server on `port` and waits (at most 20 s) until it listens.
    pub async fn start(port: u16) -> SmtpSink {
        let python =
            std::env::var("ENTENTE_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
        let folder = tempfile::tempdir().expect("a folder for received mail");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("start {python} {}: {error}", script.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        match tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await {
            Ok(Ok(Some(line))) if line == "ready" => {}
            other => panic!(
                "the SMTP sink did not start ({other:?}); it needs Debian's python3-aiosmtpd \
                 (`cargo xtask soak` installs it)"
            ),
        }
        SmtpSink { child, folder }
    }

    /// The messages received so far.
    pub fn received(&self) -> Vec<ReceivedMessage> {
        let files: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .expect("read the mail folder")
            .map(|entry| entry.expect("a folder entry").path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "json")
            })
            .collect();
        files
            .iter()
            .map(|path| {
                serde_json::from_slice(&std::fs::read(path).expect("read a message"))
                    .expect("a message written by smtp_sink.py")
            })
            .collect()
    }

    /// Stops the server.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
