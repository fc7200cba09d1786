//! Errors that diagnose: a failure on our side answers 500 with a reference, and one log line
//! under that reference carries the whole chain of causes, down to the database driver's own
//! message, on both engines.

use entente_app::api::activity::ListActivity;
use entente_app::error::AppError;
use entente_server::store::{Engine, Store};
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::engines::execute_raw;
use crate::support::logs::CapturedLogs;

both_engines! {
    async fn a_database_failure_is_logged_once_with_the_drivers_message_under_the_reference_shown(store: Store) {
        let logs = CapturedLogs::default();
        let _logging = logs.capture();
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        execute_raw(&app.store, "DROP TABLE audit_log").await.expect("break the database");

        let refused = app.call(&acme.admin, ListActivity { after: None }).await.unwrap_err();
        let AppError::Internal(reference) = refused.with_status(StatusCode::INTERNAL_SERVER_ERROR) else {
            panic!("an internal error with its reference");
        };
        let shown = AppError::Internal(reference.clone()).to_string();
        assert!(shown.contains(&reference) && !shown.contains("audit_log"), "{shown}");

        let text = logs.text();
        let lines: Vec<&str> = text.lines().filter(|line| line.contains(&reference)).collect();
        assert_eq!(lines.len(), 1, "logged once: {text}");
        let driver = match app.store.engine() {
            Engine::Sqlite => "no such table: audit_log",
            Engine::Postgres => "relation \"audit_log\" does not exist",
        };
        assert!(lines[0].contains(driver), "the driver's message: {}", lines[0]);
        assert!(lines[0].contains("database error"), "the store's own words too: {}", lines[0]);
    }
}
