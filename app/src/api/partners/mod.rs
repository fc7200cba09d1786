//! The Partners tab's server functions (SPEC 4): thin wrappers over
//! [`PartnersService`](crate::api::services::PartnersService).
//!
//! Endpoints: `POST /api/partners/list`, `/api/partners/send`, `/api/partners/accept`,
//! `/api/partners/reject`, `/api/partners/delete`, and `/api/partners/awaiting` (the badge).
//! Each requires a signed-in Administrator or Billing Administrator and acts for that user's
//! account only; a request id of another account answers "not found", exactly like an id that
//! does not exist. Posted as plain forms (without WebAssembly), the four changes answer with a
//! redirect to the Partners tab saying what happened (`?done=`).

use entente_core::AccountId;
use entente_core::partnership::{PartnerRequest, RowView, view};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many rows the Partners tab shows at most; a search narrows a longer list.
pub const PARTNERS_SHOWN: usize = 200;

/// Which rows the Partners tab shows, by status as the viewing organization sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    /// Every row.
    #[default]
    All,
    /// "Received - Awaiting Your Approval".
    AwaitingYourApproval,
    /// "Sent - Awaiting Approval".
    SentAwaitingApproval,
    /// "Partner".
    Partners,
    /// "Rejected".
    Rejected,
}

impl StatusFilter {
    /// Every filter, in the order the page offers them.
    pub const ALL: [Self; 5] = [
        Self::All,
        Self::AwaitingYourApproval,
        Self::SentAwaitingApproval,
        Self::Partners,
        Self::Rejected,
    ];

    /// The value in the page address (`?status=`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::AwaitingYourApproval => "awaiting",
            Self::SentAwaitingApproval => "sent",
            Self::Partners => "partners",
            Self::Rejected => "rejected",
        }
    }

    /// The option's text.
    pub const fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::AwaitingYourApproval => "Awaiting your approval",
            Self::SentAwaitingApproval => "Sent, awaiting approval",
            Self::Partners => "Partners",
            Self::Rejected => "Rejected",
        }
    }

    /// Reads `?status=`; anything unknown (or nothing) shows every row.
    pub fn from_query(text: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|filter| Some(filter.as_str()) == text)
            .unwrap_or_default()
    }
}

/// One row of the Partners tab: the request and the names it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerRow {
    /// The request, as stored (the page asks `entente-core` what the viewer sees of it).
    pub request: PartnerRequest,
    /// The other organization's name.
    pub other_organization: String,
    /// The name of the user who sent the request.
    pub sent_by: String,
}

impl PartnerRow {
    /// What `viewer` sees of this row and which actions it offers, decided by `entente-core`
    /// (the same function the server's transitions agree with).
    pub fn view_for(&self, viewer: AccountId) -> Option<RowView> {
        view(&self.request, viewer)
    }
}

/// The Partners tab of one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersList {
    /// The viewing organization, whose side each row is seen from.
    pub viewer: AccountId,
    /// The rows kept by the filter and search, most recently changed first (at most
    /// [`PARTNERS_SHOWN`]).
    pub rows: Vec<PartnerRow>,
    /// How many rows matched, shown or not.
    pub matched: usize,
}

/// What a change on the Partners tab did, for the sentence shown after it (`?done=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerChange {
    /// An invitation was sent.
    Sent,
    /// A request was accepted.
    Accepted,
    /// A request was rejected.
    Rejected,
    /// A request or partnership was deleted for this side.
    Deleted,
}

impl PartnerChange {
    /// Every change.
    pub const ALL: [Self; 4] = [Self::Sent, Self::Accepted, Self::Rejected, Self::Deleted];

    /// The value in the page address.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Deleted => "deleted",
        }
    }

    /// Reads `?done=`.
    pub fn from_query(text: Option<&str>) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|change| Some(change.as_str()) == text)
    }

    /// The sentence the page shows after the change.
    pub const fn sentence(self) -> &'static str {
        match self {
            Self::Sent => {
                "Invitation sent. It shows as “Sent - Awaiting Approval” until they answer."
            }
            Self::Accepted => {
                "Request accepted: your organizations are partners, and each now sees the \
                 other's people as members in Contacts."
            }
            Self::Rejected => "Request rejected. The sender sees it as “Rejected”.",
            Self::Deleted => "Deleted from your Partners tab.",
        }
    }

    /// Where the page goes after the change.
    pub fn location(self) -> String {
        format!("/settings/partners?done={}", self.as_str())
    }
}

#[cfg(feature = "ssr")]
mod server_side {
    use entente_core::partnership::{ActionError, SendError};
    use entente_core::{PartnerRequestId, Profile};

    use crate::api::services::PartnerChangeError;
    use crate::api::session::{CurrentUser, signed_in_user_who};
    use crate::error::AppError;

