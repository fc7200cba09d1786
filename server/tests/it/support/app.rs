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
    spawn(store, configure, None).await
}

/// Like [`spawn_app`], with its files in `blobs` (an S3 store on moto, say) instead of the
/// store the options name.
pub async fn spawn_app_on_blobs(store: Store, blobs: entente_server::blobs::BlobStore) -> TestApp {
    spawn(store, |_| {}, Some(blobs)).await
}

async fn spawn(
    store: Store,
    configure: impl FnOnce(&mut ServeArgs),
    blobs: Option<entente_server::blobs::BlobStore>,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("a local address");
    let mut args = serve_args(addr);
    configure(&mut args);
    let mut state = AppState::new(&args, store.clone()).expect("the test server's state");
    if let Some(blobs) = blobs {
        state = state.with_blobs(blobs).expect("a state not shared yet");
    }
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
        // Tests make digest runs themselves, at the moments they choose.
        digest_hour: entente_server::config::DigestAt(None),
        bench_floors: false,
        live_streams_per_user: entente_app::live::MAX_STREAMS_PER_USER,
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

impl TestApp {
    /// Uploads `files` (name, bytes) as a script does (JSON answer): into the folder `target`
    /// when `field` is `folder`, as a new version of the file `target` when it is `replace`.
    pub async fn upload(
        &self,
        client: &reqwest::Client,
        field: &str,
        target: &str,
        files: &[(&str, &[u8])],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text(field.to_owned(), target.to_owned());
        for (name, bytes) in files {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            );
        }
        client
            .post(self.url("/documents/upload"))
            .header("origin", &self.address)
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("the server answers")
    }
}

/// The files an upload stored, after checking it answered 201 Created.
pub async fn uploaded(
    response: reqwest::Response,
) -> Vec<entente_server::documents::http::Uploaded> {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    serde_json::from_str(&body).expect("the stored files")
}
