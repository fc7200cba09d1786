//! The Users, set-password and forgot-password pages rendered on the server: who sees what,
//! the refusal page, and a refused form post shown without JavaScript.

use entente_server::store::Store;
use reqwest::StatusCode;

use super::*;
use crate::app::spawn_app;
use crate::helpers::both_engines;

/// The status and HTML of `path` as `client` sees it.
async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status(), crate::app::html(response).await)
}

both_engines! {
    async fn only_administrators_see_account_settings_and_the_users_page(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        ok_json(add_user(&app, &admin, "Sam Ortiz", "sam@northwind.example", "standard").await).await;

        let (status, html) = page(&app, &admin, "/settings/users").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Users · Entente</title>"), "{html}");
        for text in [
            "Account settings",
            r#"href="/settings/users""#,
            r#"action="/api/add_user""#,
            r#"action="/api/change_user_profile""#,
            r#"action="/api/deactivate_user""#,
            ">Add user</button>",
            "sam@northwind.example",
            "Active (invited)",
        ] {
            assert!(html.contains(text), "{text} in {html}");
        }

        let sam = invited_and_signed_in(&app, &admin, "sam2@northwind.example", "manager").await;
        let (status, html) = page(&app, &sam, "/settings/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("Your profile does not allow this action."), "{html}");
        assert!(!html.contains("sam@northwind.example"), "{html}");
        assert!(!html.contains(r#"action="/api/add_user""#), "{html}");
        let (_, home) = page(&app, &sam, "/").await;
        assert!(!home.contains("Account settings"), "{home}");
        assert!(!home.contains(r#"href="/settings/users""#), "{home}");

        let (_, html) = page(&app, &browser(), "/settings/users").await;
        assert!(html.contains("Please sign in to continue."), "{html}");
        assert!(!html.contains(r#"action="/api/add_user""#), "{html}");
    }

    async fn a_refused_add_without_javascript_shows_the_sentence_on_the_page(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let response = admin
            .post(app.url("/api/add_user"))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", app.url("/settings/users"))
            .form(&[("name", "Nora Again"), ("email", "nora@northwind.example"), ("profile", "standard")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.contains("/settings/users?"), "{location}");
        let html = admin.get(&location).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("This email address is already used by another user."), "{html}");
    }

    async fn set_password_and_forgot_password_pages_render_their_forms(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let (status, html) = page(&app, &client, "/set-password?token=abc").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Set your password · Entente</title>"), "{html}");
        for text in [r#"action="/api/set_password""#, ">Password</label>", ">Confirm password</label>", ">Set password</button>", r#"value="abc""#] {
            assert!(html.contains(text), "{text} in {html}");
        }
        let (_, html) = page(&app, &client, "/forgot-password").await;
        for text in [r#"action="/api/request_password_reset""#, ">Email</label>", ">Send reset link</button>"] {
            assert!(html.contains(text), "{text} in {html}");
        }
        let (_, html) = page(&app, &client, "/forgot-password?sent=1").await;
        assert!(html.contains(entente_app::api::users::RESET_LINK_SENT), "{html}");
    }
}
