//! Who hears of a change, and what they are told: decided when the change arrives, with the
//! very reads and rules of the pages (`documents::locate_for`, `proofs::may_view`, a profile's
//! `can_manage_partners`), so an event about an item never reaches someone who cannot open it
//! and its notice is an entry of their own organization's Activity page or of something they
//! may see.

use std::collections::{HashMap, HashSet};

use entente_app::api::documents::port::DocumentsError;
use entente_app::api::proofs::port::ProofsError;
use entente_app::api::session::CurrentUser;
use entente_app::live::LiveEvent;
use entente_core::documents::DocumentAction;
use entente_core::{AccountId, ItemId, Profile, UserId};

use crate::documents::{document_viewer, locate_for};
use crate::store::audit::{self, AuditEntry, AuditEvent};
use crate::store::live::Change;
use crate::store::{Store, StoreError, documents, partner_requests, shares};

/// Why the audience of a change could not be read (the database, most likely).
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// An open stream and who holds it.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The stream's number in the hub.
    pub stream: u64,
    /// Who holds it.
    pub user: CurrentUser,
}

/// The events `change` sends, one per stream at most, to the `viewers` allowed to hear of it.
pub async fn deliveries(
    store: &Store,
    change: &Change,
    viewers: &[Viewer],
) -> Result<Vec<(u64, LiveEvent)>, Failure> {
    match change {
        Change::Resync => Ok(to_all(viewers.iter(), &LiveEvent::Resync)),
        Change::Contacts { accounts } => Ok(to_all(
            viewers
                .iter()
                .filter(|viewer| accounts.contains(&viewer.user.account_id)),
            &LiveEvent::Contacts,
        )),
        Change::People { account } => {
            let partners = partner_requests::current_partners(store, *account).await?;
            Ok(to_all(
                viewers
                    .iter()
                    .filter(|viewer| partners.contains(&viewer.user.account_id)),
                &LiveEvent::Contacts,
            ))
        }
        Change::Audit { entry } => match audit::get(store, *entry).await? {
            Some(entry) => of_entry(store, entry, viewers).await,
            None => Ok(Vec::new()),
        },
        // The hub checks sessions itself.
        Change::Sessions { .. } => Ok(Vec::new()),
    }
}

fn to_all<'a>(
    viewers: impl Iterator<Item = &'a Viewer>,
    event: &LiveEvent,
) -> Vec<(u64, LiveEvent)> {
    viewers
        .map(|viewer| (viewer.stream, event.clone()))
        .collect()
}

