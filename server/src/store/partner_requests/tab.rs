//! The Partners tab's read model: one account's rows, filtered by status as that account sees
//! them, searched by the other organization's name or the invited address, in keyset pages,
//! most recently changed first, with the number of matching rows.
//!
//! Which rows an account sees, and with which label, is `entente_core::partnership::view`'s
//! decision; the SQL here restates it as filters because only SQL can use the indexes. A
//! table-driven test on both engines (`server/tests/it/partners_tab/filters.rs`) proves each
//! filter, and the badge count, keep exactly the rows `view` labels that way.
//!
//! Every query reads two index range scans, one per side, each stopping after the page:
//! `partner_requests_tab_sender_idx` and `partner_requests_tab_recipient_idx`
//! (`(account, updated_at DESC, id)`, partial on the rows that side still sees), so a page
//! costs the same however many requests the account has. A search starts from its matches
//! instead, through the search indexes of the invited addresses and the organizations' names
//! (`store::search`), so it costs what it finds. The count stops at [`COUNT_LIMIT`] for the
//! same reason.

use entente_app::api::partners::AWAITING_COUNT_LIMIT;
use entente_core::partnership::{PartnerRequest, StatusFilter};
use entente_core::{AccountId, AccountName, Email, PartnerRequestId, PersonName};
use tracing::instrument;

use super::PartnerRequestRow;
use crate::store::cursor::TimeCursor;
use crate::store::search::TextSearch;
use crate::store::{Db, Engine, StoreError, decode};

/// The count of matching rows stops here: "more than 1,000" is all a person needs to know.
pub const COUNT_LIMIT: u32 = 1_000;

/// What one listing of the tab asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TabQuery {
    /// Which rows, by the status the viewing account sees.
    pub filter: StatusFilter,
    /// Only rows whose other organization or invited address contains this text (any case,
    /// taken literally); empty means every row.
    pub search: String,
    /// Only rows after this one (the [`TabPage::next`] of the previous page).
    pub after: Option<TabCursor>,
    /// How many rows at most.
    pub limit: u32,
}

/// Where a page ended: the sort key `(updated_at DESC, id)` of its last row.
pub type TabCursor = TimeCursor<PartnerRequestId>;

/// A request as one account's Partners tab lists it, with the names it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabRow {
    /// The request.
    pub request: PartnerRequest,
    /// The name of the other organization (the recipient's for the sender, and the other way).
    pub other_account_name: AccountName,
    /// The domain of the address the other organization confirmed.
    pub other_account_domain: Option<String>,
    /// The name of the user who sent the request.
    pub sending_user_name: PersonName,
    /// Their address, shown beside the name so a look-alike organization shows who is behind it.
    pub sending_user_email: Email,
}

/// One page of the tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabPage {
    /// The rows, most recently changed first.
    pub rows: Vec<TabRow>,
    /// Where the next page starts, or `None` on the last page.
    pub next: Option<TabCursor>,
}

#[derive(sqlx::FromRow)]
struct TabRowRecord {
    #[sqlx(flatten)]
    request: PartnerRequestRow,
    other_account_name: String,
    other_account_domain: Option<String>,
    sending_user_name: String,
    sending_user_email: String,
}

impl TryFrom<TabRowRecord> for TabRow {
    type Error = StoreError;

    fn try_from(row: TabRowRecord) -> Result<TabRow, StoreError> {
        Ok(TabRow {
            request: PartnerRequest::try_from(row.request)?,
            other_account_name: decode::account_name(&row.other_account_name, "accounts.name")?,
            other_account_domain: row.other_account_domain,
            sending_user_name: decode::person_name(&row.sending_user_name, "users.name")?,
            sending_user_email: decode::email(&row.sending_user_email, "users.email")?,
        })
    }
}

/// One side of the tab: the rows an account sees because it sent them, or because it
/// received them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TabSide {
    Sent,
    Received,
}

