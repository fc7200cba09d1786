//! The sharing rules (SPEC 3.3): a table for making and revoking shares, and a model test that
//! runs random shares, revokes, moves, trash and restore, partnerships starting and ending and
//! users joining against a reference written from the spec's sentences.

use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::documents::access::{Role, ShareFact, ShareRole, Standing, role};
use crate::documents::check_folder_move;
use crate::documents::tree::FolderPlace;
use crate::ids::{AccountId, ItemId, ShareId, UserId};
use crate::profile::Profile;

const OWNER: AccountId = AccountId::from_uuid(Uuid::from_u128(1));
const PARTNER: AccountId = AccountId::from_uuid(Uuid::from_u128(2));
const STRANGER: AccountId = AccountId::from_uuid(Uuid::from_u128(3));
const ME: UserId = UserId::from_uuid(Uuid::from_u128(10));
const COLLEAGUE: UserId = UserId::from_uuid(Uuid::from_u128(11));
const THEM: UserId = UserId::from_uuid(Uuid::from_u128(12));

fn owner_side(profile: Profile) -> DocumentViewer {
    DocumentViewer {
        account: OWNER,
        user: ME,
        profile,
        active: true,
    }
}

fn new_share(recipient: ShareRecipient, partners_now: bool, recipient_active: bool) -> NewShare {
    NewShare {
        recipient,
        partners_now,
        recipient_active,
    }
}

#[test]
fn making_a_share_needs_a_profile_that_may_share_a_live_item_and_a_current_partner() {
    let mine = ItemFacts::unshared(OWNER, ME, false);
    let theirs = ItemFacts::unshared(OWNER, COLLEAGUE, false);
    let trashed = ItemFacts::unshared(OWNER, ME, true);
    let whole = ShareRecipient::Account(PARTNER);
    let person = ShareRecipient::Person {
        account: PARTNER,
        user: THEM,
    };
    let partnered = new_share(whole, true, true);
    let admin = owner_side(Profile::Administrator);
    // Who may share (SPEC 3.3): Administrators, Billing Administrators and Managers any item;
    // Standard users what they created; Reviewers never (they do not even see it).
    for (profile, item, expected) in [
        (Profile::Administrator, &theirs, Ok(())),
        (Profile::BillingAdministrator, &theirs, Ok(())),
        (Profile::Manager, &theirs, Ok(())),
        (Profile::Standard, &mine, Ok(())),
        (
            Profile::Standard,
            &theirs,
            Err(ShareError::Access(AccessError::NotAllowed)),
        ),
        (
            Profile::Reviewer,
            &mine,
            Err(ShareError::Access(AccessError::NotFound)),
        ),
    ] {
        assert_eq!(
            check_new_share(&owner_side(profile), item, false, &partnered),
            expected,
            "{profile:?}"
        );
    }
    // New shares need a current partnership; a person must be active.
    assert_eq!(
        check_new_share(&admin, &mine, false, &new_share(whole, false, true)),
        Err(ShareError::NotPartners)
    );
    assert_eq!(
        check_new_share(&admin, &mine, false, &new_share(person, false, true)),
        Err(ShareError::NotPartners)
    );
    assert_eq!(
        check_new_share(&admin, &mine, false, &new_share(person, true, false)),
        Err(ShareError::InactivePerson)
    );
    assert_eq!(
        check_new_share(&admin, &mine, false, &new_share(person, true, true)),
        Ok(())
    );
    // Never the root, the own account, or an item in the trash.
    assert_eq!(
        check_new_share(&admin, &mine, true, &partnered),
        Err(ShareError::Root)
    );
    assert_eq!(
        check_new_share(
            &admin,
            &mine,
            false,
            &new_share(ShareRecipient::Account(OWNER), true, true)
        ),
        Err(ShareError::OwnAccount)
    );
    assert_eq!(
        check_new_share(&admin, &trashed, false, &partnered),
        Err(ShareError::Access(AccessError::InTrash))
    );
}

