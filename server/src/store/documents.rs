//! SQL for documents (migration 0015): folders and files in one `items` table, their
//! versions, and the blobs they point at. Only `entente_core::documents` decides who may do
//! what and whether a move is allowed; these functions read the facts it needs and write
//! what it decided. Every listing is one query (a keyset page), and an item's ancestry, which
//! access and breadcrumbs need, is one recursive query however deep the folder is.

use std::collections::HashMap;

use entente_core::documents::{ItemKind, ItemName, Sort, SortKey};
use entente_core::{AccountId, ItemId, PersonName, Timestamp, UserId, VersionId};
use tracing::instrument;

use super::decode;
use super::error::{Constraint, ConstraintKind, map_violation};
use super::{Conflict, Db, StoreError, Tx};

const ITEMS_CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "items_sibling_name_idx",
        kind: ConstraintKind::Unique,
        sqlite_detail: "items.parent_id, items.name_key",
        conflict: Some(Conflict::NameTaken),
    },
    Constraint {
        name: "items_one_root_idx",
        kind: ConstraintKind::Unique,
        sqlite_detail: "items.account_id",
        conflict: None,
    },
    Constraint {
        name: "items_id_account_key",
        kind: ConstraintKind::Unique,
        sqlite_detail: "items.id, items.account_id",
        conflict: None,
    },
];

/// The name of the folder every account's documents start from.
pub const ROOT_NAME: &str = "Documents";

/// The columns every item read selects, in [`ItemRecord::decode`]'s order.
const ITEM_COLUMNS: &str = "id, account_id, parent_id, kind, name, created_by, created_at, \
     updated_at, deleted_at, size, content_type, version_count";

/// A folder or a file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    /// The item.
    pub id: ItemId,
    /// Its account.
    pub account_id: AccountId,
    /// Its folder; `None` for the root.
    pub parent_id: Option<ItemId>,
    /// Folder or file.
    pub kind: ItemKind,
    /// Its name.
    pub name: ItemName,
    /// Who made it.
    pub created_by: UserId,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed (renamed, moved, a new version).
    pub updated_at: Timestamp,
    /// When this item itself was moved to the trash.
    pub deleted_at: Option<Timestamp>,
    /// Files: the current version's size, type and how many versions there are.
    pub file: Option<FileFacts>,
}

/// What a file's row says about its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Bytes.
    pub size: u64,
    /// The sniffed content type.
    pub content_type: String,
    /// How many versions.
    pub version_count: u32,
}

type ItemRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i32>,
);

impl ItemRecord {
    fn decode(row: ItemRow) -> Result<Self, StoreError> {
        let (
            id,
            account_id,
            parent_id,
            kind,
            name,
            created_by,
            created_at,
            updated_at,
            deleted_at,
            size,
            content_type,
            version_count,
        ) = row;
        let file = match (size, content_type, version_count) {
            (Some(size), Some(content_type), Some(version_count)) => Some(FileFacts {
                size: u64::try_from(size).map_err(|_| StoreError::Corrupt {
                    column: "items.size",
                })?,
                content_type,
                version_count: u32::try_from(version_count).map_err(|_| StoreError::Corrupt {
                    column: "items.version_count",
                })?,
            }),
            _ => None,
        };
        Ok(Self {
            id: decode::id(&id, "items.id")?,
            account_id: decode::id(&account_id, "items.account_id")?,
            parent_id: parent_id
                .map(|parent| decode::id(&parent, "items.parent_id"))
                .transpose()?,
            kind: decode::parsed(&kind, "items.kind")?,
            name: ItemName::parse(&name).map_err(|_| StoreError::Corrupt {
                column: "items.name",
            })?,
            created_by: decode::id(&created_by, "items.created_by")?,
            created_at: Timestamp(created_at),
            updated_at: Timestamp(updated_at),
            deleted_at: deleted_at.map(Timestamp),
            file,
        })
    }
}

