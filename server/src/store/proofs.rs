//! SQL for proofs and their review (migration 0020, SPEC 3.2): the proof of a file, its
//! reviewers' decisions per version, the comments per version, the reminders sent. Who may do
//! what and a version's overall status are entente_core's (`proofs`); the stored `status` is
//! what core's `overall` said for the current version, written by the same transaction as the
//! change that moved it.

use entente_core::proofs::{Decision, OverallStatus, Pin};
use entente_core::{
    AccountId, AccountName, CommentId, Email, ItemId, PersonName, Timestamp, UserId,
};
use tracing::instrument;

use super::cursor::TimeCursor;
use super::{Db, StoreError, Tx, decode};

/// The keyset cursor of the owner's proofs list, most recently changed first.
pub type Cursor = TimeCursor<ItemId>;

/// A proof as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofRecord {
    /// The file.
    pub item_id: ItemId,
    /// The owner account.
    pub account_id: AccountId,
    /// Who sent it for review.
    pub sent_by: UserId,
    /// When.
    pub sent_at: Timestamp,
    /// The deadline, if any.
    pub deadline: Option<Timestamp>,
    /// Whether the owner side locked it.
    pub locked: bool,
    /// The version under review.
    pub current_version: u32,
    /// Core's overall status of that version.
    pub status: OverallStatus,
    /// The last change.
    pub updated_at: Timestamp,
}

const PROOF_COLUMNS: &str = "p.item_id, p.account_id, p.sent_by, p.sent_at, p.deadline, \
     p.locked, p.current_version, p.status, p.updated_at";

type ProofRow = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    bool,
    i32,
    String,
    i64,
);

fn number(value: i32, column: &'static str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt { column })
}

fn decode_proof(row: ProofRow) -> Result<ProofRecord, StoreError> {
    let (item, account, sent_by, sent_at, deadline, locked, version, status, updated_at) = row;
    Ok(ProofRecord {
        item_id: decode::id(&item, "proofs.item_id")?,
        account_id: decode::id(&account, "proofs.account_id")?,
        sent_by: decode::id(&sent_by, "proofs.sent_by")?,
        sent_at: Timestamp(sent_at),
        deadline: deadline.map(Timestamp),
        locked,
        current_version: number(version, "proofs.current_version")?,
        status: decode::parsed(&status, "proofs.status")?,
        updated_at: Timestamp(updated_at),
    })
}

/// The proof of the file `id`, if it is one.
#[instrument(skip_all, fields(%id))]
pub async fn get(db: impl Into<Db<'_>>, id: ItemId) -> Result<Option<ProofRecord>, StoreError> {
    let sql = format!("SELECT {PROOF_COLUMNS} FROM proofs p WHERE p.item_id = $1");
    let row: Option<ProofRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(decode_proof).transpose()
}

/// A proof to make.
#[derive(Debug, Clone, Copy)]
pub struct NewProof {
    /// The file.
    pub item_id: ItemId,
    /// Its account.
    pub account_id: AccountId,
    /// Who sends it.
    pub sent_by: UserId,
    /// The deadline.
    pub deadline: Option<Timestamp>,
    /// The file's current version.
    pub version: u32,
    /// Core's overall status with the reviewers named.
    pub status: OverallStatus,
}

