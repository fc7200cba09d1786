//! The pure rules of the Contacts page (section 2): kinds, how rows with the same address
//! combine, and what a partner sync event does to an existing row.

use serde::{Deserialize, Serialize};

use crate::names::PersonName;

/// The kind label of a row on the Contacts page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactKind {
    /// A user of this account.
    User,
    /// A user of a partner account, added by partner sync.
    Member,
    /// A person added by hand, who need not have an account.
    Contact,
}

impl ContactKind {
    /// The label shown on the row.
    pub const fn label(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Member => "Member",
            Self::Contact => "Contact",
        }
    }
}

/// Whether a member still follows changes made in the partner account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberSync {
    /// The partnership lasts; changes arrive at once.
    Synced,
    /// The partnership ended; the member stays but no longer changes.
    NoLongerSynced,
}

impl MemberSync {
    /// The text shown beside a member.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Synced => "Synced",
            Self::NoLongerSynced => "No longer synced",
        }
    }
}

/// A stored contact row of one account (users of the account itself are not stored as contacts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactRow {
    /// Added by hand.
    HandAdded {
        /// The name typed in.
        name: PersonName,
    },
    /// A user of a partner account.
    Member {
        /// The user's name, as last synced.
        name: PersonName,
        /// Whether the user is active, as last synced.
        active: bool,
        /// Whether the row still follows the partner account.
        sync: MemberSync,
    },
}

impl ContactRow {
    /// The kind label of the row.
    pub const fn kind(&self) -> ContactKind {
        match self {
            Self::HandAdded { .. } => ContactKind::Contact,
            Self::Member { .. } => ContactKind::Member,
        }
    }
}

/// How a person is listed when the same address is a user of this account, a member, and/or a
/// hand-added contact: once, as a user if they are one, else as a member (a hand-added contact
/// is upgraded, never duplicated), else as a contact. `None` means they are not listed.
///
/// A member is never shown as a user: a user of this account cannot also be a member, because
/// an address belongs to one user of one account.
pub const fn listed_kind(
    is_user_here: bool,
    is_member: bool,
    hand_added: bool,
) -> Option<ContactKind> {
    if is_user_here {
        Some(ContactKind::User)
    } else if is_member {
        Some(ContactKind::Member)
    } else if hand_added {
        Some(ContactKind::Contact)
    } else {
        None
    }
}

/// The facts about a partner account's user that sync copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerUser {
    /// The user's name.
    pub name: PersonName,
    /// Whether the user is active.
    pub active: bool,
}

/// Something that happened to a user of the other account, or to the partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncEvent {
    /// The accounts partnered (for the first time or again): sent for each user of the other side.
    PartnershipFormed {
        /// The other side's user.
        user: PartnerUser,
    },
    /// A user was added to the other account.
    UserAdded {
        /// The new user.
        user: PartnerUser,
        /// Whether the two accounts are partners now.
        partners: bool,
    },
    /// A user of the other account was renamed.
    UserRenamed {
        /// The new name.
        name: PersonName,
        /// Whether the two accounts are partners now.
        partners: bool,
    },
    /// A user of the other account was deactivated.
    UserDeactivated {
        /// Whether the two accounts are partners now.
        partners: bool,
    },
    /// A deactivated user of the other account was made active again: while partners, they
    /// arrive again as a user added would (an existing member catches up, and a user never
    /// synced because they were inactive joins now).
    UserReactivated {
        /// The user, active again.
        user: PartnerUser,
        /// Whether the two accounts are partners now.
        partners: bool,
    },
    /// The partnership ended.
    PartnershipEnded,
}

/// What to do to the contact row with the affected user's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactChange {
    /// Leave things as they are.
    Nothing,
    /// Insert a synced member.
    AddMember {
        /// The user's name.
        name: PersonName,
        /// Whether the user is active.
        active: bool,
    },
    /// Turn the hand-added contact into a synced member (the user's name replaces the typed one).
    UpgradeToMember {
        /// The user's name.
        name: PersonName,
        /// Whether the user is active.
        active: bool,
    },
    /// Catch up an existing member: copy name and activity and mark it synced again.
    CatchUp {
        /// The user's name.
        name: PersonName,
        /// Whether the user is active.
        active: bool,
    },
    /// Rename the member.
    Rename {
        /// The new name.
        name: PersonName,
    },
    /// Mark the member inactive (it is kept).
    MarkInactive,
    /// Mark the member no longer synced (it is kept).
    MarkNoLongerSynced,
}

