//! Proofs and review (SPEC 3.2): a file sent for review to named reviewers, one decision per
//! reviewer and version, the version's overall status with the reason for it, and who may
//! decide, comment, resolve, lock and add versions.
//!
//! | rule (SPEC 3.2) | where | proved by (`proofs::tests::…`) |
//! |---|---|---|
//! | reviewers are users of the owner account or members of a current partner | [`check_reviewer`] | `reviewers_are_own_users_or_members_of_a_current_partner` |
//! | one decision per reviewer and version: Pending until they decide, then Approved, Approved with changes, Changes required or Not relevant, changeable until locked | [`Decision`], [`decide_proof`] with [`ProofAction::Decide`] | `only_a_named_reviewer_decides_on_the_current_version_of_an_unlocked_proof`, `the_review_follows_a_reference_model` |
//! | overall status: Pending while anyone is; then Changes required, Approved with changes, Approved; all Not relevant is Not relevant; it says which decision sets it and who is pending | [`overall`] | `the_overall_status_table`, `the_review_follows_a_reference_model` |
//! | comments on a version by those who may review; the owner side resolves | [`ProofAction::Comment`], [`ProofAction::Resolve`] | `comments_need_a_reviewer_role_and_resolving_the_owner_side` |
//! | a new version resets every reviewer to Pending; earlier versions keep theirs | [`pending_for`] | `the_review_follows_a_reference_model` |
//! | the owner side locks: no more decisions or comments | [`ProofAction::Lock`] | `locking_is_the_owner_sides_and_stops_decisions_comments_and_versions` |
//! | comments: text (shown escaped), optionally pinned to a point of an image or a PDF page | [`CommentText`], [`Pin`] | `comment_texts_and_pins_are_checked` |
//! | a reminder a day before the deadline to reviewers still pending; overdue proofs marked | [`reminder_due`], [`is_overdue`], [`check_deadline`] | `deadlines_remind_a_day_before_and_mark_overdue` |
//!
//! Seeing a proof is seeing its file ([`role`], SPEC 3.3): naming a partner's member shares
//! the proof with them as Reviewer (the server makes the share), and a user of the owner
//! account named as reviewer sees it whatever their profile ([`proof_role`]). After a
//! partnership ends the share stays, so a former partner's reviewers keep their view, their
//! decisions and their comments; no proof can name that organization's people until the two
//! partner again ([`check_reviewer`]).

pub mod audit;

use serde::{Deserialize, Serialize};

use crate::documents::{DocumentAction, DocumentViewer, ItemFacts, Role, Standing, decide, role};
use crate::{AccountId, Timestamp, UserId};

/// A reviewer's decision on one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// Not decided yet.
    Pending,
    /// Approved as it is.
    Approved,
    /// Approved, with changes to make.
    ApprovedWithChanges,
    /// Not approved: changes are required.
    ChangesRequired,
    /// The reviewer has nothing to say about it.
    NotRelevant,
}

impl Decision {
    /// Every decision, Pending first.
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Approved,
        Self::ApprovedWithChanges,
        Self::ChangesRequired,
        Self::NotRelevant,
    ];

    /// The four a reviewer chooses from.
    pub const CHOICES: [Self; 4] = [
        Self::Approved,
        Self::ApprovedWithChanges,
        Self::ChangesRequired,
        Self::NotRelevant,
    ];

    /// As stored and sent by forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::ApprovedWithChanges => "approved_with_changes",
            Self::ChangesRequired => "changes_required",
            Self::NotRelevant => "not_relevant",
        }
    }

    /// As people read it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Approved => "Approved",
            Self::ApprovedWithChanges => "Approved with changes",
            Self::ChangesRequired => "Changes required",
            Self::NotRelevant => "Not relevant",
        }
    }
}

/// A decision that is none of the stored values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose Approved, Approved with changes, Changes required or Not relevant.")]
pub struct DecisionError;

impl std::str::FromStr for Decision {
    type Err = DecisionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|decision| decision.as_str() == text)
            .ok_or(DecisionError)
    }
}

/// A version's overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OverallStatus {
    /// Someone has not decided (or nobody is named yet).
    Pending,
    /// Someone requires changes.
    ChangesRequired,
    /// Nobody requires changes; someone approved with changes.
    ApprovedWithChanges,
    /// Everyone approved or found it not relevant, someone approved.
    Approved,
    /// Everyone found it not relevant.
    NotRelevant,
}

