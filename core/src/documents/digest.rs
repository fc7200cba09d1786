//! The daily digest of what partners added to folders shared with a person (issue 14's
//! notifications): each person's setting, when a run is due and which window of time it
//! covers, and which new items a person's digest lists.
//!
//! A share sends its own email when it is made ("one email per share, not per file"); what
//! is added later to a shared folder is told once a day instead. An item is in a person's
//! digest when it was created in the run's window and the person sees it *through a folder*:
//! [`role`] decides, from the item's facts without the shares on the item itself (those
//! were emailed when made). Access is worked out when the digest runs, so an item moved out
//! of the shared folder or put in the trash before then is not listed, and a share with a
//! former partner's account reaches exactly the people core's `reaches` says.

use serde::{Deserialize, Serialize};

use super::access::{DocumentViewer, ItemFacts, Role, role};
use crate::{ItemId, Timestamp};

/// How many items one digest email lists; it counts the rest.
pub const DIGEST_LISTED: usize = 25;

/// The longest window one run covers: after a week without a run (the service stopped), older
/// additions are not told.
pub const DIGEST_LONGEST_WINDOW_SECS: i64 = 7 * DAY_SECS;

const DAY_SECS: i64 = 86_400;

/// A person's choice of the digest email.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DigestSetting {
    /// No digest.
    Off,
    /// One email a day when something was added (the default: a person shared with wants to
    /// know, and turns it off in one click).
    #[default]
    Daily,
}

impl DigestSetting {
    /// Both settings, for forms and tables.
    pub const ALL: [Self; 2] = [Self::Off, Self::Daily];

    /// As stored and sent by forms: `off`, `daily`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Daily => "daily",
        }
    }

    /// As people read it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Daily => "Daily",
        }
    }
}

/// A setting that is neither `off` nor `daily`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose Off or Daily.")]
pub struct DigestSettingError;

impl std::str::FromStr for DigestSetting {
    type Err = DigestSettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|setting| setting.as_str() == text)
            .ok_or(DigestSettingError)
    }
}

/// The hour of the day (UTC) digests go out at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestHour(u8);

impl DigestHour {
    /// An hour from 0 to 23; anything else is `None`.
    pub fn new(hour: u8) -> Option<Self> {
        (hour < 24).then_some(Self(hour))
    }

    /// The hour.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// One run of the digest: the day it is for, and the window of creation times it covers,
/// `since` excluded, `until` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestRun {
    /// Days since 1970-01-01 (UTC): at most one run per day, whichever instance makes it.
    pub day: i64,
    /// Additions after this instant...
    pub since: Timestamp,
    /// ...up to this one: the day's digest hour.
    pub until: Timestamp,
}

impl DigestRun {
    /// Whether `created_at` falls in the window.
    pub fn covers(&self, created_at: Timestamp) -> bool {
        self.since < created_at && created_at <= self.until
    }
}

/// The run due at `now`, if any: once the day's digest `hour` has come, and only if no run
/// ended at or after that instant (`last_until`: the end of the latest run). The window starts
/// where the last run ended, so consecutive runs neither miss nor repeat an addition; the first
/// run covers the day before, and no run covers more than a week.
pub fn due(now: Timestamp, hour: DigestHour, last_until: Option<Timestamp>) -> Option<DigestRun> {
    let day = now.0.div_euclid(DAY_SECS);
    let until = day * DAY_SECS + i64::from(hour.get()) * 3_600;
    if now.0 < until || last_until.is_some_and(|last| last.0 >= until) {
        return None;
    }
    let earliest = until - DIGEST_LONGEST_WINDOW_SECS;
    let since = last_until
        .map_or(until - DAY_SECS, |last| last.0)
        .max(earliest);
    Some(DigestRun {
        day,
        since: Timestamp(since),
        until: Timestamp(until),
    })
}

