//! Many administrators on both sides acting on the same pairs at once, and the history checked
//! afterwards against entente-core's rules (issue 12, Jepsen-style), on both engines.
//!
//! Four organizations with three Administrators each act in rounds: in every round all twelve
//! act at the same moment, each sending an invitation to another organization or taking an
//! action (offered or not) on a row of its Partners tab. Every answer is recorded. Afterwards:
//! - no answer was a failure on our side (5xx);
//! - the audit log is the history: every acknowledged change appears in it exactly once (by
//!   request, kind and side; sends by ordered pair), and nothing else does;
//! - each request's history is one core allows: sent once, answered at most once, deleted at
//!   most once per side, each deletion from a status the request had; its stored state is
//!   where that history leads;
//! - at most one request per pair is a partnership (core's `is_partnership`), and exactly the
//!   partnered pairs have each other's users as synced members in their contacts.
//!
//! `ENTENTE_SOAK_ROUNDS` sets the rounds (8 here; `cargo xtask soak` runs more).

use std::collections::BTreeMap;

use entente_app::api::partners::{ActOnPartnerRequest, ListPartners, SendPartnerRequest};
use entente_core::partnership::{
    Action, Actor as PartnerActor, PartnerRequest, RequestStatus, Side, StoredPartnerRequest,
    perform,
};
use entente_core::{AccountId, PartnerRequestId, Profile};
use entente_server::store::{Store, partner_requests};
use futures::future::join_all;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::engines::{fetch_count, fetch_texts};
use crate::support::fixtures::Organization;

/// A small deterministic generator (SplitMix64), so a failing run can be repeated.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One administrator's browser and the index of its organization.
struct Admin {
    org: usize,
    client: reqwest::Client,
}

/// What one administrator did in a round.
#[derive(Debug, Clone)]
enum Move {
    Send {
        from: usize,
        to: usize,
    },
    Act {
        org: usize,
        action: Action,
        request: PartnerRequestId,
    },
}

/// An acknowledged change, as the history must show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// An invitation from one account to another.
    Sent(AccountId, AccountId),
    /// An action on a request, by the account that took it.
    Acted(PartnerRequestId, &'static str, AccountId),
}

fn rounds() -> usize {
    std::env::var("ENTENTE_SOAK_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(8)
}

/// Picks what `admin` does: a third of the time an invitation, else an action on one of its
/// rows: mostly one the row offers, sometimes any of the three (offered or not).
async fn choose(app: &TestApp, admin: &Admin, orgs: usize, dice: &mut Dice) -> Move {
    let list = ListPartners {
        status: None,
        q: None,
        after: None,
    };
    let list = app
        .call(&admin.client, list)
        .await
        .expect("the Partners tab");
    if list.rows.is_empty() || dice.below(3) == 0 {
        let to = (admin.org + 1 + dice.below(orgs - 1)) % orgs;
        return Move::Send {
            from: admin.org,
            to,
        };
    }
    let row = &list.rows[dice.below(list.rows.len())];
    let offered = row
        .view_for(list.viewer)
        .map(|seen| seen.actions)
        .unwrap_or_default();
    let any = [Action::Accept, Action::RejectAndIgnore, Action::Delete];
    let action = if offered.is_empty() || dice.below(4) == 0 {
        any[dice.below(any.len())]
    } else {
        offered[dice.below(offered.len())]
    };
    Move::Act {
        org: admin.org,
        action,
        request: row.request.id(),
    }
}

/// Makes the move and returns the status it was answered with.
async fn play(app: &TestApp, admin: &Admin, orgs: &[Organization], play: &Move) -> StatusCode {
    let answer = match play {
        Move::Send { to, .. } => {
            let send = SendPartnerRequest {
                email: orgs[*to].admin_email.clone(),
            };
            app.call(&admin.client, send).await
        }
        Move::Act {
            action, request, ..
        } => {
            let act = ActOnPartnerRequest {
                action: action.as_str().to_owned(),
                request_id: request.to_string(),
            };
            app.call(&admin.client, act).await
        }
    };
    match answer {
        Ok(()) => StatusCode::OK,
        Err(refused) => refused.status,
    }
}

/// One stored request, as the check reads it.
struct Stored {
    sender: AccountId,
    recipient: AccountId,
}

async fn stored_requests(store: &Store) -> BTreeMap<String, Stored> {
    let rows = fetch_texts(
        store,
        "SELECT CAST(id AS TEXT) || ' ' || CAST(sender_account_id AS TEXT) || ' ' \
         || CAST(recipient_account_id AS TEXT) FROM partner_requests",
    )
    .await;
    rows.iter()
        .map(|row| {
            let fields: Vec<&str> = row.split(' ').collect();
            let stored = Stored {
                sender: fields[1].parse().expect("an account id"),
                recipient: fields[2].parse().expect("an account id"),
            };
            (fields[0].to_owned(), stored)
        })
        .collect()
}

/// The history: each partner entry of the audit log once (from the sender's log), as
/// `(request, action, side, status before)`.
async fn history(store: &Store) -> Vec<(String, String, String, String)> {
    let rows = fetch_texts(
        store,
        "SELECT CAST(a.partner_request_id AS TEXT) || ' ' || a.action || ' ' \
         || COALESCE(a.side, '-') || ' ' || COALESCE(a.status_before, '-') \
         FROM audit_log a JOIN partner_requests r ON r.id = a.partner_request_id \
         WHERE a.account_id = r.sender_account_id",
    )
    .await;
    rows.iter()
        .map(|row| {
            let fields: Vec<&str> = row.split(' ').collect();
            (
                fields[0].to_owned(),
                fields[1].to_owned(),
                fields[2].to_owned(),
                fields[3].to_owned(),
            )
        })
        .collect()
}

/// One entry of a request's history after its sending, as core's action and side.
#[derive(Debug, Clone, Copy)]
struct Step {
    action: Action,
    side: Side,
    /// For a deletion, the status its entry says the request had.
    before: Option<RequestStatus>,
}

impl Step {
    fn from_entry(kind: &str, side: &str, before: &str) -> Step {
        let status = |text: &str| match text {
            "pending" => Some(RequestStatus::Pending),
            "accepted" => Some(RequestStatus::Accepted),
            "rejected" => Some(RequestStatus::Rejected),
            _ => None,
        };
        let side = if side == "sender" {
            Side::Sender
        } else {
            Side::Recipient
        };
        match kind {
            "partner_request_accepted" => Step {
                action: Action::Accept,
                side: Side::Recipient,
                before: None,
            },
            "partner_request_rejected" => Step {
                action: Action::RejectAndIgnore,
                side: Side::Recipient,
                before: None,
            },
            "partner_request_deleted" => Step {
                action: Action::Delete,
                side,
                before: status(before),
            },
            other => panic!("an unknown history entry {other}"),
        }
    }
}

/// Every order of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for shorter in permutations(n - 1) {
        for at in 0..=shorter.len() {
            let mut order = shorter.clone();
            order.insert(at, n - 1);
            all.push(order);
        }
    }
    all
}

