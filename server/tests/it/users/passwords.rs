//! Set-password links (single use, expiry, confirmation) and "Forgot your password?".

use entente_app::api::users::{AddUser, DeactivateUser, RequestPasswordReset, SetPassword};
use entente_app::error::AppError;
use entente_core::Profile;
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use entente_server::store::password_tokens::{self, TokenPurpose};
use entente_server::users::tokens;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::{execute_raw, fetch_count};
use crate::support::fixtures::{
    PASSWORD, WRONG_OR_UNKNOWN, browser, emails_to, stored_user, token_in,
};

/// The password invited users choose in these tests.
const NEW_PASSWORD: &str = "a brand new passphrase";

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

/// How many reset links went to `to`.
async fn resets_to(store: &Store, to: &str) -> usize {
    emails_to(store, to)
        .await
        .iter()
        .filter(|email| email.kind == EmailKind::PasswordReset)
        .count()
}

/// Adds Sam Ortiz, a Standard user, to the account of `admin`.
async fn add_sam(
    app: &TestApp,
    admin: &reqwest::Client,
    email: &str,
) -> entente_app::api::users::AccountUser {
    let sam = AddUser {
        name: "Sam Ortiz".to_owned(),
        email: email.to_owned(),
        profile: "standard".to_owned(),
    };
    app.call(admin, sam).await.expect("add Sam")
}

