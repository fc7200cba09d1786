//! Substring search that uses an index: how a search text becomes a condition on either
//! engine (migration 0010).
//!
//! On SQLite each searched table has an FTS5 trigram index beside it (`<table>_search`), and a
//! search of three characters or more is a `MATCH` on it, found through the index; on
//! PostgreSQL the columns have trigram GIN indexes, which serve `LIKE '%…%'` directly. A
//! search shorter than three characters cannot use a trigram index on either engine and is a
//! `LIKE` scan, as before. Either way the match is case-insensitive (Unicode) and the text is
//! taken literally. The text is never lowercased here: Rust and the database lowercase some
//! letters differently ("İ", a final "Σ"), and the stored side is lowercased by the database,
//! so the database lowercases the search too (`lower($n)` on PostgreSQL; FTS5 folds both the
//! index and the query alike on SQLite).

use super::Engine;

/// The fewest characters a trigram index can look up.
const TRIGRAM: usize = 3;

/// A search text, ready to be bound as one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextSearch {
    /// An FTS5 query (SQLite): the text as one phrase.
    Match(String),
    /// A `LIKE … ESCAPE '\'` pattern matching the text anywhere.
    Like(String),
}

impl TextSearch {
    /// The search for `text` on `engine`, or `None` when the text is blank.
    pub(crate) fn new(engine: Engine, text: &str) -> Option<TextSearch> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match engine {
            Engine::Sqlite if text.chars().count() >= TRIGRAM => {
                TextSearch::Match(format!("\"{}\"", text.replace('"', "\"\"")))
            }
            Engine::Sqlite | Engine::Postgres => TextSearch::Like(like_pattern(text)),
        })
    }

    /// What the placeholder binds.
    pub(crate) fn value(&self) -> &str {
        match self {
            TextSearch::Match(query) | TextSearch::Like(query) => query,
        }
    }

    /// Whether this search goes through SQLite's FTS index (and the query should say so).
    pub(crate) fn uses_fts(&self) -> bool {
        matches!(self, TextSearch::Match(_))
    }

    /// The condition that `alias`'s row (of `table`) matches: any of `columns` contains the
    /// text. `placeholder` is the number of the bound [`TextSearch::value`].
    pub(crate) fn condition(
        &self,
        table: &str,
        alias: &str,
        columns: &[&str],
        placeholder: usize,
    ) -> String {
        match self {
            TextSearch::Match(_) => format!(
                "{alias}.rowid IN (SELECT rowid FROM {table}_search \
                 WHERE {table}_search MATCH ${placeholder})"
            ),
            TextSearch::Like(_) => {
                let terms: Vec<String> = columns
                    .iter()
                    .map(|column| {
                        format!("{alias}.{column} LIKE lower(${placeholder}) ESCAPE '\\'")
                    })
                    .collect();
                format!("({})", terms.join(" OR "))
            }
        }
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching `text` anywhere, with `\`, `%` and `_` taken
/// literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for character in text.chars() {
        if matches!(character, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_taken_literally_in_any_case_through_the_index_when_it_can() {
        let like = |text| TextSearch::new(Engine::Postgres, text);
        assert_eq!(like(" Ünited "), Some(TextSearch::Like("%Ünited%".into())));
        assert_eq!(
            like("50%_a\\b"),
            Some(TextSearch::Like("%50\\%\\_a\\\\b%".into()))
        );
        assert_eq!(like("   "), None);
        let sqlite = |text| TextSearch::new(Engine::Sqlite, text);
        assert_eq!(sqlite("Ann"), Some(TextSearch::Match("\"Ann\"".into())));
        assert_eq!(
            sqlite("a\"b c"),
            Some(TextSearch::Match("\"a\"\"b c\"".into()))
        );
        // Two characters cannot use a trigram index: a scan, as before.
        assert_eq!(sqlite("an"), Some(TextSearch::Like("%an%".into())));
        assert_eq!(
            TextSearch::new(Engine::Sqlite, "ann").unwrap().condition(
                "users",
                "u",
                &["name_sort", "email"],
                3
            ),
            "u.rowid IN (SELECT rowid FROM users_search WHERE users_search MATCH $3)"
        );
        assert_eq!(
            like("ann")
                .unwrap()
                .condition("users", "u", &["name_sort", "email"], 3),
            "(u.name_sort LIKE lower($3) ESCAPE '\\' OR u.email LIKE lower($3) ESCAPE '\\')"
        );
    }
}
