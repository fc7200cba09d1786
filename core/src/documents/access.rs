//! "May this viewer do this with this item": the one access decision for documents (SPEC 3).
//!
//! The server calls [`decide`] on every listing, page, preview, upload, download, share and
//! revoke; pages call it only to choose what to show. Facts in ([`DocumentViewer`],
//! [`ItemFacts`] with the shares that reach the item and the viewer's standing with its
//! account), a [`Role`] and a yes or no out.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, ItemId, ShareId, UserId};
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

/// Who a share is with (SPEC 3.3): a partner account as a whole, or one person of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShareRecipient {
    /// Every member of the account (while partners; after, the members when it ended).
    Account(AccountId),
    /// One user of a partner account (a member in the owner's contacts).
    Person {
        /// Their account.
        account: AccountId,
        /// The user.
        user: UserId,
    },
}

impl ShareRecipient {
    /// The recipient's account.
    pub fn account(self) -> AccountId {
        match self {
            Self::Account(account) | Self::Person { account, .. } => account,
        }
    }
}

/// What a share lets its recipients do (SPEC 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ShareRole {
    /// Open, preview and (unless turned off) download.
    Viewer,
    /// A Viewer who may also comment on proofs.
    Reviewer,
}

impl ShareRole {
    /// Both roles, for tables and forms.
    pub const ALL: [Self; 2] = [Self::Viewer, Self::Reviewer];

    /// The role as stored and sent by forms: `viewer`, `reviewer`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Reviewer => "reviewer",
        }
    }

    /// The role as people read it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Reviewer => "Reviewer",
        }
    }
}

/// A role that is neither `viewer` nor `reviewer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose Viewer or Reviewer.")]
pub struct ShareRoleError;

impl std::str::FromStr for ShareRole {
    type Err = ShareRoleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or(ShareRoleError)
    }
}

/// One share on the item or on a folder above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareFact {
    /// The share.
    pub id: ShareId,
    /// The item it is on: the item itself, or a folder above it.
    pub on: ItemId,
    /// Who it is with.
    pub recipient: ShareRecipient,
    /// What it lets them do.
    pub role: ShareRole,
    /// Whether they may download.
    pub downloads: bool,
}

/// The viewer's standing with the item's account, for shares with their account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// Whether the viewer's account and the item's account are partners now.
    pub partners_now: bool,
    /// Whether the viewer is a member in the item's account's contacts (SPEC 2: synced while
    /// the partnership lasted, kept when it ended).
    pub member: bool,
}

/// What is known about the item (a folder or a file), as the viewer's question needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFacts {
    /// The account that owns it.
    pub account: AccountId,
    /// The user who created it (uploaded the file, made the folder).
    pub created_by: UserId,
    /// Whether it, or a folder above it, is in the trash.
    pub in_trash: bool,
    /// The shares on it and on the folders above it (the server may leave out those that
    /// name neither the viewer nor the viewer's account: they cannot matter).
    pub shares: Vec<ShareFact>,
    /// The viewer's standing with `account`.
    pub standing: Standing,
}

impl ItemFacts {
    /// An item with no shares, seen by someone with no standing with its account: the facts
    /// of the owner side's own questions.
    pub fn unshared(account: AccountId, created_by: UserId, in_trash: bool) -> Self {
        Self {
            account,
            created_by,
            in_trash,
            shares: Vec::new(),
            standing: Standing::default(),
        }
    }
}

/// What a viewer is to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Nothing: the item does not exist for them.
    None,
    /// A recipient of a share with the Viewer role.
    Viewer {
        /// Whether a share that reaches them allows downloads.
        downloads: bool,
    },
    /// A recipient of a share with the Reviewer role.
    Reviewer {
        /// Whether a share that reaches them allows downloads.
        downloads: bool,
    },
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
    /// A recipient of a share that does not allow downloads.
    #[error("The owner has turned downloads off for this item.")]
    NoDownloads,
}

