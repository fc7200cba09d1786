//! The name of a folder or file (SPEC 3.1): what a person may type, what an uploaded file's
//! name becomes, and the key that makes sibling names unique case-insensitively.
//!
//! A name is only ever a label stored in the database: no name becomes a path on a disk or a
//! key in an object store (blobs are addressed by their SHA-256). The rules still keep names
//! that would be dangerous or confusing elsewhere (a download's file name, a zip of a folder):
//! no path separators, no `.` or `..`, no control, invisible or direction-changing characters.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::names::is_invisible;

/// The longest item name, in characters after trimming.
pub const ITEM_NAME_MAX_CHARS: usize = 200;

/// Why a typed name cannot be a folder's or file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ItemNameError {
    /// Nothing but spaces.
    #[error("Enter a name.")]
    Empty,
    /// Longer than [`ITEM_NAME_MAX_CHARS`].
    #[error("A name can be at most 200 characters long.")]
    TooLong,
    /// A `/` or `\\`, which would read as a path.
    #[error("A name cannot contain / or \\.")]
    Separator,
    /// `.` or `..`, which read as "this folder" and "the folder above".
    #[error("A name cannot be . or ..")]
    Dots,
    /// A control character (a line break, a tab, NUL…).
    #[error("A name cannot contain line breaks, tabs or other control characters.")]
    ControlCharacter,
    /// An invisible or direction-changing character.
    #[error("A name cannot contain invisible or direction-changing characters.")]
    Invisible,
}

/// A folder's or file's name: trimmed, 1 to [`ITEM_NAME_MAX_CHARS`] characters, none of the
/// characters above.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemName(String);

impl ItemName {
    /// Trims and checks a name a person typed.
    pub fn parse(text: &str) -> Result<Self, ItemNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Err(ItemNameError::Empty)
        } else if trimmed.chars().count() > ITEM_NAME_MAX_CHARS {
            Err(ItemNameError::TooLong)
        } else if trimmed.contains(['/', '\\']) {
            Err(ItemNameError::Separator)
        } else if trimmed == "." || trimmed == ".." {
            Err(ItemNameError::Dots)
        } else if trimmed.chars().any(char::is_control) {
            Err(ItemNameError::ControlCharacter)
        } else if trimmed.chars().any(is_invisible) {
            Err(ItemNameError::Invisible)
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    /// The name an uploaded file gets from the name its browser sent, which is never refused:
    /// only the part after the last `/` or `\\` (a browser may send a whole path), without
    /// control and invisible characters, trimmed, shortened to the longest name while keeping
    /// its extension; `file` when nothing is left.
    pub fn from_upload(sent: &str) -> Self {
        let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|character| !character.is_control() && !is_invisible(*character))
            .collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
            return Self("file".to_owned());
        }
        if trimmed.chars().count() <= ITEM_NAME_MAX_CHARS {
            return Self(trimmed.to_owned());
        }
        let extension = trimmed
            .rsplit_once('.')
            .map(|(_, extension)| extension)
            .filter(|extension| !extension.is_empty() && extension.chars().count() <= 16);
        let kept = match extension {
            Some(extension) => {
                let stem_chars = ITEM_NAME_MAX_CHARS - extension.chars().count() - 1;
                let stem: String = trimmed.chars().take(stem_chars).collect();
                format!("{}.{extension}", stem.trim_end())
            }
            None => {
                let kept: String = trimmed.chars().take(ITEM_NAME_MAX_CHARS).collect();
                kept.trim_end().to_owned()
            }
        };
        Self(kept)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two sibling names are compared by: equal keys may not share a folder
    /// ("Report.pdf" and "report.PDF" are one name). The database holds it in a unique index.
    pub fn sibling_key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The extension after the last dot (`pdf` for "Proof v2.pdf"), lowercased; `None` when
    /// there is none.
    pub fn extension(&self) -> Option<String> {
        self.0
            .rsplit_once('.')
            .map(|(stem, extension)| (stem, extension.to_lowercase()))
            .filter(|(stem, extension)| !stem.is_empty() && !extension.is_empty())
            .map(|(_, extension)| extension)
    }
}

