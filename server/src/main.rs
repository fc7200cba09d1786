//! The `entente-server` binary: parses the command line and runs one command.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use entente_server::config::{Cli, Command, ServeArgs};
use entente_server::seed::{self, SeedOutcome};
use entente_server::{startup, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("entente-server: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => {
            startup::open_store(&args.database_url()).await?;
            say(&format!(
                "Migrations applied to {}.\n",
                startup::redact(&args.database_url())
            ))
        }
        Command::SeedDemo(args) => seed_demo(&args).await,
        Command::SeedBench(args) => {
            let store = startup::open_store(&args.database.database_url()).await?;
            let started = std::time::Instant::now();
            let pages = seed::seed_bench(&store, args.rows).await?;
            say(&format!(
                "seeded {} rows per table in {:.1} s\nemail={}\npassword={}\npartners_deep={}\ncontacts_deep={}\n",
                args.rows,
                started.elapsed().as_secs_f64(),
                seed::BENCH_EMAIL,
                seed::BENCH_PASSWORD,
                pages.partners_deep,
                pages.contacts_deep,
            ))
        }
        Command::DemoLogins(args) => {
            let store = startup::open_store(&args.database_url()).await?;
            let logins = seed::demo_logins(&store).await?;
            if logins.is_empty() {
                return say(
                    "No demo users in this database. Run `entente-server seed-demo` on an empty database.\n",
                );
            }
            say(&logins
                .iter()
                .map(|login| format!("{login}\n"))
                .collect::<String>())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let listener = startup::bind(&args).await?;
    let store = startup::open_store(&args.database.database_url()).await?;
    tracing::info!(engine = store.engine().label(), "database ready");
    let state = startup::AppState::new(&args, store)?;
    let mail_worker = startup::start_mail_worker(&args, &state)?;
    tracing::info!(
        "listening on http://{}",
        listener.local_addr().context("no local address")?
    );
    let served = startup::serve(listener, state, startup::shutdown_signal()).await;
    if let Some(mail_worker) = mail_worker {
        mail_worker.stop().await;
    }
    served
}

async fn seed_demo(args: &ServeArgs) -> anyhow::Result<()> {
    let store = startup::open_store(&args.database.database_url()).await?;
    let text = match seed::seed_demo(&store, &args.public_url()).await? {
        SeedOutcome::Seeded(logins) => {
            let blobs = entente_server::blobs::BlobStore::open(
                &args.blobs.location(&args.database.data_dir),
            )?;
            let files = seed::seed_demo_documents(&store, &blobs, &args.public_url()).await?;
            tracing::info!(files, "demo documents seeded");
            let lines: String = logins.iter().map(|login| format!("  {login}\n")).collect();
            format!(
                "Demo organizations created. Sign in at the address below with any of these:\n{lines}\
                 {} has invited {} to partner: sign in as {} and open Account settings → Partners.\n\
                 Northwind Studio and Harbor Press are partners and share folders: sign in as \
                 admin@harbor.example and open Shared with us.\n\
                 Print the logins again with `entente-server demo-logins`.\n",
                seed::DEMO_INVITATION.from_organization,
                seed::DEMO_INVITATION.to_organization,
                seed::DEMO_INVITATION.to_email,
            )
        }
        SeedOutcome::AlreadySeeded => {
            "The database already holds organizations; no demo data added \
             (`entente-server demo-logins` lists the demo logins).\n"
                .to_string()
        }
    };
    say(&text)
}

/// Writes command output to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn say(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}
