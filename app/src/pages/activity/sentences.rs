//! The Activity page's one place for words: each typed entry as the sentence a person reads,
//! naming both organizations (and the invited address) the way SPEC 4.6's audit needs, and for
//! documents and proofs the person who acted and the names the item had then (SPEC 3.3).

use entente_core::documents::ItemName;
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::partnership::{AuditKind, RequestStatus, Side};
use entente_core::proofs::audit::ProofAuditKind;

use crate::api::activity::{ActivityActor, ActivityEvent};

/// Who did it, as the "Who" column shows it: "Ada Lovelace (Acme Studio)".
pub fn who(actor: Option<&ActivityActor>) -> String {
    actor.map_or_else(
        || "—".to_owned(),
        |actor| format!("{} ({})", actor.name, actor.organization),
    )
}

/// What happened, as a sentence; `who` acted (document and proof sentences name them).
pub fn what(event: &ActivityEvent, who: Option<&ActivityActor>) -> String {
    let actor = who.map_or("Someone", |actor| actor.name.as_str());
    match event {
        ActivityEvent::Partner {
            kind,
            sender,
            recipient,
            email,
        } => partner_sentence(*kind, sender, recipient, email),
        ActivityEvent::Document { name, kind } => document_sentence(actor, name, kind),
        ActivityEvent::Proof { name, kind } => proof_sentence(actor, name, kind),
    }
}

/// What a proof entry says, with the name the file had and the reviewer as they read then.
fn proof_sentence(actor: &str, name: &ItemName, kind: &ProofAuditKind) -> String {
    match kind {
        ProofAuditKind::Sent { version } => {
            format!("{actor} sent {name} for review (version {version}).")
        }
        ProofAuditKind::ReviewerAdded { who } => {
            format!("{actor} named {who} as a reviewer of {name}.")
        }
        ProofAuditKind::ReviewerRemoved { who } => {
            format!("{actor} removed {who} as a reviewer of {name}.")
        }
        ProofAuditKind::Decided { version, decision } => format!(
            "{actor} decided {} on {name} (version {version}).",
            decision.label()
        ),
        ProofAuditKind::Commented { version } => {
            format!("{actor} commented on {name} (version {version}).")
        }
        ProofAuditKind::Locked => format!("{actor} locked {name} for review."),
        ProofAuditKind::Unlocked => format!("{actor} unlocked {name} for review."),
    }
}