/// Whether some order of `steps`, performed by core from the invitation as it was sent,
/// succeeds at every step and ends where `stored` is (status and each side's deletion).
fn replays(stored: &PartnerRequest, steps: &[Step]) -> bool {
    let sent = PartnerRequest::restore(StoredPartnerRequest {
        id: stored.id(),
        sender_account: stored.sender_account(),
        sending_user: stored.sending_user(),
        recipient_email: stored.recipient_email().clone(),
        recipient_account: stored.recipient_account(),
        status: RequestStatus::Pending,
        deleted_by_sender: false,
        deleted_by_recipient: false,
        archived: false,
        created_at: stored.created_at(),
        updated_at: stored.created_at(),
    })
    .expect("a valid request");
    let actor = |side: Side| PartnerActor {
        account: stored.account_on(side),
        user: stored.sending_user(),
        profile: Profile::Administrator,
        active: true,
    };
    let orders = permutations(steps.len());
    orders.iter().any(|order| {
        let mut current = sent.clone();
        for step in order.iter().map(|&index| steps[index]) {
            if step.before.is_some_and(|before| before != current.status()) {
                return false;
            }
            match perform(
                step.action,
                &actor(step.side),
                &current,
                &[],
                stored.updated_at(),
            ) {
                Ok(decision) => current = decision.request,
                Err(_) => return false,
            }
        }
        current.status() == stored.status()
            && current.deleted_by_sender() == stored.deleted_by_sender()
            && current.deleted_by_recipient() == stored.deleted_by_recipient()
    })
}

