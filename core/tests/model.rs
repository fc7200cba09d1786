//! Model test of the partnership state machine: long random sequences of sends, accepts,
//! rejects and deletes, checked step by step against an independent reference model.
//!
//! Size: `CASES` (256) random sequences × `STEPS` (50) transitions = 12,800 steps per run.

use std::collections::HashMap;

use entente_core::email::Email;
use entente_core::ids::{AccountId, PartnerRequestId, Timestamp, UserId};
use entente_core::partnership::{
    self, Action, ActionError, Actor, ContactSync, Effect, OutgoingEmail, PartnerRequest,
    RecipientLookup, RequestStatus, RowLabel, SendError,
};
use entente_core::profile::Profile;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use uuid::Uuid;

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

// ---------------------------------------------------------------------------------------------
// The reference model: plain data and plain rules, written from SPEC 4 without the crate.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ModelRequest {
    from: usize,
    sending_user: usize,
    to: usize,
    to_user: usize,
    status: Status,
    deleted_by_sender: bool,
    deleted_by_recipient: bool,
    archived: bool,
}

impl ModelRequest {
    fn gone(&self) -> bool {
        self.archived || (self.deleted_by_sender && self.deleted_by_recipient)
    }

    fn between(&self, a: usize, b: usize) -> bool {
        (self.from == a && self.to == b) || (self.from == b && self.to == a)
    }
}

/// What the model expects a step to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    NotAllowed,
    RecipientNotFound,
    OwnAccount,
    AlreadyPartners,
    IncomingPending,
    AlreadyInvited,
    Declined,
    NotFound,
    OnlyRecipient,
    AlreadyAccepted,
    AlreadyRejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    User { account: usize, user: usize },
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Send {
        account: usize,
        user: usize,
        target: Target,
    },
    Act {
        account: usize,
        user: usize,
        action: Action,
        request: usize,
    },
}

#[derive(Debug, Clone, Default)]
struct Model {
    requests: Vec<ModelRequest>,
    steps: i64,
    last: Option<Outcome>,
}

fn may_manage(account: usize, user: usize) -> bool {
    is_active(user)
        && matches!(
            profile_of(account, user),
            Profile::Administrator | Profile::BillingAdministrator
        )
}

impl Model {
    fn send(&mut self, account: usize, user: usize, target: Target) -> Outcome {
        if !may_manage(account, user) {
            return Outcome::NotAllowed;
        }
        let Target::User {
            account: to,
            user: to_user,
        } = target
        else {
            return Outcome::RecipientNotFound;
        };
        if !is_active(to_user) {
            return Outcome::RecipientNotFound;
        }
        if to == account {
            return Outcome::OwnAccount;
        }
        let live: Vec<&ModelRequest> = self.requests.iter().filter(|r| !r.gone()).collect();
        if live
            .iter()
            .any(|r| r.status == Status::Accepted && r.between(account, to))
        {
            return Outcome::AlreadyPartners;
        }
        if live
            .iter()
            .any(|r| r.status == Status::Pending && r.from == to && r.to == account)
        {
            return Outcome::IncomingPending;
        }
        if let Some(earlier) = live
            .iter()
            .find(|r| r.from == account && r.to == to && r.to_user == to_user)
        {
            return if earlier.status == Status::Pending {
                Outcome::AlreadyInvited
            } else {
                Outcome::Declined
            };
        }
        self.requests.push(ModelRequest {
            from: account,
            sending_user: user,
            to,
            to_user,
            status: Status::Pending,
            deleted_by_sender: false,
            deleted_by_recipient: false,
            archived: false,
        });
        Outcome::Done
    }

