//! The trash (SPEC 3.1): a deleted item stays restorable for 30 days, then is purged.

use crate::ids::Timestamp;

/// How long a deleted item stays in the trash before the purge job removes it (30 days).
pub const TRASH_RETENTION_SECONDS: i64 = 30 * 24 * 60 * 60;

/// Items deleted at or before this moment are due for purging at `now`.
pub fn purge_cutoff(now: Timestamp) -> Timestamp {
    Timestamp(now.0 - TRASH_RETENTION_SECONDS)
}

/// Whether an item deleted at `deleted_at` is due for purging at `now`.
pub fn is_due_for_purge(deleted_at: Timestamp, now: Timestamp) -> bool {
    deleted_at <= purge_cutoff(now)
}

/// Whole days (at least 0) until an item deleted at `deleted_at` is purged, for the trash page
/// ("Deleted for good in 12 days").
pub fn days_until_purge(deleted_at: Timestamp, now: Timestamp) -> i64 {
    let seconds_left = deleted_at.0 + TRASH_RETENTION_SECONDS - now.0;
    (seconds_left.max(0) + 86_399) / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_items_are_purged_after_thirty_days_and_not_before() {
        let now = Timestamp(100 * 86_400);
        let day = 86_400;
        assert!(!is_due_for_purge(Timestamp(now.0), now));
        assert!(!is_due_for_purge(Timestamp(now.0 - 30 * day + 1), now));
        assert!(is_due_for_purge(Timestamp(now.0 - 30 * day), now));
        assert!(is_due_for_purge(Timestamp(now.0 - 400 * day), now));
        assert_eq!(days_until_purge(Timestamp(now.0), now), 30);
        assert_eq!(days_until_purge(Timestamp(now.0 - 29 * day - 1), now), 1);
        assert_eq!(days_until_purge(Timestamp(now.0 - 30 * day), now), 0);
        assert_eq!(days_until_purge(Timestamp(now.0 - 90 * day), now), 0);
    }
}