both_engines! {
    async fn administrators_of_both_sides_acting_at_once_leave_a_history_core_allows_with_every_acknowledged_change_once(store: Store) {
        let app = spawn_app(store).await;
        let names = ["Acme Studio", "Globex Print", "Initech Labels", "Umbrella Packaging"];
        let mut orgs = Vec::new();
        let mut admins = Vec::new();
        for (index, name) in names.iter().enumerate() {
            let domain = name.split(' ').next().unwrap().to_lowercase();
            let org = app.sign_up(name, &format!("admin@{domain}.example")).await;
            for second in ["second", "third"] {
                let email = format!("{second}@{domain}.example");
                let client = app.invited_and_signed_in(&org.admin, &email, Profile::Administrator).await;
                admins.push(Admin { org: index, client });
            }
            admins.push(Admin { org: index, client: org.admin.clone() });
            orgs.push(org);
        }

        let mut dice = Dice(0x5EED_2026);
        let mut acknowledged: Vec<Change> = Vec::new();
        let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
        for _ in 0..rounds() {
            let mut moves = Vec::new();
            for admin in &admins {
                moves.push(choose(&app, admin, orgs.len(), &mut dice).await);
            }
            let played = join_all(admins.iter().zip(&moves).map(|(admin, chosen)| play(&app, admin, &orgs, chosen))).await;
            for (chosen, status) in moves.iter().zip(played) {
                assert!(!status.is_server_error(), "{chosen:?} answered {status}");
                *answers.entry(status.as_u16()).or_default() += 1;
                if !status.is_success() {
                    continue;
                }
                acknowledged.push(match chosen {
                    Move::Send { from, to } => Change::Sent(orgs[*from].account_id, orgs[*to].account_id),
                    Move::Act { org, action, request } => Change::Acted(*request, action.as_str(), orgs[*org].account_id),
                });
            }
        }

        // Every acknowledged change is in the history exactly once, and nothing else is.
        let stored = stored_requests(&app.store).await;
        let events = history(&app.store).await;
        let mut recorded: Vec<Change> = events
            .iter()
            .map(|(request, action, side, _)| {
                let row = &stored[request];
                let by = |side: &str| if side == "recipient" { row.recipient } else { row.sender };
                match action.as_str() {
                    "partner_request_sent" => Change::Sent(row.sender, row.recipient),
                    "partner_request_accepted" => Change::Acted(request.parse().unwrap(), "accept", row.recipient),
                    "partner_request_rejected" => Change::Acted(request.parse().unwrap(), "reject_and_ignore", row.recipient),
                    "partner_request_deleted" => Change::Acted(request.parse().unwrap(), "delete", by(side)),
                    other => panic!("an unknown history entry {other}"),
                }
            })
            .collect();
        recorded.sort();
        acknowledged.sort();
        assert_eq!(recorded, acknowledged, "the history is not the acknowledged changes");

        // Each request's history is one core allows, and leads to what is stored: some order of
        // its entries, replayed through core's own transitions from the invitation as sent,
        // is accepted step by step (each deletion from the status its entry names) and ends
        // in the stored status and deletions.
        for id in stored.keys() {
            let request = partner_requests::get(&app.store, id.parse().unwrap()).await.unwrap().unwrap();
            let mine: Vec<_> = events.iter().filter(|(request, ..)| request == id).collect();
            let sent = mine.iter().filter(|(_, kind, ..)| kind == "partner_request_sent").count();
            assert_eq!(sent, 1, "{id}: sent once");
            let steps: Vec<Step> = mine
                .iter()
                .filter(|(_, kind, ..)| kind != "partner_request_sent")
                .map(|(_, kind, side, before)| Step::from_entry(kind, side, before))
                .collect();
            assert!(replays(&request, &steps), "{id}: no order of {steps:?} is a history core allows ending in {request:?}");
        }

        // At most one partnership per pair (core decides what one is), and exactly the
        // partnered pairs see each other's users as synced members.
        for (a, first) in orgs.iter().enumerate() {
            for second in &orgs[a + 1..] {
                let mut partnerships = 0;
                for (id, row) in &stored {
                    let pair = [row.sender, row.recipient];
                    if !(pair.contains(&first.account_id) && pair.contains(&second.account_id)) {
                        continue;
                    }
                    let request = partner_requests::get(&app.store, id.parse().unwrap()).await.unwrap().unwrap();
                    partnerships += usize::from(request.is_partnership());
                }
                assert!(partnerships <= 1, "{} and {}: {partnerships} partnerships", first.name, second.name);
                for (owner, of) in [(first, second), (second, first)] {
                    let synced = fetch_count(
                        &app.store,
                        &format!(
                            "SELECT COUNT(*) FROM contacts WHERE account_id = '{}' AND partner_account_id = '{}' AND synced = TRUE",
                            owner.account_id, of.account_id
                        ),
                    )
                    .await;
                    let expected = if partnerships == 1 { 3 } else { 0 };
                    assert_eq!(synced, expected, "{}'s synced members of {}", owner.name, of.name);
                }
            }
        }
        // The figure for docs/reliability.md.
        println!(
            "partner history: {} rounds, {} moves, {} acknowledged, answers {answers:?}, {} requests, 0 violations",
            rounds(),
            rounds() * admins.len(),
            acknowledged.len(),
            stored.len()
        );
    }
}
