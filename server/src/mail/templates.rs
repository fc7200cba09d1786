//! The emails the service sends, rendered from askama templates in `server/templates/email/`.
//!
//! Each email has an HTML template (`.html`, escaped: names and account names typed by
//! people cannot inject markup) and a plain-text one (`.txt`, not escaped). Links are
//! absolute URLs built by the caller from `ENTENTE_PUBLIC_URL`.

use askama::Template;

use super::{EmailKind, OutgoingEmail};

/// Declares the HTML and the text template of one email, with the same `&str` fields.
///
/// Both receive `link`; the HTML one also receives `subject` for the shared layout's title.
macro_rules! email_templates {
    ($html:ident = $html_path:tt, $text:ident = $text_path:tt, { $($field:ident),* $(,)? }) => {
        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            subject: &'a str,
            link: &'a str,
            $($field: &'a str,)*
        }

        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            link: &'a str,
            $($field: &'a str,)*
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
}
