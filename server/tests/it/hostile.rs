//! Hostile input answers as refused input, never as a failure on our side, and changes
//! nothing: an overlong search, NUL and other control characters in a search or a page link,
//! on both engines (SQLite refused a 50,000-character LIKE pattern as "too complex" and
//! PostgreSQL refuses NUL in text: both used to answer "Something went wrong").

use entente_app::api::contacts::ListContacts;
use entente_app::api::partners::ListPartners;
use entente_app::error::AppError;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;

/// Search texts and page links a browser would never send.
fn hostile_texts() -> Vec<String> {
    vec![
        "a".repeat(50_000),
        "%".repeat(50_000),
        "nul\0byte".to_owned(),
        "\0".to_owned(),
        "line\nbreak".to_owned(),
        "\u{1b}[31m".to_owned(),
    ]
}

both_engines! {
    async fn hostile_searches_and_page_links_are_refused_as_invalid_input(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        for text in hostile_texts() {
            let shown: String = text.chars().take(12).collect();
            let contacts = ListContacts { q: Some(text.clone()), after: None };
            let refused = app.call(&acme.admin, contacts).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "contacts q={shown:?}");
            assert!(!refused.field("q").is_empty());

            let partners = ListPartners { status: None, q: Some(text.clone()), after: None };
            let refused = app.call(&acme.admin, partners).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "partners q={shown:?}");

            // As a page link: not one the server wrote.
            let token = format!("00000000-0000-0000-0000-000000000000{text}");
            let contacts = ListContacts { q: None, after: Some(token.clone()) };
            let refused = app.call(&acme.admin, contacts).await.unwrap_err();
            assert!(matches!(refused.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)), "contacts after={shown:?}");
            let partners = ListPartners { status: None, q: None, after: Some(token) };
            let refused = app.call(&acme.admin, partners).await.unwrap_err();
            assert!(matches!(refused.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)), "partners after={shown:?}");
        }
        // The pages answer with the refusal too, not with a failure on our side.
        let (status, html) = app.page(&acme.admin, &format!("/contacts?q={}", "a".repeat(5_000))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This search is too long"), "{html}");
    }
}
