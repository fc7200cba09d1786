//! The Contacts page and its server functions through the real router, on both engines:
//! sign-in required, kinds and partner origin, add and remove, search and keyset page links.

use entente_app::api::contacts::{AddContact, ListContacts, RemoveContact};
use entente_app::error::AppError;
use entente_server::store::Store;
use entente_server::store::contacts as contacts_store;
use reqwest::StatusCode;

use crate::contacts::{NOW, Org, add_user, change_user, email, end, name, org, partner};
use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::calls::Refused;
use crate::support::engines::fetch_count;
use crate::support::fixtures::browser;

const NORA: &str = "nora@northwind.example";
const ALREADY_LISTED: &str = "This person is already in your contacts.";

/// Signs up Northwind Studio with its Administrator at `NORA`; returns her browser and account.
async fn signed_up(app: &TestApp) -> (reqwest::Client, Org) {
    let northwind = app.sign_up("Northwind Studio", NORA).await;
    let org = Org::of(&northwind);
    (northwind.admin, org)
}

/// The HTML of the page at `path` as `client` sees it, which must answer 200.
async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let (status, html) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

/// Adds a contact by hand, as `client` does on the page.
async fn add_contact(
    app: &TestApp,
    client: &reqwest::Client,
    person: &str,
    address: &str,
) -> Result<(), Refused> {
    let add = AddContact {
        name: person.to_owned(),
        email: address.to_owned(),
    };
    app.call(client, add).await
}

/// Removes the contact `id`, as `client` does on the page.
async fn remove_contact(app: &TestApp, client: &reqwest::Client, id: &str) -> Result<(), Refused> {
    app.call(client, RemoveContact { id: id.to_owned() }).await
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
        let list = ListContacts { q: None, after: None };
        let answers = [
            ("contacts/list", app.call(&client, list).await.map(drop)),
            ("contacts/add", add_contact(&app, &client, "Carl Hand", "carl@x.example").await),
            ("contacts/remove", remove_contact(&app, &client, &id).await),
        ];
        for (function, answer) in answers {
            let refused = answer.expect_err(function);
            assert_eq!(refused.with_status(StatusCode::UNAUTHORIZED), AppError::Unauthenticated, "{function}");
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
            "First Admin nora@northwind.example User",
            "Olle Berg olle@northwind.example User",
        ]);
        assert!(!html.contains("admin@globex.example"), "another account's users are not listed");
        assert!(link_href(&html, "Next page").is_none() && link_href(&html, "First page").is_none());
    }

    async fn contacts_page_adds_a_contact_and_refuses_a_duplicate_or_a_malformed_address(store: Store) {
        let app = spawn_app(store.clone()).await;
        let (client, _nora) = signed_up(&app).await;
        add_contact(&app, &client, "Carl Hand", "Carl@Elsewhere.example").await.expect("add Carl");
        let html = page(&app, &client, "/contacts").await;
        assert!(row_texts(&html).contains(&"Carl Hand carl@elsewhere.example Contact Remove".to_owned()), "{html}");

        for address in ["carl@elsewhere.example", NORA] {
            let refused = add_contact(&app, &client, "Again", address).await.unwrap_err();
            assert_eq!(
                refused.with_status(StatusCode::CONFLICT),
                AppError::field_conflict("email", ALREADY_LISTED),
                "{address}"
            );
        }
        let refused = add_contact(&app, &client, "Dora", "dora.example").await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.field("email").contains('@'), "{refused:?}");
        let refused = add_contact(&app, &client, " ", "dora@x.example").await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused.field("name");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 1, "nothing more written");

        // Without JavaScript the form post comes back to the page it was sent from.
        let fields = [("name", "Dora Doe"), ("email", "dora@x.example")];
        let response = app.post_html_form(&client, "/api/contacts/add", &fields, "/contacts?q=carl").await;
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
            let refused = remove_contact(&app, &client, id).await.unwrap_err();
            assert_eq!(refused.with_status(StatusCode::NOT_FOUND), AppError::NotFound, "{id}");
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 2, "nothing changed");

        remove_contact(&app, &client, &ours).await.expect("remove our contact");
        let html = page(&app, &client, "/contacts").await;
        assert!(!html.contains("ours@x.example"), "{html}");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 1);
    }

    async fn a_name_is_found_by_itself_whatever_letters_it_has(store: Store) {
        // Rust and the database lowercase "İ" and a final "Σ" differently; the search lets the
        // database lowercase both sides, so each name is found by its own text.
        let app = spawn_app(store.clone()).await;
        let (client, org) = signed_up(&app).await;
        for (person, address) in [
            ("İstanbul Print", "ist@print.example"),
            ("ΟΔΟΣ Shipping", "odos@ship.example"),
            ("Zoë Ångström", "zoe@angstrom.example"),
        ] {
            store_contact(&store, &org, person, address).await;
        }
        for (query, expected) in [
            ("İstanbul Print", "İstanbul Print"),
            ("ΟΔΟΣ", "ΟΔΟΣ Shipping"),
            ("Zoë Ångström", "Zoë Ångström"),
            ("zoë", "Zoë Ångström"),
        ] {
            let html = page(&app, &client, &format!("/contacts?q={}", entente_app::components::format::encode_query_value(query))).await;
            let rows = row_texts(&html);
            assert_eq!(rows.len(), 1, "{query}: {rows:?}");
            assert!(rows[0].contains(expected), "{query}: {rows:?}");
        }
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
        assert!(rows[0].starts_with("First Admin") && rows[49].starts_with("Person 48"), "{rows:?}");
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

        let (status, html) = app.page(&client, "/contacts?after=garbage").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
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
            "First Admin nora@northwind.example User",
            "globex Admin admin@globex.example Member globex Ltd Synced",
            "Ina Globex ina@globex.example Member globex Ltd Synced Inactive",
        ]);

        end(&store, request).await;
        let rows = row_texts(&page(&app, &client, "/contacts").await);
        assert_eq!(rows[1], "globex Admin admin@globex.example Member globex Ltd No longer synced");
    }
}
