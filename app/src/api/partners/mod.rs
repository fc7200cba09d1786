//! The Partners tab's server functions (SPEC 4): thin wrappers over its port,
//! [`PartnersService`](port::PartnersService).
//!
//! Endpoints: `POST /api/partners/list` (a page of rows), `/api/partners/awaiting` (the
//! badge), `/api/partners/send` (an invitation) and `/api/partners/act` (a row action:
//! `accept`, `reject_and_ignore` or `delete`, core's
//! [`Action`](entente_core::partnership::Action)). Each requires a signed-in
//! Administrator or Billing Administrator and acts for that user's account only; a request id
//! of another account answers "not found", exactly like an id that does not exist. Posted as
//! plain forms (without WebAssembly), the changes answer with a redirect to the Partners tab
//! saying what happened (`?done=`).

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::AccountId;
use entente_core::partnership::{PartnerRequest, RowView, view};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub use entente_core::partnership::StatusFilter;

/// How many rows one page of the Partners tab shows.
pub const PARTNERS_PAGE_SIZE: u32 = 50;

/// The count of requests awaiting approval (the Partners badge, the home page) stops above
/// this: "more than 999" is all a badge needs to say, and the count then costs the same
/// however many requests wait.
pub const AWAITING_COUNT_LIMIT: u32 = 999;

/// A count of requests awaiting approval as shown: the number, or `999+` above
/// [`AWAITING_COUNT_LIMIT`].
pub fn awaiting_count_text(count: u32) -> String {
    if count > AWAITING_COUNT_LIMIT {
        format!("{AWAITING_COUNT_LIMIT}+")
    } else {
        count.to_string()
    }
}

/// One row of the Partners tab: the request and the names it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerRow {
    /// The request, as stored (the page asks `entente-core` what the viewer sees of it).
    pub request: PartnerRequest,
    /// The other organization's name.
    pub other_organization: String,
    /// The domain of the address the other organization confirmed (shown beside its name).
    pub other_domain: Option<String>,
    /// The name of the user who sent the request.
    pub sent_by: String,
    /// Their address, shown beside the name: it tells a look-alike organization from the real one.
    pub sent_by_email: String,
    /// The current partner whose name this organization's looks like (with a Cyrillic "А",
    /// a "0" for an "o"…), if any: the page warns before anyone accepts.
    pub looks_like: Option<String>,
}

impl PartnerRow {
    /// What `viewer` sees of this row and which actions it offers, decided by `entente-core`
    /// (the same function the server's transitions agree with).
    pub fn view_for(&self, viewer: AccountId) -> Option<RowView> {
        view(&self.request, viewer)
    }
}

/// What one listing of the tab asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersQuery {
    /// Which rows, by the status the viewing organization sees.
    pub filter: StatusFilter,
    /// The other organization's name or the invited address contains this (any case).
    pub search: String,
    /// The [`PartnersList::next`] token of the previous page; `None` for the first page.
    pub after: Option<String>,
}

/// One page of an organization's Partners tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersList {
    /// The viewing organization, whose side each row is seen from.
    pub viewer: AccountId,
    /// The rows kept by the filter and search, most recently changed first (at most
    /// [`PARTNERS_PAGE_SIZE`]).
    pub rows: Vec<PartnerRow>,
    /// How many rows match the filter and search, counted up to [`Self::count_limit`].
    pub matched: u32,
    /// Where counting stops: a `matched` above it means "more than this many".
    pub count_limit: u32,
    /// The token of the next page (`?after=`), or `None` on the last page.
    pub next: Option<String>,
}

impl PartnersList {
    /// How many rows match, as a person reads it ("3", "more than 1,000").
    pub fn matched_text(&self) -> String {
        if self.matched > self.count_limit {
            format!("more than {}", self.count_limit)
        } else {
            self.matched.to_string()
        }
    }
}

/// Where the Partners tab goes after a change: `done` is `sent` or the action's
/// [`Action::as_str`](entente_core::partnership::Action::as_str), which the page phrases.
pub fn done_location(done: &str) -> String {
    format!("/settings/partners?done={done}")
}

/// What the `?done=` after an invitation says.
pub const DONE_SENT: &str = "sent";

#[cfg(feature = "ssr")]
mod server_side {
    use entente_core::partnership::{ActionError, SendError};
    use entente_core::{PartnerRequestId, Profile};

    use super::port::PartnerChangeError;
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