    fn act(&mut self, account: usize, user: usize, action: Action, index: usize) -> Outcome {
        if !may_manage(account, user) {
            return Outcome::NotAllowed;
        }
        let request = &self.requests[index];
        let is_sender = account == request.from;
        let is_recipient = account == request.to;
        let deleted_by_us = if is_sender {
            request.deleted_by_sender
        } else {
            request.deleted_by_recipient
        };
        if !(is_sender || is_recipient) || request.gone() || deleted_by_us {
            return Outcome::NotFound;
        }
        let (from, to) = (request.from, request.to);
        let status = request.status;
        match action {
            Action::Accept | Action::RejectAndIgnore if is_sender => Outcome::OnlyRecipient,
            Action::Accept | Action::RejectAndIgnore if status == Status::Accepted => {
                Outcome::AlreadyAccepted
            }
            Action::RejectAndIgnore if status == Status::Rejected => Outcome::AlreadyRejected,
            Action::RejectAndIgnore => {
                self.requests[index].status = Status::Rejected;
                Outcome::Done
            }
            Action::Accept => {
                for (other_index, other) in self.requests.iter_mut().enumerate() {
                    if other_index != index && other.between(from, to) && !other.gone() {
                        other.archived = true;
                    }
                }
                let accepted = &mut self.requests[index];
                accepted.status = Status::Accepted;
                accepted.deleted_by_sender = false;
                Outcome::Done
            }
            Action::Delete => {
                let request = &mut self.requests[index];
                if is_sender {
                    request.deleted_by_sender = true;
                    if status != Status::Rejected {
                        request.archived = true;
                    }
                } else {
                    request.deleted_by_recipient = true;
                    request.status = Status::Rejected;
                }
                Outcome::Done
            }
        }
    }
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(state: &Model) -> BoxedStrategy<Step> {
        // Mostly administrators, so that sequences go somewhere; the others must change nothing.
        let user = prop_oneof![3 => Just(0), 3 => Just(1), 1 => Just(2), 1 => Just(3)];
        let actor = (0..ACCOUNTS, user);
        let target = prop_oneof![
            9 => (0..ACCOUNTS, 0..USERS_PER_ACCOUNT).prop_map(|(account, user)| Target::User { account, user }),
            1 => Just(Target::Unknown),
        ];
        let send = (actor.clone(), target).prop_map(|((account, user), target)| Step::Send {
            account,
            user,
            target,
        });
        if state.requests.is_empty() {
            return send.boxed();
        }
        let action = prop_oneof![
            Just(Action::Accept),
            Just(Action::RejectAndIgnore),
            Just(Action::Delete)
        ];
        // Acting on a request of one's own account is the interesting case: bias towards it.
        let requests = state.requests.clone();
        let act = (actor, action, 0..requests.len(), any::<bool>()).prop_map(
            move |((account, user), action, request, own_side)| {
                let chosen = &requests[request];
                let account = match (own_side, account % 2) {
                    (true, 0) => chosen.from,
                    (true, _) => chosen.to,
                    (false, _) => account,
                };
                Step::Act {
                    account,
                    user,
                    action,
                    request,
                }
            },
        );
        // Sending again to an address already invited exercises the blocking rules.
        let requests = state.requests.clone();
        let resend = (0..requests.len(), 0..2_usize).prop_map(move |(request, user)| {
            let earlier = &requests[request];
            let target = Target::User {
                account: earlier.to,
                user: earlier.to_user,
            };
            Step::Send {
                account: earlier.from,
                user,
                target,
            }
        });
        prop_oneof![2 => send, 1 => resend, 4 => act].boxed()
    }

    fn preconditions(state: &Model, step: &Step) -> bool {
        match step {
            Step::Send { .. } => true,
            Step::Act { request, .. } => *request < state.requests.len(),
        }
    }

    fn apply(mut state: Model, step: &Step) -> Model {
        state.steps += 1;
        let outcome = match *step {
            Step::Send {
                account,
                user,
                target,
            } => state.send(account, user, target),
            Step::Act {
                account,
                user,
                action,
                request,
            } => state.act(account, user, action, request),
        };
        state.last = Some(outcome);
        state
    }
}

// ---------------------------------------------------------------------------------------------
// The system under test: the crate's functions over a list of stored requests.
// ---------------------------------------------------------------------------------------------

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
        matches_the_model(requests, model);
        at_most_one_partnership_per_pair(requests);
        archived_requests_show_nowhere_and_block_nothing(requests);
        rejected_addresses_stay_blocked_until_both_sides_delete(requests);
        the_two_sides_never_contradict_each_other(requests);
        every_action_is_allowed_iff_offered(requests);
    }
}

fn matches_the_model(requests: &[PartnerRequest], model: &Model) {
    assert_eq!(requests.len(), model.requests.len());
    for (index, (actual, expected)) in requests.iter().zip(&model.requests).enumerate() {
        let status = match expected.status {
            Status::Pending => RequestStatus::Pending,
            Status::Accepted => RequestStatus::Accepted,
            Status::Rejected => RequestStatus::Rejected,
        };
        assert_eq!(actual.id(), request_id(index));
        assert_eq!(actual.status(), status, "request {index}");
        assert_eq!(actual.is_archived(), expected.gone(), "request {index}");
        assert_eq!(
            actual.deleted_by_sender(),
            expected.deleted_by_sender,
            "request {index}"
        );
        assert_eq!(
            actual.deleted_by_recipient(),
            expected.deleted_by_recipient,
            "request {index}"
        );
        assert_eq!(actual.sender_account(), account_id(expected.from));
        assert_eq!(actual.recipient_account(), account_id(expected.to));
        assert_eq!(
            actual.sending_user(),
            user_id(expected.from, expected.sending_user)
        );
        assert_eq!(
            actual.recipient_email(),
            &email_of(expected.to, expected.to_user)
        );
    }
}