/// Whether `share` reaches `viewer` (SPEC 3.3): a share with one person reaches that person; a
/// share with an account reaches its users while the two are partners, and afterwards exactly
/// those who were members when it ended (they stay in the owner's contacts; users the account
/// adds later are not members).
pub fn reaches(share: &ShareFact, viewer: &DocumentViewer, standing: Standing) -> bool {
    match share.recipient {
        ShareRecipient::Person { account, user } => {
            account == viewer.account && user == viewer.user
        }
        ShareRecipient::Account(account) => {
            account == viewer.account && (standing.partners_now || standing.member)
        }
    }
}

/// The viewer's role on the item.
pub fn role(viewer: &DocumentViewer, item: &ItemFacts) -> Role {
    if !viewer.active {
        return Role::None;
    }
    if viewer.account == item.account {
        // Shares are with other accounts: the owner account's own people see by profile.
        return if viewer.profile.works_with_documents() {
            Role::OwnerSide
        } else {
            Role::None
        };
    }
    // Shares of an item in the trash give no access (SPEC 3.1).
    if item.in_trash {
        return Role::None;
    }
    let reaching = item
        .shares
        .iter()
        .filter(|share| reaches(share, viewer, item.standing));
    let (mut best, mut downloads) = (None, false);
    for share in reaching {
        best = best.max(Some(share.role));
        downloads |= share.downloads;
    }
    match best {
        None => Role::None,
        Some(ShareRole::Viewer) => Role::Viewer { downloads },
        Some(ShareRole::Reviewer) => Role::Reviewer { downloads },
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
        // Recipients open and download; they change nothing and never re-share (SPEC 3.3).
        Role::Viewer { downloads } | Role::Reviewer { downloads } => match action {
            Open => Ok(()),
            Download if downloads => Ok(()),
            Download => Err(AccessError::NoDownloads),
            CreateIn | Rename | Move | UploadVersion | Delete | Restore | Purge | Share => {
                Err(AccessError::NotAllowed)
            }
        },
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
    const THIRD: AccountId = AccountId::from_uuid(Uuid::from_u128(3));
    const ME: UserId = UserId::from_uuid(Uuid::from_u128(10));
    const COLLEAGUE: UserId = UserId::from_uuid(Uuid::from_u128(11));
    const FOLDER: ItemId = ItemId::from_uuid(Uuid::from_u128(20));

    fn viewer(account: AccountId, profile: Profile) -> DocumentViewer {
        DocumentViewer {
            account,
            user: ME,
            profile,
            active: true,
        }
    }

    fn item(created_by: UserId, in_trash: bool) -> ItemFacts {
        ItemFacts::unshared(OWNER, created_by, in_trash)
    }

    fn share(recipient: ShareRecipient, role: ShareRole, downloads: bool) -> ShareFact {
        ShareFact {
            id: ShareId::from_uuid(Uuid::from_u128(30)),
            on: FOLDER,
            recipient,
            role,
            downloads,
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

    /// Who a share in the recipients' table is with.
    #[derive(Debug, Clone, Copy)]
    enum With {
        MyAccount,
        Me,
        MyColleague,
        AnotherAccount,
    }

    /// The expected answer for someone of another account than the owner, written out from
    /// SPEC 3.3: a share with their account reaches them while the accounts are partners, and
    /// afterwards only if they were a member when it ended; a share with them reaches them;
    /// nothing in the trash is shared; recipients open, download unless turned off, and change
    /// nothing (no re-sharing).
    fn expected_for_recipient(
        with: With,
        downloads: bool,
        standing: Standing,
        in_trash: bool,
        action: DocumentAction,
    ) -> Result<(), AccessError> {
        let reached = match with {
            With::MyAccount => standing.partners_now || standing.member,
            With::Me => true,
            With::MyColleague | With::AnotherAccount => false,
        };
        if !reached || in_trash {
            return Err(AccessError::NotFound);
        }
        match action {
            DocumentAction::Open => Ok(()),
            DocumentAction::Download if downloads => Ok(()),
            DocumentAction::Download => Err(AccessError::NoDownloads),
            _ => Err(AccessError::NotAllowed),
        }
    }

    #[test]
    fn the_recipients_table_cell_by_cell() {
        let mut cells = 0;
        for profile in Profile::ALL {
            for with in [
                With::MyAccount,
                With::Me,
                With::MyColleague,
                With::AnotherAccount,
            ] {
                let recipient = match with {
                    With::MyAccount => ShareRecipient::Account(OTHER),
                    With::Me => ShareRecipient::Person {
                        account: OTHER,
                        user: ME,
                    },
                    With::MyColleague => ShareRecipient::Person {
                        account: OTHER,
                        user: COLLEAGUE,
                    },
                    With::AnotherAccount => ShareRecipient::Account(THIRD),
                };
                for role_given in ShareRole::ALL {
                    for downloads in [true, false] {
                        for (partners_now, member) in
                            [(true, true), (false, true), (false, false), (true, false)]
                        {
                            for in_trash in [true, false] {
                                let standing = Standing {
                                    partners_now,
                                    member,
                                };
                                let facts = ItemFacts {
                                    shares: vec![share(recipient, role_given, downloads)],
                                    standing,
                                    ..item(COLLEAGUE, in_trash)
                                };
                                let me = viewer(OTHER, profile);
                                for action in DocumentAction::ALL {
                                    assert_eq!(
                                        decide(&me, &facts, action),
                                        expected_for_recipient(
                                            with, downloads, standing, in_trash, action
                                        ),
                                        "{profile:?} {with:?} {role_given:?} downloads={downloads} {standing:?} trash={in_trash} {action:?}"
                                    );
                                    cells += 1;
                                }
                                let expected_role = match expected_for_recipient(
                                    with,
                                    downloads,
                                    standing,
                                    in_trash,
                                    DocumentAction::Open,
                                ) {
                                    Err(_) => Role::None,
                                    Ok(()) if role_given == ShareRole::Reviewer => {
                                        Role::Reviewer { downloads }
                                    }
                                    Ok(()) => Role::Viewer { downloads },
                                };
                                assert_eq!(role(&me, &facts), expected_role);
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(cells, 5 * 4 * 2 * 2 * 4 * 2 * 10);
    }

    #[test]
    fn several_shares_reaching_one_viewer_give_the_highest_role_and_any_download() {
        let facts = ItemFacts {
            shares: vec![
                share(ShareRecipient::Account(OTHER), ShareRole::Reviewer, false),
                share(
                    ShareRecipient::Person {
                        account: OTHER,
                        user: ME,
                    },
                    ShareRole::Viewer,
                    true,
                ),
            ],
            standing: Standing {
                partners_now: true,
                member: true,
            },
            ..item(COLLEAGUE, false)
        };
        let me = viewer(OTHER, Profile::Standard);
        assert_eq!(role(&me, &facts), Role::Reviewer { downloads: true });
        // The account share no longer reaches a user the account added after it ended.
        let newcomer = ItemFacts {
            standing: Standing::default(),
            ..facts.clone()
        };
        assert_eq!(role(&me, &newcomer), Role::Viewer { downloads: true });
        let colleague = DocumentViewer {
            user: COLLEAGUE,
            ..me
        };
        assert_eq!(role(&colleague, &newcomer), Role::None);
    }

    #[test]
    fn shares_never_reach_the_owner_accounts_own_reviewers_or_an_inactive_user() {
        let shared_everywhere = ItemFacts {
            shares: vec![
                share(ShareRecipient::Account(OWNER), ShareRole::Reviewer, true),
                share(ShareRecipient::Account(OTHER), ShareRole::Reviewer, true),
            ],
            standing: Standing {
                partners_now: true,
                member: true,
            },
            ..item(COLLEAGUE, false)
        };
        assert_eq!(
            role(&viewer(OWNER, Profile::Reviewer), &shared_everywhere),
            Role::None
        );
        let inactive = DocumentViewer {
            active: false,
            ..viewer(OTHER, Profile::Administrator)
        };
        assert_eq!(role(&inactive, &shared_everywhere), Role::None);
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

    #[test]
    fn share_roles_read_back_from_their_form_values() {
        for role in ShareRole::ALL {
            assert_eq!(role.as_str().parse::<ShareRole>(), Ok(role));
        }
        assert_eq!("owner".parse::<ShareRole>(), Err(ShareRoleError));
        assert_eq!("Viewer".parse::<ShareRole>(), Err(ShareRoleError));
    }
}
