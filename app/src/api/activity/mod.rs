//! The Activity page's server function: the account's audit trail, newest first, in keyset
//! pages, over [`ActivityService`](crate::api::services::ActivityService).
//!
//! Endpoint: `POST /api/activity/list` (Administrators and Billing Administrators only).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many entries one page of the Activity page shows.
pub const ACTIVITY_PAGE_SIZE: u32 = 50;

/// One line of the Activity page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// When it happened, in unix seconds.
    pub at: i64,
    /// Who did it, with their organization ("Ada Lovelace (Acme Studio)"), if known.
    pub who: Option<String>,
    /// What happened, as a sentence.
    pub what: String,
}

/// One page of the Activity page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    /// The entries, newest first.
    pub entries: Vec<ActivityEntry>,
    /// The token of the next (older) page, for `?after=`; `None` on the last page.
    pub next: Option<String>,
}

/// One page of the signed-in organization's activity; `after` is the previous page's
/// [`ActivityPage::next`] (empty or absent for the newest entries).
#[server(endpoint = "activity/list")]
pub async fn list_activity(after: Option<String>) -> Result<ActivityPage, AppError> {
    use entente_core::Profile;

    use crate::api::services::{ActivityError, services};
    use crate::api::session::signed_in_user_who;

    let actor = signed_in_user_who(Profile::can_manage_users)?;
    let after = after.filter(|token| !token.is_empty());
    services()?
        .activity
        .list(actor, after, ACTIVITY_PAGE_SIZE)
        .await
        .map_err(|error| match error {
            ActivityError::InvalidPageLink => AppError::Invalid(error.to_string()),
            ActivityError::Internal(cause) => AppError::internal(cause),
        })
}
