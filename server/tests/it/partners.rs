//! The partners service on both engines: each transition with its emails, sync and audit
//! entries, the refusals that change nothing, and concurrent changes to one pair.

use std::sync::Arc;

use entente_core::partnership::{
    Action, ActionError, AuditKind, INVITATION_WINDOW_SECONDS, MAX_INVITATIONS_PER_HOUR,
    PartnerRequest, RequestStatus, SendError, Side,
};
use entente_core::{AccountId, PartnerRequestId, Timestamp, UserId};
use entente_server::mail::EmailKind;
use entente_server::mail::links::Links;
use entente_server::partners::{Partners, PartnersError};
use entente_server::store::audit::AuditEvent;
use entente_server::store::outbox::{self, OutboxRecord};
use entente_server::store::{Store, audit, partner_requests};
use tokio::sync::Notify;

use crate::contacts::{NOW, Org, add_user, change_user, email, org};
use crate::support::both_engines;
use crate::support::engines::fetch_count;

fn service(store: &Store) -> Arc<Partners> {
    let url = url::Url::parse("https://entente.example").unwrap();
    let links = Links::new(&url).expect("links to a valid public URL");
    Arc::new(Partners::new(store.clone(), links, Arc::new(Notify::new())))
}

/// The audit entry of `kind` about the request `request`.
fn partner_event(request: PartnerRequestId, kind: AuditKind) -> AuditEvent {
    AuditEvent::Partner { request, kind }
}

/// A second Administrator of `org`.
async fn admin(store: &Store, org: &Org, address: &str) -> UserId {
    let user = add_user(store, org, "Second Admin", address).await;
    change_user(store, user, "profile = 'administrator'").await;
    user
}

async fn emails(store: &Store, kind: EmailKind) -> Vec<OutboxRecord> {
    let all = outbox::list_recent(store, 100).await.unwrap();
    all.into_iter().filter(|email| email.kind == kind).collect()
}

async fn stored(store: &Store, request: PartnerRequestId) -> PartnerRequest {
    partner_requests::get(store, request)
        .await
        .unwrap()
        .unwrap()
}

async fn synced_members(store: &Store, owner: AccountId, of: AccountId) -> i64 {
    fetch_count(
        store,
        &format!(
            "SELECT COUNT(*) FROM contacts WHERE account_id = '{owner}' \
             AND partner_account_id = '{of}' AND synced = TRUE"
        ),
    )
    .await
}

async fn count(store: &Store, table: &str) -> i64 {
    fetch_count(store, &format!("SELECT COUNT(*) FROM {table}")).await
}

fn at(offset: i64) -> Timestamp {
    Timestamp(NOW.0 + offset)
}

/// Acme invites Globex's admin; returns the two orgs and the pending request.
async fn invited(store: &Store, partners: &Partners) -> (Org, Org, PartnerRequestId) {
    let acme = org(store, "acme").await;
    let globex = org(store, "globex").await;
    let request = partners
        .send(acme.admin, &email("admin@globex.example"), NOW)
        .await
        .unwrap();
    (acme, globex, request.id())
}

