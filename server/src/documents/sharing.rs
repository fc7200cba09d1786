//! The sharing port ([`SharingService`]) over `store::shares` (SPEC 3.3).
//!
//! Every answer is decided by entente-core from facts read here: `role` for what a viewer sees
//! (the shares on the item's ancestry, their standing with the owner), `check_new_share` and
//! `check_revoke` for changes. Lists read one keyset page of shares, the ancestry of every item
//! on it in one query, and the viewer's partners and memberships once: a page costs the same
//! whatever the number of shares in the database.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::Notify;

use entente_app::api::services::BoxFuture;
use entente_app::api::session::CurrentUser;
use entente_app::api::sharing::port::{RecipientChoice, SharingError, SharingService};
use entente_app::api::sharing::{
    AccessEntry, Organization, RecipientView, SHARE_FORM_PEOPLE, SHARES_PAGE_SIZE,
    STAYS_SHARED_LISTED, ShareTarget, SharedEntry, SharedPage, SharingPanel, StaysShared,
    StaysSharedLine,
};
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::digest::DigestSetting;
use entente_core::documents::{
    AccessError, DocumentAction, DocumentViewer, ItemFacts, NewShare, Role, ShareError,
    ShareRecipient, ShareRole, Standing, check_new_share, check_revoke, decide, role,
};
use entente_core::partnership::PartnerRequest;
use entente_core::{AccountId, ItemId, PartnerRequestId, ShareId};

use super::{crumb, document_viewer, entry, locate, locate_for, share_fact};
use crate::mail::links::Links;
use crate::mail::templates;
use crate::store::digest;
use crate::store::documents::{self, ItemRecord};
use crate::store::outbox;
use crate::store::partner_requests;
use crate::store::shares::{self, Cursor, NewShareRow, ShareList, ShareListed};
use crate::store::users;
use crate::store::{Store, StoreError, now};

/// The sharing service: every call goes to the shared store.
pub struct StoreSharing {
    store: Store,
    /// Where the links in emails point.
    links: Links,
    /// Wakes the mail worker after a commit that enqueued an email.
    mail_wake: Arc<Notify>,
}

impl StoreSharing {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store, links: Links, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            links,
            mail_wake,
        }
    }
}

fn internal(error: StoreError) -> SharingError {
    SharingError::Internal(error.into())
}

/// The documents service's refusals, as sharing answers them.
fn from_documents(error: entente_app::api::documents::port::DocumentsError) -> SharingError {
    use entente_app::api::documents::port::DocumentsError;
    match error {
        DocumentsError::Access(refused) => SharingError::Access(refused),
        DocumentsError::InvalidPageLink => SharingError::InvalidPageLink,
        other => SharingError::Internal(other.into()),
    }
}

fn recipient_view(listed: &ShareListed) -> RecipientView {
    RecipientView {
        account: listed.share.recipient.account(),
        account_name: listed.recipient_name.to_string(),
        person: listed.person_name.as_ref().map(ToString::to_string),
    }
}

/// Whether an item, from its ancestry (the item first), is in the trash.
pub(crate) fn in_trash(chain: &[ItemRecord]) -> bool {
    chain.iter().any(|item| item.deleted_at.is_some())
}

/// The accounts `account` is partners with now.
async fn partners_now(store: &Store, account: AccountId) -> Result<HashSet<AccountId>, StoreError> {
    Ok(partner_requests::current_partners(store, account)
        .await?
        .into_iter()
        .collect())
}

/// Whether `a` and `b` are partners now, and whether they ever were (core reads the requests).
async fn partnership(
    db: &mut crate::store::Tx,
    a: AccountId,
    b: AccountId,
) -> Result<(bool, bool), StoreError> {
    let requests = partner_requests::between(&mut *db, a, b).await?;
    let now = requests.iter().any(PartnerRequest::is_partnership);
    let ever = requests
        .iter()
        .any(|request| request.status() == entente_core::partnership::RequestStatus::Accepted);
    Ok((now, ever))
}

