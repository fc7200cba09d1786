//! User profiles (section 1 of the specification) and what each may do.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The profile of a user, which decides what they may do in their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Full control of the account.
    Administrator,
    /// Full control of the account, including billing.
    BillingAdministrator,
    /// Manages work but not the account.
    Manager,
    /// An ordinary user.
    Standard,
    /// Reviews what is shared with them.
    Reviewer,
}

/// Why a stored text is not a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ProfileParseError {
    /// The text is none of the stored profile names.
    #[error("This profile does not exist.")]
    Unknown,
}

impl Profile {
    /// Every profile, in the order they are offered in forms.
    pub const ALL: [Self; 5] = [
        Self::Administrator,
        Self::BillingAdministrator,
        Self::Manager,
        Self::Standard,
        Self::Reviewer,
    ];

    /// Whether this profile may open Account settings: manage users and send, accept,
    /// reject or delete partner requests and partners.
    pub const fn can_manage_partners(self) -> bool {
        matches!(self, Self::Administrator | Self::BillingAdministrator)
    }

    /// Whether this profile may open the Users page of Account settings: list, add,
    /// change and deactivate the account's users. The same profiles as
    /// [`Profile::can_manage_partners`], since both are Account settings.
    pub const fn can_manage_users(self) -> bool {
        self.can_manage_partners()
    }

    /// Whether this profile works with its account's documents (SPEC 3.1): every profile but
    /// Reviewer, who sees only what is shared with them.
    pub const fn works_with_documents(self) -> bool {
        !matches!(self, Self::Reviewer)
    }

    /// The stable text stored in the database, such as `billing_administrator`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::BillingAdministrator => "billing_administrator",
            Self::Manager => "manager",
            Self::Standard => "standard",
            Self::Reviewer => "reviewer",
        }
    }

    /// The name shown to people, such as "Billing Administrator".
    pub const fn label(self) -> &'static str {
        match self {
            Self::Administrator => "Administrator",
            Self::BillingAdministrator => "Billing Administrator",
            Self::Manager => "Manager",
            Self::Standard => "Standard",
            Self::Reviewer => "Reviewer",
        }
    }
}

/// What someone does to a user of their own account on the Users page (SPEC 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserAction {
    /// Adds a user with this profile.
    Add(Profile),
    /// Renames a user who has this profile.
    Rename(Profile),
    /// Gives a user who has the first profile the second one.
    ChangeProfile {
        /// The target's profile now.
        from: Profile,
        /// The profile given.
        to: Profile,
    },
    /// Deactivates a user who has this profile.
    Deactivate(Profile),
    /// Reactivates a user who has this profile.
    Reactivate(Profile),
}

impl UserAction {
    /// Whether the action grants, removes or touches the Administrator profile.
    const fn involves_an_administrator(self) -> bool {
        use Profile::Administrator as A;
        match self {
            Self::Add(profile)
            | Self::Rename(profile)
            | Self::Deactivate(profile)
            | Self::Reactivate(profile) => matches!(profile, A),
            Self::ChangeProfile { from, to } => matches!(from, A) || matches!(to, A),
        }
    }
}

impl Profile {
    /// The profiles' powers over the users of their own account, as one table (SPEC 1):
    /// an Administrator may do every [`UserAction`]; a Billing Administrator may add, rename,
    /// change the profile of, deactivate and reactivate users, but never grant, remove or act
    /// on the Administrator profile (so never make anyone, itself included, an Administrator,
    /// nor change or deactivate one); the other profiles may do none of them.
    pub const fn may(self, action: UserAction) -> bool {
        match self {
            Self::Administrator => true,
            Self::BillingAdministrator => !action.involves_an_administrator(),
            Self::Manager | Self::Standard | Self::Reviewer => false,
        }
    }

    /// The profiles this profile may give a user it adds or changes (what its forms offer).
    pub fn grantable(self) -> Vec<Profile> {
        Self::ALL
            .into_iter()
            .filter(|profile| self.may(UserAction::Add(*profile)))
            .collect()
    }
}

impl FromStr for Profile {
    type Err = ProfileParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|profile| profile.as_str() == text)
            .ok_or(ProfileParseError::Unknown)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_manage_partners() {
        let managers: Vec<Profile> = Profile::ALL
            .into_iter()
            .filter(|profile| profile.can_manage_partners())
            .collect();
        assert_eq!(
            managers,
            [Profile::Administrator, Profile::BillingAdministrator]
        );
    }

    /// Every cell of the powers table: each actor profile against each action on each
    /// profile (SPEC 1, "the profiles' powers are one table in the core crate").
    #[test]
    fn the_powers_table_cell_by_cell() {
        use Profile::*;
        let may_manage_users =
            |actor: Profile| matches!(actor, Administrator | BillingAdministrator);
        for actor in Profile::ALL {
            for target in Profile::ALL {
                let single = [
                    UserAction::Add(target),
                    UserAction::Rename(target),
                    UserAction::Deactivate(target),
                    UserAction::Reactivate(target),
                ];
                for action in single {
                    let expected = match actor {
                        Administrator => true,
                        BillingAdministrator => target != Administrator,
                        _ => false,
                    };
                    assert_eq!(actor.may(action), expected, "{actor:?} {action:?}");
                }
                for to in Profile::ALL {
                    let action = UserAction::ChangeProfile { from: target, to };
                    let expected = match actor {
                        Administrator => true,
                        BillingAdministrator => target != Administrator && to != Administrator,
                        _ => false,
                    };
                    assert_eq!(actor.may(action), expected, "{actor:?} {action:?}");
                }
            }
            // Whoever may do anything on the Users page is exactly who may open it.
            let any = Profile::ALL
                .into_iter()
                .any(|target| actor.may(UserAction::Rename(target)));
            assert_eq!(any, may_manage_users(actor), "{actor:?}");
            assert_eq!(
                actor.can_manage_users(),
                may_manage_users(actor),
                "{actor:?}"
            );
        }
    }

    #[test]
    fn a_billing_administrator_can_neither_promote_itself_nor_touch_an_administrator() {
        use Profile::*;
        let billing = BillingAdministrator;
        assert!(!billing.may(UserAction::ChangeProfile {
            from: BillingAdministrator,
            to: Administrator
        }));
        assert!(!billing.may(UserAction::Deactivate(Administrator)));
        assert!(!billing.may(UserAction::ChangeProfile {
            from: Administrator,
            to: Standard
        }));
        assert!(!billing.may(UserAction::Add(Administrator)));
        assert!(billing.may(UserAction::ChangeProfile {
            from: Standard,
            to: BillingAdministrator
        }));
        assert_eq!(
            billing.grantable(),
            [BillingAdministrator, Manager, Standard, Reviewer]
        );
        assert_eq!(Administrator.grantable(), Profile::ALL);
        assert!(Manager.grantable().is_empty());
    }

    #[test]
    fn profile_storage_text_round_trips() {
        for profile in Profile::ALL {
            assert_eq!(profile.as_str().parse::<Profile>(), Ok(profile));
        }
        assert_eq!(
            Profile::BillingAdministrator.as_str(),
            "billing_administrator"
        );
        assert_eq!(
            Profile::BillingAdministrator.to_string(),
            "Billing Administrator"
        );
        assert_eq!(
            "Administrator".parse::<Profile>(),
            Err(ProfileParseError::Unknown)
        );
    }
}