/// Records a new proof in the caller's transaction.
#[instrument(skip_all, fields(item = %proof.item_id))]
pub async fn insert(tx: &mut Tx, proof: &NewProof, now: Timestamp) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO proofs (item_id, account_id, sent_by, sent_at, deadline, locked, \
             current_version, status, updated_at) VALUES ($1, $2, $3, $4, $5, FALSE, $6, $7, $4)",
        )
        .bind(proof.item_id.to_string())
        .bind(proof.account_id.to_string())
        .bind(proof.sent_by.to_string())
        .bind(now.0)
        .bind(proof.deadline.map(|deadline| deadline.0))
        .bind(i32::try_from(proof.version).unwrap_or(i32::MAX))
        .bind(proof.status.as_str())
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Sets the proof's status (core's `overall` of its current version) and when it changed.
pub async fn set_status(
    tx: &mut Tx,
    proof: ItemId,
    status: OverallStatus,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE proofs SET status = $2, updated_at = $3 WHERE item_id = $1")
            .bind(proof.to_string())
            .bind(status.as_str())
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Locks or unlocks the proof.
pub async fn set_locked(
    tx: &mut Tx,
    proof: ItemId,
    locked: bool,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE proofs SET locked = $2, updated_at = $3 WHERE item_id = $1")
            .bind(proof.to_string())
            .bind(locked)
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Changes the proof's deadline.
pub async fn set_deadline(
    tx: &mut Tx,
    proof: ItemId,
    deadline: Option<Timestamp>,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE proofs SET deadline = $2, updated_at = $3 WHERE item_id = $1")
            .bind(proof.to_string())
            .bind(deadline.map(|deadline| deadline.0))
            .bind(now.0)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Moves the review to `version`: every reviewer of the current version is Pending on it
/// (one insert-select), and the proof's current version is `version`.
#[instrument(skip_all, fields(%proof, version))]
pub async fn start_version(
    tx: &mut Tx,
    proof: ItemId,
    version: u32,
    by: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let version = i32::try_from(version).unwrap_or(i32::MAX);
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO proof_reviews (proof_id, version, user_id, decision, decided_at, \
             added_by, added_at, position) \
             SELECT r.proof_id, $2, r.user_id, 'pending', NULL, $3, $4, r.position \
             FROM proof_reviews r JOIN proofs p ON p.item_id = r.proof_id \
             WHERE r.proof_id = $1 AND r.version = p.current_version",
        )
        .bind(proof.to_string())
        .bind(version)
        .bind(by.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE proofs SET current_version = $2, status = 'pending', updated_at = $3 \
             WHERE item_id = $1",
        )
        .bind(proof.to_string())
        .bind(version)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// One reviewer's decision on one version, with who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    /// The reviewer.
    pub user_id: UserId,
    /// Their account.
    pub account_id: AccountId,
    /// Their name.
    pub name: PersonName,
    /// Their address.
    pub email: Email,
    /// Whether they are active.
    pub active: bool,
    /// Their organization's name.
    pub organization: AccountName,
    /// Their decision.
    pub decision: Decision,
    /// When they decided.
    pub decided_at: Option<Timestamp>,
}

type ReviewRow = (
    String,
    String,
    String,
    String,
    bool,
    String,
    String,
    Option<i64>,
);

fn decode_review(row: ReviewRow) -> Result<ReviewRecord, StoreError> {
    let (user, account, name, email, active, organization, decision, decided_at) = row;
    Ok(ReviewRecord {
        user_id: decode::id(&user, "proof_reviews.user_id")?,
        account_id: decode::id(&account, "users.account_id")?,
        name: decode::person_name(&name, "users.name")?,
        email: decode::email(&email, "users.email")?,
        active,
        organization: decode::account_name(&organization, "accounts.name")?,
        decision: decode::parsed(&decision, "proof_reviews.decision")?,
        decided_at: decided_at.map(Timestamp),
    })
}

/// The reviewers of `version` with their decisions, in the order they were named (their
/// `position`: named together in one form, in the form's order).
#[instrument(skip_all, fields(%proof, version))]
pub async fn reviews(
    db: impl Into<Db<'_>>,
    proof: ItemId,
    version: u32,
) -> Result<Vec<ReviewRecord>, StoreError> {
    let rows: Vec<ReviewRow> = on_db!(db, |conn| {
        sqlx::query_as(
            "SELECT r.user_id, u.account_id, u.name, u.email, u.active, a.name, r.decision, \
             r.decided_at FROM proof_reviews r JOIN users u ON u.id = r.user_id \
             JOIN accounts a ON a.id = u.account_id \
             WHERE r.proof_id = $1 AND r.version = $2 ORDER BY r.position",
        )
        .bind(proof.to_string())
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .fetch_all(conn)
        .await
    })?;
    rows.into_iter().map(decode_review).collect()
}

/// Names `user` as a reviewer of `version` (Pending); `false` when they were already.
pub async fn add_reviewer(
    tx: &mut Tx,
    proof: ItemId,
    version: u32,
    user: UserId,
    by: UserId,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let added = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO proof_reviews (proof_id, version, user_id, decision, decided_at, \
             added_by, added_at, position) \
             SELECT $1, $2, $3, 'pending', NULL, $4, $5, COALESCE(MAX(position), 0) + 1 \
             FROM proof_reviews WHERE proof_id = $1 AND version = $2 \
             ON CONFLICT DO NOTHING",
        )
        .bind(proof.to_string())
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .bind(user.to_string())
        .bind(by.to_string())
        .bind(now.0)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(added == 1)
}

/// Removes `user` from the reviewers of `version` (earlier versions keep their decision).
pub async fn remove_reviewer(
    tx: &mut Tx,
    proof: ItemId,
    version: u32,
    user: UserId,
) -> Result<bool, StoreError> {
    let removed = on_tx!(tx, |conn| {
        sqlx::query(
            "DELETE FROM proof_reviews WHERE proof_id = $1 AND version = $2 AND user_id = $3",
        )
        .bind(proof.to_string())
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .bind(user.to_string())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(removed == 1)
}

/// Records `user`'s decision on `version`.
pub async fn decide(
    tx: &mut Tx,
    proof: ItemId,
    version: u32,
    user: UserId,
    decision: Decision,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE proof_reviews SET decision = $4, decided_at = $5 \
             WHERE proof_id = $1 AND version = $2 AND user_id = $3",
        )
        .bind(proof.to_string())
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .bind(user.to_string())
        .bind(decision.as_str())
        .bind((decision != Decision::Pending).then_some(now.0))
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// A comment as stored, with its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    /// The comment.
    pub id: CommentId,
    /// The proof.
    pub proof_id: ItemId,
    /// The version it is on.
    pub version: u32,
    /// Its author.
    pub author_id: UserId,
    /// Their name.
    pub author_name: PersonName,
    /// Their organization.
    pub author_organization: AccountName,
    /// The text (core's `CommentText` when written).
    pub body: String,
    /// The page it is on, if pinned to one.
    pub page: Option<u32>,
    /// The point on the page, thousandths.
    pub point: Option<(u16, u16)>,
    /// A reply: the comment it answers.
    pub reply_to: Option<CommentId>,
    /// When it was resolved.
    pub resolved_at: Option<Timestamp>,
    /// When it was written.
    pub created_at: Timestamp,
}

type CommentRow = (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<i64>,
    i64,
);

const COMMENT_SELECT: &str = "SELECT c.id, c.proof_id, c.version, c.author_id, u.name, a.name, \
     c.body, c.page, c.x, c.y, c.reply_to, c.resolved_at, c.created_at FROM proof_comments c \
     JOIN users u ON u.id = c.author_id JOIN accounts a ON a.id = u.account_id";

fn decode_comment(row: CommentRow) -> Result<CommentRecord, StoreError> {
    let (id, proof, version, author, name, organization, body, page, x, y, reply, resolved, at) =
        row;
    let corrupt = || StoreError::Corrupt {
        column: "proof_comments.x",
    };
    let point = match (x, y) {
        (Some(x), Some(y)) => Some((
            u16::try_from(x).map_err(|_| corrupt())?,
            u16::try_from(y).map_err(|_| corrupt())?,
        )),
        (None, None) => None,
        _ => return Err(corrupt()),
    };
    Ok(CommentRecord {
        id: decode::id(&id, "proof_comments.id")?,
        proof_id: decode::id(&proof, "proof_comments.proof_id")?,
        version: number(version, "proof_comments.version")?,
        author_id: decode::id(&author, "proof_comments.author_id")?,
        author_name: decode::person_name(&name, "users.name")?,
        author_organization: decode::account_name(&organization, "accounts.name")?,
        body,
        page: page
            .map(|page| number(page, "proof_comments.page"))
            .transpose()?,
        point,
        reply_to: reply
            .map(|reply| decode::id(&reply, "proof_comments.reply_to"))
            .transpose()?,
        resolved_at: resolved.map(Timestamp),
        created_at: Timestamp(at),
    })
}

/// How many comments of a version a page shows at most.
pub const THREAD_LIMIT: i64 = 1_000;

/// The comments on `version`, oldest first (at most [`THREAD_LIMIT`]).
#[instrument(skip_all, fields(%proof, version))]
pub async fn comments(
    db: impl Into<Db<'_>>,
    proof: ItemId,
    version: u32,
) -> Result<Vec<CommentRecord>, StoreError> {
    let sql = format!(
        "{COMMENT_SELECT} WHERE c.proof_id = $1 AND c.version = $2 \
         ORDER BY c.number LIMIT $3"
    );
    let rows: Vec<CommentRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(proof.to_string())
            .bind(i32::try_from(version).unwrap_or(i32::MAX))
            .bind(THREAD_LIMIT)
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter().map(decode_comment).collect()
}

/// The comment `id`.
pub async fn comment(
    db: impl Into<Db<'_>>,
    id: CommentId,
) -> Result<Option<CommentRecord>, StoreError> {
    let sql = format!("{COMMENT_SELECT} WHERE c.id = $1");
    let row: Option<CommentRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(conn)
            .await
    })?;
    row.map(decode_comment).transpose()
}

