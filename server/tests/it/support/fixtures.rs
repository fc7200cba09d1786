//! Signed-in organizations and their users, and the emails the server wrote for them: the
//! set-ups tests build on, through the same server functions a person uses.

use entente_app::api::auth::{FetchCurrentUser, SignIn, SignUp, VerifyEmail};
use entente_app::api::session::CurrentUser;
use entente_app::api::users::{AddUser, SetPassword};
use entente_app::error::AppError;
use entente_core::sign_in::SLOW_DOWN_SECONDS;
use entente_core::{AccountId, Email, Profile, UserId};
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use entente_server::store::outbox::{self, OutboxRecord};
use entente_server::store::users::{self, UserRecord};

use super::app::TestApp;

/// The password of every user the fixtures create.
pub const PASSWORD: &str = "correct horse battery";

/// The one refusal of a wrong password and of an unknown address, beside `password`.
pub const WRONG_OR_UNKNOWN: &str = "The email or password is not correct.";

/// The refusal of a sign-in once an address has failed five times in the window.
pub const LOCKED: &str = "Too many failed attempts. Try again in 15 minutes.";

/// A client that keeps cookies like a browser and shows redirects instead of following them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build an HTTP client")
}

/// A client that sends exactly this `name=value` cookie with every request, and nothing else
/// (no cookie store, no redirects): a browser replaying a session cookie.
pub fn client_with_cookie(pair: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        pair.parse().expect("a valid cookie header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build an HTTP client")
}

/// The session cookie line (`entente_session=…; …`) an answer sets, if it sets one.
pub fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|line| line.starts_with("entente_session="))
        .map(str::to_owned)
}

/// An organization that signed up, with its first Administrator signed in.
pub struct Organization {
    /// The organization's name.
    pub name: String,
    /// The account's id.
    pub account_id: AccountId,
    /// The first Administrator's id.
    pub admin_id: UserId,
    /// The first Administrator's address.
    pub admin_email: String,
    /// The first Administrator's signed-in browser.
    pub admin: reqwest::Client,
}

impl TestApp {
    /// Signs up `organization` with a first Administrator ("First Admin") at `email`, signed in,
    /// and confirms its address with the link the sign-up emailed (as a person would), so it
    /// may take part in partnerships.
    pub async fn sign_up(&self, organization: &str, email: &str) -> Organization {
        let organization = self.sign_up_unverified(organization, email).await;
        let link = emails_to(&self.store, &organization.admin_email)
            .await
            .into_iter()
            .find(|sent| sent.kind == EmailKind::EmailVerification)
            .expect("the sign-up emailed a link to confirm the address");
        let confirm = VerifyEmail {
            token: token_after(&link, "/verify-email?token="),
        };
        self.call(&browser(), confirm)
            .await
            .expect("confirm the address");
        organization
    }

    /// Signs up `organization` like [`TestApp::sign_up`], without confirming its address.
    pub async fn sign_up_unverified(&self, organization: &str, email: &str) -> Organization {
        let admin = browser();
        let signed_up = self
            .call(
                &admin,
                SignUp {
                    account_name: organization.to_owned(),
                    name: "First Admin".to_owned(),
                    email: email.to_owned(),
                    password: PASSWORD.to_owned(),
                },
            )
            .await
            .expect("sign-up");
        Organization {
            name: organization.to_owned(),
            account_id: signed_up.account_id,
            admin_id: signed_up.user_id,
            admin_email: signed_up.email.as_str().to_owned(),
            admin,
        }
    }

    /// Adds a user ("Sam Invited") with `profile` as `admin`, sets their password through the
    /// invitation link and returns their signed-in browser.
    pub async fn invited_and_signed_in(
        &self,
        admin: &reqwest::Client,
        email: &str,
        profile: Profile,
    ) -> reqwest::Client {
        self.call(
            admin,
            AddUser {
                name: "Sam Invited".to_owned(),
                email: email.to_owned(),
                profile: profile.as_str().to_owned(),
            },
        )
        .await
        .expect("add the user");
        let invitation = emails_to(&self.store, email).await;
        self.set_password(&token_in(&invitation[0]), PASSWORD)
            .await
            .expect("set the password");
        let client = browser();
        self.sign_in(&client, email, PASSWORD)
            .await
            .expect("sign in");
        client
    }

