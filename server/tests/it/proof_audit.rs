//! Proofs in the audit log (issue 15), on both engines: each kind of proof entry (sending and
//! new versions, reviewers named and removed, decisions, comments, locks) recorded through
//! `store::audit::record` reads back from `store::audit::list` as the same typed event, in the
//! owner's log and in the reviewer account's log for its own people's decisions, and the
//! Activity page phrases it. Migration 0020's CHECK constraints refuse a proof entry without
//! the parts its action keeps, or with parts of another kind of entry.

use entente_app::api::activity::{ActivityActor, ActivityEvent, ListActivity};
use entente_core::documents::ItemName;
use entente_core::proofs::Decision;
use entente_core::proofs::audit::ProofAuditKind;
use entente_core::{AccountId, ItemId, Timestamp, UserId, VersionId};
use entente_server::store::Store;
use entente_server::store::audit::{self, AuditEvent, NewEntry};
use entente_server::store::documents::{self, FileFacts, NewItem, NewVersion};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::contacts::{NOW, Org, add_user, org, partner};
use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};

fn name(text: &str) -> ItemName {
    ItemName::parse(text).expect("a valid name")
}

/// A file of `account_id` named `file_name` in its root folder, with one version, made by
/// `user`.
async fn file_of(store: &Store, account_id: AccountId, user: UserId, file_name: &str) -> ItemId {
    let mut tx = store.begin_write().await.unwrap();
    let root = documents::ensure_root(&mut tx, account_id, user, NOW)
        .await
        .unwrap();
    let id = ItemId::from_uuid(Uuid::new_v4());
    let facts = FileFacts {
        size: 3,
        content_type: "application/pdf".to_owned(),
        version_count: 1,
    };
    let file_name = name(file_name);
    let item = NewItem {
        id,
        account_id,
        parent_id: root,
        name: &file_name,
        created_by: user,
        file: Some(&facts),
    };
    documents::insert(&mut tx, &item, NOW).await.unwrap();
    let sha256 = "a".repeat(64);
    documents::insert_blob(&mut tx, &sha256, 3, NOW)
        .await
        .unwrap();
    let version = NewVersion {
        id: VersionId::from_uuid(Uuid::new_v4()),
        file_id: id,
        sha256: &sha256,
        size: 3,
        content_type: "application/pdf",
        uploaded_by: user,
    };
    assert_eq!(
        documents::insert_version(&mut tx, &version, NOW)
            .await
            .unwrap(),
        1
    );
    tx.commit().await.unwrap();
    id
}

/// Records `entries` (log, actor, event), one second apart from `NOW` in this order, in one
/// transaction.
async fn record_all(store: &Store, entries: &[(AccountId, UserId, AuditEvent)]) {
    let mut tx = store.begin_write().await.unwrap();
    for (n, (account_id, actor, event)) in entries.iter().enumerate() {
        let entry = NewEntry {
            account_id: *account_id,
            actor_user_id: Some(*actor),
            event: event.clone(),
            created_at: Timestamp(NOW.0 + i64::try_from(n).unwrap()),
        };
        audit::record(&mut tx, &entry).await.expect("recorded");
    }
    tx.commit().await.unwrap();
}

/// Every kind of proof entry in the order a review goes, each with whether the reviewer acted
/// (decisions and comments) rather than the owner's Administrator.
fn a_review() -> Vec<(bool, ProofAuditKind)> {
    let bea = || "Bea Lund (Globex Print Ltd)".to_owned();
    vec![
        (false, ProofAuditKind::Sent { version: 1 }),
        (false, ProofAuditKind::ReviewerAdded { who: bea() }),
        (true, ProofAuditKind::Commented { version: 1 }),
        (
            true,
            ProofAuditKind::Decided {
                version: 1,
                decision: Decision::ChangesRequired,
            },
        ),
        (false, ProofAuditKind::Sent { version: 2 }),
        (
            true,
            ProofAuditKind::Decided {
                version: 2,
                decision: Decision::ApprovedWithChanges,
            },
        ),
        (
            true,
            ProofAuditKind::Decided {
                version: 2,
                decision: Decision::Approved,
            },
        ),
        (
            true,
            ProofAuditKind::Decided {
                version: 2,
                decision: Decision::NotRelevant,
            },
        ),
        (false, ProofAuditKind::Locked),
        (false, ProofAuditKind::Unlocked),
        (false, ProofAuditKind::ReviewerRemoved { who: bea() }),
    ]
}

