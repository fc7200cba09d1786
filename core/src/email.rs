//! Email addresses that exist only normalized (trimmed, lowercased) and well formed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest address accepted, in bytes (RFC 5321 path limit minus the angle brackets).
pub const EMAIL_MAX_LENGTH: usize = 254;
/// The longest local part (before the `@`) accepted, in bytes.
pub const EMAIL_LOCAL_PART_MAX_LENGTH: usize = 64;
/// The longest domain label accepted, in bytes.
const DOMAIN_LABEL_MAX_LENGTH: usize = 63;
/// Characters allowed in a local part besides ASCII letters, digits and dots.
const LOCAL_PART_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-";

/// Why a text is not an acceptable email address; each reason has its own variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EmailError {
    /// Nothing was typed.
    #[error("Please enter an email address.")]
    Empty,
    /// The whole address is longer than 254 characters.
    #[error("This email address is too long (at most 254 characters).")]
    TooLong,
    /// The part before the `@` is longer than 64 characters.
    #[error("The part before the @ is too long (at most 64 characters).")]
    LocalPartTooLong,
    /// There is a space, tab or line break inside the address.
    #[error("An email address cannot contain spaces.")]
    ContainsWhitespace,
    /// There is no `@`.
    #[error("An email address needs an @, as in name@example.com.")]
    MissingAt,
    /// There is more than one `@`.
    #[error("An email address can contain only one @.")]
    MoreThanOneAt,
    /// The part before the `@` is empty or uses characters or dots that addresses cannot have.
    #[error("The part before the @ is not valid.")]
    BadLocalPart,
    /// The part after the `@` is not a domain such as example.com.
    #[error("The part after the @ must be a domain such as example.com.")]
    BadDomain,
}

/// A well-formed email address, trimmed and lowercased.
///
/// Two addresses that differ only by case or surrounding spaces parse to equal values,
/// which is what makes addresses unique across the service.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Normalizes and checks `text`, returning the address or the first reason it is not one.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(EmailError::ContainsWhitespace);
        }
        let normalized = trimmed.to_lowercase();
        // Characters, not bytes: a valid address is ASCII (where the two agree), and an address
        // with other letters is then refused for them, not called too long.
        if normalized.chars().count() > EMAIL_MAX_LENGTH {
            return Err(EmailError::TooLong);
        }
        let mut parts = normalized.split('@');
        let (Some(local_part), Some(domain)) = (parts.next(), parts.next()) else {
            return Err(EmailError::MissingAt);
        };
        if parts.next().is_some() {
            return Err(EmailError::MoreThanOneAt);
        }
        if local_part.chars().count() > EMAIL_LOCAL_PART_MAX_LENGTH {
            return Err(EmailError::LocalPartTooLong);
        }
        if !is_valid_local_part(local_part) {
            return Err(EmailError::BadLocalPart);
        }
        if !is_valid_domain(domain) {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(normalized))
    }

    /// Returns the normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the domain, the part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

/// A dot-atom local part: allowed characters, no leading, trailing or doubled dot.
fn is_valid_local_part(local_part: &str) -> bool {
    !local_part.is_empty()
        && local_part.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || LOCAL_PART_SYMBOLS.contains(c))
        })
}

