//! The rule that keeps every account administered: it never loses its last active Administrator.
//!
//! The server counts the account's active Administrators inside the write transaction that
//! changes a user (with the account locked), then asks [`check_keeps_an_administrator`].

use serde::{Deserialize, Serialize};

use crate::Profile;

/// What an administrator does to a user of their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserChange {
    /// Gives the user another profile.
    ChangeProfile(Profile),
    /// Deactivates the user: they can no longer sign in.
    Deactivate,
    /// Reactivates a deactivated user.
    Reactivate,
}

impl UserChange {
    /// This change as the powers table sees it, on a user who has `target` now
    /// ([`Profile::may`](crate::Profile::may)).
    pub const fn action_on(self, target: Profile) -> crate::UserAction {
        use crate::UserAction;
        match self {
            UserChange::ChangeProfile(to) => UserAction::ChangeProfile { from: target, to },
            UserChange::Deactivate => UserAction::Deactivate(target),
            UserChange::Reactivate => UserAction::Reactivate(target),
        }
    }
}

/// The user a change applies to, as stored before the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetUser {
    /// The user's current profile.
    pub profile: Profile,
    /// Whether the user is currently active.
    pub active: bool,
}

impl TargetUser {
    /// Whether this user counts as one of the account's active Administrators.
    pub const fn is_active_administrator(self) -> bool {
        self.active && matches!(self.profile, Profile::Administrator)
    }

    /// The user as they would be after `change`.
    pub const fn after(self, change: UserChange) -> TargetUser {
        match change {
            UserChange::ChangeProfile(profile) => TargetUser { profile, ..self },
            UserChange::Deactivate => TargetUser {
                active: false,
                ..self
            },
            UserChange::Reactivate => TargetUser {
                active: true,
                ..self
            },
        }
    }
}

/// Why a change to a user is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum LastAdministratorError {
    /// The change would leave the account without an active Administrator.
    #[error(
        "This is the last active Administrator of your organization. Make another user an \
         Administrator first."
    )]
    LastActiveAdministrator,
}

/// Decides whether `change` may be applied to `target`, given how many active Administrators
/// the account has now (`target` included when it is one).
///
/// Refused only when the target is an active Administrator, would stop being one, and is the
/// only one. A Billing Administrator manages users too, but does not count as an Administrator.
pub fn check_keeps_an_administrator(
    target: TargetUser,
    change: UserChange,
    active_administrators: u64,
) -> Result<(), LastAdministratorError> {
    let loses_one =
        target.is_active_administrator() && !target.after(change).is_active_administrator();
    if loses_one && active_administrators <= 1 {
        Err(LastAdministratorError::LastActiveAdministrator)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: TargetUser = TargetUser {
        profile: Profile::Administrator,
        active: true,
    };
    const INACTIVE_ADMIN: TargetUser = TargetUser {
        profile: Profile::Administrator,
        active: false,
    };
    const STANDARD: TargetUser = TargetUser {
        profile: Profile::Standard,
        active: true,
    };
    const BILLING: TargetUser = TargetUser {
        profile: Profile::BillingAdministrator,
        active: true,
    };

    /// Checks one case: `expected_ok` tells whether the change is allowed.
    fn check(target: TargetUser, change: UserChange, admins: u64, expected_ok: bool) {
        let outcome = check_keeps_an_administrator(target, change, admins);
        assert_eq!(
            outcome.is_ok(),
            expected_ok,
            "{target:?} {change:?} with {admins} active administrators: {outcome:?}"
        );
    }

    #[test]
    fn the_last_active_administrator_cannot_be_demoted_or_deactivated() {
        use UserChange::*;
        let cases = [
            (ADMIN, Deactivate, 1, false),
            (ADMIN, ChangeProfile(Profile::Standard), 1, false),
            (
                ADMIN,
                ChangeProfile(Profile::BillingAdministrator),
                1,
                false,
            ),
            (ADMIN, ChangeProfile(Profile::Administrator), 1, true),
            (ADMIN, Reactivate, 1, true),
            (ADMIN, Deactivate, 2, true),
            (ADMIN, ChangeProfile(Profile::Reviewer), 2, true),
            (STANDARD, Deactivate, 1, true),
            (STANDARD, ChangeProfile(Profile::Administrator), 1, true),
            (BILLING, Deactivate, 1, true),
            (INACTIVE_ADMIN, ChangeProfile(Profile::Standard), 1, true),
            (INACTIVE_ADMIN, Reactivate, 1, true),
        ];
        for (target, change, admins, expected_ok) in cases {
            check(target, change, admins, expected_ok);
        }
    }

    #[test]
    fn the_refusal_is_a_sentence() {
        let error = check_keeps_an_administrator(ADMIN, UserChange::Deactivate, 1).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("This is the last active Administrator")
        );
    }
}
