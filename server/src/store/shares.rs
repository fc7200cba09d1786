//! SQL for shares (migration 0018, SPEC 3.3): what an account shared with a partner account or
//! one of its people. These rows say what was shared; who it reaches is entente_core's
//! `documents::role`, from the shares on an item's ancestry (read in one query, whatever the
//! depth), the partnership and the owner's contacts.

use entente_core::documents::{ShareRecipient, ShareRole};
use entente_core::{AccountId, AccountName, ItemId, PersonName, ShareId, Timestamp, UserId};
use tracing::instrument;

use super::cursor::TimeCursor;
use super::documents::id_list;
use super::search::TextSearch;
use super::{Db, StoreError, Tx, decode};

/// The keyset cursor of share lists, newest first.
pub type Cursor = TimeCursor<ShareId>;

/// One share as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    /// The share.
    pub id: ShareId,
    /// The item shared.
    pub item_id: ItemId,
    /// The owner: the item's account.
    pub account_id: AccountId,
    /// Who with.
    pub recipient: ShareRecipient,
    /// What it lets them do.
    pub role: ShareRole,
    /// Whether they may download.
    pub downloads: bool,
    /// Who shared it.
    pub created_by: UserId,
    /// When it was made or last changed (its `updated_at`: the lists' order).
    pub changed_at: Timestamp,
}

/// A share with the names pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareListed {
    /// The share.
    pub share: ShareRecord,
    /// The owner account's name.
    pub owner_name: AccountName,
    /// The recipient account's name.
    pub recipient_name: AccountName,
    /// A person's share: their name.
    pub person_name: Option<PersonName>,
}

const LISTED_COLUMNS: &str = "s.id, s.item_id, s.account_id, s.recipient_account_id, \
     s.recipient_user_id, s.role, s.downloads, s.created_by, s.updated_at, o.name, r.name, u.name";

const LISTED_FROM: &str = "FROM shares s JOIN accounts o ON o.id = s.account_id \
     JOIN accounts r ON r.id = s.recipient_account_id \
     LEFT JOIN users u ON u.id = s.recipient_user_id";

type ListedRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    bool,
    String,
    i64,
    String,
    String,
    Option<String>,
);

fn decode_listed(row: ListedRow) -> Result<ShareListed, StoreError> {
    let (
        id,
        item_id,
        account_id,
        recipient_account,
        recipient_user,
        role,
        downloads,
        created_by,
        changed_at,
        owner_name,
        recipient_name,
        person_name,
    ) = row;
    let recipient_account = decode::id(&recipient_account, "shares.recipient_account_id")?;
    let recipient = match recipient_user {
        None => ShareRecipient::Account(recipient_account),
        Some(user) => ShareRecipient::Person {
            account: recipient_account,
            user: decode::id(&user, "shares.recipient_user_id")?,
        },
    };
    Ok(ShareListed {
        share: ShareRecord {
            id: decode::id(&id, "shares.id")?,
            item_id: decode::id(&item_id, "shares.item_id")?,
            account_id: decode::id(&account_id, "shares.account_id")?,
            recipient,
            role: decode::parsed(&role, "shares.role")?,
            downloads,
            created_by: decode::id(&created_by, "shares.created_by")?,
            changed_at: Timestamp(changed_at),
        },
        owner_name: decode::account_name(&owner_name, "accounts.name")?,
        recipient_name: decode::account_name(&recipient_name, "accounts.name")?,
        person_name: person_name
            .map(|name| decode::person_name(&name, "users.name"))
            .transpose()?,
    })
}

/// The shares on `items` (an item and the folders above it), with names; one query.
#[instrument(skip_all, fields(items = items.len()))]
pub async fn on_items(
    db: impl Into<Db<'_>>,
    items: &[ItemId],
) -> Result<Vec<ShareListed>, StoreError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {LISTED_COLUMNS} {LISTED_FROM} WHERE s.item_id IN ({}) \
         ORDER BY s.updated_at DESC, s.id",
        id_list(items)
    );
    let rows: Vec<ListedRow> = on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    rows.into_iter().map(decode_listed).collect()
}

