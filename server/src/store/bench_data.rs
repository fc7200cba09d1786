//! Bulk rows for `entente-server seed-bench`: one organization with `n` partner requests and
//! `n` contacts, written by a few set-based statements (a counting CTE feeding an
//! `INSERT … SELECT`), so 10⁶ rows take seconds, not one round trip each.
//!
//! The rows are regular rows: the same tables, constraints, search indexes (SQLite's FTS
//! triggers fire, PostgreSQL's trigram indexes fill) and ids as the service writes, so every
//! page reads them as it reads real data. Ids are UUID texts numbered by row
//! ([`bench_id`]), so a caller can name any row (a deep page's cursor) without reading.

use entente_core::{AccountId, Timestamp, UserId};
use uuid::Uuid;

use super::{Engine, StoreError, Tx};

/// Which table a [`bench_id`] numbers: the first block of the UUID text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchTable {
    /// The partner organizations (`accounts`).
    Accounts = 1,
    /// Their Administrators (`users`).
    Users = 2,
    /// `partner_requests`.
    Requests = 3,
    /// The organization's hand-added `contacts`.
    Contacts = 4,
}

/// The id of row `i` of `table`, as the statements below write it.
pub fn bench_id(table: BenchTable, i: u64) -> Uuid {
    Uuid::from_u128((u128::from(table as u32) << 96) | 0x4000_8000_0000_0000_0000 | u128::from(i))
}

/// The name of contact `i`.
pub fn contact_name(i: u64) -> String {
    format!("Contact {i:07}")
}

/// The `updated_at` of request `i`: one second apart, the newest last.
pub fn request_updated_at(start: Timestamp, i: u64) -> Timestamp {
    Timestamp(start.0 + i as i64)
}

/// The SQL text of an id numbered by the counter `i`, for either engine (the same text as
/// [`bench_id`] writes).
fn id_sql(engine: Engine, table: BenchTable) -> String {
    let prefix = format!("{:08x}-0000-4000-8000-", table as u32);
    match engine {
        Engine::Sqlite => format!("printf('{prefix}%012x', i)"),
        Engine::Postgres => format!("('{prefix}' || lpad(to_hex(i), 12, '0'))"),
    }
}

/// `i` as seven digits, for either engine.
fn padded_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "printf('%07d', i)",
        Engine::Postgres => "lpad(i::text, 7, '0')",
    }
}

/// Writes `n` partner organizations with one Administrator each; `n` requests between them
/// and `account` (by row number: a quarter pending from `account`, a quarter accepted, a
/// quarter pending to `account` awaiting its decision, a quarter rejected); and `n` contacts
/// of `account`.
pub async fn insert(
    tx: &mut Tx,
    account: AccountId,
    admin: UserId,
    admin_email: &str,
    n: u64,
    start: Timestamp,
) -> Result<(), StoreError> {
    let engine = super::Db::from(&mut *tx).engine();
    let count = |body: String| {
        format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) {body}"
        )
    };
    let padded = padded_sql(engine);
    let account_id = id_sql(engine, BenchTable::Accounts);
    let user_id = id_sql(engine, BenchTable::Users);
    let request_id = id_sql(engine, BenchTable::Requests);
    let contact_id = id_sql(engine, BenchTable::Contacts);
    // Each statement with how many of the parameters below it reads (PostgreSQL refuses more).
    let statements = [
        (
            2,
            format!(
                "INSERT INTO accounts (id, name, name_search, created_at) {}",
                count(format!(
                    "SELECT {account_id}, 'Partner Org ' || {padded}, 'partner org ' || {padded}, $2 FROM seq"
                ))
            ),
        ),
        (
            2,
            format!(
                "INSERT INTO users (id, account_id, email, name, profile, created_at, updated_at) {}",
                count(format!(
                    "SELECT {user_id}, {account_id}, 'admin@partner-' || {padded} || '.example', \
                 'Partner Admin ' || {padded}, 'administrator', $2, $2 FROM seq"
                ))
            ),
        ),
        // i % 4: 0 pending from the account, 1 accepted, 2 pending to the account, 3 rejected.
        (
            5,
            format!(
                "INSERT INTO partner_requests (id, sender_account_id, sending_user_id, recipient_email, \
             recipient_account_id, status, created_at, updated_at) {}",
                count(format!(
                    "SELECT {request_id}, \
                 CASE WHEN i % 4 = 2 THEN {account_id} ELSE $3 END, \
                 CASE WHEN i % 4 = 2 THEN {user_id} ELSE $4 END, \
                 CASE WHEN i % 4 = 2 THEN $5 ELSE 'admin@partner-' || {padded} || '.example' END, \
                 CASE WHEN i % 4 = 2 THEN $3 ELSE {account_id} END, \
                 CASE i % 4 WHEN 1 THEN 'accepted' WHEN 3 THEN 'rejected' ELSE 'pending' END, \
                 $2, $2 + i FROM seq"
                ))
            ),
        ),
        (
            3,
            format!(
                "INSERT INTO contacts (id, account_id, email, name, kind, created_at, updated_at) {}",
                count(format!(
                    "SELECT {contact_id}, $3, 'contact-' || {padded} || '@customers.example', \
                 'Contact ' || {padded}, 'contact', $2, $2 FROM seq"
                ))
            ),
        ),
    ];
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let (account, admin) = (account.to_string(), admin.to_string());
    for (binds, statement) in &statements {
        on_tx!(tx, |conn| {
            let mut query = sqlx::query(statement).bind(n).bind(start.0);
            if *binds >= 3 {
                query = query.bind(account.as_str());
            }
            if *binds == 5 {
                query = query.bind(admin.as_str()).bind(admin_email);
            }
            query.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_number_rows_as_the_sql_writes_them() {
        assert_eq!(
            bench_id(BenchTable::Requests, 0x2a).to_string(),
            "00000003-0000-4000-8000-00000000002a"
        );
        assert_eq!(
            bench_id(BenchTable::Accounts, 1_000_000).to_string(),
            "00000001-0000-4000-8000-0000000f4240"
        );
    }
}
