//! The deadline reminders (SPEC 3.2: "a reminder a day before the deadline to reviewers still
//! pending"): every instance looks every five minutes for pending reviewers of unlocked proofs
//! due within a day (core's `reminder_due` decides each), and claims each reminder by
//! `proof_reminders`' primary key in the transaction that enqueues its email, so a reminder is
//! sent once whichever instance finds it, across restarts, and again only for a new deadline.

use std::sync::Arc;
use std::time::Duration;

use entente_app::components::format::format_unix_utc;
use entente_core::Timestamp;
use entente_core::proofs::{REMINDER_BEFORE_SECS, reminder_due};
use tokio::sync::Notify;

use crate::mail::links::Links;
use crate::mail::templates;
use crate::store::{Store, StoreError, now, outbox, proofs};

/// How often an instance looks for reminders due.
const CHECK_PERIOD: Duration = Duration::from_secs(300);

/// How many reminders one pass sends at most (the next pass sends the rest).
const PASS_LIMIT: i64 = 500;

/// Sends the reminders due, every [`CHECK_PERIOD`], for as long as the server runs.
pub async fn run_periodically(store: Store, links: Links, mail_wake: Arc<Notify>) {
    let mut interval = tokio::time::interval(CHECK_PERIOD);
    loop {
        interval.tick().await;
        match send_due(&store, &links, now()).await {
            Ok(0) => {}
            Ok(sent) => {
                tracing::info!(sent, "sent deadline reminders");
                mail_wake.notify_one();
            }
            Err(error) => {
                tracing::warn!(%error, "the deadline reminders failed; they run again later")
            }
        }
    }
}

/// Sends the reminders due at `at` that no instance sent yet; returns how many.
pub async fn send_due(store: &Store, links: &Links, at: Timestamp) -> Result<usize, StoreError> {
    let window_end = Timestamp(at.0 + REMINDER_BEFORE_SECS + 1);
    let due = proofs::due_reminders(store, at, window_end, PASS_LIMIT).await?;
    // None for a proof in a trashed folder (the query sees the file's own deletion only).
    let ids: Vec<_> = due.iter().map(|reminder| reminder.proof).collect();
    let live = super::live_of(store, &ids).await?;
    let mut sent = 0;
    for reminder in due {
        if !live.contains(&reminder.proof) || !reminder_due(reminder.deadline, at, false) {
            continue;
        }
        let mut tx = store.begin_write().await?;
        if !proofs::claim_reminder(
            &mut tx,
            reminder.proof,
            reminder.user,
            reminder.deadline,
            at,
        )
        .await?
        {
            continue;
        }
        let email = templates::proof_reminder(
            reminder.email.as_str(),
            &reminder.owner_name,
            &reminder.name,
            &format_unix_utc(reminder.deadline.0),
            &links.proof(reminder.proof),
        );
        outbox::enqueue(&mut tx, &email, at.0).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