/// What a document entry says, with the names the item and its folders had at the time.
fn document_sentence(actor: &str, name: &ItemName, kind: &DocumentAuditKind) -> String {
    match kind {
        DocumentAuditKind::Uploaded { folder } => format!("{actor} uploaded {name} to {folder}."),
        DocumentAuditKind::VersionUploaded { number } => {
            format!("{actor} uploaded version {number} of {name}.")
        }
        DocumentAuditKind::FolderCreated { parent } => {
            format!("{actor} created the folder {name} in {parent}.")
        }
        DocumentAuditKind::Renamed { from } => format!("{actor} renamed {from} → {name}."),
        DocumentAuditKind::Moved { to } => format!("{actor} moved {name} to {to}."),
        DocumentAuditKind::Trashed => format!("{actor} moved {name} to the trash."),
        DocumentAuditKind::Restored { was: None } => format!("{actor} restored {name}."),
        DocumentAuditKind::Restored { was: Some(was) } => {
            format!("{actor} restored {was} as {name}.")
        }
        DocumentAuditKind::Shared {
            with,
            role,
            downloads,
        } => format!(
            "{actor} shared {name} with {with} as {}{}.",
            role.label(),
            if *downloads {
                ""
            } else {
                ", without downloads"
            }
        ),
        DocumentAuditKind::ShareChanged {
            with,
            role,
            downloads,
        } => format!(
            "{actor} changed the share of {name} with {with}: {}, downloads {}.",
            role.label(),
            if *downloads { "on" } else { "off" }
        ),
        DocumentAuditKind::Unshared { with } => {
            format!("{actor} stopped sharing {name} with {with}.")
        }
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
            assert_eq!(what(&event, None), expected, "{kind:?}");
        }
    }

    #[test]
    fn each_document_entry_reads_as_a_sentence_naming_who_acted() {
        let name = |text: &str| ItemName::parse(text).unwrap();
        let cases = [
            (
                "Brochure.pdf",
                DocumentAuditKind::Uploaded {
                    folder: name("Proofs"),
                },
                "Ada Lovelace uploaded Brochure.pdf to Proofs.",
            ),
            (
                "Brochure.pdf",
                DocumentAuditKind::VersionUploaded { number: 2 },
                "Ada Lovelace uploaded version 2 of Brochure.pdf.",
            ),
            (
                "Proofs",
                DocumentAuditKind::FolderCreated {
                    parent: name("Documents"),
                },
                "Ada Lovelace created the folder Proofs in Documents.",
            ),
            (
                "New",
                DocumentAuditKind::Renamed { from: name("Old") },
                "Ada Lovelace renamed Old → New.",
            ),
            (
                "Brochure.pdf",
                DocumentAuditKind::Moved {
                    to: name("Archive"),
                },
                "Ada Lovelace moved Brochure.pdf to Archive.",
            ),
            (
                "Proofs",
                DocumentAuditKind::Trashed,
                "Ada Lovelace moved Proofs to the trash.",
            ),
            (
                "Proofs",
                DocumentAuditKind::Restored { was: None },
                "Ada Lovelace restored Proofs.",
            ),
            (
                "Proofs (2)",
                DocumentAuditKind::Restored {
                    was: Some(name("Proofs")),
                },
                "Ada Lovelace restored Proofs as Proofs (2).",
            ),
            (
                "Campaign",
                DocumentAuditKind::Shared {
                    with: "Globex Print (whole organization)".to_owned(),
                    role: entente_core::documents::ShareRole::Reviewer,
                    downloads: false,
                },
                "Ada Lovelace shared Campaign with Globex Print (whole organization) as Reviewer, without downloads.",
            ),
            (
                "Campaign",
                DocumentAuditKind::ShareChanged {
                    with: "Gil Ortega (Globex Print)".to_owned(),
                    role: entente_core::documents::ShareRole::Viewer,
                    downloads: true,
                },
                "Ada Lovelace changed the share of Campaign with Gil Ortega (Globex Print): Viewer, downloads on.",
            ),
            (
                "Campaign",
                DocumentAuditKind::Unshared {
                    with: "Gil Ortega (Globex Print)".to_owned(),
                },
                "Ada Lovelace stopped sharing Campaign with Gil Ortega (Globex Print).",
            ),
        ];
        let ada = ActivityActor {
            name: "Ada Lovelace".to_owned(),
            organization: "Acme Studio".to_owned(),
        };
        for (item, kind, expected) in cases {
            let event = ActivityEvent::Document {
                name: name(item),
                kind,
            };
            assert_eq!(what(&event, Some(&ada)), expected, "{event:?}");
        }
        let unknown = ActivityEvent::Document {
            name: name("Proofs"),
            kind: DocumentAuditKind::Trashed,
        };
        assert_eq!(what(&unknown, None), "Someone moved Proofs to the trash.");
    }

    #[test]
    fn each_proof_entry_reads_as_a_sentence_naming_who_acted() {
        use entente_core::proofs::Decision;
        let who = || "Bea Lund (Globex Print)".to_owned();
        let cases = [
            (
                "Ann Smith",
                ProofAuditKind::Sent { version: 1 },
                "Ann Smith sent Brochure.pdf for review (version 1).",
            ),
            (
                "Ann Smith",
                ProofAuditKind::ReviewerAdded { who: who() },
                "Ann Smith named Bea Lund (Globex Print) as a reviewer of Brochure.pdf.",
            ),
            (
                "Ann Smith",
                ProofAuditKind::ReviewerRemoved { who: who() },
                "Ann Smith removed Bea Lund (Globex Print) as a reviewer of Brochure.pdf.",
            ),
            (
                "Bea Lund",
                ProofAuditKind::Decided {
                    version: 2,
                    decision: Decision::ChangesRequired,
                },
                "Bea Lund decided Changes required on Brochure.pdf (version 2).",
            ),
            (
                "Bea Lund",
                ProofAuditKind::Decided {
                    version: 1,
                    decision: Decision::ApprovedWithChanges,
                },
                "Bea Lund decided Approved with changes on Brochure.pdf (version 1).",
            ),
            (
                "Bea Lund",
                ProofAuditKind::Commented { version: 2 },
                "Bea Lund commented on Brochure.pdf (version 2).",
            ),
            (
                "Ann Smith",
                ProofAuditKind::Locked,
                "Ann Smith locked Brochure.pdf for review.",
            ),
            (
                "Ann Smith",
                ProofAuditKind::Unlocked,
                "Ann Smith unlocked Brochure.pdf for review.",
            ),
        ];
        for (actor, kind, expected) in cases {
            let event = ActivityEvent::Proof {
                name: ItemName::parse("Brochure.pdf").unwrap(),
                kind,
            };
            let actor = ActivityActor {
                name: actor.to_owned(),
                organization: "Acme Studio".to_owned(),
            };
            assert_eq!(what(&event, Some(&actor)), expected, "{event:?}");
        }
        let unknown = ActivityEvent::Proof {
            name: ItemName::parse("Brochure.pdf").unwrap(),
            kind: ProofAuditKind::Locked,
        };
        assert_eq!(
            what(&unknown, None),
            "Someone locked Brochure.pdf for review."
        );
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
