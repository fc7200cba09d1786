//! Email: what an outgoing email is, the templates that write it, and the worker that delivers it.
//!
//! An email is never sent directly by the code that causes it. That code renders an
//! [`OutgoingEmail`] with a constructor from [`templates`] and writes it to the outbox with
//! [`crate::store::outbox::enqueue`] inside its own transaction, so the email exists if and
//! only if the change committed. The [`worker::Worker`] then delivers it over SMTP with
//! retries (SPEC 4.5). Without `SMTP_URL` emails stay in the outbox, where the developers'
//! Mailbox page shows them.

pub mod links;
pub mod templates;
pub mod worker;

/// An email ready to be written to the outbox: recipient, subject and both bodies.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The recipient's address.
    pub to: String,
    /// Which email this is.
    pub kind: EmailKind,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text_body: String,
    /// The HTML body (rendered with escaping on).
    pub html_body: String,
}

impl std::fmt::Debug for OutgoingEmail {
    /// Prints the recipient, kind and subject, never the bodies (they hold sign-in links).
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OutgoingEmail")
            .field("to", &self.to)
            .field("kind", &self.kind)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// The kinds of email the service sends, stored in `email_outbox.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailKind {
    /// A new user is invited to set a password (SPEC 1).
    UserInvitation,
    /// A user asked to reset their password.
    PasswordReset,
    /// An administrator invites another organization to partner (SPEC 4.3, send).
    PartnerInvitation,
    /// The recipient rejected a partner request (SPEC 4.3, reject and ignore).
    PartnerRejected,
    /// The recipient accepted a partner request (SPEC 4.3, accept).
    PartnerAccepted,
    /// A new organization's Administrator confirms their address (against impersonation).
    EmailVerification,
    /// A partner shared a file, proof or folder with the recipient or their organization
    /// (SPEC 3.3): one email per share.
    ItemShared,
    /// The daily digest of what partners added to folders shared with the recipient.
    ShareDigest,
    /// A reviewer was added to a proof (SPEC 3.2).
    ProofReviewRequested,
    /// A new version of a proof awaits the reviewer's decision again (SPEC 3.2).
    ProofNewVersion,
    /// A reviewer decided on the sender's proof (SPEC 3.2).
    ProofDecision,
    /// The overall status of the sender's proof became final (SPEC 3.2).
    ProofStatusFinal,
    /// A day before the deadline, to a reviewer whose decision is still pending (SPEC 3.2).
    ProofReminder,
}

impl EmailKind {
    /// Every kind, in the order above.
    pub const ALL: [EmailKind; 13] = [
        EmailKind::UserInvitation,
        EmailKind::PasswordReset,
        EmailKind::PartnerInvitation,
        EmailKind::PartnerRejected,
        EmailKind::PartnerAccepted,
        EmailKind::EmailVerification,
        EmailKind::ItemShared,
        EmailKind::ShareDigest,
        EmailKind::ProofReviewRequested,
        EmailKind::ProofNewVersion,
        EmailKind::ProofDecision,
        EmailKind::ProofStatusFinal,
        EmailKind::ProofReminder,
    ];

    /// The value stored in the database (allowed by the `email_outbox_kind_check` constraint).
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::UserInvitation => "user_invitation",
            EmailKind::PasswordReset => "password_reset",
            EmailKind::PartnerInvitation => "partner_invitation",
            EmailKind::PartnerRejected => "partner_rejected",
            EmailKind::PartnerAccepted => "partner_accepted",
            EmailKind::EmailVerification => "email_verification",
            EmailKind::ItemShared => "item_shared",
            EmailKind::ShareDigest => "share_digest",
            EmailKind::ProofReviewRequested => "proof_review_requested",
            EmailKind::ProofNewVersion => "proof_new_version",
            EmailKind::ProofDecision => "proof_decision",
            EmailKind::ProofStatusFinal => "proof_status_final",
            EmailKind::ProofReminder => "proof_reminder",
        }
    }

    /// Reads a stored value back, or `None` if it names no kind.
    pub fn from_stored(value: &str) -> Option<EmailKind> {
        EmailKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

impl std::fmt::Display for EmailKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::EmailKind;

    #[test]
    fn every_kind_reads_back_from_its_stored_value() {
        for kind in EmailKind::ALL {
            assert_eq!(EmailKind::from_stored(kind.as_str()), Some(kind));
        }
        assert_eq!(EmailKind::from_stored("newsletter"), None);
    }
}
