//! The outbox worker: claims due emails, sends each over SMTP within a timeout, and marks it sent or failed.
//!
//! [`Worker::run_once`] is one step (claim a batch, send, record the outcome) that tests
//! call directly with the time they choose; [`Worker::run`] repeats it every few seconds,
//! or at once when woken through [`Worker::wake_handle`], until shutdown. A failed send
//! keeps the row and schedules another attempt with exponential backoff (30 s, 1 min,
//! 2 min, … capped at an hour): an email is never dropped.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::store::outbox::{self, ClaimedEmail};
use crate::store::{Store, now_unix_seconds};

/// How the worker paces itself; [`WorkerSettings::default`] suits production.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How many emails one step claims at most.
    pub batch_size: i64,
    /// How long one SMTP send (connect, greet, deliver) may take before it counts as failed.
    pub send_timeout: Duration,
    /// How long the worker sleeps between steps when nobody wakes it.
    pub poll_interval: Duration,
    /// The delay after the first failed attempt; it doubles with every further failure.
    pub first_retry_delay: Duration,
    /// The longest delay between two attempts.
    pub max_retry_delay: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            batch_size: 10,
            send_timeout: Duration::from_secs(30),
            poll_interval: Duration::from_secs(2),
            first_retry_delay: Duration::from_secs(30),
            max_retry_delay: Duration::from_secs(60 * 60),
        }
    }
}

impl WorkerSettings {
    /// How long a claim lasts: long enough to try every email of a batch, each up to its timeout.
    pub fn lease_secs(&self) -> i64 {
        let batch = u64::try_from(self.batch_size.max(1)).unwrap_or(1);
        let secs = self.send_timeout.as_secs().saturating_mul(batch) + 60;
        i64::try_from(secs).unwrap_or(i64::MAX)
    }