impl TabSide {
    /// The columns naming the viewing account on this side and the other organization.
    const fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            // (the viewer's column, its deletion flag, the other organization's column)
            Self::Sent => (
                "sender_account_id",
                "deleted_by_sender",
                "recipient_account_id",
            ),
            Self::Received => (
                "recipient_account_id",
                "deleted_by_recipient",
                "sender_account_id",
            ),
        }
    }

    /// The status condition `filter` puts on this side's rows, or `None` when the filter keeps
    /// none of them (the same labels `partnership::view` gives: pending is "Sent - Awaiting
    /// Approval" on the sending side and "Received - Awaiting Your Approval" on the other).
    const fn status_condition(self, filter: StatusFilter) -> Option<&'static str> {
        match (filter, self) {
            (StatusFilter::All, _) => Some(""),
            (StatusFilter::AwaitingYourApproval, Self::Received)
            | (StatusFilter::SentAwaitingApproval, Self::Sent) => Some(" AND r.status = 'pending'"),
            (StatusFilter::AwaitingYourApproval | StatusFilter::SentAwaitingApproval, _) => None,
            (StatusFilter::Partners, _) => Some(" AND r.status = 'accepted'"),
            (StatusFilter::Rejected, _) => Some(" AND r.status = 'rejected'"),
        }
    }

    /// This side's rows of the tab, with `conditions` after `WHERE`; `$1` is the viewer.
    ///
    /// A search keeps the rows whose invited address matches, or whose other organization's
    /// name does, each through its search index (`store::search`); on SQLite's FTS index the
    /// viewer is then checked on each match (`+` keeps the planner from walking the side's
    /// whole index instead).
    ///
    /// For [`Selected::Ids`] the other organization and the sender are not joined: every
    /// request has both (foreign keys), so the rows are the same, and a count reads only the
    /// side's index.
    fn select(
        self,
        filter: StatusFilter,
        conditions: &Conditions,
        order_and_limit: &str,
        selected: Selected,
    ) -> Option<String> {
        let status = self.status_condition(filter)?;
        let (viewer, deleted, other) = self.columns();
        let cursor = &conditions.cursor;
        let (search, through_index) = match &conditions.search {
            None => (String::new(), ""),
            Some(search) => {
                let p = conditions.search_placeholder;
                let address = search.condition("partner_requests", "r", &["recipient_email"], p);
                let organization = search.condition("accounts", "a", &["name_search"], p);
                let through_index = if search.uses_fts() { "+" } else { "" };
                (
                    format!(
                        " AND ({address} OR r.{other} IN (SELECT a.id FROM accounts a \
                         WHERE {organization}))"
                    ),
                    through_index,
                )
            }
        };
        let columns_and_joins = match selected {
            Selected::Ids => "r.id FROM partner_requests r".to_owned(),
            Selected::Rows => format!(
                "r.id, r.sender_account_id, r.sending_user_id, \
                 r.recipient_email, r.recipient_account_id, r.status, r.deleted_by_sender, \
                 r.deleted_by_recipient, r.archived, r.created_at, r.updated_at, \
                 o.name AS other_account_name, o.verified_domain AS other_account_domain, \
                 u.name AS sending_user_name, \
                 u.email AS sending_user_email \
                 FROM partner_requests r \
                 JOIN accounts o ON o.id = r.{other} \
                 JOIN users u ON u.id = r.sending_user_id"
            ),
        };
        Some(format!(
            "SELECT * FROM (SELECT {columns_and_joins} \
             WHERE {through_index}r.{viewer} = $1 AND r.archived = FALSE AND r.{deleted} = FALSE\
             {status}{cursor}{search}{order_and_limit}) AS side_{side}",
            side = self as u8,
        ))
    }
}

/// The cursor and search conditions of a query: the cursor's placeholders are `$3` and `$4`
/// when there is one; the search's comes after them.
struct Conditions {
    cursor: String,
    after: Option<TabCursor>,
    search: Option<TextSearch>,
    search_placeholder: usize,
}

impl Conditions {
    fn new(engine: Engine, search: &str, after: Option<TabCursor>) -> Conditions {
        let cursor = if after.is_some() {
            " AND (r.updated_at < $3 OR (r.updated_at = $3 AND r.id > $4))".to_owned()
        } else {
            String::new()
        };
        Conditions {
            cursor,
            after,
            search: TextSearch::new(engine, search),
            search_placeholder: if after.is_some() { 5 } else { 3 },
        }
    }
}

/// What a side's select returns: the rows as the tab shows them, or only their ids (to count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selected {
    Rows,
    Ids,
}

/// The union of both sides' selects, or `None` when the filter keeps no side.
fn union(
    filter: StatusFilter,
    conditions: &Conditions,
    order_and_limit: &str,
    selected: Selected,
) -> Option<String> {
    let sides: Vec<String> = [TabSide::Sent, TabSide::Received]
        .into_iter()
        .filter_map(|side| side.select(filter, conditions, order_and_limit, selected))
        .collect();
    (!sides.is_empty()).then(|| sides.join(" UNION ALL "))
}

