//! The emails the service sends, rendered from askama templates in `server/templates/email/`.
//!
//! Each email has an HTML template (`.html`, escaped: names and account names typed by
//! people cannot inject markup) and a plain-text one (`.txt`, not escaped). Links are
//! absolute URLs built by the caller from `ENTENTE_PUBLIC_URL`.

use askama::Template;

use super::{EmailKind, OutgoingEmail};

/// Declares the HTML and the text template of one email, with the same fields: `&str` ones
/// by name, or others with their type after `typed`.
///
/// Both receive `link`; the HTML one also receives `subject` for the shared layout's title.
macro_rules! email_templates {
    ($html:ident = $html_path:tt, $text:ident = $text_path:tt, { $($field:ident),* $(,)? }) => {
        email_templates!(
            $html = $html_path,
            $text = $text_path,
            typed { $($field: &'a str),* }
        );
    };
    (
        $html:ident = $html_path:tt,
        $text:ident = $text_path:tt,
        typed { $($field:ident: $type:ty),* $(,)? }
    ) => {
        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            subject: &'a str,
            link: &'a str,
            $($field: $type,)*
        }

        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            link: &'a str,
            $($field: $type,)*
        }
    };
}

email_templates!(
    UserInvitationHtml = "email/user_invitation.html",
    UserInvitationText = "email/user_invitation.txt",
    { name, account_name }
);
email_templates!(
    PasswordResetHtml = "email/password_reset.html",
    PasswordResetText = "email/password_reset.txt",
    { name }
);
email_templates!(
    PartnerInvitationHtml = "email/partner_invitation.html",
    PartnerInvitationText = "email/partner_invitation.txt",
    { sender_account, sending_user, sending_email }
);
email_templates!(
    PartnerRejectedHtml = "email/partner_rejected.html",
    PartnerRejectedText = "email/partner_rejected.txt",
    { recipient_account }
);
email_templates!(
    PartnerAcceptedHtml = "email/partner_accepted.html",
    PartnerAcceptedText = "email/partner_accepted.txt",
    { recipient_account }
);

email_templates!(
    EmailVerificationHtml = "email/email_verification.html",
    EmailVerificationText = "email/email_verification.txt",
    { name, account_name }
);

email_templates!(
    ItemSharedHtml = "email/item_shared.html",
    ItemSharedText = "email/item_shared.txt",
    { owner_account, sharing_user, item_name, with_whom, role }
);

email_templates!(
    ProofReviewRequestedHtml = "email/proof_review_requested.html",
    ProofReviewRequestedText = "email/proof_review_requested.txt",
    typed {
        owner_account: &'a str,
        sender_name: &'a str,
        file_name: &'a str,
        deadline: Option<&'a str>,
    }
);
email_templates!(
    ProofNewVersionHtml = "email/proof_new_version.html",
    ProofNewVersionText = "email/proof_new_version.txt",
    typed {
        owner_account: &'a str,
        sender_name: &'a str,
        file_name: &'a str,
        version: u32,
        deadline: Option<&'a str>,
    }
);
email_templates!(
    ProofDecisionHtml = "email/proof_decision.html",
    ProofDecisionText = "email/proof_decision.txt",
    typed {
        reviewer_name: &'a str,
        reviewer_account: &'a str,
        file_name: &'a str,
        version: u32,
        decision: &'a str,
    }
);
email_templates!(
    ProofStatusFinalHtml = "email/proof_status_final.html",
    ProofStatusFinalText = "email/proof_status_final.txt",
    typed {
        file_name: &'a str,
        version: u32,
        status: &'a str,
        reason: &'a str,
    }
);
email_templates!(
    ProofReminderHtml = "email/proof_reminder.html",
    ProofReminderText = "email/proof_reminder.txt",
    { owner_account, file_name, deadline }
);

/// One line of a digest email: an item a partner added to a folder shared with the recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    /// The partner organization that owns it.
    pub owner: String,
    /// The folder it was added to.
    pub folder: String,
    /// Its name.
    pub name: String,
    /// Its page.
    pub link: String,
}

#[derive(Template)]
#[template(path = "email/share_digest.html")]
struct ShareDigestHtml<'a> {
    subject: &'a str,
    link: &'a str,
    name: &'a str,
    summary: &'a str,
    lines: &'a [DigestLine],
    more: usize,
    settings: &'a str,
}