both_engines! {
    async fn send_then_accept_by_another_admin_forms_the_partnership(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        assert_eq!(stored(&store, id).await.status(), RequestStatus::Pending);
        let invitations = emails(&store, EmailKind::PartnerInvitation).await;
        assert_eq!(invitations.len(), 1);
        assert_eq!(invitations[0].recipient, "admin@globex.example");
        assert!(invitations[0].text_body.contains("https://entente.example/settings/partners"));

        let second = admin(&store, &globex, "second@globex.example").await;
        let accepted = partners.act(second, Action::Accept, id, at(1)).await.unwrap();
        assert_eq!(accepted.status(), RequestStatus::Accepted);
        assert_eq!(synced_members(&store, acme.id, globex.id).await, 2);
        assert_eq!(synced_members(&store, globex.id, acme.id).await, 1);
        let acceptances = emails(&store, EmailKind::PartnerAccepted).await;
        assert_eq!(acceptances.len(), 1);
        assert_eq!(acceptances[0].recipient, "admin@acme.example");
        for account in [acme.id, globex.id] {
            let log = audit::list(&store, account, None, 10).await.unwrap();
            let events: Vec<AuditEvent> = log.iter().map(|entry| entry.event.clone()).collect();
            assert_eq!(events, [
                partner_event(id, AuditKind::RequestAccepted),
                partner_event(id, AuditKind::RequestSent),
            ]);
            let older = audit::list(&store, account, Some(log[0].cursor()), 10).await.unwrap();
            assert_eq!(older.len(), 1, "the cursor continues after the newest entry");
        }
    }

    async fn reject_sends_the_rejection_and_the_address_cannot_be_invited_again(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        let rejected = partners.act(globex.admin, Action::RejectAndIgnore, id, at(1)).await.unwrap();
        assert_eq!(rejected.status(), RequestStatus::Rejected);
        let rejections = emails(&store, EmailKind::PartnerRejected).await;
        assert_eq!(rejections.len(), 1);
        assert_eq!(rejections[0].recipient, "admin@acme.example");
        let again = partners.send(acme.admin, &email("admin@globex.example"), at(2)).await;
        assert!(matches!(again, Err(PartnersError::Refused(SendError::InvitationDeclined))));

        partners.act(acme.admin, Action::Delete, id, at(3)).await.unwrap();
        partners.act(globex.admin, Action::Delete, id, at(4)).await.unwrap();
        partners.send(acme.admin, &email("admin@globex.example"), at(5)).await.unwrap();
        assert_eq!(count(&store, "partner_requests").await, 2);
    }

    async fn inviting_a_pending_address_again_is_refused(store: Store) {
        let partners = service(&store);
        let (acme, _globex, id) = invited(&store, &partners).await;
        let again = partners.send(acme.admin, &email("admin@globex.example"), at(1)).await;
        assert!(matches!(again, Err(PartnersError::Refused(SendError::AlreadyInvited { request })) if request == id));
    }

    async fn deleting_a_pending_request_withdraws_or_declines_it(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        partners.act(acme.admin, Action::Delete, id, at(1)).await.unwrap();
        assert!(stored(&store, id).await.is_archived(), "the sender withdrew it");

        let second = partners.send(acme.admin, &email("admin@globex.example"), at(2)).await.unwrap();
        partners.act(globex.admin, Action::Delete, second.id(), at(3)).await.unwrap();
        let declined = stored(&store, second.id()).await;
        assert_eq!(declined.status(), RequestStatus::Rejected, "the sender sees a rejection");
        assert!(!declined.is_archived());
        assert_eq!(emails(&store, EmailKind::PartnerRejected).await.len(), 0, "no email");
    }

    async fn the_sender_ending_a_partnership_keeps_members_unsynced(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        partners.act(globex.admin, Action::Accept, id, at(1)).await.unwrap();
        partners.act(acme.admin, Action::Delete, id, at(2)).await.unwrap();
        assert!(stored(&store, id).await.is_archived());
        assert_eq!(synced_members(&store, acme.id, globex.id).await, 0);
        assert_eq!(fetch_count(&store, &format!(
            "SELECT COUNT(*) FROM contacts WHERE account_id = '{}' AND partner_account_id = '{}'",
            acme.id, globex.id)).await, 1, "members stay");
        let log = audit::list(&store, globex.id, None, 1).await.unwrap();
        let ended = AuditKind::RequestDeleted { by: Side::Sender, status_before: RequestStatus::Accepted };
        assert_eq!(log[0].event, partner_event(id, ended));
    }

    async fn refused_actors_change_nothing(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        let standard = add_user(&store, &globex, "Stan", "stan@globex.example").await;
        let stranger = org(&store, "initech").await;
        let before = (count(&store, "email_outbox").await, count(&store, "audit_log").await);

        let refused = partners.act(standard, Action::Accept, id, at(1)).await;
        assert!(matches!(refused, Err(PartnersError::Refused(ActionError::NotAllowed))));
        let sent = partners.send(standard, &email("admin@acme.example"), at(1)).await;
        assert!(matches!(sent, Err(PartnersError::Refused(SendError::NotAllowed))));
        for outcome in [
            partners.act(stranger.admin, Action::Accept, id, at(1)).await,
            partners.act(stranger.admin, Action::Delete, id, at(1)).await,
            partners.act(stranger.admin, Action::RejectAndIgnore, PartnerRequestId::from_uuid(uuid::Uuid::new_v4()), at(1)).await,
        ] {
            assert!(matches!(outcome, Err(PartnersError::Refused(ActionError::NotFound))));
        }
        assert_eq!(stored(&store, id).await.status(), RequestStatus::Pending);
        assert_eq!((count(&store, "email_outbox").await, count(&store, "audit_log").await), before);
        assert_eq!(count(&store, "partner_requests").await, 1);
        let _ = acme;
    }

    async fn two_admins_accepting_at_once_form_one_partnership(store: Store) {
        let partners = service(&store);
        let (_acme, globex, id) = invited(&store, &partners).await;
        let second = admin(&store, &globex, "second@globex.example").await;
        let tasks = [globex.admin, second].map(|actor| {
            let partners = partners.clone();
            tokio::spawn(async move { partners.act(actor, Action::Accept, id, at(1)).await })
        });
        let mut accepted = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => accepted += 1,
                Err(PartnersError::Refused(ActionError::AlreadyAccepted)) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(accepted, 1);
        assert_eq!(stored(&store, id).await.status(), RequestStatus::Accepted);
        assert_eq!(emails(&store, EmailKind::PartnerAccepted).await.len(), 1);
    }

    async fn mutual_invitations_at_once_leave_one_pending_request(store: Store) {
        let partners = service(&store);
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let tasks = [(acme.admin, "admin@globex.example"), (globex.admin, "admin@acme.example")]
            .map(|(actor, to)| {
                let partners = partners.clone();
                tokio::spawn(async move { partners.send(actor, &email(to), NOW).await })
            });
        let mut sent = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => sent += 1,
                Err(PartnersError::Refused(SendError::IncomingRequestPending { .. })) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(sent, 1, "the second send sees the first");
        assert_eq!(count(&store, "partner_requests").await, 1);
    }

    async fn the_same_invitation_sent_many_times_at_once_is_stored_once(store: Store) {
        let partners = service(&store);
        let acme = org(&store, "acme").await;
        let _globex = org(&store, "globex").await;
        let second = admin(&store, &acme, "second@acme.example").await;
        let tasks: Vec<_> = (0..8)
            .map(|task| {
                let partners = partners.clone();
                let actor = if task % 2 == 0 { acme.admin } else { second };
                tokio::spawn(async move { partners.send(actor, &email("admin@globex.example"), NOW).await })
            })
            .collect();
        let mut sent = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => sent += 1,
                Err(PartnersError::Refused(SendError::AlreadyInvited { .. })) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(sent, 1, "one request, however many administrators press Send");
        assert_eq!(count(&store, "partner_requests").await, 1);
        assert_eq!(emails(&store, EmailKind::PartnerInvitation).await.len(), 1);
    }

    async fn an_organization_sends_at_most_thirty_invitations_an_hour(store: Store) {
        let partners = service(&store);
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        for n in 0..=MAX_INVITATIONS_PER_HOUR {
            add_user(&store, &globex, "Invitee", &format!("invitee{n}@globex.example")).await;
        }
        for n in 0..MAX_INVITATIONS_PER_HOUR {
            let address = email(&format!("invitee{n}@globex.example"));
            partners.send(acme.admin, &address, NOW).await.unwrap();
        }
        let last = email(&format!("invitee{MAX_INVITATIONS_PER_HOUR}@globex.example"));
        let refused = partners.send(acme.admin, &last, at(60)).await.unwrap_err();
        assert!(matches!(refused, PartnersError::Refused(SendError::TooManyInvitations { limit: 30 })), "{refused:?}");
        assert_eq!(count(&store, "partner_requests").await, 30);
        assert_eq!(emails(&store, EmailKind::PartnerInvitation).await.len(), 30);

        // Another organization is not held back, and an hour later Acme may send again.
        let initech = org(&store, "initech").await;
        partners.send(initech.admin, &last, at(60)).await.unwrap();
        partners.send(acme.admin, &last, at(INVITATION_WINDOW_SECONDS + 1)).await.unwrap();
    }

    async fn forty_invitations_at_once_still_stop_at_thirty(store: Store) {
        let partners = service(&store);
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        for n in 0..40 {
            add_user(&store, &globex, "Invitee", &format!("invitee{n}@globex.example")).await;
        }
        let tasks: Vec<_> = (0..40)
            .map(|n| {
                let partners = partners.clone();
                let address = email(&format!("invitee{n}@globex.example"));
                tokio::spawn(async move { partners.send(acme.admin, &address, NOW).await })
            })
            .collect();
        let (mut sent, mut limited) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => sent += 1,
                Err(PartnersError::Refused(SendError::TooManyInvitations { .. })) => limited += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((sent, limited), (MAX_INVITATIONS_PER_HOUR, 40 - MAX_INVITATIONS_PER_HOUR));
        assert_eq!(count(&store, "partner_requests").await, 30);
        assert_eq!(emails(&store, EmailKind::PartnerInvitation).await.len(), 30);
    }

    async fn accept_and_delete_at_once_end_in_a_state_the_rules_allow(store: Store) {
        let partners = service(&store);
        let (acme, globex, id) = invited(&store, &partners).await;
        let accept = {
            let partners = partners.clone();
            tokio::spawn(async move { partners.act(globex.admin, Action::Accept, id, at(1)).await })
        };
        let delete = {
            let partners = partners.clone();
            tokio::spawn(async move { partners.act(acme.admin, Action::Delete, id, at(1)).await })
        };
        let accepted = accept.await.unwrap();
        let deleted = delete.await.unwrap();
        assert!(deleted.is_ok(), "the sender may always delete: {deleted:?}");
        let last = stored(&store, id).await;
        assert!(last.is_archived());
        match accepted {
            // Accepted first: the delete ended the partnership.
            Ok(_) => assert_eq!(synced_members(&store, acme.id, globex.id).await, 0),
            // Deleted first: the recipient no longer sees it.
            Err(PartnersError::Refused(ActionError::NotFound)) => {
                assert_eq!(last.status(), RequestStatus::Pending);
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
}
