//! The Documents pages' server functions (SPEC 3.1): thin wrappers over
//! [`DocumentsService`](port::DocumentsService).
//!
//! Endpoints: `POST /api/documents/folder`, `/file`, `/trash` (reads) and `/create_folder`,
//! `/rename`, `/move`, `/delete`, `/restore` (changes). Each requires a signed-in user; the
//! service asks `entente_core::documents::decide` on every item, so an item the viewer may not
//! see answers exactly like one that does not exist. Uploads and downloads stream through
//! plain routes of the server (`/documents/upload`, `/documents/download`), not through these.

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::documents::{ItemKind, ItemName, Sort, human_size};
use entente_core::{ItemId, PersonName, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many items one page of a folder shows.
pub const FOLDER_PAGE_SIZE: u32 = 100;

/// A folder on the way to an item, for breadcrumbs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crumb {
    /// The folder.
    pub id: ItemId,
    /// Its name.
    pub name: ItemName,
}

/// One row of a folder's listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemEntry {
    /// The item.
    pub id: ItemId,
    /// Folder or file.
    pub kind: ItemKind,
    /// Its name.
    pub name: ItemName,
    /// When it last changed.
    pub modified: Timestamp,
    /// Files: the current version's size in bytes.
    pub size: Option<u64>,
    /// Files: the current version's sniffed type.
    pub content_type: Option<String>,
    /// Files: how many versions.
    pub versions: Option<u32>,
    /// Files: whether the current version's thumbnail is ready.
    pub thumbnail: bool,
}

impl ItemEntry {
    /// The size as people read it, or an empty text for a folder.
    pub fn size_text(&self) -> String {
        self.size.map(human_size).unwrap_or_default()
    }

    /// The page that shows the item.
    pub fn href(&self) -> String {
        match self.kind {
            ItemKind::Folder => folder_href(self.id),
            ItemKind::File => file_href(self.id),
        }
    }
}

/// The page of the folder `id`.
pub fn folder_href(id: ItemId) -> String {
    format!("/documents?folder={id}")
}

/// The page of the file `id`.
pub fn file_href(id: ItemId) -> String {
    format!("/documents/file?file={id}")
}

/// Preview image `n` of a file's version (`0`: the thumbnail; `1…`: the views, a PDF's pages).
pub fn preview_href(file: ItemId, version: u32, n: u32) -> String {
    format!("/documents/preview?file={file}&version={version}&n={n}")
}

/// Where a file version's preview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preview {
    /// Its type has none (a ZIP, a text file…).
    None,
    /// Being made after the upload.
    Pending,
    /// Made: this many views (1 for an image, one per page for a PDF, at most 20).
    Ready {
        /// How many views.
        views: u32,
    },
    /// Could not be made (a damaged or too large file); the file still downloads.
    Failed,
}

/// Where a file's version downloads from (`number` `None`: the current version).
pub fn download_href(file: ItemId, number: Option<u32>) -> String {
    match number {
        Some(number) => format!("/documents/download?file={file}&version={number}"),
        None => format!("/documents/download?file={file}"),
    }
}

/// One page of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderPage {
    /// The folder shown.
    pub folder: Crumb,
    /// The folders above it, the root first; empty for the root.
    pub crumbs: Vec<Crumb>,
    /// Its items, folders first, in `sort` order.
    pub items: Vec<ItemEntry>,
    /// The order used.
    pub sort: Sort,
    /// The token of the next page (`?after=`), or `None` on the last page.
    pub next: Option<String>,
    /// Whether the viewer may create, upload, rename, move and delete here.
    pub may_edit: bool,
    /// The owner organization, when the viewer sees the folder through a share (SPEC 3.3).
    pub shared_by: Option<String>,
}

/// One version of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionEntry {
    /// 1, 2, 3…
    pub number: u32,
    /// Bytes.
    pub size: u64,
    /// The sniffed type.
    pub content_type: String,
    /// Who uploaded it.
    pub uploaded_by: PersonName,
    /// When.
    pub uploaded_at: Timestamp,
}