/// At least two labels of ASCII letters, digits and inner hyphens.
fn is_valid_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= DOMAIN_LABEL_MAX_LENGTH
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl fmt::Display for Email {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Parses `input` and compares with the expected normalized address or error.
    fn check(input: &str, expected: Result<&str, EmailError>) {
        let actual = Email::parse(input);
        assert_eq!(
            actual.as_ref().map(Email::as_str).map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn email_table() {
        let long_local = "a".repeat(64);
        let too_long_local = "a".repeat(65);
        let long_domain = format!("{}.com", vec!["b".repeat(60); 5].join("."));
        let long_local_address = format!("{long_local}@example.com");
        let cases: Vec<(String, Result<&str, EmailError>)> = vec![
            ("ann@example.com".into(), Ok("ann@example.com")),
            ("  Ann.Lee@Example.COM \n".into(), Ok("ann.lee@example.com")),
            (
                "o'neil+proofs@sub.example.co.uk".into(),
                Ok("o'neil+proofs@sub.example.co.uk"),
            ),
            ("x@a-b.io".into(), Ok("x@a-b.io")),
            ("".into(), Err(EmailError::Empty)),
            ("   \t ".into(), Err(EmailError::Empty)),
            (
                "ann lee@example.com".into(),
                Err(EmailError::ContainsWhitespace),
            ),
            (
                "ann@exa\tmple.com".into(),
                Err(EmailError::ContainsWhitespace),
            ),
            ("ann.example.com".into(), Err(EmailError::MissingAt)),
            ("ann@bob@example.com".into(), Err(EmailError::MoreThanOneAt)),
            ("@example.com".into(), Err(EmailError::BadLocalPart)),
            (".ann@example.com".into(), Err(EmailError::BadLocalPart)),
            ("ann.@example.com".into(), Err(EmailError::BadLocalPart)),
            ("an..n@example.com".into(), Err(EmailError::BadLocalPart)),
            ("an(n)@example.com".into(), Err(EmailError::BadLocalPart)),
            ("anné@example.com".into(), Err(EmailError::BadLocalPart)),
            // 40 letters but 80 bytes: refused for the letters, not called too long.
            (
                format!("{}@example.com", "é".repeat(40)),
                Err(EmailError::BadLocalPart),
            ),
            ("ann@".into(), Err(EmailError::BadDomain)),
            ("ann@localhost".into(), Err(EmailError::BadDomain)),
            ("ann@-example.com".into(), Err(EmailError::BadDomain)),
            ("ann@example-.com".into(), Err(EmailError::BadDomain)),
            ("ann@example..com".into(), Err(EmailError::BadDomain)),
            ("ann@example.com.".into(), Err(EmailError::BadDomain)),
            ("ann@exa_mple.com".into(), Err(EmailError::BadDomain)),
            (
                format!("ann@{}.com", "c".repeat(64)),
                Err(EmailError::BadDomain),
            ),
            (long_local_address.clone(), Ok(long_local_address.as_str())),
            (
                format!("{too_long_local}@example.com"),
                Err(EmailError::LocalPartTooLong),
            ),
            (format!("ann@{long_domain}"), Err(EmailError::TooLong)),
        ];
        for (input, expected) in cases {
            check(&input, expected);
        }
    }

    #[test]
    fn email_exposes_its_domain_and_text() {
        let email = Email::parse("Ann@Example.com").expect("valid address");
        assert_eq!(email.domain(), "example.com");
        assert_eq!(email.to_string(), "ann@example.com");
        assert_eq!(String::from(email.clone()), "ann@example.com");
        assert_eq!(email.as_ref(), "ann@example.com");
        assert_eq!("ANN@example.com".parse::<Email>(), Ok(email.clone()));
        assert_eq!(
            Email::try_from("nope".to_string()),
            Err(EmailError::MissingAt)
        );
    }

    #[test]
    fn email_deserialization_parses_too() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        let read = |text: &'static str| {
            let deserializer: StrDeserializer<'_, Error> = text.into_deserializer();
            Email::deserialize(deserializer).map_err(|error| error.to_string())
        };
        assert_eq!(
            read(" Ann@Example.com"),
            Ok(Email::parse("ann@example.com").expect("valid"))
        );
        assert_eq!(read("ann"), Err(EmailError::MissingAt.to_string()));
    }

    proptest! {
        #[test]
        fn email_parse_never_panics(text in any::<String>()) {
            let _ = Email::parse(&text);
        }

        #[test]
        fn parsed_email_reparses_to_itself(text in "[ ]{0,2}[A-Za-z0-9._%+-]{1,70}@[A-Za-z0-9.-]{1,30}[ ]{0,2}") {
            if let Ok(email) = Email::parse(&text) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
                prop_assert!(email.as_str().len() <= EMAIL_MAX_LENGTH);
            }
        }

        #[test]
        fn well_formed_addresses_are_accepted(
            local in "[a-z0-9]{1,20}(\\.[a-z0-9+_-]{1,10}){0,2}",
            domain in "[a-z0-9]{1,10}(-[a-z0-9]{1,5})?(\\.[a-z]{2,6}){1,2}",
        ) {
            let text = format!("{local}@{domain}");
            prop_assert_eq!(Email::parse(&text).map(String::from), Ok(text.clone()));
        }
    }
}