/// Asks for a reset link for `email`, as a visitor on `client`.
async fn forgot_password(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> Result<(), Refused> {
    app.call(
        client,
        RequestPasswordReset {
            email: email.to_owned(),
        },
    )
    .await
}

/// The refusal of a link that does not work, with its status.
fn invalid_link(refused: Refused) {
    assert_eq!(
        refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Invalid(INVALID_LINK.to_owned())
    );
}

both_engines! {
    async fn an_invitation_token_sets_the_password_once_and_the_user_signs_in_with_it(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let added = add_sam(&app, &northwind.admin, "Sam@Northwind.example").await;
        assert_eq!(added.email.as_str(), "sam@northwind.example");
        assert!(!added.has_password);

        let user = stored_user(&app.store, "sam@northwind.example").await;
        assert_eq!(user.password_hash, None);
        assert_eq!(user.profile, Profile::Standard);
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

        let refused = app.sign_in(&browser(), "sam@northwind.example", NEW_PASSWORD).await.unwrap_err();
        assert_eq!(
            refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
            AppError::field("password", WRONG_OR_UNKNOWN),
            "no password yet"
        );

        let mismatch = SetPassword {
            token: token.clone(),
            password: NEW_PASSWORD.to_owned(),
            confirm_password: "something else entirely".to_owned(),
        };
        let mismatch = app.call(&browser(), mismatch).await.unwrap_err();
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(mismatch.field("confirm_password"), "The two passwords are not the same.");
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);

        app.set_password(&token, NEW_PASSWORD).await.expect("the first use of the link");
        let hash = stored_user(&app.store, "sam@northwind.example").await.password_hash.expect("a hash");
        assert!(hash.starts_with("$argon2"));

        invalid_link(app.set_password(&token, "yet another password").await.unwrap_err());
        let unchanged = stored_user(&app.store, "sam@northwind.example").await.password_hash;
        assert_eq!(unchanged.as_deref(), Some(hash.as_str()));

        let client = browser();
        app.sign_in(&client, "sam@northwind.example", NEW_PASSWORD).await.expect("sign in");
        let me = app.current_user(&client).await.expect("signed in");
        assert_eq!(me.email.as_str(), "sam@northwind.example");
        assert_eq!(me.profile, Profile::Standard);
        assert_eq!(me.account_name.as_str(), "Northwind Studio");
    }

    async fn set_password_refuses_guessable_passwords_and_keeps_the_link_usable(store: Store) {
        // Issue 12, ASVS V6: common passwords, ones built on the person's own name, address
        // or organization, and runs of few characters are refused with a sentence that says
        // which; nothing is stored and the link still works.
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        add_sam(&app, &northwind.admin, "sam.ortiz@northwind.example").await;
        let token = token_in(&emails_to(&app.store, "sam.ortiz@northwind.example").await[0]);
        let cases = [
            ("aaaaaaaaaa", "Your password repeats too few characters: use more different ones."),
            ("P@ssw0rd2026!", "This password is among the most common ones, which are tried first: choose another."),
            ("samortiz2026", "Your password cannot be built on your name, email address or organization's name."),
            ("Northwind Studio!", "Your password cannot be built on your name, email address or organization's name."),
        ];
        for (password, sentence) in cases {
            let refused = app.set_password(&token, password).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
            assert_eq!(refused.field("password"), sentence, "{password}");
        }
        assert_eq!(stored_user(&app.store, "sam.ortiz@northwind.example").await.password_hash, None);
        app.set_password(&token, NEW_PASSWORD).await.expect("the link still works");
    }

    async fn an_expired_or_unknown_token_is_refused_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        add_sam(&app, &northwind.admin, "sam@northwind.example").await;
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
            let refused = app.set_password(token, NEW_PASSWORD).await.unwrap_err();
            assert_eq!(
                refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
                AppError::Invalid(INVALID_LINK.to_owned()),
                "token {token:?}"
            );
        }
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);
        let used = fetch_count(&app.store, "SELECT COUNT(*) FROM password_tokens WHERE used_at IS NOT NULL").await;
        assert_eq!(used, 0);
    }

    async fn forgot_password_answers_alike_and_emails_only_an_active_user(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let anonymous = browser();

        let unknown = forgot_password(&app, &anonymous, "nobody@nowhere.example").await;
        assert_eq!(unknown, Ok(()));
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM email_outbox WHERE kind = 'password_reset'").await, 0);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM password_tokens").await, 0);

        let known = forgot_password(&app, &anonymous, "Nora@Northwind.example").await;
        assert_eq!(known, unknown, "the same answer either way");
        let resets: Vec<_> = emails_to(&app.store, "nora@northwind.example")
            .await
            .into_iter()
            .filter(|email| email.kind != EmailKind::EmailVerification)
            .collect();
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

        app.set_password(&token, NEW_PASSWORD).await.expect("set the new password");
        let client = browser();
        app.sign_in(&client, "nora@northwind.example", NEW_PASSWORD).await.expect("sign in");
        assert_eq!(app.current_user(&client).await.expect("signed in").email.as_str(), "nora@northwind.example");
        let old = app.sign_in(&browser(), "nora@northwind.example", PASSWORD).await.unwrap_err();
        assert_eq!(old.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::field("password", WRONG_OR_UNKNOWN));
    }

    async fn a_password_set_with_a_reset_link_signs_out_every_other_session(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let laptop = app.invited_and_signed_in(&northwind.admin, "sam@northwind.example", Profile::Standard).await;
        let phone = browser();
        app.sign_in(&phone, "sam@northwind.example", PASSWORD).await.expect("sign in on the phone");
        assert_eq!(app.current_user(&laptop).await.expect("signed in").email.as_str(), "sam@northwind.example");

        forgot_password(&app, &browser(), "sam@northwind.example").await.expect("a reset link");
        let emails = emails_to(&app.store, "sam@northwind.example").await;
        let reset = emails.iter().find(|email| email.kind.as_str() == "password_reset").expect("a reset link");
        app.set_password(&token_in(reset), "a third passphrase").await.expect("set the new password");

        for session in [&laptop, &phone] {
            assert_eq!(app.current_user(session).await, None);
        }
        let fresh = browser();
        app.sign_in(&fresh, "sam@northwind.example", "a third passphrase").await.expect("sign in");
        assert_eq!(app.current_user(&fresh).await.expect("signed in").email.as_str(), "sam@northwind.example");
        assert_eq!(app.current_user(&fresh).await.expect("and it stays").email.as_str(), "sam@northwind.example");
        // Other users' sessions are untouched.
        let nora = app.current_user(&northwind.admin).await.expect("still signed in");
        assert_eq!(nora.email.as_str(), "nora@northwind.example");
    }

    async fn forgot_password_sends_at_most_three_links_an_hour_and_answers_alike(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let visitor = browser();
        let ask = || forgot_password(&app, &visitor, "nora@northwind.example");
        let first = ask().await;
        assert_eq!(first, Ok(()));
        for _ in 0..5 {
            assert_eq!(ask().await, first, "the same answer, throttled or not");
        }
        assert_eq!(resets_to(&app.store, "nora@northwind.example").await, 3);

        // An hour later the window has moved on.
        execute_raw(&app.store, "UPDATE password_tokens SET created_at = created_at - 3601").await.unwrap();
        ask().await.expect("a fourth link");
        assert_eq!(resets_to(&app.store, "nora@northwind.example").await, 4);
    }

    async fn twenty_reset_requests_at_once_still_send_three_links(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let asks = (0..20).map(|_| async {
            forgot_password(&app, &browser(), "nora@northwind.example").await
        });
        for answer in futures::future::join_all(asks).await {
            assert_eq!(answer, Ok(()), "the same answer, throttled or not");
        }
        assert_eq!(resets_to(&app.store, "nora@northwind.example").await, 3);
    }

    async fn a_deactivated_user_gets_no_reset_link(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let sam = add_sam(&app, &northwind.admin, "sam@northwind.example").await;
        let deactivate = DeactivateUser { user_id: sam.user_id.to_string() };
        app.call(&northwind.admin, deactivate).await.expect("deactivate Sam");

        forgot_password(&app, &browser(), "sam@northwind.example").await.expect("the same answer");
        let emails = emails_to(&app.store, "sam@northwind.example").await;
        assert_eq!(emails.len(), 1, "only the invitation");
        // The invitation link no longer works for a deactivated user either.
        let token = token_in(&emails[0]);
        invalid_link(app.set_password(&token, NEW_PASSWORD).await.unwrap_err());
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.password_hash, None);
    }
}