#[test]
fn recipients_never_re_share_and_strangers_find_nothing() {
    let shared = ItemFacts {
        shares: vec![ShareFact {
            id: ShareId::from_uuid(Uuid::from_u128(40)),
            on: ItemId::from_uuid(Uuid::from_u128(41)),
            recipient: ShareRecipient::Account(PARTNER),
            role: ShareRole::Reviewer,
            downloads: true,
        }],
        standing: Standing {
            partners_now: true,
            member: true,
        },
        ..ItemFacts::unshared(OWNER, ME, false)
    };
    let onward = new_share(ShareRecipient::Account(STRANGER), true, true);
    for profile in Profile::ALL {
        let recipient = DocumentViewer {
            account: PARTNER,
            user: THEM,
            profile,
            active: true,
        };
        assert_eq!(
            check_new_share(&recipient, &shared, false, &onward),
            Err(ShareError::Access(AccessError::NotAllowed))
        );
        assert_eq!(
            check_revoke(&recipient, &shared),
            Err(AccessError::NotAllowed)
        );
        let stranger = DocumentViewer {
            account: STRANGER,
            ..recipient
        };
        assert_eq!(
            check_new_share(&stranger, &shared, false, &onward),
            Err(ShareError::Access(AccessError::NotFound))
        );
        assert_eq!(check_revoke(&stranger, &shared), Err(AccessError::NotFound));
    }
}

#[test]
fn revoking_works_after_the_partnership_ended_and_in_the_trash() {
    let ended_and_trashed = ItemFacts::unshared(OWNER, ME, true);
    assert_eq!(
        check_revoke(&owner_side(Profile::Standard), &ended_and_trashed),
        Ok(())
    );
    assert_eq!(
        check_revoke(
            &owner_side(Profile::Standard),
            &ItemFacts::unshared(OWNER, COLLEAGUE, false)
        ),
        Err(AccessError::NotAllowed)
    );
}

// --- The model test -------------------------------------------------------------------------

/// How many items the owner's tree has besides its root (item 0); odd items are folders.
const ITEMS: usize = 7;

fn item_id(n: usize) -> ItemId {
    ItemId::from_uuid(Uuid::from_u128(100 + n as u128))
}

fn is_folder(n: usize) -> bool {
    n == 0 || n % 2 == 1
}

/// Someone a share can be made with.
#[derive(Debug, Clone, Copy)]
enum To {
    /// The partner account as a whole.
    Partner,
    /// The partner's user number `n` (if it exists).
    Person(usize),
    /// An account that never partners.
    Stranger,
}

#[derive(Debug, Clone)]
enum Op {
    Share {
        item: usize,
        to: To,
        reviewer: bool,
        downloads: bool,
    },
    Revoke(usize),
    Move {
        item: usize,
        into: usize,
    },
    Trash(usize),
    Restore(usize),
    Partner,
    EndPartnership,
    AddPartnerUser,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..=ITEMS, prop_oneof![Just(To::Partner), (0..6_usize).prop_map(To::Person), Just(To::Stranger)], any::<bool>(), any::<bool>())
            .prop_map(|(item, to, reviewer, downloads)| Op::Share { item, to, reviewer, downloads }),
        2 => (0..8_usize).prop_map(Op::Revoke),
        3 => (1..=ITEMS, 0..=ITEMS).prop_map(|(item, into)| Op::Move { item, into }),
        1 => (1..=ITEMS).prop_map(Op::Trash),
        1 => (1..=ITEMS).prop_map(Op::Restore),
        2 => Just(Op::Partner),
        2 => Just(Op::EndPartnership),
        2 => Just(Op::AddPartnerUser),
    ]
}

/// One share as the reference keeps it.
#[derive(Debug, Clone)]
struct ModelShare {
    id: ShareId,
    item: usize,
    /// `None`: the partner account as a whole; `Some(n)`: its user `n`.
    person: Option<usize>,
    role: ShareRole,
    downloads: bool,
}