impl OverallStatus {
    /// Every status, Pending first.
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::ChangesRequired,
        Self::ApprovedWithChanges,
        Self::Approved,
        Self::NotRelevant,
    ];

    /// As stored and in addresses (`?status=`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::ChangesRequired => "changes_required",
            Self::ApprovedWithChanges => "approved_with_changes",
            Self::Approved => "approved",
            Self::NotRelevant => "not_relevant",
        }
    }

    /// As people read it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::ChangesRequired => "Changes required",
            Self::ApprovedWithChanges => "Approved with changes",
            Self::Approved => "Approved",
            Self::NotRelevant => "Not relevant",
        }
    }

    /// Whether every reviewer has decided (the sender is told when it becomes so).
    pub const fn is_final(self) -> bool {
        !matches!(self, Self::Pending)
    }
}

impl std::str::FromStr for OverallStatus {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(())
    }
}

/// Why a version has its overall status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// Nobody is named to review it.
    NoReviewers,
    /// These reviewers have not decided.
    Waiting(Vec<UserId>),
    /// Everyone decided; these reviewers' `decision` sets the status.
    SetBy(Decision, Vec<UserId>),
}

/// A version's overall status and its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overall {
    /// The status.
    pub status: OverallStatus,
    /// Why.
    pub reason: Reason,
}

/// The overall status of one version from each reviewer's decision on it (SPEC 3.2: any
/// pending keeps it pending; then changes required wins, then approved with changes, then
/// approved; all not relevant is not relevant), with the reviewers whose decision sets it or
/// who are pending, in the order given.
pub fn overall(decisions: &[(UserId, Decision)]) -> Overall {
    if decisions.is_empty() {
        return Overall {
            status: OverallStatus::Pending,
            reason: Reason::NoReviewers,
        };
    }
    let who = |wanted: Decision| -> Vec<UserId> {
        decisions
            .iter()
            .filter(|(_, decision)| *decision == wanted)
            .map(|(user, _)| *user)
            .collect()
    };
    let pending = who(Decision::Pending);
    if !pending.is_empty() {
        return Overall {
            status: OverallStatus::Pending,
            reason: Reason::Waiting(pending),
        };
    }
    for (decision, status) in [
        (Decision::ChangesRequired, OverallStatus::ChangesRequired),
        (
            Decision::ApprovedWithChanges,
            OverallStatus::ApprovedWithChanges,
        ),
        (Decision::Approved, OverallStatus::Approved),
        (Decision::NotRelevant, OverallStatus::NotRelevant),
    ] {
        let by = who(decision);
        if !by.is_empty() {
            return Overall {
                status,
                reason: Reason::SetBy(decision, by),
            };
        }
    }
    unreachable!("every decision is pending or one of the four choices")
}

/// Every reviewer's decision on a new version: Pending (SPEC 3.2).
pub fn pending_for(reviewers: &[UserId]) -> Vec<(UserId, Decision)> {
    reviewers
        .iter()
        .map(|reviewer| (*reviewer, Decision::Pending))
        .collect()
}

/// What is known about a proof, as a question about it needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofFacts {
    /// Its file's access facts (SPEC 3.3).
    pub item: ItemFacts,
    /// The named reviewers.
    pub reviewers: Vec<UserId>,
    /// Whether the owner side locked it.
    pub locked: bool,
    /// Its current version's number (1 for the first).
    pub current_version: u32,
}

/// What someone wants to do with a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofAction {
    /// See it, its versions, decisions and comments.
    View,
    /// Record or change their decision on `version`.
    Decide {
        /// The version decided on.
        version: u32,
    },
    /// Comment, or reply to a comment, on `version`.
    Comment {
        /// The version commented on.
        version: u32,
    },
    /// Mark a comment resolved, or open it again.
    Resolve,
    /// Lock or unlock it.
    Lock,
    /// Add a version.
    NewVersion,
    /// Name reviewers or remove them, change the deadline.
    ManageReviewers,
}

/// Why a proof action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ProofError {
    /// The viewer may not see the proof: it answers like a missing one.
    #[error("We could not find that. It may have been removed.")]
    NotFound,
    /// The viewer sees it but their role or profile does not allow this.
    #[error("Your role on this proof does not allow this.")]
    NotAllowed,
    /// Only named reviewers decide.
    #[error("Only the proof's reviewers decide on it.")]
    NotAReviewer,
    /// The owner side locked it.
    #[error("This proof is locked: no more decisions, comments or versions until it is unlocked.")]
    Locked,
    /// Decisions and comments go to the current version; earlier ones are kept as they were.
    #[error("A newer version exists: decide and comment on the current version.")]
    OldVersion,
}

