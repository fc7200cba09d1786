//! The Partners tab in keyset pages on both engines: every row once, most recently changed
//! first, the count of matches, a search that pages too, and page links that work without
//! JavaScript.

use std::collections::BTreeSet;

use entente_app::api::partners::{ListPartners, PARTNERS_PAGE_SIZE, PartnersList};
use entente_core::partnership::{PartnerRequest, RequestStatus, StoredPartnerRequest};
use entente_core::{Email, PartnerRequestId, Timestamp};
use entente_server::store::Store;
use entente_server::store::partner_requests;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::fixtures::Organization;

/// More rows than two pages hold.
const ROWS: usize = PARTNERS_PAGE_SIZE as usize * 2 + 7;

/// Stores `ROWS` pending invitations from `from` to `to`'s addresses, each changed a second
/// after the one before; every third one goes to a `vip` address.
async fn many_invitations(store: &Store, from: &Organization, to: &Organization) {
    let mut tx = store.begin_write().await.unwrap();
    for n in 0..ROWS {
        let who = if n % 3 == 0 { "vip" } else { "user" };
        let stored = StoredPartnerRequest {
            id: PartnerRequestId::from_uuid(uuid::Uuid::new_v4()),
            sender_account: from.account_id,
            sending_user: from.admin_id,
            recipient_email: Email::parse(&format!("{who}{n}@globex.example")).unwrap(),
            recipient_account: to.account_id,
            status: RequestStatus::Pending,
            deleted_by_sender: false,
            deleted_by_recipient: false,
            archived: false,
            created_at: Timestamp(1_000),
            updated_at: Timestamp(1_000 + n as i64),
        };
        let request = PartnerRequest::restore(stored).unwrap();
        partner_requests::insert(&mut tx, &request).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Every page of the tab for `q`, following `next` from the first.
async fn all_pages(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<PartnersList> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let list = ListPartners {
            status: Some("sent".to_owned()),
            q: Some(q.to_owned()),
            after: after.clone(),
        };
        let page = app.call(client, list).await.expect("a page");
        after = page.next.clone();
        pages.push(page);
        if after.is_none() {
            return pages;
        }
    }
}

both_engines! {
    async fn pages_hold_every_row_once_newest_first_with_the_count_of_matches(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        many_invitations(&app.store, &acme, &globex).await;

        let pages = all_pages(&app, &acme.admin, "").await;
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].rows.len(), PARTNERS_PAGE_SIZE as usize);
        let times: Vec<i64> = pages
            .iter()
            .flat_map(|page| page.rows.iter().map(|row| row.request.updated_at().0))
            .collect();
        assert_eq!(times.len(), ROWS);
        assert!(times.windows(2).all(|pair| pair[0] > pair[1]), "newest first: {times:?}");
        let ids: BTreeSet<_> = pages
            .iter()
            .flat_map(|page| page.rows.iter().map(|row| row.request.id()))
            .collect();
        assert_eq!(ids.len(), ROWS, "every row once");
        assert!(pages.iter().all(|page| page.matched as usize == ROWS));

        // A search pages the same way, and counts only what it matches.
        let vip = all_pages(&app, &acme.admin, "VIP").await;
        let found: usize = vip.iter().map(|page| page.rows.len()).sum();
        assert_eq!(found, ROWS.div_ceil(3));
        assert_eq!(vip[0].matched as usize, found);
        assert!(vip.iter().flat_map(|page| &page.rows).all(|row| row.request.recipient_email().as_str().starts_with("vip")));
    }

    async fn page_links_work_without_javascript_and_keep_the_filter(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        many_invitations(&app.store, &acme, &globex).await;

        let (status, first) = app.page(&acme.admin, "/settings/partners?status=sent").await;
        assert_eq!(status, StatusCode::OK);
        assert!(first.contains(&format!("{ROWS} matching rows")), "{first}");
        let newest = format!("user{}@globex.example", ROWS - 1);
        assert!(first.contains(&newest), "{first}");
        let start = first.find(r#"href="/settings/partners?status=sent&amp;after="#).expect("a next page link");
        let href = &first[start + 6..];
        let href = href[..href.find('"').unwrap()].replace("&amp;", "&");
        assert!(first.contains(">Next page</a>"), "{first}");

        let (status, second) = app.page(&acme.admin, &href).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!second.contains(&newest), "the second page starts after the first: {second}");
        assert!(second.contains(">First page</a>"), "{second}");
        assert!(second.contains(r#"<option value="sent" selected>"#), "{second}");
        let oldest = "vip0@globex.example";
        assert!(!second.contains(oldest), "{second}");

        let (status, refused) = app.page(&acme.admin, "/settings/partners?after=garbage").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.contains("This page link is not valid."), "{refused}");
    }
}
