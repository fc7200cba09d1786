//! What the audit log keeps of a change to an account's documents (SPEC 3.3, last bullet):
//! which change it was and the names it happened under, copied into the entry so that what
//! the entry says stays true after later renames and purges.
//!
//! An entry is stored as its action ([`DocumentAuditKind::action`]), at most one other name
//! ([`DocumentAuditKind::other_name`]) and at most one version number
//! ([`DocumentAuditKind::version`]), and read back with [`DocumentAuditKind::from_parts`],
//! which refuses parts that do not fit the action (the database's CHECK constraints say the
//! same).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::access::ShareRole;
use super::name::ItemName;

/// A change to a folder or file, as the owner account's audit log records it. The item's own
/// name (as it is just after the change) is kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentAuditKind {
    /// A new file was uploaded.
    Uploaded {
        /// The folder it was uploaded to.
        folder: ItemName,
    },
    /// A new version of a file was uploaded.
    VersionUploaded {
        /// The version's number (2 or more: the first comes with the upload).
        number: u32,
    },
    /// A folder was created.
    FolderCreated {
        /// The folder it was created in.
        parent: ItemName,
    },
    /// The item was renamed (its name is the new one).
    Renamed {
        /// The name it had before.
        from: ItemName,
    },
    /// The item was moved into another folder.
    Moved {
        /// The folder it was moved to.
        to: ItemName,
    },
    /// The item was moved to the trash.
    Trashed,
    /// The item came back from the trash.
    Restored {
        /// The name it had in the trash, when it came back under a free variant of it
        /// because its folder had another item of that name meanwhile.
        was: Option<ItemName>,
    },
    /// The item was shared with a partner organization or one of its people (SPEC 3.3).
    Shared {
        /// With whom, as it read then ("Globex Print (whole organization)").
        with: String,
        /// The role given.
        role: ShareRole,
        /// Whether downloads were allowed.
        downloads: bool,
    },
    /// An existing share of the item got another role or download switch.
    ShareChanged {
        /// With whom.
        with: String,
        /// The role now.
        role: ShareRole,
        /// Whether downloads are allowed now.
        downloads: bool,
    },
    /// A share of the item was revoked.
    Unshared {
        /// With whom it was.
        with: String,
    },
}

/// What a sharing entry keeps besides the item: with whom, and for a share or a change the
/// role and whether downloads are allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAuditParts {
    /// With whom.
    pub with: String,
    /// The role and downloads (shares and changes; not revokes).
    pub grant: Option<(ShareRole, bool)>,
}

/// Which change an entry records, as the audit log stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentAuditAction {
    /// [`DocumentAuditKind::Uploaded`].
    Uploaded,
    /// [`DocumentAuditKind::VersionUploaded`].
    VersionUploaded,
    /// [`DocumentAuditKind::FolderCreated`].
    FolderCreated,
    /// [`DocumentAuditKind::Renamed`].
    Renamed,
    /// [`DocumentAuditKind::Moved`].
    Moved,
    /// [`DocumentAuditKind::Trashed`].
    Trashed,
    /// [`DocumentAuditKind::Restored`].
    Restored,
    /// [`DocumentAuditKind::Shared`].
    Shared,
    /// [`DocumentAuditKind::ShareChanged`].
    ShareChanged,
    /// [`DocumentAuditKind::Unshared`].
    Unshared,
}

impl DocumentAuditAction {
    /// Every action.
    pub const ALL: [Self; 10] = [
        Self::Uploaded,
        Self::VersionUploaded,
        Self::FolderCreated,
        Self::Renamed,
        Self::Moved,
        Self::Trashed,
        Self::Restored,
        Self::Shared,
        Self::ShareChanged,
        Self::Unshared,
    ];

    /// The stored text (every one starts with `document_`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "document_uploaded",
            Self::VersionUploaded => "document_version_uploaded",
            Self::FolderCreated => "document_folder_created",
            Self::Renamed => "document_renamed",
            Self::Moved => "document_moved",
            Self::Trashed => "document_trashed",
            Self::Restored => "document_restored",
            Self::Shared => "document_shared",
            Self::ShareChanged => "document_share_changed",
            Self::Unshared => "document_unshared",
        }
    }
}

impl FromStr for DocumentAuditAction {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == text)
            .ok_or(())
    }
}

/// Stored parts that do not make a [`DocumentAuditKind`]: a name or number missing, or one
/// the action does not keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("These audit entry parts do not fit a {} entry.", .action.as_str())]
pub struct DocumentAuditPartsError {
    /// The action the parts were read with.
    pub action: DocumentAuditAction,
}

