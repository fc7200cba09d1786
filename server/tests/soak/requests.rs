//! Requests whose outcome is recorded rather than asserted: under a fault a call is answered
//! (2xx, or a refusal with its status) or gets no answer at all (refused or reset connection,
//! the client's time limit), and the scenario counts each kind. Every request is timed.

use std::time::{Duration, Instant};

use entente_app::error::AppError;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long a soak client waits for an answer before it counts the request as unanswered.
pub const CLIENT_TIME_LIMIT: Duration = Duration::from_secs(30);

/// A browser for the soak tests: keeps cookies, shows redirects, gives up after
/// [`CLIENT_TIME_LIMIT`].
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(CLIENT_TIME_LIMIT)
        .build()
        .expect("build an HTTP client")
}

/// What the server answered.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The `Location` header, for redirects.
    pub location: Option<String>,
    /// The body, as text.
    pub body: String,
}

impl Answer {
    /// The answer's body read as a server function's output; panics if it is not one.
    pub fn output<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not a server function's output ({error}): {self:?}"))
    }

    /// The error a refused server function answered with, if the body is one.
    pub fn app_error(&self) -> Option<AppError> {
        serde_json::from_str(&self.body).ok()
    }

    /// A short description for the figures: the status, and where a redirect goes.
    pub fn describe(&self) -> String {
        match &self.location {
            Some(location) => format!("{} to {location}", self.status.as_u16()),
            None => self.status.as_u16().to_string(),
        }
    }
}

/// A request's outcome and how long it took.
#[derive(Debug)]
pub struct Timed {
    /// The answer, or why there was none.
    pub outcome: Result<Answer, String>,
    /// From sending to the end of the body (or the failure).
    pub elapsed: Duration,
}

impl Timed {
    /// The answer; panics with the reason when there was none.
    pub fn answered(self) -> Answer {
        self.outcome
            .unwrap_or_else(|reason| panic!("no answer after {:?}: {reason}", self.elapsed))
    }

    /// The status and the time, or the failure and the time, for the figures.
    pub fn describe(&self) -> String {
        match &self.outcome {
            Ok(answer) => format!("{} in {} ms", answer.describe(), self.elapsed.as_millis()),
            Err(reason) => format!("no answer ({reason}) after {} ms", self.elapsed.as_millis()),
        }
    }
}

/// `GET url` as `client`.
pub async fn get(client: &reqwest::Client, url: &str) -> Timed {
    timed(client.get(url)).await
}

/// Posts `function` (its argument struct) to its own path on the server at `address`, as a
/// same-origin form, the way the browser's WebAssembly does.
pub async fn call<F>(client: &reqwest::Client, address: &str, function: &F) -> Timed
where
    F: ServerFn<Error = AppError> + Serialize,
{
    let request = client
        .post(format!("{address}{}", F::PATH))
        .header("origin", address)
        .form(function);
    timed(request).await
}

async fn timed(request: reqwest::RequestBuilder) -> Timed {
    let started = Instant::now();
    let outcome = async {
        let response = request.send().await?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await?;
        Ok(Answer {
            status,
            location,
            body,
        })
    }
    .await
    .map_err(|error: reqwest::Error| without_url(&error));
    Timed {
        outcome,
        elapsed: started.elapsed(),
    }
}

/// The kind of failure, for counting: connect, timeout or other, plus its innermost cause.
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connect"
    } else if error.is_timeout() {
        "timeout"
    } else {
        "request"
    };
    let mut innermost: &dyn std::error::Error = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    format!("{kind}: {innermost}")
}

/// Polls `GET <address>/healthz` every 50 ms until it answers `status`, or `limit` passes;
/// returns how long it took, or `None`.
pub async fn wait_for_health(
    address: &str,
    status: StatusCode,
    limit: Duration,
) -> Option<Duration> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("build an HTTP client");
    let started = Instant::now();
    while started.elapsed() < limit {
        let answer = get(&client, &format!("{address}/healthz")).await;
        if answer.outcome.is_ok_and(|answer| answer.status == status) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}