/// A file's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePage {
    /// The file.
    pub file: ItemEntry,
    /// The folders above it, the root first.
    pub crumbs: Vec<Crumb>,
    /// Its versions, newest first.
    pub versions: Vec<VersionEntry>,
    /// The current version's preview.
    pub preview: Preview,
    /// Whether the viewer may upload a new version, rename, move and delete it.
    pub may_edit: bool,
    /// Whether the viewer may download it (a share can turn downloads off).
    pub may_download: bool,
    /// The owner organization, when the viewer sees the file through a share (SPEC 3.3).
    pub shared_by: Option<String>,
}

/// The "Move to…" page: the item being moved, the folder being looked at, and its subfolders
/// to go further down, one keyset page at a time, so any folder of the tree can be reached
/// without JavaScript and without reading the whole tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePage {
    /// The item to move.
    pub item: ItemEntry,
    /// The folder the item is in now.
    pub current_parent: Option<ItemId>,
    /// The folder being looked at as a destination.
    pub folder: Crumb,
    /// The folders above it, the root first.
    pub crumbs: Vec<Crumb>,
    /// Its subfolders, by name (the item itself left out).
    pub subfolders: Vec<Crumb>,
    /// The token of the next page of subfolders, or `None` on the last page.
    pub next: Option<String>,
    /// Why the item cannot go into `folder`, or `None` when "Move here" works.
    pub refusal: Option<String>,
}

/// The "Move to…" page of `item`, looking at `folder` (the item's own folder without it).
pub fn move_href(item: ItemId, folder: Option<ItemId>) -> String {
    match folder {
        Some(folder) => format!("/documents/move?item={item}&folder={folder}"),
        None => format!("/documents/move?item={item}"),
    }
}

/// One item in the trash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashEntry {
    /// The item as it was.
    pub item: ItemEntry,
    /// When it was deleted.
    pub deleted_at: Timestamp,
    /// Whole days until it is deleted for good.
    pub days_left: i64,
}

/// The account's trash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashPage {
    /// What is in it, most recently deleted first.
    pub entries: Vec<TrashEntry>,
}

/// Parses an id (an item's, a share's, an account's…) from a form or a link; a malformed one
/// is not found, like an unknown one.
#[cfg(feature = "ssr")]
pub(crate) fn parse_id<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.trim().parse().map_err(|_| AppError::NotFound)
}

/// An optional id from a form or a link: absent or empty is `None`; malformed is not found.
#[cfg(feature = "ssr")]
pub(crate) fn optional_id<T: std::str::FromStr>(
    text: Option<String>,
) -> Result<Option<T>, AppError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_id(text).map(Some),
    }
}

/// A name from a form, refused beside the `name` field.
#[cfg(feature = "ssr")]
fn item_name(text: &str) -> Result<ItemName, AppError> {
    ItemName::parse(text).map_err(|error| AppError::field("name", error))
}

/// The signed-in user, or the refusal.
#[cfg(feature = "ssr")]
pub(crate) fn viewer() -> Result<crate::api::session::CurrentUser, AppError> {
    crate::api::session::signed_in_user().ok_or(AppError::Unauthenticated)
}

/// Maps the service's refusal to what the interface shows.
#[cfg(feature = "ssr")]
fn documents_error(error: port::DocumentsError) -> AppError {
    use entente_core::documents::AccessError;

    use self::port::DocumentsError;
    match error {
        DocumentsError::Access(AccessError::NotFound) => AppError::NotFound,
        DocumentsError::Access(AccessError::NotAllowed | AccessError::NoDownloads) => {
            AppError::Forbidden
        }
        DocumentsError::Access(refused @ (AccessError::InTrash | AccessError::NotInTrash)) => {
            AppError::Conflict(refused.to_string())
        }
        DocumentsError::Move(refused) => AppError::Invalid(refused.to_string()),
        DocumentsError::NameTaken => AppError::field_conflict("name", DocumentsError::NameTaken),
        DocumentsError::InvalidPageLink => AppError::Invalid(error.to_string()),
        DocumentsError::Internal(cause) => AppError::internal(cause),
    }
}

