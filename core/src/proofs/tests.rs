use std::collections::BTreeMap;

use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::Profile;
use crate::ShareId;
use crate::documents::{ShareFact, ShareRecipient, ShareRole};

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

const OWNER: u128 = 1;
const PARTNER: u128 = 2;
const STRANGER: u128 = 3;

/// Users 10.. are the owner account's, 20.. the partner's, 30.. a stranger's.
fn viewer(n: u128, profile: Profile) -> DocumentViewer {
    let account = match n {
        10..=19 => account(OWNER),
        20..=29 => account(PARTNER),
        _ => account(STRANGER),
    };
    DocumentViewer {
        account,
        user: user(n),
        profile,
        active: true,
    }
}

/// A person share of the proof with `n` of the partner, as naming them makes it.
fn share_with(n: u128, role: ShareRole) -> ShareFact {
    ShareFact {
        id: ShareId::from_uuid(Uuid::from_u128(1000 + n)),
        on: crate::ItemId::from_uuid(Uuid::from_u128(500)),
        recipient: ShareRecipient::Person {
            account: account(PARTNER),
            user: user(n),
        },
        role,
        downloads: true,
    }
}

/// A proof made by user 11 (a Standard user) of the owner account, shared as `shares` say,
/// seen with `standing`.
fn proof(
    reviewers: &[u128],
    shares: Vec<ShareFact>,
    standing: Standing,
    locked: bool,
) -> ProofFacts {
    ProofFacts {
        item: ItemFacts {
            shares,
            standing,
            ..ItemFacts::unshared(account(OWNER), user(11), false)
        },
        reviewers: reviewers.iter().map(|n| user(*n)).collect(),
        locked,
        current_version: 2,
    }
}

const PARTNERS: Standing = Standing {
    partners_now: true,
    member: true,
};

/// The decisions of a version, and the status and reason they give.
type StatusCase = (Vec<(UserId, Decision)>, OverallStatus, Reason);

#[test]
fn the_overall_status_table() {
    use Decision::*;
    let (a, b, c) = (user(1), user(2), user(3));
    let table: Vec<StatusCase> = vec![
        (vec![], OverallStatus::Pending, Reason::NoReviewers),
        (
            vec![(a, Pending)],
            OverallStatus::Pending,
            Reason::Waiting(vec![a]),
        ),
        (
            vec![(a, ChangesRequired), (b, Pending), (c, Pending)],
            OverallStatus::Pending,
            Reason::Waiting(vec![b, c]),
        ),
        (
            vec![
                (a, Approved),
                (b, ChangesRequired),
                (c, ApprovedWithChanges),
            ],
            OverallStatus::ChangesRequired,
            Reason::SetBy(ChangesRequired, vec![b]),
        ),
        (
            vec![
                (a, ApprovedWithChanges),
                (b, Approved),
                (c, ApprovedWithChanges),
            ],
            OverallStatus::ApprovedWithChanges,
            Reason::SetBy(ApprovedWithChanges, vec![a, c]),
        ),
        (
            vec![(a, Approved), (b, NotRelevant)],
            OverallStatus::Approved,
            Reason::SetBy(Approved, vec![a]),
        ),
        (
            vec![(a, NotRelevant), (b, NotRelevant)],
            OverallStatus::NotRelevant,
            Reason::SetBy(NotRelevant, vec![a, b]),
        ),
    ];
    for (decisions, status, reason) in table {
        let found = overall(&decisions);
        assert_eq!(
            (found.status, &found.reason),
            (status, &reason),
            "{decisions:?}"
        );
        assert_eq!(status.is_final(), status != OverallStatus::Pending);
    }
}

#[test]
fn decisions_read_what_they_write_and_refuse_anything_else() {
    for decision in Decision::ALL {
        assert_eq!(decision.as_str().parse(), Ok(decision));
    }
    assert!(!Decision::CHOICES.contains(&Decision::Pending));
    assert_eq!("approve".parse::<Decision>(), Err(DecisionError));
}

