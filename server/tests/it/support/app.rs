//! `spawn_app`: the real router on port 0 around a test store, and a client to call it.

use entente_server::config::{DatabaseArgs, ServeArgs};
use entente_server::startup::{self, AppState};
use entente_server::store::Store;

/// A running server and an HTTP client pointed at it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A client without automatic redirects, so tests see what the server answered.
    pub client: reqwest::Client,
    /// The store the server uses, for checking what a request changed.
    pub store: Store,
}

/// Serves the full application around `store` on a free port, until the test ends.
pub async fn spawn_app(store: Store) -> TestApp {
    spawn_app_with(store, |_| {}).await
}

/// Like [`spawn_app`], after `configure` has changed the server's options (for example
/// to turn the developers' Mailbox on).
pub async fn spawn_app_with(store: Store, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("a local address");
    let mut args = serve_args(addr);
    configure(&mut args);
    let state = AppState::new(&args, store.clone()).expect("the test server's state");
    tokio::spawn(startup::serve(listener, state, std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build an HTTP client");
    TestApp {
        address: format!("http://{addr}"),
        client,
        store,
    }
}

/// Serve options for a test server at `addr` (the store is passed separately).
pub fn serve_args(addr: std::net::SocketAddr) -> ServeArgs {
    ServeArgs {
        database: DatabaseArgs {
            data_dir: std::env::temp_dir(),
            database_url: None,
        },
        addr,
        site_root: std::env::temp_dir().join("entente-test-site"),
        public_url: None,
        smtp_url: None,
        mail_from: entente_server::config::DEFAULT_MAIL_FROM.to_owned(),
        dev_mailbox: false,
        connections: entente_server::config::ConnectionLimits::default(),
        blobs: entente_server::config::BlobArgs::default(),
    }
}

impl TestApp {
    /// The absolute URL of `path` on this server (an absolute URL is kept as it is).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.address)
        }
    }

    /// The status and readable HTML (see [`html`]) of the page at `path` as `client` sees it.
    pub async fn page(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let response = client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers");
        (response.status(), html(response).await)
    }

    /// Posts `fields` to the server function at `path` as a browser without JavaScript does:
    /// an HTML form on the page `referer`. The answer is a redirect (to the page the function
    /// names, or back to `referer` with the error in its address).
    pub async fn post_html_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &impl serde::Serialize,
        referer: &str,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.address)
            .header("accept", "text/html")
            .header("referer", self.url(referer))
            .form(fields)
            .send()
            .await
            .expect("the server answers")
    }
}

/// The body of an HTML answer as tests read it: without Leptos's `<!>` hydration markers,
/// whose places depend on how views are compiled (erased views put one after most texts), so a
/// test looks for what a person reads (`>Add user</button>`), not for where the markers fall.
pub async fn html(response: reqwest::Response) -> String {
    let body = response.text().await.expect("a body");
    body.replace("<!>", "")
}