/// One share by its id.
#[instrument(skip_all, fields(%id))]
pub async fn get(db: impl Into<Db<'_>>, id: ShareId) -> Result<Option<ShareListed>, StoreError> {
    let sql = format!("SELECT {LISTED_COLUMNS} {LISTED_FROM} WHERE s.id = $1");
    let row: Option<ListedRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(decode_listed).transpose()
}

/// A share to make.
#[derive(Debug, Clone, Copy)]
pub struct NewShareRow {
    /// The item.
    pub item_id: ItemId,
    /// Its account.
    pub account_id: AccountId,
    /// Who with.
    pub recipient: ShareRecipient,
    /// The role.
    pub role: ShareRole,
    /// Downloads on or off.
    pub downloads: bool,
    /// Who shares.
    pub created_by: UserId,
}

/// What [`put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// A new share.
    Created(ShareId),
    /// The item was shared with the recipient already: its role and downloads now.
    Changed(ShareId),
    /// The same share existed already.
    Unchanged(ShareId),
}

fn recipient_columns(recipient: ShareRecipient) -> (String, Option<String>, String) {
    match recipient {
        ShareRecipient::Account(account) => (account.to_string(), None, String::new()),
        ShareRecipient::Person { account, user } => (
            account.to_string(),
            Some(user.to_string()),
            user.to_string(),
        ),
    }
}

