//! The Partners tab through the real router on both engines: its server functions as the
//! browser calls them (who may call them, what each side sees, the refusals that change
//! nothing) and its pages rendered on the server, with and without JavaScript's help.

use entente_app::api::partners::PartnersList;
use entente_core::partnership::Action;
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use entente_server::store::outbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::app::{TestApp, call, spawn_app};
use crate::auth::browser;
use crate::helpers::{both_engines, fetch_count};
use crate::users::{error_json, invited_and_signed_in, ok_json, sign_up_admin};

const ACME: &str = "ada@acme.example";
const GLOBEX: &str = "gil@globex.example";

/// The Partners tab as `client` sees it, with `fields` (`status`, `q`).
async fn tab(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> PartnersList {
    let value = ok_json(call(app, client, "partners/list", fields).await).await;
    serde_json::from_value(value).expect("a PartnersList")
}

/// `(organization, status label, action labels)` of every row, as core's view decides.
fn rows(list: &PartnersList) -> Vec<(String, &'static str, Vec<&'static str>)> {
    list.rows
        .iter()
        .map(|row| {
            let seen = row.view_for(list.viewer).expect("a listed row is visible");
            let actions = seen.actions.iter().map(|action| action.label()).collect();
            (row.other_organization.clone(), seen.label.text(), actions)
        })
        .collect()
}

/// The id of the only row of `list`.
fn only_id(list: &PartnersList) -> String {
    assert_eq!(list.rows.len(), 1, "{list:?}");
    list.rows[0].request.id().to_string()
}

/// Calls one of the four changes and returns the answer.
async fn change(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    field: (&str, &str),
) -> reqwest::Response {
    call(app, client, &format!("partners/{endpoint}"), &[field]).await
}

/// The rows of every table a change may write, to prove a refusal wrote nothing.
async fn table_counts(store: &Store) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["partner_requests", "email_outbox", "contacts", "audit_log"] {
        counts.push(fetch_count(store, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts.push(
        fetch_count(
            store,
            "SELECT COUNT(*) FROM partner_requests WHERE status = 'accepted'",
        )
        .await,
    );
    counts
}

/// Two organizations, each with its signed-in Administrator.
async fn two_organizations(app: &TestApp) -> (reqwest::Client, reqwest::Client) {
    let acme = sign_up_admin(app, "Acme Studio", ACME).await;
    let globex = sign_up_admin(app, "Globex Print", GLOBEX).await;
    (acme, globex)
}

both_engines! {
    async fn a_request_is_seen_from_each_side_and_accepted_by_another_administrator(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let gwen = invited_and_signed_in(&app, &globex, "gwen@globex.example", "billing_administrator").await;

        ok_json(change(&app, &acme, "send", ("email", " GIL@Globex.example ")).await).await;
        let invitation = outbox::list_recent(&app.store, 10).await.unwrap();
        let invitation = invitation.iter().find(|email| email.kind == EmailKind::PartnerInvitation).expect("an invitation");
        assert_eq!(invitation.recipient, GLOBEX);
        assert!(invitation.text_body.contains("/settings/partners"), "{}", invitation.text_body);

        let sent = tab(&app, &acme, &[]).await;
        assert_eq!(rows(&sent), [("Globex Print".to_owned(), "Sent - Awaiting Approval", vec!["Delete"])]);
        assert_eq!(sent.rows[0].sent_by, "First Admin");
        assert_eq!(ok_json(call(&app, &acme, "partners/awaiting", &[]).await).await, json!(0));
        let received = tab(&app, &gwen, &[]).await;
        assert_eq!(
            rows(&received),
            [("Acme Studio".to_owned(), "Received - Awaiting Your Approval", vec!["Accept", "Reject and ignore", "Delete"])]
        );
        assert_eq!(ok_json(call(&app, &gwen, "partners/awaiting", &[]).await).await, json!(1));

        // Gwen is not the addressee: any administrator of the recipient side may accept.
        let id = only_id(&received);
        ok_json(change(&app, &gwen, "accept", ("request_id", &id)).await).await;
        for client in [&acme, &globex, &gwen] {
            let list = tab(&app, client, &[]).await;
            assert_eq!(rows(&list)[0].1, "Partner");
            assert_eq!(rows(&list)[0].2, ["Delete"]);
        }
        assert_eq!(ok_json(call(&app, &gwen, "partners/awaiting", &[]).await).await, json!(0));
        let accepted = outbox::list_recent(&app.store, 10).await.unwrap();
        assert!(accepted.iter().any(|email| email.kind == EmailKind::PartnerAccepted && email.recipient == ACME));
    }

    async fn filters_and_search_keep_the_rows_asked_for(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let initech = sign_up_admin(&app, "Initech Ünited", "ian@initech.example").await;
        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        ok_json(change(&app, &initech, "send", ("email", ACME)).await).await;

        // Both were sent within the same second, so their order is not part of the check.
        let organizations = |list: &PartnersList| -> Vec<String> {
            let mut names: Vec<String> = list.rows.iter().map(|row| row.other_organization.clone()).collect();
            names.sort();
            names
        };
        assert_eq!(organizations(&tab(&app, &acme, &[]).await), ["Globex Print", "Initech Ünited"]);
        assert_eq!(organizations(&tab(&app, &acme, &[("status", "awaiting")]).await), ["Initech Ünited"]);
        assert_eq!(organizations(&tab(&app, &acme, &[("status", "sent")]).await), ["Globex Print"]);
        assert_eq!(organizations(&tab(&app, &acme, &[("status", "partners")]).await), Vec::<String>::new());
        assert_eq!(organizations(&tab(&app, &acme, &[("q", "üNITED")]).await), ["Initech Ünited"]);
        assert_eq!(organizations(&tab(&app, &acme, &[("q", "gil@")]).await), ["Globex Print"]);
        assert_eq!(organizations(&tab(&app, &acme, &[("q", "%")]).await), Vec::<String>::new());
        // An unknown filter shows everything rather than failing.
        assert_eq!(tab(&app, &acme, &[("status", "bogus")]).await.rows.len(), 2);

        let rejected = only_id(&tab(&app, &globex, &[]).await);
        ok_json(change(&app, &globex, "reject", ("request_id", &rejected)).await).await;
        let list = tab(&app, &acme, &[("status", "rejected")]).await;
        assert_eq!(rows(&list), [("Globex Print".to_owned(), "Rejected", vec!["Delete"])]);
    }

    async fn only_administrators_may_call_the_partner_functions_and_a_refusal_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        let id = only_id(&tab(&app, &globex, &[]).await);
        let manager = invited_and_signed_in(&app, &globex, "max@globex.example", "manager").await;
        let standard = invited_and_signed_in(&app, &globex, "sue@globex.example", "standard").await;
        let before = table_counts(&app.store).await;

        for (who, client, expected) in [
            ("a Manager", &manager, json!("Forbidden")),
            ("a Standard user", &standard, json!("Forbidden")),
            ("a visitor", &browser(), json!("Unauthenticated")),
        ] {
            for (endpoint, field) in [
                ("list", ("status", "all")),
                ("send", ("email", ACME)),
                ("accept", ("request_id", id.as_str())),
                ("reject", ("request_id", id.as_str())),
                ("delete", ("request_id", id.as_str())),
            ] {
                let answer = error_json(change(&app, client, endpoint, field).await).await;
                assert_eq!(answer, expected, "{who} calling {endpoint}");
            }
            assert_eq!(ok_json(call(&app, client, "partners/awaiting", &[]).await).await, json!(0), "{who}");
        }
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn another_accounts_request_answers_not_found_like_an_unknown_id(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let initech = sign_up_admin(&app, "Initech", "ian@initech.example").await;
        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        let id = only_id(&tab(&app, &globex, &[]).await);
        let before = table_counts(&app.store).await;

        let unknown = uuid::Uuid::new_v4().to_string();
        for target in [id.as_str(), unknown.as_str(), "not-an-id", ""] {
            for endpoint in ["accept", "reject", "delete"] {
                let answer = error_json(change(&app, &initech, endpoint, ("request_id", target)).await).await;
                assert_eq!(answer, json!("NotFound"), "{endpoint} on {target:?}");
            }
        }
        assert!(tab(&app, &initech, &[]).await.rows.is_empty());
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn refused_changes_say_why_next_to_what_caused_them(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let sentence = |answer: &Value| answer["InvalidFields"][0]["message"].as_str().unwrap_or_default().to_owned();
        let before = table_counts(&app.store).await;
        for (address, expected) in [
            ("no-at-sign", "@"),
            ("nobody@nowhere.example", "No active Entente user has this email address."),
            (ACME, "someone in your own organization"),
        ] {
            let answer = error_json(change(&app, &acme, "send", ("email", address)).await).await;
            assert_eq!(answer["InvalidFields"][0]["field"], "email", "{address}: {answer}");
            assert!(sentence(&answer).contains(expected), "{address}: {answer}");
        }
        assert_eq!(table_counts(&app.store).await, before);

        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        let again = error_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        assert!(sentence(&again).contains("already invited this person"), "{again}");
        let mutual = error_json(change(&app, &globex, "send", ("email", ACME)).await).await;
        assert!(sentence(&mutual).contains("Accept it in your Partners tab"), "{mutual}");

        // The sender cannot answer its own request; the sentence comes from core.
        let id = only_id(&tab(&app, &acme, &[]).await);
        let answer = error_json(change(&app, &acme, "accept", ("request_id", &id)).await).await;
        assert_eq!(answer, json!({ "Invalid": "Only the organization that received this request can accept or reject it." }));
    }

    async fn the_tab_renders_each_side_with_only_the_offered_buttons(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;

        let (status, sender) = page(&app, &acme, "/settings/partners").await;
        assert_eq!(status, StatusCode::OK);
        assert!(sender.contains("<title>Partners · Entente</title>"), "{sender}");
        assert!(sender.contains(">Send new partner invitation</button>"), "{sender}");
        assert!(sender.contains("Sent - Awaiting Approval"), "{sender}");
        assert!(sender.contains(r#"aria-label="Delete: Globex Print""#), "{sender}");
        assert!(!sender.contains(r#"aria-label="Accept: Globex Print""#), "{sender}");
        assert!(!sender.contains("partners-badge"), "{sender}");

        let (_, recipient) = page(&app, &globex, "/settings/partners").await;
        assert!(recipient.contains("Received - Awaiting Your Approval"), "{recipient}");
        for action in Action::ALL {
            let button = format!(r#"aria-label="{}: Acme Studio""#, action.label());
            assert!(recipient.contains(&button), "{button} in {recipient}");
        }
        assert!(recipient.contains(r#"data-test="partners-badge""#), "{recipient}");
        assert!(recipient.contains(r#"action="/api/partners/accept""#), "{recipient}");

        let id = only_id(&tab(&app, &globex, &[]).await);
        let (_, confirm) = page(&app, &globex, &format!("/settings/partners?confirm=reject&request={id}")).await;
        assert!(confirm.contains("Reject and ignore the request from Acme Studio?"), "{confirm}");
        assert!(confirm.contains("Acme Studio sees it as Rejected and First Admin gets an email"), "{confirm}");
        assert!(confirm.contains(r#"action="/api/partners/reject""#), "{confirm}");

        let (_, filtered) = page(&app, &acme, "/settings/partners?status=sent&q=Glob").await;
        assert!(filtered.contains(r#"value="Glob""#), "the search box keeps the search: {filtered}");
        assert!(filtered.contains(r#"<option value="sent" selected>"#), "{filtered}");
        let (_, none_rejected) = page(&app, &acme, "/settings/partners?status=rejected").await;
        assert!(none_rejected.contains("No partner requests match this filter."), "{none_rejected}");
        assert!(!none_rejected.contains("No partners yet."), "{none_rejected}");

        let (_, invite) = page(&app, &acme, "/settings/partners?invite=1").await;
        assert!(invite.contains(">Send invitation</h2>") && invite.contains(r#"action="/api/partners/send""#), "{invite}");

        let (_, empty) = page(&app, &sign_up_admin(&app, "Initech", "ian@initech.example").await, "/settings/partners").await;
        assert!(empty.contains("No partners yet."), "{empty}");

        let standard = invited_and_signed_in(&app, &acme, "sue@acme.example", "standard").await;
        let (status, refused) = page(&app, &standard, "/settings/partners").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!refused.contains("Globex Print"), "{refused}");
        let (_, home) = page(&app, &standard, "/").await;
        assert!(!home.contains(r#"href="/settings/partners""#), "{home}");
        let (_, home) = page(&app, &acme, "/").await;
        assert!(home.contains(r#"href="/settings/partners""#), "{home}");
    }

    async fn without_javascript_a_confirmed_delete_posts_and_comes_back_to_the_tab(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        ok_json(change(&app, &acme, "send", ("email", GLOBEX)).await).await;
        let id = only_id(&tab(&app, &globex, &[]).await);
        let confirm_page = app.url(&format!("/settings/partners?confirm=delete&request={id}"));

        let response = form_post(&app, &globex, "delete", &id, &confirm_page).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, "/settings/partners?done=deleted");
        let (_, html) = page(&app, &globex, &location).await;
        assert!(html.contains("Deleted from your Partners tab."), "{html}");
        assert!(html.contains("No partners yet."), "{html}");
        assert_eq!(rows(&tab(&app, &acme, &[]).await)[0].1, "Rejected");

        // Deleting again: the refusal comes back to the page it was posted from, as a sentence.
        let response = form_post(&app, &globex, "delete", &id, &confirm_page).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let back = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.starts_with(&confirm_page), "{back}");
        let (_, html) = page(&app, &globex, &back).await;
        assert!(html.contains("We could not find that."), "{html}");
    }
}

/// The status and HTML of `path` as `client` sees it.
async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        app.url(path)
    };
    let response = client.get(url).send().await.unwrap();
    (response.status(), crate::app::html(response).await)
}

/// Posts a change as a browser without JavaScript does: an HTML form from `referer`.
async fn form_post(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    request_id: &str,
    referer: &str,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/partners/{endpoint}")))
        .header("origin", &app.address)
        .header("accept", "text/html")
        .header("referer", referer)
        .form(&[("request_id", request_id)])
        .send()
        .await
        .unwrap()
}