    /// The signed-in user, if their profile may manage partners; the refusal otherwise.
    pub fn signed_in_partner_manager() -> Result<CurrentUser, AppError> {
        signed_in_user_who(Profile::can_manage_partners)
    }

    /// A request id from a form; a malformed one is not found, like an unknown one.
    pub fn parse_request_id(text: &str) -> Result<PartnerRequestId, AppError> {
        text.trim().parse().map_err(|_| AppError::NotFound)
    }

    /// Maps a refused send: every refusal is about the address, so it shows beside it.
    pub fn send_error(error: PartnerChangeError<SendError>) -> AppError {
        match error {
            PartnerChangeError::Refused(SendError::NotAllowed) => AppError::Forbidden,
            PartnerChangeError::Refused(refusal) => AppError::field("email", refusal),
            PartnerChangeError::Internal(cause) => AppError::internal(cause),
        }
    }

    /// Runs accept, reject or delete (by `change`) on the request with id `request_id` for the
    /// signed-in administrator, then sends the page to the tab saying what happened.
    pub async fn change_request(
        change: super::PartnerChange,
        request_id: String,
    ) -> Result<(), AppError> {
        use super::PartnerChange;
        use crate::api::services::services;

        let actor = signed_in_partner_manager()?;
        let request_id = parse_request_id(&request_id)?;
        let partners = services()?.partners;
        let outcome = match change {
            PartnerChange::Accepted => partners.accept(actor, request_id).await,
            PartnerChange::Rejected => partners.reject(actor, request_id).await,
            PartnerChange::Deleted => partners.delete(actor, request_id).await,
            PartnerChange::Sent => return Err(AppError::NotFound),
        };
        outcome.map_err(action_error)?;
        leptos_axum::redirect(&change.location());
        Ok(())
    }

    /// Maps a refused accept, reject or delete.
    pub fn action_error(error: PartnerChangeError<ActionError>) -> AppError {
        match error {
            PartnerChangeError::Refused(ActionError::NotAllowed) => AppError::Forbidden,
            PartnerChangeError::Refused(ActionError::NotFound) => AppError::NotFound,
            PartnerChangeError::Refused(refusal) => AppError::Invalid(refusal.to_string()),
            PartnerChangeError::Internal(cause) => AppError::internal(cause),
        }
    }
}

/// The signed-in organization's Partners tab: `status` is a [`StatusFilter`] value, `q`
/// searches the other organization's name and the address used (empty means everything).
#[server(endpoint = "partners/list")]
pub async fn list_partners(
    status: Option<String>,
    q: Option<String>,
) -> Result<PartnersList, AppError> {
    use self::server_side::signed_in_partner_manager;
    use crate::api::services::services;

    let actor = signed_in_partner_manager()?;
    let filter = StatusFilter::from_query(status.as_deref());
    let search = q.unwrap_or_default();
    services()?
        .partners
        .list(actor, filter, search.trim().to_owned())
        .await
        .map_err(AppError::internal)
}

/// How many partner requests await the signed-in organization's approval (the tab's badge);
/// zero for anyone who may not manage partners.
#[server(endpoint = "partners/awaiting")]
pub async fn partner_requests_awaiting() -> Result<u32, AppError> {
    use crate::api::services::services;
    use crate::api::session::signed_in_user;

    match signed_in_user() {
        Some(user) if user.profile.can_manage_partners() => services()?
            .partners
            .awaiting_approval(user)
            .await
            .map_err(AppError::internal),
        _ => Ok(0),
    }
}

/// Sends a partner invitation to the user with this address in another organization.
///
/// A refusal is a field error on `email`, in the words of `entente-core`.
#[server(endpoint = "partners/send")]
pub async fn send_partner_request(email: String) -> Result<(), AppError> {
    use entente_core::Email;

    use self::server_side::{send_error, signed_in_partner_manager};
    use crate::api::services::services;

    let actor = signed_in_partner_manager()?;
    let email = Email::parse(&email).map_err(|error| AppError::field("email", error))?;
    services()?
        .partners
        .send(actor, email)
        .await
        .map_err(send_error)?;
    leptos_axum::redirect(&PartnerChange::Sent.location());
    Ok(())
}

/// Accepts a request the signed-in organization received (pending or rejected).
#[server(endpoint = "partners/accept")]
pub async fn accept_partner_request(request_id: String) -> Result<(), AppError> {
    self::server_side::change_request(PartnerChange::Accepted, request_id).await
}

/// Rejects a pending request the signed-in organization received ("Reject and ignore").
#[server(endpoint = "partners/reject")]
pub async fn reject_partner_request(request_id: String) -> Result<(), AppError> {
    self::server_side::change_request(PartnerChange::Rejected, request_id).await
}

/// Deletes a request, or ends a partnership, for the signed-in organization's side.
#[server(endpoint = "partners/delete")]
pub async fn delete_partner_request(request_id: String) -> Result<(), AppError> {
    self::server_side::change_request(PartnerChange::Deleted, request_id).await
}
