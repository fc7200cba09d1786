//! Command line and environment configuration (`clap`, every option with an environment fallback).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use entente_core::documents::digest::DigestHour;

use crate::blobs::BlobLocation;

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
    /// Migrate, then fill an empty database with one organization holding `--rows` partner
    /// requests and `--rows` contacts, for benchmarks (`cargo xtask bench`); prints its login
    /// and the address of a page from the middle of each list.
    SeedBench(SeedBenchArgs),
}

/// Options of `entente-server seed-bench`.
#[derive(Debug, Clone, Args)]
pub struct SeedBenchArgs {
    /// The database to fill (it must hold no organization yet).
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// How many partner requests, and how many contacts, the organization gets.
    #[arg(long, default_value_t = 100_000)]
    pub rows: u64,
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

    /// The hour of the day (UTC, 0 to 23) the daily digest of what partners added to shared
    /// folders goes out, or `off` for an instance that never makes it (another instance on the
    /// same database can: each day's digest is made once whichever instance makes it). Each
    /// person turns their own digest off or on under Shared with us.
    #[arg(long, env = "ENTENTE_DIGEST_HOUR", default_value_t = DigestAt::default())]
    pub digest_hour: DigestAt,

    /// Serves the benchmark floors `/bench/bare` and `/bench/empty-leptos` that `cargo xtask
    /// bench` and the budget check measure pages against; off in production.
    #[arg(
        long,
        env = "ENTENTE_BENCH_FLOORS",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub bench_floors: bool,

    /// How many live streams (`GET /live`: open tabs) one user may hold at once; one more is
    /// answered 429.
    #[arg(
        long,
        env = "ENTENTE_LIVE_STREAMS_PER_USER",
        default_value_t = entente_app::live::MAX_STREAMS_PER_USER
    )]
    pub live_streams_per_user: usize,

    /// How many connections, and how long a slow client may hold one.
    #[command(flatten)]
    pub connections: ConnectionLimits,

    /// Where uploaded files' bytes live.
    #[command(flatten)]
    pub blobs: BlobArgs,
}

/// Where the blob store keeps uploaded files' bytes (SPEC 3.1): a folder, or S3-compatible
/// storage that several instances can share.
#[derive(Debug, Clone, Args)]
pub struct BlobArgs {
    /// `file:///ABSOLUTE/PATH` for a folder, or `s3://BUCKET` or `s3://BUCKET/KEY/PREFIX` for
    /// S3-compatible storage (credentials from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
    /// or the other standard AWS sources); defaults to the folder `<data dir>/blobs`.
    #[arg(long, env = "ENTENTE_BLOB_URL")]
    pub blob_url: Option<BlobUrl>,

    /// The address of an S3-compatible server, such as `http://127.0.0.1:9000`; without it,
    /// AWS S3 itself.
    #[arg(long, env = "ENTENTE_S3_ENDPOINT")]
    pub s3_endpoint: Option<url::Url>,

    /// The S3 region requests are signed for.
    #[arg(long, env = "ENTENTE_S3_REGION", default_value = DEFAULT_S3_REGION)]
    pub s3_region: String,

    /// Allows a plain `http://` S3 endpoint (a server on the same machine or network).
    /// The environment variable accepts `1`/`true`/`yes`/`on` and `0`/`false`/`no`/`off`.
    #[arg(
        long,
        env = "ENTENTE_S3_ALLOW_HTTP",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub s3_allow_http: bool,

    /// The largest file an upload may bring, in bytes (1 GiB by default); a larger one is
    /// refused with a sentence that says the limit.
    #[arg(long, env = "ENTENTE_MAX_UPLOAD_BYTES", default_value_t = entente_core::documents::DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,
}

/// The region used when `ENTENTE_S3_REGION` is not set.
pub const DEFAULT_S3_REGION: &str = "us-east-1";