#[test]
fn reviewers_are_own_users_or_members_of_a_current_partner() {
    let owner = account(OWNER);
    let candidate = |account_n: u128, active: bool, partners_now: bool, member: bool| Candidate {
        account: account(account_n),
        active,
        standing: Standing {
            partners_now,
            member,
        },
    };
    let table = [
        (
            "a user of the owner account",
            candidate(OWNER, true, false, false),
            Ok(()),
        ),
        (
            "a deactivated user of the owner account",
            candidate(OWNER, false, false, false),
            Err(ReviewerError::Inactive),
        ),
        (
            "a member of a current partner",
            candidate(PARTNER, true, true, true),
            Ok(()),
        ),
        (
            "a deactivated member",
            candidate(PARTNER, false, true, true),
            Err(ReviewerError::Inactive),
        ),
        (
            "a member of a former partner",
            candidate(PARTNER, true, false, true),
            Err(ReviewerError::NotPartners),
        ),
        (
            "a user of an unrelated account",
            candidate(STRANGER, true, false, false),
            Err(ReviewerError::Unknown),
        ),
        (
            "an inactive stranger learns nothing more",
            candidate(STRANGER, false, false, false),
            Err(ReviewerError::Unknown),
        ),
    ];
    for (case, candidate, expected) in table {
        assert_eq!(check_reviewer(owner, &candidate), expected, "{case}");
    }
}

#[test]
fn only_a_named_reviewer_decides_on_the_current_version_of_an_unlocked_proof() {
    let decide_now = ProofAction::Decide { version: 2 };
    let shared = vec![
        share_with(20, ShareRole::Reviewer),
        share_with(21, ShareRole::Reviewer),
    ];
    let named = [12, 13, 20];
    let facts = proof(&named, shared.clone(), PARTNERS, false);
    let table = [
        (
            "an own-account Administrator named as reviewer",
            viewer(12, Profile::Administrator),
            Ok(()),
        ),
        (
            "an own-account Reviewer profile named: sees the proof only because named",
            viewer(13, Profile::Reviewer),
            Ok(()),
        ),
        (
            "an own-account Reviewer profile not named sees nothing",
            viewer(14, Profile::Reviewer),
            Err(ProofError::NotFound),
        ),
        (
            "the sender, not named",
            viewer(11, Profile::Standard),
            Err(ProofError::NotAReviewer),
        ),
        (
            "a named partner member",
            viewer(20, Profile::Standard),
            Ok(()),
        ),
        (
            "a partner member it is shared with but not named",
            viewer(21, Profile::Standard),
            Err(ProofError::NotAReviewer),
        ),
        (
            "a partner member it is not shared with",
            viewer(22, Profile::Administrator),
            Err(ProofError::NotFound),
        ),
        (
            "a stranger",
            viewer(30, Profile::Administrator),
            Err(ProofError::NotFound),
        ),
    ];
    for (case, who, expected) in table {
        assert_eq!(decide_proof(&who, &facts, decide_now), expected, "{case}");
    }
    let reviewer = viewer(20, Profile::Standard);
    assert_eq!(
        decide_proof(&reviewer, &facts, ProofAction::Decide { version: 1 }),
        Err(ProofError::OldVersion)
    );
    let locked = proof(&named, shared.clone(), PARTNERS, true);
    assert_eq!(
        decide_proof(&reviewer, &locked, decide_now),
        Err(ProofError::Locked)
    );
    // After the partnership ends the share stays: the member then keeps reviewing.
    let former = Standing {
        partners_now: false,
        member: true,
    };
    assert_eq!(
        decide_proof(&reviewer, &proof(&named, shared, former, false), decide_now),
        Ok(())
    );
    let deactivated = DocumentViewer {
        active: false,
        ..viewer(13, Profile::Reviewer)
    };
    assert_eq!(
        decide_proof(&deactivated, &facts, decide_now),
        Err(ProofError::NotFound)
    );
}