#[derive(Template)]
#[template(path = "email/share_digest.txt")]
struct ShareDigestText<'a> {
    link: &'a str,
    name: &'a str,
    summary: &'a str,
    lines: &'a [DigestLine],
    more: usize,
    settings: &'a str,
}

/// Renders a template whose inputs are strings and numbers; such a render cannot fail.
fn render(template: &impl Template) -> String {
    template
        .render()
        .expect("email templates take only strings and numbers and cannot fail to render")
}

/// Keeps a subject on one line, whatever a name typed by a person contains.
fn one_line(subject: String) -> String {
    subject
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Tells a new user they were added to `account_name` and gives the link to set a password.
pub fn user_invitation(to: &str, name: &str, account_name: &str, link: &url::Url) -> OutgoingEmail {
    let subject = one_line(format!("You have been added to {account_name} on Entente"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::UserInvitation,
        text_body: render(&UserInvitationText {
            link,
            name,
            account_name,
        }),
        html_body: render(&UserInvitationHtml {
            subject: &subject,
            link,
            name,
            account_name,
        }),
        subject,
    }
}

/// Gives a user the link to choose a new password.
pub fn password_reset(to: &str, name: &str, link: &url::Url) -> OutgoingEmail {
    let subject = "Reset your Entente password".to_owned();
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::PasswordReset,
        text_body: render(&PasswordResetText { link, name }),
        html_body: render(&PasswordResetHtml {
            subject: &subject,
            link,
            name,
        }),
        subject,
    }
}

/// Asks the Administrator at `to`, who just signed `account_name` up, to confirm their address.
pub fn email_verification(
    to: &str,
    name: &str,
    account_name: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!(
        "Confirm your address for {account_name} on Entente"
    ));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::EmailVerification,
        text_body: render(&EmailVerificationText {
            link,
            name,
            account_name,
        }),
        html_body: render(&EmailVerificationHtml {
            subject: &subject,
            link,
            name,
            account_name,
        }),
        subject,
    }
}

/// Invites the user at `to` to partner with `sender_account`, linking to their Partners tab.
pub fn partner_invitation(
    to: &str,
    sender_account: &str,
    sending_user: &str,
    sending_email: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!(
        "{sender_account} invites you to become partners on Entente"
    ));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::PartnerInvitation,
        text_body: render(&PartnerInvitationText {
            link,
            sender_account,
            sending_user,
            sending_email,
        }),
        html_body: render(&PartnerInvitationHtml {
            subject: &subject,
            link,
            sender_account,
            sending_user,
            sending_email,
        }),
        subject,
    }
}

/// Tells the sending user that `recipient_account` rejected their partner request.
pub fn partner_rejected(to: &str, recipient_account: &str, link: &url::Url) -> OutgoingEmail {
    let subject = one_line(format!("{recipient_account} declined your partner request"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::PartnerRejected,
        text_body: render(&PartnerRejectedText {
            link,
            recipient_account,
        }),
        html_body: render(&PartnerRejectedHtml {
            subject: &subject,
            link,
            recipient_account,
        }),
        subject,
    }
}

/// Tells the sending user that `recipient_account` accepted their partner request.
pub fn partner_accepted(to: &str, recipient_account: &str, link: &url::Url) -> OutgoingEmail {
    let subject = one_line(format!("{recipient_account} accepted your partner request"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::PartnerAccepted,
        text_body: render(&PartnerAcceptedText {
            link,
            recipient_account,
        }),
        html_body: render(&PartnerAcceptedHtml {
            subject: &subject,
            link,
            recipient_account,
        }),
        subject,
    }
}

/// Tells a partner's person that `owner_account` shared `item_name` with them (`with_whom`:
/// "you" or "your organization") as `role`, with the link to open it.
pub fn item_shared(
    to: &str,
    owner_account: &str,
    sharing_user: &str,
    item_name: &str,
    with_whom: &str,
    role: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!(
        "{owner_account} shared {item_name} with {with_whom}"
    ));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ItemShared,
        text_body: render(&ItemSharedText {
            link,
            owner_account,
            sharing_user,
            item_name,
            with_whom,
            role,
        }),
        html_body: render(&ItemSharedHtml {
            subject: &subject,
            link,
            owner_account,
            sharing_user,
            item_name,
            with_whom,
            role,
        }),
        subject,
    }
}

