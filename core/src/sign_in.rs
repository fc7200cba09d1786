//! Sign-in rules: when repeated failures lock an address for a while, and which return paths are safe.

use serde::{Deserialize, Serialize};

use crate::ids::Timestamp;

/// How many failed sign-ins for one address within [`FAILED_SIGN_IN_WINDOW_SECONDS`] lock it.
pub const MAX_FAILED_SIGN_INS: usize = 5;
/// The sliding window, in seconds, over which failed sign-ins are counted (15 minutes).
pub const FAILED_SIGN_IN_WINDOW_SECONDS: i64 = 15 * 60;

/// How long an address with this many recent failures (fewer than [`MAX_FAILED_SIGN_INS`])
/// waits after the latest of them before it may try again: the slow-down before the lock.
/// A person who mistypes once tries again at once; each further failure makes the next try
/// wait longer (5 s, 15 s, 30 s), and the fifth locks the address for the window.
pub const SLOW_DOWN_SECONDS: [i64; MAX_FAILED_SIGN_INS] = [0, 0, 5, 15, 30];

/// Sign-in for this address is refused for now because of repeated failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("Too many failed attempts. Try again in {}.", wait_in_words(*.seconds))]
pub struct TooManyFailedSignIns {
    /// Whole seconds (at least one) until the address may try again.
    pub seconds: i64,
}

impl TooManyFailedSignIns {
    /// The wait in whole minutes, rounded up.
    pub fn minutes(self) -> i64 {
        (self.seconds + 59) / 60
    }
}

