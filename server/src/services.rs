//! The server's implementation of the services `entente-app` asks for, around the one store.

use entente_app::api::services::{Backend, BackendResult, BoxFuture};
use entente_app::api::status::StatusReport;

use crate::store::{self, Store};

/// The backend of the server functions: every call goes to the shared store.
pub struct StoreBackend {
    store: Store,
}

impl StoreBackend {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl Backend for StoreBackend {
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>> {
        Box::pin(async move {
            let organizations = store::accounts::count_accounts(&self.store).await?;
            Ok(StatusReport {
                engine: self.store.engine().label().to_string(),
                organizations,
            })
        })
    }
}
