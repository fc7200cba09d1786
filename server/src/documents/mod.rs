//! The Documents pages' port ([`DocumentsService`]) over `store::documents` (SPEC 3.1).
//!
//! Every call reads the item's ancestry (one query), turns it into core's facts and asks
//! `entente_core::documents::decide`; an item the viewer may not see is `NotFound`, exactly
//! like an id that does not exist. Changes to an account's tree run in one write transaction
//! serialized per account (`Tx::serialize_on`), so two moves at once cannot make a cycle that
//! neither would make alone.

pub mod digest;
pub mod http;
pub mod purge;
pub mod sharing;

use entente_app::api::documents::port::{DocumentsError, DocumentsService};
use entente_app::api::documents::{
    Crumb, FOLDER_PAGE_SIZE, FilePage, FolderPage, ItemEntry, MovePage, Preview, TrashEntry,
    TrashPage, VersionEntry,
};
use entente_app::api::services::BoxFuture;
use entente_app::api::session::CurrentUser;
use entente_core::documents::access::reaches;
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::{
    AccessError, DocumentAction, DocumentViewer, FolderPlace, ItemFacts, ItemKind, ItemName,
    MoveError, Role, ShareFact, Sort, Standing, check_folder_move, check_not_root, decide,
    free_name, role, trash::days_until_purge,
};
use entente_core::partnership::PartnerRequest;
use entente_core::{AccountId, ItemId, Timestamp};

use crate::store::audit::{self, AuditEvent, NewEntry};
use crate::store::documents::{self, ItemRecord, ListingCursor, NewItem};
use crate::store::partner_requests;
use crate::store::previews::{self, PreviewState};
use crate::store::shares::{self, ShareRecord};
use crate::store::{Conflict, Db, Store, StoreError, Tx, now};

/// How many items of the trash one page shows.
const TRASH_PAGE_SIZE: i64 = 200;

/// The Documents service: every call goes to the shared store.
pub struct StoreDocuments {
    store: Store,
}

impl StoreDocuments {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

/// A failure on our side.
fn internal(error: StoreError) -> DocumentsError {
    DocumentsError::Internal(error.into())
}

/// A write refused by the sibling-name index is the person's to fix; anything else is ours.
fn name_taken_or_internal(error: StoreError) -> DocumentsError {
    match error.conflict() {
        Some(Conflict::NameTaken) => DocumentsError::NameTaken,
        _ => internal(error),
    }
}

/// The viewer as core's access decision takes it (the session check let only active users in).
pub fn document_viewer(viewer: &CurrentUser) -> DocumentViewer {
    DocumentViewer {
        account: viewer.account_id,
        user: viewer.user_id,
        profile: viewer.profile,
        active: true,
    }
}

/// An item and the folders above it, with core's facts about it.
pub struct Located {
    /// The item.
    pub item: ItemRecord,
    /// The folders above it, its parent first and the root last.
    pub above: Vec<ItemRecord>,
    /// What core's access decision needs.
    pub facts: ItemFacts,
}

impl Located {
    /// The breadcrumbs to the item: the root first, its parent last.
    fn crumbs(&self) -> Vec<Crumb> {
        self.above.iter().rev().map(crumb).collect()
    }

    /// The breadcrumbs `viewer` may follow: all of them on the owner side; for a recipient,
    /// from the highest folder a share that reaches them is on (what is above it does not
    /// exist for them).
    fn crumbs_for(&self, viewer: &DocumentViewer) -> Vec<Crumb> {
        if role(viewer, &self.facts) == Role::OwnerSide {
            return self.crumbs();
        }
        let reaching: Vec<ItemId> = self
            .facts
            .shares
            .iter()
            .filter(|share| reaches(share, viewer, self.facts.standing))
            .map(|share| share.on)
            .collect();
        let top = self
            .above
            .iter()
            .rposition(|folder| reaching.contains(&folder.id));
        match top {
            Some(top) => self.above[..=top].iter().rev().map(crumb).collect(),
            None => Vec::new(),
        }
    }

