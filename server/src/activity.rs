//! The Activity page's port: the audit log of one account as typed entries, newest first, in
//! keyset pages (never OFFSET). The page phrases them (`entente_app::pages::activity`).

use entente_app::api::activity::port::{ActivityError, ActivityService};
use entente_app::api::activity::{ActivityActor, ActivityEntry, ActivityEvent, ActivityPage};
use entente_app::api::services::BoxFuture;
use entente_app::api::session::CurrentUser;

use crate::store::audit::{self, AuditEntry, AuditEvent, Cursor};
use crate::store::{Store, StoreError};

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
            let internal = |error: StoreError| ActivityError::Internal(Box::new(error));
            let before = after
                .map(|token| Cursor::from_token(&token).ok_or(ActivityError::InvalidPageLink))
                .transpose()?;
            let limit = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
            let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
            let mut entries = audit::list(&self.store, actor.account_id, before, fetch)
                .await
                .map_err(internal)?;
            let next = (entries.len() > limit).then(|| {
                entries.truncate(limit);
                entries.last().map(|last| last.cursor().to_token())
            });
            Ok(ActivityPage {
                entries: entries
                    .into_iter()
                    .map(activity_entry)
                    .collect::<Result<_, _>>()
                    .map_err(internal)?,
                next: next.flatten(),
            })
        })
    }
}

/// One stored entry as the page receives it: typed, with the names it shows.
pub(crate) fn activity_entry(entry: AuditEntry) -> Result<ActivityEntry, StoreError> {
    let what = match entry.event {
        AuditEvent::Partner { kind, .. } => {
            // The request is a foreign key of the entry, so its names are always there.
            let names = entry.partner_request.ok_or(StoreError::Corrupt {
                column: "audit_log.partner_request_id",
            })?;
            ActivityEvent::Partner {
                kind,
                sender: names.sender_name.as_str().to_owned(),
                recipient: names.recipient_name.as_str().to_owned(),
                email: names.recipient_email.as_str().to_owned(),
            }
        }
        AuditEvent::Document { name, kind, .. } => ActivityEvent::Document { name, kind },
        AuditEvent::Proof { name, kind, .. } => ActivityEvent::Proof { name, kind },
    };
    Ok(ActivityEntry {
        at: entry.created_at.0,
        who: entry.actor.map(|actor| ActivityActor {
            name: actor.name.as_str().to_owned(),
            organization: actor.organization.as_str().to_owned(),
        }),
        what,
    })
}
