//! Demo data for local use: two organizations with three users each, all sharing one documented password.
//!
//! This is a **local demo** only. Every demo user signs in with [`DEMO_PASSWORD`], which is
//! printed by the `demo-logins` command and written here in plain sight; never seed a
//! database that real people use.

use std::sync::Arc;

use anyhow::Context as _;
use entente_core::documents::{DocumentViewer, ItemName};
use entente_core::{AccountName, Email, ItemId, PersonName, Profile, Timestamp};

use crate::auth::hashing::hash_password;
use crate::blobs::BlobStore;
use crate::mail::links::Links;
use crate::partners::Partners;
use crate::store::accounts::{self, NewAccount};
use crate::store::documents;
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

const DEMO_ORGANIZATIONS: [DemoOrganization; 3] = [
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
    DemoOrganization {
        name: "Harbor Press",
        users: [
            DemoUser {
                name: "Hana Ito",
                email: "admin@harbor.example",
                profile: Profile::Administrator,
            },
            DemoUser {
                name: "Ravi Shah",
                email: "manager@harbor.example",
                profile: Profile::Manager,
            },
            DemoUser {
                name: "Lena Vogel",
                email: "reviewer@harbor.example",
                profile: Profile::Reviewer,
            },
        ],
    },
];

/// The demo's partnership, already accepted, so sharing has someone to share with: Northwind
/// Studio invited Harbor Press, which accepted.
pub const DEMO_PARTNERS: (&str, &str) = ("admin@northwind.example", "admin@harbor.example");

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
    let partners = Partners::new(store.clone(), links, Arc::new(tokio::sync::Notify::new()));
    partners
        .send(inviting_admin, &to, now)
        .await
        .context("sending the demo partner invitation")?;
    let (inviter, invited) = DEMO_PARTNERS;
    let inviter = users::find_user_by_email(store, &Email::parse(inviter)?)
        .await?
        .context("the demo partner's administrator")?;
    let invited_email = Email::parse(invited)?;
    let invited = users::find_user_by_email(store, &invited_email)
        .await?
        .context("the demo partner's administrator")?;
    let request = partners
        .send(inviter.id, &invited_email, now)
        .await
        .context("sending the demo partnership's invitation")?;
    partners
        .act(
            invited.id,
            entente_core::partnership::Action::Accept,
            request.id(),
            now,
        )
        .await
        .context("accepting the demo partnership")?;
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

/// Folders and files of the demo: Northwind Studio's campaign material (a catalogue PDF in two
/// versions, a logo, a brief) and a contract, and Acme Print's label proof, so Documents,
/// previews and versions have something to show on a first run. Seeded once, right after
/// [`seed_demo`], through the same recording path as an upload.
#[tracing::instrument(skip_all)]
pub async fn seed_demo_documents(
    store: &Store,
    blobs: &BlobStore,
    public_url: &url::Url,
) -> anyhow::Result<usize> {
    use crate::documents::http::{Destination, record};

    let links = Links::new(public_url)?;

    let mut stored = 0;
    for (admin_email, folders) in DEMO_DOCUMENTS {
        let admin = users::find_user_by_email(store, &Email::parse(admin_email)?)
            .await?
            .with_context(|| format!("the demo user {admin_email}"))?;
        let viewer = DocumentViewer {
            account: admin.account_id,
            user: admin.id,
            profile: admin.profile,
            active: true,
        };
        let now = Timestamp(crate::store::now_unix_seconds());
        let mut tx = crate::documents::begin_tree_change(store, admin.account_id).await?;
        let root = documents::ensure_root(&mut tx, admin.account_id, admin.id, now).await?;
        tx.commit().await?;
        for &(folder_name, files) in folders {
            let folder = ItemId::from_uuid(uuid::Uuid::new_v4());
            let name = ItemName::parse(folder_name)?;
            let mut tx = crate::documents::begin_tree_change(store, admin.account_id).await?;
            let new_folder = documents::NewItem {
                id: folder,
                account_id: admin.account_id,
                parent_id: root,
                name: &name,
                created_by: admin.id,
                file: None,
            };
            documents::insert(&mut tx, &new_folder, now).await?;
            tx.commit().await?;
            for file in files {
                let mut destination = Destination::Folder(folder);
                for bytes in (file.contents)() {
                    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(
                        bytes::Bytes::from(bytes),
                    )]);
                    let staged = blobs.stage(body, u64::MAX).await?;
                    let (uploaded, _) = record(
                        store,
                        blobs,
                        &links,
                        &viewer,
                        destination,
                        file.name,
                        &staged,
                    )
                    .await
                    .map_err(|refusal| anyhow::anyhow!("storing {}: {refusal}", file.name))?;
                    destination = Destination::NewVersionOf(uploaded.id);
                    stored += 1;
                }
            }
        }
    }
    seed_demo_shares(store).await?;
    seed_demo_proof(store, &links).await?;
    Ok(stored)
}

