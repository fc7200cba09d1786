//! The service status shown on the home page: proves the page reached a live database.

#[cfg(feature = "ssr")]
pub mod port;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// That the database answered, and how fast. It tells a visitor nothing about the data or
/// the engine behind it (issue 12: the home page used to show both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// The round trip of a trivial query, in microseconds.
    pub database_micros: u64,
}

impl StatusReport {
    /// The round trip as people read it: "0.4 ms", "12 ms".
    pub fn round_trip(&self) -> String {
        let micros = self.database_micros;
        if micros < 10_000 {
            format!("{}.{} ms", micros / 1000, (micros % 1000) / 100)
        } else {
            format!("{} ms", micros / 1000)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::StatusReport;

    #[test]
    fn round_trips_read_in_milliseconds_with_a_decimal_below_ten() {
        let cases = [
            (0, "0.0 ms"),
            (420, "0.4 ms"),
            (1_999, "1.9 ms"),
            (9_999, "9.9 ms"),
            (10_000, "10 ms"),
            (123_456, "123 ms"),
        ];
        for (database_micros, shown) in cases {
            assert_eq!(
                StatusReport { database_micros }.round_trip(),
                shown,
                "{database_micros} µs"
            );
        }
    }
}
