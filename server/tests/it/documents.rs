//! Documents through the real router on both engines (SPEC 3.1, issue 13): folders (create,
//! rename, move, trash, restore) through their server functions, files uploaded and
//! downloaded through the streaming routes, with the refusals that change nothing.

use entente_app::api::auth::SignIn;
use entente_app::api::documents::{
    CreateFolder, DeleteItem, FilePage, FolderPage, MoveItem, MovePage, OpenFile, OpenFolder,
    OpenMove, OpenTrash, Preview, RenameItem, RestoreItem, folder_href, move_href,
};
use entente_app::error::AppError;
use entente_core::Profile;
use entente_core::documents::ItemKind;
use entente_server::config::BlobUrl;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app_with, uploaded};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{PASSWORD, browser, session_cookie};

/// A server whose blobs live in their own folder (returned, to look inside), with `limit` as
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

/// Every file under `folder`, as paths relative to it.
fn files_under(folder: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(folder).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

async fn open_folder(
    app: &TestApp,
    client: &reqwest::Client,
    folder: Option<String>,
) -> Result<FolderPage, Refused> {
    app.call(
        client,
        OpenFolder {
            folder,
            sort: None,
            order: None,
            after: None,
        },
    )
    .await
}

async fn create_folder(
    app: &TestApp,
    client: &reqwest::Client,
    parent: &str,
    name: &str,
) -> Result<(), Refused> {
    app.call(
        client,
        CreateFolder {
            parent: parent.to_owned(),
            name: name.to_owned(),
        },
    )
    .await
}

/// The id of the item named `name` in a folder page.
fn id_of(page: &FolderPage, name: &str) -> String {
    page.items
        .iter()
        .find(|item| item.name.as_str() == name)
        .unwrap_or_else(|| panic!("no {name} in {page:?}"))
        .id
        .to_string()
}

/// A real 64×48 PNG, which decodes.
fn real_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::new_rgb8(64, 48)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// Signs `email` in on a new browser and returns its session cookie as `name=value`.
async fn session_pair(app: &TestApp, email: &str) -> String {
    let sign_in = SignIn {
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
        next: None,
    };
    let (headers, answer) = app.call_with_headers(&browser(), sign_in).await;
    answer.expect("sign in");
    let line = session_cookie(&headers).expect("a session cookie");
    line.split(';').next().unwrap().to_owned()
}

/// A tiny PNG (1×1, valid signature and header), whatever its name says.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    bytes.extend_from_slice(&[
        0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82,
    ]);
    bytes
}

