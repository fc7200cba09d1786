//! The authorization matrix (issue 12): every registered server function and every page, called
//! by every kind of actor, against one table of who may do what.
//!
//! Actors: signed out; each profile of the owner account A; an Administrator and a Standard
//! user of a current partner, of a former partner and of an unrelated account. Objects: a user,
//! a contact and a partner request of A. The table ([`entry`], [`page_rule`]) says who may; a
//! registered function or page without an entry fails the test, so a new one must be placed in
//! it. A denial changes nothing (the stored users, contacts, partner requests, accounts,
//! emails and audit entries are compared before and after), and a denial by someone outside A
//! on A's object answers exactly like a missing id (the same status and body as a random one).

use std::collections::BTreeSet;

use entente_app::api::contacts::{AddContact, ListContacts};
use entente_app::api::documents::{CreateFolder, DeleteItem, OpenFolder};
use entente_app::api::users::AddUser;
use entente_core::Profile;
use entente_server::http::router::page_paths;
use entente_server::store::Store;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::engines::fetch_texts;
use crate::support::fixtures::{Organization, browser};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    SignedOut,
    /// A user of the owner account A, with this profile.
    Own(Profile),
    /// A user of another account: its Administrator (`true`) or a Standard user.
    Partner(bool),
    FormerPartner(bool),
    Unrelated(bool),
}

impl Actor {
    fn all() -> Vec<Actor> {
        let mut all = vec![Actor::SignedOut];
        all.extend(Profile::ALL.map(Actor::Own));
        for admin in [true, false] {
            all.extend([
                Actor::Partner(admin),
                Actor::FormerPartner(admin),
                Actor::Unrelated(admin),
            ]);
        }
        all
    }

    /// The actor's profile in its own account; `None` when signed out.
    fn profile(self) -> Option<Profile> {
        match self {
            Actor::SignedOut => None,
            Actor::Own(profile) => Some(profile),
            Actor::Partner(admin) | Actor::FormerPartner(admin) | Actor::Unrelated(admin) => {
                Some(if admin {
                    Profile::Administrator
                } else {
                    Profile::Standard
                })
            }
        }
    }
}

/// Who a function or page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not (sign-in, links from emails, the public pages).
    Anyone,
    /// Any signed-in user, on their own account.
    SignedIn,
    /// An Administrator or Billing Administrator, on their own account (Account settings).
    AccountSettings,
    /// Anyone signed in whose profile works with documents (all but Reviewer), on their own
    /// account's documents (SPEC 3.1); a Reviewer finds nothing, as for a missing id.
    Documents,
    /// An Administrator, Billing Administrator or Manager of the owner account, on any of its
    /// items (SPEC 3.3); a Standard user is refused what another user created, a Reviewer
    /// finds nothing.
    Share,
    /// Nobody without an id in the address (a file's page): not found, or sign in first.
    NeedsAnId,
    /// Nobody: the developers' mailbox, which is off unless `ENTENTE_DEV_MAILBOX` turns it on
    /// (and then answers local clients only, tested in mailbox.rs); off, it is not found.
    MailboxOff,
}

impl Rule {
    fn allows(self, actor: Actor) -> bool {
        match (self, actor.profile()) {
            (Rule::Anyone, _) => true,
            (Rule::MailboxOff | Rule::NeedsAnId, _) => false,
            (Rule::Documents, Some(profile)) => profile.works_with_documents(),
            (_, None) => false,
            (Rule::SignedIn, Some(_)) => true,
            (Rule::AccountSettings, Some(profile)) => profile.can_manage_users(),
            (Rule::Share, Some(profile)) => matches!(
                profile,
                Profile::Administrator | Profile::BillingAdministrator | Profile::Manager
            ),
        }
    }
}

/// The object of A a function acts on, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    User,
    Contact,
    PartnerRequest,
    /// A folder of A's documents.
    Folder,
    /// A file of A's documents.
    File,
    /// A folder of A's documents in its trash.
    TrashedFolder,
    /// A share of a folder of A's with its current partner.
    Share,
    /// A file of A's sent for review to A's people who work with documents, with a comment:
    /// `proof|reviewer|comment` (the ids a call may need).
    Proof,
}