/// The account's root folder, made on first use.
#[instrument(skip_all, fields(%account_id))]
pub async fn ensure_root(
    tx: &mut Tx,
    account_id: AccountId,
    user: UserId,
    now: Timestamp,
) -> Result<ItemId, StoreError> {
    let name = ItemName::parse(ROOT_NAME).expect("a valid name");
    let new_id = ItemId::from_uuid(uuid::Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO items (id, account_id, parent_id, kind, name, name_key, created_by, \
             created_at, updated_at) VALUES ($1, $2, NULL, 'folder', $3, $4, $5, $6, $6) \
             ON CONFLICT (account_id) WHERE parent_id IS NULL DO NOTHING",
        )
        .bind(new_id.to_string())
        .bind(account_id.to_string())
        .bind(name.as_str())
        .bind(name.sibling_key())
        .bind(user.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    root_of(&mut *tx, account_id)
        .await?
        .ok_or(StoreError::Conflict(Conflict::NotFound))
}

/// The account's root folder, if it was made.
pub async fn root_of(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
) -> Result<Option<ItemId>, StoreError> {
    let found: Option<String> = on_db!(db, |conn| {
        sqlx::query_scalar("SELECT id FROM items WHERE account_id = $1 AND parent_id IS NULL")
            .bind(account_id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    found.map(|id| decode::id(&id, "items.id")).transpose()
}

/// The live item named `name` in `folder` (compared as siblings are), if there is one.
pub async fn child_named(
    db: impl Into<Db<'_>>,
    folder: ItemId,
    name: &ItemName,
) -> Result<Option<ItemId>, StoreError> {
    let found: Option<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM items WHERE parent_id = $1 AND name_key = $2 AND deleted_at IS NULL",
        )
        .bind(folder.to_string())
        .bind(name.sibling_key())
        .fetch_optional(conn)
        .await
    })?;
    found.map(|id| decode::id(&id, "items.id")).transpose()
}

/// One item, whatever its account (the caller asks core whether the viewer may see it).
#[instrument(skip_all, fields(%id))]
pub async fn get(db: impl Into<Db<'_>>, id: ItemId) -> Result<Option<ItemRecord>, StoreError> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1");
    let row: Option<ItemRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(ItemRecord::decode).transpose()
}

/// The item and every folder above it, the item first and the root last, in one query
/// ([`ancestries`] of one item); empty when there is no such item.
#[instrument(skip_all, fields(%id))]
pub async fn ancestry(db: impl Into<Db<'_>>, id: ItemId) -> Result<Vec<ItemRecord>, StoreError> {
    Ok(ancestries(db, &[id]).await?.remove(&id).unwrap_or_default())
}

type AncestryRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i32>,
);

/// Each of `items` with the folders above it (the item first, the root last), in one query
/// whatever their number and depth.
#[instrument(skip_all, fields(items = items.len()))]
pub async fn ancestries(
    db: impl Into<Db<'_>>,
    items: &[ItemId],
) -> Result<HashMap<ItemId, Vec<ItemRecord>>, StoreError> {
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    let parent_columns = ITEM_COLUMNS
        .split(", ")
        .map(|column| format!("p.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH RECURSIVE chain (start, depth, {ITEM_COLUMNS}) AS ( \
           SELECT id, 0, {ITEM_COLUMNS} FROM items WHERE id IN ({list}) \
           UNION ALL \
           SELECT chain.start, chain.depth + 1, {parent_columns} FROM items p \
           JOIN chain ON p.id = chain.parent_id WHERE chain.depth < 1000 \
         ) SELECT start, {ITEM_COLUMNS} FROM chain ORDER BY start, depth",
        list = id_list(items),
    );
    let rows: Vec<AncestryRow> = on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    let mut chains: HashMap<ItemId, Vec<ItemRecord>> = HashMap::new();
    for row in rows {
        let (start, a, b, c, d, e, f, g, h, i, j, k, l) = row;
        let item: ItemRow = (a, b, c, d, e, f, g, h, i, j, k, l);
        chains
            .entry(decode::id(&start, "items.id")?)
            .or_default()
            .push(ItemRecord::decode(item)?);
    }
    Ok(chains)
}

/// A new folder or file row.
pub struct NewItem<'a> {
    /// Its id.
    pub id: ItemId,
    /// Its account.
    pub account_id: AccountId,
    /// Its folder.
    pub parent_id: ItemId,
    /// Its name.
    pub name: &'a ItemName,
    /// Who makes it.
    pub created_by: UserId,
    /// The first version's facts, for a file.
    pub file: Option<&'a FileFacts>,
}

