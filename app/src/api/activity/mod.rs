//! The Activity page's server function: the account's audit trail, newest first, in keyset
//! pages, over its port, [`ActivityService`](port::ActivityService).
//!
//! Endpoint: `POST /api/activity/list` (Administrators and Billing Administrators only).

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::documents::ItemName;
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::partnership::AuditKind;
use entente_core::proofs::audit::ProofAuditKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many entries one page of the Activity page shows.
pub const ACTIVITY_PAGE_SIZE: u32 = 50;

/// Who did something: a user and their organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityActor {
    /// The user's name.
    pub name: String,
    /// Their organization's name.
    pub organization: String,
}

/// What happened, as typed data; the Activity page phrases it (`pages::activity::sentences`).
///
/// New kinds of entry (shares, uploads, review decisions) are new variants, never text to
/// parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityEvent {
    /// A partner request was sent, answered or deleted.
    Partner {
        /// What happened to it.
        kind: AuditKind,
        /// The organization that sent the request.
        sender: String,
        /// The organization it was sent to.
        recipient: String,
        /// The address it was sent to.
        email: String,
    },
    /// A folder or file of the account was uploaded, created, renamed, moved, deleted or
    /// restored.
    Document {
        /// The item's name just after the change.
        name: ItemName,
        /// What happened, with the other name or number it happened under.
        kind: DocumentAuditKind,
    },
    /// A file's proof was sent for review, got a reviewer named or removed, a decision or a
    /// comment, or was locked or unlocked.
    Proof {
        /// The file's name when it happened.
        name: ItemName,
        /// What happened, with the version, decision or reviewer it happened with.
        kind: ProofAuditKind,
    },
}

/// One line of the Activity page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// When it happened, in unix seconds.
    pub at: i64,
    /// Who did it, if known.
    pub who: Option<ActivityActor>,
    /// What happened.
    pub what: ActivityEvent,
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

    use self::port::ActivityError;
    use crate::api::services::services;
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