#[test]
fn comments_need_a_reviewer_role_and_resolving_the_owner_side() {
    let shared = vec![
        share_with(20, ShareRole::Reviewer),
        share_with(21, ShareRole::Viewer),
    ];
    let facts = proof(&[20], shared, PARTNERS, false);
    let comment = ProofAction::Comment { version: 2 };
    let table = [
        (
            "the owner side comments",
            viewer(11, Profile::Standard),
            comment,
            Ok(()),
        ),
        (
            "a partner reviewer comments",
            viewer(20, Profile::Standard),
            comment,
            Ok(()),
        ),
        (
            "a partner viewer only reads",
            viewer(21, Profile::Standard),
            comment,
            Err(ProofError::NotAllowed),
        ),
        (
            "an earlier version keeps its comments as they were",
            viewer(20, Profile::Standard),
            ProofAction::Comment { version: 1 },
            Err(ProofError::OldVersion),
        ),
        (
            "the owner side resolves",
            viewer(12, Profile::Manager),
            ProofAction::Resolve,
            Ok(()),
        ),
        (
            "a reviewer does not resolve",
            viewer(20, Profile::Standard),
            ProofAction::Resolve,
            Err(ProofError::NotAllowed),
        ),
        (
            "a partner viewer sees the proof",
            viewer(21, Profile::Standard),
            ProofAction::View,
            Ok(()),
        ),
        (
            "a stranger finds nothing to comment on",
            viewer(30, Profile::Administrator),
            comment,
            Err(ProofError::NotFound),
        ),
    ];
    for (case, who, action, expected) in table {
        assert_eq!(decide_proof(&who, &facts, action), expected, "{case}");
    }
}

#[test]
fn locking_is_the_owner_sides_and_stops_decisions_comments_and_versions() {
    let shared = vec![share_with(20, ShareRole::Reviewer)];
    let open = proof(&[20, 12], shared.clone(), PARTNERS, false);
    let locked = proof(&[20, 12], shared, PARTNERS, true);
    let table = [
        (
            "an Administrator locks",
            viewer(12, Profile::Administrator),
            ProofAction::Lock,
            Ok(()),
        ),
        (
            "the Standard user who sent it locks",
            viewer(11, Profile::Standard),
            ProofAction::Lock,
            Ok(()),
        ),
        (
            "another Standard user does not",
            viewer(15, Profile::Standard),
            ProofAction::Lock,
            Err(ProofError::NotAllowed),
        ),
        (
            "a partner reviewer does not",
            viewer(20, Profile::Standard),
            ProofAction::Lock,
            Err(ProofError::NotAllowed),
        ),
        (
            "a partner reviewer names no reviewers",
            viewer(20, Profile::Administrator),
            ProofAction::ManageReviewers,
            Err(ProofError::NotAllowed),
        ),
        (
            "the owner side adds versions",
            viewer(15, Profile::Standard),
            ProofAction::NewVersion,
            Ok(()),
        ),
        (
            "a partner reviewer adds none",
            viewer(20, Profile::Standard),
            ProofAction::NewVersion,
            Err(ProofError::NotAllowed),
        ),
    ];
    for (case, who, action, expected) in table {
        assert_eq!(decide_proof(&who, &open, action), expected, "{case}");
    }
    let admin = viewer(12, Profile::Administrator);
    for action in [
        ProofAction::Decide { version: 2 },
        ProofAction::Comment { version: 2 },
        ProofAction::NewVersion,
    ] {
        assert_eq!(
            decide_proof(&admin, &locked, action),
            Err(ProofError::Locked),
            "{action:?}"
        );
    }
    assert_eq!(
        decide_proof(&admin, &locked, ProofAction::Lock),
        Ok(()),
        "unlocking"
    );
    assert_eq!(decide_proof(&admin, &locked, ProofAction::View), Ok(()));
}