/// Whether `item` (with `facts` as the person sees it) belongs in `viewer`'s digest: another
/// account's item that reaches them through a share on a folder above it.
pub fn in_digest(viewer: &DocumentViewer, item: ItemId, facts: &ItemFacts) -> bool {
    if viewer.account == facts.account {
        return false;
    }
    let through_folders = ItemFacts {
        shares: facts
            .shares
            .iter()
            .filter(|share| share.on != item)
            .copied()
            .collect(),
        ..facts.clone()
    };
    role(viewer, &through_folders) != Role::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::access::{ShareFact, ShareRecipient, ShareRole, Standing};
    use crate::{AccountId, Profile, ShareId, UserId};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn hour(value: u8) -> DigestHour {
        DigestHour::new(value).unwrap()
    }

    /// 2025-12-02 00:00:00 UTC.
    const DAY: i64 = 20_424;
    const MIDNIGHT: i64 = DAY * DAY_SECS;

    #[test]
    fn the_digest_setting_reads_what_it_writes_and_refuses_anything_else() {
        for setting in DigestSetting::ALL {
            assert_eq!(setting.as_str().parse(), Ok(setting));
        }
        assert_eq!("weekly".parse::<DigestSetting>(), Err(DigestSettingError));
        assert_eq!("Daily".parse::<DigestSetting>(), Err(DigestSettingError));
        assert_eq!(DigestSetting::default(), DigestSetting::Daily);
        assert_eq!(DigestHour::new(24), None);
        assert_eq!(DigestHour::new(23).map(DigestHour::get), Some(23));
    }

    /// The moment asked, the last run's end, and the run due as its window, if any.
    type Case = (i64, Option<i64>, Option<(i64, i64)>);

    #[test]
    fn a_digest_runs_once_a_day_from_its_hour_covering_since_the_last_run() {
        let seven = MIDNIGHT + 7 * 3_600;
        // (now, last run's end) → the run due, if any.
        let table: [Case; 7] = [
            // Before the hour: nothing yet.
            (seven - 1, None, None),
            // At the hour, never run before: the day before.
            (seven, None, Some((seven - DAY_SECS, seven))),
            // Later that day, after yesterday's run: since yesterday's end.
            (
                seven + 3_600,
                Some(seven - DAY_SECS),
                Some((seven - DAY_SECS, seven)),
            ),
            // Already run today (by this instance or another): nothing.
            (seven + 3_600, Some(seven), None),
            // The service stopped for three days: the three days are covered.
            (
                seven,
                Some(seven - 3 * DAY_SECS),
                Some((seven - 3 * DAY_SECS, seven)),
            ),
            // Stopped for a month: only the last week is told.
            (
                seven,
                Some(seven - 30 * DAY_SECS),
                Some((seven - DIGEST_LONGEST_WINDOW_SECS, seven)),
            ),
            // Just before midnight, today's run done: nothing until tomorrow's hour.
            (MIDNIGHT + DAY_SECS - 1, Some(seven), None),
        ];
        for (now, last, expected) in table {
            let run = due(Timestamp(now), hour(7), last.map(Timestamp));
            assert_eq!(
                run.map(|run| (run.since.0, run.until.0)),
                expected,
                "now {now}, last {last:?}"
            );
            if let Some(run) = run {
                assert_eq!(run.day, DAY);
            }
        }
    }

    proptest! {
        /// Runs made whenever asked, at random moments over weeks, tile time: every instant
        /// after the first run's start is covered by exactly one run (never missed, never
        /// told twice), at most one run a day, each ending at the digest hour.
        #[test]
        fn consecutive_runs_neither_miss_nor_repeat_an_addition(
            digest_hour in 0u8..24,
            steps in proptest::collection::vec(1i64..30 * 3_600, 1..80),
        ) {
            let hour = hour(digest_hour);
            let mut now = MIDNIGHT;
            let mut runs: Vec<DigestRun> = Vec::new();
            for step in steps {
                now += step;
                if let Some(run) = due(Timestamp(now), hour, runs.last().map(|run| run.until)) {
                    prop_assert!(run.since < run.until);
                    prop_assert!(run.until.0 <= now);
                    prop_assert_eq!(run.until.0.rem_euclid(DAY_SECS), i64::from(digest_hour) * 3_600);
                    if let Some(last) = runs.last() {
                        prop_assert!(run.day > last.day);
                        let gap_allowed = run.until.0 - last.until.0 > DIGEST_LONGEST_WINDOW_SECS;
                        prop_assert!(run.since == last.until || gap_allowed);
                    }
                    runs.push(run);
                }
            }
            for pair in runs.windows(2) {
                let instant = pair[1].since.0 + 1;
                prop_assert_eq!(runs.iter().filter(|run| run.covers(Timestamp(instant))).count(), 1);
            }
        }
    }

    fn account(n: u128) -> AccountId {
        AccountId::from_uuid(Uuid::from_u128(n))
    }

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn item_id(n: u128) -> ItemId {
        ItemId::from_uuid(Uuid::from_u128(n))
    }

    fn share(on: ItemId, recipient: ShareRecipient) -> ShareFact {
        ShareFact {
            id: ShareId::from_uuid(Uuid::from_u128(99)),
            on,
            recipient,
            role: ShareRole::Viewer,
            downloads: true,
        }
    }

    #[test]
    fn a_digest_lists_what_reaches_a_person_through_a_shared_folder_and_nothing_else() {
        let owner = account(1);
        let partner = account(2);
        let new_file = item_id(10);
        let folder = item_id(11);
        let person = DocumentViewer {
            account: partner,
            user: user(20),
            profile: Profile::Standard,
            active: true,
        };
        let partners = Standing {
            partners_now: true,
            member: true,
        };
        let facts = |shares: Vec<ShareFact>, standing: Standing, in_trash: bool| ItemFacts {
            shares,
            standing,
            ..ItemFacts::unshared(owner, user(1), in_trash)
        };
        let on_folder = share(folder, ShareRecipient::Account(partner));
        let on_file = share(new_file, ShareRecipient::Account(partner));
        let to_other_person = share(
            folder,
            ShareRecipient::Person {
                account: partner,
                user: user(21),
            },
        );
        let former_non_member = Standing {
            partners_now: false,
            member: false,
        };
        let former_member = Standing {
            partners_now: false,
            member: true,
        };
        let inactive = DocumentViewer {
            active: false,
            ..person
        };
        let owners_own = DocumentViewer {
            account: owner,
            user: user(2),
            profile: Profile::Administrator,
            active: true,
        };
        // (who, facts) → listed?
        let table = [
            (
                "added to a folder shared with the account",
                person,
                facts(vec![on_folder], partners, false),
                true,
            ),
            (
                "shared itself, not through a folder: its own email told it",
                person,
                facts(vec![on_file], partners, false),
                false,
            ),
            (
                "in a folder shared with another person only",
                person,
                facts(vec![to_other_person], partners, false),
                false,
            ),
            (
                "in the trash by the time the digest runs",
                person,
                facts(vec![on_folder], partners, true),
                false,
            ),
            (
                "a former partner's member when it ended keeps hearing",
                person,
                facts(vec![on_folder], former_member, false),
                true,
            ),
            (
                "a user the former partner added later hears nothing",
                person,
                facts(vec![on_folder], former_non_member, false),
                false,
            ),
            (
                "a deactivated person hears nothing",
                inactive,
                facts(vec![on_folder], partners, false),
                false,
            ),
            (
                "the owner's own people are not told their own additions",
                owners_own,
                facts(vec![on_folder], partners, false),
                false,
            ),
            (
                "moved out of the shared folder: no share above it any more",
                person,
                facts(vec![], partners, false),
                false,
            ),
        ];
        for (case, viewer, facts, listed) in table {
            assert_eq!(in_digest(&viewer, new_file, &facts), listed, "{case}");
        }
    }
}