impl DocumentAuditKind {
    /// Which change this is.
    pub const fn action(&self) -> DocumentAuditAction {
        match self {
            Self::Uploaded { .. } => DocumentAuditAction::Uploaded,
            Self::VersionUploaded { .. } => DocumentAuditAction::VersionUploaded,
            Self::FolderCreated { .. } => DocumentAuditAction::FolderCreated,
            Self::Renamed { .. } => DocumentAuditAction::Renamed,
            Self::Moved { .. } => DocumentAuditAction::Moved,
            Self::Trashed => DocumentAuditAction::Trashed,
            Self::Restored { .. } => DocumentAuditAction::Restored,
            Self::Shared { .. } => DocumentAuditAction::Shared,
            Self::ShareChanged { .. } => DocumentAuditAction::ShareChanged,
            Self::Unshared { .. } => DocumentAuditAction::Unshared,
        }
    }

    /// The name the entry keeps besides the item's own: the folder uploaded to, created in or
    /// moved to, the name before a rename, the name in the trash before a restore.
    pub const fn other_name(&self) -> Option<&ItemName> {
        match self {
            Self::Uploaded { folder: name }
            | Self::FolderCreated { parent: name }
            | Self::Renamed { from: name }
            | Self::Moved { to: name }
            | Self::Restored { was: Some(name) } => Some(name),
            Self::VersionUploaded { .. }
            | Self::Trashed
            | Self::Restored { was: None }
            | Self::Shared { .. }
            | Self::ShareChanged { .. }
            | Self::Unshared { .. } => None,
        }
    }

    /// What a sharing entry keeps besides the item.
    pub fn share_parts(&self) -> Option<ShareAuditParts> {
        match self {
            Self::Shared {
                with,
                role,
                downloads,
            }
            | Self::ShareChanged {
                with,
                role,
                downloads,
            } => Some(ShareAuditParts {
                with: with.clone(),
                grant: Some((*role, *downloads)),
            }),
            Self::Unshared { with } => Some(ShareAuditParts {
                with: with.clone(),
                grant: None,
            }),
            _ => None,
        }
    }

    /// The version number the entry keeps (a new version only).
    pub const fn version(&self) -> Option<u32> {
        match self {
            Self::VersionUploaded { number } => Some(*number),
            _ => None,
        }
    }

