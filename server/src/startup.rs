//! Building the application once at start-up and serving it until a shutdown signal.

use std::sync::Arc;

use anyhow::Context as _;
use axum::extract::FromRef;
use entente_app::api::services::Services;
use entente_core::documents::digest::DigestHour;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::activity::StoreActivity;
use crate::auth::service::StoreAuth;
use crate::auth::session_store;
use crate::blobs::BlobStore;
use crate::config::{ConnectionLimits, ServeArgs};
use crate::contacts::StoreContacts;
use crate::documents::StoreDocuments;
use crate::mail::links::Links;
use crate::mail::worker::{Worker, WorkerSettings};
use crate::partners::Partners;
use crate::services::{StoreBackend, StoreMailbox};
use crate::store::Store;
use crate::users::StoreUsers;

/// The state every handler can read: built once and shared; a clone (axum makes one per
/// request for each layer that takes the state) copies one pointer. Holding the fields by
/// value, a clone copied every `String` and `Url` in them (with `Links`, 3 % of a server
/// function's instructions under Callgrind, plus the allocations).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct SharedState {
    /// Leptos' rendering options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The database, one pool for the whole process.
    pub store: Store,
    /// The services injected into server functions through Leptos context.
    pub services: Services,
    /// The origin people reach us at, like `https://entente.example`, for the cross-site guard.
    pub public_origin: String,
    /// Wakes the mail worker: call `notify_one()` after committing a transaction that
    /// enqueued an email, so it goes out without waiting for the next poll.
    pub mail_wake: Arc<Notify>,
    /// The connection limits and the trusted proxy (`http::serve`, `http::client`).
    pub connections: ConnectionLimits,
    /// Where uploaded files' bytes live.
    pub blobs: BlobStore,
    /// The largest upload, in bytes.
    pub max_upload_bytes: u64,
    /// Wakes the preview worker after an upload committed a preview job.
    pub preview_wake: Arc<Notify>,
    /// Where the links in emails point.
    pub links: Links,
    /// The hour the daily digest goes out; `None`: this instance never makes it.
    pub digest_hour: Option<DigestHour>,
    /// Whether the benchmark floors are served (`ENTENTE_BENCH_FLOORS`).
    pub bench_floors: bool,
    /// The open live streams of this instance (`GET /live`).
    pub live: crate::live::Hub,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The bundle's folder named in `hash.txt` (`bundle: <16 hex digits>`), if it names one that
/// could be nothing else.
fn bundle_folder(listed: &str) -> Option<String> {
    let hash = listed
        .lines()
        .find_map(|line| line.strip_prefix("bundle:"))?
        .trim();
    crate::http::security::is_bundle_hash(hash).then(|| hash.to_owned())
}

impl AppState {
    /// Assembles the state around an open store; refuses a public URL links cannot be built on.
    pub fn new(args: &ServeArgs, store: Store) -> anyhow::Result<Self> {
        let links = Links::new(&args.public_url())?;
        // `cargo xtask` puts the bundle in a folder named by its content's hash and names that
        // folder in `hash.txt` beside `pkg/`; pages then link `/pkg/<hash>/…`, which browsers
        // keep for a year. Without the file (a site built otherwise, the tests) `pkg/` itself.
        let pkg_dir = std::fs::read_to_string(args.site_root.join("hash.txt"))
            .ok()
            .and_then(|listed| bundle_folder(&listed))
            .map_or_else(|| "pkg".to_owned(), |hash| format!("pkg/{hash}"));
        let leptos_options = LeptosOptions::builder()
            .output_name("entente")
            .site_root(args.site_root.display().to_string())
            .site_pkg_dir(pkg_dir)
            .site_addr(args.addr)
            .build();
        let mailbox = args.dev_mailbox.then(|| {
            tracing::warn!("the developers' Mailbox is on at /mailbox: it shows every email");
            Arc::new(StoreMailbox::new(store.clone())) as _
        });
        let mail_wake = Arc::new(Notify::new());
        let services = Services {
            backend: Arc::new(StoreBackend::new(store.clone())),
            auth: Arc::new(StoreAuth::new(
                store.clone(),
                links.clone(),
                Arc::clone(&mail_wake),
            )),
            users: Arc::new(StoreUsers::new(
                store.clone(),
                links.clone(),
                Arc::clone(&mail_wake),
            )),
            contacts: Arc::new(StoreContacts::new(store.clone())),
            documents: Arc::new(StoreDocuments::new(store.clone())),
            sharing: Arc::new(crate::documents::sharing::StoreSharing::new(
                store.clone(),
                links.clone(),
                Arc::clone(&mail_wake),
            )),
            partners: Arc::new(Partners::new(
                store.clone(),
                links.clone(),
                Arc::clone(&mail_wake),
            )),
            activity: Arc::new(StoreActivity::new(store.clone())),
            proofs: Arc::new(crate::proofs::StoreProofs::new(
                store.clone(),
                links.clone(),
                Arc::clone(&mail_wake),
            )),
            mailbox,
        };
        let public_origin = args.public_url().origin().ascii_serialization();
        let blobs = BlobStore::open(&args.blobs.location(&args.database.data_dir))
            .context("open the blob store")?;
        Ok(Self(Arc::new(SharedState {
            leptos_options,
            store: store.clone(),
            services,
            public_origin,
            mail_wake,
            connections: args.connections.clone(),
            blobs,
            max_upload_bytes: args.blobs.max_upload_bytes,
            preview_wake: Arc::new(Notify::new()),
            links,
            digest_hour: args.digest_hour.0,
            bench_floors: args.bench_floors,
            live: crate::live::Hub::new(store.clone(), args.live_streams_per_user),
        })))
    }