/// Where a new comment goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The version as a whole.
    None,
    /// A page of it.
    Page(u32),
    /// A point of a page.
    Point(Pin),
}

/// A comment to record.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    /// The proof.
    pub proof_id: ItemId,
    /// The version.
    pub version: u32,
    /// The author.
    pub author_id: UserId,
    /// The checked text.
    pub body: &'a str,
    /// Where it is pinned.
    pub anchor: Anchor,
    /// The comment it answers.
    pub reply_to: Option<CommentId>,
}

/// Records a comment, numbered after the proof's others (the caller's transaction is
/// serialized per proof); returns its id.
pub async fn insert_comment(
    tx: &mut Tx,
    comment: &NewComment<'_>,
    now: Timestamp,
) -> Result<CommentId, StoreError> {
    let id = CommentId::from_uuid(uuid::Uuid::new_v4());
    let (page, x, y) = match comment.anchor {
        Anchor::None => (None, None, None),
        Anchor::Page(page) => (Some(page), None, None),
        Anchor::Point(pin) => (Some(pin.page), Some(pin.x), Some(pin.y)),
    };
    let page = page.map(|page| i32::try_from(page).unwrap_or(i32::MAX));
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO proof_comments (id, proof_id, number, version, author_id, body, page, \
             x, y, reply_to, resolved_at, resolved_by, created_at) \
             SELECT $1, $2, COALESCE(MAX(number), 0) + 1, $3, $4, $5, $6, $7, $8, $9, NULL, \
             NULL, $10 FROM proof_comments WHERE proof_id = $2",
        )
        .bind(id.to_string())
        .bind(comment.proof_id.to_string())
        .bind(i32::try_from(comment.version).unwrap_or(i32::MAX))
        .bind(comment.author_id.to_string())
        .bind(comment.body)
        .bind(page)
        .bind(x.map(i32::from))
        .bind(y.map(i32::from))
        .bind(comment.reply_to.map(|reply| reply.to_string()))
        .bind(now.0)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(id)
}

