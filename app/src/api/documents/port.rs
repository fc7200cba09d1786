//! The port the Documents pages ask the server through (SPEC 3.1).

use entente_core::ItemId;
use entente_core::documents::{AccessError, ItemName, MoveError, Sort};

use crate::api::documents::{FilePage, FolderPage, MovePage, TrashPage};
use crate::api::services::BoxFuture;
use crate::api::session::CurrentUser;

/// Why a Documents operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum DocumentsError {
    /// Core's access decision refused it (a missing or unseen item is `NotFound`).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Core refused the move.
    #[error(transparent)]
    Move(#[from] MoveError),
    /// A live item of the folder already has this name.
    #[error("An item in this folder already has this name.")]
    NameTaken,
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// The Documents pages (SPEC 3.1), as the server implements them. Every call takes the
/// signed-in `viewer`; the service reads the facts and asks `entente_core::documents::decide`.
pub trait DocumentsService: Send + Sync + 'static {
    /// One page of a folder (the account's root when `folder` is `None`), in `sort` order.
    fn folder(
        &self,
        viewer: CurrentUser,
        folder: Option<ItemId>,
        sort: Sort,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<FolderPage, DocumentsError>>;

    /// A file's page: where it is, its facts and its versions.
    fn file(
        &self,
        viewer: CurrentUser,
        file: ItemId,
    ) -> BoxFuture<'_, Result<FilePage, DocumentsError>>;

    /// Creates a folder in `parent`; returns its id.
    fn create_folder(
        &self,
        viewer: CurrentUser,
        parent: ItemId,
        name: ItemName,
    ) -> BoxFuture<'_, Result<ItemId, DocumentsError>>;

    /// Renames a folder or file.
    fn rename(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        name: ItemName,
    ) -> BoxFuture<'_, Result<(), DocumentsError>>;

    /// The "Move to…" page: `item`, looking at `folder` (the item's own folder when `None`),
    /// one page of its subfolders.
    fn move_destination(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        folder: Option<ItemId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<MovePage, DocumentsError>>;

    /// Moves a folder or file into `target`.
    fn move_item(
        &self,
        viewer: CurrentUser,
        item: ItemId,
        target: ItemId,
    ) -> BoxFuture<'_, Result<(), DocumentsError>>;

    /// Moves a folder or file to the trash; returns the folder it was in.
    fn delete(
        &self,
        viewer: CurrentUser,
        item: ItemId,
    ) -> BoxFuture<'_, Result<ItemId, DocumentsError>>;

    /// The account's trash.
    fn trash(&self, viewer: CurrentUser) -> BoxFuture<'_, Result<TrashPage, DocumentsError>>;

    /// Brings an item back from the trash (into its folder, or the root if that folder is
    /// gone or in the trash itself; under a free name if its own is taken meanwhile).
    fn restore(
        &self,
        viewer: CurrentUser,
        item: ItemId,
    ) -> BoxFuture<'_, Result<(), DocumentsError>>;
}
