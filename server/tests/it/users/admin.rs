//! The Users page's administrative functions: who may call them, on which users, the last
//! Administrator, ending a deactivated user's sessions and partner sync.

use entente_core::contacts::ContactKind;
use entente_core::partnership::{RequestStatus, StoredPartnerRequest};
use entente_core::{AccountId, Email, PartnerRequestId, Timestamp, UserId};
use entente_server::store::contacts::{self, ContactListRow, Query};
use entente_server::store::{Store, partner_requests};
use serde_json::json;

use super::*;
use crate::app::spawn_app;
use crate::helpers::{both_engines, fetch_count};

const LAST_ADMIN: &str = "This is the last active Administrator of your organization. Make \
    another user an Administrator first.";

/// How many rows each table holds, to show a refused call wrote nothing.
async fn table_counts(store: &Store) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["users", "email_outbox", "password_tokens", "contacts"] {
        counts.push(fetch_count(store, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

/// `(profile, active)` of the stored user with this address.
async fn profile_and_activity(store: &Store, email: &str) -> (String, bool) {
    let user = stored_user(store, email).await;
    (user.profile, user.active)
}

/// Makes the accounts of the two administrators partners, the way accepting a request does.
async fn partner(store: &Store, sender_admin: &str, recipient_admin: &str) {
    let sender = stored_user(store, sender_admin).await;
    let sender_account = AccountId::from_uuid(sender.account_id);
    let recipient_account = AccountId::from_uuid(account_of(store, recipient_admin).await);
    let now = Timestamp(1_700_000_000);
    let request = StoredPartnerRequest {
        id: PartnerRequestId::from_uuid(Uuid::new_v4()),
        sender_account,
        sending_user: UserId::from_uuid(sender.id),
        recipient_email: Email::parse(recipient_admin).unwrap(),
        recipient_account,
        status: RequestStatus::Accepted,
        deleted_by_sender: false,
        deleted_by_recipient: false,
        archived: false,
        created_at: now,
        updated_at: now,
    };
    let mut tx = store.begin_write().await.unwrap();
    partner_requests::insert(&mut tx, &request).await.unwrap();
    contacts::sync_partnership_formed(&mut tx, sender_account, recipient_account, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The row with this address on the Contacts page of `admin_email`'s account.
async fn listed_contact(store: &Store, admin_email: &str, address: &str) -> Option<ContactListRow> {
    let account = AccountId::from_uuid(account_of(store, admin_email).await);
    let query = Query {
        search: None,
        after: None,
        limit: 200,
    };
    let page = contacts::list(store, account, query).await.unwrap();
    page.rows
        .into_iter()
        .find(|row| row.email.as_str() == address)
}

/// `(kind, active)` of the row with this address on the Contacts page of `admin_email`'s account.
async fn contact_row(
    store: &Store,
    admin_email: &str,
    address: &str,
) -> Option<(ContactKind, bool)> {
    listed_contact(store, admin_email, address)
        .await
        .map(|row| (row.kind, row.active))
}

/// The name the Contacts page of `admin_email`'s account shows for this address.
async fn contact_name(store: &Store, admin_email: &str, address: &str) -> String {
    let row = listed_contact(store, admin_email, address).await;
    row.expect("listed").name.to_string()
}

both_engines! {
    async fn an_administrator_lists_adds_and_changes_users(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        ok_json(add_user(&app, &admin, "Sam Ortiz", "sam@northwind.example", "standard").await).await;
        let listed = ok_json(call(&app, &admin, "list_users", &[]).await).await;
        let emails: Vec<&str> = listed.as_array().unwrap().iter().map(|user| user["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["nora@northwind.example", "sam@northwind.example"]);

        let sam = user_id(&app.store, "sam@northwind.example").await;
        let renamed = ok_json(call(&app, &admin, "rename_user", &[("user_id", &sam), ("name", "  Samuel Ortiz ")]).await).await;
        assert_eq!(renamed["name"], "Samuel Ortiz");
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.name, "Samuel Ortiz");
        let changed = ok_json(call(&app, &admin, "change_user_profile", &[("user_id", &sam), ("profile", "manager")]).await).await;
        assert_eq!(changed["profile"], "manager");
        let deactivated = ok_json(call(&app, &admin, "deactivate_user", &[("user_id", &sam)]).await).await;
        assert_eq!(deactivated["active"], false);
        assert_eq!(profile_and_activity(&app.store, "sam@northwind.example").await, ("manager".to_owned(), false));
        ok_json(call(&app, &admin, "reactivate_user", &[("user_id", &sam)]).await).await;
        assert!(stored_user(&app.store, "sam@northwind.example").await.active);
    }

    async fn a_taken_email_is_refused_beside_the_field_and_nothing_is_written(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let _other = sign_up_admin(&app, "Acme Print", "alex@acme.example").await;
        let before = table_counts(&app.store).await;
        for taken in ["nora@northwind.example", " ALEX@acme.example "] {
            let refused = error_json(add_user(&app, &admin, "Someone Else", taken, "standard").await).await;
            assert_eq!(
                refused,
                json!({ "InvalidFields": [{ "field": "email", "message": "This email address is already used by another user." }] })
            );
        }
        let malformed = error_json(add_user(&app, &admin, "", "no-at-sign", "overlord").await).await;
        let fields: Vec<&str> = malformed["InvalidFields"].as_array().unwrap().iter().map(|error| error["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "email", "profile"]);
        let overlong = error_json(add_user(&app, &admin, &"N".repeat(101), "sam@northwind.example", "standard").await).await;
        assert_eq!(
            overlong,
            json!({ "InvalidFields": [{ "field": "name", "message": "This name is too long (at most 100 characters)." }] })
        );
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn a_refused_new_name_says_why_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let nora = user_id(&app.store, "nora@northwind.example").await;
        let name_before = stored_user(&app.store, "nora@northwind.example").await.name;
        let too_long = "N".repeat(101);
        for (name, sentence) in [
            ("   ", "Please enter a name."),
            (too_long.as_str(), "This name is too long (at most 100 characters)."),
            ("Nora\tLindqvist", "A name cannot contain tabs, line breaks or other control characters."),
        ] {
            let refused = error_json(call(&app, &admin, "rename_user", &[("user_id", &nora), ("name", name)]).await).await;
            assert_eq!(refused, json!({ "Invalid": sentence }), "{name:?}");
        }
        for unknown in ["not-an-id", "00000000-0000-0000-0000-000000000000"] {
            let refused = error_json(call(&app, &admin, "rename_user", &[("user_id", unknown), ("name", "Someone")]).await).await;
            assert_eq!(refused, json!("NotFound"));
        }
        assert_eq!(stored_user(&app.store, "nora@northwind.example").await.name, name_before);
    }

    async fn other_profiles_and_strangers_are_refused_every_users_function(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let nora = user_id(&app.store, "nora@northwind.example").await;
        let mut refused_clients = vec![("signed out", browser(), json!("Unauthenticated"))];
        for (profile, email) in [("standard", "sam@northwind.example"), ("manager", "mia@northwind.example"), ("reviewer", "rex@northwind.example")] {
            refused_clients.push((profile, invited_and_signed_in(&app, &admin, email, profile).await, json!("Forbidden")));
        }
        let sam = user_id(&app.store, "sam@northwind.example").await;
        let before = table_counts(&app.store).await;
        for (who, client, expected) in &refused_clients {
            let calls: [(&str, Vec<(&str, &str)>); 6] = [
                ("list_users", vec![]),
                ("add_user", vec![("name", "Eve Intruder"), ("email", "eve@northwind.example"), ("profile", "administrator")]),
                ("rename_user", vec![("user_id", &nora), ("name", "Eve Intruder")]),
                ("change_user_profile", vec![("user_id", &nora), ("profile", "standard")]),
                ("deactivate_user", vec![("user_id", &nora)]),
                ("reactivate_user", vec![("user_id", &sam)]),
            ];
            for (endpoint, fields) in calls {
                let answer = error_json(call(&app, client, endpoint, &fields).await).await;
                assert_eq!(&answer, expected, "{who} calling {endpoint}");
            }
        }
        assert_eq!(table_counts(&app.store).await, before);
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await, ("administrator".to_owned(), true));
        // A Billing Administrator may manage users.
        let billing = invited_and_signed_in(&app, &admin, "bill@northwind.example", "billing_administrator").await;
        ok_json(call(&app, &billing, "list_users", &[]).await).await;
    }

    async fn a_cross_site_post_riding_an_administrators_session_is_refused_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let nora = user_id(&app.store, "nora@northwind.example").await;
        let before = table_counts(&app.store).await;
        let name_before = stored_user(&app.store, "nora@northwind.example").await.name;
        for (header, value) in [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
            ("referer", "https://evil.example/a-page-with-a-hidden-form"),
        ] {
            let calls: [(&str, Vec<(&str, &str)>); 3] = [
                ("add_user", vec![("name", "Eve Intruder"), ("email", "eve@evil.example"), ("profile", "administrator")]),
                ("rename_user", vec![("user_id", &nora), ("name", "Owned")]),
                ("deactivate_user", vec![("user_id", &nora)]),
            ];
            for (endpoint, fields) in calls {
                // The administrator's cookie goes along, as a browser might send it.
                let response = admin
                    .post(app.url(&format!("/api/{endpoint}")))
                    .header(header, value)
                    .form(&fields)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN, "{endpoint} with {header}: {value}");
            }
        }
        assert_eq!(table_counts(&app.store).await, before);
        let nora_now = stored_user(&app.store, "nora@northwind.example").await;
        assert_eq!((nora_now.name, nora_now.active), (name_before, true));
    }

    async fn another_accounts_user_is_not_found_and_unchanged(store: Store) {
        let app = spawn_app(store).await;
        let admin_a = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let admin_b = sign_up_admin(&app, "Acme Print", "alex@acme.example").await;
        ok_json(add_user(&app, &admin_b, "Bea Acme", "bea@acme.example", "standard").await).await;
        let before = table_counts(&app.store).await;
        for target in ["alex@acme.example", "bea@acme.example"] {
            let id = user_id(&app.store, target).await;
            let calls: [(&str, Vec<(&str, &str)>); 4] = [
                ("rename_user", vec![("user_id", &id), ("name", "Eve Intruder")]),
                ("change_user_profile", vec![("user_id", &id), ("profile", "reviewer")]),
                ("deactivate_user", vec![("user_id", &id)]),
                ("reactivate_user", vec![("user_id", &id)]),
            ];
            for (endpoint, fields) in calls {
                let answer = error_json(call(&app, &admin_a, endpoint, &fields).await).await;
                assert_eq!(answer, json!("NotFound"), "{endpoint} on {target}");
            }
        }
        let unknown = Uuid::new_v4().to_string();
        for id in [unknown.as_str(), "not-an-id"] {
            let answer = error_json(call(&app, &admin_a, "deactivate_user", &[("user_id", id)]).await).await;
            assert_eq!(answer, json!("NotFound"));
        }
        assert_eq!(table_counts(&app.store).await, before);
        assert_eq!(profile_and_activity(&app.store, "alex@acme.example").await, ("administrator".to_owned(), true));
        assert_eq!(profile_and_activity(&app.store, "bea@acme.example").await, ("standard".to_owned(), true));
        let listed = ok_json(call(&app, &admin_a, "list_users", &[]).await).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "only Northwind's own users");
    }

    async fn the_last_active_administrator_stays_until_there_is_another(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let nora = user_id(&app.store, "nora@northwind.example").await;
        // A Billing Administrator does not count as an Administrator.
        ok_json(add_user(&app, &admin, "Bill Payer", "bill@northwind.example", "billing_administrator").await).await;
        let last_admin = json!({ "Invalid": LAST_ADMIN });
        let demote = [("user_id", nora.as_str()), ("profile", "billing_administrator")];
        assert_eq!(error_json(call(&app, &admin, "change_user_profile", &demote).await).await, last_admin);
        assert_eq!(error_json(call(&app, &admin, "deactivate_user", &[("user_id", &nora)]).await).await, last_admin);
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await, ("administrator".to_owned(), true));

        ok_json(add_user(&app, &admin, "Ada Second", "ada@northwind.example", "administrator").await).await;
        let ada = user_id(&app.store, "ada@northwind.example").await;
        ok_json(call(&app, &admin, "change_user_profile", &demote).await).await;
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await.0, "billing_administrator");
        // Nora, a Billing Administrator now, still manages users, but Ada is the last Administrator.
        let refused = error_json(call(&app, &admin, "deactivate_user", &[("user_id", &ada)]).await).await;
        assert_eq!(refused, last_admin);
        assert_eq!(profile_and_activity(&app.store, "ada@northwind.example").await, ("administrator".to_owned(), true));
        let promote = [("user_id", nora.as_str()), ("profile", "administrator")];
        ok_json(call(&app, &admin, "change_user_profile", &promote).await).await;
        ok_json(call(&app, &admin, "deactivate_user", &[("user_id", &ada)]).await).await;
        assert!(!stored_user(&app.store, "ada@northwind.example").await.active);
    }

    async fn two_administrators_demoting_each_other_at_once_leave_one(store: Store) {
        let app = spawn_app(store).await;
        let nora_client = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let ada_client = invited_and_signed_in(&app, &nora_client, "ada@northwind.example", "administrator").await;
        let nora = user_id(&app.store, "nora@northwind.example").await;
        let ada = user_id(&app.store, "ada@northwind.example").await;
        for _ in 0..3 {
            let demote_ada = [("user_id", ada.as_str()), ("profile", "standard")];
            let demote_nora = [("user_id", nora.as_str()), ("profile", "standard")];
            let (first, second) = tokio::join!(
                call(&app, &nora_client, "change_user_profile", &demote_ada),
                call(&app, &ada_client, "change_user_profile", &demote_nora),
            );
            let succeeded = [first.status(), second.status()].iter().filter(|status| status.is_success()).count();
            assert_eq!(succeeded, 1, "exactly one of the two demotions");
            let admins = fetch_count(
                &app.store,
                "SELECT COUNT(*) FROM users WHERE profile = 'administrator' AND active = TRUE",
            )
            .await;
            assert_eq!(admins, 1);
            // Make the demoted one an Administrator again, for the next round.
            let (restorer, demoted) = if first.status().is_success() { (&nora_client, &ada) } else { (&ada_client, &nora) };
            let promote = [("user_id", demoted.as_str()), ("profile", "administrator")];
            ok_json(call(&app, restorer, "change_user_profile", &promote).await).await;
        }
    }

    async fn a_deactivated_users_session_ends_and_they_cannot_sign_in(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let sam_client = invited_and_signed_in(&app, &admin, "sam@northwind.example", "standard").await;
        assert_eq!(current_user(&app, &sam_client).await["email"], "sam@northwind.example");
        let sessions = fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await;

        let sam = user_id(&app.store, "sam@northwind.example").await;
        ok_json(call(&app, &admin, "deactivate_user", &[("user_id", &sam)]).await).await;
        assert_eq!(current_user(&app, &sam_client).await, Value::Null);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, sessions - 1);
        let refused = error_json(sign_in(&app, &browser(), "sam@northwind.example", NEW_PASSWORD).await).await;
        assert!(refused["InvalidFields"].is_array(), "{refused}");

        ok_json(call(&app, &admin, "reactivate_user", &[("user_id", &sam)]).await).await;
        ok_json(sign_in(&app, &browser(), "sam@northwind.example", NEW_PASSWORD).await).await;
    }

    async fn a_user_added_while_partnered_appears_as_a_member_at_the_partner(store: Store) {
        let app = spawn_app(store).await;
        let admin = sign_up_admin(&app, "Northwind Studio", "nora@northwind.example").await;
        let _partner = sign_up_admin(&app, "Acme Print", "alex@acme.example").await;
        partner(&app.store, "nora@northwind.example", "alex@acme.example").await;
        assert_eq!(contact_row(&app.store, "alex@acme.example", "nora@northwind.example").await, Some((ContactKind::Member, true)));

        ok_json(add_user(&app, &admin, "Sam Ortiz", "sam@northwind.example", "standard").await).await;
        assert_eq!(contact_row(&app.store, "alex@acme.example", "sam@northwind.example").await, Some((ContactKind::Member, true)));

        let sam = user_id(&app.store, "sam@northwind.example").await;
        ok_json(call(&app, &admin, "rename_user", &[("user_id", &sam), ("name", "Samuel Ortiz")]).await).await;
        assert_eq!(contact_name(&app.store, "alex@acme.example", "sam@northwind.example").await, "Samuel Ortiz");
        ok_json(call(&app, &admin, "deactivate_user", &[("user_id", &sam)]).await).await;
        assert_eq!(contact_row(&app.store, "alex@acme.example", "sam@northwind.example").await, Some((ContactKind::Member, false)));
        ok_json(call(&app, &admin, "reactivate_user", &[("user_id", &sam)]).await).await;
        assert_eq!(contact_row(&app.store, "alex@acme.example", "sam@northwind.example").await, Some((ContactKind::Member, true)));
    }
}