/// The demo's shares: Northwind Studio shares its spring campaign with Harbor Press as a
/// whole (Reviewer, downloads on), and Harbor Press its press kit with Nora of Northwind only
/// (Viewer, no downloads). Made through core's check, as the share form makes them.
async fn seed_demo_shares(store: &Store) -> anyhow::Result<()> {
    use entente_core::documents::{NewShare, ShareRecipient, ShareRole, check_new_share};

    use crate::store::shares::{self, NewShareRow};

    let northwind = users::find_user_by_email(store, &Email::parse("admin@northwind.example")?)
        .await?
        .context("Northwind's administrator")?;
    let harbor = users::find_user_by_email(store, &Email::parse("admin@harbor.example")?)
        .await?
        .context("Harbor's administrator")?;
    let plan = [
        (
            &northwind,
            "Spring campaign",
            ShareRecipient::Account(harbor.account_id),
            ShareRole::Reviewer,
            true,
        ),
        (
            &harbor,
            "Press kit",
            ShareRecipient::Person {
                account: northwind.account_id,
                user: northwind.id,
            },
            ShareRole::Viewer,
            false,
        ),
    ];
    for (owner, folder, recipient, role, downloads) in plan {
        let viewer = DocumentViewer {
            account: owner.account_id,
            user: owner.id,
            profile: owner.profile,
            active: true,
        };
        let mut tx = crate::documents::begin_tree_change(store, owner.account_id).await?;
        let root = documents::root_of(&mut tx, owner.account_id)
            .await?
            .context("the demo root")?;
        let item = documents::child_named(&mut tx, root, &ItemName::parse(folder)?)
            .await?
            .with_context(|| format!("the demo folder {folder}"))?;
        let located = crate::documents::locate(&mut tx, item, &viewer)
            .await?
            .context("the demo folder")?;
        check_new_share(
            &viewer,
            &located.facts,
            false,
            &NewShare {
                recipient,
                partners_now: true,
                recipient_active: true,
            },
        )?;
        let share = NewShareRow {
            item_id: item,
            account_id: owner.account_id,
            recipient,
            role,
            downloads,
            created_by: owner.id,
        };
        shares::put(&mut tx, &share, Timestamp(crate::store::now_unix_seconds())).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The demo's proof in review: Northwind Studio sends its spring catalogue (version 2) for
/// review by its Standard user and Harbor Press' Reviewer, due in three days; Harbor's reviewer
/// has pinned a comment and requires changes, so the proof page, My reviews and Our proofs show
/// a review under way on a first run. Made through the proofs service, as the pages make it.
async fn seed_demo_proof(store: &Store, links: &Links) -> anyhow::Result<()> {
    use entente_app::api::proofs::port::{NewCommentForm, ProofsService};
    use entente_core::proofs::{CommentText, Decision};

    let as_current = |email: &'static str| async move {
        let user = users::find_user_by_email(store, &Email::parse(email)?)
            .await?
            .with_context(|| format!("the demo user {email}"))?;
        let account = crate::store::accounts::get_account(store, user.account_id)
            .await?
            .context("the demo user's account")?;
        anyhow::Ok(entente_app::api::session::CurrentUser {
            user_id: user.id,
            account_id: user.account_id,
            account_name: account.name,
            name: user.name,
            email: user.email,
            profile: user.profile,
            organization_verified: true,
        })
    };
    let sender = as_current("admin@northwind.example").await?;
    let own = as_current("standard@northwind.example").await?;
    let partner = as_current("reviewer@harbor.example").await?;
    let root = documents::root_of(store, sender.account_id)
        .await?
        .context("the demo root")?;
    let folder = documents::child_named(store, root, &ItemName::parse("Spring campaign")?)
        .await?
        .context("the demo folder")?;
    let file = documents::child_named(store, folder, &ItemName::parse("Spring catalogue.pdf")?)
        .await?
        .context("the demo catalogue")?;
    let proofs = crate::proofs::StoreProofs::new(
        store.clone(),
        links.clone(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let deadline = Timestamp(crate::store::now_unix_seconds() + 3 * 86_400);
    proofs
        .send(
            sender.clone(),
            file,
            vec![own.user_id, partner.user_id],
            Some(deadline),
        )
        .await
        .map_err(|error| anyhow::anyhow!("sending the demo proof: {error}"))?;
    proofs
        .comment(
            partner.clone(),
            NewCommentForm {
                proof: file,
                version: 2,
                text: CommentText::parse(
                    "The cover photo is cropped too tight: keep the whole bridge, please.",
                )?,
                page: Some(1),
                point: Some((500, 300)),
                reply_to: None,
            },
        )
        .await
        .map_err(|error| anyhow::anyhow!("commenting on the demo proof: {error}"))?;
    proofs
        .decide(partner, file, 2, Decision::ChangesRequired)
        .await
        .map_err(|error| anyhow::anyhow!("deciding on the demo proof: {error}"))?;
    Ok(())
}

/// One demo file: its name and its versions' bytes, oldest first.
struct DemoFile {
    name: &'static str,
    contents: fn() -> Vec<Vec<u8>>,
}

type DemoFolders = &'static [(&'static str, &'static [DemoFile])];

/// The demo's documents: per administrator's address, folders of files.
const DEMO_DOCUMENTS: [(&str, DemoFolders); 3] = [
    (
        "admin@northwind.example",
        &[
            (
                "Spring campaign",
                &[
                    DemoFile {
                        name: "Spring catalogue.pdf",
                        contents: || {
                            vec![
                                crate::previews::sample::pdf("Spring catalogue draft", 3),
                                crate::previews::sample::pdf("Spring catalogue", 4),
                            ]
                        },
                    },
                    DemoFile {
                        name: "Logo.png",
                        contents: || vec![demo_image(640, 360)],
                    },
                    DemoFile {
                        name: "Brief.txt",
                        contents: || {
                            vec![
                                b"Spring campaign brief: catalogue, posters and labels, \
                                   printed by Acme Print."
                                    .to_vec(),
                            ]
                        },
                    },
                ],
            ),
            (
                "Contracts",
                &[DemoFile {
                    name: "Framework agreement.pdf",
                    contents: || vec![crate::previews::sample::pdf("Framework agreement", 2)],
                }],
            ),
        ],
    ),
    (
        "admin@acme.example",
        &[(
            "Proofs",
            &[DemoFile {
                name: "Label mockup.png",
                contents: || vec![demo_image(480, 480)],
            }],
        )],
    ),
    (
        "admin@harbor.example",
        &[(
            "Press kit",
            &[DemoFile {
                name: "Press release.pdf",
                contents: || vec![crate::previews::sample::pdf("Harbor Press release", 2)],
            }],
        )],
    ),
];

/// A colourful PNG of `width` × `height` for the demo.
fn demo_image(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let band = u8::try_from((x * 255) / width.max(1)).unwrap_or(255);
        let fade = u8::try_from((y * 255) / height.max(1)).unwrap_or(255);
        image::Rgb([band, 118, 255 - fade])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("a PNG in memory");
    bytes
}

/// The sign-in of the organization `seed-bench` creates (a benchmark database only).
pub const BENCH_EMAIL: &str = "admin@bench.example";
/// Its password, printed by `seed-bench` (a benchmark database only, never a real one).
pub const BENCH_PASSWORD: &str = "entente-bench";

/// What [`seed_bench`] wrote: the pages a benchmark visits, each an address on the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchPages {
    /// The Partners tab, a page from the middle of its list (a keyset cursor, not an offset).
    pub partners_deep: String,
    /// Contacts, a page from the middle of the list.
    pub contacts_deep: String,
}

/// Fills an empty database with one organization ([`BENCH_EMAIL`], "Bench Org") holding `rows`
/// partner requests (partners, invitations either way, refusals, each with its own
/// organization and Administrator) and `rows` contacts, for `cargo xtask bench`'s tables of
/// cost against size. Refuses a database that already holds organizations.
pub async fn seed_bench(store: &Store, rows: u64) -> anyhow::Result<BenchPages> {
    use crate::store::bench_data::{self, BenchTable, bench_id};
    if accounts::count_accounts(store).await? > 0 {
        anyhow::bail!("the database already holds organizations; seed-bench needs an empty one");
    }
    let hash = hash_password(BENCH_PASSWORD.to_owned())
        .await
        .map_err(|error| anyhow::anyhow!(error))?;
    let now = Timestamp(crate::store::now_unix_seconds());
    // Every request changed before now, one second apart.
    let start = Timestamp(now.0 - i64::try_from(rows).unwrap_or(i64::MAX) - 1);
    let mut tx = store.begin_write().await?;
    if accounts::lock_and_count_accounts(&mut tx).await? > 0 {
        anyhow::bail!("the database already holds organizations; seed-bench needs an empty one");
    }
    let email = Email::parse(BENCH_EMAIL)?;
    let new_account = NewAccount {
        account_name: AccountName::parse("Bench Org")?,
        admin_name: PersonName::parse("Bench Admin")?,
        admin_email: email.clone(),
        password_hash: Some(hash),
    };
    let (account, admin) = accounts::create_account_with_admin(&mut tx, &new_account, now).await?;
    accounts::mark_verified(&mut tx, account, email.domain(), now).await?;
    bench_data::insert(&mut tx, account, admin, email.as_str(), rows, start).await?;
    tx.commit().await?;
    accounts::fill_name_skeletons(store).await?;
    let middle = (rows / 2).max(1);
    let request = bench_id(BenchTable::Requests, middle);
    let contact = bench_id(BenchTable::Contacts, middle);
    let updated = bench_data::request_updated_at(start, middle).0;
    let contact_name = bench_data::contact_name(middle).to_lowercase();
    Ok(BenchPages {
        partners_deep: format!("/settings/partners?after={updated}_{request}"),
        contacts_deep: format!(
            "/contacts?after={contact}{}",
            contact_name.replace(' ', "%20")
        ),
    })
}
