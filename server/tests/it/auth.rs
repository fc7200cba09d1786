//! Sign-up, sign-in, sessions and the failed sign-in throttle, through the real router on both engines.
//!
//! Server functions are called typed, the way the WASM client calls them; the posts without
//! JavaScript and from another site are sent as the raw requests they are.

use entente_app::api::auth::{FetchCurrentUser, SignIn, SignOut, SignUp};
use entente_app::api::users::RequestPasswordReset;
use entente_app::error::AppError;
use entente_core::Profile;
use entente_server::store::{Store, users};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};

use crate::support::app::{TestApp, spawn_app, spawn_app_with};
use crate::support::both_engines;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{
    LOCKED, PASSWORD, WRONG_OR_UNKNOWN, browser, client_with_cookie, emails_to, session_cookie,
    stored_user, token_in,
};

const NORA: &str = "nora@northwind.example";

/// Nora's sign-up of Northwind Studio, typed with this `email`.
fn nora_signs_up(email: &str) -> SignUp {
    SignUp {
        account_name: "Northwind Studio".to_owned(),
        name: "Nora Lindqvist".to_owned(),
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
    }
}

/// Signs Nora up on `client` and returns the headers of the answer (its session cookie).
async fn sign_up_nora(app: &TestApp, client: &reqwest::Client) -> HeaderMap {
    let (headers, signed_up) = app.call_with_headers(client, nora_signs_up(NORA)).await;
    signed_up.expect("sign-up");
    headers
}

/// The `name=value` part of a cookie line.
fn cookie_pair(line: &str) -> String {
    line.split(';').next().unwrap_or_default().to_string()
}

/// The name of the user a request carrying only this cookie is signed in as, if any.
async fn signed_in_name_with_cookie(app: &TestApp, cookie_pair: &str) -> Option<String> {
    let user = app.current_user(&client_with_cookie(cookie_pair)).await;
    user.map(|user| user.name.as_str().to_owned())
}