/// The daily digest to `name` at `to`: `lines` (at most a page of them) of the `total` items
/// partners added to folders shared with them, with the Shared with us page at `link` and
/// the setting that turns it off at `settings`.
pub fn share_digest(
    to: &str,
    name: &str,
    lines: &[DigestLine],
    total: usize,
    link: &url::Url,
    settings: &url::Url,
) -> OutgoingEmail {
    let (subject, summary) = if total == 1 {
        (
            "1 new item in what partners share with you".to_owned(),
            "A partner added 1 item to a folder shared with you:".to_owned(),
        )
    } else {
        (
            format!("{total} new items in what partners share with you"),
            format!("Partners added {total} items to folders shared with you:"),
        )
    };
    let more = total.saturating_sub(lines.len());
    let (link, settings) = (link.as_str(), settings.as_str());
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ShareDigest,
        text_body: render(&ShareDigestText {
            link,
            name,
            summary: &summary,
            lines,
            more,
            settings,
        }),
        html_body: render(&ShareDigestHtml {
            subject: &subject,
            link,
            name,
            summary: &summary,
            lines,
            more,
            settings,
        }),
        subject,
    }
}

/// Asks the reviewer at `to` to review `file_name`, which `sender_name` of `owner_account`
/// sent as a proof, by `deadline` when there is one (SPEC 3.2: a reviewer is added).
pub fn proof_review_requested(
    to: &str,
    owner_account: &str,
    sender_name: &str,
    file_name: &str,
    deadline: Option<&str>,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!("{owner_account} asks you to review {file_name}"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ProofReviewRequested,
        text_body: render(&ProofReviewRequestedText {
            link,
            owner_account,
            sender_name,
            file_name,
            deadline,
        }),
        html_body: render(&ProofReviewRequestedHtml {
            subject: &subject,
            link,
            owner_account,
            sender_name,
            file_name,
            deadline,
        }),
        subject,
    }
}

/// Tells the reviewer at `to` that `sender_name` of `owner_account` sent `version` of
/// `file_name`, on which their decision is Pending again (SPEC 3.2: a new version).
pub fn proof_new_version(
    to: &str,
    owner_account: &str,
    sender_name: &str,
    file_name: &str,
    version: u32,
    deadline: Option<&str>,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!(
        "Version {version} of {file_name} is ready for your review"
    ));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ProofNewVersion,
        text_body: render(&ProofNewVersionText {
            link,
            owner_account,
            sender_name,
            file_name,
            version,
            deadline,
        }),
        html_body: render(&ProofNewVersionHtml {
            subject: &subject,
            link,
            owner_account,
            sender_name,
            file_name,
            version,
            deadline,
        }),
        subject,
    }
}

/// Tells the proof's sender at `to` that `reviewer_name` of `reviewer_account` decided
/// `decision` (its label, such as "Changes required") on `version` of `file_name`.
pub fn proof_decision(
    to: &str,
    reviewer_name: &str,
    reviewer_account: &str,
    file_name: &str,
    version: u32,
    decision: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!("{reviewer_name} decided {decision} on {file_name}"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ProofDecision,
        text_body: render(&ProofDecisionText {
            link,
            reviewer_name,
            reviewer_account,
            file_name,
            version,
            decision,
        }),
        html_body: render(&ProofDecisionHtml {
            subject: &subject,
            link,
            reviewer_name,
            reviewer_account,
            file_name,
            version,
            decision,
        }),
        subject,
    }
}

/// Tells the proof's sender at `to` that the overall status of `version` of `file_name`
/// became the final `status` (its label), with the sentence saying why as `reason`.
pub fn proof_status_final(
    to: &str,
    file_name: &str,
    version: u32,
    status: &str,
    reason: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!("{file_name} (version {version}): {status}"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ProofStatusFinal,
        text_body: render(&ProofStatusFinalText {
            link,
            file_name,
            version,
            status,
            reason,
        }),
        html_body: render(&ProofStatusFinalHtml {
            subject: &subject,
            link,
            file_name,
            version,
            status,
            reason,
        }),
        subject,
    }
}

