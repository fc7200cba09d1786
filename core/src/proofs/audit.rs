//! What the audit log keeps of a proof's review (SPEC 3.3's last bullet: decisions and
//! comments; issue 15: also the sending, reviewer changes and locks). Stored as typed columns
//! by the server (`proof_*` actions), read back through [`ProofAuditKind::from_parts`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Decision;

/// What happened to a proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofAuditKind {
    /// The file was sent for review at `version`.
    Sent {
        /// The version under review.
        version: u32,
    },
    /// A reviewer was named.
    ReviewerAdded {
        /// Who, as it read then ("Bea Lund (Globex Print)").
        who: String,
    },
    /// A reviewer was removed.
    ReviewerRemoved {
        /// Who, as it read then.
        who: String,
    },
    /// The acting reviewer decided on `version`.
    Decided {
        /// The version.
        version: u32,
        /// The decision (never Pending).
        decision: Decision,
    },
    /// The actor commented (or replied) on `version`.
    Commented {
        /// The version.
        version: u32,
    },
    /// The owner side locked it.
    Locked,
    /// The owner side unlocked it.
    Unlocked,
}

/// The stored action of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProofAuditAction {
    /// [`ProofAuditKind::Sent`].
    Sent,
    /// [`ProofAuditKind::ReviewerAdded`].
    ReviewerAdded,
    /// [`ProofAuditKind::ReviewerRemoved`].
    ReviewerRemoved,
    /// [`ProofAuditKind::Decided`].
    Decided,
    /// [`ProofAuditKind::Commented`].
    Commented,
    /// [`ProofAuditKind::Locked`].
    Locked,
    /// [`ProofAuditKind::Unlocked`].
    Unlocked,
}

impl ProofAuditAction {
    /// Every action.
    pub const ALL: [Self; 7] = [
        Self::Sent,
        Self::ReviewerAdded,
        Self::ReviewerRemoved,
        Self::Decided,
        Self::Commented,
        Self::Locked,
        Self::Unlocked,
    ];

    /// As stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "proof_sent",
            Self::ReviewerAdded => "proof_reviewer_added",
            Self::ReviewerRemoved => "proof_reviewer_removed",
            Self::Decided => "proof_decided",
            Self::Commented => "proof_commented",
            Self::Locked => "proof_locked",
            Self::Unlocked => "proof_unlocked",
        }
    }
}

impl FromStr for ProofAuditAction {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == text)
            .ok_or(())
    }
}

/// Stored parts that do not fit the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("These audit entry parts do not fit a {} entry.", .action.as_str())]
pub struct ProofAuditPartsError {
    /// The action.
    pub action: ProofAuditAction,
}

impl ProofAuditKind {
    /// Which change this is.
    pub const fn action(&self) -> ProofAuditAction {
        match self {
            Self::Sent { .. } => ProofAuditAction::Sent,
            Self::ReviewerAdded { .. } => ProofAuditAction::ReviewerAdded,
            Self::ReviewerRemoved { .. } => ProofAuditAction::ReviewerRemoved,
            Self::Decided { .. } => ProofAuditAction::Decided,
            Self::Commented { .. } => ProofAuditAction::Commented,
            Self::Locked => ProofAuditAction::Locked,
            Self::Unlocked => ProofAuditAction::Unlocked,
        }
    }

    /// The version the entry keeps.
    pub const fn version(&self) -> Option<u32> {
        match self {
            Self::Sent { version }
            | Self::Decided { version, .. }
            | Self::Commented { version } => Some(*version),
            _ => None,
        }
    }

    /// The decision the entry keeps.
    pub const fn decision(&self) -> Option<Decision> {
        match self {
            Self::Decided { decision, .. } => Some(*decision),
            _ => None,
        }
    }

    /// The person the entry keeps.
    pub fn person(&self) -> Option<&str> {
        match self {
            Self::ReviewerAdded { who } | Self::ReviewerRemoved { who } => Some(who),
            _ => None,
        }
    }