/// One page of `list` from the page token `after`, and the next page's token when there is
/// more.
async fn read_page(
    store: &Store,
    list: ShareList,
    after: Option<String>,
) -> Result<(Vec<ShareListed>, Option<String>), SharingError> {
    let after = after
        .map(|token| Cursor::from_token(&token).ok_or(SharingError::InvalidPageLink))
        .transpose()?;
    let limit = i64::from(SHARES_PAGE_SIZE) + 1;
    let mut rows = shares::page(store, list, after.as_ref(), limit)
        .await
        .map_err(internal)?;
    let next = (rows.len() > SHARES_PAGE_SIZE as usize).then(|| {
        rows.truncate(SHARES_PAGE_SIZE as usize);
        let last = rows.last().expect("a full page");
        Cursor {
            at: last.share.changed_at,
            id: last.share.id,
        }
        .to_token()
    });
    Ok((rows, next))
}

/// The organizations `ids` (in any order, repeated or not) with their names, by name, partners
/// now or not.
async fn organizations(
    store: &Store,
    mut ids: Vec<AccountId>,
    partners: &HashSet<AccountId>,
) -> Result<Vec<Organization>, StoreError> {
    ids.sort();
    ids.dedup();
    Ok(shares::account_names(store, &ids)
        .await?
        .into_iter()
        .map(|(id, name)| Organization {
            id,
            name: name.to_string(),
            partners_now: partners.contains(&id),
        })
        .collect())
}

