//! Making a share (SPEC 3.3). Who a share reaches and what it lets them do is
//! [`access`](super::access); this module holds the rules of making one: only the owner side
//! with a profile that may share the item ([`decide`] with [`DocumentAction::Share`]), never
//! the account's root or an item in the trash, never with the own account, and only with a
//! current partner or one of its people. Revoking takes only the first of these: it works
//! after the partnership ended.

use serde::{Deserialize, Serialize};

use super::access::{AccessError, DocumentAction, DocumentViewer, ItemFacts, ShareRecipient};
use super::decide;

/// A share someone wants to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShare {
    /// Who with.
    pub recipient: ShareRecipient,
    /// Whether the item's account and the recipient's account are partners now.
    pub partners_now: bool,
    /// For a share with one person: whether that user is active in their account.
    pub recipient_active: bool,
}

/// Why a share cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ShareError {
    /// The access decision refused (the item unseen, the profile, the trash).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The account's root folder.
    #[error("The Documents folder itself cannot be shared: share the folders and files in it.")]
    Root,
    /// The item's own account.
    #[error("Items are shared with partner organizations, not with your own.")]
    OwnAccount,
    /// No current partnership with the recipient's account.
    #[error(
        "You are not partners with this organization now: new items can be shared only with a \
         current partner. What was shared before stays shared."
    )]
    NotPartners,
    /// A deactivated user.
    #[error("This person's account is deactivated.")]
    InactivePerson,
}

/// Decides whether `viewer` may share `item` (`is_root`: the account's root folder) as `new`.
pub fn check_new_share(
    viewer: &DocumentViewer,
    item: &ItemFacts,
    is_root: bool,
    new: &NewShare,
) -> Result<(), ShareError> {
    decide(viewer, item, DocumentAction::Share)?;
    if is_root {
        return Err(ShareError::Root);
    }
    if new.recipient.account() == item.account {
        return Err(ShareError::OwnAccount);
    }
    if !new.partners_now {
        return Err(ShareError::NotPartners);
    }
    if matches!(new.recipient, ShareRecipient::Person { .. }) && !new.recipient_active {
        return Err(ShareError::InactivePerson);
    }
    Ok(())
}

/// Decides whether `viewer` may revoke a share of `item`: the owner side with a profile that
/// may share it, also after the partnership ended (SPEC 3.3: "Revoking still works") and while
/// the item is in the trash (where the share gives no access, but stays until revoked).
pub fn check_revoke(viewer: &DocumentViewer, item: &ItemFacts) -> Result<(), AccessError> {
    let as_if_live = ItemFacts {
        in_trash: false,
        ..item.clone()
    };
    decide(viewer, &as_if_live, DocumentAction::Share)
}

#[cfg(test)]
mod tests;
