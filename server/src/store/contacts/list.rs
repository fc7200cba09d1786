//! The Contacts page data: the account's users, members and hand-added contacts in one list,
//! ordered by `(lower(name), id)`, searched by name or address, paged by keyset (never OFFSET).

use entente_core::contacts::{ContactKind, MemberSync, listed_kind};
use entente_core::names::NAME_MAX_CHARS;
use entente_core::{AccountId, AccountName, ContactId, Email, PersonName, UserId};
use tracing::instrument;

use crate::store::decode;
use crate::store::search::TextSearch;
use crate::store::{Db, StoreError};

/// The largest page [`list`] returns, whatever the caller asks for.
pub const MAX_PAGE_SIZE: u32 = 200;

/// What the Contacts page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Only rows whose name or address contains this text (case-insensitive, taken literally).
    pub search: Option<String>,
    /// Only rows after this one (the [`Page::next`] of the previous page).
    pub after: Option<Cursor>,
    /// How many rows at most (1 to [`MAX_PAGE_SIZE`]).
    pub limit: u32,
}

/// Where a page ended: the sort key `(lower(name), id)` of its last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    name_sort: String,
    id: String,
}

impl Cursor {
    /// The cursor as text for a URL: the 36-character id, then the sort name.
    pub fn to_token(&self) -> String {
        format!("{}{}", self.id, self.name_sort)
    }

    /// Reads a cursor written by [`Cursor::to_token`], or `None` if the text is not one.
    pub fn from_token(token: &str) -> Option<Cursor> {
        let (id, name_sort) = (token.get(..36)?, token.get(36..)?);
        uuid::Uuid::parse_str(id).ok()?;
        // A stored name is at most NAME_MAX_CHARS characters and holds no control character
        // (core's names refuse them): a token that breaks either (a NUL, which PostgreSQL
        // refuses in text) was not written by us.
        if name_sort.chars().count() > NAME_MAX_CHARS || name_sort.chars().any(char::is_control) {
            return None;
        }
        Some(Cursor {
            name_sort: name_sort.to_owned(),
            id: id.to_owned(),
        })
    }
}

/// One page of the Contacts list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The rows, in order.
    pub rows: Vec<ContactListRow>,
    /// Where the next page starts, or `None` if this is the last one.
    pub next: Option<Cursor>,
}

/// The id of a listed row: a user of the account, or a stored contact (member or hand-added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListedId {
    /// A user of this account.
    User(UserId),
    /// A member or hand-added contact of this account.
    Contact(ContactId),
}

/// Where a member comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberOrigin {
    /// The partner account.
    pub account_id: AccountId,
    /// The partner organization's name.
    pub account_name: AccountName,
    /// Whether the member still follows that account.
    pub sync: MemberSync,
}

/// One row of the Contacts page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactListRow {
    /// User, Member or Contact.
    pub kind: ContactKind,
    /// The row's id.
    pub id: ListedId,
    /// The person's name.
    pub name: PersonName,
    /// The person's address.
    pub email: Email,
    /// False for a deactivated user, or a member whose user was deactivated.
    pub active: bool,
    /// For members: the partner organization and whether the row is still synced.
    pub member_of: Option<MemberOrigin>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    kind: String,
    id: String,
    name: String,
    name_sort: String,
    email: String,
    active: bool,
    partner_account_id: Option<String>,
    partner_account_name: Option<String>,
    synced: bool,
}

