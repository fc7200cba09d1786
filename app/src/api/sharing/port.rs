//! The port the sharing pages ask the server through (SPEC 3.3).

use entente_core::documents::digest::DigestSetting;
use entente_core::documents::{AccessError, ShareError, ShareRole};
use entente_core::{AccountId, ItemId, PartnerRequestId, ShareId, UserId};

use crate::api::services::BoxFuture;
use crate::api::session::CurrentUser;
use crate::api::sharing::{SharedPage, SharingPanel, StaysShared};

/// Whom the share form names: `account:<id>` or `person:<user id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientChoice {
    /// A partner account as a whole.
    Account(AccountId),
    /// One user of a partner account.
    Person(UserId),
}

impl RecipientChoice {
    /// Reads a form value; anything else is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let (kind, id) = value.trim().split_once(':')?;
        match kind {
            "account" => id.parse().ok().map(Self::Account),
            "person" => id.parse().ok().map(Self::Person),
            _ => None,
        }
    }

    /// The form value.
    pub fn value(self) -> String {
        match self {
            Self::Account(account) => format!("account:{account}"),
            Self::Person(user) => format!("person:{user}"),
        }
    }
}

/// Why a sharing operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SharingError {
    /// Core's access decision refused (a missing or unseen item or share is `NotFound`).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Core refused the new share.
    #[error(transparent)]
    Share(#[from] ShareError),
    /// The recipient is no organization or person the viewer's account knows as a partner's.
    #[error("Choose a partner organization or one of its people.")]
    UnknownRecipient,
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Sharing (SPEC 3.3), as the server implements it.
pub trait SharingService: Send + Sync + 'static {
    /// The sharing panel of `item`; `None` when the viewer is not on its owner side. The share
    /// form offers the people of current partners whose name or address contains `people`
    /// (all of them when `None`), up to a limit.
    fn panel(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        people: Option<String>,
    ) -> BoxFuture<'_, Result<Option<SharingPanel>, SharingError>>;

    /// Shares `item` with `recipient`, or changes its share with them.
    fn share(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        recipient: RecipientChoice,
        role: ShareRole,
        downloads: bool,
    ) -> BoxFuture<'_, Result<(), SharingError>>;

    /// Revokes `share`.
    fn revoke(
        &self,
        viewer: CurrentUser,
        share: ShareId,
    ) -> BoxFuture<'_, Result<(), SharingError>>;

    /// One page of "Shared with us".
    fn shared_with_us(
        &self,
        viewer: CurrentUser,
        from: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<SharedPage, SharingError>>;

    /// What stays shared in each direction with the other side of `request`.
    fn stays_shared(
        &self,
        viewer: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<StaysShared, SharingError>>;

    /// One page of "Shared by us" with `with` (the first organization when `None`).
    fn shared_by_us(
        &self,
        viewer: CurrentUser,
        with: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<SharedPage, SharingError>>;

    /// The viewer's choice of the daily email of what partners added to shared folders.
    fn daily_email(
        &self,
        viewer: CurrentUser,
    ) -> BoxFuture<'_, Result<DigestSetting, SharingError>>;

    /// Sets the viewer's choice of the daily email.
    fn set_daily_email(
        &self,
        viewer: CurrentUser,
        setting: DigestSetting,
    ) -> BoxFuture<'_, Result<(), SharingError>>;
}
