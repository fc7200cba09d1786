//! The Partners tab through the real router on both engines: its server functions as the
//! browser calls them (who may call them, what each side sees, the refusals that change
//! nothing, with their statuses) and its pages rendered on the server, with and without
//! JavaScript's help. [`filters`] proves the SQL filters against core's view; [`paging`] the
//! keyset pages.

mod filters;
mod paging;

use entente_app::api::partners::{
    ActOnPartnerRequest, ListPartners, PartnerRequestsAwaiting, PartnersList, SendPartnerRequest,
};
use entente_app::error::AppError;
use entente_core::Profile;
use entente_core::partnership::Action;
use entente_server::mail::EmailKind;
use entente_server::store::Store;
use entente_server::store::outbox;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{Organization, browser};

const ACME: &str = "ada@acme.example";
const GLOBEX: &str = "gil@globex.example";

/// The Partners tab as `client` sees it, filtered by `status` and searched by `q`.
pub(crate) async fn tab_filtered(
    app: &TestApp,
    client: &reqwest::Client,
    status: &str,
    q: &str,
) -> PartnersList {
    let list = ListPartners {
        status: Some(status.to_owned()),
        q: Some(q.to_owned()),
        after: None,
    };
    app.call(client, list).await.expect("the tab")
}

/// The whole first page of the Partners tab as `client` sees it.
pub(crate) async fn tab(app: &TestApp, client: &reqwest::Client) -> PartnersList {
    tab_filtered(app, client, "all", "").await
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

/// Sends an invitation to `email` as `client`.
pub(crate) async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> Result<(), Refused> {
    let send = SendPartnerRequest {
        email: email.to_owned(),
    };
    app.call(client, send).await
}

/// Performs a row action on the request `request_id` as `client`.
pub(crate) async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    action: &str,
    request_id: &str,
) -> Result<(), Refused> {
    let act = ActOnPartnerRequest {
        action: action.to_owned(),
        request_id: request_id.to_owned(),
    };
    app.call(client, act).await
}

