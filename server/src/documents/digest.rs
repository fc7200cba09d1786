//! The daily digest: once a day, each person who chose it gets one email listing what
//! partners added to folders shared with them (issue 14's notifications).
//!
//! Every instance checks every few minutes whether a run is due (core's `digest::due`, from
//! the latest run recorded). A run reads the items created in its window one keyset page at
//! a time; for each page it reads, once each, the ancestries, the shares on them, the people
//! those shares may reach who chose the digest, the owners' partnerships and the memberships,
//! and asks core's `digest::in_digest` per item and person. It then claims the day (the
//! primary key of `digest_runs`) and enqueues the emails in one transaction: whichever
//! instance commits first sends the day's digest, another's claim finds the day taken and
//! rolls back, and a run that fails half-way leaves nothing, to be made again at the next
//! check. The outbox delivers each email once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use entente_core::documents::digest::{DIGEST_LISTED, DigestHour, DigestRun, due, in_digest};
use entente_core::documents::{DocumentViewer, ItemFacts, ShareFact, ShareRecipient, Standing};
use entente_core::partnership::PartnerRequest;
use entente_core::{AccountId, ItemId, Timestamp, UserId};
use tokio::sync::Notify;

use super::share_fact;
use super::sharing::in_trash;
use crate::mail::links::Links;
use crate::mail::templates::{self, DigestLine};
use crate::store::digest::{self, Recipient};
use crate::store::documents::{self, ItemRecord};
use crate::store::shares::{self, ShareListed};
use crate::store::{Store, StoreError, now, outbox, partner_requests};

/// How often each instance checks whether the day's digest is due.
pub const CHECK_PERIOD: Duration = Duration::from_secs(5 * 60);

/// How many new items one page of a run reads.
const PAGE: i64 = 500;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestOutcome {
    /// This instance made the day's run and enqueued this many emails.
    Sent {
        /// The run.
        run: DigestRun,
        /// How many digest emails went to the outbox.
        emails: usize,
    },
    /// Another instance committed the day's run first; nothing was written here.
    MadeElsewhere,
}

