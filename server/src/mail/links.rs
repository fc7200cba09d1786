//! The absolute addresses emails link to, built once at start-up from the public URL, so no
//! email is ever held up by a URL that does not join.

use url::Url;

/// Why the public URL cannot be the base of the links in emails.
#[derive(Debug, thiserror::Error)]
#[error("the public URL {url} cannot be the base of links (use http:// or https://)")]
pub struct LinksError {
    url: String,
    #[source]
    source: url::ParseError,
}

/// Where the links in emails point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    partners_tab: Url,
    set_password: Url,
    verify_email: Url,
    folder: Url,
    file: Url,
    shared_with_us: Url,
    digest_setting: Url,
    proof: Url,
    my_reviews: Url,
}

impl Links {
    /// The links under `public_url` (how people reach the service).
    pub fn new(public_url: &Url) -> Result<Links, LinksError> {
        let join = |path: &str| {
            public_url.join(path).map_err(|source| LinksError {
                url: public_url.to_string(),
                source,
            })
        };
        if public_url.cannot_be_a_base() {
            return Err(LinksError {
                url: public_url.to_string(),
                source: url::ParseError::RelativeUrlWithCannotBeABaseBase,
            });
        }
        Ok(Links {
            partners_tab: join("/settings/partners")?,
            set_password: join("/set-password")?,
            verify_email: join("/verify-email")?,
            folder: join("/documents")?,
            file: join("/documents/file")?,
            shared_with_us: join("/shared-with-us")?,
            digest_setting: join("/shared-with-us#daily-email")?,
            proof: join("/proofs/proof")?,
            my_reviews: join("/reviews")?,
        })
    }

    /// The Shared with us page.
    pub fn shared_with_us(&self) -> &Url {
        &self.shared_with_us
    }

    /// The daily email's setting, on the Shared with us page.
    pub fn digest_setting(&self) -> &Url {
        &self.digest_setting
    }

    /// The My reviews page: the proofs the recipient is asked to review.
    pub fn my_reviews(&self) -> &Url {
        &self.my_reviews
    }

    /// The Partners tab of Account settings.
    pub fn partners_tab(&self) -> &Url {
        &self.partners_tab
    }

    /// The set-password page for the token `secret`.
    pub fn set_password(&self, secret: &str) -> Url {
        with_token(&self.set_password, secret)
    }

    /// The page that confirms an address with the token `secret`.
    pub fn verify_email(&self, secret: &str) -> Url {
        with_token(&self.verify_email, secret)
    }
}

impl Links {
    /// The page of a shared folder or file.
    pub fn item(&self, kind: entente_core::documents::ItemKind, id: entente_core::ItemId) -> Url {
        let (page, name) = match kind {
            entente_core::documents::ItemKind::Folder => (&self.folder, "folder"),
            entente_core::documents::ItemKind::File => (&self.file, "file"),
        };
        let mut link = page.clone();
        link.query_pairs_mut().append_pair(name, &id.to_string());
        link
    }

    /// The page of a proof: its viewer, reviewers and decisions.
    pub fn proof(&self, proof: entente_core::ItemId) -> Url {
        let mut link = self.proof.clone();
        link.query_pairs_mut()
            .append_pair("proof", &proof.to_string());
        link
    }
}

/// `page` with `?token=<secret>`.
fn with_token(page: &Url, secret: &str) -> Url {
    let mut link = page.clone();
    link.query_pairs_mut().append_pair("token", secret);
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_sit_under_the_public_url_and_a_url_that_cannot_be_a_base_is_refused() {
        let links = Links::new(&Url::parse("https://entente.example/").unwrap()).unwrap();
        assert_eq!(
            links.partners_tab().as_str(),
            "https://entente.example/settings/partners"
        );
        assert_eq!(
            links.set_password("a b").as_str(),
            "https://entente.example/set-password?token=a+b"
        );
        assert!(Links::new(&Url::parse("mailto:ops@entente.example").unwrap()).is_err());
    }

    #[test]
    fn a_proof_link_names_the_proof_in_its_query_and_my_reviews_sits_under_the_public_url() {
        let links = Links::new(&Url::parse("https://entente.example/").unwrap()).unwrap();
        let id = entente_core::ItemId::from_uuid(uuid::Uuid::from_u128(7));
        assert_eq!(
            links.proof(id).as_str(),
            format!("https://entente.example/proofs/proof?proof={id}")
        );
        assert_eq!(
            links.my_reviews().as_str(),
            "https://entente.example/reviews"
        );
    }
}
