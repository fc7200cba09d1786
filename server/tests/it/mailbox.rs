//! The developers' Mailbox page over HTTP, on both engines: 404 when off, the outbox with working links when on.

use entente_app::api::mailbox::{ListMailbox, MailboxEnabled};
use entente_app::error::AppError;
use entente_server::mail::templates;
use entente_server::store::{Store, outbox};
use reqwest::StatusCode;

use crate::support::app::{spawn_app, spawn_app_with};
use crate::support::both_engines;

const NOW: i64 = 1_795_000_000;

async fn enqueue_invitation(store: &Store) -> uuid::Uuid {
    let link = url::Url::parse("https://entente.example/set-password?token=abc&x=1").unwrap();
    let email = templates::user_invitation("sam@acme.example", "Sam <b>", "Acme", &link);
    let mut tx = store.begin_write().await.unwrap();
    let id = outbox::enqueue(&mut tx, &email, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

both_engines! {
    async fn the_mailbox_does_not_exist_unless_turned_on(store: Store) {
        enqueue_invitation(&store).await;
        let app = spawn_app(store).await;
        let (status, html) = app.page(&app.client, "/mailbox").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Page not found"), "{html}");
        assert!(!html.contains("sam@acme.example"));

        let (_, home) = app.page(&app.client, "/").await;
        assert!(!home.contains("Mailbox (dev)"), "no footer link when off");

        assert_eq!(app.call(&app.client, MailboxEnabled {}).await, Ok(false));
        let refused = app.call(&app.client, ListMailbox {}).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound);
    }

    async fn the_mailbox_answers_only_requests_from_this_machine(store: Store) {
        // Issue 12: it shows sign-in links. A request a proxy forwarded (here an undeclared
        // one on this machine) and a client the declared proxy names are not local.
        enqueue_invitation(&store).await;
        let forwarded = |address: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-forwarded-for", address.parse().unwrap());
            reqwest::Client::builder().default_headers(headers).build().unwrap()
        };
        let app = spawn_app_with(store.clone(), |args| args.dev_mailbox = true).await;
        let via_proxy = forwarded("198.51.100.7");
        let (status, html) = app.page(&via_proxy, "/mailbox").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!html.contains("sam@acme.example"), "{html}");
        assert!(!html.contains("Mailbox (dev)"), "no footer link for a remote visitor");
        assert_eq!(app.call(&via_proxy, MailboxEnabled {}).await, Ok(false));
        let refused = app.call(&via_proxy, ListMailbox {}).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound);

        let behind_proxy = spawn_app_with(store, |args| {
            args.dev_mailbox = true;
            args.connections.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        })
        .await;
        let refused = behind_proxy.call(&forwarded("198.51.100.7"), ListMailbox {}).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound);
        let local = behind_proxy.call(&forwarded("127.0.0.1"), ListMailbox {}).await;
        assert_eq!(local.expect("a local client through the proxy").len(), 1);
    }

    async fn the_mailbox_lists_the_outbox_and_shows_an_email_with_working_links(store: Store) {
        let id = enqueue_invitation(&store).await;
        let app = spawn_app_with(store, |args| args.dev_mailbox = true).await;

        let (_, home) = app.page(&app.client, "/").await;
        assert!(home.contains("Mailbox (dev)"), "footer link when on: {home}");
        let listed = app.call(&app.client, ListMailbox {}).await.expect("the mailbox is on");
        assert_eq!(listed.iter().map(|entry| entry.id.as_str()).collect::<Vec<_>>(), [id.to_string()]);

        let (status, html) = app.page(&app.client, "/mailbox").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("sam@acme.example"), "{html}");
        assert!(html.contains("You have been added to Acme on Entente"), "{html}");
        assert!(html.contains(&format!("/mailbox?id={id}")), "{html}");
        assert!(html.contains("Waiting"), "{html}");

        let (status, html) = app.page(&app.client, &format!("/mailbox?id={id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(r#"<a href="https://entente.example/set-password?token=abc&amp;x=1">"#),
            "the text body's link is clickable: {html}"
        );
        assert!(html.contains("<iframe"), "{html}");
        assert!(html.contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\""), "{html}");
        assert!(!html.contains("Sam <b>"), "names are escaped: {html}");

        let (_, html) = app.page(&app.client, "/mailbox?id=not-an-id").await;
        assert!(html.contains("There is no email with this id."), "{html}");
    }
}

/// Starts the real binary with `ENTENTE_DEV_MAILBOX=value` and returns its log up to "listening on".
async fn serve_log_with_dev_mailbox(value: &str) -> String {
    use tokio::io::AsyncBufReadExt as _;

    let folder = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_entente-server"))
        .arg("serve")
        .env("ENTENTE_DEV_MAILBOX", value)
        .env("ENTENTE_DATA_DIR", folder.path())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let reading = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push_str(&line);
            log.push('\n');
            if line.contains("listening on") {
                break;
            }
        }
    };
    let finished = tokio::time::timeout(std::time::Duration::from_secs(30), reading).await;
    let _ = child.kill().await;
    assert!(
        finished.is_ok(),
        "the server did not start within 30 s:\n{log}"
    );
    log
}

#[tokio::test]
async fn the_dev_mailbox_variable_accepts_1_and_0_as_cargo_xtask_run_sets_it() {
    let on = serve_log_with_dev_mailbox("1").await;
    assert!(on.contains("Mailbox is on"), "{on}");
    let off = serve_log_with_dev_mailbox("0").await;
    assert!(
        off.contains("listening on") && !off.contains("Mailbox is on"),
        "{off}"
    );
    assert!(off.contains("SMTP_URL is not set"), "{off}");
}
