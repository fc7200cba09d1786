//! Proofs and review (SPEC 3.2): sending a file for review, the proof page (decisions,
//! comments, versions, lock), "My reviews" and the owner's proofs. Thin wrappers over
//! [`ProofsService`](port::ProofsService), which reads the facts and asks entente-core
//! (`proofs::decide_proof`, `check_reviewer`, `overall`): a proof the viewer may not see
//! answers exactly like one that does not exist.
//!
//! Endpoints: `POST /api/proofs/open`, `/send_form`, `/mine`, `/ours` (reads) and `/send`,
//! `/add_reviewers`, `/remove_reviewer`, `/decide`, `/comment`, `/resolve`, `/lock`,
//! `/deadline` (changes); `/today`, the signed-in home page's work of the day.

#[cfg(feature = "ssr")]
pub mod port;

use entente_core::proofs::{Decision, OverallStatus};
use entente_core::{ItemId, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::documents::{Crumb, Preview};
use crate::error::AppError;

/// The proof page of `proof`, at `version` (the current one when `None`).
pub fn proof_href(proof: ItemId, version: Option<u32>) -> String {
    match version {
        Some(version) => format!("/proofs/proof?proof={proof}&version={version}"),
        None => format!("/proofs/proof?proof={proof}"),
    }
}

/// Someone who may be named as a reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerChoice {
    /// The user's id, the form value.
    pub value: String,
    /// "Bea Lund (Harbor Press)".
    pub label: String,
    /// The organization, to group the choices.
    pub group: String,
}

/// A reviewer of the version shown, with their decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerEntry {
    /// The user's id.
    pub user: String,
    /// Their name.
    pub name: String,
    /// Their organization.
    pub organization: String,
    /// Their decision on the version shown.
    pub decision: Decision,
    /// When they decided.
    pub decided_at: Option<Timestamp>,
}

/// A comment on the version shown, with its replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentEntry {
    /// The comment's id.
    pub id: String,
    /// Its number in the version's thread (pins show it).
    pub number: u32,
    /// The author.
    pub author: String,
    /// Their organization.
    pub organization: String,
    /// The text, shown escaped, line breaks kept.
    pub body: String,
    /// The page it is pinned to.
    pub page: Option<u32>,
    /// The point on that page, thousandths of width and height.
    pub point: Option<(u16, u16)>,
    /// Whether the owner side resolved it.
    pub resolved: bool,
    /// When it was written.
    pub at: Timestamp,
    /// The replies, oldest first.
    pub replies: Vec<CommentEntry>,
}

/// The proof page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofPage {
    /// The file.
    pub file: Crumb,
    /// The owner organization.
    pub owner: String,
    /// Who sent it for review.
    pub sent_by: String,
    /// When.
    pub sent_at: Timestamp,
    /// The deadline.
    pub deadline: Option<Timestamp>,
    /// Whether the current version is past its deadline and still pending.
    pub overdue: bool,
    /// Whether the owner side locked it.
    pub locked: bool,
    /// The version under review.
    pub current_version: u32,
    /// The version shown.
    pub version: u32,
    /// The version's overall status.
    pub status: OverallStatus,
    /// Why, in words.
    pub reason: String,
    /// The version's reviewers and their decisions.
    pub reviewers: Vec<ReviewerEntry>,
    /// Its comments, oldest first, replies under what they answer.
    pub comments: Vec<CommentEntry>,
    /// The version's preview.
    pub preview: Preview,
    /// How many pages a pin can be on (the preview's views; 1 without a preview).
    pub pages: u32,
    /// The viewer's decision on the version shown, if they review it.
    pub my_decision: Option<Decision>,
    /// Whether the viewer may decide on the version shown.
    pub may_decide: bool,
    /// Whether the viewer may comment on the version shown.
    pub may_comment: bool,
    /// Whether the viewer may resolve comments (the owner side).
    pub may_resolve: bool,
    /// Whether the viewer may lock, name and remove reviewers and set the deadline.
    pub may_manage: bool,
    /// Whether the viewer may upload a new version.
    pub may_upload: bool,
    /// Whether the viewer may download the file.
    pub may_download: bool,
    /// Who the viewer may name as reviewers (when they may manage), not named yet.
    pub candidates: Vec<ReviewerChoice>,
}

/// One side of a comparison: a version, its preview and its overall status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareSide {
    /// The version.
    pub version: u32,
    /// Its preview.
    pub preview: Preview,
    /// Its overall status.
    pub status: OverallStatus,
    /// Why, in words.
    pub reason: String,
}

