//! The keyset cursor of lists ordered newest first, `(time DESC, id)`: where a page ended, and
//! its text in a page link (`?after=<seconds>_<id>`).

use std::fmt::Display;
use std::str::FromStr;

use entente_core::Timestamp;

/// Where a page ordered by `(time DESC, id)` ended: the next page holds the rows older than
/// this one, or as old with a greater id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeCursor<Id> {
    /// The last row's time.
    pub at: Timestamp,
    /// The last row's id, which orders rows of the same second.
    pub id: Id,
}

impl<Id: Display + FromStr> TimeCursor<Id> {
    /// The cursor as text for a page link: the second, `_`, the id.
    pub fn to_token(&self) -> String {
        format!("{}_{}", self.at.0, self.id)
    }

    /// Reads a token written by [`TimeCursor::to_token`]; anything else is `None`.
    pub fn from_token(token: &str) -> Option<Self> {
        let (seconds, id) = token.split_once('_')?;
        Some(TimeCursor {
            at: Timestamp(seconds.parse().ok()?),
            id: id.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn page_tokens_round_trip_and_anything_else_is_refused() {
        let cursor = TimeCursor {
            at: Timestamp(1_795_000_000),
            id: Uuid::from_u128(42),
        };
        assert_eq!(TimeCursor::from_token(&cursor.to_token()), Some(cursor));
        for token in [
            "",
            "_",
            "12",
            "x_00000000-0000-0000-0000-00000000002a",
            "12_not-a-uuid",
        ] {
            assert_eq!(TimeCursor::<Uuid>::from_token(token), None, "{token}");
        }
    }
}
