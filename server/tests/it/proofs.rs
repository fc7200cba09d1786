//! Proofs and review (SPEC 3.2) through `StoreProofs` on both engines: a real store, outbox and
//! audit log, files and new versions recorded by `documents::http::record` (as an upload does),
//! partnerships made and ended by the partners service, shares by the sharing service, and the
//! deadline reminders by `proofs::reminders::send_due`. Acme (the owner) partners with Globex;
//! Initech never partners with anyone.

use std::sync::Arc;
use std::time::Duration;

use entente_app::api::proofs::port::{NewCommentForm, ProofsError, ProofsService};
use entente_app::api::proofs::{CommentEntry, ProofPage, ProofRow, SendForm};
use entente_app::api::session::CurrentUser;
use entente_app::api::sharing::port::{RecipientChoice, SharingService};
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::{ShareRecipient, ShareRole};
use entente_core::partnership::Action;
use entente_core::proofs::audit::ProofAuditKind;
use entente_core::proofs::{
    CommentText, Decision, OverallStatus, PinError, ProofError, ReviewerError,
};
use entente_core::{AccountId, CommentId, ItemId, PartnerRequestId, Timestamp, UserId};
use entente_server::blobs::{BlobLocation, BlobStore};
use entente_server::documents::document_viewer;
use entente_server::documents::http::{Destination, Uploaded, record};
use entente_server::documents::sharing::StoreSharing;
use entente_server::mail::EmailKind;
use entente_server::mail::links::Links;
use entente_server::partners::Partners;
use entente_server::proofs::StoreProofs;
use entente_server::proofs::reminders::send_due;
use entente_server::store::audit::{self, AuditEvent};
use entente_server::store::outbox::OutboxRecord;
use entente_server::store::{Pool, Store, accounts, documents, now, shares, users};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::contacts::{NOW, Org, add_user, change_user, email, org};
use crate::support::both_engines;
use crate::support::engines::fetch_count;
use crate::support::fixtures::emails_to;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// Asserts that `$result` was refused with an error matching `$pattern`.
macro_rules! assert_refused {
    ($result:expr, $pattern:pat) => {
        match $result {
            Err($pattern) => {}
            Err(other) => panic!("expected {}, got {other:?}", stringify!($pattern)),
            Ok(_) => panic!("expected {}, but it was done", stringify!($pattern)),
        }
    };
}

/// Acme and Globex partners, Initech a stranger, their people, and the services under test.
pub(crate) struct World {
    pub(crate) store: Store,
    pub(crate) links: Links,
    pub(crate) blobs: BlobStore,
    pub(crate) _blob_folder: tempfile::TempDir,
    pub(crate) proofs: StoreProofs,
    pub(crate) sharing: StoreSharing,
    pub(crate) partners: Partners,
    /// The partnership of Acme and Globex.
    pub(crate) request: PartnerRequestId,
    pub(crate) acme: Org,
    pub(crate) globex: Org,
    /// Acme's Administrator ("acme Admin", admin@acme.example): sends every proof.
    pub(crate) sender: CurrentUser,
    /// Acme's Standard user "Ann Own".
    pub(crate) ann: CurrentUser,
    /// Globex's Standard user "Bea Lund".
    pub(crate) bea: CurrentUser,
    /// Globex's Standard user "Ben Other".
    pub(crate) ben: CurrentUser,
    /// Initech's Standard user "Ian Stranger".
    pub(crate) ian: CurrentUser,
}

/// The signed-in user `user`, as the session hands them to the services.
async fn current(store: &Store, user: UserId) -> CurrentUser {
    let record = users::get_user(store, user)
        .await
        .unwrap()
        .expect("the user");
    let account = accounts::get_account(store, record.account_id)
        .await
        .unwrap()
        .expect("their account");
    CurrentUser {
        user_id: record.id,
        account_id: record.account_id,
        account_name: account.name,
        name: record.name,
        email: record.email,
        profile: record.profile,
        organization_verified: true,
    }
}

pub(crate) async fn world(store: Store) -> World {
    let links = Links::new(&url::Url::parse("https://entente.example").unwrap()).unwrap();
    let blob_folder = tempfile::tempdir().expect("a folder for the blobs");
    let blobs = BlobStore::open(&BlobLocation::Local(blob_folder.path().to_path_buf())).unwrap();
    let acme = org(&store, "acme").await;
    let globex = org(&store, "globex").await;
    let initech = org(&store, "initech").await;
    let ann = add_user(&store, &acme, "Ann Own", "ann@acme.example").await;
    let bea = add_user(&store, &globex, "Bea Lund", "bea@globex.example").await;
    let ben = add_user(&store, &globex, "Ben Other", "ben@globex.example").await;
    let ian = add_user(&store, &initech, "Ian Stranger", "ian@initech.example").await;
    let partners = Partners::new(store.clone(), links.clone(), Arc::new(Notify::new()));
    let request = partners
        .send(acme.admin, &email("admin@globex.example"), NOW)
        .await
        .expect("the invitation")
        .id();
    partners
        .act(globex.admin, Action::Accept, request, Timestamp(NOW.0 + 1))
        .await
        .expect("the acceptance");
    World {
        sender: current(&store, acme.admin).await,
        ann: current(&store, ann).await,
        bea: current(&store, bea).await,
        ben: current(&store, ben).await,
        ian: current(&store, ian).await,
        proofs: StoreProofs::new(store.clone(), links.clone(), Arc::new(Notify::new())),
        sharing: StoreSharing::new(store.clone(), links.clone(), Arc::new(Notify::new())),
        partners,
        request,
        acme,
        globex,
        links,
        blobs,
        _blob_folder: blob_folder,
        store,
    }
}

impl World {
    /// Records an upload of text bytes (unique to this call) to `destination` as `who`; a
    /// refusal as it reads (its sentence and status).
    async fn record(
        &self,
        who: &CurrentUser,
        destination: Destination,
        name: &str,
    ) -> Result<Uploaded, String> {
        let bytes = format!("{name}: {}", Uuid::new_v4());
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
        let staged = self.blobs.stage(body, 1 << 20).await.expect("staged");
        let viewer = document_viewer(who);
        let recorded = record(
            &self.store,
            &self.blobs,
            &self.links,
            &viewer,
            destination,
            name,
            &staged,
        )
        .await;
        match recorded {
            Ok((uploaded, _)) => Ok(uploaded),
            Err(refusal) => {
                self.blobs.discard(&staged).await;
                Err(refusal.to_string())
            }
        }
    }

