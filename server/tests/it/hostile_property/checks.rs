//! The properties each answer and page is checked for: an answer that is not a 5xx, a refusal
//! that wrote nothing, and hostile text shown escaped, never as markup.

use entente_server::store::{Pool, Store};
use reqwest::StatusCode;

use crate::support::app::TestApp;
/// The tables a request may write. Refused sign-ins legitimately count in `sign_in_failures`
/// (and successful ones in `known_devices`), so those two are not compared.
const TABLES: [&str; 9] = [
    "accounts",
    "users",
    "contacts",
    "partner_requests",
    "email_outbox",
    "audit_log",
    "sessions",
    "password_tokens",
    "email_verifications",
];

/// Markup of ours that must never come through unescaped.
const INJECTED_MARKUP: [&str; 3] = ["<script>alert(1)", "<img src=x onerror", "</textarea>"];

/// How many rows each of [`TABLES`] holds, read in one query.
async fn row_counts(store: &Store) -> Vec<(&'static str, i64)> {
    let counts = TABLES.map(|table| format!("(SELECT COUNT(*) FROM {table})"));
    let sql = format!("SELECT {}", counts.join(" || ',' || "));
    let counts: String = match store.pool() {
        Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
        Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
    }
    .expect("count the rows");
    let counts = counts
        .split(',')
        .map(|count| count.parse().expect("a count"));
    TABLES.into_iter().zip(counts).collect()
}

/// How the server took a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Refused,
}

/// Sends `request` (described by `input` in failure messages) and checks the properties: an
/// answer, not a 5xx, and when refused (a 4xx, or a form's redirect carrying the error), not
/// one row written. A redirect is followed as `client`, and the page it leads to must not
/// fail either, nor show hostile markup.
pub async fn send_and_check(
    app: &TestApp,
    client: &reqwest::Client,
    request: reqwest::RequestBuilder,
    input: &str,
) -> Outcome {
    let before = row_counts(&app.store).await;
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("{input}: no answer ({error})"));
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let answer = response.text().await.unwrap_or_default();
    assert!(!status.is_server_error(), "{input}: {status} {answer}");
    let carries_error = location.as_deref().is_some_and(|to| to.contains("__err="));
    let outcome = if status.is_client_error() || carries_error {
        let after = row_counts(&app.store).await;
        assert_eq!(
            after, before,
            "{input} was refused ({status}) and wrote rows"
        );
        Outcome::Refused
    } else {
        Outcome::Accepted
    };
    if let (true, Some(location)) = (status.is_redirection(), location) {
        let (status, page) = app.page(client, &location).await;
        assert_page_survives(&format!("{input}, then {location}"), status, &page, None);
    }
    outcome
}

/// `text` for a failure message: escaped, and cut after 160 characters.
pub fn shown(text: &str) -> String {
    let count = text.chars().count();
    let start: String = text.chars().take(160).collect();
    if count > 160 {
        format!("{start:?}… ({count} characters)")
    } else {
        format!("{start:?}")
    }
}

/// Whether `text` shows in `html` with every `<`, `>` and `&` of it written as an entity
/// (quotes either way): as text, never as markup.
fn shown_escaped(html: &str, text: &str) -> bool {
    html.char_indices()
        .any(|(start, _)| escaped_at(&html[start..], text))
}

/// Whether `html` starts with `text` escaped as [`shown_escaped`] requires.
fn escaped_at(mut html: &str, text: &str) -> bool {
    let mut buffer = [0; 4];
    for character in text.chars() {
        let spellings: &[&str] = match character {
            '&' => &["&amp;", "&#38;", "&#x26;"],
            '<' => &["&lt;", "&#60;", "&#x3c;", "&#x3C;"],
            '>' => &["&gt;", "&#62;", "&#x3e;", "&#x3E;"],
            '"' => &["\"", "&quot;", "&#34;", "&#x22;"],
            '\'' => &["'", "&#39;", "&#x27;", "&apos;"],
            _ => &[],
        };
        let raw = [&*character.encode_utf8(&mut buffer)];
        let spellings = if spellings.is_empty() {
            &raw[..]
        } else {
            spellings
        };
        match spellings
            .iter()
            .find(|spelling| html.starts_with(**spelling))
        {
            Some(spelling) => html = &html[spelling.len()..],
            None => return false,
        }
    }
    true
}

/// Checks that `text` shows escaped in `html` (of `place`) and never as markup.
pub fn assert_escaped(place: &str, html: &str, text: &str) {
    if text.contains('<') {
        assert!(
            !html.contains(text),
            "{place} shows {} unescaped",
            shown(text)
        );
    }
    let escaped = shown_escaped(html, text);
    assert!(
        escaped,
        "{place} does not show {} escaped: {html}",
        shown(text)
    );
}

/// Checks that none of our hostile markup came through unescaped.
pub fn assert_no_injected_markup(place: &str, html: &str) {
    for markup in INJECTED_MARKUP {
        assert!(
            !html.contains(markup),
            "{place} shows {markup} unescaped: {html}"
        );
    }
}

/// Checks what a page answered to a hostile address or a request's redirect: not a 5xx,
/// and neither our markup nor the `text` it carried (when known) shown as markup.
pub fn assert_page_survives(place: &str, status: StatusCode, html: &str, text: Option<&str>) {
    assert!(!status.is_server_error(), "{place}: {status} {html}");
    if let Some(text) = text.filter(|text| text.contains('<')) {
        assert!(
            !html.contains(text),
            "{place} shows {} unescaped",
            shown(text)
        );
    }
    assert_no_injected_markup(place, html);
}

/// The escape check itself: markup and bare ampersands fail it, every entity spelling passes.
#[test]
fn the_escape_check_refuses_markup_and_accepts_every_spelling_of_an_entity() {
    let name = "<b>\"O'Brien\" & co</b>";
    for (html, escaped) in [
        ("<p>&lt;b&gt;\"O'Brien\" &amp; co&lt;/b&gt;</p>", true),
        (
            "<p>&#60;b&#62;&#34;O&#39;Brien&#34; &#38; co&#60;/b&#62;</p>",
            true,
        ),
        (
            r#"<input value="&lt;b&gt;&quot;O&#x27;Brien&quot; &amp; co&lt;/b&gt;">"#,
            true,
        ),
        ("<p><b>\"O'Brien\" & co</b></p>", false),
        ("<p>&lt;b&gt;\"O'Brien\" & co&lt;/b&gt;</p>", false),
        ("<p>&lt;b&gt;O'Brien &amp; co&lt;/b&gt;</p>", false),
    ] {
        assert_eq!(shown_escaped(html, name), escaped, "{html}");
    }
    assert_eq!(super::inputs::url_safe_base64(b"\xff\xfe>?"), "__4-Pw");
}
