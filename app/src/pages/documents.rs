//! The Documents pages (SPEC 3.1): a folder (`/documents?folder=…`, the account's root without
//! it), a file with its versions (`/documents/file?file=…`), "Move to…"
//! (`/documents/move?item=…&folder=…`) and the trash (`/documents/trash`).
//!
//! Everything works without JavaScript: sorting and paging are links, every change is a form
//! post that comes back to the page, uploads are a plain multipart form. With JavaScript the
//! lists refresh in place after each change.

use entente_core::ItemId;
use entente_core::documents::{ItemKind, Sort, SortKey, human_size};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::documents::{
    CreateFolder, Crumb, DeleteItem, FilePage, FolderPage, ItemEntry, MoveItem, MovePage, Preview,
    RenameItem, RestoreItem, TrashEntry, download_href, file_href, folder_href, move_href,
    open_file, open_folder, open_move, open_trash, preview_href,
};
use crate::components::error_view::ErrorList;
use crate::components::form::{FormError, last_error};
use crate::components::format::format_unix_utc;
use crate::components::pager::{Pager, page_href};
use crate::components::upload::{UploadForm, Uploads};
use crate::error::AppError;
use crate::pages::proofs::SendForReviewSection;
use crate::pages::sharing::SharingSection;

/// The actions every Documents page shares, so any change refreshes what is shown.
#[derive(Clone, Copy)]
struct Changes {
    create: ServerAction<CreateFolder>,
    rename: ServerAction<RenameItem>,
    moved: ServerAction<MoveItem>,
    delete: ServerAction<DeleteItem>,
    restore: ServerAction<RestoreItem>,
    /// The uploads of this page (with JavaScript) and how many files they stored.
    uploads: Uploads,
}

impl Changes {
    fn new() -> Self {
        Self {
            create: ServerAction::new(),
            rename: ServerAction::new(),
            moved: ServerAction::new(),
            delete: ServerAction::new(),
            restore: ServerAction::new(),
            uploads: Uploads::new(),
        }
    }

    /// Changes whenever any action finished, for resources to follow.
    fn version(self) -> (usize, usize, usize, usize, usize, usize) {
        (
            self.create.version().get(),
            self.rename.version().get(),
            self.moved.version().get(),
            self.delete.version().get(),
            self.restore.version().get(),
            self.uploads.stored.get(),
        )
    }
}

/// The address of a folder's page in an order, from a page token.
fn folder_page_href(folder: &str, sort: Sort, after: Option<&str>) -> String {
    let (key, order) = sort.query_values();
    let sort_value = (sort != Sort::default()).then_some(key);
    let order_value = (sort != Sort::default()).then_some(order);
    page_href(
        "/documents",
        &[
            ("folder", Some(folder)),
            ("sort", sort_value),
            ("order", order_value),
            ("after", after),
        ],
    )
}