impl Default for BlobArgs {
    fn default() -> Self {
        Self {
            blob_url: None,
            s3_endpoint: None,
            s3_region: DEFAULT_S3_REGION.to_owned(),
            s3_allow_http: false,
            max_upload_bytes: entente_core::documents::DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

impl BlobArgs {
    /// Where the blob store lives: the configured place, or the folder `blobs` in `data_dir`.
    pub fn location(&self, data_dir: &std::path::Path) -> BlobLocation {
        match &self.blob_url {
            None => BlobLocation::Local(data_dir.join("blobs")),
            Some(BlobUrl::Folder(folder)) => BlobLocation::Local(folder.clone()),
            Some(BlobUrl::S3 { bucket, prefix }) => BlobLocation::S3 {
                bucket: bucket.clone(),
                prefix: prefix.clone(),
                endpoint: self
                    .s3_endpoint
                    .as_ref()
                    .map(|url| url.as_str().trim_end_matches('/').to_owned()),
                region: self.s3_region.clone(),
                allow_http: self.s3_allow_http,
                credentials: None,
            },
        }
    }
}

/// `ENTENTE_BLOB_URL`, checked when the options are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobUrl {
    /// `file:///ABSOLUTE/PATH`.
    Folder(PathBuf),
    /// `s3://BUCKET/OPTIONAL/PREFIX`.
    S3 {
        /// The bucket.
        bucket: String,
        /// The key prefix, without leading or trailing slash; may be empty.
        prefix: String,
    },
}

impl std::str::FromStr for BlobUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let url = url::Url::parse(text.trim()).map_err(|error| {
            format!("{error}; expected file:///ABSOLUTE/PATH or s3://BUCKET/OPTIONAL/PREFIX")
        })?;
        match url.scheme() {
            "file" => url.to_file_path().map(BlobUrl::Folder).map_err(|()| {
                "a file URL names an absolute local folder: file:///srv/entente/blobs".to_owned()
            }),
            "s3" => {
                let bucket = url.host_str().unwrap_or_default().to_owned();
                if bucket.is_empty() {
                    return Err(
                        "an s3 URL names its bucket: s3://BUCKET/OPTIONAL/PREFIX".to_owned()
                    );
                }
                if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
                    return Err("an s3 URL is only s3://BUCKET/OPTIONAL/PREFIX (credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)".to_owned());
                }
                let prefix = url.path().trim_matches('/').to_owned();
                object_store::path::Path::parse(&prefix)
                    .map_err(|error| format!("the key prefix {prefix:?} is invalid: {error}"))?;
                Ok(BlobUrl::S3 { bucket, prefix })
            }
            other => Err(format!(
                "the scheme {other:?} is not supported: use file:///ABSOLUTE/PATH or s3://BUCKET/OPTIONAL/PREFIX"
            )),
        }
    }
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

    /// Where the blob store lives (see [`BlobArgs::location`]).
    pub fn blob_location(&self) -> BlobLocation {
        self.blobs.location(&self.database.data_dir)
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

/// When this instance makes the daily digest: an hour of the day (UTC), or never (`off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestAt(pub Option<DigestHour>);

impl Default for DigestAt {
    /// 07:00 UTC: before the working day in Europe and Africa, the evening before in the
    /// Americas.
    fn default() -> Self {
        Self(DigestHour::new(7))
    }
}

impl std::str::FromStr for DigestAt {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(Self(None));
        }
        text.parse::<u8>()
            .ok()
            .and_then(DigestHour::new)
            .map(|hour| Self(Some(hour)))
            .ok_or_else(|| format!("expected an hour from 0 to 23, or off; got {text:?}"))
    }
}

impl std::fmt::Display for DigestAt {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(hour) => write!(formatter, "{}", hour.get()),
            None => formatter.write_str("off"),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{BlobLocation, Cli, Command, DEFAULT_MAIL_FROM};

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

    #[test]
    fn the_digest_goes_out_at_seven_utc_by_default_at_another_hour_or_never() {
        assert_eq!(serve_args(&[]).digest_hour.to_string(), "7");
        assert_eq!(
            serve_args(&["--digest-hour", "18"]).digest_hour.to_string(),
            "18"
        );
        assert_eq!(serve_args(&["--digest-hour", "off"]).digest_hour.0, None);
        for refused in ["24", "-1", "seven", ""] {
            let parsed = Cli::try_parse_from(["entente-server", "serve", "--digest-hour", refused]);
            assert!(parsed.is_err(), "{refused:?} was accepted");
        }
    }

    #[test]
    fn blobs_default_to_a_folder_in_the_data_directory() {
        let args = serve_args(&["--data-dir", "/srv/entente"]);
        assert_eq!(
            args.blob_location(),
            BlobLocation::Local("/srv/entente/blobs".into())
        );
    }

    #[test]
    fn a_file_url_names_the_blob_folder() {
        let args = serve_args(&["--blob-url", "file:///var/lib/entente/blobs"]);
        assert_eq!(
            args.blob_location(),
            BlobLocation::Local("/var/lib/entente/blobs".into())
        );
    }

    #[test]
    fn an_s3_url_with_its_settings_names_a_bucket_and_prefix() {
        let args = serve_args(&[
            "--blob-url",
            "s3://entente-files/prod/eu/",
            "--s3-endpoint",
            "http://127.0.0.1:9000/",
            "--s3-allow-http",
        ]);
        assert_eq!(
            args.blob_location(),
            BlobLocation::S3 {
                bucket: "entente-files".to_owned(),
                prefix: "prod/eu".to_owned(),
                endpoint: Some("http://127.0.0.1:9000".to_owned()),
                region: "us-east-1".to_owned(),
                allow_http: true,
                credentials: None,
            }
        );
        let args = serve_args(&[
            "--blob-url",
            "s3://entente-files",
            "--s3-region",
            "eu-west-3",
        ]);
        assert_eq!(
            args.blob_location(),
            BlobLocation::S3 {
                bucket: "entente-files".to_owned(),
                prefix: String::new(),
                endpoint: None,
                region: "eu-west-3".to_owned(),
                allow_http: false,
                credentials: None,
            }
        );
    }

    #[test]
    fn a_blob_url_that_names_no_place_is_refused_when_the_options_are_read() {
        for url in [
            "blobs",
            "/srv/blobs",
            "https://example.org/blobs",
            "file://host/relative",
            "s3:///prefix",
            "s3://bucket/a//b",
            "s3://key:secret@bucket",
            "s3://bucket?region=x",
        ] {
            let parsed = Cli::try_parse_from(["entente-server", "serve", "--blob-url", url]);
            assert!(parsed.is_err(), "{url} was accepted");
        }
    }
}