/// Decides what a sync event does to the row `existing` (or to no row) with the user's address.
pub fn on_sync_event(event: &SyncEvent, existing: Option<&ContactRow>) -> ContactChange {
    match event {
        SyncEvent::PartnershipFormed { user }
        | SyncEvent::UserAdded {
            user,
            partners: true,
        }
        | SyncEvent::UserReactivated {
            user,
            partners: true,
        } => bring_in(user, existing),
        SyncEvent::UserRenamed {
            name,
            partners: true,
        } => match existing {
            Some(ContactRow::Member { .. }) => ContactChange::Rename { name: name.clone() },
            _ => ContactChange::Nothing,
        },
        SyncEvent::UserDeactivated { partners: true } => match existing {
            Some(ContactRow::Member { active: true, .. }) => ContactChange::MarkInactive,
            _ => ContactChange::Nothing,
        },
        SyncEvent::PartnershipEnded => match existing {
            Some(ContactRow::Member {
                sync: MemberSync::Synced,
                ..
            }) => ContactChange::MarkNoLongerSynced,
            _ => ContactChange::Nothing,
        },
        // After the partnership ended nothing more is synced.
        SyncEvent::UserAdded {
            partners: false, ..
        }
        | SyncEvent::UserRenamed {
            partners: false, ..
        }
        | SyncEvent::UserDeactivated { partners: false }
        | SyncEvent::UserReactivated {
            partners: false, ..
        } => ContactChange::Nothing,
    }
}

/// Makes the partner user a synced member: only active users join; existing members catch up.
fn bring_in(user: &PartnerUser, existing: Option<&ContactRow>) -> ContactChange {
    let (name, active) = (user.name.clone(), user.active);
    match existing {
        Some(ContactRow::Member { .. }) => ContactChange::CatchUp { name, active },
        None if active => ContactChange::AddMember { name, active },
        Some(ContactRow::HandAdded { .. }) if active => {
            ContactChange::UpgradeToMember { name, active }
        }
        None | Some(ContactRow::HandAdded { .. }) => ContactChange::Nothing,
    }
}

