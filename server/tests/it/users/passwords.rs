//! Set-password links (single use, expiry, confirmation) and "Forgot your password?".

use entente_server::store::Store;
use entente_server::store::password_tokens::{self, TokenPurpose};
use entente_server::users::tokens;
use serde_json::json;

use super::*;
use crate::app::spawn_app;
use crate::helpers::{both_engines, execute_raw, fetch_count};

const INVALID_LINK: &str = "This link to set a password does not work: it may have expired or \
    been used already. Ask an administrator for a new invitation, or use \"Forgot your \
    password?\" on the sign-in page.";

/// The current time in unix seconds, like the server's clock.
fn now() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since_epoch.as_secs()).expect("fits")
}

both_engines! {
    async fn an_invitation_token_sets_the_password_once_and_the_user_signs_in_with_it(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let added = ok_json(add_user(&app, &admin, "Sam Ortiz", "Sam@Northwind.example", "standard").await).await;
        assert_eq!(added["email"], "sam@northwind.example");
        assert_eq!(added["has_password"], false);

        let user = stored_user(&app.store, "sam@northwind.example").await;
        assert_eq!(user.password_hash, None);
        assert_eq!(user.profile, "standard");
        assert!(user.active);
        let invitations = emails_to(&app.store, "sam@northwind.example").await;
        assert_eq!(invitations.len(), 1);
        assert_eq!(invitations[0].kind.as_str(), "user_invitation");
        let token = token_in(&invitations[0]);
        assert_eq!(token.len(), 64);
        // Only the hash is stored.
        let stored_plain = fetch_count(
            &app.store,
            &format!("SELECT COUNT(*) FROM password_tokens WHERE token_hash = '{token}'"),
        )
        .await;
        assert_eq!(stored_plain, 0);
        let stored_hash = fetch_count(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM password_tokens WHERE token_hash = '{}' \
                 AND expires_at - created_at = {}",
                tokens::hash_token(&token),
                tokens::INVITATION_LIFETIME_SECS
            ),
        )
        .await;
        assert_eq!(stored_hash, 1);

        let signed_out = browser();
        let refused = error_json(sign_in(&app, &signed_out, "sam@northwind.example", NEW_PASSWORD).await).await;
        assert!(refused["InvalidFields"].is_array(), "no password yet: {refused}");

        let mismatch = error_json(set_password(&app, &token, NEW_PASSWORD, "something else entirely").await).await;
        assert_eq!(mismatch["InvalidFields"][0]["field"], "confirm_password");
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);

        ok_json(set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;
        let hash = stored_user(&app.store, "sam@northwind.example").await.password_hash.expect("a hash");
        assert!(hash.starts_with("$argon2"));

        let again = error_json(set_password(&app, &token, "yet another password", "yet another password").await).await;
        assert_eq!(again, json!({ "Invalid": INVALID_LINK }));
        let unchanged = stored_user(&app.store, "sam@northwind.example").await.password_hash;
        assert_eq!(unchanged.as_deref(), Some(hash.as_str()));

        let client = browser();
        ok_json(sign_in(&app, &client, "sam@northwind.example", NEW_PASSWORD).await).await;
        let me = current_user(&app, &client).await;
        assert_eq!(me["email"], "sam@northwind.example");
        assert_eq!(me["profile"], "standard");
        assert_eq!(me["account_name"], "Northwind Studio");
    }

    async fn an_expired_or_unknown_token_is_refused_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        ok_json(add_user(&app, &admin, "Sam Ortiz", "sam@northwind.example", "standard").await).await;
        let user = stored_user(&app.store, "sam@northwind.example").await;

        let secret = "ab".repeat(32);
        let now = now();
        let mut tx = app.store.begin_write().await.unwrap();
        password_tokens::insert_token(
            &mut tx,
            &tokens::hash_token(&secret),
            user.id,
            TokenPurpose::Invitation,
            now - 8 * 24 * 60 * 60,
            now - 1,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        for token in [secret.as_str(), "not-a-token", ""] {
            let refused = error_json(set_password(&app, token, NEW_PASSWORD, NEW_PASSWORD).await).await;
            assert_eq!(refused, json!({ "Invalid": INVALID_LINK }), "token {token:?}");
        }
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);
        let used = fetch_count(&app.store, "SELECT COUNT(*) FROM password_tokens WHERE used_at IS NOT NULL").await;
        assert_eq!(used, 0);
    }

    async fn forgot_password_answers_alike_and_emails_only_an_active_user(store: Store) {
        let app = spawn_app(store).await;
        let _admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let anonymous = browser();

        let unknown = call(&app, &anonymous, "request_password_reset", &[("email", "nobody@nowhere.example")]).await;
        let unknown = ok_json(unknown).await;
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM email_outbox").await, 0);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM password_tokens").await, 0);

        let known = call(&app, &anonymous, "request_password_reset", &[("email", "Nora@Northwind.example")]).await;
        assert_eq!(ok_json(known).await, unknown, "the same answer either way");
        let resets = emails_to(&app.store, "nora@northwind.example").await;
        assert_eq!(resets.len(), 1);
        assert_eq!(resets[0].kind.as_str(), "password_reset");
        let token = token_in(&resets[0]);
        let lifetime = fetch_count(
            &app.store,
            &format!(
                "SELECT expires_at - created_at FROM password_tokens WHERE token_hash = '{}'",
                tokens::hash_token(&token)
            ),
        )
        .await;
        assert_eq!(lifetime, tokens::RESET_LIFETIME_SECS);

        ok_json(set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;
        let client = browser();
        ok_json(sign_in(&app, &client, "nora@northwind.example", NEW_PASSWORD).await).await;
        assert_eq!(current_user(&app, &client).await["email"], "nora@northwind.example");
        let old = error_json(sign_in(&app, &browser(), "nora@northwind.example", PASSWORD).await).await;
        assert!(old["InvalidFields"].is_array(), "{old}");
    }

    async fn a_password_set_with_a_reset_link_signs_out_every_other_session(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let laptop = invited_and_signed_in(&app, &admin, "sam@northwind.example", "standard").await;
        let phone = browser();
        ok_json(sign_in(&app, &phone, "sam@northwind.example", NEW_PASSWORD).await).await;
        assert_eq!(current_user(&app, &laptop).await["email"], "sam@northwind.example");

        ok_json(call(&app, &browser(), "request_password_reset", &[("email", "sam@northwind.example")]).await).await;
        let emails = emails_to(&app.store, "sam@northwind.example").await;
        let reset = emails.iter().find(|email| email.kind.as_str() == "password_reset").expect("a reset link");
        ok_json(set_password(&app, &token_in(reset), "a third passphrase", "a third passphrase").await).await;

        for session in [&laptop, &phone] {
            assert_eq!(current_user(&app, session).await, Value::Null);
        }
        let fresh = browser();
        ok_json(sign_in(&app, &fresh, "sam@northwind.example", "a third passphrase").await).await;
        assert_eq!(current_user(&app, &fresh).await["email"], "sam@northwind.example");
        assert_eq!(current_user(&app, &fresh).await["email"], "sam@northwind.example", "and it stays");
        // Other users' sessions are untouched.
        assert_eq!(current_user(&app, &admin).await["email"], "nora@northwind.example");
    }

    async fn forgot_password_sends_at_most_three_links_an_hour_and_answers_alike(store: Store) {
        let app = spawn_app(store).await;
        let _admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let visitor = browser();
        let ask = || call(&app, &visitor, "request_password_reset", &[("email", "nora@northwind.example")]);
        let first = ok_json(ask().await).await;
        for _ in 0..5 {
            assert_eq!(ok_json(ask().await).await, first, "the same answer, throttled or not");
        }
        assert_eq!(emails_to(&app.store, "nora@northwind.example").await.len(), 3);

        // An hour later the window has moved on.
        execute_raw(&app.store, "UPDATE password_tokens SET created_at = created_at - 3601").await.unwrap();
        ok_json(ask().await).await;
        assert_eq!(emails_to(&app.store, "nora@northwind.example").await.len(), 4);
    }

    async fn a_deactivated_user_gets_no_reset_link(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        ok_json(add_user(&app, &admin, "Sam Ortiz", "sam@northwind.example", "standard").await).await;
        let sam = user_id(&app.store, "sam@northwind.example").await;
        ok_json(call(&app, &admin, "deactivate_user", &[("user_id", &sam)]).await).await;

        ok_json(call(&app, &browser(), "request_password_reset", &[("email", "sam@northwind.example")]).await).await;
        let emails = emails_to(&app.store, "sam@northwind.example").await;
        assert_eq!(emails.len(), 1, "only the invitation");
        // The invitation link no longer works for a deactivated user either.
        let token = token_in(&emails[0]);
        let refused = error_json(set_password(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;
        assert_eq!(refused, json!({ "Invalid": INVALID_LINK }));
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);
    }
}