/// Makes the share, or changes the one the item has with that recipient (one per item and
/// recipient: a unique index), in the caller's transaction.
#[instrument(skip_all, fields(item = %share.item_id))]
pub async fn put(tx: &mut Tx, share: &NewShareRow, now: Timestamp) -> Result<Put, StoreError> {
    let (recipient_account, recipient_user, recipient_key) = recipient_columns(share.recipient);
    let existing: Option<(String, String, bool)> = on_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT id, role, downloads FROM shares \
             WHERE item_id = $1 AND recipient_account_id = $2 AND recipient_key = $3",
        )
        .bind(share.item_id.to_string())
        .bind(&recipient_account)
        .bind(&recipient_key)
        .fetch_optional(conn)
        .await
    })?;
    if let Some((id, role, downloads)) = existing {
        let id: ShareId = decode::id(&id, "shares.id")?;
        if role == share.role.as_str() && downloads == share.downloads {
            return Ok(Put::Unchanged(id));
        }
        on_tx!(tx, |conn| {
            sqlx::query(
                "UPDATE shares SET role = $2, downloads = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id.to_string())
            .bind(share.role.as_str())
            .bind(share.downloads)
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
        return Ok(Put::Changed(id));
    }
    let id = ShareId::from_uuid(uuid::Uuid::new_v4());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO shares (id, item_id, account_id, recipient_account_id, \
             recipient_user_id, recipient_key, role, downloads, created_by, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(id.to_string())
        .bind(share.item_id.to_string())
        .bind(share.account_id.to_string())
        .bind(&recipient_account)
        .bind(&recipient_user)
        .bind(&recipient_key)
        .bind(share.role.as_str())
        .bind(share.downloads)
        .bind(share.created_by.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(Put::Created(id))
}

/// Deletes the share `id` in the caller's transaction.
#[instrument(skip_all, fields(%id))]
pub async fn delete(tx: &mut Tx, id: ShareId) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM shares WHERE id = $1")
            .bind(id.to_string())
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Which shares a list page reads: to a recipient account (and its user), or from an owner to a
/// recipient account.
#[derive(Debug, Clone, Copy)]
pub enum ShareList {
    /// "Shared with us": what was shared with `account` as a whole or with its user `user`,
    /// from any owner or from `owner` only (served by `shares_by_recipient_idx`).
    With {
        /// The recipient account.
        account: AccountId,
        /// The viewer, whose own shares count too.
        user: UserId,
        /// One organization only.
        owner: Option<AccountId>,
    },
    /// "Shared by us": what `owner` shares with `recipient` (served by `shares_by_owner_idx`).
    By {
        /// The owner account.
        owner: AccountId,
        /// The partner.
        recipient: AccountId,
    },
}

/// One page of `list`, newest first, after `after`.
#[instrument(skip_all)]
pub async fn page(
    db: impl Into<Db<'_>>,
    list: ShareList,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<ShareListed>, StoreError> {
    let mut texts: Vec<String> = Vec::new();
    let mut condition = match list {
        ShareList::With {
            account,
            user,
            owner,
        } => {
            texts.push(account.to_string());
            texts.push(user.to_string());
            let mut condition = "s.recipient_account_id = $1 \
                 AND (s.recipient_user_id IS NULL OR s.recipient_user_id = $2)"
                .to_owned();
            if let Some(owner) = owner {
                texts.push(owner.to_string());
                condition.push_str(" AND s.account_id = $3");
            }
            condition
        }
        ShareList::By { owner, recipient } => {
            texts.push(owner.to_string());
            texts.push(recipient.to_string());
            "s.account_id = $1 AND s.recipient_account_id = $2".to_owned()
        }
    };
    if let Some(cursor) = after {
        texts.push(cursor.id.to_string());
        let id = texts.len();
        condition.push_str(&format!(
            " AND (s.updated_at < ${at} OR (s.updated_at = ${at} AND s.id > ${id}))",
            at = id + 1
        ));
    }
    let limit_at = texts.len() + 1 + usize::from(after.is_some());
    let sql = format!(
        "SELECT {LISTED_COLUMNS} {LISTED_FROM} WHERE {condition} \
         ORDER BY s.updated_at DESC, s.id LIMIT ${limit_at}"
    );
    let rows: Vec<ListedRow> = on_db!(db, |conn| {
        let mut query = sqlx::query_as(&sql);
        for text in &texts {
            query = query.bind(text.clone());
        }
        if let Some(cursor) = after {
            query = query.bind(cursor.at.0);
        }
        query.bind(limit).fetch_all(conn).await
    })?;
    rows.into_iter().map(decode_listed).collect()
}

/// How many shares `owner` has with `recipient` (served by `shares_by_owner_idx`).
#[instrument(skip_all, fields(%owner, %recipient))]
pub async fn count_between(
    db: impl Into<Db<'_>>,
    owner: AccountId,
    recipient: AccountId,
) -> Result<u64, StoreError> {
    let count: i64 = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM shares WHERE account_id = $1 AND recipient_account_id = $2",
        )
        .bind(owner.to_string())
        .bind(recipient.to_string())
        .fetch_one(conn)
        .await
    })?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The names of `accounts`, in one query.
#[instrument(skip_all, fields(accounts = accounts.len()))]
pub async fn account_names(
    db: impl Into<Db<'_>>,
    accounts: &[AccountId],
) -> Result<Vec<(AccountId, AccountName)>, StoreError> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, name FROM accounts WHERE id IN ({}) ORDER BY name, id",
        id_list(accounts)
    );
    let rows: Vec<(String, String)> =
        on_db!(db, |conn| sqlx::query_as(&sql).fetch_all(conn).await)?;
    rows.iter()
        .map(|(id, name)| {
            Ok((
                decode::id(id, "accounts.id")?,
                decode::account_name(name, "accounts.name")?,
            ))
        })
        .collect()
}

/// The accounts `account` has members from in its contacts: its partners, now or before
/// (served by `contacts_account_partner_account_idx`).
#[instrument(skip_all, fields(%account))]
pub async fn member_accounts(
    db: impl Into<Db<'_>>,
    account: AccountId,
) -> Result<Vec<AccountId>, StoreError> {
    let rows: Vec<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT DISTINCT partner_account_id FROM contacts \
             WHERE account_id = $1 AND kind = 'member'",
        )
        .bind(account.to_string())
        .fetch_all(conn)
        .await
    })?;
    rows.iter()
        .map(|id| decode::id(id, "contacts.partner_account_id"))
        .collect()
}