/// Checks every [`CHECK_PERIOD`] whether the digest is due at `hour` and makes it.
pub async fn run_periodically(
    store: Store,
    links: Links,
    mail_wake: Arc<Notify>,
    hour: DigestHour,
) {
    let mut interval = tokio::time::interval(CHECK_PERIOD);
    loop {
        interval.tick().await;
        match run_due(&store, &links, now(), hour).await {
            Ok(Some(DigestOutcome::Sent { run, emails })) => {
                tracing::info!(day = run.day, emails, "sent the daily digest");
                if emails > 0 {
                    mail_wake.notify_one();
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the daily digest failed; it runs again later"),
        }
    }
}

/// Makes the digest run due at `now`, if any.
pub async fn run_due(
    store: &Store,
    links: &Links,
    now: Timestamp,
    hour: DigestHour,
) -> Result<Option<DigestOutcome>, StoreError> {
    let Some(run) = due(now, hour, digest::last_until(store).await?) else {
        return Ok(None);
    };
    let mut digests: HashMap<UserId, PersonDigest> = HashMap::new();
    let mut after = None;
    loop {
        let page = digest::new_items(store, &run, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(*last);
        let items: Vec<ItemId> = page.iter().map(|(_, id)| *id).collect();
        collect_page(store, links, &items, &mut digests).await?;
        if page.len() < PAGE as usize {
            break;
        }
    }
    let mut emails = Vec::with_capacity(digests.len());
    let mut people: Vec<PersonDigest> = digests.into_values().collect();
    people.sort_by_key(|person| person.recipient.id);
    for person in &people {
        emails.push(templates::share_digest(
            person.recipient.email.as_str(),
            person.recipient.name.as_str(),
            &person.lines,
            person.total,
            links.shared_with_us(),
            links.digest_setting(),
        ));
    }
    let mut tx = store.begin_write().await?;
    if !digest::claim(&mut tx, &run, emails.len(), now).await? {
        tx.rollback().await?;
        return Ok(Some(DigestOutcome::MadeElsewhere));
    }
    for email in &emails {
        outbox::enqueue(&mut tx, email, now.0).await?;
    }
    tx.commit().await?;
    Ok(Some(DigestOutcome::Sent {
        run,
        emails: emails.len(),
    }))
}

/// One person's digest as it is gathered.
struct PersonDigest {
    recipient: Recipient,
    /// The first [`DIGEST_LISTED`] items.
    lines: Vec<DigestLine>,
    /// How many items in all.
    total: usize,
}

/// Adds to `digests` what the new `items` tell each person, reading every fact once for the
/// page.
async fn collect_page(
    store: &Store,
    links: &Links,
    items: &[ItemId],
    digests: &mut HashMap<UserId, PersonDigest>,
) -> Result<(), StoreError> {
    let chains = documents::ancestries(store, items).await?;
    let above: Vec<ItemId> = chains
        .values()
        .flatten()
        .map(|item| item.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let listed = shares::on_items(store, &above).await?;
    if listed.is_empty() {
        return Ok(());
    }
    let mut on: HashMap<ItemId, Vec<&ShareListed>> = HashMap::new();
    for share in &listed {
        on.entry(share.share.item_id).or_default().push(share);
    }
    let mut accounts = HashSet::new();
    let mut persons = HashSet::new();
    let mut owners = HashSet::new();
    for share in &listed {
        owners.insert(share.share.account_id);
        match share.share.recipient {
            ShareRecipient::Account(account) => accounts.insert(account),
            ShareRecipient::Person { user, .. } => persons.insert(user),
        };
    }
    let accounts: Vec<AccountId> = accounts.into_iter().collect();
    let persons: Vec<UserId> = persons.into_iter().collect();
    let owners: Vec<AccountId> = owners.into_iter().collect();
    let recipients = digest::recipients(store, &accounts, &persons).await?;
    if recipients.is_empty() {
        return Ok(());
    }
    let mut by_account: HashMap<AccountId, Vec<&Recipient>> = HashMap::new();
    for recipient in &recipients {
        by_account
            .entry(recipient.account_id)
            .or_default()
            .push(recipient);
    }
    let partnerships: HashSet<(AccountId, AccountId)> =
        partner_requests::accepted_involving(store, &owners)
            .await?
            .iter()
            .filter(|request| request.is_partnership())
            .flat_map(|request: &PartnerRequest| {
                let (a, b) = (request.sender_account(), request.recipient_account());
                [(a, b), (b, a)]
            })
            .collect();
    let users: Vec<UserId> = recipients.iter().map(|recipient| recipient.id).collect();
    let members = digest::memberships(store, &owners, &users).await?;
    for id in items {
        let Some(chain) = chains.get(id) else {
            continue;
        };
        let shares: Vec<&ShareListed> = chain
            .iter()
            .filter_map(|item| on.get(&item.id))
            .flatten()
            .copied()
            .collect();
        if shares.is_empty() {
            continue;
        }
        let item = &chain[0];
        let owner = item.account_id;
        let owner_name = shares[0].owner_name.to_string();
        let facts: Vec<ShareFact> = shares
            .iter()
            .map(|listed| share_fact(&listed.share))
            .collect();
        let reached: HashSet<AccountId> =
            facts.iter().map(|fact| fact.recipient.account()).collect();
        for recipient in reached
            .iter()
            .filter_map(|account| by_account.get(account))
            .flatten()
        {
            let viewer = DocumentViewer {
                account: recipient.account_id,
                user: recipient.id,
                profile: recipient.profile,
                active: true,
            };
            let item_facts = ItemFacts {
                shares: facts.clone(),
                standing: Standing {
                    partners_now: partnerships.contains(&(owner, recipient.account_id)),
                    member: members.contains(&(owner, recipient.id)),
                },
                ..ItemFacts::unshared(owner, item.created_by, in_trash(chain))
            };
            if !in_digest(&viewer, *id, &item_facts) {
                continue;
            }
            let person = digests.entry(recipient.id).or_insert_with(|| PersonDigest {
                recipient: (*recipient).clone(),
                lines: Vec::new(),
                total: 0,
            });
            person.total += 1;
            if person.lines.len() < DIGEST_LISTED {
                person.lines.push(line(links, chain, &owner_name));
            }
        }
    }
    Ok(())
}

/// The digest's line for the first item of `chain`.
fn line(links: &Links, chain: &[ItemRecord], owner: &str) -> DigestLine {
    let item = &chain[0];
    DigestLine {
        owner: owner.to_owned(),
        folder: chain
            .get(1)
            .map(|folder| folder.name.to_string())
            .unwrap_or_default(),
        name: item.name.to_string(),
        link: links.item(item.kind, item.id).to_string(),
    }
}
