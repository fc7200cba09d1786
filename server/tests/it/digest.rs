//! The daily digest on both engines (issue 14's notifications): each person who chose it gets
//! one email a day listing what partners added to folders shared with them, decided by core's
//! `digest::in_digest` when the run is made; the day's run is made once, also when two
//! instances try at the same moment; after a partnership ends it keeps telling the people who
//! were members then, and never a user added later.

use entente_app::api::documents::{DeleteItem, MoveItem};
use entente_app::api::sharing::{DailyEmail, SetDailyEmail};
use entente_core::documents::digest::{DigestHour, DigestSetting};
use entente_core::{Profile, Timestamp};
use entente_server::documents::digest::{DigestOutcome, run_due};
use entente_server::mail::EmailKind;
use entente_server::mail::links::Links;
use entente_server::store::Store;
use entente_server::store::outbox::OutboxRecord;
use reqwest::StatusCode;

use crate::sharing::{folder, new_file, new_folder, share, whole};
use crate::support::app::TestApp;
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};
use crate::support::fixtures::{emails_to, stored_user};

const HOUR: i64 = 3_600;

/// The digests `address` received.
async fn digests(store: &Store, address: &str) -> Vec<OutboxRecord> {
    emails_to(store, address)
        .await
        .into_iter()
        .filter(|email| email.kind == EmailKind::ShareDigest)
        .collect()
}

