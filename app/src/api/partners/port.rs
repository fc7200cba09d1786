//! The port the Partners tab asks the server through (SPEC 4).

use entente_core::partnership::{Action, ActionError, SendError};
use entente_core::{Email, PartnerRequestId};

use crate::api::partners::{PartnersList, PartnersQuery};
use crate::api::services::{BackendResult, BoxFuture};
use crate::api::session::CurrentUser;

/// Why a change on the Partners tab did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PartnerChangeError<R> {
    /// The rules of `entente-core` refuse it; the sentence is for the person who tried.
    #[error(transparent)]
    Refused(R),
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Why the Partners tab could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum PartnersListError {
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Partners tab (SPEC 4), as the server implements it.
///
/// Every call takes the signed-in `actor`; the service reads the actor again inside its
/// transaction and lets `entente-core` decide, so a profile changed a moment ago counts.
pub trait PartnersService: Send + Sync + 'static {
    /// One page of the actor's Partners tab, kept by the query's filter and search.
    fn list(
        &self,
        actor: CurrentUser,
        query: PartnersQuery,
    ) -> BoxFuture<'_, Result<PartnersList, PartnersListError>>;

    /// How many requests await the approval of the actor's organization.
    fn awaiting_approval(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<u32>>;

    /// Sends a partner request to the user with address `email`.
    fn send(
        &self,
        actor: CurrentUser,
        email: Email,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<SendError>>>;

    /// Performs a row action (accept, reject and ignore, delete) on a request, for the actor's
    /// side, through `entente_core::partnership::perform`.
    fn act(
        &self,
        actor: CurrentUser,
        action: Action,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>>;
}
