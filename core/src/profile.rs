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