/// One row of the table: who may call the function, on which object, with which arguments.
struct Entry {
    rule: Rule,
    object: Option<Object>,
    /// The form fields, given the id of the object (or a random id).
    fields: fn(&str, &Unique) -> Vec<(&'static str, String)>,
}

/// Fresh names and addresses for calls that add something, so allowed calls never collide,
/// A's root folder (where a move goes) and A's current partner's account (whom a share names).
struct Unique(String, String, String);

impl Unique {
    fn email(&self, domain: &str) -> String {
        format!("{}@{domain}", self.0)
    }
}

/// The table for server functions, by their path; `None` for a path it does not know.
fn entry(path: &str) -> Option<Entry> {
    use Rule::*;
    let none = |_: &str, _: &Unique| Vec::new();
    let found = match path.strip_prefix("/api/")? {
        // Anyone: each is given input that changes nothing, so every actor can call it.
        "sign_up" => Entry {
            rule: Anyone,
            object: None,
            fields: |_, _| {
                vec![
                    ("account_name", "Matrix Co".into()),
                    ("name", "Mat".into()),
                    ("email", "not an address".into()),
                    ("password", "correct horse battery".into()),
                ]
            },
        },
        "sign_in" => Entry {
            rule: Anyone,
            object: None,
            fields: |_, unique| {
                vec![
                    ("email", unique.email("nobody.example")),
                    ("password", "wrong password".into()),
                ]
            },
        },
        // sign_out is called by the signed-out actor only: for anyone else it ends their own
        // session (tests in sessions.rs), which would end the matrix for them.
        "current_user" | "partners/awaiting" | "status" | "sign_out" | "mailbox/enabled"
        | "mailbox/list" => Entry {
            rule: Anyone,
            object: None,
            fields: none,
        },
        // The developers' mailbox answers local clients only, whoever they are; tests are local.
        "mailbox/email" => Entry {
            rule: Anyone,
            object: None,
            fields: |id, _| vec![("id", id.into())],
        },
        "verify_email" => Entry {
            rule: Anyone,
            object: None,
            fields: |_, _| vec![("token", "ab".repeat(32))],
        },
        "set_password" => Entry {
            rule: Anyone,
            object: None,
            fields: |_, _| {
                vec![
                    ("token", "ab".repeat(32)),
                    ("password", "a new long passphrase".into()),
                    ("confirm_password", "a new long passphrase".into()),
                ]
            },
        },
        "request_password_reset" => Entry {
            rule: Anyone,
            object: None,
            fields: |_, unique| vec![("email", unique.email("nobody.example"))],
        },
        "resend_verification" => Entry {
            rule: SignedIn,
            object: None,
            fields: none,
        },
        // Any signed-in user, on their own account's contacts.
        "contacts/list" => Entry {
            rule: SignedIn,
            object: None,
            fields: none,
        },
        "contacts/add" => Entry {
            rule: SignedIn,
            object: None,
            fields: |_, unique| {
                vec![
                    ("name", "Matrix Contact".into()),
                    ("email", unique.email("contacts.example")),
                ]
            },
        },
        "contacts/remove" => Entry {
            rule: SignedIn,
            object: Some(Object::Contact),
            fields: |id, _| vec![("id", id.into())],
        },
        // Account settings.
        "list_users" | "activity/list" => Entry {
            rule: AccountSettings,
            object: None,
            fields: none,
        },
        "partners/list" => Entry {
            rule: AccountSettings,
            object: None,
            fields: none,
        },
        "add_user" => Entry {
            rule: AccountSettings,
            object: None,
            fields: |_, unique| {
                vec![
                    ("name", "Matrix User".into()),
                    ("email", unique.email("added.example")),
                    ("profile", "standard".into()),
                ]
            },
        },
        "rename_user" => Entry {
            rule: AccountSettings,
            object: Some(Object::User),
            fields: |id, _| vec![("user_id", id.into()), ("name", "Renamed By Matrix".into())],
        },
        "change_user_profile" => Entry {
            rule: AccountSettings,
            object: Some(Object::User),
            fields: |id, _| vec![("user_id", id.into()), ("profile", "manager".into())],
        },
        "deactivate_user" | "reactivate_user" => Entry {
            rule: AccountSettings,
            object: Some(Object::User),
            fields: |id, _| vec![("user_id", id.into())],
        },
        "partners/send" => Entry {
            rule: AccountSettings,
            object: None,
            fields: |_, _| vec![("email", "nobody@unregistered.example".into())],
        },
        // Documents (SPEC 3.1).
        "documents/folder" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, _| vec![("folder", id.into())],
        },
        "documents/file" => Entry {
            rule: Documents,
            object: Some(Object::File),
            fields: |id, _| vec![("file", id.into())],
        },
        "documents/trash" => Entry {
            rule: Documents,
            object: None,
            fields: none,
        },
        "documents/create_folder" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, unique| vec![("parent", id.into()), ("name", unique.0.clone())],
        },
        "documents/rename" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, unique| vec![("item", id.into()), ("name", unique.0.clone())],
        },
        "documents/move" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, unique| vec![("item", id.into()), ("target", unique.1.clone())],
        },
        "documents/move_destination" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, unique| vec![("item", id.into()), ("folder", unique.1.clone())],
        },
        "documents/delete" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, _| vec![("item", id.into())],
        },
        "documents/restore" => Entry {
            rule: Documents,
            object: Some(Object::TrashedFolder),
            fields: |id, _| vec![("item", id.into())],
        },
        // Sharing (SPEC 3.3).
        "sharing/panel" => Entry {
            rule: Documents,
            object: Some(Object::Folder),
            fields: |id, _| vec![("item", id.into())],
        },
        "sharing/share" => Entry {
            rule: Share,
            object: Some(Object::Folder),
            fields: |id, unique| {
                vec![
                    ("item", id.into()),
                    ("recipient", format!("account:{}", unique.2)),
                    ("role", "viewer".into()),
                ]
            },
        },
        "sharing/revoke" => Entry {
            rule: Share,
            object: Some(Object::Share),
            fields: |id, _| vec![("share", id.into())],
        },
        "sharing/between" => Entry {
            rule: AccountSettings,
            object: Some(Object::PartnerRequest),
            fields: |id, _| vec![("request", id.into())],
        },
        "sharing/with_us" | "sharing/by_us" | "sharing/daily_email" => Entry {
            rule: SignedIn,
            object: None,
            fields: none,
        },
        "sharing/set_daily_email" => Entry {
            rule: SignedIn,
            object: None,
            fields: |_, _| vec![("setting", "daily".into())],
        },
        // Proofs (SPEC 3.2): the proof is seen by A's people who work with documents (all are
        // named reviewers but the Reviewer profile, who is not named), managed by those who share.
        "proofs/mine" | "proofs/today" => Entry {
            rule: SignedIn,
            object: None,
            fields: none,
        },
        "proofs/ours" => Entry {
            rule: Documents,
            object: None,
            fields: none,
        },
        "proofs/send_form" => Entry {
            rule: Documents,
            object: Some(Object::File),
            fields: |id, _| vec![("file", id.into())],
        },
        "proofs/send" => Entry {
            rule: Share,
            object: Some(Object::File),
            fields: |id, _| vec![("file", id.into())],
        },
        "proofs/open" => Entry {
            rule: Documents,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0))],
        },
        "proofs/compare" => Entry {
            rule: Documents,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0)), ("a", "1".into()), ("b", "1".into())],
        },
        "proofs/decide" => Entry {
            rule: Documents,
            object: Some(Object::Proof),
            fields: |id, _| {
                vec![
                    ("proof", part(id, 0)),
                    ("version", "1".into()),
                    ("decision", "approved".into()),
                ]
            },
        },
        "proofs/comment" => Entry {
            rule: Documents,
            object: Some(Object::Proof),
            fields: |id, _| {
                vec![
                    ("proof", part(id, 0)),
                    ("version", "1".into()),
                    ("text", "Matrix".into()),
                ]
            },
        },
        "proofs/resolve" => Entry {
            rule: Documents,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0)), ("comment", part(id, 2))],
        },
        "proofs/add_reviewers" | "proofs/deadline" => Entry {
            rule: Share,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0))],
        },
        "proofs/lock" => Entry {
            rule: Share,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0)), ("lock", "lock".into())],
        },
        "proofs/remove_reviewer" => Entry {
            rule: Share,
            object: Some(Object::Proof),
            fields: |id, _| vec![("proof", part(id, 0)), ("user", part(id, 1))],
        },
        "partners/act" => Entry {
            rule: AccountSettings,
            object: Some(Object::PartnerRequest),
            fields: |id, _| vec![("action", "delete".into()), ("request_id", id.into())],
        },
        _ => return None,
    };
    Some(found)
}

