//! The sign-in and sign-up pages and the header, rendered on the server on both engines:
//! labelled forms, the signed-in greeting, redirects home, and errors shown without JavaScript.

use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::fixtures::{PASSWORD, WRONG_OR_UNKNOWN, browser};

both_engines! {
    async fn sign_in_and_sign_up_pages_render_their_labelled_forms(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let (status, html) = app.page(&client, "/sign-in").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Sign in · Entente</title>"), "{html}");
        assert!(html.contains(r#"action="/api/sign_in""#), "{html}");
        for text in [">Email</label>", ">Password</label>", ">Sign in</button>", r#"href="/sign-up""#] {
            assert!(html.contains(text), "{text} in {html}");
        }
        assert!(html.contains(r#"href="/forgot-password""#), "{html}");

        let (status, html) = app.page(&client, "/sign-up").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"action="/api/sign_up""#), "{html}");
        for text in [">Organization name</label>", ">Your name</label>", ">Email</label>", ">Password</label>", ">Sign up</button>"] {
            assert!(html.contains(text), "{text} in {html}");
        }
    }

    async fn signed_in_pages_greet_the_user_and_send_them_home_from_sign_in(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let client = &northwind.admin;

        let (_, html) = app.page(client, "/").await;
        let greeting = format!("Signed in as First Admin, {}", northwind.name);
        assert!(html.contains(&greeting), "{greeting} in {html}");
        assert!(html.contains(r#"action="/api/sign_out""#), "{html}");
        assert!(html.contains(">Sign out</button>"), "{html}");

        for page in ["/sign-in", "/sign-up"] {
            // A browser's navigation accepts HTML; that is when Leptos answers with a real 302.
            let response = client
                .get(app.url(page))
                .header("accept", "text/html,application/xhtml+xml")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FOUND, "{page}");
            assert_eq!(response.headers()["location"], "/", "{page}");
        }
    }

    async fn a_refused_form_post_without_javascript_shows_the_sentence_on_the_page(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let fields = [("email", "nobody@northwind.example"), ("password", PASSWORD)];
        let response = app.post_html_form(&client, "/api/sign_in", &fields, "/sign-in").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.contains("/sign-in?"), "{location}");
        let (_, html) = app.page(&client, &location).await;
        assert!(html.contains(WRONG_OR_UNKNOWN), "{html}");
    }
}
