//! The service status shown on the home page: proves the page reached a live database.

#[cfg(feature = "ssr")]
pub mod port;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Which database engine answered and how many organizations it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// "SQLite" or "PostgreSQL".
    pub engine: String,
    /// The number of organizations (accounts).
    pub organizations: i64,
}

/// Asks the server for its current [`StatusReport`].
#[server(endpoint = "status")]
pub async fn service_status() -> Result<StatusReport, AppError> {
    let services = crate::api::services::services()?;
    services
        .backend
        .service_status()
        .await
        .map_err(AppError::internal)
}