/// One page of a folder: the root when `folder` is empty; `sort` (`name`, `modified`, `size`)
/// and `order` (`asc`, `desc`) as in the page's address; `after` the previous page's end.
#[server(endpoint = "documents/folder")]
pub async fn open_folder(
    folder: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    after: Option<String>,
) -> Result<FolderPage, AppError> {
    let viewer = viewer()?;
    let folder = optional_id(folder)?;
    let sort = Sort::from_query(sort.as_deref(), order.as_deref());
    let after = after.filter(|token| !token.trim().is_empty());
    crate::api::services::services()?
        .documents
        .folder(viewer, folder, sort, after)
        .await
        .map_err(documents_error)
}

/// A file's page.
#[server(endpoint = "documents/file")]
pub async fn open_file(file: String) -> Result<FilePage, AppError> {
    let viewer = viewer()?;
    let file = parse_id(&file)?;
    crate::api::services::services()?
        .documents
        .file(viewer, file)
        .await
        .map_err(documents_error)
}

/// Creates a folder named `name` in `parent`.
#[server(endpoint = "documents/create_folder")]
pub async fn create_folder(parent: String, name: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let parent = parse_id(&parent)?;
    let name = item_name(&name)?;
    crate::api::services::services()?
        .documents
        .create_folder(viewer, parent, name)
        .await
        .map(|_| ())
        .map_err(documents_error)
}

/// Renames a folder or file.
#[server(endpoint = "documents/rename")]
pub async fn rename_item(item: String, name: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let name = item_name(&name)?;
    crate::api::services::services()?
        .documents
        .rename(viewer, item, name)
        .await
        .map_err(documents_error)
}

/// The "Move to…" page: `item`, looking at `folder` (the item's own folder when empty), its
/// subfolders from `after` on.
#[server(endpoint = "documents/move_destination")]
pub async fn open_move(
    item: String,
    folder: Option<String>,
    after: Option<String>,
) -> Result<MovePage, AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let folder = optional_id(folder)?;
    let after = after.filter(|token| !token.trim().is_empty());
    crate::api::services::services()?
        .documents
        .move_destination(viewer, item, folder, after)
        .await
        .map_err(documents_error)
}

/// Moves a folder or file into the folder `target`. With `open` set (the "Move to…" page),
/// the browser then opens `target`; otherwise it stays where the form was.
#[server(endpoint = "documents/move")]
pub async fn move_item(item: String, target: String, open: Option<String>) -> Result<(), AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let target = parse_id(&target)?;
    crate::api::services::services()?
        .documents
        .move_item(viewer, item, target)
        .await
        .map_err(documents_error)?;
    if open.is_some() {
        leptos_axum::redirect(&folder_href(target));
    }
    Ok(())
}

/// Moves a folder or file to the trash; without JavaScript the browser goes back to the
/// folder it was in.
#[server(endpoint = "documents/delete")]
pub async fn delete_item(item: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    let folder = crate::api::services::services()?
        .documents
        .delete(viewer, item)
        .await
        .map_err(documents_error)?;
    leptos_axum::redirect(&folder_href(folder));
    Ok(())
}

/// The account's trash.
#[server(endpoint = "documents/trash")]
pub async fn open_trash() -> Result<TrashPage, AppError> {
    let viewer = viewer()?;
    crate::api::services::services()?
        .documents
        .trash(viewer)
        .await
        .map_err(documents_error)
}

/// Brings an item back from the trash.
#[server(endpoint = "documents/restore")]
pub async fn restore_item(item: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let item = parse_id(&item)?;
    crate::api::services::services()?
        .documents
        .restore(viewer, item)
        .await
        .map_err(documents_error)
}