/// Writes a new item; a live sibling with the same name is [`Conflict::NameTaken`] (the
/// unique index decides, so two uploads of one name at once cannot both pass).
#[instrument(skip_all, fields(id = %item.id))]
pub async fn insert(tx: &mut Tx, item: &NewItem<'_>, now: Timestamp) -> Result<(), StoreError> {
    let kind = if item.file.is_some() {
        ItemKind::File
    } else {
        ItemKind::Folder
    };
    let size = item
        .file
        .map(|file| i64::try_from(file.size).unwrap_or(i64::MAX));
    let content_type = item.file.map(|file| file.content_type.clone());
    let version_count = item
        .file
        .map(|file| i32::try_from(file.version_count).unwrap_or(i32::MAX));
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO items (id, account_id, parent_id, kind, name, name_key, created_by, \
             created_at, updated_at, size, content_type, version_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)",
        )
        .bind(item.id.to_string())
        .bind(item.account_id.to_string())
        .bind(item.parent_id.to_string())
        .bind(kind.as_str())
        .bind(item.name.as_str())
        .bind(item.name.sibling_key())
        .bind(item.created_by.to_string())
        .bind(now.0)
        .bind(size)
        .bind(content_type.clone())
        .bind(version_count)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, ITEMS_CONSTRAINTS))?;
    Ok(())
}

/// Whether a live item of `folder` has this sibling key (for free names).
pub async fn name_taken(
    db: impl Into<Db<'_>>,
    folder: ItemId,
    sibling_key: &str,
) -> Result<bool, StoreError> {
    let count: i64 = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM items WHERE parent_id = $1 AND name_key = $2 \
             AND deleted_at IS NULL",
        )
        .bind(folder.to_string())
        .bind(sibling_key)
        .fetch_one(conn)
        .await
    })?;
    Ok(count > 0)
}

/// Every live sibling key of `folder` that starts like `stem_key` (the candidates
/// [`entente_core::documents::free_name`] must avoid), read once.
pub async fn sibling_keys_like(
    db: impl Into<Db<'_>>,
    folder: ItemId,
    stem_key: &str,
) -> Result<Vec<String>, StoreError> {
    let escaped: String = stem_key
        .chars()
        .flat_map(|character| match character {
            '%' | '_' | '\\' => vec!['\\', character],
            other => vec![other],
        })
        .collect();
    let keys: Vec<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT name_key FROM items WHERE parent_id = $1 AND deleted_at IS NULL \
             AND name_key LIKE $2 ESCAPE '\\'",
        )
        .bind(folder.to_string())
        .bind(format!("{escaped}%"))
        .fetch_all(conn)
        .await
    })?;
    Ok(keys)
}

/// Renames `id`; [`Conflict::NameTaken`] when a live sibling has the name.
#[instrument(skip_all, fields(%id))]
pub async fn rename(
    tx: &mut Tx,
    id: ItemId,
    name: &ItemName,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE items SET name = $2, name_key = $3, updated_at = $4 WHERE id = $1")
            .bind(id.to_string())
            .bind(name.as_str())
            .bind(name.sibling_key())
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(|error| map_violation(error, ITEMS_CONSTRAINTS))?;
    Ok(())
}

/// Moves `id` into `parent` (core has checked the move); [`Conflict::NameTaken`] when a live
/// item there has its name.
#[instrument(skip_all, fields(%id, %parent))]
pub async fn move_to(
    tx: &mut Tx,
    id: ItemId,
    parent: ItemId,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE items SET parent_id = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(parent.to_string())
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(|error| map_violation(error, ITEMS_CONSTRAINTS))?;
    Ok(())
}

/// Moves `id` to the trash (its subtree goes with it, by ancestry).
#[instrument(skip_all, fields(%id))]
pub async fn trash(tx: &mut Tx, id: ItemId, by: UserId, now: Timestamp) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE items SET deleted_at = $2, deleted_by = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(now.0)
            .bind(by.to_string())
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Brings `id` back from the trash into `parent` under `name` (the caller found a free one).
#[instrument(skip_all, fields(%id))]
pub async fn restore(
    tx: &mut Tx,
    id: ItemId,
    parent: ItemId,
    name: &ItemName,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE items SET deleted_at = NULL, deleted_by = NULL, parent_id = $2, name = $3, \
             name_key = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(parent.to_string())
        .bind(name.as_str())
        .bind(name.sibling_key())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })
    .map_err(|error| map_violation(error, ITEMS_CONSTRAINTS))?;
    Ok(())
}

/// Where a folder's page ended, in the order it was listed: the last row's kind, its sort
/// value and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingCursor {
    /// The last row's kind.
    pub kind: ItemKind,
    /// The last row's value of the sort key, as text (`name_key`, or seconds, or bytes).
    pub value: String,
    /// The last row's id.
    pub id: ItemId,
}

impl ListingCursor {
    /// The cursor as text for a page link.
    pub fn to_token(&self) -> String {
        format!("{}~{}~{}", self.kind.as_str(), self.id, self.value)
    }

