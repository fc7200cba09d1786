//! The Partners tab's service for `entente-app`: lists through the store, changes through
//! [`Partners`], and turns the server's errors into the ones the interface shows.

use entente_app::api::partners::{PARTNERS_SHOWN, PartnerRow, PartnersList, StatusFilter};
use entente_app::api::services::{BackendResult, BoxFuture, PartnerChangeError, PartnersService};
use entente_app::api::session::CurrentUser;
use std::future::Future;

use entente_core::partnership::{ActionError, PartnerRequest, SendError};
use entente_core::{Email, PartnerRequestId, Timestamp};

use super::{Partners, PartnersError};
use crate::store::now_unix_seconds;
use crate::store::partner_requests::{self, TabFilter, TabRow};

impl From<StatusFilter> for TabFilter {
    fn from(filter: StatusFilter) -> Self {
        match filter {
            StatusFilter::All => Self::All,
            StatusFilter::AwaitingYourApproval => Self::AwaitingOurApproval,
            StatusFilter::SentAwaitingApproval => Self::SentAwaitingApproval,
            StatusFilter::Partners => Self::Partners,
            StatusFilter::Rejected => Self::Rejected,
        }
    }
}

/// Whether `row` matches the search: the other organization's name or the address used
/// contains `search`, ignoring case (Unicode-aware, the same on both engines).
fn matches(row: &TabRow, search: &str) -> bool {
    search.is_empty()
        || row.other_account_name.to_lowercase().contains(search)
        || row.request.recipient_email().as_str().contains(search)
}

/// The interface's error for a failed change.
fn change_error<R>(error: PartnersError<R>) -> PartnerChangeError<R> {
    match error {
        PartnersError::Refused(refusal) => PartnerChangeError::Refused(refusal),
        PartnersError::Store(cause) => PartnerChangeError::Internal(Box::new(cause)),
    }
}

fn now() -> Timestamp {
    Timestamp(now_unix_seconds())
}

/// Runs one change and keeps only whether it happened, in the interface's terms.
fn done<'a, R: 'a>(
    change: impl Future<Output = Result<PartnerRequest, PartnersError<R>>> + Send + 'a,
) -> BoxFuture<'a, Result<(), PartnerChangeError<R>>> {
    Box::pin(async move { change.await.map(drop).map_err(change_error) })
}

impl PartnersService for Partners {
    fn list(
        &self,
        actor: CurrentUser,
        filter: StatusFilter,
        search: String,
    ) -> BoxFuture<'_, BackendResult<PartnersList>> {
        Box::pin(async move {
            let viewer = actor.account_id;
            let search = search.to_lowercase();
            let rows = partner_requests::list_for_tab(&self.store, viewer, filter.into()).await?;
            let matching: Vec<TabRow> = rows
                .into_iter()
                .filter(|row| matches(row, &search))
                .collect();
            let matched = matching.len();
            let rows = matching
                .into_iter()
                .take(PARTNERS_SHOWN)
                .map(|row| PartnerRow {
                    request: row.request,
                    other_organization: row.other_account_name,
                    sent_by: row.sending_user_name,
                })
                .collect();
            Ok(PartnersList {
                viewer,
                rows,
                matched,
            })
        })
    }

    fn awaiting_approval(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<u32>> {
        Box::pin(async move {
            let count =
                partner_requests::count_awaiting_approval(&self.store, actor.account_id).await?;
            Ok(u32::try_from(count).unwrap_or(u32::MAX))
        })
    }

    fn send(
        &self,
        actor: CurrentUser,
        email: Email,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<SendError>>> {
        Box::pin(async move {
            Partners::send(self, actor.user_id, &email, now())
                .await
                .map(drop)
                .map_err(change_error)
        })
    }

    fn accept(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>> {
        done(Partners::accept(self, actor.user_id, request, now()))
    }

    fn reject(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>> {
        done(Partners::reject(self, actor.user_id, request, now()))
    }

    fn delete(
        &self,
        actor: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>> {
        done(Partners::delete(self, actor.user_id, request, now()))
    }
}
