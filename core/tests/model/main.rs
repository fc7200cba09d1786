//! Model test of the partnership state machine: long random sequences of sends, accepts,
//! rejects and deletes, checked step by step against an independent reference model.
//!
//! Size: `CASES` (256) random sequences × `STEPS` (50) transitions = 12,800 steps per run.

mod invariants;
mod reference;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use entente_core::email::Email;
use entente_core::ids::{AccountId, PartnerRequestId, Timestamp, UserId};
use entente_core::partnership::{
    self, Action, ActionError, Actor, ContactSync, Effect, OutgoingEmail, PartnerRequest,
    RecipientLookup, RequestStatus, SendError,
};
use entente_core::profile::Profile;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use uuid::Uuid;

use reference::{Model, Outcome, Reference, Step, Target};

/// Random sequences per run.
const CASES: u32 = 256;
/// Transitions per sequence.
const STEPS: usize = 50;
const _: () = assert!(
    CASES as usize * STEPS >= 10_000,
    "the model must run at least 10,000 steps"
);

const ACCOUNTS: usize = 4;
/// Each account has these users: two administrators, one user who may not manage partners, and
/// one deactivated administrator. The non-admin profile differs per account.
const USERS_PER_ACCOUNT: usize = 4;

fn profile_of(account: usize, user: usize) -> Profile {
    match user {
        0 | 3 => Profile::Administrator,
        1 => Profile::BillingAdministrator,
        _ => [Profile::Manager, Profile::Standard, Profile::Reviewer][account % 3],
    }
}

fn is_active(user: usize) -> bool {
    user != 3
}

fn account_id(account: usize) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(0xA000 + account as u128))
}

fn user_id(account: usize, user: usize) -> UserId {
    UserId::from_uuid(Uuid::from_u128(0xB000 + (account * 16 + user) as u128))
}

fn request_id(index: usize) -> PartnerRequestId {
    PartnerRequestId::from_uuid(Uuid::from_u128(0xC000 + index as u128))
}

fn email_of(account: usize, user: usize) -> Email {
    // Mixed case on purpose: the crate must normalize.
    Email::parse(&format!(" User{user}@Account{account}.Example ")).expect("valid address")
}

fn actor(account: usize, user: usize) -> Actor {
    Actor {
        account: account_id(account),
        user: user_id(account, user),
        profile: profile_of(account, user),
        active: is_active(user),
    }
}

/// An active administrator of `account`.
fn admin(account: usize) -> Actor {
    actor(account, 0)
}

/// What each kind of step answered, over the whole run (shrinking included): proof that the
/// random sequences reach every rule, not only the easy ones.
static SEEN: Mutex<BTreeMap<(&'static str, Outcome), usize>> = Mutex::new(BTreeMap::new());

fn record(step: &'static str, outcome: Outcome) {
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *seen.entry((step, outcome)).or_default() += 1;
}

fn send_outcome(result: &Result<partnership::Decision, SendError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Done,
        Err(SendError::NotAllowed) => Outcome::NotAllowed,
        Err(SendError::RecipientNotFound) => Outcome::RecipientNotFound,
        Err(SendError::OwnAccount) => Outcome::OwnAccount,
        Err(SendError::AlreadyPartners) => Outcome::AlreadyPartners,
        Err(SendError::IncomingRequestPending { .. }) => Outcome::IncomingPending,
        Err(SendError::AlreadyInvited { .. }) => Outcome::AlreadyInvited,
        Err(SendError::InvitationDeclined) => Outcome::Declined,
        Err(error @ (SendError::TooManyInvitations { .. } | SendError::NotVerified)) => {
            panic!(
                "core's send checks neither the rate nor the sender's verification (the server asks core for both first): {error}"
            )
        }
    }
}

fn action_outcome(result: &Result<partnership::Decision, ActionError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Done,
        Err(ActionError::NotAllowed) => Outcome::NotAllowed,
        Err(ActionError::NotFound) => Outcome::NotFound,
        Err(ActionError::OnlyRecipientCanAnswer) => Outcome::OnlyRecipient,
        Err(ActionError::AlreadyAccepted) => Outcome::AlreadyAccepted,
        Err(ActionError::AlreadyRejected) => Outcome::AlreadyRejected,
        Err(ActionError::AlreadyPartners) => panic!("no rule leads to a second partnership"),
    }
}

struct PartnershipRules;

impl PartnershipRules {
    fn send(
        requests: &mut Vec<PartnerRequest>,
        model: &Model,
        account: usize,
        user: usize,
        target: Target,
    ) {
        let (email, lookup) = match target {
            Target::User {
                account: to,
                user: to_user,
            } => (
                email_of(to, to_user),
                RecipientLookup::Found {
                    account: account_id(to),
                    active: is_active(to_user),
                    verified: true,
                },
            ),
            Target::Unknown => (
                Email::parse("nobody@nowhere.example").expect("valid"),
                RecipientLookup::NotFound,
            ),
        };
        let now = Timestamp(model.steps);
        let result = partnership::send(
            &actor(account, user),
            &email,
            lookup,
            requests,
            request_id(requests.len()),
            now,
        );
        record("send", send_outcome(&result));
        assert_eq!(
            Some(send_outcome(&result)),
            model.last,
            "send {target:?} by {account}/{user}"
        );
        match result {
            Ok(decision) => {
                assert_eq!(
                    decision.effects[0],
                    Effect::Email(OutgoingEmail::Invitation { to: email })
                );
                assert!(decision.archived_others.is_empty());
                requests.push(decision.request);
            }
            Err(SendError::IncomingRequestPending { request }) => {
                let incoming = requests
                    .iter()
                    .find(|r| r.id() == request)
                    .expect("points to a request");
                assert_eq!(incoming.sender_account(), lookup_account(lookup));
                assert_eq!(incoming.status(), RequestStatus::Pending);
                assert!(!incoming.is_archived());
            }
            Err(_) => {}
        }
    }

