//! The rules the database itself enforces for partner requests, on both engines.

use super::*;
use crate::support::both_engines;

both_engines! {
    async fn database_refuses_a_second_live_partnership_in_either_direction(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;

        for (from, to, address) in [(&acme, &globex, "other@globex.example"), (&globex, &acme, "admin@acme.example")] {
            let mut tx = store.begin_write().await.unwrap();
            let refused = partner_requests::insert(&mut tx, &restored(&accepted(from, to, address))).await;
            assert!(matches!(refused, Err(StoreError::Conflict(Conflict::AlreadyPartners))), "{refused:?}");
            drop(tx);
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM partner_requests").await, 1);
    }

    async fn database_refuses_a_second_open_request_to_the_same_address(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let pending = StoredPartnerRequest {
            status: RequestStatus::Pending,
            ..accepted(&acme, &globex, "admin@globex.example")
        };
        let mut tx = store.begin_write().await.unwrap();
        partner_requests::insert(&mut tx, &restored(&pending)).await.unwrap();
        tx.commit().await.unwrap();

        let again = StoredPartnerRequest { id: PartnerRequestId::from_uuid(Uuid::new_v4()), ..pending.clone() };
        let mut tx = store.begin_write().await.unwrap();
        let refused = partner_requests::insert(&mut tx, &restored(&again)).await;
        assert!(matches!(refused, Err(StoreError::Conflict(Conflict::DuplicateRequest))), "{refused:?}");
        drop(tx);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM partner_requests").await, 1);

        // Both sides deleting archives it (core's rule, checked by the database too) ...
        let mut tx = store.begin_write().await.unwrap();
        let both_deleted_unarchived = StoredPartnerRequest {
            status: RequestStatus::Rejected,
            deleted_by_sender: true,
            deleted_by_recipient: true,
            ..pending.clone()
        };
        partner_requests::update(&mut tx, &restored(&both_deleted_unarchived)).await.unwrap();
        tx.commit().await.unwrap();
        let stored = partner_requests::get(&store, pending.id).await.unwrap().unwrap();
        assert!(stored.is_archived());
        let archived = format!("SELECT COUNT(*) FROM partner_requests WHERE id = '{}' AND archived = TRUE", pending.id);
        assert_eq!(fetch_count(&store, &archived).await, 1, "stored archived, as the database requires");
        // ... after which the address may be invited again.
        let mut tx = store.begin_write().await.unwrap();
        partner_requests::insert(&mut tx, &restored(&again)).await.unwrap();
        let between = partner_requests::between(&mut tx, globex.id, acme.id).await.unwrap();
        assert_eq!(between.iter().map(PartnerRequest::id).collect::<Vec<_>>().len(), 2);
        tx.commit().await.unwrap();

        // The database refuses what no rule produces, and names it.
        let raw = format!(
            "INSERT INTO partner_requests (id, sender_account_id, sending_user_id, recipient_email, \
             recipient_account_id, status, deleted_by_sender, deleted_by_recipient, archived, \
             created_at, updated_at) VALUES ('{}', '{}', '{}', 'x@globex.example', '{}', \
             'rejected', TRUE, TRUE, FALSE, 0, 0)",
            Uuid::new_v4(), acme.id, acme.admin, globex.id,
        );
        let refused = execute_raw(&store, &raw).await.expect_err("both deleted but not archived");
        assert_eq!(refused.as_database_error().unwrap().kind(), sqlx::error::ErrorKind::CheckViolation);
    }
}
