//! The Activity page on both engines: the audit trail as sentences, newest first, in keyset
//! pages; only administrators see it, and only their own account's entries.

use entente_app::api::activity::ActivityPage;
use entente_server::store::Store;
use reqwest::StatusCode;
use serde_json::json;

use crate::app::{TestApp, call, spawn_app};
use crate::helpers::{both_engines, execute_raw};
use crate::users::{error_json, invited_and_signed_in, ok_json, sign_up_admin};

async fn activity(app: &TestApp, client: &reqwest::Client, after: Option<&str>) -> ActivityPage {
    let fields: Vec<(&str, &str)> = after.map(|token| ("after", token)).into_iter().collect();
    serde_json::from_value(ok_json(call(app, client, "activity/list", &fields).await).await)
        .unwrap()
}

both_engines! {
    async fn the_activity_page_tells_what_happened_newest_first_in_pages(store: Store) {
        let app = spawn_app(store).await;
        let acme = sign_up_admin(&app, "Acme Studio", "ada@acme.example").await;
        let globex = sign_up_admin(&app, "Globex Print", "gil@globex.example").await;
        let initech = sign_up_admin(&app, "Initech", "ian@initech.example").await;
        assert!(activity(&app, &acme, None).await.entries.is_empty());

        ok_json(call(&app, &acme, "partners/send", &[("email", "gil@globex.example")]).await).await;
        let list: serde_json::Value = ok_json(call(&app, &globex, "partners/list", &[]).await).await;
        let id = list["rows"][0]["request"]["id"].as_str().unwrap().to_owned();
        ok_json(call(&app, &globex, "partners/accept", &[("request_id", &id)]).await).await;
        // Spread the entries over distinct seconds so "newest first" is observable.
        execute_raw(&app.store, "UPDATE audit_log SET created_at = created_at - 60 WHERE action = 'partner_request_sent'").await.unwrap();

        let page = activity(&app, &acme, None).await;
        let what: Vec<&str> = page.entries.iter().map(|entry| entry.what.as_str()).collect();
        assert_eq!(what, [
            "Globex Print accepted the partner invitation from Acme Studio (sent to gil@globex.example): they are partners.",
            "Acme Studio sent a partner invitation to gil@globex.example (Globex Print).",
        ]);
        assert_eq!(page.entries[0].who.as_deref(), Some("First Admin (Globex Print)"));
        assert_eq!(page.next, None);
        assert_eq!(activity(&app, &globex, None).await.entries.len(), 2);
        assert!(activity(&app, &initech, None).await.entries.is_empty(), "another account sees nothing");

        // Sixty more entries (62 in all): fifty on the first page, the other twelve on the next.
        for _ in 0..30 {
            ok_json(call(&app, &initech, "partners/send", &[("email", "ada@acme.example")]).await).await;
            let list: serde_json::Value = ok_json(call(&app, &initech, "partners/list", &[("status", "sent")]).await).await;
            let id = list["rows"][0]["request"]["id"].as_str().unwrap().to_owned();
            ok_json(call(&app, &initech, "partners/delete", &[("request_id", &id)]).await).await;
        }
        let first = activity(&app, &acme, None).await;
        assert_eq!(first.entries.len(), 50);
        let token = first.next.clone().expect("an older page");
        let second = activity(&app, &acme, Some(&token)).await;
        assert_eq!(second.entries.len(), 12);
        assert_eq!(second.next, None);
        assert!(first.entries.windows(2).all(|pair| pair[0].at >= pair[1].at));

        let refused = error_json(call(&app, &acme, "activity/list", &[("after", "not-a-token")]).await).await;
        assert_eq!(refused, json!({ "Invalid": "This page link is not valid. Start again from the newest entries." }));

        let (status, html) = {
            let response = acme.get(app.url("/settings/activity")).send().await.unwrap();
            (response.status(), crate::app::html(response).await)
        };
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<title>Activity · Entente</title>"), "{html}");
        assert!(html.contains("withdrew the partner invitation to ada@acme.example"), "{html}");
        assert!(html.contains("Older entries"), "{html}");

        let manager = invited_and_signed_in(&app, &acme, "max@acme.example", "manager").await;
        assert_eq!(error_json(call(&app, &manager, "activity/list", &[]).await).await, json!("Forbidden"));
        let response = manager.get(app.url("/settings/activity")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}
