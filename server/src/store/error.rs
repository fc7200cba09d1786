//! The storage error type and the one place that turns a named constraint violation into a domain error.
//!
//! # How a violation is recognised on each engine
//!
//! * **PostgreSQL** reports the constraint's name (`PgDatabaseError::constraint`), so the
//!   name is matched against the statement's list of [`Constraint`]s.
//! * **SQLite** reports only the kind, through its extended result code
//!   (`SQLITE_CONSTRAINT_UNIQUE`, `_FOREIGNKEY`, `_CHECK`, `_PRIMARYKEY`), never a name.
//!   The statement's list decides instead: each aggregate lists every named constraint of
//!   its table, so when exactly one constraint of the reported kind exists (the usual
//!   case: one `UNIQUE`, one foreign key) it is that one. Only when a table has several
//!   of the same kind (CHECKs) do we read SQLite's message, whose documented shape is
//!   `CHECK constraint failed: <constraint name>` / `UNIQUE constraint failed: <table>.<column>`;
//!   that is the last resort, and it compares the whole detail, never a substring.
//!   A primary-key clash (`SQLITE_CONSTRAINT_PRIMARYKEY`) is never a domain error.

use std::path::PathBuf;

use entente_app::error::Unavailable;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

use super::Engine;

/// A write refused because of what is already stored: something a person's request can run
/// into, which the layer above turns into a refusal with its own sentence and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Another user, in any account, already has this email address.
    #[error("this email address is already used by another user")]
    EmailTaken,
    /// The two accounts already have a live partnership (in either direction).
    #[error("these two organizations are already partners")]
    AlreadyPartners,
    /// The account already has an open (not archived) request to this address.
    #[error("this organization already has an open partner request to this address")]
    DuplicateRequest,
    /// The address is already a user, member or contact of this account.
    #[error("this person is already in the contacts of this organization")]
    ContactExists,
    /// A live item of the folder already has this name (compared without case).
    #[error("an item of this folder already has this name")]
    NameTaken,
    /// The row does not exist, or belongs to another account, or is not of the kind asked for.
    #[error("not found")]
    NotFound,
}

/// Everything the storage layer can fail with: a domain [`Conflict`], or an infrastructure
/// failure (connection, migration, driver, a stored value that no longer decodes, a write the
/// database refused that code should never have sent).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// What is stored refuses the write or the lookup; not a failure of the service.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// The database URL names an engine we do not support.
    #[error("unsupported database URL {url}: use sqlite:PATH, postgres://… or postgresql://…")]
    UnsupportedUrl {
        /// The URL, with any password hidden.
        url: String,
    },
    /// The database could not be opened or reached.
    #[error("could not connect to the {engine} database at {url}")]
    Connect {
        /// The engine the URL named.
        engine: Engine,
        /// The URL, with any password hidden.
        url: String,
        /// What the driver reported.
        #[source]
        source: sqlx::Error,
    },
    /// The folder for a SQLite database file could not be created.
    #[error("could not create the database folder {folder}")]
    CreateFolder {
        /// The folder that was to hold the database file.
        folder: PathBuf,
        /// What the file system reported.
        #[source]
        source: std::io::Error,
    },
    /// Applying the embedded migrations failed.
    #[error("could not apply the database migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database refused a write through one of its rules that code should never break
    /// (an unknown account or user, an unnormalized address, an impossible request state):
    /// a bug, reported with the constraint's name.
    #[error("the database refused a write that breaks its rule {constraint}")]
    Violation {
        /// The name given to the constraint in both migrations.
        constraint: &'static str,
    },
    /// A stored value could not be read back as the type it should have (for example a malformed id).
    #[error("the database holds a malformed value in {column}")]
    Corrupt {
        /// The `table.column` that held the value.
        column: &'static str,
    },
    /// The database did not answer in time or refused the connection (it is down, restarting
    /// or unreachable, or every pooled connection stayed busy past the acquire timeout):
    /// nothing was written, and the same request may succeed in a moment. Its source is an
    /// [`Unavailable`] carrying the driver's error, which the server-function boundary
    /// answers with 503 (`AppError::Unavailable`).
    #[error("the database is unavailable")]
    Unavailable(#[source] Unavailable),
    /// Any other database failure; the driver's message is its source, logged with it.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    /// A driver error that means the database cannot be reached ([`is_unavailable`]) becomes
    /// [`StoreError::Unavailable`]; any other stays [`StoreError::Database`].
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            StoreError::Unavailable(Unavailable::new("the database", error))
        } else {
            StoreError::Database(error)
        }
    }
}

/// Whether a driver error means the database cannot be reached right now, rather than that
/// this statement failed: no connection within the acquire timeout (`PoolTimedOut`), a
/// connection refused or broken (`Io`), a pool already closed, or PostgreSQL saying it cannot
/// serve (class 08 connection exceptions, `too_many_connections`, shutting down or starting up).
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(error) => {
            error
                .try_downcast_ref::<PgDatabaseError>()
                .is_some_and(|postgres| {
                    let code = postgres.code();
                    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
                })
        }
        _ => false,
    }
}