/// Returns the row after `change` (a helper for callers and tests that keep rows in memory).
pub fn apply_change(existing: Option<ContactRow>, change: ContactChange) -> Option<ContactRow> {
    match (existing, change) {
        (
            _,
            ContactChange::AddMember { name, active }
            | ContactChange::UpgradeToMember { name, active }
            | ContactChange::CatchUp { name, active },
        ) => Some(ContactRow::Member {
            name,
            active,
            sync: MemberSync::Synced,
        }),
        (Some(ContactRow::Member { active, sync, .. }), ContactChange::Rename { name }) => {
            Some(ContactRow::Member { name, active, sync })
        }
        (Some(ContactRow::Member { name, sync, .. }), ContactChange::MarkInactive) => {
            Some(ContactRow::Member {
                name,
                active: false,
                sync,
            })
        }
        (Some(ContactRow::Member { name, active, .. }), ContactChange::MarkNoLongerSynced) => {
            Some(ContactRow::Member {
                name,
                active,
                sync: MemberSync::NoLongerSynced,
            })
        }
        (row, _) => row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> PersonName {
        PersonName::parse(text).expect("valid name")
    }

    fn user(text: &str, active: bool) -> PartnerUser {
        PartnerUser {
            name: name(text),
            active,
        }
    }

    /// Applies `events` in order to a starting row and returns the final row.
    fn run(start: Option<ContactRow>, events: &[SyncEvent]) -> Option<ContactRow> {
        events.iter().fold(start, |row, event| {
            let change = on_sync_event(event, row.as_ref());
            apply_change(row, change)
        })
    }

    fn member(text: &str, active: bool, sync: MemberSync) -> Option<ContactRow> {
        Some(ContactRow::Member {
            name: name(text),
            active,
            sync,
        })
    }

    #[test]
    fn kinds_have_labels_and_combine_without_duplicates() {
        assert_eq!(listed_kind(true, false, true), Some(ContactKind::User));
        assert_eq!(listed_kind(false, true, true), Some(ContactKind::Member));
        assert_eq!(listed_kind(false, false, true), Some(ContactKind::Contact));
        assert_eq!(listed_kind(false, false, false), None);
        let labels =
            [ContactKind::User, ContactKind::Member, ContactKind::Contact].map(ContactKind::label);
        assert_eq!(labels, ["User", "Member", "Contact"]);
        assert_eq!(MemberSync::NoLongerSynced.label(), "No longer synced");
        assert_eq!(MemberSync::Synced.label(), "Synced");
    }

    #[test]
    fn partnership_formed_adds_active_users_and_upgrades_hand_added_contacts() {
        let formed = SyncEvent::PartnershipFormed {
            user: user("Ann", true),
        };
        assert_eq!(
            run(None, std::slice::from_ref(&formed)),
            member("Ann", true, MemberSync::Synced)
        );
        let hand_added = Some(ContactRow::HandAdded {
            name: name("Annie"),
        });
        assert_eq!(
            hand_added.as_ref().map(ContactRow::kind),
            Some(ContactKind::Contact)
        );
        assert_eq!(
            run(hand_added, &[formed]),
            member("Ann", true, MemberSync::Synced)
        );
        let inactive = SyncEvent::PartnershipFormed {
            user: user("Bob", false),
        };
        assert_eq!(run(None, &[inactive]), None);
    }

    #[test]
    fn changes_during_a_partnership_arrive_at_once() {
        let events = [
            SyncEvent::UserAdded {
                user: user("Ann", true),
                partners: true,
            },
            SyncEvent::UserRenamed {
                name: name("Ann Lee"),
                partners: true,
            },
            SyncEvent::UserDeactivated { partners: true },
        ];
        assert_eq!(
            run(None, &events),
            member("Ann Lee", false, MemberSync::Synced)
        );
    }

    #[test]
    fn a_reactivated_user_arrives_again_while_partners_and_not_after() {
        let back = |partners| SyncEvent::UserReactivated {
            user: user("Ann", true),
            partners,
        };
        let inactive_member = member("Ann", false, MemberSync::Synced);
        assert_eq!(
            run(inactive_member.clone(), &[back(true)]),
            member("Ann", true, MemberSync::Synced)
        );
        // Never synced while inactive: joins now.
        assert_eq!(
            run(None, &[back(true)]),
            member("Ann", true, MemberSync::Synced)
        );
        // After the partnership ended: nothing changes.
        assert_eq!(
            run(inactive_member.clone(), &[back(false)]),
            inactive_member
        );
        assert_eq!(run(None, &[back(false)]), None);
    }

    #[test]
    fn members_stay_after_the_partnership_ends_and_later_users_are_not_synced() {
        let start = member("Ann", true, MemberSync::Synced);
        let events = [
            SyncEvent::PartnershipEnded,
            SyncEvent::UserRenamed {
                name: name("Ann Lee"),
                partners: false,
            },
            SyncEvent::UserDeactivated { partners: false },
        ];
        assert_eq!(
            run(start, &events),
            member("Ann", true, MemberSync::NoLongerSynced)
        );
        let later = SyncEvent::UserAdded {
            user: user("Cy", true),
            partners: false,
        };
        assert_eq!(run(None, &[later]), None);
        assert_eq!(run(None, &[SyncEvent::PartnershipEnded]), None);
    }

    #[test]
    fn partnering_again_catches_up() {
        let start = member("Ann", true, MemberSync::NoLongerSynced);
        let again = SyncEvent::PartnershipFormed {
            user: user("Ann Lee", false),
        };
        assert_eq!(
            run(start, &[again]),
            member("Ann Lee", false, MemberSync::Synced)
        );
    }

    #[test]
    fn hand_added_contacts_ignore_renames_and_deactivations() {
        let start = Some(ContactRow::HandAdded {
            name: name("Annie"),
        });
        let events = [
            SyncEvent::UserRenamed {
                name: name("Ann"),
                partners: true,
            },
            SyncEvent::UserDeactivated { partners: true },
        ];
        assert_eq!(run(start.clone(), &events), start);
    }
}