    /// The entry stored as `action`, `version`, `decision` and `person`; refused unless the
    /// parts are exactly the ones that action keeps.
    pub fn from_parts(
        action: ProofAuditAction,
        version: Option<u32>,
        decision: Option<Decision>,
        person: Option<String>,
    ) -> Result<Self, ProofAuditPartsError> {
        use ProofAuditAction as Action;
        let refused = ProofAuditPartsError { action };
        let version = version.filter(|number| *number >= 1);
        Ok(match (action, version, decision, person) {
            (Action::Sent, Some(version), None, None) => Self::Sent { version },
            (Action::ReviewerAdded, None, None, Some(who)) => Self::ReviewerAdded { who },
            (Action::ReviewerRemoved, None, None, Some(who)) => Self::ReviewerRemoved { who },
            (Action::Decided, Some(version), Some(decision), None)
                if decision != Decision::Pending =>
            {
                Self::Decided { version, decision }
            }
            (Action::Commented, Some(version), None, None) => Self::Commented { version },
            (Action::Locked, None, None, None) => Self::Locked,
            (Action::Unlocked, None, None, None) => Self::Unlocked,
            _ => return Err(refused),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each kind of entry records (action, version, decision, person), and that those
    /// parts read back as the same kind.
    #[test]
    fn what_each_kind_of_entry_records() {
        use ProofAuditKind as Kind;
        let who = "Bea Lund (Globex Print)";
        let cases = [
            (Kind::Sent { version: 1 }, "proof_sent", Some(1), None, None),
            (
                Kind::ReviewerAdded {
                    who: who.to_owned(),
                },
                "proof_reviewer_added",
                None,
                None,
                Some(who),
            ),
            (
                Kind::ReviewerRemoved {
                    who: who.to_owned(),
                },
                "proof_reviewer_removed",
                None,
                None,
                Some(who),
            ),
            (
                Kind::Decided {
                    version: 2,
                    decision: Decision::ChangesRequired,
                },
                "proof_decided",
                Some(2),
                Some(Decision::ChangesRequired),
                None,
            ),
            (
                Kind::Commented { version: 3 },
                "proof_commented",
                Some(3),
                None,
                None,
            ),
            (Kind::Locked, "proof_locked", None, None, None),
            (Kind::Unlocked, "proof_unlocked", None, None, None),
        ];
        assert_eq!(cases.len(), ProofAuditAction::ALL.len());
        for (kind, action, version, decision, person) in cases {
            assert_eq!(kind.action().as_str(), action, "{kind:?}");
            assert_eq!(action.parse(), Ok(kind.action()), "{kind:?}");
            assert_eq!(kind.version(), version, "{kind:?}");
            assert_eq!(kind.decision(), decision, "{kind:?}");
            assert_eq!(kind.person(), person, "{kind:?}");
            assert_eq!(
                ProofAuditKind::from_parts(
                    kind.action(),
                    kind.version(),
                    kind.decision(),
                    kind.person().map(str::to_owned),
                ),
                Ok(kind.clone())
            );
        }
        // Every decision a reviewer makes is kept as it was made.
        for decision in Decision::CHOICES {
            let kind = Kind::Decided {
                version: 1,
                decision,
            };
            assert_eq!(
                ProofAuditKind::from_parts(
                    ProofAuditAction::Decided,
                    Some(1),
                    Some(decision),
                    None
                ),
                Ok(kind)
            );
        }
        // Every action has its own stored text, and nothing else reads as one.
        for action in ProofAuditAction::ALL {
            assert!(action.as_str().starts_with("proof_"), "{action:?}");
            assert_eq!(action.as_str().parse(), Ok(action));
        }
        for text in ["document_uploaded", "partner_request_sent", "proof_", ""] {
            assert_eq!(text.parse::<ProofAuditAction>(), Err(()), "{text}");
        }
    }

    #[test]
    fn parts_that_do_not_fit_the_action_are_refused() {
        use ProofAuditAction as Action;
        let refused = |action, version: Option<u32>, decision, person: Option<&str>| {
            assert_eq!(
                ProofAuditKind::from_parts(action, version, decision, person.map(str::to_owned)),
                Err(ProofAuditPartsError { action }),
                "{action:?} {version:?} {decision:?} {person:?}"
            );
        };
        let who = Some("Bea Lund (Globex Print)");
        let approved = Some(Decision::Approved);
        // A decision is never Pending, and keeps its version and nothing else.
        refused(Action::Decided, Some(1), Some(Decision::Pending), None);
        refused(Action::Decided, Some(1), None, None);
        refused(Action::Decided, None, approved, None);
        refused(Action::Decided, Some(0), approved, None);
        refused(Action::Decided, Some(1), approved, who);
        // Sending and commenting keep a version (from 1) and nothing else.
        refused(Action::Sent, None, None, None);
        refused(Action::Sent, Some(0), None, None);
        refused(Action::Sent, Some(1), approved, None);
        refused(Action::Sent, Some(1), None, who);
        refused(Action::Commented, None, None, None);
        refused(Action::Commented, Some(2), approved, None);
        refused(Action::Commented, Some(2), None, who);
        // Reviewer changes keep who, and nothing else.
        for action in [Action::ReviewerAdded, Action::ReviewerRemoved] {
            refused(action, None, None, None);
            refused(action, Some(1), None, who);
            refused(action, None, approved, who);
        }
        // Locks keep nothing.
        for action in [Action::Locked, Action::Unlocked] {
            refused(action, Some(1), None, None);
            refused(action, None, approved, None);
            refused(action, None, None, who);
        }
    }
}