    fn act(
        requests: &mut [PartnerRequest],
        model: &Model,
        account: usize,
        user: usize,
        action: Action,
        index: usize,
    ) {
        let who = actor(account, user);
        let request = requests[index].clone();
        let offered =
            partnership::view(&request, who.account).is_some_and(|row| row.offers(action));
        let result = partnership::perform(action, &who, &request, requests, Timestamp(model.steps));
        record(action.label(), action_outcome(&result));
        assert_eq!(
            Some(action_outcome(&result)),
            model.last,
            "{action:?} by {account}/{user} on {request:?}"
        );
        if who.can_manage_partners() {
            assert_eq!(
                result.is_ok(),
                offered,
                "allowed iff offered: {action:?} on {request:?}"
            );
        } else {
            assert_eq!(
                result,
                Err(ActionError::NotAllowed),
                "a non-admin never changes anything"
            );
        }
        let Ok(decision) = result else { return };
        let (a, b) = (request.sender_account(), request.recipient_account());
        let ended = request.is_partnership() && !decision.request.is_partnership();
        assert_eq!(
            decision
                .effects
                .contains(&Effect::Sync(ContactSync::Stop { a, b })),
            ended
        );
        let formed = !request.is_partnership() && decision.request.is_partnership();
        assert_eq!(
            decision
                .effects
                .contains(&Effect::Sync(ContactSync::Start { a, b })),
            formed
        );
        let emails: Vec<&Effect> = decision
            .effects
            .iter()
            .filter(|e| matches!(e, Effect::Email(_)))
            .collect();
        let to_user = request.sending_user();
        let expected_emails = match action {
            Action::Accept => vec![Effect::Email(OutgoingEmail::Acceptance { to_user })],
            Action::RejectAndIgnore => vec![Effect::Email(OutgoingEmail::Rejection { to_user })],
            Action::Delete => vec![],
        };
        assert_eq!(emails, expected_emails.iter().collect::<Vec<_>>());
        let positions: HashMap<PartnerRequestId, usize> = requests
            .iter()
            .enumerate()
            .map(|(position, r)| (r.id(), position))
            .collect();
        for other in decision.archived_others {
            assert!(other.is_archived());
            assert!(decision.effects.contains(&Effect::Archive {
                request: other.id()
            }));
            let position = positions[&other.id()];
            requests[position] = other;
        }
        requests[index] = decision.request;
    }
}

fn lookup_account(lookup: RecipientLookup) -> AccountId {
    match lookup {
        RecipientLookup::Found { account, .. } => account,
        RecipientLookup::NotFound => panic!("an unknown address has no account"),
    }
}

impl StateMachineTest for PartnershipRules {
    type SystemUnderTest = Vec<PartnerRequest>;
    type Reference = Reference;

    fn init_test(_model: &Model) -> Vec<PartnerRequest> {
        Vec::new()
    }

    fn apply(mut requests: Vec<PartnerRequest>, model: &Model, step: Step) -> Vec<PartnerRequest> {
        match step {
            Step::Send {
                account,
                user,
                target,
            } => Self::send(&mut requests, model, account, user, target),
            Step::Act {
                account,
                user,
                action,
                request,
            } => {
                Self::act(&mut requests, model, account, user, action, request);
            }
        }
        requests
    }

    fn check_invariants(requests: &Vec<PartnerRequest>, model: &Model) {
        invariants::matches_the_model(requests, model);
        invariants::at_most_one_partnership_per_pair(requests);
        invariants::archived_requests_show_nowhere_and_block_nothing(requests);
        invariants::rejected_addresses_stay_blocked_until_both_sides_delete(requests);
        invariants::the_two_sides_never_contradict_each_other(requests);
        invariants::every_action_is_allowed_iff_offered(requests);
    }
}

/// 256 cases × 50 steps = 12,800 random transitions, each checked against the model; then
/// every transition must have succeeded, and every refusal have happened, at least once.
#[test]
fn partnership_rules_match_the_reference_model() {
    let config = Config {
        cases: CASES,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config.clone());
    let outcome = runner.run(
        &Reference::sequential_strategy(STEPS..=STEPS),
        |(initial_state, transitions, seen_counter)| {
            PartnershipRules::test_sequential(
                config.clone(),
                initial_state,
                transitions,
                seen_counter,
            );
            Ok(())
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }

    let seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    eprintln!("outcomes over the run: {seen:?}");
    let expected = [
        ("send", Outcome::Done),
        ("send", Outcome::NotAllowed),
        ("send", Outcome::RecipientNotFound),
        ("send", Outcome::OwnAccount),
        ("send", Outcome::AlreadyPartners),
        ("send", Outcome::IncomingPending),
        ("send", Outcome::AlreadyInvited),
        ("send", Outcome::Declined),
        ("Accept", Outcome::Done),
        ("Accept", Outcome::NotFound),
        ("Accept", Outcome::OnlyRecipient),
        ("Accept", Outcome::AlreadyAccepted),
        ("Reject and ignore", Outcome::Done),
        ("Reject and ignore", Outcome::AlreadyRejected),
        ("Delete", Outcome::Done),
        ("Delete", Outcome::NotAllowed),
        ("Delete", Outcome::NotFound),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|key| !seen.contains_key(key))
        .collect();
    assert!(
        missing.is_empty(),
        "the random sequences never reached {missing:?}"
    );
}
