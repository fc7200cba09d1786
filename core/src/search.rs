//! What a search box accepts: the text a person types to find contacts or partners.
//!
//! A search is at most [`SEARCH_MAX_CHARS`] characters (longer text finds nothing anyway, and
//! a long pattern costs the database dearly) and holds no control characters (NUL included,
//! which PostgreSQL refuses in text). Surrounding spaces are trimmed; an empty search means
//! "everything". Refusals are sentences, shown beside the search box.

use serde::{Deserialize, Serialize};

/// The longest search accepted, in characters.
pub const SEARCH_MAX_CHARS: usize = 100;

/// Why a search text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SearchError {
    /// Longer than [`SEARCH_MAX_CHARS`].
    #[error("This search is too long (at most {SEARCH_MAX_CHARS} characters).")]
    TooLong,
    /// Holds a control character (a tab, a line break, NUL…).
    #[error("This search contains characters that cannot be searched for.")]
    ControlCharacter,
}

/// A search text as typed, trimmed and checked; empty means "everything".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SearchText(String);

impl SearchText {
    /// Checks `text` as a search.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let text = text.trim();
        if text.chars().count() > SEARCH_MAX_CHARS {
            return Err(SearchError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(SearchError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    /// The search, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether nothing is searched for.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<String> for SearchText {
    type Error = SearchError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<SearchText> for String {
    fn from(search: SearchText) -> Self {
        search.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_search_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(SearchText::parse("  Ann ").unwrap().as_str(), "Ann");
        assert!(SearchText::parse("").unwrap().is_empty());
        assert_eq!(SearchText::parse(&"é".repeat(100)).map(|_| ()), Ok(()));
        assert_eq!(
            SearchText::parse(&"é".repeat(101)),
            Err(SearchError::TooLong)
        );
        assert_eq!(
            SearchText::parse(&"a".repeat(50_000)),
            Err(SearchError::TooLong)
        );
        for hostile in ["a\0b", "a\nb", "\u{7}", "tab\there"] {
            assert_eq!(
                SearchText::parse(hostile),
                Err(SearchError::ControlCharacter),
                "{hostile:?}"
            );
        }
        // SQL and HTML metacharacters are ordinary text: the store binds and escapes them.
        assert!(SearchText::parse("'; DROP TABLE users; -- <b>%_").is_ok());
        assert_eq!(
            SearchError::TooLong.to_string(),
            "This search is too long (at most 100 characters)."
        );
    }

    proptest! {
        #[test]
        fn any_accepted_search_is_short_and_printable(text in any::<String>()) {
            if let Ok(search) = SearchText::parse(&text) {
                prop_assert!(search.as_str().chars().count() <= SEARCH_MAX_CHARS);
                prop_assert!(!search.as_str().chars().any(char::is_control));
                prop_assert_eq!(search.as_str(), search.as_str().trim());
            }
        }
    }
}
