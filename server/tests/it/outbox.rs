//! The email outbox on both engines: transactional enqueue, exclusive claims, leases and retries.

use std::collections::HashSet;

use entente_server::mail::templates;
use entente_server::store::Store;
use entente_server::store::outbox;
use uuid::Uuid;

use crate::support::both_engines;
use crate::support::engines::fetch_count;

/// A fixed clock for the outbox: unix seconds in late 2026.
const NOW: i64 = 1_795_000_000;

fn link() -> url::Url {
    url::Url::parse("https://entente.example/partners").unwrap()
}

/// Enqueues one partner invitation to `to` at `now` and commits it.
async fn enqueue_committed(store: &Store, to: &str, now: i64) -> Uuid {
    let email = templates::partner_invitation(to, "Acme", "Ann", "ann@acme.example", &link());
    let mut tx = store.begin_write().await.unwrap();
    let id = outbox::enqueue(&mut tx, &email, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

both_engines! {
    async fn an_email_enqueued_in_a_rolled_back_transaction_does_not_exist(store: Store) {
        let email = templates::password_reset("ann@acme.example", "Ann", &link());
        let mut tx = store.begin_write().await.unwrap();
        let id = outbox::enqueue(&mut tx, &email, NOW).await.unwrap();
        tx.rollback().await.unwrap();

        // Dropping a transaction rolls back too.
        let mut tx = store.begin_write().await.unwrap();
        outbox::enqueue(&mut tx, &email, NOW).await.unwrap();
        drop(tx);

        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM email_outbox").await, 0);
        assert_eq!(outbox::get(&store, id).await.unwrap(), None);
        assert!(outbox::list_recent(&store, 10).await.unwrap().is_empty());
        assert!(outbox::claim_batch(&store, "w", NOW + 10, 60, 10).await.unwrap().is_empty());
    }

    async fn a_committed_email_is_listed_newest_first_and_can_be_read_back(store: Store) {
        let first = enqueue_committed(&store, "first@globex.example", NOW).await;
        let email = templates::user_invitation("second@acme.example", "Sam", "Acme", &link());
        let mut tx = store.begin_write().await.unwrap();
        let second = outbox::enqueue(&mut tx, &email, NOW + 5).await.unwrap();
        tx.commit().await.unwrap();

        let listed = outbox::list_recent(&store, 10).await.unwrap();
        let ids: Vec<Uuid> = listed.iter().map(|record| record.id).collect();
        assert_eq!(ids, vec![second, first]);
        assert_eq!(outbox::list_recent(&store, 1).await.unwrap().len(), 1);

        let record = outbox::get(&store, second).await.unwrap().expect("the email exists");
        assert_eq!(record.recipient, "second@acme.example");
        assert_eq!(record.kind, email.kind);
        assert_eq!(record.subject, email.subject);
        assert_eq!(record.text_body, email.text_body);
        assert_eq!(record.html_body, email.html_body);
        assert_eq!(record.created_at, NOW + 5);
        assert_eq!(record.next_attempt_at, NOW + 5, "due at once");
        assert_eq!((record.attempts, record.sent_at, record.leased_until), (0, None, None));
        assert_eq!(outbox::get(&store, Uuid::new_v4()).await.unwrap(), None);
    }

    async fn concurrent_claimers_never_receive_the_same_email(store: Store) {
        const EMAILS: usize = 120;
        const CLAIMERS: usize = 4;
        for n in 0..EMAILS {
            enqueue_committed(&store, &format!("user{n}@globex.example"), NOW).await;
        }
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(CLAIMERS));
        let mut tasks = Vec::new();
        for claimer in 0..CLAIMERS {
            let store = store.clone();
            let start = std::sync::Arc::clone(&start);
            tasks.push(tokio::spawn(async move {
                let owner = format!("claimer-{claimer}");
                start.wait().await;
                let mut mine = Vec::new();
                for round in 0.. {
                    let batch = outbox::claim_batch(&store, &owner, NOW, 300, 7).await.unwrap();
                    if round == 0 {
                        // Every claimer makes its first claim before any makes a second,
                        // so none can drain the outbox alone; after that, a free race.
                        start.wait().await;
                    }
                    if batch.is_empty() {
                        break;
                    }
                    mine.extend(batch.into_iter().map(|email| email.id));
                }
                (owner, mine)
            }));
        }
        let mut seen = HashSet::new();
        let mut claimers_with_work = 0;
        for task in tasks {
            let (owner, mine) = task.await.unwrap();
            claimers_with_work += usize::from(!mine.is_empty());
            for id in mine {
                assert!(seen.insert(id), "{id} was claimed twice");
                let record = outbox::get(&store, id).await.unwrap().unwrap();
                assert_eq!(record.lease_owner.as_deref(), Some(owner.as_str()));
                assert_eq!(record.attempts, 1);
            }
        }
        assert_eq!(seen.len(), EMAILS, "every email was claimed exactly once");
        assert_eq!(claimers_with_work, CLAIMERS, "every claimer got a share");
    }

    async fn a_leased_email_is_not_claimed_again_until_its_lease_runs_out(store: Store) {
        let id = enqueue_committed(&store, "ann@globex.example", NOW).await;
        let claimed = outbox::claim_batch(&store, "a", NOW, 60, 10).await.unwrap();
        assert_eq!(claimed.iter().map(|email| email.id).collect::<Vec<_>>(), vec![id]);
        assert!(outbox::claim_batch(&store, "b", NOW + 59, 60, 10).await.unwrap().is_empty());
        let again = outbox::claim_batch(&store, "b", NOW + 60, 60, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 2, "the crashed attempt counts");
    }

    async fn a_failed_email_is_retried_after_its_backoff_and_attempts_count(store: Store) {
        let id = enqueue_committed(&store, "ann@globex.example", NOW).await;
        let first = outbox::claim_batch(&store, "w", NOW, 60, 10).await.unwrap();
        assert_eq!(first[0].attempts, 1);
        assert!(outbox::mark_failed(&store, id, "w", "connection refused", NOW + 30).await.unwrap());

        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!(record.attempts, 1);
        assert_eq!(record.next_attempt_at, NOW + 30);
        assert_eq!(record.last_error.as_deref(), Some("connection refused"));
        assert_eq!((record.sent_at, record.lease_owner, record.leased_until), (None, None, None));

        assert!(outbox::claim_batch(&store, "w", NOW + 29, 60, 10).await.unwrap().is_empty());
        let second = outbox::claim_batch(&store, "w", NOW + 30, 60, 10).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].attempts, 2);
        assert!(outbox::mark_sent(&store, id, "w", NOW + 31).await.unwrap());

        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!((record.sent_at, record.attempts, record.last_error), (Some(NOW + 31), 2, None));
        assert!(outbox::claim_batch(&store, "w", NOW + 100_000, 60, 10).await.unwrap().is_empty());
    }

    async fn a_worker_whose_lease_was_taken_over_cannot_mark_the_email(store: Store) {
        let id = enqueue_committed(&store, "ann@globex.example", NOW).await;
        assert_eq!(outbox::claim_batch(&store, "slow", NOW, 60, 10).await.unwrap().len(), 1);
        // The slow worker stalls past its lease; another one takes the email over.
        assert_eq!(outbox::claim_batch(&store, "fast", NOW + 61, 60, 10).await.unwrap().len(), 1);

        assert!(!outbox::mark_sent(&store, id, "slow", NOW + 62).await.unwrap());
        assert!(!outbox::mark_failed(&store, id, "slow", "timeout", NOW + 90).await.unwrap());
        assert!(outbox::mark_sent(&store, id, "fast", NOW + 63).await.unwrap());
        assert!(!outbox::mark_sent(&store, id, "fast", NOW + 64).await.unwrap(), "sent once only");
        assert!(!outbox::mark_sent(&store, id, "slow", NOW + 65).await.unwrap());
        assert!(!outbox::mark_failed(&store, id, "fast", "late", NOW + 90).await.unwrap());

        let record = outbox::get(&store, id).await.unwrap().unwrap();
        assert_eq!(record.sent_at, Some(NOW + 63));
        assert_eq!(record.attempts, 2);
        assert_eq!((record.lease_owner, record.last_error), (None, None));
    }
}
