//! Sign-up, sign-in, sessions and the failed sign-in throttle, through the real router on both engines.
//!
//! Server functions are called the way a form without JavaScript (or the WASM client) calls
//! them: a same-origin `application/x-www-form-urlencoded` POST to `/api/<endpoint>`.

use entente_server::store::{Store, users};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::Value;

use crate::app::{TestApp, call, spawn_app, spawn_app_with};
use crate::helpers::{both_engines, fetch_count};

pub(crate) const PASSWORD: &str = "correct horse battery";
pub(crate) const WRONG_OR_UNKNOWN: &str = "The email or password is not correct.";

/// A client that keeps cookies like a browser and shows redirects instead of following them.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build an HTTP client")
}

pub(crate) async fn sign_up(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> reqwest::Response {
    call(
        app,
        client,
        "sign_up",
        &[
            ("account_name", "Northwind Studio"),
            ("name", "Nora Lindqvist"),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await
}

pub(crate) async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    call(
        app,
        client,
        "sign_in",
        &[("email", email), ("password", password)],
    )
    .await
}

/// The JSON `current_user` answers for this client (`null` when signed out).
pub(crate) async fn current_user(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = call(app, client, "current_user", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("JSON")
}

/// The message of the refused field `field` in an `AppError::InvalidFields` answer.
pub(crate) async fn field_error(response: reqwest::Response, field: &str) -> String {
    assert_eq!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "an error answer"
    );
    let body: Value = response.json().await.expect("a JSON error");
    body["InvalidFields"]
        .as_array()
        .and_then(|errors| errors.iter().find(|error| error["field"] == field))
        .and_then(|error| error["message"].as_str())
        .unwrap_or_else(|| panic!("no error for {field} in {body}"))
        .to_string()
}

/// The session cookie line of a response, if it sets one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|line| line.starts_with("entente_session="))
        .map(str::to_string)
}

/// The `name=value` part of a cookie line.
fn cookie_pair(line: &str) -> String {
    line.split(';').next().unwrap_or_default().to_string()
}

/// `current_user` for a request that carries exactly this cookie and nothing else.
async fn current_user_with_cookie(app: &TestApp, cookie_pair: &str) -> Value {
    let response = app
        .client
        .post(app.url("/api/current_user"))
        .header("origin", &app.address)
        .header("cookie", cookie_pair)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

both_engines! {
    async fn sign_up_creates_the_account_and_its_administrator_and_signs_in(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        assert_eq!(current_user(&app, &client).await, Value::Null);

        let response = sign_up(&app, &client, "Nora@Northwind.example").await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = session_cookie(response.headers()).expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

        let user = current_user(&app, &client).await;
        assert_eq!(user["name"], "Nora Lindqvist");
        assert_eq!(user["account_name"], "Northwind Studio");
        assert_eq!(user["email"], "nora@northwind.example");
        assert_eq!(user["profile"], "administrator");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 1);

        // The stored hash is Argon2, never the password.
        let stored = users::find_user_by_email(&app.store, "nora@northwind.example")
            .await
            .unwrap()
            .unwrap();
        let hash = stored.password_hash.expect("a hash");
        assert!(hash.starts_with("$argon2"), "{hash}");
        assert!(!hash.contains(PASSWORD));
    }

    async fn sign_up_without_javascript_redirects_home(store: Store) {
        let app = spawn_app(store).await;
        let response = browser()
            .post(app.url("/api/sign_up"))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", app.url("/sign-up"))
            .form(&[
                ("account_name", "Acme Print"),
                ("name", "Alex Moreau"),
                ("email", "alex@acme.example"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "/");
    }

    async fn sign_up_refuses_a_taken_email_and_writes_nothing(store: Store) {
        let app = spawn_app(store).await;
        assert_eq!(sign_up(&app, &browser(), "nora@northwind.example").await.status(), StatusCode::OK);

        let again = sign_up(&app, &browser(), " NORA@northwind.example ").await;
        assert_eq!(
            field_error(again, "email").await,
            "This email address is already used. Sign in instead, or use another address."
        );
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM users").await, 1);
    }

    async fn sign_up_refuses_malformed_fields_with_their_sentences(store: Store) {
        let app = spawn_app(store).await;
        let long_name = "N".repeat(101);
        let response = call(
            &app,
            &browser(),
            "sign_up",
            &[
                ("account_name", "Acme Print"),
                ("name", &long_name),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
        let body = response.text().await.unwrap();
        let errors: Value = serde_json::from_str(&body).unwrap();
        let message = |field: &str| {
            errors["InvalidFields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|error| error["field"] == field)
                .map(|error| error["message"].as_str().unwrap().to_string())
        };
        assert_eq!(message("account_name"), None);
        assert_eq!(message("name").as_deref(), Some("This name is too long (at most 100 characters)."));
        assert_eq!(
            message("email").as_deref(),
            Some("An email address needs an @, as in name@example.com.")
        );
        assert_eq!(
            message("password").as_deref(),
            Some("Your password must have at least 10 characters.")
        );
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
    }

    async fn wrong_password_and_unknown_email_get_the_same_answer(store: Store) {
        let app = spawn_app(store).await;
        sign_up(&app, &browser(), "nora@northwind.example").await;

        let wrong_password = sign_in(&app, &browser(), "nora@northwind.example", "not the password").await;
        let unknown_email = sign_in(&app, &browser(), "nobody@northwind.example", PASSWORD).await;
        assert_eq!(field_error(wrong_password, "password").await, WRONG_OR_UNKNOWN);
        assert_eq!(field_error(unknown_email, "password").await, WRONG_OR_UNKNOWN);
    }

    async fn sign_in_starts_a_new_session_id(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let first = sign_up(&app, &client, "nora@northwind.example").await;
        let first_cookie = cookie_pair(&session_cookie(first.headers()).unwrap());

        let again = sign_in(&app, &client, "NORA@northwind.example", PASSWORD).await;
        assert_eq!(again.status(), StatusCode::OK);
        let second_cookie = cookie_pair(&session_cookie(again.headers()).expect("a new cookie"));
        assert_ne!(first_cookie, second_cookie, "the session id changes at sign-in");
        assert_eq!(current_user(&app, &client).await["name"], "Nora Lindqvist");
        assert_eq!(current_user_with_cookie(&app, &second_cookie).await["name"], "Nora Lindqvist");
        assert_eq!(current_user_with_cookie(&app, &first_cookie).await, Value::Null);
    }

    async fn sign_in_redirects_to_a_local_next_path_only(store: Store) {
        let app = spawn_app(store).await;
        sign_up(&app, &browser(), "nora@northwind.example").await;
        for (next, expected) in [("/contacts", "/contacts"), ("//evil.example", "/"), ("https://evil.example", "/")] {
            let response = browser()
                .post(app.url("/api/sign_in"))
                .header("origin", &app.address)
                .header("accept", "text/html")
                .form(&[("email", "nora@northwind.example"), ("password", PASSWORD), ("next", next)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FOUND, "{next}");
            assert_eq!(response.headers()["location"], expected, "{next}");
        }
    }

    async fn sign_out_ends_the_session_on_the_server(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        let response = sign_up(&app, &client, "nora@northwind.example").await;
        let cookie = cookie_pair(&session_cookie(response.headers()).unwrap());

        let response = call(&app, &client, "sign_out", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(current_user(&app, &client).await, Value::Null);
        assert_eq!(current_user_with_cookie(&app, &cookie).await, Value::Null, "replaying the old cookie");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn five_failures_lock_the_address_even_for_the_right_password(store: Store) {
        let app = spawn_app(store).await;
        sign_up(&app, &browser(), "nora@northwind.example").await;
        call(
            &app,
            &browser(),
            "sign_up",
            &[("account_name", "Acme Print"), ("name", "Alex Moreau"), ("email", "alex@acme.example"), ("password", PASSWORD)],
        )
        .await;

        for attempt in 1..=5 {
            let response = sign_in(&app, &browser(), "nora@northwind.example", "wrong password").await;
            assert_eq!(field_error(response, "password").await, WRONG_OR_UNKNOWN, "attempt {attempt}");
        }
        let client = browser();
        let sixth = sign_in(&app, &client, "Nora@Northwind.example", PASSWORD).await;
        assert_eq!(
            field_error(sixth, "password").await,
            "Too many failed attempts. Try again in 15 minutes."
        );
        assert_eq!(current_user(&app, &client).await, Value::Null);

        let other = browser();
        assert_eq!(sign_in(&app, &other, "alex@acme.example", PASSWORD).await.status(), StatusCode::OK);
        assert_eq!(current_user(&app, &other).await["name"], "Alex Moreau");
    }

    async fn a_deactivated_user_is_signed_out_at_the_next_request(store: Store) {
        let app = spawn_app(store).await;
        let client = browser();
        sign_up(&app, &client, "nora@northwind.example").await;
        let user = current_user(&app, &client).await;
        let user_id: uuid::Uuid = user["user_id"].as_str().unwrap().parse().unwrap();

        let mut tx = app.store.begin_write().await.unwrap();
        assert!(users::set_active(&mut tx, user_id, false).await.unwrap());
        tx.commit().await.unwrap();

        let response = call(&app, &client, "current_user", &[]).await;
        let removal = session_cookie(response.headers()).expect("the cookie is removed");
        assert!(removal.contains("Max-Age=0") || removal.contains("Expires="), "{removal}");
        assert_eq!(response.json::<Value>().await.unwrap(), Value::Null);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 0);

        let again = sign_in(&app, &browser(), "nora@northwind.example", PASSWORD).await;
        assert_eq!(field_error(again, "password").await, WRONG_OR_UNKNOWN);
    }

    async fn cross_site_sign_in_is_refused(store: Store) {
        let app = spawn_app(store).await;
        let response = browser()
            .post(app.url("/api/sign_in"))
            .header("origin", "https://evil.example")
            .form(&[("email", "nora@northwind.example"), ("password", PASSWORD)])
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
        let response = sign_up(&app, &browser(), "nora@northwind.example").await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response
            .headers()
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