/// Part `n` of a `proof|reviewer|comment` object; for any other id (a missing one), the id
/// itself, so every part is as unknown as it.
fn part(id: &str, n: usize) -> String {
    id.split('|').nth(n).unwrap_or(id).to_owned()
}

/// The table for pages, by their path.
fn page_rule(path: &str) -> Option<Rule> {
    match path {
        "/" | "/sign-in" | "/sign-up" | "/set-password" | "/verify-email" | "/forgot-password" => {
            Some(Rule::Anyone)
        }
        "/mailbox" => Some(Rule::MailboxOff),
        "/contacts" | "/shared-with-us" | "/shared-by-us" | "/reviews" => Some(Rule::SignedIn),
        "/proofs" => Some(Rule::Documents),
        "/proofs/proof" | "/proofs/compare" => Some(Rule::NeedsAnId),
        "/documents" | "/documents/trash" => Some(Rule::Documents),
        "/documents/file" | "/documents/move" => Some(Rule::NeedsAnId),
        "/settings/partners" | "/settings/users" | "/settings/activity" => {
            Some(Rule::AccountSettings)
        }
        _ => None,
    }
}

/// The world the matrix runs in: A with a user of each profile, and the other accounts.
struct World {
    acme: Organization,
    clients: Vec<(Actor, reqwest::Client)>,
    /// A's objects that denied calls aim at; they never change.
    user: String,
    contact: String,
    request: String,
    root: String,
    folder: String,
    file: String,
    trashed: String,
    /// A share of A's with its current partner.
    share: String,
    /// A proof of A's (`proof|reviewer|comment`).
    proof: String,
    /// A's current partner's account.
    partner: String,
}