/// Two versions of a proof side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparePage {
    /// The file.
    pub file: Crumb,
    /// The version under review.
    pub current_version: u32,
    /// The earlier version (left).
    pub left: CompareSide,
    /// The later version (right).
    pub right: CompareSide,
}

/// The comparison of versions `a` and `b` of `proof`.
pub fn compare_href(proof: ItemId, a: u32, b: u32) -> String {
    format!("/proofs/compare?proof={proof}&a={a}&b={b}")
}

/// The "Send for review" part of a file's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendForm {
    /// The file is a proof already.
    Proof(ItemId),
    /// The viewer may send it for review to these people.
    Send(Vec<ReviewerChoice>),
    /// Not for this viewer.
    Hidden,
}

/// A row of "My reviews" or of the owner's proofs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofRow {
    /// The proof.
    pub id: ItemId,
    /// The file's name.
    pub name: String,
    /// The owner organization.
    pub owner: String,
    /// The version under review.
    pub version: u32,
    /// Its overall status.
    pub status: OverallStatus,
    /// "My reviews": my decision on it.
    pub my_decision: Option<Decision>,
    /// The deadline.
    pub deadline: Option<Timestamp>,
    /// Past the deadline and still pending.
    pub overdue: bool,
    /// Locked by the owner side.
    pub locked: bool,
}

/// The owner's proofs, one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OurProofsPage {
    /// The rows.
    pub rows: Vec<ProofRow>,
    /// The next page's token.
    pub next: Option<String>,
    /// The partners to filter by (id, name).
    pub partners: Vec<(String, String)>,
    /// The folder "Upload a file for review" puts the file in (the account's Documents root),
    /// when the viewer may upload there.
    pub upload_folder: Option<ItemId>,
}

/// Maps the service's refusal to what the interface shows.
#[cfg(feature = "ssr")]
fn proofs_error(error: port::ProofsError) -> AppError {
    use entente_core::documents::AccessError;
    use entente_core::proofs::ProofError;

    use self::port::ProofsError;
    match error {
        ProofsError::Access(AccessError::NotFound) | ProofsError::Proof(ProofError::NotFound) => {
            AppError::NotFound
        }
        ProofsError::Access(_)
        | ProofsError::Proof(ProofError::NotAllowed | ProofError::NotAReviewer) => {
            AppError::Forbidden
        }
        ProofsError::Proof(refused @ (ProofError::Locked | ProofError::OldVersion)) => {
            AppError::Conflict(refused.to_string())
        }
        ProofsError::AlreadyAProof => AppError::Conflict(error.to_string()),
        ProofsError::Reviewer(refused) => AppError::field("reviewers", refused),
        ProofsError::NoReviewers => AppError::field("reviewers", error),
        ProofsError::Deadline(message) => AppError::field("deadline", message),
        ProofsError::Comment(message) => AppError::field("text", message),
        ProofsError::Pin(refused) => AppError::field("page", refused),
        ProofsError::InvalidPageLink => AppError::Invalid(error.to_string()),
        ProofsError::Internal(cause) => AppError::internal(cause),
    }
}

#[cfg(feature = "ssr")]
use crate::api::documents::{optional_id, parse_id, viewer};

/// The ids a form's `reviewers[]` checkboxes name; a malformed one is not found.
#[cfg(feature = "ssr")]
fn reviewer_ids(values: Option<Vec<String>>) -> Result<Vec<entente_core::UserId>, AppError> {
    let mut ids = Vec::new();
    for value in values.unwrap_or_default() {
        let id = parse_id(&value)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A deadline from a form: empty is none.
#[cfg(feature = "ssr")]
fn deadline_field(text: Option<String>) -> Result<Option<Timestamp>, AppError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => entente_core::proofs::parse_deadline(text)
            .map(Some)
            .map_err(|error| AppError::field("deadline", error)),
    }
}

/// A number from a form: empty is none; anything else not a number is refused beside `field`.
#[cfg(feature = "ssr")]
fn number_field<T: std::str::FromStr>(
    text: Option<String>,
    field: &'static str,
) -> Result<Option<T>, AppError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(field, entente_core::proofs::PinError::OutsideThePage)),
    }
}

/// The proof page of `proof` at `version` (the current one when empty).
#[server(endpoint = "proofs/open")]
pub async fn open_proof(proof: String, version: Option<String>) -> Result<ProofPage, AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let version = match version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| AppError::NotFound)?),
    };
    crate::api::services::services()?
        .proofs
        .page(viewer, proof, version)
        .await
        .map_err(proofs_error)
}