/// The entries of [`a_review`] of `item`: each in the owner's log, and decisions also in the
/// reviewer's account's log (as the server records them, in one transaction).
fn review_entries(
    item: ItemId,
    (owner, admin): (AccountId, UserId),
    (reviewers, reviewer): (AccountId, UserId),
) -> Vec<(AccountId, UserId, AuditEvent)> {
    let mut entries = Vec::new();
    for (by_reviewer, kind) in a_review() {
        let actor = if by_reviewer { reviewer } else { admin };
        entries.push((owner, actor, proof(item, kind.clone())));
        if matches!(kind, ProofAuditKind::Decided { .. }) {
            entries.push((reviewers, reviewer, proof(item, kind)));
        }
    }
    entries
}

/// `account_id`'s log, oldest first, as (event, who acted, their organization).
async fn log_of(store: &Store, account_id: AccountId) -> Vec<(AuditEvent, String, String)> {
    let mut listed = audit::list(store, account_id, None, 100)
        .await
        .expect("the entries read back");
    listed.reverse();
    listed
        .into_iter()
        .map(|entry| {
            assert_eq!(entry.account_id, account_id);
            assert_eq!(entry.partner_request, None);
            let actor = entry.actor.expect("who acted");
            (
                entry.event,
                actor.name.as_str().to_owned(),
                actor.organization.as_str().to_owned(),
            )
        })
        .collect()
}

fn proof(item: ItemId, kind: ProofAuditKind) -> AuditEvent {
    AuditEvent::Proof {
        item,
        name: name("Brochure.pdf"),
        kind,
    }
}