/// Lists one page of `account_id`'s contacts.
///
/// Two index range scans, one per source, each stopping after `limit + 1` rows
/// (`users_account_name_sort_idx`, `contacts_account_name_sort_idx`), merged in order. A
/// search goes through the sources' search indexes instead (`store::search`), so its cost
/// follows the rows it matches, not the rows the account has. A stored contact whose address
/// is a user of this account is listed once, as the user.
#[instrument(skip_all, fields(%account_id, limit = query.limit, searching = query.search.is_some()))]
pub async fn list(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    query: Query,
) -> Result<Page, StoreError> {
    let db = db.into();
    let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
    let after = query.after;
    let search = query
        .search
        .as_deref()
        .and_then(|text| TextSearch::new(db.engine(), text));
    // $1 account, $2 how many; then the cursor and the search when present.
    let mut user_filter = String::new();
    let mut contact_filter = String::new();
    let mut next_placeholder = 3;
    if after.is_some() {
        let (name, id) = (next_placeholder, next_placeholder + 1);
        next_placeholder += 2;
        user_filter.push_str(&format!(" AND (u.name_sort, u.id) > (${name}, ${id})"));
        contact_filter.push_str(&format!(" AND (c.name_sort, c.id) > (${name}, ${id})"));
    }
    // Through SQLite's search index, the account is checked on each match (`+` keeps the
    // planner from walking the account's whole name index instead).
    let account = if search.as_ref().is_some_and(TextSearch::uses_fts) {
        "+"
    } else {
        ""
    };
    if let Some(search) = &search {
        let p = next_placeholder;
        for (filter, table, alias) in [
            (&mut user_filter, "users", "u"),
            (&mut contact_filter, "contacts", "c"),
        ] {
            let matches = search.condition(table, alias, &["name_sort", "email"], p);
            filter.push_str(&format!(" AND {matches}"));
        }
    }
    let sql = format!(
        "SELECT * FROM ( \
           SELECT * FROM ( \
             SELECT 'user' AS kind, u.id AS id, u.name AS name, u.name_sort AS name_sort, \
                    u.email AS email, u.active AS active, \
                    CAST(NULL AS TEXT) AS partner_account_id, \
                    CAST(NULL AS TEXT) AS partner_account_name, FALSE AS synced \
             FROM users u WHERE {account}u.account_id = $1{user_filter} \
             ORDER BY u.name_sort, u.id LIMIT $2) AS page_users \
           UNION ALL \
           SELECT * FROM ( \
             SELECT c.kind AS kind, c.id AS id, c.name AS name, c.name_sort AS name_sort, \
                    c.email AS email, c.active AS active, \
                    c.partner_account_id AS partner_account_id, \
                    a.name AS partner_account_name, c.synced AS synced \
             FROM contacts c LEFT JOIN accounts a ON a.id = c.partner_account_id \
             WHERE {account}c.account_id = $1{contact_filter} \
               AND NOT EXISTS (SELECT 1 FROM users here \
                               WHERE here.email = c.email AND here.account_id = c.account_id) \
             ORDER BY c.name_sort, c.id LIMIT $2) AS page_contacts \
         ) AS page ORDER BY name_sort, id LIMIT $2"
    );
    // One row more than asked tells whether a next page exists.
    let fetch = i64::from(limit) + 1;
    let mut rows: Vec<ListRow> = on_db!(db, |conn| {
        let mut statement = sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .bind(fetch);
        if let Some(cursor) = &after {
            statement = statement.bind(&cursor.name_sort).bind(&cursor.id);
        }
        if let Some(search) = &search {
            statement = statement.bind(search.value());
        }
        statement.fetch_all(conn).await
    })?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = match rows.last() {
        Some(last) if has_more => Some(Cursor {
            name_sort: last.name_sort.clone(),
            id: last.id.clone(),
        }),
        _ => None,
    };
    let rows = rows
        .into_iter()
        .map(ContactListRow::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page { rows, next })
}

impl TryFrom<ListRow> for ContactListRow {
    type Error = StoreError;

    fn try_from(row: ListRow) -> Result<ContactListRow, StoreError> {
        let corrupt = |column| StoreError::Corrupt { column };
        let (is_user, is_member, hand_added) = match row.kind.as_str() {
            "user" => (true, false, false),
            "member" => (false, true, false),
            "contact" => (false, false, true),
            _ => return Err(corrupt("contacts.kind")),
        };
        let kind = listed_kind(is_user, is_member, hand_added).ok_or(corrupt("contacts.kind"))?;
        let id = match kind {
            ContactKind::User => ListedId::User(decode::id(&row.id, "users.id")?),
            ContactKind::Member | ContactKind::Contact => {
                ListedId::Contact(decode::id(&row.id, "contacts.id")?)
            }
        };
        let member_of = match (kind, row.partner_account_id, row.partner_account_name) {
            (ContactKind::Member, Some(account_id), Some(account_name)) => Some(MemberOrigin {
                account_id: decode::id(&account_id, "contacts.partner_account_id")?,
                account_name: decode::account_name(&account_name, "accounts.name")?,
                sync: if row.synced {
                    MemberSync::Synced
                } else {
                    MemberSync::NoLongerSynced
                },
            }),
            (ContactKind::Member, _, _) => return Err(corrupt("contacts.partner_account_id")),
            _ => None,
        };
        Ok(ContactListRow {
            kind,
            id,
            name: decode::person_name(&row.name, "contacts.name")?,
            email: decode::email(&row.email, "contacts.email")?,
            active: row.active,
            member_of,
        })
    }
}
