//! Changes to documents in the owner account's audit log, on both engines (SPEC 3.3, issue 13):
//! each upload, new version, folder creation, rename, move, deletion and restore made through
//! the real server functions and upload route is exactly one typed entry, read on the Activity
//! page as a sentence that keeps the names of the time; a refused change is none, and another
//! account's activity never shows them. Migration 0016 keeps the entries written before it, and
//! its CHECK constraints refuse a document entry without the parts its action keeps.

use entente_app::api::activity::{ActivityActor, ActivityEntry, ActivityEvent, ListActivity};
use entente_app::api::documents::{
    CreateFolder, DeleteItem, FolderPage, MoveItem, OpenFolder, RenameItem, RestoreItem,
};
use entente_core::Profile;
use entente_core::documents::ItemName;
use entente_core::documents::audit::DocumentAuditKind;
use entente_server::config::BlobUrl;
use entente_server::store::Store;
use entente_server::store::audit::{self, AuditEvent};
use reqwest::StatusCode;

use crate::migrations::migrate_until;
use crate::support::app::{TestApp, spawn_app_with, uploaded};
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};

/// A server whose blobs live in a temporary folder (kept alive by the caller), with `limit` as
/// the largest upload.
async fn documents_app(store: Store, limit: u64) -> (TestApp, tempfile::TempDir) {
    let blobs = tempfile::tempdir().expect("a folder for blobs");
    let folder = blobs.path().to_path_buf();
    let app = spawn_app_with(store, move |args| {
        args.blobs.blob_url = Some(BlobUrl::Folder(folder));
        args.blobs.max_upload_bytes = limit;
    })
    .await;
    (app, blobs)
}

async fn open_folder(
    app: &TestApp,
    client: &reqwest::Client,
    folder: Option<String>,
) -> FolderPage {
    let open = OpenFolder {
        folder,
        sort: None,
        order: None,
        after: None,
    };
    app.call(client, open).await.expect("the folder")
}

/// The id of the item named `name` in `folder` (the root when `None`).
async fn id_in(
    app: &TestApp,
    client: &reqwest::Client,
    folder: Option<&str>,
    name: &str,
) -> String {
    let page = open_folder(app, client, folder.map(str::to_owned)).await;
    page.items
        .iter()
        .find(|item| item.name.as_str() == name)
        .unwrap_or_else(|| panic!("no {name} in {page:?}"))
        .id
        .to_string()
}

/// The first page of `client`'s Activity page.
async fn activity(app: &TestApp, client: &reqwest::Client) -> Vec<ActivityEntry> {
    app.call(client, ListActivity { after: None })
        .await
        .expect("the activity")
        .entries
}

/// The entries of `after` that `before` did not have (entries of one second are in no
/// particular order, so this is a difference, not a prefix).
fn added(before: &[ActivityEntry], after: Vec<ActivityEntry>) -> Vec<ActivityEntry> {
    let mut unmatched: Vec<&ActivityEntry> = before.iter().collect();
    after
        .into_iter()
        .filter(
            |entry| match unmatched.iter().position(|old| *old == entry) {
                Some(found) => {
                    unmatched.remove(found);
                    false
                }
                None => true,
            },
        )
        .collect()
}

fn name(text: &str) -> ItemName {
    ItemName::parse(text).unwrap()
}

/// A document entry about `item` (named so after the change).
fn document(item: &str, kind: DocumentAuditKind) -> ActivityEvent {
    ActivityEvent::Document {
        name: name(item),
        kind,
    }
}

/// Every row of the audit log, of any account.
async fn audit_rows(app: &TestApp) -> i64 {
    fetch_count(&app.store, "SELECT COUNT(*) FROM audit_log").await
}

const ACME: &str = "00000000-0000-0000-0000-00000000000a";
const GLOBEX: &str = "00000000-0000-0000-0000-00000000000b";
const ADA: &str = "00000000-0000-0000-0000-0000000000a1";
const REQUEST: &str = "00000000-0000-0000-0000-0000000000f1";
const ITEM: &str = "00000000-0000-0000-0000-0000000000c1";