const MARKER: &str = "Zanzibar Marker";

/// A fresh object of A of `kind`, for a call that is allowed to change it.
async fn fresh_object(app: &TestApp, world: &World, kind: Object, n: usize) -> String {
    let admin = &world.acme.admin;
    match kind {
        Object::User => {
            let add = AddUser {
                name: format!("{MARKER} Target {n}"),
                email: format!("target{n}@acme.example"),
                profile: "standard".to_owned(),
            };
            app.call(admin, add)
                .await
                .expect("add a target")
                .user_id
                .to_string()
        }
        Object::Contact => {
            add_contact(
                app,
                admin,
                &format!("{MARKER} Contact {n}"),
                &format!("contact{n}@elsewhere.example"),
            )
            .await
        }
        Object::PartnerRequest => {
            let other = app
                .sign_up(&format!("Quince {n}"), &format!("quinn{n}@quince.example"))
                .await;
            app.invite(&world.acme, &other).await
        }
        Object::Folder => new_folder(app, world, &format!("{MARKER} Folder {n}")).await,
        Object::Share => {
            let folder = new_folder(app, world, &format!("{MARKER} Shared {n}")).await;
            let share = entente_app::api::sharing::ShareItem {
                item: folder.clone(),
                recipient: format!("account:{}", world.partner),
                role: "viewer".to_owned(),
                downloads: None,
            };
            app.call(admin, share).await.expect("share");
            let panel = entente_app::api::sharing::OpenSharingPanel {
                item: folder,
                people: None,
            };
            let panel = app.call(admin, panel).await.expect("the panel");
            panel.expect("the owner's panel").entries[0]
                .share
                .to_string()
        }
        Object::TrashedFolder => {
            let folder = new_folder(app, world, &format!("{MARKER} Trashed {n}")).await;
            let delete = DeleteItem {
                item: folder.clone(),
            };
            app.call(admin, delete).await.expect("move to the trash");
            folder
        }
        Object::Proof => {
            let file = Box::pin(fresh_object(app, world, Object::File, n)).await;
            let reviewers = fetch_texts(
                &app.store,
                &format!(
                    "SELECT id FROM users WHERE account_id = '{}' AND profile <> 'reviewer' AND active = TRUE \
                     ORDER BY id",
                    world.acme.account_id
                ),
            )
            .await;
            // A form's `reviewers[]` checkboxes, as the page sends them.
            let mut fields = vec![("file", file.clone())];
            fields.extend(reviewers.iter().map(|id| ("reviewers[]", id.clone())));
            let (status, body) = post(app, admin, "/api/proofs/send", &fields).await;
            assert!(status.is_success(), "send for review: {status} {body}");
            let comment = entente_app::api::proofs::CommentOnProof {
                proof: file.clone(),
                version: "1".to_owned(),
                text: format!("{MARKER} comment"),
                page: None,
                x: None,
                y: None,
                reply_to: None,
            };
            app.call(admin, comment).await.expect("a comment");
            let comment = fetch_texts(
                &app.store,
                &format!("SELECT id FROM proof_comments WHERE proof_id = '{file}'"),
            )
            .await;
            format!("{file}|{}|{}", reviewers[0], comment[0])
        }
        Object::File => {
            let name = format!("{MARKER} {n}.txt");
            let answer = app
                .upload(admin, "folder", &world.root, &[(&name, MARKER.as_bytes())])
                .await;
            crate::support::app::uploaded(answer).await[0]
                .id
                .to_string()
        }
    }
}

