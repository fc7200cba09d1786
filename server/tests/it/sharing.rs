//! Sharing with partners through the real router on both engines (SPEC 3.3, issue 14): who a
//! share reaches, what it lets them do, what moving, the trash, revoking and the end of a
//! partnership change, and who may share. Every refusal of something the viewer may not see
//! answers exactly like a missing id: the matrix at the end asks, as each kind of person, for a
//! file shared directly, through a folder, in person, revoked, trashed, moved out, and shared
//! with a former partner.

use entente_app::api::activity::{ActivityEvent, ListActivity};
use entente_app::api::documents::{
    CreateFolder, DeleteItem, FilePage, FolderPage, MoveItem, OpenFile, OpenFolder, RestoreItem,
};
use entente_app::api::sharing::{
    OpenSharingPanel, OpenStaysShared, RevokeShare, ShareItem, SharedPage, SharedWithUs,
};
use entente_app::error::AppError;
use entente_core::Profile;
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::{ItemName, ShareRole};
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use leptos::server_fn::ServerFn as _;
use reqwest::StatusCode;

use crate::support::app::{TestApp, uploaded};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{Organization, emails_to, stored_user};

pub(crate) async fn folder(
    app: &TestApp,
    client: &reqwest::Client,
    id: Option<&str>,
) -> Result<FolderPage, Refused> {
    let open = OpenFolder {
        folder: id.map(str::to_owned),
        sort: None,
        order: None,
        after: None,
    };
    app.call(client, open).await
}

async fn file(app: &TestApp, client: &reqwest::Client, id: &str) -> Result<FilePage, Refused> {
    app.call(
        client,
        OpenFile {
            file: id.to_owned(),
        },
    )
    .await
}

/// Creates the folder `name` in `parent` and returns its id.
pub(crate) async fn new_folder(
    app: &TestApp,
    client: &reqwest::Client,
    parent: &str,
    name: &str,
) -> String {
    let create = CreateFolder {
        parent: parent.to_owned(),
        name: name.to_owned(),
    };
    app.call(client, create).await.expect("create the folder");
    let page = folder(app, client, Some(parent)).await.unwrap();
    page.items
        .iter()
        .find(|item| item.name.as_str() == name)
        .expect("the new folder")
        .id
        .to_string()
}

/// Uploads one file into `parent` and returns its id.
pub(crate) async fn new_file(
    app: &TestApp,
    client: &reqwest::Client,
    parent: &str,
    name: &str,
    bytes: &[u8],
) -> String {
    uploaded(app.upload(client, "folder", parent, &[(name, bytes)]).await).await[0]
        .id
        .to_string()
}

pub(crate) fn share(item: &str, recipient: String, role: &str, downloads: bool) -> ShareItem {
    ShareItem {
        item: item.to_owned(),
        recipient,
        role: role.to_owned(),
        downloads: downloads.then(|| "on".to_owned()),
    }
}

pub(crate) fn whole(org: &Organization) -> String {
    format!("account:{}", org.account_id)
}

async fn shared_with_us(app: &TestApp, client: &reqwest::Client) -> SharedPage {
    app.call(
        client,
        SharedWithUs {
            from: None,
            after: None,
        },
    )
    .await
    .expect("Shared with us")
}

/// The names on a page, sorted (shares of one second are in no particular order).
fn names(page: &SharedPage) -> Vec<String> {
    let mut names: Vec<String> = page
        .entries
        .iter()
        .map(|entry| entry.item.name.to_string())
        .collect();
    names.sort();
    names
}

/// The status of a download of `file` as `client`.
async fn download(app: &TestApp, client: &reqwest::Client, file: &str) -> StatusCode {
    client
        .get(app.url(&format!("/documents/download?file={file}")))
        .send()
        .await
        .expect("the server answers")
        .status()
}

/// The first page of `client`'s Activity page: who (as the page shows them) and what.
async fn activity(app: &TestApp, client: &reqwest::Client) -> Vec<(Option<String>, ActivityEvent)> {
    let page = app
        .call(client, ListActivity { after: None })
        .await
        .expect("the activity");
    page.entries
        .into_iter()
        .map(|entry| {
            (
                entry
                    .who
                    .map(|who| format!("{} ({})", who.name, who.organization)),
                entry.what,
            )
        })
        .collect()
}

fn not_found(refused: Refused) {
    assert_eq!(
        refused.with_status(StatusCode::NOT_FOUND),
        AppError::NotFound
    );
}