impl SharingService for StoreSharing {
    fn panel(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        people: Option<String>,
    ) -> BoxFuture<'_, Result<Option<SharingPanel>, SharingError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let located = locate_for(&self.store, &viewer, item, None, DocumentAction::Open)
                .await
                .map_err(from_documents)?;
            if role(&viewer, &located.facts) != Role::OwnerSide {
                return Ok(None);
            }
            let chain: Vec<ItemId> = std::iter::once(item)
                .chain(located.above.iter().map(|folder| folder.id))
                .collect();
            let partners = partners_now(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let listed = shares::on_items(&self.store, &chain)
                .await
                .map_err(internal)?;
            let entries = listed
                .iter()
                .map(|listed| AccessEntry {
                    share: listed.share.id,
                    recipient: recipient_view(listed),
                    role: listed.share.role,
                    downloads: listed.share.downloads,
                    through: located
                        .above
                        .iter()
                        .find(|folder| folder.id == listed.share.item_id)
                        .map(crumb),
                    since: listed.share.changed_at,
                    partners_now: partners.contains(&listed.share.recipient.account()),
                })
                .collect();
            let may_share = check_revoke(&viewer, &located.facts).is_ok();
            let refusal = if located.item.parent_id.is_none() {
                Some(ShareError::Root.to_string())
            } else if located.facts.in_trash {
                Some(AccessError::InTrash.to_string())
            } else if partners.is_empty() {
                Some(
                    "You have no partners now: invite an organization on the Partners tab to \
                     share with it."
                        .to_owned(),
                )
            } else {
                None
            };
            let (targets, more_people) = if may_share && refusal.is_none() {
                share_targets(&self.store, viewer.account, &partners, people.as_deref())
                    .await
                    .map_err(internal)?
            } else {
                (Vec::new(), false)
            };
            Ok(Some(SharingPanel {
                entries,
                may_share,
                refusal,
                targets,
                people_search: people,
                more_people,
            }))
        })
    }

    fn share(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        recipient: RecipientChoice,
        share_role: ShareRole,
        downloads: bool,
    ) -> BoxFuture<'_, Result<(), SharingError>> {
        Box::pin(async move {
            let sharer = viewer;
            let viewer = document_viewer(&sharer);
            let mut tx = super::begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let located = locate_for(&mut tx, &viewer, item, None, DocumentAction::Open)
                .await
                .map_err(from_documents)?;
            // Who may share comes first: a recipient of the item (no re-sharing) or a Standard
            // user on another's item learns nothing about the recipient named.
            decide(&viewer, &located.facts, DocumentAction::Share).map_err(ShareError::from)?;
            // Whom the form named, as core's facts; a recipient this account never partnered
            // with is unknown (an id of an account or user says nothing about it).
            let (recipient, recipient_active) = match recipient {
                RecipientChoice::Account(account) => (ShareRecipient::Account(account), true),
                RecipientChoice::Person(user) => {
                    if !shares::is_member(&mut tx, viewer.account, user)
                        .await
                        .map_err(internal)?
                    {
                        return Err(SharingError::UnknownRecipient);
                    }
                    let person = users::get_user(&mut tx, user)
                        .await
                        .map_err(internal)?
                        .ok_or(SharingError::UnknownRecipient)?;
                    (
                        ShareRecipient::Person {
                            account: person.account_id,
                            user,
                        },
                        person.active,
                    )
                }
            };
            let (partners_now, ever) = partnership(&mut tx, viewer.account, recipient.account())
                .await
                .map_err(internal)?;
            if !ever && recipient.account() != viewer.account {
                return Err(SharingError::UnknownRecipient);
            }
            check_new_share(
                &viewer,
                &located.facts,
                located.item.parent_id.is_none(),
                &NewShare {
                    recipient,
                    partners_now,
                    recipient_active,
                },
            )?;
            let put = shares::put(
                &mut tx,
                &NewShareRow {
                    item_id: item,
                    account_id: located.item.account_id,
                    recipient,
                    role: share_role,
                    downloads,
                    created_by: viewer.user,
                },
                now(),
            )
            .await
            .map_err(internal)?;
            // In the audit logs of both accounts (SPEC 3.3), and for a new share one email to
            // each person it reaches now; a changed role or download switch sends none.
            let (id, created) = match put {
                shares::Put::Created(id) => (id, true),
                shares::Put::Changed(id) => (id, false),
                shares::Put::Unchanged(_) => return Ok(()),
            };
            let listed = shares::get(&mut tx, id)
                .await
                .map_err(internal)?
                .ok_or_else(|| SharingError::Internal("the share just written".into()))?;
            let with = recipient_view(&listed).label();
            let kind = if created {
                DocumentAuditKind::Shared {
                    with,
                    role: share_role,
                    downloads,
                }
            } else {
                DocumentAuditKind::ShareChanged {
                    with,
                    role: share_role,
                    downloads,
                }
            };
            record_on_both_sides(&mut tx, &located, viewer.user, recipient, kind)
                .await
                .map_err(internal)?;
            let addresses = if created {
                shares::recipient_addresses(&mut tx, recipient)
                    .await
                    .map_err(internal)?
            } else {
                Vec::new()
            };
            let with_whom = match recipient {
                ShareRecipient::Account(_) => "your organization",
                ShareRecipient::Person { .. } => "you",
            };
            let link = self.links.item(located.item.kind, item);
            for address in &addresses {
                let email = templates::item_shared(
                    address.as_str(),
                    sharer.account_name.as_str(),
                    sharer.name.as_str(),
                    located.item.name.as_str(),
                    with_whom,
                    share_role.label(),
                    &link,
                );
                outbox::enqueue(&mut tx, &email, now().0)
                    .await
                    .map_err(internal)?;
            }
            let emailed = !addresses.is_empty();
            tx.commit().await.map_err(internal)?;
            if emailed {
                self.mail_wake.notify_one();
            }
            Ok(())
        })
    }

    fn revoke(
        &self,
        viewer: CurrentUser,
        share: ShareId,
    ) -> BoxFuture<'_, Result<(), SharingError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = super::begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let listed = shares::get(&mut tx, share)
                .await
                .map_err(internal)?
                .ok_or(AccessError::NotFound)?;
            // Only the owner side knows a share exists: to anyone else it is a missing id.
            if listed.share.account_id != viewer.account {
                return Err(AccessError::NotFound.into());
            }
            let located = locate(&mut tx, listed.share.item_id, &viewer)
                .await
                .map_err(internal)?
                .ok_or(AccessError::NotFound)?;
            if role(&viewer, &located.facts) == Role::None {
                return Err(AccessError::NotFound.into());
            }
            check_revoke(&viewer, &located.facts)?;
            shares::delete(&mut tx, share).await.map_err(internal)?;
            let kind = DocumentAuditKind::Unshared {
                with: recipient_view(&listed).label(),
            };
            record_on_both_sides(&mut tx, &located, viewer.user, listed.share.recipient, kind)
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn shared_with_us(
        &self,
        viewer: CurrentUser,
        from: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<SharedPage, SharingError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let partners = partners_now(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let members: HashSet<AccountId> = shares::member_of(&self.store, viewer.user)
                .await
                .map_err(internal)?
                .into_iter()
                .collect();
            // The organizations that can have shared something with us: partners now, and
            // former partners whose contacts keep us as members.
            let known = partners.iter().chain(members.iter()).copied().collect();
            let organizations = organizations(&self.store, known, &partners)
                .await
                .map_err(internal)?;
            let list = ShareList::With {
                account: viewer.account,
                user: viewer.user,
                owner: from,
            };
            let (rows, next) = read_page(&self.store, list, after).await?;
            let standing = |owner: AccountId| Standing {
                partners_now: partners.contains(&owner),
                member: members.contains(&owner),
            };
            let entries = entries(&self.store, &viewer, rows, standing).await?;
            Ok(SharedPage {
                organizations,
                organization: from,
                entries,
                next,
            })
        })
    }

    fn stays_shared(
        &self,
        viewer: CurrentUser,
        request: PartnerRequestId,
    ) -> BoxFuture<'_, Result<StaysShared, SharingError>> {
        Box::pin(async move {
            let request = partner_requests::get(&self.store, request)
                .await
                .map_err(internal)?
                .ok_or(AccessError::NotFound)?;
            let side = request
                .side_of(viewer.account_id)
                .ok_or(AccessError::NotFound)?;
            let other = request.account_on(side.other());
            let listed = i64::from(STAYS_SHARED_LISTED);
            let ours_list = ShareList::By {
                owner: viewer.account_id,
                recipient: other,
            };
            let theirs_list = ShareList::By {
                owner: other,
                recipient: viewer.account_id,
            };
            let ours = shares::page(&self.store, ours_list, None, listed)
                .await
                .map_err(internal)?;
            let theirs = shares::page(&self.store, theirs_list, None, listed)
                .await
                .map_err(internal)?;
            let items: Vec<ItemId> = ours
                .iter()
                .chain(&theirs)
                .map(|row| row.share.item_id)
                .collect();
            let chains = documents::ancestries(&self.store, &items)
                .await
                .map_err(internal)?;
            let lines = |rows: &[ShareListed]| -> Vec<StaysSharedLine> {
                rows.iter()
                    .filter_map(|row| {
                        let item = chains.get(&row.share.item_id)?.first()?;
                        Some(StaysSharedLine {
                            name: item.name.to_string(),
                            kind: item.kind,
                            with: recipient_view(row).label(),
                            role: row.share.role,
                        })
                    })
                    .collect()
            };
            let other_name = shares::account_names(&self.store, &[other])
                .await
                .map_err(internal)?
                .into_iter()
                .next()
                .map(|(_, name)| name.to_string())
                .unwrap_or_default();
            Ok(StaysShared {
                other: other_name,
                ours: lines(&ours),
                ours_total: shares::count_between(&self.store, viewer.account_id, other)
                    .await
                    .map_err(internal)?,
                theirs: lines(&theirs),
                theirs_total: shares::count_between(&self.store, other, viewer.account_id)
                    .await
                    .map_err(internal)?,
            })
        })
    }

    fn shared_by_us(
        &self,
        viewer: CurrentUser,
        with: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<SharedPage, SharingError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let partners = partners_now(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let mut known = shares::member_accounts(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            known.extend(partners.iter().copied());
            let organizations = organizations(&self.store, known, &partners)
                .await
                .map_err(internal)?;
            let Some(with) = with.or_else(|| organizations.first().map(|org| org.id)) else {
                return Ok(SharedPage {
                    organizations,
                    organization: None,
                    entries: Vec::new(),
                    next: None,
                });
            };
            let list = ShareList::By {
                owner: viewer.account,
                recipient: with,
            };
            let (rows, next) = read_page(&self.store, list, after).await?;
            let entries = entries(&self.store, &viewer, rows, |_| Standing::default()).await?;
            Ok(SharedPage {
                organizations,
                organization: Some(with),
                entries,
                next,
            })
        })
    }

    fn daily_email(
        &self,
        viewer: CurrentUser,
    ) -> BoxFuture<'_, Result<DigestSetting, SharingError>> {
        Box::pin(async move {
            Ok(digest::setting(&self.store, viewer.user_id)
                .await
                .map_err(internal)?
                .unwrap_or_default())
        })
    }

    fn set_daily_email(
        &self,
        viewer: CurrentUser,
        setting: DigestSetting,
    ) -> BoxFuture<'_, Result<(), SharingError>> {
        Box::pin(async move {
            digest::set_setting(&self.store, viewer.user_id, setting)
                .await
                .map_err(internal)
        })
    }
}