/// Marks the comment resolved by `by`, or open again with `None`.
pub async fn resolve(
    tx: &mut Tx,
    comment: CommentId,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE proof_comments SET resolved_at = $2, resolved_by = $3 WHERE id = $1")
            .bind(comment.to_string())
            .bind(by.map(|_| now.0))
            .bind(by.map(|user| user.to_string()))
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// A row of "My reviews" or of the owner's proofs list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofListed {
    /// The proof.
    pub proof: ProofRecord,
    /// The file's name now.
    pub name: entente_core::documents::ItemName,
    /// The owner organization's name.
    pub owner_name: AccountName,
    /// "My reviews": my decision on the current version.
    pub my_decision: Option<Decision>,
}

type ListedRow = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    bool,
    i32,
    String,
    i64,
    String,
    String,
    Option<String>,
);

fn decode_listed(row: ListedRow) -> Result<ProofListed, StoreError> {
    let (a, b, c, d, e, f, g, h, i, name, owner, mine) = row;
    Ok(ProofListed {
        proof: decode_proof((a, b, c, d, e, f, g, h, i))?,
        name: entente_core::documents::ItemName::parse(&name).map_err(|_| StoreError::Corrupt {
            column: "items.name",
        })?,
        owner_name: decode::account_name(&owner, "accounts.name")?,
        my_decision: mine
            .map(|decision| decode::parsed(&decision, "proof_reviews.decision"))
            .transpose()?,
    })
}

