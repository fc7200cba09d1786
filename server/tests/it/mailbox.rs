//! The developers' Mailbox page over HTTP, on both engines: 404 when off, the outbox with working links when on.

use entente_server::mail::templates;
use entente_server::store::{Store, outbox};
use reqwest::StatusCode;

use crate::app::{spawn_app, spawn_app_with};
use crate::helpers::both_engines;

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
        let response = app.client.get(app.url("/mailbox")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = response.text().await.unwrap();
        assert!(html.contains("Page not found"), "{html}");
        assert!(!html.contains("sam@acme.example"));

        let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!home.contains("Mailbox (dev)"), "no footer link when off");

        let response = app
            .client
            .post(app.url("/api/mailbox/list"))
            .header("origin", &app.address)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        assert!(body.contains("NotFound"), "{body}");
        assert!(!body.contains("sam@acme.example"));
    }

    async fn the_mailbox_lists_the_outbox_and_shows_an_email_with_working_links(store: Store) {
        let id = enqueue_invitation(&store).await;
        let app = spawn_app_with(store, |args| args.dev_mailbox = true).await;

        let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Mailbox (dev)"), "footer link when on: {home}");

        let response = app.client.get(app.url("/mailbox")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(html.contains("sam@acme.example"), "{html}");
        assert!(html.contains("You have been added to Acme on Entente"), "{html}");
        assert!(html.contains(&format!("/mailbox?id={id}")), "{html}");
        assert!(html.contains("Waiting"), "{html}");

        let response = app.client.get(app.url(&format!("/mailbox?id={id}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(r#"<a href="https://entente.example/set-password?token=abc&amp;x=1">"#),
            "the text body's link is clickable: {html}"
        );
        assert!(html.contains("<iframe"), "{html}");
        assert!(html.contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\""), "{html}");
        assert!(!html.contains("Sam <b>"), "names are escaped: {html}");

        let response = app.client.get(app.url("/mailbox?id=not-an-id")).send().await.unwrap();
        let html = response.text().await.unwrap();
        assert!(html.contains("There is no email with this id."), "{html}");
    }
}