/// A new folder named `name` in A's root, and its id.
async fn new_folder(app: &TestApp, world: &World, name: &str) -> String {
    let create = CreateFolder {
        parent: world.root.clone(),
        name: name.to_owned(),
    };
    app.call(&world.acme.admin, create)
        .await
        .expect("create a folder");
    let open = OpenFolder {
        folder: None,
        sort: None,
        order: None,
        after: None,
    };
    let root = app.call(&world.acme.admin, open).await.expect("the root");
    root.items
        .iter()
        .find(|item| item.name.as_str() == name)
        .expect("the new folder")
        .id
        .to_string()
}

async fn add_contact(app: &TestApp, client: &reqwest::Client, name: &str, email: &str) -> String {
    let add = AddContact {
        name: name.to_owned(),
        email: email.to_owned(),
    };
    app.call(client, add).await.expect("add a contact");
    let list = ListContacts {
        q: Some(email.to_owned()),
        after: None,
    };
    let page = app.call(client, list).await.expect("the contacts");
    page.rows[0]
        .removable_id
        .expect("a hand-added contact")
        .to_string()
}

async fn build_world(app: &TestApp) -> World {
    let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
    let mut clients = vec![
        (Actor::SignedOut, browser()),
        (Actor::Own(Profile::Administrator), acme.admin.clone()),
    ];
    for profile in Profile::ALL.into_iter().skip(1) {
        let email = format!("{}@acme.example", profile.as_str());
        let client = app
            .invited_and_signed_in(&acme.admin, &email, profile)
            .await;
        clients.push((Actor::Own(profile), client));
    }
    let mut partner = String::new();
    let others = [
        ("Pine Print", "pine", Actor::Partner as fn(bool) -> Actor),
        ("Fir Forms", "fir", Actor::FormerPartner),
        ("Umber Works", "umber", Actor::Unrelated),
    ];
    for (name, domain, actor) in others {
        let other = app.sign_up(name, &format!("admin@{domain}.example")).await;
        let standard = app
            .invited_and_signed_in(
                &other.admin,
                &format!("standard@{domain}.example"),
                Profile::Standard,
            )
            .await;
        if domain == "pine" {
            partner = other.account_id.to_string();
        }
        if domain != "umber" {
            let request = app.invite(&acme, &other).await;
            app.act(&other.admin, "accept", &request).await;
            if domain == "fir" {
                app.act(&acme.admin, "delete", &request).await;
            }
        }
        clients.push((actor(true), other.admin.clone()));
        clients.push((actor(false), standard));
    }
    for actor in Actor::all() {
        assert!(
            clients.iter().any(|(signed_in, _)| *signed_in == actor),
            "{actor:?} has no browser"
        );
    }
    let mut world = World {
        acme,
        clients,
        user: String::new(),
        contact: String::new(),
        request: String::new(),
        root: String::new(),
        folder: String::new(),
        file: String::new(),
        trashed: String::new(),
        share: String::new(),
        proof: String::new(),
        partner: String::new(),
    };
    let open = OpenFolder {
        folder: None,
        sort: None,
        order: None,
        after: None,
    };
    world.root = app
        .call(&world.acme.admin, open)
        .await
        .expect("the root")
        .folder
        .id
        .to_string();
    world.folder = fresh_object(app, &world, Object::Folder, 0).await;
    world.file = fresh_object(app, &world, Object::File, 0).await;
    world.partner = partner;
    world.trashed = fresh_object(app, &world, Object::TrashedFolder, 0).await;
    world.share = fresh_object(app, &world, Object::Share, 0).await;
    world.proof = fresh_object(app, &world, Object::Proof, 0).await;
    world.user = fresh_object(app, &world, Object::User, 0).await;
    world.contact = fresh_object(app, &world, Object::Contact, 0).await;
    world.request = fresh_object(app, &world, Object::PartnerRequest, 0).await;
    world
}

