//! The demo seed, run once on SQLite and once on PostgreSQL by `both_engines!`.

use entente_core::partnership::AuditKind;
use entente_core::{Email, Profile};
use entente_server::seed::{self, DEMO_PASSWORD, SeedOutcome};
use entente_server::store::audit::AuditEvent;
use entente_server::store::partner_requests::tab;
use entente_server::store::{Store, accounts, audit, outbox, users};

use crate::contacts::{NOW, new_account};
use crate::support::both_engines;

fn demo_url() -> url::Url {
    url::Url::parse("http://127.0.0.1:3000").unwrap()
}

both_engines! {
    async fn seed_demo_seeds_once(store: Store) {
        let SeedOutcome::Seeded(seeded) = seed::seed_demo(&store, &demo_url()).await.unwrap() else {
            panic!("an empty database is seeded");
        };
        assert_eq!(seeded.len(), 9);
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 3);

        assert_eq!(seed::seed_demo(&store, &demo_url()).await.unwrap(), SeedOutcome::AlreadySeeded);
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 3);

        let billing = users::find_user_by_email(&store, &Email::parse("billing@acme.example").unwrap())
            .await
            .unwrap()
            .expect("the Acme billing administrator exists");
        assert_eq!(billing.profile, Profile::BillingAdministrator);
        let hash = billing.password_hash.expect("demo users have a password");
        password_auth::verify_password(DEMO_PASSWORD, &hash).expect("the demo password works");
        assert!(password_auth::verify_password("wrong", &hash).is_err());

        // The demo starts with Acme Print's invitation awaiting Northwind Studio's answer,
        // sent like any other: the request, its email (linking to the Partners tab) and audit.
        let to_email = Email::parse(seed::DEMO_INVITATION.to_email).unwrap();
        let northwind = users::find_user_by_email(&store, &to_email).await.unwrap().unwrap();
        let awaiting = tab::count_awaiting_approval(&store, northwind.account_id).await.unwrap();
        assert_eq!(awaiting, 1);
        let emails = outbox::list_recent(&store, 10).await.unwrap();
        let invitation = emails
            .iter()
            .find(|email| email.recipient == seed::DEMO_INVITATION.to_email && email.subject.contains("Acme Print"))
            .expect("Acme Print's invitation");
        assert!(invitation.text_body.contains("http://127.0.0.1:3000/settings/partners"), "{}", invitation.text_body);
        let log = audit::list(&store, northwind.account_id, None, 10).await.unwrap();
        assert!(
            log.iter().any(|entry| matches!(entry.event, AuditEvent::Partner { kind: AuditKind::RequestSent, .. })),
            "{log:?}"
        );
        // And Northwind Studio and Harbor Press are partners already, so sharing has someone
        // to share with: each sees the other's people as members.
        let harbor = users::find_user_by_email(&store, &Email::parse("admin@harbor.example").unwrap()).await.unwrap().unwrap();
        let partners = entente_server::store::partner_requests::current_partners(&store, northwind.account_id).await.unwrap();
        assert_eq!(partners, [harbor.account_id]);
    }

    async fn the_demo_documents_are_stored_like_uploads_with_versions_and_preview_jobs(store: Store) {
        seed::seed_demo(&store, &demo_url()).await.unwrap();
        let folder = tempfile::tempdir().unwrap();
        let blobs = entente_server::blobs::BlobStore::open(&entente_server::blobs::BlobLocation::Local(folder.path().to_path_buf())).unwrap();
        let stored = seed::seed_demo_documents(&store, &blobs, &demo_url()).await.unwrap();
        assert_eq!(stored, 7, "six files, one of them in two versions");
        let count = |sql: &'static str| crate::support::engines::fetch_count(&store, sql);
        assert_eq!(count("SELECT COUNT(*) FROM items WHERE kind = 'folder'").await, 7, "three roots, four folders");
        assert_eq!(count("SELECT COUNT(*) FROM items WHERE kind = 'file'").await, 6);
        assert_eq!(count("SELECT CAST(MAX(version_count) AS BIGINT) FROM items").await, 2);
        assert_eq!(count("SELECT COUNT(*) FROM preview_jobs").await, 6, "PDFs and images, every version");
        assert_eq!(count("SELECT COUNT(*) FROM file_versions").await, 7);
        // Two shares between the demo partners, one each way, and the demo proof's partner
        // reviewer's own share (naming a member shares the proof with them as Reviewer).
        assert_eq!(count("SELECT COUNT(*) FROM shares").await, 3);
        assert_eq!(count("SELECT COUNT(*) FROM shares WHERE recipient_user_id IS NOT NULL AND role = 'reviewer'").await, 1);
        assert_eq!(count("SELECT COUNT(*) FROM proofs WHERE status = 'pending'").await, 1);
        assert_eq!(count("SELECT COUNT(*) FROM proof_reviews WHERE decision = 'changes_required'").await, 1);
        assert_eq!(count("SELECT COUNT(*) FROM shares WHERE recipient_user_id IS NULL AND role = 'reviewer'").await, 1);
        // Each blob is in the store, where downloads read it.
        let shas: Vec<String> = crate::support::engines::fetch_texts(&store, "SELECT sha256 FROM blobs").await;
        for sha in shas {
            assert!(blobs.exists(&sha).await.unwrap(), "{sha}");
        }
    }

    async fn demo_logins_lists_the_nine_demo_users(store: Store) {
        assert_eq!(seed::demo_logins(&store).await.unwrap(), vec![]);
        let SeedOutcome::Seeded(seeded) = seed::seed_demo(&store, &demo_url()).await.unwrap() else {
            panic!("an empty database is seeded");
        };

        let logins = seed::demo_logins(&store).await.unwrap();
        assert_eq!(logins, seeded);
        let emails: Vec<&str> = logins.iter().map(|login| login.email.as_str()).collect();
        assert_eq!(
            emails,
            [
                "admin@northwind.example",
                "billing@northwind.example",
                "standard@northwind.example",
                "admin@acme.example",
                "billing@acme.example",
                "standard@acme.example",
                "admin@harbor.example",
                "manager@harbor.example",
                "reviewer@harbor.example",
            ]
        );
        let first = logins[0].to_string();
        assert!(first.starts_with("Northwind Studio   Administrator "), "{first:?}");
        assert!(first.contains(" admin@northwind.example "), "{first:?}");
        assert!(first.contains(" entente-demo "), "{first:?}");
        // Aligned: the email column starts at the same place on every line.
        let email_columns: Vec<usize> = logins
            .iter()
            .map(|login| login.to_string().find(&login.email).unwrap())
            .collect();
        assert!(email_columns.iter().all(|&column| column == email_columns[0]), "{email_columns:?}");
    }

    async fn seed_demo_leaves_a_database_with_accounts_alone(store: Store) {
        let mut tx = store.begin_write().await.unwrap();
        accounts::create_account_with_admin(&mut tx, &new_account("customer"), NOW).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(seed::seed_demo(&store, &demo_url()).await.unwrap(), SeedOutcome::AlreadySeeded);
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 1);
        assert_eq!(seed::demo_logins(&store).await.unwrap(), vec![]);
    }
}
