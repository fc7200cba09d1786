//! The rules a new password must meet at sign-up or when a user sets their password.
//!
//! Two steps (ASVS V6): [`NewPassword::parse`] checks the length, and runs in the browser
//! too; [`NewPassword::check_guessable`] refuses what an attacker tries first (a common
//! password, one built on the person's own name, address or organization, a run of one or
//! two characters) and runs on the server only, so the list of common passwords never
//! reaches the browser's code.

use std::fmt;

use serde::{Deserialize, Serialize};

mod guessable;

/// The shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// The longest password accepted, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Why a text is not acceptable as a new password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NewPasswordError {
    /// Fewer than 10 characters.
    #[error("Your password must have at least 10 characters.")]
    TooShort,
    /// More than 128 characters.
    #[error("Your password can have at most 128 characters.")]
    TooLong,
    /// Only spaces or other blank characters.
    #[error("Your password cannot be only spaces.")]
    OnlyWhitespace,
    /// One of the most common passwords, maybe with digits or symbols around it or letters
    /// swapped for look-alike digits.
    #[error("This password is among the most common ones, which are tried first: choose another.")]
    Common,
    /// Built on the person's name, email address or organization's name.
    #[error("Your password cannot be built on your name, email address or organization's name.")]
    Personal,
    /// A run or repetition of very few characters, or a straight sequence.
    #[error("Your password repeats too few characters: use more different ones.")]
    Repetitive,
}

/// A password that meets the rules; kept exactly as typed (never trimmed) and never printed.
///
/// It deliberately does not implement `Serialize` or `Display`, so it cannot end up in a log
/// or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `text` against the password rules.
    pub fn parse(text: &str) -> Result<Self, NewPasswordError> {
        let length = text.chars().count();
        if length < PASSWORD_MIN_CHARS {
            Err(NewPasswordError::TooShort)
        } else if length > PASSWORD_MAX_CHARS {
            Err(NewPasswordError::TooLong)
        } else if text.chars().all(char::is_whitespace) {
            Err(NewPasswordError::OnlyWhitespace)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    /// Refuses a password an attacker would try first. `personal` holds what the person is
    /// known by: their email address, their name and their organization's name.
    pub fn check_guessable(&self, personal: &[&str]) -> Result<(), NewPasswordError> {
        guessable::check(&self.0, personal)
    }

    /// Returns the password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Parses `input` and compares with the expected outcome (Ok means accepted unchanged).
    fn check(input: &str, expected: Result<(), NewPasswordError>) {
        let actual = NewPassword::parse(input);
        assert_eq!(
            actual.as_ref().map(|_| ()).map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
        if let Ok(password) = actual {
            assert_eq!(password.expose(), input);
        }
    }

    #[test]
    fn password_table() {
        let cases: Vec<(String, Result<(), NewPasswordError>)> = vec![
            ("correct horse".into(), Ok(())),
            ("  padded!  ".into(), Ok(())),
            ("ééééééééé1".into(), Ok(())),
            ("x".repeat(128), Ok(())),
            ("".into(), Err(NewPasswordError::TooShort)),
            ("short".into(), Err(NewPasswordError::TooShort)),
            ("ééééééééé".into(), Err(NewPasswordError::TooShort)),
            ("x".repeat(129), Err(NewPasswordError::TooLong)),
            (" ".repeat(12), Err(NewPasswordError::OnlyWhitespace)),
        ];
        for (input, expected) in cases {
            check(&input, expected);
        }
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let password = NewPassword::parse("hunter2hunter2").expect("valid password");
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    proptest! {
        #[test]
        fn password_parse_never_panics(text in any::<String>()) {
            let _ = NewPassword::parse(&text);
        }
    }
}
