//! Sharing with partners (SPEC 3.3): an item's sharing panel (who has access and why, the share
//! form), sharing and revoking, "Shared with us" and "Shared by us". Thin wrappers over
//! [`SharingService`](port::SharingService), which reads the facts and asks entente-core
//! (`documents::role`, `check_new_share`, `check_revoke`): an item or a share the viewer may
//! not see answers exactly like one that does not exist.
//!
//! Endpoints: `POST /api/sharing/panel`, `/with_us`, `/by_us`, `/between` (reads) and
//! `/share`, `/revoke` (changes); `/daily_email` and `/set_daily_email`, the viewer's choice of
//! the daily digest.

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::documents::ShareRole;
use entente_core::documents::digest::DigestSetting;
use entente_core::{AccountId, ShareId, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::documents::{Crumb, ItemEntry};
use crate::error::AppError;

/// How many people the share form offers at most; a search finds the others.
pub const SHARE_FORM_PEOPLE: u32 = 200;

/// How many shares one page of "Shared with us" or "Shared by us" shows.
pub const SHARES_PAGE_SIZE: u32 = 50;

/// What a share's recipient is, for people to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientView {
    /// The recipient account.
    pub account: AccountId,
    /// Its name.
    pub account_name: String,
    /// A person's share: their name.
    pub person: Option<String>,
}

impl RecipientView {
    /// "Globex Print (whole organization)" or "Gil Ortega (Globex Print)".
    pub fn label(&self) -> String {
        match &self.person {
            None => format!("{} (whole organization)", self.account_name),
            Some(person) => format!("{person} ({})", self.account_name),
        }
    }
}

/// One line of an item's "Who has access": a share on it or on a folder above it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    /// The share.
    pub share: ShareId,
    /// Who with.
    pub recipient: RecipientView,
    /// Its role.
    pub role: ShareRole,
    /// Downloads on or off.
    pub downloads: bool,
    /// `None`: shared directly; otherwise the folder above the item it is shared through.
    pub through: Option<Crumb>,
    /// When it was shared (or last changed).
    pub since: Timestamp,
    /// Whether the recipient's account is a partner now (after a partnership ends, shares
    /// stay, reaching the people who were members then).
    pub partners_now: bool,
}

/// Someone the share form offers: a current partner as a whole, or one of its active people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTarget {
    /// The form value: `account:<id>` or `person:<user id>`.
    pub value: String,
    /// What the option says.
    pub label: String,
    /// The organization, to group the options.
    pub group: String,
}

/// The sharing panel of an item's page, for the owner side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharingPanel {
    /// Who has access besides the owner account, and through what.
    pub entries: Vec<AccessEntry>,
    /// Whether the viewer may share and revoke (SPEC 3.3's profiles).
    pub may_share: bool,
    /// Why the item cannot be shared at all (the root, the trash), if so.
    pub refusal: Option<String>,
    /// Whom the share form offers; empty when there is no current partner.
    pub targets: Vec<ShareTarget>,
    /// The search that narrowed the people offered, if any.
    pub people_search: Option<String>,
    /// Whether more people match than the form offers (search to find the others).
    pub more_people: bool,
}

/// One shared item in "Shared with us" or "Shared by us".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedEntry {
    /// The share.
    pub share: ShareId,
    /// The item (its page opens it).
    pub item: ItemEntry,
    /// The owner account's name.
    pub owner: String,
    /// Who it is shared with.
    pub recipient: RecipientView,
    /// Its role.
    pub role: ShareRole,
    /// Downloads on or off.
    pub downloads: bool,
    /// When it was shared.
    pub since: Timestamp,
    /// Whether the two accounts are partners now.
    pub partners_now: bool,
    /// "Shared by us": whether the viewer may revoke it (SPEC 3.3's profiles).
    pub revocable: bool,
}

/// An organization a list can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The account.
    pub id: AccountId,
    /// Its name.
    pub name: String,
    /// Whether it is a partner now.
    pub partners_now: bool,
}

/// One page of "Shared with us" or "Shared by us".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPage {
    /// The organizations the list can be narrowed to.
    pub organizations: Vec<Organization>,
    /// The organization chosen, if any.
    pub organization: Option<AccountId>,
    /// The shares, newest first.
    pub entries: Vec<SharedEntry>,
    /// The token of the next page, or `None` on the last page.
    pub next: Option<String>,
}

/// One item that stays shared when a partnership ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaysSharedLine {
    /// The item's name.
    pub name: String,
    /// Folder or file.
    pub kind: entente_core::documents::ItemKind,
    /// With whom: the organization or one person.
    pub with: String,
    /// Its role.
    pub role: ShareRole,
}

/// What stays shared in each direction when two partners part (SPEC 3.3: the Delete
/// confirmation shows both sides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaysShared {
    /// The other organization's name.
    pub other: String,
    /// What the viewer's organization shares with them: the newest, at most
    /// [`STAYS_SHARED_LISTED`].
    pub ours: Vec<StaysSharedLine>,
    /// How many shares that is in all.
    pub ours_total: u64,
    /// What they share with the viewer's organization or its people.
    pub theirs: Vec<StaysSharedLine>,
    /// How many shares that is in all.
    pub theirs_total: u64,
}

/// How many items each direction of [`StaysShared`] lists (the rest is counted).
pub const STAYS_SHARED_LISTED: u32 = 20;

/// The "Shared with us" page, narrowed to one organization.
pub fn shared_with_us_href(from: Option<AccountId>) -> String {
    match from {
        Some(account) => format!("/shared-with-us?from={account}"),
        None => "/shared-with-us".to_owned(),
    }
}

