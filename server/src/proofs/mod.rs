//! The proofs port ([`ProofsService`]) over `store::proofs` (SPEC 3.2).
//!
//! Every call reads the proof's file (its ancestry and shares, as documents do), the proof and
//! the reviewers of its current version, turns them into core's `ProofFacts` and asks
//! `entente_core::proofs::decide_proof`; a proof the viewer may not see is `NotFound`, exactly
//! like an id that does not exist. A change runs in one write transaction serialized per proof,
//! recomputes the current version's overall status with core's `overall` and stores it, and
//! writes its audit entries and emails (through the outbox) in the same transaction.

pub mod reminders;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use entente_app::api::documents::Crumb;
use entente_app::api::documents::Preview;
use entente_app::api::documents::port::DocumentsError;
use entente_app::api::proofs::port::{NewCommentForm, ProofsError, ProofsService};
use entente_app::api::proofs::{
    CommentEntry, ComparePage, CompareSide, OurProofsPage, ProofPage, ProofRow, ReviewerChoice,
    ReviewerEntry, SendForm,
};
use entente_app::api::services::BoxFuture;
use entente_app::api::session::CurrentUser;
use entente_app::components::format::format_unix_utc;
use entente_core::documents::{
    DocumentAction, DocumentViewer, ItemFacts, ItemKind, Role, ShareRecipient, ShareRole, Standing,
    decide, role,
};
use entente_core::proofs::audit::ProofAuditKind;
use entente_core::proofs::{
    Candidate, Decision, Overall, OverallStatus, Pin, PinError, ProofAction, ProofError,
    ProofFacts, Reason, ReviewerError, check_deadline, check_reviewer, decide_proof, is_overdue,
    overall,
};
use entente_core::{AccountId, ItemId, Timestamp, UserId};
use tokio::sync::Notify;

use crate::documents::{
    Located, account_name, begin_tree_change, document_viewer, locate, locate_for,
};
use crate::mail::links::Links;
use crate::mail::templates;
use crate::store::audit::{self, AuditEvent, NewEntry};
use crate::store::documents::{self, ItemRecord};
use crate::store::previews;
use crate::store::proofs::{self as store_proofs, Anchor, NewComment, ProofRecord, ReviewRecord};
use crate::store::shares::{self, NewShareRow};
use crate::store::{Db, Store, StoreError, Tx, now, outbox, partner_requests, users};

/// How many rows one page of the owner's proofs shows.
const OUR_PROOFS_PAGE: i64 = 50;

/// How many people the reviewer choices offer at most.
const CHOICES_LIMIT: i64 = 200;

/// The proofs service: every call goes to the shared store.
pub struct StoreProofs {
    store: Store,
    links: Links,
    mail_wake: Arc<Notify>,
}

impl StoreProofs {
    /// Wraps the store opened at start-up, the links emails carry and the mail worker's bell.
    pub fn new(store: Store, links: Links, mail_wake: Arc<Notify>) -> Self {
        Self {
            store,
            links,
            mail_wake,
        }
    }
}

/// A failure on our side.
fn internal(error: StoreError) -> ProofsError {
    ProofsError::Internal(error.into())
}

/// The documents' refusal as the proofs' one.
fn from_documents(error: DocumentsError) -> ProofsError {
    match error {
        DocumentsError::Access(refused) => ProofsError::Access(refused),
        DocumentsError::Internal(cause) => ProofsError::Internal(cause),
        other => ProofsError::Internal(other.to_string().into()),
    }
}

/// A proof read for a question: its file, the proof, the current version's reviews, and
/// core's facts.
struct Loaded {
    located: Located,
    proof: ProofRecord,
    reviews: Vec<ReviewRecord>,
    facts: ProofFacts,
}

