//! The Users page's administrative functions: who may call them, on which users, the last
//! Administrator, ending a deactivated user's sessions and partner sync.

use entente_app::api::users::{
    AddUser, ChangeUserProfile, DeactivateUser, ListUsers, ReactivateUser, RenameUser,
};
use entente_app::error::AppError;
use entente_core::contacts::ContactKind;
use entente_core::{AccountId, Profile};
use entente_server::store::Store;
use entente_server::store::contacts::{self, ContactListRow, Query};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::contacts::{Org, partner};
use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{PASSWORD, WRONG_OR_UNKNOWN, browser, stored_user};

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

/// The id of the user with this address, as form text.
async fn user_id(store: &Store, email: &str) -> String {
    stored_user(store, email).await.id.to_string()
}

/// `(profile, active)` of the stored user with this address.
async fn profile_and_activity(store: &Store, email: &str) -> (Profile, bool) {
    let user = stored_user(store, email).await;
    (user.profile, user.active)
}

/// Adds a user as `admin`, who must be allowed to.
async fn add_user(app: &TestApp, admin: &reqwest::Client, name: &str, email: &str, profile: &str) {
    let user = AddUser {
        name: name.to_owned(),
        email: email.to_owned(),
        profile: profile.to_owned(),
    };
    app.call(admin, user).await.expect("add the user");
}

/// Gives the user `user_id` the profile `profile`, as `client`.
async fn change_profile(
    app: &TestApp,
    client: &reqwest::Client,
    user_id: &str,
    profile: &str,
) -> Result<(), Refused> {
    let change = ChangeUserProfile {
        user_id: user_id.to_owned(),
        profile: profile.to_owned(),
    };
    app.call(client, change).await.map(drop)
}

/// Deactivates the user `user_id`, as `client`.
async fn deactivate(app: &TestApp, client: &reqwest::Client, user_id: &str) -> Result<(), Refused> {
    app.call(
        client,
        DeactivateUser {
            user_id: user_id.to_owned(),
        },
    )
    .await
    .map(drop)
}

/// Reactivates the user `user_id`, as `client`.
async fn reactivate(app: &TestApp, client: &reqwest::Client, user_id: &str) -> Result<(), Refused> {
    app.call(
        client,
        ReactivateUser {
            user_id: user_id.to_owned(),
        },
    )
    .await
    .map(drop)
}

/// Renames the user `user_id`, as `client`.
async fn rename(
    app: &TestApp,
    client: &reqwest::Client,
    user_id: &str,
    name: &str,
) -> Result<(), Refused> {
    let rename = RenameUser {
        user_id: user_id.to_owned(),
        name: name.to_owned(),
    };
    app.call(client, rename).await.map(drop)
}

