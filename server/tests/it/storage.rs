//! The storage suite, run once on SQLite and once on PostgreSQL by `both_engines!`.

use entente_server::store::accounts::{self, NewAccount};
use entente_server::store::users::{self, profile};
use entente_server::store::{Store, StoreError};
use uuid::Uuid;

use crate::helpers::{both_engines, execute_raw, fetch_count};

/// A new account with an Administrator without password, named after `slug`.
fn new_account(slug: &str) -> NewAccount {
    NewAccount {
        account_name: format!("{slug} Ltd"),
        admin_name: format!("{slug} Admin"),
        admin_email: format!("admin@{slug}.example"),
        password_hash: None,
    }
}

/// Creates and commits an account with its Administrator.
async fn committed_account(store: &Store, slug: &str) -> (Uuid, Uuid) {
    let mut tx = store.begin_write().await.unwrap();
    let ids = accounts::create_account_with_admin(&mut tx, new_account(slug))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

both_engines! {
    async fn migrations_apply_once_and_again_is_a_no_op(store: Store) {
        let applied = fetch_count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await;
        // One row per file in server/migrations/<engine>; each branch adds its own.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .expect("read the migrations folder")
            .count();
        assert_eq!(applied, i64::try_from(files).unwrap());
        store.migrate().await.expect("a second migrate is a no-op");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await, applied);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn ping_answers(store: Store) {
        store.ping().await.expect("ping");
    }

    async fn account_is_created_with_its_administrator(store: Store) {
        let (account_id, admin_id) = committed_account(&store, "northwind").await;

        let account = accounts::get_account(&store, account_id).await.unwrap().unwrap();
        assert_eq!(account.name, "northwind Ltd");
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 1);

        let listed = users::list_users(&store, account_id).await.unwrap();
        assert_eq!(listed.len(), 1);
        let admin = &listed[0];
        assert_eq!(admin.id, admin_id);
        assert_eq!(admin.account_id, account_id);
        assert_eq!(admin.email, "admin@northwind.example");
        assert_eq!(admin.profile, profile::ADMINISTRATOR);
        assert!(admin.active);
        assert_eq!(admin.password_hash, None);
        assert_eq!(admin.created_at, admin.updated_at);
        assert_eq!(accounts::get_account(&store, Uuid::new_v4()).await.unwrap(), None);
    }

    async fn email_is_stored_normalized_and_found_case_insensitively(store: Store) {
        let (account_id, _) = committed_account(&store, "acme").await;
        let mut tx = store.begin_write().await.unwrap();
        let user_id = users::create_user(
            &mut tx, account_id, "Ana", "  Ana.Lopez@Acme.EXAMPLE ", profile::MANAGER, None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let found = users::find_user_by_email(&store, "ANA.LOPEZ@acme.example").await.unwrap();
        let found = found.expect("found whatever the case");
        assert_eq!(found.id, user_id);
        assert_eq!(found.email, "ana.lopez@acme.example");
        assert_eq!(users::find_user_by_email(&store, "nobody@acme.example").await.unwrap(), None);
    }

    async fn email_is_unique_across_accounts(store: Store) {
        let (_, _) = committed_account(&store, "northwind").await;
        let (acme_id, _) = committed_account(&store, "acme").await;

        // Another account, the same address in another case: the database refuses it.
        let mut tx = store.begin_write().await.unwrap();
        let refused = users::create_user(
            &mut tx, acme_id, "Copycat", "ADMIN@Northwind.example", profile::STANDARD, None,
        )
        .await;
        assert!(matches!(refused, Err(StoreError::EmailTaken)), "{refused:?}");
        drop(tx);

        // A whole sign-up with a taken address leaves no account behind either.
        let mut tx = store.begin_write().await.unwrap();
        let mut sign_up = new_account("other");
        sign_up.admin_email = "admin@northwind.example".to_owned();
        let refused = accounts::create_account_with_admin(&mut tx, sign_up).await;
        assert!(matches!(refused, Err(StoreError::EmailTaken)), "{refused:?}");
        drop(tx);

        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 2);
        assert_eq!(users::list_users(&store, acme_id).await.unwrap().len(), 1);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 2);
    }

    async fn user_of_an_unknown_account_is_refused(store: Store) {
        let mut tx = store.begin_write().await.unwrap();
        let refused = users::create_user(
            &mut tx, Uuid::new_v4(), "Ghost", "ghost@nowhere.example", profile::STANDARD, None,
        )
        .await;
        assert!(matches!(refused, Err(StoreError::UnknownAccount)), "{refused:?}");
        drop(tx);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn unknown_profile_is_refused(store: Store) {
        let (account_id, _) = committed_account(&store, "acme").await;
        for known in profile::ALL {
            let mut tx = store.begin_write().await.unwrap();
            let email = format!("{known}@acme.example");
            users::create_user(&mut tx, account_id, "Known", &email, known, None)
                .await
                .unwrap_or_else(|error| panic!("{known} is a profile: {error:?}"));
            tx.commit().await.unwrap();
        }

        let mut tx = store.begin_write().await.unwrap();
        let refused = users::create_user(
            &mut tx, account_id, "Root", "root@acme.example", "superuser", None,
        )
        .await;
        assert!(matches!(refused, Err(StoreError::InvalidProfile)), "{refused:?}");
        drop(tx);
        assert_eq!(users::list_users(&store, account_id).await.unwrap().len(), 6);
    }

    async fn database_refuses_an_email_that_is_not_lowercase(store: Store) {
        let (account_id, _) = committed_account(&store, "acme").await;
        let insert = format!(
            "INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) \
             VALUES ('{}', '{account_id}', 'Mixed@acme.example', 'Mixed', 'standard', TRUE, 0, 0)",
            Uuid::new_v4(),
        );
        let refused = execute_raw(&store, &insert).await.expect_err("refused by the CHECK");
        let database_error = refused.as_database_error().expect("a database error");
        assert_eq!(database_error.kind(), sqlx::error::ErrorKind::CheckViolation);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 1);
    }

    async fn dropped_or_rolled_back_transaction_writes_nothing(store: Store) {
        let mut tx = store.begin_write().await.unwrap();
        accounts::create_account_with_admin(&mut tx, new_account("dropped")).await.unwrap();
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        accounts::create_account_with_admin(&mut tx, new_account("rolled")).await.unwrap();
        tx.rollback().await.unwrap();

        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 0);
        assert_eq!(users::find_user_by_email(&store, "admin@dropped.example").await.unwrap(), None);
        assert_eq!(users::find_user_by_email(&store, "admin@rolled.example").await.unwrap(), None);
    }

    async fn concurrent_writers_all_succeed(store: Store) {
        let (account_id, _) = committed_account(&store, "busy").await;
        let writers: Vec<_> = (0..20)
            .map(|index| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut tx = store.begin_write().await?;
                    // Read, then write: with a deferred BEGIN on SQLite this pattern fails
                    // with SQLITE_BUSY when another writer commits in between.
                    let accounts_seen = accounts::lock_and_count_accounts(&mut tx).await?;
                    assert_eq!(accounts_seen, 1);
                    let email = format!("writer{index}@busy.example");
                    users::create_user(&mut tx, account_id, "Writer", &email, profile::STANDARD, None)
                        .await?;
                    tx.commit().await
                })
            })
            .collect();
        for writer in writers {
            writer.await.expect("writer task").expect("writer succeeds");
        }
        assert_eq!(users::list_users(&store, account_id).await.unwrap().len(), 21);
    }
}