/// Records a sharing change of `located` in the owner's audit log and in the recipient
/// account's (SPEC 3.3: "shares and revokes also in the recipient's").
pub(crate) async fn record_on_both_sides(
    tx: &mut crate::store::Tx,
    located: &super::Located,
    actor: entente_core::UserId,
    recipient: ShareRecipient,
    kind: DocumentAuditKind,
) -> Result<(), StoreError> {
    let at = now();
    let item = (
        (located.item.id, located.item.kind),
        located.item.name.clone(),
    );
    for account in [located.item.account_id, recipient.account()] {
        super::record_change(tx, account, actor, item.clone(), kind.clone(), at).await?;
    }
    Ok(())
}

/// The entries of a page of shares that `viewer` may see (core decides each from the share,
/// the item's ancestry and `standing` with its owner), with one query for every ancestry.
async fn entries(
    store: &Store,
    viewer: &DocumentViewer,
    rows: Vec<ShareListed>,
    standing: impl Fn(AccountId) -> Standing,
) -> Result<Vec<SharedEntry>, SharingError> {
    let items: Vec<ItemId> = rows.iter().map(|row| row.share.item_id).collect();
    let chains: HashMap<ItemId, Vec<ItemRecord>> = documents::ancestries(store, &items)
        .await
        .map_err(internal)?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(chain) = chains.get(&row.share.item_id) else {
            continue;
        };
        let item = &chain[0];
        let facts = ItemFacts {
            shares: vec![share_fact(&row.share)],
            standing: standing(row.share.account_id),
            ..ItemFacts::unshared(item.account_id, item.created_by, in_trash(chain))
        };
        if decide(viewer, &facts, DocumentAction::Open).is_err() {
            continue;
        }
        entries.push(SharedEntry {
            share: row.share.id,
            item: entry(item),
            owner: row.owner_name.to_string(),
            recipient: recipient_view(&row),
            role: row.share.role,
            downloads: row.share.downloads,
            since: row.share.changed_at,
            partners_now: standing(row.share.account_id).partners_now,
            revocable: check_revoke(viewer, &facts).is_ok(),
        });
    }
    Ok(entries)
}

