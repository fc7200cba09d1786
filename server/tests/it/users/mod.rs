//! The Users page's server functions, set-password links and password resets, through the real
//! router on both engines: shared helpers, then one module per area.

mod admin;
mod pages;
mod passwords;

use entente_server::store::outbox::{self, OutboxRecord};
use entente_server::store::{Store, users};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::app::{TestApp, call};
use crate::auth::{PASSWORD, browser};

/// The password invited users choose in these tests.
const NEW_PASSWORD: &str = "a brand new passphrase";

/// The JSON of a successful answer, panicking with the body otherwise.
pub(crate) async fn ok_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

/// The serialized `AppError` of a refused call.
pub(crate) async fn error_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

/// Signs up a new organization whose Administrator has `email`, and returns their browser.
pub(crate) async fn sign_up_admin(
    app: &TestApp,
    account_name: &str,
    email: &str,
) -> reqwest::Client {
    let client = browser();
    let fields = [
        ("account_name", account_name),
        ("name", "First Admin"),
        ("email", email),
        ("password", PASSWORD),
    ];
    ok_json(call(app, &client, "sign_up", &fields).await).await;
    client
}

/// Asks the server, as `client`, to add a user.
pub(crate) async fn add_user(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    email: &str,
    profile: &str,
) -> reqwest::Response {
    let fields = [("name", name), ("email", email), ("profile", profile)];
    call(app, client, "add_user", &fields).await
}

/// Signs in as `client`.
async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let fields = [("email", email), ("password", password)];
    call(app, client, "sign_in", &fields).await
}

/// Sets a password with a link's token.
async fn set_password(
    app: &TestApp,
    token: &str,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    let fields = [
        ("token", token),
        ("password", password),
        ("confirm_password", confirm),
    ];
    call(app, &browser(), "set_password", &fields).await
}

/// The signed-in user as `client` sees it (`null` when signed out).
async fn current_user(app: &TestApp, client: &reqwest::Client) -> Value {
    ok_json(call(app, client, "current_user", &[]).await).await
}

/// Every email written to `to`, newest first.
pub(crate) async fn emails_to(store: &Store, to: &str) -> Vec<OutboxRecord> {
    outbox::list_recent(store, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|email| email.recipient == to)
        .collect()
}

/// The token of the set-password link in an email's text body.
fn token_in(email: &OutboxRecord) -> String {
    let start = email
        .text_body
        .find("/set-password?token=")
        .unwrap_or_else(|| panic!("no set-password link in {}", email.text_body))
        + "/set-password?token=".len();
    email.text_body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// The stored user with this address.
pub(crate) async fn stored_user(store: &Store, email: &str) -> users::UserRecord {
    users::find_user_by_email(store, email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

/// The id of the user with this address, as form text.
async fn user_id(store: &Store, email: &str) -> String {
    stored_user(store, email).await.id.to_string()
}

/// Adds a user with `profile` as `admin`, sets their password through the invitation link and
/// returns their signed-in browser.
pub(crate) async fn invited_and_signed_in(
    app: &TestApp,
    admin: &reqwest::Client,
    email: &str,
    profile: &str,
) -> reqwest::Client {
    ok_json(add_user(app, admin, "Sam Invited", email, profile).await).await;
    let invitation = emails_to(&app.store, email).await;
    let token = token_in(&invitation[0]);
    ok_json(set_password(app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;
    let client = browser();
    ok_json(sign_in(app, &client, email, NEW_PASSWORD).await).await;
    client
}

/// The account id of the user with this address.
pub(crate) async fn account_of(store: &Store, email: &str) -> Uuid {
    stored_user(store, email).await.account_id
}
