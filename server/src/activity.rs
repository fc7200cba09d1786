//! The Activity page's service: the audit log of one account as sentences a person reads,
//! newest first, in keyset pages (never OFFSET).

use entente_app::api::activity::{ActivityEntry, ActivityPage};
use entente_app::api::services::{ActivityError, ActivityService, BoxFuture};
use entente_app::api::session::CurrentUser;
use entente_core::Timestamp;

use crate::store::Store;
use crate::store::audit::{self, AuditEntry, Cursor, RequestNames};

/// The Activity page around the one store.
pub struct StoreActivity {
    store: Store,
}

impl StoreActivity {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl ActivityService for StoreActivity {
    fn list(
        &self,
        actor: CurrentUser,
        after: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<ActivityPage, ActivityError>> {
        Box::pin(async move {
            let before = after
                .map(|token| decode_cursor(&token).ok_or(ActivityError::InvalidPageLink))
                .transpose()?;
            let limit = i64::from(limit.max(1));
            let mut entries = audit::list(&self.store, actor.account_id, before, limit + 1)
                .await
                .map_err(|error| ActivityError::Internal(Box::new(error)))?;
            let next = (entries.len() > limit as usize).then(|| {
                entries.truncate(limit as usize);
                encode_cursor(entries[entries.len() - 1].cursor())
            });
            Ok(ActivityPage {
                entries: entries.iter().map(describe).collect(),
                next,
            })
        })
    }
}

/// The `?after=` token of a cursor: the entry's second and id.
fn encode_cursor(cursor: Cursor) -> String {
    format!("{}_{}", cursor.created_at.0, cursor.id)
}

/// Reads a token written by [`encode_cursor`]; anything else is `None`.
fn decode_cursor(token: &str) -> Option<Cursor> {
    let (seconds, id) = token.split_once('_')?;
    Some(Cursor {
        created_at: Timestamp(seconds.parse().ok()?),
        id: id.parse().ok()?,
    })
}

/// One audit entry as a line of the Activity page.
fn describe(entry: &AuditEntry) -> ActivityEntry {
    ActivityEntry {
        at: entry.created_at.0,
        who: entry
            .actor
            .as_ref()
            .map(|(name, organization)| format!("{name} ({organization})")),
        what: match &entry.partner_request {
            Some(request) => partner_sentence(&entry.action, &entry.detail, request),
            None => format!("{} {}", entry.action.replace('_', " "), entry.detail),
        },
    }
}

/// What a partner entry says, naming both organizations and the address used.
fn partner_sentence(action: &str, detail: &str, request: &RequestNames) -> String {
    let RequestNames {
        sender_name: sender,
        recipient_name: recipient,
        recipient_email: email,
        ..
    } = request;
    let by_sender = detail.contains("by sender");
    let deleter = if by_sender { sender } else { recipient };
    match action {
        "partner_request_sent" => {
            format!("{sender} sent a partner invitation to {email} ({recipient}).")
        }
        "partner_request_accepted" => format!(
            "{recipient} accepted the partner invitation from {sender} (sent to {email}): they \
             are partners."
        ),
        "partner_request_rejected" => {
            format!("{recipient} rejected the partner invitation from {sender} (sent to {email}).")
        }
        "partner_request_deleted" if detail.contains("was accepted") => {
            let other = if by_sender { recipient } else { sender };
            format!("{deleter} deleted the partner {other}: the partnership ended.")
        }
        "partner_request_deleted" if detail.contains("was pending") && by_sender => {
            format!("{sender} withdrew the partner invitation to {email} ({recipient}).")
        }
        "partner_request_deleted" if detail.contains("was pending") => format!(
            "{recipient} deleted the partner invitation from {sender} (sent to {email}) without \
             answering it."
        ),
        "partner_request_deleted" => format!(
            "{deleter} deleted the rejected partner invitation from {sender} to {email} \
             ({recipient})."
        ),
        other => format!("{}: {sender} and {recipient}.", other.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> RequestNames {
        RequestNames {
            sender_name: "Acme".to_owned(),
            recipient_name: "Globex".to_owned(),
            recipient_email: "gil@globex.example".to_owned(),
        }
    }

    #[test]
    fn each_partner_entry_reads_as_a_sentence_naming_both_organizations() {
        let cases = [
            (
                "partner_request_sent",
                "",
                "Acme sent a partner invitation to gil@globex.example (Globex).",
            ),
            (
                "partner_request_accepted",
                "",
                "Globex accepted the partner invitation from Acme (sent to gil@globex.example): they are partners.",
            ),
            (
                "partner_request_rejected",
                "",
                "Globex rejected the partner invitation from Acme (sent to gil@globex.example).",
            ),
            (
                "partner_request_deleted",
                "by sender; was accepted",
                "Acme deleted the partner Globex: the partnership ended.",
            ),
            (
                "partner_request_deleted",
                "by recipient; was accepted",
                "Globex deleted the partner Acme: the partnership ended.",
            ),
            (
                "partner_request_deleted",
                "by sender; was pending",
                "Acme withdrew the partner invitation to gil@globex.example (Globex).",
            ),
            (
                "partner_request_deleted",
                "by recipient; was pending",
                "Globex deleted the partner invitation from Acme (sent to gil@globex.example) without answering it.",
            ),
            (
                "partner_request_deleted",
                "by recipient; was rejected",
                "Globex deleted the rejected partner invitation from Acme to gil@globex.example (Globex).",
            ),
        ];
        for (action, detail, expected) in cases {
            assert_eq!(
                partner_sentence(action, detail, &names()),
                expected,
                "{action} {detail}"
            );
        }
    }

    #[test]
    fn page_tokens_round_trip_and_anything_else_is_refused() {
        let cursor = Cursor {
            created_at: Timestamp(1_795_000_000),
            id: uuid::Uuid::from_u128(42),
        };
        assert_eq!(decode_cursor(&encode_cursor(cursor)), Some(cursor));
        for token in [
            "",
            "_",
            "12",
            "x_00000000-0000-0000-0000-00000000002a",
            "12_not-a-uuid",
        ] {
            assert_eq!(decode_cursor(token), None, "{token}");
        }
    }
}