    /// `who`'s account's root folder.
    pub(crate) async fn root(&self, who: &CurrentUser) -> ItemId {
        let mut tx = entente_server::documents::begin_tree_change(&self.store, who.account_id)
            .await
            .unwrap();
        let root = documents::ensure_root(&mut tx, who.account_id, who.user_id, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        root
    }

    /// A new file `name` in `who`'s root folder.
    pub(crate) async fn upload(&self, who: &CurrentUser, name: &str) -> ItemId {
        let root = self.root(who).await;
        self.upload_in(who, root, name).await
    }

    /// A new file `name` in `folder`.
    pub(crate) async fn upload_in(&self, who: &CurrentUser, folder: ItemId, name: &str) -> ItemId {
        let uploaded = self
            .record(who, Destination::Folder(folder), name)
            .await
            .expect("the upload");
        assert_eq!(uploaded.version, 1);
        uploaded.id
    }

    /// A new version of `file`, uploaded by Acme's Administrator: its number, or the upload's
    /// refusal as it reads (its sentence and status).
    async fn new_version(&self, file: ItemId) -> Result<u32, String> {
        self.record(&self.sender, Destination::NewVersionOf(file), "ignored.txt")
            .await
            .map(|uploaded| uploaded.version)
    }

    /// A new file `name` of Acme, sent for review to `reviewers` by Acme's Administrator.
    pub(crate) async fn proof(
        &self,
        name: &str,
        reviewers: &[&CurrentUser],
        deadline: Option<Timestamp>,
    ) -> ItemId {
        let file = self.upload(&self.sender, name).await;
        let named = reviewers.iter().map(|user| user.user_id).collect();
        self.proofs
            .send(self.sender.clone(), file, named, deadline)
            .await
            .expect("sent for review");
        file
    }

    async fn page(&self, who: &CurrentUser, proof: ItemId, version: Option<u32>) -> ProofPage {
        self.proofs
            .page(who.clone(), proof, version)
            .await
            .unwrap_or_else(|error| panic!("{} sees the proof: {error:?}", who.name))
    }

    pub(crate) async fn decide(
        &self,
        who: &CurrentUser,
        proof: ItemId,
        version: u32,
        decision: Decision,
    ) -> Result<(), ProofsError> {
        self.proofs
            .decide(who.clone(), proof, version, decision)
            .await
    }

    pub(crate) async fn comment(
        &self,
        who: &CurrentUser,
        proof: ItemId,
        version: u32,
        text: &str,
        pin: Option<(u32, Option<(u16, u16)>)>,
        reply_to: Option<CommentId>,
    ) -> Result<(), ProofsError> {
        let form = NewCommentForm {
            proof,
            version,
            text: CommentText::parse(text).expect("a valid comment"),
            page: pin.map(|(page, _)| page),
            point: pin.and_then(|(_, point)| point),
            reply_to,
        };
        self.proofs.comment(who.clone(), form).await
    }

    async fn ours(&self, status: Option<OverallStatus>, partner: Option<AccountId>) -> Vec<ItemId> {
        let page = self
            .proofs
            .ours(self.sender.clone(), status, partner, None)
            .await
            .expect("our proofs");
        assert_eq!(page.next, None);
        page.rows.iter().map(|row| row.id).collect()
    }
}

/// The emails of `kind` written to `to`, newest first.
async fn emails(store: &Store, kind: EmailKind, to: &str) -> Vec<OutboxRecord> {
    emails_to(store, to)
        .await
        .into_iter()
        .filter(|email| email.kind == kind)
        .collect()
}

/// Every email of `kind`, to anyone.
async fn all_emails(store: &Store, kind: EmailKind) -> Vec<OutboxRecord> {
    entente_server::store::outbox::list_recent(store, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|email| email.kind == kind)
        .collect()
}

/// The proof entries about `item` in `account`'s log as (who acted, what), sorted (entries of
/// one second are in no particular order).
async fn proof_log(store: &Store, account: AccountId, item: ItemId) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = audit::list(store, account, None, 500)
        .await
        .expect("the log")
        .into_iter()
        .filter_map(|entry| match entry.event {
            AuditEvent::Proof {
                item: about, kind, ..
            } if about == item => Some((
                entry
                    .actor
                    .map(|actor| actor.name.to_string())
                    .unwrap_or_default(),
                format!("{kind:?}"),
            )),
            _ => None,
        })
        .collect();
    entries.sort();
    entries
}

/// `(who, what)` as [`proof_log`] lists it.
fn entry(who: &CurrentUser, kind: ProofAuditKind) -> (String, String) {
    (who.name.to_string(), format!("{kind:?}"))
}

fn sorted(mut entries: Vec<(String, String)>) -> Vec<(String, String)> {
    entries.sort();
    entries
}

fn decided(version: u32, decision: Decision) -> ProofAuditKind {
    ProofAuditKind::Decided { version, decision }
}

/// The reviewers of a page as (name, decision), by name (the page lists reviewers named in
/// the same second by their ids: see [`ordering`]).
fn decisions(page: &ProofPage) -> Vec<(String, Decision)> {
    let mut listed: Vec<(String, Decision)> = page
        .reviewers
        .iter()
        .map(|reviewer| (reviewer.name.clone(), reviewer.decision))
        .collect();
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed
}

/// `template` with "A and B" in either order, for a reason naming two reviewers named in the
/// same second (see [`ordering`]).
fn either(template: &str, a: &str, b: &str) -> [String; 2] {
    [
        template.replace("{}", &format!("{a} and {b}")),
        template.replace("{}", &format!("{b} and {a}")),
    ]
}

/// The comment of `page` that says `body` (comments written in the same second are listed by
/// their ids: see [`ordering`]).
fn said<'a>(page: &'a ProofPage, body: &str) -> &'a CommentEntry {
    page.comments
        .iter()
        .find(|comment| comment.body == body)
        .unwrap_or_else(|| panic!("no comment {body:?} in {:?}", page.comments))
}

fn ids(rows: &[ProofRow]) -> Vec<ItemId> {
    rows.iter().map(|row| row.id).collect()
}

fn comment_id(entry: &CommentEntry) -> CommentId {
    entry.id.parse().expect("a comment id")
}

fn random_item() -> ItemId {
    ItemId::from_uuid(Uuid::new_v4())
}

