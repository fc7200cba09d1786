//! Person and account names: trimmed, 1 to 100 characters, no control characters, and no
//! invisible or direction-changing characters (which let "Acme\u{200B} Print" or a name
//! written backwards pass for a real partner's; every name, person and organization alike).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest name accepted, in characters after trimming.
pub const NAME_MAX_CHARS: usize = 100;

/// What is wrong with a name, before it is given its own error type.
enum NameProblem {
    Empty,
    TooLong,
    ControlCharacter,
    Invisible,
}

/// Whether `character` is invisible or changes the direction of the text around it: the
/// zero-width and joining characters, bidirectional marks, embeddings, overrides and isolates,
/// fillers, tags, the byte-order mark and the line and paragraph separators. Variation
/// selectors stay allowed (an emoji needs them).
pub const fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Trims `text` and checks the rules shared by every kind of name.
fn check_name(text: &str) -> Result<String, NameProblem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(NameProblem::Empty)
    } else if trimmed.chars().count() > NAME_MAX_CHARS {
        Err(NameProblem::TooLong)
    } else if trimmed.chars().any(char::is_control) {
        Err(NameProblem::ControlCharacter)
    } else if trimmed.chars().any(is_invisible) {
        Err(NameProblem::Invisible)
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Why a text is not an acceptable person's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PersonNameError {
    /// Nothing but spaces was typed.
    #[error("Please enter a name.")]
    Empty,
    /// More than 100 characters.
    #[error("This name is too long (at most 100 characters).")]
    TooLong,
    /// A tab, line break or other control character.
    #[error("A name cannot contain tabs, line breaks or other control characters.")]
    ControlCharacter,
    /// An invisible or direction-changing character.
    #[error("A name cannot contain invisible or text-direction characters.")]
    Invisible,
}

/// Why a text is not an acceptable organization (account) name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AccountNameError {
    /// Nothing but spaces was typed.
    #[error("Please enter the organization's name.")]
    Empty,
    /// More than 100 characters.
    #[error("This organization name is too long (at most 100 characters).")]
    TooLong,
    /// A tab, line break or other control character.
    #[error("An organization name cannot contain tabs, line breaks or other control characters.")]
    ControlCharacter,
    /// An invisible or direction-changing character.
    #[error("An organization name cannot contain invisible or text-direction characters.")]
    Invisible,
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $error:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims and checks `text`, returning the name or why it is not acceptable.
            pub fn parse(text: &str) -> Result<Self, $error> {
                check_name(text).map(Self).map_err(|problem| match problem {
                    NameProblem::Empty => $error::Empty,
                    NameProblem::TooLong => $error::TooLong,
                    NameProblem::ControlCharacter => $error::ControlCharacter,
                    NameProblem::Invisible => $error::Invisible,
                })
            }

            /// Returns the trimmed name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> Self {
                name.0
            }
        }
    };
}

name_type!(
    /// A person's display name, 1 to 100 characters after trimming.
    PersonName,
    PersonNameError
);
name_type!(
    /// An organization's name, 1 to 100 characters after trimming.
    AccountName,
    AccountNameError
);

/// What a name looks like, for telling look-alikes apart: lowercase, with letters of other
/// scripts that look like Latin ones (Cyrillic "а", Greek "ο"…), accents, digits that pass for
/// letters ("0" for "o", "1" for "l" or "i") and "rn" for "m" folded to one form, and everything but
/// letters and digits left out. Two different names with the same skeleton look alike.
pub fn skeleton(name: &str) -> String {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|character| {
            let plain = fold_look_alike(character);
            plain.is_alphanumeric().then_some(plain)
        })
        .collect();
    folded.replace("rn", "m").replace("vv", "w")
}

