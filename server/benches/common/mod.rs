//! What the database benchmarks share: a fresh database of either engine for each run.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::Connection as _;

/// The engines a benchmark runs on, in order.
const ENGINES: [&str; 2] = ["SQLite", "PostgreSQL"];

/// Runs `run(engine, url, size)` for each engine and each of `sizes`, in order, each on a fresh
/// database ([`on_fresh_database`]); an engine with no server is skipped once it said so.
pub async fn on_each_engine<S: Copy>(
    sizes: &[S],
    run: impl AsyncFn(&str, &str, S) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for engine in ENGINES {
        for &size in sizes {
            if !on_fresh_database(engine, async |url| run(engine, url, size).await).await? {
                break;
            }
        }
    }
    Ok(())
}

/// Runs `body` with the URL of a fresh database of `engine` (`"SQLite"`: a file in a temporary
/// folder; `"PostgreSQL"`: a new database on `ENTENTE_TEST_POSTGRES_URL`, default
/// `postgres://postgres@127.0.0.1:5432/postgres`, dropped afterwards). Answers `false`, having
/// printed why, when no PostgreSQL server answers.
async fn on_fresh_database(
    engine: &str,
    body: impl AsyncFnOnce(&str) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    if engine == "SQLite" {
        let folder = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            folder.path().join("bench.db").display()
        );
        body(&url).await?;
        return Ok(true);
    }
    let admin_url = std::env::var("ENTENTE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let options = sqlx::postgres::PgConnectOptions::from_str(&admin_url)?;
    let Ok(Ok(mut admin)) = tokio::time::timeout(
        Duration::from_secs(5),
        sqlx::PgConnection::connect_with(&options),
    )
    .await
    else {
        println!("skipping PostgreSQL: no server at {admin_url}");
        return Ok(false);
    };
    let name = format!("entente_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let mut url = url::Url::parse(&admin_url)?;
    url.set_path(&name);
    let outcome = body(url.as_str()).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    outcome.map(|()| true)
}