    /// The owner organization's name when `viewer` sees the item through a share.
    async fn shared_by(
        &self,
        store: &Store,
        viewer: &DocumentViewer,
    ) -> Result<Option<String>, StoreError> {
        if role(viewer, &self.facts) == Role::OwnerSide {
            return Ok(None);
        }
        account_name(store, self.item.account_id).await.map(Some)
    }
}

/// The name of the account `id` (empty for an account that does not exist).
pub async fn account_name(db: impl Into<Db<'_>>, id: AccountId) -> Result<String, StoreError> {
    let names = shares::account_names(db, &[id]).await?;
    Ok(names
        .into_iter()
        .next()
        .map(|(_, name)| name.to_string())
        .unwrap_or_default())
}

/// What a version's preview state means for the pages.
pub fn preview(state: Option<PreviewState>) -> Preview {
    match state {
        None => Preview::None,
        Some(PreviewState::Pending) => Preview::Pending,
        Some(PreviewState::Failed) => Preview::Failed,
        Some(PreviewState::Ready { pages }) => Preview::Ready { views: pages },
    }
}

pub(crate) fn crumb(item: &ItemRecord) -> Crumb {
    Crumb {
        id: item.id,
        name: item.name.clone(),
    }
}

/// Reads `id` and its ancestry, and what `viewer`'s access to it depends on; `None` when there
/// is no such item. The owner account's own people need the ancestry only (one query); anyone
/// else also the shares on it (one query for the whole ancestry) and, when there are any,
/// their standing with the owner (two).
pub async fn locate(
    db: impl Into<Db<'_>>,
    id: ItemId,
    viewer: &DocumentViewer,
) -> Result<Option<Located>, StoreError> {
    let mut db = db.into();
    let mut chain = documents::ancestry(db.reborrow(), id).await?;
    if chain.is_empty() {
        return Ok(None);
    }
    let item = chain.remove(0);
    let in_trash =
        item.deleted_at.is_some() || chain.iter().any(|above| above.deleted_at.is_some());
    let mut facts = ItemFacts::unshared(item.account_id, item.created_by, in_trash);
    if viewer.account != item.account_id {
        let ids: Vec<ItemId> = std::iter::once(item.id)
            .chain(chain.iter().map(|above| above.id))
            .collect();
        facts.shares = shares::on_items(db.reborrow(), &ids)
            .await?
            .iter()
            .map(|listed| share_fact(&listed.share))
            .collect();
        if !facts.shares.is_empty() {
            facts.standing = standing(db, item.account_id, viewer).await?;
        }
    }
    Ok(Some(Located {
        item,
        above: chain,
        facts,
    }))
}

/// A stored share as core's access decision takes it.
pub fn share_fact(share: &ShareRecord) -> ShareFact {
    ShareFact {
        id: share.id,
        on: share.item_id,
        recipient: share.recipient,
        role: share.role,
        downloads: share.downloads,
    }
}

/// `viewer`'s standing with the account `owner`: partners now (core reads the requests between
/// them), and a member in its contacts.
pub async fn standing(
    db: impl Into<Db<'_>>,
    owner: AccountId,
    viewer: &DocumentViewer,
) -> Result<Standing, StoreError> {
    let mut db = db.into();
    let requests = partner_requests::between(db.reborrow(), owner, viewer.account).await?;
    Ok(Standing {
        partners_now: requests.iter().any(PartnerRequest::is_partnership),
        member: shares::is_member(db, owner, viewer.user).await?,
    })
}

/// Reads `id` and checks that `viewer` may do `action` with it (and that it is of `kind`, when
/// given): a missing item, one of another kind and one the viewer may not see all answer
/// [`AccessError::NotFound`].
pub async fn locate_for(
    db: impl Into<Db<'_>>,
    viewer: &DocumentViewer,
    id: ItemId,
    kind: Option<ItemKind>,
    action: DocumentAction,
) -> Result<Located, DocumentsError> {
    let located = locate(db, id, viewer)
        .await
        .map_err(internal)?
        .ok_or(AccessError::NotFound)?;
    // Whether it may be seen comes first, so a wrong kind tells nothing either.
    decide(viewer, &located.facts, DocumentAction::Open)?;
    if kind.is_some_and(|kind| kind != located.item.kind) {
        return Err(AccessError::NotFound.into());
    }
    decide(viewer, &located.facts, action)?;
    Ok(located)
}

/// A listing row.
pub fn entry(item: &ItemRecord) -> ItemEntry {
    ItemEntry {
        id: item.id,
        kind: item.kind,
        name: item.name.clone(),
        modified: item.updated_at,
        size: item.file.as_ref().map(|file| file.size),
        content_type: item.file.as_ref().map(|file| file.content_type.clone()),
        versions: item.file.as_ref().map(|file| file.version_count),
        thumbnail: false,
    }
}

/// The account's root, made on first use by someone who may work with documents.
async fn root_for(store: &Store, viewer: &DocumentViewer) -> Result<ItemId, DocumentsError> {
    let facts = ItemFacts::unshared(viewer.account, viewer.user, false);
    if role(viewer, &facts) == Role::None {
        return Err(AccessError::NotFound.into());
    }
    if let Some(root) = documents::root_of(store, viewer.account)
        .await
        .map_err(internal)?
    {
        return Ok(root);
    }
    let mut tx = store.begin_write().await.map_err(internal)?;
    let root = documents::ensure_root(&mut tx, viewer.account, viewer.user, now())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(root)
}

/// Begins a write transaction that changes `account`'s tree, after any other such one.
pub async fn begin_tree_change(store: &Store, account: AccountId) -> Result<Tx, StoreError> {
    let mut tx = store.begin_write().await?;
    tx.serialize_on(&format!("documents:{account}")).await?;
    Ok(tx)
}

/// A free name in `folder` for `wanted` (uploads and restores never fail on a taken name).
pub async fn free_name_in(
    tx: &mut Tx,
    folder: ItemId,
    wanted: &ItemName,
) -> Result<ItemName, StoreError> {
    let stem_key = wanted
        .sibling_key()
        .rsplit_once('.')
        .map_or_else(|| wanted.sibling_key(), |(stem, _)| stem.to_owned());
    let taken = documents::sibling_keys_like(&mut *tx, folder, &stem_key).await?;
    Ok(free_name(wanted, |key| {
        taken.iter().any(|used| used == key)
    }))
}

/// One page of `folder`'s items in `sort` order from the page token `after`, and the next
/// page's token when there is more.
async fn children_page(
    store: &Store,
    folder: ItemId,
    sort: Sort,
    after: Option<String>,
) -> Result<(Vec<documents::Listed>, Option<String>), DocumentsError> {
    let after = match after.as_deref() {
        Some(token) => {
            Some(ListingCursor::from_token(token).ok_or(DocumentsError::InvalidPageLink)?)
        }
        None => None,
    };
    let limit = i64::from(FOLDER_PAGE_SIZE);
    let mut items = documents::list_children(store, folder, sort, after.as_ref(), limit + 1)
        .await
        .map_err(internal)?;
    let next = (items.len() > FOLDER_PAGE_SIZE as usize).then(|| {
        items.truncate(FOLDER_PAGE_SIZE as usize);
        documents::cursor_of(&items.last().expect("a full page").item, sort).to_token()
    });
    Ok((items, next))
}

/// Why `moved` cannot go into `into`, in words, or `None` when it can (the same checks as
/// [`DocumentsService::move_item`], asked before the person presses "Move here").
fn move_refusal(viewer: &DocumentViewer, moved: &Located, into: &Located) -> Option<String> {
    if let Err(refused) = decide(viewer, &into.facts, DocumentAction::CreateIn) {
        return Some(refused.to_string());
    }
    if moved.item.kind == ItemKind::Folder {
        let target_ancestry: Vec<ItemId> = std::iter::once(into.item.id)
            .chain(into.above.iter().map(|folder| folder.id))
            .collect();
        if let Err(refused) = check_folder_move(place(&moved.item), &target_ancestry) {
            return Some(refused.to_string());
        }
    }
    (moved.item.parent_id == Some(into.item.id))
        .then(|| format!("{} is already in this folder.", moved.item.name))
}

impl DocumentsService for StoreDocuments {
    fn folder(
        &self,
        viewer: CurrentUser,
        folder: Option<ItemId>,
        sort: Sort,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<FolderPage, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let folder = match folder {
                Some(folder) => folder,
                None => root_for(&self.store, &viewer).await?,
            };
            let located = locate_for(
                &self.store,
                &viewer,
                folder,
                Some(ItemKind::Folder),
                DocumentAction::Open,
            )
            .await?;
            let (items, next) = children_page(&self.store, folder, sort, after).await?;
            Ok(FolderPage {
                shared_by: located
                    .shared_by(&self.store, &viewer)
                    .await
                    .map_err(internal)?,
                folder: crumb(&located.item),
                crumbs: located.crumbs_for(&viewer),
                items: items
                    .iter()
                    .map(|listed| ItemEntry {
                        thumbnail: listed.thumbnail,
                        ..entry(&listed.item)
                    })
                    .collect(),
                sort,
                next,
                may_edit: decide(&viewer, &located.facts, DocumentAction::CreateIn).is_ok(),
            })
        })
    }

    fn file(
        &self,
        viewer: CurrentUser,
        file: ItemId,
    ) -> BoxFuture<'_, Result<FilePage, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let located = locate_for(
                &self.store,
                &viewer,
                file,
                Some(ItemKind::File),
                DocumentAction::Open,
            )
            .await?;
            let versions = documents::versions(&self.store, file)
                .await
                .map_err(internal)?;
            let preview = match versions.first() {
                Some((current, _)) => preview(
                    previews::state_of(&self.store, current.id)
                        .await
                        .map_err(internal)?,
                ),
                None => Preview::None,
            };
            let versions = versions
                .into_iter()
                .map(|(version, uploaded_by)| VersionEntry {
                    number: version.number,
                    size: version.size,
                    content_type: version.content_type,
                    uploaded_by,
                    uploaded_at: version.created_at,
                })
                .collect();
            Ok(FilePage {
                shared_by: located
                    .shared_by(&self.store, &viewer)
                    .await
                    .map_err(internal)?,
                may_download: decide(&viewer, &located.facts, DocumentAction::Download).is_ok(),
                file: entry(&located.item),
                crumbs: located.crumbs_for(&viewer),
                versions,
                preview,
                may_edit: decide(&viewer, &located.facts, DocumentAction::UploadVersion).is_ok(),
            })
        })
    }

    fn create_folder(
        &self,
        viewer: CurrentUser,
        parent: ItemId,
        name: ItemName,
    ) -> BoxFuture<'_, Result<ItemId, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let parent_folder = locate_for(
                &mut tx,
                &viewer,
                parent,
                Some(ItemKind::Folder),
                DocumentAction::CreateIn,
            )
            .await?;
            let id = ItemId::from_uuid(uuid::Uuid::new_v4());
            let folder = NewItem {
                id,
                account_id: viewer.account,
                parent_id: parent,
                name: &name,
                created_by: viewer.user,
                file: None,
            };
            documents::insert(&mut tx, &folder, now())
                .await
                .map_err(name_taken_or_internal)?;
            record_change(
                &mut tx,
                parent_folder.item.account_id,
                viewer.user,
                ((id, ItemKind::Folder), name),
                DocumentAuditKind::FolderCreated {
                    parent: parent_folder.item.name,
                },
                now(),
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(id)
        })
    }

    fn rename(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        name: ItemName,
    ) -> BoxFuture<'_, Result<(), DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let located = locate_for(&mut tx, &viewer, item, None, DocumentAction::Rename).await?;
            check_not_root(place(&located.item))?;
            if located.item.name == name {
                return Ok(());
            }
            documents::rename(&mut tx, item, &name, now())
                .await
                .map_err(name_taken_or_internal)?;
            record_change(
                &mut tx,
                located.item.account_id,
                viewer.user,
                ((item, located.item.kind), name),
                DocumentAuditKind::Renamed {
                    from: located.item.name,
                },
                now(),
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn move_destination(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        folder: Option<ItemId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<MovePage, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let moved = locate_for(&self.store, &viewer, item, None, DocumentAction::Move).await?;
            let folder = match folder.or(moved.item.parent_id) {
                Some(folder) => folder,
                None => root_for(&self.store, &viewer).await?,
            };
            let into = locate_for(
                &self.store,
                &viewer,
                folder,
                Some(ItemKind::Folder),
                DocumentAction::Open,
            )
            .await?;
            let (items, next) = children_page(&self.store, folder, Sort::default(), after).await?;
            // Folders come first in every order: the page's folders are its first rows, and
            // a page that reaches the files is the last page of subfolders.
            let all_folders = items
                .iter()
                .all(|listed| listed.item.kind == ItemKind::Folder);
            let subfolders = items
                .iter()
                .take_while(|listed| listed.item.kind == ItemKind::Folder)
                .filter(|listed| listed.item.id != item)
                .map(|listed| crumb(&listed.item))
                .collect();
            Ok(MovePage {
                refusal: move_refusal(&viewer, &moved, &into),
                item: entry(&moved.item),
                current_parent: moved.item.parent_id,
                folder: crumb(&into.item),
                crumbs: into.crumbs(),
                subfolders,
                next: next.filter(|_| all_folders),
            })
        })
    }

    fn move_item(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        target: ItemId,
    ) -> BoxFuture<'_, Result<(), DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let moved = locate_for(&mut tx, &viewer, item, None, DocumentAction::Move).await?;
            let into = locate_for(
                &mut tx,
                &viewer,
                target,
                Some(ItemKind::Folder),
                DocumentAction::CreateIn,
            )
            .await?;
            let target_ancestry: Vec<ItemId> = std::iter::once(into.item.id)
                .chain(into.above.iter().map(|folder| folder.id))
                .collect();
            match moved.item.kind {
                ItemKind::Folder => check_folder_move(place(&moved.item), &target_ancestry)?,
                ItemKind::File => {}
            }
            if moved.item.parent_id == Some(target) {
                return Ok(());
            }
            documents::move_to(&mut tx, item, target, now())
                .await
                .map_err(name_taken_or_internal)?;
            record_change(
                &mut tx,
                moved.item.account_id,
                viewer.user,
                ((item, moved.item.kind), moved.item.name),
                DocumentAuditKind::Moved { to: into.item.name },
                now(),
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn delete(
        &self,
        viewer: CurrentUser,
        item: ItemId,
    ) -> BoxFuture<'_, Result<ItemId, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let located = locate_for(&mut tx, &viewer, item, None, DocumentAction::Delete).await?;
            check_not_root(place(&located.item))?;
            let parent = located.item.parent_id.ok_or(MoveError::Root)?;
            documents::trash(&mut tx, item, viewer.user, now())
                .await
                .map_err(internal)?;
            record_change(
                &mut tx,
                located.item.account_id,
                viewer.user,
                ((item, located.item.kind), located.item.name),
                DocumentAuditKind::Trashed,
                now(),
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(parent)
        })
    }

    fn trash(&self, viewer: CurrentUser) -> BoxFuture<'_, Result<TrashPage, DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            root_for(&self.store, &viewer).await?;
            let now = now();
            let items = documents::list_trash(&self.store, viewer.account, TRASH_PAGE_SIZE)
                .await
                .map_err(internal)?;
            let entries = items
                .iter()
                .map(|item| {
                    let deleted_at = item.deleted_at.unwrap_or(Timestamp(now.0));
                    TrashEntry {
                        item: entry(item),
                        deleted_at,
                        days_left: days_until_purge(deleted_at, now),
                    }
                })
                .collect();
            Ok(TrashPage { entries })
        })
    }

    fn restore(
        &self,
        viewer: CurrentUser,
        item: ItemId,
    ) -> BoxFuture<'_, Result<(), DocumentsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let located = locate_for(&mut tx, &viewer, item, None, DocumentAction::Restore).await?;
            // Only what was deleted itself comes back; what is inside a deleted folder comes
            // back with it.
            if located.item.deleted_at.is_none() {
                return Err(AccessError::NotInTrash.into());
            }
            // Back into its folder, unless that folder is in the trash (or is gone): then
            // into the root.
            let parent_is_live = located
                .above
                .iter()
                .all(|folder| folder.deleted_at.is_none());
            let root = located.above.last().map(|root| root.id);
            let parent = match (located.item.parent_id, parent_is_live, root) {
                (Some(parent), true, _) => parent,
                (_, _, Some(root)) => root,
                (_, _, None) => return Err(MoveError::Root.into()),
            };
            let name = free_name_in(&mut tx, parent, &located.item.name)
                .await
                .map_err(internal)?;
            documents::restore(&mut tx, item, parent, &name, now())
                .await
                .map_err(name_taken_or_internal)?;
            let was = (name != located.item.name).then_some(located.item.name);
            record_change(
                &mut tx,
                located.item.account_id,
                viewer.user,
                ((item, located.item.kind), name),
                DocumentAuditKind::Restored { was },
                now(),
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }
}

/// Records a document change in `account`'s audit log, in the change's own transaction: by
/// `actor`, on the item (id and kind) under `name`, as `change` says.
pub async fn record_change(
    tx: &mut Tx,
    account: AccountId,
    actor: entente_core::UserId,
    ((item, item_kind), name): ((ItemId, ItemKind), ItemName),
    change: DocumentAuditKind,
    at: Timestamp,
) -> Result<(), StoreError> {
    let entry = NewEntry {
        account_id: account,
        actor_user_id: Some(actor),
        event: AuditEvent::Document {
            item,
            item_kind,
            name,
            kind: change,
        },
        created_at: at,
    };
    audit::record(tx, &entry).await.map(|_| ())
}

/// Where an item sits, as core's move rules take it.
fn place(item: &ItemRecord) -> FolderPlace {
    FolderPlace {
        id: item.id,
        parent: item.parent_id,
    }
}
