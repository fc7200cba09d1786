//! Command line and environment configuration (`clap`, every option with an environment fallback).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// Entente's server and its maintenance commands.
#[derive(Debug, Parser)]
#[command(name = "entente-server", version, about)]
pub struct Cli {
    /// How log lines are written: readable text or one JSON object per line.
    #[arg(long, env = "ENTENTE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `entente-server`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the web application.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Migrate, then create the demo organizations if the database is empty and print their
    /// logins. Takes the serve options: the demo's partner invitation email links to the public
    /// URL.
    SeedDemo(ServeArgs),
    /// Print the logins of the demo users that exist in the database.
    DemoLogins(DatabaseArgs),
}

/// The format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// The folder for the SQLite database and uploaded files.
    #[arg(long, env = "ENTENTE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`; defaults to `<data dir>/entente.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The database URL to connect to: the explicit one, or the SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("entente.db").display()),
        }
    }
}

/// Options of `entente-server serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The database to use.
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The folder holding the built site (`pkg/` with the WASM, JS and CSS, and the assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The address people use to reach the service, for links in emails and the
    /// cross-site check; defaults to `http://<addr>`.
    #[arg(long, env = "ENTENTE_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// Where the mail worker delivers emails: `smtp://HOST:PORT` (plain, for a local relay),
    /// `smtp://HOST?tls=required` (STARTTLS) or `smtps://USER:PASSWORD@HOST`. Without it
    /// emails stay in the outbox (see `--dev-mailbox`).
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<SmtpUrl>,

    /// The sender of every email, as `Name <address>`.
    #[arg(long, env = "ENTENTE_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,

    /// Serves the developers' Mailbox page (`/mailbox`), which shows the outbox with working
    /// links. Never turn it on in production: it shows every email, sign-in links included.
    /// The environment variable accepts `1`/`true`/`yes`/`on` and `0`/`false`/`no`/`off`.
    #[arg(
        long,
        env = "ENTENTE_DEV_MAILBOX",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub dev_mailbox: bool,

    /// How many connections, and how long a slow client may hold one.
    #[command(flatten)]
    pub connections: ConnectionLimits,
}

/// The limits that keep slow or numerous clients from exhausting the server (issue 12).
#[derive(Debug, Clone, Args)]
pub struct ConnectionLimits {
    /// The most connections served at once; one more is answered 503 and closed.
    #[arg(long, env = "ENTENTE_MAX_CONNECTIONS", default_value_t = 2048)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's headers (also how long an idle kept-alive
    /// connection stays open).
    #[arg(long, env = "ENTENTE_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Seconds a request body may go without sending anything; then the request fails and
    /// the connection is closed.
    #[arg(long, env = "ENTENTE_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,

    /// Seconds to finish open requests after a stop signal before closing them.
    #[arg(long, env = "ENTENTE_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// The address of a reverse proxy in front of the server: only a connection from it has
    /// its `X-Forwarded-For` believed (the last address in it is then the client's). Without
    /// it, the connection's own address is the client's.
    #[arg(long, env = "ENTENTE_TRUSTED_PROXY")]
    pub trusted_proxy: Option<std::net::IpAddr>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 2048,
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            shutdown_grace_secs: 30,
            trusted_proxy: None,
        }
    }
}

/// The sender used when `ENTENTE_MAIL_FROM` is not set.
pub const DEFAULT_MAIL_FROM: &str = "Entente <no-reply@entente.localhost>";

impl ServeArgs {
    /// The public URL: the configured one, or `http://<addr>`.
    pub fn public_url(&self) -> url::Url {
        self.public_url.clone().unwrap_or_else(|| {
            url::Url::parse(&format!("http://{}", self.addr))
                .expect("a socket address makes a valid URL")
        })
    }

    /// The SMTP URL, if one is set and not blank.
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url
            .as_ref()
            .map(|url| url.0.trim())
            .filter(|url| !url.is_empty())
    }
}

/// The SMTP URL as given; its `Debug` hides any password, so printing the options is safe.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(pub String);

impl std::str::FromStr for SmtpUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(SmtpUrl(text.to_owned()))
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_tuple("SmtpUrl")
            .field(&crate::store::redact_url(&self.0))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{Cli, Command, DEFAULT_MAIL_FROM};

    fn serve_args(args: &[&str]) -> super::ServeArgs {
        let cli = Cli::try_parse_from([&["entente-server", "serve"], args].concat()).unwrap();
        match cli.command {
            Command::Serve(args) => args,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn mail_options_default_to_no_smtp_no_mailbox_and_the_default_sender() {
        let args = serve_args(&[]);
        assert_eq!(args.smtp_url(), None);
        assert_eq!(args.mail_from, DEFAULT_MAIL_FROM);
        assert!(!args.dev_mailbox);
    }

    #[test]
    fn mail_options_are_read_from_flags() {
        let args = serve_args(&[
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--mail-from",
            "Ops <ops@example.org>",
            "--dev-mailbox",
        ]);
        assert_eq!(args.smtp_url(), Some("smtp://127.0.0.1:2525"));
        assert_eq!(args.mail_from, "Ops <ops@example.org>");
        assert!(args.dev_mailbox);
    }

    #[test]
    fn printing_the_options_hides_the_smtp_password() {
        let args = serve_args(&["--smtp-url", "smtps://mailer:hunter2@smtp.example.org"]);
        assert_eq!(
            args.smtp_url(),
            Some("smtps://mailer:hunter2@smtp.example.org")
        );
        let printed = format!("{args:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("smtp.example.org"), "{printed}");
    }
}