    /// Maps a refused send, with the status of its kind: an address core cannot take (422,
    /// beside the field), one it is already linked to (409, beside the field), an organization
    /// that has not confirmed its own address yet (409), or too many invitations (429).
    pub fn send_error(error: PartnerChangeError<SendError>) -> AppError {
        match error {
            PartnerChangeError::Refused(SendError::NotAllowed) => AppError::Forbidden,
            PartnerChangeError::Refused(refusal @ SendError::TooManyInvitations { .. }) => {
                AppError::TooManyRequests(refusal.to_string())
            }
            PartnerChangeError::Refused(refusal @ SendError::NotVerified) => {
                AppError::Conflict(refusal.to_string())
            }
            PartnerChangeError::Refused(
                refusal @ (SendError::RecipientNotFound | SendError::OwnAccount),
            ) => AppError::field("email", refusal),
            PartnerChangeError::Refused(
                refusal @ (SendError::AlreadyPartners
                | SendError::IncomingRequestPending { .. }
                | SendError::AlreadyInvited { .. }
                | SendError::InvitationDeclined),
            ) => AppError::field_conflict("email", refusal),
            PartnerChangeError::Internal(cause) => AppError::internal(cause),
        }
    }

    /// Maps a refused row action: not allowed (403), not this account's (404), or in conflict
    /// with the request's state (409).
    pub fn action_error(error: PartnerChangeError<ActionError>) -> AppError {
        match error {
            PartnerChangeError::Refused(ActionError::NotAllowed) => AppError::Forbidden,
            PartnerChangeError::Refused(ActionError::NotFound) => AppError::NotFound,
            PartnerChangeError::Refused(
                refusal @ (ActionError::OnlyRecipientCanAnswer
                | ActionError::AlreadyAccepted
                | ActionError::AlreadyRejected
                | ActionError::AlreadyPartners),
            ) => AppError::Conflict(refusal.to_string()),
            PartnerChangeError::Internal(cause) => AppError::internal(cause),
        }
    }
}

/// One page of the signed-in organization's Partners tab: `status` is a [`StatusFilter`]
/// value, `q` searches the other organization's name and the address used (empty means
/// everything), `after` is the previous page's [`PartnersList::next`].
#[server(endpoint = "partners/list")]
pub async fn list_partners(
    status: Option<String>,
    q: Option<String>,
    after: Option<String>,
) -> Result<PartnersList, AppError> {
    use self::port::PartnersListError;
    use self::server_side::signed_in_partner_manager;
    use crate::api::services::services;

    let actor = signed_in_partner_manager()?;
    let search = entente_core::SearchText::parse(q.as_deref().unwrap_or_default())
        .map_err(|error| AppError::field("q", error))?;
    let query = PartnersQuery {
        filter: StatusFilter::from_query(status.as_deref()),
        search: search.as_str().to_owned(),
        after: after.filter(|token| !token.is_empty()),
    };
    services()?
        .partners
        .list(actor, query)
        .await
        .map_err(|error| match error {
            PartnersListError::InvalidPageLink => AppError::Invalid(error.to_string()),
            PartnersListError::Internal(cause) => AppError::internal(cause),
        })
}

/// How many partner requests await the signed-in organization's approval (the tab's badge),
/// counted up to [`AWAITING_COUNT_LIMIT`] + 1; zero for anyone who may not manage partners.
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
/// A refusal of the address is a field error on `email`, in the words of `entente-core`.
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
    leptos_axum::redirect(&done_location(DONE_SENT));
    Ok(())
}

/// Performs a row action on a request of the signed-in organization: `action` is core's
/// [`Action`](entente_core::partnership::Action) (`accept`, `reject_and_ignore`, `delete`), offered by `partnership::view` and
/// decided again by `partnership::perform` in the server's transaction.
#[server(endpoint = "partners/act")]
pub async fn act_on_partner_request(action: String, request_id: String) -> Result<(), AppError> {
    use entente_core::partnership::Action;

    use self::server_side::{action_error, parse_request_id, signed_in_partner_manager};
    use crate::api::services::services;

    let actor = signed_in_partner_manager()?;
    let action = Action::parse(&action)
        .ok_or_else(|| AppError::Invalid("This action does not exist.".to_owned()))?;
    let request_id = parse_request_id(&request_id)?;
    services()?
        .partners
        .act(actor, action, request_id)
        .await
        .map_err(action_error)?;
    leptos_axum::redirect(&done_location(action.as_str()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_awaiting_count_above_the_limit_is_shown_as_the_limit_and_more() {
        assert_eq!(awaiting_count_text(1), "1");
        assert_eq!(awaiting_count_text(AWAITING_COUNT_LIMIT), "999");
        assert_eq!(awaiting_count_text(AWAITING_COUNT_LIMIT + 1), "999+");
    }
}
