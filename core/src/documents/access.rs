//! "May this viewer do this with this item": the one access decision for documents (SPEC 3).
//!
//! The server calls [`decide`] on every listing, page, preview, upload and download; pages
//! call it only to choose what to show. Facts in ([`DocumentViewer`], [`ItemFacts`]), a
//! [`Role`] and a yes or no out. Shares (SPEC 3.3) add their facts here when they come: the
//! rest of the product already asks this function.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, UserId};
use crate::profile::Profile;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentViewer {
    /// The viewer's account.
    pub account: AccountId,
    /// The viewer.
    pub user: UserId,
    /// Their profile in their account.
    pub profile: Profile,
    /// Whether the user is active.
    pub active: bool,
}

/// What is known about the item (a folder or a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFacts {
    /// The account that owns it.
    pub account: AccountId,
    /// The user who created it (uploaded the file, made the folder).
    pub created_by: UserId,
    /// Whether it, or a folder above it, is in the trash.
    pub in_trash: bool,
}

/// What a viewer is to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Nothing: the item does not exist for them.
    None,
    /// The owner account's side: every profile but Reviewer (SPEC 3.1).
    OwnerSide,
}

/// What the viewer wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentAction {
    /// See it in a listing, open its page or its preview.
    Open,
    /// Download its bytes (a file, any version).
    Download,
    /// Create a folder or upload a file in it (a folder).
    CreateIn,
    /// Rename it.
    Rename,
    /// Move it elsewhere, or move something into it.
    Move,
    /// Upload a new version (a file).
    UploadVersion,
    /// Move it to the trash.
    Delete,
    /// Bring it back from the trash.
    Restore,
    /// Delete it from the trash for good.
    Purge,
    /// Share it or revoke a share of it (SPEC 3.3).
    Share,
}