/// The rows of the documents tables, to prove a refusal wrote nothing.
async fn document_rows(store: &Store) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["items", "file_versions", "blobs"] {
        counts.push(fetch_count(store, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

both_engines! {
    async fn folders_are_created_renamed_moved_trashed_and_restored_with_unique_names_and_no_cycles(store: Store) {
        let (app, _blobs) = documents_app(store, 1 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let root = open_folder(&app, &acme.admin, None).await.expect("the root");
        assert_eq!(root.folder.name.as_str(), "Documents");
        assert!(root.crumbs.is_empty() && root.items.is_empty() && root.may_edit);
        let root_id = root.folder.id.to_string();

        create_folder(&app, &acme.admin, &root_id, "Proofs").await.expect("create");
        create_folder(&app, &acme.admin, &root_id, "Archive").await.expect("create");
        // Sibling names are unique without regard to case (a unique index decides).
        let taken = create_folder(&app, &acme.admin, &root_id, "proofs").await.unwrap_err();
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert_eq!(taken.field("name"), "An item in this folder already has this name.");
        // A name is a label, never a path.
        let path = create_folder(&app, &acme.admin, &root_id, "../etc").await.unwrap_err();
        assert_eq!(path.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(path.field("name"), "A name cannot contain / or \\.");

        let root = open_folder(&app, &acme.admin, None).await.unwrap();
        let names: Vec<&str> = root.items.iter().map(|item| item.name.as_str()).collect();
        assert_eq!(names, ["Archive", "Proofs"], "folders by name");
        let proofs = id_of(&root, "Proofs");
        let archive = id_of(&root, "Archive");
        create_folder(&app, &acme.admin, &proofs, "Spring").await.unwrap();
        let inside = open_folder(&app, &acme.admin, Some(proofs.clone())).await.unwrap();
        assert_eq!(inside.crumbs.iter().map(|crumb| crumb.name.as_str()).collect::<Vec<_>>(), ["Documents"]);
        let spring = id_of(&inside, "Spring");

        // A folder never moves into itself or its own subtree; the refusal changes nothing.
        let before = document_rows(&app.store).await;
        for target in [&proofs, &spring] {
            let refused = app.call(&acme.admin, MoveItem { item: proofs.clone(), target: target.clone(), open: None }).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{refused:?}");
        }
        assert_eq!(document_rows(&app.store).await, before);
        app.call(&acme.admin, MoveItem { item: proofs.clone(), target: archive.clone(), open: None }).await.expect("move");
        let archive_page = open_folder(&app, &acme.admin, Some(archive.clone())).await.unwrap();
        assert_eq!(id_of(&archive_page, "Proofs"), proofs);

        app.call(&acme.admin, RenameItem { item: archive.clone(), name: "Old work".to_owned() }).await.expect("rename");
        // Trash: the folder goes with everything in it; its children cannot be opened for change.
        app.call(&acme.admin, DeleteItem { item: archive.clone() }).await.expect("delete");
        let trash = app.call(&acme.admin, OpenTrash {}).await.unwrap();
        assert_eq!(trash.entries.len(), 1, "only what was deleted itself is listed");
        assert_eq!(trash.entries[0].item.name.as_str(), "Old work");
        assert_eq!(trash.entries[0].days_left, 30);
        let in_trash = create_folder(&app, &acme.admin, &proofs, "Late").await.unwrap_err();
        assert_eq!(in_trash.status, StatusCode::CONFLICT, "{in_trash:?}");
        // A new folder takes the name meanwhile; the restored one gets a free variant.
        create_folder(&app, &acme.admin, &root_id, "Old work").await.unwrap();
        app.call(&acme.admin, RestoreItem { item: archive.clone() }).await.expect("restore");
        let root = open_folder(&app, &acme.admin, None).await.unwrap();
        let names: Vec<&str> = root.items.iter().map(|item| item.name.as_str()).collect();
        assert_eq!(names, ["Old work", "Old work (2)"]);
        assert!(app.call(&acme.admin, OpenTrash {}).await.unwrap().entries.is_empty());
        let not_in_trash = app.call(&acme.admin, RestoreItem { item: archive.clone() }).await.unwrap_err();
        assert_eq!(not_in_trash.status, StatusCode::CONFLICT);

        // The root itself is not renamed, moved or deleted.
        let root_refused = app.call(&acme.admin, DeleteItem { item: root_id.clone() }).await.unwrap_err();
        assert_eq!(root_refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn move_to_browses_any_folder_says_why_one_cannot_take_the_item_and_opens_the_target(store: Store) {
        let (app, _blobs) = documents_app(store, 1 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        for name in ["Proofs", "Archive"] {
            create_folder(&app, &acme.admin, &root, name).await.unwrap();
        }
        let top = open_folder(&app, &acme.admin, None).await.unwrap();
        let (proofs, archive) = (id_of(&top, "Proofs"), id_of(&top, "Archive"));
        create_folder(&app, &acme.admin, &proofs, "Spring").await.unwrap();
        create_folder(&app, &acme.admin, &archive, "2025").await.unwrap();
        let spring = id_of(&open_folder(&app, &acme.admin, Some(proofs.clone())).await.unwrap(), "Spring");
        let year = id_of(&open_folder(&app, &acme.admin, Some(archive.clone())).await.unwrap(), "2025");
        let open_move = |folder: Option<&String>| OpenMove {
            item: proofs.clone(),
            folder: folder.cloned(),
            after: None,
        };
        let names = |page: &MovePage| -> Vec<String> {
            page.subfolders.iter().map(|folder| folder.name.to_string()).collect()
        };
        let crumbs = |page: &MovePage| -> Vec<String> {
            page.crumbs.iter().map(|folder| folder.name.to_string()).collect()
        };

        // It starts where the item is; the item itself is not offered as a way down.
        let start = app.call(&acme.admin, open_move(None)).await.expect("the move page");
        assert_eq!(start.folder.id.to_string(), root);
        assert_eq!(start.refusal.as_deref(), Some("Proofs is already in this folder."));
        assert_eq!(names(&start), ["Archive"]);
        // Its own subtree can be looked at, and core's rule says why it cannot go there.
        let own = app.call(&acme.admin, open_move(Some(&spring))).await.unwrap();
        assert_eq!(crumbs(&own), ["Documents", "Proofs"]);
        assert_eq!(own.refusal.as_deref(), Some("A folder cannot be moved into one of its own subfolders."));
        // Any folder deeper elsewhere takes it.
        let deep = app.call(&acme.admin, open_move(Some(&year))).await.unwrap();
        assert_eq!((crumbs(&deep), deep.refusal.clone(), names(&deep)), (vec!["Documents".to_owned(), "Archive".to_owned()], None, vec![]));

        // "Move here" without JavaScript: a form post that opens the folder it moved into.
        let response = app
            .post_html_form(
                &acme.admin,
                "/api/documents/move",
                &[("item", proofs.as_str()), ("target", year.as_str()), ("open", "folder")],
                &move_href(proofs.parse().unwrap(), Some(year.parse().unwrap())),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], folder_href(year.parse().unwrap()).as_str());
        assert_eq!(id_of(&open_folder(&app, &acme.admin, Some(year.clone())).await.unwrap(), "Proofs"), proofs);
        let (status, html) = app.page(&acme.admin, &move_href(proofs.parse().unwrap(), None)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Proofs is already in this folder."), "{html}");

        // Another account's item, or a folder of another account: like a missing id.
        let globex = app.sign_up("Globex", "gil@globex.example").await;
        let theirs = open_folder(&app, &globex.admin, None).await.unwrap().folder.id.to_string();
        let refused = app.call(&globex.admin, open_move(None)).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let refused = app.call(&acme.admin, open_move(Some(&theirs))).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let (status, _) = app.page(&globex.admin, &move_href(proofs.parse().unwrap(), None)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn files_upload_streamed_with_sniffed_types_clean_names_versions_ranges_and_etags(store: Store) {
        let (app, blobs) = documents_app(store, 8 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();

        // Larger than axum's 2 MB default for multipart bodies, which the upload route lifts.
        let big: Vec<u8> = (0..3_000_000_u32).map(|n| (n % 251) as u8).collect();
        let files = uploaded(
            app.upload(&acme.admin, "folder", &root, &[
                ("report.txt", &png()),
                ("../../etc/passwd", b"root:x:0:0"),
                ("data.bin", &big),
                ("Report.TXT", b"second"),
            ])
            .await,
        )
        .await;
        let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
        assert_eq!(names, ["report.txt", "passwd", "data.bin", "Report (2).TXT"]);
        assert_eq!(files[0].content_type, "image/png", "the bytes decide, not the name");
        assert_eq!(files[1].content_type, "text/plain");
        assert_eq!(files[2].content_type, "application/octet-stream");
        assert_eq!(files[2].size, 3_000_000);
        // Same bytes twice are stored once.
        uploaded(app.upload(&acme.admin, "folder", &root, &[("copy.bin", &big)]).await).await;
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM blobs").await, 4);
        let stored = files_under(blobs.path());
        assert_eq!(stored.len(), 4, "{stored:?}");
        assert!(stored.iter().all(|path| path.starts_with("blobs/")), "no staging leftovers: {stored:?}");

        // A new version.
        let data = files[2].id.to_string();
        let second = uploaded(app.upload(&acme.admin, "replace", &data, &[("whatever.name", b"v2")]).await).await;
        assert_eq!((second[0].version, second[0].name.as_str()), (2, "data.bin"));
        let page: FilePage = app.call(&acme.admin, OpenFile { file: data.clone() }).await.unwrap();
        assert_eq!(page.versions.iter().map(|version| version.number).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(page.file.size, Some(2));

        // Downloads: the current version and an earlier one, whole or by range.
        let current = acme.admin.get(app.url(&format!("/documents/download?file={data}"))).send().await.unwrap();
        assert_eq!(current.status(), StatusCode::OK);
        let disposition = current.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, "attachment; filename=\"data.bin\"; filename*=UTF-8''data.bin");
        assert_eq!(current.bytes().await.unwrap().as_ref(), b"v2");
        let first = acme.admin.get(app.url(&format!("/documents/download?file={data}&version=1"))).send().await.unwrap();
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(etag.len(), 66, "a strong ETag: the SHA-256 in quotes");
        assert_eq!(first.headers()["accept-ranges"], "bytes");
        assert!(first.headers().get("content-encoding").is_none());
        assert_eq!(first.bytes().await.unwrap().as_ref(), big.as_slice());
        let part = acme.admin
            .get(app.url(&format!("/documents/download?file={data}&version=1")))
            .header("range", "bytes=1000-1999")
            .header("if-range", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.headers()["content-range"], "bytes 1000-1999/3000000");
        assert_eq!(part.bytes().await.unwrap().as_ref(), &big[1000..2000]);
        let unchanged = acme.admin
            .get(app.url(&format!("/documents/download?file={data}&version=1")))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        let beyond = acme.admin
            .get(app.url(&format!("/documents/download?file={data}&version=1")))
            .header("range", "bytes=4000000-")
            .send()
            .await
            .unwrap();
        assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        let missing_version = acme.admin.get(app.url(&format!("/documents/download?file={data}&version=9"))).send().await.unwrap();
        assert_eq!(missing_version.status(), StatusCode::NOT_FOUND);
    }

    async fn oversized_and_cut_off_uploads_leave_no_row_and_no_blob(store: Store) {
        let (app, blobs) = documents_app(store, 100_000).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let before = document_rows(&app.store).await;

        let too_big = app.upload(&acme.admin, "folder", &root, &[("big.bin", &vec![7; 150_000])]).await;
        assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = too_big.text().await.unwrap();
        assert!(body.contains("This file is larger than the 98 KB limit."), "{body}");
        assert_eq!(document_rows(&app.store).await, before);
        assert!(files_under(blobs.path()).iter().all(|path| !path.starts_with("blobs/")), "no blob");

        // A body that stops midway: the connection closes before the part ends.
        use tokio::io::AsyncWriteExt as _;
        let cookie = session_pair(&app, "ada@acme.example").await;
        let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
        let boundary = "XBOUNDARYX";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\n{root}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\r\n"
        );
        let request = format!(
            "POST /documents/upload HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nOrigin: {}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 90000\r\n\r\n{head}",
            app.address.trim_start_matches("http://"),
            app.address,
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        stream.write_all(&[1_u8; 20_000]).await.unwrap();
        drop(stream);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(document_rows(&app.store).await, before);
        assert_eq!(files_under(blobs.path()), Vec::<String>::new(), "nothing staged stays");
    }

    async fn another_accounts_folders_and_files_answer_exactly_like_missing_ones(store: Store) {
        let (app, _blobs) = documents_app(store, 1 << 20).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let file = uploaded(app.upload(&acme.admin, "folder", &root, &[("secret.txt", b"acme only")]).await).await;
        let file = file[0].id.to_string();
        let missing = uuid::Uuid::new_v4().to_string();
        for id in [&root, &missing] {
            let refused = open_folder(&app, &globex.admin, Some(id.clone())).await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound);
        }
        for id in [&file, &missing] {
            let refused = app.call(&globex.admin, OpenFile { file: id.clone() }).await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound);
            let download = globex.admin.get(app.url(&format!("/documents/download?file={id}"))).send().await.unwrap();
            assert_eq!(download.status(), StatusCode::NOT_FOUND);
            assert!(!download.text().await.unwrap().contains("acme only"));
        }
        let before = document_rows(&app.store).await;
        let into_acme = app.upload(&globex.admin, "folder", &root, &[("x.txt", b"x")]).await;
        assert_eq!(into_acme.status(), StatusCode::NOT_FOUND);
        let version = app.upload(&globex.admin, "replace", &file, &[("x.txt", b"x")]).await;
        assert_eq!(version.status(), StatusCode::NOT_FOUND);
        for refused in [
            app.call(&globex.admin, RenameItem { item: file.clone(), name: "mine".to_owned() }).await.unwrap_err(),
            app.call(&globex.admin, DeleteItem { item: file.clone() }).await.unwrap_err(),
            app.call(&globex.admin, MoveItem { item: file.clone(), target: root.clone(), open: None }).await.unwrap_err(),
        ] {
            assert_eq!(refused.status, StatusCode::NOT_FOUND);
        }
        assert_eq!(document_rows(&app.store).await, before);

        // A Reviewer of Acme sees only what is shared with them: no Documents of its own.
        let reviewer = app.invited_and_signed_in(&acme.admin, "rita@acme.example", Profile::Reviewer).await;
        let refused = open_folder(&app, &reviewer, None).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        // Signed out: sign in first.
        let anonymous = open_folder(&app, &browser(), None).await.unwrap_err();
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let page = open_folder(&app, &acme.admin, None).await.unwrap();
        assert!(page.items.iter().all(|item| item.kind == ItemKind::File));
    }
}

/// Waits (at most 30 s) until the file's current version's preview is no longer pending.
async fn settled_preview(app: &TestApp, client: &reqwest::Client, file: &str) -> FilePage {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let page: FilePage = app
            .call(
                client,
                OpenFile {
                    file: file.to_owned(),
                },
            )
            .await
            .unwrap();
        if page.preview != Preview::Pending || std::time::Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

mod background {
    use super::*;

    both_engines! {
        async fn images_and_pdfs_get_previews_in_the_background_and_a_hostile_image_only_loses_its_preview(store: Store) {
            let (app, _blobs) = documents_app(store, 8 << 20).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let globex = app.sign_up("Globex Print", "gil@globex.example").await;
            let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            bomb.extend_from_slice(&100_000_u32.to_be_bytes());
            bomb.extend_from_slice(&100_000_u32.to_be_bytes());
            bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
            let files = uploaded(
                app.upload(&acme.admin, "folder", &root, &[
                    ("catalogue.pdf", &entente_server::previews::sample::pdf("Spring catalogue", 3)),
                    ("logo.png", &real_png()),
                    ("bomb.png", &bomb),
                    ("notes.txt", b"just text"),
                ])
                .await,
            )
            .await;
            let [pdf, logo, bomb, notes] = [0, 1, 2, 3].map(|n| files[n].id.to_string());

            let page = settled_preview(&app, &acme.admin, &pdf).await;
            assert_eq!(page.preview, Preview::Ready { views: 3 });
            let page = settled_preview(&app, &acme.admin, &logo).await;
            assert_eq!(page.preview, Preview::Ready { views: 1 });
            let page = settled_preview(&app, &acme.admin, &bomb).await;
            assert_eq!(page.preview, Preview::Failed, "the bomb is refused before it is decoded");
            let still = acme.admin.get(app.url(&format!("/documents/download?file={bomb}"))).send().await.unwrap();
            assert_eq!(still.status(), StatusCode::OK, "a file without a preview still downloads");
            let page = settled_preview(&app, &acme.admin, &notes).await;
            assert_eq!(page.preview, Preview::None);

            let image = acme.admin.get(app.url(&format!("/documents/preview?file={pdf}&version=1&n=2"))).send().await.unwrap();
            assert_eq!(image.status(), StatusCode::OK);
            assert_eq!(image.headers()["content-type"], "image/png");
            let bytes = image.bytes().await.unwrap();
            assert!(bytes.starts_with(b"\x89PNG"), "a PNG page image");
            for (who, n) in [(&acme.admin, 4), (&globex.admin, 1)] {
                let refused = who.get(app.url(&format!("/documents/preview?file={pdf}&version=1&n={n}"))).send().await.unwrap();
                assert_eq!(refused.status(), StatusCode::NOT_FOUND);
            }
            // The listing shows thumbnails of what has one.
            let listing = open_folder(&app, &acme.admin, None).await.unwrap();
            let with_thumbnails: Vec<&str> = listing.items.iter().filter(|item| item.thumbnail).map(|item| item.name.as_str()).collect();
            assert_eq!(with_thumbnails, ["catalogue.pdf", "logo.png"]);
        }

        async fn a_preview_job_left_by_a_stopped_instance_waits_for_its_lease_then_the_next_instance_makes_it(store: Store) {
            use entente_server::store::previews::{LEASE_SECONDS, claim};
            use crate::support::engines::execute_raw;
            let blobs = tempfile::tempdir().expect("a folder for blobs");
            let on_folder = |folder: std::path::PathBuf| {
                move |args: &mut entente_server::config::ServeArgs| args.blobs.blob_url = Some(BlobUrl::Folder(folder))
            };
            let app = spawn_app_with(store.clone(), on_folder(blobs.path().to_path_buf())).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            let logo = uploaded(app.upload(&acme.admin, "folder", &root, &[("logo.png", &real_png())]).await).await[0].id.to_string();
            assert_eq!(settled_preview(&app, &acme.admin, &logo).await.preview, Preview::Ready { views: 1 });

            // As a worker leaves the job it held when its instance stopped: claimed, unfinished.
            let now = entente_server::store::now().0;
            execute_raw(&store, &format!(
                "UPDATE preview_jobs SET state = 'pending', pages = NULL, attempts = 1, lease_until = {}",
                now + LEASE_SECONDS
            )).await.unwrap();
            // While its lease runs nobody takes it again, and the page says it is being made.
            assert_eq!(claim(&store, entente_server::store::now()).await.unwrap(), None);
            let page = app.call(&acme.admin, OpenFile { file: logo.clone() }).await.unwrap();
            assert_eq!(page.preview, Preview::Pending);
            // The lease has run out: the next instance's worker takes the job when it starts.
            execute_raw(&store, &format!("UPDATE preview_jobs SET lease_until = {}", now - 1)).await.unwrap();
            let next = spawn_app_with(store.clone(), on_folder(blobs.path().to_path_buf())).await;
            assert_eq!(settled_preview(&next, &acme.admin, &logo).await.preview, Preview::Ready { views: 1 });
            assert_eq!(fetch_count(&store, "SELECT CAST(attempts AS BIGINT) FROM preview_jobs").await, 2, "taken once more");
        }

        async fn bytes_stored_by_an_upload_whose_commit_failed_are_removed_unless_a_row_records_them(store: Store) {
            use entente_server::blobs::{BlobLocation, BlobStore};
            use entente_server::documents::purge::forget_unrecorded;
            let (app, blobs) = documents_app(store, 1 << 20).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            uploaded(app.upload(&acme.admin, "folder", &root, &[("kept.bin", &[3; 100])]).await).await;
            let blob_store = BlobStore::open(&BlobLocation::Local(blobs.path().to_path_buf())).unwrap();
            let stage = |bytes: &'static [u8]| {
                let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(bytes))]);
                blob_store.stage(body, 1 << 20)
            };
            // Bytes put at their address by an upload whose rows never committed.
            let lost = stage(b"no row names these bytes").await.unwrap();
            blob_store.commit(&lost).await.unwrap();
            assert!(blob_store.exists(&lost.sha256).await.unwrap());
            assert!(forget_unrecorded(&app.store, &blob_store, &lost.sha256).await.unwrap());
            assert!(!blob_store.exists(&lost.sha256).await.unwrap());
            // The same bytes as a recorded file (another upload committed them): they stay.
            let again = stage(&[3; 100]).await.unwrap();
            blob_store.commit(&again).await.unwrap();
            assert!(!forget_unrecorded(&app.store, &blob_store, &again.sha256).await.unwrap());
            let kept = id_of(&open_folder(&app, &acme.admin, None).await.unwrap(), "kept.bin");
            let download = acme.admin.get(app.url(&format!("/documents/download?file={kept}"))).send().await.unwrap();
            assert_eq!(download.bytes().await.unwrap().as_ref(), &[3; 100][..]);
        }

        async fn the_trash_is_purged_after_thirty_days_with_blobs_no_version_uses(store: Store) {
            let (app, blobs) = documents_app(store, 1 << 20).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            create_folder(&app, &acme.admin, &root, "Old").await.unwrap();
            let old = id_of(&open_folder(&app, &acme.admin, None).await.unwrap(), "Old");
            uploaded(app.upload(&acme.admin, "folder", &old, &[("only-here.bin", &vec![1; 5000]), ("shared.bin", &vec![2; 5000])]).await).await;
            // The same bytes as shared.bin, in a file that stays.
            uploaded(app.upload(&acme.admin, "folder", &root, &[("kept.bin", &vec![2; 5000])]).await).await;
            app.call(&acme.admin, DeleteItem { item: old.clone() }).await.unwrap();
            let store = app.store.clone();
            let blob_store = entente_server::blobs::BlobStore::open(&entente_server::blobs::BlobLocation::Local(blobs.path().to_path_buf())).unwrap();
            let now = entente_server::store::now();

            // Not yet due: nothing goes.
            let report = entente_server::documents::purge::purge(&store, &blob_store, now).await.unwrap();
            assert_eq!((report.items, report.blobs), (0, 0));
            crate::support::engines::execute_raw(&store, "UPDATE items SET deleted_at = deleted_at - 2592000 WHERE deleted_at IS NOT NULL").await.unwrap();
            let report = entente_server::documents::purge::purge(&store, &blob_store, now).await.unwrap();
            assert_eq!(report.items, 3, "the folder and its two files");
            assert_eq!(report.blobs, 1, "only the bytes no other file uses");
            assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM blobs").await, 1);
            let stored = files_under(blobs.path());
            assert_eq!(stored.iter().filter(|path| path.starts_with("blobs/")).count(), 1, "{stored:?}");
            let kept = open_folder(&app, &acme.admin, None).await.unwrap();
            let kept = id_of(&kept, "kept.bin");
            let download = acme.admin.get(app.url(&format!("/documents/download?file={kept}"))).send().await.unwrap();
            assert_eq!(download.bytes().await.unwrap().as_ref(), &[2; 5000][..]);
            assert!(app.call(&acme.admin, OpenTrash {}).await.unwrap().entries.is_empty());
        }
    }
}

/// The document routes on S3-compatible storage (moto): what the local store does above,
/// through the same upload, download, preview and purge code.
mod on_s3 {
    use super::*;
    use crate::support::app::spawn_app_on_blobs;
    use crate::support::moto::Moto;

    const BUCKET: &str = "entente-documents";

    /// Whether moto's bucket holds the blob of `bytes` under the store's prefix `app`.
    async fn holds(moto: &Moto, bytes: &[u8]) -> bool {
        use sha2::Digest as _;
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        let listing = moto.get(&format!("{BUCKET}?list-type=2&prefix=app/")).await;
        listing.contains(&format!("<Key>app/blobs/{}/{sha}</Key>", &sha[..2]))
    }

    both_engines! {
        async fn files_upload_download_with_ranges_get_versions_previews_and_are_purged_on_s3(store: Store) {
            let Some((moto, location)) = Moto::with_bucket("documents on S3", BUCKET, "app").await else {
                return;
            };
            let blob_store = entente_server::blobs::BlobStore::open(&location).expect("the S3 store");
            let app = spawn_app_on_blobs(store, blob_store.clone()).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let root = open_folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            // Larger than one part of a multipart upload to S3 (5 MiB).
            let big: Vec<u8> = (0..6_000_000_u32).map(|n| (n % 253) as u8).collect();
            let files = uploaded(app.upload(&acme.admin, "folder", &root, &[("logo.png", &real_png()), ("big.bin", &big)]).await).await;
            let (logo, data) = (files[0].id.to_string(), files[1].id.to_string());
            assert!(holds(&moto, &big).await, "the blob is in the bucket under its SHA-256");

            let download = acme.admin.get(app.url(&format!("/documents/download?file={data}"))).send().await.unwrap();
            assert_eq!(download.status(), StatusCode::OK);
            let etag = download.headers()["etag"].to_str().unwrap().to_owned();
            assert_eq!(download.bytes().await.unwrap().as_ref(), big.as_slice());
            let part = acme.admin
                .get(app.url(&format!("/documents/download?file={data}")))
                .header("range", "bytes=5999990-")
                .header("if-range", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
            assert_eq!(part.bytes().await.unwrap().as_ref(), &big[5_999_990..]);

            // A new version; the first stays downloadable.
            uploaded(app.upload(&acme.admin, "replace", &data, &[("big.bin", b"second version")]).await).await;
            let first = acme.admin.get(app.url(&format!("/documents/download?file={data}&version=1"))).send().await.unwrap();
            assert_eq!(first.bytes().await.unwrap().len(), big.len());
            let current = acme.admin.get(app.url(&format!("/documents/download?file={data}"))).send().await.unwrap();
            assert_eq!(current.bytes().await.unwrap().as_ref(), b"second version");

            // The preview job reads the image from the bucket and writes its views there.
            let page = settled_preview(&app, &acme.admin, &logo).await;
            assert_eq!(page.preview, Preview::Ready { views: 1 });
            let thumbnail = acme.admin.get(app.url(&format!("/documents/preview?file={logo}&version=1&n=0"))).send().await.unwrap();
            assert_eq!(thumbnail.status(), StatusCode::OK);
            assert!(thumbnail.bytes().await.unwrap().starts_with(b"\x89PNG"));

            // Thirty days in the trash: the rows and the bucket's blobs go.
            app.call(&acme.admin, DeleteItem { item: data.clone() }).await.unwrap();
            crate::support::engines::execute_raw(&app.store, "UPDATE items SET deleted_at = deleted_at - 2592000 WHERE deleted_at IS NOT NULL").await.unwrap();
            let report = entente_server::documents::purge::purge(&app.store, &blob_store, entente_server::store::now()).await.unwrap();
            assert_eq!((report.items, report.blobs), (1, 2), "the file and both versions' bytes");
            assert!(!holds(&moto, &big).await, "the blob left the bucket");
            let gone = acme.admin.get(app.url(&format!("/documents/download?file={data}&version=1"))).send().await.unwrap();
            assert_eq!(gone.status(), StatusCode::NOT_FOUND);
        }
    }
}