/// How many rows a proofs list shows at most.
pub const LIST_LIMIT: i64 = 200;

/// The live proofs `user` reviews now (named on the current version), pending first by
/// deadline, then the decided ones, most recently changed first; at most [`LIST_LIMIT`].
#[instrument(skip_all, fields(%user))]
pub async fn reviewed_by(
    db: impl Into<Db<'_>>,
    user: UserId,
) -> Result<Vec<ProofListed>, StoreError> {
    let sql = format!(
        "SELECT {PROOF_COLUMNS}, i.name, a.name, r.decision FROM proof_reviews r \
         JOIN proofs p ON p.item_id = r.proof_id AND p.current_version = r.version \
         JOIN items i ON i.id = p.item_id JOIN accounts a ON a.id = p.account_id \
         WHERE r.user_id = $1 AND i.deleted_at IS NULL \
         ORDER BY CASE WHEN r.decision = 'pending' THEN 0 ELSE 1 END, \
         CASE WHEN r.decision = 'pending' THEN COALESCE(p.deadline, 9223372036854775807) \
         ELSE -p.updated_at END, p.item_id LIMIT $2"
    );
    let rows: Vec<ListedRow> = on_db!(db, |conn| {
        sqlx::query_as(&sql)
            .bind(user.to_string())
            .bind(LIST_LIMIT)
            .fetch_all(conn)
            .await
    })?;
    rows.into_iter().map(decode_listed).collect()
}