/// The viewer's role on a proof: their role on its file, and Reviewer for a user of the
/// owner account named as reviewer whose profile would see nothing (a Reviewer profile).
pub fn proof_role(viewer: &DocumentViewer, proof: &ProofFacts) -> Role {
    let on_file = role(viewer, &proof.item);
    let named_here = viewer.active
        && viewer.account == proof.item.account
        && proof.reviewers.contains(&viewer.user);
    match on_file {
        Role::None if named_here => Role::Reviewer { downloads: true },
        other => other,
    }
}

/// Decides whether `viewer` may do `action` with `proof` (SPEC 3.2 and 3.3).
pub fn decide_proof(
    viewer: &DocumentViewer,
    proof: &ProofFacts,
    action: ProofAction,
) -> Result<(), ProofError> {
    let role = proof_role(viewer, proof);
    if role == Role::None {
        return Err(ProofError::NotFound);
    }
    let owner_side = role == Role::OwnerSide;
    let current = |version: u32| {
        if version == proof.current_version {
            Ok(())
        } else {
            Err(ProofError::OldVersion)
        }
    };
    let unlocked = || {
        if proof.locked {
            Err(ProofError::Locked)
        } else {
            Ok(())
        }
    };
    match action {
        ProofAction::View => Ok(()),
        ProofAction::Decide { version } => {
            if !proof.reviewers.contains(&viewer.user) {
                return Err(ProofError::NotAReviewer);
            }
            unlocked()?;
            current(version)
        }
        ProofAction::Comment { version } => {
            let may_comment = owner_side
                || matches!(role, Role::Reviewer { .. })
                || proof.reviewers.contains(&viewer.user);
            if !may_comment {
                return Err(ProofError::NotAllowed);
            }
            unlocked()?;
            current(version)
        }
        ProofAction::Resolve => owner_side.then_some(()).ok_or(ProofError::NotAllowed),
        ProofAction::Lock | ProofAction::ManageReviewers => {
            decide(viewer, &proof.item, DocumentAction::Share).map_err(|_| ProofError::NotAllowed)
        }
        ProofAction::NewVersion => {
            decide(viewer, &proof.item, DocumentAction::UploadVersion)
                .map_err(|_| ProofError::NotAllowed)?;
            unlocked()
        }
    }
}

/// Someone the owner side wants to name as reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Their account.
    pub account: AccountId,
    /// Whether the user is active.
    pub active: bool,
    /// Their standing with the proof's owner account (a member of a partner's account).
    pub standing: Standing,
}

/// Why someone cannot be named as reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ReviewerError {
    /// A deactivated user.
    #[error("This person's account is deactivated.")]
    Inactive,
    /// A member of a former partner: not until the two partner again.
    #[error(
        "You are not partners with this person's organization now: name its people again once \
         you partner again."
    )]
    NotPartners,
    /// Neither a user of the owner account nor a member of a partner.
    #[error("Choose a user of your organization or a member of a partner organization.")]
    Unknown,
}

/// Whether `candidate` may be named as a reviewer of a proof of `owner` (SPEC 3.2: users of
/// the owner account or members of a current partner).
pub fn check_reviewer(owner: AccountId, candidate: &Candidate) -> Result<(), ReviewerError> {
    let known = candidate.account == owner || candidate.standing.member;
    if !known {
        return Err(ReviewerError::Unknown);
    }
    if !candidate.active {
        return Err(ReviewerError::Inactive);
    }
    if candidate.account != owner && !candidate.standing.partners_now {
        return Err(ReviewerError::NotPartners);
    }
    Ok(())
}

/// The longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 5_000;

/// A comment's text: trimmed, 1 to [`COMMENT_MAX_CHARS`] characters, no control characters but
/// line breaks and tabs (it is shown escaped on pages and in emails, never as markup).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentText(String);

/// Why a comment's text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CommentTextError {
    /// Nothing but spaces.
    #[error("Write a comment.")]
    Empty,
    /// Too long.
    #[error("A comment has at most 5,000 characters.")]
    TooLong,
    /// A control character other than a line break or a tab.
    #[error("A comment cannot contain control characters.")]
    ControlCharacter,
}