fn at_most_one_partnership_per_pair(requests: &[PartnerRequest]) {
    let mut partnerships: HashMap<(AccountId, AccountId), usize> = HashMap::new();
    for request in requests.iter().filter(|r| r.is_partnership()) {
        let (a, b) = (request.sender_account(), request.recipient_account());
        *partnerships.entry((a.min(b), a.max(b))).or_default() += 1;
    }
    assert!(
        partnerships.values().all(|&count| count == 1),
        "two partnerships: {partnerships:?}"
    );
}

fn archived_requests_show_nowhere_and_block_nothing(requests: &[PartnerRequest]) {
    let archived: Vec<PartnerRequest> = requests
        .iter()
        .filter(|r| r.is_archived())
        .cloned()
        .collect();
    for request in &archived {
        assert!(
            (0..ACCOUNTS).all(|account| partnership::view(request, account_id(account)).is_none())
        );
        let lookup = RecipientLookup::Found {
            account: request.recipient_account(),
            active: true,
        };
        let sender = Actor {
            account: request.sender_account(),
            ..admin(0)
        };
        let again = partnership::send(
            &sender,
            request.recipient_email(),
            lookup,
            &archived,
            request_id(999),
            Timestamp(0),
        );
        assert!(
            again.is_ok(),
            "archived requests blocked {request:?}: {again:?}"
        );
    }
}

fn rejected_addresses_stay_blocked_until_both_sides_delete(requests: &[PartnerRequest]) {
    for request in requests
        .iter()
        .filter(|r| r.status() == RequestStatus::Rejected && !r.is_archived())
    {
        let lookup = RecipientLookup::Found {
            account: request.recipient_account(),
            active: true,
        };
        let sender = Actor {
            account: request.sender_account(),
            ..admin(0)
        };
        let again = partnership::send(
            &sender,
            request.recipient_email(),
            lookup,
            requests,
            request_id(999),
            Timestamp(0),
        );
        assert!(
            matches!(
                again,
                Err(SendError::InvitationDeclined | SendError::IncomingRequestPending { .. })
            ),
            "a rejected address was not blocked: {again:?}"
        );
    }
}

/// Pending: both sides see it. Accepted: both see Partner. Rejected: each side sees Rejected or
/// has deleted it, and not both (that is archived). Nobody else sees anything.
fn the_two_sides_never_contradict_each_other(requests: &[PartnerRequest]) {
    for request in requests {
        let sender = partnership::view(request, request.sender_account()).map(|row| row.label);
        let recipient =
            partnership::view(request, request.recipient_account()).map(|row| row.label);
        use RowLabel::*;
        let consistent = match (sender, recipient) {
            (None, None) => request.is_archived(),
            (Some(SentAwaitingApproval), Some(ReceivedAwaitingYourApproval)) => true,
            (Some(Partner), Some(Partner)) => request.is_partnership(),
            (Some(Rejected) | None, Some(Rejected) | None) => !request.is_archived(),
            _ => false,
        };
        assert!(
            consistent,
            "sender sees {sender:?}, recipient sees {recipient:?}: {request:?}"
        );
        for account in (0..ACCOUNTS).map(account_id) {
            if request.side_of(account).is_none() {
                assert_eq!(partnership::view(request, account), None);
            }
        }
    }
}

fn every_action_is_allowed_iff_offered(requests: &[PartnerRequest]) {
    for request in requests {
        for account in [request.sender_account(), request.recipient_account()] {
            let who = Actor {
                account,
                ..admin(0)
            };
            let row = partnership::view(request, account);
            for action in Action::ALL {
                let result = partnership::perform(action, &who, request, requests, Timestamp(0));
                let offered = row.as_ref().is_some_and(|row| row.offers(action));
                assert_eq!(
                    result.is_ok(),
                    offered,
                    "{action:?} by {account} on {request:?}"
                );
            }
        }
    }
}

prop_state_machine! {
    #![proptest_config(Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    })]

    /// 256 cases × 50 steps = 12,800 random transitions, each checked against the model.
    #[test]
    fn partnership_rules_match_the_reference_model(sequential STEPS..=STEPS => PartnershipRules);
}
