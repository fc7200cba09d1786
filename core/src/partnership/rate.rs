//! How many partner invitations an organization may send in an hour: every invitation emails
//! someone in another organization, so the service limits them against unwanted email.
//!
//! This is a rate, not a rule of the state machine (SPEC 4.3): the server counts the
//! organization's requests created within the window (withdrawn ones included) and asks here
//! before it lets [`super::send`] decide.

use super::SendError;

/// Invitations one organization may send within [`INVITATION_WINDOW_SECONDS`].
pub const MAX_INVITATIONS_PER_HOUR: usize = 30;
/// The sliding window, in seconds, over which invitations are counted.
pub const INVITATION_WINDOW_SECONDS: i64 = 60 * 60;

/// Refuses another invitation from an organization that sent `sent_in_window` of them since
/// `now - INVITATION_WINDOW_SECONDS`.
pub fn check_invitation_rate(sent_in_window: usize) -> Result<(), SendError> {
    if sent_in_window < MAX_INVITATIONS_PER_HOUR {
        Ok(())
    } else {
        Err(SendError::TooManyInvitations {
            limit: MAX_INVITATIONS_PER_HOUR,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_sends_at_most_thirty_invitations_an_hour() {
        assert_eq!(check_invitation_rate(0), Ok(()));
        assert_eq!(check_invitation_rate(29), Ok(()));
        let refused = check_invitation_rate(30).unwrap_err();
        assert_eq!(refused, SendError::TooManyInvitations { limit: 30 });
        assert_eq!(
            refused.to_string(),
            "Your organization has sent 30 partner invitations in the last hour. Please try again later."
        );
        assert!(check_invitation_rate(500).is_err());
    }
}