/// Reads the proof `id` and checks `viewer` may see it: a missing file, a file that is no
/// proof, one in the trash and one the viewer may not see all answer `NotFound`.
async fn load(
    db: impl Into<Db<'_>>,
    viewer: &DocumentViewer,
    id: ItemId,
) -> Result<Loaded, ProofsError> {
    let mut db = db.into();
    let not_found = || ProofsError::Proof(ProofError::NotFound);
    let proof = store_proofs::get(db.reborrow(), id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let located = locate(db.reborrow(), id, viewer)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    if located.facts.in_trash {
        return Err(not_found());
    }
    let reviews = store_proofs::reviews(db, id, proof.current_version)
        .await
        .map_err(internal)?;
    let facts = ProofFacts {
        item: located.facts.clone(),
        reviewers: reviews.iter().map(|review| review.user_id).collect(),
        locked: proof.locked,
        current_version: proof.current_version,
    };
    decide_proof(viewer, &facts, ProofAction::View)?;
    Ok(Loaded {
        located,
        proof,
        reviews,
        facts,
    })
}

/// The file `id` as a user of its own account named as a reviewer of its proof sees it
/// whatever their profile (core's `proof_role`: a Reviewer profile sees no documents
/// otherwise), for its previews and downloads; `None` for anyone else, who goes by the file's
/// own rules.
pub async fn located_for_named_reviewer(
    store: &Store,
    viewer: &DocumentViewer,
    id: ItemId,
) -> Result<Option<Located>, ProofsError> {
    match load(store, viewer, id).await {
        Ok(loaded) if role(viewer, &loaded.facts.item) == Role::None => Ok(Some(loaded.located)),
        Err(ProofsError::Internal(cause)) => Err(ProofsError::Internal(cause)),
        Ok(_) | Err(_) => Ok(None),
    }
}

/// Whether `viewer` may see the proof of the file `id` now, as the proof page decides (for the
/// live stream: a proof's news reaches only those who may open it).
pub async fn may_view(
    store: &Store,
    viewer: &DocumentViewer,
    id: ItemId,
) -> Result<bool, ProofsError> {
    match load(store, viewer, id).await {
        Ok(_) => Ok(true),
        Err(ProofsError::Internal(cause)) => Err(ProofsError::Internal(cause)),
        Err(_) => Ok(false),
    }
}

/// Begins a write transaction that changes the proof `id`, after any other such one.
async fn begin_proof_change(store: &Store, id: ItemId) -> Result<Tx, ProofsError> {
    let mut tx = store.begin_write().await.map_err(internal)?;
    tx.serialize_on(&format!("proof:{id}"))
        .await
        .map_err(internal)?;
    Ok(tx)
}

/// Begins the change of the proof `id` by `viewer`: its transaction, the proof read in it,
/// and core's consent to `action`.
async fn change(
    store: &Store,
    viewer: &DocumentViewer,
    id: ItemId,
    action: ProofAction,
) -> Result<(Tx, Loaded), ProofsError> {
    let mut tx = begin_proof_change(store, id).await?;
    let loaded = load(&mut tx, viewer, id).await?;
    decide_proof(viewer, &loaded.facts, action)?;
    Ok((tx, loaded))
}

impl StoreProofs {
    /// Commits a change that enqueued emails, and wakes the mail worker.
    async fn commit_and_mail(&self, tx: Tx) -> Result<(), ProofsError> {
        tx.commit().await.map_err(internal)?;
        self.mail_wake.notify_one();
        Ok(())
    }
}

/// "Bea Lund (Harbor Press)".
fn label(review: &ReviewRecord) -> String {
    format!("{} ({})", review.name, review.organization)
}

/// People in a sentence: "Ann", "Ann and Bea", "Ann, Bea and Carl".
fn people(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why the version has its status, in words (the proof page and the final status's email).
pub fn reason_text(overall: &Overall, reviews: &[ReviewRecord]) -> String {
    let names = |users: &[UserId]| {
        let named: Vec<String> = users
            .iter()
            .filter_map(|user| reviews.iter().find(|review| review.user_id == *user))
            .map(label)
            .collect();
        people(&named)
    };
    match &overall.reason {
        Reason::NoReviewers => "Nobody is named to review this version.".to_owned(),
        Reason::Waiting(users) => format!("Waiting for {} to decide.", names(users)),
        Reason::SetBy(decision, users) => {
            let who = names(users);
            let many = users.len() > 1;
            match decision {
                Decision::ChangesRequired if many => format!("{who} require changes."),
                Decision::ChangesRequired => format!("{who} requires changes."),
                Decision::ApprovedWithChanges => format!("{who} approved it with changes."),
                Decision::Approved => format!("{who} approved it."),
                Decision::NotRelevant => "Every reviewer found it not relevant.".to_owned(),
                Decision::Pending => format!("Waiting for {who} to decide."),
            }
        }
    }
}

/// Core's overall status of `reviews`.
fn overall_of(reviews: &[ReviewRecord]) -> Overall {
    let decisions: Vec<(UserId, Decision)> = reviews
        .iter()
        .map(|review| (review.user_id, review.decision))
        .collect();
    overall(&decisions)
}

/// Who `user` is to the owner account `owner`, as core's reviewer check takes it; `None` for
/// no such user.
async fn candidate(
    tx: &mut Tx,
    owner: AccountId,
    user: UserId,
) -> Result<Option<(users::UserRecord, Candidate)>, StoreError> {
    let Some(record) = users::get_user(&mut *tx, user).await? else {
        return Ok(None);
    };
    let standing = if record.account_id == owner {
        Standing::default()
    } else {
        let person = DocumentViewer {
            account: record.account_id,
            user,
            profile: record.profile,
            active: record.active,
        };
        crate::documents::standing(&mut *tx, owner, &person).await?
    };
    let candidate = Candidate {
        account: record.account_id,
        active: record.active,
        standing,
    };
    Ok(Some((record, candidate)))
}

/// Names `users` as reviewers of the current version of the proof of `located` (checked by
/// core one by one); a member of a partner gets the proof shared with them as Reviewer (SPEC
/// 3.3: "naming a member as reviewer shares the proof with them"). Writes the audit entries and
/// enqueues the emails; returns how many were named.
async fn name_reviewers(
    tx: &mut Tx,
    links: &Links,
    sender: &CurrentUser,
    located: &Located,
    proof: &ProofRecord,
    reviewers: &[UserId],
    at: Timestamp,
) -> Result<usize, ProofsError> {
    let owner = located.item.account_id;
    let file = (located.item.id, located.item.name.clone());
    let mut named = 0;
    for &user in reviewers {
        let (record, candidate) = candidate(tx, owner, user)
            .await
            .map_err(internal)?
            .ok_or(ReviewerError::Unknown)?;
        check_reviewer(owner, &candidate)?;
        if !store_proofs::add_reviewer(tx, file.0, proof.current_version, user, sender.user_id, at)
            .await
            .map_err(internal)?
        {
            continue;
        }
        named += 1;
        let organization = if record.account_id == owner {
            sender.account_name.to_string()
        } else {
            share_as_reviewer(tx, sender, located, &record).await?
        };
        let who = format!("{} ({organization})", record.name);
        record_proof(
            tx,
            owner,
            sender.user_id,
            &file,
            ProofAuditKind::ReviewerAdded { who },
            at,
        )
        .await
        .map_err(internal)?;
        let deadline = proof.deadline.map(|deadline| format_unix_utc(deadline.0));
        let email = templates::proof_review_requested(
            record.email.as_str(),
            sender.account_name.as_str(),
            sender.name.as_str(),
            file.1.as_str(),
            deadline.as_deref(),
            &links.proof(file.0),
        );
        outbox::enqueue(tx, &email, at.0).await.map_err(internal)?;
    }
    Ok(named)
}

/// Shares the proof of `located` with the partner's member `person` as Reviewer, unless a
/// share to them as Reviewer exists (a Viewer share becomes Reviewer, its downloads kept);
/// returns their organization's name.
async fn share_as_reviewer(
    tx: &mut Tx,
    sender: &CurrentUser,
    located: &Located,
    person: &users::UserRecord,
) -> Result<String, ProofsError> {
    let recipient = ShareRecipient::Person {
        account: person.account_id,
        user: person.id,
    };
    let existing = shares::on_items(&mut *tx, &[located.item.id])
        .await
        .map_err(internal)?
        .into_iter()
        .find(|listed| listed.share.recipient == recipient);
    let organization = account_name(&mut *tx, person.account_id)
        .await
        .map_err(internal)?;
    let downloads = match &existing {
        Some(listed) if listed.share.role == ShareRole::Reviewer => return Ok(organization),
        Some(listed) => listed.share.downloads,
        None => true,
    };
    let put = shares::put(
        tx,
        &NewShareRow {
            item_id: located.item.id,
            account_id: located.item.account_id,
            recipient,
            role: ShareRole::Reviewer,
            downloads,
            created_by: sender.user_id,
        },
        now(),
    )
    .await
    .map_err(internal)?;
    let with = format!("{} ({organization})", person.name);
    let kind = match put {
        shares::Put::Created(_) => entente_core::documents::audit::DocumentAuditKind::Shared {
            with,
            role: ShareRole::Reviewer,
            downloads,
        },
        _ => entente_core::documents::audit::DocumentAuditKind::ShareChanged {
            with,
            role: ShareRole::Reviewer,
            downloads,
        },
    };
    crate::documents::sharing::record_on_both_sides(tx, located, sender.user_id, recipient, kind)
        .await
        .map_err(internal)?;
    Ok(organization)
}

/// Records a proof's entry in `account`'s audit log.
async fn record_proof(
    tx: &mut Tx,
    account: AccountId,
    actor: UserId,
    file: &(ItemId, entente_core::documents::ItemName),
    kind: ProofAuditKind,
    at: Timestamp,
) -> Result<(), StoreError> {
    audit::record(
        tx,
        &NewEntry {
            account_id: account,
            actor_user_id: Some(actor),
            event: AuditEvent::Proof {
                item: file.0,
                name: file.1.clone(),
                kind,
            },
            created_at: at,
        },
    )
    .await
    .map(|_| ())
}

/// Stores the current version's status from `reviews` and, when it just became final, tells
/// the sender; returns the new overall status.
async fn restate(
    tx: &mut Tx,
    links: &Links,
    proof: &ProofRecord,
    name: &str,
    at: Timestamp,
) -> Result<Overall, ProofsError> {
    let reviews = store_proofs::reviews(&mut *tx, proof.item_id, proof.current_version)
        .await
        .map_err(internal)?;
    let now_overall = overall_of(&reviews);
    store_proofs::set_status(tx, proof.item_id, now_overall.status, at)
        .await
        .map_err(internal)?;
    let sender = if !proof.status.is_final() && now_overall.status.is_final() {
        users::get_user(&mut *tx, proof.sent_by)
            .await
            .map_err(internal)?
            .filter(|sender| sender.active)
    } else {
        None
    };
    if let Some(sender) = sender {
        let email = templates::proof_status_final(
            sender.email.as_str(),
            name,
            proof.current_version,
            now_overall.status.label(),
            &reason_text(&now_overall, &reviews),
            &links.proof(proof.item_id),
        );
        outbox::enqueue(tx, &email, at.0).await.map_err(internal)?;
    }
    Ok(now_overall)
}

/// What the proof of a file does when the file gets version `number` (called by the upload in
/// its transaction, after the version is recorded): every reviewer is Pending on it and is
/// told. Refused for a locked proof. Returns whether emails were enqueued.
pub async fn on_new_version(
    tx: &mut Tx,
    links: &Links,
    uploader: &DocumentViewer,
    file: &ItemRecord,
    number: u32,
    at: Timestamp,
) -> Result<bool, ProofsError> {
    // After any decision, naming or lock under way on the same proof, and before the next:
    // they read the current version only once this one is recorded.
    tx.serialize_on(&format!("proof:{}", file.id))
        .await
        .map_err(internal)?;
    let Some(proof) = store_proofs::get(&mut *tx, file.id)
        .await
        .map_err(internal)?
    else {
        return Ok(false);
    };
    let reviews = store_proofs::reviews(&mut *tx, file.id, proof.current_version)
        .await
        .map_err(internal)?;
    let facts = ProofFacts {
        item: ItemFacts::unshared(file.account_id, file.created_by, false),
        reviewers: reviews.iter().map(|review| review.user_id).collect(),
        locked: proof.locked,
        current_version: proof.current_version,
    };
    decide_proof(uploader, &facts, ProofAction::NewVersion)?;
    store_proofs::start_version(tx, file.id, number, uploader.user, at)
        .await
        .map_err(internal)?;
    let sender = users::get_user(&mut *tx, proof.sent_by)
        .await
        .map_err(internal)?;
    let owner = account_name(&mut *tx, file.account_id)
        .await
        .map_err(internal)?;
    let deadline = proof.deadline.map(|deadline| format_unix_utc(deadline.0));
    let mut emailed = false;
    for review in reviews.iter().filter(|review| review.active) {
        let email = templates::proof_new_version(
            review.email.as_str(),
            &owner,
            sender.as_ref().map_or("", |sender| sender.name.as_str()),
            file.name.as_str(),
            number,
            deadline.as_deref(),
            &links.proof(file.id),
        );
        outbox::enqueue(tx, &email, at.0).await.map_err(internal)?;
        emailed = true;
    }
    Ok(emailed)
}

/// The people `account` may name as reviewers now, but `except`: its own active users, then the
/// active members of its current partners (at most [`CHOICES_LIMIT`] of those).
async fn choices(
    store: &Store,
    account: AccountId,
    own_name: &str,
    except: &HashSet<UserId>,
) -> Result<Vec<ReviewerChoice>, StoreError> {
    let mut out: Vec<ReviewerChoice> = users::list_users(store, account)
        .await?
        .into_iter()
        .filter(|user| user.active && !except.contains(&user.id))
        .map(|user| ReviewerChoice {
            value: user.id.to_string(),
            label: format!("{} ({own_name})", user.name),
            group: own_name.to_owned(),
        })
        .collect();
    let partners: HashSet<AccountId> = partner_requests::current_partners(store, account)
        .await?
        .into_iter()
        .collect();
    let ids: Vec<AccountId> = partners.iter().copied().collect();
    let names: HashMap<AccountId, String> = shares::account_names(store, &ids)
        .await?
        .into_iter()
        .map(|(id, name)| (id, name.to_string()))
        .collect();
    for (partner, user, name) in shares::active_members(store, account, None, CHOICES_LIMIT).await?
    {
        if let Some(organization) = names.get(&partner).filter(|_| !except.contains(&user)) {
            out.push(ReviewerChoice {
                value: user.to_string(),
                label: format!("{name} ({organization})"),
                group: organization.clone(),
            });
        }
    }
    Ok(out)
}

/// The comments of a version as the page shows them: numbered, replies under what they answer.
fn thread(records: Vec<store_proofs::CommentRecord>) -> Vec<CommentEntry> {
    let entry = |record: &store_proofs::CommentRecord, number: u32| CommentEntry {
        id: record.id.to_string(),
        number,
        author: record.author_name.to_string(),
        organization: record.author_organization.to_string(),
        body: record.body.clone(),
        page: record.page,
        point: record.point,
        resolved: record.resolved_at.is_some(),
        at: record.created_at,
        replies: Vec::new(),
    };
    let mut top: Vec<CommentEntry> = Vec::new();
    let mut index: HashMap<entente_core::CommentId, usize> = HashMap::new();
    for record in records.iter().filter(|record| record.reply_to.is_none()) {
        index.insert(record.id, top.len());
        let number = u32::try_from(top.len() + 1).unwrap_or(u32::MAX);
        top.push(entry(record, number));
    }
    for record in records.iter() {
        if let Some(parent) = record.reply_to.and_then(|parent| index.get(&parent)) {
            let number = top[*parent].number;
            top[*parent].replies.push(entry(record, number));
        }
    }
    top
}

/// The views a version's preview has (1 without one: the whole file is "page 1").
async fn preview_of(
    store: &Store,
    file: ItemId,
    version: u32,
) -> Result<(Preview, u32), StoreError> {
    let Some(record) = documents::version(store, file, Some(version)).await? else {
        return Ok((Preview::None, 1));
    };
    let preview = crate::documents::preview(previews::state_of(store, record.id).await?);
    let pages = match preview {
        Preview::Ready { views } => views.max(1),
        _ => 1,
    };
    Ok((preview, pages))
}

/// A stored proof as a list row.
fn row(listed: &store_proofs::ProofListed, at: Timestamp) -> ProofRow {
    ProofRow {
        id: listed.proof.item_id,
        name: listed.name.to_string(),
        owner: listed.owner_name.to_string(),
        version: listed.proof.current_version,
        status: listed.proof.status,
        my_decision: listed.my_decision,
        deadline: listed.proof.deadline,
        overdue: is_overdue(listed.proof.deadline, at, listed.proof.status),
        locked: listed.proof.locked,
    }
}

impl ProofsService for StoreProofs {
    fn page(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        version: Option<u32>,
    ) -> BoxFuture<'_, Result<ProofPage, ProofsError>> {
        Box::pin(async move {
            let current = viewer;
            let viewer = document_viewer(&current);
            let loaded = load(&self.store, &viewer, proof).await?;
            let version = version.unwrap_or(loaded.proof.current_version);
            if version == 0 || version > loaded.proof.current_version {
                return Err(ProofError::NotFound.into());
            }
            let reviews = if version == loaded.proof.current_version {
                loaded.reviews.clone()
            } else {
                store_proofs::reviews(&self.store, proof, version)
                    .await
                    .map_err(internal)?
            };
            let shown = overall_of(&reviews);
            let comments = store_proofs::comments(&self.store, proof, version)
                .await
                .map_err(internal)?;
            let (preview, pages) = preview_of(&self.store, proof, version)
                .await
                .map_err(internal)?;
            let facts = &loaded.facts;
            let allowed = |action| decide_proof(&viewer, facts, action).is_ok();
            let may_manage = allowed(ProofAction::ManageReviewers);
            let candidates = if may_manage {
                let except: HashSet<UserId> = loaded.reviews.iter().map(|r| r.user_id).collect();
                choices(
                    &self.store,
                    viewer.account,
                    current.account_name.as_str(),
                    &except,
                )
                .await
                .map_err(internal)?
            } else {
                Vec::new()
            };
            let sent_by = users::get_user(&self.store, loaded.proof.sent_by)
                .await
                .map_err(internal)?
                .map(|user| user.name.to_string())
                .unwrap_or_default();
            let owner = account_name(&self.store, loaded.proof.account_id)
                .await
                .map_err(internal)?;
            Ok(ProofPage {
                file: Crumb {
                    id: proof,
                    name: loaded.located.item.name.clone(),
                },
                owner,
                sent_by,
                sent_at: loaded.proof.sent_at,
                deadline: loaded.proof.deadline,
                overdue: is_overdue(loaded.proof.deadline, now(), loaded.proof.status),
                locked: loaded.proof.locked,
                current_version: loaded.proof.current_version,
                version,
                status: shown.status,
                reason: reason_text(&shown, &reviews),
                my_decision: reviews
                    .iter()
                    .find(|review| review.user_id == viewer.user)
                    .map(|review| review.decision),
                reviewers: reviews
                    .iter()
                    .map(|review| ReviewerEntry {
                        user: review.user_id.to_string(),
                        name: review.name.to_string(),
                        organization: review.organization.to_string(),
                        decision: review.decision,
                        decided_at: review.decided_at,
                    })
                    .collect(),
                comments: thread(comments),
                preview,
                pages,
                may_decide: allowed(ProofAction::Decide { version }),
                may_comment: allowed(ProofAction::Comment { version }),
                may_resolve: allowed(ProofAction::Resolve),
                may_manage,
                may_upload: allowed(ProofAction::NewVersion),
                may_download: decide(&viewer, &loaded.located.facts, DocumentAction::Download)
                    .is_ok(),
                candidates,
            })
        })
    }

    fn compare(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        versions: (u32, u32),
    ) -> BoxFuture<'_, Result<ComparePage, ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let loaded = load(&self.store, &viewer, proof).await?;
            let current = loaded.proof.current_version;
            let (a, b) = versions;
            if a == 0 || b > current {
                return Err(ProofError::NotFound.into());
            }
            let mut sides = Vec::with_capacity(2);
            for version in [a, b] {
                let reviews = store_proofs::reviews(&self.store, proof, version)
                    .await
                    .map_err(internal)?;
                let shown = overall_of(&reviews);
                let (preview, _) = preview_of(&self.store, proof, version)
                    .await
                    .map_err(internal)?;
                sides.push(CompareSide {
                    version,
                    preview,
                    status: shown.status,
                    reason: reason_text(&shown, &reviews),
                });
            }
            let right = sides.pop().expect("two sides");
            let left = sides.pop().expect("two sides");
            Ok(ComparePage {
                file: Crumb {
                    id: proof,
                    name: loaded.located.item.name.clone(),
                },
                current_version: current,
                left,
                right,
            })
        })
    }

    fn send_form(
        &self,
        viewer: CurrentUser,
        file: ItemId,
    ) -> BoxFuture<'_, Result<SendForm, ProofsError>> {
        Box::pin(async move {
            let current = viewer;
            let viewer = document_viewer(&current);
            let located = locate_for(
                &self.store,
                &viewer,
                file,
                Some(ItemKind::File),
                DocumentAction::Open,
            )
            .await
            .map_err(from_documents)?;
            if store_proofs::get(&self.store, file)
                .await
                .map_err(internal)?
                .is_some()
            {
                return Ok(SendForm::Proof(file));
            }
            if decide(&viewer, &located.facts, DocumentAction::Share).is_err() {
                return Ok(SendForm::Hidden);
            }
            let people = choices(
                &self.store,
                viewer.account,
                current.account_name.as_str(),
                &HashSet::new(),
            )
            .await
            .map_err(internal)?;
            Ok(SendForm::Send(people))
        })
    }

    fn send(
        &self,
        viewer: CurrentUser,
        file: ItemId,
        reviewers: Vec<UserId>,
        deadline: Option<Timestamp>,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let sender = viewer;
            let viewer = document_viewer(&sender);
            let at = now();
            let mut tx = begin_tree_change(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let located = locate_for(
                &mut tx,
                &viewer,
                file,
                Some(ItemKind::File),
                DocumentAction::Share,
            )
            .await
            .map_err(from_documents)?;
            if store_proofs::get(&mut tx, file)
                .await
                .map_err(internal)?
                .is_some()
            {
                return Err(ProofsError::AlreadyAProof);
            }
            if reviewers.is_empty() {
                return Err(ProofsError::NoReviewers);
            }
            if let Some(deadline) = deadline {
                check_deadline(deadline, at)
                    .map_err(|refused| ProofsError::Deadline(refused.to_string()))?;
            }
            let version = located
                .item
                .file
                .as_ref()
                .map_or(1, |file| file.version_count);
            let new = store_proofs::NewProof {
                item_id: file,
                account_id: located.item.account_id,
                sent_by: sender.user_id,
                deadline,
                version,
                status: OverallStatus::Pending,
            };
            store_proofs::insert(&mut tx, &new, at)
                .await
                .map_err(internal)?;
            let record = store_proofs::get(&mut tx, file)
                .await
                .map_err(internal)?
                .ok_or_else(|| ProofsError::Internal("the proof just written".into()))?;
            let named_file = (file, located.item.name.clone());
            record_proof(
                &mut tx,
                located.item.account_id,
                sender.user_id,
                &named_file,
                ProofAuditKind::Sent { version },
                at,
            )
            .await
            .map_err(internal)?;
            name_reviewers(
                &mut tx,
                &self.links,
                &sender,
                &located,
                &record,
                &reviewers,
                at,
            )
            .await?;
            restate(
                &mut tx,
                &self.links,
                &record,
                located.item.name.as_str(),
                at,
            )
            .await?;
            self.commit_and_mail(tx).await
        })
    }

    fn add_reviewers(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        reviewers: Vec<UserId>,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let sender = viewer;
            let viewer = document_viewer(&sender);
            let at = now();
            let (mut tx, loaded) =
                change(&self.store, &viewer, proof, ProofAction::ManageReviewers).await?;
            if reviewers.is_empty() {
                return Err(ProofsError::NoReviewers);
            }
            let named = name_reviewers(
                &mut tx,
                &self.links,
                &sender,
                &loaded.located,
                &loaded.proof,
                &reviewers,
                at,
            )
            .await?;
            if named == 0 {
                return Ok(());
            }
            restate(
                &mut tx,
                &self.links,
                &loaded.proof,
                loaded.located.item.name.as_str(),
                at,
            )
            .await?;
            self.commit_and_mail(tx).await
        })
    }

    fn remove_reviewer(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        reviewer: UserId,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let at = now();
            let (mut tx, loaded) =
                change(&self.store, &viewer, proof, ProofAction::ManageReviewers).await?;
            let Some(removed) = loaded
                .reviews
                .iter()
                .find(|review| review.user_id == reviewer)
            else {
                return Err(ProofError::NotFound.into());
            };
            store_proofs::remove_reviewer(&mut tx, proof, loaded.proof.current_version, reviewer)
                .await
                .map_err(internal)?;
            let file = (proof, loaded.located.item.name.clone());
            record_proof(
                &mut tx,
                loaded.proof.account_id,
                viewer.user,
                &file,
                ProofAuditKind::ReviewerRemoved {
                    who: label(removed),
                },
                at,
            )
            .await
            .map_err(internal)?;
            restate(&mut tx, &self.links, &loaded.proof, file.1.as_str(), at).await?;
            self.commit_and_mail(tx).await
        })
    }

    fn decide(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        version: u32,
        decision: Decision,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let reviewer = viewer;
            let viewer = document_viewer(&reviewer);
            let at = now();
            let (mut tx, loaded) =
                change(&self.store, &viewer, proof, ProofAction::Decide { version }).await?;
            let before = loaded
                .reviews
                .iter()
                .find(|review| review.user_id == viewer.user)
                .map(|review| review.decision);
            if before == Some(decision) {
                return Ok(());
            }
            store_proofs::decide(&mut tx, proof, version, viewer.user, decision, at)
                .await
                .map_err(internal)?;
            let file = (proof, loaded.located.item.name.clone());
            let kind = ProofAuditKind::Decided { version, decision };
            record_proof(
                &mut tx,
                loaded.proof.account_id,
                viewer.user,
                &file,
                kind.clone(),
                at,
            )
            .await
            .map_err(internal)?;
            if viewer.account != loaded.proof.account_id {
                record_proof(&mut tx, viewer.account, viewer.user, &file, kind, at)
                    .await
                    .map_err(internal)?;
            }
            if let Some(sender) = users::get_user(&mut tx, loaded.proof.sent_by)
                .await
                .map_err(internal)?
                .filter(|sender| sender.active && sender.id != viewer.user)
            {
                let email = templates::proof_decision(
                    sender.email.as_str(),
                    reviewer.name.as_str(),
                    reviewer.account_name.as_str(),
                    file.1.as_str(),
                    version,
                    decision.label(),
                    &self.links.proof(proof),
                );
                outbox::enqueue(&mut tx, &email, at.0)
                    .await
                    .map_err(internal)?;
            }
            restate(&mut tx, &self.links, &loaded.proof, file.1.as_str(), at).await?;
            self.commit_and_mail(tx).await
        })
    }

    fn comment(
        &self,
        viewer: CurrentUser,
        comment: NewCommentForm,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let at = now();
            let proof = comment.proof;
            let (mut tx, loaded) = change(
                &self.store,
                &viewer,
                proof,
                ProofAction::Comment {
                    version: comment.version,
                },
            )
            .await?;
            // A reply answers a comment of the same version (a reply to a reply answers the
            // comment it is under) and has no pin of its own.
            let (reply_to, anchor) = match comment.reply_to {
                Some(id) => {
                    let answered = store_proofs::comment(&mut tx, id)
                        .await
                        .map_err(internal)?
                        .filter(|answered| {
                            answered.proof_id == proof && answered.version == comment.version
                        })
                        .ok_or(ProofError::NotFound)?;
                    (Some(answered.reply_to.unwrap_or(answered.id)), Anchor::None)
                }
                None => {
                    let (_, pages) = preview_of(&self.store, proof, comment.version)
                        .await
                        .map_err(internal)?;
                    let anchor = match (comment.page, comment.point) {
                        (None, None) => Anchor::None,
                        (None, Some(_)) => return Err(PinError::NoSuchPage.into()),
                        (Some(page), None) => {
                            if page == 0 || page > pages {
                                return Err(PinError::NoSuchPage.into());
                            }
                            Anchor::Page(page)
                        }
                        (Some(page), Some((x, y))) => Anchor::Point(Pin::new(page, x, y, pages)?),
                    };
                    (None, anchor)
                }
            };
            store_proofs::insert_comment(
                &mut tx,
                &NewComment {
                    proof_id: proof,
                    version: comment.version,
                    author_id: viewer.user,
                    body: comment.text.as_str(),
                    anchor,
                    reply_to,
                },
                at,
            )
            .await
            .map_err(internal)?;
            let file = (proof, loaded.located.item.name.clone());
            record_proof(
                &mut tx,
                loaded.proof.account_id,
                viewer.user,
                &file,
                ProofAuditKind::Commented {
                    version: comment.version,
                },
                at,
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn resolve(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        comment: entente_core::CommentId,
        resolved: bool,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let mut tx = begin_proof_change(&self.store, proof).await?;
            let loaded = load(&mut tx, &viewer, proof).await?;
            store_proofs::comment(&mut tx, comment)
                .await
                .map_err(internal)?
                .filter(|found| found.proof_id == proof)
                .ok_or(ProofError::NotFound)?;
            decide_proof(&viewer, &loaded.facts, ProofAction::Resolve)?;
            store_proofs::resolve(&mut tx, comment, resolved.then_some(viewer.user), now())
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn lock(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        locked: bool,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let at = now();
            let (mut tx, loaded) = change(&self.store, &viewer, proof, ProofAction::Lock).await?;
            if loaded.proof.locked == locked {
                return Ok(());
            }
            store_proofs::set_locked(&mut tx, proof, locked, at)
                .await
                .map_err(internal)?;
            let kind = if locked {
                ProofAuditKind::Locked
            } else {
                ProofAuditKind::Unlocked
            };
            let file = (proof, loaded.located.item.name.clone());
            record_proof(
                &mut tx,
                loaded.proof.account_id,
                viewer.user,
                &file,
                kind,
                at,
            )
            .await
            .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn set_deadline(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        deadline: Option<Timestamp>,
    ) -> BoxFuture<'_, Result<(), ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let at = now();
            let (mut tx, _) =
                change(&self.store, &viewer, proof, ProofAction::ManageReviewers).await?;
            if let Some(deadline) = deadline {
                check_deadline(deadline, at)
                    .map_err(|refused| ProofsError::Deadline(refused.to_string()))?;
            }
            store_proofs::set_deadline(&mut tx, proof, deadline, at)
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            Ok(())
        })
    }

    fn mine(&self, viewer: CurrentUser) -> BoxFuture<'_, Result<Vec<ProofRow>, ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let listed = store_proofs::reviewed_by(&self.store, viewer.user)
                .await
                .map_err(internal)?;
            let visible = visible_to(&self.store, &viewer, &listed).await?;
            let at = now();
            Ok(listed
                .iter()
                .filter(|listed| visible.contains(&listed.proof.item_id))
                .map(|listed| row(listed, at))
                .collect())
        })
    }

    fn ours(
        &self,
        viewer: CurrentUser,
        status: Option<OverallStatus>,
        partner: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<OurProofsPage, ProofsError>> {
        Box::pin(async move {
            let viewer = document_viewer(&viewer);
            let facts = ItemFacts::unshared(viewer.account, viewer.user, false);
            if role(&viewer, &facts) == Role::None {
                return Err(ProofError::NotFound.into());
            }
            let after = match after.as_deref() {
                Some(token) => Some(
                    store_proofs::Cursor::from_token(token).ok_or(ProofsError::InvalidPageLink)?,
                ),
                None => None,
            };
            let mut listed = store_proofs::of_account(
                &self.store,
                viewer.account,
                status,
                partner,
                after,
                OUR_PROOFS_PAGE + 1,
            )
            .await
            .map_err(internal)?;
            let next = (listed.len() > OUR_PROOFS_PAGE as usize).then(|| {
                listed.truncate(OUR_PROOFS_PAGE as usize);
                let last = &listed.last().expect("a full page").proof;
                store_proofs::Cursor {
                    at: last.updated_at,
                    id: last.item_id,
                }
                .to_token()
            });
            // A proof in a trashed folder is nobody's to see (its own deletion SQL filters).
            let live = live_items(&self.store, &listed).await.map_err(internal)?;
            listed.retain(|listed| live.contains(&listed.proof.item_id));
            let partner_ids = partner_requests::current_partners(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let mut partners: Vec<(String, String)> =
                shares::account_names(&self.store, &partner_ids)
                    .await
                    .map_err(internal)?
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name.to_string()))
                    .collect();
            partners.sort_by(|a, b| a.1.cmp(&b.1));
            let at = now();
            let root = documents::root_of(&self.store, viewer.account)
                .await
                .map_err(internal)?;
            let upload_folder =
                root.filter(|_| decide(&viewer, &facts, DocumentAction::CreateIn).is_ok());
            Ok(OurProofsPage {
                rows: listed.iter().map(|listed| row(listed, at)).collect(),
                next,
                partners,
                upload_folder,
            })
        })
    }
}

