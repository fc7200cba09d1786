//! Files as the pages show and the server checks them: the upload size limit, sizes in words,
//! which content types get a preview, and how a folder's listing is sorted.

use serde::{Deserialize, Serialize};

/// The default largest upload (1 GiB); the server's setting may change it.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 1 << 30;

/// An upload larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("This file is larger than the {} limit.", human_size(*.limit))]
pub struct UploadTooLarge {
    /// The limit in bytes.
    pub limit: u64,
}

/// Refuses a size over `limit` (a declared length before reading, or the bytes read so far).
pub fn check_upload_size(bytes: u64, limit: u64) -> Result<(), UploadTooLarge> {
    if bytes > limit {
        Err(UploadTooLarge { limit })
    } else {
        Ok(())
    }
}

/// A size as people read it: "512 bytes", "1.5 KB", "12 MB", "1 GiB" style with binary
/// multiples and one decimal under ten.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return if bytes == 1 {
            "1 byte".to_owned()
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 && value.fract() >= 0.05 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// A folder or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKind {
    /// A folder.
    Folder,
    /// A file, with versions.
    File,
}

impl ItemKind {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Folder => "folder",
            Self::File => "file",
        }
    }
}

impl std::str::FromStr for ItemKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "folder" => Ok(Self::Folder),
            "file" => Ok(Self::File),
            _ => Err(()),
        }
    }
}

/// The preview a file gets (SPEC 3.1), from its sniffed content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewKind {
    /// A thumbnail and a larger view of the image.
    Image,
    /// Page images of the PDF.
    Pdf,
}

impl PreviewKind {
    /// The preview for a sniffed content type; `None` for files without one.
    pub fn for_content_type(content_type: &str) -> Option<Self> {
        match content_type {
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" => Some(Self::Image),
            "application/pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// What a folder's listing is ordered by (folders always before files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortKey {
    /// By name, case-insensitively.
    #[default]
    Name,
    /// By the time of the last change.
    Modified,
    /// By size (folders by name).
    Size,
}

/// A listing's order: a key and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sort {
    /// What to order by.
    pub key: SortKey,
    /// Largest, newest or last name first.
    pub descending: bool,
}

impl Sort {
    /// Reads `?sort=` (`name`, `modified`, `size`) and `?order=` (`asc`, `desc`); anything
    /// else is the default, by name ascending.
    pub fn from_query(sort: Option<&str>, order: Option<&str>) -> Self {
        let key = match sort {
            Some("modified") => SortKey::Modified,
            Some("size") => SortKey::Size,
            _ => SortKey::Name,
        };
        Self {
            key,
            descending: order == Some("desc"),
        }
    }

    /// The query values that give this order back.
    pub fn query_values(self) -> (&'static str, &'static str) {
        let key = match self.key {
            SortKey::Name => "name",
            SortKey::Modified => "modified",
            SortKey::Size => "size",
        };
        (key, if self.descending { "desc" } else { "asc" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_over_the_limit_are_refused_with_the_limit_in_words() {
        assert_eq!(
            check_upload_size(DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_UPLOAD_BYTES),
            Ok(())
        );
        let refused = check_upload_size(DEFAULT_MAX_UPLOAD_BYTES + 1, DEFAULT_MAX_UPLOAD_BYTES);
        assert_eq!(
            refused.unwrap_err().to_string(),
            "This file is larger than the 1 GB limit."
        );
        assert_eq!(
            check_upload_size(11 << 20, 10 << 20)
                .unwrap_err()
                .to_string(),
            "This file is larger than the 10 MB limit."
        );
    }

    #[test]
    fn sizes_in_words_table() {
        for (bytes, words) in [
            (0, "0 bytes"),
            (1, "1 byte"),
            (1023, "1023 bytes"),
            (1024, "1 KB"),
            (1536, "1.5 KB"),
            (10 * 1024 + 600, "11 KB"),
            (5 * 1024 * 1024, "5 MB"),
            (1 << 30, "1 GB"),
            (3 * (1 << 30) / 2, "1.5 GB"),
        ] {
            assert_eq!(human_size(bytes), words, "{bytes}");
        }
    }

    #[test]
    fn images_and_pdfs_get_previews_other_files_do_not() {
        assert_eq!(
            PreviewKind::for_content_type("image/png"),
            Some(PreviewKind::Image)
        );
        assert_eq!(
            PreviewKind::for_content_type("image/jpeg"),
            Some(PreviewKind::Image)
        );
        assert_eq!(
            PreviewKind::for_content_type("application/pdf"),
            Some(PreviewKind::Pdf)
        );
        assert_eq!(
            PreviewKind::for_content_type("image/svg+xml"),
            None,
            "SVG can carry script"
        );
        assert_eq!(PreviewKind::for_content_type("application/zip"), None);
    }

    #[test]
    fn listing_order_from_the_query_and_back() {
        assert_eq!(Sort::from_query(None, None), Sort::default());
        let newest = Sort::from_query(Some("modified"), Some("desc"));
        assert_eq!(
            newest,
            Sort {
                key: SortKey::Modified,
                descending: true
            }
        );
        assert_eq!(newest.query_values(), ("modified", "desc"));
        assert_eq!(
            Sort::from_query(Some("size"), Some("sideways")).query_values(),
            ("size", "asc")
        );
        assert_eq!(Sort::from_query(Some("drop table"), None), Sort::default());
    }
}
