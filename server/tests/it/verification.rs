//! Organizations confirm their email address before they take part in partnerships, on both
//! engines: an organization that signed up can neither invite nor be invited until an
//! administrator uses the link we emailed (once), the link can be sent again (at most three
//! an hour), and partners then see the confirmed domain beside its name.

use entente_app::api::auth::{ResendVerification, VerifyEmail};
use entente_app::error::AppError;
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::partners_tab::{send, tab};
use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{browser, emails_to, token_after};

const NOT_VERIFIED: &str = "Confirm your organization's email address first: we emailed you a \
    link when you signed up. Until then your organization cannot send or receive partner \
    invitations.";

/// The tokens of every confirmation link emailed to `to`, newest first.
async fn confirmation_links(app: &TestApp, to: &str) -> Vec<String> {
    emails_to(&app.store, to)
        .await
        .iter()
        .filter(|email| email.kind == EmailKind::EmailVerification)
        .map(|email| token_after(email, "/verify-email?token="))
        .collect()
}

both_engines! {
    async fn an_unconfirmed_organization_neither_invites_nor_is_invited_until_its_link_is_used(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up_unverified("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let requests = || fetch_count(&app.store, "SELECT COUNT(*) FROM partner_requests");

        let refused = send(&app, &acme.admin, "gil@globex.example").await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::CONFLICT), AppError::Conflict(NOT_VERIFIED.to_owned()));
        // Being invited: answered like an address nobody has.
        let refused = send(&app, &globex.admin, "ada@acme.example").await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.field("email").starts_with("No active Entente user has this email address."), "{refused:?}");
        assert_eq!(requests().await, 0);
        let (_, page) = app.page(&acme.admin, "/settings/partners").await;
        assert!(page.contains(r#"data-test="verification-notice""#), "{page}");

        // The link opens a page that asks first (mail scanners open links), then confirms once.
        let links = confirmation_links(&app, "ada@acme.example").await;
        assert_eq!(links.len(), 1, "the sign-up emailed one link");
        let (status, confirm) = app.page(&browser(), &format!("/verify-email?token={}", links[0])).await;
        assert_eq!(status, StatusCode::OK);
        assert!(confirm.contains(">Confirm my address</button>"), "{confirm}");
        let form = [("token", links[0].as_str())];
        let response = app.post_html_form(&browser(), "/api/verify_email", &form, "/verify-email").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "/?verified=1");
        let again = app.call(&browser(), VerifyEmail { token: links[0].clone() }).await.unwrap_err();
        assert!(matches!(again.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)));
        let bogus = app.call(&browser(), VerifyEmail { token: "0".repeat(64) }).await.unwrap_err();
        assert!(matches!(bogus.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)));

        let (_, page) = app.page(&acme.admin, "/?verified=1").await;
        assert!(!page.contains(r#"data-test="verification-notice""#), "{page}");
        assert!(page.contains("Your address is confirmed"), "{page}");
        send(&app, &acme.admin, "gil@globex.example").await.expect("confirmed organizations partner");
        // Partners see the confirmed domain beside the name, both ways.
        let seen_by_globex = tab(&app, &globex.admin).await;
        assert_eq!(seen_by_globex.rows[0].other_domain.as_deref(), Some("acme.example"));
        let seen_by_acme = tab(&app, &acme.admin).await;
        assert_eq!(seen_by_acme.rows[0].other_domain.as_deref(), Some("globex.example"));
        let (_, page) = app.page(&globex.admin, "/settings/partners").await;
        assert!(page.contains("✓ acme.example"), "{page}");
    }

    async fn the_link_can_be_sent_again_three_times_an_hour_and_not_once_confirmed(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up_unverified("Acme Studio", "ada@acme.example").await;
        for _ in 0..5 {
            app.call(&acme.admin, ResendVerification {}).await.expect("the same answer either way");
        }
        // The sign-up's link and two more make three within the hour.
        let links = confirmation_links(&app, "ada@acme.example").await;
        assert_eq!(links.len(), 3);
        // Any of them works; the organization is then confirmed and no more are sent.
        app.call(&browser(), VerifyEmail { token: links[2].clone() }).await.expect("an older link still works");
        app.call(&acme.admin, ResendVerification {}).await.expect("answered alike");
        assert_eq!(confirmation_links(&app, "ada@acme.example").await.len(), 3);
        let visitor = app.call(&browser(), ResendVerification {}).await.unwrap_err();
        assert_eq!(visitor.with_status(StatusCode::UNAUTHORIZED), AppError::Unauthenticated);
    }
}
