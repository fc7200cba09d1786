//! The reference model: plain data and plain rules written from SPEC 4, without the crate's
//! transition functions, so that the two can be compared.

use entente_core::partnership::Action;
use entente_core::profile::Profile;
use proptest::prelude::*;
use proptest_state_machine::ReferenceStateMachine;

use crate::{ACCOUNTS, USERS_PER_ACCOUNT, is_active, profile_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModelRequest {
    pub(crate) from: usize,
    pub(crate) sending_user: usize,
    pub(crate) to: usize,
    pub(crate) to_user: usize,
    pub(crate) status: Status,
    pub(crate) deleted_by_sender: bool,
    pub(crate) deleted_by_recipient: bool,
    pub(crate) archived: bool,
}

impl ModelRequest {
    pub(crate) fn gone(&self) -> bool {
        self.archived || (self.deleted_by_sender && self.deleted_by_recipient)
    }

    fn between(&self, a: usize, b: usize) -> bool {
        (self.from == a && self.to == b) || (self.from == b && self.to == a)
    }
}

/// What the model expects a step to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Outcome {
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
pub(crate) enum Target {
    User { account: usize, user: usize },
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
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
pub(crate) struct Model {
    pub(crate) requests: Vec<ModelRequest>,
    pub(crate) steps: i64,
    pub(crate) last: Option<Outcome>,
}

pub(crate) fn may_manage(account: usize, user: usize) -> bool {
    is_active(user)
        && matches!(
            profile_of(account, user),
            Profile::Administrator | Profile::BillingAdministrator
        )
}

impl Model {
    pub(crate) fn send(&mut self, account: usize, user: usize, target: Target) -> Outcome {
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

    pub(crate) fn act(
        &mut self,
        account: usize,
        user: usize,
        action: Action,
        index: usize,
    ) -> Outcome {
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

pub(crate) struct Reference;

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