impl StoreError {
    /// The domain conflict this error is, if it is one.
    pub fn conflict(&self) -> Option<Conflict> {
        match self {
            StoreError::Conflict(conflict) => Some(*conflict),
            _ => None,
        }
    }

    /// Tells whether the same transaction, run again from the start, may succeed.
    ///
    /// True for SQLite `SQLITE_BUSY`/`SQLITE_LOCKED` (another writer held the lock past
    /// the busy timeout) and for PostgreSQL `serialization_failure` (40001) and
    /// `deadlock_detected` (40P01). Pool exhaustion is not retryable: retrying adds load.
    pub fn is_retryable(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(error)) = self else {
            return false;
        };
        if let Some(postgres) = error.try_downcast_ref::<PgDatabaseError>() {
            return matches!(postgres.code(), "40001" | "40P01");
        }
        if error.try_downcast_ref::<SqliteError>().is_some() {
            const SQLITE_BUSY: i32 = 5;
            const SQLITE_LOCKED: i32 = 6;
            // The code is SQLite's extended result code; its low byte is the primary code.
            let primary = error
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .map(|code| code & 0xff);
            return matches!(primary, Some(SQLITE_BUSY | SQLITE_LOCKED));
        }
        false
    }
}

/// The kind of rule a named constraint enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstraintKind {
    /// `UNIQUE (…)`.
    Unique,
    /// `FOREIGN KEY (…) REFERENCES …`.
    ForeignKey,
    /// `CHECK (…)`.
    Check,
}

/// A named constraint of a table, and what its violation means.
#[derive(Debug)]
pub(crate) struct Constraint {
    /// The name given in both migrations (`CONSTRAINT users_email_key UNIQUE (email)`).
    pub name: &'static str,
    /// What the constraint enforces.
    pub kind: ConstraintKind,
    /// What SQLite writes after `constraint failed: ` for it: `table.column` for UNIQUE,
    /// the constraint name for a named CHECK, nothing for a foreign key.
    pub sqlite_detail: &'static str,
    /// The domain conflict a violation is, or `None` for a rule only a bug can break
    /// ([`StoreError::Violation`]).
    pub conflict: Option<Conflict>,
}

impl Constraint {
    /// The error a violation of this constraint becomes.
    fn error(&self) -> StoreError {
        match self.conflict {
            Some(conflict) => StoreError::Conflict(conflict),
            None => StoreError::Violation {
                constraint: self.name,
            },
        }
    }
}

/// Turns a violation of one of `table_constraints` into its domain error; any other error passes through.
///
/// `table_constraints` must list every named constraint of the table written to, so that
/// SQLite's unnamed reports can be attributed (see the module documentation).
pub(crate) fn map_violation(error: sqlx::Error, table_constraints: &[Constraint]) -> StoreError {
    let sqlx::Error::Database(database_error) = &error else {
        return StoreError::from(error);
    };
    match violated_constraint(database_error.as_ref(), table_constraints) {
        Some(constraint) => {
            tracing::debug!(constraint = constraint.name, "constraint violation");
            constraint.error()
        }
        None => StoreError::from(error),
    }
}

fn violated_constraint<'a>(
    error: &dyn DatabaseError,
    table_constraints: &'a [Constraint],
) -> Option<&'a Constraint> {
    let kind = match error.kind() {
        ErrorKind::UniqueViolation => ConstraintKind::Unique,
        ErrorKind::ForeignKeyViolation => ConstraintKind::ForeignKey,
        ErrorKind::CheckViolation => ConstraintKind::Check,
        _ => return None,
    };
    let mut same_kind = table_constraints
        .iter()
        .filter(|constraint| constraint.kind == kind);

    if let Some(postgres) = error.try_downcast_ref::<PgDatabaseError>() {
        let name = postgres.constraint()?;
        return same_kind.find(|constraint| constraint.name == name);
    }
    if error.try_downcast_ref::<SqliteError>().is_some() {
        const SQLITE_CONSTRAINT_PRIMARYKEY: &str = "1555";
        if error.code().as_deref() == Some(SQLITE_CONSTRAINT_PRIMARYKEY) {
            return None;
        }
        let candidates: Vec<&Constraint> = same_kind.collect();
        if let [only] = candidates.as_slice() {
            return Some(only);
        }
        // Last resort, documented above: SQLite's message is the only place naming it.
        let (_, detail) = error.message().split_once(" constraint failed: ")?;
        return candidates
            .into_iter()
            .find(|constraint| constraint.sqlite_detail == detail);
    }
    None
}

#[cfg(test)]
mod tests {
    use entente_app::error::AppError;

    use super::StoreError;

    #[test]
    fn a_database_out_of_reach_is_unavailable_and_answers_503() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        for error in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(refused),
        ] {
            let error = StoreError::from(error);
            assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
            assert!(!error.is_retryable());
            assert_eq!(AppError::internal(error), AppError::Unavailable);
        }
        let other = StoreError::from(sqlx::Error::RowNotFound);
        assert!(matches!(other, StoreError::Database(_)), "{other:?}");
        assert!(matches!(AppError::internal(other), AppError::Internal(_)));
    }
}
