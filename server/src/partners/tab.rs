//! The Partners tab's port for `entente-app`: pages of rows through the store's read model,
//! changes through [`Partners`], and the server's errors in the interface's terms.

use entente_app::api::partners::port::{PartnerChangeError, PartnersListError, PartnersService};
use entente_app::api::partners::{PARTNERS_PAGE_SIZE, PartnerRow, PartnersList, PartnersQuery};
use entente_app::api::services::{BackendResult, BoxFuture};
use entente_app::api::session::CurrentUser;
use entente_core::names::{look_alike, skeleton};
use entente_core::partnership::{Action, ActionError, SendError};
use entente_core::{AccountName, Email, PartnerRequestId};

use super::{Partners, PartnersError};
use crate::store::partner_requests::tab::{
    self, COUNT_LIMIT, TabCursor, TabQuery, count_awaiting_approval, count_for_tab, list_for_tab,
    partners_named_like,
};
use crate::store::{StoreError, now};

/// The interface's error for a failed change.
fn change_error<R>(error: PartnersError<R>) -> PartnerChangeError<R> {
    match error {
        PartnersError::Refused(refusal) => PartnerChangeError::Refused(refusal),
        PartnersError::Store(cause) => PartnerChangeError::Internal(Box::new(cause)),
    }
}

/// The interface's error for a failed listing.
fn list_error(error: StoreError) -> PartnersListError {
    PartnersListError::Internal(Box::new(error))
}

impl PartnersService for Partners {
    fn list(
        &self,
        actor: CurrentUser,
        query: PartnersQuery,
    ) -> BoxFuture<'_, Result<PartnersList, PartnersListError>> {
        Box::pin(async move {
            let after = query
                .after
                .as_deref()
                .map(|token| TabCursor::from_token(token).ok_or(PartnersListError::InvalidPageLink))
                .transpose()?;
            let viewer = actor.account_id;
            let tab_query = TabQuery {
                filter: query.filter,
                search: query.search,
                after,
                limit: PARTNERS_PAGE_SIZE,
            };
            let page = list_for_tab(&self.store, viewer, &tab_query)
                .await
                .map_err(list_error)?;
            let matched = count_for_tab(&self.store, viewer, tab_query.filter, &tab_query.search)
                .await
                .map_err(list_error)?;
            // A request from an organization that is not a partner yet may come from a
            // look-alike of one that is: read the partners whose names look like those
            // organizations' (an index lookup per name on the page, however many partners).
            let mut skeletons: Vec<String> = page
                .rows
                .iter()
                .filter(|row| !row.request.is_partnership())
                .map(|row| skeleton(row.other_account_name.as_str()))
                .collect();
            skeletons.sort_unstable();
            skeletons.dedup();
            let partners = partners_named_like(&self.store, viewer, &skeletons)
                .await
                .map_err(list_error)?;
            Ok(PartnersList {
                viewer,
                rows: page
                    .rows
                    .into_iter()
                    .map(|row: tab::TabRow| PartnerRow {
                        looks_like: (!row.request.is_partnership())
                            .then(|| {
                                look_alike(
                                    row.other_account_name.as_str(),
                                    partners.iter().map(AccountName::as_str),
                                )
                            })
                            .flatten()
                            .map(str::to_owned),
                        request: row.request,
                        other_organization: row.other_account_name.as_str().to_owned(),
                        other_domain: row.other_account_domain,
                        sent_by: row.sending_user_name.as_str().to_owned(),
                        sent_by_email: row.sending_user_email.as_str().to_owned(),
                    })
                    .collect(),
                matched,
                count_limit: COUNT_LIMIT,
                next: page.next.map(|cursor| cursor.to_token()),
            })
        })
    }

    fn awaiting_approval(&self, actor: CurrentUser) -> BoxFuture<'_, BackendResult<u32>> {
        Box::pin(async move { Ok(count_awaiting_approval(&self.store, actor.account_id).await?) })
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

    fn act(
        &self,
        actor: CurrentUser,
        action: Action,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<(), PartnerChangeError<ActionError>>> {
        Box::pin(async move {
            Partners::act(self, actor.user_id, action, request, now())
                .await
                .map(drop)
                .map_err(change_error)
        })
    }
}