/// One page of `account_id`'s Partners tab.
#[instrument(skip_all, fields(%account_id, filter = ?query.filter, limit = query.limit))]
pub async fn list_for_tab(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    query: &TabQuery,
) -> Result<TabPage, StoreError> {
    let db = db.into();
    let limit = query.limit.max(1);
    let conditions = Conditions::new(db.engine(), &query.search, query.after);
    let order = " ORDER BY r.updated_at DESC, r.id LIMIT $2";
    let Some(sides) = union(query.filter, &conditions, order, Selected::Rows) else {
        return Ok(TabPage {
            rows: Vec::new(),
            next: None,
        });
    };
    let sql = format!("SELECT * FROM ({sides}) AS page ORDER BY updated_at DESC, id LIMIT $2");
    // One row more than asked tells whether a next page exists.
    let fetch = i64::from(limit) + 1;
    let mut rows: Vec<TabRowRecord> = on_db!(db, |conn| {
        let mut statement = sqlx::query_as(&sql)
            .bind(account_id.to_string())
            .bind(fetch);
        if let Some(cursor) = &conditions.after {
            statement = statement.bind(cursor.at.0).bind(cursor.id.to_string());
        }
        if let Some(search) = &conditions.search {
            statement = statement.bind(search.value());
        }
        statement.fetch_all(conn).await
    })?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let rows = rows
        .into_iter()
        .map(TabRow::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let next = rows.last().filter(|_| has_more).map(|last| TabCursor {
        at: last.request.updated_at(),
        id: last.request.id(),
    });
    Ok(TabPage { rows, next })
}

/// How many rows of `account_id`'s tab match `filter` and `search`, counted up to
/// [`COUNT_LIMIT`] + 1 (a count above the limit means "more than the limit").
#[instrument(skip_all, fields(%account_id, ?filter))]
pub async fn count_for_tab(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    filter: StatusFilter,
    search: &str,
) -> Result<u32, StoreError> {
    let db = db.into();
    let conditions = Conditions::new(db.engine(), search, None);
    let Some(sides) = union(filter, &conditions, " LIMIT $2", Selected::Ids) else {
        return Ok(0);
    };
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 AS one FROM ({sides}) AS matching LIMIT $2) AS counted"
    );
    let count: i64 = on_db!(db, |conn| {
        let mut statement = sqlx::query_scalar(&sql)
            .bind(account_id.to_string())
            .bind(i64::from(COUNT_LIMIT) + 1);
        if let Some(search) = &conditions.search {
            statement = statement.bind(search.value());
        }
        statement.fetch_one(conn).await
    })?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// How many requests await `account_id`'s approval (the navigation badge, the home page): the
/// rows it sees as "Received - Awaiting Your Approval", counted on
/// `partner_requests_awaiting_idx` up to `AWAITING_COUNT_LIMIT` + 1, so the count read on every
/// page an Administrator opens costs the same however many requests wait.
#[instrument(skip_all, fields(%account_id))]
pub async fn count_awaiting_approval(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
) -> Result<u32, StoreError> {
    let count: i64 = on_db!(db, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM partner_requests \
             WHERE recipient_account_id = $1 AND status = 'pending' AND archived = FALSE \
               AND deleted_by_recipient = FALSE LIMIT $2) AS awaiting",
        )
        .bind(account_id.to_string())
        .bind(i64::from(AWAITING_COUNT_LIMIT) + 1)
        .fetch_one(conn)
        .await
    })?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// The names of the organizations `account_id` is partners with now whose name has one of
/// `skeletons` (`entente_core::names::skeleton`): the partners a request's organization may
/// pass for, for `entente_core::names::look_alike` to decide. Found through the skeleton
/// index, then each checked for a partnership through the pair indexes, so the cost follows
/// the page, not the number of partners.
#[instrument(skip_all, fields(%account_id, skeletons = skeletons.len()))]
pub async fn partners_named_like(
    db: impl Into<Db<'_>>,
    account_id: AccountId,
    skeletons: &[String],
) -> Result<Vec<AccountName>, StoreError> {
    if skeletons.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.name FROM accounts a WHERE a.name_skeleton IN ({}) AND ( \
             EXISTS (SELECT 1 FROM partner_requests p \
                     WHERE p.sender_account_id = $1 AND p.recipient_account_id = a.id \
                       AND p.status = 'accepted' AND p.archived = FALSE) \
             OR EXISTS (SELECT 1 FROM partner_requests p \
                     WHERE p.recipient_account_id = $1 AND p.sender_account_id = a.id \
                       AND p.status = 'accepted' AND p.archived = FALSE))",
        crate::store::value_groups(skeletons.len(), 1, 2)
    );
    let names: Vec<String> = on_db!(db, |conn| {
        let mut query = sqlx::query_scalar(&sql).bind(account_id.to_string());
        for skeleton in skeletons {
            query = query.bind(skeleton.as_str());
        }
        query.fetch_all(conn).await
    })?;
    names
        .iter()
        .map(|name| decode::account_name(name, "accounts.name"))
        .collect()
}