impl CommentText {
    /// Checks `text` as a comment (line breaks as typed, `\r\n` read as `\n`).
    pub fn parse(text: &str) -> Result<Self, CommentTextError> {
        let text = text.replace("\r\n", "\n");
        let text = text.trim();
        if text.is_empty() {
            return Err(CommentTextError::Empty);
        }
        if text.chars().count() > COMMENT_MAX_CHARS {
            return Err(CommentTextError::TooLong);
        }
        if text
            .chars()
            .any(|character| character.is_control() && character != '\n' && character != '\t')
        {
            return Err(CommentTextError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommentText {
    type Error = CommentTextError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<CommentText> for String {
    fn from(text: CommentText) -> Self {
        text.0
    }
}

/// Where a comment is pinned: a point of an image (page 1) or of a PDF page, as thousandths
/// of the page's width and height from its top left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pin {
    /// The page, from 1.
    pub page: u32,
    /// Thousandths of the width, 0 to 1000.
    pub x: u16,
    /// Thousandths of the height, 0 to 1000.
    pub y: u16,
}

/// Why a pin is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PinError {
    /// No such page in this version.
    #[error("This version has no such page.")]
    NoSuchPage,
    /// Outside the page.
    #[error("Place the pin on the page.")]
    OutsideThePage,
}

impl Pin {
    /// A pin on `page` at (`x`, `y`) thousandths, for a version of `pages` pages.
    pub fn new(page: u32, x: u16, y: u16, pages: u32) -> Result<Self, PinError> {
        if page == 0 || page > pages {
            return Err(PinError::NoSuchPage);
        }
        if x > 1000 || y > 1000 {
            return Err(PinError::OutsideThePage);
        }
        Ok(Self { page, x, y })
    }
}

/// Why a deadline is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("Choose a deadline in the future.")]
pub struct DeadlineInThePast;

/// A new deadline must be in the future.
pub fn check_deadline(deadline: Timestamp, now: Timestamp) -> Result<(), DeadlineInThePast> {
    if deadline > now {
        Ok(())
    } else {
        Err(DeadlineInThePast)
    }
}

/// Why a deadline's text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("Give the deadline as a date and time, like 2026-12-24 17:00 (UTC).")]
pub struct DeadlineFormat;

/// Reads a deadline as a form sends it (`YYYY-MM-DDTHH:MM` from a date-time field, or
/// `YYYY-MM-DD HH:MM`, in UTC; a date alone is the end of that day, 23:59).
pub fn parse_deadline(text: &str) -> Result<Timestamp, DeadlineFormat> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, time.trim_end_matches('Z').trim_end_matches(" UTC")),
        None => (text, "23:59"),
    };
    let numbers = |part: &str, separator: char, count: usize| -> Option<Vec<i64>> {
        let fields: Vec<&str> = part.split(separator).collect();
        (fields.len() == count
            && fields
                .iter()
                .all(|field| !field.is_empty() && field.bytes().all(|b| b.is_ascii_digit())))
        .then(|| {
            fields
                .iter()
                .filter_map(|field| field.parse().ok())
                .collect()
        })
    };
    let date = numbers(date, '-', 3).ok_or(DeadlineFormat)?;
    let time = numbers(time, ':', 2)
        .or_else(|| {
            numbers(time, ':', 3).map(|mut parts| {
                parts.truncate(2);
                parts
            })
        })
        .ok_or(DeadlineFormat)?;
    let (year, month, day) = (date[0], date[1], date[2]);
    let (hour, minute) = (time[0], time[1]);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= month_days[usize::try_from(month - 1).unwrap_or(0)]
        && hour < 24
        && minute < 60;
    if !valid {
        return Err(DeadlineFormat);
    }
    // Days from civil (H. Hinnant), the inverse of the pages' date formatting.
    let year_of_march = if month <= 2 { year - 1 } else { year };
    let era = year_of_march.div_euclid(400);
    let year_of_era = year_of_march - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Ok(Timestamp(days * 86_400 + hour * 3_600 + minute * 60))
}

/// How long before the deadline pending reviewers are reminded (SPEC 3.2: a day).
pub const REMINDER_BEFORE_SECS: i64 = 86_400;

/// Whether the deadline reminder is due at `now` for a proof with `deadline` whose reminder
/// has not been sent (sent once; none for a deadline already passed or a locked proof).
pub fn reminder_due(deadline: Timestamp, now: Timestamp, locked: bool) -> bool {
    !locked && now.0 >= deadline.0 - REMINDER_BEFORE_SECS && now < deadline
}

/// Whether a proof is overdue at `now`: its deadline passed and its current version is
/// still pending.
pub fn is_overdue(deadline: Option<Timestamp>, now: Timestamp, status: OverallStatus) -> bool {
    deadline.is_some_and(|deadline| now >= deadline) && status == OverallStatus::Pending
}

#[cfg(test)]
mod tests;