/// "30 seconds" under a minute, else whole minutes rounded up ("1 minute", "15 minutes").
fn wait_in_words(seconds: i64) -> String {
    let (count, unit) = if seconds < 60 {
        (seconds, "second")
    } else {
        ((seconds + 59) / 60, "minute")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
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
/// the fifth most recent of them leaves the window. Before that, it slows down: with `n`
/// failures in the window, the next try waits [`SLOW_DOWN_SECONDS`]`[n]` after the latest.
pub fn check_sign_in_throttle(
    failures: &[Timestamp],
    now: Timestamp,
) -> Result<(), TooManyFailedSignIns> {
    if may_try_at(failures, now.0) {
        return Ok(());
    }
    // Once allowed, an address stays allowed (failures only leave the window, and fewer
    // failures never wait longer), so the first allowed second is found by halving. By a
    // window after the latest failure, none counts any more.
    let latest = failures
        .iter()
        .map(|failure| failure.0)
        .max()
        .unwrap_or(now.0);
    let (mut refused, mut allowed) = (now.0, latest.max(now.0) + FAILED_SIGN_IN_WINDOW_SECONDS);
    while allowed - refused > 1 {
        let middle = refused + (allowed - refused) / 2;
        if may_try_at(failures, middle) {
            allowed = middle;
        } else {
            refused = middle;
        }
    }
    Err(TooManyFailedSignIns {
        seconds: allowed - now.0,
    })
}

/// Whether an address with these failures may try at `at`: fewer than the lock's count in the
/// window ending then, and the slow-down for that count over.
fn may_try_at(failures: &[Timestamp], at: i64) -> bool {
    let window_start = failure_window_start(Timestamp(at)).0;
    let in_window = || {
        failures
            .iter()
            .map(|failure| failure.0)
            .filter(|&failed| failed > window_start && failed <= at)
    };
    let count = in_window().count();
    match (SLOW_DOWN_SECONDS.get(count), in_window().max()) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(wait), Some(latest)) => latest + wait <= at,
    }
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
            seconds: address.seconds.max(client.seconds),
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
    Err(TooManyFailedSignIns {
        seconds: (unlocks_at - now.0).max(1),
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
            check_sign_in_throttle(&failures, Timestamp(now))
                .map_err(TooManyFailedSignIns::minutes),
            expected,
            "failures {failures:?} at {now}"
        );
    }

    #[test]
    fn throttle_table() {
        let now = 10_000;
        check(&[], now, Ok(()));
        check(&[now - 30; 4], now, Ok(()));
        // Five failures just now lock the address for the whole window.
        check(&[now; 5], now, Err(15));
        check(&[now - 60; 5], now, Err(14));
        check(&[now - 61; 5], now, Err(14));
        check(&[now - 899; 5], now, Err(1));
        // Failures older than the window no longer count.
        check(&[now - 900; 5], now, Ok(()));
        check(
            &[now - 2_000, now - 30, now - 30, now - 30, now - 30],
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

    /// The wait in seconds for an address with failures `ago` seconds before now.
    fn slow_down(ago: &[i64]) -> Result<(), i64> {
        let now = 10_000;
        let failures: Vec<Timestamp> = ago.iter().map(|&ago| Timestamp(now - ago)).collect();
        check_sign_in_throttle(&failures, Timestamp(now)).map_err(|error| error.seconds)
    }

    #[test]
    fn sign_in_slows_down_before_it_locks_table() {
        // One mistake: try again at once.
        assert_eq!(slow_down(&[0]), Ok(()));
        // Two: five seconds after the latest.
        assert_eq!(slow_down(&[10, 0]), Err(5));
        assert_eq!(slow_down(&[10, 3]), Err(2));
        assert_eq!(slow_down(&[10, 5]), Ok(()));
        // Three: fifteen seconds; four: thirty.
        assert_eq!(slow_down(&[20, 10, 0]), Err(15));
        assert_eq!(
            slow_down(&[20, 15, 16]),
            Ok(()),
            "the latest counts, in any order"
        );
        // The wait ends as soon as an old failure leaves the window and a shorter wait holds.
        assert_eq!(slow_down(&[0, 0, 0, 880]), Err(20));
        assert_eq!(slow_down(&[30, 20, 10, 0]), Err(30));
        assert_eq!(slow_down(&[32, 31, 30, 29]), Err(1));
        assert_eq!(slow_down(&[33, 32, 31, 30]), Ok(()));
        // Five: locked for the window, in minutes.
        assert_eq!(slow_down(&[40, 30, 20, 10, 0]), Err(860));
        // Failures that left the window count for neither.
        assert_eq!(slow_down(&[900, 900, 900, 1]), Ok(()));
        assert_eq!(slow_down(&[900, 900, 2, 1]), Err(4));
    }

    proptest::proptest! {
        /// Once an address may try again, it may try at any later time too (as long as it
        /// fails no more), and no wait is longer than the lock's whole window.
        #[test]
        fn a_wait_only_ever_ends(
            ago in proptest::collection::vec(0_i64..1_200, 0..8),
            later in 0_i64..2_000,
        ) {
            let now = 10_000;
            let failures: Vec<Timestamp> = ago.iter().map(|&ago| Timestamp(now - ago)).collect();
            let at = |t: i64| check_sign_in_throttle(&failures, Timestamp(t));
            if at(now).is_ok() {
                proptest::prop_assert!(at(now + later).is_ok());
            }
            if let Err(wait) = at(now) {
                // The wait said is exact: refused a second before it ends, allowed when it does.
                proptest::prop_assert!(wait.seconds >= 1 && wait.seconds <= FAILED_SIGN_IN_WINDOW_SECONDS);
                proptest::prop_assert!(at(now + wait.seconds - 1).is_err());
                proptest::prop_assert!(at(now + wait.seconds).is_ok());
            }
        }
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
            .map_err(TooManyFailedSignIns::minutes)
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
                .map_err(TooManyFailedSignIns::minutes)
        };
        let unknown = |failures: &[AddressFailure]| {
            check_sign_in_attempt(failures, false, &[], Timestamp(now))
                .map_err(TooManyFailedSignIns::minutes)
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
                .map_err(TooManyFailedSignIns::minutes),
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
            TooManyFailedSignIns { seconds: 900 }.to_string(),
            "Too many failed attempts. Try again in 15 minutes."
        );
        assert_eq!(
            TooManyFailedSignIns { seconds: 841 }.to_string(),
            "Too many failed attempts. Try again in 15 minutes.",
            "minutes are rounded up"
        );
        assert_eq!(
            TooManyFailedSignIns { seconds: 60 }.to_string(),
            "Too many failed attempts. Try again in 1 minute."
        );
        assert_eq!(
            TooManyFailedSignIns { seconds: 59 }.to_string(),
            "Too many failed attempts. Try again in 59 seconds."
        );
        assert_eq!(
            TooManyFailedSignIns { seconds: 1 }.to_string(),
            "Too many failed attempts. Try again in 1 second."
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