/// One keyset page of `account`'s live proofs, most recently changed first, of `status` only
/// when given, reviewed by people of `partner` only when given.
#[instrument(skip_all, fields(%account))]
pub async fn of_account(
    db: impl Into<Db<'_>>,
    account: AccountId,
    status: Option<OverallStatus>,
    partner: Option<AccountId>,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<ProofListed>, StoreError> {
    let mut sql = format!(
        "SELECT {PROOF_COLUMNS}, i.name, a.name, CAST(NULL AS TEXT) FROM proofs p \
         JOIN items i ON i.id = p.item_id JOIN accounts a ON a.id = p.account_id \
         WHERE p.account_id = $1 AND i.deleted_at IS NULL \
         AND ($2 = '' OR p.status = $2) \
         AND ($3 = '' OR EXISTS (SELECT 1 FROM proof_reviews r JOIN users u ON u.id = r.user_id \
              WHERE r.proof_id = p.item_id AND r.version = p.current_version \
              AND u.account_id = $3))"
    );
    if after.is_some() {
        sql.push_str(" AND (p.updated_at < $5 OR (p.updated_at = $5 AND p.item_id > $6))");
    }
    sql.push_str(" ORDER BY p.updated_at DESC, p.item_id LIMIT $4");
    let rows: Vec<ListedRow> = on_db!(db, |conn| {
        let mut query = sqlx::query_as(&sql)
            .bind(account.to_string())
            .bind(status.map(OverallStatus::as_str).unwrap_or_default())
            .bind(partner.map(|id| id.to_string()).unwrap_or_default())
            .bind(limit);
        if let Some(cursor) = after {
            query = query.bind(cursor.at.0).bind(cursor.id.to_string());
        }
        query.fetch_all(conn).await
    })?;
    rows.into_iter().map(decode_listed).collect()
}

/// A reminder to send: a pending reviewer of a proof due within a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    /// The proof.
    pub proof: ItemId,
    /// The reviewer.
    pub user: UserId,
    /// Their address.
    pub email: Email,
    /// The deadline reminded of.
    pub deadline: Timestamp,
    /// The file's name.
    pub name: String,
    /// The owner organization's name.
    pub owner_name: String,
}

/// The reminders not sent yet for deadlines in `[from, to)`: active reviewers still pending
/// on the current version of unlocked live proofs (at most `limit`).
#[instrument(skip_all)]
pub async fn due_reminders(
    db: impl Into<Db<'_>>,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
) -> Result<Vec<DueReminder>, StoreError> {
    let rows: Vec<(String, String, String, i64, String, String)> = on_db!(db, |conn| {
        sqlx::query_as(
            "SELECT p.item_id, r.user_id, u.email, p.deadline, i.name, a.name FROM proofs p \
             JOIN proof_reviews r ON r.proof_id = p.item_id AND r.version = p.current_version \
             JOIN users u ON u.id = r.user_id JOIN items i ON i.id = p.item_id \
             JOIN accounts a ON a.id = p.account_id \
             WHERE p.deadline >= $1 AND p.deadline < $2 AND p.locked = FALSE \
             AND r.decision = 'pending' AND u.active = TRUE AND i.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM proof_reminders m WHERE m.proof_id = p.item_id \
                 AND m.user_id = r.user_id AND m.deadline = p.deadline) \
             ORDER BY p.deadline, p.item_id, r.user_id LIMIT $3",
        )
        .bind(from.0)
        .bind(to.0)
        .bind(limit)
        .fetch_all(conn)
        .await
    })?;
    rows.into_iter()
        .map(|(proof, user, email, deadline, name, owner)| {
            Ok(DueReminder {
                proof: decode::id(&proof, "proofs.item_id")?,
                user: decode::id(&user, "proof_reviews.user_id")?,
                email: decode::email(&email, "users.email")?,
                deadline: Timestamp(deadline),
                name,
                owner_name: owner,
            })
        })
        .collect()
}

/// Claims the reminder of `user` for `proof`'s `deadline`: `true` for the one transaction
/// that records it first (it then sends the email), `false` for any other.
pub async fn claim_reminder(
    tx: &mut Tx,
    proof: ItemId,
    user: UserId,
    deadline: Timestamp,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let claimed = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO proof_reminders (proof_id, user_id, deadline, sent_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(proof.to_string())
        .bind(user.to_string())
        .bind(deadline.0)
        .bind(now.0)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(claimed == 1)
}

/// The statements that delete the proofs of the files in `list` (an SQL list of quoted ids),
/// run by the purge before it deletes the files.
pub fn purge_statements(list: &str) -> [String; 4] {
    [
        format!("DELETE FROM proof_reminders WHERE proof_id IN ({list})"),
        format!("DELETE FROM proof_comments WHERE proof_id IN ({list})"),
        format!("DELETE FROM proof_reviews WHERE proof_id IN ({list})"),
        format!("DELETE FROM proofs WHERE item_id IN ({list})"),
    ]
}
