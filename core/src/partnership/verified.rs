//! Only organizations that have confirmed their email address take part in partnerships: an
//! organization signs up with an address, and until someone clicks the link we sent there it
//! can neither send a partner invitation nor receive one (it is answered like an unknown
//! address, [`super::send`]). Anyone can create an account with any name; an address that
//! answered is what tells a partner who is behind it.

use super::SendError;

/// Refuses an invitation from an organization that has not confirmed its address.
pub fn check_may_invite(sender_verified: bool) -> Result<(), SendError> {
    if sender_verified {
        Ok(())
    } else {
        Err(SendError::NotVerified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Timestamp;
    use crate::partnership::test_support::*;
    use crate::partnership::{RecipientLookup, send};

    #[test]
    fn an_unverified_organization_cannot_invite() {
        assert_eq!(check_may_invite(false), Err(SendError::NotVerified));
        assert_eq!(check_may_invite(true), Ok(()));
        assert!(
            SendError::NotVerified
                .to_string()
                .starts_with("Confirm your organization")
        );
    }

    #[test]
    fn an_unverified_organization_cannot_be_invited_and_answers_like_an_unknown_address() {
        let unverified = RecipientLookup::Found {
            account: R,
            active: true,
            verified: false,
        };
        let id = pending().id();
        let answer = send(
            &admin(S, 1),
            &email("bob@r.example"),
            unverified,
            &[],
            id,
            Timestamp(1),
        );
        assert_eq!(answer.map(|_| ()), Err(SendError::RecipientNotFound));
    }
}