/// What an audit entry means for each viewer.
async fn of_entry(
    store: &Store,
    entry: AuditEntry,
    viewers: &[Viewer],
) -> Result<Vec<(u64, LiveEvent)>, Failure> {
    let log = entry.account_id;
    let actor = entry.actor_user_id;
    let event = entry.event.clone();
    let shown = crate::activity::activity_entry(entry)?;
    // The person who acted sees the result of their own action; the notice is for the others.
    let notice = |viewer: &Viewer| (actor != Some(viewer.user.user_id)).then(|| shown.clone());
    match event {
        // The Partners tab and its badge, for those of the log's organization who manage
        // partners: the entry is on their Activity page already.
        AuditEvent::Partner { .. } => Ok(viewers
            .iter()
            .filter(|viewer| viewer.user.account_id == log)
            .filter(|viewer| viewer.user.profile.can_manage_partners())
            .map(|viewer| {
                (
                    viewer.stream,
                    LiveEvent::Partners {
                        notice: notice(viewer),
                    },
                )
            })
            .collect()),
        AuditEvent::Document { item, kind, .. } => {
            let Some(owner) = owner_of(store, item).await? else {
                return Ok(Vec::new());
            };
            let about_a_share = kind.share_parts().is_some();
            let mut out = Vec::new();
            if about_a_share && log == owner {
                // "Shared by us" of the owner's people who work with documents; the recipient
                // side hears of it from its own entry of the same change.
                for viewer in viewers.iter().filter(|viewer| {
                    viewer.user.account_id == owner
                        && Profile::works_with_documents(viewer.user.profile)
                }) {
                    out.push((viewer.stream, LiveEvent::Shared { notice: None }));
                }
                return Ok(out);
            }
            let candidates: Vec<&Viewer> = if about_a_share {
                viewers
                    .iter()
                    .filter(|viewer| viewer.user.account_id == log)
                    .collect()
            } else {
                // A file added, renamed, moved or deleted under a shared folder: the accounts
                // it is shared with.
                let reached = reached_accounts(store, item).await?;
                viewers
                    .iter()
                    .filter(|viewer| reached.contains(&viewer.user.account_id))
                    .collect()
            };
            // One person's tabs share one answer.
            let mut answers: HashMap<UserId, bool> = HashMap::new();
            for viewer in candidates {
                let may = once_per_person(&mut answers, &viewer.user, || {
                    may_open(store, &viewer.user, item)
                })
                .await?;
                if may {
                    out.push((
                        viewer.stream,
                        LiveEvent::Shared {
                            notice: notice(viewer),
                        },
                    ));
                } else if about_a_share {
                    // Unshared, or shared with someone else of the organization: the list
                    // refreshes, and nothing is said of an item they cannot see.
                    out.push((viewer.stream, LiveEvent::Shared { notice: None }));
                }
            }
            Ok(out)
        }
        AuditEvent::Proof { item, .. } => {
            let Some(owner) = owner_of(store, item).await? else {
                return Ok(Vec::new());
            };
            // The owner's log has every proof entry; a reviewer's organization's copy of a
            // decision would only say it twice.
            if log != owner {
                return Ok(Vec::new());
            }
            let mut reached = reached_accounts(store, item).await?;
            reached.insert(owner);
            let mut out = Vec::new();
            let mut answers: HashMap<UserId, bool> = HashMap::new();
            for viewer in viewers
                .iter()
                .filter(|viewer| reached.contains(&viewer.user.account_id))
            {
                let may = once_per_person(&mut answers, &viewer.user, || async {
                    crate::proofs::may_view(store, &document_viewer(&viewer.user), item)
                        .await
                        .map_err(proofs_failure)
                })
                .await?;
                if may {
                    out.push((
                        viewer.stream,
                        LiveEvent::Proof {
                            file: item,
                            notice: notice(viewer),
                        },
                    ));
                }
            }
            Ok(out)
        }
    }
}

/// `ask`'s answer for `user`, asked once however many of their tabs are open.
async fn once_per_person<Ask, Asked>(
    answers: &mut HashMap<UserId, bool>,
    user: &CurrentUser,
    ask: Ask,
) -> Result<bool, Failure>
where
    Ask: FnOnce() -> Asked,
    Asked: std::future::Future<Output = Result<bool, Failure>>,
{
    if let Some(known) = answers.get(&user.user_id) {
        return Ok(*known);
    }
    let answer = ask().await?;
    answers.insert(user.user_id, answer);
    Ok(answer)
}

/// The account that owns `item`; `None` once it is purged.
async fn owner_of(store: &Store, item: ItemId) -> Result<Option<AccountId>, StoreError> {
    Ok(documents::ancestry(store, item)
        .await?
        .first()
        .map(|record| record.account_id))
}

/// The accounts a share on `item` or a folder above it names (one query for the ancestry,
/// one for its shares).
async fn reached_accounts(store: &Store, item: ItemId) -> Result<HashSet<AccountId>, StoreError> {
    let chain = documents::ancestry(store, item).await?;
    let ids: Vec<ItemId> = chain.iter().map(|record| record.id).collect();
    Ok(shares::on_items(store, &ids)
        .await?
        .iter()
        .map(|listed| listed.share.recipient.account())
        .collect())
}

/// Whether `user` may open `item` now, as its page decides.
async fn may_open(store: &Store, user: &CurrentUser, item: ItemId) -> Result<bool, Failure> {
    match locate_for(
        store,
        &document_viewer(user),
        item,
        None,
        DocumentAction::Open,
    )
    .await
    {
        Ok(_) => Ok(true),
        Err(DocumentsError::Internal(cause)) => Err(cause),
        Err(_) => Ok(false),
    }
}

fn proofs_failure(error: ProofsError) -> Failure {
    match error {
        ProofsError::Internal(cause) => cause,
        other => Box::new(other),
    }
}
