//! The Contacts page on both engines: kinds, search, keyset pages, adding and removing contacts.

use super::*;
use crate::support::both_engines;

both_engines! {
    async fn listing_shows_each_person_once_with_kind_origin_and_sync(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        add_user(&store, &acme, "Zed Acme", "zed@acme.example").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::add_contact(&mut tx, acme.id, &name("Carl Hand"), &email("carl@elsewhere.example"), NOW).await.unwrap();
        // A hand-added contact whose address later becomes a user here is listed once, as the user.
        contacts::add_contact(&mut tx, acme.id, &name("Later User"), &email("later@acme.example"), NOW).await.unwrap();
        tx.commit().await.unwrap();
        add_user(&store, &acme, "Later Acme", "later@acme.example").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;

        let rows = all_rows(&store, acme.id, None).await;
        let listed: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|row| (row.name.as_str(), row.kind.label(), row.member_of.as_ref().map_or("", |origin| origin.sync.label())))
            .collect();
        assert_eq!(listed, [
            ("acme Admin", "User", ""),
            ("Carl Hand", "Contact", ""),
            ("globex Admin", "Member", "Synced"),
            ("Later Acme", "User", ""),
            ("Zed Acme", "User", ""),
        ]);
        assert!(matches!(rows[0].id, ListedId::User(_)) && matches!(rows[1].id, ListedId::Contact(_)));
    }

    async fn search_matches_name_or_address_and_takes_wildcards_literally(store: Store) {
        let acme = org(&store, "acme").await;
        let mut tx = store.begin_write().await.unwrap();
        for (person, address) in [("Ann 100% Sure", "ann@x.example"), ("Annex", "annex@x.example"),
                                  ("Bob", "bob_b@x.example"), ("Bobby", "bobby@x.example")] {
            contacts::add_contact(&mut tx, acme.id, &name(person), &email(address), NOW).await.unwrap();
        }
        tx.commit().await.unwrap();
        let names = |rows: Vec<ContactListRow>| rows.into_iter().map(|row| row.name.to_string()).collect::<Vec<_>>();

        assert_eq!(names(all_rows(&store, acme.id, Some("ANN")).await), ["Ann 100% Sure", "Annex"]);
        assert_eq!(names(all_rows(&store, acme.id, Some("0%")).await), ["Ann 100% Sure"]);
        assert_eq!(names(all_rows(&store, acme.id, Some("b_b")).await), ["Bob"]);
        assert_eq!(names(all_rows(&store, acme.id, Some("@ACME.")).await), ["acme Admin"]);
        assert!(all_rows(&store, acme.id, Some("%%")).await.is_empty());
    }

    async fn keyset_pagination_visits_every_row_once_in_order(store: Store) {
        let acme = org(&store, "acme").await;
        let mut tx = store.begin_write().await.unwrap();
        for number in 0..249 {
            // Every fifth name repeats, so the id breaks ties between pages.
            let person = format!("Person {:03}", number - number % 5);
            let address = format!("p{number}@x.example");
            contacts::add_contact(&mut tx, acme.id, &name(&person), &email(&address), NOW).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let page = contacts::list(&store, acme.id, Query { search: None, after, limit: 50 }).await.unwrap();
            pages += 1;
            assert!(page.rows.len() <= 50);
            seen.extend(page.rows);
            match page.next {
                // Through the URL token form, as a page link would carry it.
                Some(next) => after = Some(contacts::Cursor::from_token(&next.to_token()).expect("a token")),
                None => break,
            }
        }
        assert_eq!(pages, 5);
        assert_eq!(contacts::Cursor::from_token("not-a-cursor-token-at-all-but-long-enough"), None);
        assert_eq!(seen.len(), 250, "249 contacts and the admin");
        let mut ids: Vec<ListedId> = seen.iter().map(|row| row.id).collect();
        ids.sort_by_key(|id| format!("{id:?}"));
        ids.dedup();
        assert_eq!(ids.len(), 250, "no row twice");
        let keys: Vec<String> = seen.iter().map(|row| row.name.as_str().to_lowercase()).collect();
        assert!(keys.windows(2).all(|pair| pair[0] <= pair[1]), "ordered by name");
    }

    async fn add_contact_refuses_a_person_already_listed(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::add_contact(&mut tx, acme.id, &name("Carl"), &email("carl@x.example"), NOW).await.unwrap();
        tx.commit().await.unwrap();

        for address in ["admin@acme.example", "admin@globex.example", "CARL@x.example"] {
            let mut tx = store.begin_write().await.unwrap();
            let refused = contacts::add_contact(&mut tx, acme.id, &name("Again"), &email(address), NOW).await;
            assert!(matches!(refused, Err(StoreError::Conflict(Conflict::ContactExists))), "{address}: {refused:?}");
            drop(tx);
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 3);
    }

    async fn remove_contact_only_removes_the_accounts_own_hand_added_contacts(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;
        let mut tx = store.begin_write().await.unwrap();
        let carl = contacts::add_contact(&mut tx, acme.id, &name("Carl"), &email("carl@x.example"), NOW).await.unwrap();
        tx.commit().await.unwrap();
        let ListedId::Contact(member_id) = row(&store, acme.id, "admin@globex.example").await.unwrap().id else {
            panic!("a member is a stored contact");
        };

        for (owner, id) in [(globex.id, carl), (acme.id, member_id), (acme.id, ContactId::from_uuid(Uuid::new_v4()))] {
            let mut tx = store.begin_write().await.unwrap();
            let refused = contacts::remove_contact(&mut tx, owner, id).await;
            assert!(matches!(refused, Err(StoreError::Conflict(Conflict::NotFound))), "{refused:?}");
            tx.commit().await.unwrap();
        }
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 3);

        let mut tx = store.begin_write().await.unwrap();
        contacts::remove_contact(&mut tx, acme.id, carl).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(row(&store, acme.id, "carl@x.example").await, None);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 2);
    }

    async fn search_follows_renames_and_removals_and_stays_in_the_account(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let quentin = add_user(&store, &acme, "Quentin Oldname", "quentin@acme.example").await;
        add_user(&store, &globex, "Quentin Oldname", "quentin@globex.example").await;
        let mut tx = store.begin_write().await.unwrap();
        let carl = contacts::add_contact(&mut tx, acme.id, &name("Carlotta Hand"), &email("carlotta@x.example"), NOW).await.unwrap();
        tx.commit().await.unwrap();
        let names = |rows: Vec<ContactListRow>| rows.into_iter().map(|row| row.email.to_string()).collect::<Vec<_>>();
        // Searches of three characters or more go through the search index on SQLite.
        assert_eq!(names(all_rows(&store, acme.id, Some("oldname")).await), ["quentin@acme.example"]);

        let mut tx = store.begin_write().await.unwrap();
        users::set_name(&mut tx, quentin, &name("Quentin Newname"), NOW).await.unwrap();
        contacts::remove_contact(&mut tx, acme.id, carl).await.unwrap();
        tx.commit().await.unwrap();
        assert!(all_rows(&store, acme.id, Some("oldname")).await.is_empty());
        assert_eq!(names(all_rows(&store, acme.id, Some("NEWNAME")).await), ["quentin@acme.example"]);
        assert!(all_rows(&store, acme.id, Some("carlotta")).await.is_empty());
        // Two characters are too few for a trigram index: they still match, by a scan.
        assert_eq!(names(all_rows(&store, acme.id, Some("ne")).await), ["quentin@acme.example"]);
    }
}
