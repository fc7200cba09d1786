//! The keys objects live under: a blob at `blobs/<first 2 hex>/<sha256>`, an upload in progress at
//! `staging/<uuid>`. Only text checked here becomes a key, so no client text is ever a path.

use uuid::Uuid;

use super::BlobError;

/// The folder (key prefix) of committed blobs.
pub(super) const BLOBS: &str = "blobs";

/// The folder (key prefix) of staged uploads.
pub(super) const STAGING: &str = "staging";

/// The key of the blob whose SHA-256 is `sha256`, refused unless it is 64 lowercase hex digits.
pub(super) fn blob_key(sha256: &str) -> Result<String, BlobError> {
    if !is_sha256_hex(sha256) {
        return Err(BlobError::InvalidSha256);
    }
    Ok(format!("{BLOBS}/{}/{sha256}", &sha256[..2]))
}

/// A fresh staging key.
pub(super) fn new_staging_key() -> String {
    format!("{STAGING}/{}", Uuid::new_v4())
}

/// Checks that `key` is a staging key as [`new_staging_key`] makes them: `staging/<uuid>` in the
/// hyphenated lowercase form.
pub(super) fn check_staging_key(key: &str) -> Result<(), BlobError> {
    let well_formed = key
        .strip_prefix(STAGING)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|id| Uuid::try_parse(id).ok().map(|parsed| (id, parsed)))
        .is_some_and(|(id, parsed)| parsed.hyphenated().to_string() == id);
    if well_formed {
        Ok(())
    } else {
        Err(BlobError::Store(format!("{key:?} is not a staging key")))
    }
}

/// Whether `text` is a SHA-256 written as 64 lowercase hexadecimal digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::{blob_key, check_staging_key, is_sha256_hex, new_staging_key};

    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn a_blob_key_is_sharded_by_its_first_two_digits() {
        assert_eq!(blob_key(EMPTY).unwrap(), format!("blobs/e3/{EMPTY}"));
    }

    #[test]
    fn only_64_lowercase_hex_digits_make_a_blob_key() {
        let refused = [
            String::new(),
            EMPTY[..63].to_owned(),
            format!("{EMPTY}0"),
            EMPTY.to_uppercase(),
            format!("../{}", &EMPTY[3..]),
            format!("{}/x", &EMPTY[..62]),
            format!("{}g", &EMPTY[..63]),
            format!("{}é", &EMPTY[..62]),
        ];
        for text in refused {
            assert!(!is_sha256_hex(&text), "{text:?}");
            assert!(blob_key(&text).is_err(), "{text:?}");
        }
        assert!(is_sha256_hex(EMPTY));
    }

    #[test]
    fn only_keys_made_for_staging_pass_the_staging_check() {
        assert!(check_staging_key(&new_staging_key()).is_ok());
        for key in [
            "staging/",
            "staging/../blobs/e3/x",
            "blobs/0a2c9d0e-5f4b-4c1a-9f49-8d4b3a5c6e7f",
            "staging/0A2C9D0E-5F4B-4C1A-9F49-8D4B3A5C6E7F",
            "staging/0a2c9d0e5f4b4c1a9f498d4b3a5c6e7f",
            "staging/0a2c9d0e-5f4b-4c1a-9f49-8d4b3a5c6e7f/x",
        ] {
            assert!(check_staging_key(key).is_err(), "{key}");
        }
    }
}