    /// Reads a token written by [`ListingCursor::to_token`]; anything else is `None`.
    pub fn from_token(token: &str) -> Option<Self> {
        let mut parts = token.splitn(3, '~');
        let kind = parts.next()?.parse().ok()?;
        let id = parts.next()?.parse().ok()?;
        let value = parts.next()?.to_owned();
        Some(Self { kind, value, id })
    }
}

/// One page of the live items of `folder` in `sort` order, folders first, after `after`.
#[instrument(skip_all, fields(%folder))]
pub async fn list_children(
    db: impl Into<Db<'_>>,
    folder: ItemId,
    sort: Sort,
    after: Option<&ListingCursor>,
    limit: i64,
) -> Result<Vec<Listed>, StoreError> {
    // Folders ('folder' > 'file') come first in every order; the id breaks ties. Name and
    // modified are columns the indexes hold; size counts a folder as 0 (its order among
    // folders is then by id).
    let (key, numeric) = match sort.key {
        SortKey::Name => ("i.name_key", false),
        SortKey::Modified => ("i.updated_at", true),
        SortKey::Size => ("COALESCE(i.size, 0)", true),
    };
    let (direction, compare) = if sort.descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    let keyset = match after {
        None => String::new(),
        Some(_) => {
            let value = if numeric { "CAST($3 AS BIGINT)" } else { "$3" };
            format!(
                "AND (i.kind < $2 OR (i.kind = $2 AND ({key} {compare} {value} \
                 OR ({key} = {value} AND i.id {compare} $4))))"
            )
        }
    };
    // Each file's current version and whether its thumbnail is ready, in the same query.
    let columns = ITEM_COLUMNS
        .split(", ")
        .map(|column| format!("i.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, CASE WHEN p.state = 'ready' THEN 1 ELSE 0 END FROM items i \
         LEFT JOIN file_versions v ON v.file_id = i.id AND v.number = i.version_count \
         LEFT JOIN preview_jobs p ON p.version_id = v.id \
         WHERE i.parent_id = $1 AND i.deleted_at IS NULL {keyset} \
         ORDER BY i.kind DESC, {key} {direction}, i.id {direction} LIMIT $5"
    );
    let (kind, value, id) = match after {
        Some(cursor) => (
            cursor.kind.as_str().to_owned(),
            cursor.value.clone(),
            cursor.id.to_string(),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    type ListedRow = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<i32>,
        i32,
    );
    let rows: Vec<ListedRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(folder.to_string())
            .bind(kind.clone())
            .bind(value.clone())
            .bind(id.clone())
            .bind(limit)
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter()
        .map(|row| {
            let thumbnail = row.12 == 1;
            let item = ItemRecord::decode((
                row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10,
                row.11,
            ))?;
            Ok(Listed { item, thumbnail })
        })
        .collect()
}

/// A row of a folder's listing: the item, and whether its current version's thumbnail is
/// ready (files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The item.
    pub item: ItemRecord,
    /// Whether the thumbnail is ready.
    pub thumbnail: bool,
}

/// The cursor value of `item` for `sort` (what [`list_children`] compares).
pub fn cursor_of(item: &ItemRecord, sort: Sort) -> ListingCursor {
    let value = match sort.key {
        SortKey::Name => item.name.sibling_key(),
        SortKey::Modified => item.updated_at.0.to_string(),
        SortKey::Size => item.file.as_ref().map_or(0, |file| file.size).to_string(),
    };
    ListingCursor {
        kind: item.kind,
        value,
        id: item.id,
    }
}

/// The items of `account` in the trash (deleted themselves, not through a folder), newest
/// first.
#[instrument(skip_all, fields(%account_id))]
pub async fn list_trash(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    limit: i64,
) -> Result<Vec<ItemRecord>, StoreError> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM items WHERE account_id = $1 AND deleted_at IS NOT NULL \
         ORDER BY deleted_at DESC, id LIMIT $2"
    );
    let rows: Vec<ItemRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .bind(limit)
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter().map(ItemRecord::decode).collect()
}

/// A file version as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// The version.
    pub id: VersionId,
    /// Its file.
    pub file_id: ItemId,
    /// 1, 2, 3…
    pub number: u32,
    /// The blob's SHA-256 (hex), its key in the blob store and its strong ETag.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// The sniffed content type.
    pub content_type: String,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// When.
    pub created_at: Timestamp,
}

type VersionRow = (String, String, i32, String, i64, String, String, i64);