/// The addresses of the active people `recipient` names: one user, or every user of the
/// account.
#[instrument(skip_all)]
pub async fn recipient_addresses(
    db: impl Into<Db<'_>>,
    recipient: ShareRecipient,
) -> Result<Vec<entente_core::Email>, StoreError> {
    let (account, user) = match recipient {
        ShareRecipient::Account(account) => (account, None),
        ShareRecipient::Person { account, user } => (account, Some(user)),
    };
    let rows: Vec<String> = on_db!(db, |conn| {
        match user {
            None => sqlx::query_scalar(
                "SELECT email FROM users WHERE account_id = $1 AND active = TRUE ORDER BY email",
            )
            .bind(account.to_string())
            .fetch_all(conn)
            .await,
            Some(user) => {
                sqlx::query_scalar(
                    "SELECT email FROM users WHERE account_id = $1 AND id = $2 AND active = TRUE",
                )
                .bind(account.to_string())
                .bind(user.to_string())
                .fetch_all(conn)
                .await
            }
        }
    })?;
    rows.iter()
        .map(|email| decode::email(email, "users.email"))
        .collect()
}

/// The active members in `account`'s contacts whose users are active, by name: whom the share
/// form can name (the caller keeps those of current partners); with `search`, those whose name
/// or address contains it (through the contacts' search index, `store::search`). At most
/// `limit` of them.
#[instrument(skip_all, fields(%account, searching = search.is_some(), limit))]
pub async fn active_members(
    db: impl Into<Db<'_>>,
    account: AccountId,
    search: Option<&str>,
    limit: i64,
) -> Result<Vec<(AccountId, UserId, PersonName)>, StoreError> {
    let db = db.into();
    let search = search.and_then(|text| TextSearch::new(db.engine(), text));
    let matches = search.as_ref().map_or(String::new(), |search| {
        format!(
            " AND {}",
            search.condition("contacts", "c", &["name_sort", "email"], 3)
        )
    });
    let sql = format!(
        "SELECT c.partner_account_id, c.partner_user_id, c.name FROM contacts c \
         JOIN users u ON u.id = c.partner_user_id \
         WHERE c.account_id = $1 AND c.kind = 'member' AND c.active = TRUE \
         AND u.active = TRUE{matches} ORDER BY c.name_sort, c.id LIMIT $2"
    );
    let rows: Vec<(String, String, String)> = on_db!(db, |conn| {
        let mut statement = sqlx::query_as(&sql).bind(account.to_string()).bind(limit);
        if let Some(search) = &search {
            statement = statement.bind(search.value());
        }
        statement.fetch_all(conn).await
    })?;
    rows.iter()
        .map(|(account, user, name)| {
            Ok((
                decode::id(account, "contacts.partner_account_id")?,
                decode::id(user, "contacts.partner_user_id")?,
                decode::person_name(name, "contacts.name")?,
            ))
        })
        .collect()
}

/// Whether `user` is a member in `owner`'s contacts (SPEC 2: synced while the two accounts
/// were partners, kept when it ended).
#[instrument(skip_all, fields(%owner, %user))]
pub async fn is_member(
    db: impl Into<Db<'_>>,
    owner: AccountId,
    user: UserId,
) -> Result<bool, StoreError> {
    let found: Option<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM contacts WHERE account_id = $1 AND kind = 'member' \
             AND partner_user_id = $2",
        )
        .bind(owner.to_string())
        .bind(user.to_string())
        .fetch_optional(conn)
        .await
    })?;
    Ok(found.is_some())
}

/// The accounts in whose contacts `user` is a member (served by `contacts_partner_user_id_idx`).
#[instrument(skip_all, fields(%user))]
pub async fn member_of(db: impl Into<Db<'_>>, user: UserId) -> Result<Vec<AccountId>, StoreError> {
    let rows: Vec<String> = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT account_id FROM contacts WHERE partner_user_id = $1 AND kind = 'member'",
        )
        .bind(user.to_string())
        .fetch_all(conn)
        .await
    })?;
    rows.iter()
        .map(|id| decode::id(id, "contacts.account_id"))
        .collect()
}
