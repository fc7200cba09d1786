//! Delivery over a real SMTP server (aiosmtpd on loopback, started by the test), on both engines.
//!
//! The server is `smtp_sink.py` beside this file, run with Debian's Python and its
//! `python3-aiosmtpd` package (`cargo xtask test` installs it). It writes each message it
//! accepts to a folder as JSON before answering, so a message is on disk once the send returns.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use entente_server::mail::templates;
use entente_server::mail::worker::{StepReport, Worker, WorkerSettings};
use entente_server::store::Store;
use entente_server::store::outbox;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::support::both_engines;
use crate::support::moto::free_port;

/// A fixed clock for the outbox: unix seconds in late 2026.
const NOW: i64 = 1_795_000_000;
const FROM: &str = "Entente <no-reply@entente.test>";

/// The Python that has aiosmtpd: `ENTENTE_TEST_PYTHON`, else Debian's own.
fn python() -> String {
    std::env::var("ENTENTE_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

/// One message as the SMTP server received it.
#[derive(Debug, serde::Deserialize)]
struct ReceivedMessage {
    rcpt_tos: Vec<String>,
    from: String,
    to: String,
    subject: String,
    text: Option<String>,
    html: Option<String>,
}

/// A running aiosmtpd server writing what it receives to a temporary folder.
struct SmtpSink {
    child: Child,
    folder: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts the server on `port` and waits (at most 20 s) until it listens.
    async fn start(port: u16) -> SmtpSink {
        let folder = tempfile::tempdir().expect("a folder for received mail");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(&script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("start {} {}: {error}", python(), script.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        match ready {
            Ok(Ok(Some(line))) if line == "ready" => {}
            other => panic!(
                "the SMTP sink did not start ({other:?}); it needs Debian's python3-aiosmtpd \
                 (`apt-get install python3-aiosmtpd`, which `cargo xtask test` does)"
            ),
        }
        SmtpSink { child, folder }
    }

    /// The messages received so far, in order.
    fn received(&self) -> Vec<ReceivedMessage> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
            .collect()
    }

    /// Waits (polling, at most 10 s) until at least `count` messages arrived, and returns all.
    async fn wait_for(&self, count: usize) -> Vec<ReceivedMessage> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn settings() -> WorkerSettings {
    WorkerSettings {
        send_timeout: Duration::from_secs(10),
        ..WorkerSettings::default()
    }
}

fn worker(store: &Store, port: u16) -> Worker {
    Worker::new(
        store.clone(),
        &format!("smtp://127.0.0.1:{port}"),
        FROM,
        settings(),
    )
    .expect("a valid SMTP URL and sender")
}

/// The same text with CRLF line ends made LF and trailing blank space dropped.
fn normalized(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_owned()
}

fn partner_invitation() -> entente_server::mail::OutgoingEmail {
    let link = url::Url::parse("https://entente.example/partners?request=42&tab=received").unwrap();
    templates::partner_invitation(
        "ann@globex.example",
        "Acme & Co",
        "Bob Smith",
        "bob@acme.example",
        &link,
    )
}

async fn enqueue_committed(
    store: &Store,
    email: &entente_server::mail::OutgoingEmail,
    now: i64,
) -> uuid::Uuid {
    let mut tx = store.begin_write().await.unwrap();
    let id = outbox::enqueue(&mut tx, email, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

both_engines! {
    async fn an_enqueued_email_is_delivered_once_over_real_smtp(store: Store) {
        let port = free_port();
        let sink = SmtpSink::start(port).await;
        let worker = worker(&store, port);
        let email = partner_invitation();
        let id = enqueue_committed(&store, &email, NOW).await;

        let report = worker.run_once(NOW).await.unwrap();
        assert_eq!(report, StepReport { claimed: 1, sent: 1, failed: 0, lost_lease: 0 });
        let received = sink.wait_for(1).await;
        assert_eq!(received.len(), 1, "{received:?}");
        let message = &received[0];
        assert_eq!(message.rcpt_tos, vec!["ann@globex.example".to_owned()]);
        assert_eq!(message.to, "ann@globex.example");
        assert!(message.from.contains("no-reply@entente.test"), "{}", message.from);
        assert_eq!(message.subject, email.subject);
        assert_eq!(normalized(message.text.as_deref().expect("a text part")), normalized(&email.text_body));
        assert_eq!(normalized(message.html.as_deref().expect("an HTML part")), normalized(&email.html_body));
        assert!(message.text.as_deref().unwrap().contains("https://entente.example/partners?request=42&tab=received"));

        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert!(record.sent_at.is_some_and(|sent_at| sent_at >= NOW));
        assert_eq!(record.attempts, 1);

        let again = worker.run_once(NOW + 3_600).await.unwrap();
        assert_eq!(again, StepReport::default(), "nothing is left to send");
        assert_eq!(sink.received().len(), 1, "the email was sent exactly once");
        sink.stop().await;
    }

    async fn mail_written_while_smtp_is_down_is_delivered_once_it_is_back(store: Store) {
        let port = free_port();
        let worker = worker(&store, port);
        let email = partner_invitation();
        let id = enqueue_committed(&store, &email, NOW).await;

        let report = worker.run_once(NOW).await.unwrap();
        assert_eq!(report, StepReport { claimed: 1, sent: 0, failed: 1, lost_lease: 0 });
        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!((record.attempts, record.sent_at), (1, None));
        assert!(record.last_error.is_some());
        let first_delay = settings().retry_delay_secs(1);
        assert_eq!(record.next_attempt_at, NOW + first_delay);

        // Still down at the next attempt: the delay doubles.
        let report = worker.run_once(NOW + first_delay).await.unwrap();
        assert_eq!(report.failed, 1);
        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!(record.attempts, 2);
        let retry_at = NOW + first_delay + 2 * first_delay;
        assert_eq!(record.next_attempt_at, retry_at);

        let sink = SmtpSink::start(port).await;
        assert_eq!(worker.run_once(retry_at - 1).await.unwrap(), StepReport::default(), "backoff is respected");
        let report = worker.run_once(retry_at).await.unwrap();
        assert_eq!(report, StepReport { claimed: 1, sent: 1, failed: 0, lost_lease: 0 });
        let received = sink.wait_for(1).await;
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].subject, email.subject);

        assert_eq!(worker.run_once(retry_at + 86_400).await.unwrap(), StepReport::default());
        assert_eq!(sink.received().len(), 1, "delivered exactly once");
        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!((record.attempts, record.last_error), (3, None));
        assert!(record.sent_at.is_some());
        sink.stop().await;
    }

    async fn mail_claimed_by_a_crashed_worker_is_delivered_once_after_a_restart(store: Store) {
        let port = free_port();
        let sink = SmtpSink::start(port).await;
        let email = partner_invitation();
        let id = enqueue_committed(&store, &email, NOW).await;
        // A worker claims the email and dies before sending it.
        let crashed = outbox::claim_batch(&store, "crashed-worker", NOW, settings().lease_secs(), 10)
            .await
            .unwrap();
        assert_eq!(crashed.len(), 1);

        // The restarted process has a new worker: it waits for the lease, then delivers.
        let restarted = worker(&store, port);
        assert_eq!(restarted.run_once(NOW + 1).await.unwrap(), StepReport::default());
        let report = restarted.run_once(NOW + settings().lease_secs()).await.unwrap();
        assert_eq!(report.sent, 1);
        assert_eq!(sink.wait_for(1).await.len(), 1);
        assert!(!outbox::mark_sent(&store, id, "crashed-worker", NOW + 1_000).await.unwrap());
        assert_eq!(restarted.run_once(NOW + 100_000).await.unwrap(), StepReport::default());
        assert_eq!(sink.received().len(), 1, "delivered exactly once");
        sink.stop().await;
    }
}