impl fmt::Display for ItemName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl TryFrom<String> for ItemName {
    type Error = ItemNameError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<ItemName> for String {
    fn from(name: ItemName) -> Self {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_table() {
        let ok = |text: &str, kept: &str| {
            assert_eq!(
                ItemName::parse(text).map(|name| name.0),
                Ok(kept.to_owned()),
                "{text:?}"
            )
        };
        let refused = |text: &str, error: ItemNameError| {
            assert_eq!(ItemName::parse(text), Err(error), "{text:?}")
        };
        ok("Proofs 2026", "Proofs 2026");
        ok("  Brochure v2.pdf ", "Brochure v2.pdf");
        ok("Über – 日本語 🎨", "Über – 日本語 🎨");
        ok(".hidden", ".hidden");
        ok("...", "...");
        ok(&"a".repeat(200), &"a".repeat(200));
        refused("", ItemNameError::Empty);
        refused("   ", ItemNameError::Empty);
        refused(&"a".repeat(201), ItemNameError::TooLong);
        refused("a/b", ItemNameError::Separator);
        refused("..\\..\\windows", ItemNameError::Separator);
        refused("../../etc/passwd", ItemNameError::Separator);
        refused(".", ItemNameError::Dots);
        refused("..", ItemNameError::Dots);
        refused("line\nbreak", ItemNameError::ControlCharacter);
        refused("nul\0byte", ItemNameError::ControlCharacter);
        refused("tab\tbed", ItemNameError::ControlCharacter);
        refused("invoice\u{202E}fdp.exe", ItemNameError::Invisible);
        refused("zero\u{200B}width", ItemNameError::Invisible);
    }

    #[test]
    fn uploaded_file_names_are_cleaned_never_refused() {
        let upload = |sent: &str| ItemName::from_upload(sent).0;
        assert_eq!(upload("Brochure.pdf"), "Brochure.pdf");
        assert_eq!(upload("../../etc/passwd"), "passwd");
        assert_eq!(upload("C:\\Users\\ann\\Desktop\\proof.png"), "proof.png");
        assert_eq!(upload("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(upload("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(upload(""), "file");
        assert_eq!(upload(".."), "file");
        assert_eq!(upload("dir/"), "file");
        assert_eq!(upload("  spaced.jpg  "), "spaced.jpg");
        let long = format!("{}.jpeg", "x".repeat(300));
        let kept = upload(&long);
        assert_eq!(kept.chars().count(), ITEM_NAME_MAX_CHARS);
        assert!(kept.ends_with(".jpeg"), "{kept}");
        let no_extension = upload(&"y".repeat(300));
        assert_eq!(no_extension.chars().count(), ITEM_NAME_MAX_CHARS);
    }

    #[test]
    fn sibling_names_are_compared_without_case_and_extensions_lowercased() {
        let name = |text: &str| ItemName::parse(text).unwrap();
        assert_eq!(
            name("Report.PDF").sibling_key(),
            name("report.pdf").sibling_key()
        );
        assert_ne!(
            name("Report").sibling_key(),
            name("Report ").sibling_key() + "x"
        );
        assert_eq!(name("Report.PDF").extension().as_deref(), Some("pdf"));
        assert_eq!(name("archive.tar.gz").extension().as_deref(), Some("gz"));
        assert_eq!(name(".hidden").extension(), None);
        assert_eq!(name("README").extension(), None);
        assert_eq!(name("trailing.").extension(), None);
    }

    proptest::proptest! {
        /// Whatever a browser sends, the cleaned name is one a person could have typed.
        #[test]
        fn every_uploaded_name_is_a_valid_name(sent in "\\PC{0,300}") {
            let cleaned = ItemName::from_upload(&sent);
            proptest::prop_assert_eq!(ItemName::parse(cleaned.as_str()), Ok(cleaned.clone()));
        }

        /// A typed name that is accepted keeps its text, trimmed.
        #[test]
        fn an_accepted_name_round_trips(text in "\\PC{0,220}") {
            if let Ok(name) = ItemName::parse(&text) {
                proptest::prop_assert_eq!(name.as_str(), text.trim());
                proptest::prop_assert_eq!(ItemName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}