    /// Seconds to wait after the `attempts`-th failed attempt: the first delay doubled per
    /// earlier failure, never more than the maximum.
    pub fn retry_delay_secs(&self, attempts: i32) -> i64 {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let delay = self
            .first_retry_delay
            .as_secs()
            .saturating_mul(1_u64 << doublings)
            .min(self.max_retry_delay.as_secs());
        i64::try_from(delay).unwrap_or(i64::MAX)
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Emails claimed for this step.
    pub claimed: usize,
    /// Emails the SMTP server accepted and that are now marked sent.
    pub sent: usize,
    /// Emails whose attempt failed; they will be tried again later.
    pub failed: usize,
    /// Emails whose outcome could not be recorded because another worker took them over.
    pub lost_lease: usize,
}

/// Delivers the outbox over SMTP; one per process, several processes may share a database.
pub struct Worker {
    store: Store,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    owner: String,
    settings: WorkerSettings,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Worker")
            .field("owner", &self.owner)
            .field("from", &self.from.to_string())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// Builds a worker that sends through `smtp_url` as `from`.
    ///
    /// `smtp_url` is `smtp://host:port` (plain, for a local relay), `smtp://host?tls=required`
    /// (STARTTLS) or `smtps://user:password@host` (TLS from the start, rustls). `from` is a
    /// mailbox such as `Entente <no-reply@entente.example>`. Each worker gets a unique
    /// owner name, so leases tell instances apart.
    pub fn new(
        store: Store,
        smtp_url: &str,
        from: &str,
        settings: WorkerSettings,
    ) -> anyhow::Result<Worker> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .with_context(|| {
                format!(
                    "SMTP_URL {} is not a valid SMTP address",
                    crate::store::redact_url(smtp_url)
                )
            })?
            .timeout(Some(settings.send_timeout))
            .build();
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("ENTENTE_MAIL_FROM {from:?} is not a valid mailbox"))?;
        Ok(Worker {
            store,
            transport,
            from,
            owner: format!("worker-{}", Uuid::new_v4().simple()),
            settings,
            wake: Arc::new(Notify::new()),
        })
    }

    /// Uses `wake` as the signal that new mail was committed (shared with the code that enqueues).
    pub fn with_wake_handle(mut self, wake: Arc<Notify>) -> Worker {
        self.wake = wake;
        self
    }

    /// The handle whose `notify_one` makes the worker look at the outbox at once.
    pub fn wake_handle(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// This worker's name in `email_outbox.lease_owner`.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// One step at time `now`: claims a batch, sends each email within the timeout, and
    /// marks it sent, or failed with the next attempt after the backoff delay.
    ///
    /// Fails only when the database fails; SMTP failures are recorded on their rows.
    #[tracing::instrument(skip_all, fields(owner = %self.owner, now = now))]
    pub async fn run_once(&self, now: i64) -> anyhow::Result<StepReport> {
        let claimed = outbox::claim_batch(
            &self.store,
            &self.owner,
            now,
            self.settings.lease_secs(),
            self.settings.batch_size,
        )
        .await
        .context("could not claim emails from the outbox")?;
        let mut report = StepReport {
            claimed: claimed.len(),
            ..StepReport::default()
        };
        for email in claimed {
            let recorded = match self.send(&email).await {
                Ok(()) => {
                    let recorded =
                        outbox::mark_sent(&self.store, email.id, &self.owner, now_or_later(now))
                            .await
                            .context("could not mark an email sent")?;
                    if recorded {
                        report.sent += 1;
                        tracing::info!(email_id = %email.id, kind = %email.kind, attempts = email.attempts, "email sent");
                    }
                    recorded
                }
                Err(error) => {
                    let delay = self.settings.retry_delay_secs(email.attempts);
                    let next_attempt_at = now.saturating_add(delay);
                    let reason = format!("{error:#}");
                    let recorded = outbox::mark_failed(
                        &self.store,
                        email.id,
                        &self.owner,
                        &reason,
                        next_attempt_at,
                    )
                    .await
                    .context("could not record a failed email")?;
                    if recorded {
                        report.failed += 1;
                        tracing::warn!(
                            email_id = %email.id,
                            kind = %email.kind,
                            attempts = email.attempts,
                            retry_in_secs = delay,
                            error = %reason,
                            "email not sent; will retry"
                        );
                    }
                    recorded
                }
            };
            if !recorded {
                report.lost_lease += 1;
                tracing::warn!(email_id = %email.id, "lease lost before the outcome was recorded");
            }
        }
        Ok(report)
    }

    /// Runs steps until `shutdown` completes: every poll interval, at once when woken,
    /// and straight again after a full batch. A step in progress finishes before it stops.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(owner = %self.owner, from = %self.from, "mail worker started");
        tokio::pin!(shutdown);
        loop {
            let full_batch = match self.run_once(now_unix_seconds()).await {
                Ok(report) => {
                    i64::try_from(report.claimed).unwrap_or(i64::MAX) >= self.settings.batch_size
                }
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "mail worker step failed");
                    false
                }
            };
            if full_batch {
                tokio::select! {
                    () = &mut shutdown => break,
                    () = std::future::ready(()) => continue,
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        tracing::info!(owner = %self.owner, "mail worker stopped");
    }

    /// Sends one email as a multipart (text and HTML) message, within the send timeout.
    #[tracing::instrument(skip_all, fields(email_id = %email.id, kind = %email.kind))]
    async fn send(&self, email: &ClaimedEmail) -> anyhow::Result<()> {
        let to: Mailbox = email.recipient.parse().with_context(|| {
            format!("the recipient {:?} is not a valid address", email.recipient)
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(format!("<{}@{}>", email.id, self.from.email.domain())))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.text_body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.html_body.clone()),
                    ),
            )
            .context("could not build the message")?;
        tokio::time::timeout(self.settings.send_timeout, self.transport.send(message))
            .await
            .map_err(|_| {
                anyhow::anyhow!(
                    "the SMTP server did not answer within {} s",
                    self.settings.send_timeout.as_secs()
                )
            })?
            .context("the SMTP server refused or failed the delivery")?;
        Ok(())
    }
}

/// The time to record for a send that started at `now`: the real clock if it is later.
///
/// Tests pass a `now` of their choosing; production passes the clock, which moved on
/// during the send. Either way the record is never earlier than the claim.
fn now_or_later(now: i64) -> i64 {
    now.max(now_unix_seconds())
}

#[cfg(test)]
mod tests {
    use super::WorkerSettings;

    #[test]
    fn retry_delays_double_from_thirty_seconds_up_to_an_hour() {
        let settings = WorkerSettings::default();
        let delays: Vec<i64> = (1..=9)
            .map(|attempts| settings.retry_delay_secs(attempts))
            .collect();
        assert_eq!(
            delays,
            vec![30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600]
        );
        assert_eq!(settings.retry_delay_secs(i32::MAX), 3_600);
        assert_eq!(settings.retry_delay_secs(0), 30);
    }

    #[test]
    fn a_lease_outlasts_a_whole_batch_of_timed_out_sends() {
        let settings = WorkerSettings::default();
        let worst_case =
            settings.send_timeout.as_secs() * u64::try_from(settings.batch_size).unwrap();
        assert!(settings.lease_secs() > i64::try_from(worst_case).unwrap());
    }
}
