//! The Contacts page and its server functions through the real router, on both engines:
//! sign-in required, kinds and partner origin, add and remove, search and keyset page links.

use entente_server::store::Store;
use entente_server::store::contacts as contacts_store;
use reqwest::StatusCode;
use serde_json::Value;

use crate::app::{TestApp, call, spawn_app};
use crate::auth::{browser, sign_up};
use crate::contacts::{NOW, Org, add_user, change_user, email, end, name, org, partner};
use crate::helpers::{both_engines, fetch_count};

const NORA: &str = "nora@northwind.example";
const ALREADY_LISTED: &str = "This person is already in your contacts.";

/// Signs up Northwind Studio with Nora as its Administrator; returns her browser and account.
async fn signed_up(app: &TestApp) -> (reqwest::Client, Org) {
    let client = browser();
    sign_up(app, &client, NORA).await;
    let response = call(app, &client, "current_user", &[]).await;
    let user: Value = response.json().await.expect("JSON");
    let id = |field: &str| user[field].as_str().expect("an id").to_owned();
    let nora = Org {
        id: id("account_id").parse().expect("an account id"),
        admin: id("user_id").parse().expect("a user id"),
    };
    (client, nora)
}

/// The HTML a browser's navigation to `path` receives.
async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    crate::app::html(response).await
}