impl DocumentAction {
    /// Every action, for tables.
    pub const ALL: [Self; 10] = [
        Self::Open,
        Self::Download,
        Self::CreateIn,
        Self::Rename,
        Self::Move,
        Self::UploadVersion,
        Self::Delete,
        Self::Restore,
        Self::Purge,
        Self::Share,
    ];
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AccessError {
    /// The viewer may not see the item at all: answered exactly like an id that does not exist.
    #[error("This item does not exist, or you do not have access to it.")]
    NotFound,
    /// The viewer sees the item but their profile does not allow this.
    #[error("Your profile does not allow this.")]
    NotAllowed,
    /// The item is in the trash: restore it first.
    #[error("This item is in the trash. Restore it first.")]
    InTrash,
    /// Only an item in the trash can be restored or deleted for good.
    #[error("This item is not in the trash.")]
    NotInTrash,
}

/// The viewer's role on the item.
pub fn role(viewer: &DocumentViewer, item: &ItemFacts) -> Role {
    if viewer.active && viewer.account == item.account && viewer.profile.works_with_documents() {
        Role::OwnerSide
    } else {
        Role::None
    }
}

/// Whether the viewer's profile may share and revoke this item (SPEC 3.3): Administrators,
/// Billing Administrators and Managers any item of their account, Standard users the items
/// they created, Reviewers never.
fn may_share(viewer: &DocumentViewer, item: &ItemFacts) -> bool {
    match viewer.profile {
        Profile::Administrator | Profile::BillingAdministrator | Profile::Manager => true,
        Profile::Standard => item.created_by == viewer.user,
        Profile::Reviewer => false,
    }
}

/// Decides whether `viewer` may do `action` with `item`.
pub fn decide(
    viewer: &DocumentViewer,
    item: &ItemFacts,
    action: DocumentAction,
) -> Result<(), AccessError> {
    use DocumentAction::*;
    match role(viewer, item) {
        Role::None => Err(AccessError::NotFound),
        Role::OwnerSide => match (action, item.in_trash) {
            (Open | Download, _) => Ok(()),
            (Restore | Purge, true) => Ok(()),
            (Restore | Purge, false) => Err(AccessError::NotInTrash),
            (_, true) => Err(AccessError::InTrash),
            (Share, false) if !may_share(viewer, item) => Err(AccessError::NotAllowed),
            (CreateIn | Rename | Move | UploadVersion | Delete | Share, false) => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    const OWNER: AccountId = AccountId::from_uuid(Uuid::from_u128(1));
    const OTHER: AccountId = AccountId::from_uuid(Uuid::from_u128(2));
    const ME: UserId = UserId::from_uuid(Uuid::from_u128(10));
    const COLLEAGUE: UserId = UserId::from_uuid(Uuid::from_u128(11));

    fn viewer(account: AccountId, profile: Profile) -> DocumentViewer {
        DocumentViewer {
            account,
            user: ME,
            profile,
            active: true,
        }
    }

    fn item(created_by: UserId, in_trash: bool) -> ItemFacts {
        ItemFacts {
            account: OWNER,
            created_by,
            in_trash,
        }
    }

    /// The expected answer, written out from SPEC 3.1 and 3.3 rather than from the code.
    fn expected(
        profile: Profile,
        own_account: bool,
        created_by_me: bool,
        in_trash: bool,
        action: DocumentAction,
    ) -> Result<(), AccessError> {
        use DocumentAction::*;
        // 3.1: every profile but Reviewer works with its account's documents; a Reviewer sees
        // only what is shared with them; nobody sees another account's items without a share.
        if !own_account || profile == Profile::Reviewer {
            return Err(AccessError::NotFound);
        }
        let editing = matches!(
            action,
            CreateIn | Rename | Move | UploadVersion | Delete | Share
        );
        if in_trash && editing {
            return Err(AccessError::InTrash);
        }
        if !in_trash && matches!(action, Restore | Purge) {
            return Err(AccessError::NotInTrash);
        }
        // 3.3: Standard users share the items they created; Administrators, Billing
        // Administrators and Managers any item.
        if action == Share && profile == Profile::Standard && !created_by_me {
            return Err(AccessError::NotAllowed);
        }
        Ok(())
    }

    #[test]
    fn the_access_table_cell_by_cell() {
        let mut cells = 0;
        for profile in Profile::ALL {
            for own_account in [true, false] {
                for created_by_me in [true, false] {
                    for in_trash in [true, false] {
                        for action in DocumentAction::ALL {
                            let account = if own_account { OWNER } else { OTHER };
                            let creator = if created_by_me { ME } else { COLLEAGUE };
                            assert_eq!(
                                decide(&viewer(account, profile), &item(creator, in_trash), action),
                                expected(profile, own_account, created_by_me, in_trash, action),
                                "{profile:?} own={own_account} mine={created_by_me} trash={in_trash} {action:?}"
                            );
                            cells += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cells, 5 * 2 * 2 * 2 * 10);
    }

    #[test]
    fn an_inactive_user_sees_nothing() {
        let inactive = DocumentViewer {
            active: false,
            ..viewer(OWNER, Profile::Administrator)
        };
        for action in DocumentAction::ALL {
            assert_eq!(
                decide(&inactive, &item(ME, false), action),
                Err(AccessError::NotFound)
            );
        }
    }

    #[test]
    fn a_reviewer_of_the_owner_account_sees_only_what_is_shared_with_them() {
        let reviewer = viewer(OWNER, Profile::Reviewer);
        assert_eq!(role(&reviewer, &item(ME, false)), Role::None);
        assert_eq!(
            decide(&reviewer, &item(ME, false), DocumentAction::Open),
            Err(AccessError::NotFound)
        );
    }

    #[test]
    fn another_accounts_item_answers_like_a_missing_one() {
        let stranger = viewer(OTHER, Profile::Administrator);
        for action in DocumentAction::ALL {
            assert_eq!(
                decide(&stranger, &item(COLLEAGUE, false), action),
                Err(AccessError::NotFound)
            );
        }
    }
}