/// What a denial must leave unchanged.
async fn stored_state(store: &Store) -> Vec<Vec<String>> {
    let mut state = Vec::new();
    for sql in [
        "SELECT CAST(id AS TEXT) || name || profile || CAST(active AS TEXT) FROM users ORDER BY 1",
        "SELECT CAST(id AS TEXT) || name || CAST(active AS TEXT) FROM contacts ORDER BY 1",
        "SELECT CAST(id AS TEXT) || status || CAST(deleted_by_sender AS TEXT) \
         || CAST(deleted_by_recipient AS TEXT) || CAST(archived AS TEXT) FROM partner_requests ORDER BY 1",
        "SELECT CAST(id AS TEXT) || name FROM accounts ORDER BY 1",
        "SELECT CAST(COUNT(*) AS TEXT) FROM email_outbox",
        "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
        "SELECT CAST(id AS TEXT) || role || CAST(downloads AS TEXT) FROM shares ORDER BY 1",
        "SELECT item_id || status || CAST(locked AS TEXT) || COALESCE(CAST(deadline AS TEXT), '') \
         FROM proofs ORDER BY 1",
        "SELECT proof_id || CAST(version AS TEXT) || user_id || decision FROM proof_reviews ORDER BY 1",
        "SELECT id || COALESCE(CAST(resolved_at AS TEXT), '') FROM proof_comments ORDER BY 1",
    ] {
        state.push(fetch_texts(store, sql).await);
    }
    state
}