/// Versions `a` and `b` of `proof` side by side (the earlier on the left).
#[server(endpoint = "proofs/compare")]
pub async fn compare_versions(
    proof: String,
    a: String,
    b: String,
) -> Result<ComparePage, AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let number = |text: &str| text.trim().parse::<u32>().map_err(|_| AppError::NotFound);
    let (a, b) = (number(&a)?, number(&b)?);
    crate::api::services::services()?
        .proofs
        .compare(viewer, proof, (a.min(b), a.max(b)))
        .await
        .map_err(proofs_error)
}

/// The "Send for review" part of the page of `file`.
#[server(endpoint = "proofs/send_form")]
pub async fn proof_send_form(file: String) -> Result<SendForm, AppError> {
    let viewer = viewer()?;
    let file = parse_id(&file)?;
    crate::api::services::services()?
        .proofs
        .send_form(viewer, file)
        .await
        .map_err(proofs_error)
}

/// Sends `file` for review to `reviewers` (the form's `reviewers[]`), by `deadline` if given;
/// without JavaScript the browser then opens the proof.
#[server(endpoint = "proofs/send")]
pub async fn send_for_review(
    file: String,
    reviewers: Option<Vec<String>>,
    deadline: Option<String>,
) -> Result<(), AppError> {
    let viewer = viewer()?;
    let file: ItemId = parse_id(&file)?;
    let reviewers = reviewer_ids(reviewers)?;
    let deadline = deadline_field(deadline)?;
    crate::api::services::services()?
        .proofs
        .send(viewer, file, reviewers, deadline)
        .await
        .map_err(proofs_error)?;
    leptos_axum::redirect(&proof_href(file, None));
    Ok(())
}

/// Names more reviewers of `proof`.
#[server(endpoint = "proofs/add_reviewers")]
pub async fn add_reviewers(proof: String, reviewers: Option<Vec<String>>) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let reviewers = reviewer_ids(reviewers)?;
    crate::api::services::services()?
        .proofs
        .add_reviewers(viewer, proof, reviewers)
        .await
        .map_err(proofs_error)
}

/// Removes the reviewer `user` of `proof` (their earlier decisions stay).
#[server(endpoint = "proofs/remove_reviewer")]
pub async fn remove_reviewer(proof: String, user: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let user = parse_id(&user)?;
    crate::api::services::services()?
        .proofs
        .remove_reviewer(viewer, proof, user)
        .await
        .map_err(proofs_error)
}

/// Records the viewer's `decision` on `version` of `proof`.
#[server(endpoint = "proofs/decide")]
pub async fn decide_on_proof(
    proof: String,
    version: String,
    decision: String,
) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let version = version.trim().parse().map_err(|_| AppError::NotFound)?;
    let decision: Decision = decision
        .parse()
        .ok()
        .filter(|decision| *decision != Decision::Pending)
        .ok_or_else(|| AppError::field("decision", entente_core::proofs::DecisionError))?;
    crate::api::services::services()?
        .proofs
        .decide(viewer, proof, version, decision)
        .await
        .map_err(proofs_error)
}

/// Comments on `version` of `proof`: `text`, pinned to `page` (and the point `x`, `y` in
/// thousandths, placed by clicking the page), or replying to `reply_to`.
#[server(endpoint = "proofs/comment")]
pub async fn comment_on_proof(
    proof: String,
    version: String,
    text: String,
    page: Option<String>,
    x: Option<String>,
    y: Option<String>,
    reply_to: Option<String>,
) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let version = version.trim().parse().map_err(|_| AppError::NotFound)?;
    let text = entente_core::proofs::CommentText::parse(&text)
        .map_err(|error| AppError::field("text", error))?;
    let page = number_field::<u32>(page, "page")?;
    let point = match (
        number_field::<u16>(x, "page")?,
        number_field::<u16>(y, "page")?,
    ) {
        (Some(x), Some(y)) => Some((x, y)),
        _ => None,
    };
    let reply_to = optional_id::<entente_core::CommentId>(reply_to)?;
    crate::api::services::services()?
        .proofs
        .comment(
            viewer,
            port::NewCommentForm {
                proof,
                version,
                text,
                page,
                point,
                reply_to,
            },
        )
        .await
        .map_err(proofs_error)
}

/// Marks the comment `comment` of `proof` resolved, or open again with `open` set.
#[server(endpoint = "proofs/resolve")]
pub async fn resolve_comment(
    proof: String,
    comment: String,
    open: Option<String>,
) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let comment = parse_id(&comment)?;
    crate::api::services::services()?
        .proofs
        .resolve(viewer, proof, comment, open.is_none())
        .await
        .map_err(proofs_error)
}