    /// The change stored as `action`, `other_name`, `version` and `share`; refused unless the
    /// parts are exactly the ones that action keeps.
    pub fn from_parts(
        action: DocumentAuditAction,
        other_name: Option<ItemName>,
        version: Option<u32>,
        share: Option<ShareAuditParts>,
    ) -> Result<Self, DocumentAuditPartsError> {
        use DocumentAuditAction as Action;
        let refused = DocumentAuditPartsError { action };
        if let Some(share) = share {
            let kind = match (action, other_name, version, share.grant) {
                (Action::Shared, None, None, Some((role, downloads))) => Self::Shared {
                    with: share.with,
                    role,
                    downloads,
                },
                (Action::ShareChanged, None, None, Some((role, downloads))) => Self::ShareChanged {
                    with: share.with,
                    role,
                    downloads,
                },
                (Action::Unshared, None, None, None) => Self::Unshared { with: share.with },
                _ => return Err(refused),
            };
            return Ok(kind);
        }
        let kind = match (action, other_name, version) {
            (Action::Uploaded, Some(folder), None) => Self::Uploaded { folder },
            (Action::VersionUploaded, None, Some(number)) if number >= 2 => {
                Self::VersionUploaded { number }
            }
            (Action::FolderCreated, Some(parent), None) => Self::FolderCreated { parent },
            (Action::Renamed, Some(from), None) => Self::Renamed { from },
            (Action::Moved, Some(to), None) => Self::Moved { to },
            (Action::Trashed, None, None) => Self::Trashed,
            (Action::Restored, was, None) => Self::Restored { was },
            _ => return Err(refused),
        };
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> ItemName {
        ItemName::parse(text).unwrap()
    }

    /// What each kind of entry records (action, other name, version), and that those parts
    /// read back as the same kind.
    #[test]
    fn what_each_kind_of_entry_records() {
        use DocumentAuditKind as Kind;
        let cases = [
            (
                Kind::Uploaded {
                    folder: name("Proofs"),
                },
                "document_uploaded",
                Some("Proofs"),
                None,
            ),
            (
                Kind::VersionUploaded { number: 2 },
                "document_version_uploaded",
                None,
                Some(2),
            ),
            (
                Kind::FolderCreated {
                    parent: name("Documents"),
                },
                "document_folder_created",
                Some("Documents"),
                None,
            ),
            (
                Kind::Renamed { from: name("Old") },
                "document_renamed",
                Some("Old"),
                None,
            ),
            (
                Kind::Moved {
                    to: name("Archive"),
                },
                "document_moved",
                Some("Archive"),
                None,
            ),
            (Kind::Trashed, "document_trashed", None, None),
            (
                Kind::Restored { was: None },
                "document_restored",
                None,
                None,
            ),
            (
                Kind::Restored {
                    was: Some(name("Old work")),
                },
                "document_restored",
                Some("Old work"),
                None,
            ),
        ];
        for (kind, action, other_name, version) in cases {
            assert_eq!(kind.action().as_str(), action, "{kind:?}");
            assert_eq!(action.parse(), Ok(kind.action()), "{kind:?}");
            assert_eq!(
                kind.other_name().map(ItemName::as_str),
                other_name,
                "{kind:?}"
            );
            assert_eq!(kind.version(), version, "{kind:?}");
            let parts = (kind.other_name().cloned(), kind.version());
            assert_eq!(
                DocumentAuditKind::from_parts(kind.action(), parts.0, parts.1, None),
                Ok(kind.clone())
            );
        }
        // Every action has its own stored text, and nothing else reads as one.
        for action in DocumentAuditAction::ALL {
            assert!(action.as_str().starts_with("document_"), "{action:?}");
            assert_eq!(action.as_str().parse(), Ok(action));
        }
        assert_eq!(
            "partner_request_sent".parse::<DocumentAuditAction>(),
            Err(())
        );
    }

    #[test]
    fn parts_that_do_not_fit_the_action_are_refused() {
        use DocumentAuditAction as Action;
        let refused = |action, other_name: Option<&str>, version| {
            assert_eq!(
                DocumentAuditKind::from_parts(action, other_name.map(name), version, None),
                Err(DocumentAuditPartsError { action }),
                "{action:?} {other_name:?} {version:?}"
            );
        };
        refused(Action::Uploaded, None, None);
        refused(Action::Uploaded, Some("Proofs"), Some(1));
        refused(Action::VersionUploaded, None, None);
        refused(Action::VersionUploaded, None, Some(1));
        refused(Action::VersionUploaded, Some("Brochure.pdf"), Some(2));
        refused(Action::FolderCreated, None, None);
        refused(Action::Renamed, None, None);
        refused(Action::Moved, None, Some(3));
        refused(Action::Trashed, Some("Proofs"), None);
        refused(Action::Trashed, None, Some(2));
        refused(Action::Restored, None, Some(2));
        // Sharing entries keep with whom, and the grant exactly when they give one.
        refused(Action::Shared, None, None);
        refused(Action::Unshared, None, None);
        let share = |with: &str, grant| {
            Some(ShareAuditParts {
                with: with.to_owned(),
                grant,
            })
        };
        let viewer = Some((ShareRole::Viewer, false));
        for (action, parts) in [
            (Action::Shared, share("Globex", None)),
            (Action::ShareChanged, share("Globex", None)),
            (Action::Unshared, share("Globex", viewer)),
            (Action::Trashed, share("Globex", None)),
        ] {
            assert_eq!(
                DocumentAuditKind::from_parts(action, None, None, parts),
                Err(DocumentAuditPartsError { action }),
                "{action:?}"
            );
        }
    }

    /// What each sharing entry keeps, and that it reads back as itself.
    #[test]
    fn sharing_entries_keep_with_whom_and_the_grant() {
        let with = "Globex Print (whole organization)".to_owned();
        for kind in [
            DocumentAuditKind::Shared {
                with: with.clone(),
                role: ShareRole::Reviewer,
                downloads: false,
            },
            DocumentAuditKind::ShareChanged {
                with: with.clone(),
                role: ShareRole::Viewer,
                downloads: true,
            },
            DocumentAuditKind::Unshared { with: with.clone() },
        ] {
            let parts = kind.share_parts().expect("a sharing entry");
            assert_eq!(parts.with, with);
            assert_eq!(
                parts.grant.is_some(),
                !matches!(kind, DocumentAuditKind::Unshared { .. })
            );
            assert_eq!((kind.other_name(), kind.version()), (None, None));
            assert_eq!(
                DocumentAuditKind::from_parts(kind.action(), None, None, Some(parts)),
                Ok(kind.clone())
            );
        }
        assert_eq!(DocumentAuditKind::Trashed.share_parts(), None);
    }
}
