//! Building the application once at start-up and serving it until a shutdown signal.

use std::sync::Arc;

use anyhow::Context as _;
use axum::extract::FromRef;
use entente_app::api::services::Services;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::auth::service::StoreAuth;
use crate::auth::session_store::{self, DbSessionStore};
use crate::config::ServeArgs;
use crate::services::StoreBackend;
use crate::store::Store;

/// The state every handler can read: built once, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    /// Leptos' rendering options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The database, one pool for the whole process.
    pub store: Store,
    /// The services injected into server functions through Leptos context.
    pub services: Services,
    /// The origin people reach us at, like `https://entente.example`, for the cross-site guard.
    pub public_origin: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Assembles the state around an open store.
    pub fn new(args: &ServeArgs, store: Store) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("entente")
            .site_root(args.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(args.addr)
            .build();
        let services = Services {
            backend: Arc::new(StoreBackend::new(store.clone())),
            auth: Arc::new(StoreAuth::new(store.clone())),
        };
        let public_origin = args.public_url().origin().ascii_serialization();
        Self {
            leptos_options,
            store,
            services,
            public_origin,
        }
    }
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
/// expired sessions are deleted hourly meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tokio::spawn(session_store::delete_expired_sessions_periodically(
        DbSessionStore::new(&state.store),
    ));
    let router = crate::http::router::build(state);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
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