/// The status and body of a call.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, String)],
) -> (StatusCode, String) {
    let response = app.post_form(client, path, &fields).await;
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

both_engines! {
    async fn every_server_function_and_page_allows_exactly_whom_the_table_says_and_a_denial_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let world = build_world(&app).await;

        let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        paths.retain(|path| path.starts_with("/api/"));
        let unlisted: Vec<_> = paths.iter().filter(|path| entry(path).is_none()).collect();
        assert!(unlisted.is_empty(), "server functions without an entry in the matrix: {unlisted:?}");

        let mut calls = 0;
        let mut fresh = 0;
        for path in &paths {
            let entry = entry(path).expect("listed");
            for (actor, client) in &world.clients {
                if path.ends_with("/sign_out") && *actor != Actor::SignedOut {
                    continue;
                }
                fresh += 1;
                let unique = Unique(format!("matrix{fresh}"), world.root.clone(), world.partner.clone());
                let allowed = entry.rule.allows(*actor)
                    && (entry.object.is_none() || matches!(actor, Actor::Own(_)));
                let object = match entry.object {
                    Some(kind) if allowed => fresh_object(&app, &world, kind, fresh).await,
                    Some(Object::User) => world.user.clone(),
                    Some(Object::Contact) => world.contact.clone(),
                    Some(Object::PartnerRequest) => world.request.clone(),
                    Some(Object::Folder) => world.folder.clone(),
                    Some(Object::File) => world.file.clone(),
                    Some(Object::TrashedFolder) => world.trashed.clone(),
                    Some(Object::Share) => world.share.clone(),
                    Some(Object::Proof) => world.proof.clone(),
                    None => Uuid::new_v4().to_string(),
                };
                let before = stored_state(&app.store).await;
                let (status, body) = post(&app, client, path, &(entry.fields)(&object, &unique)).await;
                calls += 1;
                let cell = format!("{path} as {actor:?}: {status} {body}");
                assert!(!status.is_server_error(), "{cell}");
                if entry.rule == Rule::Anyone {
                    // Open to all: refused only as input (the harmless arguments above).
                    assert!(status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN, "{cell}");
                    continue;
                }
                if allowed {
                    // Past the authorization check: done, or refused only as input (sending an
                    // invitation to an address nobody uses, say).
                    let denied = [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND];
                    assert!(!denied.contains(&status), "allowed: {cell}");
                    if !matches!(actor, Actor::Own(_) | Actor::Partner(_)) {
                        assert!(!body.contains(MARKER), "another account's data: {cell}");
                    }
                    continue;
                }
                let expected = match actor.profile() {
                    None => StatusCode::UNAUTHORIZED,
                    Some(profile) if entry.rule == Rule::AccountSettings && !profile.can_manage_users() => StatusCode::FORBIDDEN,
                    // A Standard user sees A's items, and is refused sharing another's.
                    Some(Profile::Standard) if entry.rule == Rule::Share && matches!(actor, Actor::Own(_)) => StatusCode::FORBIDDEN,
                    Some(_) => StatusCode::NOT_FOUND,
                };
                assert_eq!(status, expected, "denied: {cell}");
                assert_eq!(stored_state(&app.store).await, before, "a denial changed something: {cell}");
                if expected == StatusCode::NOT_FOUND {
                    // Exactly like an id that does not exist.
                    let missing = Uuid::new_v4().to_string();
                    let (missing_status, missing_body) = post(&app, client, path, &(entry.fields)(&missing, &unique)).await;
                    calls += 1;
                    assert_eq!((missing_status, missing_body), (status, body), "unlike a missing id: {path} as {actor:?}");
                }
            }
        }

        let pages = page_paths();
        let unlisted: Vec<_> = pages.iter().filter(|path| page_rule(path).is_none()).collect();
        assert!(unlisted.is_empty(), "pages without an entry in the matrix: {unlisted:?}");
        for path in &pages {
            let rule = page_rule(path).expect("listed");
            for (actor, client) in &world.clients {
                let (status, html) = app.page(client, path).await;
                calls += 1;
                let cell = format!("page {path} as {actor:?}: {status}");
                assert!(!status.is_server_error(), "{cell}");
                if rule.allows(*actor) {
                    assert!(status.is_success(), "allowed: {cell}");
                } else {
                    assert!(
                        [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND, StatusCode::SEE_OTHER, StatusCode::FOUND]
                            .contains(&status),
                        "denied: {cell}"
                    );
                }
                if !matches!(actor, Actor::Own(_) | Actor::Partner(_)) {
                    assert!(!html.contains(MARKER), "another account's data: {cell}");
                }
            }
        }
        // The figure for docs/reliability.md.
        println!("authorization matrix: {} functions, {} pages, {} actors, {calls} requests", paths.len(), pages.len(), world.clients.len());
    }
}
