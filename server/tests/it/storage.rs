//! The storage suite, run once on SQLite and once on PostgreSQL by `both_engines!`.

use entente_core::{AccountId, Profile};
use entente_server::store::accounts;
use entente_server::store::users;
use entente_server::store::{Conflict, Engine, Store, StoreError};
use uuid::Uuid;

use crate::contacts::{NOW, email, name, new_account, new_user, org};
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};

/// How many migration files the engine has, so the check holds as migrations are added.
fn migration_files(engine: Engine) -> i64 {
    let folder = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let count = std::fs::read_dir(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "sql"))
        })
        .count();
    i64::try_from(count).unwrap()
}

both_engines! {
    async fn migrations_apply_once_and_again_is_a_no_op(store: Store) {
        let files = migration_files(store.engine());
        let applied = fetch_count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await;
        assert_eq!(applied, files);
        store.migrate().await.expect("a second migrate is a no-op");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM _sqlx_migrations").await, files);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn ping_answers(store: Store) {
        store.ping().await.expect("ping");
    }

    async fn account_is_created_with_its_administrator(store: Store) {
        let northwind = org(&store, "northwind").await;
        let (account_id, admin_id) = (northwind.id, northwind.admin);

        let account = accounts::get_account(&store, account_id).await.unwrap().unwrap();
        assert_eq!(account.name.as_str(), "northwind Ltd");
        assert_eq!(account.created_at, NOW);
        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 1);

        let listed = users::list_users(&store, account_id).await.unwrap();
        assert_eq!(listed.len(), 1);
        let admin = &listed[0];
        assert_eq!(admin.id, admin_id);
        assert_eq!(admin.account_id, account_id);
        assert_eq!(admin.email.as_str(), "admin@northwind.example");
        assert_eq!(admin.profile, Profile::Administrator);
        assert!(admin.active);
        assert_eq!(admin.password_hash, None);
        assert_eq!(admin.created_at, admin.updated_at);
        let unknown = AccountId::from_uuid(Uuid::new_v4());
        assert_eq!(accounts::get_account(&store, unknown).await.unwrap(), None);
    }

    async fn email_is_stored_normalized_and_found_case_insensitively(store: Store) {
        let acme = org(&store, "acme").await;
        let ana = name("Ana");
        let address = email("  Ana.Lopez@Acme.EXAMPLE ");
        let mut tx = store.begin_write().await.unwrap();
        let user_id = users::create_user(&mut tx, new_user(acme.id, &ana, &address, Profile::Manager), NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let found = users::find_user_by_email(&store, &email("ANA.LOPEZ@acme.example")).await.unwrap();
        let found = found.expect("found whatever the case");
        assert_eq!(found.id, user_id);
        assert_eq!(found.email.as_str(), "ana.lopez@acme.example");
        let stored = fetch_count(&store, "SELECT COUNT(*) FROM users WHERE email = 'ana.lopez@acme.example'").await;
        assert_eq!(stored, 1, "stored in its normalized form");
        assert_eq!(users::find_user_by_email(&store, &email("nobody@acme.example")).await.unwrap(), None);
    }

    async fn email_is_unique_across_accounts(store: Store) {
        org(&store, "northwind").await;
        let acme = org(&store, "acme").await;

        // Another account, the same address in another case: the database refuses it.
        let (copycat, taken) = (name("Copycat"), email("ADMIN@Northwind.example"));
        let mut tx = store.begin_write().await.unwrap();
        let refused = users::create_user(&mut tx, new_user(acme.id, &copycat, &taken, Profile::Standard), NOW).await;
        assert!(matches!(refused, Err(StoreError::Conflict(Conflict::EmailTaken))), "{refused:?}");
        drop(tx);

        // A whole sign-up with a taken address leaves no account behind either.
        let mut tx = store.begin_write().await.unwrap();
        let mut sign_up = new_account("other");
        sign_up.admin_email = email("admin@northwind.example");
        let refused = accounts::create_account_with_admin(&mut tx, &sign_up, NOW).await;
        assert!(matches!(refused, Err(StoreError::Conflict(Conflict::EmailTaken))), "{refused:?}");
        drop(tx);

        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 2);
        assert_eq!(users::list_users(&store, acme.id).await.unwrap().len(), 1);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 2);
    }

    async fn user_of_an_unknown_account_is_refused(store: Store) {
        let (ghost, address) = (name("Ghost"), email("ghost@nowhere.example"));
        let unknown = AccountId::from_uuid(Uuid::new_v4());
        let mut tx = store.begin_write().await.unwrap();
        let refused = users::create_user(&mut tx, new_user(unknown, &ghost, &address, Profile::Standard), NOW).await;
        assert!(
            matches!(refused, Err(StoreError::Violation { constraint: "users_account_id_fkey" })),
            "{refused:?}"
        );
        drop(tx);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 0);
    }

    async fn unknown_profile_is_refused(store: Store) {
        let acme = org(&store, "acme").await;
        let known_name = name("Known");
        for known in Profile::ALL {
            let address = email(&format!("{}@acme.example", known.as_str()));
            let mut tx = store.begin_write().await.unwrap();
            users::create_user(&mut tx, new_user(acme.id, &known_name, &address, known), NOW)
                .await
                .unwrap_or_else(|error| panic!("{known} is a profile: {error:?}"));
            tx.commit().await.unwrap();
        }

        // Core has no such profile, and the database refuses one that slips past, naming its rule.
        assert!("superuser".parse::<Profile>().is_err());
        let insert = format!(
            "INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) \
             VALUES ('{}', '{}', 'root@acme.example', 'Root', 'superuser', TRUE, 0, 0)",
            Uuid::new_v4(),
            acme.id,
        );
        let refused = execute_raw(&store, &insert).await.expect_err("refused by the CHECK");
        let database_error = refused.as_database_error().expect("a database error");
        assert_eq!(database_error.kind(), sqlx::error::ErrorKind::CheckViolation);
        assert!(
            database_error.constraint() == Some("users_profile_check")
                || database_error.message().contains("users_profile_check"),
            "{database_error}"
        );
        assert_eq!(users::list_users(&store, acme.id).await.unwrap().len(), 6);
    }

    async fn database_refuses_an_email_that_is_not_lowercase(store: Store) {
        let acme = org(&store, "acme").await;
        let insert = format!(
            "INSERT INTO users (id, account_id, email, name, profile, active, created_at, updated_at) \
             VALUES ('{}', '{}', 'Mixed@acme.example', 'Mixed', 'standard', TRUE, 0, 0)",
            Uuid::new_v4(),
            acme.id,
        );
        let refused = execute_raw(&store, &insert).await.expect_err("refused by the CHECK");
        let database_error = refused.as_database_error().expect("a database error");
        assert_eq!(database_error.kind(), sqlx::error::ErrorKind::CheckViolation);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM users").await, 1);
    }

    async fn dropped_or_rolled_back_transaction_writes_nothing(store: Store) {
        let mut tx = store.begin_write().await.unwrap();
        accounts::create_account_with_admin(&mut tx, &new_account("dropped"), NOW).await.unwrap();
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        accounts::create_account_with_admin(&mut tx, &new_account("rolled"), NOW).await.unwrap();
        tx.rollback().await.unwrap();

        assert_eq!(accounts::count_accounts(&store).await.unwrap(), 0);
        assert_eq!(users::find_user_by_email(&store, &email("admin@dropped.example")).await.unwrap(), None);
        assert_eq!(users::find_user_by_email(&store, &email("admin@rolled.example")).await.unwrap(), None);
    }

    async fn concurrent_writers_all_succeed(store: Store) {
        let account_id = org(&store, "busy").await.id;
        let writers: Vec<_> = (0..20)
            .map(|index| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut tx = store.begin_write().await?;
                    // Read, then write: with a deferred BEGIN on SQLite this pattern fails
                    // with SQLITE_BUSY when another writer commits in between.
                    let accounts_seen = accounts::lock_and_count_accounts(&mut tx).await?;
                    assert_eq!(accounts_seen, 1);
                    let (writer, address) = (name("Writer"), email(&format!("writer{index}@busy.example")));
                    users::create_user(&mut tx, new_user(account_id, &writer, &address, Profile::Standard), NOW)
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