const VERSION_COLUMNS: &str =
    "id, file_id, number, blob_sha256, size, content_type, uploaded_by, created_at";

impl VersionRecord {
    fn decode(row: VersionRow) -> Result<Self, StoreError> {
        let (id, file_id, number, sha256, size, content_type, uploaded_by, created_at) = row;
        Ok(Self {
            id: decode::id(&id, "file_versions.id")?,
            file_id: decode::id(&file_id, "file_versions.file_id")?,
            number: u32::try_from(number).map_err(|_| StoreError::Corrupt {
                column: "file_versions.number",
            })?,
            sha256,
            size: u64::try_from(size).map_err(|_| StoreError::Corrupt {
                column: "file_versions.size",
            })?,
            content_type,
            uploaded_by: decode::id(&uploaded_by, "file_versions.uploaded_by")?,
            created_at: Timestamp(created_at),
        })
    }
}

/// Records a blob (once per content): a second upload of the same bytes finds it there.
pub async fn insert_blob(
    tx: &mut Tx,
    sha256: &str,
    size: u64,
    now: Timestamp,
) -> Result<(), StoreError> {
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(size)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// A new version of `file`: the next number, and the file's row brought up to date.
pub struct NewVersion<'a> {
    /// The version's id.
    pub id: VersionId,
    /// The file.
    pub file_id: ItemId,
    /// The blob it points at (recorded with [`insert_blob`] in the same transaction).
    pub sha256: &'a str,
    /// Bytes.
    pub size: u64,
    /// The sniffed content type.
    pub content_type: &'a str,
    /// Who uploads it.
    pub uploaded_by: UserId,
}

/// Adds a version to `file` (numbered after the last) and makes it the file's current one;
/// returns its number.
#[instrument(skip_all, fields(file_id = %version.file_id))]
pub async fn insert_version(
    tx: &mut Tx,
    version: &NewVersion<'_>,
    now: Timestamp,
) -> Result<u32, StoreError> {
    let size = i64::try_from(version.size).unwrap_or(i64::MAX);
    let number: i32 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM file_versions WHERE file_id = $1",
        )
        .bind(version.file_id.to_string())
        .fetch_one(conn)
        .await
    })?;
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO file_versions (id, file_id, number, blob_sha256, size, content_type, \
             uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(version.id.to_string())
        .bind(version.file_id.to_string())
        .bind(number)
        .bind(version.sha256)
        .bind(size)
        .bind(version.content_type)
        .bind(version.uploaded_by.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE items SET size = $2, content_type = $3, version_count = $4, updated_at = $5 \
             WHERE id = $1",
        )
        .bind(version.file_id.to_string())
        .bind(size)
        .bind(version.content_type)
        .bind(number)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    u32::try_from(number).map_err(|_| StoreError::Corrupt {
        column: "file_versions.number",
    })
}

/// The versions of `file`, newest first, each with the name of who uploaded it.
#[instrument(skip_all, fields(%file))]
pub async fn versions(
    db: impl Into<Db<'_>>,
    file: ItemId,
) -> Result<Vec<(VersionRecord, PersonName)>, StoreError> {
    let columns = VERSION_COLUMNS
        .split(", ")
        .map(|column| format!("v.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, u.name FROM file_versions v JOIN users u ON u.id = v.uploaded_by \
         WHERE v.file_id = $1 ORDER BY v.number DESC"
    );
    type VersionWithName = (
        String,
        String,
        i32,
        String,
        i64,
        String,
        String,
        i64,
        String,
    );
    let rows: Vec<VersionWithName> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(file.to_string())
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter()
        .map(
            |(id, file_id, number, sha256, size, content_type, uploaded_by, created_at, name)| {
                let version = VersionRecord::decode((
                    id,
                    file_id,
                    number,
                    sha256,
                    size,
                    content_type,
                    uploaded_by,
                    created_at,
                ))?;
                Ok((version, decode::person_name(&name, "users.name")?))
            },
        )
        .collect()
}

/// One version of `file` by number; `None` for the current one when `number` is `None`.
#[instrument(skip_all, fields(%file))]
pub async fn version(
    db: impl Into<Db<'_>>,
    file: ItemId,
    number: Option<u32>,
) -> Result<Option<VersionRecord>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM file_versions WHERE file_id = $1 \
         AND ($2 < 0 OR number = $2) ORDER BY number DESC LIMIT 1"
    );
    let wanted = number.map_or(-1, i64::from);
    let row: Option<VersionRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(file.to_string())
            .bind(wanted)
            .fetch_optional(conn)
            .await
    })?;
    row.map(VersionRecord::decode).transpose()
}