#[test]
fn comment_texts_and_pins_are_checked() {
    assert_eq!(
        CommentText::parse("  Fix the logo\r\nplease  ")
            .unwrap()
            .as_str(),
        "Fix the logo\nplease"
    );
    assert_eq!(
        CommentText::parse("<script>alert(1)</script>")
            .unwrap()
            .as_str(),
        "<script>alert(1)</script>"
    );
    assert_eq!(CommentText::parse(" \n\t "), Err(CommentTextError::Empty));
    assert_eq!(
        CommentText::parse(&"é".repeat(COMMENT_MAX_CHARS))
            .map(|text| text.as_str().chars().count()),
        Ok(COMMENT_MAX_CHARS)
    );
    assert_eq!(
        CommentText::parse(&"é".repeat(COMMENT_MAX_CHARS + 1)),
        Err(CommentTextError::TooLong)
    );
    assert_eq!(
        CommentText::parse("a\u{0}b"),
        Err(CommentTextError::ControlCharacter)
    );
    assert_eq!(
        CommentText::parse("a\u{1b}[31mb"),
        Err(CommentTextError::ControlCharacter)
    );
    assert!(
        serde_json::from_str::<CommentText>("\"   \"").is_err(),
        "decoding checks too"
    );

    assert_eq!(
        Pin::new(2, 500, 1000, 3),
        Ok(Pin {
            page: 2,
            x: 500,
            y: 1000
        })
    );
    assert_eq!(
        Pin::new(1, 0, 0, 1),
        Ok(Pin {
            page: 1,
            x: 0,
            y: 0
        })
    );
    assert_eq!(Pin::new(4, 10, 10, 3), Err(PinError::NoSuchPage));
    assert_eq!(Pin::new(0, 10, 10, 3), Err(PinError::NoSuchPage));
    assert_eq!(Pin::new(1, 1001, 10, 3), Err(PinError::OutsideThePage));
    assert_eq!(Pin::new(1, 10, 1001, 3), Err(PinError::OutsideThePage));
}

#[test]
fn deadlines_remind_a_day_before_and_mark_overdue() {
    let deadline = crate::Timestamp(1_000_000);
    let at = |offset: i64| crate::Timestamp(deadline.0 + offset);
    assert_eq!(check_deadline(deadline, at(-1)), Ok(()));
    assert_eq!(check_deadline(deadline, at(0)), Err(DeadlineInThePast));
    assert!(
        !reminder_due(deadline, at(-REMINDER_BEFORE_SECS - 1), false),
        "too early"
    );
    assert!(reminder_due(deadline, at(-REMINDER_BEFORE_SECS), false));
    assert!(reminder_due(deadline, at(-1), false));
    assert!(!reminder_due(deadline, at(0), false), "the deadline passed");
    assert!(!reminder_due(deadline, at(-60), true), "locked");
    assert!(is_overdue(Some(deadline), at(0), OverallStatus::Pending));
    assert!(!is_overdue(Some(deadline), at(-1), OverallStatus::Pending));
    assert!(
        !is_overdue(Some(deadline), at(10), OverallStatus::Approved),
        "decided in time or not, it is done"
    );
    assert!(!is_overdue(None, at(10), OverallStatus::Pending));
}

/// What happens to a proof, in the model test.
#[derive(Debug, Clone)]
enum Op {
    Name(u128),
    Remove(u128),
    Decide(u128, Decision, bool),
    NewVersion,
    Lock,
    Unlock,
    EndPartnership,
}

fn op() -> impl Strategy<Value = Op> {
    // Own users 12 (Administrator) and 13 (Reviewer profile), partner members 20 and 21.
    let person = prop::sample::select(vec![12u128, 13, 20, 21]);
    let decision = prop::sample::select(Decision::CHOICES.to_vec());
    prop_oneof![
        3 => person.clone().prop_map(Op::Name),
        1 => person.clone().prop_map(Op::Remove),
        8 => (person, decision, prop::bool::weighted(0.2)).prop_map(|(p, d, old)| Op::Decide(p, d, old)),
        2 => Just(Op::NewVersion),
        1 => Just(Op::Lock),
        1 => Just(Op::Unlock),
        1 => Just(Op::EndPartnership),
    ]
}

