//! Sign-in rules: when repeated failures lock an address for a while, and which return paths are safe.

use serde::{Deserialize, Serialize};

use crate::ids::Timestamp;

/// How many failed sign-ins for one address within [`FAILED_SIGN_IN_WINDOW_SECONDS`] lock it.
pub const MAX_FAILED_SIGN_INS: usize = 5;
/// The sliding window, in seconds, over which failed sign-ins are counted (15 minutes).
pub const FAILED_SIGN_IN_WINDOW_SECONDS: i64 = 15 * 60;

/// Sign-in for this address is refused for now because of repeated failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("Too many failed attempts. Try again in {minutes} {unit}.", unit = if *.minutes == 1 { "minute" } else { "minutes" })]
pub struct TooManyFailedSignIns {
    /// Whole minutes (at least one) until the address may try again.
    pub minutes: i64,
}

/// The earliest failure time that still counts at `now`; older failures can be forgotten.
pub fn failure_window_start(now: Timestamp) -> Timestamp {
    Timestamp(now.0 - FAILED_SIGN_IN_WINDOW_SECONDS)
}

/// How many failed sign-ins from one client, for any addresses, within
/// [`FAILED_SIGN_IN_WINDOW_SECONDS`] make that client wait: one client trying a common password
/// on many addresses ("spraying") is slowed down although no single address reaches
/// [`MAX_FAILED_SIGN_INS`].
pub const MAX_FAILED_SIGN_INS_PER_CLIENT: usize = 30;

/// Decides whether an address with these failed sign-ins (any order) may try again at `now`.
///
/// Once [`MAX_FAILED_SIGN_INS`] failures fall within the window, the address is locked until
/// the fifth most recent of them leaves the window; the wait is rounded up to whole minutes.
pub fn check_sign_in_throttle(
    failures: &[Timestamp],
    now: Timestamp,
) -> Result<(), TooManyFailedSignIns> {
    check_window(failures, now, MAX_FAILED_SIGN_INS)
}

/// One recorded failed sign-in on an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressFailure {
    /// When it failed.
    pub at: Timestamp,
    /// Whether it came from the known device now trying again.
    pub from_this_device: bool,
}

/// Decides one sign-in attempt from the failures of its address and those of its client (on
/// any address): refused while either is over its limit, with the longer wait. The two
/// refusals read alike, so the answer does not tell which limit was reached.
///
/// From a `known_device` (a browser that signed in to this address before) only the failures
/// of that device count against the address: others' guesses lock the address for everyone
/// else, never for its owner's own browser.
pub fn check_sign_in_attempt(
    address_failures: &[AddressFailure],
    known_device: bool,
    client_failures: &[Timestamp],
    now: Timestamp,
) -> Result<(), TooManyFailedSignIns> {
    let counted: Vec<Timestamp> = address_failures
        .iter()
        .filter(|failure| !known_device || failure.from_this_device)
        .map(|failure| failure.at)
        .collect();
    let address = check_sign_in_throttle(&counted, now);
    let client = check_window(client_failures, now, MAX_FAILED_SIGN_INS_PER_CLIENT);
    match (address, client) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(one), Ok(())) | (Ok(()), Err(one)) => Err(one),
        (Err(address), Err(client)) => Err(TooManyFailedSignIns {
            minutes: address.minutes.max(client.minutes),
        }),
    }
}

/// The key a client's failures are counted under: an IPv4 address whole, an IPv6 address by
/// its first 64 bits (one subscriber's network: its owner can use any of 2⁶⁴ addresses in it).
pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
        },
    }
}

