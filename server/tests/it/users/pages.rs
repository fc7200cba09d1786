//! The Users, set-password and forgot-password pages rendered on the server: who sees what,
//! the refusal page, and a refused form post shown without JavaScript.

use entente_app::api::users::AddUser;
use entente_core::Profile;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::fixtures::browser;

both_engines! {
    async fn only_administrators_see_account_settings_and_the_users_page(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let sam = AddUser { name: "Sam Ortiz".to_owned(), email: "sam@northwind.example".to_owned(), profile: "standard".to_owned() };
        app.call(admin, sam).await.expect("add Sam");

        let (status, html) = app.page(admin, "/settings/users").await;
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

        let sam = app.invited_and_signed_in(admin, "sam2@northwind.example", Profile::Manager).await;
        let (status, html) = app.page(&sam, "/settings/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("Your profile does not allow this action."), "{html}");
        assert!(!html.contains("sam@northwind.example"), "{html}");
        assert!(!html.contains(r#"action="/api/add_user""#), "{html}");
        let (_, home) = app.page(&sam, "/").await;
        assert!(!home.contains("Account settings"), "{home}");
        assert!(!home.contains(r#"href="/settings/users""#), "{home}");

        let (_, html) = app.page(&browser(), "/settings/users").await;
        assert!(html.contains("Please sign in to continue."), "{html}");
        assert!(!html.contains(r#"action="/api/add_user""#), "{html}");
    }

    async fn a_refused_add_without_javascript_shows_the_sentence_on_the_page(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let fields = [("name", "Nora Again"), ("email", "nora@northwind.example"), ("profile", "standard")];
        let response = app.post_html_form(&northwind.admin, "/api/add_user", &fields, "/settings/users").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.contains("/settings/users?"), "{location}");
        let (_, html) = app.page(&northwind.admin, &location).await;
        assert!(html.contains("This email address is already used by another user."), "{html}");
    }

    async fn set_password_and_forgot_password_pages_render_their_forms(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let (status, html) = app.page(&client, "/set-password?token=abc").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Set your password · Entente</title>"), "{html}");
        for text in [r#"action="/api/set_password""#, ">Password</label>", ">Confirm password</label>", ">Set password</button>", r#"value="abc""#] {
            assert!(html.contains(text), "{text} in {html}");
        }
        let (_, html) = app.page(&client, "/forgot-password").await;
        for text in [r#"action="/api/request_password_reset""#, ">Email</label>", ">Send reset link</button>"] {
            assert!(html.contains(text), "{text} in {html}");
        }
        let (_, html) = app.page(&client, "/forgot-password?sent=1").await;
        assert!(html.contains(entente_app::api::users::RESET_LINK_SENT), "{html}");
    }
}