/// The row with this address on the Contacts page of `account`.
async fn listed_contact(
    store: &Store,
    account: AccountId,
    address: &str,
) -> Option<ContactListRow> {
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

/// `(kind, active)` of the row with this address on the Contacts page of `account`.
async fn contact_row(
    store: &Store,
    account: AccountId,
    address: &str,
) -> Option<(ContactKind, bool)> {
    listed_contact(store, account, address)
        .await
        .map(|row| (row.kind, row.active))
}

/// The name the Contacts page of `account` shows for this address.
async fn contact_name(store: &Store, account: AccountId, address: &str) -> String {
    let row = listed_contact(store, account, address).await;
    row.expect("listed").name.to_string()
}

both_engines! {
    async fn an_administrator_lists_adds_and_changes_users(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        add_user(&app, admin, "Sam Ortiz", "sam@northwind.example", "standard").await;
        let listed = app.call(admin, ListUsers {}).await.expect("the users");
        let emails: Vec<&str> = listed.iter().map(|user| user.email.as_str()).collect();
        assert_eq!(emails, ["nora@northwind.example", "sam@northwind.example"]);

        let sam = user_id(&app.store, "sam@northwind.example").await;
        let renamed = RenameUser { user_id: sam.clone(), name: "  Samuel Ortiz ".to_owned() };
        let renamed = app.call(admin, renamed).await.expect("rename");
        assert_eq!(renamed.name.as_str(), "Samuel Ortiz");
        assert_eq!(stored_user(&app.store, "sam@northwind.example").await.name.as_str(), "Samuel Ortiz");
        let changed = ChangeUserProfile { user_id: sam.clone(), profile: "manager".to_owned() };
        let changed = app.call(admin, changed).await.expect("change the profile");
        assert_eq!(changed.profile, Profile::Manager);
        let deactivated = app.call(admin, DeactivateUser { user_id: sam.clone() }).await.expect("deactivate");
        assert!(!deactivated.active);
        assert_eq!(profile_and_activity(&app.store, "sam@northwind.example").await, (Profile::Manager, false));
        reactivate(&app, admin, &sam).await.expect("reactivate");
        assert!(stored_user(&app.store, "sam@northwind.example").await.active);
    }

    async fn a_taken_email_is_refused_beside_the_field_and_nothing_is_written(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        app.sign_up("Acme Print", "alex@acme.example").await;
        let admin = &northwind.admin;
        let before = table_counts(&app.store).await;
        let add = |name: &str, email: &str, profile: &str| AddUser {
            name: name.to_owned(),
            email: email.to_owned(),
            profile: profile.to_owned(),
        };
        for taken in ["nora@northwind.example", " ALEX@acme.example "] {
            let refused = app.call(admin, add("Someone Else", taken, "standard")).await.unwrap_err();
            assert_eq!(
                refused.with_status(StatusCode::CONFLICT),
                AppError::field_conflict("email", "This email address is already used by another user."),
                "{taken}"
            );
        }
        let malformed = app.call(admin, add("", "no-at-sign", "overlord")).await.unwrap_err();
        let malformed = malformed.with_status(StatusCode::UNPROCESSABLE_ENTITY);
        let AppError::InvalidFields(errors) = malformed else {
            panic!("refused fields: {malformed:?}");
        };
        let fields: Vec<&str> = errors.0.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "profile"]);
        let overlong = app.call(admin, add(&"N".repeat(101), "sam@northwind.example", "standard")).await.unwrap_err();
        assert_eq!(
            overlong.with_status(StatusCode::UNPROCESSABLE_ENTITY),
            AppError::field("name", "This name is too long (at most 100 characters).")
        );
        assert_eq!(table_counts(&app.store).await, before);
    }

    async fn a_refused_new_name_says_why_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let nora = user_id(&app.store, &northwind.admin_email).await;
        let name_before = stored_user(&app.store, "nora@northwind.example").await.name;
        let too_long = "N".repeat(101);
        for (name, sentence) in [
            ("   ", "Please enter a name."),
            (too_long.as_str(), "This name is too long (at most 100 characters)."),
            ("Nora\tLindqvist", "A name cannot contain tabs, line breaks or other control characters."),
        ] {
            let refused = rename(&app, admin, &nora, name).await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::Invalid(sentence.to_owned()), "{name:?}");
        }
        for unknown in ["not-an-id", "00000000-0000-0000-0000-000000000000"] {
            let refused = rename(&app, admin, unknown, "Someone").await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound, "{unknown}");
        }
        assert_eq!(stored_user(&app.store, "nora@northwind.example").await.name, name_before);
    }

    async fn other_profiles_and_strangers_are_refused_every_users_function(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let nora = user_id(&app.store, &northwind.admin_email).await;
        let mut refused_clients = vec![("signed out", browser(), StatusCode::UNAUTHORIZED, AppError::Unauthenticated)];
        for (profile, email) in [
            (Profile::Standard, "sam@northwind.example"),
            (Profile::Manager, "mia@northwind.example"),
            (Profile::Reviewer, "rex@northwind.example"),
        ] {
            let client = app.invited_and_signed_in(admin, email, profile).await;
            refused_clients.push((profile.as_str(), client, StatusCode::FORBIDDEN, AppError::Forbidden));
        }
        let sam = user_id(&app.store, "sam@northwind.example").await;
        let before = table_counts(&app.store).await;
        for (who, client, status, expected) in &refused_clients {
            let intruder = AddUser {
                name: "Eve Intruder".to_owned(),
                email: "eve@northwind.example".to_owned(),
                profile: "administrator".to_owned(),
            };
            let answers = [
                ("list_users", app.call(client, ListUsers {}).await.map(drop)),
                ("add_user", app.call(client, intruder).await.map(drop)),
                ("rename_user", rename(&app, client, &nora, "Eve Intruder").await),
                ("change_user_profile", change_profile(&app, client, &nora, "standard").await),
                ("deactivate_user", deactivate(&app, client, &nora).await),
                ("reactivate_user", reactivate(&app, client, &sam).await),
            ];
            for (function, answer) in answers {
                let refused = answer.expect_err(function);
                assert_eq!(refused.with_status(*status), *expected, "{who} calling {function}");
            }
        }
        assert_eq!(table_counts(&app.store).await, before);
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await, (Profile::Administrator, true));
        // A Billing Administrator may manage users.
        let billing = app.invited_and_signed_in(admin, "bill@northwind.example", Profile::BillingAdministrator).await;
        app.call(&billing, ListUsers {}).await.expect("a Billing Administrator lists users");
    }

    async fn a_billing_administrator_manages_users_but_never_the_administrator_profile(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let billing = app.invited_and_signed_in(&northwind.admin, "bill@northwind.example", Profile::BillingAdministrator).await;
        add_user(&app, &northwind.admin, "Sam Standard", "sam@northwind.example", "standard").await;
        let (nora, bill, sam) = (
            user_id(&app.store, "nora@northwind.example").await,
            user_id(&app.store, "bill@northwind.example").await,
            user_id(&app.store, "sam@northwind.example").await,
        );
        let before = table_counts(&app.store).await;
        let promote_a_newcomer = AddUser {
            name: "Eve Newcomer".to_owned(),
            email: "eve@northwind.example".to_owned(),
            profile: "administrator".to_owned(),
        };
        let refusals = [
            ("add an Administrator", app.call(&billing, promote_a_newcomer).await.map(drop)),
            ("promote itself", change_profile(&app, &billing, &bill, "administrator").await),
            ("promote a user", change_profile(&app, &billing, &sam, "administrator").await),
            ("demote the Administrator", change_profile(&app, &billing, &nora, "standard").await),
            ("deactivate the Administrator", deactivate(&app, &billing, &nora).await),
            ("rename the Administrator", rename(&app, &billing, &nora, "Someone Else").await),
        ];
        for (what, answer) in refusals {
            let refused = answer.expect_err(what);
            assert_eq!(refused.with_status(StatusCode::FORBIDDEN), AppError::Forbidden, "{what}");
        }
        assert_eq!(table_counts(&app.store).await, before);
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await, (Profile::Administrator, true));
        assert_eq!(profile_and_activity(&app.store, "bill@northwind.example").await.0, Profile::BillingAdministrator);

        // Everything else is allowed, as for an Administrator.
        change_profile(&app, &billing, &sam, "manager").await.expect("a Manager");
        rename(&app, &billing, &sam, "Sam Renamed").await.expect("renamed");
        deactivate(&app, &billing, &sam).await.expect("deactivated");
        reactivate(&app, &billing, &sam).await.expect("reactivated");
        add_user(&app, &billing, "Rex Reviewer", "rex@northwind.example", "reviewer").await;
        assert_eq!(profile_and_activity(&app.store, "sam@northwind.example").await, (Profile::Manager, true));

        // The page offers only what the table allows.
        let (_, page) = app.page(&billing, "/settings/users").await;
        let administrator_row = page
            .split(r#"data-test="user-row""#)
            .find(|row| row.contains("nora@northwind.example"))
            .expect("the Administrator's row");
        assert!(administrator_row.contains("Only an Administrator can change this user."), "{administrator_row}");
        assert!(!administrator_row.contains(">Deactivate</button>"), "{administrator_row}");
        let add_form = &page[page.find(r#"data-test="add-user-form""#).expect("the add form")..];
        assert!(!add_form.contains(r#"<option value="administrator""#), "{add_form}");
        let (_, as_admin) = app.page(&northwind.admin, "/settings/users").await;
        let add_form = &as_admin[as_admin.find(r#"data-test="add-user-form""#).expect("the add form")..];
        assert!(add_form.contains(r#"<option value="administrator""#), "an Administrator may add one");
    }

    async fn a_cross_site_post_riding_an_administrators_session_is_refused_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let nora = user_id(&app.store, &northwind.admin_email).await;
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
                assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint} with {header}: {value}");
            }
        }
        assert_eq!(table_counts(&app.store).await, before);
        let nora_now = stored_user(&app.store, "nora@northwind.example").await;
        assert_eq!((nora_now.name, nora_now.active), (name_before, true));
    }

    async fn another_accounts_user_is_not_found_and_unchanged(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let acme = app.sign_up("Acme Print", "alex@acme.example").await;
        let admin_a = &northwind.admin;
        add_user(&app, &acme.admin, "Bea Acme", "bea@acme.example", "standard").await;
        let before = table_counts(&app.store).await;
        for target in ["alex@acme.example", "bea@acme.example"] {
            let id = user_id(&app.store, target).await;
            let answers = [
                ("rename_user", rename(&app, admin_a, &id, "Eve Intruder").await),
                ("change_user_profile", change_profile(&app, admin_a, &id, "reviewer").await),
                ("deactivate_user", deactivate(&app, admin_a, &id).await),
                ("reactivate_user", reactivate(&app, admin_a, &id).await),
            ];
            for (function, answer) in answers {
                let refused = answer.expect_err(function);
                assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound, "{function} on {target}");
            }
        }
        let unknown = Uuid::new_v4().to_string();
        for id in [unknown.as_str(), "not-an-id"] {
            let refused = deactivate(&app, admin_a, id).await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound, "{id}");
        }
        assert_eq!(table_counts(&app.store).await, before);
        assert_eq!(profile_and_activity(&app.store, "alex@acme.example").await, (Profile::Administrator, true));
        assert_eq!(profile_and_activity(&app.store, "bea@acme.example").await, (Profile::Standard, true));
        let listed = app.call(admin_a, ListUsers {}).await.expect("the users");
        assert_eq!(listed.len(), 1, "only Northwind's own users");
    }

    async fn the_last_active_administrator_stays_until_there_is_another(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let nora = user_id(&app.store, &northwind.admin_email).await;
        // A Billing Administrator does not count as an Administrator.
        add_user(&app, admin, "Bill Payer", "bill@northwind.example", "billing_administrator").await;
        let last_admin = || AppError::Conflict(LAST_ADMIN.to_owned());
        let demoted = change_profile(&app, admin, &nora, "billing_administrator").await.unwrap_err();
        assert_eq!(demoted.with_status(StatusCode::CONFLICT), last_admin());
        let deactivated = deactivate(&app, admin, &nora).await.unwrap_err();
        assert_eq!(deactivated.with_status(StatusCode::CONFLICT), last_admin());
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await, (Profile::Administrator, true));

        let ada_client = app.invited_and_signed_in(admin, "ada@northwind.example", Profile::Administrator).await;
        let ada = user_id(&app.store, "ada@northwind.example").await;
        change_profile(&app, admin, &nora, "billing_administrator").await.expect("another Administrator exists");
        assert_eq!(profile_and_activity(&app.store, "nora@northwind.example").await.0, Profile::BillingAdministrator);
        // Nora, a Billing Administrator now, still manages users but never an Administrator.
        let refused = deactivate(&app, admin, &ada).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::FORBIDDEN), AppError::Forbidden);
        // Ada is the last Administrator: not even she can deactivate herself.
        let refused = deactivate(&app, &ada_client, &ada).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::CONFLICT), last_admin());
        assert_eq!(profile_and_activity(&app.store, "ada@northwind.example").await, (Profile::Administrator, true));
        change_profile(&app, &ada_client, &nora, "administrator").await.expect("Ada promotes Nora");
        deactivate(&app, admin, &ada).await.expect("Nora, an Administrator again, deactivates Ada");
        assert!(!stored_user(&app.store, "ada@northwind.example").await.active);
    }

    async fn two_administrators_demoting_each_other_at_once_leave_one(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let nora_client = &northwind.admin;
        let ada_client = app.invited_and_signed_in(nora_client, "ada@northwind.example", Profile::Administrator).await;
        let nora = user_id(&app.store, &northwind.admin_email).await;
        let ada = user_id(&app.store, "ada@northwind.example").await;
        for _ in 0..3 {
            let (first, second) = tokio::join!(
                change_profile(&app, nora_client, &ada, "standard"),
                change_profile(&app, &ada_client, &nora, "standard"),
            );
            let succeeded = [&first, &second].iter().filter(|answer| answer.is_ok()).count();
            assert_eq!(succeeded, 1, "exactly one of the two demotions: {first:?} {second:?}");
            let refused = [&first, &second].into_iter().find_map(|answer| answer.as_ref().err()).unwrap();
            // The other is refused as the last Administrator's demotion, or, when its request
            // arrived after the demotion of its sender, because its sender no longer may.
            assert!(
                (refused.status, &refused.error) == (StatusCode::CONFLICT, &AppError::Conflict(LAST_ADMIN.to_owned()))
                    || (refused.status, &refused.error) == (StatusCode::FORBIDDEN, &AppError::Forbidden),
                "{refused:?}"
            );
            let admins = fetch_count(
                &app.store,
                "SELECT COUNT(*) FROM users WHERE profile = 'administrator' AND active = TRUE",
            )
            .await;
            assert_eq!(admins, 1);
            // Make the demoted one an Administrator again, for the next round.
            let (restorer, demoted) = if first.is_ok() { (nora_client, &ada) } else { (&ada_client, &nora) };
            change_profile(&app, restorer, demoted, "administrator").await.expect("promote again");
        }
    }

    async fn a_deactivated_users_session_ends_and_they_cannot_sign_in(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let sam_client = app.invited_and_signed_in(admin, "sam@northwind.example", Profile::Standard).await;
        let signed_in = app.current_user(&sam_client).await.expect("signed in");
        assert_eq!(signed_in.email.as_str(), "sam@northwind.example");
        let sessions = fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await;

        let sam = user_id(&app.store, "sam@northwind.example").await;
        deactivate(&app, admin, &sam).await.expect("deactivate Sam");
        assert_eq!(app.current_user(&sam_client).await, None);
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, sessions - 1);
        let refused = app.sign_in(&browser(), "sam@northwind.example", PASSWORD).await.unwrap_err();
        assert_eq!(refused.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::field("password", WRONG_OR_UNKNOWN));

        reactivate(&app, admin, &sam).await.expect("reactivate Sam");
        app.sign_in(&browser(), "sam@northwind.example", PASSWORD).await.expect("Sam signs in again");
    }

    async fn a_session_of_a_deactivated_user_stays_ended_after_a_quick_reactivation(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let admin = &northwind.admin;
        let sam_client = app.invited_and_signed_in(admin, "sam@northwind.example", Profile::Standard).await;
        let sam = user_id(&app.store, "sam@northwind.example").await;
        // Deactivated and reactivated before Sam's browser makes another request.
        deactivate(&app, admin, &sam).await.expect("deactivate Sam");
        reactivate(&app, admin, &sam).await.expect("reactivate Sam");
        assert_eq!(app.current_user(&sam_client).await, None, "the old session does not come back");
        let fresh = browser();
        app.sign_in(&fresh, "sam@northwind.example", PASSWORD).await.expect("a new sign-in works");
        assert!(app.current_user(&fresh).await.is_some());
    }

    async fn a_user_added_while_partnered_appears_as_a_member_at_the_partner(store: Store) {
        let app = spawn_app(store).await;
        let northwind = app.sign_up("Northwind Studio", "nora@northwind.example").await;
        let acme = app.sign_up("Acme Print", "alex@acme.example").await;
        let admin = &northwind.admin;
        partner(&app.store, &Org::of(&northwind), &Org::of(&acme), "alex@acme.example").await;
        assert_eq!(contact_row(&app.store, acme.account_id, "nora@northwind.example").await, Some((ContactKind::Member, true)));

        add_user(&app, admin, "Sam Ortiz", "sam@northwind.example", "standard").await;
        assert_eq!(contact_row(&app.store, acme.account_id, "sam@northwind.example").await, Some((ContactKind::Member, true)));

        let sam = user_id(&app.store, "sam@northwind.example").await;
        rename(&app, admin, &sam, "Samuel Ortiz").await.expect("rename Sam");
        assert_eq!(contact_name(&app.store, acme.account_id, "sam@northwind.example").await, "Samuel Ortiz");
        deactivate(&app, admin, &sam).await.expect("deactivate Sam");
        assert_eq!(contact_row(&app.store, acme.account_id, "sam@northwind.example").await, Some((ContactKind::Member, false)));
        reactivate(&app, admin, &sam).await.expect("reactivate Sam");
        assert_eq!(contact_row(&app.store, acme.account_id, "sam@northwind.example").await, Some((ContactKind::Member, true)));
    }
}