both_engines! {
    async fn sec_3_2_sending_for_review_shares_with_the_partners_member_as_reviewer_and_emails_both_reviewers(store: Store) {
        let w = world(store).await;
        let file = w.upload(&w.sender, "Brochure.txt").await;

        // The send form offers Acme's own people and Globex's, never Initech's.
        let SendForm::Send(people) = w.proofs.send_form(w.sender.clone(), file).await.unwrap() else {
            panic!("the sender may send it");
        };
        let offered: Vec<String> = people.iter().map(|choice| choice.value.clone()).collect();
        for user in [&w.ann, &w.bea, &w.ben] {
            assert!(offered.contains(&user.user_id.to_string()), "{} in {people:?}", user.name);
        }
        assert!(!offered.contains(&w.ian.user_id.to_string()), "{people:?}");
        assert!(people.iter().any(|choice| choice.label == "Bea Lund (globex Ltd)"), "{people:?}");
        // Before it is sent, Bea sees nothing of it.
        assert_refused!(w.proofs.page(w.bea.clone(), file, None).await, ProofsError::Proof(ProofError::NotFound));
        assert_refused!(
            w.proofs.send(w.sender.clone(), file, Vec::new(), None).await,
            ProofsError::NoReviewers
        );

        w.proofs
            .send(w.sender.clone(), file, vec![w.ann.user_id, w.bea.user_id], None)
            .await
            .expect("sent for review");

        // Bea, a member of the partner, got a share in person as Reviewer; Ann, Acme's own,
        // needs none.
        let on_file = shares::on_items(&w.store, &[file]).await.unwrap();
        let recipients: Vec<(ShareRecipient, ShareRole)> =
            on_file.iter().map(|listed| (listed.share.recipient, listed.share.role)).collect();
        assert_eq!(
            recipients,
            [(ShareRecipient::Person { account: w.globex.id, user: w.bea.user_id }, ShareRole::Reviewer)]
        );
        // The share is in both organizations' logs.
        for account in [w.acme.id, w.globex.id] {
            let log = audit::list(&w.store, account, None, 100).await.unwrap();
            assert!(
                log.iter().any(|entry| matches!(
                    &entry.event,
                    AuditEvent::Document { item, kind: DocumentAuditKind::Shared { role: ShareRole::Reviewer, .. }, .. } if *item == file
                )),
                "{log:?}"
            );
        }

        // Bea sees the proof: pending on both, both named in the reason.
        let page = w.page(&w.bea, file, None).await;
        assert_eq!(page.status, OverallStatus::Pending);
        assert_eq!((page.current_version, page.version), (1, 1));
        assert_eq!(page.owner, "acme Ltd");
        assert_eq!(page.sent_by, "acme Admin");
        assert_eq!(
            decisions(&page),
            [("Ann Own".to_owned(), Decision::Pending), ("Bea Lund".to_owned(), Decision::Pending)]
        );
        assert!(
            either("Waiting for {} to decide.", "Ann Own (acme Ltd)", "Bea Lund (globex Ltd)").contains(&page.reason),
            "{}",
            page.reason
        );
        assert_eq!(page.my_decision, Some(Decision::Pending));
        assert!(page.may_decide && page.may_comment);
        assert!(!page.may_resolve && !page.may_manage && !page.may_upload);
        let own = w.page(&w.ann, file, None).await;
        assert_eq!(own.reason, page.reason);
        assert!(own.may_decide);
        // "My reviews" lists it for each of them.
        for reviewer in [&w.ann, &w.bea] {
            let mine = w.proofs.mine(reviewer.clone()).await.unwrap();
            assert_eq!(ids(&mine), [file], "{}", reviewer.name);
            assert_eq!(mine[0].my_decision, Some(Decision::Pending));
        }

        // One email to each reviewer, with the link to the proof; nobody else is asked.
        for reviewer in [&w.ann, &w.bea] {
            let asked = emails(&w.store, EmailKind::ProofReviewRequested, reviewer.email.as_str()).await;
            assert_eq!(asked.len(), 1, "{}", reviewer.name);
            assert_eq!(asked[0].subject, "acme Ltd asks you to review Brochure.txt");
            assert!(asked[0].text_body.contains(&format!("proof={file}")), "{}", asked[0].text_body);
        }
        assert_eq!(all_emails(&w.store, EmailKind::ProofReviewRequested).await.len(), 2);

        // The owner's log: sent, and each reviewer named as they read then.
        assert_eq!(
            proof_log(&w.store, w.acme.id, file).await,
            sorted(vec![
                entry(&w.sender, ProofAuditKind::Sent { version: 1 }),
                entry(&w.sender, ProofAuditKind::ReviewerAdded { who: "Ann Own (acme Ltd)".to_owned() }),
                entry(&w.sender, ProofAuditKind::ReviewerAdded { who: "Bea Lund (globex Ltd)".to_owned() }),
            ])
        );

        // It is a proof now: the form says so, and it cannot be sent again.
        assert!(matches!(w.proofs.send_form(w.sender.clone(), file).await.unwrap(), SendForm::Proof(id) if id == file));
        assert_refused!(
            w.proofs.send(w.sender.clone(), file, vec![w.ben.user_id], None).await,
            ProofsError::AlreadyAProof
        );
    }

    async fn sec_3_2_only_named_reviewers_decide_and_the_overall_status_follows_the_rule(store: Store) {
        let w = world(store).await;
        let file = w.proof("Brochure.txt", &[&w.ann, &w.bea], None).await;
        w.sharing
            .share(w.sender.clone(), file, RecipientChoice::Person(w.ben.user_id), ShareRole::Viewer, false)
            .await
            .expect("Ben may view it");

        // Ben sees it but is not named: he may not decide. Neither may the sender, who is not
        // named either.
        let bens = w.page(&w.ben, file, None).await;
        assert!(!bens.may_decide);
        assert_eq!(bens.my_decision, None);
        assert_refused!(w.decide(&w.ben, file, 1, Decision::Approved).await, ProofsError::Proof(ProofError::NotAReviewer));
        assert_refused!(w.decide(&w.sender, file, 1, Decision::Approved).await, ProofsError::Proof(ProofError::NotAReviewer));
        // Ian of Initech cannot see it: it answers exactly like an id that does not exist.
        let unseen = w.decide(&w.ian, file, 1, Decision::Approved).await.expect_err("refused");
        let missing = w.decide(&w.ian, random_item(), 1, Decision::Approved).await.expect_err("refused");
        assert!(matches!(unseen, ProofsError::Proof(ProofError::NotFound)), "{unseen:?}");
        assert!(matches!(missing, ProofsError::Proof(ProofError::NotFound)), "{missing:?}");
        assert_eq!(unseen.to_string(), missing.to_string());
        assert_refused!(w.proofs.page(w.ian.clone(), file, None).await, ProofsError::Proof(ProofError::NotFound));

        let status = |page: ProofPage| (page.status, page.reason);
        w.decide(&w.ann, file, 1, Decision::Approved).await.expect("Ann decides");
        assert_eq!(
            status(w.page(&w.sender, file, None).await),
            (OverallStatus::Pending, "Waiting for Bea Lund (globex Ltd) to decide.".to_owned())
        );
        assert!(all_emails(&w.store, EmailKind::ProofStatusFinal).await.is_empty());
        w.decide(&w.bea, file, 1, Decision::ChangesRequired).await.expect("Bea decides");
        assert_eq!(
            status(w.page(&w.sender, file, None).await),
            (OverallStatus::ChangesRequired, "Bea Lund (globex Ltd) requires changes.".to_owned())
        );
        // Changes required wins over any approval.
        w.decide(&w.ann, file, 1, Decision::ApprovedWithChanges).await.unwrap();
        assert_eq!(w.page(&w.sender, file, None).await.status, OverallStatus::ChangesRequired);
        w.decide(&w.bea, file, 1, Decision::Approved).await.unwrap();
        assert_eq!(
            status(w.page(&w.sender, file, None).await),
            (OverallStatus::ApprovedWithChanges, "Ann Own (acme Ltd) approved it with changes.".to_owned())
        );
        w.decide(&w.ann, file, 1, Decision::Approved).await.unwrap();
        let (approved, reason) = status(w.page(&w.sender, file, None).await);
        assert_eq!(approved, OverallStatus::Approved);
        assert!(either("{} approved it.", "Ann Own (acme Ltd)", "Bea Lund (globex Ltd)").contains(&reason), "{reason}");
        w.decide(&w.ann, file, 1, Decision::NotRelevant).await.unwrap();
        assert_eq!(w.page(&w.sender, file, None).await.status, OverallStatus::Approved);
        w.decide(&w.bea, file, 1, Decision::NotRelevant).await.unwrap();
        assert_eq!(
            status(w.page(&w.sender, file, None).await),
            (OverallStatus::NotRelevant, "Every reviewer found it not relevant.".to_owned())
        );
        // The same decision again changes nothing and tells nobody.
        w.decide(&w.bea, file, 1, Decision::NotRelevant).await.unwrap();
        // The stored status, which the lists filter by, is the page's.
        assert_eq!(w.ours(Some(OverallStatus::NotRelevant), None).await, [file]);
        assert!(w.ours(Some(OverallStatus::Pending), None).await.is_empty());

        // The sender heard of each decision, and once that the status became final.
        let told = emails(&w.store, EmailKind::ProofDecision, "admin@acme.example").await;
        assert_eq!(told.len(), 7, "{:?}", told.iter().map(|email| &email.subject).collect::<Vec<_>>());
        assert!(told.iter().any(|email| email.subject == "Bea Lund decided Changes required on Brochure.txt"));
        assert_eq!(all_emails(&w.store, EmailKind::ProofDecision).await.len(), 7, "only the sender is told");
        let finals = all_emails(&w.store, EmailKind::ProofStatusFinal).await;
        assert_eq!(finals.len(), 1);
        assert_eq!(finals[0].recipient, "admin@acme.example");
        assert_eq!(finals[0].subject, "Brochure.txt (version 1): Changes required");

        // Every decision is in Acme's log; Globex's log holds Bea's, and no one else's.
        let acme_decisions: Vec<(String, String)> = proof_log(&w.store, w.acme.id, file)
            .await
            .into_iter()
            .filter(|(_, what)| what.starts_with("Decided"))
            .collect();
        assert_eq!(
            acme_decisions,
            sorted(vec![
                entry(&w.ann, decided(1, Decision::Approved)),
                entry(&w.ann, decided(1, Decision::ApprovedWithChanges)),
                entry(&w.ann, decided(1, Decision::Approved)),
                entry(&w.ann, decided(1, Decision::NotRelevant)),
                entry(&w.bea, decided(1, Decision::ChangesRequired)),
                entry(&w.bea, decided(1, Decision::Approved)),
                entry(&w.bea, decided(1, Decision::NotRelevant)),
            ])
        );
        assert_eq!(
            proof_log(&w.store, w.globex.id, file).await,
            sorted(vec![
                entry(&w.bea, decided(1, Decision::ChangesRequired)),
                entry(&w.bea, decided(1, Decision::Approved)),
                entry(&w.bea, decided(1, Decision::NotRelevant)),
            ])
        );

        // Naming Ben, who only viewed it, makes his share Reviewer (downloads as they were)
        // and the version pending again, until he decides: final once more.
        w.proofs.add_reviewers(w.sender.clone(), file, vec![w.ben.user_id]).await.expect("Ben named");
        let bens_share: Vec<(ShareRole, bool)> = shares::on_items(&w.store, &[file])
            .await
            .unwrap()
            .iter()
            .filter(|listed| listed.share.recipient == ShareRecipient::Person { account: w.globex.id, user: w.ben.user_id })
            .map(|listed| (listed.share.role, listed.share.downloads))
            .collect();
        assert_eq!(bens_share, [(ShareRole::Reviewer, false)]);
        assert_eq!(emails(&w.store, EmailKind::ProofReviewRequested, "ben@globex.example").await.len(), 1);
        let page = w.page(&w.ben, file, None).await;
        assert_eq!(page.status, OverallStatus::Pending);
        assert_eq!(page.reason, "Waiting for Ben Other (globex Ltd) to decide.");
        assert!(page.may_decide);
        assert_eq!(w.ours(Some(OverallStatus::Pending), None).await, [file]);
        w.decide(&w.ben, file, 1, Decision::Approved).await.expect("Ben decides");
        assert_eq!(w.page(&w.sender, file, None).await.status, OverallStatus::Approved);
        assert_eq!(all_emails(&w.store, EmailKind::ProofStatusFinal).await.len(), 2);
    }

    async fn sec_3_2_a_user_of_the_owner_account_with_the_reviewer_profile_sees_the_proofs_naming_them(store: Store) {
        let w = world(store).await;
        let rita = add_user(&w.store, &w.acme, "Rita Reviewer", "rita@acme.example").await;
        change_user(&w.store, rita, "profile = 'reviewer'").await;
        let rita = current(&w.store, rita).await;
        let named = w.proof("Brochure.txt", &[&rita], None).await;
        let other = w.proof("Other.txt", &[&w.ann], None).await;

        // Her profile sees no documents, but she sees, decides and comments on the proof
        // naming her, and nothing of the other.
        let page = w.page(&rita, named, None).await;
        assert!(page.may_decide && page.may_comment);
        assert!(!page.may_manage && !page.may_resolve && !page.may_upload);
        assert_refused!(w.proofs.page(rita.clone(), other, None).await, ProofsError::Proof(ProofError::NotFound));
        assert_eq!(ids(&w.proofs.mine(rita.clone()).await.unwrap()), [named]);
        w.comment(&rita, named, 1, "Fine by me", None, None).await.expect("her comment");
        w.decide(&rita, named, 1, Decision::Approved).await.expect("her decision");
        assert_eq!(w.page(&w.sender, named, None).await.status, OverallStatus::Approved);
        assert_refused!(w.proofs.lock(rita.clone(), named, true).await, ProofsError::Proof(ProofError::NotAllowed));
        assert_refused!(w.proofs.ours(rita.clone(), None, None, None).await, ProofsError::Proof(ProofError::NotFound));
        // Her decision is in her own account's log, once.
        assert_eq!(
            proof_log(&w.store, w.acme.id, named)
                .await
                .into_iter()
                .filter(|(_, what)| what.starts_with("Decided"))
                .collect::<Vec<_>>(),
            [entry(&rita, decided(1, Decision::Approved))]
        );
    }

    async fn sec_3_2_a_new_version_sets_every_reviewer_back_to_pending_and_keeps_the_old_decisions(store: Store) {
        let w = world(store).await;
        let file = w.proof("Brochure.txt", &[&w.ann, &w.bea], None).await;
        w.decide(&w.ann, file, 1, Decision::Approved).await.unwrap();
        w.decide(&w.bea, file, 1, Decision::ChangesRequired).await.unwrap();
        w.comment(&w.bea, file, 1, "Fix the logo", None, None).await.unwrap();
        assert_eq!(all_emails(&w.store, EmailKind::ProofStatusFinal).await.len(), 1);

        assert_eq!(w.new_version(file).await.expect("version 2"), 2);

        // Version 2: everyone pending, nothing said yet.
        let page = w.page(&w.bea, file, None).await;
        assert_eq!((page.current_version, page.version), (2, 2));
        assert_eq!(page.status, OverallStatus::Pending);
        assert_eq!(
            decisions(&page),
            [("Ann Own".to_owned(), Decision::Pending), ("Bea Lund".to_owned(), Decision::Pending)]
        );
        assert!(page.comments.is_empty());
        assert_eq!(page.my_decision, Some(Decision::Pending));
        assert_eq!(w.ours(Some(OverallStatus::Pending), None).await, [file]);
        assert!(w.ours(Some(OverallStatus::ChangesRequired), None).await.is_empty());

        // Version 1 keeps its decisions and comments, for everyone who sees the proof.
        for viewer in [&w.sender, &w.ann, &w.bea] {
            let old = w.page(viewer, file, Some(1)).await;
            assert_eq!((old.current_version, old.version), (2, 1));
            assert_eq!(old.status, OverallStatus::ChangesRequired);
            assert_eq!(
                decisions(&old),
                [("Ann Own".to_owned(), Decision::Approved), ("Bea Lund".to_owned(), Decision::ChangesRequired)]
            );
            let said: Vec<&str> = old.comments.iter().map(|comment| comment.body.as_str()).collect();
            assert_eq!(said, ["Fix the logo"]);
            assert!(!old.may_decide && !old.may_comment);
        }
        assert_refused!(w.proofs.page(w.bea.clone(), file, Some(3)).await, ProofsError::Proof(ProofError::NotFound));
        assert_refused!(w.proofs.page(w.bea.clone(), file, Some(0)).await, ProofsError::Proof(ProofError::NotFound));

        // Version 1 is closed: no decision or comment goes to it now.
        assert_refused!(w.decide(&w.bea, file, 1, Decision::Approved).await, ProofsError::Proof(ProofError::OldVersion));
        assert_refused!(w.comment(&w.bea, file, 1, "Late", None, None).await, ProofsError::Proof(ProofError::OldVersion));
        assert_eq!(w.page(&w.bea, file, Some(1)).await.comments.len(), 1);

        // Each reviewer was told of version 2.
        for reviewer in [&w.ann, &w.bea] {
            let told = emails(&w.store, EmailKind::ProofNewVersion, reviewer.email.as_str()).await;
            assert_eq!(told.len(), 1, "{}", reviewer.name);
            assert_eq!(told[0].subject, "Version 2 of Brochure.txt is ready for your review");
        }

        // Deciding on version 2 makes it final again, and the sender hears of it once more.
        w.decide(&w.ann, file, 2, Decision::Approved).await.unwrap();
        w.decide(&w.bea, file, 2, Decision::Approved).await.unwrap();
        assert_eq!(w.page(&w.sender, file, None).await.status, OverallStatus::Approved);
        assert_eq!(w.page(&w.sender, file, Some(1)).await.status, OverallStatus::ChangesRequired);
        let finals = all_emails(&w.store, EmailKind::ProofStatusFinal).await;
        let mut subjects: Vec<&str> = finals.iter().map(|email| email.subject.as_str()).collect();
        subjects.sort();
        assert_eq!(subjects, ["Brochure.txt (version 1): Changes required", "Brochure.txt (version 2): Approved"]);
    }

    async fn sec_3_2_the_owner_side_locks_a_proof_against_decisions_comments_and_new_versions(store: Store) {
        let w = world(store).await;
        let file = w.proof("Brochure.txt", &[&w.ann, &w.bea], None).await;

        // A reviewer of the partner cannot lock it.
        assert_refused!(w.proofs.lock(w.bea.clone(), file, true).await, ProofsError::Proof(ProofError::NotAllowed));
        assert!(!w.page(&w.sender, file, None).await.locked);

        w.proofs.lock(w.sender.clone(), file, true).await.expect("locked");
        let page = w.page(&w.bea, file, None).await;
        assert!(page.locked);
        assert!(!page.may_decide && !page.may_comment);
        assert!(!w.page(&w.sender, file, None).await.may_upload);
        for reviewer in [&w.ann, &w.bea] {
            assert_refused!(w.decide(reviewer, file, 1, Decision::Approved).await, ProofsError::Proof(ProofError::Locked));
            assert_refused!(w.comment(reviewer, file, 1, "Wait", None, None).await, ProofsError::Proof(ProofError::Locked));
        }
        assert_refused!(w.comment(&w.sender, file, 1, "Wait", None, None).await, ProofsError::Proof(ProofError::Locked));
        let refusal = w.new_version(file).await.expect_err("no new version while locked");
        assert!(refusal.contains(&ProofError::Locked.to_string()), "{refusal}");
        assert!(refusal.contains("409"), "{refusal}");
        assert_eq!(w.page(&w.sender, file, None).await.current_version, 1);
        let versions = fetch_count(&w.store, &format!("SELECT COUNT(*) FROM file_versions WHERE file_id = '{file}'")).await;
        assert_eq!(versions, 1, "the refused version left nothing");
        assert!(all_emails(&w.store, EmailKind::ProofNewVersion).await.is_empty());
        let page = w.page(&w.sender, file, None).await;
        assert_eq!(decisions(&page), [("Ann Own".to_owned(), Decision::Pending), ("Bea Lund".to_owned(), Decision::Pending)]);
        assert!(page.comments.is_empty());
        // Nor can the partner's reviewer unlock it.
        assert_refused!(w.proofs.lock(w.bea.clone(), file, false).await, ProofsError::Proof(ProofError::NotAllowed));

        w.proofs.lock(w.sender.clone(), file, false).await.expect("unlocked");
        assert!(!w.page(&w.bea, file, None).await.locked);
        w.decide(&w.bea, file, 1, Decision::Approved).await.expect("a decision again");
        w.comment(&w.bea, file, 1, "Thanks", None, None).await.expect("a comment again");
        assert_eq!(w.new_version(file).await.expect("a new version again"), 2);

        let locks: Vec<(String, String)> = proof_log(&w.store, w.acme.id, file)
            .await
            .into_iter()
            .filter(|(_, what)| what.contains("ocked"))
            .collect();
        assert_eq!(locks, sorted(vec![entry(&w.sender, ProofAuditKind::Locked), entry(&w.sender, ProofAuditKind::Unlocked)]));
    }

    async fn sec_3_2_comments_are_pinned_threaded_resolved_by_the_owner_side_and_kept_as_written(store: Store) {
        let w = world(store).await;
        let file = w.proof("Brochure.txt", &[&w.ann, &w.bea], None).await;
        w.sharing
            .share(w.sender.clone(), file, RecipientChoice::Person(w.ben.user_id), ShareRole::Viewer, true)
            .await
            .unwrap();
        // No preview for a text file: the version is one page.
        let page = w.page(&w.bea, file, None).await;
        assert_eq!(page.pages, 1);

        w.comment(&w.bea, file, 1, "Move the logo up", Some((1, Some((500, 250)))), None).await.expect("a pin on page 1");
        assert_refused!(
            w.comment(&w.bea, file, 1, "Page two", Some((2, Some((10, 10)))), None).await,
            ProofsError::Pin(PinError::NoSuchPage)
        );
        assert_refused!(w.comment(&w.bea, file, 1, "Page two", Some((2, None)), None).await, ProofsError::Pin(PinError::NoSuchPage));
        assert_refused!(
            w.comment(&w.bea, file, 1, "Off the page", Some((1, Some((1001, 10)))), None).await,
            ProofsError::Pin(PinError::OutsideThePage)
        );
        let first = comment_id(&w.page(&w.bea, file, None).await.comments[0]);
        w.comment(&w.ann, file, 1, "Agreed", None, Some(first)).await.expect("a reply");
        let reply = comment_id(&said(&w.page(&w.bea, file, None).await, "Move the logo up").replies[0]);
        // A reply to a reply goes under the comment they answer.
        w.comment(&w.sender, file, 1, "Done in the next version", None, Some(reply)).await.expect("a reply to the reply");
        let hostile = "<script>alert(1)</script> & \"quotes\"";
        w.comment(&w.bea, file, 1, hostile, None, None).await.expect("any text");

        let page = w.page(&w.bea, file, None).await;
        assert_eq!(page.comments.len(), 2, "{:?}", page.comments);
        let pinned = said(&page, "Move the logo up");
        let kept = said(&page, hostile);
        let mut numbers = [pinned.number, kept.number];
        numbers.sort();
        assert_eq!(numbers, [1, 2]);
        assert_eq!((pinned.author.as_str(), pinned.organization.as_str()), ("Bea Lund", "globex Ltd"));
        assert_eq!((pinned.page, pinned.point), (Some(1), Some((500, 250))));
        assert!(!pinned.resolved);
        let mut replies: Vec<(&str, &str, u32)> = pinned
            .replies
            .iter()
            .map(|reply| (reply.author.as_str(), reply.body.as_str(), reply.number))
            .collect();
        replies.sort();
        let under = pinned.number;
        assert_eq!(replies, [("Ann Own", "Agreed", under), ("acme Admin", "Done in the next version", under)]);
        assert!(pinned.replies.iter().all(|reply| reply.page.is_none() && reply.point.is_none()));
        assert!(kept.replies.is_empty());
        assert_eq!((kept.page, kept.point), (None, None));
        assert_eq!(kept.organization, "globex Ltd");
        let stored = fetch_count(
            &w.store,
            &format!("SELECT COUNT(*) FROM proof_comments WHERE body = '{}'", hostile.replace('\'', "''")),
        )
        .await;
        assert_eq!(stored, 1);

        // Ben only views it: he may not comment. Ian cannot see it: not found, like no proof.
        assert!(!w.page(&w.ben, file, None).await.may_comment);
        assert_refused!(w.comment(&w.ben, file, 1, "Hello", None, None).await, ProofsError::Proof(ProofError::NotAllowed));
        assert_refused!(w.comment(&w.ian, file, 1, "Hello", None, None).await, ProofsError::Proof(ProofError::NotFound));
        assert_refused!(w.comment(&w.ian, random_item(), 1, "Hello", None, None).await, ProofsError::Proof(ProofError::NotFound));
        // A reply to a comment of another proof answers not found.
        let other = w.proof("Other.txt", &[&w.bea], None).await;
        assert_refused!(w.comment(&w.bea, other, 1, "Hi", None, Some(first)).await, ProofsError::Proof(ProofError::NotFound));

        // The owner side resolves and opens again; the partner's reviewer may not.
        assert_refused!(w.proofs.resolve(w.bea.clone(), file, first, true).await, ProofsError::Proof(ProofError::NotAllowed));
        assert!(!w.page(&w.bea, file, None).await.may_resolve);
        assert!(w.page(&w.sender, file, None).await.may_resolve);
        w.proofs.resolve(w.sender.clone(), file, first, true).await.expect("resolved");
        assert!(said(&w.page(&w.bea, file, None).await, "Move the logo up").resolved);
        assert!(!said(&w.page(&w.bea, file, None).await, hostile).resolved);
        assert_refused!(w.proofs.resolve(w.sender.clone(), other, first, true).await, ProofsError::Proof(ProofError::NotFound));
        let unknown = CommentId::from_uuid(Uuid::new_v4());
        assert_refused!(w.proofs.resolve(w.sender.clone(), file, unknown, true).await, ProofsError::Proof(ProofError::NotFound));
        w.proofs.resolve(w.sender.clone(), file, first, false).await.expect("opened again");
        assert!(!said(&w.page(&w.bea, file, None).await, "Move the logo up").resolved);

        // Each comment is in the owner's log; none in the partner's.
        let commented = proof_log(&w.store, w.acme.id, file)
            .await
            .into_iter()
            .filter(|(_, what)| what.starts_with("Commented"))
            .count();
        assert_eq!(commented, 4);
        assert!(proof_log(&w.store, w.globex.id, file).await.is_empty());
    }

    async fn sec_3_2_reviewers_are_own_users_or_members_of_a_current_partner_and_keep_what_they_did_when_it_ends(store: Store) {
        let w = world(store).await;
        let file = w.upload(&w.sender, "Brochure.txt").await;

        // Initech never partnered with Acme: its people cannot be named, and a refused send
        // leaves nothing (no proof, no share, no email).
        assert_refused!(
            w.proofs.send(w.sender.clone(), file, vec![w.ian.user_id], None).await,
            ProofsError::Reviewer(ReviewerError::Unknown)
        );
        assert_refused!(
            w.proofs.send(w.sender.clone(), file, vec![w.ann.user_id, w.bea.user_id, w.ian.user_id], None).await,
            ProofsError::Reviewer(ReviewerError::Unknown)
        );
        assert_refused!(
            w.proofs.send(w.sender.clone(), file, vec![UserId::from_uuid(Uuid::new_v4())], None).await,
            ProofsError::Reviewer(ReviewerError::Unknown)
        );
        assert!(matches!(w.proofs.send_form(w.sender.clone(), file).await.unwrap(), SendForm::Send(_)));
        assert!(shares::on_items(&w.store, &[file]).await.unwrap().is_empty());
        assert!(all_emails(&w.store, EmailKind::ProofReviewRequested).await.is_empty());

        w.proofs.send(w.sender.clone(), file, vec![w.ann.user_id, w.bea.user_id], None).await.unwrap();
        assert_refused!(
            w.proofs.add_reviewers(w.sender.clone(), file, vec![w.ian.user_id]).await,
            ProofsError::Reviewer(ReviewerError::Unknown)
        );
        // A partner's reviewer cannot name anyone.
        assert_refused!(
            w.proofs.add_reviewers(w.bea.clone(), file, vec![w.ben.user_id]).await,
            ProofsError::Proof(ProofError::NotAllowed)
        );
        w.decide(&w.bea, file, 1, Decision::Approved).await.unwrap();
        w.comment(&w.bea, file, 1, "Looks right", None, None).await.unwrap();

        // The partnership ends.
        w.partners
            .act(w.acme.admin, Action::Delete, w.request, Timestamp(NOW.0 + 2))
            .await
            .expect("the partnership ends");

        // Bea keeps her view, her decision and her comment.
        let page = w.page(&w.bea, file, None).await;
        assert_eq!(decisions(&page), [("Ann Own".to_owned(), Decision::Pending), ("Bea Lund".to_owned(), Decision::Approved)]);
        let said: Vec<(&str, &str)> = page.comments.iter().map(|c| (c.author.as_str(), c.body.as_str())).collect();
        assert_eq!(said, [("Bea Lund", "Looks right")]);
        assert_eq!(ids(&w.proofs.mine(w.bea.clone()).await.unwrap()), [file]);
        assert_eq!(w.page(&w.sender, file, None).await.comments.len(), 1);

        // Globex's people cannot be named again until the two partner again.
        assert_refused!(
            w.proofs.add_reviewers(w.sender.clone(), file, vec![w.ben.user_id]).await,
            ProofsError::Reviewer(ReviewerError::NotPartners)
        );
        let another = w.upload(&w.sender, "Another.txt").await;
        assert_refused!(
            w.proofs.send(w.sender.clone(), another, vec![w.ben.user_id], None).await,
            ProofsError::Reviewer(ReviewerError::NotPartners)
        );
        // Nor do the choices offer them.
        let SendForm::Send(people) = w.proofs.send_form(w.sender.clone(), another).await.unwrap() else {
            panic!("the sender may send it");
        };
        assert!(people.iter().all(|choice| choice.group == "acme Ltd"), "{people:?}");

        // Removing a reviewer from version 2 keeps their decision on version 1.
        assert_eq!(w.new_version(file).await.unwrap(), 2);
        w.proofs.remove_reviewer(w.sender.clone(), file, w.bea.user_id).await.expect("removed");
        let current = w.page(&w.sender, file, None).await;
        assert_eq!(decisions(&current), [("Ann Own".to_owned(), Decision::Pending)]);
        assert_eq!(current.reason, "Waiting for Ann Own (acme Ltd) to decide.");
        let old = w.page(&w.sender, file, Some(1)).await;
        assert_eq!(decisions(&old), [("Ann Own".to_owned(), Decision::Pending), ("Bea Lund".to_owned(), Decision::Approved)]);
        assert_refused!(w.decide(&w.bea, file, 2, Decision::Approved).await, ProofsError::Proof(ProofError::NotAReviewer));
        assert_refused!(
            w.proofs.remove_reviewer(w.sender.clone(), file, w.bea.user_id).await,
            ProofsError::Proof(ProofError::NotFound)
        );
        // Naming her again waits for a partnership too.
        assert_refused!(
            w.proofs.add_reviewers(w.sender.clone(), file, vec![w.bea.user_id]).await,
            ProofsError::Reviewer(ReviewerError::NotPartners)
        );
        assert!(
            proof_log(&w.store, w.acme.id, file)
                .await
                .contains(&entry(&w.sender, ProofAuditKind::ReviewerRemoved { who: "Bea Lund (globex Ltd)".to_owned() }))
        );
    }

    async fn sec_3_2_a_reminder_goes_once_a_day_before_the_deadline_to_each_reviewer_still_pending(store: Store) {
        let w = world(store).await;
        let start = now();
        let soon = Timestamp(start.0 + 12 * HOUR);
        let due = w.proof("Due soon.txt", &[&w.ann, &w.bea, &w.ben], Some(soon)).await;
        let locked = w.proof("Locked.txt", &[&w.ann], Some(soon)).await;
        w.proofs.lock(w.sender.clone(), locked, true).await.unwrap();
        w.proof("Later.txt", &[&w.ann], Some(Timestamp(start.0 + 3 * DAY))).await;
        w.proof("No deadline.txt", &[&w.ann], None).await;
        w.decide(&w.bea, due, 1, Decision::Approved).await.unwrap();
        // A deadline is in the future, and the owner side's to set.
        let past = Timestamp(start.0 - HOUR);
        let file = w.upload(&w.sender, "Past.txt").await;
        assert_refused!(w.proofs.send(w.sender.clone(), file, vec![w.ann.user_id], Some(past)).await, ProofsError::Deadline(_));
        assert_refused!(w.proofs.set_deadline(w.sender.clone(), due, Some(past)).await, ProofsError::Deadline(_));
        assert_refused!(w.proofs.set_deadline(w.bea.clone(), due, None).await, ProofsError::Proof(ProofError::NotAllowed));
        assert_eq!(w.page(&w.sender, due, None).await.deadline, Some(soon));

        let reminders = |to: &'static str| {
            let store = w.store.clone();
            async move {
                let mut subjects: Vec<String> = emails(&store, EmailKind::ProofReminder, to)
                    .await
                    .into_iter()
                    .map(|email| email.subject)
                    .collect();
                subjects.sort();
                subjects
            }
        };

        // Two instances at the same moment: each pending reviewer gets exactly one.
        let (first, second) = tokio::join!(send_due(&w.store, &w.links, now()), send_due(&w.store, &w.links, now()));
        assert_eq!(first.unwrap() + second.unwrap(), 2, "Ann and Ben");
        let ann = reminders("ann@acme.example").await;
        assert_eq!(ann.len(), 1, "{ann:?}");
        assert!(ann[0].starts_with("Reminder: Due soon.txt is due "), "{ann:?}");
        assert_eq!(reminders("ben@globex.example").await.len(), 1);
        assert!(reminders("bea@globex.example").await.is_empty(), "Bea decided");
        // Again: nothing more.
        assert_eq!(send_due(&w.store, &w.links, now()).await.unwrap(), 0);
        assert_eq!(all_emails(&w.store, EmailKind::ProofReminder).await.len(), 2);

        // Once unlocked, the locked proof's reminder is due.
        w.proofs.lock(w.sender.clone(), locked, false).await.unwrap();
        assert_eq!(send_due(&w.store, &w.links, now()).await.unwrap(), 1);
        assert!(reminders("ann@acme.example").await.iter().any(|subject| subject.starts_with("Reminder: Locked.txt")));
        // A new deadline is reminded of again.
        w.proofs
            .set_deadline(w.sender.clone(), due, Some(Timestamp(start.0 + 20 * HOUR)))
            .await
            .unwrap();
        assert_eq!(send_due(&w.store, &w.links, now()).await.unwrap(), 2);
        assert_eq!(send_due(&w.store, &w.links, now()).await.unwrap(), 0);
        assert_eq!(reminders("ann@acme.example").await.len(), 3);
        assert_eq!(reminders("ben@globex.example").await.len(), 2);
        assert!(reminders("bea@globex.example").await.is_empty());
    }

    async fn sec_3_2_my_reviews_list_pending_first_and_our_proofs_filter_by_status_and_partner_and_page(store: Store) {
        let w = world(store).await;
        let decided_one = w.proof("Decided.txt", &[&w.bea], None).await;
        w.decide(&w.bea, decided_one, 1, Decision::ChangesRequired).await.unwrap();
        let open = w.proof("Open.txt", &[&w.bea], None).await;
        let due = w.proof("Due.txt", &[&w.bea], Some(Timestamp(now().0 + 2 * DAY))).await;
        let internal = w.proof("Internal.txt", &[&w.ann], None).await;

        // Pending first (the nearest deadline first), then the decided ones.
        let mine = w.proofs.mine(w.bea.clone()).await.unwrap();
        assert_eq!(ids(&mine), [due, open, decided_one]);
        let my: Vec<Option<Decision>> = mine.iter().map(|row| row.my_decision).collect();
        assert_eq!(my, [Some(Decision::Pending), Some(Decision::Pending), Some(Decision::ChangesRequired)]);
        assert!(mine.iter().all(|row| row.owner == "acme Ltd"));
        assert_eq!(ids(&w.proofs.mine(w.ann.clone()).await.unwrap()), [internal]);
        assert!(w.proofs.mine(w.ben.clone()).await.unwrap().is_empty());

        let set = |mut ids: Vec<ItemId>| {
            ids.sort();
            ids
        };
        assert_eq!(set(w.ours(Some(OverallStatus::Pending), None).await), set(vec![open, due, internal]));
        assert_eq!(w.ours(Some(OverallStatus::ChangesRequired), None).await, [decided_one]);
        assert!(w.ours(Some(OverallStatus::Approved), None).await.is_empty());
        assert_eq!(set(w.ours(None, Some(w.globex.id)).await), set(vec![decided_one, open, due]));
        assert_eq!(set(w.ours(Some(OverallStatus::Pending), Some(w.globex.id)).await), set(vec![open, due]));
        let page = w.proofs.ours(w.sender.clone(), None, None, None).await.unwrap();
        assert_eq!(page.partners, [(w.globex.id.to_string(), "globex Ltd".to_owned())]);
        // Globex has no proofs of its own.
        assert!(w.proofs.ours(w.bea.clone(), None, None, None).await.unwrap().rows.is_empty());

        // Past one page (50 rows), a token continues where the page ended, without gaps or
        // repeats, also among proofs changed in the same second.
        let mut all = vec![decided_one, open, due, internal];
        for n in 0..48 {
            all.push(w.proof(&format!("Batch {n}.txt"), &[&w.ann], None).await);
        }
        let first = w.proofs.ours(w.sender.clone(), None, None, None).await.unwrap();
        assert_eq!(first.rows.len(), 50);
        let token = first.next.clone().expect("a next page");
        let second = w.proofs.ours(w.sender.clone(), None, None, Some(token)).await.unwrap();
        assert_eq!(second.rows.len(), 2);
        assert_eq!(second.next, None);
        let mut listed = ids(&first.rows);
        listed.extend(ids(&second.rows));
        let listed = set(listed);
        let mut deduplicated = listed.clone();
        deduplicated.dedup();
        assert_eq!(deduplicated, listed, "no proof twice");
        assert_eq!(listed, set(all));
        assert_refused!(
            w.proofs.ours(w.sender.clone(), None, None, Some("not-a-token".to_owned())).await,
            ProofsError::InvalidPageLink
        );
    }
}