/// The Latin letter `character` passes for, or the character itself.
fn fold_look_alike(character: char) -> char {
    match character {
        'а' | 'α' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | '@' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' | 'ç' | 'ć' | 'č' => 'c',
        'ԁ' | 'ď' | 'đ' => 'd',
        'е' | 'ε' | 'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ё' => 'e',
        'һ' | 'η' => 'h',
        // "l", "I", "1" and "|" pass for one another: all fold to "i".
        'і' | 'ι' | 'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'ї' | '1' | '!' | '|' | 'l' | 'ӏ' | 'ł'
        | 'ľ' | 'ĺ' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' | 'μ' => 'm',
        'п' | 'ñ' | 'ń' | 'ň' => 'n',
        'о' | 'ο' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | '0' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' | 'ś' | 'š' | 'ş' | '$' => 's',
        'т' | 'τ' | 'ť' => 't',
        'υ' | 'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// The first of `known` names that `name` looks like without being it (the same skeleton, a
/// different name even ignoring case): "Аcme Print" with a Cyrillic "А" looks like "Acme Print".
pub fn look_alike<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let shape = skeleton(name);
    let lower = name.to_lowercase();
    known
        .into_iter()
        .find(|other| other.to_lowercase() != lower && skeleton(other) == shape)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Parses `input` as both kinds of name and compares with the expected outcome.
    fn check(input: &str, expected: Result<&str, PersonNameError>) {
        let person = PersonName::parse(input);
        assert_eq!(
            person
                .as_ref()
                .map(PersonName::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
        let expected_account = expected.map_err(|error| match error {
            PersonNameError::Empty => AccountNameError::Empty,
            PersonNameError::TooLong => AccountNameError::TooLong,
            PersonNameError::ControlCharacter => AccountNameError::ControlCharacter,
            PersonNameError::Invisible => AccountNameError::Invisible,
        });
        let account = AccountName::parse(input);
        assert_eq!(
            account
                .as_ref()
                .map(AccountName::as_str)
                .map_err(Clone::clone),
            expected_account,
            "input {input:?}"
        );
    }

    #[test]
    fn name_table() {
        let hundred = "é".repeat(100);
        let cases: Vec<(String, Result<&str, PersonNameError>)> = vec![
            ("Ann Lee".into(), Ok("Ann Lee")),
            ("  Acme Print Ltd\n".into(), Ok("Acme Print Ltd")),
            ("X".into(), Ok("X")),
            (hundred.clone(), Ok(hundred.as_str())),
            ("".into(), Err(PersonNameError::Empty)),
            (" \t\n ".into(), Err(PersonNameError::Empty)),
            ("é".repeat(101), Err(PersonNameError::TooLong)),
            ("Ann\tLee".into(), Err(PersonNameError::ControlCharacter)),
            ("Ann\u{7}".into(), Err(PersonNameError::ControlCharacter)),
            // Impersonation: invisible and direction-changing characters, in any name.
            ("Acme\u{200B} Print".into(), Err(PersonNameError::Invisible)),
            ("Acme\u{200D}Print".into(), Err(PersonNameError::Invisible)),
            ("\u{202E}tnirP emcA".into(), Err(PersonNameError::Invisible)),
            (
                "Acme \u{2066}Print\u{2069}".into(),
                Err(PersonNameError::Invisible),
            ),
            ("Ann\u{200F}".into(), Err(PersonNameError::Invisible)),
            ("\u{FEFF}Acme".into(), Err(PersonNameError::Invisible)),
            ("Ac\u{00AD}me".into(), Err(PersonNameError::Invisible)),
            ("Acme\u{E0041}".into(), Err(PersonNameError::Invisible)),
            ("Line\u{2028}Break".into(), Err(PersonNameError::Invisible)),
            // Ordinary letters of any script, accents and emoji stay welcome.
            ("Zoë Ångström-Ōta".into(), Ok("Zoë Ångström-Ōta")),
            ("Αθηνά Δημητρίου".into(), Ok("Αθηνά Δημητρίου")),
            ("שרה כהן".into(), Ok("שרה כהן")),
            (
                "Print ❤\u{FE0F} Studio".into(),
                Ok("Print ❤\u{FE0F} Studio"),
            ),
        ];
        for (input, expected) in cases {
            check(&input, expected);
        }
    }

    #[test]
    fn look_alikes_of_a_known_name_are_found_and_the_name_itself_is_not() {
        let partners = ["Acme Print", "Globex", "Initech"];
        for imitation in [
            "\u{410}cme Print", // Cyrillic А
            "Acme Prіnt",       // Cyrillic і
            "ACME PRINT.",
            "Acme-Print",
            "Acrne Print", // rn for m
            "Acme Pr1nt",
            "Ácme Print",
            "G1obex",
            "Gl0bex",
        ] {
            assert!(look_alike(imitation, partners).is_some(), "{imitation}");
        }
        assert_eq!(look_alike("\u{410}cme Print", partners), Some("Acme Print"));
        for honest in [
            "Acme Print",
            "acme print",
            "Acme Printing",
            "Initrode",
            "Globe",
        ] {
            assert_eq!(look_alike(honest, partners), None, "{honest}");
        }
        assert_eq!(
            skeleton("Ａ"),
            "ａ",
            "full-width letters are left as they are"
        );
    }

    #[test]
    fn names_convert_to_and_from_strings() {
        let name: PersonName = " Ann ".parse().expect("valid name");
        assert_eq!(name.to_string(), "Ann");
        assert_eq!(String::from(name), "Ann");
        let account = AccountName::try_from("Acme".to_string()).expect("valid name");
        assert_eq!(account.to_string(), "Acme");
        assert_eq!("".parse::<AccountName>(), Err(AccountNameError::Empty));
    }

    proptest! {
        #[test]
        fn name_parse_never_panics_and_reparses_to_itself(text in any::<String>()) {
            if let Ok(name) = PersonName::parse(&text) {
                prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
                prop_assert!(name.as_str().chars().count() <= NAME_MAX_CHARS);
                prop_assert!(!name.as_str().chars().any(is_invisible));
            }
        }
    }
}
