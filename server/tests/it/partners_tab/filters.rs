//! The Partners tab's SQL filters against `entente_core::partnership::view`, on both engines:
//! for every stored state a request can be in (status × deletion flags × archived, in both
//! directions) and every viewer, each filter lists exactly the rows core labels its way, its
//! count matches, and the badge counts exactly the rows core shows as "Received - Awaiting
//! Your Approval". The SQL restates core's view only because SQL can use the indexes; this
//! table keeps the two from drifting apart.

use std::collections::BTreeSet;

use entente_core::partnership::{
    PartnerRequest, RequestStatus, RowLabel, StatusFilter, StoredPartnerRequest, view,
};
use entente_core::{
    AccountId, AccountName, Email, PartnerRequestId, PersonName, Timestamp, UserId,
};
use entente_server::store::Store;
use entente_server::store::accounts::{self, NewAccount};
use entente_server::store::partner_requests::{self, tab};

use crate::support::both_engines;

/// Creates an organization with one Administrator and returns both ids.
async fn organization(store: &Store, name: &str, email: &str) -> (AccountId, UserId) {
    let mut tx = store.begin_write().await.unwrap();
    let new_account = NewAccount {
        account_name: AccountName::parse(name).unwrap(),
        admin_name: PersonName::parse("Admin").unwrap(),
        admin_email: Email::parse(email).unwrap(),
        password_hash: None,
    };
    let ids = accounts::create_account_with_admin(&mut tx, &new_account, Timestamp(1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

/// Every stored shape `PartnerRequest::restore` accepts, from `from` (its admin `by`) to `to`,
/// each to its own address; the live partnership only once per pair.
fn every_state(
    from: AccountId,
    by: UserId,
    to: AccountId,
    with_partnership: bool,
    first: u32,
) -> Vec<PartnerRequest> {
    let mut requests = Vec::new();
    let mut n = first;
    for status in RequestStatus::ALL {
        for deleted_by_sender in [false, true] {
            for deleted_by_recipient in [false, true] {
                for archived in [false, true] {
                    n += 1;
                    let stored = StoredPartnerRequest {
                        id: PartnerRequestId::from_uuid(uuid::Uuid::new_v4()),
                        sender_account: from,
                        sending_user: by,
                        recipient_email: Email::parse(&format!("user{n}@other.example")).unwrap(),
                        recipient_account: to,
                        status,
                        deleted_by_sender,
                        deleted_by_recipient,
                        archived,
                        created_at: Timestamp(1_000 + i64::from(n)),
                        updated_at: Timestamp(2_000 + i64::from(n)),
                    };
                    let Ok(request) = PartnerRequest::restore(stored) else {
                        continue;
                    };
                    if request.is_partnership() && !with_partnership {
                        continue;
                    }
                    requests.push(request);
                }
            }
        }
    }
    requests
}

/// The ids core shows `viewer` under `filter`.
fn expected(
    requests: &[PartnerRequest],
    viewer: AccountId,
    filter: StatusFilter,
) -> BTreeSet<PartnerRequestId> {
    requests
        .iter()
        .filter(|request| view(request, viewer).is_some_and(|row| filter.admits(row.label)))
        .map(PartnerRequest::id)
        .collect()
}

both_engines! {
    async fn each_filter_and_the_badge_keep_exactly_the_rows_core_labels_that_way(store: Store) {
        let (s, s_admin) = organization(&store, "Sender Org", "s@s.example").await;
        let (r, r_admin) = organization(&store, "Recipient Org", "r@r.example").await;
        let (x, _) = organization(&store, "Unrelated Org", "x@x.example").await;
        let mut requests = every_state(s, s_admin, r, true, 0);
        requests.extend(every_state(r, r_admin, s, false, 100));
        let mut tx = store.begin_write().await.unwrap();
        for request in &requests {
            partner_requests::insert(&mut tx, request).await.unwrap();
        }
        tx.commit().await.unwrap();
        // Pending, accepted, rejected, rejected and deleted by either side, archived, both ways.
        assert!(requests.len() >= 12, "{}", requests.len());

        let mut checked = 0;
        for viewer in [s, r, x] {
            for filter in StatusFilter::ALL {
                let query = tab::TabQuery { filter, search: String::new(), after: None, limit: 1_000 };
                let page = tab::list_for_tab(&store, viewer, &query).await.unwrap();
                let listed: BTreeSet<PartnerRequestId> =
                    page.rows.iter().map(|row| row.request.id()).collect();
                let wanted = expected(&requests, viewer, filter);
                assert_eq!(listed, wanted, "{filter:?} for viewer {viewer}");
                assert_eq!(listed.len(), page.rows.len(), "no row twice");
                let count = tab::count_for_tab(&store, viewer, filter, "").await.unwrap();
                assert_eq!(count as usize, wanted.len(), "count of {filter:?} for {viewer}");
                checked += wanted.len();
            }
            let badge = tab::count_awaiting_approval(&store, viewer).await.unwrap();
            let awaiting = requests
                .iter()
                .filter(|request| {
                    view(request, viewer).is_some_and(|row| row.label == RowLabel::ReceivedAwaitingYourApproval)
                })
                .count();
            assert_eq!(badge as usize, awaiting, "badge of {viewer}");
        }
        assert!(checked > 0);
    }
}