/// Refused once `max` failures fall within the window ending at `now`, until the `max`-th
/// most recent leaves it.
fn check_window(
    failures: &[Timestamp],
    now: Timestamp,
    max: usize,
) -> Result<(), TooManyFailedSignIns> {
    let window_start = failure_window_start(now);
    let mut recent: Vec<i64> = failures
        .iter()
        .map(|failure| failure.0)
        .filter(|&at| at > window_start.0 && at <= now.0)
        .collect();
    if recent.len() < max {
        return Ok(());
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    let unlocks_at = recent[max - 1] + FAILED_SIGN_IN_WINDOW_SECONDS;
    let seconds_left = (unlocks_at - now.0).max(1);
    Err(TooManyFailedSignIns {
        minutes: (seconds_left + 59) / 60,
    })
}

/// How many "Forgot your password?" emails one user may receive within
/// [`PASSWORD_RESET_WINDOW_SECONDS`]; further requests are answered alike but send nothing.
pub const MAX_PASSWORD_RESETS: usize = 3;
/// The sliding window, in seconds, over which reset emails are counted (one hour).
pub const PASSWORD_RESET_WINDOW_SECONDS: i64 = 60 * 60;

/// Whether another reset email may go to a user who was sent `recent` of them since
/// `now - PASSWORD_RESET_WINDOW_SECONDS`. The answer on the page does not change either way,
/// so the form cannot be used to flood someone's inbox nor to learn who has an account.
pub fn may_send_password_reset(recent: usize) -> bool {
    recent < MAX_PASSWORD_RESETS
}

/// Returns `next` if it is a path on this site (starts with one `/`), so a sign-in link
/// cannot send people to another site afterwards; `None` otherwise.
pub fn local_return_path(next: &str) -> Option<&str> {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    is_local.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_at_most_three_reset_emails_an_hour() {
        assert!(may_send_password_reset(0));
        assert!(may_send_password_reset(2));
        assert!(!may_send_password_reset(3));
        assert!(!may_send_password_reset(40));
    }

    fn check(failures: &[i64], now: i64, expected: Result<(), i64>) {
        let failures: Vec<Timestamp> = failures.iter().copied().map(Timestamp).collect();
        assert_eq!(
            check_sign_in_throttle(&failures, Timestamp(now)).map_err(|error| error.minutes),
            expected,
            "failures {failures:?} at {now}"
        );
    }

    #[test]
    fn throttle_table() {
        let now = 10_000;
        check(&[], now, Ok(()));
        check(&[now - 10; 4], now, Ok(()));
        // Five failures just now lock the address for the whole window.
        check(&[now; 5], now, Err(15));
        check(&[now - 60; 5], now, Err(14));
        check(&[now - 61; 5], now, Err(14));
        check(&[now - 899; 5], now, Err(1));
        // Failures older than the window no longer count.
        check(&[now - 900; 5], now, Ok(()));
        check(
            &[now - 2_000, now - 1, now - 1, now - 1, now - 1],
            now,
            Ok(()),
        );
        // With more than five, the fifth most recent decides.
        check(
            &[now - 800, now - 700, now - 5, now - 4, now - 3, now - 2],
            now,
            Err(4),
        );
    }

    fn attempt(address: &[i64], client: &[i64], now: i64) -> Result<(), i64> {
        let address: Vec<AddressFailure> = address
            .iter()
            .map(|&at| AddressFailure {
                at: Timestamp(at),
                from_this_device: false,
            })
            .collect();
        let client: Vec<Timestamp> = client.iter().copied().map(Timestamp).collect();
        check_sign_in_attempt(&address, false, &client, Timestamp(now))
            .map_err(|error| error.minutes)
    }

    #[test]
    fn a_known_device_counts_only_its_own_failures_against_its_address() {
        let now = 10_000;
        let failure = |at: i64, from_this_device: bool| AddressFailure {
            at: Timestamp(at),
            from_this_device,
        };
        let others = [failure(now - 60, false); 5];
        let known = |failures: &[AddressFailure]| {
            check_sign_in_attempt(failures, true, &[], Timestamp(now))
                .map_err(|error| error.minutes)
        };
        let unknown = |failures: &[AddressFailure]| {
            check_sign_in_attempt(failures, false, &[], Timestamp(now))
                .map_err(|error| error.minutes)
        };
        // Five guesses by others lock the address for every other browser...
        assert_eq!(unknown(&others), Err(14));
        // ...but not for the browser that signed in to it before.
        assert_eq!(known(&others), Ok(()));
        // That browser's own five failures lock it too.
        let own = [failure(now - 60, true); 5];
        assert_eq!(known(&own), Err(14));
        assert_eq!(known(&[others.as_slice(), &own[..4]].concat()), Ok(()));
        // Its failures count for everyone else as well.
        assert_eq!(unknown(&own), Err(14));
        // The client limit holds for a known device too.
        assert_eq!(
            check_sign_in_attempt(&[], true, &[Timestamp(now - 60); 30], Timestamp(now))
                .map_err(|error| error.minutes),
            Err(14)
        );
    }

    #[test]
    fn one_client_spraying_many_addresses_waits_once_it_failed_thirty_times() {
        let now = 10_000;
        // 29 failures from this client, each on another address: still allowed.
        assert_eq!(attempt(&[], &[now - 10; 29], now), Ok(()));
        // The thirtieth makes it wait until the oldest counted failure leaves the window.
        assert_eq!(attempt(&[], &[now - 10; 30], now), Err(15));
        assert_eq!(attempt(&[], &[now - 600; 30], now), Err(5));
        // Older failures of the client no longer count.
        assert_eq!(attempt(&[], &[now - 900; 30], now), Ok(()));
        // An address over its own limit is refused whatever the client did.
        assert_eq!(attempt(&[now - 60; 5], &[], now), Err(14));
        // Both over: the longer wait.
        assert_eq!(attempt(&[now - 600; 5], &[now - 60; 30], now), Err(14));
        assert_eq!(attempt(&[now - 60; 5], &[now - 600; 30], now), Err(14));
    }

    #[test]
    fn a_client_is_counted_by_its_ipv4_address_or_its_ipv6_network() {
        use std::net::IpAddr;
        let key = |text: &str| client_key(text.parse::<IpAddr>().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            key("::ffff:203.0.113.7"),
            "203.0.113.7",
            "an IPv4 address mapped into IPv6"
        );
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            key("2001:db8:1:2:bbbb:cccc:dddd:eeee"),
            key("2001:db8:1:2::9"),
            "one network, one key"
        );
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }

    #[test]
    fn throttle_message_is_a_sentence() {
        assert_eq!(
            TooManyFailedSignIns { minutes: 15 }.to_string(),
            "Too many failed attempts. Try again in 15 minutes."
        );
        assert_eq!(
            TooManyFailedSignIns { minutes: 1 }.to_string(),
            "Too many failed attempts. Try again in 1 minute."
        );
    }

    #[test]
    fn return_path_table() {
        let cases = [
            ("/", Some("/")),
            ("/contacts?tab=partners", Some("/contacts?tab=partners")),
            ("", None),
            ("contacts", None),
            ("//evil.example", None),
            ("/\\evil.example", None),
            ("https://evil.example/", None),
            ("/a\nb", None),
        ];
        for (input, expected) in cases {
            assert_eq!(local_return_path(input), expected, "input {input:?}");
        }
    }
}