/// A folder: breadcrumbs, its items with sorting and pages, and the forms to change it.
#[component]
pub fn DocumentsPage() -> impl IntoView {
    let query = use_query_map();
    let folder = Memo::new(move |_| query.read().get("folder"));
    let sort = Memo::new(move |_| {
        let query = query.read();
        Sort::from_query(query.get("sort").as_deref(), query.get("order").as_deref())
    });
    let after = Memo::new(move |_| query.read().get("after"));
    let changes = Changes::new();
    // A partner's folder shared with us changes under its owner's hands: live.shared() moves.
    let live = crate::live::use_live();
    let page = Resource::new(
        move || {
            (
                folder.get(),
                sort.get(),
                after.get(),
                changes.version(),
                live.shared(),
            )
        },
        |(folder, sort, after, _, _)| {
            let (key, order) = sort.query_values();
            open_folder(folder, Some(key.to_owned()), Some(order.to_owned()), after)
        },
    );
    view! {
        <Title text="Documents" />
        <section class="card" aria-labelledby="documents-heading">
            <Transition fallback=|| view! { <p>"Loading documents…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <FolderView page changes /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The breadcrumbs from the root to the current item; for an item seen through a share, from
/// "Shared with us" and the highest folder shared with the viewer.
#[component]
fn Breadcrumbs(crumbs: Vec<Crumb>, current: String, shared: bool) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Folders above">
            <ol>
                {shared
                    .then(|| {
                        view! {
                            <li>
                                <A href="/shared-with-us">"Shared with us"</A>
                            </li>
                        }
                    })}
                {crumbs
                    .into_iter()
                    .map(|crumb| {
                        view! {
                            <li>
                                <A href=folder_href(crumb.id)>{crumb.name.to_string()}</A>
                            </li>
                        }
                    })
                    .collect_view()}
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}

#[component]
fn FolderView(page: FolderPage, changes: Changes) -> impl IntoView {
    let folder_id = page.folder.id.to_string();
    let sort = page.sort;
    let first_page = None::<String>;
    let next_page = page
        .next
        .as_deref()
        .map(|token| folder_page_href(&folder_id, sort, Some(token)));
    let subfolders: Vec<Crumb> = page
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Folder)
        .map(|item| Crumb {
            id: item.id,
            name: item.name.clone(),
        })
        .collect();
    let parent = page.crumbs.last().cloned();
    let create_error = last_error(changes.create);
    let change_error = Signal::derive(move || {
        last_error(changes.rename)
            .get()
            .or_else(|| last_error(changes.moved).get())
            .or_else(|| last_error(changes.delete).get())
    });
    let heading = page.folder.name.to_string();
    let empty = page.items.is_empty();
    let shared = page.shared_by.is_some();
    let folder_item = page.folder.id;
    view! {
        <Breadcrumbs crumbs=page.crumbs.clone() current=heading.clone() shared />
        <h1 id="documents-heading">{heading}</h1>
        <SharedBanner owner=page.shared_by.clone() />
        {(!shared)
            .then(|| {
                view! {
                    <p class="muted">
                        <A href="/documents/trash">"Trash"</A>
                    </p>
                }
            })}
        <FormError error=change_error />
        {page
            .may_edit
            .then(|| {
                let folder_id = folder_id.clone();
                view! {
                    <UploadForm
                        field="folder"
                        target=folder_id
                        label="Upload files"
                        button="Upload"
                        multiple=true
                        uploads=changes.uploads
                    />
                }
            })}
        {if empty {
            view! { <p data-test="folder-empty">"This folder is empty."</p> }.into_any()
        } else {
            view! {
                <table class="documents-table" data-test="documents-table">
                    <thead>
                        <tr>
                            <th scope="col">
                                <SortLink folder=folder_id.clone() sort key=SortKey::Name label="Name" />
                            </th>
                            <th scope="col">
                                <SortLink
                                    folder=folder_id.clone()
                                    sort
                                    key=SortKey::Modified
                                    label="Modified"
                                />
                            </th>
                            <th scope="col">
                                <SortLink folder=folder_id.clone() sort key=SortKey::Size label="Size" />
                            </th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {page
                            .items
                            .into_iter()
                            .map(|item| {
                                let targets = move_targets(&item, &subfolders, parent.as_ref());
                                view! { <ItemRow item may_edit=page.may_edit targets changes /> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
        <Pager label="Folder pages" first_page next_page />
        {page
            .may_edit
            .then(|| {
                view! {
                    <h2>"New folder"</h2>
                    <ActionForm action=changes.create attr:class="inline-form">
                        <input type="hidden" name="parent" value=folder_id.clone() />
                        <label for="new-folder-name">"Name"</label>
                        <input id="new-folder-name" name="name" required maxlength="200" />
                        <button type="submit" class="button">
                            "Create folder"
                        </button>
                    </ActionForm>
                    <FormError error=create_error />
                    {move || {
                        create_error
                            .get()
                            .and_then(|error| error.message_for("name"))
                            .map(|message| {
                                view! {
                                    <p class="field-error" role="alert">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                }
            })}
        {(!shared).then(|| view! { <SharingSection item=folder_item /> })}
    }
}

/// Says whose item this is when the viewer sees it through a share.
#[component]
fn SharedBanner(owner: Option<String>) -> impl IntoView {
    owner.map(|owner| {
        view! {
            <p class="shared-banner" data-test="shared-banner">
                {format!("Shared with you by {owner}")}
            </p>
        }
    })
}

/// Where an item can be moved from here without JavaScript: into a folder beside it, or up
/// into the folder above.
fn move_targets(
    item: &ItemEntry,
    subfolders: &[Crumb],
    parent: Option<&Crumb>,
) -> Vec<(String, String)> {
    let mut targets: Vec<(String, String)> = parent
        .map(|parent| (parent.id.to_string(), format!("↑ {}", parent.name)))
        .into_iter()
        .collect();
    targets.extend(
        subfolders
            .iter()
            .filter(|folder| folder.id != item.id)
            .map(|folder| (folder.id.to_string(), folder.name.to_string())),
    );
    targets
}

/// A column heading that orders by its key, turning the order around when it already does.
#[component]
fn SortLink(folder: String, sort: Sort, key: SortKey, label: &'static str) -> impl IntoView {
    let active = sort.key == key;
    let next = Sort {
        key,
        descending: active && !sort.descending,
    };
    let marker = match (active, sort.descending) {
        (false, _) => "",
        (true, false) => " ▲",
        (true, true) => " ▼",
    };
    let aria_sort = match (active, sort.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    view! {
        <A href=folder_page_href(&folder, next, None) attr:aria-sort=aria_sort>
            {label}
            {marker}
        </A>
    }
}

/// One folder or file: its link, when it changed, its size, and rename, move and delete.
#[component]
fn ItemRow(
    item: ItemEntry,
    may_edit: bool,
    targets: Vec<(String, String)>,
    changes: Changes,
) -> impl IntoView {
    let name = item.name.to_string();
    let icon = match item.kind {
        ItemKind::Folder => "📁",
        ItemKind::File => "📄",
    };
    let kind = item.kind.as_str();
    let link_text = name.clone();
    let thumbnail = (item.thumbnail)
        .then(|| {
            item.versions
                .map(|version| preview_href(item.id, version, 0))
        })
        .flatten();
    view! {
        <tr data-test="item-row" data-kind=kind>
            <td>
                {thumbnail
                    .map_or_else(
                        || view! { <span class="item-icon" aria-hidden="true">{icon}</span> }.into_any(),
                        |src| view! { <img class="thumbnail" src=src alt="" loading="lazy" width="48" height="48" /> }.into_any(),
                    )}
                <A href=item.href() attr:data-test="item-link">
                    {link_text}
                </A>
                {item
                    .versions
                    .filter(|versions| *versions > 1)
                    .map(|versions| {
                        view! { <span class="badge">{format!("{versions} versions")}</span> }
                    })}
            </td>
            <td>{format_unix_utc(item.modified.0)}</td>
            <td>{item.size_text()}</td>
            <td class="actions">
                {may_edit.then(|| view! { <ItemActions item=item.id name targets changes /> })}
            </td>
        </tr>
    }
}

/// Rename, move and delete for one item, folded away until asked for.
#[component]
fn ItemActions(
    item: ItemId,
    name: String,
    targets: Vec<(String, String)>,
    changes: Changes,
) -> impl IntoView {
    let id = item.to_string();
    let move_form = (!targets.is_empty()).then(|| {
        let options = targets
            .into_iter()
            .map(|(value, label)| view! { <option value=value>{label}</option> })
            .collect_view();
        let id = id.clone();
        view! {
            <ActionForm action=changes.moved attr:class="inline-form">
                <input type="hidden" name="item" value=id />
                <label>"Move into " <select name="target">{options}</select></label>
                <button type="submit" class="button secondary">
                    "Move"
                </button>
            </ActionForm>
        }
    });
    let delete_label = format!("Move {name} to the trash");
    let rename_id = id.clone();
    view! {
        <details class="item-actions">
            <summary>"Change"</summary>
            <ActionForm action=changes.rename attr:class="inline-form">
                <input type="hidden" name="item" value=rename_id />
                <label>"New name" <input name="name" value=name required maxlength="200" /></label>
                <button type="submit" class="button secondary">
                    "Rename"
                </button>
            </ActionForm>
            {move_form}
            <p>
                <A href=move_href(item, None)>"Move to another folder…"</A>
            </p>
            <ActionForm action=changes.delete attr:class="inline-form">
                <input type="hidden" name="item" value=id />
                <button type="submit" class="button danger" aria-label=delete_label>
                    "Move to trash"
                </button>
            </ActionForm>
        </details>
    }
    // Erased: the folder table's view type is otherwise too deep for the compiler's limits.
    .into_any()
}

/// A file: where it is, its versions with downloads, and a new version.
#[component]
pub fn FileDocumentPage() -> impl IntoView {
    let query = use_query_map();
    let file = Memo::new(move |_| query.read().get("file").unwrap_or_default());
    let uploads = Uploads::new();
    // Moves while a preview is being made, so the page asks again (with JavaScript).
    let poll = RwSignal::new(0_u32);
    let page = Resource::new(
        move || (file.get(), uploads.stored.get(), poll.get()),
        |(file, _, _)| open_file(file),
    );
    view! {
        <Title text="File" />
        <section class="card" aria-labelledby="file-heading">
            <Transition fallback=|| view! { <p>"Loading the file…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <FileView page uploads poll /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn FileView(page: FilePage, uploads: Uploads, poll: RwSignal<u32>) -> impl IntoView {
    let file = page.file.clone();
    let name = file.name.to_string();
    let facts = format!(
        "{} · {}",
        file.size.map(human_size).unwrap_or_default(),
        file.content_type.clone().unwrap_or_default()
    );
    let shared = page.shared_by.is_some();
    let may_download = page.may_download;
    view! {
        <Breadcrumbs crumbs=page.crumbs.clone() current=name.clone() shared />
        <h1 id="file-heading">{name}</h1>
        <SharedBanner owner=page.shared_by.clone() />
        <p class="muted" data-test="file-facts">{facts}</p>
        {if may_download {
            view! {
                <p>
                    // `rel=external`: a download, which the router must leave to the browser.
                    <a
                        class="button"
                        href=download_href(file.id, None)
                        rel="external"
                        download=""
                        data-test="download-current"
                    >
                        "Download"
                    </a>
                </p>
            }
                .into_any()
        } else {
            view! {
                <p class="muted" data-test="downloads-off">
                    "The owner has turned downloads off for this file: you can open its preview."
                </p>
            }
                .into_any()
        }}
        {page
            .may_edit
            .then(|| {
                view! {
                    <p>
                        <A href=move_href(file.id, None)>"Move to another folder…"</A>
                    </p>
                }
            })}
        <PreviewPanel
            file=file.id
            version=page.versions.first().map_or(1, |version| version.number)
            preview=page.preview
            name=file.name.to_string()
            poll
        />
        {page
            .may_edit
            .then(|| {
                view! {
                    <UploadForm
                        field="replace"
                        target=file.id.to_string()
                        label="Upload a new version"
                        button="Upload new version"
                        multiple=false
                        uploads
                    />
                }
            })}
        <h2>"Versions"</h2>
        <table class="versions-table" data-test="versions-table">
            <thead>
                <tr>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Uploaded"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"Size"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Download"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {page
                    .versions
                    .into_iter()
                    .map(|version| {
                        view! {
                            <tr data-test="version-row">
                                <td>{format!("Version {}", version.number)}</td>
                                <td>{format_unix_utc(version.uploaded_at.0)}</td>
                                <td>{version.uploaded_by.to_string()}</td>
                                <td>{human_size(version.size)}</td>
                                <td>
                                    {may_download
                                        .then(|| {
                                            view! {
                                                <a
                                                    href=download_href(file.id, Some(version.number))
                                                    rel="external"
                                                    download=""
                                                >
                                                    {format!("Download version {}", version.number)}
                                                </a>
                                            }
                                        })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p>
            <A href=file_href(file.id)>"Refresh"</A>
        </p>
        <SendForReviewSection file=file.id />
        {(!shared).then(|| view! { <SharingSection item=file.id /> })}
    }
}

/// The current version's preview: its views (an image, or a PDF's pages), or where it stands.
/// While it is being made the page asks again every few seconds, with or without JavaScript:
/// without, a refresh inside `<noscript>` reloads the page; with, a timer moves `poll` (the
/// page's resource refetches in place) and is cleared when the panel goes, so a page left
/// meanwhile is never reloaded behind the reader's back (a refresh `<meta>` cannot be taken
/// back once the browser has seen it).
#[component]
fn PreviewPanel(
    file: ItemId,
    version: u32,
    preview: Preview,
    name: String,
    poll: RwSignal<u32>,
) -> impl IntoView {
    match preview {
        Preview::None => view! { <p class="muted" data-test="preview-none">"No preview for this kind of file."</p> }.into_any(),
        Preview::Pending => view! {
            <noscript inner_html=r#"<meta http-equiv="refresh" content="3">"#></noscript>
            <PollWhilePending poll />
            <p class="preview-pending" role="status" data-test="preview-pending">
                <span class="spinner" aria-hidden="true"></span>
                "Making the preview… this page updates by itself."
            </p>
        }
        .into_any(),
        Preview::Failed => view! {
            <p class="alert" data-test="preview-failed">
                "The preview is unavailable for this file (it may be damaged or too large). You can still download it."
            </p>
        }
        .into_any(),
        Preview::Ready { views } => view! {
            <div class="preview-pages" data-test="preview-ready">
                {(1..=views)
                    .map(|n| {
                        let alt = if views == 1 { name.clone() } else { format!("{name}, page {n} of {views}") };
                        view! {
                            <figure class="preview-page">
                                <img src=preview_href(file, version, n) alt=alt loading="lazy" />
                                {(views > 1).then(|| view! { <figcaption>{format!("Page {n}")}</figcaption> })}
                            </figure>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any(),
    }
}

/// Moves `poll` every three seconds while mounted, in the browser only.
#[component]
fn PollWhilePending(poll: RwSignal<u32>) -> impl IntoView {
    Effect::new(move |_| {
        let handle = set_timeout_with_handle(
            move || poll.update(|n| *n = n.wrapping_add(1)),
            std::time::Duration::from_secs(3),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
}

/// The trash: what was deleted, when, how long it stays, and Restore.
#[component]
pub fn TrashPage() -> impl IntoView {
    let changes = Changes::new();
    let page = Resource::new(move || changes.version(), |_| open_trash());
    let restore_error = last_error(changes.restore);
    view! {
        <Title text="Trash" />
        <section class="card" aria-labelledby="trash-heading">
            <nav class="breadcrumbs" aria-label="Folders above">
                <ol>
                    <li>
                        <A href="/documents">"Documents"</A>
                    </li>
                    <li aria-current="page">"Trash"</li>
                </ol>
            </nav>
            <h1 id="trash-heading">"Trash"</h1>
            <p class="muted">
                "Deleted items stay here for 30 days, then they are deleted for good."
            </p>
            <FormError error=restore_error />
            <Transition fallback=|| view! { <p>"Loading the trash…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <TrashList entries=page.entries changes /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn TrashList(entries: Vec<TrashEntry>, changes: Changes) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p data-test="trash-empty">"The trash is empty."</p> }.into_any();
    }
    view! {
        <table class="documents-table" data-test="trash-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Deleted"</th>
                    <th scope="col">"Deleted for good in"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let name = entry.item.name.to_string();
                        let days = match entry.days_left {
                            1 => "1 day".to_owned(),
                            days => format!("{days} days"),
                        };
                        view! {
                            <tr data-test="trash-row">
                                <td>{name.clone()}</td>
                                <td>{format_unix_utc(entry.deleted_at.0)}</td>
                                <td>{days}</td>
                                <td>
                                    <ActionForm action=changes.restore>
                                        <input type="hidden" name="item" value=entry.item.id.to_string() />
                                        <button
                                            type="submit"
                                            class="button secondary"
                                            aria-label=format!("Restore {name}")
                                        >
                                            "Restore"
                                        </button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// "Move to…": browse the account's folders from the item's own folder, down into subfolders
/// and up through the breadcrumbs, and move the item into the folder shown. Every step is a
/// link and the move a plain form, so it works without JavaScript; each page reads one
/// folder's subfolders, so it costs the same in a tree of any size.
#[component]
pub fn MoveDocumentPage() -> impl IntoView {
    let query = use_query_map();
    let item = Memo::new(move |_| query.read().get("item").unwrap_or_default());
    let folder = Memo::new(move |_| query.read().get("folder"));
    let after = Memo::new(move |_| query.read().get("after"));
    let moved = ServerAction::<MoveItem>::new();
    let page = Resource::new(
        move || (item.get(), folder.get(), after.get()),
        |(item, folder, after)| open_move(item, folder, after),
    );
    view! {
        <Title text="Move" />
        <section class="card" aria-labelledby="move-heading">
            <Transition fallback=|| view! { <p>"Loading folders…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <MoveView page moved /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn MoveView(page: MovePage, moved: ServerAction<MoveItem>) -> impl IntoView {
    let item = page.item.id;
    let name = page.item.name.to_string();
    let here = page.folder.name.to_string();
    let error = last_error(moved);
    let next_page = page.next.as_deref().map(|token| {
        page_href(
            "/documents/move",
            &[
                ("item", Some(&item.to_string())),
                ("folder", Some(&page.folder.id.to_string())),
                ("after", Some(token)),
            ],
        )
    });
    let back = page
        .current_parent
        .map_or_else(|| "/documents".to_owned(), folder_href);
    view! {
        <h1 id="move-heading">{format!("Move {name}")}</h1>
        <p class="muted">
            "Open the folder to move it into, then press “Move here”. "
            <A href=back>"Cancel"</A>
        </p>
        <nav class="breadcrumbs" aria-label="Folders above">
            <ol>
                {page
                    .crumbs
                    .into_iter()
                    .map(|crumb| {
                        view! {
                            <li>
                                <A href=move_href(item, Some(crumb.id))>{crumb.name.to_string()}</A>
                            </li>
                        }
                    })
                    .collect_view()}
                <li aria-current="page">{here.clone()}</li>
            </ol>
        </nav>
        {match page.refusal {
            Some(refusal) => view! { <p class="muted" data-test="move-refusal">{refusal}</p> }.into_any(),
            None => view! {
                <ActionForm action=moved attr:class="inline-form">
                    <input type="hidden" name="item" value=item.to_string() />
                    <input type="hidden" name="target" value=page.folder.id.to_string() />
                    <input type="hidden" name="open" value="folder" />
                    <button type="submit" class="button" data-test="move-here">
                        {format!("Move here ({here})")}
                    </button>
                </ActionForm>
            }
            .into_any(),
        }}
        <FormError error />
        {if page.subfolders.is_empty() {
            view! { <p class="muted" data-test="move-no-subfolders">"No folders inside this one."</p> }.into_any()
        } else {
            view! {
                <ul class="folder-picker" data-test="move-subfolders">
                    {page
                        .subfolders
                        .into_iter()
                        .map(|folder| {
                            view! {
                                <li>
                                    <span class="item-icon" aria-hidden="true">"📁"</span>
                                    <A href=move_href(item, Some(folder.id))>{folder.name.to_string()}</A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <Pager label="Folder pages" first_page=None next_page />
    }
}