/// Locks `proof` (`lock` = `lock`) or unlocks it (anything else).
#[server(endpoint = "proofs/lock")]
pub async fn lock_proof(proof: String, lock: String) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    crate::api::services::services()?
        .proofs
        .lock(viewer, proof, lock.trim() == "lock")
        .await
        .map_err(proofs_error)
}

/// Sets the deadline of `proof` (empty: none).
#[server(endpoint = "proofs/deadline")]
pub async fn set_proof_deadline(proof: String, deadline: Option<String>) -> Result<(), AppError> {
    let viewer = viewer()?;
    let proof = parse_id(&proof)?;
    let deadline = deadline_field(deadline)?;
    crate::api::services::services()?
        .proofs
        .set_deadline(viewer, proof, deadline)
        .await
        .map_err(proofs_error)
}

/// "My reviews": the proofs the viewer reviews, pending first.
#[server(endpoint = "proofs/mine")]
pub async fn my_reviews() -> Result<Vec<ProofRow>, AppError> {
    let viewer = viewer()?;
    crate::api::services::services()?
        .proofs
        .mine(viewer)
        .await
        .map_err(proofs_error)
}

/// The viewer's account's proofs, of `status` and reviewed by `partner` when given.
#[server(endpoint = "proofs/ours")]
pub async fn our_proofs(
    status: Option<String>,
    partner: Option<String>,
    after: Option<String>,
) -> Result<OurProofsPage, AppError> {
    let viewer = viewer()?;
    let status = status.and_then(|text| text.trim().parse::<OverallStatus>().ok());
    let partner = optional_id(partner)?;
    let after = after.filter(|token| !token.trim().is_empty());
    crate::api::services::services()?
        .proofs
        .ours(viewer, status, partner, after)
        .await
        .map_err(proofs_error)
}

/// How many lines each part of the home page's work of the day shows.
pub const TODAY_LINES: usize = 5;

/// Something partners shared with the viewer's organization lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLately {
    /// The item's name.
    pub name: String,
    /// Where it opens.
    pub href: String,
    /// The owner organization.
    pub owner: String,
    /// When it was shared.
    pub since: Timestamp,
}

/// The signed-in home page: the work of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    /// Partner requests awaiting the viewer's approval (administrators only; zero otherwise).
    pub partner_requests: u32,
    /// Whether the viewer manages partners (the Partners tab exists for them).
    pub manages_partners: bool,
    /// My reviews still pending, soonest deadline first.
    pub my_pending: Vec<ProofRow>,
    /// Proofs of ours awaiting decisions (`None`: the viewer's profile sends none).
    pub ours_pending: Option<Vec<ProofRow>>,
    /// What partners shared with us lately, newest first.
    pub shared_lately: Vec<SharedLately>,
}

/// The work of the day: partner requests awaiting approval, my pending reviews, our proofs
/// awaiting decisions, and what partners shared lately; one request for the whole page.
#[server(endpoint = "proofs/today")]
pub async fn todays_work() -> Result<Today, AppError> {
    use crate::api::documents::ItemEntry;

    let viewer = viewer()?;
    let services = crate::api::services::services()?;
    let manages_partners = viewer.profile.can_manage_partners();
    let partner_requests = if manages_partners {
        services
            .partners
            .awaiting_approval(viewer.clone())
            .await
            .map_err(AppError::internal)?
    } else {
        0
    };
    let my_pending: Vec<ProofRow> = services
        .proofs
        .mine(viewer.clone())
        .await
        .map_err(proofs_error)?
        .into_iter()
        .filter(|row| row.my_decision == Some(Decision::Pending) && !row.locked)
        .take(TODAY_LINES)
        .collect();
    let ours_pending = if viewer.profile.works_with_documents() {
        let mut page = services
            .proofs
            .ours(viewer.clone(), Some(OverallStatus::Pending), None, None)
            .await
            .map_err(proofs_error)?;
        page.rows.truncate(TODAY_LINES);
        Some(page.rows)
    } else {
        None
    };
    let shared = services
        .sharing
        .shared_with_us(viewer, None, None)
        .await
        .map_err(|error| AppError::internal(error.to_string()))?;
    let shared_lately = shared
        .entries
        .into_iter()
        .take(TODAY_LINES)
        .map(|entry| SharedLately {
            href: ItemEntry::href(&entry.item),
            name: entry.item.name.to_string(),
            owner: entry.owner,
            since: entry.since,
        })
        .collect();
    Ok(Today {
        partner_requests,
        manages_partners,
        my_pending,
        ours_pending,
        shared_lately,
    })
}