both_engines! {
    async fn a_shared_folder_reaches_the_partner_with_its_role_through_its_ancestry_and_nothing_else(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let initech = app.sign_up("Initech", "ian@initech.example").await;
        app.partner(&acme, &globex).await;
        let root = folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let campaign = new_folder(&app, &acme.admin, &root, "Campaign").await;
        let drafts = new_folder(&app, &acme.admin, &campaign, "Drafts").await;
        let brief = new_file(&app, &acme.admin, &drafts, "brief.txt", b"the brief").await;
        let private = new_file(&app, &acme.admin, &root, "private.txt", b"ours only").await;

        // Nothing is shared yet: the partner finds nothing, exactly as for a missing id.
        not_found(folder(&app, &globex.admin, Some(&campaign)).await.unwrap_err());
        assert!(shared_with_us(&app, &globex.admin).await.entries.is_empty());

        app.call(&acme.admin, share(&campaign, whole(&globex), "viewer", false)).await.expect("share");
        // One email per share to each of the recipients' people, with the link to open it.
        let shared_emails = |address: &'static str| {
            let store = app.store.clone();
            async move {
                emails_to(&store, address)
                    .await
                    .into_iter()
                    .filter(|email| email.kind == EmailKind::ItemShared)
                    .collect::<Vec<_>>()
            }
        };
        // In the activity of both organizations, with who did it.
        let shared = DocumentAuditKind::Shared {
            with: "Globex Print (whole organization)".to_owned(),
            role: ShareRole::Viewer,
            downloads: false,
        };
        let campaign_entry = |kind| {
            (Some("First Admin (Acme Studio)".to_owned()), ActivityEvent::Document { name: ItemName::parse("Campaign").unwrap(), kind })
        };
        for client in [&acme.admin, &globex.admin] {
            assert!(activity(&app, client).await.contains(&campaign_entry(shared.clone())));
        }
        assert!(!activity(&app, &initech.admin).await.contains(&campaign_entry(shared)));
        let sent = shared_emails("gil@globex.example").await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].subject, "Acme Studio shared Campaign with your organization");
        assert!(sent[0].text_body.contains(&format!("/documents?folder={campaign}")), "{}", sent[0].text_body);
        assert!(shared_emails("ian@initech.example").await.is_empty());
        let listed = shared_with_us(&app, &globex.admin).await;
        assert_eq!(names(&listed), ["Campaign"]);
        assert_eq!(listed.entries[0].owner, "Acme Studio");
        assert_eq!(listed.organizations.iter().map(|org| org.name.as_str()).collect::<Vec<_>>(), ["Acme Studio"]);

        // Everything inside, at any depth, with breadcrumbs that start at the shared folder.
        let shared = folder(&app, &globex.admin, Some(&campaign)).await.expect("the shared folder");
        assert_eq!((shared.shared_by.as_deref(), shared.may_edit, shared.crumbs.len()), (Some("Acme Studio"), false, 0));
        let inside = folder(&app, &globex.admin, Some(&drafts)).await.expect("a folder inside");
        assert_eq!(inside.crumbs.iter().map(|crumb| crumb.name.to_string()).collect::<Vec<_>>(), ["Campaign"]);
        let page = file(&app, &globex.admin, &brief).await.expect("a file inside");
        assert!(!page.may_download && !page.may_edit);
        // Downloads off: the route refuses, the owner still downloads.
        assert_eq!(download(&app, &globex.admin, &brief).await, StatusCode::FORBIDDEN);
        assert_eq!(download(&app, &acme.admin, &brief).await, StatusCode::OK);
        // What is beside or above the shared folder does not exist for them.
        not_found(file(&app, &globex.admin, &private).await.unwrap_err());
        not_found(folder(&app, &globex.admin, Some(&root)).await.unwrap_err());
        assert_eq!(download(&app, &globex.admin, &private).await, StatusCode::NOT_FOUND);
        // A Viewer changes nothing and never re-shares; an unrelated account sees nothing.
        let before = fetch_count(&app.store, "SELECT COUNT(*) FROM items").await;
        let create = CreateFolder { parent: campaign.clone(), name: "Theirs".to_owned() };
        assert_eq!(app.call(&globex.admin, create).await.unwrap_err().status, StatusCode::FORBIDDEN);
        let onward = app.call(&globex.admin, share(&campaign, whole(&initech), "viewer", true)).await.unwrap_err();
        assert_eq!(onward.status, StatusCode::FORBIDDEN);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM items").await, before);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM shares").await, 1);
        not_found(folder(&app, &initech.admin, Some(&campaign)).await.unwrap_err());
        not_found(file(&app, &initech.admin, &brief).await.unwrap_err());
        assert_eq!(download(&app, &initech.admin, &brief).await, StatusCode::NOT_FOUND);
        // The partner's panel is not theirs to see.
        assert_eq!(app.call(&globex.admin, OpenSharingPanel { item: campaign.clone(), people: None }).await.unwrap(), None);

        // Sharing again changes the share: downloads on.
        app.call(&acme.admin, share(&campaign, whole(&globex), "reviewer", true)).await.expect("change");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM shares").await, 1, "one share per recipient");
        assert_eq!(shared_emails("gil@globex.example").await.len(), 1, "a change sends no email");
        assert_eq!(download(&app, &globex.admin, &brief).await, StatusCode::OK);
        // The owner's panel says who has access and through what.
        let panel = app.call(&acme.admin, OpenSharingPanel { item: brief.clone(), people: None }).await.unwrap().expect("the owner's panel");
        assert_eq!(panel.entries.len(), 1);
        assert_eq!(panel.entries[0].through.as_ref().map(|folder| folder.name.to_string()).as_deref(), Some("Campaign"));
        assert_eq!(panel.entries[0].recipient.label(), "Globex Print (whole organization)");

        // Moved out of the shared folder: no longer shared through it.
        let out = MoveItem { item: drafts.clone(), target: root.clone(), open: None };
        app.call(&acme.admin, out).await.expect("move out");
        not_found(folder(&app, &globex.admin, Some(&drafts)).await.unwrap_err());
        not_found(file(&app, &globex.admin, &brief).await.unwrap_err());
        let back = MoveItem { item: drafts.clone(), target: campaign.clone(), open: None };
        app.call(&acme.admin, back).await.expect("move back");
        file(&app, &globex.admin, &brief).await.expect("shared again through the folder");

        // In the trash: no access; restored: access again.
        app.call(&acme.admin, DeleteItem { item: campaign.clone() }).await.expect("trash");
        not_found(folder(&app, &globex.admin, Some(&campaign)).await.unwrap_err());
        not_found(file(&app, &globex.admin, &brief).await.unwrap_err());
        assert!(shared_with_us(&app, &globex.admin).await.entries.is_empty());
        app.call(&acme.admin, RestoreItem { item: campaign.clone() }).await.expect("restore");
        folder(&app, &globex.admin, Some(&campaign)).await.expect("restored, shared again");

        // Revoked: gone; a recipient cannot revoke (the share does not exist for them).
        let share_id = panel.entries[0].share.to_string();
        not_found(app.call(&globex.admin, RevokeShare { share: share_id.clone() }).await.unwrap_err());
        app.call(&acme.admin, RevokeShare { share: share_id.clone() }).await.expect("revoke");
        for client in [&acme.admin, &globex.admin] {
            let unshared = DocumentAuditKind::Unshared { with: "Globex Print (whole organization)".to_owned() };
            assert!(activity(&app, client).await.contains(&campaign_entry(unshared)));
        }
        not_found(folder(&app, &globex.admin, Some(&campaign)).await.unwrap_err());
        not_found(app.call(&acme.admin, RevokeShare { share: share_id }).await.unwrap_err());
    }

    async fn after_a_partnership_ends_shares_stay_for_the_members_then_and_new_shares_wait(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let request = app.partner(&acme, &globex).await;
        let gina = app.invited_and_signed_in(&globex.admin, "gina@globex.example", Profile::Standard).await;
        let gina_id = stored_user(&app.store, "gina@globex.example").await.id;
        let root = folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let shared = new_folder(&app, &acme.admin, &root, "Shared").await;
        let for_gina = new_file(&app, &acme.admin, &root, "for-gina.txt", b"just for Gina").await;
        let later = new_file(&app, &acme.admin, &root, "later.txt", b"later").await;
        app.call(&acme.admin, share(&shared, whole(&globex), "viewer", true)).await.unwrap();
        app.call(&acme.admin, share(&for_gina, format!("person:{gina_id}"), "viewer", true)).await.unwrap();
        // The share form offers the partner's people a search narrows, by name or address.
        let offered = |people: &str| {
            let panel = OpenSharingPanel { item: later.clone(), people: Some(people.to_owned()) };
            let call = app.call(&acme.admin, panel);
            async move {
                let panel = call.await.unwrap().expect("the owner's panel");
                assert!(!panel.more_people);
                panel.targets.into_iter().map(|target| target.label).collect::<Vec<_>>()
            }
        };
        assert_eq!(offered("gina@").await, ["Globex Print (whole organization)", "Sam Invited (Globex Print)"]);
        assert_eq!(offered("nobody").await, ["Globex Print (whole organization)"]);
        let everyone = app.call(&acme.admin, OpenSharingPanel { item: later.clone(), people: None }).await.unwrap().unwrap();
        assert_eq!(everyone.targets.len(), 3, "the organization, its admin and Gina");
        let long = OpenSharingPanel { item: later.clone(), people: Some("x".repeat(500)) };
        assert_eq!(app.call(&acme.admin, long).await.unwrap_err().status, StatusCode::UNPROCESSABLE_ENTITY);

        // A person's share reaches that person only.
        file(&app, &gina, &for_gina).await.expect("Gina's file");
        not_found(file(&app, &globex.admin, &for_gina).await.unwrap_err());

        // The Delete confirmation shows both sides what stays shared, each way.
        let stays = app.call(&acme.admin, OpenStaysShared { request: request.clone() }).await.expect("what stays shared");
        let mut ours: Vec<String> = stays.ours.iter().map(|line| format!("{} with {}", line.name, line.with)).collect();
        ours.sort();
        assert_eq!(ours, ["Shared with Globex Print (whole organization)", "for-gina.txt with Sam Invited (Globex Print)"]);
        assert_eq!((stays.ours_total, stays.theirs_total, stays.other.as_str()), (2, 0, "Globex Print"));
        let theirs = app.call(&globex.admin, OpenStaysShared { request: request.clone() }).await.unwrap();
        assert_eq!((theirs.ours_total, theirs.theirs_total), (0, 2));
        assert_eq!(app.call(&gina, OpenStaysShared { request: request.clone() }).await.unwrap_err().status, StatusCode::FORBIDDEN);

        // The partnership ends: what was shared stays, for the people who were members then.
        app.act(&acme.admin, "delete", &request).await;
        folder(&app, &globex.admin, Some(&shared)).await.expect("still shared with Gil");
        folder(&app, &gina, Some(&shared)).await.expect("still shared with Gina");
        file(&app, &gina, &for_gina).await.expect("still Gina's");
        let listed = shared_with_us(&app, &gina).await;
        assert_eq!(names(&listed), ["Shared", "for-gina.txt"]);
        assert!(!listed.organizations[0].partners_now, "a former partner");
        // A user Globex adds afterwards gets nothing.
        let newbie = app.invited_and_signed_in(&globex.admin, "nora@globex.example", Profile::Administrator).await;
        not_found(folder(&app, &newbie, Some(&shared)).await.unwrap_err());
        assert!(shared_with_us(&app, &newbie).await.entries.is_empty());
        // Nothing new until they partner again; the refusal changes nothing.
        let refused = app.call(&acme.admin, share(&later, whole(&globex), "viewer", true)).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.field("recipient").starts_with("You are not partners with this organization now"), "{refused:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM shares").await, 2);

        // Partnering again: sync catches up, and the account share reaches the newcomer.
        app.partner(&globex, &acme).await;
        folder(&app, &newbie, Some(&shared)).await.expect("shared with every member again");
        app.call(&acme.admin, share(&later, whole(&globex), "viewer", true)).await.expect("a new share");

        // Revoking works whatever the partnership.
        let panel = app.call(&acme.admin, OpenSharingPanel { item: shared.clone(), people: None }).await.unwrap().unwrap();
        app.call(&acme.admin, RevokeShare { share: panel.entries[0].share.to_string() }).await.expect("revoke");
        not_found(folder(&app, &gina, Some(&shared)).await.unwrap_err());
    }

    async fn who_may_share_follows_profiles_and_recipients_must_be_partners_people(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let initech = app.sign_up("Initech", "ian@initech.example").await;
        app.partner(&acme, &globex).await;
        let standard = app.invited_and_signed_in(&acme.admin, "sam@acme.example", Profile::Standard).await;
        let manager = app.invited_and_signed_in(&acme.admin, "max@acme.example", Profile::Manager).await;
        let reviewer = app.invited_and_signed_in(&acme.admin, "rita@acme.example", Profile::Reviewer).await;
        let root = folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let admins = new_file(&app, &acme.admin, &root, "admins.txt", b"by the admin").await;
        let sams = new_file(&app, &standard, &root, "sams.txt", b"by Sam").await;

        // Standard users share what they created; Managers anything; Reviewers find nothing.
        app.call(&standard, share(&sams, whole(&globex), "viewer", true)).await.expect("Sam's own");
        let refused = app.call(&standard, share(&admins, whole(&globex), "viewer", true)).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        app.call(&manager, share(&admins, whole(&globex), "viewer", true)).await.expect("a Manager");
        not_found(app.call(&reviewer, share(&admins, whole(&globex), "viewer", true)).await.unwrap_err());
        let sams_panel = app.call(&standard, OpenSharingPanel { item: admins.clone(), people: None }).await.unwrap().unwrap();
        assert!(!sams_panel.may_share, "Sam sees who has access but may not change it");
        let refused = app.call(&standard, RevokeShare { share: sams_panel.entries[0].share.to_string() }).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // Only partners and their people: an account never partnered, a stranger's user, our
        // own account, the root, and a malformed choice are refused; nothing changes.
        let before = fetch_count(&app.store, "SELECT COUNT(*) FROM shares").await;
        let initech_admin = stored_user(&app.store, "ian@initech.example").await.id;
        for (recipient, field) in [
            (whole(&initech), "Choose a partner organization or one of its people."),
            (format!("person:{initech_admin}"), "Choose a partner organization or one of its people."),
            (whole(&acme), "Items are shared with partner organizations, not with your own."),
            ("everyone".to_owned(), "Choose an organization or a person."),
        ] {
            let refused = app.call(&acme.admin, share(&admins, recipient, "viewer", true)).await.unwrap_err();
            assert_eq!((refused.status, refused.field("recipient")), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()));
        }
        let refused = app.call(&acme.admin, share(&root, whole(&globex), "viewer", true)).await.unwrap_err();
        assert_eq!(refused.field("recipient"), "The Documents folder itself cannot be shared: share the folders and files in it.");
        let refused = app.call(&acme.admin, share(&admins, whole(&globex), "owner", true)).await.unwrap_err();
        assert_eq!(refused.field("role"), "Choose Viewer or Reviewer.");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM shares").await, before);
    }
}

