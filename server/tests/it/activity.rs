//! The Activity page on both engines: the audit trail, newest first, in keyset pages, phrased as
//! sentences by the page; only administrators see it, and only their own account's entries.

use entente_app::api::activity::{ActivityActor, ActivityEvent, ActivityPage, ListActivity};
use entente_app::error::AppError;
use entente_core::Profile;
use entente_core::partnership::AuditKind;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::partners_tab::{act, send, tab, tab_filtered};
use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::engines::execute_raw;

/// One page of the Activity page as `client` sees it.
async fn activity(app: &TestApp, client: &reqwest::Client, after: Option<&str>) -> ActivityPage {
    let list = ListActivity {
        after: after.map(str::to_owned),
    };
    app.call(client, list).await.expect("the activity")
}

/// A partner entry about the request from Acme Studio to Gil at Globex Print.
fn acme_to_gil(kind: AuditKind) -> ActivityEvent {
    ActivityEvent::Partner {
        kind,
        sender: "Acme Studio".to_owned(),
        recipient: "Globex Print".to_owned(),
        email: "gil@globex.example".to_owned(),
    }
}

both_engines! {
    async fn the_activity_page_tells_what_happened_newest_first_in_pages(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let initech = app.sign_up("Initech", "ian@initech.example").await;
        assert!(activity(&app, &acme.admin, None).await.entries.is_empty());

        send(&app, &acme.admin, "gil@globex.example").await.expect("send");
        let id = tab(&app, &globex.admin).await.rows[0].request.id().to_string();
        act(&app, &globex.admin, "accept", &id).await.expect("accept");
        // Spread the entries over distinct seconds so "newest first" is observable.
        execute_raw(&app.store, "UPDATE audit_log SET created_at = created_at - 60 WHERE action = 'partner_request_sent'").await.unwrap();

        let page = activity(&app, &acme.admin, None).await;
        let what: Vec<&ActivityEvent> = page.entries.iter().map(|entry| &entry.what).collect();
        assert_eq!(what, [&acme_to_gil(AuditKind::RequestAccepted), &acme_to_gil(AuditKind::RequestSent)]);
        let gil = ActivityActor { name: "First Admin".to_owned(), organization: "Globex Print".to_owned() };
        assert_eq!(page.entries[0].who.as_ref(), Some(&gil));
        assert_eq!(page.next, None);
        // The page phrases them, newest first.
        let (status, html) = app.page(&acme.admin, "/settings/activity").await;
        assert_eq!(status, StatusCode::OK);
        let accepted = html
            .find("Globex Print accepted the partner invitation from Acme Studio (sent to gil@globex.example): they are partners.")
            .unwrap_or_else(|| panic!("the acceptance in {html}"));
        let sent = html
            .find("Acme Studio sent a partner invitation to gil@globex.example (Globex Print).")
            .unwrap_or_else(|| panic!("the invitation in {html}"));
        assert!(accepted < sent, "newest first: {html}");
        assert!(html.contains("First Admin (Globex Print)"), "{html}");
        assert_eq!(activity(&app, &globex.admin, None).await.entries.len(), 2);
        assert!(activity(&app, &initech.admin, None).await.entries.is_empty(), "another account sees nothing");

        // Sixty more entries (62 in all): fifty on the first page, the other twelve on the next.
        for _ in 0..30 {
            send(&app, &initech.admin, "ada@acme.example").await.expect("send");
            let sent = tab_filtered(&app, &initech.admin, "sent", "").await;
            let id = sent.rows[0].request.id().to_string();
            act(&app, &initech.admin, "delete", &id).await.expect("withdraw");
        }
        let first = activity(&app, &acme.admin, None).await;
        assert_eq!(first.entries.len(), 50);
        let token = first.next.clone().expect("an older page");
        let second = activity(&app, &acme.admin, Some(&token)).await;
        assert_eq!(second.entries.len(), 12);
        assert_eq!(second.next, None);
        assert!(first.entries.windows(2).all(|pair| pair[0].at >= pair[1].at));

        let bad_link = ListActivity { after: Some("not-a-token".to_owned()) };
        let refused = app.call(&acme.admin, bad_link).await.unwrap_err();
        assert_eq!(
            refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
            AppError::Invalid("This page link is not valid. Start again from the newest entries.".to_owned())
        );

        let (status, html) = app.page(&acme.admin, "/settings/activity").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Activity · Entente</title>"), "{html}");
        assert!(html.contains("Initech withdrew the partner invitation to ada@acme.example (Acme Studio)."), "{html}");
        assert!(html.contains("Older entries"), "{html}");

        let manager = app.invited_and_signed_in(&acme.admin, "max@acme.example", Profile::Manager).await;
        let refused = app.call(&manager, ListActivity { after: None }).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::FORBIDDEN), AppError::Forbidden);
        let (status, _) = app.page(&manager, "/settings/activity").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
