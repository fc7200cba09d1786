//! The port the Activity page asks the server through (SPEC 4.6).

use crate::api::activity::ActivityPage;
use crate::api::services::BoxFuture;
use crate::api::session::CurrentUser;

/// Why the Activity page could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the newest entries.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Activity page: the audit trail of the actor's account (SPEC 4.6).
pub trait ActivityService: Send + Sync + 'static {
    /// Up to `limit` entries of the actor's account, newest first, older than the entry the
    /// `after` token names.
    fn list(
        &self,
        actor: CurrentUser,
        after: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<ActivityPage, ActivityError>>;
}