/// The world both sides see: the owner's tree, the partner's users, the shares.
#[derive(Debug, Clone)]
struct World {
    /// Each item's parent (the root has none); the tree starts flat under the root.
    parent: Vec<Option<usize>>,
    trashed: Vec<bool>,
    /// The partner's users, by when they joined (step number).
    joined: Vec<usize>,
    partners: bool,
    /// The step of the last time the partnership ended.
    last_end: Option<usize>,
    /// What the server keeps (SPEC 2's contacts): which partner users are members in the
    /// owner's contacts, added on partnering and on joining while partners, kept at the end.
    members: Vec<bool>,
    shares: Vec<ModelShare>,
    next_share: u128,
}

impl World {
    fn new() -> Self {
        let mut parent = vec![None];
        parent.extend((1..=ITEMS).map(|n| Some(if n > 2 && n % 2 == 0 { 1 } else { 0 })));
        Self {
            parent,
            trashed: vec![false; ITEMS + 1],
            joined: vec![0, 0],
            partners: false,
            last_end: None,
            members: vec![false, false],
            shares: Vec::new(),
            next_share: 1,
        }
    }

    /// The item and the folders above it, the item first.
    fn chain(&self, item: usize) -> Vec<usize> {
        let mut chain = vec![item];
        while let Some(parent) = self.parent[*chain.last().unwrap()] {
            chain.push(parent);
        }
        chain
    }

    fn partner_user(n: usize) -> UserId {
        UserId::from_uuid(Uuid::from_u128(1000 + n as u128))
    }

    fn recipient(share: &ModelShare) -> ShareRecipient {
        match share.person {
            None => ShareRecipient::Account(PARTNER),
            Some(n) => ShareRecipient::Person {
                account: PARTNER,
                user: Self::partner_user(n),
            },
        }
    }

    /// The facts the server reads for `item` and the partner's user `user`.
    fn facts(&self, item: usize, user: usize) -> ItemFacts {
        let chain = self.chain(item);
        ItemFacts {
            account: OWNER,
            created_by: ME,
            in_trash: chain.iter().any(|&n| self.trashed[n]),
            shares: self
                .shares
                .iter()
                .filter(|share| chain.contains(&share.item))
                .map(|share| ShareFact {
                    id: share.id,
                    on: item_id(share.item),
                    recipient: Self::recipient(share),
                    role: share.role,
                    downloads: share.downloads,
                })
                .collect(),
            standing: Standing {
                partners_now: self.partners,
                member: self.members[user],
            },
        }
    }

    /// The reference: SPEC 3.3's sentences, one by one, over the model's own records.
    fn expected_role(&self, item: usize, user: usize) -> Role {
        let chain = self.chain(item);
        // "shares of an item in the trash give no access" (3.1), the item's or a folder's.
        if chain.iter().any(|&n| self.trashed[n]) {
            return Role::None;
        }
        // "A share with the former partner's account then covers exactly the people who were
        // members when it ended": while partners, every user; after, those who had joined
        // before the last end.
        let covered_by_account =
            self.partners || self.last_end.is_some_and(|end| self.joined[user] < end);
        // "Sharing a folder shares everything in it … worked out from the folder's ancestry
        // when it is used": the shares on the item or any folder above it now.
        let reaching: Vec<&ModelShare> = self
            .shares
            .iter()
            .filter(|share| chain.contains(&share.item))
            .filter(|share| match share.person {
                None => covered_by_account,
                Some(n) => n == user,
            })
            .collect();
        let downloads = reaching.iter().any(|share| share.downloads);
        if reaching
            .iter()
            .any(|share| share.role == ShareRole::Reviewer)
        {
            Role::Reviewer { downloads }
        } else if reaching.is_empty() {
            Role::None
        } else {
            Role::Viewer { downloads }
        }
    }