/// How many requests await `client`'s organization (the badge).
async fn awaiting(app: &TestApp, client: &reqwest::Client) -> u32 {
    app.call(client, PartnerRequestsAwaiting {})
        .await
        .expect("the badge")
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
async fn two_organizations(app: &TestApp) -> (Organization, Organization) {
    let acme = app.sign_up("Acme Studio", ACME).await;
    let globex = app.sign_up("Globex Print", GLOBEX).await;
    (acme, globex)
}

both_engines! {
    async fn a_request_is_seen_from_each_side_and_accepted_by_another_administrator(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let gwen = app.invited_and_signed_in(&globex.admin, "gwen@globex.example", Profile::BillingAdministrator).await;

        send(&app, &acme.admin, " GIL@Globex.example ").await.unwrap();
        let invitation = outbox::list_recent(&app.store, 10).await.unwrap();
        let invitation = invitation.iter().find(|email| email.kind == EmailKind::PartnerInvitation).expect("an invitation");
        assert_eq!(invitation.recipient, GLOBEX);
        assert!(invitation.text_body.contains("/settings/partners"), "{}", invitation.text_body);

        let sent = tab(&app, &acme.admin).await;
        assert_eq!(rows(&sent), [("Globex Print".to_owned(), "Sent - Awaiting Approval", vec!["Delete"])]);
        assert_eq!(sent.rows[0].sent_by, "First Admin");
        assert_eq!(sent.rows[0].sent_by_email, ACME, "the row shows who is behind the name");
        assert_eq!(awaiting(&app, &acme.admin).await, 0);
        let received = tab(&app, &gwen).await;
        assert_eq!(
            rows(&received),
            [("Acme Studio".to_owned(), "Received - Awaiting Your Approval", vec!["Accept", "Reject and ignore", "Delete"])]
        );
        assert_eq!(awaiting(&app, &gwen).await, 1);

        // Gwen is not the addressee: any administrator of the recipient side may accept.
        let id = only_id(&received);
        act(&app, &gwen, "accept", &id).await.unwrap();
        for client in [&acme.admin, &globex.admin, &gwen] {
            let list = tab(&app, client).await;
            assert_eq!(rows(&list)[0].1, "Partner");
            assert_eq!(rows(&list)[0].2, ["Delete"]);
        }
        assert_eq!(awaiting(&app, &gwen).await, 0);
        let accepted = outbox::list_recent(&app.store, 10).await.unwrap();
        assert!(accepted.iter().any(|email| email.kind == EmailKind::PartnerAccepted && email.recipient == ACME));
    }

    async fn filters_and_search_keep_the_rows_asked_for(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let initech = app.sign_up("Initech Ünited", "ian@initech.example").await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();
        send(&app, &initech.admin, ACME).await.unwrap();

        // Both were sent within the same second, so their order is not part of the check.
        let organizations = |list: &PartnersList| -> Vec<String> {
            let mut names: Vec<String> = list.rows.iter().map(|row| row.other_organization.clone()).collect();
            names.sort();
            names
        };
        let filtered = |status: &'static str, q: &'static str| tab_filtered(&app, &acme.admin, status, q);
        assert_eq!(organizations(&filtered("all", "").await), ["Globex Print", "Initech Ünited"]);
        assert_eq!(organizations(&filtered("awaiting", "").await), ["Initech Ünited"]);
        assert_eq!(organizations(&filtered("sent", "").await), ["Globex Print"]);
        assert_eq!(organizations(&filtered("partners", "").await), Vec::<String>::new());
        assert_eq!(organizations(&filtered("all", "üNITED").await), ["Initech Ünited"]);
        assert_eq!(organizations(&filtered("all", "gil@").await), ["Globex Print"]);
        assert_eq!(organizations(&filtered("all", "%").await), Vec::<String>::new());
        assert_eq!(organizations(&filtered("all", "_").await), Vec::<String>::new());
        // An unknown filter shows everything rather than failing.
        assert_eq!(filtered("bogus", "").await.rows.len(), 2);
        assert_eq!(filtered("all", "").await.matched, 2);
        assert_eq!(filtered("all", "glob").await.matched, 1);

        let rejected = only_id(&tab(&app, &globex.admin).await);
        act(&app, &globex.admin, "reject_and_ignore", &rejected).await.unwrap();
        let list = filtered("rejected", "").await;
        assert_eq!(rows(&list), [("Globex Print".to_owned(), "Rejected", vec!["Delete"])]);
    }

    async fn only_administrators_may_call_the_partner_functions_and_a_refusal_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();
        let id = only_id(&tab(&app, &globex.admin).await);
        let manager = app.invited_and_signed_in(&globex.admin, "max@globex.example", Profile::Manager).await;
        let standard = app.invited_and_signed_in(&globex.admin, "sue@globex.example", Profile::Standard).await;
        let before = table_counts(&app.store).await;

        for (who, client, status, expected) in [
            ("a Manager", &manager, StatusCode::FORBIDDEN, AppError::Forbidden),
            ("a Standard user", &standard, StatusCode::FORBIDDEN, AppError::Forbidden),
            ("a visitor", &browser(), StatusCode::UNAUTHORIZED, AppError::Unauthenticated),
        ] {
            let list = app.call(client, ListPartners { status: None, q: None, after: None }).await;
            assert_eq!(list.unwrap_err().with_status(status), expected, "{who} listing");
            assert_eq!(send(&app, client, ACME).await.unwrap_err().with_status(status), expected, "{who} sending");
            for action in Action::ALL {
                let answer = act(&app, client, action.as_str(), &id).await;
                assert_eq!(answer.unwrap_err().with_status(status), expected, "{who}: {action:?}");
            }
            assert_eq!(awaiting(&app, client).await, 0, "{who}");
        }
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn another_accounts_request_answers_not_found_like_an_unknown_id(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let initech = app.sign_up("Initech", "ian@initech.example").await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();
        let id = only_id(&tab(&app, &globex.admin).await);
        let before = table_counts(&app.store).await;

        let unknown = uuid::Uuid::new_v4().to_string();
        for target in [id.as_str(), unknown.as_str(), "not-an-id", ""] {
            for action in Action::ALL {
                let answer = act(&app, &initech.admin, action.as_str(), target).await;
                assert_eq!(answer.unwrap_err().with_status(StatusCode::NOT_FOUND), AppError::NotFound, "{action:?} on {target:?}");
            }
        }
        assert!(tab(&app, &initech.admin).await.rows.is_empty());
        let bogus = act(&app, &globex.admin, "approve", &id).await.unwrap_err();
        assert!(matches!(bogus.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)));
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn refused_changes_say_why_next_to_what_caused_them_with_their_status(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        let before = table_counts(&app.store).await;
        for (address, expected) in [
            ("no-at-sign", "@"),
            ("nobody@nowhere.example", "No active Entente user has this email address."),
            (ACME, "someone in your own organization"),
        ] {
            let refused = send(&app, &acme.admin, address).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{address}");
            assert!(refused.field("email").contains(expected), "{address}: {refused:?}");
        }
        assert_eq!(table_counts(&app.store).await, before);

        send(&app, &acme.admin, GLOBEX).await.unwrap();
        let again = send(&app, &acme.admin, GLOBEX).await.unwrap_err();
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.field("email").contains("already invited this person"), "{again:?}");
        let mutual = send(&app, &globex.admin, ACME).await.unwrap_err();
        assert_eq!(mutual.status, StatusCode::CONFLICT);
        assert!(mutual.field("email").contains("Accept it in your Partners tab"), "{mutual:?}");

        // The sender cannot answer its own request; the sentence comes from core.
        let id = only_id(&tab(&app, &acme.admin).await);
        let answer = act(&app, &acme.admin, "accept", &id).await.unwrap_err();
        assert_eq!(
            answer.with_status(StatusCode::CONFLICT),
            AppError::Conflict("Only the organization that received this request can accept or reject it.".to_owned())
        );
        // A bad page link is refused as invalid input.
        let bad_page = ListPartners { status: None, q: None, after: Some("garbage".to_owned()) };
        let refused = app.call(&acme.admin, bad_page).await.unwrap_err();
        assert!(matches!(refused.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(_)));
    }

    async fn the_tab_renders_each_side_with_only_the_offered_buttons(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();

        let (status, sender) = app.page(&acme.admin, "/settings/partners").await;
        assert_eq!(status, StatusCode::OK);
        assert!(sender.contains("<title>Partners · Entente</title>"), "{sender}");
        assert!(sender.contains(">Send new partner invitation</button>"), "{sender}");
        assert!(sender.contains("Sent - Awaiting Approval"), "{sender}");
        assert!(sender.contains(r#"data-test="partner-sent-by-email" class="muted small">ada@acme.example<"#), "{sender}");
        assert!(sender.contains(r#"aria-label="Delete: Globex Print""#), "{sender}");
        assert!(!sender.contains(r#"aria-label="Accept: Globex Print""#), "{sender}");
        assert!(!sender.contains("partners-badge"), "{sender}");

        let (_, recipient) = app.page(&globex.admin, "/settings/partners").await;
        assert!(recipient.contains("Received - Awaiting Your Approval"), "{recipient}");
        for action in Action::ALL {
            let button = format!(r#"aria-label="{}: Acme Studio""#, action.label());
            assert!(recipient.contains(&button), "{button} in {recipient}");
        }
        assert!(recipient.contains(r#"data-test="partners-badge""#), "{recipient}");
        assert!(recipient.contains(r#"action="/api/partners/act""#), "{recipient}");
        assert!(recipient.contains(r#"name="action" value="accept""#), "{recipient}");

        let id = only_id(&tab(&app, &globex.admin).await);
        let (_, confirm) = app.page(&globex.admin, &format!("/settings/partners?confirm=reject_and_ignore&request={id}")).await;
        assert!(confirm.contains("Reject and ignore the request from Acme Studio?"), "{confirm}");
        assert!(confirm.contains("Acme Studio sees it as Rejected and First Admin gets an email"), "{confirm}");
        assert!(confirm.contains(r#"name="action" value="reject_and_ignore""#), "{confirm}");

        let (_, filtered) = app.page(&acme.admin, "/settings/partners?status=sent&q=Glob").await;
        assert!(filtered.contains(r#"value="Glob""#), "the search box keeps the search: {filtered}");
        assert!(filtered.contains(r#"<option value="sent" selected>"#), "{filtered}");
        let (_, none_rejected) = app.page(&acme.admin, "/settings/partners?status=rejected").await;
        assert!(none_rejected.contains("No partner requests match this filter."), "{none_rejected}");
        assert!(!none_rejected.contains("No partners yet."), "{none_rejected}");

        let (_, invite) = app.page(&acme.admin, "/settings/partners?invite=1").await;
        assert!(invite.contains(">Send invitation</h2>") && invite.contains(r#"action="/api/partners/send""#), "{invite}");

        let initech = app.sign_up("Initech", "ian@initech.example").await;
        let (_, empty) = app.page(&initech.admin, "/settings/partners").await;
        assert!(empty.contains("No partners yet."), "{empty}");

        let standard = app.invited_and_signed_in(&acme.admin, "sue@acme.example", Profile::Standard).await;
        let (status, refused) = app.page(&standard, "/settings/partners").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!refused.contains("Globex Print"), "{refused}");
        let (_, home) = app.page(&standard, "/").await;
        assert!(!home.contains(r#"href="/settings/partners""#), "{home}");
        let (_, home) = app.page(&acme.admin, "/").await;
        assert!(home.contains(r#"href="/settings/partners""#), "{home}");
    }

    async fn a_request_from_a_look_alike_of_a_partner_is_flagged_and_accept_asks_first(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();
        act(&app, &globex.admin, "accept", &only_id(&tab(&app, &globex.admin).await)).await.unwrap();
        // Someone else signs up as "G1obex Print" (a one for the l) and invites Acme.
        let imitation = app.sign_up("G1obex Print", "gil@g1obex.example").await;
        send(&app, &imitation.admin, ACME).await.unwrap();
        let honest = app.sign_up("Initech", "ian@initech.example").await;
        send(&app, &honest.admin, ACME).await.unwrap();

        let list = tab(&app, &acme.admin).await;
        let looks_like = |organization: &str| {
            list.rows.iter().find(|row| row.other_organization == organization).map(|row| row.looks_like.clone())
        };
        assert_eq!(looks_like("G1obex Print"), Some(Some("Globex Print".to_owned())));
        assert_eq!(looks_like("Initech"), Some(None));
        assert_eq!(looks_like("Globex Print"), Some(None), "a partner is not its own look-alike");

        let (_, page) = app.page(&acme.admin, "/settings/partners").await;
        assert!(page.contains("Looks like your partner Globex Print"), "{page}");
        let id = list.rows.iter().find(|row| row.other_organization == "G1obex Print").unwrap().request.id();
        let (_, confirm) = app.page(&acme.admin, &format!("/settings/partners?confirm=accept&request={id}")).await;
        assert!(confirm.contains("Accept the request from G1obex Print?"), "{confirm}");
        assert!(confirm.contains(r#"data-test="confirmation-look-alike""#), "{confirm}");
        assert!(confirm.contains("gil@g1obex.example"), "{confirm}");
    }

    async fn without_javascript_a_confirmed_delete_posts_and_comes_back_to_the_tab(store: Store) {
        let app = spawn_app(store).await;
        let (acme, globex) = two_organizations(&app).await;
        send(&app, &acme.admin, GLOBEX).await.unwrap();
        let id = only_id(&tab(&app, &globex.admin).await);
        let confirm_page = app.url(&format!("/settings/partners?confirm=delete&request={id}"));
        let fields = [("action", "delete"), ("request_id", id.as_str())];

        let response = app.post_html_form(&globex.admin, "/api/partners/act", &fields, &confirm_page).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, "/settings/partners?done=delete");
        let (_, html) = app.page(&globex.admin, &location).await;
        assert!(html.contains("Deleted from your Partners tab."), "{html}");
        assert!(html.contains("No partners yet."), "{html}");
        assert_eq!(rows(&tab(&app, &acme.admin).await)[0].1, "Rejected");

        // Deleting again: the refusal comes back to the page it was posted from, as a sentence.
        let response = app.post_html_form(&globex.admin, "/api/partners/act", &fields, &confirm_page).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let back = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.starts_with(&confirm_page), "{back}");
        let (_, html) = app.page(&globex.admin, &back).await;
        assert!(html.contains("We could not find that."), "{html}");
    }
}
