//! Opening a store: URL schemes, unreachable servers, the SQLite file and folder.

use std::time::{Duration, Instant};

use entente_server::store::{Engine, Pool, Store, StoreError};

#[tokio::test]
async fn unsupported_scheme_is_refused_with_a_clear_error() {
    let refused = Store::connect("mysql://root:secret@localhost/entente").await;
    let Err(error @ StoreError::UnsupportedUrl { .. }) = refused else {
        panic!("expected UnsupportedUrl, got {refused:?}");
    };
    let message = error.to_string();
    assert!(
        message.contains("mysql://root:***@localhost/entente"),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
    assert!(Store::connect("entente.db").await.is_err());
}

#[tokio::test]
async fn engine_follows_the_url_scheme() {
    assert_eq!(
        Engine::from_url("sqlite:data/x.db").unwrap(),
        Engine::Sqlite
    );
    assert_eq!(
        Engine::from_url("sqlite://data/x.db").unwrap(),
        Engine::Sqlite
    );
    assert_eq!(
        Engine::from_url("postgres://h/db").unwrap(),
        Engine::Postgres
    );
    assert_eq!(
        Engine::from_url("postgresql://h/db").unwrap(),
        Engine::Postgres
    );
}

#[tokio::test]
async fn unreachable_postgres_fails_fast_with_a_clear_error() {
    let started = Instant::now();
    let refused = Store::connect("postgres://postgres:hunter2@127.0.0.1:1/entente").await;
    let elapsed = started.elapsed();

    let Err(
        error @ StoreError::Connect {
            engine: Engine::Postgres,
            ..
        },
    ) = refused
    else {
        panic!("expected a PostgreSQL Connect error, got {refused:?}");
    };
    let message = format!("{:#}", anyhow::Error::from(error));
    assert!(message.contains("PostgreSQL"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    // The driver's own reason (connection refused), not a pool timeout after retries.
    assert!(!message.contains("timed out"), "{message}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

#[tokio::test]
async fn sqlite_file_and_folders_are_created_and_reopened() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("nested/deeper/entente.db");
    let url = format!("sqlite:{}", path.display());

    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.engine(), Engine::Sqlite);
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    store.close().await;
    assert!(path.is_file());

    let reopened = Store::connect(&url).await.unwrap();
    reopened.migrate().await.unwrap();
    reopened.ping().await.unwrap();
}

#[tokio::test]
async fn sqlite_in_an_unwritable_place_fails_with_the_folder_named() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let url = format!("sqlite:{}/entente.db", file.display());

    let refused = Store::connect(&url).await;
    let Err(error @ StoreError::CreateFolder { .. }) = refused else {
        panic!("expected CreateFolder, got {refused:?}");
    };
    assert!(error.to_string().contains("a-file"), "{error}");
}

#[tokio::test]
async fn sqlite_connections_use_wal_foreign_keys_busy_timeout_and_normal_sync() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/entente.db", folder.path().display());
    let store = Store::connect(&url).await.unwrap();
    let Pool::Sqlite(pool) = store.pool() else {
        panic!("a sqlite URL gives a SQLite pool");
    };
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(journal_mode, "wal");
    let pragma = |name: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("PRAGMA {name}"))
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert_eq!(pragma("foreign_keys").await, 1);
    assert_eq!(pragma("busy_timeout").await, 5000);
    assert_eq!(pragma("synchronous").await, 1, "1 is NORMAL");
}