both_engines! {
    async fn each_change_to_documents_is_one_entry_whose_sentence_keeps_the_names_of_its_time(store: Store) {
        let (app, _blobs) = documents_app(store, 1 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let admin = &acme.admin;
        let root = open_folder(&app, admin, None).await.folder.id.to_string();
        let first_admin = ActivityActor { name: "First Admin".to_owned(), organization: "Acme Studio".to_owned() };

        // Each change, and the one entry it adds, by whom.
        let mut log = activity(&app, admin).await;
        assert!(log.is_empty(), "{log:?}");
        macro_rules! one_entry {
            ($change:expr, $expected:expr) => {{
                $change;
                let now = activity(&app, admin).await;
                let new = added(&log, now.clone());
                assert_eq!(new.len(), 1, "one entry for {}: {new:?}", stringify!($change));
                assert_eq!(new[0].what, $expected);
                assert_eq!(new[0].who.as_ref(), Some(&first_admin));
                log = now;
            }};
        }

        let create = |parent: &str, name: &str| CreateFolder { parent: parent.to_owned(), name: name.to_owned() };
        one_entry!(
            app.call(admin, create(&root, "Proofs")).await.expect("create"),
            document("Proofs", DocumentAuditKind::FolderCreated { parent: name("Documents") })
        );
        let proofs = id_in(&app, admin, None, "Proofs").await;
        one_entry!(
            app.call(admin, create(&root, "Archive")).await.expect("create"),
            document("Archive", DocumentAuditKind::FolderCreated { parent: name("Documents") })
        );
        let archive = id_in(&app, admin, None, "Archive").await;
        let brochure: String;
        one_entry!(
            brochure = uploaded(app.upload(admin, "folder", &proofs, &[("Brochure.pdf", b"%PDF-1.7\n")]).await).await[0].id.to_string(),
            document("Brochure.pdf", DocumentAuditKind::Uploaded { folder: name("Proofs") })
        );
        one_entry!(
            uploaded(app.upload(admin, "replace", &brochure, &[("whatever.pdf", b"%PDF-1.7\nv2")]).await).await,
            document("Brochure.pdf", DocumentAuditKind::VersionUploaded { number: 2 })
        );
        one_entry!(
            app.call(admin, RenameItem { item: brochure.clone(), name: "Brochure final.pdf".to_owned() }).await.expect("rename"),
            document("Brochure final.pdf", DocumentAuditKind::Renamed { from: name("Brochure.pdf") })
        );
        one_entry!(
            app.call(admin, MoveItem { item: brochure.clone(), target: archive.clone(), open: None }).await.expect("move"),
            document("Brochure final.pdf", DocumentAuditKind::Moved { to: name("Archive") })
        );
        one_entry!(
            app.call(admin, DeleteItem { item: proofs.clone() }).await.expect("delete"),
            document("Proofs", DocumentAuditKind::Trashed)
        );
        one_entry!(
            app.call(admin, RestoreItem { item: proofs.clone() }).await.expect("restore"),
            document("Proofs", DocumentAuditKind::Restored { was: None })
        );
        // Restored under a free variant when the name was taken meanwhile: both names kept.
        one_entry!(
            app.call(admin, DeleteItem { item: proofs.clone() }).await.expect("delete"),
            document("Proofs", DocumentAuditKind::Trashed)
        );
        one_entry!(
            app.call(admin, create(&root, "Proofs")).await.expect("create"),
            document("Proofs", DocumentAuditKind::FolderCreated { parent: name("Documents") })
        );
        one_entry!(
            app.call(admin, RestoreItem { item: proofs.clone() }).await.expect("restore"),
            document("Proofs (2)", DocumentAuditKind::Restored { was: Some(name("Proofs")) })
        );

        // Several files in one upload: one entry each.
        uploaded(app.upload(admin, "folder", &root, &[("a.txt", b"a"), ("b.txt", b"b")]).await).await;
        let mut new: Vec<ActivityEvent> = added(&log, activity(&app, admin).await).into_iter().map(|entry| entry.what).collect();
        new.sort_by_key(|event| format!("{event:?}"));
        let into_root = || DocumentAuditKind::Uploaded { folder: name("Documents") };
        assert_eq!(new, [document("a.txt", into_root()), document("b.txt", into_root())]);

        // Another user of the account is named as who acted.
        let standard = app.invited_and_signed_in(admin, "sam@acme.example", Profile::Standard).await;
        app.call(&standard, create(&archive, "Extras")).await.expect("create");
        let extras = activity(&app, admin).await.into_iter().find(|entry| entry.what == document("Extras", DocumentAuditKind::FolderCreated { parent: name("Archive") })).expect("Extras folder");
        assert_eq!(extras.who.map(|who| who.name).as_deref(), Some("Sam Invited"));

        // Later renames and the purge of an item leave what the entries say as it was.
        app.call(admin, RenameItem { item: archive.clone(), name: "Old work".to_owned() }).await.expect("rename");
        let extras_folder = id_in(&app, admin, Some(&archive), "Extras").await;
        app.call(admin, DeleteItem { item: extras_folder.clone() }).await.expect("delete");
        execute_raw(&app.store, &format!("DELETE FROM items WHERE id = '{extras_folder}'")).await.expect("a purge");
        let (status, html) = app.page(admin, "/settings/activity").await;
        assert_eq!(status, StatusCode::OK);
        for sentence in [
            "First Admin created the folder Proofs in Documents.",
            "First Admin uploaded Brochure.pdf to Proofs.",
            "First Admin uploaded version 2 of Brochure.pdf.",
            "First Admin renamed Brochure.pdf → Brochure final.pdf.",
            "First Admin moved Brochure final.pdf to Archive.",
            "First Admin moved Proofs to the trash.",
            "First Admin restored Proofs.",
            "First Admin restored Proofs as Proofs (2).",
            "First Admin uploaded a.txt to Documents.",
            "Sam Invited created the folder Extras in Archive.",
            "First Admin renamed Archive → Old work.",
            "First Admin moved Extras to the trash.",
        ] {
            assert!(html.contains(sentence), "{sentence} in {html}");
        }
    }

    async fn refused_changes_and_changes_to_nothing_make_no_entry(store: Store) {
        let (app, _blobs) = documents_app(store, 100_000).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let admin = &acme.admin;
        let root = open_folder(&app, admin, None).await.folder.id.to_string();
        let create = |parent: &str, name: &str| CreateFolder { parent: parent.to_owned(), name: name.to_owned() };
        app.call(admin, create(&root, "Proofs")).await.expect("create");
        app.call(admin, create(&root, "Archive")).await.expect("create");
        let proofs = id_in(&app, admin, None, "Proofs").await;
        let archive = id_in(&app, admin, None, "Archive").await;
        app.call(admin, create(&proofs, "Spring")).await.expect("create");
        let spring = id_in(&app, admin, Some(&proofs), "Spring").await;
        let file = uploaded(app.upload(admin, "folder", &root, &[("Brochure.pdf", b"%PDF-1.7\n")]).await).await[0].id.to_string();
        let rows = audit_rows(&app).await;

        let refusals = [
            app.call(admin, create(&root, "proofs")).await.unwrap_err().status,
            app.call(admin, create(&root, "../etc")).await.unwrap_err().status,
            app.call(admin, RenameItem { item: archive.clone(), name: "PROOFS".to_owned() }).await.unwrap_err().status,
            app.call(admin, RenameItem { item: root.clone(), name: "Mine".to_owned() }).await.unwrap_err().status,
            app.call(admin, MoveItem { item: proofs.clone(), target: spring.clone(), open: None }).await.unwrap_err().status,
            app.call(admin, MoveItem { item: file.clone(), target: file.clone(), open: None }).await.unwrap_err().status,
            app.call(admin, DeleteItem { item: root.clone() }).await.unwrap_err().status,
            app.call(admin, RestoreItem { item: archive.clone() }).await.unwrap_err().status,
            app.upload(admin, "folder", &root, &[("big.bin", &[7; 150_000])]).await.status(),
            app.upload(admin, "replace", &proofs, &[("x.pdf", b"x")]).await.status(),
            app.upload(admin, "folder", &uuid::Uuid::new_v4().to_string(), &[("x.pdf", b"x")]).await.status(),
        ];
        assert!(refusals.iter().all(|status| status.is_client_error()), "{refusals:?}");
        // A Reviewer has no Documents of its own to change.
        let reviewer = app.invited_and_signed_in(admin, "rita@acme.example", Profile::Reviewer).await;
        assert_eq!(audit_rows(&app).await, rows, "adding a user is no document entry");
        assert_eq!(app.call(&reviewer, create(&root, "Rita's")).await.unwrap_err().status, StatusCode::NOT_FOUND);
        assert_eq!(app.upload(&reviewer, "replace", &file, &[("x.pdf", b"x")]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(audit_rows(&app).await, rows, "a refused change is no entry");

        // Renaming to the same name and moving into the folder it is in change nothing.
        app.call(admin, RenameItem { item: proofs.clone(), name: "Proofs".to_owned() }).await.expect("the same name");
        app.call(admin, MoveItem { item: spring.clone(), target: proofs.clone(), open: None }).await.expect("the same folder");
        assert_eq!(audit_rows(&app).await, rows, "no change, no entry");
    }

    async fn another_accounts_activity_never_shows_document_entries(store: Store) {
        let (app, _blobs) = documents_app(store, 1 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let root = open_folder(&app, &acme.admin, None).await.folder.id.to_string();
        app.call(&acme.admin, CreateFolder { parent: root.clone(), name: "Proofs".to_owned() }).await.expect("create");
        let proofs = id_in(&app, &acme.admin, None, "Proofs").await;
        let file = uploaded(app.upload(&acme.admin, "folder", &proofs, &[("secret.txt", b"acme only")]).await).await[0].id.to_string();
        app.call(&acme.admin, DeleteItem { item: proofs.clone() }).await.expect("delete");
        assert_eq!(activity(&app, &acme.admin).await.len(), 3);

        // Globex's attempts on Acme's items are refused like missing ones and recorded nowhere.
        let rows = audit_rows(&app).await;
        assert_eq!(app.upload(&globex.admin, "folder", &root, &[("x.txt", b"x")]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.upload(&globex.admin, "replace", &file, &[("x.txt", b"x")]).await.status(), StatusCode::NOT_FOUND);
        for refused in [
            app.call(&globex.admin, CreateFolder { parent: root.clone(), name: "Mine".to_owned() }).await.unwrap_err(),
            app.call(&globex.admin, RenameItem { item: file.clone(), name: "mine".to_owned() }).await.unwrap_err(),
            app.call(&globex.admin, RestoreItem { item: proofs.clone() }).await.unwrap_err(),
        ] {
            assert_eq!(refused.status, StatusCode::NOT_FOUND);
        }
        assert_eq!(audit_rows(&app).await, rows);

        assert!(activity(&app, &globex.admin).await.is_empty(), "Globex's log has none of Acme's entries");
        let (status, html) = app.page(&globex.admin, "/settings/activity").await;
        assert_eq!(status, StatusCode::OK);
        // (The folder is named Proofs, like the navigation's link: its entry's words are looked for.)
        assert!(!html.contains("secret.txt") && !html.contains("created Proofs"), "{html}");
        // Globex's own changes are in its own log only.
        let globex_root = open_folder(&app, &globex.admin, None).await.folder.id.to_string();
        app.call(&globex.admin, CreateFolder { parent: globex_root, name: "Print runs".to_owned() }).await.expect("create");
        assert_eq!(activity(&app, &globex.admin).await.len(), 1);
        assert_eq!(activity(&app, &acme.admin).await.len(), 3);
    }
}

/// Migration 0016 itself, from a database of the release before it.
mod migration_0016 {
    use super::*;

    both_engines! {
        unmigrated:

        async fn migration_0016_keeps_earlier_entries_and_refuses_document_entries_missing_their_parts(store: Store) {
            migrate_until(&store, 15).await;
            for statement in [
                format!("INSERT INTO accounts (id, name, name_search, created_at) VALUES ('{ACME}', 'Acme', 'acme', 1), ('{GLOBEX}', 'Globex', 'globex', 1)"),
                format!("INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) VALUES \
                         ('{ADA}', '{ACME}', 'ada@acme.example', 'Ada', 'administrator', TRUE, 1, 1)"),
                format!("INSERT INTO partner_requests (id, sender_account_id, sending_user_id, recipient_email, \
                         recipient_account_id, status, deleted_by_sender, deleted_by_recipient, archived, created_at, updated_at) \
                         VALUES ('{REQUEST}', '{ACME}', '{ADA}', 'gil@globex.example', '{GLOBEX}', 'rejected', FALSE, TRUE, FALSE, 10, 20)"),
                format!("INSERT INTO audit_log (id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at) VALUES \
                         ('00000000-0000-0000-0000-000000000101', '{ACME}', '{ADA}', 'partner_request_sent', '{REQUEST}', NULL, NULL, 10), \
                         ('00000000-0000-0000-0000-000000000102', '{ACME}', '{ADA}', 'partner_request_deleted', '{REQUEST}', 'recipient', 'rejected', 20)"),
            ] {
                execute_raw(&store, &statement).await.expect(&statement);
            }
            store.migrate().await.expect("migration 0016 applies to a database with entries");

            let acme = entente_core::AccountId::from_uuid(ACME.parse().unwrap());
            let entries = audit::list(&store, acme, None, 10).await.expect("the entries read back");
            assert_eq!(entries.len(), 2);
            assert!(entries.iter().all(|entry| matches!(entry.event, AuditEvent::Partner { .. })), "{entries:?}");

            // Each document action with exactly its parts is stored; without them, or with another
            // action's, the named constraint refuses it (the same name on both engines).
            let insert = |n: u32, action: &str, kind: &str, other_name: &str, version: &str| {
                format!(
                    "INSERT INTO audit_log (id, account_id, actor_user_id, action, item_id, item_kind, item_name, \
                     other_name, version, created_at) VALUES ('00000000-0000-0000-0000-000000000{n:03}', '{ACME}', \
                     '{ADA}', '{action}', '{ITEM}', '{kind}', 'Brochure.pdf', {other_name}, {version}, 30)"
                )
            };
            let accepted = [
                insert(201, "document_uploaded", "file", "'Proofs'", "NULL"),
                insert(202, "document_version_uploaded", "file", "NULL", "2"),
                insert(203, "document_folder_created", "folder", "'Documents'", "NULL"),
                insert(204, "document_renamed", "file", "'Old.pdf'", "NULL"),
                insert(205, "document_moved", "folder", "'Archive'", "NULL"),
                insert(206, "document_trashed", "file", "NULL", "NULL"),
                insert(207, "document_restored", "file", "NULL", "NULL"),
                insert(208, "document_restored", "folder", "'Brochure (2).pdf'", "NULL"),
            ];
            for statement in &accepted {
                execute_raw(&store, statement).await.expect(statement);
            }
            assert_eq!(audit::list(&store, acme, None, 20).await.expect("they read back").len(), 10);
            let refused = [
                (insert(301, "document_uploaded", "file", "NULL", "NULL"), "audit_log_document_other_name_check"),
                (insert(302, "document_trashed", "file", "'Proofs'", "NULL"), "audit_log_document_other_name_check"),
                (insert(303, "document_version_uploaded", "file", "NULL", "NULL"), "audit_log_document_version_check"),
                (insert(304, "document_version_uploaded", "file", "NULL", "1"), "audit_log_document_version_check"),
                (insert(305, "document_renamed", "file", "'Old'", "3"), "audit_log_document_version_check"),
                (insert(306, "document_uploaded", "folder", "'Proofs'", "NULL"), "audit_log_document_item_kind_check"),
                (insert(307, "document_folder_created", "file", "'Proofs'", "NULL"), "audit_log_document_item_kind_check"),
                (insert(308, "document_moved", "link", "'Proofs'", "NULL"), "audit_log_document_item_kind_check"),
                (insert(309, "document_shredded", "file", "NULL", "NULL"), "audit_log_document_action_check"),
                (insert(310, "document_trashed", "file", "NULL", "NULL").replace("'Brochure.pdf'", "NULL"), "audit_log_document_entry_check"),
                (
                    format!("INSERT INTO audit_log (id, account_id, action, partner_request_id, item_name, created_at) \
                             VALUES ('00000000-0000-0000-0000-000000000311', '{ACME}', 'partner_request_sent', '{REQUEST}', 'Proofs', 40)"),
                    "audit_log_document_entry_check",
                ),
            ];
            for (statement, constraint) in &refused {
                let error = execute_raw(&store, statement).await.expect_err(statement).to_string();
                assert!(error.contains(constraint), "{constraint} refuses {statement}: {error}");
            }
            assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM audit_log").await, 10);
        }
    }
}
