//! Migrations that change what is stored keep what was there, on both engines: migration 0009
//! turned the audit log's free text into typed columns, and every entry written before it
//! reads back as the same typed event.

use entente_core::partnership::{AuditKind, RequestStatus, Side};
use entente_core::{AccountId, PartnerRequestId, UserId};
use entente_server::store::audit::{self, AuditEvent};
use entente_server::store::{Pool, Store, accounts, users};
use sqlx::migrate::Migrator;

use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};

/// Applies the engine's migrations up to and including `version`, as a database of that
/// release would hold them.
pub(crate) async fn migrate_until(store: &Store, version: i64) {
    let folder = match store.pool() {
        Pool::Sqlite(_) => "migrations/sqlite",
        Pool::Postgres(_) => "migrations/postgres",
    };
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut migrator = Migrator::new(folder).await.expect("the migrations folder");
    let earlier: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|migration| migration.version <= version)
        .cloned()
        .collect();
    migrator.migrations = earlier.into();
    match store.pool() {
        Pool::Sqlite(pool) => migrator.run(pool).await,
        Pool::Postgres(pool) => migrator.run(pool).await,
    }
    .expect("the earlier migrations apply");
}

const ACME: &str = "00000000-0000-0000-0000-00000000000a";
const GLOBEX: &str = "00000000-0000-0000-0000-00000000000b";
const ADA: &str = "00000000-0000-0000-0000-0000000000a1";
const GIL: &str = "00000000-0000-0000-0000-0000000000b1";
const REQUEST: &str = "00000000-0000-0000-0000-0000000000f1";

both_engines! {
    unmigrated:

    async fn every_audit_entry_written_as_text_reads_back_as_its_typed_event(store: Store) {
        migrate_until(&store, 8).await;
        for statement in [
            format!("INSERT INTO accounts (id, name, created_at) VALUES ('{ACME}', 'Acme', 1), ('{GLOBEX}', 'Globex', 1)"),
            format!("INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) VALUES \
                     ('{ADA}', '{ACME}', 'ada@acme.example', 'Ada', 'administrator', TRUE, 1, 1), \
                     ('{GIL}', '{GLOBEX}', 'gil@globex.example', 'Gil', 'administrator', TRUE, 1, 1)"),
            format!("INSERT INTO partner_requests (id, sender_account_id, sending_user_id, recipient_email, \
                     recipient_account_id, status, deleted_by_sender, deleted_by_recipient, archived, created_at, updated_at) \
                     VALUES ('{REQUEST}', '{ACME}', '{ADA}', 'gil@globex.example', '{GLOBEX}', 'rejected', FALSE, TRUE, FALSE, 10, 60)"),
        ] {
            execute_raw(&store, &statement).await.expect(&statement);
        }
        // What the partners service wrote before 0009: the request id as subject, and prose.
        let old_entries = [
            (10, ADA, "partner_request_sent", String::new()),
            (20, GIL, "partner_request_accepted", String::new()),
            (30, ADA, "partner_request_deleted", "by sender; was accepted".to_owned()),
            (40, GIL, "partner_request_rejected", String::new()),
            (50, ADA, "partner_request_deleted", "by sender; was pending".to_owned()),
            (60, GIL, "partner_request_deleted", "by recipient; was rejected".to_owned()),
        ];
        for (n, (at, actor, action, detail)) in old_entries.iter().enumerate() {
            let detail = format!("from {ACME} to {GLOBEX} (gil@globex.example){}{detail}", if detail.is_empty() { "" } else { "; " });
            let statement = format!(
                "INSERT INTO audit_log (id, account_id, actor_user_id, action, subject, detail, created_at) \
                 VALUES ('00000000-0000-0000-0000-0000000001{n:02}', '{ACME}', '{actor}', '{action}', '{REQUEST}', '{detail}', {at})"
            );
            execute_raw(&store, &statement).await.expect(&statement);
        }

        store.migrate().await.expect("migration 0009 applies to a database with entries");

        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM audit_log").await, 6, "no entry dropped");
        let acme = AccountId::from_uuid(ACME.parse().unwrap());
        let request = PartnerRequestId::from_uuid(REQUEST.parse().unwrap());
        let mut entries = audit::list(&store, acme, None, 10).await.expect("typed entries");
        entries.reverse();
        let kinds: Vec<AuditKind> = entries
            .iter()
            .map(|entry| match entry.event {
                AuditEvent::Partner { request: of, kind } => {
                    assert_eq!(of, request);
                    kind
                }
                AuditEvent::Document { .. } | AuditEvent::Proof { .. } => panic!("a partner entry: {entry:?}"),
            })
            .collect();
        let deleted = |by, status_before| AuditKind::RequestDeleted { by, status_before };
        assert_eq!(
            kinds,
            [
                AuditKind::RequestSent,
                AuditKind::RequestAccepted,
                deleted(Side::Sender, RequestStatus::Accepted),
                AuditKind::RequestRejected,
                deleted(Side::Sender, RequestStatus::Pending),
                deleted(Side::Recipient, RequestStatus::Rejected),
            ]
        );
        let names = entries[0].partner_request.as_ref().expect("the request's names");
        assert_eq!((names.sender_name.as_str(), names.recipient_name.as_str()), ("Acme", "Globex"));
        assert_eq!(entries[1].actor.as_ref().expect("an actor").name.as_str(), "Gil");
        // Existing organizations can be searched by name in the Partners tab.
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM accounts WHERE name_search = 'acme'").await, 1);
    }

    async fn names_written_with_invisible_characters_read_back_without_them(store: Store) {
        migrate_until(&store, 10).await;
        for statement in [
            format!("INSERT INTO accounts (id, name, name_search, created_at) VALUES ('{ACME}', 'Acme\u{200B} Print\u{202E}', 'acme\u{200B} print\u{202E}', 1)"),
            format!("INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) VALUES \
                     ('{ADA}', '{ACME}', 'ada@acme.example', '\u{FEFF}Ada\u{200D} Lovelace', 'administrator', TRUE, 1, 1)"),
        ] {
            execute_raw(&store, &statement).await.expect(&statement);
        }
        store.migrate().await.expect("migration 0011 applies");
        let acme = AccountId::from_uuid(ACME.parse().unwrap());
        let account = accounts::get_account(&store, acme).await.expect("the name reads back").unwrap();
        assert_eq!(account.name.as_str(), "Acme Print");
        let ada = users::get_user(&store, UserId::from_uuid(ADA.parse().unwrap())).await.expect("the name reads back").unwrap();
        assert_eq!(ada.name.as_str(), "Ada Lovelace");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM accounts WHERE name_search = 'acme print'").await, 1);
    }

    async fn organizations_from_before_confirmation_keep_partnering_under_their_admins_domain(store: Store) {
        migrate_until(&store, 11).await;
        for statement in [
            format!("INSERT INTO accounts (id, name, name_search, created_at) VALUES ('{ACME}', 'Acme', 'acme', 5)"),
            format!("INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) VALUES \
                     ('{ADA}', '{ACME}', 'ada@acme.example', 'Ada', 'administrator', TRUE, 5, 5)"),
        ] {
            execute_raw(&store, &statement).await.expect(&statement);
        }
        store.migrate().await.expect("migration 0012 applies");
        let acme = accounts::get_account(&store, AccountId::from_uuid(ACME.parse().unwrap())).await.unwrap().unwrap();
        assert!(acme.is_verified());
        assert_eq!(acme.verified_domain.as_deref(), Some("acme.example"));
    }
}