both_engines! {
    async fn each_proof_entry_reads_back_as_the_event_it_recorded(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let bea = add_user(&store, &globex, "Bea Lund", "bea@globex.example").await;
        let item = file_of(&store, acme.id, acme.admin, "Brochure.pdf").await;

        // The owner's log keeps the whole review; the reviewer's account keeps its own
        // people's decisions, recorded in the same transaction as the owner's entry.
        let entries = review_entries(item, (acme.id, acme.admin), (globex.id, bea));
        record_all(&store, &entries).await;
        for (of, organization) in [(&acme, "acme Ltd"), (&globex, "globex Ltd")] {
            let expected: Vec<(AuditEvent, String, String)> = entries
                .iter()
                .filter(|(account_id, _, _)| *account_id == of.id)
                .map(|(_, actor, event)| {
                    let (who, from) = if *actor == bea { ("Bea Lund", "globex Ltd") } else { ("acme Admin", "acme Ltd") };
                    (event.clone(), who.to_owned(), from.to_owned())
                })
                .collect();
            assert_eq!(log_of(&store, of.id).await, expected, "the log of {organization}");
        }
        let decisions = a_review().iter().filter(|(_, kind)| matches!(kind, ProofAuditKind::Decided { .. })).count();
        assert_eq!(log_of(&store, globex.id).await.len(), decisions, "the reviewer's account holds its person's decisions, nothing else");

        // The stored columns are the typed parts, never prose.
        let decided = fetch_count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proof_decided' AND version = 2 \
             AND decision = 'approved_with_changes' AND person IS NULL AND item_kind = 'file' \
             AND item_name = 'Brochure.pdf'",
        )
        .await;
        assert_eq!(decided, 2, "in the owner's and in the reviewer's log");
        let named = fetch_count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proof_reviewer_added' \
             AND person = 'Bea Lund (Globex Print Ltd)' AND version IS NULL AND decision IS NULL",
        )
        .await;
        assert_eq!(named, 1);

        // A later rename of the file leaves the entries as they were.
        execute_raw(&store, &format!("UPDATE items SET name = 'Renamed.pdf', name_key = 'renamed.pdf' WHERE id = '{item}'"))
            .await
            .expect("a rename");
        let listed = audit::list(&store, acme.id, None, 100).await.unwrap();
        assert!(listed.iter().all(|entry| matches!(&entry.event, AuditEvent::Proof { name, .. } if name.as_str() == "Brochure.pdf")));
    }

    async fn the_activity_page_reads_proof_entries_as_sentences(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let bea = add_user(&app.store, &Org::of(&globex), "Bea Lund", "bea@globex.example").await;
        let item = file_of(&app.store, acme.account_id, acme.admin_id, "Brochure.pdf").await;
        let entries = review_entries(item, (acme.account_id, acme.admin_id), (globex.account_id, bea));
        record_all(&app.store, &entries).await;

        // The server function hands the page typed events, newest first.
        let page = app.call(&acme.admin, ListActivity { after: None }).await.expect("the activity");
        let events: Vec<ActivityEvent> = page.entries.iter().rev().map(|entry| entry.what.clone()).collect();
        let expected: Vec<ActivityEvent> = a_review()
            .into_iter()
            .map(|(_, kind)| ActivityEvent::Proof { name: name("Brochure.pdf"), kind })
            .collect();
        assert_eq!(events, expected);
        let bea_lund = ActivityActor { name: "Bea Lund".to_owned(), organization: "Globex Print".to_owned() };
        let by_reviewer = a_review().iter().filter(|(by_reviewer, _)| *by_reviewer).count();
        assert_eq!(page.entries.iter().filter(|entry| entry.who.as_ref() == Some(&bea_lund)).count(), by_reviewer);

        let (status, html) = app.page(&acme.admin, "/settings/activity").await;
        assert_eq!(status, StatusCode::OK);
        for sentence in [
            "First Admin sent Brochure.pdf for review (version 1).",
            "First Admin named Bea Lund (Globex Print Ltd) as a reviewer of Brochure.pdf.",
            "Bea Lund commented on Brochure.pdf (version 1).",
            "Bea Lund decided Changes required on Brochure.pdf (version 1).",
            "First Admin sent Brochure.pdf for review (version 2).",
            "Bea Lund decided Approved with changes on Brochure.pdf (version 2).",
            "Bea Lund decided Approved on Brochure.pdf (version 2).",
            "Bea Lund decided Not relevant on Brochure.pdf (version 2).",
            "First Admin locked Brochure.pdf for review.",
            "First Admin unlocked Brochure.pdf for review.",
            "First Admin removed Bea Lund (Globex Print Ltd) as a reviewer of Brochure.pdf.",
        ] {
            assert!(html.contains(sentence), "{sentence} in {html}");
        }

        // The reviewer's account sees its own people's decisions, and nothing else of the review.
        let page = app.call(&globex.admin, ListActivity { after: None }).await.expect("the activity");
        let decisions: Vec<ActivityEvent> = page
            .entries
            .iter()
            .filter(|entry| matches!(entry.what, ActivityEvent::Proof { .. }))
            .map(|entry| {
                assert_eq!(entry.who.as_ref(), Some(&bea_lund));
                entry.what.clone()
            })
            .collect();
        let decided = a_review().iter().filter(|(_, kind)| matches!(kind, ProofAuditKind::Decided { .. })).count();
        assert_eq!(decisions.len(), decided, "{decisions:?}");
        assert!(decisions.iter().all(|event| matches!(event, ActivityEvent::Proof { kind: ProofAuditKind::Decided { .. }, .. })));
    }

    async fn the_database_refuses_proof_entries_without_their_parts(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let request = partner(&store, &acme, &globex, "admin@globex.example").await.id;
        let item = file_of(&store, acme.id, acme.admin, "Brochure.pdf").await;
        let (account, actor) = (acme.id, acme.admin);
        let mut n = 0;
        let mut insert = |action: &str, kind: &str, version: &str, decision: &str, person: &str, extra: (&str, &str)| {
            n += 1;
            let (extra_column, extra_value) = extra;
            format!(
                "INSERT INTO audit_log (id, account_id, actor_user_id, action, item_id, item_kind, item_name, \
                 version, decision, person, created_at{extra_column}) VALUES ('00000000-0000-0000-0000-000000000{n:03}', \
                 '{account}', '{actor}', '{action}', '{item}', '{kind}', 'Brochure.pdf', {version}, {decision}, {person}, \
                 {}{extra_value})",
                NOW.0
            )
        };
        let none = ("", "");
        // Exactly the parts of each action are stored.
        let accepted = [
            insert("proof_sent", "file", "1", "NULL", "NULL", none),
            insert("proof_reviewer_added", "file", "NULL", "NULL", "'Bea Lund (Globex Print)'", none),
            insert("proof_reviewer_removed", "file", "NULL", "NULL", "'Bea Lund (Globex Print)'", none),
            insert("proof_decided", "file", "2", "'changes_required'", "NULL", none),
            insert("proof_commented", "file", "2", "NULL", "NULL", none),
            insert("proof_locked", "file", "NULL", "NULL", "NULL", none),
            insert("proof_unlocked", "file", "NULL", "NULL", "NULL", none),
        ];
        for statement in &accepted {
            execute_raw(&store, statement).await.expect(statement);
        }
        assert_eq!(audit::list(&store, acme.id, None, 20).await.expect("they read back").len(), accepted.len());

        let request_value = format!(", '{request}'");
        let request_column = (", partner_request_id", request_value.as_str());
        let other_name = (", other_name", ", 'Proofs'");
        let share_with = (", share_with", ", 'Globex Print Ltd'");
        let refused = [
            // A decision keeps the decision, never Pending, and nothing of the others' parts.
            (insert("proof_decided", "file", "1", "NULL", "NULL", none), "audit_log_proof_check"),
            (insert("proof_decided", "file", "1", "'pending'", "NULL", none), "audit_log_proof_check"),
            (insert("proof_decided", "file", "1", "'maybe'", "NULL", none), "audit_log_proof_check"),
            (insert("proof_commented", "file", "1", "'approved'", "NULL", none), "audit_log_proof_check"),
            (insert("proof_decided", "file", "NULL", "'approved'", "NULL", none), "audit_log_document_version_check"),
            // Sending and comments keep a version from 1; reviewer changes and locks none.
            (insert("proof_sent", "file", "NULL", "NULL", "NULL", none), "audit_log_document_version_check"),
            (insert("proof_sent", "file", "0", "NULL", "NULL", none), "audit_log_document_version_check"),
            (insert("proof_commented", "file", "NULL", "NULL", "NULL", none), "audit_log_document_version_check"),
            (insert("proof_locked", "file", "1", "NULL", "NULL", none), "audit_log_document_version_check"),
            // Reviewer changes keep who; nothing else does.
            (insert("proof_reviewer_added", "file", "NULL", "NULL", "NULL", none), "audit_log_proof_check"),
            (insert("proof_reviewer_removed", "file", "NULL", "NULL", "NULL", none), "audit_log_proof_check"),
            (insert("proof_unlocked", "file", "NULL", "NULL", "'Bea Lund'", none), "audit_log_proof_check"),
            // A proof is a file's, and is no partner, rename or sharing entry.
            (insert("proof_locked", "folder", "NULL", "NULL", "NULL", none), "audit_log_proof_check"),
            (insert("proof_sent", "file", "1", "NULL", "NULL", request_column), "audit_log_document_entry_check"),
            (insert("proof_sent", "file", "1", "NULL", "NULL", other_name), "audit_log_document_other_name_check"),
            (insert("proof_locked", "file", "NULL", "NULL", "NULL", share_with), "audit_log_document_share_check"),
            (insert("proof_sent", "file", "1", "NULL", "NULL", none).replace("'Brochure.pdf'", "NULL"), "audit_log_document_entry_check"),
            (insert("proof_approved", "file", "NULL", "NULL", "NULL", none), "audit_log_proof_action_check"),
            // Other entries keep no decision or person.
            (insert("document_trashed", "file", "NULL", "'approved'", "NULL", none), "audit_log_proof_check"),
            (insert("document_trashed", "file", "NULL", "NULL", "'Bea Lund'", none), "audit_log_proof_check"),
            // A new version of a document still keeps its number (2 and up).
            (insert("document_version_uploaded", "file", "NULL", "NULL", "NULL", none), "audit_log_document_version_check"),
        ];
        for (statement, constraint) in &refused {
            let error = execute_raw(&store, statement).await.expect_err(statement).to_string();
            assert!(error.contains(constraint), "{constraint} refuses {statement}: {error}");
        }
        let stored = fetch_count(&store, "SELECT COUNT(*) FROM audit_log").await;
        assert_eq!(stored, i64::try_from(accepted.len()).unwrap());
    }
}
