//! The port the service-status server function asks the server through (STYLE 5: inject, don't reach).

use crate::api::services::{BackendResult, BoxFuture};
use crate::api::status::StatusReport;

/// What the server functions may ask of the server.
pub trait Backend: Send + Sync + 'static {
    /// Checks that the database answers a trivial query and times the round trip.
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>>;
}