    /// This state with another blob store (the tests point it at a store of their own).
    /// Only before the state is shared: a shared state keeps its store, and this says so.
    pub fn with_blobs(mut self, blobs: BlobStore) -> anyhow::Result<Self> {
        Arc::get_mut(&mut self.0)
            .context("the state is shared already; set the blob store before serving")?
            .blobs = blobs;
        Ok(self)
    }
}

/// The running mail worker; [`MailWorker::stop`] lets its current step finish, then ends it.
#[derive(Debug)]
pub struct MailWorker {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl MailWorker {
    /// Asks the worker to stop after its current step and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the mail worker ended abnormally");
        }
    }
}

/// Starts the mail worker when `SMTP_URL` is set; without it, says that mail stays in the outbox.
pub fn start_mail_worker(args: &ServeArgs, state: &AppState) -> anyhow::Result<Option<MailWorker>> {
    let Some(smtp_url) = args.smtp_url() else {
        let hint = if args.dev_mailbox {
            "open /mailbox to read them"
        } else {
            "set ENTENTE_DEV_MAILBOX=1 to read them at /mailbox"
        };
        tracing::warn!("SMTP_URL is not set: emails stay in the outbox and are not sent ({hint})");
        return Ok(None);
    };
    let worker = Worker::new(
        state.store.clone(),
        smtp_url,
        &args.mail_from,
        WorkerSettings::default(),
    )?
    .with_wake_handle(Arc::clone(&state.mail_wake));
    tracing::info!(
        smtp = %crate::store::redact_url(smtp_url),
        owner = worker.owner(),
        "delivering email over SMTP"
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    Ok(Some(MailWorker { stop, task }))
}

/// Connects to the database and applies pending migrations.
pub async fn open_store(database_url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(database_url)
        .await
        .with_context(|| format!("could not open the database at {}", redact(database_url)))?;
    store
        .migrate()
        .await
        .context("could not apply the database migrations")?;
    Ok(store)
}

/// Binds the listening socket, with a clear message when the port is taken.
pub async fn bind(args: &ServeArgs) -> anyhow::Result<TcpListener> {
    TcpListener::bind(args.addr).await.with_context(|| {
        format!(
            "could not listen on {} (is another server using that port?)",
            args.addr
        )
    })
}

/// Serves the application on `listener` until `shutdown` completes, then drains open requests;
/// meanwhile expired sessions are deleted hourly, the trash purged, previews made, the
/// deadline reminders and the daily digest sent.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tokio::spawn(session_store::delete_expired_periodically(
        state.store.clone(),
    ));
    tokio::spawn(crate::documents::purge::purge_periodically(
        state.store.clone(),
        state.blobs.clone(),
    ));
    tokio::spawn(crate::previews::run_worker(
        state.store.clone(),
        state.blobs.clone(),
        Arc::clone(&state.preview_wake),
    ));
    tokio::spawn(crate::proofs::reminders::run_periodically(
        state.store.clone(),
        state.links.clone(),
        Arc::clone(&state.mail_wake),
    ));
    if let Some(hour) = state.digest_hour {
        tokio::spawn(crate::documents::digest::run_periodically(
            state.store.clone(),
            state.links.clone(),
            Arc::clone(&state.mail_wake),
            hour,
        ));
    }
    // Changes committed by any instance reach this one's open streams; at shutdown the
    // streams end, so open responses finish.
    crate::store::live::start_listening(state.store.clone()).await;
    state.live.start();
    let hub = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        hub.close_all();
    };
    let limits = state.connections.clone();
    let router = crate::http::router::build(state);
    crate::http::serve::serve(listener, router, &limits, shutdown)
        .await
        .context("the server stopped with an error")
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing open requests");
}

/// Hides the password of a database URL before it is printed.
pub fn redact(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => database_url.to_string(),
    }
}