/// The item names a digest lists, sorted.
fn listed(email: &OutboxRecord) -> Vec<String> {
    let mut names: Vec<String> = email
        .text_body
        .lines()
        .filter_map(|line| line.strip_prefix("- "))
        .map(|line| line.split(" in ").next().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

/// The moment and the digest hour of a run whose window ends within the hour ahead of the
/// real clock: what the test creates now falls in it.
fn next_run() -> (Timestamp, DigestHour) {
    let ahead = entente_server::store::now().0 + HOUR;
    let hour = u8::try_from(ahead.rem_euclid(86_400) / HOUR).expect("an hour");
    (Timestamp(ahead), DigestHour::new(hour).expect("an hour"))
}

fn links(app: &TestApp) -> Links {
    Links::new(&url::Url::parse(&app.url("/")).expect("the test server's address")).unwrap()
}

both_engines! {
    async fn the_daily_digest_tells_each_person_once_what_was_added_to_folders_shared_with_them(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let request = app.partner(&acme, &globex).await;
        app.invited_and_signed_in(&globex.admin, "gina@globex.example", Profile::Standard).await;
        let olga = app.invited_and_signed_in(&globex.admin, "olga@globex.example", Profile::Standard).await;
        let gina_id = stored_user(&app.store, "gina@globex.example").await.id;
        let root = folder(&app, &acme.admin, None).await.unwrap().folder.id.to_string();
        let campaign = new_folder(&app, &acme.admin, &root, "Campaign").await;
        let for_gina = new_folder(&app, &acme.admin, &root, "For Gina").await;
        let direct = new_file(&app, &acme.admin, &root, "direct.txt", b"shared itself").await;
        app.call(&acme.admin, share(&campaign, whole(&globex), "viewer", true)).await.unwrap();
        app.call(&acme.admin, share(&for_gina, format!("person:{gina_id}"), "viewer", true)).await.unwrap();
        app.call(&acme.admin, share(&direct, whole(&globex), "viewer", true)).await.unwrap();

        // Each person's setting: daily unless they chose otherwise; a wrong value changes nothing.
        assert_eq!(app.call(&olga, DailyEmail {}).await.unwrap(), DigestSetting::Daily);
        let refused = app.call(&olga, SetDailyEmail { setting: "hourly".to_owned() }).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.field("setting"), "Choose Off or Daily.");
        assert_eq!(app.call(&olga, DailyEmail {}).await.unwrap(), DigestSetting::Daily);
        app.call(&olga, SetDailyEmail { setting: "off".to_owned() }).await.expect("turn it off");
        assert_eq!(app.call(&olga, DailyEmail {}).await.unwrap(), DigestSetting::Off);
        // Signed out, there is no setting to read or change.
        let visitor = crate::support::fixtures::browser();
        assert_eq!(app.call(&visitor, SetDailyEmail { setting: "off".to_owned() }).await.unwrap_err().status, StatusCode::UNAUTHORIZED);

        // What the partner adds to the shared folders, at any depth; what leaves them before
        // the run does not count.
        new_file(&app, &acme.admin, &campaign, "cover.png", b"cover").await;
        let sub = new_folder(&app, &acme.admin, &campaign, "Proofs").await;
        new_file(&app, &acme.admin, &sub, "deep.txt", b"deep").await;
        new_file(&app, &acme.admin, &for_gina, "gina-only.txt", b"for Gina").await;
        let moved = new_file(&app, &acme.admin, &campaign, "moved-out.txt", b"moved").await;
        app.call(&acme.admin, MoveItem { item: moved, target: root.clone(), open: None }).await.unwrap();
        let trashed = new_file(&app, &acme.admin, &campaign, "trashed.txt", b"trashed").await;
        app.call(&acme.admin, DeleteItem { item: trashed }).await.unwrap();

        let links = links(&app);
        let (now, hour) = next_run();
        let outcome = run_due(&app.store, &links, now, hour).await.expect("the run");
        let Some(DigestOutcome::Sent { run, emails }) = outcome else { panic!("{outcome:?}") };
        assert_eq!(emails, 2, "Gil and Gina; Olga chose none; Acme's own people are not told");
        let gil_digest = digests(&app.store, "gil@globex.example").await;
        assert_eq!(gil_digest.len(), 1);
        assert_eq!(listed(&gil_digest[0]), ["Proofs", "cover.png", "deep.txt"]);
        assert_eq!(gil_digest[0].subject, "3 new items in what partners share with you");
        assert!(gil_digest[0].text_body.contains("- deep.txt in Proofs (Acme Studio)"), "{}", gil_digest[0].text_body);
        assert!(gil_digest[0].text_body.contains("/shared-with-us#daily-email"), "{}", gil_digest[0].text_body);
        assert_eq!(listed(&digests(&app.store, "gina@globex.example").await[0]), ["Proofs", "cover.png", "deep.txt", "gina-only.txt"]);
        assert!(digests(&app.store, "olga@globex.example").await.is_empty());
        assert!(digests(&app.store, "ada@acme.example").await.is_empty());

        // The day's run is made once: asking again that day makes nothing.
        assert_eq!(run_due(&app.store, &links, Timestamp(now.0 + HOUR), hour).await.unwrap(), None);

        // The next day, two instances at the same moment: one run, one set of emails.
        new_file(&app, &acme.admin, &campaign, "tuesday.txt", b"next day").await;
        let next_day = Timestamp(run.until.0 + 24 * HOUR);
        execute_raw(&app.store, &format!("UPDATE items SET created_at = {} WHERE name = 'tuesday.txt'", run.until.0 + HOUR)).await.unwrap();
        let (first, second) = tokio::join!(
            run_due(&app.store, &links, next_day, hour),
            run_due(&app.store, &links, next_day, hour),
        );
        let outcomes = [first.unwrap(), second.unwrap()];
        let sent: Vec<_> = outcomes.iter().filter(|outcome| matches!(outcome, Some(DigestOutcome::Sent { .. }))).collect();
        assert_eq!(sent.len(), 1, "{outcomes:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM digest_runs").await, 2);
        let gil_digest = digests(&app.store, "gil@globex.example").await;
        assert_eq!(gil_digest.len(), 2);
        assert!(gil_digest.iter().any(|email| listed(email) == ["tuesday.txt"]));
        assert_eq!(gil_digest.iter().filter(|email| listed(email).contains(&"cover.png".to_owned())).count(), 1, "never told twice");

        // The partnership ends: the people who were members keep hearing; a user Globex adds
        // later hears nothing.
        app.act(&acme.admin, "delete", &request).await;
        app.invited_and_signed_in(&globex.admin, "nora@globex.example", Profile::Administrator).await;
        new_file(&app, &acme.admin, &campaign, "after.txt", b"after the end").await;
        let third_day = Timestamp(next_day.0 + 24 * HOUR);
        execute_raw(&app.store, &format!("UPDATE items SET created_at = {} WHERE name = 'after.txt'", next_day.0 + HOUR)).await.unwrap();
        let outcome = run_due(&app.store, &links, third_day, hour).await.unwrap();
        assert!(matches!(outcome, Some(DigestOutcome::Sent { emails: 2, .. })), "{outcome:?}");
        assert!(digests(&app.store, "gil@globex.example").await.iter().any(|email| listed(email) == ["after.txt"]));
        assert!(digests(&app.store, "nora@globex.example").await.is_empty());
    }
}
