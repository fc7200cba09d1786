//! The port the service-status server function asks the server through (STYLE 5: inject, don't reach).

use crate::api::services::{BackendResult, BoxFuture};
use crate::api::status::StatusReport;

/// What the server functions may ask of the server.
pub trait Backend: Send + Sync + 'static {
    /// Checks the database and reports which engine answers and how many accounts it holds.
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>>;
}