both_engines! {
    async fn sign_up_creates_the_account_and_its_administrator_and_signs_in(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        assert_eq!(app.current_user(&client).await, None);

        let (headers, signed_up) = app.call_with_headers(&client, nora_signs_up("Nora@Northwind.example")).await;
        signed_up.expect("sign-up");
        let cookie = session_cookie(&headers).expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

        let user = app.current_user(&client).await.expect("signed in");
        assert_eq!(user.name.as_str(), "Nora Lindqvist");
        assert_eq!(user.account_name.as_str(), "Northwind Studio");
        assert_eq!(user.email.as_str(), NORA);
        assert_eq!(user.profile, Profile::Administrator);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 1);

        // The stored hash is Argon2, never the password.
        let stored = stored_user(&app.store, NORA).await;
        let hash = stored.password_hash.expect("a hash");
        assert!(hash.starts_with("$argon2"), "{hash}");
        assert!(!hash.contains(PASSWORD));
    }

    async fn sign_up_without_javascript_redirects_home(store: Store) {
        let app = spawn_app(store).await;
        let fields = [
            ("account_name", "Acme Print"),
            ("name", "Alex Moreau"),
            ("email", "alex@acme.example"),
            ("password", PASSWORD),
        ];
        let response = app.post_html_form(&browser(), "/api/sign_up", &fields, "/sign-up").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "/");
    }

    async fn sign_up_refuses_a_taken_email_and_writes_nothing(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;

        let again = app.call(&browser(), nora_signs_up(" NORA@northwind.example ")).await.unwrap_err();
        assert_eq!(
            again.with_status(StatusCode::CONFLICT),
            AppError::field_conflict(
                "email",
                "This email address is already used. Sign in instead, or use another address."
            )
        );
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 1);
    }

    async fn sign_up_refuses_malformed_fields_with_their_sentences(store: Store) {
        let app = spawn_app(store).await;
        let malformed = SignUp {
            account_name: "Acme Print".to_owned(),
            name: "N".repeat(101),
            email: "not-an-email".to_owned(),
            password: "short".to_owned(),
        };
        let refused = app.call(&browser(), malformed).await.unwrap_err();
        let error = refused.with_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(matches!(error, AppError::InvalidFields(_)), "{error:?}");
        assert_eq!(error.message_for("account_name"), None);
        assert_eq!(error.message_for("name").as_deref(), Some("This name is too long (at most 100 characters)."));
        assert_eq!(
            error.message_for("email").as_deref(),
            Some("An email address needs an @, as in name@example.com.")
        );
        assert_eq!(
            error.message_for("password").as_deref(),
            Some("Your password must have at least 10 characters.")
        );
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
    }

    async fn sign_up_refuses_a_guessable_password_and_creates_nothing(store: Store) {
        let app = spawn_app(store).await;
        for password in ["aaaaaaaaaa", "password123", "acmeprint2026", "Maria Lopez 1"] {
            let guessable = SignUp {
                account_name: "Acme Print".to_owned(),
                name: "Maria Lopez".to_owned(),
                email: "maria@acme.example".to_owned(),
                password: password.to_owned(),
            };
            let refused = app.call(&browser(), guessable).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
            assert!(refused.field("password").starts_with("Your password") || refused.field("password").starts_with("This password"), "{password}");
        }
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn wrong_password_and_unknown_email_get_the_same_answer(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;

        let wrong_password = app.sign_in(&browser(), NORA, "not the password").await.unwrap_err();
        let unknown_email = app.sign_in(&browser(), "nobody@northwind.example", PASSWORD).await.unwrap_err();
        for refused in [wrong_password, unknown_email] {
            assert_eq!(
                refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
                AppError::field("password", WRONG_OR_UNKNOWN)
            );
        }
    }

    async fn sign_in_starts_a_new_session_id(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let first = sign_up_nora(&app, &client).await;
        let first_cookie = cookie_pair(&session_cookie(&first).unwrap());

        let sign_in = SignIn { email: "NORA@northwind.example".to_owned(), password: PASSWORD.to_owned(), next: None };
        let (again, signed_in) = app.call_with_headers(&client, sign_in).await;
        assert_eq!(signed_in.expect("sign-in").email.as_str(), NORA);
        let second_cookie = cookie_pair(&session_cookie(&again).expect("a new cookie"));
        assert_ne!(first_cookie, second_cookie, "the session id changes at sign-in");
        let user = app.current_user(&client).await.expect("signed in");
        assert_eq!(user.name.as_str(), "Nora Lindqvist");
        assert_eq!(signed_in_name_with_cookie(&app, &second_cookie).await.as_deref(), Some("Nora Lindqvist"));
        assert_eq!(signed_in_name_with_cookie(&app, &first_cookie).await, None);
    }

    async fn sign_in_redirects_to_a_local_next_path_only(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;
        for (next, expected) in [("/contacts", "/contacts"), ("//evil.example", "/"), ("https://evil.example", "/")] {
            let fields = [("email", NORA), ("password", PASSWORD), ("next", next)];
            let response = app.post_html_form(&browser(), "/api/sign_in", &fields, "/sign-in").await;
            assert_eq!(response.status(), StatusCode::FOUND, "{next}");
            assert_eq!(response.headers()["location"], expected, "{next}");
        }
    }

    async fn sign_out_ends_the_session_on_the_server(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let signed_up = sign_up_nora(&app, &client).await;
        let cookie = cookie_pair(&session_cookie(&signed_up).unwrap());

        app.call(&client, SignOut {}).await.expect("sign-out");
        assert_eq!(app.current_user(&client).await, None);
        assert_eq!(signed_in_name_with_cookie(&app, &cookie).await, None, "replaying the old cookie");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn five_failures_lock_the_address_even_for_the_right_password(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;
        app.sign_up("Acme Print", "alex@acme.example").await;

        app.fail_sign_ins(&browser(), NORA, 5).await;
        let client = browser();
        let sixth = app.sign_in(&client, "Nora@Northwind.example", PASSWORD).await.unwrap_err();
        assert_eq!(sixth.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));
        assert_eq!(app.current_user(&client).await, None);

        let other = browser();
        app.sign_in(&other, "alex@acme.example", PASSWORD).await.expect("another address signs in");
        let alex = app.current_user(&other).await.expect("signed in");
        assert_eq!(alex.email.as_str(), "alex@acme.example");
    }

    async fn one_client_trying_many_addresses_waits_after_thirty_failures_and_others_do_not(store: Store) {
        // Behind a trusted proxy, as in production, so the test can be two clients.
        let app = spawn_app_with(store, |args| {
            args.connections.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        })
        .await;
        app.sign_up("Northwind Studio", NORA).await;
        let from = |address: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", address.parse().unwrap());
            reqwest::Client::builder()
                .default_headers(headers)
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
        };
        let sprayer = from("203.0.113.7");
        for n in 0..30 {
            let refused = app
                .sign_in(&sprayer, &format!("someone{n}@northwind.example"), "Winter2026!")
                .await
                .unwrap_err();
            assert_eq!(
                refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
                AppError::field("password", WRONG_OR_UNKNOWN),
                "attempt {n}: no single address is over its limit"
            );
        }
        // The thirty-first attempt from that client waits, whatever the address and password.
        let waits = app.sign_in(&sprayer, NORA, PASSWORD).await.unwrap_err();
        assert_eq!(waits.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));
        assert_eq!(app.current_user(&sprayer).await, None);
        // Nobody else is held up by that client, Nora least of all.
        let nora = from("198.51.100.9");
        app.sign_in(&nora, NORA, PASSWORD).await.expect("another client signs in");
        assert_eq!(
            fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures WHERE client = '203.0.113.7'").await,
            30,
            "the refused attempt is not counted again"
        );
    }

    async fn a_password_set_through_an_emailed_link_lifts_the_lock_on_its_address(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;
        app.fail_sign_ins(&browser(), NORA, 5).await;
        let locked = app.sign_in(&browser(), NORA, PASSWORD).await.unwrap_err();
        assert_eq!(locked.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));

        app.call(&browser(), RequestPasswordReset { email: NORA.to_owned() })
            .await
            .expect("the reset form answers");
        let emails = emails_to(&app.store, NORA).await;
        let reset = emails
            .iter()
            .find(|email| email.text_body.contains("/set-password?token="))
            .expect("a reset email");
        let token = token_in(reset);
        app.set_password(&token, "a new passphrase for Nora").await.expect("the link sets a password");

        let client = browser();
        app.sign_in(&client, NORA, "a new passphrase for Nora").await.expect("the owner signs in again at once");
        assert_eq!(app.current_user(&client).await.map(|user| user.email.as_str().to_owned()), Some(NORA.to_owned()));
    }

    async fn others_guesses_do_not_lock_out_the_browser_that_signed_in_before(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", NORA).await;
        // Nora's laptop signed in once (and out again): it keeps a known-device cookie.
        let laptop = browser();
        app.sign_in(&laptop, NORA, PASSWORD).await.expect("the laptop signs in");
        app.call(&laptop, SignOut {}).await.expect("sign-out");

        // Someone else guesses five times: the address is locked for every other browser...
        app.fail_sign_ins(&browser(), NORA, 5).await;
        let stranger = app.sign_in(&browser(), NORA, PASSWORD).await.unwrap_err();
        assert_eq!(stranger.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));
        // ...but not for the laptop, whose right password still signs Nora in.
        app.sign_in(&laptop, NORA, PASSWORD).await.expect("the known device signs in");
        assert_eq!(app.current_user(&laptop).await.map(|user| user.email.as_str().to_owned()), Some(NORA.to_owned()));
        app.call(&laptop, SignOut {}).await.expect("sign-out");

        // The laptop's own five failures lock it too.
        app.fail_sign_ins(&laptop, NORA, 5).await;
        let locked = app.sign_in(&laptop, NORA, PASSWORD).await.unwrap_err();
        assert_eq!(locked.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));

        // A device cookie of another address, or a made-up one, is an unknown device.
        let forged = client_with_cookie(&format!("entente_device={}", "ab".repeat(32)));
        let refused = app.sign_in(&forged, NORA, PASSWORD).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM known_devices").await, 1, "one device, remembered once");
    }

    async fn the_device_cookie_is_kept_from_scripts_and_other_sites_and_behind_https_secure(store: Store) {
        let app = spawn_app_with(store, |args| {
            args.public_url = Some("https://entente.example".parse().unwrap());
        })
        .await;
        app.sign_up("Northwind Studio", NORA).await;
        let form = SignIn { email: NORA.to_owned(), password: PASSWORD.to_owned(), next: None };
        let (headers, signed_in) = app.call_with_headers(&browser(), form).await;
        signed_in.expect("sign-in");
        let cookie = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|line| line.starts_with("__Host-entente_device="))
            .expect("a known-device cookie");
        for part in ["Path=/", "Max-Age=31536000", "HttpOnly", "SameSite=Lax", "Secure"] {
            assert!(cookie.split("; ").any(|attribute| attribute == part), "{part} in {cookie}");
        }
        let secret = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
        assert_eq!(secret.len(), 64, "32 random bytes");
        assert_eq!(
            fetch_count(&app.store, &format!("SELECT COUNT(*) FROM known_devices WHERE token_hash = '{secret}'")).await,
            0,
            "only the secret's hash is stored"
        );
    }

    async fn a_deactivated_user_is_signed_out_at_the_next_request(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", NORA).await;

        let mut tx = app.store.begin_write().await.unwrap();
        assert!(users::set_active(&mut tx, northwind.admin_id, false, entente_server::store::now()).await.unwrap());
        tx.commit().await.unwrap();

        let (headers, user) = app.call_with_headers(&northwind.admin, FetchCurrentUser {}).await;
        let removal = session_cookie(&headers).expect("the cookie is removed");
        assert!(removal.contains("Max-Age=0") || removal.contains("Expires="), "{removal}");
        assert_eq!(user.expect("current_user answers"), None);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 0);

        let again = app.sign_in(&browser(), NORA, PASSWORD).await.unwrap_err();
        assert_eq!(again.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::field("password", WRONG_OR_UNKNOWN));
    }

    async fn cross_site_sign_in_is_refused(store: Store) {
        let app = spawn_app(store).await;
        let response = browser()
            .post(app.url("/api/sign_in"))
            .header("origin", "https://evil.example")
            .form(&[("email", NORA), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    async fn cross_site_sign_up_form_post_is_refused_and_writes_nothing(store: Store) {
        let app = spawn_app(store).await;
        for (header, value) in [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
            ("referer", "https://evil.example/a-page-with-a-hidden-form"),
        ] {
            let response = browser()
                .post(app.url("/api/sign_up"))
                .header(header, value)
                .form(&[
                    ("account_name", "Mallory Ltd"),
                    ("name", "Mallory"),
                    ("email", "mallory@evil.example"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{header}: {value}");
            assert!(
                !response.headers().contains_key(SET_COOKIE),
                "no session for a refused request"
            );
        }
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn behind_https_the_cookie_is_secure_and_host_prefixed(store: Store) {
        let public_url = url::Url::parse("https://entente.example").unwrap();
        let app = spawn_app_with(store, |args| args.public_url = Some(public_url)).await;
        let headers = sign_up_nora(&app, &browser()).await;
        let cookie = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|line| line.starts_with("__Host-entente_session="))
            .expect("a __Host- session cookie")
            .to_string();
        for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attribute), "{attribute} in {cookie}");
        }
        assert!(!cookie.contains("Domain"), "{cookie}");
    }
}