    /// Sets a password with a link's token.
    pub async fn set_password(
        &self,
        token: &str,
        password: &str,
    ) -> Result<(), super::calls::Refused> {
        let form = SetPassword {
            token: token.to_owned(),
            password: password.to_owned(),
            confirm_password: password.to_owned(),
        };
        self.call(&browser(), form).await
    }

    /// Fails `times` sign-ins to `email` from `client`, each refused as a wrong password, and
    /// after each moves every recorded failure back by the slow-down it calls for, as if the
    /// person waited it out (core's `SLOW_DOWN_SECONDS`), so the next try is checked.
    pub async fn fail_sign_ins(&self, client: &reqwest::Client, email: &str, times: usize) {
        for failed in 1..=times {
            let refused = self
                .sign_in(client, email, "wrong password")
                .await
                .expect_err("a wrong password is refused");
            assert_eq!(
                refused.with_status(reqwest::StatusCode::UNPROCESSABLE_ENTITY),
                AppError::field("password", WRONG_OR_UNKNOWN),
                "failure {failed} of {times}"
            );
            let wait = SLOW_DOWN_SECONDS.get(failed).copied().unwrap_or(0);
            super::engines::execute_raw(
                &self.store,
                &format!("UPDATE sign_in_failures SET failed_at = failed_at - {wait}"),
            )
            .await
            .expect("move the failures back");
        }
    }

    /// The user signed in on `client`, or `None` when nobody is.
    pub async fn current_user(&self, client: &reqwest::Client) -> Option<CurrentUser> {
        self.call(client, FetchCurrentUser {})
            .await
            .expect("current_user answers everyone")
    }

    /// Signs `client` in.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> Result<CurrentUser, super::calls::Refused> {
        let form = SignIn {
            email: email.to_owned(),
            password: password.to_owned(),
            next: None,
        };
        self.call(client, form).await
    }
}

/// Every email written to `to`, newest first.
pub async fn emails_to(store: &Store, to: &str) -> Vec<OutboxRecord> {
    outbox::list_recent(store, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|email| email.recipient == to)
        .collect()
}

/// The token of the set-password link in an email's text body.
pub fn token_in(email: &OutboxRecord) -> String {
    token_after(email, "/set-password?token=")
}

/// The token after `link` (`/page?token=`) in an email's text body.
pub fn token_after(email: &OutboxRecord, link: &str) -> String {
    let start = email
        .text_body
        .find(link)
        .unwrap_or_else(|| panic!("no {link} link in {}", email.text_body))
        + link.len();
    email.text_body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// The stored user with this address.
pub async fn stored_user(store: &Store, email: &str) -> UserRecord {
    let address = Email::parse(email).expect("a valid address");
    users::find_user_by_email(store, &address)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

impl TestApp {
    /// The id of the request with `organization` on `client`'s Partners tab.
    pub async fn request_with(&self, client: &reqwest::Client, organization: &str) -> String {
        let list = entente_app::api::partners::ListPartners {
            status: None,
            q: None,
            after: None,
        };
        let list = self.call(client, list).await.expect("the Partners tab");
        list.rows
            .iter()
            .find(|row| row.other_organization == organization)
            .unwrap_or_else(|| panic!("no request with {organization}: {list:?}"))
            .request
            .id()
            .to_string()
    }

    /// Sends an invitation from `from` to `to`'s Administrator and returns the request's id.
    pub async fn invite(&self, from: &Organization, to: &Organization) -> String {
        let send = entente_app::api::partners::SendPartnerRequest {
            email: to.admin_email.clone(),
        };
        self.call(&from.admin, send).await.expect("invite");
        self.request_with(&from.admin, &to.name).await
    }

    /// Acts on a partner request (`accept`, `reject`, `delete`) as `client`.
    pub async fn act(&self, client: &reqwest::Client, action: &str, request: &str) {
        let act = entente_app::api::partners::ActOnPartnerRequest {
            action: action.to_owned(),
            request_id: request.to_owned(),
        };
        self.call(client, act).await.expect("the action");
    }

    /// `from` invites `to` and `to` accepts: the two are partners. Returns the request's id.
    pub async fn partner(&self, from: &Organization, to: &Organization) -> String {
        let request = self.invite(from, to).await;
        self.act(&to.admin, "accept", &request).await;
        request
    }
}
