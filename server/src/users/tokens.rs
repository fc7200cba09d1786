//! Set-password tokens: 32 random bytes from the operating system, hex in the link, and only
//! their SHA-256 hash in the database.

use sha2::{Digest, Sha256};

/// How long an invitation link works: 7 days.
pub const INVITATION_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;
/// How long a password-reset link works: 1 hour.
pub const RESET_LIFETIME_SECS: i64 = 60 * 60;

/// A freshly issued token: the secret for the link and the hash to store. Never printed.
pub struct IssuedToken {
    /// The secret that goes into the emailed link, 64 hex characters.
    pub secret: String,
    /// The SHA-256 of the secret, 64 hex characters, the only part the database sees.
    pub hash: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("IssuedToken(<redacted>)")
    }
}

/// Draws a new token from the operating system's random source.
pub fn issue_token() -> Result<IssuedToken, getrandom::Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)?;
    let secret = hex::encode(bytes);
    let hash = hash_token(&secret);
    Ok(IssuedToken { secret, hash })
}

/// The stored form of a token taken from a link: the hex SHA-256 of its text.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_are_random_hex_and_hash_to_what_is_stored() {
        let first = issue_token().expect("random bytes");
        let second = issue_token().expect("random bytes");
        assert_ne!(first.secret, second.secret);
        assert_eq!(first.secret.len(), 64);
        assert!(first.secret.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hash_token(&first.secret), first.hash);
        assert_ne!(first.hash, first.secret);
        assert!(!format!("{first:?}").contains(&first.secret));
    }
}
