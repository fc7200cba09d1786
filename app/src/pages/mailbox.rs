//! The developers' Mailbox (`/mailbox`): the emails in the outbox, with working links.
//!
//! It exists only when the server runs with `ENTENTE_DEV_MAILBOX=1` (`cargo xtask run` sets
//! it); otherwise the page answers 404 like any unknown address. Selecting an email is a
//! plain link to `/mailbox?id=…`, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::mailbox::{MailboxEmail, MailboxEntry, list_mailbox, open_mailbox_email};
use crate::components::error_view::ErrorList;
use crate::components::format::format_unix_utc;
use crate::error::AppError;
use crate::pages::not_found::NotFoundPage;

/// Lists the recent emails and shows the one selected by `?id=`.
#[component]
pub fn MailboxPage() -> impl IntoView {
    let query = use_query_map();
    let selected_id = move || query.read().get("id");
    let emails = Resource::new(|| (), |_| list_mailbox());
    let selected = Resource::new(selected_id, |id| async move {
        match id {
            Some(id) => open_mailbox_email(id).await.map(Some),
            None => Ok(None),
        }
    });

    view! {
        <Suspense fallback=|| view! { <p>"Loading the mailbox…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    match (emails.await, selected.await) {
                        (Err(AppError::NotFound), _) => Ok(view! { <NotFoundPage /> }.into_any()),
                        (Err(error), _) => Err(error),
                        (Ok(list), selected) => {
                            Ok(view! { <Mailbox list selected /> }.into_any())
                        }
                    }
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The list of emails beside the selected one.
#[component]
fn Mailbox(
    list: Vec<MailboxEntry>,
    selected: Result<Option<MailboxEmail>, AppError>,
) -> impl IntoView {
    let selected_id = selected
        .as_ref()
        .ok()
        .and_then(|email| email.as_ref().map(|email| email.entry.id.clone()));
    view! {
        <Title text="Mailbox" />
        <section class="card" data-test="mailbox">
            <h1>"Mailbox (development)"</h1>
            <p class="muted">
                "Every email the service wrote, newest first. Emails wait here until a mail "
                "worker delivers them (only when SMTP_URL is set)."
            </p>
            {if list.is_empty() {
                view! { <p data-test="mailbox-empty">"No emails yet."</p> }.into_any()
            } else {
                view! { <MailboxList list selected_id /> }.into_any()
            }}
        </section>
        {match selected {
            Ok(Some(email)) => view! { <MailboxMessage email /> }.into_any(),
            Ok(None) => ().into_any(),
            Err(AppError::NotFound) => {
                view! {
                    <section class="card" role="alert">
                        <p>"There is no email with this id."</p>
                    </section>
                }
                    .into_any()
            }
            Err(error) => {
                view! {
                    <section class="alert error" role="alert">
                        <p>{error.to_string()}</p>
                    </section>
                }
                    .into_any()
            }
        }}
    }
}

/// The table of emails, each subject a link that selects it.
#[component]
fn MailboxList(list: Vec<MailboxEntry>, selected_id: Option<String>) -> impl IntoView {
    view! {
        <table class="mailbox-list">
            <thead>
                <tr>
                    <th scope="col">"To"</th>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Written"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|entry| {
                        let current = selected_id.as_deref() == Some(entry.id.as_str());
                        let status = status_label(&entry);
                        let href = format!("/mailbox?id={}", entry.id);
                        view! {
                            <tr data-test="mailbox-row" aria-current=current.then_some("true")>
                                <td>{entry.to}</td>
                                <td>
                                    <A href=href>{entry.subject}</A>
                                </td>
                                <td>{format_unix_utc(entry.created_at)}</td>
                                <td>{status}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// One email: headers, the text body with clickable links, and the HTML body in a sandboxed frame.
#[component]
fn MailboxMessage(email: MailboxEmail) -> impl IntoView {
    let status = status_label(&email.entry);
    let html_document = open_links_outside(&email.html_body);
    view! {
        <section class="card" data-test="mailbox-email" aria-labelledby="mailbox-email-subject">
            <h2 id="mailbox-email-subject">{email.entry.subject.clone()}</h2>
            <dl class="mailbox-headers">
                <dt>"To"</dt>
                <dd>{email.entry.to.clone()}</dd>
                <dt>"Kind"</dt>
                <dd>{email.entry.kind.clone()}</dd>
                <dt>"Written"</dt>
                <dd>{format_unix_utc(email.entry.created_at)}</dd>
                <dt>"Status"</dt>
                <dd>{status}</dd>
                {email
                    .last_error
                    .clone()
                    .map(|error| view! {
                        <dt>"Last error"</dt>
                        <dd>{error}</dd>
                    })}
            </dl>
            <h3>"Text"</h3>
            <pre class="mailbox-text" data-test="mailbox-text">
                <LinkifiedText text=email.text_body.clone() />
            </pre>
            <h3>"HTML"</h3>
            <iframe
                class="mailbox-html"
                title="The email's HTML body"
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                srcdoc=html_document
            ></iframe>
        </section>
    }
}

/// Shows text with every `http://` or `https://` address turned into a link.
#[component]
fn LinkifiedText(text: String) -> impl IntoView {
    split_links(&text)
        .into_iter()
        .map(|piece| match piece {
            TextPiece::Plain(plain) => plain.into_any(),
            TextPiece::Link(href) => {
                let label = href.clone();
                view! { <a href=href>{label}</a> }.into_any()
            }
        })
        .collect_view()
}

/// A run of plain text or one web address.
#[derive(Debug, PartialEq, Eq)]
enum TextPiece {
    Plain(String),
    Link(String),
}

/// Splits text into plain runs and web addresses (ending at whitespace).
fn split_links(text: &str) -> Vec<TextPiece> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let end = rest[start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |offset| start + offset);
        if start > 0 {
            pieces.push(TextPiece::Plain(rest[..start].to_owned()));
        }
        pieces.push(TextPiece::Link(rest[start..end].to_owned()));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        pieces.push(TextPiece::Plain(rest.to_owned()));
    }
    pieces
}

/// Makes the email's links open in a new tab: a sandboxed frame may not navigate the page.
fn open_links_outside(html: &str) -> String {
    const BASE: &str = r#"<base target="_blank">"#;
    match html.find("<head>") {
        Some(at) => format!(
            "{}{BASE}{}",
            &html[..at + "<head>".len()],
            &html[at + "<head>".len()..]
        ),
        None => format!("{BASE}{html}"),
    }
}

/// "Sent", or "Waiting" with the number of attempts so far.
fn status_label(entry: &MailboxEntry) -> String {
    match (entry.sent_at, entry.attempts) {
        (Some(sent_at), _) => format!("Sent {}", format_unix_utc(sent_at)),
        (None, 0) => "Waiting".to_owned(),
        (None, 1) => "Waiting (1 attempt failed)".to_owned(),
        (None, attempts) => format!("Waiting ({attempts} attempts failed)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_split_out_of_text() {
        assert_eq!(
            split_links("Open https://e.example/a?b=1&c=2 now\nor http://x.example"),
            vec![
                TextPiece::Plain("Open ".into()),
                TextPiece::Link("https://e.example/a?b=1&c=2".into()),
                TextPiece::Plain(" now\nor ".into()),
                TextPiece::Link("http://x.example".into()),
            ]
        );
        assert_eq!(
            split_links("no links"),
            vec![TextPiece::Plain("no links".into())]
        );
    }

    #[test]
    fn links_in_the_html_frame_open_outside_it() {
        assert_eq!(
            open_links_outside("<html><head><title>t</title></head></html>"),
            r#"<html><head><base target="_blank"><title>t</title></head></html>"#
        );
        assert_eq!(
            open_links_outside("<p>x</p>"),
            r#"<base target="_blank"><p>x</p>"#
        );
    }
}