/// Which of `listed` are not in the trash through a folder above them (one query for every
/// ancestry).
async fn live_items(
    store: &Store,
    listed: &[store_proofs::ProofListed],
) -> Result<HashSet<ItemId>, StoreError> {
    let items: Vec<ItemId> = listed.iter().map(|listed| listed.proof.item_id).collect();
    live_of(store, &items).await
}

/// Which of `items` exist and are not in the trash, themselves or through a folder above them.
pub async fn live_of(store: &Store, items: &[ItemId]) -> Result<HashSet<ItemId>, StoreError> {
    let chains = documents::ancestries(store, items).await?;
    Ok(chains
        .iter()
        .filter(|(_, chain)| !crate::documents::sharing::in_trash(chain))
        .map(|(id, _)| *id)
        .collect())
}

/// Which of `listed` (proofs `viewer` is named on) they may see now, asked of core with one
/// query for every ancestry, one for the shares on them, and their standing with each owner.
async fn visible_to(
    store: &Store,
    viewer: &DocumentViewer,
    listed: &[store_proofs::ProofListed],
) -> Result<HashSet<ItemId>, ProofsError> {
    let items: Vec<ItemId> = listed.iter().map(|listed| listed.proof.item_id).collect();
    let chains = documents::ancestries(store, &items)
        .await
        .map_err(internal)?;
    let mut all: Vec<ItemId> = chains
        .values()
        .flat_map(|chain| chain.iter().map(|item| item.id))
        .collect();
    all.sort();
    all.dedup();
    let on_items = shares::on_items(store, &all).await.map_err(internal)?;
    let mut standings: HashMap<AccountId, Standing> = HashMap::new();
    let mut visible = HashSet::new();
    for listed in listed {
        let Some(chain) = chains.get(&listed.proof.item_id) else {
            continue;
        };
        let owner = listed.proof.account_id;
        let ids: HashSet<ItemId> = chain.iter().map(|item| item.id).collect();
        let mut facts = ItemFacts::unshared(
            owner,
            chain[0].created_by,
            crate::documents::sharing::in_trash(chain),
        );
        if owner != viewer.account {
            facts.shares = on_items
                .iter()
                .filter(|share| ids.contains(&share.share.item_id))
                .map(|share| crate::documents::share_fact(&share.share))
                .collect();
            facts.standing = match standings.get(&owner) {
                Some(standing) => *standing,
                None => {
                    let standing = crate::documents::standing(store, owner, viewer)
                        .await
                        .map_err(internal)?;
                    standings.insert(owner, standing);
                    standing
                }
            };
        }
        let proof = ProofFacts {
            item: facts,
            reviewers: vec![viewer.user],
            locked: listed.proof.locked,
            current_version: listed.proof.current_version,
        };
        if !proof.item.in_trash && decide_proof(viewer, &proof, ProofAction::View).is_ok() {
            visible.insert(listed.proof.item_id);
        }
    }
    Ok(visible)
}