/// Each contact row of the page as its visible text, tags removed and spaces collapsed.
fn row_texts(html: &str) -> Vec<String> {
    html.split(r#"data-test="contact-row""#)
        .skip(1)
        .map(|chunk| {
            let row = chunk.split("</tr>").next().unwrap_or_default();
            let row = row.split_once('>').map_or(row, |(_, rest)| rest);
            let mut text = String::new();
            let mut in_tag = false;
            for character in row.chars() {
                match character {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    _ if !in_tag => text.push(character),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The `href` of the link labelled `label`, entities decoded, if the page has one.
fn link_href(html: &str, label: &str) -> Option<String> {
    let end = html.find(&format!(">{label}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    let href = &html[start..];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

/// The message of the refused field `field` in an `AppError::InvalidFields` answer.
async fn field_error(response: reqwest::Response, field: &str) -> String {
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = response.json().await.expect("a JSON error");
    body["InvalidFields"]
        .as_array()
        .and_then(|errors| errors.iter().find(|error| error["field"] == field))
        .and_then(|error| error["message"].as_str())
        .unwrap_or_else(|| panic!("no error for {field} in {body}"))
        .to_owned()
}

/// Adds a hand-added contact of `account` directly through the store.
async fn store_contact(store: &Store, account: &Org, person: &str, address: &str) -> String {
    let mut tx = store.begin_write().await.unwrap();
    let id = contacts_store::add_contact(&mut tx, account.id, &name(person), &email(address), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

both_engines! {
    async fn contacts_page_sends_signed_out_visitors_to_sign_in_and_its_functions_refuse(store: Store) {
        let app = spawn_app(store.clone()).await;
        let client = browser();
        let response = client
            .get(app.url("/contacts"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "/sign-in?next=/contacts");
        let home = page(&app, &client, "/").await;
        assert!(!home.contains(r#"href="/contacts""#), "no Contacts link when signed out: {home}");

        let id = uuid::Uuid::new_v4().to_string();
        for (endpoint, fields) in [
            ("contacts/list", vec![]),
            ("contacts/add", vec![("name", "Carl Hand"), ("email", "carl@x.example")]),
            ("contacts/remove", vec![("id", id.as_str())]),
        ] {
            let response = call(&app, &client, endpoint, &fields).await;
            assert_ne!(response.status(), StatusCode::OK, "{endpoint}");
            let body = response.text().await.unwrap();
            assert!(body.contains("Unauthenticated"), "{endpoint}: {body}");
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 0);
    }

    async fn contacts_page_lists_the_signed_in_users_own_users(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, nora) = signed_up(&app).await;
        let _globex = org(&store, "globex").await;
        add_user(&store, &nora, "Olle Berg", "olle@northwind.example").await;

        let html = page(&app, &client, "/contacts").await;
        assert!(html.contains("<title>Contacts · Entente</title>"), "{html}");
        assert!(html.contains(r#"href="/contacts""#), "the navigation links here: {html}");
        assert_eq!(row_texts(&html), [
            "Nora Lindqvist nora@northwind.example User",
            "Olle Berg olle@northwind.example User",
        ]);
        assert!(!html.contains("admin@globex.example"), "another account's users are not listed");
        assert!(link_href(&html, "Next page").is_none() && link_href(&html, "First page").is_none());
    }

    async fn contacts_page_adds_a_contact_and_refuses_a_duplicate_or_a_malformed_address(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, _nora) = signed_up(&app).await;
        let response = call(&app, &client, "contacts/add", &[("name", "Carl Hand"), ("email", "Carl@Elsewhere.example")]).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let html = page(&app, &client, "/contacts").await;
        assert!(row_texts(&html).contains(&"Carl Hand carl@elsewhere.example Contact Remove".to_owned()), "{html}");

        for address in ["carl@elsewhere.example", NORA] {
            let response = call(&app, &client, "contacts/add", &[("name", "Again"), ("email", address)]).await;
            assert_eq!(field_error(response, "email").await, ALREADY_LISTED, "{address}");
        }
        let response = call(&app, &client, "contacts/add", &[("name", "Dora"), ("email", "dora.example")]).await;
        assert!(field_error(response, "email").await.contains('@'));
        let response = call(&app, &client, "contacts/add", &[("name", " "), ("email", "dora@x.example")]).await;
        field_error(response, "name").await;
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 1, "nothing more written");

        // Without JavaScript the form post comes back to the page it was sent from.
        let response = client
            .post(app.url("/api/contacts/add"))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", app.url("/contacts?q=carl"))
            .form(&[("name", "Dora Doe"), ("email", "dora@x.example")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], app.url("/contacts?q=carl"));
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 2);
    }

    async fn contacts_page_removes_only_the_accounts_own_hand_added_contacts(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, nora) = signed_up(&app).await;
        let globex = org(&store, "globex").await;
        let theirs = store_contact(&store, &globex, "Their Contact", "their@x.example").await;
        let ours = store_contact(&store, &nora, "Our Contact", "ours@x.example").await;

        for id in [theirs.as_str(), "not-an-id", &uuid::Uuid::new_v4().to_string()] {
            let response = call(&app, &client, "contacts/remove", &[("id", id)]).await;
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{id}");
            let body = response.text().await.unwrap();
            assert!(body.contains("NotFound"), "{id}: {body}");
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 2, "nothing changed");

        let response = call(&app, &client, "contacts/remove", &[("id", &ours)]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = page(&app, &client, "/contacts").await;
        assert!(!html.contains("ours@x.example"), "{html}");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 1);
    }

    async fn contacts_page_search_filters_by_name_or_address(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, nora) = signed_up(&app).await;
        store_contact(&store, &nora, "Carl Hand", "carl@elsewhere.example").await;
        store_contact(&store, &nora, "Dora Doe", "dora@x.example").await;

        let html = page(&app, &client, "/contacts?q=CARL").await;
        assert_eq!(row_texts(&html), ["Carl Hand carl@elsewhere.example Contact Remove"]);
        assert!(html.contains(r#"value="CARL""#), "the search box keeps the text: {html}");
        let html = page(&app, &client, "/contacts?q=x.example").await;
        assert_eq!(row_texts(&html), ["Dora Doe dora@x.example Contact Remove"]);
        let html = page(&app, &client, "/contacts?q=nobody").await;
        assert!(html.contains("No one matches this search."), "{html}");
    }

    async fn contacts_page_links_to_the_next_page_with_the_cursor_and_continues_there(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, nora) = signed_up(&app).await;
        for number in 0..60 {
            store_contact(&store, &nora, &format!("Person {number:02}"), &format!("p{number}@x.example")).await;
        }

        let first = page(&app, &client, "/contacts").await;
        let rows = row_texts(&first);
        assert_eq!(rows.len(), 50);
        assert!(rows[0].starts_with("Nora Lindqvist") && rows[49].starts_with("Person 48"), "{rows:?}");
        assert!(link_href(&first, "First page").is_none());
        let next = link_href(&first, "Next page").expect("a Next page link");
        assert!(next.starts_with("/contacts?after="), "{next}");

        let second = page(&app, &client, &next).await;
        let rows = row_texts(&second);
        assert_eq!(rows.len(), 11, "{rows:?}");
        assert!(rows[0].starts_with("Person 49") && rows[10].starts_with("Person 59"), "{rows:?}");
        assert!(link_href(&second, "Next page").is_none());
        assert_eq!(link_href(&second, "First page").as_deref(), Some("/contacts"));

        // The search travels with the cursor.
        let first = page(&app, &client, "/contacts?q=person").await;
        let next = link_href(&first, "Next page").expect("a Next page link");
        assert!(next.ends_with("&q=person"), "{next}");
        let rows = row_texts(&page(&app, &client, &next).await);
        assert_eq!(rows.len(), 10);
        assert!(rows[0].starts_with("Person 50"), "{rows:?}");

        let response = client.get(app.url("/contacts?after=garbage")).send().await.unwrap();
        let html = crate::app::html(response).await;
        assert!(html.contains("This page link is not valid."), "{html}");
    }

    async fn contacts_page_shows_members_with_their_organization_and_sync(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, nora) = signed_up(&app).await;
        let globex = org(&store, "globex").await;
        let ina = add_user(&store, &globex, "Ina Globex", "ina@globex.example").await;
        let request = partner(&store, &nora, &globex, "admin@globex.example").await;
        change_user(&store, ina, "active = FALSE").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts_store::sync_user_deactivated(&mut tx, ina, NOW).await.unwrap();
        tx.commit().await.unwrap();

        let rows = row_texts(&page(&app, &client, "/contacts").await);
        assert_eq!(rows, [
            "globex Admin admin@globex.example Member globex Ltd Synced",
            "Ina Globex ina@globex.example Member globex Ltd Synced Inactive",
            "Nora Lindqvist nora@northwind.example User",
        ]);

        end(&store, request).await;
        let rows = row_texts(&page(&app, &client, "/contacts").await);
        assert_eq!(rows[0], "globex Admin admin@globex.example Member globex Ltd No longer synced");
    }
}
