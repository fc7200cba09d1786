//! Demo data for local use: two organizations with three users each, all sharing one documented password.
//!
//! This is a **local demo** only. Every demo user signs in with [`DEMO_PASSWORD`], which is
//! printed by the `demo-logins` command and written here in plain sight; never seed a
//! database that real people use.

use std::sync::Arc;

use anyhow::Context as _;
use entente_core::{AccountName, Email, PersonName, Profile, Timestamp};

use crate::auth::hashing::hash_password;
use crate::mail::links::Links;
use crate::partners::Partners;
use crate::store::accounts::{self, NewAccount};
use crate::store::users::{self, NewUser};
use crate::store::{Store, StoreError};

/// The password of every demo user (local demo only, documented on purpose).
pub const DEMO_PASSWORD: &str = "entente-demo";

/// One demo user, as declared below.
struct DemoUser {
    name: &'static str,
    email: &'static str,
    profile: Profile,
}

/// One demo organization: its Administrator comes first, created with the account.
struct DemoOrganization {
    name: &'static str,
    users: [DemoUser; 3],
}

const DEMO_ORGANIZATIONS: [DemoOrganization; 2] = [
    DemoOrganization {
        name: "Northwind Studio",
        users: [
            DemoUser {
                name: "Nora Lindqvist",
                email: "admin@northwind.example",
                profile: Profile::Administrator,
            },
            DemoUser {
                name: "Bruno Castell",
                email: "billing@northwind.example",
                profile: Profile::BillingAdministrator,
            },
            DemoUser {
                name: "Sofia Marsh",
                email: "standard@northwind.example",
                profile: Profile::Standard,
            },
        ],
    },
    DemoOrganization {
        name: "Acme Print",
        users: [
            DemoUser {
                name: "Alex Moreau",
                email: "admin@acme.example",
                profile: Profile::Administrator,
            },
            DemoUser {
                name: "Bianca Rossi",
                email: "billing@acme.example",
                profile: Profile::BillingAdministrator,
            },
            DemoUser {
                name: "Sam Okafor",
                email: "standard@acme.example",
                profile: Profile::Standard,
            },
        ],
    },
];

/// The partner invitation the demo starts with, so the Partners tab has something to answer.
pub struct DemoInvitation {
    /// The sending organization (its Administrator sends it).
    pub from_organization: &'static str,
    /// The receiving organization.
    pub to_organization: &'static str,
    /// The address it is sent to: the receiving Administrator's.
    pub to_email: &'static str,
}

/// Acme Print invites Northwind Studio.
pub const DEMO_INVITATION: DemoInvitation = DemoInvitation {
    from_organization: "Acme Print",
    to_organization: "Northwind Studio",
    to_email: "admin@northwind.example",
};

/// What [`seed_demo`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The database was empty; these demo users were created.
    Seeded(Vec<DemoLogin>),
    /// The database already had accounts, so nothing was written.
    AlreadySeeded,
}

/// A demo user's sign-in details, as printed by the `demo-logins` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// The organization (account) name.
    pub organization: String,
    /// The user's display name.
    pub name: String,
    /// The address to sign in with.
    pub email: String,
    /// What the user may do.
    pub profile: Profile,
    /// The password to sign in with: always [`DEMO_PASSWORD`].
    pub password: &'static str,
}

impl std::fmt::Display for DemoLogin {
    /// Prints one line with aligned columns: organization, profile, email, password, name.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{:<18} {:<22} {:<28} {:<14} {}",
            self.organization,
            self.profile.label(),
            self.email,
            self.password,
            self.name
        )
    }
}

