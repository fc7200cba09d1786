//! The port the proof pages ask the server through (SPEC 3.2).

use entente_core::documents::AccessError;
use entente_core::proofs::{
    CommentText, Decision, OverallStatus, PinError, ProofError, ReviewerError,
};
use entente_core::{AccountId, ItemId, Timestamp, UserId};

use crate::api::proofs::{ComparePage, OurProofsPage, ProofPage, ProofRow, SendForm};
use crate::api::services::BoxFuture;
use crate::api::session::CurrentUser;

/// Why a proofs operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ProofsError {
    /// Core's access decision on the file refused (a missing or unseen file is `NotFound`).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Core's proof decision refused.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The file is in review already.
    #[error("This file is in review already: open its proof.")]
    AlreadyAProof,
    /// Someone named cannot review it.
    #[error(transparent)]
    Reviewer(#[from] ReviewerError),
    /// Sending for review names nobody.
    #[error("Choose at least one reviewer.")]
    NoReviewers,
    /// The deadline is refused.
    #[error("{0}")]
    Deadline(String),
    /// The comment is refused.
    #[error("{0}")]
    Comment(String),
    /// The pin is refused.
    #[error(transparent)]
    Pin(#[from] PinError),
    /// The page link's cursor is not one the server wrote.
    #[error("This page link is not valid. Start again from the first page.")]
    InvalidPageLink,
    /// A failure on the server's side.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// A comment as the form sent it (text checked by core).
#[derive(Debug, Clone)]
pub struct NewCommentForm {
    /// The proof.
    pub proof: ItemId,
    /// The version commented on.
    pub version: u32,
    /// The text.
    pub text: CommentText,
    /// The page it is pinned to.
    pub page: Option<u32>,
    /// The point on that page (thousandths), placed by a click.
    pub point: Option<(u16, u16)>,
    /// The comment it answers.
    pub reply_to: Option<entente_core::CommentId>,
}

/// Proofs and review (SPEC 3.2), as the server implements them. Every call takes the signed-in
/// `viewer`; the service reads the facts and asks `entente_core::proofs`.
pub trait ProofsService: Send + Sync + 'static {
    /// The proof page at `version` (the current one when `None`).
    fn page(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        version: Option<u32>,
    ) -> BoxFuture<'_, Result<ProofPage, ProofsError>>;

    /// Two versions of the proof side by side.
    fn compare(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        versions: (u32, u32),
    ) -> BoxFuture<'_, Result<ComparePage, ProofsError>>;

    /// The "Send for review" part of a file's page.
    fn send_form(
        &self,
        viewer: CurrentUser,
        file: ItemId,
    ) -> BoxFuture<'_, Result<SendForm, ProofsError>>;

    /// Sends `file` for review to `reviewers`.
    fn send(
        &self,
        viewer: CurrentUser,
        file: ItemId,
        reviewers: Vec<UserId>,
        deadline: Option<Timestamp>,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Names more reviewers.
    fn add_reviewers(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        reviewers: Vec<UserId>,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Removes a reviewer from the current version.
    fn remove_reviewer(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        reviewer: UserId,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Records the viewer's decision.
    fn decide(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        version: u32,
        decision: Decision,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Records a comment or a reply.
    fn comment(
        &self,
        viewer: CurrentUser,
        comment: NewCommentForm,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Resolves a comment (`resolved`) or opens it again.
    fn resolve(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        comment: entente_core::CommentId,
        resolved: bool,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Locks or unlocks the proof.
    fn lock(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        locked: bool,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// Sets or clears the deadline.
    fn set_deadline(
        &self,
        viewer: CurrentUser,
        proof: ItemId,
        deadline: Option<Timestamp>,
    ) -> BoxFuture<'_, Result<(), ProofsError>>;

    /// "My reviews".
    fn mine(&self, viewer: CurrentUser) -> BoxFuture<'_, Result<Vec<ProofRow>, ProofsError>>;

    /// The account's proofs.
    fn ours(
        &self,
        viewer: CurrentUser,
        status: Option<OverallStatus>,
        partner: Option<AccountId>,
        after: Option<String>,
    ) -> BoxFuture<'_, Result<OurProofsPage, ProofsError>>;
}
