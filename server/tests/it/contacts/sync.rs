//! Partner sync on both engines: partnership formed, changes while it lasts, ended, formed again.

use super::*;
use crate::support::both_engines;
use crate::support::logs::CapturedLogs;
use entente_server::store::Engine;

both_engines! {
    async fn partnership_formed_makes_members_both_ways_and_upgrades_a_hand_added_contact(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        add_user(&store, &acme, "Ann Acme", "ann@acme.example").await;
        let inactive = add_user(&store, &globex, "Ina Globex", "ina@globex.example").await;
        change_user(&store, inactive, "active = FALSE").await;
        // Acme typed Globex's admin in by hand before the partnership.
        let mut tx = store.begin_write().await.unwrap();
        contacts::add_contact(&mut tx, acme.id, &name("Typed Name"), &email("admin@globex.example"), NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        partner(&store, &acme, &globex, "admin@globex.example").await;

        let upgraded = row(&store, acme.id, "admin@globex.example").await.unwrap();
        assert_eq!(upgraded.kind, ContactKind::Member);
        assert_eq!(upgraded.name.as_str(), "globex Admin", "the user's name replaces the typed one");
        let origin = upgraded.member_of.unwrap();
        assert_eq!((origin.account_id, origin.account_name.as_str()), (globex.id, "globex Ltd"));
        assert_eq!(origin.sync, MemberSync::Synced);
        assert_eq!(row(&store, acme.id, "ina@globex.example").await, None, "inactive users do not join");
        assert_eq!(member(&store, globex.id, "ann@acme.example").await, ("Ann Acme".into(), true, MemberSync::Synced));
        assert_eq!(member(&store, globex.id, "admin@acme.example").await.2, MemberSync::Synced);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 3);
    }

    async fn changes_during_a_partnership_arrive_at_once(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;

        let bea = add_user(&store, &acme, "Bea", "bea@acme.example").await;
        assert_eq!(member(&store, globex.id, "bea@acme.example").await, ("Bea".into(), true, MemberSync::Synced));

        change_user(&store, bea, "name = 'Bea Lee'").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::sync_user_renamed(&mut tx, bea, NOW).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(member(&store, globex.id, "bea@acme.example").await.0, "Bea Lee");

        change_user(&store, bea, "active = FALSE").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::sync_user_deactivated(&mut tx, bea, NOW).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(member(&store, globex.id, "bea@acme.example").await, ("Bea Lee".into(), false, MemberSync::Synced));

        change_user(&store, bea, "active = TRUE").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::sync_user_reactivated(&mut tx, bea, NOW).await.unwrap();
        tx.commit().await.unwrap();
        assert!(member(&store, globex.id, "bea@acme.example").await.1, "active again");
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 3);
    }

    async fn partnership_ended_keeps_members_unsynced_and_later_users_are_not_synced(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let ann = add_user(&store, &acme, "Ann", "ann@acme.example").await;
        let request = partner(&store, &acme, &globex, "admin@globex.example").await;
        end(&store, request).await;

        assert_eq!(member(&store, globex.id, "ann@acme.example").await, ("Ann".into(), true, MemberSync::NoLongerSynced));
        assert_eq!(member(&store, acme.id, "admin@globex.example").await.2, MemberSync::NoLongerSynced);

        add_user(&store, &acme, "Cy", "cy@acme.example").await;
        change_user(&store, ann, "name = 'Ann Renamed'").await;
        let mut tx = store.begin_write().await.unwrap();
        contacts::sync_user_renamed(&mut tx, ann, NOW).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(row(&store, globex.id, "cy@acme.example").await, None, "later users are not synced");
        assert_eq!(member(&store, globex.id, "ann@acme.example").await.0, "Ann", "no renames either");
    }

    async fn partnering_again_catches_up(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let ann = add_user(&store, &acme, "Ann", "ann@acme.example").await;
        let request = partner(&store, &acme, &globex, "admin@globex.example").await;
        end(&store, request).await;
        add_user(&store, &acme, "Cy", "cy@acme.example").await;
        change_user(&store, ann, "name = 'Ann Lee', active = FALSE").await;

        // This time Globex sends, in the other direction.
        partner(&store, &globex, &acme, "admin@acme.example").await;

        assert_eq!(member(&store, globex.id, "cy@acme.example").await, ("Cy".into(), true, MemberSync::Synced));
        assert_eq!(member(&store, globex.id, "ann@acme.example").await, ("Ann Lee".into(), false, MemberSync::Synced));
        assert_eq!(member(&store, acme.id, "admin@globex.example").await.2, MemberSync::Synced);
        assert_eq!(fetch_count(&store, "SELECT COUNT(*) FROM contacts").await, 4);
    }

    async fn sync_reaches_every_partner_and_no_unrelated_account(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        let initech = org(&store, "initech").await;
        let umbrella = org(&store, "umbrella").await;
        partner(&store, &acme, &globex, "admin@globex.example").await;
        partner(&store, &initech, &acme, "admin@acme.example").await;

        let mut tx = store.begin_write().await.unwrap();
        let mut partners = partner_requests::current_partners(&mut tx, acme.id).await.unwrap();
        partners.sort();
        let mut expected = vec![globex.id, initech.id];
        expected.sort();
        assert_eq!(partners, expected);
        drop(tx);

        add_user(&store, &acme, "Dee", "dee@acme.example").await;
        assert_eq!(member(&store, globex.id, "dee@acme.example").await.2, MemberSync::Synced);
        assert_eq!(member(&store, initech.id, "dee@acme.example").await.2, MemberSync::Synced);
        assert_eq!(all_rows(&store, umbrella.id, None).await.len(), 1, "only its own admin");
        // Globex and Initech are not partners of each other.
        assert_eq!(row(&store, globex.id, "admin@initech.example").await, None);
    }

    async fn a_user_added_while_a_partnership_forms_reaches_the_partner(store: Store) {
        let acme = org(&store, "acme").await;
        let globex = org(&store, "globex").await;
        // The user's transaction has synced (no partners yet) and is still open ...
        let (eve_name, eve_email) = (name("Eve"), email("eve@acme.example"));
        let mut adding = store.begin_write().await.unwrap();
        let eve = users::create_user(&mut adding, new_user(acme.id, &eve_name, &eve_email, Profile::Standard), NOW)
            .await
            .unwrap();
        contacts::sync_user_added(&mut adding, eve, NOW).await.unwrap();
        // ... while the partnership forms in another transaction.
        let request = accepted(&acme, &globex, "admin@globex.example");
        let forming = tokio::spawn({
            let store = store.clone();
            async move {
                let mut tx = store.begin_write().await.unwrap();
                partner_requests::insert(&mut tx, &restored(&request)).await.unwrap();
                contacts::sync_partnership_formed(&mut tx, request.sender_account, request.recipient_account, NOW)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        });
        wait_until_finished_or_waiting_for_a_lock(&store, &forming).await;
        adding.commit().await.unwrap();
        forming.await.unwrap();

        assert_eq!(member(&store, globex.id, "eve@acme.example").await, ("Eve".into(), true, MemberSync::Synced));
    }

    async fn a_change_reaches_every_partner_in_the_same_few_statements_however_many_partners(store: Store) {
        let acme = org(&store, "acme").await;
        let mut partners = Vec::new();
        // Statements the sync of one added user of Acme runs (those logged inside its span:
        // a connection the pool happens to open meanwhile logs statements of its own). With
        // the whole suite running, tracing's per-callsite cache can miss a just-registered
        // capture for a moment, and then no sqlx statement at all is seen (not even the user's
        // INSERT, which always runs): such a capture is taken again with another user.
        async fn statements_of_one_addition(store: &Store, acme: &Org, n: usize) -> (usize, String) {
            for attempt in 0..5 {
                let logs = CapturedLogs::default();
                let _capture = logs.capture();
                let email = format!("pat{n}-{attempt}@acme.example");
                add_user(store, acme, "Pat New", &email).await;
                let text = logs.text();
                if store.engine() == Engine::Postgres && !text.contains("sqlx::query") {
                    continue;
                }
                let statements = text
                    .lines()
                    .filter(|line| line.contains("sync_user_added{") && line.contains("sqlx::query"))
                    .count();
                return (statements, email);
            }
            panic!("five captures in a row saw no SQL statement")
        }
        for n in 0..3 {
            let other = org(&store, &format!("few{n}")).await;
            partner(&store, &acme, &other, &format!("admin@few{n}.example")).await;
            partners.push(other);
        }
        let (with_three, _) = statements_of_one_addition(&store, &acme, 3).await;
        for n in 0..27 {
            let other = org(&store, &format!("many{n}")).await;
            partner(&store, &acme, &other, &format!("admin@many{n}.example")).await;
            partners.push(other);
        }
        let (with_thirty, added) = statements_of_one_addition(&store, &acme, 30).await;
        // SQLite's driver runs statements, and logs them, on a thread of its own, out of this
        // test's capture; PostgreSQL's logs on the test's thread.
        if store.engine() == Engine::Postgres {
            assert!(with_three > 0, "statements are logged");
            assert_eq!(with_thirty, with_three, "the statements do not grow with the partners");
        }
        for partner_org in &partners {
            assert_eq!(member(&store, partner_org.id, &added).await.2, MemberSync::Synced);
        }
    }
}