/// The "Shared by us" page, narrowed to one partner.
pub fn shared_by_us_href(with: Option<AccountId>) -> String {
    match with {
        Some(account) => format!("/shared-by-us?with={account}"),
        None => "/shared-by-us".to_owned(),
    }
}

#[cfg(feature = "ssr")]
use crate::api::documents::{optional_id, parse_id, viewer};

#[cfg(feature = "ssr")]
fn sharing_error(error: port::SharingError) -> AppError {
    use entente_core::documents::{AccessError, ShareError};

    use self::port::SharingError;
    match error {
        SharingError::Access(AccessError::NotFound)
        | SharingError::Share(ShareError::Access(AccessError::NotFound)) => AppError::NotFound,
        SharingError::Access(AccessError::NotAllowed)
        | SharingError::Share(ShareError::Access(AccessError::NotAllowed)) => AppError::Forbidden,
        SharingError::Access(refused) => AppError::Conflict(refused.to_string()),
        SharingError::Share(refused @ ShareError::Access(_)) => {
            AppError::Conflict(refused.to_string())
        }
        SharingError::Share(refused) => AppError::field("recipient", refused),
        SharingError::UnknownRecipient => AppError::field("recipient", error),
        SharingError::InvalidPageLink => AppError::Invalid(error.to_string()),
        SharingError::Internal(cause) => AppError::internal(cause),
    }
}

/// The sharing panel of `item` for its owner side; `None` for anyone else (a recipient sees
/// the item, not who else has it).
/// The share form offers the people whose name or address contains `people`, when given.
#[server(endpoint = "sharing/panel")]
pub async fn open_sharing_panel(
    item: String,
    people: Option<String>,
) -> Result<Option<SharingPanel>, AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let people = people
        .map(|text| {
            entente_core::SearchText::parse(&text).map_err(|error| AppError::field("people", error))
        })
        .transpose()?
        .filter(|text| !text.is_empty())
        .map(|text| text.as_str().to_owned());
    crate::api::services::services()?
        .sharing
        .panel(viewer, item, people)
        .await
        .map_err(sharing_error)
}

/// Shares `item` with `recipient` (`account:<id>` or `person:<user id>`) as `role` (`viewer`,
/// `reviewer`), with downloads when `downloads` is sent (a checkbox). Sharing again with the
/// same recipient changes the role and downloads.
#[server(endpoint = "sharing/share")]
pub async fn share_item(
    item: String,
    recipient: String,
    role: String,
    downloads: Option<String>,
) -> Result<(), AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let recipient = port::RecipientChoice::parse(&recipient)
        .ok_or_else(|| AppError::field("recipient", "Choose an organization or a person."))?;
    let role: ShareRole = role
        .parse()
        .map_err(|error| AppError::field("role", error))?;
    crate::api::services::services()?
        .sharing
        .share(viewer, item, recipient, role, downloads.is_some())
        .await
        .map_err(sharing_error)
}

/// Revokes the share `share`.
#[server(endpoint = "sharing/revoke")]
pub async fn revoke_share(share: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let share = parse_id(&share)?;
    crate::api::services::services()?
        .sharing
        .revoke(viewer, share)
        .await
        .map_err(sharing_error)
}

/// What stays shared in each direction between the viewer's organization and the other side
/// of the partner request `request` (for the Delete confirmation; Account settings only).
#[server(endpoint = "sharing/between")]
pub async fn open_stays_shared(request: String) -> Result<StaysShared, AppError> {
    let viewer =
        crate::api::session::signed_in_user_who(entente_core::Profile::can_manage_partners)?;
    let request = parse_id(&request)?;
    crate::api::services::services()?
        .sharing
        .stays_shared(viewer, request)
        .await
        .map_err(sharing_error)
}

/// One page of what partners shared with the viewer's account or with the viewer, optionally
/// from one organization (`from`), from `after` on.
#[server(endpoint = "sharing/with_us")]
pub async fn shared_with_us(
    from: Option<String>,
    after: Option<String>,
) -> Result<SharedPage, AppError> {
    let viewer = viewer()?;
    let from = optional_id(from)?;
    let after = after.filter(|token| !token.trim().is_empty());
    crate::api::services::services()?
        .sharing
        .shared_with_us(viewer, from, after)
        .await
        .map_err(sharing_error)
}

/// One page of what the viewer's account shares with the partner `with` (the first one when
/// empty), from `after` on.
#[server(endpoint = "sharing/by_us")]
pub async fn shared_by_us(
    with: Option<String>,
    after: Option<String>,
) -> Result<SharedPage, AppError> {
    let viewer = viewer()?;
    let with = optional_id(with)?;
    let after = after.filter(|token| !token.trim().is_empty());
    crate::api::services::services()?
        .sharing
        .shared_by_us(viewer, with, after)
        .await
        .map_err(sharing_error)
}

/// The viewer's choice of the daily email of what partners add to folders shared with them.
#[server(endpoint = "sharing/daily_email")]
pub async fn daily_email() -> Result<DigestSetting, AppError> {
    let viewer = viewer()?;
    crate::api::services::services()?
        .sharing
        .daily_email(viewer)
        .await
        .map_err(sharing_error)
}

/// Sets the viewer's choice of the daily email: `off` or `daily`.
#[server(endpoint = "sharing/set_daily_email")]
pub async fn set_daily_email(setting: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let setting: DigestSetting = setting
        .parse()
        .map_err(|error| AppError::field("setting", error))?;
    crate::api::services::services()?
        .sharing
        .set_daily_email(viewer, setting)
        .await
        .map_err(sharing_error)
}