/// Whom the share form offers: each current partner as a whole, then its active people (those
/// matching `people` when given, at most [`SHARE_FORM_PEOPLE`]), and whether more people match.
async fn share_targets(
    store: &Store,
    account: AccountId,
    partners: &HashSet<AccountId>,
    people: Option<&str>,
) -> Result<(Vec<ShareTarget>, bool), StoreError> {
    let ids: Vec<AccountId> = partners.iter().copied().collect();
    let named = shares::account_names(store, &ids).await?;
    let names: HashMap<AccountId, String> = named
        .iter()
        .map(|(id, name)| (*id, name.to_string()))
        .collect();
    let mut targets: Vec<ShareTarget> = named
        .iter()
        .map(|(id, name)| ShareTarget {
            value: RecipientChoice::Account(*id).value(),
            label: format!("{name} (whole organization)"),
            group: name.to_string(),
        })
        .collect();
    let limit = i64::from(SHARE_FORM_PEOPLE);
    let mut members = shares::active_members(store, account, people, limit + 1).await?;
    let more = members.len() > SHARE_FORM_PEOPLE as usize;
    members.truncate(SHARE_FORM_PEOPLE as usize);
    for (partner, user, name) in members {
        if let Some(organization) = names.get(&partner) {
            targets.push(ShareTarget {
                value: RecipientChoice::Person(user).value(),
                label: format!("{name} ({organization})"),
                group: organization.clone(),
            });
        }
    }
    Ok((targets, more))
}
