//! The Activity page's one place for words: each typed entry as the sentence a person reads,
//! naming both organizations (and the invited address) the way SPEC 4.6's audit needs.

use entente_core::partnership::{AuditKind, RequestStatus, Side};

use crate::api::activity::{ActivityActor, ActivityEvent};

/// Who did it, as the "Who" column shows it: "Ada Lovelace (Acme Studio)".
pub fn who(actor: Option<&ActivityActor>) -> String {
    actor.map_or_else(
        || "—".to_owned(),
        |actor| format!("{} ({})", actor.name, actor.organization),
    )
}

/// What happened, as a sentence.
pub fn what(event: &ActivityEvent) -> String {
    match event {
        ActivityEvent::Partner {
            kind,
            sender,
            recipient,
            email,
        } => partner_sentence(*kind, sender, recipient, email),
    }
}

/// What a partner entry says, naming both organizations and the address used.
fn partner_sentence(kind: AuditKind, sender: &str, recipient: &str, email: &str) -> String {
    match kind {
        AuditKind::RequestSent => {
            format!("{sender} sent a partner invitation to {email} ({recipient}).")
        }
        AuditKind::RequestAccepted => format!(
            "{recipient} accepted the partner invitation from {sender} (sent to {email}): they \
             are partners."
        ),
        AuditKind::RequestRejected => {
            format!("{recipient} rejected the partner invitation from {sender} (sent to {email}).")
        }
        AuditKind::RequestDeleted { by, status_before } => {
            let (deleter, other) = match by {
                Side::Sender => (sender, recipient),
                Side::Recipient => (recipient, sender),
            };
            match (status_before, by) {
                (RequestStatus::Accepted, _) => {
                    format!("{deleter} deleted the partner {other}: the partnership ended.")
                }
                (RequestStatus::Pending, Side::Sender) => {
                    format!("{sender} withdrew the partner invitation to {email} ({recipient}).")
                }
                (RequestStatus::Pending, Side::Recipient) => format!(
                    "{recipient} deleted the partner invitation from {sender} (sent to {email}) \
                     without answering it."
                ),
                (RequestStatus::Rejected, _) => format!(
                    "{deleter} deleted the rejected partner invitation from {sender} to {email} \
                     ({recipient})."
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partner_entry_reads_as_a_sentence_naming_both_organizations() {
        let deleted = |by, status_before| AuditKind::RequestDeleted { by, status_before };
        let cases = [
            (
                AuditKind::RequestSent,
                "Acme sent a partner invitation to gil@globex.example (Globex).",
            ),
            (
                AuditKind::RequestAccepted,
                "Globex accepted the partner invitation from Acme (sent to gil@globex.example): they are partners.",
            ),
            (
                AuditKind::RequestRejected,
                "Globex rejected the partner invitation from Acme (sent to gil@globex.example).",
            ),
            (
                deleted(Side::Sender, RequestStatus::Accepted),
                "Acme deleted the partner Globex: the partnership ended.",
            ),
            (
                deleted(Side::Recipient, RequestStatus::Accepted),
                "Globex deleted the partner Acme: the partnership ended.",
            ),
            (
                deleted(Side::Sender, RequestStatus::Pending),
                "Acme withdrew the partner invitation to gil@globex.example (Globex).",
            ),
            (
                deleted(Side::Recipient, RequestStatus::Pending),
                "Globex deleted the partner invitation from Acme (sent to gil@globex.example) without answering it.",
            ),
            (
                deleted(Side::Recipient, RequestStatus::Rejected),
                "Globex deleted the rejected partner invitation from Acme to gil@globex.example (Globex).",
            ),
            (
                deleted(Side::Sender, RequestStatus::Rejected),
                "Acme deleted the rejected partner invitation from Acme to gil@globex.example (Globex).",
            ),
        ];
        for (kind, expected) in cases {
            let event = ActivityEvent::Partner {
                kind,
                sender: "Acme".to_owned(),
                recipient: "Globex".to_owned(),
                email: "gil@globex.example".to_owned(),
            };
            assert_eq!(what(&event), expected, "{kind:?}");
        }
    }

    #[test]
    fn who_names_the_user_and_their_organization() {
        let actor = ActivityActor {
            name: "Ada Lovelace".to_owned(),
            organization: "Acme Studio".to_owned(),
        };
        assert_eq!(who(Some(&actor)), "Ada Lovelace (Acme Studio)");
        assert_eq!(who(None), "—");
    }
}