/// Every kind of asker against every state of a shared file.
mod matrix {
    use super::*;

    /// Who asks, in the sharing matrix.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Asker {
        OwnerAdmin,
        /// A Standard user of the owner, who created none of the files.
        OwnerStandard,
        OwnerReviewer,
        PartnerAdmin,
        /// The partner's Standard user, whom one file is shared with in person.
        PartnerStandard,
        /// A user of a former partner who was a member when the partnership ended.
        FormerMember,
        /// A user the former partner added after it ended.
        FormerNewcomer,
        Unrelated,
        SignedOut,
    }

    /// The state of the file asked about, in the sharing matrix.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum State {
        /// Shared with the partner as a whole, directly.
        Direct,
        /// In a folder shared with the partner.
        ThroughFolder,
        /// Shared with the partner's Standard user only.
        InPerson,
        /// Its share with the partner revoked.
        Revoked,
        /// In a shared folder that is in the trash.
        Trashed,
        /// Moved out of a folder shared with the partner.
        MovedOut,
        /// Shared with the former partner before the partnership ended.
        WithFormerPartner,
    }

    /// Whether `asker` may open and download a file in `state` (SPEC 3.1 and 3.3, written out).
    fn sees(asker: Asker, state: State) -> bool {
        match asker {
            Asker::OwnerAdmin | Asker::OwnerStandard => true,
            Asker::OwnerReviewer | Asker::Unrelated | Asker::SignedOut | Asker::FormerNewcomer => {
                false
            }
            Asker::PartnerAdmin => matches!(state, State::Direct | State::ThroughFolder),
            Asker::PartnerStandard => {
                matches!(
                    state,
                    State::Direct | State::ThroughFolder | State::InPerson
                )
            }
            Asker::FormerMember => state == State::WithFormerPartner,
        }
    }

    both_engines! {
        async fn every_asker_sees_exactly_the_shared_files_and_an_unseen_one_answers_like_a_missing_id(store: Store) {
            let app = crate::support::app::spawn_app(store).await;
            let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
            let globex = app.sign_up("Globex Print", "gil@globex.example").await;
            let fir = app.sign_up("Fir Forms", "fay@fir.example").await;
            let umber = app.sign_up("Umber Works", "uma@umber.example").await;
            app.partner(&acme, &globex).await;
            let fir_request = app.partner(&acme, &fir).await;
            let sam = app.invited_and_signed_in(&acme.admin, "sam@acme.example", Profile::Standard).await;
            let rita = app.invited_and_signed_in(&acme.admin, "rita@acme.example", Profile::Reviewer).await;
            let gina = app.invited_and_signed_in(&globex.admin, "gina@globex.example", Profile::Standard).await;
            let gina_id = stored_user(&app.store, "gina@globex.example").await.id;
            let fred = app.invited_and_signed_in(&fir.admin, "fred@fir.example", Profile::Standard).await;

            let root = folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
            let mut files = Vec::new();
            for state in [State::Direct, State::ThroughFolder, State::InPerson, State::Revoked, State::Trashed, State::MovedOut, State::WithFormerPartner] {
                let holder = new_folder(&app, &acme.admin, &root, &format!("{state:?}")).await;
                let file = new_file(&app, &acme.admin, &holder, "file.txt", format!("{state:?}").as_bytes()).await;
                match state {
                    State::Direct => app.call(&acme.admin, share(&file, whole(&globex), "viewer", true)).await.unwrap(),
                    State::ThroughFolder | State::Trashed | State::MovedOut => {
                        app.call(&acme.admin, share(&holder, whole(&globex), "reviewer", true)).await.unwrap()
                    }
                    State::InPerson => app.call(&acme.admin, share(&file, format!("person:{gina_id}"), "viewer", true)).await.unwrap(),
                    State::Revoked => {
                        app.call(&acme.admin, share(&file, whole(&globex), "viewer", true)).await.unwrap();
                        let panel = app.call(&acme.admin, OpenSharingPanel { item: file.clone(), people: None }).await.unwrap().unwrap();
                        app.call(&acme.admin, RevokeShare { share: panel.entries[0].share.to_string() }).await.unwrap();
                    }
                    State::WithFormerPartner => app.call(&acme.admin, share(&file, whole(&fir), "viewer", true)).await.unwrap(),
                }
                match state {
                    State::Trashed => app.call(&acme.admin, DeleteItem { item: holder.clone() }).await.unwrap(),
                    State::MovedOut => {
                        let out = MoveItem { item: file.clone(), target: root.clone(), open: None };
                        app.call(&acme.admin, out).await.unwrap();
                    }
                    _ => {}
                }
                files.push((state, file));
            }
            // Fir's partnership ends; Fir adds a user afterwards.
            app.act(&acme.admin, "delete", &fir_request).await;
            let newcomer = app.invited_and_signed_in(&fir.admin, "nell@fir.example", Profile::Administrator).await;

            let askers = [
                (Asker::OwnerAdmin, acme.admin.clone()),
                (Asker::OwnerStandard, sam),
                (Asker::OwnerReviewer, rita),
                (Asker::PartnerAdmin, globex.admin.clone()),
                (Asker::PartnerStandard, gina),
                (Asker::FormerMember, fred),
                (Asker::FormerNewcomer, newcomer),
                (Asker::Unrelated, umber.admin.clone()),
                (Asker::SignedOut, crate::support::fixtures::browser()),
            ];
            let missing = uuid::Uuid::new_v4().to_string();
            let mut cells = 0;
            for (asker, client) in &askers {
                let missing_page = app.post_form(client, OpenFile::PATH, &[("file", missing.as_str())]).await;
                let missing_page = (missing_page.status(), missing_page.text().await.unwrap());
                let missing_download = download(&app, client, &missing).await;
                for (state, file) in &files {
                    let cell = format!("{asker:?} on a file {state:?}");
                    let page = app.post_form(client, OpenFile::PATH, &[("file", file.as_str())]).await;
                    let page = (page.status(), page.text().await.unwrap());
                    let bytes = download(&app, client, file).await;
                    if sees(*asker, *state) {
                        assert_eq!((page.0, bytes), (StatusCode::OK, StatusCode::OK), "{cell}: {}", page.1);
                    } else if *asker == Asker::SignedOut {
                        assert_eq!((page.0, bytes), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED), "{cell}");
                    } else {
                        // Exactly like an id that does not exist: the same status and the same bytes.
                        assert_eq!(page, missing_page, "{cell}");
                        assert_eq!(bytes, missing_download, "{cell}");
                        assert_eq!(bytes, StatusCode::NOT_FOUND, "{cell}");
                    }
                    cells += 1;
                }
            }
            assert_eq!(cells, 9 * 7);
        }
    }
}