    fn apply(&mut self, op: &Op, step: usize) {
        let admin = owner_side(Profile::Administrator);
        match *op {
            Op::Share {
                item,
                to,
                reviewer,
                downloads,
            } => {
                let (recipient, person, partners_now) = match to {
                    To::Partner => (ShareRecipient::Account(PARTNER), None, self.partners),
                    To::Person(n) if n < self.joined.len() => (
                        ShareRecipient::Person {
                            account: PARTNER,
                            user: Self::partner_user(n),
                        },
                        Some(n),
                        self.partners,
                    ),
                    To::Person(_) => return,
                    To::Stranger => (ShareRecipient::Account(STRANGER), None, false),
                };
                let facts = ItemFacts {
                    shares: Vec::new(),
                    ..self.facts(item, 0)
                };
                let checked = check_new_share(
                    &admin,
                    &facts,
                    item == 0,
                    &NewShare {
                        recipient,
                        partners_now,
                        recipient_active: true,
                    },
                );
                // "New shares need a current partnership"; never the root or the trash.
                let allowed = item != 0
                    && !facts.in_trash
                    && matches!(to, To::Partner | To::Person(_))
                    && self.partners;
                assert_eq!(checked.is_ok(), allowed, "{op:?}: {checked:?}");
                if allowed {
                    let role = if reviewer {
                        ShareRole::Reviewer
                    } else {
                        ShareRole::Viewer
                    };
                    // One share per item and recipient: sharing again changes it.
                    self.shares
                        .retain(|share| !(share.item == item && share.person == person));
                    self.shares.push(ModelShare {
                        id: ShareId::from_uuid(Uuid::from_u128(self.next_share)),
                        item,
                        person,
                        role,
                        downloads,
                    });
                    self.next_share += 1;
                }
            }
            Op::Revoke(n) => {
                if n < self.shares.len() {
                    let facts = self.facts(self.shares[n].item, 0);
                    // "Revoking still works", partners or not, trash or not.
                    assert_eq!(check_revoke(&admin, &facts), Ok(()));
                    self.shares.remove(n);
                }
            }
            Op::Move { item, into } => {
                // The server moves live items into live folders only.
                let into_trashed = self.chain(into).iter().any(|&n| self.trashed[n]);
                if !is_folder(into) || into_trashed || self.trashed[item] {
                    return;
                }
                let ancestry: Vec<ItemId> = self.chain(into).into_iter().map(item_id).collect();
                let place = FolderPlace {
                    id: item_id(item),
                    parent: self.parent[item].map(item_id),
                };
                if !is_folder(item) || check_folder_move(place, &ancestry).is_ok() {
                    self.parent[item] = Some(into);
                }
            }
            Op::Trash(item) => self.trashed[item] = true,
            Op::Restore(item) => self.trashed[item] = false,
            Op::Partner => {
                if !self.partners {
                    self.partners = true;
                    // SPEC 2: every user of each side becomes a member (sync catches up).
                    self.members.iter_mut().for_each(|member| *member = true);
                }
            }
            Op::EndPartnership => {
                if self.partners {
                    self.partners = false;
                    self.last_end = Some(step);
                }
            }
            Op::AddPartnerUser => {
                self.joined.push(step);
                self.members.push(self.partners);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn who_sees_what_follows_the_spec_through_shares_moves_trash_and_partnerships(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        let mut world = World::new();
        for (step, op) in ops.iter().enumerate() {
            // Steps count from 1: the first users joined at 0, before anything happened.
            world.apply(op, step + 1);
            for user in 0..world.joined.len() {
                let viewer = DocumentViewer {
                    account: PARTNER,
                    user: World::partner_user(user),
                    profile: Profile::Standard,
                    active: true,
                };
                for item in 0..=ITEMS {
                    prop_assert_eq!(
                        role(&viewer, &world.facts(item, user)),
                        world.expected_role(item, user),
                        "after {:?}: item {} user {}", op, item, user
                    );
                }
                // Someone of an account that never partnered sees nothing, whatever is shared.
                let stranger = DocumentViewer { account: STRANGER, ..viewer };
                for item in 0..=ITEMS {
                    prop_assert_eq!(role(&stranger, &world.facts(item, user)), Role::None);
                }
            }
        }
    }
}