/// A decision under way while a new version is uploaded: whichever happens first, the proof
/// ends on version 2 with every reviewer pending and the stored status (what the lists filter
/// by) Pending. On SQLite every writer waits for the others (`BEGIN IMMEDIATE`); on PostgreSQL
/// the test holds Bea's version-1 row so her decision reads the proof before the new version
/// commits and writes after it.
async fn a_decision_racing_a_new_version_leaves_the_new_version_pending(store: Store) {
    let w = world(store).await;
    let file = w.proof("Brochure.txt", &[&w.bea], None).await;
    let (decided, uploaded) = match w.store.pool() {
        Pool::Sqlite(_) => tokio::join!(
            w.decide(&w.bea, file, 1, Decision::Approved),
            w.new_version(file)
        ),
        Pool::Postgres(pool) => {
            let mut blocker = pool.begin().await.unwrap();
            sqlx::query(
                "SELECT user_id FROM proof_reviews WHERE proof_id = $1 AND version = 1 FOR UPDATE",
            )
            .bind(file.to_string())
            .fetch_all(&mut *blocker)
            .await
            .unwrap();
            let upload_meanwhile = async {
                // Bea's decision has read the proof and waits for her row.
                let waiting = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND wait_event_type = 'Lock' AND query LIKE 'UPDATE proof_reviews%'";
                let mut tries = 0;
                while fetch_count(&w.store, waiting).await == 0 {
                    tries += 1;
                    assert!(tries < 500, "the decision never reached its write");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                // The upload waits for the decision's hold on the proof, then goes on.
                let release = async {
                    let queued = "SELECT COUNT(*) FROM pg_stat_activity \
                         WHERE datname = current_database() AND wait_event_type = 'Lock' \
                         AND wait_event = 'advisory'";
                    let mut tries = 0;
                    while fetch_count(&w.store, queued).await == 0 {
                        tries += 1;
                        assert!(tries < 500, "the upload never waited for the decision");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    blocker.rollback().await.unwrap();
                };
                let (uploaded, ()) = tokio::join!(w.new_version(file), release);
                uploaded
            };
            tokio::join!(
                w.decide(&w.bea, file, 1, Decision::Approved),
                upload_meanwhile
            )
        }
    };
    assert_eq!(uploaded.expect("version 2"), 2);
    // Either order is right: a decision before the new version stands on version 1, one after
    // it is refused as old.
    match &decided {
        Ok(()) | Err(ProofsError::Proof(ProofError::OldVersion)) => {}
        Err(other) => panic!("{other:?}"),
    }
    let page = w.page(&w.sender, file, None).await;
    assert_eq!(page.current_version, 2);
    assert_eq!(
        decisions(&page),
        [("Bea Lund".to_owned(), Decision::Pending)]
    );
    assert_eq!(page.status, OverallStatus::Pending);
    let stored = crate::support::engines::fetch_texts(
        &w.store,
        &format!("SELECT status FROM proofs WHERE item_id = '{file}'"),
    )
    .await;
    assert_eq!(
        stored,
        ["pending"],
        "the stored status is version 2's (decided: {decided:?})"
    );
    assert_eq!(w.ours(Some(OverallStatus::Pending), None).await, [file]);
    assert!(w.ours(Some(OverallStatus::Approved), None).await.is_empty());
    let row = &w.proofs.mine(w.bea.clone()).await.unwrap()[0];
    assert_eq!(
        (row.version, row.status, row.my_decision),
        (2, OverallStatus::Pending, Some(Decision::Pending))
    );
}

/// Reviewers named in one send are listed, and named in the reason, in the order they were
/// named: here in the reverse order of their ids.
async fn reviewers_are_listed_in_the_order_they_were_named(store: Store) {
    let w = world(store).await;
    let mut named = [&w.ann, &w.bea, &w.ben];
    named.sort_by_key(|user| std::cmp::Reverse(user.user_id.to_string()));
    let file = w.proof("Brochure.txt", &named, None).await;
    let page = w.page(&w.sender, file, None).await;
    let listed: Vec<&str> = page
        .reviewers
        .iter()
        .map(|reviewer| reviewer.name.as_str())
        .collect();
    let expected: Vec<&str> = named.iter().map(|user| user.name.as_str()).collect();
    assert_eq!(listed, expected, "in the order they were named");
}

/// A version's comments are listed oldest first, numbered in that order, also when several
/// are written in the same second.
async fn comments_are_listed_oldest_first(store: Store) {
    let w = world(store).await;
    let file = w.proof("Brochure.txt", &[&w.bea], None).await;
    let written: Vec<String> = (1..=8).map(|n| format!("Comment {n}")).collect();
    for text in &written {
        w.comment(&w.bea, file, 1, text, None, None).await.unwrap();
    }
    let page = w.page(&w.bea, file, None).await;
    let listed: Vec<(u32, &str)> = page
        .comments
        .iter()
        .map(|comment| (comment.number, comment.body.as_str()))
        .collect();
    let expected: Vec<(u32, &str)> = (1..).zip(written.iter().map(String::as_str)).collect();
    assert_eq!(listed, expected, "oldest first");
}

/// A proof whose folder went to the trash is in the trash too (SPEC 3.1): nobody sees it,
/// "My reviews" and "Our proofs" leave it out, and no reminder goes for it. Its file itself in
/// the trash is the same.
async fn a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody(store: Store) {
    use entente_app::api::documents::port::DocumentsService;
    use entente_core::documents::ItemName;

    let w = world(store).await;
    let documents = entente_server::documents::StoreDocuments::new(w.store.clone());
    let root = w.root(&w.sender).await;
    let campaign = documents
        .create_folder(w.sender.clone(), root, ItemName::parse("Campaign").unwrap())
        .await
        .expect("the folder");
    let soon = Some(Timestamp(now().0 + 12 * HOUR));
    let in_folder = w.upload_in(&w.sender, campaign, "In the folder.txt").await;
    w.proofs
        .send(
            w.sender.clone(),
            in_folder,
            vec![w.ann.user_id, w.bea.user_id],
            soon,
        )
        .await
        .unwrap();
    let itself = w.proof("Itself.txt", &[&w.ann, &w.bea], soon).await;
    documents
        .delete(w.sender.clone(), campaign)
        .await
        .expect("the folder to the trash");
    documents
        .delete(w.sender.clone(), itself)
        .await
        .expect("the file to the trash");

    for proof in [in_folder, itself] {
        for viewer in [&w.sender, &w.ann, &w.bea] {
            assert_refused!(
                w.proofs.page(viewer.clone(), proof, None).await,
                ProofsError::Proof(ProofError::NotFound)
            );
        }
    }
    assert!(w.proofs.mine(w.bea.clone()).await.unwrap().is_empty());
    assert!(w.proofs.mine(w.ann.clone()).await.unwrap().is_empty());
    let ours = w
        .proofs
        .ours(w.sender.clone(), None, None, None)
        .await
        .unwrap();
    let listed: Vec<&str> = ours.rows.iter().map(|row| row.name.as_str()).collect();
    send_due(&w.store, &w.links, now()).await.unwrap();
    let reminded: Vec<(String, String)> = all_emails(&w.store, EmailKind::ProofReminder)
        .await
        .into_iter()
        .map(|email| (email.recipient, email.subject))
        .collect();
    assert!(
        listed.is_empty() && reminded.is_empty(),
        "Our proofs lists {listed:?}; reminders went out: {reminded:?}"
    );
}

/// Runs `body` on a fresh SQLite store, within the time limit of every test.
async fn on_sqlite<Body, Fut>(body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let run = crate::support::engines::with_sqlite_store(true, body);
    tokio::time::timeout(crate::support::engines::TEST_TIME_LIMIT, run)
        .await
        .expect("the test finished within its time limit");
}

/// Runs `body` on a fresh PostgreSQL database, within the time limit of every test.
async fn on_postgres<Body, Fut>(name: &str, body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let run = crate::support::engines::with_postgres_store(name, true, body);
    tokio::time::timeout(crate::support::engines::TEST_TIME_LIMIT, run)
        .await
        .expect("the test finished within its time limit");
}

/// Concurrent changes to one proof: a new version waits for a decision under way (and the
/// other way round), so the stored status is always the current version's.
mod races {
    mod sqlite {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_a_decision_racing_a_new_version_leaves_the_new_version_pending() {
            on_sqlite(a_decision_racing_a_new_version_leaves_the_new_version_pending).await;
        }
    }

    mod postgres {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_a_decision_racing_a_new_version_leaves_the_new_version_pending() {
            on_postgres(
                "sec_3_2_a_decision_racing_a_new_version_leaves_the_new_version_pending",
                a_decision_racing_a_new_version_leaves_the_new_version_pending,
            )
            .await;
        }
    }
}

/// The order of reviewers and comments made within one second: as named, as written.
mod ordering {
    mod sqlite {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_reviewers_are_listed_in_the_order_they_were_named() {
            on_sqlite(reviewers_are_listed_in_the_order_they_were_named).await;
        }

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_comments_are_listed_oldest_first() {
            on_sqlite(comments_are_listed_oldest_first).await;
        }
    }

    mod postgres {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_reviewers_are_listed_in_the_order_they_were_named() {
            on_postgres(
                "sec_3_2_reviewers_are_listed_in_the_order_they_were_named",
                reviewers_are_listed_in_the_order_they_were_named,
            )
            .await;
        }

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_comments_are_listed_oldest_first() {
            on_postgres(
                "sec_3_2_comments_are_listed_oldest_first",
                comments_are_listed_oldest_first,
            )
            .await;
        }
    }
}

/// Proofs in the trash through their folder: listed to nobody, reminded of to nobody.
mod trash {
    mod sqlite {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody() {
            on_sqlite(a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody).await;
        }
    }

    mod postgres {
        use super::super::*;

        #[tokio::test(flavor = "current_thread")]
        async fn sec_3_2_a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody() {
            on_postgres(
                "sec_3_2_a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody",
                a_proof_in_a_trashed_folder_is_listed_and_reminded_of_to_nobody,
            )
            .await;
        }
    }
}