/// Items in the trash since `cutoff` or before (deleted themselves), oldest first.
pub async fn due_for_purge(
    store: &super::Store,
    cutoff: Timestamp,
    limit: i64,
) -> Result<Vec<(ItemId, AccountId)>, StoreError> {
    let rows: Vec<(String, String)> = on_pool!(store, |pool| {
        sqlx::query_as(
            "SELECT id, account_id FROM items WHERE deleted_at IS NOT NULL AND deleted_at <= $1 \
             ORDER BY deleted_at LIMIT $2",
        )
        .bind(cutoff.0)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    rows.iter()
        .map(|(id, account)| {
            Ok((
                decode::id(id, "items.id")?,
                decode::id(account, "items.account_id")?,
            ))
        })
        .collect()
}

/// `id` and everything under it, if `id` is still in the trash since `cutoff` (else nothing).
pub async fn subtree_if_due(
    tx: &mut Tx,
    id: ItemId,
    cutoff: Timestamp,
) -> Result<Vec<ItemId>, StoreError> {
    let rows: Vec<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "WITH RECURSIVE tree (id) AS ( \
               SELECT id FROM items WHERE id = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2 \
               UNION ALL SELECT i.id FROM items i JOIN tree ON i.parent_id = tree.id) \
             SELECT id FROM tree",
        )
        .bind(id.to_string())
        .bind(cutoff.0)
        .fetch_all(conn)
        .await
    })?;
    rows.iter().map(|id| decode::id(id, "items.id")).collect()
}

/// A quoted list of ids for `IN (…)`: typed ids (UUIDs), never client text.
pub(crate) fn id_list(ids: &[impl std::fmt::Display]) -> String {
    ids.iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deletes `items` for good with their versions and preview jobs, in the caller's
/// transaction; returns each deleted version with its number of preview views.
pub async fn delete_for_good(
    tx: &mut Tx,
    items: &[ItemId],
) -> Result<Vec<(VersionId, u32)>, StoreError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(items);
    let versions: Vec<(String, Option<i32>)> = on_tx!(tx, |conn| {
        sqlx::query_as(&format!(
            "SELECT v.id, p.pages FROM file_versions v LEFT JOIN preview_jobs p \
             ON p.version_id = v.id WHERE v.file_id IN ({list})"
        ))
        .fetch_all(conn)
        .await
    })?;
    let proofs = super::proofs::purge_statements(&list);
    for statement in proofs.into_iter().chain([
        format!(
            "DELETE FROM preview_jobs WHERE version_id IN \
             (SELECT id FROM file_versions WHERE file_id IN ({list}))"
        ),
        format!("DELETE FROM file_versions WHERE file_id IN ({list})"),
        format!("DELETE FROM shares WHERE item_id IN ({list})"),
        format!("DELETE FROM items WHERE id IN ({list})"),
    ]) {
        on_tx!(tx, |conn| sqlx::query(&statement)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    versions
        .iter()
        .map(|(id, pages)| {
            Ok((
                decode::id(id, "file_versions.id")?,
                pages
                    .and_then(|pages| u32::try_from(pages).ok())
                    .unwrap_or(0),
            ))
        })
        .collect()
}

/// Blobs no version uses any more.
pub async fn unused_blobs(store: &super::Store, limit: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<String> = on_pool!(store, |pool| {
        sqlx::query_scalar(
            "SELECT sha256 FROM blobs b WHERE NOT EXISTS \
             (SELECT 1 FROM file_versions v WHERE v.blob_sha256 = b.sha256) LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows)
}

/// Deletes the row of blob `sha256` if no version uses it; `true` if it did.
pub async fn delete_blob_if_unused(tx: &mut Tx, sha256: &str) -> Result<bool, StoreError> {
    let removed = on_tx!(tx, |conn| {
        sqlx::query(
            "DELETE FROM blobs WHERE sha256 = $1 AND NOT EXISTS \
             (SELECT 1 FROM file_versions v WHERE v.blob_sha256 = $1)",
        )
        .bind(sha256)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(removed > 0)
}

/// Whether the blob `sha256` has its row (some version recorded it, or did and the purge has
/// not removed it yet).
pub async fn blob_recorded(tx: &mut Tx, sha256: &str) -> Result<bool, StoreError> {
    let found: Option<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT sha256 FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(conn)
            .await
    })?;
    Ok(found.is_some())
}