/// Creates the two demo organizations and their six users, only if the database has no
/// accounts, then sends [`DEMO_INVITATION`] the way an administrator would (its email links to
/// `public_url`).
///
/// The organizations are written in one transaction; passwords are hashed (Argon2, off the
/// async threads) before it begins, so the write lock is held only for the inserts. The
/// invitation goes through the partners service, in its own transaction.
#[tracing::instrument(skip_all)]
pub async fn seed_demo(store: &Store, public_url: &url::Url) -> anyhow::Result<SeedOutcome> {
    let links = Links::new(public_url)?;
    if accounts::count_accounts(store).await? > 0 {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let mut hashes = hash_demo_passwords().await?.into_iter();

    let mut tx = store.begin_write().await?;
    // Checked again under the lock: another process may have seeded meanwhile.
    if accounts::lock_and_count_accounts(&mut tx).await? > 0 {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let now = Timestamp(crate::store::now_unix_seconds());
    let mut logins = Vec::new();
    let mut inviting_admin = None;
    for organization in &DEMO_ORGANIZATIONS {
        let [admin, others @ ..] = &organization.users;
        let new_account = NewAccount {
            account_name: AccountName::parse(organization.name)?,
            admin_name: PersonName::parse(admin.name)?,
            admin_email: Email::parse(admin.email)?,
            password_hash: hashes.next(),
        };
        let (account_id, admin_id) =
            accounts::create_account_with_admin(&mut tx, &new_account, now)
                .await
                .with_context(|| format!("creating demo organization {}", organization.name))?;
        // The demo organizations have confirmed their addresses, so they can partner at once.
        accounts::mark_verified(&mut tx, account_id, new_account.admin_email.domain(), now)
            .await
            .with_context(|| format!("confirming demo organization {}", organization.name))?;
        if organization.name == DEMO_INVITATION.from_organization {
            inviting_admin = Some(admin_id);
        }
        for user in others {
            let (name, email) = (PersonName::parse(user.name)?, Email::parse(user.email)?);
            let password_hash = hashes.next();
            let new_user = NewUser {
                account_id,
                name: &name,
                email: &email,
                profile: user.profile,
                password_hash: password_hash.as_deref(),
            };
            users::create_user(&mut tx, new_user, now)
                .await
                .with_context(|| format!("creating demo user {}", user.email))?;
        }
        logins.extend(
            organization
                .users
                .iter()
                .map(|user| demo_login(organization, user)),
        );
    }
    tx.commit().await?;
    let inviting_admin = inviting_admin.context("the inviting demo organization is declared")?;
    let to = Email::parse(DEMO_INVITATION.to_email).context("the demo address is valid")?;
    Partners::new(store.clone(), links, Arc::new(tokio::sync::Notify::new()))
        .send(inviting_admin, &to, now)
        .await
        .context("sending the demo partner invitation")?;
    tracing::info!(users = logins.len(), "demo data seeded");
    Ok(SeedOutcome::Seeded(logins))
}

/// Lists the demo users that exist now, in seed order (none if the database was never seeded).
///
/// Organization and name are read from the database, so renamed demo users show as they are.
pub async fn demo_logins(store: &Store) -> Result<Vec<DemoLogin>, StoreError> {
    let mut logins = Vec::new();
    for organization in &DEMO_ORGANIZATIONS {
        for user in &organization.users {
            let Ok(email) = Email::parse(user.email) else {
                continue;
            };
            let Some(record) = users::find_user_by_email(store, &email).await? else {
                continue;
            };
            let organization_name = accounts::get_account(store, record.account_id)
                .await?
                .map_or_else(
                    || organization.name.to_owned(),
                    |account| account.name.as_str().to_owned(),
                );
            logins.push(DemoLogin {
                organization: organization_name,
                name: record.name.as_str().to_owned(),
                email: record.email.as_str().to_owned(),
                profile: record.profile,
                password: DEMO_PASSWORD,
            });
        }
    }
    Ok(logins)
}

fn demo_login(organization: &DemoOrganization, user: &DemoUser) -> DemoLogin {
    DemoLogin {
        organization: organization.name.to_owned(),
        name: user.name.to_owned(),
        email: user.email.to_owned(),
        profile: user.profile,
        password: DEMO_PASSWORD,
    }
}

/// Hashes the demo password once per demo user (each hash has its own salt), as many at once
/// as the hashing pool allows.
async fn hash_demo_passwords() -> anyhow::Result<Vec<String>> {
    let user_count = DEMO_ORGANIZATIONS.iter().map(|org| org.users.len()).sum();
    let tasks: Vec<_> = (0..user_count)
        .map(|_| tokio::spawn(hash_password(DEMO_PASSWORD.to_owned())))
        .collect();
    let mut hashes = Vec::with_capacity(user_count);
    for task in tasks {
        let hash = task.await.context("hashing a demo password")?;
        hashes.push(
            hash.map_err(|error| anyhow::anyhow!(error))
                .context("hashing a demo password")?,
        );
    }
    Ok(hashes)
}