/// Reminds the reviewer at `to`, whose decision is still pending, that `owner_account`
/// asked for it by `deadline` (SPEC 3.2: a day before the deadline).
pub fn proof_reminder(
    to: &str,
    owner_account: &str,
    file_name: &str,
    deadline: &str,
    link: &url::Url,
) -> OutgoingEmail {
    let subject = one_line(format!("Reminder: {file_name} is due {deadline}"));
    let link = link.as_str();
    OutgoingEmail {
        to: to.to_owned(),
        kind: EmailKind::ProofReminder,
        text_body: render(&ProofReminderText {
            link,
            owner_account,
            file_name,
            deadline,
        }),
        html_body: render(&ProofReminderHtml {
            subject: &subject,
            link,
            owner_account,
            file_name,
            deadline,
        }),
        subject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> url::Url {
        url::Url::parse("https://entente.example/partners?tab=received&x=1").unwrap()
    }

    #[test]
    fn every_email_carries_its_link_in_both_bodies_and_names_its_kind() {
        let emails = [
            (
                user_invitation("a@b.example", "Ann", "Acme", &link()),
                EmailKind::UserInvitation,
            ),
            (
                password_reset("a@b.example", "Ann", &link()),
                EmailKind::PasswordReset,
            ),
            (
                partner_invitation("a@b.example", "Acme", "Ann", "ann@acme.example", &link()),
                EmailKind::PartnerInvitation,
            ),
            (
                partner_rejected("a@b.example", "Globex", &link()),
                EmailKind::PartnerRejected,
            ),
            (
                partner_accepted("a@b.example", "Globex", &link()),
                EmailKind::PartnerAccepted,
            ),
            (
                email_verification("a@b.example", "Ann", "Acme", &link()),
                EmailKind::EmailVerification,
            ),
            (
                item_shared(
                    "a@b.example",
                    "Acme",
                    "Ann",
                    "Brief.pdf",
                    "you",
                    "Viewer",
                    &link(),
                ),
                EmailKind::ItemShared,
            ),
            (
                share_digest("a@b.example", "Ann", &[], 0, &link(), &link()),
                EmailKind::ShareDigest,
            ),
            (
                proof_review_requested(
                    "a@b.example",
                    "Acme",
                    "Ann",
                    "Cover.pdf",
                    Some("12 May 2025"),
                    &link(),
                ),
                EmailKind::ProofReviewRequested,
            ),
            (
                proof_new_version("a@b.example", "Acme", "Ann", "Cover.pdf", 2, None, &link()),
                EmailKind::ProofNewVersion,
            ),
            (
                proof_decision(
                    "a@b.example",
                    "Bea Lund",
                    "Globex Print",
                    "Cover.pdf",
                    2,
                    "Changes required",
                    &link(),
                ),
                EmailKind::ProofDecision,
            ),
            (
                proof_status_final(
                    "a@b.example",
                    "Cover.pdf",
                    2,
                    "Changes required",
                    "Bea Lund (Globex Print) requires changes.",
                    &link(),
                ),
                EmailKind::ProofStatusFinal,
            ),
            (
                proof_reminder("a@b.example", "Acme", "Cover.pdf", "12 May 2025", &link()),
                EmailKind::ProofReminder,
            ),
        ];
        for (email, kind) in emails {
            assert_eq!(email.kind, kind);
            assert_eq!(email.to, "a@b.example");
            assert!(
                email
                    .text_body
                    .contains("https://entente.example/partners?tab=received&x=1"),
                "{kind}: {}",
                email.text_body
            );
            assert!(
                email
                    .html_body
                    .contains(r#"href="https://entente.example/partners?tab=received&#38;x=1""#),
                "{kind}: {}",
                email.html_body
            );
            assert!(!email.subject.is_empty());
        }
    }

    #[test]
    fn names_are_escaped_in_html_and_kept_as_typed_in_text() {
        let email = partner_invitation(
            "a@b.example",
            "<b>Acme</b> & Co",
            "Ann \"A\"",
            "ann@acme.example",
            &link(),
        );
        assert!(
            email
                .html_body
                .contains("&#60;b&#62;Acme&#60;/b&#62; &#38; Co"),
            "{}",
            email.html_body
        );
        assert!(!email.html_body.contains("<b>Acme</b>"));
        assert!(
            email.text_body.contains("<b>Acme</b> & Co"),
            "{}",
            email.text_body
        );
        assert!(email.subject.contains("<b>Acme</b> & Co"));
    }

    #[test]
    fn an_invitation_names_the_senders_address_and_warns_about_look_alikes() {
        let email = partner_invitation(
            "a@b.example",
            "Acme Print",
            "Ann",
            "ann@acme.example",
            &link(),
        );
        for body in [&email.text_body, &email.html_body] {
            assert!(body.contains("ann@acme.example"), "{body}");
            assert!(
                body.contains("anyone can create an account with any name"),
                "{body}"
            );
        }
    }

    #[test]
    fn subjects_stay_on_one_line() {
        let email = partner_accepted("a@b.example", "Globex\r\nBcc: x@evil.example", &link());
        assert_eq!(
            email.subject,
            "Globex Bcc: x@evil.example accepted your partner request"
        );
    }

    #[test]
    fn a_digest_lists_its_lines_escaped_and_counts_the_rest() {
        let line = |name: &str| DigestLine {
            owner: "Northwind <Print>".to_owned(),
            folder: "Spring catalogue".to_owned(),
            name: name.to_owned(),
            link: "https://entente.example/documents/file?id=1".to_owned(),
        };
        let lines = [line("Cover.pdf"), line("<script>x</script>.png")];
        let email = share_digest("a@b.example", "Ann", &lines, 5, &link(), &link());
        assert_eq!(email.subject, "5 new items in what partners share with you");
        assert!(
            email
                .text_body
                .contains("- Cover.pdf in Spring catalogue (Northwind <Print>)")
        );
        assert!(
            email.text_body.contains("And 3 more."),
            "{}",
            email.text_body
        );
        assert!(
            email
                .html_body
                .contains("&#60;script&#62;x&#60;/script&#62;.png")
        );
        assert!(!email.html_body.contains("<script>"));
        assert!(email.html_body.contains("Northwind &#60;Print&#62;"));
        let one = share_digest("a@b.example", "Ann", &lines[..1], 1, &link(), &link());
        assert_eq!(one.subject, "1 new item in what partners share with you");
        assert!(!one.text_body.contains("more."), "{}", one.text_body);
    }

    /// A file name and a person's name as hostile as people can type them.
    const HOSTILE_FILE: &str = "<script>alert(1)</script>.pdf";
    const HOSTILE_NAME: &str = "Bea\r\nBcc: x@evil.example";

    /// Every proof email, built from the hostile file and person names.
    fn hostile_proof_emails() -> [OutgoingEmail; 5] {
        [
            proof_review_requested(
                "a@b.example",
                HOSTILE_NAME,
                HOSTILE_NAME,
                HOSTILE_FILE,
                Some(HOSTILE_NAME),
                &link(),
            ),
            proof_new_version(
                "a@b.example",
                HOSTILE_NAME,
                HOSTILE_NAME,
                HOSTILE_FILE,
                3,
                Some(HOSTILE_NAME),
                &link(),
            ),
            proof_decision(
                "a@b.example",
                HOSTILE_NAME,
                HOSTILE_NAME,
                HOSTILE_FILE,
                3,
                "Changes required",
                &link(),
            ),
            proof_status_final(
                "a@b.example",
                HOSTILE_FILE,
                3,
                "Changes required",
                "<script>alert(1)</script> requires changes.",
                &link(),
            ),
            proof_reminder(
                "a@b.example",
                HOSTILE_NAME,
                HOSTILE_FILE,
                HOSTILE_NAME,
                &link(),
            ),
        ]
    }

    #[test]
    fn proof_emails_escape_file_and_person_names_in_html_and_keep_them_as_typed_in_text() {
        for email in hostile_proof_emails() {
            let kind = email.kind;
            assert!(
                email
                    .html_body
                    .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
                "{kind}: {}",
                email.html_body
            );
            assert!(!email.html_body.contains("<script>"), "{kind}");
            assert!(
                email.text_body.contains("<script>alert(1)</script>"),
                "{kind}: {}",
                email.text_body
            );
        }
    }

    #[test]
    fn proof_subjects_stay_on_one_line_whatever_the_names_hold() {
        let subjects: Vec<String> = hostile_proof_emails()
            .into_iter()
            .map(|email| email.subject)
            .collect();
        for subject in &subjects {
            assert!(!subject.contains(['\r', '\n']), "{subject:?}");
            assert!(
                subject.contains("<script>alert(1)</script>.pdf"),
                "{subject:?}"
            );
        }
        assert_eq!(
            subjects[0],
            "Bea Bcc: x@evil.example asks you to review <script>alert(1)</script>.pdf"
        );
        assert_eq!(
            subjects[2],
            "Bea Bcc: x@evil.example decided Changes required on <script>alert(1)</script>.pdf"
        );
        assert_eq!(
            subjects[4],
            "Reminder: <script>alert(1)</script>.pdf is due Bea Bcc: x@evil.example"
        );
    }

    #[test]
    fn proof_subjects_read_as_the_spec_words_them() {
        let requested =
            proof_review_requested("a@b.example", "Acme", "Ann", "Cover.pdf", None, &link());
        assert_eq!(requested.subject, "Acme asks you to review Cover.pdf");
        let version =
            proof_new_version("a@b.example", "Acme", "Ann", "Cover.pdf", 2, None, &link());
        assert_eq!(
            version.subject,
            "Version 2 of Cover.pdf is ready for your review"
        );
        let decision = proof_decision(
            "a@b.example",
            "Bea Lund",
            "Globex Print",
            "Cover.pdf",
            2,
            "Changes required",
            &link(),
        );
        assert_eq!(
            decision.subject,
            "Bea Lund decided Changes required on Cover.pdf"
        );
        let status = proof_status_final(
            "a@b.example",
            "Cover.pdf",
            2,
            "Changes required",
            "Bea Lund (Globex Print) requires changes.",
            &link(),
        );
        assert_eq!(status.subject, "Cover.pdf (version 2): Changes required");
        let reminder = proof_reminder("a@b.example", "Acme", "Cover.pdf", "12 May 2025", &link());
        assert_eq!(reminder.subject, "Reminder: Cover.pdf is due 12 May 2025");
    }

    #[test]
    fn a_review_request_and_a_new_version_ask_for_a_decision_by_the_deadline_only_when_there_is_one()
     {
        let with = [
            proof_review_requested(
                "a@b.example",
                "Acme",
                "Ann",
                "Cover.pdf",
                Some("12 May 2025"),
                &link(),
            ),
            proof_new_version(
                "a@b.example",
                "Acme",
                "Ann",
                "Cover.pdf",
                2,
                Some("12 May 2025"),
                &link(),
            ),
        ];
        for email in with {
            assert!(
                email.text_body.contains("Please decide by 12 May 2025."),
                "{}",
                email.text_body
            );
            assert!(
                email
                    .html_body
                    .contains("Please decide by <strong>12 May 2025</strong>."),
                "{}",
                email.html_body
            );
        }
        let without = [
            proof_review_requested("a@b.example", "Acme", "Ann", "Cover.pdf", None, &link()),
            proof_new_version("a@b.example", "Acme", "Ann", "Cover.pdf", 2, None, &link()),
        ];
        for email in without {
            assert!(
                !email.text_body.contains("decide by"),
                "{}",
                email.text_body
            );
            assert!(
                !email.html_body.contains("decide by"),
                "{}",
                email.html_body
            );
        }
    }

    #[test]
    fn proof_emails_name_who_and_what_and_offer_to_open_the_proof() {
        let requested = proof_review_requested(
            "a@b.example",
            "Acme",
            "Ann Berg",
            "Cover.pdf",
            None,
            &link(),
        );
        assert!(
            requested
                .text_body
                .contains("Ann Berg of Acme asks you to review Cover.pdf")
        );
        let version = proof_new_version(
            "a@b.example",
            "Acme",
            "Ann Berg",
            "Cover.pdf",
            2,
            None,
            &link(),
        );
        for body in [&version.text_body, &version.html_body] {
            assert!(body.contains("version 2 of"), "{body}");
            assert!(
                body.contains("Your decision is Pending again for this version."),
                "{body}"
            );
        }
        let decision = proof_decision(
            "a@b.example",
            "Bea Lund",
            "Globex Print",
            "Cover.pdf",
            2,
            "Changes required",
            &link(),
        );
        assert!(decision.text_body.contains(
            "Bea Lund of Globex Print decided Changes required on version 2 of Cover.pdf."
        ));
        let status = proof_status_final(
            "a@b.example",
            "Cover.pdf",
            2,
            "Changes required",
            "Bea Lund (Globex Print) requires changes.",
            &link(),
        );
        for body in [&status.text_body, &status.html_body] {
            assert!(
                body.contains("Bea Lund (Globex Print) requires changes."),
                "{body}"
            );
        }
        let reminder = proof_reminder("a@b.example", "Acme", "Cover.pdf", "12 May 2025", &link());
        for body in [&reminder.text_body, &reminder.html_body] {
            assert!(body.contains("Your decision is still pending."), "{body}");
        }
        for email in [requested, version, decision, status, reminder] {
            assert!(
                email.html_body.contains(">Open the proof</a>"),
                "{}: {}",
                email.kind,
                email.html_body
            );
            assert!(
                email.text_body.contains("Open the proof:"),
                "{}",
                email.kind
            );
        }
    }
}