/// The reference: the status by ranking, the reasons by filtering.
fn reference(decisions: &BTreeMap<u128, Decision>) -> (OverallStatus, Vec<u128>) {
    if decisions.is_empty() {
        return (OverallStatus::Pending, vec![]);
    }
    let rank = |decision: Decision| match decision {
        Decision::Pending => 5,
        Decision::ChangesRequired => 4,
        Decision::ApprovedWithChanges => 3,
        Decision::Approved => 2,
        Decision::NotRelevant => 1,
    };
    let top = decisions.values().map(|d| rank(*d)).max().unwrap();
    let status = match top {
        5 => OverallStatus::Pending,
        4 => OverallStatus::ChangesRequired,
        3 => OverallStatus::ApprovedWithChanges,
        2 => OverallStatus::Approved,
        _ => OverallStatus::NotRelevant,
    };
    let who = decisions
        .iter()
        .filter(|(_, d)| rank(**d) == top)
        .map(|(n, _)| *n)
        .collect();
    (status, who)
}

fn profile_of(n: u128) -> Profile {
    if n == 13 {
        Profile::Reviewer
    } else {
        Profile::Administrator
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random namings, removals, decisions (some on an older version), new versions, locks and
    /// the end of the partnership, against a reference model: who may decide, the current
    /// version's status and reason, and earlier versions kept as they were.
    #[test]
    fn the_review_follows_a_reference_model(ops in proptest::collection::vec(op(), 1..60)) {
        let admin = viewer(12, Profile::Administrator);
        let mut reviewers: Vec<u128> = Vec::new();
        let mut shared: Vec<u128> = Vec::new();
        let mut versions: Vec<BTreeMap<u128, Decision>> = vec![BTreeMap::new()];
        let mut frozen: Vec<BTreeMap<u128, Decision>> = Vec::new();
        let mut locked = false;
        let mut standing = PARTNERS;
        for op in ops {
            let facts = ProofFacts {
                item: ItemFacts {
                    shares: shared.iter().map(|n| share_with(*n, ShareRole::Reviewer)).collect(),
                    standing,
                    ..ItemFacts::unshared(account(OWNER), user(11), false)
                },
                reviewers: reviewers.iter().map(|n| user(*n)).collect(),
                locked,
                current_version: versions.len() as u32,
            };
            match op {
                Op::Name(n) => {
                    let own = n < 20;
                    let candidate = Candidate {
                        account: account(if own { OWNER } else { PARTNER }),
                        active: true,
                        standing: Standing { partners_now: standing.partners_now, member: !own },
                    };
                    let allowed = own || standing.partners_now;
                    let managed = decide_proof(&admin, &facts, ProofAction::ManageReviewers).is_ok();
                    prop_assert!(managed);
                    prop_assert_eq!(check_reviewer(account(OWNER), &candidate).is_ok(), allowed);
                    if allowed && !reviewers.contains(&n) {
                        reviewers.push(n);
                        versions.last_mut().unwrap().insert(n, Decision::Pending);
                        if !own && !shared.contains(&n) {
                            shared.push(n);
                        }
                    }
                }
                Op::Remove(n) => {
                    reviewers.retain(|r| *r != n);
                    versions.last_mut().unwrap().remove(&n);
                }
                Op::Decide(n, decision, old) => {
                    let version = if old { versions.len() as u32 - 1 } else { versions.len() as u32 };
                    let who = viewer(n, if n < 20 { profile_of(n) } else { Profile::Standard });
                    let expected = if !reviewers.contains(&n) {
                        // A partner member it was never shared with, or the Reviewer profile not
                        // named, sees nothing; the others see it but are not reviewers.
                        let sees = n == 12 || shared.contains(&n);
                        Err(if sees { ProofError::NotAReviewer } else { ProofError::NotFound })
                    } else if locked {
                        Err(ProofError::Locked)
                    } else if old {
                        Err(ProofError::OldVersion)
                    } else {
                        Ok(())
                    };
                    let found = decide_proof(&who, &facts, ProofAction::Decide { version });
                    prop_assert_eq!(found, expected);
                    if found.is_ok() {
                        versions.last_mut().unwrap().insert(n, decision);
                    }
                }
                Op::NewVersion => {
                    let found = decide_proof(&admin, &facts, ProofAction::NewVersion);
                    prop_assert_eq!(found, if locked { Err(ProofError::Locked) } else { Ok(()) });
                    if found.is_ok() {
                        frozen.push(versions.last().unwrap().clone());
                        let ids: Vec<UserId> = reviewers.iter().map(|n| user(*n)).collect();
                        let fresh = pending_for(&ids);
                        prop_assert!(fresh.iter().all(|(_, d)| *d == Decision::Pending));
                        versions.push(reviewers.iter().map(|n| (*n, Decision::Pending)).collect());
                    }
                }
                Op::Lock => {
                    prop_assert!(decide_proof(&admin, &facts, ProofAction::Lock).is_ok());
                    locked = true;
                }
                Op::Unlock => {
                    prop_assert!(decide_proof(&admin, &facts, ProofAction::Lock).is_ok());
                    locked = false;
                }
                Op::EndPartnership => standing.partners_now = false,
            }
            let current = versions.last().unwrap();
            let decisions: Vec<(UserId, Decision)> = current.iter().map(|(n, d)| (user(*n), *d)).collect();
            let found = overall(&decisions);
            let (status, who) = reference(current);
            prop_assert_eq!(found.status, status);
            let named: Vec<UserId> = match found.reason {
                Reason::NoReviewers => vec![],
                Reason::Waiting(users) => users,
                Reason::SetBy(decision, users) => {
                    prop_assert!(users.iter().all(|u| current.iter().any(|(n, d)| user(*n) == *u && *d == decision)));
                    users
                }
            };
            prop_assert_eq!(named, who.iter().map(|n| user(*n)).collect::<Vec<_>>());
            // Earlier versions keep their decisions as they were.
            prop_assert_eq!(&versions[..versions.len() - 1], &frozen[..]);
        }
    }
}

/// SPEC 3.2 (optional deadline): a deadline reads as the form sends it, in UTC, and anything
/// else is refused.
#[test]
fn deadlines_read_as_forms_send_them() {
    use super::{DeadlineFormat, parse_deadline};
    for (text, seconds) in [
        ("1970-01-01T00:00", 0),
        ("2000-02-29T00:00", 951_782_400),
        ("2026-11-18T11:06", 1_795_000_000 - 40),
        ("2026-11-18 11:06", 1_795_000_000 - 40),
        ("2026-11-18T11:06:40", 1_795_000_000 - 40),
        ("2026-11-18", 1_794_960_000 + 23 * 3_600 + 59 * 60),
        (" 2026-12-24T17:00 ", 1_798_131_600),
    ] {
        assert_eq!(parse_deadline(text), Ok(Timestamp(seconds)), "{text}");
    }
    for text in [
        "",
        "tomorrow",
        "2026-13-01",
        "2026-02-29",
        "2026-04-31",
        "2026-01-01T24:00",
        "2026-01-01T10:60",
        "2026-1-1x",
        "1969-12-31",
        "+2026-01-01",
        "2026-01-01T-1:00",
    ] {
        assert_eq!(parse_deadline(text), Err(DeadlineFormat), "{text}");
    }
}

/// A status reads back from the text it is stored and addressed as, and nothing else reads as
/// one (the lists' `?status=` filter and the stored `proofs.status`).
#[test]
fn statuses_read_back_from_their_stored_text() {
    use super::OverallStatus;
    for status in OverallStatus::ALL {
        assert_eq!(status.as_str().parse(), Ok(status), "{status:?}");
    }
    for text in ["", "Pending", "approved ", "changes-required", "final"] {
        assert_eq!(text.parse::<OverallStatus>(), Err(()), "{text}");
    }
}
