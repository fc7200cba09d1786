//! `entente-server seed-bench`, on both engines: the rows it writes are rows the pages read
//! (the Partners tab and Contacts, from the middle page links it prints), counts stop where
//! they should at a size no hand-made fixture reaches, and the organization-name skeletons
//! only Rust can compute are written for bulk rows and for rows that predate the column.

use entente_app::api::partners::AWAITING_COUNT_LIMIT;
use entente_core::names::skeleton;
use entente_core::{AccountName, Email};
use entente_server::seed;
use entente_server::store::contacts::{self, Cursor};
use entente_server::store::partner_requests::tab::{self, TabCursor, TabQuery};
use entente_server::store::{Pool, Store, accounts, users};

use crate::support::both_engines;

/// Rows per table: enough that more than [`AWAITING_COUNT_LIMIT`] requests await a decision
/// (one in four does).
const ROWS: u64 = 4_004;

/// The value of `after=` in a page address `seed-bench` printed.
fn after(address: &str) -> String {
    address.split_once("after=").unwrap().1.replace("%20", " ")
}

both_engines! {
    async fn seed_bench_writes_rows_the_pages_read_and_refuses_a_second_run(store: Store) {
        let pages = seed::seed_bench(&store, ROWS).await.unwrap();
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), ROWS as i64 + 1);
        let admin = users::find_user_by_email(&store, &Email::parse(seed::BENCH_EMAIL).unwrap())
            .await
            .unwrap()
            .expect("the bench organization's Administrator");
        let hash = admin.password_hash.expect("a password to sign in with");
        password_auth::verify_password(seed::BENCH_PASSWORD, &hash).unwrap();
        let account = admin.account_id;

        // The badge counts 1,001 waiting requests only up to one past its limit.
        let awaiting = tab::count_awaiting_approval(&store, account).await.unwrap();
        assert_eq!(awaiting, AWAITING_COUNT_LIMIT + 1);

        // The middle page of the Partners tab starts right after the request it names.
        let cursor = TabCursor::from_token(&after(&pages.partners_deep)).unwrap();
        let query = TabQuery { after: Some(cursor), limit: 50, ..TabQuery::default() };
        let page = tab::list_for_tab(&store, account, &query).await.unwrap();
        assert_eq!(page.rows.len(), 50);
        let first = &page.rows[0].request;
        assert!(first.updated_at() < cursor.at, "{:?} after {:?}", first.updated_at(), cursor.at);
        assert_eq!(first.updated_at().0, cursor.at.0 - 1, "the next request, one second older");

        // So does the middle page of Contacts.
        let cursor = Cursor::from_token(&after(&pages.contacts_deep)).unwrap();
        let query = contacts::Query { search: None, after: Some(cursor), limit: 20 };
        let page = contacts::list(&store, account, query).await.unwrap();
        assert_eq!(page.rows[0].name.as_str(), format!("Contact {:07}", ROWS / 2 + 1));

        // A second run would mix two data sets: refused.
        assert!(seed::seed_bench(&store, 4).await.is_err());
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), ROWS as i64 + 1);
    }

    async fn partners_named_like_finds_only_partners_and_skeletons_are_filled_after_migrating(store: Store) {
        seed::seed_bench(&store, 8).await.unwrap();
        let admin = users::find_user_by_email(&store, &Email::parse(seed::BENCH_EMAIL).unwrap())
            .await
            .unwrap()
            .unwrap();
        // Rows 1 and 5 are partners (i % 4 = 1); 2 is an invitation received, not a partner.
        let like = |name: &str| skeleton(name);
        let asked = [like("Partner Org 000000l"), like("Partner Org 0000002"), like("Partner 0rg 0000005")];
        let mut found = tab::partners_named_like(&store, admin.account_id, &asked).await.unwrap();
        found.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let names: Vec<&str> = found.iter().map(AccountName::as_str).collect();
        assert_eq!(names, ["Partner Org 0000001", "Partner Org 0000005"]);

        // Accounts from before the column existed have none; migrating writes them.
        let cleared = "UPDATE accounts SET name_skeleton = NULL";
        match store.pool() {
            Pool::Sqlite(pool) => sqlx::query(cleared).execute(pool).await.map(drop),
            Pool::Postgres(pool) => sqlx::query(cleared).execute(pool).await.map(drop),
        }
        .unwrap();
        assert!(tab::partners_named_like(&store, admin.account_id, &asked).await.unwrap().is_empty());
        store.migrate().await.unwrap();
        assert_eq!(tab::partners_named_like(&store, admin.account_id, &asked).await.unwrap().len(), 2);
    }
}
